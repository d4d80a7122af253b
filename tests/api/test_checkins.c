/*
 * Check-ins (API.md §10) with the server's clock under the test's control (FAULT_CLOCK_FILE):
 * the local date at creation in many time zones around their midnight (half-hour and 45-minute
 * offsets, both sides of the date line, DST changes), one check-in per day under concurrency,
 * streak arithmetic over gaps and time zone changes, the edit window, privacy (404 for
 * everyone else, admins included), the list's range and pages, and the authors' summary.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support/modules.h"

static struct ts_server srv;
static struct ts_user admin, author, learner, other;
static char clock_dir[256], clock_path[290];

/* Sets the server's clock: an RFC 3339 instant it stands still at. Written beside and renamed
 * over, so the server never reads a half-written file. */
static void set_clock(const char *instant)
{
    ts_write_file_atomic(clock_path, instant);
}

static void start(void)
{
    char env_clock[400];
    ts_scratch_dir(clock_dir, sizeof(clock_dir), "clock");
    snprintf(clock_path, sizeof(clock_path), "%s/now", clock_dir);
    set_clock("2026-12-05T12:00:00.000Z");
    snprintf(env_clock, sizeof(env_clock), "FAULT_CLOCK_FILE=%s", clock_path);
    /* Tokens live 30 days of the shifted clock. */
    const char *env[] = {env_clock, "TOKEN_TTL_SECONDS=2592000", NULL};
    ts_server_start(&srv, env);
    ts_admin(&srv, &admin);
    ts_user_with_role(&srv, &admin, "author", &author);
    ts_learner(&srv, &learner);
    ts_learner(&srv, &other);
}

static void stop(void)
{
    cr_assert_eq(ts_server_stop(&srv), 0);
    unlink(clock_path);
    rmdir(clock_dir);
}

TestSuite(checkins, .init = start, .fini = stop, .timeout = 120);

#define NIL "00000000-0000-4000-8000-000000000000"

static const char *str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

static json_int_t num(const json_t *obj, const char *key)
{
    return json_integer_value(json_object_get(obj, key));
}

/* Moves `u` to time zone `tz` (PATCH /users/me). */
static void set_zone(const struct ts_user *u, const char *tz)
{
    char body[128];
    struct ts_resp r;
    snprintf(body, sizeof(body), "{\"timezone\":\"%s\"}", tz);
    ts_as(&srv, u, "PATCH", "/api/v1/users/me", body, &r);
    cr_assert_eq(r.status, 200, "%s: %s", tz, r.body);
    ts_resp_free(&r);
}

static long check_in(const struct ts_user *u, const char *body, struct ts_resp *r)
{
    ts_as(&srv, u, "POST", "/api/v1/checkins", body, r);
    return r->status;
}

/* Checks `u` in at `instant` and asserts 201 with local date `date`; the id in `id` (may be
 * NULL). */
static void check_in_at(const struct ts_user *u, const char *instant, const char *date, char *id)
{
    struct ts_resp r;
    set_clock(instant);
    cr_assert_eq(check_in(u, "{\"mood\":3,\"confidence\":4}", &r), 201, "%s: %s", instant, r.body);
    cr_assert_str_eq(str(r.json, "date"), date, "at %s", instant);
    if (id != NULL)
        snprintf(id, STR_UUID_SIZE, "%s", str(r.json, "id"));
    ts_resp_free(&r);
}

/* GET /checkins/streak as `u` (caller frees). */
static void streak(const struct ts_user *u, struct ts_resp *r)
{
    ts_as(&srv, u, "GET", "/api/v1/checkins/streak", NULL, r);
    cr_assert_eq(r->status, 200, "%s", r->body);
}

/* Asserts the streak of `u` now: current, longest, last date ("" = null), today, today_done. */
static void assert_streak(const struct ts_user *u, int current, int longest, const char *last,
                          const char *today, bool done)
{
    struct ts_resp r;
    streak(u, &r);
    cr_assert_eq(num(r.json, "current_streak"), current, "%s", r.body);
    cr_assert_eq(num(r.json, "longest_streak"), longest, "%s", r.body);
    if (last[0] == '\0')
        cr_assert(json_is_null(json_object_get(r.json, "last_checkin_date")), "%s", r.body);
    else
        cr_assert_str_eq(str(r.json, "last_checkin_date"), last, "%s", r.body);
    cr_assert_str_eq(str(r.json, "today"), today, "%s", r.body);
    cr_assert_eq(json_is_true(json_object_get(r.json, "today_done")), done, "%s", r.body);
    ts_resp_free(&r);
}

/* --- create ------------------------------------------------------------------------------- */

