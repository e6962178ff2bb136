/* test_differential.c - every answer equals the answer of an index without what is hidden
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The ground truth of what a viewer may learn is a server over an index
 * built from only the documents that viewer may see. For each kind of
 * viewer (anonymous, signed in without groups, each group alone, two
 * groups), this test builds that reduced archive from the fixture
 * tests/data/differential/ (its README has the traps it sets), deciding
 * visibility from each document's own `access` metadata read with libyaml,
 * starts a server over it and a server over the whole fixture, sends both
 * the same list of requests as that viewer, and requires the same status,
 * Content-Type, Content-Disposition and body, byte for byte, apart from
 * the time fields of normalise(). Every difference is reported (viewer,
 * request, first differing bytes) before the test fails.
 *
 * Only access may explain a difference (a control viewer who sees all
 * checks it): both archives are folders named "archive" at paths of one
 * length, files keep their metadata and mtimes, and both indexes are
 * built the same way from one seed (seed_index). A timing probe checks
 * the spelling oracle: a word found only in hidden documents must not
 * answer faster than a word found nowhere.
 */
#define _GNU_SOURCE /* nftw */
#include "harness.h"
#include "yaml-read.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FIXTURE MS_TEST_DATA "/differential"
#define INDEXER MS_BINARY_DIR "/indexer/migsearch-index"

typedef struct viewer {
    const char *name;
    const char *headers[3]; /* NULL-terminated */
    const char *groups[4];  /* NULL-terminated, as the fixture spells them */
} viewer_t;

static const viewer_t viewers[] = {
    {"anonymous", {NULL}, {NULL}},
    {"signed in, no groups", {"X-Test-User: alice", NULL}, {NULL}},
    {"board", {"X-Test-User: carol", "X-Test-Groups: board", NULL}, {"board", NULL}},
    {"staff", {"X-Test-User: bob", "X-Test-Groups: staff", NULL}, {"staff", NULL}},
    {"finance", {"X-Test-User: fay", "X-Test-Groups: finance", NULL}, {"finance", NULL}},
    {"staff and board",
     {"X-Test-User: dave", "X-Test-Groups: staff,board", NULL},
     {"staff", "board", NULL}},
    /* The control: sees every document, so both servers hold the same
     * archive and any difference would come from the setup, not access. */
    {"board, staff and finance",
     {"X-Test-User: gus", "X-Test-Groups: board,staff,finance", NULL},
     {"board", "staff", "finance"}},
};

/* The requests, sent in this order to both servers (so that /metrics,
 * last, counts the same history on both). */
