#!/bin/sh
# test_cluster.sh - replicas behind nginx, as hosts in network namespaces
#
# Copyright (c) 2026 The migsearch authors
# SPDX-License-Identifier: MIT
#
# Usage: test_cluster.sh BINARY_DIR SOURCE_DIR
# Hosts (lib.sh: one network namespace each, on a private bridge; the
# machine's own network is never touched):
#   idx 10.77.0.10  migsearch-index, xapian-replicate-server and
#                   `migsearch-replica publish`; its own migsearch-fcgi on TCP
#                   gives the answers the cluster must equal
#   s1  10.77.0.11  `migsearch-replica follow` + migsearch-fcgi on TCP
#   s2  10.77.0.12  the same
#   sh1 10.77.0.21  shard hosts (shards.sh): xapian-tcpsrv over shards of a
#   sh2 10.77.0.22  second, sharded index of the indexing host; s1 and s2
#                   run a second migsearch-fcgi (:9001) over them
#   web 10.77.0.20  nginx: the API (nginx.conf.example rendered) with an
#                   upstream over s1 and s2, and one probe port per host;
#                   a second nginx the same over the sharded servers (8081)
# Checks, each printing its figures:
#   (a) answers through nginx equal the indexing host's own (ids, totals,
#       facets), anonymous and for a group that sees a restricted partition
#   (b) load through nginx while s1's migsearch-fcgi is killed (SIGKILL) and
#       restarted: zero failed requests; the failover time
#   (c) a document added and indexed under load reaches both replicas within
#       LAG_LIMIT seconds (the lag measured, and as /health reports it), by
#       changesets and then by a full copy, with zero failed requests
#   (d) a --rebuild under load switches both hosts to the new generation with
#       zero failed requests
#   (e) to (h), over the shard hosts: see shards.sh
#   (i), (j), a sharded rebuild and a new access set followed: follow.sh
# Needs root (network namespaces); without it, says why and is skipped
# (exit 77). To add a kind of host: a start_<kind>_host function below and
# a cluster_host line in main.
set -u
build=$(realpath "$1") src=$(realpath "$2")
here=$(dirname "$(realpath "$0")")
LAG_LIMIT=30
passed=0 failed=0

skip() {
    echo "test_cluster: SKIPPED: $*"
    echo "cluster: 0 passed, 0 failed"
    exit 77
}
[ "$(id -u)" = 0 ] || skip "needs root to make network namespaces (run make test as root)"
for tool in ip nginx wrk jq curl xapian-replicate xapian-replicate-server xapian-metadata xapian-tcpsrv xapian-delve; do
    command -v "$tool" >/dev/null || { echo "test_cluster: FAIL: $tool not installed (config/deps.sh test)"; exit 1; }
done

. "$here/lib.sh"
. "$here/shards.sh"
. "$here/follow.sh"
tmp=$(mktemp -d /tmp/ms-cluster.XXXXXX)
finish() {
    cluster_cleanup
    if [ -n "${MS_TEST_LEAVE:-}" ]; then echo "test_cluster: left $tmp"; else rm -rf "$tmp"; fi
}
trap finish EXIT
trap 'exit 1' INT TERM HUP

replica=$src/packaging/cluster/migsearch-replica
fcgi=$build/fcgi/migsearch-fcgi
indexer=$build/indexer/migsearch-index
export XAPIAN_MAX_CHANGESETS=50 # the indexer keeps changesets for the replicas

ok() { echo "test_cluster: ok: $*"; passed=$((passed + 1)); }
bad() { echo "test_cluster: FAIL: $*"; failed=$((failed + 1)); }
now_ms() { date +%s%3N; }
# Whether more than LAG_LIMIT seconds have passed since FROM (now_ms).
past_lag_limit() { [ $(($(now_ms) - $1)) -gt $((LAG_LIMIT * 1000)) ]; }

# ---- host kinds ----

# A config for host NAME listening on ADDRESS:9000 for the nginx host.
write_config() {
    mkdir -p "$tmp/$1"
    cat >"$tmp/$1/config.yaml" <<YAML
index:
  path: $tmp/$1/index
  synonyms: ""
  jobs: 2
archive:
  path: $tmp/idx/archive
server:
  socket: $tmp/$1/unused.sock
  listen: "$2:9000"
  allow_addresses: "10.77.0.20"
  threads: 4
log:
  level: info
YAML
}

