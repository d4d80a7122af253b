/*
 * Unit tests for http/validate.c: the 422 item shapes and messages of API.md §1.2 and §1.3.
 * Each test reads fields from a literal JSON body and compares the error list exactly.
 */
#include <criterion/criterion.h>

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/validate.h"

/* --- fixture ---------------------------------------------------------------------------- */

static struct arena arena;
static struct valid v;
static json_t *doc;

static void setup(void)
{
    arena_init(&arena);
    valid_init(&v, &arena, "body");
    doc = NULL;
}

static void teardown(void)
{
    valid_free(&v);
    json_decref(doc);
    arena_free(&arena);
}

TestSuite(validate, .init = setup, .fini = teardown);

/*
 * Test JSON is written with single quotes, which no test value contains, so that literals stay
 * readable: "{'a':1}" is {"a":1}. Returns a jansson document (caller decrefs).
 */
static json_t *loads_quoted(const char *text)
{
    json_error_t err;
    char *copy = strdup(text);

    for (char *p = copy; *p != '\0'; p++) {
        if (*p == '\'')
            *p = '"';
    }
    json_t *j = json_loads(copy, JSON_DECODE_ANY, &err);
    cr_assert_not_null(j, "bad test JSON %s: %s", copy, err.text);
    free(copy);
    return j;
}

/* Parses `text` (single-quoted JSON) as the document under test; freed by the fixture. */
static json_t *body(const char *text)
{
    json_decref(doc);
    doc = loads_quoted(text);
    return doc;
}

/* One expected 422 item: `loc` in single-quoted JSON ("['body','title']"), msg and type. */
struct want {
    const char *loc;
    const char *msg;
    const char *type;
};

/* The errors of `w` are exactly `want[0..n)`, order included, each item compared whole. */
static void assert_errors_of(const struct valid *w, const struct want *want, size_t n)
{
    char *got = json_dumps(w->errors, JSON_COMPACT);

    cr_assert_eq(json_array_size(w->errors), n, "errors %s: want %zu items", got, n);
    for (size_t i = 0; i < n; i++) {
        json_t *item = json_pack("{s:o, s:s, s:s}", "loc", loads_quoted(want[i].loc), "msg",
                                 want[i].msg, "type", want[i].type);
        bool same = json_equal(json_array_get(w->errors, i), item);

        json_decref(item);
        cr_assert(same, "errors %s\n  item %zu should be loc %s, msg \"%s\", type %s", got, i,
                  want[i].loc, want[i].msg, want[i].type);
    }
    free(got);
}

#define ASSERT_ERRORS_OF(w, ...)                                                                   \
    do {                                                                                           \
        const struct want want_[] = {__VA_ARGS__};                                                 \
        assert_errors_of((w), want_, sizeof(want_) / sizeof(want_[0]));                            \
    } while (0)
#define ASSERT_ERRORS(...) ASSERT_ERRORS_OF(&v, __VA_ARGS__)

/* Starts over with another location root ("query", "path"), as a different parser would. */
static void reroot(const char *root)
{
    valid_free(&v);
    valid_init(&v, &arena, root);
}

static void assert_no_errors(void)
{
    cr_assert_eq(json_array_size(v.errors), 0);
    cr_assert(valid_ok(&v));
}

/* Exactly one error, with this loc and type (for messages the spec leaves open). */
static void assert_one_error_at(const char *loc, const char *type)
{
    json_t *want = loads_quoted(loc);

    cr_assert_eq(json_array_size(v.errors), 1, "want one error");
    json_t *item = json_array_get(v.errors, 0);
    bool same_loc = json_equal(json_object_get(item, "loc"), want);
    json_decref(want);
    cr_assert(same_loc, "loc differs from %s", loc);
    cr_assert_str_eq(json_string_value(json_object_get(item, "type")), type);
    cr_assert(json_is_string(json_object_get(item, "msg")));
}

/* --- the list and the location stack ---------------------------------------------------- */

Test(validate, new_valid_is_ok_with_empty_list)
{
    cr_assert(valid_ok(&v));
    cr_assert(json_is_array(v.errors));
    assert_no_errors();
}

Test(validate, error_loc_is_root_plus_key)
{
    valid_error(&v, "title", "value_error", "Value error, %s %d", "bad", 7);
    cr_assert_not(valid_ok(&v));
    ASSERT_ERRORS({"['body','title']", "Value error, bad 7", "value_error"});
}

Test(validate, error_with_null_key_is_at_current_location)
{
    valid_error(&v, NULL, "missing", "Field required");
    ASSERT_ERRORS({"['body']", "Field required", "missing"});
}

Test(validate, root_can_be_any_location_name)
{
    struct valid q;

    valid_init(&q, &arena, "query");
    valid_missing(&q, "limit");
    ASSERT_ERRORS_OF(&q, {"['query','limit']", "Field required", "missing"});
    valid_free(&q);
}

Test(validate, push_key_and_index_nest_the_location)
{
    valid_push_key(&v, "content");
    valid_push_key(&v, "options");
    valid_push_index(&v, 2);
    valid_missing(&v, "text");
    valid_pop(&v);
    valid_value_error(&v, NULL, "duplicate option");
    valid_pop(&v);
    valid_pop(&v);
    valid_missing(&v, "title");
    ASSERT_ERRORS({"['body','content','options',2,'text']", "Field required", "missing"},
                  {"['body','content','options']", "Value error, duplicate option", "value_error"},
                  {"['body','title']", "Field required", "missing"});
}

Test(validate, all_errors_of_a_pass_are_kept_in_order)
{
    json_t *obj = body("{'rating':9,'title':''}");
    int64_t rating;
    const char *title;

    cr_assert_eq(valid_string(&v, obj, "title", V_REQUIRED, 1, 200, &title), V_ERR);
    cr_assert_eq(valid_int(&v, obj, "rating", V_REQUIRED, 1, 5, &rating), V_ERR);
    cr_assert_eq(valid_bool(&v, obj, "anonymous", V_REQUIRED, &(bool){false}), V_ERR);
    ASSERT_ERRORS(
        {"['body','title']", "String should have at least 1 character", "string_too_short"},
        {"['body','rating']", "Input should be less than or equal to 5", "less_than_equal"},
        {"['body','anonymous']", "Field required", "missing"});
}

