/* synonyms.c - read the synonyms file into groups for ms_index_set_synonyms
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The file is read whole (it is small and bounded) and parsed with
 * libyaml's event API rather than its document loader: the shape is only
 * two lists deep, events carry the marks every error needs, and an alias
 * can be refused as it is met instead of being expanded. Positions and
 * YAML's null are counted and recognised as in every other YAML file of
 * the archive (archive-io.h, archive-yaml.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#include "archive-io.h"
#include "archive-yaml.h"
#include "ms_synonyms.h"

/* Where the parser is: before the list of groups, inside it, inside a
 * group, or after the list. */
enum level { LEVEL_DOCUMENT, LEVEL_GROUPS, LEVEL_GROUP, LEVEL_DONE };

struct loader {
    const char *path;
    const char *buf;
    size_t len;
    ms_synonyms_error_t *err;
    ms_synonyms_t *synonyms;
    size_t groups_capacity;
    /* The group being read: its entries and where it starts. */
    char **terms;
    size_t n_terms;
    size_t terms_capacity;
    yaml_mark_t group_mark;
};

static void
set_mark_error(struct loader *ld, yaml_mark_t mark, const char *text)
{
    ms_file_error_set(ld->err, ld->path, mark.line + 1, mark.column + 1, "%s", text);
}

static ms_synonyms_status_t
yaml_error(struct loader *ld, const yaml_parser_t *parser)
{
    const char *problem = parser->problem ? parser->problem : "invalid YAML";
    unsigned line, column;

    if (parser->error == YAML_MEMORY_ERROR) {
        ms_file_error_set(ld->err, ld->path, 0, 0, "out of memory");
        return MS_SYNONYMS_NOMEM;
    }
    if (parser->error == YAML_READER_ERROR) {
        /* A byte offset, not a mark: counted as the marks are. */
        ms_archive__position(
            ld->buf, parser->problem_offset < ld->len ? parser->problem_offset : ld->len,
            &line, &column);
        ms_file_error_set(ld->err, ld->path, line, column, "%s", problem);
    } else {
        ms_file_error_set(ld->err, ld->path, parser->problem_mark.line + 1,
                          parser->problem_mark.column + 1, "%s", problem);
    }
    return MS_SYNONYMS_INVALID;
}

/* Read all of 'path' into a NUL-terminated malloc'ed buffer. */
static ms_synonyms_status_t
read_file(char **out, size_t *out_len, const char *path, ms_synonyms_error_t *err)
{
    ms_synonyms_status_t status = MS_SYNONYMS_IO;
    char *buf = NULL;
    size_t len = 0;
    struct stat st;
    int fd;

    /* O_NONBLOCK: a FIFO at the path must not hang the indexer in open(). */
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        int saved = errno;
        status = saved == ENOENT ? MS_SYNONYMS_NOT_FOUND : MS_SYNONYMS_IO;
        ms_file_error_set(err, path, 0, 0, "%s", strerror(saved));
        goto out;
    }
    if (fstat(fd, &st) != 0) {
        ms_file_error_set(err, path, 0, 0, "%s", strerror(errno));
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        ms_file_error_set(err, path, 0, 0, "not a regular file");
        goto out;
    }
    if (st.st_size > MS_SYNONYMS_MAX_FILE) {
        ms_file_error_set(err, path, 0, 0, "larger than %d bytes", MS_SYNONYMS_MAX_FILE);
        goto out;
    }
    /* One byte more than the limit, to notice a file that grew. */
    buf = malloc(MS_SYNONYMS_MAX_FILE + 2);
    if (!buf) {
        status = MS_SYNONYMS_NOMEM;
        ms_file_error_set(err, path, 0, 0, "out of memory");
        goto out;
    }
    for (;;) {
        ssize_t n = read(fd, buf + len, MS_SYNONYMS_MAX_FILE + 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            ms_file_error_set(err, path, 0, 0, "%s", strerror(errno));
            goto out;
        }
        if (n == 0)
            break;
        len += (size_t)n;
        if (len > MS_SYNONYMS_MAX_FILE) {
            ms_file_error_set(err, path, 0, 0, "larger than %d bytes",
                              MS_SYNONYMS_MAX_FILE);
            goto out;
        }
    }
    buf[len] = '\0';
    *out = buf;
    *out_len = len;
    buf = NULL;
    status = MS_SYNONYMS_OK;
