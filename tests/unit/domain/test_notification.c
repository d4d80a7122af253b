/* What notifications say (domain/notification.c): titles and bodies, and data per type. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <string.h>

#include "domain/notification.h"

#define MID "b1e2c3d4-0000-4000-8000-000000000001"
#define AID "a1e2c3d4-0000-4000-8000-000000000002"

static struct arena a;

static void setup(void)
{
    arena_init(&a);
}

static void teardown(void)
{
    arena_free(&a);
}

TestSuite(notification, .init = setup, .fini = teardown);

static void expect_data(const struct notification *n, const char *json)
{
    json_t *got = json_loads(n->data, 0, NULL), *want = json_loads(json, 0, NULL);
    cr_assert(json_equal(got, want), "data %s, expected %s", n->data, json);
    json_decref(got);
    json_decref(want);
}

Test(notification, assigned_with_and_without_due_date)
{
    struct notification_about about = {.module_id = MID,
                                       .module_title = "Fire safety",
                                       .assignment_id = AID,
                                       .due_at = 1796144400000}; /* 2026-12-01T17:00:00Z */
    struct notification n = {0};
    notification_compose(&a, NOTIFICATION_MODULE_ASSIGNED, &about, &n);
    cr_assert_eq(n.type, NOTIFICATION_MODULE_ASSIGNED);
    cr_assert_str_eq(n.title, "New assignment");
    cr_assert_str_eq(n.body, "\"Fire safety\" was assigned to you, due 1 Dec 2026, 17:00 UTC.");
    expect_data(&n, "{\"assignment_id\":\"" AID "\",\"module_id\":\"" MID
                    "\",\"due_at\":\"2026-12-01T17:00:00.000Z\"}");
    about.due_at = 0;
    notification_compose(&a, NOTIFICATION_MODULE_ASSIGNED, &about, &n);
    cr_assert_str_eq(n.body, "\"Fire safety\" was assigned to you.");
    expect_data(&n, "{\"assignment_id\":\"" AID "\",\"module_id\":\"" MID "\",\"due_at\":null}");
}

Test(notification, due_soon_and_published)
{
    struct notification_about about = {.module_id = MID,
                                       .module_title = "Fire safety",
                                       .assignment_id = AID,
                                       .due_at = 1796144400000};
    struct notification n = {0};
    notification_compose(&a, NOTIFICATION_ASSIGNMENT_DUE_SOON, &about, &n);
    cr_assert_str_eq(n.title, "Assignment due soon");
    cr_assert_str_eq(n.body, "\"Fire safety\" is due 1 Dec 2026, 17:00 UTC.");
    expect_data(&n, "{\"assignment_id\":\"" AID "\",\"module_id\":\"" MID
                    "\",\"due_at\":\"2026-12-01T17:00:00.000Z\"}");

    struct notification_about pub = {.module_id = MID, .module_title = "Fire safety"};
    notification_compose(&a, NOTIFICATION_MODULE_PUBLISHED, &pub, &n);
    cr_assert_str_eq(n.title, "Module published");
    cr_assert_str_eq(n.body, "\"Fire safety\" was published.");
    expect_data(&n, "{\"module_id\":\"" MID "\",\"copied_from_id\":null}");
    pub.copied_from_id = AID;
    notification_compose(&a, NOTIFICATION_MODULE_PUBLISHED, &pub, &n);
    cr_assert_gt(strlen(n.body), 0);
    expect_data(&n, "{\"module_id\":\"" MID "\",\"copied_from_id\":\"" AID "\"}");
}

Test(notification, feedback_and_titles_that_need_escaping)
{
    struct notification_about about = {
        .module_id = MID, .module_title = "Say \"hi\"", .feedback_id = AID, .rating = 4};
    struct notification n = {0};
    notification_compose(&a, NOTIFICATION_FEEDBACK_RECEIVED, &about, &n);
    cr_assert_gt(strlen(n.title), 0);
    cr_assert_not_null(strstr(n.body, "Say \"hi\""));
    expect_data(&n, "{\"feedback_id\":\"" AID "\",\"module_id\":\"" MID "\",\"rating\":4}");
    about.module_title = "";
    notification_compose(&a, NOTIFICATION_FEEDBACK_RECEIVED, &about, &n);
    cr_assert_gt(strlen(n.body), 0, "never empty");
}
