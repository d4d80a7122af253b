/*
 * The Notification object; see notification_render.h.
 *
 * Written as text, like api_module_render(): a stream sends every notification to each of its
 * user's streams, and the list endpoint renders pages of them. `data` is JSON the server wrote
 * (jsonb on PostgreSQL, whose text form is one line) and is copied as it is, unless it holds a
 * line break, which would end an SSE `data:` line early: such a document (only a hand-written
 * SQLite row can have one) is parsed and written again compactly, and a document that does not
 * parse, or is not an object, is shown as {} and logged.
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

    *owned = NULL;
    if (d != NULL && d[0] == '{' && strpbrk(d, "\r\n") == NULL)
        return d;
    json_t *doc = d != NULL ? json_loads(d, 0, NULL) : NULL;
    if (json_is_object(doc))
        *owned = json_dumps(doc, JSON_COMPACT);
    else
        log_msg(LOG_ERROR, "notifications", "notification %s: stored data is not a JSON object",
                n->id);
    json_decref(doc);
    return *owned != NULL ? *owned : "{}";
}

int api_notification_render(struct buf *b, const struct notification *n)
{
    struct buf out;
    char *owned;
    const char *data = one_line_data(n, &owned);

    /* Rendered aside first, so a full `b` gets nothing rather than half an object. */
    buf_init(&out, SIZE_MAX);
    buf_printf(&out, "{\"id\":\"%s\",\"seq\":%lld,\"type\":\"%s\"", n->id, (long long)n->seq,
               notification_type_names[n->type]);
    buf_json_string_member(&out, "title", n->title);
    buf_json_string_member(&out, "body", n->body);
    buf_printf(&out, ",\"data\":%s,\"read\":%s", data, n->read_at != 0 ? "true" : "false");
    time_json_member(&out, "read_at", n->read_at);
    time_json_member(&out, "created_at", n->created_at);
    buf_puts(&out, "}");
    free(owned);
    int rc = buf_append(b, out.data, out.len);
    buf_free(&out);
    return rc;
}

json_t *api_notification_to_json(const struct notification *n)
{
    struct buf b;

    buf_init(&b, SIZE_MAX);
    api_notification_render(&b, n);
    json_t *obj = json_loadb(b.data, b.len, 0, NULL);
    buf_free(&b);
    if (obj == NULL && strcmp(n->data != NULL ? n->data : "", "{}") != 0) {
        /* Stored data that starts like an object but is not JSON (a hand-edited row). */
        log_msg(LOG_ERROR, "notifications", "notification %s: stored data is not JSON", n->id);
        struct notification plain = *n;
        plain.data = "{}";
        return api_notification_to_json(&plain);
    }
    if (obj == NULL)
        abort(); /* out of memory */
    return obj;
}
