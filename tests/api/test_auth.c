/* Registration, login, tokens and login rate limiting (API.md §4, §1.5, §1.11). */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "support/accounts.h"

static struct ts_server srv;

static void start(void)
{
    static const char *const env[] = {"LOGIN_RATE_LIMIT=1000", NULL};
    ts_server_start(&srv, env);
}

static void stop(void)
{
    cr_assert_eq(ts_server_stop(&srv), 0);
}

TestSuite(auth, .init = start, .fini = stop, .timeout = 120);

static void post(const char *path, const char *body, struct ts_resp *r)
{
    ts_as(&srv, NULL, "POST", path, body, r);
}

Test(auth, register_creates_an_active_learner)
{
    struct ts_resp r;
    post("/api/v1/auth/register",
         "{\"email\":\"  Ana.Lima@Example.COM \",\"password\":\"correct horse\","
         "\"display_name\":\"Ana\",\"timezone\":\"Europe/Berlin\",\"role\":\"admin\"}",
         &r);
    cr_assert_eq(r.status, 201, "%s", r.body);
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "email")), "ana.lima@example.com");
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "role")), "learner");
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "display_name")), "Ana");
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "timezone")), "Europe/Berlin");
    cr_assert(json_is_true(json_object_get(r.json, "active")));
    cr_assert_eq(strlen(json_string_value(json_object_get(r.json, "id"))), 36);
    const char *created = json_string_value(json_object_get(r.json, "created_at"));
    cr_assert_eq(strlen(created), 24);
    cr_assert_eq(created[23], 'Z');
    cr_assert_str_eq(created, json_string_value(json_object_get(r.json, "updated_at")));
    cr_assert_eq(json_object_size(r.json), 8, "no password or extra fields: %s", r.body);
    cr_assert_str_eq(ts_header(&r, "Cache-Control"), "no-store");
    ts_resp_free(&r);
}

Test(auth, register_defaults_timezone_to_utc_and_null_means_default)
{
    struct ts_resp r;
    post("/api/v1/auth/register",
         "{\"email\":\"tz@example.com\",\"password\":\"password123\",\"display_name\":\"T\","
         "\"timezone\":null}",
         &r);
    cr_assert_eq(r.status, 201, "%s", r.body);
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "timezone")), "UTC");
    ts_resp_free(&r);
}

Test(auth, register_same_email_in_other_case_is_409)
{
    struct ts_resp r;
    post("/api/v1/auth/register",
         "{\"email\":\"dup@example.com\",\"password\":\"password123\",\"display_name\":\"A\"}", &r);
    cr_assert_eq(r.status, 201);
    ts_resp_free(&r);
    post("/api/v1/auth/register",
         "{\"email\":\"DUP@example.com \",\"password\":\"password456\",\"display_name\":\"B\"}",
         &r);
    cr_assert_eq(r.status, 409);
    ts_assert_json(&r, "{\"detail\":\"Email already registered\"}");
    ts_resp_free(&r);
}

Test(auth, register_reports_every_field_error_at_once)
{
    struct ts_resp r;
    post("/api/v1/auth/register",
         "{\"email\":\"no-at-sign\",\"password\":\"short\",\"timezone\":\"Mars/Base\"}", &r);
    cr_assert_eq(r.status, 422, "%s", r.body);
    cr_assert(ts_has_error(&r, "[\"body\",\"email\"]", "value_error"), "%s", r.body);
    cr_assert(ts_has_error(&r, "[\"body\",\"password\"]", "string_too_short"), "%s", r.body);
    cr_assert(ts_has_error(&r, "[\"body\",\"display_name\"]", "missing"), "%s", r.body);
    cr_assert(ts_has_error(&r, "[\"body\",\"timezone\"]", "value_error"), "%s", r.body);
    cr_assert_eq(json_array_size(json_object_get(r.json, "detail")), 4);
    cr_assert_not_null(strstr(r.body, "Value error, invalid email address"));
    cr_assert_not_null(strstr(r.body, "Value error, unknown timezone"));
    cr_assert_not_null(strstr(r.body, "String should have at least 8 characters"));
    ts_resp_free(&r);
}

