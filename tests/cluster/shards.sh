# shards.sh - the shard hosts of the cluster test, and checks (e) to (h)
#
# Copyright (c) 2026 The migsearch authors
# SPDX-License-Identifier: MIT
#
# Sourced by test_cluster.sh (after lib.sh and its own helpers: get, ok,
# bad, now_ms, start_load, load_figures, wait_ready, start_nginx, $QUERIES).
# The indexing host writes a second index of the same archive with
# index.shards: 3, published like the first (`migsearch-replica publish`).
# Shard 0 (the index's metadata, synonyms and the spelling of its
# documents, docs/admins.md "Shards") stays on the search hosts; the two
# shard hosts serve the others with indexer/ms-shard-serve (xapian-tcpsrv):
#   sh1 10.77.0.21  shard 1 at 7100
#   sh2 10.77.0.22  shard 2 at 7200, and a replica of shard 1 at 7100
# each shard copied by replication from the indexing host (`migsearch-replica
# follow --shard K` into HOST/sindex, a link to a view of shard folders),
# served through that link. s1 and s2 follow shard 0 (the follower's
# default for a sharded index) and run a second migsearch-fcgi on :9001 over it and
# index.remote "1=sh1,sh2 2=sh2"; s1 with search.partial_shards true, s2
# false. A second nginx on the web host serves them at 8081 (upstream over
# both), with probes 8103 (s1) and 8104 (s2). Checks, each printing its
# figures:
#   (e) answers through nginx over the shards equal the indexing host's own
#       over its unsharded index (ids and order, totals, suggestions, facets
#       where counted), anonymous and for the restricted group
#   (f) sh1's xapian-tcpsrv killed (SIGKILL) under load: shard 1 fails over
#       to sh2, zero failed requests, whole answers; the failover time
#   (g) then sh2 killed, shard 2's only host: every answer is s1's partial
#       one (missing_shards [2]) or s2's 503 shard_down, within the budget
#   (h) documents indexed into the sharded index are searchable through
#       nginx within LAG_LIMIT seconds, and in every copy of their shard

SHARD_BUDGET_MS=4000 # search.time_budget_ms of the sharded servers
SHARD_MARGIN_MS=1000 # for curl, nginx and the sanitizers around it

# Wait up to 20 s for FILE to exist.
wait_file() {
    i=0
    until [ -e "$1" ] || [ $i -ge 200 ]; do i=$((i + 1)); sleep 0.1; done
    [ -e "$1" ]
}

start_sharded_index() {
    cat >"$tmp/idx/sharded.yaml" <<YAML
index:
  path: $tmp/idx/sindex
  synonyms: ""
  jobs: 2
  shards: 3
archive:
  path: $tmp/idx/archive
server:
  socket: $tmp/idx/unused-sharded.sock
log:
  level: info
YAML
    cluster_exec idx "$indexer" --quiet --config "$tmp/idx/sharded.yaml" || return 1
    cluster_spawn idx "$tmp/idx/publish-sharded.log" sh "$replica" publish "$tmp/idx/sindex" 0.5
}

# Keep the shards "--shard K ..." ARGS name (none: shard 0) of the sharded
# index in HOST/sindex on host NAME, with the real follower; its pid in
# follower_NAME.
follow_shards() {
    host=$1
    shift
    mkdir -p "$tmp/$host"
    cluster_spawn "$host" "$tmp/$host/follow-sharded.log" sh "$replica" follow "$@" \
        10.77.0.10 7010 "$tmp/$host/sindex" 0.5
    eval "follower_$host=\$spawned"
    wait_file "$tmp/$host/sindex" || { cat "$tmp/$host/follow-sharded.log"; return 1; }
}

# ms-shard-serve of shard K on host NAME (ADDRESS:7K00), through the
# follower's link; its pid in serve_NAME_K.
serve_shard() {
    cluster_spawn "$1" "$tmp/$1/serve-$2.log" sh "$src/indexer/ms-shard-serve" "$tmp/$1/sindex/shard-$2" "7${2}00" "$3"
    eval "serve_$1_$2=\$spawned"
}

# start_shard_host NAME ADDRESS SHARD...
start_shard_host() {
    host=$1 at=$2
    shift 2
    args=
    for k in "$@"; do args="$args --shard $k"; done
    follow_shards "$host" $args || return 1
    for k in "$@"; do
        wait_file "$tmp/$host/sindex/shard-$k/XAPIANDB" || return 1
        serve_shard "$host" "$k" "$at"
    done
}

# SIGKILL every xapian-tcpsrv of host NAME, and the ms-shard-serve over them.
kill_shard_host() {
    for k in 1 2; do
        eval "pid=\${serve_$1_$k:-}"
        [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
    done
    # Again until none is left: a server may fork a connection's child
    # between the listing and its own end.
    i=0
    while [ -n "$(tcpsrv_pids "$1")" ] && [ $i -lt 50 ]; do
        for pid in $(tcpsrv_pids "$1"); do kill -9 "$pid" 2>/dev/null; done
        i=$((i + 1)); sleep 0.1
    done
}

# The xapian-tcpsrv processes of host NAME still running (not zombies).
tcpsrv_pids() {
    for pid in $(ip netns pids "$(cluster_ns "$1")"); do
        stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
        case "$stat" in *"(xapian-tcpsrv) "[!Z]*) echo "$pid" ;; esac
    done
}

