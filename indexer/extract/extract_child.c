/* extract_child.c - the extraction sandbox's child: limits, extractor, message
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * What runs in the process ms_extract_file() forks (extract.c describes
 * the sandbox as a whole). The child drops what it inherited from the
 * indexer (signal handlers, descriptors), takes on its limits, runs the
 * extractor it was given, cleans and normalises the text and writes one
 * message to the parent (extract-private.h), then _exit()s: it never
 * returns into the caller's code, never runs atexit handlers (nor
 * LeakSanitizer, which would report the libraries' caches) and never
 * flushes stdio buffers it inherited.
 */
#include <fcntl.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <stdbool.h>
#include <unistd.h>

#include "extract-private.h"
#include "ms_utf8.h"

/* Normalise extracted text in place: CR and CRLF become LF; control
 * characters other than LF, tab and form feed become spaces; runs of
 * spaces and tabs collapse to their first character; lines lose their
 * leading and trailing blanks; more than one blank line in a row becomes
 * one; nothing but the form feed itself separates two pages; the whole
 * text is trimmed. Input is valid UTF-8 without NUL bytes. */
static size_t
normalise_text(char *s, size_t length)
{
    size_t i, o = 0;
    size_t newlines = 0; /* pending line breaks */
    char blank = 0;      /* pending space or tab, 0 if none */
    int line_start = 1;

    for (i = 0; i < length; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == '\r') {
            if (i + 1 < length && s[i + 1] == '\n')
                continue;
            c = '\n';
        }
        if (c == '\n') {
            blank = 0;
            newlines++;
            continue;
        }
        if (c == '\f') {
            blank = 0;
            newlines = 0;
            s[o++] = '\f';
            line_start = 1;
            continue;
        }
        if (c == ' ' || c == '\t' || c < 0x20 || c == 0x7f) {
            if (!blank)
                blank = c == '\t' ? '\t' : ' ';
            continue;
        }
        if (newlines) {
            if (o > 0 && s[o - 1] != '\f') {
                s[o++] = '\n';
                if (newlines > 1)
                    s[o++] = '\n';
            }
            line_start = 1;
            newlines = 0;
        }
        if (blank && !line_start)
            s[o++] = blank;
        blank = 0;
        line_start = 0;
        s[o++] = (char)c;
    }
    s[o] = '\0';
    return o;
}

static int
write_all(int fd, const void *data, size_t length)
{
    const char *p = data;

    while (length > 0) {
        ssize_t n = write(fd, p, length);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        length -= (size_t)n;
    }
    return 0;
}

static int
write_field(int fd, const char *value, size_t length)
{
    uint64_t size = value ? (uint64_t)length : MS_EXTRACT__NO_FIELD;

    if (write_all(fd, &size, sizeof(size)) < 0)
        return -1;
    return value ? write_all(fd, value, length) : 0;
}

/* Put the file on fd 3 and the result pipe on fd 4, and close every
 * other descriptor the indexer had open (the index, its lock file, the
 * terminal's), so that nothing the libraries do can touch them. */
static int
arrange_descriptors(int file_fd, int result_fd, int stderr_fd)
{
    int null_fd = open("/dev/null", O_RDWR);

    if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(null_fd, 1) < 0 ||
        dup2(stderr_fd, 2) < 0)
        return -1;
    if (result_fd == 3) {
        result_fd = fcntl(result_fd, F_DUPFD, 5);
        if (result_fd < 0)
            return -1;
    }
    if (file_fd != 3 && dup2(file_fd, 3) < 0)
        return -1;
    if (result_fd != 4 && dup2(result_fd, 4) < 0)
        return -1;
    closefrom(5);
    return 0;
}

static void
set_limits(const ms_extract_limits_t *limits)
{
    struct rlimit rl = {0, 0};

    setrlimit(RLIMIT_CORE, &rl);
    if (limits->timeout_ms) {
        rl.rlim_cur = (limits->timeout_ms + 999) / 1000;
        rl.rlim_max = rl.rlim_cur + 1;
        setrlimit(RLIMIT_CPU, &rl);
    }
    if (limits->memory_bytes) {
        /* The first field of statm is the virtual size in pages. */
        unsigned long pages = 0;
        FILE *statm = fopen("/proc/self/statm", "r");
        size_t current;

        if (statm) {
            if (fscanf(statm, "%lu", &pages) != 1)
                pages = 0;
            fclose(statm);
        }
        current = (size_t)pages * (size_t)sysconf(_SC_PAGESIZE);
        rl.rlim_cur = current > SIZE_MAX - limits->memory_bytes
                          ? RLIM_INFINITY
                          : (rlim_t)(current + limits->memory_bytes);
        rl.rlim_max = rl.rlim_cur;
        setrlimit(RLIMIT_AS, &rl);
    }
}

