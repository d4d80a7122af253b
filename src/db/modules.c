/* Modules and screens on both backends; see modules.h. */
#include "db/modules.h"

#include <stdio.h>
#include <string.h>

#include "util/err.h"

#define MODULE_COLS DB_MODULES_COLUMNS("m", "u")
#define MODULE_FROM " FROM modules m JOIN users u ON u.id = m.author_id "

#define SCREEN_COLS                                                                                \
    "id, module_id, position, type, title, content, next_screen_id, created_at, updated_at"

/* Offsets of SCREEN_COLS, in the same order. */
enum screen_column {
    SCREEN_ID,
    SCREEN_MODULE_ID,
    SCREEN_POSITION,
    SCREEN_TYPE,
    SCREEN_TITLE,
    SCREEN_CONTENT_JSON,
    SCREEN_NEXT_SCREEN_ID,
    SCREEN_CREATED_AT,
    SCREEN_UPDATED_AT,
};

static void copy_id(char dst[STR_UUID_SIZE], const char *src)
{
    snprintf(dst, STR_UUID_SIZE, "%s", src != NULL ? src : "");
}

int db_modules_read_row(const struct db_res *r, int row, int col, struct arena *a, struct module *m)
{
    copy_id(m->id, db_text(r, row, col + DB_MODULES_ID));
    m->title = arena_strdup(a, db_text(r, row, col + DB_MODULES_TITLE));
    m->description = arena_strdup(a, db_text(r, row, col + DB_MODULES_DESCRIPTION));
    m->flow = (enum flow_type)db_enum(r, row, col + DB_MODULES_FLOW_TYPE, flow_type_names);
    m->status = (enum module_status)db_enum(r, row, col + DB_MODULES_STATUS, module_status_names);
    m->settings = arena_strdup(a, db_text(r, row, col + DB_MODULES_SETTINGS));
    copy_id(m->author_id, db_text(r, row, col + DB_MODULES_AUTHOR_ID));
    m->author_name = arena_strdup(a, db_text(r, row, col + DB_MODULES_AUTHOR_NAME));
    copy_id(m->copied_from_id, db_text(r, row, col + DB_MODULES_COPIED_FROM_ID));
    m->screen_count = (int)db_int(r, row, col + DB_MODULES_SCREEN_COUNT);
    m->created_at = db_int(r, row, col + DB_MODULES_CREATED_AT);
    m->updated_at = db_int(r, row, col + DB_MODULES_UPDATED_AT);
    m->published_at = db_int(r, row, col + DB_MODULES_PUBLISHED_AT);
    m->archived_at = db_int(r, row, col + DB_MODULES_ARCHIVED_AT);
    return col + DB_MODULES_NCOLUMNS;
}

static void read_module(const struct db_res *r, int row, struct arena *a, void *item)
{
    struct module *m = item;

    db_modules_read_row(r, row, 0, a, m);
}

static struct db_param opt_id(const char *id)
{
    return id[0] != '\0' ? DB_P_TEXT(id) : DB_P_NULL;
}

int db_modules_get(struct db_conn *c, struct arena *a, const char *id, enum db_modules_lock lock,
                   struct module *out)
{
    bool pg = db_backend(db_conn_pool(c)) == DB_POSTGRES;
    const char *sql = "SELECT " MODULE_COLS MODULE_FROM "WHERE m.id = $1";

    if (pg && lock == DB_MODULES_SHARE)
        sql = "SELECT " MODULE_COLS MODULE_FROM "WHERE m.id = $1 FOR SHARE OF m";
    else if (pg && lock == DB_MODULES_UPDATE)
        sql = "SELECT " MODULE_COLS MODULE_FROM "WHERE m.id = $1 FOR UPDATE OF m";
    struct db_res *r = NULL;
    int rc = db_query(c, sql, DB_PARAMS(DB_P_TEXT(id)), &r);

    if (rc == 0 && r->nrows == 0)
        rc = TS_ENOTFOUND;
    if (rc == 0)
        read_module(r, 0, a, out);
    db_res_free(r);
    return rc;
}

int db_modules_insert(struct db_conn *c, const struct module *m)
{
    return db_query(
        c,
        "INSERT INTO modules (id, title, description, flow_type, status, settings, author_id, "
        "copied_from_id, screen_count, created_at, updated_at, published_at, archived_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        DB_PARAMS(DB_P_TEXT(m->id), DB_P_TEXT(m->title), DB_P_TEXT(m->description),
                  DB_P_TEXT(flow_type_names[m->flow]), DB_P_TEXT(module_status_names[m->status]),
                  DB_P_TEXT(m->settings), DB_P_TEXT(m->author_id), opt_id(m->copied_from_id),
                  DB_P_INT(m->screen_count), DB_P_INT(m->created_at), DB_P_INT(m->updated_at),
                  DB_P_TIME(m->published_at), DB_P_TIME(m->archived_at)),
        NULL);
}

int db_modules_update(struct db_conn *c, const struct module *m)
{
    return db_exec_one(
        c,
        "UPDATE modules SET title = $2, description = $3, status = $4, settings = $5, "
        "screen_count = $6, updated_at = $7, published_at = $8, archived_at = $9 "
        "WHERE id = $1",
        DB_PARAMS(DB_P_TEXT(m->id), DB_P_TEXT(m->title), DB_P_TEXT(m->description),
                  DB_P_TEXT(module_status_names[m->status]), DB_P_TEXT(m->settings),
                  DB_P_INT(m->screen_count), DB_P_INT(m->updated_at), DB_P_TIME(m->published_at),
                  DB_P_TIME(m->archived_at)));
}

