/*
 * GET /openapi.json (API.md §14): the document and the route table agree exactly (every route
 * once, with its template, parameter names, operationId, security and error responses, and
 * nothing else); the document is valid OpenAPI 3.1 and every endpoint's live responses match
 * it (tests/node/openapi-check.mjs); the examples of README.md and docs/ conform to it
 * (tests/node/openapi-examples.mjs).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "http/routes.h"
#include "support/accounts.h"
#include "support/server.h"

/* The document as served (asserts 200 application/json); caller decrefs. */
static json_t *fetch_document(const struct ts_server *s)
{
    struct ts_resp r;

    ts_http(s, "GET", "/openapi.json", NULL, NULL, &r);
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(ts_header(&r, "Content-Type"), "application/json");
    cr_assert_not_null(r.json, "not JSON: %.200s", r.body);
    json_t *doc = json_incref(r.json);
    ts_resp_free(&r);
    return doc;
}

static void lower(const char *in, char *out, size_t size)
{
    size_t i = 0;

    for (; in[i] != '\0' && i + 1 < size; i++)
        out[i] = (char)(in[i] >= 'A' && in[i] <= 'Z' ? in[i] - 'A' + 'a' : in[i]);
    out[i] = '\0';
}

/* The "$ref" of response `code` of `op`, or "" when it is written inline, NULL when absent. */
static const char *response_ref(json_t *op, const char *code)
{
    json_t *res = json_object_get(json_object_get(op, "responses"), code);

    if (res == NULL)
        return NULL;
    json_t *ref = json_object_get(res, "$ref");
    return ref != NULL ? json_string_value(ref) : "";
}

static int count_path_params(const char *pattern)
{
    int n = 0;

    for (const char *p = strchr(pattern, '{'); p != NULL; p = strchr(p + 1, '{'))
        n++;
    return n;
}

/* Checks the operation of route `rt` in `doc`. */
static void check_route(json_t *doc, const struct route *rt)
{
    char method[8];
    lower(rt->method, method, sizeof(method));
    json_t *op =
        json_object_get(json_object_get(json_object_get(doc, "paths"), rt->pattern), method);
    cr_assert_not_null(op, "%s %s is not in the document", rt->method, rt->pattern);
    cr_assert_not_null(rt->operation, "%s %s has no operationId", rt->method, rt->pattern);
    cr_assert_str_eq(json_string_value(json_object_get(op, "operationId")), rt->operation);

    /* Path parameters: exactly the template's names, in order. */
    json_t *params = json_object_get(op, "parameters");
    const char *p = strchr(rt->pattern, '{');
    int seen = 0;
    size_t i;
    json_t *param;
    json_array_foreach(params, i, param)
    {
        if (strcmp(json_string_value(json_object_get(param, "in")), "path") != 0)
            continue;
        cr_assert_not_null(p, "%s %s: extra path parameter", rt->method, rt->pattern);
        const char *name = json_string_value(json_object_get(param, "name"));
        cr_assert(strncmp(p + 1, name, strlen(name)) == 0 && p[1 + strlen(name)] == '}',
                  "%s %s: path parameter %s", rt->method, rt->pattern, name);
        cr_assert(json_is_true(json_object_get(param, "required")));
        p = strchr(p + 1, '{');
        seen++;
    }
    cr_assert_eq(seen, count_path_params(rt->pattern), "%s %s: path parameters", rt->method,
                 rt->pattern);

    /* bearerAuth exactly on authenticated operations. */
    json_t *security = json_object_get(op, "security");
    bool has_bearer = false;
    json_array_foreach(security, i, param) has_bearer |=
        json_object_get(param, "bearerAuth") != NULL;
    cr_assert_eq(has_bearer, rt->access != ACCESS_PUBLIC || (rt->doc & DOC_TOKEN_OPTIONAL),
                 "%s %s: bearerAuth", rt->method, rt->pattern);

    /* Request body: its schema, exactly on body routes. */
    json_t *body = json_object_get(op, "requestBody");
    cr_assert_eq(body != NULL, (rt->flags & ROUTE_BODY) != 0, "%s %s: requestBody", rt->method,
                 rt->pattern);
    if (body != NULL) {
        char want[128];
        snprintf(want, sizeof(want), "#/components/schemas/%s", rt->body->name);
        cr_assert_str_eq(json_string_value(json_object_get(
                             json_object_get(json_object_get(json_object_get(body, "content"),
                                                             "application/json"),
                                             "schema"),
                             "$ref")),
                         want);
    }

    /* The success status and the error responses the route's properties imply. */
    char ok[8];
    snprintf(ok, sizeof(ok), "%d", rt->ok != 0 ? rt->ok : 200);
    cr_assert_not_null(response_ref(op, ok), "%s %s: no %s", rt->method, rt->pattern, ok);
    cr_assert_not_null(response_ref(op, "500"));
    if (rt->access != ACCESS_PUBLIC)
        cr_assert_str_eq(response_ref(op, "401"), "#/components/responses/Unauthorized");
    else if (!(rt->doc & (DOC_TOKEN_OPTIONAL | DOC_CREDENTIALS)))
        cr_assert_null(response_ref(op, "401"), "%s %s: public", rt->method, rt->pattern);
    if (rt->access == ACCESS_AUTHOR || rt->access == ACCESS_ADMIN)
        cr_assert_str_eq(response_ref(op, "403"), "#/components/responses/Forbidden");
    if (count_path_params(rt->pattern) > 0)
        cr_assert_str_eq(response_ref(op, "404"), "#/components/responses/NotFound");
    if (rt->flags & ROUTE_BODY) {
        cr_assert_str_eq(response_ref(op, "413"), "#/components/responses/PayloadTooLarge");
        cr_assert_str_eq(response_ref(op, "415"), "#/components/responses/UnsupportedMediaType");
        cr_assert_str_eq(response_ref(op, "400"), "#/components/responses/BadRequest");
    }
    if (rt->access != ACCESS_PUBLIC || (rt->flags & ROUTE_BODY) || rt->query != NULL)
        cr_assert_str_eq(response_ref(op, "422"), "#/components/responses/ValidationError");
    if (rt->flags & ROUTE_IDEMPOTENT) {
        cr_assert_not_null(response_ref(op, "409"), "%s %s: 409", rt->method, rt->pattern);
        bool has_key = false;
        json_array_foreach(params, i, param) has_key |=
            strcmp(json_string_value(json_object_get(param, "name")), "Idempotency-Key") == 0;
        cr_assert(has_key, "%s %s: Idempotency-Key", rt->method, rt->pattern);
    }
    if (rt->conflict != NULL)
        cr_assert_str_eq(response_ref(op, "409"), "", "%s %s: its own 409", rt->method,
                         rt->pattern);
    if (!(rt->flags & ROUTE_NO_DB))
        cr_assert_not_null(response_ref(op, "503"), "%s %s: 503", rt->method, rt->pattern);
}

