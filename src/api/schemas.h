/*
 * Every schema of the API (util/schema.h): request bodies and query parameters, which the
 * handlers validate with (valid_field(), valid_text_field()), the stored documents (module
 * settings, screen content, progress_data), and every response. routes.c names them per route
 * and http/openapi.c writes them into /openapi.json, so the document is made from the same
 * definitions the validators use.
 */
#ifndef TS_API_SCHEMAS_H
#define TS_API_SCHEMAS_H

#include "util/schema.h"

/* --- request bodies -------------------------------------------------------------------- */
/* An answer names 1..ANSWER_MAX_OPTIONS options (api/progress.c keeps them on its stack). */
#define ANSWER_MAX_OPTIONS 10
extern const struct schema schema_register_body, schema_login_body, schema_me_patch_body,
    schema_user_patch_body, schema_module_create_body, schema_module_patch_body,
    schema_module_copy_body, schema_screen_create_body, schema_screen_patch_body,
    schema_screen_order_body, schema_progress_put_body, schema_version_body, schema_answer_body,
    schema_feedback_create_body, schema_checkin_create_body, schema_checkin_patch_body,
    schema_assignment_create_body, schema_assignment_patch_body;

/* --- query parameters ------------------------------------------------------------------ */
extern const struct schema schema_page_query, schema_users_query, schema_modules_query,
    schema_dashboard_query, schema_feedback_query, schema_checkins_query,
    schema_checkins_summary_query, schema_assignments_query, schema_my_assignments_query,
    schema_notifications_query, schema_stream_query;

/* --- responses ------------------------------------------------------------------------- */
extern const struct schema schema_user, schema_login_token, schema_module, schema_screen,
    schema_screen_list, schema_progress, schema_answer_result, schema_feedback,
    schema_feedback_summary, schema_checkin, schema_streak, schema_checkins_summary,
    schema_assignment, schema_notification, schema_unread_count, schema_read_all, schema_analytics,
    schema_health, schema_readiness, schema_user_page, schema_module_page, schema_dashboard_page,
    schema_feedback_page, schema_checkin_page, schema_assignment_page, schema_notification_page;

/* 409 bodies with keys beside `detail` (API.md §8, §10, §11). */
extern const struct schema schema_version_conflict, schema_answer_conflict, schema_checkin_conflict,
    schema_assignment_conflict;

/* Every named schema, NULL-terminated: what components.schemas holds (besides the error
 * shapes http/openapi.c writes itself). */
extern const struct schema *const schemas_all[];

#endif
