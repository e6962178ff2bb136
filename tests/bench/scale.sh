#!/usr/bin/env bash
# scale.sh - index and search cost of synthetic archives of growing size
#
# Copyright (c) 2026 The migsearch authors
# SPDX-License-Identifier: MIT
#
# Usage: tests/bench/scale.sh [--quick] [BUILD_DIR] [OUTPUT_MD]
#   --quick    1,000 and 10,000 documents, 2 s a measurement; otherwise
#              10,000, 100,000 and 1,000,000 documents, 10 s a measurement
#   BUILD_DIR  holds indexer/migsearch-index and fcgi/migsearch-fcgi
#              (default build/release: `make build`)
#   OUTPUT_MD  the Markdown section written ("## 3. Scale"; default: stdout)
# MS_SCALE_SIZES (e.g. "10000 100000") overrides the sizes, MS_BENCH_SECONDS
# the seconds a measurement, MS_SCALE_TMP the folder the data goes under
# (default /tmp). MS_SCALE_REUSE=DIR, a folder tests/bench/shards.sh kept
# (MS_SHARDS_WORK=DIR) or one laid out the same way (DIR/archive,
# DIR/archive.size, the one database DIR/s1/index), makes the size of its
# archive search its one database instead of generating and indexing
# again: the search figures are those of the same archive and index, the
# indexing ones are then shards.sh's. MS_SCALE_SYNTH_ARGS are more options
# of synth for the sizes generated here (e.g. "--max-words 10", to match a
# reused archive generated with them). MS_SCALE_SEARCH gives every size's
# server "search:" settings of its own (docs/config.md), "key: value" pairs
# separated by ";" (MS_SCALE_SEARCH="feedback_window: 0"), to weigh a
# setting at every size; the report names them. Progress, and
# each size's figures as soon as they are known, go to standard error.
#
# Part 3 of issue 7 ("Scale"). For each size, tests/bench/synth.c (built
# here with cc -O2) writes that many documents as JSON lines, drawn from the
# unigram and bigram counts and the document lengths of the English files of
# ../shared/data/corpus, with facet metadata (process, countries, themes,
# type, date, status). Then, one size after the other:
#   index   migsearch-index --rebuild over the folder (a full build, on every
#           core: index.jobs), under /usr/bin/time (seconds and peak resident
#           memory of the indexer and its workers), with the shipped default
#           configuration apart from paths, the socket's owner group and the
#           synonyms file
#           (config/synonyms.yaml, the example admins start from); index
#           size by du
#   search  migsearch-fcgi behind the nginx config render-nginx.sh gives
#           admins, driven by wrk -t1 at 1 and 16 connections with 200
#           queries of 1 to 4 mid-frequency corpus words (synth --queries:
#           the same list at every size), rotated by a Lua script, as
#           /search?q=...&facets=0 and as the portal's default request
#           (facets counted over every match); then migsearch-fcgi's VmRSS
#           and VmHWM from /proc
# Each size's data and index are deleted before the next size is built.
# Ratios between sizes come from one invocation; absolute figures move with
# whatever else runs on the machine (the load average is reported).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/bench/lib.sh
. "$top/tests/bench/lib.sh"
bench_args "$@"
if [ "$quick" = 1 ]; then
    read -r -a sizes <<<"${MS_SCALE_SIZES:-1000 10000}"
else
    read -r -a sizes <<<"${MS_SCALE_SIZES:-10000 100000 1000000}"
fi
conns=(1 16)
corpus=$shared_corpus
nqueries=200
seed=1

[ -x "$indexer" ] && [ -x "$server" ] || { echo "build first: make build" >&2; exit 2; }
need_tools wrk nginx curl cc du
[ -x /usr/bin/time ] || { echo "needs GNU time at /usr/bin/time" >&2; exit 2; }
[ -d "$corpus" ] || { echo "needs $corpus" >&2; exit 2; }
[ "${#sizes[@]}" -gt 0 ] || { echo "no sizes" >&2; exit 2; }
for n in "${sizes[@]}"; do
    case $n in
    '' | *[!0-9]*) echo "bad size: $n" >&2; exit 2 ;;
    esac
    [ "$n" -ge 1 ] && [ "$n" -le 100000000 ] || { echo "bad size: $n" >&2; exit 2; }
