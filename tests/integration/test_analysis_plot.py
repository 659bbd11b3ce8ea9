"""The chart files of `elhub analyze METHOD -o FILE.png|svg|pdf` and its alias
`elhub plot METHOD`, end to end on the real bundled Elhub rows (NO1 and NO5
hydro, 2021 hourly; CC BY 4.0, attribution "Elhub") in a SQLite store made
by `elhub import`. What was drawn is checked against the JSON body of the
same analysis, placed with the geometry chart/analysis.h documents (x from
96 to width - 24, minus 96 for the spectrogram's colour bar; panels from
y 78 to height - 66; hour i at its middle) and each value axis read from
the SVG's own tick labels (<text> at x0 - 6, the lowest tick on the panel's
bottom edge). PNGs are decoded by plot_util.read_png (no imaging library)."""
import json
import math
import os
import re
import xml.etree.ElementTree as ET

import pytest

import plot_util
from conftest import data_path, run_elhub

W, H = 1000, 500
X0, X1, TOP, BOTTOM = 96, W - 24, 78, H - 66
MARK = (0xE6, 0x00, 0x1A)  # CHART_ANALYSIS_MARK
MARK_R = 3.5
# The colour ramp of chart/analysis.h: viridis at 0, 1/8, ..., 1.
RAMP = ["#440154", "#472d7b", "#3b528b", "#2c728e", "#21918c", "#28ae80", "#5ec962",
        "#addc30", "#fde725"]
RANGE = ("--from", "2021-01-01", "--to", "2021-12-31")
NO5 = ("--series", "production:NO5:hydro")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    db = tmp_path_factory.mktemp("anplot") / "real.db"
    run_elhub("import", "--store", f"sqlite:{db}",
              data_path("production_2021_slices.csv.gz"))
    # ERA5 Bergen 2019 hourly (data/weather/SOURCES.md) as NO5's weather.
    run_elhub("import", "--store", f"sqlite:{db}", "--location", "NO5", "--wind-unit", "kmh",
              "--utc-offset", "+01:00",
              os.path.join(os.path.dirname(__file__), "..", "..", "data", "weather",
                           "era5_bergen_60.3913N_5.3221E_2019.csv"))
    return f"sqlite:{db}"


def body(store, method, *args):
    p = run_elhub("analyze", method, "--store", store, *args)
    return json.loads(p.stdout)


def picture(store, tmp_path, method, suffix, *args, size=True):
    out = tmp_path / f"{method}.{suffix}"
    extra = ("--width", str(W), "--height", str(H)) if size else ()
    run_elhub("plot", method, "--store", store, *args, *extra, "-o", out)
    return out


def svg_root(path):
    return ET.parse(path).getroot()


def value_axes(root):
    """The value axes of the panels, top to bottom, from the tick labels at
    x0 - 6: [(value -> y)], where the label's baseline sits a constant below
    its tick (found from the lowest tick, which is the panel's bottom)."""
    labels = [(float(t), y) for t, x, y in plot_util.svg_texts(root)
              if abs(x - (X0 - 6)) < 0.01 and re.fullmatch(r"-?\d+(\.\d+)?", t)]
    panels, cur = [], []
    for v, y in labels:  # drawn panel by panel, each bottom up
        if cur and v < cur[-1][0]:
            panels.append(cur)
            cur = []
        cur.append((v, y))
    panels.append(cur)
    return panels


def axis_map(ticks, bottom, divisor=1.0):
    """value (own unit) -> y from one panel's labelled ticks."""
    (v0, b0), (v1, b1) = ticks[0], ticks[-1]
    off = b0 - bottom
    return lambda v: b0 - off + (v / divisor - v0) * ((b1 - b0) / (v1 - v0))


def hour_x(i, hours, x1=X1):
    return X0 + (x1 - X0) * (i * 3600 + 1800) / (hours * 3600)


def mark_pixels(path):
    w, h, ch, rows = plot_util.read_png(path)
    assert (w, h) == (W, H)
    return {(x, y) for y in range(TOP - 5, BOTTOM + 6) for x in range(w)
            if tuple(rows[y][x * ch:x * ch + 3]) == MARK}


