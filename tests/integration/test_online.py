"""`elhub serve --online`: POST /api/fetch fetches a point's weather on
demand through the same source and fetch engine as `elhub fetch`, against
the fake Open-Meteo archive API (tests/fake_api/fake_openmeteo.py, serving
the real Bergen 2019 file). Checked: off by default (403, nothing stored),
the stored hours equal the source file read here in Python, one job at a
time (a second POST while the fake holds the first job's request is 429),
the hourly cap, bad parameters, and a POST from another site's page."""
import datetime
import json
import sqlite3
import time
import zoneinfo

from conftest import make_empty_store
from test_weather import VARS, WIND_TOL, TOL, Fake, bergen_source
from web_util import serve

import fake_openmeteo  # noqa: E402  (sys.path set by test_weather)

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
POINT = "lat=60.3913&lon=5.3221"
KEY = "60.3913N_5.3221E"


def post(srv, query, headers=None):
    code, hdrs, body = srv.get(f"/api/fetch?{query}", headers=headers, method="POST")
    return code, hdrs, json.loads(body)


def state(srv):
    code, _, body = srv.get("/api/fetch")
    assert code == 200
    return json.loads(body)


def wait_done(srv, timeout=120):
    """Polls the job's state (not a sleep-and-hope: it waits for the state
    the server reports) until it is no longer running."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        s = state(srv)
        if s["state"] != "running":
            return s
        time.sleep(0.05)
    raise AssertionError(f"the fetch still runs after {timeout} s: {s}")


def wait_held(fake, n=1, timeout=60):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if fake.get("/_stats")["held"] >= n:
            return
        time.sleep(0.02)
    raise AssertionError("the fake never received the held request")


def weather_rows(db, location):
    con = sqlite3.connect(db)
    try:
        if not con.execute("SELECT 1 FROM sqlite_master WHERE name='weather'").fetchone():
            return {}
        return {(v, t): x for loc, v, t, x in con.execute(
            "SELECT location, variable, time, value FROM weather") if loc == location}
    finally:
        con.close()


def oslo_hours(y0, m0, y1, m1):
    a = int(datetime.datetime(y0, m0, 1, tzinfo=OSLO).timestamp())
    b = int(datetime.datetime(y1, m1, 1, tzinfo=OSLO).timestamp())
    return range(a, b, 3600)


def test_off_by_default(tmp_path):
    db = tmp_path / "w.db"
    uri = make_empty_store(db)
    with serve(uri) as srv:
        code, hdrs, body = post(srv, f"{POINT}&from=2019-01&to=2019-01")
        assert code == 403, body
        assert "elhub serve --online" in body["detail"]
        assert state(srv) == {"online": False}
        # Other methods and paths stay refused.
        assert srv.get("/api/meta", method="POST")[0] == 405
        assert srv.get("/api/fetch", method="PUT")[0] == 405
    assert weather_rows(db, KEY) == {}


def test_fetch_on_demand_equals_the_source(tmp_path):
    fake = Fake()
    db = tmp_path / "w.db"
    uri = make_empty_store(db)
    try:
        with serve(uri, "--online", "--api-url", fake.url) as srv:
            code, _, body = post(srv, f"{POINT}&from=2019-01&to=2019-03")
            assert code == 202, body
            assert body["state"] == "running" and body["location"] == KEY
            assert body["months"] == 3
            done = wait_done(srv)
            assert done["state"] == "done", done
            assert (done["fetched"], done["skipped"], done["failed"]) == (3, 0, 0), done
            # The server's own answers see the new rows (its cache follows the store).
            code, _, series = srv.get(f"/api/series?dataset=weather&area={KEY}&groups="
                                      "temperature_2m&from=2019-03-31&to=2019-03-31&step=hour")
            assert code == 200, series
            points = json.loads(series)["series"]["temperature_2m"]
            assert len(points) == 23  # the spring DST day has 23 hours
            # Again: every month is stored, nothing is asked of the API.
            before = len(fake.requests())
            post(srv, f"{POINT}&from=2019-01&to=2019-03")
            again = wait_done(srv)
            assert (again["fetched"], again["skipped"]) == (0, 3), again
            assert len(fake.requests()) == before
        reqs = fake.requests()
    finally:
        fake.stop()
    for r in reqs:
        assert "timezone=GMT" in r["url"] and "wind_speed_unit=ms" in r["url"], r
    rows = weather_rows(db, KEY)
    src = bergen_source()
    want = {(v, t): src[(v, t)] for t in oslo_hours(2019, 1, 2019, 4) for v in VARS
            if v not in fake_openmeteo.null_hours(t)}
    assert set(rows) == set(want), (len(rows), len(want))
    worst = max(abs(rows[k] - x) - (WIND_TOL if k[0] in ("wind_speed_10m", "wind_gusts_10m")
                                    else TOL) for k, x in want.items())
    print(f"{len(want)} values fetched on demand; largest excess over the tolerance: {worst}")
    assert worst <= 0
    assert done["rows"] == len(want)


def test_one_job_at_a_time_and_the_hourly_cap(tmp_path):
    fake = Fake()
    db = tmp_path / "w.db"
    uri = make_empty_store(db)
    try:
        with serve(uri, "--online", "--api-url", fake.url) as srv:
            fake.get("/_control?hold=1")
            code, _, body = post(srv, "area=NO5&from=2019-02&to=2019-02")
            assert code == 202, body
            wait_held(fake)  # the chosen point: the first job's request is in flight
            code, hdrs, body = post(srv, f"{POINT}&from=2019-05&to=2019-05")
            assert code == 429, body
            assert hdrs["Retry-After"] == "10"
            assert "a fetch of NO5 is running" in body["detail"]
            assert state(srv)["state"] == "running"
            fake.get("/_control?hold=0")
            assert wait_done(srv)["state"] == "done"
            # 30 jobs an hour: 28 more of an already stored month (each asks nothing)...
            for _ in range(28):
                assert post(srv, "area=NO5&from=2019-02&to=2019-02")[0] == 202
                s = wait_done(srv)
                assert s["state"] == "done" and s["skipped"] == 1, s
            assert s["jobs_left"] == 1
            # ...the 30th is taken, the 31st is refused.
            assert post(srv, "area=NO5&from=2019-02&to=2019-02")[0] == 202
            wait_done(srv)
            code, hdrs, body = post(srv, "area=NO5&from=2019-02&to=2019-02")
            assert code == 429 and "30 fetches were started in the last hour" in body["detail"]
            assert state(srv)["jobs_left"] == 0
    finally:
        fake.get("/_control?hold=0")
        fake.stop()
    assert {t for (_, t) in weather_rows(db, "NO5")} == set(oslo_hours(2019, 2, 2019, 3))


def test_bad_requests_are_refused_and_start_nothing(tmp_path):
    fake = Fake()
    db = tmp_path / "w.db"
    uri = make_empty_store(db)
    cases = [
        ("area=NO5&from=2019-01", "from and to are required"),
        ("area=NO5&from=2019-01&to=2021-06", "at most 24 are fetched on demand"),
        ("lat=abc&lon=5&from=2019-01&to=2019-01", "lat"),
        ("lat=60&from=2019-01&to=2019-01", "lon"),
        ("area=NO9&from=2019-01&to=2019-01", "NO9"),
        ("area=NO5&lat=60&lon=5&from=2019-01&to=2019-01", ""),
        ("area=NO5&from=2019-13&to=2019-13", ""),
        ("area=NO5&from=2019-03&to=2019-01", ""),
        ("dataset=production&from=2019-01&to=2019-01", "only weather"),
        ("area=NO5&from=2019-01&to=2019-01&x=1", "unknown parameter \"x\""),
    ]
    try:
        with serve(uri, "--online", "--api-url", fake.url) as srv:
            for query, words in cases:
                code, _, body = post(srv, query)
                assert code == 400, (query, body)
                assert words in body["detail"], (query, body)
            # A page of another site posting to this server (a browser sends Origin).
            code, _, body = post(srv, "area=NO5&from=2019-01&to=2019-01",
                                 headers={"Origin": "http://evil.example"})
            assert code == 403 and "Origin" in body["detail"], body
            assert state(srv) == {"online": True, "state": "idle", "jobs_left": 30}
            # This server's own page may.
            host = srv.url.split("//", 1)[1]
            code, _, body = post(srv, "area=NO5&from=2019-01&to=2019-01",
                                 headers={"Origin": f"http://{host}"})
            assert code == 202, body
            assert wait_done(srv)["state"] == "done"
        # Only the accepted job asked the API anything.
        assert len(fake.requests()) == 1
    finally:
        fake.stop()


def test_a_failing_api_is_reported_and_nothing_half_stored(tmp_path):
    fake = Fake("--mode", "othercell")
    db = tmp_path / "w.db"
    uri = make_empty_store(db)
    try:
        with serve(uri, "--online", "--api-url", fake.url) as srv:
            assert post(srv, "area=NO5&from=2019-01&to=2019-02")[0] == 202
            s = wait_done(srv)
    finally:
        fake.stop()
    print("the state of a failed job:", s)
    assert s["state"] == "failed" and s["failed"] == 2, s
    assert "of 2 months failed (the server log has each month's reason)" in s["error"], s
    assert "grid cell" in srv.stderr, srv.stderr[-2000:]
    assert weather_rows(db, "NO5") == {}


def test_serve_online_usage(tmp_path):
    from conftest import run_elhub
    p = run_elhub("serve", "--api-url", "http://127.0.0.1:1/v1", check=False)
    assert p.returncode == 2 and "--api-url is for --online" in p.stderr
    p = run_elhub("serve", "--online", "--api-url", "ftp://x", check=False)
    assert p.returncode == 2 and "must start with http://" in p.stderr