Test(validate, take_errors_hands_over_the_list_and_leaves_an_empty_one)
{
    valid_missing(&v, "a");
    json_t *errors = valid_take_errors(&v);

    cr_assert_eq(json_array_size(errors), 1);
    cr_assert(valid_ok(&v));
    cr_assert(json_is_array(v.errors));
    valid_missing(&v, "b");
    cr_assert_eq(json_array_size(errors), 1, "taken list must not see later errors");
    json_decref(errors);
}

Test(validate, free_twice_is_harmless)
{
    struct valid w;

    valid_init(&w, &arena, "body");
    valid_push_key(&w, "x");
    valid_missing(&w, "y");
    valid_free(&w);
    valid_free(&w);
}

Test(validate, long_messages_are_not_truncated)
{
    char big[600];

    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    valid_value_error(&v, "k", big);
    const char *msg = json_string_value(json_object_get(json_array_get(v.errors, 0), "msg"));
    cr_assert_eq(strlen(msg), strlen("Value error, ") + sizeof(big) - 1);
}

#ifdef NDEBUG
Test(validate, push_beyond_max_depth_is_ignored_without_asserts)
{
    for (int i = 0; i < VALID_MAX_DEPTH + 4; i++)
        valid_push_index(&v, (size_t)i);
    cr_assert_eq(v.depth, VALID_MAX_DEPTH);
}
#else
Test(validate, push_beyond_max_depth_asserts, .signal = SIGABRT)
{
    for (int i = 0; i < VALID_MAX_DEPTH + 4; i++)
        valid_push_index(&v, (size_t)i);
}
#endif

Test(validate, deepest_location_is_reported_whole)
{
    for (int i = 1; i < VALID_MAX_DEPTH; i++)
        valid_push_index(&v, (size_t)i);
    valid_missing(&v, NULL);
    json_t *loc = json_object_get(json_array_get(v.errors, 0), "loc");
    cr_assert_eq(json_array_size(loc), VALID_MAX_DEPTH);
    cr_assert_eq(json_integer_value(json_array_get(loc, VALID_MAX_DEPTH - 1)), VALID_MAX_DEPTH - 1);
}

/* --- flags: presence and null ----------------------------------------------------------- */

Test(validate, absent_required_field_is_missing)
{
    const char *s = "untouched";

    cr_assert_eq(valid_string(&v, body("{}"), "title", V_REQUIRED, 1, 10, &s), V_ERR);
    cr_assert_str_eq(s, "untouched");
    ASSERT_ERRORS({"['body','title']", "Field required", "missing"});
}

Test(validate, absent_optional_field_is_absent_and_out_untouched)
{
    int64_t n = 99;

    cr_assert_eq(valid_int(&v, body("{}"), "rating", 0, 1, 5, &n), V_ABSENT);
    cr_assert_eq(n, 99);
    assert_no_errors();
}

Test(validate, null_on_nullable_field_is_v_null)
{
    const char *s = "untouched";

    cr_assert_eq(valid_string(&v, body("{'d':null}"), "d", V_NULLABLE, 0, 10, &s), V_NULL);
    cr_assert_str_eq(s, "untouched");
    assert_no_errors();
}

Test(validate, null_with_null_absent_is_absent)
{
    int64_t n = 3;

    cr_assert_eq(valid_int(&v, body("{'n':null}"), "n", V_NULL_ABSENT, 0, 10, &n), V_ABSENT);
    cr_assert_eq(n, 3);
    assert_no_errors();
}

Test(validate, null_on_required_field_is_its_type_error_even_with_null_absent)
{
    int64_t n;

    cr_assert_eq(valid_int(&v, body("{'n':null}"), "n", V_REQUIRED | V_NULL_ABSENT, 0, 10, &n),
                 V_ERR);
    ASSERT_ERRORS({"['body','n']", "Input should be a valid integer", "int_type"});
}

Test(validate, null_on_plain_optional_field_is_type_error)
{
    bool b;

    cr_assert_eq(valid_bool(&v, body("{'b':null}"), "b", 0, &b), V_ERR);
    ASSERT_ERRORS({"['body','b']", "Input should be a valid boolean", "bool_type"});
}

Test(validate, required_nullable_field_accepts_null)
{
    const char *s;

    cr_assert_eq(valid_string(&v, body("{'s':null}"), "s", V_REQUIRED | V_NULLABLE, 0, 5, &s),
                 V_NULL);
    assert_no_errors();
}

Test(validate, non_object_container_reads_as_absent)
{
    const char *s;

    cr_assert_eq(valid_string(&v, body("[1]"), "s", 0, 0, 5, &s), V_ABSENT);
    cr_assert_eq(valid_string(&v, NULL, "s", V_REQUIRED, 0, 5, &s), V_ERR);
    ASSERT_ERRORS({"['body','s']", "Field required", "missing"});
}

/* --- strings ---------------------------------------------------------------------------- */

Test(validate, string_ok_is_borrowed_from_document)
{
    json_t *obj = body("{'title':'Safety 101'}");
    const char *s = NULL;

    cr_assert_eq(valid_string(&v, obj, "title", V_REQUIRED, 1, 200, &s), V_OK);
    cr_assert_str_eq(s, "Safety 101");
    cr_assert_eq(s, json_string_value(json_object_get(obj, "title")));
    assert_no_errors();
}

Test(validate, string_field_given_number_is_string_type)
{
    const char *s;

    cr_assert_eq(valid_string(&v, body("{'title':5}"), "title", V_REQUIRED, 1, 200, &s), V_ERR);
    ASSERT_ERRORS({"['body','title']", "Input should be a valid string", "string_type"});
}

Test(validate, string_field_given_array_or_bool_is_string_type)
{
    json_t *obj = body("{'a':['x'],'b':true}");
    const char *s;

    valid_string(&v, obj, "a", 0, 0, 10, &s);
    valid_string(&v, obj, "b", 0, 0, 10, &s);
    ASSERT_ERRORS({"['body','a']", "Input should be a valid string", "string_type"},
                  {"['body','b']", "Input should be a valid string", "string_type"});
}

Test(validate, empty_string_below_min_1_is_too_short_singular)
{
    const char *s;

    valid_string(&v, body("{'t':''}"), "t", V_REQUIRED, 1, 200, &s);
    ASSERT_ERRORS({"['body','t']", "String should have at least 1 character", "string_too_short"});
}

