#!/usr/bin/env bash
# Runs a real single-node Apache Cassandra 5.0 on loopback for the tests and
# benchmarks: `cassandra.sh start|stop|status|restart|clean`.
#
# The server comes from Maven Central (org.apache.cassandra:cassandra-all) with
# plain `mvn dependency:copy-dependencies`, cached in ~/.cache/elhub (shared by
# every clone, so a rerun starts in seconds). Each node lives in its own
# directory (config, data, logs, pid) keyed by its CQL port, so several nodes
# can run at once, e.g. an authenticating one next to the plain one.
#
# Environment:
#   ELHUB_CASSANDRA_PORT     CQL port (default 9042); storage port = port - 2042
#   ELHUB_CASSANDRA_AUTH=1   start with PasswordAuthenticator (cassandra/cassandra)
#   ELHUB_CASSANDRA_DIR      node directory (default ${TMPDIR:-/tmp}/elhub-cassandra-<port>)
#   ELHUB_CASSANDRA_VERSION  cassandra-all version (default 5.0.4)
#   ELHUB_CACHE              download cache (default ~/.cache/elhub)
#   ELHUB_CASSANDRA_WAIT     seconds to wait for CQL (default 240)
set -euo pipefail

VERSION=${ELHUB_CASSANDRA_VERSION:-5.0.4}
PORT=${ELHUB_CASSANDRA_PORT:-9042}
STORAGE_PORT=$((PORT - 2042))
AUTH=${ELHUB_CASSANDRA_AUTH:-0}
CACHE=${ELHUB_CACHE:-$HOME/.cache/elhub}
LIB=$CACHE/cassandra-$VERSION/lib
DIR=${ELHUB_CASSANDRA_DIR:-${TMPDIR:-/tmp}/elhub-cassandra-$PORT}
WAIT=${ELHUB_CASSANDRA_WAIT:-240}
PY=${PYTHON:-python3}

say() { echo "cassandra.sh: $*" >&2; }

fetch() {
    [ -f "$LIB/.complete" ] && return 0
    command -v mvn >/dev/null || { say "mvn not found; run scripts/deps.sh"; return 1; }
    command -v java >/dev/null || { say "java not found; run scripts/deps.sh"; return 1; }
    say "fetching cassandra-all $VERSION from Maven Central into $LIB"
    # Into a directory of this run's own, renamed into place whole: two
    # checkouts fetching at once never see (or delete) each other's half.
    local tmp
    mkdir -p "$CACHE"
    tmp=$(mktemp -d "$CACHE/.cassandra-$VERSION.XXXXXX")
    cat >"$tmp/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>elhub</groupId>
  <artifactId>cassandra-runtime</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.cassandra</groupId>
      <artifactId>cassandra-all</artifactId>
      <version>$VERSION</version>
    </dependency>
  </dependencies>
</project>
EOF
    mkdir -p "$tmp/lib"
    if ! mvn -B -q -f "$tmp/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
        -DoutputDirectory="$tmp/lib" >"$tmp/mvn.log" 2>&1; then
        tail -30 "$tmp/mvn.log" >&2
        say "maven could not fetch cassandra-all $VERSION"
        rm -rf "$tmp"
        return 1
    fi
    rm -f "$tmp/pom.xml" "$tmp/mvn.log"
    touch "$tmp/lib/.complete"
    # rename(2) onto an existing directory that is not empty fails: then a
    # complete copy (another run's) is kept, an incomplete one replaced.
    if ! mv -T "$tmp" "$CACHE/cassandra-$VERSION" 2>/dev/null; then
        if [ -f "$LIB/.complete" ]; then
            rm -rf "$tmp"
        else
            rm -rf "$CACHE/cassandra-$VERSION"
            mv -T "$tmp" "$CACHE/cassandra-$VERSION"
        fi
    fi
}

pid_alive() {
    [ -f "$DIR/pid" ] && kill -0 "$(cat "$DIR/pid")" 2>/dev/null
}

# Sends an OPTIONS frame (native_protocol_v4.spec §4.1.3) and expects a
# SUPPORTED response (§4.2.4): the node serves CQL.
serves_cql() {
    "$PY" - "$PORT" <<'EOF' 2>/dev/null
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=3)
s.sendall(bytes([4, 0, 0, 0, 5, 0, 0, 0, 0]))
h = b""
while len(h) < 9:
    c = s.recv(9 - len(h))
    if not c:
        sys.exit(1)
    h += c