static const char *const requests[] = {
    /* Browse, every parameter, the facets. */
    "/search", "/search?per_page=100", "/search?facets=0&per_page=100",
    "/search?sort=newest&per_page=100", "/search?sort=oldest&per_page=100",
    "/search?sort=added&per_page=100", "/search?page=2&per_page=5",
    "/search?page=3&per_page=7&sort=newest", "/search?lang=fr",
    "/search?lang=en&per_page=100", "/search?type=report&per_page=100",
    "/search?process=Lakeside+Dialogue&per_page=100", "/search?process=Nightjar+Process",
    "/search?meeting=ld-2002-lakeside", "/search?meeting=nj-1997-nightjar",
    "/search?country=Kyrgyzstan&per_page=100", "/search?country=Sylvania",
    "/search?theme=remittances", "/search?theme=cryptography",
    "/search?status=not+implemented&per_page=100",
    "/search?country=Jamaica&status=implemented", "/search?year=2003",
    "/search?year=1997", "/search?from=2002&to=2003&per_page=100",
    "/search?from=2003-04-08&to=2003-04-08&sort=oldest",
    /* Words: shared with hidden documents, the score pair, phrases. */
    "/search?q=repatriation", "/search?q=trafficking&per_page=50",
    "/search?q=harbour+lighthouse", "/search?q=lighthouse", "/search?q=port+cooperation",
    "/search?q=%22port+authorities%22", "/search?q=remittance&sort=newest",
    /* Phrases beside other words, filtered and required (filter.cc,
     * ms_index__restrict: the viewer's hidden documents are left out by
     * their own terms there). */
    "/search?q=port-authorities+harbour+cooperation&per_page=50",
    "/search?q=%22port+authorities%22+lighthouse&type=report&per_page=50",
    "/search?q=%2Bharbour+port-authorities+lighthouse&per_page=50",
    "/search?q=cooperation+AND+%28port-authorities+harbour%29&year=2003",
    "/search?q=workers&lang=en&country=Mali",
    "/search?q=consulates+OR+shelters&page=2&per_page=3", "/search?q=country%3ASylvania",
    "/search?q=symbol%3ARES%2FBOARD%2F1", "/search?q=process%3A%22Nightjar+Process%22",
    /* Wildcards over prefixes of frequent hidden words. */
    "/search?q=z*", "/search?q=zq*", "/search?q=zqx*", "/search?q=zqxa*",
    "/search?q=zqxb*&sort=added", "/search?q=quill*", "/search?q=lighth*+harbour",
    /* Did you mean: hidden words and near-spellings of public ones. */
    "/search?q=quillmarrow", "/search?q=plinthquaver", "/search?q=repatriaton",
    "/search?q=ombudsmen", "/search?q=zqxambar", "/search?q=zqxbeakon",
    "/search?q=repatriaton+workers", "/search?q=remitance", "/search?q=zqxfonet",
    "/search?q=zqxbatok",
    /* Suggestions. */
    "/suggest?q=zqx", "/suggest?q=zqxa", "/suggest?q=zq", "/suggest?q=z",
    "/suggest?q=quill", "/suggest?q=repatr", "/suggest?q=lighth", "/suggest?q=ledg",
    "/suggest?q=sylv", "/suggest?q=nightj", "/suggest?q=ombud",
    /* Similar documents, public and hidden. */
    "/similar/pub-03", "/similar/pub-pair-harbour", "/similar/pub-pair-lighthouse",
    "/similar/pub-01", "/similar/pub-text-minutes", "/similar/board-note-1",
    "/similar/finance-staff-paraphrase", "/similar/cc-2003-closed.r1",
    /* Feed and fragment. */
    "/feed", "/feed?q=z*", "/feed?q=trafficking", "/feed?country=Kyrgyzstan",
    "/feed?q=quillmarrow", "/fragment", "/fragment?q=z*", "/fragment?q=trafficking",
    "/fragment?q=repatriaton",
    /* Documents and their files, of each access set. */
    "/doc/pub-01", "/doc/pub-pair-lighthouse", "/doc/pub-text-minutes",
    "/doc/cc-2003-coastal.r1", "/doc/board-note-1", "/doc/staff-typos",
    "/doc/finance-ledger", "/doc/board-staff-note-2", "/doc/finance-staff-paraphrase",
    "/doc/cc-2003-closed.r1", "/doc/pub-01/file", "/doc/pub-text-minutes/file",
    "/doc/board-quill/file", "/doc/finance-ledger/file",
    "/doc/board-staff-codebook-1/file", "/doc/cc-2003-closed.r1/file",
    /* Meeting and country views, JSON and CSV. */
    "/meeting/cc-2003-coastal", "/meeting/cc-2003-coastal?format=csv",
    "/meeting/cc-2003-closed", "/meeting/cc-2003-closed?format=csv",
    "/meeting/ld-2002-lakeside", "/meeting/nj-1997-nightjar", "/meeting/lc-1996-ledger",
    "/country/Jamaica", "/country/Jamaica?format=csv", "/country/Sylvania",
    "/country/Sylvania?format=csv", "/country/Kyrgyzstan", "/country/Grand%20Fenwick",
    "/country/Mali?format=csv",
    /* The server's own. */
    "/schema", "/health", "/metrics"};

/* ---- the archives ---- */

/* Whether 'groups' (NULL: every group) may see the document whose
 * metadata is the YAML 'text' (front matter, sidecar or recommendation
 * set): it names no group (public) or one of them. */
static bool
yaml_visible(const char *text, size_t length, const char *const *groups, const char *path)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    bool visible = true;

    cr_assert(yaml_parser_initialize(&parser));
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, length);
    cr_assert(yaml_parser_load(&parser, &doc), "%s: not YAML", path);
    yaml_node_t *access = yaml_get(&doc, yaml_document_get_root_node(&doc), "access");
    if (access && access->type == YAML_SEQUENCE_NODE) {
        visible = !groups ||
                  access->data.sequence.items.top == access->data.sequence.items.start;
        for (yaml_node_item_t *i = access->data.sequence.items.start;
             groups && i < access->data.sequence.items.top; i++)
            for (const char *const *g = groups; *g; g++)
                if (strcmp(yaml_text(yaml_document_get_node(&doc, *i)), *g) == 0)
                    visible = true;
    } else if (access) {
        const char *one = yaml_text(access);
        cr_assert(one, "%s: access is neither a list nor a value", path);
        visible = !groups;
        for (const char *const *g = groups; g && *g; g++)
            visible = visible || strcmp(one, *g) == 0;
    }
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    return visible;
}

/* Whether 'groups' may see fixture file 'path', from its metadata: its
 * front matter (Markdown), the file itself (a recommendation set or a
 * sidecar, which goes with its document) or its sidecar (anything else).
 * The README is never copied, _meetings.yaml always. *document is set
 * for the files that are documents. */
static bool
file_visible(const char *path, const char *const *groups, bool *document)
{
    const char *name = strrchr(path, '/') + 1, *dot = strrchr(name, '.');
    size_t n = strlen(path);
    char sidecar[1024];
    bool visible;

    *document = false;
    if (strcmp(name, "_meetings.yaml") == 0 || strcmp(name, "README.md") == 0)
        return strcmp(name, "_meetings.yaml") == 0;
    if (!dot)
        dot = name + strlen(name);
    *document = n < 10 || strcmp(path + n - 10, ".meta.yaml") != 0;
    char *text = ms_it_read_file(path);
    if (strcmp(dot, ".md") == 0) {
        cr_assert(strncmp(text, "---\n", 4) == 0, "%s: no front matter", path);
        char *end = strstr(text + 4, "\n---\n");
        cr_assert(end, "%s: front matter not closed", path);
        visible = yaml_visible(text + 4, (size_t)(end - text - 3), groups, path);
    } else if (strcmp(dot, ".yaml") == 0) {
        visible = yaml_visible(text, strlen(text), groups, path);
    } else {
        snprintf(sidecar, sizeof(sidecar), "%.*s.meta.yaml", (int)(dot - path), path);
        free(text);
        text = ms_it_read_file(sidecar);
        cr_assert(text[0], "%s: no sidecar %s", path, sidecar);
        visible = yaml_visible(text, strlen(text), groups, sidecar);
    }
    free(text);
    return visible;
}

