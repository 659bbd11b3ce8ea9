#!/usr/bin/env bash
# Benchmark of `elhub fetch` and `elhub import` for a full year of 2021
# production (~215k rows, API format) against a plain Python stdlib importer
# (bench/baseline_import.py) of the same month files, all in this run.
# The fake API (tests/fake_api/fake_elhub.py) renders the year before the
# clock starts, so the fetch row measures the client, not the fake.
# Prints a table: rows, wall time (best of RUNS), rows/s, peak RSS, speed-up
# over the baseline. Needs /usr/bin/time (Debian package "time").
set -euo pipefail
cd "$(dirname "$0")/.."
ELHUB=${ELHUB_BIN:-build/elhub}
PY=${PYTHON:-python3}
RUNS=${RUNS:-3}
work=$(mktemp -d)
fake_pid=
cleanup() { [ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

"$PY" tests/fake_api/fake_elhub.py --warm production:2021 >"$work/port" &
fake_pid=$!
for _ in $(seq 1 300); do [ -s "$work/port" ] && break; sleep 0.1; done
port=$(head -1 "$work/port")
api="http://127.0.0.1:$port/energy-data/v0"

# The same year as 12 saved API responses, for import and the baseline.
mkdir -p "$work/json"
for m in 01 02 03 04 05 06 07 08 09 10 11 12; do
    last=$("$PY" -c "import calendar; print(calendar.monthrange(2021, int('$m'))[1])")
    off_a=$("$PY" -c "print('%2B02:00' if 4 <= int('$m') <= 10 else '%2B01:00')")
    off_b=$("$PY" -c "print('%2B02:00' if 3 <= int('$m') <= 9 else '%2B01:00')")
    curl -sf -A bench -o "$work/json/2021-$m.json" \
        "$api/price-areas?dataset=PRODUCTION_PER_GROUP_MBA_HOUR&startDate=2021-$m-01T00:00:00$off_a&endDate=2021-$m-${last}T23:00:00$off_b"
done
bytes=$(cat "$work/json"/*.json | wc -c)

# measure NAME CMD...: best wall time, best CPU time (user + sys) and the
# largest peak RSS over RUNS runs, each into a fresh database. Leaves
# "rows wall cpu rss" in $work/NAME. CPU time is the steadier figure on a
# busy machine.
measure() {
    local name=$1 best= bcpu= rss=0 w u s r c
    shift
    for i in $(seq 1 "$RUNS"); do
        rm -f "$work/db"*
        if ! /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" >"$work/out" 2>"$work/err"; then
            echo "$name: failed: $(tail -3 "$work/err")" >&2
            echo "- - - -" >"$work/$name"
            return 0
        fi
        read -r w u s r <"$work/time"
        c=$(awk "BEGIN{print $u + $s}")
        if [ -z "$best" ] || awk "BEGIN{exit !($w < $best)}"; then best=$w; fi
        if [ -z "$bcpu" ] || awk "BEGIN{exit !($c < $bcpu)}"; then bcpu=$c; fi
        [ "$r" -gt "$rss" ] && rss=$r
    done
    rows=$(sqlite3 "$work/db" "SELECT COUNT(*) FROM production" 2>/dev/null ||
           "$PY" -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT COUNT(*) FROM production').fetchone()[0])" "$work/db")
    echo "$rows $best $bcpu $rss" >"$work/$name"
}

measure baseline "$PY" bench/baseline_import.py "$work/db" "$work/json"/*.json
measure fetch "$ELHUB" fetch -q --dataset production --from 2021-01 --to 2021-12 \
    --api-url "$api" --store "sqlite:$work/db"
if "$ELHUB" import --help >/dev/null 2>&1; then
    measure import "$ELHUB" import -q --dataset production --store "sqlite:$work/db" "$work/json"/*.json
else
    echo "- - - -" >"$work/import"
    echo "(elhub import is not available in this build: its row stays empty)" >&2
fi

read -r brows bwall bcpu _ <"$work/baseline"
echo
echo "2021 production, 12 API responses, $((bytes / 1024 / 1024)) MB; best of $RUNS runs;" \
    "$(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg)"
printf '%-34s %8s %7s %6s %9s %7s %8s %8s\n' case rows wall_s cpu_s rows/s rss_MB x_wall x_cpu
for name in fetch import baseline; do
    read -r rows wall cpu rss <"$work/$name"
    case $name in
        fetch) label="elhub fetch (fake API, 3 jobs)" ;;
        import) label="elhub import (JSON files)" ;;
        baseline) label="python json+sqlite3 (baseline)" ;;
    esac
    if [ "$wall" = - ]; then
        printf '%-34s %8s %7s %6s %9s %7s %8s %8s\n' "$label" - - - - - - -
        continue
    fi
    awk -v l="$label" -v n="$rows" -v w="$wall" -v c="$cpu" -v r="$rss" -v bw="$bwall" -v bc="$bcpu" 'BEGIN {
        printf "%-34s %8d %7.2f %6.2f %9.0f %7.1f %7.1fx %7.1fx\n", l, n, w, c, (w > 0 ? n / w : 0),
               r / 1024, (w > 0 ? bw / w : 0), (c > 0 ? bc / c : 0) }'
done
echo "targets: >= 5x baseline, < 1 s for the year, peak RSS < 64 MB"

# The parser choice (docs/FETCH.md): our streaming decoder vs yajl's DOM on
# the real month response, decode speed (wall and CPU) and peak RSS of a
# process doing one decode. yajl is the baseline only: this is the one
# place that links it (libyajl-dev is a test-tier package).
real=$work/api_response_production_2025-09-16_2025-10-15.json
gzip -dc data/elhub/api_response_production_2025-09-16_2025-10-15.json.gz >"$real"
if [ -f build/libelhub.a ] && pkg-config --exists yajl; then
    ${CC:-cc} -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Isrc $(pkg-config --cflags yajl) \
        -DELHUB_VERSION='"bench"' bench/parse_compare.c build/libelhub.a \
        $(pkg-config --libs yajl libcurl sqlite3) -lm -lpthread -o "$work/parse_compare"
    echo
    echo "parser on the real month response ($(($(wc -c <"$real") / 1024)) KB, read whole first," \
        "best of ${PARSE_RUNS:-5} runs of 20 decodes)"
    printf '%-34s %10s %10s %12s\n' parser MB/s_wall MB/s_cpu peak_RSS_MB
    for m in stream dom; do
        best_w=0 best_c=0
        for _ in $(seq 1 "${PARSE_RUNS:-5}"); do
            read -r _ w _ _ c _ < <("$work/parse_compare" "$m" "$real" 20)
            best_w=$(awk -v a="$best_w" -v b="$w" 'BEGIN{print (b > a ? b : a)}')
            best_c=$(awk -v a="$best_c" -v b="$c" 'BEGIN{print (b > a ? b : a)}')
        done
        /usr/bin/time -f '%M' -o "$work/time" "$work/parse_compare" "$m" "$real" 1 >/dev/null
        printf '%-34s %10s %10s %12.1f\n' \
            "$([ $m = stream ] && echo 'elhub/parse on json_tok' || echo 'yajl DOM (yajl_tree)')" \
            "$best_w" "$best_c" "$(awk '{print $1 / 1024}' "$work/time")"
    done
else
    echo "(parser comparison skipped: build/libelhub.a or yajl's pkg-config file is missing)" >&2
fi
