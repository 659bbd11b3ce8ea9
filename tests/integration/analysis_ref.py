"""The reference side of the analysis tests (test_analysis_refs.py): the
bundled real series read here, independently of elhub (Python csv and
zoneinfo on the files themselves), the five methods as the Python libraries
compute them (statsmodels, scipy, scikit-learn, pandas, numpy: test peers,
never used at run time), and one way to run `elhub analyze` and read its
JSON back into numpy arrays.

The grid is the one the issue defines: hours are instants, sample i is the
hour starting at the Oslo midnight of FROM plus i hours, up to the Oslo
midnight after TO, so the 25-hour day has 25 samples."""
import csv
import datetime
import gzip
import json
import math
import zoneinfo

import numpy as np

from conftest import REPO, run_elhub

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
PRODUCTION = REPO / "data" / "elhub" / "production_2021_slices.csv.gz"
BERGEN = REPO / "data" / "weather" / "era5_bergen_60.3913N_5.3221E_2019.csv"


def oslo_range(first, last):
    """(from, to) UTC seconds: the Oslo midnight starting date `first` and
    the one ending date `last` (YYYY-MM-DD, inclusive)."""
    d0 = datetime.date.fromisoformat(first)
    d1 = datetime.date.fromisoformat(last) + datetime.timedelta(days=1)
    lo = datetime.datetime(d0.year, d0.month, d0.day, tzinfo=OSLO)
    hi = datetime.datetime(d1.year, d1.month, d1.day, tzinfo=OSLO)
    return int(lo.timestamp()), int(hi.timestamp())


def oslo_iso(t):
    """A UTC instant as the API writes it: Oslo wall time with its offset."""
    return datetime.datetime.fromtimestamp(t, OSLO).isoformat()


def _grid(points, first, last):
    """The values of {utc seconds: value} on the hourly grid of the range
    (raises if an hour is missing: the reference series have no gaps)."""
    lo, hi = oslo_range(first, last)
    hours = range(lo, hi, 3600)
    missing = [h for h in hours if h not in points]
    assert not missing, f"reference input lacks {len(missing)} hours from {oslo_iso(missing[0])}"
    return np.array([points[h] for h in hours], dtype=float)


_cache = {}


