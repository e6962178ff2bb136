/* shard.c - the pieces of a parallel rebuild: partition, worker results, cleanup
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * rebuild.c forks one worker per shard of the archive's files; each worker
 * indexes its files into its own database and leaves what the parent needs
 * to know (its counts, failures, warnings and the ids each file claimed)
 * in a result file beside that database, written here and read back here.
 * The file is binary (lengths, then bytes) because paths and ids are any
 * bytes but NUL, newlines included; it never outlives the rebuild. It
 * carries the worker's CPU time by phase too (report.h).
 */
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shard.h"
#include "util.h"

#define RESULT_MAGIC "migsearch-shard 3\n"
/* No string in a result is longer: paths, ids and one-line reasons. */
#define RESULT_STRING_MAX (1u << 24)

struct by_size {
    unsigned long long size;
    size_t index;
};

/* Larger first; equal sizes in list order, so that the order is total. */
static int
compare_by_size(const void *a, const void *b)
{
    const struct by_size *x = a, *y = b;
    int by_size = (x->size < y->size) - (x->size > y->size);

    return by_size ? by_size : (x->index > y->index) - (x->index < y->index);
}

int
ms_shard_partition(unsigned *out, const unsigned long long *sizes, size_t n,
                   unsigned jobs)
{
    struct by_size *order = calloc(n ? n : 1, sizeof(*order));
    unsigned long long *totals = calloc(jobs ? jobs : 1, sizeof(*totals));
    int rc = -1;

    if (!order || !totals)
        goto out;
    for (size_t i = 0; i < n; i++) {
        order[i].size = sizes[i];
        order[i].index = i;
    }
    /* Largest first, each to the lightest shard so far: the classic
     * greedy bound (no shard more than 4/3 of the best) and, with ties
     * broken by position, the same answer every time. */
    qsort(order, n, sizeof(*order), compare_by_size);
    for (size_t i = 0; i < n; i++) {
        unsigned best = 0;
        for (unsigned s = 1; s < jobs; s++) {
            if (totals[s] < totals[best])
                best = s;
        }
        out[order[i].index] = best;
        totals[best] += order[i].size;
    }
    rc = 0;
out:
    free(order);
    free(totals);
    return rc;
}

static int
put_number(FILE *f, uint64_t value)
{
    return fwrite(&value, sizeof(value), 1, f) == 1 ? 0 : -1;
}

static int
put_string(FILE *f, const char *text)
{
    size_t len = strlen(text);

    if (put_number(f, len) != 0)
        return -1;
    return len == 0 || fwrite(text, 1, len, f) == len ? 0 : -1;
}

int
ms_shard_result_write(const char *path, const ms_run_report_t *r,
                      const ms_shard_claim_t *claims, size_t n_claims)
{
    FILE *f = fopen(path, "wb");
    int bad = 0;

    if (!f)
        return -1;
    bad |= fputs(RESULT_MAGIC, f) < 0;
    bad |= put_number(f, r->added) || put_number(f, r->failed) ||
           put_number(f, r->docs_written) || put_number(f, r->docs_deleted) ||
           put_number(f, r->bytes_read);
    for (size_t i = 0; i < MS_RUN_N_PHASES; i++) /* CPU time, in microseconds */
        bad |= put_number(f, (uint64_t)(r->cpu[i] * 1e6));
    bad |= put_number(f, r->n_failures);
    for (size_t i = 0; !bad && i < r->n_failures; i++)
        bad |= put_string(f, r->failures[i].file) || put_string(f, r->failures[i].reason);
    bad |= put_number(f, r->n_warnings);
    for (size_t i = 0; !bad && i < r->n_warnings; i++)
        bad |= put_string(f, r->warnings[i]);
    bad |= put_number(f, n_claims);
    for (size_t i = 0; !bad && i < n_claims; i++)
        bad |= put_string(f, claims[i].file) || put_string(f, claims[i].id);
    /* fclose flushes: its failure is a write failure too. */
    bad |= fclose(f) != 0;
    return bad ? -1 : 0;
}

/* Reading: -1 for a short or malformed file, -2 for OOM. */
static int
get_number(FILE *f, uint64_t *out)
{
    return fread(out, sizeof(*out), 1, f) == 1 ? 0 : -1;
}

