/* extract-private.h - the extractors, one per format, and the sandbox's child
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Private to the ms_extract library. extract.c dispatches: its table maps
 * each ms_extract_format_t to one of the extractors below and hands that
 * to the child it forks (extract_child.c). The extractors and the child
 * work with extract-job.h, below all of them; none calls back into
 * extract.c.
 *
 * Adding a format: a value in ms_extract_format_t (ms_extract.h), a row in
 * extract.c's table, an extractor file declaring its extractor here, and
 * that file in indexer/CMakeLists.txt.
 */
#ifndef MS_EXTRACT_PRIVATE_H
#define MS_EXTRACT_PRIVATE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "extract-job.h"
#include "ms_extract.h"

/* The extractors (extract_html.c, extract_pdf.c, extract_zip.c). */
ms_extract_status_t ms_extract__html(ms_extract__job_t *job);
ms_extract_status_t ms_extract__pdf(ms_extract__job_t *job);
ms_extract_status_t ms_extract__docx(ms_extract__job_t *job);
ms_extract_status_t ms_extract__odt(ms_extract__job_t *job);

/* --- the child's message to the parent (extract_child.c writes it,
 * extract.c reads it) --- */

/* "MSX1", then two uint32_t (the status and the number of pages), then
 * MS_EXTRACT__N_FIELDS fields in this order, each a uint64_t length
 * (MS_EXTRACT__NO_FIELD when absent) and its bytes. */
#define MS_EXTRACT__MAGIC "MSX1"
#define MS_EXTRACT__NO_FIELD UINT64_MAX
enum {
    MS_EXTRACT__FIELD_REASON, /* on failure only */
    MS_EXTRACT__FIELD_TEXT,   /* the rest on success only */
    MS_EXTRACT__FIELD_TITLE,
    MS_EXTRACT__FIELD_DESCRIPTION,
    MS_EXTRACT__FIELD_DATE,
    MS_EXTRACT__FIELD_LANGUAGE,
    MS_EXTRACT__N_FIELDS
};

/* The child's whole life, after fork(): arrange its descriptors (the file
 * on 3, the result pipe on 4, stderr to 'stderr_fd'), set its limits, run
 * 'extractor' and write the message. It ends in _exit() on every path. */
void ms_extract__child(pid_t parent, int file_fd, int result_fd, int stderr_fd,
                       ms_extract__extractor_t extractor,
                       const ms_extract_limits_t *limits) __attribute__((noreturn));

#endif /* MS_EXTRACT_PRIVATE_H */
