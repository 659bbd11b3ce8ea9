#!/usr/bin/env bash
# Runs every bench/bench_* script in order; each prints its own table.
set -uo pipefail
cd "$(dirname "$0")/.."
for b in bench/bench_*; do
    [ -x "$b" ] || continue
    echo "=== $b"
    "$b"
done
