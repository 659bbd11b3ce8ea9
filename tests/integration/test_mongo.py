"""The MongoDB backend against a real server: FerretDB 1.24 started by
scripts/ferretdb.sh (tests/run.sh starts it on $ELHUB_MONGO_PORT, default
27017), or a real MongoDB when ELHUB_TEST_MONGO_URI is set (a mongodb:// URI
without a database; each test uses its own database and drops it).

What elhub wrote is read back with pymongo, an independent client, and
compared with the SQLite store given the same input."""
import calendar
import csv
import gzip
import json
import math
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import time
import uuid

import pymongo
import pytest

from conftest import BUNDLED_DATA, REPO, assert_rollups_equal, elhub_bin, oslo_rollups, run_elhub
from faultproxy import FaultProxy

pytestmark = pytest.mark.mongo

DATA_FILES = sorted(BUNDLED_DATA.glob("*.gz"))
FERRETDB_SH = REPO / "scripts" / "ferretdb.sh"
GROUP_COL = {"production": "productiongroup", "consumption": "consumptiongroup"}
# The insert command after which the mid-load test holds the import.
HOLD_AT = 3


def server_uri():
    uri = os.environ.get("ELHUB_TEST_MONGO_URI")
    if uri:
        return uri.rstrip("/")
    return f"mongodb://127.0.0.1:{os.environ.get('ELHUB_MONGO_PORT', '27017')}"


def store_uri(base, db):
    """base + /db, keeping any ?options."""
    host, _, opts = base.partition("?")
    return f"{host.rstrip('/')}/{db}" + (f"?{opts}" if opts else "")


def client(base=None):
    return pymongo.MongoClient(store_uri(base or server_uri(), ""),
                               serverSelectionTimeoutMS=5000)


@pytest.fixture
def mongo_db():
    """A fresh database name on the test server; dropped afterwards."""
    name = f"elhub_pytest_{uuid.uuid4().hex[:10]}"
    yield name
    with client() as c:
        c.drop_database(name)


# ---- independent readers -------------------------------------------------------

def instant(dt):
    return calendar.timegm(dt.utctimetuple()) if dt is not None else 0


def read_mongo(db):
    """{dataset: {(area, group, start): (kwh, updated, end)}} via pymongo."""
    out = {}
    with client() as c:
        for ds, gcol in GROUP_COL.items():
            out[ds] = {}
            for d in c[db][ds].find({}):
                out[ds][(d["pricearea"], d[gcol], instant(d["starttime"]))] = (
                    d["quantitykwh"], instant(d.get("lastupdatedtime")), instant(d["endtime"]))
    return out


def read_sqlite(store):
    import sqlite3
    con = sqlite3.connect(store.split(":", 1)[1])
    out = {}
    for ds, gcol in GROUP_COL.items():
        out[ds] = {(a, g, s): (q, u, e) for a, g, s, q, u, e in con.execute(
            f"SELECT pricearea, {gcol}, starttime, quantitykwh, lastupdatedtime, endtime "
            f"FROM {ds}")}
    con.close()
    return out


def totals(rows):
    """{(area, group): (count, sum)}; sums in sorted key order so the two
    stores' sums are compared, not the summation order."""
    acc = {}
    for k in sorted(rows):
        c, s = acc.get(k[:2], (0, 0.0))
        acc[k[:2]] = (c + 1, s + rows[k][0])
    return acc


def dump_docs(db):
    with client() as c:
        return {ds: list(c[db][ds].find({}).sort("_id", 1)) for ds in GROUP_COL}


