#!/usr/bin/env bash
# update-ab.sh - one changed document: two builds' update runs, interleaved
#
# Copyright (c) 2026 The migsearch authors
# SPDX-License-Identifier: MIT
#
# Usage: tests/bench/update-ab.sh BASE_BUILD NEW_BUILD DIR...
#   BASE_BUILD, NEW_BUILD  each holds indexer/migsearch-index (a release
#                          build of the baseline and of the change)
#   DIR                    a folder as tests/bench/update.sh takes it
#                          (DIR/archive, DIR/archive.size, DIR/s1/migsearch.yaml)
# MS_UPDATE_RUNS sets the pairs a figure is the median of (default 7).
#
# Issue 20. update.sh times one build; on the shared 2-core machine two
# builds are only comparable when measured in the same invocation, so this
# runs them in turns (base, new, base, new...) on the same index, with
# update.sh's probe (DIR/archive/zz-update-probe.jsonl, one document) and
# its three kinds of run: nothing changed, the probe's text changed before
# each run (one document re-indexed), and one archive file of 1000
# documents touched. Prints, per DIR and kind, the medians of wall and CPU
# (user + system) milliseconds of each build and the ratio of the CPU
# medians, then, under valgrind --tool=callgrind when MS_UPDATE_CALLGRIND=1,
# the instructions of one changed-document run of each build (what the
# load does not change). The probe is removed and the index updated again
# at the end.
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: update-ab.sh BASE_BUILD NEW_BUILD DIR..." >&2; exit 2; }
base=$1/indexer/migsearch-index
new=$2/indexer/migsearch-index
shift 2
runs=${MS_UPDATE_RUNS:-7}
for b in "$base" "$new"; do [ -x "$b" ] || { echo "no $b" >&2; exit 2; }; done
[ -x /usr/bin/time ] || { echo "needs GNU time at /usr/bin/time" >&2; exit 2; }
tmp=$(mktemp)
probe=
trap 'rm -f "$tmp" "$probe"; [ -z "$probe" ] || "$new" --quiet --config "$config" || true' EXIT

write_probe() {
    printf '{"id":"update-probe","title":"Update probe %s","language":"en","text":"%s"}\n' \
        "$1" "The probe document of the update benchmark, version $1 of its text." >"$probe"
}
# BINARY: "WALL CPU" in milliseconds.
one_run() {
    /usr/bin/time -f '%e %U %S' -o "$tmp" "$1" --quiet --config "$config" ||
        { echo "$1: exit $?" >&2; exit 1; }
    awk '{printf "%.0f %.0f\n", $1 * 1000, ($2 + $3) * 1000}' "$tmp"
}
median() {
    cut -d' ' -f"$1" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'
}

echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
for dir in "$@"; do
    config=$dir/s1/migsearch.yaml
    probe=$dir/archive/zz-update-probe.jsonl
    write_probe first
    one_run "$new" >/dev/null
    sleep 1 # a file changed in the second of a run is read again by the next
    for kind in unchanged changed file; do
        a="" b=""
        for ((i = 0; i < runs; i++)); do
            for who in base new; do
                case $kind in
                changed) write_probe "$who$i$RANDOM" ;;
                file) touch "$dir/archive/synth-000000.jsonl" ;;
                esac
                if [ "$who" = base ]; then
                    a+="$(one_run "$base")"$'\n'
                else
                    b+="$(one_run "$new")"$'\n'
                fi
            done
        done
        read -r aw ac < <(echo "$(median 1 <<<"${a%$'\n'}") $(median 2 <<<"${a%$'\n'}")")
        read -r bw bc < <(echo "$(median 1 <<<"${b%$'\n'}") $(median 2 <<<"${b%$'\n'}")")
        printf '%s docs, %-9s base %5s ms wall %5s ms CPU, new %5s ms wall %5s ms CPU, CPU new/base %s\n' \
            "$(cat "$dir/archive.size")" "$kind" "$aw" "$ac" "$bw" "$bc" \
            "$(awk -v a="$ac" -v b="$bc" 'BEGIN {if (a > 0) printf "%.2f", b / a; else printf "-"}')"
        sleep 1
    done
    if [ "${MS_UPDATE_CALLGRIND:-0}" = 1 ]; then
        one_run "$new" >/dev/null # the file touched last is read again once
        sleep 1
        for who in base new; do
            write_probe "cg$who$RANDOM"
            bin=$base
            [ "$who" = new ] && bin=$new
            valgrind --tool=callgrind --callgrind-out-file="$tmp.cg" "$bin" --quiet \
                --config "$config" 2>"$tmp.log" || { cat "$tmp.log" >&2; exit 1; }
            printf '%s docs, changed, %s: %s instructions\n' "$(cat "$dir/archive.size")" \
                "$who" "$(grep -m1 '^summary:' "$tmp.cg" | cut -d' ' -f2)"
            rm -f "$tmp.cg" "$tmp.log"
        done
    fi
    rm -f "$probe"
    "$new" --quiet --config "$config"
    probe=
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
