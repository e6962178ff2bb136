/* scratch.c - a throw-away copy of an archive file and its metadata files
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * For `migsearch-index check` (check.c), which must touch nothing: to go
 * on past the first error of a file, the error's line is set aside in a
 * copy, never in the archive. The copy keeps the archive's relative paths
 * (the file and what ms_archive_dependencies() names), so the archive
 * library reads it exactly as it reads the archive.
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ms_archive.h"
#include "ms_buf.h"
#include "ms_file.h"
#include "scratch.h"
#include "util.h"

/* Write 'len' bytes of 'data' to 'path', creating its folders. 0 or -1. */
static int
write_file(const char *path, const char *data, size_t len)
{
    char *dir = strdup(path);
    FILE *f;
    int rc = -1;

    if (!dir)
        return -1;
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST)
            goto out;
        *p = '/';
    }
    if ((f = fopen(path, "wb")) == NULL)
        goto out;
    rc = fwrite(data, 1, len, f) == len ? 0 : -1;
    rc = fclose(f) == 0 ? rc : -1;

out:
    free(dir);
    return rc;
}

/* Copy 'root'/'path' to 'dir'/'path'. 0, or -1. */
static int
copy_one(const char *dir, const char *root, const char *path)
{
    char *from = ms_util_path_join(root, path), *to = ms_util_path_join(dir, path);
    char *data = NULL;
    size_t len = 0;
    int rc = -1;

    if (from && to && ms_file_read(&data, &len, from, 0) == MS_FILE_OK)
        rc = write_file(to, data, len);
    free(data);
    free(from);
    free(to);
    return rc;
}

char *
ms_scratch_copy(const char *root, const char *path)
{
    const char *tmp = getenv("TMPDIR");
    char template[4096], **deps = NULL;
    char *dir;
    int rc;

    snprintf(template, sizeof(template), "%s/migsearch-check.XXXXXX",
             tmp && *tmp ? tmp : "/tmp");
    if ((dir = mkdtemp(template)) == NULL)
        return NULL;
    dir = strdup(dir);
    if (!dir || ms_archive_dependencies(&deps, root, path) != MS_ARCHIVE_OK) {
        ms_scratch_remove(dir);
        return NULL;
    }
    rc = copy_one(dir, root, path);
    /* A dependency that cannot be read is left out of the copy; the
     * archive's own read of it has reported that already. */
    for (size_t i = 0; rc == 0 && deps[i]; i++)
        (void)copy_one(dir, root, deps[i]);
    ms_archive_strings_free(deps);
    if (rc != 0) {
        ms_scratch_remove(dir);
        return NULL;
    }
    return dir;
}

/* The indentation of the line at 'line', in bytes of blanks and tabs. */
static size_t
indent_of(const char *line, const char *end)
{
    size_t n = 0;

    while (line + n < end && (line[n] == ' ' || line[n] == '\t'))
        n++;
    return n;
}

/* The start of line 'line' (1-based) of 'text', or 'end' past the end. */
static char *
line_start(char *text, char *end, unsigned line)
{
    char *p = text, *eol;

    for (unsigned l = 1; l < line && p < end; l++) {
        eol = memchr(p, '\n', (size_t)(end - p));
        p = eol ? eol + 1 : end;
    }
    return p;
}

/* Walk the block of line 'line' of 'text': the line and the lines after
 * it indented deeper (a YAML value that belongs to it; blank lines and
 * comments do not end it, and a comment counts as part of it). With 'set_aside', comment
 * each out in place: its indentation becomes blanks and its first character '#', so the
 * line count and the other lines stay. Returns the block's last line, or 0 when 'line' is
 * past the end, blank or already a comment. */
static unsigned
walk_block(char *text, size_t len, unsigned line, bool set_aside)
{
    char *end = text + len, *p = line_start(text, end, line), *eol;
    size_t first, blank;
    unsigned last = 0;

    if (p >= end)
        return 0;
    first = indent_of(p, end);
    if (p + first == end || p[first] == '\n' || p[first] == '#')
        return 0;
    for (unsigned l = line; p < end; l++, p = eol ? eol + 1 : end) {
        eol = memchr(p, '\n', (size_t)(end - p));
        blank = indent_of(p, end);
        if (p + blank == end || p[blank] == '\n')
            continue;
        if (p[blank] == '#') { /* a line set aside before, perhaps */
            last = l;
            continue;
        }
        if (l > line && blank <= first)
            break;
        last = l;
        if (!set_aside)
            continue;
        for (size_t i = 0; i < blank; i++)
            p[i] = ' ';
        p[blank] = '#';
    }
    return last;
}

