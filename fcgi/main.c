/* main.c - migsearch-fcgi: arguments, config, signals and the lifecycle
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * main() loads the config, opens or inherits the listening socket
 * (socket.c), starts the workers (server.c, which serve requests through
 * serve.c) and then only waits for signals.
 *
 * Threads. The main thread blocks SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2
 * and SIGPIPE before it starts any worker, so every thread inherits the
 * mask and the signals are only ever taken by the main thread's sigwait()
 * loop. That keeps libfcgi's own SIGTERM handler out of the picture and
 * lets signal work (reload, shutdown) run as ordinary code rather than in
 * a handler. SIGUSR1, which libfcgi's handler would turn into
 * FCGX_ShutdownPending(), is ignored (see "Shutdown" in server.c).
 *
 * Reload. Configs are never freed before exit: SIGHUP loads the file
 * again and publishes a new generation (the running settings with the
 * new search.* and log.* values) through an atomic pointer. Workers read
 * the pointer once per request, so a request sees one consistent config
 * and no lock is taken on the request path. Reloads are rare, so keeping
 * every generation until exit costs nothing worth freeing.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "ms_answers.h"
#include "ms_log.h"
#include "ms_net.h"
#include "ms_response.h"
#include "ms_server.h"

#define DEFAULT_CONFIG MS_CONFIG_DEFAULT_PATH

static const char usage_text[] =
    "usage: migsearch-fcgi [--config PATH] [--check-config] [--socket PATH] [--help]\n"
    "       migsearch-fcgi --version\n"
    "\n"
    "  --config PATH   configuration file (default " DEFAULT_CONFIG ")\n"
    "  --check-config  load and validate the configuration, then exit\n"
    "  --socket PATH   listen on this unix socket instead of server.socket\n"
    "                  (and instead of server.listen's TCP address)\n"
    "  --help          show this help\n"
    "  --version       show the version\n"
    "\n"
    "A listening socket on file descriptor 0 (as spawn-fcgi passes it) is served\n"
    "instead of server.socket, server.listen and --socket, and left to its owner\n"
    "at exit; a TCP one serves only the peers of server.allow_addresses.\n";

/* What the command line asked for. */
struct options {
    const char *config_path;
    const char *socket; /* --socket, or NULL */
    bool check_only;
};

/* Read the command line into 'opts'. Returns -1 to go on, else the exit
 * status (0 after --help, 2 on a usage error). */
static int
parse_args(struct options *opts, int argc, char **argv)
{
    opts->config_path = DEFAULT_CONFIG;
    opts->socket = NULL;
    opts->check_only = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage_text, stdout);
            return 0;
        } else if (strcmp(argv[i], "--version") == 0) {
            printf("migsearch-fcgi %s\n", MS_VERSION);
            return 0;
        } else if (strcmp(argv[i], "--check-config") == 0) {
            opts->check_only = true;
        } else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
            opts->config_path = argv[++i];
        } else if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc) {
            opts->socket = argv[++i];
        } else {
            fprintf(stderr, "migsearch-fcgi: unknown or incomplete option '%s'\n%s",
                    argv[i], usage_text);
            return 2;
        }
    }
    return -1;
}

static int
names_shard_0(unsigned shard, const char *endpoint, size_t length, void *payload)
{
    (void)endpoint;
    (void)length;
    (void)payload;
    return shard == 0;
}

/* Shard 0 holds the spelling of every shard (docs/index-schema.md,
 * "Spelling"), and xapian-tcpsrv serves no spelling table: served
 * remotely, it leaves searches without did-you-mean. Said once, at start. */
static void
warn_remote_shard_0(const ms_config_t *cfg)
{
    char reason[160];

    if (cfg->index.remote && ms_net_each_shard(cfg->index.remote, names_shard_0, NULL,
                                               reason, sizeof(reason)) == 1)
        ms_log(MS_LOG_WARN, "index.remote serves shard 0: searches offer no did-you-mean "
                            "(xapian-tcpsrv serves no spelling table; keep shard 0 "
                            "under index.path, docs/admins.md \"Shards\")");
}

/* Load server->config_path into server->base. Returns -1 to go on, else
 * the exit status (0 after a good --check-config, 2 for a bad config). */
