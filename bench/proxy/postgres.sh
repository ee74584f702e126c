# PostgreSQL targets of bench/run (BENCH_PG=1), sourced by lib.sh: the shipped gateway on a throwaway
# PostgreSQL cluster (fsync on, as in production; loopback only), once as one instance ("gateway-pg") and
# once as three instances sharing one database ("gateway-pg3", measured at many connections only: the
# load is split over the three, as a load balancer would). No Redis: no limits are configured, so nothing
# here needs it (the change feed only evicts caches).
# BENCH_PG_OPTS="-c name=value …": settings for the PostgreSQL server (what a commit costs: "-c fsync=off").
# BENCH_PG3_ACCOUNTS=3: one account and key per instance of gateway-pg3 (default 1: all three debit one
# account row, whose lock every batch then waits for in turn).

start_postgres() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  [ -x "$bin/initdb" ] || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
  PG_BIN=$bin
  PG_PORT=$(free_port)
  mkdir -p "$WORK/pg"; chown postgres "$WORK/pg"
  runuser -u postgres -- "$bin/initdb" -D "$WORK/pg/data" -A trust -U postgres >"$WORK/pg-init.log" 2>&1
  runuser -u postgres -- "$bin/pg_ctl" -D "$WORK/pg/data" -w -l "$WORK/pg/server.log" \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories=$WORK/pg -c max_connections=400 ${BENCH_PG_OPTS:-}" start >/dev/null
  for db in bench_pg bench_pg3 bench_pg_b; do
    runuser -u postgres -- "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE $db" >/dev/null
  done
}

stop_postgres() {
  [ -n "${PG_BIN:-}" ] && runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$WORK/pg/data" -m fast stop >/dev/null 2>&1 || true
}

# The cluster's CPU ticks so far: the postmaster's, its live processes', and those of the processes it started
# that have ended (a backend closed by its pool, an autovacuum worker done: the kernel adds them to the
# postmaster's children's times once it has reaped them).
postgres_ticks() {
  local postmaster
  postmaster=$(head -1 "$WORK/pg/data/postmaster.pid" 2>/dev/null) || { echo 0; return; }
  echo $(( $(stat_ticks "/proc/$postmaster/stat" children) + $(cpu_ticks $(pgrep -P "$postmaster")) ))
}

pg_connection() { echo "Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=$1"; }

start_gateways_on_postgres() {
  GATEWAY_PG_PORT=$(free_port)
  launch_gateway gateway-pg "$GATEWAY_PG_PORT" "$ROOT/Gateway/bin/Release/net10.0/Gateway.dll" \
    "ConnectionStrings__Gateway=$(pg_connection bench_pg)"
  GATEWAY_PG_PID=$LAUNCHED_PID
  GATEWAY_PG3_PORTS=(); GATEWAY_PG3_PIDS=()
  for i in 1 2 3; do
    local port; port=$(free_port)
    # BENCH_PG3_ENV="NAME=value …": settings for these three only (docs/SCALING.md, "More instances than cores").
    launch_gateway "gateway-pg3-$i" "$port" "$ROOT/Gateway/bin/Release/net10.0/Gateway.dll" \
      "ConnectionStrings__Gateway=$(pg_connection bench_pg3) ${BENCH_PG3_ENV:-}"
    GATEWAY_PG3_PORTS+=("$port"); GATEWAY_PG3_PIDS+=("$LAUNCHED_PID")
  done
  TARGETS="$TARGETS gateway-pg gateway-pg3"
  # With BENCH_B_DLL (another build) or BENCH_B_PG (";Setting=value" appended to the connection string, no spaces),
  # a second gateway on a database of its own ("gateway-pg-b"), interleaved: an A/B on PostgreSQL.
  if [ -n "${BENCH_B_DLL:-}${BENCH_B_PG:-}" ]; then
    GATEWAY_PG_B_PORT=$(free_port)
    launch_gateway gateway-pg-b "$GATEWAY_PG_B_PORT" "${BENCH_B_DLL:-$ROOT/Gateway/bin/Release/net10.0/Gateway.dll}" \
      "ConnectionStrings__Gateway=$(pg_connection bench_pg_b)${BENCH_B_PG:-}"
    GATEWAY_PG_B_PID=$LAUNCHED_PID
    TARGETS="$TARGETS gateway-pg-b"
  fi
}