done

# Room for the largest size: about 1.7 KB of JSON lines and, measured at
# 10,000 documents, up to 13 KB of index a document, with a margin.
largest=0
for n in "${sizes[@]}"; do [ "$n" -gt "$largest" ] && largest=$n; done
tmp_root=${MS_SCALE_TMP:-/tmp}
need_kb=$((largest * 20 + 1048576))
free_kb=$(df -Pk "$tmp_root" | awk 'NR == 2 {print $4}')
if [ "$free_kb" -lt "$need_kb" ]; then
    echo "needs about $((need_kb / 1048576)) GB free under $tmp_root, has" \
        "$((free_kb / 1048576)) GB" >&2
    exit 2
fi

work=$(mktemp -d "$tmp_root/ms-scale.XXXXXX")
# cleanup, make_lua, measure, wait_http, start_migsearch, stop_migsearch
# shellcheck source=tests/bench/lib.sh
. "$top/tests/bench/lib.sh"
# shellcheck disable=SC2154  # rc is set inside the trap
trap 'rc=$?; cleanup; exit $rc' EXIT

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
cc -std=c11 -O2 -o "$work/synth" "$top/tests/bench/synth.c"
# The query list, once: it does not depend on the size.
"$work/synth" --seed "$seed" --queries "$work/queries" --nqueries "$nqueries" \
    "$corpus" 0 "$work/empty" 2>"$work/model.txt"
model=$(sed 's/^synth: //' "$work/model.txt")
echo "== model: $model" >&2

declare -A gen_s idx_s idx_kb idx_docs data_kb idx_hwm rss_idle rss hwm rps p50 p99 bad
declare -A first_hits

kb_of() { du -skL "$1" | cut -f1; }

# N DIR: DIR/migsearch.yaml for the size N, its index at INDEX and the
# archive at ARCHIVE.
size_config() {
    cat >"$2/migsearch.yaml" <<YAML
index:
  path: $3
  synonyms: $top/config/synonyms.yaml
archive:
  path: $4
server:
  socket: $2/migsearch.sock
  socket_mode: "0600"
  socket_group: ""
YAML
    if [ -n "${MS_SCALE_SEARCH:-}" ]; then
        { echo "search:"; tr ';' '\n' <<<"$MS_SCALE_SEARCH" | sed 's/^ */  /'; } \
            >>"$2/migsearch.yaml"
    fi
}

reuse=${MS_SCALE_REUSE:-}
# N: true when MS_SCALE_REUSE holds the archive of N documents and its one
# database; then the figures of the size but the search ones say so.
reused() {
    [ -n "$reuse" ] && [ "$(cat "$reuse/archive.size" 2>/dev/null)" = "$1" ] &&
        [ -d "$reuse/s1/index" ] || return 1
    gen_s[$1]=reused idx_s[$1]=reused idx_hwm[$1]=reused
    data_kb[$1]=$(kb_of "$reuse/archive")
    idx_kb[$1]=$(kb_of "$reuse/s1/index")
    idx_docs[$1]=$(xapian-delve "$reuse/s1/index/XAPIANDB" 2>/dev/null |
        awk '/number of documents/ { print $NF }')
    size_config "$1" "$work/$1" "$reuse/s1/index" "$reuse/archive"
    echo "   reused $reuse: ${idx_docs[$1]} docs, index $((idx_kb[$1] / 1024)) MB" >&2
}

