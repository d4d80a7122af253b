/* Module enums and rules; see module.h. */
#include "domain/module.h"

#include <string.h>

const char *const flow_type_names[] = {"linear", "branching", "assessment", NULL};
const char *const module_status_names[] = {"draft", "published", "archived", NULL};
const char *const screen_type_names[] = {"content",   "question", "reflection",
                                         "checklist", "branch",   NULL};

int module_enum_parse(const char *const *names, const char *s)
{
    for (int i = 0; names[i] != NULL; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    return -1;
}

bool screen_type_allowed(enum flow_type flow, enum screen_type type)
{
    switch (type) {
    case SCREEN_CONTENT:
    case SCREEN_QUESTION:
        return true;
    case SCREEN_REFLECTION:
    case SCREEN_CHECKLIST:
        return flow != FLOW_ASSESSMENT;
    case SCREEN_BRANCH:
        return flow == FLOW_BRANCHING;
    }
    return false;
}

enum module_access module_access_for(bool is_admin, bool is_author_of, enum module_status status,
                                     bool engaged)
{
    if (is_admin || is_author_of)
        return MODULE_OWNED;
    switch (status) {
    case MODULE_PUBLISHED:
        return MODULE_VISIBLE;
    case MODULE_ARCHIVED:
        return engaged ? MODULE_VISIBLE : MODULE_HIDDEN;
    default:
        return MODULE_HIDDEN;
    }
}
