/* extract.c - the extraction sandbox: one forked child per file, under limits
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The dispatcher of ms_extract: the table of formats below names the
 * extractor for each, and this file runs it in a sandbox and reads back
 * its result. The child's side is extract_child.c; the extractors and
 * their toolkit (extract-job.h) never call back here.
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
 * The child leaves with _exit() (extract_child.c says why).
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
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ms_clock.h"
#include "extract-private.h"

/* Room for the reason and the metadata fields on top of max_text_bytes. */
#define RESULT_SLACK (64 * 1024)
/* How much of the child's stderr is kept. */
#define STDERR_KEEP 8192

/* The formats: the extractor the child runs for each. */
static const struct format {
    ms_extract_format_t format;
    ms_extract__extractor_t extract;
} formats[] = {
    {MS_EXTRACT_HTML, ms_extract__html},
    {MS_EXTRACT_PDF, ms_extract__pdf},
    {MS_EXTRACT_DOCX, ms_extract__docx},
    {MS_EXTRACT_ODT, ms_extract__odt},
};

/* One extraction as the parent runs it. */
typedef struct sandbox {
    const ms_extract_limits_t *limits; /* never NULL */
    char reason[256];                  /* why it failed, for the caller */
    int file_fd;
    int result_pipe[2]; /* the child writes its message on [1] */
    int stderr_pipe[2]; /* and its stderr on [1] */
    pid_t pid;
    ms_buf_t result; /* the message; its limit is max_text_bytes + RESULT_SLACK */
    ms_buf_t err;    /* the first STDERR_KEEP bytes of the child's stderr */
    bool timed_out;
    int wstatus;
} sandbox_t;

/* Say why the extraction failed. */
#define SET_REASON(sb, ...) snprintf((sb)->reason, sizeof((sb)->reason), __VA_ARGS__)

/* ---- starting the child ------------------------------------------------ */

/* Open the file for the child: "cannot be read" is the parent's to say,
 * and anything but a regular file (a FIFO would block) is refused. */
static ms_extract_status_t
open_file(sandbox_t *sb, const char *path)
{
    struct stat st;

    sb->file_fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (sb->file_fd < 0 || fstat(sb->file_fd, &st) < 0) {
        SET_REASON(sb, "%s", strerror(errno));
        return MS_EXTRACT_IO;
    }
    if (!S_ISREG(st.st_mode)) {
        SET_REASON(sb, "not a regular file");
        return MS_EXTRACT_IO;
    }
    return MS_EXTRACT_OK;
}

static int
set_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL);

    return flags < 0 ? -1 : fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

/* Make the pipes and fork the child that runs 'extract'. */
static ms_extract_status_t
start(sandbox_t *sb, ms_extract__extractor_t extract)
{
    pid_t parent = getpid();

    if (pipe(sb->result_pipe) < 0 || pipe(sb->stderr_pipe) < 0) {
        SET_REASON(sb, "cannot create a pipe: %s", strerror(errno));
        return MS_EXTRACT_IO;
    }
    for (int i = 0; i < 2; i++) {
        fcntl(sb->result_pipe[i], F_SETFD, FD_CLOEXEC);
        fcntl(sb->stderr_pipe[i], F_SETFD, FD_CLOEXEC);
    }
    sb->pid = fork();
    if (sb->pid == 0)
        ms_extract__child(parent, sb->file_fd, sb->result_pipe[1], sb->stderr_pipe[1],
                          extract, sb->limits);
    if (sb->pid < 0) {
        SET_REASON(sb, "cannot fork: %s", strerror(errno));
        return MS_EXTRACT_IO;
    }
    /* Our copies of the write ends must go, or EOF never comes. */
    close(sb->result_pipe[1]);
    close(sb->stderr_pipe[1]);
    sb->result_pipe[1] = sb->stderr_pipe[1] = -1;
    close(sb->file_fd);
    sb->file_fd = -1;
    set_nonblocking(sb->result_pipe[0]);
    set_nonblocking(sb->stderr_pipe[0]);
    return MS_EXTRACT_OK;
}

/* ---- reading from the child -------------------------------------------- */

/* Read what is available on 'fd' into 'into'. Past into->limit, the rest
 * is read and dropped when 'keep_first', else the read stops. Returns 1
 * at EOF (or on a read error), 0 if more may come, -1 when 'into' failed
 * (its status says why: too much, or no memory). */
static int
drain(int fd, ms_buf_t *into, bool keep_first)
{
    char chunk[65536];

    for (;;) {
        ssize_t n = read(fd, chunk, sizeof(chunk));
        size_t keep = (size_t)n;

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno == EAGAIN ? 0 : 1;
        if (n == 0)
            return 1;
        if (keep_first && into->limit && keep > into->limit - into->len)
            keep = into->limit - into->len;
        if (ms_buf_append(into, chunk, keep) != MS_BUF_OK)
            return -1;
    }
}

