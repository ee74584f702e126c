# Functions of bench/run: the processes under test, the load, and the bookkeeping. Sourced, not run.
# Everything listens on 127.0.0.1 only; every process started here is stopped by its pid on exit.

WORK=$(mktemp -d /tmp/gateway-bench.XXXXXX)
chmod 755 "$WORK"
PIDS=()
RESULTS=$WORK/results.tsv     # round target body conns requests duration_us p50_us p99_us non2xx socket_errors cpu_ticks rss_kb wrk_cpu_us jit_ticks db_ticks
PROBES=$WORK/probes.txt       # TTFT lines from the probe, one per round and target
# Per database (ledger_of): requests answered, as the clients counted them, and requests that may have been
# cut at the end of a wrk run (one per connection): each database's rows must lie between the two.
declare -A SENT=() INFLIGHT_BOUND=()
ADMIN_KEY=bench-admin-$RANDOM$RANDOM$RANDOM
START_BALANCE_USD=1000000
CLK_TCK=$(getconf CLK_TCK)
TARGETS="direct bare gateway"

source "$(dirname "${BASH_SOURCE[0]}")/postgres.sh"

# The database a target writes its rows to, for the ledger checks; none for the targets without one.
ledger_of() {
  case $1 in
    gateway|gateway-xlat) echo gateway ;;   # one process, one SQLite file
    gateway-pg|gateway-pg3) echo "$1" ;;    # a database each; gateway-pg3's three instances share theirs
  esac
}

log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

