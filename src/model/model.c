/* The entity enums' spellings (API.md §3) and their parser; see model.h. */
#include "model/model.h"

#include <string.h>

#include "model/module.h"
#include "model/notification.h"
#include "model/progress.h"
#include "model/user.h"

const char *const user_role_names[] = {"learner", "author", "admin", NULL};
const char *const flow_type_names[] = {"linear", "branching", "assessment", NULL};
const char *const module_status_names[] = {"draft", "published", "archived", NULL};
const char *const screen_type_names[] = {"content",   "question", "reflection",
                                         "checklist", "branch",   NULL};
const char *const progress_status_names[] = {"not_started", "in_progress", "completed",
                                             "passed",      "failed",      NULL};
const char *const notification_type_names[] = {"module_assigned", "assignment_due_soon",
                                               "module_published", "feedback_received", NULL};

int model_enum_parse(const char *const *names, const char *s)
{
    for (int i = 0; s != NULL && names[i] != NULL; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    return -1;
}
