/*
 * Security review tests (docs/SECURITY.md, OWASP API Security Top 10, 2023): authentication
 * (token randomness and storage, expiry on the server's clock, revocation by a password reset,
 * the rate limit's window, equal work for known and unknown emails), resource limits of bodies
 * and pages, SSRF (media URLs are stored, never fetched) and injection (SQL metacharacters in
 * every query parameter and path id, wildcards taken literally, CR/LF never splitting a log
 * line). Object-level authorisation is test_authz_matrix.c; mass assignment
 * test_mass_assignment.c.
 */
#define _GNU_SOURCE /* strcasestr */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "support/modules.h"
#include "support/prom.h"
#include "support/store.h"
#include "util/crypto.h"

static struct ts_server srv;
static char clock_dir[256], clock_path[290];

/* Shifts the server's clock by `seconds` from now on (FAULT_CLOCK_FILE, README). */
static void shift_clock(long seconds)
{
    char text[32];
    snprintf(text, sizeof(text), "%+ld", seconds);
    ts_write_file_atomic(clock_path, text);
}

static void start_tokens(void)
{
    char env_clock[400];
    ts_scratch_dir(clock_dir, sizeof(clock_dir), "clock");
    snprintf(clock_path, sizeof(clock_path), "%s/now", clock_dir);
    shift_clock(0);
    snprintf(env_clock, sizeof(env_clock), "FAULT_CLOCK_FILE=%s", clock_path);
    const char *env[] = {env_clock, "TOKEN_TTL_SECONDS=3600", "LOGIN_RATE_LIMIT=3",
                         "LOGIN_RATE_WINDOW_SECONDS=60", NULL};
    ts_server_start(&srv, env);
}

static void stop_tokens(void)
{
    cr_assert_eq(ts_server_stop(&srv), 0);
    unlink(clock_path);
    rmdir(clock_dir);
}

static void start(void)
{
    static const char *const env[] = {"LOGIN_RATE_LIMIT=1000", NULL};
    ts_server_start(&srv, env);
}

static void stop(void)
{
    cr_assert_eq(ts_server_stop(&srv), 0);
}

TestSuite(tokens, .init = start_tokens, .fini = stop_tokens, .timeout = 120);
TestSuite(security, .init = start, .fini = stop, .timeout = 120);

static long get_me(const char *token)
{
    char auth[200];
    struct ts_resp r;
    snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
    const char *const h[] = {auth, NULL};
    ts_http(&srv, "GET", "/api/v1/users/me", h, NULL, &r);
    long status = r.status;
    if (status == 401) {
        ts_assert_json(&r, "{\"detail\":\"Could not validate credentials\"}");
        cr_assert_str_eq(ts_header(&r, "WWW-Authenticate"), "Bearer");
    }
    ts_resp_free(&r);
    return status;
}

/* --- API2: tokens ----------------------------------------------------------------------- */

#define NTOKENS 24
#define TOKEN_ALPHABET "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

Test(tokens, tokens_carry_256_random_bits_and_only_their_hash_is_stored)
{
    struct ts_user u;
    static char tokens[NTOKENS][128];
    ts_learner(&srv, &u);
    snprintf(tokens[0], sizeof(tokens[0]), "%s", u.token);
    for (int i = 1; i < NTOKENS; i++)
        cr_assert_eq(ts_login(&srv, u.email, "password123", tokens[i]), 200);

    /* "tsk_" + 43 base64url characters = 258 bits of encoding for 32 random bytes (≥ 128). */
    bool used[256] = {false};
    int distinct_chars = 0;
    for (int i = 0; i < NTOKENS; i++) {
        const char *t = tokens[i];
        cr_assert_eq(strncmp(t, "tsk_", 4), 0, "%s", t);
        cr_assert_eq(strlen(t), 47u, "%s", t);
        cr_assert_eq(strspn(t + 4, TOKEN_ALPHABET), 43u, "%s", t);
        for (const char *c = t + 4; *c != '\0'; c++) {
            distinct_chars += !used[(unsigned char)*c];
            used[(unsigned char)*c] = true;
        }
        /* Distinct, and no two share even 6 leading random characters (36 bits): a counter or
         * a clock inside the token would. */
        for (int j = 0; j < i; j++)
            cr_assert_neq(strncmp(t, tokens[j], 4 + 6), 0, "%s and %s", t, tokens[j]);
        cr_assert_eq(get_me(t), 200);
    }
    /* 24 × 42 characters drawn uniformly from 64 miss one with probability < 2^-20. */
    cr_assert_geq(distinct_chars, 63, "only %d of 64 characters used", distinct_chars);

    /* The database: one row per token, keyed by its SHA-256, never the token itself. */
    struct ts_store st;
    struct db_res *res = NULL;
    ts_store_attach(&st, &srv);
    cr_assert_eq(db_query(st.conn, "SELECT * FROM tokens WHERE user_id = $1",
                          DB_PARAMS(DB_P_TEXT(u.id)), &res),
                 0);
    cr_assert_eq(res->nrows, NTOKENS);
    for (int i = 0; i < NTOKENS; i++) {
        char hash[CRYPTO_TOKEN_HASH_LEN];
        crypto_token_hash(tokens[i], hash);
        int found = 0;
        for (int row = 0; row < res->nrows; row++)
            for (int col = 0; col < res->ncols; col++) {
                const char *cell = db_text(res, row, col);
                if (cell == NULL)
                    continue;
                cr_assert_null(strstr(cell, tokens[i] + 4), "token stored in clear");
                found += strcmp(cell, hash) == 0;
            }
        cr_assert_eq(found, 1, "hash of token %d stored %d times", i, found);
        cr_assert_eq(strspn(hash, "0123456789abcdef"), 64u);
    }
    db_res_free(res);
    ts_store_close(&st);
}

