"""The five analysis methods of `elhub analyze` against the Python libraries
the field uses, computed at test time on the same real hourly values
(issue 14): statsmodels' STL, scipy's spectrogram, the course's SPC on
scipy's orthonormal DCT, scikit-learn's LocalOutlierFactor and pandas'
rolling correlation. The reference input is read here from the bundled
files (analysis_ref.py: csv and zoneinfo, not elhub); elhub reads the same
files through `elhub import` into a SQLite store and the read model.

Series: full-year 2021 hourly NO1 and NO5 hydro (data/elhub, CC BY 4.0,
"Elhub") and ERA5 Bergen 2019 hourly temperature and precipitation
(data/weather, CC BY 4.0, Open-Meteo / ERA5). Ranges include the 25-hour
day (2021-10-31, 2019-10-27): the grid is instants, so that day has 25
samples on both sides.

Every comparison prints its largest difference (run with -s to see the
lines, or read the summary at the end of the module) and asserts its
tolerance, stated beside it."""
import math

import numpy as np
import pytest

import analysis_ref as ref

SUMMARY = []


def say(line):
    """Records and prints a line of figures that is not itself a tolerance."""
    SUMMARY.append(line)
    print(line)


def note(method, case, diff, tol, how):
    """Records and prints one comparison, then asserts it."""
    line = f"{method:12s} {case:44s} {diff:10.3e}  (tolerance {tol:.0e}, {how})"
    SUMMARY.append(line)
    print(line)
    assert diff <= tol, line


@pytest.fixture(scope="module", autouse=True)
def summary():
    yield
    print("\nlargest differences against the references:")
    for line in SUMMARY:
        print("  " + line)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return ref.import_store(tmp_path_factory.mktemp("analysis") / "a.db")


def rel(got, want, scale):
    """Largest |got - want| / scale, NaN-safe (both NaN counts as equal)."""
    got, want = np.asarray(got, float), np.asarray(want, float)
    assert got.shape == want.shape, (got.shape, want.shape)
    assert np.array_equal(np.isnan(got), np.isnan(want)), "NaN in different places"
    ok = ~np.isnan(want)
    return float(np.max(np.abs(got[ok] - want[ok]), initial=0.0)) / scale


# The 25-hour days of the ranges: their hours are instants, so 25 samples.
LONG_DAYS = ("2019-10-27", "2021-10-31")


def check_times(body, first, last):
    """The body's "time" array is the hourly instants of the range (computed
    here with zoneinfo), and a 25-hour day inside it has 25 of them."""
    lo, hi = ref.oslo_range(first, last)
    want = [ref.oslo_iso(t) for t in range(lo, hi, 3600)]
    assert body["time"] == want
    for day in LONG_DAYS:
        if first <= day <= last:
            assert sum(1 for t in body["time"] if t.startswith(day)) == 25, day


# ---- STL --------------------------------------------------------------------

