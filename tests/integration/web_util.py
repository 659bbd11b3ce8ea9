"""Helpers for the dashboard tests: a SQLite store filled from the real data
files with Python's own sqlite3 (times converted to UTC seconds here, an
independent computation from the C code), and a running `elhub serve` on a
free loopback port."""
import contextlib
import csv
import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
import urllib.error
import urllib.request

from conftest import REPO, elhub_bin, open_data

UPDATED_2021 = int(dt.datetime.fromisoformat("2024-12-20T10:35:40+01:00").timestamp())

# The schema of src/store/store_sqlite.c, written out again on purpose: if the
# two drift apart the server's reads fail and the tests say so.
SCHEMA = [
    """CREATE TABLE IF NOT EXISTS production (pricearea TEXT NOT NULL,
       starttime INTEGER NOT NULL, productiongroup TEXT NOT NULL, endtime INTEGER NOT NULL,
       quantitykwh REAL NOT NULL, lastupdatedtime INTEGER NOT NULL DEFAULT 0,
       meteringpointcount INTEGER,
       PRIMARY KEY (pricearea, starttime, productiongroup)) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS consumption (pricearea TEXT NOT NULL,
       starttime INTEGER NOT NULL, consumptiongroup TEXT NOT NULL, endtime INTEGER NOT NULL,
       quantitykwh REAL NOT NULL, lastupdatedtime INTEGER NOT NULL DEFAULT 0,
       meteringpointcount INTEGER,
       PRIMARY KEY (pricearea, starttime, consumptiongroup)) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS fetch_log (dataset TEXT NOT NULL, key TEXT NOT NULL,
       rows INTEGER NOT NULL, fetched_at INTEGER NOT NULL,
       PRIMARY KEY (dataset, key)) WITHOUT ROWID""",
]


def utc_seconds(text):
    """'2021-10-31T02:00:00+01:00' or '2025-10-20 09:00:00+02:00' -> int."""
    t = dt.datetime.fromisoformat(text.strip())
    if t.tzinfo is None:
        raise ValueError(f"time without offset: {text}")
    return int(t.timestamp())


def real_rows(which=("2021", "2025", "consumption")):
    """Yields (dataset, area, group, start, kwh, updated) from the real files."""
    if "2021" in which:
        with open_data("production_2021_slices.csv") as f:
            for r in csv.DictReader(f):
                yield ("production", r["priceArea"], r["productionGroup"].lower(),
                       utc_seconds(r["startTime"]), float(r["quantityKwh"]), UPDATED_2021)
        with open_data("production_2021_NO2_wind_float32.csv") as f:
            for r in csv.DictReader(f):
                yield ("production", r["priceArea"], r["productionGroup"].lower(),
                       utc_seconds(r["startTime"]), float(r["quantityKwhFloat32"]), UPDATED_2021)
    if "2025" in which:
        with open_data("production_2025-10-20_2025-11-19_rows.csv") as f:
            for r in csv.DictReader(f):
                yield ("production", r["priceArea"], r["productionGroup"].lower(),
                       utc_seconds(r["startTime"]), float(r["quantityKwh"]),
                       utc_seconds(r["lastUpdatedTime"]))
    if "consumption" in which:
        with open_data("consumption_2025-10-22_2025-11-21_utc.csv") as f:
            for r in csv.DictReader(f):
                yield ("consumption", r["priceArea"], r["consumptionGroup"].lower(),
                       utc_seconds(r["startTime"]), float(r["quantityKwh"]), 0)


def fill_store(path, which=("2021", "2025", "consumption")):
    """Creates the SQLite file at path and returns the rows it holds."""
    rows = list(real_rows(which))
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    for s in SCHEMA:
        con.execute(s)
    for ds, col in (("production", "productiongroup"), ("consumption", "consumptiongroup")):
        con.executemany(
            f"INSERT OR REPLACE INTO {ds} (pricearea, starttime, {col}, endtime, quantitykwh,"
            " lastupdatedtime) VALUES (?, ?, ?, ?, ?, ?)",
            [(a, s, g, s + 3600, k, u) for (d, a, g, s, k, u) in rows if d == ds])
    con.commit()
    con.close()
    return rows


def slices_without_hour(out, area, group, hour):
    """Writes the bundled production_2021_slices.csv to out without the row
    of area's group at hour (UTC seconds): a store with one gap, imported by
    elhub itself (so rows and rollups agree)."""
    with open_data("production_2021_slices.csv") as f, open(out, "w", newline="") as o:
        r = csv.reader(f)
        w = csv.writer(o)
        w.writerow(next(r))
        for row in r:
            if not (row[0] == area and row[1] == group and utc_seconds(row[2]) == hour):
                w.writerow(row)
    return out


class Server:
    """A running `elhub serve`; .url is 'http://127.0.0.1:PORT'."""

    def __init__(self, proc, url):
        self.proc = proc
        self.url = url

    def get(self, path, headers=None, method="GET"):
        """Returns (status, headers, body bytes) without raising on 4xx/5xx."""
        req = urllib.request.Request(self.url + path, headers=headers or {}, method=method)
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()


@contextlib.contextmanager
def serve(store_uri, *extra):
    """Starts `elhub serve` on a free loopback port; stops it with SIGTERM
    and checks it exits 0 (under ASan that includes the leak check)."""
    env = dict(os.environ)
    env.pop("ELHUB_STORE", None)
    proc = subprocess.Popen([elhub_bin(), "serve", "--store", store_uri, "--listen",
                             "127.0.0.1:0", *extra], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    line = proc.stdout.readline()
    if not line.startswith("serving http://"):
        proc.kill()
        out, err = proc.communicate(timeout=30)
        raise AssertionError(f"elhub serve did not start: {line!r} {out!r} {err!r}")
    srv = Server(proc, line.split()[1].rstrip("/"))
    try:
        yield srv
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            out, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            raise AssertionError("elhub serve did not stop on SIGTERM")
        srv.stderr = err
        assert proc.returncode == 0, f"elhub serve exited {proc.returncode}: {err[-4000:]}"


def run_probe(script, srv, cases, spec_file, out):
    """Runs tests/browser/SCRIPT (probe.mjs, map.mjs) over srv with cases,
    the spec written to spec_file, screenshots into out; checks the script
    ran, saw no page or console error and no case failed; returns its
    results by case name."""
    spec_file.write_text(json.dumps({"base": srv.url, "out": str(out), "cases": cases}))
    p = subprocess.run(["node", str(REPO / "tests" / "browser" / script), str(spec_file)],
                       capture_output=True, text=True, timeout=600, cwd=REPO)
    assert p.returncode == 0, p.stderr[-3000:]
    got = json.loads(p.stdout)
    assert got["problems"] == [], got["problems"]
    for r in got["results"]:
        assert "error" not in r, f"{r['name']}: {r['error']}"
    return {r["name"]: r for r in got["results"]}
