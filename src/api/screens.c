/*
 * Screen endpoints (API.md §6). Positions stay 1-based and contiguous: every insert, delete
 * and reorder runs in one write transaction that holds the module row (PostgreSQL row lock;
 * SQLite's single writer), so concurrent edits of one module serialise.
 *
 * Sections: rendering; read; create; patch; delete; reorder.
 */
#include "api/screens.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/module_access.h"
#include "api/module_cache.h"
#include "api/progress.h"
#include "api/schemas.h"
#include "domain/content.h"
#include "http/idempotency.h"
#include "util/crypto.h"
#include "util/err.h"
#include "util/time.h"

/* --- rendering -------------------------------------------------------------------------- */

/* A screen as written by its owner: the full view. Its content is JSON the server wrote. */
static int reply_screen(struct http_req *r, int status, const struct screen *s)
{
    json_t *content = json_loads(s->content, 0, NULL);

    if (content == NULL)
        content = json_object();
    char *text = api_screen_render(s, content, REDACT_NONE);
    json_decref(content);
    http_reply_raw(r, status, "application/json", text, strlen(text));
    free(text);
    return 0;
}

/* The caller's progress document and status, for redaction (§6.4): none for owners, who see
 * everything, and none without a record. */
struct viewer {
    json_t *data;
    enum progress_status status;
};

static int viewer_or_reply(struct http_req *r, const struct module *m, struct viewer *vw)
{
    struct progress_rec p;
    int rc = 0;

    vw->data = NULL;
    vw->status = PROGRESS_NOT_STARTED;
    if (!api_module_is_owner(r, m))
        rc = api_progress_caller_record(r, m, &p);
    if (rc == 0 && !api_module_is_owner(r, m)) {
        vw->data = http_own_json(r, json_loads(p.data, 0, NULL));
        vw->status = p.status;
    }
    if (rc == TS_ENOTFOUND)
        rc = 0;
    if (rc < 0)
        http_reply_err(r, rc);
    return rc < 0 ? -1 : 0;
}

/* Parses module_id, and screen_id unless `screen_id` is NULL, from the path. */
static int path_ids_or_reply(struct http_req *r, char module_id[STR_UUID_SIZE],
                             char screen_id[STR_UUID_SIZE])
{
    struct valid v;

    valid_init(&v, &r->arena, "path");
    api_path_id(r, &v, "module_id", module_id);
    if (screen_id != NULL)
        api_path_id(r, &v, "screen_id", screen_id);
    return http_valid_or_reply(r, &v);
}

/* The view's screens as {"items":[...]}: the full view for owners (vw NULL or an owner), else
 * each screen at the redaction level of the viewer's progress. */
static int reply_list(struct http_req *r, const struct module *m, const struct module_view *v,
                      const struct viewer *vw)
{
    struct buf out;

    buf_init(&out, SIZE_MAX);
    buf_puts(&out, "{\"items\":[");
    /* What depends on the whole record is worked out once; "answered" is per screen. */
    struct redact_ctx ctx = {.full_view = true};
    if (vw != NULL)
        ctx = api_progress_redaction(r, m, vw->data, vw->status, NULL);
    for (int i = 0; i < v->n; i++) {
        if (vw != NULL && m->flow != FLOW_ASSESSMENT)
            ctx.answered = progress_has_answer(vw->data, v->ps[i].id);
        enum redact_level level = content_redact_level(m->flow, v->ps[i].type, &ctx);
        if (i > 0)
            buf_puts(&out, ",");
        buf_puts(&out, v->text[level][i]);
    }
    buf_puts(&out, "]}");
    http_reply_raw(r, 200, "application/json", out.data, out.len);
    buf_free(&out);
    return 0;
}

/* --- read ------------------------------------------------------------------------------- */

int api_screens_list(struct http_req *r)
{
    struct module m;
    char mid[STR_UUID_SIZE];

    const struct module_view *v;
    struct viewer vw;

    if (path_ids_or_reply(r, mid, NULL) < 0 ||
        api_module_load_or_reply(r, mid, API_MODULE_VISIBLE, &m) < 0 ||
        viewer_or_reply(r, &m, &vw) < 0)
        return 0;
    int rc = api_module_view_get(r, &m, &v);
    if (rc < 0)
        return http_reply_err(r, rc);
    return reply_list(r, &m, v, &vw);
}

int api_screens_get(struct http_req *r)
{
    struct module m;
    char mid[STR_UUID_SIZE], sid[STR_UUID_SIZE];

    if (path_ids_or_reply(r, mid, sid) < 0 ||
        api_module_load_or_reply(r, mid, API_MODULE_VISIBLE, &m) < 0)
        return 0;
    const struct module_view *v;
    struct viewer vw;
    int rc = api_module_view_get(r, &m, &v);
    int i = rc == 0 ? api_module_view_find(v, sid) : -1;
    if (rc == 0 && i < 0)
        rc = TS_ENOTFOUND; /* not a screen of this module */
    if (rc < 0)
        return http_reply_err(r, rc);
    if (viewer_or_reply(r, &m, &vw) < 0)
        return 0;
    struct redact_ctx ctx = api_progress_redaction(r, &m, vw.data, vw.status, sid);
    const char *text = v->text[content_redact_level(m.flow, v->ps[i].type, &ctx)][i];
    return http_reply_raw(r, 200, "application/json", text, strlen(text));
}