static int
load_config(ms_server_t *server, bool check_only)
{
    ms_config_error_t err;
    char message[600];

    if (ms_config_load(&server->base, server->config_path, &err) != 0) {
        ms_file_error_format(&err, message, sizeof(message));
        if (check_only)
            fprintf(stderr, "%s\n", message);
        else
            ms_log(MS_LOG_ERR, "invalid config: %s", message);
        return 2;
    }
    if (check_only) {
        printf("%s: ok\n", server->config_path);
        ms_config_free(server->base);
        server->base = NULL;
        return 0;
    }
    ms_log_init("fcgi", server->base->log.level);
    warn_remote_shard_0(server->base);
    return -1;
}

/* Publish 'cfg' (a copy of the startup config, perhaps with reloaded
 * sections) as the config of the next requests. Aborts on OOM. */
static void
publish(ms_server_t *server, const ms_config_t *cfg)
{
    ms_generation_t *gen = malloc(sizeof(*gen));

    if (gen == NULL) {
        ms_log(MS_LOG_ERR, "out of memory");
        abort();
    }
    gen->cfg = *cfg;
    gen->older = atomic_load(&server->current);
    atomic_store(&server->current, gen);
}

/* SIGHUP: publish the reloaded search.* and log.* settings, or keep the
 * running config when the file is invalid. */
static void
reload(ms_server_t *server)
{
    ms_config_t *fresh = NULL, cfg;
    ms_config_error_t err;
    char message[600];

    if (ms_config_load(&fresh, server->config_path, &err) != 0) {
        ms_log(MS_LOG_ERR, "config reload failed, keeping the running config: %s",
               ms_file_error_format(&err, message, sizeof(message)));
        return;
    }
    cfg = *server->base;
    cfg.search = fresh->search;
    cfg.log = fresh->log;
    ms_config_free(fresh);
    publish(server, &cfg);
    ms_log_set_threshold(cfg.log.level);
    ms_log(MS_LOG_INFO,
           "config reloaded path=%s (search.* and log.* applied; other "
           "settings need a restart)",
           server->config_path);
}

/* Decide which socket to serve: the one inherited on fd 0 (described in
 * 'inherited', which must live as long as 'server'), else --socket, else
 * the TCP address server.listen, else server.socket, checked. Returns 0,
 * or 2 for a usage error. */
static int
choose_socket(ms_server_t *server, const char *option, char *inherited, size_t size,
              bool *has_group, gid_t *gid)
{
    const char *listen = server->base->server.listen;

    server->socket_path = option != NULL ? option : server->base->server.socket;
    *has_group = false;
    if (ms_socket_inherited(inherited, size)) {
        if (option != NULL)
            ms_log(MS_LOG_WARN, "--socket ignored: serving the socket inherited on fd 0");
        server->socket_path = inherited;
        server->socket_inherited = true;
        return 0;
    }
    if (option == NULL && listen[0] != '\0') {
        server->socket_path = listen; /* checked by the config already */
        server->tcp = true;
        return 0;
    }
    if (ms_socket_check(server->socket_path, server->base->server.socket_group, has_group,
                        gid) != 0)
        return 2;
    return 0;
}

/* Block the signals the main thread waits for (see "Threads" above) and
 * leave in 'signals' those sigwait() takes. */
static void
block_signals(sigset_t *signals)
{
    sigemptyset(signals);
    sigaddset(signals, SIGTERM);
    sigaddset(signals, SIGINT);
    sigaddset(signals, SIGHUP);
    sigaddset(signals, SIGUSR1);
    sigaddset(signals, SIGUSR2);
    sigaddset(signals, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, signals, NULL);
    sigdelset(signals, SIGPIPE);
}

/* Everything before the first request: the socket, libfcgi, the workers.
 * Returns 0, or the exit status of a failure (1, or 2 for a usage
 * error). */
