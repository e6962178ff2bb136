/* eval.c - ranking quality measures over TREC qrels and run files
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The files are small (at most a few hundred thousand lines), so both are
 * read whole into arrays and sorted; a query's lines are then one slice of
 * each array, found by binary search. The definitions of the measures are
 * in eval.h.
 */
#include "eval.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define CUTOFF_PRECISION 10
#define CUTOFF_NDCG 10
#define CUTOFF_RECALL 100

struct qrel_line {
    char *qid;
    char *docid;
    int grade;
};

struct ms_eval_qrels {
    struct qrel_line *items;
    size_t n;
};

struct run_line {
    char *qid;
    char *docid;
    unsigned long rank;
    size_t order; /* line position in the file: breaks ties in rank */
};

struct ms_eval_run {
    struct run_line *items;
    size_t n;
};

const char *
ms_eval_status_string(ms_eval_status_t status)
{
    switch (status) {
    case MS_EVAL_OK:
        return "ok";
    case MS_EVAL_NOMEM:
        return "out of memory";
    case MS_EVAL_SYNTAX:
        return "syntax error";
    case MS_EVAL_IO:
        return "read error";
    }
    return "unknown status";
}

static ms_eval_status_t
set_error(ms_eval_error_t *err, ms_eval_status_t status, unsigned long line,
          const char *fmt, ...)
{
    va_list ap;

    if (err == NULL)
        return status;
    err->line = line;
    va_start(ap, fmt);
    vsnprintf(err->text, sizeof(err->text), fmt, ap);
    va_end(ap);
    return status;
}

/* Query ids compare as numbers when both are digits only (so 9 < 10, and
 * 01 equals 1), otherwise as bytes. */
static int
is_digits(const char *s)
{
    if (*s == '\0')
        return 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return 0;
    }
    return 1;
}

static int
qid_cmp(const char *a, const char *b)
{
    size_t la, lb;

    if (!is_digits(a) || !is_digits(b))
        return strcmp(a, b);
    while (a[0] == '0' && a[1] != '\0')
        a++;
    while (b[0] == '0' && b[1] != '\0')
        b++;
    la = strlen(a);
    lb = strlen(b);
    if (la != lb)
        return la < lb ? -1 : 1;
    return strcmp(a, b);
}

static int
qrel_line_cmp(const void *pa, const void *pb)
{
    const struct qrel_line *a = pa, *b = pb;
    int c = qid_cmp(a->qid, b->qid);

    if (c == 0)
        c = strcmp(a->docid, b->docid);
    /* A document judged twice: its highest grade first, the one that counts. */
    return c != 0 ? c : (a->grade > b->grade ? -1 : a->grade < b->grade);
}

static int
run_line_cmp(const void *pa, const void *pb)
{
    const struct run_line *a = pa, *b = pb;
    int c = qid_cmp(a->qid, b->qid);

    if (c != 0)
        return c;
    if (a->rank != b->rank)
        return a->rank < b->rank ? -1 : 1;
    return a->order < b->order ? -1 : (a->order > b->order);
}

/* Split 'line' in place into at most 'max' blank-separated fields.
 * Returns the number of fields found, or max + 1 when there are more. */
static size_t
split_fields(char **fields, size_t max, char *line)
{
    size_t n = 0;
    char *save = NULL;

    for (char *tok = strtok_r(line, " \t\r\n", &save); tok != NULL;
         tok = strtok_r(NULL, " \t\r\n", &save)) {
        if (n == max)
            return max + 1;
        fields[n++] = tok;
    }
    return n;
}

/* Grow '*items' (of 'size'-byte elements) to hold one more than 'n'. */
static int
reserve(void **items, size_t *cap, size_t n, size_t size)
{
    void *grown;
    size_t want;

    if (n < *cap)
        return 0;
    want = *cap ? *cap * 2 : 256;
    grown = realloc(*items, want * size);
    if (grown == NULL)
        return -1;
    *items = grown;
    *cap = want;
    return 0;
}

/* Parse 'text' as a whole integer in [min, max]. Returns 0 or -1. */
static int
parse_long(long *out, const char *text, long min, long max)
{
    char *end;
    long value;

    errno = 0;
    value = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || value < min || value > max)
        return -1;
    *out = value;
    return 0;
}

