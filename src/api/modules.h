/* Module endpoints of API.md §5 (what screens and progress share is in module_access.h). */
#ifndef TS_API_MODULES_H
#define TS_API_MODULES_H

#include "http/http.h"

int api_modules_list(struct http_req *r);    /* GET /api/v1/modules */
int api_modules_create(struct http_req *r);  /* POST /api/v1/modules */
int api_modules_get(struct http_req *r);     /* GET /api/v1/modules/{module_id} */
int api_modules_patch(struct http_req *r);   /* PATCH /api/v1/modules/{module_id} */
int api_modules_delete(struct http_req *r);  /* DELETE /api/v1/modules/{module_id} */
int api_modules_publish(struct http_req *r); /* POST /api/v1/modules/{module_id}/publish */
int api_modules_archive(struct http_req *r); /* POST /api/v1/modules/{module_id}/archive */
int api_modules_copy(struct http_req *r);    /* POST /api/v1/modules/{module_id}/copy */

#endif
