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
        {"plain", "plain,\r\n"},
        {"", ",\r\n"},
        {"a,b", "\"a,b\",\r\n"},
        {"say \"no\"", "\"say \"\"no\"\"\",\r\n"},
        {"\"", "\"\"\"\",\r\n"},
        {"two\nlines", "\"two\nlines\",\r\n"},
        {"cr\rhere", "\"cr\rhere\",\r\n"},
        {"Côte d'Ivoire", "Côte d'Ivoire,\r\n"},
        {" spaced ", " spaced ,\r\n"},
        /* Formulas open as text in a spreadsheet (CSV injection). */
        {"=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\",\r\n"},
        {"+1", "\"'+1\",\r\n"},
        {"-2", "\"'-2\",\r\n"},
        {"@SUM(A1)", "\"'@SUM(A1)\",\r\n"},
        {"\tx", "\"'\tx\",\r\n"},
        {"a=b", "a=b,\r\n"},
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

/* ---- a country's status, as the indexer decided it ---- */

/* The rule itself (latest report, participants without one, a document's
 * own status) is the indexer's, tested in test_pairs; here: that the
 * server reads its pairs and finds each one's report. */

Test(reports, latest_reads_the_pairs_with_their_report)
{
    ms_field_t fields[] = {
        {"country", "Togo"},
        {"country", "Ghana"},
        {"report", "Togo\tno information"},
        {"report", "Ghana\timplemented"},
        {"report", "Benin\tnot implemented"},
        {"reports",
         "[{\"country\":\"Ghana\",\"status\":\"not implemented\",\"date\":\"2002\"},"
         "{\"country\":\"ghana\",\"status\":\"implemented\",\"date\":\"2004\","
         "\"obstacles\":\"none left\"},"
         "{\"country\":\"Benin\",\"status\":\"not implemented\"}]"},
    };
    ms_document_t doc = {.id = "x", .fields = fields, .n_fields = 6};
    json_t *by = ms_reports_latest(&doc), *value;
    const char *expected[][2] = {{"Togo", "no information"},
                                 {"Ghana", "implemented"},
                                 {"Benin", "not implemented"}};
    const char *key;
    size_t i = 0;

    cr_assert_not_null(by);
    json_object_foreach(by, key, value)
    {
        cr_assert_lt(i, 3);
        cr_assert_str_eq(key, expected[i][0]);
        cr_assert_str_eq(json_string_value(json_object_get(value, "status")),
                         expected[i][1]);
        i++;
    }
    cr_assert_eq(i, 3);
    /* Ghana's cell has the date and obstacles of the report that gave its
     * status; Togo, which did not report, has neither. */
    value = ms_reports_find(by, "GHANA");
    cr_assert_str_eq(json_string_value(json_object_get(value, "date")), "2004");
    cr_assert_str_eq(json_string_value(json_object_get(value, "obstacles")), "none left");
    cr_assert_null(json_object_get(ms_reports_find(by, "Togo"), "date"));
    json_decref(by);
}

Test(reports, no_pairs_no_statuses)
{
    /* An index built before the pairs, or a document without countries:
     * nothing is made up from the reports. */
    ms_field_t fields[] = {
        {"country", "Mali"},
        {"status", "implemented"},
        {"report", "not a pair"},
        {"reports", "{not json"},
    };
    ms_document_t doc = {.id = "x", .fields = fields, .n_fields = 4};
    json_t *by = ms_reports_latest(&doc);

    cr_assert_not_null(by);
    cr_assert_eq(json_object_size(by), 0);
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
