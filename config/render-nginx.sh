#!/bin/sh
# render-nginx.sh - turn nginx.conf.example into a runnable nginx config
#
# Copyright (c) 2026 The migsearch authors
# SPDX-License-Identifier: MIT
#
# Usage: render-nginx.sh PREFIX PORT SOCKET [DAEMON [ARCHIVE [IDENTITY [KEEPALIVE]]]]
#   SOCKET    the unix socket path of migsearch-fcgi, or its TCP address
#             (server.listen), or several, separated by commas, one
#             upstream `server` each (10.77.0.11:9000,10.77.0.12:9000)
#   DAEMON    on (default) or off
#   ARCHIVE   the archive folder served by /_migsearch/files/ ("" or absent:
#             an empty folder under PREFIX, so no file is ever served)
#   IDENTITY  where the user and groups come from:
#             anonymous     (default) nobody is authenticated: every request
#                           is anonymous and sees public documents only
#             auth_request  as in the example: needs the auth service it names
#             testauth      FOR TESTS ONLY: trusts the X-Test-User and
#                           X-Test-Groups request headers; see below
#   KEEPALIVE FOR TESTS: a number N above 0 adds `keepalive N;` to the
#             upstream and turns fastcgi_keep_conn on (default 0: as in the
#             example, no kept connections)
# The example's rate and connection limits per client address would refuse
# the test suite's own bursts (its load tests send hundreds of requests a
# second from 127.0.0.1, thousands once the server is stopped and nginx
# answers 502 at once), so they are raised out of reach, unless
# MS_RENDER_LIMITS=example keeps them as written (the test of the limits,
# and `make demo`, which serves what admins are given).
# Writes PREFIX/nginx.conf (a minimal main config) and PREFIX/migsearch.conf
# (nginx.conf.example with its CHANGE lines filled in), for `make demo` and
# the integration tests, so that both run exactly what admins are given. The
# search page (/ and /static/) is served from this checkout's fcgi/www.
# Start nginx with: nginx -p PREFIX/ -c PREFIX/nginx.conf -e PREFIX/error.log
set -eu

prefix=$1 port=$2 socket=$3 daemon=${4:-on} archive=${5:-} identity=${6:-anonymous} keepalive=${7:-0}
top=$(cd "$(dirname "$0")/.." && pwd)
www=$top/fcgi/www
nginx_etc=${MS_NGINX_ETC:-/etc/nginx}

if [ -z "$archive" ]; then
    archive=$prefix/no-archive
    mkdir -p "$archive"
fi
# sed below uses '#' as its delimiter and '&' is special in replacements.
for value in "$prefix" "$socket" "$archive" "$www"; do
    case "$value" in
    *'#'* | *'&'* | *'\'*) echo "render-nginx: unsupported character in $value" >&2; exit 2 ;;
    esac
done
archive=${archive%/}/

auth='        auth_request /_migsearch/auth;'
case "$identity" in
auth_request) identity_sed="s#^$auth\$#$auth#" ;;
anonymous)
    identity_sed="s#^$auth\$#        set \$ms_user \"\"; set \$ms_groups \"\"; \# render-nginx.sh: anonymous#" ;;
testauth)
    # !!! TEST RENDERS ONLY !!! The identity comes from request headers that
    # any client can send. Never use this mode where anyone but the test
    # suite can reach nginx; nginx.conf.example itself never trusts them.
    identity_sed="s#^$auth\$#        \# !!! TESTS ONLY (render-nginx.sh testauth): identity from client headers !!!\\
        set \$ms_user \$http_x_test_user; set \$ms_groups \$http_x_test_groups;#" ;;
*) echo "render-nginx: unknown identity mode '$identity'" >&2; exit 2 ;;
esac
keep_sed='s#^##'
case "$keepalive" in
0) ;;
*[!0-9]*) echo "render-nginx: keepalive must be a number" >&2; exit 2 ;;
*) keep_sed="s#^\(    server unix:.*;\)\$#\1\\
    keepalive $keepalive;#;s#fastcgi_keep_conn off;#fastcgi_keep_conn on;#" ;;
esac
limits_sed='s#^##'
if [ "${MS_RENDER_LIMITS:-relaxed}" != example ]; then
    limits_sed='s#rate=20r/s;#rate=1000000r/s;#; s#burst=40 nodelay;#burst=1000000 nodelay;#; s#limit_conn migsearch_conn 16;#limit_conn migsearch_conn 60000;#'
fi
drop_auth_set='/^        auth_request_set \$ms_/d'
[ "$identity" = auth_request ] && drop_auth_set='s#^##'

mkdir -p "$prefix/tmp"
cp "$nginx_etc/fastcgi_params" "$nginx_etc/mime.types" "$prefix/"

case "$socket" in
/*) servers="server unix:$socket;" first="unix:$socket;" ;;
*)
    servers= first=${socket%%,*}\;
    for address in $(echo "$socket" | tr ',' ' '); do
        servers="$servers${servers:+\\
    }server $address;"
    done ;;
esac
sed -e "s#server unix:/run/migsearch/migsearch.sock;#$servers#" \
    -e "s#listen 127.0.0.1:8080;#listen 127.0.0.1:$port;#" \
    -e "s#alias /srv/migsearch/archive/;#alias $archive;#" \
    -e "s#access_log /var/log/nginx/migsearch.access.log migsearch;#access_log $prefix/access.log migsearch;#" \
    -e "s#root /srv/migsearch/www;#root $www;#" \
    -e "s#alias /srv/migsearch/www/;#alias $www/;#" \
    -e "$identity_sed" -e "$drop_auth_set" -e "$keep_sed" -e "$limits_sed" \
    "$top/nginx.conf.example" >"$prefix/migsearch.conf"
check() {
    grep -qF -- "$1" "$prefix/migsearch.conf" || { echo "render-nginx: $2 line not found" >&2; exit 1; }
}
check "$first" socket
check "127.0.0.1:$port;" listen
check "alias $archive;" alias
check "access_log $prefix/access.log migsearch;" "access log"
check "root $www;" "search page root"
check "alias $www/;" "search page alias"
check "limit_req zone=migsearch_rate" "limit_req"
case "$identity" in
anonymous) check 'set $ms_groups "";' identity ;;
testauth) check 'set $ms_groups $http_x_test_groups;' identity ;;
auth_request) check 'auth_request_set $ms_groups' identity ;;
esac
if [ "$keepalive" != 0 ]; then
    check "keepalive $keepalive;" keepalive
fi

# As root, run the workers as the invoking user so they can reach the socket
# (mode 0600, owned by that user). As anyone else nginx ignores `user`.
user_line=
if [ "$(id -u)" = 0 ]; then
    user_line="user $(id -un) $(id -gn);"
fi

cat >"$prefix/nginx.conf" <<CONF
# Generated by config/render-nginx.sh; edit nginx.conf.example instead.
$user_line
daemon $daemon;
worker_processes 1;
pid $prefix/nginx.pid;
error_log $prefix/error.log info;
events { worker_connections 256; }
http {
    include mime.types;
    access_log $prefix/access.log;
    client_body_temp_path $prefix/tmp/body;
    fastcgi_temp_path $prefix/tmp/fastcgi;
    proxy_temp_path $prefix/tmp/proxy;
    uwsgi_temp_path $prefix/tmp/uwsgi;
    scgi_temp_path $prefix/tmp/scgi;
    include migsearch.conf;
}
CONF
