/* A write load for fault tests; see load.h. */
#include "support/load.h"

#include <criterion/criterion.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "support/modules.h"
#include "support/sse.h"

static const char *const kind_names[TS_W_KINDS] = {"feedback", "progress", "checkin", "read"};

/* --- set-up ------------------------------------------------------------------------------ */

static void setup_learner(struct ts_load *l, struct ts_load_thread *t)
{
    struct ts_resp r;

    ts_learner(l->srv, &t->user);
    ts_as(l->srv, &t->user, "POST", "/api/v1/checkins", "{\"mood\":3,\"confidence\":3}", &r);
    cr_assert_eq(r.status, 201, "check-in: %s", r.body);
    snprintf(t->checkin_id, sizeof(t->checkin_id), "%s",
             json_string_value(json_object_get(r.json, "id")));
    ts_resp_free(&r);
    for (int i = 0; i < TS_LOAD_NOTIFICATIONS; i++)
        cr_assert_geq(ts_sse_notify(l->srv, t->user.id), 0);
    ts_as(l->srv, &t->user, "GET", "/api/v1/notifications?limit=100", NULL, &r);
    cr_assert_eq(r.status, 200, "%s", r.body);
    json_t *items = json_object_get(r.json, "items");
    cr_assert_eq(json_array_size(items), TS_LOAD_NOTIFICATIONS);
    for (size_t i = 0; i < json_array_size(items); i++)
        snprintf(t->notification_ids[i], sizeof(t->notification_ids[i]), "%s",
                 json_string_value(json_object_get(json_array_get(items, i), "id")));
    ts_resp_free(&r);
}

static void *setup_main(void *arg)
{
    struct ts_load_thread *t = arg;
    setup_learner(t->load, t);
    return NULL;
}

void ts_load_setup(struct ts_load *l, const struct ts_server *s, int nthreads)
{
    char body[256];

    cr_assert(nthreads > 0 && nthreads <= TS_LOAD_MAX_THREADS);
    memset(l, 0, sizeof(*l));
    l->srv = s;
    l->nthreads = nthreads;
    /* The author is made in the database: an admin (a CLI run) and a promotion would cost
     * two more password hashes, slow under the sanitizers. */
    ts_learner(s, &l->author);
    snprintf(body, sizeof(body), "UPDATE users SET role = 'author' WHERE id = '%s'", l->author.id);
    ts_sql(s, body);
    ts_module(s, &l->author, "{\"title\":\"Load\",\"flow_type\":\"linear\"}", l->module_id);
    snprintf(body, sizeof(body),
             "{\"type\":\"reflection\",\"title\":\"R\",\"content\":{\"prompt\":\"Why?\"}}");
    ts_screen(s, &l->author, l->module_id, body, l->screen_id);
    ts_publish(s, &l->author, l->module_id);
    /* The learners in parallel: each costs two password hashes. */
    for (int i = 0; i < nthreads; i++) {
        l->threads[i].load = l;
        l->threads[i].index = i;
        cr_assert_eq(pthread_create(&l->threads[i].thread, NULL, setup_main, &l->threads[i]), 0);
    }
    for (int i = 0; i < nthreads; i++)
        pthread_join(l->threads[i].thread, NULL);
    for (int i = 0; i < nthreads; i++)
        cr_assert(l->threads[i].checkin_id[0] != '\0', "learner %d was not set up", i);
}

void ts_load_retarget(struct ts_load *l, const struct ts_server *s)
{
    l->srv = s;
}

/* --- one request ------------------------------------------------------------------------- */

/* Sends one request on the thread's connection `c` and fills rec's status, transport error
 * and Retry-After; returns the parsed body (caller decrefs) or NULL. */
static json_t *request(CURL *c, struct ts_load_thread *t, const char *method, const char *path,
                       const char *body, struct ts_load_rec *rec)
{
    struct curl_slist *hl = NULL;
    struct ts_sink b = {0}, h = {0};
    char url[512];

    snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", t->load->srv->port, path);
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    hl = curl_slist_append(hl, t->user.auth);
    hl = curl_slist_append(hl, "Content-Type: application/json");
    hl = curl_slist_append(hl, "Expect:");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body != NULL ? body : "");
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, body != NULL ? (long)strlen(body) : 0L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, ts_sink_collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, ts_sink_collect);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &h);
    rec->at_ms = ts_mono_ms() - t->load->t0_ms;
    CURLcode rc = curl_easy_perform(c);
    rec->curl_rc = (int)rc;
    rec->sent = rc != CURLE_COULDNT_CONNECT;
    if (rc == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &rec->status);
    curl_slist_free_all(hl);

    struct ts_resp r = {.body = b.p, .headers = h.p};
    const char *ra = h.p != NULL ? ts_header(&r, "Retry-After") : NULL;
    snprintf(rec->retry_after, sizeof(rec->retry_after), "%s", ra != NULL ? ra : "");
    json_t *json = rc == CURLE_OK && b.p != NULL ? json_loads(b.p, 0, NULL) : NULL;
    free(b.p);
    free(h.p);
    return json;
}

