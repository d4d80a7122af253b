/*
 * The route table (API.md §2). To add an endpoint: write its handler in src/api/<resource>.c,
 * declare it in src/api/<resource>.h, define its request and response schemas in
 * src/api/schemas.c (the handler validates with them), and add one entry here.
 *
 * An entry: R(method, path template, handler name without "api_", access, flags, summary,
 * then the documentation as designated fields: .query / .body schemas, .ok (success status when
 * not 200), .response schema or .media type, .conflict (a 409 body with extra keys), .doc
 * flags, .gate). /openapi.json is generated from this table (http/openapi.c), and
 * tests/api/test_openapi.c checks that the two agree, so no route goes undocumented.
 */
#include "http/routes.h"

#include "api/analytics.h"
#include "api/assignments.h"
#include "api/auth.h"
#include "api/checkins.h"
#include "api/docs.h"
#include "api/feedback.h"
#include "api/modules.h"
#include "api/notification_stream.h"
#include "api/notifications.h"
#include "api/ops.h"
#include "api/progress.h"
#include "api/screens.h"
#include "api/schemas.h"
#include "api/users.h"

/* One route; the operationId is the handler's name without "api_". */
#define R(method, path, name, access, flags, summary, ...)                                         \
    {                                                                                              \
        method, path, api_##name, access, flags, summary, .operation = #name, __VA_ARGS__          \
    }

#define BODY ROUTE_BODY
#define IDEM ROUTE_IDEMPOTENT
#define WITH_MODULE ROUTE_WITH_MODULE
#define WITH_RECORD ROUTE_WITH_RECORD
#define OPTIONAL_BODY (ROUTE_BODY | ROUTE_BODY_OPTIONAL)
#define MODULE "/api/v1/modules/{module_id}"
#define SCREEN MODULE "/screens/{screen_id}"
#define ASSIGNMENT "/api/v1/assignments/{assignment_id}"
#define NOTIFICATIONS "/api/v1/notifications"
#define CHECKINS "/api/v1/checkins"
#define CONFLICT .doc = DOC_CONFLICT

