#!/bin/sh
# test_backup.sh - backup.sh and restore.sh (docs/ops.md) while the indexer runs
#
# Copyright (c) 2026 The migsearch authors
# SPDX-License-Identifier: MIT
#
# Usage: test_backup.sh BINARY_DIR SOURCE_DIR
# Indexes a copy of the sample archive, then backs the index up while a
# --rebuild runs (the backup must wait for it, through the indexer's own
# lock, and hold a whole, checked index), changes the archive, and restores
# the backup while an update runs: the restored index must be the backed up
# one, pass xapian-check, and take the next update as any index would.
set -eu
build=$(realpath "$1") src=$(realpath "$2")
tmp=$(mktemp -d /tmp/ms-backup.XXXXXX)
[ -n "${MS_TEST_LEAVE:-}" ] || trap 'rm -rf "$tmp"' EXIT
fail() { echo "test_backup: FAIL: $*" >&2; exit 1; }
ix() { "$build/indexer/migsearch-index" --config "$tmp/config.yaml" "$@"; }
docs() { ix status --json | sed -n 's/^  "documents": \([0-9]*\),$/\1/p'; }

cp -r "$src/tests/data/archive" "$tmp/archive"
printf 'index:\n  path: %s/index\n  synonyms: ""\n  jobs: 2\narchive:\n  path: %s/archive\n' \
    "$tmp" "$tmp" >"$tmp/config.yaml"
ix --quiet || fail "first index"
before=$(docs)
[ "$before" -gt 10 ] || fail "only '$before' documents"

# Backup during a rebuild: it waits for the lock, so it starts only once
# the rebuild has switched, and it keeps a rebuild started meanwhile out.
ix --quiet --rebuild &
rebuild=$!
i=0
until [ -d "$tmp/index.gen-2" ] || [ $i -ge 400 ]; do i=$((i + 1)); sleep 0.01; done
sh "$src/packaging/ops/backup.sh" "$tmp/index" "$tmp/backup.tar.gz" || fail "backup.sh"
wait "$rebuild" || fail "the rebuild failed"
mkdir "$tmp/check"
tar -xzf "$tmp/backup.tar.gz" -C "$tmp/check"
[ -L "$tmp/check/index" ] || fail "the backup has no link"
gen=$(readlink "$tmp/check/index")
[ "$gen" = index.gen-2 ] || fail "the backup holds $gen, not the rebuilt generation"
xapian-check "$tmp/check/$gen/XAPIANDB" >/dev/null || fail "xapian-check on the backup"

# A second indexer while the backup holds the lock exits 4.
flock "$tmp/index.lock" sh -c "'$build/indexer/migsearch-index' --config '$tmp/config.yaml' --quiet; echo \$? >'$tmp/rc'"
[ "$(cat "$tmp/rc")" = 4 ] || fail "an indexer under the backup's lock exited $(cat "$tmp/rc"), not 4"

# The archive loses a folder; the index follows.
rm -rf "$tmp/archive/recommendations"
ix --quiet || fail "update after removing a folder"
fewer=$(docs)
[ "$fewer" -lt "$before" ] || fail "removing a folder left $fewer documents"

# Restore while an indexer holds the lock: it waits, and switches only once
# the lock is free.
flock "$tmp/index.lock" sh -c "touch '$tmp/held'; sleep 2" &
holder=$!
i=0
until [ -e "$tmp/held" ] || [ $i -ge 500 ]; do i=$((i + 1)); sleep 0.01; done
live=$(readlink "$tmp/index")
sh "$src/packaging/ops/restore.sh" "$tmp/index" "$tmp/backup.tar.gz" >"$tmp/restore.log" &
restore=$!
sleep 0.5
[ "$(readlink "$tmp/index")" = "$live" ] || fail "restore.sh switched while the lock was held"
wait "$holder"
wait "$restore" || fail "restore.sh"
[ "$(docs)" = "$before" ] || fail "after the restore: $(docs) documents, want $before"
xapian-check "$tmp/index/XAPIANDB" >/dev/null || fail "xapian-check after the restore"
[ -z "$(ls -d "$tmp"/index.restore 2>/dev/null)" ] || fail "restore.sh left its folder"

# The next update brings the restored index in step with the archive and
# removes the generation the restore replaced.
ix --quiet || fail "update after the restore"
[ "$(docs)" = "$fewer" ] || fail "the update after the restore gave $(docs), want $fewer"
[ "$(ls -d "$tmp"/index.gen-* | wc -l)" = 1 ] || fail "old generations left: $(ls -d "$tmp"/index.gen-*)"
echo "backup: 1 passed, 0 failed"
