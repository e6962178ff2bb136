/* embeddable.h - is this text an HTML fragment fit to embed in a portal page?
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The one check of GET /fragment's output, shared by its unit test
 * (test_fragment.c) and its fuzz target (tests/fuzz/search.c).
 */
#ifndef MS_TEST_EMBEDDABLE_H
#define MS_TEST_EMBEDDABLE_H

#include <stdbool.h>
#include <stddef.h>

/* True if 'text' is a fragment fit to embed: only the fragment's own
 * tags and attributes, every attribute double-quoted with no markup in
 * it, classes starting with "ms-", links relative or to /?doc= and
 * /doc/, '>' only closing a tag and '&' only starting a reference.
 * Otherwise false, with what is wrong and where in 'why' ('size' bytes). */
bool ms_test_embeddable(const char *text, char *why, size_t size);

#endif /* MS_TEST_EMBEDDABLE_H */
