"""`elhub fetch` against the fake Elhub API (tests/fake_api/fake_elhub.py) on
loopback, into a real SQLite file. What is stored is read back with Python's
own sqlite3 module and compared row by row with the fake's generator, which is
the source of truth computed here independently of the C code."""
import collections
import csv
import datetime
import io
import json
import math
import os
from urllib.parse import unquote
import re
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import REPO, data_path, elhub_bin, run_elhub

sys.path.insert(0, str(REPO / "tests" / "fake_api"))
import fake_elhub  # noqa: E402

PROD = "PRODUCTION_PER_GROUP_MBA_HOUR"
FAST_RETRY = {"ELHUB_RETRY_BASE_MS": "20"}


class Fake:
    """A fake API server process; `url` is the --api-url to use."""

    def __init__(self, *args):
        self.proc = subprocess.Popen([sys.executable, str(REPO / "tests/fake_api/fake_elhub.py"),
                                      *map(str, args)], stdout=subprocess.PIPE, text=True)
        self.port = int(self.proc.stdout.readline())
        self.base = f"http://127.0.0.1:{self.port}"
        self.url = self.base + "/energy-data/v0"

    def control(self, **kw):
        q = "&".join(f"{k}={v}" for k, v in kw.items())
        urllib.request.urlopen(f"{self.base}/_control?{q}").read()

    def stats(self):
        return json.loads(urllib.request.urlopen(self.base + "/_stats").read())

    def data_requests(self):
        return [r for r in self.stats()["requests"] if "/price-areas" in r["url"]]

    def stop(self):
        self.proc.kill()
        self.proc.wait()


@pytest.fixture
def fake():
    f = Fake()
    yield f
    f.stop()


def db_path(store):
    return store.split(":", 1)[1]


def stored(store, table="production", group_col="productiongroup"):
    """{(area, group, start): (kwh, end)} read with Python's sqlite3."""
    con = sqlite3.connect(db_path(store))
    try:
        return {(a, g, s): (k, e) for a, g, s, k, e in con.execute(
            f"SELECT pricearea, {group_col}, starttime, quantitykwh, endtime FROM {table}")}
    finally:
        con.close()


def expected(dataset, first, last):
    return {(a, g, s): (k, e) for a, g, s, e, k, _ in fake_elhub.rows(dataset, first, last)}


def fetch(fake, store, *args, check=True, env=None):
    return run_elhub("fetch", "--api-url", fake.url, "--store", store, *args, check=check,
                     env={**FAST_RETRY, **(env or {})})


FAULTS = ["429", "503", "truncate", "reset", "badjson", "slow", "429date", "500"]
YEAR_2021 = (datetime.date(2021, 1, 1), datetime.date(2021, 12, 31))


def test_full_year_with_faults_equals_source(sqlite_store):
    fake = Fake("--faults", ",".join(FAULTS),
                "--faults-per-url", "2", "--slow-seconds", "0.3")
    try:
        p = fetch(fake, sqlite_store, "--dataset", "production", "--from", "2021-01", "--to",
                  "2021-12")
        reqs = fake.data_requests()
    finally:
        fake.stop()
    want = expected(PROD, *YEAR_2021)
    got = stored(sqlite_store)
    assert len(want) > 215000
    assert len(got) == len(want)
    assert got == want  # every key, value and end time, exactly
    # Independent totals too (what a user would compare).
    by_group = collections.defaultdict(list)
    for (a, g, _), (k, _) in want.items():
        by_group[g].append(k)
    con = sqlite3.connect(db_path(sqlite_store))
    for g, total, n in con.execute("SELECT productiongroup, SUM(quantitykwh), COUNT(*) "
                                   "FROM production GROUP BY productiongroup"):
        assert n == len(by_group[g])
        assert total == pytest.approx(math.fsum(by_group[g]), rel=1e-12)
    assert con.execute("SELECT COUNT(*) FROM fetch_log WHERE dataset='production'").fetchone()[0] == 12
    con.close()
    # The faults really happened, and every month needed its retries.
    faults = collections.Counter(r["fault"] for r in reqs if r["fault"])
    assert set(faults) == {"429", "503", "truncate", "reset", "badjson", "slow", "429date", "500"}
    # URL k gets the script FAULTS[k], FAULTS[k+1], then a clean answer; a
    # slow answer is a success, so its script ends there.
    want_reqs = 0
    for k in range(12):
        script = [FAULTS[(k + n) % len(FAULTS)] for n in range(2)]
        want_reqs += script.index("slow") + 1 if "slow" in script else 3
    assert len(reqs) == want_reqs
    assert not [r for r in reqs if r["status"] == 400]
    assert f"{len(want)} rows" in p.stderr


