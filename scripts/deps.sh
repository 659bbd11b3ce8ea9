#!/usr/bin/env bash
# Installs what elhub needs on Debian 12. `deps.sh build` installs what the
# build and the demo need; `deps.sh test` (the default) adds the test peers:
# clang for the fuzzers, Chromium, wrk, Python and Node tooling, and what
# the Cassandra and FerretDB scripts need, clang-format for the house rules.
# Runs apt-get only as root and only
# for packages that are missing; otherwise prints the exact command.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-test}

APT_BUILD=(build-essential pkg-config libcurl4-openssl-dev libsqlite3-dev
           libmicrohttpd-dev libmongoc-dev libbson-dev libcairo2-dev zlib1g-dev libfftw3-dev
           fonts-dejavu-core ca-certificates)
# libyajl-dev: only bench/parse_compare.c links yajl, as the baseline the
# JSON decoder is measured against; the product has one JSON tokenizer.
APT_TEST=(clang libclang-rt-14-dev clang-format sqlite3 curl jq wrk chromium python3 python3-pip
          python3-venv nodejs npm openjdk-17-jre-headless maven golang-go procps
          libxml2-utils libyajl-dev
          time tzdata)  # time: /usr/bin/time -v for peak RSS; tzdata: zoneinfo in tests

want=("${APT_BUILD[@]}")
[ "$mode" = test ] && want+=("${APT_TEST[@]}")

missing=()
for p in "${want[@]}"; do
    # Toolchains may come from outside apt on this machine kind (Go in
    # /usr/local/go, Node from NodeSource): accept a working command too.
    case $p in
        golang-go) command -v go >/dev/null 2>&1 && continue ;;
        nodejs) command -v node >/dev/null 2>&1 && continue ;;
        npm) command -v npm >/dev/null 2>&1 && continue ;;
        openjdk-17-jre-headless) command -v java >/dev/null 2>&1 && continue ;;
        maven) command -v mvn >/dev/null 2>&1 && continue ;;
        python3|python3-pip|python3-venv) command -v python3 >/dev/null 2>&1 && continue ;;
    esac
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
        echo "deps: installing ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "deps: missing Debian packages. Run:" >&2
        echo "  sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
fi

[ "$mode" = test ] || exit 0

# Python test peers (independent readers, references and the benchmark
# baselines), pinned in tests/requirements.txt; installed when one is missing
# or at another version.
PY=${PYTHON:-python3}
if ! "$PY" - tests/requirements.txt <<'EOF' >/dev/null 2>&1; then
import sys
from importlib.metadata import version
for line in open(sys.argv[1]):
    line = line.split("#")[0].strip()
    if line:
        name, want = line.split("==")
        if version(name) != want:
            sys.exit(1)
EOF
    echo "deps: installing Python test tools (tests/requirements.txt)"
    "$PY" -m pip install -q --disable-pip-version-check -r tests/requirements.txt \
        || "$PY" -m pip install -q --disable-pip-version-check --break-system-packages \
            -r tests/requirements.txt
fi

# Node test tooling and the pinned front-end libraries.
for dir in web tests/browser; do
    if [ -f "$dir/package-lock.json" ] && [ ! -d "$dir/node_modules" ]; then
        echo "deps: npm ci in $dir"
        (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    fi
done