def synthetic_year(path, year=2019, areas=("NO3",), groups=("hydro", "wind", "solar")):
    """An hourly year in the seed's CSV shape (UTC times), values a simple
    function of the hour with three decimals."""
    start = calendar.timegm((year, 1, 1, 0, 0, 0)) - 3600  # Oslo midnight, winter
    hours = (calendar.timegm((year + 1, 1, 1, 0, 0, 0)) - 3600 - start) // 3600
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["pricearea", "productiongroup", "starttime", "endtime", "quantitykwh",
                    "lastupdatedtime"])
        for a, area in enumerate(areas):
            for g, group in enumerate(groups):
                for h in range(hours):
                    t = start + h * 3600
                    w.writerow([area, group, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t)),
                                time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t + 3600)),
                                f"{(h * 37 + a * 101 + g * 7) % 100000 / 1000 + 1000:.3f}",
                                f"{year + 1}-01-05T10:00:00Z"])
    return hours * len(areas) * len(groups)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """The bundled data and a synthetic year, imported into SQLite and into
    one MongoDB database (dropped at the end of the module)."""
    tmp = tmp_path_factory.mktemp("mongo")
    year = tmp / "synthetic_2019.csv"
    nyear = synthetic_year(year)
    files = [*DATA_FILES, year]
    sqlite = f"sqlite:{tmp / 'elhub.db'}"
    db = f"elhub_pytest_{uuid.uuid4().hex[:10]}"
    mongo = store_uri(server_uri(), db)
    run_elhub("import", "--store", sqlite, *files)
    p = run_elhub("import", "--store", mongo, *files)
    yield {"sqlite": sqlite, "mongo": mongo, "db": db, "files": files, "nyear": nyear,
           "import": p}
    with client() as c:
        c.drop_database(db)


# ---- the backend's own C tests, against this server ------------------------------

def test_c_backend_cases_against_server():
    binary = pathlib.Path(elhub_bin()).parent / "tests" / "test_store_mongo"
    env = dict(os.environ, ELHUB_TEST_MONGO_URI=server_uri())
    p = subprocess.run([str(binary)], capture_output=True, text=True, env=env, timeout=600)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "ok /store/mongo/upsert" in p.stdout and " 0 failed" in p.stdout


# ---- data equal to SQLite's -------------------------------------------------------

def test_import_equals_sqlite_row_for_row(loaded):
    m, s = read_mongo(loaded["db"]), read_sqlite(loaded["sqlite"])
    for ds in GROUP_COL:
        assert len(m[ds]) == len(s[ds])
        assert m[ds] == s[ds], ds
    assert len(m["production"]) > 24216 + loaded["nyear"] - 1
    assert sum(1 for k in m["production"] if k[0] == "NO3" and k[1] == "wind") >= 8760


def test_totals_per_area_and_group_equal_sqlite(loaded):
    m, s = read_mongo(loaded["db"]), read_sqlite(loaded["sqlite"])
    for ds in GROUP_COL:
        tm, ts = totals(m[ds]), totals(s[ds])
        assert tm.keys() == ts.keys()
        for k in tm:
            assert tm[k][0] == ts[k][0], k
            assert tm[k][1] == ts[k][1], k
    # The server-side pipeline agrees too (its summation order is its own).
    with client() as c:
        agg = {d["_id"]: d["kwh"] for d in c[loaded["db"]].production.aggregate([
            {"$match": {"pricearea": "NO3"}},
            {"$group": {"_id": "$productiongroup", "kwh": {"$sum": "$quantitykwh"}}}])}
    want = {g: v[1] for (a, g), v in totals(s["production"]).items() if a == "NO3"}
    assert agg.keys() == want.keys()
    for g in want:
        assert math.isclose(agg[g], want[g], rel_tol=1e-12)


def test_documents_have_the_seed_shape(loaded):
    with client() as c:
        d = c[loaded["db"]].production.find_one({"pricearea": "NO3", "productiongroup": "wind"})
        idx = {i["name"]: i for i in c[loaded["db"]].production.list_indexes()}
    assert set(d) >= {"_id", "pricearea", "productiongroup", "starttime", "endtime",
                      "quantitykwh", "lastupdatedtime"}
    assert isinstance(d["quantitykwh"], float)
    assert d["starttime"].__class__.__name__ == "datetime"
    assert list(idx["elhub_key"]["key"].keys()) == ["pricearea", "starttime", "productiongroup"]
    assert idx["elhub_key"]["unique"] is True


def test_rerun_leaves_the_collections_unchanged(loaded):
    before = dump_docs(loaded["db"])
    run_elhub("import", "--store", loaded["mongo"], *loaded["files"])
    assert dump_docs(loaded["db"]) == before