static struct ts_load_rec *new_rec(struct ts_load_thread *t, enum ts_write_kind kind)
{
    if (t->nrecs == t->caprecs) {
        t->caprecs = t->caprecs ? 2 * t->caprecs : 256;
        t->recs = realloc(t->recs, t->caprecs * sizeof(*t->recs));
    }
    struct ts_load_rec *rec = &t->recs[t->nrecs++];
    memset(rec, 0, sizeof(*rec));
    rec->kind = kind;
    rec->seq = ++t->seq;
    return rec;
}

/* --- the threads ------------------------------------------------------------------------- */

static void write_once(CURL *c, struct ts_load_thread *t, enum ts_write_kind kind)
{
    struct ts_load *l = t->load;
    struct ts_load_rec *rec = new_rec(t, kind);
    char path[256], body[512];
    json_t *j = NULL;

    switch (kind) {
    case TS_W_FEEDBACK:
        snprintf(path, sizeof(path), "/api/v1/modules/%s/feedback", l->module_id);
        snprintf(body, sizeof(body), "{\"rating\":%lld,\"comment\":\"t%d-%lld\"}", 1 + rec->seq % 5,
                 t->index, rec->seq);
        j = request(c, t, "POST", path, body, rec);
        if (rec->status == 201 && json_is_string(json_object_get(j, "id")))
            snprintf(rec->id, sizeof(rec->id), "%s", json_string_value(json_object_get(j, "id")));
        break;
    case TS_W_PROGRESS:
        snprintf(path, sizeof(path), "/api/v1/modules/%s/progress", l->module_id);
        snprintf(body, sizeof(body),
                 "{\"version\":%lld,\"progress_data\":{\"current_screen_id\":null,"
                 "\"completed_screen_ids\":[],\"responses\":{\"%s\":{\"text\":\"t%d-%lld\"}}}}",
                 t->version, l->screen_id, t->index, rec->seq);
        j = request(c, t, "PUT", path, body, rec);
        if (rec->status == 200) {
            rec->version = json_integer_value(json_object_get(j, "version"));
            t->version = rec->version;
        } else if (rec->status == 409) { /* an earlier write committed without its answer */
            t->version =
                json_integer_value(json_object_get(json_object_get(j, "current"), "version"));
        }
        break;
    case TS_W_CHECKIN:
        snprintf(path, sizeof(path), "/api/v1/checkins/%s", t->checkin_id);
        snprintf(body, sizeof(body), "{\"note\":\"t%d-%lld\"}", t->index, rec->seq);
        j = request(c, t, "PATCH", path, body, rec);
        break;
    case TS_W_READ:
    default:
        snprintf(rec->id, sizeof(rec->id), "%s",
                 t->notification_ids[t->next_notification % TS_LOAD_NOTIFICATIONS]);
        snprintf(path, sizeof(path), "/api/v1/notifications/%s/read", rec->id);
        j = request(c, t, "POST", path, NULL, rec);
        if (rec->status == 200)
            t->next_notification++;
        break;
    }
    json_decref(j);
    /* No busy loop against a server that is down or refusing. */
    if (rec->status == 0 || rec->status >= 500)
        usleep(20 * 1000);
}

static void *run(void *arg)
{
    struct ts_load_thread *t = arg;
    CURL *c = curl_easy_init();

    for (unsigned i = (unsigned)t->index; !atomic_load(&t->load->stop); i++)
        write_once(c, t, (enum ts_write_kind)(i % TS_W_KINDS));
    curl_easy_cleanup(c);
    return NULL;
}

void ts_load_start(struct ts_load *l)
{
    atomic_store(&l->stop, false);
    l->t0_ms = ts_mono_ms();
    for (int i = 0; i < l->nthreads; i++)
        cr_assert_eq(pthread_create(&l->threads[i].thread, NULL, run, &l->threads[i]), 0);
}