Test(auth, register_rejects_wrong_types_and_bad_emails)
{
    const char *cases[][3] = {
        {"{\"email\":5,\"password\":\"password123\",\"display_name\":\"A\"}",
         "[\"body\",\"email\"]", "string_type"},
        {"{\"email\":\"a@b.co\",\"password\":12345678,\"display_name\":\"A\"}",
         "[\"body\",\"password\"]", "string_type"},
        {"{\"email\":\"a@b.co\",\"password\":\"password123\",\"display_name\":\"\"}",
         "[\"body\",\"display_name\"]", "string_too_short"},
        {"{\"email\":\"a b@c.de\",\"password\":\"password123\",\"display_name\":\"A\"}",
         "[\"body\",\"email\"]", "value_error"},
        {"{\"email\":\"ab@cde\",\"password\":\"password123\",\"display_name\":\"A\"}",
         "[\"body\",\"email\"]", "value_error"},
        {"{\"email\":\"@c.de\",\"password\":\"password123\",\"display_name\":\"A\"}",
         "[\"body\",\"email\"]", "value_error"},
        {"{\"email\":null,\"password\":\"password123\",\"display_name\":\"A\"}",
         "[\"body\",\"email\"]", "string_type"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct ts_resp r;
        post("/api/v1/auth/register", cases[i][0], &r);
        cr_assert_eq(r.status, 422, "case %zu: %s", i, r.body);
        cr_assert(ts_has_error(&r, cases[i][1], cases[i][2]), "case %zu: %s", i, r.body);
        ts_resp_free(&r);
    }
}

Test(auth, register_body_rules_of_the_pipeline)
{
    struct ts_resp r;
    ts_http(&srv, "POST", "/api/v1/auth/register", NULL, "{}", &r);
    cr_assert_eq(r.status, 415);
    ts_resp_free(&r);
    post("/api/v1/auth/register", "{\"email\":", &r);
    cr_assert_eq(r.status, 400);
    ts_assert_json(&r, "{\"detail\":\"Malformed JSON\"}");
    ts_resp_free(&r);
    post("/api/v1/auth/register", "", &r);
    cr_assert_eq(r.status, 422);
    ts_assert_json(&r, "{\"detail\":[{\"loc\":[\"body\"],\"msg\":\"Field required\","
                       "\"type\":\"missing\"}]}");
    ts_resp_free(&r);
    post("/api/v1/auth/register", "[]", &r);
    cr_assert_eq(r.status, 422);
    cr_assert(ts_has_error(&r, "[\"body\"]", "model_attributes_type"));
    ts_resp_free(&r);
}

Test(auth, body_over_max_is_413_over_http)
{
    char *big = malloc(1100000);
    memset(big, ' ', 1099999);
    big[0] = '{';
    big[1099998] = '}';
    big[1099999] = '\0';
    struct ts_resp r;
    post("/api/v1/auth/register", big, &r);
    cr_assert_eq(r.status, 413);
    ts_assert_json(&r, "{\"detail\":\"Request Entity Too Large\"}");
    ts_resp_free(&r);
    free(big);
}

Test(auth, login_returns_a_bearer_token_and_the_user)
{
    struct ts_user u;
    struct ts_resp r;
    ts_learner(&srv, &u);
    char body[256];
    snprintf(body, sizeof(body), "{\"email\":\"%s\",\"password\":\"password123\"}", u.email);
    post("/api/v1/auth/login", body, &r);
    cr_assert_eq(r.status, 200, "%s", r.body);
    const char *token = json_string_value(json_object_get(r.json, "access_token"));
    cr_assert(strncmp(token, "tsk_", 4) == 0 && strlen(token) >= 47, "%s", token);
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "token_type")), "bearer");
    cr_assert_eq(json_integer_value(json_object_get(r.json, "expires_in")), 86400);
    cr_assert_eq(strlen(json_string_value(json_object_get(r.json, "expires_at"))), 24);
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(r.json, "user"), "id")),
                     u.id);
    ts_resp_free(&r);
}

