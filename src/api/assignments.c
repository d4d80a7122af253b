/*
 * Assignment endpoints (API.md §11): an author assigns a published module to a user, at most
 * once per (module, user); the assignee is notified in the same transaction.
 *
 * Visibility: an assignment is seen by its creator (assigned_by), its assignee and admins;
 * anyone else gets 404. Changing or deleting it takes its creator or an admin (403 for the
 * assignee). Uniqueness is the database's: of concurrent creates for one (module, user) the
 * unique key lets one insert win, and the others answer 409 with the winner's id.
 *
 * Sections: rendering; loading for the caller; create; get, patch, delete; lists.
 */
#include "api/assignments.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "api/module_access.h"
#include "api/notifications.h"
#include "api/page.h"
#include "api/schemas.h"
#include "db/assignments.h"
#include "db/users.h"
#include "domain/assignment.h"
#include "http/idempotency.h"
#include "util/crypto.h"
#include "util/err.h"
#include "util/time.h"

/* --- rendering -------------------------------------------------------------------------- */

/* The Assignment object of §11, with `overdue` as of now, as JSON text (lists render pages of
 * them straight to text, without a jansson tree). */
static void render_assignment(struct buf *b, const void *item)
{
    const struct db_assignment_item *it = item;
    const struct assignment *a = &it->a;

    buf_printf(b, "{\"id\":\"%s\",\"module_id\":\"%s\",\"user_id\":\"%s\",\"assigned_by\":\"%s\"",
               a->id, a->module_id, a->user_id, a->assigned_by);
    time_json_member(b, "due_at", a->due_at);
    time_json_member(b, "created_at", a->created_at);
    time_json_member(b, "updated_at", a->updated_at);
    buf_printf(b, ",\"module\":{\"id\":\"%s\"", a->module_id);
    buf_json_string_member(b, "title", it->title);
    buf_printf(b, ",\"flow_type\":\"%s\",\"status\":\"%s\"}", flow_type_names[it->flow],
               module_status_names[it->module_status]);
    buf_printf(b, ",\"progress_status\":\"%s\",\"progress_percent\":%d,\"overdue\":%s}",
               progress_status_names[it->progress_status], it->progress_percent,
               assignment_is_overdue(a->due_at, it->progress_status, time_now_ms()) ? "true"
                                                                                    : "false");
}

/* The same object as a jansson tree, for the replies of one assignment. */
static json_t *assignment_json(const struct db_assignment_item *it)
{
    return api_item_json(render_assignment, it);
}

static const struct page_item_ops assignment_items = {
    .key_offset = offsetof(struct db_assignment_item, a.created_at),
    .id_offset = offsetof(struct db_assignment_item, a.id),
    .render_text = render_assignment};

/* --- loading for the caller ------------------------------------------------------------- */

static bool is_creator(const struct http_req *r, const struct assignment *a)
{
    return r->user->role == ROLE_ADMIN || strcmp(a->assigned_by, r->user->id) == 0;
}

/*
 * Assignment `id` as the caller may see it: 404 unless they created it, are its assignee or
 * an admin; with `edit`, 403 unless they created it or are an admin. `lock` holds the row
 * until the request's transaction ends (opened by the caller). 0, or -1 after replying.
 */
static int load_or_reply(struct http_req *r, const char *id, bool lock, bool edit,
                         struct db_assignment_item *it)
{
    struct db_conn *c;
    int rc = http_conn(r, &c);

    if (rc == 0)
        rc = db_assignments_get(c, &r->arena, id, lock, it);
    if (rc == 0 && !is_creator(r, &it->a) && strcmp(it->a.user_id, r->user->id) != 0)
        rc = TS_ENOTFOUND;
    if (rc == 0 && edit && !is_creator(r, &it->a))
        rc = TS_EFORBIDDEN;
    if (rc < 0) {
        http_reply_err(r, rc);
        return -1;
    }
    return 0;
}

/* Reads `due_at` as schema `s` (create or patch) defines it and checks it lies in the future:
 * a step-5 check, as it needs no stored data. */
static int parse_due_at(struct valid *v, const struct schema *s, json_t *body, int64_t *due_at)
{
    int got = valid_field(v, body, s, "due_at", due_at);

    if (got == V_OK && *due_at <= time_now_ms()) {
        valid_value_error(v, "due_at", "due_at must be in the future");
        return V_ERR;
    }
    if (got == V_NULL)
        *due_at = 0;
    return got;
}

