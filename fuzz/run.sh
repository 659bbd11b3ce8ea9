#!/usr/bin/env bash
# Builds every fuzz/fuzz_<name>.c as a libFuzzer binary (clang,
# -fsanitize=fuzzer,address,undefined) linked with all of src/ except
# main.c, and runs each for a bounded time (FUZZ_SECONDS, default 30) from
# the seeds in fuzz/corpus/<name>/ (copied to a scratch corpus under
# build/fuzz/, so the repo stays clean). Crash inputs land in
# build/fuzz/artifacts/<name>/. Prints "N passed, N failed" last; exits
# non-zero if any target failed to build or crashed.
# Usage: fuzz/run.sh [name...]   (default: every target)
set -uo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${FUZZ_SECONDS:-30}
CC=${FUZZ_CC:-clang}
OUT=build/fuzz
PKGS="libcurl sqlite3 yajl libmicrohttpd libmongoc-1.0 cairo zlib"
CFLAGS="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O1 -Isrc
        -fno-omit-frame-pointer -DELHUB_VERSION=\"$(cat VERSION 2>/dev/null || echo 0.0.0)\"
        $(pkg-config --cflags $PKGS 2>/dev/null)"
LIBS="$(pkg-config --libs $PKGS 2>/dev/null) -lm -lpthread"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"

passed=0
failed=0
if ! command -v "$CC" >/dev/null; then
    echo "fuzz: $CC not found (scripts/deps.sh installs clang)"
    echo "0 passed, 1 failed"
    exit 1
fi

# The library, instrumented for coverage but without libFuzzer's main.
mkdir -p "$OUT/obj"
objs=()
build_failed=0
for src in $(find src -name '*.c' ! -path src/main.c | sort); do
    obj="$OUT/obj/$(echo "${src%.c}" | tr / _).o"
    objs+=("$obj")
    if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] || [ -n "$(find src -name '*.h' -newer "$obj" | head -1)" ]; then
        echo "$CC $src"
        $CC $CFLAGS $SAN -fsanitize=fuzzer-no-link -c "$src" -o "$obj" || build_failed=1
    fi
done
if [ "$build_failed" = 1 ]; then
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
for name in "${targets[@]}"; do
    bin="$OUT/fuzz_$name"
    echo "=== fuzz $name (${SECONDS_EACH}s)"
    if ! $CC $CFLAGS $SAN -fsanitize=fuzzer "fuzz/fuzz_$name.c" "${objs[@]}" $LIBS -o "$bin"; then
        echo "not ok fuzz/$name (build)"
        failed=$((failed + 1))
        continue
    fi
    corpus="$OUT/corpus/$name"
    art="$OUT/artifacts/$name/"
    mkdir -p "$corpus" "$art"
    [ -d "fuzz/corpus/$name" ] && cp -n fuzz/corpus/"$name"/* "$corpus"/ 2>/dev/null
    if "$bin" -max_total_time="$SECONDS_EACH" -max_len=65536 -timeout=10 -rss_limit_mb=1024 \
        -print_final_stats=1 -artifact_prefix="$art" "$corpus" >"$OUT/$name.log" 2>&1; then
        echo "ok fuzz/$name ($(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$OUT/$name.log" | grep -Eo '[0-9]+$') runs)"
        passed=$((passed + 1))
    else
        tail -40 "$OUT/$name.log"
        echo "not ok fuzz/$name (crash input in $art)"
        failed=$((failed + 1))
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
