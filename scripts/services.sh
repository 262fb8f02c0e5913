# Services the test suites need, started by ./simiot test and stopped when it exits. Sourced, never run.
# PostgreSQL: Debian's server in a throwaway cluster (initdb into a temp dir, unix socket only, so
# it never clashes with another server or port); tests find it in SIMIOT_TEST_POSTGRES.

_simiot_pg_dir=""
_simiot_pg_bin=""

start_test_postgres() {
  _simiot_pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)"
  if [[ -z "$_simiot_pg_bin" || ! -x "$_simiot_pg_bin/initdb" ]]; then
    log "PostgreSQL server not installed: the PostgreSQL tests will fail (install 'postgresql')"
    return 0
  fi
  _simiot_pg_dir="$(mktemp -d /tmp/simiot-pg.XXXXXX)"
  chmod 755 "$_simiot_pg_dir"
  local as=()
  # initdb refuses to run as root: run the cluster as the 'postgres' user the package created.
  if [[ $(id -u) -eq 0 ]]; then chown postgres "$_simiot_pg_dir"; as=(runuser -u postgres --); fi
  # From /, which the postgres user can enter (the checkout may be private to root).
  (cd / && "${as[@]}" "$_simiot_pg_bin/initdb" -D "$_simiot_pg_dir/data" -U postgres --auth=trust -E UTF8 >"$_simiot_pg_dir/initdb.log" 2>&1) \
    || { cat "$_simiot_pg_dir/initdb.log" >&2; die "initdb failed"; }
  (cd / && "${as[@]}" "$_simiot_pg_bin/pg_ctl" -D "$_simiot_pg_dir/data" -l "$_simiot_pg_dir/server.log" -w \
    -o "-k $_simiot_pg_dir -c listen_addresses='' -p 5432 -c fsync=off -c synchronous_commit=off" start >/dev/null) \
    || { cat "$_simiot_pg_dir/server.log" >&2; die "PostgreSQL did not start"; }
  export SIMIOT_TEST_POSTGRES="Host=$_simiot_pg_dir;Port=5432;Username=postgres;Database=postgres"
  log "PostgreSQL test cluster running (socket in $_simiot_pg_dir)"
}

stop_test_postgres() {
  [[ -n "$_simiot_pg_dir" && -d "$_simiot_pg_dir/data" ]] || return 0
  local as=()
  [[ $(id -u) -eq 0 ]] && as=(runuser -u postgres --)
  (cd / && "${as[@]}" "$_simiot_pg_bin/pg_ctl" -D "$_simiot_pg_dir/data" -m fast -w stop >/dev/null 2>&1) || true
  rm -rf "$_simiot_pg_dir"
  _simiot_pg_dir=""
}

start_test_services() { start_test_postgres; }
stop_test_services() { stop_test_postgres; }
