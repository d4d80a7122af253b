/*
 * A module's analytics on both backends; see analytics.h.
 *
 * One statement per request, chosen by backend and flow type, so the figures come from one
 * snapshot without a transaction and in one round trip. It has four parts:
 *
 *   head    the population P (status not not_started) counted by status, with the scores'
 *           count and sum: plain columns, no JSON;
 *   fb      the module's feedback: count and sum of ratings;
 *   visits  per screen id, the records of P whose visited set holds it (reached) and the
 *           in_progress ones whose current position it is (drop_off): the JSON part;
 *   the module's screens in position order, LEFT JOINed with visits, so every screen is
 *   listed (zero when nobody reached it) and an id in a document that names no screen of the
 *   module is dropped. A module without screens gives one row with NULL screen columns.
 *
 * head and visits each read the module's progress rows through the index progress_module
 * (linear's visits twice: once for the completed screens, once for the current one); no
 * record leaves the database. The visited set of a record may name a screen twice (branching
 * paths loop, an assessment's attempts answer the same questions), and a record counts once
 * per screen:
 *
 *   - linear needs no deduplication: completed_screen_ids holds distinct ids (validated,
 *     §8.2), and the current screen is added only when it is not among them;
 *   - branching and assessment deduplicate per record: a LATERAL subquery on PostgreSQL, a
 *     correlated subquery building a JSON object keyed by screen id on SQLite, each grouping
 *     the record's few ids (with whether one is its current position) before the outer
 *     GROUP BY counts them per screen.
 *
 * count(DISTINCT user_id) per screen was measured slower (it sorts every (screen, record) pair
 * of the module), and so was a UNION per record on PostgreSQL, whose hashed set operation is
 * sized from its input's estimate, 100 rows per set-returning call (10,000 for the attempts'
 * keys: a 400 KB hash table built for every record). docs/DECISIONS.md and docs/PERFORMANCE.md
 * have the numbers and the plans.
 */
#include "db/analytics.h"

#include <stdio.h>
#include <string.h>

#include "util/err.h"

/* The started records of the module: the population P of §13. */
#define STARTED "p.module_id = $1 AND p.status <> 'not_started'"

/* The statement around a flow's `visits` (rows: screen_id TEXT, reached, drop_off). */
#define ANALYTICS_SQL(visits)                                                                      \
    "WITH head AS (SELECT count(*) AS started, "                                                   \
    "count(*) FILTER (WHERE p.status IN ('completed', 'passed')) AS completed, "                   \
    "count(*) FILTER (WHERE p.status = 'passed') AS passed, "                                      \
    "count(*) FILTER (WHERE p.status = 'failed') AS failed, "                                      \
    "count(p.score) AS scored, coalesce(sum(p.score), 0) AS score_sum "                            \
    "FROM progress p WHERE " STARTED "), "                                                         \
    "fb AS (SELECT count(*) AS n, coalesce(sum(rating), 0) AS rating_sum FROM feedback "           \
    "WHERE module_id = $1), "                                                                      \
    "visits AS (" visits ") "                                                                      \
    "SELECT h.started, h.completed, h.passed, h.failed, h.scored, h.score_sum, f.n, "              \
    "f.rating_sum, s.id, s.position, s.title, s.type, coalesce(v.reached, 0), "                    \
    "coalesce(v.drop_off, 0) FROM head h CROSS JOIN fb f "                                         \
    "LEFT JOIN screens s ON s.module_id = $1 "                                                     \
    "LEFT JOIN visits v ON v.screen_id = CAST(s.id AS TEXT) ORDER BY s.position"

/* Columns of ANALYTICS_SQL, in order. */
enum column {
    COL_STARTED,
    COL_COMPLETED,
    COL_PASSED,
    COL_FAILED,
    COL_SCORED,
    COL_SCORE_SUM,
    COL_FEEDBACK,
    COL_RATING_SUM,
    COL_SCREEN_ID,
    COL_POSITION,
    COL_TITLE,
    COL_TYPE,
    COL_REACHED,
    COL_DROP_OFF,
};

/* --- PostgreSQL (progress_data is jsonb) -------------------------------------------------- */

