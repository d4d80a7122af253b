/*
 * Validation toolkit producing FastAPI/pydantic v2 shaped 422 items (API.md §1.2, §1.3).
 *
 * Sections, in order:
 *   1. The error list and the location stack.
 *   2. Helpers without a struct valid: UTF-8 length, UUIDs.
 *   3. Value checkers: one per type, given an extracted json_t (array items, map values, and
 *      the second half of every field reader).
 *   4. Field readers: presence and null per the flags, then the value checker.
 *   5. Raw text parameters (query, path, header).
 *
 * Messages follow the §1.3 table word for word because acceptance tests compare them.
 */
#include "util/validate.h"

#include <assert.h>
#include <pthread.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "util/log.h"
#include "util/tz.h"
#include "util/arena.h"

/* --- 1. The error list and the location stack ------------------------------------------- */

/*
 * jansson returns NULL only when malloc fails; like xmalloc() we treat that as fatal instead of
 * threading an error that no client could cause through every reader.
 */
/*
 * A message can quote client bytes (the character a UUID failed on, from a percent-decoded
 * path), and json_string() refuses invalid UTF-8. Rather than lose the error, such a text is
 * kept with its non-ASCII bytes replaced by '?'.
 */
static json_t *text_string(const char *s)
{
    json_t *j = json_string(s);

    if (j != NULL)
        return j;
    char *copy = xstrdup(s);
    for (char *p = copy; *p != '\0'; p++) {
        if ((unsigned char)*p >= 0x80)
            *p = '?';
    }
    j = xneed(json_string(copy));
    free(copy);
    return j;
}

void valid_init(struct valid *v, struct arena *a, const char *root)
{
    v->arena = a;
    v->errors = xneed(json_array());
    v->loc[0] = xneed(json_string(root));
    v->depth = 1;
}

void valid_free(struct valid *v)
{
    json_decref(v->errors);
    v->errors = NULL;
    while (v->depth > 0)
        json_decref(v->loc[--v->depth]);
}

void valid_merge(struct valid *into, struct valid *from)
{
    json_array_extend(into->errors, from->errors);
    valid_free(from);
}

bool valid_ok(const struct valid *v)
{
    return json_array_size(v->errors) == 0;
}

size_t valid_error_count(const struct valid *v)
{
    return json_array_size(v->errors);
}

json_t *valid_take_errors(struct valid *v)
{
    json_t *errors = v->errors;

    v->errors = xneed(json_array());
    return errors;
}

static void push(struct valid *v, json_t *item)
{
    /* A deeper document than any schema of the spec is a bug in the caller, not client input:
     * the readers only descend as far as the schema they implement. */
    assert(v->depth < VALID_MAX_DEPTH);
    if (v->depth >= VALID_MAX_DEPTH) {
        json_decref(item);
        return;
    }
    v->loc[v->depth++] = item;
}

void valid_push_key(struct valid *v, const char *key)
{
    push(v, text_string(key));
}

void valid_push_index(struct valid *v, size_t index)
{
    push(v, xneed(json_integer((json_int_t)index)));
}

void valid_pop(struct valid *v)
{
    assert(v->depth > 1); /* the root stays */
    if (v->depth > 1)
        json_decref(v->loc[--v->depth]);
}

static void add_error(struct valid *v, const char *key, const char *type, const char *msg)
{
    json_t *loc = xneed(json_array());

    for (int i = 0; i < v->depth; i++)
        json_array_append(loc, v->loc[i]);
    if (key != NULL)
        json_array_append_new(loc, text_string(key));
    json_array_append_new(v->errors, xneed(json_pack("{s:o, s:o, s:s}", "loc", loc, "msg",
                                                     text_string(msg), "type", type)));
}

