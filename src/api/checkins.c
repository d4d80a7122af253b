/*
 * Check-in endpoints (API.md §10). A check-in belongs to the local calendar day of its
 * creation in the user's time zone (util/tz.h reads the zone; no process-wide TZ), at most one
 * per (user, day) by the database's unique key. Check-ins are private: every endpoint but the
 * summary reads only the caller's own, and someone else's id is 404 (admins included). The
 * summary shows authors aggregates by day, never a note, a user or a single value.
 *
 * Streaks are kept up to date as check-ins are written (streak_add(), in the creating
 * transaction), so GET /streak reads two index entries whatever the history's length.
 *
 * Sections: today and rendering; create; read and edit; lists; streak and summary.
 */
#include "api/checkins.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "api/module_access.h"
#include "api/page.h"
#include "api/schemas.h"
#include "db/checkins.h"
#include "http/idempotency.h"
#include "domain/checkin.h"
#include "domain/stats.h"
#include "util/crypto.h"
#include "util/err.h"
#include "util/log.h"
#include "util/time.h"
#include "util/tz.h"

/* --- today and rendering ---------------------------------------------------------------- */

/*
 * The local day at `now_ms` in the caller's current time zone, and that zone's name in *zone.
 * Every stored name passed tz_is_known() when it was set, and a loaded zone stays loaded, so
 * the fallback is for a deployment whose tz database lost a zone under a fresh process: the
 * request is answered in UTC (and says so in `timezone`) rather than failing, and the log
 * names the zone.
 */
static int64_t local_day(struct http_req *r, int64_t now_ms, const char **zone)
{
    const struct tz_zone *z = tz_get(r->user->timezone);

    *zone = r->user->timezone;
    if (z == NULL) {
        log_msg(LOG_ERROR, "checkins",
                "time zone %s of user %s cannot be loaded from the tz database; using UTC",
                r->user->timezone, r->user->id);
        *zone = "UTC";
        z = tz_get("UTC");
    }
    if (z != NULL)
        return tz_local_day(z, now_ms);
    return now_ms / 86400000 - (now_ms % 86400000 < 0); /* no tz database at all */
}

/* Today's day number in the caller's current time zone. */
static int64_t caller_today(struct http_req *r)
{
    const char *zone;

    return local_day(r, time_now_ms(), &zone);
}

/* Appends "YYYY-MM-DD" of day number `day`, quoted. */
static void date_json(struct buf *b, int64_t day)
{
    char text[TIME_DATE_LEN];

    time_format_date(time_days_to_date(day), text);
    buf_printf(b, "\"%s\"", text);
}

/* The Checkin object of §10 as JSON text. */
static void render_checkin(struct buf *b, const void *item)
{
    const struct checkin *ck = item;

    buf_printf(b, "{\"id\":\"%s\",\"user_id\":\"%s\",\"date\":", ck->id, ck->user_id);
    date_json(b, ck->day);
    buf_json_string_member(b, "timezone", ck->timezone);
    buf_printf(b, ",\"mood\":%d,\"confidence\":%d", ck->mood, ck->confidence);
    if (ck->note != NULL) /* "" is a note; only NULL is null */
        buf_json_string_member(b, "note", ck->note);
    else
        buf_puts(b, ",\"note\":null");
    buf_json_nullable_member(b, "module_id", ck->module_id);
    time_json_member(b, "created_at", ck->created_at);
    time_json_member(b, "updated_at", ck->updated_at);
    buf_puts(b, "}");
}

static json_t *checkin_json(const struct checkin *ck)
{
    return api_item_json(render_checkin, ck);
}

static const struct page_item_ops checkin_items = {.key_offset = offsetof(struct checkin, day),
                                                   .id_offset = offsetof(struct checkin, id),
                                                   .render_text = render_checkin};

/* --- create ----------------------------------------------------------------------------- */

/* 422 "unknown module" at [root, "module_id"]: a module the caller may not see. Returns 0. */
static int reply_unknown_module(struct http_req *r, const char *root)
{
    struct valid v;

    valid_init(&v, &r->arena, root);
    valid_value_error(&v, "module_id", "unknown module");
    http_valid_or_reply(r, &v);
    return 0;
}

