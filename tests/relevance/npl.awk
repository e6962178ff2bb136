# npl.awk - the NPL (Vaswani) collection's three files (POSIX awk)
#
# Copyright (c) 2026 The migsearch authors
# SPDX-License-Identifier: MIT
#
# All three are blocks of a number line, then lines, then a line holding
# only "/". mode (-v) = docs | queries | qrels. NPL has no title field.

{ sub(/\r$/, "") }

/^[ \t]*\/[ \t]*$/ {
    flush()
    next
}

!in_block {
    if ($0 ~ /^[ \t]*$/)
        next
    in_block = 1
    id = doc_id($0)
    if (id == "")
        warn("line " NR ": expected a number, found '" $0 "'")
    body = ""
    next
}

{ body = body == "" ? $0 : body "\n" $0 }

END {
    if (in_block)
        flush()
    if (mode == "docs")
        print collection ": " n_docs " documents" | "cat 1>&2"
    else if (mode == "queries")
        print collection ": " n_queries " queries" | "cat 1>&2"
    else
        print collection ": " n_qrels " judgments" | "cat 1>&2"
}

function flush(    n, ids, i)
{
    if (!in_block)
        return
    in_block = 0
    if (mode == "docs") {
        emit_doc(id, "", body)
    } else if (mode == "queries") {
        emit_query(id, body)
    } else {
        n = split(body, ids, /[ \t\n]+/)
        for (i = 1; i <= n; i++) {
            if (ids[i] != "")
                emit_qrel(id, doc_id(ids[i]), 1)
        }
    }
}