cleanup() {
  local status=$?
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  stop_postgres
  if [ "${BENCH_KEEP:-0}" = 1 ] || [ $status -ne 0 ]; then
    echo "work folder kept: $WORK" >&2
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT

install_missing() {
  local need=()
  command -v wrk >/dev/null || need+=(wrk)
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx)
  command -v sqlite3 >/dev/null || need+=(sqlite3)
  command -v curl >/dev/null || need+=(curl)
  command -v cc >/dev/null && [ -e /usr/include/stdio.h ] || need+=(gcc libc6-dev)
  [ ${#need[@]} -eq 0 ] && return
  [ "$(id -u)" = 0 ] || { echo "missing ${need[*]}: run as root once, or install them" >&2; exit 1; }
  log "installing ${need[*]}"
  apt-get update -qq >"$WORK/apt.log" 2>&1
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >>"$WORK/apt.log" 2>&1 \
    || { cat "$WORK/apt.log" >&2; exit 1; }
}

# A port nobody listens on (bash's /dev/tcp connect fails fast on a closed loopback port). Below
# Linux's ephemeral range (32768+), so an outgoing connection cannot take it before the server binds.
free_port() {
  local port
  while true; do
    port=$(( 20000 + RANDOM % 12000 ))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

wait_http() { # url what
  for _ in $(seq 1 200); do
    curl -s -o /dev/null -m 1 "$1" && return
    sleep 0.1
  done
  echo "$2 did not come up at $1; logs in $WORK" >&2
  exit 1
}

start_upstreams() {
  NGINX_PORT=$(free_port)
  mkdir -p "$WORK/nginx/tmp"
  sed "s/@PORT@/$NGINX_PORT/" "$BENCH/proxy/nginx.conf.template" >"$WORK/nginx/nginx.conf"
  "$(command -v nginx || echo /usr/sbin/nginx)" -p "$WORK/nginx" -c nginx.conf -g 'daemon off;' >"$WORK/nginx/stdout.log" 2>&1 &
  PIDS+=($!); NGINX_PID=$!
  wait_http "http://127.0.0.1:$NGINX_PORT/" nginx

  PACED_PORT=$(free_port)
  dotnet "$BENCH/Ttft/bin/Release/net10.0/Ttft.dll" serve --urls "http://127.0.0.1:$PACED_PORT" >"$WORK/paced.log" 2>&1 &
  PIDS+=($!)
  wait_http "http://127.0.0.1:$PACED_PORT/" "paced upstream"
}

start_bare_yarp() {
  BARE_PORT=$(free_port)
  # shellcheck disable=SC2086
  env ${BENCH_ENV:-} dotnet "$BENCH/BareYarp/bin/Release/net10.0/BareYarp.dll" --urls "http://127.0.0.1:$BARE_PORT" \
    --ReverseProxy:Routes:paced:ClusterId=paced \
    '--ReverseProxy:Routes:paced:Match:Path=/paced/{**rest}' \
    --ReverseProxy:Routes:paced:Transforms:0:PathRemovePrefix=/paced \
    --ReverseProxy:Routes:fast:ClusterId=fast \
    '--ReverseProxy:Routes:fast:Match:Path={**rest}' \
    --ReverseProxy:Clusters:fast:Destinations:default:Address="http://127.0.0.1:$NGINX_PORT/" \
    --ReverseProxy:Clusters:paced:Destinations:default:Address="http://127.0.0.1:$PACED_PORT/" \
    >"$WORK/bare.log" 2>&1 &
  PIDS+=($!); BARE_PID=$!
  wait_http "http://127.0.0.1:$BARE_PORT/" "bare YARP"
}

# The gateway as shipped (Release, its own appsettings.json), configured by environment only: a
# fresh database, clusters on the bench upstreams, one priced model per upstream body.
# With BENCH_B_ENV or BENCH_B_DLL set, a second gateway ("gateway-b": other settings, or another
# build) runs beside it and is measured interleaved with the others, for A/B comparisons.
start_gateway() {
  GATEWAY_PORT=$(free_port)
  launch_gateway gateway "$GATEWAY_PORT" "$ROOT/Gateway/bin/Release/net10.0/Gateway.dll" ""
  GATEWAY_PID=$LAUNCHED_PID
  if [ -n "${BENCH_B_ENV:-}${BENCH_B_DLL:-}" ]; then
    GATEWAY_B_PORT=$(free_port)
    launch_gateway gateway-b "$GATEWAY_B_PORT" "${BENCH_B_DLL:-$ROOT/Gateway/bin/Release/net10.0/Gateway.dll}" "${BENCH_B_ENV:-}"
    GATEWAY_B_PID=$LAUNCHED_PID
    TARGETS="direct bare gateway gateway-b"
  fi
}

launch_gateway() { # name port dll extra-env
  mkdir -p "$WORK/$1"
  # shellcheck disable=SC2086 # extra env is a list of NAME=value words
  (cd "$WORK/$1" && exec env ${BENCH_ENV:-} \
    "Urls=http://127.0.0.1:$2" \
    "ConnectionStrings__Gateway=Data Source=$WORK/$1/gateway.db" \
    "Gateway__AdminKey=$ADMIN_KEY" \
    "ReverseProxy__Clusters__openai__Destinations__default__Address=http://127.0.0.1:$NGINX_PORT/" \
    "ReverseProxy__Clusters__openai__Metadata__ApiKey=sk-bench-upstream" \
    "ReverseProxy__Clusters__sse__Destinations__default__Address=http://127.0.0.1:$NGINX_PORT/sse/" \
    "ReverseProxy__Clusters__sse__Metadata__ApiKey=sk-bench-upstream" \
    "ReverseProxy__Clusters__paced__Destinations__default__Address=http://127.0.0.1:$PACED_PORT/" \
    "ReverseProxy__Clusters__paced__Metadata__ApiKey=sk-bench-upstream" \
    "Models__bench-json__Cluster=openai" "Models__bench-json__ModelRatio=0.075" "Models__bench-json__CompletionRatio=4" \
    "Models__bench-sse__Cluster=sse" "Models__bench-sse__ModelRatio=0.075" "Models__bench-sse__CompletionRatio=4" \
    "Models__bench-paced__Cluster=paced" "Models__bench-paced__ModelRatio=0.075" "Models__bench-paced__CompletionRatio=4" \
    "ReverseProxy__Clusters__xlat__Destinations__default__Address=http://127.0.0.1:$NGINX_PORT/anthropic/" \
    "ReverseProxy__Clusters__xlat__Metadata__ApiKey=sk-bench-upstream" "ReverseProxy__Clusters__xlat__Metadata__Format=anthropic" \
    "ReverseProxy__Clusters__xlatsse__Destinations__default__Address=http://127.0.0.1:$NGINX_PORT/anthropic-sse/" \
    "ReverseProxy__Clusters__xlatsse__Metadata__ApiKey=sk-bench-upstream" "ReverseProxy__Clusters__xlatsse__Metadata__Format=anthropic" \
    "Models__bench-xlat-json__Cluster=xlat" "Models__bench-xlat-json__ModelRatio=0.075" "Models__bench-xlat-json__CompletionRatio=4" \
    "Models__bench-xlat-sse__Cluster=xlatsse" "Models__bench-xlat-sse__ModelRatio=0.075" "Models__bench-xlat-sse__CompletionRatio=4" \
    "ReverseProxy__Clusters__pacedxlat__Destinations__default__Address=http://127.0.0.1:$PACED_PORT/" \
    "ReverseProxy__Clusters__pacedxlat__Metadata__ApiKey=sk-bench-upstream" "ReverseProxy__Clusters__pacedxlat__Metadata__Format=anthropic" \
    "Models__bench-paced-xlat__Cluster=pacedxlat" "Models__bench-paced-xlat__ModelRatio=0.075" "Models__bench-paced-xlat__CompletionRatio=4" \
    $4 dotnet "$3") >"$WORK/$1.log" 2>&1 &
  PIDS+=($!); LAUNCHED_PID=$!
  wait_http "http://127.0.0.1:$2/healthz" "$1"
}

admin() { # method path [json] — on the gateway, or on the one at $ADMIN_PORT
  curl -sf -X "$1" "http://127.0.0.1:${ADMIN_PORT:-$GATEWAY_PORT}$2" -H "Authorization: Bearer $ADMIN_KEY" \
    -H 'content-type: application/json' ${3:+-d "$3"}
}

json_field() { sed -n "s/.*\"$1\":\"\{0,1\}\([^\",}]*\).*/\1/p"; }

create_account_and_key() {
  ACCOUNT_ID=$(admin POST /admin/accounts "{\"name\":\"bench\",\"balance\":$START_BALANCE_USD}" | json_field id)
  KEY=$(admin POST /admin/keys "{\"account_id\":$ACCOUNT_ID,\"name\":\"bench\"}" | json_field key)
  [ -n "$KEY" ] || { echo "could not create a key" >&2; exit 1; }
  if [ -n "${GATEWAY_B_PORT:-}" ]; then
    ADMIN_PORT=$GATEWAY_B_PORT admin POST /admin/accounts "{\"name\":\"bench\",\"balance\":$START_BALANCE_USD}" >/dev/null
    KEY_B=$(ADMIN_PORT=$GATEWAY_B_PORT admin POST /admin/keys "{\"account_id\":$ACCOUNT_ID,\"name\":\"bench\"}" | json_field key)
  fi
}

write_bodies() {
  local messages='"messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"Say hello."}]'
  printf '{"model":"bench-json",%s}' "$messages" >"$WORK/json.body"
  printf '{"model":"bench-sse","stream":true,"stream_options":{"include_usage":true},%s}' "$messages" >"$WORK/sse.body"
  printf '{"model":"bench-paced","stream":true,"stream_options":{"include_usage":true},%s}' "$messages" >"$WORK/paced.body"
  # The same OpenAI requests to models whose cluster speaks Anthropic's format: translated both ways (BENCH_XLAT=1).
  printf '{"model":"bench-xlat-json",%s}' "$messages" >"$WORK/xlat-json.body"
  printf '{"model":"bench-xlat-sse","stream":true,"stream_options":{"include_usage":true},%s}' "$messages" >"$WORK/xlat-sse.body"
  printf '{"model":"bench-paced-xlat","stream":true,"stream_options":{"include_usage":true},%s}' "$messages" >"$WORK/paced-xlat.body"
}

url_of() { # target body
  local path=/v1/chat/completions
  case $1/$2 in
    direct/json) echo "http://127.0.0.1:$NGINX_PORT$path" ;;
    direct/sse) echo "http://127.0.0.1:$NGINX_PORT/sse$path" ;;
    direct/paced) echo "http://127.0.0.1:$PACED_PORT$path" ;;
    bare/json) echo "http://127.0.0.1:$BARE_PORT$path" ;;
    bare/sse) echo "http://127.0.0.1:$BARE_PORT/sse$path" ;;
    bare/paced) echo "http://127.0.0.1:$BARE_PORT/paced$path" ;;
    gateway/*) echo "http://127.0.0.1:$GATEWAY_PORT$path" ;;
    gateway-b/*) echo "http://127.0.0.1:$GATEWAY_B_PORT$path" ;;
    gateway-pg/*) echo "http://127.0.0.1:$GATEWAY_PG_PORT$path" ;;
    gateway-pg3/*) echo "http://127.0.0.1:${GATEWAY_PG3_PORTS[0]}$path" ;;
    gateway-pg-b/*) echo "http://127.0.0.1:$GATEWAY_PG_B_PORT$path" ;;
    gateway-xlat/*) echo "http://127.0.0.1:$GATEWAY_PORT$path" ;;
  esac
}

key_of() {
  case $1 in
    gateway-b) echo "$KEY_B" ;;
    gateway-pg) echo "$KEY_PG" ;;
    gateway-pg3) echo "$KEY_PG3" ;;
    gateway-pg-b) echo "$KEY_PG_B" ;;
    *) echo "$KEY" ;;
  esac
}

# The processes whose CPU counts for a target: nginx master and workers; the proxy alone otherwise.
pids_of() {
  case $1 in
    direct) echo "$NGINX_PID $(pgrep -P "$NGINX_PID" | tr '\n' ' ')" ;;
    bare) echo "$BARE_PID" ;;
    gateway) echo "$GATEWAY_PID" ;;
    gateway-b) echo "$GATEWAY_B_PID" ;;
    gateway-pg) echo "$GATEWAY_PG_PID" ;;
    gateway-pg3) echo "${GATEWAY_PG3_PIDS[*]}" ;;
    gateway-pg-b) echo "$GATEWAY_PG_B_PID" ;;
    gateway-xlat) echo "$GATEWAY_PID" ;;
  esac
}

# utime + stime of one /proc stat file (fields 14 and 15, counted after the command name, which may hold spaces);
# with "children", also the times of the children it has reaped (fields 16 and 17).
stat_ticks() { # stat file [children]
  local stat with=${2:-}
  stat=$(cat "$1" 2>/dev/null) || { echo 0; return; }
  stat=${stat##*) }
  set -- $stat
  if [ "$with" = children ]; then echo $(( ${12} + ${13} + ${14} + ${15} )); else echo $(( ${12} + ${13} )); fi
}

cpu_ticks() { # pids: summed
  local total=0 pid
  for pid in "$@"; do
    total=$(( total + $(stat_ticks "/proc/$pid/stat") ))
  done
  echo "$total"
}

# CPU of the runtime's tiered-compilation thread (its name cut to 15 characters): above a few µs a request in a
# measured round, the round still measures the JIT recompiling hot code, not the proxy (the warm-up was too short).
# One "task ticks" line per such thread.
jit_threads() { # pids
  local task comm
  for task in $(for pid in "$@"; do echo /proc/"$pid"/task/*; done); do
    read -r comm <"$task/comm" 2>/dev/null || continue
    [ "$comm" = ".NET Tiered Com" ] || continue
    echo "$task $(stat_ticks "$task/stat")"
  done
}

# The JIT's ticks since a jit_threads snapshot, thread by thread: the runtime ends an idle compilation thread and
# starts another later, and a sum over the live ones went negative when one ended. One that ended in between
# takes its ticks with it, so a round can be undercounted, never negative.
jit_ticks_since() { # snapshot pids
  local -A before=()
  local task ticks total=0
  while read -r task ticks; do
    [ -n "$task" ] && before[$task]=$ticks
  done <<<"$1"
  shift
  while read -r task ticks; do
    total=$(( total + ticks - ${before[$task]:-0} ))
  done < <(jit_threads "$@")
  echo "$total"
}

rss_kb() { # pids
  local total=0 pid kb
  for pid in "$@"; do
    kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    total=$(( total + ${kb:-0} ))
  done
  echo "$total"
}

run_wrk() { # round target body conns seconds
  local round=$1 target=$2 body=$3 conns=$4 seconds=$5 pids before after jit_before out line wrk_cpu
  pids=$(pids_of "$target")
  before=$(cpu_ticks $pids); jit_before=$(jit_threads $pids)
  # The PostgreSQL targets: the server's CPU too (every process of the cluster, the rollup fold included).
  local db_before=0 db_after=0
  [[ $target == gateway-pg* ]] && db_before=$(postgres_ticks)
  # wrk's own CPU too (bash's time: user and system seconds): it shares the two cores with the proxy and nginx.
  # One connection: bench/latency/onecon (wrk's latencies there add up to more than the run's wall time).
  local url hostpath file="$WORK/$body.body"
  url=$(url_of "$target" "$body"); hostpath=${url#http://127.0.0.1:}
  # The translation target: the same gateway and request, to a model whose cluster speaks Anthropic's format.
  [ "$target" = gateway-xlat ] && file="$WORK/xlat-$body.body"
  # Three instances share the load of many connections; at one connection there is nothing to share.
  [ "$target" = gateway-pg3 ] && [ "$conns" = 1 ] && return
  out=$( { TIMEFORMAT='WRKCPU %3U %3S'; if [ "$target" = gateway-pg3 ]; then
      time run_wrk_three "$body" "$conns" "$seconds"
    elif [ "$conns" = 1 ]; then
      time "$WORK/onecon" "${hostpath%%/*}" "/${hostpath#*/}" "$file" "$(key_of "$target")" "$seconds"
    else
      time BENCH_BODY_FILE="$file" BENCH_KEY="$(key_of "$target")" \
        wrk -t1 -c"$conns" -d"${seconds}s" --timeout 5s -s "$BENCH/proxy/post.lua" "$url"
    fi; } 2>&1) \
    || { echo "$out" >&2; exit 1; }
  after=$(cpu_ticks $pids)
  [[ $target == gateway-pg* ]] && db_after=$(postgres_ticks)
  local jit; jit=$(jit_ticks_since "$jit_before" $pids)
  wrk_cpu=$(awk '/^WRKCPU / { printf "%.0f", ($2 + $3) * 1e6 }' <<<"$out")
  line=$(grep '^RESULT ' <<<"$out") || { echo "$out" >&2; exit 1; }
  eval "local ${line#RESULT }"
  local ledger; ledger=$(ledger_of "$target")
  if [ -n "$ledger" ]; then
    SENT[$ledger]=$(( ${SENT[$ledger]:-0} + requests ))
    local open=$conns; [ "$target" = gateway-pg3 ] && open=$(( 3 * $(pg3_connections_each "$conns") ))
    INFLIGHT_BOUND[$ledger]=$(( ${INFLIGHT_BOUND[$ledger]:-0} + open + socket_errors ))
  fi
  [ "$round" = warmup ] && return
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$target" "$body" "$conns" "$requests" \
    "$duration_us" "$p50_us" "$p99_us" "$non2xx" "$socket_errors" $(( after - before )) "$(rss_kb $pids)" "${wrk_cpu:-0}" "$jit" \
    $(( db_after - db_before )) >>"$RESULTS"
}

