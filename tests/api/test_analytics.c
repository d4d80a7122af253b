/*
 * Analytics (API.md §13): for each flow type, learners with different journeys written through
 * the progress endpoints, and every figure of the reply checked against numbers worked out by
 * hand (in the comments); the empty module; feedback; who may read analytics.
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "support/modules.h"

static struct ts_server srv;
static struct ts_user admin, author, other_author, learner;

static void start(void)
{
    ts_server_start(&srv, NULL);
    ts_admin(&srv, &admin);
    ts_user_with_role(&srv, &admin, "author", &author);
    ts_user_with_role(&srv, &admin, "author", &other_author);
    ts_learner(&srv, &learner);
}

static void stop(void)
{
    cr_assert_eq(ts_server_stop(&srv), 0);
}

TestSuite(analytics, .init = start, .fini = stop, .timeout = 180);

/* --- helpers ------------------------------------------------------------------------------- */

/* printf into one of four static buffers, taken in turn: a result stays valid for the next
 * three calls, enough for the arguments of one request and the expected reply. */
static const char *fmt(const char *format, ...) __attribute__((format(printf, 1, 2)));
static const char *fmt(const char *format, ...)
{
    static char text[4][8192];
    static int next;
    char *out = text[next++ % 4];
    va_list ap;

    va_start(ap, format);
    int n = vsnprintf(out, sizeof(text[0]), format, ap);
    va_end(ap);
    cr_assert(n > 0 && (size_t)n < sizeof(text[0]));
    return out;
}

/* `method` on the module's `suffix` ("/progress", "/progress/submit", ...) as `u` with `body`;
 * asserts 200 and returns the record's new version. */
static int write_progress(const struct ts_user *u, const char *mid, const char *method,
                          const char *suffix, const char *body)
{
    char path[200];
    struct ts_resp r;

    snprintf(path, sizeof(path), "/api/v1/modules/%s%s", mid, suffix);
    ts_as(&srv, u, method, path, body, &r);
    cr_assert_eq(r.status, 200, "%s %s %s: %s", method, suffix, body, r.body);
    json_t *p = json_object_get(r.json, "progress");
    int version = (int)json_integer_value(json_object_get(p != NULL ? p : r.json, "version"));
    ts_resp_free(&r);
    return version;
}

/* PUT progress_data (JSON text) at `version`; returns the new version. */
static int put(const struct ts_user *u, const char *mid, int version, const char *data)
{
    char body[2048];

    snprintf(body, sizeof(body), "{\"version\":%d,\"progress_data\":%s}", version, data);
    return write_progress(u, mid, "PUT", "/progress", body);
}

/* Submit (or start the next attempt: what "/attempts") at `version`; returns the new one. */
static int post(const struct ts_user *u, const char *mid, const char *what, int version)
{
    char body[64];

    snprintf(body, sizeof(body), "{\"version\":%d}", version);
    return write_progress(u, mid, "POST", what, body);
}

/* Answers linear question `qid` with option "b" (correct); returns the new version. */
static int answer(const struct ts_user *u, const char *mid, const char *qid)
{
    return write_progress(u, mid, "POST", fmt("/screens/%s/answer", qid),
                          "{\"option_ids\":[\"b\"]}");
}

static void analytics(const struct ts_user *u, const char *mid, struct ts_resp *r)
{
    ts_as(&srv, u, "GET", fmt("/api/v1/modules/%s/analytics", mid), NULL, r);
}

/* Asserts that the analytics of `mid`, read by `u`, are exactly `expected` (JSON text). Rates
 * are compared as written: a rate over a non-zero count is a fraction ("1.0", "0.5"), the 0
 * of "nobody started" an integer. */
static void expect(const struct ts_user *u, const char *mid, const char *expected)
{
    struct ts_resp r;

    analytics(u, mid, &r);
    cr_assert_eq(r.status, 200, "%s", r.body);
    ts_assert_json(&r, expected);
    ts_resp_free(&r);
}

