"""Runs the browser tests (tests/browser/run.mjs: Debian's Chromium driven by
playwright-core) against `elhub serve` over a store filled from the real
data, and over an empty store. The script prints one line per check; its
screenshots go to build/test-output/browser/<build>/."""
import pathlib
import subprocess

import pytest

import web_util
from conftest import make_empty_store, REPO, elhub_bin

pytestmark = pytest.mark.browser


def test_dashboard_in_chromium(tmp_path):
    store = tmp_path / "elhub.db"
    web_util.fill_store(store)
    build = "san" if "/san/" in elhub_bin() else "normal"
    out = REPO / "build" / "test-output" / "browser" / build
    with web_util.serve(f"sqlite:{store}") as full, \
            web_util.serve(make_empty_store(tmp_path / "empty.db")) as empty:
        p = subprocess.run(["node", str(REPO / "tests" / "browser" / "run.mjs"), "--url", full.url,
                            "--empty-url", empty.url, "--out", str(out)],
                           capture_output=True, text=True, timeout=900, cwd=REPO)
    print(p.stdout)
    assert p.returncode == 0, f"browser tests failed:\n{p.stdout}\n{p.stderr[-3000:]}"
    assert "0 not ok" in p.stdout
    assert len(list(pathlib.Path(out).glob("*.png"))) >= 12


# ---- what the charts draw (issue 12) ----------------------------------------
# Each test below opens views with tests/browser/probe.mjs, which reports what
# ECharts drew (every point's pixel position turned back into data
# coordinates by the chart's own convertFromPixel, the symbols drawn, the
# bands, the axis extents and labels, the tooltip text at given instants),
# and compares it with a computation made here from the bundled CSV rows
# (web_util.real_rows, the rows the store holds) on the Oslo calendar of
# Python's zoneinfo: never with the page's own code.
#
# Tolerances: x within 1 pixel's worth of time (a bucket middle vs a bucket
# edge differs by hundreds of pixels for days and more, and by 3600 s for an
# hour, which is >= 1 px on every view tested); y within 0.01 pixel's worth of
# value (the points are float32 pixels); tooltip numbers within half a unit
# of their last printed digit.
import datetime as dt
import json
import math
import re
import shutil
import sqlite3
import zoneinfo
from collections import defaultdict

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
UTC = dt.timezone.utc
SHOTS = REPO / "build" / "test-output" / "browser-drawn"
HOUR_MS = 3600_000


def oslo_ms(y, m, d, h=0):
    return int(dt.datetime(y, m, d, h, tzinfo=OSLO).timestamp() * 1000)


def period(year, month):
    """[start, end) of an Oslo month (or year for month None), in ms."""
    if month is None:
        return oslo_ms(year, 1, 1), oslo_ms(year + 1, 1, 1)
    ny, nm = (year + 1, 1) if month == 12 else (year, month + 1)
    return oslo_ms(year, month, 1), oslo_ms(ny, nm, 1)


def bucket_of(sec, step):
    """(start, end) in ms of the Oslo bucket holding the hour starting at sec."""
    w = dt.datetime.fromtimestamp(sec, UTC).astimezone(OSLO)
    if step == "hour":
        return sec * 1000, sec * 1000 + HOUR_MS
    d = w.date()
    if step == "day":
        a, b = d, d + dt.timedelta(days=1)
    elif step == "week":
        a = d - dt.timedelta(days=d.weekday())
        b = a + dt.timedelta(days=7)
    else:
        a = d.replace(day=1)
        b = (a + dt.timedelta(days=32)).replace(day=1)
    ms = lambda x: int(dt.datetime(x.year, x.month, x.day, tzinfo=OSLO).timestamp() * 1000)
    return ms(a), ms(b)