sys.exit(0 if h[0] == 0x84 and h[4] == 0x06 else 1)
EOF
}

# With PasswordAuthenticator the default superuser is created a little after
# CQL opens: log in as cassandra/cassandra (STARTUP, AUTH_RESPONSE; §4.1.1,
# §4.1.2) until AUTH_SUCCESS.
login_ok() {
    "$PY" - "$PORT" <<'EOF' 2>/dev/null
import socket, struct, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
def frame(op, body, stream=1):
    s.sendall(struct.pack(">BBhBi", 4, 0, stream, op, len(body)) + body)
    h = b""
    while len(h) < 9:
        c = s.recv(9 - len(h))
        if not c:
            sys.exit(1)
        h += c
    n = struct.unpack(">i", h[5:9])[0]
    b = b""
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            sys.exit(1)
        b += c
    return h[4]
def string(x):
    return struct.pack(">H", len(x)) + x
op = frame(1, struct.pack(">H", 1) + string(b"CQL_VERSION") + string(b"3.0.0"))
if op != 3:
    sys.exit(1)
tok = b"\0cassandra\0cassandra"
sys.exit(0 if frame(15, struct.pack(">i", len(tok)) + tok) == 0x10 else 1)
EOF
}

write_config() {
    mkdir -p "$DIR/data" "$DIR/commitlog" "$DIR/saved_caches" "$DIR/hints" "$DIR/cdc_raw" "$DIR/logs"
    local authn=AllowAllAuthenticator authz=AllowAllAuthorizer
    if [ "$AUTH" = 1 ]; then
        authn=PasswordAuthenticator
        authz=CassandraAuthorizer
    fi
    cat >"$DIR/cassandra.yaml" <<EOF
cluster_name: elhub-test-$PORT
num_tokens: 1
initial_token: 0
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
endpoint_snitch: SimpleSnitch
listen_address: 127.0.0.1
rpc_address: 127.0.0.1
storage_port: $STORAGE_PORT
native_transport_port: $PORT
start_native_transport: true
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "127.0.0.1:$STORAGE_PORT"
commitlog_sync: periodic
commitlog_sync_period: 10000ms
data_file_directories:
  - $DIR/data
commitlog_directory: $DIR/commitlog
saved_caches_directory: $DIR/saved_caches
hints_directory: $DIR/hints
cdc_raw_directory: $DIR/cdc_raw
auto_snapshot: false
# A shared 2-core CI box: give writes more time than the 2 s default.
write_request_timeout: 5000ms
authenticator: $authn
authorizer: $authz
EOF
    cat >"$DIR/logback.xml" <<EOF
<configuration scan="false">
  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
    <file>$DIR/logs/system.log</file>
    <encoder><pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="FILE"/></root>
  <logger name="org.apache.cassandra" level="INFO"/>
</configuration>
EOF
    # JVM flags: heap, then the GC and JPMS blocks of conf/jvm17-server.options
    # (apache/cassandra, cassandra-5.0 branch).
    local jamm
    jamm=$(ls "$LIB"/jamm-*.jar | head -1)
    cat >"$DIR/jvm.args" <<EOF
-Xms512m
-Xmx1g
-Xss512k
-XX:+UseG1GC
-XX:+ParallelRefProcEnabled
-XX:MaxTenuringThreshold=1
-XX:G1HeapRegionSize=16m
-XX:MaxGCPauseMillis=300
-XX:+ExitOnOutOfMemoryError
-javaagent:$jamm
-Djdk.attach.allowAttachSelf=true
--add-exports java.base/jdk.internal.misc=ALL-UNNAMED
--add-exports java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED
--add-exports java.rmi/sun.rmi.registry=ALL-UNNAMED
--add-exports java.rmi/sun.rmi.server=ALL-UNNAMED
--add-exports java.sql/java.sql=ALL-UNNAMED
--add-exports java.base/java.lang.ref=ALL-UNNAMED
--add-exports jdk.unsupported/sun.misc=ALL-UNNAMED
--add-exports jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED
--add-exports jdk.attach/sun.tools.attach=ALL-UNNAMED
--add-opens java.base/java.lang.module=ALL-UNNAMED
--add-opens java.base/jdk.internal.loader=ALL-UNNAMED
--add-opens java.base/jdk.internal.ref=ALL-UNNAMED
--add-opens java.base/jdk.internal.reflect=ALL-UNNAMED
--add-opens java.base/jdk.internal.math=ALL-UNNAMED
--add-opens java.base/jdk.internal.module=ALL-UNNAMED
--add-opens java.base/jdk.internal.util.jar=ALL-UNNAMED
--add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED
--add-opens java.base/sun.nio.ch=ALL-UNNAMED
--add-opens java.base/java.io=ALL-UNNAMED
--add-opens java.base/java.lang.reflect=ALL-UNNAMED
--add-opens jdk.compiler/com.sun.tools.javac=ALL-UNNAMED
--add-opens java.base/java.lang=ALL-UNNAMED
--add-opens java.base/java.util=ALL-UNNAMED
-Dio.netty.tryReflectionSetAccessible=true
-Dio.netty.allocator.useCacheForAllThreads=true
-Dio.netty.allocator.maxOrder=11
-Dcassandra-foreground=yes
-Dcassandra.config=file://$DIR/cassandra.yaml
-Dcassandra.storagedir=$DIR
-Dcassandra.logdir=$DIR/logs
-Dlogback.configurationFile=$DIR/logback.xml
-Dcassandra.skip_wait_for_gossip_to_settle=0
-Dcassandra.ring_delay_ms=1000
-Dcassandra.superuser_setup_delay_ms=0
-Dcassandra.jmx.local.port=
-cp
$LIB/*
EOF
    # An empty jmx.local.port is not valid; drop it (JMX stays off).
    sed -i '/^-Dcassandra.jmx.local.port=$/d' "$DIR/jvm.args"
}

start() {
    if pid_alive; then
        if serves_cql; then
            say "already running on 127.0.0.1:$PORT (pid $(cat "$DIR/pid"))"
            return 0
        fi
    fi
    fetch
    write_config
    say "starting on 127.0.0.1:$PORT (dir $DIR, auth=$AUTH)"
    : >"$DIR/logs/out.log"
    # setsid: the node gets its own process group, so stop can end exactly it.
    setsid java @"$DIR/jvm.args" org.apache.cassandra.service.CassandraDaemon \
        >"$DIR/logs/out.log" 2>&1 </dev/null &
    echo $! >"$DIR/pid"
    local t=0
    while [ "$t" -lt "$WAIT" ]; do
        if ! pid_alive; then
            say "the node exited during startup; last log lines:"
            tail -40 "$DIR/logs/out.log" >&2 || true
            tail -40 "$DIR/logs/system.log" >&2 || true
            rm -f "$DIR/pid"
            return 1
        fi
        if serves_cql && { [ "$AUTH" != 1 ] || login_ok; }; then
            say "serving CQL on 127.0.0.1:$PORT after ${t}s (pid $(cat "$DIR/pid"))"
            return 0
        fi
        sleep 2
        t=$((t + 2))
    done
    say "no CQL on 127.0.0.1:$PORT after ${WAIT}s; see $DIR/logs/system.log"
    stop
    return 1
}

stop() {
    if ! [ -f "$DIR/pid" ]; then
        say "not running (no $DIR/pid)"
        return 0
    fi
    local pid t=0
    pid=$(cat "$DIR/pid")
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        while kill -0 "$pid" 2>/dev/null && [ "$t" -lt 60 ]; do
            sleep 1
            t=$((t + 1))
        done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$DIR/pid"
    say "stopped (port $PORT)"
}

status() {
    if pid_alive && serves_cql; then
        echo "running on 127.0.0.1:$PORT (pid $(cat "$DIR/pid"), dir $DIR)"
        return 0
    fi
    if pid_alive; then
        echo "starting or unhealthy (pid $(cat "$DIR/pid")), no CQL on 127.0.0.1:$PORT"
        return 1
    fi
    echo "not running on 127.0.0.1:$PORT"
    return 3
}

case ${1:-} in
    start) start ;;
    stop) stop ;;
    status) status ;;
    restart) stop && start ;;
    clean) stop && rm -rf "$DIR" ;;
    fetch) fetch ;;
    *)
        echo "usage: scripts/cassandra.sh start|stop|status|restart|clean|fetch" >&2
        exit 2
        ;;
esac
