/*
 * The web app's static files (API.md §18): index.html for / and the client-side routes under
 * /app, the built files with their types, ETags and caching, precompressed siblings by
 * Accept-Encoding, the security headers, GET only, traversal, a missing WEB_DIR, and the API
 * beside it. Each test serves a folder it builds in its scratch directory, shaped like Vite's
 * output (web/dist); the sibling files hold known bytes, not real compressed data, since the
 * server sends them as they are.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "support/prom.h"
#include "support/server.h"
#include "util/crypto.h"

#define APP_CSP                                                                                    \
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "   \
    "connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; "             \
    "form-action 'self'"
#define IMMUTABLE "public, max-age=31536000, immutable"
#define NOT_FOUND "{\"detail\":\"Not Found\"}"

static const char index_html[] = "<!doctype html><html><head><script type=\"module\" "
                                 "src=\"/app/assets/app-1a2b3c.js\"></script></head>"
                                 "<body><div id=\"root\"></div></body></html>\n";
static const char index_gz[] = "GZIP-OF-INDEX";
static const char app_js[] = "export const app = 1;\n";
static const char app_js_gz[] = "GZIP-OF-APP-JS";
static const char app_js_br[] = "BROTLI-OF-APP-JS";
static const char style_css[] = "body{margin:0}\n";
static const char style_css_gz[] = "GZIP-OF-STYLE";
static const char favicon[] = "\x00\x00\x01\x00ICON";
static const char robots[] = "User-agent: *\nDisallow:\n";
static const char logo_svg[] = "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n";

static char scratch[200]; /* holds web/ (WEB_DIR) and secret.txt beside it */
static char web_dir[260];
static char web_env[300];
static struct ts_server srv;

static void put(const char *rel, const char *data, size_t len)
{
    char path[512];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", scratch, rel);
    f = fopen(path, "wb");
    cr_assert_not_null(f, "%s", path);
    cr_assert_eq(fwrite(data, 1, len, f), len);
    cr_assert_eq(fclose(f), 0);
}

#define PUT(rel, lit) put(rel, lit, sizeof(lit) - 1)

static void dir(const char *rel)
{
    char path[512];

    snprintf(path, sizeof(path), "%s/%s", scratch, rel);
    cr_assert_eq(mkdir(path, 0755), 0, "%s", path);
}

static void link_to(const char *target, const char *rel)
{
    char path[512];

    snprintf(path, sizeof(path), "%s/%s", scratch, rel);
    cr_assert_eq(symlink(target, path), 0, "%s", path);
}

/* A folder like Vite's dist/, plus what must never be served. */
static void build_fixture(void)
{
    ts_scratch_dir(scratch, sizeof(scratch), "webapp");
    snprintf(web_dir, sizeof(web_dir), "%s/web", scratch);
    snprintf(web_env, sizeof(web_env), "WEB_DIR=%s", web_dir);
    PUT("secret.txt", "outside the folder\n");
    dir("web");
    dir("web/assets");
    dir("web/icons");
    PUT("web/index.html", index_html);
    PUT("web/index.html.gz", index_gz);
    PUT("web/assets/app-1a2b3c.js", app_js);
    PUT("web/assets/app-1a2b3c.js.gz", app_js_gz);
    PUT("web/assets/app-1a2b3c.js.br", app_js_br);
    PUT("web/assets/style-9f8e.css", style_css);
    PUT("web/assets/style-9f8e.css.gz", style_css_gz);
    put("web/favicon.ico", favicon, sizeof(favicon) - 1);
    PUT("web/robots.txt", robots);
    PUT("web/icons/logo.svg", logo_svg);
    link_to("../../secret.txt", "web/assets/leak.js"); /* leaves the folder */
    link_to("../secret.txt", "web/leak.txt");          /* leaves the folder, outside assets */
    link_to("app-1a2b3c.js", "web/assets/alias.js");   /* stays inside: served */
}

static void remove_fixture(void)
{
    char rm[300];

    snprintf(rm, sizeof(rm), "rm -rf '%s'", scratch);
    cr_assert_eq(system(rm), 0);
}

static void start_app(void)
{
    const char *const env[] = {web_env, NULL};

    build_fixture();
    ts_server_start(&srv, env);
}