def components(points):
    """Connected groups (8-neighbourhood) of a set of pixels."""
    left, n = set(points), 0
    while left:
        n += 1
        stack = [left.pop()]
        while stack:
            x, y = stack.pop()
            for dx in (-1, 0, 1):
                for dy in (-1, 0, 1):
                    q = (x + dx, y + dy)
                    if q in left:
                        left.remove(q)
                        stack.append(q)
    return n


def disc_groups(centres, r=MARK_R):
    """How many groups the discs at centres form when those that touch
    (centres within 2r + 1 px) are merged."""
    parent = list(range(len(centres)))

    def find(i):
        while parent[i] != i:
            i = parent[i]
        return i
    for i, (xa, ya) in enumerate(centres):
        for j in range(i):
            xb, yb = centres[j]
            if math.hypot(xa - xb, ya - yb) <= 2 * r + 1:
                parent[find(i)] = find(j)
    return len({find(i) for i in range(len(centres))})


def check_marks(png, centres, ignore_row=None):
    """Every mark pixel is inside some predicted disc (+1 px), every disc
    centre is marked, and the marks form as many blobs as the discs do.
    ignore_row: a row of other marks (the LOF threshold), left out and
    returned; the blob count is then not checked (the row joins discs)."""
    got = mark_pixels(png)
    row = {p for p in got if p[1] == ignore_row}
    got -= row
    stray = [p for p in got
             if min(math.hypot(p[0] + 0.5 - x, p[1] + 0.5 - y) for x, y in centres) > MARK_R + 1]
    missing = [c for c in centres
               if not any((int(c[0]) + dx, int(c[1]) + dy) in got
                          for dx in (-1, 0, 1) for dy in (-1, 0, 1))]
    print(f"mark pixels {len(got)}, discs {len(centres)}, stray {len(stray)}, "
          f"missing {len(missing)}")
    assert not stray, stray[:5]
    assert not missing, missing[:5]
    if ignore_row is None:
        assert components(got) == disc_groups(centres)
    return row


# ---- outliers and anomalies: the marks are the JSON's hours ----------------------

def test_outliers_marks_and_band(store, tmp_path):
    j = body(store, "outliers", *NO5, *RANGE)
    png = picture(store, tmp_path, "outliers", "png", *NO5, *RANGE)
    svg = picture(store, tmp_path, "outliers", "svg", *NO5, *RANGE)
    root = svg_root(svg)
    texts = [t for t, _, _ in plot_util.svg_texts(root)]
    assert "Production (GW)" in texts
    (ticks,) = value_axes(root)
    y_of = axis_map(ticks, BOTTOM, divisor=1e6)  # kWh per hour -> GW
    hours = len(j["time"])
    assert hours == 8760
    idx = [i for i, f in enumerate(j["outlier"]) if f]
    assert len(idx) == j["summary"]["count"] > 0
    check_marks(png, [(hour_x(i, hours), y_of(j["value"][i])) for i in idx])
    # The band: inside the bounds at a quiet hour it is tinted, outside white.
    _, _, ch, rows = plot_util.read_png(png)
    i = 4000
    x = int(hour_x(i, hours))
    lo, up = y_of(j["lower"][i]), y_of(j["upper"][i])
    inside = [int(up + 3), int(lo - 3)]
    outside = [int(up - 4), int(lo + 4)]
    for y in inside:
        px = tuple(rows[y][x * ch:x * ch + 3])
        assert px != (255, 255, 255) and px[2] > px[0], (y, px)
    for y in outside:
        if TOP < y < BOTTOM:
            px = [tuple(rows[y][(x + d) * ch:(x + d) * ch + 3]) for d in (-2, 0, 2)]
            assert (255, 255, 255) in px, (y, px)  # white, but for a grid line