/* --- create ----------------------------------------------------------------------------- */

/* 422 with one value_error at ["body", key]. Returns 0. */
static int reply_body_error(struct http_req *r, const char *key, const char *reason)
{
    struct valid v;

    valid_init(&v, &r->arena, "body");
    valid_value_error(&v, key, reason);
    http_valid_or_reply(r, &v);
    return 0;
}

/*
 * The 409 of a create that lost to an existing assignment, with that assignment's id. The
 * failed INSERT aborted the transaction (PostgreSQL), so it is rolled back first and the id
 * read afterwards: the winner has committed by then, as the loser's INSERT waited for it.
 */
static int reply_already_assigned(struct http_req *r, const struct assignment *a)
{
    char id[STR_UUID_SIZE];

    db_rollback(r->conn);
    int rc = db_assignments_find(r->conn, a->module_id, a->user_id, id);
    if (rc == TS_ENOTFOUND) /* deleted again in the meantime: the conflict itself stands */
        return http_reply_detail(r, 409, "Module already assigned to this user");
    if (rc < 0)
        return http_reply_err(r, rc);
    return http_reply_json_new(r, 409,
                               json_pack("{s:s,s:s}", "detail",
                                         "Module already assigned to this user", "assignment_id",
                                         id));
}

/* The module the body names, as the caller may see it (else 422 unknown module), share-locked
 * so that an archive cannot slip in before the commit, while assignments of the same module
 * (assigning a team) go on side by side. 0, or -1 after replying. */
static int module_or_reply(struct http_req *r, const char *id, struct module *m)
{
    int rc = api_module_load(r, id, API_MODULE_SHARE, m);

    if (rc == 0)
        return 0;
    if (rc == TS_ENOTFOUND)
        reply_body_error(r, "module_id", "unknown module");
    else
        http_reply_err(r, rc);
    return -1;
}

int api_assignments_create(struct http_req *r)
{
    struct assignment a = {0};
    struct db_assignment_item it;
    struct module m;
    struct user u;
    struct valid v;

    valid_init(&v, &r->arena, "body");
    valid_field(&v, r->json, &schema_assignment_create_body, "module_id", a.module_id);
    valid_field(&v, r->json, &schema_assignment_create_body, "user_id", a.user_id);
    parse_due_at(&v, &schema_assignment_create_body, r->json, &a.due_at);
    if (http_valid_or_reply(r, &v) < 0 || http_idem_begin_or_reply(r) < 0)
        return 0;

    /* Step 7, in the order of §11's error table. */
    if (http_begin_write_or_reply(r) < 0 || module_or_reply(r, a.module_id, &m) < 0)
        return 0;
    int rc = db_users_get(r->conn, &r->arena, a.user_id, &u);
    if (rc == TS_ENOTFOUND || (rc == 0 && !u.active))
        return reply_body_error(r, "user_id", "unknown or inactive user");
    if (rc < 0)
        return http_reply_err(r, rc);
    if (m.status != MODULE_PUBLISHED)
        return http_reply_detail(r, 409, "Only published modules can be assigned");

    crypto_uuid_v4(a.id);
    snprintf(a.assigned_by, sizeof(a.assigned_by), "%s", r->user->id);
    a.created_at = a.updated_at = time_now_ms();
    rc = db_assignments_insert(r->conn, &a);
    if (rc == TS_ECONFLICT)
        return reply_already_assigned(r, &a);
    struct notification_about about = {
        .module_id = m.id, .module_title = m.title, .assignment_id = a.id, .due_at = a.due_at};
    if (rc == 0)
        rc = api_notification_create(r, a.user_id, NOTIFICATION_MODULE_ASSIGNED, &about);
    if (rc == 0) /* with the assignee's progress, which may predate the assignment */
        rc = db_assignments_get(r->conn, &r->arena, a.id, false, &it);
    if (rc < 0)
        return http_reply_err(r, rc);
    return http_commit_and_reply(r, 201, assignment_json(&it));
}

/* --- get, patch, delete ----------------------------------------------------------------- */