static void stop_app(void)
{
    cr_assert_eq(ts_server_stop(&srv), 0);
    remove_fixture();
}

TestSuite(webapp, .init = start_app, .fini = stop_app, .timeout = 60);

/* GET with optional Accept-Encoding and If-None-Match (NULL: not sent). */
static void get(const char *path, const char *ae, const char *inm, struct ts_resp *r)
{
    char h1[200], h2[200];
    const char *headers[3] = {NULL, NULL, NULL};
    int n = 0;

    if (ae != NULL) {
        snprintf(h1, sizeof(h1), "Accept-Encoding: %s", ae);
        headers[n++] = h1;
    }
    if (inm != NULL) {
        snprintf(h2, sizeof(h2), "If-None-Match: %s", inm);
        headers[n++] = h2;
    }
    ts_http(&srv, "GET", path, headers, NULL, r);
}

static void assert_security_headers(const struct ts_resp *r, const char *what)
{
    const char *csp = ts_header(r, "Content-Security-Policy");
    cr_assert(csp != NULL && strcmp(csp, APP_CSP) == 0, "%s: CSP %s", what, csp ? csp : "-");
    const char *v = ts_header(r, "X-Content-Type-Options");
    cr_assert(v != NULL && strcmp(v, "nosniff") == 0, "%s: nosniff", what);
    v = ts_header(r, "Referrer-Policy");
    cr_assert(v != NULL && strcmp(v, "no-referrer") == 0, "%s: Referrer-Policy", what);
    v = ts_header(r, "X-Frame-Options");
    cr_assert(v != NULL && strcmp(v, "DENY") == 0, "%s: X-Frame-Options", what);
}

static void assert_not_found(const struct ts_resp *r, const char *what)
{
    cr_assert_eq(r->status, 404, "%s: %ld %s", what, r->status, r->body);
    cr_assert_str_eq(ts_header(r, "Content-Type"), "application/json", "%s", what);
    ts_assert_json(r, NOT_FOUND);
}

/* The ETag of `len` bytes: the first 128 bits of their SHA-256, quoted. */
static void etag_of(const char *data, size_t len, char out[40])
{
    char hex[CRYPTO_SHA256_HEX_LEN];

    crypto_sha256_hex(data, len, hex);
    snprintf(out, 40, "\"%.32s\"", hex);
}

static void assert_header(const struct ts_resp *r, const char *name, const char *want,
                          const char *what)
{
    const char *v = ts_header(r, name);

    if (want == NULL)
        cr_assert_null(v, "%s: unexpected %s: %s", what, name, v);
    else
        cr_assert(v != NULL && strcmp(v, want) == 0, "%s: %s is %s, want %s", what, name,
                  v ? v : "(absent)", want);
}

Test(webapp, root_and_client_routes_answer_index_html_without_redirect)
{
    static const char *const paths[] = {
        "/",         "/app",       "/app/",           "/app/learn/modules/42", "/app/learn/",
        "/app/x.js", "/app/admin", "/app/index.html", "/app/assetsx/y.js",     "/app/icons",
    };
    char etag[40];

    etag_of(index_html, sizeof(index_html) - 1, etag);
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        struct ts_resp r;
        get(paths[i], NULL, NULL, &r);
        cr_assert_eq(r.status, 200, "%s: %ld", paths[i], r.status);
        cr_assert_str_eq(r.body, index_html, "%s", paths[i]);
        assert_header(&r, "Content-Type", "text/html; charset=utf-8", paths[i]);
        assert_header(&r, "Cache-Control", "no-cache", paths[i]);
        assert_header(&r, "ETag", etag, paths[i]);
        assert_header(&r, "Vary", "Accept-Encoding", paths[i]); /* index.html.gz exists */
        assert_header(&r, "Content-Encoding", NULL, paths[i]);
        assert_header(&r, "Location", NULL, paths[i]);
        assert_security_headers(&r, paths[i]);
        ts_resp_free(&r);
    }
}

