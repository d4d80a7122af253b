/*
 * Object-level authorisation (OWASP API1, docs/SECURITY.md): every route with an id in its path,
 * tried by every role on an object of its own, someone else's object and a nonexistent id,
 * against the status API.md §1.4/§1.5 and the endpoint's section give; then the list routes
 * that filter by owner, and ids of invisible objects sent in bodies and queries.
 *
 * The routes come from the server's own /openapi.json (made from the route table), so a route
 * with an id added later without a row here fails `every_id_route_by_every_role`, and an
 * authenticated route without an id must be listed in owner_lists or not_owner_filtered.
 *
 * Roles: anonymous, learner L1, another learner L2, author A1 (owns the modules), author A2
 * (owns none of them), admin, and a deactivated user whose token is still stored (active set
 * false directly, so only the `active` check stands between it and the data).
 *
 * Private data carries markers (a draft's title, each user's check-in note, each user's
 * feedback comment); every answer is searched for the markers its caller may not see, and
 * every refusal must be exactly the spec's error body.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "support/modules.h"

static struct ts_server srv;

static void start(void)
{
    ts_server_start(&srv, NULL);
}

static void stop(void)
{
    cr_assert_eq(ts_server_stop(&srv), 0);
}

TestSuite(authz, .init = start, .fini = stop, .timeout = 180);

#define NONE_ID "6f1c2d3e-4b5a-4c6d-8e7f-0123456789ab"
#define NONE_ID2 "6f1c2d3e-4b5a-4c6d-8e7f-0123456789ac"

enum role { ANON, L1, L2, A1, A2, ADMIN, DEACT, NROLES };
static const char *const role_names[NROLES] = {"anonymous", "learner", "other learner", "author A1",
                                               "author A2", "admin",   "deactivated"};

/* What a row's {id} placeholders refer to; the three columns of each kind. */
enum kind {
    K_USER,    /* caller's own user, someone else, none */
    K_MODULE,  /* A1's draft (screen: its question), A1's published module, none */
    K_CHECKIN, /* caller's own check-in, someone else's, none */
    K_ASSIGN,  /* A1's assignment to L1, A2's assignment to L2, none */
    K_NOTIFY,  /* caller's own notification, someone else's, none */
};

struct row {
    const char *method;
    const char *path; /* the OpenAPI template */
    enum kind kind;
    const char *body; /* NULL: none; "{screen_id}", "{screen2_id}", "{caller}" are replaced */
    bool fresh;       /* a success changes the object: a 2xx cell gets a new one */
    /* Expected statuses for L1, L2, A1, A2, admin, each on columns 0, 1, 2 (anonymous and the
     * deactivated user get 401 everywhere). */
    int want[5][3];
};

#define PROGRESS_BODY                                                                              \
    "{\"version\":0,\"progress_data\":{\"current_screen_id\":null,\"completed_screen_ids\":[],"    \
    "\"responses\":{}}}"
#define M "/api/v1/modules/{module_id}"
#define S M "/screens/{screen_id}"
#define DENY_LEARNERS                                                                              \
    {403, 403, 403},                                                                               \
    {                                                                                              \
        403, 403, 403                                                                              \
    }
/* Module rows: columns draft of A1, published of A1, none. */
#define VIEW                                                                                       \
    {404, 200, 404}, {404, 200, 404}, {200, 200, 404}, {404, 200, 404},                            \
    {                                                                                              \
        200, 200, 404                                                                              \
    }
#define OWNER_EDIT(ok)                                                                             \
    DENY_LEARNERS, {ok, 409, 404}, {404, 403, 404},                                                \
    {                                                                                              \
        ok, 409, 404                                                                               \
    }
#define OWNER_READ                                                                                 \
    DENY_LEARNERS, {200, 200, 404}, {404, 403, 404},                                               \
    {                                                                                              \
        200, 200, 404                                                                              \
    }
/* A progress write: learners and A2 on the published module; a draft visible to its owner and
 * admins is 409 "Module is not published". */
#define TAKE(ok)                                                                                   \
    {404, ok, 404}, {404, ok, 404}, {409, ok, 404}, {404, ok, 404},                                \
    {                                                                                              \
        409, ok, 404                                                                               \
    }
#define OWN_ONLY                                                                                   \
    {200, 404, 404}, {200, 404, 404}, {200, 404, 404}, {200, 404, 404},                            \
    {                                                                                              \
        200, 404, 404                                                                              \
    }