void ts_load_stop(struct ts_load *l)
{
    atomic_store(&l->stop, true);
    for (int i = 0; i < l->nthreads; i++)
        pthread_join(l->threads[i].thread, NULL);
}

/* --- results ----------------------------------------------------------------------------- */

static bool matches(const struct ts_load_rec *r, long status)
{
    if (status < 0)
        return true;
    if (status == 2)
        return r->status >= 200 && r->status < 300;
    return r->status == status;
}

size_t ts_load_count_since(const struct ts_load *l, long status, int64_t since_ms)
{
    size_t n = 0;
    for (int i = 0; i < l->nthreads; i++)
        for (size_t k = 0; k < l->threads[i].nrecs; k++)
            n += l->threads[i].recs[k].at_ms >= since_ms && matches(&l->threads[i].recs[k], status);
    return n;
}

size_t ts_load_count(const struct ts_load *l, long status)
{
    return ts_load_count_since(l, status, INT64_MIN);
}

void ts_load_assert_replies(const struct ts_load *l, bool refused_ok, bool reset_ok)
{
    for (int i = 0; i < l->nthreads; i++) {
        for (size_t k = 0; k < l->threads[i].nrecs; k++) {
            const struct ts_load_rec *r = &l->threads[i].recs[k];
            const char *what = kind_names[r->kind];
            if (r->status == 0) {
                cr_assert(refused_ok || reset_ok, "%s at %lld ms: no reply (%s)", what,
                          (long long)r->at_ms, curl_easy_strerror((CURLcode)r->curl_rc));
                cr_assert(!r->sent || reset_ok,
                          "%s at %lld ms: the request was sent and got no status (%s)", what,
                          (long long)r->at_ms, curl_easy_strerror((CURLcode)r->curl_rc));
                continue;
            }
            if (r->status >= 200 && r->status < 300)
                continue;
            if (r->status == 409 && r->kind == TS_W_PROGRESS)
                continue;
            cr_assert_eq(r->status, 503, "%s at %lld ms: status %ld", what, (long long)r->at_ms,
                         r->status);
            cr_assert_str_eq(r->retry_after, "5", "%s at %lld ms: 503 without Retry-After: 5", what,
                             (long long)r->at_ms);
        }
    }
}

/* The number in a "t<thread>-<seq>" text, or -1. */
static long long seq_of(const char *text)
{
    const char *dash = text != NULL ? strchr(text, '-') : NULL;
    return dash != NULL ? atoll(dash + 1) : -1;
}

/* Every feedback id of the module (author's list, all pages); caller decrefs. */
static json_t *all_feedback(const struct ts_load *l, const struct ts_server *s)
{
    json_t *ids = json_object();
    char path[1024], cursor[600] = "";

    for (;;) {
        struct ts_resp r;
        snprintf(path, sizeof(path), "/api/v1/modules/%s/feedback?limit=100%s%s", l->module_id,
                 cursor[0] ? "&cursor=" : "", cursor);
        ts_as(s, &l->author, "GET", path, NULL, &r);
        cr_assert_eq(r.status, 200, "feedback list: %s", r.body);
        json_t *items = json_object_get(r.json, "items");
        for (size_t i = 0; i < json_array_size(items); i++) {
            json_t *it = json_array_get(items, i);
            json_object_set(ids, json_string_value(json_object_get(it, "id")),
                            json_object_get(it, "comment"));
        }
        const char *next = json_string_value(json_object_get(r.json, "next_cursor"));
        snprintf(cursor, sizeof(cursor), "%s", next ? next : "");
        ts_resp_free(&r);
        if (cursor[0] == '\0')
            return ids;
    }
}