static void patch_module(const char *mid, const char *body)
{
    struct ts_resp r;

    ts_as(&srv, &author, "PATCH", fmt("/api/v1/modules/%s", mid), body, &r);
    cr_assert_eq(r.status, 200, "%s", r.body);
    ts_resp_free(&r);
}

#define QUESTION(title)                                                                            \
    "{\"type\":\"question\",\"title\":\"" title "\",\"content\":{\"kind\":\"single\","             \
    "\"prompt\":\"Pick\",\"options\":[{\"id\":\"a\",\"text\":\"A\"},{\"id\":\"b\",\"text\":\"B\"}" \
    "],\"correct_option_ids\":[\"b\"]}}"
#define CONTENT(title) "{\"type\":\"content\",\"title\":\"" title "\",\"content\":{\"body\":\"x\"}}"

/* --- linear -------------------------------------------------------------------------------- */

/* A linear learner completes the intro (s[0]) and answers the question (s[1]) rightly;
 * returns the record's version. */
static int past_the_question(const struct ts_user *u, const char *mid, char s[][STR_UUID_SIZE])
{
    put(u, mid, 0,
        fmt("{\"current_screen_id\":\"%s\",\"completed_screen_ids\":[\"%s\"]}", s[1], s[0]));
    return answer(u, mid, s[1]);
}

Test(analytics, linear_counts_completed_and_current_screens)
{
    char mid[STR_UUID_SIZE], s[4][STR_UUID_SIZE];
    struct ts_user b, c, d, e, f;

    ts_module(&srv, &author, "{\"title\":\"Linear\",\"flow_type\":\"linear\"}", mid);
    ts_screen(&srv, &author, mid, CONTENT("Intro"), s[0]);
    ts_screen(&srv, &author, mid, QUESTION("Check"), s[1]);
    ts_screen(&srv, &author, mid,
              "{\"type\":\"reflection\",\"title\":\"Think\",\"content\":{\"prompt\":\"Why?\","
              "\"min_length\":5}}",
              s[2]);
    ts_screen(&srv, &author, mid,
              "{\"type\":\"checklist\",\"title\":\"Do\",\"content\":{\"prompt\":\"Do\","
              "\"items\":[{\"id\":\"i1\",\"text\":\"One\"}]}}",
              s[3]);
    ts_publish(&srv, &author, mid);
    ts_learner(&srv, &b);
    ts_learner(&srv, &c);
    ts_learner(&srv, &d);
    ts_learner(&srv, &e);
    ts_learner(&srv, &f);

    /* learner: no record. b: a record that is still not_started (not in the population). */
    put(&b, mid, 0, "{\"current_screen_id\":null,\"completed_screen_ids\":[],\"responses\":{}}");
    /* c: on the intro, nothing completed. */
    put(&c, mid, 0, fmt("{\"current_screen_id\":\"%s\",\"completed_screen_ids\":[]}", s[0]));
    /* d: intro and question done, on the reflection. */
    int v = past_the_question(&d, mid, s);
    put(&d, mid, v,
        fmt("{\"current_screen_id\":\"%s\",\"completed_screen_ids\":[\"%s\",\"%s\"]}", s[2], s[0],
            s[1]));
    /* e: the same two done, gone back to the intro (a completed screen is its position). */
    v = past_the_question(&e, mid, s);
    put(&e, mid, v,
        fmt("{\"current_screen_id\":\"%s\",\"completed_screen_ids\":[\"%s\",\"%s\"]}", s[0], s[1],
            s[0]));
    /* f: completed everything. */
    v = past_the_question(&f, mid, s);
    put(&f, mid, v,
        fmt("{\"current_screen_id\":null,\"completed_screen_ids\":[\"%s\",\"%s\",\"%s\",\"%s\"],"
            "\"responses\":{\"%s\":{\"text\":\"Because.\"},\"%s\":{\"checked_item_ids\":[\"i1\"]}}"
            "}",
            s[0], s[1], s[2], s[3], s[2], s[3]));

    /* P = {c, d, e, f}: 4 started, 1 completed.
     * Intro:      reached c, d, e, f = 4 (1.0);   drop-off c, e = 2 (2/4 = 0.5)
     * Question:   reached d, e, f = 3 (0.75);     drop-off 0 (0/3 = 0.0)
     * Reflection: reached d (current), f = 2 (0.5); drop-off d = 1 (0.5)
     * Checklist:  reached f = 1 (0.25);           drop-off 0 (0.0; f is completed) */
    expect(&author, mid,
           fmt("{\"module_id\":\"%s\",\"flow_type\":\"linear\",\"learners_started\":4,"
               "\"learners_completed\":1,\"completion_rate\":0.25,\"learners_passed\":null,"
               "\"learners_failed\":null,\"average_score\":null,\"feedback_count\":0,"
               "\"average_rating\":null,\"screens\":["
               "{\"screen_id\":\"%s\",\"position\":1,\"title\":\"Intro\",\"type\":\"content\","
               "\"reached\":4,\"reach_rate\":1.0,\"drop_off\":2,\"drop_off_rate\":0.5},"
               "{\"screen_id\":\"%s\",\"position\":2,\"title\":\"Check\",\"type\":\"question\","
               "\"reached\":3,\"reach_rate\":0.75,\"drop_off\":0,\"drop_off_rate\":0.0},"
               "{\"screen_id\":\"%s\",\"position\":3,\"title\":\"Think\",\"type\":\"reflection\","
               "\"reached\":2,\"reach_rate\":0.5,\"drop_off\":1,\"drop_off_rate\":0.5},"
               "{\"screen_id\":\"%s\",\"position\":4,\"title\":\"Do\",\"type\":\"checklist\","
               "\"reached\":1,\"reach_rate\":0.25,\"drop_off\":0,\"drop_off_rate\":0.0}]}",
               mid, s[0], s[1], s[2], s[3]));
}

