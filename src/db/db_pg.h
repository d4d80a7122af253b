/*
 * Folder-internal: the bounded libpq primitives of db_pg.c, for the other code of db/ that
 * needs a PostgreSQL connection of its own outside the pool (listen.c). Every wait is a poll()
 * against a deadline, as described at the top of db_pg.c.
 */
#ifndef TS_DB_DB_PG_H
#define TS_DB_DB_PG_H

#include <stdint.h>

#include <libpq-fe.h>

#include "db/db.h"

/*
 * Opens a connection to cfg->database_url within `timeout_ms` (TCP, TLS and startup), named
 * `application_name` in pg_stat_activity, with statement_timeout = DB_TIMEOUT_MS. The
 * connection is in non-blocking mode, so no later libpq call waits on its socket by itself
 * (PQfinish() included), and server notices go to the log. Returns NULL (logged) on failure.
 * Caller closes it with PQfinish().
 */
PGconn *db__pg_connect(const struct config *cfg, int timeout_ms, const char *application_name);

/*
 * Sends what is queued on `conn` (after PQsendQuery() and friends) and collects the last
 * result, waiting at most until `deadline` (time_mono_ms()). 0 with *out set (caller
 * PQclear()s it; it may be an error result), or TS_EUNAVAIL (logged) when the deadline passed
 * or the connection was lost; the connection is then unusable.
 */
int db__pg_finish(PGconn *conn, int64_t deadline, PGresult **out);

#endif
