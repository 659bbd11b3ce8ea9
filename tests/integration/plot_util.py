"""Fills a SQLite store for the plot tests with Python's sqlite3, using the
exact schema of src/store/store_sqlite.c, from the real Elhub CSVs in
data/elhub/ (CC BY 4.0, attribution "Elhub") or from small known
fixtures. Also a dependency-free PNG decoder (zlib + the PNG filters)."""
import csv
import datetime
import sqlite3
import struct
import zlib

from conftest import data_path, open_data  # noqa: F401 (data_path for the tests)

# Kept identical to create_schema() in src/store/store_sqlite.c.
SCHEMA = """
CREATE TABLE IF NOT EXISTS {name} (
 pricearea TEXT NOT NULL,
 starttime INTEGER NOT NULL,
 {col} TEXT NOT NULL,
 endtime INTEGER NOT NULL,
 quantitykwh REAL NOT NULL,
 lastupdatedtime INTEGER NOT NULL DEFAULT 0,
 meteringpointcount INTEGER,
 PRIMARY KEY (pricearea, starttime, {col})) WITHOUT ROWID
"""
DATASETS = {"production": "productiongroup", "consumption": "consumptiongroup"}


def epoch(iso):
    """ISO 8601 with an offset (or a trailing Z) -> UTC epoch seconds."""
    return int(datetime.datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp())


def create(path):
    db = sqlite3.connect(path)
    for name, col in DATASETS.items():
        db.execute(SCHEMA.format(name=name, col=col))
    db.execute("CREATE TABLE IF NOT EXISTS fetch_log (dataset TEXT NOT NULL, key TEXT NOT NULL,"
               " rows INTEGER NOT NULL, fetched_at INTEGER NOT NULL,"
               " PRIMARY KEY (dataset, key)) WITHOUT ROWID")
    return db


def insert(db, dataset, rows):
    """rows: (area, group, start_epoch, kwh); every row is one hour."""
    col = DATASETS[dataset]
    db.executemany(
        f"INSERT INTO {dataset} (pricearea, starttime, {col}, endtime, quantitykwh,"
        " lastupdatedtime) VALUES (?, ?, ?, ?, ?, 0)",
        [(a, s, g, s + 3600, k) for a, g, s, k in rows])


def real_slices_rows():
    """The real 2021 hourly production slices: NO1 hydro and NO5 hydro for all
    of 2021, NO1 and NO4 x all groups for January."""
    out = []
    with open_data("production_2021_slices.csv") as f:
        for r in csv.DictReader(f):
            out.append((r["priceArea"], r["productionGroup"], epoch(r["startTime"]),
                        float(r["quantityKwh"])))
    return out


def real_2025_rows():
    """Real 2025 production rows (2025-10-20 .. 2025-11-18, across the DST
    change on 2025-10-26), groups other than '*'."""
    out = []
    with open_data("production_2025-10-20_2025-11-19_rows.csv") as f:
        for r in csv.DictReader(f):
            out.append((r["priceArea"], r["productionGroup"].lower(),
                        epoch(r["startTime"].replace(" ", "T")), float(r["quantityKwh"])))
    return out


def make_real_store(path):
    db = create(path)
    insert(db, "production", real_slices_rows())
    insert(db, "production", real_2025_rows())
    db.commit()
    db.close()
    return f"sqlite:{path}"


def make_split_store(path, shares, dataset="production"):
    """A tiny known fixture: NO1 data in January 2021, one hour per group
    with the given kWh (e.g. {'hydro': 50, 'wind': 30, 'solar': 20})."""
    db = create(path)
    t0 = epoch("2021-01-01T00:00:00+01:00")
    insert(db, dataset, [("NO1", g, t0, v) for g, v in shares.items()])
    db.commit()
    db.close()
    return f"sqlite:{path}"