# Start migsearch-fcgi on host NAME; $spawned is its pid.
start_fcgi() {
    cluster_spawn "$1" "$tmp/$1/fcgi.log" "$fcgi" --config "$tmp/$1/config.yaml"
    eval "fcgi_$1=\$spawned"
}

start_indexing_host() {
    write_config idx 10.77.0.10
    cp -r "$src/tests/data/archive" "$tmp/idx/archive"
    # A restricted folder: a partition of its own (docs/index-schema.md).
    mkdir "$tmp/idx/archive/restricted"
    printf 'access: [cluster-staff]\n' >"$tmp/idx/archive/restricted/_defaults.yaml"
    printf -- '---\nid: cluster-board-notes\ntitle: Board notes on water\ntype: other\ndate: 2005-01-02\n---\nWater and sanitation at the board, restricted.\n' \
        >"$tmp/idx/archive/restricted/board-notes.md"
    cluster_exec idx "$indexer" --quiet --config "$tmp/idx/config.yaml" || return 1
    cluster_spawn idx "$tmp/idx/replicate-server.log" xapian-replicate-server -I 10.77.0.10 -p 7010 "$tmp/idx"
    cluster_spawn idx "$tmp/idx/publish.log" sh "$replica" publish "$tmp/idx/index" 0.5
    start_fcgi idx
}

start_search_host() {
    write_config "$1" "$2"
    cluster_spawn "$1" "$tmp/$1/follow.log" sh "$replica" follow 10.77.0.10 7010 "$tmp/$1/index" 0.5
    i=0
    until [ -L "$tmp/$1/index" ] || [ $i -ge 200 ]; do i=$((i + 1)); sleep 0.1; done
    [ -L "$tmp/$1/index" ] || { cat "$tmp/$1/follow.log"; return 1; }
    start_fcgi "$1"
}

# nginx on the web host: PREFIX's config (nginx.conf.example rendered) on
# 127.0.0.1:PORT with an upstream over UPSTREAMS, and a probe port straight
# to each host of PROBES ("port:address:fcgi-port ...").
start_nginx() {
    sh "$src/config/render-nginx.sh" "$1" "$2" "$3" off "" testauth >/dev/null || return 1
    : >"$1/probes.conf"
    for probe in $4; do
        port=$(echo "$probe" | cut -d: -f1) address=$(echo "$probe" | cut -d: -f2-)
        cat >>"$1/probes.conf" <<CONF
server {
    listen 127.0.0.1:$port;
    location / {
        fastcgi_param REMOTE_USER \$http_x_test_user;
        fastcgi_param MS_GROUPS \$http_x_test_groups if_not_empty;
        include fastcgi_params;
        fastcgi_pass $address;
    }
}
CONF
    done
    sed -i 's#include migsearch.conf;#include migsearch.conf;\n    include probes.conf;#' "$1/nginx.conf"
    cluster_spawn web "$1/nginx.out" nginx -p "$1/" -c "$1/nginx.conf" -e "$1/error.log"
}

start_nginx_host() {
    start_nginx "$tmp/web" 8080 10.77.0.11:9000,10.77.0.12:9000 \
        "8100:10.77.0.10:9000 8101:10.77.0.11:9000 8102:10.77.0.12:9000"
}

# ---- clients, all on the nginx host ----

# GET PATH on PORT (8080: the cluster; 8100-8102: one host), as GROUPS.
get() {
    cluster_exec web curl -s -m 10 -H "X-Test-User: tester" -H "X-Test-Groups: ${3:-}" \
        "http://127.0.0.1:$1$2"
}

wait_ready() {
    i=0
    until [ "$(get "$1" /health | jq -r .status 2>/dev/null)" = ok ] || [ $i -ge 150 ]; do
        i=$((i + 1)); sleep 0.1
    done
    [ $i -lt 150 ]
}

