"""Snow drift (Tabler 2003, issue 13) from the REAL bundled ERA5 weather
(data/weather/, Open-Meteo.com, ERA5 Copernicus/ECMWF, CC BY 4.0), against
the formulas of the issue computed HERE in Python from the files read
independently (csv, zoneinfo): per snow year (1 July to 1 July, Oslo time)

    Swe = sum of precipitation over hours with temperature_2m < +1 C
    Qupot = sum of u**3.8 * 3600 / 233847 (u = wind_speed_10m in m/s)
    Qspot = 0.5 T Swe;  Srwe = theta Swe
    Qinf = 0.5 T Srwe if Qupot > Qspot (snowfall-controlled) else Qupot
    Qt = Qinf (1 - 0.14 ** (F / T));  H = (Qt[t/m] / f) ** (1 / 2.2)
    rose: sector floor(((dir + 11.25) % 360) / 22.5), the transport Qt shared
    out by the sectors' part of Qupot

The CLI (--format json and csv) and /api/snowdrift give the same numbers,
within a relative 1e-9 (pow and summation order may differ in the last
bits). Both controls are exercised with Tabler's defaults on the real
files: in Bergen the first half of 2019 is wind-controlled and its autumn
snowfall-controlled; on the course's mountain file both occur month by
month. The seasons are partial (the files hold one calendar year), and
their hours and period hours are checked against a count made here."""
import csv
import datetime
import json
import math
import zoneinfo

import pytest

import web_util
from conftest import REPO, run_elhub

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
BERGEN = REPO / "data" / "weather" / "era5_bergen_60.3913N_5.3221E_2019.csv"
SUBSET = REPO / "data" / "weather" / "open-meteo-subset_2020.csv"
REL = 1e-9
FENCES = {"wyoming": 8.5, "slat_wire": 7.7, "solid": 2.9}


def read_hours(path, fmt, offset, wind_div):
    """[(UTC epoch, temp, precip, wind m/s, dir)] in time order."""
    tz = datetime.timezone(datetime.timedelta(hours=offset))
    out = []
    with open(path, newline="", encoding="utf-8") as f:
        rows = csv.reader(f)
        next(rows)
        for r in rows:
            t = int(datetime.datetime.strptime(r[0], fmt).replace(tzinfo=tz).timestamp())
            out.append((t, float(r[1]), float(r[2]), float(r[3]) / wind_div, float(r[5])))
    return out


def bergen():
    return read_hours(BERGEN, "%Y-%m-%d %H:%M:%S", 1, 3.6)


def subset():
    return read_hours(SUBSET, "%Y-%m-%dT%H:%M", 0, 1)


def oslo(y, m, d=1):
    return int(datetime.datetime(y, m, d, tzinfo=OSLO).timestamp())


