/* Progress endpoints of API.md §8, and the module view progress needs (also for redaction). */
#ifndef TS_API_PROGRESS_H
#define TS_API_PROGRESS_H

#include "model/module.h"
#include "model/progress.h"
#include "domain/content.h"
#include "domain/progress.h"
#include "http/http.h"

int api_progress_get(struct http_req *r);       /* GET /api/v1/modules/{module_id}/progress */
int api_progress_put(struct http_req *r);       /* PUT /api/v1/modules/{module_id}/progress */
int api_progress_answer(struct http_req *r);    /* POST .../screens/{screen_id}/answer */
int api_progress_submit(struct http_req *r);    /* POST .../progress/submit */
int api_progress_attempts(struct http_req *r);  /* POST .../progress/attempts */
int api_progress_dashboard(struct http_req *r); /* GET /api/v1/users/me/progress */

/*
 * Builds the module as the progress rules see it from its stored screens (parsed documents are
 * owned by the request). 0 or a TS_E* code.
 */
int api_progress_module_load(struct http_req *r, const struct module *m,
                             struct progress_module *pm);

/* The caller's record on `m` without a lock: the copy read with the token when the route has
 * one (ROUTE_WITH_RECORD), else from the database. TS_ENOTFOUND without a record. */
int api_progress_caller_record(struct http_req *r, const struct module *m, struct progress_rec *p);

/*
 * What the caller may see of the answer key of screen `screen_id` (§6.4), given their progress
 * document `data` (NULL without a record) and record status. With `screen_id` NULL, the parts
 * that depend on the whole record only (`answered` stays false).
 */
struct redact_ctx api_progress_redaction(const struct http_req *r, const struct module *m,
                                         json_t *data, enum progress_status status,
                                         const char *screen_id);

#endif
