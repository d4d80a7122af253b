/*
 * Storage interface: a connection pool over one of two backends (SQLite, PostgreSQL).
 *
 * Storage code writes its SQL once, with $1..$N placeholders and bound parameters only; the
 * SQLite backend rewrites placeholders to ?N when it prepares a statement. Where the dialects
 * differ, code picks a statement by db_backend(). Each backend exports one const struct db_ops
 * (db_sqlite.c, db_pg.c), as curl's vtls backends do.
 *
 * Values cross the interface as text: integers in decimal, booleans as reported by the backend
 * (read them with db_bool()), JSON documents as JSON text, timestamps as int64 milliseconds.
 *
 * Errors: TS_EUNAVAIL (database unreachable, pool exhausted, timeout, SQLite busy: the request
 * answers 503), TS_ECONFLICT (a unique constraint was violated), TS_EDB (anything else; logged
 * once, with the backend's message, where it happened).
 *
 * Thread safety: the pool (struct db) is shared by all threads. A struct db_conn belongs to the
 * thread that acquired it until db_release().
 */
#ifndef TS_DB_DB_H
#define TS_DB_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "util/arena.h"

struct db;
struct db_conn;

enum db_ptype { DBP_NULL, DBP_INT, DBP_TEXT, DBP_BOOL };

struct db_param {
    enum db_ptype type;
    int64_t i;     /* DBP_INT, DBP_BOOL */
    const char *s; /* DBP_TEXT; borrowed for the duration of the call */
};

#define DB_P_INT(v) ((struct db_param){.type = DBP_INT, .i = (v)})
#define DB_P_BOOL(v) ((struct db_param){.type = DBP_BOOL, .i = (v) ? 1 : 0})
#define DB_P_TEXT(v) ((struct db_param){.type = (v) != NULL ? DBP_TEXT : DBP_NULL, .s = (v)})
#define DB_P_NULL ((struct db_param){.type = DBP_NULL})
/* DB_PARAMS(a, b, c) expands to the array and count arguments of db_query(). */
#define DB_PARAMS(...)                                                                             \
    (const struct db_param[]){__VA_ARGS__},                                                        \
        (int)(sizeof((struct db_param[]){__VA_ARGS__}) / sizeof(struct db_param))
#define DB_NO_PARAMS NULL, 0

/* A materialised result: every row is in memory once db_query() returns. */
struct db_res {
    int nrows;
    int ncols;
    int64_t affected;   /* rows changed by INSERT/UPDATE/DELETE */
    const char **cells; /* nrows * ncols; NULL for SQL NULL */
    void *owner;        /* backend data behind cells */
    void (*free_owner)(void *owner);
};

/* Backend operations; see db_sqlite.c and db_pg.c. */
struct db_ops {
    const char *name;
    /* Opens a connection within `timeout_ms`; 0, TS_EUNAVAIL or TS_EDB. */
    int (*connect)(const struct config *cfg, int timeout_ms, void **handle);
    void (*disconnect)(void *handle);
    /* Runs one statement with parameters; fills *res when res is not NULL. */
    int (*query)(void *handle, int timeout_ms, const char *sql, const struct db_param *params,
                 int nparams, struct db_res *res);
    /* Runs a script of several statements without parameters (migrations). */
    int (*exec_script)(void *handle, int timeout_ms, const char *sql);
    /* True when the connection is no longer usable and must be replaced. */
    bool (*is_broken)(void *handle);
    /* SQL that opens a write transaction (SQLite takes the write lock up front). */
    const char *begin_write_sql;
};

extern const struct db_ops db_sqlite_ops;
extern const struct db_ops db_pg_ops;

/* Opens the pool for cfg->database_url (no connection is made yet). Caller frees with
 * db_close(). Returns NULL on a bad URL. */
struct db *db_open(const struct config *cfg);
void db_close(struct db *db);

enum db_backend db_backend(const struct db *db);

/*
 * Borrows a connection, waiting up to DB_TIMEOUT_MS for a free one and connecting if needed.
 * TS_EUNAVAIL when none is free in time, the database is unreachable, or the circuit breaker
 * is open (5 consecutive connection failures: fail fast for 5 s, then one probe).
 */
int db_acquire(struct db *db, struct db_conn **out);

/* Returns the connection; an open transaction is rolled back, a broken one is closed. */
void db_release(struct db_conn *c);

/* Transactions. begin_write takes the write lock at once on SQLite. db_commit() always ends
 * the transaction, also when it fails. */
int db_begin(struct db_conn *c);
int db_begin_write(struct db_conn *c);
int db_commit(struct db_conn *c);
void db_rollback(struct db_conn *c);

/* True while a transaction begun on c is open. */
bool db_in_tx(const struct db_conn *c);

/* Runs `sql` with parameters. *out (caller frees with db_res_free) when out is not NULL. */
int db_query(struct db_conn *c, const char *sql, const struct db_param *params, int nparams,
             struct db_res **out);

