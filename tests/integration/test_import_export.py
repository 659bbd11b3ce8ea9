"""import / export / status against a real SQLite file, checked against an
independent Python reading of the bundled source files (csv, json, gzip)
and of the database (sqlite3), and against the figures in SOURCES.md."""
import csv
import gzip
import io
import json
import os
import pathlib
import sqlite3
import subprocess
from datetime import datetime

import pytest

from conftest import make_empty_store, BUNDLED_DATA, REPO, elhub_bin, run_elhub

DATA_FILES = sorted(BUNDLED_DATA.glob("*.gz"))
EXCERPT = BUNDLED_DATA / "production_2021_raw_excerpt_NO1_hydro.csv.gz"
SLICES = BUNDLED_DATA / "production_2021_slices.csv.gz"
SEED_COLS = ["pricearea", "productiongroup", "starttime", "endtime", "quantitykwh",
             "lastupdatedtime"]

# Oslo days as UTC instants [start, end): both 2021 DST days.
SPRING_2021 = (1616886000, 1616968800)   # 2021-03-27T23:00Z .. 2021-03-28T22:00Z: 23 h
AUTUMN_2021 = (1635631200, 1635721200)   # 2021-10-30T22:00Z .. 2021-10-31T23:00Z: 25 h


# ---- an independent reader of the source files ------------------------------

def instant(s):
    if not s:
        return 0
    return int(datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp())


def read_source(path):
    """-> (dataset, {(area, group, start): (kwh, updated)}) straight from the file."""
    text = gzip.open(path, "rt", encoding="utf-8-sig").read()
    rows = {}
    if text.lstrip()[:1] in ("{", "["):
        doc = json.loads(text)
        if isinstance(doc, dict):
            recs = [r for a in doc["data"] for lst in a["attributes"].values()
                    if isinstance(lst, list) for r in lst]
        else:
            recs = doc
    else:
        recs = list(csv.DictReader(io.StringIO(text)))
    dataset = None
    for r in recs:
        gkey = "productionGroup" if "productionGroup" in r else "consumptionGroup"
        dataset = "production" if gkey == "productionGroup" else "consumption"
        kwh = r.get("quantityKwh", r.get("quantityKwhFloat32"))
        key = (r["priceArea"].upper(), r[gkey].lower(), instant(r["startTime"]))
        assert key not in rows
        rows[key] = (float(kwh), instant(r.get("lastUpdatedTime")))
    return dataset, rows


def expected_store(files):
    """What the store should hold after importing files in order: a row is
    replaced unless the stored one has a newer lastUpdatedTime."""
    out = {"production": {}, "consumption": {}}
    for f in files:
        ds, rows = read_source(f)
        table = out[ds]
        for k, v in rows.items():
            if k not in table or v[1] >= table[k][1]:
                table[k] = v
    return out


def read_db(store):
    """{dataset: {(area, group, start): (kwh, updated)}} via Python's sqlite3."""
    con = sqlite3.connect(store.split(":", 1)[1])
    out = {}
    for ds, gcol in (("production", "productiongroup"), ("consumption", "consumptiongroup")):
        out[ds] = {(a, g, s): (q, u) for a, g, s, q, u in con.execute(
            f"SELECT pricearea, {gcol}, starttime, quantitykwh, lastupdatedtime FROM {ds}")}
    con.close()
    return out


def dump_db(store, tables=("production", "consumption")):
    con = sqlite3.connect(store.split(":", 1)[1])
    out = [list(con.execute(f"SELECT * FROM {t} ORDER BY 1, 2, 3"))
           for t in tables]
    con.close()
    return out


def series_stats(rows, area, group, lo=None, hi=None):
    vals = [v[0] for (a, g, s), v in rows.items() if a == area and g == group
            and (lo is None or lo <= s < hi)]
    return len(vals), sum(vals)


@pytest.fixture(scope="module")
def full_store(tmp_path_factory):
    store = f"sqlite:{tmp_path_factory.mktemp('full') / 'elhub.db'}"
    p = run_elhub("import", "--store", store, *DATA_FILES)
    return store, p


# ---- import --------------------------------------------------------------------

def test_bundled_data_is_there():
    names = {f.name for f in DATA_FILES}
    assert len(DATA_FILES) == 9
    assert "production_2021_slices.csv.gz" in names
    assert (BUNDLED_DATA / "reference" / "production_2021_totals.csv.gz").exists()
    readme = (BUNDLED_DATA / "README.md").read_text()
    assert "CC BY 4.0" in readme and '"Elhub"' in readme


