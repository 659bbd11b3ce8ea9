#!/usr/bin/env bash
# bench_plot: how long `elhub plot` takes per chart and format over a real
# SQLite store (NO1 and NO5 hydro, every hour of 2021, plus January for all
# groups; data/elhub/, CC BY 4.0 "Elhub"). Baseline, run in the
# same invocation: Python's sqlite3 reading the same rows and summing them
# per group, i.e. the data access alone with no drawing. Prints a table of
# the median of 5 runs and the ratio to the baseline.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${ELHUB_BIN:-build/elhub}
PY=${PYTHON:-python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd tests/integration && "$PY" -c "import plot_util; plot_util.make_real_store('$tmp/b.db')")
store="sqlite:$tmp/b.db"

median() { # cmd... -> median wall seconds of 5 runs
    local ts=()
    for _ in 1 2 3 4 5; do
        local a b
        a=$(date +%s.%N)
        "$@" >/dev/null 2>&1
        b=$(date +%s.%N)
        ts+=("$(awk -v a="$a" -v b="$b" 'BEGIN { print b - a }')")
    done
    printf '%s\n' "${ts[@]}" | sort -n | sed -n 3p
}

base=$(median "$PY" -c "
import sqlite3, collections
db = sqlite3.connect('$tmp/b.db'); s = collections.Counter()
for g, k in db.execute(\"SELECT productiongroup, quantitykwh FROM production WHERE pricearea='NO1' ORDER BY starttime\"):
    s[g] += k
")
printf '%-50s %10s %8s\n' "case" "seconds" "ratio"
printf '%-50s %10.3f %8.2f\n' "baseline: python sqlite3 read+sum NO1" "$base" 1
for spec in "pie --year 2021 -o $tmp/p.png" "line --year 2021 --step hour -o $tmp/l.png" \
            "line --year 2021 --step hour -o $tmp/l.svg" "line --year 2021 --step hour -o $tmp/l.pdf" \
            "area --year 2021 --step day -o $tmp/a.png" "line --month 2021-01 -o $tmp/m.png"; do
    t=$(median $BIN plot $spec --store "$store" --area NO1)
    name=$(echo "$spec" | sed "s|$tmp/||")
    printf '%-50s %10.3f %8.2f\n' "elhub plot $name" "$t" "$(awk -v t="$t" -v b="$base" 'BEGIN { print t / b }')"
done
