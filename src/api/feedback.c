/*
 * Feedback endpoints (API.md §9): anyone who can see a published module may rate it, any
 * number of times, optionally about one of its screens; the module's author is notified in
 * the same transaction (not of their own feedback). The author (or an admin) reads the list
 * and the summary.
 *
 * Sections: rendering; create; list and summary.
 */
#include "api/feedback.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "api/module_access.h"
#include "api/module_cache.h"
#include "api/notifications.h"
#include "api/page.h"
#include "api/schemas.h"
#include "db/feedback.h"
#include "http/idempotency.h"
#include "domain/stats.h"
#include "util/crypto.h"
#include "util/err.h"
#include "util/time.h"

/* --- rendering -------------------------------------------------------------------------- */

/* The Feedback object of §9 as JSON text. */
static void render_feedback(struct buf *b, const void *item)
{
    const struct feedback *f = item;

    buf_printf(b, "{\"id\":\"%s\",\"module_id\":\"%s\"", f->id, f->module_id);
    buf_json_nullable_member(b, "screen_id", f->screen_id);
    buf_printf(b, ",\"user_id\":\"%s\",\"rating\":%d", f->user_id, f->rating);
    /* An empty comment is a comment: only NULL is null. */
    if (f->comment != NULL)
        buf_json_string_member(b, "comment", f->comment);
    else
        buf_puts(b, ",\"comment\":null");
    time_json_member(b, "created_at", f->created_at);
    buf_puts(b, "}");
}

static const struct page_item_ops feedback_items = {.key_offset =
                                                        offsetof(struct feedback, created_at),
                                                    .id_offset = offsetof(struct feedback, id),
                                                    .render_text = render_feedback};

/* --- create ----------------------------------------------------------------------------- */

/* Whether screen `id` is one of the module's (its screens, from the module view). 0, or -1
 * after replying 422 (not one of them) or the failure. */
static int screen_or_reply(struct http_req *r, const struct module *m, const char *id)
{
    const struct module_view *view;
    int rc = api_module_view_get(r, m, &view);

    if (rc < 0)
        return http_reply_err(r, rc), -1;
    if (api_module_view_find(view, id) >= 0)
        return 0;
    struct valid v;
    valid_init(&v, &r->arena, "body");
    valid_value_error(&v, "screen_id", "screen does not belong to this module");
    http_valid_or_reply(r, &v);
    return -1;
}

int api_feedback_create(struct http_req *r)
{
    struct feedback f = {0};
    struct module m;
    struct valid v;
    int64_t rating = 0;

    valid_init(&v, &r->arena, "body");
    valid_field(&v, r->json, &schema_feedback_create_body, "rating", &rating);
    valid_field(&v, r->json, &schema_feedback_create_body, "comment", &f.comment);
    valid_field(&v, r->json, &schema_feedback_create_body, "screen_id", f.screen_id);
    if (api_path_id_or_reply(r, "module_id", &v, f.module_id) < 0 ||
        http_idem_begin_or_reply(r) < 0)
        return 0;

    /* The module is share-locked: an archive cannot commit between the status check and the
     * insert, while feedback on the same module from many learners goes on side by side. */
    if (http_begin_write_or_reply(r) < 0 ||
        api_module_load_or_reply(r, f.module_id, API_MODULE_SHARE, &m) < 0)
        return 0;
    if (m.status != MODULE_PUBLISHED)
        return http_reply_detail(r, 409, "Feedback is only accepted on published modules");
    if (f.screen_id[0] != '\0' && screen_or_reply(r, &m, f.screen_id) < 0)
        return 0;

    crypto_uuid_v4(f.id);
    snprintf(f.user_id, sizeof(f.user_id), "%s", r->user->id);
    f.rating = (int)rating;
    f.created_at = time_now_ms();
    int rc = db_feedback_insert(r->conn, &f);
    if (rc == 0 && strcmp(m.author_id, r->user->id) != 0) {
        struct notification_about about = {
            .module_id = m.id, .module_title = m.title, .feedback_id = f.id, .rating = f.rating};
        rc = api_notification_create(r, m.author_id, NOTIFICATION_FEEDBACK_RECEIVED, &about);
    }
    if (rc < 0)
        return http_reply_err(r, rc);
    return http_commit_and_reply(r, 201, api_item_json(render_feedback, &f));
}

/* --- list and summary ------------------------------------------------------------------- */

int api_feedback_list(struct http_req *r)
{
    struct db_feedback_filter f = {0};
    char module_id[STR_UUID_SIZE], screen_id[STR_UUID_SIZE] = "";
    struct module m;
    struct valid pv, v;
    struct page_in page;
    int64_t rating = 0;

    valid_init(&pv, &r->arena, "path");
    api_path_id(r, &pv, "module_id", module_id);
    valid_init(&v, &r->arena, "query");
    valid_text_field(&v, &schema_feedback_query, "rating", http_query(r, "rating"), &rating);
    if (valid_text_field(&v, &schema_feedback_query, "screen_id", http_query(r, "screen_id"),
                         screen_id) == V_OK)
        f.screen_id = screen_id;
    /* The cursor is bound to the module (its canonical id: the path takes any hex case) and the
     * filters (§1.7). */
    const char *scope =
        arena_printf(&r->arena, "feedback|%s|%d|%s", module_id, (int)rating, screen_id);
    if (api_page_parse_path_or_reply(r, &pv, &v, scope, &page) < 0 ||
        api_module_load_or_reply(r, module_id, API_MODULE_OWNER, &m) < 0)
        return 0;
    f.module_id = m.id;
    f.rating = (int)rating;
    f.page = api_page_keyset(&page);

    struct feedback *items = NULL;
    struct db_conn *c;
    int n = 0;
    int rc = http_conn(r, &c);
    if (rc == 0)
        rc = db_feedback_list(c, &r->arena, &f, &items, &n);
    return api_page_reply(r, rc, &page, scope, items, sizeof(*items), n, &feedback_items);
}

int api_feedback_summary(struct http_req *r)
{
    char module_id[STR_UUID_SIZE];
    struct module m;
    int64_t counts[5];

    if (api_path_id_or_reply(r, "module_id", NULL, module_id) < 0 ||
        api_module_load_or_reply(r, module_id, API_MODULE_OWNER, &m) < 0)
        return 0;
    struct db_conn *c;
    int rc = http_conn(r, &c);
    if (rc == 0)
        rc = db_feedback_counts(c, m.id, counts);
    if (rc < 0)
        return http_reply_err(r, rc);

    int64_t count = 0, sum = 0;
    for (int i = 0; i < 5; i++) {
        count += counts[i];
        sum += counts[i] * (i + 1);
    }
    struct buf b;
    buf_init(&b, SIZE_MAX);
    buf_printf(&b, "{\"module_id\":\"%s\",\"count\":%lld", m.id, (long long)count);
    stats_json_member(&b, "average_rating", sum, count, 2, "null");
    buf_printf(&b, ",\"distribution\":{\"1\":%lld,\"2\":%lld,\"3\":%lld,\"4\":%lld,\"5\":%lld}}",
               (long long)counts[0], (long long)counts[1], (long long)counts[2],
               (long long)counts[3], (long long)counts[4]);
    rc = http_reply_raw(r, 200, "application/json", b.data, b.len);
    buf_free(&b);
    return rc;
}
