/* test_eval.c - the relevance evaluator against examples worked out by hand
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Every expected number below is computed step by step in the comments, from
 * the definitions in eval.h, so that a wrong formula in eval.c (a rank off by
 * one, a 2^g gain, a P@10 over the hits returned) shows as a failed test.
 * log2 values used: log2(3) = 1.5849625, log2(5) = 2.3219281,
 * log2(6) = 2.5849625.
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "eval.h"

#define EPS 1e-6

/* Query "2", graded, the main example.
 *
 * Judgments: d1 grade 3, d2 grade 2, d3 grade 1, d5 grade 1 (relevant but
 * never retrieved), d4 judged NOT relevant (code -1 in the file, as
 * Cranfield writes it; grade 0 in the array). R = 4 relevant documents.
 *
 * Ranking: d2, d4, d1, d9, d3, d2. d9 is unjudged (not relevant); the
 * second d2 is a repeat and is dropped, so the distinct ranks are
 *   1 d2 (g 2)   2 d4 (g 0)   3 d1 (g 3)   4 d9 (g 0)   5 d3 (g 1)
 *
 * AP: relevant at ranks 1, 3, 5, precision there 1/1, 2/3, 3/5;
 *   (1 + 0.6666667 + 0.6) / R = 2.2666667 / 4 = 0.5666667
 * P@10: 3 relevant in the top 10, divided by 10 (not by 5 returned) = 0.3
 * R@100: 3 of the 4 relevant in the top 100 = 0.75
 * DCG@10 (gain g, discount log2(rank + 1)):
 *   2/log2(2) + 3/log2(4) + 1/log2(6) = 2 + 1.5 + 0.3868528 = 3.8868528
 * IDCG@10: all relevant grades, best first: 3, 2, 1, 1 at ranks 1..4:
 *   3/log2(2) + 2/log2(3) + 1/log2(4) + 1/log2(5)
 *   = 3 + 1.2618595 + 0.5 + 0.4306766 = 5.1925361
 * nDCG@10 = 3.8868528 / 5.1925361 = 0.7485461 */
static const ms_eval_judgment_t graded[] = {
    {"d1", 3}, {"d2", 2}, {"d3", 1}, {"d4", 0}, {"d5", 1},
};
static const char *const graded_ranking[] = {"d2", "d4", "d1", "d9", "d3", "d2"};

Test(eval, graded_query_matches_hand_computation)
{
    ms_eval_metrics_t m;

    cr_assert_eq(ms_eval_query(&m, graded_ranking, 6, graded, 5), MS_EVAL_OK);
    cr_expect_float_eq(m.ap, 0.5666667, EPS);
    cr_expect_float_eq(m.p10, 0.3, EPS);
    cr_expect_float_eq(m.r100, 0.75, EPS);
    cr_expect_float_eq(m.ndcg10, 0.7485461, EPS);
}

/* Cut-offs. Judgments: a and k relevant (grade 1), R = 2. Ranking a, then
 * b..j (9 unjudged), then k at rank 11, then l at rank 12.
 * AP = (1/1 + 2/11) / 2 = (1 + 0.1818182) / 2 = 0.5909091
 * P@10 = 1 / 10 = 0.1 (k at rank 11 is past the cut-off)
 * R@100 = 2 / 2 = 1
 * DCG@10 = 1/log2(2) = 1; IDCG@10 = 1/log2(2) + 1/log2(3) = 1.6309298;
 * nDCG@10 = 1 / 1.6309298 = 0.6131472 */
Test(eval, cutoffs_stop_at_ten_and_hundred)
{
    static const ms_eval_judgment_t judged[] = {{"k", 1}, {"a", 1}};
    static const char *const ranking[] = {"a", "b", "c", "d", "e", "f",
                                          "g", "h", "i", "j", "k", "l"};
    ms_eval_metrics_t m;

    cr_assert_eq(ms_eval_query(&m, ranking, 12, judged, 2), MS_EVAL_OK);
    cr_expect_float_eq(m.ap, 0.5909091, EPS);
    cr_expect_float_eq(m.p10, 0.1, EPS);
    cr_expect_float_eq(m.r100, 1.0, EPS);
    cr_expect_float_eq(m.ndcg10, 0.6131472, EPS);
}

/* A document judged twice keeps its best grade, and counts once: x graded
 * 1 and 3, y graded 2. */
Test(eval, repeated_judgment_keeps_best_grade)
{
    static const ms_eval_judgment_t judged[] = {{"x", 1}, {"y", 2}, {"x", 3}};
    static const char *const ranking[] = {"y", "x"};
    ms_eval_metrics_t m;

    /* R = 2 (x, y). Ranks: y (g 2) at 1, x (g 3) at 2.
     * DCG = 2/1 + 3/log2(3) = 2 + 1.8927893 = 3.8927893
     * IDCG = 3/1 + 2/log2(3) = 3 + 1.2618595 = 4.2618595
     * nDCG = 0.9134015. Had x kept grade 1 the ranking would be ideal
     * (nDCG 1); had it counted twice, R would be 3 and AP 2/3.
     * AP = (1/1 + 2/2) / 2 = 1; P@10 = 2/10 = 0.2. */
    cr_assert_eq(ms_eval_query(&m, ranking, 2, judged, 3), MS_EVAL_OK);
    cr_expect_float_eq(m.ndcg10, 0.9134015, EPS);
    cr_expect_float_eq(m.ap, 1.0, EPS);
    cr_expect_float_eq(m.p10, 0.2, EPS);
}

Test(eval, no_relevant_document_scores_zero)
{
    static const ms_eval_judgment_t judged[] = {{"x", 0}};
    static const char *const ranking[] = {"x"};
    ms_eval_metrics_t m;

    cr_assert_eq(ms_eval_query(&m, ranking, 1, judged, 1), MS_EVAL_OK);
    cr_expect_float_eq(m.ap, 0.0, EPS);
    cr_expect_float_eq(m.ndcg10, 0.0, EPS);
}

