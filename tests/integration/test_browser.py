"""Runs the browser tests (tests/browser/run.mjs: Debian's Chromium driven by
playwright-core) against `elhub serve` over a store filled from the real
data, and over an empty store. The script prints one line per check; its
screenshots go to build/test-output/browser/<build>/."""
import pathlib
import subprocess

import pytest

import web_util
from conftest import make_empty_store, REPO, elhub_bin

pytestmark = pytest.mark.browser


def test_dashboard_in_chromium(tmp_path):
    store = tmp_path / "elhub.db"
    web_util.fill_store(store)
    build = "san" if "/san/" in elhub_bin() else "normal"
    out = REPO / "build" / "test-output" / "browser" / build
    with web_util.serve(f"sqlite:{store}") as full, \
            web_util.serve(make_empty_store(tmp_path / "empty.db")) as empty:
        p = subprocess.run(["node", str(REPO / "tests" / "browser" / "run.mjs"), "--url", full.url,
                            "--empty-url", empty.url, "--out", str(out)],
                           capture_output=True, text=True, timeout=900, cwd=REPO)
    print(p.stdout)
    assert p.returncode == 0, f"browser tests failed:\n{p.stdout}\n{p.stderr[-3000:]}"
    assert "0 not ok" in p.stdout
    assert len(list(pathlib.Path(out).glob("*.png"))) >= 12
