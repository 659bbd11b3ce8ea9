"""Shared pytest fixtures for the integration tests: where the binary, the
repo and the bundled real data are, a reader for a bundled file (gzip or
not), markers for the tiers, and a helper to run the binary.

Every data file a test reads lives in the repository: the real Elhub data in
data/elhub/ (CC BY 4.0, attribution "Elhub", see data/elhub/SOURCES.md) and
small fixtures in tests/data/. A clone in an empty folder has all of them."""
import gzip
import io
import os
import pathlib
import subprocess

# One BLAS thread per test process, set before numpy or scipy load OpenBLAS:
# the reference libraries' small matrix products (statsmodels' Kalman filter
# of a 169-state model, numpy's eigenvalues of a 170 x 170 companion matrix)
# run 10-15 times slower with a thread per core on a machine whose cores
# are already busy (pytest-xdist workers, the other pass of make test).
for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import pytest  # noqa: E402

REPO = pathlib.Path(__file__).resolve().parents[2]
BUNDLED_DATA = REPO / "data" / "elhub"
TEST_DATA = REPO / "tests" / "data"

# Tests that need a server beyond the binary, SQLite and the fake API carry
# one of these markers, and so do the few too slow for the fast tier;
# `make check` deselects them, `make test` runs all.
MARKERS = {
    "cassandra": "needs the real Cassandra node (scripts/cassandra.sh)",
    "mongo": "needs the real FerretDB server (scripts/ferretdb.sh)",
    "browser": "needs Chromium and playwright-core",
    "slow": "minutes of a reference library's time (make test only)",
}


def pytest_configure(config):
    for name, what in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {what}")


def data_path(name):
    """The bundled file called name (e.g. "production_2021_slices.csv"),
    found as data/elhub/NAME, data/elhub/NAME.gz, data/elhub/reference/... or
    tests/data/NAME. Raises FileNotFoundError naming the places looked at."""
    places = [BUNDLED_DATA / name, BUNDLED_DATA / (name + ".gz"),
              BUNDLED_DATA / "reference" / name, BUNDLED_DATA / "reference" / (name + ".gz"),
              TEST_DATA / name, TEST_DATA / (name + ".gz")]
    for p in places:
        if p.is_file():
            return p
    raise FileNotFoundError(f"bundled data file {name!r} not found in: "
                            + ", ".join(str(p.relative_to(REPO)) for p in places))


def read_data(name):
    """The bytes of a bundled file, decompressed if it is gzip."""
    raw = data_path(name).read_bytes()
    return gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw


def open_data(name):
    """A text stream over a bundled file (gzip or not), for csv or json."""
    return io.StringIO(read_data(name).decode("utf-8"), newline="")


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


def oslo_rollups(rows):
    """The day and month rollups elhub should hold for rows, computed here
    with zoneinfo (not elhub's calendar): ({(area, group, Oslo day start in
    UTC seconds): (hours, fsum of kWh)}, the same per Oslo month). rows:
    (area, group, start UTC seconds, kWh) tuples."""
    import datetime as dt
    import math
    import zoneinfo
    oslo = zoneinfo.ZoneInfo("Europe/Oslo")
    days, months = {}, {}
    for area, group, start, kwh in rows:
        local = dt.datetime.fromtimestamp(start, oslo)
        day = int(local.replace(hour=0, minute=0, second=0).timestamp())
        month = int(local.replace(day=1, hour=0, minute=0, second=0).timestamp())
        days.setdefault((area, group, day), []).append(kwh)
        months.setdefault((area, group, month), []).append(kwh)
    return ({k: (len(v), math.fsum(v)) for k, v in days.items()},
            {k: (len(v), math.fsum(v)) for k, v in months.items()})


def assert_rollups_equal(got, want):
    """got and want: {key: (hours, kWh)}; hours exact, kWh to 1e-12."""
    assert got.keys() == want.keys(), (sorted(set(got) ^ set(want))[:5])
    for k, (hours, kwh) in want.items():
        assert got[k][0] == hours, (k, got[k], want[k])
        assert got[k][1] == pytest.approx(kwh, rel=1e-12, abs=1e-9), (k, got[k], want[k])


def make_empty_store(path):
    """Creates an elhub SQLite store with no rows at path (a writing
    command creates a store; reading commands never do)."""
    header = pathlib.Path(str(path) + ".header.csv")
    header.write_text("priceArea,productionGroup,startTime,quantityKwh\n")
    run_elhub("import", "-q", "--store", f"sqlite:{path}", header)
    header.unlink()
    return f"sqlite:{path}"


@pytest.fixture
def sqlite_store(tmp_path):
    return f"sqlite:{tmp_path / 'elhub.db'}"
