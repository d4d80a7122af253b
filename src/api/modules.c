/*
 * Module endpoints (API.md §5): parse and validate, load with the visibility rules of §1.5,
 * act in one transaction, render.
 *
 * Sections: rendering and loading; list; create; get, patch, delete; status transitions; copy.
 */
#include "api/modules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/page.h"
#include "db/caller.h"
#include "db/progress.h"
#include "domain/content.h"
#include "domain/publish.h"
#include "http/idempotency.h"
#include "util/crypto.h"
#include "util/err.h"
#include "util/log.h"
#include "util/time.h"

/* --- rendering and loading ---------------------------------------------------------------- */

/* ,"key":"<escaped s>" */
static void put_string(struct buf *b, const char *key, const char *s)
{
    buf_printf(b, ",\"%s\":\"", key);
    buf_json_escape(b, s);
    buf_puts(b, "\"");
}

/* ,"key":"<RFC 3339>" or ,"key":null for 0 */
static void put_time(struct buf *b, const char *key, int64_t ms)
{
    char text[TIME_RFC3339_LEN];

    if (ms == 0) {
        buf_printf(b, ",\"%s\":null", key);
        return;
    }
    time_format_ms(ms, text);
    buf_printf(b, ",\"%s\":\"%s\"", key, text);
}

/*
 * Written directly as text: GET module is a hot read, and building a jansson tree (parsing the
 * settings, packing, dumping, freeing) was most of its user-space time (docs/PERFORMANCE.md).
 * The stored settings are JSON the server wrote after validating it (jsonb on PostgreSQL), so
 * they are copied as they are.
 */
void modules_render(struct buf *b, const struct module *m)
{
    buf_printf(b, "{\"id\":\"%s\"", m->id);
    put_string(b, "title", m->title);
    put_string(b, "description", m->description);
    buf_printf(b, ",\"flow_type\":\"%s\",\"status\":\"%s\",\"settings\":%s",
               flow_type_names[m->flow], module_status_names[m->status],
               m->settings != NULL && m->settings[0] != '\0' ? m->settings : "{}");
    buf_printf(b, ",\"author_id\":\"%s\"", m->author_id);
    put_string(b, "author_name", m->author_name);
    if (m->copied_from_id[0] != '\0')
        buf_printf(b, ",\"copied_from_id\":\"%s\"", m->copied_from_id);
    else
        buf_puts(b, ",\"copied_from_id\":null");
    buf_printf(b, ",\"screen_count\":%d", m->screen_count);
    put_time(b, "created_at", m->created_at);
    put_time(b, "updated_at", m->updated_at);
    put_time(b, "published_at", m->published_at);
    put_time(b, "archived_at", m->archived_at);
    buf_puts(b, "}");
}

json_t *modules_to_json(const struct module *m)
{
    struct buf b;

    buf_init(&b, SIZE_MAX);
    modules_render(&b, m);
    json_t *obj = json_loadb(b.data, b.len, 0, NULL);
    buf_free(&b);
    if (obj == NULL && m->settings != NULL && strcmp(m->settings, "{}") != 0) {
        /* Only settings the server did not write (a hand-edited SQLite row) get here: the
         * module is still shown, with empty settings, rather than taking the process down. */
        log_msg(LOG_ERROR, "modules", "module %s: stored settings are not JSON", m->id);
        struct module plain = *m;
        plain.settings = "{}";
        return modules_to_json(&plain);
    }
    if (obj == NULL)
        abort(); /* out of memory */
    return obj;
}

/* 200 with module `m`, rendered straight to text. */
static int reply_module(struct http_req *r, const struct module *m)
{
    struct buf b;

    buf_init(&b, SIZE_MAX);
    modules_render(&b, m);
    http_reply_raw(r, 200, "application/json", b.data, b.len);
    buf_free(&b);
    return 0;
}

void modules_path_id(struct http_req *r, struct valid *v, const char *name, char out[37])
{
    valid_text_uuid(v, name, http_param(r, name), V_REQUIRED, out);
}

bool modules_is_owner(const struct http_req *r, const struct module *m)
{
    return r->user->role == ROLE_ADMIN || strcmp(r->user->id, m->author_id) == 0;
}

const struct caller *modules_context(const struct http_req *r, const char *module_id)
{
    const struct caller *cl = r->caller;

    return cl != NULL && strcmp(cl->module_id, module_id) == 0 ? cl : NULL;
}

