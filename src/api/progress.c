/*
 * Progress endpoints (API.md §8): load the module and the caller's record, apply the flow's
 * rules (src/domain/progress_*.c), and write the new state with a compare-and-swap on
 * `version` in the same transaction (src/db/progress.c explains the swap).
 *
 * Sections: loading and rendering; the write path shared by every endpoint; GET and PUT;
 * answer; submit and attempts; dashboard.
 */
#include "api/progress.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "api/module_access.h"
#include "api/module_cache.h"
#include "api/page.h"
#include "api/schemas.h"
#include "db/assignments.h"
#include "db/caller.h"
#include "domain/screen_refs.h"
#include "util/err.h"
#include "util/time.h"

/* --- loading and rendering ----------------------------------------------------------------- */

int api_progress_module_load(struct http_req *r, const struct module *m, struct progress_module *pm)
{
    const struct module_view *v;
    int rc = api_module_view_get(r, m, &v);

    if (rc < 0)
        return rc;
    json_t *settings = http_own_json(r, json_loads(m->settings, 0, NULL));
    json_t *max = json_object_get(settings, "max_attempts");
    pm->flow = m->flow;
    pm->screens = v->ps;
    pm->n = v->n;
    pm->start_screen_id = screen_refs_start(settings);
    pm->pass_score = (int)json_integer_value(json_object_get(settings, "pass_score"));
    pm->max_attempts = json_is_integer(max) ? (int)json_integer_value(max) : 0;
    return 0;
}

struct redact_ctx api_progress_redaction(const struct http_req *r, const struct module *m,
                                         json_t *data, enum progress_status status,
                                         const char *screen_id)
{
    struct redact_ctx ctx = {.full_view = api_module_is_owner(r, m)};

    if (ctx.full_view || data == NULL)
        return ctx;
    if (m->flow != FLOW_ASSESSMENT) {
        ctx.answered = screen_id != NULL && progress_has_answer(data, screen_id);
        return ctx;
    }
    json_t *settings = json_loads(m->settings, 0, NULL);
    json_t *max = json_object_get(settings, "max_attempts");
    json_int_t attempt = json_integer_value(json_object_get(data, "attempt"));
    ctx.submitted = !json_is_null(json_object_get(data, "submitted_at")) &&
                    json_object_get(data, "submitted_at") != NULL;
    ctx.no_more_attempts =
        ctx.submitted &&
        (status == PROGRESS_PASSED ||
         (status == PROGRESS_FAILED && json_is_integer(max) && attempt >= json_integer_value(max)));
    json_decref(settings);
    return ctx;
}

/* The Progress object of §8 for record `p`. `doc` is its progress_data already parsed
 * (borrowed), or NULL to parse p->data. */
static json_t *progress_json_doc(const struct module *m, const struct progress_rec *p, json_t *doc)
{
    json_t *data = doc != NULL ? json_incref(doc) : json_loads(p->data, 0, NULL);

    return json_pack("{s:s,s:s,s:s,s:s,s:i,s:o,s:i,s:o,s:o,s:o,s:o}", "module_id", p->module_id,
                     "user_id", p->user_id, "flow_type", flow_type_names[m->flow], "status",
                     progress_status_names[p->status], "percent", p->percent, "score",
                     p->has_score ? json_integer(p->score) : json_null(), "version", p->version,
                     "progress_data", data != NULL ? data : json_object(), "started_at",
                     time_to_json(p->started_at), "completed_at", time_to_json(p->completed_at),
                     "updated_at", time_to_json(p->updated_at));
}

static json_t *progress_json(const struct module *m, const struct progress_rec *p)
{
    return progress_json_doc(m, p, NULL);
}

int api_progress_caller_record(struct http_req *r, const struct module *m, struct progress_rec *p)
{
    const struct caller *cl = api_module_context(r, m->id);

    if (cl == NULL || !cl->record_read)
        return db_progress_get(r->conn, &r->arena, r->user->id, m->id, false, p);
    if (!cl->progress_found)
        return TS_ENOTFOUND;
    *p = cl->record;
    return 0;
}

/* How load_record() reads: the copy read with the token when there is one; the row as it is
 * now; the row locked until the transaction ends. */