/* --- create ----------------------------------------------------------------------------- */

/* Validates `content` for `type` at ["body","content"]; *text is the normalised JSON. */
static void parse_content(struct http_req *r, struct valid *v, enum screen_type type,
                          json_t *content, const char **text)
{
    json_t *norm = NULL;

    valid_push_key(v, "content");
    if (content_validate(v, type, content, &norm) == 0)
        *text = http_dump_new(&r->arena, norm);
    valid_pop(v);
}

struct screen_in {
    int type;
    json_t *content;
    int64_t position; /* 0 = append */
    int next;         /* V_OK, V_NULL or V_ABSENT */
};

/* The rules of step 7 for a new screen: room in a draft, type per flow, navigation, position
 * range. */
static int create_rules_or_reply(struct http_req *r, const struct module *m,
                                 const struct screen_in *in)
{
    struct valid v;

    if (api_module_change_or_reply(r, m, MODULE_ADD_SCREEN) < 0)
        return -1;
    valid_init(&v, &r->arena, "body");
    module_check_new_screen(&v, m, (enum screen_type)in->type, in->next == V_OK, in->position);
    return http_valid_or_reply(r, &v);
}

int api_screens_create(struct http_req *r)
{
    struct screen_in in = {.type = -1, .next = V_ABSENT};
    struct screen s = {0};
    struct module m;
    struct valid v;
    char mid[STR_UUID_SIZE];

    if (path_ids_or_reply(r, mid, NULL) < 0)
        return 0;
    valid_init(&v, &r->arena, "body");
    valid_field(&v, r->json, &schema_screen_create_body, "type", &in.type);
    valid_field(&v, r->json, &schema_screen_create_body, "title", &s.title);
    if (valid_field(&v, r->json, &schema_screen_create_body, "content", &in.content) == V_OK &&
        in.type >= 0)
        parse_content(r, &v, (enum screen_type)in.type, in.content, &s.content);
    valid_field(&v, r->json, &schema_screen_create_body, "position", &in.position);
    in.next =
        valid_field(&v, r->json, &schema_screen_create_body, "next_screen_id", s.next_screen_id);
    if (http_valid_or_reply(r, &v) < 0 || http_idem_begin_or_reply(r) < 0)
        return 0;
    if (http_begin_write_or_reply(r) < 0 ||
        api_module_load_or_reply(r, mid, API_MODULE_OWNER | API_MODULE_LOCK, &m) < 0 ||
        create_rules_or_reply(r, &m, &in) < 0)
        return 0;

    crypto_uuid_v4(s.id);
    snprintf(s.module_id, sizeof(s.module_id), "%s", m.id);
    s.type = (enum screen_type)in.type;
    s.position = in.position > 0 ? (int)in.position : m.screen_count + 1;
    s.created_at = s.updated_at = time_now_ms();
    int rc = db_screens_shift(r->conn, m.id, s.position, 1);
    if (rc == 0)
        rc = db_screens_insert(r->conn, &s);
    m.screen_count++;
    m.updated_at = s.updated_at;
    if (rc == 0)
        rc = db_modules_update(r->conn, &m);
    if (rc < 0)
        return http_reply_err(r, rc);
    if (http_commit_or_reply(r) < 0)
        return 0;
    return reply_screen(r, 201, &s);
}

/* --- patch ------------------------------------------------------------------------------ */

int api_screens_patch(struct http_req *r)
{
    const char *title = NULL;
    json_t *content = NULL;
    char next[STR_UUID_SIZE] = "";
    struct module m;
    struct screen s;
    struct valid v;
    char mid[STR_UUID_SIZE], sid[STR_UUID_SIZE];

    if (path_ids_or_reply(r, mid, sid) < 0)
        return 0;
    valid_init(&v, &r->arena, "body");
    valid_field(&v, r->json, &schema_screen_patch_body, "title", &title);
    valid_field(&v, r->json, &schema_screen_patch_body, "content", &content);
    int has_next = valid_field(&v, r->json, &schema_screen_patch_body, "next_screen_id", next);
    if (http_valid_or_reply(r, &v) < 0)
        return 0;
    if (api_module_edit_or_reply(r, mid, MODULE_EDIT, &m) < 0)
        return 0;
    int rc = db_screens_get(r->conn, &r->arena, m.id, sid, &s);
    if (rc < 0)
        return http_reply_err(r, rc);
    /* Content is validated against the stored type, so only now. */
    valid_init(&v, &r->arena, "body");
    if (content != NULL)
        parse_content(r, &v, s.type, content, &s.content);
    module_check_navigation(&v, m.flow, s.type, has_next == V_OK);
    if (http_valid_or_reply(r, &v) < 0)
        return 0;
    if (title != NULL)
        s.title = title;
    if (has_next == V_OK || has_next == V_NULL)
        snprintf(s.next_screen_id, sizeof(s.next_screen_id), "%s", has_next == V_OK ? next : "");
    s.updated_at = time_now_ms();
    rc = db_screens_update(r->conn, &s);
    if (rc < 0)
        return http_reply_err(r, rc);
    if (http_commit_or_reply(r) < 0)
        return 0;
    return reply_screen(r, 200, &s);
}

