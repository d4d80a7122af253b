/*
 * API test harness: starts the real `trainsmart serve` on a free port with a fresh database of
 * the backend named by TS_TEST_BACKEND ("sqlite" or "postgres"; PostgreSQL databases are
 * created in the cluster at TS_TEST_PG_URL), and talks to it over HTTP with libcurl or over a
 * raw socket.
 */
#ifndef TS_TEST_SERVER_H
#define TS_TEST_SERVER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
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

/* Creates a fresh database and fills s->database_url (no server started). */
void ts_db_create(struct ts_server *s);
void ts_db_drop(struct ts_server *s);

/*
 * Starts `trainsmart serve` with a fresh database and waits until /healthz answers.
 * `env` is a NULL-terminated list of extra "NAME=value" settings (may be NULL). Aborts the
 * test (cr_assert) when the server does not come up.
 */
void ts_server_start(struct ts_server *s, const char *const *env);

/* Starts the server on an existing database (s->database_url already set). */
void ts_server_start_on(struct ts_server *s, const char *const *env);

/* Sends SIGTERM, waits for the exit and returns the exit status (-1 if killed by a signal or
 * still alive after 20 s). Drops the database and scratch directory. */
int ts_server_stop(struct ts_server *s);

/*
 * Runs `trainsmart <args...>` to completion with the given environment additions; returns the
 * exit code, and captures stdout and stderr (caller frees) when the pointers are not NULL.
 */
int ts_run_cli(const char *const *args, const char *const *env, char **out, char **err);

/* Reads the server's log so far (caller frees). */
char *ts_server_log(const struct ts_server *s);

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

/* Counts the occurrences of `needle` in `hay`. */
int ts_count(const char *hay, const char *needle);

/* A TCP port free on 127.0.0.1. */
int ts_free_port(void);

#endif
