/*
 * Unit tests for domain/content.c: screen content schemas (API.md §6.3), module settings (§3)
 * and the learner view of question screens (§6.4). Errors are collected as a POST body would
 * see them, under ["body","content"] (settings: ["body","settings"]); tests check that each
 * expected item is present, ignoring order (§1.3), and that there are no others.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/content.h"

#define UUID_UPPER "A1B2C3D4-E5F6-4A7B-8C9D-0E1F2A3B4C5D"
#define UUID_LOWER "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"
#define ID_MISMATCH "String should match pattern '^[A-Za-z0-9_-]{1,36}$'"
#define EXTRA "Extra inputs are not permitted"

/* --- fixture ---------------------------------------------------------------------------- */

static struct arena arena;
static struct valid v;
static json_t *input;
static json_t *out;
static int rc;

static void setup_at(const char *key)
{
    arena_init(&arena);
    valid_init(&v, &arena, "body");
    valid_push_key(&v, key);
    input = NULL;
    out = NULL;
    rc = 99;
}

static void setup_content(void)
{
    setup_at("content");
}

static void setup_settings(void)
{
    setup_at("settings");
}

static void teardown(void)
{
    valid_free(&v);
    json_decref(input);
    json_decref(out);
    arena_free(&arena);
}

TestSuite(content, .init = setup_content, .fini = teardown);
TestSuite(settings, .init = setup_settings, .fini = teardown);
TestSuite(redact);

/*
 * Test JSON is written with single quotes, which no test value contains, so that literals stay
 * readable: "{'a':1}" is {"a":1}. Returns a new document (caller decrefs).
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

/* Validates `doc` (taken over) as content of `type`; the result stays in rc / out. */
static void check_doc(enum screen_type type, json_t *doc)
{
    json_decref(input);
    json_decref(out);
    input = doc;
    out = NULL;
    rc = content_validate(&v, type, input, &out);
}

static void check(enum screen_type type, const char *text)
{
    check_doc(type, loads_quoted(text));
}

static void check_settings(enum flow_type flow, const char *text)
{
    json_decref(input);
    json_decref(out);
    input = text != NULL ? loads_quoted(text) : NULL;
    out = NULL;
    rc = content_settings_validate(&v, flow, input, &out);
}

/* Success, with `out` serialised exactly as `want`: values and key order. */
static void assert_output(const char *want)
{
    char *got_errors = json_dumps(v.errors, JSON_COMPACT);
    json_t *w = loads_quoted(want);
    char *want_text = json_dumps(w, JSON_COMPACT);

    cr_assert_eq(rc, 0, "want success, errors %s", got_errors);
    cr_assert_not_null(out);
    char *got = json_dumps(out, JSON_COMPACT);
    cr_assert_str_eq(got, want_text);
    free(got);
    free(want_text);
    free(got_errors);
    json_decref(w);
}

/* One expected 422 item: loc in single-quoted JSON, type, and msg unless NULL. */
struct want {
    const char *loc;
    const char *type;
    const char *msg;
};

static bool matches(json_t *item, const struct want *w)
{
    json_t *loc = loads_quoted(w->loc);
    bool same =
        json_equal(json_object_get(item, "loc"), loc) &&
        strcmp(json_string_value(json_object_get(item, "type")), w->type) == 0 &&
        json_is_string(json_object_get(item, "msg")) &&
        (w->msg == NULL || strcmp(json_string_value(json_object_get(item, "msg")), w->msg) == 0);

    json_decref(loc);
    return same;
}

/* Failure, and the errors are exactly `want[0..n)` in any order. */
static void assert_errors(const struct want *want, size_t n)
{
    char *got = json_dumps(v.errors, JSON_COMPACT);

    cr_assert_eq(rc, -1, "want failure, got %d", rc);
    cr_assert_null(out);
    cr_assert_eq(json_array_size(v.errors), n, "errors %s: want %zu items", got, n);
    for (size_t i = 0; i < n; i++) {
        bool found = false;
        for (size_t j = 0; j < n && !found; j++)
            found = matches(json_array_get(v.errors, j), &want[i]);
        cr_assert(found, "errors %s\n  lack loc %s, type %s, msg %s", got, want[i].loc,
                  want[i].type, want[i].msg != NULL ? want[i].msg : "(any)");
    }
    free(got);
}

#define ASSERT_ERRORS(...)                                                                         \
    do {                                                                                           \
        const struct want want_[] = {__VA_ARGS__};                                                 \
        assert_errors(want_, sizeof(want_) / sizeof(want_[0]));                                    \
    } while (0)

/* `n` copies of `unit` (caller frees). */
static char *repeat(const char *unit, size_t n)
{
    size_t len = strlen(unit);
    char *s = malloc(len * n + 1);

    for (size_t i = 0; i < n; i++)
        memcpy(s + i * len, unit, len);
    s[len * n] = '\0';
    return s;
}

/* {"<key>": <n copies of unit>, ...rest} built without a JSON literal of that size. */
static json_t *with_long_string(const char *text, const char *key, const char *unit, size_t n)
{
    json_t *doc = loads_quoted(text);
    char *s = repeat(unit, n);

    json_object_set_new(doc, key, json_string(s));
    free(s);
    return doc;
}

/* A JSON array of `n` objects made from `tmpl`, its '#' replaced by the index (caller decrefs). */
static json_t *items(const char *tmpl, size_t n)
{
    const char *hash = strchr(tmpl, '#');
    json_t *arr = json_array();
    char text[256];

    cr_assert_not_null(hash);
    for (size_t i = 0; i < n; i++) {
        snprintf(text, sizeof(text), "%.*s%zu%s", (int)(hash - tmpl), tmpl, i, hash + 1);
        json_array_append_new(arr, loads_quoted(text));
    }
    return arr;
}

static json_t *with_list(const char *text, const char *key, json_t *list)
{
    json_t *doc = loads_quoted(text);

    json_object_set_new(doc, key, list);
    return doc;
}

/* --- content ---------------------------------------------------------------------------- */

Test(content, body_alone_gets_empty_media)
{
    check(SCREEN_CONTENT, "{'body':'Hello'}");
    assert_output("{'body':'Hello','media':[]}");
}

