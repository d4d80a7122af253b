/* Notification streams in API tests; see sse.h. Sections: the client; notifications. */
#include "support/sse.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <poll.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* --- the client --------------------------------------------------------------------------- */

static void grow_append(char **p, size_t *n, const char *data, size_t len)
{
    *p = realloc(*p, *n + len + 1);
    cr_assert_not_null(*p);
    memcpy(*p + *n, data, len);
    *n += len;
    (*p)[*n] = '\0';
}

static void consume(char **p, size_t *n, size_t len)
{
    memmove(*p, *p + len, *n - len);
    *n -= len;
    (*p)[*n] = '\0';
}

/* Reads what the socket has before `deadline`: 1 bytes arrived, 0 timeout, -1 end or error. */
static int fill(struct ts_sse *c, long long deadline)
{
    long long left = deadline - ts_mono_ms();
    struct pollfd p = {.fd = c->fd, .events = POLLIN};
    char buf[4096];

    if (left < 0)
        left = 0;
    int n = poll(&p, 1, (int)left);
    if (n < 0 && errno == EINTR)
        return 0;
    if (n <= 0)
        return n < 0 ? -1 : 0;
    ssize_t got = recv(c->fd, buf, sizeof(buf), 0);
    if (got <= 0)
        return -1;
    grow_append(&c->raw, &c->nraw, buf, (size_t)got);
    return 1;
}

/* Moves decoded body bytes from raw to text. */
static void decode(struct ts_sse *c)
{
    while (!c->body_ended && c->nraw > 0) {
        if (!c->chunked || c->left > 0) {
            size_t take = c->left >= 0 && (size_t)c->left < c->nraw ? (size_t)c->left : c->nraw;
            grow_append(&c->text, &c->ntext, c->raw, take);
            consume(&c->raw, &c->nraw, take);
            if (c->left >= 0)
                c->left -= (long long)take;
            if (!c->chunked && c->left == 0)
                c->body_ended = true;
            if (c->chunked && c->left == 0)
                c->chunk_crlf = true;
            continue;
        }
        if (c->chunk_crlf) {
            if (c->nraw < 2)
                return;
            cr_assert(c->raw[0] == '\r' && c->raw[1] == '\n', "chunk not followed by CRLF");
            consume(&c->raw, &c->nraw, 2);
            c->chunk_crlf = false;
            continue;
        }
        char *eol = strstr(c->raw, "\r\n");
        if (eol == NULL)
            return;
        long long size = strtoll(c->raw, NULL, 16);
        consume(&c->raw, &c->nraw, (size_t)(eol - c->raw) + 2);
        if (size == 0)
            c->body_ended = true; /* trailers, if any, are of no interest */
        else
            c->left = size;
    }
}

long ts_sse_open(struct ts_sse *c, const struct ts_server *s, const char *path,
                 const char *const *headers, int timeout_ms)
{
    char req[4096];
    long long deadline = ts_mono_ms() + timeout_ms;
    int n;

    memset(c, 0, sizeof(*c));
    c->left = -1;
    c->fd = ts_connect(s);
    cr_assert(c->fd >= 0, "cannot connect to the server");
    n = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n", path);
    for (int i = 0; headers != NULL && headers[i] != NULL; i++)
        n += snprintf(req + n, sizeof(req) - (size_t)n, "%s\r\n", headers[i]);
    n += snprintf(req + n, sizeof(req) - (size_t)n, "\r\n");
    cr_assert_lt((size_t)n, sizeof(req));
    cr_assert_eq(send(c->fd, req, (size_t)n, MSG_NOSIGNAL), n);
    char *end;
    while ((end = c->raw != NULL ? strstr(c->raw, "\r\n\r\n") : NULL) == NULL)
        cr_assert_eq(fill(c, deadline), 1, "no response head within %d ms", timeout_ms);
    size_t head_len = (size_t)(end - c->raw) + 4;
    c->head = strndup(c->raw, head_len);
    consume(&c->raw, &c->nraw, head_len);
    cr_assert_eq(sscanf(c->head, "HTTP/1.%*d %ld", &c->status), 1, "%s", c->head);
    const char *te = ts_sse_header(c, "Transfer-Encoding");
    const char *cl = ts_sse_header(c, "Content-Length");
    c->chunked = te != NULL && strcasecmp(te, "chunked") == 0;
    if (!c->chunked && cl != NULL)
        c->left = atoll(cl);
    if (c->left == 0)
        c->body_ended = true;
    decode(c);
    if (c->status != 200) {
        while (!c->body_ended) {
            int r = fill(c, deadline);
            cr_assert_neq(r, 0, "no complete %ld body within %d ms", c->status, timeout_ms);
            if (r < 0)
                break;
            decode(c);
        }
        c->body = strndup(c->text != NULL ? c->text : "", c->ntext);
    }
    return c->status;
}