@pytest.fixture(scope="module")
def year_store(tmp_path_factory):
    """2021 production fetched once (no faults) for the read-only checks."""
    store = f"sqlite:{tmp_path_factory.mktemp('year') / 'elhub.db'}"
    fake = Fake()
    try:
        fetch(fake, store, "--dataset", "production", "--from", "2021-01", "--to", "2021-12")
    finally:
        fake.stop()
    return store


def test_dst_days_have_23_and_25_rows_per_series(year_store):
    con = sqlite3.connect(db_path(year_store))
    per_day = collections.Counter()
    for area, group, start in con.execute(
            "SELECT pricearea, productiongroup, starttime FROM production"):
        per_day[(area, group, fake_elhub.oslo_date(start))] += 1
    con.close()
    series = {(a, g) for a, g, _ in per_day}
    assert len(series) == 25
    for a, g in series:
        if (a, g) == ("NO5", "wind"):
            continue  # gappy on purpose
        assert per_day[(a, g, datetime.date(2021, 3, 28))] == 23
        assert per_day[(a, g, datetime.date(2021, 10, 31))] == 25
        assert per_day[(a, g, datetime.date(2021, 10, 30))] == 24
    # Both 02:00 hours of the autumn day survive as distinct instants.
    con = sqlite3.connect(db_path(year_store))
    two = [r[0] for r in con.execute(
        "SELECT starttime FROM production WHERE pricearea='NO1' AND productiongroup='hydro'"
        " AND starttime IN (?, ?) ORDER BY starttime",
        (fake_elhub.parse_time("2021-10-31T02:00:00+02:00"),
         fake_elhub.parse_time("2021-10-31T02:00:00+01:00")))]
    con.close()
    assert len(two) == 2 and two[1] - two[0] == 3600


def dump(store):
    con = sqlite3.connect(db_path(store))
    rows = list(con.execute("SELECT * FROM production ORDER BY pricearea, starttime, productiongroup"))
    con.close()
    return rows


def test_rerun_changes_nothing(sqlite_store, fake):
    args = ("--dataset", "production", "--from", "2021-02", "--to", "2021-04-10")
    fetch(fake, sqlite_store, *args)
    before = dump(sqlite_store)
    assert len(before) == len(expected(PROD, datetime.date(2021, 2, 1), datetime.date(2021, 4, 10)))
    fake.control(reset_stats=1)
    p = fetch(fake, sqlite_store, *args)
    assert fake.data_requests() == []  # every month was recorded as done
    assert "3 already stored" in p.stderr
    assert dump(sqlite_store) == before
    # --refresh asks again and still changes nothing.
    fetch(fake, sqlite_store, *args, "--refresh")
    assert len(fake.data_requests()) == 3
    assert dump(sqlite_store) == before
    # A partial month inside a full one already stored is not fetched again.
    fake.control(reset_stats=1)
    fetch(fake, sqlite_store, "--dataset", "production", "--from", "2021-03-05", "--to", "2021-03-09")
    assert fake.data_requests() == []