Test(content, output_keys_follow_the_spec_order_and_alt_defaults_to_empty)
{
    check(SCREEN_CONTENT, "{'media':[{'url':'https://x.example/a.png','type':'image'},"
                          "{'alt':'Clip','type':'video','url':'http://x.example/v'}],"
                          "'body':'B'}");
    assert_output("{'body':'B','media':[{'type':'image','url':'https://x.example/a.png','alt':''},"
                  "{'type':'video','url':'http://x.example/v','alt':'Clip'}]}");
}

Test(content, null_media_and_null_alt_are_omitted)
{
    check(SCREEN_CONTENT, "{'body':'B','media':null}");
    assert_output("{'body':'B','media':[]}");
    check(SCREEN_CONTENT, "{'body':'B','media':[{'type':'image','url':'https://a','alt':null}]}");
    assert_output("{'body':'B','media':[{'type':'image','url':'https://a','alt':''}]}");
}

Test(content, missing_body_is_missing)
{
    check(SCREEN_CONTENT, "{}");
    ASSERT_ERRORS({"['body','content','body']", "missing", "Field required"});
}

Test(content, body_type_and_length_are_checked)
{
    check(SCREEN_CONTENT, "{'body':''}");
    ASSERT_ERRORS({"['body','content','body']", "string_too_short",
                   "String should have at least 1 character"});
}

Test(content, body_of_a_number_or_null_is_string_type)
{
    check(SCREEN_CONTENT, "{'body':5}");
    ASSERT_ERRORS({"['body','content','body']", "string_type", "Input should be a valid string"});
    json_decref(valid_take_errors(&v));
    check(SCREEN_CONTENT, "{'body':null}");
    ASSERT_ERRORS({"['body','content','body']", "string_type", "Input should be a valid string"});
}

Test(content, body_over_20000_code_points_is_too_long)
{
    check_doc(SCREEN_CONTENT, with_long_string("{}", "body", "a", 20001));
    ASSERT_ERRORS({"['body','content','body']", "string_too_long",
                   "String should have at most 20000 characters"});
}

Test(content, body_length_counts_code_points_not_bytes)
{
    check_doc(SCREEN_CONTENT, with_long_string("{}", "body", "\xc3\xa9", 20000)); /* é */
    cr_assert_eq(rc, 0);
}

Test(content, media_over_10_items_is_too_long)
{
    check_doc(SCREEN_CONTENT, with_list("{'body':'B'}", "media",
                                        items("{'type':'image','url':'https://a/#'}", 11)));
    ASSERT_ERRORS({"['body','content','media']", "too_long",
                   "List should have at most 10 items after validation, not 11"});
}

Test(content, media_of_10_items_is_fine)
{
    check_doc(SCREEN_CONTENT, with_list("{'body':'B'}", "media",
                                        items("{'type':'image','url':'https://a/#'}", 10)));
    cr_assert_eq(rc, 0);
    cr_assert_eq(json_array_size(json_object_get(out, "media")), 10);
}

Test(content, media_must_be_a_list_of_objects)
{
    check(SCREEN_CONTENT, "{'body':'B','media':{}}");
    ASSERT_ERRORS({"['body','content','media']", "list_type", "Input should be a valid list"});
    json_decref(valid_take_errors(&v));
    check(SCREEN_CONTENT, "{'body':'B','media':['https://a']}");
    ASSERT_ERRORS(
        {"['body','content','media',0]", "dict_type", "Input should be a valid dictionary"});
}

Test(content, media_type_is_image_or_video)
{
    check(SCREEN_CONTENT, "{'body':'B','media':[{'type':'audio','url':'https://a'}]}");
    ASSERT_ERRORS(
        {"['body','content','media',0,'type']", "enum", "Input should be 'image' or 'video'"});
}

Test(content, url_must_be_http_or_https)
{
    check(SCREEN_CONTENT, "{'body':'B','media':[{'type':'image','url':'https://a'},"
                          "{'type':'image','url':'ftp://a'},{'type':'image','url':'httpx://a'},"
                          "{'type':'image','url':'javascript:alert(1)'}]}");
    ASSERT_ERRORS(
        {"['body','content','media',1,'url']", "value_error", "Value error, url must be http(s)"},
        {"['body','content','media',2,'url']", "value_error", "Value error, url must be http(s)"},
        {"['body','content','media',3,'url']", "value_error", "Value error, url must be http(s)"});
}

Test(content, empty_url_is_too_short_only)
{
    check(SCREEN_CONTENT, "{'body':'B','media':[{'type':'image','url':''}]}");
    ASSERT_ERRORS({"['body','content','media',0,'url']", "string_too_short",
                   "String should have at least 1 character"});
}

Test(content, url_over_2048_and_alt_over_300_are_too_long)
{
    char *url = repeat("a", 2041);
    json_t *item = json_pack("{s:s, s:s+, s:s}", "type", "image", "url", "https://", url, "alt",
                             "x"); /* 8 + 2041 = 2049 */
    char *alt = repeat("b", 301);

    json_object_set_new(item, "alt", json_string(alt));
    check_doc(SCREEN_CONTENT, with_list("{'body':'B'}", "media", json_pack("[o]", item)));
    ASSERT_ERRORS({"['body','content','media',0,'url']", "string_too_long",
                   "String should have at most 2048 characters"},
                  {"['body','content','media',0,'alt']", "string_too_long",
                   "String should have at most 300 characters"});
    free(url);
    free(alt);
}

Test(content, media_item_needs_type_and_url)
{
    check(SCREEN_CONTENT, "{'body':'B','media':[{'alt':'x'}]}");
    ASSERT_ERRORS({"['body','content','media',0,'type']", "missing", "Field required"},
                  {"['body','content','media',0,'url']", "missing", "Field required"});
}

Test(content, unknown_keys_are_forbidden_at_top_level_and_in_media_items)
{
    check(SCREEN_CONTENT,
          "{'body':'B','title':'t','media':[{'type':'image','url':'https://a','caption':'c'}]}");
    ASSERT_ERRORS({"['body','content','title']", "extra_forbidden", EXTRA},
                  {"['body','content','media',0,'caption']", "extra_forbidden", EXTRA});
}

