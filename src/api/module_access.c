/*
 * Loading a module for the caller, an owner's edit, and the Module object; see
 * module_access.h.
 *
 * Sections: path and visibility; edits; rendering.
 */
#include "api/module_access.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/assignments.h"
#include "db/modules.h"
#include "db/progress.h"
#include "util/err.h"
#include "util/log.h"
#include "util/time.h"

/* --- path and visibility ---------------------------------------------------------------- */

void api_path_id(struct http_req *r, struct valid *v, const char *name, char out[STR_UUID_SIZE])
{
    out[0] = '\0'; /* callers may build a cursor scope from it before replying the 422 */
    valid_text_uuid(v, name, http_param(r, name), V_REQUIRED, out);
}

int api_path_id_or_reply(struct http_req *r, const char *name, struct valid *body_v,
                         char out[STR_UUID_SIZE])
{
    struct valid v;

    valid_init(&v, &r->arena, "path");
    api_path_id(r, &v, name, out);
    if (body_v != NULL)
        valid_merge(&v, body_v);
    return http_valid_or_reply(r, &v);
}

bool api_module_is_owner(const struct http_req *r, const struct module *m)
{
    return r->user->role == ROLE_ADMIN || strcmp(r->user->id, m->author_id) == 0;
}

const struct caller *api_module_context(const struct http_req *r, const char *module_id)
{
    const struct caller *cl = r->caller;

    return cl != NULL && strcmp(cl->module_id, module_id) == 0 ? cl : NULL;
}

int api_module_engaged(struct http_req *r, const struct module *m, bool *engaged)
{
    /* A progress record or an assignment keeps an archived module visible and writable for its
     * learner. This runs only for archived modules and callers who do not own them, so the
     * common reads never pay for it; the record read with the token (ROUTE_WITH_RECORD), when
     * there is one, saves the first statement. */
    const struct caller *cl = api_module_context(r, m->id);
    struct db_conn *c;
    int rc = http_conn(r, &c);

    if (rc < 0)
        return rc;
    if (cl != NULL && cl->record_read)
        *engaged = cl->progress_found;
    else
        rc = db_progress_exists(c, r->user->id, m->id, engaged);
    if (rc == 0 && !*engaged)
        rc = db_assignments_exists(c, r->user->id, m->id, engaged);
    return rc;
}

/* The module row: the copy read with the token when there is one and no lock is asked for,
 * else from the database. */
static int read_module(struct http_req *r, const char *id, enum db_modules_lock lock,
                       struct module *m)
{
    const struct caller *cl = lock != DB_MODULES_NO_LOCK ? NULL : api_module_context(r, id);
    struct db_conn *c;

    if (cl != NULL) { /* read with the token (ROUTE_WITH_MODULE) */
        if (!cl->module_found)
            return TS_ENOTFOUND;
        *m = cl->module;
        return 0;
    }
    int rc = http_conn(r, &c);
    return rc == 0 ? db_modules_get(c, &r->arena, id, lock, m) : rc;
}

int api_module_load_or_reply(struct http_req *r, const char *id, unsigned how, struct module *m)
{
    int rc = api_module_load(r, id, how, m);

    if (rc < 0) {
        http_reply_err(r, rc);
        return -1;
    }
    return 0;
}

int api_module_load(struct http_req *r, const char *id, unsigned how, struct module *m)
{
    bool engaged = false;
    int rc = read_module(r, id,
                         (how & API_MODULE_LOCK)    ? DB_MODULES_UPDATE
                         : (how & API_MODULE_SHARE) ? DB_MODULES_SHARE
                                                    : DB_MODULES_NO_LOCK,
                         m);

    if (rc == 0 && m->status == MODULE_ARCHIVED && !api_module_is_owner(r, m))
        rc = api_module_engaged(r, m, &engaged);
    enum module_access access =
        rc == 0 ? module_access_for(r->user->role == ROLE_ADMIN,
                                    strcmp(r->user->id, m->author_id) == 0, m->status, engaged)
                : MODULE_HIDDEN;
    if (rc == 0 && access == MODULE_HIDDEN)
        rc = TS_ENOTFOUND;
    if (rc == 0 && (how & API_MODULE_OWNER) && access != MODULE_OWNED)
        rc = TS_EFORBIDDEN;
    return rc;
}

