#!/bin/sh
# test_replica.sh - migsearch-replica on loopback, without root
#
# Copyright (c) 2026 The migsearch authors
# SPDX-License-Identifier: MIT
#
# Usage: test_replica.sh BINARY_DIR SOURCE_DIR
# The follower's cycles one by one (`once`), against the real
# xapian-replicate-server and the indexer: the first copy makes a view
# whose links lead to a whole copy of every partition and a status file;
# an update arrives in place (same view); one the master kept no
# changeset for arrives as a full copy, a new view, with every view kept
# still leading to a whole copy; a --rebuild gives a new view of
# the new generation and the old generation's copy is removed after the
# next switch; a manifest naming a path outside the copy is refused and
# reported, and the view stays; a sharded index is followed shard by
# shard (--shard). tests/cluster/ runs the same under load
# across hosts (as root).
set -eu
build=$(realpath "$1") src=$(realpath "$2")
tmp=$(mktemp -d /tmp/ms-replica.XXXXXX)
server=
cleanup() {
    # SIGKILL: on SIGTERM xapian-replicate-server signals its whole process
    # group (to stop the children it forks), this test included.
    [ -n "$server" ] && kill -9 "$server" 2>/dev/null
    wait 2>/dev/null
    [ -n "${MS_TEST_LEAVE:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "test_replica: FAIL: $*" >&2; echo "replica: $passed passed, 1 failed"; exit 1; }
passed=0
ok() { passed=$((passed + 1)); }
export XAPIAN_MAX_CHANGESETS=20
replica=$src/packaging/cluster/migsearch-replica
ix() { "$build/indexer/migsearch-index" --quiet --config "$tmp/config.yaml" "$@"; }
docs() { xapian-delve "$tmp/copy/index/$1" | sed -n 's/^number of documents = //p'; }
status() { jq -r ".$1" "$tmp/copy/index.replica"; }

mkdir "$tmp/master" "$tmp/copy"
cp -r "$src/tests/data/archive" "$tmp/archive"
mkdir "$tmp/archive/restricted"
printf 'access: [staff]\n' >"$tmp/archive/restricted/_defaults.yaml"
printf -- '---\nid: replica-restricted\ntitle: Restricted\ntype: other\ndate: 2005\n---\nWords.\n' \
    >"$tmp/archive/restricted/one.md"
printf 'index:\n  path: %s/master/index\n  synonyms: ""\narchive:\n  path: %s/archive\n' \
    "$tmp" "$tmp" >"$tmp/config.yaml"
ix || fail "first index"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
xapian-replicate-server -I 127.0.0.1 -p "$port" "$tmp/master" >"$tmp/server.log" 2>&1 &
server=$!
# A few rounds of the publisher: long enough to write the manifest once.
publish() {
    sh "$replica" publish "$tmp/master/index" 0.2 >>"$tmp/publish.log" 2>&1 &
    publisher=$!
    i=0
    until [ "$(xapian-metadata get "$tmp/master/index.manifest" manifest 2>/dev/null | cut -d' ' -f1)" = \
        "$(readlink "$tmp/master/index")" ] || [ $i -ge 50 ]; do
        i=$((i + 1)); sleep 0.1
    done
    kill "$publisher"
    wait "$publisher" 2>/dev/null || true
}
follow() { sh "$replica" once 127.0.0.1 "$port" "$tmp/copy/index" >>"$tmp/follow.log" 2>&1; }
publish
i=0
until follow || [ $i -ge 20 ]; do i=$((i + 1)); sleep 0.2; done

# 1. The first copy: a view of every partition, each a whole database.
view1=$(readlink "$tmp/copy/index")
case "$view1" in index.view-*) ;; *) fail "index links to '$view1', not a view" ;; esac
parts=$(ls "$tmp/copy/index" | sort | tr '\n' ' ')
want=$(sed -n 's/^auto //p' "$tmp/master/index/XAPIANDB" | sort | tr '\n' ' ')
[ "$parts" = "$want" ] || fail "the view holds '$parts', the master '$want'"
[ "$(echo "$parts" | wc -w)" = 2 ] || fail "want public and one access partition, got '$parts'"
[ "$(docs public)" = "$(xapian-delve "$tmp/master/index/public" | sed -n 's/^number of documents = //p')" ] ||
    fail "the copy of public has $(docs public) documents"
