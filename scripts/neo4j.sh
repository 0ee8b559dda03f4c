#!/usr/bin/env bash
# Start or stop a throwaway Neo4j Community server for kg's tests, CI and benchmarks.
#
#   scripts/neo4j.sh start [DIR]      resolve Neo4j with Maven, start it on free 127.0.0.1 ports
#                                     and print (and write to DIR/env) the lines
#                                       export NEO4J_URI=bolt://127.0.0.1:PORT
#                                       export NEO4J_USERNAME=neo4j
#                                       export NEO4J_PASSWORD=...
#                                       export NEO4J_HTTP_URL=http://127.0.0.1:PORT
#   scripts/neo4j.sh stop [DIR]       stop exactly the server started with DIR
#   scripts/neo4j.sh init DIR         prepare DIR (configuration, password, bin/neo4j-admin)
#                                     without starting, e.g. for an admin import before `start`
#   scripts/neo4j.sh admin DIR ARGS   run neo4j-admin (same distribution) on DIR's server,
#                                     e.g. `admin DIR database import full ...` (server stopped)
#   scripts/neo4j.sh cypher-shell ARGS  run Neo4j's cypher-shell (same version), e.g.
#                                     cypher-shell -a "$NEO4J_URI" -u neo4j -p "$NEO4J_PASSWORD" \
#                                       -f OUT/neo4j/after-import.cypher
#   scripts/neo4j.sh classpath        print the server's Java classpath
#
# DIR (default: ${TMPDIR:-/tmp}/kg-neo4j) holds the server's configuration, data, logs, pid and
# env files; DIR/bin/neo4j-admin is a wrapper, so `NEO4J_HOME=DIR sh OUT/neo4j/import.sh` runs a
# build's own import script against this server's data. A DIR that already holds data keeps it.
#
# Versions (Neo4j Community from Maven Central, see scripts/pom.xml; GPLv3, a test server only):
#   KG_NEO4J_VERSION=5.26.30   (default) the 5.26 LTS line, on the default Java 17
#   KG_NEO4J_VERSION=2026.08.1 the current calendar release; needs Java 21+, so the Temurin 25
#                              JDK under /usr/lib/jvm is used (or KG_NEO4J_JAVA_HOME)
# NEO4J_PASSWORD sets the password (default: kg-test-password); KG_NEO4J_HEAP the heap (1g).
# The first start downloads the jars into ~/.m2 (about 140 MB); later starts resolve offline.
#
# In CI (scripts/test.sh does this):
#   eval "$(scripts/neo4j.sh start "$RUNNER_TEMP/neo4j")"
#   python -m pytest
#   scripts/neo4j.sh stop "$RUNNER_TEMP/neo4j"
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
cmd="${1:-}"
dir="${2:-${TMPDIR:-/tmp}/kg-neo4j}"
version="${KG_NEO4J_VERSION:-5.26.30}"
password="${NEO4J_PASSWORD:-kg-test-password}"
python="${PYTHON:-python3}"

die() { echo "neo4j.sh: $*" >&2; exit 1; }

java_bin() {
    if [[ -n "${KG_NEO4J_JAVA_HOME:-}" ]]; then
        echo "$KG_NEO4J_JAVA_HOME/bin/java"
    elif [[ "$version" == 5.* ]]; then
        command -v java || die "java not found: install a JDK 17 (apt-get install openjdk-17-jdk-headless)"
    else  # calendar releases (2025.x and later) need Java 21 or newer
        local jdk
        jdk="$(ls -d /usr/lib/jvm/temurin-2[1-9]-jdk* /usr/lib/jvm/*-2[1-9]-openjdk* 2>/dev/null | sort | tail -n 1)"
        [[ -n "$jdk" ]] || die "Neo4j $version needs Java 21+: set KG_NEO4J_JAVA_HOME"
        echo "$jdk/bin/java"
    fi
}

