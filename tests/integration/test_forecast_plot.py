"""The chart files of `elhub forecast ... -o FILE.png|svg|pdf` and its alias
`elhub plot forecast`, end to end on the real bundled Elhub rows (NO1 hydro,
2021 hourly; CC BY 4.0, attribution "Elhub") in a SQLite store made by
`elhub import`: eight weeks of training, SARIMAX(1,0,1)(1,1,1,24), a
168-hour forecast and a 3-fold backtest.

What was drawn is read back from the file alone, independent of the code
that drew it: the time axis from the SVG's own Oslo tick labels (each
"8 Feb" centred on its tick; the date turned into a UTC instant with
zoneinfo, and x fitted linearly to t), the value axis from its own tick
labels (at the plot frame's x0 - 6; the unit from the axis title), the plot
frame from its axis line. Through those, the forecast mean polyline must
give the JSON body's mean, the band's edges its lower and upper, and the
history line the training values of the bundled CSV (read here with csv,
not through elhub). PNGs are decoded by plot_util.read_png (no imaging
library)."""
import csv
import datetime
import json
import os
import re
import xml.etree.ElementTree as ET
import zoneinfo

import pytest

import plot_util
from conftest import data_path, open_data, run_elhub

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
FC = "#e6550d"  # CHART_FORECAST_COLOR (chart/forecast.h)
HYDRO = "#1f77b4"  # present.h's hydro colour
AXIS = "#595959"  # the light theme's axis colour
BASE = ("--series", "production:NO1:hydro", "--train-from", "2021-01-04", "--train-to",
        "2021-02-28", "--order", "1,0,1", "--seasonal-order", "1,1,1,24", "--horizon", "168")
FOLDS = ("--folds", "3")
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
UNITS = {"kW": 1.0, "MW": 1e3, "GW": 1e6}
# Coordinates: cairo writes 1/256 px, the tick labels 2 decimals; a value
# read back through the labels may be off by a few hundredths of a pixel.
TOL_PX = 0.05


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    db = tmp_path_factory.mktemp("fcplot") / "real.db"
    run_elhub("import", "-q", "--store", f"sqlite:{db}",
              data_path("production_2021_slices.csv.gz"))
    return f"sqlite:{db}"


@pytest.fixture(scope="module")
def answer(store):
    """The JSON body of the same request."""
    return json.loads(run_elhub("forecast", "-q", "--store", store, *BASE, *FOLDS).stdout)


@pytest.fixture(scope="module")
def svg(store, tmp_path_factory):
    out = tmp_path_factory.mktemp("fcsvg") / "f.svg"
    run_elhub("forecast", "-q", "--store", store, *BASE, *FOLDS, "-o", out)
    return ET.parse(out).getroot()


def epoch(iso):
    return int(datetime.datetime.fromisoformat(iso).timestamp())


def training_values():
    """{hour start (UTC s): kWh} of NO1 hydro from the bundled CSV."""
    out = {}
    with open_data("production_2021_slices.csv") as f:
        for r in csv.DictReader(f):
            if r["priceArea"] == "NO1" and r["productionGroup"] == "hydro":
                out[plot_util.epoch(r["startTime"])] = float(r["quantityKwh"])
    return out


def time_axis(root, y1):
    """t (UTC s) -> x, fitted to the day labels under the frame ("8 Feb",
    Oslo midnight of 2021), and checked against every one of them."""
    ticks = []
    for t, x, y in plot_util.svg_texts(root):
        m = re.fullmatch(r"(\d{1,2}) ([A-Z][a-z]{2})", t)
        if m and y > y1:
            day = datetime.datetime(2021, MONTHS.index(m.group(2)) + 1, int(m.group(1)),
                                    tzinfo=OSLO)
            ticks.append((day.timestamp(), x))
    assert len(ticks) >= 3, ticks
    (ta, xa), (tb, xb) = ticks[0], ticks[-1]
    slope = (xb - xa) / (tb - ta)
    worst = max(abs(xa + (t - ta) * slope - x) for t, x in ticks)
    assert worst < 0.01, worst
    return lambda t: xa + (t - ta) * slope, lambda x: ta + (x - xa) / slope


def value_axis(root, x0, y0, y1):
    """value (kWh per hour) -> y from the tick labels at x0 - 6 and the
    unit in the axis title "Production (GW)". The lowest label sits on the
    frame's bottom y1, the highest on its top y0 (both checked)."""
    labels = sorted(((float(t), y) for t, x, y in plot_util.svg_texts(root)
                     if abs(x - (x0 - 6)) < 0.01 and re.fullmatch(r"-?\d+(\.\d+)?", t)),
                    key=lambda p: p[0])
    title = [t for t, _, _ in plot_util.svg_texts(root) if t.startswith("Production (")]
    assert len(title) == 1, title
    div = UNITS[title[0][len("Production ("):-1]]
    (v0, b0), (v1, b1) = labels[0], labels[-1]
    off = b0 - y1
    assert abs((b1 - off) - y0) < 0.01, (b1, off, y0)
    return lambda v: y1 + (v / div - v0) * ((y0 - y1) / (v1 - v0)), div


