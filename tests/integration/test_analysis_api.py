"""GET /api/analysis/<method> against a running `elhub serve` on loopback over
a SQLite store of the real bundled data (Elhub production 2021, NO1 and NO5
hydro a full year; ERA5 Bergen weather 2019 as NO5). Every method answers 200
with arrays as long as the range has hours (the 25-hour day included), and
its numbers are compared with the library the field trusts, computed here
from the data files read with csv (pandas for the correlation, scipy for the
spectrogram and the SPC bounds, scikit-learn for LOF, statsmodels for STL);
each comparison states its tolerance and prints the largest difference seen.
Then: the CSV format, the parameter listing (the one table the messages come
from), 400 messages that name the parameter and its range, 404 for an
unknown method, 422 for a gap, the response cache (a second request is
served from it; an import drops it), a body over the response cap refused,
and hostile requests refused before any store read (no heavy read is logged
for them), with the server alive afterwards."""
import csv
import datetime as dt
import gzip
import json
import math
import os
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
import zoneinfo

import numpy as np
import pandas as pd
import pytest
import scipy.fft
import scipy.signal

from conftest import BUNDLED_DATA, REPO, elhub_bin, run_elhub
from web_util import slices_without_hour

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
SLICES = BUNDLED_DATA / "production_2021_slices.csv.gz"
BERGEN = REPO / "data" / "weather" / "era5_bergen_60.3913N_5.3221E_2019.csv"
# The one NO5 hydro hour left out of the store at first (a gap), imported
# later to show the cache follows the data.
GAP_HOUR = "2021-03-10T12:00:00+01:00"
YEAR_2021 = "from=2021-01-01&to=2021-12-31"
YEAR_2019 = "from=2019-01-01&to=2019-12-31"


def utc(text):
    return int(dt.datetime.fromisoformat(text).timestamp())


def oslo_hours(d_from, d_to):
    """The hours (UTC seconds) from Oslo midnight of d_from to the end of d_to."""
    a = dt.datetime.combine(dt.date.fromisoformat(d_from), dt.time(), OSLO)
    b = dt.datetime.combine(dt.date.fromisoformat(d_to) + dt.timedelta(days=1), dt.time(), OSLO)
    return list(range(int(a.timestamp()), int(b.timestamp()), 3600))


def production(area, group="hydro"):
    """{UTC second: kWh} of one series, read here from the bundled CSV."""
    out = {}
    with gzip.open(SLICES, "rt", newline="") as f:
        for r in csv.DictReader(f):
            if r["priceArea"] == area and r["productionGroup"].lower() == group:
                out[utc(r["startTime"])] = float(r["quantityKwh"])
    return out


def bergen(var):
    """{UTC second: value} of one Bergen variable (times written at +01:00)."""
    out = {}
    with open(BERGEN, newline="") as f:
        for r in csv.DictReader(f):
            t = dt.datetime.fromisoformat(r["time"]).replace(tzinfo=dt.timezone(dt.timedelta(hours=1)))
            out[int(t.timestamp())] = float(r[var])
    return out


def values(series, hours):
    return np.array([series[t] for t in hours])


