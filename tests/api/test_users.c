/* Profiles and user administration (API.md §4), roles and the 403/404 policy (§1.5). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "support/accounts.h"

static struct ts_server srv;
static struct ts_user admin;

static void start(void)
{
    ts_server_start(&srv, NULL);
    ts_admin(&srv, &admin);
}

static void stop(void)
{
    cr_assert_eq(ts_server_stop(&srv), 0);
}

TestSuite(users, .init = start, .fini = stop, .timeout = 120);

static const char *str(const struct ts_resp *r, const char *key)
{
    return json_string_value(json_object_get(r->json, key));
}

Test(users, me_returns_the_caller)
{
    struct ts_user u;
    struct ts_resp r;
    ts_learner(&srv, &u);
    ts_as(&srv, &u, "GET", "/api/v1/users/me", NULL, &r);
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(str(&r, "id"), u.id);
    cr_assert_str_eq(str(&r, "email"), u.email);
    ts_resp_free(&r);
}

Test(users, me_patch_changes_name_and_timezone_only)
{
    struct ts_user u;
    struct ts_resp r;
    ts_learner(&srv, &u);
    ts_as(&srv, &u, "PATCH", "/api/v1/users/me",
          "{\"display_name\":\"Zoë\",\"timezone\":\"Asia/Tokyo\",\"role\":\"admin\","
          "\"email\":\"x@y.z\",\"active\":false}",
          &r);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(str(&r, "display_name"), "Zoë");
    cr_assert_str_eq(str(&r, "timezone"), "Asia/Tokyo");
    cr_assert_str_eq(str(&r, "role"), "learner");
    cr_assert_str_eq(str(&r, "email"), u.email);
    cr_assert(json_is_true(json_object_get(r.json, "active")));
    ts_resp_free(&r);
    ts_as(&srv, &u, "GET", "/api/v1/users/me", NULL, &r);
    cr_assert_str_eq(str(&r, "display_name"), "Zoë", "stored");
    ts_resp_free(&r);
}

Test(users, me_patch_empty_object_changes_nothing)
{
    struct ts_user u;
    struct ts_resp before, after;
    ts_learner(&srv, &u);
    ts_as(&srv, &u, "GET", "/api/v1/users/me", NULL, &before);
    ts_as(&srv, &u, "PATCH", "/api/v1/users/me", "{}", &after);
    cr_assert_eq(after.status, 200);
    cr_assert(json_equal(before.json, after.json), "%s vs %s", before.body, after.body);
    ts_resp_free(&before);
    ts_resp_free(&after);
}

Test(users, me_patch_validates)
{
    struct ts_user u;
    struct ts_resp r;
    ts_learner(&srv, &u);
    ts_as(&srv, &u, "PATCH", "/api/v1/users/me",
          "{\"display_name\":null,\"timezone\":\"Nowhere/City\"}", &r);
    cr_assert_eq(r.status, 422);
    cr_assert(ts_has_error(&r, "[\"body\",\"display_name\"]", "string_type"), "%s", r.body);
    cr_assert(ts_has_error(&r, "[\"body\",\"timezone\"]", "value_error"), "%s", r.body);
    ts_resp_free(&r);
    char *long_name = malloc(120);
    memset(long_name, 'n', 101);
    long_name[101] = '\0';
    char body[200];
    snprintf(body, sizeof(body), "{\"display_name\":\"%s\"}", long_name);
    ts_as(&srv, &u, "PATCH", "/api/v1/users/me", body, &r);
    cr_assert_eq(r.status, 422);
    cr_assert(ts_has_error(&r, "[\"body\",\"display_name\"]", "string_too_long"));
    ts_resp_free(&r);
    free(long_name);
}

Test(users, learners_cannot_list_read_or_edit_other_users)
{
    struct ts_user a, b;
    struct ts_resp r;
    char path[128];
    ts_learner(&srv, &a);
    ts_learner(&srv, &b);
    snprintf(path, sizeof(path), "/api/v1/users/%s", b.id);
    ts_as(&srv, &a, "GET", "/api/v1/users", NULL, &r);
    cr_assert_eq(r.status, 403);
    ts_assert_json(&r, "{\"detail\":\"Forbidden\"}");
    ts_resp_free(&r);
    ts_as(&srv, &a, "GET", path, NULL, &r);
    cr_assert_eq(r.status, 403);
    ts_resp_free(&r);
    ts_as(&srv, &a, "PATCH", path, "{\"display_name\":\"pwned\"}", &r);
    cr_assert_eq(r.status, 403);
    ts_resp_free(&r);
    ts_as(&srv, &b, "GET", "/api/v1/users/me", NULL, &r);
    cr_assert_str_eq(str(&r, "display_name"), "User", "b is unchanged");
    ts_resp_free(&r);
}

Test(users, authors_read_but_do_not_edit_users)
{
    struct ts_user author, learner;
    struct ts_resp r;
    char path[128];
    ts_user_with_role(&srv, &admin, "author", &author);
    ts_learner(&srv, &learner);
    snprintf(path, sizeof(path), "/api/v1/users/%s", learner.id);
    ts_as(&srv, &author, "GET", path, NULL, &r);
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(str(&r, "email"), learner.email);
    ts_resp_free(&r);
    ts_as(&srv, &author, "PATCH", path, "{\"role\":\"admin\"}", &r);
    cr_assert_eq(r.status, 403);
    ts_resp_free(&r);
}

Test(users, get_unknown_is_404_and_malformed_id_is_422)
{
    struct ts_resp r;
    ts_as(&srv, &admin, "GET", "/api/v1/users/00000000-0000-4000-8000-000000000000", NULL, &r);
    cr_assert_eq(r.status, 404);
    ts_assert_json(&r, "{\"detail\":\"Not Found\"}");
    ts_resp_free(&r);
    ts_as(&srv, &admin, "GET", "/api/v1/users/not-a-uuid", NULL, &r);
    cr_assert_eq(r.status, 422);
    cr_assert(ts_has_error(&r, "[\"path\",\"user_id\"]", "uuid_parsing"), "%s", r.body);
    ts_resp_free(&r);
    ts_as(&srv, &admin, "PATCH", "/api/v1/users/00000000-0000-4000-8000-000000000000",
          "{\"role\":\"author\"}", &r);
    cr_assert_eq(r.status, 404);
    ts_resp_free(&r);
}

Test(users, uppercase_uuid_in_path_is_accepted)
{
    struct ts_user u;
    struct ts_resp r;
    char path[128];
    ts_learner(&srv, &u);
    snprintf(path, sizeof(path), "/api/v1/users/%s", u.id);
    for (char *p = path + 14; *p; p++)
        if (*p >= 'a' && *p <= 'f')
            *p = (char)(*p - 32);
    ts_as(&srv, &admin, "GET", path, NULL, &r);
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(str(&r, "id"), u.id, "output is lowercase");
    ts_resp_free(&r);
}

Test(users, admin_changes_role_name_and_timezone)
{
    struct ts_user u;
    struct ts_resp r;
    char path[128];
    ts_learner(&srv, &u);
    snprintf(path, sizeof(path), "/api/v1/users/%s", u.id);
    ts_as(&srv, &admin, "PATCH", path,
          "{\"role\":\"author\",\"display_name\":\"Author\",\"timezone\":\"America/Sao_Paulo\"}",
          &r);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(str(&r, "role"), "author");
    cr_assert_str_eq(str(&r, "display_name"), "Author");
    cr_assert_str_eq(str(&r, "timezone"), "America/Sao_Paulo");
    ts_resp_free(&r);
    ts_as(&srv, &u, "GET", "/api/v1/users", NULL, &r);
    cr_assert_eq(r.status, 200, "the new role applies to the existing token");
    ts_resp_free(&r);
    ts_as(&srv, &admin, "PATCH", path, "{\"role\":\"boss\",\"active\":\"no\"}", &r);
    cr_assert_eq(r.status, 422);
    cr_assert(ts_has_error(&r, "[\"body\",\"role\"]", "enum"));
    cr_assert(ts_has_error(&r, "[\"body\",\"active\"]", "bool_type"));
    cr_assert_not_null(strstr(r.body, "Input should be 'learner', 'author' or 'admin'"));
    ts_resp_free(&r);
}

Test(users, deactivation_revokes_every_token)
{
    struct ts_user u;
    struct ts_resp r;
    char path[128], second[128];
    ts_learner(&srv, &u);
    cr_assert_eq(ts_login(&srv, u.email, "password123", second), 200);
    snprintf(path, sizeof(path), "/api/v1/users/%s", u.id);
    ts_as(&srv, &admin, "PATCH", path, "{\"active\":false}", &r);
    cr_assert_eq(r.status, 200);
    cr_assert(json_is_false(json_object_get(r.json, "active")));
    ts_resp_free(&r);
    ts_as(&srv, &u, "GET", "/api/v1/users/me", NULL, &r);
    cr_assert_eq(r.status, 401);
    ts_assert_json(&r, "{\"detail\":\"Could not validate credentials\"}");
    ts_resp_free(&r);
    cr_assert_eq(ts_login(&srv, u.email, "password123", NULL), 401);
    ts_as(&srv, &admin, "PATCH", path, "{\"active\":true}", &r);
    cr_assert_eq(r.status, 200);
    ts_resp_free(&r);
    cr_assert_eq(ts_login(&srv, u.email, "password123", NULL), 200, "reactivated");
    struct ts_user old = u;
    snprintf(old.auth, sizeof(old.auth), "Authorization: Bearer %s", second);
    ts_as(&srv, &old, "GET", "/api/v1/users/me", NULL, &r);
    cr_assert_eq(r.status, 401, "tokens revoked by deactivation stay revoked");
    ts_resp_free(&r);
}

Test(users, admin_cannot_change_own_role_or_active)
{
    struct ts_resp r;
    char path[128];
    snprintf(path, sizeof(path), "/api/v1/users/%s", admin.id);
    const char *bodies[] = {"{\"role\":\"admin\"}", "{\"active\":true}", "{\"role\":\"learner\"}",
                            "{\"active\":false,\"display_name\":\"X\"}"};
    for (int i = 0; i < 4; i++) {
        ts_as(&srv, &admin, "PATCH", path, bodies[i], &r);
        cr_assert_eq(r.status, 409, "%s: %s", bodies[i], r.body);
        ts_assert_json(&r, "{\"detail\":\"Admins cannot change their own role or active status\"}");
        ts_resp_free(&r);
    }
    ts_as(&srv, &admin, "PATCH", path, "{\"display_name\":\"Chief\"}", &r);
    cr_assert_eq(r.status, 200, "other fields of oneself are fine");
    ts_resp_free(&r);
    ts_as(&srv, &admin, "GET", "/api/v1/users/me", NULL, &r);
    cr_assert_str_eq(str(&r, "role"), "admin");
    cr_assert_str_eq(str(&r, "display_name"), "Chief");
    ts_resp_free(&r);
}

/* Collects ids by following next_cursor from `first`; returns the count. */
static int walk(const char *first, char ids[][STR_UUID_SIZE], int max, int *pages)
{
    char path[1024];
    int n = 0;
    snprintf(path, sizeof(path), "%s", first);
    *pages = 0;
    for (;;) {
        struct ts_resp r;
        ts_as(&srv, &admin, "GET", path, NULL, &r);
        cr_assert_eq(r.status, 200, "%s: %s", path, r.body);
        (*pages)++;
        size_t i;
        json_t *item;
        json_array_foreach(json_object_get(r.json, "items"), i, item)
        {
            cr_assert_lt(n, max);
            snprintf(ids[n++], 37, "%s", json_string_value(json_object_get(item, "id")));
        }
        json_t *next = json_object_get(r.json, "next_cursor");
        if (json_is_null(next)) {
            ts_resp_free(&r);
            return n;
        }
        const char *q = strchr(first, '?') ? "&" : "?";
        snprintf(path, sizeof(path), "%s%scursor=%s", first, q, json_string_value(next));
        ts_resp_free(&r);
    }
}

