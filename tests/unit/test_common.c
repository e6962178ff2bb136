/* test_common.c - unit tests for common/: the string buffer, UTF-8, dates
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "ms_buf.h"
#include "ms_date.h"
#include "ms_file.h"
#include "ms_list.h"
#include "ms_net.h"
#include "ms_utf8.h"

/* ---- ms_buf ---- */

Test(buf, appends_and_hands_over_a_nul_terminated_string)
{
    ms_buf_t b = MS_BUF_INIT;
    size_t len = 0;
    char *text;

    cr_assert_eq(ms_buf_puts(&b, "remit"), MS_BUF_OK);
    cr_assert_eq(ms_buf_putc(&b, 't'), MS_BUF_OK);
    cr_assert_eq(ms_buf_append(&b, "ances and more", 5), MS_BUF_OK);
    cr_assert_eq(ms_buf_printf(&b, " %d%s", 42, "!"), MS_BUF_OK);
    text = ms_buf_take(&b, &len);
    cr_assert_str_eq(text, "remittances 42!");
    cr_assert_eq(len, strlen("remittances 42!"));
    cr_assert_null(b.data, "take leaves the buffer empty");
    cr_assert_eq(b.len, 0);
    free(text);
}

Test(buf, take_of_nothing_is_an_empty_string)
{
    ms_buf_t b = MS_BUF_INIT;
    char *text = ms_buf_take(&b, NULL);

    cr_assert_not_null(text);
    cr_assert_str_eq(text, "");
    free(text);
}

Test(buf, grows_past_its_first_allocation_and_formats_long_text)
{
    ms_buf_t b = MS_BUF_INIT;
    char big[1000];

    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    for (int i = 0; i < 100; i++)
        cr_assert_eq(ms_buf_puts(&b, "0123456789"), MS_BUF_OK);
    cr_assert_eq(ms_buf_printf(&b, "[%s]", big), MS_BUF_OK);
    cr_assert_eq(b.len, 1000 + 2 + 999);
    cr_assert_eq(b.data[1000], '[');
    cr_assert_eq(b.data[b.len - 1], ']');
    cr_assert_eq(b.data[b.len], '\0');
    ms_buf_free(&b);
}

Test(buf, a_cap_refuses_the_append_that_passes_it_and_stays_failed)
{
    ms_buf_t b = MS_BUF_INIT;

    b.limit = 8;
    cr_assert_eq(ms_buf_puts(&b, "12345678"), MS_BUF_OK, "exactly the cap fits");
    cr_assert_eq(ms_buf_putc(&b, '9'), MS_BUF_LIMIT);
    cr_assert_str_eq(b.data, "12345678", "the refused byte is not kept");
    cr_assert_eq(ms_buf_puts(&b, ""), MS_BUF_LIMIT, "the failure is sticky");
    cr_assert_eq(ms_buf_printf(&b, "%s", "more"), MS_BUF_LIMIT);
    cr_assert_null(ms_buf_take(&b, NULL), "a failed buffer hands over nothing");
    cr_assert_eq(b.status, MS_BUF_OK, "and is reset");
    cr_assert_eq(b.limit, 8, "keeping its cap");
}

Test(buf, clear_empties_for_reuse_and_forgets_a_failure)
{
    ms_buf_t b = MS_BUF_INIT;

    b.limit = 4;
    cr_assert_eq(ms_buf_puts(&b, "first"), MS_BUF_LIMIT);
    ms_buf_clear(&b);
    cr_assert_eq(b.status, MS_BUF_OK);
    cr_assert_eq(ms_buf_puts(&b, "abc"), MS_BUF_OK);
    ms_buf_clear(&b);
    cr_assert_str_eq(b.data, "", "an empty text, not the old one");
    cr_assert_eq(b.len, 0);
    cr_assert_eq(ms_buf_puts(&b, "xy"), MS_BUF_OK);
    cr_assert_str_eq(b.data, "xy");
    ms_buf_free(&b);
}

