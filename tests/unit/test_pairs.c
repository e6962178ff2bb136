/* test_pairs.c - unit tests of the (country, status) pair rule (indexer/archive/pairs.c)
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The rule on a document's merged metadata, without files: which status
 * each country reported, and what the document's statuses become.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>

#include "archive-doc.h"
#include "meta-expect.h"

Test(pairs, a_participant_without_a_report_has_no_information)
{
    ms_archive_meta_t meta = {0};

    add(&meta, "country", "Kyrgyzstan");
    add(&meta, "country", "Kazakhstan");
    add(&meta, "country", "Tajikistan");
    add(&meta, "country", "Uzbekistan");
    add(&meta, "status", "implemented"); /* what staff's defaults said: replaced */
    add(&meta, "reports",
        "[{\"country\":\"Kyrgyzstan\",\"status\":\"implemented\",\"date\":\"2003-11\"},"
        "{\"country\":\"Kazakhstan\",\"status\":\"implemented\",\"date\":\"2004-05\"},"
        "{\"country\":\"Tajikistan\",\"status\":\"no information\"}]");
    cr_assert_eq(ms_archive__pairs_apply(&meta), MS_ARCHIVE_OK);
    expect_entry(&meta, "report",
                 "Kyrgyzstan\timplemented|Kazakhstan\timplemented|"
                 "Tajikistan\tno information|Uzbekistan\tno information");
    expect_entry(&meta, "status", "implemented|no information");
    ms_archive__meta_clear(&meta);
}

Test(pairs, the_latest_report_of_a_country_counts)
{
    ms_archive_meta_t meta = {0};

    add(&meta, "country", "Ghana");
    add(&meta, "country", "Togo");
    add(&meta, "country", "Benin");
    /* Ghana: 2005 beats 2004-12 whatever the order; Togo: two reports of
     * the same month, the later in the file counts; Benin: a dated report
     * beats an undated one written after it. */
    add(&meta, "reports",
        "[{\"country\":\"Ghana\",\"status\":\"implemented\",\"date\":\"2005\"},"
        "{\"country\":\"Ghana\",\"status\":\"not implemented\",\"date\":\"2004-12\"},"
        "{\"country\":\"Togo\",\"status\":\"not implemented\",\"date\":\"2004-10\"},"
        "{\"country\":\"Togo\",\"status\":\"partially "
        "implemented\",\"date\":\"2004-10\"},"
        "{\"country\":\"Benin\",\"status\":\"implemented\",\"date\":\"2004-11-02\"},"
        "{\"country\":\"Benin\",\"status\":\"not implemented\"}]");
    cr_assert_eq(ms_archive__pairs_apply(&meta), MS_ARCHIVE_OK);
    expect_entry(&meta, "report",
                 "Ghana\timplemented|Togo\tpartially implemented|Benin\timplemented");
    expect_entry(&meta, "status", "implemented|partially implemented");
    ms_archive__meta_clear(&meta);
}

Test(pairs, a_reporting_country_the_document_does_not_name_counts)
{
    ms_archive_meta_t meta = {0};

    add(&meta, "country", "Kenya");
    add(&meta, "reports", "[{\"country\":\"Mali\",\"status\":\"not implemented\"}]");
    cr_assert_eq(ms_archive__pairs_apply(&meta), MS_ARCHIVE_OK);
    expect_entry(&meta, "report", "Kenya\tno information|Mali\tnot implemented");
    expect_entry(&meta, "status", "no information|not implemented");
    ms_archive__meta_clear(&meta);
}

Test(pairs, a_recommendation_nobody_concerns_has_no_information)
{
    ms_archive_meta_t meta = {0};

    add(&meta, "reports", "[]");
    cr_assert_eq(ms_archive__pairs_apply(&meta), MS_ARCHIVE_OK);
    expect_entry(&meta, "report", "");
    expect_entry(&meta, "status", "no information");
    ms_archive__meta_clear(&meta);
}

Test(pairs, a_documents_status_applies_to_each_of_its_countries)
{
    ms_archive_meta_t meta = {0};

    add(&meta, "country", "Kenya");
    add(&meta, "country", "Ghana");
    add(&meta, "status", "partially implemented");
    add(&meta, "report", "Ghana\timplemented"); /* staff's own key never stands */
    cr_assert_eq(ms_archive__pairs_apply(&meta), MS_ARCHIVE_OK);
    expect_entry(&meta, "report",
                 "Kenya\tpartially implemented|Ghana\tpartially implemented");
    expect_entry(&meta, "status", "partially implemented");
    ms_archive__meta_clear(&meta);
}

Test(pairs, a_document_without_countries_or_status_has_no_pairs)
{
    ms_archive_meta_t meta = {0}, other = {0};

    add(&meta, "status", "implemented");
    cr_assert_eq(ms_archive__pairs_apply(&meta), MS_ARCHIVE_OK);
    expect_entry(&meta, "report", "");
    expect_entry(&meta, "status", "implemented");
    add(&other, "country", "Kenya");
    cr_assert_eq(ms_archive__pairs_apply(&other), MS_ARCHIVE_OK);
    expect_entry(&other, "report", "");
    expect_entry(&other, "status", "-");
    ms_archive__meta_clear(&meta);
    ms_archive__meta_clear(&other);
}