void
ms_eval_qrels_free(ms_eval_qrels_t *qrels)
{
    if (qrels == NULL)
        return;
    for (size_t i = 0; i < qrels->n; i++) {
        free(qrels->items[i].qid);
        free(qrels->items[i].docid);
    }
    free(qrels->items);
    free(qrels);
}

ms_eval_status_t
ms_eval_qrels_read(ms_eval_qrels_t **out, FILE *in, ms_eval_error_t *err)
{
    ms_eval_qrels_t *qrels = calloc(1, sizeof(*qrels));
    ms_eval_status_t status = MS_EVAL_OK;
    char *line = NULL, *fields[4];
    size_t line_cap = 0, cap = 0;
    unsigned long line_no = 0;
    long grade;

    *out = NULL;
    if (qrels == NULL)
        return set_error(err, MS_EVAL_NOMEM, 0, "out of memory");
    errno = 0;
    while (getline(&line, &line_cap, in) != -1) {
        struct qrel_line *item;
        size_t n;

        line_no++;
        n = split_fields(fields, 4, line);
        if (n == 0)
            continue;
        if (n != 4) {
            status = set_error(err, MS_EVAL_SYNTAX, line_no,
                               "expected 4 fields (qid iteration docid grade)");
            goto out;
        }
        if (parse_long(&grade, fields[3], -1000000, 1000000) != 0) {
            status = set_error(err, MS_EVAL_SYNTAX, line_no, "grade is not an integer");
            goto out;
        }
        if (reserve((void **)&qrels->items, &cap, qrels->n, sizeof(*qrels->items)) != 0)
            goto nomem;
        item = &qrels->items[qrels->n];
        item->qid = strdup(fields[0]);
        item->docid = strdup(fields[2]);
        item->grade = grade > 0 ? (int)grade : 0;
        qrels->n++;
        if (item->qid == NULL || item->docid == NULL)
            goto nomem;
        errno = 0;
    }
    if (ferror(in)) {
        status = set_error(err, MS_EVAL_IO, line_no, "%s", strerror(errno));
        goto out;
    }
    if (errno == ENOMEM)
        goto nomem;
    if (qrels->n > 1)
        qsort(qrels->items, qrels->n, sizeof(*qrels->items), qrel_line_cmp);
    goto out;
nomem:
    status = set_error(err, MS_EVAL_NOMEM, line_no, "out of memory");
out:
    free(line);
    if (status != MS_EVAL_OK)
        ms_eval_qrels_free(qrels);
    else
        *out = qrels;
    return status;
}

void
ms_eval_run_free(ms_eval_run_t *run)
{
    if (run == NULL)
        return;
    for (size_t i = 0; i < run->n; i++) {
        free(run->items[i].qid);
        free(run->items[i].docid);
    }
    free(run->items);
    free(run);
}

ms_eval_status_t
ms_eval_run_read(ms_eval_run_t **out, FILE *in, ms_eval_error_t *err)
{
    ms_eval_run_t *run = calloc(1, sizeof(*run));
    ms_eval_status_t status = MS_EVAL_OK;
    char *line = NULL, *fields[6], *end;
    size_t line_cap = 0, cap = 0;
    unsigned long line_no = 0;
    long rank;

    *out = NULL;
    if (run == NULL)
        return set_error(err, MS_EVAL_NOMEM, 0, "out of memory");
    errno = 0;
    while (getline(&line, &line_cap, in) != -1) {
        struct run_line *item;
        size_t n;

        line_no++;
        n = split_fields(fields, 6, line);
        if (n == 0)
            continue;
        if (n != 6) {
            status = set_error(err, MS_EVAL_SYNTAX, line_no,
                               "expected 6 fields (qid Q0 docid rank score tag)");
            goto out;
        }
        if (parse_long(&rank, fields[3], 0, 1000000000L) != 0) {
            status = set_error(err, MS_EVAL_SYNTAX, line_no,
                               "rank is not a non-negative integer");
            goto out;
        }
        errno = 0;
        (void)strtod(fields[4], &end);
        if (end == fields[4] || *end != '\0') {
            status = set_error(err, MS_EVAL_SYNTAX, line_no, "score is not a number");
            goto out;
        }
        if (reserve((void **)&run->items, &cap, run->n, sizeof(*run->items)) != 0)
            goto nomem;
        item = &run->items[run->n];
        item->qid = strdup(fields[0]);
        item->docid = strdup(fields[2]);
        item->rank = (unsigned long)rank;
        item->order = run->n;
        run->n++;
        if (item->qid == NULL || item->docid == NULL)
            goto nomem;
        errno = 0;
    }
    if (ferror(in)) {
        status = set_error(err, MS_EVAL_IO, line_no, "%s", strerror(errno));
        goto out;
    }
    if (errno == ENOMEM)
        goto nomem;
    if (run->n > 1)
        qsort(run->items, run->n, sizeof(*run->items), run_line_cmp);
    goto out;
nomem:
    status = set_error(err, MS_EVAL_NOMEM, line_no, "out of memory");
out:
    free(line);
    if (status != MS_EVAL_OK)
        ms_eval_run_free(run);
    else
        *out = run;
    return status;
}

