/*
 * User endpoints (API.md §4): parse and validate, apply domain/accounts.c's rules in one
 * transaction, render. Visibility:
 * every user may read and edit only their own profile through /users/me; /users is for authors
 * (read) and admins (write), enforced by the route table's access labels.
 */
#include "api/users.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "api/page.h"
#include "api/schemas.h"
#include "db/streams.h"
#include "db/users.h"
#include "domain/accounts.h"
#include "util/err.h"
#include "util/time.h"

json_t *api_user_to_json(const struct user *u)
{
    char created[TIME_RFC3339_LEN], updated[TIME_RFC3339_LEN];

    time_format_ms(u->created_at, created);
    time_format_ms(u->updated_at, updated);
    return json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:s,s:s}", "id", u->id, "email", u->email,
                     "display_name", u->display_name, "role", user_role_names[u->role], "timezone",
                     u->timezone, "active", u->active, "created_at", created, "updated_at",
                     updated);
}

int api_users_tokens_revoked(struct http_req *r, const char *user_id)
{
    int rc = db_streams_announce_revoked(r->conn, user_id);

    if (rc == 0)
        http_tokens_revoked(r, user_id);
    return rc;
}

/* Reads the profile fields shared by both PATCH endpoints. */
static void parse_profile(struct valid *v, const struct schema *s, json_t *body,
                          struct account_change *ch)
{
    ch->has_display_name = valid_field(v, body, s, "display_name", &ch->display_name) == V_OK;
    ch->has_timezone = valid_field(v, body, s, "timezone", &ch->timezone) == V_OK;
}

/* Applies the change to user `target_id` in one write transaction and renders the user. */
static int update_and_reply(struct http_req *r, const char *target_id,
                            const struct account_change *ch)
{
    bool changed = false, deactivated = false;
    struct user u;

    if (http_begin_write_or_reply(r) < 0)
        return 0;
    int rc = db_users_get(r->conn, &r->arena, target_id, &u);
    if (rc == 0)
        rc = accounts_apply_change(r->user, ch, time_now_ms(), &u, &changed, &deactivated);
    if (rc == TS_ECONFLICT)
        return http_reply_detail(r, 409, "Admins cannot change their own role or active status");
    if (rc == 0 && changed)
        rc = db_users_update(r->conn, &u);
    /* Deactivation ends every session of the user at once. */
    if (rc == 0 && deactivated)
        rc = db_tokens_delete_for_user(r->conn, u.id);
    if (rc == 0 && deactivated)
        rc = api_users_tokens_revoked(r, u.id);
    if (rc < 0)
        return http_reply_err(r, rc);
    return http_commit_and_reply(r, 200, api_user_to_json(&u));
}

int api_users_me_get(struct http_req *r)
{
    return http_reply_json_new(r, 200, api_user_to_json(r->user));
}

int api_users_me_patch(struct http_req *r)
{
    struct account_change ch = {0};
    struct valid v;

    valid_init(&v, &r->arena, "body");
    parse_profile(&v, &schema_me_patch_body, r->json,
                  &ch); /* role, active, email...: ignored here (§4) */
    if (http_valid_or_reply(r, &v) < 0)
        return 0;
    return update_and_reply(r, r->user->id, &ch);
}

int api_users_patch(struct http_req *r)
{
    struct account_change ch = {0};
    struct valid pv, v;
    char id[STR_UUID_SIZE];
    int role = 0;

    valid_init(&pv, &r->arena, "path");
    valid_text_uuid(&pv, "user_id", http_param(r, "user_id"), V_REQUIRED, id);
    valid_init(&v, &r->arena, "body");
    parse_profile(&v, &schema_user_patch_body, r->json, &ch);
    ch.has_role = valid_field(&v, r->json, &schema_user_patch_body, "role", &role) == V_OK;
    ch.role = (enum user_role)role;
    ch.has_active = valid_field(&v, r->json, &schema_user_patch_body, "active", &ch.active) == V_OK;
    /* A role or active key present, whatever its value, counts for the self-change rule. */
    ch.has_role |= json_object_get(r->json, "role") != NULL;
    ch.has_active |= json_object_get(r->json, "active") != NULL;
    valid_merge(&v, &pv);
    if (http_valid_or_reply(r, &v) < 0)
        return 0;
    return update_and_reply(r, id, &ch);
}

int api_users_get(struct http_req *r)
{
    struct valid v;
    struct db_conn *c;
    struct user u;
    char id[STR_UUID_SIZE];
    int rc;

    valid_init(&v, &r->arena, "path");
    valid_text_uuid(&v, "user_id", http_param(r, "user_id"), V_REQUIRED, id);
    if (http_valid_or_reply(r, &v) < 0)
        return 0;
    rc = http_conn(r, &c);
    if (rc == 0)
        rc = db_users_get(c, &r->arena, id, &u);
    if (rc < 0)
        return http_reply_err(r, rc);
    return http_reply_json_new(r, 200, api_user_to_json(&u));
}

static json_t *render_user_item(const void *item)
{
    return api_user_to_json(item);
}

static const struct page_item_ops user_items = {render_user_item, offsetof(struct user, created_at),
                                                offsetof(struct user, id)};

/* GET /api/v1/users: filters role, active, q; order created_at desc, id desc. */
int api_users_list(struct http_req *r)
{
    struct db_users_filter f = {.role = -1, .active = -1};
    struct page_in page;
    struct valid v;
    bool active = false;
    int role = -1;
    int rc;

    valid_init(&v, &r->arena, "query");
    valid_text_field(&v, &schema_users_query, "role", http_query(r, "role"), &role);
    if (valid_text_field(&v, &schema_users_query, "active", http_query(r, "active"), &active) ==
        V_OK)
        f.active = active;
    valid_text_field(&v, &schema_users_query, "q", http_query(r, "q"), &f.q);
    f.role = role;
    /* The cursor is bound to the filters as interpreted, so "true" and "1" page alike. */
    const char *scope = arena_printf(&r->arena, "users|%d|%d|%s", f.role, f.active, f.q ? f.q : "");
    if (api_page_parse_or_reply(r, &v, scope, &page) < 0)
        return 0;

    struct db_conn *c;
    struct user *items = NULL;
    int n = 0;
    f.page = api_page_keyset(&page);
    rc = http_conn(r, &c);
    if (rc == 0)
        rc = db_users_list(c, &r->arena, &f, &items, &n);

    return api_page_reply(r, rc, &page, scope, items, sizeof(*items), n, &user_items);
}
