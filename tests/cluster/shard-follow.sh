#!/bin/sh
# shard-follow.sh - keep one shard of a sharded index current on a host
#
# Copyright (c) 2026 The migsearch authors
# SPDX-License-Identifier: MIT
#
# Usage: shard-follow.sh HOST PORT NAME K DIR [INTERVAL]
#
# For tests/cluster/test_cluster.sh: every INTERVAL seconds (default 0.5)
# replicate NAME.manifest (`migsearch-replica publish` of an index written
# with index.shards > 1) from the xapian-replicate-server at HOST:PORT,
# then each partition shard-K/<partition> of the generation it names with
# xapian-replicate (changesets, or a full copy) into DIR.follow/parts/, and
# link DIR/shard-K/<partition> to its live copy, then write
# DIR/shard-K/XAPIANDB in the order of the shard's own
# list of partitions (its "partitions" key, docs/architecture.md "Shards"),
# which ms-shard-serve gives its ports by and migsearch-fcgi reads. DIR
# holds nothing else (migsearch-fcgi may read it as its index.path): the
# manifest's copy is in DIR.follow/, and after a cycle that brought every
# partition current, DIR.follow/shard-K.current says "GENERATION PARTITIONS
# EPOCH".
#
# Why not `migsearch-replica follow`: it accepts only partition names
# `public` and `a-<hex>` in a manifest and refuses a sharded one's
# `shard-K/public` ("the manifest names a bad partition"), and its views
# are one folder of partitions, not shard folders. This copies one shard
# with xapian-replicate directly. A new generation (a --rebuild) is not
# followed, and a full copy that moves a partition to xapian-replicate's
# other folder changes its link under a running reader (which keeps the
# old, no longer updated, until it reopens): with changesets kept
# (XAPIAN_MAX_CHANGESETS) that happens only for the first copy. The cluster
# test rebuilds only its unsharded index.
set -u
host=$1 port=$2 name=$3 shard=$4 dir=$5 interval=${6:-0.5}
out=$dir/shard-$shard state=$dir.follow
mkdir -p "$out" "$state/parts/shard-$shard" || exit 2

cycle() {
    xapian-replicate -q -o -h "$host" -p "$port" -r 1 -t 10 -m "$name.manifest" \
        "$state/manifest-$shard" || return 1
    value=$(xapian-metadata get "$state/manifest-$shard" manifest) || return 1
    generation=${value%% *}
    parts=
    for part in ${value#* }; do
        case "$part" in
        "shard-$shard"/public | "shard-$shard"/a-*) parts="$parts ${part#*/}" ;;
        esac
    done
    [ -n "$parts" ] || return 1
    for part in $parts; do
        case "$part" in */* | *[!0-9a-z-]*) return 1 ;; esac
        xapian-replicate -q -o -h "$host" -p "$port" -r 1 -t 10 \
            -m "$generation/shard-$shard/$part" "$state/parts/shard-$shard/$part" || return 1
        # The live copy (replica_0 or replica_1, as xapian-replicate's own
        # stub says): readers take as a partition only a folder that is a
        # database itself (ms_index__part_names), not a stub.
        copy=$(sed -n 's/^auto //p' "$state/parts/shard-$shard/$part/XAPIANDB" | tail -1)
        [ -n "$copy" ] || return 1
        if [ "$(readlink "$out/$part")" != "$state/parts/shard-$shard/$part/$copy" ]; then
            ln -sfn "$state/parts/shard-$shard/$part/$copy" "$out/$part.tmp" && mv -T "$out/$part.tmp" "$out/$part" || return 1
        fi
    done
    order=$(xapian-metadata get "$out/public" partitions) || return 1
    echo "$order" | sed -n 's/^\(..*\)$/auto \1/p' >"$out/XAPIANDB.tmp" &&
        mv -f "$out/XAPIANDB.tmp" "$out/XAPIANDB" || return 1
    echo "$generation$parts $(date +%s)" >"$state/shard-$shard.tmp" &&
        mv -f "$state/shard-$shard.tmp" "$state/shard-$shard.current"
}

while :; do
    cycle || echo "shard-follow: a cycle of shard $shard failed" >&2
    sleep "$interval"
done