Test(buf, printf_past_the_cap_is_refused)
{
    ms_buf_t b = MS_BUF_INIT;
    char big[600];

    memset(big, 'y', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    b.limit = 300;
    cr_assert_eq(ms_buf_printf(&b, "%s", big), MS_BUF_LIMIT);
    cr_assert_eq(b.len, 0);
    ms_buf_free(&b);
}

/* ---- ms_utf8 ---- */

/* Criterion may run each parameterized case in a freshly started process,
 * where pointers from the parent mean nothing, so the cases hold arrays. */
struct utf8_case {
    char bytes[8];
    size_t len;
    size_t decoded; /* ms_utf8_decode's length; 0: invalid */
    unsigned cp;
};

ParameterizedTestParameters(utf8, decodes_one_sequence)
{
    static struct utf8_case cases[] = {
        {"a", 1, 1, 'a'},
        {"\0", 1, 1, 0},
        {"\xC3\xA9", 2, 2, 0xE9},             /* é */
        {"\xE2\x82\xAC", 3, 3, 0x20AC},       /* € */
        {"\xF0\x9F\x98\x80", 4, 4, 0x1F600},  /* emoji */
        {"\xF4\x8F\xBF\xBF", 4, 4, 0x10FFFF}, /* the last code point */
        {"\xC0\xAF", 2, 0, 0},                /* overlong '/' */
        {"\xE0\x80\xAF", 3, 0, 0},            /* overlong '/' */
        {"\xED\xA0\x80", 3, 0, 0},            /* a surrogate */
        {"\xF4\x90\x80\x80", 4, 0, 0},        /* past U+10FFFF */
        {"\x80", 1, 0, 0},                    /* a stray continuation byte */
        {"\xE2\x82", 2, 0, 0},                /* cut short */
        {"\xC3\x41", 2, 0, 0},                /* no continuation */
        {"\xFF", 1, 0, 0},
    };
    return cr_make_param_array(struct utf8_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct utf8_case *c, utf8, decodes_one_sequence)
{
    uint32_t cp = 0xFFFFFFFF;
    size_t n = ms_utf8_decode((const unsigned char *)c->bytes, c->len, &cp);

    cr_assert_eq(n, c->decoded, "length of %zu-byte case", c->len);
    if (n != 0)
        cr_assert_eq(cp, c->cp);
}

Test(utf8, valid_text_has_no_nul_and_reports_the_first_bad_byte)
{
    size_t bad = 99;

    cr_assert(ms_utf8_valid("Côte d'Ivoire", strlen("Côte d'Ivoire"), NULL));
    cr_assert(ms_utf8_valid("", 0, NULL));
    cr_assert_not(ms_utf8_valid("ab\0c", 4, &bad));
    cr_assert_eq(bad, 2);
    cr_assert_not(ms_utf8_valid("abc\xE9t\xE9", 6, &bad), "Latin-1");
    cr_assert_eq(bad, 3);
}

Test(utf8, repair_replaces_each_bad_byte_and_drops_nul)
{
    size_t len = 0;
    char *out = ms_utf8_repair("a\xE9\xFF\0b\xC3\xA9", 7, &len);

    cr_assert_str_eq(out, "a\xEF\xBF\xBD\xEF\xBF\xBD"
                          "b\xC3\xA9");
    cr_assert_eq(len, strlen(out));
    free(out);
}

Test(utf8, cut_never_splits_a_character)
{
    const char *s = "ab\xE2\x82\xAC"
                    "c"; /* a b € c */
    size_t size = strlen(s);

    cr_assert_eq(ms_utf8_cut(s, size, 2), 2, "before the euro sign");
    cr_assert_eq(ms_utf8_cut(s, size, 3), 2, "inside it: back to its start");
    cr_assert_eq(ms_utf8_cut(s, size, 4), 2);
    cr_assert_eq(ms_utf8_cut(s, size, 5), 5, "after it");
    cr_assert_eq(ms_utf8_cut(s, size, 99), size, "past the end: all of it");
}

/* ---- ms_date ---- */

struct date_case {
    char text[24];
    bool valid;
    unsigned year, month, day;
};

ParameterizedTestParameters(date, parses_the_three_shapes_of_a_real_day)
{
    static struct date_case cases[] = {
        {"2003", true, 2003, 0, 0},
        {"2003-07", true, 2003, 7, 0},
        {"2003-07-15", true, 2003, 7, 15},
        {"2004-02-29", true, 2004, 2, 29},
        {"2000-02-29", true, 2000, 2, 29},
        {"0001", true, 1, 0, 0},
        {"9999-12-31", true, 9999, 12, 31},
        {"1900-02-29", false, 0, 0, 0},
        {"2003-02-29", false, 0, 0, 0},
        {"2003-04-31", false, 0, 0, 0},
        {"2003-13", false, 0, 0, 0},
        {"2003-00", false, 0, 0, 0},
        {"2003-01-00", false, 0, 0, 0},
        {"0000", false, 0, 0, 0},
        {"203", false, 0, 0, 0},
        {"2003-7", false, 0, 0, 0},
        {"2003/07/15", false, 0, 0, 0},
        {"2003-07-15T10:00", false, 0, 0, 0},
        {"20030715", false, 0, 0, 0},
        {"", false, 0, 0, 0},
        {"+003", false, 0, 0, 0},
    };
    return cr_make_param_array(struct date_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct date_case *c, date, parses_the_three_shapes_of_a_real_day)
{
    ms_date_t d = {77, 77, 77};

    cr_assert_eq(ms_date_parse(&d, c->text), c->valid, "'%s'", c->text);
    if (c->valid) {
        cr_assert_eq(d.year, c->year, "'%s'", c->text);
        cr_assert_eq(d.month, c->month, "'%s'", c->text);
        cr_assert_eq(d.day, c->day, "'%s'", c->text);
    } else {
        cr_assert_eq(d.year, 77, "a refused date leaves *out alone");
    }
    cr_assert_eq(ms_date_parse(NULL, c->text), c->valid, "check only: '%s'", c->text);
}

Test(date, sort_key_puts_the_undated_first)
{
    char undated[9], bad[9], dated[9];

    ms_date_sort_key(undated, NULL);
    ms_date_sort_key(bad, "2003-02-31");
    ms_date_sort_key(dated, "2003-11");
    cr_assert_str_eq(undated, "");
    cr_assert_str_eq(bad, "", "not a real day: no key");
    cr_assert_str_eq(dated, "20031100", "a date's FIRST key");
    cr_assert_lt(strcmp(undated, dated), 0, "undated sorts before any date");
}

Test(date, keys_sort_as_the_periods_they_stand_for)
{
    ms_date_t year, month, day, next;
    char first[9], last[9], key_month[9], key_day[9], key_next[9];

    cr_assert(ms_date_parse(&year, "2003"));
    cr_assert(ms_date_parse(&month, "2003-12"));
    cr_assert(ms_date_parse(&day, "2003-12-31"));
    cr_assert(ms_date_parse(&next, "2004"));
    ms_date_key(first, &year, MS_DATE_FIRST);
    ms_date_key(last, &year, MS_DATE_LAST);
    ms_date_key(key_month, &month, MS_DATE_FIRST);
    ms_date_key(key_day, &day, MS_DATE_FIRST);
    ms_date_key(key_next, &next, MS_DATE_FIRST);
    cr_assert_str_eq(first, "20030000", "the stored form of a year");
    cr_assert_str_eq(key_month, "20031200");
    cr_assert_str_eq(key_day, "20031231");
    cr_assert_str_eq(last, "20039999");
    /* Everything dated in 2003 lies inside [first, last], before 2004. */
    cr_assert_lt(strcmp(first, key_month), 0);
    cr_assert_lt(strcmp(key_day, last), 0);
    cr_assert_lt(strcmp(last, key_next), 0);
}

/* ---- ms_file ---- */

/* A temporary file holding 'len' bytes of 'c'; its path into 'path'. */
static void
write_temp(char path[32], char c, size_t len)
{
    int fd;
    FILE *f;

    strcpy(path, "/tmp/ms-file-XXXXXX");
    fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    f = fdopen(fd, "w");
    cr_assert_not_null(f);
    for (size_t i = 0; i < len; i++)
        fputc(c, f);
    fclose(f);
}

Test(file, reads_a_file_up_to_its_cap)
{
    char path[32], *data = NULL;
    size_t len = 99;

    write_temp(path, 'm', 100000);
    cr_assert_eq(ms_file_read(&data, &len, path, 100000), MS_FILE_OK, "exactly the cap");
    cr_assert_eq(len, 100000);
    cr_assert_eq(data[99999], 'm');
    cr_assert_eq(data[100000], '\0');
    free(data);
    cr_assert_eq(ms_file_read(&data, &len, path, 99999), MS_FILE_TOO_BIG);
    cr_assert_null(data);
    cr_assert_eq(ms_file_read(&data, &len, path, 0), MS_FILE_OK, "0: no cap");
    cr_assert_eq(len, 100000);
    free(data);
    unlink(path);
}

Test(file, an_empty_file_is_an_empty_string_and_a_missing_one_says_why)
{
    char path[32], *data = NULL;
    size_t len = 99;

    write_temp(path, 'x', 0);
    cr_assert_eq(ms_file_read(&data, &len, path, 10), MS_FILE_OK);
    cr_assert_str_eq(data, "");
    cr_assert_eq(len, 0);
    free(data);
    unlink(path);
    errno = 0;
    cr_assert_eq(ms_file_read(&data, &len, path, 10), MS_FILE_IO);
    cr_assert_eq(errno, ENOENT);
    cr_assert_null(data);
}

Test(utf8, escape_shows_control_characters_and_stray_bytes_as_hex)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"plain name.md", "plain name.md"},
        {"Rapport d'\xc3\xa9t\xc3\xa9 \xd0\x9e\xd1\x88",
         "Rapport d'\xc3\xa9t\xc3\xa9 \xd0\x9e\xd1\x88"},
        {"evil\nfailed: x", "evil\\x0Afailed: x"},
        {"tab\there\x7f", "tab\\x09here\\x7F"},
        {"esc\x1b[31m", "esc\\x1B[31m"},
        {"caf\xe9.txt", "caf\\xE9.txt"},
        {"c1 \xc2\x9b", "c1 \\xC2\\x9B"},
        {"cut \xe2\x82", "cut \\xE2\\x82"},
        {"already \\x0A", "already \\x0A"},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *out = ms_utf8_escape(cases[i].in, strlen(cases[i].in));
        cr_assert_not_null(out);
        cr_expect_str_eq(out, cases[i].out, "case %zu", i);
        free(out);
    }
}