def test_kill9_midway_then_rerun_completes(sqlite_store):
    """kill -9 at a chosen point: the fake serves three months, then holds
    the fourth request on arrival. Once the third month is stored (the
    writer commits it with its done-key), the process is killed while it
    waits for the fourth. What landed must be exactly those three whole
    months, and a rerun must ask for exactly the other nine."""
    fake = Fake()
    try:
        fake.control(hold_after=3)
        env = dict(os.environ)
        env.pop("ELHUB_STORE", None)
        proc = subprocess.Popen([elhub_bin(), "fetch", "--api-url", fake.url, "--store", sqlite_store,
                                 "--dataset", "production", "--from", "2021-01", "--to", "2021-12",
                                 "--jobs", "1"], env=env, stderr=subprocess.PIPE, text=True)

        def logged_months():
            try:
                con = sqlite3.connect(db_path(sqlite_store))
                try:
                    return con.execute("SELECT COUNT(*) FROM fetch_log").fetchone()[0]
                finally:
                    con.close()
            except sqlite3.OperationalError:
                return 0  # not created yet

        # Poll the two states the kill waits for (no timing is involved:
        # the fourth request cannot be answered before the release below).
        deadline = time.monotonic() + 300
        while not (fake.stats()["held"] == 1 and logged_months() == 3):
            assert proc.poll() is None, "fetch ended before the chosen point: " + proc.stderr.read()
            assert time.monotonic() < deadline, "never reached three stored months"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        proc.stderr.close()
        # What landed is whole months only: exactly the three served.
        con = sqlite3.connect(db_path(sqlite_store))
        logged = dict(con.execute("SELECT key, rows FROM fetch_log"))
        n = con.execute("SELECT COUNT(*) FROM production").fetchone()[0]
        con.close()
        assert sorted(logged) == ["2021-01", "2021-02", "2021-03"]
        assert n == sum(logged.values())
        # Let the held handler run to its end (its client is gone) before the
        # log is reset, so no request of the killed run lands in the new log.
        fake.control(release=1)
        fake.control(wait_idle=60)
        fake.control(faults="", reset_stats=1)
        fetch(fake, sqlite_store, "--dataset", "production", "--from", "2021-01", "--to", "2021-12")
        # The rerun asks for exactly the months not logged as complete.
        asked = [re.search(r"startDate=(\d{4}-\d{2})", unquote(r["url"])).group(1)
                 for r in fake.data_requests()]
        assert sorted(asked) == [f"2021-{m:02d}" for m in range(4, 13)]
        assert all(r["fault"] is None for r in fake.data_requests())
        con = sqlite3.connect(db_path(sqlite_store))
        assert con.execute("SELECT COUNT(*) FROM fetch_log").fetchone()[0] == 12
        con.close()
    finally:
        fake.stop()

def test_out_of_window_response_is_detected(sqlite_store):
    fake = Fake("--ignore-params")
    try:
        p = fetch(fake, sqlite_store, "--dataset", "production", "--from", "2021-01", "--to",
                  "2021-01", check=False)
    finally:
        fake.stop()
    assert p.returncode == 1
    assert "outside the requested 2021-01" in p.stderr
    assert "1 of 1 month failed: 2021-01" in p.stderr
    assert stored(sqlite_store) == {}


def test_real_saved_response_outside_window(sqlite_store):
    # The real file is what the API sent for ignored parameters (2025 data).
    fake = Fake("--real", data_path("api_response_production_2025-09-16_2025-10-15.json"))
    try:
        p = fetch(fake, sqlite_store, "--dataset", "production", "--from", "2021-10", "--to",
                  "2021-10", check=False)
        assert p.returncode == 1
        assert "2025-09-16T18:00:00+02:00 (NO1 hydro) outside the requested 2021-10" in p.stderr
        # A window that holds all of it takes it whole: 18,732 records.
        p = fetch(fake, sqlite_store, "--dataset", "production", "--from", "2025-09-16", "--to",
                  "2025-09-30", check=False)
        assert p.returncode == 1  # the file runs into October
    finally:
        fake.stop()
    assert stored(sqlite_store) == {}


def test_every_month_2020_to_2026_is_accepted(sqlite_store):
    # The fake enforces the 744 h rule, date format and '+' encoding; --empty
    # answers without records so 84 months take a moment.
    fake = Fake("--empty")
    try:
        fetch(fake, sqlite_store, "--dataset", "consumption", "--from", "2020-01", "--to",
              "2026-12", "--jobs", "4")
        reqs = fake.data_requests()
    finally:
        fake.stop()
    assert len(reqs) == 84
    assert {r["status"] for r in reqs} == {200}
    assert all("%2B0" in r["url"] for r in reqs)


def test_one_month_rule_is_real_in_the_fake(fake):
    # The check above can only fail if the fake rejects 745 h: prove it does.
    req = urllib.request.Request(
        fake.url + "/price-areas?dataset=" + PROD +
        "&startDate=2021-10-01T00:00:00%2B02:00&endDate=2021-11-01T00:00:00%2B01:00",
        headers={"User-Agent": "test"})
    with pytest.raises(urllib.error.HTTPError) as ex:
        urllib.request.urlopen(req)
    assert ex.value.code == 400
    assert "cannot exceed one month" in ex.value.read().decode()


