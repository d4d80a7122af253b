/*
 * PostgreSQL backend through libpq, for production and scale-out.
 *
 * Every call is bounded in time. libpq's blocking calls can wait forever on a database host
 * that stopped answering (connect_timeout has whole-second granularity and a 2 s minimum, and
 * a query has no client-side timeout at all), so connecting and querying use libpq's
 * asynchronous API and poll() the socket against a deadline. The server-side
 * statement_timeout (DB_TIMEOUT_MS, set at connect) ends slow statements with SQLSTATE 57014;
 * the client-side deadline (a little longer) catches a dead server or network and marks the
 * connection broken so the pool drops it.
 *
 * No other libpq call may wait on the socket: PQcancel() and PQreset() are never used (both
 * block on a new connection to the same silent host), and PQfinish() only queues its Terminate
 * message, because every connection is in non-blocking mode from the moment it is open.
 */
#include "db/db_pg.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/err.h"
#include "util/log.h"
#include "util/time.h"

/* Slack between the server's statement_timeout and our own deadline. */
#define CLIENT_SLACK_MS 250

/* Statements prepared on this connection, by SQL text. Storage code passes a few dozen
 * distinct statements, so each is parsed and planned once per connection instead of once per
 * call (the extended protocol's unnamed statement is re-parsed every time). */
#define PG_STMT_CACHE 128

struct pg_stmt {
    char *sql; /* NULL when the slot is free */
    char name[16];
};

struct pg {
    PGconn *conn;
    bool broken;
    int statement_timeout_ms; /* the session's statement_timeout now */
    int nstmts;
    struct pg_stmt stmts[PG_STMT_CACHE];
};

/* Waits until the socket is ready for `events` or the deadline passes; 0, or -1 on timeout. */
static int wait_socket(PGconn *conn, short events, int64_t deadline)
{
    struct pollfd pfd = {.fd = PQsocket(conn), .events = events};

    for (;;) {
        int left = (int)(deadline - time_mono_ms());
        if (left <= 0)
            return -1;
        int n = poll(&pfd, 1, left);
        if (n > 0)
            return 0;
        if (n < 0 && errno != EINTR)
            return -1;
    }
}

/* Server notices (e.g. "terminating connection due to administrator command") go to the log
 * instead of libpq's default, which prints them raw on stderr. */
static void notice_to_log(void *arg, const char *message)
{
    (void)arg;
    /* Plain notices ("relation already exists, skipping") are routine. */
    log_msg(strncmp(message, "NOTICE:", 7) == 0 ? LOG_DEBUG : LOG_WARNING, "db.pg",
            "server notice: %.*s", (int)strcspn(message, "\n"), message);
}

PGconn *db__pg_connect(const struct config *cfg, int timeout_ms, const char *application_name)
{
    char options[128];
    int64_t deadline = time_mono_ms() + timeout_ms;

    /* jit=off: PostgreSQL decides to compile a statement from its cost estimate, and the
     * analytics statements' (db/analytics.c) are inflated by the default estimate of 100 rows
     * per set-returning function call, so every execution was compiled with inlining and
     * optimisation: 200-300 ms to save less (docs/PERFORMANCE.md, "Analytics"). The server's
     * other statements are short indexed reads and writes, which compilation never pays for. */
    /* READ COMMITTED whatever the database's default: the writes rely on each statement
     * seeing what committed before it started (a check-in's or an assignment's conflict
     * answered with the winner's id, the streak runs read after the streak row's lock). */
    snprintf(options, sizeof(options),
             "-c statement_timeout=%d -c jit=off -c default_transaction_isolation=read\\ committed",
             cfg->db_timeout_ms);
    /* Keywords after "dbname" override what the URL says. */
    const char *keys[] = {"dbname", "application_name", "options", NULL};
    const char *vals[] = {cfg->database_url, application_name, options, NULL};
    PGconn *conn = PQconnectStartParams(keys, vals, 1);

    if (conn == NULL)
        return NULL;
    PostgresPollingStatusType st = PGRES_POLLING_WRITING;
    while (st != PGRES_POLLING_OK && st != PGRES_POLLING_FAILED) {
        short ev = st == PGRES_POLLING_READING ? POLLIN : POLLOUT;
        if (PQstatus(conn) == CONNECTION_BAD || wait_socket(conn, ev, deadline) < 0) {
            st = PGRES_POLLING_FAILED;
            break;
        }
        st = PQconnectPoll(conn);
    }
    if (st != PGRES_POLLING_OK || PQstatus(conn) != CONNECTION_OK) {
        /* After a timeout libpq's message names the server but gives no reason. */
        const char *msg = PQerrorMessage(conn);
        int len = (int)strcspn(msg, "\n");
        while (len > 0 && msg[len - 1] == ' ')
            len--;
        log_msg(LOG_ERROR, "db.pg", "cannot connect within %d ms: %.*s%s", timeout_ms, len, msg,
                time_mono_ms() >= deadline ? " (no answer before the deadline)" : "");
        /* Does not block: libpq's socket is non-blocking at the system level, and no Terminate
         * message is sent before the startup has finished. */
        PQfinish(conn);
        return NULL;
    }
    /* From here on libpq never waits on the socket by itself, PQfinish() included. */
    PQsetnonblocking(conn, 1);
    PQsetNoticeProcessor(conn, notice_to_log, NULL);
    return conn;
}

