/*
 * The whole request pipeline without a socket: routing (404/405), CORS preflight, framing and
 * body limits (400/413), authentication, the handlers' validation and the handlers themselves
 * on a seeded SQLite database, and error rendering, through the functions server.c calls for
 * every request (http/request.h). Only libmicrohttpd's part is played here: splitting the
 * request into method, target, headers and body, percent-decoding the path and the query,
 * and delivering the body.
 *
 * Input: up to MAX_REQUESTS requests separated by a line "~~~". Each is written like HTTP/1.1
 * with "\n" line ends:
 *
 *     METHOD TARGET
 *     Name: value
 *     ...
 *     <empty line>
 *     body
 *
 * Markers are replaced before a request is read (so a path or body can name what the seeded
 * database holds): $t0..$t4 tokens (learner, author, admin, METRICS_TOKEN, a logged-out
 * token), $u0..$u2 user ids (learner, author, admin), $m0..$m4 module ids (three demo modules,
 * the author's draft, an archived module), $s0..$s9 and $sa..$sz the demo modules' screens in
 * order (FUZZ_REQUEST_TRACE lists them), $d0 the draft's screen, $g0 an assignment, $n0 a
 * notification of the learner, $c0 the learner's check-in; $h0..$h7 the "id" of the first, second,
 * ... reply of this input that had one, $p that of the latest.
 *
 * Framing as a client and libmicrohttpd would have it: a body without Content-Length or
 * Transfer-Encoding gets a Content-Length (as curl adds one); with Transfer-Encoding the body
 * arrives in pieces without a length; with Content-Length N, the first N bytes are the body, and
 * a body shorter than N is a request that never completes (timed out: no reply, not run).
 *
 * Static paths: the files of /docs, and a small web app written into the scratch directory and
 * given to every request (r->webapp, which server.c's requests take from the server), with
 * precompressed siblings so that Accept-Encoding and If-None-Match are read.
 *
 * The notification stream: the harness runs without a server (r->server is NULL), so the
 * route answers its errors from before the stream (401, 422, 429) as in production, and a
 * request that would open a stream gets what a stopping server sends: 200 with only the
 * `retry:` line (sse.c, http_reply_stream()). No stream is ever opened or held.
 *
 * State between inputs: before every input the database is copied back from a snapshot taken
 * after seeding (SQLite's backup API, into the file the pool's connections have open; skipped
 * when no request committed since the last copy), the module cache is cleared and the login
 * rate limiter reset (api_auth_login_limits_reset()); so every input starts from the same
 * state, nothing accumulates, and a crash replays alone. The scratch directory is in $TMPDIR.
 *
 * Invariants checked on every reply (abort() when broken): the status is one the contract
 * allows (never 500, never 503: the database here cannot fail); an error body is a JSON object
 * with `detail` (a string, or for 422 a list of {loc, msg, type}); a JSON body parses; 204 and
 * 304 have no body; 405 has Allow, 429 Retry-After; every reply has X-Request-ID and
 * Cache-Control; no reply header holds CR or LF; a routed 2xx has the route's success status
 * and a body its response schema describes (api/schemas.c); a repeated Idempotency-Key
 * request gets the stored reply. Set FUZZ_REQUEST_TRACE to see every reply on stderr.
 */
#include <fcntl.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/module_cache.h"
#include "api/auth.h"
#include "cli_admin.h"
#include "cli_demo.h"
#include "config.h"
#include "db/db.h"
#include "db/migrate.h"
#include "http/metrics.h"
#include "http/request.h"
#include "http/router.h"
#include "http/routes.h"
#include "http/webapp.h"
#include "util/crypto.h"
#include "util/log.h"
#include "util/schema.h"

#define MAX_REQUESTS 6
#define MAX_EXPANDED (64 * 1024)
#define MAX_IDS 64
#define FZ_PASSWORD "password123"

static struct config cfg;
static struct db *db;
static struct router router;
static char dir[256];
static char db_path[300];
static char db_url[320];
static struct http_webapp *webapp; /* a small web app of the scratch directory */
static sqlite3 *live;              /* the harness's own connection to the pool's database file */
static sqlite3 *snapshot;          /* in memory: the database as seeded */

struct marker {
    char name[4];
    char value[160];
};
static struct marker ids[MAX_IDS];
static int nids;
#define MAX_HISTORY 8
static char history[MAX_HISTORY][64]; /* $h0..$h7: the ids replies of this input had, in order */
static int nhistory;
static char next_cursor[512]; /* $x: the latest next_cursor a reply of this input had */
static bool trace;            /* FUZZ_REQUEST_TRACE set: each reply on stderr */

/* --- setup ----------------------------------------------------------------------------- */

static void die(const char *what)
{
    fprintf(stderr, "fuzz_request: %s\n", what);
    abort();
}

