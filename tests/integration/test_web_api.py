"""The dashboard's JSON API against a running `elhub serve` on loopback over a
SQLite store filled (by web_util, with Python's sqlite3) from the real data
files. Every value is compared with a sum computed here from the CSV rows."""
import collections
import csv
import datetime as dt
import gzip
import io
import json
import math
import re
import socket
import zoneinfo

import pytest

import web_util
from conftest import make_empty_store, open_data, run_elhub

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    path = tmp_path_factory.mktemp("web") / "elhub.db"
    rows = web_util.fill_store(path)
    return f"sqlite:{path}", rows


@pytest.fixture(scope="module")
def srv(filled):
    with web_util.serve(filled[0]) as s:
        yield s


def oslo_bounds(d_from, d_to):
    """UTC seconds of Oslo midnight starting d_from and ending d_to."""
    a = dt.datetime.combine(dt.date.fromisoformat(d_from), dt.time(), OSLO)
    b = dt.datetime.combine(dt.date.fromisoformat(d_to) + dt.timedelta(days=1), dt.time(), OSLO)
    return int(a.timestamp()), int(b.timestamp())


def get_json(srv, path, status=200):
    code, headers, body = srv.get(path)
    assert code == status, (path, code, body[:500])
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(body)


def test_meta_lists_datasets_groups_colours_and_attribution(srv, filled):
    meta = get_json(srv, "/api/meta")
    rows = filled[1]
    by_ds = collections.Counter(r[0] for r in rows)
    names = [d["name"] for d in meta["datasets"]]
    assert names == ["production", "consumption"]
    prod = meta["datasets"][0]
    assert prod["records"] == by_ds["production"]
    assert meta["records"] == len(rows)
    assert prod["years"] == [2021, 2025]
    assert prod["first"] == "2021-01-01T00:00:00+01:00"
    assert prod["api_name"] == "PRODUCTION_PER_GROUP_MBA_HOUR"
    assert meta["datasets"][1]["years"] == [2025]
    assert meta["groups"]["hydro"] == {"label": "Hydro", "color": "#1f77b4"}
    assert meta["groups"]["household"]["color"] == "#2ca02c"
    assert meta["attribution"]["text"] == "Elhub"
    assert meta["attribution"]["license"] == "CC BY 4.0"
    series = {(s["area"], s["group"]): s["records"] for s in prod["series"]}
    want = collections.Counter((r[1], r[2]) for r in rows if r[0] == "production")
    assert series == dict(want)


@pytest.mark.parametrize("area", ["NO1", "NO2", "NO4", "NO5"])
def test_totals_equal_sums_of_the_csv_rows(srv, filled, area):
    a, b = oslo_bounds("2021-01-01", "2021-12-31")
    want = collections.defaultdict(list)
    for ds, ar, g, start, kwh, _ in filled[1]:
        if ds == "production" and ar == area and a <= start < b:
            want[g].append(kwh)
    got = get_json(srv, f"/api/totals?dataset=production&area={area}&from=2021-01-01&to=2021-12-31")
    assert got["unit"] == "kWh" and got["area"] == area
    assert got["from"] == "2021-01-01" and got["to"] == "2021-12-31"
    assert set(got["totals"]) == set(want)
    for g, vals in want.items():
        # Summation order differs (SQLite vs fsum): within 1 Wh.
        assert abs(got["totals"][g] - math.fsum(vals)) < 1e-3, g
        assert got["records"][g] == len(vals)


def test_totals_match_the_published_2021_figures(srv):
    """NO1 and NO5 hydro have every 2021 hour in the fixture; their totals
    are published in production_2021_totals.csv (Spark over all rows)."""
    with open_data("production_2021_totals.csv") as f:
        ref = {(r["priceArea"], r["productionGroup"]): float(r["totalKwh"]) for r in csv.DictReader(f)}
    for area in ("NO1", "NO5"):
        got = get_json(srv, f"/api/totals?area={area}&from=2021-01&to=2021-12&groups=hydro")
        assert list(got["totals"]) == ["hydro"]
        assert abs(got["totals"]["hydro"] - ref[(area, "hydro")]) < 0.01


