/* Screen endpoints of API.md §6. */
#ifndef TS_API_SCREENS_H
#define TS_API_SCREENS_H

#include "http/http.h"

int api_screens_list(struct http_req *r);   /* GET /api/v1/modules/{module_id}/screens */
int api_screens_create(struct http_req *r); /* POST /api/v1/modules/{module_id}/screens */
int api_screens_get(struct http_req *r);    /* GET .../screens/{screen_id} */
int api_screens_patch(struct http_req *r);  /* PATCH .../screens/{screen_id} */
int api_screens_delete(struct http_req *r); /* DELETE .../screens/{screen_id} */
int api_screens_order(struct http_req *r);  /* PUT /api/v1/modules/{module_id}/screen-order */

#endif