static const char *fake_env(const char *name, void *ctx)
{
    (void)ctx;
    static const char *const table[][2] = {
        {"DATABASE_URL", db_url},
        {"DB_POOL_SIZE", "2"},
        {"DB_TIMEOUT_MS", "1000"},
        {"MAX_BODY_BYTES", "4096"},
        {"CORS_ORIGINS", "https://app.example.com"},
        {"METRICS_TOKEN", "fuzz-metrics-token"},
        {"TOKEN_TTL_SECONDS", "2592000"},
        {"MODULE_CACHE_MB", "4"},
        {"LOG_LEVEL", "error"},
        /* Low enough for one input's requests to reach the 429; the limited address may come
         * from X-Forwarded-For. */
        {"LOGIN_RATE_LIMIT", "2"},
        {"TRUST_PROXY_HEADERS", "true"},
    };
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        if (strcmp(name, table[i][0]) == 0)
            return table[i][1];
    return NULL;
}

static void add_id(const char *name, const char *value)
{
    if (nids == MAX_IDS)
        die("too many markers");
    snprintf(ids[nids].name, sizeof(ids[nids].name), "%s", name);
    snprintf(ids[nids].value, sizeof(ids[nids].value), "%s", value);
    nids++;
}

static void run_request(struct http_req *r, const char *method, size_t method_len,
                        const char *target, size_t target_len, const char *headers,
                        size_t headers_len, const char *body, size_t body_len);

/* A set-up request that must succeed with `status`; returns the reply parsed (caller decrefs). */
static json_t *setup_call(const char *method, const char *target, const char *token,
                          const char *body, int status)
{
    struct http_req r;
    char headers[512];

    snprintf(headers, sizeof(headers), "Content-Type: application/json\n%s%s%s",
             token ? "Authorization: Bearer " : "", token ? token : "", token ? "\n" : "");
    run_request(&r, method, strlen(method), target, strlen(target), headers, strlen(headers),
                body ? body : "", body ? strlen(body) : 0);
    if (r.status != status) {
        fprintf(stderr, "fuzz_request: set-up %s %s: %d %.*s\n", method, target, r.status,
                (int)r.reply_len, r.reply_body ? r.reply_body : "");
        abort();
    }
    json_t *doc = r.reply_len > 0 ? json_loadb(r.reply_body, r.reply_len, 0, NULL) : NULL;
    http_req_free(&r);
    return doc;
}

static const char *str_of(json_t *doc, const char *key)
{
    const char *s = json_string_value(json_object_get(doc, key));
    if (s == NULL)
        die("set-up reply without an expected string");
    return s;
}

/* Registers and logs in `email`; fills the token, returns the user's id marker value. */
static void user(const char *email, const char *name, char token[128], char id[64])
{
    char body[256];
    json_t *doc;

    snprintf(body, sizeof(body),
             "{\"email\":\"%s\",\"password\":\"" FZ_PASSWORD "\",\"display_name\":\"%s\"}", email,
             name);
    if (id != NULL) {
        doc = setup_call("POST", "/api/v1/auth/register", NULL, body, 201);
        snprintf(id, 64, "%s", str_of(doc, "id"));
        json_decref(doc);
    }
    snprintf(body, sizeof(body), "{\"email\":\"%s\",\"password\":\"" FZ_PASSWORD "\"}", email);
    doc = setup_call("POST", "/api/v1/auth/login", NULL, body, 200);
    snprintf(token, 128, "%s", str_of(doc, "access_token"));
    json_decref(doc);
}

