# The report of bench/run: the throughput/latency/CPU/RSS table, the ratios against issue 6's
# targets, the TTFT table, and the ledger check. Sourced by lib.sh.

# Across rounds: requests/s = Σ requests / Σ time; p50 and p99 = median of the rounds' figures;
# CPU per request = Σ CPU ticks / Σ requests (JIT: the tiered-compilation thread's share); RSS = the largest seen after a run.
print_report() {
  awk -F'\t' -v tck="$CLK_TCK" -v rss_file="$WORK/rss.txt" -v tlist="$TARGETS" '
    function median(list,   n, a, i, j, t) {
      n = split(list, a, " ")
      for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
      return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
    }
    {
      k = $2 SUBSEP $3 SUBSEP $4
      req[k] += $5; dur[k] += $6; p50[k] = p50[k] " " $7; p99[k] = p99[k] " " $8
      err[k] += $9 + $10; cpu[k] += $11; if ($12 > rss[k]) rss[k] = $12; wrk[k] += $13; jit[k] += $14; db[k] += $15
    }
    END {
      print "| target | body | conns | req/s | p50 ms | p99 ms | +p50 ms | +p99 ms | CPU µs/req | JIT µs/req | RSS MB | errors |"
      print "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
      nb = split("json sse", bodies, " "); nc = split("1 50", conns, " "); nt = split(tlist, targets, " ")
      for (b = 1; b <= nb; b++) for (c = 1; c <= nc; c++) {
        d = "direct" SUBSEP bodies[b] SUBSEP conns[c]
        for (t = 1; t <= nt; t++) {
          k = targets[t] SUBSEP bodies[b] SUBSEP conns[c]
          if (!(k in req)) continue
          rps[k] = req[k] / (dur[k] / 1e6); m50[k] = median(p50[k]) / 1000; m99[k] = median(p99[k]) / 1000
          cpr[k] = req[k] ? cpu[k] * 1e6 / tck / req[k] : 0; wpr[k] = req[k] ? wrk[k] / req[k] : 0
          added = targets[t] == "direct" ? "" : sprintf("%.3f | %.3f", m50[k] - median(p50[d]) / 1000, m99[k] - median(p99[d]) / 1000)
          if (added == "") added = "– | –"
          jpr = targets[t] == "direct" ? "–" : sprintf("%.1f", req[k] ? jit[k] * 1e6 / tck / req[k] : 0)
          printf "| %s | %s | %s | %.0f | %.3f | %.3f | %s | %.1f | %s | %.1f | %d |\n", targets[t], bodies[b], conns[c], rps[k], m50[k], m99[k], added, cpr[k], jpr, rss[k] / 1024, err[k]
        }
      }
      print ""
      for (t = 1; t <= nt; t++) {
        gw = targets[t]; if (gw !~ /^gateway/) continue
        print "| " gw " ÷ bare YARP | value | target | met |"
        print "|---|---:|---:|---|"
        ratio(gw, "json", 50, "throughput JSON @50", rps, 0.80, ">=")
        ratio(gw, "sse", 50, "throughput SSE @50", rps, 0.90, ">=")
        ratio(gw, "json", 50, "CPU/request JSON @50", cpr, 1.5, "<=")
        ratio(gw, "sse", 50, "CPU/request SSE @50", cpr, 1.5, "<=")
        ratio(gw, "json", 1, "CPU/request JSON @1", cpr, 1.5, "<=")
        ratio(gw, "sse", 1, "CPU/request SSE @1", cpr, 1.5, "<=")
        print ""
        # wrk, nginx and the proxy share the two cores and keep them busy at 50 connections, so a throughput
        # ratio is a ratio of their CPU a request: (wrk + nginx + bare) / (wrk + nginx + gateway).
        print "| " gw ": throughput target @50 | wrk + nginx + bare YARP, µs/req | gateway CPU it allows | gateway CPU now |"
        print "|---|---:|---:|---:|"
        budget(gw, "json", 0.80)
        budget(gw, "sse", 0.90)
        print ""
        json1 = gw SUBSEP "json" SUBSEP 1; sse1 = gw SUBSEP "sse" SUBSEP 1
        if (!(json1 in m50) && !(sse1 in m50)) continue   # gateway-pg3: many connections only
        print "| " gw " added over direct, 1 connection | ms | target | met |"
        print "|---|---:|---:|---|"
        for (b = 1; b <= nb; b++) {
          g = gw SUBSEP bodies[b] SUBSEP 1; d = "direct" SUBSEP bodies[b] SUBSEP 1; y = "bare" SUBSEP bodies[b] SUBSEP 1
          if (!(g in m50)) continue
          verdict("p50 " bodies[b] " (bare YARP: " sprintf("%.3f", m50[y] - m50[d]) ")", m50[g] - m50[d], 0.3)
          verdict("p99 " bodies[b] " (bare YARP: " sprintf("%.3f", m99[y] - m99[d]) ")", m99[g] - m99[d], 1.0)
        }
        print ""
      }
      # Issue 16 on PostgreSQL: three instances together, and what one instance adds to a request over SQLite.
      pg3 = "gateway-pg3" SUBSEP "json" SUBSEP 50; pg1 = "gateway-pg" SUBSEP "json" SUBSEP 1
      if ((pg3 in rps) || (pg1 in m50)) {
        print "| PostgreSQL | value | target | met |"
        print "|---|---:|---:|---|"
        for (b = 1; b <= nb; b++) {
          g = "gateway-pg3" SUBSEP bodies[b] SUBSEP 50
          if (g in rps) printf "| gateway-pg3 req/s summed, %s @50 | %.0f | ≥ 5000 | %s |\n", bodies[b], rps[g], (rps[g] >= 5000 ? "yes" : "NO")
        }
        for (b = 1; b <= nb; b++) {
          g = "gateway-pg" SUBSEP bodies[b] SUBSEP 1; q = "gateway" SUBSEP bodies[b] SUBSEP 1
          if ((g in m50) && (q in m50)) verdict("gateway-pg p50 over gateway (SQLite), " bodies[b] " @1, ms", m50[g] - m50[q], 1.0)
        }
        print ""
        # Where the machine goes at 50 connections: the two cores are shared by all of these (and nginx).
        print "| CPU a request @50, µs | req/s | gateway(s) | PostgreSQL | wrk | the three × req/s, cores |"
        print "|---|---:|---:|---:|---:|---:|"
        for (t = 1; t <= nt; t++) for (b = 1; b <= nb; b++) {
          g = targets[t] SUBSEP bodies[b] SUBSEP 50
          if (targets[t] !~ /^gateway-pg/ || !(g in rps) || !req[g]) continue
          dpr = db[g] * 1e6 / tck / req[g]
          printf "| %s %s | %.0f | %.1f | %.1f | %.1f | %.2f |\n", targets[t], bodies[b], rps[g], cpr[g], dpr, wpr[g], (cpr[g] + dpr + wpr[g]) * rps[g] / 1e6
        }
        print ""
      }
      while ((getline line < rss_file) > 0) {
        if (!rss_header++) { print "| RSS, idle | gateway − bare YARP | target | met |"; print "|---|---:|---:|---|" }
        n = split(line, f, " "); bare_kb = f[n-1]; gw_kb = f[n]; label = line; sub(/ [0-9]+ [0-9]+$/, "", label)
        printf "| %s: gateway %.0f MB, bare YARP %.0f MB | %.0f MB | ≤ 30 MB | %s |\n", label, gw_kb / 1024, bare_kb / 1024, (gw_kb - bare_kb) / 1024, (gw_kb - bare_kb) / 1024 <= 30 ? "yes" : "NO"
      }
    }
    function ratio(gw, body, conns, label, table, target, op,   g, y, v) {
      g = gw SUBSEP body SUBSEP conns; y = "bare" SUBSEP body SUBSEP conns
      if (!(g in table) || !(y in table) || table[y] == 0) return
      v = table[g] / table[y]
      printf "| %s | %.2f | %s %.2f | %s |\n", label, v, op == ">=" ? "≥" : "≤", target, (op == ">=" ? v >= target : v <= target) ? "yes" : "NO"
    }
    function budget(gw, body, target,   g, y, d, allowed) {
      g = gw SUBSEP body SUBSEP 50; y = "bare" SUBSEP body SUBSEP 50; d = "direct" SUBSEP body SUBSEP 50
      if (!(g in cpr) || !(y in cpr) || !(d in cpr) || wpr[y] == 0) return
      # the direct target: its CPU is nginx, master and worker
      allowed = (wpr[y] + cpr[d] + cpr[y]) / target - (wpr[g] + cpr[d])
      printf "| %s ≥ %.2f × bare | %.1f + %.1f + %.1f | %.1f µs (bare + %.1f) | %.1f µs (bare + %.1f) |\n", body, target, wpr[y], cpr[d], cpr[y], allowed, allowed - cpr[y], cpr[g], cpr[g] - cpr[y]
    }
    function verdict(label, value, target) {
      printf "| %s | %.3f | ≤ %.1f | %s |\n", label, value, target, value <= target ? "yes" : "NO"
    }
  ' "$RESULTS"
  echo
  print_ttft
  if [ -s "$WORK/soak.txt" ]; then
    echo
    if [ -n "${GATEWAY_B_PID:-}" ]; then
      echo "| soak: SSE @50 | gateway RSS MB | anon MB | gateway-b RSS MB | anon MB |"; echo "|---:|---:|---:|---:|---:|"
    else
      echo "| soak: SSE @50 | gateway RSS MB | anon MB |"; echo "|---:|---:|---:|"
    fi
    cat "$WORK/soak.txt"
  fi
  if [ -s "$WORK/rss-parts.txt" ]; then
    echo
    echo "| RSS parts, MB | target | RSS | anon | file | shmem | GC committed | GC LOH |"; echo "|---|---|---:|---:|---:|---:|---:|---:|"
    cat "$WORK/rss-parts.txt"
  fi
  return 0
}

