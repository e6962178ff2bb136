# lib.sh - shell helpers shared by the tests/bench scripts
#
# Copyright (c) 2026 The migsearch authors
# SPDX-License-Identifier: MIT
# shellcheck shell=bash disable=SC2154,SC2034  # work is set by the caller; the
# variables bench_args sets are read by the caller
#
# Usage: . "$(dirname "$0")/lib.sh"   (from a bash script with set -eu)
# Sourced by compare-search.sh, peer-fts5.sh, scale.sh and peers.sh; not run on its own. The caller
# sets:
#   work   a temporary folder, removed by cleanup
#   secs   seconds a wrk measurement (measure)
# and installs the trap itself, so that its exit status is kept:
#   trap 'rc=$?; cleanup; exit $rc' EXIT
# Servers started by the scripts are recorded in three arrays that cleanup
# stops: pids (plain processes), groups (process-group leaders, ended as a
# group) and nginx_pids (nginx pid files).

lib_top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# The arguments every part takes, [--quick] [BUILD_DIR] [OUTPUT], into quick
# (0 or 1), build (default build/release), output (default empty), secs
# (MS_BENCH_SECONDS, else 2 with --quick and 10 without), and the paths
# the parts share: indexer and server of the build, shared_corpus, npl.
bench_args() {
    quick=0
    if [ "${1:-}" = "--quick" ]; then
        quick=1
        shift
    fi
    build=${1:-$lib_top/build/release}
    output=${2:-}
    if [ "$quick" = 1 ]; then
        secs=${MS_BENCH_SECONDS:-2}
    else
        secs=${MS_BENCH_SECONDS:-10}
    fi
    indexer=$build/indexer/migsearch-index
    server=$build/fcgi/migsearch-fcgi
    shared_corpus=$lib_top/../shared/data/corpus
    npl=$lib_top/../shared/data/ir/npl
}

# TOOL...: exits 2 naming the first one missing from PATH.
need_tools() {
    local tool
    for tool in "$@"; do
        command -v "$tool" >/dev/null ||
            { echo "needs $tool: config/deps.sh bench (make deps-bench)" >&2; exit 2; }
    done
}
pids=()
groups=()
nginx_pids=()

cleanup() {
    set +e
    local p
    for p in "${nginx_pids[@]}"; do
        [ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null
    done
    # fcgiwrap's workers are its children, outlive it and are respawned
    # while it runs: it leads a process group of its own, ended as one.
    for p in "${groups[@]}"; do
        kill -TERM -- "-$p" 2>/dev/null
        wait "$p" 2>/dev/null
    done
    # migsearch-fcgi finishes in-flight requests on SIGTERM and exits.
    for p in "${pids[@]}"; do
        kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
    done
    rm -rf "$work"
}

# A wrk Lua script rotating through QUERIES, each sent as PREFIX<query>SUFFIX
# with the query URL-encoded.
make_lua() {
    local queries=$1 prefix=$2 suffix=$3
    {
        echo "local queries = {"
        awk '{ gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); print "  \"" $0 "\"," }' "$queries"
        echo "}"
        cat <<LUA
local prefix, suffix = "$prefix", "$suffix"
local function encode(s)
  return (s:gsub("[^%w%-%._~]", function(c)
    if c == " " then return "+" end
    return string.format("%%%02X", string.byte(c))
  end))
end
local paths = {}
for i, q in ipairs(queries) do paths[i] = prefix .. encode(q) .. suffix end
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
LUA
    }
}

# URL, lua script, connections -> "rps p50_ms p99_ms non2xx"
measure() {
    local out
    out=$(wrk -t1 -c"$3" -d"${secs}s" --timeout 10s --latency -s "$2" "$1")
    awk 'function ms(v) {
             if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0
             if (v ~ /s$/) return v * 1000; return v }
         /Requests\/sec/ {rps=$2} $1=="50%" {p50=ms($2)} $1=="99%" {p99=ms($2)}
         /Non-2xx/ {bad=$NF} END {printf "%s %.3f %.3f %s\n", rps, p50, p99, bad+0}' <<<"$out"
}