static void seed(void)
{
    struct arena a;
    char learner[128], author[128], admin[128], stale[128];
    char learner_id[64], author_id[64], admin_id[64];
    char path[256], body[512];
    json_t *doc;

    /* The two commands say what they did on stdout; the harness is silent. */
    fflush(stdout);
    int saved = dup(STDOUT_FILENO), devnull = open("/dev/null", O_WRONLY);
    if (saved < 0 || devnull < 0 || dup2(devnull, STDOUT_FILENO) < 0)
        die("cannot silence stdout");
    arena_init(&a);
    if (db_migrate_up(db, NULL) < 0 || cli_seed_demo(db, &a) != 0)
        die("cannot migrate and seed");
    setenv("TRAINSMART_ADMIN_PASSWORD", FZ_PASSWORD, 1);
    char *args[] = {"--email", "admin@fuzz.invalid", NULL};
    if (cli_create_admin(db, &a, 2, args) != 0)
        die("cannot create the admin");
    arena_free(&a);
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    close(devnull);

    user("admin@fuzz.invalid", NULL, admin, NULL);
    doc = setup_call("GET", "/api/v1/users/me", admin, NULL, 200);
    snprintf(admin_id, sizeof(admin_id), "%s", str_of(doc, "id"));
    json_decref(doc);
    user("learner@fuzz.invalid", "Lee Learner", learner, learner_id);
    user("author@fuzz.invalid", "Ada Author", author, author_id);
    snprintf(path, sizeof(path), "/api/v1/users/%s", author_id);
    json_decref(setup_call("PATCH", path, admin, "{\"role\":\"author\"}", 200));
    /* A token that was valid and is revoked: logged in, then out. */
    user("learner@fuzz.invalid", NULL, stale, NULL);
    json_decref(setup_call("POST", "/api/v1/auth/logout", stale, NULL, 204));

    add_id("t0", learner);
    add_id("t1", author);
    add_id("t2", admin);
    add_id("t3", "fuzz-metrics-token");
    add_id("t4", stale);
    add_id("u0", learner_id);
    add_id("u1", author_id);
    add_id("u2", admin_id);

    /* The demo modules, and their screens. */
    int nscreens = 0;
    doc = setup_call("GET", "/api/v1/modules?limit=10", learner, NULL, 200);
    json_t *items = json_object_get(doc, "items");
    for (size_t i = 0; i < json_array_size(items) && i < 3; i++) {
        char name[4], sname[4];
        const char *mid = str_of(json_array_get(items, i), "id");
        snprintf(name, sizeof(name), "m%zu", i);
        add_id(name, mid);
        snprintf(path, sizeof(path), "/api/v1/modules/%s/screens", mid);
        json_t *screens = setup_call("GET", path, learner, NULL, 200);
        json_t *sitems = json_object_get(screens, "items");
        for (size_t j = 0; j < json_array_size(sitems) && nscreens < 36; j++) {
            snprintf(sname, sizeof(sname), "s%c",
                     "0123456789abcdefghijklmnopqrstuvwxyz"[nscreens++]);
            add_id(sname, str_of(json_array_get(sitems, j), "id"));
        }
        json_decref(screens);
    }
    json_decref(doc);
    if (nids != 8 + 3 + nscreens)
        die("demo content missing");

    /* The author's draft with a screen, and an archived module. */
    doc = setup_call("POST", "/api/v1/modules", author,
                     "{\"title\":\"Draft\",\"description\":\"d\",\"flow_type\":\"linear\"}", 201);
    char draft[64];
    snprintf(draft, sizeof(draft), "%s", str_of(doc, "id"));
    json_decref(doc);
    add_id("m3", draft);
    snprintf(path, sizeof(path), "/api/v1/modules/%s/screens", draft);
    doc = setup_call("POST", path, author,
                     "{\"type\":\"content\",\"title\":\"One\",\"content\":{\"body\":\"Hello\"}}",
                     201);
    add_id("d0", str_of(doc, "id"));
    json_decref(doc);
    doc = setup_call("POST", "/api/v1/modules", author,
                     "{\"title\":\"Old\",\"flow_type\":\"linear\"}", 201);
    char old[64];
    snprintf(old, sizeof(old), "%s", str_of(doc, "id"));
    json_decref(doc);
    snprintf(path, sizeof(path), "/api/v1/modules/%s/screens", old);
    json_decref(setup_call("POST", path, author,
                           "{\"type\":\"content\",\"title\":\"One\",\"content\":{\"body\":\"Hi\"}}",
                           201));
    snprintf(path, sizeof(path), "/api/v1/modules/%s/publish", old);
    json_decref(setup_call("POST", path, author, NULL, 200));
    snprintf(path, sizeof(path), "/api/v1/modules/%s/archive", old);
    json_decref(setup_call("POST", path, author, NULL, 200));
    add_id("m4", old);

    /* An assignment of the first demo module to the learner (and its notification), progress
     * on it, a check-in, feedback. */
    snprintf(body, sizeof(body),
             "{\"module_id\":\"%s\",\"user_id\":\"%s\",\"due_at\":\"2099-01-01T00:00:00Z\"}",
             ids[8].value, learner_id);
    doc = setup_call("POST", "/api/v1/assignments", admin, body, 201);
    add_id("g0", str_of(doc, "id"));
    json_decref(doc);
    doc = setup_call("GET", "/api/v1/notifications", learner, NULL, 200);
    json_t *n0 = json_array_get(json_object_get(doc, "items"), 0);
    if (n0 == NULL)
        die("the assignment made no notification");
    add_id("n0", str_of(n0, "id"));
    json_decref(doc);
    doc = setup_call("POST", "/api/v1/checkins", learner,
                     "{\"mood\":4,\"confidence\":3,\"note\":\"Focused.\"}", 201);
    add_id("c0", str_of(doc, "id"));
    json_decref(doc);
    snprintf(path, sizeof(path), "/api/v1/modules/%s/progress", ids[8].value);
    snprintf(body, sizeof(body),
             "{\"version\":0,\"progress_data\":{\"current_screen_id\":\"%s\","
             "\"completed_screen_ids\":[\"%s\"]}}",
             ids[10].value, ids[9].value);
    json_decref(setup_call("PUT", path, learner, body, 200));
    snprintf(path, sizeof(path), "/api/v1/modules/%s/feedback", ids[8].value);
    json_decref(setup_call("POST", path, learner, "{\"rating\":5,\"comment\":\"Good\"}", 201));
}

/* The pool's file into memory (at set-up), or back (before every input). */
static void copy_db(sqlite3 *to, sqlite3 *from)
{
    sqlite3_backup *b = sqlite3_backup_init(to, "main", from, "main");
    if (b == NULL || sqlite3_backup_step(b, -1) != SQLITE_DONE ||
        sqlite3_backup_finish(b) != SQLITE_OK)
        die(sqlite3_errmsg(to));
}

