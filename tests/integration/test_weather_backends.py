"""Weather (issue 13) in every backend: the same files imported into SQLite,
a real Cassandra 5.0 node (scripts/cassandra.sh, 127.0.0.1:9042) and a real
FerretDB (scripts/ferretdb.sh, 127.0.0.1:27017), each into a keyspace or
database of its own that is dropped afterwards. What elhub wrote is read
back with the independent clients (cassandra-driver, pymongo) and compared
hour by hour with the bundled Bergen file read here (csv; times at its fixed
+01:00, wind km/h / 3.6); then elhub's own answers over each backend
(export's wide CSV, status --json with the grid cell, snowdrift, and the
analyses of issue 14, a forecast of issue 15) must equal those over SQLite."""
import calendar
import datetime
import json
import os
import urllib.parse
import uuid

import pytest

from conftest import REPO, run_elhub
from test_weather import BERGEN, bergen_source

CELL_JSON = ('{"latitude":60.5,"longitude":5.25,"utc_offset_seconds":0,"elevation":12.0,'
             '"hourly_units":{"precipitation":"mm"},"hourly":{"time":["2019-12-31T23:00"],'
             '"precipitation":[0.5]}}')


def load(store, tmp_path):
    """The Bergen year, plus one hour of a JSON answer that names its grid
    cell (2019-12-31T23:00Z, after the file's last hour)."""
    run_elhub("import", "--store", store, "--location", "NO5", "--utc-offset", "+01:00",
              "--wind-unit", "kmh", BERGEN)
    cell = tmp_path / "cell.json"
    cell.write_text(CELL_JSON)
    run_elhub("import", "--store", store, "--location", "NO5", cell)


def expected():
    want = bergen_source()
    want[("precipitation", 1577833200)] = 0.5  # 2019-12-31T23:00:00Z
    return want


def answers(store):
    exp = run_elhub("export", "--dataset", "weather", "--area", "NO5", "--format", "csv",
                    "--store", store).stdout
    st = json.loads(run_elhub("status", "--json", "--dataset", "weather", "--store",
                              store).stdout)
    st.pop("store")
    drift = json.loads(run_elhub("snowdrift", "--area", "NO5", "--from-year", "2018",
                                 "--to-year", "2019", "--format", "json", "--store",
                                 store).stdout)
    # Issue 14's analyses read through the same read model on every backend:
    # the bodies must be byte for byte those over SQLite (an STL of
    # temperature, LOF of precipitation, the correlation of the two).
    year = ("--from", "2019-01-01", "--to", "2019-12-31", "--store", store)
    an = [run_elhub("analyze", "stl", "--series", "weather:NO5:temperature_2m", "--period",
                    "24", "--robust", *year).stdout,
          run_elhub("analyze", "anomalies", "--series", "weather:NO5:precipitation",
                    *year).stdout,
          run_elhub("analyze", "correlate", "--x", "weather:NO5:temperature_2m", "--y",
                    "weather:NO5:wind_speed_10m", "--lag-range", "-24:24", *year).stdout]
    assert all(len(b) > 100000 for b in an), [len(b) for b in an]
    # Issue 15's forecast reads the series and its regressor the same way:
    # a fit, its forecast and a backtest must be byte for byte too.
    fc = run_elhub("forecast", "--series", "weather:NO5:temperature_2m", "--exog",
                   "weather:NO5:wind_speed_10m", "--train-from", "2019-01-07", "--train-to",
                   "2019-03-03", "--horizon", "48", "--order", "1,0,1", "--seasonal-order",
                   "1,1,1,24", "--folds", "2", "--store", store).stdout
    assert '"converged":true' in fc and '"per_fold"' in fc, fc[:300]
    return exp, st, drift, an, fc


def check_rows(got):
    want = expected()
    assert set(got) == set(want), (len(got), len(want))
    worst = max(abs(got[k] - want[k]) for k in want)
    print("largest |stored - file|:", worst)
    assert worst == 0.0


def epoch(dt):
    return calendar.timegm(dt.utctimetuple())


@pytest.mark.cassandra
def test_cassandra_round_trip(tmp_path):
    import cassandra_util as cu
    ks = "wx_" + uuid.uuid4().hex[:12]
    cluster, sess = cu.session()
    try:
        store = f"cassandra://{cu.HOST}:{cu.port()}/{ks}"
        load(store, tmp_path)
        rows = {}
        stmt = sess.prepare(f"SELECT location, variable, time, endtime, value FROM {ks}.weather")
        stmt.fetch_size = 5000
        for loc, var, t, end, v in sess.execute(stmt):
            assert loc == "NO5"
            t = epoch(t) if isinstance(t, datetime.datetime) else int(t)
            end = epoch(end) if isinstance(end, datetime.datetime) else int(end)
            assert end == t + 3600
            rows[(var, t)] = v
        check_rows(rows)
        sql = f"sqlite:{tmp_path / 'w.db'}"
        load(sql, tmp_path)
        assert answers(store) == answers(sql)
    finally:
        sess.execute(f"DROP KEYSPACE IF EXISTS {ks}", timeout=120)
        cluster.shutdown()


@pytest.mark.mongo
def test_mongo_round_trip(tmp_path):
    import pymongo
    base = os.environ.get("ELHUB_TEST_MONGO_URI",
                          f"mongodb://127.0.0.1:{os.environ.get('ELHUB_MONGO_PORT', '27017')}")
    host, _, opts = base.rstrip("/").partition("?")
    db = "wx_" + uuid.uuid4().hex[:12]
    store = f"{host}/{db}" + (f"?{opts}" if opts else "")
    client = pymongo.MongoClient(f"{host}/" + (f"?{opts}" if opts else ""),
                                 serverSelectionTimeoutMS=5000)
    try:
        load(store, tmp_path)
        rows = {}
        for d in client[db]["weather"].find({}):
            assert d["location"] == "NO5"
            t = epoch(d["time"])
            assert epoch(d["endtime"]) == t + 3600
            rows[(d["variable"], t)] = d["value"]
        check_rows(rows)
        sql = f"sqlite:{tmp_path / 'w.db'}"
        load(sql, tmp_path)
        assert answers(store) == answers(sql)
    finally:
        client.drop_database(db)
        client.close()