run_size() {
    local n=$1 dir=$work/$1 t0 t1 status=0 archive
    mkdir -p "$dir"
    echo "== $n documents" >&2
    if reused "$n"; then
        archive=$reuse/archive
        search_size "$n" "$dir" "$archive"
        return
    fi
    t0=$(date +%s.%N)
    # shellcheck disable=SC2086  # options, split on purpose
    "$work/synth" --seed "$seed" ${MS_SCALE_SYNTH_ARGS:-} "$corpus" "$n" "$dir/archive" 2>/dev/null
    t1=$(date +%s.%N)
    gen_s[$n]=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}')
    data_kb[$n]=$(kb_of "$dir/archive")

    size_config "$n" "$dir" "$dir/index" "$dir/archive"
    /usr/bin/time -f '%e %M' -o "$dir/time" \
        "$indexer" --rebuild --quiet --json --config "$dir/migsearch.yaml" >"$dir/index.json" ||
        status=$?
    # 3: some files failed (reported, not fatal for a benchmark).
    [ "$status" = 0 ] || [ "$status" = 3 ] ||
        { echo "migsearch-index: exit $status" >&2; tail -3 "$dir/time" >&2; exit 1; }
    read -r idx_s[$n] idx_hwm[$n] < <(tail -1 "$dir/time")
    idx_docs[$n]=$(sed -n '/"documents"/,/}/s/^ *"written": \([0-9]*\),*$/\1/p' \
        "$dir/index.json")
    idx_kb[$n]=$(kb_of "$dir/index")
    # The archive is not needed by /search; delete it now to leave room.
    rm -rf "$dir/archive"
    mkdir -p "$dir/archive"
    echo "   generated in ${gen_s[$n]} s ($((data_kb[$n] / 1024)) MB); indexed" \
        "${idx_docs[$n]} docs in ${idx_s[$n]} s, peak ${idx_hwm[$n]} KB;" \
        "index $((idx_kb[$n] / 1024)) MB" >&2
    search_size "$n" "$dir" "$dir/archive"
}

# N DIR ARCHIVE: the searches of size N, whose DIR/migsearch.yaml is written.
search_size() {
    local n=$1 dir=$2
    start_migsearch "$server" "$dir" "$3"
    # shellcheck disable=SC2154  # set by start_migsearch (lib.sh)
    local url=http://127.0.0.1:$started_port pid=$started_pid c first hits
    rss_idle[$n]=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
    first=$(head -1 "$work/queries" | sed 's/ /+/g')
    hits=$(curl -s "$url/search?q=$first&facets=0" | grep -o '"estimate":[0-9]*' |
        head -1 || true)
    first_hits[$n]=${hits#*:}
    make_lua "$work/queries" "/search?q=" "&facets=0" >"$dir/plain.lua"
    make_lua "$work/queries" "/search?q=" "" >"$dir/facets.lua"
    for c in "${conns[@]}"; do
        read -r rps[$n,plain,$c] p50[$n,plain,$c] p99[$n,plain,$c] bad[$n,plain,$c] \
            < <(measure "$url" "$dir/plain.lua" "$c")
        read -r rps[$n,facets,$c] p50[$n,facets,$c] p99[$n,facets,$c] \
            bad[$n,facets,$c] < <(measure "$url" "$dir/facets.lua" "$c")
        echo "   c=$c facets=0: ${rps[$n,plain,$c]} req/s p50 ${p50[$n,plain,$c]}" \
            "p99 ${p99[$n,plain,$c]} ms; facets: ${rps[$n,facets,$c]} req/s" \
            "p50 ${p50[$n,facets,$c]} p99 ${p99[$n,facets,$c]} ms" >&2
    done
    kill -0 "$pid" 2>/dev/null ||
        { echo "migsearch-fcgi DIED during the measurements" >&2; exit 1; }
    rss[$n]=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
    hwm[$n]=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
    echo "   migsearch-fcgi: VmRSS idle ${rss_idle[$n]} KB, after load ${rss[$n]} KB," \
        "VmHWM ${hwm[$n]} KB" >&2
    stop_migsearch "$dir"
    rm -rf "$dir"
}


# ---- the report ----
mb() { awk -v k="$1" 'BEGIN { if (k ~ /^[0-9.]+$/) printf "%.1f", k / 1024; else print k }'; }
div() {
    awk -v a="$1" -v b="$2" 'BEGIN {
        if (a ~ /^[0-9.]+$/ && a > 0 && b > 0) printf "%.2f", a / b; else print "n/a" }'
}
# How a figure grows with the documents: log(ratio) / log(docs ratio);
# 1 is linear, 0 flat.
slope() {
    awk -v a="$1" -v b="$2" -v n="$3" -v m="$4" 'BEGIN {
        if (a ~ /^[0-9.]+$/ && a > 0 && b > 0 && n > m) printf "%.2f", log(a / b) / log(n / m); else print "n/a" }'
}
check() { [ "$1" = 1 ] && echo met || echo "**missed**"; }

