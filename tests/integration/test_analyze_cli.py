"""`elhub analyze stl|spectrogram|outliers|anomalies|correlate` as a user
runs it: the real binary on a SQLite store imported from the bundled real
data (data/elhub/production_2021_slices.csv.gz: Elhub, CC BY 4.0; the ERA5
Bergen 2019 weather file, data/weather/SOURCES.md).

What is checked here is what the command gives: exit codes, messages, the
JSON shape and the CSV layout, the times (computed here with zoneinfo, not
by elhub), the files -o writes or leaves alone, the gap policy. The numbers
themselves are checked against statsmodels, scipy, scikit-learn and pandas
in test_analysis_refs.py; here values are only compared with what can be
computed independently without them (the imported values, linear
interpolation, counts)."""
import csv
import datetime
import gzip
import io
import json
import math
import shlex
import zoneinfo

import pytest

from conftest import REPO, run_elhub

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
SLICES = REPO / "data" / "elhub" / "production_2021_slices.csv.gz"
BERGEN = REPO / "data" / "weather" / "era5_bergen_60.3913N_5.3221E_2019.csv"
YEAR = ["--from", "2021-01-01", "--to", "2021-12-31"]
NO5 = "production:NO5:hydro"
NO1 = "production:NO1:hydro"
METHODS = ["stl", "spectrogram", "outliers", "anomalies", "correlate"]


def oslo_midnight(day):
    return int(datetime.datetime(day.year, day.month, day.day, tzinfo=OSLO).timestamp())


def hours_of(first, last):
    """The instants (UTC seconds) of the hours from the Oslo midnight of
    first to the last hour of last, by zoneinfo."""
    a = oslo_midnight(first)
    b = oslo_midnight(last + datetime.timedelta(days=1))
    return list(range(a, b, 3600))


def iso(t):
    """An instant as the API writes it: Oslo time with its offset."""
    return datetime.datetime.fromtimestamp(t, OSLO).isoformat()


def slice_rows(area, group):
    """{UTC instant: kWh} of one bundled series, read here from the file."""
    out = {}
    with gzip.open(SLICES, "rt", newline="") as f:
        for r in csv.DictReader(f):
            if r["priceArea"] == area and r["productionGroup"] == group:
                t = datetime.datetime.fromisoformat(r["startTime"]).timestamp()
                out[int(t)] = float(r["quantityKwh"])
    return out


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    d = tmp_path_factory.mktemp("analyze")
    s = f"sqlite:{d / 'a.db'}"
    run_elhub("import", "--store", s, SLICES)
    run_elhub("import", "--store", s, "--location", "NO5", "--wind-unit", "kmh",
              "--utc-offset", "+01:00", BERGEN)
    return s


@pytest.fixture(scope="module")
def gap_store(tmp_path_factory):
    """NO1 hydro 2021 whole, and NO5 hydro 2021 with hours removed: one run
    of 3 hours from 2021-03-10 10:00 Oslo and one hour at 2021-06-01 12:00
    Oslo (CEST)."""
    d = tmp_path_factory.mktemp("gap")
    removed = {oslo_midnight(datetime.date(2021, 3, 10)) + h * 3600 for h in (10, 11, 12)}
    removed.add(oslo_midnight(datetime.date(2021, 6, 1)) + 12 * 3600)
    path = d / "gap.csv"
    with gzip.open(SLICES, "rt", newline="") as f, open(path, "w", newline="") as out:
        r = csv.DictReader(f)
        w = csv.DictWriter(out, r.fieldnames)
        w.writeheader()
        for row in r:
            if row["productionGroup"] != "hydro" or row["priceArea"] not in ("NO1", "NO5"):
                continue
            t = int(datetime.datetime.fromisoformat(row["startTime"]).timestamp())
            if row["priceArea"] == "NO1" or t not in removed:
                w.writerow(row)
    s = f"sqlite:{d / 'g.db'}"
    run_elhub("import", "--store", s, path)
    return s, sorted(removed)


