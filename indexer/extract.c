/* extract.c - the extraction sandbox: one forked child per file, under limits
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * poppler, libxml2 and libzip are large C and C++ code bases fed with files
 * that anyone with write access to the archive folder controls. A crash,
 * an endless loop or a memory blow-up in one of them must cost one file,
 * not the indexer run. So each file is extracted in a child process:
 *
 *   parent                              child
 *   open the file (errors: IO)
 *   pipe() x2, fork() ------------->   PDEATHSIG, default signal handlers,
 *                                      stderr to a pipe, other fds closed,
 *                                      RLIMIT_CORE 0, RLIMIT_CPU, RLIMIT_AS
 *                                      run the extractor
 *   poll() both pipes until EOF  <---  write the result, length-prefixed
 *   or the wall-clock deadline         _exit(0)
 *   (then SIGKILL); waitpid()
 *
 * The child leaves with _exit(): it never returns into the caller's code,
 * never runs atexit handlers (nor LeakSanitizer, which would report the
 * libraries' caches) and never flushes stdio buffers it inherited.
 *
 * The address-space limit is memory_bytes on top of what the child
 * already maps when it starts. Under AddressSanitizer a process maps
 * terabytes of shadow memory before main(), so an absolute RLIMIT_AS would
 * kill every child. (ASan also pre-reserves its small-object heap, so in
 * the test build the limit only catches large allocations; in a normal
 * build it catches all of them.)
 *
 * The child's stderr is captured, not shown: poppler writes "Syntax Error"
 * lines for damaged files, and the indexer's terminal shows a progress
 * bar. The first few KiB of it are kept to tell an out-of-memory death
 * (glib, the C++ runtime and ASan each say so there) from a crash.
 *
 * fork() is only safe here because the indexer is single-threaded: the
 * child runs library code (malloc, poppler) that a fork from a
 * multi-threaded process could find locked.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "extract-private.h"

#define MAGIC "MSX1"
#define NO_FIELD UINT64_MAX
#define N_FIELDS 6
/* Room for the reason and the metadata fields on top of max_text_bytes. */
#define RESULT_SLACK (64 * 1024)
#define STDERR_KEEP 8192

/* ---- helpers for the extractors ---------------------------------------- */

ms_extract_status_t
ms_extract__fail(ms_extract__job_t *job, ms_extract_status_t status, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(job->reason, sizeof(job->reason), fmt, ap);
    va_end(ap);
    return status;
}

ms_extract_status_t
ms_extract__text_append(ms_extract__text_t *text, const char *data, size_t length)
{
    if (text->limit && length > text->limit - text->length) {
        text->overflow = 1;
        return MS_EXTRACT_LIMIT;
    }
    if (length + 1 > text->capacity - text->length) {
        size_t capacity = text->capacity ? text->capacity : 4096;
        char *grown;

        while (length + 1 > capacity - text->length) {
            if (capacity > SIZE_MAX / 2)
                return MS_EXTRACT_NOMEM;
            capacity *= 2;
        }
        grown = realloc(text->data, capacity);
        if (!grown)
            return MS_EXTRACT_NOMEM;
        text->data = grown;
        text->capacity = capacity;
    }
    memcpy(text->data + text->length, data, length);
    text->length += length;
    text->data[text->length] = '\0';
    return MS_EXTRACT_OK;
}

ms_extract_status_t
ms_extract__text_putc(ms_extract__text_t *text, char c)
{
    return ms_extract__text_append(text, &c, 1);
}

ms_extract_status_t
ms_extract__read_all(ms_extract__job_t *job, char **out, size_t *out_length)
{
    ms_extract__text_t buffer = {0};
    ms_extract_status_t status = MS_EXTRACT_OK;
    char chunk[65536];

    *out = NULL;
    *out_length = 0;
    for (;;) {
        ssize_t n = read(job->fd, chunk, sizeof(chunk));

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            status = ms_extract__fail(job, MS_EXTRACT_IO, "%s", strerror(errno));
            goto out;
        }
        if (n == 0)
            break;
        status = ms_extract__text_append(&buffer, chunk, (size_t)n);
        if (status != MS_EXTRACT_OK)
            goto out;
    }
    if (!buffer.data) {
        buffer.data = calloc(1, 1);
        if (!buffer.data) {
            status = MS_EXTRACT_NOMEM;
            goto out;
        }
    }
    *out = buffer.data;
    *out_length = buffer.length;
    buffer.data = NULL;
