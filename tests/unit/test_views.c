/* test_views.c - unit tests of what the meeting and country views build on:
 * CSV quoting (ms_csv.h) and the latest-report rule (ms_reports.h)
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "ms_csv.h"
#include "ms_reports.h"

/* ---- CSV ---- */

/* Arrays, not pointers: Criterion runs each case in a new process. */
struct csv_case {
    char field[32];
    char expected[40]; /* the record of that one field and an empty one */
};

ParameterizedTestParameters(csv, quotes_only_what_rfc4180_needs)
{
    static struct csv_case cases[] = {
        {"plain", "plain,\r\n"},           {"", ",\r\n"},
        {"a,b", "\"a,b\",\r\n"},           {"say \"no\"", "\"say \"\"no\"\"\",\r\n"},
        {"\"", "\"\"\"\",\r\n"},           {"two\nlines", "\"two\nlines\",\r\n"},
        {"cr\rhere", "\"cr\rhere\",\r\n"}, {"Côte d'Ivoire", "Côte d'Ivoire,\r\n"},
        {" spaced ", " spaced ,\r\n"},
    };
    return cr_make_param_array(struct csv_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct csv_case *c, csv, quotes_only_what_rfc4180_needs)
{
    ms_buf_t b = MS_BUF_INIT;
    const char *fields[2] = {c->field, NULL};
    char *text;

    ms_csv_record(&b, fields, 2);
    text = ms_buf_take(&b, NULL);
    cr_assert_not_null(text);
    cr_assert_str_eq(text, c->expected);
    free(text);
}

Test(csv, records_end_in_crlf_and_nulls_are_empty)
{
    ms_buf_t b = MS_BUF_INIT;
    const char *header[3] = {"id", "number", "title"};
    const char *row[3] = {"a.r1", NULL, "x"};
    char *text;

    ms_csv_record(&b, header, 3);
    ms_csv_record(&b, row, 3);
    text = ms_buf_take(&b, NULL);
    cr_assert_str_eq(text, "id,number,title\r\na.r1,,x\r\n");
    free(text);
}

/* ---- the latest report per country ---- */

/* The status of 'country' by ms_reports_latest() for a document of
 * 'fields'; NULL when the country is not in the answer. The result
 * is a static copy. */
static const char *
status_of(const ms_field_t *fields, size_t n, const char *country)
{
    static char copy[64];
    ms_document_t doc = {.id = "x", .fields = fields, .n_fields = n};
    json_t *by = ms_reports_latest(&doc), *cell;

    cr_assert_not_null(by);
    cell = ms_reports_find(by, country);
    if (cell == NULL) {
        json_decref(by);
        return NULL;
    }
    snprintf(copy, sizeof(copy), "%s",
             json_string_value(json_object_get(cell, "status")));
    json_decref(by);
    return copy;
}

Test(reports, latest_date_wins_whatever_the_order)
{
    ms_field_t fields[] = {
        {"country", "Ghana"},
        {"reports",
         "[{\"country\":\"Ghana\",\"status\":\"implemented\",\"date\":\"2004-10\"},"
         "{\"country\":\"Ghana\",\"status\":\"not implemented\",\"date\":\"2003\"}]"},
    };
    cr_assert_str_eq(status_of(fields, 2, "Ghana"), "implemented");
    cr_assert_str_eq(status_of(fields, 2, "ghana"), "implemented");
}

Test(reports, same_date_later_in_the_file_wins_and_undated_is_oldest)
{
    ms_field_t fields[] = {
        {"reports",
         "[{\"country\":\"Togo\",\"status\":\"implemented\",\"date\":\"2004\"},"
         "{\"country\":\"Togo\",\"status\":\"not implemented\",\"date\":\"2004\"},"
         "{\"country\":\"Togo\",\"status\":\"no information\"},"
         "{\"country\":\"Benin\",\"status\":\"no information\"},"
         "{\"country\":\"Benin\",\"status\":\"implemented\"}]"},
    };
    cr_assert_str_eq(status_of(fields, 1, "Togo"), "not implemented");
    cr_assert_str_eq(status_of(fields, 1, "Benin"), "implemented");
}

Test(reports, participant_without_report_has_no_information)
{
    ms_field_t fields[] = {
        {"country", "Ghana"},
        {"country", "Togo"},
        {"status", "implemented"},
        {"reports", "[{\"country\":\"Ghana\",\"status\":\"implemented\"}]"},
    };
    cr_assert_str_eq(status_of(fields, 4, "Togo"), "no information");
    cr_assert_null(status_of(fields, 4, "Benin"));
}

Test(reports, document_without_reports_gives_its_one_status_to_each_country)
{
    ms_field_t one[] = {
        {"country", "Ghana"}, {"country", "Togo"}, {"status", "implemented"}};
    ms_field_t two[] = {
        {"country", "Ghana"}, {"status", "implemented"}, {"status", "not implemented"}};
    ms_field_t none[] = {{"country", "Ghana"}};

    cr_assert_str_eq(status_of(one, 3, "Togo"), "implemented");
    cr_assert_str_eq(status_of(two, 3, "Ghana"), "no information");
    cr_assert_str_eq(status_of(none, 1, "Ghana"), "no information");
}

Test(reports, countries_keep_document_order_then_report_order)
{
    ms_field_t fields[] = {
        {"country", "Togo"},
        {"country", "Ghana"},
        {"reports", "[{\"country\":\"Benin\",\"status\":\"implemented\"},"
                    "{\"country\":\"ghana\",\"status\":\"implemented\"}]"},
    };
    ms_document_t doc = {.id = "x", .fields = fields, .n_fields = 3};
    json_t *by = ms_reports_latest(&doc);
    const char *expected[] = {"Togo", "Ghana", "Benin"}, *key;
    json_t *value;
    size_t i = 0;

    json_object_foreach(by, key, value) cr_assert_str_eq(key, expected[i++]);
    cr_assert_eq(i, 3);
    json_decref(by);
}

Test(reports, of_a_country_newest_first_and_bad_rows_skipped)
{
    ms_field_t fields[] = {
        {"reports",
         "[{\"country\":\"Mali\",\"status\":\"not implemented\",\"date\":\"2002\"},"
         "{\"country\":\"Mali\"},"
         "{\"country\":\"Niger\",\"status\":\"implemented\",\"date\":\"2005\"},"
         "{\"country\":\"Mali\",\"status\":\"implemented\",\"date\":\"2004-02\"}]"},
    };
    ms_document_t doc = {.id = "x", .fields = fields, .n_fields = 1};
    json_t *mine = ms_reports_of(&doc, "mali");

    cr_assert_eq(json_array_size(mine), 2);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(mine, 0), "date")),
                     "2004-02");
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(mine, 1), "date")),
                     "2002");
    json_decref(mine);
}

Test(reports, unreadable_reports_field_is_no_reports)
{
    ms_field_t fields[] = {{"country", "Mali"}, {"reports", "{not json"}};
    cr_assert_str_eq(status_of(fields, 2, "Mali"), "no information");
}