static int pg_connect(const struct config *cfg, int timeout_ms, void **handle)
{
    PGconn *conn = db__pg_connect(cfg, timeout_ms, "trainsmart");

    if (conn == NULL)
        return TS_EUNAVAIL;
    struct pg *p = xcalloc(1, sizeof(*p));
    p->conn = conn;
    p->statement_timeout_ms = cfg->db_timeout_ms; /* set at connect */
    *handle = p;
    return 0;
}

static void pg_disconnect(void *handle)
{
    struct pg *p = handle;

    if (p == NULL)
        return;
    PQfinish(p->conn);
    for (int i = 0; i < p->nstmts; i++)
        free(p->stmts[i].sql);
    free(p);
}

static bool pg_is_broken(void *handle)
{
    struct pg *p = handle;

    return p->broken || PQstatus(p->conn) != CONNECTION_OK;
}

/* Maps a failed result to an error code and logs it once. */
static int result_error(struct pg *p, PGresult *r)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = r ? PQresultErrorMessage(r) : PQerrorMessage(p->conn);

    if (state != NULL && strcmp(state, "23505") == 0)
        return TS_ECONFLICT;
    if (PQstatus(p->conn) != CONNECTION_OK || state == NULL || strncmp(state, "08", 2) == 0 ||
        strncmp(state, "57P", 3) == 0) {
        p->broken = true;
        log_msg(LOG_ERROR, "db.pg", "connection lost: %.*s", (int)strcspn(msg, "\n"), msg);
        return TS_EUNAVAIL;
    }
    /* 57014 statement timeout, 40001/40P01 serialization failure or deadlock, 55P03 lock
     * not available: transient, answered 503 so the client retries. */
    if (strcmp(state, "57014") == 0 || strncmp(state, "40", 2) == 0 ||
        strcmp(state, "55P03") == 0) {
        log_msg(LOG_WARNING, "db.pg", "transient failure %s: %.*s", state, (int)strcspn(msg, "\n"),
                msg);
        return TS_EUNAVAIL;
    }
    log_msg(LOG_ERROR, "db.pg", "query failed %s: %.*s", state, (int)strcspn(msg, "\n"), msg);
    return TS_EDB;
}

int db__pg_finish(PGconn *conn, int64_t deadline, PGresult **out)
{
    PGresult *last = NULL;
    int flush;

    /* libpq's rule for non-blocking sends: wait for either direction, and read what arrives
     * so the server is never blocked writing to us while we write to it. */
    while ((flush = PQflush(conn)) == 1) {
        if (wait_socket(conn, POLLOUT | POLLIN, deadline) < 0)
            goto timeout;
        if (!PQconsumeInput(conn))
            goto lost;
    }
    if (flush < 0)
        goto lost;
    for (;;) {
        while (PQisBusy(conn)) {
            if (wait_socket(conn, POLLIN, deadline) < 0)
                goto timeout;
            if (!PQconsumeInput(conn))
                goto lost;
        }
        PGresult *r = PQgetResult(conn);
        if (r == NULL)
            break;
        PQclear(last);
        last = r;
    }
    *out = last;
    return 0;
timeout:
    /* No PQcancel(): it opens a second connection to the same host and waits, without any
     * bound, for the server to close it, so a silent host would hold this thread forever.
     * libpq 15 has no non-blocking cancel, and the request could not wait for one anyway.
     * The connection is dropped instead; statement_timeout ends the statement on the server
     * if it is still running there. */
    PQclear(last);
    log_msg(LOG_ERROR, "db.pg", "no answer from the database before the deadline");
    return TS_EUNAVAIL;
lost:
    PQclear(last);
    log_msg(LOG_ERROR, "db.pg", "connection lost: %.*s", (int)strcspn(PQerrorMessage(conn), "\n"),
            PQerrorMessage(conn));
    return TS_EUNAVAIL;
}

/* db__pg_finish() on a pooled connection, which a failure leaves broken for the pool. */
static int finish(struct pg *p, int64_t deadline, PGresult **out)
{
    int rc = db__pg_finish(p->conn, deadline, out);

    if (rc < 0)
        p->broken = true;
    return rc;
}

static void free_pgresult(void *owner)
{
    PQclear(owner);
}

/*
 * The name of `sql` prepared on this connection, preparing it first when it is new; NULL when
 * the cache is full (the caller then sends the statement unnamed). 0, or an error code.
 */
