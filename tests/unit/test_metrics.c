/* test_metrics.c - the Prometheus counters behind GET /metrics
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Criterion runs each test in its own process, so every test starts from
 * zeroed counters. Endpoints are the rows of the route table (ms_route.h),
 * found here by path as the server finds them.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ms_metrics.h"
#include "ms_route.h"

/* The value of the sample whose name and labels are exactly 'series'. */
static double
sample(const char *text, const char *series)
{
    size_t len = strlen(series);
    for (const char *line = text; line && *line;
         line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (strncmp(line, series, len) == 0 && line[len] == ' ')
            return strtod(line + len + 1, NULL);
    }
    cr_assert_fail("no sample %s in:\n%s", series, text);
    return -1;
}

/* The metrics endpoint of a request for 'path'. */
static size_t
endpoint(const char *path)
{
    const char *id;
    size_t id_length;

    return ms_route_endpoint(ms_route_match(path, &id, &id_length));
}

/* The label /metrics counts a request for 'path' under. */
static const char *
label(const char *path)
{
    const char *id;
    size_t id_length;
    const ms_route_t *route = ms_route_match(path, &id, &id_length);

    return route != NULL ? route->label : "other";
}

static char *
render(void)
{
    const char *labels[MS_METRICS_MAX_ENDPOINTS];
    size_t length = 0;
    char *text;

    for (size_t i = 0; i < ms_n_routes; i++)
        labels[i] = ms_routes[i].label;
    text = ms_metrics_render(&length, labels, ms_n_routes);
    cr_assert_not_null(text);
    cr_assert_eq(strlen(text), length);
    return text;
}

Test(metrics, endpoints_are_recognised_from_the_path)
{
    cr_assert_str_eq(label("/search"), "search");
    cr_assert_str_eq(label("/doc/x"), "doc");
    cr_assert_str_eq(label("/doc/x/file"), "file");
    cr_assert_str_eq(label("/doc/file"), "doc");
    cr_assert_str_eq(label("/suggest"), "suggest");
    cr_assert_str_eq(label("/similar/x"), "similar");
    cr_assert_str_eq(label("/feed"), "feed");
    cr_assert_str_eq(label("/fragment"), "fragment");
    cr_assert_str_eq(label("/fragment/x"), "other");
    cr_assert_str_eq(label("/health"), "health");
    cr_assert_str_eq(label("/metrics"), "metrics");
    cr_assert_str_eq(label("/schema"), "schema");
    cr_assert_str_eq(label("/searchx"), "other");
    cr_assert_str_eq(label(NULL), "other");
    cr_assert_eq(endpoint("/searchx"), MS_METRICS_OTHER);
}

/* GET /metrics, through the dispatcher as the server answers it, shows
 * every label of the route table and "other", even before any request. */
Test(metrics, every_route_label_is_shown)
{
    ms_request_t req = {"GET", "/metrics", NULL, "test-id", NULL, NULL, NULL};
    ms_config_t *cfg = NULL;
    ms_response_t resp;
    ms_worker_t w;
    char series[160];

    cr_assert_eq(ms_config_defaults(&cfg), 0);
    ms_worker_init(&w, cfg);
    cr_assert_eq(ms_route(&resp, &w, &req), 200);
    cr_assert_str_eq(resp.content_type, "text/plain; version=0.0.4; charset=utf-8");
    cr_assert_not_null(resp.text);
    cr_assert_eq(strlen(resp.text), resp.text_length);
    cr_assert_str_eq(w.route->label, "metrics");
    for (size_t i = 0; i <= ms_n_routes; i++) {
        const char *name = i < ms_n_routes ? ms_routes[i].label : "other";

        snprintf(series, sizeof(series),
                 "migsearch_requests_total{endpoint=\"%s\",status=\"200\"}", name);
        cr_expect_eq(sample(resp.text, series), 0, "%s", series);
        snprintf(series, sizeof(series),
                 "migsearch_request_duration_seconds_count{endpoint=\"%s\"}", name);
        cr_expect_eq(sample(resp.text, series), 0, "%s", series);
    }
    ms_response_free(&resp);
    ms_worker_fini(&w);
    ms_config_free(cfg);
}