Test(openapi, document_and_route_table_agree_exactly, .timeout = 60)
{
    struct ts_server s;

    ts_server_start(&s, NULL);
    json_t *doc = fetch_document(&s);
    cr_assert_str_eq(json_string_value(json_object_get(doc, "openapi")), "3.1.0");
    json_t *scheme = json_object_get(
        json_object_get(json_object_get(doc, "components"), "securitySchemes"), "bearerAuth");
    json_t *want_scheme = json_pack("{s:s,s:s}", "type", "http", "scheme", "bearer");
    cr_assert(json_equal(scheme, want_scheme));
    json_decref(want_scheme);

    /* info.version is the server's: what `trainsmart version` prints. */
    const char *const args[] = {"version", NULL};
    char *out = NULL;
    cr_assert_eq(ts_run_cli(args, NULL, &out, NULL), 0);
    char want[64];
    snprintf(want, sizeof(want), "trainsmart %s\n",
             json_string_value(json_object_get(json_object_get(doc, "info"), "version")));
    cr_assert_str_eq(out, want);
    free(out);

    /* Every route is there as written; nothing else is; operationIds are unique. */
    for (size_t i = 0; i < routes_count; i++)
        check_route(doc, &routes_table[i]);
    size_t operations = 0;
    const char *path;
    json_t *item, *op, *ids = json_object();
    json_object_foreach(json_object_get(doc, "paths"), path, item)
    {
        const char *method;
        json_object_foreach(item, method, op)
        {
            const char *id = json_string_value(json_object_get(op, "operationId"));
            cr_assert_not_null(id, "%s %s: operationId", method, path);
            cr_assert_null(json_object_get(ids, id), "operationId %s twice", id);
            json_object_set_new(ids, id, json_true());
            operations++;
        }
    }
    cr_assert_eq(operations, routes_count, "the document has %zu operations, the table %zu",
                 operations, routes_count);
    json_decref(ids);
    json_decref(doc);
    cr_assert_eq(ts_server_stop(&s), 0);
}

/* Runs `node <script> <args>` from the source tree; returns its exit status and prints its
 * output (the checkers name what did not match). */
static int run_node(const char *script, const char *args)
{
    char cmd[4096];
    char line[1024];

    snprintf(cmd, sizeof(cmd), "node %s/tests/node/%s %s 2>&1", TS_SOURCE_DIR, script, args);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    while (fgets(line, sizeof(line), p) != NULL)
        fputs(line, stderr);
    int status = pclose(p);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

Test(openapi, every_endpoint_answers_as_documented, .timeout = 180)
{
    struct ts_server s;
    struct ts_user admin, author, learner;
    char args[2048];

    ts_server_start(&s, NULL);
    ts_admin(&s, &admin);
    ts_user_with_role(&s, &admin, "author", &author);
    ts_learner(&s, &learner);
    snprintf(args, sizeof(args), "http://127.0.0.1:%d %s %s %s %s", s.port, admin.token,
             author.token, learner.token, learner.id);
    cr_assert_eq(run_node("openapi-check.mjs", args), 0, "see the checker's output above");
    cr_assert_eq(ts_server_stop(&s), 0);
}

Test(openapi, readme_and_docs_examples_conform, .timeout = 60)
{
    struct ts_server s;
    char args[1024];

    ts_server_start(&s, NULL);
    snprintf(args, sizeof(args), "http://127.0.0.1:%d %s/README.md %s/docs", s.port, TS_SOURCE_DIR,
             TS_SOURCE_DIR);
    cr_assert_eq(run_node("openapi-examples.mjs", args), 0, "see the checker's output above");
    cr_assert_eq(ts_server_stop(&s), 0);
}
