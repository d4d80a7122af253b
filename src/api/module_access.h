/*
 * What the module, screen and progress handlers share about the module a request is about:
 * reading its id from the path, loading it for the caller with the visibility rules of §1.5
 * (404 when hidden, 403 when an edit needs its owner), opening an owner's edit, refusing a
 * change the module's status forbids, and rendering the Module object of §3.
 */
#ifndef TS_API_MODULE_ACCESS_H
#define TS_API_MODULE_ACCESS_H

#include <stdbool.h>

#include "db/caller.h"
#include "domain/module.h"
#include "http/http.h"
#include "util/buf.h"

/* How api_module_load_or_reply() loads. */
enum api_module_load {
    API_MODULE_VISIBLE = 0,    /* any caller who may see the module (§1.5) */
    API_MODULE_OWNER = 1 << 0, /* 403 unless the caller is its author or an admin */
    /* Read the row and lock it until the transaction ends (PostgreSQL; SQLite's write
     * transaction already excludes other writers), instead of the copy read with the token. */
    API_MODULE_LOCK = 1 << 1,
    /* Read the row and keep it from changing until the transaction ends, while other
     * transactions may do the same (assigning it: it must stay published, and assignments of
     * one module need not wait for each other). */
    API_MODULE_SHARE = 1 << 2,
};

/* Reads the path parameter `name` as a UUID into out; records uuid_parsing in v, and leaves
 * out "" then. */
void api_path_id(struct http_req *r, struct valid *v, const char *name, char out[STR_UUID_SIZE]);

/* The same as a whole validation pass: the path's errors, then those of `body_v` (NULL: none,
 * freed otherwise), in one 422. 0, or -1 after replying. */
int api_path_id_or_reply(struct http_req *r, const char *name, struct valid *body_v,
                         char out[STR_UUID_SIZE]);

/*
 * Loads module `id` for the caller on the request's connection, as `how` (enum
 * api_module_load flags) says: 404 when it does not exist or the caller may not see it, 403
 * when API_MODULE_OWNER and the caller is neither its author nor an admin. Without
 * API_MODULE_LOCK the copy read with the token (ROUTE_WITH_MODULE) is used when there is one.
 * Returns 0, or -1 after replying.
 */
int api_module_load_or_reply(struct http_req *r, const char *id, unsigned how, struct module *m);

/* The same without replying: 0, TS_ENOTFOUND (missing or hidden), TS_EFORBIDDEN, or another
 * TS_E* code; for a module named in a body, where a hidden one is a 422 (§11). */
int api_module_load(struct http_req *r, const char *id, unsigned how, struct module *m);

/*
 * The start of every owner's edit, after the request's input was validated: a new write
 * transaction, module `id` loaded as API_MODULE_OWNER | API_MODULE_LOCK, then `what` checked
 * against its status (409 with the spec's detail). 0, or -1 after replying.
 */
int api_module_edit_or_reply(struct http_req *r, const char *id, enum module_change what,
                             struct module *m);

/* Checks `what` against the module's status; 0, or -1 after replying 409. */
int api_module_change_or_reply(struct http_req *r, const struct module *m, enum module_change what);

/* Whether the caller is the module's author or an admin (the full view, editing rights). */
bool api_module_is_owner(const struct http_req *r, const struct module *m);

/* What the auth step read about `module_id` with the token, or NULL (db/caller.h). */
const struct caller *api_module_context(const struct http_req *r, const char *module_id);

/* Whether the caller has a progress record or an assignment for the module (keeps an archived
 * module visible and writable, §1.5, §8). 0 or a TS_E* code. */
int api_module_engaged(struct http_req *r, const struct module *m, bool *engaged);

/* The Module object of §3 as JSON text, appended to `b`. */
void api_module_render(struct buf *b, const struct module *m);

/* The same as a new jansson value (caller owns), for replies that embed it. */
json_t *api_module_to_json(const struct module *m);

#endif