static const struct row rows[] = {
    {"GET",
     "/api/v1/users/{user_id}",
     K_USER,
     NULL,
     false,
     {DENY_LEARNERS, {200, 200, 404}, {200, 200, 404}, {200, 200, 404}}},
    {"PATCH",
     "/api/v1/users/{user_id}",
     K_USER,
     "{\"timezone\":\"UTC\"}",
     false,
     {DENY_LEARNERS, {403, 403, 403}, {403, 403, 403}, {200, 200, 404}}},
    {"GET", M, K_MODULE, NULL, false, {VIEW}},
    {"PATCH", M, K_MODULE, "{\"description\":\"patched\"}", true, {OWNER_EDIT(200)}},
    {"DELETE", M, K_MODULE, NULL, true, {OWNER_EDIT(204)}},
    {"POST", M "/publish", K_MODULE, NULL, true, {OWNER_EDIT(200)}},
    {"POST",
     M "/archive",
     K_MODULE,
     NULL,
     true,
     {DENY_LEARNERS, {409, 200, 404}, {404, 403, 404}, {409, 200, 404}}},
    {"POST",
     M "/copy",
     K_MODULE,
     NULL,
     false,
     {DENY_LEARNERS, {201, 201, 404}, {404, 403, 404}, {201, 201, 404}}},
    {"GET", M "/screens", K_MODULE, NULL, false, {VIEW}},
    {"POST", M "/screens", K_MODULE, TS_CONTENT_SCREEN, true, {OWNER_EDIT(201)}},
    {"GET", S, K_MODULE, NULL, false, {VIEW}},
    {"PATCH", S, K_MODULE, "{\"title\":\"patched\"}", true, {OWNER_EDIT(200)}},
    {"DELETE", S, K_MODULE, NULL, true, {OWNER_EDIT(204)}},
    {"PUT",
     M "/screen-order",
     K_MODULE,
     "{\"screen_ids\":[\"{screen_id}\",\"{screen2_id}\"]}",
     true,
     {OWNER_EDIT(200)}},
    {"GET", M "/progress", K_MODULE, NULL, false, {VIEW}},
    {"PUT", M "/progress", K_MODULE, PROGRESS_BODY, false, {TAKE(200)}},
    {"POST", S "/answer", K_MODULE, "{\"option_ids\":[\"b\"]}", false, {TAKE(200)}},
    /* Linear modules: a visible one is 409 "Not an assessment module". */
    {"POST", M "/progress/submit", K_MODULE, "{\"version\":0}", false, {TAKE(409)}},
    {"POST", M "/progress/attempts", K_MODULE, "{\"version\":0}", false, {TAKE(409)}},
    /* A draft visible to its owner: 409 "Feedback is only accepted on published modules". */
    {"POST",
     M "/feedback",
     K_MODULE,
     "{\"rating\":4,\"comment\":\"MARK-FB-{caller}\"}",
     false,
     {TAKE(201)}},
    {"GET", M "/feedback", K_MODULE, NULL, false, {OWNER_READ}},
    {"GET", M "/feedback/summary", K_MODULE, NULL, false, {OWNER_READ}},
    {"GET", M "/analytics", K_MODULE, NULL, false, {OWNER_READ}},
    /* Check-ins are private: admins included, anyone else's is 404. */
    {"GET", "/api/v1/checkins/{checkin_id}", K_CHECKIN, NULL, false, {OWN_ONLY}},
    {"PATCH", "/api/v1/checkins/{checkin_id}", K_CHECKIN, "{\"mood\":3}", false, {OWN_ONLY}},
    /* Assignments: visible to the creator, the assignee and admins. */
    {"GET",
     "/api/v1/assignments/{assignment_id}",
     K_ASSIGN,
     NULL,
     false,
     {{200, 404, 404}, {404, 200, 404}, {200, 404, 404}, {404, 200, 404}, {200, 200, 404}}},
    {"PATCH",
     "/api/v1/assignments/{assignment_id}",
     K_ASSIGN,
     "{\"due_at\":null}",
     false,
     {DENY_LEARNERS, {200, 404, 404}, {404, 200, 404}, {200, 200, 404}}},
    {"DELETE",
     "/api/v1/assignments/{assignment_id}",
     K_ASSIGN,
     NULL,
     true,
     {DENY_LEARNERS, {204, 404, 404}, {404, 204, 404}, {204, 204, 404}}},
    {"POST", "/api/v1/notifications/{notification_id}/read", K_NOTIFY, NULL, false, {OWN_ONLY}},
};
#define NROWS (sizeof(rows) / sizeof(rows[0]))

/* --- the world ------------------------------------------------------------------------------ */

struct world {
    struct ts_user user[NROLES]; /* ANON unused */
    char draft[STR_UUID_SIZE], draft_q[STR_UUID_SIZE], draft_c[STR_UUID_SIZE];
    char published[STR_UUID_SIZE], published_q[STR_UUID_SIZE], published_c[STR_UUID_SIZE];
    char a2_module[STR_UUID_SIZE];
    char assign1[STR_UUID_SIZE], assign2[STR_UUID_SIZE]; /* A1 -> L1, A2 -> L2 */
    char checkin[NROLES][STR_UUID_SIZE];
    char notification[NROLES][STR_UUID_SIZE];
};