/* Copy 'from' to 'to', creating its folders, keeping its mtime. */
static void
copy_file(const char *from, const char *to)
{
    char dir[1024];
    struct stat st;

    snprintf(dir, sizeof(dir), "%s", to);
    for (char *slash = strchr(dir + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        cr_assert(mkdir(dir, 0755) == 0 || errno == EEXIST, "mkdir %s", dir);
        *slash = '/';
    }
    char *text = ms_it_read_file(from);
    cr_assert_eq(stat(from, &st), 0);
    FILE *f = fopen(to, "wb");
    cr_assert(f, "cannot write %s", to);
    cr_assert_eq(fwrite(text, 1, (size_t)st.st_size, f), (size_t)st.st_size);
    cr_assert_eq(fclose(f), 0);
    free(text);
    struct timespec times[2] = {st.st_atim, st.st_mtim};
    cr_assert_eq(utimensat(AT_FDCWD, to, times, 0), 0);
}

/* nftw has no payload: the copy in progress. */
static struct {
    const char *to;
    const char *const *groups; /* NULL: every group */
    unsigned documents;
} copying;

static int
copy_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    char to[1024];
    bool document;
    (void)st;
    (void)ftw;
    if (type == FTW_F && file_visible(path, copying.groups, &document)) {
        snprintf(to, sizeof(to), "%s%s", copying.to, path + strlen(FIXTURE));
        copy_file(path, to);
        copying.documents += document;
    }
    return 0;
}

/* Copy into 'to' the files of the fixture 'groups' may see (NULL: all of
 * them). Returns the number of document files copied. */
static unsigned
copy_archive(const char *to, const char *const *groups)
{
    copying.to = to;
    copying.groups = groups;
    copying.documents = 0;
    cr_assert_eq(mkdir(to, 0755), 0, "mkdir %s: %s", to, strerror(errno));
    cr_assert_eq(nftw(FIXTURE, copy_one, 16, FTW_PHYS), 0, "cannot copy the fixture");
    return copying.documents;
}

/* ---- the servers ---- */

static char base[64];       /* /tmp/ms-diff.XXXXXX: archives, seed, indexer */
static char indexer[128];   /* the indexer both servers run (ms_it_options_t) */
static ms_it_t full, seen;  /* over the whole fixture; over what the viewer sees */
static bool sharded;        /* "seen" holds the whole fixture as 3 shards */
static bool remote;         /* ... of which shards 1 and 2 are remote */
static pid_t shard_host[3]; /* ms-shard-serve of the remote shards 1 and 2 */
/* Config appended for "full" (NULL: none), and whether "seen" holds the
 * whole fixture too (kept_answers_equal_searches_whoever_asks). */
static const char *full_extra;
static bool seen_whole;

/* Index the whole fixture once into base/seed/index, and write the
 * indexer both servers run: it puts a copy of the seed's generation in
 * place of the server's index (it->dir/index, where the config the
 * harness passes as $3 lives) and rebuilds it with the real
 * migsearch-index. A rebuild takes each document's "added" time from the
 * index it replaces (added.cc), so both sides show the same times; it
 * starts an empty generation, so statistics, spelling and document ids
 * are those of the archive indexed alone. */
static void
seed_index(const char *archive)
{
    char config[128], command[768];

    snprintf(config, sizeof(config), "%s/seed.yaml", base);
    FILE *f = fopen(config, "w");
    cr_assert(f);
    fprintf(f, "index:\n  path: %s/seed/index\n  jobs: 1\n", base);
    cr_assert_eq(fclose(f), 0);
    snprintf(command, sizeof(command),
             "mkdir %s/seed && %s --quiet --config %s --archive %s >%s/seed.log 2>&1",
             base, INDEXER, config, archive, base);
    cr_assert_eq(system(command), 0, "cannot index the fixture; see %s/seed.log", base);

    snprintf(indexer, sizeof(indexer), "%s/index.sh", base);
    f = fopen(indexer, "w");
    cr_assert(f);
    fprintf(f,
            "#!/bin/sh\n"
            "# called as: index.sh --quiet --config DIR/migsearch.yaml --archive A\n"
            "set -e\n"
            "dir=$(dirname \"$3\") seed=%s/seed\n"
            "rm -rf \"$dir/index\"\n"
            "if [ -L $seed/index ]; then\n" /* index -> index.gen-N */
            "  gen=$(readlink $seed/index)\n"
            "  cp -R $seed/\"$gen\" \"$dir/$gen\" && ln -s \"$gen\" \"$dir/index\"\n"
            "else\n"
            "  cp -R $seed/index \"$dir/index\"\n"
            "fi\n"
            "exec %s \"$@\" --rebuild\n",
            base, INDEXER);
    cr_assert_eq(fclose(f), 0);
    cr_assert_eq(chmod(indexer, 0755), 0);
}