/* Whether module `id` is one the caller may see: 0, TS_ENOTFOUND, or another TS_E* code. In a
 * write it is share-locked until the transaction ends, so it cannot be deleted before the
 * check-in that names it commits (a draft's delete locks the module first, then the check-ins
 * that name it: every writer takes the two in that order). */
static int module_visible(struct http_req *r, const char *id, bool write)
{
    struct module m;

    return api_module_load(r, id, write ? API_MODULE_SHARE : API_MODULE_VISIBLE, &m);
}

/* The 409 of a second check-in on one day, with the existing one's id. */
static int reply_already(struct http_req *r, const char *id)
{
    return http_reply_json_new(
        r, 409, json_pack("{s:s,s:s}", "detail", "Already checked in today", "checkin_id", id));
}

/* Reads the fields that create and edit share into `ck`, as schema `s` (create or patch)
 * defines them. */
static void parse_values(struct valid *v, const struct schema *s, json_t *body, struct checkin *ck,
                         int got[4])
{
    int64_t mood = 0, confidence = 0;

    got[0] = valid_field(v, body, s, "mood", &mood);
    got[1] = valid_field(v, body, s, "confidence", &confidence);
    got[2] = valid_field(v, body, s, "note", &ck->note);
    got[3] = valid_field(v, body, s, "module_id", ck->module_id);
    if (got[0] == V_OK)
        ck->mood = (int)mood;
    if (got[1] == V_OK)
        ck->confidence = (int)confidence;
}

/* Adds the new check-in day `day` to the user's streak state: it joins the runs next to it,
 * and the joined run may be the longest. 0 or a TS_E* code. */
static int streak_add(struct db_conn *c, const char *user_id, int64_t day)
{
    struct checkin_run adjacent[2];
    int64_t longest;
    int n = 0;
    int rc = db_checkins_streak_lock(c, user_id, day, &longest);

    if (rc == 0)
        rc = db_checkins_runs_take(c, user_id, day, adjacent, &n);
    if (rc == 0)
        rc = db_checkins_runs_put(c, user_id, checkin_run_join(day, adjacent, n), longest);
    return rc;
}

int api_checkins_create(struct http_req *r)
{
    struct checkin ck = {0};
    struct valid v;
    int got[4];

    valid_init(&v, &r->arena, "body");
    parse_values(&v, &schema_checkin_create_body, r->json, &ck, got);
    if (http_valid_or_reply(r, &v) < 0 || http_idem_begin_or_reply(r) < 0)
        return 0;

    if (http_begin_write_or_reply(r) < 0)
        return 0;
    int rc = ck.module_id[0] != '\0' ? module_visible(r, ck.module_id, true) : 0;
    if (rc == TS_ENOTFOUND)
        return reply_unknown_module(r, "body");
    if (rc < 0)
        return http_reply_err(r, rc);
    /* One reading of the clock for the date and the timestamps, taken after the module check:
     * when that waited for a lock, the check-in belongs to the moment it is written. */
    ck.created_at = ck.updated_at = time_now_ms();
    ck.day = local_day(r, ck.created_at, &ck.timezone);
    crypto_uuid_v4(ck.id);
    snprintf(ck.user_id, sizeof(ck.user_id), "%s", r->user->id);

    bool created = false;
    char existing[STR_UUID_SIZE];
    rc = db_checkins_insert(r->conn, &ck, &created, existing);
    if (rc == 0 && !created)
        return reply_already(r, existing);
    if (rc == 0)
        rc = streak_add(r->conn, ck.user_id, ck.day);
    if (rc < 0)
        return http_reply_err(r, rc);
    return http_commit_and_reply(r, 201, checkin_json(&ck));
}

/* --- read and edit ---------------------------------------------------------------------- */

int api_checkins_get(struct http_req *r)
{
    struct checkin ck;
    char id[STR_UUID_SIZE];
    struct db_conn *c;

    if (api_path_id_or_reply(r, "checkin_id", NULL, id) < 0)
        return 0;
    int rc = http_conn(r, &c);
    if (rc == 0)
        rc = db_checkins_get(c, &r->arena, id, r->user->id, false, &ck);
    if (rc < 0)
        return http_reply_err(r, rc);
    return http_reply_json_new(r, 200, checkin_json(&ck));
}

