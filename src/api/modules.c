/*
 * Module endpoints (API.md §5): parse and validate, load with the visibility rules of §1.5,
 * act in one transaction, render.
 *
 * Sections: rendering and loading; list; create; get, patch, delete; status transitions; copy.
 */
#include "api/modules.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/module_access.h"
#include "api/notifications.h"
#include "api/page.h"
#include "api/schemas.h"
#include "db/assignments.h"
#include "db/modules.h"
#include "domain/content.h"
#include "domain/publish.h"
#include "domain/screen_refs.h"
#include "http/idempotency.h"
#include "util/crypto.h"
#include "util/err.h"
#include "util/time.h"

/* --- shared pieces ---------------------------------------------------------------------- */

/* 200 with module `m`, rendered straight to text. */
static int reply_module(struct http_req *r, const struct module *m)
{
    struct buf b;

    buf_init(&b, SIZE_MAX);
    api_module_render(&b, m);
    http_reply_raw(r, 200, "application/json", b.data, b.len);
    buf_free(&b);
    return 0;
}

/* The path's module, owned by the caller, loaded and locked in a new write transaction, and
 * `what` allowed by its status. 0, or -1 after replying. */
static int owned_for_write_or_reply(struct http_req *r, enum module_change what, struct module *m)
{
    char id[STR_UUID_SIZE];

    if (api_path_id_or_reply(r, "module_id", NULL, id) < 0)
        return -1;
    return api_module_edit_or_reply(r, id, what, m);
}

/* Writes the edited module, commits and replies 200 with it. */
static int update_and_reply(struct http_req *r, const struct module *m)
{
    int rc = db_modules_update(r->conn, m);

    if (rc < 0)
        return http_reply_err(r, rc);
    return http_commit_and_reply(r, 200, api_module_to_json(m));
}

static json_t *render_module_item(const void *item)
{
    return api_module_to_json(item);
}

static const struct page_item_ops module_items = {
    render_module_item, offsetof(struct module, created_at), offsetof(struct module, id)};

/* --- list ------------------------------------------------------------------------------- */

int api_modules_list(struct http_req *r)
{
    struct db_modules_filter f = {.status = -1, .flow = -1};
    struct page_in page;
    struct valid v;
    char author[STR_UUID_SIZE] = "";
    int rc;

    valid_init(&v, &r->arena, "query");
    valid_text_field(&v, &schema_modules_query, "status", http_query(r, "status"), &f.status);
    valid_text_field(&v, &schema_modules_query, "flow_type", http_query(r, "flow_type"), &f.flow);
    if (valid_text_field(&v, &schema_modules_query, "author_id", http_query(r, "author_id"),
                         author) == V_OK)
        f.author_id = author;
    valid_text_field(&v, &schema_modules_query, "q", http_query(r, "q"), &f.q);
    const char *scope =
        arena_printf(&r->arena, "modules|%d|%d|%s|%s", f.status, f.flow, author, f.q ? f.q : "");
    if (api_page_parse_or_reply(r, &v, scope, &page) < 0)
        return 0;

    /* §5: learners see published modules; authors also their own; admins everything. */
    f.see_all = r->user->role == ROLE_ADMIN;
    f.own_id = r->user->role == ROLE_AUTHOR ? r->user->id : NULL;
    f.page = api_page_keyset(&page);
    struct db_conn *c;
    struct module *items = NULL;
    int n = 0;
    rc = http_conn(r, &c);
    if (rc == 0)
        rc = db_modules_list(c, &r->arena, &f, &items, &n);
    return api_page_reply(r, rc, &page, scope, items, sizeof(*items), n, &module_items);
}

/* --- create ----------------------------------------------------------------------------- */

/* Validates settings for `flow` at ["body","settings"]; *text is the normalised JSON. */
static void parse_settings(struct http_req *r, struct valid *v, enum flow_type flow,
                           json_t *settings, const char **text)
{
    json_t *norm = NULL;

    valid_push_key(v, "settings");
    if (content_settings_validate(v, flow, settings, &norm) == 0)
        *text = http_dump_new(&r->arena, norm);
    valid_pop(v);
}

int api_modules_create(struct http_req *r)
{
    struct module m = {.description = "", .status = MODULE_DRAFT};
    json_t *settings = NULL;
    struct valid v;
    int flow = -1;

    valid_init(&v, &r->arena, "body");
    valid_field(&v, r->json, &schema_module_create_body, "title", &m.title);
    valid_field(&v, r->json, &schema_module_create_body, "description", &m.description);
    valid_field(&v, r->json, &schema_module_create_body, "flow_type", &flow);
    valid_field(&v, r->json, &schema_module_create_body, "settings", &settings);
    if (flow >= 0)
        parse_settings(r, &v, (enum flow_type)flow, settings, &m.settings);
    if (http_valid_or_reply(r, &v) < 0 || http_idem_begin_or_reply(r) < 0)
        return 0;

    crypto_uuid_v4(m.id);
    m.flow = (enum flow_type)flow;
    snprintf(m.author_id, sizeof(m.author_id), "%s", r->user->id);
    m.author_name = r->user->display_name;
    m.created_at = m.updated_at = time_now_ms();
    struct db_conn *c;
    int rc = http_conn(r, &c);
    if (rc == 0)
        rc = db_modules_insert(c, &m);
    if (rc < 0)
        return http_reply_err(r, rc);
    return http_reply_json_new(r, 201, api_module_to_json(&m));
}