# The second migsearch-fcgi of search host NAME, on ADDRESS:9001, with
# search.partial_shards PARTIAL.
start_sharded_search() {
    follow_shards "$1" || return 1
    wait_file "$tmp/$1/sindex/shard-0/XAPIANDB" || return 1
    cat >"$tmp/$1/sharded.yaml" <<YAML
index:
  path: $tmp/$1/sindex
  synonyms: ""
  remote: "1=10.77.0.21:7100,10.77.0.22:7100 2=10.77.0.22:7200"
  remote_timeout_ms: 1000
  remote_connect_timeout_ms: 250
  remote_reprobe_s: 1
archive:
  path: $tmp/idx/archive
server:
  socket: $tmp/$1/unused-sharded.sock
  listen: "$2:9001"
  allow_addresses: "10.77.0.20"
  threads: 4
search:
  time_budget_ms: $SHARD_BUDGET_MS
  partial_shards: $3
log:
  level: info
YAML
    cluster_spawn "$1" "$tmp/$1/fcgi-sharded.log" "$fcgi" --config "$tmp/$1/sharded.yaml"
}

start_shards() {
    start_sharded_index || { echo "test_cluster: the sharded index failed"; return 1; }
    start_shard_host sh1 10.77.0.21 1 && start_shard_host sh2 10.77.0.22 2 1 || return 1
    start_sharded_search s1 10.77.0.11 true && start_sharded_search s2 10.77.0.12 false || return 1
    start_nginx "$tmp/web-shards" 8081 10.77.0.11:9001,10.77.0.12:9001 \
        "8103:10.77.0.11:9001 8104:10.77.0.12:9001" || return 1
    for port in 8103 8104 8081; do
        wait_ready $port || { echo "test_cluster: nothing ready on port $port"; return 1; }
    done
}

# "shard:endpoint:up ..." of /health on PORT.
shard_states() {
    get "$1" /health | jq -r '[.shards[]? | "\(.shard):\(.endpoint):\(.state)"] | join(" ")'
}

# (f) the host of shard 1 killed under load: shard 1 fails over to its
# replica on sh2 and no request fails or answers partial.
check_shard_failover() {
    whole_total=$(get 8081 "/search?q=migration&per_page=20" | jq -c .total)
    # 8 connections: 16 kept the sanitized servers of this 2-core machine
    # near their budget, and a search out of time is a 503 (over_budget).
    start_load 12 "$tmp/load-f.txt" 8081 8
    sleep 2
    killed_at=$(now_ms)
    kill_shard_host sh1
    worst=0 probes=0 broken=0
    # For 4 s after the kill and at least 4 searches: under load one
    # failover search alone has taken 2.5 s of the 4.
    while [ $(($(now_ms) - killed_at)) -lt 4000 ] || [ "$probes" -lt 4 ]; do
        line=$(cluster_exec web curl -s -m 10 -o "$tmp/f.json" -w '%{http_code} %{time_total}' \
            'http://127.0.0.1:8081/search?q=migration&per_page=20')
        took=$(echo "${line#* }" | awk '{printf "%d", $1 * 1000}')
        probes=$((probes + 1))
        if [ "${line%% *}" != 200 ] || [ "$(jq -r '.missing_shards // [] | length' "$tmp/f.json")" != 0 ] ||
            [ "$(jq -c '.total' "$tmp/f.json")" != "$whole_total" ]; then
            broken=$((broken + 1))
        fi
        [ "$took" -gt "$worst" ] && worst=$took
    done
    wait "$load_pid"
    # Nothing of shard 1's first host left: the whole answers came through
    # the replica. (/health's states are each worker's own, so only shown.)
    left=$(tcpsrv_pids sh1 | wc -l)
    states="s1: $(shard_states 8103); s2: $(shard_states 8104)"
    set -- $(load_figures "$tmp/load-f.txt")
    echo "cluster (f): sh1's xapian-tcpsrv killed: $1 requests under load, $2 failed (wrk max latency $3); a single client's $probes searches: $broken failed or not whole (total $(echo "$whole_total" | jq .estimate)), the slowest $worst ms (failover time); xapian-tcpsrv left on sh1: $left; shards then $states"
    if [ "$2" = 0 ] && [ "$broken" = 0 ] && [ "$1" -gt 0 ] && [ "$left" = 0 ]; then
        ok "(f) a shard host with a replica killed: no failed request, whole answers"
    else
        bad "(f) $2 failed under load, $broken of the single client's answers failed or were partial"
    fi
}