def test_http_errors_keep_prior_data(sqlite_store, fake):
    fetch(fake, sqlite_store, "--dataset", "production", "--from", "2021-01", "--to", "2021-01")
    before = dump(sqlite_store)
    # Always 503: retried, then given up; January is untouched.
    fake.control(faults="503", per_url=-1)
    p = fetch(fake, sqlite_store, "--dataset", "production", "--from", "2021-01", "--to",
              "2021-02", "--refresh", check=False)
    assert p.returncode == 1
    assert "2 of 2 months failed: 2021-01, 2021-02" in p.stderr
    assert "HTTP 503: Service Unavailable: Injected fault" in p.stderr
    assert "gave up after 6 attempts" in p.stderr
    assert dump(sqlite_store) == before
    # Always bad JSON: the same.
    fake.control(faults="badjson", per_url=-1)
    p = fetch(fake, sqlite_store, "--dataset", "production", "--from", "2021-01", "--to",
              "2021-01", "--refresh", check=False)
    assert p.returncode == 1
    assert "invalid response body: bad JSON at byte" in p.stderr
    assert dump(sqlite_store) == before
    # A 4xx is not retried and shows the API's message.
    fake.control(faults="404", per_url=-1, reset_stats=1)
    p = fetch(fake, sqlite_store, "--dataset", "production", "--from", "2021-02", "--to",
              "2021-02", check=False)
    assert p.returncode == 1
    assert "HTTP 404: Injected: Injected status 404" in p.stderr
    assert len(fake.data_requests()) == 1
    assert dump(sqlite_store) == before


def test_one_failed_month_others_land(sqlite_store):
    fake = Fake("--fail-match", "startDate=2021-03")
    try:
        p = fetch(fake, sqlite_store, "--dataset", "production", "--from", "2021-02", "--to",
                  "2021-04", check=False)
    finally:
        fake.stop()
    assert p.returncode == 1
    assert "1 of 3 months failed: 2021-03" in p.stderr
    got = stored(sqlite_store)
    want = expected(PROD, datetime.date(2021, 2, 1), datetime.date(2021, 2, 28))
    want.update(expected(PROD, datetime.date(2021, 4, 1), datetime.date(2021, 4, 30)))
    assert got == want


def test_consumption_with_meter_counts(sqlite_store, fake):
    fetch(fake, sqlite_store, "--dataset", "consumption", "--from", "2021-10-30", "--to",
          "2021-11-02")
    con = sqlite3.connect(db_path(sqlite_store))
    rows = {(a, g, s): (k, m) for a, g, s, k, m in con.execute(
        "SELECT pricearea, consumptiongroup, starttime, quantitykwh, meteringpointcount"
        " FROM consumption")}
    con.close()
    want = {(a, g, s): (k, m) for a, g, s, _, k, m in fake_elhub.rows(
        "CONSUMPTION_PER_GROUP_MBA_HOUR", datetime.date(2021, 10, 30), datetime.date(2021, 11, 2))}
    assert rows == want
    assert len(rows) == 25 * (24 + 25 + 24 + 24)


def test_export_matches_source(year_store):
    p = run_elhub("export", "--dataset", "production", "--store", year_store, "--format", "csv")
    got = {}
    for r in csv.DictReader(io.StringIO(p.stdout)):
        start = int(datetime.datetime.fromisoformat(r["starttime"]).timestamp())
        got[(r["pricearea"], r["productiongroup"], start)] = float(r["quantitykwh"])
    want = {k: v[0] for k, v in expected(PROD, *YEAR_2021).items()}
    assert got == want


def test_usage_errors():
    for args in (["--dataset", "production", "--from", "2021-01"],
                 ["--dataset", "steam", "--from", "2021-01", "--to", "2021-02"],
                 ["--dataset", "production", "--from", "2021-03", "--to", "2021-02"],
                 ["--dataset", "production", "--from", "2021-01", "--to", "2021-02", "--jobs", "0"],
                 ["--dataset", "production", "--from", "2021-01", "--to", "2021-02",
                  "--api-url", "ftp://x"]):
        p = run_elhub("fetch", *args, check=False)
        assert p.returncode == 2, args
        assert "elhub fetch:" in p.stderr
    p = run_elhub("fetch", "--help")
    assert "--dataset" in p.stdout and "--refresh" in p.stdout


