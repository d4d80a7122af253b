/*
 * Connection pool and circuit breaker over a backend's db_ops.
 *
 * Sections: pool lifecycle; acquire/release; circuit breaker; transactions and queries; results.
 *
 * The pool holds DB_POOL_SIZE slots. A slot is connected lazily on first use and reconnected
 * when its connection broke, so the server starts (and /healthz answers) while the database is
 * down, and service resumes without a restart when it is back.
 *
 * Circuit breaker (API.md §17): after 5 consecutive connection failures, acquiring fails at
 * once for 5 s; then exactly one caller probes by connecting while the others keep failing
 * fast. A success closes the breaker. This bounds the time a request waits for a dead
 * database to one connect timeout, and spares the database a reconnect storm when it returns.
 */
#include "db/db.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/model.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/log.h"
#include "util/time.h"

#define BREAKER_THRESHOLD 5
#define BREAKER_OPEN_MS 5000

struct db_conn {
    struct db *db;
    void *handle; /* NULL until connected */
    bool busy;    /* lent out */
    bool in_tx;
    int timeout_ms; /* each statement's bound while lent out: see db_acquire() */
};

/*
 * A request that waited for a free connection (and for connecting) longer than this gets the
 * rest of its DB_TIMEOUT_MS, not a whole one, for each statement: §17's 503 comes within
 * DB_TIMEOUT_MS + 1 s also when the pool was exhausted and then the statement hits a lock.
 * A shorter wait keeps the whole timeout, so an uncontended pool changes nothing (on
 * PostgreSQL a different bound costs a set_config() round trip).
 */
#define DB_WAIT_SLACK_MS 250
/* The least a statement gets after a long wait, so that it can still run. */
#define DB_MIN_STATEMENT_MS 100

struct db {
    const struct config *cfg;
    const struct db_ops *ops;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct db_conn *slots;
    int size;
    int in_use;
    int waiting;
    /* Circuit breaker, under mu. */
    int failures;
    int64_t open_until; /* monotonic ms; 0 = closed */
    bool probing;
    /* trainsmart_db_up: false after a failed attempt to reach the database (connect, a
     * connection lost or silent), true again after a successful one or after any statement
     * the database answered. Atomic: statements set it without the mutex. */
    atomic_bool up;
};

struct db *db_open(const struct config *cfg)
{
    struct db *db = xcalloc(1, sizeof(*db));

    db->cfg = cfg;
    db->ops = cfg->backend == DB_POSTGRES ? &db_pg_ops : &db_sqlite_ops;
    db->size = cfg->db_pool_size;
    db->slots = xcalloc((size_t)db->size, sizeof(*db->slots));
    for (int i = 0; i < db->size; i++)
        db->slots[i].db = db;
    pthread_mutex_init(&db->mu, NULL);
    time_cond_init(&db->cv);
    atomic_init(&db->up, true);
    return db;
}

void db_close(struct db *db)
{
    if (db == NULL)
        return;
    for (int i = 0; i < db->size; i++)
        if (db->slots[i].handle != NULL)
            db->ops->disconnect(db->slots[i].handle);
    pthread_cond_destroy(&db->cv);
    pthread_mutex_destroy(&db->mu);
    free(db->slots);
    free(db);
}

enum db_backend db_backend(const struct db *db)
{
    return db->cfg->backend;
}

struct db *db_conn_pool(struct db_conn *c)
{
    return c->db;
}

/* --- circuit breaker (callers hold mu) ---------------------------------------------------- */

/* May this caller try to connect now? Sets `probing` when it is the half-open probe. */
static bool breaker_allows(struct db *db, int64_t now)
{
    if (db->failures < BREAKER_THRESHOLD)
        return true;
    if (now < db->open_until || db->probing)
        return false;
    db->probing = true;
    return true;
}