def test_status_and_export_equal_sqlite(loaded):
    sm = json.loads(run_elhub("status", "--json", "--store", loaded["mongo"]).stdout)
    ss = json.loads(run_elhub("status", "--json", "--store", loaded["sqlite"]).stdout)
    assert sm.pop("store").startswith("mongodb://")
    ss.pop("store")
    assert sm == ss
    for args in (["--dataset", "production"], ["--dataset", "consumption", "--format", "json"],
                 ["--dataset", "production", "--area", "NO1", "--group", "hydro",
                  "--from", "2021-03", "--to", "2021-03"]):
        em = run_elhub("export", "--store", loaded["mongo"], *args).stdout
        es = run_elhub("export", "--store", loaded["sqlite"], *args).stdout
        assert em == es, args
        assert len(em) > 100


# ---- failures -----------------------------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_down_server_names_the_host_never_the_password():
    port = free_port()
    p = run_elhub("status", "--store", f"mongodb://bob:s3cret@127.0.0.1:{port}/elhub",
                  check=False, env={"ELHUB_MONGO_TIMEOUT_MS": "2000"})
    assert p.returncode == 1
    assert f"127.0.0.1:{port}" in p.stderr
    assert "s3cret" not in p.stderr + p.stdout


def test_uri_from_config_file_and_environment(tmp_path, mongo_db):
    cfg = tmp_path / "elhub"
    cfg.mkdir()
    (cfg / "mongo.uri").write_text(f"# elhub's MongoDB\n{store_uri(server_uri(), mongo_db)}\n")
    (cfg / "mongo.uri").chmod(0o600)
    p = run_elhub("import", "--store", "mongodb:", DATA_FILES[0],
                  env={"XDG_CONFIG_HOME": str(tmp_path)})
    with client() as c:
        assert c[mongo_db].list_collection_names()
    p = run_elhub("status", "--store", "mongodb:", check=False,
                  env={"XDG_CONFIG_HOME": str(tmp_path / "none"), "HOME": str(tmp_path / "none")})
    assert p.returncode != 0 and "ELHUB_MONGO_URI" in p.stderr
    p = run_elhub("status", "--store", "mongodb:",
                  env={"ELHUB_MONGO_URI": store_uri(server_uri(), mongo_db),
                       "XDG_CONFIG_HOME": str(tmp_path / "none")})
    assert "production" in p.stdout


def ferretdb(cmd, port, tmp):
    env = dict(os.environ, ELHUB_MONGO_PORT=str(port), TMPDIR=str(tmp))
    return subprocess.run(["bash", str(FERRETDB_SH), cmd], env=env, capture_output=True,
                          text=True, timeout=900)


