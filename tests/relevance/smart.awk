# smart.awk - SMART-format collections (Cranfield, MEDLINE, CACM, ADI) (POSIX awk)
#
# Copyright (c) 2026 The migsearch authors
# SPDX-License-Identifier: MIT
#
# A record starts with ".I <number>"; a line holding only ".X" (one capital
# letter) starts field X, whose text runs to the next such line. Variables
# (-v): mode = docs | queries; title = the title field letter, or "" when
# the collection has none; text = the field letters that make up the text,
# in order (e.g. "W K A"); position = 1 to number queries 1, 2, 3... in file
# order instead of by their ".I" (Cranfield: see its README).

BEGIN {
    n_text = split(text, text_fields, " ")
    record = 0
}

{ sub(/\r$/, "") }

/^\.I([ \t]|$)/ {
    flush()
    record = 1
    id = $2
    field = ""
    split("", value)
    next
}

/^\.[A-Z][ \t]*$/ {
    field = substr($0, 2, 1)
    next
}

record && field != "" {
    value[field] = (field in value) ? value[field] "\n" $0 : $0
}

END {
    flush()
    print collection ": " (mode == "docs" ? n_docs " documents" : n_queries " queries") \
        | "cat 1>&2"
}

function flush(    body, part, i)
{
    if (!record)
        return
    if (mode == "queries") {
        emit_query(position ? ++n_seen : doc_id(id), value["W"])
        return
    }
    body = ""
    for (i = 1; i <= n_text; i++) {
        part = trim(value[text_fields[i]])
        if (part != "")
            body = body == "" ? part : body "\n" part
    }
    emit_doc(doc_id(id), title == "" ? "" : value[title], body)
}