Test(checkins, create_returns_the_object_with_the_local_date)
{
    struct ts_resp r;
    set_zone(&learner, "Europe/Berlin");
    set_clock("2026-12-05T23:30:00.000Z"); /* 00:30 on the 6th in Berlin */
    cr_assert_eq(check_in(&learner, "{\"mood\":4,\"confidence\":3,\"note\":\"Focused.\"}", &r), 201,
                 "%s", r.body);
    cr_assert_str_eq(str(r.json, "date"), "2026-12-06");
    cr_assert_str_eq(str(r.json, "timezone"), "Europe/Berlin");
    cr_assert_str_eq(str(r.json, "user_id"), learner.id);
    cr_assert_eq(num(r.json, "mood"), 4);
    cr_assert_eq(num(r.json, "confidence"), 3);
    cr_assert_str_eq(str(r.json, "note"), "Focused.");
    cr_assert(json_is_null(json_object_get(r.json, "module_id")));
    cr_assert_str_eq(str(r.json, "created_at"), "2026-12-05T23:30:00.000Z");
    cr_assert_str_eq(str(r.json, "updated_at"), "2026-12-05T23:30:00.000Z");
    char id[STR_UUID_SIZE], path[128];
    snprintf(id, sizeof(id), "%s", str(r.json, "id"));
    ts_resp_free(&r);

    /* Read back as stored. */
    snprintf(path, sizeof(path), "/api/v1/checkins/%s", id);
    ts_as(&srv, &learner, "GET", path, NULL, &r);
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(str(r.json, "date"), "2026-12-06");
    cr_assert_str_eq(str(r.json, "note"), "Focused.");
    ts_resp_free(&r);
}

Test(checkins, create_validates_every_field)
{
    struct ts_resp r;
    const struct {
        const char *body, *loc, *type;
    } cases[] = {
        {"{\"confidence\":3}", "[\"body\",\"mood\"]", "missing"},
        {"{\"mood\":3}", "[\"body\",\"confidence\"]", "missing"},
        {"{\"mood\":0,\"confidence\":3}", "[\"body\",\"mood\"]", "greater_than_equal"},
        {"{\"mood\":3,\"confidence\":6}", "[\"body\",\"confidence\"]", "less_than_equal"},
        {"{\"mood\":\"3\",\"confidence\":3}", "[\"body\",\"mood\"]", "int_type"},
        {"{\"mood\":3,\"confidence\":true}", "[\"body\",\"confidence\"]", "int_type"},
        {"{\"mood\":3,\"confidence\":3,\"note\":7}", "[\"body\",\"note\"]", "string_type"},
        {"{\"mood\":3,\"confidence\":3,\"module_id\":\"x\"}", "[\"body\",\"module_id\"]",
         "uuid_parsing"},
        {"[1]", "[\"body\"]", "model_attributes_type"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cr_assert_eq(check_in(&learner, cases[i].body, &r), 422, "%s: %s", cases[i].body, r.body);
        cr_assert(ts_has_error(&r, cases[i].loc, cases[i].type), "%s: %s", cases[i].body, r.body);
        ts_resp_free(&r);
    }
    char body[1200], note[1002];
    memset(note, 'n', 1001);
    note[1001] = '\0';
    snprintf(body, sizeof(body), "{\"mood\":3,\"confidence\":3,\"note\":\"%s\"}", note);
    cr_assert_eq(check_in(&learner, body, &r), 422);
    cr_assert(ts_has_error(&r, "[\"body\",\"note\"]", "string_too_long"));
    ts_resp_free(&r);

    /* Nothing was stored. */
    ts_as(&srv, &learner, "GET", "/api/v1/checkins", NULL, &r);
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 0);
    ts_resp_free(&r);
}

Test(checkins, module_must_be_visible_and_comes_before_the_409)
{
    char mid[STR_UUID_SIZE], sid[STR_UUID_SIZE], draft[STR_UUID_SIZE], body[200], first[64];
    struct ts_resp r;
    ts_linear_module(&srv, &author, mid, sid);
    ts_module(&srv, &author, "{\"title\":\"Draft\",\"flow_type\":\"linear\"}", draft);

    const char *hidden[] = {NIL, draft};
    for (int i = 0; i < 2; i++) {
        snprintf(body, sizeof(body), "{\"mood\":3,\"confidence\":3,\"module_id\":\"%s\"}",
                 hidden[i]);
        cr_assert_eq(check_in(&learner, body, &r), 422, "%s", r.body);
        ts_assert_json(&r, "{\"detail\":[{\"loc\":[\"body\",\"module_id\"],"
                           "\"msg\":\"Value error, unknown module\",\"type\":\"value_error\"}]}");
        ts_resp_free(&r);
    }
    snprintf(body, sizeof(body), "{\"mood\":3,\"confidence\":3,\"module_id\":\"%s\"}", mid);
    cr_assert_eq(check_in(&learner, body, &r), 201, "%s", r.body);
    cr_assert_str_eq(str(r.json, "module_id"), mid);
    snprintf(first, sizeof(first), "%s", str(r.json, "id"));
    ts_resp_free(&r);

    /* Same day again: 409 with the first one's id; an unknown module still answers 422. */
    cr_assert_eq(check_in(&learner, "{\"mood\":1,\"confidence\":1}", &r), 409);
    cr_assert_str_eq(str(r.json, "detail"), "Already checked in today");
    cr_assert_str_eq(str(r.json, "checkin_id"), first);
    ts_resp_free(&r);
    snprintf(body, sizeof(body), "{\"mood\":3,\"confidence\":3,\"module_id\":\"%s\"}", draft);
    cr_assert_eq(check_in(&learner, body, &r), 422);
    ts_resp_free(&r);
    /* The author sees the draft. */
    cr_assert_eq(check_in(&author, body, &r), 201, "%s", r.body);
    ts_resp_free(&r);
}