Test(validate, short_string_below_min_2_is_too_short_plural)
{
    const char *s;

    valid_string(&v, body("{'t':'a'}"), "t", V_REQUIRED, 2, 200, &s);
    ASSERT_ERRORS({"['body','t']", "String should have at least 2 characters", "string_too_short"});
}

Test(validate, long_string_is_too_long)
{
    const char *s;

    valid_string(&v, body("{'t':'abcdef'}"), "t", V_REQUIRED, 1, 5, &s);
    ASSERT_ERRORS({"['body','t']", "String should have at most 5 characters", "string_too_long"});
}

Test(validate, string_length_counts_code_points_not_bytes)
{
    json_t *obj = body("{'t':'\xc3\xa4\xc3\xb6\xc3\xbc','e':'\xf0\x9f\x98\x80'}");
    const char *s;

    cr_assert_eq(valid_string(&v, obj, "t", V_REQUIRED, 3, 3, &s), V_OK);
    cr_assert_eq(valid_string(&v, obj, "e", V_REQUIRED, 1, 1, &s), V_OK);
    assert_no_errors();
    cr_assert_eq(valid_string(&v, obj, "t", V_REQUIRED, 1, 2, &s), V_ERR);
    ASSERT_ERRORS({"['body','t']", "String should have at most 2 characters", "string_too_long"});
}

Test(validate, string_at_exact_bounds_is_ok)
{
    json_t *obj = body("{'t':'abc'}");
    const char *s;

    cr_assert_eq(valid_string(&v, obj, "t", 0, 3, 3, &s), V_OK);
    cr_assert_eq(valid_string(&v, obj, "t", 0, 0, SIZE_MAX, &s), V_OK);
    assert_no_errors();
}

Test(validate, utf8_length_counts_code_points)
{
    cr_assert_eq(str_utf8_length(""), 0);
    cr_assert_eq(str_utf8_length("abc"), 3);
    cr_assert_eq(str_utf8_length("\xc3\xa4\xc3\xb6\xc3\xbc"), 3); /* äöü */
    cr_assert_eq(str_utf8_length("\xe2\x82\xac"), 1);             /* € */
    cr_assert_eq(str_utf8_length("\xf0\x9f\x98\x80!"), 2);        /* 😀! */
}

/* --- integers --------------------------------------------------------------------------- */

Test(validate, int_ok)
{
    int64_t n = 0;

    cr_assert_eq(valid_int(&v, body("{'r':5}"), "r", V_REQUIRED, 1, 5, &n), V_OK);
    cr_assert_eq(n, 5);
    assert_no_errors();
}

Test(validate, int_field_given_float_is_int_type)
{
    json_t *obj = body("{'a':5.0,'b':5.5}");
    int64_t n = 0;

    cr_assert_eq(valid_int(&v, obj, "a", V_REQUIRED, 1, 5, &n), V_ERR);
    cr_assert_eq(valid_int(&v, obj, "b", V_REQUIRED, 1, 5, &n), V_ERR);
    cr_assert_eq(n, 0);
    ASSERT_ERRORS({"['body','a']", "Input should be a valid integer", "int_type"},
                  {"['body','b']", "Input should be a valid integer", "int_type"});
}

Test(validate, int_field_given_bool_or_string_is_int_type)
{
    json_t *obj = body("{'a':true,'b':'5'}");
    int64_t n;

    valid_int(&v, obj, "a", V_REQUIRED, 1, 5, &n);
    valid_int(&v, obj, "b", V_REQUIRED, 1, 5, &n);
    ASSERT_ERRORS({"['body','a']", "Input should be a valid integer", "int_type"},
                  {"['body','b']", "Input should be a valid integer", "int_type"});
}

Test(validate, int_below_min_is_greater_than_equal)
{
    int64_t n;

    valid_int(&v, body("{'r':0}"), "r", V_REQUIRED, 1, 5, &n);
    ASSERT_ERRORS(
        {"['body','r']", "Input should be greater than or equal to 1", "greater_than_equal"});
}

Test(validate, int_above_max_is_less_than_equal)
{
    int64_t n;

    valid_int(&v, body("{'r':6}"), "r", V_REQUIRED, 1, 5, &n);
    ASSERT_ERRORS({"['body','r']", "Input should be less than or equal to 5", "less_than_equal"});
}

Test(validate, int_negative_bounds_print_with_sign)
{
    int64_t n;

    valid_int(&v, body("{'r':-11}"), "r", V_REQUIRED, -10, 10, &n);
    ASSERT_ERRORS(
        {"['body','r']", "Input should be greater than or equal to -10", "greater_than_equal"});
}

Test(validate, int_extremes_of_int64)
{
    json_t *obj = body("{'lo':-9223372036854775808,'hi':9223372036854775807}");
    int64_t n;

    cr_assert_eq(valid_int(&v, obj, "lo", V_REQUIRED, INT64_MIN, INT64_MAX, &n), V_OK);
    cr_assert_eq(n, INT64_MIN);
    cr_assert_eq(valid_int(&v, obj, "hi", V_REQUIRED, INT64_MIN, INT64_MAX, &n), V_OK);
    cr_assert_eq(n, INT64_MAX);
    assert_no_errors();
}

/* --- booleans --------------------------------------------------------------------------- */

Test(validate, bool_ok)
{
    json_t *obj = body("{'t':true,'f':false}");
    bool b = false;

    cr_assert_eq(valid_bool(&v, obj, "t", V_REQUIRED, &b), V_OK);
    cr_assert(b);
    cr_assert_eq(valid_bool(&v, obj, "f", V_REQUIRED, &b), V_OK);
    cr_assert_not(b);
    assert_no_errors();
}

Test(validate, bool_field_given_string_or_int_is_bool_type)
{
    json_t *obj = body("{'a':'true','b':1}");
    bool b;

    valid_bool(&v, obj, "a", V_REQUIRED, &b);
    valid_bool(&v, obj, "b", V_REQUIRED, &b);
    ASSERT_ERRORS({"['body','a']", "Input should be a valid boolean", "bool_type"},
                  {"['body','b']", "Input should be a valid boolean", "bool_type"});
}

/* --- enums ------------------------------------------------------------------------------ */

static const char *const roles[] = {"learner", "author", "admin", NULL};
static const char *const two[] = {"linear", "branching", NULL};
static const char *const one[] = {"only", NULL};

