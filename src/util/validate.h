/*
 * Validation toolkit: turns JSON input (body fields, query and path parameters, headers) into
 * plain C values and collects every error of one pass into the FastAPI/pydantic v2 shaped list
 * of API.md §1.3: [{"loc":[...],"msg":"...","type":"..."}].
 *
 * Usage in a *_parse_or_reply() function:
 *
 *     struct valid v;
 *     valid_init(&v, &r->arena, "body");
 *     valid_field(&v, body, &schema_feedback_create_body, "rating", &in->rating);
 *     valid_field(&v, body, &schema_feedback_create_body, "comment", &in->comment);
 *     if (http_valid_or_reply(r, &v) < 0)   (frees v; on errors replies 422 with its list)
 *         return -1;
 *
 * valid_field() takes the field's type, flags and limits from its schema (util/schema.h, the
 * definitions /openapi.json is made of) and calls the reader below for it; the readers are
 * also called directly where a limit depends on the data (a reflection's max_length).
 *
 * Strings returned through out parameters are borrowed from the json_t they came from (valid as
 * long as that document), or arena copies where stated. The error list is a jansson array
 * owned by `struct valid` until valid_take_errors(); valid_free() releases it.
 * Not thread safe; one `struct valid` per request.
 */
#ifndef TS_UTIL_VALIDATE_H
#define TS_UTIL_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "util/arena.h"
#include "util/schema.h"
#include "util/str.h"
#include "util/time.h"

#define VALID_MAX_DEPTH 16

struct valid {
    struct arena *arena;
    json_t *errors; /* array of error items */
    /* Current location prefix: loc[0] is "body"/"query"/"path"/"header", then keys/indexes. */
    json_t *loc[VALID_MAX_DEPTH];
    int depth;
};

/* Field flags. */
enum {
    V_REQUIRED = 1 << 0,    /* absent -> "missing" */
    V_NULLABLE = 1 << 1,    /* null -> V_NULL (PATCH clears the field) */
    V_NULL_ABSENT = 1 << 2, /* null -> V_ABSENT (create: null = omitted, default applies) */
};

/* Results of the field functions. */
enum {
    V_ERR = -1,   /* an error was recorded */
    V_ABSENT = 0, /* key absent (or null with V_NULL_ABSENT); *out untouched */
    V_OK = 1,     /* value valid, *out set */
    V_NULL = 2,   /* value null and V_NULLABLE given; *out untouched */
};

/* root is "body", "query", "path", "header" or "module". */
void valid_init(struct valid *v, struct arena *a, const char *root);
void valid_free(struct valid *v);

/* Appends the errors of `from` after those of `into` (one 422 for several parts, e.g. path
 * and body) and frees `from`. */
void valid_merge(struct valid *into, struct valid *from);

/* True when no error was recorded. */
bool valid_ok(const struct valid *v);

/* How many errors were recorded so far (compare before and after a check of one part). */
size_t valid_error_count(const struct valid *v);

/* Hands the error array to the caller (caller decrefs); the struct keeps an empty one. */
json_t *valid_take_errors(struct valid *v);

/* Location stack: push an object key or an array index, pop it again. */
void valid_push_key(struct valid *v, const char *key);
void valid_push_index(struct valid *v, size_t index);
void valid_pop(struct valid *v);

/*
 * Records an error at the current location plus `key` (NULL: the location itself).
 * `type` is a pydantic type ("value_error"); msg is printf-formatted.
 */