/* Linear: each completed screen, then the current one unless it is completed too (`?`: the
 * array holds that string). `here` marks the record's current position. */
#define PG_LINEAR                                                                                  \
    "SELECT screen_id, count(*) AS reached, count(*) FILTER (WHERE here) AS drop_off FROM ("       \
    "SELECT e.screen_id, p.status = 'in_progress' AND "                                            \
    "e.screen_id = p.progress_data->>'current_screen_id' AS here FROM progress p, "                \
    "jsonb_array_elements_text(p.progress_data->'completed_screen_ids') AS e(screen_id) "          \
    "WHERE " STARTED " UNION ALL "                                                                 \
    "SELECT p.progress_data->>'current_screen_id', p.status = 'in_progress' FROM progress p "      \
    "WHERE " STARTED " AND NOT coalesce(p.progress_data->'completed_screen_ids' ? "                \
    "(p.progress_data->>'current_screen_id'), true)) AS v GROUP BY screen_id"

/* Branching and assessment: `ids` lists a record's (screen_id, is its current position) pairs,
 * repeats allowed; the LATERAL subquery makes them distinct within the record, keeping the
 * position flag of a repeated id with bool_or(). A GROUP BY, not a UNION: a grouping's hash
 * table is sized from the planner's estimate of groups (200 at most without statistics, 40 kB),
 * a set operation's from its input rows (see the top of the file). */
#define PG_PER_RECORD(ids)                                                                         \
    "SELECT v.screen_id, count(*) AS reached, "                                                    \
    "count(*) FILTER (WHERE v.here AND p.status = 'in_progress') AS drop_off "                     \
    "FROM progress p CROSS JOIN LATERAL (SELECT u.screen_id, bool_or(u.here) AS here "             \
    "FROM (" ids ") AS u(screen_id, here) WHERE u.screen_id IS NOT NULL "                          \
    "GROUP BY u.screen_id) AS v WHERE " STARTED " GROUP BY v.screen_id"

/* The path's screens; the position is the last step's. */
#define PG_BRANCHING_IDS                                                                           \
    "SELECT p.progress_data->'path'->-1->>'screen_id', true UNION ALL "                            \
    "SELECT jsonb_array_elements(p.progress_data->'path')->>'screen_id', false"

/* The current screen, the current attempt's answered questions, every past attempt's. */
#define PG_ASSESSMENT_IDS                                                                          \
    "SELECT p.progress_data->>'current_screen_id', true UNION ALL "                                \
    "SELECT jsonb_object_keys(p.progress_data->'answers'), false UNION ALL "                       \
    "SELECT jsonb_object_keys(jsonb_array_elements(p.progress_data->'attempts')->'answers'), "     \
    "false"

/* --- SQLite (progress_data is JSON text) -------------------------------------------------- */

#define SQLITE_CURRENT "json_extract(p.progress_data, '$.current_screen_id')"

/* Linear, as PG_LINEAR; "not completed" is a search of the completed array. */
#define SQLITE_LINEAR                                                                              \
    "SELECT screen_id, count(*) AS reached, sum(here) AS drop_off FROM ("                          \
    "SELECT e.value AS screen_id, p.status = 'in_progress' AND e.value = " SQLITE_CURRENT          \
    " AS here FROM progress p, json_each(p.progress_data, '$.completed_screen_ids') AS e "         \
    "WHERE " STARTED " UNION ALL "                                                                 \
    "SELECT " SQLITE_CURRENT ", p.status = 'in_progress' FROM progress p WHERE " STARTED           \
    " AND " SQLITE_CURRENT " IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "                           \
    "json_each(p.progress_data, '$.completed_screen_ids') AS e WHERE e.value = " SQLITE_CURRENT    \
    ")) GROUP BY screen_id"

/* As PG_PER_RECORD. SQLite has no LATERAL join: a correlated subquery turns a record's pairs
 * into one JSON object {screen_id: 1 if its current position else 0}, whose keys are distinct,
 * and json_each() lists it. */