Test(webapp, built_files_have_their_type_etag_and_cache_control)
{
    static const struct {
        const char *path;
        const char *type;
        const char *body;
        size_t len;
        const char *cache;
    } files[] = {
        {"/app/assets/app-1a2b3c.js", "text/javascript; charset=utf-8", app_js, sizeof(app_js) - 1,
         IMMUTABLE},
        {"/app/assets/alias.js", "text/javascript; charset=utf-8", app_js, sizeof(app_js) - 1,
         IMMUTABLE},
        {"/app/assets/style-9f8e.css", "text/css; charset=utf-8", style_css, sizeof(style_css) - 1,
         IMMUTABLE},
        {"/app/robots.txt", "text/plain; charset=utf-8", robots, sizeof(robots) - 1, "no-cache"},
        {"/app/icons/logo.svg", "image/svg+xml", logo_svg, sizeof(logo_svg) - 1, "no-cache"},
        {"/app/favicon.ico", "image/x-icon", favicon, sizeof(favicon) - 1, "no-cache"},
        {"/favicon.ico", "image/x-icon", favicon, sizeof(favicon) - 1, "no-cache"},
    };

    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        const char *p = files[i].path;
        struct ts_resp r;
        char etag[40], len[32];

        get(p, NULL, NULL, &r);
        cr_assert_eq(r.status, 200, "%s: %ld", p, r.status);
        cr_assert(memcmp(r.body, files[i].body, files[i].len) == 0, "%s: body", p);
        snprintf(len, sizeof(len), "%zu", files[i].len);
        assert_header(&r, "Content-Length", len, p);
        assert_header(&r, "Content-Type", files[i].type, p);
        assert_header(&r, "Cache-Control", files[i].cache, p);
        etag_of(files[i].body, files[i].len, etag);
        assert_header(&r, "ETag", etag, p);
        assert_header(&r, "Content-Encoding", NULL, p);
        assert_security_headers(&r, p);
        /* Only files with precompressed siblings vary by Accept-Encoding. */
        bool has_siblings = strstr(p, "app-1a2b3c") != NULL || strstr(p, "style") != NULL;
        assert_header(&r, "Vary", has_siblings ? "Accept-Encoding" : NULL, p);
        ts_resp_free(&r);
    }
}

Test(webapp, if_none_match_gives_304_with_the_same_headers_and_no_body)
{
    static const struct {
        const char *path;
        const char *ae; /* the representation asked for */
        const char *body;
        size_t len;
        const char *cache;
    } cases[] = {
        {"/app/assets/app-1a2b3c.js", NULL, app_js, sizeof(app_js) - 1, IMMUTABLE},
        {"/app/assets/app-1a2b3c.js", "br", app_js_br, sizeof(app_js_br) - 1, IMMUTABLE},
        {"/app/assets/app-1a2b3c.js", "gzip", app_js_gz, sizeof(app_js_gz) - 1, IMMUTABLE},
        {"/", NULL, index_html, sizeof(index_html) - 1, "no-cache"},
        {"/app/learn/modules/42", "gzip", index_gz, sizeof(index_gz) - 1, "no-cache"},
        {"/app/robots.txt", NULL, robots, sizeof(robots) - 1, "no-cache"},
        {"/favicon.ico", NULL, favicon, sizeof(favicon) - 1, "no-cache"},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *p = cases[i].path;
        char etag[40], weak[48], list[100], what[128];
        struct ts_resp r;

        snprintf(what, sizeof(what), "%s (%s)", p, cases[i].ae ? cases[i].ae : "identity");
        etag_of(cases[i].body, cases[i].len, etag);
        snprintf(weak, sizeof(weak), "W/%s", etag);
        snprintf(list, sizeof(list), "\"0123\", %s", etag);
        const char *const matching[] = {etag, weak, list, "*"};
        for (size_t k = 0; k < 4; k++) {
            get(p, cases[i].ae, matching[k], &r);
            cr_assert_eq(r.status, 304, "%s with %s: %ld", what, matching[k], r.status);
            cr_assert_str_eq(r.body, "", "%s", what);
            assert_header(&r, "ETag", etag, what);
            assert_header(&r, "Cache-Control", cases[i].cache, what);
            assert_security_headers(&r, what);
            ts_resp_free(&r);
        }
        get(p, cases[i].ae, "\"0123456789abcdef0123456789abcdef\"", &r);
        cr_assert_eq(r.status, 200, "%s with another tag: %ld", what, r.status);
        ts_resp_free(&r);
    }
    /* Each representation has its own tag: the identity tag does not revalidate the br one. */
    char identity[40];
    struct ts_resp r;
    etag_of(app_js, sizeof(app_js) - 1, identity);
    get("/app/assets/app-1a2b3c.js", "br", identity, &r);
    cr_assert_eq(r.status, 200);
    assert_header(&r, "Content-Encoding", "br", "br with the identity tag");
    ts_resp_free(&r);
}

