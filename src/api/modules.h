/* Module endpoints of API.md §5, and the module loading shared with the screen endpoints. */
#ifndef TS_API_MODULES_H
#define TS_API_MODULES_H

#include "db/modules.h"
#include "http/http.h"
#include "util/buf.h"

int api_modules_list(struct http_req *r);    /* GET /api/v1/modules */
int api_modules_create(struct http_req *r);  /* POST /api/v1/modules */
int api_modules_get(struct http_req *r);     /* GET /api/v1/modules/{module_id} */
int api_modules_patch(struct http_req *r);   /* PATCH /api/v1/modules/{module_id} */
int api_modules_delete(struct http_req *r);  /* DELETE /api/v1/modules/{module_id} */
int api_modules_publish(struct http_req *r); /* POST /api/v1/modules/{module_id}/publish */
int api_modules_archive(struct http_req *r); /* POST /api/v1/modules/{module_id}/archive */
int api_modules_copy(struct http_req *r);    /* POST /api/v1/modules/{module_id}/copy */

/* The Module object of §3 as JSON text, appended to `b`. */
void modules_render(struct buf *b, const struct module *m);

/* The same as a jansson value, for replies that embed it in a larger document. */
json_t *modules_to_json(const struct module *m);

/* Reads the path parameter `name` as a UUID into out; records uuid_parsing in v. */
void modules_path_id(struct http_req *r, struct valid *v, const char *name, char out[37]);

/*
 * Loads module `id` for the caller, on the request's connection: 404 when it does not exist or
 * the caller may not see it (§1.5), 403 when `need_owner` and the caller is neither its author
 * nor an admin. `lock` holds the row until the transaction ends; without it, the copy read
 * with the token (ROUTE_WITH_MODULE) is used when there is one. Returns 0, or -1 after
 * replying.
 */
int modules_load_or_reply(struct http_req *r, const char *id, bool need_owner, bool lock,
                          struct module *m);

/* Whether the caller is the module's author or an admin (the full view, editing rights). */
bool modules_is_owner(const struct http_req *r, const struct module *m);

/* What the auth step read about `module_id` with the token, or NULL (db/caller.h). */
const struct caller *modules_context(const struct http_req *r, const char *module_id);

/* Whether the caller has a progress record for the module (keeps an archived module visible
 * and writable). */
int modules_engaged(struct http_req *r, const struct module *m, bool *engaged);

#endif