static void breaker_note(struct db *db, bool ok)
{
    atomic_store_explicit(&db->up, ok, memory_order_relaxed);
    if (ok) {
        db->failures = 0;
        db->open_until = 0;
        db->probing = false;
        return;
    }
    db->failures++;
    db->probing = false;
    if (db->failures >= BREAKER_THRESHOLD) {
        if (db->failures == BREAKER_THRESHOLD)
            log_msg(LOG_ERROR, "db", "%d consecutive connection failures; failing fast for %d ms",
                    BREAKER_THRESHOLD, BREAKER_OPEN_MS);
        db->open_until = time_mono_ms() + BREAKER_OPEN_MS;
    }
}

void db__note_connection(struct db *db, bool ok)
{
    pthread_mutex_lock(&db->mu);
    breaker_note(db, ok);
    pthread_mutex_unlock(&db->mu);
}

/* --- acquire / release ------------------------------------------------------------------- */

static struct db_conn *take_slot(struct db *db)
{
    struct db_conn *fallback = NULL;

    /* Prefer a connected slot, so an idle connection is reused before a new one is opened. */
    for (int i = 0; i < db->size; i++) {
        struct db_conn *c = &db->slots[i];
        if (c->busy)
            continue;
        if (c->handle != NULL && !db->ops->is_broken(c->handle)) {
            c->busy = true;
            return c;
        }
        if (fallback == NULL)
            fallback = c;
    }
    if (fallback != NULL)
        fallback->busy = true;
    return fallback;
}

static void put_slot(struct db *db, struct db_conn *c)
{
    pthread_mutex_lock(&db->mu);
    c->busy = false;
    db->in_use--;
    pthread_cond_signal(&db->cv);
    pthread_mutex_unlock(&db->mu);
}

static int wait_for_slot(struct db *db, int64_t deadline, struct db_conn **out)
{
    db->waiting++;
    while ((*out = take_slot(db)) == NULL) {
        if (time_cond_wait_until(&db->cv, &db->mu, deadline) == ETIMEDOUT) {
            db->waiting--;
            return TS_EUNAVAIL;
        }
    }
    db->waiting--;
    db->in_use++;
    return 0;
}

int db_acquire(struct db *db, struct db_conn **out)
{
    int timeout = db->cfg->db_timeout_ms;
    int64_t deadline = time_mono_ms() + timeout;
    struct db_conn *c = NULL;
    int rc;

    *out = NULL;
    pthread_mutex_lock(&db->mu);
    rc = wait_for_slot(db, deadline, &c);
    if (rc < 0) {
        pthread_mutex_unlock(&db->mu);
        log_msg(LOG_WARNING, "db", "no database connection free within %d ms", timeout);
        return rc;
    }
    bool need_connect = c->handle == NULL || db->ops->is_broken(c->handle);
    if (need_connect && !breaker_allows(db, time_mono_ms())) {
        pthread_mutex_unlock(&db->mu);
        put_slot(db, c);
        return TS_EUNAVAIL;
    }
    pthread_mutex_unlock(&db->mu);

    if (need_connect) {
        if (c->handle != NULL)
            db->ops->disconnect(c->handle);
        c->handle = NULL;
        int left = (int)(deadline - time_mono_ms());
        rc = db->ops->connect(db->cfg, left > 100 ? left : 100, &c->handle);
        db__note_connection(db, rc == 0);
        if (rc < 0) {
            put_slot(db, c);
            return rc;
        }
    }
    c->in_tx = false;
    c->timeout_ms = timeout;
    int left = (int)(deadline - time_mono_ms());
    if (left < timeout - DB_WAIT_SLACK_MS)
        c->timeout_ms = left > DB_MIN_STATEMENT_MS ? left : DB_MIN_STATEMENT_MS;
    *out = c;
    return 0;
}

void db_release(struct db_conn *c)
{
    if (c == NULL)
        return;
    if (c->in_tx && c->handle != NULL)
        db_rollback(c);
    c->in_tx = false;
    if (c->handle != NULL && c->db->ops->is_broken(c->handle)) {
        c->db->ops->disconnect(c->handle);
        c->handle = NULL;
    }
    put_slot(c->db, c);
}

