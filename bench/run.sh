#!/usr/bin/env bash
# Runs every benchmark bench/bench_* in order (make bench). Each prints its
# own table; benchmarks are never tests.
set -uo pipefail
cd "$(dirname "$0")/.."
rc=0
for b in bench/bench_*; do
    [ -f "$b" ] || continue
    echo "=== $b"
    case $b in
        *.py) python3 "$b" || rc=1 ;;
        *) bash "$b" || rc=1 ;;
    esac
done
exit $rc
