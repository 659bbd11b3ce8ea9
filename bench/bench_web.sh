#!/usr/bin/env bash
# Benchmark of `elhub serve` (not a test): /api/totals and /api/series latency
# p50/p99 with 1 and 50 clients (wrk --latency), throughput, on one and five
# years of synthetic data, navigation-to-charts time in headless Chromium,
# and the server's peak RSS. Baseline in the same run: the same server with
# --no-cache --threads 1 (every request recomputed, one at a time).
# Usage: bench/bench_web.sh [SECONDS_PER_RUN]   (default 5)
#        ELHUB_BIN=/other/build/elhub bench/bench_web.sh   (measure another build, e.g. an older commit)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/elhub ] || make -s all
exec python3 bench/web_bench.py "${1:-5}"