def said(p):
    """p's stderr without libmongoc's own start-up notice, which the
    library (initialised automatically when the binary loads) prints when a
    stale /dev/shm/mongoc-PID of a killed process has this process's PID:
    "mongoc: Falling back to malloc for counters." It is not elhub's."""
    return "".join(line for line in p.stderr.splitlines(keepends=True)
                   if "mongoc: Falling back to malloc for counters" not in line)


def analyze(store, method, *args, check=True):
    return run_elhub("analyze", method, *args, "--store", store, check=check)


def body(store, method, *args):
    p = analyze(store, method, *args)
    return json.loads(p.stdout)


def method_args(method, *extra):
    if method == "correlate":
        return ["--x", NO1, "--y", NO5, *extra]
    return ["--series", NO5, *extra]


# ---- the JSON shape, method by method ----------------------------------

COMMON_KEYS = {"method", "from", "to", "params", "filled", "units", "time"}


def check_common(d, method, hours, first, last):
    assert d["method"] == method
    assert d["from"] == first.isoformat() and d["to"] == last.isoformat()
    assert COMMON_KEYS <= set(d), sorted(d)
    if method != "spectrogram":
        assert d["time"] == [iso(t) for t in hours]
    assert all(v == 0 for v in d["filled"].values()), d["filled"]
    assert set(d["units"].values()) == {"kWh"}


def test_stl_shape(store):
    hours = hours_of(datetime.date(2021, 1, 1), datetime.date(2021, 12, 31))
    assert len(hours) == 8760
    d = body(store, "stl", "--series", NO5, *YEAR, "--robust")
    check_common(d, "stl", hours, datetime.date(2021, 1, 1), datetime.date(2021, 12, 31))
    assert d["series"] == NO5
    for k in ("observed", "trend", "seasonal", "resid", "weights"):
        assert len(d[k]) == 8760, k
    # observed is what was imported, hour by hour (the file read here).
    want = slice_rows("NO5", "hydro")
    assert d["observed"] == [want[t] for t in hours]
    # The components add up to the observed series (property, tolerance
    # 1e-9 of the series' scale).
    scale = max(abs(v) for v in d["observed"])
    worst = max(abs(o - (t + s + r)) for o, t, s, r in
                zip(d["observed"], d["trend"], d["seasonal"], d["resid"]))
    print("stl: largest |observed - (trend + seasonal + resid)| / scale:", worst / scale)
    assert worst <= 1e-9 * scale
    assert all(0 <= w <= 1 for w in d["weights"])
    assert d["params"]["period"] == 168 and d["params"]["robust"] is True
    assert d["params"]["inner"] == 2 and d["params"]["outer"] == 15
    # Not robust: no weights, statsmodels' passes.
    d = body(store, "stl", "--series", NO5, *YEAR)
    assert "weights" not in d and d["params"]["inner"] == 5 and d["params"]["outer"] == 0


