"""elhub against a real Apache Cassandra 5.0 node (scripts/cassandra.sh):
load real and synthetic data from SQLite, read it back with an independent
client (PyPI cassandra-driver), rerun, authenticate, survive a node that dies mid-load,
and compare the commands' output over Cassandra and SQLite."""
import datetime
import hashlib
import json
import os
import sqlite3
import subprocess
import time
import uuid

import pytest

from conftest import (BUNDLED_DATA, REPO, assert_rollups_equal, elhub_bin, open_data,
                      oslo_rollups, run_elhub)
from faultproxy import FaultProxy
import cassandra_util as cu

SCRIPT = REPO / "scripts" / "cassandra.sh"
# The second node, with PasswordAuthenticator; tests/run.sh starts it.
AUTH_PORT = 9142
# BATCH frames (opcode 0x0D, native_protocol_v4.spec 4.1.7) the fault proxy
# forwards before it fails the load's connections.
CUT_AT = 40


def is_batch(frame):
    return len(frame) > 4 and frame[4] == 0x0D

pytestmark = pytest.mark.cassandra


def ensure_node(port, auth=False):
    """Starts the node on port unless it already answers (tests/run.sh has
    started both before the tests; a developer running pytest alone gets
    them started here). Never stopped by the tests: other test processes
    (the parallel workers, the other build's pass) use the same nodes."""
    env = dict(os.environ, ELHUB_CASSANDRA_PORT=str(port), ELHUB_CASSANDRA_AUTH="1" if auth else "0")
    if subprocess.run([str(SCRIPT), "status"], env=env, capture_output=True).returncode != 0:
        subprocess.run([str(SCRIPT), "start"], env=env, check=True, timeout=600)
    return env


@pytest.fixture(scope="module")
def node():
    ensure_node(cu.port())
    cluster, sess = cu.session()
    yield sess
    cluster.shutdown()


@pytest.fixture
def ks(node):
    name = "t_" + uuid.uuid4().hex[:12]
    yield name
    node.execute(f"DROP KEYSPACE IF EXISTS {name}", timeout=120)


def curi(ks, port=None, creds=""):
    return f"cassandra://{creds}{cu.HOST}:{port or cu.port()}/{ks}"


def iso(s):
    return int(datetime.datetime.fromisoformat(s).timestamp())


def real_rows():
    """The real Elhub API response (CC BY 4.0, attribution "Elhub")."""
    d = json.load(open_data("api_response_production_2025-09-16_2025-10-15.json"))
    rows = []
    for area in d["data"]:
        for r in area["attributes"]["productionPerGroupMbaHour"]:
            rows.append((r["priceArea"], iso(r["startTime"]), r["productionGroup"],
                         iso(r["endTime"]), float(r["quantityKwh"]),
                         iso(r["lastUpdatedTime"]), None))
    return rows


def dump_sqlite(path, table, col):
    db = sqlite3.connect(path)
    out = list(db.execute(f"SELECT pricearea, starttime, {col}, endtime, quantitykwh,"
                          f" lastupdatedtime, meteringpointcount FROM {table}"
                          f" ORDER BY pricearea, starttime, {col}"))
    db.close()
    return out


def assert_totals_equal(a, b):
    assert set(a) == set(b)
    for k in a:
        assert a[k][0] == b[k][0], k
        assert a[k][1] == pytest.approx(b[k][1], rel=1e-12, abs=1e-6), k


def content_digest(sess, ks, table, col):
    """Every cell and its write timestamp, order-independent."""
    h = hashlib.sha256()
    stmt = sess.prepare(f"SELECT pricearea, starttime, {col}, endtime, quantitykwh,"
                        f" lastupdatedtime, writetime(quantitykwh) FROM {ks}.{table}")
    stmt.fetch_size = 5000
    rows = sorted(repr(tuple(r)) for r in sess.execute(stmt))
    for r in rows:
        h.update(r.encode())
    return len(rows), h.hexdigest()


