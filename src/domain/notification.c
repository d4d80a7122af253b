/* Titles, bodies and data of notifications; see notification.h. */
#include "domain/notification.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/crypto.h"
#include "util/time.h"

/* "1 Dec 2026, 17:00 UTC" */
static const char *human_time(struct arena *a, int64_t ms)
{
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;

    gmtime_r(&secs, &tm);
    return arena_printf(a, "%d %s %d, %02d:%02d UTC", tm.tm_mday, months[tm.tm_mon],
                        tm.tm_year + 1900, tm.tm_hour, tm.tm_min);
}

static json_t *id_or_null(const char *id)
{
    return id != NULL && id[0] != '\0' ? json_string(id) : json_null();
}

/* A title the reader recognises the module by, even when it is long. */
static const char *module_name(struct arena *a, const char *title)
{
    return arena_printf(a, "\"%s\"", title != NULL && title[0] != '\0' ? title : "A module");
}

void notification_compose(struct arena *a, enum notification_type type,
                          const struct notification_about *about, struct notification *n)
{
    const char *name = module_name(a, about->module_title);
    json_t *data = NULL;

    n->type = type;
    switch (type) {
    case NOTIFICATION_MODULE_ASSIGNED:
        n->title = "New assignment";
        n->body = about->due_at != 0 ? arena_printf(a, "%s was assigned to you, due %s.", name,
                                                    human_time(a, about->due_at))
                                     : arena_printf(a, "%s was assigned to you.", name);
        break;
    case NOTIFICATION_ASSIGNMENT_DUE_SOON:
        n->title = "Assignment due soon";
        n->body = arena_printf(a, "%s is due %s.", name, human_time(a, about->due_at));
        break;
    case NOTIFICATION_MODULE_PUBLISHED:
        n->title = "Module published";
        n->body =
            about->copied_from_id != NULL && about->copied_from_id[0] != '\0'
                ? arena_printf(a, "A new version of an assigned module was published: %s.", name)
                : arena_printf(a, "%s was published.", name);
        break;
    case NOTIFICATION_FEEDBACK_RECEIVED:
        n->title = "New feedback";
        n->body = arena_printf(a, "%s received a rating of %d out of 5.", name, about->rating);
        break;
    }
    switch (type) {
    case NOTIFICATION_MODULE_ASSIGNED:
    case NOTIFICATION_ASSIGNMENT_DUE_SOON:
        data = json_pack("{s:o,s:o,s:o}", "assignment_id", id_or_null(about->assignment_id),
                         "module_id", id_or_null(about->module_id), "due_at",
                         time_to_json(about->due_at));
        break;
    case NOTIFICATION_MODULE_PUBLISHED:
        data = json_pack("{s:o,s:o}", "module_id", id_or_null(about->module_id), "copied_from_id",
                         id_or_null(about->copied_from_id));
        break;
    case NOTIFICATION_FEEDBACK_RECEIVED:
        data = json_pack("{s:o,s:o,s:i}", "feedback_id", id_or_null(about->feedback_id),
                         "module_id", id_or_null(about->module_id), "rating", about->rating);
        break;
    }
    char *text = data != NULL ? json_dumps(data, JSON_COMPACT) : NULL;
    if (text == NULL)
        abort(); /* out of memory: json_pack of these values cannot fail otherwise */
    n->data = arena_strdup(a, text);
    free(text);
    json_decref(data);
}

void notification_new(struct arena *a, const char *user_id, enum notification_type type,
                      const struct notification_about *about, int64_t now_ms,
                      struct notification *n)
{
    memset(n, 0, sizeof(*n));
    crypto_uuid_v4(n->id);
    snprintf(n->user_id, sizeof(n->user_id), "%s", user_id);
    n->created_at = now_ms;
    notification_compose(a, type, about, n);
}