/* Changes when another connection (the pool's) commits to the file; not for `live`'s own. */
static int64_t data_version(void)
{
    static sqlite3_stmt *st;
    int64_t v;

    if (st == NULL && sqlite3_prepare_v2(live, "PRAGMA data_version", -1, &st, NULL) != SQLITE_OK)
        die(sqlite3_errmsg(live));
    if (sqlite3_step(st) != SQLITE_ROW)
        die(sqlite3_errmsg(live));
    v = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return v;
}

/* The database as seeded: copied back unless no request wrote since the last copy (most
 * inputs are refused before storage, and a read-only input leaves nothing to undo). Every
 * 1000 copies the write-ahead log is truncated, so the scratch files stay small. */
static void restore_db(void)
{
    static int64_t clean_version = -1;
    static unsigned copies;

    if (data_version() == clean_version)
        return;
    copy_db(live, snapshot);
    if (++copies % 1000 == 0 &&
        sqlite3_exec(live, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL) != SQLITE_OK)
        die(sqlite3_errmsg(live));
    clean_version = data_version();
}

static const char *const web_files[][2] = {
    {"index.html", "<!doctype html><title>app</title>"},
    {"favicon.ico", "ICO"},
    {"assets", NULL},
    {"assets/app.js", "console.log(1)"},
    {"assets/app.js.br", "BR"},
    {"assets/app.js.gz", "GZ"},
    {"assets/app.css", "body{}"},
    {"assets/app.css.gz", "GZ"},
};

/* The web app's paths (API.md §18), with precompressed siblings for Accept-Encoding. */
static void load_webapp(void)
{
    char p[320];

    for (size_t i = 0; i < sizeof(web_files) / sizeof(web_files[0]); i++) {
        snprintf(p, sizeof(p), "%s/web/%s", dir, web_files[i][0]);
        if (i == 0) {
            char d[300];
            snprintf(d, sizeof(d), "%s/web", dir);
            if (mkdir(d, 0700) < 0)
                die("cannot create the web folder");
        }
        if (web_files[i][1] == NULL) {
            if (mkdir(p, 0700) < 0)
                die("cannot create the web folder");
            continue;
        }
        FILE *f = fopen(p, "w");
        if (f == NULL || fputs(web_files[i][1], f) < 0 || fclose(f) != 0)
            die("cannot write the web app");
    }
    snprintf(p, sizeof(p), "%s/web", dir);
    if ((webapp = http_webapp_load(p)) == NULL)
        die("cannot load the web app");
}

static void remove_scratch(void)
{
    char w[320];

    http_webapp_free(webapp);
    for (size_t i = sizeof(web_files) / sizeof(web_files[0]); i-- > 0;) {
        snprintf(w, sizeof(w), "%s/web/%s", dir, web_files[i][0]);
        if (web_files[i][1] == NULL)
            rmdir(w);
        else
            unlink(w);
    }
    snprintf(w, sizeof(w), "%s/web", dir);
    rmdir(w);
    char p[320];

    sqlite3_close_v2(live); /* its data_version statement is finalized with it */
    sqlite3_close_v2(snapshot);
    const char *suffixes[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof(p), "%s%s", db_path, suffixes[i]);
        unlink(p);
    }
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char err[256];

    (void)argc, (void)argv;
    /* In $TMPDIR when set (scripts/fuzz.sh's scratch): a crash ends the process without
     * atexit(), and the directory should go with the rest of the run's files. */
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof(dir), "%s/fuzz_request.XXXXXX", tmp != NULL && *tmp ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL)
        die("cannot create a scratch directory");
    snprintf(db_path, sizeof(db_path), "%s/fuzz.db", dir);
    snprintf(db_url, sizeof(db_url), "sqlite:%s", db_path);
    atexit(remove_scratch);
    trace = getenv("FUZZ_REQUEST_TRACE") != NULL;
    if (config_load(&cfg, fake_env, NULL, err, sizeof(err)) < 0)
        die(err);
    log_set_level(LOG_ERROR);
    if (crypto_init() < 0 || (db = db_open(&cfg)) == NULL)
        die("cannot initialise");
    if (router_init(&router, routes_table, routes_count) < 0)
        die("bad route table");
    http_metrics_init(routes_table, routes_count);
    load_webapp();
    seed();
    if (sqlite3_open(db_path, &live) != SQLITE_OK ||
        sqlite3_open(":memory:", &snapshot) != SQLITE_OK)
        die("cannot open the snapshot");
    copy_db(snapshot, live);
    for (int i = 0; trace && i < nids; i++)
        fprintf(stderr, "$%s = %s\n", ids[i].name, ids[i].value);
    return 0;
}

/* --- the request, as libmicrohttpd would hand it over ------------------------------------- */

static int hex(int c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* MHD_http_unescape(): %XX decoded, any other '%' kept; in place, returns the new length. */
static size_t unescape(char *s, size_t n, bool plus)
{
    size_t w = 0;

    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n && hex((unsigned char)s[i + 1]) >= 0 &&
            hex((unsigned char)s[i + 2]) >= 0) {
            s[w++] = (char)(hex((unsigned char)s[i + 1]) * 16 + hex((unsigned char)s[i + 2]));
            i += 2;
        } else {
            s[w++] = plus && s[i] == '+' ? ' ' : s[i];
        }
    }
    return w;
}

