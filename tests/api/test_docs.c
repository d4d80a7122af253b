/*
 * GET /docs (API.md §14): the interactive documentation and its files, all served by the
 * server itself. The last test opens the page in headless Chromium (tests/node/docs-check.mjs)
 * and checks that every operation of /openapi.json renders with no request leaving the server.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support/server.h"

/* The page's policy: the server's own origin only (src/http/static.c). */
#define DOCS_CSP                                                                                   \
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "              \
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

static const struct {
    const char *path;
    const char *type;
    const char *starts; /* the first bytes of the file */
} files[] = {
    {"/docs", "text/html; charset=utf-8", "<!DOCTYPE html>"},
    {"/docs/swagger-initializer.js", "text/javascript; charset=utf-8", "//"},
    {"/docs/swagger-ui-bundle.js", "text/javascript; charset=utf-8", "/*! For license"},
    {"/docs/swagger-ui.css", "text/css; charset=utf-8", ".swagger-ui"},
    {"/docs/favicon-32x32.png", "image/png", "\x89PNG"},
    {"/docs/favicon-16x16.png", "image/png", "\x89PNG"},
    {"/docs/LICENSE", "text/plain; charset=utf-8", ""},
    {"/docs/NOTICE", "text/plain; charset=utf-8", "swagger-ui"},
    {"/docs/swagger-ui-bundle.js.LICENSE.txt", "text/plain; charset=utf-8", "/*!"},
};

static void get(const struct ts_server *s, const char *path, const char *if_none_match,
                struct ts_resp *r)
{
    char h[256];
    const char *const headers[] = {h, NULL};

    snprintf(h, sizeof(h), "If-None-Match: %s", if_none_match ? if_none_match : "");
    ts_http(s, "GET", path, if_none_match ? headers : NULL, NULL, r);
}

/* The headers every reply of a documentation file carries. */
static void assert_file_headers(const struct ts_resp *r, const char *path)
{
    const char *etag = ts_header(r, "ETag");

    cr_assert(etag != NULL && strlen(etag) == 34 && etag[0] == '"' && etag[33] == '"',
              "%s: ETag %s", path, etag ? etag : "(none)");
    cr_assert_str_eq(ts_header(r, "Cache-Control"), "no-cache", "%s", path);
    cr_assert_str_eq(ts_header(r, "X-Content-Type-Options"), "nosniff", "%s", path);
    cr_assert_str_eq(ts_header(r, "Content-Security-Policy"), DOCS_CSP, "%s", path);
}

Test(docs, page_is_html_with_csp_and_only_same_origin_references, .timeout = 60)
{
    struct ts_server s;
    struct ts_resp r;
    int refs = 0;

    ts_server_start(&s, NULL);
    get(&s, "/docs", NULL, &r);
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(ts_header(&r, "Content-Type"), "text/html; charset=utf-8");
    assert_file_headers(&r, "/docs");
    cr_assert_null(strstr(r.body, "<script>"), "no inline script");
    cr_assert_null(strstr(r.body, "style="), "no inline style");
    /* Every src= and href= is a path on this server, and the server has it. */
    for (const char *p = r.body; (p = strpbrk(p, "sh")) != NULL; p++) {
        size_t skip = strncmp(p, "src=\"", 5) == 0 ? 5 : strncmp(p, "href=\"", 6) == 0 ? 6 : 0;
        if (skip == 0)
            continue;
        char url[256];
        const char *end = strchr(p + skip, '"');
        cr_assert(end != NULL && (size_t)(end - p - skip) < sizeof(url));
        snprintf(url, sizeof(url), "%.*s", (int)(end - p - skip), p + skip);
        cr_assert(url[0] == '/' && url[1] != '/', "not a path on this server: %s", url);
        struct ts_resp f;
        get(&s, url, NULL, &f);
        cr_assert_eq(f.status, 200, "%s: %ld", url, f.status);
        ts_resp_free(&f);
        refs++;
    }
    cr_assert_geq(refs, 5, "the stylesheet, two icons, two scripts and /openapi.json");
    ts_resp_free(&r);
    cr_assert_eq(ts_server_stop(&s), 0);
}

Test(docs, files_have_exact_types_etags_and_revalidate_with_304, .timeout = 60)
{
    struct ts_server s;

    ts_server_start(&s, NULL);
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        const char *path = files[i].path;
        struct ts_resp r, again;
        char etag[64], weak[80], list[160];

        get(&s, path, NULL, &r);
        cr_assert_eq(r.status, 200, "%s: %ld", path, r.status);
        cr_assert_str_eq(ts_header(&r, "Content-Type"), files[i].type, "%s", path);
        assert_file_headers(&r, path);
        cr_assert(strncmp(r.body, files[i].starts, strlen(files[i].starts)) == 0, "%s", path);
        cr_assert_gt(atol(ts_header(&r, "Content-Length")), 0, "%s", path);
        snprintf(etag, sizeof(etag), "%s", ts_header(&r, "ETag"));

        /* The same bytes every time (the tag is the content's hash). */
        get(&s, path, NULL, &again);
        cr_assert_str_eq(ts_header(&again, "ETag"), etag, "%s", path);
        cr_assert_str_eq(again.body, r.body, "%s", path);
        ts_resp_free(&again);

        /* Revalidation: the tag itself, its weak form, or in a list is 304 without a body. */
        snprintf(weak, sizeof(weak), "W/%s", etag);
        snprintf(list, sizeof(list), "\"0123\", %s", etag);
        const char *const matching[] = {etag, weak, list, "*"};
        for (size_t k = 0; k < 4; k++) {
            get(&s, path, matching[k], &again);
            cr_assert_eq(again.status, 304, "%s with If-None-Match %s: %ld", path, matching[k],
                         again.status);
            cr_assert_str_eq(again.body, "", "%s", path);
            cr_assert_str_eq(ts_header(&again, "ETag"), etag, "%s", path);
            assert_file_headers(&again, path);
            ts_resp_free(&again);
        }
        get(&s, path, "\"0123456789abcdef0123456789abcdef\"", &again);
        cr_assert_eq(again.status, 200, "%s with another tag: %ld", path, again.status);
        ts_resp_free(&again);
        ts_resp_free(&r);
    }
    cr_assert_eq(ts_server_stop(&s), 0);
}

