#!/usr/bin/env bash
# The test tiers (STYLE.md "Tests"), run from the repository root:
#   tests/run.sh check   `make check`: the unit tests of the normal and the
#                        ASan+UBSan build, the house rules, and the integration
#                        tests that need only the binary, SQLite files and the
#                        fake API on loopback and take seconds, not minutes
#                        (pytest -m "not cassandra and not mongo and not
#                        browser and not slow"), in parallel (pytest-xdist).
#   tests/run.sh test    `make test` and CI: everything. The check tier, the
#                        fuzzers for a bounded time, a real Cassandra node (and
#                        a second one with PasswordAuthenticator) and a real
#                        FerretDB started on loopback, every integration and
#                        browser test against both builds (the slow
#                        statsmodels references against the normal build
#                        only), then the Spark interop test. Skipped tests
#                        count as failures here.
# Every runner writes JUnit XML into build/test-results/; tests/tally.py
# counts from those files and the exit codes (never from grepping output)
# and prints "elhub: N passed, N failed" last.
# Environment: PYTHON, TEST_JOBS (pytest-xdist workers per pass; default 3).
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
tier=${1:-test}
case $tier in check | test) ;; *)
    echo "usage: tests/run.sh check|test" >&2
    exit 2
    ;;
esac
RES=build/test-results
rm -rf "$RES"
mkdir -p "$RES"
STEPS=$RES/steps.tsv
: >"$STEPS"
JOBS=${TEST_JOBS:-3}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# step NAME XML CMD...: runs CMD, output to the terminal (prefixed lines are
# not needed: steps run one after another unless started with step_bg).
step() {
    local name=$1 xml=$2 rc
    shift 2
    echo "=== $name"
    "$@"
    rc=$?
    printf '%s\t%s\t%s\n' "$name" "$rc" "$xml" >>"$STEPS"
}

unit() { # BUILD: every unit binary of that build
    local b=$1 t n
    for t in "$b"/tests/test_*; do
        [ -x "$t" ] || continue
        n=$(basename "$t")
        step "unit $b/$n" "$RES/unit-${b//\//-}-$n.xml" env CHECK_JUNIT="$RES/unit-${b//\//-}-$n.xml" "$t"
    done
}

pytest_pass() { # NAME BINARY XML LOG [pytest args...]: one integration pass
    local name=$1 bin=$2 xml=$3 log=$4
    shift 4
    ELHUB_BIN="$PWD/$bin" "$PY" -m pytest -q -p no:cacheprovider -rfEs -n "$JOBS" --dist loadfile \
        --junitxml="$xml" "$@" tests/integration >"$log" 2>&1
}

unit build
unit build/san

if [ "$tier" = check ]; then
    step "integration build/elhub (no servers)" "$RES/integration-normal.xml" \
        env ELHUB_BIN="$PWD/build/elhub" "$PY" -m pytest -q -p no:cacheprovider -rfEs -n "$JOBS" \
        --dist loadfile --junitxml="$RES/integration-normal.xml" \
        -m "not cassandra and not mongo and not browser and not slow" tests/integration
    echo
    "$PY" tests/tally.py "$STEPS"
    exit
fi

# ---- make test: servers, fuzz, every integration test, Spark --------------
cleanup() {
    scripts/cassandra.sh stop >/dev/null 2>&1
    ELHUB_CASSANDRA_PORT=9142 scripts/cassandra.sh stop >/dev/null 2>&1
    scripts/ferretdb.sh stop >/dev/null 2>&1
}
trap cleanup EXIT

# The servers start in the background while the fuzzers run (both take a
# minute or two); each start script polls its server until it answers.
servers_log=$RES/servers.log
(
    rc=0
    scripts/cassandra.sh start || rc=1
    ELHUB_CASSANDRA_PORT=9142 ELHUB_CASSANDRA_AUTH=1 scripts/cassandra.sh start || rc=1
    scripts/ferretdb.sh start || rc=1
    exit $rc
) >"$servers_log" 2>&1 &
servers=$!

step "fuzz" "$RES/fuzz.xml" env FUZZ_JUNIT="$RES/fuzz.xml" bash fuzz/run.sh

echo "=== starting servers (Cassandra 5.0, Cassandra with auth, FerretDB)"
wait "$servers"
srv_rc=$?
cat "$servers_log"
if [ "$srv_rc" != 0 ]; then
    # Recorded as a failed step; the integration passes still run and fail
    # where they need a server, with the reason in their own output.
    printf '%s\t%s\t%s\n' "servers" 1 "$RES/none.xml" >>"$STEPS"
fi

# The two integration passes (normal and ASan+UBSan build) run at the same
# time: they use their own keyspaces, databases, ports and temp dirs.
echo "=== integration build/elhub and build/san/elhub (in parallel, $JOBS workers each)"
pytest_pass normal build/elhub "$RES/integration-normal.xml" "$RES/integration-normal.log" &
p1=$!
# The san pass leaves out the tests marked slow: the long statsmodels
# reference runs (their time is statsmodels', the same in both passes); the
# sanitizer build still answers the reference case of the check tier and
# every other forecast test.
pytest_pass san build/san/elhub "$RES/integration-san.xml" "$RES/integration-san.log" -m "not slow" &
p2=$!
wait $p1
rc1=$?
wait $p2
rc2=$?
echo "--- build/elhub"
tail -n 40 "$RES/integration-normal.log"
echo "--- build/san/elhub"
tail -n 40 "$RES/integration-san.log"
printf '%s\t%s\t%s\n' "integration build/elhub" "$rc1" "$RES/integration-normal.xml" >>"$STEPS"
printf '%s\t%s\t%s\n' "integration build/san/elhub" "$rc2" "$RES/integration-san.xml" >>"$STEPS"

# Spark reading our Cassandra table: the heaviest download, so last.
step "spark interop" "$RES/spark.xml" env SPARK_JUNIT="$RES/spark.xml" bash tests/spark/run.sh

echo
"$PY" tests/tally.py --no-skips "$STEPS"