Test(auth, login_email_is_case_insensitive)
{
    struct ts_user u;
    ts_learner(&srv, &u);
    char upper[128];
    snprintf(upper, sizeof(upper), "%s", u.email);
    for (char *p = upper; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 32);
    cr_assert_eq(ts_login(&srv, upper, "password123", NULL), 200);
}

static void assert_bad_login(const char *email, const char *password)
{
    char body[256];
    struct ts_resp r;
    snprintf(body, sizeof(body), "{\"email\":\"%s\",\"password\":\"%s\"}", email, password);
    post("/api/v1/auth/login", body, &r);
    cr_assert_eq(r.status, 401, "%s", r.body);
    ts_assert_json(&r, "{\"detail\":\"Incorrect email or password\"}");
    cr_assert_str_eq(ts_header(&r, "WWW-Authenticate"), "Bearer");
    ts_resp_free(&r);
}

Test(auth, login_failures_share_one_message)
{
    struct ts_user u, admin;
    ts_learner(&srv, &u);
    assert_bad_login(u.email, "wrong-password");
    assert_bad_login("nobody@example.com", "password123");
    ts_admin(&srv, &admin);
    char path[128];
    struct ts_resp r;
    snprintf(path, sizeof(path), "/api/v1/users/%s", u.id);
    ts_as(&srv, &admin, "PATCH", path, "{\"active\":false}", &r);
    cr_assert_eq(r.status, 200);
    ts_resp_free(&r);
    assert_bad_login(u.email, "password123");
}

Test(auth, login_validates_its_body)
{
    struct ts_resp r;
    post("/api/v1/auth/login", "{\"email\":\"\",\"password\":7}", &r);
    cr_assert_eq(r.status, 422);
    cr_assert(ts_has_error(&r, "[\"body\",\"email\"]", "string_too_short"));
    cr_assert(ts_has_error(&r, "[\"body\",\"password\"]", "string_type"));
    ts_resp_free(&r);
}

Test(auth, missing_and_invalid_tokens_are_401_with_their_messages)
{
    static const char *const bad[] = {"Authorization: Bearer tsk_not-a-real-token", NULL};
    static const char *const basic[] = {"Authorization: Basic dXNlcjpwYXNz", NULL};
    struct ts_resp r;
    ts_http(&srv, "GET", "/api/v1/users/me", NULL, NULL, &r);
    cr_assert_eq(r.status, 401);
    ts_assert_json(&r, "{\"detail\":\"Not authenticated\"}");
    cr_assert_str_eq(ts_header(&r, "WWW-Authenticate"), "Bearer");
    ts_resp_free(&r);
    ts_http(&srv, "GET", "/api/v1/users/me", basic, NULL, &r);
    cr_assert_eq(r.status, 401);
    ts_assert_json(&r, "{\"detail\":\"Not authenticated\"}");
    ts_resp_free(&r);
    ts_http(&srv, "GET", "/api/v1/users/me", bad, NULL, &r);
    cr_assert_eq(r.status, 401);
    ts_assert_json(&r, "{\"detail\":\"Could not validate credentials\"}");
    cr_assert_str_eq(ts_header(&r, "WWW-Authenticate"), "Bearer");
    ts_resp_free(&r);
}

Test(auth, bearer_scheme_is_case_insensitive)
{
    struct ts_user u;
    ts_learner(&srv, &u);
    char h[200];
    snprintf(h, sizeof(h), "authorization: bEaReR %s", u.token);
    const char *const hs[] = {h, NULL};
    struct ts_resp r;
    ts_http(&srv, "GET", "/api/v1/users/me", hs, NULL, &r);
    cr_assert_eq(r.status, 200);
    ts_resp_free(&r);
}