enum record_read { RECORD_CONTEXT, RECORD_FRESH, RECORD_LOCKED };

/* The caller's record, or the version-0 state without one. */
static int load_record(struct http_req *r, const struct module *m, enum record_read how,
                       struct progress_rec *p)
{
    int rc = how == RECORD_CONTEXT
                 ? api_progress_caller_record(r, m, p)
                 : db_progress_get(r->conn, &r->arena, r->user->id, m->id, how == RECORD_LOCKED, p);

    if (rc != TS_ENOTFOUND)
        return rc;
    memset(p, 0, sizeof(*p));
    snprintf(p->user_id, sizeof(p->user_id), "%s", r->user->id);
    snprintf(p->module_id, sizeof(p->module_id), "%s", m->id);
    p->data = http_dump_new(&r->arena, progress_initial(m->flow));
    return 0;
}

/* --- the write path ---------------------------------------------------------------------- */

/*
 * Step 5 for every endpoint: the path ids (module_id, and screen_id when asked) and the body
 * fields already recorded in `body_v` (NULL: none), reported together. Then step 6: the module,
 * visible to the caller. 0, or -1 after replying.
 */
static int module_or_reply(struct http_req *r, struct valid *body_v, struct module *m,
                           char screen_id[STR_UUID_SIZE])
{
    struct valid v;
    char mid[STR_UUID_SIZE];

    valid_init(&v, &r->arena, "path");
    api_path_id(r, &v, "module_id", mid);
    if (screen_id != NULL)
        api_path_id(r, &v, "screen_id", screen_id);
    if (body_v != NULL)
        valid_merge(&v, body_v);
    if (http_valid_or_reply(r, &v) < 0)
        return -1;
    return api_module_load_or_reply(r, mid, API_MODULE_VISIBLE, m);
}

/*
 * Loads the record a write will replace and checks §8's writable rule: published, or archived
 * while the caller has a record or an assignment. 0, or -1 after replying 409/503.
 *
 * Two ways to write. A PUT carries the version it replaces, so it reads the record without a
 * lock or a transaction (the copy read with the token) and lets the compare-and-swap of
 * store() decide: a concurrent write in between makes it a version conflict, which is the
 * answer the client gets anyway. The server-driven writes (answer, submit, attempts) carry no
 * version: they open the write transaction and lock the record, so concurrent ones serialise
 * and the second sees the first's outcome (e.g. "Question already answered").
 */
static int load_writable_or_reply(struct http_req *r, const struct module *m, bool locked,
                                  struct progress_rec *p)
{
    if (locked && http_begin_write_or_reply(r) < 0)
        return -1;
    int rc = load_record(r, m, locked ? RECORD_LOCKED : RECORD_CONTEXT, p);
    if (rc < 0) {
        http_reply_err(r, rc);
        return -1;
    }
    /* Archived: only those who already have a record or an assignment go on (§8). The
     * connection is the one the record was read on. */
    bool engaged = p->version > 0;
    if (m->status == MODULE_ARCHIVED && !engaged)
        rc = db_assignments_exists(r->conn, r->user->id, m->id, &engaged);
    if (rc < 0) {
        http_reply_err(r, rc);
        return -1;
    }
    if (m->status == MODULE_PUBLISHED || (m->status == MODULE_ARCHIVED && engaged))
        return 0;
    http_reply_detail(r, 409, "Module is not published");
    return -1;
}

/* 409 {"detail":"Version conflict","current":{…}} with the record as it is now. */
static int reply_version_conflict(struct http_req *r, const struct module *m)
{
    struct progress_rec now;

    db_rollback(r->conn);
    int rc = load_record(r, m, RECORD_FRESH, &now);
    if (rc < 0)
        return http_reply_err(r, rc);
    return http_reply_json_new(
        r, 409,
        json_pack("{s:s,s:o}", "detail", "Version conflict", "current", progress_json(m, &now)));
}

/*
 * Stores `data` (taken) as the next version of `old`: recomputes status, percent, score and
 * the timestamps and writes with the compare-and-swap (the reply commits). On success *out is
 * the new record and *doc its document, kept for the reply (owned by the request), so it is
 * not parsed back.
 */
