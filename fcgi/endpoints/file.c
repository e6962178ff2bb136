/* file.c - GET /doc/{id}/file: the archive file, served by nginx
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * No body of our own: after the same access check as /doc/{id}, nginx
 * serves the file from its internal location (server.files_location)
 * named by X-Accel-Redirect.
 *
 * The archive is a boundary: a file whose path resolves outside
 * archive.path (a symbolic link swapped in after it was indexed, a path
 * with "..") is not handed out, whatever nginx's disable_symlinks says.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ms_buf.h"
#include "ms_endpoints.h"
#include "ms_escape.h"
#include "ms_fields.h"
#include "ms_file.h"

/* Whether 'source', a path relative to the archive 'root', may be handed
 * out: no ".." component, and inside the archive once links are resolved.
 * A file that no longer exists passes (nginx answers 404), and so does
 * every file when archive.path itself does not resolve on this machine
 * (the server cannot tell then; nginx's disable_symlinks still can). */
static bool
inside_archive(const char *root, const char *source)
{
    ms_buf_t full = MS_BUF_INIT;
    char *real = NULL;
    int inside = -1;
    bool ok = false;

    for (const char *p = source; p && *p;
         p = strchr(p, '/') ? strchr(p, '/') + 1 : NULL) {
        if (p[0] == '.' && p[1] == '.' && (p[2] == '/' || p[2] == '\0'))
            goto out;
    }
    if (source[0] == '/' || ms_buf_puts(&full, root) != MS_BUF_OK ||
        ms_buf_puts(&full, "/") != MS_BUF_OK || ms_buf_puts(&full, source) != MS_BUF_OK)
        goto out;
    inside = ms_file_inside(&real, root, full.data);
    ok = inside == 1 || (inside < 0 && errno == ENOENT);
out:
    free(real);
    ms_buf_free(&full);
    return ok;
}

/* Set the two headers that hand 'source' to nginx. Returns 0 or -1. */
static int
redirect(ms_response_t *out, const char *location, const char *source)
{
    const char *base = strrchr(source, '/');
    char *encoded = ms_escape_url(source, "/");
    char *disposition =
        ms_escape_content_disposition("inline", base != NULL ? base + 1 : source);
    ms_buf_t target = MS_BUF_INIT;
    int rc = -1;

    if (encoded == NULL || disposition == NULL)
        goto out;
    ms_buf_puts(&target, location);
    if (ms_buf_puts(&target, encoded) != MS_BUF_OK)
        goto out;
    if (ms_response_add_header(out, "X-Accel-Redirect", target.data) == 0 &&
        ms_response_add_header(out, "Content-Disposition", disposition) == 0)
        rc = 0;
out:
    ms_buf_free(&target);
    free(disposition);
    free(encoded);
    return rc;
}

int
ms_endpoint_file(ms_response_t *out, ms_worker_t *w, const ms_context_t *ctx)
{
    ms_document_t *doc = NULL;
    const char *source;
    int http;

    http = ms_worker_document(&doc, &out->json, w, ctx->id, ctx->id_length, ctx->viewer);
    if (http != 0)
        goto out;
    source = ms_fields_file(doc);
    if (source == NULL) {
        http =
            ms_response_error(&out->json, 404, "not_found", "this document has no file");
        goto out;
    }
    if (!inside_archive(w->cfg->archive.path, source)) {
        http = ms_response_error(&out->json, 404, "not_found",
                                 "this document's file is not in the archive");
        goto out;
    }
    out->text = strdup("");
    if (out->text == NULL || redirect(out, w->cfg->server.files_location, source) != 0) {
        ms_response_drop_text(out);
        http = ms_response_internal(&out->json);
        goto out;
    }
    /* No type: nginx takes the one of the file's extension. */
    out->text_length = 0;
    out->content_type = NULL;
    http = 200;
out:
    ms_document_free(doc);
    return http;
}
