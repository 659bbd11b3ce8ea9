"""Uncached reads against DuckDB (make bench; docs/ARCHITECTURE.md, the read
model). Five years (2021-2025) x 5 areas x 5 groups of SYNTHETIC hourly
production (about 1.1 M rows: each series' real 2021 total from
data/elhub/reference spread over its hours with a seasonal and a daily
shape) are written as CSV, imported with `elhub import` (timed, and timed
with the binary of the last commit before the read model work, tag
read-model-base, built here when git can give it), then:

- elhub: `elhub serve --no-cache`, each read asked over HTTP on loopback by
  one client (median of N, the whole request);
- DuckDB (PyPI), in-process, the same rows in a table, the same query
  (median of N; the query only, no HTTP, no JSON).

Prints a table with the ratio DuckDB / elhub (the targets: >= 3x for the
three reads, /api/meta < 10 ms, import within 10 % of before)."""
import csv
import datetime as dt
import math
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "integration"))
from conftest import open_data  # noqa: E402

ELHUB = os.environ.get("ELHUB_BIN") or str(REPO / "build" / "elhub")
N = int(os.environ.get("BENCH_N", "15"))
IMPORT_RUNS = int(os.environ.get("BENCH_IMPORT_RUNS", "5"))
OSLO = dt.timezone(dt.timedelta(hours=1))


def iso_oslo(t):
    """The API's form with the Oslo offset of t (UTC seconds)."""
    u = dt.datetime.fromtimestamp(t, dt.timezone.utc)
    y = u.year
    # EU rule: UTC+2 from the last Sunday of March 01:00 UTC to the last
    # Sunday of October 01:00 UTC.
    def last_sunday(m):
        d = dt.datetime(y, m, 31 if m in (3, 10) else 30, 1, tzinfo=dt.timezone.utc)
        return d - dt.timedelta(days=(d.weekday() + 1) % 7)
    off = 2 if last_sunday(3) <= u < last_sunday(10) else 1
    return (u + dt.timedelta(hours=off)).strftime("%Y-%m-%dT%H:%M:%S") + f"+0{off}:00"


def write_csv(path):
    with open_data("production_2021_totals.csv") as f:
        totals = [(r["priceArea"], r["productionGroup"], float(r["totalKwh"]))
                  for r in csv.DictReader(f)]
    t0 = int(dt.datetime(2021, 1, 1, tzinfo=OSLO).timestamp())
    t1 = int(dt.datetime(2026, 1, 1, tzinfo=OSLO).timestamp())
    rows = 0
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["priceArea", "productionGroup", "startTime", "quantityKwh", "lastUpdatedTime"])
        for area, group, total in totals:
            per = total / 8760
            for t in range(t0, t1, 3600):
                doy = ((t - t0) / 86400) % 365.25
                hod = ((t + 3600) / 3600) % 24
                v = per * (1 + 0.3 * math.cos(2 * math.pi * doy / 365.25)
                           + 0.1 * math.sin(2 * math.pi * (hod - 6) / 24))
                w.writerow([area, group, iso_oslo(t), f"{max(v, 0.0):.3f}",
                            "2024-12-20T10:35:40+01:00"])
                rows += 1
    return rows


def build_before(tmp):
    """The binary of the last commit before the read model work (the tag
    read-model-base; else the parent of the commit "The read model: ..."),
    or None."""
    try:
        commit = subprocess.run(["git", "rev-parse", "-q", "--verify", "read-model-base^{commit}"],
                                cwd=REPO, capture_output=True, text=True).stdout.strip()
        if not commit:
            commit = subprocess.run(["git", "log", "--format=%H", "-1", "--grep", "^The read model:"],
                                    cwd=REPO, capture_output=True, text=True,
                                    check=True).stdout.strip()
            commit = commit and commit + "~1"
        if not commit:
            return None
        src = tmp / "before"
        subprocess.run(["git", "worktree", "add", "-q", "--detach", str(src), commit],
                       cwd=REPO, check=True, capture_output=True)
        subprocess.run(["make", "-s", "-j2", "build/elhub"], cwd=src, check=True,
                       capture_output=True)
        return src / "build" / "elhub", src
    except (subprocess.CalledProcessError, FileNotFoundError):
        return None


def timed_import(binary, csv_path, store):
    if store.exists():
        store.unlink()
    t = time.perf_counter()
    subprocess.run([str(binary), "import", "-q", "--store", f"sqlite:{store}", str(csv_path)],
                   check=True)
    return time.perf_counter() - t


def median_ms(fn):
    fn()  # warm: page cache, prepared paths
    xs = []
    for _ in range(N):
        t = time.perf_counter()
        fn()
        xs.append((time.perf_counter() - t) * 1000)
    return statistics.median(xs)