Test(webapp, precompressed_siblings_follow_accept_encoding)
{
    /* For each Accept-Encoding: the coding of app.js (siblings .br and .gz) and of style.css
     * (only .gz); "" is identity. */
    static const struct {
        const char *ae;
        const char *js;
        const char *css;
    } cases[] = {
        {NULL, "", ""},
        {"br", "br", ""},
        {"gzip", "gzip", "gzip"},
        {"gzip, deflate, br", "br", "gzip"},
        {"gzip;q=0", "", ""},
        {"gzip; q=0.000, identity", "", ""},
        {"br;q=0, gzip", "gzip", "gzip"},
        {"*", "br", "gzip"},
        {"*;q=0", "", ""},
        {"br;q=0, *", "gzip", "gzip"},
        {"identity", "", ""},
        {"GZIP;Q=0.5", "gzip", "gzip"},
        {"x-gzip", "gzip", "gzip"},
        {"deflate", "", ""},
        {"", "", ""},
    };
    static const struct {
        const char *path;
        const char *identity, *gz, *br;
    } files[] = {
        {"/app/assets/app-1a2b3c.js", app_js, app_js_gz, app_js_br},
        {"/app/assets/style-9f8e.css", style_css, style_css_gz, NULL},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        for (size_t f = 0; f < 2; f++) {
            const char *want = f == 0 ? cases[i].js : cases[i].css;
            const char *body = strcmp(want, "br") == 0     ? files[f].br
                               : strcmp(want, "gzip") == 0 ? files[f].gz
                                                           : files[f].identity;
            char what[160];
            struct ts_resp r;

            snprintf(what, sizeof(what), "%s with Accept-Encoding %s", files[f].path,
                     cases[i].ae ? cases[i].ae : "(absent)");
            get(files[f].path, cases[i].ae, NULL, &r);
            cr_assert_eq(r.status, 200, "%s: %ld", what, r.status);
            cr_assert_str_eq(r.body, body, "%s", what);
            assert_header(&r, "Content-Encoding", *want ? want : NULL, what);
            assert_header(&r, "Vary", "Accept-Encoding", what);
            assert_header(&r, "Cache-Control", IMMUTABLE, what);
            assert_header(&r, "Content-Type",
                          f == 0 ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8",
                          what);
            char etag[40];
            etag_of(body, strlen(body), etag);
            assert_header(&r, "ETag", etag, what);
            ts_resp_free(&r);
        }
    }
    /* index.html has a gzip sibling: the page itself is sent compressed too. */
    struct ts_resp r;
    get("/app/learn", "gzip, br", NULL, &r);
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(r.body, index_gz);
    assert_header(&r, "Content-Encoding", "gzip", "/app/learn");
    assert_header(&r, "Content-Type", "text/html; charset=utf-8", "/app/learn");
    ts_resp_free(&r);
}

Test(webapp, missing_assets_siblings_and_links_out_are_404_json_never_the_page)
{
    static const char *const paths[] = {
        "/app/assets/missing.js",
        "/app/assets/missing.css",
        "/app/assets/",
        "/app/assets",
        "/app/assets/sub/x.js",
        "/app/assets/app-1a2b3c.js.gz",
        "/app/assets/app-1a2b3c.js.br",
        "/app/assets/leak.js",
        "/app/leak.txt",
        "/app/assets/app-1a2b3c.js/",
        "/app/assets/APP-1A2B3C.JS",
    };

    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        struct ts_resp r;
        get(paths[i], "gzip, br", NULL, &r);
        assert_not_found(&r, paths[i]);
        assert_security_headers(&r, paths[i]);
        cr_assert_null(strstr(r.body, "outside the folder"), "%s", paths[i]);
        ts_resp_free(&r);
    }
}

/*
 * Traversal, over real HTTP: libcurl sends each path as written (CURLOPT_PATH_AS_IS), and
 * libmicrohttpd decodes it before the server sees it, so the encoded forms arrive as the raw
 * ones ("%2e%2e" as "..", "%5c" as a backslash), except "%00", which it would cut the path at.
 */