unsigned
ms_scratch_block(const char *file, unsigned line, bool set_aside)
{
    char *text = NULL;
    size_t len = 0;
    unsigned last;

    if (ms_file_read(&text, &len, file, 0) != MS_FILE_OK)
        return 0;
    last = walk_block(text, len, line, set_aside);
    if (last > 0 && set_aside && write_file(file, text, len) != 0)
        last = 0;
    free(text);
    return last;
}

int
ms_scratch_untab(const char *file, unsigned line, unsigned width)
{
    char *text = NULL, *p, *end;
    size_t len = 0, tabs = 0;
    ms_buf_t out = MS_BUF_INIT;
    int rc = -1;

    if (ms_file_read(&text, &len, file, 0) != MS_FILE_OK)
        return -1;
    end = text + len;
    p = line_start(text, end, line);
    /* Everything up to the line, its indentation without tabs, the rest. */
    if (ms_buf_append(&out, text, (size_t)(p - text)) != MS_BUF_OK)
        goto out;
    for (; p < end && (*p == ' ' || *p == '\t'); p++) {
        for (unsigned i = 0; i < (*p == '\t' ? width : 1); i++)
            if (ms_buf_putc(&out, ' ') != MS_BUF_OK)
                goto out;
        tabs += *p == '\t';
    }
    if (tabs > 0 && ms_buf_append(&out, p, (size_t)(end - p)) == MS_BUF_OK)
        rc = write_file(file, out.data, out.len);

out:
    ms_buf_free(&out);
    free(text);
    return rc;
}

/* The key and the value of the "key: value" line at 'p' (before 'eol'),
 * after its indentation and a "- "; false if it is not such a line. */
static bool
split_line(const char *p, const char *eol, const char **key, size_t *key_len,
           const char **value, size_t *value_len)
{
    const char *colon;

    while (p < eol && (*p == ' ' || *p == '-'))
        p++;
    colon = memchr(p, ':', (size_t)(eol - p));
    if (!colon || colon == p || colon + 1 >= eol || colon[1] != ' ')
        return false;
    *key = p;
    *key_len = (size_t)(colon - p);
    for (p = colon + 1; p < eol && *p == ' '; p++)
        ;
    *value = p;
    *value_len = (size_t)(eol - p);
    return *value_len > 0;
}

/* Write 'text' (of 'len' bytes, line 'at' to 'at_eol' a "key: value"
 * line whose value starts at 'value') to 'file' with 'with' (of 'n'
 * bytes) for the value. 0, or -1. */
static int
write_with_value(const char *file, const char *text, size_t len, const char *value,
                 const char *at_eol, const char *with, size_t n)
{
    ms_buf_t out = MS_BUF_INIT;
    int rc = -1;

    ms_buf_append(&out, text, (size_t)(value - text));
    ms_buf_append(&out, with, n);
    if (ms_buf_append(&out, at_eol, (size_t)(text + len - at_eol)) == MS_BUF_OK)
        rc = write_file(file, out.data, out.len);
    ms_buf_free(&out);
    return rc;
}

int
ms_scratch_set_value(const char *file, unsigned line, const char *with, unsigned nth)
{
    char *text = NULL, *end, *at, *p, *eol, *at_eol;
    const char *key, *value, *k, *v;
    size_t len = 0, key_len, value_len, kl, vl;
    int rc = -1;

    if (ms_file_read(&text, &len, file, 0) != MS_FILE_OK)
        return -1;
    end = text + len;
    at = line_start(text, end, line);
    at_eol = at < end ? memchr(at, '\n', (size_t)(end - at)) : NULL;
    at_eol = at_eol ? at_eol : end;
    if (!split_line(at, at_eol, &key, &key_len, &value, &value_len))
        goto out;
    if (with) {
        rc = write_with_value(file, text, len, value, at_eol, with, strlen(with));
        goto out;
    }
    for (p = text; p < end; p = eol + 1) {
        eol = memchr(p, '\n', (size_t)(end - p));
        eol = eol ? eol : end;
        if (p == at || !split_line(p, eol, &k, &kl, &v, &vl) || kl != key_len ||
            memcmp(k, key, kl) != 0 || (vl == value_len && memcmp(v, value, vl) == 0))
            continue;
        if (nth-- == 0) {
            rc = write_with_value(file, text, len, value, at_eol, v, vl);
            break;
        }
    }

out:
    free(text);
    return rc;
}

int
ms_scratch_write(const char *file, const char *data, size_t len)
{
    return write_file(file, data, len);
}

static int
remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)type;
    (void)ftw;
    (void)remove(path); /* remove what can be removed, and go on */
    return 0;
}

void
ms_scratch_remove(char *dir)
{
    if (!dir)
        return;
    (void)nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(dir);
}
