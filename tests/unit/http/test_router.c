/* Router rules of API.md §1.1. */
#include <criterion/criterion.h>
#include <string.h>

#include "http/router.h"

static int h(struct http_req *r)
{
    (void)r;
    return 0;
}

static const struct route table[] = {
    {"GET", "/api/v1/checkins", h, ACCESS_ANY, 0, ""},
    {"POST", "/api/v1/checkins", h, ACCESS_ANY, ROUTE_BODY, ""},
    {"GET", "/api/v1/checkins/streak", h, ACCESS_ANY, 0, ""},
    {"PATCH", "/api/v1/checkins/{checkin_id}", h, ACCESS_ANY, ROUTE_BODY, ""},
    {"GET", "/api/v1/checkins/{checkin_id}", h, ACCESS_ANY, 0, ""},
    {"DELETE", "/api/v1/modules/{module_id}/screens/{screen_id}", h, ACCESS_AUTHOR, 0, ""},
    {"GET", "/api/v1/modules/{module_id}/screens/{screen_id}", h, ACCESS_ANY, 0, ""},
    {"PUT", "/api/v1/modules/{module_id}/screen-order", h, ACCESS_AUTHOR, ROUTE_BODY, ""},
    {"GET", "/healthz", h, ACCESS_PUBLIC, 0, ""},
};

static struct router rt;

static void setup(void)
{
    cr_assert_eq(router_init(&rt, table, sizeof(table) / sizeof(table[0])), 0);
}

static void teardown(void)
{
    router_free(&rt);
}

TestSuite(router, .init = setup, .fini = teardown);

Test(router, exact_literal_path_matches)
{
    struct router_match m;
    cr_assert_eq(router_match(&rt, "GET", "/healthz", &m), ROUTER_FOUND);
    cr_assert_eq(m.route, &table[8]);
    cr_assert_eq(m.nparams, 0);
}

Test(router, trailing_slash_and_empty_segments_do_not_match)
{
    struct router_match m;
    cr_assert_eq(router_match(&rt, "GET", "/healthz/", &m), ROUTER_NOT_FOUND);
    cr_assert_eq(router_match(&rt, "GET", "//healthz", &m), ROUTER_NOT_FOUND);
    cr_assert_eq(router_match(&rt, "GET", "/api/v1//checkins", &m), ROUTER_NOT_FOUND);
    cr_assert_eq(router_match(&rt, "GET", "/api/v1/checkins/", &m), ROUTER_NOT_FOUND);
    cr_assert_eq(router_match(&rt, "GET", "", &m), ROUTER_NOT_FOUND);
    cr_assert_eq(router_match(&rt, "GET", "/", &m), ROUTER_NOT_FOUND);
}

Test(router, matching_is_case_sensitive)
{
    struct router_match m;
    cr_assert_eq(router_match(&rt, "GET", "/HealthZ", &m), ROUTER_NOT_FOUND);
    cr_assert_eq(router_match(&rt, "get", "/healthz", &m), ROUTER_METHOD_NOT_ALLOWED);
}

Test(router, parameters_are_captured)
{
    struct router_match m;
    cr_assert_eq(router_match(&rt, "GET", "/api/v1/modules/abc/screens/def", &m), ROUTER_FOUND);
    cr_assert_eq(m.route, &table[6]);
    cr_assert_eq(m.nparams, 2);
    cr_assert_eq(m.params[0].name_len, strlen("module_id"));
    cr_assert(strncmp(m.params[0].name, "module_id", m.params[0].name_len) == 0);
    cr_assert(strncmp(m.params[0].value, "abc", m.params[0].value_len) == 0);
    cr_assert(strncmp(m.params[1].name, "screen_id", m.params[1].name_len) == 0);
    cr_assert(strncmp(m.params[1].value, "def", m.params[1].value_len) == 0);
}

Test(router, literal_segment_wins_over_parameter)
{
    struct router_match m;
    cr_assert_eq(router_match(&rt, "GET", "/api/v1/checkins/streak", &m), ROUTER_FOUND);
    cr_assert_eq(m.route, &table[2]);
    cr_assert_eq(router_match(&rt, "GET", "/api/v1/checkins/k1", &m), ROUTER_FOUND);
    cr_assert_eq(m.route, &table[4]);
}

Test(router, literal_route_resolves_only_to_itself)
{
    struct router_match m;
    /* PATCH exists for {checkin_id} but "streak" is the literal route: 405. */
    cr_assert_eq(router_match(&rt, "PATCH", "/api/v1/checkins/streak", &m),
                 ROUTER_METHOD_NOT_ALLOWED);
    cr_assert_str_eq(m.allow, "GET");
}

Test(router, allow_lists_methods_in_canonical_order)
{
    struct router_match m;
    cr_assert_eq(router_match(&rt, "DELETE", "/api/v1/checkins/k1", &m), ROUTER_METHOD_NOT_ALLOWED);
    cr_assert_str_eq(m.allow, "GET, PATCH");
    cr_assert_eq(router_match(&rt, "PUT", "/api/v1/checkins", &m), ROUTER_METHOD_NOT_ALLOWED);
    cr_assert_str_eq(m.allow, "GET, POST");
    cr_assert_eq(router_match(&rt, "POST", "/api/v1/modules/m/screens/s", &m),
                 ROUTER_METHOD_NOT_ALLOWED);
    cr_assert_str_eq(m.allow, "GET, DELETE");
}

Test(router, head_and_options_are_not_routes)
{
    struct router_match m;
    cr_assert_eq(router_match(&rt, "HEAD", "/healthz", &m), ROUTER_METHOD_NOT_ALLOWED);
    cr_assert_eq(router_match(&rt, "OPTIONS", "/healthz", &m), ROUTER_METHOD_NOT_ALLOWED);
}

Test(router, hyphenated_literal_is_not_a_parameter_match)
{
    struct router_match m;
    cr_assert_eq(router_match(&rt, "PUT", "/api/v1/modules/m1/screen-order", &m), ROUTER_FOUND);
    cr_assert_eq(m.route, &table[7]);
    cr_assert_eq(router_match(&rt, "PUT", "/api/v1/modules/m1/screen-orders", &m),
                 ROUTER_NOT_FOUND);
}

Test(router, malformed_patterns_are_rejected)
{
    static const struct route bad[] = {{"GET", "/a//b", h, ACCESS_PUBLIC, 0, ""}};
    static const struct route bad2[] = {{"GET", "noslash", h, ACCESS_PUBLIC, 0, ""}};
    struct router r2;
    cr_assert_eq(router_init(&r2, bad, 1), -1);
    cr_assert_eq(router_init(&r2, bad2, 1), -1);
}