Test(validate, enum_ok_gives_index)
{
    int i = -1;

    cr_assert_eq(valid_enum(&v, body("{'role':'admin'}"), "role", V_REQUIRED, roles, &i), V_OK);
    cr_assert_eq(i, 2);
    assert_no_errors();
}

Test(validate, enum_unknown_value_lists_three_values)
{
    int i;

    valid_enum(&v, body("{'role':'root'}"), "role", V_REQUIRED, roles, &i);
    ASSERT_ERRORS({"['body','role']", "Input should be 'learner', 'author' or 'admin'", "enum"});
}

Test(validate, enum_with_two_values_uses_or)
{
    int i;

    valid_enum(&v, body("{'f':'x'}"), "f", V_REQUIRED, two, &i);
    ASSERT_ERRORS({"['body','f']", "Input should be 'linear' or 'branching'", "enum"});
}

Test(validate, enum_with_one_value)
{
    int i;

    valid_enum(&v, body("{'f':'x'}"), "f", V_REQUIRED, one, &i);
    ASSERT_ERRORS({"['body','f']", "Input should be 'only'", "enum"});
}

Test(validate, enum_is_case_sensitive_and_non_strings_are_enum_errors)
{
    json_t *obj = body("{'a':'Admin','b':2,'c':null}");
    int i;

    valid_enum(&v, obj, "a", V_REQUIRED, roles, &i);
    valid_enum(&v, obj, "b", V_REQUIRED, roles, &i);
    valid_enum(&v, obj, "c", V_REQUIRED, roles, &i);
    ASSERT_ERRORS({"['body','a']", "Input should be 'learner', 'author' or 'admin'", "enum"},
                  {"['body','b']", "Input should be 'learner', 'author' or 'admin'", "enum"},
                  {"['body','c']", "Input should be 'learner', 'author' or 'admin'", "enum"});
}

/* --- UUIDs ------------------------------------------------------------------------------ */

Test(validate, uuid_any_case_becomes_lowercase)
{
    char id[STR_UUID_SIZE];

    cr_assert_eq(
        valid_uuid(&v, body("{'id':'3F2504E0-4F89-41D3-9A0C-0305E82C3301'}"), "id", V_REQUIRED, id),
        V_OK);
    cr_assert_str_eq(id, "3f2504e0-4f89-41d3-9a0c-0305e82c3301");
    assert_no_errors();
}

Test(validate, uuid_field_given_number_or_null_is_uuid_type)
{
    json_t *obj = body("{'a':5,'b':null}");
    char id[STR_UUID_SIZE];

    valid_uuid(&v, obj, "a", V_REQUIRED, id);
    valid_uuid(&v, obj, "b", V_REQUIRED, id);
    ASSERT_ERRORS(
        {"['body','a']", "UUID input should be a string, bytes or UUID object", "uuid_type"},
        {"['body','b']", "UUID input should be a string, bytes or UUID object", "uuid_type"});
}

Test(validate, uuid_bad_character_is_uuid_parsing)
{
    char id[STR_UUID_SIZE];

    valid_uuid(&v, body("{'id':'x3f2504e0-4f89-41d3-9a0c-0305e82c330'}"), "id", V_REQUIRED, id);
    ASSERT_ERRORS({"['body','id']",
                   "Input should be a valid UUID, invalid character: expected an optional prefix "
                   "of `urn:uuid:` followed by [0-9a-fA-F-], found `x` at 1",
                   "uuid_parsing"});
}

Test(validate, uuid_short_string_is_uuid_parsing_length)
{
    char id[STR_UUID_SIZE];

    valid_uuid(&v, body("{'id':'abc'}"), "id", V_REQUIRED, id);
    ASSERT_ERRORS({"['body','id']",
                   "Input should be a valid UUID, invalid length: expected length 32 for simple "
                   "format, found 3",
                   "uuid_parsing"});
}

Test(validate, uuid_simple_form_is_rejected_as_one_group)
{
    char id[STR_UUID_SIZE];

    valid_uuid(&v, body("{'id':'3f2504e04f8941d39a0c0305e82c3301'}"), "id", V_REQUIRED, id);
    ASSERT_ERRORS({"['body','id']",
                   "Input should be a valid UUID, invalid group count: expected 5, found 1",
                   "uuid_parsing"});
}

Test(validate, uuid_group_length_is_reported)
{
    char id[STR_UUID_SIZE];

    valid_uuid(&v, body("{'id':'3f2504e0-4f89-41d3-9a0c-0305e82c330'}"), "id", V_REQUIRED, id);
    ASSERT_ERRORS(
        {"['body','id']",
         "Input should be a valid UUID, invalid group length in group 4: expected 12, found 11",
         "uuid_parsing"});
}

Test(validate, uuid_multibyte_character_is_quoted_whole)
{
    char id[STR_UUID_SIZE];

    valid_uuid(&v, body("{'id':'3f2504e0-4f89-41d3-9a0c-0305e82c330\xc3\xa4'}"), "id", V_REQUIRED,
               id);
    ASSERT_ERRORS({"['body','id']",
                   "Input should be a valid UUID, invalid character: expected an optional prefix "
                   "of `urn:uuid:` followed by [0-9a-fA-F-], found `\xc3\xa4` at 36",
                   "uuid_parsing"});
}

Test(validate, uuid_other_malformations_are_uuid_parsing)
{
    static const char *const bad[] = {
        "",
        "3f2504e04f8941d39a0c0305e82c3301",       /* simple form: not accepted */
        "{3f2504e0-4f89-41d3-9a0c-0305e82c3301}", /* braced */
        "urn:uuid:3f2504e0-4f89-41d3-9a0c-0305e82c3301",
        "3f2504e0-4f89-41d3-9a0c-0305e82c330",   /* last group short */
        "3f2504e0-4f89-41d3-9a0c-0305e82c33011", /* last group long */
        "3f2504e04-f89-41d3-9a0c-0305e82c3301",  /* hyphen moved */
        "3f2504e0-4f89-41d3-9a0c0305e82c3301",   /* four groups */
        "3f2504e0-4f89-41d3-9a0c-0305-e82c3301", /* six groups */
        "3f2504e0-4f89-41d3-9a0c-0305e82c330\xc3\xa4",
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        json_t *obj = json_pack("{s:s}", "id", bad[i]);
        char id[STR_UUID_SIZE];

        cr_assert_not_null(obj);
        cr_assert_eq(valid_uuid(&v, obj, "id", V_REQUIRED, id), V_ERR, "%s", bad[i]);
        json_decref(obj);
        assert_one_error_at("['body','id']", "uuid_parsing");
        json_decref(valid_take_errors(&v));
    }
}

