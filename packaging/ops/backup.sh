#!/bin/sh
# backup.sh - back up a migsearch index while the indexer and the server run
#
# Copyright (c) 2026 The migsearch authors
# SPDX-License-Identifier: MIT
#
# Usage: backup.sh INDEX_PATH BACKUP.tar.gz
#   INDEX_PATH  index.path of migsearch.yaml (/var/lib/migsearch/index)
# Takes the indexer's own lock (INDEX_PATH.lock, flock), so a running
# migsearch-index finishes first and one started meanwhile exits 4; then
# writes the link INDEX_PATH and the generation it names into the tar file.
# The server answers throughout. docs/ops.md, "Backup and restore".
set -eu
[ $# -eq 2 ] || { echo "usage: backup.sh INDEX_PATH BACKUP.tar.gz" >&2; exit 2; }
out=$(realpath -m -- "$2")
cd "$(dirname -- "$1")"
base=$(basename -- "$1")
[ -e "$base" ] || { echo "backup.sh: no index at $1" >&2; exit 1; }
# The link is read under the lock: a rebuild switches it only holding it.
exec flock "$base.lock" sh -c '
    if [ -L "$2" ]; then set -- "$1" "$2" "$(readlink "$2")"; fi
    tar -czf "$@"' backup "$out" "$base"
