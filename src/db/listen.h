/*
 * A PostgreSQL connection that LISTENs on the notifications channel (API.md §12 fan-out).
 *
 * It is opened outside the pool, since it is held for the life of the process and answers no
 * request, and it never waits without a bound: connecting, LISTEN and the liveness ping each
 * get a deadline, and waiting for notifications is a poll() with a timeout that also watches a
 * descriptor of the caller's, so a stop request ends the wait at once. Only the thread that
 * opened a listener uses it. The payloads are those of db_notifications_insert():
 * "<user_id>:<seq>". PostgreSQL only.
 */
#ifndef TS_DB_LISTEN_H
#define TS_DB_LISTEN_H

#include "config.h"

struct db_listener;

/* The application_name of the listening connection in pg_stat_activity. */
#define DB_LISTEN_APPLICATION "trainsmart-listen"

/* Called with each notification's payload (borrowed for the call). */
typedef void (*db_listen_fn)(void *arg, const char *payload);

/*
 * Connects to cfg->database_url and runs LISTEN trainsmart_notifications, within `timeout_ms`
 * in all. 0 with *out set (close it with db_listen_close()), or TS_EUNAVAIL (logged).
 */
int db_listen_open(const struct config *cfg, int timeout_ms, struct db_listener **out);

/*
 * Waits up to `timeout_ms` until notifications arrive or `wake_fd` (-1: none) is readable,
 * then calls fn(arg, payload) for every notification received so far. Returns 0, or
 * TS_EUNAVAIL when the connection was lost (the listener must then be closed and reopened).
 */
int db_listen_wait(struct db_listener *l, int wake_fd, int timeout_ms, db_listen_fn fn, void *arg);

/*
 * A round trip on the connection, answered within `timeout_ms`: it finds a connection the
 * network lost silently (no FIN, no RST), on which db_listen_wait() would only ever time out.
 * Notifications that arrive meanwhile are kept for the next db_listen_wait(). 0 or
 * TS_EUNAVAIL.
 */
int db_listen_ping(struct db_listener *l, int timeout_ms);

/* Closes the connection without waiting. NULL is fine. */
void db_listen_close(struct db_listener *l);

#endif