Test(validate, uuid_parse_helper)
{
    char out[STR_UUID_SIZE];

    cr_assert(str_uuid_parse("00000000-0000-4000-8000-00000000000A", out));
    cr_assert_str_eq(out, "00000000-0000-4000-8000-00000000000a");
    cr_assert_not(str_uuid_parse("00000000-0000-4000-8000-00000000000g", out));
    cr_assert_not(str_uuid_parse("00000000-0000-4000-8000-00000000000", out));
    cr_assert_not(str_uuid_parse("00000000-0000-4000-8000-00000000000aa", out));
    cr_assert_not(str_uuid_parse("00000000_0000_4000_8000_00000000000a", out));
}

/* --- timestamps and dates --------------------------------------------------------------- */

Test(validate, timestamp_ok_converts_to_utc_ms)
{
    int64_t ms = 0;

    cr_assert_eq(
        valid_timestamp(&v, body("{'at':'2026-11-27T10:30:00.000+01:00'}"), "at", V_REQUIRED, &ms),
        V_OK);
    cr_assert_eq(ms, INT64_C(1795771800000));
    assert_no_errors();
}

Test(validate, timestamp_without_offset_is_timezone_aware)
{
    int64_t ms;

    valid_timestamp(&v, body("{'at':'2026-11-27T10:30:00'}"), "at", V_REQUIRED, &ms);
    ASSERT_ERRORS({"['body','at']", "Input should have timezone info", "timezone_aware"});
}

Test(validate, timestamp_garbage_is_datetime_parsing_with_reason)
{
    int64_t ms;

    valid_timestamp(&v, body("{'at':'yesterday'}"), "at", V_REQUIRED, &ms);
    ASSERT_ERRORS({"['body','at']", "Input should be a valid datetime, input is too short",
                   "datetime_parsing"});
}

Test(validate, timestamp_with_seven_fraction_digits_is_datetime_parsing)
{
    int64_t ms;

    valid_timestamp(&v, body("{'at':'2026-11-27T10:30:00.1234567Z'}"), "at", V_REQUIRED, &ms);
    ASSERT_ERRORS(
        {"['body','at']",
         "Input should be a valid datetime, second fraction value is more than 6 digits long",
         "datetime_parsing"});
}

Test(validate, timestamp_field_given_number_is_datetime_type)
{
    int64_t ms;

    valid_timestamp(&v, body("{'at':1700000000}"), "at", V_REQUIRED, &ms);
    ASSERT_ERRORS({"['body','at']", "Input should be a valid datetime", "datetime_type"});
}

Test(validate, date_ok)
{
    struct ts_date d = {0, 0, 0};

    cr_assert_eq(valid_date(&v, body("{'on':'2024-02-29'}"), "on", V_REQUIRED, &d), V_OK);
    cr_assert(d.year == 2024 && d.month == 2 && d.day == 29);
    assert_no_errors();
}

Test(validate, date_not_a_leap_day_is_date_parsing)
{
    struct ts_date d;

    valid_date(&v, body("{'on':'2023-02-29'}"), "on", V_REQUIRED, &d);
    ASSERT_ERRORS({"['body','on']",
                   "Input should be a valid date in the format YYYY-MM-DD, day value is outside "
                   "expected range",
                   "date_parsing"});
}

Test(validate, date_with_time_is_date_parsing)
{
    struct ts_date d;

    valid_date(&v, body("{'on':'2024-01-01T00:00:00Z'}"), "on", V_REQUIRED, &d);
    ASSERT_ERRORS({"['body','on']",
                   "Input should be a valid date in the format YYYY-MM-DD, unexpected extra "
                   "characters at the end of the input",
                   "date_parsing"});
}

Test(validate, date_field_given_number_is_date_type)
{
    struct ts_date d;

    valid_date(&v, body("{'on':20240101}"), "on", V_REQUIRED, &d);
    ASSERT_ERRORS({"['body','on']", "Input should be a valid date", "date_type"});
}

/* --- time zones ------------------------------------------------------------------------- */

Test(validate, timezone_known_is_ok)
{
    const char *tz = NULL;

    cr_assert_eq(valid_timezone(&v, body("{'tz':'Europe/Berlin'}"), "tz", V_REQUIRED, &tz), V_OK);
    cr_assert_str_eq(tz, "Europe/Berlin");
    assert_no_errors();
}

Test(validate, timezone_wrong_case_is_unknown)
{
    const char *tz;

    valid_timezone(&v, body("{'tz':'europe/berlin'}"), "tz", V_REQUIRED, &tz);
    ASSERT_ERRORS({"['body','tz']", "Value error, unknown timezone", "value_error"});
}

Test(validate, timezone_path_traversal_is_unknown)
{
    const char *tz;

    valid_timezone(&v, body("{'tz':'../etc/passwd'}"), "tz", V_REQUIRED, &tz);
    ASSERT_ERRORS({"['body','tz']", "Value error, unknown timezone", "value_error"});
}

Test(validate, timezone_given_number_is_string_type)
{
    const char *tz;

    valid_timezone(&v, body("{'tz':1}"), "tz", V_REQUIRED, &tz);
    ASSERT_ERRORS({"['body','tz']", "Input should be a valid string", "string_type"});
}

/* --- patterns --------------------------------------------------------------------------- */

#define SLUG "^[a-z0-9-]{1,20}$"

Test(validate, pattern_match_is_ok)
{
    const char *s = NULL;

    cr_assert_eq(valid_pattern(&v, body("{'slug':'fire-safety-2'}"), "slug", V_REQUIRED, SLUG, &s),
                 V_OK);
    cr_assert_str_eq(s, "fire-safety-2");
    assert_no_errors();
}

Test(validate, pattern_mismatch_names_the_pattern)
{
    const char *s;

    valid_pattern(&v, body("{'slug':'Fire Safety'}"), "slug", V_REQUIRED, SLUG, &s);
    ASSERT_ERRORS({"['body','slug']", "String should match pattern '^[a-z0-9-]{1,20}$'",
                   "string_pattern_mismatch"});
}