void valid_error(struct valid *v, const char *key, const char *type, const char *fmt, ...)
{
    char small[256];
    char *msg = small;
    va_list ap;

    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0) {
        small[0] = '\0';
    } else if ((size_t)n >= sizeof(small)) {
        msg = xmalloc((size_t)n + 1);
        va_start(ap, fmt);
        vsnprintf(msg, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    add_error(v, key, type, msg);
    if (msg != small)
        free(msg);
}

void valid_value_error(struct valid *v, const char *key, const char *reason)
{
    valid_error(v, key, "value_error", "Value error, %s", reason);
}

void valid_missing(struct valid *v, const char *key)
{
    valid_error(v, key, "missing", "Field required");
}

/* --- 2. Helpers without a struct valid --------------------------------------------------- */

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/*
 * Byte length of the character at `p`, so a message quotes it whole: the lead byte's count,
 * cut short at the first byte that is not a continuation (raw path text need not be UTF-8).
 */
static int char_len(const char *p)
{
    unsigned char c = (unsigned char)*p;
    int want = 1;
    int n = 1;

    if (c >= 0xC0 && c < 0xE0)
        want = 2;
    else if (c >= 0xE0 && c < 0xF0)
        want = 3;
    else if (c >= 0xF0 && c < 0xF8)
        want = 4;
    while (n < want && ((unsigned char)p[n] & 0xC0) == 0x80)
        n++;
    return n;
}

/*
 * Why `s` (already known not to be a UUID) fails, in the words of the Rust uuid crate that
 * pydantic uses: the first bad character, else the group count, else the first bad group.
 */
static void uuid_error(struct valid *v, const char *key, const char *s)
{
    static const size_t want[5] = {8, 4, 4, 4, 12};
    size_t groups = 1, len[5] = {0}, cp = 0;

    for (const char *p = s; *p != '\0'; p++) {
        if (((unsigned char)*p & 0xC0) != 0x80)
            cp++;
        if (*p == '-') {
            groups++;
        } else if (!is_hex(*p)) {
            valid_error(v, key, "uuid_parsing",
                        "Input should be a valid UUID, invalid character: expected an optional "
                        "prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `%.*s` at %zu",
                        char_len(p), p, cp);
            return;
        } else if (groups <= 5) {
            len[groups - 1]++;
        }
    }
    /* The crate accepts the 32-digit simple form; §1.6 wants the hyphenated one only, so a
     * simple form of the right length is reported as one group instead. */
    if (groups == 1 && len[0] != 32) {
        valid_error(v, key, "uuid_parsing",
                    "Input should be a valid UUID, invalid length: expected length 32 for simple "
                    "format, found %zu",
                    len[0]);
        return;
    }
    if (groups != 5) {
        valid_error(v, key, "uuid_parsing",
                    "Input should be a valid UUID, invalid group count: expected 5, found %zu",
                    groups);
        return;
    }
    for (size_t g = 0; g < 5; g++) {
        if (len[g] != want[g]) {
            valid_error(v, key, "uuid_parsing",
                        "Input should be a valid UUID, invalid group length in group %zu: "
                        "expected %zu, found %zu",
                        g, want[g], len[g]);
            return;
        }
    }
    valid_error(v, key, "uuid_parsing", "Input should be a valid UUID, failed to parse a UUID");
}

/* --- 3. Value checkers ------------------------------------------------------------------ */

static const char *plural(size_t n)
{
    return n == 1 ? "" : "s";
}

/* Code-point length of `s` in min..max, else string_too_short / string_too_long. */
static bool check_length(struct valid *v, const char *key, const char *s, size_t min, size_t max)
{
    size_t n = str_utf8_length(s);

    if (n < min) {
        valid_error(v, key, "string_too_short", "String should have at least %zu character%s", min,
                    plural(min));
        return false;
    }
    if (n > max) {
        valid_error(v, key, "string_too_long", "String should have at most %zu character%s", max,
                    plural(max));
        return false;
    }
    return true;
}

int valid_check_string(struct valid *v, const char *key, json_t *val, size_t min, size_t max,
                       const char **out)
{
    if (!json_is_string(val)) {
        valid_error(v, key, "string_type", "Input should be a valid string");
        return V_ERR;
    }
    if (!check_length(v, key, json_string_value(val), min, max))
        return V_ERR;
    if (out != NULL)
        *out = json_string_value(val);
    return V_OK;
}

static bool check_range(struct valid *v, const char *key, int64_t n, int64_t min, int64_t max)
{
    if (n < min) {
        valid_error(v, key, "greater_than_equal", "Input should be greater than or equal to %lld",
                    (long long)min);
        return false;
    }
    if (n > max) {
        valid_error(v, key, "less_than_equal", "Input should be less than or equal to %lld",
                    (long long)max);
        return false;
    }
    return true;
}

int valid_check_int(struct valid *v, const char *key, json_t *val, int64_t min, int64_t max,
                    int64_t *out)
{
    /* json_is_integer() is false for 5.0, true and "5": §1.2 forbids coercion. */
    if (!json_is_integer(val)) {
        valid_error(v, key, "int_type", "Input should be a valid integer");
        return V_ERR;
    }
    int64_t n = (int64_t)json_integer_value(val);
    if (!check_range(v, key, n, min, max))
        return V_ERR;
    *out = n;
    return V_OK;
}

static int check_bool(struct valid *v, const char *key, json_t *val, bool *out)
{
    if (!json_is_boolean(val)) {
        valid_error(v, key, "bool_type", "Input should be a valid boolean");
        return V_ERR;
    }
    *out = json_is_true(val);
    return V_OK;
}

/* "Input should be 'a', 'b' or 'c'", the values in the order given. */
static void enum_error(struct valid *v, const char *key, const char *const *values)
{
    struct buf b;
    size_t n = 0;

    while (values[n] != NULL)
        n++;
    buf_init(&b, 4096);
    buf_puts(&b, "Input should be ");
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            buf_puts(&b, i + 1 == n ? " or " : ", ");
        buf_printf(&b, "'%s'", values[i]);
    }
    valid_error(v, key, "enum", "%s", b.data != NULL ? b.data : "");
    buf_free(&b);
}

