/*
 * Storage of a module's analytics (API.md §13): the counts and sums over its progress records
 * and feedback, and per screen how many records reached it and stopped on it, computed by the
 * database in one statement (docs/DECISIONS.md, "Analytics"). Rates and means are not computed
 * here: the caller divides and rounds (domain/stats.h), so both backends answer the same.
 *
 * Errors: TS_EUNAVAIL, TS_EDB. Runs on a connection the caller holds; as one statement it
 * reads one snapshot, so it needs no transaction.
 */
#ifndef TS_DB_ANALYTICS_H
#define TS_DB_ANALYTICS_H

#include <stdint.h>

#include "db/db.h"
#include "model/module.h"
#include "util/arena.h"

/* One screen of the module, with its counts over the started records. */
struct db_analytics_screen {
    char id[STR_UUID_SIZE];
    int position;
    const char *title; /* the caller's arena */
    enum screen_type type;
    int64_t reached;  /* records whose visited set holds the screen */
    int64_t drop_off; /* in_progress records whose current position is the screen */
};

/* A module's analytics as exact integers. "Started" records are those whose status is not
 * not_started (§13's population P). */
struct db_analytics {
    int64_t started;
    int64_t completed; /* status completed or passed */
    int64_t passed;
    int64_t failed;
    int64_t scored;    /* started records with a score */
    int64_t score_sum; /* the sum of those scores */
    int64_t feedback_count;
    int64_t rating_sum;
    struct db_analytics_screen *screens; /* every screen, in position order; the caller's arena */
    int nscreens;
};

/*
 * Reads the analytics of module `module_id`, whose flow type is `flow` (it decides what a
 * record's visited set and current position are, §13). Returns 0, TS_EUNAVAIL or TS_EDB.
 */
int db_analytics_get(struct db_conn *c, struct arena *a, const char *module_id, enum flow_type flow,
                     struct db_analytics *out);

#endif