def test_real_month_roundtrip(tmp_path, node, ks):
    src = tmp_path / "src.db"
    rows = real_rows()
    assert len(rows) > 18000
    cu.fill_sqlite(src, production=rows)
    p = run_elhub("load", "--from", f"sqlite:{src}", "--to", curi(ks))
    assert f"{len(rows)} rows" in p.stderr
    # The independent reader sees exactly the SQLite store's counts and sums.
    assert_totals_equal(cu.cassandra_totals(node, ks, "production", "productiongroup"),
                        cu.sqlite_totals(src, "production", "productiongroup"))
    # The schema is the seed's, exactly.
    cols = {r.column_name: (r.type, r.kind) for r in node.execute(
        "SELECT column_name, type, kind FROM system_schema.columns"
        " WHERE keyspace_name = %s AND table_name = 'production'", (ks,))}
    assert cols == {"pricearea": ("text", "partition_key"),
                    "starttime": ("timestamp", "clustering"),
                    "productiongroup": ("text", "clustering"),
                    "endtime": ("timestamp", "regular"), "quantitykwh": ("double", "regular"),
                    "lastupdatedtime": ("timestamp", "regular")}
    # And back: Cassandra -> SQLite gives the very same rows.
    back = tmp_path / "back.db"
    run_elhub("load", "--from", curi(ks), "--to", f"sqlite:{back}")
    assert dump_sqlite(back, "production", "productiongroup") == \
        dump_sqlite(src, "production", "productiongroup")


def test_synthetic_year_rerun_and_newer_wins(tmp_path, node, ks):
    src = tmp_path / "year.db"
    prod = cu.synthetic_rows(1704063600, 24 * 366, cu.PROD_GROUPS, seed=7)  # 2024, a leap year
    cons = cu.synthetic_rows(1704063600, 24 * 31, cu.CONS_GROUPS, seed=8, meter=True)
    cu.fill_sqlite(src, production=prod, consumption=cons)
    run_elhub("load", "--from", f"sqlite:{src}", "--to", curi(ks), timeout=900)
    assert_totals_equal(cu.cassandra_totals(node, ks, "production", "productiongroup"),
                        cu.sqlite_totals(src, "production", "productiongroup"))
    assert_totals_equal(cu.cassandra_totals(node, ks, "consumption", "consumptiongroup"),
                        cu.sqlite_totals(src, "consumption", "consumptiongroup"))
    n, before = content_digest(node, ks, "production", "productiongroup")
    assert n == len(prod) == 219600
    # A rerun changes nothing: same cells, same write timestamps.
    run_elhub("load", "--from", f"sqlite:{src}", "--to", curi(ks), timeout=900)
    assert content_digest(node, ks, "production", "productiongroup") == (n, before)
    # Consumption keeps meteringpointcount exactly.
    back = tmp_path / "back.db"
    run_elhub("load", "--from", curi(ks), "--to", f"sqlite:{back}", "--dataset", "consumption")
    assert dump_sqlite(back, "consumption", "consumptiongroup") == \
        dump_sqlite(src, "consumption", "consumptiongroup")

    # A stored row is replaced unless it was updated later than the new one.
    t = 1704063600 + 3600 * 5
    db = sqlite3.connect(tmp_path / "upd.db")
    db.close()
    older = [("NO1", t, "hydro", t + 3600, 1.5, t + 86400 * 5 - 10, None)]
    newer = [("NO2", t, "hydro", t + 3600, 2.5, t + 86400 * 6, None)]
    cu.fill_sqlite(tmp_path / "upd.db", production=older + newer)
    run_elhub("load", "--from", f"sqlite:{tmp_path / 'upd.db'}", "--to", curi(ks))
    got = {r.pricearea: r.quantitykwh for r in node.execute(
        f"SELECT pricearea, quantitykwh FROM {ks}.production WHERE pricearea IN ('NO1','NO2')"
        " AND starttime = %s AND productiongroup = 'hydro'", (t * 1000,))}
    orig = {r[0]: r[4] for r in prod if r[1] == t and r[2] == "hydro" and r[0] in ("NO1", "NO2")}
    assert got["NO1"] == orig["NO1"]  # older update: kept the stored row
    assert got["NO2"] == 2.5          # newer update: replaced