/* --- edits ------------------------------------------------------------------------------ */

int api_module_change_or_reply(struct http_req *r, const struct module *m, enum module_change what)
{
    static const char *const details[] = {
        [MODULE_REFUSE_EDIT_NOT_DRAFT] = "Only draft modules can be edited",
        [MODULE_REFUSE_FULL] = "A module can have at most 200 screens",
        [MODULE_REFUSE_DELETE_NOT_DRAFT] = "Only draft modules can be deleted",
        [MODULE_REFUSE_PUBLISHED] = "Module is already published",
        [MODULE_REFUSE_NOT_PUBLISHED] = "Only published modules can be archived",
    };
    enum module_refusal why = module_check_change(m, what);

    if (why == MODULE_CHANGE_OK)
        return 0;
    http_reply_detail(r, 409, details[why]);
    return -1;
}

int api_module_edit_or_reply(struct http_req *r, const char *id, enum module_change what,
                             struct module *m)
{
    if (http_begin_write_or_reply(r) < 0 ||
        api_module_load_or_reply(r, id, API_MODULE_OWNER | API_MODULE_LOCK, m) < 0)
        return -1;
    return api_module_change_or_reply(r, m, what);
}

/* --- rendering -------------------------------------------------------------------------- */

/*
 * Written directly as text: GET module is a hot read, and building a jansson tree (parsing the
 * settings, packing, dumping, freeing) was most of its user-space time (docs/PERFORMANCE.md).
 * The stored settings are JSON the server wrote after validating it (jsonb on PostgreSQL), so
 * they are copied as they are.
 */
void api_module_render(struct buf *b, const struct module *m)
{
    buf_printf(b, "{\"id\":\"%s\"", m->id);
    buf_json_string_member(b, "title", m->title);
    buf_json_string_member(b, "description", m->description);
    buf_printf(b, ",\"flow_type\":\"%s\",\"status\":\"%s\",\"settings\":%s",
               flow_type_names[m->flow], module_status_names[m->status],
               m->settings != NULL && m->settings[0] != '\0' ? m->settings : "{}");
    buf_printf(b, ",\"author_id\":\"%s\"", m->author_id);
    buf_json_string_member(b, "author_name", m->author_name);
    if (m->copied_from_id[0] != '\0')
        buf_printf(b, ",\"copied_from_id\":\"%s\"", m->copied_from_id);
    else
        buf_puts(b, ",\"copied_from_id\":null");
    buf_printf(b, ",\"screen_count\":%d", m->screen_count);
    time_json_member(b, "created_at", m->created_at);
    time_json_member(b, "updated_at", m->updated_at);
    time_json_member(b, "published_at", m->published_at);
    time_json_member(b, "archived_at", m->archived_at);
    buf_puts(b, "}");
}

json_t *api_module_to_json(const struct module *m)
{
    struct buf b;

    buf_init(&b, SIZE_MAX);
    api_module_render(&b, m);
    json_t *obj = json_loadb(b.data, b.len, 0, NULL);
    buf_free(&b);
    if (obj == NULL && m->settings != NULL && strcmp(m->settings, "{}") != 0) {
        /* Only settings the server did not write (a hand-edited SQLite row) get here: the
         * module is still shown, with empty settings, rather than taking the process down. */
        log_msg(LOG_ERROR, "modules", "module %s: stored settings are not JSON", m->id);
        struct module plain = *m;
        plain.settings = "{}";
        return api_module_to_json(&plain);
    }
    if (obj == NULL)
        abort(); /* out of memory */
    return obj;
}