Test(tokens, tokens_expire_after_the_ttl_on_the_servers_clock)
{
    struct ts_user u;
    ts_learner(&srv, &u);
    cr_assert_eq(get_me(u.token), 200);
    shift_clock(3500);
    cr_assert_eq(get_me(u.token), 200, "still inside TOKEN_TTL_SECONDS=3600");
    shift_clock(3601);
    cr_assert_eq(get_me(u.token), 401, "past TOKEN_TTL_SECONDS");
    /* A new login on the moved clock works, and expires 3600 s after it. */
    char token[128];
    cr_assert_eq(ts_login(&srv, u.email, "password123", token), 200);
    cr_assert_eq(get_me(token), 200);
    shift_clock(3601 + 3601);
    cr_assert_eq(get_me(token), 401);
}

Test(tokens, a_password_reset_revokes_every_token_of_the_user)
{
    struct ts_user u;
    char token2[128], url[600];
    ts_learner(&srv, &u);
    cr_assert_eq(ts_login(&srv, u.email, "password123", token2), 200);
    snprintf(url, sizeof(url), "DATABASE_URL=%s", srv.database_url);
    const char *env[] = {url, "TRAINSMART_ADMIN_PASSWORD=another-secret", NULL};
    const char *args[] = {"create-admin", "--email", u.email, NULL};
    cr_assert_eq(ts_run_cli(args, env, NULL, NULL), 0);
    cr_assert_eq(get_me(u.token), 401, "a token issued before the reset");
    cr_assert_eq(get_me(token2), 401, "every one");
    char token[128];
    cr_assert_eq(ts_login(&srv, u.email, "another-secret", token), 200);
    cr_assert_eq(get_me(token), 200);
}

static double verifications(void)
{
    struct ts_resp r;
    char err[256];
    ts_http(&srv, "GET", "/metrics", NULL, NULL, &r);
    cr_assert_eq(r.status, 200);
    struct ts_prom *p = ts_prom_parse(r.body, err, sizeof(err));
    cr_assert_not_null(p, "%s", err);
    double v = 0;
    cr_assert(ts_prom_get(p, "trainsmart_password_verifications_total", NULL, &v));
    ts_prom_free(p);
    ts_resp_free(&r);
    return v;
}

/* POST `body` to `path` as `u` (NULL: anonymous); the status (the reply stays in *r). */
static long post(const struct ts_user *u, const char *path, const char *body, struct ts_resp *r)
{
    ts_as(&srv, u, "POST", path, body, r);
    return r->status;
}

static long login_body(const char *body, struct ts_resp *r)
{
    return post(NULL, "/api/v1/auth/login", body, r);
}

Test(tokens, the_rate_limit_costs_no_hashing_and_ends_with_its_window)
{
    struct ts_user u;
    struct ts_resp r;
    ts_learner(&srv, &u);
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(login_body("{\"email\":\"nobody@example.com\",\"password\":\"x\"}", &r), 401);
        ts_resp_free(&r);
    }
    double before = verifications();
    char body[256];
    snprintf(body, sizeof(body), "{\"email\":\"%s\",\"password\":\"password123\"}", u.email);
    cr_assert_eq(login_body(body, &r), 429);
    ts_resp_free(&r);
    cr_assert_eq(verifications(), before, "a refused login verifies no password");
    shift_clock(61);
    cr_assert_eq(login_body(body, &r), 200, "the window has passed: %s", r.body);
    ts_resp_free(&r);
}