out:
    free(buf);
    if (fd >= 0)
        close(fd);
    return status;
}

static void
free_terms(char **terms, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(terms[i]);
    free(terms);
}

void
ms_synonyms_free(ms_synonyms_t *synonyms)
{
    if (!synonyms)
        return;
    for (size_t i = 0; i < synonyms->n_groups; i++) {
        /* The const in ms_synonym_group_t is for the index; these are ours. */
        free_terms((char **)synonyms->groups[i].terms, synonyms->groups[i].n_terms);
    }
    free(synonyms->groups);
    free(synonyms);
}

/* Grow '*array' (of 'size'-byte elements) to hold one more than 'used'. */
static bool
reserve(void **array, size_t *capacity, size_t used, size_t size)
{
    if (used < *capacity)
        return true;
    size_t wanted = *capacity ? *capacity * 2 : 8;
    void *grown = realloc(*array, wanted * size);
    if (!grown)
        return false;
    *array = grown;
    *capacity = wanted;
    return true;
}

static bool
is_null_scalar(const yaml_event_t *event)
{
    return ms_archive__yaml_null_scalar(event->data.scalar.style,
                                        (const char *)event->data.scalar.value,
                                        event->data.scalar.length);
}

static ms_synonyms_status_t
add_entry(struct loader *ld, const yaml_event_t *event)
{
    const char *value = (const char *)event->data.scalar.value;
    size_t length = event->data.scalar.length;

    if (is_null_scalar(event) || length == 0) {
        set_mark_error(ld, event->start_mark, "expected a word or phrase, found nothing");
        return MS_SYNONYMS_INVALID;
    }
    if (strlen(value) != length) {
        set_mark_error(ld, event->start_mark, "entry contains a NUL character");
        return MS_SYNONYMS_INVALID;
    }
    if (length > MS_SYNONYMS_MAX_ENTRY) {
        char text[64];
        snprintf(text, sizeof text, "entry longer than %d bytes", MS_SYNONYMS_MAX_ENTRY);
        set_mark_error(ld, event->start_mark, text);
        return MS_SYNONYMS_INVALID;
    }
    if (!reserve((void **)&ld->terms, &ld->terms_capacity, ld->n_terms, sizeof(char *)))
        goto nomem;
    ld->terms[ld->n_terms] = strdup(value);
    if (!ld->terms[ld->n_terms])
        goto nomem;
    ld->n_terms++;
    return MS_SYNONYMS_OK;
nomem:
    ms_file_error_set(ld->err, ld->path, 0, 0, "out of memory");
    return MS_SYNONYMS_NOMEM;
}

static ms_synonyms_status_t
end_group(struct loader *ld)
{
    ms_synonyms_t *synonyms = ld->synonyms;

    if (ld->n_terms < 2) {
        set_mark_error(ld, ld->group_mark,
                       "a synonym group needs at least two words or phrases");
        return MS_SYNONYMS_INVALID;
    }
    if (!reserve((void **)&synonyms->groups, &ld->groups_capacity, synonyms->n_groups,
                 sizeof *synonyms->groups)) {
        ms_file_error_set(ld->err, ld->path, 0, 0, "out of memory");
        return MS_SYNONYMS_NOMEM;
    }
    synonyms->groups[synonyms->n_groups].terms = (const char *const *)ld->terms;
    synonyms->groups[synonyms->n_groups].n_terms = ld->n_terms;
    synonyms->n_groups++;
    ld->terms = NULL;
    ld->n_terms = 0;
    ld->terms_capacity = 0;
    return MS_SYNONYMS_OK;
}