Test(file, within_is_the_root_or_below_it_never_a_sibling)
{
    cr_expect(ms_file_within("/srv/archive", "/srv/archive"));
    cr_expect(ms_file_within("/srv/archive", "/srv/archive/a/b.txt"));
    cr_expect(!ms_file_within("/srv/archive", "/srv/archive2/b.txt"));
    cr_expect(!ms_file_within("/srv/archive", "/srv"));
    cr_expect(!ms_file_within("/srv/archive", "/etc/passwd"));
    cr_expect(ms_file_within("/", "/etc/passwd"));
}

/* ---- ms_net.h: server.listen and server.allow_addresses ---- */

static struct sockaddr_storage
peer(const char *host)
{
    struct sockaddr_storage address;
    char reason[200];
    char text[80];
    socklen_t length;

    snprintf(text, sizeof(text), strchr(host, ':') ? "[%s]:1" : "%s:1", host);
    cr_assert_eq(ms_net_parse_address(&address, &length, text, reason, sizeof(reason)), 0,
                 "%s: %s", text, reason);
    return address;
}

Test(net, parses_ipv4_and_bracketed_ipv6_addresses_with_ports)
{
    struct sockaddr_storage address;
    socklen_t length;
    char reason[200], text[80];

    cr_assert_eq(
        ms_net_parse_address(&address, &length, "10.0.0.2:9000", reason, sizeof(reason)),
        0);
    cr_expect_eq(length, sizeof(struct sockaddr_in));
    cr_expect_str_eq(ms_net_format((struct sockaddr *)&address, text, sizeof(text)),
                     "10.0.0.2:9000");
    cr_assert_eq(ms_net_parse_address(&address, &length, "[fd00::2]:65535", reason,
                                      sizeof(reason)),
                 0);
    cr_expect_eq(length, sizeof(struct sockaddr_in6));
    cr_expect_str_eq(ms_net_format((struct sockaddr *)&address, text, sizeof(text)),
                     "[fd00::2]:65535");
}