out:
    free(buffer.data);
    return status;
}

/* Length of the valid UTF-8 sequence at s[0..n), or 0 if it is not one.
 * Overlong forms, surrogates and code points past U+10FFFF are invalid. */
static size_t
utf8_sequence(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];

    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        return n >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
    if (c >= 0xe0 && c <= 0xef) {
        unsigned char lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;

        return n >= 3 && s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 ? 3 : 0;
    }
    if (c >= 0xf0 && c <= 0xf4) {
        unsigned char lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;

        return n >= 4 && s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 &&
                       (s[3] & 0xc0) == 0x80
                   ? 4
                   : 0;
    }
    return 0;
}

char *
ms_extract__utf8_clean(const char *data, size_t length, size_t *out_length)
{
    const unsigned char *s = (const unsigned char *)data;
    char *out;
    size_t i = 0, o = 0;

    /* Each invalid byte becomes at most 3 bytes (U+FFFD). */
    if (length > (SIZE_MAX - 1) / 3)
        return NULL;
    out = malloc(length * 3 + 1);
    if (!out)
        return NULL;
    while (i < length) {
        size_t n = utf8_sequence(s + i, length - i);

        if (n == 0) {
            memcpy(out + o, "\xef\xbf\xbd", 3);
            o += 3;
            i++;
            continue;
        }
        if (s[i] != 0) {
            memcpy(out + o, s + i, n);
            o += n;
        }
        i += n;
    }
    out[o] = '\0';
    if (out_length)
        *out_length = o;
    return out;
}

size_t
ms_extract__utf8_cut(const char *data, size_t length)
{
    size_t n = length;

    /* Step back over continuation bytes to the lead byte of the last
     * character, then keep that character only if it is complete. */
    while (n > 0 && ((unsigned char)data[n - 1] & 0xc0) == 0x80 && length - n < 3)
        n--;
    if (n == 0)
        return 0;
    if ((unsigned char)data[n - 1] >= 0xc0) {
        size_t need = utf8_sequence((const unsigned char *)data + n - 1, length - n + 1);

        return need ? n - 1 + need : n - 1;
    }
    return length;
}

char *
ms_extract__field(const char *data, size_t length, int *nomem)
{
    char *clean, *out = NULL;
    size_t clean_length, i, o = 0;
    int space = 0;

    clean = ms_extract__utf8_clean(data, length, &clean_length);
    if (!clean)
        goto nomem;
    for (i = 0; i < clean_length; i++) {
        unsigned char c = (unsigned char)clean[i];

        if (c < 0x20 || c == 0x7f || c == ' ') {
            space = o > 0;
            continue;
        }
        if (space)
            clean[o++] = ' ';
        space = 0;
        clean[o++] = (char)c;
    }
    if (o > MS_EXTRACT__FIELD_MAX)
        o = ms_extract__utf8_cut(clean, MS_EXTRACT__FIELD_MAX);
    if (o == 0) {
        free(clean);
        return NULL;
    }
    out = realloc(clean, o + 1);
    if (!out)
        out = clean;
    out[o] = '\0';
    return out;
nomem:
    if (nomem)
        *nomem = 1;
    return NULL;
}

char *
ms_extract__iso_date(const char *s, int *nomem)
{
    static const char shape[] = "dddd-dd-dd";
    int month, day;
    char *out;
    size_t i;

    if (!s)
        return NULL;
    while (*s == ' ')
        s++;
    for (i = 0; i < 10; i++) {
        if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != '-')
            return NULL;
    }
    if (s[10] >= '0' && s[10] <= '9')
        return NULL;
    month = (s[5] - '0') * 10 + (s[6] - '0');
    day = (s[8] - '0') * 10 + (s[9] - '0');
    if (month < 1 || month > 12 || day < 1 || day > 31)
        return NULL;
    out = malloc(11);
    if (!out) {
        if (nomem)
            *nomem = 1;
        return NULL;
    }
    memcpy(out, s, 10);
    out[10] = '\0';
    return out;
}

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

