/*
 * db/progress.c on the backend named by TS_TEST_BACKEND: the compare-and-swap on `version`
 * that makes exactly one of several writers of one version win (the comment that opens
 * src/db/progress.c), for the first write (INSERT) and for later ones (conditional UPDATE),
 * also when the losing writer runs while the winner's transaction is still open.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "db/progress.h"
#include "support/store.h"
#include "util/err.h"

static struct ts_store st;

#define LEARNER "11111111-1111-4111-8111-111111111111"
#define AUTHOR "22222222-2222-4222-8222-222222222222"
#define MODULE "33333333-3333-4333-8333-333333333333"
#define NOW 1800000000000LL

static void setup(void)
{
    /* The blocked writer below waits on SQLite's busy timeout: ample, and bounded. */
    ts_store_open(&st, "10000");
    ts_store_add_user(&st, LEARNER, "lee@example.com", "Lee", ROLE_LEARNER, NOW);
    ts_store_add_user(&st, AUTHOR, "ada@example.com", "Ada", ROLE_AUTHOR, NOW);
    ts_store_add_module(&st, MODULE, AUTHOR, NOW);
}

static void teardown(void)
{
    ts_store_close(&st);
}

TestSuite(progress_store, .init = setup, .fini = teardown, .timeout = 60);

/* Version `version` of the learner's record, with a document naming it (text in `a`). */
static struct progress_rec record_in(struct arena *a, int version, int percent)
{
    struct progress_rec p = {.status = PROGRESS_IN_PROGRESS,
                             .percent = percent,
                             .version = version,
                             .started_at = NOW,
                             .updated_at = NOW + version};
    snprintf(p.user_id, sizeof(p.user_id), "%s", LEARNER);
    snprintf(p.module_id, sizeof(p.module_id), "%s", MODULE);
    p.data = arena_printf(a, "{\"v\":%d}", version);
    return p;
}

static struct progress_rec record(int version, int percent)
{
    return record_in(&st.arena, version, percent);
}

/* The "v" of a stored document (jsonb on PostgreSQL reformats the text). */
static int doc_version(const char *data)
{
    json_t *doc = json_loads(data, 0, NULL);
    int v = (int)json_integer_value(json_object_get(doc, "v"));
    json_decref(doc);
    return v;
}

static struct progress_rec stored(void)
{
    struct progress_rec p;
    cr_assert_eq(db_progress_get(st.conn, &st.arena, LEARNER, MODULE, false, &p), 0);
    return p;
}

Test(progress_store, first_write_inserts_once)
{
    struct progress_rec v1 = record(1, 10), other = record(1, 99);

    cr_assert_eq(db_progress_write(st.conn, &v1, 0), 0);
    cr_assert_eq(db_progress_write(st.conn, &other, 0), TS_ECONFLICT,
                 "a second first write loses on the primary key");
    struct progress_rec now = stored();
    cr_assert_eq(now.version, 1);
    cr_assert_eq(now.percent, 10, "the loser changed nothing");
}

Test(progress_store, update_needs_the_stored_version)
{
    struct progress_rec v1 = record(1, 10), v2 = record(2, 20), stale = record(2, 77);

    cr_assert_eq(db_progress_write(st.conn, &v1, 0), 0);
    cr_assert_eq(db_progress_write(st.conn, &v2, 1), 0);
    cr_assert_eq(db_progress_write(st.conn, &stale, 1), TS_ECONFLICT, "version 1 is gone");
    struct progress_rec v3 = record(3, 30);
    cr_assert_eq(db_progress_write(st.conn, &v3, 5), TS_ECONFLICT, "a version from the future");
    struct progress_rec now = stored();
    cr_assert_eq(now.version, 2);
    cr_assert_eq(now.percent, 20);
    cr_assert_eq(doc_version(now.data), 2);
}

Test(progress_store, no_record_means_any_update_conflicts)
{
    struct progress_rec v2 = record(2, 20);
    struct progress_rec none;

    cr_assert_eq(db_progress_write(st.conn, &v2, 1), TS_ECONFLICT);
    cr_assert_eq(db_progress_get(st.conn, &st.arena, LEARNER, MODULE, false, &none), TS_ENOTFOUND);
}

struct racer {
    int rc; /* 1 until the writer is done; read and written atomically */
};

/* The second writer of version 1, on its own connection, while the first is uncommitted. */
static void *late_writer(void *arg)
{
    struct racer *rc = arg;
    struct db_conn *c = NULL;
    struct arena a;

    arena_init(&a);
    int got = db_acquire(st.db, &c);
    if (got == 0) {
        struct progress_rec late = record_in(&a, 2, 55);
        got = db_progress_write(c, &late, 1);
    }
    db_release(c);
    __atomic_store_n(&rc->rc, got, __ATOMIC_SEQ_CST);
    arena_free(&a);
    return NULL;
}

Test(progress_store, writer_blocked_by_an_open_winner_loses_after_its_commit)
{
    struct progress_rec v1 = record(1, 10), v2 = record(2, 20);
    struct racer racer = {.rc = 1};
    pthread_t t;

    cr_assert_eq(db_progress_write(st.conn, &v1, 0), 0);
    cr_assert_eq(db_begin_write(st.conn), 0);
    cr_assert_eq(db_progress_write(st.conn, &v2, 1), 0);
    cr_assert_eq(pthread_create(&t, NULL, late_writer, &racer), 0);
    usleep(300 * 1000); /* the late writer is now waiting for the row or the write lock */
    cr_assert_eq(__atomic_load_n(&racer.rc, __ATOMIC_SEQ_CST), 1,
                 "the late writer must wait, not finish, while the winner is open");
    cr_assert_eq(db_commit(st.conn), 0);
    pthread_join(t, NULL);
    cr_assert_eq(racer.rc, TS_ECONFLICT, "got %d", racer.rc);
    struct progress_rec now = stored();
    cr_assert_eq(now.version, 2);
    cr_assert_eq(now.percent, 20);
    cr_assert_eq(doc_version(now.data), 2);
}
