#!/usr/bin/env bash
# update.sh - the cost of an update run that re-indexes one changed document
#
# Copyright (c) 2026 The migsearch authors
# SPDX-License-Identifier: MIT
#
# Usage: tests/bench/update.sh [BUILD_DIR] DIR [OUTPUT_MD]
#   BUILD_DIR  holds indexer/migsearch-index (default build/release)
#   DIR        a folder tests/bench/shards.sh kept (MS_SHARDS_WORK=DIR):
#              DIR/archive and its one database DIR/s1 (DIR/s1/migsearch.yaml)
#   OUTPUT_MD  where the Markdown lines go (default standard output)
# MS_UPDATE_RUNS sets the runs a figure is the median of (default 5).
#
# Issue 20's target "incremental update of one changed document stays
# under 100 ms at 1M". The synthetic archive has 1000 documents a file,
# and migsearch-index re-indexes a changed file whole, so one changed
# document is a file of one document: the script adds DIR/archive/
# zz-update-probe.jsonl (one document, id "update-probe"), then times, each
# as the median of MS_UPDATE_RUNS runs of `migsearch-index --quiet` (the
# update a cron job or the admin runs after a change), wall and CPU time:
#   unchanged  a run with nothing changed: the floor of any update
#   changed    the probe's text changed before each run: one document
#              re-indexed (deleted and put again) and committed
#   file       one of the archive's files of 1000 documents touched (same
#              bytes, new time): 1000 documents re-indexed
# and, once under strace -f -r, where a changed run spends its time:
# startup (from exec to the first look at the archive folder: config,
# lock, opening the index, reading the state entries), the scan of the
# archive folder (to the last stat of an archive file), loading and putting
# the document (to the first fsync), and the commit (fsyncs to exit). The
# probe is removed and the index updated again at the end, so DIR's index
# holds the archive as before.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$top/build/release
if [ $# -ge 2 ] && [ -x "$1/indexer/migsearch-index" ]; then
    build=$1
    shift
fi
dir=${1:?usage: update.sh [BUILD_DIR] DIR [OUTPUT_MD]}
output=${2:-}
runs=${MS_UPDATE_RUNS:-5}
indexer=$build/indexer/migsearch-index
config=$dir/s1/migsearch.yaml
[ -x "$indexer" ] || { echo "build first: make build" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs GNU time at /usr/bin/time" >&2; exit 2; }
[ -f "$config" ] && [ -d "$dir/archive" ] || { echo "no kept shards.sh folder: $dir" >&2; exit 2; }
command -v strace >/dev/null || { echo "needs strace" >&2; exit 2; }
probe=$dir/archive/zz-update-probe.jsonl
trace=$(mktemp)
trap 'rm -f "$probe" "$trace" "$trace.time"; "$indexer" --quiet --config "$config" || true' EXIT

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
docs=$(cat "$dir/archive.size")
# N: the probe's document, version N.
write_probe() {
    printf '{"id":"update-probe","title":"Update probe %s","language":"en","text":"%s"}\n' \
        "$1" "The probe document of the update benchmark, version $1 of its text." >"$probe"
}
# One update run: "WALL CPU" in milliseconds (CPU: user + system, which a
# loaded machine inflates less than the wall time).
one_run() {
    local status=0
    /usr/bin/time -f '%e %U %S' -o "$trace.time" "$indexer" --quiet --config "$config" ||
        status=$?
    [ "$status" = 0 ] || { echo "migsearch-index: exit $status" >&2; exit 1; }
    awk '{printf "%.0f %.0f\n", $1 * 1000, ($2 + $3) * 1000}' "$trace.time"
}
# KIND: "WALL CPU", each the median of runs of one_run, with KIND's change
# before each run.
median_of() {
    local kind=$1 i all
    all=$(for ((i = 0; i < runs; i++)); do
        case $kind in
        changed) write_probe "$i$RANDOM" ;;
        file) touch "$dir/archive/synth-000000.jsonl" ;;
        esac
        one_run
    done)
    echo "$(median 1 <<<"$all") $(median 2 <<<"$all")"
}
# COLUMN: the median of that column of standard input.
median() {
    cut -d' ' -f"$1" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'
}

# A file changed in the second of a run is looked at again by the next
# run (its time cannot tell a later change apart): a second passes between
# the series, and the traced run follows a settling run.
write_probe first
echo "== adding the probe: $(one_run) ms (wall, CPU)" >&2
sleep 1
unchanged=$(median_of unchanged)
echo "   unchanged: $unchanged ms (wall, CPU)" >&2
changed=$(median_of changed)
echo "   one changed document: $changed ms (wall, CPU)" >&2

# One changed run under strace: the phases, from the relative timestamps.
write_probe traced
sleep 1
one_run >/dev/null
write_probe traced-again
strace -f -ttt -e trace=execve,openat,newfstatat,fsync,fdatasync,exit_group \
    -o "$trace" "$indexer" --quiet --config "$config"
read -r startup scan put commit < <(awk -v arch="$dir/archive" '
    NR == 1 { t0 = $2 }
    { t = $2 }
    index($0, "\"" arch) && first_scan == "" { first_scan = t }
    index($0, arch "/") && index($0, "newfstatat(") && first_sync == "" { last_stat = t }
    (index($0, "fsync(") || index($0, "fdatasync(")) && first_sync == "" { first_sync = t }
    END {
        if (first_scan == "") first_scan = t0
        if (last_stat == "") last_stat = first_scan
        if (first_sync == "") first_sync = t
        printf "%.0f %.0f %.0f %.0f\n", (first_scan - t0) * 1000, (last_stat - first_scan) * 1000,
            (first_sync - last_stat) * 1000, (t - first_sync) * 1000
    }' "$trace")
echo "   under strace: startup $startup, scan $scan, put $put, commit $commit ms" >&2
sleep 1
file=$(median_of file)
echo "   one changed file of 1000 documents: $file ms (wall, CPU)" >&2

{
    echo "Written by \`tests/bench/update.sh\` on the one database of $docs documents in"
    echo "$dir; $(date -u '+%Y-%m-%d %H:%M UTC'), load average $load_start at the"
    echo "start and $(cut -d' ' -f1-3 /proc/loadavg) at the end; medians of $runs runs of"
    echo "\`migsearch-index --quiet\` (process start to exit):"
    echo
    echo "| update run | wall ms | CPU ms (user + system) |"
    echo "|---|---:|---:|"
    echo "| nothing changed | ${unchanged% *} | ${unchanged#* } |"
    echo "| one changed document (a file of one document) | ${changed% *} | ${changed#* } |"
    echo "| one changed file of 1000 documents | ${file% *} | ${file#* } |"
    echo
    echo "One more changed-document run under \`strace -f\`, its wall time split at its"
    echo "system calls: startup (exec, config, lock, index and state entries opened)"
    echo "$startup ms, scan of the archive folder $scan ms, load and put $put ms, commit"
    echo "$commit ms. CPU times are GNU time's, in steps of 10 ms."
} >"$trace.md"
if [ -n "$output" ]; then cp "$trace.md" "$output"; else cat "$trace.md"; fi
rm -f "$trace.md"
