/*
 * db/assignments.c on the backend named by TS_TEST_BACKEND: the unique (module, user) key, and
 * the due-soon claim that makes the reminder exactly once per due_at (the comment that opens
 * src/scheduler.c), also when the second claimer runs while the first's transaction is open.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "db/assignments.h"
#include "db/progress.h"
#include "support/store.h"
#include "util/err.h"

static struct ts_store st;

#define LEARNER "11111111-1111-4111-8111-111111111111"
#define AUTHOR "22222222-2222-4222-8222-222222222222"
#define MODULE "33333333-3333-4333-8333-333333333333"
#define ASSIGNMENT "44444444-4444-4444-8444-444444444444"
#define NOW 1800000000000LL
#define HOUR 3600000LL

static void setup(void)
{
    /* The blocked claimer below waits on SQLite's busy timeout: ample, and bounded. */
    ts_store_open(&st, "10000");
    ts_store_add_user(&st, LEARNER, "lee@example.com", "Lee", ROLE_LEARNER, NOW);
    ts_store_add_user(&st, AUTHOR, "ada@example.com", "Ada", ROLE_AUTHOR, NOW);
    ts_store_add_module(&st, MODULE, AUTHOR, NOW);
}

static void teardown(void)
{
    ts_store_close(&st);
}

TestSuite(assignments_store, .init = setup, .fini = teardown, .timeout = 60);

static void add_assignment(int64_t due_at)
{
    struct assignment a = {.due_at = due_at, .created_at = NOW, .updated_at = NOW};
    snprintf(a.id, sizeof(a.id), "%s", ASSIGNMENT);
    snprintf(a.module_id, sizeof(a.module_id), "%s", MODULE);
    snprintf(a.user_id, sizeof(a.user_id), "%s", LEARNER);
    snprintf(a.assigned_by, sizeof(a.assigned_by), "%s", AUTHOR);
    cr_assert_eq(db_assignments_insert(st.conn, &a), 0);
}

/* How many assignments the scan at NOW with a one-hour window finds. */
static int candidates(void)
{
    struct db_assignment_due *due = NULL;
    int n = -1;
    cr_assert_eq(db_assignments_due_soon(st.conn, &st.arena, NOW, NOW + HOUR, 10, &due, &n), 0);
    return n;
}

static bool claim(int64_t due_at)
{
    bool claimed = false;
    cr_assert_eq(db_assignments_claim_due_soon(st.conn, ASSIGNMENT, due_at, &claimed), 0);
    return claimed;
}

Test(assignments_store, one_assignment_per_module_and_user)
{
    char id[STR_UUID_SIZE];
    add_assignment(0);
    struct assignment again = {.created_at = NOW, .updated_at = NOW};
    snprintf(again.id, sizeof(again.id), "55555555-5555-4555-8555-555555555555");
    snprintf(again.module_id, sizeof(again.module_id), "%s", MODULE);
    snprintf(again.user_id, sizeof(again.user_id), "%s", LEARNER);
    snprintf(again.assigned_by, sizeof(again.assigned_by), "%s", AUTHOR);
    cr_assert_eq(db_assignments_insert(st.conn, &again), TS_ECONFLICT);
    cr_assert_eq(db_assignments_find(st.conn, MODULE, LEARNER, id), 0);
    cr_assert_str_eq(id, ASSIGNMENT);
    bool exists = false;
    cr_assert_eq(db_assignments_exists(st.conn, LEARNER, MODULE, &exists), 0);
    cr_assert(exists);
    cr_assert_eq(db_assignments_exists(st.conn, AUTHOR, MODULE, &exists), 0);
    cr_assert_not(exists);
}

