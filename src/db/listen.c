/*
 * The LISTEN connection; see listen.h. It uses the bounded primitives of db_pg.c, so every
 * wait here is a poll() against a deadline or a timeout.
 */
#include "db/listen.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_pg.h"
#include "db/notifications.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/log.h"
#include "util/time.h"

struct db_listener {
    PGconn *conn;
};

/* Runs one statement without parameters before `deadline`; 0 or TS_EUNAVAIL. */
static int run(PGconn *conn, const char *sql, int64_t deadline)
{
    PGresult *r = NULL;

    if (!PQsendQuery(conn, sql)) {
        log_msg(LOG_ERROR, "db.listen", "cannot send %s: %.*s", sql,
                (int)strcspn(PQerrorMessage(conn), "\n"), PQerrorMessage(conn));
        return TS_EUNAVAIL;
    }
    int rc = db__pg_finish(conn, deadline, &r);
    if (rc == 0 && PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
        log_msg(LOG_ERROR, "db.listen", "%s failed: %.*s", sql,
                (int)strcspn(PQresultErrorMessage(r), "\n"), PQresultErrorMessage(r));
        rc = TS_EUNAVAIL;
    }
    PQclear(r);
    return rc;
}

int db_listen_open(const struct config *cfg, int timeout_ms, struct db_listener **out)
{
    int64_t deadline = time_mono_ms() + timeout_ms;
    PGconn *conn = db__pg_connect(cfg, timeout_ms, DB_LISTEN_APPLICATION);

    *out = NULL;
    if (conn == NULL)
        return TS_EUNAVAIL;
    if (run(conn, "LISTEN " DB_NOTIFICATIONS_CHANNEL, deadline) < 0) {
        PQfinish(conn);
        return TS_EUNAVAIL;
    }
    struct db_listener *l = xcalloc(1, sizeof(*l));
    l->conn = conn;
    *out = l;
    return 0;
}

/* Hands every notification libpq has parsed to fn. */
static void deliver(struct db_listener *l, db_listen_fn fn, void *arg)
{
    PGnotify *n;

    while ((n = PQnotifies(l->conn)) != NULL) {
        if (n->extra != NULL)
            fn(arg, n->extra);
        PQfreemem(n);
    }
}

static int lost(struct db_listener *l)
{
    log_msg(LOG_WARNING, "db.listen", "connection lost: %.*s",
            (int)strcspn(PQerrorMessage(l->conn), "\n"), PQerrorMessage(l->conn));
    return TS_EUNAVAIL;
}

int db_listen_wait(struct db_listener *l, int wake_fd, int timeout_ms, db_listen_fn fn, void *arg)
{
    struct pollfd p[2] = {{.fd = PQsocket(l->conn), .events = POLLIN},
                          {.fd = wake_fd, .events = POLLIN}};

    /* A ping may have read notifications already; they must not wait for the next packet. */
    deliver(l, fn, arg);
    if (PQstatus(l->conn) != CONNECTION_OK || p[0].fd < 0)
        return lost(l);
    int n = poll(p, wake_fd >= 0 ? 2 : 1, timeout_ms);
    if (n < 0 && errno != EINTR) {
        log_msg(LOG_ERROR, "db.listen", "poll: %s", strerror(errno));
        return TS_EUNAVAIL;
    }
    if (n > 0 && p[0].revents != 0) {
        /* Readable, or closed: a terminated backend sends its error and then the end. */
        if (!PQconsumeInput(l->conn))
            return lost(l);
        deliver(l, fn, arg);
    }
    return PQstatus(l->conn) == CONNECTION_OK ? 0 : lost(l);
}

int db_listen_ping(struct db_listener *l, int timeout_ms)
{
    return run(l->conn, "SELECT 1", time_mono_ms() + timeout_ms);
}

void db_listen_close(struct db_listener *l)
{
    if (l == NULL)
        return;
    PQfinish(l->conn);
    free(l);
}