/* --- branching ----------------------------------------------------------------------------- */

/*
 * Screens in position order: 0 Start -> 1 Fork (x -> 3 End, y -> 2 Again, z -> 4 Other end);
 * 2 Again -> 0 Start (a "try again" loop); 3 End and 4 Other end are terminal.
 */
static void fork_module(char mid[STR_UUID_SIZE], char s[5][STR_UUID_SIZE])
{
    struct ts_resp r;

    ts_module(&srv, &author, "{\"title\":\"Fork\",\"flow_type\":\"branching\"}", mid);
    ts_screen(&srv, &author, mid, CONTENT("Start"), s[0]);
    ts_screen(&srv, &author, mid,
              fmt("{\"type\":\"content\",\"title\":\"Again\",\"content\":{\"body\":\"x\"},"
                  "\"next_screen_id\":\"%s\"}",
                  s[0]),
              s[2]);
    ts_screen(&srv, &author, mid, CONTENT("End"), s[3]);
    ts_screen(&srv, &author, mid, CONTENT("Other end"), s[4]);
    ts_screen(&srv, &author, mid,
              fmt("{\"type\":\"branch\",\"title\":\"Fork\",\"content\":{\"prompt\":\"P\","
                  "\"choices\":[{\"id\":\"x\",\"text\":\"X\",\"next_screen_id\":\"%s\"},"
                  "{\"id\":\"y\",\"text\":\"Y\",\"next_screen_id\":\"%s\"},"
                  "{\"id\":\"z\",\"text\":\"Z\",\"next_screen_id\":\"%s\"}]}}",
                  s[3], s[2], s[4]),
              s[1]);
    ts_as(&srv, &author, "PATCH", fmt("/api/v1/modules/%s/screens/%s", mid, s[0]),
          fmt("{\"next_screen_id\":\"%s\"}", s[1]), &r);
    cr_assert_eq(r.status, 200, "%s", r.body);
    ts_resp_free(&r);
    ts_as(
        &srv, &author, "PUT", fmt("/api/v1/modules/%s/screen-order", mid),
        fmt("{\"screen_ids\":[\"%s\",\"%s\",\"%s\",\"%s\",\"%s\"]}", s[0], s[1], s[2], s[3], s[4]),
        &r);
    cr_assert_eq(r.status, 200, "%s", r.body);
    ts_resp_free(&r);
    patch_module(mid, fmt("{\"settings\":{\"start_screen_id\":\"%s\"}}", s[0]));
    ts_publish(&srv, &author, mid);
}