def test_unreachable_server_fails_cleanly(sqlite_store):
    # A port nothing listens on: connection refused, retried, then exit 1.
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    p = run_elhub("fetch", "--api-url", f"http://127.0.0.1:{port}/v0", "--store", sqlite_store,
                  "--dataset", "production", "--from", "2021-01", "--to", "2021-01", check=False,
                  env={"ELHUB_RETRY_BASE_MS": "5"})
    assert p.returncode == 1
    assert "Couldn't connect" in p.stderr or "connect" in p.stderr.lower()


def test_stalled_transfer_times_out_and_is_retried(sqlite_store):
    # Headers and a third of the body, then silence: the low-speed timeout
    # (a quarter of the window's deadline ELHUB_TIMEOUT_S, here 5 s; curl
    # averages the speed over its last ~5 s, so the burst before the
    # silence delays it that much) drops the transfer, well before the
    # stall would end, and the retry succeeds within the deadline.
    fake = Fake("--faults", "stall", "--faults-per-url", "1", "--stall-seconds", "60")
    try:
        p = fetch(fake, sqlite_store, "--dataset", "production", "--from", "2021-02-01", "--to",
                  "2021-02-03", env={"ELHUB_TIMEOUT_S": "20"})
        urls = fake.stats()["urls"]  # counted on arrival; the stalled one never finishes
    finally:
        fake.stop()
    assert "retrying" in p.stderr
    assert "Timeout was reached" in p.stderr or "timed out" in p.stderr.lower()
    assert "Operation too slow" in p.stderr  # the low-speed rule, not the deadline
    assert list(urls.values()) == [2]
    assert stored(sqlite_store) == expected(PROD, datetime.date(2021, 2, 1),
                                            datetime.date(2021, 2, 3))


# ---- issue 11: what gets stored, and fetch on a bad network -----------------

def fetch_log(store):
    con = sqlite3.connect(db_path(store))
    try:
        return dict(con.execute("SELECT key, rows FROM fetch_log"))
    except sqlite3.OperationalError:
        return {}  # not created yet
    finally:
        con.close()


def test_repeated_record_is_stored_once_and_counted_once(sqlite_store):
    """The fake sends the first record of the answer again at the end of its
    list, 1.5 kWh higher (tests/fake_api dup_record). What is stored is the
    fake's data with that hour taken from the later copy (the store's rule:
    the last write wins unless an earlier one is newer), the summary counts
    the rows stored, not the records received, and the repeat is named."""
    fake = Fake("--faults", "duprecord", "--faults-per-url", "-1")
    try:
        p = fetch(fake, sqlite_store, "--dataset", "production", "--from", "2021-02-01", "--to",
                  "2021-02-03")
    finally:
        fake.stop()
    want = expected(PROD, datetime.date(2021, 2, 1), datetime.date(2021, 2, 3))
    first = min((k for k in want if k[0] == "NO1" and k[1] == "hydro"), key=lambda k: k[2])
    kwh, end = want[first]
    want[first] = (round(kwh + 1.5, 3), end)
    assert stored(sqlite_store) == want
    assert f"; {len(want)} rows in" in p.stderr  # not len(want) + 1
    assert "1 repeated record dropped" in p.stderr
    assert "NO1 hydro 2021-02-01T00:00:00+01:00 more than once" in p.stderr


def test_empty_answer_for_a_past_month_is_not_marked_done(sqlite_store, fake):
    fake.control(empty=1)
    p = fetch(fake, sqlite_store, "--dataset", "production", "--from", "2021-01", "--to",
              "2021-01")
    assert "2021-01: the answer holds no records for this past month" in p.stderr
    assert "1 month fetched (1 empty)" in p.stderr
    assert fetch_log(sqlite_store) == {}
    # So a rerun asks again, and stores the month once the API has it.
    fake.control(empty=0, reset_stats=1)
    p = fetch(fake, sqlite_store, "--dataset", "production", "--from", "2021-01", "--to",
              "2021-01")
    assert len(fake.data_requests()) == 1
    assert fetch_log(sqlite_store) == {"2021-01": len(stored(sqlite_store))}
    assert stored(sqlite_store) == expected(PROD, datetime.date(2021, 1, 1),
                                            datetime.date(2021, 1, 31))


