#!/usr/bin/env bash
# search-throughput.sh - requests/s and latency of migsearch-fcgi behind nginx
#
# Copyright (c) 2026 The migsearch authors
# SPDX-License-Identifier: MIT
#
# Usage: tests/bench/search-throughput.sh [BUILD_DIR] [SECONDS]
#        (defaults: build/release, 5 seconds per measurement)
# Builds nothing: run `make build` first. Indexes the sample archive
# (tests/data/archive) into a temporary folder, starts migsearch-fcgi and
# nginx (config rendered from nginx.conf.example by config/render-nginx.sh,
# as admins get it), and drives it with wrk at 1, 16 and 64 connections
# with a mix of about 20 requests taken from the sample archive, rotated by
# a wrk Lua script. In the same invocation it runs
# ../shared/bench/fcgi-floor/run.sh, the cost of nginx + libfcgi with a
# responder that does nothing, and prints both side by side with the ratio
# of request rates. Not part of `make test`.
# MS_BENCH_THREADS sets server.threads (default: the config default, 4).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/build/release}
secs=${2:-5}
floor=${MS_FCGI_FLOOR:-$top/../shared/bench/fcgi-floor/run.sh}
conns=(1 16 64)
indexer=$build/indexer/migsearch-index
server=$build/fcgi/migsearch-fcgi
[ -x "$indexer" ] && [ -x "$server" ] || { echo "build first: make build" >&2; exit 2; }
command -v wrk >/dev/null && command -v nginx >/dev/null ||
    { echo "needs wrk and nginx" >&2; exit 2; }
[ -x "$floor" ] || [ -f "$floor" ] || { echo "no fcgi floor at $floor" >&2; exit 2; }

