/* The notification stream endpoint (API.md §12). */
#ifndef TS_API_NOTIFICATION_STREAM_H
#define TS_API_NOTIFICATION_STREAM_H

#include "http/http.h"

/* GET /api/v1/notifications/stream */
int api_notifications_stream(struct http_req *r);

#endif