def test_unresolvable_host_fails_at_once_naming_it(sqlite_store):
    # .invalid never resolves (RFC 6761 section 6.4); the resolver says so at once.
    url = "http://elhub-test.invalid/energy-data/v0"
    p = run_elhub("fetch", "--api-url", url, "--store", sqlite_store, "--dataset", "production",
                  "--from", "2021-01", "--to", "2021-03", check=False, env=FAST_RETRY)
    assert p.returncode == 1
    assert 'cannot resolve the host "elhub-test.invalid" of the API URL ' + url in p.stderr
    assert "--api-url" in p.stderr
    assert "retrying" not in p.stderr
    assert "0 months fetched, 0 already stored, 0 failed, 3 not fetched" in p.stderr


def test_black_holed_api_gives_up_at_the_deadline(sqlite_store, fake):
    # Every request is accepted and never answered (held at the fake's gate):
    # the window gives up when the time --timeout allows it is used up.
    fake.control(hold_after=0)
    p = fetch(fake, sqlite_store, "--dataset", "production", "--from", "2021-01", "--to",
              "2021-01", "--timeout", "3", check=False)
    assert p.returncode == 1
    assert "2021-01: " in p.stderr
    assert "the 3 s allowed per month are used up (--timeout)" in p.stderr
    assert "1 of 1 month failed: 2021-01" in p.stderr
    assert fake.stats()["held"] >= 1  # the requests did arrive, and were never answered
    assert fetch_log(sqlite_store) == {}
    p = run_elhub("fetch", "--dataset", "production", "--from", "2021-01", "--to", "2021-01",
                  "--timeout", "0", check=False)
    assert p.returncode == 2 and "--timeout 0" in p.stderr


def test_ctrl_c_prints_what_was_stored_and_exits_130(sqlite_store, fake):
    """SIGINT at a chosen point: two months served and stored, the third
    request held at the fake's gate. The run stops, keeps the two months,
    prints the summary and exits 130; a rerun fetches the other four."""
    fake.control(hold_after=2)
    env = dict(os.environ)
    env.pop("ELHUB_STORE", None)
    proc = subprocess.Popen([elhub_bin(), "fetch", "--api-url", fake.url, "--store", sqlite_store,
                             "--dataset", "production", "--from", "2021-01", "--to", "2021-06",
                             "--jobs", "1"], env=env, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 300
        while not (fake.stats()["held"] == 1 and len(fetch_log(sqlite_store)) == 2):
            assert proc.poll() is None, "fetch ended before the chosen point: " + proc.stderr.read()
            assert time.monotonic() < deadline, "never reached two stored months"
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, err
    assert "interrupted" in err
    assert "production: 2 months fetched, 0 already stored, 0 failed, 4 not fetched" in err
    assert sorted(fetch_log(sqlite_store)) == ["2021-01", "2021-02"]
    fake.control(release=1)
    fake.control(wait_idle=60)
    fake.control(reset_stats=1)
    fetch(fake, sqlite_store, "--dataset", "production", "--from", "2021-01", "--to", "2021-06")
    asked = sorted(re.search(r"startDate=(\d{4}-\d{2})", unquote(r["url"])).group(1)
                   for r in fake.data_requests())
    assert asked == ["2021-03", "2021-04", "2021-05", "2021-06"]


def test_one_month_is_one_month(sqlite_store, fake):
    args = ("--dataset", "production", "--from", "2021-02-01", "--to", "2021-02-02")
    p1 = fetch(fake, sqlite_store, *args)
    p2 = fetch(fake, sqlite_store, *args)
    rows = len(expected(PROD, datetime.date(2021, 2, 1), datetime.date(2021, 2, 2)))
    assert f"production: 1 month fetched, 0 already stored, 0 failed; {rows} rows" in p1.stderr
    assert "the month is already stored" in p2.stderr
    assert "0 months fetched, 1 already stored" in p2.stderr
    for p in (p1, p2):
        assert not re.search(r"\b1 (months|rows|retries|records)\b", p.stderr), p.stderr
