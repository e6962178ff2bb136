/* shard.c - the pieces of a parallel rebuild: partition, worker results, cleanup
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * run.c forks one worker per shard of the archive's files; each worker
 * indexes its files into its own database and leaves what the parent needs
 * to know (its counts, failures, warnings and the ids each file claimed)
 * in a result file beside that database, written here and read back here.
 * The file is binary (lengths, then bytes) because paths and ids are any
 * bytes but NUL, newlines included; it never outlives the rebuild.
 */
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run.h"

#define RESULT_MAGIC "migsearch-shard 1\n"
/* No string in a result is longer: paths, ids and one-line reasons. */
#define RESULT_STRING_MAX (1u << 24)

struct by_size {
    unsigned long long size;
    size_t index;
};

static int
compare_by_size(const void *a, const void *b)
{
    const struct by_size *x = a, *y = b;

    if (x->size != y->size)
        return x->size > y->size ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
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

    *out = NULL;
    if (get_number(f, &len) != 0 || len > RESULT_STRING_MAX)
        return -1;
    *out = malloc(len + 1);
    if (!*out)
        return -2;
    if (len > 0 && fread(*out, 1, len, f) != len) {
        free(*out);
        *out = NULL;
        return -1;
    }
    (*out)[len] = '\0';
    if (strlen(*out) != len) { /* a NUL inside: not what was written */
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

int
ms_shard_result_read(ms_shard_result_t *out, const char *path)
{
    FILE *f = fopen(path, "rb");
    char magic[sizeof(RESULT_MAGIC)];
    uint64_t numbers[5];
    ms_run_report_t *r = &out->report;
    size_t n;
    int rc = -1;

    memset(out, 0, sizeof(*out));
    if (!f)
        return -1;
    if (!fgets(magic, sizeof(magic), f) || strcmp(magic, RESULT_MAGIC) != 0)
        goto out;
    for (size_t i = 0; i < 5; i++) {
        if (get_number(f, &numbers[i]) != 0)
            goto out;
    }
    r->added = (unsigned long)numbers[0];
    r->failed = (unsigned long)numbers[1];
    r->docs_written = (unsigned long)numbers[2];
    r->docs_deleted = (unsigned long)numbers[3];
    r->bytes_read = numbers[4];

    if (get_count(f, &n, sizeof(*r->failures)) != 0)
        goto out;
    /* Grown as read, so a damaged count cannot ask for a huge block. */
    for (size_t i = 0; i < n; i++) {
        char *file, *reason = NULL;
        if ((rc = get_string(f, &file)) != 0 || (rc = get_string(f, &reason)) != 0 ||
            (rc = ms_run_report_add_failure(r, file, reason) ? -2 : 0) != 0) {
            free(file);
            free(reason);
            goto fail;
        }
        free(file);
        free(reason);
    }
    if (get_count(f, &n, sizeof(*r->warnings)) != 0)
        goto fail_short;
    for (size_t i = 0; i < n; i++) {
        char *warning;
        if ((rc = get_string(f, &warning)) != 0)
            goto fail;
        if (ms_run_report_add_warning(r, warning) != 0) {
            free(warning);
            rc = -2;
            goto fail;
        }
        free(warning);
    }
    if (get_count(f, &n, sizeof(*out->claims)) != 0)
        goto fail_short;
    for (size_t i = 0; i < n; i++) {
        char *file, *id = NULL;
        if ((rc = get_string(f, &file)) != 0 || (rc = get_string(f, &id)) != 0) {
            free(file);
            free(id);
            goto fail;
        }
        if (out->n_claims == out->claims_capacity) {
            size_t grown = out->claims_capacity ? out->claims_capacity * 2 : 64;
            ms_shard_claim_t *bigger = realloc(out->claims, grown * sizeof(*bigger));
            if (!bigger) {
                free(file);
                free(id);
                rc = -2;
                goto fail;
            }
            out->claims = bigger;
            out->claims_capacity = grown;
        }
        out->claims[out->n_claims].file = file;
        out->claims[out->n_claims].id = id;
        out->n_claims++;
    }
    if (fgetc(f) != EOF)
        goto fail_short;
    rc = 0;
    goto out;

fail_short:
    rc = -1;
fail:
    ms_shard_result_clear(out);
out:
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