def test_import_every_bundled_file_matches_python(full_store):
    store, p = full_store
    for f in DATA_FILES:
        assert str(f) in p.stdout
    want = expected_store(DATA_FILES)
    got = read_db(store)
    for ds in want:
        assert set(got[ds]) == set(want[ds]), ds
        diff = [k for k in want[ds] if got[ds][k] != want[ds][k]]
        assert not diff, (ds, diff[:5])
    assert len(got["production"]) == 73142
    assert len(got["consumption"]) == 18105


def test_sums_from_sources_md(full_store):
    store, _ = full_store
    prod = read_db(store)["production"]
    y2021 = (1609455600, 1640991600)
    n, s = series_stats(prod, "NO1", "hydro", *y2021)
    assert n == 8760 and abs(s - 18356783799.95) < 0.01
    n, s = series_stats(prod, "NO5", "hydro", *y2021)
    assert n == 8760 and abs(s - 30336867547.29) < 0.01
    n, s = series_stats(prod, "NO2", "wind", *y2021)
    assert n == 8760 and abs(s - 3221530055.06) < 0.2   # float32-rounded source
    n, s = series_stats(prod, "NO4", "hydro", *y2021)
    assert n == 744 and abs(s - 2814279245.2) < 0.001
    # The reference file agrees for the two full hydro years.
    totals = {(r["priceArea"], r["productionGroup"]): float(r["totalKwh"]) for r in
              csv.DictReader(gzip.open(BUNDLED_DATA / "reference" /
                                       "production_2021_totals.csv.gz", "rt"))}
    assert abs(series_stats(prod, "NO1", "hydro", *y2021)[1] - totals[("NO1", "hydro")]) < 0.01


def test_dst_days_have_23_and_25_rows(full_store):
    store, _ = full_store
    prod = read_db(store)["production"]
    for area, group in (("NO1", "hydro"), ("NO5", "hydro"), ("NO2", "wind")):
        assert series_stats(prod, area, group, *SPRING_2021)[0] == 23
        assert series_stats(prod, area, group, *AUTUMN_2021)[0] == 25


def test_reimport_changes_nothing_and_order_does_not_matter(full_store, tmp_path):
    store, _ = full_store
    before = dump_db(store)
    run_elhub("import", "--store", store, *DATA_FILES)
    assert dump_db(store) == before
    other = f"sqlite:{tmp_path / 'reversed.db'}"
    run_elhub("import", "--store", other, *reversed(DATA_FILES))
    assert dump_db(other) == before


def test_bad_row_rejects_whole_file_others_land(tmp_path, sqlite_store):
    bad = tmp_path / "bad.csv"
    bad.write_text("priceArea,productionGroup,startTime,quantityKwh\n"
                   "NO1,hydro,2021-01-01T00:00:00+01:00,1.0\n"
                   "NO1,hydro,2021-01-01T01:00:00+01:00,2.0\n"
                   "NO1,hydro,2021-01-01T02:00:00,3.0\n")
    p = run_elhub("import", "--store", sqlite_store, bad, EXCERPT, check=False)
    assert p.returncode == 1
    assert f"{bad}: line 4: startTime" in p.stderr
    assert "no UTC offset" in p.stderr
    assert "rejected, nothing from it was stored" in p.stderr
    got = read_db(sqlite_store)["production"]
    assert len(got) == 14          # the excerpt landed, nothing from bad.csv
    assert (("NO1", "hydro", 1609455600)) in got
    assert got[("NO1", "hydro", 1609455600)][0] == 2507716.8


def test_duplicate_key_rejects_file(tmp_path, sqlite_store):
    dup = tmp_path / "dup.csv"
    dup.write_text("priceArea,productionGroup,startTime,quantityKwh\n"
                   "NO1,hydro,2021-10-31T02:00:00+01:00,1.0\n"
                   "NO1,hydro,2021-10-31T02:00:00+02:00,2.0\n"
                   "NO1,hydro,2021-10-31T01:00:00Z,3.0\n")
    p = run_elhub("import", "--store", sqlite_store, dup, check=False)
    assert p.returncode == 1
    assert "appears twice (lines 2 and 4)" in p.stderr
    assert read_db(sqlite_store)["production"] == {}


def test_header_of_neither_dataset_is_rejected(sqlite_store):
    ref = BUNDLED_DATA / "reference" / "production_2021_totals.csv.gz"
    p = run_elhub("import", "--store", sqlite_store, ref, check=False)
    assert p.returncode == 1
    assert "header matches neither production nor consumption" in p.stderr
    p = run_elhub("import", "--store", sqlite_store, "--dataset", "consumption", SLICES,
                  check=False)
    assert p.returncode == 1
    assert "dataset asked for is consumption" in p.stderr