/* ---- the child --------------------------------------------------------- */

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
    uint64_t size = value ? (uint64_t)length : NO_FIELD;

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

static ms_extract_status_t
run_extractor(ms_extract__job_t *job, ms_extract_format_t format)
{
    switch (format) {
    case MS_EXTRACT_HTML:
        return ms_extract__html(job);
    case MS_EXTRACT_PDF:
        return ms_extract__pdf(job);
    case MS_EXTRACT_DOCX:
        return ms_extract__docx(job);
    case MS_EXTRACT_ODT:
        return ms_extract__odt(job);
    }
    return ms_extract__fail(job, MS_EXTRACT_INVALID, "unknown format");
}

/* The child's whole life; it ends in _exit() on every path. */
static void __attribute__((noreturn))
child_main(pid_t parent, int file_fd, int result_fd, int stderr_fd,
           ms_extract_format_t format, const ms_extract_limits_t *limits)
{
    ms_extract_result_t result = {0};
    ms_extract__job_t job = {0};
    ms_extract_status_t status;
    sigset_t all;
    uint32_t header[2];
    const char *fields[N_FIELDS];
    size_t lengths[N_FIELDS];
    int sig, i;

    /* Die with the indexer: a kill -9 of the parent must not leave an
     * extraction running on its own. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(1);
    /* The indexer's handlers (and the sanitizers') are not for this
     * process: a crash must end it with the signal, visible to waitpid. */
    for (sig = 1; sig < NSIG; sig++) {
        if (sig != SIGKILL && sig != SIGSTOP)
            signal(sig, SIG_DFL);
    }
    signal(SIGPIPE, SIG_IGN); /* a parent that stopped listening: EPIPE */
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    if (arrange_descriptors(file_fd, result_fd, stderr_fd) < 0)
        _exit(1);
    set_limits(limits);

    job.fd = 3;
    job.limits = limits;
    job.result = &result;
    job.text.limit = limits->max_text_bytes;
    status = run_extractor(&job, format);
    if (status == MS_EXTRACT_OK && !job.text.data)
        status = ms_extract__text_append(&job.text, "", 0);
    if (status == MS_EXTRACT_OK) {
        size_t length;
        char *clean = ms_extract__utf8_clean(job.text.data, job.text.length, &length);

        if (clean) {
            free(job.text.data);
            job.text.data = clean;
            job.text.length = normalise_text(clean, length);
        } else {
            status = MS_EXTRACT_NOMEM;
        }
    }
    if (status == MS_EXTRACT_NOMEM) {
        status = ms_extract__fail(&job, MS_EXTRACT_LIMIT,
                                  "extraction exceeded the memory limit");
    } else if (status == MS_EXTRACT_LIMIT && job.text.overflow) {
        status = ms_extract__fail(&job, MS_EXTRACT_LIMIT,
                                  "extracted text is longer than %zu bytes",
                                  limits->max_text_bytes);
    } else if (status != MS_EXTRACT_OK && !job.reason[0]) {
        ms_extract__fail(&job, status, "extraction failed");
    }

    fields[0] = status == MS_EXTRACT_OK ? NULL : job.reason;
    fields[1] = status == MS_EXTRACT_OK ? job.text.data : NULL;
    fields[2] = status == MS_EXTRACT_OK ? result.title : NULL;
    fields[3] = status == MS_EXTRACT_OK ? result.description : NULL;
    fields[4] = status == MS_EXTRACT_OK ? result.date : NULL;
    fields[5] = status == MS_EXTRACT_OK ? result.language : NULL;
    for (i = 0; i < N_FIELDS; i++)
        lengths[i] = fields[i] ? strlen(fields[i]) : 0;
    lengths[1] = fields[1] ? job.text.length : 0;
    header[0] = (uint32_t)status;
    header[1] = result.n_pages;
    if (write_all(4, MAGIC, 4) < 0 || write_all(4, header, sizeof(header)) < 0)
        _exit(1);
    for (i = 0; i < N_FIELDS; i++) {
        if (write_field(4, fields[i], lengths[i]) < 0)
            _exit(1);
    }
    _exit(0);
}

