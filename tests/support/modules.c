/* Module fixtures; see modules.h. */
#include "support/modules.h"

#include <criterion/criterion.h>
#include <stdio.h>

static void created(struct ts_resp *r, char id[STR_UUID_SIZE])
{
    cr_assert_eq(r->status, 201, "%s", r->body);
    snprintf(id, 37, "%s", json_string_value(json_object_get(r->json, "id")));
    ts_resp_free(r);
}

void ts_module(const struct ts_server *s, const struct ts_user *author, const char *body,
               char id[STR_UUID_SIZE])
{
    struct ts_resp r;
    ts_as(s, author, "POST", "/api/v1/modules", body, &r);
    created(&r, id);
}

void ts_screen(const struct ts_server *s, const struct ts_user *author, const char *mid,
               const char *body, char id[STR_UUID_SIZE])
{
    char path[128];
    struct ts_resp r;
    snprintf(path, sizeof(path), "/api/v1/modules/%s/screens", mid);
    ts_as(s, author, "POST", path, body, &r);
    created(&r, id);
}

void ts_publish(const struct ts_server *s, const struct ts_user *author, const char *mid)
{
    char path[128];
    struct ts_resp r;
    snprintf(path, sizeof(path), "/api/v1/modules/%s/publish", mid);
    ts_as(s, author, "POST", path, NULL, &r);
    cr_assert_eq(r.status, 200, "publish: %s", r.body);
    ts_resp_free(&r);
}

void ts_linear_module(const struct ts_server *s, const struct ts_user *author,
                      char mid[STR_UUID_SIZE], char question_id[STR_UUID_SIZE])
{
    char first[STR_UUID_SIZE];
    ts_module(s, author, "{\"title\":\"Linear\",\"flow_type\":\"linear\"}", mid);
    ts_screen(s, author, mid, TS_CONTENT_SCREEN, first);
    ts_screen(s, author, mid, TS_QUESTION_SCREEN, question_id);
    ts_publish(s, author, mid);
}