def tabler(hours, T=3000.0, F=30000.0, theta=0.5):
    swe = sum(p for _, t, p, _, _ in hours if t < 1.0)
    q = [u ** 3.8 * 3600 / 233847 for _, _, _, u, _ in hours]
    qupot = sum(q)
    rose = [0.0] * 16
    for (_, _, _, _, d), x in zip(hours, q):
        rose[int(((d + 11.25) % 360) // 22.5)] += x
    qspot = 0.5 * T * swe
    srwe = theta * swe
    snowfall = qupot > qspot
    qinf = 0.5 * T * srwe if snowfall else qupot
    qt = qinf * (1 - 0.14 ** (F / T))
    return {"hours": len(hours), "swe_mm": swe, "qupot_kg_m": qupot, "qspot_kg_m": qspot,
            "srwe_mm": srwe, "qinf_kg_m": qinf, "qt_kg_m": qt, "qt_t_m": qt / 1000,
            "control": "snowfall" if snowfall else "wind",
            "fence_height_m": {k: (qt / 1000 / f) ** (1 / 2.2) for k, f in FENCES.items()},
            "rose_kg_m": [qt * x / qupot if qupot > 0 else 0.0 for x in rose]}


def season(hours, y, **params):
    a, b = oslo(y, 7), oslo(y + 1, 7)
    sel = [h for h in hours if a <= h[0] < b]
    want = tabler(sel, **params)
    want["period_hours"] = (b - a) // 3600
    months = []
    for k in range(12):
        my, mm = (y, 7 + k) if k < 6 else (y + 1, k - 5)
        ny, nm = (my, mm + 1) if mm < 12 else (my + 1, 1)
        ms = [h for h in sel if oslo(my, mm) <= h[0] < oslo(ny, nm)]
        m = tabler(ms, **params)
        months.append({"month": f"{my:04d}-{mm:02d}", "hours": m["hours"],
                       "qt_kg_m": m["qt_kg_m"], "control": m["control"]})
    want["monthly"] = months
    return want


def close(a, b):
    return a == b or abs(a - b) <= REL * max(abs(a), abs(b))


def compare(got, want, worst):
    for k, v in want.items():
        if k == "monthly":
            assert len(got[k]) == 12
            for gm, wm in zip(got[k], v):
                assert gm["month"] == wm["month"] and gm["hours"] == wm["hours"], (gm, wm)
                assert gm["control"] == wm["control"], (gm, wm)
                assert close(gm["qt_kg_m"], wm["qt_kg_m"]), (gm, wm)
                worst[0] = max(worst[0], rel(gm["qt_kg_m"], wm["qt_kg_m"]))
        elif isinstance(v, dict):
            for kk in v:
                assert close(got[k][kk], v[kk]), (k, kk, got[k][kk], v[kk])
                worst[0] = max(worst[0], rel(got[k][kk], v[kk]))
        elif isinstance(v, list):
            assert len(got[k]) == len(v)
            for x, y in zip(got[k], v):
                assert close(x, y), (k, x, y)
                worst[0] = max(worst[0], rel(x, y))
        elif isinstance(v, str) or isinstance(v, int) and not isinstance(v, bool):
            assert got[k] == v, (k, got[k], v)
        else:
            assert close(got[k], v), (k, got[k], v)
            worst[0] = max(worst[0], rel(got[k], v))


def rel(a, b):
    m = max(abs(a), abs(b))
    return abs(a - b) / m if m else 0.0


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    db = tmp_path_factory.mktemp("drift") / "w.db"
    uri = f"sqlite:{db}"
    run_elhub("import", "--store", uri, "--location", "NO5", "--utc-offset", "+01:00",
              "--wind-unit", "kmh", BERGEN)
    run_elhub("import", "--store", uri, "--lat", "60.57", "--lon", "7.60", "--utc-offset",
              "+00:00", SUBSET)
    return uri


def drift(store, *args):
    return json.loads(run_elhub("snowdrift", "--store", store, "--format", "json",
                                *args).stdout)


def test_bergen_both_controls_with_missing_hours(store):
    p = run_elhub("snowdrift", "--store", store, "--area", "NO5", "--from-year", "2018",
                  "--to-year", "2019", "--format", "json")
    got = json.loads(p.stdout)
    assert got["location"] == "NO5"
    assert got["params"] == {"T": 3000, "F": 30000, "theta": 0.5}
    hours = bergen()
    worst = [0.0]
    s18, s19 = got["seasons"]
    assert s19["season"] == "2019-2020"
    assert s19["from"] == "2019-07-01T00:00:00+02:00"
    assert s19["to"] == "2020-07-01T00:00:00+02:00"
    # The issue's own example: 4417 of 8784 hours (July-December 2019).
    assert s19["hours"] == 4417 and s19["period_hours"] == 8784
    assert s18["hours"] == 4343 and s18["period_hours"] == 8760
    for s, y in ((s18, 2018), (s19, 2019)):
        want = season(hours, y)
        compare(s, want, worst)
        assert abs(s["coverage"] - want["hours"] / want["period_hours"]) < 1e-12
        assert math.isclose(sum(s["rose_kg_m"]), s["qt_kg_m"], rel_tol=1e-9)
    # Both controls on the real file with Tabler's defaults: the wet first
    # half of 2019 is wind-controlled (Qupot < Qspot), the dry autumn
    # snowfall-controlled.
    assert s18["control"] == "wind" and s19["control"] == "snowfall"
    assert s18["qupot_kg_m"] < s18["qspot_kg_m"] and s19["qupot_kg_m"] > s19["qspot_kg_m"]
    # Missing hours are said, not hidden.
    assert "season 2019-2020 at NO5: 4417 of its 8784 hours are stored" in p.stderr, p.stderr
    print("Bergen, defaults: largest relative difference", worst[0])
    assert worst[0] <= REL


def test_parameters_change_the_answer(store):
    """T, F and theta as given: a short fetch makes Qspot small, so the
    first half of 2019, wind-controlled with the defaults, turns
    snowfall-controlled."""
    got = drift(store, "--area", "NO5", "--from-year", "2018", "--T", "10", "--F", "200",
                "--theta", "0.4")
    want = season(bergen(), 2018, T=10.0, F=200.0, theta=0.4)
    assert want["control"] == "snowfall"
    worst = [0.0]
    compare(got["seasons"][0], want, worst)
    assert got["params"] == {"T": 10, "F": 200, "theta": 0.4}
    print("Bergen, T=10 F=200 theta=0.4: largest relative difference", worst[0])


def test_course_file_both_seasons_and_csv(store):
    hours = subset()
    got = drift(store, "--lat", "60.57", "--lon", "7.60", "--from-year", "2019", "--to-year",
                "2020")
    worst = [0.0]
    controls = set()
    for s, y in zip(got["seasons"], (2019, 2020)):
        want = season(hours, y)
        compare(s, want, worst)
        controls.add(s["control"])
        controls.update(m["control"] for m in s["monthly"] if m["hours"])
    # Both controls occur month by month on the real mountain file.
    assert controls == {"wind", "snowfall"}, controls
    print("course file: largest relative difference", worst[0])
    out = run_elhub("snowdrift", "--store", store, "--lat", "60.57", "--lon", "7.60",
                    "--from-year", "2019", "--to-year", "2020", "--format", "csv").stdout
    rows = list(csv.DictReader(out.splitlines()))
    assert [r["season"] for r in rows] == ["2019-2020", "2020-2021"]
    for r, s in zip(rows, got["seasons"]):
        assert r["location"] == "60.5700N_7.6000E" and int(r["hours"]) == s["hours"]
        for k in ("swe_mm", "qupot_kg_m", "qt_kg_m", "qt_t_m"):
            assert close(float(r[k]), s[k]), (k, r[k], s[k])
        assert r["control"] == s["control"]
        assert close(float(r["fence_solid_m"]), s["fence_height_m"]["solid"])
        for k in range(16):
            assert close(float(r[f"rose_{k:02d}_kg_m"]), s["rose_kg_m"][k])


def test_api_gives_the_same_answer(store):
    cli = drift(store, "--area", "NO5", "--from-year", "2019", "--T", "2000")
    with web_util.serve(store) as srv:
        code, headers, body = srv.get("/api/snowdrift?area=NO5&from_year=2019&T=2000")
        assert code == 200, body
        assert json.loads(body) == cli
        code, _, body = srv.get("/api/snowdrift?area=NO5&from_year=2019&theta=2")
        assert code == 400 and b"theta" in body, body
        code, _, body = srv.get("/api/snowdrift?area=NO3&from_year=2019")
        assert code == 400 and b"elhub fetch --dataset weather --area NO3" in body, body
        code, _, body = srv.get("/api/snowdrift?lat=60.57&lon=7.6&from_year=2019")
        assert code == 200 and json.loads(body)["location"] == "60.5700N_7.6000E"


def test_usage_errors(store):
    p = run_elhub("snowdrift", "--store", store, "--area", "NO5", check=False)
    assert p.returncode == 2 and "--from-year" in p.stderr
    p = run_elhub("snowdrift", "--store", store, "--from-year", "2019", check=False)
    assert p.returncode == 2 and "--lat" in p.stderr
    p = run_elhub("snowdrift", "--store", store, "--area", "NO3", "--from-year", "2019",
                  check=False)
    assert p.returncode == 2 and "elhub fetch --dataset weather --area NO3" in p.stderr
    # A point without weather: the command that fetches a point (--lat/--lon, as
    # `elhub fetch` takes it), for the seasons asked for.
    p = run_elhub("snowdrift", "--store", store, "--lat", "61.2", "--lon", "8.1", "--from-year",
                  "2019", check=False)
    assert p.returncode == 2, p.stderr
    assert ("get it with: elhub fetch --dataset weather --lat 61.2 --lon 8.1 --from 2019-07 "
            "--to 2020-06") in p.stderr, p.stderr
    p = run_elhub("snowdrift", "--store", store, "--area", "NO5", "--from-year", "2019",
                  "--to-year", "2018", check=False)
    assert p.returncode == 2
