/* reshard.c - an index of fewer shards merged from one of more, for the bench
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Usage: reshard SOURCE N DEST
 *   SOURCE  an index path of M shards (index.shards: M, M > 1)
 *   N       the shards wanted, a divisor of M (1: one database)
 *   DEST    the index path to create: the generation DEST.gen-1 and the
 *           link DEST to it, the layout migsearch-index leaves
 *
 * tests/bench/shards.sh indexes the 1M-document archive once, as 4
 * shards, and derives the 2-shard index and the one database from it with
 * ms_index_reshard() (indexer/shim/compact.cc): the index a writer of N
 * shards would leave, because a document's shard is FNV-1a(id) mod N
 * (tests/integration/test_indexer.c checks the derived index against one
 * built directly). Prints the seconds the merge took; exit status 0, 1 when
 * it failed, 2 on a usage error. Built by shards.sh with cc against the
 * build's libms_index.a, like peers_export.c.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ms_index_build.h"

int
main(int argc, char **argv)
{
    char *end = NULL;
    if (argc != 4) {
        fprintf(stderr, "usage: reshard SOURCE N DEST\n");
        return 2;
    }
    unsigned long n = strtoul(argv[2], &end, 10);
    if (!*argv[2] || *end || n == 0 || n > 9999) {
        fprintf(stderr, "reshard: bad number of shards: %s\n", argv[2]);
        return 2;
    }
    const char *slash = strrchr(argv[3], '/');
    const char *base = slash ? slash + 1 : argv[3];
    char gen[4096], link[4096];
    if (!*base || snprintf(gen, sizeof(gen), "%s.gen-1", argv[3]) >= (int)sizeof(gen) ||
        snprintf(link, sizeof(link), "%s.gen-1", base) >= (int)sizeof(link)) {
        fprintf(stderr, "reshard: bad destination: %s\n", argv[3]);
        return 2;
    }
    struct timespec t0, t1;
    ms_index_error_t err = {0};
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (ms_index_reshard(gen, argv[1], (unsigned)n, &err) != MS_INDEX_OK) {
        fprintf(stderr, "reshard: %s: %s\n", argv[1], err.text);
        return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (symlink(link, argv[3]) != 0) {
        perror(argv[3]);
        return 1;
    }
    printf("%.1f\n", (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
    return 0;
}
