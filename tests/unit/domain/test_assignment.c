/* Assignment rules without HTTP or SQL (domain/assignment.c): done and overdue. */
#include <criterion/criterion.h>

#include "domain/assignment.h"

Test(assignment, only_completed_or_passed_is_done)
{
    cr_assert(assignment_is_done(PROGRESS_COMPLETED));
    cr_assert(assignment_is_done(PROGRESS_PASSED));
    cr_assert_not(assignment_is_done(PROGRESS_FAILED));
    cr_assert_not(assignment_is_done(PROGRESS_IN_PROGRESS));
    cr_assert_not(assignment_is_done(PROGRESS_NOT_STARTED));
}

Test(assignment, overdue_needs_a_past_due_date_and_unfinished_progress)
{
    const int64_t now = 1800000000000;
    cr_assert_not(assignment_is_overdue(0, PROGRESS_NOT_STARTED, now), "no due date");
    cr_assert_not(assignment_is_overdue(now + 1, PROGRESS_NOT_STARTED, now), "not yet due");
    cr_assert_not(assignment_is_overdue(now, PROGRESS_NOT_STARTED, now), "due this instant");
    cr_assert(assignment_is_overdue(now - 1, PROGRESS_NOT_STARTED, now));
    cr_assert(assignment_is_overdue(now - 1, PROGRESS_IN_PROGRESS, now));
    cr_assert(assignment_is_overdue(now - 1, PROGRESS_FAILED, now), "failed is not done");
    cr_assert_not(assignment_is_overdue(now - 1, PROGRESS_COMPLETED, now));
    cr_assert_not(assignment_is_overdue(now - 1, PROGRESS_PASSED, now));
}