Test(docs, licence_and_notice_of_swagger_ui_are_served, .timeout = 60)
{
    struct ts_server s;
    struct ts_resp r;

    ts_server_start(&s, NULL);
    get(&s, "/docs/LICENSE", NULL, &r);
    cr_assert_eq(r.status, 200);
    cr_assert_not_null(strstr(r.body, "Apache License"));
    cr_assert_not_null(strstr(r.body, "Version 2.0"));
    ts_resp_free(&r);
    get(&s, "/docs/NOTICE", NULL, &r);
    cr_assert_eq(r.status, 200);
    cr_assert_not_null(strstr(r.body, "SmartBear Software"));
    ts_resp_free(&r);
    cr_assert_eq(ts_server_stop(&s), 0);
}

Test(docs, unknown_file_is_404_json, .timeout = 60)
{
    static const char *const paths[] = {
        "/docs/nope.js",
        "/docs/",
        "/docs/swagger-ui.css/x",
        "/docs/index.html",
        "/docs/swagger-ui.js",
        "/DOCS/LICENSE",
        "/docs/swagger-ui-bundle.js.map",
        "/docs//LICENSE",
        "/swagger-ui.css",
    };
    struct ts_server s;
    struct ts_resp r;

    ts_server_start(&s, NULL);
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        get(&s, paths[i], NULL, &r);
        cr_assert_eq(r.status, 404, "%s: %ld", paths[i], r.status);
        cr_assert_str_eq(ts_header(&r, "Content-Type"), "application/json");
        ts_assert_json(&r, "{\"detail\":\"Not Found\"}");
        ts_resp_free(&r);
    }
    cr_assert_eq(ts_server_stop(&s), 0);
}

Test(docs, methods_other_than_get_are_405, .timeout = 60)
{
    static const char *const paths[] = {"/docs", "/docs/swagger-ui.css", "/docs/LICENSE"};
    static const char *const methods[] = {"POST", "PUT", "PATCH", "DELETE"};
    struct ts_server s;
    struct ts_resp r;

    ts_server_start(&s, NULL);
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        for (size_t k = 0; k < sizeof(methods) / sizeof(methods[0]); k++) {
            ts_http(&s, methods[k], paths[i], NULL, NULL, &r);
            cr_assert_eq(r.status, 405, "%s %s: %ld", methods[k], paths[i], r.status);
            cr_assert_str_eq(ts_header(&r, "Allow"), "GET");
            ts_assert_json(&r, "{\"detail\":\"Method Not Allowed\"}");
            ts_resp_free(&r);
        }
    }
    cr_assert_eq(ts_server_stop(&s), 0);
}

/* A file's reply keeps the connection open: a browser fetches several over one. */
Test(docs, files_are_served_on_one_kept_alive_connection, .timeout = 60)
{
    static const char req[] = "GET /docs/NOTICE HTTP/1.1\r\nHost: t\r\n\r\n"
                              "GET /docs/swagger-initializer.js HTTP/1.1\r\nHost: t\r\n\r\n"
                              "GET /docs HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
    struct ts_server s;

    ts_server_start(&s, NULL);
    char *got = ts_raw(&s, req, sizeof(req) - 1, 5000);
    cr_assert_eq(ts_count(got, "HTTP/1.1 200 OK\r\n"), 3, "%s", got);
    cr_assert_eq(ts_count(got, "Connection: close"), 1, "%s", got);
    free(got);
    cr_assert_eq(ts_server_stop(&s), 0);
}

/*
 * The page in a real browser with the network closed: tests/node/docs-check.mjs drives
 * headless Debian Chromium (scripts/deps.sh test installs it and the Node.js tools) and fails
 * on a request off the server's origin, a console error, a CSP violation or a failed request,
 * and unless one .opblock renders per operation of /openapi.json.
 */
Test(docs, browser_renders_every_operation_without_leaving_the_server, .timeout = 180)
{
    struct ts_server s;
    char base[64];
    char *out = NULL, *err = NULL;

    cr_assert_eq(access("/usr/bin/chromium", X_OK), 0,
                 "/usr/bin/chromium is missing: run scripts/deps.sh test");
    cr_assert_eq(access(TS_SOURCE_DIR "/tests/node/node_modules/playwright-core", R_OK), 0,
                 "tests/node/node_modules is missing: run scripts/deps.sh test");
    ts_server_start(&s, NULL);
    snprintf(base, sizeof(base), "http://127.0.0.1:%d", s.port);
    /* Like a server, the check (and the browser, which ends with it) dies with the test. */
    const char *const argv[] = {"/usr/bin/env", "node", TS_SOURCE_DIR "/tests/node/docs-check.mjs",
                                base, NULL};
    int rc = ts_run(argv, NULL, &out, &err);
    cr_assert_eq(rc, 0, "docs-check.mjs exited %d:\n%s%s", rc, err, out);
    cr_assert_not_null(strstr(out, " operations rendered;"), "%s", out);
    free(out);
    free(err);
    cr_assert_eq(ts_server_stop(&s), 0);
}
