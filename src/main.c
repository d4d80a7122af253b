/*
 * trainsmart: command-line entry point (API.md §15). Argument parsing and dispatch only.
 *
 * Exit codes: 0 success, 1 runtime failure (database error, invalid input), 2 usage or
 * configuration error (message on stderr).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/module_cache.h"
#include "cli_admin.h"
#include "cli_demo.h"
#include "config.h"
#include "db/db.h"
#include "db/migrate.h"
#include "http/openapi.h"
#include "http/server.h"
#include "scheduler.h"
#include "util/crypto.h"
#include "util/err.h"
#include "util/log.h"
#include "util/time.h"

enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

/* Of SHUTDOWN_GRACE_SECONDS, what `serve` keeps for exiting after its threads have stopped
 * (closing the pool, writing the last log lines). */
#define EXIT_MARGIN_MS 250

static const char usage_text[] =
    "usage: trainsmart <command> [args]\n"
    "\n"
    "commands:\n"
    "  serve                  start the HTTP server on HOST:PORT\n"
    "  migrate up             apply all pending migrations\n"
    "  migrate down [N]       revert the last N applied migrations (default 1)\n"
    "  migrate status         list migrations as <version>\\t<name>\\t<applied|pending>\n"
    "  create-admin --email EMAIL [--display-name NAME] [--timezone TZ]\n"
    "                         create or promote an admin; password from\n"
    "                         TRAINSMART_ADMIN_PASSWORD or the first line of stdin\n"
    "  seed-demo              load the demo modules (once)\n"
    "  version                print the version\n"
    "  openapi                print the OpenAPI document of the API (JSON), as\n"
    "                         GET /openapi.json serves it\n"
    "  help, --help           print this help\n"
    "\n"
    "Configuration comes from environment variables; see README.md.\n";

static int usage_error(const char *msg)
{
    if (msg != NULL)
        fprintf(stderr, "trainsmart: %s\n", msg);
    fputs(usage_text, stderr);
    return EXIT_USAGE;
}

/* Every command but help validates the configuration (§16), also those that use none of it;
 * exit code on failure (message on stderr), else 0. */
