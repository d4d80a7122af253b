/*
 * Schema migrations; see migrate.h.
 *
 * Sections: the embedded file list; the lock; up, down, status, pending.
 *
 * Concurrency: on PostgreSQL, every migrating instance takes one session-level advisory lock
 * first and reads the applied set only after holding it, so two instances never apply the same
 * migration. On SQLite each migration runs in a BEGIN IMMEDIATE transaction that re-checks the
 * applied set, which the database's single write lock serialises. Each migration's up or down
 * part runs in one transaction together with its schema_migrations row, so a failed migration
 * leaves nothing behind.
 */
#include "db/migrate.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/arena.h"
#include "util/err.h"
#include "util/log.h"
#include "util/time.h"

#define PG_MIGRATION_LOCK 7283041 /* arbitrary, fixed advisory lock key */
#define MAX_MIGRATIONS 1000

struct mig {
    int version;
    const char *name; /* after the "NNNN_" prefix */
    char *up;
    char *down;
};

struct mig_list {
    struct mig items[MAX_MIGRATIONS];
    int n;
};

/* Splits a file into its up and down parts at the marker lines. */
static void split_file(const char *sql, char **up, char **down)
{
    const char *u = strstr(sql, "-- migrate:up");
    const char *d = strstr(sql, "-- migrate:down");

    u = u ? u + strlen("-- migrate:up") : sql;
    if (d != NULL && d > u) {
        *up = strndup(u, (size_t)(d - u));
        *down = strdup(d + strlen("-- migrate:down"));
    } else {
        *up = strdup(u);
        *down = strdup("");
    }
    if (*up == NULL || *down == NULL)
        abort();
}

static struct mig_list lists[2]; /* [0] sqlite, [1] postgres; parsed once, never freed */
static pthread_once_t lists_once = PTHREAD_ONCE_INIT;

static void parse_files(const struct migration_file *f, struct mig_list *l)
{
    for (; f->name != NULL && l->n < MAX_MIGRATIONS; f++) {
        struct mig *m = &l->items[l->n++];
        m->version = atoi(f->name);
        const char *us = strchr(f->name, '_');
        m->name = us ? us + 1 : f->name;
        split_file(f->sql, &m->up, &m->down);
    }
}

static void parse_all(void)
{
    parse_files(migrations_sqlite, &lists[0]);
    parse_files(migrations_postgres, &lists[1]);
}

/* The migrations of db's backend, in version order (borrowed, process lifetime). */
static const struct mig_list *known(struct db *db)
{
    pthread_once(&lists_once, parse_all);
    return &lists[db_backend(db) == DB_POSTGRES ? 1 : 0];
}

static int ensure_table(struct db_conn *c)
{
    return db_query(c,
                    "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, "
                    "name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
                    DB_NO_PARAMS, NULL);
}

static int is_applied(struct db_conn *c, int version, bool *applied)
{
    struct db_res *r = NULL;
    int rc = db_query(c, "SELECT 1 FROM schema_migrations WHERE version = $1",
                      DB_PARAMS(DB_P_INT(version)), &r);

    if (rc == 0)
        *applied = r->nrows > 0;
    db_res_free(r);
    return rc;
}

static int lock(struct db_conn *c)
{
    if (db_backend(db_conn_pool(c)) != DB_POSTGRES)
        return 0;
    /* Poll instead of blocking in pg_advisory_lock(), which statement_timeout would end. */
    for (int tries = 0; tries < 3000; tries++) {
        struct db_res *r = NULL;
        int rc = db_query(c, "SELECT pg_try_advisory_lock($1)",
                          DB_PARAMS(DB_P_INT(PG_MIGRATION_LOCK)), &r);
        bool got = rc == 0 && db_bool(r, 0, 0);
        db_res_free(r);
        if (rc < 0)
            return rc;
        if (got)
            return 0;
        usleep(100 * 1000);
    }
    log_msg(LOG_ERROR, "migrate", "another instance held the migration lock for 5 minutes");
    return TS_EUNAVAIL;
}

static void unlock(struct db_conn *c)
{
    if (db_backend(db_conn_pool(c)) == DB_POSTGRES)
        db_query(c, "SELECT pg_advisory_unlock($1)", DB_PARAMS(DB_P_INT(PG_MIGRATION_LOCK)), NULL);
}

/* Runs one part of a migration and its bookkeeping in one transaction. */
static int run_step(struct db_conn *c, const struct mig *m, bool up, bool *done)
{
    bool applied = false;
    int rc = db_begin_write(c);

    *done = false;
    if (rc < 0)
        return rc;
    if (db_backend(db_conn_pool(c)) == DB_POSTGRES)
        rc = db_query(c, "SET LOCAL statement_timeout = 0", DB_NO_PARAMS, NULL);
    if (rc == 0)
        rc = is_applied(c, m->version, &applied);
    if (rc < 0 || applied == up)
        goto out; /* another instance got there first */
    rc = db_exec_script(c, up ? m->up : m->down);
    if (rc == 0 && up)
        rc = db_query(
            c, "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
            DB_PARAMS(DB_P_INT(m->version), DB_P_TEXT(m->name), DB_P_INT(time_now_ms())), NULL);
    else if (rc == 0)
        rc = db_query(c, "DELETE FROM schema_migrations WHERE version = $1",
                      DB_PARAMS(DB_P_INT(m->version)), NULL);
    if (rc < 0)
        goto out;
    rc = db_commit(c);
    *done = rc == 0;
    return rc;
out:
    db_rollback(c);
    return rc;
}