static int enum_index(const char *s, const char *const *values)
{
    for (int i = 0; values[i] != NULL; i++) {
        if (strcmp(s, values[i]) == 0)
            return i;
    }
    return -1;
}

static int check_enum(struct valid *v, const char *key, json_t *val, const char *const *values,
                      int *out)
{
    int i = json_is_string(val) ? enum_index(json_string_value(val), values) : -1;

    if (i < 0) {
        enum_error(v, key, values);
        return V_ERR;
    }
    *out = i;
    return V_OK;
}

int valid_check_uuid(struct valid *v, const char *key, json_t *val, char out[STR_UUID_SIZE])
{
    if (!json_is_string(val)) {
        valid_error(v, key, "uuid_type", "UUID input should be a string, bytes or UUID object");
        return V_ERR;
    }
    if (!str_uuid_parse(json_string_value(val), out)) {
        uuid_error(v, key, json_string_value(val));
        return V_ERR;
    }
    return V_OK;
}

static int check_timestamp(struct valid *v, const char *key, json_t *val, int64_t *out)
{
    const char *reason = NULL;
    int64_t ms;

    if (!json_is_string(val)) {
        valid_error(v, key, "datetime_type", "Input should be a valid datetime");
        return V_ERR;
    }
    switch (time_parse_rfc3339(json_string_value(val), &ms, &reason)) {
    case TIME_OK:
        *out = ms;
        return V_OK;
    case TIME_NAIVE:
        valid_error(v, key, "timezone_aware", "Input should have timezone info");
        return V_ERR;
    default:
        valid_error(v, key, "datetime_parsing", "Input should be a valid datetime, %s", reason);
        return V_ERR;
    }
}

/* Shared by the JSON and the raw text reader: both report date_parsing. */
static int check_date_text(struct valid *v, const char *key, const char *s, struct ts_date *out)
{
    const char *reason = NULL;

    if (time_parse_date(s, out, &reason) < 0) {
        valid_error(v, key, "date_parsing",
                    "Input should be a valid date in the format YYYY-MM-DD, %s", reason);
        return V_ERR;
    }
    return V_OK;
}

static int check_date(struct valid *v, const char *key, json_t *val, struct ts_date *out)
{
    if (!json_is_string(val)) {
        valid_error(v, key, "date_type", "Input should be a valid date");
        return V_ERR;
    }
    return check_date_text(v, key, json_string_value(val), out);
}