[ "$(status error)" = "" ] && [ "$(status generation)" = index.gen-1 ] && [ "$(status partitions)" = 2 ] ||
    fail "status: $(cat "$tmp/copy/index.replica")"
[ "$(status current_at)" -gt 0 ] || fail "no current_at"
ok

# 2. An update arrives as changesets, in place: the same view.
before=$(docs public)
printf -- '---\nid: replica-added\ntitle: Added\ntype: other\ndate: 2006\n---\nMore words.\n' \
    >"$tmp/archive/reports/replica-added.md"
ix || fail "update"
follow || fail "the cycle after the update: $(tail -3 "$tmp/follow.log")"
[ "$(docs public)" = $((before + 1)) ] || fail "after the update the copy has $(docs public) documents, want $((before + 1))"
[ "$(readlink "$tmp/copy/index")" = "$view1" ] || fail "an update switched the view"
ok

# 2b. An update the master kept no changeset for arrives as a full copy
# into the partition's other folder, and xapian-replicate removes the old
# copy: a new view, and every view kept (the one before too, which
# readers may still be switching from) leads to the live copy.
printf -- '---\nid: replica-copied\ntitle: Copied\ntype: other\ndate: 2006\n---\nCopied words.\n' \
    >"$tmp/archive/reports/replica-copied.md"
XAPIAN_MAX_CHANGESETS=0 ix || fail "update without changesets"
follow || fail "the cycle after the full copy: $(tail -3 "$tmp/follow.log")"
view1b=$(readlink "$tmp/copy/index")
[ "$view1b" != "$view1" ] || fail "a full copy did not switch the view"
[ "$(docs public)" = $((before + 2)) ] || fail "after the full copy the copy has $(docs public) documents"
for view in "$view1" "$view1b"; do
    n=$(xapian-delve "$tmp/copy/$view/public" 2>&1 | sed -n 's/^number of documents = //p')
    [ "$n" = $((before + 2)) ] || fail "$view/public shows '$n' documents after the full copy, want $((before + 2))"
    readlink "$tmp/copy/$view/public" | grep -q '/parts/index.gen-1/public$' ||
        fail "$view/public links to a copy: $(readlink "$tmp/copy/$view/public")"
done
ok

# 3. A rebuild: a new view of the new generation; two switches later the
# first generation's copy is gone.
ix --rebuild || fail "rebuild"
publish
follow || fail "the cycle after the rebuild: $(tail -3 "$tmp/follow.log")"
view2=$(readlink "$tmp/copy/index")
[ "$view2" != "$view1" ] || fail "the rebuild did not switch the view"
[ "$(status generation)" = index.gen-2 ] || fail "status after the rebuild: $(cat "$tmp/copy/index.replica")"
readlink "$tmp/copy/index/public" | grep -q '/parts/index.gen-2/public$' || fail "public links to $(readlink "$tmp/copy/index/public")"
[ -d "$tmp/copy/index.replica.d/parts/index.gen-1" ] || fail "the previous generation went before readers could leave it"
[ "$(docs public)" = $((before + 2)) ] || fail "the rebuilt copy has $(docs public) documents"
ix --rebuild || fail "second rebuild"
publish
follow || fail "the cycle after the second rebuild"
[ ! -d "$tmp/copy/index.replica.d/parts/index.gen-1" ] || fail "index.gen-1's copy is still there"
[ "$(ls -d "$tmp/copy"/index.view-* | wc -l)" = 2 ] || fail "views left: $(ls -d "$tmp/copy"/index.view-*)"
ok

# 4. A manifest naming a path outside the copy is refused, and said so;
# the view stays.
view3=$(readlink "$tmp/copy/index")
xapian-metadata set "$tmp/master/index.manifest" manifest "index.gen-3 public a-../../../x"
if follow; then fail "a manifest naming a-../../../x was followed"; fi
status error | grep -q "bad partition: a-../../../x" || fail "status error: $(status error)"
[ "$(readlink "$tmp/copy/index")" = "$view3" ] || fail "a refused manifest switched the view"
xapian-metadata set "$tmp/master/index.manifest" manifest "../index.gen-3 public"
if follow; then fail "a manifest naming ../index.gen-3 was followed"; fi
status error | grep -q "names no generation" || fail "status error: $(status error)"
ok