/* Acquires a connection, creates the bookkeeping table and takes the migration lock. */
static int open_locked(struct db *db, struct db_conn **out)
{
    struct db_conn *c = NULL;
    int rc = db_acquire(db, &c);

    if (rc < 0)
        return rc;
    rc = lock(c);
    if (rc == 0) {
        rc = ensure_table(c);
        if (rc < 0)
            unlock(c);
    }
    if (rc < 0) {
        db_release(c);
        return rc;
    }
    *out = c;
    return 0;
}

static void close_locked(struct db_conn *c)
{
    unlock(c);
    db_release(c);
}

int db_migrate_up(struct db *db, FILE *out)
{
    const struct mig_list *l = known(db);
    struct db_conn *c = NULL;
    int rc;

    rc = open_locked(db, &c);
    for (int i = 0; rc == 0 && i < l->n; i++) {
        const struct mig *m = &l->items[i];
        bool done;
        rc = run_step(c, m, true, &done);
        if (rc == 0 && done) {
            log_msg(LOG_INFO, "migrate", "applied migration %04d_%s", m->version, m->name);
            if (out != NULL)
                fprintf(out, "applied %04d_%s\n", m->version, m->name);
        }
    }
    if (c != NULL)
        close_locked(c);
    return rc;
}

/* Reads the applied versions into `applied` (indexes of l); a missing table = none applied.
 * `unknown` (may be NULL) receives an applied version this binary does not know, else 0. */
static int read_applied(struct db_conn *c, const struct mig_list *l, bool *applied,
                        int64_t *unknown)
{
    const char *exists_sql = db_backend(db_conn_pool(c)) == DB_POSTGRES
                                 ? "SELECT to_regclass('schema_migrations') IS NOT NULL"
                                 : "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                                   "AND name = 'schema_migrations'";
    struct db_res *r = NULL;
    int rc = db_query(c, exists_sql, DB_NO_PARAMS, &r);

    if (unknown != NULL)
        *unknown = 0;
    if (rc < 0 || !db_bool(r, 0, 0))
        goto out;
    db_res_free(r);
    r = NULL;
    rc = db_query(c, "SELECT version FROM schema_migrations", DB_NO_PARAMS, &r);
    for (int row = 0; rc == 0 && row < r->nrows; row++) {
        int64_t version = db_int(r, row, 0);
        int i = 0;
        while (i < l->n && l->items[i].version != version)
            i++;
        if (i < l->n)
            applied[i] = true;
        else if (unknown != NULL)
            *unknown = version;
    }
out:
    db_res_free(r);
    return rc;
}

/*
 * Refuses a `down` by a binary older than the database: with a migration applied that this
 * binary does not know, "the last N" would be this binary's newest ones, under the unknown one
 * (the image of an earlier release run against the current schema, the rollback mistake
 * docs/OPERATIONS.md warns about). TS_ECONFLICT, logged with the version.
 */
static int check_none_unknown(struct db_conn *c, const struct mig_list *l)
{
    bool applied[MAX_MIGRATIONS] = {0};
    int64_t unknown;
    int rc = read_applied(c, l, applied, &unknown);

    if (rc == 0 && unknown != 0) {
        log_msg(LOG_ERROR, "migrate",
                "the database has migration %04lld applied, which this binary does not know "
                "(it knows up to %04d); revert it with the release that added it",
                (long long)unknown, l->n > 0 ? l->items[l->n - 1].version : 0);
        rc = TS_ECONFLICT;
    }
    return rc;
}

int db_migrate_down(struct db *db, int n, FILE *out)
{
    const struct mig_list *l = known(db);
    struct db_conn *c = NULL;
    int rc;

    rc = open_locked(db, &c);
    if (rc == 0)
        rc = check_none_unknown(c, l);
    for (int i = l->n - 1; rc == 0 && i >= 0 && n > 0; i--) {
        const struct mig *m = &l->items[i];
        bool done;
        rc = run_step(c, m, false, &done);
        if (rc == 0 && done) {
            n--;
            log_msg(LOG_INFO, "migrate", "reverted migration %04d_%s", m->version, m->name);
            if (out != NULL)
                fprintf(out, "reverted %04d_%s\n", m->version, m->name);
        }
    }
    if (c != NULL)
        close_locked(c);
    return rc;
}

static int with_applied(struct db *db, const struct mig_list *l, bool *applied)
{
    struct db_conn *c = NULL;
    int rc = db_acquire(db, &c);

    if (rc < 0)
        return rc;
    rc = read_applied(c, l, applied, NULL);
    db_release(c);
    return rc;
}

int db_migrate_status(struct db *db, FILE *out)
{
    const struct mig_list *l = known(db);
    bool applied[MAX_MIGRATIONS] = {0};
    int rc;

    rc = with_applied(db, l, applied);
    for (int i = 0; rc == 0 && i < l->n; i++)
        fprintf(out, "%04d\t%s\t%s\n", l->items[i].version, l->items[i].name,
                applied[i] ? "applied" : "pending");
    return rc;
}

int db_migrate_pending(struct db *db, int *pending)
{
    const struct mig_list *l = known(db);
    bool applied[MAX_MIGRATIONS] = {0};
    int rc;

    rc = with_applied(db, l, applied);
    *pending = 0;
    for (int i = 0; i < l->n; i++)
        *pending += !applied[i];
    return rc;
}