/* --- queries and transactions ------------------------------------------------------------ */

/*
 * Closes a connection that broke during a statement. It is closed at once rather than in
 * db_release(): the statements the request still runs on it (ROLLBACK, the Idempotency-Key
 * bookkeeping) then fail without waiting, instead of each reconnecting to a database that has
 * just stopped answering.
 */
static void drop(struct db_conn *c)
{
    c->db->ops->disconnect(c->handle);
    c->handle = NULL;
}

/* Opens a new connection in the empty slot within timeout_ms; 0 or TS_EUNAVAIL. Honours the
 * circuit breaker. */
static int reconnect(struct db_conn *c, int timeout_ms)
{
    struct db *db = c->db;

    pthread_mutex_lock(&db->mu);
    bool allowed = breaker_allows(db, time_mono_ms());
    pthread_mutex_unlock(&db->mu);
    if (!allowed)
        return TS_EUNAVAIL;
    int rc = db->ops->connect(db->cfg, timeout_ms, &c->handle);
    db__note_connection(db, rc == 0);
    return rc < 0 ? TS_EUNAVAIL : 0;
}

/*
 * Runs one statement. The call as a whole, retry included, waits at most DB_TIMEOUT_MS (or
 * what db_acquire() left of it) plus the backend's slack: one statement never chains a query
 * deadline, a connect timeout and another query deadline on a database that stopped answering.
 */
static int run(struct db_conn *c, const char *sql, const struct db_param *params, int nparams,
               struct db_res *res)
{
    const struct db_ops *ops = c->db->ops;
    int timeout = c->timeout_ms;
    int64_t deadline = time_mono_ms() + timeout;
    int rc = TS_EUNAVAIL;

    if (c->handle == NULL) /* the connection failed earlier in this request */
        goto out;
    rc = ops->query(c->handle, timeout, sql, params, nparams, res);
    if (rc != TS_EUNAVAIL || !ops->is_broken(c->handle))
        goto out;
    drop(c);
    /* A pooled connection goes stale when the database restarts, and then fails at once;
     * outside a transaction nothing was done on it yet, so the statement is retried on a
     * fresh connection within what is left of its time, and the reconnect's outcome is what
     * the circuit breaker counts. After a deadline nothing is left, as the database is not
     * answering. Inside a transaction the work so far is lost: the request fails with 503. */
    int left = (int)(deadline - time_mono_ms());
    if (c->in_tx || left <= 0) {
        db__note_connection(c->db, false);
        goto out;
    }
    if (reconnect(c, left) < 0)
        goto out;
    left = (int)(deadline - time_mono_ms());
    if (left <= 0) /* the new connection stays for the next request */
        goto out;
    rc = ops->query(c->handle, left, sql, params, nparams, res);
    if (rc == TS_EUNAVAIL && ops->is_broken(c->handle)) {
        drop(c);
        db__note_connection(c->db, false);
    }
out:
    /* The database answered (a constraint violation too): it is up, whatever an earlier
     * failure on another connection said. Read first, so the common case writes nothing to a
     * line every statement shares. */
    if (rc != TS_EUNAVAIL && !atomic_load_explicit(&c->db->up, memory_order_relaxed))
        atomic_store_explicit(&c->db->up, true, memory_order_relaxed);
    return rc;
}

int db_query(struct db_conn *c, const char *sql, const struct db_param *params, int nparams,
             struct db_res **out)
{
    struct db_res *res = NULL;
    int rc;

    if (out != NULL) {
        res = xcalloc(1, sizeof(*res));
        *out = NULL;
    }
    rc = run(c, sql, params, nparams, res);
    if (rc < 0) {
        db_res_free(res);
        return rc;
    }
    if (out != NULL)
        *out = res;
    return 0;
}