def test_server_stopped_mid_load_then_rerun_completes(tmp_path):
    """A private FerretDB (so the shared one keeps running) behind a fault
    proxy. The proxy forwards the handshake, the schema traffic and the
    first HOLD_AT insert commands of production documents, then holds the
    client at that exact point: some documents are in, not
    all. The test stops the real server there, releases the proxy, and the
    import must fail with a clear error. After a restart a rerun completes
    and the collection equals SQLite's row for row. No timing is involved:
    the point of failure is the third insert command, the same on every run."""
    port = free_port()
    year = tmp_path / "year.csv"
    synthetic_year(year, 2018, areas=("NO1", "NO2"), groups=("hydro", "wind", "solar"))
    sqlite = f"sqlite:{tmp_path / 'ref.db'}"
    run_elhub("import", "--store", sqlite, year)
    nrows = len(read_sqlite(sqlite)["production"])
    base = f"mongodb://127.0.0.1:{port}"
    assert ferretdb("start", port, tmp_path).returncode == 0
    proxy = FaultProxy(port, framing="mongo")
    uri = store_uri(f"mongodb://127.0.0.1:{proxy.port}", "elhub")
    try:
        # The 52,560 rows go in insert commands of 5,000 rows; the proxy
        # forwards the handshake, schema and rollup traffic and holds the
        # fourth insert of a production document batch.
        proxy.hold_after(HOLD_AT, match=b"insert\x00\x0b\x00\x00\x00production\x00")
        proc = subprocess.Popen([elhub_bin(), "import", "--store", uri, str(year)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=dict(os.environ, ELHUB_MONGO_TIMEOUT_MS="2000"))
        assert proxy.held.wait(300), "the import never reached the hold point"
        with pymongo.MongoClient(base, serverSelectionTimeoutMS=5000) as c:
            stored = c.elhub.production.count_documents({})
        print(f"held after {proxy.forwarded} messages with {stored} of {nrows} documents stored")
        assert 0 < stored < nrows, f"held at {stored} of {nrows} documents: not mid-write"
        assert proc.poll() is None
        assert ferretdb("stop", port, tmp_path).returncode == 0
        proxy.release()
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 1, out + err
        assert f"127.0.0.1:{proxy.port}" in err
        assert "rerun" in err and "inserted" in err

        assert ferretdb("start", port, tmp_path).returncode == 0
        run_elhub("import", "--store", uri, year)
        with pymongo.MongoClient(base, serverSelectionTimeoutMS=5000) as c:
            got = {(d["pricearea"], d["productiongroup"], instant(d["starttime"])):
                   (d["quantitykwh"], instant(d["lastupdatedtime"]), instant(d["endtime"]))
                   for d in c.elhub.production.find({})}
        assert got == read_sqlite(sqlite)["production"]
    finally:
        proxy.close()
        ferretdb("clean", port, tmp_path)


def read_rollups(db, level):
    col = "day" if level == "daily" else "month"
    with client() as c:
        return {(d["pricearea"], d["productiongroup"], instant(d[col])):
                (d["hours"], d["quantitykwh"]) for d in c[db][f"production_{level}"].find({})}


def test_cut_between_rows_and_rollups_then_rerun_rebuilds_them(tmp_path, mongo_db):
    """The server "dies" (the fault proxy resets every connection) at the
    first write of a day rollup, after every row of the import is stored:
    the exact point where a store without transactions has rows but stale
    rollups. The import fails; the write journal stays set. The rerun finds
    every row unchanged, so only the journal can make it rebuild those
    days: its day and month rollups must equal sums computed here from the
    rows, and the journal must be empty afterwards."""
    year = tmp_path / "year.csv"
    synthetic_year(year, 2020, areas=("NO1", "NO2"), groups=("hydro", "wind"))
    sqlite = f"sqlite:{tmp_path / 'ref.db'}"
    run_elhub("import", "--store", sqlite, year)
    want_days, want_months = oslo_rollups(
        (a, g, t, v[0]) for (a, g, t), v in read_sqlite(sqlite)["production"].items())
    host, _, port = server_uri().removeprefix("mongodb://").partition(":")
    proxy = FaultProxy(int(port or 27017), framing="mongo")
    uri = store_uri(f"mongodb://127.0.0.1:{proxy.port}", mongo_db)
    try:
        proxy.cut_after(0, match=b"insert\x00\x11\x00\x00\x00production_daily\x00")
        p = run_elhub("import", "--store", uri, year, check=False,
                      env=dict(os.environ, ELHUB_MONGO_TIMEOUT_MS="2000"))
        assert p.returncode == 1, p.stdout + p.stderr
        assert "rollups" in p.stderr, p.stderr
        proxy.restore()
        with client() as c:
            assert c[mongo_db].production.count_documents({}) == 2 * 2 * 8784
            meta = {d["_id"]: d["value"] for d in c[mongo_db].elhub_meta.find({})}
        assert meta.get("pending.production"), meta
        assert read_rollups(mongo_db, "daily") == {}  # cut at their first write

        p = run_elhub("import", "--store", uri, year)
        assert "rebuilding the production rollups an interrupted write left" in p.stderr
        assert len(want_days) == 2 * 2 * 366 and len(want_months) == 2 * 2 * 12
        assert_rollups_equal(read_rollups(mongo_db, "daily"), want_days)
        assert_rollups_equal(read_rollups(mongo_db, "monthly"), want_months)
        with client() as c:
            meta = {d["_id"]: d["value"] for d in c[mongo_db].elhub_meta.find({})}
        assert meta["pending.production"] == ""
    finally:
        proxy.close()


# ---- serve and load over MongoDB ---------------------------------------------------

def wait_http(url, proc, seconds=30):
    import urllib.request
    for _ in range(seconds * 10):
        if proc.poll() is not None:
            raise AssertionError(f"server exited: {proc.stderr.read()}")
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                return r.read()
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"no answer from {url}")


