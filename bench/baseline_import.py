#!/usr/bin/env python3
"""The benchmark's baseline: what a plain Python importer does with the
standard library only (json + sqlite3). Loads Elhub API response files (the
JSON:API envelope) into a SQLite table shaped like elhub's (same key, UTC
integer times, upsert where the newer lastUpdatedTime wins), one transaction
per file. Usage: baseline_import.py DB FILE..."""
import datetime
import json
import sqlite3
import sys

SCHEMA = """CREATE TABLE IF NOT EXISTS production (
  pricearea TEXT NOT NULL, starttime INTEGER NOT NULL, productiongroup TEXT NOT NULL,
  endtime INTEGER NOT NULL, quantitykwh REAL NOT NULL, lastupdatedtime INTEGER NOT NULL DEFAULT 0,
  meteringpointcount INTEGER, PRIMARY KEY (pricearea, starttime, productiongroup)) WITHOUT ROWID"""
UPSERT = """INSERT INTO production VALUES (?, ?, ?, ?, ?, ?, NULL)
  ON CONFLICT (pricearea, starttime, productiongroup) DO UPDATE SET
  endtime = excluded.endtime, quantitykwh = excluded.quantitykwh,
  lastupdatedtime = excluded.lastupdatedtime
  WHERE excluded.lastupdatedtime >= production.lastupdatedtime"""


def ts(s):
    return int(datetime.datetime.fromisoformat(s).timestamp())


def main():
    db = sqlite3.connect(sys.argv[1])
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute(SCHEMA)
    n = 0
    for path in sys.argv[2:]:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        rows = [(r["priceArea"].upper(), ts(r["startTime"]), r["productionGroup"].lower(),
                 ts(r["endTime"]), float(r["quantityKwh"]), ts(r["lastUpdatedTime"]))
                for area in doc["data"]
                for r in area["attributes"].get("productionPerGroupMbaHour") or []]
        with db:
            db.executemany(UPSERT, rows)
        n += len(rows)
    db.close()
    print(n)


if __name__ == "__main__":
    main()
