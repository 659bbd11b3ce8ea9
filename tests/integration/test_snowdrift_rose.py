"""`elhub snowdrift -o rose.png|.svg|.pdf` (issue 13): the 16-sector wind
rose of the transport Qt drawn with cairo (src/chart/, CHART_ROSE). What is
drawn is compared with an INDEPENDENT computation of the issue's formulas
from the bundled ERA5 Bergen file (Open-Meteo.com, ERA5 Copernicus/ECMWF,
CC BY 4.0), read here in Python (test_snowdrift.py's reference `tabler`,
which never calls elhub): each SVG wedge's radius over the largest one
equals the sector's Qt over the largest sector's, and its start angle is
the sector's compass direction (0 = N at the top, clockwise); the PNG has
its size and the wedge colour in the largest sector's direction; several
seasons draw the mean of their roses. Bad suffixes and unwritable paths
exit with their codes and messages."""
import math
import xml.etree.ElementTree as ET

import pytest

import plot_util
from conftest import run_elhub
# The store (the Bergen file at NO5) is test_snowdrift.py's fixture.
from test_snowdrift import bergen, season, store  # noqa: F401 (store is a fixture)

WEDGE = "#3b6ea8"  # the rose's colour (src/cli/cmd_snowdrift.c)
ATTRIBUTION = "Weather data by Open-Meteo.com (ERA5, Copernicus/ECMWF), CC BY 4.0"
# cairo keeps path points in 24.8 fixed point (1/256 px, ~0.004 px after
# rounding both coordinates), so a radius ratio to the largest (~270 px) is
# good to ~2e-5 and a start angle to atan(0.006 px / radius).
RATIO_TOL = 1e-4


def angle_tol(r):
    return math.degrees(math.atan2(0.006, r)) + 1e-6


def want_rose(years):
    roses = [season(bergen(), y)["rose_kg_m"] for y in years]
    return [sum(r[k] for r in roses) / len(roses) for k in range(16)]


def svg_wedges(path):
    """[(centre, start point)] of every filled path in the wedge colour:
    cairo writes a wedge as M centre L start C ... Z."""
    root = ET.parse(path).getroot()
    out = []
    for fill, _, d in plot_util.svg_paths(root):
        if fill != WEDGE:
            continue
        pts = plot_util._coords(d)
        assert d.lstrip().startswith("M") and " L " in d, d
        out.append((pts[0], pts[1]))
    return root, out


def compass(c, p):
    """Compass degrees of p seen from c (0 = up, clockwise; SVG y grows down)."""
    return math.degrees(math.atan2(p[0] - c[0], -(p[1] - c[1]))) % 360


@pytest.mark.parametrize("years", [(2018,), (2019,), (2018, 2019)])
def test_svg_wedges_proportional_to_reference(store, tmp_path, years):
    out = tmp_path / "rose.svg"
    p = run_elhub("snowdrift", "--store", store, "--area", "NO5", "--from-year", str(years[0]),
                  "--to-year", str(years[-1]), "-o", str(out))
    assert p.stdout == ""
    want = want_rose(years)
    root, wedges = svg_wedges(out)
    nonzero = [k for k in range(16) if want[k] > 0]
    assert len(wedges) == len(nonzero), (len(wedges), nonzero)
    centre = wedges[0][0]
    assert all(w[0] == centre for w in wedges)
    # Each wedge starts 11.25 - 0.6 degrees before its sector's middle.
    by_sector = {}
    for c, s in wedges:
        k = round(((compass(c, s) + 10.65) % 360) / 22.5) % 16
        assert angle_diff(compass(c, s), k * 22.5 - 10.65) <= angle_tol(math.dist(c, s))
        by_sector[k] = math.dist(c, s)
    assert sorted(by_sector) == nonzero
    rmax, wmax = max(by_sector.values()), max(want)
    worst = 0.0
    for k in nonzero:
        d = abs(by_sector[k] / rmax - want[k] / wmax)
        worst = max(worst, d)
        assert d <= RATIO_TOL, (k, by_sector[k] / rmax, want[k] / wmax)
    # Title (location, seasons), unit on the rings, attribution.
    texts = [t for t, _, _ in plot_util.svg_texts(root)]
    title = root.find(plot_util.SVG_NS + "title").text
    assert "NO5 (Bergen)" in title
    if len(years) == 1:
        assert f"season {years[0]}-{years[0] + 1}" in title
    else:
        assert f"mean of seasons {years[0]}-{years[0] + 1} to {years[-1]}-{years[-1] + 1}" in title
    assert any("kg/m" in t for t in texts) and ATTRIBUTION in texts, texts
    assert all(p in texts for p in ("N", "E", "S", "W"))
    print(f"seasons {years}: largest radius-ratio difference {worst:.2e}")


