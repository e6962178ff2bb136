# lib.sh - hosts as network namespaces on one machine, for tests/cluster/
#
# Copyright (c) 2026 The migsearch authors
# SPDX-License-Identifier: MIT
#
# Sourced by test_cluster.sh. Each host is a network namespace with one
# interface, eth0, on a private bridge that lives in a namespace of its own
# (the "switch"): the addresses (10.77.0.0/24) exist only inside the
# namespaces, and the machine's own network is never touched. Names carry
# the test's pid, so two runs never meet. cluster_cleanup (run on EXIT by
# the caller's trap) kills every process started here and deletes every
# namespace, whether the test passed or failed.
#
#   cluster_init                      the switch namespace and its bridge
#   cluster_host NAME ADDRESS         a host: namespace, veth to the bridge, lo up
#   cluster_exec NAME CMD...          run CMD in host NAME, wait for it
#   cluster_spawn NAME LOG CMD...     start CMD in host NAME in the background;
#                                     its pid is in $spawned (and killed at cleanup)
#   cluster_cleanup                   kill, delete, remove

cluster_prefix=msc$$
cluster_switch=${cluster_prefix}-sw
cluster_hosts=
cluster_pids=

cluster_ns() { echo "$cluster_prefix-$1"; }

cluster_init() {
    ip netns add "$cluster_switch" || return 1
    ip -n "$cluster_switch" link add br0 type bridge || return 1
    ip -n "$cluster_switch" link set br0 up
    ip -n "$cluster_switch" link set lo up
}

cluster_host() {
    name=$1 address=$2 ns=$(cluster_ns "$1")
    ip netns add "$ns" || return 1
    cluster_hosts="$cluster_hosts $ns"
    # Both ends are made inside their namespaces: nothing appears, even for
    # an instant, in the machine's own.
    ip -n "$ns" link add eth0 type veth peer name "$name" netns "$cluster_switch" || return 1
    ip -n "$cluster_switch" link set "$name" master br0 up
    ip -n "$ns" addr add "$address/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" link set lo up
}

cluster_exec() {
    ns=$(cluster_ns "$1")
    shift
    ip netns exec "$ns" "$@"
}

cluster_spawn() {
    ns=$(cluster_ns "$1") log=$2
    shift 2
    ip netns exec "$ns" "$@" >>"$log" 2>&1 &
    spawned=$!
    cluster_pids="$cluster_pids $spawned"
}

cluster_cleanup() {
    for pid in $cluster_pids; do
        kill -9 "$pid" 2>/dev/null
    done
    # Anything still running in a namespace (children of what was spawned).
    for ns in $cluster_hosts; do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do
            kill -9 "$pid" 2>/dev/null
        done
    done
    wait 2>/dev/null
    for ns in $cluster_hosts $cluster_switch; do
        ip netns del "$ns" 2>/dev/null
    done
}