int ts_load_audit(const struct ts_load *l, const struct ts_server *s)
{
    json_t *feedback = all_feedback(l, s);
    size_t acked_feedback = 0;
    int extra = 0;

    for (int i = 0; i < l->nthreads; i++) {
        const struct ts_load_thread *t = &l->threads[i];
        long long max_version = 0, version_seq = -1, note_seq = -1;
        struct ts_resp r;
        char path[256];

        ts_as(s, &t->user, "GET", "/api/v1/notifications?limit=100", NULL, &r);
        cr_assert_eq(r.status, 200, "%s", r.body);
        json_t *notes = json_object_get(r.json, "items");
        for (size_t k = 0; k < t->nrecs; k++) {
            const struct ts_load_rec *w = &t->recs[k];
            if (w->status < 200 || w->status >= 300)
                continue;
            if (w->kind == TS_W_FEEDBACK) {
                acked_feedback++;
                json_t *comment = json_object_get(feedback, w->id);
                cr_assert_not_null(comment,
                                   "feedback %s (t%d-%lld) was answered 201 but is missing", w->id,
                                   i, w->seq);
                cr_assert_eq(seq_of(json_string_value(comment)), w->seq);
            } else if (w->kind == TS_W_PROGRESS && w->version > max_version) {
                max_version = w->version;
                version_seq = w->seq;
            } else if (w->kind == TS_W_CHECKIN) {
                note_seq = w->seq;
            } else if (w->kind == TS_W_READ) {
                bool read = false;
                for (size_t n = 0; n < json_array_size(notes); n++) {
                    json_t *it = json_array_get(notes, n);
                    if (strcmp(json_string_value(json_object_get(it, "id")), w->id) == 0)
                        read = json_is_true(json_object_get(it, "read"));
                }
                cr_assert(read, "notification %s was answered 200 to read but is unread", w->id);
            }
        }
        ts_resp_free(&r);

        snprintf(path, sizeof(path), "/api/v1/modules/%s/progress", l->module_id);
        ts_as(s, &t->user, "GET", path, NULL, &r);
        cr_assert_eq(r.status, 200, "%s", r.body);
        long long version = json_integer_value(json_object_get(r.json, "version"));
        json_t *resp = json_object_get(
            json_object_get(json_object_get(r.json, "progress_data"), "responses"), l->screen_id);
        long long text_seq = seq_of(json_string_value(json_object_get(resp, "text")));
        cr_assert_geq(version, max_version, "learner %d: progress version %lld, acknowledged %lld",
                      i, version, max_version);
        if (version == max_version && max_version > 0)
            cr_assert_eq(text_seq, version_seq, "learner %d: progress holds write %lld, not %lld",
                         i, text_seq, version_seq);
        extra += (int)(version - max_version);
        ts_resp_free(&r);

        snprintf(path, sizeof(path), "/api/v1/checkins/%s", t->checkin_id);
        ts_as(s, &t->user, "GET", path, NULL, &r);
        cr_assert_eq(r.status, 200, "%s", r.body);
        long long stored = seq_of(json_string_value(json_object_get(r.json, "note")));
        cr_assert_geq(stored, note_seq,
                      "learner %d: check-in note is write %lld, acknowledged %lld", i, stored,
                      note_seq);
        extra += stored > note_seq;
        ts_resp_free(&r);
    }
    /* Feedback of this run of the load (the records' sequence numbers) beyond the
     * acknowledged: committed, answer lost. Earlier runs' feedback is not counted. */
    size_t mine = 0;
    const char *key;
    json_t *comment;
    json_object_foreach(feedback, key, comment)
    {
        int thread = -1;
        long long seq = -1;
        if (sscanf(json_string_value(comment) ? json_string_value(comment) : "", "t%d-%lld",
                   &thread, &seq) == 2 &&
            thread >= 0 && thread < l->nthreads && l->threads[thread].nrecs > 0 &&
            seq >= l->threads[thread].recs[0].seq)
            mine++;
    }
    cr_assert_geq(mine, acked_feedback);
    extra += (int)(mine - acked_feedback);
    json_decref(feedback);
    return extra;
}

void ts_load_report(const struct ts_load *l, const char *label)
{
    static const long statuses[] = {200, 201, 409, 500, 503};
    char line[512];
    int n = snprintf(line, sizeof(line), "%s: %zu requests, %zu 2xx", label, ts_load_count(l, -1),
                     ts_load_count(l, 2));

    for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
        size_t c = ts_load_count(l, statuses[i]);
        if (c > 0 && n < (int)sizeof(line))
            n += snprintf(line + n, sizeof(line) - (size_t)n, ", %zu x %ld", c, statuses[i]);
    }
    if (n < (int)sizeof(line))
        snprintf(line + n, sizeof(line) - (size_t)n, ", %zu without status", ts_load_count(l, 0));
    fprintf(stderr, "%s\n", line);
}

void ts_load_free(struct ts_load *l)
{
    for (int i = 0; i < l->nthreads; i++) {
        free(l->threads[i].recs);
        l->threads[i].recs = NULL;
        l->threads[i].nrecs = l->threads[i].caprecs = 0;
    }
}