def test_weather_outliers_in_their_own_unit(store, tmp_path):
    args = ("--series", "weather:NO5:temperature_2m", "--from", "2019-01-01", "--to",
            "2019-12-31")
    j = body(store, "outliers", *args)
    png = picture(store, tmp_path, "outliers", "png", *args)
    root = svg_root(picture(store, tmp_path, "outliers", "svg", *args))
    texts = [t for t, _, _ in plot_util.svg_texts(root)]
    assert "Temperature (2 m) (\u00b0C)" in texts, texts
    assert "Weather data by Open-Meteo.com (ERA5, Copernicus/ECMWF), CC BY 4.0" in texts
    (ticks,) = value_axes(root)
    y_of = axis_map(ticks, BOTTOM)  # degrees: no ladder
    hours = len(j["time"])
    idx = [i for i, f in enumerate(j["outlier"]) if f]
    assert len(idx) == j["summary"]["count"] > 0
    check_marks(png, [(hour_x(i, hours), y_of(j["value"][i])) for i in idx])


def test_anomalies_marks(store, tmp_path):
    j = body(store, "anomalies", *NO5, *RANGE)
    png = picture(store, tmp_path, "anomalies", "png", *NO5, *RANGE)
    svg = picture(store, tmp_path, "anomalies", "svg", *NO5, *RANGE)
    values, scores = value_axes(svg_root(svg))
    # Panels 2:1 between TOP and BOTTOM, 14 apart.
    h0 = (BOTTOM - TOP - 14) * 2 / 3
    y_value = axis_map(values, TOP + h0, divisor=1e6)
    y_score = axis_map(scores, BOTTOM)
    hours = len(j["time"])
    idx = [i for i, f in enumerate(j["anomaly"]) if f]
    assert len(idx) == j["count"] > 0
    centres = [(hour_x(i, hours), y_value(j["value"][i])) for i in idx]
    centres += [(hour_x(i, hours), y_score(j["score"][i])) for i in idx]
    # The dashed threshold is in the mark colour too: its row is left out.
    dashes = check_marks(png, centres, ignore_row=round(y_score(j["offset"])))
    assert len(dashes) > 0.4 * (X1 - X0)


# ---- spectrogram: every cell's colour is its power --------------------------------

def ramp(u):
    u = min(1.0, max(0.0, u))
    pos = u * (len(RAMP) - 1)
    i = min(int(pos), len(RAMP) - 2)
    a, b = bytes.fromhex(RAMP[i][1:]), bytes.fromhex(RAMP[i + 1][1:])
    f = pos - i
    return tuple(a[k] + (b[k] - a[k]) * f for k in range(3))


RAMP_TABLE = [(u / 1024, ramp(u / 1024)) for u in range(1025)]


def unramp(px):
    return min(RAMP_TABLE, key=lambda e: sum((e[1][k] - px[k]) ** 2 for k in range(3)))[0]


def test_spectrogram_cells(store, tmp_path):
    j = body(store, "spectrogram", *NO5, *RANGE)
    png = picture(store, tmp_path, "spectrogram", "png", *NO5, *RANGE)
    svg = picture(store, tmp_path, "spectrogram", "svg", *NO5, *RANGE)
    root = svg_root(svg)
    texts = [t for t, _, _ in plot_util.svg_texts(root)]
    assert "Frequency (cycles per day)" in texts
    assert any(t.startswith("log10 power") for t in texts)
    (fticks,) = value_axes(root)
    y_of = axis_map(fticks, BOTTOM)
    power, freq, times = j["power"], j["frequency"], j["time"]
    x1 = X1 - 96
    t0 = plot_util.epoch("2021-01-01T00:00:00+01:00")
    span = plot_util.epoch("2022-01-01T00:00:00+01:00") - t0
    logs = [math.log10(p) for row in power for p in row if p > 0]
    chi = max(logs)
    clo = max(min(logs), chi - 6)
    _, _, ch, rows = plot_util.read_png(png)
    worst, got_rows = 0.0, [[0.0] * len(freq) for _ in times]
    for i, t in enumerate(times):
        x = int(X0 + (x1 - X0) * (plot_util.epoch(t) - t0) / span)
        for k, f in enumerate(freq):
            if k in (0, len(freq) - 1):
                continue  # half cells at the panel's edges
            y = int(y_of(f))
            u = unramp(rows[y][x * ch:x * ch + 3])
            want = (math.log10(power[i][k]) - clo) / (chi - clo) if power[i][k] > 0 else 0
            want = min(1, max(0, want))
            worst = max(worst, abs(u - want))
            got_rows[i][k] = u
    print(f"largest colour-scale difference {worst:.4f} of the ramp (tolerance 0.01)")
    assert worst < 0.01
    # The hottest row: the frequency whose mean log power is largest, the
    # same in the picture and in the JSON; and the daily cycle (1 cycle per
    # day) is the strongest above half a cycle per day in both.
    inner = range(1, len(freq) - 1)
    mean_png = {k: sum(r[k] for r in got_rows) / len(times) for k in inner}
    mean_json = {k: sum(math.log10(r[k]) for r in power) / len(times) for k in inner}
    best_png, best_json = max(mean_png, key=mean_png.get), max(mean_json, key=mean_json.get)
    print(f"hottest row {freq[best_png]} cycles/day (JSON {freq[best_json]})")
    assert best_png == best_json
    fast = [k for k in inner if freq[k] > 0.5]
    assert abs(freq[max(fast, key=mean_png.get)] - 1.0) < 1e-9
    assert abs(freq[max(fast, key=mean_json.get)] - 1.0) < 1e-9


