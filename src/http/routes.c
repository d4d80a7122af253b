/*
 * The route table (API.md §2). To add an endpoint: write its handler in src/api/<resource>.c,
 * declare it in src/api/<resource>.h, and add one line here.
 */
#include "http/routes.h"

#include "api/auth.h"
#include "api/ops.h"
#include "api/users.h"

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

    /* §14 ops */
    {"GET", "/healthz", api_ops_healthz, ACCESS_PUBLIC, 0, "Liveness"},
    {"GET", "/readyz", api_ops_readyz, ACCESS_PUBLIC, 0, "Readiness"},
};

const size_t routes_count = sizeof(routes_table) / sizeof(routes_table[0]);
