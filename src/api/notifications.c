/*
 * Notification endpoints (API.md §12): the caller's own notifications only; anyone else's is
 * 404 like a missing one. Every endpoint is one statement, so none opens a transaction.
 *
 * Sections: rendering and creating; list and count; marking read.
 */
#include "api/notifications.h"

#include <stddef.h>

#include "api/module_access.h"
#include "api/notification_render.h"
#include "api/page.h"
#include "api/schemas.h"
#include "db/notifications.h"
#include "util/err.h"
#include "util/log.h"
#include "util/time.h"

/* --- rendering and creating ------------------------------------------------------------- */

int api_notification_create(struct http_req *r, const char *user_id, enum notification_type type,
                            const struct notification_about *about)
{
    struct notification n;
    struct db_conn *c;
    int rc = http_conn(r, &c);

    if (rc < 0)
        return rc;
    notification_new(&r->arena, user_id, type, about, time_now_ms(), &n);
    rc = db_notifications_insert(c, &n);
    if (rc == 0)
        http_notification_created(r, n.user_id, n.seq, (int)n.type);
    return rc;
}

/* --- list and count --------------------------------------------------------------------- */

static void render_item(struct buf *b, const void *item)
{
    api_notification_render(b, item); /* b has no cap */
}

/* The keyset is seq alone (unique); the id rides along because the page helper carries one. */
static const struct page_item_ops notification_items = {
    .key_offset = offsetof(struct notification, seq),
    .id_offset = offsetof(struct notification, id),
    .render_text = render_item};

int api_notifications_list(struct http_req *r)
{
    struct db_notifications_filter f = {.user_id = r->user->id, .unread = -1};
    struct notification *items = NULL;
    struct page_in page;
    struct valid v;
    bool unread = false;
    int n = 0;

    valid_init(&v, &r->arena, "query");
    if (valid_text_field(&v, &schema_notifications_query, "unread", http_query(r, "unread"),
                         &unread) == V_OK)
        f.unread = unread;
    /* Bound to the filter as interpreted, so "true" and "1" page alike. */
    const char *scope = arena_printf(&r->arena, "notifications|%d", f.unread);
    if (api_page_parse_or_reply(r, &v, scope, &page) < 0)
        return 0;
    f.page = api_page_keyset(&page);
    struct db_conn *c;
    int rc = http_conn(r, &c);
    if (rc == 0)
        rc = db_notifications_list(c, &r->arena, &f, &items, &n);
    return api_page_reply(r, rc, &page, scope, items, sizeof(*items), n, &notification_items);
}

int api_notifications_unread_count(struct http_req *r)
{
    struct db_conn *c;
    int64_t count = 0;
    int rc = http_conn(r, &c);

    if (rc == 0)
        rc = db_notifications_unread_count(c, r->user->id, &count);
    if (rc < 0)
        return http_reply_err(r, rc);
    return http_reply_json_new(r, 200, json_pack("{s:I}", "count", (json_int_t)count));
}

/* --- marking read ----------------------------------------------------------------------- */

int api_notifications_read(struct http_req *r)
{
    struct notification n;
    struct valid v;
    char id[STR_UUID_SIZE];

    valid_init(&v, &r->arena, "path");
    api_path_id(r, &v, "notification_id", id);
    if (http_valid_or_reply(r, &v) < 0)
        return 0;
    struct db_conn *c;
    int rc = http_conn(r, &c);
    if (rc == 0) /* someone else's notification is not found, as a missing one */
        rc = db_notifications_mark_read(c, &r->arena, r->user->id, id, time_now_ms(), &n);
    if (rc < 0)
        return http_reply_err(r, rc);
    return http_reply_json_new(r, 200, api_notification_to_json(&n));
}

int api_notifications_read_all(struct http_req *r)
{
    struct db_conn *c;
    int64_t updated = 0;
    int rc = http_conn(r, &c);

    if (rc == 0)
        rc = db_notifications_mark_all_read(c, r->user->id, time_now_ms(), &updated);
    if (rc < 0)
        return http_reply_err(r, rc);
    return http_reply_json_new(r, 200, json_pack("{s:I}", "updated", (json_int_t)updated));
}
