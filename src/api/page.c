/* Pagination helpers; see page.h. */
#include "api/page.h"

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

int api_page_parse(struct http_req *r, struct valid *v, const char *scope, struct page_in *p)
{
    int64_t limit = 20;
    const char *text = http_query(r, "cursor");

    memset(p, 0, sizeof(*p));
    valid_text_int(v, "limit", http_query(r, "limit"), 0, 1, 100, &limit);
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
    int rc = api_page_parse(r, v, scope, p);

    if (rc < 0) {
        valid_free(v);
        http_reply_err(r, rc);
        return -1;
    }
    return http_valid_or_reply(r, v);
}

json_t *api_page_render_new(const struct page_in *p, const char *scope, json_t *items,
                            const struct cursor *last)
{
    json_t *next = json_null();

    if (last != NULL) {
        char *text = cursor_encode(p->key, scope, last);
        if (text == NULL) { /* a sort key the cursor cannot carry: a programming error */
            json_decref(items);
            return NULL; /* the reply becomes a logged 500 */
        }
        next = json_string(text);
        free(text);
    }
    return json_pack("{s:o,s:o}", "items", items, "next_cursor", next);
}

/* The page as text: {"items":[...],"next_cursor":...}, the items by ops->render_text. */
static int reply_text(struct http_req *r, const struct page_in *p, const char *scope,
                      const char *base, size_t size, int shown, const struct page_item_ops *ops,
                      const struct cursor *last)
{
    char *next = last != NULL ? cursor_encode(p->key, scope, last) : NULL;
    struct buf b;

    if (last != NULL && next == NULL) /* a sort key the cursor cannot carry: a bug */
        return http_reply_err(r, TS_EINTERNAL);
    buf_init(&b, SIZE_MAX);
    buf_puts(&b, "{\"items\":[");
    for (int i = 0; i < shown; i++) {
        if (i > 0)
            buf_puts(&b, ",");
        ops->render_text(&b, base + (size_t)i * size);
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

int api_page_reply(struct http_req *r, int rc, const struct page_in *p, const char *scope,
                   const void *items, size_t size, int n, const struct page_item_ops *ops)
{
    if (rc < 0)
        return http_reply_err(r, rc);
    const char *base = items;
    int shown = n > p->limit ? p->limit : n;
    struct cursor last = {0};

    if (n > p->limit) {
        const char *item = base + (size_t)(shown - 1) * size;
        memcpy(&last.key_int, item + ops->key_offset, sizeof(last.key_int));
        snprintf(last.id, sizeof(last.id), "%s", item + ops->id_offset);
    }
    if (ops->render_text != NULL)
        return reply_text(r, p, scope, base, size, shown, ops, n > p->limit ? &last : NULL);
    json_t *arr = json_array();
    for (int i = 0; i < shown; i++)
        json_array_append_new(arr, ops->render(base + (size_t)i * size));
    return http_reply_json_new(r, 200,
                               api_page_render_new(p, scope, arr, n > p->limit ? &last : NULL));
}