/* --- one query --- */

struct ranked_ref {
    const char *docid;
    size_t position;
};

static int
judgment_cmp(const void *pa, const void *pb)
{
    const ms_eval_judgment_t *a = pa, *b = pb;
    int c = strcmp(a->docid, b->docid);

    /* Highest grade first, so that deduplication keeps it. */
    return c != 0 ? c : (a->grade > b->grade ? -1 : a->grade < b->grade);
}

static int
ranked_ref_cmp(const void *pa, const void *pb)
{
    const struct ranked_ref *a = pa, *b = pb;
    int c = strcmp(a->docid, b->docid);

    return c != 0 ? c : (a->position < b->position ? -1 : a->position > b->position);
}

static int
grade_desc_cmp(const void *pa, const void *pb)
{
    int a = *(const int *)pa, b = *(const int *)pb;

    return a > b ? -1 : a < b;
}

/* The grade of 'docid' in the sorted, deduplicated 'judged'; 0 if absent. */
static int
grade_of(const ms_eval_judgment_t *judged, size_t n, const char *docid)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(judged[mid].docid, docid);

        if (c == 0)
            return judged[mid].grade;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

ms_eval_status_t
ms_eval_query(ms_eval_metrics_t *out, const char *const *ranked, size_t n_ranked,
              const ms_eval_judgment_t *judged, size_t n_judged)
{
    ms_eval_judgment_t *qrels = NULL;
    struct ranked_ref *refs = NULL;
    unsigned char *repeated = NULL;
    int *gains = NULL;
    size_t n_qrels = 0, n_relevant = 0, found = 0, rank = 0;
    double ap = 0.0, dcg = 0.0, idcg = 0.0;
    size_t top_precision = 0, top_recall = 0;
    ms_eval_status_t status = MS_EVAL_OK;

    memset(out, 0, sizeof(*out));
    qrels = malloc((n_judged ? n_judged : 1) * sizeof(*qrels));
    gains = malloc((n_judged ? n_judged : 1) * sizeof(*gains));
    refs = malloc((n_ranked ? n_ranked : 1) * sizeof(*refs));
    repeated = calloc(n_ranked ? n_ranked : 1, 1);
    if (qrels == NULL || gains == NULL || refs == NULL || repeated == NULL) {
        status = MS_EVAL_NOMEM;
        goto out;
    }

    /* Judgments: sorted by document, one per document (its best grade). */
    memcpy(qrels, judged, n_judged * sizeof(*qrels));
    qsort(qrels, n_judged, sizeof(*qrels), judgment_cmp);
    for (size_t i = 0; i < n_judged; i++) {
        if (n_qrels > 0 && strcmp(qrels[n_qrels - 1].docid, qrels[i].docid) == 0)
            continue;
        qrels[n_qrels++] = qrels[i];
    }
    for (size_t i = 0; i < n_qrels; i++) {
        if (qrels[i].grade > 0)
            gains[n_relevant++] = qrels[i].grade;
    }
    if (n_relevant == 0)
        goto out;

    /* The ideal ranking: every relevant document, highest grade first. */
    qsort(gains, n_relevant, sizeof(*gains), grade_desc_cmp);
    for (size_t i = 0; i < n_relevant && i < CUTOFF_NDCG; i++)
        idcg += gains[i] / log2((double)i + 2.0);

    /* A document the ranking lists again counts at its first rank only. */
    for (size_t i = 0; i < n_ranked; i++) {
        refs[i].docid = ranked[i];
        refs[i].position = i;
    }
    qsort(refs, n_ranked, sizeof(*refs), ranked_ref_cmp);
    for (size_t i = 1; i < n_ranked; i++) {
        if (strcmp(refs[i - 1].docid, refs[i].docid) == 0)
            repeated[refs[i].position] = 1;
    }

    for (size_t i = 0; i < n_ranked; i++) {
        int grade;

        if (repeated[i])
            continue;
        rank++;
        grade = grade_of(qrels, n_qrels, ranked[i]);
        if (grade <= 0)
            continue;
        found++;
        ap += (double)found / (double)rank;
        if (rank <= CUTOFF_NDCG)
            dcg += grade / log2((double)rank + 1.0);
        if (rank <= CUTOFF_PRECISION)
            top_precision++;
        if (rank <= CUTOFF_RECALL)
            top_recall++;
    }
    out->ap = ap / (double)n_relevant;
    out->ndcg10 = dcg / idcg;
    out->p10 = (double)top_precision / CUTOFF_PRECISION;
    out->r100 = (double)top_recall / (double)n_relevant;
out:
    free(qrels);
    free(gains);
    free(refs);
    free(repeated);
    return status;
}

