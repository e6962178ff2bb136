# peers-lib.sh - Sphinx and PostgreSQL started, loaded and stopped by the bench
#
# Copyright (c) 2026 The migsearch authors
# SPDX-License-Identifier: MIT
# shellcheck shell=bash disable=SC2154  # work and the tools are set by the caller
#
# Usage: . "$(dirname "$0")/peers-lib.sh"   (from tests/bench/peers.sh, after lib.sh)
# Every server runs from $work: its own config, data directory, private
# port (and PostgreSQL's socket directory), never the system's services,
# which config/deps.sh keeps from starting. peers_cleanup stops both and
# then runs lib.sh's cleanup; the caller traps it at EXIT, so they stop on
# a failure too. PostgreSQL refuses to run as root: as root the cluster
# belongs to the user postgres (runuser), otherwise to the caller.

pgbin=/usr/lib/postgresql/15/bin
searchd_pid=
pg_data=

# Runs a PostgreSQL server program as the cluster's owner.
as_pg() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

peers_cleanup() {
    set +e
    [ -n "$pg_data" ] && as_pg "$pgbin/pg_ctl" -D "$pg_data" -m immediate -w stop >/dev/null 2>&1
    if [ -n "$searchd_pid" ]; then
        kill "$searchd_pid" 2>/dev/null
        wait "$searchd_pid" 2>/dev/null
    fi
    cleanup
}

# DIR (holding sphinx.xml from peers_export): DIR/sphinx.conf, one index
# "docs" in DIR/sphinx/: xmlpipe2, stem_en, title and body fields that are
# also string attributes (SNIPPET() reads them), mid the migsearch id.
sphinx_conf() {
    local dir=$1 port=$2
    mkdir -p "$dir/sphinx"
    cat >"$dir/sphinx.conf" <<EOF
source docs
{
    type = xmlpipe2
    xmlpipe_command = cat $dir/sphinx.xml
}
index docs
{
    source = docs
    path = $dir/sphinx/docs
    morphology = stem_en
    min_word_len = 1
}
indexer
{
    mem_limit = 256M
    max_xmlpipe2_field = 64M
}
searchd
{
    listen = 127.0.0.1:$port:mysql41
    log = $dir/sphinx/searchd.log
    pid_file = $dir/sphinx/searchd.pid
    binlog_path =
    workers = threads
    # 16 clients connect at once: the default backlog of 5 drops some.
    listen_backlog = 256
    max_packet_size = 128M
}
EOF
}

# DIR: Sphinx's indexer --all; prints "seconds bytes".
sphinx_build() {
    local dir=$1 t0 t1
    t0=$(date +%s.%N)
    indexer --config "$dir/sphinx.conf" --all --quiet >"$dir/sphinx/indexer.log" 2>&1 ||
        { cat "$dir/sphinx/indexer.log" >&2; exit 1; }
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" -v s="$(du -sb "$dir/sphinx" | cut -f1)" \
        'BEGIN { printf "%.2f %s\n", b - a, s }'
}

# DIR PORT: searchd on the index of DIR, in the foreground of a child;
# sets searchd_pid, waits for its port.
sphinx_start() {
    local dir=$1 port=$2
    searchd --config "$dir/sphinx.conf" --nodetach >"$dir/sphinx/searchd.out" 2>&1 &
    searchd_pid=$!
    for _ in $(seq 200); do
        (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
        sleep 0.05
    done
    cat "$dir/sphinx/searchd.out" >&2
    exit 1
}

sphinx_stop() {
    [ -n "$searchd_pid" ] || return 0
    kill "$searchd_pid" 2>/dev/null
    wait "$searchd_pid" 2>/dev/null || true
    searchd_pid=
}

# A cluster in $work/pg/data on a private port, its socket and log in
# $work/pg (owned by the cluster's owner); sets pg_port and pg_base (the
# conninfo less the database name). A statement that runs 2 minutes fails
# the run rather than hangs it.
pg_start() {
    local dir=$work/pg
    pg_port=$(free_port)
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    as_pg "$pgbin/initdb" -D "$dir/data" -U bench -A trust -E UTF8 --locale=C \
        >"$work/initdb.log" 2>&1 || { cat "$work/initdb.log" >&2; exit 1; }
    pg_data=$dir/data
    as_pg "$pgbin/pg_ctl" -D "$pg_data" -l "$dir/log" -w \
        -o "-p $pg_port -k $dir -c listen_addresses='' -c maintenance_work_mem=256MB -c statement_timeout=120s" \
        start >/dev/null || { cat "$dir/log" >&2; exit 1; }
    pg_base="host=$dir port=$pg_port user=bench"
}

pg_sql() { # DB SQL...
    local db=$1
    shift
    psql -X -q -v ON_ERROR_STOP=1 -At "$pg_base dbname=$db" "$@"
}

# NAME DIR: database NAME from DIR/pg.copy: a generated tsvector (title
# weight A, body D), COPY, then the GIN index; prints "seconds bytes"
# (the table, its TOAST and its indexes).
pg_load() {
    local name=$1 dir=$2 t0 t1
    pg_sql postgres -c "CREATE DATABASE $name"
    pg_sql "$name" -c "CREATE TABLE docs (n int PRIMARY KEY, id text NOT NULL,
        title text, body text, tsv tsvector GENERATED ALWAYS AS
        (setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
         setweight(to_tsvector('english', coalesce(body, '')), 'D')) STORED)"
    # The load is timed, not bounded: at 1M documents the COPY alone
    # takes longer than the queries' statement_timeout (pg_start).
    t0=$(date +%s.%N)
    pg_sql "$name" -c "SET statement_timeout = 0" \
        -c "COPY docs (n, id, title, body) FROM STDIN" <"$dir/pg.copy" || return 1
    pg_sql "$name" -c "SET statement_timeout = 0" \
        -c "CREATE INDEX docs_tsv ON docs USING gin (tsv)" || return 1
    t1=$(date +%s.%N)
    pg_sql "$name" -c "SET statement_timeout = 0" -c "VACUUM ANALYZE docs" || return 1
    awk -v a="$t0" -v b="$t1" -v s="$(pg_sql "$name" -c \
        "SELECT pg_total_relation_size('docs')")" 'BEGIN { printf "%.2f %s\n", b - a, s }'
}
