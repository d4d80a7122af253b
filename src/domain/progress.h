/*
 * Learner progress per flow type (API.md §8): the progress_data documents, their validation
 * against the module and the stored state, server-side grading, and the computed status,
 * percent and score. Pure functions: no HTTP, no SQL; thread safe.
 *
 * Files: progress.c (shared: initial documents, lookup, dispatch), progress_responses.c
 * (screen requirements and response values shared by linear and branching),
 * progress_linear.c, progress_branching.c, progress_assessment.c (one per flow).
 *
 * Conventions: every function that validates records §8.1 errors (and the §1.3 type errors) in
 * a struct valid whose current location the caller has set (for a PUT: ["body",
 * "progress_data"]); documents passed in are borrowed and never modified; documents returned
 * are new references the caller owns. Timestamps inside documents are RFC 3339 UTC with
 * milliseconds ("2026-11-27T09:30:00.000Z"), produced from `now_ms`.
 */
#ifndef TS_DOMAIN_PROGRESS_H
#define TS_DOMAIN_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "model/module.h"
#include "model/progress.h"
#include "util/validate.h"

/* The schemas of progress_data per flow (§8.2-8.4) and of the response values a client writes
 * (§8), which the readers of progress_*.c validate with; also written into /openapi.json. */
extern const struct schema progress_schema_linear, progress_schema_branching,
    progress_schema_assessment, progress_schema_reflection_value, progress_schema_checklist_value,
    progress_schema_question_value;

/* One screen of the module, in position order. Pointers borrowed. */
struct progress_screen {
    const char *id; /* lowercase canonical UUID */
    enum screen_type type;
    json_t *content;            /* the normalised stored content */
    const char *next_screen_id; /* branching navigation; NULL when null */
};

/* The module as progress sees it. */
struct progress_module {
    enum flow_type flow;
    const struct progress_screen *screens;
    int n;
    const char *start_screen_id; /* branching: settings.start_screen_id, NULL when null */
    int pass_score;              /* assessment: settings.pass_score */
    int max_attempts;            /* assessment: settings.max_attempts, 0 = unlimited */
};

/* What the server computes from a document (§8.2-§8.4). */
struct progress_summary {
    enum progress_status status;
    int percent;    /* 0..100 */
    bool has_score; /* assessment with a submitted attempt */
    int score;      /* 0..100, the most recent submitted attempt's */
};

/* Initial progress_data of a flow (version 0), new reference:
 * linear {"current_screen_id":null,"completed_screen_ids":[],"responses":{}},
 * branching {"path":[],"responses":{}},
 * assessment {"attempt":1,"current_screen_id":null,"answers":{},"submitted_at":null,
 *             "attempts":[]}. */
json_t *progress_initial(enum flow_type flow);

/* Index of screen `id` in the module, or -1. */
int progress_find_screen(const struct progress_module *m, const char *id);

/* Index of the screen a client string names (a UUID in any hex case), -1 when it names none. */
int progress_screen_of(const struct progress_module *m, const char *s);

/* Per-flow operations, chosen by progress_flow_for(). */
struct progress_flow {
    /*
     * Validates the progress_data of a PUT (`in`, a JSON object) against the module and the
     * stored document (`stored`: the current document, or the initial one without a record).
     * Returns 0 with *out the document to store (server-owned parts kept from `stored`), -1
     * when errors were recorded in v, or TS_ECONFLICT when the write is refused as a whole
     * (assessment: the current attempt is submitted, "Attempt already submitted"; checked
     * before the 422 rules).
     */
    int (*put)(struct valid *v, const struct progress_module *m, json_t *stored, json_t *in,
               json_t **out);
    /* Status, percent and score of a document. */
    void (*summarize)(const struct progress_module *m, json_t *data, struct progress_summary *out);
};

const struct progress_flow *progress_flow_for(enum flow_type flow);

extern const struct progress_flow progress_linear;
extern const struct progress_flow progress_branching;
extern const struct progress_flow progress_assessment;

