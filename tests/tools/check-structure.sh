#!/bin/sh
# check-structure.sh - the shape rules of CONVENTIONS.md 1b, checked on every build
#
# Copyright (c) 2026 The migsearch authors
# SPDX-License-Identifier: MIT
#
# Usage: tests/tools/check-structure.sh SOURCE_DIR BUILD_DIR
#
# Fails (exit 1, one line per problem) when, in common/, config/, indexer/
# and fcgi/:
#   - a C, C++ or JavaScript file is over 600 lines;
#   - a function is over 80 lines, unless it is listed in LONG below with
#     its reason (docs/architecture.md, "Size");
#   - two object files of the build depend on each other, directly or round
#     a circle: a file that calls into another must not be called back by
#     it. Dependencies are read from the objects themselves (nm: the
#     symbols one defines and another uses), so every call counts, whatever
#     the includes say. The shim's .cc files share a private header and are
#     taken as one.
# Functions are found by the layout the conventions ask for: a definition
# has its name at column 0 and its closing brace alone at column 0
# (JavaScript: "function name(" and "export function name(" at column 0).
set -u
src=$1 build=$2
max_lines=600
max_function=80
status=0

# Functions allowed past max_function, "file:function", each with its reason
# in docs/architecture.md ("Size").
LONG='
'

problem() {
    echo "check-structure: $*"
    status=1
}

files=$(cd "$src" && find common config indexer fcgi -type f \
    \( -name '*.c' -o -name '*.h' -o -name '*.cc' -o -name '*.hh' -o -name '*.js' \) |
    LC_ALL=C sort)

for f in $files; do
    n=$(wc -l <"$src/$f")
    [ "$n" -le "$max_lines" ] || problem "$f: $n lines (at most $max_lines: split it by job)"
done
for f in $files; do
    awk -v file="$f" -v max="$max_function" '
        # C and C++: "name(" at column 0 opens a definition, "}" at column 0 ends it.
        file !~ /\.js$/ && /^[A-Za-z_][A-Za-z0-9_:]*\(/ && !/;[ \t]*$/ {
            name = $0; sub(/\(.*/, "", name); start = NR; next
        }
        file ~ /\.js$/ && /^(export )?(async )?function\*? ?[A-Za-z_$][A-Za-z0-9_$]*\(/ {
            name = $0; sub(/^(export )?(async )?function\*? ?/, "", name)
            sub(/\(.*/, "", name); start = NR; next
        }
        /^}/ && start {
            if (NR - start + 1 > max)
                printf "%s:%s %d\n", file, name, NR - start + 1
            start = 0
        }
    ' "$src/$f"
done >"${TMPDIR:-/tmp}/ms-long.$$"
while read -r where lines; do
    case "$LONG" in
    *"
$where
"*) ;;
    *) problem "$where: $lines lines (at most $max_function: split it, or list it with a reason)" ;;
    esac
done <"${TMPDIR:-/tmp}/ms-long.$$"
rm -f "${TMPDIR:-/tmp}/ms-long.$$"

# Dependency circles between object files.
objects=$(cd "$build" && find common config indexer fcgi -name '*.o' 2>/dev/null | LC_ALL=C sort)
if [ -z "$objects" ]; then
    problem "no object files under $build: build first"
else
    edges=${TMPDIR:-/tmp}/ms-edges.$$
    (cd "$build" && for o in $objects; do
        node=$(echo "$o" | sed -e 's#/CMakeFiles/[^/]*\.dir/#/#' -e 's#\.o$##' \
            -e 's#^indexer/shim/.*#indexer/shim/*#')
        nm "$o" | awk -v node="$node" '
            $1 == "U" { print "U", $2, node; next }
            NF == 3 && $2 ~ /^[TDBRVW]$/ { print "D", $3, node }'
    done) | awk '
        $1 == "D" { def[$2] = $3; next }
        { use[++n] = $2; user[n] = $3 }
        END {
            for (i = 1; i <= n; i++)
                if ((use[i] in def) && def[use[i]] != user[i])
                    print user[i], def[use[i]]
        }' | LC_ALL=C sort -u >"$edges"
    loop=$(tsort "$edges" 2>&1 >/dev/null | grep -v 'input contains a loop' |
        sed 's/^tsort: //' | LC_ALL=C sort -u)
    [ -z "$loop" ] || problem "dependency circles among: $(echo $loop)"
    rm -f "$edges"
fi
[ $status -eq 0 ] && echo "check-structure: $(echo "$files" | wc -l) files, none over $max_lines lines, no function over $max_function, no dependency circle"
# For tests/run.sh, which counts checks like tests.
echo "structure: $((1 - status)) passed, $status failed"
exit $status
