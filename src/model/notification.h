/*
 * The notification entity (API.md §12): one message to one user, numbered by the database.
 * Plain data shared by every layer above util/; the storage is in db/notifications.h.
 */
#ifndef TS_MODEL_NOTIFICATION_H
#define TS_MODEL_NOTIFICATION_H

#include <stdbool.h>
#include <stdint.h>

#include "model/model.h"
#include "util/str.h"

enum notification_type {
    NOTIFICATION_MODULE_ASSIGNED = 0,
    NOTIFICATION_ASSIGNMENT_DUE_SOON,
    NOTIFICATION_MODULE_PUBLISHED,
    NOTIFICATION_FEEDBACK_RECEIVED,
};

/* Spec spellings in spec order, NULL terminated. */
extern const char *const notification_type_names[];

/* A notification as stored; strings live in the arena of whoever loaded or built it. */
struct notification {
    char id[STR_UUID_SIZE];
    int64_t seq; /* assigned by the database; the SSE event id */
    char user_id[STR_UUID_SIZE];
    enum notification_type type;
    const char *title;
    const char *body;
    const char *data; /* JSON object text */
    int64_t read_at;  /* 0 = unread */
    int64_t created_at;
};

#endif