/* --- shared by linear and branching (progress_responses.c) ------------------------------- */

/*
 * Whether screen `i` meets its requirement (§8 table) given the document's `responses` object
 * and, for a branch screen, the choice taken on the path step (`choice_id`, NULL when none):
 * content always; question when an answer is recorded (responses[id] has "option_ids");
 * reflection when responses[id].text exists with min_length..max_length code points;
 * checklist when every required item is in responses[id].checked_item_ids; branch when a
 * choice is taken.
 */
bool progress_requirement_met(const struct progress_module *m, int i, json_t *responses,
                              const char *choice_id);

/*
 * Validates the client's value for responses[<id of screen i>] (the location already points
 * at it) and returns the value to store (new reference) in *out: reflection {"text": string
 * 0..max_length}; checklist {"checked_item_ids": unique known item ids} (unknown_item at the
 * id's index, duplicate_item at the list); unknown keys extra_forbidden. Question values are
 * server-owned: *out is NULL (the caller keeps the stored one). Content and branch screens take
 * no response: response_not_allowed at the current location. Returns 0 or -1.
 */
int progress_check_response(struct valid *v, const struct progress_module *m, int i, json_t *value,
                            json_t **out);

/*
 * Validates a PUT's `responses` object (the location points at the progress_data) into `res`:
 * each key must name a screen (unknown_screen) that is reachable (`reachable[i]`, else
 * screen_not_reachable), and each value passes progress_check_response() (else `bad[i]` is
 * set, so requirements are not judged on a rejected value). Then every stored question answer
 * is copied into `res`: a PUT can neither change nor remove them. `responses` may be NULL.
 */
void progress_check_responses(struct valid *v, const struct progress_module *m, json_t *stored,
                              json_t *responses, const bool *reachable, bool *bad, json_t *res);

/*
 * Grades and records one answer of a linear or branching question (§8.5). `qi` is the question
 * screen's index; `option_ids` the body's array (already checked to be 1..10 unique strings).
 * Checks, in order: already answered (TS_ECONFLICT; *out NULL); screen not reachable
 * (screen_not_reachable recorded in `path_v` with key "screen_id": linear, all earlier screens
 * completed; branching, the screen is on the path); unknown option ids (unknown_option at
 * ["body","option_ids",k] in `body_v`); single with more than one id (too_long at
 * ["body","option_ids"]). Returns 0 with *out the new document (responses[id] =
 * {"option_ids":[...],"correct":bool,"answered_at":now}) and *correct, -1 after errors, or
 * TS_ECONFLICT.
 */
int progress_answer(struct valid *path_v, struct valid *body_v, const struct progress_module *m,
                    json_t *stored, int qi, json_t *option_ids, int64_t now_ms, json_t **out,
                    bool *correct);

/* --- assessment (progress_assessment.c) -------------------------------------------------- */

/*
 * Grades the current attempt (§8.6): TS_ECONFLICT when it is already submitted. Otherwise
 * *out is the new document with the attempt appended to "attempts" as {attempt, answers,
 * results, score, passed, submitted_at} and "submitted_at" set.
 */
int progress_assessment_submit(const struct progress_module *m, json_t *stored, int64_t now_ms,
                               json_t **out);

enum attempt_refusal {
    ATTEMPT_OK = 0,
    ATTEMPT_NOT_SUBMITTED, /* "Current attempt is not submitted" */
    ATTEMPT_PASSED,        /* "Module already passed" */
    ATTEMPT_NONE_LEFT,     /* "No attempts remaining" */
};

/* Starts the next attempt (§8.6), or says why not (in that order of checks). */
enum attempt_refusal progress_assessment_next(const struct progress_module *m, json_t *stored,
                                              json_t **out);

/* --- redaction (§6.4) -------------------------------------------------------------------- */

/* Whether the viewer's document holds an answer for screen `id` (linear, branching). */
bool progress_has_answer(json_t *data, const char *id);

#endif