static const char *const marker_names[NROLES] = {"anon", "L1", "L2", "A1", "A2", "ADMIN", "DEACT"};

#define DRAFT_TITLE "MARK-DRAFT-A1"
#define QUESTION_FIRST                                                                             \
    "{\"type\":\"question\",\"title\":\"Q\",\"content\":{\"kind\":\"single\",\"prompt\":\"Pick\"," \
    "\"options\":[{\"id\":\"a\",\"text\":\"A\"},{\"id\":\"b\",\"text\":\"B\"}],"                   \
    "\"correct_option_ids\":[\"b\"],\"explanation\":\"MARK-EXPLAIN\"}}"

/* A linear module of `owner`: a question `qid`, then a content screen `cid`; published when
 * asked. */
static void module_of(const struct ts_user *owner, const char *title, bool published,
                      char mid[STR_UUID_SIZE], char qid[STR_UUID_SIZE], char cid[STR_UUID_SIZE])
{
    char body[160];
    snprintf(body, sizeof(body), "{\"title\":\"%s\",\"flow_type\":\"linear\"}", title);
    ts_module(&srv, owner, body, mid);
    ts_screen(&srv, owner, mid, QUESTION_FIRST, qid);
    ts_screen(&srv, owner, mid, TS_CONTENT_SCREEN, cid);
    if (published)
        ts_publish(&srv, owner, mid);
}

static void take_id(struct ts_resp *r, long want, char id[STR_UUID_SIZE])
{
    cr_assert_eq(r->status, want, "%s", r->body);
    snprintf(id, STR_UUID_SIZE, "%s", json_string_value(json_object_get(r->json, "id")));
    ts_resp_free(r);
}

static void assign(const struct ts_user *by, const char *mid, const struct ts_user *to,
                   char id[STR_UUID_SIZE])
{
    char body[160];
    struct ts_resp r;
    snprintf(body, sizeof(body), "{\"module_id\":\"%s\",\"user_id\":\"%s\"}", mid, to->id);
    ts_as(&srv, by, "POST", "/api/v1/assignments", body, &r);
    take_id(&r, 201, id);
}

/* The newest notification of `u`. */
static void newest_notification(const struct ts_user *u, char id[STR_UUID_SIZE])
{
    json_t *list = ts_notifications(&srv, u, NULL);
    cr_assert_gt(json_array_size(list), 0);
    snprintf(id, STR_UUID_SIZE, "%s",
             json_string_value(json_object_get(json_array_get(list, 0), "id")));
    json_decref(list);
}

static void build(struct world *w)
{
    struct ts_user *u = w->user;
    struct ts_resp r;
    char body[200];

    memset(w, 0, sizeof(*w));
    ts_admin(&srv, &u[ADMIN]);
    ts_learner(&srv, &u[L1]);
    ts_learner(&srv, &u[L2]);
    ts_user_with_role(&srv, &u[ADMIN], "author", &u[A1]);
    ts_user_with_role(&srv, &u[ADMIN], "author", &u[A2]);
    ts_learner(&srv, &u[DEACT]);

    module_of(&u[A1], DRAFT_TITLE, false, w->draft, w->draft_q, w->draft_c);
    module_of(&u[A1], "Published of A1", true, w->published, w->published_q, w->published_c);
    char q2[STR_UUID_SIZE], c2[STR_UUID_SIZE];
    module_of(&u[A2], "Published of A2", true, w->a2_module, q2, c2);
    assign(&u[A1], w->published, &u[L1], w->assign1);
    assign(&u[A2], w->a2_module, &u[L2], w->assign2);

    /* Everyone's own check-in and notification. */
    for (int i = L1; i < NROLES; i++) {
        snprintf(body, sizeof(body), "{\"mood\":4,\"confidence\":4,\"note\":\"MARK-NOTE-%s\"}",
                 marker_names[i]);
        ts_as(&srv, &u[i], "POST", "/api/v1/checkins", body, &r);
        take_id(&r, 201, w->checkin[i]);
    }
    char unused[STR_UUID_SIZE];
    assign(&u[A1], w->published, &u[A2], unused);
    assign(&u[A1], w->published, &u[ADMIN], unused);
    assign(&u[A1], w->published, &u[DEACT], unused);
    assign(&u[A2], w->a2_module, &u[A1], unused);
    /* A1's: feedback_received from L2's feedback (L1's own comes from the matrix). */
    snprintf(body, sizeof(body), "/api/v1/modules/%s/feedback", w->a2_module);
    ts_as(&srv, &u[A1], "POST", body, "{\"rating\":5,\"comment\":\"MARK-FB-A1\"}", &r);
    cr_assert_eq(r.status, 201, "%s", r.body);
    ts_resp_free(&r);
    snprintf(body, sizeof(body), "/api/v1/modules/%s/feedback", w->published);
    ts_as(&srv, &u[A2], "POST", body, "{\"rating\":5,\"comment\":\"MARK-FB-A2\"}", &r);
    cr_assert_eq(r.status, 201, "%s", r.body);
    ts_resp_free(&r);
    for (int i = L1; i < NROLES; i++)
        newest_notification(&u[i], w->notification[i]);

    /* Deactivated without revoking its token: only the `active` check stops it. */
    snprintf(body, sizeof(body), "UPDATE users SET active = false WHERE id = '%s'", u[DEACT].id);
    ts_sql(&srv, body);
}

