/*
 * Assignment rules that need neither HTTP nor SQL (API.md §11): when an assignment counts as
 * done or overdue. The entity is in model/assignment.h, its storage in db/assignments.h.
 */
#ifndef TS_DOMAIN_ASSIGNMENT_H
#define TS_DOMAIN_ASSIGNMENT_H

#include <stdbool.h>
#include <stdint.h>

#include "model/progress.h"

/* Whether progress in `status` fulfils an assignment: completed or passed (failed does not). */
bool assignment_is_done(enum progress_status status);

/* §11 `overdue`: a due_at (0 = none) in the past at `now_ms` while the assignee's progress is
 * not done. */
bool assignment_is_overdue(int64_t due_at, enum progress_status status, int64_t now_ms);

#endif
