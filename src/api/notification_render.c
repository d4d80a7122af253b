/*
 * The Notification object; see notification_render.h.
 *
 * Written as text, like api_module_render(): a stream sends every notification to each of its
 * user's streams, and the list endpoint renders pages of them. `data` is JSON the server wrote
 * (jsonb on PostgreSQL, whose text form is one line) and is checked once here, so that the
 * stream and the endpoints show the same thing: it is copied as it is when it parses as an
 * object and holds no line break; with a line break (which would end an SSE `data:` line early;
 * only a hand-written SQLite row can have one) it is written again compactly; a document that
 * does not parse, or is not an object, is shown as {} and logged.
 */
#include "api/notification_render.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"
#include "util/time.h"

/* The data document as one line of JSON object text; *owned is set when the caller frees it. */
static const char *one_line_data(const struct notification *n, char **owned)
{
    const char *d = n->data;
    json_t *doc = d != NULL ? json_loads(d, 0, NULL) : NULL;
    const char *out = d;

    *owned = NULL;
    if (!json_is_object(doc)) {
        log_msg(LOG_ERROR, "notifications", "notification %s: stored data is not a JSON object",
                n->id);
        out = "{}";
    } else if (strpbrk(d, "\r\n") != NULL) {
        *owned = json_dumps(doc, JSON_COMPACT);
        out = *owned != NULL ? *owned : "{}";
    }
    json_decref(doc);
    return out;
}

int api_notification_render(struct buf *b, const struct notification *n)
{
    size_t start = b->len;
    char *owned;
    const char *data = one_line_data(n, &owned);
    int rc = buf_printf(b, "{\"id\":\"%s\",\"seq\":%lld,\"type\":\"%s\"", n->id, (long long)n->seq,
                        notification_type_names[n->type]);

    if (rc == 0)
        rc = buf_json_string_member(b, "title", n->title);
    if (rc == 0)
        rc = buf_json_string_member(b, "body", n->body);
    if (rc == 0)
        rc = buf_printf(b, ",\"data\":%s,\"read\":%s", data, n->read_at != 0 ? "true" : "false");
    if (rc == 0)
        rc = time_json_member(b, "read_at", n->read_at);
    if (rc == 0)
        rc = time_json_member(b, "created_at", n->created_at);
    if (rc == 0)
        rc = buf_puts(b, "}");
    free(owned);
    if (rc < 0) /* a full `b` keeps what it had, not half an object */
        buf_truncate(b, start);
    return rc;
}

json_t *api_notification_to_json(const struct notification *n)
{
    struct buf b;

    buf_init(&b, SIZE_MAX);
    api_notification_render(&b, n);
    json_t *obj = json_loadb(b.data, b.len, 0, NULL);
    buf_free(&b);
    if (obj == NULL)
        abort(); /* only out of memory: the text is JSON, its data checked above */
    return obj;
}
