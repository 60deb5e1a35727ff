#!/usr/bin/env bash
# Start (or stop) a throwaway PostgreSQL cluster on a Unix socket, for the test suite.
#   .ci/pg.sh start DIR   → prints the SQLAlchemy URL of a fresh database
#   .ci/pg.sh stop DIR
# Installs Debian's PostgreSQL when its binaries are missing. As root, the cluster runs as 'postgres'.
set -euo pipefail
action=${1:?start|stop}
dir=$(realpath -m "${2:?directory}")
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "PostgreSQL not found: installing Debian's package…" >&2
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi
run() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case "$action" in
  start)
    if [ -f "$dir/data/postmaster.pid" ] && run "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
      :
    else
      rm -rf "$dir"; mkdir -p "$dir/socket"
      [ "$(id -u)" = 0 ] && chown -R postgres "$dir"
      run "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
      run "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-k $dir/socket -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >&2
    fi
    run "$bindir/psql" -h "$dir/socket" -U postgres -d postgres -qAtc "DROP DATABASE IF EXISTS guide_test" >&2
    run "$bindir/psql" -h "$dir/socket" -U postgres -d postgres -qAtc "CREATE DATABASE guide_test" >&2
    echo "postgresql+psycopg://postgres@/guide_test?host=$dir/socket"
    ;;
  stop)
    [ -d "$dir/data" ] && run "$bindir/pg_ctl" -D "$dir/data" -m fast stop >&2 || true
    ;;
esac