print_ttft() {
  awk -v tlist="$TARGETS" '
    function median(list,   n, a, i, j, t) {
      n = split(list, a, " ")
      for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
      return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
    }
    /^TTFT / {
      for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
      t = f["name"]; n[t] += f["n"]
      for (m in f) if (m ~ /_p(50|99)$/) v[t, m] = v[t, m] " " f[m]
    }
    END {
      print "| paced SSE (first event at 100 ms, then every 20 ms) | requests | TTFT p50 ms | TTFT p99 ms | +TTFT p50 ms | transit p50 ms | +transit p50 ms | +transit p99 ms | event transit p99 ms |"
      print "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
      nt = split(tlist, targets, " ")
      for (i = 1; i <= nt; i++) {
        t = targets[i]; if (!(t in n)) continue
        add = t == "direct" ? "– | " : sprintf("%.3f | ", median(v[t, "ttft_p50"]) - median(v["direct", "ttft_p50"]))
        addt = t == "direct" ? "– | –" : sprintf("%.3f | %.3f", median(v[t, "transit_p50"]) - median(v["direct", "transit_p50"]), median(v[t, "transit_p99"]) - median(v["direct", "transit_p99"]))
        printf "| %s | %d | %.3f | %.3f | %s%.3f | %s | %.3f |\n", t, n[t], median(v[t, "ttft_p50"]), median(v[t, "ttft_p99"]), add, median(v[t, "transit_p50"]), addt, median(v[t, "event_p99"])
      }
      for (i = 1; i <= nt; i++) {
        if (targets[i] !~ /^gateway/) continue
        g = median(v[targets[i], "transit_p50"]) - median(v["direct", "transit_p50"])
        printf "\nadded time to first token (%s, transit p50): %.3f ms, target ≤ 1 ms: %s", targets[i], g, g <= 1 ? "met" : "NOT met"
      }
      print ""
    }
  ' "$PROBES"
}