Test(content, all_errors_are_reported_in_one_pass)
{
    check(SCREEN_CONTENT, "{'body':'','x':1,'media':[{'type':'gif','url':'ftp://a','alt':3},7]}");
    ASSERT_ERRORS({"['body','content','body']", "string_too_short", NULL},
                  {"['body','content','x']", "extra_forbidden", EXTRA},
                  {"['body','content','media',0,'type']", "enum", NULL},
                  {"['body','content','media',0,'url']", "value_error", NULL},
                  {"['body','content','media',0,'alt']", "string_type", NULL},
                  {"['body','content','media',1]", "dict_type", NULL});
}

Test(content, content_that_is_not_an_object_is_dict_type)
{
    check(SCREEN_CONTENT, "[]");
    ASSERT_ERRORS({"['body','content']", "dict_type", "Input should be a valid dictionary"});
}

Test(content, errors_recorded_before_by_the_caller_do_not_fail_valid_content)
{
    valid_pop(&v);
    valid_missing(&v, "title");
    valid_push_key(&v, "content");
    check(SCREEN_CONTENT, "{'body':'B'}");
    cr_assert_eq(rc, 0);
    cr_assert_not_null(out);
    cr_assert_eq(json_array_size(v.errors), 1);
}

Test(content, huge_lists_cost_one_error_each_not_one_per_item)
{
    json_t *doc = loads_quoted("{'kind':'multiple','prompt':'P'}");
    json_t *empty = json_array();
    json_t *ids = json_array();

    for (int i = 0; i < 100000; i++) {
        json_array_append_new(empty, json_object());
        json_array_append_new(ids, json_integer(i));
    }
    json_object_set_new(doc, "options", empty);
    json_object_set_new(doc, "correct_option_ids", ids);
    check_doc(SCREEN_QUESTION, doc);
    ASSERT_ERRORS({"['body','content','options']", "too_long",
                   "List should have at most 10 items after validation, not 100000"},
                  {"['body','content','correct_option_ids']", "too_long",
                   "List should have at most 10 items after validation, not 100000"});
}

/* --- size --------------------------------------------------------------------------------- */

Test(content, content_over_65536_bytes_is_too_large_though_body_length_is_fine)
{
    /* 20000 code points, 80000 bytes of UTF-8. */
    check_doc(SCREEN_CONTENT, with_long_string("{}", "body", "\xf0\x9f\x98\x80", 20000));
    ASSERT_ERRORS({"['body','content']", "value_error", "Value error, content too large"});
}

Test(content, exactly_65536_stored_bytes_is_accepted_and_one_more_is_not)
{
    /* {"body":"...","media":[]} has 22 bytes around the body: 16378 four-byte characters and 2
     * ASCII ones make 65514, so the stored document is exactly 65536 bytes. */
    char *emoji = repeat("\xf0\x9f\x98\x80", 16378);
    json_t *doc = json_pack("{s:s+}", "body", emoji, "ab");

    check_doc(SCREEN_CONTENT, doc);
    cr_assert_eq(rc, 0);
    char *text = json_dumps(out, JSON_COMPACT);
    cr_assert_eq(strlen(text), 65536);
    free(text);
    check_doc(SCREEN_CONTENT, json_pack("{s:s+}", "body", emoji, "abc"));
    ASSERT_ERRORS({"['body','content']", "value_error", "Value error, content too large"});
    free(emoji);
}

Test(content, invalid_content_is_not_also_reported_as_too_large)
{
    check_doc(SCREEN_CONTENT, with_long_string("{}", "body", "\xf0\x9f\x98\x80", 20001));
    ASSERT_ERRORS({"['body','content','body']", "string_too_long", NULL});
}

Test(content, size_limit_applies_to_other_screen_types)
{
    /* 50 checklist items of 500 four-byte characters: every length fine, 100000 bytes. */
    char *text = repeat("\xf0\x9f\x98\x80", 500);
    json_t *list = json_array();

    for (int i = 0; i < 50; i++)
        json_array_append_new(list, json_pack("{s:i, s:s}", "id", 0, "text", text));
    for (int i = 0; i < 50; i++) {
        char id[8];
        snprintf(id, sizeof(id), "i%d", i);
        json_object_set_new(json_array_get(list, (size_t)i), "id", json_string(id));
    }
    check_doc(SCREEN_CHECKLIST, with_list("{'prompt':'P'}", "items", list));
    ASSERT_ERRORS({"['body','content']", "value_error", "Value error, content too large"});
    free(text);
}

/* --- question ----------------------------------------------------------------------------- */

#define OPTS2 "'options':[{'id':'a','text':'Water'},{'id':'b','text':'CO2'}]"
#define OPTS3                                                                                      \
    "'options':[{'id':'a','text':'Door A'},{'id':'b','text':'Window'},{'id':'c','text':'Door C'}]"

Test(content, question_of_the_spec_is_kept_as_is)
{
    const char *doc = "{'kind':'multiple','prompt':'Which are exits?'," OPTS3
                      ",'correct_option_ids':['a','c'],'explanation':'Windows are not exits.'}";

    check(SCREEN_QUESTION, doc);
    assert_output(doc);
}

Test(content, question_explanation_defaults_to_null_and_keys_are_reordered)
{
    check(SCREEN_QUESTION,
          "{'correct_option_ids':['b']," OPTS2 ",'prompt':'Which?','kind':'single'}");
    assert_output("{'kind':'single','prompt':'Which?'," OPTS2
                  ",'correct_option_ids':['b'],'explanation':null}");
}

Test(content, question_explanation_null_stays_null_and_empty_is_allowed)
{
    check(SCREEN_QUESTION,
          "{'kind':'single','prompt':'P'," OPTS2 ",'correct_option_ids':['a'],'explanation':null}");
    cr_assert(json_is_null(json_object_get(out, "explanation")));
    check(SCREEN_QUESTION,
          "{'kind':'single','prompt':'P'," OPTS2 ",'correct_option_ids':['a'],'explanation':''}");
    cr_assert_str_eq(json_string_value(json_object_get(out, "explanation")), "");
}