int modules_engaged(struct http_req *r, const struct module *m, bool *engaged)
{
    /* A progress record keeps an archived module visible and writable for its learner;
     * assignments (§11) will be the second reason. */
    const struct caller *cl = modules_context(r, m->id);

    if (cl != NULL && cl->record_read) {
        *engaged = cl->progress_found;
        return 0;
    }
    return progress_exists(r->conn, r->user->id, m->id, engaged);
}

int modules_load_or_reply(struct http_req *r, const char *id, bool need_owner, bool lock,
                          struct module *m)
{
    const struct caller *cl = lock ? NULL : modules_context(r, id);
    struct db_conn *c;
    bool engaged = false;
    int rc = 0;

    if (cl != NULL) { /* read with the token (ROUTE_WITH_MODULE) */
        if (cl->module_found)
            *m = cl->module;
        else
            rc = TS_ENOTFOUND;
    } else {
        rc = http_conn(r, &c);
        if (rc == 0)
            rc = modules_get(c, &r->arena, id, lock, m);
    }
    if (rc == 0 && m->status == MODULE_ARCHIVED && !modules_is_owner(r, m))
        rc = modules_engaged(r, m, &engaged);
    enum module_access access =
        rc == 0 ? module_access_for(r->user->role == ROLE_ADMIN,
                                    strcmp(r->user->id, m->author_id) == 0, m->status, engaged)
                : MODULE_HIDDEN;
    if (rc == 0 && access == MODULE_HIDDEN)
        rc = TS_ENOTFOUND;
    if (rc == 0 && need_owner && access != MODULE_OWNED)
        rc = TS_EFORBIDDEN;
    if (rc < 0) {
        http_reply_err(r, rc);
        return -1;
    }
    return 0;
}

/* Parses the path's module_id alone (routes without a body to validate). */
static int module_id_or_reply(struct http_req *r, char id[37])
{
    struct valid v;

    valid_init(&v, &r->arena, "path");
    modules_path_id(r, &v, "module_id", id);
    return http_valid_or_reply(r, &v);
}

/* Ends the request's transaction: commit, then reply with `body` and `status`; or reply the
 * failure. Takes `body`. */
static int commit_and_reply(struct http_req *r, int status, json_t *body)
{
    int rc = db_commit(r->conn);

    if (rc < 0) {
        json_decref(body);
        return http_reply_err(r, rc);
    }
    if (body == NULL)
        return http_reply_empty(r, status);
    return http_reply_json_new(r, status, body);
}

/* The path's module, owned by the caller, loaded and locked in a new write transaction (the
 * start of every owner's edit). 0, or -1 after replying. */
static int owned_for_write_or_reply(struct http_req *r, struct module *m)
{
    char id[37];

    if (module_id_or_reply(r, id) < 0 || http_begin_write_or_reply(r) < 0)
        return -1;
    return modules_load_or_reply(r, id, true, true, m);
}

/* Writes the edited module, commits and replies 200 with it. */
static int update_and_reply(struct http_req *r, const struct module *m)
{
    int rc = modules_update(r->conn, m);

    if (rc < 0)
        return http_reply_err(r, rc);
    return commit_and_reply(r, 200, modules_to_json(m));
}

static json_t *render_module_item(const void *item)
{
    return modules_to_json(item);
}

static void module_item_key(const void *item, struct cursor *out)
{
    const struct module *m = item;

    out->key_int = m->created_at;
    snprintf(out->id, sizeof(out->id), "%s", m->id);
}

static const struct page_item_ops module_items = {render_module_item, module_item_key};

/* --- list ------------------------------------------------------------------------------- */