int db_modules_delete(struct db_conn *c, const char *id)
{
    return db_exec_one(c, "DELETE FROM modules WHERE id = $1", DB_PARAMS(DB_P_TEXT(id)));
}

int db_modules_list(struct db_conn *c, struct arena *a, const struct db_modules_filter *f,
                    struct module **items, int *n)
{
    struct db_res *r = NULL;
    /* Unused filters are bound as NULL, so the statement text never changes. PostgreSQL types
     * a parameter at its first use: $5 meets the uuid column before its cast to text. */
    struct db__list l;

    if (f->see_all)
        db__list_init(&l, "SELECT " MODULE_COLS MODULE_FROM "WHERE TRUE", DB_NO_PARAMS);
    else
        db__list_init(&l,
                      "SELECT " MODULE_COLS MODULE_FROM
                      "WHERE (m.status = 'published' OR m.author_id = $1)",
                      DB_PARAMS(DB_P_TEXT(f->own_id)));
    if (f->status >= 0)
        db__list_and(&l, "m.status = $1", DB_PARAMS(DB_P_TEXT(module_status_names[f->status])));
    if (f->flow >= 0)
        db__list_and(&l, "m.flow_type = $1", DB_PARAMS(DB_P_TEXT(flow_type_names[f->flow])));
    if (f->author_id != NULL)
        db__list_and(&l, "m.author_id = $1", DB_PARAMS(DB_P_TEXT(f->author_id)));
    if (f->q != NULL)
        db__list_and(&l, "lower(m.title) LIKE lower($1) ESCAPE '\\'",
                     DB_PARAMS(DB_P_TEXT(db_like_pattern(a, f->q))));
    db__list_page(&l, "m.created_at", "m.id", &f->page);
    int rc = db__list_run(c, &l, &r);

    if (rc < 0)
        return rc;
    *items = db__read_rows(r, a, sizeof(**items), read_module, n);
    return 0;
}

/* --- screens ---------------------------------------------------------------------------- */

static void read_screen(const struct db_res *r, int row, struct arena *a, void *item)
{
    struct screen *s = item;

    copy_id(s->id, db_text(r, row, SCREEN_ID));
    copy_id(s->module_id, db_text(r, row, SCREEN_MODULE_ID));
    s->position = (int)db_int(r, row, SCREEN_POSITION);
    s->type = (enum screen_type)db_enum(r, row, SCREEN_TYPE, screen_type_names);
    s->title = arena_strdup(a, db_text(r, row, SCREEN_TITLE));
    s->content = arena_strdup(a, db_text(r, row, SCREEN_CONTENT_JSON));
    copy_id(s->next_screen_id, db_text(r, row, SCREEN_NEXT_SCREEN_ID));
    s->created_at = db_int(r, row, SCREEN_CREATED_AT);
    s->updated_at = db_int(r, row, SCREEN_UPDATED_AT);
}

int db_screens_list(struct db_conn *c, struct arena *a, const char *module_id,
                    struct screen **items, int *n)
{
    struct db_res *r = NULL;
    int rc = db_query(c,
                      "SELECT " SCREEN_COLS " FROM screens WHERE module_id = $1 "
                      "ORDER BY position",
                      DB_PARAMS(DB_P_TEXT(module_id)), &r);

    if (rc < 0)
        return rc;
    *items = db__read_rows(r, a, sizeof(**items), read_screen, n);
    return 0;
}

int db_screens_get(struct db_conn *c, struct arena *a, const char *module_id, const char *screen_id,
                   struct screen *out)
{
    struct db_res *r = NULL;
    int rc = db_query(c, "SELECT " SCREEN_COLS " FROM screens WHERE id = $1 AND module_id = $2",
                      DB_PARAMS(DB_P_TEXT(screen_id), DB_P_TEXT(module_id)), &r);

    if (rc == 0 && r->nrows == 0)
        rc = TS_ENOTFOUND;
    if (rc == 0)
        read_screen(r, 0, a, out);
    db_res_free(r);
    return rc;
}

int db_screens_insert(struct db_conn *c, const struct screen *s)
{
    return db_query(c,
                    "INSERT INTO screens (id, module_id, position, type, title, content, "
                    "next_screen_id, created_at, updated_at) "
                    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    DB_PARAMS(DB_P_TEXT(s->id), DB_P_TEXT(s->module_id), DB_P_INT(s->position),
                              DB_P_TEXT(screen_type_names[s->type]), DB_P_TEXT(s->title),
                              DB_P_TEXT(s->content), opt_id(s->next_screen_id),
                              DB_P_INT(s->created_at), DB_P_INT(s->updated_at)),
                    NULL);
}

int db_screens_update(struct db_conn *c, const struct screen *s)
{
    return db_exec_one(c,
                       "UPDATE screens SET title = $2, content = $3, next_screen_id = $4, "
                       "position = $5, updated_at = $6 WHERE id = $1",
                       DB_PARAMS(DB_P_TEXT(s->id), DB_P_TEXT(s->title), DB_P_TEXT(s->content),
                                 opt_id(s->next_screen_id), DB_P_INT(s->position),
                                 DB_P_INT(s->updated_at)));
}

int db_screens_delete(struct db_conn *c, const char *screen_id)
{
    return db_exec_one(c, "DELETE FROM screens WHERE id = $1", DB_PARAMS(DB_P_TEXT(screen_id)));
}

int db_screens_shift(struct db_conn *c, const char *module_id, int from, int delta)
{
    return db_query(c,
                    "UPDATE screens SET position = position + $3 "
                    "WHERE module_id = $1 AND position >= $2",
                    DB_PARAMS(DB_P_TEXT(module_id), DB_P_INT(from), DB_P_INT(delta)), NULL);
}