#define SQLITE_PER_RECORD(ids)                                                                     \
    "SELECT v.key AS screen_id, count(*) AS reached, "                                             \
    "sum(v.value AND x.status = 'in_progress') AS drop_off FROM ("                                 \
    "SELECT p.status, (SELECT json_group_object(u.screen_id, u.here) FROM ("                       \
    "SELECT screen_id, max(here) AS here FROM (" ids ") WHERE screen_id IS NOT NULL "              \
    "GROUP BY screen_id) AS u) AS seen FROM progress p WHERE " STARTED ") AS x, "                  \
    "json_each(x.seen) AS v GROUP BY v.key"

/* json_tree() parses the document once for every step's screen_id. */
#define SQLITE_BRANCHING_IDS                                                                       \
    "SELECT json_extract(p.progress_data, '$.path[#-1].screen_id') AS screen_id, 1 AS here "       \
    "UNION ALL SELECT t.value, 0 FROM json_tree(p.progress_data, '$.path') AS t "                  \
    "WHERE t.key = 'screen_id'"

#define SQLITE_ASSESSMENT_IDS                                                                      \
    "SELECT " SQLITE_CURRENT " AS screen_id, 1 AS here UNION ALL "                                 \
    "SELECT a.key, 0 FROM json_each(p.progress_data, '$.answers') AS a UNION ALL "                 \
    "SELECT k.key, 0 FROM json_each(p.progress_data, '$.attempts') AS t, "                         \
    "json_each(t.value, '$.answers') AS k"

/* [is PostgreSQL][enum flow_type] */
static const char *const statements[2][3] = {
    {
        [FLOW_LINEAR] = ANALYTICS_SQL(SQLITE_LINEAR),
        [FLOW_BRANCHING] = ANALYTICS_SQL(SQLITE_PER_RECORD(SQLITE_BRANCHING_IDS)),
        [FLOW_ASSESSMENT] = ANALYTICS_SQL(SQLITE_PER_RECORD(SQLITE_ASSESSMENT_IDS)),
    },
    {
        [FLOW_LINEAR] = ANALYTICS_SQL(PG_LINEAR),
        [FLOW_BRANCHING] = ANALYTICS_SQL(PG_PER_RECORD(PG_BRANCHING_IDS)),
        [FLOW_ASSESSMENT] = ANALYTICS_SQL(PG_PER_RECORD(PG_ASSESSMENT_IDS)),
    },
};

int db_analytics_get(struct db_conn *c, struct arena *a, const char *module_id, enum flow_type flow,
                     struct db_analytics *out)
{
    bool pg = db_backend(db_conn_pool(c)) == DB_POSTGRES;
    struct db_res *r = NULL;
    int rc = db_query(c, statements[pg][flow], DB_PARAMS(DB_P_TEXT(module_id)), &r);

    memset(out, 0, sizeof(*out));
    if (rc < 0)
        goto out;
    if (r->nrows == 0) { /* the head is one row whatever the data: a broken statement */
        rc = TS_EDB;
        goto out;
    }
    out->started = db_int(r, 0, COL_STARTED);
    out->completed = db_int(r, 0, COL_COMPLETED);
    out->passed = db_int(r, 0, COL_PASSED);
    out->failed = db_int(r, 0, COL_FAILED);
    out->scored = db_int(r, 0, COL_SCORED);
    out->score_sum = db_int(r, 0, COL_SCORE_SUM);
    out->feedback_count = db_int(r, 0, COL_FEEDBACK);
    out->rating_sum = db_int(r, 0, COL_RATING_SUM);
    out->screens = arena_zalloc(a, sizeof(*out->screens) * (size_t)r->nrows);
    for (int i = 0; i < r->nrows; i++) {
        if (db_isnull(r, i, COL_SCREEN_ID)) /* a module without screens */
            continue;
        struct db_analytics_screen *s = &out->screens[out->nscreens++];
        snprintf(s->id, sizeof(s->id), "%s", db_text(r, i, COL_SCREEN_ID));
        s->position = (int)db_int(r, i, COL_POSITION);
        s->title = arena_strdup(a, db_text(r, i, COL_TITLE));
        s->type = (enum screen_type)db_enum(r, i, COL_TYPE, screen_type_names);
        s->reached = db_int(r, i, COL_REACHED);
        s->drop_off = db_int(r, i, COL_DROP_OFF);
    }
out:
    db_res_free(r);
    return rc;
}
