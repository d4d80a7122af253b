/*
 * GET /openapi.json: the OpenAPI 3.1.0 document, generated from the route table and the
 * schemas of api/schemas.c (see openapi.h).
 *
 * Sections: shared pieces (components); one operation; the document; the cached text.
 */
#include "http/openapi.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/schemas.h"
#include "http/routes.h"
#include "util/buf.h"
#include "util/arena.h"

#define REF_SCHEMAS "#/components/schemas/"

/* --- shared pieces ------------------------------------------------------------------------- */

/* A reference into components; `where` a literal ("schemas", "responses", "headers"). */
#define ref(where, name) schema_ref("#/components/" where "/", (name))

static json_t *json_content(json_t *schema)
{
    return xneed(json_pack("{s:{s:o}}", "application/json", "schema", schema));
}

static json_t *error_schemas(void)
{
    return xneed(json_pack(
        "{s:{s:s,s:s,s:[s],s:{s:{s:s}},s:b},"
        " s:{s:s,s:s,s:[s],s:{s:{s:s,s:o}}},"
        " s:{s:s,s:[s,s,s],s:{s:{s:s,s:{s:[{s:s},{s:s}]}},s:{s:s},s:{s:s},s:{},s:{s:s}}}}",
        "HTTPError", "type", "object", "description",
        "{\"detail\": message}. The few 409 responses with keys beside detail have their own "
        "schemas (VersionConflict, AnswerConflict, CheckinConflict, AssignmentConflict).",
        "required", "detail", "properties", "detail", "type", "string", "additionalProperties",
        false, "HTTPValidationError", "type", "object", "description",
        "422: every error of one validation pass (FastAPI / pydantic v2 shape)", "required",
        "detail", "properties", "detail", "type", "array", "items",
        ref("schemas", "ValidationError"), "ValidationError", "type", "object", "required", "loc",
        "msg", "type", "properties", "loc", "type", "array", "items", "anyOf", "type", "string",
        "type", "integer", "msg", "type", "string", "type", "type", "string", "input", "ctx",
        "type", "object"));
}

/* A header object with a string or integer schema. */
static json_t *header(const char *description, const char *type)
{
    return xneed(json_pack("{s:s,s:{s:s}}", "description", description, "schema", "type", type));
}

static json_t *request_id_headers(void)
{
    return xneed(json_pack("{s:o}", "X-Request-ID", ref("headers", "X-Request-ID")));
}

/* One of components.responses: `detail` is the message when fixed. */
static json_t *error_response(const char *description, const char *schema, const char *extra,
                              const char *extra_ref)
{
    json_t *headers = request_id_headers();

    if (extra != NULL)
        json_object_set_new(headers, extra, ref("headers", extra_ref));
    return xneed(json_pack("{s:s,s:o,s:o}", "description", description, "headers", headers,
                           "content", json_content(ref("schemas", schema))));
}

static json_t *components(void)
{
    json_t *schemas = error_schemas();

    for (size_t i = 0; schemas_all[i] != NULL; i++)
        json_object_set_new(schemas, schemas_all[i]->name,
                            schema_to_json(schemas_all[i], REF_SCHEMAS));
    return xneed(json_pack(
        "{s:o,s:{s:{s:s,s:s},s:{s:s,s:s,s:s,s:s}},s:{s:o,s:o,s:o,s:o},s:{s:o,s:o,s:o,s:o,s:o,s:o,"
        "s:o,s:o,s:o,s:o,s:o}}",
        "schemas", schemas, "securitySchemes", "bearerAuth", "type", "http", "scheme", "bearer",
        "accessTokenQuery", "type", "apiKey", "in", "query", "name", "access_token", "description",
        "The notification stream only: the bearer token as ?access_token=", "headers",
        "X-Request-ID", header("The request's X-Request-ID when valid, else a new UUID", "string"),
        "Retry-After", header("Seconds to wait before retrying", "integer"), "WWW-Authenticate",
        header("Bearer", "string"), "Idempotent-Replayed",
        header("true when the response is a stored one replayed for an Idempotency-Key", "string"),
        "responses", "BadRequest", error_response("Malformed JSON", "HTTPError", NULL, NULL),
        "Unauthorized",
        error_response("Not authenticated or could not validate credentials", "HTTPError",
                       "WWW-Authenticate", "WWW-Authenticate"),
        "Forbidden",
        error_response("Forbidden for the caller's role or on this object", "HTTPError", NULL,
                       NULL),
        "NotFound",
        error_response("Not Found (or not visible to the caller)", "HTTPError", NULL, NULL),
        "Conflict", error_response("Conflict with the stored state", "HTTPError", NULL, NULL),
        "PayloadTooLarge", error_response("Request Entity Too Large", "HTTPError", NULL, NULL),
        "UnsupportedMediaType",
        error_response("Unsupported Media Type (the body must be application/json)", "HTTPError",
                       NULL, NULL),
        "ValidationError", error_response("Validation error", "HTTPValidationError", NULL, NULL),
        "TooManyRequests",
        error_response("Too Many Requests", "HTTPError", "Retry-After", "Retry-After"),
        "InternalError", error_response("Internal Server Error", "HTTPError", NULL, NULL),
        "ServiceUnavailable",
        error_response("Service Unavailable (the database)", "HTTPError", "Retry-After",
                       "Retry-After")));
}

