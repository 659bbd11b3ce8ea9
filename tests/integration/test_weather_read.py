"""The read model's weather answers (issue 13): /api/series and /api/totals
for dataset=weather give each variable's unit and, for buckets coarser
than an hour, its aggregation (mean of the hours present for temperature
and wind, sum for precipitation, circular mean for direction); /api/meta
lists the variables, the locations and each series' unit and mean.

Compared with an INDEPENDENT computation here: the bundled ERA5 Bergen
file (Open-Meteo.com, ERA5 Copernicus/ECMWF, CC BY 4.0) read with Python's
csv, its times at the fixed offset +01:00, wind km/h / 3.6, bucketed by
Europe/Oslo calendar days, ISO weeks and months with zoneinfo, means with
math.fsum, the circular mean as atan2 of the mean sine and cosine."""
import csv
import datetime
import io
import json
import math
import zoneinfo

from conftest import REPO, run_elhub
from web_util import serve

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
BERGEN = REPO / "data" / "weather" / "era5_bergen_60.3913N_5.3221E_2019.csv"
UNITS = {"temperature_2m": "°C", "precipitation": "mm", "wind_speed_10m": "m/s",
         "wind_gusts_10m": "m/s", "wind_direction_10m": "°"}
AGG = {"temperature_2m": "mean", "precipitation": "sum", "wind_speed_10m": "mean",
       "wind_gusts_10m": "mean", "wind_direction_10m": "direction"}
# Values are answered to 3 decimals (dataset_round: half of 1e-3); wind is
# stored as km/h / 3.6 to 3 decimals (another half of 1e-3 per hour, so
# also in a mean of hours).
TOL = {"temperature_2m": 5e-4, "precipitation": 5e-4, "wind_speed_10m": 1e-3,
       "wind_gusts_10m": 1e-3, "wind_direction_10m": 5e-4}
EPS = 1e-9