# Load: wrk with CONNECTIONS (default 16) for SECONDS over a mix of API
# requests to PORT (default 8080); its report in FILE.
start_load() {
    cat >"$tmp/paths.lua" <<'LUA'
local paths = {"/search?q=water", "/search?q=migration&type=report", "/health",
               "/suggest?q=wat", "/search?q=trafficking+return", "/search?q=remittances"}
local i = 0
request = function()
    i = i % #paths + 1
    return wrk.format("GET", paths[i])
end
LUA
    # --timeout as nginx's fastcgi_read_timeout: a slow answer is not a failure.
    cluster_spawn web "$2" wrk -t 2 -c "${4:-16}" -d "${1}s" --timeout 10s -s "$tmp/paths.lua" \
        "http://127.0.0.1:${3:-8080}"
    load_pid=$spawned
}

# "requests failures latency-max" of a wrk report: failures are non-2xx
# answers plus socket errors.
load_figures() {
    requests=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$1")
    non2xx=$(sed -n 's/.*Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$1")
    errors=$(sed -n 's/.*Socket errors: connect \([0-9]*\), read \([0-9]*\), write \([0-9]*\), timeout \([0-9]*\).*/\1 \2 \3 \4/p' "$1")
    sum=${non2xx:-0}
    for n in $errors; do sum=$((sum + n)); done
    max=$(awk '$1 == "Latency" {print $4}' "$1")
    echo "${requests:-0} $sum ${max:-?}"
}

# ---- checks ----

QUERIES='/search?q=water
/search?q=migration&per_page=20
/search?q=trafficking+return&type=report
/search?q=remittances&page=2&per_page=3
/search?q=%22return+migration%22
/search?q=water+sanitation&sort=date
/suggest?q=mig
/search?q=board+water'

# GET PATH on PORT as GROUPS, asked again (up to 3 times in all) while the
# answer is partial: a search that ran out of search.time_budget_ms on a
# loaded machine skips feedback, facets or snippets (docs/api.md, "Partial
# answers"), which is right but not comparable. Retries are counted in
# $partial_retries; an answer still partial is compared as it is.
get_whole() {
    tries=0
    while :; do
        answer=$(get "$1" "$2" "$3")
        tries=$((tries + 1))
        [ "$(echo "$answer" | jq -r '.partial // false' 2>/dev/null)" = true ] && [ $tries -lt 3 ] || break
        partial_retries=$((partial_retries + 1))
    done
    echo "$answer"
}

# (a), (e): the answers on PORT (nginx) equal the indexing host's own, of
# its unsharded index. With FACETS "may-skip", an answer that says
# skipped: ["facets"] (over remote shards, docs/architecture.md "Shards")
# is compared without its facets, and counted. Each answer that differs is
# printed beside the one wanted.
check_equal_answers() {
    check=$1 label=$2 port=$3 facets=${4:-}
    project='{total, ids: [.results[]?.id], suggestions, missing_shards,
              facets: (if (.skipped // []) | index("facets") then "skipped" else .facets end)}'
    n=0 differ=0 hits=0 skipped=0 partial_retries=0
    for groups in "" cluster-staff; do
        for query in $QUERIES; do
            want=$(get_whole 8100 "$query" "$groups" | jq -S "$project")
            got=$(get_whole "$port" "$query" "$groups" | jq -S "$project")
            if [ "$facets" = may-skip ] && [ "$(echo "$got" | jq -r .facets)" = skipped ]; then
                skipped=$((skipped + 1))
                want=$(echo "$want" | jq -S '.facets = "skipped"')
            fi
            n=$((n + 1))
            hits=$((hits + $(echo "$want" | jq '.ids | length')))
            if [ -z "$want" ] || [ "$want" != "$got" ]; then
                differ=$((differ + 1))
                echo "  differs ($groups): $query"
                echo "$want" >"$tmp/want.json"
                echo "$got" >"$tmp/got.json"
                diff "$tmp/want.json" "$tmp/got.json" | sed 's/^/    /' | head -40
            fi
        done
    done
    restricted=$(get "$port" '/search?q=board+notes' cluster-staff | jq -r '[.results[].id] | index("cluster-board-notes")')
    hidden=$(get "$port" '/search?q=board+notes' | jq -r '[.results[].id] | index("cluster-board-notes")')
    echo "cluster ($check) $label: $n answers compared ($hits result ids), $differ differ, facets not counted in $skipped, $partial_retries partial answers asked again; restricted document seen by its group: $restricted, by others: $hidden"
    if [ "$differ" = 0 ] && [ "$hits" -gt 20 ] && [ "$restricted" != null ] && [ "$hidden" = null ]; then
        ok "($check) $label: answers through nginx equal the indexing host's"
    else
        bad "($check) $label: $differ of $n answers differ (restricted=$restricted hidden=$hidden)"
    fi
}

check_kill_and_restart() {
    start_load 14 "$tmp/load-b.txt"
    sleep 3
    killed_at=$(now_ms)
    kill -9 "$fcgi_s1"
    # One client's view of the fault: each request's time, one after another.
    worst=0 probes=0 probe_failures=0
    while [ $(($(now_ms) - killed_at)) -lt 4000 ]; do
        line=$(get 8080 '/search?q=water' "" >/dev/null; cluster_exec web curl -s -o /dev/null -m 10 -w '%{http_code} %{time_total}' 'http://127.0.0.1:8080/search?q=migration')
        code=${line%% *} took=$(echo "${line#* }" | awk '{printf "%d", $1 * 1000}')
        probes=$((probes + 1))
        [ "$code" = 200 ] || probe_failures=$((probe_failures + 1))
        [ "$took" -gt "$worst" ] && worst=$took
    done
    restarted_at=$(now_ms)
    start_fcgi s1
    wait_ready 8101
    back=$(($(now_ms) - restarted_at))
    wait "$load_pid"
    served=$(grep -c 'status=200' "$tmp/s1/fcgi.log") served2=$(grep -c 'status=200' "$tmp/s2/fcgi.log")
    echo "cluster (b): answers so far (before and after the kill) by s1 $served, by s2 $served2"
    set -- $(load_figures "$tmp/load-b.txt")
    echo "cluster (b): $1 requests under load while s1 was killed and restarted, $2 failed (wrk max latency $3); a single client's $probes requests during the fault: $probe_failures failed, the slowest $worst ms (failover time); s1 answering again $back ms after its restart"
    if [ "$2" = 0 ] && [ "$probe_failures" = 0 ] && [ "$1" -gt 0 ]; then
        ok "(b) no failed request while a search host was killed"
    else
        bad "(b) $2 failed requests under load, $probe_failures of the single client's"
    fi
}

# Index document ID holding WORD on the indexing host (with
# XAPIAN_MAX_CHANGESETS as CHANGESETS, if given) and wait until both
# replicas find it; adds "sN LAG ms" to $report, the most to $worst.
reindex_and_wait() {
    printf -- '---\nid: %s\ntitle: A late addition\ntype: other\ndate: 2006-03-04\n---\nThe %s word appears in this document only.\n' \
        "$1" "$2" >"$tmp/idx/archive/reports/$1.md"
    cluster_exec idx env ${3:+XAPIAN_MAX_CHANGESETS=$3} \
        "$indexer" --quiet --config "$tmp/idx/config.yaml" || bad "(c) the update with $1 failed"
    committed=$(now_ms)
    for host in 8101 8102; do
        until [ "$(get $host "/search?q=$2" | jq -r '.results[0].id' 2>/dev/null)" = "$1" ] ||
            past_lag_limit "$committed"; do
            sleep 0.1
        done
        lag=$(($(now_ms) - committed))
        reported=$(get $host /health | jq -r .replication.lag_seconds)
        report="$report s$((host - 8100)) ${lag} ms (/health lag_seconds $reported);"
        [ "$lag" -gt "$worst" ] && worst=$lag
    done
}

# (c) Two updates under load: one the replicas take as changesets, in
# place; then one the indexer keeps no changeset for, which each replica
# takes as a full copy of the partition into its other folder, while
# xapian-replicate removes the old copy (a new view on each host).
check_reindex_lag() {
    start_load 20 "$tmp/load-c.txt"
    sleep 2
    worst=0 report=
    reindex_and_wait cluster-late-addition zyxcluster
    report="$report then a full copy:"
    views="$(readlink "$tmp/s1/index") $(readlink "$tmp/s2/index")"
    reindex_and_wait cluster-full-copy zyxfullcopy 0
    copied="$(readlink "$tmp/s1/index") $(readlink "$tmp/s2/index")"
    wait "$load_pid"
    set -- $(load_figures "$tmp/load-c.txt")
    echo "cluster (c): a new document searchable on every replica after at most $worst ms:$report views $views -> $copied; $1 requests under load, $2 failed"
    if [ "$worst" -le $((LAG_LIMIT * 1000)) ] && [ "$2" = 0 ] && [ "$1" -gt 0 ] &&
        [ "${views% *}" != "${copied% *}" ] && [ "${views#* }" != "${copied#* }" ]; then
        ok "(c) two reindexes (changesets, a full copy) reached every replica within $LAG_LIMIT s, no failed request"
    else
        bad "(c) replica lag $worst ms (limit $LAG_LIMIT s), $2 failed requests, views $views -> $copied"
    fi
}

check_rebuild_switch() {
    before=$(readlink "$tmp/idx/index")
    start_load 20 "$tmp/load-d.txt"
    sleep 2
    cluster_exec idx "$indexer" --quiet --rebuild --config "$tmp/idx/config.yaml" || bad "(d) the rebuild failed"
    switched=$(now_ms)
    after=$(readlink "$tmp/idx/index")
    report=
    for host in 8101 8102; do
        until [ "$(get $host /health | jq -r .replication.generation)" = "$after" ] ||
            past_lag_limit "$switched"; do
            sleep 0.1
        done
        report="$report s$((host - 8100)) after $(($(now_ms) - switched)) ms;"
    done
    wait "$load_pid"
    set -- $(load_figures "$tmp/load-d.txt")
    gen1=$(get 8101 /health | jq -r .replication.generation)
    gen2=$(get 8102 /health | jq -r .replication.generation)
    echo "cluster (d): --rebuild $before -> $after, switched on$report $1 requests under load, $2 failed"
    if [ "$gen1" = "$after" ] && [ "$gen2" = "$after" ] && [ "$before" != "$after" ] && [ "$2" = 0 ]; then
        ok "(d) the rebuild switched on every host with no failed request"
    else
        bad "(d) hosts on $gen1 and $gen2, want $after; $2 failed requests"
    fi
}

# ---- main ----

started=$(now_ms)
cluster_init || skip "cannot make network namespaces here (ip netns add failed)"
cluster_host idx 10.77.0.10 && cluster_host s1 10.77.0.11 && cluster_host s2 10.77.0.12 &&
    cluster_host sh1 10.77.0.21 && cluster_host sh2 10.77.0.22 &&
    cluster_host web 10.77.0.20 || { echo "test_cluster: FAIL: cannot make the hosts"; exit 1; }
start_indexing_host || { echo "test_cluster: FAIL: the indexing host did not start"; exit 1; }
start_search_host s1 10.77.0.11 && start_search_host s2 10.77.0.12 ||
    { echo "test_cluster: FAIL: a search host did not start"; exit 1; }
start_nginx_host || { echo "test_cluster: FAIL: nginx did not start"; exit 1; }
for port in 8100 8101 8102 8080; do
    wait_ready $port || { echo "test_cluster: FAIL: nothing ready on port $port"; tail -5 "$tmp"/*/fcgi.log "$tmp/web/error.log"; exit 1; }
done
start_shards || { echo "test_cluster: FAIL: the shard hosts did not start"; tail -5 "$tmp"/*/fcgi-sharded.log "$tmp"/sh*/*.log; exit 1; }
echo "cluster: 6 hosts up in $(($(now_ms) - started)) ms"

check_equal_answers a "at start" 8080
check_equal_answers e "over the remote shards" 8081
check_kill_and_restart
check_reindex_lag
check_rebuild_switch
check_equal_answers a "after the rebuild" 8080
check_shard_reindex
check_shard_new_access
check_shard_rebuild
check_equal_answers e "after the sharded rebuild" 8081 may-skip
check_shard_failover
check_shard_down

echo "cluster: finished in $(($(now_ms) - started)) ms"
if [ "$failed" != 0 ]; then
    for f in "$tmp"/s1/follow.log "$tmp"/s2/follow.log "$tmp"/s1/fcgi*.log \
        "$tmp"/s2/fcgi*.log "$tmp"/web/error.log; do
        [ -f "$f" ] && { echo "---- $f"; tail -15 "$f"; }
    done
fi
echo "cluster: $passed passed, $failed failed"
[ "$failed" = 0 ]