/* Read both pipes until EOF or the wall-clock deadline (then the child is
 * killed). Returns MS_EXTRACT_OK, or how reading failed (the child killed). */
static ms_extract_status_t
collect(sandbox_t *sb)
{
    long long deadline =
        sb->limits->timeout_ms ? ms_clock_ms() + sb->limits->timeout_ms : 0;
    bool result_open = true, stderr_open = true;

    while (result_open || stderr_open) {
        struct pollfd fds[2] = {{result_open ? sb->result_pipe[0] : -1, POLLIN, 0},
                                {stderr_open ? sb->stderr_pipe[0] : -1, POLLIN, 0}};
        long long left = deadline ? deadline - ms_clock_ms() : -1;
        int rc;

        if (deadline && left <= 0) {
            sb->timed_out = true;
            kill(sb->pid, SIGKILL);
            break;
        }
        rc = poll(fds, 2, left > INT_MAX ? INT_MAX : (int)left);
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc < 0) {
            SET_REASON(sb, "poll: %s", strerror(errno));
            kill(sb->pid, SIGKILL);
            return MS_EXTRACT_IO;
        }
        rc = fds[0].revents ? drain(sb->result_pipe[0], &sb->result, false) : 0;
        if (rc < 0) {
            kill(sb->pid, SIGKILL);
            if (sb->result.status == MS_BUF_NOMEM)
                return MS_EXTRACT_NOMEM;
            SET_REASON(sb, "extracted text is too long");
            return MS_EXTRACT_LIMIT;
        }
        result_open = result_open && rc == 0;
        /* Out of memory for stderr: it is still read, and dropped. */
        if (fds[1].revents && drain(sb->stderr_pipe[0], &sb->err, true) == 1)
            stderr_open = false;
    }
    return MS_EXTRACT_OK;
}

static void
reap(sandbox_t *sb)
{
    while (waitpid(sb->pid, &sb->wstatus, 0) < 0) {
        if (errno != EINTR) {
            /* SIGCHLD ignored by the caller: the status is lost, the
             * message (if complete) still tells what happened. */
            sb->wstatus = 0;
            break;
        }
    }
    sb->pid = -1;
}

/* ---- what the child's end says ------------------------------------------ */

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
static bool
said_out_of_memory(const char *err)
{
    static const char *const marks[] = {
        "out of memory",      /* AddressSanitizer */
        "failed to allocate", /* GLib g_malloc */
        "std::bad_alloc",     /* libstdc++ terminate, from poppler */
        "allocation-size-too-big", "Cannot allocate memory",
    };

    for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
        if (strstr(err, marks[i]))
            return true;
    }
    return false;
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
    if (size == MS_EXTRACT__NO_FIELD)
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

/* The result of the fields of a successful message, which it takes. */
static ms_extract_result_t *
result_of(char **fields, size_t text_length, uint32_t n_pages)
{
    ms_extract_result_t *r = calloc(1, sizeof(*r));

    if (!r)
        return NULL;
    r->text = fields[MS_EXTRACT__FIELD_TEXT];
    r->text_length = text_length;
    r->n_pages = n_pages;
    r->title = fields[MS_EXTRACT__FIELD_TITLE];
    r->description = fields[MS_EXTRACT__FIELD_DESCRIPTION];
    r->date = fields[MS_EXTRACT__FIELD_DATE];
    r->language = fields[MS_EXTRACT__FIELD_LANGUAGE];
    memset(fields, 0, MS_EXTRACT__N_FIELDS * sizeof(*fields));
    return r;
}

/* Decode the child's message (extract-private.h). Returns 0 and sets
 * *status (and *out for MS_EXTRACT_OK, the reason otherwise), -1 if the
 * message is incomplete or malformed, -2 on allocation failure. */
