/*
 * Static files; see static.h. The tables of embedded files are generated at build time
 * (cmake/embed_files.cmake, listed in CMakeLists.txt), the web app's index is loaded at start
 * (webapp.c); this file looks paths up and replies, for both: content types, ETags and
 * If-None-Match, Accept-Encoding, the security headers.
 */
#include "http/static.h"

#include <string.h>
#include <strings.h>

#include "http/webapp.h"

/*
 * Everything from the server's own origin and nothing inline: no inline script (our page loads
 * its initializer as a file), no 'unsafe-eval', no <style> or style attribute, no framing.
 * Swagger UI's stylesheet draws its icons from data: URLs, hence img-src data:. Its React code
 * sets element styles through the DOM (element.style), which CSP does not govern, so it needs
 * no style-src-attr 'unsafe-inline': docs/DECISIONS.md, "/docs", says how that was measured.
 */
static const char docs_csp[] = "default-src 'none'; script-src 'self'; style-src 'self'; "
                               "img-src 'self' data:; connect-src 'self'; base-uri 'none'; "
                               "form-action 'none'; frame-ancestors 'none'";

/*
 * The web app (API.md §18): its own origin for everything, no inline script or style, no
 * plugins, no framing, forms and <base> only to itself. Vite's build loads its scripts and
 * styles as files, so nothing inline is needed.
 */
const char http_webapp_csp[] = "default-src 'self'; script-src 'self'; style-src 'self'; "
                               "img-src 'self'; font-src 'self'; connect-src 'self'; "
                               "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; "
                               "form-action 'self'";

const char *const http_static_labels[HTTP_LABEL_COUNT + 1] = {
    [HTTP_LABEL_DOCS] = "/docs/{file}", [HTTP_LABEL_ROOT] = "/",
    [HTTP_LABEL_APP] = "/app/{path}",   [HTTP_LABEL_FAVICON] = "/favicon.ico",
    [HTTP_LABEL_COUNT] = NULL,
};