def test_totals_without_area_sum_every_area(srv, filled):
    a, b = oslo_bounds("2025-11-01", "2025-11-10")
    want = collections.defaultdict(float)
    for ds, _, g, start, kwh, _ in filled[1]:
        if ds == "production" and a <= start < b:
            want[g] += kwh
    got = get_json(srv, "/api/totals?from=2025-11-01&to=2025-11-10")
    assert got["area"] is None
    assert set(got["totals"]) == set(want)
    for g in want:
        assert abs(got["totals"][g] - want[g]) < 1e-3


@pytest.mark.parametrize("month,hours", [("2021-03", 743), ("2021-10", 745), ("2021-01", 744)])
def test_hourly_series_has_every_hour_across_dst(srv, filled, month, hours):
    got = get_json(srv, f"/api/series?area=NO1&groups=hydro&from={month}&to={month}&step=hour")
    pts = got["series"]["hydro"]
    assert len(pts) == hours
    assert got["step"] == "hour"
    y, m = map(int, month.split("-"))
    a, b = oslo_bounds(f"{month}-01", f"{month}-{30 if m in (4, 6, 9, 11) else 31 if m != 2 else 28}")
    want = sorted((s, k) for ds, ar, g, s, k, _ in filled[1]
                  if ds == "production" and ar == "NO1" and g == "hydro" and a <= s < b)
    assert len(want) == hours
    for (iso, kwh), (s, k) in zip(pts, want):
        t = dt.datetime.fromisoformat(iso)
        assert int(t.timestamp()) == s
        # Oslo wall time with its offset, as the API writes it.
        assert iso == dt.datetime.fromtimestamp(s, OSLO).isoformat()
        assert kwh == k  # one row per hour: lossless, exactly equal


def test_series_dst_day_has_both_two_oclock_hours(srv):
    got = get_json(srv, "/api/series?area=NO1&groups=hydro&from=2021-10-31&to=2021-10-31")
    times = [p[0] for p in got["series"]["hydro"]]
    assert len(times) == 25
    assert times[2:4] == ["2021-10-31T02:00:00+02:00", "2021-10-31T02:00:00+01:00"]
    got = get_json(srv, "/api/series?area=NO1&groups=hydro&from=2021-03-28&to=2021-03-28&step=day")
    assert got["series"]["hydro"][0][0] == "2021-03-28T00:00:00+01:00"
    assert len(got["series"]["hydro"]) == 1


@pytest.mark.parametrize("step", ["day", "week", "month"])
def test_coarser_steps_sum_on_the_oslo_calendar(srv, filled, step):
    a, b = oslo_bounds("2021-01-01", "2021-12-31")
    want = collections.defaultdict(list)
    for ds, ar, g, s, k, _ in filled[1]:
        if ds == "production" and ar == "NO5" and g == "hydro" and a <= s < b:
            t = dt.datetime.fromtimestamp(s, OSLO)
            if step == "day":
                key = t.date()
            elif step == "week":
                key = t.date() - dt.timedelta(days=t.weekday())
            else:
                key = t.date().replace(day=1)
            want[key].append(k)
    got = get_json(srv, f"/api/series?area=NO5&groups=hydro&from=2021-01-01&to=2021-12-31&step={step}")
    pts = got["series"]["hydro"]
    assert len(pts) == len(want)
    for iso, kwh in pts:
        t = dt.datetime.fromisoformat(iso)
        assert t.hour == 0 and t.minute == 0
        assert abs(kwh - math.fsum(want[t.date()])) < 1e-3


def test_export_csv_is_what_the_series_shows(srv):
    q = "dataset=production&area=NO1&groups=hydro,wind&from=2021-01-01&to=2021-01-31&step=day"
    series = get_json(srv, f"/api/series?{q}")["series"]
    code, headers, body = srv.get(f"/api/export.csv?{q}")
    assert code == 200
    assert headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in headers["Content-Disposition"]
    assert "elhub-production-NO1-2021-01-01-2021-01-31-day.csv" in headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert [r["start"] for r in rows] == [p[0] for p in series["hydro"]]
    assert [float(r["hydro_kwh"]) for r in rows] == [p[1] for p in series["hydro"]]
    assert [float(r["wind_kwh"]) for r in rows] == [p[1] for p in series["wind"]]
    assert rows[0]["end"] == "2021-01-02T00:00:00+01:00"
    code, _, body = srv.get("/api/export.csv?chart=totals&area=NO2&from=2021-01-01&to=2021-12-31")
    assert code == 200
    totals = get_json(srv, "/api/totals?area=NO2&from=2021-01-01&to=2021-12-31")["totals"]
    got = {r["group"]: float(r["kwh"]) for r in csv.DictReader(io.StringIO(body.decode()))}
    assert got == totals