int api_checkins_patch(struct http_req *r)
{
    struct checkin in = {0}, ck;
    struct valid v;
    char id[STR_UUID_SIZE];
    int got[4];

    valid_init(&v, &r->arena, "body");
    parse_values(&v, &schema_checkin_patch_body, r->json, &in, got);
    if (api_path_id_or_reply(r, "checkin_id", &v, id) < 0 || http_begin_write_or_reply(r) < 0)
        return 0;
    /* The module is locked before the check-in (module_visible() says why); its verdict waits
     * for §10's order: 404, then 409, then 422 unknown module. */
    int module_rc = got[3] == V_OK ? module_visible(r, in.module_id, true) : 0;
    if (module_rc < 0 && module_rc != TS_ENOTFOUND)
        return http_reply_err(r, module_rc);
    int rc = db_checkins_get(r->conn, &r->arena, id, r->user->id, true, &ck);
    if (rc < 0)
        return http_reply_err(r, rc);
    if (!checkin_editable(ck.day, caller_today(r)))
        return http_reply_detail(r, 409, "Check-in can only be edited on the day it was made");
    if (module_rc == TS_ENOTFOUND)
        return reply_unknown_module(r, "body");

    if (got[0] == V_OK)
        ck.mood = in.mood;
    if (got[1] == V_OK)
        ck.confidence = in.confidence;
    if (got[2] == V_OK || got[2] == V_NULL)
        ck.note = got[2] == V_OK ? in.note : NULL;
    if (got[3] == V_OK || got[3] == V_NULL)
        snprintf(ck.module_id, sizeof(ck.module_id), "%s", got[3] == V_OK ? in.module_id : "");
    ck.updated_at = time_now_ms();
    rc = db_checkins_update(r->conn, &ck);
    if (rc < 0)
        return http_reply_err(r, rc);
    return http_commit_and_reply(r, 200, checkin_json(&ck));
}

/* --- lists ------------------------------------------------------------------------------ */

/* Reads the optional `from` and `to` dates of the query (schema `s`) as day numbers; records
 * "from must not be after to" when both are given the wrong way round. */
static void parse_range(struct valid *v, const struct schema *s, struct http_req *r, bool *has_from,
                        int64_t *from, bool *has_to, int64_t *to)
{
    struct ts_date d;

    *has_from = valid_text_field(v, s, "from", http_query(r, "from"), &d) == V_OK;
    if (*has_from)
        *from = time_date_to_days(d);
    *has_to = valid_text_field(v, s, "to", http_query(r, "to"), &d) == V_OK;
    if (*has_to)
        *to = time_date_to_days(d);
    if (*has_from && *has_to && *from > *to)
        valid_value_error(v, "from", "from must not be after to");
}

int api_checkins_list(struct http_req *r)
{
    struct db_checkins_filter f = {.user_id = r->user->id};
    struct checkin *items = NULL;
    struct page_in page;
    struct valid v;
    struct db_conn *c;
    int n = 0;

    valid_init(&v, &r->arena, "query");
    parse_range(&v, &schema_checkins_query, r, &f.has_from, &f.from, &f.has_to, &f.to);
    /* The cursor is bound to the range; "-" (never a day number) stands for an open end. */
    char from[24] = "-", to[24] = "-";
    if (f.has_from)
        snprintf(from, sizeof(from), "%lld", (long long)f.from);
    if (f.has_to)
        snprintf(to, sizeof(to), "%lld", (long long)f.to);
    const char *scope = arena_printf(&r->arena, "checkins|%s|%s", from, to);
    if (api_page_parse_or_reply(r, &v, scope, &page) < 0)
        return 0;
    f.page = api_page_keyset(&page);
    int rc = http_conn(r, &c);
    if (rc == 0)
        rc = db_checkins_list(c, &r->arena, &f, &items, &n);
    return api_page_reply(r, rc, &page, scope, items, sizeof(*items), n, &checkin_items);
}

/* --- streak and summary ----------------------------------------------------------------- */