static FILE *
text_file(const char *text)
{
    FILE *f = fmemopen((void *)text, strlen(text), "r");

    cr_assert_not_null(f);
    return f;
}

/* Files: the main example as query "2", plus
 *   query "10": d7 relevant, but the run has no line for it (a query the
 *     server refused): every measure 0, and it still counts in the means;
 *   query "3": only a non-relevant judgment: not a judged query, ignored;
 *   query "4": in the run only: ignored.
 * The run lists query 2 out of rank order, to check that rank, not line
 * order or score, decides. Means over the 2 judged queries (2 and 10):
 *   MAP = (0.5666667 + 0) / 2 = 0.2833333
 *   nDCG@10 = (0.7485461 + 0) / 2 = 0.3742731
 *   P@10 = (0.3 + 0) / 2 = 0.15;  R@100 = (0.75 + 0) / 2 = 0.375
 * Queries come out in numeric order: 2 before 10. */
static const char qrels_text[] = "2 0 d1 3\n"
                                 "2 0 d2 2\n"
                                 "2 0 d3 1\n"
                                 "2 0 d4 -1\n"
                                 "\n"
                                 "2 0 d5 1\n"
                                 "10 0 d7 1\n"
                                 "3 0 d1 0\n";
static const char run_text[] = "2 Q0 d1 3 0.5 t\n"
                               "2 Q0 d2 1 0.1 t\n"
                               "2 Q0 d4 2 9.0 t\n"
                               "2 Q0 d3 5 1.0 t\n"
                               "2 Q0 d9 4 1.0 t\n"
                               "2 Q0 d2 6 0.0 t\n"
                               "4 Q0 d1 1 1.0 t\n"
                               "3 Q0 d1 1 1.0 t\n";

Test(eval, files_give_means_over_judged_queries)
{
    ms_eval_qrels_t *qrels = NULL;
    ms_eval_run_t *run = NULL;
    ms_eval_report_t *report = NULL;
    FILE *f;

    f = text_file(qrels_text);
    cr_assert_eq(ms_eval_qrels_read(&qrels, f, NULL), MS_EVAL_OK);
    fclose(f);
    f = text_file(run_text);
    cr_assert_eq(ms_eval_run_read(&run, f, NULL), MS_EVAL_OK);
    fclose(f);
    cr_assert_eq(ms_eval_compare(&report, qrels, run), MS_EVAL_OK);

    cr_assert_eq(report->n_queries, 2);
    cr_expect_eq(report->n_unanswered, 1);
    cr_expect_str_eq(report->queries[0].qid, "2");
    cr_expect_str_eq(report->queries[1].qid, "10");
    cr_expect_eq(report->queries[0].n_relevant, 4);
    cr_expect_eq(report->queries[0].n_ranked, 6);
    cr_expect_float_eq(report->queries[0].metrics.ap, 0.5666667, EPS);
    cr_expect_float_eq(report->queries[1].metrics.ap, 0.0, EPS);
    cr_expect_float_eq(report->mean.ap, 0.2833333, EPS);
    cr_expect_float_eq(report->mean.ndcg10, 0.3742731, EPS);
    cr_expect_float_eq(report->mean.p10, 0.15, EPS);
    cr_expect_float_eq(report->mean.r100, 0.375, EPS);

    ms_eval_report_free(report);
    ms_eval_run_free(run);
    ms_eval_qrels_free(qrels);
}

Test(eval, malformed_qrels_line_is_reported_with_its_number)
{
    ms_eval_qrels_t *qrels = NULL;
    ms_eval_error_t err;
    FILE *f = text_file("1 0 d1 1\n1 0 d2\n");

    cr_assert_eq(ms_eval_qrels_read(&qrels, f, &err), MS_EVAL_SYNTAX);
    fclose(f);
    cr_expect_null(qrels);
    cr_expect_eq(err.line, 2);
    cr_expect(strstr(err.text, "4 fields") != NULL, "message: %s", err.text);
}

Test(eval, non_integer_grade_is_refused)
{
    ms_eval_qrels_t *qrels = NULL;
    ms_eval_error_t err;
    FILE *f = text_file("1 0 d1 high\n");

    cr_assert_eq(ms_eval_qrels_read(&qrels, f, &err), MS_EVAL_SYNTAX);
    fclose(f);
    cr_expect_eq(err.line, 1);
}

/* Criterion may run a parameterised test in a fresh process, where a
 * pointer into the parent's data means nothing: the lines are arrays. */
struct bad_line {
    char text[32];
};

ParameterizedTestParameters(eval, malformed_run_line_is_refused)
{
    static struct bad_line lines[] = {
        {"1 Q0 d1 x 1.0 t\n"},     /* rank not a number */
        {"1 Q0 d1 -1 1.0 t\n"},    /* negative rank */
        {"1 Q0 d1 1 abc t\n"},     /* score not a number */
        {"1 Q0 d1 1 1.0\n"},       /* five fields */
        {"1 Q0 d1 1 1.0 t more\n"} /* seven fields */
    };
    return cr_make_param_array(struct bad_line, lines, sizeof(lines) / sizeof(lines[0]));
}

ParameterizedTest(struct bad_line *line, eval, malformed_run_line_is_refused)
{
    ms_eval_run_t *run = NULL;
    ms_eval_error_t err;
    FILE *f = text_file(line->text);

    cr_assert_eq(ms_eval_run_read(&run, f, &err), MS_EVAL_SYNTAX, "line: %s", line->text);
    fclose(f);
    cr_expect_null(run);
    cr_expect_eq(err.line, 1);
}