Test(net, refuses_names_missing_or_bad_ports_and_unbracketed_ipv6)
{
    static const char *const bad[] = {
        "localhost:9000", "10.0.0.2",      "10.0.0.2:",    "10.0.0.2:0",
        "10.0.0.2:65536", "10.0.0.2:-1",   "10.0.0.2:90x", "fd00::2:9000",
        "[fd00::2]9000",  "[fd00::2:9000", ":9000",        "",
        "10.0.0.256:80",  "[]:80"};
    struct sockaddr_storage address;
    socklen_t length;
    char reason[200];

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        reason[0] = '\0';
        cr_expect_eq(
            ms_net_parse_address(&address, &length, bad[i], reason, sizeof(reason)), -1,
            "'%s' accepted", bad[i]);
        cr_expect_neq(reason[0], '\0', "'%s' refused without a reason", bad[i]);
    }
}

Test(net, an_allow_list_matches_by_prefix_in_both_families)
{
    ms_net_cidr_t list[MS_NET_CIDRS_MAX];
    size_t count = 0;
    char reason[200];
    struct sockaddr_storage a;

    cr_assert_eq(ms_net_parse_cidrs(list, MS_NET_CIDRS_MAX, &count,
                                    " 10.77.0.0/24,127.0.0.1 fd00:1::/33\t::1 ", reason,
                                    sizeof(reason)),
                 0, "%s", reason);
    cr_assert_eq(count, 4);
    a = peer("10.77.0.200");
    cr_expect(ms_net_cidrs_match(list, count, (struct sockaddr *)&a));
    a = peer("10.77.1.1");
    cr_expect_not(ms_net_cidrs_match(list, count, (struct sockaddr *)&a));
    a = peer("127.0.0.1");
    cr_expect(ms_net_cidrs_match(list, count, (struct sockaddr *)&a));
    a = peer("127.0.0.2");
    cr_expect_not(ms_net_cidrs_match(list, count, (struct sockaddr *)&a));
    a = peer("fd00:1:7fff::9");
    cr_expect(ms_net_cidrs_match(list, count, (struct sockaddr *)&a), "inside /33");
    a = peer("fd00:1:8000::9");
    cr_expect_not(ms_net_cidrs_match(list, count, (struct sockaddr *)&a), "past /33");
    a = peer("::1");
    cr_expect(ms_net_cidrs_match(list, count, (struct sockaddr *)&a));
    /* An IPv4 peer on an IPv6 socket is the IPv4 address. */
    a = peer("::ffff:10.77.0.9");
    cr_expect(ms_net_cidrs_match(list, count, (struct sockaddr *)&a));
    a = peer("::ffff:10.78.0.9");
    cr_expect_not(ms_net_cidrs_match(list, count, (struct sockaddr *)&a));
}

