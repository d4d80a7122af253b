/* Analytics endpoint of API.md §13. */
#ifndef TS_API_ANALYTICS_H
#define TS_API_ANALYTICS_H

#include "http/http.h"

int api_analytics_get(struct http_req *r); /* GET /api/v1/modules/{module_id}/analytics */

#endif