/* Someone else than `role`: L1, or L2 when the caller is L1. */
static enum role other_than(enum role role)
{
    return role == L1 ? L2 : L1;
}

/* The ids of column `col` of `kind` for `role` (fresh objects when asked). */
struct ids {
    const char *id;        /* the row's own id */
    const char *module_id; /* K_MODULE */
    const char *screen_id, *screen2_id;
    char buf[3][STR_UUID_SIZE];
};

/* A new module of A1 (a draft for column 0): the marker stays on the one shared draft, since a
 * fresh draft may get published. */
static void fresh_module(struct world *w, int col, struct ids *x)
{
    module_of(&w->user[A1], "Fresh", col == 1, x->buf[0], x->buf[1], x->buf[2]);
    x->module_id = x->buf[0];
    x->screen_id = x->buf[1];
    x->screen2_id = x->buf[2];
}

static void fresh_assignment(struct world *w, int col, struct ids *x)
{
    const struct ts_user *by = &w->user[col == 0 ? A1 : A2], *to = &w->user[col == 0 ? L1 : L2];
    char mid[STR_UUID_SIZE], qid[STR_UUID_SIZE], cid[STR_UUID_SIZE];
    module_of(by, "Fresh", true, mid, qid, cid);
    assign(by, mid, to, x->buf[0]);
    x->id = x->buf[0];
}

static void ids_for(struct world *w, const struct row *row, enum role role, int col, bool fresh,
                    struct ids *x)
{
    enum role own = role == ANON ? L1 : role, other = other_than(role);

    memset(x, 0, sizeof(*x));
    x->id = x->module_id = x->screen_id = NONE_ID;
    x->screen2_id = NONE_ID2;
    if (col == 2)
        return;
    switch (row->kind) {
    case K_USER:
        x->id = w->user[col == 0 ? own : other].id;
        break;
    case K_MODULE:
        if (fresh)
            fresh_module(w, col, x);
        else {
            x->module_id = col == 0 ? w->draft : w->published;
            x->screen_id = col == 0 ? w->draft_q : w->published_q;
            x->screen2_id = col == 0 ? w->draft_c : w->published_c;
        }
        break;
    case K_CHECKIN:
        x->id = w->checkin[col == 0 ? own : other];
        break;
    case K_ASSIGN:
        if (fresh)
            fresh_assignment(w, col, x);
        else
            x->id = col == 0 ? w->assign1 : w->assign2;
        break;
    case K_NOTIFY:
        x->id = w->notification[col == 0 ? own : other];
        break;
    }
}

/* `tmpl` with every "{name}" placeholder replaced from x (and {caller}). */
static void expand(const char *tmpl, const struct ids *x, enum role role, char *out, size_t size)
{
    size_t n = 0;
    out[0] = '\0';
    while (*tmpl != '\0' && n + 1 < size) {
        if (*tmpl != '{' || strchr(tmpl, '}') == NULL) {
            out[n++] = *tmpl++;
            continue;
        }
        const char *end = strchr(tmpl, '}');
        size_t len = (size_t)(end - tmpl + 1);
        if (len < 3 || strspn(tmpl + 1, "abcdefghijklmnopqrstuvwxyz0123456789_") != len - 2) {
            out[n++] = *tmpl++; /* a JSON brace, not a placeholder */
            continue;
        }
        const char *value = NULL;
        if (strncmp(tmpl, "{module_id}", len) == 0)
            value = x->module_id;
        else if (strncmp(tmpl, "{screen_id}", len) == 0)
            value = x->screen_id;
        else if (strncmp(tmpl, "{screen2_id}", len) == 0)
            value = x->screen2_id;
        else if (strncmp(tmpl, "{caller}", len) == 0)
            value = marker_names[role];
        else if (len > 4 && strncmp(end - 3, "_id}", 4) == 0)
            value = x->id;
        cr_assert_not_null(value, "unknown placeholder in %s", tmpl);
        n += (size_t)snprintf(out + n, size - n, "%s", value);
        tmpl = end + 1;
    }
    out[n < size ? n : size - 1] = '\0';
}