int api_assignments_get(struct http_req *r)
{
    struct db_assignment_item it;
    char id[STR_UUID_SIZE];

    if (api_path_id_or_reply(r, "assignment_id", NULL, id) < 0 ||
        load_or_reply(r, id, false, false, &it) < 0)
        return 0;
    return http_reply_json_new(r, 200, assignment_json(&it));
}

int api_assignments_patch(struct http_req *r)
{
    struct db_assignment_item it;
    struct valid v;
    char id[STR_UUID_SIZE];
    int64_t due_at = 0;

    valid_init(&v, &r->arena, "body");
    int got = parse_due_at(&v, &schema_assignment_patch_body, r->json, &due_at);
    if (api_path_id_or_reply(r, "assignment_id", &v, id) < 0)
        return 0;
    if (http_begin_write_or_reply(r) < 0 || load_or_reply(r, id, true, true, &it) < 0)
        return 0;
    /* An absent due_at, or the one already set, changes nothing (updated_at included). A new
     * one re-arms the due-soon reminder. */
    if ((got == V_OK || got == V_NULL) && due_at != it.a.due_at) {
        it.a.due_at = due_at;
        it.a.due_soon_for = 0;
        it.a.updated_at = time_now_ms();
        int rc = db_assignments_set_due(r->conn, it.a.id, due_at, it.a.updated_at);
        if (rc < 0)
            return http_reply_err(r, rc);
    }
    return http_commit_and_reply(r, 200, assignment_json(&it));
}

int api_assignments_delete(struct http_req *r)
{
    struct db_assignment_item it;
    char id[STR_UUID_SIZE];

    if (api_path_id_or_reply(r, "assignment_id", NULL, id) < 0)
        return 0;
    if (http_begin_write_or_reply(r) < 0 || load_or_reply(r, id, true, true, &it) < 0)
        return 0;
    /* Progress stays: it belongs to the learner, not to the assignment. */
    int rc = db_assignments_delete(r->conn, it.a.id);
    if (rc < 0)
        return http_reply_err(r, rc);
    return http_commit_and_reply(r, 204, NULL);
}

/* --- lists ------------------------------------------------------------------------------ */

/* One page for filter `f` (keyset and limit filled in here) bound to `scope`, after the
 * query's errors in `v` (freed). */
static int list_and_reply(struct http_req *r, struct valid *v, const char *scope,
                          struct db_assignments_filter *f)
{
    struct db_assignment_item *items = NULL;
    struct page_in page;
    int n = 0;
    if (api_page_parse_or_reply(r, v, scope, &page) < 0)
        return 0;
    f->page = api_page_keyset(&page);
    struct db_conn *c;
    int rc = http_conn(r, &c);
    if (rc == 0)
        rc = db_assignments_list(c, &r->arena, f, &items, &n);
    return api_page_reply(r, rc, &page, scope, items, sizeof(*items), n, &assignment_items);
}

int api_assignments_list(struct http_req *r)
{
    /* Authors see the assignments they created, admins all of them. */
    struct db_assignments_filter f = {
        .assigned_by = r->user->role == ROLE_ADMIN ? NULL : r->user->id, .progress_status = -1};
    char module_id[STR_UUID_SIZE] = "", user_id[STR_UUID_SIZE] = "";
    struct valid v;

    valid_init(&v, &r->arena, "query");
    if (valid_text_field(&v, &schema_assignments_query, "module_id", http_query(r, "module_id"),
                         module_id) == V_OK)
        f.module_id = module_id;
    if (valid_text_field(&v, &schema_assignments_query, "user_id", http_query(r, "user_id"),
                         user_id) == V_OK)
        f.user_id = user_id;
    const char *scope = arena_printf(&r->arena, "assignments|%s|%s", module_id, user_id);
    return list_and_reply(r, &v, scope, &f);
}

int api_assignments_mine(struct http_req *r)
{
    struct db_assignments_filter f = {.user_id = r->user->id, .progress_status = -1};
    struct valid v;

    valid_init(&v, &r->arena, "query");
    valid_text_field(&v, &schema_my_assignments_query, "progress_status",
                     http_query(r, "progress_status"), &f.progress_status);
    const char *scope = arena_printf(&r->arena, "my-assignments|%d", f.progress_status);
    return list_and_reply(r, &v, scope, &f);
}
