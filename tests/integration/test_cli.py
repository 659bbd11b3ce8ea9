"""The command line's contract: --help, --version, exit codes, and the
first run as a newcomer meets it (serve's --listen forms, a port taken)."""
import os
import signal
import socket
import subprocess

import pytest

from conftest import BUNDLED_DATA, REPO, elhub_bin, run_elhub


def test_version():
    p = run_elhub("--version")
    assert p.stdout.startswith("elhub ")


def test_help_lists_commands():
    p = run_elhub("--help")
    for cmd in ("fetch", "import", "export", "status", "serve", "plot", "load"):
        assert cmd in p.stdout


def test_unknown_command_is_usage_error():
    p = run_elhub("frobnicate", check=False)
    assert p.returncode == 2
    assert "unknown command" in p.stderr


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve_line(args, env=None):
    """Starts serve, returns its first stdout line, stops it."""
    full = dict(os.environ)
    full.pop("ELHUB_STORE", None)
    full.pop("ELHUB_LISTEN", None)
    full.update(env or {})
    proc = subprocess.Popen([elhub_bin(), "serve", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=full)
    try:
        line = proc.stdout.readline()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=60)
    assert proc.returncode == 0
    return line.strip()


@pytest.mark.parametrize("form", ["{p}", ":{p}", "127.0.0.1:{p}"])
def test_serve_listen_forms(tmp_path, form):
    """--listen takes PORT and :PORT (loopback) as well as HOST:PORT."""
    run_elhub("import", "--store", f"sqlite:{tmp_path / 's.db'}",
              BUNDLED_DATA / "production_2021_raw_excerpt_NO1_hydro.csv.gz")
    port = _free_port()
    line = _serve_line(["--store", f"sqlite:{tmp_path / 's.db'}", "--listen", form.format(p=port)])
    assert line == f"serving http://127.0.0.1:{port}/"


def test_serve_listen_from_environment(tmp_path):
    run_elhub("import", "--store", f"sqlite:{tmp_path / 's.db'}",
              BUNDLED_DATA / "production_2021_raw_excerpt_NO1_hydro.csv.gz")
    port = _free_port()
    line = _serve_line(["--store", f"sqlite:{tmp_path / 's.db'}"], env={"ELHUB_LISTEN": f":{port}"})
    assert line == f"serving http://127.0.0.1:{port}/"


def test_serve_port_taken_says_which_and_how_to_choose(tmp_path):
    run_elhub("import", "--store", f"sqlite:{tmp_path / 's.db'}",
              BUNDLED_DATA / "production_2021_raw_excerpt_NO1_hydro.csv.gz")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        p = run_elhub("serve", "--store", f"sqlite:{tmp_path / 's.db'}", "--listen", f":{port}",
                      check=False, timeout=60)
        assert p.returncode == 1
        assert f"127.0.0.1:{port}" in p.stderr and "taken" in p.stderr
        assert "--listen" in p.stderr and "ELHUB_LISTEN" in p.stderr
        # The demo's last step is the same serve: the same message reaches
        # a newcomer running `make demo` with the port busy.
        env = dict(os.environ, ELHUB_STORE=f"sqlite:{tmp_path / 's.db'}", ELHUB_BIN=elhub_bin(),
                   ELHUB_LISTEN=f":{port}")
        d = subprocess.run(["bash", str(REPO / "scripts" / "demo.sh")], capture_output=True,
                           text=True, env=env, timeout=600)
        assert d.returncode == 1
        assert f"127.0.0.1:{port}" in d.stderr and "ELHUB_LISTEN" in d.stderr


@pytest.mark.parametrize("bad", ["nohost", "127.0.0.1:", ":", "99999", ":-1", "a:b:c", "[::1]8080"])
def test_serve_bad_listen_is_usage_error(bad):
    p = run_elhub("serve", "--listen", bad, check=False)
    assert p.returncode == 2, (bad, p.stderr)
    assert "HOST:PORT" in p.stderr