/* Markers `role` may never see in a body. */
static void assert_no_leak(const struct ts_resp *r, enum role role, const char *what)
{
    char mark[64];
    for (int i = L1; i < NROLES; i++) {
        if (i == (int)role)
            continue;
        snprintf(mark, sizeof(mark), "MARK-NOTE-%s", marker_names[i]);
        cr_assert_null(strstr(r->body, mark), "%s: %s leaked to %s: %s", what, mark,
                       role_names[role], r->body);
        /* Feedback is the module owner's (A1 owns the published module, A2 its own) and the
         * admin's to read. */
        snprintf(mark, sizeof(mark), "MARK-FB-%s", marker_names[i]);
        if (role != ADMIN && role != A1 && role != A2)
            cr_assert_null(strstr(r->body, mark), "%s: %s leaked to %s", what, mark,
                           role_names[role]);
    }
    if (role != A1 && role != ADMIN)
        cr_assert_null(strstr(r->body, DRAFT_TITLE), "%s: A1's draft leaked to %s: %s", what,
                       role_names[role], r->body);
}

static void assert_refusal(const struct ts_resp *r, long status, enum role role, const char *what)
{
    const char *detail = status == 404   ? "Not Found"
                         : status == 403 ? "Forbidden"
                         : role == ANON  ? "Not authenticated"
                                         : "Could not validate credentials";
    char want[96];
    snprintf(want, sizeof(want), "{\"detail\":\"%s\"}", detail);
    json_t *expected = json_loads(want, 0, NULL);
    cr_assert(r->json != NULL && json_equal(r->json, expected), "%s as %s: body %s, want %s", what,
              role_names[role], r->body, want);
    json_decref(expected);
    if (status == 401)
        cr_assert_str_eq(ts_header(r, "WWW-Authenticate"), "Bearer");
}

static const struct row *row_of(const char *method, const char *path)
{
    for (size_t i = 0; i < NROWS; i++)
        if (strcasecmp(rows[i].method, method) == 0 && strcmp(rows[i].path, path) == 0)
            return &rows[i];
    return NULL;
}

Test(authz, every_id_route_by_every_role)
{
    static struct world w;
    build(&w);

    /* Every operation with an id in its path has a row, and every row is a real route. */
    json_t *paths = ts_openapi_paths(&srv), *ops;
    const char *path, *method;
    size_t seen = 0;
    json_object_foreach(paths, path, ops)
    {
        json_t *op;
        if (strchr(path, '{') == NULL)
            continue;
        json_object_foreach(ops, method, op)
        {
            cr_assert_not_null(row_of(method, path), "no authorisation matrix row for %s %s",
                               method, path);
            seen++;
        }
    }
    json_decref(paths);
    cr_assert_eq(seen, NROWS, "rows for routes the server does not have");

    char url[512], body[512], what[600];
    int cells = 0;
    for (size_t i = 0; i < NROWS; i++) {
        const struct row *row = &rows[i];
        for (int role = ANON; role < NROLES; role++) {
            for (int col = 0; col < 3; col++) {
                long want = role == ANON || role == DEACT ? 401 : row->want[role - L1][col];
                bool fresh = row->fresh && want >= 200 && want < 300;
                struct ids x;
                ids_for(&w, row, role, col, fresh, &x);
                expand(row->path, &x, role, url, sizeof(url));
                if (row->body != NULL)
                    expand(row->body, &x, role, body, sizeof(body));
                snprintf(what, sizeof(what), "%s %s column %d", row->method, row->path, col);
                struct ts_resp r;
                ts_as(&srv, role == ANON ? NULL : &w.user[role], row->method, url,
                      row->body != NULL ? body : NULL, &r);
                cr_assert_eq(r.status, want, "%s as %s: %ld, want %ld: %s", what, role_names[role],
                             r.status, want, r.body);
                if (want >= 400 && want != 409)
                    assert_refusal(&r, want, role, what);
                else
                    assert_no_leak(&r, role, what);
                ts_resp_free(&r);
                cells++;
            }
        }
    }
    cr_assert_eq(cells, (int)NROWS * NROLES * 3);
}

/* --- lists and ids in bodies ---------------------------------------------------------------- */