/* The config lines of "seen" with shards 1 and 2 remote, served from
 * its own index folder by ms-shard-serve at ports[1] and ports[2] and the
 * next ports (a partition each: the fixture has six access sets). */
static const char *
remote_lines(int ports[3])
{
    static char lines[256];
    ports[1] = ms_it_free_ports(8);
    ports[2] = ms_it_free_ports(8); /* another block of ports */
    snprintf(lines, sizeof lines,
             "  jobs: 1\n  shards: 3\n"
             "  remote: \"1=127.0.0.1:%d 2=127.0.0.1:%d\"\n  remote_reprobe_s: 1\n",
             ports[1], ports[2]);
    return lines;
}

/* Shards 1 and 2 of "seen" served at ports[1] and ports[2]: the server
 * found them down when it started, and finds them at its next probe. */
static void
serve_remote_shards(const int ports[3])
{
    char log[128];
    for (int k = 1; k <= 2; k++) {
        snprintf(log, sizeof log, "%s/shard-%d.log", base, k);
        shard_host[k] = ms_it_serve_shard(&seen, k, ports[k], log);
    }
    ms_it_wait_shard_states(&seen, "0:up 1:up 2:up");
}

/* Both archives are folders named "archive", at base/full/archive and
 * base/seen/archive (paths of one length), for 'groups'; with 'shards',
 * "seen" holds the whole fixture too, indexed as 3 shards, with
 * 'remote_shards' 1 and 2 of them remote. */
static void
start_servers(const char *const *groups, bool shards, bool remote_shards)
{
    char archive[160], dir[96];
    int ports[3];
    const ms_it_options_t options = {.indexer = indexer, .index_lines = "  jobs: 1\n"};
    const ms_it_options_t full_options = {
        .indexer = indexer, .index_lines = "  jobs: 1\n", .extra_config = full_extra};
    const ms_it_options_t whole_options = {.indexer = indexer,
                                           .index_lines = "  jobs: 1\n",
                                           .extra_config = MS_IT_NO_KEPT_ANSWERS};
    const ms_it_options_t sharded_options = {
        .indexer = indexer,
        .index_lines = remote_shards ? remote_lines(ports) : "  jobs: 1\n  shards: 3\n"};

    strcpy(base, "/tmp/ms-diff.XXXXXX");
    cr_assert(mkdtemp(base), "mkdtemp: %s", strerror(errno));
    snprintf(dir, sizeof(dir), "%s/full", base);
    cr_assert_eq(mkdir(dir, 0755), 0);
    snprintf(archive, sizeof(archive), "%s/archive", dir);
    unsigned all = copy_archive(archive, NULL);
    seed_index(archive);
    ms_it_start_with(&full, archive, &full_options);
    if (!groups && !shards && !seen_whole)
        return;
    snprintf(dir, sizeof(dir), "%s/seen", base);
    cr_assert_eq(mkdir(dir, 0755), 0);
    snprintf(archive, sizeof(archive), "%s/archive", dir);
    unsigned visible = copy_archive(archive, shards || seen_whole ? NULL : groups);
    cr_assert(visible > 0 && visible <= all, "%u of %u documents visible", visible, all);
    ms_it_start_with(&seen, archive,
                     shards       ? &sharded_options
                     : seen_whole ? &whole_options
                                  : &options);
    if (remote_shards)
        serve_remote_shards(ports);
}

static void
stop_servers(void)
{
    for (int k = 1; k <= 2; k++) {
        if (shard_host[k] > 0) {
            kill(-shard_host[k], SIGKILL);
            waitpid(shard_host[k], NULL, 0);
            shard_host[k] = 0;
        }
    }
    if (seen.dir[0])
        ms_it_stop(&seen);
    if (full.dir[0])
        ms_it_stop(&full);
    ms_it_remove_tree(base);
    /* Stopped: a test may start servers again. */
    seen.dir[0] = full.dir[0] = '\0';
}

/* ---- comparing answers ---- */

/* Replace the 'n' bytes at 'from' in 'res' with one '~'. */
static void
blank(ms_http_t *res, char *from, size_t n)
{
    if (n == 0)
        return;
    *from = '~';
    memmove(from + 1, from + n, res->length - (size_t)(from + n - res->body) + 1);
    res->length -= n - 1;
}

/* Blank in 'res' (the answer to 'target') the fields that are times, and
 * only those. Each is a time by definition, measured or read
 * from the clock, so it differs between two servers whatever they hold:
 *   took_ms (/search)     the time the search took, in ms (docs/api.md);
 *   last_commit (/health) when the last indexer run finished: the two
 *                         indexes were built at different moments;
 *   feed <updated>        "the current time when there is none" (no
 *                         entry); with entries it is the first entry's
 *                         "added", an identity compared like the rest;
 *   migsearch_request_duration_seconds _bucket and _sum (/metrics): a
 *                         histogram of times (its _count is compared);
 *   migsearch_indexer_last_run_finished_seconds and _duration_seconds
 *                         (/metrics): when the last indexer run finished
 *                         and how long it took, like last_commit.
 * A count, an id or an order is never blanked: if one differs, that is
 * what the test is for. */
