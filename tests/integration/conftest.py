"""Shared pytest fixtures for the integration tests: where the binary, the
repo and the real data are, and a helper to run the binary."""
import os
import pathlib
import subprocess

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
SHARED_DATA = REPO.parent / "shared" / "data" / "elhub"
BUNDLED_DATA = REPO / "data" / "elhub"


def elhub_bin():
    return os.environ.get("ELHUB_BIN", str(REPO / "build" / "elhub"))


def run_elhub(*args, check=True, timeout=600, env=None, input=None):
    """Runs the binary, returns CompletedProcess with text stdout/stderr."""
    full_env = dict(os.environ)
    full_env.pop("ELHUB_STORE", None)
    if env:
        full_env.update(env)
    p = subprocess.run([elhub_bin(), *map(str, args)], capture_output=True, text=True,
                       timeout=timeout, env=full_env, input=input)
    if check and p.returncode != 0:
        raise AssertionError(f"elhub {' '.join(map(str, args))} exited {p.returncode}\n"
                             f"stdout:\n{p.stdout[-4000:]}\nstderr:\n{p.stderr[-4000:]}")
    return p


@pytest.fixture
def sqlite_store(tmp_path):
    return f"sqlite:{tmp_path / 'elhub.db'}"
