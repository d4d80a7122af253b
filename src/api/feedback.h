/* Feedback endpoints of API.md §9. */
#ifndef TS_API_FEEDBACK_H
#define TS_API_FEEDBACK_H

#include "http/http.h"

int api_feedback_create(struct http_req *r);  /* POST /api/v1/modules/{module_id}/feedback */
int api_feedback_list(struct http_req *r);    /* GET /api/v1/modules/{module_id}/feedback */
int api_feedback_summary(struct http_req *r); /* GET …/{module_id}/feedback/summary */

#endif