static void
normalise(ms_http_t *res, const char *target)
{
    char *body = res->body, *at;
    if (strncmp(target, "/search", 7) == 0 && (at = strstr(body, "\"took_ms\":"))) {
        at += strlen("\"took_ms\":");
        blank(res, at, strspn(at, " 0123456789.eE+-"));
    }
    if (strcmp(target, "/health") == 0 && (at = strstr(body, "\"last_commit\":"))) {
        at += strlen("\"last_commit\":");
        blank(res, at, strcspn(at, ",}"));
    }
    /* The revision is the sum of the partitions' (of every shard's):
     * a version to compare with itself, not a count. */
    if (sharded && strcmp(target, "/health") == 0 &&
        (at = strstr(body, "\"revision\":"))) {
        at += strlen("\"revision\":");
        blank(res, at, strcspn(at, ",}"));
    }
    /* And the shards are listed, one or three. */
    if (sharded && strcmp(target, "/health") == 0 && (at = strstr(body, "\"shards\":"))) {
        at += strlen("\"shards\":");
        blank(res, at, strcspn(at, "]") + 1);
    }
    if (strncmp(target, "/feed", 5) == 0 && !strstr(body, "<entry") &&
        (at = strstr(body, "<updated>")))
        blank(res, at, strcspn(at, "\n"));
    for (at = body; strcmp(target, "/metrics") == 0 && at && *at;) {
        if (strncmp(at, "migsearch_request_duration_seconds_bucket", 41) == 0 ||
            strncmp(at, "migsearch_request_duration_seconds_sum", 38) == 0 ||
            strncmp(at, "migsearch_indexer_last_run_finished_seconds ", 44) == 0 ||
            strncmp(at, "migsearch_indexer_last_run_duration_seconds ", 44) == 0 ||
            (sharded && strncmp(at, "migsearch_index_revision ", 25) == 0))
            blank(res, at, strcspn(at, "\n"));
        /* One line per shard: all of them as one. */
        for (char *end = at; sharded && strncmp(end, "migsearch_shard_up{", 19) == 0;) {
            end += strcspn(end, "\n");
            if (strncmp(end, "\nmigsearch_shard_up{", 20) == 0)
                end++;
            else {
                blank(res, at, (size_t)(end - at));
                break;
            }
        }
        at = strchr(at, '\n');
        at = at ? at + 1 : NULL;
    }
}

/* 'text' around byte 'at' on one line, for a report. */
static void
excerpt(char *out, size_t size, const char *text, size_t length, size_t at)
{
    size_t o = 0, from = at > 40 ? at - 40 : 0;
    for (size_t i = from; i < length && i < from + 160 && o + 5 < size; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '\n')
            o += (size_t)snprintf(out + o, size - o, "\\n");
        else if (c < 0x20 || c == 0x7f)
            o += (size_t)snprintf(out + o, size - o, "\\x%02x", c);
        else
            out[o++] = (char)c;
    }
    out[o] = '\0';
}

/* Header 'name' of 'res', "" when absent. */
static const char *
header(const ms_http_t *res, const char *name, char *buf, size_t size)
{
    return ms_http_header(res, name, buf, size) ? buf : "";
}

/* Over shards, what Xapian itself computes in each sub-database rather
 * than over their union may differ from the unsharded index
 * (docs/architecture.md, "Shards"): the frequency of a wildcard's
 * OP_SYNONYM (so its scores and their order). For those targets the test
 * compares what must still hold: the status, the totals and the facets.
 * Did-you-mean is byte-equal: the spelling of every shard is in shard 0
 * (docs/index-schema.md, "Spelling"). */
static bool
loose_over_shards(const char *target)
{
    return sharded && strchr(target, '*');
}

/* Over remote shards the test holds the facets (and totals) of /search
 * equal, counted on the shard hosts by Xapian's ValueCountMatchSpy
 * (facets.cc): the rest of a remote answer is other work's. The date
 * orders too: over remote shards they sort by the value alone (search.cc;
 * Xapian 1.4's remote backend takes no KeyMaker), which changes the order
 * of ties, not the totals or facets. */
static bool
compared_over_remote_shards(const char *target)
{
    return strncmp(target, "/search", 7) == 0;
}

/* The parts of a /search or /fragment answer that 'loose_over_shards'
 * targets must share: "" for HTML. A /search answer that is not JSON
 * fails the test. */
static char *
loose_parts(const ms_http_t *res, const char *target)
{
    json_error_t error;
    json_t *json = json_loadb(res->body, res->length, 0, &error);
    if (!json) {
        cr_expect(strncmp(target, "/search", 7) != 0 || res->status != 200,
                  "GET %s: not JSON: %s", target, error.text);
        return strdup("");
    }
    json_t *kept = json_pack("{sOsO}", "total", json_object_get(json, "total"), "facets",
                             json_object_get(json, "facets"));
    char *text = json_dumps(kept, JSON_SORT_KEYS);
    json_decref(kept);
    json_decref(json);
    return text;
}

