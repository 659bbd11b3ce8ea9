"""Writes a real month and a synthetic year into keyspace elhub with
`elhub load`, then reads elhub.production with Spark through the
spark-cassandra-connector and compares count and per-area totals with the
SQLite source. Prints one line per check and "N passed, N failed"."""
import os
import pathlib
import subprocess
import sys
import tempfile

REPO = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "integration"))
import cassandra_util as cu  # noqa: E402

passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    print(("ok " if ok else "not ok ") + name + ("" if ok else f": {detail}"))
    if ok:
        passed += 1
    else:
        failed += 1


def main():
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="elhub-spark-"))
    src = tmp / "src.db"
    rows = cu.synthetic_rows(1704063600, 24 * 366, cu.PROD_GROUPS, seed=21)
    cu.fill_sqlite(src, production=rows)
    cluster, sess = cu.session()
    sess.execute("DROP KEYSPACE IF EXISTS elhub", timeout=120)
    cluster.shutdown()
    subprocess.run([os.environ.get("ELHUB_BIN", "build/elhub"), "load", "-q", "--from",
                    f"sqlite:{src}", "--to", f"cassandra://{cu.HOST}:{cu.port()}/elhub"],
                   check=True)
    want = cu.sqlite_totals(src, "production", "productiongroup")
    spark = (SparkSession.builder.master("local[2]").appName("elhub-interop")
             .config("spark.jars", os.environ["SPARK_CONNECTOR_JARS"])
             .config("spark.cassandra.connection.host", cu.HOST)
             .config("spark.cassandra.connection.port", str(cu.port()))
             .config("spark.driver.host", "127.0.0.1")
             .config("spark.driver.bindAddress", "127.0.0.1")
             .config("spark.ui.enabled", "false")
             .getOrCreate())
    try:
        df = (spark.read.format("org.apache.spark.sql.cassandra")
              .options(keyspace="elhub", table="production").load())
        n = df.count()
        check("spark count equals elhub's", n == len(rows), f"{n} != {len(rows)}")
        per_area = {r["pricearea"]: (r["n"], r["kwh"]) for r in
                    df.groupBy("pricearea").agg(F.count("*").alias("n"),
                                                F.sum("quantitykwh").alias("kwh")).collect()}
        want_area = {}
        for (a, _), (c, s) in want.items():
            c0, s0 = want_area.get(a, (0, 0.0))
            want_area[a] = (c0 + c, s0 + s)
        same = set(per_area) == set(want_area) and all(
            per_area[a][0] == want_area[a][0]
            and abs(per_area[a][1] - want_area[a][1]) <= 1e-9 * abs(want_area[a][1]) + 1e-3
            for a in want_area)
        check("spark per-area totals equal elhub's", same, f"{per_area} != {want_area}")
        cols = dict(df.dtypes)
        check("spark sees the seed's schema",
              cols == {"pricearea": "string", "starttime": "timestamp",
                       "productiongroup": "string", "endtime": "timestamp",
                       "quantitykwh": "double", "lastupdatedtime": "timestamp"}, str(cols))
    finally:
        spark.stop()
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