Test(metrics, requests_are_counted_by_endpoint_and_status)
{
    ms_metrics_record(endpoint("/search"), 200, 0.002);
    ms_metrics_record(endpoint("/search"), 200, 0.003);
    ms_metrics_record(endpoint("/search"), 400, 0.0001);
    ms_metrics_record(endpoint("/doc/x"), 404, 0.0001);
    ms_metrics_record(endpoint("/doc/x"), 418, 0.0001);
    ms_metrics_record(endpoint("/fragment"), 200, 0.001);
    ms_metrics_record(endpoint("/fragment"), 503, 0.001);
    char *text = render();
    cr_expect_eq(
        sample(text, "migsearch_requests_total{endpoint=\"search\",status=\"200\"}"), 2);
    cr_expect_eq(
        sample(text, "migsearch_requests_total{endpoint=\"search\",status=\"400\"}"), 1);
    cr_expect_eq(
        sample(text, "migsearch_requests_total{endpoint=\"doc\",status=\"404\"}"), 1);
    cr_expect_eq(
        sample(text, "migsearch_requests_total{endpoint=\"doc\",status=\"other\"}"), 1);
    cr_expect_eq(
        sample(text, "migsearch_requests_total{endpoint=\"health\",status=\"200\"}"), 0);
    /* /fragment is its own endpoint, and not counted as anything else. */
    cr_expect_eq(
        sample(text, "migsearch_requests_total{endpoint=\"fragment\",status=\"200\"}"),
        1);
    cr_expect_eq(
        sample(text, "migsearch_requests_total{endpoint=\"fragment\",status=\"503\"}"),
        1);
    cr_expect_eq(
        sample(text, "migsearch_requests_total{endpoint=\"feed\",status=\"200\"}"), 0);
    cr_expect_eq(
        sample(text, "migsearch_requests_total{endpoint=\"health\",status=\"503\"}"), 0);
    free(text);
}

Test(metrics, the_histogram_is_cumulative_and_agrees_with_its_count)
{
    ms_metrics_record(endpoint("/search"), 200, 0.0004); /* le 0.0005 */
    ms_metrics_record(endpoint("/search"), 200, 0.004);  /* le 0.005 */
    ms_metrics_record(endpoint("/search"), 200, 0.3);    /* le 0.5 */
    ms_metrics_record(endpoint("/search"), 200, 9.0);    /* +Inf only */
    char *text = render();
    const char *b = "migsearch_request_duration_seconds_bucket{endpoint=\"search\",le=";
    char series[160];
    snprintf(series, sizeof(series), "%s\"0.0005\"}", b);
    cr_expect_eq(sample(text, series), 1);
    snprintf(series, sizeof(series), "%s\"0.001\"}", b);
    cr_expect_eq(sample(text, series), 1);
    snprintf(series, sizeof(series), "%s\"0.005\"}", b);
    cr_expect_eq(sample(text, series), 2);
    snprintf(series, sizeof(series), "%s\"0.5\"}", b);
    cr_expect_eq(sample(text, series), 3);
    snprintf(series, sizeof(series), "%s\"2.5\"}", b);
    cr_expect_eq(sample(text, series), 3);
    snprintf(series, sizeof(series), "%s\"+Inf\"}", b);
    cr_expect_eq(sample(text, series), 4);
    cr_expect_eq(
        sample(text, "migsearch_request_duration_seconds_count{endpoint=\"search\"}"), 4);
    double sum =
        sample(text, "migsearch_request_duration_seconds_sum{endpoint=\"search\"}");
    cr_expect(sum > 9.30 && sum < 9.31, "sum %f", sum);
    free(text);
}

Test(metrics, index_revision_and_reopens_are_reported)
{
    char *text = render();
    cr_expect_eq(sample(text, "migsearch_index_up"), 0);
    free(text);
    ms_metrics_index_seen(3, 30, false);
    ms_metrics_index_seen(4, 31, true);
    ms_metrics_index_seen(4, 31, false);
    text = render();
    cr_expect_eq(sample(text, "migsearch_index_up"), 1);
    cr_expect_eq(sample(text, "migsearch_index_revision"), 4);
    cr_expect_eq(sample(text, "migsearch_index_documents"), 31);
    cr_expect_eq(sample(text, "migsearch_index_reopens_total"), 1);
    free(text);
}