/* The query string's arguments, split at '&' and '=', '+' and %XX decoded, with lengths. */
static void add_query(struct http_req *r, const char *q, size_t n)
{
    while (n > 0) {
        const char *amp = memchr(q, '&', n);
        size_t len = amp ? (size_t)(amp - q) : n;
        if (len > 0) {
            char *arg = arena_strndup(&r->arena, q, len);
            char *eq = memchr(arg, '=', len);
            if (eq != NULL) {
                *eq = '\0';
                size_t klen = unescape(arg, (size_t)(eq - arg), true);
                size_t vlen = unescape(eq + 1, len - (size_t)(eq - arg) - 1, true);
                http_req_add_query_n(r, arg, klen, eq + 1, vlen);
            } else {
                http_req_add_query_n(r, arg, unescape(arg, len, true), NULL, 0);
            }
        }
        if (amp == NULL)
            break;
        n -= len + 1;
        q = amp + 1;
    }
}

static bool has_header(const char *h, size_t n, const char *name)
{
    size_t nl = strlen(name);

    for (const char *p = h; p < h + n;) {
        const char *eol = memchr(p, '\n', (size_t)(h + n - p));
        size_t len = eol ? (size_t)(eol - p) : (size_t)(h + n - p);
        if (len > nl && p[nl] == ':' && strncasecmp(p, name, nl) == 0)
            return true;
        p += len + 1;
    }
    return false;
}

/*
 * Runs one request through the pipeline, in the order server.c calls it: the request line and
 * headers, http_req_on_headers(), the body in pieces, http_req_dispatch() (which also answers
 * an embedded file), the headers every reply carries. r->replied is false when the request
 * never completed (a body shorter than its Content-Length): libmicrohttpd would time it out.
 */
static void run_request(struct http_req *r, const char *method, size_t method_len,
                        const char *target, size_t target_len, const char *headers,
                        size_t headers_len, const char *body, size_t body_len)
{
    http_metrics_begin();
    http_req_init(r, &cfg, db, NULL);
    r->webapp = webapp;
    r->method = arena_strndup(&r->arena, method, strnlen(method, method_len));
    r->client_ip = "203.0.113.7";

    /* The target: the path decoded (an encoded NUL cuts it short and is remembered, as
     * server.c's on_uri() does), the query string parsed. */
    const char *qm = memchr(target, '?', target_len);
    size_t path_len = qm ? (size_t)(qm - target) : target_len;
    char *path = arena_strndup(&r->arena, target, path_len);
    for (size_t i = 0; i + 2 < path_len; i++)
        if (path[i] == '%' && path[i + 1] == '0' && path[i + 2] == '0')
            r->path_has_nul = true;
    path[unescape(path, strlen(path), false)] = '\0';
    r->path = path;
    if (qm != NULL)
        add_query(r, qm + 1, target_len - path_len - 1);

    /* Headers: "Name: value" lines; libmicrohttpd drops the value's leading blanks. */
    for (const char *p = headers; p < headers + headers_len;) {
        const char *eol = memchr(p, '\n', (size_t)(headers + headers_len - p));
        size_t len = eol ? (size_t)(eol - p) : (size_t)(headers + headers_len - p);
        const char *colon = memchr(p, ':', len);
        if (colon != NULL && colon > p && strcspn(p, " \t") >= (size_t)(colon - p)) {
            char *name = arena_strndup(&r->arena, p, (size_t)(colon - p));
            const char *v = colon + 1;
            while (v < p + len && (*v == ' ' || *v == '\t'))
                v++;
            char *value = arena_strndup(&r->arena, v, (size_t)(p + len - v));
            http_req_add_header(r, name, value);
        }
        p += len + 1;
    }
    bool chunked = has_header(headers, headers_len, "Transfer-Encoding");
    const char *cl = http_header(r, "Content-Length");
    if (!chunked && cl == NULL && body_len > 0) {
        char n[32];
        snprintf(n, sizeof(n), "%zu", body_len);
        http_req_add_header(r, "Content-Length", n);
        cl = http_header(r, "Content-Length");
    }

    if (!http_req_on_headers(r, &router)) {
        size_t want = body_len;
        if (!chunked) {
            want = cl != NULL ? (size_t)strtoull(cl, NULL, 10) : 0; /* numeric: framing passed */
            if (want > body_len) {
                http_metrics_end(r->template_route, r->static_label, r->method, 0, 0, false);
                return; /* never completes */
            }
        }
        /* In three pieces, as a network might deliver it. */
        size_t cut1 = want / 3, cut2 = want - want / 3;
        bool too_big = want > 0 && http_req_on_body(r, body, cut1);
        if (!too_big && cut2 > cut1)
            too_big = http_req_on_body(r, body + cut1, cut2 - cut1);
        if (!too_big && want > cut2)
            http_req_on_body(r, body + cut2, want - cut2);
        http_req_dispatch(r);
    }
    http_req_finish_reply(r, false);
    http_metrics_end(r->template_route, r->static_label, r->method, r->status, 0, true);
}

/* --- invariants ------------------------------------------------------------------------- */