# Nothing lost, per database (SQLite's, and with BENCH_PG=1 gateway-pg's and gateway-pg3's): every request a
# gateway answered has its row, and the balance moved by exactly the rows' spend. wrk stops with up to one request
# in flight per connection; the gateway still writes those rows (client gone), so rows may exceed the answered
# count by at most that many.
check_ledger() {
  sleep 1
  local total status=0
  # First: a read of the query API moves every row still in the SQLite inbox to the log.
  total=$(admin GET '/logs?page_size=1' | sed -n 's/.*"total":\([0-9]*\).*/\1/p')
  ledger_lines gateway "$ACCOUNT_ID" sqlite_query ", all rows via GET /logs: $total" || status=1
  if [ "${BENCH_PG:-0}" = 1 ]; then
    ledger_lines gateway-pg "$ACCOUNT_PG" "postgres_query bench_pg" || status=1
    ledger_lines gateway-pg3 "$ACCOUNT_PG3" "postgres_query bench_pg3" || status=1
    # Its runs are all at 50 connections (gateway-pg's include one-row commits at one connection): rows per commit.
    echo "ledger: gateway-pg3 rows a commit: $(postgres_query bench_pg3 \
      "SELECT round((SELECT count(*) FROM logs)::numeric / GREATEST(1, (SELECT count(*) FROM write_batches)), 1)")"
  fi
  return $status
}