Test(content, option_item_keys_are_normalised)
{
    check(SCREEN_QUESTION, "{'kind':'single','prompt':'P','options':[{'text':'A','id':'a'},"
                           "{'text':'B','id':'b'}],'correct_option_ids':['a']}");
    assert_output("{'kind':'single','prompt':'P','options':[{'id':'a','text':'A'},"
                  "{'id':'b','text':'B'}],'correct_option_ids':['a'],'explanation':null}");
}

Test(content, empty_question_reports_every_required_key)
{
    check(SCREEN_QUESTION, "{}");
    ASSERT_ERRORS({"['body','content','kind']", "missing", "Field required"},
                  {"['body','content','prompt']", "missing", "Field required"},
                  {"['body','content','options']", "missing", "Field required"},
                  {"['body','content','correct_option_ids']", "missing", "Field required"});
}

Test(content, question_kind_is_single_or_multiple)
{
    check(SCREEN_QUESTION, "{'kind':'Single','prompt':'P'," OPTS2 ",'correct_option_ids':['a']}");
    ASSERT_ERRORS({"['body','content','kind']", "enum", "Input should be 'single' or 'multiple'"});
}

Test(content, question_prompt_and_explanation_lengths)
{
    json_t *doc = loads_quoted("{'kind':'single'," OPTS2 ",'correct_option_ids':['a']}");
    char *s = repeat("x", 2001);

    json_object_set_new(doc, "prompt", json_string(s));
    json_object_set_new(doc, "explanation", json_string(s));
    check_doc(SCREEN_QUESTION, doc);
    ASSERT_ERRORS({"['body','content','prompt']", "string_too_long",
                   "String should have at most 2000 characters"},
                  {"['body','content','explanation']", "string_too_long",
                   "String should have at most 2000 characters"});
    free(s);
}

Test(content, question_explanation_must_be_a_string)
{
    check(SCREEN_QUESTION,
          "{'kind':'single','prompt':'P'," OPTS2 ",'correct_option_ids':['a'],'explanation':1}");
    ASSERT_ERRORS({"['body','content','explanation']", "string_type", NULL});
}

Test(content, one_option_is_too_short)
{
    check(SCREEN_QUESTION, "{'kind':'single','prompt':'P','options':[{'id':'a','text':'A'}],"
                           "'correct_option_ids':['a']}");
    ASSERT_ERRORS({"['body','content','options']", "too_short",
                   "List should have at least 2 items after validation, not 1"});
}

Test(content, eleven_options_are_too_long)
{
    json_t *doc = loads_quoted("{'kind':'single','prompt':'P','correct_option_ids':['o0']}");

    json_object_set_new(doc, "options", items("{'id':'o#','text':'T'}", 11));
    check_doc(SCREEN_QUESTION, doc);
    ASSERT_ERRORS({"['body','content','options']", "too_long",
                   "List should have at most 10 items after validation, not 11"});
}

Test(content, option_id_must_match_the_id_pattern)
{
    check(SCREEN_QUESTION, "{'kind':'single','prompt':'P','options':[{'id':'a b','text':'A'},"
                           "{'id':'','text':'B'},{'id':'\xc3\xa9','text':'C'},"
                           "{'id':'ok_-9Z','text':'D'}],'correct_option_ids':['ok_-9Z']}");
    ASSERT_ERRORS({"['body','content','options',0,'id']", "string_pattern_mismatch", ID_MISMATCH},
                  {"['body','content','options',1,'id']", "string_pattern_mismatch", ID_MISMATCH},
                  {"['body','content','options',2,'id']", "string_pattern_mismatch", ID_MISMATCH});
}

Test(content, option_id_has_at_most_36_characters)
{
    char *id36 = repeat("x", 36);
    char *id37 = repeat("y", 37);
    json_t *doc = loads_quoted("{'kind':'single','prompt':'P'}");

    json_object_set_new(
        doc, "options",
        json_pack("[{s:s, s:s}, {s:s, s:s}]", "id", id36, "text", "A", "id", id37, "text", "B"));
    json_object_set_new(doc, "correct_option_ids", json_pack("[s]", id36));
    check_doc(SCREEN_QUESTION, doc);
    ASSERT_ERRORS({"['body','content','options',1,'id']", "string_pattern_mismatch", ID_MISMATCH});
    free(id36);
    free(id37);
}

Test(content, option_needs_a_string_id_and_text_of_1_to_500)
{
    json_t *doc = loads_quoted("{'kind':'single','prompt':'P','correct_option_ids':['b']}");
    char *long_text = repeat("t", 501);

    json_object_set_new(doc, "options",
                        json_pack("[{s:i, s:s}, {s:s, s:s}, {s:s, s:s}, {s:s}, s]", "id", 1, "text",
                                  "", "id", "b", "text", long_text, "id", "c", "text", "ok", "id",
                                  "d", "just text"));
    check_doc(SCREEN_QUESTION, doc);
    ASSERT_ERRORS({"['body','content','options',0,'id']", "string_type", NULL},
                  {"['body','content','options',0,'text']", "string_too_short", NULL},
                  {"['body','content','options',1,'text']", "string_too_long",
                   "String should have at most 500 characters"},
                  {"['body','content','options',3,'text']", "missing", NULL},
                  {"['body','content','options',4]", "dict_type", NULL});
    free(long_text);
}

Test(content, unknown_keys_are_forbidden_in_question_and_options)
{
    check(SCREEN_QUESTION, "{'kind':'single','prompt':'P','options':[{'id':'a','text':'A'},"
                           "{'id':'b','text':'B','correct':true}],'correct_option_ids':['a'],"
                           "'points':3}");
    ASSERT_ERRORS({"['body','content','points']", "extra_forbidden", EXTRA},
                  {"['body','content','options',1,'correct']", "extra_forbidden", EXTRA});
}

Test(content, duplicate_option_ids_are_one_duplicate_item_at_the_list)
{
    check(SCREEN_QUESTION, "{'kind':'single','prompt':'P','options':[{'id':'a','text':'A'},"
                           "{'id':'a','text':'B'},{'id':'a','text':'C'},{'id':'b','text':'D'},"
                           "{'id':'b','text':'E'}],'correct_option_ids':['a']}");
    ASSERT_ERRORS({"['body','content','options']", "duplicate_item", "List items must be unique"});
}