struct racer {
    const struct ts_user *u;
    struct ts_resp r;
};

static void *race(void *arg)
{
    struct racer *x = arg;
    check_in(x->u, "{\"mood\":2,\"confidence\":2}", &x->r);
    return NULL;
}

Test(checkins, concurrent_creates_make_exactly_one)
{
    enum { N = 8 };
    struct racer x[N];
    pthread_t t[N];
    for (int i = 0; i < N; i++) {
        x[i].u = &other;
        cr_assert_eq(pthread_create(&t[i], NULL, race, &x[i]), 0);
    }
    for (int i = 0; i < N; i++)
        pthread_join(t[i], NULL);
    int created = 0;
    const char *winner = NULL;
    for (int i = 0; i < N; i++)
        if (x[i].r.status == 201) {
            created++;
            winner = str(x[i].r.json, "id");
        }
    cr_assert_eq(created, 1);
    for (int i = 0; i < N; i++) {
        if (x[i].r.status != 201) {
            cr_assert_eq(x[i].r.status, 409, "%s", x[i].r.body);
            cr_assert_str_eq(str(x[i].r.json, "checkin_id"), winner);
        }
    }
    for (int i = 0; i < N; i++)
        ts_resp_free(&x[i].r);
    assert_streak(&other, 1, 1, "2026-12-05", "2026-12-05", true);
}

/* --- local dates around midnight ---------------------------------------------------------- */

/* For user `u` in zone `tz`: a check-in one second before local midnight gets `before`, one at
 * midnight gets `after`; then the streak is 2. */
static void around_midnight(const char *tz, const char *last_second, const char *midnight,
                            const char *before, const char *after)
{
    struct ts_user u;
    set_clock(last_second); /* the token is issued now and lives 30 days of this clock */
    ts_learner(&srv, &u);
    set_zone(&u, tz);
    check_in_at(&u, last_second, before, NULL);
    check_in_at(&u, midnight, after, NULL);
    assert_streak(&u, 2, 2, after, after, true);
}

Test(checkins, local_dates_in_many_zones)
{
    /* Half-hour and 45-minute offsets. */
    around_midnight("Asia/Kolkata", "2026-12-05T18:29:59.999Z", "2026-12-05T18:30:00.000Z",
                    "2026-12-05", "2026-12-06");
    around_midnight("Asia/Kathmandu", "2026-12-05T18:14:59.999Z", "2026-12-05T18:15:00.000Z",
                    "2026-12-05", "2026-12-06");
    /* Both sides of the date line: +14 and −11. */
    around_midnight("Pacific/Kiritimati", "2026-12-05T09:59:59.999Z", "2026-12-05T10:00:00.000Z",
                    "2026-12-05", "2026-12-06");
    around_midnight("Pacific/Pago_Pago", "2026-12-06T10:59:59.999Z", "2026-12-06T11:00:00.000Z",
                    "2026-12-05", "2026-12-06");
    /* The nights DST starts and ends in Berlin (CET +1, CEST +2). */
    around_midnight("Europe/Berlin", "2026-03-28T22:59:59.999Z", "2026-03-28T23:00:00.000Z",
                    "2026-03-28", "2026-03-29");
    around_midnight("Europe/Berlin", "2026-10-24T21:59:59.999Z", "2026-10-24T22:00:00.000Z",
                    "2026-10-24", "2026-10-25");
    /* New York's 23-hour and 25-hour days: midnight after each is 04:00Z then 05:00Z. */
    around_midnight("America/New_York", "2026-03-09T03:59:59.999Z", "2026-03-09T04:00:00.000Z",
                    "2026-03-08", "2026-03-09");
    around_midnight("America/New_York", "2026-11-02T04:59:59.999Z", "2026-11-02T05:00:00.000Z",
                    "2026-11-01", "2026-11-02");
    /* A southern summer: Sydney is +11 in January. */
    around_midnight("Australia/Sydney", "2027-01-10T12:59:59.999Z", "2027-01-10T13:00:00.000Z",
                    "2027-01-10", "2027-01-11");
    around_midnight("UTC", "2026-12-05T23:59:59.999Z", "2026-12-06T00:00:00.000Z", "2026-12-05",
                    "2026-12-06");
}

/* --- streaks ------------------------------------------------------------------------------ */