wait_http() {
    for _ in $(seq 200); do
        curl -sf -o /dev/null "$1" && return 0
        sleep 0.05
    done
    return 1
}

# REPORT: the part's Markdown section into $output (set by bench_args),
# or onto standard output when there is none.
emit_report() {
    if [ -n "$output" ]; then
        mkdir -p "$(dirname "$output")"
        cp "$1" "$output"
        echo "written: $output" >&2
    else
        cat "$1"
    fi
}

# DIR ARCHIVE [YAML]: DIR/migsearch.yaml, the shipped config apart from
# paths (index DIR/index, the shipped synonyms, ARCHIVE, the socket
# start_migsearch wants, its group left to the process, as a benchmark does
# not run as www-data), plus YAML lines under index: ("  spelling: false").
bench_config() {
    cat >"$1/migsearch.yaml" <<YAML
index:
  path: $1/index
  synonyms: $lib_top/config/synonyms.yaml
${3:-}
archive:
  path: $2
server:
  socket: $1/migsearch.sock
  socket_mode: "0600"
  socket_group: ""
YAML
}

# A loopback port for a server the bench starts, not listened on now, and
# below the kernel's ephemeral range: client sockets (wrk's, a search
# host's connections to its shards) take their ports there, and a server
# cannot listen on a port a client socket holds (nginx's "bind() ...
# Address already in use" ended a run of shards.sh that way).
free_port() {
    local low port
    read -r low _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || low=32768
    [ "$low" -gt 11000 ] || low=32768
    while :; do
        port=$((10000 + RANDOM % (low - 10000)))
        (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
    done
}

# SERVER DIR ARCHIVE: starts migsearch-fcgi (the binary SERVER) with
# DIR/migsearch.yaml, whose server.socket must be DIR/migsearch.sock, and an
# nginx in front of it as config/render-nginx.sh renders it for admins
# (anonymous identity, ARCHIVE served for /doc/{id}/file), logs in DIR. Sets
# started_pid (migsearch-fcgi) and started_port (nginx's) and waits until
# /health answers; exits the script when it does not.
start_migsearch() {
    local server=$1 dir=$2 archive=$3
    no_kept_answers "$dir/migsearch.yaml"
    "$server" --config "$dir/migsearch.yaml" </dev/null >/dev/null 2>"$dir/fcgi.log" &
    started_pid=$!
    pids+=("$started_pid")
    for _ in $(seq 100); do [ -S "$dir/migsearch.sock" ] && break; sleep 0.05; done
    started_port=$(free_port)
    sh "$lib_top/config/render-nginx.sh" "$dir/nginx" "$started_port" \
        "$dir/migsearch.sock" on "$archive" anonymous >/dev/null
    nginx -p "$dir/nginx/" -c "$dir/nginx/nginx.conf" -e "$dir/nginx/error.log"
    nginx_pids+=("$dir/nginx/nginx.pid")
    wait_http "http://127.0.0.1:$started_port/health" ||
        { cat "$dir/fcgi.log" "$dir/nginx/error.log" >&2; exit 1; }
}

# DIR PORT LOCATION SOCKET LOG [PARAMS]: an nginx of one worker in DIR on
# 127.0.0.1:PORT that passes LOCATION to the FastCGI socket SOCKET, with
# an access log if LOG is "on" and the fastcgi_param lines PARAMS; its pid
# file added to nginx_pids. The socket's folder must be one the user
# running this can reach (nginx's workers run as that user).
start_fcgi_nginx() {
    local dir=$1 port=$2 location=$3 socket=$4 log=off
    [ "$5" = on ] && log="$dir/access.log"
    mkdir -p "$dir/tmp"
    cat >"$dir/nginx.conf" <<NGINX
user $(id -un) $(id -gn);
daemon on;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 1024; }
http {
    access_log $log;
    client_body_temp_path $dir/tmp/body;
    fastcgi_temp_path $dir/tmp/fastcgi;
    proxy_temp_path $dir/tmp/proxy;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    server {
        listen 127.0.0.1:$port;
        location = $location {
            include /etc/nginx/fastcgi_params;
            ${6:-}
            fastcgi_pass unix:$socket;
        }
    }
}
NGINX
    nginx -p "$dir/" -c "$dir/nginx.conf" -e "$dir/error.log"
    nginx_pids+=("$dir/nginx.pid")
}

