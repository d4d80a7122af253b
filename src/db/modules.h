/*
 * Storage of modules and screens (migration 0003). Functions run on a connection the caller
 * holds, inside the caller's transaction for writes; loaded strings live in the caller's arena.
 * Timestamps that are null in the database are 0 here. JSON documents (settings, content)
 * travel as JSON text.
 * Errors: TS_ENOTFOUND, TS_EUNAVAIL, TS_EDB.
 */
#ifndef TS_DB_MODULES_H
#define TS_DB_MODULES_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "domain/module.h"
#include "domain/user.h"
#include "util/arena.h"

struct module {
    char id[37];
    const char *title;
    const char *description;
    enum flow_type flow;
    enum module_status status;
    const char *settings; /* JSON text */
    char author_id[37];
    const char *author_name; /* the author's current display_name */
    char copied_from_id[37]; /* "" when null */
    int screen_count;
    int64_t created_at, updated_at, published_at, archived_at; /* 0 = null */
};

struct screen {
    char id[37];
    char module_id[37];
    int position;
    enum screen_type type;
    const char *title;
    const char *content;     /* JSON text */
    char next_screen_id[37]; /* "" when null */
    int64_t created_at, updated_at;
};

/* The columns modules_read_row() reads, of module alias `m` joined with its author as alias
 * `a` (string literals), in its order. */
#define MODULES_COLUMNS(m, a)                                                                      \
    m ".id, " m ".title, " m ".description, " m ".flow_type, " m ".status, " m ".settings, " m     \
      ".author_id, " a ".display_name, " m ".copied_from_id, " m ".screen_count, " m               \
      ".created_at, " m ".updated_at, " m ".published_at, " m ".archived_at"

#define MODULES_NCOLUMNS 14

/* Reads MODULES_COLUMNS starting at column `col` of `row`; returns the column after them. */
int modules_read_row(const struct db_res *r, int row, int col, struct arena *a, struct module *m);

/* Loads a module. `lock` takes a row lock until the transaction ends (PostgreSQL; SQLite's
 * write transaction already excludes other writers). */
int modules_get(struct db_conn *c, struct arena *a, const char *id, bool lock, struct module *out);
int modules_insert(struct db_conn *c, const struct module *m);
/* Writes every mutable column of m->id. */
int modules_update(struct db_conn *c, const struct module *m);
int modules_delete(struct db_conn *c, const char *id);

struct modules_filter {
    /* Visibility (§5): admins see all; others see published modules plus, when `own_id` is
     * set, their own. */
    bool see_all;
    const char *own_id;
    int status; /* enum module_status or -1 */
    int flow;   /* enum flow_type or -1 */
    const char *author_id;
    const char *q; /* case-insensitive title substring, or NULL */
    bool has_after;
    int64_t after_created_at;
    const char *after_id;
    int limit;
};

/* Modules in order created_at desc, id desc (no screens are read). */
int modules_list(struct db_conn *c, struct arena *a, const struct modules_filter *f,
                 struct module **items, int *n);

/* Screens of a module in position order. */
int screens_list(struct db_conn *c, struct arena *a, const char *module_id, struct screen **items,
                 int *n);
int screens_get(struct db_conn *c, struct arena *a, const char *module_id, const char *screen_id,
                struct screen *out);
int screens_insert(struct db_conn *c, const struct screen *s);
/* Writes title, content, next_screen_id, position and updated_at of s->id. */
int screens_update(struct db_conn *c, const struct screen *s);
int screens_delete(struct db_conn *c, const char *screen_id);
/* Adds `delta` to the position of every screen of the module at or after `from`. */
int screens_shift(struct db_conn *c, const char *module_id, int from, int delta);

#endif