Test(net, an_empty_list_matches_nobody_and_a_zero_prefix_everybody)
{
    ms_net_cidr_t list[MS_NET_CIDRS_MAX];
    size_t count = 9;
    char reason[200];
    struct sockaddr_storage a = peer("192.0.2.1");

    cr_assert_eq(
        ms_net_parse_cidrs(list, MS_NET_CIDRS_MAX, &count, "", reason, sizeof(reason)),
        0);
    cr_expect_eq(count, 0);
    cr_expect_not(ms_net_cidrs_match(list, count, (struct sockaddr *)&a));
    cr_assert_eq(ms_net_parse_cidrs(list, MS_NET_CIDRS_MAX, &count, "0.0.0.0/0", reason,
                                    sizeof(reason)),
                 0);
    cr_expect(ms_net_cidrs_match(list, count, (struct sockaddr *)&a));
    a = peer("2001:db8::1");
    cr_expect_not(ms_net_cidrs_match(list, count, (struct sockaddr *)&a),
                  "v4 list, v6 peer");
}

Test(net, a_bad_entry_is_named_and_a_list_is_bounded)
{
    ms_net_cidr_t list[2];
    size_t count;
    char reason[200];

    cr_expect_eq(ms_net_parse_cidrs(list, 2, &count, "10.0.0.0/8 10.0.0.0/33", reason,
                                    sizeof(reason)),
                 -1);
    cr_expect_not_null(strstr(reason, "'10.0.0.0/33'"), "%s", reason);
    cr_expect_eq(
        ms_net_parse_cidrs(list, 2, &count, "host.example", reason, sizeof(reason)), -1);
    cr_expect_not_null(strstr(reason, "'host.example'"), "%s", reason);
    cr_expect_eq(
        ms_net_parse_cidrs(list, 2, &count, "10.0.0.0/8/1", reason, sizeof(reason)), -1);
    cr_expect_eq(ms_net_parse_cidrs(list, 2, &count, "10.0.0.1 10.0.0.2 10.0.0.3", reason,
                                    sizeof(reason)),
                 -1);
}