/* --- get, patch, delete ----------------------------------------------------------------- */

int api_modules_get(struct http_req *r)
{
    struct module m;
    char id[STR_UUID_SIZE];

    if (api_path_id_or_reply(r, "module_id", NULL, id) < 0 ||
        api_module_load_or_reply(r, id, API_MODULE_VISIBLE, &m) < 0)
        return 0;
    return reply_module(r, &m);
}

int api_modules_patch(struct http_req *r)
{
    const char *title = NULL, *description = NULL;
    json_t *settings = NULL;
    struct module m;
    struct valid v;
    char id[STR_UUID_SIZE];

    if (api_path_id_or_reply(r, "module_id", NULL, id) < 0)
        return 0;
    valid_init(&v, &r->arena, "body");
    valid_field(&v, r->json, &schema_module_patch_body, "title", &title);
    valid_field(&v, r->json, &schema_module_patch_body, "description", &description);
    valid_field(&v, r->json, &schema_module_patch_body, "settings", &settings);
    if (http_valid_or_reply(r, &v) < 0)
        return 0;

    if (api_module_edit_or_reply(r, id, MODULE_EDIT, &m) < 0)
        return 0;
    if (settings != NULL) {
        /* Settings depend on the stored flow_type: checked once the module is loaded. */
        valid_init(&v, &r->arena, "body");
        parse_settings(r, &v, m.flow, settings, &m.settings);
        if (http_valid_or_reply(r, &v) < 0)
            return 0;
    }
    if (title != NULL)
        m.title = title;
    if (description != NULL)
        m.description = description;
    m.updated_at = time_now_ms();
    return update_and_reply(r, &m);
}

int api_modules_delete(struct http_req *r)
{
    struct module m;

    if (owned_for_write_or_reply(r, MODULE_DELETE, &m) < 0)
        return 0;
    /* Screens go with it (ON DELETE CASCADE); copies keep existing with copied_from_id null
     * (ON DELETE SET NULL). */
    int rc = db_modules_delete(r->conn, m.id);
    if (rc < 0)
        return http_reply_err(r, rc);
    return http_commit_and_reply(r, 204, NULL);
}

/* --- status transitions ----------------------------------------------------------------- */

/* Runs the checks of §7 over the module's screens; 0, or -1 after replying 422 (or 503). */
static int publish_checks_or_reply(struct http_req *r, const struct module *m)
{
    struct screen *screens = NULL;
    int n = 0;
    int rc = db_screens_list(r->conn, &r->arena, m->id, &screens, &n);

    if (rc < 0) {
        http_reply_err(r, rc);
        return -1;
    }
    struct publish_screen *ps = arena_zalloc(&r->arena, sizeof(*ps) * (size_t)(n ? n : 1));
    json_t **docs = arena_zalloc(&r->arena, sizeof(json_t *) * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++) {
        docs[i] = json_loads(screens[i].content, 0, NULL);
        ps[i].id = screens[i].id;
        ps[i].type = screens[i].type;
        ps[i].next_screen_id = screens[i].next_screen_id[0] ? screens[i].next_screen_id : NULL;
        ps[i].content = docs[i];
    }
    json_t *settings = json_loads(m->settings, 0, NULL);
    const char *start = screen_refs_start(settings);
    struct valid v;
    valid_init(&v, &r->arena, "module");
    publish_check(&v, m->flow, start, ps, n);
    json_decref(settings);
    for (int i = 0; i < n; i++)
        json_decref(docs[i]);
    return http_valid_or_reply(r, &v);
}

/*
 * §5: one module_published notification per user holding an assignment for the module or for
 * the module it was copied from, in the publish's transaction. Users come in id order, the
 * order every transaction takes their notification locks in (db/notifications.c).
 */
static int notify_assignees(struct http_req *r, const struct module *m)
{
    const char *origin = m->copied_from_id[0] != '\0' ? m->copied_from_id : NULL;
    struct notification_about about = {
        .module_id = m->id, .module_title = m->title, .copied_from_id = origin};
    char(*users)[STR_UUID_SIZE] = NULL;
    int n = 0;
    int rc = db_assignments_assignees(r->conn, &r->arena, m->id, origin, &users, &n);

    for (int i = 0; rc == 0 && i < n; i++)
        rc = api_notification_create(r, users[i], NOTIFICATION_MODULE_PUBLISHED, &about);
    return rc;
}

