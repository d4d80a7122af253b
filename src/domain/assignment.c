/* Assignment rules; see assignment.h. */
#include "domain/assignment.h"

bool assignment_is_done(enum progress_status status)
{
    return status == PROGRESS_COMPLETED || status == PROGRESS_PASSED;
}

bool assignment_is_overdue(int64_t due_at, enum progress_status status, int64_t now_ms)
{
    return due_at != 0 && due_at < now_ms && !assignment_is_done(status);
}