/* Authenticated routes without an id, by how they are tested here. */
static const char *const owner_lists[] = {
    "GET /api/v1/modules",
    "GET /api/v1/checkins",
    "GET /api/v1/users/me/progress",
    "GET /api/v1/users/me/assignments",
    "GET /api/v1/assignments",
    "GET /api/v1/notifications",
    "GET /api/v1/notifications/unread-count",
    "POST /api/v1/notifications/read-all",
    "GET /api/v1/checkins/summary",
    "POST /api/v1/checkins",
    "POST /api/v1/assignments",
};
/* Not filtered by owner, each for its reason. */
static const char *const not_owner_filtered[] = {
    "POST /api/v1/auth/logout",         /* the caller's own token: test_auth.c */
    "GET /api/v1/users/me",             /* the caller */
    "PATCH /api/v1/users/me",           /* the caller; mass assignment: test_mass_assignment.c */
    "GET /api/v1/users",                /* authors see every user by design (§4) */
    "POST /api/v1/modules",             /* creates the caller's own */
    "GET /api/v1/checkins/streak",      /* computed from the caller's own check-ins */
    "GET /api/v1/notifications/stream", /* the caller's own: test_stream.c */
    "GET /metrics",                     /* ops; METRICS_TOKEN when set: test_metrics.c */
};

static bool listed(const char *const *list, size_t n, const char *op)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], op) == 0)
            return true;
    return false;
}

/* "GET /api/v1/modules": the operation's name as the lists above spell it. */
static void op_name(const char *method, const char *path, char *out, size_t size)
{
    size_t n = 0;
    for (; method[n] != '\0' && n + 1 < size; n++)
        out[n] = (char)(method[n] >= 'a' && method[n] <= 'z' ? method[n] - 'a' + 'A' : method[n]);
    snprintf(out + n, size - n, " %s", path);
}

Test(authz, every_authenticated_route_is_classified_and_refuses_anonymous_and_inactive)
{
    struct ts_user inactive;
    char sql[160];
    ts_learner(&srv, &inactive);
    snprintf(sql, sizeof(sql), "UPDATE users SET active = false WHERE id = '%s'", inactive.id);
    ts_sql(&srv, sql);

    json_t *paths = ts_openapi_paths(&srv), *ops, *op;
    const char *path, *method;
    int checked = 0;
    json_object_foreach(paths, path, ops)
    {
        json_object_foreach(ops, method, op)
        {
            if (json_object_get(op, "security") == NULL || strcmp(path, "/metrics") == 0)
                continue; /* public; /metrics: the token is optional ({} is a requirement) */
            char name[160], url[256], verb[16];
            op_name(method, path, name, sizeof(name));
            snprintf(verb, sizeof(verb), "%.*s", (int)strcspn(name, " "), name);
            if (strchr(path, '{') == NULL)
                cr_assert(listed(owner_lists, sizeof(owner_lists) / sizeof(owner_lists[0]), name) ||
                              listed(not_owner_filtered,
                                     sizeof(not_owner_filtered) / sizeof(not_owner_filtered[0]),
                                     name),
                          "%s is neither an owner list nor listed as not owner-filtered", name);
            struct ids x = {.id = NONE_ID, .module_id = NONE_ID, .screen_id = NONE_ID};
            expand(path, &x, ANON, url, sizeof(url));
            for (int k = 0; k < 2; k++) {
                struct ts_resp r;
                ts_as(&srv, k == 0 ? NULL : &inactive, verb, url, "{}", &r);
                cr_assert_eq(r.status, 401, "%s as %s: %ld", name,
                             k == 0 ? "anonymous" : "inactive", r.status);
                assert_refusal(&r, 401, k == 0 ? ANON : DEACT, name);
                ts_resp_free(&r);
            }
            checked++;
        }
    }
    json_decref(paths);
    cr_assert_eq(checked, 47, "authenticated operations: API.md §2 lists 47 besides /metrics");
}

/* The items of GET `path` as `u` (asserts 200; caller decrefs). */
static json_t *items_of(const struct ts_user *u, const char *path)
{
    struct ts_resp r;
    ts_as(&srv, u, "GET", path, NULL, &r);
    cr_assert_eq(r.status, 200, "GET %s: %s", path, r.body);
    json_t *items = json_incref(json_object_get(r.json, "items"));
    ts_resp_free(&r);
    cr_assert(json_is_array(items), "%s", path);
    return items;
}

/* Every item's `key` equals `want`, and there is at least one item. */
static void all_items_have(json_t *items, const char *key, const char *want, const char *what)
{
    size_t i;
    json_t *item;
    cr_assert_gt(json_array_size(items), 0, "%s: empty", what);
    json_array_foreach(items, i, item)
    {
        const char *v = json_string_value(json_object_get(item, key));
        cr_assert(v != NULL && strcmp(v, want) == 0, "%s: item %zu has %s %s, want %s", what, i,
                  key, v ? v : "null", want);
    }
}

