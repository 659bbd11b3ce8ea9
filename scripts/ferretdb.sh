#!/usr/bin/env bash
# Test tooling: a real MongoDB wire-protocol server for the tests, FerretDB
# 1.24 with its SQLite backend embedded in tests/ferretdb/main.go.
#   scripts/ferretdb.sh start    build once (cached), start on 127.0.0.1, wait until it answers
#   scripts/ferretdb.sh stop     stop it (the data stays for the next start)
#   scripts/ferretdb.sh status   exit 0 if it runs and answers
#   scripts/ferretdb.sh clean    stop and delete its data
#   scripts/ferretdb.sh build    only build (prints the binary path)
# Port: $ELHUB_MONGO_PORT (default 27017); each port has its own run dir
# ${TMPDIR:-/tmp}/elhub-ferretdb-PORT (data/, log, pid), so tests can run a
# private instance next to the shared one. The binary is cached in
# ${XDG_CACHE_HOME:-~/.cache}/elhub/ferretdb keyed by the sources' hash.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD

PORT=${ELHUB_MONGO_PORT:-27017}
RUN=${TMPDIR:-/tmp}/elhub-ferretdb-$PORT
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/elhub/ferretdb
SRC=$REPO/tests/ferretdb
WAIT_S=${ELHUB_FERRETDB_WAIT:-60}

# Go: Debian's golang-go (1.19) is older than FerretDB 1.24 needs (go.mod
# says 1.24); with GOTOOLCHAIN=auto the go command fetches the right
# toolchain from the Go module proxy once. /usr/local/go is preferred.
export PATH=/usr/local/go/bin:$PATH:$HOME/go/bin
export GOTOOLCHAIN=${GOTOOLCHAIN:-auto}

binary() {
    local h
    h=$(cat "$SRC/go.mod" "$SRC/go.sum" "$SRC/main.go" | sha256sum | cut -c1-16)
    echo "$CACHE/elhub-ferretdb-$h"
}

build() {
    local bin tmp
    bin=$(binary)
    if [ ! -x "$bin" ]; then
        command -v go >/dev/null || { echo "ferretdb: no go command (run scripts/deps.sh)" >&2; exit 1; }
        mkdir -p "$CACHE"
        echo "ferretdb: building $bin (first time takes ~2-3 min)" >&2
        # A temporary name of this run's own and an atomic rename: two
        # checkouts building at once each install a whole binary.
        tmp=$(mktemp "$CACHE/.build.XXXXXX")
        if ! (cd "$SRC" && go build -trimpath -o "$tmp" .) >&2; then
            rm -f "$tmp"
            echo "ferretdb: go build failed" >&2
            exit 1
        fi
        chmod 755 "$tmp"
        mv -f "$tmp" "$bin"
    fi
    echo "$bin"
}

pid_alive() {
    [ -f "$RUN/pid" ] && kill -0 "$(cat "$RUN/pid")" 2>/dev/null
}

answers() {
    # A TCP connect, then a real ping when pymongo is there.
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null || return 1
    if python3 -c 'import pymongo' 2>/dev/null; then
        python3 - "$PORT" <<'EOF' 2>/dev/null
import sys, pymongo
c = pymongo.MongoClient(f"mongodb://127.0.0.1:{sys.argv[1]}/", serverSelectionTimeoutMS=1000)
c.admin.command("ping")
EOF
    fi
}

start() {
    local bin i
    if pid_alive && answers; then
        echo "ferretdb: already running on 127.0.0.1:$PORT (pid $(cat "$RUN/pid"))"
        return 0
    fi
    bin=$(build)
    mkdir -p "$RUN/data"
    if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
        echo "ferretdb: port $PORT is taken by another process; set ELHUB_MONGO_PORT" >&2
        exit 1
    fi
    nohup "$bin" -listen "127.0.0.1:$PORT" -dir "$RUN/data" >"$RUN/log" 2>&1 &
    echo $! >"$RUN/pid"
    for ((i = 0; i < WAIT_S * 5; i++)); do
        if ! pid_alive; then
            echo "ferretdb: exited during start; last log lines:" >&2
            tail -20 "$RUN/log" >&2
            exit 1
        fi
        if answers; then
            echo "ferretdb: running on 127.0.0.1:$PORT (pid $(cat "$RUN/pid"), data $RUN/data)"
            return 0
        fi
        sleep 0.2
    done
    echo "ferretdb: no answer on 127.0.0.1:$PORT after ${WAIT_S}s; see $RUN/log" >&2
    stop
    exit 1
}

stop() {
    local pid i
    if ! pid_alive; then
        rm -f "$RUN/pid"
        echo "ferretdb: not running on port $PORT"
        return 0
    fi
    pid=$(cat "$RUN/pid")
    kill "$pid"
    for ((i = 0; i < 50; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
    done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    rm -f "$RUN/pid"
    echo "ferretdb: stopped (port $PORT)"
}

case ${1:-} in
start) start ;;
stop) stop ;;
status)
    if pid_alive && answers; then
        echo "ferretdb: running on 127.0.0.1:$PORT (pid $(cat "$RUN/pid"))"
    else
        echo "ferretdb: not running on port $PORT"
        exit 1
    fi
    ;;
clean)
    stop
    rm -rf "$RUN"
    ;;
build) build ;;
*)
    echo "usage: $0 start|stop|status|clean|build   (port: \$ELHUB_MONGO_PORT, default 27017)" >&2
    exit 2
    ;;
esac