/*
 * Equal work (§4: unknown email, wrong password and inactive user are one answer): each login
 * that reaches the credentials runs exactly one argon2id verification, whether the email
 * exists or not, counted by trainsmart_password_verifications_total. A wall clock would only
 * measure the machine; this counts the work itself.
 */
Test(security, login_does_one_verification_for_known_and_unknown_emails_alike)
{
    struct ts_user u, gone;
    struct ts_resp r;
    char sql[160], body[256];
    ts_learner(&srv, &u);
    ts_learner(&srv, &gone);
    snprintf(sql, sizeof(sql), "UPDATE users SET active = false WHERE id = '%s'", gone.id);
    ts_sql(&srv, sql);

    struct {
        const char *email, *password;
        long status;
    } cases[] = {
        {"unknown@example.com", "password123", 401},
        {"Unknown@Example.com", "wrong-pass", 401},
        {u.email, "wrong-pass", 401},
        {gone.email, "password123", 401},
        {u.email, "password123", 200},
    };
    char *first_body = NULL;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        double before = verifications();
        snprintf(body, sizeof(body), "{\"email\":\"%s\",\"password\":\"%s\"}", cases[i].email,
                 cases[i].password);
        cr_assert_eq(login_body(body, &r), cases[i].status, "%s: %s", cases[i].email, r.body);
        if (cases[i].status == 401) { /* the same answer, byte for byte */
            cr_assert_str_eq(ts_header(&r, "WWW-Authenticate"), "Bearer");
            if (first_body == NULL)
                first_body = strdup(r.body);
            cr_assert_str_eq(r.body, first_body);
        }
        ts_resp_free(&r);
        cr_assert_eq(verifications(), before + 1, "%s / %s: %g verifications", cases[i].email,
                     cases[i].password, verifications() - before);
    }
    free(first_body);
    /* A body refused before the credentials (422) verifies nothing. */
    double before = verifications();
    cr_assert_eq(login_body("{\"email\":\"a@example.com\"}", &r), 422);
    ts_resp_free(&r);
    cr_assert_eq(verifications(), before);
}

/* --- API4: resource consumption ----------------------------------------------------------- */

/* `{"title":"t","flow_type":"linear","x":` + depth-1 nested arrays + `}`: a body of nesting
 * `depth` (the body object is level 1). */
static char *nested_body(int depth)
{
    size_t n = (size_t)depth * 2 + 64;
    char *b = malloc(n), *p = b;
    p += sprintf(p, "{\"title\":\"t\",\"flow_type\":\"linear\",\"x\":");
    for (int i = 1; i < depth; i++)
        *p++ = '[';
    for (int i = 1; i < depth; i++)
        *p++ = ']';
    strcpy(p, "}");
    return b;
}

static long post_module(const struct ts_user *u, const char *body, struct ts_resp *r)
{
    return post(u, "/api/v1/modules", body, r);
}

Test(security, json_nesting_over_32_levels_is_400)
{
    struct ts_user admin;
    struct ts_resp r;
    ts_admin(&srv, &admin);
    int depths[] = {32, 33, 2000, 100000};
    for (size_t i = 0; i < sizeof(depths) / sizeof(depths[0]); i++) {
        char *body = nested_body(depths[i]);
        long status = post_module(&admin, body, &r);
        if (depths[i] <= 32) {
            cr_assert_eq(status, 201, "depth %d: %s", depths[i], r.body);
        } else {
            cr_assert_eq(status, 400, "depth %d: %ld %s", depths[i], status, r.body);
            ts_assert_json(&r, "{\"detail\":\"Malformed JSON\"}");
        }
        ts_resp_free(&r);
        free(body);
    }
}

/* A module body with `keys` extra top-level members, or one extra member holding an array of
 * `values` integers. */
static char *wide_body(int keys, int values)
{
    char *b = malloc((size_t)keys * 16 + (size_t)values * 2 + 128), *p = b;
    p += sprintf(p, "{\"title\":\"t\",\"flow_type\":\"linear\"");
    for (int i = 0; i < keys; i++)
        p += sprintf(p, ",\"k%d\":1", i);
    if (values > 0) {
        p += sprintf(p, ",\"v\":[");
        for (int i = 0; i < values; i++)
            p += sprintf(p, i ? ",1" : "1");
        *p++ = ']';
    }
    strcpy(p, "}");
    return b;
}