/* A path step: the screen id, then the choice as JSON ("null", "\"y\""). */
#define STEP "{\"screen_id\":\"%s\",\"choice_id\":%s}"

Test(analytics, branching_counts_each_screen_of_a_path_once)
{
    char mid[STR_UUID_SIZE], s[5][STR_UUID_SIZE];
    struct ts_user g, h, i, j;

    fork_module(mid, s);
    ts_learner(&srv, &g);
    ts_learner(&srv, &h);
    ts_learner(&srv, &i);
    ts_learner(&srv, &j);
    /* j: an empty path (a record, not started). g: on Start. */
    put(&j, mid, 0, "{\"path\":[]}");
    put(&g, mid, 0, fmt("{\"path\":[" STEP "]}", s[0], "null"));
    /* h: Start, Fork (y), Again, Start, Fork: looped once, now on Fork. */
    put(&h, mid, 0,
        fmt("{\"path\":[" STEP "," STEP "," STEP "," STEP "," STEP "]}", s[0], "null", s[1],
            "\"y\"", s[2], "null", s[0], "null", s[1], "null"));
    /* i: Start, Fork (x), End: completed. */
    put(&i, mid, 0,
        fmt("{\"path\":[" STEP "," STEP "," STEP "]}", s[0], "null", s[1], "\"x\"", s[3], "null"));

    /* P = {g, h, i}: 3 started, 1 completed (1/3 = 0.3333).
     * Start:     reached g, h, i = 3 (1.0; twice on h's path, counted once);
     *            drop-off g = 1 (0.3333)
     * Fork:      reached h, i = 2 (0.6667); drop-off h = 1 (0.5)
     * Again:     reached h = 1 (0.3333); drop-off 0 (0.0)
     * End:       reached i = 1 (0.3333); drop-off 0 (0.0: i is completed)
     * Other end: reached 0 (0.0); drop-off 0, rate 0 (nobody reached it) */
    expect(&author, mid,
           fmt("{\"module_id\":\"%s\",\"flow_type\":\"branching\",\"learners_started\":3,"
               "\"learners_completed\":1,\"completion_rate\":0.3333,\"learners_passed\":null,"
               "\"learners_failed\":null,\"average_score\":null,\"feedback_count\":0,"
               "\"average_rating\":null,\"screens\":["
               "{\"screen_id\":\"%s\",\"position\":1,\"title\":\"Start\",\"type\":\"content\","
               "\"reached\":3,\"reach_rate\":1.0,\"drop_off\":1,\"drop_off_rate\":0.3333},"
               "{\"screen_id\":\"%s\",\"position\":2,\"title\":\"Fork\",\"type\":\"branch\","
               "\"reached\":2,\"reach_rate\":0.6667,\"drop_off\":1,\"drop_off_rate\":0.5},"
               "{\"screen_id\":\"%s\",\"position\":3,\"title\":\"Again\",\"type\":\"content\","
               "\"reached\":1,\"reach_rate\":0.3333,\"drop_off\":0,\"drop_off_rate\":0.0},"
               "{\"screen_id\":\"%s\",\"position\":4,\"title\":\"End\",\"type\":\"content\","
               "\"reached\":1,\"reach_rate\":0.3333,\"drop_off\":0,\"drop_off_rate\":0.0},"
               "{\"screen_id\":\"%s\",\"position\":5,\"title\":\"Other end\",\"type\":\"content\","
               "\"reached\":0,\"reach_rate\":0.0,\"drop_off\":0,\"drop_off_rate\":0}]}",
               mid, s[0], s[1], s[2], s[3], s[4]));
}

/* --- assessment ---------------------------------------------------------------------------- */

/* Intro, then three single questions (correct "b"); pass_score 70, unlimited attempts. A
 * score is floor(100 x right / 3): 0, 33, 66 or 100. */