const char *ts_sse_header(const struct ts_sse *c, const char *name)
{
    static _Thread_local char value[1024];
    size_t n = strlen(name);

    for (const char *line = strstr(c->head, "\r\n"); line != NULL && line[2] != '\r';) {
        line += 2;
        const char *eol = strstr(line, "\r\n");
        if ((size_t)(eol - line) > n && strncasecmp(line, name, n) == 0 && line[n] == ':') {
            const char *v = line + n + 1;
            while (*v == ' ')
                v++;
            snprintf(value, sizeof(value), "%.*s", (int)(eol - v), v);
            return value;
        }
        line = eol;
    }
    return NULL;
}

/* Parses one block of c->text that a blank line ends into *it; false when none is complete. */
static bool parse_item(struct ts_sse *c, struct ts_sse_item *it)
{
    char *end = c->text != NULL ? strstr(c->text, "\n\n") : NULL;
    size_t data_len = 0;
    bool has_comment = false;

    if (end == NULL)
        return false;
    memset(it, 0, sizeof(*it));
    it->id = -1;
    it->retry = -1;
    for (char *line = c->text; line <= end;) {
        char *eol = strchr(line, '\n');
        *eol = '\0';
        char *value = strchr(line, ':');
        if (value != NULL) {
            *value++ = '\0';
            if (*value == ' ')
                value++;
        } else {
            value = line + strlen(line);
        }
        if (line[0] == '\0' && value != line) { /* ": comment" */
            snprintf(it->comment, sizeof(it->comment), "%s", value);
            has_comment = true;
        } else if (strcmp(line, "id") == 0) {
            it->id = atoll(value);
        } else if (strcmp(line, "retry") == 0) {
            it->retry = atol(value);
        } else if (strcmp(line, "event") == 0) {
            snprintf(it->event, sizeof(it->event), "%s", value);
        } else if (strcmp(line, "data") == 0) {
            if (it->data != NULL)
                grow_append(&it->data, &data_len, "\n", 1);
            grow_append(&it->data, &data_len, value, strlen(value));
        }
        line = eol + 1;
    }
    it->kind = it->data != NULL ? TS_SSE_EVENT : it->retry >= 0 ? TS_SSE_RETRY : TS_SSE_COMMENT;
    (void)has_comment;
    consume(&c->text, &c->ntext, (size_t)(end - c->text) + 2);
    return true;
}

int ts_sse_next(struct ts_sse *c, int timeout_ms, struct ts_sse_item *it)
{
    long long deadline = ts_mono_ms() + timeout_ms;

    for (;;) {
        if (parse_item(c, it))
            return 1;
        if (c->body_ended)
            return -1;
        int r = fill(c, deadline);
        if (r == 0)
            return 0;
        if (r < 0)
            c->body_ended = true;
        decode(c);
    }
}

int ts_sse_next_event(struct ts_sse *c, int timeout_ms, struct ts_sse_item *it)
{
    long long deadline = ts_mono_ms() + timeout_ms;

    for (;;) {
        long long left = deadline - ts_mono_ms();
        int r = ts_sse_next(c, left > 0 ? (int)left : 0, it);
        if (r != 1 || it->kind == TS_SSE_EVENT)
            return r;
        ts_sse_item_free(it);
    }
}

bool ts_sse_wait_end(struct ts_sse *c, int timeout_ms)
{
    long long deadline = ts_mono_ms() + timeout_ms;
    struct ts_sse_item it;

    for (;;) {
        long long left = deadline - ts_mono_ms();
        int r = ts_sse_next(c, left > 0 ? (int)left : 0, &it);
        if (r < 0)
            return true;
        if (r == 0)
            return false;
        ts_sse_item_free(&it);
    }
}

void ts_sse_item_free(struct ts_sse_item *it)
{
    free(it->data);
    it->data = NULL;
}

void ts_sse_close(struct ts_sse *c)
{
    if (c->fd >= 0)
        close(c->fd);
    free(c->head);
    free(c->raw);
    free(c->text);
    free(c->body);
    memset(c, 0, sizeof(*c));
    c->fd = -1;
}

/* --- notifications ------------------------------------------------------------------------ */

static void random_uuid(char out[37])
{
    unsigned char b[16];
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    ssize_t got = fd >= 0 ? read(fd, b, sizeof(b)) : -1;

    if (fd >= 0)
        close(fd);
    if (got != (ssize_t)sizeof(b))
        abort();
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
             b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
}

