/*
 * The schemas of API.md as data (see schemas.h and util/schema.h). One definition per shape:
 * a request field's type, flags and limits here are what its handler validates, and what
 * /openapi.json documents.
 *
 * Sections: field shorthands; stored documents (settings, content, progress_data); request
 * bodies; query parameters; responses; the named list.
 */
#include "api/schemas.h"

#include "domain/content.h"
#include "domain/progress.h"

#include "model/module.h"
#include "model/notification.h"
#include "model/progress.h"
#include "model/user.h"

/* --- field shorthands -------------------------------------------------------------------- */

#define REQ SCHEMA_REQUIRED
#define NUL SCHEMA_NULLABLE
#define NUL_ABSENT SCHEMA_NULL_ABSENT
#define OUT (SCHEMA_REQUIRED)                       /* response: always present */
#define OUT_NUL (SCHEMA_REQUIRED | SCHEMA_NULLABLE) /* response: always present, may be null */
#define NO_MAX SCHEMA_NO_MAX

#define F_TZ(n, fl)                                                                                \
    {                                                                                              \
        .name = n, .type = SCHEMA_TIMEZONE, .flags = fl,                                           \
        .description = "An IANA time zone name such as \"Europe/Berlin\""                          \
    }
/* A schema over a static field array. */
#define SCHEMA(var, nm, closed_, desc, ...)                                                        \
    static const struct schema_field var##_fields[] = {__VA_ARGS__};                               \
    const struct schema var = SCHEMA_OF(nm, desc, closed_, var##_fields)
#define LOCAL_SCHEMA(var, nm, closed_, desc, ...)                                                  \
    static const struct schema_field var##_fields[] = {__VA_ARGS__};                               \
    static const struct schema var = SCHEMA_OF(nm, desc, closed_, var##_fields)

/* Items of arrays and values of maps. */
static const struct schema_field uuid_item = {.type = SCHEMA_UUID};

static const char *const token_types[] = {"bearer", NULL};
static const char *const health_states[] = {"ok", NULL};
static const char *const ready_states[] = {"ready", "not_ready", NULL};
static const char *const database_states[] = {"ok", "unreachable", NULL};
static const char *const migration_states[] = {"current", "pending", "unknown", NULL};

/* --- stored documents ---------------------------------------------------------------------- */

/* Module settings and screen content are validated in domain/content.c, from its schemas. */
static const struct schema *const settings_kinds[] = {
    &content_settings_linear, &content_settings_branching, &content_settings_assessment, NULL};
static const struct schema *const content_kinds[] = {
    &content_schema_content,   &content_schema_question, &content_schema_reflection,
    &content_schema_checklist, &content_schema_branch,   NULL};

/* progress_data per flow_type: validated by domain/progress_*.c from these. */
static const struct schema *const progress_kinds[] = {
    &progress_schema_linear, &progress_schema_branching, &progress_schema_assessment, NULL};

/* --- request bodies ------------------------------------------------------------------------ */

SCHEMA(schema_register_body, "RegisterRequest", false, NULL,
       {.name = "email",
        .type = SCHEMA_EMAIL,
        .flags = REQ,
        .max = 254,
        .description = "3..254 characters after trimming; local@domain, the domain with a dot; "
                       "stored trimmed and lowercased"},
       SF_STR("password", REQ, 8, 128), SF_STR("display_name", REQ, 1, 100),
       F_TZ("timezone", NUL_ABSENT));
SCHEMA(schema_login_body, "LoginRequest", false, NULL, SF_STR("email", REQ, 1, 254),
       SF_STR("password", REQ, 1, 128));
SCHEMA(schema_me_patch_body, "ProfilePatch", false, "Absent fields are unchanged",
       SF_STR("display_name", 0, 1, 100), F_TZ("timezone", 0));
SCHEMA(schema_user_patch_body, "UserPatch", false, "Absent fields are unchanged",
       SF_ENUM("role", 0, user_role_names), SF_BOOL("active", 0), SF_STR("display_name", 0, 1, 100),
       F_TZ("timezone", 0));
SCHEMA(schema_module_create_body, "ModuleCreate", false, NULL, SF_STR("title", REQ, 1, 200),
       SF_STR("description", NUL_ABSENT, 0, 5000, .description = "Default \"\""),
       SF_ENUM("flow_type", REQ, flow_type_names),
       SF_ANYOF("settings", NUL_ABSENT, settings_kinds,
                .description = "Per flow_type; missing keys take defaults"));
SCHEMA(schema_module_patch_body, "ModulePatch", false, "Draft modules only",
       SF_STR("title", 0, 1, 200), SF_STR("description", 0, 0, 5000),
       SF_ANYOF("settings", 0, settings_kinds, .description = "Replaces the whole settings"));
SCHEMA(schema_module_copy_body, "ModuleCopy", false, "Optional body",
       SF_STR("title", NUL_ABSENT, 1, 200, .description = "Default: the source's title"));
SCHEMA(schema_screen_create_body, "ScreenCreate", false, NULL,
       SF_ENUM("type", REQ, screen_type_names), SF_STR("title", REQ, 1, 200),
       SF_ANYOF("content", REQ, content_kinds,
                .description = "Schema of the screen type; serialised at most 65536 bytes"),
       SF_INT("position", NUL_ABSENT, 1, NO_MAX,
              .description = "1..screen_count+1; default: append"),
       SF_UUID("next_screen_id", NUL, .description = "Branching modules, non-branch screens only"));
SCHEMA(schema_screen_patch_body, "ScreenPatch", false, "Draft modules only",
       SF_STR("title", 0, 1, 200),
       SF_ANYOF("content", 0, content_kinds, .description = "Replaces the whole content"),
       SF_UUID("next_screen_id", NUL));
SCHEMA(schema_screen_order_body, "ScreenOrder", false, NULL,
       SF_ARR("screen_ids", REQ, 0, NO_MAX, &uuid_item,
              .description = "Every screen of the module exactly once, in the new order"));
SCHEMA(schema_progress_put_body, "ProgressPut", false, NULL,
       SF_INT("version", REQ, 0, INT32_MAX, .description = "The stored version (0: no record)"),
       SF_ANYOF("progress_data", REQ, progress_kinds,
                .description = "The shape of the module's flow_type"));
SCHEMA(schema_version_body, "ProgressVersion", false, NULL,
       SF_INT("version", REQ, 0, INT32_MAX, .description = "The stored version (0: no record)"));
SCHEMA(schema_answer_body, "AnswerRequest", false, NULL,
       SF_ARR("option_ids", REQ | SCHEMA_UNIQUE, 1, ANSWER_MAX_OPTIONS, &schema_any_string));
SCHEMA(schema_feedback_create_body, "FeedbackCreate", false, NULL, SF_INT("rating", REQ, 1, 5),
       SF_STR("comment", NUL_ABSENT, 0, 2000),
       SF_UUID("screen_id", NUL_ABSENT, .description = "A screen of this module"));
SCHEMA(schema_checkin_create_body, "CheckinCreate", false, NULL, SF_INT("mood", REQ, 1, 5),
       SF_INT("confidence", REQ, 1, 5), SF_STR("note", NUL_ABSENT, 0, 1000),
       SF_UUID("module_id", NUL_ABSENT, .description = "A module visible to the caller"));
SCHEMA(schema_checkin_patch_body, "CheckinPatch", false, "Only on the day of the check-in",
       SF_INT("mood", 0, 1, 5), SF_INT("confidence", 0, 1, 5), SF_STR("note", NUL, 0, 1000),
       SF_UUID("module_id", NUL, .description = "A module visible to the caller"));
SCHEMA(schema_assignment_create_body, "AssignmentCreate", false, NULL,
       SF_UUID("module_id", REQ, .description = "A module visible to the caller"),
       SF_UUID("user_id", REQ, .description = "An existing active user"),
       SF_TIME("due_at", NUL_ABSENT, .description = "In the future"));
SCHEMA(schema_assignment_patch_body, "AssignmentPatch", false, NULL,
       SF_TIME("due_at", NUL, .description = "In the future, or null"));

/* --- query parameters ---------------------------------------------------------------------- */

#define QUERY(var, base_, ...)                                                                     \
    static const struct schema_field var##_fields[] = {__VA_ARGS__};                               \
    const struct schema var = {.fields = var##_fields,                                             \
                               .count = sizeof(var##_fields) / sizeof(var##_fields[0]),            \
                               .base = base_}

QUERY(schema_page_query, NULL, SF_INT("limit", 0, 1, 100, .description = "Default 20"),
      SF_STR("cursor", 0, 0, NO_MAX,
             .description = "next_cursor of the previous page (same endpoint and filters)"));
QUERY(schema_users_query, &schema_page_query, SF_ENUM("role", 0, user_role_names),
      SF_BOOL("active", 0, .description = "true/false/1/0, case-insensitive"),
      SF_STR("q", 0, 1, 100, .description = "Case-insensitive substring of email or display_name"));
QUERY(schema_modules_query, &schema_page_query, SF_ENUM("status", 0, module_status_names),
      SF_ENUM("flow_type", 0, flow_type_names), SF_UUID("author_id", 0),
      SF_STR("q", 0, 1, 100, .description = "Case-insensitive substring of the title"));
QUERY(schema_dashboard_query, &schema_page_query, SF_ENUM("status", 0, progress_status_names));
QUERY(schema_feedback_query, &schema_page_query, SF_INT("rating", 0, 1, 5),
      SF_UUID("screen_id", 0));
QUERY(schema_checkins_query, &schema_page_query,
      SF_DATE("from", 0, .description = "Inclusive; not after `to`"),
      SF_DATE("to", 0, .description = "Inclusive"));
QUERY(schema_checkins_summary_query, NULL,
      SF_DATE("from", 0, .description = "Default: `to` - 29 days; at most 366 days before `to`"),
      SF_DATE("to", 0, .description = "Default: today in the caller's time zone"),
      SF_UUID("module_id", 0, .description = "Only check-ins referencing this visible module"));
QUERY(schema_assignments_query, &schema_page_query, SF_UUID("module_id", 0), SF_UUID("user_id", 0));
QUERY(schema_my_assignments_query, &schema_page_query,
      SF_ENUM("progress_status", 0, progress_status_names));
QUERY(schema_notifications_query, &schema_page_query,
      SF_BOOL("unread", 0, .description = "true: unread only; false: read only; absent: all"));
QUERY(schema_stream_query, NULL,
      SF_STR("access_token", 0, 1, NO_MAX,
             .description = "The bearer token, for clients that cannot send headers "
                            "(EventSource); the Authorization header wins"),
      SF_STR("last_event_id", 0, 0, NO_MAX,
             .description = "Replay after this seq when the Last-Event-ID header is absent"));

/* --- responses ----------------------------------------------------------------------------- */

SCHEMA(schema_user, "User", true, NULL, SF_UUID("id", OUT), SF_STR("email", OUT, 1, NO_MAX),
       SF_STR("display_name", OUT, 1, 100), SF_ENUM("role", OUT, user_role_names),
       F_TZ("timezone", OUT), SF_BOOL("active", OUT), SF_TIME("created_at", OUT),
       SF_TIME("updated_at", OUT));
SCHEMA(schema_login_token, "LoginToken", true, NULL, SF_STR("access_token", OUT, 1, NO_MAX),
       SF_ENUM("token_type", OUT, token_types), SF_TIME("expires_at", OUT),
       SF_INT("expires_in", OUT, 1, NO_MAX, .description = "Seconds"),
       SF_OBJ("user", OUT, &schema_user));
SCHEMA(schema_module, "Module", true, NULL, SF_UUID("id", OUT), SF_STR("title", OUT, 1, 200),
       SF_STR("description", OUT, 0, 5000), SF_ENUM("flow_type", OUT, flow_type_names),
       SF_ENUM("status", OUT, module_status_names),
       SF_ANYOF("settings", OUT, settings_kinds, .description = "Complete, with defaults"),
       SF_UUID("author_id", OUT), SF_STR("author_name", OUT, 0, NO_MAX),
       SF_UUID("copied_from_id", OUT_NUL), SF_INT("screen_count", OUT, 0, NO_MAX),
       SF_TIME("created_at", OUT), SF_TIME("updated_at", OUT), SF_TIME("published_at", OUT_NUL),
       SF_TIME("archived_at", OUT_NUL));
SCHEMA(schema_screen, "Screen", true, NULL, SF_UUID("id", OUT), SF_UUID("module_id", OUT),
       SF_INT("position", OUT, 1, NO_MAX), SF_ENUM("type", OUT, screen_type_names),
       SF_STR("title", OUT, 1, 200),
       SF_ANYOF("content", OUT, content_kinds, .description = "Schema of the screen type"),
       SF_UUID("next_screen_id", OUT_NUL), SF_TIME("created_at", OUT), SF_TIME("updated_at", OUT));
static const struct schema_field screen_item = {.type = SCHEMA_OBJECT, .object = &schema_screen};
SCHEMA(schema_screen_list, "ScreenList", true, "Screens in position order",
       SF_ARR("items", OUT, 0, NO_MAX, &screen_item));

#define PROGRESS_FIELDS                                                                            \
    SF_UUID("module_id", OUT), SF_UUID("user_id", OUT),                                            \
        SF_ENUM("flow_type", OUT, flow_type_names), SF_ENUM("status", OUT, progress_status_names), \
        SF_INT("percent", OUT, 0, 100), SF_INT("score", OUT_NUL, 0, 100),                          \
        SF_INT("version", OUT, 0, NO_MAX), SF_ANYOF("progress_data", OUT, progress_kinds),         \
        SF_TIME("started_at", OUT_NUL), SF_TIME("completed_at", OUT_NUL),                          \
        SF_TIME("updated_at", OUT_NUL)
SCHEMA(schema_progress, "Progress", true, NULL, PROGRESS_FIELDS);
LOCAL_SCHEMA(module_summary, "ModuleSummary", true, NULL, SF_UUID("id", OUT),
             SF_STR("title", OUT, 1, 200), SF_ENUM("flow_type", OUT, flow_type_names),
             SF_ENUM("status", OUT, module_status_names));
LOCAL_SCHEMA(dashboard_item, "DashboardItem", true, "A progress record with its module",
             PROGRESS_FIELDS, SF_OBJ("module", OUT, &module_summary));
SCHEMA(schema_answer_result, "AnswerResult", true, NULL, SF_UUID("screen_id", OUT),
       SF_BOOL("correct", OUT), SF_ARR("option_ids", OUT, 1, 10, &schema_any_string),
       SF_ARR("correct_option_ids", OUT, 0, 10, &schema_any_string),
       SF_STR("explanation", OUT_NUL, 0, 2000), SF_OBJ("progress", OUT, &schema_progress));
SCHEMA(schema_feedback, "Feedback", true, NULL, SF_UUID("id", OUT), SF_UUID("module_id", OUT),
       SF_UUID("screen_id", OUT_NUL), SF_UUID("user_id", OUT), SF_INT("rating", OUT, 1, 5),
       SF_STR("comment", OUT_NUL, 0, 2000), SF_TIME("created_at", OUT));
LOCAL_SCHEMA(distribution, NULL, true, "Entries per rating", SF_INT("1", OUT, 0, NO_MAX),
             SF_INT("2", OUT, 0, NO_MAX), SF_INT("3", OUT, 0, NO_MAX), SF_INT("4", OUT, 0, NO_MAX),
             SF_INT("5", OUT, 0, NO_MAX));
SCHEMA(schema_feedback_summary, "FeedbackSummary", true, NULL, SF_UUID("module_id", OUT),
       SF_INT("count", OUT, 0, NO_MAX), SF_NUM("average_rating", OUT_NUL),
       SF_OBJ("distribution", OUT, &distribution));
SCHEMA(schema_checkin, "Checkin", true, NULL, SF_UUID("id", OUT), SF_UUID("user_id", OUT),
       SF_DATE("date", OUT), F_TZ("timezone", OUT), SF_INT("mood", OUT, 1, 5),
       SF_INT("confidence", OUT, 1, 5), SF_STR("note", OUT_NUL, 0, 1000),
       SF_UUID("module_id", OUT_NUL), SF_TIME("created_at", OUT), SF_TIME("updated_at", OUT));
SCHEMA(schema_streak, "CheckinStreak", true, NULL, SF_INT("current_streak", OUT, 0, NO_MAX),
       SF_INT("longest_streak", OUT, 0, NO_MAX), SF_DATE("last_checkin_date", OUT_NUL),
       SF_DATE("today", OUT), SF_BOOL("today_done", OUT), F_TZ("timezone", OUT));
LOCAL_SCHEMA(summary_day, NULL, true, NULL, SF_DATE("date", OUT), SF_INT("count", OUT, 0, NO_MAX),
             SF_NUM("average_mood", OUT_NUL), SF_NUM("average_confidence", OUT_NUL));
static const struct schema_field summary_day_field = {.type = SCHEMA_OBJECT,
                                                      .object = &summary_day};
SCHEMA(schema_checkins_summary, "CheckinSummary", true, NULL, SF_DATE("from", OUT),
       SF_DATE("to", OUT), SF_INT("total_count", OUT, 0, NO_MAX),
       SF_ARR("days", OUT, 0, NO_MAX, &summary_day_field,
              .description = "One entry per day in range, ascending"));
SCHEMA(schema_assignment, "Assignment", true, NULL, SF_UUID("id", OUT), SF_UUID("module_id", OUT),
       SF_UUID("user_id", OUT), SF_UUID("assigned_by", OUT), SF_TIME("due_at", OUT_NUL),
       SF_TIME("created_at", OUT), SF_TIME("updated_at", OUT),
       SF_OBJ("module", OUT, &module_summary),
       SF_ENUM("progress_status", OUT, progress_status_names),
       SF_INT("progress_percent", OUT, 0, 100), SF_BOOL("overdue", OUT));

LOCAL_SCHEMA(assigned_data, "AssignmentNotificationData", true,
             "data of module_assigned and assignment_due_soon", SF_UUID("assignment_id", OUT_NUL),
             SF_UUID("module_id", OUT_NUL), SF_TIME("due_at", OUT_NUL));
LOCAL_SCHEMA(published_data, "PublishedNotificationData", true, "data of module_published",
             SF_UUID("module_id", OUT_NUL), SF_UUID("copied_from_id", OUT_NUL));
LOCAL_SCHEMA(feedback_data, "FeedbackNotificationData", true, "data of feedback_received",
             SF_UUID("feedback_id", OUT_NUL), SF_UUID("module_id", OUT_NUL),
             SF_INT("rating", OUT, 1, 5));
static const struct schema *const notification_data_kinds[] = {&assigned_data, &published_data,
                                                               &feedback_data, NULL};
SCHEMA(schema_notification, "Notification", true, NULL, SF_UUID("id", OUT),
       SF_INT("seq", OUT, 1, NO_MAX), SF_ENUM("type", OUT, notification_type_names),
       SF_STR("title", OUT, 1, NO_MAX), SF_STR("body", OUT, 1, NO_MAX),
       SF_ANYOF("data", OUT, notification_data_kinds, .description = "Keys per type"),
       SF_BOOL("read", OUT), SF_TIME("read_at", OUT_NUL), SF_TIME("created_at", OUT));
SCHEMA(schema_unread_count, "UnreadCount", true, NULL, SF_INT("count", OUT, 0, NO_MAX));
SCHEMA(schema_read_all, "ReadAllResult", true, NULL,
       SF_INT("updated", OUT, 0, NO_MAX, .description = "How many notifications changed"));

LOCAL_SCHEMA(analytics_screen, NULL, true, NULL, SF_UUID("screen_id", OUT),
             SF_INT("position", OUT, 1, NO_MAX), SF_STR("title", OUT, 1, 200),
             SF_ENUM("type", OUT, screen_type_names), SF_INT("reached", OUT, 0, NO_MAX),
             SF_NUM("reach_rate", OUT), SF_INT("drop_off", OUT, 0, NO_MAX),
             SF_NUM("drop_off_rate", OUT));
static const struct schema_field analytics_screen_field = {.type = SCHEMA_OBJECT,
                                                           .object = &analytics_screen};
SCHEMA(schema_analytics, "Analytics", true, NULL, SF_UUID("module_id", OUT),
       SF_ENUM("flow_type", OUT, flow_type_names), SF_INT("learners_started", OUT, 0, NO_MAX),
       SF_INT("learners_completed", OUT, 0, NO_MAX), SF_NUM("completion_rate", OUT),
       SF_INT("learners_passed", OUT_NUL, 0, NO_MAX, .description = "Assessment only, else null"),
       SF_INT("learners_failed", OUT_NUL, 0, NO_MAX, .description = "Assessment only, else null"),
       SF_NUM("average_score", OUT_NUL), SF_INT("feedback_count", OUT, 0, NO_MAX),
       SF_NUM("average_rating", OUT_NUL),
       SF_ARR("screens", OUT, 0, NO_MAX, &analytics_screen_field));
SCHEMA(schema_health, "Health", true, NULL, SF_ENUM("status", OUT, health_states),
       SF_STR("version", OUT, 1, NO_MAX));
SCHEMA(schema_readiness, "Readiness", true, "200 when ready, else 503 with the same shape",
       SF_ENUM("status", OUT, ready_states), SF_ENUM("database", OUT, database_states),
       SF_ENUM("migrations", OUT, migration_states), SF_BOOL("shutting_down", OUT));

/* Pages of §1.7. */
#define PAGE(var, nm, item_schema)                                                                 \
    static const struct schema_field var##_item = {.type = SCHEMA_OBJECT, .object = &item_schema}; \
    SCHEMA(var, nm, true, NULL, SF_ARR("items", OUT, 0, 100, &var##_item),                         \
           SF_STR("next_cursor", OUT_NUL, 1, NO_MAX,                                               \
                  .description = "null exactly when no further item existed"))
PAGE(schema_user_page, "UserPage", schema_user);
PAGE(schema_module_page, "ModulePage", schema_module);
PAGE(schema_dashboard_page, "DashboardPage", dashboard_item);
PAGE(schema_feedback_page, "FeedbackPage", schema_feedback);
PAGE(schema_checkin_page, "CheckinPage", schema_checkin);
PAGE(schema_assignment_page, "AssignmentPage", schema_assignment);
PAGE(schema_notification_page, "NotificationPage", schema_notification);

/* 409s with keys beside detail. */
SCHEMA(schema_version_conflict, "VersionConflict", true, "The sent version is not the stored one",
       SF_STR("detail", OUT, 1, NO_MAX), SF_OBJ("current", OUT, &schema_progress));
LOCAL_SCHEMA(stored_answer, NULL, true, NULL, SF_ARR("option_ids", OUT, 1, 10, &schema_any_string),
             SF_BOOL("correct", OUT), SF_ARR("correct_option_ids", OUT, 0, 10, &schema_any_string),
             SF_STR("explanation", OUT_NUL, 0, 2000));
SCHEMA(schema_answer_conflict, "AnswerConflict", true, "Question already answered",
       SF_STR("detail", OUT, 1, NO_MAX), SF_OBJ("answer", OUT, &stored_answer));
SCHEMA(schema_checkin_conflict, "CheckinConflict", true, "Already checked in today",
       SF_STR("detail", OUT, 1, NO_MAX), SF_UUID("checkin_id", OUT));
SCHEMA(schema_assignment_conflict, "AssignmentConflict", true,
       "Module already assigned to this user", SF_STR("detail", OUT, 1, NO_MAX),
       SF_UUID("assignment_id", OUT));

/* --- the named list ------------------------------------------------------------------------ */

const struct schema *const schemas_all[] = {&content_settings_linear,
                                            &content_settings_branching,
                                            &content_settings_assessment,
                                            &content_schema_content,
                                            &content_schema_question,
                                            &content_schema_reflection,
                                            &content_schema_checklist,
                                            &content_schema_branch,
                                            &progress_schema_linear,
                                            &progress_schema_branching,
                                            &progress_schema_assessment,
                                            &progress_schema_reflection_value,
                                            &progress_schema_checklist_value,
                                            &progress_schema_question_value,
                                            &schema_register_body,
                                            &schema_login_body,
                                            &schema_me_patch_body,
                                            &schema_user_patch_body,
                                            &schema_module_create_body,
                                            &schema_module_patch_body,
                                            &schema_module_copy_body,
                                            &schema_screen_create_body,
                                            &schema_screen_patch_body,
                                            &schema_screen_order_body,
                                            &schema_progress_put_body,
                                            &schema_version_body,
                                            &schema_answer_body,
                                            &schema_feedback_create_body,
                                            &schema_checkin_create_body,
                                            &schema_checkin_patch_body,
                                            &schema_assignment_create_body,
                                            &schema_assignment_patch_body,
                                            &schema_user,
                                            &schema_login_token,
                                            &schema_module,
                                            &schema_screen,
                                            &schema_screen_list,
                                            &schema_progress,
                                            &module_summary,
                                            &dashboard_item,
                                            &schema_answer_result,
                                            &schema_feedback,
                                            &schema_feedback_summary,
                                            &schema_checkin,
                                            &schema_streak,
                                            &schema_checkins_summary,
                                            &schema_assignment,
                                            &assigned_data,
                                            &published_data,
                                            &feedback_data,
                                            &schema_notification,
                                            &schema_unread_count,
                                            &schema_read_all,
                                            &schema_analytics,
                                            &schema_health,
                                            &schema_readiness,
                                            &schema_user_page,
                                            &schema_module_page,
                                            &schema_dashboard_page,
                                            &schema_feedback_page,
                                            &schema_checkin_page,
                                            &schema_assignment_page,
                                            &schema_notification_page,
                                            &schema_version_conflict,
                                            &schema_answer_conflict,
                                            &schema_checkin_conflict,
                                            &schema_assignment_conflict,
                                            NULL};
