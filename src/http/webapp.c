/*
 * The web app's files; see webapp.h.
 *
 * Sections: loading (walk the folder, read each file, hash it), the index (sorted by URL path;
 * precompressed siblings taken out of it and attached to their file), lookup by request path.
 */
#include "http/webapp.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/arena.h"
#include "util/crypto.h"
#include "util/log.h"

/* Hashed file names under assets/ never change their bytes: a year, and no revalidation. */
static const char immutable[] = "public, max-age=31536000, immutable";

struct http_webapp {
    struct http_asset *files; /* sorted by path: what a request can name */
    size_t nfiles;
    struct http_asset *variants; /* the .br and .gz siblings, reachable only from their file */
    size_t nvariants;
    char **skipped; /* URL paths of the files not loaded, sorted: 404, not the page */
    size_t nskipped;
    size_t bytes;
    const struct http_asset *index;
    const struct http_asset *favicon;
};

/* --- loading ---------------------------------------------------------------------------- */

struct load {
    const char *root;       /* the folder as configured (for messages) */
    char real[PATH_MAX];    /* its real path */
    struct http_asset *all; /* every file read, in the order found */
    size_t n, cap;
    size_t bytes;
    bool full;      /* a limit on the number or total size was reached */
    char **skipped; /* URL paths of what was skipped */
    size_t nskipped, skipped_cap;
};

/* Logs why `rel` is not served, and remembers it: a request for it is a 404 (a symbolic link
 * leading out of the folder must not become the page of a client-side route). */
static void skip(struct load *L, const char *rel, const char *why)
{
    size_t n = strlen(rel) + sizeof("/app/");
    char *path = xmalloc(n);

    log_msg(LOG_WARNING, "webapp", "skipping %s/%s: %s", L->root, rel, why);
    snprintf(path, n, "/app/%s", rel);
    if (L->nskipped == L->skipped_cap) {
        L->skipped_cap = L->skipped_cap ? 2 * L->skipped_cap : 16;
        L->skipped = xrealloc(L->skipped, L->skipped_cap * sizeof(*L->skipped));
    }
    L->skipped[L->nskipped++] = path;
}

static void asset_free(struct http_asset *a)
{
    free((char *)a->path);
    free((unsigned char *)a->data);
    free((char *)a->etag);
}

/* A name a request can ask for: no control character or backslash (the lookup refuses those). */
static bool name_is_servable(const char *rel)
{
    for (const char *p = rel; *p != '\0'; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '\\')
            return false;
    return true;
}

/* Reads regular file `file` (already checked to lie inside the folder) as `rel`. */
static void read_file(struct load *L, const char *file, const char *rel, bool follow)
{
    /* O_NONBLOCK: opening a FIFO would otherwise wait for a writer. */
    int fd = open(file, O_RDONLY | O_CLOEXEC | O_NONBLOCK | (follow ? 0 : O_NOFOLLOW));
    unsigned char *data = NULL;
    struct stat st;
    size_t got = 0;

    char why[128];

    if (fd < 0 || fstat(fd, &st) < 0) {
        skip(L, rel, strerror(errno));
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        skip(L, rel, "not a regular file");
        goto out;
    }
    if ((uint64_t)st.st_size > HTTP_WEBAPP_MAX_FILE_BYTES) {
        snprintf(why, sizeof(why), "%lld bytes, over the limit of %u", (long long)st.st_size,
                 HTTP_WEBAPP_MAX_FILE_BYTES);
        skip(L, rel, why);
        goto out;
    }
    if (L->n == HTTP_WEBAPP_MAX_FILES ||
        L->bytes + (size_t)st.st_size > HTTP_WEBAPP_MAX_TOTAL_BYTES) {
        log_msg(LOG_WARNING, "webapp",
                "skipping %s/%s and the files after it: more than %d files or %u bytes", L->root,
                rel, HTTP_WEBAPP_MAX_FILES, HTTP_WEBAPP_MAX_TOTAL_BYTES);
        L->full = true;
        goto out;
    }
    data = xmalloc((size_t)st.st_size + 1);
    while (got < (size_t)st.st_size) {
        ssize_t k = read(fd, data + got, (size_t)st.st_size - got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            skip(L, rel, k < 0 ? strerror(errno) : "shorter than its size");
            goto out;
        }
        got += (size_t)k;
    }
    data[got] = '\0';
    if (L->n == L->cap) {
        L->cap = L->cap ? 2 * L->cap : 64;
        L->all = xrealloc(L->all, L->cap * sizeof(*L->all));
    }
    struct http_asset *a = &L->all[L->n++];
    char hex[CRYPTO_SHA256_HEX_LEN], etag[36];
    size_t plen = strlen(rel) + sizeof("/app/");
    char *path = xmalloc(plen);
    snprintf(path, plen, "/app/%s", rel);
    crypto_sha256_hex(data, got, hex);
    snprintf(etag, sizeof(etag), "\"%.32s\"", hex);
    *a = (struct http_asset){
        .path = path,
        .name = strrchr(path, '/') + 1,
        .data = data,
        .len = got,
        .etag = xstrdup(etag),
        .csp = http_webapp_csp,
        .cache_control = strncmp(rel, "assets/", 7) == 0 ? immutable : "no-cache",
    };
    data = NULL; /* the index owns it */
    L->bytes += got;
out:
    free(data);
    if (fd >= 0)
        close(fd);
}