Test(users, list_follows_cursors_without_gaps_or_repeats)
{
    struct ts_user u[7];
    for (int i = 0; i < 7; i++)
        ts_learner(&srv, &u[i]);
    char ids[16][STR_UUID_SIZE];
    int pages = 0;
    int n = walk("/api/v1/users?limit=3", ids, 16, &pages);
    cr_assert_eq(n, 8, "7 learners and the admin");
    cr_assert_eq(pages, 3);
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            cr_assert_str_neq(ids[i], ids[j]);
    /* The pages follow the order of one big page: created_at desc, ties by id desc. */
    struct ts_resp all;
    ts_as(&srv, &admin, "GET", "/api/v1/users?limit=100", NULL, &all);
    for (int i = 0; i < n; i++)
        cr_assert_str_eq(ids[i], json_string_value(json_object_get(
                                     json_array_get(json_object_get(all.json, "items"), i), "id")));
    ts_resp_free(&all);
}

Test(users, list_filters_by_role_active_and_text)
{
    struct ts_user a, b;
    struct ts_resp r;
    char path[256];
    ts_user_with_role(&srv, &admin, "author", &a);
    ts_learner(&srv, &b);
    ts_as(&srv, &admin, "GET", "/api/v1/users?role=author", NULL, &r);
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 1);
    cr_assert(json_is_null(json_object_get(r.json, "next_cursor")));
    ts_resp_free(&r);
    snprintf(path, sizeof(path), "/api/v1/users/%s", b.id);
    ts_as(&srv, &admin, "PATCH", path, "{\"active\":false}", &r);
    ts_resp_free(&r);
    ts_as(&srv, &admin, "GET", "/api/v1/users?active=FALSE", NULL, &r);
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 1, "%s", r.body);
    ts_resp_free(&r);
    ts_as(&srv, &admin, "GET", "/api/v1/users?active=1&role=learner", NULL, &r);
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 0, "%s", r.body);
    ts_resp_free(&r);
    /* q: case-insensitive substring of the email or display name; % is literal. */
    snprintf(path, sizeof(path), "/api/v1/users?q=%s", a.email);
    for (char *p = path + 17; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 32);
    ts_as(&srv, &admin, "GET", path, NULL, &r);
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 1, "%s", r.body);
    ts_resp_free(&r);
    ts_as(&srv, &admin, "GET", "/api/v1/users?q=%25", NULL, &r);
    cr_assert_eq(json_array_size(json_object_get(r.json, "items")), 0, "%s", r.body);
    ts_resp_free(&r);
}