def bergen_hours():
    """[(aware Oslo datetime, {variable: value})] of the file, read here."""
    plus1 = datetime.timezone(datetime.timedelta(hours=1))
    out = []
    with open(BERGEN, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            t = datetime.datetime.strptime(row["time"], "%Y-%m-%d %H:%M:%S")
            t = t.replace(tzinfo=plus1).astimezone(OSLO)
            out.append((t, {"temperature_2m": float(row["temperature_2m"]),
                            "precipitation": float(row["precipitation"]),
                            "wind_speed_10m": float(row["windspeed_10m"]) / 3.6,
                            "wind_gusts_10m": float(row["windgusts_10m"]) / 3.6,
                            "wind_direction_10m": float(row["winddirection_10m"])}))
    return out


def circular_mean(degs):
    s = math.fsum(math.sin(math.radians(d)) for d in degs) / len(degs)
    c = math.fsum(math.cos(math.radians(d)) for d in degs) / len(degs)
    return math.degrees(math.atan2(s, c)) % 360.0


def aggregate(var, values):
    if AGG[var] == "sum":
        return math.fsum(values)
    if AGG[var] == "mean":
        return math.fsum(values) / len(values)
    return circular_mean(values)


def bucket_key(t, step):
    """The bucket's first instant in Oslo wall time, as the API writes it."""
    if step == "day":
        d = t.date()
    elif step == "month":
        d = t.date().replace(day=1)
    else:  # ISO week: Monday
        d = t.date() - datetime.timedelta(days=t.weekday())
    return datetime.datetime(d.year, d.month, d.day, tzinfo=OSLO).isoformat()


def expected(hours, step, lo, hi):
    """{variable: {bucket start: (value, hours)}} of the Oslo dates [lo, hi]."""
    acc = {}
    for t, vals in hours:
        if not lo <= t.date() <= hi:
            continue
        k = bucket_key(t, step)
        for var, v in vals.items():
            acc.setdefault(var, {}).setdefault(k, []).append(v)
    return {var: {k: (aggregate(var, vs), len(vs)) for k, vs in b.items()}
            for var, b in acc.items()}


def angle_diff(a, b):
    d = abs(a - b) % 360.0
    return min(d, 360.0 - d)


def diff(var, got, want):
    return angle_diff(got, want) if AGG[var] == "direction" else abs(got - want)


def test_weather_series_totals_and_meta(tmp_path):
    db = tmp_path / "w.db"
    run_elhub("import", "--dataset", "weather", "--location", "NO5", "--utc-offset", "+01:00",
              "--wind-unit", "kmh", "--store", f"sqlite:{db}", BERGEN)
    hours = bergen_hours()
    worst = {}
    with serve(f"sqlite:{db}") as srv:
        for step, lo, hi in (("day", "2019-01-01", "2019-12-31"),
                             ("month", "2019-01-01", "2019-12-31"),
                             ("week", "2019-03-04", "2019-11-03"),
                             ("month", "2019-03-15", "2019-10-31")):
            st, _, body = srv.get(f"/api/series?dataset=weather&area=NO5&from={lo}&to={hi}"
                                  f"&step={step}")
            assert st == 200, body
            js = json.loads(body)
            assert js["units"] == UNITS and js["aggregation"] == AGG
            want = expected(hours, step, datetime.date.fromisoformat(lo),
                            datetime.date.fromisoformat(hi))
            assert set(js["series"]) == set(UNITS)
            for var, pts in js["series"].items():
                got = {k: v for k, v in pts}
                assert list(got) == sorted(want[var], key=lambda k: datetime.datetime
                                           .fromisoformat(k)), (var, step)
                for (k, v), (h, _, _) in zip(pts, js["hours"][var]):
                    w, n = want[var][k]
                    assert h == n, (var, step, k)
                    d = diff(var, v, w)
                    worst[(var, step)] = max(worst.get((var, step), 0.0), d)
                    assert d <= TOL[var] + EPS, (var, step, k, v, w)
                    if AGG[var] == "direction":
                        assert 0 <= v < 360
        # The DST days: 23 and 25 hours, each day the mean of its own hours.
        st, _, body = srv.get("/api/series?dataset=weather&area=NO5&groups=temperature_2m"
                              "&from=2019-03-31&to=2019-03-31&step=day")
        assert json.loads(body)["hours"]["temperature_2m"] == [[23, 23, 23]]
        st, _, body = srv.get("/api/series?dataset=weather&area=NO5&groups=temperature_2m"
                              "&from=2019-10-27&to=2019-10-27&step=day")
        assert json.loads(body)["hours"]["temperature_2m"] == [[25, 25, 25]]

        # Totals: the aggregation over the period, not a sum of temperatures.
        for lo, hi in (("2019-01-01", "2019-12-31"), ("2019-03-15", "2019-04-10")):
            st, _, body = srv.get(f"/api/totals?dataset=weather&area=NO5&from={lo}&to={hi}")
            assert st == 200, body
            js = json.loads(body)
            assert js["units"] == UNITS and js["aggregation"] == AGG
            vals = {}
            for t, vs in hours:
                if datetime.date.fromisoformat(lo) <= t.date() <= datetime.date.fromisoformat(hi):
                    for var, v in vs.items():
                        vals.setdefault(var, []).append(v)
            for var, vs in vals.items():
                d = diff(var, js["totals"][var], aggregate(var, vs))
                worst[(var, "totals")] = max(worst.get((var, "totals"), 0.0), d)
                assert d <= TOL[var] + EPS, (var, lo, hi, js["totals"][var])
                assert js["hours"][var] == len(vs)

        # The CSV export of the chart: the variables' own columns, the same
        # monthly values as computed here.
        st, _, body = srv.get("/api/export.csv?dataset=weather&area=NO5&from=2019-01-01"
                              "&to=2019-12-31&step=month")
        assert st == 200, body
        table = list(csv.reader(io.StringIO(body.decode())))
        assert table[0] == ["start", "end", "precipitation", "temperature_2m",
                            "wind_direction_10m", "wind_gusts_10m", "wind_speed_10m"]
        want = expected(hours, "month", datetime.date(2019, 1, 1), datetime.date(2019, 12, 31))
        assert len(table) == 13
        for row in table[1:]:
            for var, cell in zip(table[0][2:], row[2:]):
                d = diff(var, float(cell), want[var][row[0]][0])
                worst[(var, "csv")] = max(worst.get((var, "csv"), 0.0), d)
                assert d <= TOL[var] + EPS, (var, row[0], cell)
        st, _, body = srv.get("/api/export.csv?dataset=weather&area=NO5&from=2019-01-01"
                              "&to=2019-12-31&chart=totals")
        assert body.decode().splitlines()[0] == "group,value,records"

        # A weather answer is per location: no sum over locations.
        st, _, body = srv.get("/api/series?dataset=weather&from=2019-01-01&to=2019-01-31"
                              "&step=day")
        assert st == 400 and b"per location" in body, body
        st, _, body = srv.get("/api/totals?dataset=weather&area=NO&from=2019-01-01"
                              "&to=2019-01-31")
        assert st == 400 and b"per location" in body, body

        # /api/meta: variables, locations, and each series' unit and mean.
        st, _, body = srv.get("/api/meta")
        meta = json.loads(body)
    w = next(d for d in meta["datasets"] if d["name"] == "weather")
    assert [(v["name"], v["unit"], v["aggregation"]) for v in w["variables"]] == [
        (k, UNITS[k], AGG[k]) for k in ("temperature_2m", "precipitation", "wind_speed_10m",
                                        "wind_gusts_10m", "wind_direction_10m")]
    assert all(v["label"] for v in w["variables"])
    assert w["locations"] == [{"location": "NO5", "name": "Bergen", "lat": 60.3913,
                               "lon": 5.3221, "cell": None}]
    for s in w["series"]:
        var = s["group"]
        assert "kwh" not in s and s["unit"] == UNITS[var]
        vs = [v[var] for _, v in hours]
        # The series' mean: per hour (mm per hour for precipitation), the
        # circular mean for direction.
        want = circular_mean(vs) if AGG[var] == "direction" else math.fsum(vs) / len(vs)
        d = diff(var, s["mean"], want)
        worst[(var, "meta mean")] = d
        assert d <= TOL[var] + EPS, (var, s["mean"], want)
    # status --json writes the same series means and locations (one code).
    st = json.loads(run_elhub("status", "--json", "--store", f"sqlite:{db}").stdout)
    sw = next(d for d in st["datasets"] if d["dataset"] == "weather")
    assert sw["locations"] == w["locations"]
    assert {s["group"]: s["mean"] for s in sw["series"]} == \
        {s["group"]: s["mean"] for s in w["series"]}
    print("largest differences:", {f"{k[0]}/{k[1]}": f"{v:.2e}" for k, v in worst.items()})


def test_energy_series_unchanged(tmp_path):
    """An energy dataset keeps its sums and has no units/aggregation keys."""
    db = tmp_path / "e.db"
    run_elhub("import", "--store", f"sqlite:{db}",
              REPO / "data" / "elhub" / "production_2021_slices.csv.gz")
    with serve(f"sqlite:{db}") as srv:
        st, _, body = srv.get("/api/series?dataset=production&area=NO5&groups=hydro"
                              "&from=2021-01-01&to=2021-01-31&step=month")
        js = json.loads(body)
        assert st == 200 and "units" not in js and "aggregation" not in js
        st, _, body = srv.get("/api/series?dataset=production&area=NO5&groups=hydro"
                              "&from=2021-01-01&to=2021-01-31&step=hour")
        hourly = json.loads(body)["series"]["hydro"]
        assert abs(js["series"]["hydro"][0][1] - math.fsum(v for _, v in hourly)) < 1e-6
        st, _, body = srv.get("/api/meta")
        p = next(d for d in json.loads(body)["datasets"] if d["name"] == "production")
        assert "variables" not in p and "locations" not in p
        assert all("kwh" in s and "mean" not in s for s in p["series"])


def test_weather_summary_is_per_variable(tmp_path):
    """/api/summary for weather: each variable's value by its aggregation, its mean
    per hour, min and max with their hours, in its unit, against the Bergen file read
    here; no kWh, share or sum over variables (they would add degrees to mm)."""
    db = tmp_path / "w.db"
    run_elhub("import", "--dataset", "weather", "--location", "NO5", "--utc-offset", "+01:00",
              "--wind-unit", "kmh", "--store", f"sqlite:{db}", BERGEN)
    hours = bergen_hours()
    worst = 0.0
    with serve(f"sqlite:{db}") as srv:
        for lo, hi in (("2019-07-01", "2019-07-31"), ("2019-10-27", "2019-10-27"),
                       ("2019-01-01", "2019-12-31")):
            st, _, body = srv.get(f"/api/summary?dataset=weather&area=NO5&from={lo}&to={hi}")
            assert st == 200, body
            js = json.loads(body)
            assert js["all"] is None
            a, b = datetime.date.fromisoformat(lo), datetime.date.fromisoformat(hi)
            sel = [(t, v) for t, v in hours if a <= t.date() <= b]
            assert set(js["groups"]) == set(UNITS)
            for var, g in js["groups"].items():
                vals = [v[var] for _, v in sel]
                assert set(g) == {"unit", "aggregation", "value", "hours", "mean", "min", "max"}
                assert (g["unit"], g["aggregation"], g["hours"]) == (UNITS[var], AGG[var], len(vals))
                want = aggregate(var, vals)
                per_hour = want / len(vals) if AGG[var] == "sum" else want
                for got, w in ((g["value"], want), (g["mean"], per_hour)):
                    d = diff(var, got, w)
                    worst = max(worst, d)
                    assert d <= TOL[var] + EPS, (var, lo, got, w)
                # min and max: the smallest and largest hour (the first of equal ones)
                lo_v, hi_v = min(vals), max(vals)
                assert abs(g["min"][1] - lo_v) <= 0.0005 + EPS and abs(g["max"][1] - hi_v) <= 0.0005 + EPS
                first_min = next(t for t, v in sel if v[var] == lo_v)
                assert g["min"][0] == first_min.isoformat(), (var, g["min"], first_min)
    print(f"/api/summary weather: largest |API - Python| {worst:.3g}")
