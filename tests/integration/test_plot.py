"""`elhub plot` end to end over a real SQLite store: the real 2021 and 2025
Elhub rows from data/elhub/ (filled with Python's sqlite3 in the
exact schema of src/store/store_sqlite.c) and small known fixtures. Checks
the files (PNG chunks and size, SVG as XML, PDF header), colours and
proportions by pixel counts, the points of a DST month, and the errors."""
import math
import re
import struct
import subprocess
import xml.etree.ElementTree as ET

import pytest

import plot_util
from conftest import make_empty_store, elhub_bin, run_elhub

SVG = "{http://www.w3.org/2000/svg}"
HYDRO, WIND, SOLAR = "#1f77b4", "#17becf", "#f2b701"  # src/present.c


@pytest.fixture(scope="module")
def real_store(tmp_path_factory):
    return plot_util.make_real_store(tmp_path_factory.mktemp("plot") / "real.db")


def png_size(path):
    data = open(path, "rb").read(32)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def svg_stroke_paths(path, hex_color):
    """The point lists of every stroked <path> in the given colour."""
    r, g, b = (int(hex_color[i:i + 2], 16) / 255 * 100 for i in (1, 3, 5))
    out = []
    for el in ET.parse(path).getroot().iter(SVG + "path"):
        m = re.search(r"stroke:rgb\(([\d.]+)%,([\d.]+)%,([\d.]+)%\)", el.get("style", ""))
        if not m or "fill:none" not in el.get("style", ""):
            continue
        if max(abs(float(m.group(i + 1)) - v) for i, v in enumerate((r, g, b))) > 0.01:
            continue
        cmds = re.findall(r"([ML]) ([-\d.]+) ([-\d.]+)", el.get("d"))
        out.append([(float(x), float(y)) for _, x, y in cmds])
    return out


# ---- files ---------------------------------------------------------------

def test_pie_png_real_data(real_store, tmp_path):
    out = tmp_path / "pie.png"
    p = run_elhub("plot", "pie", "--store", real_store, "--area", "NO1", "--month", "2021-01",
                  "-o", out)
    assert "wrote" in p.stderr
    assert png_size(out) == (1200, 675)
    w, h, _, _ = plot_util.read_png(out)  # every chunk CRC and the image data decode
    assert (w, h) == (1200, 675)
    counts = plot_util.color_counts(out, [HYDRO, WIND])
    # January 2021 NO1 (real totals): hydro 97.2 %, wind 1.0 % of the pie.
    assert counts[HYDRO] > 50 * counts[WIND] > 0


def test_png_dpi_and_size(real_store, tmp_path):
    out = tmp_path / "big.png"
    run_elhub("plot", "line", "--store", real_store, "--area", "NO1", "--month", "2021-01",
              "--width", "800", "--height", "500", "--dpi", "192", "-o", out)
    assert png_size(out) == (1600, 1000)


def test_svg_is_xml_with_title_and_legend(real_store, tmp_path):
    out = tmp_path / "line.svg"
    run_elhub("plot", "line", "--store", real_store, "--area", "NO1", "--month", "2021-01",
              "-o", out)
    root = ET.parse(out).getroot()
    assert root.tag == SVG + "svg"
    assert root.get("width") == "1200px"
    assert root.find(SVG + "title").text == "Hourly Production by Group in NO1 (January 2021)"
    desc = root.find(SVG + "desc").text
    for label in ("Hydro", "Wind", "Solar", "Thermal", "Other"):
        assert label in desc
    assert "Elhub" in desc


def test_pdf_header_and_title(real_store, tmp_path):
    out = tmp_path / "area.PDF"
    run_elhub("plot", "area", "--store", real_store, "--area", "NO4", "--month", "2021-01",
              "--step", "day", "-o", out)
    data = open(out, "rb").read()
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    # The title is in the document info, as UTF-16BE hex with a BOM.
    title = "Daily Production by Group in NO4 (January 2021)"
    assert b"/Title <FEFF" + title.encode("utf-16-be").hex().upper().encode() in data


