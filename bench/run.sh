#!/usr/bin/env bash
# Runs every benchmark bench/bench_* in order (make bench). Each prints its
# own table; benchmarks are never tests. A bench_*.mjs is the browser half
# of the bench_*.py of its name, which runs it under node.
set -uo pipefail
cd "$(dirname "$0")/.."
rc=0
for b in bench/bench_*; do
    [ -f "$b" ] || continue
    echo "=== $b"
    case $b in
        *.py) python3 "$b" || rc=1 ;;
        *.mjs) echo "(run by ${b%.mjs}.py)" ;;
        *) bash "$b" || rc=1 ;;
    esac
done
exit $rc