def test_stl_autumn_dst_hours_by_instant(store, tmp_path):
    """October 2021 holds the 25-hour day (745 hours): every point of each
    STL panel's line sits at the middle of an absolute hour, evenly spaced,
    at its component's value in the JSON. (cairo drops a point that would
    repeat the previous one, so a line may have a few points fewer.)"""
    args = (*NO5, "--from", "2021-10-01", "--to", "2021-10-31", "--period", "24")
    j = body(store, "stl", *args)
    root = svg_root(picture(store, tmp_path, "stl", "svg", *args))
    hours = len(j["time"])
    assert hours == 745
    lines = [plot_util._coords(d) for fill, stroke, d in plot_util.svg_paths(root)
             if stroke == "#1f77b4" and fill is None]
    assert len(lines) == 4
    axes = value_axes(root)
    gap = 14
    h = (BOTTOM - TOP - 3 * gap) / 4
    step = (X1 - X0) / hours
    worst_x = worst_y = 0.0
    for k, (name, pts) in enumerate(zip(("observed", "trend", "seasonal", "resid"), lines)):
        y_of = axis_map(axes[k], TOP + k * (h + gap) + h, divisor=1e6)
        seen = set()
        for x, y in pts:
            i = round((x - X0) / step - 0.5)
            seen.add(i)
            worst_x = max(worst_x, abs(x - hour_x(i, hours)))
            worst_y = max(worst_y, abs(y - y_of(j[name][i])))
        assert min(seen) == 0 and max(seen) == hours - 1 and len(seen) > 0.98 * hours, name
    # The 25 hours of 31 October (Oslo) are 25 distinct positions: the
    # observed line has a point at each.
    day = [i for i, t in enumerate(j["time"]) if t.startswith("2021-10-31")]
    assert len(day) == 25
    xs = {round((x - X0) / step - 0.5) for x, _ in lines[0]}
    assert set(day) <= xs
    print(f"largest differences: x {worst_x:.4f} px, y {worst_y:.4f} px (tolerance 0.02)")
    assert worst_x < 0.02 and worst_y < 0.02


# ---- words: SVG text and PDF metadata ---------------------------------------------

def test_stl_svg_words(store, tmp_path):
    svg = picture(store, tmp_path, "stl", "svg", *NO5, *RANGE)
    root = svg_root(svg)
    title = "STL of production:NO5:hydro, 2021-01-01 to 2021-12-31"
    assert root.find(plot_util.SVG_NS + "title").text == title
    texts = [t for t, _, _ in plot_util.svg_texts(root)]
    for t in (title, "Observed (GW)", "Trend (GW)", "Seasonal (GW)", "Residual (GW)",
              "Time (Europe/Oslo)", "Data: Elhub (CC BY 4.0)", "Jan 2021", "Jul"):
        assert t in texts, t
    assert len(value_axes(root)) == 4


