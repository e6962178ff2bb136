/* ms_yaml.h - a YAML document under bounds: depth, nodes, aliases
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The YAML that staff and admins write (front matter, _defaults.yaml,
 * sidecars, recommendation sets, _meetings.yaml, the config) is untrusted
 * input. libyaml's own loader, yaml_parser_load(), has no bound: an alias
 * repeats its node wherever it is used, so a 691 KB file of 255 aliases to
 * a list of 100,000 items is 25 million nodes to whoever walks it; an alias
 * may name a node that contains it (a cycle); and libyaml's scanner checks
 * every open flow level at every token, so 100,000 '[' take 18 s.
 *
 * ms_yaml_load() is the one loader, built on libyaml's events: it gives
 * the same yaml_document_t (nodes keep their marks), and stops, with the
 * line and column of the node that went over, at the first of
 *   - nesting deeper than MS_YAML_MAX_DEPTH levels (found after reading
 *     that many levels, so a deep file costs time linear in its size);
 *   - more than MS_YAML_MAX_NODES nodes written in the file;
 *   - aliases that add, counted where they are used and with aliases
 *     inside them expanded, more than MS_YAML_MAX_ALIAS_NODES nodes or
 *     MS_YAML_MAX_ALIAS_BYTES bytes of text;
 *   - an alias to a node that contains it.
 * So whoever walks the document walks at most MS_YAML_MAX_NODES +
 * MS_YAML_MAX_ALIAS_NODES nodes, however it is written. docs/staff.md
 * and docs/admins.md ("What the indexer refuses") give the numbers.
 *
 * A library of its own (ms_yaml), so that ms_common stays libc only.
 */
#ifndef MS_YAML_H
#define MS_YAML_H

#include <yaml.h>

#include "ms_error.h"

#define MS_YAML_MAX_DEPTH 64
#define MS_YAML_MAX_NODES 1000000
#define MS_YAML_MAX_ALIAS_NODES 100000
#define MS_YAML_MAX_ALIAS_BYTES (4 * 1024 * 1024)

typedef enum ms_yaml_status {
    MS_YAML_OK = 0,
    MS_YAML_SYNTAX, /* libyaml failed: parser->error and its marks say why
                       (YAML_MEMORY_ERROR included), for the caller to word */
    MS_YAML_LIMIT,  /* over a bound above: 'err' says which, and where */
    MS_YAML_NOMEM   /* our own allocation failed */
} ms_yaml_status_t;

/* Load the next document of 'parser' (initialized, its input set) into
 * *out, as yaml_parser_load() does: at the end of the stream *out is a
 * document without a root node. On MS_YAML_OK the caller releases *out
 * with yaml_document_delete(); on failure *out is not to be released.
 * MS_YAML_LIMIT errors go into 'err' (may be NULL) with 'file' (NULL: the
 * file 'err' already names), line and column counted from 'first_line',
 * the line of the file where the YAML text starts. */
ms_yaml_status_t ms_yaml_load(yaml_document_t *out, yaml_parser_t *parser,
                              unsigned first_line, const char *file,
                              ms_file_error_t *err);

#endif /* MS_YAML_H */
