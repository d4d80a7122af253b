/*
 * Queuing replies in the FastAPI shapes of API.md §1.3. The reply is kept in the request until
 * server.c hands it to libmicrohttpd, so a reply can be inspected by unit tests.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"
#include "util/err.h"
#include "util/log.h"

static bool claim(struct http_req *r, int status)
{
    if (r->replied) {
        log_msg(LOG_ERROR, "http", "second reply (%d) for one request ignored", status);
        assert(!"a request got two replies");
        return false;
    }
    r->replied = true;
    r->status = status;
    r->content_type = "application/json";
    return true;
}

void http_add_header(struct http_req *r, const char *name, const char *value)
{
    if (r->nreply_headers == HTTP_MAX_REPLY_HEADERS) {
        log_msg(LOG_ERROR, "http", "too many reply headers; dropped %s", name);
        return;
    }
    r->reply_headers[r->nreply_headers].name = name;
    r->reply_headers[r->nreply_headers].value = value;
    r->nreply_headers++;
}

int http_reply_json_new(struct http_req *r, int status, json_t *body)
{
    if (!claim(r, status)) {
        json_decref(body);
        return 0;
    }
    char *text = json_dumps(body, JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref(body);
    if (text == NULL) {
        /* Only out of memory or an invalid tree; the reply still goes out. */
        log_msg(LOG_ERROR, "http", "cannot serialise a %d reply", status);
        r->status = 500;
        text = strdup("{\"detail\":\"Internal Server Error\"}");
        if (text == NULL)
            abort();
    }
    r->reply_body = text;
    r->reply_len = strlen(text);
    return 0;
}

int http_reply_detail(struct http_req *r, int status, const char *detail)
{
    return http_reply_json_new(r, status, json_pack("{s:s}", "detail", detail));
}

int http_reply_err(struct http_req *r, int rc)
{
    int status = ts_err_status(rc);

    if (status == 500)
        log_msg(LOG_ERROR, "http", "internal error %s in %s %s", ts_err_name(rc), r->method,
                r->route ? r->route->pattern : r->path);
    http_reply_detail(r, status, ts_strerror(rc));
    if (status == 401)
        http_add_header(r, "WWW-Authenticate", "Bearer");
    if (status == 503)
        http_add_header(r, "Retry-After", "5");
    return 0;
}

int http_reply_invalid(struct http_req *r, struct valid *v)
{
    return http_reply_json_new(r, 422, json_pack("{s:o}", "detail", valid_take_errors(v)));
}

int http_valid_or_reply(struct http_req *r, struct valid *v)
{
    int rc = 0;

    if (!valid_ok(v)) {
        http_reply_invalid(r, v);
        rc = -1;
    }
    valid_free(v);
    return rc;
}

int http_reply_empty(struct http_req *r, int status)
{
    if (!claim(r, status))
        return 0;
    r->content_type = NULL;
    return 0;
}

int http_reply_borrowed(struct http_req *r, int status, const char *content_type, const char *body,
                        size_t len)
{
    if (!claim(r, status))
        return 0;
    r->content_type = content_type;
    r->reply_static = body;
    r->reply_len = len;
    return 0;
}

int http_reply_raw(struct http_req *r, int status, const char *content_type, const char *body,
                   size_t len)
{
    if (!claim(r, status))
        return 0;
    r->content_type = content_type;
    r->reply_body = malloc(len + 1);
    if (r->reply_body == NULL)
        abort();
    memcpy(r->reply_body, body, len);
    r->reply_body[len] = '\0';
    r->reply_len = len;
    return 0;
}
