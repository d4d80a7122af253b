/*
 * The route table (API.md §2). To add an endpoint: write its handler in src/api/<resource>.c,
 * declare it in src/api/<resource>.h, and add one line here.
 */
#include "http/routes.h"

#include "api/analytics.h"
#include "api/assignments.h"
#include "api/auth.h"
#include "api/checkins.h"
#include "api/docs.h"
#include "api/docs.h"
#include "api/feedback.h"
#include "api/modules.h"
#include "api/notification_stream.h"
#include "api/notifications.h"
#include "api/ops.h"
#include "api/progress.h"
#include "api/screens.h"
#include "api/users.h"

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

const struct route routes_table[] = {
    /* §4 accounts */
    {"POST", "/api/v1/auth/register", api_auth_register, ACCESS_PUBLIC, ROUTE_BODY, "Register",
     api_auth_register_gate},
    {"POST", "/api/v1/auth/login", api_auth_login, ACCESS_PUBLIC, ROUTE_BODY, "Log in"},
    {"POST", "/api/v1/auth/logout", api_auth_logout, ACCESS_ANY, 0, "Log out"},
    {"GET", "/api/v1/users/me", api_users_me_get, ACCESS_ANY, 0, "Own profile"},
    {"PATCH", "/api/v1/users/me", api_users_me_patch, ACCESS_ANY, ROUTE_BODY, "Edit own profile"},
    {"GET", "/api/v1/users", api_users_list, ACCESS_AUTHOR, 0, "List users"},
    {"GET", "/api/v1/users/{user_id}", api_users_get, ACCESS_AUTHOR, 0, "Get a user"},
    {"PATCH", "/api/v1/users/{user_id}", api_users_patch, ACCESS_ADMIN, ROUTE_BODY, "Edit a user"},

    /* §5 modules */
    {"GET", "/api/v1/modules", api_modules_list, ACCESS_ANY, 0, "List modules"},
    {"POST", "/api/v1/modules", api_modules_create, ACCESS_AUTHOR, BODY | IDEM, "Create a module"},
    {"GET", MODULE, api_modules_get, ACCESS_ANY, WITH_MODULE, "Get a module"},
    {"PATCH", MODULE, api_modules_patch, ACCESS_AUTHOR, BODY, "Edit a draft module"},
    {"DELETE", MODULE, api_modules_delete, ACCESS_AUTHOR, 0, "Delete a draft module"},
    {"POST", MODULE "/publish", api_modules_publish, ACCESS_AUTHOR, 0, "Publish a module"},
    {"POST", MODULE "/archive", api_modules_archive, ACCESS_AUTHOR, 0, "Archive a module"},
    {"POST", MODULE "/copy", api_modules_copy, ACCESS_AUTHOR, OPTIONAL_BODY | IDEM,
     "Copy a module"},
    /* §6 screens */
    {"GET", MODULE "/screens", api_screens_list, ACCESS_ANY, WITH_RECORD, "List screens"},
    {"POST", MODULE "/screens", api_screens_create, ACCESS_AUTHOR, BODY | IDEM, "Add a screen"},
    {"GET", SCREEN, api_screens_get, ACCESS_ANY, WITH_RECORD, "Get a screen"},
    {"PATCH", SCREEN, api_screens_patch, ACCESS_AUTHOR, BODY, "Edit a screen"},
    {"DELETE", SCREEN, api_screens_delete, ACCESS_AUTHOR, 0, "Delete a screen"},
    {"PUT", MODULE "/screen-order", api_screens_order, ACCESS_AUTHOR, BODY, "Reorder screens"},
    /* §8 progress */
    {"GET", MODULE "/progress", api_progress_get, ACCESS_ANY, WITH_RECORD, "Own progress"},
    {"PUT", MODULE "/progress", api_progress_put, ACCESS_ANY, BODY | WITH_RECORD, "Save progress"},
    {"POST", SCREEN "/answer", api_progress_answer, ACCESS_ANY, BODY | WITH_MODULE,
     "Answer a question"},
    {"POST", MODULE "/progress/submit", api_progress_submit, ACCESS_ANY, BODY | WITH_MODULE,
     "Submit an assessment attempt"},
    {"POST", MODULE "/progress/attempts", api_progress_attempts, ACCESS_ANY, BODY | WITH_MODULE,
     "Start the next attempt"},
    {"GET", "/api/v1/users/me/progress", api_progress_dashboard, ACCESS_ANY, 0, "Own progress"},
    /* §9 feedback */
    {"POST", MODULE "/feedback", api_feedback_create, ACCESS_ANY, BODY | IDEM, "Leave feedback"},
    {"GET", MODULE "/feedback", api_feedback_list, ACCESS_AUTHOR, 0, "List a module's feedback"},
    {"GET", MODULE "/feedback/summary", api_feedback_summary, ACCESS_AUTHOR, 0,
     "Summarise a module's feedback"},
    /* §10 check-ins (the literal /streak and /summary win over /{checkin_id}) */
    {"POST", CHECKINS, api_checkins_create, ACCESS_ANY, BODY | IDEM, "Check in for today"},
    {"GET", CHECKINS, api_checkins_list, ACCESS_ANY, 0, "List own check-ins"},
    {"GET", CHECKINS "/streak", api_checkins_streak, ACCESS_ANY, 0, "Own check-in streak"},
    {"GET", CHECKINS "/summary", api_checkins_summary, ACCESS_AUTHOR, 0,
     "Check-ins of all users by day"},
    {"GET", CHECKINS "/{checkin_id}", api_checkins_get, ACCESS_ANY, 0, "Get an own check-in"},
    {"PATCH", CHECKINS "/{checkin_id}", api_checkins_patch, ACCESS_ANY, BODY,
     "Edit today's check-in"},
    /* §11 assignments */
    {"POST", "/api/v1/assignments", api_assignments_create, ACCESS_AUTHOR, BODY | IDEM,
     "Assign a module"},
    {"GET", "/api/v1/assignments", api_assignments_list, ACCESS_AUTHOR, 0, "List assignments"},
    {"GET", ASSIGNMENT, api_assignments_get, ACCESS_ANY, 0, "Get an assignment"},
    {"PATCH", ASSIGNMENT, api_assignments_patch, ACCESS_AUTHOR, BODY, "Change a due date"},
    {"DELETE", ASSIGNMENT, api_assignments_delete, ACCESS_AUTHOR, 0, "Delete an assignment"},
    {"GET", "/api/v1/users/me/assignments", api_assignments_mine, ACCESS_ANY, 0, "Own assignments"},
    /* §12 notifications (/read-all and /{notification_id}/read differ in length, so neither
     * can take the other's path) */
    {"GET", NOTIFICATIONS, api_notifications_list, ACCESS_ANY, 0, "List notifications"},
    {"GET", NOTIFICATIONS "/unread-count", api_notifications_unread_count, ACCESS_ANY, 0,
     "Count unread notifications"},
    {"POST", NOTIFICATIONS "/{notification_id}/read", api_notifications_read, ACCESS_ANY, 0,
     "Mark a notification read"},
    {"POST", NOTIFICATIONS "/read-all", api_notifications_read_all, ACCESS_ANY, 0,
     "Mark all notifications read"},
    {"GET", NOTIFICATIONS "/stream", api_notifications_stream, ACCESS_ANY, ROUTE_QUERY_TOKEN,
     "Notification stream (Server-Sent Events)"},
    /* §13 analytics */
    {"GET", MODULE "/analytics", api_analytics_get, ACCESS_AUTHOR, WITH_MODULE, "Module analytics"},
    /* §14 ops */
    {"GET", "/healthz", api_ops_healthz, ACCESS_PUBLIC, 0, "Liveness"},
    {"GET", "/readyz", api_ops_readyz, ACCESS_PUBLIC, 0, "Readiness"},
    {"GET", "/docs", api_docs_get, ACCESS_PUBLIC, 0, "Interactive API documentation"},
    {"GET", "/docs", api_docs_get, ACCESS_PUBLIC, 0, "Interactive API documentation"},
};

const size_t routes_count = sizeof(routes_table) / sizeof(routes_table[0]);
