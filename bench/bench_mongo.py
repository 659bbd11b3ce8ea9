#!/usr/bin/env python3
"""bench_mongo: writing a synthetic year into FerretDB (SQLite backend,
started privately with scripts/ferretdb.sh on a free port) with
`elhub import --store mongodb://...`, against pymongo writing the same
documents in the same run. Prints rows/s and ratios. Not a test.

Baselines: pymongo bulk_write of the same upserts (ReplaceOne by the same
_id, upsert=True, unordered, 50 per command - see upserts()) - on FerretDB 1.24 every
upsert scans the collection, so it runs on the first BENCH_MONGO_UPSERT_ROWS
rows only and elhub is timed on the same rows - and pymongo insert_many
(unordered) of the whole year, the fastest pymongo write, which is not
idempotent. Set ELHUB_BENCH_MONGO_URI to bench another server instead."""
import calendar
import faulthandler
import csv
import os
import pathlib
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timezone

import pymongo
from pymongo import ReplaceOne

REPO = pathlib.Path(__file__).resolve().parents[1]
ELHUB = os.environ.get("ELHUB_BIN", str(REPO / "build" / "elhub"))
GROUPS = ("hydro", "wind", "solar", "thermal", "other", "nuclear")
UPSERT_ROWS = int(os.environ.get("BENCH_MONGO_UPSERT_ROWS", "3000"))


def year_rows(year=2019, area="NO1"):
    start = calendar.timegm((year, 1, 1, 0, 0, 0)) - 3600
    hours = (calendar.timegm((year + 1, 1, 1, 0, 0, 0)) - 3600 - start) // 3600
    upd = calendar.timegm((year + 1, 1, 5, 10, 0, 0))
    return [(area, g, start + h * 3600, (h * 37 + i * 7) % 100000 / 1000 + 1000, upd)
            for i, g in enumerate(GROUPS) for h in range(hours)]


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def write_csv(path, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["pricearea", "productiongroup", "starttime", "endtime", "quantitykwh",
                    "lastupdatedtime"])
        for a, g, s, q, u in rows:
            w.writerow([a, g, iso(s), iso(s + 3600), f"{q:.3f}", iso(u)])


def docs(rows):
    dt = lambda t: datetime.fromtimestamp(t, timezone.utc)
    return [{"_id": f"{a}|{g}|{iso(s)}", "pricearea": a, "productiongroup": g,
             "starttime": dt(s), "endtime": dt(s + 3600), "quantitykwh": round(q, 3),
             "lastupdatedtime": dt(u)} for a, g, s, q, u in rows]


def timed(fn):
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main():
    faulthandler.dump_traceback_later(int(os.environ.get("BENCH_MONGO_TIMEOUT", "900")), exit=True)
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="elhub-bench-mongo-"))
    base = os.environ.get("ELHUB_BENCH_MONGO_URI")
    port = None
    if not base:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        env = dict(os.environ, ELHUB_MONGO_PORT=str(port), TMPDIR=str(tmp))
        subprocess.run(["bash", str(REPO / "scripts" / "ferretdb.sh"), "start"], env=env,
                       check=True, stdout=subprocess.DEVNULL)
        base = f"mongodb://127.0.0.1:{port}"
    c = pymongo.MongoClient(base, serverSelectionTimeoutMS=5000)
    try:
        rows = year_rows()
        small = rows[:UPSERT_ROWS]
        year_csv, small_csv = tmp / "year.csv", tmp / "small.csv"
        write_csv(year_csv, rows)
        write_csv(small_csv, small)
        year_docs, small_docs = docs(rows), docs(small)

        def elhub(db, path):
            subprocess.run([ELHUB, "import", "-q", "--store", f"{base}/{db}", str(path)],
                           check=True, stdout=subprocess.DEVNULL)

        def upserts(db, ds):
            # The collection must exist first: upserts into a collection
            # that does not exist yet hang FerretDB 1.24.2 (seen here).
            coll = c[db].production
            if "production" not in c[db].list_collection_names():
                c[db].create_collection("production")
            # 50 per command: FerretDB 1.24.2 keeps each statement's read
            # cursor (a pooled SQLite connection, 100 at most) open until the
            # command ends, so ~100 matching upserts in one command deadlock it.
            for i in range(0, len(ds), 50):
                coll.bulk_write([ReplaceOne({"_id": d["_id"]}, d, upsert=True)
                                 for d in ds[i:i + 50]], ordered=False)

        def fresh():
            return f"bench_{uuid.uuid4().hex[:8]}"

        res = []
        db = fresh()
        res.append(("elhub import, year, empty db", len(rows), timed(lambda: elhub(db, year_csv))))
        res.append(("elhub import, year, rerun (no change)", len(rows),
                    timed(lambda: elhub(db, year_csv))))
        assert c[db].production.estimated_document_count() == len(rows)
        db = fresh()
        res.append(("pymongo insert_many, year, empty db", len(rows),
                    timed(lambda: c[db].production.insert_many(year_docs, ordered=False))))
        db = fresh()
        res.append((f"elhub import, first {len(small)} rows", len(small),
                    timed(lambda: elhub(db, small_csv))))
        db = fresh()
        res.append((f"pymongo bulk_write upserts, first {len(small)} rows", len(small),
                    timed(lambda: upserts(db, small_docs))))
        res.append((f"pymongo bulk_write upserts, rerun", len(small),
                    timed(lambda: upserts(db, small_docs))))
    finally:
        c.close()
        if port:
            env = dict(os.environ, ELHUB_MONGO_PORT=str(port), TMPDIR=str(tmp))
            subprocess.run(["bash", str(REPO / "scripts" / "ferretdb.sh"), "clean"], env=env,
                           stdout=subprocess.DEVNULL)

    print(f"server: {'FerretDB 1.24.2 (SQLite), private' if port else base}")
    print(f"{'what':<48} {'rows':>7} {'seconds':>8} {'rows/s':>9}")
    for name, n, s in res:
        print(f"{name:<48} {n:>7} {s:>8.2f} {n / s:>9.0f}")
    rate = {name: n / s for name, n, s in res}
    r_upsert = rate[res[3][0]] / rate[res[4][0]]
    r_insert = rate[res[0][0]] / rate[res[2][0]]
    r_rerun = rate[res[1][0]] / rate[res[5][0]]
    print(f"ratio elhub / pymongo same upserts ({len(small)} rows): {r_upsert:.1f}x (target >= 2x)")
    print(f"ratio elhub rerun / pymongo upsert rerun:            {r_rerun:.1f}x")
    print(f"ratio elhub / pymongo insert_many (year):           {r_insert:.2f}x")


if __name__ == "__main__":
    sys.exit(main())
