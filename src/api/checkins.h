/* Check-in endpoints of API.md §10. */
#ifndef TS_API_CHECKINS_H
#define TS_API_CHECKINS_H

#include "http/http.h"

int api_checkins_create(struct http_req *r);  /* POST /api/v1/checkins */
int api_checkins_list(struct http_req *r);    /* GET /api/v1/checkins */
int api_checkins_streak(struct http_req *r);  /* GET /api/v1/checkins/streak */
int api_checkins_summary(struct http_req *r); /* GET /api/v1/checkins/summary */
int api_checkins_get(struct http_req *r);     /* GET /api/v1/checkins/{checkin_id} */
int api_checkins_patch(struct http_req *r);   /* PATCH /api/v1/checkins/{checkin_id} */

#endif