/* ---- the parent -------------------------------------------------------- */

typedef struct collected {
    char *data;
    size_t length, capacity, bound;
    int too_long;
    char err[STDERR_KEEP + 1];
    size_t err_length;
} collected_t;

static long long
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read what is available on the result pipe. Returns 1 at EOF, 0 if more
 * may come, -1 on allocation failure. */
static int
read_result(int fd, collected_t *c)
{
    for (;;) {
        ssize_t n;

        if (c->capacity - c->length < 65536) {
            size_t capacity = c->capacity ? c->capacity * 2 : 65536;
            char *grown = realloc(c->data, capacity);

            if (!grown)
                return -1;
            c->data = grown;
            c->capacity = capacity;
        }
        n = read(fd, c->data + c->length, c->capacity - c->length);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno == EAGAIN ? 0 : 1;
        if (n == 0)
            return 1;
        c->length += (size_t)n;
        if (c->length > c->bound) {
            c->too_long = 1;
            return 1;
        }
    }
}

/* Keep the first STDERR_KEEP bytes of the child's stderr, drain the rest.
 * Returns 1 at EOF, 0 otherwise. */
static int
read_stderr(int fd, collected_t *c)
{
    char chunk[4096];

    for (;;) {
        ssize_t n = read(fd, chunk, sizeof(chunk));

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno == EAGAIN ? 0 : 1;
        if (n == 0)
            return 1;
        if (c->err_length < STDERR_KEEP) {
            size_t keep = (size_t)n < STDERR_KEEP - c->err_length
                              ? (size_t)n
                              : STDERR_KEEP - c->err_length;

            memcpy(c->err + c->err_length, chunk, keep);
            c->err_length += keep;
            c->err[c->err_length] = '\0';
        }
    }
}

static void set_reason(char *reason, size_t reason_size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
set_reason(char *reason, size_t reason_size, const char *fmt, ...)
{
    va_list ap;

    if (!reason || reason_size == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(reason, reason_size, fmt, ap);
    va_end(ap);
}

static void
format_timeout(char *out, size_t size, unsigned timeout_ms)
{
    if (timeout_ms % 1000 == 0)
        snprintf(out, size, "%u s", timeout_ms / 1000);
    else
        snprintf(out, size, "%u.%03u s", timeout_ms / 1000, timeout_ms % 1000);
}

/* Did the child die for want of memory? Each allocator that gives up
 * says so on stderr before aborting or exiting. */
static int
said_out_of_memory(const char *err)
{
    static const char *const marks[] = {
        "out of memory",      /* AddressSanitizer */
        "failed to allocate", /* GLib g_malloc */
        "std::bad_alloc",     /* libstdc++ terminate, from poppler */
        "allocation-size-too-big", "Cannot allocate memory",
    };
    size_t i;

    for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
        if (strstr(err, marks[i]))
            return 1;
    }
    return 0;
}

/* The line of the child's stderr that names its error, if any. */
static void
error_line(char *out, size_t size, const char *err)
{
    const char *line = strstr(err, "ERROR");
    size_t n;

    out[0] = '\0';
    if (!line)
        return;
    n = strcspn(line, "\n");
    if (n >= size)
        n = size - 1;
    memcpy(out, line, n);
    out[n] = '\0';
}

static int
take_field(const char **cursor, const char *end, char **out, size_t *out_length)
{
    uint64_t size;

    *out = NULL;
    if ((size_t)(end - *cursor) < sizeof(size))
        return -1;
    memcpy(&size, *cursor, sizeof(size));
    *cursor += sizeof(size);
    if (size == NO_FIELD)
        return 0;
    if (size > (uint64_t)(end - *cursor))
        return -1;
    *out = malloc((size_t)size + 1);
    if (!*out)
        return -2;
    memcpy(*out, *cursor, (size_t)size);
    (*out)[size] = '\0';
    *cursor += size;
    if (out_length)
        *out_length = (size_t)size;
    return 0;
}

/* Decode the child's message. Returns 0 and sets *status (and *result
 * for MS_EXTRACT_OK, the reason otherwise), -1 if the message is
 * incomplete or malformed, -2 on allocation failure. */
static int
decode(const collected_t *c, ms_extract_status_t *status, ms_extract_result_t **result,
       char *reason, size_t reason_size)
{
    const char *cursor = c->data, *end = c->data + c->length;
    ms_extract_result_t *r = NULL;
    char *fields[N_FIELDS] = {0};
    size_t text_length = 0;
    uint32_t header[2];
    int rc = -1, i;

    if (c->length < 4 + sizeof(header) || memcmp(cursor, MAGIC, 4) != 0)
        goto out;
    memcpy(header, cursor + 4, sizeof(header));
    cursor += 4 + sizeof(header);
    for (i = 0; i < N_FIELDS; i++) {
        rc = take_field(&cursor, end, &fields[i], i == 1 ? &text_length : NULL);
        if (rc < 0)
            goto out;
    }
    rc = -1;
    if (cursor != end || header[0] > MS_EXTRACT_IO)
        goto out;
    *status = (ms_extract_status_t)header[0];
    if (*status != MS_EXTRACT_OK) {
        set_reason(reason, reason_size, "%s",
                   fields[0] ? fields[0] : "extraction failed");
        rc = 0;
        goto out;
    }
    if (!fields[1])
        goto out;
    r = calloc(1, sizeof(*r));
    if (!r) {
        rc = -2;
        goto out;
    }
    r->text = fields[1];
    r->text_length = text_length;
    r->n_pages = header[1];
    r->title = fields[2];
    r->description = fields[3];
    r->date = fields[4];
    r->language = fields[5];
    for (i = 1; i < N_FIELDS; i++)
        fields[i] = NULL;
    *result = r;
    rc = 0;
out:
    for (i = 0; i < N_FIELDS; i++)
        free(fields[i]);
    return rc;
}

static int
set_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL);

    return flags < 0 ? -1 : fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