Test(checkins, streak_counts_runs_over_gaps)
{
    struct ts_user u;
    ts_learner(&srv, &u);
    assert_streak(&u, 0, 0, "", "2026-12-05", false);

    /* 1, 2, 3 December; a gap on the 4th; 5 and 6 December. */
    check_in_at(&u, "2026-12-01T12:00:00.000Z", "2026-12-01", NULL);
    check_in_at(&u, "2026-12-02T12:00:00.000Z", "2026-12-02", NULL);
    assert_streak(&u, 2, 2, "2026-12-02", "2026-12-02", true);
    check_in_at(&u, "2026-12-03T12:00:00.000Z", "2026-12-03", NULL);
    set_clock("2026-12-04T12:00:00.000Z");
    assert_streak(&u, 3, 3, "2026-12-03", "2026-12-04", false); /* yesterday still counts */
    check_in_at(&u, "2026-12-05T12:00:00.000Z", "2026-12-05", NULL);
    assert_streak(&u, 1, 3, "2026-12-05", "2026-12-05", true);
    check_in_at(&u, "2026-12-06T12:00:00.000Z", "2026-12-06", NULL);
    set_clock("2026-12-07T23:59:59.999Z");
    assert_streak(&u, 2, 3, "2026-12-06", "2026-12-07", false);
    set_clock("2026-12-08T00:00:00.000Z");
    assert_streak(&u, 0, 3, "2026-12-06", "2026-12-08", false);
    /* The run of five days that follows becomes the longest. */
    for (int d = 8; d <= 12; d++) {
        char at[32], date[16];
        snprintf(at, sizeof(at), "2026-12-%02dT08:00:00.000Z", d);
        snprintf(date, sizeof(date), "2026-12-%02d", d);
        check_in_at(&u, at, date, NULL);
    }
    assert_streak(&u, 5, 5, "2026-12-12", "2026-12-12", true);
}

Test(checkins, streak_follows_the_users_current_zone)
{
    struct ts_user u;
    struct ts_resp r;
    ts_learner(&srv, &u);

    /* 10:30Z on 5 December: the 6th in Kiritimati (+14), still the 4th in Pago Pago (−11). */
    set_zone(&u, "Pacific/Kiritimati");
    check_in_at(&u, "2026-12-05T10:30:00.000Z", "2026-12-06", NULL);
    assert_streak(&u, 1, 1, "2026-12-06", "2026-12-06", true);
    set_zone(&u, "Pacific/Pago_Pago");
    /* Today is the 4th there; the 6th lies ahead and does not count, yesterday has none. */
    assert_streak(&u, 0, 1, "2026-12-06", "2026-12-04", false);
    check_in_at(&u, "2026-12-05T10:30:00.000Z", "2026-12-04", NULL);
    streak(&u, &r);
    cr_assert_str_eq(str(r.json, "timezone"), "Pacific/Pago_Pago");
    ts_resp_free(&r);
    assert_streak(&u, 1, 1, "2026-12-06", "2026-12-04", true);
    /* A day later the 5th fills the gap: one run of 4..6, current up to today only. */
    check_in_at(&u, "2026-12-06T10:30:00.000Z", "2026-12-05", NULL);
    assert_streak(&u, 2, 3, "2026-12-06", "2026-12-05", true);
    set_zone(&u, "Pacific/Kiritimati");
    assert_streak(&u, 3, 3, "2026-12-06", "2026-12-07", false);
}

/* --- read, edit, privacy ------------------------------------------------------------------ */

static long on_checkin(const struct ts_user *u, const char *method, const char *id,
                       const char *body, struct ts_resp *r)
{
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/checkins/%s", id);
    ts_as(&srv, u, method, path, body, r);
    return r->status;
}

Test(checkins, only_the_owner_reads_or_edits)
{
    char id[STR_UUID_SIZE];
    struct ts_resp r;
    check_in_at(&learner, "2026-12-05T12:00:00.000Z", "2026-12-05", id);
    const struct ts_user *others[] = {&other, &author, &admin};
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(on_checkin(others[i], "GET", id, NULL, &r), 404);
        ts_assert_json(&r, "{\"detail\":\"Not Found\"}");
        ts_resp_free(&r);
        cr_assert_eq(on_checkin(others[i], "PATCH", id, "{\"mood\":1}", &r), 404);
        ts_resp_free(&r);
        ts_as(&srv, others[i], "GET", "/api/v1/checkins", NULL, &r);
        cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 0);
        ts_resp_free(&r);
    }
    cr_assert_eq(on_checkin(&learner, "GET", NIL, NULL, &r), 404);
    ts_resp_free(&r);
    cr_assert_eq(on_checkin(&learner, "GET", "nope", NULL, &r), 422);
    cr_assert(ts_has_error(&r, "[\"path\",\"checkin_id\"]", "uuid_parsing"));
    ts_resp_free(&r);
    cr_assert_eq(on_checkin(&learner, "GET", id, NULL, &r), 200);
    cr_assert_eq(num(r.json, "mood"), 3, "unchanged");
    ts_resp_free(&r);
}