static void fail(const struct http_req *r, const char *why)
{
    fprintf(stderr, "fuzz_request: %s: %s %s -> %d %.*s\n", why, r->method, r->path, r->status,
            (int)(r->reply_len < 2000 ? r->reply_len : 2000),
            r->reply_body     ? r->reply_body
            : r->reply_static ? r->reply_static
                              : "");
    abort();
}

static const char *reply_header(const struct http_req *r, const char *name)
{
    for (int i = 0; i < r->nreply_headers; i++)
        if (strcasecmp(r->reply_headers[i].name, name) == 0)
            return r->reply_headers[i].value;
    return NULL;
}

static bool is_json_type(const char *ct)
{
    return ct != NULL && strncmp(ct, "application/json", 16) == 0;
}

static void check_422_item(const struct http_req *r, json_t *item)
{
    json_t *loc = json_object_get(item, "loc");
    const char *first = json_string_value(json_array_get(loc, 0));
    static const char *const places[] = {"body", "query", "path", "header", "module"};
    bool known = false;

    for (size_t i = 0; first != NULL && i < sizeof(places) / sizeof(places[0]); i++)
        known |= strcmp(first, places[i]) == 0;
    if (!json_is_array(loc) || !known || !json_is_string(json_object_get(item, "msg")) ||
        !json_is_string(json_object_get(item, "type")))
        fail(r, "a 422 item without loc, msg and type");
}

/* Whether `v` is what the response schema field `f` describes: JSON types, required and
 * nullable keys, enum values, no keys a closed object does not list (not lengths or ranges).
 * On a mismatch `why` names the key. */
static bool conforms(json_t *v, const struct schema_field *f, const char **why);

static bool conforms_object(json_t *v, const struct schema *s, const char **why)
{
    const char *key;
    json_t *value;

    for (size_t i = 0; i < s->count; i++) {
        const struct schema_field *f = &s->fields[i];
        json_t *x = json_object_get(v, f->name);
        if (x == NULL && (f->flags & SCHEMA_REQUIRED) && !(f->flags & SCHEMA_WRITE_ONLY_REQUIRED)) {
            *why = f->name;
            return false;
        }
        if (x != NULL && !conforms(x, f, why))
            return false;
    }
    json_object_foreach(v, key, value)
    {
        if (s->closed && schema_find(s, key) == NULL) {
            *why = key;
            return false;
        }
    }
    return true;
}

static bool conforms(json_t *v, const struct schema_field *f, const char **why)
{
    bool ok = true;

    if (json_is_null(v)) {
        ok = (f->flags & SCHEMA_NULLABLE) != 0;
    } else {
        switch (f->type) {
        case SCHEMA_INT:
            ok = json_is_integer(v);
            break;
        case SCHEMA_NUMBER:
            ok = json_is_number(v);
            break;
        case SCHEMA_BOOL:
            ok = json_is_boolean(v);
            break;
        case SCHEMA_ENUM:
            ok = false;
            for (int i = 0; json_is_string(v) && f->values[i] != NULL; i++)
                ok |= strcmp(json_string_value(v), f->values[i]) == 0;
            break;
        case SCHEMA_OBJECT:
            if (!json_is_object(v)) {
                ok = false;
            } else if (f->object != NULL) {
                ok = conforms_object(v, f->object, why);
            } else if (f->any_of != NULL) {
                ok = false;
                for (int i = 0; !ok && f->any_of[i] != NULL; i++)
                    ok = conforms_object(v, f->any_of[i], why);
            }
            break;
        case SCHEMA_MAP:
        case SCHEMA_ARRAY: {
            size_t i;
            const char *k;
            json_t *item;
            ok = f->type == SCHEMA_MAP ? json_is_object(v) : json_is_array(v);
            if (ok && f->type == SCHEMA_ARRAY)
                json_array_foreach(v, i, item) ok = ok && conforms(item, f->items, why);
            else if (ok)
                json_object_foreach(v, k, item) ok = ok && conforms(item, f->items, why);
            break;
        }
        default: /* strings of every format */
            ok = json_is_string(v);
        }
    }
    if (!ok && (*why == NULL || f->name != NULL))
        *why = f->name != NULL ? f->name : "(item)";
    return ok;
}

