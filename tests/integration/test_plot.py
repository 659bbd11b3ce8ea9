"""`elhub plot` end to end over a real SQLite store: the real 2021 and 2025
Elhub rows from data/elhub/ (filled with Python's sqlite3 in the
exact schema of src/store/store_sqlite.c) and small known fixtures. Checks
the files (PNG chunks and size, SVG as XML, PDF header), colours and
proportions by pixel counts, the points of a DST month, and the errors."""
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