static int check_timezone(struct valid *v, const char *key, json_t *val, const char **out)
{
    if (!json_is_string(val)) {
        valid_error(v, key, "string_type", "Input should be a valid string");
        return V_ERR;
    }
    if (!tz_is_known(json_string_value(val))) {
        valid_value_error(v, key, "unknown timezone");
        return V_ERR;
    }
    *out = json_string_value(val);
    return V_OK;
}

/*
 * Compiled patterns, kept for the life of the process. Patterns are string literals in the
 * api/ modules, so a few dozen slots cover them all; a pattern arriving when the table is full
 * is compiled for that one call. A slot matches on the pointer and on the text, so a caller
 * that builds a pattern in a reused buffer still gets the right one.
 */
#define PATTERN_SLOTS 64

static struct pattern_slot {
    const char *key;
    char *text;
    regex_t re;
} pattern_cache[PATTERN_SLOTS];
static int pattern_count;
static pthread_mutex_t pattern_mu = PTHREAD_MUTEX_INITIALIZER;

static regex_t *cached_regex(const char *pattern)
{
    regex_t *re = NULL;

    pthread_mutex_lock(&pattern_mu);
    for (int i = 0; i < pattern_count && re == NULL; i++) {
        if (pattern_cache[i].key == pattern && strcmp(pattern_cache[i].text, pattern) == 0)
            re = &pattern_cache[i].re;
    }
    if (re == NULL && pattern_count < PATTERN_SLOTS) {
        struct pattern_slot *slot = &pattern_cache[pattern_count];
        if (regcomp(&slot->re, pattern, REG_EXTENDED | REG_NOSUB) == 0) {
            slot->key = pattern;
            slot->text = xstrdup(pattern);
            pattern_count++;
            re = &slot->re;
        }
    }
    pthread_mutex_unlock(&pattern_mu);
    return re;
}

/* Matching is bytewise (the server keeps the C locale), so patterns stick to ASCII classes.
 * POSIX requires regexec() to be thread safe, so cached patterns are used outside the lock. */
static bool matches(const char *pattern, const char *s)
{
    regex_t own;
    regex_t *re = cached_regex(pattern);
    bool ok;

    if (re != NULL)
        return regexec(re, s, 0, NULL, 0) == 0;
    if (regcomp(&own, pattern, REG_EXTENDED | REG_NOSUB) != 0) {
        assert(!"invalid pattern");
        return false;
    }
    ok = regexec(&own, s, 0, NULL, 0) == 0;
    regfree(&own);
    return ok;
}

static int check_pattern(struct valid *v, const char *key, json_t *val, const char *pattern,
                         const char **out)
{
    if (!json_is_string(val)) {
        valid_error(v, key, "string_type", "Input should be a valid string");
        return V_ERR;
    }
    if (!matches(pattern, json_string_value(val))) {
        valid_error(v, key, "string_pattern_mismatch", "String should match pattern '%s'", pattern);
        return V_ERR;
    }
    *out = json_string_value(val);
    return V_OK;
}

int valid_check_object(struct valid *v, const char *key, json_t *val, json_t **out)
{
    if (!json_is_object(val)) {
        valid_error(v, key, "dict_type", "Input should be a valid dictionary");
        return V_ERR;
    }
    if (out != NULL)
        *out = val;
    return V_OK;
}

int valid_check_unique(struct valid *v, const char *key, const char *const *s, size_t n)
{
    if (!str_has_duplicate(s, n))
        return V_OK;
    valid_error(v, key, "duplicate_item", "List items must be unique");
    return V_ERR;
}

static int check_array(struct valid *v, const char *key, json_t *val, size_t min, size_t max,
                       json_t **out)
{
    if (!json_is_array(val)) {
        valid_error(v, key, "list_type", "Input should be a valid list");
        return V_ERR;
    }
    size_t n = json_array_size(val);
    if (n < min) {
        valid_error(v, key, "too_short",
                    "List should have at least %zu item%s after validation, not %zu", min,
                    plural(min), n);
        return V_ERR;
    }
    if (n > max) {
        valid_error(v, key, "too_long",
                    "List should have at most %zu item%s after validation, not %zu", max,
                    plural(max), n);
        return V_ERR;
    }
    *out = val;
    return V_OK;
}

/* --- 4. Field readers ------------------------------------------------------------------- */