static void quiz_module(char mid[STR_UUID_SIZE], char s[4][STR_UUID_SIZE])
{
    ts_module(&srv, &author,
              "{\"title\":\"Quiz\",\"flow_type\":\"assessment\",\"settings\":{\"pass_score\":70}}",
              mid);
    ts_screen(&srv, &author, mid, CONTENT("Intro"), s[0]);
    ts_screen(&srv, &author, mid, QUESTION("Q1"), s[1]);
    ts_screen(&srv, &author, mid, QUESTION("Q2"), s[2]);
    ts_screen(&srv, &author, mid, QUESTION("Q3"), s[3]);
    ts_publish(&srv, &author, mid);
}

Test(analytics, assessment_counts_answers_of_every_attempt_once)
{
    char mid[STR_UUID_SIZE], s[4][STR_UUID_SIZE];
    struct ts_user k, m, o, p, q;

    quiz_module(mid, s);
    ts_learner(&srv, &k);
    ts_learner(&srv, &m);
    ts_learner(&srv, &o);
    ts_learner(&srv, &p);
    ts_learner(&srv, &q);
    /* p: a record that is still not_started. k: on the intro, nothing answered. */
    put(&p, mid, 0, "{\"current_screen_id\":null,\"answers\":{}}");
    put(&k, mid, 0, fmt("{\"current_screen_id\":\"%s\",\"answers\":{}}", s[0]));
    /* m: all right, on Q3, submitted: passed with 100. */
    int v = put(&m, mid, 0,
                fmt("{\"current_screen_id\":\"%s\",\"answers\":{\"%s\":[\"b\"],\"%s\":[\"b\"],"
                    "\"%s\":[\"b\"]}}",
                    s[3], s[1], s[2], s[3]));
    post(&m, mid, "/progress/submit", v);
    /* o: two right, submitted: 66 < 70, failed. */
    v = put(&o, mid, 0,
            fmt("{\"answers\":{\"%s\":[\"b\"],\"%s\":[\"b\"],\"%s\":[\"a\"]}}", s[1], s[2], s[3]));
    post(&o, mid, "/progress/submit", v);
    /* q: attempt 1 answers Q1 (wrong), attempt 2 Q1 and Q2 (wrong), both failed with 0; attempt
     * 3 has Q2 answered and stands on Q3. Q1 is in past attempts only, twice. */
    v = put(&q, mid, 0,
            fmt("{\"current_screen_id\":\"%s\",\"answers\":{\"%s\":[\"a\"]}}", s[1], s[1]));
    v = post(&q, mid, "/progress/submit", v);
    v = post(&q, mid, "/progress/attempts", v);
    v = put(&q, mid, v, fmt("{\"answers\":{\"%s\":[\"a\"],\"%s\":[\"a\"]}}", s[1], s[2]));
    v = post(&q, mid, "/progress/submit", v);
    v = post(&q, mid, "/progress/attempts", v);
    put(&q, mid, v, fmt("{\"current_screen_id\":\"%s\",\"answers\":{\"%s\":[\"b\"]}}", s[3], s[2]));

    /* P = {k, m, o, q}: 4 started; completed = passed = m; failed = o (q is in progress again).
     * Scores: m 100, o 66, q 0 (its last submitted attempt), k none: 166 / 3 = 55.33.
     * Intro: reached k = 1 (0.25);          drop-off k = 1 (1.0)
     * Q1:    reached m, o, q = 3 (0.75);    drop-off 0 (0.0)
     * Q2:    reached m, o, q = 3 (0.75);    drop-off 0 (0.0)
     * Q3:    reached m, o, q = 3 (0.75);    drop-off q = 1 (0.3333; m stands there too, but
     *        has submitted) */
    expect(&author, mid,
           fmt("{\"module_id\":\"%s\",\"flow_type\":\"assessment\",\"learners_started\":4,"
               "\"learners_completed\":1,\"completion_rate\":0.25,\"learners_passed\":1,"
               "\"learners_failed\":1,\"average_score\":55.33,\"feedback_count\":0,"
               "\"average_rating\":null,\"screens\":["
               "{\"screen_id\":\"%s\",\"position\":1,\"title\":\"Intro\",\"type\":\"content\","
               "\"reached\":1,\"reach_rate\":0.25,\"drop_off\":1,\"drop_off_rate\":1.0},"
               "{\"screen_id\":\"%s\",\"position\":2,\"title\":\"Q1\",\"type\":\"question\","
               "\"reached\":3,\"reach_rate\":0.75,\"drop_off\":0,\"drop_off_rate\":0.0},"
               "{\"screen_id\":\"%s\",\"position\":3,\"title\":\"Q2\",\"type\":\"question\","
               "\"reached\":3,\"reach_rate\":0.75,\"drop_off\":0,\"drop_off_rate\":0.0},"
               "{\"screen_id\":\"%s\",\"position\":4,\"title\":\"Q3\",\"type\":\"question\","
               "\"reached\":3,\"reach_rate\":0.75,\"drop_off\":1,\"drop_off_rate\":0.3333}]}",
               mid, s[0], s[1], s[2], s[3]));
}