static long long notify_sqlite(const char *path, const char *id, const char *user_id, long long now)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    long long seq = -1;

    if (sqlite3_open(path, &db) != SQLITE_OK)
        goto out;
    sqlite3_busy_timeout(db, 10000);
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO notifications (id, user_id, type, title, body, data, "
                           "created_at) VALUES (?1, ?2, 'module_assigned', 'New assignment', "
                           "'Fire safety was assigned to you.', "
                           "'{\"module_id\":\"m1\",\"n\":1}', ?3) RETURNING seq",
                           -1, &st, NULL) != SQLITE_OK)
        goto out;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, user_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now);
    if (sqlite3_step(st) == SQLITE_ROW)
        seq = sqlite3_column_int64(st, 0);
out:
    if (seq < 0)
        fprintf(stderr, "ts_sse_notify: %s\n", db != NULL ? sqlite3_errmsg(db) : "no database");
    sqlite3_finalize(st);
    sqlite3_close(db);
    return seq;
}

/* One statement on `c`; its result when it succeeded, else NULL (reported). */
static PGresult *pg_exec(PGconn *c, const char *sql, int n, const char *const *params)
{
    PGresult *r = PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);

    if (PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK)
        return r;
    fprintf(stderr, "ts_sse_notify: %s: %s\n", sql, PQerrorMessage(c));
    PQclear(r);
    return NULL;
}

static long long notify_pg(const char *url, const char *id, const char *user_id, long long now)
{
    PGconn *c = PQconnectdb(url);
    PGresult *r = NULL;
    long long seq = -1;
    char created[24];

    snprintf(created, sizeof(created), "%lld", now);
    const char *p[] = {id, user_id, created};
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "ts_sse_notify: %s\n", PQerrorMessage(c));
        goto out;
    }
    /* As db_notifications_insert(): numbered under the user's lock, announced at commit. */
    if ((r = pg_exec(c, "BEGIN", 0, NULL)) == NULL)
        goto out;
    PQclear(r);
    if ((r = pg_exec(c, "SELECT pg_advisory_xact_lock(7283042, hashtext($1))", 1, p + 1)) == NULL)
        goto out;
    PQclear(r);
    r = pg_exec(c,
                "INSERT INTO notifications (id, seq, user_id, type, title, body, data, "
                "created_at) VALUES ($1, nextval('notifications_seq'), $2, 'module_assigned', "
                "'New assignment', 'Fire safety was assigned to you.', "
                "'{\"module_id\":\"m1\",\"n\":1}', $3) RETURNING seq",
                3, p);
    if (r == NULL)
        goto out;
    char seq_text[24];
    snprintf(seq_text, sizeof(seq_text), "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    const char *np[] = {user_id, seq_text};
    if ((r = pg_exec(c, "SELECT pg_notify('trainsmart_notifications', $1 || ':' || $2)", 2, np)) ==
        NULL)
        goto out;
    PQclear(r);
    if ((r = pg_exec(c, "COMMIT", 0, NULL)) == NULL)
        goto out;
    PQclear(r);
    r = NULL;
    seq = atoll(seq_text);
out:
    PQclear(r);
    PQfinish(c);
    return seq;
}

long long ts_sse_notify(const struct ts_server *s, const char *user_id)
{
    char id[37];
    struct timespec t;

    random_uuid(id);
    clock_gettime(CLOCK_REALTIME, &t);
    long long now = (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
    if (strncmp(s->database_url, "sqlite:", 7) == 0)
        return notify_sqlite(s->database_url + 7, id, user_id, now);
    return notify_pg(s->database_url, id, user_id, now);
}

/* The first column of the first row of `sql` as an integer, or -1. */
static int pg_count(const struct ts_server *s, const char *sql)
{
    PGconn *c = PQconnectdb(s->database_url);
    int n = -1;

    if (PQstatus(c) == CONNECTION_OK) {
        PGresult *r = pg_exec(c, sql, 0, NULL);
        if (r != NULL)
            n = atoi(PQgetvalue(r, 0, 0));
        PQclear(r);
    }
    PQfinish(c);
    return n;
}

#define LISTENERS                                                                                  \
    " FROM pg_stat_activity WHERE application_name = 'trainsmart-listen' AND "                     \
    "datname = current_database() AND state = 'idle' AND query LIKE 'LISTEN %'"

int ts_sse_listeners(const struct ts_server *s)
{
    return pg_count(s, "SELECT count(*)" LISTENERS);
}

int ts_sse_kill_listeners(const struct ts_server *s)
{
    return pg_count(s, "SELECT count(pg_terminate_backend(pid))" LISTENERS);
}