def test_quality_counts_missing_hours(srv):
    got = get_json(srv, "/api/quality?area=NO1&from=2021-02-01&to=2021-02-28")
    assert got["expected_hours"] == 672
    assert got["groups"]["hydro"] == {"present": 672, "gaps": [], "missing": 0}
    assert got["groups"]["wind"]["missing"] == 672
    assert got["groups"]["wind"]["gaps"] == [["2021-02-01T00:00:00+01:00", "2021-03-01T00:00:00+01:00"]]
    # NO2 '*' exists only from 2025-10-20 09:00 to 2025-10-23 (87 rows) in this file.
    got = get_json(srv, "/api/quality?area=NO2&groups=*&from=2025-10-20&to=2025-10-21")
    g = got["groups"]["*"]
    assert got["expected_hours"] == 48
    assert g["present"] + g["missing"] == 48
    assert g["gaps"][0] == ["2025-10-20T00:00:00+02:00", "2025-10-20T09:00:00+02:00"]
    # October 2021 has 745 hours; NO1 hydro has all of them.
    got = get_json(srv, "/api/quality?area=NO1&groups=hydro&from=2021-10&to=2021-10")
    assert got["expected_hours"] == 745 and got["groups"]["hydro"]["missing"] == 0


@pytest.mark.parametrize("path,detail", [
    ("/api/totals?dataset=nope", "dataset"),
    ("/api/totals?area=NO1;DROP", "area"),
    ("/api/totals?from=2021-13-01", "from"),
    ("/api/totals?from=2021-02-30", "from"),
    ("/api/totals?from=2021-03-01&to=2021-02-01", "after"),
    ("/api/series?step=fortnight", "step"),
    ("/api/series?groups=hy%22dro", "groups"),
    ("/api/totals?start=2021-01-01", "unknown parameter"),
    ("/api/totals?area=NO1&area=NO2", "twice"),
    ("/api/totals?area=%zz", "escape"),
    ("/api/totals?area=NO%001", "control"),
    ("/api/quality?area=NO1", "both from and to"),
    ("/api/meta?x=1", "no parameters"),
    ("/api/series?from=1990-01-01&to=2100-12-31&step=hour&groups=" + ",".join(f"g{i}" for i in range(33)), "too many groups"),
])
def test_bad_parameters_get_400_with_error_and_detail(srv, path, detail):
    body = get_json(srv, path, status=400)
    assert body["error"] == "bad request"
    assert detail in body["detail"], body
    assert "/tmp" not in body["detail"] and ".db" not in body["detail"]


def test_every_page_is_served_with_the_attributions(srv):
    """The pages (Energy at /, Weather, Map, Snow drift, Decomposition, Quality,
    Weather × energy, Forecast) are served from the
    binary, each linking its own bundle, and each carries the three data
    attributions in its footer (issue 13: on every page)."""
    import html
    for path, bundle in (("/", "/app.js"), ("/weather", "/weather.js"), ("/map", "/map.js"),
                         ("/snowdrift", "/snowdrift.js"), ("/decomposition", "/decomposition.js"),
                         ("/quality", "/quality.js"), ("/correlation", "/correlation.js"),
                         ("/forecast", "/forecast.js")):
        code, headers, body = srv.get(path)
        assert code == 200 and headers["Content-Type"].startswith("text/html"), path
        text = body.decode()
        foot = html.unescape(text[text.index('<footer class="foot">'):text.index("</footer>")])
        for words in ("Elhub</strong>, CC BY 4.0",
                      "Weather data by Open-Meteo.com (ERA5, Copernicus/ECMWF), CC BY 4.0",
                      "Price areas: NVE (NLOD 2.0)"):
            assert words in foot, (path, foot)
        src = text.split(f'<script src="{bundle}?v=', 1)[1].split('"', 1)[0]
        code, _, js = srv.get(f"{bundle}?v={src}")
        assert code == 200 and len(js) > 1000, (path, code)
        assert "<!--include:" not in text and "{{" not in text, path