Test(assignments_store, claim_once_per_due_at_and_again_after_a_new_one)
{
    add_assignment(NOW + HOUR / 2);
    cr_assert_eq(candidates(), 1);
    cr_assert_not(claim(NOW + HOUR / 4), "a due_at the row no longer has");
    cr_assert(claim(NOW + HOUR / 2));
    cr_assert_not(claim(NOW + HOUR / 2), "claimed already");
    cr_assert_eq(candidates(), 0);

    cr_assert_eq(db_assignments_set_due(st.conn, ASSIGNMENT, NOW + HOUR / 3, NOW + 1), 0);
    cr_assert_eq(candidates(), 1, "a new due_at re-arms");
    cr_assert(claim(NOW + HOUR / 3));
    /* Back to the first due_at: re-armed as well, since PATCH cleared the record. */
    cr_assert_eq(db_assignments_set_due(st.conn, ASSIGNMENT, NOW + HOUR / 2, NOW + 2), 0);
    cr_assert(claim(NOW + HOUR / 2));

    cr_assert_eq(db_assignments_set_due(st.conn, ASSIGNMENT, NOW + 2 * HOUR, NOW + 3), 0);
    cr_assert_eq(candidates(), 0, "outside the window");
    cr_assert_eq(db_assignments_set_due(st.conn, ASSIGNMENT, NOW - 1, NOW + 4), 0);
    cr_assert_eq(candidates(), 0, "already past");
    cr_assert_eq(db_assignments_set_due(st.conn, ASSIGNMENT, 0, NOW + 5), 0);
    cr_assert_eq(candidates(), 0, "no due date");
}

Test(assignments_store, done_progress_is_never_reminded)
{
    add_assignment(NOW + HOUR / 2);
    struct progress_rec p = {.status = PROGRESS_PASSED,
                             .percent = 100,
                             .version = 1,
                             .data = "{}",
                             .started_at = NOW,
                             .completed_at = NOW,
                             .updated_at = NOW};
    snprintf(p.user_id, sizeof(p.user_id), "%s", LEARNER);
    snprintf(p.module_id, sizeof(p.module_id), "%s", MODULE);
    cr_assert_eq(db_progress_write(st.conn, &p, 0), 0);
    cr_assert_eq(candidates(), 0);
    cr_assert_not(claim(NOW + HOUR / 2), "the claim checks progress too");
    p.status = PROGRESS_FAILED;
    p.version = 2;
    cr_assert_eq(db_progress_write(st.conn, &p, 1), 0);
    cr_assert_eq(candidates(), 1, "failed is not done");
}

struct racer {
    int rc; /* 1 until the claimer is done; read and written atomically */
    bool claimed;
};

/* The second claimer, on its own connection, while the first is uncommitted. */
static void *late_claimer(void *arg)
{
    struct racer *x = arg;
    struct db_conn *c = NULL;
    bool claimed = false;
    int got = db_acquire(st.db, &c);

    if (got == 0)
        got = db_begin_write(c);
    if (got == 0)
        got = db_assignments_claim_due_soon(c, ASSIGNMENT, NOW + HOUR / 2, &claimed);
    if (got == 0)
        got = db_commit(c);
    db_release(c);
    x->claimed = claimed;
    __atomic_store_n(&x->rc, got, __ATOMIC_SEQ_CST);
    return NULL;
}

Test(assignments_store, claimer_blocked_by_an_open_winner_finds_it_claimed)
{
    struct racer racer = {.rc = 1};
    pthread_t t;

    add_assignment(NOW + HOUR / 2);
    cr_assert_eq(db_begin_write(st.conn), 0);
    cr_assert(claim(NOW + HOUR / 2));
    cr_assert_eq(pthread_create(&t, NULL, late_claimer, &racer), 0);
    usleep(300 * 1000); /* the late claimer now waits for the row or the write lock */
    cr_assert_eq(__atomic_load_n(&racer.rc, __ATOMIC_SEQ_CST), 1,
                 "the late claimer must wait, not finish, while the winner is open");
    cr_assert_eq(db_commit(st.conn), 0);
    pthread_join(t, NULL);
    cr_assert_eq(racer.rc, 0, "got %d", racer.rc);
    cr_assert_not(racer.claimed, "exactly one claim per due_at");
}