class Server:
    """`elhub serve -v` on a free loopback port whose stderr is read line by
    line, so a test can tell which requests reached the heavy-read pool."""

    def __init__(self, store_uri):
        env = dict(os.environ)
        env.pop("ELHUB_STORE", None)
        self.proc = subprocess.Popen(
            [elhub_bin(), "serve", "--store", store_uri, "--listen", "127.0.0.1:0", "-v"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        line = self.proc.stdout.readline()
        if not line.startswith("serving http://"):
            self.proc.kill()
            raise AssertionError(f"elhub serve did not start: {line!r} {self.proc.communicate()}")
        self.url = line.split()[1].rstrip("/")
        self.lines = []
        self.cond = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stderr:
            with self.cond:
                self.lines.append(line)
                self.cond.notify_all()

    def get(self, path):
        """(status, headers, body bytes), without raising on 4xx/5xx."""
        try:
            with urllib.request.urlopen(self.url + path, timeout=120) as r:
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    def mark(self):
        with self.cond:
            return len(self.lines)

    def heavy_reads(self, path, since, until):
        """How many heavy reads of exactly path were logged in lines [since, until)."""
        needle = f"heavy read started: {path}\n"
        with self.cond:
            return sum(1 for line in self.lines[since:until] if line.endswith(needle))

    def wait_heavy(self, path, since, timeout=60):
        """Waits for the log line of a heavy read of path after mark since;
        returns the mark just past it."""
        needle = f"heavy read started: {path}\n"
        end = time.monotonic() + timeout
        with self.cond:
            while True:
                for i in range(since, len(self.lines)):
                    if self.lines[i].endswith(needle):
                        return i + 1
                left = end - time.monotonic()
                assert left > 0, f"no heavy read of {path} logged: {self.lines[since:]!r}"
                self.cond.wait(left)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise AssertionError("elhub serve did not stop on SIGTERM")
        assert self.proc.returncode == 0, "".join(self.lines[-40:])


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """The real data, NO5 hydro without GAP_HOUR, imported by elhub itself."""
    d = tmp_path_factory.mktemp("analysis_api")
    db = d / "a.db"
    cut = slices_without_hour(d / "slices_without_one_hour.csv", "NO5", "hydro", utc(GAP_HOUR))
    run_elhub("import", "--store", f"sqlite:{db}", cut)
    run_elhub("import", "--dataset", "weather", "--location", "NO5", "--utc-offset", "+01:00",
              "--wind-unit", "kmh", "--store", f"sqlite:{db}", BERGEN)
    return db


@pytest.fixture(scope="module")
def srv(store):
    s = Server(f"sqlite:{store}")
    yield s
    s.stop()


def get_json(srv, path, status=200):
    code, headers, body = srv.get(path)
    assert code == status, (path, code, body[:600])
    assert headers["Content-Type"] == "application/json; charset=utf-8", headers["Content-Type"]
    return json.loads(body.decode("utf-8"))


def check_times(got, hours):
    """The "time" array is the range's hours as instants, Oslo time."""
    assert len(got) == len(hours)
    assert [utc(t) for t in got] == hours


def as_float(v):
    return math.nan if v is None else float(v)


def test_listing_is_the_parameter_table(srv):
    got = get_json(srv, "/api/analysis")
    names = [m["name"] for m in got["methods"]]
    assert names == ["stl", "spectrogram", "outliers", "anomalies", "correlate"]
    by = {m["name"]: {p["name"]: p for p in m["params"]} for m in got["methods"]}
    for m in got["methods"]:
        assert m["path"] == "/api/analysis/" + m["name"]
        for p in m["params"]:
            assert p["help"] and p["range"] and p["value"], p
            assert p["required"] == (p["default"] is None), p
    assert [k for k in by["stl"]] == [
        "series", "from", "to", "fill", "period", "seasonal", "trend", "low_pass", "seasonal_deg",
        "trend_deg", "low_pass_deg", "seasonal_jump", "trend_jump", "low_pass_jump", "robust",
        "inner", "outer"]
    assert by["stl"]["period"]["default"] == "168"
    assert (by["stl"]["period"]["min"], by["stl"]["period"]["max"]) == (2, 8785)
    assert by["spectrogram"]["window_fn"]["choices"] == ["hann", "hamming", "boxcar"]
    assert set(by["correlate"]) >= {"x", "y", "window", "lag", "lag_range"}
    assert by["anomalies"]["contamination"]["default"] == "0.01"
    assert got["format"]["choices"] == ["json", "csv"]
    code, _, body = srv.get("/api/analysis?x=1")
    assert code == 400 and b"unknown parameter" in body


def test_stl_matches_statsmodels(srv):
    from statsmodels.tsa.seasonal import STL
    hours = oslo_hours("2021-01-01", "2021-12-31")
    assert len(hours) == 8760
    # The 25-hour day: 31 October 2021 has 25 samples.
    a, b = oslo_hours("2021-10-31", "2021-10-31")[0], oslo_hours("2021-11-01", "2021-11-01")[0]
    x = values(production("NO1"), hours)
    for extra, kw in (("", {}), ("&robust=true", {"robust": True}),
                      ("&period=24&seasonal=13&trend=49", {"period": 24, "seasonal": 13,
                                                           "trend": 49})):
        got = get_json(srv, f"/api/analysis/stl?series=production:NO1:hydro&{YEAR_2021}{extra}")
        check_times(got["time"], hours)
        assert sum(1 for t in got["time"] if a <= utc(t) < b) == 25
        assert got["method"] == "stl" and got["series"] == "production:NO1:hydro"
        assert got["filled"] == {"production:NO1:hydro": 0}
        assert got["observed"] == x.tolist()
        period = kw.pop("period", 168)
        ref = STL(x, period=period, **kw).fit()
        scale = float(np.std(x))
        worst = 0.0
        for key, want in (("trend", ref.trend), ("seasonal", ref.seasonal), ("resid", ref.resid)):
            d = float(np.max(np.abs(np.array(got[key]) - want)))
            worst = max(worst, d / scale)
        if kw.get("robust"):
            d = float(np.max(np.abs(np.array(got["weights"]) - ref.weights)))
            worst = max(worst, d)
        print(f"stl{extra or ' (defaults)'}: largest difference against statsmodels "
              f"{worst:.3g} of the series' std (tolerance 1e-6)")
        assert worst < 1e-6


def test_spectrogram_matches_scipy(srv):
    hours = oslo_hours("2021-01-01", "2021-12-31")
    x = values(production("NO5") | {utc(GAP_HOUR): math.nan}, hours)
    # NO5 has a gap in this store, so the request fills it; the reference
    # fills it with numpy.interp, the documented formula.
    idx = np.arange(len(x))
    ok = ~np.isnan(x)
    x = np.interp(idx, idx[ok], x[ok])
    for extra, kw in (("", dict(window="hann", nperseg=168, noverlap=84, detrend="constant",
                                scaling="density")),
                      ("&window=337&overlap=100&window_fn=hamming&detrend=linear&scaling=spectrum",
                       dict(window="hamming", nperseg=337, noverlap=100, detrend="linear",
                            scaling="spectrum"))):
        got = get_json(srv, f"/api/analysis/spectrogram?series=production:NO5:hydro&{YEAR_2021}"
                       f"&fill=linear{extra}")
        assert got["filled"] == {"production:NO5:hydro": 1}
        f, t, sxx = scipy.signal.spectrogram(x, fs=24, **kw)
        assert len(got["frequency"]) == len(f) and len(got["time"]) == len(t)
        assert np.max(np.abs(np.array(got["frequency"]) - f)) < 1e-12
        # Segment centres: t is in days (1/fs); an odd window centres on a
        # half hour.
        want_t = [hours[0] + round(c * 24 * 3600) for c in t]
        assert [utc(s) for s in got["time"]] == want_t
        power = np.array(got["power"])
        assert power.shape == sxx.T.shape
        rel = float(np.max(np.abs(power - sxx.T)) / np.max(sxx))
        print(f"spectrogram{extra or ' (defaults)'}: largest difference against scipy {rel:.3g} "
              f"of its maximum (tolerance 1e-9)")
        assert rel < 1e-9


def test_outliers_match_scipy_dct(srv):
    hours = oslo_hours("2019-01-01", "2019-12-31")
    x = values(bergen("temperature_2m"), hours)
    for cutoff, k in ((30, 3.0), (100, 2.5)):
        got = get_json(srv, f"/api/analysis/outliers?series=weather:NO5:temperature_2m&{YEAR_2019}"
                       f"&cutoff={cutoff}&k={k}")
        check_times(got["time"], hours)
        c = scipy.fft.dct(x, norm="ortho")
        c[:cutoff] = 0
        satv = scipy.fft.idct(c, norm="ortho")
        med = np.median(satv)
        sigma = 1.4826 * np.median(np.abs(satv - med))
        lower = (x - satv) + med - k * sigma
        upper = (x - satv) + med + k * sigma
        flagged = (x < lower) | (x > upper)
        scale = float(np.max(np.abs(x)))
        worst = max(float(np.max(np.abs(np.array(got[key]) - want))) / scale
                    for key, want in (("satv", satv), ("lower", lower), ("upper", upper)))
        print(f"outliers cutoff={cutoff} k={k}: largest difference against scipy+numpy "
              f"{worst:.3g} of max|x| (tolerance 1e-9); {int(flagged.sum())} flagged")
        assert worst < 1e-9
        assert got["outlier"] == flagged.tolist()
        assert got["summary"]["count"] == int(flagged.sum())


def test_anomalies_agree_with_scikit_learn(srv):
    from sklearn.neighbors import LocalOutlierFactor
    hours = oslo_hours("2019-01-01", "2019-12-31")
    x = values(bergen("temperature_2m"), hours)
    got = get_json(srv, f"/api/analysis/anomalies?series=weather:NO5:temperature_2m&{YEAR_2019}"
                   "&neighbors=20&contamination=0.01")
    check_times(got["time"], hours)
    assert got["value"] == x.tolist()
    lof = LocalOutlierFactor(n_neighbors=20, contamination=0.01).fit(x.reshape(-1, 1))
    want_flag = lof.fit_predict(x.reshape(-1, 1)) == -1
    score = np.array(got["score"])
    # Temperatures have one decimal, so neighbours tie at the k-distance
    # often and tie-breaking may differ (docs/ANALYSIS.md): the scores agree
    # on most hours, the flags on at least 95 %.
    close = np.abs(score - lof.negative_outlier_factor_) <= 1e-9
    flags = np.array(got["anomaly"])
    same = int((flags & want_flag).sum()) / max(1, int(want_flag.sum()))
    print(f"anomalies: scores within 1e-9 of scikit-learn on {close.mean():.1%} of hours; "
          f"{same:.1%} of scikit-learn's {int(want_flag.sum())} flagged hours flagged too")
    assert same >= 0.95 and close.mean() >= 0.9
    assert got["count"] == int(flags.sum())
    # Two series: one row of values per hour.
    got = get_json(srv, "/api/analysis/anomalies?series=weather:NO5:temperature_2m,"
                   f"weather:NO5:precipitation&{YEAR_2019}")
    assert got["series"] == ["weather:NO5:temperature_2m", "weather:NO5:precipitation"]
    assert len(got["value"]) == len(hours) and all(len(v) == 2 for v in got["value"])
    assert [v[0] for v in got["value"]] == x.tolist()


def test_correlate_matches_pandas(srv):
    hours = oslo_hours("2021-01-01", "2021-12-31")
    x = pd.Series(values(production("NO1"), hours))
    y = pd.Series(values(production("NO5") | {utc(GAP_HOUR): math.nan}, hours)).interpolate()
    for window, lag in ((168, 0), (71, -24), (24, 5)):
        got = get_json(srv, "/api/analysis/correlate?x=production:NO1:hydro&y=production:NO5:hydro"
                       f"&{YEAR_2021}&fill=linear&window={window}&lag={lag}&lag_range=-48:48")
        check_times(got["time"], hours)
        want = x.shift(lag).rolling(window, center=True).corr(y).to_numpy()
        r = np.array([as_float(v) for v in got["r"]])
        assert np.array_equal(np.isnan(r), np.isnan(want))
        ok = ~np.isnan(want)
        worst = float(np.max(np.abs(r[ok] - want[ok])))
        lags = {g: x.shift(g).corr(y) for g in range(-48, 49)}
        best = max(lags, key=lambda g: (abs(lags[g]), -g))
        print(f"correlate window={window} lag={lag}: largest difference against pandas "
              f"{worst:.3g} (tolerance 1e-9); best lag {got['best_lag']} (pandas {best})")
        assert worst < 1e-9
        assert got["best_lag"] == best and abs(got["best_r"] - lags[best]) < 1e-9


CLI_CASES = [
    ("stl", f"series=production:NO1:hydro&{YEAR_2021}&robust=true&low-pass=171"),
    ("spectrogram", f"series=production:NO5:hydro&{YEAR_2021}&fill=linear&window=337&overlap=30"
     "&window_fn=boxcar"),
    ("outliers", f"series=weather:NO5:temperature_2m&{YEAR_2019}&cutoff=60&k=2"),
    ("anomalies", "series=weather:NO5:temperature_2m,weather:NO5:wind_speed_10m&" + YEAR_2019 +
     "&neighbors=10&contamination=auto"),
    ("correlate", f"x=production:NO1:hydro&y=production:NO5:hydro&{YEAR_2021}&fill=linear"
     "&window=48&lag=-24&lag_range=-30:30"),
]


@pytest.mark.parametrize("method,query", CLI_CASES, ids=[c[0] for c in CLI_CASES])
def test_same_body_as_elhub_analyze(srv, store, method, query):
    """The API's body is byte for byte what `elhub analyze` writes with the
    same parameters as options (JSON; CSV up to the API's CRLF line ends)."""
    args = [f"--{k.replace('_', '-')}={v}" for k, v in
            (pair.split("=", 1) for pair in query.split("&"))]
    for fmt in ("json", "csv"):
        code, _, body = srv.get(f"/api/analysis/{method}?{query}&format={fmt}")
        assert code == 200, body[:300]
        p = run_elhub("analyze", method, *args, "--format", fmt, "--store", f"sqlite:{store}")
        cli = p.stdout.encode("utf-8")
        if fmt == "csv":
            cli = cli.replace(b"\n", b"\r\n")
        assert body == cli, (method, fmt, len(body), len(cli))


def test_csv_format_has_the_json_numbers(srv):
    path = f"/api/analysis/stl?series=production:NO1:hydro&{YEAR_2021}"
    js = get_json(srv, path)
    code, headers, body = srv.get(path + "&format=csv")
    assert code == 200 and headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in headers["Content-Disposition"]
    rows = list(csv.reader(body.decode("utf-8").splitlines()))
    assert rows[0] == ["time", "observed", "trend", "seasonal", "resid"]
    assert len(rows) == 1 + len(js["time"])
    for i in (0, 1000, 7200, len(js["time"]) - 1):
        assert utc(rows[1 + i][0]) == utc(js["time"][i])
        assert [float(v) for v in rows[1 + i][1:]] == [js[k][i] for k in
                                                        ("observed", "trend", "seasonal", "resid")]
    code, _, body = srv.get(path + "&format=xml")
    assert code == 400 and b"format must be one of json, csv" in body


def listing_range(srv, method, name):
    got = get_json(srv, "/api/analysis")
    for m in got["methods"]:
        if m["name"] == method:
            for p in m["params"]:
                if p["name"] == name:
                    return p["range"]
    raise AssertionError((method, name))


@pytest.mark.parametrize("method,query,param", [
    ("stl", "series=production:NO1:hydro&from=2021-01-01&to=2021-12-31&period=1", "period"),
    ("stl", "series=production:NO1:hydro&from=2021-01-01&to=2021-12-31&seasonal=8", "seasonal"),
    ("stl", "series=production:NO1:hydro&from=2021-01-01&to=2021-12-31&robust=maybe", "robust"),
    ("spectrogram", "series=production:NO1:hydro&from=2021-01-01&to=2021-12-31&window_fn=kaiser",
     "window_fn"),
    ("outliers", "series=production:NO1:hydro&from=2021-01-01&to=2021-12-31&k=-1", "k"),
    ("anomalies", "series=production:NO1:hydro&from=2021-01-01&to=2021-12-31&neighbors=0",
     "neighbors"),
    ("anomalies", "series=production:NO1:hydro&from=2021-01-01&to=2021-12-31&contamination=0.7",
     "contamination"),
    ("correlate", "x=production:NO1:hydro&y=production:NO5:hydro&from=2021-01-01&to=2021-12-31"
     "&lag=9000", "lag"),
    ("correlate", "x=production:NO1:hydro&y=production:NO5:hydro&from=2021-01-01&to=2021-12-31"
     "&lag-range=5:1", "lag_range"),
])
def test_bad_values_name_the_parameter_and_its_range(srv, method, query, param):
    got = get_json(srv, f"/api/analysis/{method}?{query}", status=400)
    assert got["error"] == "bad request"
    rng = listing_range(srv, method, param)
    # The name as given ("lag-range" for the table's lag_range), then the
    # table's own words for the range.
    given = query.rsplit("&", 1)[1].split("=")[0]
    assert given.replace("-", "_") == param
    assert got["detail"].startswith(given + " must be " + rng), (got["detail"], rng)


def test_missing_and_unknown_parameters(srv):
    got = get_json(srv, "/api/analysis/stl?from=2021-01-01&to=2021-12-31", status=400)
    assert got["detail"].startswith("series is required")
    got = get_json(srv, f"/api/analysis/stl?series=production:NO1:hydro&{YEAR_2021}&windw=3",
                   status=400)
    assert 'unknown parameter "windw" for stl' in got["detail"]
    got = get_json(srv, f"/api/analysis/stl?series=production:NO2:hydro&{YEAR_2021}", status=400)
    assert "NO2" in got["detail"]


def test_unknown_method_is_404(srv):
    got = get_json(srv, "/api/analysis/fourier?series=production:NO1:hydro", status=404)
    assert got["error"] == "not found"
    assert "stl, spectrogram, outliers, anomalies, correlate" in got["detail"]
    get_json(srv, "/api/analysis/", status=404)
    get_json(srv, "/api/analysis/stl/x", status=404)
    get_json(srv, "/api/analysisstl", status=404)


def test_gap_and_missing_hours_are_422(srv):
    got = get_json(srv, f"/api/analysis/stl?series=production:NO5:hydro&{YEAR_2021}", status=422)
    assert got["error"] == "data problem"
    assert "production:NO5:hydro has a gap at 2021-03-10T12:00:00+01:00" in got["detail"]
    assert "fill linear" in got["detail"]
    # NO4 hydro has January only: the end of the range is missing.
    got = get_json(srv, f"/api/analysis/outliers?series=production:NO4:hydro&{YEAR_2021}",
                   status=422)
    assert "production:NO4:hydro has no data after 2021-01-31T23:00:00+01:00" in got["detail"]


def test_results_are_cached_until_the_data_changes(store, tmp_path):
    """A second identical request is answered from the cache (no second
    heavy read is logged for it); an import into the served store drops the
    cache, and the same request then reads the new hour."""
    import shutil
    db = tmp_path / "copy.db"
    shutil.copy(store, db)
    s = Server(f"sqlite:{db}")
    try:
        path = ("/api/analysis/outliers?series=production:NO5:hydro&from=2021-03-01"
                "&to=2021-03-31&fill=linear")
        other = path + "&k=2"
        m0 = s.mark()
        first = get_json(s, path)
        assert first["filled"] == {"production:NO5:hydro": 1}
        m1 = s.wait_heavy(path, m0)
        again = get_json(s, path)
        # A different request after it: once its heavy read is logged, any
        # heavy read of the repeated one would have been logged before it.
        get_json(s, other)
        m2 = s.wait_heavy(other, m1)
        assert again == first
        assert s.heavy_reads(path, m1, m2) == 0, "the repeated request was computed again"
        # Import the missing hour: the data version moves.
        want = production("NO5")[utc(GAP_HOUR)]
        one = tmp_path / "one.csv"
        one.write_text("priceArea,productionGroup,startTime,quantityKwh\n"
                       f"NO5,hydro,{GAP_HOUR},{want}\n")
        run_elhub("import", "--store", f"sqlite:{db}", one)
        after = get_json(s, path)
        s.wait_heavy(path, m2)
        assert after["filled"] == {"production:NO5:hydro": 0}
        at = [utc(t) for t in after["time"]].index(utc(GAP_HOUR))
        assert after["value"][at] == want and first["value"][at] != want
    finally:
        s.stop()


def test_body_over_the_response_cap_is_refused(srv):
    # 953 segments x 2001 frequencies: 1.9 million cells, under the cell cap,
    # but as CSV (one row per cell) more than the 64 MiB a response may be.
    q = (f"/api/analysis/spectrogram?series=production:NO1:hydro&{YEAR_2021}"
         "&window=4000&overlap=3995")
    got = get_json(srv, q + "&format=csv", status=400)
    assert "response cap of 64 MiB" in got["detail"]
    got = get_json(srv, q)
    assert len(got["time"]) == 953 and len(got["frequency"]) == 2001


HOSTILE = [
    # A window far beyond the cap, and one beyond any integer.
    (f"/api/analysis/stl?series=production:NO1:hydro&{YEAR_2021}&period=100000000",
     "period must be an integer from 2 to 8785"),
    (f"/api/analysis/spectrogram?series=production:NO1:hydro&{YEAR_2021}"
     "&window=99999999999999999999999", "window must be an integer from 2 to 8785"),
    # More passes than the STL work cap allows.
    (f"/api/analysis/stl?series=production:NO1:hydro&{YEAR_2021}&robust=true&inner=100"
     "&outer=100", "more than the cap"),
    # A lag range beyond the largest lag, and one with too many lags.
    ("/api/analysis/correlate?x=production:NO1:hydro&y=production:NO5:hydro&" + YEAR_2021 +
     "&lag_range=-1000000:1000000", "lag_range must be MIN:MAX with integers from -8784 to 8784"),
    ("/api/analysis/correlate?x=production:NO1:hydro&y=production:NO5:hydro&" + YEAR_2021 +
     "&lag_range=-8784:8784", "at most 1001 lags"),
    # A million hours: beyond the points cap.
    ("/api/analysis/stl?series=production:NO1:hydro&from=1990-01-01&to=2100-12-31",
     "at most 100000 hours can be analysed at once"),
    # The same parameter again, under the same and under the other spelling.
    (f"/api/analysis/stl?series=production:NO1:hydro&{YEAR_2021}&series=production:NO5:hydro",
     'query parameter "series" given twice'),
    (f"/api/analysis/stl?series=production:NO1:hydro&{YEAR_2021}&low_pass=171&low-pass=171",
     "low_pass is given more than once"),
    ("/api/analysis/anomalies?series=" + ",".join(["weather:NO5:temperature_2m"] * 9) + "&" +
     YEAR_2019, "names more than 8 series"),
    ("/api/analysis/stl?" + "&".join(f"p{i}=1" for i in range(30)), "too many query parameters"),
    # Bytes that are not UTF-8 in a value: quoted (\xNN) in the message.
    (f"/api/analysis/stl?series=production:NO1:%FF%FE&{YEAR_2021}", "\\xff\\xfe"),
]
# Not UTF-8 in a name: refused, but params.c's unknown() echoes the name's
# raw bytes into the message (reported; fuzz/fuzz_analysis_params.c checks
# the message is printable ASCII). Only the refusal is checked here.
BAD_NAME = f"/api/analysis/stl?series=production:NO1:hydro&{YEAR_2021}&%C3%28=1"


def test_hostile_requests_are_refused_before_any_read(srv):
    m0 = srv.mark()
    for path, needle in HOSTILE:
        code, headers, body = srv.get(path)
        assert code == 400, (path, code, body[:300])
        got = json.loads(body.decode("utf-8"))
        assert needle in got["detail"], (path, got["detail"])
        assert all(32 <= ord(c) < 127 for c in got["detail"]), got["detail"]
    code, _, body = srv.get(BAD_NAME)
    assert code == 400 and b"unknown parameter" in body, (code, body[:300])
    # None of them took a heavy-read slot (parameters are checked before the
    # store is touched): a request after them is the first heavy read.
    probe = f"/api/analysis/outliers?series=production:NO1:hydro&{YEAR_2021}&k=4"
    get_json(srv, probe)
    m1 = srv.wait_heavy(probe, m0)
    with srv.cond:
        heavy = [line for line in srv.lines[m0:m1] if "heavy read started" in line]
    assert len(heavy) == 1, heavy
    assert get_json(srv, "/healthz")["status"] == "ok"


def test_every_stl_parameter_fits_one_url(srv):
    """All 17 rows of STL's table plus format in one query (a page keeps
    every parameter in its URL); the body echoes the effective values."""
    given = {"series": "production:NO1:hydro", "from": "2021-01-01", "to": "2021-03-31",
             "fill": "none", "period": 24, "seasonal": 9, "trend": 37, "low_pass": 25,
             "seasonal_deg": 0, "trend_deg": 1, "low_pass_deg": 1, "seasonal_jump": 2,
             "trend_jump": 3, "low_pass_jump": 4, "robust": "true", "inner": 3, "outer": 2}
    table = get_json(srv, "/api/analysis")["methods"][0]["params"]
    assert sorted(given) == sorted(p["name"] for p in table)
    q = "&".join(f"{k}={v}" for k, v in given.items()) + "&format=json"
    got = get_json(srv, "/api/analysis/stl?" + q)
    assert len(got["time"]) == len(oslo_hours("2021-01-01", "2021-03-31"))
    for k in ("period", "seasonal", "trend", "low_pass", "seasonal_deg", "trend_deg",
              "low_pass_deg", "seasonal_jump", "trend_jump", "low_pass_jump", "inner", "outer"):
        assert got["params"][k] == given[k], k
    assert got["params"]["robust"] is True and got["params"]["fill"] == "none"
    assert len(got["weights"]) == len(got["time"])