/* --- delete ----------------------------------------------------------------------------- */

int api_screens_delete(struct http_req *r)
{
    struct module m;
    struct screen s;
    char mid[STR_UUID_SIZE], sid[STR_UUID_SIZE];

    if (path_ids_or_reply(r, mid, sid) < 0 || api_module_edit_or_reply(r, mid, MODULE_EDIT, &m) < 0)
        return 0;
    int rc = db_screens_get(r->conn, &r->arena, m.id, sid, &s);
    if (rc == 0)
        rc = db_screens_delete(r->conn, s.id);
    /* Later screens move up one; references to the deleted screen stay (caught at publish). */
    if (rc == 0)
        rc = db_screens_shift(r->conn, m.id, s.position + 1, -1);
    m.screen_count--;
    m.updated_at = time_now_ms();
    if (rc == 0)
        rc = db_modules_update(r->conn, &m);
    if (rc < 0)
        return http_reply_err(r, rc);
    return http_commit_and_reply(r, 204, NULL);
}

/* --- reorder ---------------------------------------------------------------------------- */

/* Index of `id` among the screens, or -1. */
static int find_screen(const struct screen *items, int n, const char *id)
{
    for (int i = 0; i < n; i++)
        if (strcmp(items[i].id, id) == 0)
            return i;
    return -1;
}

/* Gives the screens the positions of `ids` (canonical UUIDs); false when the list is not a
 * permutation of the module's screens. */
static bool apply_order(char (*ids)[STR_UUID_SIZE], size_t n_ids, struct screen *items, int n)
{
    bool seen[MODULE_MAX_SCREENS] = {0};

    if ((int)n_ids != n)
        return false;
    for (size_t i = 0; i < n_ids; i++) {
        int at = find_screen(items, n, ids[i]);
        if (at < 0 || seen[at])
            return false;
        seen[at] = true;
        items[at].position = (int)i + 1;
    }
    return true;
}

/* The body's screen_ids: a list of UUIDs, each item checked where it stands (uuid_type or
 * uuid_parsing at ["body","screen_ids",i]). *ids is an arena array of *n canonical ids. */
static void parse_screen_ids(struct http_req *r, struct valid *v, char (**ids)[STR_UUID_SIZE],
                             size_t *n)
{
    json_t *list = NULL, *item;
    size_t i;

    *n = 0;
    const struct schema_field *ids_field = schema_find(&schema_screen_order_body, "screen_ids");

    if (valid_field(v, r->json, &schema_screen_order_body, "screen_ids", &list) != V_OK)
        return;
    *ids = arena_alloc(&r->arena, sizeof(**ids) * (json_array_size(list) + 1));
    valid_push_key(v, "screen_ids");
    json_array_foreach(list, i, item)
    {
        valid_push_index(v, i);
        if (valid_check_field(v, NULL, ids_field->items, item, (*ids)[*n]) == V_OK)
            (*n)++;
        valid_pop(v);
    }
    valid_pop(v);
}

int api_screens_order(struct http_req *r)
{
    char(*ids)[STR_UUID_SIZE] = NULL;
    struct screen *items = NULL;
    struct module m;
    struct valid v;
    char mid[STR_UUID_SIZE];
    size_t n_ids = 0;
    int n = 0;

    if (path_ids_or_reply(r, mid, NULL) < 0)
        return 0;
    valid_init(&v, &r->arena, "body");
    parse_screen_ids(r, &v, &ids, &n_ids);
    if (http_valid_or_reply(r, &v) < 0)
        return 0;
    if (api_module_edit_or_reply(r, mid, MODULE_EDIT, &m) < 0)
        return 0;
    int rc = db_screens_list(r->conn, &r->arena, m.id, &items, &n);
    if (rc < 0)
        return http_reply_err(r, rc);
    if (!apply_order(ids, n_ids, items, n)) {
        valid_init(&v, &r->arena, "body");
        valid_value_error(&v, "screen_ids",
                          "screen_ids must list every screen of the module exactly once");
        return http_valid_or_reply(r, &v);
    }
    int64_t now = time_now_ms();
    for (int i = 0; rc == 0 && i < n; i++) {
        items[i].updated_at = now;
        rc = db_screens_update(r->conn, &items[i]);
    }
    if (rc < 0)
        return http_reply_err(r, rc);
    if (http_commit_or_reply(r) < 0)
        return 0;
    /* The draft's new order, from a view built after the commit. */
    const struct module_view *view;
    rc = api_module_view_get(r, &m, &view);
    if (rc < 0)
        return http_reply_err(r, rc);
    return reply_list(r, &m, view, NULL);
}
