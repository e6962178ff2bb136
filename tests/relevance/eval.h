/* eval.h - ranking quality measures (MAP, nDCG@10, P@10, Recall@100) over TREC files
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * A small library for the relevance harness (tests/relevance/): it reads
 * judgments in TREC qrels format ("qid 0 docid grade") and a ranking in
 * TREC run format ("qid Q0 docid rank score tag") and scores the ranking.
 *
 * Definitions (docs/relevance.md, "Measures"):
 * - A document is relevant when its grade is > 0; the grade is its gain
 *   for nDCG (linear gain, log2(rank + 1) discount, as trec_eval's ndcg_cut).
 * - A query counts when the judgments name at least one relevant document
 *   ("judged query"). Every measure is averaged over all judged queries: a
 *   judged query the run has no line for scores 0 everywhere. Queries of
 *   the run without judgments are ignored.
 * - The ranking is the run's rank column, ascending (ties in file order),
 *   not the score: we evaluate the order the user sees. A document listed
 *   again for the same query counts only at its first rank.
 * - P@10 divides by 10 even when fewer than 10 documents were returned.
 *
 * Nothing here prints; errors come back as statuses with a message in the
 * caller's ms_eval_error_t. Not thread-safe only in the sense that an
 * object must not be freed while another thread reads it.
 */
#ifndef MS_EVAL_H
#define MS_EVAL_H

#include <stddef.h>
#include <stdio.h>

typedef enum ms_eval_status {
    MS_EVAL_OK = 0,
    MS_EVAL_NOMEM,  /* allocation failed */
    MS_EVAL_SYNTAX, /* a line of the input is malformed; see the error */
    MS_EVAL_IO      /* the input could not be read */
} ms_eval_status_t;

/* Filled on failure by the readers. Owned by the caller; may be NULL. */
typedef struct ms_eval_error {
    unsigned long line; /* 1-based line of the input; 0 when not about a line */
    char text[256];
} ms_eval_error_t;

/* One judgment of one query, as ms_eval_query takes it. Strings borrowed. */
typedef struct ms_eval_judgment {
    const char *docid;
    int grade; /* > 0: relevant, and its gain */
} ms_eval_judgment_t;

typedef struct ms_eval_metrics {
    double ap;     /* average precision */
    double ndcg10; /* nDCG at 10 */
    double p10;    /* precision at 10 */
    double r100;   /* recall at 100 */
} ms_eval_metrics_t;

/* Score one query.
 *
 * ranked:  the document ids in rank order, best first; borrowed.
 * judged:  the query's judgments; borrowed. A document judged twice
 *          keeps its highest grade.
 * Returns MS_EVAL_OK with *out filled; MS_EVAL_OK with *out all zero when
 * nothing is relevant (the caller decides whether such a query counts);
 * MS_EVAL_NOMEM. */
ms_eval_status_t ms_eval_query(ms_eval_metrics_t *out, const char *const *ranked,
                               size_t n_ranked, const ms_eval_judgment_t *judged,
                               size_t n_judged);

/* Judgments of a whole collection; opaque. */
typedef struct ms_eval_qrels ms_eval_qrels_t;

/* Read TREC qrels from 'in': four fields per line separated by blanks,
 * "qid iteration docid grade", grade an integer (negative grades count as
 * 0, not relevant). Blank lines are skipped.
 *
 * *out is owned by the caller; release it with ms_eval_qrels_free().
 * Returns MS_EVAL_OK, MS_EVAL_SYNTAX (line and reason in 'err'),
 * MS_EVAL_IO or MS_EVAL_NOMEM. */
ms_eval_status_t ms_eval_qrels_read(ms_eval_qrels_t **out, FILE *in,
                                    ms_eval_error_t *err);

/* Free judgments from ms_eval_qrels_read(). Accepts NULL. */
void ms_eval_qrels_free(ms_eval_qrels_t *qrels);

/* A ranking of a whole collection; opaque. */
typedef struct ms_eval_run ms_eval_run_t;

/* Read a TREC run from 'in': six fields per line, "qid Q0 docid rank
 * score tag"; rank a non-negative integer, score a number. Blank lines are
 * skipped.
 *
 * *out is owned by the caller; release it with ms_eval_run_free().
 * Returns as ms_eval_qrels_read(). */
ms_eval_status_t ms_eval_run_read(ms_eval_run_t **out, FILE *in, ms_eval_error_t *err);

/* Free a run from ms_eval_run_read(). Accepts NULL. */
void ms_eval_run_free(ms_eval_run_t *run);

/* One judged query of a report. */
typedef struct ms_eval_query_result {
    const char *qid;   /* owned by the report */
    size_t n_relevant; /* judged relevant documents */
    size_t n_ranked;   /* lines the run has for it */
    ms_eval_metrics_t metrics;
} ms_eval_query_result_t;

typedef struct ms_eval_report {
    size_t n_queries;                /* judged queries: the divisor of 'mean' */
    size_t n_unanswered;             /* judged queries without a run line */
    ms_eval_query_result_t *queries; /* in qid order (numeric where both are) */
    ms_eval_metrics_t mean;
} ms_eval_report_t;

/* Score 'run' against 'qrels' (both borrowed).
 *
 * *out is owned by the caller; release it with ms_eval_report_free().
 * Returns MS_EVAL_OK or MS_EVAL_NOMEM. */
ms_eval_status_t ms_eval_compare(ms_eval_report_t **out, const ms_eval_qrels_t *qrels,
                                 const ms_eval_run_t *run);

/* Free a report from ms_eval_compare(). Accepts NULL. */
void ms_eval_report_free(ms_eval_report_t *report);

/* A static English name for 'status'. Never NULL. */
const char *ms_eval_status_string(ms_eval_status_t status);

#endif /* MS_EVAL_H */