# Debian's xapian-omega CGI, which compare-search.sh, limit.sh and peers.sh measure
# beside migsearch (need_omega checks it is installed).
omega_cgi=/usr/lib/cgi-bin/omega/omega
omega_templates=/usr/share/xapian-omega/templates
need_omega() {
    need_tools omindex fcgiwrap xapian-delve
    [ -x "$omega_cgi" ] || { echo "needs xapian-omega: make deps-bench" >&2; exit 2; }
}

# DIR ARCHIVE THREADS AVOID_PORT: Omega over ARCHIVE, as an intranet team
# would run it: omindex into DIR/omega (text and Markdown as text/plain,
# YAML and JSON lines left out), the CGI behind fcgiwrap (THREADS children)
# and an nginx like the one render-nginx.sh writes (one worker, an access
# log) on a free port other than AVOID_PORT. Sets omega_url,
# omega_index_secs and omega_docs; exits the script when it does not answer.
start_omega() {
    local dir=$1 archive=$2 threads=$3 avoid=$4 t0 t1 oport
    mkdir -p "$dir/omega/data" "$dir/omega/log" "$dir/omega/cdb"
    t0=$(date +%s.%N)
    omindex --follow --db "$dir/omega/data/default" --url / \
        -M md:text/plain -M txt:text/plain -M yaml:ignore -M yml:ignore \
        -M jsonl:ignore "$archive" >"$dir/omindex.log" 2>&1 ||
        { tail -5 "$dir/omindex.log" >&2; exit 1; }
    t1=$(date +%s.%N)
    omega_index_secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}')
    omega_docs=$(xapian-delve "$dir/omega/data/default" 2>/dev/null |
        awk '/number of documents/ {print $NF}')
    cat >"$dir/omega/omega.conf" <<CONF
database_dir $dir/omega/data
template_dir $omega_templates
log_dir $dir/omega/log
cdb_dir $dir/omega/cdb
CONF
    setsid fcgiwrap -c "$threads" -s "unix:$dir/fcgiwrap.sock" </dev/null >/dev/null \
        2>"$dir/fcgiwrap.log" &
    groups+=($!)
    for _ in $(seq 100); do [ -S "$dir/fcgiwrap.sock" ] && break; sleep 0.05; done
    oport=$(free_port)
    [ "$oport" != "$avoid" ] || oport=$((oport + 1))
    # Like the nginx.conf render-nginx.sh writes: one worker, an access log.
    start_fcgi_nginx "$dir/onginx" "$oport" /omega "$dir/fcgiwrap.sock" on \
        "fastcgi_param SCRIPT_FILENAME $omega_cgi;
            fastcgi_param OMEGA_CONFIG_FILE $dir/omega/omega.conf;"
    omega_url=http://127.0.0.1:$oport
    wait_http "$omega_url/omega?P=test" ||
        { cat "$dir/onginx/error.log" "$dir/fcgiwrap.log" >&2; exit 1; }
}

# CONFIG: a bench measures searching, so its server keeps no answers to
# give again (search.result_cache_mb: 0), unless CONFIG names the setting
# (zipf-ab.sh's MS_ZIPF_*_SEARCH, peers.sh's Zipf stream with answers
# kept): a bench asks the same queries again and again, and every answer
# after the first would be a kept one (docs/benchmarks.md).
no_kept_answers() {
    grep -q '^  result_cache_mb:' "$1" || search_setting "$1" "result_cache_mb: 0"
}

