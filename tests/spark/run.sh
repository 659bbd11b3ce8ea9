#!/usr/bin/env bash
# Spark interop (`make test-spark`): Apache Spark 3.5 (PyPI pyspark) with the
# DataStax spark-cassandra-connector 3.5.1 assembly (Maven Central) reads the
# elhub.production table that elhub wrote into the local Cassandra node, and
# its row count and per-area totals must equal ours. Heavy downloads are
# cached in ~/.cache/elhub. Prints "N passed, N failed" last.
set -uo pipefail
cd "$(dirname "$0")/../.."
PY=${PYTHON:-python3}
CACHE=${ELHUB_CACHE:-$HOME/.cache/elhub}
JAR_DIR=$CACHE/spark-cassandra-connector-3.5.1
JAR=$JAR_DIR/spark-cassandra-connector-assembly_2.12-3.5.1.jar
ELHUB=${ELHUB_BIN:-build/elhub}
started=0

if ! "$PY" -c 'import pyspark, sys; sys.exit(0 if pyspark.__version__.startswith("3.5") else 1)' 2>/dev/null; then
    echo "spark: installing pyspark 3.5 (PyPI)"
    "$PY" -m pip install -q --disable-pip-version-check "pyspark>=3.5.1,<3.6" \
        || "$PY" -m pip install -q --break-system-packages "pyspark>=3.5.1,<3.6" || exit 1
fi
if [ ! -f "$JAR" ]; then
    echo "spark: fetching the connector assembly (Maven Central)"
    mkdir -p "$JAR_DIR"
    mvn -B -q dependency:copy \
        -Dartifact=com.datastax.spark:spark-cassandra-connector-assembly_2.12:3.5.1 \
        -DoutputDirectory="$JAR_DIR" || exit 1
fi
[ -x "$ELHUB" ] || make -s || exit 1
if ! scripts/cassandra.sh status >/dev/null 2>&1; then
    scripts/cassandra.sh start || exit 1
    started=1
fi
trap '[ $started = 1 ] && scripts/cassandra.sh stop >/dev/null 2>&1' EXIT

export SPARK_CONNECTOR_JAR=$JAR ELHUB_BIN=$ELHUB
"$PY" tests/spark/spark_check.py