Test(security, json_objects_over_1000_keys_and_bodies_over_20000_values_are_413)
{
    struct ts_user admin;
    struct ts_resp r;
    ts_admin(&srv, &admin);
    struct {
        int keys, values;
        long status;
    } cases[] = {
        {998, 0, 201},                           /* 1000 members with title and flow_type */
        {999, 0, 413},                           /* 1001 */
        {200000 / 16, 0, 413}, {0, 19990, 201},  /* 19994 values in all */
        {0, 20000, 413},       {0, 400000, 413}, /* 800 KB of "1," */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *body = wide_body(cases[i].keys, cases[i].values);
        cr_assert_lt(strlen(body), 1048576u);
        long status = post_module(&admin, body, &r);
        cr_assert_eq(status, cases[i].status, "%d keys, %d values: %ld %s", cases[i].keys,
                     cases[i].values, status, r.status == 413 ? "" : r.body);
        if (status == 413)
            ts_assert_json(&r, "{\"detail\":\"Request Entity Too Large\"}");
        ts_resp_free(&r);
        free(body);
    }
}

/* Whether operation `op` takes query parameter `name`. */
static bool has_query(json_t *op, const char *name)
{
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(op, "parameters"), i, p)
    {
        if (strcmp(json_string_value(json_object_get(p, "in")), "query") == 0 &&
            strcmp(json_string_value(json_object_get(p, "name")), name) == 0)
            return true;
    }
    return false;
}

/* `tmpl` with {module_id} replaced by `mid` and any other {x_id} by `other`. */
static void fill_path(const char *tmpl, const char *mid, const char *other, char *out, size_t size)
{
    size_t n = 0;
    while (*tmpl != '\0' && n + 40 < size) {
        if (*tmpl == '{') {
            const char *end = strchr(tmpl, '}');
            bool module = strncmp(tmpl, "{module_id}", 11) == 0;
            n += (size_t)snprintf(out + n, size - n, "%s", module ? mid : other);
            tmpl = end + 1;
        } else {
            out[n++] = *tmpl++;
        }
    }
    out[n] = '\0';
}

Test(security, every_paginated_route_caps_limit_at_100)
{
    struct ts_user admin;
    char mid[STR_UUID_SIZE], qid[STR_UUID_SIZE], path[300], url[400];
    ts_admin(&srv, &admin);
    ts_linear_module(&srv, &admin, mid, qid);
    json_t *paths = ts_openapi_paths(&srv), *ops, *op;
    const char *tmpl, *method;
    int routes = 0;
    json_object_foreach(paths, tmpl, ops)
    {
        json_object_foreach(ops, method, op)
        {
            if (!has_query(op, "limit"))
                continue;
            fill_path(tmpl, mid, qid, path, sizeof(path));
            struct {
                const char *limit, *type;
            } cases[] = {{"100", NULL},
                         {"101", "less_than_equal"},
                         {"0", "greater_than_equal"},
                         {"100000000000000000000", "int_parsing"}};
            for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct ts_resp r;
                snprintf(url, sizeof(url), "%s?limit=%s", path, cases[i].limit);
                ts_as(&srv, &admin, "GET", url, NULL, &r);
                if (cases[i].type == NULL)
                    cr_assert_eq(r.status, 200, "%s: %s", url, r.body);
                else
                    cr_assert(r.status == 422 &&
                                  ts_has_error(&r, "[\"query\",\"limit\"]", cases[i].type),
                              "%s: %ld %s", url, r.status, r.body);
                ts_resp_free(&r);
            }
            routes++;
        }
    }
    json_decref(paths);
    cr_assert_eq(routes, 8, "API.md §2 marks 8 endpoints paginated; %d take limit", routes);
}

/* --- API7: server-side request forgery ---------------------------------------------------- */

