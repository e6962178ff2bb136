/* lock.c - the lock file that keeps a second migsearch-index out
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * The lock is flock(LOCK_EX | LOCK_NB) on "<index>.lock", held for the
 * whole run, so a second indexer stops at once (exit 4) having changed
 * nothing. flock belongs to the open file, which fork shares: the workers
 * of a parallel rebuild hold it with the parent, and no second indexer
 * can start while one of them still runs. The kernel lets go when the
 * last holder dies, kill -9 included, so no stale lock is ever left.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "lock.h"
#include "ms_buf.h"
#include "ms_log.h"
#include "report.h"

char *
ms_run_lock_path(const char *path)
{
    ms_buf_t lock = MS_BUF_INIT;
    size_t len = strlen(path);

    while (len > 1 && path[len - 1] == '/')
        len--;
    ms_buf_append(&lock, path, len);
    ms_buf_puts(&lock, ".lock");
    return ms_buf_take(&lock, NULL);
}

int
ms_run_lock_take(int *out, const char *index_path)
{
    char *path = ms_run_lock_path(index_path);
    int rc = MS_EXIT_RUNTIME;

    *out = -1;
    if (!path) {
        ms_log(MS_LOG_ERR, "out of memory");
        return rc;
    }
    *out = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (*out < 0) {
        ms_log(MS_LOG_ERR, "cannot open the lock file %s: %s", path, strerror(errno));
    } else if (flock(*out, LOCK_EX | LOCK_NB) == 0) {
        rc = MS_EXIT_OK;
    } else {
        if (errno == EWOULDBLOCK) {
            ms_log(MS_LOG_ERR, "another migsearch-index is already running on %s",
                   index_path);
            rc = MS_EXIT_LOCKED;
        } else {
            ms_log(MS_LOG_ERR, "cannot lock %s: %s", path, strerror(errno));
        }
        close(*out);
        *out = -1;
    }
    free(path);
    return rc;
}
