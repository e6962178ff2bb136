/* peers_export.c - what migsearch indexed, as Sphinx's xmlpipe2 and PostgreSQL's COPY
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Usage: peers_export INDEX OUTDIR
 *
 * Reads every document of the migsearch index at INDEX through the shim
 * (ms_index_each_id, ms_index_get: the id, title and body the index
 * stored, which is exactly what migsearch-index extracted and indexed) and
 * writes, numbered 1, 2, ... in id order (Sphinx wants integer ids):
 *   OUTDIR/sphinx.xml  xmlpipe2: fields title and body (each also a string
 *                      attribute, which SNIPPET() reads) and the attribute
 *                      mid, the migsearch id
 *   OUTDIR/pg.copy     PostgreSQL COPY text format: n, id, title, body
 *   OUTDIR/ids         "n<TAB>id<TAB>bytes of body" a line
 * Prints "docs=N bytes=B replaced=R": R counts the characters XML 1.0
 * cannot carry (control characters other than tab and newline), written as
 * a space to Sphinx only; PostgreSQL gets every byte (a NUL, which neither
 * peer takes, would be dropped and counted too). Exit status 0, 1 when
 * the index cannot be read or a file written, 2 on a usage error.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ms_index.h"

typedef struct export_state {
    ms_index_t *idx;
    FILE *xml, *copy, *ids;
    unsigned long n;
    unsigned long long bytes;
    unsigned long replaced;
    int failed;
} export_state_t;

/* 'text' as XML character data. */
static void
put_xml(FILE *out, const char *text, unsigned long *replaced)
{
    for (const unsigned char *p = (const unsigned char *)text; *p != '\0'; p++) {
        switch (*p) {
        case '&':
            fputs("&amp;", out);
            break;
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '\t':
        case '\n':
            fputc(*p, out);
            break;
        default:
            if (*p < 0x20) {
                fputc(' ', out);
                (*replaced)++;
            } else {
                fputc(*p, out);
            }
        }
    }
}

/* 'text' as a column of COPY's text format. */
static void
put_copy(FILE *out, const char *text)
{
    for (const char *p = text; *p != '\0'; p++) {
        switch (*p) {
        case '\\':
            fputs("\\\\", out);
            break;
        case '\t':
            fputs("\\t", out);
            break;
        case '\n':
            fputs("\\n", out);
            break;
        case '\r':
            fputs("\\r", out);
            break;
        default:
            fputc(*p, out);
        }
    }
}

static int
export_one(const char *id, void *payload)
{
    export_state_t *st = payload;
    ms_document_t *doc = NULL;
    const char *title, *body;

    if (ms_index_get(&doc, st->idx, id) != MS_INDEX_OK) {
        fprintf(stderr, "peers_export: %s: %s\n", id, ms_index_errmsg(st->idx));
        st->failed = 1;
        return 1;
    }
    title = doc->title != NULL ? doc->title : "";
    body = doc->body != NULL ? doc->body : "";
    st->n++;
    st->bytes += strlen(title) + strlen(body);
    fprintf(st->xml, "<sphinx:document id=\"%lu\">\n<mid>", st->n);
    put_xml(st->xml, id, &st->replaced);
    fputs("</mid>\n<title>", st->xml);
    put_xml(st->xml, title, &st->replaced);
    fputs("</title>\n<body>", st->xml);
    put_xml(st->xml, body, &st->replaced);
    fputs("</body>\n</sphinx:document>\n", st->xml);
    fprintf(st->copy, "%lu\t", st->n);
    put_copy(st->copy, id);
    fputc('\t', st->copy);
    put_copy(st->copy, title);
    fputc('\t', st->copy);
    put_copy(st->copy, body);
    fputc('\n', st->copy);
    fprintf(st->ids, "%lu\t%s\t%zu\n", st->n, id, strlen(body));
    ms_document_free(doc);
    return 0;
}

static FILE *
open_out(const char *dir, const char *name)
{
    char path[4096];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "w");
    if (f == NULL)
        perror(path);
    return f;
}

int
main(int argc, char **argv)
{
    export_state_t st;
    ms_index_error_t err;
    int rc = 1;

    memset(&st, 0, sizeof(st));
    if (argc != 3) {
        fprintf(stderr, "usage: peers_export INDEX OUTDIR\n");
        return 2;
    }
    if (ms_index_open(&st.idx, argv[1], MS_INDEX_READ, &err) != MS_INDEX_OK) {
        fprintf(stderr, "peers_export: %s: %s\n", argv[1], err.text);
        return 1;
    }
    st.xml = open_out(argv[2], "sphinx.xml");
    st.copy = open_out(argv[2], "pg.copy");
    st.ids = open_out(argv[2], "ids");
    if (st.xml == NULL || st.copy == NULL || st.ids == NULL)
        goto out;
    fputs("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<sphinx:docset>\n<sphinx:schema>\n"
          "<sphinx:field name=\"title\" attr=\"string\"/>\n"
          "<sphinx:field name=\"body\" attr=\"string\"/>\n"
          "<sphinx:attr name=\"mid\" type=\"string\"/>\n</sphinx:schema>\n",
          st.xml);
    if (ms_index_each_id(st.idx, export_one, &st) != MS_INDEX_OK || st.failed)
        goto out;
    fputs("</sphinx:docset>\n", st.xml);
    printf("docs=%lu bytes=%llu replaced=%lu\n", st.n, st.bytes, st.replaced);
    rc = 0;
out:
    if (st.xml != NULL && fclose(st.xml) != 0)
        rc = 1;
    if (st.copy != NULL && fclose(st.copy) != 0)
        rc = 1;
    if (st.ids != NULL && fclose(st.ids) != 0)
        rc = 1;
    ms_index_close(st.idx);
    return rc;
}