/* Whether 'res' is an answer its server gave up part of. */
static bool
partial(const ms_http_t *res)
{
    return res->body && (strstr(res->body, "\"partial\":true") ||
                         strstr(res->body, "\"missing_shards\":"));
}

/* Send 'target' to both servers as 'viewer' and compare. Returns true if
 * the answers are equal; reports the difference otherwise. */
static bool
compare_one(const viewer_t *viewer, const char *target)
{
    ms_http_t a, b;
    char ha[256], hb[256], ea[512], eb[512];
    const char *what = NULL;
    size_t at = 0;

    if (remote && !compared_over_remote_shards(target))
        return true;
    /* A search whose time budget ran out, or that met a shard host slow
     * to answer, says so (partial: true): a loaded machine, not an answer
     * to hold to the ground truth. Asked again a few times; a server that
     * answers partial every time fails. */
    for (int attempt = 0;; attempt++) {
        ms_it_request_headers(&a, &full, "GET", target, NULL, viewer->headers);
        ms_it_request_headers(&b, &seen, "GET", target, NULL, viewer->headers);
        if (attempt == 4 || (!partial(&a) && !partial(&b)))
            break;
        ms_http_free(&a);
        ms_http_free(&b);
        usleep(200 * 1000);
    }
    /* Before normalise(), whose blanks are not JSON. */
    char *pa = loose_parts(&a, target), *pb = loose_parts(&b, target);
    normalise(&a, target);
    normalise(&b, target);
    if (a.status != b.status)
        what = "status";
    else if (strcmp(header(&a, "Content-Type", ha, sizeof(ha)),
                    header(&b, "Content-Type", hb, sizeof(hb))) != 0)
        what = "Content-Type";
    else if (strcmp(header(&a, "Content-Disposition", ha, sizeof(ha)),
                    header(&b, "Content-Disposition", hb, sizeof(hb))) != 0)
        what = "Content-Disposition";
    else if (remote || loose_over_shards(target)) {
        if (strcmp(pa, pb) != 0)
            what = "totals or facets";
        while (what && pa[at] && pa[at] == pb[at])
            at++;
    } else if (a.length != b.length || memcmp(a.body, b.body, a.length) != 0) {
        what = "body";
        while (at < a.length && at < b.length && a.body[at] == b.body[at])
            at++;
    }
    if (what && strcmp(what, "totals or facets") == 0) {
        excerpt(ea, sizeof(ea), pa, strlen(pa), at);
        excerpt(eb, sizeof(eb), pb, strlen(pb), at);
    } else if (what) {
        excerpt(ea, sizeof(ea), a.body, a.length, at);
        excerpt(eb, sizeof(eb), b.body, b.length, at);
    }
    if (what) {
        cr_expect_fail("%s: GET %s: %s differs (status %ld vs %ld, %zu vs %zu bytes, "
                       "first difference at byte %zu of the %s)\n  all documents: ...%s\n"
                       "  visible only:  ...%s",
                       viewer->name, target, what, a.status, b.status, a.length, b.length,
                       at, what, ea, eb);
    }
    free(pa);
    free(pb);
    ms_http_free(&a);
    ms_http_free(&b);
    return what == NULL;
}

TestSuite(differential, .fini = stop_servers, .timeout = 120);

/* The fixture's traps are armed: in the ground truth of anonymous, the
 * answers that hidden documents would change are what they should be
 * (README.md). Without this, a fixture edited harmless would still pass. */
static void
check_traps(void)
{
    ms_http_t res;
    json_t *json = ms_it_get_json(&res, &seen, "/search?q=z*");
    json_int_t total =
        json_integer_value(json_object_get(json_object_get(json, "total"), "estimate"));
    cr_expect_eq(total, 6, "z* finds %lld public documents", (long long)total);
    ms_http_free(&res);
    json = ms_it_get_json(&res, &seen, "/suggest?q=zqx");
    cr_expect_eq(json_array_size(json_object_get(json, "suggestions")), 6, "%s",
                 res.body);
    ms_http_free(&res);
    json = ms_it_get_json(&res, &seen, "/search?q=repatriaton");
    const char *dym = json_string_value(json_object_get(json, "did_you_mean"));
    cr_expect(dym && strcmp(dym, "repatriation") == 0, "%s", res.body);
    ms_http_free(&res);
    json = ms_it_get_json(&res, &seen, "/search?q=harbour+lighthouse");
    json_t *hits = json_object_get(json, "results");
    cr_expect(json_array_size(hits) == 2 &&
                  json_equal(json_object_get(json_array_get(hits, 0), "score"),
                             json_object_get(json_array_get(hits, 1), "score")),
              "the score pair scores unequally: %s", res.body);
    ms_http_free(&res);
}

/* Every request of the list as 'viewer', against both servers ('sharded':
 * the second over the whole fixture as 3 shards; 'remote_shards': 2 of
 * them remote). */
