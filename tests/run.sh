#!/usr/bin/env bash
# Runs the whole suite: the unit tests, the fuzzers for a bounded time, and
# the integration tests (pytest) once against build/elhub and once against
# the ASan+UBSan build in build/san/. Starts the servers the integration
# tests need and stops them at the end, then the Spark interop test
# (tests/spark/run.sh). Prints "N passed, N failed" last.
# --unit-only runs just the unit tests of the normal build.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
passed=0
failed=0
failures=()

tally() { # name rc out
    local p f
    p=$(grep -Eo '[0-9]+ passed' "$3" | tail -1 | grep -Eo '[0-9]+' || echo 0)
    f=$(grep -Eo '[0-9]+ (failed|error|errors)' "$3" | awk '{s+=$1} END {print s+0}')
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
    if [ "$2" != 0 ]; then
        [ "${f:-0}" = 0 ] && failed=$((failed + 1))
        failures+=("$1")
    fi
}

run_step() { # name cmd...
    local name=$1 out rc
    shift
    out=$(mktemp)
    echo "=== $name"
    "$@" 2>&1 | tee "$out"
    rc=${PIPESTATUS[0]}
    tally "$name" "$rc" "$out"
    rm -f "$out"
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

builds=(build build/san)
[ "${1:-}" = --unit-only ] && builds=(build)
for b in "${builds[@]}"; do
    for t in "$b"/tests/test_*; do
        [ -x "$t" ] && run_step "unit $t" "$t"
    done
done

if [ "${1:-}" != --unit-only ]; then
    cleanup() { for s in scripts/cassandra.sh scripts/ferretdb.sh; do [ -x "$s" ] && "$s" stop >/dev/null 2>&1; done; }
    trap cleanup EXIT
    for s in scripts/cassandra.sh scripts/ferretdb.sh; do
        if [ -x "$s" ]; then
            echo "=== starting $s"
            "$s" start || { failed=$((failed + 1)); failures+=("$s start"); }
        fi
    done
    [ -x fuzz/run.sh ] && run_step "fuzz" bash fuzz/run.sh
    for b in "${builds[@]}"; do
        run_step "integration $b/elhub" env ELHUB_BIN="$PWD/$b/elhub" \
            "$PY" -m pytest -q -p no:cacheprovider tests/integration
    done
    # Spark reading our Cassandra table: the heaviest download, so last.
    [ -f tests/spark/run.sh ] && run_step "spark interop" bash tests/spark/run.sh
fi

echo
if [ ${#failures[@]} -gt 0 ]; then
    echo "failed steps: ${failures[*]}"
fi
echo "elhub: $passed passed, $failed failed"
[ "$failed" = 0 ] && [ ${#failures[@]} = 0 ]