/* Runs a statement that must change at least one row: TS_ENOTFOUND when it changed none. */
int db_exec_one(struct db_conn *c, const char *sql, const struct db_param *params, int nparams);

/* Runs a parameterless multi-statement script (migrations only). */
int db_exec_script(struct db_conn *c, const char *sql);

/* The pool this connection belongs to. */
struct db *db_conn_pool(struct db_conn *c);

void db_res_free(struct db_res *r);

/* Cell accessors; row/col must be in range. */
static inline const char *db_text(const struct db_res *r, int row, int col)
{
    return r->cells[row * r->ncols + col];
}
static inline bool db_isnull(const struct db_res *r, int row, int col)
{
    return db_text(r, row, col) == NULL;
}
int64_t db_int(const struct db_res *r, int row, int col); /* 0 for NULL */
bool db_bool(const struct db_res *r, int row, int col);   /* false for NULL */
/* The column's text as an index of `names` (model_enum_parse()); 0, the first name, for NULL
 * or a spelling not in the list, which the schema's CHECK constraints rule out. */
int db_enum(const struct db_res *r, int row, int col, const char *const *names);

/* A time parameter in ms since the epoch; 0 (no time) is bound as NULL. */
#define DB_P_TIME(ms) ((ms) != 0 ? DB_P_INT(ms) : DB_P_NULL)

/* "%<q>%" for `LIKE ... ESCAPE '\'`, with q's own %, _ and \ escaped (arena copy): a
 * substring filter without wildcards from the client. */
char *db_like_pattern(struct arena *a, const char *q);

/* Pool statistics for /metrics and /readyz. */
struct db_stats {
    int size;
    int idle;
    int in_use;
    int waiting;
    bool up; /* the last database operation succeeded */
};
void db_get_stats(struct db *db, struct db_stats *st);

/*
 * Keyset pagination of a list query (API.md §1.7): at most `limit` rows, strictly after the
 * row (after_key, after_id) in the list's order when has_after. after_id breaks ties of the
 * key; it is NULL where the key is unique (notification seq).
 */
struct db_keyset {
    int limit;
    bool has_after;
    int64_t after_key;
    const char *after_id;
};

/* Storage-internal: reads one row of `r` into `item`, strings in `a`. */
typedef void (*db__row_reader)(const struct db_res *r, int row, struct arena *a, void *item);

/*
 * Storage-internal: the list functions' last step. Reads every row of `r` into a new arena
 * array of `size`-byte items, returned with its length in *n, then frees `r`.
 */
void *db__read_rows(struct db_res *r, struct arena *a, size_t size, db__row_reader read, int *n);

/*
 * Storage-internal: a list statement assembled from constant fragments, one for each filter
 * that is set, so that every combination of filters is a statement text of its own with a plan
 * of its own. (One text with "$n IS NULL OR …" for the unused filters is planned anew on every
 * call by PostgreSQL, since no generic plan fits every combination; that planning cost more
 * than running the query.) Values are always bound; only fragments written in the code enter
 * the text.
 *
 *   struct db__list l;
 *   db__list_init(&l, "SELECT … FROM assignments a … WHERE a.user_id = $1", DB_PARAMS(...));
 *   if (f->module_id != NULL)
 *       db__list_and(&l, "a.module_id = $1", DB_PARAMS(DB_P_TEXT(f->module_id)));
 *   db__list_page(&l, "a.created_at", "a.id", &f->page);
 *   rc = db__list_run(c, &l, &r);
 */
#define DB__LIST_MAX_PARAMS 16
struct db__list {
    char *sql; /* heap; freed by db__list_run() */
    size_t len, cap;
    struct db_param params[DB__LIST_MAX_PARAMS];
    int n;
};

/* Starts the statement with `head`, whose $1..$k name its own k parameters. */
void db__list_init(struct db__list *l, const char *head, const struct db_param *p, int np);

/* Appends " AND (fragment)"; $1..$k in the fragment name its own k parameters, renumbered
 * after those before them. */
void db__list_and(struct db__list *l, const char *fragment, const struct db_param *p, int np);

/* Appends the page: the keyset condition when the page starts after a row, then
 * "ORDER BY key DESC, id DESC LIMIT n". `id` is NULL where the key alone is unique. */
void db__list_page(struct db__list *l, const char *key, const char *id,
                   const struct db_keyset *page);

/* Runs the statement and frees its text; as db_query(). */
int db__list_run(struct db_conn *c, struct db__list *l, struct db_res **out);

/* Storage-internal: whether the query returns a row (*out false on error). */
int db__exists(struct db_conn *c, const char *sql, const struct db_param *params, int nparams,
               bool *out);

/* Backend-internal: reports a connection-level outcome to the circuit breaker. */
void db__note_connection(struct db *db, bool ok);

#endif