static int store(struct http_req *r, const struct module *m, const struct progress_module *pm,
                 const struct progress_rec *old, json_t *data, struct progress_rec *out,
                 json_t **doc)
{
    struct progress_summary sum;
    int64_t now = time_now_ms();

    progress_flow_for(m->flow)->summarize(pm, data, &sum);
    *out = *old;
    *doc = http_own_json(r, json_incref(data));
    out->data = http_dump_new(&r->arena, data);
    out->status = sum.status;
    out->percent = sum.percent;
    out->has_score = sum.has_score;
    out->score = sum.score;
    out->version = old->version + 1;
    out->updated_at = now;
    if (out->started_at == 0 && sum.status != PROGRESS_NOT_STARTED)
        out->started_at = now;
    bool done = sum.status == PROGRESS_COMPLETED || sum.status == PROGRESS_PASSED ||
                sum.status == PROGRESS_FAILED;
    bool was_done = old->version > 0 && old->completed_at != 0 && old->status == sum.status;
    out->completed_at = done ? (was_done ? old->completed_at : now) : 0;
    return db_progress_write(r->conn, out, old->version);
}

/* Ends a write: commits the transaction when one is open (a PUT's single statement was its
 * own) and replies 200 with the new record (document `doc`); or the version conflict, or the
 * failure. */
static int reply_stored(struct http_req *r, const struct module *m, int rc,
                        const struct progress_rec *p, json_t *doc)
{
    if (rc == TS_ECONFLICT)
        return reply_version_conflict(r, m);
    if (rc < 0)
        return http_reply_err(r, rc);
    return http_commit_and_reply(r, 200, progress_json_doc(m, p, doc));
}

/* The body's "version" (int >= 0), for PUT (schema `s`), submit and attempts. */
static void parse_version(struct valid *v, const struct schema *s, json_t *body, int64_t *version)
{
    valid_field(v, body, s, "version", version);
}

/* --- GET and PUT ------------------------------------------------------------------------- */

int api_progress_get(struct http_req *r)
{
    struct module m;
    struct progress_rec p;

    if (module_or_reply(r, NULL, &m, NULL) < 0)
        return 0;
    int rc = load_record(r, &m, RECORD_CONTEXT, &p);
    if (rc < 0)
        return http_reply_err(r, rc);
    return http_reply_json_new(r, 200, progress_json(&m, &p));
}

int api_progress_put(struct http_req *r)
{
    struct progress_module pm;
    struct progress_rec old, neu;
    json_t *doc = NULL;
    struct module m;
    json_t *data = NULL, *out = NULL;
    int64_t version = 0;
    struct valid v;

    valid_init(&v, &r->arena, "body");
    parse_version(&v, &schema_progress_put_body, r->json, &version);
    valid_field(&v, r->json, &schema_progress_put_body, "progress_data", &data);
    if (module_or_reply(r, &v, &m, NULL) < 0 || load_writable_or_reply(r, &m, false, &old) < 0)
        return 0;
    if (version != old.version)
        return reply_version_conflict(r, &m);
    int rc = api_progress_module_load(r, &m, &pm);
    if (rc < 0)
        return http_reply_err(r, rc);
    json_t *stored = http_own_json(r, json_loads(old.data, 0, NULL));
    valid_init(&v, &r->arena, "body");
    valid_push_key(&v, "progress_data");
    rc = progress_flow_for(m.flow)->put(&v, &pm, stored, data, &out);
    valid_pop(&v);
    if (rc == TS_ECONFLICT) {
        valid_free(&v);
        return http_reply_detail(r, 409, "Attempt already submitted");
    }
    if (http_valid_or_reply(r, &v) < 0)
        return 0;
    rc = store(r, &m, &pm, &old, out, &neu, &doc);
    return reply_stored(r, &m, rc, &neu, doc);
}

/* --- answer ------------------------------------------------------------------------------ */