# (case, series, first, last, parameters). Tolerance 1e-6 of the series'
# standard deviation (stricter than 1e-6 of max|x|: hydro's std is about a
# quarter of its maximum) on every component, and 1e-6 absolute on the
# robustness weights (in [0, 1]).
STL_CASES = [
    ("NO5 default (period 168)", "production:NO5:hydro", "2021-01-01", "2021-12-31",
     dict(period=168)),
    ("NO5 robust period 168", "production:NO5:hydro", "2021-01-01", "2021-12-31",
     dict(period=168, robust=True)),
    ("NO1 robust period 24", "production:NO1:hydro", "2021-01-01", "2021-12-31",
     dict(period=24, robust=True)),
    ("NO1 odd period 25", "production:NO1:hydro", "2021-01-01", "2021-12-31",
     dict(period=25)),
    ("NO5 odd period 23 robust", "production:NO5:hydro", "2021-01-01", "2021-12-31",
     dict(period=23, robust=True)),
    ("NO5 seasonal 13 trend 301 low-pass 171", "production:NO5:hydro", "2021-01-01",
     "2021-12-31", dict(period=168, seasonal=13, trend=301, low_pass=171)),
    ("NO1 jumps 3/5/2", "production:NO1:hydro", "2021-01-01", "2021-12-31",
     dict(period=168, seasonal_jump=3, trend_jump=5, low_pass_jump=2)),
    ("NO5 robust jumps 2/7/4", "production:NO5:hydro", "2021-01-01", "2021-12-31",
     dict(period=24, robust=True, seasonal_jump=2, trend_jump=7, low_pass_jump=4)),
    ("NO1 degrees 0/0/0", "production:NO1:hydro", "2021-01-01", "2021-12-31",
     dict(period=168, seasonal_deg=0, trend_deg=0, low_pass_deg=0)),
    ("NO5 degrees 0/1/0 seasonal 9", "production:NO5:hydro", "2021-01-01", "2021-12-31",
     dict(period=24, seasonal=9, seasonal_deg=0, low_pass_deg=0)),
    ("NO5 inner 3 outer 4 period 24", "production:NO5:hydro", "2021-01-01", "2021-12-31",
     dict(period=24, robust=True, inner=3, outer=4)),
    ("NO5 25-hour day, period 24 robust", "production:NO5:hydro", "2021-10-25", "2021-11-07",
     dict(period=24, robust=True)),
    ("Bergen temperature robust period 24", "weather:NO5:temperature_2m", "2019-01-01",
     "2019-12-31", dict(period=24, robust=True)),
    ("two periods only (48 hours)", "production:NO5:hydro", "2021-01-01", "2021-01-02",
     dict(period=24)),
    ("period 2, big jumps", "production:NO1:hydro", "2021-01-01", "2021-03-31",
     dict(period=2, seasonal_jump=60, trend_jump=1000, low_pass_jump=300)),
]

# Robust STL of precipitation (more than half the hours dry, so the median
# absolute residual the bisquare weights divide by is small, 0.006 mm): the
# two implementations' rounding differences (5e-13 of std after one outer
# pass) grow about threefold with each robustness pass, to 3.7e-6 of std
# after the default 15. That is rounding, not a different algorithm:
# statsmodels differs from ITSELF by as much (4e-7 to 7e-6 of std, 1e-7 to
# 2e-6 on the weights, by the draw) when each input value moves by one unit
# in the last place. So this case is held to 1e-6 of max|x| (the issue's
# other "scale") and to the largest of statsmodels' own differences under
# three such one-ulp nudges (seeds 0, 1, 2), measured in the test.
STL_PRECIPITATION = ("Bergen precipitation robust period 24", "weather:NO5:precipitation",
                     "2019-01-01", "2019-12-31", dict(period=24, robust=True))


def read_series(spec, first, last):
    ds, area, group = spec.split(":")
    if ds == "production":
        return ref.production(area, group, first, last)
    return ref.bergen(group, first, last)


def stl_case(store, case, spec, first, last, params):
    x = read_series(spec, first, last)
    body = ref.analyze(store, "stl", first, last, series=spec, **params)
    check_times(body, first, last)
    kw = dict(params)
    period = kw.pop("period")
    robust = kw.pop("robust", False)
    want = ref.ref_stl(x, period, robust=robust, inner=kw.pop("inner", None),
                       outer=kw.pop("outer", None), **kw)
    scale = float(np.std(x))
    worst = 0.0
    for comp in ("observed", "trend", "seasonal", "resid"):
        worst = max(worst, rel(ref.arr(body[comp]), want[comp], scale))
    note("stl", case, worst, 1e-6, "of std(x), all components")
    if robust:
        note("stl", case + " weights", rel(ref.arr(body["weights"]), want["weights"], 1.0),
             1e-6, "absolute")


@pytest.mark.parametrize("case,spec,first,last,params", STL_CASES, ids=[c[0] for c in STL_CASES])
def test_stl(store, case, spec, first, last, params):
    stl_case(store, case, spec, first, last, params)