create_postgres_accounts_and_keys() {
  local account
  ACCOUNT_PG=$(ADMIN_PORT=$GATEWAY_PG_PORT admin POST /admin/accounts "{\"name\":\"bench\",\"balance\":$START_BALANCE_USD}" | json_field id)
  KEY_PG=$(ADMIN_PORT=$GATEWAY_PG_PORT admin POST /admin/keys "{\"account_id\":$ACCOUNT_PG,\"name\":\"bench\"}" | json_field key)
  KEYS_PG3=(); ACCOUNT_PG3=
  for i in $(seq 1 "${BENCH_PG3_ACCOUNTS:-1}"); do
    account=$(ADMIN_PORT=${GATEWAY_PG3_PORTS[0]} admin POST /admin/accounts "{\"name\":\"bench\",\"balance\":$START_BALANCE_USD}" | json_field id)
    KEYS_PG3+=("$(ADMIN_PORT=${GATEWAY_PG3_PORTS[0]} admin POST /admin/keys "{\"account_id\":$account,\"name\":\"bench\"}" | json_field key)")
    ACCOUNT_PG3=${ACCOUNT_PG3:+$ACCOUNT_PG3,}$account
  done
  KEY_PG3=${KEYS_PG3[0]}
  if [ -n "${GATEWAY_PG_B_PORT:-}" ]; then
    account=$(ADMIN_PORT=$GATEWAY_PG_B_PORT admin POST /admin/accounts "{\"name\":\"bench\",\"balance\":$START_BALANCE_USD}" | json_field id)
    KEY_PG_B=$(ADMIN_PORT=$GATEWAY_PG_B_PORT admin POST /admin/keys "{\"account_id\":$account,\"name\":\"bench\"}" | json_field key)
    [ -n "$KEY_PG_B" ] || { echo "could not create gateway-pg-b's key" >&2; exit 1; }
  fi
  [ -n "$KEY_PG" ] && [ -n "$KEY_PG3" ] || { echo "could not create the PostgreSQL targets' keys" >&2; exit 1; }
}

# The connections each of gateway-pg3's instances gets: a third, rounded up.
pg3_connections_each() { echo $(( ($1 + 2) / 3 )); }

# Three wrk runs at once, one per instance, the connections split between them (each with its own key when
# BENCH_PG3_ACCOUNTS=3); prints one RESULT line:
# requests summed, the longest duration, and the highest of the three p50s and p99s.
run_wrk_three() { # body conns seconds
  local body=$1 conns=$2 seconds=$3 i outs=() path=/v1/chat/completions
  local each; each=$(pg3_connections_each "$conns")
  for i in 0 1 2; do
    outs+=("$WORK/pg3-wrk-$i.out")
    BENCH_BODY_FILE="$WORK/$body.body" BENCH_KEY="${KEYS_PG3[$(( i % ${#KEYS_PG3[@]} ))]}" \
      wrk -t1 -c"$each" -d"${seconds}s" --timeout 5s -s "$BENCH/proxy/post.lua" \
      "http://127.0.0.1:${GATEWAY_PG3_PORTS[$i]}$path" >"${outs[$i]}" 2>&1 &
  done
  wait
  grep -h '^RESULT ' "${outs[@]}" | sed 's/[a-z_0-9]*=//g; s/RESULT //' | awk '
    { r += $1; if ($2 > d) d = $2; if ($3 > p50) p50 = $3; if ($4 > p99) p99 = $4; n += $5; e += $6 }
    END { printf "RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d non2xx=%d socket_errors=%d\n", r, d, p50, p99, n, e }'
}