static int config_check(void)
{
    struct config cfg;
    char err[256];

    if (config_load(&cfg, NULL, NULL, err, sizeof(err)) < 0) {
        fprintf(stderr, "trainsmart: %s\n", err);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

/* The OpenAPI document on stdout, without a database: the web app's build generates its API
 * types from it (web/), so it needs no running server. */
static int cmd_openapi(void)
{
    size_t len;
    const char *doc;

    if (config_check() != EXIT_OK)
        return EXIT_USAGE;
    doc = openapi_text(&len);
    if (fwrite(doc, 1, len, stdout) != len || putchar('\n') == EOF || fflush(stdout) != 0) {
        fprintf(stderr, "trainsmart: cannot write the document to stdout\n");
        return EXIT_RUNTIME;
    }
    return EXIT_OK;
}

/* Loads the configuration and opens the pool; exit code on failure, else 0. */
static int setup(struct config *cfg, struct db **db)
{
    char err[256];

    if (config_load(cfg, NULL, NULL, err, sizeof(err)) < 0) {
        fprintf(stderr, "trainsmart: %s\n", err);
        return EXIT_USAGE;
    }
    log_set_level((enum log_level)cfg->log_level);
    log_set_cloud_project(cfg->google_cloud_project);
    if (cfg->fault_clock_file[0] != '\0') {
        time_use_fault_clock(cfg->fault_clock_file);
        log_msg(LOG_WARNING, "main",
                "FAULT_CLOCK_FILE is set: the clock is read from a file (tests only)");
    }
#ifdef TS_CHEAP_PWHASH
    log_msg(LOG_WARNING, "main",
            "built with TS_CHEAP_PWHASH: password hashes are weak (fuzz and valgrind builds only)");
#endif
    if (crypto_init() < 0) {
        fprintf(stderr, "trainsmart: cannot initialise libsodium\n");
        return EXIT_RUNTIME;
    }
    *db = db_open(cfg);
    return EXIT_OK;
}

static int cmd_migrate(int argc, char **argv)
{
    struct config cfg;
    struct db *db = NULL;
    int n = 1;
    int rc;

    if (argc < 3 || (strcmp(argv[2], "up") != 0 && strcmp(argv[2], "down") != 0 &&
                     strcmp(argv[2], "status") != 0))
        return usage_error("migrate needs up, down [N] or status");
    if (strcmp(argv[2], "down") == 0 && argc > 3) {
        char *end;
        long v = strtol(argv[3], &end, 10);
        if (*argv[3] == '\0' || *end != '\0' || v < 1 || v > 100000)
            return usage_error("migrate down takes a positive number");
        n = (int)v;
    }
    if ((argc > 3 && strcmp(argv[2], "down") != 0) || argc > 4)
        return usage_error("too many arguments");
    rc = setup(&cfg, &db);
    if (rc != EXIT_OK)
        return rc;
    if (strcmp(argv[2], "up") == 0)
        rc = db_migrate_up(db, stdout);
    else if (strcmp(argv[2], "down") == 0)
        rc = db_migrate_down(db, n, stdout);
    else
        rc = db_migrate_status(db, stdout);
    db_close(db);
    if (rc < 0) {
        fprintf(stderr, "trainsmart: migrate %s failed: %s\n", argv[2],
                rc == TS_EUNAVAIL    ? "database unavailable"
                : rc == TS_ECONFLICT ? "the database has migrations newer than this binary"
                                     : "database error");
        return EXIT_RUNTIME;
    }
    return EXIT_OK;
}

static int cmd_create_admin(int argc, char **argv)
{
    struct config cfg;
    struct db *db = NULL;
    struct arena a;
    int rc = setup(&cfg, &db);

    if (rc != EXIT_OK)
        return rc;
    arena_init(&a);
    rc = cli_create_admin(db, &a, argc - 2, argv + 2);
    arena_free(&a);
    db_close(db);
    if (rc == CLI_USAGE)
        return usage_error("create-admin needs --email EMAIL [--display-name NAME] "
                           "[--timezone TZ]");
    return rc;
}

static int cmd_seed_demo(int argc)
{
    struct config cfg;
    struct db *db = NULL;
    struct arena a;
    int rc;

    if (argc != 2)
        return usage_error("seed-demo takes no arguments");
    rc = setup(&cfg, &db);
    if (rc != EXIT_OK)
        return rc;
    arena_init(&a);
    rc = cli_seed_demo(db, &a);
    arena_free(&a);
    db_close(db);
    return rc;
}

/* Blocks the stop signals in every thread; the main thread waits for them with sigwait. */
static void block_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGINT);
    pthread_sigmask(SIG_BLOCK, set, NULL);
    signal(SIGPIPE, SIG_IGN);
}

/* The server of an exit that abandons a thread still using it (below): the kernel reclaims it
 * with the process. Kept here so that it stays reachable, not "definitely lost" to a leak
 * checker once the compiler has dropped the local pointer (scripts/valgrind.sh). */
static struct http_server *volatile abandoned_server;

/* Ends `serve` at once with exit code 0 while a thread still waits on the database (§17: the
 * exit always comes within the grace time): its connection closes with the process, and the
 * database rolls back whatever it had not committed. */
static _Noreturn void exit_abandoning(struct http_server *srv, const char *why)
{
    abandoned_server = srv;
    log_msg(LOG_WARNING, "main", "%s", why);
    _exit(EXIT_OK);
}