def test_unknown_path_404_and_methods_405(srv):
    assert get_json(srv, "/api/nope", status=404)["error"] == "not found"
    assert get_json(srv, "/etc/passwd", status=404)["error"] == "not found"
    for method in ("POST", "PUT", "DELETE"):
        code, headers, body = srv.get("/api/meta", method=method)
        assert code == 405
        assert headers["Allow"] == "GET, HEAD"
        assert json.loads(body)["error"] == "method not allowed"
    code, headers, body = srv.get("/api/meta", method="HEAD")
    assert code == 200 and body == b""


def test_etag_if_none_match_and_cache_control(srv):
    path = "/api/totals?area=NO1&from=2021-01-01&to=2021-12-31"
    code, headers, body = srv.get(path)
    etag = headers["ETag"]
    assert etag.startswith('"') and headers["Cache-Control"] == "no-cache"
    code, headers2, body2 = srv.get(path, headers={"If-None-Match": etag})
    assert code == 304 and body2 == b""
    code, _, _ = srv.get(path, headers={"If-None-Match": '"other", ' + etag})
    assert code == 304
    code, _, body3 = srv.get(path, headers={"If-None-Match": '"other"'})
    assert code == 200 and body3 == body


def test_gzip_for_large_responses_only_when_accepted(srv):
    path = "/api/series?area=NO1&groups=hydro&from=2021-01&to=2021-12"
    code, headers, plain = srv.get(path)
    assert code == 200 and headers.get("Content-Encoding") is None
    code, headers, packed = srv.get(path, headers={"Accept-Encoding": "gzip"})
    assert headers["Content-Encoding"] == "gzip" and headers["Vary"] == "Accept-Encoding"
    assert gzip.decompress(packed) == plain and len(packed) < len(plain) / 3
    code, headers, _ = srv.get(path, headers={"Accept-Encoding": "gzip;q=0"})
    assert headers.get("Content-Encoding") is None
    code, headers, _ = srv.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert headers.get("Content-Encoding") is None


def test_page_and_assets_are_embedded(srv):
    code, headers, body = srv.get("/")
    assert code == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    html = body.decode()
    assert "Total production by group" in html and "https://" not in html.split("<body>")[0]
    import re
    js = re.search(r'src="(/app\.js\?v=[0-9a-f]{16})"', html).group(1)
    code, headers, body = srv.get(js)
    assert code == 200 and headers["Content-Type"].startswith("text/javascript")
    assert "immutable" in headers["Cache-Control"]
    assert len(body) > 100000
    code, headers, _ = srv.get("/app.js")
    assert headers["Cache-Control"] == "no-cache"


def test_healthz(srv):
    assert get_json(srv, "/healthz")["status"] == "ok"


def test_oversized_request_is_refused(srv):
    code, _, _ = srv.get("/api/totals?area=" + "N" * 40000)
    assert code in (400, 413, 414, 431)
    code, _, body = srv.get("/api/totals?area=" + "N" * 3000)
    assert code == 400 and b"too long" in body


def test_slow_client_is_dropped_and_server_keeps_serving(srv):
    host, port = srv.url.split("//")[1].split(":")
    with socket.create_connection((host, int(port)), timeout=60) as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # never finishes
        assert get_json(srv, "/healthz")["status"] == "ok"


def test_data_changes_show_up_despite_the_cache(filled, tmp_path):
    """An import into the store being served shows up in the next answer:
    the response cache follows the store's data version."""
    import sqlite3
    src = filled[0][len("sqlite:"):]
    path = tmp_path / "copy.db"
    con = sqlite3.connect(src)
    con.execute(f"VACUUM INTO '{path}'")
    con.close()
    with web_util.serve(f"sqlite:{path}") as s:
        q = "/api/totals?area=NO3&from=2021-01-01&to=2021-12-31"
        assert get_json(s, q)["totals"] == {}
        csv = tmp_path / "one.csv"
        csv.write_text("priceArea,productionGroup,startTime,quantityKwh\n"
                       "NO3,wind,2021-06-01T00:00:00+02:00,12.5\n")
        run_elhub("import", "--store", f"sqlite:{path}", csv)
        assert get_json(s, q)["totals"] == {"wind": 12.5}