Test(webapp, traversal_backslash_and_nul_are_404_json)
{
    static const char *const app_paths[] = {
        "/app/../secret.txt",
        "/app/../../secret.txt",
        "/app/%2e%2e/secret.txt",
        "/app/%2E%2E/%2E%2E/etc/passwd",
        "/app/assets/../index.html",
        "/app/assets/%2e%2e/index.html",
        "/app/assets/..%2findex.html",
        "/app/assets/%2e%2e%2f%2e%2e%2fsecret.txt",
        "/app/x/../index.html",
        "/app/learn/%2e%2e",
        "/app/./index.html",
        "/app/assets/./app-1a2b3c.js",
        "/app/%2e/robots.txt",
        "/app/assets\\app-1a2b3c.js",
        "/app/assets%5capp-1a2b3c.js",
        "/app/assets%5Capp-1a2b3c.js",
        "/app/learn\\x",
        "/app/assets/app-1a2b3c.js%00",
        "/app/assets/app-1a2b3c.js%00.png",
        "/app/index.html%00",
        "/app/learn%00/x",
        "/app%00",
        "/favicon.ico%00",
        "/app//assets/app-1a2b3c.js",
        "/app/learn//modules",
        "/app/%0a",
        "/app/leak.txt",
    };
    static const char *const other_paths[] = {
        "/..",         "/../secret.txt", "/%2e%2e/secret.txt",
        "/app..",      "/apps",          "/APP/",
        "/%00",        "/index.html",    "/assets/app-1a2b3c.js",
        "/robots.txt", "/healthz%00",    "/healthz%00x",
    };

    for (size_t i = 0; i < sizeof(app_paths) / sizeof(app_paths[0]); i++) {
        struct ts_resp r;
        get(app_paths[i], NULL, NULL, &r);
        assert_not_found(&r, app_paths[i]);
        assert_security_headers(&r, app_paths[i]);
        ts_resp_free(&r);
    }
    for (size_t i = 0; i < sizeof(other_paths) / sizeof(other_paths[0]); i++) {
        struct ts_resp r;
        get(other_paths[i], NULL, NULL, &r);
        assert_not_found(&r, other_paths[i]);
        ts_resp_free(&r);
    }
}

Test(webapp, methods_other_than_get_are_405_with_allow_get)
{
    static const char *const paths[] = {
        "/",
        "/app",
        "/app/",
        "/app/learn/modules/42",
        "/app/assets/app-1a2b3c.js",
        "/app/assets/missing.js",
        "/app/robots.txt",
        "/favicon.ico",
    };
    static const char *const methods[] = {"POST", "PUT", "PATCH", "DELETE", "HEAD"};

    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        for (size_t k = 0; k < sizeof(methods) / sizeof(methods[0]); k++) {
            char what[128];
            struct ts_resp r;

            snprintf(what, sizeof(what), "%s %s", methods[k], paths[i]);
            ts_http(&srv, methods[k], paths[i], NULL, NULL, &r);
            cr_assert_eq(r.status, 405, "%s: %ld", what, r.status);
            assert_header(&r, "Allow", "GET", what);
            assert_header(&r, "Content-Type", "application/json", what);
            if (strcmp(methods[k], "HEAD") != 0)
                ts_assert_json(&r, "{\"detail\":\"Method Not Allowed\"}");
            assert_security_headers(&r, what);
            ts_resp_free(&r);
        }
    }
}