/*
 * Presence and null, shared by every reader: returns V_OK with *val set when the value still has
 * to be checked, else the reader's final result. A null that no flag admits falls through to
 * the type check and so becomes the field's type error (§1.2). A required field ignores
 * V_NULL_ABSENT: "null = omitted" would otherwise let a required field through unset.
 */
static int field(struct valid *v, json_t *obj, const char *key, unsigned flags, json_t **val)
{
    *val = json_object_get(obj, key); /* NULL for a non-object too */
    if (*val == NULL) {
        if (flags & V_REQUIRED) {
            valid_missing(v, key);
            return V_ERR;
        }
        return V_ABSENT;
    }
    if (json_is_null(*val)) {
        if (flags & V_NULLABLE)
            return V_NULL;
        if ((flags & V_NULL_ABSENT) && !(flags & V_REQUIRED))
            return V_ABSENT;
    }
    return V_OK;
}

int valid_string(struct valid *v, json_t *obj, const char *key, unsigned flags, size_t min,
                 size_t max, const char **out)
{
    json_t *val;
    int rc = field(v, obj, key, flags, &val);

    return rc == V_OK ? valid_check_string(v, key, val, min, max, out) : rc;
}

int valid_int(struct valid *v, json_t *obj, const char *key, unsigned flags, int64_t min,
              int64_t max, int64_t *out)
{
    json_t *val;
    int rc = field(v, obj, key, flags, &val);

    return rc == V_OK ? valid_check_int(v, key, val, min, max, out) : rc;
}

int valid_bool(struct valid *v, json_t *obj, const char *key, unsigned flags, bool *out)
{
    json_t *val;
    int rc = field(v, obj, key, flags, &val);

    return rc == V_OK ? check_bool(v, key, val, out) : rc;
}

int valid_enum(struct valid *v, json_t *obj, const char *key, unsigned flags,
               const char *const *values, int *out)
{
    json_t *val;
    int rc = field(v, obj, key, flags, &val);

    return rc == V_OK ? check_enum(v, key, val, values, out) : rc;
}

int valid_uuid(struct valid *v, json_t *obj, const char *key, unsigned flags,
               char out[STR_UUID_SIZE])
{
    json_t *val;
    int rc = field(v, obj, key, flags, &val);

    return rc == V_OK ? valid_check_uuid(v, key, val, out) : rc;
}

int valid_timestamp(struct valid *v, json_t *obj, const char *key, unsigned flags, int64_t *out)
{
    json_t *val;
    int rc = field(v, obj, key, flags, &val);

    return rc == V_OK ? check_timestamp(v, key, val, out) : rc;
}

int valid_date(struct valid *v, json_t *obj, const char *key, unsigned flags, struct ts_date *out)
{
    json_t *val;
    int rc = field(v, obj, key, flags, &val);

    return rc == V_OK ? check_date(v, key, val, out) : rc;
}

int valid_timezone(struct valid *v, json_t *obj, const char *key, unsigned flags, const char **out)
{
    json_t *val;
    int rc = field(v, obj, key, flags, &val);

    return rc == V_OK ? check_timezone(v, key, val, out) : rc;
}

int valid_pattern(struct valid *v, json_t *obj, const char *key, unsigned flags,
                  const char *pattern, const char **out)
{
    json_t *val;
    int rc = field(v, obj, key, flags, &val);

    return rc == V_OK ? check_pattern(v, key, val, pattern, out) : rc;
}

int valid_object(struct valid *v, json_t *obj, const char *key, unsigned flags, json_t **out)
{
    json_t *val;
    int rc = field(v, obj, key, flags, &val);

    return rc == V_OK ? valid_check_object(v, key, val, out) : rc;
}

int valid_array(struct valid *v, json_t *obj, const char *key, unsigned flags, size_t min,
                size_t max, json_t **out)
{
    json_t *val;
    int rc = field(v, obj, key, flags, &val);

    return rc == V_OK ? check_array(v, key, val, min, max, out) : rc;
}

/* --- 5. Raw text parameters ------------------------------------------------------------- */