def test_failover_and_redaction(tmp_path, node, ks):
    src = tmp_path / "s.db"
    cu.fill_sqlite(src, production=cu.synthetic_rows(1704063600, 48, cu.PROD_GROUPS))
    # The first contact point is down; the second answers.
    uri = f"cassandra://127.0.0.1:1,{cu.HOST}:{cu.port()}/{ks}"
    run_elhub("load", "--from", f"sqlite:{src}", "--to", uri)
    assert node.execute(f"SELECT COUNT(*) FROM {ks}.production").one()[0] == 48 * 25
    # Nobody answers: a clear error, a non-zero exit, and no password shown.
    p = run_elhub("load", "--from", f"sqlite:{src}", "--to",
                  f"cassandra://bob:s3cr3tpw@127.0.0.1:1/{ks}", check=False)
    assert p.returncode != 0
    assert "s3cr3tpw" not in p.stderr + p.stdout
    assert "127.0.0.1:1" in p.stderr and "connect" in p.stderr
    # Bad URIs are usage errors that say what is wrong.
    for bad, msg in (("cassandra:///ks", "no host"), (f"cassandra://{cu.HOST}/bad-ks", "keyspace"),
                     (f"cassandra://{cu.HOST}/{ks}?consistency=MOST", "consistency"),
                     (f"cassandra://{cu.HOST}/{ks}?foo=1", "unknown option")):
        p = run_elhub("load", "--from", f"sqlite:{src}", "--to", bad, check=False)
        assert p.returncode != 0 and msg in p.stderr, (bad, p.stderr)


def test_commands_and_dashboard_match_sqlite(tmp_path, node, ks):
    """The bundled real data imported into SQLite by `elhub import`, loaded
    into Cassandra: status, export and the dashboard's JSON API answer the
    same over both stores."""
    import web_util
    src = tmp_path / "s.db"
    files = [BUNDLED_DATA / f for f in (
        "api_response_production_2025-09-16_2025-10-15.json.gz",
        "production_2025-10-20_2025-11-19_rows.csv.gz",
        "consumption_2025-10-22_2025-11-21_utc.csv.gz")]
    run_elhub("import", "-q", "--store", f"sqlite:{src}", *files)
    run_elhub("load", "-q", "--from", f"sqlite:{src}", "--to", curi(ks))
    sq, cq = f"sqlite:{src}", curi(ks)
    for args in (["status"], ["status", "--json"],
                 ["export", "--dataset", "production"],
                 ["export", "--dataset", "consumption", "--area", "NO1"],
                 ["export", "--dataset", "production", "--format", "json", "--area", "NO2",
                  "--group", "hydro", "--from", "2025-10-01", "--to", "2025-10-31"]):
        a = run_elhub(*args, "--store", sq)
        b = run_elhub(*args, "--store", cq)
        assert a.stdout.strip(), args
        assert b.stdout.replace(cq, sq) == a.stdout, args
    paths = ["/api/meta",
             "/api/totals?dataset=production&area=NO1&from=2025-09-16&to=2025-11-19",
             "/api/totals?from=2025-10-01&to=2025-10-31",
             "/api/totals?dataset=consumption&area=NO5&from=2025-10-22&to=2025-11-21",
             "/api/series?area=NO2&groups=hydro,wind&from=2025-10-01&to=2025-10-31&step=hour",
             "/api/series?area=NO3&from=2025-09-16&to=2025-11-19&step=day",
             "/api/series?dataset=consumption&area=NO1&from=2025-10-22&to=2025-11-21&step=week",
             "/api/quality?area=NO1&from=2025-09-16&to=2025-11-19",
             "/api/export.csv?area=NO4&groups=hydro&from=2025-10-01&to=2025-10-31&step=day"]
    with web_util.serve(sq) as a, web_util.serve(cq) as b:
        for path in paths:
            ra, rb = a.get(path), b.get(path)
            assert ra[0] == 200, (path, ra[2][:300])
            # /api/meta names the store it serves; everything else is equal.
            assert (rb[0], rb[2].replace(cq.encode(), sq.encode())) == (ra[0], ra[2]), path


# ---- an authenticating node, also stopped and restarted mid-load ---------

@pytest.fixture(scope="module")
def auth_node():
    env = ensure_node(AUTH_PORT, auth=True)
    cluster, sess = cu.session("cassandra", "cassandra", AUTH_PORT)
    yield env, sess
    cluster.shutdown()