ms_extract_status_t
ms_extract_file(ms_extract_result_t **out, const char *path, ms_extract_format_t format,
                const ms_extract_limits_t *limits, char *reason, size_t reason_size)
{
    static const ms_extract_limits_t no_limits = {0, 0, 0};
    ms_extract_status_t status = MS_EXTRACT_IO;
    collected_t c = {0};
    int file_fd = -1, result_pipe[2] = {-1, -1}, stderr_pipe[2] = {-1, -1};
    int result_open, stderr_open, timed_out = 0, wstatus = 0, rc;
    long long deadline = 0;
    struct stat st;
    pid_t pid = -1;
    char extra[160];

    assert(out && path);
    *out = NULL;
    if (reason && reason_size)
        reason[0] = '\0';
    if (!limits)
        limits = &no_limits;

    file_fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (file_fd < 0) {
        set_reason(reason, reason_size, "%s", strerror(errno));
        goto out;
    }
    if (fstat(file_fd, &st) < 0) {
        set_reason(reason, reason_size, "%s", strerror(errno));
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        set_reason(reason, reason_size, "not a regular file");
        goto out;
    }
    if (pipe(result_pipe) < 0 || pipe(stderr_pipe) < 0) {
        set_reason(reason, reason_size, "cannot create a pipe: %s", strerror(errno));
        goto out;
    }
    for (rc = 0; rc < 2; rc++) {
        fcntl(result_pipe[rc], F_SETFD, FD_CLOEXEC);
        fcntl(stderr_pipe[rc], F_SETFD, FD_CLOEXEC);
    }
    c.bound = limits->max_text_bytes && limits->max_text_bytes < SIZE_MAX - RESULT_SLACK
                  ? limits->max_text_bytes + RESULT_SLACK
                  : SIZE_MAX;

    {
        pid_t parent = getpid();

        pid = fork();
        if (pid == 0)
            child_main(parent, file_fd, result_pipe[1], stderr_pipe[1], format, limits);
    }
    if (pid < 0) {
        set_reason(reason, reason_size, "cannot fork: %s", strerror(errno));
        goto out;
    }
    /* Our copies of the write ends must go, or EOF never comes. */
    close(result_pipe[1]);
    close(stderr_pipe[1]);
    result_pipe[1] = stderr_pipe[1] = -1;
    close(file_fd);
    file_fd = -1;
    set_nonblocking(result_pipe[0]);
    set_nonblocking(stderr_pipe[0]);

    if (limits->timeout_ms)
        deadline = now_ms() + limits->timeout_ms;
    result_open = stderr_open = 1;
    while (result_open || stderr_open) {
        struct pollfd fds[2];
        int timeout = -1;

        if (deadline) {
            long long left = deadline - now_ms();

            if (left <= 0) {
                timed_out = 1;
                break;
            }
            timeout = left > INT_MAX ? INT_MAX : (int)left;
        }
        fds[0].fd = result_open ? result_pipe[0] : -1;
        fds[0].events = POLLIN;
        fds[1].fd = stderr_open ? stderr_pipe[0] : -1;
        fds[1].events = POLLIN;
        fds[0].revents = fds[1].revents = 0;
        rc = poll(fds, 2, timeout);
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc < 0) {
            set_reason(reason, reason_size, "poll: %s", strerror(errno));
            kill(pid, SIGKILL);
            status = MS_EXTRACT_IO;
            goto reap;
        }
        if (fds[0].revents) {
            rc = read_result(result_pipe[0], &c);
            if (rc < 0 || c.too_long) {
                kill(pid, SIGKILL);
                status = rc < 0 ? MS_EXTRACT_NOMEM : MS_EXTRACT_LIMIT;
                if (c.too_long)
                    set_reason(reason, reason_size, "extracted text is too long");
                goto reap;
            }
            if (rc == 1)
                result_open = 0;
        }
        if (fds[1].revents && read_stderr(stderr_pipe[0], &c) == 1)
            stderr_open = 0;
    }
    if (timed_out)
        kill(pid, SIGKILL);
    status = MS_EXTRACT_OK;

