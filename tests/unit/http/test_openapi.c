/* The OpenAPI generator (http/openapi.c) on routes of its own: operations whose success is not
 * JSON (/metrics, /docs of API.md §14), optional tokens, and what each route's properties
 * imply. The real table is checked against the served document in tests/api/test_openapi.c. */
#include <criterion/criterion.h>
#include <string.h>

#include "api/schemas.h"
#include "http/openapi.h"

static int h(struct http_req *r)
{
    (void)r;
    return 0;
}

static const struct route table[] = {
    {"GET", "/metrics", h, ACCESS_PUBLIC, ROUTE_NO_DB, "Prometheus metrics",
     .operation = "ops_metrics", .media = "text/plain; version=0.0.4; charset=utf-8",
     .doc = DOC_TOKEN_OPTIONAL},
    {"GET", "/docs", h, ACCESS_PUBLIC, ROUTE_NO_DB, "Interactive documentation",
     .operation = "ops_docs", .media = "text/html; charset=utf-8"},
    {"PATCH", "/api/v1/things/{thing_id}", h, ACCESS_AUTHOR, ROUTE_BODY | ROUTE_IDEMPOTENT,
     "Edit a thing", .operation = "things_patch", .body = &schema_module_patch_body,
     .response = &schema_module, .conflict = &schema_version_conflict},
    {"GET", "/legacy", h, ACCESS_PUBLIC, 0, "Written without R()"},
};

static json_t *doc;

static void setup(void)
{
    doc = openapi_build(table, sizeof(table) / sizeof(table[0]));
}

static void teardown(void)
{
    json_decref(doc);
}

TestSuite(openapi, .init = setup, .fini = teardown);

static json_t *op(const char *path, const char *method)
{
    json_t *o = json_object_get(json_object_get(json_object_get(doc, "paths"), path), method);
    cr_assert_not_null(o, "%s %s", method, path);
    return o;
}

static json_t *response(json_t *o, const char *code)
{
    return json_object_get(json_object_get(o, "responses"), code);
}

Test(openapi, metrics_is_text_with_an_optional_token)
{
    json_t *o = op("/metrics", "get");
    json_t *content = json_object_get(response(o, "200"), "content");

    cr_assert_eq(json_object_size(content), 1);
    json_t *text = json_object_get(content, "text/plain; version=0.0.4; charset=utf-8");
    cr_assert_not_null(text);
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(text, "schema"), "type")),
                     "string");
    cr_assert_not_null(response(o, "401"));
    cr_assert_null(response(o, "503"));
    cr_assert_null(response(o, "422"));
    json_t *security = json_object_get(o, "security");
    cr_assert_eq(json_array_size(security), 2);
    cr_assert_eq(json_object_size(json_array_get(security, 0)), 0); /* {}: no token needed */
    cr_assert_not_null(json_object_get(json_array_get(security, 1), "bearerAuth"));
    cr_assert_str_eq(json_string_value(json_array_get(json_object_get(o, "tags"), 0)), "ops");
}

Test(openapi, docs_is_public_html)
{
    json_t *o = op("/docs", "get");

    cr_assert_not_null(json_object_get(json_object_get(response(o, "200"), "content"),
                                       "text/html; charset=utf-8"));
    cr_assert_null(json_object_get(o, "security"));
    cr_assert_null(response(o, "401"));
    cr_assert_null(response(o, "503"));
    cr_assert_not_null(response(o, "500"));
}

Test(openapi, route_properties_imply_parameters_and_errors)
{
    json_t *o = op("/api/v1/things/{thing_id}", "patch");
    json_t *params = json_object_get(o, "parameters");

    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(params, 0), "name")),
                     "thing_id");
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(params, 1), "name")),
                     "Idempotency-Key");
    static const char *const codes[] = {"200", "400", "401", "403", "404", "409",
                                        "413", "415", "422", "500", "503"};
    cr_assert_eq(json_object_size(json_object_get(o, "responses")), 11);
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
        cr_assert_not_null(response(o, codes[i]), "%s", codes[i]);
    cr_assert_null(response(o, "429"));
    /* A 409 with extra keys: HTTPError or the route's own schema. */
    json_t *any = json_object_get(
        json_object_get(
            json_object_get(json_object_get(response(o, "409"), "content"), "application/json"),
            "schema"),
        "anyOf");
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(any, 1), "$ref")),
                     "#/components/schemas/VersionConflict");
    cr_assert_not_null(
        json_object_get(json_object_get(response(o, "200"), "headers"), "Idempotent-Replayed"));
}

Test(openapi, a_route_without_an_operation_id_gets_one)
{
    json_t *o = op("/legacy", "get");

    cr_assert_str_eq(json_string_value(json_object_get(o, "operationId")), "get_legacy");
}

Test(openapi, schemas_are_components_once)
{
    json_t *schemas = json_object_get(json_object_get(doc, "components"), "schemas");

    for (size_t i = 0; schemas_all[i] != NULL; i++) {
        cr_assert_not_null(schemas_all[i]->name);
        cr_assert_not_null(json_object_get(schemas, schemas_all[i]->name), "%s",
                           schemas_all[i]->name);
        for (size_t j = 0; j < i; j++)
            cr_assert_str_neq(schemas_all[i]->name, schemas_all[j]->name);
    }
    cr_assert_not_null(json_object_get(schemas, "HTTPError"));
    cr_assert_not_null(json_object_get(schemas, "HTTPValidationError"));
}

/* Every "$ref" of `node` names something the document holds. */
static void check_refs(json_t *root, json_t *node)
{
    if (json_is_array(node)) {
        size_t i;
        json_t *item;
        json_array_foreach(node, i, item) check_refs(root, item);
        return;
    }
    if (!json_is_object(node))
        return;
    const char *key;
    json_t *val;
    json_object_foreach(node, key, val)
    {
        if (strcmp(key, "$ref") == 0 && json_is_string(val)) {
            const char *ref = json_string_value(val);
            cr_assert(strncmp(ref, "#/components/", 13) == 0, "%s", ref);
            char kind[32], name[96];
            cr_assert_eq(sscanf(ref + 13, "%31[^/]/%95s", kind, name), 2, "%s", ref);
            cr_assert_not_null(
                json_object_get(json_object_get(json_object_get(root, "components"), kind), name),
                "dangling %s", ref);
        } else {
            check_refs(root, val);
        }
    }
}

Test(openapi, every_reference_resolves)
{
    check_refs(doc, doc);
}