def frame(root):
    x0, x1, y0, y1 = plot_util.svg_plot_frame(root, AXIS)
    return x0, x1, y0, y1


def read_axes(root):
    """The frame (x0, x1, y0, y1), t -> x, x -> t and value -> y."""
    x0, x1, y0, y1 = frame(root)
    t_to_x, x_to_t = time_axis(root, y1)
    y_of, _ = value_axis(root, x0, y0, y1)
    return (x0, x1, y0, y1), t_to_x, x_to_t, y_of


def longest(root, stroke=None, fill=None):
    paths = [plot_util._coords(d) for f, s, d in plot_util.svg_paths(root)
             if s == stroke and f == fill]
    return max(paths, key=len)


def hours_of(pts, x_to_t):
    """[(hour start, y)] for every polyline point, each checked to sit on an
    hour's middle."""
    out, worst = [], 0.0
    for x, y in pts:
        t = x_to_t(x)
        h = round((t - 1800) / 3600) * 3600
        worst = max(worst, abs(t - (h + 1800)))
        out.append((h, y))
    return out, worst


# ---- SVG: what was drawn maps back to the numbers ---------------------------------------

def test_mean_line_is_the_json_mean(svg, answer):
    (x0, x1, _, _), t_to_x, x_to_t, y_of = read_axes(svg)
    fc = answer["forecast"]
    times = [epoch(t) for t in fc["time"]]
    mean = dict(zip(times, fc["mean"]))
    pts, off_hour = hours_of(longest(svg, stroke=FC), x_to_t)
    px_per_s = (x1 - x0) / (times[-1] + 3600 - x_to_t(x0))
    worst = max(abs(y - y_of(mean[h])) for h, y in pts)
    print(f"mean: {len(pts)} points, largest y difference {worst:.4f} px, x off the hour "
          f"middle {off_hour * px_per_s:.4f} px (tolerance {TOL_PX})")
    assert worst < TOL_PX and off_hour * px_per_s < TOL_PX
    # cairo drops a point that repeats the previous one: nearly all hours.
    assert pts[0][0] == times[0] and pts[-1][0] == times[-1] and len(pts) > 0.98 * len(times)
    # The axis ends with the last forecast hour.
    assert abs(t_to_x(times[-1] + 3600) - x1) < TOL_PX


def test_band_spans_lower_to_upper(svg, answer):
    _, _, x_to_t, y_of = read_axes(svg)
    fc = answer["forecast"]
    times = [epoch(t) for t in fc["time"]]
    (band,) = [plot_util._coords(d) for f, s, d in plot_util.svg_paths(svg)
               if f == FC and s is None and len(plot_util._coords(d)) > 20]
    if band[-1] == band[0]:
        band = band[:-1]
    i = 1
    while i < len(band) and band[i][0] > band[i - 1][0]:
        i += 1
    upper, lower = band[:i], list(reversed(band[i:]))
    worst = 0.0
    for name, poly in (("upper", upper), ("lower", lower)):
        pts, _ = hours_of(poly, x_to_t)
        want = dict(zip(times, fc[name]))
        worst = max([worst] + [abs(y - y_of(want[h])) for h, y in pts])
        assert pts[0][0] == times[0] and pts[-1][0] == times[-1], name
    print(f"band: largest edge difference {worst:.4f} px (tolerance {TOL_PX})")
    assert worst < TOL_PX
    assert all(lo < m < up for lo, m, up in zip(fc["lower"], fc["mean"], fc["upper"]))
    # It is drawn semi-transparent.
    assert "fill-opacity:0.25" in ET.tostring(svg, encoding="unicode")


def test_history_is_the_last_672_training_hours(svg, answer):
    """Four horizons (672 h) of the 1,344 training hours, as the bundled CSV
    has them."""
    (x0, _, _, _), _, x_to_t, y_of = read_axes(svg)
    vals = training_values()
    origin = epoch(answer["forecast"]["time"][0])
    pts, _ = hours_of(longest(svg, stroke=HYDRO), x_to_t)
    worst = max(abs(y - y_of(vals[h])) for h, y in pts)
    print(f"history: {len(pts)} points, largest y difference {worst:.4f} px")
    assert worst < TOL_PX
    assert pts[0][0] == origin - 672 * 3600 and pts[-1][0] == origin - 3600
    assert abs(x_to_t(x0) - (origin - 672 * 3600)) < 1