/* Absent raw text: "missing" when required, else V_ABSENT. */
static int text_absent(struct valid *v, const char *key, unsigned flags)
{
    if (flags & V_REQUIRED) {
        valid_missing(v, key);
        return V_ERR;
    }
    return V_ABSENT;
}

int valid_text_int(struct valid *v, const char *key, const char *raw, unsigned flags, int64_t min,
                   int64_t max, int64_t *out)
{
    int64_t n;

    if (raw == NULL)
        return text_absent(v, key, flags);
    if (!str_parse_int64(raw, &n)) {
        valid_error(v, key, "int_parsing",
                    "Input should be a valid integer, unable to parse string as an integer");
        return V_ERR;
    }
    if (!check_range(v, key, n, min, max))
        return V_ERR;
    *out = n;
    return V_OK;
}

int valid_text_bool(struct valid *v, const char *key, const char *raw, unsigned flags, bool *out)
{
    if (raw == NULL)
        return text_absent(v, key, flags);
    if (strcasecmp(raw, "true") == 0 || strcmp(raw, "1") == 0) {
        *out = true;
        return V_OK;
    }
    if (strcasecmp(raw, "false") == 0 || strcmp(raw, "0") == 0) {
        *out = false;
        return V_OK;
    }
    valid_error(v, key, "bool_parsing",
                "Input should be a valid boolean, unable to interpret input");
    return V_ERR;
}

int valid_text_uuid(struct valid *v, const char *key, const char *raw, unsigned flags,
                    char out[STR_UUID_SIZE])
{
    if (raw == NULL)
        return text_absent(v, key, flags);
    if (!str_uuid_parse(raw, out)) {
        uuid_error(v, key, raw);
        return V_ERR;
    }
    return V_OK;
}

int valid_text_enum(struct valid *v, const char *key, const char *raw, unsigned flags,
                    const char *const *values, int *out)
{
    if (raw == NULL)
        return text_absent(v, key, flags);
    int i = enum_index(raw, values);
    if (i < 0) {
        enum_error(v, key, values);
        return V_ERR;
    }
    *out = i;
    return V_OK;
}

int valid_text_string(struct valid *v, const char *key, const char *raw, unsigned flags, size_t min,
                      size_t max, const char **out)
{
    if (raw == NULL)
        return text_absent(v, key, flags);
    if (!check_length(v, key, raw, min, max))
        return V_ERR;
    *out = raw;
    return V_OK;
}

int valid_text_date(struct valid *v, const char *key, const char *raw, unsigned flags,
                    struct ts_date *out)
{
    if (raw == NULL)
        return text_absent(v, key, flags);
    return check_date_text(v, key, raw, out);
}

/* --- schema-driven readers ------------------------------------------------------------ */

/* Validation flags of a field: the schema flags share the V_* values. */
_Static_assert((int)SCHEMA_REQUIRED == (int)V_REQUIRED && (int)SCHEMA_NULLABLE == (int)V_NULLABLE &&
                   (int)SCHEMA_NULL_ABSENT == (int)V_NULL_ABSENT,
               "schema flags are validation flags");
#define VFLAGS(f) ((f)->flags & (V_REQUIRED | V_NULLABLE | V_NULL_ABSENT))

static size_t size_limit(int64_t n)
{
    return n == SCHEMA_NO_MAX ? SIZE_MAX : (size_t)n;
}

/* What a field's reader writes (enum valid_out). */
static enum valid_out out_kind(const struct schema_field *f)
{
    switch (f->type) {
    case SCHEMA_INT:
    case SCHEMA_DATETIME:
        return VALID_OUT_INT64;
    case SCHEMA_BOOL:
        return VALID_OUT_BOOL;
    case SCHEMA_ENUM:
        return VALID_OUT_INDEX;
    case SCHEMA_UUID:
        return VALID_OUT_UUID;
    case SCHEMA_DATE:
        return VALID_OUT_DATE;
    case SCHEMA_OBJECT:
    case SCHEMA_MAP:
    case SCHEMA_ARRAY:
        return VALID_OUT_JSON;
    default: /* strings, emails, time zones (numbers have no reader) */
        return VALID_OUT_STRING;
    }
}

/* A caller's mistakes, not input: a field its schema does not hold, or an `out` of another
 * type than the field's reader writes. */
