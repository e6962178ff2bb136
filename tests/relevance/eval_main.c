/* eval_main.c - relevance-eval: score a TREC run against TREC qrels
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Usage: relevance-eval [--per-query] QRELS RUN
 * Prints "name<TAB>value" lines (queries, unanswered, map, ndcg10, p10,
 * r100), preceded with --per-query by one line per judged query. The
 * measures are defined in eval.h. Exit status: 0, 1 when a file cannot be
 * read or parsed, 2 on a usage error.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "eval.h"

static int
usage(void)
{
    fprintf(stderr, "usage: relevance-eval [--per-query] QRELS RUN\n");
    return 2;
}

static FILE *
open_input(const char *path)
{
    FILE *in = fopen(path, "r");

    if (in == NULL)
        fprintf(stderr, "relevance-eval: %s: %s\n", path, strerror(errno));
    return in;
}

static void
report_error(const char *path, ms_eval_status_t status, const ms_eval_error_t *err)
{
    if (err->line > 0)
        fprintf(stderr, "relevance-eval: %s:%lu: %s\n", path, err->line, err->text);
    else
        fprintf(stderr, "relevance-eval: %s: %s\n", path, ms_eval_status_string(status));
}

int
main(int argc, char **argv)
{
    ms_eval_qrels_t *qrels = NULL;
    ms_eval_run_t *run = NULL;
    ms_eval_report_t *report = NULL;
    ms_eval_error_t err = {0, ""};
    ms_eval_status_t status;
    FILE *in = NULL;
    int per_query = 0, arg = 1, rc = 1;

    if (argc > 1 && strcmp(argv[1], "--per-query") == 0) {
        per_query = 1;
        arg++;
    }
    if (argc - arg != 2)
        return usage();

    if ((in = open_input(argv[arg])) == NULL)
        goto out;
    status = ms_eval_qrels_read(&qrels, in, &err);
    fclose(in);
    if (status != MS_EVAL_OK) {
        report_error(argv[arg], status, &err);
        goto out;
    }
    if ((in = open_input(argv[arg + 1])) == NULL)
        goto out;
    status = ms_eval_run_read(&run, in, &err);
    fclose(in);
    if (status != MS_EVAL_OK) {
        report_error(argv[arg + 1], status, &err);
        goto out;
    }
    status = ms_eval_compare(&report, qrels, run);
    if (status != MS_EVAL_OK) {
        fprintf(stderr, "relevance-eval: %s\n", ms_eval_status_string(status));
        goto out;
    }

    if (per_query) {
        printf("# qid\trelevant\tranked\tap\tndcg10\tp10\tr100\n");
        for (size_t i = 0; i < report->n_queries; i++) {
            const ms_eval_query_result_t *q = &report->queries[i];

            printf("%s\t%zu\t%zu\t%.4f\t%.4f\t%.4f\t%.4f\n", q->qid, q->n_relevant,
                   q->n_ranked, q->metrics.ap, q->metrics.ndcg10, q->metrics.p10,
                   q->metrics.r100);
        }
    }
    printf("queries\t%zu\n", report->n_queries);
    printf("unanswered\t%zu\n", report->n_unanswered);
    printf("map\t%.4f\n", report->mean.ap);
    printf("ndcg10\t%.4f\n", report->mean.ndcg10);
    printf("p10\t%.4f\n", report->mean.p10);
    printf("r100\t%.4f\n", report->mean.r100);
    rc = 0;
out:
    ms_eval_report_free(report);
    ms_eval_run_free(run);
    ms_eval_qrels_free(qrels);
    return rc;
}
