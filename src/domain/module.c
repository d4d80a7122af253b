/* Module rules; see module.h. */
#include "domain/module.h"

bool module_screen_type_allowed(enum flow_type flow, enum screen_type type)
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

enum module_refusal module_check_change(const struct module *m, enum module_change what)
{
    switch (what) {
    case MODULE_ADD_SCREEN:
        if (m->status == MODULE_DRAFT && m->screen_count >= MODULE_MAX_SCREENS)
            return MODULE_REFUSE_FULL;
        /* fall through */
    case MODULE_EDIT:
        return m->status == MODULE_DRAFT ? MODULE_CHANGE_OK : MODULE_REFUSE_EDIT_NOT_DRAFT;
    case MODULE_DELETE:
        return m->status == MODULE_DRAFT ? MODULE_CHANGE_OK : MODULE_REFUSE_DELETE_NOT_DRAFT;
    case MODULE_PUBLISH:
        return m->status == MODULE_PUBLISHED ? MODULE_REFUSE_PUBLISHED : MODULE_CHANGE_OK;
    case MODULE_ARCHIVE:
        return m->status == MODULE_PUBLISHED ? MODULE_CHANGE_OK : MODULE_REFUSE_NOT_PUBLISHED;
    }
    return MODULE_CHANGE_OK;
}

void module_check_navigation(struct valid *v, enum flow_type flow, enum screen_type type,
                             bool has_next)
{
    if (has_next && (flow != FLOW_BRANCHING || type == SCREEN_BRANCH))
        valid_value_error(v, "next_screen_id",
                          "next_screen_id is only allowed on non-branch screens of branching "
                          "modules");
}

void module_check_new_screen(struct valid *v, const struct module *m, enum screen_type type,
                             bool has_next, int64_t position)
{
    if (!module_screen_type_allowed(m->flow, type))
        valid_error(v, "type", "value_error",
                    "Value error, screen type '%s' is not allowed in a %s module",
                    screen_type_names[type], flow_type_names[m->flow]);
    module_check_navigation(v, m->flow, type, has_next);
    if (position > m->screen_count + 1)
        valid_error(v, "position", "less_than_equal", "Input should be less than or equal to %d",
                    m->screen_count + 1);
}
