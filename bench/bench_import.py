#!/usr/bin/env python3
"""bench_import: imports every bundled data file (data/elhub/*.gz, 107,871
rows, CSV and API JSON) into a fresh SQLite store with `elhub import`, and
the same with a plain Python stdlib importer (gzip + csv/json + sqlite3,
same upsert rule) as the baseline, in the same run. Prints rows/s, wall
time and peak RSS (best of 3) and the ratio. Not a test: no assertions."""
import csv
import gzip
import io
import json
import os
import pathlib
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime

REPO = pathlib.Path(__file__).resolve().parents[1]
FILES = sorted((REPO / "data" / "elhub").glob("*.gz"))
ELHUB = os.environ.get("ELHUB_BIN", str(REPO / "build" / "elhub"))


def baseline(db, files):
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    for ds, g in (("production", "productiongroup"), ("consumption", "consumptiongroup")):
        con.execute(f"CREATE TABLE IF NOT EXISTS {ds} (pricearea TEXT, starttime INTEGER, {g} TEXT,"
                    " endtime INTEGER, quantitykwh REAL, lastupdatedtime INTEGER,"
                    f" meteringpointcount INTEGER, PRIMARY KEY (pricearea, starttime, {g}))"
                    " WITHOUT ROWID")

    def t(s):
        return int(datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()) if s else 0

    for f in files:
        text = gzip.open(f, "rt", encoding="utf-8-sig").read()
        if text.lstrip()[:1] in "{[":
            doc = json.loads(text)
            recs = ([r for a in doc["data"] for v in a["attributes"].values()
                     if isinstance(v, list) for r in v] if isinstance(doc, dict) else doc)
        else:
            recs = list(csv.DictReader(io.StringIO(text)))
        if not recs or "startTime" not in recs[0]:
            continue
        ds = "production" if "productionGroup" in recs[0] else "consumption"
        g = ds + "Group"
        rows = []
        for r in recs:
            s = t(r["startTime"])
            rows.append((r["priceArea"].upper(), s, r[g].lower(), t(r.get("endTime")) or s + 3600,
                         float(r.get("quantityKwh", r.get("quantityKwhFloat32"))),
                         t(r.get("lastUpdatedTime")), r.get("meteringPointCount") or None))
        gc = ds + "group"
        with con:
            con.executemany(
                f"INSERT INTO {ds} VALUES (?,?,?,?,?,?,?) ON CONFLICT (pricearea, starttime, {gc})"
                " DO UPDATE SET endtime=excluded.endtime, quantitykwh=excluded.quantitykwh,"
                " lastupdatedtime=excluded.lastupdatedtime,"
                " meteringpointcount=excluded.meteringpointcount"
                f" WHERE excluded.lastupdatedtime >= {ds}.lastupdatedtime", rows)
    con.close()


def run(argv):
    """Runs argv, returns (wall seconds, peak RSS MB)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = status
    wall = time.perf_counter() - t0
    if status != 0:
        sys.exit(f"bench: {' '.join(argv[:3])} ... failed ({status})")
    return wall, ru.ru_maxrss / 1024


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "--baseline":
        baseline(sys.argv[2], sys.argv[3:])
        return
    rows = 107871
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, mk in (
                ("elhub import", lambda db: [ELHUB, "import", "-q", "--store", f"sqlite:{db}",
                                             *map(str, FILES)]),
                ("python stdlib", lambda db: [sys.executable, __file__, "--baseline", db,
                                              *map(str, FILES)])):
            best = None
            for i in range(3):
                db = os.path.join(tmp, f"{name[0]}{i}.db")
                r = run(mk(db))
                best = r if best is None or r[0] < best[0] else best
            results[name] = best
    base = results["python stdlib"][0]
    print(f"{'importer':<16}{'rows':>9}{'wall s':>9}{'rows/s':>11}{'peak MB':>9}{'speed-up':>10}")
    for name, (wall, rss) in results.items():
        print(f"{name:<16}{rows:>9}{wall:>9.3f}{rows / wall:>11.0f}{rss:>9.1f}{base / wall:>9.1f}x")


if __name__ == "__main__":
    main()
