/* ms_csv.h - CSV text (RFC 4180) for the tables the API exports
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Fields are separated by commas and records end in CRLF. A field that
 * holds a comma, a double quote, CR or LF is quoted, its quotes doubled;
 * other fields go as they are. A field a spreadsheet would take for a
 * formula (starting with =, +, -, @, a tab or CR) is quoted with an
 * apostrophe first, so that it opens as text. Text is UTF-8 as given (invalid bytes are
 * the caller's to repair): spreadsheet programs read it with the
 * charset=utf-8 of the response.
 */
#ifndef MS_CSV_H
#define MS_CSV_H

#include <stddef.h>

#include "ms_buf.h"

/* Append one record of 'n' fields to 'b'; a NULL field is empty. Errors
 * are kept in b->status, as with every ms_buf_t call. */
void ms_csv_record(ms_buf_t *b, const char *const *fields, size_t n);

#endif /* MS_CSV_H */