const struct route routes_table[] = {
    /* §4 accounts */
    R("POST", "/api/v1/auth/register", auth_register, ACCESS_PUBLIC, BODY, "Register",
      .gate = api_auth_register_gate, .body = &schema_register_body, .ok = 201,
      .response = &schema_user, CONFLICT),
    R("POST", "/api/v1/auth/login", auth_login, ACCESS_PUBLIC, BODY, "Log in",
      .body = &schema_login_body, .response = &schema_login_token,
      .doc = DOC_RATE_LIMITED | DOC_CREDENTIALS),
    R("POST", "/api/v1/auth/logout", auth_logout, ACCESS_ANY, 0, "Log out", .ok = 204),
    R("GET", "/api/v1/users/me", users_me_get, ACCESS_ANY, 0, "Own profile",
      .response = &schema_user),
    R("PATCH", "/api/v1/users/me", users_me_patch, ACCESS_ANY, BODY, "Edit own profile",
      .body = &schema_me_patch_body, .response = &schema_user),
    R("GET", "/api/v1/users", users_list, ACCESS_AUTHOR, 0, "List users",
      .query = &schema_users_query, .response = &schema_user_page),
    R("GET", "/api/v1/users/{user_id}", users_get, ACCESS_AUTHOR, 0, "Get a user",
      .response = &schema_user),
    R("PATCH", "/api/v1/users/{user_id}", users_patch, ACCESS_ADMIN, BODY, "Edit a user",
      .body = &schema_user_patch_body, .response = &schema_user, CONFLICT),

    /* §5 modules */
    R("GET", "/api/v1/modules", modules_list, ACCESS_ANY, 0, "List modules",
      .query = &schema_modules_query, .response = &schema_module_page),
    R("POST", "/api/v1/modules", modules_create, ACCESS_AUTHOR, BODY | IDEM, "Create a module",
      .body = &schema_module_create_body, .ok = 201, .response = &schema_module),
    R("GET", MODULE, modules_get, ACCESS_ANY, WITH_MODULE, "Get a module",
      .response = &schema_module),
    R("PATCH", MODULE, modules_patch, ACCESS_AUTHOR, BODY, "Edit a draft module",
      .body = &schema_module_patch_body, .response = &schema_module, CONFLICT),
    R("DELETE", MODULE, modules_delete, ACCESS_AUTHOR, 0, "Delete a draft module", .ok = 204,
      CONFLICT),
    R("POST", MODULE "/publish", modules_publish, ACCESS_AUTHOR, 0, "Publish a module",
      .response = &schema_module, CONFLICT),
    R("POST", MODULE "/archive", modules_archive, ACCESS_AUTHOR, 0, "Archive a module",
      .response = &schema_module, CONFLICT),
    R("POST", MODULE "/copy", modules_copy, ACCESS_AUTHOR, OPTIONAL_BODY | IDEM, "Copy a module",
      .body = &schema_module_copy_body, .ok = 201, .response = &schema_module),
    /* §6 screens */
    R("GET", MODULE "/screens", screens_list, ACCESS_ANY, WITH_RECORD, "List screens",
      .response = &schema_screen_list),
    R("POST", MODULE "/screens", screens_create, ACCESS_AUTHOR, BODY | IDEM, "Add a screen",
      .body = &schema_screen_create_body, .ok = 201, .response = &schema_screen, CONFLICT),
    R("GET", SCREEN, screens_get, ACCESS_ANY, WITH_RECORD, "Get a screen",
      .response = &schema_screen),
    R("PATCH", SCREEN, screens_patch, ACCESS_AUTHOR, BODY, "Edit a screen",
      .body = &schema_screen_patch_body, .response = &schema_screen, CONFLICT),
    R("DELETE", SCREEN, screens_delete, ACCESS_AUTHOR, 0, "Delete a screen", .ok = 204, CONFLICT),
    R("PUT", MODULE "/screen-order", screens_order, ACCESS_AUTHOR, BODY, "Reorder screens",
      .body = &schema_screen_order_body, .response = &schema_screen_list, CONFLICT),
    /* §8 progress */
    R("GET", MODULE "/progress", progress_get, ACCESS_ANY, WITH_RECORD, "Own progress",
      .response = &schema_progress),
    R("PUT", MODULE "/progress", progress_put, ACCESS_ANY, BODY | WITH_RECORD, "Save progress",
      .body = &schema_progress_put_body, .response = &schema_progress,
      .conflict = &schema_version_conflict),
    R("POST", SCREEN "/answer", progress_answer, ACCESS_ANY, BODY | WITH_MODULE,
      "Answer a question", .body = &schema_answer_body, .response = &schema_answer_result,
      .conflict = &schema_answer_conflict),
    R("POST", MODULE "/progress/submit", progress_submit, ACCESS_ANY, BODY | WITH_MODULE,
      "Submit an assessment attempt", .body = &schema_version_body, .response = &schema_progress,
      .conflict = &schema_version_conflict),
    R("POST", MODULE "/progress/attempts", progress_attempts, ACCESS_ANY, BODY | WITH_MODULE,
      "Start the next attempt", .body = &schema_version_body, .response = &schema_progress,
      .conflict = &schema_version_conflict),
    R("GET", "/api/v1/users/me/progress", progress_dashboard, ACCESS_ANY, 0,
      "Own progress on every module", .query = &schema_dashboard_query,
      .response = &schema_dashboard_page),
    /* §9 feedback */
    R("POST", MODULE "/feedback", feedback_create, ACCESS_ANY, BODY | IDEM, "Leave feedback",
      .body = &schema_feedback_create_body, .ok = 201, .response = &schema_feedback, CONFLICT),
    R("GET", MODULE "/feedback", feedback_list, ACCESS_AUTHOR, 0, "List a module's feedback",
      .query = &schema_feedback_query, .response = &schema_feedback_page),
    R("GET", MODULE "/feedback/summary", feedback_summary, ACCESS_AUTHOR, 0,
      "Summarise a module's feedback", .response = &schema_feedback_summary),
    /* §10 check-ins (the literal /streak and /summary win over /{checkin_id}) */
    R("POST", CHECKINS, checkins_create, ACCESS_ANY, BODY | IDEM, "Check in for today",
      .body = &schema_checkin_create_body, .ok = 201, .response = &schema_checkin,
      .conflict = &schema_checkin_conflict),
    R("GET", CHECKINS, checkins_list, ACCESS_ANY, 0, "List own check-ins",
      .query = &schema_checkins_query, .response = &schema_checkin_page),
    R("GET", CHECKINS "/streak", checkins_streak, ACCESS_ANY, 0, "Own check-in streak",
      .response = &schema_streak),
    R("GET", CHECKINS "/summary", checkins_summary, ACCESS_AUTHOR, 0,
      "Check-ins of all users by day", .query = &schema_checkins_summary_query,
      .response = &schema_checkins_summary),
    R("GET", CHECKINS "/{checkin_id}", checkins_get, ACCESS_ANY, 0, "Get an own check-in",
      .response = &schema_checkin),
    R("PATCH", CHECKINS "/{checkin_id}", checkins_patch, ACCESS_ANY, BODY, "Edit today's check-in",
      .body = &schema_checkin_patch_body, .response = &schema_checkin, CONFLICT),
    /* §11 assignments */
    R("POST", "/api/v1/assignments", assignments_create, ACCESS_AUTHOR, BODY | IDEM,
      "Assign a module", .body = &schema_assignment_create_body, .ok = 201,
      .response = &schema_assignment, .conflict = &schema_assignment_conflict),
    R("GET", "/api/v1/assignments", assignments_list, ACCESS_AUTHOR, 0, "List assignments",
      .query = &schema_assignments_query, .response = &schema_assignment_page),
    R("GET", ASSIGNMENT, assignments_get, ACCESS_ANY, 0, "Get an assignment",
      .response = &schema_assignment),
    R("PATCH", ASSIGNMENT, assignments_patch, ACCESS_AUTHOR, BODY, "Change a due date",
      .body = &schema_assignment_patch_body, .response = &schema_assignment),
    R("DELETE", ASSIGNMENT, assignments_delete, ACCESS_AUTHOR, 0, "Delete an assignment",
      .ok = 204),
    R("GET", "/api/v1/users/me/assignments", assignments_mine, ACCESS_ANY, 0, "Own assignments",
      .query = &schema_my_assignments_query, .response = &schema_assignment_page),
    /* §12 notifications (/read-all and /{notification_id}/read differ in length, so neither
     * can take the other's path) */
    R("GET", NOTIFICATIONS, notifications_list, ACCESS_ANY, 0, "List notifications",
      .query = &schema_notifications_query, .response = &schema_notification_page),
    R("GET", NOTIFICATIONS "/unread-count", notifications_unread_count, ACCESS_ANY, 0,
      "Count unread notifications", .response = &schema_unread_count),
    R("POST", NOTIFICATIONS "/{notification_id}/read", notifications_read, ACCESS_ANY, 0,
      "Mark a notification read", .response = &schema_notification),
    R("POST", NOTIFICATIONS "/read-all", notifications_read_all, ACCESS_ANY, 0,
      "Mark all notifications read", .response = &schema_read_all),
    R("GET", NOTIFICATIONS "/stream", notifications_stream, ACCESS_ANY, ROUTE_QUERY_TOKEN,
      "Notification stream (Server-Sent Events)", .query = &schema_stream_query,
      .media = "text/event-stream", .doc = DOC_RATE_LIMITED),
    /* §13 analytics */
    R("GET", MODULE "/analytics", analytics_get, ACCESS_AUTHOR, WITH_MODULE, "Module analytics",
      .response = &schema_analytics),
    /* §14 ops */
    R("GET", "/healthz", ops_healthz, ACCESS_PUBLIC, ROUTE_NO_DB, "Liveness",
      .response = &schema_health),
    R("GET", "/readyz", ops_readyz, ACCESS_PUBLIC, 0, "Readiness", .response = &schema_readiness,
      .doc = DOC_NOT_READY),
    R("GET", "/metrics", ops_metrics, ACCESS_PUBLIC, ROUTE_NO_DB, "Prometheus metrics",
      .media = "text/plain; version=0.0.4; charset=utf-8", .doc = DOC_TOKEN_OPTIONAL),
    R("GET", "/openapi.json", ops_openapi, ACCESS_PUBLIC, ROUTE_NO_DB, "This OpenAPI document",
      .media = "application/json"),
    R("GET", "/docs", ops_docs, ACCESS_PUBLIC, ROUTE_NO_DB, "Interactive API documentation",
      .media = "text/html; charset=utf-8", .doc = DOC_NOT_MODIFIED),
};

const size_t routes_count = sizeof(routes_table) / sizeof(routes_table[0]);
