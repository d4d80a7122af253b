/*
 * The storage interface on the backend named by TS_TEST_BACKEND: bound parameters, results,
 * transactions, constraint errors, the pool's limits, and migrations.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "db/db.h"
#include "db/migrate.h"
#include "support/server.h"
#include "util/crypto.h"
#include "util/err.h"

static struct ts_server scratch; /* only its database */
static struct config cfg;
static struct db *db;

static const char *lookup(const char *name, void *ctx)
{
    (void)ctx;
    if (strcmp(name, "DATABASE_URL") == 0)
        return scratch.database_url;
    if (strcmp(name, "DB_POOL_SIZE") == 0)
        return "2";
    if (strcmp(name, "DB_TIMEOUT_MS") == 0)
        return "300";
    return NULL;
}

static void setup(void)
{
    char err[256];
    cr_assert_eq(crypto_init(), 0);
    ts_db_create(&scratch);
    cr_assert_eq(config_load(&cfg, lookup, NULL, err, sizeof(err)), 0, "%s", err);
    db = db_open(&cfg);
    struct db_conn *c;
    cr_assert_eq(db_acquire(db, &c), 0);
    cr_assert_eq(db_query(c,
                          "CREATE TABLE t (id TEXT PRIMARY KEY, n BIGINT NOT NULL, "
                          "flag BOOLEAN NOT NULL, note TEXT)",
                          DB_NO_PARAMS, NULL),
                 0);
    db_release(c);
}

static void teardown(void)
{
    db_close(db);
    ts_db_drop(&scratch);
}

TestSuite(db, .init = setup, .fini = teardown, .timeout = 60);

static int insert(struct db_conn *c, const char *id, int64_t n, bool flag, const char *note)
{
    return db_query(c, "INSERT INTO t (id, n, flag, note) VALUES ($1, $2, $3, $4)",
                    DB_PARAMS(DB_P_TEXT(id), DB_P_INT(n), DB_P_BOOL(flag), DB_P_TEXT(note)), NULL);
}

Test(db, parameters_round_trip_with_types_and_nulls)
{
    struct db_conn *c;
    struct db_res *r;
    cr_assert_eq(db_acquire(db, &c), 0);
    cr_assert_eq(insert(c, "a", INT64_MAX, true, "it's \"quoted\" $1"), 0);
    cr_assert_eq(insert(c, "b", -42, false, NULL), 0);
    cr_assert_eq(db_query(c, "SELECT id, n, flag, note FROM t WHERE n <> $1 ORDER BY id",
                          DB_PARAMS(DB_P_INT(0)), &r),
                 0);
    cr_assert_eq(r->nrows, 2);
    cr_assert_eq(r->ncols, 4);
    cr_assert_str_eq(db_text(r, 0, 0), "a");
    cr_assert_eq(db_int(r, 0, 1), INT64_MAX);
    cr_assert(db_bool(r, 0, 2));
    cr_assert_str_eq(db_text(r, 0, 3), "it's \"quoted\" $1");
    cr_assert_eq(db_int(r, 1, 1), -42);
    cr_assert_not(db_bool(r, 1, 2));
    cr_assert(db_isnull(r, 1, 3));
    db_res_free(r);
    db_release(c);
}

Test(db, placeholders_may_repeat_and_come_in_any_order)
{
    struct db_conn *c;
    struct db_res *r;
    cr_assert_eq(db_acquire(db, &c), 0);
    cr_assert_eq(insert(c, "x", 7, true, "seven"), 0);
    cr_assert_eq(db_query(c, "SELECT count(*) FROM t WHERE note = $2 AND n = $1 AND n >= $1",
                          DB_PARAMS(DB_P_INT(7), DB_P_TEXT("seven")), &r),
                 0);
    cr_assert_eq(db_int(r, 0, 0), 1);
    db_res_free(r);
    db_release(c);
}

Test(db, unique_violation_is_conflict)
{
    struct db_conn *c;
    cr_assert_eq(db_acquire(db, &c), 0);
    cr_assert_eq(insert(c, "dup", 1, true, NULL), 0);
    cr_assert_eq(insert(c, "dup", 2, true, NULL), TS_ECONFLICT);
    db_release(c);
}

Test(db, rollback_discards_and_commit_keeps)
{
    struct db_conn *c;
    struct db_res *r;
    cr_assert_eq(db_acquire(db, &c), 0);
    cr_assert_eq(db_begin_write(c), 0);
    cr_assert_eq(insert(c, "gone", 1, true, NULL), 0);
    db_rollback(c);
    cr_assert_eq(db_begin_write(c), 0);
    cr_assert_eq(insert(c, "kept", 1, true, NULL), 0);
    cr_assert_eq(db_commit(c), 0);
    cr_assert_eq(db_query(c, "SELECT id FROM t ORDER BY id", DB_NO_PARAMS, &r), 0);
    cr_assert_eq(r->nrows, 1);
    cr_assert_str_eq(db_text(r, 0, 0), "kept");
    db_res_free(r);
    db_release(c);
}