def test_empty_store_serves_zero_records(tmp_path):
    with web_util.serve(make_empty_store(tmp_path / "empty.db")) as s:
        meta = get_json(s, "/api/meta")
        assert meta["records"] == 0 and meta["datasets"] == []


def test_serve_cli_errors(tmp_path):
    from conftest import run_elhub
    p = run_elhub("serve", "--listen", "nohost", check=False)
    assert p.returncode == 2 and "HOST:PORT" in p.stderr
    p = run_elhub("serve", "--listen", "127.0.0.1:99999", check=False)
    assert p.returncode == 2
    p = run_elhub("serve", "--store", "bogus:x", "--listen", "127.0.0.1:0", check=False)
    assert p.returncode == 2 and "unknown store" in p.stderr
    p = run_elhub("serve", "--help")
    assert "--listen" in p.stdout and "127.0.0.1:8080" in p.stdout


def test_totals_and_series_carry_hours_present(srv, filled):
    """Issue 12 item 6: /api/totals gives the hours present per group and
    the period's hours on the Oslo calendar (8,760 for 2021); /api/series
    gives, beside each point, [hours present, hours of its bucket inside the
    period, hours of the whole bucket], the period's start and end, and the
    stretches of Oslo's offset. Counted here from the CSV rows with zoneinfo."""
    a, b = oslo_bounds("2021-01-01", "2021-12-31")
    hours = collections.Counter(g for ds, ar, g, s, _k, _u in filled[1]
                                if ds == "production" and ar == "NO1" and a <= s < b)
    got = get_json(srv, "/api/totals?area=NO1&from=2021-01-01&to=2021-12-31")
    assert got["hours"] == dict(hours)
    assert got["period_hours"] == (b - a) // 3600 == 8760
    # Weekly October 2021: the first week (Mon 27 September) has 3 of its
    # days inside the period; October's last week has 169 hours (DST).
    a, b = oslo_bounds("2021-10-01", "2021-10-31")
    got = get_json(srv, "/api/series?area=NO5&groups=hydro&from=2021-10&to=2021-10&step=week")
    assert got["start"] == "2021-10-01T00:00:00+02:00" and got["end"] == "2021-11-01T00:00:00+01:00"
    assert got["period_hours"] == (b - a) // 3600 == 745
    present = collections.Counter()
    for ds, ar, g, s, _k, _u in filled[1]:
        if ds == "production" and ar == "NO5" and g == "hydro" and a <= s < b:
            d = dt.datetime.fromtimestamp(s, OSLO).date()
            present[d - dt.timedelta(days=d.weekday())] += 1
    want = []
    for monday in sorted(present):
        w0 = dt.datetime.combine(monday, dt.time(), OSLO).timestamp()
        w1 = dt.datetime.combine(monday + dt.timedelta(days=7), dt.time(), OSLO).timestamp()
        inside = (min(w1, b) - max(w0, a)) // 3600
        want.append([present[monday], int(inside), int((w1 - w0) // 3600)])
    assert got["hours"]["hydro"] == want
    assert want[0] == [72, 72, 168] and want[-1] == [169, 169, 169]
    offs = [(o["from"], o["seconds"]) for o in got["offsets"]]
    assert offs == [("2021-10-01T00:00:00+02:00", 7200), ("2021-10-31T02:00:00+01:00", 3600)]


def test_summary_matches_the_rows(srv, filled):
    """/api/summary (the table under the dashboard's chart): per group the
    total, hours, mean, the smallest and largest hour with their times and
    the hours below zero; over the groups the same, with min and max over
    the hours where every group has a value. From the CSV rows."""
    a, b = oslo_bounds("2021-01-01", "2021-01-31")
    rows = [(g, s, k) for ds, ar, g, s, k, _u in filled[1]
            if ds == "production" and ar == "NO1" and a <= s < b]
    got = get_json(srv, "/api/summary?area=NO1&from=2021-01&to=2021-01")
    assert got["period_hours"] == 744
    by = collections.defaultdict(dict)
    for g, s, k in rows:
        by[g][s] = k
    iso = lambda s: dt.datetime.fromtimestamp(s, OSLO).isoformat()
    worst = 0.0
    for g, hv in by.items():
        x = got["groups"][g]
        assert x["hours"] == len(hv)
        worst = max(worst, abs(x["kwh"] - math.fsum(hv.values())))
        assert math.isclose(x["kwh"], math.fsum(hv.values()), rel_tol=1e-12, abs_tol=1e-6)
        lo = min(hv.values())
        hi = max(hv.values())
        assert x["min"][1] == lo and x["min"][0] == iso(min(s for s in hv if hv[s] == lo))
        assert x["max"][1] == hi and x["max"][0] == iso(min(s for s in hv if hv[s] == hi))
        assert x["negative_hours"] == sum(1 for v in hv.values() if v < 0)
    hours = sorted(set(s for g in by for s in by[g]))
    sums = {s: math.fsum(by[g][s] for g in by) for s in hours if all(s in by[g] for g in by)}
    al = got["all"]
    assert al["complete_hours"] == len(sums) == 744
    assert math.isclose(al["max"][1], max(sums.values()), rel_tol=1e-12)
    assert al["max"][0] == iso(min(s for s in sums if sums[s] == max(sums.values())))
    assert math.isclose(al["min"][1], min(sums.values()), rel_tol=1e-12)
    print(f"summary: largest total difference {worst:.3g} kWh")


DECIMALS = re.compile(r"-?\d+(?:\.(\d+))?(?:[eE][-+]?\d+)?")


def decimals_of(text):
    """The most decimals any plain number in text has (exponent forms count
    by their mantissa)."""
    return max((len(m.group(1) or "") for m in DECIMALS.finditer(text)), default=0)


@pytest.mark.parametrize("area", ["NO1", "NO2"])
def test_sums_have_the_datas_precision(srv, filled, area):
    """Issue 12 item 13: sums carried float noise (195514537.00000003) and
    float32 digits the data never had. Every kWh number of /api/totals,
    /api/series (day and month) and /api/export.csv has at most the data's
    3 decimals, and equals math.fsum of the bundled rows rounded to them
    (within half the last digit: Python rounds the binary value half to
    even, elhub half away from zero). NO2 holds the float32 wind year."""
    rows = [r for r in filled[1] if r[0] == "production" and r[1] == area]
    a, b = oslo_bounds("2021-01-01", "2021-12-31")
    want = collections.defaultdict(list)
    for (_, _, g, s, kwh, _) in rows:
        if a <= s < b:
            want[g].append(kwh)
    tot = get_json(srv, f"/api/totals?area={area}&from=2021-01-01&to=2021-12-31")
    worst = 0.0
    for g, vals in want.items():
        exact = math.fsum(vals)
        got = tot["totals"][g]
        worst = max(worst, abs(got - round(exact, 3)))
        assert abs(got - round(exact, 3)) <= 0.0005 + 1e-7, (g, got, exact)
    print(f"{area}: largest difference from round(fsum, 3): {worst:.3g} kWh")
    for path in (f"/api/totals?area={area}&from=2021-01-01&to=2021-12-31",
                 f"/api/series?area={area}&from=2021-01-01&to=2021-12-31&step=day",
                 f"/api/series?area={area}&from=2021-01-01&to=2021-12-31&step=month",
                 f"/api/export.csv?area={area}&from=2021-01-01&to=2021-12-31&chart=totals",
                 f"/api/export.csv?area={area}&from=2021-01-01&to=2021-12-31&step=month"
                 "&chart=series"):
        code, _, body = srv.get(path)
        assert code == 200, (path, body[:300])
        text = body.decode()
        # Times and offsets hold no decimals; every other number is a kWh value.
        text = re.sub(r'"\d{4}-\d\d-\d\dT[^"]*"|\d{4}-\d\d-\d\dT[0-9:+\-]+', "", text)
        assert decimals_of(text) <= 3, (path, text[:400])