static int prepared(struct pg *p, int64_t deadline, const char *sql, const char **name)
{
    PGresult *r = NULL;

    *name = NULL;
    for (int i = 0; i < p->nstmts; i++)
        if (strcmp(p->stmts[i].sql, sql) == 0) {
            *name = p->stmts[i].name;
            return 0;
        }
    if (p->nstmts == PG_STMT_CACHE)
        return 0;
    struct pg_stmt *st = &p->stmts[p->nstmts];
    snprintf(st->name, sizeof(st->name), "ts%d", p->nstmts);
    if (!PQsendPrepare(p->conn, st->name, sql, 0, NULL))
        return result_error(p, NULL);
    int rc = finish(p, deadline, &r);
    if (rc == 0 && PQresultStatus(r) != PGRES_COMMAND_OK)
        rc = result_error(p, r);
    PQclear(r);
    if (rc < 0)
        return rc;
    st->sql = xstrdup(sql);
    p->nstmts++;
    *name = st->name;
    return 0;
}

/* Runs `sql` (prepared once per connection) with text `values` until `deadline`; 0 with its
 * result in *out, or the error, the result freed. */
static int execute(struct pg *p, int64_t deadline, const char *sql, int nparams,
                   const char *const *values, PGresult **out)
{
    const char *name = NULL;
    int rc = prepared(p, deadline, sql, &name);
    if (rc < 0)
        return rc;
    int sent = name != NULL ? PQsendQueryPrepared(p->conn, name, nparams, values, NULL, NULL, 0)
                            : PQsendQueryParams(p->conn, sql, nparams, NULL, values, NULL, NULL, 0);
    if (!sent) {
        p->broken = PQstatus(p->conn) != CONNECTION_OK;
        return result_error(p, NULL);
    }
    rc = finish(p, deadline, out);
    if (rc < 0)
        return rc;
    ExecStatusType st = PQresultStatus(*out);
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
        rc = result_error(p, *out);
        PQclear(*out);
        *out = NULL;
        return rc;
    }
    return 0;
}

/*
 * Makes the session's statement_timeout `ms` (db.c shortens it for a request that waited long
 * for the pool, and restores it for the next one). It runs before the request's first
 * statement, outside any transaction, so a rollback never undoes it.
 */
static int set_statement_timeout(struct pg *p, int ms, int64_t deadline)
{
    char value[24];
    const char *const values[1] = {value};
    PGresult *r = NULL;

    snprintf(value, sizeof(value), "%d", ms);
    int rc =
        execute(p, deadline, "SELECT set_config('statement_timeout', $1, false)", 1, values, &r);
    if (rc < 0)
        return rc;
    PQclear(r);
    p->statement_timeout_ms = ms;
    return 0;
}

static int pg_query(void *handle, int timeout_ms, const char *sql, const struct db_param *params,
                    int nparams, struct db_res *res)
{
    struct pg *p = handle;
    int64_t deadline = time_mono_ms() + timeout_ms + CLIENT_SLACK_MS;
    const char *values[nparams > 0 ? nparams : 1];
    char ints[nparams > 0 ? nparams : 1][24];
    PGresult *r = NULL;
    int rc;

    for (int i = 0; i < nparams; i++) {
        switch (params[i].type) {
        case DBP_INT:
            snprintf(ints[i], sizeof(ints[i]), "%lld", (long long)params[i].i);
            values[i] = ints[i];
            break;
        case DBP_BOOL:
            values[i] = params[i].i ? "true" : "false";
            break;
        case DBP_TEXT:
            values[i] = params[i].s;
            break;
        default:
            values[i] = NULL;
        }
    }
    if (timeout_ms != p->statement_timeout_ms &&
        (rc = set_statement_timeout(p, timeout_ms, deadline)) < 0)
        return rc;
    if ((rc = execute(p, deadline, sql, nparams, values, &r)) < 0)
        return rc;
    if (res == NULL) {
        PQclear(r);
        return 0;
    }
    res->nrows = PQntuples(r);
    res->ncols = PQnfields(r);
    res->affected = strtoll(PQcmdTuples(r), NULL, 10);
    size_t n = (size_t)res->nrows * (size_t)res->ncols;
    res->cells = xcalloc(n ? n : 1, sizeof(char *));
    for (int row = 0; row < res->nrows; row++)
        for (int col = 0; col < res->ncols; col++)
            res->cells[row * res->ncols + col] =
                PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col);
    res->owner = r;
    res->free_owner = free_pgresult;
    return 0;
}

static int pg_exec_script(void *handle, int timeout_ms, const char *sql)
{
    struct pg *p = handle;
    int64_t deadline = time_mono_ms() + timeout_ms;
    PGresult *r = NULL;
    int rc;

    /* The simple query protocol runs several statements in one implicit transaction. */
    if (!PQsendQuery(p->conn, sql))
        return result_error(p, NULL);
    rc = finish(p, deadline, &r);
    if (rc < 0)
        return rc;
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK && st != PGRES_EMPTY_QUERY)
        rc = result_error(p, r);
    PQclear(r);
    return rc;
}

const struct db_ops db_pg_ops = {
    .name = "postgres",
    .connect = pg_connect,
    .disconnect = pg_disconnect,
    .query = pg_query,
    .exec_script = pg_exec_script,
    .is_broken = pg_is_broken,
    .begin_write_sql = "BEGIN",
};