/* A symbolic link is served when it leads to a regular file inside the folder. */
static void read_link(struct load *L, const char *file, const char *rel)
{
    char target[PATH_MAX];
    size_t n = strlen(L->real);
    struct stat st;

    if (realpath(file, target) == NULL) {
        skip(L, rel, "a symbolic link that leads nowhere");
        return;
    }
    if (strncmp(target, L->real, n) != 0 || target[n] != '/') {
        skip(L, rel, "a symbolic link that leaves the folder");
        return;
    }
    if (stat(target, &st) == 0 && S_ISDIR(st.st_mode)) {
        skip(L, rel, "a symbolic link to a folder");
        return;
    }
    read_file(L, target, rel, true);
}

/* Reads the folder `rel_dir` ("" for the top) and everything under it. */
static void walk(struct load *L, const char *rel_dir, int depth)
{
    char dir[PATH_MAX];
    DIR *d;
    struct dirent *e;

    int dn = snprintf(dir, sizeof(dir), "%s%s%s", L->real, *rel_dir ? "/" : "", rel_dir);
    if (dn < 0 || (size_t)dn >= sizeof(dir)) {
        skip(L, rel_dir, "a path longer than PATH_MAX");
        return;
    }
    d = opendir(dir);
    if (d == NULL) {
        skip(L, rel_dir, strerror(errno));
        return;
    }
    while (!L->full && (e = readdir(d)) != NULL) {
        char rel[PATH_MAX], file[PATH_MAX];
        struct stat st;

        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        int rn = snprintf(rel, sizeof(rel), "%s%s%s", rel_dir, *rel_dir ? "/" : "", e->d_name);
        int fn = snprintf(file, sizeof(file), "%s/%s", L->real, rel);
        if (rn < 0 || (size_t)rn >= sizeof(rel) || fn < 0 || (size_t)fn >= sizeof(file) ||
            !name_is_servable(rel)) {
            log_msg(LOG_WARNING, "webapp", "skipping %s/%s: a name no URL can carry", L->root, rel);
            continue;
        }
        if (lstat(file, &st) < 0) {
            skip(L, rel, strerror(errno));
        } else if (S_ISLNK(st.st_mode)) {
            read_link(L, file, rel);
        } else if (S_ISDIR(st.st_mode)) {
            if (depth < HTTP_WEBAPP_MAX_DEPTH)
                walk(L, rel, depth + 1);
            else
                skip(L, rel, "too many folders deep");
        } else {
            read_file(L, file, rel, false); /* it says what is not a regular file */
        }
    }
    closedir(d);
}

/* --- the index -------------------------------------------------------------------------- */

static int by_path(const void *a, const void *b)
{
    return strcmp(((const struct http_asset *)a)->path, ((const struct http_asset *)b)->path);
}