reap:
    while (waitpid(pid, &wstatus, 0) < 0) {
        if (errno != EINTR) {
            /* SIGCHLD ignored by the caller: the status is lost, the
             * message (if complete) still tells what happened. */
            wstatus = 0;
            break;
        }
    }
    pid = -1;
    if (status != MS_EXTRACT_OK)
        goto out;

    if (timed_out || (WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGXCPU)) {
        format_timeout(extra, sizeof(extra), limits->timeout_ms);
        set_reason(reason, reason_size, "extraction took longer than %s", extra);
        status = MS_EXTRACT_LIMIT;
        goto out;
    }
    if (WIFSIGNALED(wstatus) || (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) != 0)) {
        status = MS_EXTRACT_LIMIT;
        if (limits->memory_bytes && said_out_of_memory(c.err)) {
            set_reason(reason, reason_size, "extraction exceeded the memory limit");
        } else if (WIFSIGNALED(wstatus)) {
            set_reason(reason, reason_size, "extractor crashed (signal %d)",
                       WTERMSIG(wstatus));
        } else {
            error_line(extra, sizeof(extra), c.err);
            set_reason(reason, reason_size, "extractor failed (exit status %d)%s%s",
                       WEXITSTATUS(wstatus), extra[0] ? ": " : "", extra);
        }
        goto out;
    }
    rc = decode(&c, &status, out, reason, reason_size);
    if (rc == -2) {
        status = MS_EXTRACT_NOMEM;
    } else if (rc < 0) {
        set_reason(reason, reason_size, "extractor returned a malformed result");
        status = MS_EXTRACT_LIMIT;
    }

out:
    if (pid > 0) {
        kill(pid, SIGKILL);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
    }
    if (file_fd >= 0)
        close(file_fd);
    for (rc = 0; rc < 2; rc++) {
        if (result_pipe[rc] >= 0)
            close(result_pipe[rc]);
        if (stderr_pipe[rc] >= 0)
            close(stderr_pipe[rc]);
    }
    free(c.data);
    return status;
}

void
ms_extract_free(ms_extract_result_t *result)
{
    if (!result)
        return;
    free(result->text);
    free(result->title);
    free(result->description);
    free(result->date);
    free(result->language);
    free(result);
}