Test(security, media_urls_are_stored_and_never_fetched)
{
    /* A canary the server would have to connect to if it fetched a media URL. */
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof(a);
    cr_assert_eq(bind(lfd, (struct sockaddr *)&a, sizeof(a)), 0);
    cr_assert_eq(listen(lfd, 16), 0);
    cr_assert_eq(getsockname(lfd, (struct sockaddr *)&a, &alen), 0);
    int port = ntohs(a.sin_port);

    struct ts_user author, learner;
    char admin_mid[STR_UUID_SIZE], sid[STR_UUID_SIZE], body[600], path[200];
    struct ts_resp r;
    ts_admin(&srv, &author);
    ts_learner(&srv, &learner);
    ts_module(&srv, &author, "{\"title\":\"Media\",\"flow_type\":\"linear\"}", admin_mid);
    snprintf(body, sizeof(body),
             "{\"type\":\"content\",\"title\":\"Media\",\"content\":{\"body\":\"b\",\"media\":["
             "{\"type\":\"image\",\"url\":\"http://127.0.0.1:%d/canary.png\",\"alt\":\"\"},"
             "{\"type\":\"video\",\"url\":\"https://127.0.0.1:%d/canary.mp4\"}]}}",
             port, port);
    ts_screen(&srv, &author, admin_mid, body, sid);
    ts_publish(&srv, &author, admin_mid);
    snprintf(path, sizeof(path), "/api/v1/modules/%s/screens", admin_mid);
    ts_as(&srv, &learner, "GET", path, NULL, &r);
    cr_assert_eq(r.status, 200);
    char want[80];
    snprintf(want, sizeof(want), "http://127.0.0.1:%d/canary.png", port);
    cr_assert_not_null(strstr(r.body, want), "stored as sent: %s", r.body);
    ts_resp_free(&r);
    snprintf(path, sizeof(path), "/api/v1/modules/%s/copy", admin_mid);
    ts_as(&srv, &author, "POST", path, NULL, &r);
    cr_assert_eq(r.status, 201);
    ts_resp_free(&r);

    /* Only http(s) is taken at all. */
    const char *bad[] = {"file:///etc/passwd", "gopher://127.0.0.1:25/", "ftp://example.com/a",
                         "//127.0.0.1/x", "javascript:alert(1)"};
    char mid[STR_UUID_SIZE];
    ts_module(&srv, &author, "{\"title\":\"Bad\",\"flow_type\":\"linear\"}", mid);
    snprintf(path, sizeof(path), "/api/v1/modules/%s/screens", mid);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        snprintf(body, sizeof(body),
                 "{\"type\":\"content\",\"title\":\"M\",\"content\":{\"body\":\"b\",\"media\":["
                 "{\"type\":\"image\",\"url\":\"%s\"}]}}",
                 bad[i]);
        ts_as(&srv, &author, "POST", path, body, &r);
        cr_assert_eq(r.status, 422, "%s: %s", bad[i], r.body);
        cr_assert(ts_has_error(&r, "[\"body\",\"content\",\"media\",0,\"url\"]", "value_error"),
                  "%s", r.body);
        ts_resp_free(&r);
    }

    struct pollfd pfd = {.fd = lfd, .events = POLLIN};
    cr_assert_eq(poll(&pfd, 1, 200), 0, "the server connected to a media URL");
    close(lfd);
}

/* --- API8/API10: injection ---------------------------------------------------------------- */

static const char *const payloads[] = {
    "'",
    "\"",
    "--",
    ";",
    "%",
    "_",
    "\\",
    "' OR '1'='1",
    "1; DROP TABLE users; --",
    "') OR 1=1 --",
    "\" OR \"\"=\"",
    "*",
    "$1",
    "ünï€ 😀",
    "%00",
    "a%b_c\\d",
    "1e999",
    "-1",
};
#define NPAYLOADS (sizeof(payloads) / sizeof(payloads[0]))

/* Percent-encodes everything but unreserved characters. */
static void url_encode(const char *s, char *out, size_t size)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0' && n + 4 < size; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~", *p) != NULL) {
            out[n++] = (char)*p;
        } else {
            out[n++] = '%';
            out[n++] = hex[*p >> 4];
            out[n++] = hex[*p & 15];
        }
    }
    out[n] = '\0';
}

/* r is a 422 with exactly one item, at `loc` (JSON text). */
static void assert_only_error_at(const struct ts_resp *r, const char *loc, const char *what)
{
    json_t *detail = json_object_get(r->json, "detail");
    cr_assert_eq(json_array_size(detail), 1u, "%s: %s", what, r->body);
    json_t *want = json_loads(loc, 0, NULL);
    cr_assert(json_equal(json_object_get(json_array_get(detail, 0), "loc"), want), "%s: %s", what,
              r->body);
    json_decref(want);
}