Test(checkins, edit_only_on_the_day_it_was_made)
{
    char mid[STR_UUID_SIZE], sid[STR_UUID_SIZE], id[STR_UUID_SIZE], body[200];
    struct ts_resp r;
    ts_linear_module(&srv, &author, mid, sid);
    set_zone(&learner, "Asia/Kolkata");
    check_in_at(&learner, "2026-12-05T10:00:00.000Z", "2026-12-05", id);

    set_clock("2026-12-05T11:00:00.000Z");
    snprintf(body, sizeof(body), "{\"mood\":5,\"note\":\"Better\",\"module_id\":\"%s\"}", mid);
    cr_assert_eq(on_checkin(&learner, "PATCH", id, body, &r), 200, "%s", r.body);
    cr_assert_eq(num(r.json, "mood"), 5);
    cr_assert_eq(num(r.json, "confidence"), 4, "absent: unchanged");
    cr_assert_str_eq(str(r.json, "note"), "Better");
    cr_assert_str_eq(str(r.json, "module_id"), mid);
    cr_assert_str_eq(str(r.json, "created_at"), "2026-12-05T10:00:00.000Z");
    cr_assert_str_eq(str(r.json, "updated_at"), "2026-12-05T11:00:00.000Z");
    ts_resp_free(&r);

    /* Type errors, including null on the non-nullable fields; null clears the others. */
    cr_assert_eq(on_checkin(&learner, "PATCH", id, "{\"mood\":null,\"confidence\":9}", &r), 422);
    cr_assert(ts_has_error(&r, "[\"body\",\"mood\"]", "int_type"));
    cr_assert(ts_has_error(&r, "[\"body\",\"confidence\"]", "less_than_equal"));
    ts_resp_free(&r);
    cr_assert_eq(on_checkin(&learner, "PATCH", id, "{\"note\":null,\"module_id\":null}", &r), 200);
    cr_assert(json_is_null(json_object_get(r.json, "note")));
    cr_assert(json_is_null(json_object_get(r.json, "module_id")));
    ts_resp_free(&r);
    snprintf(body, sizeof(body), "{\"module_id\":\"%s\"}", NIL);
    cr_assert_eq(on_checkin(&learner, "PATCH", id, body, &r), 422);
    cr_assert(ts_has_error(&r, "[\"body\",\"module_id\"]", "value_error"));
    ts_resp_free(&r);

    /* 18:30Z is midnight in Kolkata: the next day, 409 (before the 422 of a bad module). */
    set_clock("2026-12-05T18:30:00.000Z");
    cr_assert_eq(on_checkin(&learner, "PATCH", id, body, &r), 409);
    ts_assert_json(&r, "{\"detail\":\"Check-in can only be edited on the day it was made\"}");
    ts_resp_free(&r);
    /* Back in a zone where it is still the 5th: editable again (today in the current zone). */
    set_zone(&learner, "UTC");
    cr_assert_eq(on_checkin(&learner, "PATCH", id, "{\"confidence\":1}", &r), 200, "%s", r.body);
    cr_assert_str_eq(str(r.json, "timezone"), "Asia/Kolkata", "the zone that made the date");
    ts_resp_free(&r);
}

/* --- list --------------------------------------------------------------------------------- */