static const struct {
    const char *ext;
    const char *type;
} types[] = {
    {".html", "text/html; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".json", "application/json"},
    {".map", "application/json"},
    {".txt", "text/plain; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".webp", "image/webp"},
    {".woff2", "font/woff2"},
    {".webmanifest", "application/manifest+json"},
    {".jpg", "image/jpeg"},
    {".jpeg", "image/jpeg"},
    {".gif", "image/gif"},
    {".avif", "image/avif"},
    {".woff", "font/woff"},
    {".wasm", "application/wasm"},
    {".gz", "application/gzip"},
};

const char *http_content_type(const char *name)
{
    const char *dot = strrchr(name, '.');

    if (strcmp(name, "LICENSE") == 0 || strcmp(name, "NOTICE") == 0)
        return "text/plain; charset=utf-8";
    if (dot != NULL)
        for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
            if (strcasecmp(dot, types[i].ext) == 0)
                return types[i].type;
    return "application/octet-stream";
}

/* The sets of embedded files, each with the Content-Security-Policy of its pages and the label
 * its files are counted under. */
static const struct {
    const struct http_asset *files;
    const size_t *count;
    const char *csp;
    int label;
} sets[] = {
    {http_docs_files, &http_docs_files_count, docs_csp, HTTP_LABEL_DOCS},
};

static size_t set_of(const struct http_asset *a)
{
    for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
        if (a >= sets[i].files && a < sets[i].files + *sets[i].count)
            return i;
    return 0; /* every embedded asset comes from a set; not reached */
}

static const char *csp_of(const struct http_asset *a)
{
    return a->csp != NULL ? a->csp : sets[set_of(a)].csp;
}

const struct http_asset *http_static_find(const char *path)
{
    for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
        for (size_t k = 0; k < *sets[i].count; k++)
            if (strcmp(sets[i].files[k].path, path) == 0)
                return &sets[i].files[k];
    return NULL;
}

bool http_static_lookup(const struct http_webapp *w, const char *path, struct http_static_hit *hit)
{
    const struct http_asset *a = http_static_find(path);

    if (a != NULL) {
        hit->asset = a;
        hit->label = http_static_labels[sets[set_of(a)].label];
        hit->csp = csp_of(a);
        return true;
    }
    return w != NULL && http_webapp_find(w, path, hit);
}

/* If-None-Match: "*" or a comma-separated list of entity tags, each "..." or W/"...". The
 * weak comparison ignores W/: a cache may revalidate with a weak form of our tag. */
bool http_etag_matches(const char *if_none_match, const char *etag)
{
    const char *p = if_none_match;
    size_t elen = strlen(etag);

    if (p == NULL)
        return false;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (*p == '\0')
            return false;
        if (*p == '*')
            return true;
        if (strncmp(p, "W/", 2) == 0)
            p += 2;
        const char *end = p;
        if (*end == '"') {
            end = strchr(end + 1, '"');
            if (end == NULL)
                return false; /* an unterminated tag matches nothing */
            end++;
        } else {
            end += strcspn(end, ", \t");
        }
        if ((size_t)(end - p) == elen && memcmp(p, etag, elen) == 0)
            return true;
        p = end;
    }
}

/* The q-value of one Accept-Encoding element's parameters (";q=0.5"): 0 when it is zero, as
 * "0", "0.", "0.0" … "0.000" are; 1 for anything else, a missing or malformed q included (a
 * client that lists a coding means to accept it). Only "is it 0" matters here. */
static int q_is_positive(const char *p, const char *end)
{
    while (p < end) {
        while (p < end && (*p == ';' || *p == ' ' || *p == '\t'))
            p++;
        if (end - p >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
            const char *v = p + 2;
            if (v < end && *v == '0') {
                v++;
                if (v < end && *v == '.')
                    for (v++; v < end && *v == '0'; v++)
                        ;
                while (v < end && (*v == ' ' || *v == '\t'))
                    v++;
                if (v == end || *v == ';')
                    return 0;
            }
            return 1;
        }
        while (p < end && *p != ';')
            p++;
    }
    return 1;
}

/*
 * Accept-Encoding (RFC 9110 §12.5.3): a list of codings with optional q-values. Each coding we
 * can send is acceptable when named with q > 0, or, when not named, if "*" is (q > 0).
 * Codings are case-insensitive; "x-gzip" is gzip.
 */
enum http_coding http_static_coding(const char *accept_encoding, bool has_br, bool has_gz)
{
    int br = -1, gz = -1, any = -1; /* -1: not named; else 0 or 1 */
    const char *p = accept_encoding;

    if (p == NULL || (!has_br && !has_gz))
        return HTTP_CODING_IDENTITY;
    while (*p != '\0') {
        const char *end = p + strcspn(p, ",");
        const char *tok = p;
        while (tok < end && (*tok == ' ' || *tok == '\t'))
            tok++;
        size_t n = strcspn(tok, ";, \t");
        if (tok + n > end)
            n = (size_t)(end - tok);
        int q = q_is_positive(tok + n, end);
        if (n == 2 && strncasecmp(tok, "br", 2) == 0)
            br = q;
        else if ((n == 4 && strncasecmp(tok, "gzip", 4) == 0) ||
                 (n == 6 && strncasecmp(tok, "x-gzip", 6) == 0))
            gz = q;
        else if (n == 1 && *tok == '*')
            any = q;
        p = *end == ',' ? end + 1 : end;
    }
    if (br < 0)
        br = any > 0;
    if (gz < 0)
        gz = any > 0;
    if (has_br && br > 0)
        return HTTP_CODING_BR;
    if (has_gz && gz > 0)
        return HTTP_CODING_GZIP;
    return HTTP_CODING_IDENTITY;
}

void http_static_security_headers(struct http_req *r, const char *csp)
{
    http_add_header(r, "X-Content-Type-Options", "nosniff");
    http_add_header(r, "Referrer-Policy", "no-referrer");
    http_add_header(r, "X-Frame-Options", "DENY");
    http_add_header(r, "Content-Security-Policy", csp);
}

int http_static_reply(struct http_req *r, const struct http_asset *a)
{
    const struct http_asset *sent = a;
    bool has_variants = a->br != NULL || a->gz != NULL;

    if (has_variants) {
        switch (
            http_static_coding(http_header(r, "Accept-Encoding"), a->br != NULL, a->gz != NULL)) {
        case HTTP_CODING_BR:
            sent = a->br;
            break;
        case HTTP_CODING_GZIP:
            sent = a->gz;
            break;
        case HTTP_CODING_IDENTITY:
            break;
        }
    }
    if (http_etag_matches(http_header(r, "If-None-Match"), sent->etag)) {
        http_reply_empty(r, 304);
    } else {
        /* The type is the file's, whatever the coding: a.js.br is still JavaScript. */
        http_reply_borrowed(r, 200, http_content_type(a->name), (const char *)sent->data,
                            sent->len);
        if (sent != a)
            http_add_header(r, "Content-Encoding", sent == a->br ? "br" : "gzip");
    }
    http_add_header(r, "ETag", sent->etag);
    http_add_header(r, "Cache-Control", a->cache_control != NULL ? a->cache_control : "no-cache");
    if (has_variants)
        http_add_header(r, "Vary", "Accept-Encoding");
    http_static_security_headers(r, csp_of(a));
    return 0;
}
