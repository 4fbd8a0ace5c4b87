#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the tests: installs Debian's postgresql if missing, runs
# initdb and pg_ctl as the non-root user `postgres`, listening only on a Unix socket in a temporary
# folder (no TCP port). Usage:
#   eval "$(scripts/pg-cluster.sh start)"   # exports RENJU_TEST_PG (a postgres:// URL) and RENJU_PG_DIR
#   scripts/pg-cluster.sh stop "$RENJU_PG_DIR"
set -euo pipefail
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
case "${1:-}" in
start)
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    echo "== installing postgresql (apt-get)" >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null 2>&1 \
      || { $SUDO apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null; }
  fi
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  dir=$(mktemp -d /tmp/renju-pg.XXXXXX)
  run() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
  [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
  run "$bin/initdb" -D "$dir/data" -U renju -A trust --no-sync -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  run "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
      -o "-k $dir -c listen_addresses='' -c fsync=off -c max_connections=200" start >&2
  echo "export RENJU_PG_DIR='$dir'"
  echo "export RENJU_TEST_PG='postgres://renju@/postgres?host=$dir'"
  ;;
stop)
  dir="${2:?the cluster folder}"
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
  else "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true; fi
  rm -rf "$dir"
  ;;
*) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
