#!/bin/sh
# restore.sh - put a backup of a migsearch index back, while the server runs
#
# Copyright (c) 2026 The migsearch authors
# SPDX-License-Identifier: MIT
#
# Usage: restore.sh INDEX_PATH BACKUP.tar.gz   (as the user that owns the index)
# Under the indexer's lock (INDEX_PATH.lock), unpacks the backup beside the
# index, gives its generation the next free number and switches the link
# INDEX_PATH to it in one rename(2), as a rebuild does: the server follows
# within a second and never sees a half-restored index. The old generation
# is removed by the next migsearch-index run. docs/ops.md.
set -eu
[ $# -eq 2 ] || { echo "usage: restore.sh INDEX_PATH BACKUP.tar.gz" >&2; exit 2; }
backup=$(realpath -- "$2")
cd "$(dirname -- "$1")"
base=$(basename -- "$1")
exec flock "$base.lock" sh -ec '
    base=$1 backup=$2
    rm -rf "$base.restore"
    mkdir "$base.restore"
    tar -xzf "$backup" -C "$base.restore"
    if [ -L "$base.restore/$base" ]; then
        from=$base.restore/$(readlink "$base.restore/$base")
    else
        from=$base.restore/$base # an index of an older version: a directory
    fi
    last=$(ls -d "$base".gen-* 2>/dev/null | sed "s/.*\.gen-//" | grep -x "[0-9]*" |
           sort -n | tail -n 1)
    new=$base.gen-$(( ${last:-0} + 1 ))
    mv "$from" "$new"
    ln -s "$new" "$base.new"
    mv -T "$base.new" "$base"
    rm -rf "$base.restore"
    echo "restored $backup as $new"' restore "$base" "$backup"