/* --- nobody started ------------------------------------------------------------------------ */

Test(analytics, nobody_started_gives_zero_rates_and_null_means)
{
    char mid[STR_UUID_SIZE], s[4][STR_UUID_SIZE];

    /* A draft without screens. */
    ts_module(&srv, &author, "{\"title\":\"Empty\",\"flow_type\":\"linear\"}", mid);
    expect(&author, mid,
           fmt("{\"module_id\":\"%s\",\"flow_type\":\"linear\",\"learners_started\":0,"
               "\"learners_completed\":0,\"completion_rate\":0,\"learners_passed\":null,"
               "\"learners_failed\":null,\"average_score\":null,\"feedback_count\":0,"
               "\"average_rating\":null,\"screens\":[]}",
               mid));
    /* A published assessment whose only record is not started. */
    quiz_module(mid, s);
    put(&learner, mid, 0, "{\"current_screen_id\":null,\"answers\":{}}");
    const char *line = "\"reached\":0,\"reach_rate\":0,\"drop_off\":0,\"drop_off_rate\":0";
    expect(&author, mid,
           fmt("{\"module_id\":\"%s\",\"flow_type\":\"assessment\",\"learners_started\":0,"
               "\"learners_completed\":0,\"completion_rate\":0,\"learners_passed\":0,"
               "\"learners_failed\":0,\"average_score\":null,\"feedback_count\":0,"
               "\"average_rating\":null,\"screens\":["
               "{\"screen_id\":\"%s\",\"position\":1,\"title\":\"Intro\",\"type\":\"content\",%s},"
               "{\"screen_id\":\"%s\",\"position\":2,\"title\":\"Q1\",\"type\":\"question\",%s},"
               "{\"screen_id\":\"%s\",\"position\":3,\"title\":\"Q2\",\"type\":\"question\",%s},"
               "{\"screen_id\":\"%s\",\"position\":4,\"title\":\"Q3\",\"type\":\"question\",%s}]}",
               mid, s[0], line, s[1], line, s[2], line, s[3], line));
}

/* --- feedback ----------------------------------------------------------------------------- */

static void feedback(const struct ts_user *u, const char *mid, const char *body)
{
    struct ts_resp r;

    ts_as(&srv, u, "POST", fmt("/api/v1/modules/%s/feedback", mid), body, &r);
    cr_assert_eq(r.status, 201, "%s", r.body);
    ts_resp_free(&r);
}