static int by_string(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static struct http_asset *find_path(struct http_asset *files, size_t n, const char *path)
{
    struct http_asset key = {.path = path};

    return n == 0 ? NULL : bsearch(&key, files, n, sizeof(*files), by_path);
}

/* For "X.br" (ext ".br") or "X.gz": X, when it is in `files`; else NULL. */
static struct http_asset *base_of(struct http_asset *files, size_t n, const struct http_asset *a,
                                  const char *ext)
{
    size_t len = strlen(a->path);
    char base[PATH_MAX + 8];

    if (len <= 3 || strcmp(a->path + len - 3, ext) != 0 || len - 3 >= sizeof(base))
        return NULL;
    memcpy(base, a->path, len - 3);
    base[len - 3] = '\0';
    return find_path(files, n, base);
}

/*
 * Splits the files, sorted by path, into those a request names and the precompressed siblings,
 * and links each sibling to its file. "X.gz" is a sibling when X is a file of its own; so of
 * "a.js", "a.js.gz" and "a.js.gz.br", the last is a file (its base is a sibling). A base sorts
 * before its siblings, so its own status is known when they are looked at.
 */
static void build(struct http_webapp *w, struct http_asset *all, size_t n)
{
    static const char *const exts[] = {".br", ".gz"};
    bool *is_sibling = xcalloc(n ? n : 1, sizeof(*is_sibling));

    w->files = xcalloc(n ? n : 1, sizeof(*w->files));
    w->variants = xcalloc(n ? n : 1, sizeof(*w->variants));
    for (size_t i = 0; i < n; i++) {
        for (int k = 0; k < 2 && !is_sibling[i]; k++) {
            struct http_asset *b = base_of(all, n, &all[i], exts[k]);
            is_sibling[i] = b != NULL && !is_sibling[b - all];
        }
        if (is_sibling[i])
            w->variants[w->nvariants++] = all[i];
        else
            w->files[w->nfiles++] = all[i];
    }
    for (size_t i = 0; i < w->nvariants; i++) {
        struct http_asset *v = &w->variants[i];
        struct http_asset *f = base_of(w->files, w->nfiles, v, ".br");
        if (f != NULL)
            f->br = v;
        else if ((f = base_of(w->files, w->nfiles, v, ".gz")) != NULL)
            f->gz = v;
    }
    free(is_sibling);
}

struct http_webapp *http_webapp_load(const char *dir)
{
    struct load L = {.root = dir};
    struct http_webapp *w = NULL;
    struct stat st;

    if (dir[0] == '\0' || realpath(dir, L.real) == NULL || stat(L.real, &st) < 0 ||
        !S_ISDIR(st.st_mode)) {
        log_msg(LOG_WARNING, "webapp",
                "WEB_DIR %s is not a folder: the web app is not served (/, /app and "
                "/favicon.ico answer 404)",
                dir[0] ? dir : "(empty)");
        return NULL;
    }
    walk(&L, "", 0);
    if (L.n > 0)
        qsort(L.all, L.n, sizeof(*L.all), by_path);
    w = xcalloc(1, sizeof(*w));
    build(w, L.all, L.n);
    w->bytes = L.bytes;
    w->index = find_path(w->files, w->nfiles, "/app/index.html");
    w->favicon = find_path(w->files, w->nfiles, "/app/favicon.ico");
    free(L.all); /* the assets were copied into w */
    if (L.nskipped > 0)
        qsort(L.skipped, L.nskipped, sizeof(*L.skipped), by_string);
    w->skipped = L.skipped;
    w->nskipped = L.nskipped;
    if (w->index == NULL) {
        log_msg(LOG_WARNING, "webapp",
                "WEB_DIR %s has no index.html: the web app is not served (/, /app and "
                "/favicon.ico answer 404)",
                dir);
        http_webapp_free(w);
        return NULL;
    }
    log_msg(LOG_INFO, "webapp", "serving the web app from %s: %zu files, %zu bytes", dir,
            w->nfiles + w->nvariants, w->bytes);
    return w;
}

void http_webapp_free(struct http_webapp *w)
{
    if (w == NULL)
        return;
    for (size_t i = 0; i < w->nfiles; i++)
        asset_free(&w->files[i]);
    for (size_t i = 0; i < w->nvariants; i++)
        asset_free(&w->variants[i]);
    for (size_t i = 0; i < w->nskipped; i++)
        free(w->skipped[i]);
    free(w->skipped);
    free(w->files);
    free(w->variants);
    free(w);
}

size_t http_webapp_count(const struct http_webapp *w)
{
    return w->nfiles + w->nvariants;
}

size_t http_webapp_bytes(const struct http_webapp *w)
{
    return w->bytes;
}

/* --- lookup ----------------------------------------------------------------------------- */

/*
 * A path below /app/ that can name a file: no control character or backslash, no "." or ".."
 * segment, no empty segment but a last one ("learn/" is a client route like "learn"). The
 * path was decoded by libmicrohttpd, so "%2e%2e" arrives as ".." and "%5c" as a backslash; a
 * "%00" never arrives here (server.c answers it 404 before any lookup).
 */
static bool rel_is_safe(const char *rel)
{
    const char *seg = rel;

    if (!name_is_servable(rel))
        return false;
    for (;;) {
        size_t n = strcspn(seg, "/");
        if ((n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.'))
            return false;
        if (seg[n] == '\0')
            return true;
        if (n == 0)
            return false;
        seg += n + 1;
    }
}

bool http_webapp_find(const struct http_webapp *w, const char *path, struct http_static_hit *hit)
{
    hit->csp = http_webapp_csp;
    hit->asset = NULL;
    if (strcmp(path, "/") == 0) {
        hit->label = http_static_labels[HTTP_LABEL_ROOT];
        hit->asset = w->index;
        return true;
    }
    if (strcmp(path, "/favicon.ico") == 0) {
        hit->label = http_static_labels[HTTP_LABEL_FAVICON];
        hit->asset = w->favicon;
        return true;
    }
    if (strncmp(path, "/app", 4) != 0 || (path[4] != '\0' && path[4] != '/'))
        return false;
    hit->label = http_static_labels[HTTP_LABEL_APP];
    const char *rel = path[4] == '\0' ? "" : path + 5;
    if (!rel_is_safe(rel))
        return true; /* 404 */
    if (*rel != '\0') {
        hit->asset = find_path(w->files, w->nfiles, path);
        if (hit->asset != NULL || (w->nskipped > 0 && bsearch(&path, w->skipped, w->nskipped,
                                                              sizeof(*w->skipped), by_string)))
            return true; /* a file, or one that was not loaded (404) */
    }
    /* A script or style that is not there is a 404, never the page in its place. */
    if (strncmp(rel, "assets/", 7) == 0 || strcmp(rel, "assets") == 0)
        return true;
    hit->asset = w->index; /* a client-side route */
    return true;
}
