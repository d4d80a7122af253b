/* Account fixtures; see accounts.h. */
#include "support/accounts.h"

#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static atomic_int counter;

void ts_as(const struct ts_server *s, const struct ts_user *u, const char *method, const char *path,
           const char *json_body, struct ts_resp *out)
{
    const char *h[3] = {NULL, NULL, NULL};
    int n = 0;

    if (u != NULL)
        h[n++] = u->auth;
    if (json_body != NULL)
        h[n++] = "Content-Type: application/json";
    ts_http(s, method, path, h, json_body, out);
}

long ts_login(const struct ts_server *s, const char *email, const char *password, char token[128])
{
    char body[512];
    struct ts_resp r;

    snprintf(body, sizeof(body), "{\"email\":\"%s\",\"password\":\"%s\"}", email, password);
    ts_as(s, NULL, "POST", "/api/v1/auth/login", body, &r);
    long status = r.status;
    if (status == 200 && token != NULL)
        snprintf(token, 128, "%s", json_string_value(json_object_get(r.json, "access_token")));
    ts_resp_free(&r);
    return status;
}

static void finish(const struct ts_server *s, struct ts_user *u)
{
    long status = ts_login(s, u->email, "password123", u->token);
    if (status != 200) { /* say why: the server's log holds the request's error line */
        char *log = ts_server_log(s);
        cr_assert_fail("login of %s: %ld; server log:\n%s", u->email, status, log ? log : "");
    }
    snprintf(u->auth, sizeof(u->auth), "Authorization: Bearer %s", u->token);
}

void ts_learner(const struct ts_server *s, struct ts_user *u)
{
    char body[512];
    struct ts_resp r;

    memset(u, 0, sizeof(*u));
    snprintf(u->email, sizeof(u->email), "user%d.%d@example.com", (int)getpid(),
             atomic_fetch_add(&counter, 1));
    snprintf(body, sizeof(body),
             "{\"email\":\"%s\",\"password\":\"password123\",\"display_name\":\"User\"}", u->email);
    ts_as(s, NULL, "POST", "/api/v1/auth/register", body, &r);
    cr_assert_eq(r.status, 201, "register: %s", r.body);
    snprintf(u->id, sizeof(u->id), "%s", json_string_value(json_object_get(r.json, "id")));
    ts_resp_free(&r);
    finish(s, u);
}

void ts_admin(const struct ts_server *s, struct ts_user *u)
{
    char url[600], email_arg[160];
    const char *env[] = {url, "TRAINSMART_ADMIN_PASSWORD=password123", NULL};

    memset(u, 0, sizeof(*u));
    snprintf(u->email, sizeof(u->email), "admin%d.%d@example.com", (int)getpid(),
             atomic_fetch_add(&counter, 1));
    snprintf(url, sizeof(url), "DATABASE_URL=%s", s->database_url);
    snprintf(email_arg, sizeof(email_arg), "%s", u->email);
    const char *args[] = {"create-admin", "--email", email_arg, NULL};
    char *out = NULL, *err = NULL;
    cr_assert_eq(ts_run_cli(args, env, &out, &err), 0, "create-admin: %s", err);
    free(out);
    free(err);
    finish(s, u);
    struct ts_resp r;
    ts_as(s, u, "GET", "/api/v1/users/me", NULL, &r);
    cr_assert_eq(r.status, 200);
    snprintf(u->id, sizeof(u->id), "%s", json_string_value(json_object_get(r.json, "id")));
    ts_resp_free(&r);
}

void ts_user_with_role(const struct ts_server *s, const struct ts_user *admin, const char *role,
                       struct ts_user *u)
{
    char path[128], body[64];
    struct ts_resp r;

    ts_learner(s, u);
    snprintf(path, sizeof(path), "/api/v1/users/%s", u->id);
    snprintf(body, sizeof(body), "{\"role\":\"%s\"}", role);
    ts_as(s, admin, "PATCH", path, body, &r);
    cr_assert_eq(r.status, 200, "promote: %s", r.body);
    ts_resp_free(&r);
}

void ts_sql(const struct ts_server *s, const char *sql)
{
    if (strncmp(s->database_url, "sqlite:", 7) == 0) {
        sqlite3 *db = NULL;
        char *err = NULL;
        cr_assert_eq(sqlite3_open(s->database_url + 7, &db), SQLITE_OK);
        sqlite3_busy_timeout(db, 5000);
        cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, &err), SQLITE_OK, "%s: %s", sql, err);
        sqlite3_close(db);
        return;
    }
    PGconn *c = PQconnectdb(s->database_url);
    cr_assert_eq(PQstatus(c), CONNECTION_OK);
    PGresult *r = PQexec(c, sql);
    cr_assert(PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK,
              "%s: %s", sql, PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
}

long ts_status_as(const struct ts_server *s, const struct ts_user *u, const char *method,
                  const char *path, const char *json_body)
{
    struct ts_resp r;
    ts_as(s, u, method, path, json_body, &r);
    long status = r.status;
    ts_resp_free(&r);
    return status;
}

json_t *ts_notifications(const struct ts_server *s, const struct ts_user *u, const char *type)
{
    struct ts_resp r;
    json_t *out = json_array(), *item;
    size_t i;
    const char *h[] = {u->auth, NULL};
    ts_http(s, "GET", "/api/v1/notifications?limit=100", h, NULL, &r);
    cr_assert_eq(r.status, 200, "%s", r.body);
    json_array_foreach(json_object_get(r.json, "items"), i, item)
    {
        const char *t = json_string_value(json_object_get(item, "type"));
        if (type == NULL || (t != NULL && strcmp(t, type) == 0))
            json_array_append(out, item);
    }
    ts_resp_free(&r);
    return out;
}

size_t ts_count_notifications(const struct ts_server *s, const struct ts_user *u, const char *type)
{
    json_t *items = ts_notifications(s, u, type);
    size_t n = json_array_size(items);
    json_decref(items);
    return n;
}