int api_modules_publish(struct http_req *r)
{
    struct module m;

    if (owned_for_write_or_reply(r, MODULE_PUBLISH, &m) < 0 || publish_checks_or_reply(r, &m) < 0)
        return 0;
    m.status = MODULE_PUBLISHED;
    m.published_at = m.updated_at = time_now_ms();
    int rc = notify_assignees(r, &m);
    if (rc < 0)
        return http_reply_err(r, rc);
    return update_and_reply(r, &m);
}

int api_modules_archive(struct http_req *r)
{
    struct module m;

    if (owned_for_write_or_reply(r, MODULE_ARCHIVE, &m) < 0)
        return 0;
    m.status = MODULE_ARCHIVED;
    m.archived_at = m.updated_at = time_now_ms();
    return update_and_reply(r, &m);
}

/* --- copy ------------------------------------------------------------------------------- */

struct id_map {
    struct screen *from;
    char (*to)[STR_UUID_SIZE];
    int n;
};

/* The new id of source screen `id`, or NULL when it names no source screen (references that
 * pointed nowhere keep pointing nowhere; publish catches them). A screen_refs_map_fn. */
static const char *map_id(void *arg, const char *id)
{
    const struct id_map *map = arg;

    for (int i = 0; i < map->n; i++)
        if (strcmp(map->from[i].id, id) == 0)
            return map->to[i];
    return NULL;
}

/* A settings or content document with its screen references rewritten through `map`. */
static const char *rewrite(struct arena *a, struct id_map *map, const char *text)
{
    json_t *doc = json_loads(text, 0, NULL);

    if (doc == NULL)
        return text;
    screen_refs_rewrite(doc, map_id, map);
    return http_dump_new(a, doc);
}

/* Inserts the copy of `src` as module `dst` with screens renumbered through a new id map. */
static int insert_copy(struct http_req *r, const struct module *src, struct module *dst)
{
    struct id_map map = {0};
    int rc = db_screens_list(r->conn, &r->arena, src->id, &map.from, &map.n);

    if (rc < 0)
        return rc;
    map.to = arena_alloc(&r->arena, sizeof(*map.to) * (size_t)(map.n ? map.n : 1));
    for (int i = 0; i < map.n; i++)
        crypto_uuid_v4(map.to[i]);
    dst->settings = rewrite(&r->arena, &map, src->settings);
    dst->screen_count = map.n;
    rc = db_modules_insert(r->conn, dst);
    for (int i = 0; rc == 0 && i < map.n; i++) {
        struct screen s = map.from[i];
        snprintf(s.id, sizeof(s.id), "%s", map.to[i]);
        snprintf(s.module_id, sizeof(s.module_id), "%s", dst->id);
        const char *next = s.next_screen_id[0] ? map_id(&map, s.next_screen_id) : NULL;
        if (next != NULL)
            snprintf(s.next_screen_id, sizeof(s.next_screen_id), "%s", next);
        s.content = rewrite(&r->arena, &map, s.content);
        s.created_at = s.updated_at = dst->created_at;
        rc = db_screens_insert(r->conn, &s);
    }
    return rc;
}

int api_modules_copy(struct http_req *r)
{
    const char *title = NULL;
    struct module src, dst;
    struct valid v;
    char id[STR_UUID_SIZE];

    if (api_path_id_or_reply(r, "module_id", NULL, id) < 0)
        return 0;
    valid_init(&v, &r->arena, "body");
    if (r->json != NULL)
        valid_field(&v, r->json, &schema_module_copy_body, "title", &title);
    if (http_valid_or_reply(r, &v) < 0 || http_idem_begin_or_reply(r) < 0)
        return 0;
    /* Only the owner or an admin may copy: copies carry the answer keys. */
    if (http_begin_write_or_reply(r) < 0 ||
        api_module_load_or_reply(r, id, API_MODULE_OWNER, &src) < 0)
        return 0;

    dst = src;
    crypto_uuid_v4(dst.id);
    dst.title = title != NULL ? title : src.title;
    dst.status = MODULE_DRAFT;
    snprintf(dst.author_id, sizeof(dst.author_id), "%s", r->user->id);
    dst.author_name = r->user->display_name;
    snprintf(dst.copied_from_id, sizeof(dst.copied_from_id), "%s", src.id);
    dst.created_at = dst.updated_at = time_now_ms();
    dst.published_at = dst.archived_at = 0;
    int rc = insert_copy(r, &src, &dst);
    if (rc < 0)
        return http_reply_err(r, rc);
    return http_commit_and_reply(r, 201, api_module_to_json(&dst));
}