int api_modules_list(struct http_req *r)
{
    struct modules_filter f = {.status = -1, .flow = -1};
    struct page_in page;
    struct valid v;
    char author[37] = "";
    int rc;

    valid_init(&v, &r->arena, "query");
    valid_text_enum(&v, "status", http_query(r, "status"), 0, module_status_names, &f.status);
    valid_text_enum(&v, "flow_type", http_query(r, "flow_type"), 0, flow_type_names, &f.flow);
    if (valid_text_uuid(&v, "author_id", http_query(r, "author_id"), 0, author) == V_OK)
        f.author_id = author;
    valid_text_string(&v, "q", http_query(r, "q"), 0, 1, 100, &f.q);
    const char *scope =
        arena_printf(&r->arena, "modules|%d|%d|%s|%s", f.status, f.flow, author, f.q ? f.q : "");
    rc = page_parse(r, &v, scope, &page);
    if (rc < 0) {
        valid_free(&v);
        return http_reply_err(r, rc);
    }
    if (http_valid_or_reply(r, &v) < 0)
        return 0;

    /* §5: learners see published modules; authors also their own; admins everything. */
    f.see_all = r->user->role == ROLE_ADMIN;
    f.own_id = r->user->role == ROLE_AUTHOR ? r->user->id : NULL;
    f.limit = page.limit + 1;
    f.has_after = page.has_cursor;
    f.after_created_at = page.after.key_int;
    f.after_id = page.after.id;
    struct db_conn *c;
    struct module *items = NULL;
    int n = 0;
    rc = http_conn(r, &c);
    if (rc == 0)
        rc = modules_list(c, &r->arena, &f, &items, &n);
    if (rc < 0)
        return http_reply_err(r, rc);
    return page_reply(r, &page, scope, items, sizeof(*items), n, &module_items);
}

/* --- create ----------------------------------------------------------------------------- */

/* Validates settings for `flow` at ["body","settings"]; *text is the normalised JSON. */
static void parse_settings(struct http_req *r, struct valid *v, enum flow_type flow,
                           json_t *settings, const char **text)
{
    json_t *norm = NULL;

    valid_push_key(v, "settings");
    if (settings_validate(v, flow, settings, &norm) == 0)
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
    valid_string(&v, r->json, "title", V_REQUIRED, 1, 200, &m.title);
    valid_string(&v, r->json, "description", V_NULL_ABSENT, 0, 5000, &m.description);
    valid_enum(&v, r->json, "flow_type", V_REQUIRED, flow_type_names, &flow);
    valid_object(&v, r->json, "settings", V_NULL_ABSENT, &settings);
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
        rc = modules_insert(c, &m);
    if (rc < 0)
        return http_reply_err(r, rc);
    return http_reply_json_new(r, 201, modules_to_json(&m));
}

/* --- get, patch, delete ----------------------------------------------------------------- */

int api_modules_get(struct http_req *r)
{
    struct module m;
    char id[37];

    if (module_id_or_reply(r, id) < 0 || modules_load_or_reply(r, id, false, false, &m) < 0)
        return 0;
    return reply_module(r, &m);
}

int api_modules_patch(struct http_req *r)
{
    const char *title = NULL, *description = NULL;
    json_t *settings = NULL;
    struct module m;
    struct valid v;
    char id[37];

    valid_init(&v, &r->arena, "path");
    modules_path_id(r, &v, "module_id", id);
    if (http_valid_or_reply(r, &v) < 0)
        return 0;
    valid_init(&v, &r->arena, "body");
    valid_string(&v, r->json, "title", 0, 1, 200, &title);
    valid_string(&v, r->json, "description", 0, 0, 5000, &description);
    valid_object(&v, r->json, "settings", 0, &settings);
    if (http_valid_or_reply(r, &v) < 0)
        return 0;

    if (http_begin_write_or_reply(r) < 0 || modules_load_or_reply(r, id, true, true, &m) < 0)
        return 0;
    if (m.status != MODULE_DRAFT)
        return http_reply_detail(r, 409, "Only draft modules can be edited");
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

    if (owned_for_write_or_reply(r, &m) < 0)
        return 0;
    if (m.status != MODULE_DRAFT)
        return http_reply_detail(r, 409, "Only draft modules can be deleted");
    /* Screens go with it (ON DELETE CASCADE); copies keep existing with copied_from_id null
     * (ON DELETE SET NULL). */
    int rc = modules_delete(r->conn, m.id);
    if (rc < 0)
        return http_reply_err(r, rc);
    return commit_and_reply(r, 204, NULL);
}

/* --- status transitions ----------------------------------------------------------------- */

/* Runs the checks of §7 over the module's screens; 0, or -1 after replying 422 (or 503). */
static int publish_checks_or_reply(struct http_req *r, const struct module *m)
{
    struct screen *screens = NULL;
    int n = 0;
    int rc = screens_list(r->conn, &r->arena, m->id, &screens, &n);

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
    const char *start = json_string_value(json_object_get(settings, "start_screen_id"));
    struct valid v;
    valid_init(&v, &r->arena, "module");
    publish_check(&v, m->flow, start, ps, n);
    json_decref(settings);
    for (int i = 0; i < n; i++)
        json_decref(docs[i]);
    return http_valid_or_reply(r, &v);
}