Test(validate, pattern_field_given_number_is_string_type)
{
    const char *s;

    valid_pattern(&v, body("{'slug':12}"), "slug", V_REQUIRED, SLUG, &s);
    ASSERT_ERRORS({"['body','slug']", "Input should be a valid string", "string_type"});
}

Test(validate, pattern_cache_tells_reused_buffers_apart)
{
    char pattern[32];
    json_t *obj = body("{'a':'abc','n':'123'}");
    const char *s;

    strcpy(pattern, "^[a-z]+$");
    cr_assert_eq(valid_pattern(&v, obj, "a", 0, pattern, &s), V_OK);
    cr_assert_eq(valid_pattern(&v, obj, "n", 0, pattern, &s), V_ERR);
    strcpy(pattern, "^[0-9]+$");
    cr_assert_eq(valid_pattern(&v, obj, "n", 0, pattern, &s), V_OK);
    cr_assert_eq(valid_pattern(&v, obj, "a", 0, pattern, &s), V_ERR);
    cr_assert_eq(json_array_size(v.errors), 2);
}

Test(validate, pattern_keeps_working_when_the_cache_is_full)
{
    json_t *obj = body("{'a':'x7'}");
    char patterns[100][16];
    const char *s;

    for (int i = 0; i < 100; i++) {
        snprintf(patterns[i], sizeof(patterns[i]), "^x%d$", i);
        cr_assert_eq(valid_pattern(&v, obj, "a", 0, patterns[i], &s), i == 7 ? V_OK : V_ERR,
                     "pattern %d", i);
    }
    cr_assert_eq(json_array_size(v.errors), 99);
}

Test(validate, pattern_message_longer_than_a_line_is_whole)
{
    char pattern[400];
    const char *s;

    strcpy(pattern, "^(");
    for (int i = 0; i < 60; i++)
        strcat(pattern, "abcde|");
    strcat(pattern, "z)$");
    valid_pattern(&v, body("{'p':'q'}"), "p", 0, pattern, &s);
    const char *msg = json_string_value(json_object_get(json_array_get(v.errors, 0), "msg"));
    cr_assert_not_null(msg);
    cr_assert_eq(strlen(msg), strlen("String should match pattern ''") + strlen(pattern));
}

struct pattern_job {
    const char *value;
    int failures;
};

static void *match_many(void *arg)
{
    struct pattern_job *job = arg;
    struct arena a;
    struct valid w;
    json_t *obj = json_pack("{s:s}", "s", job->value);
    const char *s;

    arena_init(&a);
    valid_init(&w, &a, "body");
    for (int i = 0; i < 300; i++) {
        if (valid_pattern(&w, obj, "s", 0, i % 2 ? SLUG : "^[A-Z]+$", &s) != V_OK)
            job->failures++;
    }
    valid_free(&w);
    arena_free(&a);
    json_decref(obj);
    return NULL;
}

Test(validate, pattern_cache_is_thread_safe)
{
    pthread_t threads[6];
    struct pattern_job jobs[6];

    for (int i = 0; i < 6; i++) {
        jobs[i] = (struct pattern_job){i % 2 ? "abc" : "ABC", 0};
        cr_assert_eq(pthread_create(&threads[i], NULL, match_many, &jobs[i]), 0);
    }
    for (int i = 0; i < 6; i++) {
        pthread_join(threads[i], NULL);
        cr_assert_eq(jobs[i].failures, 150, "thread %d", i); /* each value fits one pattern */
    }
}

/* --- objects and arrays ----------------------------------------------------------------- */

Test(validate, object_ok_is_borrowed)
{
    json_t *obj = body("{'settings':{'a':1}}");
    json_t *out = NULL;

    cr_assert_eq(valid_object(&v, obj, "settings", V_REQUIRED, &out), V_OK);
    cr_assert_eq(out, json_object_get(obj, "settings"));
    assert_no_errors();
}

Test(validate, object_field_given_list_is_dict_type)
{
    json_t *out;

    valid_object(&v, body("{'settings':[]}"), "settings", V_REQUIRED, &out);
    ASSERT_ERRORS({"['body','settings']", "Input should be a valid dictionary", "dict_type"});
}

Test(validate, array_ok_is_borrowed)
{
    json_t *obj = body("{'ids':[1,2]}");
    json_t *out = NULL;

    cr_assert_eq(valid_array(&v, obj, "ids", V_REQUIRED, 1, 10, &out), V_OK);
    cr_assert_eq(out, json_object_get(obj, "ids"));
    assert_no_errors();
}

Test(validate, array_field_given_object_or_string_is_list_type)
{
    json_t *obj = body("{'a':{},'b':'x'}");
    json_t *out;

    valid_array(&v, obj, "a", V_REQUIRED, 0, 10, &out);
    valid_array(&v, obj, "b", V_REQUIRED, 0, 10, &out);
    ASSERT_ERRORS({"['body','a']", "Input should be a valid list", "list_type"},
                  {"['body','b']", "Input should be a valid list", "list_type"});
}

Test(validate, empty_array_below_min_1_is_too_short_singular)
{
    json_t *out;

    valid_array(&v, body("{'a':[]}"), "a", V_REQUIRED, 1, 10, &out);
    ASSERT_ERRORS(
        {"['body','a']", "List should have at least 1 item after validation, not 0", "too_short"});
}

Test(validate, array_below_min_2_is_too_short_plural)
{
    json_t *out;

    valid_array(&v, body("{'a':[1]}"), "a", V_REQUIRED, 2, 10, &out);
    ASSERT_ERRORS(
        {"['body','a']", "List should have at least 2 items after validation, not 1", "too_short"});
}

Test(validate, array_above_max_10_is_too_long)
{
    json_t *out;

    valid_array(&v, body("{'a':[1,2,3,4,5,6,7,8,9,10,11]}"), "a", V_REQUIRED, 0, 10, &out);
    ASSERT_ERRORS(
        {"['body','a']", "List should have at most 10 items after validation, not 11", "too_long"});
}

Test(validate, array_above_max_1_is_too_long_singular)
{
    json_t *out;

    valid_array(&v, body("{'a':[1,2]}"), "a", V_REQUIRED, 0, 1, &out);
    ASSERT_ERRORS(
        {"['body','a']", "List should have at most 1 item after validation, not 2", "too_long"});
}

/* --- value checkers and extra keys ------------------------------------------------------ */