classpath() {  # the jars of Neo4j $version (or ${1:-pom}.xml's), in ~/.m2 from the first time
    command -v mvn >/dev/null || die "mvn not found: apt-get install maven"
    local pom="${1:-pom}"
    local cache="${HOME}/.m2/kg-neo4j-$pom-$version.classpath" jar ok=1
    if [[ -s "$cache" ]]; then
        for jar in $(tr ':' ' ' <"$cache"); do [[ -f "$jar" ]] || { ok=0; break; }; done
        if [[ $ok == 1 ]]; then cat "$cache"; return; fi
    fi
    local log
    log="$(mktemp)"
    if ! mvn -B -q -f "$here/$pom.xml" -Dneo4j.version="$version" dependency:build-classpath \
        -Dmdep.outputFile="$cache.tmp" >"$log" 2>&1; then
        tail -n 20 "$log" >&2
        rm -f "$log"
        die "Maven could not resolve Neo4j $version (see above)"
    fi
    rm -f "$log"
    mv "$cache.tmp" "$cache"
    cat "$cache"
}

free_port() {
    "$python" - <<'PY'
import socket
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])
PY
}

bolt_ready() {  # exit 0 when the Bolt port answers a handshake with a version
    "$python" - "$1" <<'PY'
import socket, sys
try:
    with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2) as s:
        s.sendall(bytes.fromhex("6060B017" "00000405" "00000404" "00000104" "00000003"))
        answer = s.recv(4)
        sys.exit(0 if len(answer) == 4 and answer != b"\0\0\0\0" else 1)
except OSError:
    sys.exit(1)
PY
}

write_conf() {  # DIR/conf/neo4j.conf: loopback only, fixed ports, small memory
    local bolt_port="$1" http_port="$2"
    mkdir -p "$dir/conf" "$dir/data" "$dir/logs" "$dir/plugins" "$dir/import" "$dir/run" "$dir/bin"
    cat >"$dir/conf/neo4j.conf" <<EOF
# Written by scripts/neo4j.sh for Neo4j $version; rewritten at every start.
server.default_listen_address=127.0.0.1
server.default_advertised_address=127.0.0.1
server.bolt.listen_address=127.0.0.1:$bolt_port
server.bolt.advertised_address=127.0.0.1:$bolt_port
server.http.listen_address=127.0.0.1:$http_port
server.http.advertised_address=127.0.0.1:$http_port
server.https.enabled=false
server.directories.data=$dir/data
server.directories.logs=$dir/logs
server.directories.plugins=$dir/plugins
server.directories.import=$dir/import
server.directories.run=$dir/run
server.memory.pagecache.size=${KG_NEO4J_PAGECACHE:-256m}
server.logs.config=$dir/conf/server-logs.xml
dbms.usage_report.enabled=false
EOF
    cat >"$dir/conf/server-logs.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="ERROR">
  <Appenders>
    <Console name="console" target="SYSTEM_OUT">
      <PatternLayout pattern="%d{yyyy-MM-dd HH:mm:ss.SSSZ} %-5p %m%n"/>
    </Console>
  </Appenders>
  <Loggers>
    <Root level="INFO"><AppenderRef ref="console"/></Root>
  </Loggers>
</Configuration>
EOF
    # neo4j-admin for this server: `NEO4J_HOME=$dir sh import.sh` finds it on PATH
    cat >"$dir/bin/neo4j-admin" <<EOF
#!/bin/sh
# neo4j-admin of Neo4j $version (written by scripts/neo4j.sh)
NEO4J_HOME="$dir" NEO4J_CONF="$dir/conf" exec "$(java_bin)" -Xmx${KG_NEO4J_ADMIN_HEAP:-1g} \\
  -cp "\$(cat "$dir/classpath")" org.neo4j.cli.AdminTool "\$@"
EOF
    chmod +x "$dir/bin/neo4j-admin"
}

running() { [[ -f "$dir/neo4j.pid" ]] && kill -0 "$(cat "$dir/neo4j.pid")" 2>/dev/null; }

