/*
 * Notification endpoints of API.md §12 (the stream is http/sse.c's), the Notification object,
 * and how every trigger creates a notification inside its request's transaction.
 */
#ifndef TS_API_NOTIFICATIONS_H
#define TS_API_NOTIFICATIONS_H

#include <jansson.h>

#include "domain/notification.h"
#include "http/http.h"
#include "model/notification.h"

int api_notifications_list(struct http_req *r);         /* GET /api/v1/notifications */
int api_notifications_unread_count(struct http_req *r); /* GET …/notifications/unread-count */
int api_notifications_read(struct http_req *r); /* POST …/notifications/{notification_id}/read */
int api_notifications_read_all(struct http_req *r); /* POST /api/v1/notifications/read-all */

/*
 * Creates a notification of `type` for `user_id` inside the request's open write transaction:
 * title, body and data from notification_compose() (domain/notification.h), numbered by
 * db_notifications_insert(), and announced to the streams once http_commit_or_reply() has
 * committed (nothing is announced if the transaction rolls back). 0 or a TS_E* code.
 */
int api_notification_create(struct http_req *r, const char *user_id, enum notification_type type,
                            const struct notification_about *about);

#endif
