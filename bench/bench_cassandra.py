#!/usr/bin/env python3
"""Benchmark (not a test): elhub writing a synthetic year (~220k production
rows) into the local Cassandra node, against the Python cassandra-driver
writing the same rows with execute_concurrent_with_args in the same run;
then reading the year back for the dashboard's queries (every row of an
area, summed per group) with both. Prints a table with rows/s and ratios.
Needs scripts/cassandra.sh start (run here if the node is not up)."""
import os
import pathlib
import subprocess
import sys
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "integration"))
import cassandra_util as cu  # noqa: E402

ELHUB = os.environ.get("ELHUB_BIN", str(REPO / "build" / "elhub"))


def timed(fn):
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main():
    if subprocess.run([str(REPO / "scripts" / "cassandra.sh"), "status"],
                      capture_output=True).returncode != 0:
        subprocess.run([str(REPO / "scripts" / "cassandra.sh"), "start"], check=True)
    from cassandra.concurrent import execute_concurrent_with_args
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="elhub-bench-"))
    rows = cu.synthetic_rows(1704063600, 24 * 366, cu.PROD_GROUPS, seed=11)
    n = len(rows)
    cu.fill_sqlite(tmp / "year.db", production=rows)
    cluster, sess = cu.session()
    uri = f"cassandra://{cu.HOST}:{cu.port()}/bench_c"
    for ks in ("bench_c", "bench_py"):
        sess.execute(f"DROP KEYSPACE IF EXISTS {ks}", timeout=120)

    def elhub_load():
        subprocess.run([ELHUB, "load", "-q", "--from", f"sqlite:{tmp / 'year.db'}", "--to", uri,
                        "--dataset", "production"], check=True)
    # Schema first (both sides get it outside the timing).
    subprocess.run([ELHUB, "load", "-q", "--from", f"sqlite:{tmp / 'empty.db'}", "--to", uri],
                   check=True)
    t_c = timed(elhub_load)
    t_c2 = timed(elhub_load)

    sess.execute("CREATE KEYSPACE bench_py WITH replication = {'class': 'SimpleStrategy',"
                 " 'replication_factor': 1}")
    sess.execute("CREATE TABLE bench_py.production (pricearea text, productiongroup text,"
                 " starttime timestamp, endtime timestamp, quantitykwh double,"
                 " lastupdatedtime timestamp, PRIMARY KEY (pricearea, starttime,"
                 " productiongroup))")
    ins = sess.prepare("INSERT INTO bench_py.production (pricearea, productiongroup, starttime,"
                       " endtime, quantitykwh, lastupdatedtime) VALUES (?, ?, ?, ?, ?, ?)"
                       " USING TIMESTAMP ?")
    args = [(a, g, s * 1000, e * 1000, k, u * 1000 if u else None, u * 1000000)
            for a, s, g, e, k, u, _ in rows]

    def py_load():
        res = execute_concurrent_with_args(sess, ins, args, concurrency=64)
        assert all(ok for ok, _ in res)
    t_py = timed(py_load)

    # Read-back: the dashboard's query shape, every row of the year per area.
    def elhub_read():
        out = tmp / "back.db"
        if out.exists():
            out.unlink()
        subprocess.run([ELHUB, "load", "-q", "--from", uri, "--to", f"sqlite:{out}",
                        "--dataset", "production"], check=True)

    def py_read():
        sel = sess.prepare("SELECT pricearea, productiongroup, starttime, endtime, quantitykwh,"
                           " lastupdatedtime FROM bench_c.production WHERE pricearea = ?")
        sel.fetch_size = 5000
        tot = {}
        for a in cu.AREAS:
            for r in sess.execute(sel, (a,)):
                tot[r.productiongroup] = tot.get(r.productiongroup, 0.0) + r.quantitykwh
    t_r = timed(elhub_read)
    t_rpy = timed(py_read)
    cluster.shutdown()

    print(f"Cassandra write/read of a synthetic year ({n} production rows), local node")
    print(f"{'case':44} {'seconds':>8} {'rows/s':>10} {'vs python':>10}")
    for name, t, base in (("elhub load sqlite -> cassandra (first)", t_c, t_py),
                          ("elhub load sqlite -> cassandra (rerun)", t_c2, t_py),
                          ("python execute_concurrent_with_args (64)", t_py, t_py),
                          ("elhub read year -> sqlite file", t_r, t_rpy),
                          ("python driver read year, sum per group", t_rpy, t_rpy)):
        print(f"{name:44} {t:8.2f} {n / t:10.0f} {base / t:9.2f}x")


if __name__ == "__main__":
    main()
