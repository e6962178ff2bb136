# follow.sh - checks (i) and (j) of the cluster test: the shard hosts and
# the search hosts follow a sharded index with nothing restarted by hand
#
# Copyright (c) 2026 The migsearch authors
# SPDX-License-Identifier: MIT
#
# Sourced by test_cluster.sh, after shards.sh (its hosts: sh1, sh2 serving
# shards 1 and 2 with `migsearch-replica follow --shard K` and
# indexer/ms-shard-serve over the follower's link; s1, s2 following shard
# 0 and searching the others remotely, behind nginx at 8081).
#   (j) a reindex that makes a new access set (a new partition in the
#       shards, so new ports on the shard hosts) reaches both search hosts
#       over every shard, for that group only, under load through nginx
#   (i) a sharded --rebuild (a new generation) reaches the shard hosts and
#       the search hosts and switches everywhere under load through nginx
#       with zero failed requests; the answers then equal those of the
#       unsharded index of the same archive
# In both the shard hosts' followers are held (SIGSTOP) until both search
# hosts have switched their own shard 0, then let go: the search hosts,
# which open their index again at their own switch, must then see by
# themselves that the remote shards changed under them (a shard host
# behind the others, the case a search host cannot learn of locally).
# Each prints its figures: the time to switch per host, requests, failed.

# Write N documents with WORD into FOLDER of the archive.
write_docs() {
    folder=$tmp/idx/archive/$1 word=$2 n=$3
    mkdir -p "$folder"
    i=1
    while [ $i -le "$n" ]; do
        printf -- '---\nid: cluster-%s-%s\ntitle: A %s document\ntype: other\ndate: 2008-07-08\n---\nThe %s word appears in these documents only.\n' \
            "$word" "$i" "$word" "$word" >"$folder/$word-$i.md"
        i=$((i + 1))
    done
}

# The time (ms after START) until PATH on PORT as GROUPS counts TOTAL
# documents, or "never" after LAG_LIMIT seconds.
time_until_total() {
    until [ "$(get "$1" "$2" "$3" | jq -r .total.estimate 2>/dev/null)" = "$4" ]; do
        past_lag_limit "$5" && { echo never; return 1; }
        sleep 0.1
    done
    echo $(($(now_ms) - $5))
}

# Hold (STOP) or let go (CONT) the followers of both shard hosts.
shard_followers() {
    kill -"$1" "$follower_sh1" "$follower_sh2"
}

# Wait until the followers of hosts HOST... have copied GENERATION with
# at least PARTS partitions; "HOST's copy N ms," for each, after START.
wait_copies() {
    gen=$1 want=$2 from=$3 copies=
    shift 3
    for host in "$@"; do
        until [ "$(jq -r '"\(.generation) \(.partitions)"' "$tmp/$host/sindex.replica" 2>/dev/null |
            awk -v g="$gen" -v n="$want" '$1 == g && $2 >= n {print "yes"}')" = yes ] ||
            past_lag_limit "$from"; do
            sleep 0.1
        done
        copies="$copies $host's copy $(($(now_ms) - from)) ms,"
    done
    echo "$copies"
}

# The partitions each shard host's ms-shard-serve has started so far.
served_lines() {
    cat "$tmp"/sh1/serve-*.log "$tmp"/sh2/serve-*.log 2>/dev/null | grep -c ' on 10\.77\.'
}

check_shard_new_access() {
    mkdir -p "$tmp/idx/archive/newset"
    printf 'access: [cluster-newset]\n' >"$tmp/idx/archive/newset/_defaults.yaml"
    write_docs newset zyxnewset 6
    before=$(served_lines)
    parts_before=$(grep -c '/a-' "$tmp/idx/sindex/XAPIANDB")
    start_load 12 "$tmp/load-j.txt" 8081 8
    sleep 1
    shard_followers STOP
    cluster_exec idx "$indexer" --quiet --config "$tmp/idx/sharded.yaml" || bad "(j) the update failed"
    committed=$(now_ms)
    gen=$(readlink "$tmp/idx/sindex")
    want=$(grep -c '^auto shard-0/' "$tmp/idx/sindex/XAPIANDB")
    copies=$(wait_copies "$gen" "$want" "$committed" s1 s2)
    released=$(now_ms)
    shard_followers CONT
    on1=$(time_until_total 8103 '/search?q=zyxnewset' cluster-newset 6 "$released")
    on2=$(time_until_total 8104 '/search?q=zyxnewset' cluster-newset 6 "$released")
    hidden=$(get 8081 '/search?q=zyxnewset' | jq -r .total.estimate)
    wait "$load_pid"
    set -- $(load_figures "$tmp/load-j.txt")
    servers=$(($(served_lines) - before))
    parts=$(($(grep -c '/a-' "$tmp/idx/sindex/XAPIANDB") - parts_before))
    echo "cluster (j): a new access set (6 documents, a new partition in $parts of the 3 shards) copied on the search hosts first ($copies the shard hosts held until then), then searchable for its group on s1 $on1 ms after the shard hosts' followers went on, on s2 after $on2 ms; seen by others: $hidden; ms-shard-serve started $servers servers (nothing restarted by hand); $1 requests under load, $2 failed"
    if [ "$on1" != never ] && [ "$on2" != never ] && [ "$hidden" = 0 ] && [ "$servers" -gt 0 ] && [ "$2" = 0 ]; then
        ok "(j) a new access set reached the remote shards with no restart by hand"
    else
        bad "(j) s1 $on1, s2 $on2, seen by others $hidden, $servers servers started, $2 failed"
    fi
}

check_shard_rebuild() {
    before=$(readlink "$tmp/idx/sindex")
    # Documents only the new generation has: a search counts them all only
    # once every shard it reads (local and remote) is the new one.
    write_docs rebuilt zyxrebuilt 6
    start_load 20 "$tmp/load-i.txt" 8081 8
    sleep 2
    shard_followers STOP
    cluster_exec idx "$indexer" --quiet --rebuild --config "$tmp/idx/sharded.yaml" ||
        bad "(i) the rebuild failed"
    switched=$(now_ms)
    after=$(readlink "$tmp/idx/sindex")
    report=$(wait_copies "$after" 1 "$switched" s1 s2)
    released=$(now_ms)
    shard_followers CONT
    report="$report$(wait_copies "$after" 1 "$switched" sh1 sh2)"
    on1=$(time_until_total 8103 '/search?q=zyxrebuilt' "" 6 "$released")
    on2=$(time_until_total 8104 '/search?q=zyxrebuilt' "" 6 "$released")
    wait "$load_pid"
    set -- $(load_figures "$tmp/load-i.txt")
    echo "cluster (i): sharded --rebuild $before -> $after: copied (after the rebuild; the shard hosts held until both search hosts had switched):$report s1 searching it whole $on1 ms after the shard hosts went on, s2 after $on2 ms; $1 requests under load through nginx, $2 failed (wrk max latency $3)"
    if [ "$before" != "$after" ] && [ "$on1" != never ] && [ "$on2" != never ] && [ "$1" -gt 0 ] && [ "$2" = 0 ]; then
        ok "(i) the sharded rebuild switched on every host with no failed request"
    else
        bad "(i) s1 $on1, s2 $on2, $2 failed requests"
    fi
    # The unsharded index of the same archive, for (e) after the rebuild.
    cluster_exec idx "$indexer" --quiet --config "$tmp/idx/config.yaml" || bad "(i) the unsharded update failed"
}