run_probe() { # round target count
  local out
  # gateway-xlat: the same OpenAI request to a model whose cluster speaks Anthropic's format (the paced
  # upstream answers in Anthropic's events there); TTFT is read on the client's side of the translation.
  local body=$WORK/paced.body
  [ "$2" = gateway-xlat ] && body=$WORK/paced-xlat.body
  out=$(dotnet "$BENCH/Ttft/bin/Release/net10.0/Ttft.dll" probe "$2" "$(url_of "$2" paced)" "$(key_of "$2")" "$body" "$3") \
    || { echo "$out" >&2; exit 1; }
  echo "$out" >>"$PROBES"
  local ledger; ledger=$(ledger_of "$2")
  if [ -n "$ledger" ]; then
    local completed
    completed=$(sed -n 's/.* completed=\([0-9]*\).*/\1/p' <<<"$out")
    SENT[$ledger]=$(( ${SENT[$ledger]:-0} + completed ))
  fi
}

machine_line() {
  log "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs), $(free -h | awk '/^Mem:/ {print $2}') memory, load $(cut -d' ' -f1-3 /proc/loadavg)"
}

rss_line() {
  echo "$1" "$(rss_kb "$BARE_PID")" "$(rss_kb "$GATEWAY_PID")" >>"$WORK/rss.txt"
  [ -z "${GATEWAY_B_PID:-}" ] || echo "$1 (gateway-b)" "$(rss_kb "$BARE_PID")" "$(rss_kb "$GATEWAY_B_PID")" >>"$WORK/rss.txt"
  parts_rows "$1"
}