def approx_equal(a, b):
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-9)
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(approx_equal(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(approx_equal(x, y) for x, y in zip(a, b))
    return a == b


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """A smaller store pair for the dashboard: FerretDB's SQLite handler scans
    ~1,000 documents a second on this machine, and /api/meta reads them all.
    Real rows (the NO1 hydro excerpt with both DST days, the trimmed API
    sample) and a synthetic NO3 hydro year (8,760 hours, both DST months)."""
    tmp = tmp_path_factory.mktemp("mongo_small")
    year = tmp / "synthetic_2019.csv"
    synthetic_year(year, areas=("NO3",), groups=("hydro",))
    files = [BUNDLED_DATA / "production_2021_raw_excerpt_NO1_hydro.csv.gz",
             BUNDLED_DATA / "api_response_production_trimmed_sample.json.gz", year]
    sqlite = f"sqlite:{tmp / 'elhub.db'}"
    db = f"elhub_pytest_{uuid.uuid4().hex[:10]}"
    mongo = store_uri(server_uri(), db)
    run_elhub("import", "--store", sqlite, *files)
    run_elhub("import", "--store", mongo, *files, timeout=900)
    yield {"sqlite": sqlite, "mongo": mongo}
    with client() as c:
        c.drop_database(db)


def test_dashboard_api_equal_sqlite(small):
    import urllib.request
    loaded = small
    urls = ["/api/totals?dataset=production&area=NO1&from=2021-01-01&to=2021-12-31",
            "/api/totals?dataset=production&area=NO3&from=2019-01-01&to=2019-12-31",
            "/api/series?dataset=production&area=NO1&groups=hydro,wind&from=2021-01-01"
            "&to=2021-10-31&step=day",
            "/api/series?dataset=production&area=NO3&groups=hydro,wind,solar&from=2019-03-01"
            "&to=2019-03-31&step=hour",
            "/api/meta"]
    answers = []
    for store in (loaded["mongo"], loaded["sqlite"]):
        port = free_port()
        proc = subprocess.Popen([elhub_bin(), "serve", "--store", store, "--listen",
                                 f"127.0.0.1:{port}"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        try:
            wait_http(f"http://127.0.0.1:{port}/healthz", proc)
            got = []
            for u in urls:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{u}", timeout=300) as r:
                    got.append(json.loads(r.read()))
            answers.append(got)
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                raise
    for u, m, s in zip(urls, *answers):
        if isinstance(m, dict):  # the store's name may be part of /api/meta
            m.pop("store", None)
            s.pop("store", None)
        assert approx_equal(m, s), u


def test_load_sqlite_to_mongo(loaded, mongo_db):
    run_elhub("load", "--from", loaded["sqlite"], "--to", store_uri(server_uri(), mongo_db))
    assert read_mongo(mongo_db) == read_sqlite(loaded["sqlite"])


@pytest.mark.cassandra
def test_load_cassandra_to_mongo_end_to_end(loaded, mongo_db):
    """The seed's pipeline: data in Cassandra, copied into MongoDB."""
    port = os.environ.get("ELHUB_CASSANDRA_PORT", "9042")
    ks = f"elhub_mongo_{uuid.uuid4().hex[:8]}"
    cass = f"cassandra://127.0.0.1:{port}/{ks}"
    run_elhub("load", "--from", loaded["sqlite"], "--to", cass, timeout=1800)
    run_elhub("load", "--from", cass, "--to", store_uri(server_uri(), mongo_db), timeout=1800)
    assert read_mongo(mongo_db) == read_sqlite(loaded["sqlite"])