# The section for the sizes done so far (done=(...)); rewritten after each
# size, so that a long run killed at 1,000,000 still leaves the smaller ones.
write_report() {
    local sizes=("${done[@]}") small=${done[0]} big=${done[-1]} n kind c b row pair a r
    local lo hi load_end
    load_end=$(cut -d' ' -f1-3 /proc/loadavg)
    {
    echo "## 3. Scale"
    echo
    echo "Written by \`tests/bench/scale.sh$([ "$quick" = 1 ] && echo " --quick")\`;" \
        "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average" \
        "$load_start at the start and $load_end at the end (the machine is shared:"
    echo "compare ratios within this section, not absolute figures across runs)."
    echo "migsearch $(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo '?')" \
        "$(git -C "$top" diff --quiet 2>/dev/null || echo '(with uncommitted changes)'),"
    echo "release build ($build), shipped default configuration apart from paths and"
    echo "the synonyms file (\`config/synonyms.yaml\`): server.threads 4,"
    if [ -n "${MS_SCALE_SEARCH:-}" ]; then
        echo "archive.batch_size 500, index.spelling true; set for this run, search:"
        echo "\`$MS_SCALE_SEARCH\`."
    else
        echo "archive.batch_size 500, index.spelling true."
    fi
    echo
    echo "Archives: \`tests/bench/synth.c\`, seed $seed: JSON lines, 1000 documents a"
    echo "file, drawn from the English files of \`../shared/data/corpus\` ($model)${MS_SCALE_SYNTH_ARGS:+, synth options \`$MS_SCALE_SYNTH_ARGS\`};"
    echo "each word follows the previous one's bigram counts half the time and the"
    echo "unigram counts otherwise, so the vocabulary stays the corpus's at every size."
    echo "Queries: $nqueries of 1 to 4 words ranked 100 to 3000 by frequency, the same"
    echo "list at every size, rotated by wrk -t1 for ${secs} s a measurement, as"
    echo "\`/search?q=…&facets=0\` (*plain*) and as the portal's default request with"
    echo "facets counted over every match (*facets*)."
    echo
    echo "| documents | generate s | JSON lines MB | index s | docs/s | indexer peak RSS MB | index MB | index KB/doc |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
    for n in "${sizes[@]}"; do
        echo "| ${idx_docs[$n]} | ${gen_s[$n]} | $(mb "${data_kb[$n]}") | ${idx_s[$n]}" \
            "| $(awk -v d="${idx_docs[$n]}" -v s="${idx_s[$n]}" 'BEGIN { if (s ~ /^[0-9.]+$/ && s > 0) printf "%.0f", d / s; else print "-" }')" \
            "| $(mb "${idx_hwm[$n]}") | $(mb "${idx_kb[$n]}")" \
            "| $(awk -v k="${idx_kb[$n]}" -v d="${idx_docs[$n]}" 'BEGIN {printf "%.1f", (d > 0 ? k / d : 0)}') |"
    done
    echo
    echo "Search (milliseconds; non-2xx answers in brackets when any) and"
    echo "migsearch-fcgi's memory (MB: VmRSS before the load, VmRSS and VmHWM after it):"
    echo
    echo "| documents | request | conns | req/s | p50 ms | p99 ms |"
    echo "|---:|---|---:|---:|---:|---:|"
    for n in "${sizes[@]}"; do
        for kind in plain facets; do
            for c in "${conns[@]}"; do
                b=${bad[$n,$kind,$c]:-0}
                [ "$b" = 0 ] && b= || b=" ($b non-2xx)"
                echo "| $n | $kind | $c | ${rps[$n,$kind,$c]}$b | ${p50[$n,$kind,$c]}" \
                    "| ${p99[$n,$kind,$c]} |"
            done
        done
    done
    echo
    echo "| documents | first query's estimate | fcgi RSS idle MB | fcgi RSS after MB | fcgi VmHWM MB |"
    echo "|---:|---:|---:|---:|---:|"
    for n in "${sizes[@]}"; do
        echo "| $n | ${first_hits[$n]:-?} | $(mb "${rss_idle[$n]}") | $(mb "${rss[$n]}")" \
            "| $(mb "${hwm[$n]}") |"
    done
    echo
    echo "Growth: each figure at a size over the same figure at $small documents, and"
    echo "in brackets the exponent log(ratio) / log(documents ratio) (1 grows like the"
    echo "documents, 0 stays flat)."
    echo
    echo "| ratio | index s | indexer peak RSS | index MB | plain p50 c=1 | plain p99 c=1 | facets p50 c=1 | facets p99 c=1 | plain p99 c=16 | facets p99 c=16 | fcgi VmHWM |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for n in "${sizes[@]:1}"; do
        row="| $n / $small"
        for pair in "${idx_s[$n]} ${idx_s[$small]}" "${idx_hwm[$n]} ${idx_hwm[$small]}" \
            "${idx_kb[$n]} ${idx_kb[$small]}" \
            "${p50[$n,plain,1]} ${p50[$small,plain,1]}" "${p99[$n,plain,1]} ${p99[$small,plain,1]}" \
            "${p50[$n,facets,1]} ${p50[$small,facets,1]}" \
            "${p99[$n,facets,1]} ${p99[$small,facets,1]}" \
            "${p99[$n,plain,16]} ${p99[$small,plain,16]}" \
            "${p99[$n,facets,16]} ${p99[$small,facets,16]}" "${hwm[$n]} ${hwm[$small]}"; do
            read -r a b <<<"$pair"
            row+=" | $(div "$a" "$b") ($(slope "$a" "$b" "$n" "$small"))"
        done
        echo "$row |"
    done
    echo
    echo "Targets:"
    echo
    if [ -n "${idx_s[1000000]:-}" ] && [ "${idx_s[1000000]}" != reused ]; then
        echo "- 1,000,000 documents indexed in under 20 minutes: ${idx_s[1000000]} s," \
            "$(check "$(awk -v s="${idx_s[1000000]}" 'BEGIN {print (s < 1200)}')")."
    else
        echo "- 1,000,000 documents indexed in under 20 minutes: not measured in this run" \
            "(largest size $big)."
    fi
    if [ "$small" = 10000 ] && [ -n "${p99[1000000,plain,1]:-}" ]; then
        lo=10000 hi=1000000
    else
        lo=$small hi=$big
        echo "- (sizes differ from 10,000 and 1,000,000: the p99 checks compare $hi with $lo)"
    fi
    for kind in plain facets; do
        for c in "${conns[@]}"; do
            r=$(div "${p99[$hi,$kind,$c]}" "${p99[$lo,$kind,$c]}")
            if [ "$r" = n/a ]; then
                echo "- p99 at $hi within 10x of p99 at $lo, $kind, $c connections: not" \
                    "measured (no latency: every request failed or timed out)."
                continue
            fi
            echo "- p99 at $hi within 10x of p99 at $lo, $kind, $c connections:" \
                "${p99[$hi,$kind,$c]} / ${p99[$lo,$kind,$c]} ms = ${r}x," \
                "$(check "$(awk -v r="$r" 'BEGIN {print (r != "n/a" && r <= 10)}')")."
        done
    done
    if [ -n "${hwm[1000000]:-}" ]; then
        echo "- migsearch-fcgi resident memory under 100 MB at 1,000,000 documents: peak" \
            "(VmHWM) $(mb "${hwm[1000000]}") MB, after the load (VmRSS)" \
            "$(mb "${rss[1000000]}") MB," \
            "$(check "$(awk -v k="${hwm[1000000]}" 'BEGIN {print (k < 102400)}')")."
    else
        echo "- migsearch-fcgi resident memory under 100 MB at 1,000,000 documents: not" \
            "measured (largest size $big: VmHWM $(mb "${hwm[$big]}") MB)."
    fi
    [ "${#done[@]}" = "${#all_sizes[@]}" ] ||
        echo "- Unfinished run: sizes ${all_sizes[*]} were asked for, ${done[*]} done."
    } >"$work/report.md"
    if [ -n "$output" ]; then
        mkdir -p "$(dirname "$output")"
        cp "$work/report.md" "$output"
    fi
}

all_sizes=("${sizes[@]}")
done=()
for n in "${all_sizes[@]}"; do
    run_size "$n"
    done+=("$n")
    write_report
done
if [ -n "$output" ]; then
    echo "written: $output" >&2
else
    cat "$work/report.md"
fi