def read_png(path):
    """Decodes an 8-bit RGB or RGBA non-interlaced PNG. Returns
    (width, height, channels, rows) with rows as bytearrays."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG signature"
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        crc = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0]
        assert zlib.crc32(kind + body) == crc, f"bad CRC in {kind}"
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
        pos += 12 + length
    w, h, depth, ctype, _, _, interlace = ihdr
    assert depth == 8 and ctype in (2, 6) and interlace == 0, ihdr
    ch = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * ch
    rows, prev, p = [], bytearray(stride), 0
    for _ in range(h):
        f, line = raw[p], bytearray(raw[p + 1:p + 1 + stride])
        p += 1 + stride
        for i in range(stride):
            a = line[i - ch] if i >= ch else 0
            b = prev[i]
            c = prev[i - ch] if i >= ch else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pr) & 255
        rows.append(line)
        prev = line
    return w, h, ch, rows


def color_counts(path, colors):
    """Counts the pixels exactly equal to each '#rrggbb' in colors."""
    w, h, ch, rows = read_png(path)
    want = {bytes.fromhex(c[1:]): c for c in colors}
    counts = dict.fromkeys(colors, 0)
    for line in rows:
        for x in range(0, w * ch, ch):
            c = want.get(bytes(line[x:x + 3]))
            if c:
                counts[c] += 1
    return counts


# ---- reading what an SVG from cairo drew (issue 12) ---------------------------

SVG_NS = "{http://www.w3.org/2000/svg}"


def _hex(rgb_pct):
    """'rgb(12.156863%,46.666667%,70.588235%)' -> '#1f77b4'."""
    parts = [float(p.strip().rstrip("%")) for p in rgb_pct[4:-1].split(",")]
    return "#" + "".join(f"{round(p * 255 / 100):02x}" for p in parts)


def _style(el):
    out = {}
    for item in el.get("style", "").split(";"):
        if ":" in item:
            k, v = item.split(":", 1)
            out[k.strip()] = v.strip()
    return out


def _coords(d):
    import re
    return [(float(x), float(y)) for x, y in re.findall(r"([-\d.]+) ([-\d.]+)", d)]


def svg_paths(root):
    """Every <path> as (fill '#rrggbb' or None, stroke or None, d)."""
    out = []
    for el in root.iter(SVG_NS + "path"):
        st = _style(el)
        fill = st.get("fill")
        stroke = st.get("stroke")
        out.append((_hex(fill) if fill and fill.startswith("rgb(") else None,
                    _hex(stroke) if stroke and stroke.startswith("rgb(") else None,
                    el.get("d")))
    return out


def svg_plot_frame(root, axis="#595959"):
    """(x0, x1, y0_axis_top, y1) of the plot area from the axis line that
    chart.c draws as M x0+.5 y0 L x0+.5 y1+.5 L x1 y1+.5."""
    for fill, stroke, d in svg_paths(root):
        if stroke == axis and fill is None:
            pts = _coords(d)
            if len(pts) >= 3 and pts[0][0] == pts[1][0] and pts[1][1] == pts[2][1]:
                return pts[0][0] - 0.5, pts[2][0], pts[0][1], pts[1][1] - 0.5
    raise AssertionError("no axis line in the SVG")


def svg_markers(root, r=3.5):
    """Circles (cairo writes them as 4 Bezier curves starting at the
    rightmost point, the fill and the ring as one path or two):
    [(centre x, centre y, fill, stroke)], one per circle."""
    found = {}
    for fill, stroke, d in svg_paths(root):
        if " C " not in d:
            continue
        x, y = _coords(d)[0]
        m = found.setdefault((round(x - r, 3), round(y, 3)), [None, None])
        m[0] = m[0] or fill
        m[1] = m[1] or stroke
    return [(x, y, f, s) for (x, y), (f, s) in found.items()]


def svg_areas(root):
    """The filled layers of a stacked chart, in drawing order: (fill, tops,
    bases), each a polyline [(x, y)] (tops left to right, bases too).
    Cairo merges collinear points, so read values with poly_at, not by
    index."""
    out = []
    for fill, stroke, d in svg_paths(root):
        if fill is None or stroke is not None or " C " in d:
            continue
        pts = _coords(d)
        if len(pts) < 8:
            continue  # a legend swatch or a band rectangle
        if pts[-1] == pts[0]:
            pts = pts[:-1]  # cairo's "Z M start" after closing
        i = 1
        while i < len(pts) and pts[i][0] > pts[i - 1][0]:
            i += 1
        out.append((fill, pts[:i], list(reversed(pts[i:]))))
    return out


def poly_at(poly, x):
    """y of the polyline at x (linear between its points; x may lie up to
    0.01 px beyond an end, the rounding of cairo's 1/256 px coordinates)."""
    x = min(max(x, poly[0][0]), poly[-1][0]) if poly[0][0] - 0.01 <= x <= poly[-1][0] + 0.01 else x
    for (xa, ya), (xb, yb) in zip(poly, poly[1:]):
        if xa <= x <= xb:
            return ya if xb == xa else ya + (yb - ya) * (x - xa) / (xb - xa)
    raise AssertionError(f"x={x} outside the polyline {poly[0][0]}..{poly[-1][0]}")


def svg_texts(root):
    """Every <text>: (text, x, y)."""
    return [("".join(el.itertext()), float(el.get("x")), float(el.get("y")))
            for el in root.iter(SVG_NS + "text")]


def oslo_buckets(start, end, step):
    """[(bucket start, bucket end)] UTC seconds of the Oslo calendar buckets
    of [start, end) (Oslo dates 'YYYY-MM-DD', end exclusive), computed with
    zoneinfo."""
    import zoneinfo
    oslo = zoneinfo.ZoneInfo("Europe/Oslo")
    a = datetime.datetime.fromisoformat(start).replace(tzinfo=oslo)
    z = datetime.datetime.fromisoformat(end).replace(tzinfo=oslo)
    out = []
    while a < z:
        if step == "day":
            b = (a + datetime.timedelta(days=1)).replace(tzinfo=oslo)
            b = datetime.datetime(b.year, b.month, b.day, tzinfo=oslo)
        elif step == "month":
            b = datetime.datetime(a.year + (a.month == 12), a.month % 12 + 1, 1, tzinfo=oslo)
        else:
            raise ValueError(step)
        out.append((int(a.timestamp()), int(min(b, z).timestamp())))
        a = b
    return out
