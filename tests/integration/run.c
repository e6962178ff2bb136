/* run.c - run the real migsearch-index on an archive made at test time
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Children get PR_SET_PDEATHSIG so that a crashed test leaves no indexer
 * behind. Output is collected through temporary files rather than pipes,
 * so a chatty child can never block on a full pipe.
 */
#include "run.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define INDEXER MS_BINARY_DIR "/indexer/migsearch-index"

static void
join(char *out, size_t size, const char *a, const char *b)
{
    int n = snprintf(out, size, "%s/%s", a, b);
    cr_assert(n > 0 && (size_t)n < size, "path too long: %s/%s", a, b);
}

void
ms_ix_setup(ms_ix_t *ix, unsigned batch_size)
{
    memset(ix, 0, sizeof(*ix));
    strcpy(ix->dir, "/tmp/ms-ix.XXXXXX");
    cr_assert(mkdtemp(ix->dir), "mkdtemp: %s", strerror(errno));
    join(ix->archive, sizeof(ix->archive), ix->dir, "archive");
    join(ix->index, sizeof(ix->index), ix->dir, "index");
    join(ix->config, sizeof(ix->config), ix->dir, "migsearch.yaml");
    cr_assert_eq(mkdir(ix->archive, 0755), 0);

    FILE *f = fopen(ix->config, "w");
    cr_assert(f, "cannot write %s", ix->config);
    fprintf(f,
            "index:\n  path: %s\n  language: en\n  spelling: false\n"
            "archive:\n  path: %s\n  batch_size: %u\n"
            "log:\n  level: info\n",
            ix->index, ix->archive, batch_size);
    fclose(f);
}

void
ms_ix_teardown(ms_ix_t *ix)
{
    if (!ix->dir[0])
        return;
    if (getenv("MS_TEST_LEAVE")) {
        fprintf(stderr, "MS_TEST_LEAVE: kept %s\n", ix->dir);
        return;
    }
    const char *argv[] = {"rm", "-rf", ix->dir, NULL};
    ms_ix_system(argv);
}

void
ms_ix_write(ms_ix_t *ix, const char *rel, const char *content)
{
    char path[PATH_MAX];
    join(path, sizeof(path), ix->archive, rel);
    for (char *slash = strchr(path + strlen(ix->archive) + 1, '/'); slash;
         slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        cr_assert(mkdir(path, 0755) == 0 || errno == EEXIST, "mkdir %s: %s", path,
                  strerror(errno));
        *slash = '/';
    }
    FILE *f = fopen(path, "w");
    cr_assert(f, "cannot write %s: %s", path, strerror(errno));
    fputs(content, f);
    cr_assert_eq(fclose(f), 0);
}

void
ms_ix_remove(ms_ix_t *ix, const char *rel)
{
    char path[PATH_MAX];
    join(path, sizeof(path), ix->archive, rel);
    cr_assert_eq(unlink(path), 0, "unlink %s: %s", path, strerror(errno));
}

void
ms_ix_settle(void)
{
    /* The window is 0.1 s where the file system keeps sub-second times. */
    struct timespec ts = {0, 150 * 1000 * 1000};
    nanosleep(&ts, NULL);
}

/* Everything 'fd' gives until end of file or an error (a terminal gives
 * EIO once the child closed it), NUL-terminated. */
static char *
read_all(int fd)
{
    size_t size = 0, capacity = 4096;
    char *data = malloc(capacity);
    cr_assert(data);
    for (ssize_t n; (n = read(fd, data + size, capacity - size - 1)) > 0;) {
        size += (size_t)n;
        if (capacity - size < 2) {
            capacity *= 2;
            data = realloc(data, capacity);
            cr_assert(data);
        }
    }
    data[size] = '\0';
    return data;
}

static char *
slurp(const char *path)
{
    int fd = open(path, O_RDONLY);
    cr_assert(fd >= 0, "cannot read %s", path);
    char *data = read_all(fd);
    close(fd);
    return data;
}

/* argv for the indexer: the binary, --config, then 'args'. */
static void
make_argv(const char **argv, size_t size, ms_ix_t *ix, const char *const *args)
{
    size_t n = 0;
    argv[n++] = INDEXER;
    argv[n++] = "--config";
    argv[n++] = ix->config;
    for (size_t i = 0; args && args[i]; i++) {
        cr_assert_lt(n + 1, size);
        argv[n++] = args[i];
    }
    argv[n] = NULL;
}