# 5. A sharded index: --shard keeps the shards named (a view of shard
# folders, each with the master's stub), no --shard keeps shard 0, a
# shard not in the index or --shard of an unsharded one is refused.
printf 'index:\n  path: %s/master/sindex\n  synonyms: ""\n  shards: 3\narchive:\n  path: %s/archive\n' \
    "$tmp" "$tmp" >"$tmp/sharded.yaml"
"$build/indexer/migsearch-index" --quiet --config "$tmp/sharded.yaml" || fail "sharded index"
sh "$replica" publish "$tmp/master/sindex" 0.2 >>"$tmp/publish.log" 2>&1 &
publisher=$!
i=0
until xapian-metadata get "$tmp/master/sindex.manifest" manifest >/dev/null 2>&1 || [ $i -ge 50 ]; do
    i=$((i + 1)); sleep 0.1
done
kill "$publisher"
wait "$publisher" 2>/dev/null || true
sfollow() { sh "$replica" once "$@" 127.0.0.1 "$port" "$tmp/$dir/sindex" >>"$tmp/follow.log" 2>&1; }
dir=shards
mkdir "$tmp/$dir"
sfollow --shard 2 --shard 1 || fail "following shards 1 and 2: $(tail -3 "$tmp/follow.log")"
[ "$(ls "$tmp/$dir/sindex" | tr '\n' ' ')" = "shard-1 shard-2 " ] || fail "the view holds $(ls "$tmp/$dir/sindex")"
for k in 1 2; do
    cmp -s "$tmp/$dir/sindex/shard-$k/XAPIANDB" "$tmp/master/sindex/shard-$k/XAPIANDB" ||
        fail "shard-$k's stub: $(cat "$tmp/$dir/sindex/shard-$k/XAPIANDB")"
    for part in $(sed -n 's/^auto //p' "$tmp/master/sindex/shard-$k/XAPIANDB"); do
        # The folder xapian-replicate keeps: its stub names a whole copy.
        [ -f "$tmp/$dir/sindex/shard-$k/$part/XAPIANDB" ] || fail "shard-$k/$part is not a replicated partition"
        [ "$(xapian-delve "$tmp/$dir/sindex/shard-$k/$part" | grep UUID)" = \
            "$(xapian-delve "$tmp/master/sindex/shard-$k/$part" | grep UUID)" ] || fail "shard-$k/$part is another database"
    done
    # The shard as its server opens it: the stub of the partitions' stubs.
    [ "$(xapian-delve "$tmp/$dir/sindex/shard-$k" | sed -n 's/^number of documents = //p')" = \
        "$(xapian-delve "$tmp/master/sindex/shard-$k" | sed -n 's/^number of documents = //p')" ] ||
        fail "shard-$k opens as $(xapian-delve "$tmp/$dir/sindex/shard-$k" 2>&1 | head -3)"
done
[ "$(jq -r .error "$tmp/$dir/sindex.replica")" = "" ] || fail "status: $(cat "$tmp/$dir/sindex.replica")"
dir=search
mkdir "$tmp/$dir"
sfollow || fail "following shard 0: $(tail -3 "$tmp/follow.log")"
[ "$(ls "$tmp/$dir/sindex")" = shard-0 ] || fail "a search host's view holds $(ls "$tmp/$dir/sindex")"
dir=missing
mkdir "$tmp/$dir"
if sfollow --shard 3; then fail "shard 3 of 3 shards was followed"; fi
jq -r .error "$tmp/$dir/sindex.replica" | grep -q "the manifest has no shard-3" ||
    fail "status: $(cat "$tmp/$dir/sindex.replica")"
publish # the unsharded manifest again, after 4.
if sh "$replica" once --shard 1 127.0.0.1 "$port" "$tmp/copy/index" >>"$tmp/follow.log" 2>&1; then
    fail "--shard of an unsharded index was followed"
fi
status error | grep -q "the index is not sharded" || fail "status error: $(status error)"
ok

echo "replica: $passed passed, 0 failed"