work=$(mktemp -d)
fcgi_pid=
cleanup() {
    [ -f "$work/nginx/nginx.pid" ] && kill "$(cat "$work/nginx/nginx.pid")" 2>/dev/null
    # migsearch-fcgi finishes in-flight requests on SIGTERM and exits.
    [ -n "$fcgi_pid" ] && kill "$fcgi_pid" 2>/dev/null && wait "$fcgi_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

cat >"$work/migsearch.yaml" <<YAML
index:
  path: $work/index
archive:
  path: $top/tests/data/archive
server:
  socket: $work/migsearch.sock
  socket_mode: "0600"
  socket_group: ""
  threads: ${MS_BENCH_THREADS:-4}
YAML
"$indexer" --quiet --config "$work/migsearch.yaml"
"$server" --config "$work/migsearch.yaml" 2>"$work/fcgi.log" &
fcgi_pid=$!
for _ in $(seq 100); do [ -S "$work/migsearch.sock" ] && break; sleep 0.05; done
[ -S "$work/migsearch.sock" ] || { cat "$work/fcgi.log" >&2; exit 1; }

port=$((20000 + RANDOM % 20000))
# Anonymous visitors (no auth service), and the archive folder for
# /doc/{id}/file, as render-nginx.sh documents.
sh "$top/config/render-nginx.sh" "$work/nginx" "$port" "$work/migsearch.sock" on \
    "$top/tests/data/archive" anonymous >/dev/null
nginx -p "$work/nginx/" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log"
for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$port/health" >/dev/null && break
    sleep 0.05
done
if ! curl -sf "http://127.0.0.1:$port/health" >/dev/null; then
    echo "migsearch does not answer /health" >&2
    cat "$work/nginx/error.log" >&2
    exit 1
fi

# About 20 requests a delegate's portal sends, on words, fields and
# documents of the sample archive (tests/data/archive-expected.md).
cat >"$work/mix.lua" <<'LUA'
local paths = {
  "/search?q=trafficking",
  "/search?q=remittances",
  "/search?q=%22health+workers%22",
  "/search?q=hawala",
  "/search?q=border+management&per_page=20",
  "/search?q=labour+migration&sort=newest",
  "/search?country=Kyrgyzstan",
  "/search?type=recommendation&status=implemented",
  "/search?q=trafficking&country=Kazakhstan&country=Tajikistan",
  "/search?q=remittances+AND+diaspora",
  "/search?q=traffick*",
  "/search?q=diaspora&page=2&per_page=5",
  "/search?q=scorecard",
  "/search?q=IMP%2FIKD%2F2001%2F3",
  "/search?q=transferts+de+fonds&lang=fr",
  "/search?q=trafficing",
  "/search?from=2002&to=2003&sort=oldest",
  "/suggest?q=traff",
  "/similar/ikd-2001-bishkek-recommendations",
  "/doc/ikd-2002-cholponata.r3",
  "/feed?q=trafficking",
}
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
LUA

# Every request of the mix answers 200 before anything is measured.
bad=0
while read -r path; do
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port$path")
    if [ "$code" != 200 ]; then
        echo "warning: $path answers $code" >&2
        bad=$((bad + 1))
    fi
done < <(sed -n 's/^  "\(.*\)",$/\1/p' "$work/mix.lua")
[ "$bad" = 0 ] || echo "warning: $bad requests of the mix are not 200" >&2

# connections -> "rps p50 p99 non2xx"
measure() {
    local out
    out=$(wrk -t1 -c"$1" -d"${secs}s" --latency -s "$work/mix.lua" \
        "http://127.0.0.1:$port")
    awk '/Requests\/sec/ {rps=$2} $1=="50%" {p50=$2} $1=="99%" {p99=$2}
         /Non-2xx/ {bad=$NF} END {printf "%s %s %s %s\n", rps, p50, p99, bad+0}' <<<"$out"
}

declare -A ms_rps ms_p50 ms_p99 ms_bad
for c in "${conns[@]}"; do
    read -r ms_rps[$c] ms_p50[$c] ms_p99[$c] ms_bad[$c] < <(measure "$c")
done

# The floor, in the same session, with the same durations and connections.
floor_out=$(bash "$floor" "$secs" "${conns[@]}" 2>"$work/floor.err") ||
    { cat "$work/floor.err" >&2; exit 1; }

declare -A fl_rps fl_p50 fl_p99 st_rps
while read -r path c rps _ _ p50 _ p99; do
    c=${c#c=}
    case $path in
        hello) fl_rps[$c]=$rps fl_p50[$c]=$p50 fl_p99[$c]=$p99 ;;
        static) st_rps[$c]=$rps ;;
    esac
done <<<"$floor_out"

if ! kill -0 "$fcgi_pid" 2>/dev/null; then
    echo "migsearch-fcgi DIED during the measurements:" >&2
    grep -v ' INFO ' "$work/fcgi.log" | tail -5 >&2 || true
fi
echo "sample archive: $(curl -s "http://127.0.0.1:$port/health")"
echo "wrk -t1, ${secs}s a row; migsearch: the 21-request mix; floor: fcgi-floor/run.sh"
printf '%-5s | %-40s | %-34s | %s\n' conns "migsearch req/s  p50  p99  (non-2xx)" \
    "floor (hello fcgi) req/s  p50  p99" "migsearch/floor"
for c in "${conns[@]}"; do
    ratio=$(awk -v a="${ms_rps[$c]}" -v b="${fl_rps[$c]:-0}" \
        'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')
    printf '%-5s | %10s %9s %9s (%s) | %10s %9s %9s | %s\n' "$c" "${ms_rps[$c]}" \
        "${ms_p50[$c]}" "${ms_p99[$c]}" "${ms_bad[$c]}" "${fl_rps[$c]:-?}" \
        "${fl_p50[$c]:-?}" "${fl_p99[$c]:-?}" "$ratio"
done
printf "nginx 'return 200', no FastCGI:"
for c in "${conns[@]}"; do printf '  c=%s %s req/s' "$c" "${st_rps[$c]:-?}"; done
echo