parts_rows() { # label
  parts_row "$1" bare "$BARE_PID" ""
  parts_row "$1" gateway "$GATEWAY_PID" "$GATEWAY_PORT"
  [ -z "${GATEWAY_B_PID:-}" ] || parts_row "$1" gateway-b "$GATEWAY_B_PID" "$GATEWAY_B_PORT"
}

# What the RSS consists of (docs/BENCHMARKS.md, Memory): anonymous (GC heap, malloc'd memory such as
# SQLite's page caches), file-backed (mapped assemblies and native libraries), shared memory (the JIT's
# double-mapped code and stubs under W^X), and for a gateway the GC's own committed size and large-object
# heap from /metrics (a loaded tokenizer shows as ~30 MB of LOH).
parts_row() { # label target pid [gateway port]
  local gc="–" loh="–" metrics
  if [ -n "$4" ] && metrics=$(curl -s -m 2 -H "Authorization: Bearer $ADMIN_KEY" "http://127.0.0.1:$4/metrics"); then
    gc=$(awk '/^system_runtime_dotnet_gc_last_collection_memory_committed_size / {printf "%.0f", $2 / 1048576}' <<<"$metrics")
    loh=$(awk '/^system_runtime_dotnet_gc_last_collection_heap_size\{gc_heap_generation="loh"\}/ {printf "%.0f", $2 / 1048576}' <<<"$metrics")
  fi
  awk -v label="$1" -v target="$2" -v gc="$gc" -v loh="$loh" '
    /^(VmRSS|RssAnon|RssFile|RssShmem):/ {v[$1] = $2 / 1024}
    END {printf "| %s | %s | %.0f | %.0f | %.0f | %.0f | %s | %s |\n", label, target, v["VmRSS:"], v["RssAnon:"], v["RssFile:"], v["RssShmem:"], gc, loh}
  ' "/proc/$3/status" >>"$WORK/rss-parts.txt"
}

