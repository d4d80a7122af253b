/*
 * Analytics endpoint (API.md §13): a module's owner (its author or an admin) sees how its
 * learners went through it. The database does the counting in one statement
 * (src/db/analytics.c); this file turns the counts into rates and means, rounded as §13 says
 * (domain/stats.h), and renders the reply as text.
 */
#include "api/analytics.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>

#include "api/module_access.h"
#include "db/analytics.h"
#include "domain/stats.h"

/* The §13 object. Rates with 4 decimals are 0 when nobody started (or reached) anything;
 * means with 2 decimals are null when there is nothing to average. */
static void render(struct buf *b, const struct module *m, const struct db_analytics *an)
{
    bool assessment = m->flow == FLOW_ASSESSMENT;

    buf_printf(b, "{\"module_id\":\"%s\",\"flow_type\":\"%s\"", m->id, flow_type_names[m->flow]);
    buf_printf(b, ",\"learners_started\":%" PRId64 ",\"learners_completed\":%" PRId64, an->started,
               an->completed);
    stats_json_member(b, "completion_rate", an->completed, an->started, 4, "0");
    if (assessment) {
        buf_printf(b, ",\"learners_passed\":%" PRId64 ",\"learners_failed\":%" PRId64, an->passed,
                   an->failed);
        stats_json_member(b, "average_score", an->score_sum, an->scored, 2, "null");
    } else {
        buf_puts(b, ",\"learners_passed\":null,\"learners_failed\":null,\"average_score\":null");
    }
    buf_printf(b, ",\"feedback_count\":%" PRId64, an->feedback_count);
    stats_json_member(b, "average_rating", an->rating_sum, an->feedback_count, 2, "null");
    buf_puts(b, ",\"screens\":[");
    for (int i = 0; i < an->nscreens; i++) {
        const struct db_analytics_screen *s = &an->screens[i];
        buf_printf(b, "%s{\"screen_id\":\"%s\",\"position\":%d", i > 0 ? "," : "", s->id,
                   s->position);
        buf_json_string_member(b, "title", s->title);
        buf_printf(b, ",\"type\":\"%s\",\"reached\":%" PRId64, screen_type_names[s->type],
                   s->reached);
        stats_json_member(b, "reach_rate", s->reached, an->started, 4, "0");
        buf_printf(b, ",\"drop_off\":%" PRId64, s->drop_off);
        stats_json_member(b, "drop_off_rate", s->drop_off, s->reached, 4, "0");
        buf_puts(b, "}");
    }
    buf_puts(b, "]}");
}

/* GET /api/v1/modules/{module_id}/analytics */
int api_analytics_get(struct http_req *r)
{
    struct db_analytics an;
    struct module m;
    struct db_conn *c;
    char id[STR_UUID_SIZE];

    if (api_path_id_or_reply(r, "module_id", NULL, id) < 0 ||
        api_module_load_or_reply(r, id, API_MODULE_OWNER, &m) < 0)
        return 0;
    /* One statement, so it reads one snapshot without a transaction (db/analytics.h). */
    int rc = http_conn(r, &c);
    if (rc == 0)
        rc = db_analytics_get(c, &r->arena, m.id, m.flow, &an);
    if (rc < 0)
        return http_reply_err(r, rc);

    struct buf b;
    buf_init(&b, SIZE_MAX);
    render(&b, &m, &an);
    http_reply_raw(r, 200, "application/json", b.data, b.len);
    buf_free(&b);
    return 0;
}