Test(checkins, list_orders_by_date_and_filters_a_range)
{
    char path[512], next[256];
    struct ts_resp r;
    for (int d = 1; d <= 6; d++) {
        char at[32], date[16];
        snprintf(at, sizeof(at), "2026-11-%02dT12:00:00.000Z", d);
        snprintf(date, sizeof(date), "2026-11-%02d", d);
        check_in_at(&learner, at, date, NULL);
    }
    check_in_at(&other, "2026-11-03T12:00:00.000Z", "2026-11-03", NULL);

    /* Newest date first, pages of 4 then 2. */
    ts_as(&srv, &learner, "GET", "/api/v1/checkins?limit=4", NULL, &r);
    cr_assert_eq(r.status, 200);
    json_t *items = json_object_get(r.json, "items");
    cr_assert_eq(json_array_size(items), 4);
    cr_assert_str_eq(str(json_array_get(items, 0), "date"), "2026-11-06");
    cr_assert_str_eq(str(json_array_get(items, 3), "date"), "2026-11-03");
    snprintf(next, sizeof(next), "%s", str(r.json, "next_cursor"));
    ts_resp_free(&r);
    snprintf(path, sizeof(path), "/api/v1/checkins?limit=4&cursor=%s", next);
    ts_as(&srv, &learner, "GET", path, NULL, &r);
    items = json_object_get(r.json, "items");
    cr_assert_eq(json_array_size(items), 2);
    cr_assert_str_eq(str(json_array_get(items, 1), "date"), "2026-11-01");
    cr_assert(json_is_null(json_object_get(r.json, "next_cursor")));
    ts_resp_free(&r);

    /* Inclusive range; a one-sided one; the cursor is bound to its range. */
    ts_as(&srv, &learner, "GET", "/api/v1/checkins?from=2026-11-02&to=2026-11-04", NULL, &r);
    items = json_object_get(r.json, "items");
    cr_assert_eq(json_array_size(items), 3);
    cr_assert_str_eq(str(json_array_get(items, 0), "date"), "2026-11-04");
    cr_assert_str_eq(str(json_array_get(items, 2), "date"), "2026-11-02");
    ts_resp_free(&r);
    ts_as(&srv, &learner, "GET", "/api/v1/checkins?from=2026-11-05", NULL, &r);
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 2);
    ts_resp_free(&r);
    snprintf(path, sizeof(path), "/api/v1/checkins?limit=4&from=2026-11-01&cursor=%s", next);
    ts_as(&srv, &learner, "GET", path, NULL, &r);
    cr_assert_eq(r.status, 422);
    cr_assert(ts_has_error(&r, "[\"query\",\"cursor\"]", "value_error"));
    ts_resp_free(&r);

    /* Bad values. */
    ts_as(&srv, &learner, "GET", "/api/v1/checkins?from=2026-11-05&to=2026-11-04", NULL, &r);
    ts_assert_json(&r, "{\"detail\":[{\"loc\":[\"query\",\"from\"],\"msg\":\"Value error, from "
                       "must not be after to\",\"type\":\"value_error\"}]}");
    ts_resp_free(&r);
    ts_as(&srv, &learner, "GET", "/api/v1/checkins?from=2026-02-30&to=yesterday", NULL, &r);
    cr_assert(ts_has_error(&r, "[\"query\",\"from\"]", "date_parsing"), "%s", r.body);
    cr_assert(ts_has_error(&r, "[\"query\",\"to\"]", "date_parsing"), "%s", r.body);
    ts_resp_free(&r);
}

/* --- summary ------------------------------------------------------------------------------ */

Test(checkins, summary_groups_by_day_without_personal_data)
{
    char mid[STR_UUID_SIZE], sid[STR_UUID_SIZE], body[256];
    struct ts_resp r;
    ts_linear_module(&srv, &author, mid, sid);

    /* 3 Dec: learner (5, 4, module) and other (4, 2); 4 Dec: nobody; 5 Dec: other (2, 3). */
    set_clock("2026-12-03T12:00:00.000Z");
    snprintf(body, sizeof(body),
             "{\"mood\":5,\"confidence\":4,\"note\":\"SECRET\",\"module_id\":\"%s\"}", mid);
    cr_assert_eq(check_in(&learner, body, &r), 201);
    ts_resp_free(&r);
    cr_assert_eq(check_in(&other, "{\"mood\":4,\"confidence\":2}", &r), 201);
    ts_resp_free(&r);
    set_clock("2026-12-05T12:00:00.000Z");
    cr_assert_eq(check_in(&other, "{\"mood\":2,\"confidence\":3}", &r), 201);
    ts_resp_free(&r);

    ts_as(&srv, &author, "GET", "/api/v1/checkins/summary?from=2026-12-03&to=2026-12-05", NULL, &r);
    cr_assert_eq(r.status, 200, "%s", r.body);
    ts_assert_json(&r, "{\"from\":\"2026-12-03\",\"to\":\"2026-12-05\",\"total_count\":3,\"days\":["
                       "{\"date\":\"2026-12-03\",\"count\":2,\"average_mood\":4.5,"
                       "\"average_confidence\":3.0},"
                       "{\"date\":\"2026-12-04\",\"count\":0,\"average_mood\":null,"
                       "\"average_confidence\":null},"
                       "{\"date\":\"2026-12-05\",\"count\":1,\"average_mood\":2.0,"
                       "\"average_confidence\":3.0}]}");
    cr_assert_null(strstr(r.body, "SECRET"));
    cr_assert_null(strstr(r.body, learner.id));
    ts_resp_free(&r);

    /* Only those naming the module. */
    char path[256];
    snprintf(path, sizeof(path),
             "/api/v1/checkins/summary?from=2026-12-03&to=2026-12-03&module_id=%s", mid);
    ts_as(&srv, &admin, "GET", path, NULL, &r);
    cr_assert_eq(r.status, 200, "%s", r.body);
    ts_assert_json(&r, "{\"from\":\"2026-12-03\",\"to\":\"2026-12-03\",\"total_count\":1,\"days\":["
                       "{\"date\":\"2026-12-03\",\"count\":1,\"average_mood\":5.0,"
                       "\"average_confidence\":4.0}]}");
    ts_resp_free(&r);

    /* Default range: the 30 days up to today in the caller's zone. */
    set_zone(&author, "Pacific/Kiritimati"); /* 12:00Z is 02:00 on the 6th */
    ts_as(&srv, &author, "GET", "/api/v1/checkins/summary", NULL, &r);
    cr_assert_str_eq(str(r.json, "to"), "2026-12-06");
    cr_assert_str_eq(str(r.json, "from"), "2026-11-07");
    cr_assert_eq(json_array_size(json_object_get(r.json, "days")), 30);
    cr_assert_eq(num(r.json, "total_count"), 3);
    ts_resp_free(&r);
    ts_as(&srv, &author, "GET", "/api/v1/checkins/summary?to=2026-12-04", NULL, &r);
    cr_assert_str_eq(str(r.json, "from"), "2026-11-05");
    cr_assert_eq(num(r.json, "total_count"), 2);
    ts_resp_free(&r);
}

