/* api/notification_render.c: the Notification object of API.md §12, on one line. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "api/notification_render.h"

static struct notification sample(void)
{
    struct notification n = {.seq = 42,
                             .type = NOTIFICATION_FEEDBACK_RECEIVED,
                             .title = "New \"feedback\"",
                             .body = "Two\nlines",
                             .data = "{\"feedback_id\": \"f1\", \"rating\": 4}",
                             .read_at = 0,
                             .created_at = 1796428800000LL};
    strcpy(n.id, "6a1f2d3c-4b5a-4c6d-8e7f-8091a2b3c4d5");
    strcpy(n.user_id, "11111111-1111-4111-8111-111111111111");
    return n;
}

static json_t *render(const struct notification *n, char **text)
{
    struct buf b;
    buf_init(&b, SIZE_MAX);
    cr_assert_eq(api_notification_render(&b, n), 0);
    cr_assert_null(strpbrk(b.data, "\r\n"), "one line: %s", b.data);
    json_t *doc = json_loads(b.data, 0, NULL);
    cr_assert_not_null(doc, "valid JSON: %s", b.data);
    *text = buf_steal(&b, NULL);
    return doc;
}

Test(notification_render, every_field_of_the_object)
{
    struct notification n = sample();
    char *text;
    json_t *doc = render(&n, &text);
    json_t *want = json_loads(
        "{\"id\":\"6a1f2d3c-4b5a-4c6d-8e7f-8091a2b3c4d5\",\"seq\":42,\"type\":"
        "\"feedback_received\",\"title\":\"New \\\"feedback\\\"\",\"body\":\"Two\\nlines\","
        "\"data\":{\"feedback_id\":\"f1\",\"rating\":4},\"read\":false,\"read_at\":null,"
        "\"created_at\":\"2026-12-05T00:00:00.000Z\"}",
        0, NULL);
    cr_assert(json_equal(doc, want), "%s", text);
    json_decref(want);
    json_decref(doc);
    free(text);
}

Test(notification_render, read_notifications_carry_read_at)
{
    struct notification n = sample();
    n.read_at = 1796428801234LL;
    char *text;
    json_t *doc = render(&n, &text);
    cr_assert(json_is_true(json_object_get(doc, "read")));
    cr_assert_str_eq(json_string_value(json_object_get(doc, "read_at")),
                     "2026-12-05T00:00:01.234Z");
    json_decref(doc);
    free(text);
}

Test(notification_render, data_with_line_breaks_or_not_an_object_stays_on_one_line)
{
    struct notification n = sample();
    char *text;

    n.data = "{\n  \"module_id\": \"m1\"\r\n}";
    json_t *doc = render(&n, &text);
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(doc, "data"), "module_id")),
                     "m1");
    json_decref(doc);
    free(text);

    n.data = "[1,\n2]";
    doc = render(&n, &text);
    cr_assert_eq(json_object_size(json_object_get(doc, "data")), 0, "{} instead: %s", text);
    json_decref(doc);
    free(text);
}

Test(notification_render, to_json_matches_and_survives_bad_data)
{
    struct notification n = sample();
    json_t *doc = api_notification_to_json(&n);
    cr_assert_eq(json_integer_value(json_object_get(doc, "seq")), 42);
    json_decref(doc);
    n.data = "{broken";
    doc = api_notification_to_json(&n);
    cr_assert_eq(json_object_size(json_object_get(doc, "data")), 0);
    json_decref(doc);
}

/* The stream's text and the endpoints' object agree on a row whose data does not parse. */
Test(notification_render, data_that_does_not_parse_is_an_empty_object_in_the_text_too)
{
    struct notification n = sample();
    struct buf b;

    n.data = "{broken";
    buf_init(&b, SIZE_MAX);
    cr_assert_eq(api_notification_render(&b, &n), 0);
    json_t *doc = json_loads(b.data, 0, NULL);
    cr_assert_not_null(doc, "the text is JSON: %s", b.data);
    cr_assert_eq(json_object_size(json_object_get(doc, "data")), 0);
    json_decref(doc);
    buf_free(&b);
}

Test(notification_render, a_full_buffer_gets_nothing)
{
    struct notification n = sample();
    struct buf b;
    buf_init(&b, 16);
    buf_puts(&b, "x");
    cr_assert_neq(api_notification_render(&b, &n), 0);
    cr_assert_str_eq(b.data, "x");
    buf_free(&b);
}
