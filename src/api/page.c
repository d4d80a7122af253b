/* Pagination helpers; see page.h. */
#include "api/page.h"
#include "api/schemas.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/meta.h"
#include "util/err.h"

/* The cursor key is read from the database once per process. */
static pthread_mutex_t key_mu = PTHREAD_MUTEX_INITIALIZER;
static uint8_t cursor_key[CURSOR_KEY_BYTES];
static bool have_key;

static int load_key(struct http_req *r, uint8_t key[CURSOR_KEY_BYTES])
{
    struct db_conn *c;
    int rc = 0;

    pthread_mutex_lock(&key_mu);
    if (!have_key) {
        rc = http_conn(r, &c);
        if (rc == 0)
            rc = db_meta_secret(c, "cursor_key", cursor_key);
        have_key = rc == 0;
    }
    if (rc == 0)
        memcpy(key, cursor_key, CURSOR_KEY_BYTES);
    pthread_mutex_unlock(&key_mu);
    return rc;
}

static int page_parse(struct http_req *r, struct valid *v, const char *scope, struct page_in *p)
{
    int64_t limit = 20;
    const char *text = http_query(r, "cursor");

    memset(p, 0, sizeof(*p));
    valid_text_field(v, &schema_page_query, "limit", http_query(r, "limit"), &limit);
    p->limit = (int)limit;
    /* Loaded even without a cursor: the reply needs it to sign the next one. */
    int rc = load_key(r, p->key);
    if (rc < 0 || text == NULL)
        return rc;
    if (cursor_decode(p->key, scope, text, &p->after) < 0)
        valid_value_error(v, "cursor", "invalid cursor");
    else
        p->has_cursor = true;
    return 0;
}

struct db_keyset api_page_keyset(const struct page_in *p)
{
    return (struct db_keyset){.limit = p->limit + 1,
                              .has_after = p->has_cursor,
                              .after_key = p->after.key_int,
                              .after_id = p->after.id};
}

int api_page_parse_or_reply(struct http_req *r, struct valid *v, const char *scope,
                            struct page_in *p)
{
    return api_page_parse_path_or_reply(r, NULL, v, scope, p);
}

int api_page_parse_path_or_reply(struct http_req *r, struct valid *path_v, struct valid *v,
                                 const char *scope, struct page_in *p)
{
    int rc = page_parse(r, v, scope, p);

    if (path_v != NULL) {
        valid_merge(path_v, v);
        v = path_v;
    }
    if (rc < 0) {
        valid_free(v);
        http_reply_err(r, rc);
        return -1;
    }
    return http_valid_or_reply(r, v);
}

json_t *api_item_json(void (*render)(struct buf *b, const void *item), const void *item)
{
    struct buf b;

    buf_init(&b, SIZE_MAX);
    render(&b, item);
    json_t *doc = json_loadb(b.data, b.len, 0, NULL);
    buf_free(&b);
    if (doc == NULL)
        abort(); /* only out of memory: every string in it was escaped */
    return doc;
}

/* Appends one item's JSON text: its text renderer, or its jansson object dumped. */
static void append_item(struct buf *b, const struct page_item_ops *ops, const void *item)
{
    if (ops->render_text != NULL) {
        ops->render_text(b, item);
        return;
    }
    json_t *doc = ops->render(item);
    char *text = doc != NULL ? json_dumps(doc, JSON_COMPACT) : NULL;

    json_decref(doc);
    if (text == NULL)
        abort(); /* only out of memory: the renderers build valid trees */
    buf_puts(b, text);
    free(text);
}

int api_page_reply(struct http_req *r, int rc, const struct page_in *p, const char *scope,
                   const void *items, size_t size, int n, const struct page_item_ops *ops)
{
    if (rc < 0)
        return http_reply_err(r, rc);
    const char *base = items;
    int shown = n > p->limit ? p->limit : n;
    char *next = NULL;

    if (n > p->limit) { /* the cursor after the last item shown */
        const char *item = base + (size_t)(shown - 1) * size;
        struct cursor last = {0};
        memcpy(&last.key_int, item + ops->key_offset, sizeof(last.key_int));
        snprintf(last.id, sizeof(last.id), "%s", item + ops->id_offset);
        next = cursor_encode(p->key, scope, &last);
        if (next == NULL) /* a sort key the cursor cannot carry: a programming error */
            return http_reply_err(r, TS_EINTERNAL);
    }
    struct buf b;
    buf_init(&b, SIZE_MAX);
    buf_puts(&b, "{\"items\":[");
    for (int i = 0; i < shown; i++) {
        if (i > 0)
            buf_puts(&b, ",");
        append_item(&b, ops, base + (size_t)i * size);
    }
    buf_puts(&b, "],\"next_cursor\":");
    if (next != NULL) {
        buf_puts(&b, "\"");
        buf_json_escape(&b, next);
        buf_puts(&b, "\"}");
    } else {
        buf_puts(&b, "null}");
    }
    free(next);
    http_reply_raw(r, 200, "application/json", b.data, b.len);
    buf_free(&b);
    return 0;
}
