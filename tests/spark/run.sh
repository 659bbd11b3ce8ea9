#!/usr/bin/env bash
# Spark interop (`make test-spark`, and the last step of `make test`): Apache
# Spark 3.5 (PyPI pyspark) with the DataStax spark-cassandra-connector 3.5.1
# (Maven Central) reads the elhub.production table that elhub wrote into the
# local Cassandra node, and its row count and per-area totals must equal
# ours (tests/spark/test_spark.py, run by pytest). Heavy downloads are cached
# in ~/.cache/elhub. With SPARK_JUNIT=PATH the results are written there as
# JUnit XML. Prints pytest's summary last.
set -uo pipefail
cd "$(dirname "$0")/../.."
PY=${PYTHON:-python3}
CACHE=${ELHUB_CACHE:-$HOME/.cache/elhub}
JAR_DIR=$CACHE/spark-cassandra-connector-3.5.1
ELHUB=${ELHUB_BIN:-build/elhub}
started=0

if ! "$PY" -c 'import pyspark, sys; sys.exit(0 if pyspark.__version__.startswith("3.5") else 1)' 2>/dev/null; then
    echo "spark: installing pyspark 3.5 (PyPI)"
    "$PY" -m pip install -q --disable-pip-version-check "pyspark>=3.5.1,<3.6" \
        || "$PY" -m pip install -q --break-system-packages "pyspark>=3.5.1,<3.6" || exit 1
fi

# The connector with its runtime dependencies, by plain mvn like the node.
# (The -assembly jar is not served by the registry we reach.) Its 3.5.1 pom
# names a test-support artifact that is not published, and Spark ships its
# own Scala: both are excluded. Fetched into a directory of this run's own
# and renamed into place whole, so two checkouts may fetch at once.
if [ ! -f "$JAR_DIR/.complete" ]; then
    echo "spark: fetching spark-cassandra-connector 3.5.1 (Maven Central)"
    mkdir -p "$CACHE"
    tmp=$(mktemp -d "$CACHE/.spark-connector.XXXXXX")
    {
        echo '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>'
        echo '<groupId>elhub</groupId><artifactId>spark-cassandra</artifactId><version>1</version>'
        echo '<packaging>pom</packaging><dependencies><dependency>'
        echo '<groupId>com.datastax.spark</groupId><artifactId>spark-cassandra-connector_2.12</artifactId>'
        echo '<version>3.5.1</version><exclusions>'
        echo '<exclusion><groupId>com.datastax.spark</groupId><artifactId>spark-cassandra-connector-test-support_2.12</artifactId></exclusion>'
        echo '<exclusion><groupId>org.scala-lang</groupId><artifactId>scala-library</artifactId></exclusion>'
        echo '<exclusion><groupId>org.scala-lang</groupId><artifactId>scala-reflect</artifactId></exclusion>'
        echo '</exclusions></dependency></dependencies></project>'
    } >"$tmp/pom.xml"
    mkdir -p "$tmp/jars"
    if ! mvn -B -q -f "$tmp/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
        -DoutputDirectory="$tmp/jars"; then
        rm -rf "$tmp"
        echo "spark: maven could not fetch the connector" >&2
        exit 1
    fi
    touch "$tmp/jars/.complete"
    if ! mv -T "$tmp/jars" "$JAR_DIR" 2>/dev/null && [ ! -f "$JAR_DIR/.complete" ]; then
        rm -rf "$JAR_DIR"
        mv -T "$tmp/jars" "$JAR_DIR"
    fi
    rm -rf "$tmp"
fi
JARS=$(ls "$JAR_DIR"/*.jar | paste -sd, -)

[ -x "$ELHUB" ] || make -s || exit 1
if ! scripts/cassandra.sh status >/dev/null 2>&1; then
    scripts/cassandra.sh start || exit 1
    started=1
fi
trap '[ $started = 1 ] && scripts/cassandra.sh stop >/dev/null 2>&1' EXIT

export SPARK_CONNECTOR_JARS=$JARS ELHUB_BIN=$ELHUB SPARK_LOCAL_IP=127.0.0.1
"$PY" -m pytest -q -p no:cacheprovider -rfEs ${SPARK_JUNIT:+--junitxml="$SPARK_JUNIT"} tests/spark/test_spark.py