/* --- a whole run --- */

void
ms_eval_report_free(ms_eval_report_t *report)
{
    if (report == NULL)
        return;
    free(report->queries);
    free(report);
}

/* First run line of 'qid', or run->n. */
static size_t
run_lower_bound(const ms_eval_run_t *run, const char *qid)
{
    size_t lo = 0, hi = run->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (qid_cmp(run->items[mid].qid, qid) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

ms_eval_status_t
ms_eval_compare(ms_eval_report_t **out, const ms_eval_qrels_t *qrels,
                const ms_eval_run_t *run)
{
    ms_eval_report_t *report = calloc(1, sizeof(*report));
    ms_eval_judgment_t *judged = NULL;
    const char **ranked = NULL;
    ms_eval_status_t status = MS_EVAL_OK;
    size_t start, end;

    *out = NULL;
    judged = malloc((qrels->n ? qrels->n : 1) * sizeof(*judged));
    ranked = malloc((run->n ? run->n : 1) * sizeof(*ranked));
    if (report != NULL)
        report->queries = calloc(qrels->n ? qrels->n : 1, sizeof(*report->queries));
    if (report == NULL || report->queries == NULL || judged == NULL || ranked == NULL) {
        status = MS_EVAL_NOMEM;
        goto out;
    }

    for (start = 0; start < qrels->n; start = end) {
        const char *qid = qrels->items[start].qid;
        ms_eval_query_result_t *result;
        size_t n_relevant = 0, n_ranked = 0, first;

        for (end = start; end < qrels->n && qid_cmp(qrels->items[end].qid, qid) == 0;
             end++) {
            judged[end - start].docid = qrels->items[end].docid;
            judged[end - start].grade = qrels->items[end].grade;
            n_relevant += qrels->items[end].grade > 0;
        }
        if (n_relevant == 0)
            continue;
        for (first = run_lower_bound(run, qid);
             first + n_ranked < run->n &&
             qid_cmp(run->items[first + n_ranked].qid, qid) == 0;
             n_ranked++)
            ranked[n_ranked] = run->items[first + n_ranked].docid;

        result = &report->queries[report->n_queries++];
        result->qid = qid;
        status = ms_eval_query(&result->metrics, ranked, n_ranked, judged, end - start);
        if (status != MS_EVAL_OK)
            goto out;
        /* The lines are sorted by document, best grade first: the first
         * line of each document is the judgment that counts. */
        result->n_relevant = 0;
        for (size_t i = 0; i < end - start; i++) {
            if (judged[i].grade > 0 &&
                (i == 0 || strcmp(judged[i - 1].docid, judged[i].docid) != 0))
                result->n_relevant++;
        }
        result->n_ranked = n_ranked;
        if (n_ranked == 0)
            report->n_unanswered++;
        report->mean.ap += result->metrics.ap;
        report->mean.ndcg10 += result->metrics.ndcg10;
        report->mean.p10 += result->metrics.p10;
        report->mean.r100 += result->metrics.r100;
    }
    if (report->n_queries > 0) {
        report->mean.ap /= (double)report->n_queries;
        report->mean.ndcg10 /= (double)report->n_queries;
        report->mean.p10 /= (double)report->n_queries;
        report->mean.r100 /= (double)report->n_queries;
    }
out:
    free(judged);
    free(ranked);
    if (status != MS_EVAL_OK)
        ms_eval_report_free(report);
    else
        *out = report;
    return status;
}