/* --- one operation ------------------------------------------------------------------------- */

/* The operationId's tag: its part before the first '_' ("modules_get" -> "modules"). */
static void openapi_tag(const char *operation, char *out, size_t size)
{
    size_t n = strcspn(operation, "_");

    if (n >= size)
        n = size - 1;
    memcpy(out, operation, n);
    out[n] = '\0';
}

static json_t *parameter(const char *in, const char *name, bool required, json_t *schema,
                         const char *description)
{
    json_t *p = xneed(json_pack("{s:s,s:s,s:b,s:o}", "name", name, "in", in, "required", required,
                                "schema", schema));

    if (description != NULL)
        json_object_set_new(p, "description", xneed(json_string(description)));
    return p;
}

/* Path parameters from the template: every {name} is a UUID (API.md §1.6). */
static void path_parameters(const char *pattern, json_t *params)
{
    for (const char *p = strchr(pattern, '{'); p != NULL; p = strchr(p + 1, '{')) {
        const char *end = strchr(p, '}');
        char name[64];
        size_t n = (size_t)(end - p - 1);

        if (n >= sizeof(name))
            n = sizeof(name) - 1;
        memcpy(name, p + 1, n);
        name[n] = '\0';
        json_array_append_new(
            params,
            parameter("path", name, true,
                      xneed(json_pack("{s:s,s:s}", "type", "string", "format", "uuid")), NULL));
    }
}

static void query_parameters(const struct schema *s, json_t *params)
{
    /* The base's fields (limit, cursor) after the endpoint's own filters. */
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->count; i++) {
        const struct schema_field *f = &s->fields[i];
        json_t *schema = schema_field_to_json(f, REF_SCHEMAS);
        json_t *desc = json_object_get(schema, "description");
        const char *d = desc != NULL ? json_string_value(desc) : NULL;
        json_t *p = parameter("query", f->name, (f->flags & SCHEMA_REQUIRED) != 0, schema, NULL);

        if (d != NULL)
            json_object_set_new(p, "description", xneed(json_string(d)));
        json_array_append_new(params, p);
    }
    query_parameters(s->base, params);
}

static json_t *success_response(const struct route *rt)
{
    int ok = rt->ok != 0 ? rt->ok : 200;
    json_t *res =
        xneed(json_pack("{s:s,s:o}", "description", rt->summary, "headers", request_id_headers()));

    if (rt->flags & ROUTE_IDEMPOTENT)
        json_object_set_new(json_object_get(res, "headers"), "Idempotent-Replayed",
                            ref("headers", "Idempotent-Replayed"));
    if (ok == 204)
        return res;
    json_t *schema;
    const char *media = rt->media != NULL ? rt->media : "application/json";

    if (rt->response != NULL)
        schema = ref("schemas", rt->response->name);
    else if (strcmp(media, "application/json") == 0)
        schema = xneed(json_pack("{s:s}", "type", "object"));
    else
        schema = xneed(json_pack("{s:s}", "type", "string"));
    json_object_set_new(res, "content", xneed(json_pack("{s:{s:o}}", media, "schema", schema)));
    return res;
}

