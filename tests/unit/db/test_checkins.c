/*
 * db/checkins.c on the backend named by TS_TEST_BACKEND: one check-in per (user, day), and the
 * streak state (runs, longest) that the creating transactions keep, also when two check-ins of
 * one user on adjacent days are written at once (possible through a time zone change): the
 * second waits for the first's lock on the streak row and then joins its run.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "db/checkins.h"
#include "domain/checkin.h"
#include "support/store.h"

static struct ts_store st;

#define LEARNER "11111111-1111-4111-8111-111111111111"
#define NOW 1800000000000LL
#define DAY 20400

static void setup(void)
{
    ts_store_open(&st, "10000"); /* the blocked writer below waits on SQLite's busy timeout */
    ts_store_add_user(&st, LEARNER, "lee@example.com", "Lee", ROLE_LEARNER, NOW);
}

static void teardown(void)
{
    ts_store_close(&st);
}

TestSuite(checkins_store, .init = setup, .fini = teardown, .timeout = 60);

/* A check-in of LEARNER on `day` with the streak steps of api/checkins.c, on `c` inside the
 * caller's transaction. Returns whether it was created; `existing` gets the id otherwise. */
static bool add(struct db_conn *c, int64_t day, const char *id, char existing[STR_UUID_SIZE])
{
    struct checkin ck = {.day = day,
                         .timezone = "UTC",
                         .mood = 3,
                         .confidence = 3,
                         .created_at = NOW,
                         .updated_at = NOW};
    struct checkin_run adjacent[2];
    int64_t longest = 0;
    bool created = false;
    int n = 0;

    snprintf(ck.id, sizeof(ck.id), "%s", id);
    snprintf(ck.user_id, sizeof(ck.user_id), "%s", LEARNER);
    cr_assert_eq(db_checkins_insert(c, &ck, &created, existing), 0);
    if (!created)
        return false;
    cr_assert_eq(db_checkins_streak_lock(c, LEARNER, day, &longest), 0);
    cr_assert_eq(db_checkins_runs_take(c, LEARNER, day, adjacent, &n), 0);
    cr_assert_eq(db_checkins_runs_put(c, LEARNER, checkin_run_join(day, adjacent, n), longest), 0);
    return true;
}

static void add_committed(int64_t day, const char *id)
{
    char existing[STR_UUID_SIZE];
    cr_assert_eq(db_begin_write(st.conn), 0);
    cr_assert(add(st.conn, day, id, existing));
    cr_assert_eq(db_commit(st.conn), 0);
}

static struct checkin_streak_state state(int64_t today)
{
    struct checkin_streak_state s;
    cr_assert_eq(db_checkins_streak_get(st.conn, LEARNER, today, &s), 0);
    return s;
}

Test(checkins_store, runs_join_and_the_longest_is_kept)
{
    cr_assert_not(state(DAY).any, "no check-ins yet");
    add_committed(DAY, "00000000-0000-4000-8000-000000000001");
    add_committed(DAY + 1, "00000000-0000-4000-8000-000000000002");
    add_committed(DAY + 3, "00000000-0000-4000-8000-000000000003");
    struct checkin_streak_state s = state(DAY + 3);
    cr_assert(s.any);
    cr_assert_eq(s.longest, 2);
    cr_assert_eq(s.last_day, DAY + 3);
    cr_assert(s.has_run);
    cr_assert_eq(s.run.first_day, DAY + 3);
    cr_assert_eq(s.run.last_day, DAY + 3);

    /* The gap closes: one run of four days, the longest. */
    add_committed(DAY + 2, "00000000-0000-4000-8000-000000000004");
    s = state(DAY + 3);
    cr_assert_eq(s.longest, 4);
    cr_assert_eq(s.run.first_day, DAY);
    cr_assert_eq(s.run.last_day, DAY + 3);
    cr_assert_eq(s.last_day, DAY + 3, "the latest day stays the latest");
    /* Seen from before the first day: no run starts on or before it. */
    cr_assert_not(state(DAY - 1).has_run);
}

Test(checkins_store, a_second_checkin_of_a_day_finds_the_first)
{
    char existing[STR_UUID_SIZE] = "";
    add_committed(DAY, "00000000-0000-4000-8000-000000000001");
    cr_assert_eq(db_begin_write(st.conn), 0);
    cr_assert_not(add(st.conn, DAY, "00000000-0000-4000-8000-000000000002", existing));
    cr_assert_str_eq(existing, "00000000-0000-4000-8000-000000000001");
    db_rollback(st.conn);
    cr_assert_eq(state(DAY).longest, 1);
}

struct racer {
    int done; /* 0 until the writer committed; read and written atomically */
};

/* The second writer, on its own connection: the day after the open first one. */
static void *next_day_writer(void *arg)
{
    struct racer *x = arg;
    struct db_conn *c = NULL;
    char existing[STR_UUID_SIZE];

    cr_assert_eq(db_acquire(st.db, &c), 0);
    cr_assert_eq(db_begin_write(c), 0);
    cr_assert(add(c, DAY + 1, "00000000-0000-4000-8000-000000000002", existing));
    cr_assert_eq(db_commit(c), 0);
    db_release(c);
    __atomic_store_n(&x->done, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

Test(checkins_store, concurrent_adjacent_days_of_one_user_make_one_run)
{
    struct racer racer = {0};
    pthread_t t;
    char existing[STR_UUID_SIZE];

    cr_assert_eq(db_begin_write(st.conn), 0);
    cr_assert(add(st.conn, DAY, "00000000-0000-4000-8000-000000000001", existing));
    cr_assert_eq(pthread_create(&t, NULL, next_day_writer, &racer), 0);
    usleep(300 * 1000); /* the second writer now waits for the streak row or the write lock */
    cr_assert_eq(__atomic_load_n(&racer.done, __ATOMIC_SEQ_CST), 0,
                 "the second writer must wait while the first is open");
    cr_assert_eq(db_commit(st.conn), 0);
    pthread_join(t, NULL);

    struct checkin_streak_state s = state(DAY + 1);
    cr_assert_eq(s.run.first_day, DAY, "one run, not two that touch");
    cr_assert_eq(s.run.last_day, DAY + 1);
    cr_assert_eq(s.longest, 2);
    cr_assert_eq(s.last_day, DAY + 1);
}