Test(security, metacharacters_in_every_query_parameter_are_200_or_422_at_that_parameter,
     .timeout = 180)
{
    struct ts_user admin;
    char mid[STR_UUID_SIZE], qid[STR_UUID_SIZE], path[300], url[600], enc[200];
    ts_admin(&srv, &admin);
    ts_linear_module(&srv, &admin, mid, qid);
    json_t *paths = ts_openapi_paths(&srv), *ops, *op;
    const char *tmpl, *method;
    int tried = 0;
    json_object_foreach(paths, tmpl, ops)
    {
        json_object_foreach(ops, method, op)
        {
            /* The stream stays open; its parameters are test_stream.c's. */
            if (strcmp(method, "get") != 0 || strstr(tmpl, "/stream") != NULL)
                continue;
            fill_path(tmpl, mid, qid, path, sizeof(path));
            size_t i;
            json_t *p;
            json_array_foreach(json_object_get(op, "parameters"), i, p)
            {
                if (strcmp(json_string_value(json_object_get(p, "in")), "query") != 0)
                    continue;
                const char *name = json_string_value(json_object_get(p, "name"));
                char loc[120];
                snprintf(loc, sizeof(loc), "[\"query\",\"%s\"]", name);
                for (size_t k = 0; k < NPAYLOADS; k++) {
                    struct ts_resp r;
                    url_encode(payloads[k], enc, sizeof(enc));
                    snprintf(url, sizeof(url), "%s?%s=%s", path, name, enc);
                    ts_as(&srv, &admin, "GET", url, NULL, &r);
                    cr_assert(r.status == 200 || r.status == 422, "%s: %ld %s", url, r.status,
                              r.body);
                    if (r.status == 422)
                        assert_only_error_at(&r, loc, url);
                    ts_resp_free(&r);
                    tried++;
                }
            }
        }
    }
    json_decref(paths);
    cr_assert_gt(tried, 20 * (int)NPAYLOADS);
}

Test(security, metacharacters_in_every_path_id_are_422_uuid_parsing, .timeout = 180)
{
    struct ts_user admin;
    char mid[STR_UUID_SIZE], qid[STR_UUID_SIZE], enc[200], url[600];
    ts_admin(&srv, &admin);
    ts_linear_module(&srv, &admin, mid, qid);
    json_t *paths = ts_openapi_paths(&srv), *ops, *op;
    const char *tmpl, *method;
    json_object_foreach(paths, tmpl, ops)
    {
        if (strchr(tmpl, '{') == NULL)
            continue;
        json_object_foreach(ops, method, op)
        {
            char verb[8];
            snprintf(verb, sizeof(verb), "%s", method);
            for (char *c = verb; *c; c++)
                *c = (char)(*c - 'a' + 'A');
            for (size_t k = 0; k < NPAYLOADS; k++) {
                struct ts_resp r;
                url_encode(payloads[k], enc, sizeof(enc));
                /* The last id of the path gets the payload; earlier ones are real. */
                const char *last = strrchr(tmpl, '{');
                char prefix[300], head[300];
                snprintf(prefix, sizeof(prefix), "%.*s", (int)(last - tmpl), tmpl);
                fill_path(prefix, mid, qid, head, sizeof(head));
                const char *rest = strchr(last, '}') + 1;
                snprintf(url, sizeof(url), "%s%s%s", head, enc, rest);
                ts_as(&srv, &admin, verb, url, "{}", &r);
                cr_assert_eq(r.status, 422, "%s %s: %ld %s", verb, url, r.status, r.body);
                char param[64], loc[100];
                snprintf(param, sizeof(param), "%.*s", (int)(strchr(last, '}') - last - 1),
                         last + 1);
                snprintf(loc, sizeof(loc), "[\"path\",\"%s\"]", param);
                cr_assert(ts_has_error(&r, loc, "uuid_parsing"), "%s %s: %s", verb, url, r.body);
                ts_resp_free(&r);
            }
        }
    }
    json_decref(paths);
}

/* How many items GET `path` lists. */
static size_t count_items(const struct ts_user *u, const char *path)
{
    struct ts_resp r;
    ts_as(&srv, u, "GET", path, NULL, &r);
    cr_assert_eq(r.status, 200, "%s: %s", path, r.body);
    size_t n = json_array_size(json_object_get(r.json, "items"));
    ts_resp_free(&r);
    return n;
}