def main():
    try:
        import duckdb
    except ImportError:
        print("bench_read: duckdb is missing (pip install -r tests/requirements.txt)")
        return 1
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="elhub-bench-read-"))
    cleanup = None
    try:
        data = tmp / "five_years.csv"
        rows = write_csv(data)
        store = tmp / "five.db"
        before = build_before(tmp)
        # Interleaved runs (now, before, now, before, ...), median of each:
        # the machine's load moves both alike.
        now_runs, before_runs = [], []
        for i in range(IMPORT_RUNS):
            now_runs.append(timed_import(ELHUB, data, store if i == 0 else tmp / "again.db"))
            if before:
                before_runs.append(timed_import(before[0], data, tmp / "before.db"))
        imp_now = statistics.median(now_runs)
        imp_before = statistics.median(before_runs) if before_runs else None
        if before:
            cleanup = before[1]

        con = duckdb.connect()
        con.execute("CREATE TABLE production (pricearea VARCHAR, productiongroup VARCHAR,"
                    " starttime TIMESTAMPTZ, quantitykwh DOUBLE)")
        con.execute(f"INSERT INTO production SELECT priceArea, productionGroup,"
                    f" CAST(startTime AS TIMESTAMPTZ), quantityKwh FROM read_csv_auto('{data}')")
        con.execute("SET TimeZone='Europe/Oslo'")
        duck = {
            "totals": ("SELECT productiongroup, SUM(quantitykwh) FROM production WHERE pricearea='NO1'"
                       " AND starttime >= '2021-01-01 00:00:00+01' AND starttime < '2026-01-01 00:00:00+01'"
                       " GROUP BY 1"),
            "daily": ("SELECT productiongroup, date_trunc('day', starttime), SUM(quantitykwh) FROM production"
                      " WHERE pricearea='NO1' AND starttime >= '2024-01-01 00:00:00+01'"
                      " AND starttime < '2025-01-01 00:00:00+01' GROUP BY 1, 2"),
            "monthly": ("SELECT date_trunc('month', starttime), SUM(quantitykwh) FROM production"
                        " WHERE pricearea='NO1' AND productiongroup='hydro'"
                        " AND starttime >= '2021-01-01 00:00:00+01' AND starttime < '2026-01-01 00:00:00+01'"
                        " GROUP BY 1"),
        }
        paths = {
            "totals": "/api/totals?area=NO1&from=2021-01-01&to=2025-12-31",
            "daily": "/api/series?area=NO1&from=2024-01-01&to=2024-12-31&step=day",
            "monthly": "/api/series?area=NO1&groups=hydro&from=2021-01-01&to=2025-12-31&step=month",
            "meta": "/api/meta",
        }
        p = subprocess.Popen([ELHUB, "serve", "--store", f"sqlite:{store}", "--listen",
                              "127.0.0.1:0", "--no-cache"], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True)
        url = p.stdout.readline().split()[1].rstrip("/")
        try:
            def get(path):
                with urllib.request.urlopen(url + path, timeout=60) as r:
                    return r.read()
            ours = {k: median_ms(lambda k=k: get(paths[k])) for k in paths}
        finally:
            p.terminate()
            p.wait()
        theirs = {k: median_ms(lambda k=k: con.execute(duck[k]).fetchall()) for k in duck}

        print(f"uncached reads over {rows:,} rows (five years x 5 areas x 5 groups), "
              f"median of {N}; elhub over HTTP (loopback, whole request), DuckDB in-process "
              f"(query only); load average {os.getloadavg()[0]:.1f}")
        print(f"{'read':<44} {'elhub ms':>9} {'DuckDB ms':>10} {'ratio':>7}  target")
        names = {"totals": "5-year totals, one area",
                 "daily": "1-year daily series, one area, all groups",
                 "monthly": "5-year monthly series, one group"}
        for k in ("totals", "daily", "monthly"):
            print(f"{names[k]:<44} {ours[k]:9.2f} {theirs[k]:10.2f} {theirs[k] / ours[k]:6.1f}x"
                  f"  >= 3x")
        print(f"{'/api/meta':<44} {ours['meta']:9.2f} {'':>10} {'':>7}  < 10 ms")
        line = f"{'import of the five years (elhub import)':<44} {imp_now * 1000:9.0f}"
        if imp_before:
            line += (f"   before the read model: {imp_before * 1000:.0f} ms (median of "
                     f"{IMPORT_RUNS} interleaved runs each)"
                     f", {(imp_now / imp_before - 1) * 100:+.1f} %  within 10 %")
        print(line)
    finally:
        if cleanup:
            subprocess.run(["git", "worktree", "remove", "--force", str(cleanup)], cwd=REPO,
                           capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