Test(db, release_rolls_back_an_open_transaction)
{
    struct db_conn *c;
    struct db_res *r;
    cr_assert_eq(db_acquire(db, &c), 0);
    cr_assert_eq(db_begin_write(c), 0);
    cr_assert_eq(insert(c, "dangling", 1, true, NULL), 0);
    db_release(c);
    cr_assert_eq(db_acquire(db, &c), 0);
    cr_assert_eq(db_query(c, "SELECT count(*) FROM t", DB_NO_PARAMS, &r), 0);
    cr_assert_eq(db_int(r, 0, 0), 0);
    db_res_free(r);
    db_release(c);
}

Test(db, affected_rows_are_reported)
{
    struct db_conn *c;
    struct db_res *r;
    cr_assert_eq(db_acquire(db, &c), 0);
    cr_assert_eq(insert(c, "1", 1, true, NULL), 0);
    cr_assert_eq(insert(c, "2", 1, true, NULL), 0);
    cr_assert_eq(db_query(c, "UPDATE t SET n = n + 1 WHERE n = $1", DB_PARAMS(DB_P_INT(1)), &r), 0);
    cr_assert_eq(r->affected, 2);
    db_res_free(r);
    db_release(c);
}

Test(db, syntax_error_is_edb)
{
    struct db_conn *c;
    cr_assert_eq(db_acquire(db, &c), 0);
    cr_assert_eq(db_query(c, "SELEC nonsense", DB_NO_PARAMS, NULL), TS_EDB);
    db_release(c);
}

Test(db, exhausted_pool_is_unavailable_after_the_timeout)
{
    struct db_conn *a, *b, *c;
    struct db_stats st;
    cr_assert_eq(db_acquire(db, &a), 0);
    cr_assert_eq(db_acquire(db, &b), 0);
    db_get_stats(db, &st);
    cr_assert_eq(st.in_use, 2);
    cr_assert_eq(st.size, 2);
    cr_assert_eq(db_acquire(db, &c), TS_EUNAVAIL);
    db_release(a);
    cr_assert_eq(db_acquire(db, &c), 0, "a released connection is lent again");
    db_release(b);
    db_release(c);
    db_get_stats(db, &st);
    cr_assert_eq(st.in_use, 0);
    cr_assert_eq(st.idle, 2);
}

static void *hold_briefly(void *arg)
{
    struct db_conn *c = arg;
    struct timespec ts = {0, 100 * 1000 * 1000};
    nanosleep(&ts, NULL);
    db_release(c);
    return NULL;
}

Test(db, waiter_gets_a_connection_released_within_the_timeout)
{
    struct db_conn *a, *b, *c;
    pthread_t t;
    cr_assert_eq(db_acquire(db, &a), 0);
    cr_assert_eq(db_acquire(db, &b), 0);
    pthread_create(&t, NULL, hold_briefly, a);
    cr_assert_eq(db_acquire(db, &c), 0);
    pthread_join(t, NULL);
    db_release(b);
    db_release(c);
}

Test(db, unreachable_database_is_unavailable_and_trips_the_breaker)
{
    struct config bad = cfg;
    snprintf(bad.database_url, sizeof(bad.database_url), "postgresql://nobody@127.0.0.1:%d/none",
             ts_free_port());
    bad.backend = DB_POSTGRES;
    struct db *down = db_open(&bad);
    struct db_conn *c;
    struct db_stats st;
    for (int i = 0; i < 5; i++)
        cr_assert_eq(db_acquire(down, &c), TS_EUNAVAIL);
    db_get_stats(down, &st);
    cr_assert_not(st.up);
    /* Open breaker: fails without trying, so even an impossible deadline is met. */
    cr_assert_eq(db_acquire(down, &c), TS_EUNAVAIL);
    db_close(down);
}

static int known_count(void)
{
    int n = 0;
    const struct migration_file *f = ts_backend_is_pg() ? migrations_postgres : migrations_sqlite;
    while (f[n].name != NULL)
        n++;
    return n;
}

Test(db, migrations_apply_revert_and_report)
{
    int pending = -1;
    int known = known_count();
    cr_assert_geq(known, 2);
    cr_assert_eq(db_migrate_pending(db, &pending), 0);
    cr_assert_eq(pending, known);
    cr_assert_eq(db_migrate_up(db, NULL), 0);
    cr_assert_eq(db_migrate_pending(db, &pending), 0);
    cr_assert_eq(pending, 0);
    struct db_conn *c;
    struct db_res *r;
    cr_assert_eq(db_acquire(db, &c), 0);
    cr_assert_eq(db_query(c, "SELECT value FROM app_meta WHERE key = $1",
                          DB_PARAMS(DB_P_TEXT("schema_created_at")), &r),
                 0);
    cr_assert_eq(r->nrows, 1);
    cr_assert_eq(strlen(db_text(r, 0, 0)), 24, "%s", db_text(r, 0, 0));
    db_res_free(r);
    db_release(c);
    cr_assert_eq(db_migrate_down(db, 1, NULL), 0);
    cr_assert_eq(db_migrate_pending(db, &pending), 0);
    cr_assert_eq(pending, 1, "down reverts one by default");
    cr_assert_eq(db_migrate_down(db, 1000, NULL), 0);
    cr_assert_eq(db_migrate_pending(db, &pending), 0);
    cr_assert_eq(pending, known);
}