/* Leave the indexer behind: die with it, default signal handlers, the
 * descriptors arranged, the limits set. False if that fails. */
static bool
enter_sandbox(pid_t parent, int file_fd, int result_fd, int stderr_fd,
              const ms_extract_limits_t *limits)
{
    sigset_t all;

    /* Die with the indexer: a kill -9 of the parent must not leave an
     * extraction running on its own. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        return false;
    /* The indexer's handlers (and the sanitizers') are not for this
     * process: a crash must end it with the signal, visible to waitpid. */
    for (int sig = 1; sig < NSIG; sig++) {
        if (sig != SIGKILL && sig != SIGSTOP)
            signal(sig, SIG_DFL);
    }
    signal(SIGPIPE, SIG_IGN); /* a parent that stopped listening: EPIPE */
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    if (arrange_descriptors(file_fd, result_fd, stderr_fd) < 0)
        return false;
    set_limits(limits);
    return true;
}

/* Run 'extractor' on 'job' and make its text clean, normalised UTF-8 in
 * *text (*length bytes); on failure, job->reason says why. */
static ms_extract_status_t
run(char **text, size_t *length, ms_extract__job_t *job,
    ms_extract__extractor_t extractor)
{
    ms_extract_status_t status = extractor(job);

    *text = NULL;
    if (status == MS_EXTRACT_OK)
        status = ms_extract__text_append(&job->text, "", 0);
    if (status == MS_EXTRACT_OK) {
        *text = ms_utf8_repair(job->text.data, job->text.len, length);
        status = *text ? MS_EXTRACT_OK : MS_EXTRACT_NOMEM;
    }
    if (*text)
        *length = normalise_text(*text, *length);
    if (status == MS_EXTRACT_NOMEM)
        return ms_extract__fail(job, MS_EXTRACT_LIMIT,
                                "extraction exceeded the memory limit");
    if (status == MS_EXTRACT_LIMIT && job->text.status == MS_BUF_LIMIT)
        return ms_extract__fail(job, MS_EXTRACT_LIMIT,
                                "extracted text is longer than %zu bytes",
                                job->limits->max_text_bytes);
    if (status != MS_EXTRACT_OK && !job->reason[0])
        ms_extract__fail(job, status, "extraction failed");
    return status;
}

void
ms_extract__child(pid_t parent, int file_fd, int result_fd, int stderr_fd,
                  ms_extract__extractor_t extractor, const ms_extract_limits_t *limits)
{
    ms_extract_result_t result = {0};
    ms_extract__job_t job = {.fd = 3, .limits = limits, .result = &result};
    const char *fields[MS_EXTRACT__N_FIELDS] = {NULL};
    size_t lengths[MS_EXTRACT__N_FIELDS];
    ms_extract_status_t status;
    uint32_t header[2];
    char *text;
    size_t length = 0;

    if (!enter_sandbox(parent, file_fd, result_fd, stderr_fd, limits))
        _exit(1);
    job.text.limit = limits->max_text_bytes;
    status = run(&text, &length, &job, extractor);
    if (status == MS_EXTRACT_OK) {
        fields[MS_EXTRACT__FIELD_TEXT] = text;
        fields[MS_EXTRACT__FIELD_TITLE] = result.title;
        fields[MS_EXTRACT__FIELD_DESCRIPTION] = result.description;
        fields[MS_EXTRACT__FIELD_DATE] = result.date;
        fields[MS_EXTRACT__FIELD_LANGUAGE] = result.language;
    } else {
        fields[MS_EXTRACT__FIELD_REASON] = job.reason;
    }
    for (int i = 0; i < MS_EXTRACT__N_FIELDS; i++)
        lengths[i] = fields[i] ? strlen(fields[i]) : 0;
    lengths[MS_EXTRACT__FIELD_TEXT] = fields[MS_EXTRACT__FIELD_TEXT] ? length : 0;
    header[0] = (uint32_t)status;
    header[1] = result.n_pages;
    if (write_all(4, MS_EXTRACT__MAGIC, 4) < 0 ||
        write_all(4, header, sizeof(header)) < 0)
        _exit(1);
    for (int i = 0; i < MS_EXTRACT__N_FIELDS; i++) {
        if (write_field(4, fields[i], lengths[i]) < 0)
            _exit(1);
    }
    _exit(0);
}
