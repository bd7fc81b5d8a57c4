# A PostgreSQL cluster of the tests' own: initdb in a temporary folder, a free loopback port, stopped and deleted on
# exit. Installs Debian's postgresql when missing. As root, the cluster runs as the `postgres` user (initdb refuses
# root). Durability is off: the tests prove answers, not power-loss safety (scripts/crash-test does that).
#   start_private_postgres [durable]   starts it and exports TENURE_TEST_DATABASE_URL (superuser `tenure`, database
#                                      `postgres`); `durable` keeps PostgreSQL's fsync and synchronous commit (benchmarks)
#   stop_private_postgres    stops it and deletes its folder

start_private_postgres() {
    ensure_apt_packages postgresql
    local bin
    bin=$(find /usr/lib/postgresql -maxdepth 2 -name bin -type d | sort -V | tail -1)
    postgres_bin=$bin
    postgres_dir=$(mktemp -d /tmp/tenure-postgres.XXXXXX)
    postgres_as=()
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres "$postgres_dir"
        postgres_as=(runuser -u postgres --)
    fi
    "${postgres_as[@]}" "$bin/initdb" -D "$postgres_dir/data" -U tenure --auth=trust -E UTF8 --locale=C >"$postgres_dir/initdb.log"
    local port settings="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    [ "${1:-}" = durable ] && settings=""
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "${postgres_as[@]}" "$bin/pg_ctl" -D "$postgres_dir/data" -l "$postgres_dir/server.log" -w -o \
        "-p $port -k $postgres_dir -c listen_addresses=127.0.0.1 -c max_connections=500 $settings" \
        start >/dev/null
    # A minute to connect: a loaded CI machine starting a hundred tests at once forks backends slowly.
    export TENURE_TEST_DATABASE_URL="postgres://tenure@127.0.0.1:$port/postgres?sslmode=disable&connect_timeout=60"
}

stop_private_postgres() {
    [ -n "${postgres_dir:-}" ] || return 0
    "${postgres_as[@]}" "$postgres_bin/pg_ctl" -D "$postgres_dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$postgres_dir"
    postgres_dir=""
}