Test(content, correct_option_id_must_name_an_option)
{
    check(SCREEN_QUESTION,
          "{'kind':'multiple','prompt':'P'," OPTS3 ",'correct_option_ids':['a','z','A']}");
    ASSERT_ERRORS({"['body','content','correct_option_ids',1]", "value_error",
                   "Value error, unknown option id"},
                  {"['body','content','correct_option_ids',2]", "value_error",
                   "Value error, unknown option id"});
}

Test(content, correct_option_ids_must_be_unique)
{
    check(SCREEN_QUESTION,
          "{'kind':'multiple','prompt':'P'," OPTS3 ",'correct_option_ids':['a','c','a']}");
    ASSERT_ERRORS(
        {"['body','content','correct_option_ids']", "duplicate_item", "List items must be unique"});
}

Test(content, single_with_two_correct_ids_is_too_long)
{
    check(SCREEN_QUESTION,
          "{'kind':'single','prompt':'P'," OPTS2 ",'correct_option_ids':['a','b']}");
    ASSERT_ERRORS({"['body','content','correct_option_ids']", "too_long",
                   "List should have at most 1 item after validation, not 2"});
}

Test(content, single_and_multiple_with_no_correct_id_are_too_short)
{
    check(SCREEN_QUESTION, "{'kind':'single','prompt':'P'," OPTS2 ",'correct_option_ids':[]}");
    ASSERT_ERRORS({"['body','content','correct_option_ids']", "too_short",
                   "List should have at least 1 item after validation, not 0"});
    json_decref(valid_take_errors(&v));
    check(SCREEN_QUESTION, "{'kind':'multiple','prompt':'P'," OPTS2 ",'correct_option_ids':[]}");
    ASSERT_ERRORS({"['body','content','correct_option_ids']", "too_short",
                   "List should have at least 1 item after validation, not 0"});
}

Test(content, multiple_may_mark_every_option_correct)
{
    check(SCREEN_QUESTION,
          "{'kind':'multiple','prompt':'P'," OPTS3 ",'correct_option_ids':['c','b','a']}");
    cr_assert_eq(rc, 0);
    cr_assert_eq(json_array_size(json_object_get(out, "correct_option_ids")), 3);
}

Test(content, multiple_with_more_correct_ids_than_options_is_too_long)
{
    check(SCREEN_QUESTION,
          "{'kind':'multiple','prompt':'P'," OPTS2 ",'correct_option_ids':['a','b','c']}");
    ASSERT_ERRORS({"['body','content','correct_option_ids']", "too_long",
                   "List should have at most 2 items after validation, not 3"},
                  {"['body','content','correct_option_ids',2]", "value_error",
                   "Value error, unknown option id"});
}

Test(content, correct_option_ids_must_be_a_list_of_strings)
{
    check(SCREEN_QUESTION, "{'kind':'single','prompt':'P'," OPTS2 ",'correct_option_ids':'a'}");
    ASSERT_ERRORS({"['body','content','correct_option_ids']", "list_type", NULL});
    json_decref(valid_take_errors(&v));
    check(SCREEN_QUESTION,
          "{'kind':'multiple','prompt':'P'," OPTS2 ",'correct_option_ids':['a',1]}");
    ASSERT_ERRORS({"['body','content','correct_option_ids',1]", "string_type", NULL});
    json_decref(valid_take_errors(&v));
    check(SCREEN_QUESTION, "{'kind':'single','prompt':'P'," OPTS2 ",'correct_option_ids':null}");
    ASSERT_ERRORS({"['body','content','correct_option_ids']", "list_type", NULL});
}

Test(content, correct_ids_are_not_checked_against_options_with_bad_ids)
{
    check(SCREEN_QUESTION, "{'kind':'single','prompt':'P','options':[{'id':'a b','text':'A'},"
                           "{'id':'b','text':'B'}],'correct_option_ids':['a b']}");
    ASSERT_ERRORS({"['body','content','options',0,'id']", "string_pattern_mismatch", NULL});
}

Test(content, correct_ids_are_checked_against_a_too_short_options_list)
{
    check(SCREEN_QUESTION, "{'kind':'single','prompt':'P','options':[{'id':'a','text':'A'}],"
                           "'correct_option_ids':['b']}");
    ASSERT_ERRORS({"['body','content','options']", "too_short", NULL},
                  {"['body','content','correct_option_ids',0]", "value_error",
                   "Value error, unknown option id"});
}

Test(content, with_an_invalid_kind_correct_ids_are_still_checked)
{
    check(SCREEN_QUESTION, "{'kind':3,'prompt':'P'," OPTS2 ",'correct_option_ids':['x']}");
    ASSERT_ERRORS({"['body','content','kind']", "enum", NULL},
                  {"['body','content','correct_option_ids',0]", "value_error", NULL});
}

/* --- reflection --------------------------------------------------------------------------- */

Test(content, reflection_defaults_are_filled_in_order)
{
    check(SCREEN_REFLECTION, "{'prompt':'Why?'}");
    assert_output("{'prompt':'Why?','min_length':0,'max_length':2000,'placeholder':''}");
}

Test(content, reflection_nulls_are_omitted)
{
    check(SCREEN_REFLECTION,
          "{'placeholder':null,'max_length':null,'min_length':null,'prompt':'Why?'}");
    assert_output("{'prompt':'Why?','min_length':0,'max_length':2000,'placeholder':''}");
}

Test(content, reflection_values_are_kept)
{
    check(SCREEN_REFLECTION,
          "{'prompt':'Why?','min_length':10,'max_length':10,'placeholder':'Your words'}");
    assert_output("{'prompt':'Why?','min_length':10,'max_length':10,'placeholder':'Your words'}");
}

Test(content, reflection_max_below_min_is_a_value_error_at_max_length)
{
    check(SCREEN_REFLECTION, "{'prompt':'P','min_length':50,'max_length':49}");
    ASSERT_ERRORS({"['body','content','max_length']", "value_error",
                   "Value error, max_length must be >= min_length"});
}