Test(webapp, api_docs_and_ops_are_unaffected_and_win)
{
    struct ts_resp r;

    get("/healthz", NULL, NULL, &r);
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "status")), "ok");
    assert_header(&r, "Content-Security-Policy", NULL, "/healthz");
    ts_resp_free(&r);
    get("/readyz", NULL, NULL, &r);
    cr_assert_eq(r.status, 200);
    ts_resp_free(&r);
    get("/openapi.json", NULL, NULL, &r);
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "openapi")), "3.1.0");
    /* The app's paths are not endpoints. */
    json_t *paths = json_object_get(r.json, "paths");
    const char *key;
    json_t *v;
    json_object_foreach(paths, key, v)
    {
        cr_assert(strncmp(key, "/api/v1/", 8) == 0 || key[1] != 'a', "%s", key);
        cr_assert(strcmp(key, "/") != 0 && strcmp(key, "/favicon.ico") != 0, "%s", key);
    }
    ts_resp_free(&r);
    get("/docs", NULL, NULL, &r);
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(ts_header(&r, "Content-Type"), "text/html; charset=utf-8");
    cr_assert_not_null(strstr(ts_header(&r, "Content-Security-Policy"), "default-src 'none'"));
    ts_resp_free(&r);
    get("/docs/LICENSE", NULL, NULL, &r);
    cr_assert_eq(r.status, 200);
    ts_resp_free(&r);
    get("/api/v1/users/me", NULL, NULL, &r);
    cr_assert_eq(r.status, 401);
    ts_assert_json(&r, "{\"detail\":\"Not authenticated\"}");
    assert_header(&r, "Cache-Control", "no-store", "/api/v1/users/me");
    ts_resp_free(&r);
    get("/api/v1/modules/", NULL, NULL, &r);
    assert_not_found(&r, "/api/v1/modules/");
    ts_resp_free(&r);
    get("/nope", NULL, NULL, &r);
    assert_not_found(&r, "/nope");
    assert_header(&r, "Content-Security-Policy", NULL, "/nope");
    ts_resp_free(&r);
    ts_http(&srv, "POST", "/api/v1/auth/register", NULL,
            "{\"email\":\"web@example.com\",\"password\":\"secret-pass\"}", &r);
    cr_assert_eq(r.status, 415); /* no Content-Type: the API's own rules, not the app's */
    ts_resp_free(&r);
}

/* Label "/app/{path}" (one series for all files and routes), "/" and "/favicon.ico", in the
 * metrics and the access line. */
Test(webapp, metrics_and_access_lines_use_bounded_labels)
{
    static const struct {
        const char *method, *path, *label;
        long status;
    } reqs[] = {
        {"GET", "/", "/", 200},
        {"GET", "/app/assets/app-1a2b3c.js", "/app/{path}", 200},
        {"GET", "/app/learn/modules/42", "/app/{path}", 200},
        {"GET", "/app/assets/missing.js", "/app/{path}", 404},
        {"POST", "/app/robots.txt", "/app/{path}", 405},
        {"GET", "/favicon.ico", "/favicon.ico", 200},
        {"GET", "/nope", "unmatched", 404},
    };

    for (size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
        struct ts_resp r;
        ts_http(&srv, reqs[i].method, reqs[i].path, NULL, NULL, &r);
        cr_assert_eq(r.status, reqs[i].status, "%s: %ld", reqs[i].path, r.status);
        json_t *line = ts_access_line(&srv, ts_header(&r, "X-Request-ID"));
        cr_assert_str_eq(json_string_value(json_object_get(line, "route")), reqs[i].label, "%s",
                         reqs[i].path);
        json_decref(line);
        ts_resp_free(&r);
    }
    /* The access line is written after the counts (both at completion): all are in. */
    struct ts_resp m;
    char err[200];
    ts_http(&srv, "GET", "/metrics", NULL, NULL, &m);
    cr_assert_eq(m.status, 200);
    struct ts_prom *p = ts_prom_parse(m.body, err, sizeof(err));
    cr_assert_not_null(p, "%s", err);
    const char *const total = "trainsmart_http_requests_total";
#define LBL(m, r, s) ((const char *const[]){"method", m, "route", r, "status", s, NULL})
    cr_assert_eq(ts_prom_value(p, total, LBL("GET", "/", "200")), 1);
    cr_assert_eq(ts_prom_value(p, total, LBL("GET", "/app/{path}", "200")), 2);
    cr_assert_eq(ts_prom_value(p, total, LBL("GET", "/app/{path}", "404")), 1);
    cr_assert_eq(ts_prom_value(p, total, LBL("POST", "/app/{path}", "405")), 1);
    cr_assert_eq(ts_prom_value(p, total, LBL("GET", "/favicon.ico", "200")), 1);
    for (int i = 0; i < p->nsamples; i++) {
        const char *route = ts_prom_label(&p->samples[i], "route");
        cr_assert(route == NULL ||
                      (strstr(route, "assets") == NULL && strstr(route, "learn") == NULL),
                  "a per-file label: %s", route);
    }
    ts_prom_free(p);
    ts_resp_free(&m);
}