def test_password_authenticator(tmp_path, auth_node):
    env, sess = auth_node
    ks = "a_" + uuid.uuid4().hex[:12]
    src = tmp_path / "s.db"
    cu.fill_sqlite(src, production=cu.synthetic_rows(1704063600, 24, cu.PROD_GROUPS))
    # Credentials in the URI.
    run_elhub("load", "--from", f"sqlite:{src}", "--to",
              curi(ks, AUTH_PORT, "cassandra:cassandra@"))
    # Credentials from the environment.
    run_elhub("load", "--from", curi(ks, AUTH_PORT), "--to", f"sqlite:{tmp_path / 'b.db'}",
              env={"ELHUB_CASSANDRA_USER": "cassandra", "ELHUB_CASSANDRA_PASSWORD": "cassandra"})
    assert_totals_equal(cu.sqlite_totals(tmp_path / "b.db", "production", "productiongroup"),
                        cu.sqlite_totals(src, "production", "productiongroup"))
    # No credentials: says authentication is required and how to give it.
    p = run_elhub("load", "--from", f"sqlite:{src}", "--to", curi(ks, AUTH_PORT), check=False)
    assert p.returncode != 0 and "requires authentication" in p.stderr
    # Wrong password: Bad credentials, and the password is never printed.
    p = run_elhub("load", "--from", f"sqlite:{src}", "--to",
                  curi(ks, AUTH_PORT, "cassandra:wr0ngpass@"), check=False)
    assert p.returncode != 0 and "Bad credentials" in p.stderr
    assert "wr0ngpass" not in p.stderr + p.stdout
    sess.execute(f"DROP KEYSPACE IF EXISTS {ks}", timeout=120)


def test_node_dies_mid_load_then_rerun_completes(tmp_path, auth_node):
    """The authenticating node behind a fault proxy that forwards the
    handshake, the schema traffic and the first CUT_AT batches of the load,
    then fails every connection (RST) and refuses new ones, as a node that
    dies mid-write does. The cut is a batch count, so it lands in the middle
    of the load on every run: the year takes hundreds of batches. The load must fail with a
    clear error (naming Cassandra, saying to rerun, never the password); once
    the "node" is back, a rerun completes with exact totals."""
    ks = "k_" + uuid.uuid4().hex[:12]
    src = tmp_path / "year.db"
    prod = cu.synthetic_rows(1704063600, 24 * 366, cu.PROD_GROUPS, seed=3)
    cons = cu.synthetic_rows(1704063600, 24 * 366, cu.CONS_GROUPS, seed=4, meter=True)
    cu.fill_sqlite(src, production=prod, consumption=cons)
    proxy = FaultProxy(AUTH_PORT, framing="cql")
    uri = curi(ks, proxy.port, "cassandra:cassandra@")
    try:
        proxy.cut_after(CUT_AT, match=is_batch)
        p = run_elhub("load", "--from", f"sqlite:{src}", "--to", uri, "--batch", "5000",
                      check=False, timeout=600)
        assert proxy.resets == 1, "the load ended before the cut"
        assert p.returncode == 1, p.stdout + p.stderr
        err = p.stderr
        assert "Cassandra" in err or "cassandra" in err
        assert "rerun" in err
        assert "cassandra:cassandra" not in err
        # Some batches were written before the cut, not all of them.
        _, sess = auth_node
        stored = sess.execute(f"SELECT COUNT(*) FROM {ks}.production", timeout=120).one()[0]
        assert 0 < stored < len(prod), f"{stored} of {len(prod)} rows at the cut: not mid-write"
        # The node is back: a rerun completes with exact totals.
        proxy.restore()
        run_elhub("load", "--from", f"sqlite:{src}", "--to", uri, timeout=900)
    finally:
        proxy.close()
    cluster, sess = cu.session("cassandra", "cassandra", AUTH_PORT)
    try:
        assert_totals_equal(cu.cassandra_totals(sess, ks, "production", "productiongroup"),
                            cu.sqlite_totals(src, "production", "productiongroup"))
        assert_totals_equal(cu.cassandra_totals(sess, ks, "consumption", "consumptiongroup"),
                            cu.sqlite_totals(src, "consumption", "consumptiongroup"))
        # The rollups too: the rerun rebuilt the days the cut write left
        # (the write journal), equal to sums computed here from the rows.
        db = sqlite3.connect(src)
        days, months = oslo_rollups(db.execute(
            "SELECT pricearea, productiongroup, starttime, quantitykwh FROM production"))
        db.close()
        for level, col, want in (("daily", "day", days), ("monthly", "month", months)):
            got = {(a, g, int(t.replace(tzinfo=datetime.timezone.utc).timestamp())): (h, v)
                   for a, t, g, h, v in sess.execute(
                       f"SELECT pricearea, {col}, productiongroup, hours, quantitykwh"
                       f" FROM {ks}.production_{level}", timeout=120)}
            assert_rollups_equal(got, want)
        meta = dict(sess.execute(f"SELECT key, value FROM {ks}.elhub_meta", timeout=120))
        assert meta.get("pending.production") == "", meta
        sess.execute(f"DROP KEYSPACE IF EXISTS {ks}", timeout=120)
    finally:
        cluster.shutdown()