static int
decode(sandbox_t *sb, ms_extract_status_t *status, ms_extract_result_t **out)
{
    const char *cursor = sb->result.data, *end;
    char *fields[MS_EXTRACT__N_FIELDS] = {NULL};
    size_t text_length = 0;
    uint32_t header[2];
    int rc = -1;

    if (sb->result.len < 4 + sizeof(header) || memcmp(cursor, MS_EXTRACT__MAGIC, 4) != 0)
        return -1;
    end = cursor + sb->result.len;
    memcpy(header, cursor + 4, sizeof(header));
    cursor += 4 + sizeof(header);
    for (int i = 0; i < MS_EXTRACT__N_FIELDS; i++) {
        rc = take_field(&cursor, end, &fields[i],
                        i == MS_EXTRACT__FIELD_TEXT ? &text_length : NULL);
        if (rc < 0)
            goto out;
    }
    rc = -1;
    if (cursor != end || header[0] > MS_EXTRACT_IO)
        goto out;
    *status = (ms_extract_status_t)header[0];
    if (*status != MS_EXTRACT_OK) {
        SET_REASON(sb, "%s",
                   fields[MS_EXTRACT__FIELD_REASON] ? fields[MS_EXTRACT__FIELD_REASON]
                                                    : "extraction failed");
        rc = 0;
    } else if (fields[MS_EXTRACT__FIELD_TEXT]) {
        *out = result_of(fields, text_length, header[1]);
        rc = *out ? 0 : -2;
    }
out:
    for (int i = 0; i < MS_EXTRACT__N_FIELDS; i++)
        free(fields[i]);
    return rc;
}

/* What the child's end and its message say, once it is reaped. */
static ms_extract_status_t
judge(sandbox_t *sb, ms_extract_result_t **out)
{
    const char *err = sb->err.data ? sb->err.data : "";
    ms_extract_status_t status = MS_EXTRACT_LIMIT;
    int ws = sb->wstatus;
    char extra[160];

    if (sb->timed_out || (WIFSIGNALED(ws) && WTERMSIG(ws) == SIGXCPU)) {
        format_timeout(extra, sizeof(extra), sb->limits->timeout_ms);
        SET_REASON(sb, "extraction took longer than %s", extra);
    } else if (WIFSIGNALED(ws) || (WIFEXITED(ws) && WEXITSTATUS(ws) != 0)) {
        if (sb->limits->memory_bytes && said_out_of_memory(err)) {
            SET_REASON(sb, "extraction exceeded the memory limit");
        } else if (WIFSIGNALED(ws)) {
            SET_REASON(sb, "extractor crashed (signal %d)", WTERMSIG(ws));
        } else {
            error_line(extra, sizeof(extra), err);
            SET_REASON(sb, "extractor failed (exit status %d)%s%s", WEXITSTATUS(ws),
                       extra[0] ? ": " : "", extra);
        }
    } else {
        switch (decode(sb, &status, out)) {
        case 0:
            break;
        case -2:
            status = MS_EXTRACT_NOMEM;
            break;
        default:
            SET_REASON(sb, "extractor returned a malformed result");
            status = MS_EXTRACT_LIMIT;
        }
    }
    return status;
}

/* ---- the interface ------------------------------------------------------ */

ms_extract_status_t
ms_extract_file(ms_extract_result_t **out, const char *path, ms_extract_format_t format,
                const ms_extract_limits_t *limits, char *reason, size_t reason_size)
{
    static const ms_extract_limits_t no_limits = {0, 0, 0};
    sandbox_t sb = {.limits = limits ? limits : &no_limits,
                    .file_fd = -1,
                    .result_pipe = {-1, -1},
                    .stderr_pipe = {-1, -1},
                    .pid = -1};
    ms_extract__extractor_t extract = NULL;
    size_t max_text = sb.limits->max_text_bytes;
    ms_extract_status_t status;

    assert(out && path);
    *out = NULL;
    for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
        if (formats[i].format == format)
            extract = formats[i].extract;
    }
    sb.result.limit =
        max_text && max_text < SIZE_MAX - RESULT_SLACK ? max_text + RESULT_SLACK : 0;
    sb.err.limit = STDERR_KEEP;
    status = open_file(&sb, path);
    if (status == MS_EXTRACT_OK && !extract) {
        SET_REASON(&sb, "unknown format");
        status = MS_EXTRACT_INVALID;
    }
    if (status == MS_EXTRACT_OK)
        status = start(&sb, extract);
    if (status == MS_EXTRACT_OK) {
        status = collect(&sb);
        reap(&sb);
    }
    if (status == MS_EXTRACT_OK)
        status = judge(&sb, out);

    if (sb.file_fd >= 0)
        close(sb.file_fd);
    for (int i = 0; i < 2; i++) {
        if (sb.result_pipe[i] >= 0)
            close(sb.result_pipe[i]);
        if (sb.stderr_pipe[i] >= 0)
            close(sb.stderr_pipe[i]);
    }
    ms_buf_free(&sb.result);
    ms_buf_free(&sb.err);
    if (reason && reason_size)
        snprintf(reason, reason_size, "%s", sb.reason);
    return status;
}

void
ms_extract_free(ms_extract_result_t *result)
{
    if (result) {
        char *strings[] = {result->text, result->title, result->description, result->date,
                           result->language};

        for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
            free(strings[i]);
    }
    free(result);
}