static void check_out(const struct schema_field *f, const char *name, enum valid_out kind)
{
    if (f == NULL || out_kind(f) != kind) {
        log_msg(LOG_ERROR, "validate", "field %s: %s", name,
                f == NULL ? "not in its schema" : "out points at another type than it reads");
        assert(!"a handler names a field wrongly");
        abort();
    }
}

static const struct schema_field *field_of(const struct schema *s, const char *name,
                                           enum valid_out kind)
{
    const struct schema_field *f = schema_find(s, name);

    check_out(f, name, kind);
    return f;
}

int valid_field_(struct valid *v, json_t *obj, const struct schema *s, const char *name,
                 enum valid_out kind, void *out)
{
    const struct schema_field *f = field_of(s, name, kind);
    unsigned fl = VFLAGS(f);

    switch (f->type) {
    case SCHEMA_STRING:
        if (f->pattern != NULL)
            return valid_pattern(v, obj, name, fl, f->pattern, out);
        return valid_string(v, obj, name, fl, size_limit(f->min), size_limit(f->max), out);
    case SCHEMA_EMAIL:
        /* The address rules (and their length after trimming) are the domain's. */
        return valid_string(v, obj, name, fl, 0, SIZE_MAX, out);
    case SCHEMA_INT:
        return valid_int(v, obj, name, fl, f->min, f->max, out);
    case SCHEMA_BOOL:
        return valid_bool(v, obj, name, fl, out);
    case SCHEMA_ENUM:
        return valid_enum(v, obj, name, fl, f->values, out);
    case SCHEMA_UUID:
        return valid_uuid(v, obj, name, fl, out);
    case SCHEMA_DATETIME:
        return valid_timestamp(v, obj, name, fl, out);
    case SCHEMA_DATE:
        return valid_date(v, obj, name, fl, out);
    case SCHEMA_TIMEZONE:
        return valid_timezone(v, obj, name, fl, out);
    case SCHEMA_OBJECT:
    case SCHEMA_MAP:
        return valid_object(v, obj, name, fl, out);
    case SCHEMA_ARRAY:
        return valid_array(v, obj, name, fl, size_limit(f->min), size_limit(f->max), out);
    case SCHEMA_NUMBER:
        break;
    }
    assert(!"no reader for this field type");
    abort();
}

int valid_text_field_(struct valid *v, const struct schema *s, const char *name, const char *raw,
                      enum valid_out kind, void *out)
{
    const struct schema_field *f = field_of(s, name, kind);
    unsigned fl = VFLAGS(f);

    switch (f->type) {
    case SCHEMA_STRING:
        return valid_text_string(v, name, raw, fl, size_limit(f->min), size_limit(f->max), out);
    case SCHEMA_INT:
        return valid_text_int(v, name, raw, fl, f->min, f->max, out);
    case SCHEMA_BOOL:
        return valid_text_bool(v, name, raw, fl, out);
    case SCHEMA_ENUM:
        return valid_text_enum(v, name, raw, fl, f->values, out);
    case SCHEMA_UUID:
        return valid_text_uuid(v, name, raw, fl, out);
    case SCHEMA_DATE:
        return valid_text_date(v, name, raw, fl, out);
    default:
        break;
    }
    assert(!"no text reader for this field type");
    abort();
}

int valid_check_field_(struct valid *v, const char *key, const struct schema_field *f, json_t *val,
                       enum valid_out kind, void *out)
{
    check_out(f, f->name != NULL ? f->name : "(item)", kind);
    switch (f->type) {
    case SCHEMA_STRING:
        return valid_check_string(v, key, val, size_limit(f->min), size_limit(f->max), out);
    case SCHEMA_UUID:
        return valid_check_uuid(v, key, val, out);
    default:
        break;
    }
    assert(!"no item checker for this field type");
    abort();
}

void valid_no_extra_fields(struct valid *v, json_t *obj, const struct schema *s)
{
    const char *key;
    json_t *val;

    json_object_foreach(obj, key, val)
    {
        if (schema_find(s, key) == NULL)
            valid_error(v, key, "extra_forbidden", "Extra inputs are not permitted");
    }
}