static int
get_string(FILE *f, char **out)
{
    uint64_t len;
    bool whole;

    *out = NULL;
    if (get_number(f, &len) != 0 || len > RESULT_STRING_MAX)
        return -1;
    *out = malloc(len + 1);
    if (!*out)
        return -2;
    whole = len == 0 || fread(*out, 1, len, f) == len;
    if (whole) {
        (*out)[len] = '\0';
        whole = strlen(*out) == len; /* a NUL inside: not what was written */
    }
    if (!whole) {
        free(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}

/* A count of items of 'size' bytes that the rest of the file could hold. */
static int
get_count(FILE *f, size_t *out, size_t size)
{
    uint64_t n;

    if (get_number(f, &n) != 0 || n > SIZE_MAX / size / 2)
        return -1;
    *out = (size_t)n;
    return 0;
}

/* Hands a group of strings read to where it goes; the strings are its to
 * keep or free, also on failure. 0, or -2 on OOM. */
typedef int take_group_fn(void *payload, char **strings);

/* Read a count of items of 'size' bytes, then that many groups of 'width'
 * (1 or 2) strings, each handed to 'take'. Items are added as they are
 * read, so a damaged count cannot ask for a huge block. */
static int
get_groups(FILE *f, size_t size, size_t width, take_group_fn *take, void *payload)
{
    size_t n;

    if (get_count(f, &n, size) != 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        char *strings[2] = {NULL, NULL};
        int rc = 0;
        for (size_t k = 0; rc == 0 && k < width; k++)
            rc = get_string(f, &strings[k]);
        if (rc != 0) {
            free(strings[0]);
            free(strings[1]);
            return rc;
        }
        if ((rc = take(payload, strings)) != 0)
            return rc;
    }
    return 0;
}

static int
take_failure(void *payload, char **strings)
{
    int rc = ms_run_report_add_failure(payload, strings[0], strings[1]) ? -2 : 0;

    free(strings[0]);
    free(strings[1]);
    return rc;
}

static int
take_warning(void *payload, char **strings)
{
    int rc = ms_run_report_add_warning(payload, strings[0]) ? -2 : 0;

    free(strings[0]);
    return rc;
}

static int
take_claim(void *payload, char **strings)
{
    ms_shard_result_t *out = payload;
    ms_shard_claim_t *claims =
        ms_util_grow(out->claims, &out->claims_capacity, out->n_claims, sizeof(*claims));

    if (!claims) {
        free(strings[0]);
        free(strings[1]);
        return -2;
    }
    out->claims = claims;
    claims[out->n_claims].file = strings[0];
    claims[out->n_claims].id = strings[1];
    out->n_claims++;
    return 0;
}

/* The magic line and the counts of the report. */
static int
get_counts(FILE *f, ms_run_report_t *r)
{
    char magic[sizeof(RESULT_MAGIC)];
    uint64_t numbers[5];

    if (!fgets(magic, sizeof(magic), f) || strcmp(magic, RESULT_MAGIC) != 0)
        return -1;
    for (size_t i = 0; i < 5; i++) {
        if (get_number(f, &numbers[i]) != 0)
            return -1;
    }
    r->added = (unsigned long)numbers[0];
    r->failed = (unsigned long)numbers[1];
    r->docs_written = (unsigned long)numbers[2];
    r->docs_deleted = (unsigned long)numbers[3];
    r->bytes_read = numbers[4];
    for (size_t i = 0; i < MS_RUN_N_PHASES; i++) {
        if (get_number(f, &numbers[0]) != 0)
            return -1;
        r->cpu[i] = (double)numbers[0] / 1e6;
    }
    return 0;
}

int
ms_shard_result_read(ms_shard_result_t *out, const char *path)
{
    FILE *f = fopen(path, "rb");
    ms_run_report_t *r = &out->report;
    int rc;

    memset(out, 0, sizeof(*out));
    if (!f)
        return -1;
    rc = get_counts(f, r);
    if (rc == 0)
        rc = get_groups(f, sizeof(*r->failures), 2, take_failure, r);
    if (rc == 0)
        rc = get_groups(f, sizeof(*r->warnings), 1, take_warning, r);
    if (rc == 0)
        rc = get_groups(f, sizeof(*out->claims), 2, take_claim, out);
    if (rc == 0 && fgetc(f) != EOF)
        rc = -1;
    if (rc != 0)
        ms_shard_result_clear(out);
    fclose(f);
    return rc;
}

void
ms_shard_result_clear(ms_shard_result_t *res)
{
    if (!res)
        return;
    ms_run_report_clear(&res->report);
    for (size_t i = 0; i < res->n_claims; i++) {
        free(res->claims[i].file);
        free(res->claims[i].id);
    }
    free(res->claims);
    memset(res, 0, sizeof(*res));
}

static int
remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (type == FTW_DP)
        return rmdir(path) != 0 && errno != ENOENT ? -1 : 0;
    return unlink(path) != 0 && errno != ENOENT ? -1 : 0;
}

int
ms_shard_remove_tree(const char *path)
{
    struct stat st;

    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : -1;
    return nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}