int api_checkins_streak(struct http_req *r)
{
    struct checkin_streak_state st;
    struct db_conn *c;
    const char *zone;
    int64_t today = local_day(r, time_now_ms(), &zone);
    int rc = http_conn(r, &c);
    if (rc == 0)
        rc = db_checkins_streak_get(c, r->user->id, today, &st);
    if (rc < 0)
        return http_reply_err(r, rc);
    struct checkin_streak s = checkin_streak_on(today, &st);

    struct buf b;
    buf_init(&b, SIZE_MAX);
    buf_printf(&b, "{\"current_streak\":%lld,\"longest_streak\":%lld,\"last_checkin_date\":",
               (long long)s.current, (long long)s.longest);
    if (s.has_last)
        date_json(&b, s.last_day);
    else
        buf_puts(&b, "null");
    buf_puts(&b, ",\"today\":");
    date_json(&b, today);
    buf_printf(&b, ",\"today_done\":%s", s.today_done ? "true" : "false");
    buf_json_string_member(&b, "timezone", zone);
    buf_puts(&b, "}");
    rc = http_reply_raw(r, 200, "application/json", b.data, b.len);
    buf_free(&b);
    return rc;
}

/* Appends the summary's days from `from` to `to`, one entry per day, from the days that have
 * check-ins (`days`, ascending); adds up the total. */
static void render_days(struct buf *b, int64_t from, int64_t to, const struct db_checkins_day *days,
                        int n, int64_t *total)
{
    int j = 0;

    *total = 0;
    buf_puts(b, ",\"days\":[");
    for (int64_t day = from; day <= to; day++) {
        struct db_checkins_day d = {day, 0, 0, 0};
        if (j < n && days[j].day == day)
            d = days[j++];
        *total += d.count;
        buf_puts(b, day > from ? ",{\"date\":" : "{\"date\":");
        date_json(b, day);
        buf_printf(b, ",\"count\":%lld", (long long)d.count);
        stats_json_member(b, "average_mood", d.mood_sum, d.count, 2, "null");
        stats_json_member(b, "average_confidence", d.confidence_sum, d.count, 2, "null");
        buf_puts(b, "}");
    }
    buf_puts(b, "]");
}

int api_checkins_summary(struct http_req *r)
{
    char module_id[STR_UUID_SIZE] = "";
    bool has_from, has_to;
    int64_t from = 0, to = 0;
    struct valid v;

    valid_init(&v, &r->arena, "query");
    parse_range(&v, &schema_checkins_summary_query, r, &has_from, &from, &has_to, &to);
    bool has_module = valid_text_field(&v, &schema_checkins_summary_query, "module_id",
                                       http_query(r, "module_id"), module_id) == V_OK;
    /* A missing `to` is today; a missing `from` is relative to `to`. With both given, a
     * reversed range was recorded by parse_range(). */
    int64_t now_day = valid_ok(&v) && !has_to ? caller_today(r) : to;
    enum checkin_range_result range = CHECKIN_RANGE_OK;
    if (valid_ok(&v))
        range = checkin_summary_range(has_from, has_to, now_day, &from, &to);
    if (range == CHECKIN_RANGE_REVERSED)
        valid_value_error(&v, "from", "from must not be after to");
    else if (range == CHECKIN_RANGE_TOO_LONG)
        valid_value_error(&v, "from", "the range must not exceed 366 days");
    if (http_valid_or_reply(r, &v) < 0)
        return 0;
    int rc = has_module ? module_visible(r, module_id, false) : 0;
    if (rc == TS_ENOTFOUND)
        return reply_unknown_module(r, "query");
    if (rc < 0)
        return http_reply_err(r, rc);

    struct db_checkins_day *days = NULL;
    struct db_conn *c;
    int n = 0;
    rc = http_conn(r, &c);
    if (rc == 0)
        rc = db_checkins_by_day(c, &r->arena, from, to, has_module ? module_id : NULL, &days, &n);
    if (rc < 0)
        return http_reply_err(r, rc);

    struct buf b;
    int64_t total;
    buf_init(&b, SIZE_MAX);
    buf_puts(&b, "{\"from\":");
    date_json(&b, from);
    buf_puts(&b, ",\"to\":");
    date_json(&b, to);
    render_days(&b, from, to, days, n, &total);
    buf_printf(&b, ",\"total_count\":%lld}", (long long)total);
    rc = http_reply_raw(r, 200, "application/json", b.data, b.len);
    buf_free(&b);
    return rc;
}
