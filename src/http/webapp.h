/*
 * The web app's files (API.md §18): the build output of web/ (Vite), loaded from WEB_DIR into
 * memory once at start, and the paths it answers.
 *
 * Loading reads every regular file under the folder into a read-only index (URL path, bytes,
 * content type, a strong ETag from the SHA-256 of the bytes), and attaches a file's
 * precompressed siblings "X.br" and "X.gz" to "X". Requests never touch the disk: the folder
 * of a container image does not change, and a changed folder is picked up by a restart.
 * docs/DECISIONS.md, "Web app", has the rules and the limits.
 */
#ifndef TS_HTTP_WEBAPP_H
#define TS_HTTP_WEBAPP_H

#include <stdbool.h>

#include "http/static.h"

/* Limits of what is loaded (a web app's build is a few MB). */
#define HTTP_WEBAPP_MAX_FILE_BYTES (32u << 20)   /* larger files are skipped */
#define HTTP_WEBAPP_MAX_TOTAL_BYTES (256u << 20) /* loading stops there */
#define HTTP_WEBAPP_MAX_FILES 10000
#define HTTP_WEBAPP_MAX_DEPTH 16

/*
 * Loads the folder `dir`. Returns the index (the caller frees it with http_webapp_free()), or
 * NULL when the folder does not exist, is not a folder or has no index.html: then one warning
 * naming it is logged, and the app's paths are ordinary unknown paths. Files that cannot be
 * served (not regular, a symbolic link leading out of the folder, over the size cap, past the
 * total) are skipped with a warning each. Not thread safe; call before serving.
 */
struct http_webapp *http_webapp_load(const char *dir);

void http_webapp_free(struct http_webapp *w);

/* Number of files and bytes loaded (siblings included). */
size_t http_webapp_count(const struct http_webapp *w);
size_t http_webapp_bytes(const struct http_webapp *w);

/*
 * Whether `path` (decoded, as the request line named it) is the app's: "/", "/favicon.ico",
 * "/app" and "/app/...". Then `hit` says what a GET is answered with: a file of the build
 * ("/app/assets/x.js" is WEB_DIR/assets/x.js), index.html for "/", "/app", "/app/" and any
 * other path under /app/ outside /app/assets/ (client-side routes), or NULL (404): a missing
 * file under /app/assets/, a missing favicon, a path with "." or ".." segments, an empty
 * segment, a backslash or a control character. The precompressed siblings are reachable only
 * through Accept-Encoding. Thread safe (the index is read-only).
 */
bool http_webapp_find(const struct http_webapp *w, const char *path, struct http_static_hit *hit);

#endif