def test_words_and_backtest_bars(svg, answer):
    texts = [t for t, _, _ in plot_util.svg_texts(svg)]
    title = (f"SARIMAX(1,0,1)(1,1,1,24) of production:NO1:hydro, trend n, "
             f"AIC {answer['aic']:.1f}")
    assert answer["converged"] is True
    assert svg.find(plot_util.SVG_NS + "title").text == title
    for t in (title, "history", "forecast", "95 % interval", "Time (Europe/Oslo)",
              "Data: Elhub (CC BY 4.0)", "model", "seasonal-naive", "naive-last-week"):
        assert t in texts, t
    # The bars: rectangles from one x, as long as the MAE (the longest the
    # largest), the model's in the forecast colour; each labelled in MW.
    overall = answer["backtest"]["overall"]
    mae = [overall[k]["mae"] for k in ("model", "seasonal_naive", "naive_week")]
    bars = []
    for f, s, d in plot_util.svg_paths(svg):
        pts = plot_util._coords(d)
        if f and s is None and len(pts) in (5, 6) and pts[0][1] > 100:
            xs = [p[0] for p in pts]
            bars.append((pts[0][1], min(xs), max(xs) - min(xs), f))
    bars.sort()
    assert len(bars) == 3, bars
    assert bars[0][3] == FC and len({b[1] for b in bars}) == 1
    worst = max(abs(b[2] / max(x[2] for x in bars) - m / max(mae)) for b, m in zip(bars, mae))
    print(f"bar length ratios: largest difference {worst:.2e} (tolerance 1e-3)")
    assert worst < 1e-3
    for m in mae:
        assert f"{m / 1e3:.0f} MW" in texts, (m, texts)


def test_not_converged_in_title(store, tmp_path):
    out = tmp_path / "nc.svg"
    args = (*BASE, "--maxiter", "1")
    j = json.loads(run_elhub("forecast", "-q", "--store", store, *args).stdout)
    run_elhub("forecast", "-q", "--store", store, *args, "-o", out)
    assert j["converged"] is False
    title = ET.parse(out).getroot().find(plot_util.SVG_NS + "title").text
    assert title.endswith(f", not converged: {j['message']}"), title
    assert f"AIC {j['aic']:.1f}" in title
    # No backtest: no bars, and the alpha in the legend.
    run_elhub("forecast", "-q", "--store", store, *BASE, "--alpha", "0.1", "-o", out)
    texts = [t for t, _, _ in plot_util.svg_texts(ET.parse(out).getroot())]
    assert "90 % interval" in texts and "model" not in texts


# ---- PNG: the band's pixels -----------------------------------------------------------

def test_png_band_only_over_the_horizon(store, tmp_path, answer):
    png = tmp_path / "f.png"
    svg_path = tmp_path / "same.svg"
    run_elhub("forecast", "-q", "--store", store, *BASE, *FOLDS, "-o", png)
    run_elhub("forecast", "-q", "--store", store, *BASE, *FOLDS, "-o", svg_path)
    root = ET.parse(svg_path).getroot()
    x0, x1, y0, y1 = frame(root)
    t_to_x, _ = time_axis(root, y1)
    w, h, ch, rows = plot_util.read_png(png)
    assert (w, h) == (1200, 675)
    # The band over the white background: 25 % of the forecast colour.
    c = bytes.fromhex(FC[1:])
    band = tuple(0.25 * c[k] + 0.75 * 255 for k in range(3))
    times = [epoch(t) for t in answer["forecast"]["time"]]
    xa, xb = t_to_x(times[0] + 1800), t_to_x(times[-1] + 1800)
    hits = {}
    for y in range(int(y0) + 1, int(y1)):
        for x in range(int(x0) + 1, int(x1)):
            px = rows[y][x * ch:x * ch + 3]
            if all(abs(px[k] - band[k]) <= 1.5 for k in range(3)):
                hits.setdefault(x, []).append(y)
    outside = [x for x in hits if not xa - 1 <= x + 0.5 <= xb + 1]
    cols = range(int(xa) + 2, int(xb) - 1)
    empty = [x for x in cols if x not in hits]
    print(f"band pixels {sum(map(len, hits.values()))} in {len(hits)} columns; horizon x "
          f"{xa:.2f}..{xb:.2f}; outside {len(outside)}, empty columns {len(empty)}")
    assert not outside, outside[:10]
    assert not empty, empty[:10]


# ---- PDF, the alias, refusals, atomic files ---------------------------------------------