/* --- other folders: each test starts its own server ------------------------------------ */

TestSuite(webapp_dir, .timeout = 60);

static int count_warnings(const char *log, const char *needle)
{
    int n = 0;

    for (const char *line = log; line != NULL && *line != '\0';) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        char *copy = strndup(line, len);
        if (strstr(copy, "\"level\":\"warning\"") != NULL && strstr(copy, needle) != NULL)
            n++;
        free(copy);
        line = end ? end + 1 : NULL;
    }
    return n;
}

/* Without the folder (or without its index.html), the app's paths are ordinary unknown paths
 * and the API serves as before; the server says so once at start. */
static void assert_not_served(const char *folder, const char *warning)
{
    static const char *const paths[] = {
        "/", "/app", "/app/", "/app/learn/x", "/app/assets/app-1a2b3c.js", "/favicon.ico"};
    char env_line[300];
    const char *const env[] = {env_line, NULL};
    struct ts_server s;
    struct ts_resp r;

    snprintf(env_line, sizeof(env_line), "WEB_DIR=%s", folder);
    ts_server_start(&s, env);
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        ts_http(&s, "GET", paths[i], NULL, NULL, &r);
        assert_not_found(&r, paths[i]);
        ts_resp_free(&r);
    }
    ts_http(&s, "GET", "/healthz", NULL, NULL, &r);
    cr_assert_eq(r.status, 200);
    ts_resp_free(&r);
    ts_http(&s, "GET", "/docs", NULL, NULL, &r);
    cr_assert_eq(r.status, 200);
    ts_resp_free(&r);
    char *log = ts_server_log(&s);
    cr_assert_eq(count_warnings(log, "\"module\":\"webapp\""), 1, "%s", log);
    cr_assert_eq(count_warnings(log, folder), 1, "the warning names %s:\n%s", folder, log);
    cr_assert_not_null(strstr(log, warning), "%s", log);
    free(log);
    cr_assert_eq(ts_server_stop(&s), 0);
}

Test(webapp_dir, missing_folder_is_404_json_and_one_warning)
{
    char folder[300];

    ts_scratch_dir(scratch, sizeof(scratch), "webapp");
    snprintf(folder, sizeof(folder), "%s/no-such-dist", scratch);
    assert_not_served(folder, "is not a folder");
    remove_fixture();
}

Test(webapp_dir, folder_without_index_html_is_not_served)
{
    char folder[300];

    ts_scratch_dir(scratch, sizeof(scratch), "webapp");
    snprintf(folder, sizeof(folder), "%s/web", scratch);
    dir("web");
    dir("web/assets");
    PUT("web/assets/app-1a2b3c.js", app_js);
    PUT("web/favicon.ico", "ICON");
    assert_not_served(folder, "has no index.html");
    remove_fixture();
}

/* A build with only index.html: no favicon (404 JSON with the app's headers), no Vary. */
Test(webapp_dir, only_index_html_and_no_favicon)
{
    char env_line[300];
    const char *const env[] = {env_line, NULL};
    struct ts_server s;
    struct ts_resp r;

    ts_scratch_dir(scratch, sizeof(scratch), "webapp");
    dir("web");
    PUT("web/index.html", index_html);
    snprintf(env_line, sizeof(env_line), "WEB_DIR=%s/web", scratch);
    ts_server_start(&s, env);
    ts_http(&s, "GET", "/favicon.ico", NULL, NULL, &r);
    assert_not_found(&r, "/favicon.ico");
    assert_security_headers(&r, "/favicon.ico");
    ts_resp_free(&r);
    const char *const gz[] = {"Accept-Encoding: gzip, br", NULL};
    ts_http(&s, "GET", "/", gz, NULL, &r);
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(r.body, index_html);
    assert_header(&r, "Vary", NULL, "/");
    assert_header(&r, "Content-Encoding", NULL, "/");
    ts_resp_free(&r);
    char *log = ts_server_log(&s);
    cr_assert_eq(count_warnings(log, "\"module\":\"webapp\""), 0, "%s", log);
    free(log);
    cr_assert_eq(ts_server_stop(&s), 0);
    remove_fixture();
}
