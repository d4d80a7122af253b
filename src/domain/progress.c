/* Shared progress definitions; see progress.h. */
#include "domain/progress.h"

#include <string.h>

#include "util/str.h"

/* --- the schemas -------------------------------------------------------------------------- */

#define NUL SCHEMA_NULLABLE
#define NO_MAX SCHEMA_NO_MAX

static const struct schema_field strings_item = SF_ARR(NULL, 0, 0, NO_MAX, &schema_any_string);

static const struct schema_field reflection_value_fields[] = {
    SF_STR("text", SCHEMA_REQUIRED, 0, NO_MAX, .description = "At most the screen's max_length")};
const struct schema progress_schema_reflection_value = SCHEMA_OF(
    "ReflectionResponse", "A reflection screen's response", true, reflection_value_fields);
static const struct schema_field checklist_value_fields[] = {
    SF_ARR("checked_item_ids", SCHEMA_REQUIRED | SCHEMA_UNIQUE, 0, NO_MAX, &schema_any_string,
           .description = "Ids of the screen's items")};
const struct schema progress_schema_checklist_value =
    SCHEMA_OF("ChecklistResponse", "A checklist screen's response", true, checklist_value_fields);
static const struct schema_field question_value_fields[] = {
    SF_ARR("option_ids", SCHEMA_REQUIRED, 1, 10, &schema_any_string),
    SF_BOOL("correct", SCHEMA_REQUIRED), SF_TIME("answered_at", SCHEMA_REQUIRED)};
const struct schema progress_schema_question_value =
    SCHEMA_OF("QuestionResponse",
              "A question's recorded answer: written by the server only (answer "
              "endpoint); values sent in a PUT are ignored and the stored ones kept",
              true, question_value_fields);
static const struct schema *const response_kinds[] = {&progress_schema_reflection_value,
                                                      &progress_schema_checklist_value,
                                                      &progress_schema_question_value, NULL};
static const struct schema_field response_value = {.type = SCHEMA_OBJECT, .any_of = response_kinds};
#define RESPONSES_FIELD                                                                            \
    SF_MAP("responses", 0, &response_value,                                                        \
           .description = "By screen id; content and branch screens take none")

static const struct schema_field screen_id_item = {
    .type = SCHEMA_STRING, .max = NO_MAX, .description = "A screen id of this module"};
static const struct schema_field linear_fields[] = {
    SF_UUID("current_screen_id", NUL),
    SF_ARR("completed_screen_ids", 0, 0, NO_MAX, &screen_id_item,
           .description = "Exactly the first k screens by position, any order"),
    RESPONSES_FIELD};
const struct schema progress_schema_linear =
    SCHEMA_OF("LinearProgressData", "progress_data of a linear module", true, linear_fields);

static const struct schema_field step_fields[] = {
    SF_UUID("screen_id", SCHEMA_REQUIRED),
    SF_STR("choice_id", NUL, 0, NO_MAX, .description = "A choice of a branch screen, else null")};
static const struct schema step = SCHEMA_OF(NULL, NULL, true, step_fields);
static const struct schema_field step_item = {.type = SCHEMA_OBJECT, .object = &step};
static const struct schema_field branching_fields[] = {
    SF_ARR("path", 0, 0, 1000, &step_item, .description = "From the start screen, along edges"),
    RESPONSES_FIELD};
const struct schema progress_schema_branching = SCHEMA_OF(
    "BranchingProgressData", "progress_data of a branching module", true, branching_fields);

static const struct schema_field attempt_fields[] = {
    SF_INT("attempt", SCHEMA_REQUIRED, 1, NO_MAX),
    SF_MAP("answers", SCHEMA_REQUIRED, &strings_item),
    SF_MAP("results", SCHEMA_REQUIRED, &(const struct schema_field){.type = SCHEMA_BOOL}),
    SF_INT("score", SCHEMA_REQUIRED, 0, 100),
    SF_BOOL("passed", SCHEMA_REQUIRED),
    SF_TIME("submitted_at", SCHEMA_REQUIRED)};
static const struct schema attempt = SCHEMA_OF(NULL, NULL, true, attempt_fields);
static const struct schema_field attempt_item = {.type = SCHEMA_OBJECT, .object = &attempt};
static const struct schema_field assessment_fields[] = {
    SF_INT("attempt", 0, 1, NO_MAX, .description = "Server-owned"),
    SF_UUID("current_screen_id", NUL),
    SF_MAP("answers", 0, &strings_item,
           .description = "Option ids by question screen id (the current attempt)"),
    SF_TIME("submitted_at", NUL, .description = "Server-owned"),
    SF_ARR("attempts", 0, 0, NO_MAX, &attempt_item, .description = "Server-owned")};
const struct schema progress_schema_assessment =
    SCHEMA_OF("AssessmentProgressData",
              "progress_data of an assessment module; attempt, submitted_at and attempts are "
              "server-owned (accepted and ignored in a PUT)",
              true, assessment_fields);

/* --- documents ------------------------------------------------------------------------------ */

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
