/*
 * Publishing validation (API.md §7) and the branching graph it checks (§6.2).
 *
 * Graph: a branch screen's edges are its choices' next_screen_id; any other screen has one
 * edge to its next_screen_id, or none when null (a terminal screen). Cycles are allowed.
 * Pure functions without HTTP or SQL; thread safe.
 */
#ifndef TS_DOMAIN_PUBLISH_H
#define TS_DOMAIN_PUBLISH_H

#include <jansson.h>

#include "domain/module.h"
#include "util/validate.h"

/* One screen as publishing sees it, in position order. All pointers borrowed. */
struct publish_screen {
    const char *id; /* lowercase canonical UUID */
    enum screen_type type;
    const char *next_screen_id; /* NULL when null; any string (may name no screen) */
    json_t *content;            /* the stored content; branch choices are read from it */
};

/*
 * Runs every check of §7 and records each failure in `v` (initialised with root "module"), with
 * the exact loc, type and msg of the table: module_empty, no_question_screen,
 * missing_start_screen, unknown_target (choices and next_screen_id), no_terminal_screen,
 * unreachable_screen and no_path_to_end (the last two only when neither missing_start_screen
 * nor unknown_target was found). `i` in locs is the screen's 0-based index in `screens`.
 * `start_screen_id` is settings.start_screen_id (NULL when null); used for branching only.
 */
void publish_check(struct valid *v, enum flow_type flow, const char *start_screen_id,
                   const struct publish_screen *screens, int n);

/*
 * Fewest edges from each screen to any terminal screen (-1 when none reachable), for the
 * branching percent of §8.3. dist must have n entries. Unknown targets are ignored.
 * Allocates only temporaries (freed before returning); thread safe.
 */
void publish_distance_to_terminal(const struct publish_screen *screens, int n, int *dist);

#endif
