/*
 * SQLite backend: the embedded default, for one instance with a persistent disk.
 *
 * Each pooled connection opens the same file in WAL mode, so readers never block the writer.
 * Writers are serialised by SQLite itself: write transactions start with BEGIN IMMEDIATE so a
 * transaction never has to upgrade a read lock (an upgrade that finds another writer fails with
 * SQLITE_BUSY at once, ignoring the busy timeout). The busy timeout is DB_TIMEOUT_MS; when it
 * runs out the request gets 503.
 *
 * Prepared statements are cached per connection, keyed by the SQL text, since storage code
 * passes the same literal strings again and again; placeholders $N are rewritten to ?N once,
 * when a statement is prepared.
 */
#include "db/db.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/err.h"
#include "util/log.h"

#define STMT_CACHE 64

struct stmt_entry {
    char *sql_copy; /* the statement's text as the caller passed it */
    sqlite3_stmt *stmt;
    unsigned long last_use;
};

struct sq {
    sqlite3 *db;
    bool broken;
    int busy_ms; /* the busy timeout set now */
    unsigned long clock;
    struct stmt_entry cache[STMT_CACHE];
};

static int map_error(struct sq *s, int rc, const char *what)
{
    int base = rc & 0xff;

    if (base == SQLITE_BUSY || base == SQLITE_LOCKED) {
        log_msg(LOG_WARNING, "db.sqlite", "%s: database is busy (%s)", what, sqlite3_errmsg(s->db));
        return TS_EUNAVAIL;
    }
    if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
        return TS_ECONFLICT;
    log_msg(LOG_ERROR, "db.sqlite", "%s: %s (code %d)", what, sqlite3_errmsg(s->db), rc);
    /* A full disk is the disk's state, not the connection's: the statement failed and its
     * transaction is rolled back, and the connection stays (it also serves reads, which need
     * no space). Reopening would count against the circuit breaker, failing the reads too,
     * and the last connection's close removes the -shm file, which the next open would then
     * recreate on the full disk: a SIGBUS when its pages cannot be allocated
     * (docs/RELIABILITY.md, "Fault matrix"). The request gets 503. */
    if (base == SQLITE_FULL)
        return TS_EUNAVAIL;
    if (base == SQLITE_IOERR || base == SQLITE_CANTOPEN || base == SQLITE_CORRUPT ||
        base == SQLITE_NOTADB) {
        s->broken = true;
        return TS_EUNAVAIL;
    }
    return TS_EDB;
}