static void check_reply(const struct http_req *r)
{
    static const int allowed[] = {200, 201, 204, 304, 400, 401, 403,
                                  404, 405, 409, 413, 415, 422, 429};
    const char *body = r->reply_body ? r->reply_body : r->reply_static;
    bool ok = false;

    for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
        ok |= r->status == allowed[i];
    if (!ok)
        fail(r, "a status the contract does not allow here");
    for (int i = 0; i < r->nreply_headers; i++)
        if (strpbrk(r->reply_headers[i].value, "\r\n") != NULL ||
            strpbrk(r->reply_headers[i].name, "\r\n: ") != NULL)
            fail(r, "a reply header with CR, LF or a bad name");
    if (reply_header(r, "X-Request-ID") == NULL || reply_header(r, "Cache-Control") == NULL)
        fail(r, "a reply without X-Request-ID or Cache-Control");
    if ((r->status == 204 || r->status == 304) && r->reply_len != 0)
        fail(r, "a body on 204 or 304");
    if (r->status == 405 && reply_header(r, "Allow") == NULL)
        fail(r, "405 without Allow");
    if (r->status == 429 && reply_header(r, "Retry-After") == NULL)
        fail(r, "429 without Retry-After");
    if (is_json_type(r->content_type) || r->status >= 400) {
        json_error_t e;
        json_t *doc = body != NULL ? json_loadb(body, r->reply_len, JSON_DECODE_ANY, &e) : NULL;
        if (doc == NULL)
            fail(r, "a body that is not JSON");
        if (r->status >= 400) {
            json_t *detail = json_object_get(doc, "detail");
            if (!is_json_type(r->content_type) || !json_is_object(doc))
                fail(r, "an error that is not a JSON object");
            if (r->status == 422) {
                size_t i;
                json_t *item;
                if (!json_is_array(detail) || json_array_size(detail) == 0)
                    fail(r, "a 422 without a list of errors");
                json_array_foreach(detail, i, item) check_422_item(r, item);
            } else if (!json_is_string(detail)) {
                fail(r, "an error without a detail string");
            }
        }
        json_decref(doc);
    }
    if (r->route != NULL && r->status >= 200 && r->status < 300 &&
        r->status != (r->route->ok ? r->route->ok : 200))
        fail(r, "a success status other than the route's");
    if (r->route != NULL && r->route->response != NULL && r->status >= 200 && r->status < 300 &&
        is_json_type(r->content_type)) {
        json_t *doc = json_loadb(body, r->reply_len, 0, NULL);
        const char *why = NULL;
        if (!json_is_object(doc) || !conforms_object(doc, r->route->response, &why)) {
            fprintf(stderr, "fuzz_request: at key %s\n", why ? why : "(top)");
            fail(r, "a success body the route's response schema does not describe");
        }
        json_decref(doc);
    }
}

/*
 * Idempotency (§1.8) across an input's requests: a request that repeats an earlier 2xx one in
 * the same scope (user, method, path, Idempotency-Key) with an equal body gets the stored
 * status and body with Idempotent-Replayed, unless it is refused before the key is looked up
 * (§1.4: 401, 403, a body not read as JSON, a 422 of the query or header); and nothing is ever "in
 * progress" when requests run one at a time.
 */
struct idem_done {
    char user_id[64];
    char *method, *path, *key, *reply;
    json_t *body; /* the request body; {} for none */
    int status;
    size_t reply_len;
};
static struct idem_done done[MAX_REQUESTS];
static int ndone;

static void idem_forget(void)
{
    for (int i = 0; i < ndone; i++) {
        free(done[i].method);
        free(done[i].path);
        free(done[i].key);
        free(done[i].reply);
        json_decref(done[i].body);
    }
    ndone = 0;
}

static void check_idempotency(const struct http_req *r)
{
    const char *key = http_header(r, "Idempotency-Key");
    json_t *body = r->json != NULL ? json_incref(r->json) : json_object();

    if (r->status == 409 && r->reply_body != NULL &&
        strstr(r->reply_body, "Idempotency-Key is in progress") != NULL)
        fail(r, "an Idempotency-Key in progress with no other request running");
    /* Only a request whose body was read as JSON (or was empty) reached the key's lookup: a
     * 415 or 400 of the body comes first (§1.4 step 5). */
    if (r->route == NULL || !(r->route->flags & ROUTE_IDEMPOTENT) || r->user_id == NULL ||
        key == NULL || (r->json == NULL && r->body.len > 0)) {
        json_decref(body);
        return;
    }
    for (int i = 0; i < ndone; i++) {
        struct idem_done *d = &done[i];
        if (strcmp(d->user_id, r->user_id) != 0 || strcmp(d->method, r->method) != 0 ||
            strcmp(d->path, r->path) != 0 || strcmp(d->key, key) != 0 || !json_equal(d->body, body))
            continue;
        /* Refused before the lookup: authentication, permission, the shape of the body. */
        bool before_lookup = r->status == 401 || r->status == 403 || r->status == 422;
        if (!before_lookup &&
            (r->status != d->status || r->reply_len != d->reply_len ||
             memcmp(r->reply_body ? r->reply_body : "", d->reply, d->reply_len) != 0 ||
             reply_header(r, "Idempotent-Replayed") == NULL))
            fail(r, "a repeated Idempotency-Key request that is not the stored reply");
        json_decref(body);
        return;
    }
    if (r->status >= 200 && r->status < 300 && ndone < MAX_REQUESTS) {
        struct idem_done *d = &done[ndone++];
        snprintf(d->user_id, sizeof(d->user_id), "%s", r->user_id);
        d->method = strdup(r->method);
        d->path = strdup(r->path);
        d->key = strdup(key);
        d->reply = malloc(r->reply_len + 1);
        memcpy(d->reply, r->reply_body ? r->reply_body : "", r->reply_len);
        d->reply_len = r->reply_len;
        d->status = r->status;
        d->body = json_incref(body);
    }
    json_decref(body);
}

/* --- one input -------------------------------------------------------------------------- */