int db_exec_one(struct db_conn *c, const char *sql, const struct db_param *params, int nparams)
{
    struct db_res *r = NULL;
    int rc = db_query(c, sql, params, nparams, &r);

    if (rc == 0 && r->affected == 0)
        rc = TS_ENOTFOUND;
    db_res_free(r);
    return rc;
}

int db_exec_script(struct db_conn *c, const char *sql)
{
    int rc = TS_EUNAVAIL;

    if (c->handle == NULL)
        goto out;
    rc = c->db->ops->exec_script(c->handle, c->db->cfg->db_timeout_ms * 12, sql);
    /* Dropped at once for the reason given at drop(). Scripts are never retried: they are
     * migrations, which run inside a transaction. */
    if (rc == TS_EUNAVAIL && c->db->ops->is_broken(c->handle)) {
        drop(c);
        db__note_connection(c->db, false);
    }
out:
    return rc;
}

int db_begin(struct db_conn *c)
{
    int rc = run(c, "BEGIN", NULL, 0, NULL);

    c->in_tx = rc == 0;
    return rc;
}

int db_begin_write(struct db_conn *c)
{
    int rc = run(c, c->db->ops->begin_write_sql, NULL, 0, NULL);

    c->in_tx = rc == 0;
    return rc;
}

int db_commit(struct db_conn *c)
{
    int rc = run(c, "COMMIT", NULL, 0, NULL);

    if (rc < 0 && c->handle != NULL && !c->db->ops->is_broken(c->handle))
        run(c, "ROLLBACK", NULL, 0, NULL);
    c->in_tx = false;
    return rc;
}

bool db_in_tx(const struct db_conn *c)
{
    return c->in_tx;
}

void db_rollback(struct db_conn *c)
{
    if (!c->in_tx)
        return;
    if (c->handle != NULL && !c->db->ops->is_broken(c->handle))
        run(c, "ROLLBACK", NULL, 0, NULL);
    c->in_tx = false;
}

/* --- results ---------------------------------------------------------------------------- */

void *db__read_rows(struct db_res *r, struct arena *a, size_t size, db__row_reader read, int *n)
{
    char *out = arena_zalloc(a, size * (size_t)(r->nrows > 0 ? r->nrows : 1));

    for (int i = 0; i < r->nrows; i++)
        read(r, i, a, out + (size_t)i * size);
    *n = r->nrows;
    db_res_free(r);
    return out;
}

int db__exists(struct db_conn *c, const char *sql, const struct db_param *params, int nparams,
               bool *out)
{
    struct db_res *r = NULL;
    int rc = db_query(c, sql, params, nparams, &r);

    *out = rc == 0 && r->nrows > 0;
    db_res_free(r);
    return rc;
}

/* --- list statements ------------------------------------------------------------------- */

static void list_put(struct db__list *l, const char *s, size_t n)
{
    if (l->len + n + 1 > l->cap) {
        while (l->len + n + 1 > l->cap)
            l->cap = l->cap ? l->cap * 2 : 512;
        l->sql = xrealloc(l->sql, l->cap);
    }
    memcpy(l->sql + l->len, s, n);
    l->len += n;
    l->sql[l->len] = '\0';
}

/* Copies `fragment` with its $1..$np renumbered after the parameters already bound. */
static void list_fragment(struct db__list *l, const char *fragment, const struct db_param *p,
                          int np)
{
    if (l->n + np > DB__LIST_MAX_PARAMS) { /* fragments are the code's: a bug, not input */
        log_msg(LOG_ERROR, "db", "a list statement has more than %d parameters",
                DB__LIST_MAX_PARAMS);
        abort();
    }
    for (const char *s = fragment; *s != '\0';) {
        if (*s == '$' && s[1] >= '1' && s[1] <= '9') {
            char *end;
            long k = strtol(s + 1, &end, 10);
            if (k > np) {
                log_msg(LOG_ERROR, "db", "list fragment names $%ld of %d: %s", k, np, fragment);
                abort();
            }
            char num[16];
            int len = snprintf(num, sizeof(num), "$%ld", l->n + k);
            list_put(l, num, (size_t)len);
            s = end;
        } else {
            size_t run = strcspn(s + 1, "$") + 1;
            list_put(l, s, run);
            s += run;
        }
    }
    for (int i = 0; i < np; i++)
        l->params[l->n++] = p[i];
}

