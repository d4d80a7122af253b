/*
 * API test harness: starts the real `trainsmart serve` on a free port with a fresh database of
 * the backend named by TS_TEST_BACKEND ("sqlite" or "postgres"; PostgreSQL databases are
 * created in the cluster at TS_TEST_PG_URL), and talks to it over HTTP with libcurl or over a
 * raw socket.
 *
 * No process started here outlives the test process that started it, however the test ends:
 * ts_server_stop() is bounded and always reaps, servers and clusters a test leaves running are
 * stopped when its process exits, and every child is killed by the kernel when its parent dies
 * (server.c, "child processes"). Start and stop servers, clusters and CLI runs from the test's
 * own thread; ts_http() and the socket helpers may be called from several threads at once.
 */
#ifndef TS_TEST_SERVER_H
#define TS_TEST_SERVER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct ts_server {
    pid_t pid;
    int port;
    char dir[128];          /* scratch directory: database file, log */
    char log_path[256];     /* the server's stdout and stderr */
    char database_url[512]; /* what the server was given */
    char pg_db[64];         /* PostgreSQL database to drop afterwards, or "" */
};

/* True when TS_TEST_BACKEND is "postgres". */
bool ts_backend_is_pg(void);

/*
 * Creates a fresh directory `<root>/<name>.XXXXXX` and writes its path into `dir`. The root is
 * TS_TEST_RUN_DIR, which scripts/test.sh sets and removes at the end of the run, or /tmp.
 * Asserts that it worked. The caller removes the directory.
 */
void ts_scratch_dir(char *dir, size_t size, const char *name);

/*
 * The trainsmart binary that servers and CLI runs start: $TS_TEST_BINARY when set and not
 * empty (scripts/test.sh points it at a ThreadSanitizer build for a second pass of the API
 * tests), else the build's own binary (TS_BINARY). Borrowed; thread safe.
 */
const char *ts_binary(void);

/*
 * $TS_SERVER_WRAPPER, when set and not empty, is a command prefix (words separated by spaces,
 * the first an absolute path) that servers and ts_run_cli() runs are started under:
 * scripts/valgrind.sh sets it to valgrind's memcheck. The start and stop bounds of
 * ts_server_start() and ts_server_stop() are then ten times longer.
 */

/* Creates a fresh database and fills s->database_url (no server started). */
void ts_db_create(struct ts_server *s);
void ts_db_drop(struct ts_server *s);

/*
 * Starts `trainsmart serve` with a fresh database and waits until /healthz answers.
 * `env` is a NULL-terminated list of extra "NAME=value" settings (may be NULL). Aborts the
 * test (cr_assert) when the server does not come up, after stopping it. A server the test has
 * not stopped when its process exits is stopped then, and its database and directory removed;
 * one whose test process dies is killed by the kernel (SIGKILL).
 */
void ts_server_start(struct ts_server *s, const char *const *env);

/* Starts the server on an existing database (s->database_url already set). */
void ts_server_start_on(struct ts_server *s, const char *const *env);

/* Sends SIGTERM, waits up to 20 s (200 s with a wrapper) for the exit, then sends SIGKILL; reaps
 * the process either way and returns its exit status (-1 if a signal ended it). Drops the database
 * and scratch directory. A test that waits for its server's exit itself sets s->pid to 0 before
 * calling this or ts_db_drop(). */
int ts_server_stop(struct ts_server *s);

/*
 * Runs `trainsmart <args...>` to completion with the given environment additions; returns the
 * exit code, and captures stdout and stderr (caller frees) when the pointers are not NULL.
 * The command is killed (SIGKILL) if the test process dies while it runs.
 */
int ts_run_cli(const char *const *args, const char *const *env, char **out, char **err);

/* Runs any program the same way: `argv` is NULL-terminated, argv[0] a path (execve(), no PATH
 * search; "/usr/bin/env" finds one on PATH). */
int ts_run(const char *const *argv, const char *const *env, char **out, char **err);

/*
 * Runs `scripts/pg-cluster.sh <cmd> <dir> <port>` ("start", "stop", "kill", "restart-fast" or
 * "restart-immediate"); returns system()'s status. A cluster started here and not stopped or
 * killed again (a restart keeps it started) is killed when the test process exits; for a
 * test process that dies, scripts/test.sh stops every cluster left under TS_TEST_RUN_DIR, so
 * keep `dir` inside a ts_scratch_dir() directory.
 */
int ts_pg_cluster(const char *cmd, const char *dir, int port);

/* Reads the server's log so far (caller frees). */
char *ts_server_log(const struct ts_server *s);

/* The server's access line (msg "request") of the request with X-Request-ID `request_id`,
 * parsed (caller decrefs). Waits up to 2 s for it: it is written when the request completes,
 * just after the reply. Fails the test when there is none. */
json_t *ts_access_line(const struct ts_server *s, const char *request_id);

struct ts_resp {
    long status;
    char *body;    /* NUL terminated */
    char *headers; /* raw header block */
    json_t *json;  /* parsed body, or NULL */
};

/*
 * One HTTP request. `headers` is a NULL-terminated list of "Name: value" lines (may be NULL);
 * `body` may be NULL. Asserts that the transfer itself worked.
 */
void ts_http(const struct ts_server *s, const char *method, const char *path,
             const char *const *headers, const char *body, struct ts_resp *out);

/* A reply header's value (first occurrence, case-insensitive name), copied into a static
 * thread-local buffer; NULL when absent. */
const char *ts_header(const struct ts_resp *r, const char *name);

void ts_resp_free(struct ts_resp *r);

/* Asserts that r->json equals the JSON text `expected`. */
void ts_assert_json(const struct ts_resp *r, const char *expected);

/* True when the 422 body of r lists an item with this loc (JSON text) and type. */
bool ts_has_error(const struct ts_resp *r, const char *loc, const char *type);

/*
 * Raw socket: connects to the server, sends `data`, then reads until the server closes the
 * connection or `timeout_ms` passes. Returns what was received (caller frees).
 */
char *ts_raw(const struct ts_server *s, const char *data, size_t len, int timeout_ms);

/* A connected raw socket to the server, or -1. */
int ts_connect(const struct ts_server *s);

/* Sends `data` on `fd` and reads until the server closes it or `timeout_ms` passes (caller
 * frees; the socket stays open). */
char *ts_exchange(int fd, const char *data, int timeout_ms);

/* The "paths" object of the server's GET /openapi.json, the route table as the server
 * documents it (caller decrefs); asserts a 200. */
json_t *ts_openapi_paths(const struct ts_server *s);

/* Counts the occurrences of `needle` in `hay`. */
int ts_count(const char *hay, const char *needle);

/* The monotonic clock in milliseconds, for test deadlines and durations. */
int64_t ts_mono_ms(void);

/* Sleeps `ms` milliseconds. */
void ts_sleep_ms(int ms);

/* A TCP port free on 127.0.0.1. */
int ts_free_port(void);

/* Writes `text` to `path` beside it and renames it over, so a reader (the server polling
 * FAULT_CLOCK_FILE, say) never sees half a file. Asserts that it worked. */
void ts_write_file_atomic(const char *path, const char *text);

/* A libcurl write or header callback appending to a struct ts_sink (NUL-terminated). */
struct ts_sink {
    char *p;
    size_t n;
};
size_t ts_sink_collect(char *data, size_t size, size_t nmemb, void *userp);

#endif