/* The request text with its markers replaced; NULL when it would grow past MAX_EXPANDED. */
static char *expand(const uint8_t *data, size_t size, size_t *out_len)
{
    char *out = malloc(MAX_EXPANDED);
    size_t w = 0;

    for (size_t i = 0; i < size; i++) {
        const char *value = NULL;
        size_t skip = 0;
        if (data[i] == '$' && i + 1 < size) {
            if (data[i + 1] == 'p' || data[i + 1] == 'x') {
                value = data[i + 1] == 'x' ? next_cursor
                        : nhistory > 0     ? history[nhistory - 1]
                                           : "";
                skip = 1;
            } else if (data[i + 1] == 'h' && i + 2 < size && data[i + 2] >= '0' &&
                       data[i + 2] < '0' + MAX_HISTORY) {
                value = data[i + 2] - '0' < nhistory ? history[data[i + 2] - '0'] : "";
                skip = 2;
            } else if (i + 2 < size) {
                for (int k = 0; k < nids; k++)
                    if (ids[k].name[0] == data[i + 1] && ids[k].name[1] == data[i + 2]) {
                        value = ids[k].value;
                        skip = 2;
                        break;
                    }
            }
        }
        size_t n = value ? strlen(value) : 1;
        if (w + n > MAX_EXPANDED) {
            free(out);
            return NULL;
        }
        if (value != NULL) {
            memcpy(out + w, value, n);
            i += skip;
        } else {
            out[w] = (char)data[i];
        }
        w += n;
    }
    *out_len = w;
    return out;
}

static void remember_ids(const struct http_req *r)
{
    json_t *doc = r->reply_body && is_json_type(r->content_type)
                      ? json_loadb(r->reply_body, r->reply_len, 0, NULL)
                      : NULL;
    const char *id = json_string_value(json_object_get(doc, "id"));
    const char *cursor = json_string_value(json_object_get(doc, "next_cursor"));

    if (cursor != NULL)
        snprintf(next_cursor, sizeof(next_cursor), "%s", cursor);

    if (id != NULL && nhistory < MAX_HISTORY)
        snprintf(history[nhistory++], sizeof(history[0]), "%s", id);
    else if (id != NULL) /* full: $p still follows the latest */
        snprintf(history[MAX_HISTORY - 1], sizeof(history[0]), "%s", id);
    json_decref(doc);
}

/* One request of the input: "METHOD TARGET\nheaders\n\nbody". */
static void one(const char *text, size_t n)
{
    const char *eol = memchr(text, '\n', n);
    size_t line_len = eol ? (size_t)(eol - text) : n;
    const char *sp = memchr(text, ' ', line_len);
    size_t method_len = sp ? (size_t)(sp - text) : line_len;
    const char *target = sp ? sp + 1 : "/";
    size_t target_len = sp ? line_len - method_len - 1 : 1;
    const char *headers = eol ? eol + 1 : text + n;
    size_t rest = (size_t)(text + n - headers);
    const char *blank = NULL;

    for (size_t i = 0; i + 1 < rest && blank == NULL; i++)
        if (headers[i] == '\n' && headers[i + 1] == '\n')
            blank = headers + i;
    size_t headers_len = blank ? (size_t)(blank - headers) : rest;
    const char *body = blank ? blank + 2 : headers + rest;
    size_t body_len = (size_t)(text + n - body);
    struct http_req r;

    /* A request line with a space, CR or NUL in the target is not one libmicrohttpd passes on. */
    if (memchr(target, '\r', target_len) || memchr(target, '\0', target_len) ||
        memchr(target, ' ', target_len) || method_len == 0)
        return;
    run_request(&r, text, method_len, target, target_len, headers, headers_len, body, body_len);
    if (trace)
        fprintf(stderr, "%s %s -> %d %.*s\n", r.method, r.path, r.status,
                (int)(r.reply_len < 300 ? r.reply_len : 300), r.reply_body ? r.reply_body : "");
    if (r.replied) {
        check_reply(&r);
        check_idempotency(&r);
        remember_ids(&r);
    }
    http_req_free(&r);
}

/* Where the next request separator starts, or NULL. */
static const char *find_sep(const char *p, size_t n, const char *sep, size_t sep_len)
{
    for (size_t i = 0; i + sep_len <= n; i++)
        if (memcmp(p + i, sep, sep_len) == 0)
            return p + i;
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char sep[] = "\n~~~\n";
    const char *p = (const char *)data;
    const char *end = p + size;

    restore_db();
    api_module_cache_clear();
    api_auth_login_limits_reset(&cfg);
    nhistory = 0;
    next_cursor[0] = '\0';
    for (int i = 0; i < MAX_REQUESTS; i++) {
        const char *next = find_sep(p, (size_t)(end - p), sep, sizeof(sep) - 1);
        size_t n = next ? (size_t)(next - p) : (size_t)(end - p);
        size_t len;
        /* Expanded one at a time: $p is the id of the reply just before. */
        char *text = expand((const uint8_t *)p, n, &len);
        if (text == NULL)
            break;
        one(text, len);
        free(text);
        if (next == NULL)
            break;
        p = next + sizeof(sep) - 1;
    }
    idem_forget();
    return 0;
}