Test(auth, logout_revokes_only_that_token)
{
    struct ts_user u, second;
    struct ts_resp r;
    ts_learner(&srv, &u);
    second = u;
    cr_assert_eq(ts_login(&srv, u.email, "password123", second.token), 200);
    snprintf(second.auth, sizeof(second.auth), "Authorization: Bearer %s", second.token);
    ts_as(&srv, &u, "POST", "/api/v1/auth/logout", NULL, &r);
    cr_assert_eq(r.status, 204);
    cr_assert_str_eq(r.body, "");
    ts_resp_free(&r);
    ts_as(&srv, &u, "GET", "/api/v1/users/me", NULL, &r);
    cr_assert_eq(r.status, 401);
    ts_assert_json(&r, "{\"detail\":\"Could not validate credentials\"}");
    ts_resp_free(&r);
    ts_as(&srv, &second, "GET", "/api/v1/users/me", NULL, &r);
    cr_assert_eq(r.status, 200, "the other token stays valid");
    ts_resp_free(&r);
    ts_as(&srv, &u, "POST", "/api/v1/auth/logout", NULL, &r);
    cr_assert_eq(r.status, 401, "a revoked token cannot log out again");
    ts_resp_free(&r);
}

Test(auth, expired_token_is_401)
{
    struct ts_user u;
    struct ts_resp r;
    ts_learner(&srv, &u);
    char sql[256];
    snprintf(sql, sizeof(sql), "UPDATE tokens SET expires_at = 1 WHERE user_id = '%s'", u.id);
    ts_sql(&srv, sql);
    ts_as(&srv, &u, "GET", "/api/v1/users/me", NULL, &r);
    cr_assert_eq(r.status, 401);
    ts_assert_json(&r, "{\"detail\":\"Could not validate credentials\"}");
    ts_resp_free(&r);
}

Test(auth, tokens_and_passwords_never_reach_the_log)
{
    struct ts_user u;
    struct ts_resp r;
    ts_learner(&srv, &u);
    ts_as(&srv, &u, "GET", "/api/v1/users/me", NULL, &r);
    ts_resp_free(&r);
    usleep(100 * 1000);
    char *log = ts_server_log(&srv);
    cr_assert_null(strstr(log, u.token), "token logged");
    cr_assert_null(strstr(log, "password123"), "password logged");
    cr_assert_null(strstr(log, "Bearer"), "authorization header logged");
    char needle[80];
    snprintf(needle, sizeof(needle), "\"user_id\":\"%s\"", u.id);
    cr_assert_not_null(strstr(log, needle), "access log carries user_id");
    free(log);
}

struct race {
    const struct ts_server *s;
    long status;
};

static void *register_same(void *arg)
{
    struct race *x = arg;
    struct ts_resp r;
    ts_as(x->s, NULL, "POST", "/api/v1/auth/register",
          "{\"email\":\"race@example.com\",\"password\":\"password123\",\"display_name\":\"R\"}",
          &r);
    x->status = r.status;
    ts_resp_free(&r);
    return NULL;
}

Test(auth, concurrent_registrations_of_one_email_yield_one_201)
{
    pthread_t t[6];
    struct race x[6];
    int created = 0, conflict = 0;
    for (int i = 0; i < 6; i++) {
        x[i].s = &srv;
        pthread_create(&t[i], NULL, register_same, &x[i]);
    }
    for (int i = 0; i < 6; i++) {
        pthread_join(t[i], NULL);
        created += x[i].status == 201;
        conflict += x[i].status == 409;
    }
    cr_assert_eq(created, 1);
    cr_assert_eq(conflict, 5);
}

Test(auth_disabled, registration_disabled_is_403_before_the_body, .timeout = 60)
{
    static const char *const env[] = {"ALLOW_REGISTRATION=false", NULL};
    struct ts_server s;
    struct ts_resp r;
    ts_server_start(&s, env);
    ts_as(&s, NULL, "POST", "/api/v1/auth/register", "{not json", &r);
    cr_assert_eq(r.status, 403);
    ts_assert_json(&r, "{\"detail\":\"Registration is disabled\"}");
    ts_resp_free(&r);
    cr_assert_eq(ts_server_stop(&s), 0);
}