def test_stl_precipitation(store):
    case, spec, first, last, params = STL_PRECIPITATION
    x = read_series(spec, first, last)
    body = ref.analyze(store, "stl", first, last, series=spec, **params)
    want = ref.ref_stl(x, 24, robust=True)
    sd, top = float(np.std(x)), float(np.max(np.abs(x)))
    comps = ("observed", "trend", "seasonal", "resid")
    self_diff = w_self = 0.0
    for seed in range(3):
        rng = np.random.default_rng(seed)
        nudged = ref.ref_stl(x * (1 + rng.choice([-1.0, 1.0], len(x)) * 2.0 ** -52), 24,
                             robust=True)
        self_diff = max(self_diff, max(rel(nudged[c], want[c], sd) for c in comps))
        w_self = max(w_self, rel(nudged["weights"], want["weights"], 1.0))
    worst = max(rel(ref.arr(body[c]), want[c], sd) for c in comps)
    w_diff = rel(ref.arr(body["weights"]), want["weights"], 1.0)
    say(f"stl          {case}: {worst:.2e} of std (statsmodels vs itself one ulp off: "
          f"{self_diff:.2e}); weights {w_diff:.2e} ({w_self:.2e})")
    note("stl", case, max(rel(ref.arr(body[c]), want[c], top) for c in comps), 1e-6,
         "of max|x|, all components")
    note("stl", case + " / 1-ulp spread", worst / self_diff, 1.0, "ratio, components")
    note("stl", case + " weights / 1-ulp spread", w_diff / w_self, 1.0, "ratio")


# ---- spectrogram -------------------------------------------------------------

# Power within 1e-9 of the reference's maximum (the tolerance);
# frequencies (cycles per day) within 1e-12 relative; segment centres as
# instants exactly (a half hour for an odd window).
SPEC_CASES = [
    ("NO5 default hann 168/84 constant density", "production:NO5:hydro", "2021-01-01",
     "2021-12-31", dict(window=168, overlap=84)),
    ("NO1 hamming 24/12 linear spectrum", "production:NO1:hydro", "2021-01-01", "2021-12-31",
     dict(window=24, overlap=12, window_fn="hamming", detrend="linear", scaling="spectrum")),
    ("NO5 boxcar odd 25/10 none density", "production:NO5:hydro", "2021-01-01", "2021-12-31",
     dict(window=25, overlap=10, window_fn="boxcar", detrend="none")),
    ("NO1 hann odd 167/100 linear spectrum", "production:NO1:hydro", "2021-01-01", "2021-12-31",
     dict(window=167, overlap=100, detrend="linear", scaling="spectrum")),
    ("NO5 hamming 720/0 constant density", "production:NO5:hydro", "2021-01-01", "2021-12-31",
     dict(window=720, overlap=0, window_fn="hamming")),
    ("NO5 25-hour day hann 24/23", "production:NO5:hydro", "2021-10-25", "2021-11-07",
     dict(window=24, overlap=23)),
    ("Bergen temperature hann 168 default", "weather:NO5:temperature_2m", "2019-01-01",
     "2019-12-31", dict(window=168)),
    ("Bergen precipitation hann odd 101/7 linear", "weather:NO5:precipitation", "2019-01-01",
     "2019-12-31", dict(window=101, overlap=7, detrend="linear")),
    ("NO5 one segment: window = n = 168", "production:NO5:hydro", "2021-01-01", "2021-01-07",
     dict(window=168, overlap=0)),
    ("NO5 window 3 hamming overlap 2 linear", "production:NO5:hydro", "2021-01-01",
     "2021-01-07", dict(window=3, overlap=2, window_fn="hamming", detrend="linear")),
]


@pytest.mark.parametrize("case,spec,first,last,params", SPEC_CASES,
                         ids=[c[0] for c in SPEC_CASES])