def test_spectrogram_shape(store):
    d = body(store, "spectrogram", "--series", NO5, *YEAR)
    n, window, overlap = 8760, 168, 84
    nseg = (n - overlap) // (window - overlap)  # scipy's segment count
    assert len(d["time"]) == nseg and len(d["power"]) == nseg
    assert len(d["frequency"]) == window // 2 + 1
    assert all(len(row) == window // 2 + 1 for row in d["power"])
    # Frequencies in cycles per day: k * 24 / window.
    assert d["frequency"] == pytest.approx([k * 24 / window for k in range(window // 2 + 1)],
                                           rel=1e-12, abs=1e-12)
    # Segment centres: the hour window/2 after each segment's start.
    start = oslo_midnight(datetime.date(2021, 1, 1))
    step = window - overlap
    assert d["time"] == [iso(start + 3600 * (i * step + window // 2)) for i in range(nseg)]
    assert d["params"]["window_fn"] == "hann" and d["params"]["overlap"] == 84


def test_outliers_shape(store):
    hours = hours_of(datetime.date(2021, 1, 1), datetime.date(2021, 12, 31))
    d = body(store, "outliers", "--series", NO5, *YEAR)
    check_common(d, "outliers", hours, datetime.date(2021, 1, 1), datetime.date(2021, 12, 31))
    for k in ("value", "satv", "lower", "upper", "outlier"):
        assert len(d[k]) == 8760, k
    assert all(isinstance(b, bool) for b in d["outlier"])
    # An outlier is a value outside its bounds, and only those are.
    flagged = [v < lo or v > hi for v, lo, hi in zip(d["value"], d["lower"], d["upper"])]
    assert d["outlier"] == flagged
    s = d["summary"]
    assert s["count"] == sum(flagged)
    assert s["share"] == pytest.approx(sum(flagged) / 8760, rel=1e-12)
    assert {"median", "sigma", "largest"} <= set(s)


def test_anomalies_shape(store):
    hours = hours_of(datetime.date(2021, 1, 1), datetime.date(2021, 12, 31))
    d = body(store, "anomalies", "--series", NO5, *YEAR)
    check_common(d, "anomalies", hours, datetime.date(2021, 1, 1), datetime.date(2021, 12, 31))
    for k in ("value", "score", "anomaly"):
        assert len(d[k]) == 8760, k
    assert d["count"] == sum(d["anomaly"])
    # Flagged: the scores below the offset (scikit-learn's rule).
    assert d["anomaly"] == [s < d["offset"] for s in d["score"]]
    # Two series, comma-separated or repeated: one row of values per hour.
    two = body(store, "anomalies", "--series", f"{NO5},{NO1}", *YEAR)
    again = body(store, "anomalies", "--series", NO5, "--series", NO1, *YEAR)
    assert two == again
    assert two["series"] == [NO5, NO1]
    assert len(two["value"]) == 8760 and all(len(r) == 2 for r in two["value"])
    no1 = slice_rows("NO1", "hydro")
    assert [r[1] for r in two["value"]] == [no1[t] for t in hours]


def test_correlate_shape(store):
    hours = hours_of(datetime.date(2021, 1, 1), datetime.date(2021, 12, 31))
    d = body(store, "correlate", "--x", NO1, "--y", NO5, *YEAR, "--lag-range", "-48:48")
    check_common(d, "correlate", hours, datetime.date(2021, 1, 1), datetime.date(2021, 12, 31))
    assert d["x"] == NO1 and d["y"] == NO5 and "series" not in d
    assert len(d["r"]) == 8760
    # Incomplete centred windows are null: window - 1 of them at lag 0.
    assert sum(r is None for r in d["r"]) == 167
    assert all(-1 <= r <= 1 for r in d["r"] if r is not None)
    assert -48 <= d["best_lag"] <= 48 and -1 <= d["best_r"] <= 1
    # A lag of -24 makes 24 more incomplete windows; no lag range: no best.
    d = body(store, "correlate", "--x", NO1, "--y", NO5, *YEAR, "--lag", "-24",
             "--window", "25")
    assert sum(r is None for r in d["r"]) == 24 + 24
    assert "best_lag" not in d and "best_r" not in d


# ---- DST: the hours are instants -----------------------------------------

SMALL = {
    "stl": ["--period", "6"],
    "spectrogram": ["--window", "4"],
    "outliers": ["--cutoff", "3"],
    "anomalies": ["--neighbors", "5"],
    "correlate": ["--window", "5"],
}


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("day,n", [(datetime.date(2021, 10, 31), 25),
                                   (datetime.date(2021, 3, 28), 23)])
def test_dst_days(store, method, day, n):
    hours = hours_of(day, day)
    assert len(hours) == n  # zoneinfo agrees on the day's length
    d = body(store, method, *method_args(method, "--from", day.isoformat(), "--to",
                                         day.isoformat(), *SMALL[method]))
    if method == "spectrogram":
        # scipy's segments of 4 with overlap 2; centres 2 hours in.
        nseg = (n - 2) // 2
        assert d["time"] == [iso(hours[0] + 3600 * (2 * i + 2)) for i in range(nseg)]
        return
    assert d["time"] == [iso(t) for t in hours]
    assert len(set(d["time"])) == n
    key = {"stl": "trend", "outliers": "value", "anomalies": "score", "correlate": "r"}[method]
    assert len(d[key]) == n
    # The CSV has the same hours, one row each, in the same spelling.
    p = analyze(store, method, *method_args(method, "--from", day.isoformat(), "--to",
                                            day.isoformat(), *SMALL[method]), "--format",
                "csv")
    rows = list(csv.reader(io.StringIO(p.stdout)))
    assert [r[0] for r in rows[1:]] == [iso(t) for t in hours]


# ---- CSV ----------------------------------------------------------------

CSV_HEADERS = {
    "stl": ["time", "observed", "trend", "seasonal", "resid"],
    "spectrogram": ["time", "frequency", "power"],
    "outliers": ["time", "value", "satv", "lower", "upper", "outlier"],
    "anomalies": ["time", "value", "score", "anomaly"],
    "correlate": ["time", "r"],
}


@pytest.mark.parametrize("method", METHODS)
def test_csv(store, method, tmp_path):
    p = analyze(store, method, *method_args(method, *YEAR), "--format", "csv")
    rows = list(csv.reader(io.StringIO(p.stdout)))
    assert rows[0] == CSV_HEADERS[method]
    want = 103 * 85 if method == "spectrogram" else 8760
    assert len(rows) - 1 == want
    assert all(len(r) == len(rows[0]) for r in rows)
    if method != "spectrogram":
        hours = hours_of(datetime.date(2021, 1, 1), datetime.date(2021, 12, 31))
        assert [r[0] for r in rows[1:]] == [iso(t) for t in hours]
    if method == "correlate":
        assert sum(r[1] == "" for r in rows[1:]) == 167  # undefined: empty cells
    # -o FILE.csv writes the same bytes and nothing on stdout.
    out = tmp_path / f"{method}.csv"
    q = analyze(store, method, *method_args(method, *YEAR), "-o", out)
    assert q.stdout == ""
    assert out.read_text() == p.stdout


@pytest.mark.parametrize("method", METHODS)
def test_output_json_file(store, method, tmp_path):
    out = tmp_path / f"{method}.json"
    p = analyze(store, method, *method_args(method, *YEAR), "-o", out)
    assert p.stdout == ""
    got = json.loads(out.read_text())
    assert got == body(store, method, *method_args(method, *YEAR))


def test_format_overrides_suffix(store, tmp_path):
    out = tmp_path / "stl.json"
    analyze(store, "stl", "--series", NO5, *YEAR, "-o", out, "--format", "csv")
    assert out.read_text().splitlines()[0] == "time,observed,trend,seasonal,resid"
    other = tmp_path / "stl.txt"
    analyze(store, "stl", "--series", NO5, *YEAR, "-o", other, "--format", "json")
    assert json.loads(other.read_text())["method"] == "stl"


def test_failure_leaves_existing_file(store, gap_store, tmp_path):
    out = tmp_path / "keep.json"
    out.write_text("precious\n")
    gs, _ = gap_store
    p = analyze(gs, "stl", "--series", NO5, *YEAR, "-o", out, check=False)
    assert p.returncode == 1, p.stderr
    p2 = analyze(store, "stl", "--series", NO5, *YEAR, "--seasonal", "8", "-o", out,
                 check=False)
    assert p2.returncode == 2, p2.stderr
    p3 = analyze(store, "stl", "--series", "production:NO9:hydro", *YEAR, "-o", out,
                 check=False)
    assert p3.returncode == 2, p3.stderr
    assert out.read_text() == "precious\n"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["keep.json"]  # no temp file left
    assert p.stdout == p2.stdout == p3.stdout == ""


# ---- usage errors: exit 2, the parameter and its range named --------------

USAGE = [
    (["stl", "--series", NO5, *YEAR, "--seasonal", "8"],
     ["seasonal", "an odd integer from 7", '"8"']),
    (["stl", "--series", NO5, *YEAR, "--period", "0"],
     ["period", "an integer from 2", '"0"']),
    (["stl", "--series", NO5, *YEAR, "--low-pass", "101"],
     ["low_pass", "greater than period (168)"]),
    (["stl", "--series", NO5, *YEAR, "--robust=maybe"], ["robust", "true or false"]),
    (["spectrogram", "--series", NO5, *YEAR, "--window-fn", "foo"],
     ["window-fn", "hann, hamming, boxcar", '"foo"']),
    (["spectrogram", "--series", NO5, *YEAR, "--overlap", "168"], ["overlap", "window - 1"]),
    (["outliers", "--series", NO5, *YEAR, "--k", "-1"], ["k", "a number > 0", '"-1"']),
    (["anomalies", "--series", NO5, *YEAR, "--neighbors", "0"], ["neighbors", "from 1"]),
    (["anomalies", "--series", NO5, *YEAR, "--contamination", "0.9"],
     ["contamination", "<= 0.5"]),
    (["correlate", "--x", NO1, "--y", NO5, *YEAR, "--lag-range", "5:1"],
     ["lag-range", "MIN:MAX", '"5:1"']),
    (["correlate", "--x", NO1, "--y", NO5, *YEAR, "--window", "9000"], ["window", "9000"]),
    (["stl", "--series", NO5, *YEAR, "--bogus", "1"], ["unknown option --bogus"]),
    (["stl", "--series", NO5, *YEAR, "--seasnal", "7"], ["--seasonal"]),
    (["stl", *YEAR], ["series is required"]),
    (["correlate", "--x", NO1, *YEAR], ["y is required"]),
    (["correlate", "--series", NO1, *YEAR], ["--x SPEC --y SPEC"]),
    (["stl", "--series", NO5, "--to", "2021-12-31"], ["from is required"]),
    (["stl", "--series", NO5, "--from", "2021-02-30", "--to", "2021-12-31"], ["2021-02-30"]),
    (["stl", "--series", "production:NO5", *YEAR], ["DATASET:AREA:GROUP"]),
    (["stl", "--series", "nosuch:NO5:hydro", *YEAR], ["nosuch", "production"]),
    (["stlx", "--series", NO5, *YEAR], ["unknown method", "stl"]),
    (["--series", NO5, *YEAR], ["name the method first"]),
    ([], ["name the method"]),
    (["stl", "--series", NO5, *YEAR, "extra"], ['unexpected argument "extra"']),
    (["stl", "--series", NO5, *YEAR, "--format", "xml"], ["--format", "json or csv"]),
    (["stl", "--series", NO5, *YEAR, "-o", "out.txt"], ["out.txt", ".json, .csv"]),
    (["stl", "--series", NO5, *YEAR, "-o", "out.gif"], ["out.gif", ".png, .svg or .pdf"]),
]


@pytest.mark.parametrize("args,words", USAGE, ids=[" ".join(a[:1] + a[-2:]) for a, _ in USAGE])
def test_usage_errors(store, tmp_path, args, words):
    p = run_elhub("analyze", *args, "--store", store, check=False)
    assert p.returncode == 2, (p.returncode, p.stderr)
    assert p.stdout == ""
    assert said(p).startswith("elhub analyze: "), p.stderr
    for w in words:
        assert w in p.stderr, (w, p.stderr)


def test_unknown_area_and_group_name_what_exists(store):
    p = analyze(store, "stl", "--series", "production:NO2:hydro", *YEAR, check=False)
    assert p.returncode == 2 and said(p).startswith("elhub analyze: ")
    assert "NO1, NO4, NO5" in p.stderr, p.stderr
    p = analyze(store, "outliers", "--series", "production:NO5:wind", *YEAR, check=False)
    assert p.returncode == 2 and "hydro" in p.stderr, p.stderr
    p = analyze(store, "anomalies", "--series", "weather:NO5:snow_depth", "--from",
                "2019-01-01", "--to", "2019-12-31", check=False)
    assert p.returncode == 2 and "temperature_2m" in p.stderr, p.stderr
    # NO (all of Norway) is a sum over areas, not one series: refused, not
    # silently summed over whichever areas have data.
    p = analyze(store, "stl", "--series", "production:NO:hydro", *YEAR, check=False)
    assert p.returncode == 2 and "all of Norway" in p.stderr and "NO5" in p.stderr, p.stderr


def test_units_are_each_series_own(store):
    # Energy in the dataset's unit, weather in its variable's (degrees
    # Celsius, mm), as /api/meta gives them: read independently from the
    # bundled file's header, not from elhub.
    d = body(store, "correlate", "--x", "weather:NO5:temperature_2m", "--y",
             "weather:NO5:precipitation", "--from", "2019-01-01", "--to", "2019-01-31")
    assert d["units"] == {"weather:NO5:temperature_2m": "°C", "weather:NO5:precipitation": "mm"}
    d = body(store, "outliers", "--series", NO5, *YEAR)
    assert d["units"] == {NO5: "kWh"}


def test_no_data_and_short_data_fail(store):
    # No hour of the range stored: exit 1, the range named.
    p = analyze(store, "stl", "--series", NO5, "--from", "2022-01-01", "--to", "2022-12-31",
                check=False)
    assert p.returncode == 1 and "2022-01-01" in p.stderr, p.stderr
    # NO4 hydro is stored for January only: the end cannot be interpolated,
    # even with --fill linear; the last stored hour is named.
    p = analyze(store, "outliers", "--series", "production:NO4:hydro", *YEAR, "--fill",
                "linear", check=False)
    assert p.returncode == 1, p.stderr
    assert said(p).startswith("elhub analyze: ")
    assert iso(oslo_midnight(datetime.date(2021, 2, 1)) - 3600) in p.stderr, p.stderr


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_write_error_fails(store, fmt):
    """A device that refuses the bytes (/dev/full): exit 1, the reason said."""
    p = analyze(store, "stl", "--series", NO5, *YEAR, "--format", fmt, "-o", "/dev/full",
                check=False)
    assert p.returncode == 1, p.stderr
    assert said(p).startswith("elhub analyze: ") and "No space left" in p.stderr, p.stderr


def test_store_error_fails(tmp_path):
    p = run_elhub("analyze", "stl", "--series", NO5, *YEAR, "--store",
                  f"sqlite:{tmp_path / 'no' / 'such' / 'x.db'}", check=False)
    assert p.returncode == 1, p.stderr
    assert said(p).startswith("elhub analyze: ") and p.stdout == ""


# ---- gaps ---------------------------------------------------------------

def test_gap_refused_then_filled(gap_store):
    gs, removed = gap_store
    hours = hours_of(datetime.date(2021, 1, 1), datetime.date(2021, 12, 31))
    for method in ("stl", "outliers", "anomalies", "spectrogram"):
        p = analyze(gs, method, "--series", NO5, *YEAR, check=False)
        assert p.returncode == 1, (method, p.stderr)
        assert said(p).startswith("elhub analyze: ")
        assert iso(removed[0]) == "2021-03-10T10:00:00+01:00"
        assert iso(removed[0]) in p.stderr, p.stderr
        assert "--fill linear" in p.stderr
    p = analyze(gs, "stl", "--series", NO5, *YEAR, "--fill", "linear")
    assert "filled 4 hours" in p.stderr, p.stderr
    d = json.loads(p.stdout)
    assert d["filled"] == {NO5: 4} and d["params"]["fill"] == "linear"
    assert d["time"] == [iso(t) for t in hours]
    # The filled hours are the straight line between their stored
    # neighbours; the others are the file's.
    have = slice_rows("NO5", "hydro")
    obs = dict(zip(hours, d["observed"]))
    worst = 0.0
    for t in hours:
        if t in removed:
            a = max(u for u in hours if u < t and u not in removed)
            b = min(u for u in hours if u > t and u not in removed)
            want = have[a] + (have[b] - have[a]) * (t - a) / (b - a)
            worst = max(worst, abs(obs[t] - want) / abs(want))
        else:
            assert obs[t] == have[t]
    print("fill linear: largest relative difference from the straight line:", worst)
    assert worst <= 1e-12
    # Quiet: no note, same body.
    q = analyze(gs, "stl", "--series", NO5, *YEAR, "--fill", "linear", "-q")
    assert said(q) == "" and json.loads(q.stdout) == d
    # A range without the gaps needs no fill.
    ok = analyze(gs, "outliers", "--series", NO5, "--from", "2021-07-01", "--to", "2021-12-31")
    assert json.loads(ok.stdout)["filled"] == {NO5: 0} and said(ok) == ""


def test_gap_in_one_series_of_two(gap_store):
    gs, removed = gap_store
    p = analyze(gs, "correlate", "--x", NO1, "--y", NO5, *YEAR, check=False)
    assert p.returncode == 1 and NO5 in p.stderr and iso(removed[0]) in p.stderr, p.stderr
    p = analyze(gs, "correlate", "--x", NO1, "--y", NO5, *YEAR, "--fill", "linear")
    assert f"{NO5}: filled 4 hours" in p.stderr and NO1 not in p.stderr, p.stderr
    d = json.loads(p.stdout)
    assert d["filled"] == {NO1: 0, NO5: 4}
    assert len(d["r"]) == 8760
    # A series with itself: one key per series in "filled" and "units"
    # (json.loads would silently keep the last of two), and r = 1 wherever
    # the window is complete.
    p = analyze(gs, "correlate", "--x", NO5, "--y", NO5, *YEAR, "--fill", "linear")
    assert p.stdout.count(f'"{NO5}":') == 2, p.stdout[:600]
    assert said(p).count("filled") == 1, p.stderr
    d = json.loads(p.stdout)
    assert d["filled"] == {NO5: 4} and d["units"] == {NO5: "kWh"}
    worst = max(abs(r - 1) for r in d["r"] if r is not None)
    print("correlate x with itself: largest |r - 1|:", worst)
    assert worst <= 1e-9


# ---- help ---------------------------------------------------------------

OPTIONS = {
    "stl": ["--period", "--seasonal", "--trend", "--low-pass", "--seasonal-deg",
            "--trend-jump", "--robust", "--inner", "--outer"],
    "spectrogram": ["--window", "--overlap", "--window-fn", "--detrend", "--scaling"],
    "outliers": ["--cutoff", "--k"],
    "anomalies": ["--neighbors", "--contamination"],
    "correlate": ["--x", "--y", "--window", "--lag", "--lag-range"],
}


@pytest.mark.parametrize("method", METHODS)
def test_method_help_and_its_example(store, method, tmp_path):
    p = run_elhub("analyze", method, "--help")
    assert p.returncode == 0 and said(p) == ""
    for opt in OPTIONS[method] + ["--from", "--to", "--fill", "--format", "--store", "-o,"]:
        assert f"  {opt} " in p.stdout or f"  {opt}\n" in p.stdout, (opt, p.stdout)
    # Each option's block says its default (or that it is required) and range.
    lines = p.stdout.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("  --") and OPTIONS[method][0] in line:
            assert lines[i + 2].lstrip().startswith(("default ", "required;")), lines[i:i + 3]
    example = [line for line in lines if line.startswith("Example: ")]
    assert len(example) == 1, p.stdout
    # The example runs on the bundled data.
    args = shlex.split(example[0][len("Example: "):])
    assert args[:3] == ["elhub", "analyze", method]
    args = [str(tmp_path / "out.csv") if a == "outliers.csv" else a for a in args[1:]]
    q = run_elhub(*args, "--store", store)
    assert q.returncode == 0
    # --help after other options too.
    r = run_elhub("analyze", method, *method_args(method), "--help")
    assert r.stdout == p.stdout


def test_general_help_lists_every_method():
    p = run_elhub("analyze", "--help")
    assert p.returncode == 0
    for m in METHODS:
        assert f"elhub analyze {m}\n" in p.stdout, m
    for opts in OPTIONS.values():
        for opt in opts:
            assert f"  {opt} " in p.stdout or f"  {opt}\n" in p.stdout, opt
    top = run_elhub("--help")
    assert "  analyze " in top.stdout


def test_readme_examples_run(store, tmp_path):
    """The README's Analysis examples run on the bundled data as written."""
    text = (REPO / "README.md").read_text()
    lines = [line for line in text.splitlines() if line.startswith("elhub analyze ")]
    assert sorted({shlex.split(line)[2] for line in lines}) == sorted(METHODS)
    for line in lines:
        args = [str(tmp_path / a) if a.endswith((".csv", ".json")) else a
                for a in shlex.split(line)[1:]]
        p = run_elhub(*args, "--store", store, check=False)
        assert p.returncode == 0, (line, p.stderr)