static void
check_viewer(const viewer_t *viewer, bool shards, bool remote_shards)
{
    size_t n = sizeof(requests) / sizeof(*requests), differ = 0;

    start_servers(viewer->groups, shards, remote_shards);
    sharded = shards;
    remote = remote_shards;
    for (size_t i = 0; i < n; i++)
        differ += !compare_one(viewer, requests[i]);
    if (viewer == &viewers[0] && !shards)
        check_traps(); /* after: /metrics counted the same requests */
    cr_assert_eq(differ, 0, "%s: %zu of %zu answers differ from the ground truth",
                 viewer->name, differ, n);
}

/* One test per viewer of the table (the last is the control). The
 * parameter is an index: Criterion copies parameters into a new process,
 * where the table's pointers would not hold. */
static struct criterion_test_params
viewer_indexes(void)
{
    static size_t which[sizeof(viewers) / sizeof(*viewers)];
    for (size_t i = 0; i < sizeof(which) / sizeof(*which); i++)
        which[i] = i;
    return cr_make_param_array(size_t, which, sizeof(which) / sizeof(*which));
}

ParameterizedTestParameters(differential, answers_equal_the_ground_truth)
{
    return viewer_indexes();
}

ParameterizedTest(size_t *which, differential, answers_equal_the_ground_truth)
{
    check_viewer(&viewers[*which], false, false);
}

/* Sharded (docs/index-schema.md, "Shards"): each viewer's answers over
 * the fixture indexed as 3 shards, combined by the server, equal those
 * over the unsharded index byte for byte: the same ids in the same
 * order, totals, facets, scores, snippets, did-you-mean, suggestions,
 * similar documents, feed, documents and files. */
ParameterizedTestParameters(differential, sharded_answers_equal_unsharded)
{
    return viewer_indexes();
}

ParameterizedTest(size_t *which, differential, sharded_answers_equal_unsharded)
{
    check_viewer(&viewers[*which], true, false);
}

/* Over remote shards (shards 1 and 2 through xapian-tcpsrv, each viewer's
 * view their visible partitions): each viewer's /search answers have the
 * totals and facets of the unsharded index, with and without country and
 * status filters (the derived facets), restricted values included. */
ParameterizedTestParameters(differential, remote_shards_count_facets_as_unsharded)
{
    return viewer_indexes();
}

ParameterizedTest(size_t *which, differential, remote_shards_count_facets_as_unsharded)
{
    check_viewer(&viewers[*which], true, true);
}

/* The answers a server keeps (search.result_cache_mb, on by default in
 * "full"): one server asked every /search of the list as every viewer in
 * turns (request by request, each viewer in a row, the whole list twice,
 * so that every answer is asked again and most are kept when asked),
 * answers as a server over the same fixture that keeps nothing (each
 * asking a search, which the tests above hold to the ground truth). So a
 * kept answer is never another viewer's, nor other than a search. The
 * server's 4 threads share what they keep, so an answer asked again may
 * be given by another thread than the one that kept it. */
Test(differential, kept_answers_equal_searches_whoever_asks)
{
    size_t n = sizeof(requests) / sizeof(*requests),
           nv = sizeof(viewers) / sizeof(*viewers);
    size_t asked = 0, differ = 0;

    seen_whole = true;
    start_servers(NULL, false, false);
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < n; i++) {
            if (strncmp(requests[i], "/search", 7) != 0)
                continue;
            for (size_t v = 0; v < nv; v++) {
                differ += !compare_one(&viewers[v], requests[i]);
                asked++;
            }
        }
    }
    unsigned long kept = ms_it_metric(&full, "migsearch_result_cache_hits_total");
    /* The second round is asked again whole, and two viewers without
     * groups ask alike: more than 4 in 10 (a partial answer is not kept). */
    cr_expect_geq(kept * 10, asked * 4, "only %lu of %zu answers were given again", kept,
                  asked);
    cr_assert_eq(differ, 0, "%zu of %zu answers differ from a server that keeps none",
                 differ, asked);
}

/* Whether the answer to 'target' depends on what the server was asked
 * before (counters), so that two servers with other histories differ. */
static bool
counts_history(const char *target)
{
    return strcmp(target, "/metrics") == 0 || strcmp(target, "/health") == 0;
}

/* What a server kept between viewers (the answers of
 * search.result_cache_mb, the documents of search.cache_mb, each
 * thread's index handle) is never another viewer's: a server over the
 * whole fixture asked every request of the list (but /metrics and
 * /health, which count what was asked) as every viewer in turns, request
 * by request, the list twice, answers each viewer as the same server,
 * started again for that viewer alone and asked only by it, answered
 * (which answers_equal_the_ground_truth holds to a server over what the
 * viewer may see). Shipped settings: 4 threads, answers and documents
 * kept. */