static long status_of(const struct ts_user *u, const char *method, const char *path,
                      const char *body, const char *type)
{
    struct ts_resp r;
    ts_as(&srv, u, method, path, body, &r);
    long status = r.status;
    if (type != NULL)
        cr_assert(ts_has_error(&r, "[\"body\",\"module_id\"]", type) ||
                      ts_has_error(&r, "[\"query\",\"module_id\"]", type) ||
                      ts_has_error(&r, "[\"body\",\"screen_id\"]", type),
                  "%s %s: %s", method, path, r.body);
    ts_resp_free(&r);
    return status;
}

Test(authz, owner_lists_show_only_the_callers_objects)
{
    static struct world w;
    build(&w);
    struct ts_user *u = w.user;
    char path[200];

    /* Each user's progress record on the published module, and their feedback. */
    for (int i = L1; i < DEACT; i++) {
        snprintf(path, sizeof(path), "/api/v1/modules/%s/progress", w.published);
        cr_assert_eq(status_of(&u[i], "PUT", path, PROGRESS_BODY, NULL), 200);
    }
    for (int i = L1; i < DEACT; i++) {
        const char *id = u[i].id;
        json_t *items = items_of(&u[i], "/api/v1/checkins");
        all_items_have(items, "user_id", id, "GET /checkins");
        json_decref(items);
        items = items_of(&u[i], "/api/v1/users/me/progress");
        all_items_have(items, "user_id", id, "GET /users/me/progress");
        json_decref(items);
        items = items_of(&u[i], "/api/v1/users/me/assignments");
        all_items_have(items, "user_id", id, "GET /users/me/assignments");
        json_decref(items);

        /* Notifications: own ids only (another user's id is 404 to this one, as the matrix
         * shows), and the unread count agrees with the list. */
        items = items_of(&u[i], "/api/v1/notifications?limit=100");
        size_t k, unread = 0;
        json_t *n;
        json_array_foreach(items, k, n)
        {
            const char *nid = json_string_value(json_object_get(n, "id"));
            for (int j = L1; j < DEACT; j++)
                if (j != i)
                    cr_assert_neq(strcmp(nid, w.notification[j]), 0, "%s sees another's",
                                  role_names[i]);
            unread += json_is_false(json_object_get(n, "read"));
        }
        cr_assert_gt(json_array_size(items), 0);
        json_decref(items);
        struct ts_resp r;
        ts_as(&srv, &u[i], "GET", "/api/v1/notifications/unread-count", NULL, &r);
        cr_assert_eq(json_integer_value(json_object_get(r.json, "count")), (json_int_t)unread);
        ts_resp_free(&r);

        /* Modules: learners only published ones; A2 published or its own; nobody but A1 and
         * the admin sees A1's draft, even asking for it by author and status. */
        snprintf(path, sizeof(path), "/api/v1/modules?limit=100&author_id=%s&status=draft",
                 u[A1].id);
        items = items_of(&u[i], path);
        cr_assert_eq(json_array_size(items), i == A1 || i == ADMIN ? 1u : 0u, "%s: %zu drafts",
                     role_names[i], json_array_size(items));
        json_decref(items);
        items = items_of(&u[i], "/api/v1/modules?limit=100");
        json_array_foreach(items, k, n)
        {
            const char *status = json_string_value(json_object_get(n, "status"));
            const char *author = json_string_value(json_object_get(n, "author_id"));
            if (i == L1 || i == L2)
                cr_assert_str_eq(status, "published");
            if (i == A2)
                cr_assert(strcmp(status, "published") == 0 || strcmp(author, u[A2].id) == 0);
        }
        json_decref(items);
    }

    /* Assignments: an author sees those it created, the admin all of them. */
    json_t *items = items_of(&u[A2], "/api/v1/assignments?limit=100");
    all_items_have(items, "assigned_by", u[A2].id, "A2's GET /assignments");
    json_decref(items);
    items = items_of(&u[A1], "/api/v1/assignments?limit=100");
    all_items_have(items, "assigned_by", u[A1].id, "A1's GET /assignments");
    json_decref(items);
    items = items_of(&u[ADMIN], "/api/v1/assignments?limit=100");
    cr_assert_eq(json_array_size(items), 6u);
    json_decref(items);
    snprintf(path, sizeof(path), "/api/v1/assignments?user_id=%s", u[L1].id);
    items = items_of(&u[A2], path);
    cr_assert_eq(json_array_size(items), 0u, "A2 filtering by L1 sees A1's assignment");
    json_decref(items);

    /* read-all marks the caller's own only. */
    struct ts_resp r;
    ts_as(&srv, &u[L1], "POST", "/api/v1/notifications/read-all", NULL, &r);
    cr_assert_eq(r.status, 200);
    ts_resp_free(&r);
    ts_as(&srv, &u[L2], "GET", "/api/v1/notifications/unread-count", NULL, &r);
    cr_assert_gt(json_integer_value(json_object_get(r.json, "count")), 0);
    ts_resp_free(&r);

    /* Aggregates carry no notes and no user ids. */
    ts_as(&srv, &u[A1], "GET", "/api/v1/checkins/summary", NULL, &r);
    cr_assert_eq(r.status, 200);
    cr_assert_null(strstr(r.body, "MARK-NOTE"));
    for (int i = L1; i < NROLES; i++)
        cr_assert_null(strstr(r.body, u[i].id));
    ts_resp_free(&r);

    /* Ids of invisible objects in bodies and queries are unknown, never used. */
    char body[200];
    snprintf(body, sizeof(body), "{\"mood\":3,\"confidence\":3,\"module_id\":\"%s\"}", w.draft);
    struct ts_user fresh;
    ts_learner(&srv, &fresh);
    cr_assert_eq(status_of(&fresh, "POST", "/api/v1/checkins", body, "value_error"), 422);
    snprintf(body, sizeof(body), "{\"module_id\":\"%s\"}", w.draft);
    snprintf(path, sizeof(path), "/api/v1/checkins/%s", w.checkin[L2]);
    cr_assert_eq(status_of(&u[L2], "PATCH", path, body, "value_error"), 422);
    snprintf(body, sizeof(body), "{\"module_id\":\"%s\",\"user_id\":\"%s\"}", w.draft, u[L1].id);
    cr_assert_eq(status_of(&u[A2], "POST", "/api/v1/assignments", body, "value_error"), 422);
    snprintf(path, sizeof(path), "/api/v1/checkins/summary?module_id=%s", w.draft);
    cr_assert_eq(status_of(&u[A2], "GET", path, NULL, "value_error"), 422);
    /* A screen of another module: in the path 404, in a feedback body 422. */
    snprintf(path, sizeof(path), "/api/v1/modules/%s/screens/%s", w.published, w.draft_q);
    cr_assert_eq(status_of(&u[A1], "GET", path, NULL, NULL), 404);
    snprintf(path, sizeof(path), "/api/v1/modules/%s/screens/%s/answer", w.published, w.draft_q);
    cr_assert_eq(status_of(&u[L1], "POST", path, "{\"option_ids\":[\"b\"]}", NULL), 404);
    snprintf(path, sizeof(path), "/api/v1/modules/%s/feedback", w.published);
    snprintf(body, sizeof(body), "{\"rating\":3,\"screen_id\":\"%s\"}", w.draft_q);
    cr_assert_eq(status_of(&u[L1], "POST", path, body, "value_error"), 422);
}