static int
exit_code(int status)
{
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Wait for the indexer 'pid' and fill *out: its exit code, its standard
 * output (the file 'out_path') and 'err' (taken). */
static void
collect(ms_ix_result_t *out, pid_t pid, const char *out_path, char *err)
{
    int status;

    cr_assert_eq(waitpid(pid, &status, 0), pid);
    memset(out, 0, sizeof(*out));
    out->status = exit_code(status);
    out->out = slurp(out_path);
    out->err = err;
    out->json = json_loads(out->out, 0, NULL);
}

void
ms_ix_run(ms_ix_result_t *out, ms_ix_t *ix, const char *const *args)
{
    const char *argv[32];
    char out_path[256], err_path[256];

    make_argv(argv, 32, ix, args);
    join(out_path, sizeof(out_path), ix->dir, "run.out");
    join(err_path, sizeof(err_path), ix->dir, "run.err");
    pid_t pid = fork();
    cr_assert(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        int o = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int e = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int in = open("/dev/null", O_RDONLY);
        if (o < 0 || e < 0 || in < 0)
            _exit(126);
        dup2(in, 0);
        dup2(o, 1);
        dup2(e, 2);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    collect(out, pid, out_path, NULL);
    out->err = slurp(err_path);
}

void
ms_ix_run_tty(ms_ix_result_t *out, ms_ix_t *ix, const char *const *args)
{
    const char *argv[32];
    char out_path[256];
    int master;

    make_argv(argv, 32, ix, args);
    join(out_path, sizeof(out_path), ix->dir, "run.out");
    pid_t pid = forkpty(&master, NULL, NULL, NULL);
    cr_assert(pid >= 0, "forkpty: %s", strerror(errno));
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        int o = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (o < 0)
            _exit(126);
        dup2(o, 1);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    /* Read the terminal until the child is gone. */
    char *text = read_all(master);
    close(master);
    collect(out, pid, out_path, text);
}

pid_t
ms_ix_spawn(ms_ix_t *ix, const char *const *args)
{
    const char *argv[32];

    make_argv(argv, 32, ix, args);
    pid_t pid = fork();
    cr_assert(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        int null = open("/dev/null", O_RDWR);
        if (null >= 0) {
            dup2(null, 0);
            dup2(null, 1);
            dup2(null, 2);
        }
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    return pid;
}

int
ms_ix_wait(pid_t pid)
{
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    return exit_code(status);
}

void
ms_ix_result_free(ms_ix_result_t *res)
{
    free(res->out);
    free(res->err);
    json_decref(res->json);
    memset(res, 0, sizeof(*res));
}

int
ms_ix_system(const char *const *argv)
{
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        if (null >= 0) {
            dup2(null, 1);
            dup2(null, 2);
        }
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    return ms_ix_wait(pid);
}

ms_index_t *
ms_ix_open(const char *path)
{
    ms_index_t *idx = NULL;
    ms_index_error_t err;
    ms_index_status_t status = ms_index_open(&idx, path, MS_INDEX_READ, &err);
    cr_assert_eq(status, MS_INDEX_OK, "open %s: %s", path, err.text);
    return idx;
}

bool
ms_ix_has(ms_index_t *idx, const char *id)
{
    ms_document_t *doc = NULL;
    ms_index_status_t status = ms_index_get(&doc, idx, id);
    cr_assert(status == MS_INDEX_OK || status == MS_INDEX_NOT_FOUND, "get %s: %s", id,
              ms_index_errmsg(idx));
    ms_document_free(doc);
    return status == MS_INDEX_OK;
}

struct id_text {
    char *text;
    size_t size, capacity;
};

static int
append_id(const char *id, void *payload)
{
    struct id_text *t = payload;
    size_t len = strlen(id);
    if (t->size + len + 2 > t->capacity) {
        t->capacity = (t->size + len + 2) * 2;
        t->text = realloc(t->text, t->capacity);
        cr_assert(t->text);
    }
    memcpy(t->text + t->size, id, len);
    t->size += len;
    t->text[t->size++] = '\n';
    t->text[t->size] = '\0';
    return 0;
}

char *
ms_ix_ids(ms_index_t *idx)
{
    struct id_text t = {0};
    cr_assert_eq(ms_index_each_id(idx, append_id, &t), MS_INDEX_OK);
    return t.text ? t.text : strdup("");
}

long long
ms_ix_count(const ms_ix_result_t *res, const char *group, const char *name)
{
    json_t *value = json_object_get(json_object_get(res->json, group), name);
    cr_assert(json_is_integer(value), "no %s.%s in the report:\n%s", group, name,
              res->out);
    return json_integer_value(value);
}

const char *
ms_ix_reason(const ms_ix_result_t *res, const char *file)
{
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(res->json, "failures"), i, item)
    {
        const char *name = json_string_value(json_object_get(item, "file"));
        if (name && strstr(name, file))
            return json_string_value(json_object_get(item, "reason"));
    }
    return NULL;
}