int api_modules_publish(struct http_req *r)
{
    struct module m;

    if (owned_for_write_or_reply(r, &m) < 0)
        return 0;
    if (m.status == MODULE_PUBLISHED)
        return http_reply_detail(r, 409, "Module is already published");
    if (publish_checks_or_reply(r, &m) < 0)
        return 0;
    m.status = MODULE_PUBLISHED;
    m.published_at = m.updated_at = time_now_ms();
    return update_and_reply(r, &m);
}

int api_modules_archive(struct http_req *r)
{
    struct module m;

    if (owned_for_write_or_reply(r, &m) < 0)
        return 0;
    if (m.status != MODULE_PUBLISHED)
        return http_reply_detail(r, 409, "Only published modules can be archived");
    m.status = MODULE_ARCHIVED;
    m.archived_at = m.updated_at = time_now_ms();
    return update_and_reply(r, &m);
}

/* --- copy ------------------------------------------------------------------------------- */

struct id_map {
    struct screen *from;
    char (*to)[37];
    int n;
};

/* The new id of source screen `id`, or `id` itself when it names no source screen (references
 * that pointed nowhere keep pointing nowhere; publish catches them). */
static const char *map_id(const struct id_map *map, const char *id)
{
    for (int i = 0; i < map->n; i++)
        if (strcmp(map->from[i].id, id) == 0)
            return map->to[i];
    return id;
}

/* Rewrites a settings or content document's screen references through `map`. */
static const char *rewrite(struct arena *a, const struct id_map *map, const char *text)
{
    json_t *doc = json_loads(text, 0, NULL);
    json_t *start = json_object_get(doc, "start_screen_id");
    json_t *choice;
    size_t i;

    if (json_is_string(start))
        json_object_set_new(doc, "start_screen_id",
                            json_string(map_id(map, json_string_value(start))));
    json_array_foreach(json_object_get(doc, "choices"), i, choice)
    {
        json_t *next = json_object_get(choice, "next_screen_id");
        if (json_is_string(next))
            json_object_set_new(choice, "next_screen_id",
                                json_string(map_id(map, json_string_value(next))));
    }
    return doc != NULL ? http_dump_new(a, doc) : text;
}

/* Inserts the copy of `src` as module `dst` with screens renumbered through a new id map. */
static int insert_copy(struct http_req *r, const struct module *src, struct module *dst)
{
    struct id_map map = {0};
    int rc = screens_list(r->conn, &r->arena, src->id, &map.from, &map.n);

    if (rc < 0)
        return rc;
    map.to = arena_alloc(&r->arena, sizeof(*map.to) * (size_t)(map.n ? map.n : 1));
    for (int i = 0; i < map.n; i++)
        crypto_uuid_v4(map.to[i]);
    dst->settings = rewrite(&r->arena, &map, src->settings);
    dst->screen_count = map.n;
    rc = modules_insert(r->conn, dst);
    for (int i = 0; rc == 0 && i < map.n; i++) {
        struct screen s = map.from[i];
        snprintf(s.id, sizeof(s.id), "%s", map.to[i]);
        snprintf(s.module_id, sizeof(s.module_id), "%s", dst->id);
        if (s.next_screen_id[0] != '\0')
            snprintf(s.next_screen_id, sizeof(s.next_screen_id), "%s",
                     map_id(&map, map.from[i].next_screen_id));
        s.content = rewrite(&r->arena, &map, s.content);
        s.created_at = s.updated_at = dst->created_at;
        rc = screens_insert(r->conn, &s);
    }
    return rc;
}

int api_modules_copy(struct http_req *r)
{
    const char *title = NULL;
    struct module src, dst;
    struct valid v;
    char id[37];

    valid_init(&v, &r->arena, "path");
    modules_path_id(r, &v, "module_id", id);
    if (http_valid_or_reply(r, &v) < 0)
        return 0;
    valid_init(&v, &r->arena, "body");
    if (r->json != NULL)
        valid_string(&v, r->json, "title", V_NULL_ABSENT, 1, 200, &title);
    if (http_valid_or_reply(r, &v) < 0 || http_idem_begin_or_reply(r) < 0)
        return 0;
    /* Only the owner or an admin may copy: copies carry the answer keys. */
    if (http_begin_write_or_reply(r) < 0 || modules_load_or_reply(r, id, true, false, &src) < 0)
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
    return commit_and_reply(r, 201, modules_to_json(&dst));
}