Test(content, reflection_min_above_the_default_max_fails_at_max_length)
{
    check(SCREEN_REFLECTION, "{'prompt':'P','min_length':3000}");
    ASSERT_ERRORS({"['body','content','max_length']", "value_error",
                   "Value error, max_length must be >= min_length"});
}

Test(content, reflection_ranges_are_checked_and_invalid_values_not_compared)
{
    check(SCREEN_REFLECTION, "{'prompt':'P','min_length':-1,'max_length':0}");
    ASSERT_ERRORS({"['body','content','min_length']", "greater_than_equal",
                   "Input should be greater than or equal to 0"},
                  {"['body','content','max_length']", "greater_than_equal",
                   "Input should be greater than or equal to 1"});
    json_decref(valid_take_errors(&v));
    check(SCREEN_REFLECTION, "{'prompt':'P','min_length':10001,'max_length':10001}");
    ASSERT_ERRORS({"['body','content','min_length']", "less_than_equal",
                   "Input should be less than or equal to 10000"},
                  {"['body','content','max_length']", "less_than_equal",
                   "Input should be less than or equal to 10000"});
}

Test(content, reflection_lengths_are_strict_integers)
{
    check(SCREEN_REFLECTION, "{'prompt':'P','min_length':'5','max_length':5.0}");
    ASSERT_ERRORS(
        {"['body','content','min_length']", "int_type", "Input should be a valid integer"},
        {"['body','content','max_length']", "int_type", "Input should be a valid integer"});
    json_decref(valid_take_errors(&v));
    check(SCREEN_REFLECTION, "{'prompt':'P','min_length':true}");
    ASSERT_ERRORS({"['body','content','min_length']", "int_type", NULL});
}

Test(content, reflection_prompt_and_placeholder_lengths)
{
    json_t *doc = loads_quoted("{'prompt':''}");
    char *s = repeat("p", 201);

    json_object_set_new(doc, "placeholder", json_string(s));
    check_doc(SCREEN_REFLECTION, doc);
    ASSERT_ERRORS({"['body','content','prompt']", "string_too_short", NULL},
                  {"['body','content','placeholder']", "string_too_long",
                   "String should have at most 200 characters"});
    free(s);
}

Test(content, reflection_forbids_unknown_keys)
{
    check(SCREEN_REFLECTION, "{'prompt':'P','body':'B'}");
    ASSERT_ERRORS({"['body','content','body']", "extra_forbidden", EXTRA});
}

/* --- checklist ---------------------------------------------------------------------------- */

Test(content, checklist_items_default_to_required)
{
    check(SCREEN_CHECKLIST, "{'items':[{'text':'Gloves','id':'g'},{'id':'m','text':'Mask',"
                            "'required':false},{'id':'x','text':'X','required':null}],"
                            "'prompt':'Before you start'}");
    assert_output(
        "{'prompt':'Before you start','items':[{'id':'g','text':'Gloves','required':true},"
        "{'id':'m','text':'Mask','required':false},"
        "{'id':'x','text':'X','required':true}]}");
}

Test(content, checklist_needs_prompt_and_items)
{
    check(SCREEN_CHECKLIST, "{}");
    ASSERT_ERRORS({"['body','content','prompt']", "missing", NULL},
                  {"['body','content','items']", "missing", NULL});
}

Test(content, checklist_of_no_items_is_too_short)
{
    check(SCREEN_CHECKLIST, "{'prompt':'P','items':[]}");
    ASSERT_ERRORS({"['body','content','items']", "too_short",
                   "List should have at least 1 item after validation, not 0"});
}

Test(content, checklist_takes_50_items_but_not_51)
{
    check_doc(SCREEN_CHECKLIST,
              with_list("{'prompt':'P'}", "items", items("{'id':'i#','text':'T'}", 50)));
    cr_assert_eq(rc, 0);
    check_doc(SCREEN_CHECKLIST,
              with_list("{'prompt':'P'}", "items", items("{'id':'i#','text':'T'}", 51)));
    ASSERT_ERRORS({"['body','content','items']", "too_long",
                   "List should have at most 50 items after validation, not 51"});
}

Test(content, checklist_item_rules)
{
    check(SCREEN_CHECKLIST, "{'prompt':'P','items':[{'id':'a','text':'A','required':'yes'},"
                            "{'id':'a','text':'','done':true},{'id':'b.c','text':'C'},5]}");
    ASSERT_ERRORS(
        {"['body','content','items',0,'required']", "bool_type", "Input should be a valid boolean"},
        {"['body','content','items',1,'text']", "string_too_short", NULL},
        {"['body','content','items',1,'done']", "extra_forbidden", EXTRA},
        {"['body','content','items',2,'id']", "string_pattern_mismatch", ID_MISMATCH},
        {"['body','content','items',3]", "dict_type", NULL},
        {"['body','content','items']", "duplicate_item", "List items must be unique"});
}

Test(content, checklist_forbids_keys_of_other_types)
{
    check(SCREEN_CHECKLIST, "{'prompt':'P','items':[{'id':'a','text':'A'}],'choices':[]}");
    ASSERT_ERRORS({"['body','content','choices']", "extra_forbidden", EXTRA});
}

/* --- branch ------------------------------------------------------------------------------- */

Test(content, branch_choice_targets_are_output_lowercase)
{
    check(SCREEN_BRANCH, "{'prompt':'Go where?','choices':[{'next_screen_id':'" UUID_UPPER
                         "','id':'left','text':'Left'},{'id':'right','text':'Right',"
                         "'next_screen_id':'" UUID_LOWER "'}]}");
    assert_output(
        "{'prompt':'Go where?','choices':[{'id':'left','text':'Left','next_screen_id':'" UUID_LOWER
        "'},{'id':'right','text':'Right','next_screen_id':'" UUID_LOWER "'}]}");
}

Test(content, branch_choice_target_is_a_required_uuid)
{
    check(SCREEN_BRANCH, "{'prompt':'P','choices':[{'id':'a','text':'A'},"
                         "{'id':'b','text':'B','next_screen_id':null},"
                         "{'id':'c','text':'C','next_screen_id':'nope'}]}");
    ASSERT_ERRORS({"['body','content','choices',0,'next_screen_id']", "missing", NULL},
                  {"['body','content','choices',1,'next_screen_id']", "uuid_type",
                   "UUID input should be a string, bytes or UUID object"},
                  {"['body','content','choices',2,'next_screen_id']", "uuid_parsing", NULL});
}