# RSS of the gateway under a steady SSE load, sampled every 10 s (issue 6: level over a soak), then
# idle for 60 s after it (issue 6: back down after). With a gateway-b, both are soaked side by side
# (two wrk at once), so an A/B of a memory setting covers the soak too. MB columns: VmRSS, then the
# anonymous part of it (GC heap, malloc'd memory such as SQLite's page caches, JIT code) from smaps_rollup.
soak() {
  log "soak: ${1}s of SSE at 50 connections through the gateway${GATEWAY_B_PID:+ and gateway-b}"
  local end=$(( SECONDS + $1 )) t b
  while [ $SECONDS -lt "$end" ]; do
    b=""
    [ -z "${GATEWAY_B_PID:-}" ] || { run_wrk warmup gateway-b sse 50 10 & b=$!; }
    run_wrk warmup gateway sse 50 10
    [ -z "$b" ] || wait "$b"   # only that wrk: the servers are background jobs of this shell too
    soak_row "$(( $1 - end + SECONDS )) s"
  done
  parts_rows "end of soak"
  for t in 10 30 60; do
    sleep $(( t == 10 ? 10 : t == 30 ? 20 : 30 ))
    soak_row "idle +$t s"
  done
}

soak_row() { # label
  local row="| $1 | $(rss_parts "$GATEWAY_PID")"
  [ -z "${GATEWAY_B_PID:-}" ] || row="$row | $(rss_parts "$GATEWAY_B_PID")"
  echo "$row |" >>"$WORK/soak.txt"
}

rss_parts() { # pid: "RSS MB | anonymous MB"
  awk '/^Rss:/ {r = $2} /^Anonymous:/ {a = $2} END {printf "%.0f | %.0f", r / 1024, a / 1024}' "/proc/$1/smaps_rollup"
}

source "$BENCH/proxy/report.sh"
