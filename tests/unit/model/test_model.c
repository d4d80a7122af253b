/* The entity enums' spellings and their parser (model/model.c). */
#include <criterion/criterion.h>

#include "model/model.h"
#include "model/module.h"
#include "model/progress.h"
#include "model/user.h"

Test(model, roles_parse_in_spec_order)
{
    cr_assert_eq(model_enum_parse(user_role_names, "learner"), ROLE_LEARNER);
    cr_assert_eq(model_enum_parse(user_role_names, "author"), ROLE_AUTHOR);
    cr_assert_eq(model_enum_parse(user_role_names, "admin"), ROLE_ADMIN);
    cr_assert_eq(model_enum_parse(user_role_names, "Admin"), -1);
    cr_assert_str_eq(user_role_names[1], "author");
    cr_assert_null(user_role_names[3]);
}

Test(model, every_enum_round_trips_through_its_names)
{
    cr_assert_eq(model_enum_parse(flow_type_names, "assessment"), FLOW_ASSESSMENT);
    cr_assert_eq(model_enum_parse(module_status_names, "archived"), MODULE_ARCHIVED);
    cr_assert_eq(model_enum_parse(screen_type_names, "branch"), SCREEN_BRANCH);
    cr_assert_eq(model_enum_parse(progress_status_names, "failed"), PROGRESS_FAILED);
    cr_assert_null(screen_type_names[SCREEN_BRANCH + 1]);
    cr_assert_null(progress_status_names[PROGRESS_FAILED + 1]);
}

Test(model, unknown_and_null_are_minus_one)
{
    cr_assert_eq(model_enum_parse(flow_type_names, ""), -1);
    cr_assert_eq(model_enum_parse(flow_type_names, NULL), -1);
    cr_assert_eq(model_enum_parse(flow_type_names, "linear "), -1);
}