Test(content, branch_needs_2_to_10_choices)
{
    check(SCREEN_BRANCH,
          "{'prompt':'P','choices':[{'id':'a','text':'A','next_screen_id':'" UUID_LOWER "'}]}");
    ASSERT_ERRORS({"['body','content','choices']", "too_short",
                   "List should have at least 2 items after validation, not 1"});
    json_decref(valid_take_errors(&v));
    check_doc(SCREEN_BRANCH,
              with_list("{'prompt':'P'}", "choices",
                        items("{'id':'c#','text':'T','next_screen_id':'" UUID_LOWER "'}", 11)));
    ASSERT_ERRORS({"['body','content','choices']", "too_long",
                   "List should have at most 10 items after validation, not 11"});
}

Test(content, branch_choice_ids_are_unique_and_extra_keys_forbidden)
{
    check(SCREEN_BRANCH,
          "{'prompt':'P','choices':[{'id':'a','text':'A','next_screen_id':'" UUID_LOWER
          "','weight':1},{'id':'a','text':'B','next_screen_id':'" UUID_LOWER
          "'}],'next_screen_id':null}");
    ASSERT_ERRORS({"['body','content','choices',0,'weight']", "extra_forbidden", EXTRA},
                  {"['body','content','choices']", "duplicate_item", "List items must be unique"},
                  {"['body','content','next_screen_id']", "extra_forbidden", EXTRA});
}

Test(content, branch_prompt_is_1_to_2000)
{
    check(SCREEN_BRANCH,
          "{'prompt':'','choices':[{'id':'a','text':'A','next_screen_id':'" UUID_LOWER
          "'},{'id':'b','text':'B','next_screen_id':'" UUID_LOWER "'}]}");
    ASSERT_ERRORS({"['body','content','prompt']", "string_too_short", NULL});
}

/* --- settings ----------------------------------------------------------------------------- */

Test(settings, defaults_per_flow)
{
    json_t *d = content_settings_default(FLOW_LINEAR);
    char *s = json_dumps(d, JSON_COMPACT);

    cr_assert_str_eq(s, "{}");
    free(s);
    json_decref(d);
    d = content_settings_default(FLOW_BRANCHING);
    s = json_dumps(d, JSON_COMPACT);
    cr_assert_str_eq(s, "{\"start_screen_id\":null}");
    free(s);
    json_decref(d);
    d = content_settings_default(FLOW_ASSESSMENT);
    s = json_dumps(d, JSON_COMPACT);
    cr_assert_str_eq(s, "{\"pass_score\":70,\"max_attempts\":null}");
    free(s);
    json_decref(d);
}

Test(settings, absent_null_and_empty_settings_get_the_defaults)
{
    check_settings(FLOW_LINEAR, NULL);
    assert_output("{}");
    check_settings(FLOW_BRANCHING, "null");
    assert_output("{'start_screen_id':null}");
    check_settings(FLOW_ASSESSMENT, "{}");
    assert_output("{'pass_score':70,'max_attempts':null}");
}

Test(settings, linear_takes_no_keys)
{
    check_settings(FLOW_LINEAR, "{'pass_score':70,'start_screen_id':null,'x':1}");
    ASSERT_ERRORS({"['body','settings','pass_score']", "extra_forbidden", EXTRA},
                  {"['body','settings','start_screen_id']", "extra_forbidden", EXTRA},
                  {"['body','settings','x']", "extra_forbidden", EXTRA});
}

Test(settings, settings_that_are_not_an_object_are_dict_type)
{
    check_settings(FLOW_LINEAR, "[]");
    ASSERT_ERRORS({"['body','settings']", "dict_type", NULL});
}

Test(settings, branching_start_screen_is_output_lowercase)
{
    check_settings(FLOW_BRANCHING, "{'start_screen_id':'" UUID_UPPER "'}");
    assert_output("{'start_screen_id':'" UUID_LOWER "'}");
    check_settings(FLOW_BRANCHING, "{'start_screen_id':null}");
    assert_output("{'start_screen_id':null}");
}

Test(settings, branching_start_screen_must_be_a_uuid)
{
    check_settings(FLOW_BRANCHING, "{'start_screen_id':'abc'}");
    ASSERT_ERRORS({"['body','settings','start_screen_id']", "uuid_parsing", NULL});
    json_decref(valid_take_errors(&v));
    check_settings(FLOW_BRANCHING, "{'start_screen_id':7}");
    ASSERT_ERRORS({"['body','settings','start_screen_id']", "uuid_type", NULL});
}

Test(settings, branching_forbids_assessment_keys)
{
    check_settings(FLOW_BRANCHING, "{'start_screen_id':null,'pass_score':70,'max_attempts':2}");
    ASSERT_ERRORS({"['body','settings','pass_score']", "extra_forbidden", EXTRA},
                  {"['body','settings','max_attempts']", "extra_forbidden", EXTRA});
}

Test(settings, assessment_values_are_kept_in_spec_order)
{
    check_settings(FLOW_ASSESSMENT, "{'max_attempts':3,'pass_score':0}");
    assert_output("{'pass_score':0,'max_attempts':3}");
    check_settings(FLOW_ASSESSMENT, "{'pass_score':100,'max_attempts':100}");
    assert_output("{'pass_score':100,'max_attempts':100}");
}

Test(settings, assessment_null_pass_score_is_omitted_and_null_max_attempts_is_unlimited)
{
    check_settings(FLOW_ASSESSMENT, "{'pass_score':null,'max_attempts':null}");
    assert_output("{'pass_score':70,'max_attempts':null}");
}