def test_stdin_plain_and_gzip(sqlite_store):
    text = gzip.open(EXCERPT, "rt").read()
    p = run_elhub("import", "--store", sqlite_store, "-", input=text)
    assert "<stdin>" not in p.stderr
    assert "14 production rows (csv)" in p.stdout
    raw = gzip.open(BUNDLED_DATA / "consumption_2021_sample_records.json.gz").read()
    q = subprocess.run([elhub_bin(), "import", "--store", sqlite_store, "-"],
                       input=gzip.compress(raw), capture_output=True)
    assert q.returncode == 0, q.stderr
    assert b"5 consumption rows (json, gzip)" in q.stdout
    got = read_db(sqlite_store)
    assert len(got["production"]) == 14 and len(got["consumption"]) == 5


def test_missing_file_is_a_clear_error(sqlite_store, tmp_path):
    p = run_elhub("import", "--store", sqlite_store, tmp_path / "nope.csv", check=False)
    assert p.returncode == 1
    assert "cannot open" in p.stderr and "nope.csv" in p.stderr


# ---- export ---------------------------------------------------------------------

def excerpt_in_seed_order():
    rows = list(csv.DictReader(gzip.open(EXCERPT, "rt")))
    cols = ["priceArea", "productionGroup", "startTime", "endTime", "quantityKwh",
            "lastUpdatedTime"]
    return ",".join(SEED_COLS) + "\n" + "".join(
        ",".join(r[c] for c in cols) + "\n" for r in rows)


def test_export_csv_round_trips_excerpt_byte_for_byte(sqlite_store, tmp_path):
    run_elhub("import", "--store", sqlite_store, EXCERPT)
    p = run_elhub("export", "--store", sqlite_store, "--dataset", "production")
    assert p.stdout == excerpt_in_seed_order()
    out = tmp_path / "out.csv"
    run_elhub("export", "--store", sqlite_store, "--dataset", "production", "-o", out)
    assert out.read_text() == excerpt_in_seed_order()
    assert [f.name for f in tmp_path.iterdir() if "tmp" in f.name] == []


def test_export_json_reimports_to_the_same_rows(full_store, tmp_path):
    store, _ = full_store
    other = f"sqlite:{tmp_path / 'copy.db'}"
    for ds in ("production", "consumption"):
        out = tmp_path / f"{ds}.json"
        run_elhub("export", "--store", store, "--dataset", ds, "--format", "json", "-o", out)
        doc = json.loads(out.read_text())
        assert isinstance(doc, list) and doc
        run_elhub("import", "--store", other, out)
        csv_out = tmp_path / f"{ds}.csv"
        run_elhub("export", "--store", store, "--dataset", ds, "-o", csv_out)
        run_elhub("import", "--store", f"sqlite:{tmp_path / 'csvcopy.db'}", csv_out)
    assert dump_db(other) == dump_db(store)
    assert dump_db(f"sqlite:{tmp_path / 'csvcopy.db'}") == dump_db(store)


def test_export_filters_are_inclusive_oslo_dates(full_store):
    store, _ = full_store
    base = ("export", "--store", store, "--dataset", "production")
    day = run_elhub(*base, "--area", "no1", "--group", "HYDRO", "--from", "2021-10-31",
                    "--to", "2021-10-31").stdout.splitlines()
    assert len(day) == 1 + 25
    assert day[1].startswith("NO1,hydro,2021-10-31T00:00:00+02:00,")
    assert day[-1].startswith("NO1,hydro,2021-10-31T23:00:00+01:00,")
    month = run_elhub(*base, "--area", "NO5", "--group", "hydro", "--from", "2021-03",
                      "--to", "2021-03").stdout.splitlines()
    assert len(month) == 1 + 31 * 24 - 1
    cons = run_elhub("export", "--store", store, "--dataset", "consumption", "--to",
                     "2021-01-01").stdout.splitlines()
    assert cons[0] == ("pricearea,consumptiongroup,starttime,endtime,quantitykwh,"
                       "lastupdatedtime,meteringpointcount")
    assert cons[1] == ("NO1,cabin,2021-01-01T00:00:00+01:00,2021-01-01T01:00:00+01:00,"
                       "177071.56,2024-12-20T10:35:40+01:00,100607")
    assert len(cons) == 6


def test_export_failure_leaves_no_file(sqlite_store, tmp_path):
    run_elhub("import", "--store", sqlite_store, EXCERPT)
    target = tmp_path / "missing-dir" / "out.csv"
    p = run_elhub("export", "--store", sqlite_store, "--dataset", "production", "-o", target,
                  check=False)
    assert p.returncode == 1 and "cannot create" in p.stderr
    assert not target.parent.exists()
    p = run_elhub("export", "--store", sqlite_store, "--format", "xml", "--dataset",
                  "production", check=False)
    assert p.returncode == 2


# ---- status ---------------------------------------------------------------------

