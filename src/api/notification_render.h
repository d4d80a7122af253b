/*
 * The Notification object of API.md §12, rendered once for every place that shows one: the
 * notification stream's events (http/sse.c) and the notification endpoints.
 */
#ifndef TS_API_NOTIFICATION_RENDER_H
#define TS_API_NOTIFICATION_RENDER_H

#include <jansson.h>

#include "model/notification.h"
#include "util/buf.h"

/*
 * Appends the object as compact JSON text on one line (no CR or LF anywhere, as an SSE `data:`
 * field needs): id, seq, type, title, body, data (an object), read, read_at, created_at.
 * Thread safe. Returns 0, or TS_ETOOBIG when `b` is full (nothing appended).
 */
int api_notification_render(struct buf *b, const struct notification *n);

/* The same object as a jansson tree (caller owns the reference). */
json_t *api_notification_to_json(const struct notification *n);

#endif
