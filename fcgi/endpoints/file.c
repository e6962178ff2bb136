/* file.c - GET /doc/{id}/file: the archive file, by the front end or by us
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * After the same access check as /doc/{id}, the file is handed out as
 * server.file_delivery says: nginx serves it from its internal location
 * (server.files_location) named by X-Accel-Redirect; lighttpd or Apache's
 * mod_xsendfile serve the absolute path named by X-Sendfile (the front end
 * drops that header); or the server opens the file and reply.c streams it.
 * The path in the archive is shown to the client in none of them.
 *
 * The archive is a boundary: a file whose path resolves outside
 * archive.path (a symbolic link swapped in after it was indexed, a path
 * with "..") is not handed out, whatever the front end's settings say.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ms_buf.h"
#include "ms_endpoints.h"
#include "ms_escape.h"
#include "ms_fields.h"
#include "ms_file.h"

/* The type of a file we send or name by X-Sendfile, by extension: the
 * table of nginx.conf.example's files location. Originals are downloads
 * or plain text, never pages of this site: an HTML file from the archive
 * must not run as the portal, so it is application/octet-stream. */
static const struct {
    const char *extension;
    const char *type;
} file_types[] = {
    {".pdf", "application/pdf"},
    {".txt", "text/plain; charset=utf-8"},
    {".md", "text/plain; charset=utf-8"},
    {".yaml", "text/plain; charset=utf-8"},
    {".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    {".odt", "application/vnd.oasis.opendocument.text"},
};

static const char *
file_type(const char *name)
{
    size_t n = strlen(name);

    for (size_t i = 0; i < sizeof(file_types) / sizeof(file_types[0]); i++) {
        size_t e = strlen(file_types[i].extension);
        if (n > e && strcasecmp(name + n - e, file_types[i].extension) == 0)
            return file_types[i].type;
    }
    return "application/octet-stream";
}

/* Whether 'source', a path relative to the archive 'root', may be handed
 * out: no ".." component, and inside the archive once links are resolved.
 * A file that no longer exists passes (nginx answers 404), and so does
 * every file when archive.path itself does not resolve on this machine
 * (the server cannot tell then; nginx's disable_symlinks still can).
 * When the file resolved, *real_out is its resolved path (the caller
 * frees it with free()); else it is left NULL. */
static bool
inside_archive(const char *root, const char *source, char **real_out)
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
    if (ok && inside == 1 && real_out != NULL) {
        *real_out = real;
        real = NULL;
    }
out:
    free(real);
    ms_buf_free(&full);
    return ok;
}

/* Add the Content-Disposition of 'source' to 'out'. Returns 0 or -1. */
static int
disposition(ms_response_t *out, const char *source)
{
    const char *base = strrchr(source, '/');
    char *value =
        ms_escape_content_disposition("inline", base != NULL ? base + 1 : source);
    int rc =
        value != NULL ? ms_response_add_header(out, "Content-Disposition", value) : -1;

    free(value);
    return rc;
}

/* Set the header that hands 'source' to nginx. Returns 0 or -1. */
static int
redirect(ms_response_t *out, const char *location, const char *source)
{
    char *encoded = ms_escape_url(source, "/");
    ms_buf_t target = MS_BUF_INIT;
    int rc = -1;

    if (encoded == NULL)
        goto out;
    ms_buf_puts(&target, location);
    if (ms_buf_puts(&target, encoded) != MS_BUF_OK)
        goto out;
    rc = ms_response_add_header(out, "X-Accel-Redirect", target.data);
out:
    ms_buf_free(&target);
    free(encoded);
    return rc;
}

/* Open the resolved file 'real' (NULL: it did not resolve) as the body of
 * 'out'. Returns 200, or the status of the error document stored. */
static int
open_file(ms_response_t *out, const char *real)
{
    struct stat st;

    /* O_NOFOLLOW: a link swapped in since 'real' was resolved is refused. */
    int fd = real != NULL ? open(real, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) : -1;

    out->file = fd >= 0 ? fdopen(fd, "rb") : NULL;
    if (out->file == NULL && fd >= 0)
        close(fd);
    if (out->file == NULL)
        return ms_response_error(&out->json, 404, "not_found",
                                 "this document's file is missing from the archive");
    if (fstat(fileno(out->file), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(out->file);
        out->file = NULL;
        return ms_response_error(&out->json, 404, "not_found",
                                 "this document's file is not a regular file");
    }
    out->text_length = (size_t)st.st_size;
    return 200;
}

/* Answer for 'source' (inside the archive, resolved to 'real' or NULL
 * when missing) the way 'delivery' says. Returns the status. */
static int
deliver(ms_response_t *out, const ms_config_t *cfg, const char *source, const char *real)
{
    int http = 200;

    out->content_type = file_type(source);
    switch (cfg->server.file_delivery) {
    case MS_FILE_DELIVERY_X_ACCEL:
        /* No type: nginx takes the one of the file's extension. */
        out->content_type = NULL;
        out->text = strdup("");
        if (out->text == NULL || redirect(out, cfg->server.files_location, source) != 0)
            http = 500;
        break;
    case MS_FILE_DELIVERY_X_SENDFILE:
        if (real == NULL)
            return ms_response_error(&out->json, 404, "not_found",
                                     "this document's file is missing from the archive");
        out->text = strdup("");
        if (out->text == NULL || ms_response_add_header(out, "X-Sendfile", real) != 0)
            http = 500;
        break;
    case MS_FILE_DELIVERY_STREAM:
        http = open_file(out, real);
        break;
    }
    if (http == 200 && disposition(out, source) != 0)
        http = 500;
    if (http == 500) {
        ms_response_drop_text(out);
        out->content_type = NULL;
        return ms_response_internal(&out->json);
    }
    return http;
}

int
ms_endpoint_file(ms_response_t *out, ms_worker_t *w, const ms_context_t *ctx)
{
    ms_document_t *doc = NULL;
    char *real = NULL; /* owned: the file's resolved path */
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
    if (!inside_archive(w->cfg->archive.path, source, &real)) {
        http = ms_response_error(&out->json, 404, "not_found",
                                 "this document's file is not in the archive");
        goto out;
    }
    http = deliver(out, w->cfg, source, real);
out:
    free(real);
    ms_document_free(doc);
    return http;
}
