#!/bin/sh
# test_demo.sh - `make demo` (config/demo.sh) on a busy port and beside another demo
#
# Copyright (c) 2026 The migsearch authors
# SPDX-License-Identifier: MIT
#
# Usage: test_demo.sh BINARY_DIR SOURCE_DIR
# A port another program holds is named in the error, and the demo writes
# and leaves running nothing; a demo started on a free port answers, and a
# second one on the same port (another program's now) leaves it alone.
set -eu
build=$(realpath "$1") src=$(realpath "$2")
tmp=$(mktemp -d /tmp/ms-demo.XXXXXX)
holder=
cleanup() {
    [ -z "$holder" ] || kill "$holder" 2>/dev/null || true
    MS_DEMO_DIR=$tmp/a MS_DEMO_RUN=$tmp/run-a PORT=${free:-0} sh "$src/config/demo.sh" stop 2>/dev/null || true
    [ -n "${MS_TEST_LEAVE:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "test_demo: FAIL: $*" >&2; exit 1; }
demo() { # demo NAME PORT start|stop
    BUILD=$build MS_DEMO_DIR=$tmp/$1 MS_DEMO_RUN=$tmp/run-$1 PORT=$2 sh "$src/config/demo.sh" "$3"
}
free_port() {
    perl -MIO::Socket::INET -e 'print IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1:0")->sockport'
}

# 1. A port another program listens on.
busy=$(free_port)
perl -MIO::Socket::INET -e '$s = IO::Socket::INET->new(Listen => 5, LocalAddr => "127.0.0.1:'"$busy"'", ReuseAddr => 1) or die; open(F, ">", "'"$tmp"'/listening"); close F; sleep 60' &
holder=$!
i=0
until [ -e "$tmp/listening" ] || [ $i -ge 500 ]; do i=$((i + 1)); sleep 0.01; done
status=0
demo busy "$busy" start >"$tmp/busy.out" 2>&1 || status=$?
[ "$status" != 0 ] || fail "the demo started on a busy port"
grep -q "port $busy is in use" "$tmp/busy.out" || { cat "$tmp/busy.out" >&2; fail "the error does not name the port"; }
[ ! -e "$tmp/busy" ] || fail "the demo wrote its config or index for a busy port"
[ ! -e "$tmp/run-busy/fcgi.pid" ] || fail "a server pid file was left"
pgrep -f "$tmp/busy/migsearch.yaml" >/dev/null && fail "a migsearch-fcgi of the failed demo runs on"
kill "$holder"
holder=

# 2. A demo on a free port answers; a second one on the same port, from
# another folder, names the port and leaves the first alone.
free=$(free_port)
demo a "$free" start >"$tmp/a.out" 2>&1 || { cat "$tmp/a.out" >&2; fail "the demo did not start on a free port"; }
curl -sf "http://127.0.0.1:$free/health" >/dev/null || fail "the demo does not answer"
status=0
demo b "$free" start >"$tmp/b.out" 2>&1 || status=$?
[ "$status" != 0 ] || fail "a second demo started on the first one's port"
grep -q "port $free is in use" "$tmp/b.out" || { cat "$tmp/b.out" >&2; fail "the second demo's error does not name the port"; }
[ ! -e "$tmp/b" ] || fail "the second demo wrote its folder"
curl -sf "http://127.0.0.1:$free/health" >/dev/null || fail "the first demo stopped answering"
demo a "$free" stop
curl -s --max-time 2 "http://127.0.0.1:$free/health" >/dev/null && fail "demo stop left nginx answering"
echo "demo: 1 passed, 0 failed"