def test_spectrogram(store, case, spec, first, last, params):
    x = read_series(spec, first, last)
    body = ref.analyze(store, "spectrogram", first, last, series=spec, **params)
    kw = dict(params)
    kw.setdefault("overlap", kw["window"] // 2)
    f, centre, power = ref.ref_spectrogram(x, **kw)
    lo, _ = ref.oslo_range(first, last)
    assert body["time"] == [ref.oslo_iso(lo + round(c * 3600)) for c in centre]
    note("spectrogram", case + " frequency", rel(ref.arr(body["frequency"]), f, float(f.max())),
         1e-12, "relative to the highest")
    got = np.array(body["power"], dtype=float)
    note("spectrogram", case, rel(got, power, float(power.max())), 1e-9, "of max power")


# ---- outliers (SPC) ----------------------------------------------------------

# The same flagged hours exactly; SATV and bounds within 1e-9 of max|x|;
# the summary's count, median and sigma likewise.
SPC_CASES = [
    ("Bergen temperature default (30, 3)", "weather:NO5:temperature_2m", "2019-01-01",
     "2019-12-31", dict()),
    ("Bergen temperature cutoff 10 k 2.5", "weather:NO5:temperature_2m", "2019-01-01",
     "2019-12-31", dict(cutoff=10, k=2.5)),
    ("Bergen temperature cutoff 100 k 3.5", "weather:NO5:temperature_2m", "2019-01-01",
     "2019-12-31", dict(cutoff=100, k=3.5)),
    ("Bergen temperature cutoff 0 k 2", "weather:NO5:temperature_2m", "2019-01-01",
     "2019-12-31", dict(cutoff=0, k=2)),
    ("Bergen temperature 25-hour day, cutoff 5", "weather:NO5:temperature_2m", "2019-10-20",
     "2019-11-03", dict(cutoff=5, k=2)),
    ("NO5 hydro default (30, 3)", "production:NO5:hydro", "2021-01-01", "2021-12-31", dict()),
    ("NO5 hydro cutoff 50 k 2", "production:NO5:hydro", "2021-01-01", "2021-12-31",
     dict(cutoff=50, k=2)),
    ("NO1 hydro 25-hour day, cutoff 3 k 1.5", "production:NO1:hydro", "2021-10-25",
     "2021-11-07", dict(cutoff=3, k=1.5)),
]


@pytest.mark.parametrize("case,spec,first,last,params", SPC_CASES, ids=[c[0] for c in SPC_CASES])
def test_outliers(store, case, spec, first, last, params):
    x = read_series(spec, first, last)
    body = ref.analyze(store, "outliers", first, last, series=spec, **params)
    check_times(body, first, last)
    want = ref.ref_spc(x, params.get("cutoff", 30), params.get("k", 3.0))
    scale = float(np.max(np.abs(x)))
    worst = max(rel(ref.arr(body[c]), want[c], scale) for c in ("satv", "lower", "upper"))
    s = body["summary"]
    worst = max(worst, abs(s["median"] - want["median"]) / scale,
                abs(s["sigma"] - want["sigma"]) / scale)
    note("outliers", case, worst, 1e-9, "of max|x|: satv, bounds, median, sigma")
    got = np.array(body["outlier"], dtype=bool)
    differ = int(np.sum(got != want["outlier"]))
    say(f"outliers     {case}: {int(want['outlier'].sum())} flagged by the reference, "
          f"{int(got.sum())} by elhub, {differ} differ")
    assert differ == 0
    assert s["count"] == int(want["outlier"].sum())


# ---- anomalies (LOF) ---------------------------------------------------------

# negative_outlier_factor_ within 1e-9 (relative to |score|, which is >= ~1)
# at every hour whose score does not depend on how ties at a k-distance are
# broken (analysis_ref.lof_ties finds those by brute force, independently);
# the flagged hours: at least 95 % the same on the real precipitation (the
# issue's bar), reported exactly.
LOF_CASES = [
    ("Bergen precipitation default (20, 0.01)", ["weather:NO5:precipitation"], "2019-01-01",
     "2019-12-31", dict()),
    ("Bergen precipitation k 35 c 0.02", ["weather:NO5:precipitation"], "2019-01-01",
     "2019-12-31", dict(neighbors=35, contamination=0.02)),
    ("Bergen temperature k 10 c 0.005", ["weather:NO5:temperature_2m"], "2019-01-01",
     "2019-12-31", dict(neighbors=10, contamination=0.005)),
    ("Bergen temperature+precipitation (20, 0.01)",
     ["weather:NO5:temperature_2m", "weather:NO5:precipitation"], "2019-01-01", "2019-12-31",
     dict()),
    ("NO5 hydro k 20 c 0.01", ["production:NO5:hydro"], "2021-01-01", "2021-12-31", dict()),
    ("NO1+NO5 hydro k 15 c 0.03", ["production:NO1:hydro", "production:NO5:hydro"],
     "2021-01-01", "2021-12-31", dict(neighbors=15, contamination=0.03)),
    ("Bergen precipitation 25-hour day k 5", ["weather:NO5:precipitation"], "2019-10-20",
     "2019-11-03", dict(neighbors=5, contamination=0.05)),
    ("NO5 hydro contamination auto", ["production:NO5:hydro"], "2021-01-01", "2021-12-31",
     dict(contamination="auto")),
    ("NO5 hydro on the 25-hour day, k 30 > n - 1", ["production:NO5:hydro"], "2021-10-31",
     "2021-10-31", dict(neighbors=30, contamination=0.1)),
    ("Bergen temperature k 1", ["weather:NO5:temperature_2m"], "2019-01-01", "2019-03-31",
     dict(neighbors=1)),
]


@pytest.mark.parametrize("case,specs,first,last,params", LOF_CASES, ids=[c[0] for c in LOF_CASES])
def test_anomalies(store, case, specs, first, last, params):
    cols = [read_series(s, first, last) for s in specs]
    body = ref.analyze(store, "anomalies", first, last, series=specs, **params)
    check_times(body, first, last)
    pts = np.column_stack(cols)
    k = params.get("neighbors", 20)
    want = ref.ref_lof(pts, k, params.get("contamination", 0.01))
    assert body["neighbors_used"] == want["k"]
    got = ref.arr(body["score"])
    brute, determined = ref.lof_brute(pts, want["k"])
    undetermined = int((~determined).sum())
    note("anomalies", case + " vs tie rule", float(np.max(np.abs(got - brute) / np.abs(brute))),
         1e-9, "relative, every hour, brute force with lof.h's tie rule")
    diff = float(np.max(np.abs(got[determined] - want["score"][determined])
                        / np.abs(want["score"][determined]), initial=0.0))
    note("anomalies", case, diff, 1e-9, f"relative, {undetermined} tie-dependent hours excluded")
    flags = np.array(body["anomaly"], dtype=bool)
    same = int(np.sum(flags & want["anomaly"]))
    union = int(np.sum(flags | want["anomaly"]))
    share = same / max(int(want["anomaly"].sum()), 1)
    say(f"anomalies    {case}: {int(want['anomaly'].sum())} flagged by scikit-learn, "
          f"{int(flags.sum())} by elhub, {same} in both ({union} in either), "
          f"offset {body['offset']!r} vs {float(want['offset'])!r}")
    if "precipitation" in specs[0] and len(specs) == 1 and first.endswith("01-01"):
        assert share >= 0.95


# ---- correlate ---------------------------------------------------------------

# r within 1e-9 absolute (r is in [-1, 1]) and null exactly where pandas
# gives NaN; the best lag equal to a pandas scan of x.shift(lag).corr(y)
# and its r within 1e-12.
CORR_CASES = [
    ("NO1 x NO5 hydro window 168 lag 0", "production:NO1:hydro", "production:NO5:hydro",
     "2021-01-01", "2021-12-31", dict(window=168, lag=0)),
    ("NO1 x NO5 hydro window 168 lag -24", "production:NO1:hydro", "production:NO5:hydro",
     "2021-01-01", "2021-12-31", dict(window=168, lag=-24)),
    ("NO5 x NO1 hydro odd window 25 lag +5", "production:NO5:hydro", "production:NO1:hydro",
     "2021-01-01", "2021-12-31", dict(window=25, lag=5)),
    ("NO1 x NO5 hydro even window 24 lag +5", "production:NO1:hydro", "production:NO5:hydro",
     "2021-01-01", "2021-12-31", dict(window=24, lag=5)),
    ("temperature x precipitation window 720 lag -24", "weather:NO5:temperature_2m",
     "weather:NO5:precipitation", "2019-01-01", "2019-12-31", dict(window=720, lag=-24)),
    ("temperature x precipitation odd window 7 lag 0", "weather:NO5:temperature_2m",
     "weather:NO5:precipitation", "2019-01-01", "2019-12-31", dict(window=7, lag=0)),
    ("NO1 x NO5 25-hour day window 24 lag -24", "production:NO1:hydro", "production:NO5:hydro",
     "2021-10-25", "2021-11-07", dict(window=24, lag=-24)),
    ("NO1 x NO5 lag range -48:48", "production:NO1:hydro", "production:NO5:hydro",
     "2021-01-01", "2021-12-31", dict(window=168, lag=0, lag_range="-48:48")),
    ("temperature x precipitation lag range -72:24", "weather:NO5:temperature_2m",
     "weather:NO5:precipitation", "2019-01-01", "2019-12-31",
     dict(window=168, lag=-24, lag_range="-72:24")),
    ("NO1 x NO5 window 2", "production:NO1:hydro", "production:NO5:hydro", "2021-01-01",
     "2021-01-31", dict(window=2, lag=0)),
    ("NO1 x NO5 lag 500 > n (all null)", "production:NO1:hydro", "production:NO5:hydro",
     "2021-01-01", "2021-01-07", dict(window=24, lag=500)),
    ("NO1 x NO5 lag -160, range -200:200 past the ends", "production:NO1:hydro",
     "production:NO5:hydro", "2021-01-01", "2021-01-07",
     dict(window=5, lag=-160, lag_range="-200:200")),
    ("NO1 x itself, lag range -24:24", "production:NO1:hydro", "production:NO1:hydro",
     "2021-01-01", "2021-12-31", dict(window=24, lag=0, lag_range="-24:24")),
]


@pytest.mark.parametrize("case,xs,ys,first,last,params", CORR_CASES,
                         ids=[c[0] for c in CORR_CASES])
def test_correlate(store, case, xs, ys, first, last, params):
    x, y = read_series(xs, first, last), read_series(ys, first, last)
    body = ref.analyze(store, "correlate", first, last, x=xs, y=ys, **params)
    check_times(body, first, last)
    want = ref.ref_rolling_corr(x, y, params["window"], params["lag"])
    got = ref.arr(body["r"])
    assert np.array_equal(np.isnan(got), np.isnan(want)), "null where pandas has a number"
    note("correlate", case, rel(got, want, 1.0), 1e-9,
         f"absolute, {int(np.isnan(want).sum())} NaN hours")
    if "lag_range" in params:
        lo, hi = map(int, params["lag_range"].split(":"))
        lag, r = ref.ref_best_lag(x, y, lo, hi)
        say(f"correlate    {case}: best lag {body['best_lag']} r {body['best_r']!r}, "
              f"pandas {lag} r {float(r)!r}")
        assert body["best_lag"] == lag
        note("correlate", case + " best r", abs(body["best_r"] - r), 1e-12, "absolute")


def test_outliers_without_spread(store):
    """Cutoff 0 on precipitation: SATV is the series itself, more than half
    of it 0, so MAD(SATV) is 0 and sigma is rounding noise (scipy: 7e-16).
    The bounds collapse onto the median; numpy then flags every wet hour
    and, by rounding, some dry ones. src/analysis/spc.h documents elhub's
    rule for this case: sigma below 1e-12 of max|x| flags nothing. This
    checks that the case is that one (the reference's sigma) and the rule."""
    first, last = "2019-01-01", "2019-12-31"
    x = ref.bergen("precipitation", first, last)
    want = ref.ref_spc(x, 0, 1.0)
    body = ref.analyze(store, "outliers", first, last, series="weather:NO5:precipitation",
                       cutoff=0, k=1)
    wet = int(np.sum(x != 0))
    noise = int(np.sum(want["outlier"] & (x == 0)))
    say(f"outliers     precipitation cutoff 0: reference sigma {want['sigma']:.2e}, flags "
          f"{int(want['outlier'].sum())} ({wet} wet hours + {noise} dry by rounding); "
          f"elhub sigma {body['summary']['sigma']:.2e}, flags {body['summary']['count']}")
    assert want["sigma"] < 1e-12 * np.max(np.abs(x))
    assert body["summary"]["sigma"] < 1e-12 * np.max(np.abs(x))
    assert body["summary"]["count"] == 0 and not any(body["outlier"])
    note("outliers", "precipitation cutoff 0 (no spread) satv",
         rel(ref.arr(body["satv"]), want["satv"], float(np.max(np.abs(x)))), 1e-9, "of max|x|")