Test(users, list_rejects_bad_query_values)
{
    const char *cases[][3] = {
        {"/api/v1/users?limit=0", "[\"query\",\"limit\"]", "greater_than_equal"},
        {"/api/v1/users?limit=101", "[\"query\",\"limit\"]", "less_than_equal"},
        {"/api/v1/users?limit=ten", "[\"query\",\"limit\"]", "int_parsing"},
        {"/api/v1/users?role=owner", "[\"query\",\"role\"]", "enum"},
        {"/api/v1/users?active=yes", "[\"query\",\"active\"]", "bool_parsing"},
        {"/api/v1/users?q=", "[\"query\",\"q\"]", "string_too_short"},
        {"/api/v1/users?cursor=garbage", "[\"query\",\"cursor\"]", "value_error"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct ts_resp r;
        ts_as(&srv, &admin, "GET", cases[i][0], NULL, &r);
        cr_assert_eq(r.status, 422, "%s: %s", cases[i][0], r.body);
        cr_assert(ts_has_error(&r, cases[i][1], cases[i][2]), "%s: %s", cases[i][0], r.body);
        ts_resp_free(&r);
    }
}

Test(users, cursor_is_bound_to_its_filters_and_tamper_proof)
{
    struct ts_user u[3];
    struct ts_resp r;
    for (int i = 0; i < 3; i++)
        ts_learner(&srv, &u[i]);
    ts_as(&srv, &admin, "GET", "/api/v1/users?limit=1&role=learner", NULL, &r);
    char cursor[512];
    snprintf(cursor, sizeof(cursor), "%s",
             json_string_value(json_object_get(r.json, "next_cursor")));
    ts_resp_free(&r);
    char path[700];
    snprintf(path, sizeof(path), "/api/v1/users?limit=1&role=author&cursor=%s", cursor);
    ts_as(&srv, &admin, "GET", path, NULL, &r);
    cr_assert_eq(r.status, 422, "a cursor of other filters");
    ts_assert_json(&r, "{\"detail\":[{\"loc\":[\"query\",\"cursor\"],"
                       "\"msg\":\"Value error, invalid cursor\",\"type\":\"value_error\"}]}");
    ts_resp_free(&r);
    cursor[3] = cursor[3] == 'A' ? 'B' : 'A';
    snprintf(path, sizeof(path), "/api/v1/users?limit=1&role=learner&cursor=%s", cursor);
    ts_as(&srv, &admin, "GET", path, NULL, &r);
    cr_assert_eq(r.status, 422, "an altered cursor");
    ts_resp_free(&r);
}

/* --- create-admin (§15) -------------------------------------------------------------------- */

static int create_admin(const char *const *args, const char *password_env, char **out, char **err)
{
    char url[600];
    snprintf(url, sizeof(url), "DATABASE_URL=%s", srv.database_url);
    const char *env[] = {url, password_env, NULL};
    return ts_run_cli(args, env, out, err);
}

Test(users, create_admin_creates_then_promotes)
{
    struct ts_user u;
    char *out, *err;
    ts_learner(&srv, &u);
    const char *args[] = {"create-admin", "--email", u.email, "--display-name", "Boss", NULL};
    cr_assert_eq(create_admin(args, "TRAINSMART_ADMIN_PASSWORD=new-password-1", &out, &err), 0,
                 "%s", err);
    char want[200];
    snprintf(want, sizeof(want), "updated admin %s\n", u.email);
    cr_assert_str_eq(out, want);
    free(out), free(err);
    cr_assert_eq(ts_login(&srv, u.email, "password123", NULL), 401, "password replaced");
    char token[128];
    cr_assert_eq(ts_login(&srv, u.email, "new-password-1", token), 200);

    const char *fresh[] = {"create-admin", "--email",       "Fresh.Admin@Example.com",
                           "--timezone",   "Europe/Lisbon", NULL};
    cr_assert_eq(create_admin(fresh, "TRAINSMART_ADMIN_PASSWORD=fresh-password", &out, &err), 0);
    cr_assert_str_eq(out, "created admin fresh.admin@example.com\n");
    free(out), free(err);
    struct ts_user fa = {0};
    cr_assert_eq(ts_login(&srv, "fresh.admin@example.com", "fresh-password", fa.token), 200);
    snprintf(fa.auth, sizeof(fa.auth), "Authorization: Bearer %s", fa.token);
    struct ts_resp r;
    ts_as(&srv, &fa, "GET", "/api/v1/users/me", NULL, &r);
    cr_assert_str_eq(str(&r, "role"), "admin");
    cr_assert_str_eq(str(&r, "display_name"), "fresh.admin");
    cr_assert_str_eq(str(&r, "timezone"), "Europe/Lisbon");
    ts_resp_free(&r);
}

Test(users, create_admin_reads_the_password_from_stdin)
{
    char cmd[1024];
    snprintf(cmd, sizeof(cmd),
             "printf 'piped-password\\n' | env -u TRAINSMART_ADMIN_PASSWORD DATABASE_URL='%s' "
             "%s create-admin --email piped@example.com 2>/dev/null",
             srv.database_url, ts_binary());
    FILE *p = popen(cmd, "r");
    char line[128] = "";
    cr_assert_not_null(fgets(line, sizeof(line), p));
    cr_assert_eq(pclose(p), 0);
    cr_assert_str_eq(line, "created admin piped@example.com\n");
    cr_assert_eq(ts_login(&srv, "piped@example.com", "piped-password", NULL), 200);
}

Test(users, create_admin_rejects_bad_input)
{
    char *out, *err;
    const char *bad_email[] = {"create-admin", "--email", "not-an-email", NULL};
    cr_assert_eq(create_admin(bad_email, "TRAINSMART_ADMIN_PASSWORD=long-enough", &out, &err), 1);
    cr_assert_not_null(strstr(err, "email"));
    free(out), free(err);
    const char *ok[] = {"create-admin", "--email", "short@example.com", NULL};
    cr_assert_eq(create_admin(ok, "TRAINSMART_ADMIN_PASSWORD=short", &out, &err), 1);
    cr_assert_not_null(strstr(err, "password"));
    free(out), free(err);
    const char *tz[] = {"create-admin", "--email",   "tz@example.com",
                        "--timezone",   "Moon/Base", NULL};
    cr_assert_eq(create_admin(tz, "TRAINSMART_ADMIN_PASSWORD=long-enough", &out, &err), 1);
    free(out), free(err);
    const char *no_email[] = {"create-admin", NULL};
    cr_assert_eq(create_admin(no_email, "TRAINSMART_ADMIN_PASSWORD=long-enough", &out, &err), 2);
    free(out), free(err);
    const char *odd[] = {"create-admin", "--email", NULL};
    cr_assert_eq(create_admin(odd, "TRAINSMART_ADMIN_PASSWORD=long-enough", &out, &err), 2);
    free(out), free(err);
}
