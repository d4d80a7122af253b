/*
 * Embedded static files; see static.h. The tables of files are generated at build time
 * (cmake/embed_files.cmake, listed in CMakeLists.txt); this file looks them up and replies.
 */
#include "http/static.h"

#include <string.h>
#include <strings.h>

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

/* The sets of embedded files, each with the Content-Security-Policy of its pages. */
static const struct {
    const struct http_asset *files;
    const size_t *count;
    const char *csp;
    const char *label;
} sets[] = {
    {http_docs_files, &http_docs_files_count, docs_csp, "/docs/{file}"},
};

size_t http_static_set_count(void)
{
    return sizeof(sets) / sizeof(sets[0]);
}

const char *http_static_set_label(size_t set)
{
    return sets[set].label;
}

size_t http_static_set_of(const struct http_asset *a)
{
    for (size_t i = 0; i < http_static_set_count(); i++)
        if (a >= sets[i].files && a < sets[i].files + *sets[i].count)
            return i;
    return 0; /* every asset comes from a set; not reached */
}

static const char *csp_of(const struct http_asset *a)
{
    return sets[http_static_set_of(a)].csp;
}

const struct http_asset *http_static_find(const char *path)
{
    for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
        for (size_t k = 0; k < *sets[i].count; k++)
            if (strcmp(sets[i].files[k].path, path) == 0)
                return &sets[i].files[k];
    return NULL;
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

int http_static_reply(struct http_req *r, const struct http_asset *a)
{
    if (http_etag_matches(http_header(r, "If-None-Match"), a->etag)) {
        http_reply_empty(r, 304);
    } else {
        http_reply_borrowed(r, 200, http_content_type(a->name), (const char *)a->data, a->len);
    }
    http_add_header(r, "ETag", a->etag);
    http_add_header(r, "Cache-Control", "no-cache");
    http_add_header(r, "X-Content-Type-Options", "nosniff");
    http_add_header(r, "Referrer-Policy", "no-referrer");
    http_add_header(r, "Content-Security-Policy", csp_of(a));
    return 0;
}