def test_import_cut_in_its_second_write_says_what_is_stored(tmp_path, node, ks):
    """Issue 11 item 13, for a store without transactions: a file larger
    than one store write (250,000 rows: writes of 200,000 and 50,000) whose
    second write dies (the fault proxy resets every connection at the
    first BATCH frame after that write's journal entry, the third INSERT
    into elhub_meta) cannot be undone, so the message must say exactly what
    is stored. Before, it said
    "nothing from it was stored" with 200,000 rows in the table. A rerun
    completes the file and the write journal repairs the rollups."""
    big = tmp_path / "big.csv"
    with open(big, "w") as f:
        f.write("priceArea,productionGroup,startTime,quantityKwh\n")
        for a in range(5):
            for g in range(10):
                for h in range(5000):
                    t = 1577833200 + h * 3600
                    f.write(f"NO{a + 1},g{g},{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(t))},"
                            f"{(h * 7 + g) % 1000 + 0.5}\n")
    header = tmp_path / "header.csv"
    header.write_text("priceArea,productionGroup,startTime,quantityKwh\n")
    run_elhub("import", "--store", curi(ks), header)  # the keyspace and its schema
    proxy = FaultProxy(cu.port(), framing="cql")
    uri = curi(ks, proxy.port)
    try:
        entries = {"n": 0}

        def rows_of_the_second_write(frame):
            if f"INSERT INTO {ks}.elhub_meta".encode() in frame:
                entries["n"] += 1
                return False
            return entries["n"] >= 3 and is_batch(frame)

        proxy.cut_after(0, match=rows_of_the_second_write)
        p = run_elhub("import", "--store", uri, big, check=False, timeout=600)
        assert proxy.resets == 1, p.stderr
        assert p.returncode == 1, p.stdout + p.stderr
        assert "storing rows 200001-250000 of 250000" in p.stderr, p.stderr
        assert "rows 1-200000 of its 250000 are stored" in p.stderr, p.stderr
        assert "nothing from it was stored" not in p.stderr
        stored = node.execute(f"SELECT COUNT(*) FROM {ks}.production", timeout=120).one()[0]
        assert stored == 200000
        proxy.restore()
        p = run_elhub("import", "--store", uri, big, timeout=600)
        assert "rebuilding the production rollups an interrupted write left" in p.stderr
    finally:
        proxy.close()
    assert node.execute(f"SELECT COUNT(*) FROM {ks}.production", timeout=120).one()[0] == 250000
    rows = [(a, g, int(t.replace(tzinfo=datetime.timezone.utc).timestamp()), v)
            for a, t, g, v in node.execute(
                f"SELECT pricearea, starttime, productiongroup, quantitykwh FROM {ks}.production",
                timeout=120)]
    days, _ = oslo_rollups(rows)
    got = {(a, g, int(t.replace(tzinfo=datetime.timezone.utc).timestamp())): (h, v)
           for a, t, g, h, v in node.execute(
               f"SELECT pricearea, day, productiongroup, hours, quantitykwh"
               f" FROM {ks}.production_daily", timeout=120)}
    assert_rollups_equal(got, days)
