# lisa.awk - the LISA collection's documents, queries and judgments (POSIX awk)
#
# Copyright (c) 2026 The migsearch authors
# SPDX-License-Identifier: MIT
#
# mode (-v) = docs | queries | qrels.
# docs:    "Document N", title lines up to a blank line, the abstract, then
#          a line of '*'. Four records (1998-2001) appear twice, identical;
#          emit_doc keeps the first copy.
# queries: a number line, text lines, the last ending in '#'.
# qrels:   LISARJ.NUM, a stream of numbers: query, count k, then k
#          document numbers. LISA.REL says the same in words but is damaged
#          (query 21 cut short and run into an unlabelled block, 22, 23 and
#          34 missing, 35 twice), so it is not used; where both are intact
#          they agree.

BEGIN { want = "query" }

{ sub(/\r$/, "") }

mode == "docs" && /^Document[ \t]+[0-9]+[ \t]*$/ {
    flush_doc()
    id = doc_id($2)
    in_doc = 1
    in_title = 1
    head = ""
    body = ""
    next
}

mode == "docs" && /^\*+[ \t]*$/ {
    flush_doc()
    next
}

mode == "docs" && in_doc {
    if (in_title && $0 ~ /^[ \t]*$/) {
        if (head != "")
            in_title = 0
        next
    }
    if (in_title)
        head = head == "" ? $0 : head " " $0
    else
        body = body == "" ? $0 : body "\n" $0
    next
}

mode == "queries" && !in_query {
    if ($0 ~ /^[ \t]*$/)
        next
    qid = doc_id($0)
    if (qid == "")
        warn("LISA.QUE line " NR ": expected a query number")
    in_query = 1
    qtext = ""
    next
}

mode == "queries" {
    done = sub(/#[ \t]*$/, "")
    qtext = qtext " " $0
    if (done) {
        emit_query(qid, qtext)
        in_query = 0
    }
    next
}

mode == "qrels" {
    for (i = 1; i <= NF; i++) {
        if ($i !~ /^[0-9]+$/) {
            warn("LISARJ.NUM line " NR ": not a number: " $i)
            continue
        }
        if (want == "query") {
            check_count()
            qid = doc_id($i)
            want = "count"
        } else if (want == "count") {
            stated = $i + 0
            found = 0
            want = stated > 0 ? "doc" : "query"
        } else {
            emit_qrel(qid, doc_id($i), 1)
            if (++found == stated)
                want = "query"
        }
    }
}

END {
    if (mode == "docs") {
        flush_doc()
        print collection ": " n_docs " documents" | "cat 1>&2"
    } else if (mode == "queries") {
        if (in_query)
            warn("last query has no closing '#'")
        print collection ": " n_queries " queries" | "cat 1>&2"
    } else {
        check_count()
        print collection ": " n_qrels " judgments" | "cat 1>&2"
    }
}

function flush_doc()
{
    if (!in_doc)
        return
    in_doc = 0
    emit_doc(id, head, body)
}

function check_count()
{
    if (qid != "" && stated >= 0 && stated != found)
        warn("query " qid ": " stated " relevant refs stated, " found " listed")
}
