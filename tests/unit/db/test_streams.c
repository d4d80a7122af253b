/*
 * db/streams.c on the backend named by TS_TEST_BACKEND: which tokens of open notification
 * streams still authenticate, with their expiry and their user's newest notification seq.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "db/notifications.h"
#include "db/streams.h"
#include "db/users.h"
#include "support/store.h"
#include "util/err.h"

static struct ts_store st;

#define LEE "11111111-1111-4111-8111-111111111111"
#define ADA "22222222-2222-4222-8222-222222222222"
#define BOB "55555555-5555-4555-8555-555555555555"
#define NOW 1800000000000LL

static void add_notification(const char *id, const char *user_id, int64_t *seq)
{
    struct notification n = {.type = NOTIFICATION_MODULE_ASSIGNED,
                             .title = "T",
                             .body = "B",
                             .data = "{}",
                             .created_at = NOW};
    snprintf(n.id, sizeof(n.id), "%s", id);
    snprintf(n.user_id, sizeof(n.user_id), "%s", user_id);
    cr_assert_eq(db_begin_write(st.conn), 0);
    cr_assert_eq(db_notifications_insert(st.conn, &n), 0);
    cr_assert_eq(db_commit(st.conn), 0);
    *seq = n.seq;
}

static void setup(void)
{
    ts_store_open(&st, NULL);
    ts_store_add_user(&st, LEE, "lee@example.com", "Lee", ROLE_LEARNER, NOW);
    ts_store_add_user(&st, ADA, "ada@example.com", "Ada", ROLE_AUTHOR, NOW);
    ts_store_add_user(&st, BOB, "bob@example.com", "Bob", ROLE_LEARNER, NOW);
    cr_assert_eq(db_tokens_insert(st.conn, "hash-lee", LEE, NOW - 1000, NOW + 60000), 0);
    cr_assert_eq(db_tokens_insert(st.conn, "hash-lee2", LEE, NOW - 1000, NOW + 90000), 0);
    cr_assert_eq(db_tokens_insert(st.conn, "hash-old", LEE, NOW - 90000, NOW - 1), 0);
    cr_assert_eq(db_tokens_insert(st.conn, "hash-ada", ADA, NOW - 1000, NOW + 60000), 0);
    cr_assert_eq(db_tokens_insert(st.conn, "hash-bob", BOB, NOW - 1000, NOW + 60000), 0);
    struct user bob;
    cr_assert_eq(db_users_get(st.conn, &st.arena, BOB, &bob), 0);
    bob.active = false;
    cr_assert_eq(db_users_update(st.conn, &bob), 0);
}

static void teardown(void)
{
    ts_store_close(&st);
}

TestSuite(streams, .init = setup, .fini = teardown, .timeout = 60);

static const struct db_stream_token *find(const struct db_stream_token *t, int n, const char *h)
{
    for (int i = 0; i < n; i++)
        if (strcmp(t[i].token_hash, h) == 0)
            return &t[i];
    return NULL;
}

Test(streams, only_unexpired_tokens_of_active_users_come_back_with_the_newest_seq)
{
    const char *hashes[] = {"hash-lee", "hash-lee2", "hash-old",
                            "hash-ada", "hash-bob",  "hash-none"};
    struct db_stream_token *t;
    int n;
    int64_t s1, s2, s3;

    add_notification("66666666-6666-4666-8666-666666666661", LEE, &s1);
    add_notification("66666666-6666-4666-8666-666666666662", ADA, &s2);
    add_notification("66666666-6666-4666-8666-666666666663", LEE, &s3);
    cr_assert(s1 < s2 && s2 < s3);
    cr_assert_eq(db_streams_check(st.conn, &st.arena, hashes, 6, NOW, &t, &n), 0);
    cr_assert_eq(n, 3, "lee, lee2 and ada only");
    const struct db_stream_token *lee = find(t, n, "hash-lee");
    const struct db_stream_token *lee2 = find(t, n, "hash-lee2");
    const struct db_stream_token *ada = find(t, n, "hash-ada");
    cr_assert(lee != NULL && lee2 != NULL && ada != NULL);
    cr_assert_eq(lee->expires_at, NOW + 60000);
    cr_assert_eq(lee2->expires_at, NOW + 90000);
    cr_assert_eq(lee->last_seq, s3);
    cr_assert_eq(lee2->last_seq, s3);
    cr_assert_eq(ada->last_seq, s2);
}

Test(streams, a_user_without_notifications_has_seq_0_and_no_tokens_is_no_statement)
{
    const char *hashes[] = {"hash-ada"};
    struct db_stream_token *t;
    int n = -1;

    cr_assert_eq(db_streams_check(st.conn, &st.arena, hashes, 1, NOW, &t, &n), 0);
    cr_assert_eq(n, 1);
    cr_assert_eq(t[0].last_seq, 0);
    cr_assert_eq(db_streams_check(st.conn, &st.arena, hashes, 0, NOW, &t, &n), 0);
    cr_assert_eq(n, 0);
    /* A logout deletes the token: it no longer comes back. */
    cr_assert_eq(db_tokens_delete(st.conn, "hash-ada"), 0);
    cr_assert_eq(db_streams_check(st.conn, &st.arena, hashes, 1, NOW, &t, &n), 0);
    cr_assert_eq(n, 0);
}

Test(streams, many_tokens_in_one_statement)
{
    enum { N = 600 };
    static char names[N][16];
    const char *hashes[N];
    struct db_stream_token *t;
    int n;

    for (int i = 0; i < N; i++) {
        snprintf(names[i], sizeof(names[i]), "hash-%03d", i);
        hashes[i] = names[i];
    }
    hashes[N - 1] = "hash-lee";
    cr_assert_eq(db_streams_check(st.conn, &st.arena, hashes, N, NOW, &t, &n), 0);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(t[0].token_hash, "hash-lee");
}
