# Start and stop a throwaway PostgreSQL cluster in a temporary directory on a free port.
# Source this file, then call pg_throwaway_start; it exports PG_URL.

pg_throwaway_start() {
  local bindir
  bindir=$(pg_config --bindir)
  PG_TMP=$(mktemp -d /tmp/livingwell-pg.XXXXXX)
  PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  local runas=()
  if [[ $(id -u) -eq 0 ]]; then
    # PostgreSQL refuses to run as root: use the postgres account (or nobody) for the cluster.
    local pguser=postgres
    id -u postgres >/dev/null 2>&1 || pguser=nobody
    chown "$pguser" "$PG_TMP"
    runas=(runuser -u "$pguser" --)
  fi
  "${runas[@]}" "$bindir/initdb" -D "$PG_TMP/data" -U livingwell --auth=trust -E UTF8 >/dev/null
  "${runas[@]}" "$bindir/pg_ctl" -D "$PG_TMP/data" -o "-p $PG_PORT -k $PG_TMP -c listen_addresses=127.0.0.1 -c fsync=off" -l "$PG_TMP/log" -w start >/dev/null
  "$bindir/createdb" -h 127.0.0.1 -p "$PG_PORT" -U livingwell livingwell
  export PG_URL="postgres://livingwell@127.0.0.1:$PG_PORT/livingwell"
  export PG_TMP PG_PORT PG_RUNAS="${runas[*]}"
  echo "PostgreSQL throwaway cluster on port $PG_PORT"
}

pg_throwaway_stop() {
  if [[ -n "${PG_TMP:-}" && -d "$PG_TMP/data" ]]; then
    $PG_RUNAS "$(pg_config --bindir)/pg_ctl" -D "$PG_TMP/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_TMP"
  fi
}
