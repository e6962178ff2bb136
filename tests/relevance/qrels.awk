# qrels.awk - one-judgment-per-line relevance files to TREC qrels (POSIX awk)
#
# Copyright (c) 2026 The migsearch authors
# SPDX-License-Identifier: MIT
#
# layout (-v):
#   cranfield  "query doc code": codes 1 (complete answer) .. 4 (minimum
#              interest) become grades 4 .. 1; -1 is judged not relevant (0)
#   trec       "query 0 doc rel" (MEDLINE's MED.REL): rel > 0 is relevant
#   pairs      "query doc ..." (CACM, ADI): every line is a relevant pair

{ sub(/\r$/, "") }

NF == 0 { next }

layout == "cranfield" {
    g = ($3 >= 1 && $3 <= 4) ? 5 - $3 : 0
    emit_qrel(doc_id($1), doc_id($2), g)
    next
}

layout == "trec" {
    emit_qrel(doc_id($1), doc_id($3), $4 > 0 ? 1 : 0)
    next
}

layout == "pairs" {
    emit_qrel(doc_id($1), doc_id($2), 1)
    next
}

END {
    print collection ": " n_qrels " judgments" | "cat 1>&2"
}