static int
start(ms_server_t *server, const char *socket_option, char *inherited, size_t size,
      sigset_t *signals)
{
    const ms_config_t *cfg = server->base;
    bool has_group = false;
    gid_t gid = 0;

    if (cfg->server.threads == 0) {
        ms_log(MS_LOG_ERR, "server.threads must be at least 1");
        return 2;
    }
    if (choose_socket(server, socket_option, inherited, size, &has_group, &gid) != 0)
        return 2;
    publish(server, cfg);
    if (ms_server_init_sync(server) != 0) {
        ms_log(MS_LOG_ERR, "cannot initialise thread synchronisation");
        return 1;
    }
    /* Before FCGX_Init and before any thread exists. */
    block_signals(signals);
    if (FCGX_Init() != 0) {
        ms_log(MS_LOG_ERR, "cannot initialise libfcgi");
        return 1;
    }
    if (server->socket_inherited)
        server->listen_fd = 0;
    else if (server->tcp ? ms_socket_open_tcp(server, cfg) != 0
                         : ms_socket_open(server, cfg, has_group, gid) != 0)
        return 1;
    if (ms_socket_nonblocking(server->listen_fd) != 0)
        return 1;
    if (ms_conn_policy_init(server, cfg) != 0)
        return 1;
    if (pipe(server->wake) != 0) {
        ms_log(MS_LOG_ERR, "pipe: %s", strerror(errno));
        return 1;
    }
    ms_server_check_file_limit(cfg->server.threads);
    if (ms_server_start(server, cfg->server.threads) != 0)
        return 1;
    ms_log(MS_LOG_INFO, "listening socket=%s threads=%u index=%s version=%s",
           server->socket_path, cfg->server.threads, cfg->index.path, MS_VERSION);
    return 0;
}

/* Serve until a signal says stop. Returns the exit status: 0 after
 * SIGTERM or SIGINT, 1 when a worker died. */
static int
wait_for_signals(ms_server_t *server, const sigset_t *signals)
{
    for (;;) {
        int sig;

        if (sigwait(signals, &sig) != 0)
            continue;
        if (sig == SIGHUP) {
            reload(server);
            continue;
        }
        if (sig == SIGUSR1) {
            ms_log(MS_LOG_WARN, "SIGUSR1 ignored; SIGTERM stops the server");
            continue;
        }
        if (sig == SIGUSR2) {
            if (!atomic_load(&server->worker_failed))
                continue;
            ms_log(MS_LOG_ERR, "a worker thread stopped; exiting with status 1 so that "
                               "the supervisor starts a complete server");
            return 1;
        }
        ms_log(MS_LOG_INFO, "shutting down signal=%s", sig == SIGTERM ? "TERM" : "INT");
        return 0;
    }
}

/* Stop the workers and release everything; returns 'status'. */
static int
finish(ms_server_t *server, int status)
{
    if (server->n_started > 0 && !ms_server_stop(server)) {
        ms_log(MS_LOG_WARN, "workers still busy after %ld ms; exiting anyway",
               MS_SERVER_JOIN_TIMEOUT_NS / 1000000L);
        if (server->socket_owned)
            unlink(server->socket_path);
        /* Busy threads still use the index handles and the config, so
         * nothing may be freed: leave without running any cleanup. */
        _exit(status);
    }
    for (unsigned i = 0; server->slots != NULL && i < server->n_started; i++)
        ms_worker_fini(&server->slots[i].worker);
    free(server->slots);
    ms_answers_free(server->answers);
    if (server->listen_fd >= 0)
        close(server->listen_fd);
    if (server->socket_owned)
        unlink(server->socket_path);
    for (int i = 0; i < 2; i++) {
        if (server->wake[i] >= 0)
            close(server->wake[i]);
    }
    for (ms_generation_t *gen = atomic_load(&server->current); gen != NULL;) {
        ms_generation_t *older = gen->older;

        free(gen);
        gen = older;
    }
    ms_config_free(server->base);
    if (status == 0)
        ms_log(MS_LOG_INFO, "stopped");
    return status;
}

int
main(int argc, char **argv)
{
    ms_server_t server;
    struct options opts;
    sigset_t signals;
    char inherited[160];
    int status;

    memset(&server, 0, sizeof(server));
    server.listen_fd = -1;
    server.wake[0] = server.wake[1] = -1;
    server.main_thread = pthread_self();
    atomic_init(&server.current, NULL);
    atomic_init(&server.stopping, false);
    atomic_init(&server.worker_failed, false);
    atomic_init(&server.accept_logged_ms, LLONG_MIN / 2);
    ms_log_init("fcgi", MS_LOG_INFO);

    status = parse_args(&opts, argc, argv);
    if (status >= 0)
        return status;
    server.config_path = opts.config_path;
    status = load_config(&server, opts.check_only);
    if (status >= 0)
        return status;
    status = start(&server, opts.socket, inherited, sizeof(inherited), &signals);
    if (status == 0)
        status = wait_for_signals(&server, &signals);
    return finish(&server, status);
}
