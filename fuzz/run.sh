#!/usr/bin/env bash
# Builds every fuzz/fuzz_<name>.c as a libFuzzer binary (clang,
# -fsanitize=fuzzer,address,undefined) linked with all of src/ except
# main.c, and runs each for a bounded time (FUZZ_SECONDS, default 30) from
# the seeds in fuzz/corpus/<name>/ (copied to a scratch corpus under
# build/fuzz/, so the repo stays clean). Crash inputs land in
# build/fuzz/artifacts/<name>/. The library objects compile in parallel
# (FUZZ_JOBS, default the number of cores). With FUZZ_JUNIT=PATH the results
# are also written there as JUnit XML, one case per target (tests/run.sh
# tallies from it). Prints "N passed, N failed" last; exits non-zero if any
# target failed to build or crashed.
# Usage: fuzz/run.sh [name...]   (default: every target)
set -uo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${FUZZ_SECONDS:-30}
CC=${FUZZ_CC:-clang}
OUT=build/fuzz
# Compiler flags and libraries exactly as the Makefile has them (CC swapped
# for clang, sanitizers and coverage added below).
mkvar() { make -s --no-print-directory "print-$1"; }
CFLAGS="$(mkvar CFLAGS) -O1 -fno-omit-frame-pointer"
LIBS=$(mkvar LDLIBS)
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"

passed=0
failed=0
if ! command -v "$CC" >/dev/null; then
    echo "fuzz: $CC not found (scripts/deps.sh installs clang)"
    echo "0 passed, 1 failed"
    exit 1
fi

# The library, instrumented for coverage but without libFuzzer's main;
# objects older than their source or any header are rebuilt, in parallel.
mkdir -p "$OUT/obj"
objs=()
stale=()
for src in $(find src -name '*.c' ! -path src/main.c | sort); do
    obj="$OUT/obj/$(echo "${src%.c}" | tr / _).o"
    objs+=("$obj")
    if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] || [ -n "$(find src -name '*.h' -newer "$obj" | head -1)" ]; then
        stale+=("$src")
    fi
done
export CC CFLAGS SAN OUT
if [ ${#stale[@]} -gt 0 ] && ! printf '%s\n' "${stale[@]}" | xargs -P "${FUZZ_JOBS:-$(nproc)}" -I{} sh -c \
    'o="$OUT/obj/$(echo "$1" | sed "s/\.c$//" | tr / _).o"; echo "$CC $1"; $CC $CFLAGS $SAN -fsanitize=fuzzer-no-link -c "$1" -o "$o.tmp" && mv -f "$o.tmp" "$o"' _ {}; then
    echo "fuzz: building the library failed"
    echo "0 passed, 1 failed"
    exit 1
fi

targets=("$@")
if [ ${#targets[@]} = 0 ]; then
    for f in fuzz/fuzz_*.c; do
        [ -e "$f" ] || continue
        n=${f#fuzz/fuzz_}
        targets+=("${n%.c}")
    done
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
results=()   # "name<TAB>ok|fail<TAB>detail" for the JUnit file
for name in "${targets[@]}"; do
    bin="$OUT/fuzz_$name"
    echo "=== fuzz $name (${SECONDS_EACH}s)"
    if ! $CC $CFLAGS $SAN -fsanitize=fuzzer "fuzz/fuzz_$name.c" "${objs[@]}" $LIBS -o "$bin"; then
        echo "not ok fuzz/$name (build)"
        failed=$((failed + 1))
        results+=("$name	fail	the target did not build")
        continue
    fi
    corpus="$OUT/corpus/$name"
    art="$OUT/artifacts/$name/"
    mkdir -p "$corpus" "$art"
    [ -d "fuzz/corpus/$name" ] && cp -n fuzz/corpus/"$name"/* "$corpus"/ 2>/dev/null
    if "$bin" -max_total_time="$SECONDS_EACH" -max_len=65536 -timeout=10 -rss_limit_mb=1024 \
        -print_final_stats=1 -artifact_prefix="$art" "$corpus" >"$OUT/$name.log" 2>&1; then
        runs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$OUT/$name.log" | grep -Eo '[0-9]+$')
        echo "ok fuzz/$name ($runs runs)"
        passed=$((passed + 1))
        results+=("$name	ok	$runs runs")
    else
        tail -40 "$OUT/$name.log"
        echo "not ok fuzz/$name (crash input in $art)"
        failed=$((failed + 1))
        results+=("$name	fail	crash or leak; input in $art")
    fi
done
if [ -n "${FUZZ_JUNIT:-}" ]; then
    {
        echo '<?xml version="1.0" encoding="UTF-8"?>'
        echo "<testsuites><testsuite name=\"fuzz\" tests=\"${#results[@]}\" failures=\"$failed\">"
        for r in "${results[@]}"; do
            IFS=$'\t' read -r n s d <<<"$r"
            if [ "$s" = ok ]; then
                echo "<testcase classname=\"fuzz\" name=\"$n\"><system-out>$d</system-out></testcase>"
            else
                echo "<testcase classname=\"fuzz\" name=\"$n\"><failure message=\"$d\"/></testcase>"
            fi
        done
        echo '</testsuite></testsuites>'
    } >"$FUZZ_JUNIT"
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
