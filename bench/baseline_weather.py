#!/usr/bin/env python3
"""Baselines for bench/bench_weather.py: what a plain Python program does
with the same work.

  baseline_weather.py fetch DB URL...   GET each Open-Meteo answer (3 threads,
      urllib), decode the JSON, store the hours in a SQLite table shaped like
      elhub's weather table (key location, time, variable), one transaction
      per answer (json + sqlite3, standard library only).
  baseline_weather.py drift DB Y0 Y1    Tabler's snow drift per season
      Y0..Y1 at NO5 from elhub's own SQLite store (sqlite3 -> numpy arrays),
      the formulas of docs/WEATHER.md incl. the 16-sector rose and the
      months. Prints the compute time (after the imports) on stderr.
"""
import concurrent.futures
import datetime
import json
import sqlite3
import sys
import time
import urllib.request

SCHEMA = """CREATE TABLE IF NOT EXISTS weather (location TEXT NOT NULL, time INTEGER NOT NULL,
  variable TEXT NOT NULL, endtime INTEGER NOT NULL, value REAL NOT NULL,
  updated INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (location, time, variable)) WITHOUT ROWID"""


def fetch(db_path, urls):
    db = sqlite3.connect(db_path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute(SCHEMA)

    def get(u):
        with urllib.request.urlopen(u) as r:
            return json.loads(r.read())

    n = 0
    with concurrent.futures.ThreadPoolExecutor(3) as ex:
        for doc in ex.map(get, urls):
            h = doc["hourly"]
            ts = [int(datetime.datetime.fromisoformat(t).replace(
                tzinfo=datetime.timezone.utc).timestamp()) for t in h["time"]]
            rows = [("NO5", t, v, t + 3600, x, 0) for v in h if v != "time"
                    for t, x in zip(ts, h[v]) if x is not None]
            with db:
                db.executemany("INSERT OR REPLACE INTO weather VALUES (?, ?, ?, ?, ?, ?)", rows)
            n += len(rows)
    db.close()
    print(n)


def drift(db_path, y0, y1):
    import zoneinfo
    import numpy as np
    t_start = time.perf_counter()
    oslo = zoneinfo.ZoneInfo("Europe/Oslo")

    def mid(y, m):
        return int(datetime.datetime(y, m, 1, tzinfo=oslo).timestamp())

    db = sqlite3.connect(db_path)
    a, b = mid(y0, 7), mid(y1 + 1, 7)
    cols = {}
    for var in ("temperature_2m", "precipitation", "wind_speed_10m", "wind_direction_10m"):
        rows = db.execute("SELECT time, value FROM weather WHERE location = 'NO5' AND variable = ?"
                          " AND time >= ? AND time < ? ORDER BY time", (var, a, b)).fetchall()
        arr = np.array(rows, dtype=float).reshape(-1, 2)
        cols[var] = arr
    # Hours with all four variables.
    t = cols["temperature_2m"][:, 0].astype(np.int64)
    for var in cols:
        t = np.intersect1d(t, cols[var][:, 0].astype(np.int64))
    val = {}
    for var, arr in cols.items():
        idx = np.searchsorted(arr[:, 0].astype(np.int64), t)
        val[var] = arr[idx, 1]
    q = val["wind_speed_10m"] ** 3.8 * 3600 / 233847
    cold = val["temperature_2m"] < 1.0
    sector = (((val["wind_direction_10m"] + 11.25) % 360) // 22.5).astype(int)
    bounds = [mid(y + (m >= 13), (m - 1) % 12 + 1) for y in range(y0, y1 + 1)
              for m in range(7, 19)] + [b]
    month = np.searchsorted(np.array(bounds), t, side="right") - 1
    nm = len(bounds) - 1
    swe = np.bincount(month, weights=np.where(cold, val["precipitation"], 0.0), minlength=nm)
    qup = np.bincount(month, weights=q, minlength=nm)
    rose = np.zeros((nm, 16))
    np.add.at(rose, (month, sector), q)
    T, F, theta = 3000.0, 30000.0, 0.5
    keep = 1 - 0.14 ** (F / T)

    def tabler(s, qu, r):
        qspot = 0.5 * T * s
        qinf = np.where(qu > qspot, 0.5 * T * theta * s, qu)
        qt = qinf * keep
        return qt, np.where(qu[..., None] > 0, qt[..., None] * r / np.where(
            qu[..., None] > 0, qu[..., None], 1), 0)

    ns = y1 - y0 + 1
    s_swe, s_q, s_rose = (swe.reshape(ns, 12).sum(1), qup.reshape(ns, 12).sum(1),
                          rose.reshape(ns, 12, 16).sum(1))
    qt, r = tabler(s_swe, s_q, s_rose)
    mqt, _ = tabler(swe, qup, rose)
    out = {"seasons": [{"season": f"{y0 + i}-{y0 + i + 1}", "qt_kg_m": float(qt[i]),
                        "rose_kg_m": [float(x) for x in r[i]],
                        "monthly": [float(x) for x in mqt[12 * i:12 * i + 12]]}
                       for i in range(ns)]}
    print(json.dumps(out))
    print(f"compute {time.perf_counter() - t_start:.4f}", file=sys.stderr)


if __name__ == "__main__":
    if sys.argv[1] == "fetch":
        fetch(sys.argv[2], sys.argv[3:])
    else:
        drift(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