# Accounts live in the ledger's file beside the log's (Metering/Storage/Sqlite/Engine/SqliteDatabase.cs).
sqlite_query() {
  local db="$WORK/gateway/gateway.db"
  sqlite3 -readonly -cmd "ATTACH '${db%.db}.ledger.db' AS ledger" "$db" "$1"
}

postgres_query() { # database sql
  runuser -u postgres -- "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$1" -Atc "$2"
}

# One database's two checks: a row for every request its clients saw answered (and no more than the requests
# a run's end may have cut), and balances that are the start less the rows' spend, to the nano-dollar.
ledger_lines() { # name accounts(comma-separated) query-command [more about the rows]
  local name=$1 accounts=$2 q=$3 rows ok spend balance start surplus status=0
  # $q unquoted: the query command may carry its database as a second word.
  rows=$($q "SELECT COUNT(*) FROM logs WHERE type <> 'system'")
  ok=$($q "SELECT COUNT(*) FROM logs WHERE type = 'consume' AND message IS NULL")
  spend=$($q "SELECT COALESCE(SUM(spend_nano), 0) FROM logs WHERE account_id IN ($accounts)")
  balance=$($q "SELECT SUM(balance_nano) FROM accounts WHERE id IN ($accounts)")
  start=$(( START_BALANCE_USD * 1000000000 * $(tr ',' '\n' <<<"$accounts" | wc -l) ))
  surplus=$(( rows - ${SENT[$name]:-0} ))
  echo
  echo "ledger: $name answered ${SENT[$name]:-0} requests; rows $rows (complete $ok${4:-}); surplus $surplus (cut at the end of a run, at most ${INFLIGHT_BOUND[$name]:-0})"
  if [ "$surplus" -lt 0 ] || [ "$surplus" -gt "${INFLIGHT_BOUND[$name]:-0}" ]; then
    echo "ledger: $name: LOST ROWS or phantom rows" >&2; status=1
  fi
  echo "ledger: $name balance $balance nano-USD = start $start − spend $spend: $([ $(( start - spend )) -eq "$balance" ] && echo yes || echo NO)"
  [ $(( start - spend )) -eq "$balance" ] || status=1
  return $status
}