static void add_status(json_t *responses, int status, json_t *response)
{
    char code[8];

    snprintf(code, sizeof(code), "%d", status);
    json_object_set_new(responses, code, response);
}

static json_t *responses_of(const struct route *rt, bool has_path_params)
{
    json_t *res = xneed(json_object());
    bool authenticated = rt->access != ACCESS_PUBLIC;
    bool body = (rt->flags & ROUTE_BODY) != 0;

    add_status(res, rt->ok != 0 ? rt->ok : 200, success_response(rt));
    if (rt->doc & DOC_NOT_MODIFIED)
        add_status(res, 304,
                   xneed(json_pack("{s:s,s:o}", "description",
                                   "Not Modified: If-None-Match names the current ETag; no body",
                                   "headers", request_id_headers())));
    if (body) {
        add_status(res, 400, ref("responses", "BadRequest"));
        add_status(res, 413, ref("responses", "PayloadTooLarge"));
        add_status(res, 415, ref("responses", "UnsupportedMediaType"));
    }
    if (authenticated || (rt->doc & (DOC_TOKEN_OPTIONAL | DOC_CREDENTIALS)))
        add_status(res, 401, ref("responses", "Unauthorized"));
    if (rt->access == ACCESS_AUTHOR || rt->access == ACCESS_ADMIN || rt->gate != NULL)
        add_status(res, 403, ref("responses", "Forbidden"));
    if (has_path_params)
        add_status(res, 404, ref("responses", "NotFound"));
    if (rt->conflict != NULL) {
        json_t *schema = xneed(json_pack("{s:[o,o]}", "anyOf", ref("schemas", "HTTPError"),
                                         ref("schemas", rt->conflict->name)));
        add_status(
            res, 409,
            xneed(json_pack("{s:s,s:o,s:o}", "description", "Conflict with the stored state",
                            "headers", request_id_headers(), "content", json_content(schema))));
    } else if ((rt->doc & DOC_CONFLICT) || (rt->flags & ROUTE_IDEMPOTENT)) {
        add_status(res, 409, ref("responses", "Conflict"));
    }
    if (authenticated || body || has_path_params || rt->query != NULL)
        add_status(res, 422, ref("responses", "ValidationError"));
    if (rt->doc & DOC_RATE_LIMITED)
        add_status(res, 429, ref("responses", "TooManyRequests"));
    add_status(res, 500, ref("responses", "InternalError"));
    if (rt->doc & DOC_NOT_READY) {
        json_t *not_ready = success_response(rt);

        json_object_set_new(not_ready, "description", xneed(json_string("Not ready")));
        add_status(res, 503, not_ready);
    } else if (!(rt->flags & ROUTE_NO_DB)) {
        add_status(res, 503, ref("responses", "ServiceUnavailable"));
    }
    return res;
}

/* A route written without R() in routes.c has no operationId: one is made from the method and
 * path ("GET /metrics" -> "get_metrics"), so the document stays valid; test_openapi.c fails
 * on such a route. */
static void fallback_id(const struct route *rt, char *out, size_t size)
{
    size_t n = 0;

    for (const char *p = rt->method; *p != '\0' && n + 1 < size; p++)
        out[n++] = (char)(*p - 'A' + 'a');
    for (const char *p = rt->pattern; *p != '\0' && n + 1 < size; p++) {
        bool alnum = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9');
        if (alnum)
            out[n++] = *p;
        else if (n > 0 && out[n - 1] != '_' && *p != '}')
            out[n++] = '_';
    }
    out[n] = '\0';
}

