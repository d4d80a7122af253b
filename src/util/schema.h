/*
 * Declarative schemas: the one description of a request's body and query fields, of the stored
 * documents and of every response, from which both the validators (util/validate.h:
 * valid_field(), valid_text_field()) and the OpenAPI document (http/openapi.c) are made.
 *
 * A handler never repeats a field's type, flags or limits: it names the schema and the field,
 *
 *     valid_field(&v, r->json, &schema_module_create, "title", &m.title);
 *
 * and the field's definition decides which valid_* reader runs with which limits, so the
 * document cannot say one thing while the validator checks another. Naming a field the schema
 * does not hold is a programming error (asserted).
 *
 * All definitions are static const data (src/api/schemas.c); nothing here allocates except
 * schema_to_json(), whose result the caller owns.
 */
#ifndef TS_UTIL_SCHEMA_H
#define TS_UTIL_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* No upper limit (strings, integers, arrays). */
#define SCHEMA_NO_MAX INT64_MAX
#define SCHEMA_NO_MIN INT64_MIN

enum schema_type {
    SCHEMA_STRING,   /* min..max code points; with `pattern` a POSIX ERE instead of min/max */
    SCHEMA_INT,      /* min..max */
    SCHEMA_NUMBER,   /* responses only (averages, rates) */
    SCHEMA_BOOL,     /* JSON true/false; in a query true/false/1/0 */
    SCHEMA_ENUM,     /* one of `values` (NULL-terminated, in the spec's order) */
    SCHEMA_UUID,     /* any hex case in, lowercase out */
    SCHEMA_DATETIME, /* RFC 3339 with offset in, UTC milliseconds with Z out */
    SCHEMA_DATE,     /* YYYY-MM-DD */
    SCHEMA_TIMEZONE, /* an IANA time zone name */
    SCHEMA_EMAIL,    /* a string the domain checks as an email address (domain/accounts.c) */
    SCHEMA_OBJECT,   /* `object` (a named component or an inline object), else any object;
                      * with `any_of`: one of those objects */
    SCHEMA_MAP,      /* an object whose keys are free and whose values are `items` */
    SCHEMA_ARRAY,    /* min..max items, each `items` */
};

/* Field flags; the first three are the V_* flags of util/validate.h (same values). */
enum {
    SCHEMA_REQUIRED = 1 << 0,    /* request: absent -> missing; response: always present */
    SCHEMA_NULLABLE = 1 << 1,    /* null allowed (PATCH clears; responses: may be null) */
    SCHEMA_NULL_ABSENT = 1 << 2, /* request: null = omitted */
    SCHEMA_UNIQUE = 1 << 3,      /* arrays: items unique */
    /* Required on write, but some responses leave it out (a question's answer key in the
     * learner view): not listed as required in the JSON Schema. */
    SCHEMA_WRITE_ONLY_REQUIRED = 1 << 4,
};

struct schema;

struct schema_field {
    const char *name; /* key, query parameter name; NULL for array items / map values */
    enum schema_type type;
    unsigned flags;
    int64_t min, max;                   /* lengths, values or item counts; see the types */
    const char *const *values;          /* SCHEMA_ENUM */
    const char *pattern;                /* SCHEMA_STRING */
    const struct schema *object;        /* SCHEMA_OBJECT */
    const struct schema *const *any_of; /* SCHEMA_OBJECT: NULL-terminated alternatives */
    const struct schema_field *items;   /* SCHEMA_ARRAY items, SCHEMA_MAP values */
    const char *description;
};

struct schema {
    const char *name; /* components.schemas name; NULL: always written inline */
    const char *description;
    const struct schema_field *fields;
    size_t count;
    /* Query schemas: the fields of `base` come first (e.g. limit and cursor of every page). */
    const struct schema *base;
    /* Unknown keys are rejected (stored documents: extra_forbidden) or never sent (responses
     * the server renders): additionalProperties false. */
    bool closed;
};