/* The body of an answer: 1..ANSWER_MAX_OPTIONS unique strings. */
static void parse_option_ids(struct valid *v, json_t *body, json_t **ids)
{
    const struct schema_field *each = schema_find(&schema_answer_body, "option_ids")->items;
    const char *strings[ANSWER_MAX_OPTIONS];
    size_t n = 0;
    json_t *item;
    size_t i;

    if (valid_field(v, body, &schema_answer_body, "option_ids", ids) != V_OK)
        return;
    valid_push_key(v, "option_ids");
    json_array_foreach(*ids, i, item)
    {
        valid_push_index(v, i);
        if (n < ANSWER_MAX_OPTIONS && valid_check_field(v, NULL, each, item, &strings[n]) == V_OK)
            n++;
        valid_pop(v);
    }
    valid_check_unique(v, NULL, strings, n);
    valid_pop(v);
}

/* The correct_option_ids and explanation of a question, for the answer's reply. */
static void answer_key(const struct progress_screen *s, json_t *reply)
{
    json_t *ids = json_object_get(s->content, "correct_option_ids");
    json_t *expl = json_object_get(s->content, "explanation");

    json_object_set_new(reply, "correct_option_ids", ids ? json_deep_copy(ids) : json_array());
    json_object_set_new(reply, "explanation", expl ? json_deep_copy(expl) : json_null());
}

/* 409 "Question already answered" with the stored result. */
static int reply_answered(struct http_req *r, const struct progress_screen *s, json_t *stored)
{
    json_t *given = json_object_get(json_object_get(stored, "responses"), s->id);
    json_t *answer = json_pack("{s:O,s:O}", "option_ids", json_object_get(given, "option_ids"),
                               "correct", json_object_get(given, "correct"));

    answer_key(s, answer);
    return http_reply_json_new(
        r, 409, json_pack("{s:s,s:o}", "detail", "Question already answered", "answer", answer));
}

/* The state checks of §8.5 after visibility and the writable rule: 409s. */
static int answerable_or_reply(struct http_req *r, const struct module *m,
                               const struct progress_screen *s)
{
    if (s->type != SCREEN_QUESTION)
        http_reply_detail(r, 409, "Screen is not a question");
    else if (m->flow == FLOW_ASSESSMENT)
        http_reply_detail(r, 409, "Assessment answers are graded on submit");
    else
        return 0;
    return -1;
}

int api_progress_answer(struct http_req *r)
{
    struct progress_module pm;
    struct progress_rec old, neu;
    json_t *doc = NULL;
    struct module m;
    struct valid v, pv;
    json_t *ids = NULL, *out = NULL;
    char sid[STR_UUID_SIZE];
    bool correct = false;

    valid_init(&v, &r->arena, "body");
    parse_option_ids(&v, r->json, &ids);
    if (module_or_reply(r, &v, &m, sid) < 0)
        return 0;
    int rc = api_progress_module_load(r, &m, &pm);
    int qi = rc == 0 ? progress_find_screen(&pm, sid) : -1;
    if (rc == 0 && qi < 0)
        rc = TS_ENOTFOUND; /* not a screen of this module */
    if (rc < 0)
        return http_reply_err(r, rc);
    if (load_writable_or_reply(r, &m, true, &old) < 0 ||
        answerable_or_reply(r, &m, &pm.screens[qi]) < 0)
        return 0;
    json_t *stored = http_own_json(r, json_loads(old.data, 0, NULL));
    valid_init(&pv, &r->arena, "path");
    valid_init(&v, &r->arena, "body");
    rc = progress_answer(&pv, &v, &pm, stored, qi, ids, time_now_ms(), &out, &correct);
    if (rc == TS_ECONFLICT) {
        valid_free(&pv);
        valid_free(&v);
        return reply_answered(r, &pm.screens[qi], stored);
    }
    valid_merge(&pv, &v);
    if (http_valid_or_reply(r, &pv) < 0)
        return 0;
    rc = store(r, &m, &pm, &old, out, &neu, &doc);
    if (rc < 0)
        return reply_stored(r, &m, rc, &neu, doc);
    json_t *reply =
        json_pack("{s:s,s:b,s:O}", "screen_id", sid, "correct", correct, "option_ids", ids);
    answer_key(&pm.screens[qi], reply);
    json_object_set_new(reply, "progress", progress_json_doc(&m, &neu, doc));
    return http_commit_and_reply(r, 200, reply);
}

/* --- submit and attempts ----------------------------------------------------------------- */

/* The shared start of submit and attempts: version body, module, writable, assessment,
 * version. 0 with the module, record and loaded module, or -1 after replying. */