Test(checkins, summary_errors)
{
    char draft[STR_UUID_SIZE], path[256];
    struct ts_resp r;
    ts_as(&srv, &learner, "GET", "/api/v1/checkins/summary", NULL, &r);
    cr_assert_eq(r.status, 403);
    ts_resp_free(&r);

    const char *bad[] = {"from=2026-12-05&to=2026-12-04", "from=2025-12-04&to=2026-12-05",
                         "from=2030-01-01"};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof(path), "/api/v1/checkins/summary?%s", bad[i]);
        ts_as(&srv, &author, "GET", path, NULL, &r);
        cr_assert_eq(r.status, 422, "%s: %s", bad[i], r.body);
        cr_assert(ts_has_error(&r, "[\"query\",\"from\"]", "value_error"), "%s", r.body);
        ts_resp_free(&r);
    }
    /* 366 days is the most. */
    ts_as(&srv, &author, "GET", "/api/v1/checkins/summary?from=2025-12-05&to=2026-12-05", NULL, &r);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_eq(json_array_size(json_object_get(r.json, "days")), 366);
    ts_resp_free(&r);

    ts_module(&srv, &admin, "{\"title\":\"Admin draft\",\"flow_type\":\"linear\"}", draft);
    const char *modules[] = {NIL, draft};
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof(path), "/api/v1/checkins/summary?module_id=%s", modules[i]);
        ts_as(&srv, &author, "GET", path, NULL, &r);
        ts_assert_json(&r, "{\"detail\":[{\"loc\":[\"query\",\"module_id\"],"
                           "\"msg\":\"Value error, unknown module\",\"type\":\"value_error\"}]}");
        ts_resp_free(&r);
    }
    ts_as(&srv, &author, "GET", "/api/v1/checkins/summary?module_id=zz&from=x", NULL, &r);
    cr_assert(ts_has_error(&r, "[\"query\",\"module_id\"]", "uuid_parsing"));
    cr_assert(ts_has_error(&r, "[\"query\",\"from\"]", "date_parsing"));
    ts_resp_free(&r);
}

Test(checkins, literal_routes_win)
{
    struct ts_resp r;
    ts_as(&srv, &learner, "DELETE", "/api/v1/checkins/streak", NULL, &r);
    cr_assert_eq(r.status, 405);
    ts_resp_free(&r);
    ts_as(&srv, &learner, "PATCH", "/api/v1/checkins/summary", "{}", &r);
    cr_assert_eq(r.status, 405);
    ts_resp_free(&r);
}

/* --- time zone names ---------------------------------------------------------------------- */

Test(checkins, every_accepted_zone_dates_check_ins_and_hostile_names_are_refused)
{
    struct ts_resp r;
    char body[160];
    /* Canonical names, links (backward names), deep paths, Etc zones with POSIX signs. */
    const char *good[] = {"America/Argentina/Buenos_Aires",
                          "US/Eastern",
                          "Asia/Calcutta",
                          "Etc/GMT+5",
                          "Etc/GMT-14",
                          "UTC",
                          "Zulu",
                          "Antarctica/Troll",
                          "America/Nuuk",
                          "Australia/Lord_Howe"};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        set_zone(&other, good[i]);
        streak(&other, &r);
        cr_assert_str_eq(str(r.json, "timezone"), good[i]);
        ts_resp_free(&r);
    }
    /* Etc/GMT+5 is five hours *behind* UTC (POSIX signs): 04:59Z is still the previous day. */
    set_zone(&other, "Etc/GMT+5");
    check_in_at(&other, "2026-12-06T04:59:59.000Z", "2026-12-05", NULL);

    const char *bad[] = {"../../etc/passwd", "/etc/passwd",
                         "Europe/../UTC",    "Europe/./Berlin",
                         "localtime",        "posixrules",
                         "Europe",           "zone.tab",
                         "tzdata.zi",        "utc",
                         "Europe/Berlin ",   "Europe//Berlin",
                         "right/UTC",        "",
                         "Mars/Base"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        snprintf(body, sizeof(body), "{\"timezone\":\"%s\"}", bad[i]);
        ts_as(&srv, &learner, "PATCH", "/api/v1/users/me", body, &r);
        cr_assert_eq(r.status, 422, "%s: %s", bad[i], r.body);
        cr_assert(ts_has_error(&r, "[\"body\",\"timezone\"]", "value_error"), "%s", r.body);
        ts_resp_free(&r);
    }
    streak(&learner, &r);
    cr_assert_str_eq(str(r.json, "timezone"), "UTC", "unchanged");
    ts_resp_free(&r);
}

