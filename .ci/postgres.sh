# Sourced by .ci/run: a throwaway PostgreSQL cluster on loopback for the remote-mode tests
# (tests/test_remote_scale.py reads ZOOM_MCP_TEST_POSTGRES_URL), stopped and removed on exit.
# initdb refuses to run as root, so as root the cluster belongs to the postgres user.
pg_bin() {
    for dir in /usr/local/bin /usr/lib/postgresql/*/bin; do
        [ -x "$dir/$1" ] && { echo "$dir/$1"; return; }
    done
    command -v "$1" || true
}
if [ -z "$(pg_bin initdb)" ] && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
INITDB=$(pg_bin initdb)
PG_CTL=$(pg_bin pg_ctl)
if [ -n "$INITDB" ] && [ -n "$PG_CTL" ]; then
    PG_DIR=$(mktemp -d /tmp/zoom-mcp-ci-pg.XXXXXX)
    AS=()
    if [ "$(id -u)" = 0 ]; then
        id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
        chown postgres "$PG_DIR"
        AS=(runuser -u postgres --)
    fi
    PG_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "${AS[@]}" "$INITDB" -D "$PG_DIR/data" -A trust -U postgres --no-sync >/dev/null
    "${AS[@]}" "$PG_CTL" -D "$PG_DIR/data" -l "$PG_DIR/log" -w start \
        -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off" >/dev/null
    export ZOOM_MCP_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$PG_PORT/postgres"
    trap '"${AS[@]}" "$PG_CTL" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1; rm -rf "$PG_DIR"' EXIT
else
    echo "no PostgreSQL binaries: the PostgreSQL remote-mode tests will skip" >&2
fi