/* ---- ms_list.h: lists in one config value ---- */

Test(list, items_are_separated_by_spaces_commas_and_tabs)
{
    const char *at = " www-data,nginx\t, ,10.0.0.0/8 ", *item;
    const char *want[] = {"www-data", "nginx", "10.0.0.0/8"};
    size_t length, n = 0;

    while ((length = ms_list_next(&at, &item)) > 0) {
        cr_assert_lt(n, 3, "a fourth item: %.*s", (int)length, item);
        cr_expect_eq(length, strlen(want[n]));
        cr_expect_eq(strncmp(item, want[n], length), 0, "item %zu: %.*s", n, (int)length,
                     item);
        n++;
    }
    cr_expect_eq(n, 3);
    at = " , ";
    cr_expect_eq(ms_list_next(&at, &item), 0, "separators only: no item");
    at = "";
    cr_expect_eq(ms_list_next(&at, &item), 0);
}

/* ---- ms_net.h: index.remote ---- */

/* Each endpoint as "K:HOST:PORT;" appended to 'payload' (a char[256]). */
static int
record_endpoint(unsigned shard, const char *endpoint, size_t length, void *payload)
{
    char *out = payload;
    size_t used = strlen(out);

    snprintf(out + used, 256 - used, "%u:%.*s;", shard, (int)length, endpoint);
    return 0;
}

Test(net, index_remote_gives_each_shard_its_endpoints_in_order)
{
    char seen[256] = "", reason[200];

    cr_assert_eq(ms_net_each_shard("  1=10.0.0.21:7100,host-b:7100   2=[::1]:7200 ",
                                   record_endpoint, seen, reason, sizeof(reason)),
                 0, "%s", reason);
    cr_expect_str_eq(seen, "1:10.0.0.21:7100;1:host-b:7100;2:[::1]:7200;");
    cr_expect_eq(ms_net_each_shard("", record_endpoint, seen, reason, sizeof(reason)), 0);
}

Test(net, index_remote_names_a_bad_shard)
{
    static const char *bad[] = {
        "1=a:0",       "1=a:65536", "1=a",      "1=:7100", "=a:7100",     "x=a:7100",
        "1000=a:7100", "1=a:7100,", "1=a:71x0", "1 2=a:1", "1=a:1 1=b:2",
    };
    char reason[200];

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        reason[0] = '\0';
        cr_expect_eq(ms_net_each_shard(bad[i], NULL, NULL, reason, sizeof(reason)), -1,
                     "%s", bad[i]);
        cr_expect_not_null(strstr(reason, "is not a shard"), "%s: %s", bad[i], reason);
    }
}
