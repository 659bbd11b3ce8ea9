#!/usr/bin/env bash
# Runs every benchmark (bench/bench_*.sh and bench/bench_*.py) in order.
set -uo pipefail
cd "$(dirname "$0")/.."
rc=0
for b in bench/bench_*; do
    echo "=== $b"
    case $b in
        *.sh) bash "$b" || rc=1 ;;
        *.py) "${PYTHON:-python3}" "$b" || rc=1 ;;
    esac
done
exit $rc