# (g) sh1 back, then sh2 (shard 2's only host) killed: s1 answers partial
# without shard 2, s2 503 shard_down, each within the budget.
check_shard_down() {
    serve_shard sh1 1 10.77.0.21
    sleep 1
    killed_at=$(now_ms)
    kill_shard_host sh2
    # Each search host is asked in turn through its own probe port (8103:
    # s1, partial answers; 8104: s2, 503). Through the upstream, nginx may
    # rest one host for fail_timeout after an error in (f), and every answer
    # would then come from the other.
    worst=0 partial=0 down=0 other=0 port=8104 probes=0
    while [ $(($(now_ms) - killed_at)) -lt 4000 ] || [ "$probes" -lt 4 ]; do
        probes=$((probes + 1))
        port=$((port == 8103 ? 8104 : 8103))
        line=$(cluster_exec web curl -s -m 10 -o "$tmp/g.json" -w '%{http_code} %{time_total}' \
            "http://127.0.0.1:$port/search?q=migration&per_page=20")
        took=$(echo "${line#* }" | awk '{printf "%d", $1 * 1000}')
        kind=$(jq -r '"\(.partial) \(.missing_shards) \(.error.code)"' "$tmp/g.json" | tr -d ' \n')
        case "$port ${line%% *} $kind" in
        "8103 200 true[2]null") partial=$((partial + 1)) ;;
        "8104 503 nullnullshard_down") down=$((down + 1)) ;;
        *) other=$((other + 1)); echo "  unexpected from port $port: ${line%% *} $kind" ;;
        esac
        [ "$took" -gt "$worst" ] && worst=$took
    done
    echo "cluster (g): sh2 (shard 2, no replica) killed: $partial partial answers without shard 2, $down 503 shard_down, $other other; the slowest $worst ms (budget $SHARD_BUDGET_MS ms + $SHARD_MARGIN_MS); shards then s1: $(shard_states 8103)"
    if [ "$other" = 0 ] && [ "$partial" -gt 0 ] && [ "$down" -gt 0 ] &&
        [ "$worst" -le $((SHARD_BUDGET_MS + SHARD_MARGIN_MS)) ]; then
        ok "(g) a shard with no replica left: the configured partial answer or 503, in time"
    else
        bad "(g) $other unexpected answers, slowest $worst ms"
    fi
}

# (h) documents added and indexed into the sharded index reach the shard
# hosts: searchable through nginx within LAG_LIMIT seconds, and in the
# copies themselves. Shard 1 has two copies (sh1's, and sh2's replica) and a
# search may read either, so seeing the documents in a search does not mean
# both copies have them yet: the copies are read until they account for
# all four (shard 0's on s1, shard 1's on sh1, shard 2's on sh2) and the
# replica holds what sh1's copy does, within the same limit.
check_shard_reindex() {
    for i in 1 2 3 4; do
        printf -- '---\nid: cluster-shard-addition-%s\ntitle: A sharded addition\ntype: other\ndate: 2007-05-06\n---\nThe zyxshard word appears in these documents only.\n' \
            "$i" >"$tmp/idx/archive/reports/cluster-shard-addition-$i.md"
    done
    cluster_exec idx "$indexer" --quiet --config "$tmp/idx/sharded.yaml" || bad "(h) the update failed"
    committed=$(now_ms)
    until [ "$(get 8081 '/search?q=zyxshard' | jq -r .total.estimate 2>/dev/null)" = 4 ] ||
        past_lag_limit "$committed"; do
        sleep 0.1
    done
    lag=$(($(now_ms) - committed))
    endpoints="s1: $(shard_states 8103); s2: $(shard_states 8104)"
    held=no
    until { copies_hold_additions && held=yes; } || past_lag_limit "$committed"; do sleep 0.1; done
    copied=$(($(now_ms) - committed))
    echo "cluster (h): 4 new documents searchable through nginx over the shards after $lag ms (shards then $endpoints); in the copies after $copied ms: shard 0 on s1 $on0, shard 1 on sh1 $on1 and on sh2 $on1r, shard 2 on sh2 $on2"
    if [ "$lag" -le $((LAG_LIMIT * 1000)) ] && [ "$held" = yes ] && [ $((on1 + on2)) -gt 0 ]; then
        ok "(h) the reindex reached the shard hosts within $LAG_LIMIT s"
    else
        bad "(h) $lag ms; copies $on0 + $on1 + $on2 of 4 (replica of shard 1: $on1r)"
    fi
}

# The documents of the term zyxshard in database DIR (0 if it has none).
term_count() {
    xapian-delve -1 -t zyxshard "$1" 2>/dev/null | grep -c '^[0-9]'
}

# Whether the copies hold the four additions between them: on0, on1, on1r
# and on2 set to their counts.
copies_hold_additions() {
    on0=$(term_count "$tmp/s1/sindex/shard-0/public")
    on1=$(term_count "$tmp/sh1/sindex/shard-1/public")
    on1r=$(term_count "$tmp/sh2/sindex/shard-1/public")
    on2=$(term_count "$tmp/sh2/sindex/shard-2/public")
    [ $((on0 + on1 + on2)) = 4 ] && [ "$on1r" = "$on1" ]
}
