/* Module rules without HTTP or SQL (domain/module.c): types per flow, visibility, status rules. */
#include <criterion/criterion.h>

#include <stdlib.h>

#include "domain/module.h"

Test(module, screen_types_per_flow)
{
    cr_assert(module_screen_type_allowed(FLOW_LINEAR, SCREEN_CHECKLIST));
    cr_assert_not(module_screen_type_allowed(FLOW_LINEAR, SCREEN_BRANCH));
    cr_assert(module_screen_type_allowed(FLOW_BRANCHING, SCREEN_BRANCH));
    cr_assert(module_screen_type_allowed(FLOW_ASSESSMENT, SCREEN_QUESTION));
    cr_assert_not(module_screen_type_allowed(FLOW_ASSESSMENT, SCREEN_REFLECTION));
}

Test(module, visibility_table)
{
    cr_assert_eq(module_access_for(true, false, MODULE_DRAFT, false), MODULE_OWNED);
    cr_assert_eq(module_access_for(false, true, MODULE_ARCHIVED, false), MODULE_OWNED);
    cr_assert_eq(module_access_for(false, false, MODULE_DRAFT, true), MODULE_HIDDEN);
    cr_assert_eq(module_access_for(false, false, MODULE_PUBLISHED, false), MODULE_VISIBLE);
    cr_assert_eq(module_access_for(false, false, MODULE_ARCHIVED, false), MODULE_HIDDEN);
    cr_assert_eq(module_access_for(false, false, MODULE_ARCHIVED, true), MODULE_VISIBLE);
}

static enum module_refusal check(enum module_status status, int screens, enum module_change what)
{
    struct module m = {.status = status, .screen_count = screens};
    return module_check_change(&m, what);
}

Test(module, only_drafts_are_edited_or_deleted)
{
    cr_assert_eq(check(MODULE_DRAFT, 3, MODULE_EDIT), MODULE_CHANGE_OK);
    cr_assert_eq(check(MODULE_PUBLISHED, 3, MODULE_EDIT), MODULE_REFUSE_EDIT_NOT_DRAFT);
    cr_assert_eq(check(MODULE_ARCHIVED, 3, MODULE_EDIT), MODULE_REFUSE_EDIT_NOT_DRAFT);
    cr_assert_eq(check(MODULE_DRAFT, 3, MODULE_DELETE), MODULE_CHANGE_OK);
    cr_assert_eq(check(MODULE_PUBLISHED, 3, MODULE_DELETE), MODULE_REFUSE_DELETE_NOT_DRAFT);
}

Test(module, a_draft_holds_at_most_200_screens)
{
    cr_assert_eq(check(MODULE_DRAFT, MODULE_MAX_SCREENS - 1, MODULE_ADD_SCREEN), MODULE_CHANGE_OK);
    cr_assert_eq(check(MODULE_DRAFT, MODULE_MAX_SCREENS, MODULE_ADD_SCREEN), MODULE_REFUSE_FULL);
    cr_assert_eq(check(MODULE_PUBLISHED, 0, MODULE_ADD_SCREEN), MODULE_REFUSE_EDIT_NOT_DRAFT,
                 "not a draft is said before full");
}

Test(module, publish_and_archive_transitions)
{
    cr_assert_eq(check(MODULE_DRAFT, 1, MODULE_PUBLISH), MODULE_CHANGE_OK);
    cr_assert_eq(check(MODULE_ARCHIVED, 1, MODULE_PUBLISH), MODULE_CHANGE_OK);
    cr_assert_eq(check(MODULE_PUBLISHED, 1, MODULE_PUBLISH), MODULE_REFUSE_PUBLISHED);
    cr_assert_eq(check(MODULE_PUBLISHED, 1, MODULE_ARCHIVE), MODULE_CHANGE_OK);
    cr_assert_eq(check(MODULE_DRAFT, 1, MODULE_ARCHIVE), MODULE_REFUSE_NOT_PUBLISHED);
    cr_assert_eq(check(MODULE_ARCHIVED, 1, MODULE_ARCHIVE), MODULE_REFUSE_NOT_PUBLISHED);
}

Test(module, new_screen_rules_collect_every_error)
{
    struct arena a;
    struct valid v;
    struct module m = {.flow = FLOW_LINEAR, .status = MODULE_DRAFT, .screen_count = 2};

    arena_init(&a);
    valid_init(&v, &a, "body");
    module_check_new_screen(&v, &m, SCREEN_BRANCH, true, 4);
    char *got = json_dumps(v.errors, JSON_COMPACT);
    cr_assert_str_eq(got,
                     "[{\"loc\":[\"body\",\"type\"],\"msg\":\"Value error, screen type 'branch' "
                     "is not allowed in a linear module\",\"type\":\"value_error\"},"
                     "{\"loc\":[\"body\",\"next_screen_id\"],\"msg\":\"Value error, "
                     "next_screen_id is only allowed on non-branch screens of branching "
                     "modules\",\"type\":\"value_error\"},{\"loc\":[\"body\",\"position\"],"
                     "\"msg\":\"Input should be less than or equal to 3\",\"type\":"
                     "\"less_than_equal\"}]");
    free(got);
    valid_free(&v);
    valid_init(&v, &a, "body");
    m.flow = FLOW_BRANCHING;
    module_check_new_screen(&v, &m, SCREEN_CONTENT, true, 3);
    cr_assert(valid_ok(&v), "a content screen of a branching module may name its next screen");
    valid_free(&v);
    arena_free(&a);
}
