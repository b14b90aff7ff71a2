#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL 15 on loopback, then remove it:
#   scripts/with-postgres.sh .venv/bin/pytest
# DATABASE_URL points the command at it. Debian's server is installed when missing.
set -euo pipefail
PGBIN=/usr/lib/postgresql/15/bin
if [ ! -x "$PGBIN/initdb" ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends postgresql-15 >/dev/null
fi
# A free loopback port unless one is given: a cluster left running by an interrupted
# run (or another checkout's tests) must not make this one fail to start.
PORT="${SCRUTINY_PG_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
DIR="$(mktemp -d /tmp/scrutiny-pg.XXXXXX)"
AS=()
if [ "$(id -u)" -eq 0 ]; then
  # PostgreSQL refuses to run as root; Debian's package provides the postgres user.
  chown postgres: "$DIR"
  AS=(runuser -u postgres --)
fi
stop() {
  "${AS[@]}" "$PGBIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap stop EXIT
"${AS[@]}" "$PGBIN/initdb" -D "$DIR/data" -U scrutiny --auth=trust -E UTF8 >/dev/null
# Durability is pointless for a throwaway test cluster; speed is not.
"${AS[@]}" "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w start \
  -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null
"$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U scrutiny scrutiny
export DATABASE_URL="postgres://scrutiny@127.0.0.1:$PORT/scrutiny"
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT"
"$@"