def production(area, group, first="2021-01-01", last="2021-12-31"):
    """Hourly kWh of one area and group from the bundled 2021 file, keyed
    by the instant its startTime (with its own offset) names."""
    key = ("production", area, group)
    if key not in _cache:
        pts = {}
        with gzip.open(PRODUCTION, "rt", newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if row["priceArea"] == area and row["productionGroup"] == group:
                    t = datetime.datetime.fromisoformat(row["startTime"])
                    pts[int(t.timestamp())] = float(row["quantityKwh"])
        _cache[key] = pts
    return _grid(_cache[key], first, last)


BERGEN_COLUMNS = {"temperature_2m": "temperature_2m", "precipitation": "precipitation"}


def bergen(variable, first="2019-01-01", last="2019-12-31"):
    """Hourly ERA5 Bergen 2019 values of one variable (temperature_2m or
    precipitation: stored exactly, they need no unit conversion). The file's
    times are one fixed offset, +01:00, for the whole year
    (data/weather/SOURCES.md)."""
    key = ("bergen", variable)
    if key not in _cache:
        plus1 = datetime.timezone(datetime.timedelta(hours=1))
        pts = {}
        with open(BERGEN, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                t = datetime.datetime.strptime(row["time"], "%Y-%m-%d %H:%M:%S")
                pts[int(t.replace(tzinfo=plus1).timestamp())] = float(row[BERGEN_COLUMNS[variable]])
        _cache[key] = pts
    return _grid(_cache[key], first, last)


def import_store(db):
    """A SQLite store at db with the bundled 2021 production and Bergen 2019."""
    run_elhub("import", "--store", f"sqlite:{db}", PRODUCTION)
    run_elhub("import", "--dataset", "weather", "--location", "NO5", "--utc-offset", "+01:00",
              "--wind-unit", "kmh", "--store", f"sqlite:{db}", BERGEN)
    return f"sqlite:{db}"


def analyze(store, method, first, last, series=None, **params):
    """Runs `elhub analyze METHOD --format json` on store over [first,
    last] and returns the JSON body. params are the method's options by
    their canonical names (low_pass -> --low-pass; True gives a bare flag,
    False leaves it out); series is one spec or a list (anomalies: several,
    repeated --series); correlate takes x= and y= among params."""
    specs = [] if series is None else ([series] if isinstance(series, str) else list(series))
    args = ["analyze", method, "--from", first, "--to", last, "--store", store,
            "--format", "json"]
    for s in specs:
        args += ["--series", s]
    for k, v in params.items():
        opt = "--" + k.replace("_", "-")
        if isinstance(v, bool):
            if v:
                args.append(opt)
        else:
            args += [opt, str(v)]
    return json.loads(run_elhub(*args).stdout)


def arr(v):
    """A JSON array of numbers (null -> NaN) as float64."""
    return np.array([np.nan if x is None else x for x in v], dtype=float)


# ---- the references ------------------------------------------------------


def ref_stl(x, period, robust=False, inner=None, outer=None, **kw):
    from statsmodels.tsa.seasonal import STL
    res = STL(x, period=period, robust=robust, **kw).fit(inner_iter=inner, outer_iter=outer)
    return {"observed": np.asarray(res.observed), "trend": np.asarray(res.trend),
            "seasonal": np.asarray(res.seasonal), "resid": np.asarray(res.resid),
            "weights": np.asarray(res.weights)}


def ref_spectrogram(x, window, overlap, window_fn="hann", detrend="constant",
                    scaling="density"):
    """(frequencies in cycles per day, segment centres in hours from the
    first sample, power as nseg x nfreq) of scipy.signal.spectrogram at 24
    samples a day."""
    from scipy import signal
    f, t, sxx = signal.spectrogram(x, fs=24, window=window_fn, nperseg=window, noverlap=overlap,
                                   detrend=False if detrend == "none" else detrend,
                                   scaling=scaling, mode="psd")
    return f, t * 24.0, sxx.T


def ref_spc(x, cutoff, k):
    """SATV, bounds and flags as the course computes them with scipy's
    orthonormal DCT-II and numpy."""
    from scipy.fft import dct, idct
    c = dct(x, type=2, norm="ortho")
    c[:cutoff] = 0.0
    satv = idct(c, type=2, norm="ortho")
    med = np.median(satv)
    sigma = 1.4826 * np.median(np.abs(satv - med))
    base = x - satv + med
    lower, upper = base - k * sigma, base + k * sigma
    return {"satv": satv, "lower": lower, "upper": upper,
            "outlier": (x < lower) | (x > upper), "median": med, "sigma": sigma}


def ref_lof(points, neighbors, contamination):
    """scikit-learn's LOF. Its warning that duplicate values make lrds huge
    (k-distance 0 gives 1 / 1e-10) is silenced: that is the behaviour being
    compared."""
    import warnings
    from sklearn.neighbors import LocalOutlierFactor
    lof = LocalOutlierFactor(n_neighbors=neighbors, contamination=contamination)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        flags = lof.fit_predict(points) == -1
    return {"score": lof.negative_outlier_factor_, "anomaly": flags, "offset": lof.offset_,
            "k": lof.n_neighbors_}


def _distances(pts, rows):
    """Euclidean distances from pts[rows] to every point, summing the
    squares in column order as scikit-learn does (a point's distance to
    itself is +inf, so it is never its own neighbour)."""
    if pts.shape[1] == 1:
        d = np.abs(pts[rows, 0][:, None] - pts[None, :, 0])
    else:
        sq = np.zeros((len(rows), len(pts)))
        for j in range(pts.shape[1]):
            dj = pts[rows, j][:, None] - pts[None, :, j]
            sq += dj * dj
        d = np.sqrt(sq)
    d[np.arange(len(rows)), rows] = np.inf
    return d


def lof_brute(points, k, block=512):
    """LOF by brute force, independently of elhub and scikit-learn, with the
    tie rule src/analysis/lof.h documents (at equal distance the point with
    the smaller value, or the lexicographically smaller row, is a neighbour
    first), and the hours where no tie rule could change the score.

    Returns (score, determined): negative_outlier_factor_ under that rule,
    and a mask of the hours whose score is the same whichever neighbours
    are taken at a tied k-distance. An hour is undetermined when its lrd is
    (it has more candidates at its k-distance than places left and their
    reach distances max(d, k-distance(o)) differ), when a neighbour's lrd
    is, or when it has a choice among candidates whose lrds differ.
    Distances within 1e-12 of the data's scale count as equal."""
    raw = np.asarray(points, dtype=float)
    if raw.ndim == 1:
        raw = raw[:, None]
    # Points in lexicographic order, so that "the smaller row first" is
    # "the smaller index first"; mapped back at the end.
    perm = np.lexsort(raw.T[::-1])
    pts = raw[perm]
    n = len(pts)
    tol = 1e-12 * max(float(np.max(np.abs(pts))), 1.0)
    kd = np.empty(n)
    nbr = np.empty((n, k), dtype=np.int64)
    near = np.empty((n, k))
    # choice: more candidates within the k-distance than places, i.e. the
    # (k+1)-th distance is the k-th (within tol).
    choice = np.zeros(n, dtype=bool)
    for i in range(0, n, block):
        rows = np.arange(i, min(i + block, n))
        d = _distances(pts, rows)
        kk = min(k, n - 2)
        part = np.partition(d, [k - 1, kk], axis=1)
        kd[rows] = part[:, k - 1]
        choice[rows] = (part[:, kk] <= kd[rows] + tol) if kk >= k else False
        for r, p in enumerate(rows):
            inside = np.nonzero(d[r] <= kd[p])[0]  # ascending: the rule's order
            inside = inside[np.argsort(d[r, inside], kind="stable")][:k]
            nbr[p], near[p] = inside, d[r, inside]
    lrd = 1.0 / (np.mean(np.maximum(near, kd[nbr]), axis=1) + 1e-10)
    score = -np.mean(lrd[nbr], axis=1) / lrd

    def tied_rows(rows):
        d = _distances(pts, rows)
        return d, np.abs(d - kd[rows][:, None]) <= tol

    # An lrd depends on the choice when the candidates' reach distances
    # max(d, k-distance(o)) differ.
    lrd_free = np.ones(n, dtype=bool)
    pick = np.nonzero(choice)[0]
    for i in range(0, len(pick), block):
        rows = pick[i:i + block]
        d, tied = tied_rows(rows)
        reach = np.where(tied, np.maximum(d, kd[None, :]), np.nan)
        lrd_free[rows] = ~(np.nanmax(reach, axis=1) - np.nanmin(reach, axis=1) > tol)
    # A score depends on it when its lrd does, when any candidate (a point
    # within its k-distance) has such an lrd, or when it has a choice among
    # candidates whose lrds differ.
    determined = lrd_free.copy()
    unfree = np.nonzero(~lrd_free)[0]
    if len(unfree):
        for i in range(0, n, block):
            rows = np.arange(i, min(i + block, n))
            d = np.abs(_distances(pts, rows)[:, unfree])
            determined[rows] &= ~(d <= kd[rows][:, None] + tol).any(axis=1)
    for i in range(0, len(pick), block):
        rows = pick[i:i + block]
        _, tied = tied_rows(rows)
        lt = np.where(tied, lrd[None, :], np.nan)
        spread = (np.nanmax(lt, axis=1) - np.nanmin(lt, axis=1)) / np.nanmax(lt, axis=1)
        determined[rows] &= ~(spread > 1e-12)
    out_score, out_det = np.empty(n), np.empty(n, dtype=bool)
    out_score[perm], out_det[perm] = score, determined
    return out_score, out_det


def ref_rolling_corr(x, y, window, lag):
    import pandas as pd
    return pd.Series(x).shift(lag).rolling(window, center=True).corr(pd.Series(y)).to_numpy()


def ref_best_lag(x, y, lo, hi):
    """The lag in lo..hi whose x.shift(lag).corr(y) is strongest in
    absolute value (the first such lag on a tie), and that correlation."""
    import pandas as pd
    sx, sy = pd.Series(x), pd.Series(y)
    best = None
    for lag in range(lo, hi + 1):
        r = sx.shift(lag).corr(sy)
        if not math.isnan(r) and (best is None or abs(r) > abs(best[1])):
            best = (lag, r)
    return best
