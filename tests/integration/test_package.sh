#!/bin/sh
# test_package.sh - make install and the Debian package, into scratch roots
#
# Copyright (c) 2026 The migsearch authors
# SPDX-License-Identifier: MIT
#
# Usage: test_package.sh BINARY_DIR
# Installs the build with DESTDIR (as `make install` does), builds the .deb
# with cpack (as `make package` does, with this build's prefix), checks both
# file lists, the package's control files, unpacks the package into a
# scratch root, and starts the installed server on the installed config:
# its socket must appear and SIGTERM must end it with status 0. The
# installed nginx example must pass `nginx -t`.
set -eu
build=$(realpath "$1")
tmp=$(mktemp -d /tmp/ms-pkg.XXXXXX)
pid=
cleanup() {
    [ -z "$pid" ] || kill -9 "$pid" 2>/dev/null || true
    [ -n "${MS_TEST_LEAVE:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "test_package: FAIL: $*" >&2; exit 1; }

prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")
etc=$(sed -n 's/^MS_SYSCONFDIR:PATH=//p' "$build/CMakeCache.txt")
[ -n "$prefix" ] && [ -n "$etc" ] || fail "no prefix or MS_SYSCONFDIR in the cache"

# What an install holds (relative to /), for both the DESTDIR install and
# the package.
expected="
$prefix/bin/migsearch-index
$prefix/bin/migsearch-fcgi
$etc/migsearch/migsearch.yaml
$etc/migsearch/synonyms.yaml
$etc/sudoers.d/migsearch
$prefix/lib/systemd/system/migsearch-fcgi.service
$prefix/lib/systemd/system/migsearch-index.service
$prefix/lib/systemd/system/migsearch-index.timer
$prefix/share/migsearch/www/index.html
$prefix/share/migsearch/www/app.js
$prefix/share/migsearch/www/style.css
$prefix/share/migsearch/nginx.conf.example
$prefix/share/man/man1/migsearch-index.1
$prefix/share/man/man1/migsearch-fcgi.1
$prefix/share/doc/migsearch/CHANGELOG.md
$prefix/share/doc/migsearch/admins.md
$prefix/share/doc/migsearch/ops.md
$prefix/share/doc/migsearch/ops/migsearch-alerts.yml
$prefix/share/doc/migsearch/ops/prometheus-scrape.yml
$prefix/share/doc/migsearch/ops/backup.sh
$prefix/share/doc/migsearch/ops/restore.sh
$prefix/share/doc/migsearch/templates/meeting.recommendations.yaml
$prefix/bin/migsearch-replica
$prefix/share/doc/migsearch/cluster/migsearch-replicate-server.service
$prefix/share/doc/migsearch/cluster/migsearch-replica-publish.service
$prefix/share/doc/migsearch/cluster/migsearch-replica-follow.service
$prefix/share/doc/migsearch/cluster/migsearch-index-changesets.conf
$prefix/share/doc/migsearch/cluster/migsearch-fcgi-tcp.conf
"

# 1. make install: DESTDIR honoured, nothing written outside it.
DESTDIR="$tmp/destdir" cmake --install "$build" >"$tmp/install.log" 2>&1 ||
    { cat "$tmp/install.log" >&2; fail "cmake --install"; }
for f in $expected; do
    [ -f "$tmp/destdir$f" ] || fail "make install: no $f"
done
for f in $(cd "$tmp/destdir" && find . -type f | sed 's#^\.##'); do
    case "$f" in
    "$prefix"/* | "$etc"/*) ;;
    *) fail "make install wrote $f, outside the prefix and $etc" ;;
    esac
done
[ "$(stat -c %a "$tmp/destdir$etc/sudoers.d/migsearch")" = 440 ] ||
    fail "the sudoers file is not mode 0440"
if command -v visudo >/dev/null; then
    visudo -c -q -f "$tmp/destdir$etc/sudoers.d/migsearch" || fail "visudo -c on the sudoers rule"
fi
grep -qF "NOPASSWD: $prefix/bin/migsearch-index status, $prefix/bin/migsearch-index check" \
    "$tmp/destdir$etc/sudoers.d/migsearch" || fail "the sudoers rule names other binaries"

# 2. The package.
cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/pkg" \
    -D CPACK_DEBIAN_PACKAGE_SHLIBDEPS=OFF >"$tmp/cpack.log" 2>&1 ||
    { cat "$tmp/cpack.log" >&2; fail cpack; }
deb=$(ls "$tmp"/pkg/*.deb)
dpkg-deb -c "$deb" | awk '{print $NF}' | sed 's#^\.##' >"$tmp/list"
for f in $expected; do
    grep -qxF -- "$f" "$tmp/list" || fail "package: no $f"
done
dpkg-deb -e "$deb" "$tmp/control"
grep -qxF "$etc/migsearch/migsearch.yaml" "$tmp/control/conffiles" ||
    fail "the config is not a conffile"
grep -q "adduser --system --group" "$tmp/control/postinst" || fail "no postinst"
grep -q "^Version: " "$tmp/control/control" || fail "no version in control"
dpkg-deb -x "$deb" "$tmp/root"
root=$tmp/root

# The units and the man pages name this install's paths.
grep -qF "ExecStart=$prefix/bin/migsearch-fcgi --config $etc/migsearch/migsearch.yaml" \
    "$root$prefix/lib/systemd/system/migsearch-fcgi.service" || fail "fcgi unit paths"
grep -qF "ExecStart=$prefix/bin/migsearch-index --quiet --config $etc/migsearch/migsearch.yaml" \
    "$root$prefix/lib/systemd/system/migsearch-index.service" || fail "index unit paths"
grep -qF "root $prefix/share/migsearch/www;" "$root$prefix/share/migsearch/nginx.conf.example" ||
    fail "the nginx example does not serve the installed page"

# 3. The installed programs: --version, and the default config path is the
# installed one.
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
[ "$("$root$prefix/bin/migsearch-fcgi" --version)" = "migsearch-fcgi $version" ] ||
    fail "migsearch-fcgi --version"
[ "$("$root$prefix/bin/migsearch-index" --version)" = "migsearch-index $version" ] ||
    fail "migsearch-index --version"
"$root$prefix/bin/migsearch-index" --help | grep -qF "(default $etc/migsearch/migsearch.yaml)" ||
    fail "migsearch-index does not read the installed config by default"

# 4. The installed server starts on the installed config (its socket given
# on the command line, since /run/migsearch is the service's). It makes
# the socket, then starts its threads and says "listening": wait for the
# line, not the socket alone (under the sanitizers on a loaded machine the
# threads can take a while).
config=$root$etc/migsearch/migsearch.yaml
"$root$prefix/bin/migsearch-fcgi" --config "$config" --check-config >/dev/null ||
    fail "--check-config on the installed config"
"$root$prefix/bin/migsearch-fcgi" --config "$config" --socket "$tmp/s.sock" \
    >"$tmp/fcgi.log" 2>&1 &
pid=$!
i=0
until grep -q "listening socket=$tmp/s.sock" "$tmp/fcgi.log"; do
    i=$((i + 1))
    [ $i -lt 400 ] || { cat "$tmp/fcgi.log" >&2; fail "no 'listening' line"; }
    kill -0 "$pid" 2>/dev/null || { cat "$tmp/fcgi.log" >&2; fail "the installed server exited"; }
    sleep 0.05
done
[ -S "$tmp/s.sock" ] || fail "the installed server made no socket"
kill -TERM "$pid"
status=0
wait "$pid" || status=$?
pid=
[ "$status" = 0 ] || { cat "$tmp/fcgi.log" >&2; fail "SIGTERM: exit $status"; }

# 5. The installed nginx example is valid nginx (the log and socket paths
# moved into the scratch folder).
mkdir -p "$tmp/nginx"
cp /etc/nginx/fastcgi_params /etc/nginx/mime.types "$tmp/nginx/"
sed -e "s#/var/log/nginx/#$tmp/nginx/#" "$root$prefix/share/migsearch/nginx.conf.example" \
    >"$tmp/nginx/site.conf"
printf 'pid %s/nginx/pid;\nerror_log %s/nginx/error.log;\nevents {}\nhttp {\n include mime.types;\n include site.conf;\n}\n' \
    "$tmp" "$tmp" >"$tmp/nginx/nginx.conf"
"${MS_TEST_NGINX:-nginx}" -t -q -p "$tmp/nginx/" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/error.log" ||
    fail "nginx -t on the installed example"
echo "package: 1 passed, 0 failed ($deb)"