def expected(rows, ds, area, step, p0, p1, groups=None):
    """{group: {bucket start ms: [kwh, hours, mid ms, full hours]}} from the rows."""
    out = defaultdict(dict)
    for d, a, g, s, kwh, _u in rows:
        if d != ds or a != area or not (p0 <= s * 1000 < p1) or (groups and g not in groups):
            continue
        b0, b1 = bucket_of(s, step)
        x0, x1 = max(b0, p0), min(b1, p1)
        e = out[g].setdefault(b0, [0.0, 0, (x0 + x1) / 2, (b1 - b0) // HOUR_MS])
        e[0] += kwh
        e[1] += 1
    return out


def probe(srv, cases, tmp_path, name):
    return web_util.run_probe("probe.mjs", srv, cases, tmp_path / f"{name}.json", SHOTS / name)


def tolerances(line):
    g = line["grid"]
    (x0, x1), (y0, y1) = line["x_extent"], line["y_extent"]
    return (x1 - x0) / g["width"], 0.01 * (y1 - y0) / g["height"]


def drawn_points(line, gid):
    """The non-null points ECharts drew for group gid, as (x ms, y)."""
    s = next(s for s in line["series"] if s["id"] == gid)
    return [tuple(p) for p in s["points"] if p is not None], s


def check_points(line, want, gid, what):
    """Drawn points of gid at the middles of the buckets of want[gid] with
    their values (lines view). Returns the largest differences."""
    tx, ty = tolerances(line)
    pts, _ = drawn_points(line, gid)
    exp = sorted(want[gid].values(), key=lambda e: e[2])
    assert len(pts) == len(exp), f"{what}: {len(pts)} points drawn, {len(exp)} buckets"
    dx = max(abs(p[0] - e[2]) for p, e in zip(pts, exp))
    dy = max(abs(p[1] - e[0]) for p, e in zip(pts, exp))
    assert dx <= tx, f"{what}: x off by {dx} ms (tolerance {tx})"
    assert dy <= ty, f"{what}: y off by {dy} (tolerance {ty})"
    return dx, dy


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    """The bundled data, and a copy with holes: NO4 hydro 10-14 January 2021
    and NO4 wind 12-16 January deleted (overlapping, to be merged)."""
    d = tmp_path_factory.mktemp("drawn")
    full = d / "full.db"
    rows = web_util.fill_store(full, ("2021", "2025"))
    gap = d / "gap.db"
    shutil.copy(full, gap)
    con = sqlite3.connect(gap)
    holes = {"hydro": (oslo_ms(2021, 1, 10), oslo_ms(2021, 1, 15)),
             "wind": (oslo_ms(2021, 1, 12), oslo_ms(2021, 1, 17))}
    for g, (a, b) in holes.items():
        con.execute("DELETE FROM production WHERE pricearea='NO4' AND productiongroup=?"
                    " AND starttime >= ? AND starttime < ?", (g, a // 1000, b // 1000))
    con.commit()
    con.close()
    gap_rows = [r for r in rows if not (r[1] == "NO4" and r[2] in holes
                                        and holes[r[2]][0] <= r[3] * 1000 < holes[r[2]][1])]
    with web_util.serve(f"sqlite:{full}") as a, web_util.serve(f"sqlite:{gap}") as b:
        yield {"full": a, "gap": b, "rows": rows, "gap_rows": gap_rows, "holes": holes}


def test_buckets_drawn_at_their_middle_over_the_period(stores, tmp_path):
    """Items 1 and 7: monthly, weekly and daily buckets are drawn at the
    middle of their part of the period with their own value (January at
    mid-January, December over December; October's last week kept), and
    the x axis spans the selected period, not the data."""
    cases = [
        {"name": "month-NO5-2021", "path": "/?ds=production&area=NO5&year=2021&month=all&step=month"},
        {"name": "week-NO5-2021-10", "path": "/?ds=production&area=NO5&year=2021&month=10&step=week"},
        {"name": "day-NO5-2021-10", "path": "/?ds=production&area=NO5&year=2021&month=10&step=day"},
        {"name": "hour-NO1-2025-11", "path": "/?ds=production&area=NO1&year=2025&month=11&step=day&groups=hydro"},
    ]
    got = probe(stores["full"], cases, tmp_path, "middle")
    for name, (year, month, step, area) in {
            "month-NO5-2021": (2021, None, "month", "NO5"), "week-NO5-2021-10": (2021, 10, "week", "NO5"),
            "day-NO5-2021-10": (2021, 10, "day", "NO5"), "hour-NO1-2025-11": (2025, 11, "day", "NO1")}.items():
        p0, p1 = period(year, month)
        line = got[name]["line"]
        assert line["x_extent"] == [p0, p1], f"{name}: x axis {line['x_extent']} != period {[p0, p1]}"
        want = expected(stores["rows"], "production", area, step, p0, p1, {"hydro"})
        dx, dy = check_points(line, want, "hydro", name)
        print(f"{name}: {len(want['hydro'])} buckets, largest dx {dx:.0f} ms, dy {dy:.3g} kWh")
    weeks = sorted(expected(stores["rows"], "production", "NO5", "week", *period(2021, 10), {"hydro"})["hydro"])
    assert len(weeks) == 5 and weeks[-1] == oslo_ms(2021, 10, 25)


def test_partial_buckets_are_hollow(stores, tmp_path):
    """Item 6 (partial buckets): a bucket with fewer hours than the whole
    bucket (the edge week Mon 27 Sep - Sun 3 Oct holds 3 October days; the
    2025 data ends 18 November) is drawn with a hollow symbol, the others
    filled."""
    cases = [{"name": "week-NO5-2021-10", "path": "/?ds=production&area=NO5&year=2021&month=10&step=week"},
             {"name": "week-NO1-2025-11", "path": "/?ds=production&area=NO1&year=2025&month=11&step=week&groups=hydro"}]
    got = probe(stores["full"], cases, tmp_path, "partial")
    for name, (year, month, area) in {"week-NO5-2021-10": (2021, 10, "NO5"),
                                      "week-NO1-2025-11": (2025, 11, "NO1")}.items():
        p0, p1 = period(year, month)
        want = expected(stores["rows"], "production", area, "week", p0, p1, {"hydro"})["hydro"]
        _, s = drawn_points(got[name]["line"], "hydro")
        syms = [x for x, p in zip(s["symbols"], s["points"]) if p is not None]
        hollow = [e[1] < e[3] for _, e in sorted(want.items())]
        assert any(hollow) and not all(hollow), f"{name}: the case has full and partial weeks"
        assert syms == ["emptyCircle" if h else "circle" for h in hollow], f"{name}: {syms} vs {hollow}"


def test_single_bucket_draws_a_point(stores, tmp_path):
    """Item 2: one monthly bucket (NO1, January 2021) draws one visible
    symbol per group at mid-January with its value."""
    got = probe(stores["full"], [{"name": "single-month", "path": "/?ds=production&area=NO1&year=2021&month=1&step=month"}],
                tmp_path, "single")
    line = got["single-month"]["line"]
    p0, p1 = period(2021, 1)
    want = expected(stores["rows"], "production", "NO1", "month", p0, p1)
    assert line["x_extent"] == [p0, p1]
    for g in want:
        check_points(line, want, g, f"single {g}")
        _, s = drawn_points(line, g)
        assert s["symbols"] == ["circle"], f"{g}: symbols {s['symbols']}"


def parse_value(text):
    """'2.146 GW' -> (kWh or kW value, half a unit of the last digit)."""
    m = re.match(r"^(-?[\d,]+(?:\.(\d+))?) (k|M|G|T)?(Wh|W)$", text.strip())
    assert m, f"not a value: {text!r}"
    mult = {"k": 1, "M": 1e3, "G": 1e6, "T": 1e9}[m.group(3) or "k"]
    digits = len(m.group(2) or "")
    return float(m.group(1).replace(",", "")) * mult, 0.5 * 10 ** -digits * mult


def tip_rows(text):
    lines = text.strip().split("\n")
    rows = {}
    for ln in lines[1:]:
        name, _, rest = ln.partition(": ")
        rows[name.strip()] = rest.strip()
    return lines[0], rows


def test_dst_hours_are_distinct_points(stores, tmp_path):
    """Item 5 and the 25- and 23-hour days: October 2021 hourly draws 745
    points one hour apart on absolute time; the two 02:00 hours of 31
    October are two points, each with its own tooltip header (UTC+02:00 and
    UTC+01:00) and value; March 2021 has 743 and no 02:00 on 28 March."""
    t1 = oslo_ms(2021, 10, 31, 1) + HOUR_MS + HOUR_MS // 2   # 02:00+02:00, middle
    t2 = t1 + HOUR_MS                                        # 02:00+01:00, middle
    m1 = oslo_ms(2021, 3, 28, 1) + HOUR_MS // 2              # 01:00, then 03:00
    cases = [{"name": "hour-oct", "path": "/?ds=production&area=NO1&year=2021&month=10&groups=hydro", "tips": [t1, t2]},
             {"name": "hour-mar", "path": "/?ds=production&area=NO1&year=2021&month=3&groups=hydro", "tips": [m1, m1 + HOUR_MS]}]
    got = probe(stores["full"], cases, tmp_path, "dst")
    for name, month, n in (("hour-oct", 10, 745), ("hour-mar", 3, 743)):
        p0, p1 = period(2021, month)
        line = got[name]["line"]
        want = expected(stores["rows"], "production", "NO1", "hour", p0, p1, {"hydro"})
        assert len(want["hydro"]) == n
        dx, dy = check_points(line, want, "hydro", name)
        pts, _ = drawn_points(line, "hydro")
        steps = {round((b[0] - a[0]) / HOUR_MS, 3) for a, b in zip(pts, pts[1:])}
        assert steps == {1.0}, f"{name}: spacing {steps}"
        print(f"{name}: {n} points, dx {dx:.0f} ms, dy {dy:.3g}")
    (h1, r1), (h2, r2) = (tip_rows(t) for t in got["hour-oct"]["tips"])
    assert h1 == "Sun 31 Oct 2021, 02:00 (UTC+02:00)", h1
    assert h2 == "Sun 31 Oct 2021, 02:00 (UTC+01:00)", h2
    rows = {r[3] * 1000: r[4] for r in stores["rows"] if r[:3] == ("production", "NO1", "hydro")}
    for r, t in ((r1, t1), (r2, t2)):
        v, tol = parse_value(r["Hydro"])
        assert abs(v - rows[t - HOUR_MS // 2]) <= tol, (r, rows[t - HOUR_MS // 2])
    (h3, _), (h4, _) = (tip_rows(t) for t in got["hour-mar"]["tips"])
    assert (h3, h4) == ("Sun 28 Mar 2021, 01:00 (UTC+01:00)", "Sun 28 Mar 2021, 03:00 (UTC+02:00)"), (h3, h4)


def cumulative(want, order, times):
    """Stacked tops per group at each time: the sum of the present values of
    this group and every group below it (a missing value stacks nothing and
    is drawn as a gap)."""
    tops = {}
    for t in times:
        acc = 0.0
        for g in order:
            e = want.get(g, {}).get(t)
            if e is None:
                tops[(g, t)] = None
            else:
                acc += e[0]
                tops[(g, t)] = acc
    return tops


def test_stacked_views_stack_by_time(stores, tmp_path):
    """Item 3: with NO4 hydro missing 10-14 January, the stacked and share
    views draw every other group at its own time on top of the groups
    present below it; hydro has a gap there, nothing shifts, nothing ends
    early. Compared with the cumulative sums by time from the CSV rows."""
    cases = [{"name": "stacked-NO4-gap", "path": "/?ds=production&area=NO4&year=2021&month=1&view=stacked"},
             {"name": "share-NO4-gap", "path": "/?ds=production&area=NO4&year=2021&month=1&view=share&step=day"},
             {"name": "stacked-NO4-gap-day", "path": "/?ds=production&area=NO4&year=2021&month=1&view=stacked&step=day"}]
    got = probe(stores["gap"], cases, tmp_path, "stacked")
    meta = json.loads(stores["gap"].get("/api/meta")[2])
    p0, p1 = period(2021, 1)
    for name, step, share in (("stacked-NO4-gap", "hour", False), ("share-NO4-gap", "day", True),
                              ("stacked-NO4-gap-day", "day", False)):
        line = got[name]["line"]
        want = expected(stores["gap_rows"], "production", "NO4", step, p0, p1)
        order = [g for g in meta["group_order"] if g in want]
        drawn_order = [s["id"] for s in line["series"] if s["id"] in want]
        assert sorted(drawn_order) == sorted(order), f"groups {drawn_order} != {order}"
        times = sorted({t for g in want for t in want[g]})
        if share:
            tot = {t: sum(want[g][t][0] for g in want if t in want[g]) for t in times}
            want = {g: {t: [100 * e[0] / tot[t]] + e[1:] for t, e in v.items()} for g, v in want.items()}
        # The stack as drawn (series order); the order itself is checked last.
        tops = cumulative(want, drawn_order, times)
        tx, ty = tolerances(line)
        if share:
            ty = max(ty, 1e-9)
        worst = 0.0
        for s in line["series"]:
            if s["id"] not in want:
                continue
            # One drawn item per bucket time (breaks between them are null).
            drawn = {}
            for p in s["points"]:
                if p is None:
                    continue
                t = min(times, key=lambda x: abs(want_mid(x, step, p0, p1) - p[0]))
                assert abs(want_mid(t, step, p0, p1) - p[0]) <= tx, f"{name} {s['id']}: x {p[0]}"
                drawn[t] = p[1]
            for t in times:
                top = tops[(s["id"], t)]
                if top is None:
                    assert t not in drawn, f"{name} {s['id']}: drawn at {t} inside its gap"
                else:
                    assert t in drawn, f"{name} {s['id']}: nothing drawn at {t}"
                    worst = max(worst, abs(drawn[t] - top))
                    assert abs(drawn[t] - top) <= ty, f"{name} {s['id']} at {t}: {drawn[t]} != {top}"
        print(f"{name}: {len(times)} buckets x {len(order)} groups, largest dy {worst:.3g}")
        assert drawn_order == order, f"stack order {drawn_order} != {order} (/api/meta group_order)"


def want_mid(t, step, p0, p1):
    b0, b1 = bucket_of(t // 1000, step)
    return (max(b0, p0) + min(b1, p1)) / 2


def test_pie_states_coverage(stores, tmp_path):
    """Item 6: the NO1 2021 pie marks every group that covers only part of
    the year (from the CSV rows: hydro 8,760 hours, the others January's
    744) as partial, with its hours, drawn lighter; hydro is not."""
    got = probe(stores["full"], [{"name": "pie-NO1-2021", "path": "/?ds=production&area=NO1&year=2021&month=1"}],
                tmp_path, "pie")
    hours = defaultdict(int)
    for d, a, g, s, _k, _u in stores["rows"]:
        if d == "production" and a == "NO1" and oslo_ms(2021, 1, 1) <= s * 1000 < oslo_ms(2022, 1, 1):
            hours[g] += 1
    slices = {x["id"]: x for x in got["pie-NO1-2021"]["pie"]["series"]}
    assert set(slices) == {g for g in hours}, slices.keys()
    for g, n in hours.items():
        x = slices[g]
        if n < 8760:
            assert f"partial: {n:,} of 8,760 h" in x["label"], x
            assert x["opacity"] < 1, x
        else:
            assert "partial" not in x["label"] and x["opacity"] == 1, x
    note = got["pie-NO1-2021"]["pie_note"]
    assert "Partial coverage" in note and "Wind 744 of 8,760 h" in note, note


def test_tooltip_is_exact_on_a_dense_year(stores, tmp_path):
    """Item 4: on the whole-year hourly stacked view, the tooltip at 12
    January 12:00 names that hour and every group with its value (from the
    CSV rows) and a total row; with NO4 hydro missing, the tooltip inside
    the gap says hydro is missing and totals the others."""
    t = oslo_ms(2021, 1, 12, 12)
    g = oslo_ms(2021, 1, 11, 6)
    cases = [{"name": "year-hour-stacked", "path": "/?ds=production&area=NO1&year=2021&month=all&view=stacked",
              "tips": [t + HOUR_MS // 2]}]
    got = probe(stores["full"], cases, tmp_path, "tooltip")
    gap = probe(stores["gap"], [{"name": "gap-tip", "path": "/?ds=production&area=NO4&year=2021&month=1&view=stacked",
                                 "tips": [g + HOUR_MS // 2]}], tmp_path, "tooltip-gap")
    for (text, rows, area, at) in ((got["year-hour-stacked"]["tips"][0], stores["rows"], "NO1", t),
                                   (gap["gap-tip"]["tips"][0], stores["gap_rows"], "NO4", g)):
        head, shown = tip_rows(text)
        want = {r[2]: r[4] for r in rows if r[0] == "production" and r[1] == area and r[3] * 1000 == at}
        label = dt.datetime.fromtimestamp(at / 1000, OSLO).strftime("%a %-d %b %Y, %H:00")
        assert head.startswith(label), (head, label)
        meta = json.loads(stores["full"].get("/api/meta")[2])
        present = {r[2] for r in rows if r[0] == "production" and r[1] == area
                   and oslo_ms(2021, 1, 1) <= r[3] * 1000 < oslo_ms(2021, 2, 1)}
        worst = 0.0
        for grp in present:
            name = meta["groups"][grp]["label"]
            assert name in shown, f"{grp} missing from the tooltip: {text!r}"
            if grp not in want:
                assert shown[name] == "missing", shown[name]
                continue
            v, tol = parse_value(shown[name].split(" (")[0])
            worst = max(worst, abs(v - want[grp]))
            assert abs(v - want[grp]) <= tol, (grp, shown[name], want[grp])
        v, tol = parse_value(shown["Total"])
        assert abs(v - sum(want.values())) <= tol, (shown["Total"], sum(want.values()))
        print(f"{area} {head}: {len(present)} groups, largest difference {worst:.3g} kW")
    assert "Hydro" in gap["gap-tip"]["tips"][0] and "missing" in gap["gap-tip"]["tips"][0]


def test_missing_hours_one_merged_band(stores, tmp_path):
    """Item 8: NO4 hydro (10-14 Jan) and wind (12-16 Jan) missing draw one
    band from 10 January 00:00 to 17 January 00:00 naming both groups, noted
    once; with only solar and thermal selected, no band at all."""
    cases = [{"name": "band-all", "path": "/?ds=production&area=NO4&year=2021&month=1"},
             {"name": "band-none", "path": "/?ds=production&area=NO4&year=2021&month=1&groups=solar,thermal"}]
    got = probe(stores["gap"], cases, tmp_path, "bands")
    line = got["band-all"]["line"]
    tx, _ = tolerances(line)
    bands = line["bands"]
    assert len(bands) == 1, bands
    a, b = oslo_ms(2021, 1, 10), oslo_ms(2021, 1, 17)
    assert abs(bands[0]["x0"] - a) <= tx and abs(bands[0]["x1"] - b) <= tx, (bands, a, b)
    assert "Hydro" in bands[0]["name"] and "Wind" in bands[0]["name"], bands
    note = got["band-all"]["quality"]
    assert note.count("Missing hours") == 1 and note.count("Hydro") == 1 and "168 h" in note, note
    assert got["band-none"]["line"]["bands"] == [], got["band-none"]["line"]["bands"]
    assert "No missing hours" in got["band-none"]["quality"], got["band-none"]["quality"]


def test_legend_and_pills_are_one_filter(stores, tmp_path):
    """Item 11: turning wind off in the chart's legend updates the URL and
    the pills (every group but wind pressed), and the series shown."""
    cases = [{"name": "legend", "path": "/?ds=production&area=NO1&year=2021&month=1&step=day",
              "legend": ["Wind"]}]
    got = probe(stores["full"], cases, tmp_path, "legend")["legend"]
    rest = sorted({"hydro", "solar", "thermal", "other"})
    assert f"groups={'%2C'.join(rest)}" in got["url"] or f"groups={','.join(rest)}" in got["url"], got["url"]
    assert sorted(got["pills"]) == rest, got["pills"]
    shown = sorted(s["id"] for s in got["line"]["series"] if s["shown"] and s["id"] != "__missing")
    assert shown == rest, shown


def test_units_rounding_and_negative_values(stores, tmp_path):
    """Items 13 (dashboard): hourly views are in power (W units), longer
    steps in energy; a tooltip value has at most the data's 3 decimals in
    kWh and 4 significant digits (NO1 other, a few kWh an hour, reads in
    kW, not as 0.00000x GW); negative hours of net consumption are flagged
    (NO4 tertiary, from the CSV rows: 24 negative hours)."""
    t = oslo_ms(2021, 1, 12, 12)
    cases = [{"name": "power", "path": "/?ds=production&area=NO1&year=2021&month=1", "tips": [t + HOUR_MS // 2]},
             {"name": "energy", "path": "/?ds=production&area=NO1&year=2021&month=1&step=day"}]
    got = probe(stores["full"], cases, tmp_path, "units")
    rows = {r[2]: r[4] for r in stores["rows"] if r[:2] == ("production", "NO1") and r[3] * 1000 == t}
    _, shown = tip_rows(got["power"]["tips"][0])
    v, tol = parse_value(shown["Other"])
    assert shown["Other"].endswith(" kW") and abs(v - rows["other"]) <= tol, (shown["Other"], rows["other"])
    for name, text in shown.items():
        num = text.split(" ")[0].replace(",", "").lstrip("-")
        assert len(num.replace(".", "").lstrip("0")) <= max(4, len(num.split(".")[0])), text
        assert text.endswith("W"), text
    neg = defaultdict(int)
    for d, a, g, s, kwh, _u in web_util.real_rows(("consumption",)):
        if kwh < 0 and oslo_ms(2025, 11, 1) <= s * 1000 < oslo_ms(2025, 12, 1):
            neg[(a, g)] += 1
    (area, grp), n = max(neg.items(), key=lambda x: x[1])
    store = tmp_path / "cons.db"
    web_util.fill_store(store, ("consumption",))
    with web_util.serve(f"sqlite:{store}") as srv:
        c = probe(srv, [{"name": "negative", "path": f"/?ds=consumption&area={area}&year=2025&month=11&groups={grp}"}],
                  tmp_path, "negative")["negative"]
    assert c["negative"] and c["negative"].startswith(f"{n} hours below zero"), (c["negative"], n)
    assert c["line"]["y_extent"][0] < 0, c["line"]["y_extent"]


def month_key(sec):
    return dt.datetime.fromtimestamp(sec, OSLO).strftime("%Y-%m")


def month_hours(key):
    y, m = map(int, key.split("-"))
    a, b = period(y, m)
    return (b - a) // HOUR_MS


def test_first_view_and_choices_with_data(stores, tmp_path):
    """Items 9 and 10: a bare URL opens the most recent month in which an
    area has the most complete groups (from the CSV rows: every group of
    NO1 in January 2021), with no missing hours; NO1 2025 offers only the
    months with rows and only the groups NO1 has that year (no "*" pill);
    NO3 is disabled in 2021; the empty store names the store served, the
    glob that imports, and its Dark mode button works."""
    hours = defaultdict(int)
    for d, a, g, s, _k, _u in stores["rows"]:
        if d == "production":
            hours[(a, month_key(s), g)] += 1
    score = defaultdict(int)
    for (a, m, g), n in hours.items():
        if n == month_hours(m):
            score[(a, m)] += 1
    areas = ["NO1", "NO2", "NO3", "NO4", "NO5"]
    best = max(score, key=lambda k: (score[k], k[1], -areas.index(k[0])))
    cases = [{"name": "first-view", "path": "/"},
             {"name": "choices-NO1-2025", "path": "/?ds=production&area=NO1&year=2025&month=11"}]
    got = probe(stores["full"], cases, tmp_path, "first")
    f = got["first-view"]
    year = re.search(r"year=(\d+)", f["url"]).group(1)
    assert (f["controls"]["area"], f"{year}-{int(f['controls']['month']):02d}") == best, (f["url"], best)
    assert f"area={best[0]}" in f["url"]
    assert f["quality"].startswith("No missing hours"), f["quality"]
    drawn = [s["id"] for s in f["line"]["series"] if s["id"] != "__missing" and any(s["points"])]
    assert sorted(drawn) == sorted(g for (a, m, g) in hours if (a, m) == best), drawn
    c = got["choices-NO1-2025"]["controls"]
    with_rows = {int(m[5:]) for (a, m, g) in hours if a == "NO1" and m.startswith("2025")}
    assert sorted(map(int, c["months_disabled"])) == sorted(set(range(1, 13)) - with_rows), c
    groups = {g for (a, m, g) in hours if a == "NO1" and m.startswith("2025")}
    assert sorted(c["pill_groups"]) == sorted(groups) and "*" not in c["pill_groups"], c
    a21 = probe(stores["full"], [{"name": "areas-2021", "path": "/?ds=production&area=NO1&year=2021&month=1"},
                                 {"name": "empty-pie", "path": "/?ds=production&area=NO3&year=2021&month=1"}],
                tmp_path, "areas")
    c21 = a21["areas-2021"]["controls"]
    # An old link to an area without data that year: the empty pie says so.
    assert a21["empty-pie"]["pie"]["series"] == [] and "No data" in a21["empty-pie"]["pie_note"], a21["empty-pie"]["pie_note"]
    assert c21["areas_disabled"] == sorted(set(areas) - {a for (a, m, g) in hours if m.startswith("2021")}), c21
    empty = tmp_path / "empty.db"
    with web_util.serve(make_empty_store(empty)) as srv:
        e = probe(srv, [{"name": "empty-store", "path": "/?theme=light", "empty": True}], tmp_path, "empty")
    e = e["empty-store"]
    assert "elhub import data/elhub/*.gz" in e["text"] and str(empty) in e["text"], e["text"]
    assert (e["theme_before"], e["theme_after"]) == ("light", "dark"), e


def test_small_multiples_share_axes_and_show_totals(stores, tmp_path):
    """Item 12: the five areas share the x axis (the period) and the y
    range; each is titled with its total (from the CSV rows, to the 4
    digits shown) and one legend names the groups."""
    got = probe(stores["full"], [{"name": "compare", "path": "/?ds=production&area=NO1&year=2021&month=1&step=day&compare=1"}],
                tmp_path, "multiples")["compare"]
    p0, p1 = period(2021, 1)
    ms = got["multiples"]
    assert len(ms) == 5
    assert all(m["x_extent"] == [p0, p1] for m in ms), [m["x_extent"] for m in ms]
    # (An area without data draws no y axis; the others share one range.)
    drawn = [m for m in ms if not m["title"].endswith("no data")]
    assert len(drawn) == 4 and len({tuple(m["y_extent"]) for m in drawn}) == 1, [m["y_extent"] for m in ms]
    meta = json.loads(stores["full"].get("/api/meta")[2])
    for i, area in enumerate(["NO1", "NO2", "NO3", "NO4", "NO5"]):
        tot = math.fsum(r[4] for r in stores["rows"] if r[0] == "production" and r[1] == area and p0 <= r[3] * 1000 < p1)
        title = ms[i]["title"]
        assert title.startswith(f"{area} · "), title
        if tot == 0:
            assert title.endswith("no data"), title
        else:
            v, tol = parse_value(title.split(" · ")[1])
            assert abs(v - tot) <= tol, (title, tot)
    groups = {r[2] for r in stores["rows"] if r[0] == "production" and p0 <= r[3] * 1000 < p1}
    assert sorted(got["multi_legend"]) == sorted(meta["groups"][g]["label"] for g in groups), got["multi_legend"]


def test_summary_table_under_the_chart(stores, tmp_path):
    """Beyond the seed: the table under the chart gives per group its
    energy, hours present of the period, and its lowest and highest hour
    with their Oslo times; the last row sums the groups. From the CSV rows
    (NO4, January 2021, with hydro and wind missing hours)."""
    got = probe(stores["gap"], [{"name": "summary", "path": "/?ds=production&area=NO4&year=2021&month=1"}],
                tmp_path, "summary")["summary"]
    p0, p1 = period(2021, 1)
    by = defaultdict(dict)
    for d, a, g, s, k, _u in stores["gap_rows"]:
        if d == "production" and a == "NO4" and p0 <= s * 1000 < p1:
            by[g][s] = k
    rows = {r["group"]: r["cells"] for r in got["summary"]}
    assert set(rows) == set(by) | {""}, rows.keys()
    label = lambda s: dt.datetime.fromtimestamp(s, OSLO).strftime("%a %-d %b %Y, %H:00")
    for g, hv in by.items():
        c = rows[g]
        v, tol = parse_value(c[1])
        assert abs(v - math.fsum(hv.values())) <= tol, (g, c[1])
        assert c[3] == f"{len(hv):,} of 744", (g, c[3])
        lo = min(hv, key=lambda s: (hv[s], s))
        hi = min(hv, key=lambda s: (-hv[s], s))
        for cell, at in ((c[5], lo), (c[6], hi)):
            val, when = cell.split(" · ")
            v, tol = parse_value(val)
            assert abs(v - hv[at]) <= tol and when.startswith(label(at)), (g, cell, hv[at], label(at))
    v, tol = parse_value(rows[""][1])
    assert abs(v - math.fsum(x for hv in by.values() for x in hv.values())) <= tol, rows[""]


def test_old_links_open_the_same_view(stores, tmp_path):
    """Beyond the seed: a link with every old parameter opens that view
    and keeps every parameter in the URL."""
    q = "ds=production&area=NO5&year=2021&month=3&groups=hydro&step=day&view=stacked&compare=1&theme=dark"
    got = probe(stores["full"], [{"name": "old-link", "path": f"/?{q}"}], tmp_path, "oldlink")["old-link"]
    url = got["url"].split("?", 1)[1]
    for kv in q.split("&"):
        assert kv in url.split("&"), (kv, url)
    assert got["controls"]["area"] == "NO5" and got["controls"]["month"] == "3"
    assert got["pills"] == ["hydro"] and len(got["multiples"]) == 5
    p0, p1 = period(2021, 3)
    want = expected(stores["rows"], "production", "NO5", "day", p0, p1, {"hydro"})
    check_points(got["line"], want, "hydro", "old link")


def test_image_download(stores, tmp_path):
    """Beyond the seed: the chart downloads as PNG (twice the chart's
    pixels) and as SVG with real <text> (the axis labels are searchable)."""
    import struct
    import xml.etree.ElementTree as ET
    got = probe(stores["full"], [{"name": "download", "path": "/?ds=production&area=NO1&year=2021&month=1&step=day",
                                  "download": ["line-png", "line-svg"]}], tmp_path, "download")["download"]
    png, svg = got["downloads"]
    assert png["name"] == "elhub-production-NO1-2021-01-01-2021-01-31-day-lines.png", png
    data = pathlib.Path(png["path"]).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    w, h = struct.unpack(">II", data[16:24])
    assert (w, h) == (2 * got["chart_size"][0], 2 * got["chart_size"][1]), ((w, h), got["chart_size"])
    root = ET.parse(svg["path"]).getroot()
    texts = [t.text for t in root.iter() if t.tag.endswith("text") and t.text]
    assert "Europe/Oslo time" in texts and "Hydro" in texts, texts[:20]
    labels = [x["text"] for x in got["line"]["axis_labels"]]
    assert labels and all(x in texts for x in labels), (labels, texts[:30])


def test_previous_and_next_period(stores, tmp_path):
    """Beyond the seed: the next and previous buttons move by one month
    (or year), keep it in the URL, and draw that period (x axis = the
    period); at the data's last month the next button is disabled."""
    cases = [{"name": "next", "path": "/?ds=production&area=NO1&year=2021&month=10&step=day", "clicks": ["#next"]},
             {"name": "prev2", "path": "/?ds=production&area=NO1&year=2021&month=10&step=day", "clicks": ["#prev", "#prev"]},
             {"name": "last", "path": "/?ds=production&area=NO1&year=2025&month=11&step=day"}]
    got = probe(stores["full"], cases, tmp_path, "prevnext")
    last = max(dt.datetime.fromtimestamp(r[3], OSLO).strftime("%Y-%m") for r in stores["rows"] if r[0] == "production")
    assert last == "2025-11"
    assert got["last"]["controls"]["next_disabled"] and not got["last"]["controls"]["prev_disabled"]
    for name, month in (("next", 11), ("prev2", 8)):
        r = got[name]
        assert f"month={month}" in r["url"] and "year=2021" in r["url"], r["url"]
        p0, p1 = period(2021, month)
        assert r["line"]["x_extent"] == [p0, p1], (name, r["line"]["x_extent"])
        want = expected(stores["rows"], "production", "NO1", "day", p0, p1, {"hydro"})
        check_points(r["line"], want, "hydro", name)


def test_zoom_is_kept_in_the_url_with_a_reset(stores, tmp_path):
    """Beyond the seed: zooming to 10-17 October keeps the window in the URL,
    the axis labels are redrawn inside it (Oslo days), a link with the zoom
    opens zoomed, and the reset button returns to the whole period."""
    a, b = oslo_ms(2021, 10, 10), oslo_ms(2021, 10, 17)
    base = "/?ds=production&area=NO1&year=2021&month=10&step=hour&groups=hydro"
    got = probe(stores["full"], [{"name": "zoom", "path": base, "zoom": [a, b]},
                                 {"name": "zoomed-link", "path": f"{base}&zoom={a},{b}"},
                                 {"name": "reset", "path": f"{base}&zoom={a},{b}", "press": ["#zoom-reset"]}],
                tmp_path, "zoom")
    z = got["zoom"]
    assert f"zoom={a}%2C{b}" in z["url"] or f"zoom={a},{b}" in z["url"], z["url"]
    tx, _ = tolerances(z["line"])
    assert abs(z["line"]["x_extent"][0] - a) <= tx and abs(z["line"]["x_extent"][1] - b) <= tx, z["line"]["x_extent"]
    labels = z["line"]["axis_labels"]
    assert len(labels) >= 3 and all(a - tx <= x["x"] <= b + tx for x in labels), labels
    for x in labels:   # each day label sits at that Oslo day's midnight
        if re.fullmatch(r"\d+ Oct", x["text"]):
            day = int(x["text"].split()[0])
            assert abs(x["x"] - oslo_ms(2021, 10, day)) <= 2 * tx, (x, tx)
    assert got["zoomed-link"]["line"]["x_extent"] == [a, b], got["zoomed-link"]["line"]["x_extent"]
    r = got["reset"]
    assert r["line"]["x_extent"] == list(period(2021, 10)) and "zoom=" not in r["url"], (r["line"]["x_extent"], r["url"])


def test_free_date_range(stores, tmp_path):
    """Beyond the seed: a date range (from/to in the URL) draws that period
    (x axis = 25 October 00:00 to 3 November 00:00 Oslo, across the DST
    change), its daily buckets at their middles; next moves it by its
    length (9 days)."""
    base = "/?ds=production&area=NO1&year=2021&from=2021-10-25&to=2021-11-02&step=day&groups=hydro"
    got = probe(stores["full"], [{"name": "range", "path": base},
                                 {"name": "range-next", "path": base, "clicks": ["#next"]}], tmp_path, "range")
    r = got["range"]
    p0, p1 = oslo_ms(2021, 10, 25), oslo_ms(2021, 11, 3)
    assert r["line"]["x_extent"] == [p0, p1], r["line"]["x_extent"]
    assert "from=2021-10-25" in r["url"] and "to=2021-11-02" in r["url"], r["url"]
    want = expected(stores["rows"], "production", "NO1", "day", p0, p1, {"hydro"})
    assert len(want["hydro"]) == 9
    check_points(r["line"], want, "hydro", "range")
    n = got["range-next"]
    assert "from=2021-11-03" in n["url"] and "to=2021-11-11" in n["url"], n["url"]
    assert n["line"]["x_extent"] == [oslo_ms(2021, 11, 3), oslo_ms(2021, 11, 12)], n["line"]["x_extent"]


def test_norway_is_an_area_on_the_page(stores, tmp_path):
    """Beyond the seed: Norway (area NO, the sum of NO1-NO5) is offered
    beside the five areas (a radio labelled Norway, kept in the URL as
    area=NO). Its pie holds, per group, the sum of the five
    areas' rows of the year (from the CSV), marked partial with the hours of
    the least-covered area holding the group; its daily line is the sum of
    the areas' daily sums."""
    cases = [{"name": "norway-pie", "path": "/?ds=production&area=NO1&year=2025&month=11",
              "clicks": ["#area-field label:has(input[value=NO]):has-text('Norway')"]},
             {"name": "norway-day", "path": "/?ds=production&area=NO&year=2025&month=11&step=day&groups=hydro"}]
    got = probe(stores["full"], cases, tmp_path, "norway")
    y0, y1 = oslo_ms(2025, 1, 1), oslo_ms(2026, 1, 1)
    tot = defaultdict(float)
    hours = defaultdict(lambda: defaultdict(int))
    holders = defaultdict(set)
    for d, a, g, s, k, _u in stores["rows"]:
        if d != "production":
            continue
        holders[g].add(a)
        if y0 <= s * 1000 < y1:
            tot[g] += k
            hours[g][a] += 1
    r = got["norway-pie"]
    assert "area=NO&" in r["url"] or r["url"].endswith("area=NO"), r["url"]
    slices = {x["id"]: x for x in r["pie"]["series"]}
    assert set(slices) == set(tot), slices.keys()
    for g, v in tot.items():
        assert abs(slices[g]["value"] - v) <= 0.0005 + 1e-9 * abs(v), (g, slices[g]["value"], v)
        least = min(hours[g].get(a, 0) for a in holders[g])
        assert f"partial: {least:,} of 8,760 h" in slices[g]["label"], (g, slices[g]["label"])
    assert r["pie_note"].startswith("Norway, 2025:"), r["pie_note"]
    p0, p1 = period(2025, 11)
    want = {"hydro": {}}
    for a in ("NO1", "NO2", "NO3", "NO4", "NO5"):
        for b0, e in expected(stores["rows"], "production", a, "day", p0, p1, {"hydro"})["hydro"].items():
            w = want["hydro"].setdefault(b0, [0.0, 0, e[2], e[3]])
            w[0] += e[0]
            w[1] += e[1]
    dx, dy = check_points(got["norway-day"]["line"], want, "hydro", "norway-day")
    print(f"Norway: {len(tot)} groups in the pie, {len(want['hydro'])} days, largest dx {dx:.0f} ms, dy {dy:.3g} kWh")