init() {  # configuration on free ports, the classpath, the initial password
    mkdir -p "$dir"
    dir="$(cd "$dir" && pwd)"
    if running; then
        die "a server started with $dir is already running (pid $(cat "$dir/neo4j.pid")); stop it first"
    fi
    [[ ${#password} -ge 8 ]] || die "NEO4J_PASSWORD must have at least 8 characters"
    classpath >"$dir/classpath"
    bolt_port="$(free_port)"
    http_port="$(free_port)"
    while [[ "$http_port" == "$bolt_port" ]]; do http_port="$(free_port)"; done
    write_conf "$bolt_port" "$http_port"
    if [[ ! -f "$dir/data/dbms/auth.ini" && ! -d "$dir/data/databases/system" ]]; then
        "$dir/bin/neo4j-admin" dbms set-initial-password "$password" >"$dir/logs/admin.log" 2>&1 \
            || { cat "$dir/logs/admin.log" >&2; die "could not set the initial password"; }
    fi
}

start() {
    local java bolt_port http_port
    java="$(java_bin)"
    init
    # the server's main class: CommunityEntryPoint up to 5.26, Neo4jCommunity in calendar releases
    local main=org.neo4j.server.CommunityEntryPoint
    [[ "$version" == 5.* ]] || main=org.neo4j.server.Neo4jCommunity
    nohup "$java" -Xms${KG_NEO4J_HEAP:-1g} -Xmx${KG_NEO4J_HEAP:-1g} -XX:+UseG1GC \
        -Dfile.encoding=UTF-8 -cp "$(cat "$dir/classpath")" "$main" \
        --home-dir="$dir" --config-dir="$dir/conf" >"$dir/logs/console.log" 2>&1 </dev/null &
    echo $! >"$dir/neo4j.pid"
    for _ in $(seq 1 240); do
        running || { tail -n 30 "$dir/logs/console.log" >&2 || true
                     die "Neo4j exited; see $dir/logs/"; }
        if bolt_ready "$bolt_port"; then
            {
                echo "export NEO4J_URI=bolt://127.0.0.1:$bolt_port"
                echo "export NEO4J_USERNAME=neo4j"
                echo "export NEO4J_PASSWORD=$password"
                echo "export NEO4J_HTTP_URL=http://127.0.0.1:$http_port"
            } | tee "$dir/env"
            echo "$version" >"$dir/version"
            return 0
        fi
        sleep 0.5
    done
    stop >/dev/null 2>&1 || true
    die "Neo4j did not answer on Bolt port $bolt_port within 120s; see $dir/logs/"
}

stop() {
    [[ -f "$dir/neo4j.pid" ]] || die "no server started with $dir (no $dir/neo4j.pid)"
    local pid
    pid="$(cat "$dir/neo4j.pid")"
    if kill "$pid" 2>/dev/null; then
        for _ in $(seq 1 120); do  # a clean shutdown checkpoints the store
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.5
        done
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$dir/neo4j.pid" "$dir/env"
    echo "stopped Neo4j (pid $pid)"
}

admin() {
    [[ -d "$dir" ]] || die "no such DIR: $dir"
    dir="$(cd "$dir" && pwd)"
    if [[ ! -x "$dir/bin/neo4j-admin" ]]; then
        classpath >"$dir/classpath"
        write_conf 0 0
    fi
    shift 2
    exec "$dir/bin/neo4j-admin" "$@"
}

case "$cmd" in
    start) start ;;
    init) init; echo "prepared $dir (Neo4j $version); NEO4J_HOME=$dir puts its neo4j-admin in bin/" ;;
    stop) stop ;;
    admin) admin "$@" ;;
    classpath) classpath ;;
    cypher-shell) shift; exec "$(java_bin)" -cp "$(classpath pom-cypher-shell)" org.neo4j.shell.Main "$@" ;;
    *) die "usage: $0 start|stop|init [DIR] | admin DIR ARGS... | cypher-shell ARGS... | classpath" ;;
esac