/* --- idempotency, cursors, a zone the database lost ---------------------------------------- */

static long check_in_with_key(const struct ts_user *u, const char *key, const char *body,
                              struct ts_resp *r)
{
    char kh[300];
    snprintf(kh, sizeof(kh), "Idempotency-Key: %s", key);
    const char *h[] = {u->auth, "Content-Type: application/json", kh, NULL};
    ts_http(&srv, "POST", "/api/v1/checkins", h, body, r);
    return r->status;
}

Test(checkins, idempotent_create_replays_even_the_next_day)
{
    struct ts_resp a, b;
    cr_assert_eq(check_in_with_key(&learner, "ci-1", "{\"mood\":4,\"confidence\":2}", &a), 201);
    cr_assert_null(ts_header(&a, "Idempotent-Replayed"));
    cr_assert_eq(check_in_with_key(&learner, "ci-1", "{ \"confidence\": 2, \"mood\": 4 }", &b), 201,
                 "a retry is not a second check-in: %s", b.body);
    cr_assert_str_eq(ts_header(&b, "Idempotent-Replayed"), "true");
    cr_assert_str_eq(a.body, b.body);
    ts_resp_free(&b);
    cr_assert_eq(check_in_with_key(&learner, "ci-1", "{\"mood\":1,\"confidence\":2}", &b), 422);
    cr_assert(ts_has_error(&b, "[\"header\",\"idempotency-key\"]", "idempotency_key_reused"));
    ts_resp_free(&b);
    /* The next day, within IDEMPOTENCY_TTL_SECONDS (24 h), the same retry still replays the
     * stored reply; a new key checks in. */
    set_clock("2026-12-06T06:00:00.000Z");
    cr_assert_eq(check_in_with_key(&learner, "ci-1", "{\"mood\":4,\"confidence\":2}", &b), 201);
    cr_assert_str_eq(b.body, a.body);
    ts_resp_free(&b);
    cr_assert_eq(check_in_with_key(&learner, "ci-2", "{\"mood\":4,\"confidence\":2}", &b), 201);
    cr_assert_str_eq(str(b.json, "date"), "2026-12-06");
    ts_resp_free(&b);
    ts_resp_free(&a);
    assert_streak(&learner, 2, 2, "2026-12-06", "2026-12-06", true);
}

Test(checkins, a_cursor_is_bound_to_its_range)
{
    char path[512], cursor[256];
    struct ts_resp r;
    check_in_at(&learner, "2026-12-04T12:00:00.000Z", "2026-12-04", NULL);
    check_in_at(&learner, "2026-12-05T12:00:00.000Z", "2026-12-05", NULL);
    ts_as(&srv, &learner, "GET", "/api/v1/checkins?limit=1", NULL, &r);
    snprintf(cursor, sizeof(cursor), "%s", str(r.json, "next_cursor"));
    ts_resp_free(&r);
    /* An open end is not the day before 1970-01-01, nor any other day. */
    const char *other_ranges[] = {"from=1969-12-31", "to=1969-12-31", "from=2026-12-01",
                                  "to=2026-12-31"};
    for (int i = 0; i < 4; i++) {
        snprintf(path, sizeof(path), "/api/v1/checkins?limit=1&%s&cursor=%s", other_ranges[i],
                 cursor);
        ts_as(&srv, &learner, "GET", path, NULL, &r);
        cr_assert_eq(r.status, 422, "%s: %s", other_ranges[i], r.body);
        ts_resp_free(&r);
    }
    snprintf(path, sizeof(path), "/api/v1/checkins?limit=1&cursor=%s", cursor);
    ts_as(&srv, &learner, "GET", path, NULL, &r);
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(str(json_array_get(json_object_get(r.json, "items"), 0), "date"),
                     "2026-12-04");
    ts_resp_free(&r);
}

Test(checkins, a_stored_zone_the_tz_database_lost_falls_back_to_utc)
{
    char sql[256];
    struct ts_resp r;
    /* A name no check accepts today, as if the tz database had lost it. */
    snprintf(sql, sizeof(sql), "UPDATE users SET timezone = 'Gone/Zone' WHERE id = '%s'",
             learner.id);
    ts_sql(&srv, sql);
    set_clock("2026-12-05T23:30:00.000Z");
    cr_assert_eq(check_in(&learner, "{\"mood\":3,\"confidence\":3}", &r), 201, "%s", r.body);
    cr_assert_str_eq(str(r.json, "date"), "2026-12-05");
    cr_assert_str_eq(str(r.json, "timezone"), "UTC", "the zone that made the date");
    ts_resp_free(&r);
    streak(&learner, &r);
    cr_assert_str_eq(str(r.json, "timezone"), "UTC");
    ts_resp_free(&r);
    char *log = ts_server_log(&srv);
    cr_assert_not_null(strstr(log, "time zone Gone/Zone of user"), "the log names the zone");
    free(log);
}
