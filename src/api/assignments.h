/* Assignment endpoints of API.md §11. */
#ifndef TS_API_ASSIGNMENTS_H
#define TS_API_ASSIGNMENTS_H

#include "http/http.h"

int api_assignments_create(struct http_req *r); /* POST /api/v1/assignments */
int api_assignments_list(struct http_req *r);   /* GET /api/v1/assignments */
int api_assignments_get(struct http_req *r);    /* GET /api/v1/assignments/{assignment_id} */
int api_assignments_patch(struct http_req *r);  /* PATCH /api/v1/assignments/{assignment_id} */
int api_assignments_delete(struct http_req *r); /* DELETE /api/v1/assignments/{assignment_id} */
int api_assignments_mine(struct http_req *r);   /* GET /api/v1/users/me/assignments */

#endif