Test(security, search_takes_wildcards_and_quotes_literally_and_strings_round_trip)
{
    struct ts_user admin;
    struct ts_resp r;
    char enc[200], path[400];
    ts_admin(&srv, &admin);
    /* Titles each holding one metacharacter, behind a common tag; and their round trip. */
    for (size_t k = 0; k < NPAYLOADS; k++) {
        json_t *b = json_pack("{s:s+,s:s,s:s}", "title", "zq-", payloads[k], "flow_type", "linear",
                              "description", payloads[k]);
        char *text = json_dumps(b, JSON_COMPACT);
        ts_as(&srv, &admin, "POST", "/api/v1/modules", text, &r);
        cr_assert_eq(r.status, 201, "%s: %s", text, r.body);
        cr_assert_str_eq(json_string_value(json_object_get(r.json, "description")), payloads[k]);
        free(text);
        json_decref(b);
        ts_resp_free(&r);
    }
    url_encode("zq-", enc, sizeof(enc));
    snprintf(path, sizeof(path), "/api/v1/modules?limit=100&q=%s", enc);
    cr_assert_eq(count_items(&admin, path), NPAYLOADS);
    /* Each metacharacter matches only the titles that contain it literally. */
    for (size_t k = 0; k < NPAYLOADS; k++) {
        size_t want = 0;
        for (size_t j = 0; j < NPAYLOADS; j++)
            want += strstr(payloads[j], payloads[k]) != NULL;
        char q[200];
        snprintf(q, sizeof(q), "zq-%s", payloads[k]);
        url_encode(q, enc, sizeof(enc));
        snprintf(path, sizeof(path), "/api/v1/modules?limit=100&q=%s", enc);
        /* Substring of "zq-<payload>": titles starting with it. */
        want = 0;
        for (size_t j = 0; j < NPAYLOADS; j++)
            want += strncmp(payloads[j], payloads[k], strlen(payloads[k])) == 0;
        cr_assert_eq(count_items(&admin, path), want, "q=%s", q);
        url_encode(payloads[k], enc, sizeof(enc));
        snprintf(path, sizeof(path), "/api/v1/users?limit=100&q=%s", enc);
        cr_assert_eq(count_items(&admin, path), 0u, "users q=%s", payloads[k]);
    }
    /* A lone % or _ is not "any string" / "any character". */
    snprintf(path, sizeof(path), "/api/v1/modules?limit=100&q=%%25");
    cr_assert_eq(count_items(&admin, path), 3u, "%% matches %%, %%00 and a%%b_c\\d only");
    snprintf(path, sizeof(path), "/api/v1/modules?limit=100&q=_");
    cr_assert_eq(count_items(&admin, path), 2u);
}

/* --- API10 / logs: CR and LF never split a log line ---------------------------------------- */

