"""Spark reads what elhub wrote into Cassandra: a synthetic year written into
keyspace elhub with `elhub load`, then elhub.production read with Spark
through the spark-cassandra-connector; count, per-area totals and the
seed's schema must equal the SQLite source. Run by tests/spark/run.sh,
which installs pyspark, fetches the connector and sets
$SPARK_CONNECTOR_JARS."""
import os
import pathlib
import subprocess
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "integration"))
import cassandra_util as cu  # noqa: E402


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("spark")
    src = tmp / "src.db"
    rows = cu.synthetic_rows(1704063600, 24 * 366, cu.PROD_GROUPS, seed=21)
    cu.fill_sqlite(src, production=rows)
    cluster, sess = cu.session()
    sess.execute("DROP KEYSPACE IF EXISTS elhub", timeout=120)
    cluster.shutdown()
    subprocess.run([os.environ.get("ELHUB_BIN", "build/elhub"), "load", "-q", "--from",
                    f"sqlite:{src}", "--to", f"cassandra://{cu.HOST}:{cu.port()}/elhub"],
                   check=True, timeout=1800)
    return rows, cu.sqlite_totals(src, "production", "productiongroup")


@pytest.fixture(scope="module")
def table(loaded):
    from pyspark.sql import SparkSession
    spark = (SparkSession.builder.master("local[2]").appName("elhub-interop")
             .config("spark.jars", os.environ["SPARK_CONNECTOR_JARS"])
             .config("spark.cassandra.connection.host", cu.HOST)
             .config("spark.cassandra.connection.port", str(cu.port()))
             .config("spark.driver.host", "127.0.0.1")
             .config("spark.driver.bindAddress", "127.0.0.1")
             .config("spark.ui.enabled", "false")
             .getOrCreate())
    try:
        yield (spark.read.format("org.apache.spark.sql.cassandra")
               .options(keyspace="elhub", table="production").load())
    finally:
        spark.stop()


def test_spark_count_equals_elhubs(loaded, table):
    rows, _ = loaded
    assert table.count() == len(rows)


def test_spark_per_area_totals_equal_elhubs(loaded, table):
    from pyspark.sql import functions as F
    _, want = loaded
    got = {r["pricearea"]: (r["n"], r["kwh"]) for r in
           table.groupBy("pricearea").agg(F.count("*").alias("n"),
                                          F.sum("quantitykwh").alias("kwh")).collect()}
    want_area = {}
    for (a, _), (c, s) in want.items():
        c0, s0 = want_area.get(a, (0, 0.0))
        want_area[a] = (c0 + c, s0 + s)
    assert set(got) == set(want_area)
    for a, (c, s) in want_area.items():
        assert got[a][0] == c, a
        assert got[a][1] == pytest.approx(s, rel=1e-9, abs=1e-3), a


def test_spark_sees_the_seed_schema(table):
    assert dict(table.dtypes) == {"pricearea": "string", "starttime": "timestamp",
                                  "productiongroup": "string", "endtime": "timestamp",
                                  "quantitykwh": "double", "lastupdatedtime": "timestamp"}