Test(differential, viewers_in_turns_get_what_each_gets_alone, .timeout = 600)
{
    size_t n = sizeof(requests) / sizeof(*requests),
           nv = sizeof(viewers) / sizeof(*viewers), differ = 0, asked = 0;
    ms_http_t(*alone)[sizeof(requests) / sizeof(*requests)] = calloc(nv, sizeof(*alone));
    char ea[512], eb[512];

    cr_assert(alone);
    start_servers(NULL, false, false);
    for (size_t v = 0; v < nv; v++) {
        ms_it_restart_fcgi(&full); /* alone: a server no one else asked */
        for (size_t i = 0; i < n; i++) {
            if (counts_history(requests[i]))
                continue;
            ms_it_request_headers(&alone[v][i], &full, "GET", requests[i], NULL,
                                  viewers[v].headers);
            normalise(&alone[v][i], requests[i]);
        }
    }
    ms_it_restart_fcgi(&full);
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < n; i++) {
            for (size_t v = 0; v < nv && !counts_history(requests[i]); v++) {
                ms_http_t got;
                const ms_http_t *want = &alone[v][i];
                size_t at = 0;
                ms_it_request_headers(&got, &full, "GET", requests[i], NULL,
                                      viewers[v].headers);
                normalise(&got, requests[i]);
                asked++;
                if (got.status != want->status || got.length != want->length ||
                    memcmp(got.body, want->body, got.length) != 0) {
                    while (at < got.length && at < want->length &&
                           got.body[at] == want->body[at])
                        at++;
                    excerpt(ea, sizeof(ea), got.body, got.length, at);
                    excerpt(eb, sizeof(eb), want->body, want->length, at);
                    cr_expect_fail("%s, round %d: GET %s: status %ld vs %ld, %zu vs %zu "
                                   "bytes, first difference at byte %zu\n"
                                   "  asked in turns: ...%s\n  asked alone:    ...%s",
                                   viewers[v].name, round + 1, requests[i], got.status,
                                   want->status, got.length, want->length, at, ea, eb);
                    differ++;
                }
                ms_http_free(&got);
            }
        }
    }
    for (size_t v = 0; v < nv; v++)
        for (size_t i = 0; i < n; i++)
            if (!counts_history(requests[i]))
                ms_http_free(&alone[v][i]);
    free(alone);
    cr_assert_eq(differ, 0, "%zu of %zu answers in turns differ from those asked alone",
                 differ, asked);
}

/* ---- the timing probe ---- */

static int
by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double
median(double *values, size_t n)
{
    qsort(values, n, sizeof(*values), by_value);
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

/* Search 'word' as anonymous; its took_ms into *took and wall time in
 * microseconds into *wall. */
static void
timed_search(const char *word, double *took, double *wall)
{
    char target[128];
    ms_http_t res;

    struct timespec start, end;
    snprintf(target, sizeof(target), "/search?q=%s", word);
    clock_gettime(CLOCK_MONOTONIC, &start);
    json_t *json = ms_it_get_json(&res, &full, target);
    clock_gettime(CLOCK_MONOTONIC, &end);
    *wall = (double)(end.tv_sec - start.tv_sec) * 1e6 +
            (double)(end.tv_nsec - start.tv_nsec) / 1e3;
    json_t *value = json_object_get(json, "took_ms");
    cr_assert(json_is_number(value), "%s: no took_ms", target);
    *took = json_number_value(value);
    ms_http_free(&res);
}

/* The spelling oracle of issue 13: the spelling lookup was skipped for a
 * word of the whole index, hidden documents included, so a word found
 * only in hidden documents answered about 3 times faster (ratio 0.2-0.3)
 * than a word found nowhere, and took_ms said so. Answers must not depend
 * on hidden content: the hidden word's median may not be below 0.6 times
 * the absent word's. The factor is generous on purpose (this machine is
 * shared and noisy; requests are interleaved so that a burst of load hits
 * both words alike): it catches a skipped lookup, not a few percent. */
Test(differential, hidden_words_answer_as_slowly_as_absent_ones)
{
    enum { ROUNDS = 40 };
    double took[2][ROUNDS], wall[2][ROUNDS];
    static const char *const words[2] = {"zqxfonet", "zqxbatok"};

    /* Searches only: an answer kept and given again takes no lookup. */
    full_extra = MS_IT_NO_KEPT_ANSWERS;
    start_servers(NULL, false, false);
    for (int i = 0; i < 5; i++) /* warm up */
        for (int w = 0; w < 2; w++)
            timed_search(words[w], &took[w][0], &wall[w][0]);
    for (int i = 0; i < ROUNDS; i++)
        for (int w = 0; w < 2; w++)
            timed_search(words[(i + w) % 2], &took[(i + w) % 2][i],
                         &wall[(i + w) % 2][i]);
    double took_hidden = median(took[0], ROUNDS), took_absent = median(took[1], ROUNDS);
    double wall_hidden = median(wall[0], ROUNDS), wall_absent = median(wall[1], ROUNDS);
    cr_expect(took_hidden >= 0.6 * took_absent,
              "took_ms median: hidden word %.3f ms, absent word %.3f ms (ratio %.2f)",
              took_hidden, took_absent, took_hidden / took_absent);
    cr_expect(wall_hidden >= 0.6 * wall_absent,
              "wall time median: hidden word %.0f us, absent word %.0f us (ratio %.2f)",
              wall_hidden, wall_absent, wall_hidden / wall_absent);
}