static int sq_connect(const struct config *cfg, int timeout_ms, void **handle)
{
    struct sq *s = xcalloc(1, sizeof(*s));
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(cfg->sqlite_path, &s->db, flags, NULL);
    char *msg = NULL;

    (void)timeout_ms;
    if (rc != SQLITE_OK) {
        log_msg(LOG_ERROR, "db.sqlite", "cannot open %s: %s", cfg->sqlite_path,
                s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
        goto fail;
    }
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, cfg->db_timeout_ms);
    s->busy_ms = cfg->db_timeout_ms;
    /* WAL lets readers run beside the writer; NORMAL sync is durable across process crashes
     * in WAL mode (an OS crash may lose the last transactions, never corrupt the file). */
    rc = sqlite3_exec(s->db,
                      "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                      "PRAGMA foreign_keys=ON;",
                      NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        log_msg(LOG_ERROR, "db.sqlite", "cannot configure %s: %s", cfg->sqlite_path,
                msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        goto fail;
    }
    *handle = s;
    return 0;
fail:
    sqlite3_close(s->db);
    free(s);
    return (rc & 0xff) == SQLITE_BUSY ? TS_EUNAVAIL : TS_EDB;
}

static void sq_disconnect(void *handle)
{
    struct sq *s = handle;

    if (s == NULL)
        return;
    for (int i = 0; i < STMT_CACHE; i++) {
        sqlite3_finalize(s->cache[i].stmt);
        free(s->cache[i].sql_copy);
    }
    sqlite3_close(s->db);
    free(s);
}

static bool sq_is_broken(void *handle)
{
    return ((struct sq *)handle)->broken;
}

/* Copies `sql` with every $N placeholder outside quotes rewritten to ?N. */
static char *rewrite_placeholders(const char *sql)
{
    char *out = xstrdup(sql);
    char quote = 0;

    for (char *p = out; *p; p++) {
        if (quote) {
            if (*p == quote)
                quote = 0;
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
        } else if (*p == '$' && p[1] >= '0' && p[1] <= '9') {
            *p = '?';
        }
    }
    return out;
}

static int prepare(struct sq *s, const char *sql, sqlite3_stmt **out)
{
    struct stmt_entry *victim = &s->cache[0];

    s->clock++;
    for (int i = 0; i < STMT_CACHE; i++) {
        struct stmt_entry *e = &s->cache[i];
        if (e->stmt != NULL && strcmp(e->sql_copy, sql) == 0) {
            e->last_use = s->clock;
            *out = e->stmt;
            return 0;
        }
        if (e->last_use < victim->last_use)
            victim = e;
    }
    char *text = rewrite_placeholders(sql);
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(s->db, text, -1, &stmt, NULL);
    free(text);
    if (rc != SQLITE_OK)
        return map_error(s, rc, "prepare");
    sqlite3_finalize(victim->stmt);
    free(victim->sql_copy);
    victim->sql_copy = xstrdup(sql);
    victim->stmt = stmt;
    victim->last_use = s->clock;
    *out = stmt;
    return 0;
}

static int bind(struct sq *s, sqlite3_stmt *st, const struct db_param *params, int n)
{
    for (int i = 0; i < n; i++) {
        int rc;
        switch (params[i].type) {
        case DBP_INT:
        case DBP_BOOL:
            rc = sqlite3_bind_int64(st, i + 1, params[i].i);
            break;
        case DBP_TEXT:
            rc = sqlite3_bind_text(st, i + 1, params[i].s, -1, SQLITE_STATIC);
            break;
        default:
            rc = sqlite3_bind_null(st, i + 1);
        }
        if (rc != SQLITE_OK)
            return map_error(s, rc, "bind");
    }
    return 0;
}

/* Rows are copied into one block: the pointer array first, then the text of every cell. */
struct rows {
    struct buf_like {
        char *data;
        size_t len, alloc;
    } text;
    size_t *offsets; /* per cell; (size_t)-1 for NULL */
    size_t ncells, alloc;
};

static void rows_add(struct rows *r, const unsigned char *val, int len)
{
    if (r->ncells == r->alloc) {
        r->alloc = r->alloc ? r->alloc * 2 : 16;
        r->offsets = xrealloc(r->offsets, r->alloc * sizeof(size_t));
    }
    if (val == NULL) {
        r->offsets[r->ncells++] = (size_t)-1;
        return;
    }
    size_t need = r->text.len + (size_t)len + 1;
    if (need > r->text.alloc) {
        size_t n = r->text.alloc ? r->text.alloc : 256;
        while (n < need)
            n *= 2;
        r->text.data = xrealloc(r->text.data, n);
        r->text.alloc = n;
    }
    memcpy(r->text.data + r->text.len, val, (size_t)len);
    r->text.data[r->text.len + (size_t)len] = '\0';
    r->offsets[r->ncells++] = r->text.len;
    r->text.len = need;
}

static void fill_result(struct rows *rows, int ncols, struct db_res *res)
{
    res->ncols = ncols;
    res->nrows = ncols > 0 ? (int)(rows->ncells / (size_t)ncols) : 0;
    res->cells = xcalloc(rows->ncells ? rows->ncells : 1, sizeof(char *));
    for (size_t i = 0; i < rows->ncells; i++)
        res->cells[i] = rows->offsets[i] == (size_t)-1 ? NULL : rows->text.data + rows->offsets[i];
    res->owner = rows->text.data;
    res->free_owner = free;
    free(rows->offsets);
}

static int sq_query(void *handle, int timeout_ms, const char *sql, const struct db_param *params,
                    int nparams, struct db_res *res)
{
    struct sq *s = handle;
    sqlite3_stmt *st = NULL;
    struct rows rows = {0};
    int rc;

    /* The busy timeout bounds waiting for locks; shorter after a long wait for the pool. */
    if (timeout_ms != s->busy_ms) {
        sqlite3_busy_timeout(s->db, timeout_ms);
        s->busy_ms = timeout_ms;
    }
    rc = prepare(s, sql, &st);
    if (rc < 0)
        return rc;
    rc = bind(s, st, params, nparams);
    if (rc < 0)
        goto out;
    int ncols = sqlite3_column_count(st);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (res == NULL)
            continue;
        for (int c = 0; c < ncols; c++) {
            const unsigned char *v = sqlite3_column_text(st, c);
            rows_add(&rows, v, sqlite3_column_bytes(st, c));
        }
    }
    if (step != SQLITE_DONE) {
        rc = map_error(s, sqlite3_extended_errcode(s->db), "query");
        goto out;
    }
    if (res != NULL) {
        fill_result(&rows, ncols, res);
        rows.offsets = NULL;
        rows.text.data = NULL;
        res->affected = sqlite3_changes(s->db);
    }
out:
    free(rows.offsets);
    free(rows.text.data);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

static int sq_exec_script(void *handle, int timeout_ms, const char *sql)
{
    struct sq *s = handle;
    char *msg = NULL;
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg);

    (void)timeout_ms;
    if (rc == SQLITE_OK)
        return 0;
    log_msg(LOG_ERROR, "db.sqlite", "script failed: %s", msg ? msg : sqlite3_errstr(rc));
    sqlite3_free(msg);
    return (rc & 0xff) == SQLITE_BUSY ? TS_EUNAVAIL : TS_EDB;
}

const struct db_ops db_sqlite_ops = {
    .name = "sqlite",
    .connect = sq_connect,
    .disconnect = sq_disconnect,
    .query = sq_query,
    .exec_script = sq_exec_script,
    .is_broken = sq_is_broken,
    .begin_write_sql = "BEGIN IMMEDIATE",
};
