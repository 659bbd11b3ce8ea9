#!/usr/bin/env bash
# Runs every benchmark (bench/bench_*), in name order. Each prints its own
# table; none is a test. Called by `make bench`.
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