# CONFIG SETTING: the line "key: value" SETTING put under CONFIG's search:
# mapping, or in a new one at its end: YAML gives a key once, and
# migsearch refuses a second search: mapping.
search_setting() {
    if grep -q '^search:$' "$1"; then
        sed -i "s/^search:\$/search:\n  $2/" "$1"
    else
        printf 'search:\n  %s\n' "$2" >>"$1"
    fi
}

# DIR: stops what start_migsearch DIR started (cleanup would stop it too, at
# exit; this frees the index and the port earlier).
stop_migsearch() {
    local dir=$1 pid=$started_pid
    [ -f "$dir/nginx/nginx.pid" ] && kill "$(cat "$dir/nginx/nginx.pid")" 2>/dev/null
    kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    for _ in $(seq 100); do [ -f "$dir/nginx/nginx.pid" ] || break; sleep 0.05; done
    return 0
}

# The sample archive's topics; also the tail of the large corpus's list,
# whose first part is about migration too.
sample_queries() {
    cat <<'EOF'
trafficking
remittances
"health workers"
hawala
border management
labour migration
diaspora
scorecard
remittances diaspora
trafficking kazakhstan
return migration
visa
migrant workers rights
integration policy
migration statistics
trafficing
EOF
}

# corpus -> $work/<corpus>/archive (the folder every engine reads) and
# $work/<corpus>/queries (one query a line). "sample" is tests/data/archive,
# read in place; "large" is every .md and .txt file of the shared corpus
# (copied: the indexer refuses links that lead out of the archive) plus NPL's documents written one .txt
# file each, queried by NPL's queries (lowered, cut to 5 words) and then
# the sample's list. The caller sets shared_corpus and npl.
prepare() {
    local name=$1 dir=$work/$1
    mkdir -p "$dir"
    if [ "$name" = sample ]; then
        ln -s "$lib_top/tests/data/archive" "$dir/archive"
        sample_queries >"$dir/queries"
        return
    fi
    mkdir -p "$dir/archive/npl" "$dir/archive/corpus"
    # The shared corpus, .md and .txt only (what both read), copied into
    # the bench's temporary folder: migsearch-index skips a symbolic link
    # that leads out of its archive (issue 14), so links would index nothing.
    (cd "$shared_corpus" && find . -type f \( -name '*.md' -o -name '*.txt' \) -print0) |
        (cd "$shared_corpus" && xargs -0 cp --parents -t "$dir/archive/corpus")
    # NPL's doc-text: a number line, text lines, a "/" line, a record each.
    awk -v out="$dir/archive/npl" '
        /^ *\/ *$/ { if (file != "") close(file); file = ""; next }
        file == "" && /^[0-9]+ *$/ { file = sprintf("%s/npl-%05d.txt", out, $1); next }
        file != "" { print > file }' "$npl/doc-text"
    sh "$lib_top/tests/relevance/convert.sh" npl "$npl" "$dir/npl" 2>/dev/null
    # NPL's queries are in capitals: lowered, as a delegate types, so that
    # every engine gets words (Omega, FTS5 and the raw loop read capitals
    # as exact forms or operators; migsearch lowers a query in capitals).
    cut -f2 "$dir/npl/queries.tsv" | awk '{ $0 = tolower($0); n = NF < 5 ? NF : 5
        line = $1; for (i = 2; i <= n; i++) line = line " " $i
        if (line != "") print line }' >"$dir/queries"
    sample_queries >>"$dir/queries"
}

# OUT: tests/bench/raw_xapian.cc compiled against libxapian (with the shim's
# stop list from indexer/shim/stopwords.h).
build_raw_xapian() {
    # xapian-config prints several flags: split on purpose.
    # shellcheck disable=SC2046
    g++ -O2 -std=c++17 -I "$lib_top/indexer/shim" -o "$1" "$lib_top/tests/bench/raw_xapian.cc" \
        $(xapian-config --cxxflags --libs)
}