static json_t *operation(const struct route *rt)
{
    char tag[32], id[128];
    json_t *params = xneed(json_array());
    json_t *op;

    if (rt->operation != NULL) {
        snprintf(id, sizeof(id), "%s", rt->operation);
        openapi_tag(rt->operation, tag, sizeof(tag));
    } else {
        fallback_id(rt, id, sizeof(id));
        snprintf(tag, sizeof(tag), "%s", strncmp(rt->pattern, "/api/v1/", 8) == 0 ? "api" : "ops");
    }
    path_parameters(rt->pattern, params);
    bool has_path_params = json_array_size(params) > 0;
    query_parameters(rt->query, params);
    if (rt->flags & ROUTE_IDEMPOTENT)
        json_array_append_new(
            params,
            parameter("header", "Idempotency-Key", false,
                      xneed(json_pack("{s:s,s:s}", "type", "string", "pattern", "^[!-~]{1,255}$")),
                      "Retries with the same key and body replay the stored response "
                      "(API.md §1.8)"));
    if (rt->media != NULL && strcmp(rt->media, "text/event-stream") == 0)
        json_array_append_new(params,
                              parameter("header", "Last-Event-ID", false,
                                        xneed(json_pack("{s:s}", "type", "string")),
                                        "Replay every notification with a greater seq first"));
    op =
        xneed(json_pack("{s:s,s:s,s:[s]}", "operationId", id, "summary", rt->summary, "tags", tag));
    if (json_array_size(params) > 0)
        json_object_set_new(op, "parameters", params);
    else
        json_decref(params);
    if (rt->body != NULL)
        json_object_set_new(
            op, "requestBody",
            xneed(json_pack("{s:b,s:o}", "required", !(rt->flags & ROUTE_BODY_OPTIONAL), "content",
                            json_content(ref("schemas", rt->body->name)))));
    json_object_set_new(op, "responses", responses_of(rt, has_path_params));
    if (rt->flags & ROUTE_QUERY_TOKEN)
        json_object_set_new(op, "security",
                            xneed(json_pack("[{s:[]},{s:[]}]", "bearerAuth", "accessTokenQuery")));
    else if (rt->doc & DOC_TOKEN_OPTIONAL)
        json_object_set_new(op, "security", xneed(json_pack("[{},{s:[]}]", "bearerAuth")));
    else if (rt->access != ACCESS_PUBLIC)
        json_object_set_new(op, "security", xneed(json_pack("[{s:[]}]", "bearerAuth")));
    return op;
}

/* --- the document -------------------------------------------------------------------------- */

static const struct {
    const char *name, *description;
} tag_docs[] = {
    {"auth", "Registration and tokens (API.md §4)"},
    {"users", "Profiles and user administration (§4)"},
    {"modules", "Training modules (§5, §7)"},
    {"screens", "Screens of a module (§6)"},
    {"progress", "Progress through a module (§8)"},
    {"feedback", "Feedback on modules (§9)"},
    {"checkins", "Daily check-ins (§10)"},
    {"assignments", "Assignments of modules to users (§11)"},
    {"notifications", "Notifications and their stream (§12)"},
    {"analytics", "Module analytics (§13)"},
    {"ops", "Operations endpoints (§14)"},
};

json_t *openapi_build(const struct route *routes, size_t n)
{
    json_t *paths = xneed(json_object());
    json_t *tags = xneed(json_array());

    for (size_t i = 0; i < n; i++) {
        const struct route *rt = &routes[i];
        json_t *item = json_object_get(paths, rt->pattern);
        char method[8];
        size_t k;

        if (item == NULL) {
            item = xneed(json_object());
            json_object_set_new(paths, rt->pattern, item);
        }
        for (k = 0; rt->method[k] != '\0' && k + 1 < sizeof(method); k++)
            method[k] = (char)(rt->method[k] - 'A' + 'a');
        method[k] = '\0';
        json_object_set_new(item, method, operation(rt));
    }
    for (size_t i = 0; i < sizeof(tag_docs) / sizeof(tag_docs[0]); i++)
        json_array_append_new(tags, xneed(json_pack("{s:s,s:s}", "name", tag_docs[i].name,
                                                    "description", tag_docs[i].description)));
    return xneed(json_pack(
        "{s:s,s:{s:s,s:s,s:s},s:o,s:o,s:o}", "openapi", "3.1.0", "info", "title", "TrainSmart API",
        "version", TS_VERSION, "description",
        "Microlearning: modules of screens, progress, feedback, check-ins, assignments and "
        "notifications. Generated from the server's route table and the schemas its request "
        "validators use.",
        "tags", tags, "paths", paths, "components", components()));
}

/* --- the cached text ----------------------------------------------------------------------- */

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char *text;
static size_t text_len;

static void build_text(void)
{
    json_t *doc = openapi_build(routes_table, routes_count);

    text = xneed(json_dumps(doc, JSON_COMPACT));
    json_decref(doc);
    text_len = strlen(text);
}

const char *openapi_text(size_t *len)
{
    pthread_once(&once, build_text);
    *len = text_len;
    return text;
}