def status_json(store):
    return json.loads(run_elhub("status", "--store", store, "--json").stdout)


def test_status_json_matches_and_counts_a_gap(sqlite_store):
    run_elhub("import", "--store", sqlite_store, SLICES)
    st = status_json(sqlite_store)
    assert st["empty"] is False
    prod = {d["dataset"]: d for d in st["datasets"]}["production"]
    assert prod["rows"] == 24216 and prod["series_count"] == 11
    assert prod["missing_hours"] == 0   # every series is complete within its span
    series = {(s["area"], s["group"]): s for s in prod["series"]}
    no1 = series[("NO1", "hydro")]
    assert no1["rows"] == 8760 and no1["missing_hours"] == 0
    assert abs(no1["kwh"] - 18356783799.95) < 0.01
    assert no1["first"] == "2021-01-01T00:00:00+01:00"
    assert no1["last"] == "2021-12-31T23:00:00+01:00"
    assert no1["newest_update"] is None
    for s in prod["series"]:
        want = read_source(SLICES)[1]
        n, total = series_stats(want, s["area"], s["group"])
        assert s["rows"] == n and abs(s["kwh"] - total) < 1e-3

    # Make a gap of two hours inside NO1 hydro (one of them the repeated
    # 02:00 of the autumn DST day) and see both counted.
    con = sqlite3.connect(sqlite_store.split(":", 1)[1])
    con.execute("DELETE FROM production WHERE pricearea='NO1' AND productiongroup='hydro'"
                " AND starttime IN (1635642000, 1635645600)")
    con.commit()
    con.close()
    # A change behind elhub's back: the rollups are rebuilt from the rows.
    run_elhub("repair", "--store", sqlite_store)
    no1 = {(s["area"], s["group"]): s for s in
           status_json(sqlite_store)["datasets"][0]["series"]}[("NO1", "hydro")]
    assert no1["rows"] == 8758 and no1["missing_hours"] == 2


def test_status_table_and_empty_store(sqlite_store, tmp_path):
    # Reading a store that does not exist is an error naming it; nothing
    # is created (only writing commands create a store).
    p = run_elhub("status", "--store", sqlite_store, check=False)
    assert p.returncode == 1 and "no store at" in p.stderr
    assert not pathlib.Path(sqlite_store[len("sqlite:"):]).exists()
    make_empty_store(sqlite_store[len("sqlite:"):])
    p = run_elhub("status", "--store", sqlite_store)
    assert "holds no data rows yet" in p.stdout
    assert "elhub import" in p.stdout
    st = status_json(sqlite_store)
    assert st["empty"] is True
    assert all(d["rows"] == 0 and d["series"] == [] for d in st["datasets"])
    run_elhub("import", "--store", sqlite_store, EXCERPT)
    p = run_elhub("status", "--store", sqlite_store)
    line = next(l for l in p.stdout.splitlines() if l.startswith("NO1"))
    assert line.split()[:3] == ["NO1", "hydro", "14"]
    assert "2024-12-20 10:35" in line  # Oslo time to the minute (issue 12 item 15)


def test_help_texts():
    for cmd in ("import", "export", "status"):
        p = run_elhub(cmd, "--help")
        assert p.stdout.startswith(f"Usage: elhub {cmd}")
    assert run_elhub("import", check=False).returncode == 2
    # export defaults --dataset to production, as plot and fetch do (issue 12 item 15)
    assert run_elhub("export", "--dataset", check=False).returncode == 2


def test_demo_script_is_idempotent(tmp_path):
    env = {"ELHUB_STORE": f"sqlite:{tmp_path / 'demo.db'}", "ELHUB_BIN": elhub_bin(),
           "ELHUB_DEMO_JOB": "status"}
    full = dict(os.environ, **env)
    p1 = subprocess.run(["bash", str(REPO / "scripts" / "demo.sh")], capture_output=True,
                        text=True, env=full, timeout=600)
    assert p1.returncode == 0, p1.stderr
    assert "importing the bundled real data" in p1.stdout
    every = ("production", "consumption", "weather")
    before = dump_db(env["ELHUB_STORE"], every)
    p2 = subprocess.run(["bash", str(REPO / "scripts" / "demo.sh")], capture_output=True,
                        text=True, env=full, timeout=600)
    assert p2.returncode == 0, p2.stderr
    assert "not importing again" in p2.stdout
    assert dump_db(env["ELHUB_STORE"], every) == before
    assert len(before[0]) == 73142
    # the bundled weather for the weather pages: 8,760 hours x 5 variables from the Bergen
    # file (NO5) and 8,760 x 5 from the course's file at 60.57 N 7.60 E
    locations = [r[0] for r in before[2]]
    assert locations.count("NO5") == 43800 and locations.count("60.5700N_7.6000E") == 43800