def test_correlate_title_best_lag(store, tmp_path):
    args = ("--x", "production:NO1:hydro", "--y", "production:NO5:hydro", *RANGE,
            "--lag-range", "-24:24")
    j = body(store, "correlate", *args)
    svg = picture(store, tmp_path, "correlate", "svg", *args)
    root = svg_root(svg)
    want = (f"Correlation of production:NO1:hydro and production:NO5:hydro, 2021-01-01 to "
            f"2021-12-31, best lag {j['best_lag']} h (r = {j['best_r']:.2f})")
    assert root.find(plot_util.SVG_NS + "title").text == want
    texts = [t for t, _, _ in plot_util.svg_texts(root)]
    assert "z-score" in texts and "r" in texts
    _, r_axis = value_axes(root)
    assert (r_axis[0][0], r_axis[-1][0]) == (-1, 1)


def test_analyze_pdf_and_png(store, tmp_path):
    pdf = tmp_path / "anomalies.pdf"
    run_elhub("analyze", "anomalies", "--store", store, *NO5, *RANGE, "-o", pdf)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    m = re.search(rb"/Title <FEFF([0-9A-F]+)>", data)
    assert m, "no /Title in the PDF"
    assert bytes.fromhex(m.group(1).decode()).decode("utf-16-be") == \
        "Anomalies (LOF) of production:NO5:hydro, 2021-01-01 to 2021-12-31"
    png = tmp_path / "stl.png"
    run_elhub("analyze", "stl", "--store", store, *NO5, *RANGE, "-o", png)
    w, h, _, rows = plot_util.read_png(png)
    assert (w, h) == (1200, 675)  # elhub analyze's size
    dark = picture(store, tmp_path, "outliers", "png", *NO5, *RANGE, "--theme", "dark")
    _, _, ch, rows = plot_util.read_png(dark)
    assert all(abs(a - b) <= 1 for a, b in zip(rows[2][6:9], (28, 31, 36)))  # dark background


# ---- refusals -----------------------------------------------------------------------

def test_bad_suffix_exits_2(store, tmp_path):
    for cmd in (("analyze",), ("plot",)):
        p = run_elhub(*cmd, "outliers", "--store", store, *NO5, *RANGE, "-o",
                      tmp_path / "x.gif", check=False)
        assert p.returncode == 2, p.stderr
        assert ".gif" in p.stderr
        assert not (tmp_path / "x.gif").exists()
    p = run_elhub("plot", "stl", "--store", store, *NO5, *RANGE, check=False)
    assert p.returncode == 2 and "-o FILE.png|.svg|.pdf is required" in p.stderr
    p = run_elhub("plot", "--width", "900", "stl", "--store", store, "-o", tmp_path / "x.png",
                  check=False)
    assert p.returncode == 2 and "name the analysis first: elhub plot stl" in p.stderr
    p = run_elhub("plot", "stll", "-o", tmp_path / "x.png", check=False)
    assert p.returncode == 2 and "did you mean stl?" in p.stderr
    p = run_elhub("plot", "stl", "--store", store, *NO5, *RANGE, "--theme", "pink", "-o",
                  tmp_path / "x.png", check=False)
    assert p.returncode == 2 and "--theme" in p.stderr


def test_failure_leaves_existing_file(store, tmp_path):
    target = tmp_path / "keep.png"
    target.write_bytes(b"old contents")
    # No data in 2019: exit 1, the old file as it was.
    p = run_elhub("analyze", "stl", "--store", store, *NO5, "--from", "2019-01-01", "--to",
                  "2019-01-31", "-o", target, check=False)
    assert p.returncode == 1, p.stderr
    assert target.read_bytes() == b"old contents"
    # Too many pixels: refused (usage) after the analysis, nothing written.
    p = run_elhub("plot", "outliers", "--store", store, *NO5, *RANGE, "--width", "10000",
                  "--dpi", "2400", "-o", target, check=False)
    assert p.returncode == 2, p.stderr
    assert target.read_bytes() == b"old contents"
    # A directory in the way, and a missing directory: cannot write, exit 1.
    (tmp_path / "dir.png").mkdir()
    for path in (tmp_path / "dir.png", tmp_path / "missing" / "x.png"):
        p = run_elhub("analyze", "outliers", "--store", store, *NO5, *RANGE, "-o", path,
                      check=False)
        assert p.returncode == 1, p.stderr
        assert "cannot write" in p.stderr
    assert (tmp_path / "dir.png").is_dir() and not os.listdir(tmp_path / "dir.png")
    assert sorted(os.listdir(tmp_path)) == ["dir.png", "keep.png"]
