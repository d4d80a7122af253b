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
#include "model/module.h"
#include "util/arena.h"

/* The columns db_modules_read_row() reads, of module alias `m` joined with its author as alias
 * `a` (string literals), in its order. */
#define DB_MODULES_COLUMNS(m, a)                                                                   \
    m ".id, " m ".title, " m ".description, " m ".flow_type, " m ".status, " m ".settings, " m     \
      ".author_id, " a ".display_name, " m ".copied_from_id, " m ".screen_count, " m               \
      ".created_at, " m ".updated_at, " m ".published_at, " m ".archived_at"

/* Offsets of DB_MODULES_COLUMNS, in the same order: rows are read by these names. */
enum db_modules_column {
    DB_MODULES_ID,
    DB_MODULES_TITLE,
    DB_MODULES_DESCRIPTION,
    DB_MODULES_FLOW_TYPE,
    DB_MODULES_STATUS,
    DB_MODULES_SETTINGS,
    DB_MODULES_AUTHOR_ID,
    DB_MODULES_AUTHOR_NAME,
    DB_MODULES_COPIED_FROM_ID,
    DB_MODULES_SCREEN_COUNT,
    DB_MODULES_CREATED_AT,
    DB_MODULES_UPDATED_AT,
    DB_MODULES_PUBLISHED_AT,
    DB_MODULES_ARCHIVED_AT,
    DB_MODULES_NCOLUMNS
};

/* Reads DB_MODULES_COLUMNS starting at column `col` of `row`; returns the column after them. */
int db_modules_read_row(const struct db_res *r, int row, int col, struct arena *a,
                        struct module *m);

/* How db_modules_get() locks the row until the transaction ends (PostgreSQL; SQLite's write
 * transaction already excludes other writers). */
enum db_modules_lock {
    DB_MODULES_NO_LOCK,
    DB_MODULES_SHARE, /* FOR SHARE: no one changes it; others may share-lock it too */
    DB_MODULES_UPDATE /* FOR UPDATE: the caller changes it */
};

/* Loads a module. */
int db_modules_get(struct db_conn *c, struct arena *a, const char *id, enum db_modules_lock lock,
                   struct module *out);
int db_modules_insert(struct db_conn *c, const struct module *m);
/* Writes every mutable column of m->id. */
int db_modules_update(struct db_conn *c, const struct module *m);
int db_modules_delete(struct db_conn *c, const char *id);

struct db_modules_filter {
    /* Visibility (§5): admins see all; others see published modules plus, when `own_id` is
     * set, their own. */
    bool see_all;
    const char *own_id;
    int status; /* enum module_status or -1 */
    int flow;   /* enum flow_type or -1 */
    const char *author_id;
    const char *q;         /* case-insensitive title substring, or NULL */
    struct db_keyset page; /* order: the list function's */
};

/* Modules in order created_at desc, id desc (no screens are read). */
int db_modules_list(struct db_conn *c, struct arena *a, const struct db_modules_filter *f,
                    struct module **items, int *n);

/* Screens of a module in position order. */
int db_screens_list(struct db_conn *c, struct arena *a, const char *module_id,
                    struct screen **items, int *n);
int db_screens_get(struct db_conn *c, struct arena *a, const char *module_id, const char *screen_id,
                   struct screen *out);
int db_screens_insert(struct db_conn *c, const struct screen *s);
/* Writes title, content, next_screen_id, position and updated_at of s->id. */
int db_screens_update(struct db_conn *c, const struct screen *s);
int db_screens_delete(struct db_conn *c, const char *screen_id);
/* Adds `delta` to the position of every screen of the module at or after `from`. */
int db_screens_shift(struct db_conn *c, const char *module_id, int from, int delta);

#endif
