/*
 * A scratch database opened through the storage interface, migrated, with one connection held:
 * the fixture of the storage unit tests (tests/unit/db/), on the backend TS_TEST_BACKEND names.
 */
#ifndef TS_TEST_STORE_H
#define TS_TEST_STORE_H

#include "db/db.h"
#include "model/module.h"
#include "model/user.h"
#include "support/server.h"

struct ts_store {
    struct ts_server scratch; /* only its database */
    struct config cfg;
    struct db *db;
    struct db_conn *conn; /* held from open to close */
    struct arena arena;   /* for loaded rows; freed by close */
    bool attached;        /* ts_store_attach(): the database is the server's, not dropped */
};

/* Creates, opens and migrates a fresh database with DB_TIMEOUT_MS `timeout_ms` (NULL: the
 * default) and holds one connection. Asserts on failure. */
void ts_store_open(struct ts_store *s, const char *timeout_ms);
void ts_store_close(struct ts_store *s);

/* Opens the database of the running server `server` (no migration; close leaves it in place)
 * and holds one connection: what the server stored, read through the storage interface. */
void ts_store_attach(struct ts_store *s, const struct ts_server *server);

/* Inserts an active user / a published linear module of `author_id` created at `now_ms`. */
void ts_store_add_user(struct ts_store *s, const char *id, const char *email, const char *name,
                       enum user_role role, int64_t now_ms);
void ts_store_add_module(struct ts_store *s, const char *id, const char *author_id, int64_t now_ms);

#endif
