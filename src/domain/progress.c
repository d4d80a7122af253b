/* Shared progress definitions; see progress.h. */
#include "domain/progress.h"

#include <string.h>

#include "util/str.h"

json_t *progress_initial(enum flow_type flow)
{
    switch (flow) {
    case FLOW_BRANCHING:
        return json_pack("{s:[],s:{}}", "path", "responses");
    case FLOW_ASSESSMENT:
        return json_pack("{s:i,s:n,s:{},s:n,s:[]}", "attempt", 1, "current_screen_id", "answers",
                         "submitted_at", "attempts");
    default:
        return json_pack("{s:n,s:[],s:{}}", "current_screen_id", "completed_screen_ids",
                         "responses");
    }
}

int progress_find_screen(const struct progress_module *m, const char *id)
{
    for (int i = 0; id != NULL && i < m->n; i++)
        if (strcmp(m->screens[i].id, id) == 0)
            return i;
    return -1;
}

int progress_screen_of(const struct progress_module *m, const char *s)
{
    char id[STR_UUID_SIZE];

    return s != NULL && str_uuid_parse(s, id) ? progress_find_screen(m, id) : -1;
}

const struct progress_flow *progress_flow_for(enum flow_type flow)
{
    switch (flow) {
    case FLOW_BRANCHING:
        return &progress_branching;
    case FLOW_ASSESSMENT:
        return &progress_assessment;
    default:
        return &progress_linear;
    }
}

bool progress_has_answer(json_t *data, const char *id)
{
    json_t *r = json_object_get(json_object_get(data, "responses"), id);
    return json_is_array(json_object_get(r, "option_ids"));
}
