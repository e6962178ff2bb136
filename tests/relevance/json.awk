# json.awk - helpers shared by the collection converters (POSIX awk)
#
# Copyright (c) 2026 The migsearch authors
# SPDX-License-Identifier: MIT
#
# Loaded with -f before a converter. The collections are ASCII; any other
# control byte is turned into a space so that every line we write is valid
# JSON whatever a file holds.

function json_escape(s)
{
    gsub(/\\/, "\\\\", s)
    gsub(/"/, "\\\"", s)
    gsub(/\t/, " ", s)
    gsub(/\r/, "", s)
    gsub(/\n/, "\\n", s)
    gsub(/[\001-\037\177]/, " ", s)
    return s
}

function trim(s)
{
    sub(/^[ \t\r\n]+/, "", s)
    sub(/[ \t\r\n]+$/, "", s)
    return s
}

# One line of text: every run of white space becomes one space.
function one_line(s)
{
    gsub(/[ \t\r\n]+/, " ", s)
    return trim(s)
}

# A collection's document number as the id we index: leading zeros dropped,
# so that "0042" in one file and "42" in another name the same document.
function doc_id(s)
{
    s = trim(s)
    if (s !~ /^[0-9]+$/)
        return ""
    sub(/^0+/, "", s)
    return s == "" ? "0" : s
}

function warn(msg)
{
    print "convert: " collection ": " msg | "cat 1>&2"
}

# One document per line in the indexer's JSON lines format
# (docs/staff.md, "JSON lines"). A repeated id is reported and skipped here
# rather than left to the indexer, so the count we print is what is indexed.
function emit_doc(id, title, text)
{
    if (id == "") {
        warn("document without a number skipped")
        return
    }
    if (id in emitted) {
        warn("document " id " repeated; the first copy is kept")
        return
    }
    emitted[id] = 1
    title = one_line(title)
    text = trim(text)
    printf "{\"id\":\"%s\"", id
    if (title != "")
        printf ",\"title\":\"%s\"", json_escape(title)
    printf ",\"text\":\"%s\",\"language\":\"en\"}\n", json_escape(text)
    n_docs++
}

function emit_query(qid, text)
{
    text = one_line(text)
    if (lower)
        text = tolower(text)
    if (qid == "" || text == "") {
        warn("query " qid " without text skipped")
        return
    }
    printf "%s\t%s\n", qid, text
    n_queries++
}

# TREC qrels: "qid 0 docid grade"; grade 0 is judged not relevant.
function emit_qrel(qid, docid, grade)
{
    if (qid == "" || docid == "") {
        warn("judgment without a query or document number skipped")
        return
    }
    printf "%s 0 %s %d\n", qid, docid, grade
    n_qrels++
}