void db__list_init(struct db__list *l, const char *head, const struct db_param *p, int np)
{
    l->sql = NULL;
    l->len = l->cap = 0;
    l->n = 0;
    list_fragment(l, head, p, np);
}

void db__list_and(struct db__list *l, const char *fragment, const struct db_param *p, int np)
{
    list_put(l, " AND (", 6);
    list_fragment(l, fragment, p, np);
    list_put(l, ")", 1);
}

void db__list_page(struct db__list *l, const char *key, const char *id,
                   const struct db_keyset *page)
{
    char frag[256];

    if (page->has_after && id != NULL) {
        snprintf(frag, sizeof(frag), "%s < $1 OR (%s = $1 AND %s < $2)", key, key, id);
        db__list_and(l, frag, DB_PARAMS(DB_P_INT(page->after_key), DB_P_TEXT(page->after_id)));
    } else if (page->has_after) {
        snprintf(frag, sizeof(frag), "%s < $1", key);
        db__list_and(l, frag, DB_PARAMS(DB_P_INT(page->after_key)));
    }
    if (id != NULL)
        snprintf(frag, sizeof(frag), " ORDER BY %s DESC, %s DESC LIMIT $1", key, id);
    else
        snprintf(frag, sizeof(frag), " ORDER BY %s DESC LIMIT $1", key);
    list_fragment(l, frag, DB_PARAMS(DB_P_INT(page->limit)));
}

int db__list_run(struct db_conn *c, struct db__list *l, struct db_res **out)
{
    int rc = db_query(c, l->sql, l->params, l->n, out);

    free(l->sql);
    l->sql = NULL;
    return rc;
}

void db_res_free(struct db_res *r)
{
    if (r == NULL)
        return;
    if (r->free_owner != NULL)
        r->free_owner(r->owner);
    free(r->cells);
    free(r);
}

int64_t db_int(const struct db_res *r, int row, int col)
{
    const char *s = db_text(r, row, col);

    return s != NULL ? strtoll(s, NULL, 10) : 0;
}

bool db_bool(const struct db_res *r, int row, int col)
{
    const char *s = db_text(r, row, col);

    /* PostgreSQL renders booleans as t/f, SQLite stores integers 1/0. */
    return s != NULL && (s[0] == 't' || s[0] == '1');
}

int db_enum(const struct db_res *r, int row, int col, const char *const *names)
{
    const char *s = db_text(r, row, col);
    int v = s != NULL ? model_enum_parse(names, s) : -1;

    return v < 0 ? 0 : v;
}

char *db_like_pattern(struct arena *a, const char *q)
{
    char *out = arena_alloc(a, strlen(q) * 2 + 3);
    char *o = out;

    *o++ = '%';
    for (; *q; q++) {
        if (*q == '%' || *q == '_' || *q == '\\')
            *o++ = '\\';
        *o++ = *q;
    }
    *o++ = '%';
    *o = '\0';
    return out;
}

void db_get_stats(struct db *db, struct db_stats *st)
{
    pthread_mutex_lock(&db->mu);
    st->size = db->size;
    st->in_use = db->in_use;
    st->idle = 0;
    for (int i = 0; i < db->size; i++)
        if (!db->slots[i].busy && db->slots[i].handle != NULL)
            st->idle++;
    st->waiting = db->waiting;
    st->up = atomic_load_explicit(&db->up, memory_order_relaxed);
    pthread_mutex_unlock(&db->mu);
}