def angle_diff(a, b):
    d = abs(a - b) % 360
    return min(d, 360 - d)


def test_png_size_and_biggest_sector(store, tmp_path):
    png, svg = tmp_path / "rose.png", tmp_path / "rose.svg"
    for f in (png, svg):
        run_elhub("snowdrift", "--store", store, "--area", "NO5", "--from-year", "2019",
                  "-o", str(f))
    w, h, ch, rows = plot_util.read_png(png)
    assert (w, h) == (720, 760)
    want = want_rose((2019,))
    big = max(range(16), key=lambda k: want[k])
    _, wedges = svg_wedges(svg)
    (cx, cy), _ = wedges[0]
    rbig = max(math.dist(c, s) for c, s in wedges)
    colour = bytes.fromhex(WEDGE[1:])

    def pixel(deg, r):
        a = math.radians(deg)
        x, y = int(cx + r * math.sin(a)), int(cy - r * math.cos(a))
        return bytes(rows[y][x * ch:x * ch + 3])

    # Along the biggest sector's middle the wedge colour, from near the
    # centre to near its tip; beyond the tip, not.
    for f in (0.2, 0.5, 0.9):
        assert pixel(big * 22.5, f * rbig) == colour, (big, f)
    assert pixel(big * 22.5, 1.05 * rbig) != colour
    # Pixels of the wedge colour per sector: most in the biggest sector.
    counts = [0] * 16
    for y in range(h):
        line = rows[y]
        for x in range(w):
            if bytes(line[x * ch:x * ch + 3]) == colour:
                k = int(((compass((cx, cy), (x + 0.5, y + 0.5)) + 11.25) % 360) // 22.5)
                counts[k] += 1
    assert max(range(16), key=lambda k: counts[k]) == big, counts


def test_pdf(store, tmp_path):
    out = tmp_path / "rose.pdf"
    run_elhub("snowdrift", "--store", store, "--area", "NO5", "--from-year", "2018",
              "--to-year", "2019", "-o", str(out))
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and b"%%EOF" in data[-64:]


def test_other_suffixes_keep_the_table(store, tmp_path):
    txt = tmp_path / "drift.txt"
    run_elhub("snowdrift", "--store", store, "--area", "NO5", "--from-year", "2019",
              "-o", str(txt))
    assert txt.read_text().startswith("snow drift at NO5")
    js = tmp_path / "drift.json"
    run_elhub("snowdrift", "--store", store, "--area", "NO5", "--from-year", "2019",
              "-o", str(js))
    assert js.read_text().startswith('{"location":"NO5"')


@pytest.mark.parametrize("args,code,message", [
    (["-o", "rose.jpg"], 2, 'cannot draw "rose.jpg": name the rose .png, .svg or .pdf'),
    (["-o", "rose.GIF"], 2, "name the rose .png, .svg or .pdf"),
    (["--format", "json", "-o", "rose.svg"], 2, "-o rose.svg draws the rose; --format json"),
    (["-o", "/nonexistent-dir/rose.png"], 1, "cannot write /nonexistent-dir/rose.png"),
])
def test_bad_suffix_and_unwritable(store, tmp_path, args, code, message):
    p = run_elhub("snowdrift", "--store", store, "--area", "NO5", "--from-year", "2019",
                  *args, check=False)
    assert p.returncode == code and message in p.stderr, (p.returncode, p.stderr)
    assert not list(tmp_path.iterdir())


def test_a_failed_run_keeps_the_existing_file(store, tmp_path):
    """A run that fails (no weather stored for the seasons asked for) leaves the
    file that was there as it was, then a good run replaces it whole (the one
    file writer's atomic rename; deterministic, also as root)."""
    old = tmp_path / "rose.png"
    old.write_bytes(b"old")
    p = run_elhub("snowdrift", "--store", store, "--area", "NO5", "--from-year", "2030",
                  "-o", str(old), check=False)
    assert p.returncode == 2 and "no weather stored for NO5" in p.stderr, p.stderr
    assert old.read_bytes() == b"old"
    run_elhub("snowdrift", "--store", store, "--area", "NO5", "--from-year", "2019", "-o", str(old))
    assert old.read_bytes().startswith(b"\x89PNG")
    assert sorted(x.name for x in tmp_path.iterdir()) == ["rose.png"]