Test(security, cr_and_lf_in_inputs_never_split_a_log_line)
{
    struct ts_user u;
    struct ts_resp r;
    ts_learner(&srv, &u);
    /* Encoded in the path and the query, escaped in JSON bodies, in headers. */
    ts_as(&srv, &u, "GET", "/api/v1/modules/%0d%0a%7B%22level%22%3A%22error%22%7D", NULL, &r);
    ts_resp_free(&r);
    ts_as(&srv, &u, "GET", "/api/v1/modules?q=a%0d%0b%0a%7B%7D&status=x%0a", NULL, &r);
    ts_resp_free(&r);
    ts_as(&srv, NULL, "GET", "/nowhere%0d%0aforged", NULL, &r);
    ts_resp_free(&r);
    ts_as(&srv, NULL, "POST", "/api/v1/auth/login",
          "{\"email\":\"x\\r\\n{\\\"msg\\\":\\\"forged\\\"}@e.com\",\"password\":\"p\\n\"}", &r);
    ts_resp_free(&r);
    ts_as(&srv, NULL, "POST", "/api/v1/auth/register",
          "{\"email\":\"a\\nb@e.com\",\"password\":\"password123\",\"display_name\":\"a\\r\\nb\"}",
          &r);
    ts_resp_free(&r);
    const char *const h[] = {"X-Request-ID: a\tb", "traceparent: 00-\x7f", "User-Agent: x\x01y",
                             NULL};
    ts_http(&srv, "GET", "/healthz", h, NULL, &r);
    ts_resp_free(&r);
    /* A folded header line and a bare LF inside a request, on a raw socket. */
    const char raw[] = "GET /api/v1/users/me HTTP/1.1\r\nHost: x\r\nX-Request-ID: abc\r\n"
                       " {\"forged\":1}\r\nAuthorization: Bearer x\ny\r\n\r\n";
    free(ts_raw(&srv, raw, sizeof(raw) - 1, 1000));
    ts_as(&srv, NULL, "GET", "/healthz", NULL, &r); /* still serving */
    cr_assert_eq(r.status, 200);
    ts_resp_free(&r);

    usleep(200 * 1000);
    char *log = ts_server_log(&srv);
    int lines = 0;
    for (char *line = strtok(log, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        json_error_t err;
        json_t *j = json_loads(line, 0, &err);
        cr_assert_not_null(j, "a log line that is not one JSON object: %s", line);
        cr_assert(json_is_object(j));
        cr_assert_null(strstr(line, "forged\":1"), "%s", line);
        json_decref(j);
        lines++;
    }
    cr_assert_gt(lines, 8);
    free(log);
}

/* --- API4: connection limits -------------------------------------------------------------- */

#define HEALTHZ "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"

/* Whether a new connection is served /healthz, trying for up to 3 s (the server notices a
 * closed connection through epoll, a moment after the close). */
static bool served_within(const struct ts_server *s, bool want)
{
    for (int i = 0; i < 30; i++) {
        static const char req[] = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        char *got = ts_raw(s, req, sizeof(req) - 1, 2000);
        bool ok = strncmp(got, "HTTP/1.1 200", 12) == 0;
        free(got);
        if (ok == want)
            return true;
        usleep(100 * 1000);
    }
    return false;
}

/* Sends /healthz on the open connection `fd` and reads its whole reply (headers and
 * Content-Length bytes), waiting up to 10 s; the connection stays open. True for a 200. */
static bool healthz_on(int fd)
{
    char buf[4096];
    size_t n = 0;
    if (write(fd, HEALTHZ, strlen(HEALTHZ)) != (ssize_t)strlen(HEALTHZ))
        return false;
    for (int waited = 0; waited < 10000 && n + 1 < sizeof(buf);) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 100) <= 0) {
            waited += 100;
            continue;
        }
        ssize_t got = read(fd, buf + n, sizeof(buf) - 1 - n);
        if (got <= 0)
            break;
        n += (size_t)got;
        buf[n] = '\0';
        const char *end = strstr(buf, "\r\n\r\n"), *cl = strcasestr(buf, "Content-Length:");
        if (end != NULL && cl != NULL && n >= (size_t)(end + 4 - buf) + strtoul(cl + 15, NULL, 10))
            return strncmp(buf, "HTTP/1.1 200", 12) == 0;
    }
    return false;
}

/* Opens `n` keep-alive connections to `s` and has each served /healthz; true when all were.
 * A connection closed just before (the start's probes) still counts until libmicrohttpd's
 * thread has released it, a moment after the close: on a refusal all are closed and it tries
 * again, for up to 3 s. */
static bool open_served(const struct ts_server *s, int fds[], int n)
{
    for (int attempt = 0; attempt < 30; attempt++) {
        int i = 0;
        while (i < n && (fds[i] = ts_connect(s)) >= 0 && healthz_on(fds[i]))
            i++;
        if (i == n)
            return true;
        if (fds[i] >= 0)
            close(fds[i]);
        while (i-- > 0)
            close(fds[i]);
        usleep(100 * 1000);
    }
    return false;
}

/* With `env` capping connections at `cap`: `cap` open keep-alive connections are served, one
 * more is closed unanswered, and closing one lets the next in. */
static void assert_connection_cap(const char *const *env, int cap)
{
    struct ts_server s;
    int fds[64];
    ts_server_start(&s, env);
    cr_assert(open_served(&s, fds, cap), "%d connections were not served together", cap);
    cr_assert(served_within(&s, false), "connection %d beyond the cap of %d was served", cap + 1,
              cap);
    close(fds[0]);
    cr_assert(served_within(&s, true), "a connection after one closed was refused");
    for (int i = 1; i < cap; i++)
        close(fds[i]);
    cr_assert_eq(ts_server_stop(&s), 0);
}

Test(connections, per_ip_cap_closes_the_connection_over_it, .timeout = 60)
{
    static const char *const env[] = {"MAX_CONNECTIONS_PER_IP=4", NULL};
    assert_connection_cap(env, 4);
}

Test(connections, instance_cap_closes_the_connection_over_it, .timeout = 60)
{
    static const char *const env[] = {"MAX_CONNECTIONS=16", NULL};
    assert_connection_cap(env, 16);
}