static int assessment_write_or_reply(struct http_req *r, struct module *m, struct progress_rec *p,
                                     struct progress_module *pm, json_t **stored)
{
    struct valid v;
    int64_t version = 0;

    valid_init(&v, &r->arena, "body");
    parse_version(&v, &schema_version_body, r->json, &version);
    if (module_or_reply(r, &v, m, NULL) < 0 || load_writable_or_reply(r, m, true, p) < 0)
        return -1;
    if (m->flow != FLOW_ASSESSMENT) {
        http_reply_detail(r, 409, "Not an assessment module");
        return -1;
    }
    if (version != p->version) {
        reply_version_conflict(r, m);
        return -1;
    }
    int rc = api_progress_module_load(r, m, pm);
    if (rc < 0) {
        http_reply_err(r, rc);
        return -1;
    }
    *stored = http_own_json(r, json_loads(p->data, 0, NULL));
    return 0;
}

/* The two assessment transitions of §8.6 after the shared checks. */
enum assessment_step { STEP_SUBMIT, STEP_NEXT_ATTEMPT };

static int assessment_step(struct http_req *r, enum assessment_step step)
{
    static const char *const refusals[] = {
        [ATTEMPT_NOT_SUBMITTED] = "Current attempt is not submitted",
        [ATTEMPT_PASSED] = "Module already passed",
        [ATTEMPT_NONE_LEFT] = "No attempts remaining",
    };
    struct progress_module pm;
    struct progress_rec old, neu;
    json_t *doc = NULL;
    struct module m;
    json_t *stored = NULL, *out = NULL;
    int rc = 0;

    if (assessment_write_or_reply(r, &m, &old, &pm, &stored) < 0)
        return 0;
    if (step == STEP_SUBMIT) {
        rc = progress_assessment_submit(&pm, stored, time_now_ms(), &out);
        if (rc == TS_ECONFLICT)
            return http_reply_detail(r, 409, "Attempt already submitted");
    } else {
        enum attempt_refusal why = progress_assessment_next(&pm, stored, &out);
        if (why != ATTEMPT_OK)
            return http_reply_detail(r, 409, refusals[why]);
    }
    if (rc == 0)
        rc = store(r, &m, &pm, &old, out, &neu, &doc);
    return reply_stored(r, &m, rc, &neu, doc);
}

int api_progress_submit(struct http_req *r)
{
    return assessment_step(r, STEP_SUBMIT);
}

int api_progress_attempts(struct http_req *r)
{
    return assessment_step(r, STEP_NEXT_ATTEMPT);
}

/* --- dashboard --------------------------------------------------------------------------- */

/* A dashboard item: the record with a summary of its module. */
static json_t *render_dashboard_item(const void *item)
{
    const struct db_progress_item *it = item;
    struct module m = {.flow = it->flow};
    json_t *out = progress_json(&m, &it->rec);

    json_object_set_new(out, "module",
                        json_pack("{s:s,s:s,s:s,s:s}", "id", it->rec.module_id, "title", it->title,
                                  "flow_type", flow_type_names[it->flow], "status",
                                  module_status_names[it->module_status]));
    return out;
}

static const struct page_item_ops dashboard_items = {
    render_dashboard_item, offsetof(struct db_progress_item, rec.updated_at),
    offsetof(struct db_progress_item, rec.module_id)};

int api_progress_dashboard(struct http_req *r)
{
    struct db_progress_filter f = {.user_id = r->user->id, .status = -1};
    struct db_progress_item *items = NULL;
    struct page_in page;
    struct valid v;
    int n = 0;

    valid_init(&v, &r->arena, "query");
    valid_text_field(&v, &schema_dashboard_query, "status", http_query(r, "status"), &f.status);
    const char *scope = arena_printf(&r->arena, "progress|%d", f.status);
    if (api_page_parse_or_reply(r, &v, scope, &page) < 0)
        return 0;
    f.page = api_page_keyset(&page);
    struct db_conn *c;
    int rc = http_conn(r, &c);
    if (rc == 0)
        rc = db_progress_list(c, &r->arena, &f, &items, &n);
    return api_page_reply(r, rc, &page, scope, items, sizeof(*items), n, &dashboard_items);
}
