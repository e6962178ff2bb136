/* ms_config.h - migsearch's configuration: one YAML file, one typed struct
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * ms_config_load() parses config/migsearch.yaml (or any file of that shape)
 * with libyaml, checks every key against the table in keys.c and returns an
 * immutable ms_config_t. Unknown keys, wrong types and out-of-range values
 * are errors reported as "file:line:column: key: reason".
 *
 * Relative paths in the file are resolved against the directory of the file,
 * so a config can sit beside the index and archive it describes.
 */
#ifndef MS_CONFIG_H
#define MS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "ms_error.h"
#include "ms_log.h"

/* The file both programs read without --config: the installed one, under
 * the sysconfdir the build was configured for (packaging/install.cmake),
 * /etc/migsearch/migsearch.yaml for a package. */
#ifndef MS_CONFIG_DEFAULT_PATH
#define MS_CONFIG_DEFAULT_PATH "/etc/migsearch/migsearch.yaml"
#endif

/* How GET /doc/{id}/file hands a file out (server.file_delivery): a header
 * naming it for the front end, or the bytes from the server itself. */
typedef enum ms_file_delivery {
    MS_FILE_DELIVERY_X_ACCEL,    /* X-Accel-Redirect to server.files_location */
    MS_FILE_DELIVERY_X_SENDFILE, /* X-Sendfile with the file's absolute path */
    MS_FILE_DELIVERY_STREAM      /* the server reads and sends the file */
} ms_file_delivery_t;

typedef struct ms_config {
    char *source; /* the path the config was loaded from; "" for defaults */

    struct {
        char *path;      /* the Xapian index directory */
        char *language;  /* default stemming language (ISO 639-1) */
        char *synonyms;  /* YAML file of synonym groups, readable at load; "": none */
        bool spelling;   /* build the spelling dictionary */
        unsigned jobs;   /* rebuild worker processes; 0: one per CPU, at most 8 */
        unsigned shards; /* shards the indexer writes (docs/index-schema.md) */
        char *remote;    /* shards the server reaches through xapian-tcpsrv */
        unsigned remote_timeout_ms;         /* one remote operation */
        unsigned remote_connect_timeout_ms; /* one connection to a shard host */
        unsigned remote_reprobe_s;          /* a shard down is tried again after */
    } index;

    struct {
        char *path;               /* the archive folder the indexer reads */
        size_t max_file_size;     /* bytes; larger files are skipped */
        unsigned batch_size;      /* documents per commit */
        unsigned extract_timeout; /* seconds per sandboxed extraction */
        size_t extract_memory;    /* bytes of address space per extraction */
        size_t max_document_text; /* bytes of one document's text kept */
        size_t max_jsonl_size;    /* bytes of one .jsonl file */
    } archive;

    struct {
        char *socket;         /* unix socket path for FastCGI */
        unsigned socket_mode; /* permission bits, e.g. 0660 */
        char *socket_group;   /* group owning the socket; "" keeps the default */
        unsigned threads;     /* worker threads, one index handle each */
        unsigned backlog;     /* listen() backlog */
        char *files_location; /* nginx internal location of archive files */
        ms_file_delivery_t file_delivery; /* how /doc/{id}/file hands files out */
        char *allow_users;                /* peers that may connect, by user name */
        char *allow_groups;               /* and by primary group name */
        unsigned read_timeout;            /* seconds a request may take to arrive */
        unsigned write_timeout;           /* seconds one write of an answer may block */
        unsigned peer_share;              /* workers one peer process may keep waiting
                                             for a request; 0: half of threads */
        char *listen;          /* "HOST:PORT" to listen on over TCP; "": the socket */
        char *allow_addresses; /* TCP peers served: addresses and CIDRs (ms_net.h) */
    } server;

    struct {
        unsigned per_page;            /* default results per page */
        unsigned max_per_page;        /* upper bound on per_page */
        unsigned max_page;            /* upper bound on page */
        unsigned max_query_length;    /* bytes */
        unsigned snippet_length;      /* characters of context per hit */
        unsigned snippets;            /* passages per hit */
        unsigned max_terms;           /* query words and operators */
        unsigned max_depth;           /* bracket nesting parsed */
        unsigned max_expansion;       /* terms per wildcard */
        unsigned max_expansion_total; /* terms of all wildcards of a query */
        bool feedback;                /* pseudo relevance feedback */
        unsigned feedback_window;     /* best matches it reorders; 0: every one */
        unsigned facet_limit;         /* matches counted for facets */
        unsigned feed_size;           /* Atom feed entries */
        unsigned suggestions;         /* /suggest completions */
        unsigned time_budget_ms;      /* work of one search */
        bool partial_shards;          /* a shard down: answer without it (else 503) */
        unsigned cache_mb;            /* documents a thread keeps (ms_index_set_cache) */
        unsigned result_cache_mb;     /* /search answers the server keeps */
    } search;

    struct {
        ms_log_level_t level;
        bool queries; /* may query text appear in logs */
    } log;
} ms_config_t;

/* Filled on failure by ms_config_load() (common/ms_error.h): owned by the
 * caller, nothing allocated on the error path; line and column 0 when the
 * error is not tied to a place in the file (cannot open it, say); text
 * "key: reason", or just "reason". Format it with ms_file_error_format(). */
typedef ms_file_error_t ms_config_error_t;

/* Load and validate the config at 'path'.
 *
 * On success *out is owned by the caller, who releases it with
 * ms_config_free(). On failure *out is NULL and 'err', if not NULL,
 * describes the first problem found.
 * Returns 0 on success, -1 on failure. */
int ms_config_load(ms_config_t **out, const char *path, ms_config_error_t *err);

/* A config holding every default from keys.c, as if loaded from an empty
 * file. Caller frees with ms_config_free(). Returns 0, or -1 on OOM. */
int ms_config_defaults(ms_config_t **out);

/* Free a config. Accepts NULL. */
void ms_config_free(ms_config_t *cfg);

#endif /* MS_CONFIG_H */
