/*
 * JSON request bodies of every route that takes one (docs/RELIABILITY.md, "Fuzzing").
 *
 * Input: byte 0 picks the route (every entry of the route table with a body schema), byte 1
 * the Content-Type variant (bits 0-1) and the flow or screen type that settings and content are
 * checked for when the body does not name a valid one (bits 2-4); the rest is the body.
 *
 * The body goes through the server's own step 5 (http_req_parse_body_or_reply(): 415, 400 for
 * what jansson refuses, 422 for a non-object), then every field of the route's body schema
 * through valid_field() as the handlers read them, array items through valid_check_field()
 * and the uniqueness rule, e-mail addresses through the domain's rules, settings through
 * content_settings_validate() and screen content through content_validate() (the domain
 * checks the handlers add); the 422 is rendered as the server renders it and checked.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "api/schemas.h"
#include "domain/accounts.h"
#include "domain/content.h"
#include "fuzz.h"
#include "http/routes.h"

#define MAX_ROUTES 64

static const struct route *body_routes[MAX_ROUTES];
static size_t nbody;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_init();
    for (size_t i = 0; i < routes_count && nbody < MAX_ROUTES; i++)
        if ((routes_table[i].flags & ROUTE_BODY) && routes_table[i].body != NULL)
            body_routes[nbody++] = &routes_table[i];
    return 0;
}

/* Array items: strings and UUIDs as valid_check_field() reads them, then unique when the
 * field says so (screen_ids, option_ids). */
static void check_items(struct valid *v, const struct schema_field *f, json_t *list,
                        struct arena *a)
{
    const struct schema_field *each = f->items;
    size_t n = 0, i;
    json_t *item;

    if (each == NULL || (each->type != SCHEMA_STRING && each->type != SCHEMA_UUID))
        return;
    const char **strings = arena_alloc(a, sizeof(*strings) * (json_array_size(list) + 1));
    valid_push_key(v, f->name);
    json_array_foreach(list, i, item)
    {
        valid_push_index(v, i);
        if (each->type == SCHEMA_UUID) {
            char *id = arena_alloc(a, STR_UUID_SIZE);
            if (valid_check_field(v, NULL, each, item, id) == V_OK)
                strings[n++] = id;
        } else if (valid_check_field(v, NULL, each, item, &strings[n]) == V_OK) {
            n++;
        }
        valid_pop(v);
    }
    if (f->flags & SCHEMA_UNIQUE)
        valid_check_unique(v, NULL, strings, n);
    valid_pop(v);
}

/* One field of the body, by its schema type; *index receives an enum's index. */
static void check_field(struct http_req *r, struct valid *v, const struct schema *s,
                        const struct schema_field *f, int *index)
{
    const char *str;
    int64_t i64;
    bool b;
    char uuid[STR_UUID_SIZE];
    struct ts_date date;
    json_t *doc;

    switch (f->type) {
    case SCHEMA_STRING:
    case SCHEMA_TIMEZONE:
        valid_field(v, r->json, s, f->name, &str);
        break;
    case SCHEMA_EMAIL:
        /* As registration reads it: the domain normalises and judges the address. */
        if (valid_field(v, r->json, s, f->name, &str) == V_OK &&
            !accounts_email_is_valid(accounts_normalize_email(&r->arena, str)))
            valid_value_error(v, f->name, "invalid email address");
        break;
    case SCHEMA_INT:
    case SCHEMA_DATETIME:
        valid_field(v, r->json, s, f->name, &i64);
        break;
    case SCHEMA_BOOL:
        valid_field(v, r->json, s, f->name, &b);
        break;
    case SCHEMA_ENUM:
        valid_field(v, r->json, s, f->name, index);
        break;
    case SCHEMA_UUID:
        valid_field(v, r->json, s, f->name, uuid);
        break;
    case SCHEMA_DATE:
        valid_field(v, r->json, s, f->name, &date);
        break;
    case SCHEMA_OBJECT:
    case SCHEMA_MAP:
        valid_field(v, r->json, s, f->name, &doc);
        break;
    case SCHEMA_ARRAY:
        if (valid_field(v, r->json, s, f->name, &doc) == V_OK)
            check_items(v, f, doc, &r->arena);
        break;
    case SCHEMA_NUMBER:
        break;
    }
}

/* The stored documents of a body: settings for a flow, content for a screen type, each at its
 * key as the module and screen handlers check them. */
static void check_documents(struct http_req *r, struct valid *v, int flow, int type)
{
    json_t *settings = json_object_get(r->json, "settings");
    json_t *content = json_object_get(r->json, "content");
    json_t *norm = NULL;

    if (json_is_object(settings)) {
        valid_push_key(v, "settings");
        if (content_settings_validate(v, (enum flow_type)flow, settings, &norm) == 0)
            FUZZ_CHECK(json_is_object(norm));
        json_decref(norm);
        norm = NULL;
        valid_pop(v);
    }
    if (json_is_object(content)) {
        valid_push_key(v, "content");
        if (content_validate(v, (enum screen_type)type, content, &norm) == 0) {
            char *text = json_dumps(norm, JSON_COMPACT);
            FUZZ_CHECK(text != NULL);
            free(text);
        }
        json_decref(norm);
        valid_pop(v);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const media[] = {"application/json", "application/json; charset=utf-8",
                                        "\tApplication/JSON ", "text/plain"};
    struct http_req r;
    struct valid v;

    if (size < 2 || nbody == 0)
        return 0;
    const struct route *rt = body_routes[data[0] % nbody];
    int flow = (data[1] >> 2) % 3, type = (data[1] >> 2) % 5;

    fuzz_req_init(&r);
    r.route = rt;
    r.method = rt->method;
    http_req_add_header(&r, "Content-Type", media[data[1] & 3]);
    if (http_req_on_body(&r, (const char *)data + 2, size - 2)) {
        fuzz_check_reply(&r, 413);
        goto out;
    }
    if (http_req_parse_body_or_reply(&r) < 0) {
        FUZZ_CHECK(r.status == 400 || r.status == 415 || r.status == 422);
        fuzz_check_reply(&r, r.status);
        goto out;
    }
    /* No body at all is fine for a route whose body is optional: its handler sees no JSON. */
    FUZZ_CHECK(json_is_object(r.json) ||
               (r.json == NULL && (rt->flags & ROUTE_BODY_OPTIONAL) && size == 2));

    const struct schema *s = rt->body;
    int index = -1;
    valid_init(&v, &r.arena, "body");
    for (size_t i = 0; i < s->count; i++) {
        const struct schema_field *f = &s->fields[i];
        check_field(&r, &v, s, f, &index);
        if (f->type == SCHEMA_ENUM && index >= 0 && strcmp(f->name, "flow_type") == 0)
            flow = index;
        if (f->type == SCHEMA_ENUM && index >= 0 && strcmp(f->name, "type") == 0)
            type = index;
        index = -1;
    }
    if (s->closed && r.json != NULL)
        valid_no_extra_fields(&v, r.json, s);
    check_documents(&r, &v, flow, type);
    fuzz_reply_valid(&r, &v);
out:
    http_req_free(&r);
    return 0;
}
