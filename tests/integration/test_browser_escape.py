"""Issue 11, item 7: tooltips build their HTML from group names, escaped.
Runs tests/browser/escape.mjs (Chromium via playwright-core) against
`elhub serve` over the real 2021 data; the script rewrites the server's
answers on their way to the page so a group is called by an <img> tag (no
store can hold that name), then opens the tooltips and checks the tag shows
as text and creates no element."""
import subprocess

import pytest

import web_util
from conftest import REPO, elhub_bin

pytestmark = pytest.mark.browser


def test_tooltips_show_names_as_text(tmp_path):
    store = tmp_path / "elhub.db"
    web_util.fill_store(store, which=("2021",))
    build = "san" if "/san/" in elhub_bin() else "normal"
    out = REPO / "build" / "test-output" / "browser" / build
    with web_util.serve(f"sqlite:{store}") as srv:
        p = subprocess.run(["node", str(REPO / "tests" / "browser" / "escape.mjs"), "--url",
                            srv.url, "--out", str(out)],
                           capture_output=True, text=True, timeout=300, cwd=REPO)
    print(p.stdout)
    assert p.returncode == 0, f"browser test failed:\n{p.stdout}\n{p.stderr[-3000:]}"
    assert "3 ok, 0 not ok" in p.stdout
