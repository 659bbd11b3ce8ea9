"""The command line's contract: --help, --version, exit codes."""
from conftest import run_elhub


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