/* A stored reply is the caller's own: the same Idempotency-Key and body from another user runs
 * afresh for them (§1.8: keys are scoped to user, method and path), never replaying the first
 * user's object. */
Test(authz, idempotency_keys_never_replay_another_users_reply)
{
    struct ts_user a, b;
    char mid[STR_UUID_SIZE], qid[STR_UUID_SIZE], path[160];
    struct ts_user admin;
    ts_admin(&srv, &admin);
    ts_learner(&srv, &a);
    ts_learner(&srv, &b);
    ts_linear_module(&srv, &admin, mid, qid);
    snprintf(path, sizeof(path), "/api/v1/modules/%s/feedback", mid);
    struct {
        const char *path, *body;
    } routes[] = {{"/api/v1/checkins", "{\"mood\":4,\"confidence\":4,\"note\":\"MARK-NOTE-A\"}"},
                  {path, "{\"rating\":4,\"comment\":\"MARK-FB-A\"}"}};
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        const struct ts_user *who[] = {&a, &b, &a};
        char first_id[STR_UUID_SIZE] = "";
        for (int k = 0; k < 3; k++) {
            const char *const h[] = {who[k]->auth, "Content-Type: application/json",
                                     "Idempotency-Key: shared-key-1", NULL};
            struct ts_resp r;
            ts_http(&srv, "POST", routes[i].path, h, routes[i].body, &r);
            cr_assert_eq(r.status, 201, "%s as user %d: %s", routes[i].path, k, r.body);
            cr_assert_str_eq(json_string_value(json_object_get(r.json, "user_id")), who[k]->id,
                             "%s: %s", routes[i].path, r.body);
            const char *id = json_string_value(json_object_get(r.json, "id"));
            const char *replayed = ts_header(&r, "Idempotent-Replayed");
            if (k == 0)
                snprintf(first_id, sizeof(first_id), "%s", id);
            if (k == 1) {
                cr_assert_null(replayed, "another user's key replayed");
                cr_assert_neq(strcmp(id, first_id), 0);
            }
            if (k == 2) { /* the first user's own retry is a replay */
                cr_assert(replayed != NULL && strcmp(replayed, "true") == 0);
                cr_assert_str_eq(id, first_id);
            }
            ts_resp_free(&r);
        }
    }
}
