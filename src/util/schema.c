/* Declarative schemas and their JSON Schema form; see schema.h. */
#include "util/schema.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/arena.h"

const struct schema_field *schema_find(const struct schema *s, const char *name)
{
    for (; s != NULL; s = s->base)
        for (size_t i = 0; i < s->count; i++)
            if (s->fields[i].name != NULL && strcmp(s->fields[i].name, name) == 0)
                return &s->fields[i];
    return NULL;
}

const struct schema_field schema_any_string = {.type = SCHEMA_STRING, .max = SCHEMA_NO_MAX};

static void set_int(json_t *o, const char *key, int64_t n)
{
    json_object_set_new(o, key, xneed(json_integer((json_int_t)n)));
}

/* {"type": t} or {"type": [t, "null"]}. */
static json_t *typed(const char *t, bool nullable)
{
    json_t *o = xneed(json_object());

    if (nullable)
        json_object_set_new(o, "type", xneed(json_pack("[s,s]", t, "null")));
    else
        json_object_set_new(o, "type", xneed(json_string(t)));
    return o;
}

json_t *schema_ref(const char *prefix, const char *name)
{
    struct buf b;
    json_t *o;

    buf_init(&b, SIZE_MAX);
    buf_printf(&b, "%s%s", prefix, name);
    o = xneed(json_pack("{s:s}", "$ref", b.data));
    buf_free(&b);
    return o;
}

/* A schema used inside another: a reference when named, else inline. */
static json_t *object_use(const struct schema *s, const char *ref_prefix)
{
    return s->name != NULL ? schema_ref(ref_prefix, s->name) : schema_to_json(s, ref_prefix);
}

/* `inner` or null. */
static json_t *or_null(json_t *inner)
{
    return xneed(json_pack("{s:[o,{s:s}]}", "anyOf", inner, "type", "null"));
}

static json_t *object_field(const struct schema_field *f, const char *ref_prefix, bool nullable)
{
    json_t *o;

    if (f->any_of != NULL) {
        json_t *alts = xneed(json_array());

        for (size_t i = 0; f->any_of[i] != NULL; i++)
            json_array_append_new(alts, object_use(f->any_of[i], ref_prefix));
        o = xneed(json_pack("{s:o}", "anyOf", alts));
        return nullable ? or_null(o) : o;
    }
    if (f->object == NULL)
        return typed("object", nullable);
    o = object_use(f->object, ref_prefix);
    return nullable ? or_null(o) : o;
}

json_t *schema_field_to_json(const struct schema_field *f, const char *ref_prefix)
{
    bool nullable = (f->flags & SCHEMA_NULLABLE) || (f->flags & SCHEMA_NULL_ABSENT);
    json_t *o = NULL;

    switch (f->type) {
    case SCHEMA_STRING:
        o = typed("string", nullable);
        if (f->pattern != NULL) {
            json_object_set_new(o, "pattern", xneed(json_string(f->pattern)));
            break;
        }
        if (f->min > 0)
            set_int(o, "minLength", f->min);
        if (f->max != SCHEMA_NO_MAX)
            set_int(o, "maxLength", f->max);
        break;
    case SCHEMA_EMAIL:
        o = typed("string", nullable);
        json_object_set_new(o, "format", xneed(json_string("email")));
        set_int(o, "maxLength", f->max);
        break;
    case SCHEMA_INT:
    case SCHEMA_NUMBER:
        o = typed(f->type == SCHEMA_INT ? "integer" : "number", nullable);
        if (f->min != SCHEMA_NO_MIN)
            set_int(o, "minimum", f->min);
        if (f->max != SCHEMA_NO_MAX)
            set_int(o, "maximum", f->max);
        break;
    case SCHEMA_BOOL:
        o = typed("boolean", nullable);
        break;
    case SCHEMA_ENUM: {
        json_t *vals = xneed(json_array());

        o = typed("string", nullable);
        for (size_t i = 0; f->values[i] != NULL; i++)
            json_array_append_new(vals, xneed(json_string(f->values[i])));
        if (nullable)
            json_array_append_new(vals, json_null());
        json_object_set_new(o, "enum", vals);
        break;
    }
    case SCHEMA_UUID:
    case SCHEMA_DATETIME:
    case SCHEMA_DATE:
        o = typed("string", nullable);
        json_object_set_new(o, "format",
                            xneed(json_string(f->type == SCHEMA_UUID       ? "uuid"
                                              : f->type == SCHEMA_DATETIME ? "date-time"
                                                                           : "date")));
        break;
    case SCHEMA_TIMEZONE:
        o = typed("string", nullable);
        set_int(o, "minLength", 1);
        break;
    case SCHEMA_OBJECT:
        o = object_field(f, ref_prefix, nullable);
        break;
    case SCHEMA_MAP:
        o = typed("object", nullable);
        if (f->items != NULL)
            json_object_set_new(o, "additionalProperties",
                                schema_field_to_json(f->items, ref_prefix));
        break;
    case SCHEMA_ARRAY:
        o = typed("array", nullable);
        if (f->items != NULL)
            json_object_set_new(o, "items", schema_field_to_json(f->items, ref_prefix));
        if (f->min > 0)
            set_int(o, "minItems", f->min);
        if (f->max != SCHEMA_NO_MAX)
            set_int(o, "maxItems", f->max);
        if (f->flags & SCHEMA_UNIQUE)
            json_object_set_new(o, "uniqueItems", json_true());
        break;
    }
    if (f->description != NULL) {
        /* A $ref object takes sibling keywords in JSON Schema 2020-12. */
        json_object_set_new(o, "description", xneed(json_string(f->description)));
    }
    return o;
}

json_t *schema_to_json(const struct schema *s, const char *ref_prefix)
{
    json_t *o = xneed(json_pack("{s:s}", "type", "object"));
    json_t *props = xneed(json_object());
    json_t *required = xneed(json_array());

    if (s->description != NULL)
        json_object_set_new(o, "description", xneed(json_string(s->description)));
    for (const struct schema *part = s; part != NULL; part = part->base)
        for (size_t i = 0; i < part->count; i++) {
            const struct schema_field *f = &part->fields[i];

            json_object_set_new(props, f->name, schema_field_to_json(f, ref_prefix));
            if ((f->flags & SCHEMA_REQUIRED) && !(f->flags & SCHEMA_WRITE_ONLY_REQUIRED))
                json_array_append_new(required, xneed(json_string(f->name)));
        }
    json_object_set_new(o, "properties", props);
    if (json_array_size(required) > 0)
        json_object_set_new(o, "required", required);
    else
        json_decref(required);
    if (s->closed)
        json_object_set_new(o, "additionalProperties", json_false());
    return o;
}
