/* The notification stream endpoint (API.md §12). */
#ifndef TS_API_NOTIFICATION_STREAM_H
#define TS_API_NOTIFICATION_STREAM_H

#include <stdbool.h>
#include <stdint.h>

#include "http/http.h"

/*
 * Where a stream's replay starts: true with *after the seq of Last-Event-ID (the header, or
 * ?last_event_id= when the header is absent) when it is a non-negative integer; false when
 * nothing is to be replayed.
 */
bool api_stream_replay_after(struct http_req *r, int64_t *after);

/* GET /api/v1/notifications/stream */
int api_notifications_stream(struct http_req *r);

#endif