static int cmd_serve(void)
{
    struct config cfg;
    struct db *db = NULL;
    struct db_conn *c = NULL;
    sigset_t set;
    int sig = 0;
    int rc = setup(&cfg, &db);

    if (rc != EXIT_OK)
        return rc;
    if (cfg.on_cloud_run && cfg.backend == DB_SQLITE) {
        fprintf(stderr, "trainsmart: K_SERVICE is set (Cloud Run): instance storage there is in "
                        "memory and lost on restart; set DATABASE_URL to a PostgreSQL database\n");
        db_close(db);
        return EXIT_USAGE;
    }
    block_signals(&set);
    if (cfg.auto_migrate && db_migrate_up(db, NULL) < 0) {
        log_msg(LOG_ERROR, "main", "cannot apply migrations; not starting");
        db_close(db);
        return EXIT_RUNTIME;
    }
    /* On SQLite this creates the database file when it is missing. */
    if (cfg.backend == DB_SQLITE && db_acquire(db, &c) == 0)
        db_release(c);
    struct http_server *srv = http_server_start(&cfg, db);
    if (srv == NULL) {
        db_close(db);
        return EXIT_RUNTIME;
    }
    log_msg(LOG_INFO, "main",
            "trainsmart %s listening on %s:%d (%s, %d worker threads, %d I/O threads)", TS_VERSION,
            cfg.host, http_server_port(srv), db_backend(db) == DB_POSTGRES ? "postgres" : "sqlite",
            cfg.worker_threads, cfg.io_threads);
    struct scheduler *sched = scheduler_start(&cfg, db);
    if (sched == NULL) {
        http_server_shutdown(srv, 0);
        http_server_free(srv);
        db_close(db);
        return EXIT_RUNTIME;
    }
    while (sigwait(&set, &sig) != 0)
        ;
    /* §17: the process is gone within SHUTDOWN_GRACE_SECONDS; EXIT_MARGIN_MS of it are for
     * closing the pool and the last log lines after the threads have stopped. */
    int64_t exit_by = time_mono_ms() + (int64_t)cfg.shutdown_grace_seconds * 1000 - EXIT_MARGIN_MS;
    log_msg(LOG_INFO, "main", "received signal %d; draining for up to %d s", sig,
            cfg.shutdown_grace_seconds - 1);
    /* The scheduler ends its statement while requests drain; it is joined before the server
     * is freed (a reminder it commits meanwhile is still announced to the stream hub) and
     * before the pool closes. A request or a scan still waiting on the database at exit_by
     * is not waited for: the process exits without it (exit_abandoning()). */
    scheduler_request_stop(sched);
    if (!http_server_shutdown(srv, exit_by))
        exit_abandoning(srv, "requests still running at the end of the grace time; "
                             "exiting without them");
    if (!scheduler_stop(sched, exit_by))
        exit_abandoning(srv, "the due-soon scan still running at the end of the grace time; "
                             "exiting without it");
    http_server_free(srv);
    api_module_cache_clear();
    db_close(db);
    log_msg(LOG_INFO, "main", "stopped");
    return EXIT_OK;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage_error(NULL);
    const char *cmd = argv[1];
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        fputs(usage_text, stdout);
        return EXIT_OK;
    }
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        if (config_check() != EXIT_OK)
            return EXIT_USAGE;
        printf("trainsmart %s\n", TS_VERSION);
        return EXIT_OK;
    }
    if (strcmp(cmd, "serve") != 0)
        log_set_fd(2); /* stdout carries the command's own output */
    if (strcmp(cmd, "openapi") == 0)
        return argc == 2 ? cmd_openapi() : usage_error("openapi takes no arguments");
    if (strcmp(cmd, "serve") == 0)
        return argc == 2 ? cmd_serve() : usage_error("serve takes no arguments");
    if (strcmp(cmd, "migrate") == 0)
        return cmd_migrate(argc, argv);
    if (strcmp(cmd, "create-admin") == 0)
        return cmd_create_admin(argc, argv);
    if (strcmp(cmd, "seed-demo") == 0)
        return cmd_seed_demo(argc);
    char msg[128];
    snprintf(msg, sizeof(msg), "unknown command '%.64s'", cmd);
    return usage_error(msg);
}