/* Shorthands for field definitions; extra designated fields (.description, .pattern) may
 * follow. */
#define SF_STR(n, fl, lo, hi, ...)                                                                 \
    {                                                                                              \
        .name = n, .type = SCHEMA_STRING, .flags = fl, .min = lo, .max = hi, __VA_ARGS__           \
    }
#define SF_INT(n, fl, lo, hi, ...)                                                                 \
    {                                                                                              \
        .name = n, .type = SCHEMA_INT, .flags = fl, .min = lo, .max = hi, __VA_ARGS__              \
    }
#define SF_NUM(n, fl, ...)                                                                         \
    {                                                                                              \
        .name = n, .type = SCHEMA_NUMBER, .flags = fl, .min = SCHEMA_NO_MIN, .max = SCHEMA_NO_MAX, \
        __VA_ARGS__                                                                                \
    }
#define SF_BOOL(n, fl, ...)                                                                        \
    {                                                                                              \
        .name = n, .type = SCHEMA_BOOL, .flags = fl, __VA_ARGS__                                   \
    }
#define SF_ENUM(n, fl, vals, ...)                                                                  \
    {                                                                                              \
        .name = n, .type = SCHEMA_ENUM, .flags = fl, .values = vals, __VA_ARGS__                   \
    }
#define SF_UUID(n, fl, ...)                                                                        \
    {                                                                                              \
        .name = n, .type = SCHEMA_UUID, .flags = fl, __VA_ARGS__                                   \
    }
#define SF_TIME(n, fl, ...)                                                                        \
    {                                                                                              \
        .name = n, .type = SCHEMA_DATETIME, .flags = fl, __VA_ARGS__                               \
    }
#define SF_DATE(n, fl, ...)                                                                        \
    {                                                                                              \
        .name = n, .type = SCHEMA_DATE, .flags = fl, __VA_ARGS__                                   \
    }
#define SF_OBJ(n, fl, s, ...)                                                                      \
    {                                                                                              \
        .name = n, .type = SCHEMA_OBJECT, .flags = fl, .object = s, __VA_ARGS__                    \
    }
#define SF_ANYOF(n, fl, alts, ...)                                                                 \
    {                                                                                              \
        .name = n, .type = SCHEMA_OBJECT, .flags = fl, .any_of = alts, __VA_ARGS__                 \
    }
#define SF_ARR(n, fl, lo, hi, item, ...)                                                           \
    {                                                                                              \
        .name = n, .type = SCHEMA_ARRAY, .flags = fl, .min = lo, .max = hi, .items = item,         \
        __VA_ARGS__                                                                                \
    }
#define SF_MAP(n, fl, item, ...)                                                                   \
    {                                                                                              \
        .name = n, .type = SCHEMA_MAP, .flags = fl, .items = item, __VA_ARGS__                     \
    }

/* An item or map value that is any string (its checks, if any, are the domain's). */
extern const struct schema_field schema_any_string;

/* A schema over the static field array `list`. */
#define SCHEMA_OF(nm, desc, closed_, list)                                                         \
    {                                                                                              \
        .name = nm, .description = desc, .fields = list,                                           \
        .count = sizeof(list) / sizeof((list)[0]), .closed = closed_                               \
    }

/* The field `name` of `s` (or of its base), or NULL. */
const struct schema_field *schema_find(const struct schema *s, const char *name);

/*
 * JSON Schema 2020-12 (as OpenAPI 3.1 embeds it). Named schemas other than the top one are
 * written as {"$ref": "<ref_prefix><name>"}. Caller owns the result.
 */
json_t *schema_to_json(const struct schema *s, const char *ref_prefix);
/* {"$ref": "<prefix><name>"}. Caller owns the result. */
json_t *schema_ref(const char *prefix, const char *name);
json_t *schema_field_to_json(const struct schema_field *f, const char *ref_prefix);

#endif