Test(validate, check_string_on_array_items_reports_index)
{
    json_t *items = body("['ok', 3, '']");

    valid_push_key(&v, "tags");
    for (size_t i = 0; i < json_array_size(items); i++) {
        const char *s;
        valid_push_index(&v, i);
        valid_check_string(&v, NULL, json_array_get(items, i), 1, 20, &s);
        valid_pop(&v);
    }
    valid_pop(&v);
    ASSERT_ERRORS(
        {"['body','tags',1]", "Input should be a valid string", "string_type"},
        {"['body','tags',2]", "String should have at least 1 character", "string_too_short"});
}

Test(validate, check_int_with_key_reports_key)
{
    json_t *item = body("{'score':'7'}");
    int64_t n = 0;

    valid_push_key(&v, "answers");
    valid_push_index(&v, 0);
    cr_assert_eq(valid_check_int(&v, "score", json_object_get(item, "score"), 0, 10, &n), V_ERR);
    json_t *big = json_integer(30);
    int rc = valid_check_int(&v, "score", big, 0, 10, &n);
    json_decref(big);
    cr_assert_eq(rc, V_ERR);
    ASSERT_ERRORS({"['body','answers',0,'score']", "Input should be a valid integer", "int_type"},
                  {"['body','answers',0,'score']", "Input should be less than or equal to 10",
                   "less_than_equal"});
}

static const struct schema_field content_fields[] = {
    SF_STR("text", SCHEMA_REQUIRED, 1, 10), SF_BOOL("correct", 0),
    SF_INT("score", SCHEMA_NULL_ABSENT, 0, 10), SF_UUID("ref", SCHEMA_NULLABLE)};
static const struct schema content_schema = SCHEMA_OF("Content", NULL, true, content_fields);
static const struct schema no_keys = {.name = "Empty", .closed = true};

Test(validate, no_extra_reports_each_key_the_schema_lacks)
{
    json_t *obj = body("{'text':'a','correct':true,'score':1,'hint':'b','more':2}");

    valid_push_key(&v, "content");
    valid_no_extra_fields(&v, obj, &content_schema);
    ASSERT_ERRORS(
        {"['body','content','hint']", "Extra inputs are not permitted", "extra_forbidden"},
        {"['body','content','more']", "Extra inputs are not permitted", "extra_forbidden"});
}

Test(validate, no_extra_accepts_known_keys_and_ignores_non_objects)
{
    valid_no_extra_fields(&v, body("{'text':1}"), &content_schema);
    valid_no_extra_fields(&v, body("[1,2]"), &no_keys);
    valid_no_extra_fields(&v, body("{}"), &no_keys);
    assert_no_errors();
}

/* valid_field() runs the reader of the field's type with its flags and limits. */
Test(validate, field_reads_with_the_schema_definition)
{
    json_t *obj = body("{'text':'far too long here','correct':'yes','score':null,'ref':null}");
    const char *text = NULL;
    bool correct;
    int64_t score = 7;
    char ref[STR_UUID_SIZE];

    cr_assert_eq(valid_field(&v, obj, &content_schema, "text", &text), V_ERR);
    cr_assert_eq(valid_field(&v, obj, &content_schema, "correct", &correct), V_ERR);
    cr_assert_eq(valid_field(&v, obj, &content_schema, "score", &score), V_ABSENT);
    cr_assert_eq(score, 7);
    cr_assert_eq(valid_field(&v, obj, &content_schema, "ref", ref), V_NULL);
    ASSERT_ERRORS(
        {"['body','text']", "String should have at most 10 characters", "string_too_long"},
        {"['body','correct']", "Input should be a valid boolean", "bool_type"});
}

Test(validate, text_field_reads_query_parameters_with_the_schema_definition)
{
    int64_t score = 0;
    const char *text = NULL;

    cr_assert_eq(valid_text_field(&v, &content_schema, "score", "11", &score), V_ERR);
    cr_assert_eq(valid_text_field(&v, &content_schema, "score", "4", &score), V_OK);
    cr_assert_eq(score, 4);
    cr_assert_eq(valid_text_field(&v, &content_schema, "text", NULL, &text), V_ERR);
    ASSERT_ERRORS(
        {"['body','score']", "Input should be less than or equal to 10", "less_than_equal"},
        {"['body','text']", "Field required", "missing"});
}

/* An `out` of another type than the field's reader writes is the caller's bug: it stops at
 * once instead of writing 8 bytes into an int. */
Test(validate, out_of_another_type_than_the_field_aborts, .signal = SIGABRT)
{
    int index = 0;
    json_t *obj = json_pack("{s:i}", "score", 3);

    valid_field(&v, obj, &content_schema, "score", &index);
    json_decref(obj);
}

/* --- raw text parameters ---------------------------------------------------------------- */

Test(validate, text_int_ok)
{
    int64_t n = 0;

    cr_assert_eq(valid_text_int(&v, "limit", "20", 0, 1, 100, &n), V_OK);
    cr_assert_eq(n, 20);
    cr_assert_eq(valid_text_int(&v, "n", "-7", 0, -10, 10, &n), V_OK);
    cr_assert_eq(n, -7);
    cr_assert_eq(valid_text_int(&v, "n", "-9223372036854775808", 0, INT64_MIN, 0, &n), V_OK);
    cr_assert_eq(n, INT64_MIN);
    cr_assert_eq(valid_text_int(&v, "n", "007", 0, 0, 10, &n), V_OK);
    cr_assert_eq(n, 7);
    assert_no_errors();
}

Test(validate, text_int_absent)
{
    int64_t n = 5;

    cr_assert_eq(valid_text_int(&v, "limit", NULL, 0, 1, 100, &n), V_ABSENT);
    cr_assert_eq(n, 5);
    assert_no_errors();
    cr_assert_eq(valid_text_int(&v, "limit", NULL, V_REQUIRED, 1, 100, &n), V_ERR);
    ASSERT_ERRORS({"['body','limit']", "Field required", "missing"});
}