def test_pdf_and_plot_alias(store, tmp_path, answer):
    pdf = tmp_path / "f.pdf"
    run_elhub("forecast", "-q", "--store", store, *BASE, "-o", pdf)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    m = re.search(rb"/Title <FEFF([0-9A-F]+)>", data)
    assert m, "no /Title in the PDF"
    assert bytes.fromhex(m.group(1).decode()).decode("utf-16-be").startswith(
        "SARIMAX(1,0,1)(1,1,1,24) of production:NO1:hydro, trend n, AIC ")
    # elhub plot forecast is elhub forecast -o FILE.svg, its size options included.
    a, b = tmp_path / "a.svg", tmp_path / "b.svg"
    run_elhub("forecast", "-q", "--store", store, *BASE, "--width", "900", "--height", "500",
              "-o", a)
    run_elhub("plot", "forecast", "-q", "--store", store, *BASE, "--width=900", "--height",
              "500", "-o", b)
    assert a.read_bytes() == b.read_bytes()
    assert b'width="900px" height="500px"' in a.read_bytes()
    png = tmp_path / "dark.png"
    run_elhub("plot", "forecast", "-q", "--store", store, *BASE, "--theme", "dark", "--dpi",
              "48", "-o", png)
    w, h, ch, rows = plot_util.read_png(png)
    assert (w, h) == (600, 338)  # 1200 x 675 at 48 dpi, rounded
    assert all(abs(a_ - b_) <= 1 for a_, b_ in zip(rows[2][6:9], (28, 31, 36)))  # dark


@pytest.mark.parametrize("extra, name, words", [
    ((), "x.gif", ".json, .csv, .png, .svg or .pdf"),
    (("--width", "100"), "x.png", "--width must be a number from 320 to 10000"),
    (("--height", "big"), "x.svg", "--height must be a number from 240 to 10000"),
    (("--dpi", "5"), "x.png", "--dpi must be a number from 10 to 2400"),
    (("--theme", "pink"), "x.png", "unknown --theme \"pink\": use light or dark"),
    (("--width", "800"), "x.json", "are for a chart file"),
    (("--format", "json"), "x.png", "does not go with the chart file"),
])
def test_refusals_exit_2(store, tmp_path, extra, name, words):
    p = run_elhub("forecast", "--store", store, *BASE, *extra, "-o", tmp_path / name,
                  check=False)
    assert p.returncode == 2, p.stderr
    assert words in p.stderr, p.stderr
    assert not (tmp_path / name).exists()
    assert os.listdir(tmp_path) == []


def test_loglike_at_with_a_chart_is_usage(store, tmp_path):
    pf = tmp_path / "p.json"
    pf.write_text(json.dumps({"ar.L1": 0.8, "ma.L1": 0.1, "ar.S.L24": 0.1, "ma.S.L24": -0.6,
                              "sigma2": 4e9}))
    args = [a for a in BASE if a not in ("--horizon", "168")]
    for name in ("x.png", "x.svg", "x.pdf"):
        p = run_elhub("forecast", "--store", store, *args, "--loglike-at", pf, "-o",
                      tmp_path / name, check=False)
        assert p.returncode == 2, p.stderr
        assert "--loglike-at" in p.stderr and "draws no chart" in p.stderr
        assert not (tmp_path / name).exists()
    p = run_elhub("plot", "forecast", "--store", store, *BASE, check=False)
    assert p.returncode == 2 and "-o FILE.png|.svg|.pdf is required" in p.stderr


def test_failed_run_leaves_existing_file(store, tmp_path):
    target = tmp_path / "keep.png"
    target.write_bytes(b"old contents")
    # No data in 2019: exit 1, the file as it was.
    args = [a if a not in ("2021-01-04", "2021-02-28") else a.replace("2021", "2019")
            for a in BASE]
    p = run_elhub("forecast", "--store", store, *args, "-o", target, check=False)
    assert p.returncode == 1, p.stderr
    assert target.read_bytes() == b"old contents"
    # Too many pixels: refused after the fit (usage), nothing written.
    p = run_elhub("forecast", "--store", store, *BASE, "--width", "10000", "--height", "10000",
                  "--dpi", "2400", "-o", target, check=False)
    assert p.returncode == 2, p.stderr
    assert target.read_bytes() == b"old contents"
    # A directory in the way: cannot write, exit 1, no temporary file left.
    (tmp_path / "dir.svg").mkdir()
    p = run_elhub("forecast", "--store", store, *BASE, "-o", tmp_path / "dir.svg", check=False)
    assert p.returncode == 1 and "cannot write" in p.stderr, p.stderr
    assert sorted(os.listdir(tmp_path)) == ["dir.svg", "keep.png"]