/* --- rate limiting (§1.11) ----------------------------------------------------------------- */

static long login_as(const struct ts_server *s, const char *email, const char *password,
                     const char *forwarded, struct ts_resp *r)
{
    char body[256], xff[96];
    snprintf(body, sizeof(body), "{\"email\":\"%s\",\"password\":\"%s\"}", email, password);
    snprintf(xff, sizeof(xff), "X-Forwarded-For: %s", forwarded ? forwarded : "");
    const char *const h[] = {"Content-Type: application/json", forwarded ? xff : NULL, NULL};
    ts_http(s, "POST", "/api/v1/auth/login", h, body, r);
    return r->status;
}

Test(ratelimit, failures_per_ip_lock_out_even_correct_logins, .timeout = 120)
{
    static const char *const env[] = {"LOGIN_RATE_LIMIT=3", "LOGIN_RATE_WINDOW_SECONDS=60", NULL};
    struct ts_server s;
    struct ts_user u;
    struct ts_resp r;
    ts_server_start(&s, env);
    ts_learner(&s, &u);
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(login_as(&s, "someone@example.com", "wrong-pass", NULL, &r), 401);
        ts_resp_free(&r);
    }
    cr_assert_eq(login_as(&s, u.email, "password123", NULL, &r), 429, "%s", r.body);
    ts_assert_json(&r, "{\"detail\":\"Too Many Requests\"}");
    int retry = atoi(ts_header(&r, "Retry-After"));
    cr_assert(retry >= 1 && retry <= 60, "Retry-After %d", retry);
    ts_resp_free(&r);
    cr_assert_eq(ts_server_stop(&s), 0);
}

Test(ratelimit, failures_per_email_count_across_addresses_behind_a_proxy, .timeout = 120)
{
    static const char *const env[] = {"LOGIN_RATE_LIMIT=3", "TRUST_PROXY_HEADERS=true", NULL};
    struct ts_server s;
    struct ts_user u;
    struct ts_resp r;
    ts_server_start(&s, env);
    ts_learner(&s, &u);
    const char *ips[] = {"203.0.113.1", "203.0.113.2", "203.0.113.3"};
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(login_as(&s, u.email, "wrong-pass", ips[i], &r), 401);
        ts_resp_free(&r);
    }
    cr_assert_eq(login_as(&s, u.email, "password123", "203.0.113.9, 10.0.0.1", &r), 429);
    cr_assert_not_null(ts_header(&r, "Retry-After"));
    ts_resp_free(&r);
    /* Another email from a fresh address is not limited: counts are per IP and per email. */
    struct ts_user other;
    ts_learner(&s, &other);
    cr_assert_eq(login_as(&s, other.email, "password123", "203.0.113.10", &r), 200);
    ts_resp_free(&r);
    cr_assert_eq(ts_server_stop(&s), 0);
}

Test(ratelimit, forwarded_header_is_ignored_unless_trusted, .timeout = 120)
{
    static const char *const env[] = {"LOGIN_RATE_LIMIT=2", NULL};
    struct ts_server s;
    struct ts_resp r;
    ts_server_start(&s, env);
    cr_assert_eq(login_as(&s, "a@example.com", "wrong-pass", "198.51.100.1", &r), 401);
    ts_resp_free(&r);
    cr_assert_eq(login_as(&s, "b@example.com", "wrong-pass", "198.51.100.2", &r), 401);
    ts_resp_free(&r);
    /* Both failures came from the socket peer 127.0.0.1, whatever the header said. */
    cr_assert_eq(login_as(&s, "c@example.com", "wrong-pass", "198.51.100.3", &r), 429);
    ts_resp_free(&r);
    cr_assert_eq(ts_server_stop(&s), 0);
}
