/* extract.c - fuzz target: the HTML, DOCX, ODT and PDF extractors
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The first byte of the input picks the extractor (HTML, DOCX, ODT, PDF),
 * the rest is the file. The extractor runs in this process, not in the
 * sandbox's child, so that the sanitizers and libFuzzer's coverage see it;
 * the sandbox (extract.c) only adds limits around the same call.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "extract-private.h"
#include "fuzz.h"

static const ms_extract__extractor_t extractors[] = {ms_extract__html, ms_extract__docx,
                                                     ms_extract__odt, ms_extract__pdf};
static const char *const names[] = {"a.html", "a.docx", "a.odt", "a.pdf"};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const ms_extract_limits_t limits = {.max_text_bytes = 1 << 20};
    ms_extract_result_t result = {0};
    ms_extract__job_t job = {.limits = &limits, .result = &result};
    unsigned format = size > 0 ? data[0] % 4 : 0;
    char path[4096];

    ms_fuzz_write(path, names[format], data + (size > 0), size - (size > 0));
    job.fd = open(path, O_RDONLY);
    if (job.fd < 0)
        ms_fuzz_fail("cannot open the input", path, 0);
    job.text.limit = limits.max_text_bytes;
    extractors[format](&job);
    if (job.fd >= 0) /* a zip extractor that opened the archive closed it */
        close(job.fd);
    ms_buf_free(&job.text);
    free(result.title);
    free(result.description);
    free(result.date);
    free(result.language);
    return 0;
}