def test_default_output_name(real_store, tmp_path):
    p = subprocess.run([elhub_bin(), "plot", "pie", "--store", real_store, "--area", "NO5",
                        "--year", "2021"], cwd=tmp_path, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert png_size(tmp_path / "pie-production-NO5-2021.png") == (1200, 675)


def test_titles_for_steps_and_consumption(tmp_path):
    store = plot_util.make_split_store(tmp_path / "c.db", {"household": 70, "cabin": 30},
                                       dataset="consumption")
    out = tmp_path / "c.svg"
    run_elhub("plot", "pie", "--store", store, "--dataset", "consumption", "--area", "NO1",
              "--year", "2021", "-o", out)
    root = ET.parse(out).getroot()
    assert root.find(SVG + "title").text == "Total Consumption by Group in NO1 (2021)"
    assert "Household" in root.find(SVG + "desc").text
    run_elhub("plot", "line", "--store", store, "--dataset", "consumption", "--area", "NO1",
              "--month", "2021-01", "--step", "week", "--title", "Mine & yours", "-o", out)
    assert ET.parse(out).getroot().find(SVG + "title").text == "Mine & yours"


# ---- pixels ----------------------------------------------------------------

@pytest.mark.parametrize("theme", ["light", "dark"])
def test_pie_colours_in_proportion(tmp_path, theme):
    store = plot_util.make_split_store(tmp_path / "s.db", {"hydro": 50, "wind": 30, "solar": 20})
    out = tmp_path / "split.png"
    run_elhub("plot", "pie", "--store", store, "--area", "NO1", "--month", "2021-01",
              "--theme", theme, "-o", out)
    counts = plot_util.color_counts(out, [HYDRO, WIND, SOLAR])
    total = sum(counts.values())
    assert total > 50000, counts  # a real pie, not just legend swatches
    for color, share in ((HYDRO, 0.5), (WIND, 0.3), (SOLAR, 0.2)):
        assert abs(counts[color] / total - share) < 0.02, (color, counts)
    # The background follows the theme.
    _, _, ch, rows = plot_util.read_png(out)
    corner = bytes(rows[2][6:9])
    assert (corner == b"\xff\xff\xff") == (theme == "light"), corner


def test_dark_line_keeps_group_colours(real_store, tmp_path):
    out = tmp_path / "dark.png"
    run_elhub("plot", "line", "--store", real_store, "--area", "NO1", "--month", "2021-01",
              "--groups", "hydro,wind", "--theme", "dark", "-o", out)
    counts = plot_util.color_counts(out, [HYDRO, WIND, SOLAR])
    assert counts[HYDRO] > 500 and counts[WIND] > 100
    assert counts[SOLAR] == 0  # not asked for


# ---- the time axis --------------------------------------------------------

@pytest.mark.parametrize("month,hours", [("2021-10", 745), ("2021-03", 743), ("2021-01", 744)])
def test_dst_month_has_every_hour(real_store, tmp_path, month, hours):
    out = tmp_path / "m.svg"
    p = run_elhub("plot", "line", "--store", real_store, "--area", "NO1", "--month", month,
                  "--groups", "hydro", "-v", "-o", out)
    assert f"hydro: {hours} points" in p.stderr
    assert f"time axis: {hours} hour buckets" in p.stderr
    paths = svg_stroke_paths(out, HYDRO)
    line = max(paths, key=len)
    assert len(line) == hours
    # x is absolute time: one hour is the same width everywhere (~1.4 px),
    # across the 25-hour (or 23-hour) day too. Cairo writes SVG coordinates
    # in 1/256 px steps, hence the tolerance.
    dx = [b[0] - a[0] for a, b in zip(line, line[1:])]
    assert max(dx) - min(dx) < 0.01, (min(dx), max(dx))


def test_daily_points_on_dst_month(real_store, tmp_path):
    out = tmp_path / "d.svg"
    run_elhub("plot", "line", "--store", real_store, "--area", "NO1", "--month", "2021-10",
              "--groups", "hydro", "--step", "day", "-o", out)
    line = max(svg_stroke_paths(out, HYDRO), key=len)
    assert len(line) == 31
    dx = [b[0] - a[0] for a, b in zip(line, line[1:])]
    # Each point sits mid-day; the gap across 31 Oct is half a 24-hour day
    # plus half the 25-hour day.
    assert abs(dx[-1] / dx[0] - 24.5 / 24) < 1e-3, dx[-1] / dx[0]


def test_2025_rows_cross_dst(real_store, tmp_path):
    out = tmp_path / "y.svg"
    p = run_elhub("plot", "area", "--store", real_store, "--area", "NO2", "--month", "2025-10",
                  "-v", "-o", out)
    # Real rows start 2025-10-20 09:00 local: 15 hours that day, then 11
    # days of 24 hours, plus the extra hour of the 25-hour 26 October.
    assert "hydro: 280 points" in p.stderr
    assert "time axis: 745 hour buckets" in p.stderr


# ---- errors -----------------------------------------------------------------

def test_empty_year_says_what_exists(real_store, tmp_path):
    out = tmp_path / "x.png"
    p = run_elhub("plot", "pie", "--store", real_store, "--area", "NO1", "--year", "2019",
                  "-o", out, check=False)
    assert p.returncode == 1
    assert "no production data for NO1 in 2019; the store has NO1 production data in 2021, 2025" \
        in p.stderr
    assert not out.exists()


def test_empty_month_lists_month_ranges(real_store, tmp_path):
    p = run_elhub("plot", "line", "--store", real_store, "--area", "NO1", "--month", "2021-06",
                  "--groups", "wind", "-o", tmp_path / "x.png", check=False)
    assert p.returncode == 1
    assert "no production (wind) data for NO1 in June 2021" in p.stderr
    assert "2021-01, 2025-10..2025-11" in p.stderr


def test_unknown_area_and_group(real_store, tmp_path):
    # A name the store does not hold is a usage error naming what it holds.
    p = run_elhub("plot", "pie", "--store", real_store, "--area", "NO9", "--year", "2021",
                  "-o", tmp_path / "x.png", check=False)
    assert p.returncode == 2
    assert "area NO9: the store has production data for NO1, NO2, NO3, NO4, NO5" in p.stderr
    p = run_elhub("plot", "line", "--store", real_store, "--area", "no1", "--month", "2021-01",
                  "--groups", "hydro,hydor", "-o", tmp_path / "x.png", check=False)
    assert p.returncode == 2
    assert "group hydor: the store has production data in NO1 for hydro, other, solar, thermal, wind" \
        in p.stderr


def test_empty_store(tmp_path):
    empty = make_empty_store(tmp_path / "empty.db")
    p = run_elhub("plot", "pie", "--store", empty, "--area", "NO1",
                  "--year", "2021", "-o", tmp_path / "x.png", check=False)
    assert p.returncode == 1
    assert "holds no production data" in p.stderr
    # A store that does not exist is an error naming it, and is not created.
    p = run_elhub("plot", "pie", "--store", f"sqlite:{tmp_path / 'typo.db'}", "--area", "NO1",
                  "--year", "2021", "-o", tmp_path / "x.png", check=False)
    assert p.returncode == 1
    assert f"no store at {tmp_path / 'typo.db'}" in p.stderr
    assert not (tmp_path / "typo.db").exists()


def test_unwritable_targets_leave_nothing(real_store, tmp_path):
    args = ("plot", "pie", "--store", real_store, "--area", "NO1", "--month", "2021-01")
    p = run_elhub(*args, "-o", tmp_path / "missing" / "x.png", check=False)
    assert p.returncode == 1
    assert "cannot write" in p.stderr and "No such file or directory" in p.stderr
    # The target is a directory: the rename fails, the temporary file goes.
    (tmp_path / "d.png").mkdir()
    p = run_elhub(*args, "-o", tmp_path / "d.png", check=False)
    assert p.returncode == 1
    assert "cannot write" in p.stderr
    assert sorted(x.name for x in tmp_path.iterdir()) == ["d.png"]


def test_failure_keeps_existing_file(real_store, tmp_path):
    out = tmp_path / "keep.png"
    out.write_bytes(b"old")
    p = run_elhub("plot", "pie", "--store", real_store, "--area", "NO1", "--year", "2019",
                  "-o", out, check=False)
    assert p.returncode == 1
    assert out.read_bytes() == b"old"
    run_elhub("plot", "pie", "--store", real_store, "--area", "NO1", "--month", "2021-01",
              "-o", out)
    assert png_size(out) == (1200, 675)
    assert sorted(x.name for x in tmp_path.iterdir()) == ["keep.png"]


@pytest.mark.parametrize("args,message", [
    (["pie", "--area", "NO1", "--year", "2021", "-o", "x.jpg"], 'unknown file type ".jpg"'),
    (["pie", "--area", "NO1", "--year", "2021", "-o", "chart"], "cannot tell the format"),
    (["pie", "--year", "2021"], "--area is required"),
    (["pie", "--area", "NO1"], "either --year YYYY or --month YYYY-MM"),
    (["pie", "--area", "NO1", "--year", "2021", "--month", "2021-01"], "either --year"),
    (["line", "--area", "NO1", "--month", "2021-13"], 'bad --month "2021-13"'),
    (["line", "--area", "NO1", "--month", "2021-01", "--step", "minute"], 'unknown --step'),
    (["pie", "--area", "NO1", "--year", "2021", "--step", "day"], "line and area charts only"),
    (["pie", "--area", "NO1", "--year", "2021", "--theme", "pink"], 'unknown --theme "pink"'),
    (["pie", "--area", "NO1", "--year", "2021", "--width", "10"], "--width must be a number"),
    (["pie", "--area", "NO1", "--year", "2021", "--dpi", "abc"], "--dpi must be a number"),
    (["bar", "--area", "NO1", "--year", "2021"], 'unknown chart "bar"'),
    ([], "which chart?"),
    (["pie", "--area", "NO1", "--year", "2021", "--dataset", "exchange"], 'unknown dataset'),
    (["pie", "--area", "NO1", "--year", "2021", "--groups", "hydro,"], "trailing comma"),
    # weather's variables do not add up: no pie or stack of them (the Weather page)
    (["pie", "--area", "NO5", "--year", "2019", "--dataset", "weather"],
     "plot draws the energy datasets"),
    (["line", "--area", "NO5", "--month", "2019-07", "--dataset", "weather"],
     "see the dashboard's Weather page, or elhub snowdrift -o rose.png"),
])
def test_usage_errors_exit_2(real_store, args, message):
    p = run_elhub("plot", *args, "--store", real_store, check=False)
    assert p.returncode == 2, p.stderr
    assert message in p.stderr


def test_too_many_pixels(real_store, tmp_path):
    p = run_elhub("plot", "pie", "--store", real_store, "--area", "NO1", "--month", "2021-01",
                  "--width", "9000", "--dpi", "400", "-o", tmp_path / "x.png", check=False)
    assert p.returncode == 1
    assert "the most is 16384 per side" in p.stderr
    assert list(tmp_path.iterdir()) == []


# ---- issue 12 item 14: what the files draw, against the bundled data ---------

THERMAL, OTHER = "#d62728", "#7f7f7f"  # src/present.c
ORDER = [HYDRO, WIND, SOLAR, THERMAL, OTHER]  # present.c's fixed group order
BAND = "#f6dede"  # present_missing_color(light)
GAP = ("2021-01-10T12:00:00+01:00", "2021-01-14T12:00:00+01:00")  # NO4 hydro removed
JAN = ("2021-01-01", "2021-02-01")


def _x_of(frame, t, period):
    """Where instant t lies on the x axis of the selected period (Oslo
    dates [start, end)), from the drawn frame."""
    x0, x1 = frame[0], frame[1]
    (a, _), (_, z) = (plot_util.oslo_buckets(*period, "day")[i] for i in (0, -1))
    return x0 + (x1 - x0) * (t - a) / (z - a)


@pytest.fixture(scope="module")
def gap_store(tmp_path_factory):
    """The real 2021 slices imported by elhub, then NO4 hydro deleted from
    10 January 12:00 to 14 January 12:00 (96 hours) behind elhub's back and
    the rollups repaired: days 10 and 14 are partial, 11-13 have no hydro."""
    import sqlite3
    d = tmp_path_factory.mktemp("gap")
    store = f"sqlite:{d / 'gap.db'}"
    run_elhub("import", "-q", "--store", store,
              plot_util.data_path("production_2021_slices.csv"))
    a, z = (plot_util.epoch(t) for t in GAP)
    con = sqlite3.connect(d / "gap.db")
    n = con.execute("DELETE FROM production WHERE pricearea='NO4' AND productiongroup='hydro'"
                    " AND starttime >= ? AND starttime < ?", (a, z)).rowcount
    con.commit()
    con.close()
    assert n == 96
    run_elhub("repair", "-q", "--store", store)
    return store


def _no4_daily(exclude_gap=True):
    """{group: {day index: kWh}} of NO4 in January 2021 from the CSV."""
    a, z = (plot_util.epoch(t) for t in GAP)
    days = plot_util.oslo_buckets(*JAN, "day")
    out = {}
    for area, g, t, v in plot_util.real_slices_rows():
        if area != "NO4" or (exclude_gap and g == "hydro" and a <= t < z):
            continue
        for j, (da, dz) in enumerate(days):
            if da <= t < dz:
                out.setdefault(g, {}).setdefault(j, []).append(v)
    return {g: {j: math.fsum(v) for j, v in d.items()} for g, d in out.items()}, days


def test_stack_order_gap_and_partial_markers(gap_store, tmp_path):
    """Items 3, 14: layers stack in present.c's group order (hydro at the
    bottom) at each instant; inside hydro's gap the others keep their own
    values (the stacked total is theirs); partial days are hollow markers
    at the bucket middle; all against sums of the CSV rows."""
    out = tmp_path / "a.svg"
    run_elhub("plot", "area", "--store", gap_store, "--area", "NO4", "--month", "2021-01",
              "--step", "day", "-o", out)
    root = ET.parse(out).getroot()
    daily, days = _no4_daily()
    layers = plot_util.svg_areas(root)
    assert [f for f, _, _ in layers] == ORDER
    frame = plot_util.svg_plot_frame(root)
    base = layers[0][2][0][1]
    assert all(abs(y - base) < 1e-6 for _, y in layers[0][2])  # hydro stands on zero
    total = [math.fsum(daily[g].get(j, 0) for g in daily) for j in range(len(days))]
    scale = (base - layers[-1][1][0][1]) / total[0]  # px per kWh, from day 1 only
    worst_x = worst_y = 0
    groups = ["hydro", "wind", "solar", "thermal", "other"]
    for j, (da, dz) in enumerate(days):
        level = 0
        for k, g in enumerate(groups):
            level += daily[g].get(j, 0)
            x = _x_of(frame, (da + dz) / 2, JAN)
            y = plot_util.poly_at(layers[k][1], x)
            worst_y = max(worst_y, abs(y - (base - scale * level)))
        # The top layer's drawn corners are the bucket middles.
        worst_x = max(worst_x, min(abs(px - x) for px, _ in layers[-1][1]))
    print("largest x difference (px):", worst_x, "largest y difference (px):", worst_y)
    assert worst_x < 0.01 and worst_y < 0.02  # cairo writes 1/256 px steps
    # Day 12 is inside the gap: the top of the stack is the other groups' sum.
    assert 11 not in daily["hydro"] and total[11] > 0
    hollow = sorted(round(x, 2) for x, y, fill, stroke in plot_util.svg_markers(root)
                    if stroke == HYDRO and fill == "#ffffff")
    want = sorted(round(_x_of(frame, (days[j][0] + days[j][1]) / 2, JAN), 2) for j in (9, 13))
    assert hollow == want, (hollow, want)
    texts = [t for t, _, _ in plot_util.svg_texts(root)]
    assert "shaded: hours missing for Hydro (96 hours)" in texts
    assert "hollow markers: partial buckets (some hours missing)" in texts


def test_partial_week_marker_and_edge_week_middle(gap_store, tmp_path):
    """Item 6: the edge weeks of January 2021 are drawn at the middle of
    their part inside the month; the week with the gap is hollow."""
    out = tmp_path / "w.svg"
    run_elhub("plot", "line", "--store", gap_store, "--area", "NO4", "--month", "2021-01",
              "--groups", "hydro", "--step", "week", "-o", out)
    root = ET.parse(out).getroot()
    frame = plot_util.svg_plot_frame(root)
    line = max(svg_stroke_paths(out, HYDRO), key=len)
    # Oslo weeks start on Monday: 28 Dec (Jan 1-3 inside), 4, 11, 18, 25 Jan.
    starts = ["2021-01-01", "2021-01-04", "2021-01-11", "2021-01-18", "2021-01-25", "2021-02-01"]
    mids = [(plot_util.epoch(a + "T00:00:00+01:00") + plot_util.epoch(b + "T00:00:00+01:00")) / 2
            for a, b in zip(starts, starts[1:])]
    assert len(line) == 5
    diffs = [abs(x - _x_of(frame, m, JAN)) for (x, _), m in zip(line, mids)]
    print("largest x difference (px):", max(diffs))
    assert max(diffs) < 0.01
    hollow = [round(x, 2) for x, y, fill, stroke in plot_util.svg_markers(root)
              if stroke == HYDRO and fill == "#ffffff"]
    # The gap spans the weeks of 4 and 11 January: both partial.
    assert hollow == [round(line[1][0], 2), round(line[2][0], 2)], (hollow, line[1:3])


def test_one_merged_band_for_selected_groups_png(gap_store, tmp_path):
    """Items 8, 14: one light band over the hours missing for the groups
    drawn, nowhere else, and none for a group not selected; read from the
    PNG's pixels, placed by the times of the gap."""
    svg, png = tmp_path / "b.svg", tmp_path / "b.png"
    for out in (svg, png):
        run_elhub("plot", "line", "--store", gap_store, "--area", "NO4", "--month", "2021-01",
                  "--groups", "hydro", "-o", out)
    frame = plot_util.svg_plot_frame(ET.parse(svg).getroot())
    w, h, ch, rows = plot_util.read_png(png)
    row = rows[int(frame[2]) + 4]  # just below the top of the plot area
    band = [x for x in range(w) if bytes(row[x * ch:x * ch + 3]) == bytes.fromhex(BAND[1:])]
    a, z = (_x_of(frame, plot_util.epoch(t), JAN) for t in GAP)
    print("band pixels", band[0], band[-1], "expected", a, z)
    # One run from the gap's start to its end (grid lines cross it); the
    # band's edges are not pixel-aligned, so an edge pixel is a blend:
    # 1.5 px tolerance.
    assert abs(band[0] - a) <= 1.5 and abs(band[-1] + 1 - z) <= 1.5
    assert len(band) >= 0.95 * (z - a)
    # Wind has no gap: no band, though hydro (not selected) has one.
    run_elhub("plot", "line", "--store", gap_store, "--area", "NO4", "--month", "2021-01",
              "--groups", "wind", "-o", png)
    assert plot_util.color_counts(png, [BAND])[BAND] == 0


def test_pie_legend_says_coverage(real_store, tmp_path):
    """Items 6, 14: the NO1 2021 pie names how much of the year each group
    covers (hydro all of it, the others January), counted from the CSV."""
    out = tmp_path / "p.svg"
    run_elhub("plot", "pie", "--store", real_store, "--area", "NO1", "--year", "2021", "-o", out)
    texts = plot_util.svg_texts(ET.parse(out).getroot())
    hours = {}
    for area, g, t, v in plot_util.real_slices_rows():
        if area == "NO1":
            hours[g] = hours.get(g, 0) + 1
    labels = {"hydro": "Hydro", "wind": "Wind", "solar": "Solar", "thermal": "Thermal",
              "other": "Other"}
    for g, n in hours.items():
        want = "all 365 days" if n == 8760 else f"{n * 365 / 8760:.0f} of 365 days"
        label_y = next(y for t, x, y in texts if t == labels[g] and x > 600)
        assert (want, round(label_y, 2)) in [(t, round(y, 2)) for t, _, y in texts], (g, want)
    assert hours["hydro"] == 8760 and hours["wind"] == 744
    assert any(t.startswith("The groups cover different parts") for t, _, _ in texts)


def test_hourly_in_power_daily_in_energy(real_store, tmp_path):
    """Item 13/14: an hourly series is power (kWh per hour = kW, scaled to
    GW here), a daily one energy per day."""
    peak = max(v for a, g, t, v in plot_util.real_slices_rows()
               if a == "NO1" and g == "hydro" and t < plot_util.epoch("2021-02-01T00:00:00+01:00"))
    assert 1e6 <= peak < 1e9  # kW: GW is the rung
    out = tmp_path / "h.svg"
    run_elhub("plot", "line", "--store", real_store, "--area", "NO1", "--month", "2021-01",
              "--groups", "hydro", "-o", out)
    texts = [t for t, _, _ in plot_util.svg_texts(ET.parse(out).getroot())]
    assert "Production (GW)" in texts
    ticks = [float(t) for t in texts if re.fullmatch(r"\d+\.\d+", t)]
    assert max(ticks) * 1e6 >= peak > (max(ticks) - (ticks[1] - ticks[0])) * 1e6
    run_elhub("plot", "line", "--store", real_store, "--area", "NO1", "--month", "2021-01",
              "--groups", "hydro", "--step", "day", "-o", out)
    assert "Production (GWh per day)" in [t for t, _, _ in plot_util.svg_texts(ET.parse(out).getroot())]


def test_single_bucket_draws_a_marker(real_store, tmp_path):
    """Item 2: one monthly bucket draws a filled marker per group at the
    middle of the month, at its value."""
    out = tmp_path / "one.svg"
    run_elhub("plot", "line", "--store", real_store, "--area", "NO1", "--month", "2021-01",
              "--step", "month", "-o", out)
    root = ET.parse(out).getroot()
    frame = plot_util.svg_plot_frame(root)
    marks = {fill: (x, y) for x, y, fill, stroke in plot_util.svg_markers(root)
             if fill != "#ffffff"}
    sums = {}
    for a, g, t, v in plot_util.real_slices_rows():
        if a == "NO1" and t < plot_util.epoch("2021-02-01T00:00:00+01:00"):
            sums[g] = sums.get(g, 0) + v
    colours = dict(zip(["hydro", "wind", "solar", "thermal", "other"], ORDER))
    assert set(marks) == set(colours.values())
    mid = _x_of(frame, (plot_util.epoch("2021-01-01T00:00:00+01:00")
                        + plot_util.epoch("2021-02-01T00:00:00+01:00")) / 2, JAN)
    assert all(abs(x - mid) < 0.01 for x, _ in marks.values())
    # y is linear in the value: hydro against wind and the zero line.
    y_h, y_w = marks[HYDRO][1], marks[WIND][1]
    zero = frame[3]
    got = (zero - y_w) / (zero - y_h)
    print("wind/hydro height ratio", got, "data", sums["wind"] / sums["hydro"])
    assert abs(got - sums["wind"] / sums["hydro"]) < 1e-4  # 1/256 px over ~500 px


def test_svg_text_is_text(real_store, tmp_path):
    """Item 14: SVG words are <text> elements (searchable, editable), not
    glyph outlines."""
    out = tmp_path / "t.svg"
    run_elhub("plot", "area", "--store", real_store, "--area", "NO1", "--month", "2021-01",
              "--step", "day", "-o", out)
    raw = out.read_text()
    assert "<symbol" not in raw and "<use" not in raw
    texts = [t for t, _, _ in plot_util.svg_texts(ET.parse(out).getroot())]
    for want in ("Daily Production by Group in NO1 (January 2021)", "Hydro", "Other",
                 "Time (Europe/Oslo)", "Production (GWh per day)", "Data: Elhub (CC BY 4.0)"):
        assert want in texts, want


def test_norway_is_the_sum_of_the_areas(real_store, tmp_path):
    """Beyond the seed: --area NO draws Norway, every area summed; the
    legend's amounts against sums of the 2025 CSV rows over NO1-NO5, and
    the coverage of the least-covered area (18 of November's 30 days)."""
    p = subprocess.run([elhub_bin(), "plot", "pie", "--store", real_store, "--area", "NO",
                        "--month", "2025-11"], cwd=tmp_path, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert png_size(tmp_path / "pie-production-NO-2025-11.png") == (1200, 675)
    out = tmp_path / "no.svg"
    run_elhub("plot", "pie", "--store", real_store, "--area", "NO", "--month", "2025-11",
              "-o", out)
    texts = plot_util.svg_texts(ET.parse(out).getroot())
    assert texts[0][0] == "Total Production by Group in Norway (November 2025)"
    a, z = (plot_util.epoch(t) for t in ("2025-11-01T00:00:00+01:00", "2025-12-01T00:00:00+01:00"))
    sums, areas = {}, set()
    for area, g, t, v in plot_util.real_2025_rows():
        if a <= t < z:
            sums.setdefault(g, []).append(v)
            areas.add(area)
    assert areas == {"NO1", "NO2", "NO3", "NO4", "NO5"}
    units = {"kWh": 1, "MWh": 1e3, "GWh": 1e6, "TWh": 1e9}
    worst = 0
    for g, label in (("hydro", "Hydro"), ("wind", "Wind"), ("thermal", "Thermal")):
        y = next(y for t, x, y in texts if t == label and x > 600)
        row = [t for t, _, ty in texts if abs(ty - y) < 0.01]
        amount = next(t for t in row if re.fullmatch(r"[\d,.]+ [kMGT]Wh", t))
        num, unit = amount.split()
        want = math.fsum(sums[g])
        rel = abs(float(num.replace(",", "")) * units[unit] - want) / want
        worst = max(worst, rel)
        assert rel < 5e-4, (g, amount, want)  # 4 significant digits
        assert "18 of 30 days" in row, row
    print("largest relative difference of a shown amount:", worst)
    p = run_elhub("export", "--store", real_store, "--area", "NO", check=False)
    assert p.returncode == 2 and "leave --area out" in p.stderr


def test_negative_total_is_flagged(tmp_path):
    """Item 13: a negative total (net consumption) is flagged in the pie's
    legend, not hidden, and takes no slice: the positive groups share the
    pie (70 / 20 here, by pixel counts)."""
    store = plot_util.make_split_store(tmp_path / "n.db",
                                       {"household": 70, "cabin": 20, "primary": -10},
                                       dataset="consumption")
    out = tmp_path / "n.svg"
    run_elhub("plot", "pie", "--store", store, "--dataset", "consumption", "--area", "NO1",
              "--month", "2021-01", "-o", out)
    texts = plot_util.svg_texts(ET.parse(out).getroot())
    y = next(y for t, x, y in texts if t == "Primary" and x > 600)
    row = [t for t, _, ty in texts if abs(ty - y) < 0.01]
    assert "negative" in row and "-10.00 kWh" in row, row
    png = tmp_path / "n.png"
    run_elhub("plot", "pie", "--store", store, "--dataset", "consumption", "--area", "NO1",
              "--month", "2021-01", "-o", png)
    household, cabin, primary = "#2ca02c", "#9467bd", "#e377c2"  # src/present.c
    counts = plot_util.color_counts(png, [household, cabin, primary])
    share = counts[household] / (counts[household] + counts[cabin])
    print("household share of the pie by pixels:", share, "want", 70 / 90)
    assert abs(share - 70 / 90) < 0.02 and counts[household] > 50000
    assert counts[primary] < 400  # its legend swatch only (12 x 12 px), no slice


@pytest.mark.parametrize("month,day,hours", [("2021-10", "2021-10-31", 25),
                                             ("2021-03", "2021-03-28", 23)])
def test_dst_day_hours_drawn_at_their_instants(real_store, tmp_path, month, day, hours):
    """The 25-hour and the 23-hour day: each hour of NO1 hydro is drawn at
    the middle of its own absolute hour (both 02:00 of 31 October, no 02:00
    on 28 March) and at its CSV value, through the axis frame and a linear
    value scale fixed by two other hours of the month. (A guard: main drew
    these right already.)"""
    out = tmp_path / "dst.svg"
    run_elhub("plot", "line", "--store", real_store, "--area", "NO1", "--month", month,
              "--groups", "hydro", "-o", out)
    root = ET.parse(out).getroot()
    frame = plot_util.svg_plot_frame(root)
    line = max(svg_stroke_paths(out, HYDRO), key=len)
    y0, m0 = int(month[:4]), int(month[5:])
    period = (f"{month}-01", f"{y0}-{m0 + 1:02d}-01")
    a, z = plot_util.oslo_buckets(*period, "month")[0]
    vals = {t: v for ar, g, t, v in plot_util.real_slices_rows()
            if ar == "NO1" and g == "hydro" and a <= t < z}
    ts = sorted(vals)
    assert len(ts) == len(line)
    # The value scale from the first and the last hour of the month.
    (_, ya), (_, yz) = line[0], line[-1]
    k = (ya - yz) / (vals[ts[0]] - vals[ts[-1]])
    d0 = plot_util.oslo_buckets(day, period[1], "day")[0]  # the DST day
    on_day = [i for i, t in enumerate(ts) if d0[0] <= t < d0[1]]
    assert len(on_day) == hours
    worst_x = worst_y = 0
    for i in on_day:
        x, y = line[i]
        worst_x = max(worst_x, abs(x - _x_of(frame, ts[i] + 1800, period)))
        worst_y = max(worst_y, abs(y - (ya + k * (vals[ts[i]] - vals[ts[0]]))))
    print(day, "largest x difference (px):", worst_x, "y:", worst_y)
    assert worst_x < 0.01 and worst_y < 0.02


def test_free_date_range(real_store, tmp_path):
    """Beyond the seed: --from/--to draw any range of Oslo days; the axis is
    exactly that range (30 Oct - 1 Nov 2021: 24 + 25 + 24 hours), every
    hour at the middle of its absolute hour, with the range in the title
    and the default file name."""
    p = subprocess.run([elhub_bin(), "plot", "line", "--store", real_store, "--area", "NO1",
                        "--groups", "hydro", "--from", "2021-10-30", "--to", "2021-11-01"],
                       cwd=tmp_path, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert png_size(tmp_path / "line-production-NO1-2021-10-30_2021-11-01.png") == (1200, 675)
    out = tmp_path / "r.svg"
    run_elhub("plot", "line", "--store", real_store, "--area", "NO1", "--groups", "hydro",
              "--from", "2021-10-30", "--to", "2021-11-01", "-o", out)
    root = ET.parse(out).getroot()
    assert root.find(SVG + "title").text == \
        "Hourly Production by Group in NO1 (2021-10-30 to 2021-11-01)"
    period = ("2021-10-30", "2021-11-02")
    a, z = plot_util.oslo_buckets(*period, "day")[0][0], plot_util.oslo_buckets(*period, "day")[-1][1]
    hours = sorted(t for ar, g, t, v in plot_util.real_slices_rows()
                   if ar == "NO1" and g == "hydro" and a <= t < z)
    assert len(hours) == 73
    frame = plot_util.svg_plot_frame(root)
    line = max(svg_stroke_paths(out, HYDRO), key=len)
    assert len(line) == 73
    worst = max(abs(x - _x_of(frame, t + 1800, period)) for (x, _), t in zip(line, hours))
    print("largest x difference (px):", worst)
    assert worst < 0.01
    for args, message in ((["--from", "2021-10-30"], "--from and --to go together"),
                          (["--from", "2021-11-02", "--to", "2021-11-01"], "is after"),
                          (["--year", "2021", "--to", "2021-11-01"], "one period")):
        p = run_elhub("plot", "line", "--store", real_store, "--area", "NO1", *args, check=False)
        assert p.returncode == 2 and message in p.stderr, (args, p.stderr)


def test_norway_stack_and_band(real_store, tmp_path):
    """Norway's daily stack in November 2025: at each day with rows the top
    of the stack is the sum over NO1-NO5 and every group of the CSV rows;
    a group some area lacks is missing for Norway (NO2's '*'); for the
    other groups the days after the data ends (19-30 November) are one
    band."""
    out = tmp_path / "n.svg"
    run_elhub("plot", "area", "--store", real_store, "--area", "NO", "--month", "2025-11",
              "--step", "day", "-o", out)
    root = ET.parse(out).getroot()
    period = ("2025-11-01", "2025-12-01")
    days = plot_util.oslo_buckets(*period, "day")
    per_day = [[] for _ in days]
    for area, g, t, v in plot_util.real_2025_rows():
        for j, (a, z) in enumerate(days):
            if a <= t < z:
                per_day[j].append(v)
    totals = [math.fsum(v) for v in per_day]
    assert all(totals[:18]) and not any(totals[18:])
    frame = plot_util.svg_plot_frame(root)
    layers = plot_util.svg_areas(root)
    base = layers[0][2][0][1]
    top = layers[-1][1]
    scale = (base - plot_util.poly_at(top, _x_of(frame, sum(days[0]) / 2, period))) / totals[0]
    worst = max(abs(plot_util.poly_at(top, _x_of(frame, (a + z) / 2, period))
                    - (base - scale * totals[j])) for j, (a, z) in enumerate(days[:18]))
    print("largest y difference of Norway's stack top (px):", worst)
    assert worst < 0.05  # cairo's fixed-point path coordinates; 0.027 seen
    # NO2 has no '*' rows in November, so Norway's '*' is incomplete all
    # month: the note names it and the band covers the month.
    texts = [t for t, _, _ in plot_util.svg_texts(root)]
    assert any(t.startswith("shaded: hours missing for") and "Unspecified (*)" in t
               for t in texts), texts
    # Without '*', the band is the days after the data ends.
    run_elhub("plot", "area", "--store", real_store, "--area", "NO", "--month", "2025-11",
              "--step", "day", "--groups", "hydro,wind,solar,thermal,other", "-o", out)
    root = ET.parse(out).getroot()
    frame = plot_util.svg_plot_frame(root)
    bands = [plot_util._coords(d) for fill, stroke, d in plot_util.svg_paths(root)
             if fill == BAND]
    assert len(bands) == 1
    xs = [x for x, _ in bands[0]]
    print("band", min(xs), max(xs), "expected", _x_of(frame, days[18][0], period), frame[1])
    assert abs(min(xs) - _x_of(frame, days[18][0], period)) < 0.01
    assert abs(max(xs) - frame[1]) < 0.01
