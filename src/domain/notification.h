/*
 * What a notification says (API.md §12): its title, body and `data` object, made from the
 * facts of the event that caused it. Pure: no HTTP, no SQL; the storage is in
 * db/notifications.h, the creation inside a request in api/notifications.h.
 */
#ifndef TS_DOMAIN_NOTIFICATION_H
#define TS_DOMAIN_NOTIFICATION_H

#include <stdint.h>

#include "model/notification.h"
#include "util/arena.h"

/* The facts a notification is made of; each type reads the ones its `data` keys name. */
struct notification_about {
    const char *module_id;
    const char *module_title;
    const char *assignment_id;  /* module_assigned, assignment_due_soon */
    int64_t due_at;             /* module_assigned, assignment_due_soon; 0 = none */
    const char *copied_from_id; /* module_published; NULL or "" = none */
    const char *feedback_id;    /* feedback_received */
    int rating;                 /* feedback_received */
};

/*
 * Sets n->type, n->title, n->body and n->data (JSON object text with exactly the keys §12
 * lists for the type) from `about`. Titles and bodies are short English sentences, never
 * empty; times in them are UTC ("1 Dec 2026, 17:00 UTC"). Strings are allocated in `a`.
 */
void notification_compose(struct arena *a, enum notification_type type,
                          const struct notification_about *about, struct notification *n);

/* A new notification of `type` for `user_id`: a fresh id, created_at `now_ms`, and what
 * notification_compose() writes; seq is the database's to assign (db_notifications_insert). */
void notification_new(struct arena *a, const char *user_id, enum notification_type type,
                      const struct notification_about *about, int64_t now_ms,
                      struct notification *n);

#endif