void valid_error(struct valid *v, const char *key, const char *type, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Shorthand for value_error with msg "Value error, <reason>". */
void valid_value_error(struct valid *v, const char *key, const char *reason);

/* "missing" at key. */
void valid_missing(struct valid *v, const char *key);

/*
 * Body field readers. `obj` is the JSON object holding `key`. Each checks presence and null per
 * the flags, then the type strictly (no coercion: 5.0 and true are not integers, "5" is not
 * an integer), then the constraints, recording the pydantic error types listed in §1.3.
 */

/* Strings: length in Unicode code points in min..max (string_too_short / string_too_long). */
int valid_string(struct valid *v, json_t *obj, const char *key, unsigned flags, size_t min,
                 size_t max, const char **out);

/* Integers in min..max (int_type, greater_than_equal, less_than_equal). */
int valid_int(struct valid *v, json_t *obj, const char *key, unsigned flags, int64_t min,
              int64_t max, int64_t *out);

int valid_bool(struct valid *v, json_t *obj, const char *key, unsigned flags, bool *out);

/*
 * One of `values` (NULL-terminated, in the spec's order); *out = its index.
 * Error: enum, "Input should be 'a', 'b' or 'c'".
 */
int valid_enum(struct valid *v, json_t *obj, const char *key, unsigned flags,
               const char *const *values, int *out);

/* A UUID string in any hex case; out receives the lowercase canonical form. */
int valid_uuid(struct valid *v, json_t *obj, const char *key, unsigned flags,
               char out[STR_UUID_SIZE]);

/* RFC 3339 timestamp with offset; out in UTC milliseconds (datetime_type / datetime_parsing /
 * timezone_aware). */
int valid_timestamp(struct valid *v, json_t *obj, const char *key, unsigned flags, int64_t *out);

/* "YYYY-MM-DD" (date_type / date_parsing). */
int valid_date(struct valid *v, json_t *obj, const char *key, unsigned flags, struct ts_date *out);

/* An IANA time zone name known to the system (value_error "unknown timezone"). */
int valid_timezone(struct valid *v, json_t *obj, const char *key, unsigned flags, const char **out);

/* A string matching the POSIX extended regular expression `pattern` (anchored as written);
 * error string_pattern_mismatch naming `pattern`. Length limits are part of the pattern. */
int valid_pattern(struct valid *v, json_t *obj, const char *key, unsigned flags,
                  const char *pattern, const char **out);

/* A JSON object (dict_type); *out borrowed. */
int valid_object(struct valid *v, json_t *obj, const char *key, unsigned flags, json_t **out);

/* A JSON array of min..max items (list_type / too_short / too_long); *out borrowed. */
int valid_array(struct valid *v, json_t *obj, const char *key, unsigned flags, size_t min,
                size_t max, json_t **out);

/*
 * Value checkers for an already extracted json_t (array items, map values): same rules and
 * errors as the field readers, recorded at the current location plus `key` (NULL = here).
 * `out` may be NULL when only the check matters.
 */
int valid_check_string(struct valid *v, const char *key, json_t *val, size_t min, size_t max,
                       const char **out);
int valid_check_int(struct valid *v, const char *key, json_t *val, int64_t min, int64_t max,
                    int64_t *out);
/* uuid_type / uuid_parsing; out receives the lowercase canonical form. */
int valid_check_uuid(struct valid *v, const char *key, json_t *val, char out[STR_UUID_SIZE]);
/* dict_type ("Input should be a valid dictionary"). */
int valid_check_object(struct valid *v, const char *key, json_t *val, json_t **out);

/* duplicate_item ("List items must be unique") at `key` when two of the `n` strings are
 * equal. Returns V_OK or V_ERR. */
int valid_check_unique(struct valid *v, const char *key, const char *const *s, size_t n);

/*
 * Raw text parameters (query string, path segment, header): `raw` may be NULL (absent).
 * Query integers: int_parsing; booleans: true/false/1/0 case-insensitive, bool_parsing;
 * path UUIDs: uuid_parsing.
 */
int valid_text_int(struct valid *v, const char *key, const char *raw, unsigned flags, int64_t min,
                   int64_t max, int64_t *out);
int valid_text_bool(struct valid *v, const char *key, const char *raw, unsigned flags, bool *out);
int valid_text_uuid(struct valid *v, const char *key, const char *raw, unsigned flags,
                    char out[STR_UUID_SIZE]);
int valid_text_enum(struct valid *v, const char *key, const char *raw, unsigned flags,
                    const char *const *values, int *out);
int valid_text_string(struct valid *v, const char *key, const char *raw, unsigned flags, size_t min,
                      size_t max, const char **out);
int valid_text_date(struct valid *v, const char *key, const char *raw, unsigned flags,
                    struct ts_date *out);

/*
 * Schema-driven readers (util/schema.h): the field `name` of schema `s` decides the reader and
 * its flags and limits. `out` points at what that reader fills: const char * (string, email,
 * timezone), int64_t (int), bool, int (enum index), char[STR_UUID_SIZE] (uuid), int64_t ms
 * (datetime), struct ts_date (date), json_t * (object, map, array). Naming a field `s` does not
 * hold is a programming error (asserted). Results as the readers above.
 */
#define valid_field(v, obj, s, name, out)                                                          \
    valid_field_((v), (obj), (s), (name), VALID_OUT_KIND(out), (out))

/* The same for a raw text parameter (query string); `raw` may be NULL (absent). */
#define valid_text_field(v, s, name, raw, out)                                                     \
    valid_text_field_((v), (s), (name), (raw), VALID_OUT_KIND(out), (out))

/* An already extracted value (an array item) against the item definition `f` at the current
 * location plus `key` (NULL: here); string and uuid items. */
#define valid_check_field(v, key, f, val, out)                                                     \
    valid_check_field_((v), (key), (f), (val), VALID_OUT_KIND(out), (out))

/*
 * What `out` points at, from its C type: the field's type decides what the reader writes, so
 * a schema change (an enum made an integer, say) must not silently write an int64_t where the
 * handler keeps an int. The readers check the kind against the field's type and abort on a
 * mismatch, which the first test to pass through the handler finds; a type with no kind does
 * not compile.
 */
enum valid_out {
    VALID_OUT_STRING, /* const char * */
    VALID_OUT_INT64,  /* int64_t (integers, datetimes in ms) */
    VALID_OUT_BOOL,
    VALID_OUT_INDEX, /* int: an enum's index */
    VALID_OUT_UUID,  /* char[STR_UUID_SIZE] */
    VALID_OUT_DATE,  /* struct ts_date */
    VALID_OUT_JSON,  /* json_t * (objects, maps, arrays) */
};
#define VALID_OUT_KIND(out)                                                                        \
    _Generic((out),                                                                                \
        const char **: VALID_OUT_STRING,                                                           \
        int64_t *: VALID_OUT_INT64,                                                                \
        bool *: VALID_OUT_BOOL,                                                                    \
        int *: VALID_OUT_INDEX,                                                                    \
        char *: VALID_OUT_UUID,                                                                    \
        struct ts_date *: VALID_OUT_DATE,                                                          \
        json_t **: VALID_OUT_JSON)

int valid_field_(struct valid *v, json_t *obj, const struct schema *s, const char *name,
                 enum valid_out kind, void *out);
int valid_text_field_(struct valid *v, const struct schema *s, const char *name, const char *raw,
                      enum valid_out kind, void *out);
int valid_check_field_(struct valid *v, const char *key, const struct schema_field *f, json_t *val,
                       enum valid_out kind, void *out);

/* Records extra_forbidden for every key of `obj` that is not a field of `s` (stored documents
 * whose schema is closed). */
void valid_no_extra_fields(struct valid *v, json_t *obj, const struct schema *s);

#endif