Test(validate, text_int_rejects_anything_but_plain_decimal)
{
    static const char *const bad[] = {
        "",
        "-",
        "abc",
        "5.0",
        " 5",
        "5 ",
        "+5",
        "0x10",
        "1e3",
        "9223372036854775808",
        "-9223372036854775809",
        "99999999999999999999999",
    };
    reroot("query");
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int64_t n = 42;

        cr_assert_eq(valid_text_int(&v, "limit", bad[i], 0, INT64_MIN, INT64_MAX, &n), V_ERR,
                     "'%s'", bad[i]);
        cr_assert_eq(n, 42);
        ASSERT_ERRORS({"['query','limit']",
                       "Input should be a valid integer, unable to parse string as an integer",
                       "int_parsing"});
        json_decref(valid_take_errors(&v));
    }
}

Test(validate, text_int_limit_bounds)
{
    int64_t n;

    reroot("query");
    valid_text_int(&v, "limit", "0", 0, 1, 100, &n);
    valid_text_int(&v, "limit", "101", 0, 1, 100, &n);
    ASSERT_ERRORS(
        {"['query','limit']", "Input should be greater than or equal to 1", "greater_than_equal"},
        {"['query','limit']", "Input should be less than or equal to 100", "less_than_equal"});
}

Test(validate, text_bool_accepts_true_false_1_0_any_case)
{
    static const char *const yes[] = {"true", "TRUE", "True", "1"};
    static const char *const no[] = {"false", "FALSE", "fAlSe", "0"};

    for (size_t i = 0; i < 4; i++) {
        bool b = false;
        cr_assert_eq(valid_text_bool(&v, "x", yes[i], 0, &b), V_OK, "%s", yes[i]);
        cr_assert(b, "%s", yes[i]);
        b = true;
        cr_assert_eq(valid_text_bool(&v, "x", no[i], 0, &b), V_OK, "%s", no[i]);
        cr_assert_not(b, "%s", no[i]);
    }
    assert_no_errors();
}

Test(validate, text_bool_other_text_is_bool_parsing)
{
    bool b;

    cr_assert_eq(valid_text_bool(&v, "unread", "yes", 0, &b), V_ERR);
    cr_assert_eq(valid_text_bool(&v, "unread", "", 0, &b), V_ERR);
    cr_assert_eq(valid_text_bool(&v, "unread", NULL, 0, &b), V_ABSENT);
    ASSERT_ERRORS({"['body','unread']",
                   "Input should be a valid boolean, unable to interpret input", "bool_parsing"},
                  {"['body','unread']",
                   "Input should be a valid boolean, unable to interpret input", "bool_parsing"});
}

Test(validate, text_uuid_ok_and_lowercased)
{
    char id[STR_UUID_SIZE];

    cr_assert_eq(
        valid_text_uuid(&v, "module_id", "ABCDEF01-2345-4678-89AB-CDEF01234567", V_REQUIRED, id),
        V_OK);
    cr_assert_str_eq(id, "abcdef01-2345-4678-89ab-cdef01234567");
    assert_no_errors();
}

Test(validate, text_uuid_malformed_path_param_is_uuid_parsing)
{
    char id[STR_UUID_SIZE];

    reroot("path");
    cr_assert_eq(valid_text_uuid(&v, "module_id", "not-a-uuid", V_REQUIRED, id), V_ERR);
    assert_one_error_at("['path','module_id']", "uuid_parsing");
}

Test(validate, text_uuid_with_invalid_utf8_still_gives_a_json_message)
{
    char id[STR_UUID_SIZE];

    cr_assert_eq(valid_text_uuid(&v, "id", "\xff\xfe-bad", V_REQUIRED, id), V_ERR);
    ASSERT_ERRORS({"['body','id']",
                   "Input should be a valid UUID, invalid character: expected an optional prefix "
                   "of `urn:uuid:` followed by [0-9a-fA-F-], found `?` at 1",
                   "uuid_parsing"});
}

Test(validate, text_enum)
{
    int i = -1;

    cr_assert_eq(valid_text_enum(&v, "role", "author", 0, roles, &i), V_OK);
    cr_assert_eq(i, 1);
    cr_assert_eq(valid_text_enum(&v, "role", NULL, 0, roles, &i), V_ABSENT);
    cr_assert_eq(valid_text_enum(&v, "role", "Author", 0, roles, &i), V_ERR);
    ASSERT_ERRORS({"['body','role']", "Input should be 'learner', 'author' or 'admin'", "enum"});
}

Test(validate, text_string_counts_code_points)
{
    const char *s = NULL;

    cr_assert_eq(valid_text_string(&v, "q", "\xc3\xa4\xc3\xb6\xc3\xbc", 0, 1, 3, &s), V_OK);
    cr_assert_str_eq(s, "\xc3\xa4\xc3\xb6\xc3\xbc");
    cr_assert_eq(valid_text_string(&v, "q", "", 0, 1, 3, &s), V_ERR);
    cr_assert_eq(valid_text_string(&v, "q", "abcd", 0, 1, 3, &s), V_ERR);
    cr_assert_eq(valid_text_string(&v, "q", NULL, V_REQUIRED, 1, 3, &s), V_ERR);
    ASSERT_ERRORS({"['body','q']", "String should have at least 1 character", "string_too_short"},
                  {"['body','q']", "String should have at most 3 characters", "string_too_long"},
                  {"['body','q']", "Field required", "missing"});
}

Test(validate, text_date)
{
    struct ts_date d = {0, 0, 0};

    cr_assert_eq(valid_text_date(&v, "from", "2024-02-29", 0, &d), V_OK);
    cr_assert(d.year == 2024 && d.month == 2 && d.day == 29);
    cr_assert_eq(valid_text_date(&v, "from", NULL, 0, &d), V_ABSENT);
    cr_assert_eq(valid_text_date(&v, "from", "2024-13-01", 0, &d), V_ERR);
    ASSERT_ERRORS({"['body','from']",
                   "Input should be a valid date in the format YYYY-MM-DD, month value is outside "
                   "expected range of 1-12",
                   "date_parsing"});
}

Test(validate, merge_appends_the_second_pass_and_frees_it)
{
    struct arena a;
    struct valid path, body;

    arena_init(&a);
    valid_init(&path, &a, "path");
    valid_init(&body, &a, "body");
    valid_missing(&path, "module_id");
    valid_missing(&body, "title");
    valid_merge(&path, &body);
    cr_assert_null(body.errors);
    cr_assert_eq(valid_error_count(&path), 2);
    json_t *second = json_array_get(path.errors, 1);
    cr_assert_str_eq(json_string_value(json_array_get(json_object_get(second, "loc"), 0)), "body");
    valid_free(&path);
    arena_free(&a);
}
