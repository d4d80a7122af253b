/*
 * Keyset pagination for list endpoints (API.md §1.7): the `limit` and `cursor` query
 * parameters, and the {"items":[...],"next_cursor":...} page. Cursors are bound to a scope
 * string that the endpoint builds from its route, concrete path and filter values, and signed
 * with a deployment-wide key (db/meta.h), so they work on every instance.
 */
#ifndef TS_API_PAGE_H
#define TS_API_PAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "domain/cursor.h"
#include "http/http.h"
#include "util/buf.h"

struct page_in {
    int limit;
    bool has_cursor;
    struct cursor after;           /* valid when has_cursor */
    uint8_t key[CURSOR_KEY_BYTES]; /* signs the next cursor */
};

/* The storage keyset for page `p`: one row more than the page, which tells whether another
 * page exists, after the cursor's row. */
struct db_keyset api_page_keyset(const struct page_in *p);

/*
 * Reads `limit` (1..100, default 20) and `cursor` into p, recording 422 items in v (an invalid
 * cursor: loc ["query","cursor"], "Value error, invalid cursor"), then ends the validation pass
 * `v` (freed): 0, or -1 after replying 422 (v's errors), or 503/500 when the cursor signing key
 * could not be loaded.
 */
int api_page_parse_or_reply(struct http_req *r, struct valid *v, const char *scope,
                            struct page_in *p);

/* The same for a list under a path with parameters: the path's errors, recorded in `path_v`,
 * come first in the same 422 (both passes are freed). */
int api_page_parse_path_or_reply(struct http_req *r, struct valid *path_v, struct valid *v,
                                 const char *scope, struct page_in *p);

/* How api_page_reply() renders one item and where it finds its sort key (the keyset columns):
 * an int64_t at `key_offset` and an id (char[STR_UUID_SIZE]) at `id_offset` of the item.
 * An item renders straight to JSON text (`render_text`, which appends one object to `b`), or,
 * when that is NULL, as a jansson object (`render`) that is then dumped; the page around the
 * items is written as text. */
struct page_item_ops {
    json_t *(*render)(const void *item);
    size_t key_offset;
    size_t id_offset;
    void (*render_text)(struct buf *b, const void *item);
};

/* One item rendered as text by `render` (a page_item_ops.render_text), parsed into a new
 * jansson value (caller owns): the reply of one object whose lists are written as text.
 * Aborts only when out of memory (what render_text writes is JSON). */
json_t *api_item_json(void (*render)(struct buf *b, const void *item), const void *item);

/*
 * Ends a list handler. `rc` is the list query's outcome: a failure is replied as such.
 * Otherwise replies 200 with one page of the `n` items of `size` bytes each that the query returned
 * when asked for p->limit + 1 (one more tells whether a next page exists): the first p->limit of
 * them, and the cursor after the last one shown when there are more.
 */
int api_page_reply(struct http_req *r, int rc, const struct page_in *p, const char *scope,
                   const void *items, size_t size, int n, const struct page_item_ops *ops);

#endif