/* Take one event at 'level'; returns the status and moves 'level' on. */
static ms_synonyms_status_t
handle_event(struct loader *ld, const yaml_event_t *event, enum level *level)
{
    if (event->type == YAML_ALIAS_EVENT) {
        set_mark_error(ld, event->start_mark, "aliases are not supported");
        return MS_SYNONYMS_INVALID;
    }
    switch (*level) {
    case LEVEL_DOCUMENT:
        if (event->type == YAML_SEQUENCE_START_EVENT) {
            *level = LEVEL_GROUPS;
        } else if (event->type == YAML_SCALAR_EVENT && is_null_scalar(event)) {
            *level = LEVEL_DONE; /* an empty document: no groups */
        } else if (event->type == YAML_SCALAR_EVENT ||
                   event->type == YAML_MAPPING_START_EVENT) {
            set_mark_error(ld, event->start_mark, "expected a list of synonym groups");
            return MS_SYNONYMS_INVALID;
        }
        break;
    case LEVEL_GROUPS:
        if (event->type == YAML_SEQUENCE_START_EVENT) {
            ld->group_mark = event->start_mark;
            *level = LEVEL_GROUP;
        } else if (event->type == YAML_SEQUENCE_END_EVENT) {
            *level = LEVEL_DONE;
        } else {
            set_mark_error(ld, event->start_mark,
                           "a synonym group must be a list of words or phrases");
            return MS_SYNONYMS_INVALID;
        }
        break;
    case LEVEL_GROUP:
        if (event->type == YAML_SCALAR_EVENT)
            return add_entry(ld, event);
        if (event->type == YAML_SEQUENCE_END_EVENT) {
            *level = LEVEL_GROUPS;
            return end_group(ld);
        }
        set_mark_error(ld, event->start_mark,
                       "expected a word or phrase, found a list or mapping");
        return MS_SYNONYMS_INVALID;
    case LEVEL_DONE:
        if (event->type == YAML_DOCUMENT_START_EVENT) {
            set_mark_error(ld, event->start_mark, "only one YAML document is allowed");
            return MS_SYNONYMS_INVALID;
        }
        break;
    }
    return MS_SYNONYMS_OK;
}

ms_synonyms_status_t
ms_synonyms_load(ms_synonyms_t **out, const char *path, ms_synonyms_error_t *err)
{
    ms_synonyms_status_t status;
    struct loader ld = {.path = path, .err = err};
    char *buf = NULL;
    size_t len = 0;
    yaml_parser_t parser;
    bool parser_ready = false;
    enum level level = LEVEL_DOCUMENT;

    *out = NULL;
    status = read_file(&buf, &len, path, err);
    if (status != MS_SYNONYMS_OK)
        goto out;
    ld.buf = buf;
    ld.len = len;
    ld.synonyms = calloc(1, sizeof *ld.synonyms);
    if (!ld.synonyms || !yaml_parser_initialize(&parser)) {
        status = MS_SYNONYMS_NOMEM;
        ms_file_error_set(err, path, 0, 0, "out of memory");
        goto out;
    }
    parser_ready = true;
    yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
    for (;;) {
        yaml_event_t event;
        if (!yaml_parser_parse(&parser, &event)) {
            status = yaml_error(&ld, &parser);
            goto out;
        }
        bool end = event.type == YAML_STREAM_END_EVENT;
        status = handle_event(&ld, &event, &level);
        yaml_event_delete(&event);
        if (status != MS_SYNONYMS_OK)
            goto out;
        if (end)
            break;
    }
    *out = ld.synonyms;
    ld.synonyms = NULL;
out:
    if (parser_ready)
        yaml_parser_delete(&parser);
    free_terms(ld.terms, ld.n_terms);
    ms_synonyms_free(ld.synonyms);
    free(buf);
    if (status == MS_SYNONYMS_OK && err)
        ms_file_error_set(err, path, 0, 0, "%s", "");
    return status;
}
