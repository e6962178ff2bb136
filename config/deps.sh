#!/bin/sh
# deps.sh - install the Debian 12 packages migsearch needs, if missing
#
# Copyright (c) 2026 The migsearch authors
# SPDX-License-Identifier: MIT
#
# Usage: deps.sh [build|test|demo|bench]   (default: test, the superset)
# test adds Debian's Chromium for the browser tests (driven by playwright-core
# from npm, which tests/browser/run.js installs itself: no browser download).
# Checks each package with dpkg-query and runs apt-get only for what is
# missing, so a second run costs a few milliseconds. Needs root to install.
set -eu

build="build-essential cmake pkg-config libxapian-dev libfcgi-dev libjansson-dev libyaml-dev
       libpoppler-glib-dev libxml2-dev libzip-dev libutf8proc-dev"
serve="nginx-light curl"
test="libcriterion-dev libcurl4-openssl-dev xapian-tools clang-format qpdf wrk spawn-fcgi
      chromium fonts-dejavu-core"
# make fuzz and the fuzz smoke of make test (tests/fuzz/): clang and its
# libFuzzer runtime.
test="$test clang libclang-rt-14-dev"
# The other front ends of docs/admins.md (tests/integration/test_fronts.c); the
# policy below keeps their services from starting on port 80.
test="$test lighttpd apache2 libapache2-mod-xsendfile"
# The cluster test (tests/cluster/): nginx's host reads answers with jq;
# iproute2 makes the network namespaces.
test="$test jq iproute2"
# bench (make bench, tests/bench/run.sh) adds what migsearch is compared
# with: Debian's Omega CGI run behind fcgiwrap, SQLite for the FTS5 peer, g++
# for the raw libxapian loop (build-essential already brings it), GNU time
# for peak memory, jq, which reads answers when comparing results, and
# valgrind, whose instruction counts make before/after figures repeatable.
bench="xapian-omega fcgiwrap wrk libsqlite3-dev time jq valgrind"
# The peers of issue 20 (tests/bench/peers.sh): Sphinx's searchd and indexer,
# PostgreSQL 15 (initdb, pg_ctl) and the client libraries of the one C client
# (libpq; libmariadb, as SphinxQL speaks the MySQL protocol). The bench runs
# its own searchd and cluster; the policy below keeps the system's from starting.
bench="$bench sphinxsearch postgresql-15 libpq-dev libmariadb-dev"
# The browser tests (tests/browser/) also need Node.js and npm. A machine that
# has a node of its own (say from another repository) keeps it: Debian's nodejs
# and npm are added only when there is no node at all.
if ! command -v node >/dev/null 2>&1; then
    test="$test nodejs npm"
fi

case "${1:-test}" in
build) want="$build" ;;
demo) want="$build $serve" ;;
test) want="$build $serve $test" ;;
bench) want="$build $serve xapian-tools $bench" ;;
*) echo "usage: $0 [build|test|demo|bench]" >&2; exit 2 ;;
esac

missing=
for pkg in $want; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    case "$status" in
    *" installed") ;;
    *) missing="$missing $pkg" ;;
    esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
    echo "deps: missing Debian packages:$missing" >&2
    echo "deps: run as root, or: sudo apt-get install -y$missing" >&2
    exit 1
fi
echo "deps: installing$missing"
echo "deps: with apt-get; the first time this takes a few minutes"
export DEBIAN_FRONTEND=noninteractive
# Installing nginx must not start the system's nginx on port 80: we run our own
# (nor sphinxsearch's searchd or a PostgreSQL cluster: the bench starts its own).
policy=/usr/sbin/policy-rc.d
made_policy=
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && made_policy=1
fi
apt-get update -q
apt-get install -y -q --no-install-recommends $missing
echo "deps: done"
[ -n "$made_policy" ] && rm -f "$policy"
exit 0