Test(analytics, feedback_count_and_average_rating_of_the_module)
{
    char mid[STR_UUID_SIZE], q[STR_UUID_SIZE], other[STR_UUID_SIZE], oq[STR_UUID_SIZE];
    struct ts_user l2;

    ts_linear_module(&srv, &author, mid, q);
    ts_linear_module(&srv, &author, other, oq);
    ts_learner(&srv, &l2);
    /* 5, 4 (about a screen) and 4: 13 / 3 = 4.33; the other module's 1 is not counted. */
    feedback(&learner, mid, "{\"rating\":5,\"comment\":\"Clear.\"}");
    feedback(&learner, mid, fmt("{\"rating\":4,\"screen_id\":\"%s\"}", q));
    feedback(&l2, mid, "{\"rating\":4}");
    feedback(&l2, other, "{\"rating\":1}");
    struct ts_resp r;
    analytics(&author, mid, &r);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_eq(json_integer_value(json_object_get(r.json, "feedback_count")), 3, "%s", r.body);
    cr_assert_not_null(strstr(r.body, "\"average_rating\":4.33,"), "%s", r.body);
    cr_assert_eq(json_integer_value(json_object_get(r.json, "learners_started")), 0,
                 "feedback is not progress: %s", r.body);
    ts_resp_free(&r);
}

/* --- who may read them --------------------------------------------------------------------- */

static long status_of(const struct ts_user *u, const char *mid)
{
    struct ts_resp r;

    analytics(u, mid, &r);
    long status = r.status;
    if (status == 404 || status == 403)
        ts_assert_json(&r,
                       status == 404 ? "{\"detail\":\"Not Found\"}" : "{\"detail\":\"Forbidden\"}");
    ts_resp_free(&r);
    return status;
}

Test(analytics, owner_and_admins_only)
{
    char draft[STR_UUID_SIZE], published[STR_UUID_SIZE], archived[STR_UUID_SIZE], q[STR_UUID_SIZE];
    const char *missing = "8d3a1b7e-2c4f-4e6a-9b1d-0f2e3c4d5a6b";
    struct ts_resp r;

    ts_module(&srv, &author, "{\"title\":\"Draft\",\"flow_type\":\"linear\"}", draft);
    ts_linear_module(&srv, &author, published, q);
    ts_linear_module(&srv, &author, archived, q);
    ts_as(&srv, &author, "POST", fmt("/api/v1/modules/%s/archive", archived), NULL, &r);
    cr_assert_eq(r.status, 200, "%s", r.body);
    ts_resp_free(&r);

    cr_assert_eq(status_of(&author, draft), 200);
    cr_assert_eq(status_of(&author, archived), 200);
    cr_assert_eq(status_of(&admin, draft), 200, "admins see every module's analytics");
    cr_assert_eq(status_of(&admin, published), 200);
    /* Another author: 403 where the module is visible, 404 where it is not (§1.5). */
    cr_assert_eq(status_of(&other_author, published), 403);
    cr_assert_eq(status_of(&other_author, draft), 404);
    cr_assert_eq(status_of(&other_author, archived), 404);
    cr_assert_eq(status_of(&author, missing), 404);
    /* A learner's role never may (step 4, before the path is looked at). */
    cr_assert_eq(status_of(&learner, published), 403);
    cr_assert_eq(status_of(&learner, missing), 403);
    cr_assert_eq(status_of(&learner, "not-a-uuid"), 403);
    ts_as(&srv, NULL, "GET", fmt("/api/v1/modules/%s/analytics", published), NULL, &r);
    cr_assert_eq(r.status, 401);
    ts_resp_free(&r);
    analytics(&author, "not-a-uuid", &r);
    cr_assert_eq(r.status, 422, "%s", r.body);
    cr_assert(ts_has_error(&r, "[\"path\",\"module_id\"]", "uuid_parsing"), "%s", r.body);
    ts_resp_free(&r);
    /* Ids in any hex case name the module; the reply has the lowercase form. */
    char upper[STR_UUID_SIZE];
    for (size_t i = 0; i < sizeof(upper); i++)
        upper[i] =
            (char)(published[i] >= 'a' && published[i] <= 'f' ? published[i] - 32 : published[i]);
    analytics(&author, upper, &r);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "module_id")), published);
    ts_resp_free(&r);
    ts_as(&srv, &author, "POST", fmt("/api/v1/modules/%s/analytics", published), NULL, &r);
    cr_assert_eq(r.status, 405);
    ts_resp_free(&r);
}