Test(settings, assessment_ranges_and_types)
{
    check_settings(FLOW_ASSESSMENT, "{'pass_score':101,'max_attempts':0}");
    ASSERT_ERRORS({"['body','settings','pass_score']", "less_than_equal",
                   "Input should be less than or equal to 100"},
                  {"['body','settings','max_attempts']", "greater_than_equal",
                   "Input should be greater than or equal to 1"});
    json_decref(valid_take_errors(&v));
    check_settings(FLOW_ASSESSMENT, "{'pass_score':-1,'max_attempts':101}");
    ASSERT_ERRORS({"['body','settings','pass_score']", "greater_than_equal",
                   "Input should be greater than or equal to 0"},
                  {"['body','settings','max_attempts']", "less_than_equal",
                   "Input should be less than or equal to 100"});
    json_decref(valid_take_errors(&v));
    check_settings(FLOW_ASSESSMENT, "{'pass_score':'70','max_attempts':2.0}");
    ASSERT_ERRORS({"['body','settings','pass_score']", "int_type", NULL},
                  {"['body','settings','max_attempts']", "int_type", NULL});
}

Test(settings, assessment_forbids_branching_and_unknown_keys)
{
    check_settings(FLOW_ASSESSMENT, "{'start_screen_id':null,'passing':70}");
    ASSERT_ERRORS({"['body','settings','start_screen_id']", "extra_forbidden", EXTRA},
                  {"['body','settings','passing']", "extra_forbidden", EXTRA});
}

/* --- redaction ---------------------------------------------------------------------------- */

#define QUESTION                                                                                   \
    "{'kind':'single','prompt':'P'," OPTS2 ",'correct_option_ids':['b'],'explanation':'E'}"

static bool has(json_t *doc, const char *key)
{
    return json_object_get(doc, key) != NULL;
}

/* Redacts QUESTION and reports which of the two keys survive; checks the stored document is
 * left alone and that an unchanged view is the stored document itself. */
static void redact_case(enum flow_type flow, enum screen_type type, struct redact_ctx ctx,
                        bool want_explanation, bool want_correct)
{
    json_t *stored = loads_quoted(QUESTION);
    json_t *view = content_redact(flow, type, stored, &ctx);

    cr_assert_not_null(view);
    cr_assert_eq(has(view, "explanation"), want_explanation);
    cr_assert_eq(has(view, "correct_option_ids"), want_correct);
    cr_assert(has(stored, "explanation") && has(stored, "correct_option_ids"));
    cr_assert(has(view, "kind") && has(view, "prompt") && has(view, "options"));
    if (want_explanation && want_correct) {
        cr_assert_eq(view, stored, "unchanged view should be the stored document");
        cr_assert_eq(stored->refcount, 2);
    } else {
        cr_assert_neq(view, stored);
        cr_assert_eq(stored->refcount, 1);
        cr_assert_eq(json_object_get(view, "options") == json_object_get(stored, "options"), false,
                     "a deep copy shares nothing");
    }
    json_decref(view);
    json_decref(stored);
}

Test(redact, full_view_sees_everything)
{
    struct redact_ctx full = {.full_view = true};

    redact_case(FLOW_LINEAR, SCREEN_QUESTION, full, true, true);
    redact_case(FLOW_ASSESSMENT, SCREEN_QUESTION, full, true, true);
}

Test(redact, linear_and_branching_hide_both_until_answered)
{
    redact_case(FLOW_LINEAR, SCREEN_QUESTION, (struct redact_ctx){0}, false, false);
    redact_case(FLOW_BRANCHING, SCREEN_QUESTION, (struct redact_ctx){0}, false, false);
    redact_case(FLOW_LINEAR, SCREEN_QUESTION, (struct redact_ctx){.answered = true}, true, true);
    redact_case(FLOW_BRANCHING, SCREEN_QUESTION, (struct redact_ctx){.answered = true}, true, true);
}

Test(redact, linear_ignores_assessment_state)
{
    redact_case(FLOW_LINEAR, SCREEN_QUESTION,
                (struct redact_ctx){.submitted = true, .no_more_attempts = true}, false, false);
}

Test(redact, assessment_shows_explanation_once_submitted)
{
    redact_case(FLOW_ASSESSMENT, SCREEN_QUESTION, (struct redact_ctx){0}, false, false);
    redact_case(FLOW_ASSESSMENT, SCREEN_QUESTION, (struct redact_ctx){.answered = true}, false,
                false);
    redact_case(FLOW_ASSESSMENT, SCREEN_QUESTION, (struct redact_ctx){.submitted = true}, true,
                false);
}

Test(redact, assessment_shows_the_key_only_when_no_attempt_is_left)
{
    redact_case(FLOW_ASSESSMENT, SCREEN_QUESTION,
                (struct redact_ctx){.submitted = true, .no_more_attempts = true}, true, true);
    redact_case(FLOW_ASSESSMENT, SCREEN_QUESTION, (struct redact_ctx){.no_more_attempts = true},
                false, false);
}

Test(redact, non_question_screens_are_untouched)
{
    json_t *stored = loads_quoted("{'prompt':'P','min_length':0,'max_length':10,'placeholder':''}");
    json_t *view = content_redact(FLOW_LINEAR, SCREEN_REFLECTION, stored, &(struct redact_ctx){0});

    cr_assert_eq(view, stored);
    json_decref(view);
    json_decref(stored);
    /* Even a key named like an answer key is left on other screen types. */
    redact_case(FLOW_ASSESSMENT, SCREEN_CONTENT, (struct redact_ctx){0}, true, true);
}

Test(redact, nothing_to_remove_returns_the_stored_document)
{
    json_t *stored = loads_quoted("{'kind':'single','prompt':'P'," OPTS2 "}");
    json_t *view = content_redact(FLOW_LINEAR, SCREEN_QUESTION, stored, &(struct redact_ctx){0});

    cr_assert_eq(view, stored);
    json_decref(view);
    json_decref(stored);
}

Test(redact, redacted_copy_keeps_key_order)
{
    json_t *stored = loads_quoted(QUESTION);
    json_t *view = content_redact(FLOW_ASSESSMENT, SCREEN_QUESTION, stored,
                                  &(struct redact_ctx){.submitted = true});
    char *s = json_dumps(view, JSON_COMPACT);
    json_t *want = loads_quoted("{'kind':'single','prompt':'P'," OPTS2 ",'explanation':'E'}");
    char *w = json_dumps(want, JSON_COMPACT);

    cr_assert_str_eq(s, w);
    free(s);
    free(w);
    json_decref(want);
    json_decref(view);
    json_decref(stored);
}
