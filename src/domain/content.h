/*
 * Stored JSON documents of modules and screens: module settings (API.md §3), screen content per
 * type (§6.3), and the learner view of question screens (§6.4).
 *
 * Validation records every error into a struct valid at its current location (the caller
 * pushes the document's key first, e.g. valid_push_key(v, "content")), with the exact types of
 * the spec: strict types, extra_forbidden for unknown keys, code-point lengths, id patterns
 * and duplicates. On success it returns the normalised document: optional keys absent on
 * input are present with their defaults, in a fixed key order.
 * Thread safe; no global state besides the validation toolkit's pattern cache.
 */
#ifndef TS_DOMAIN_CONTENT_H
#define TS_DOMAIN_CONTENT_H

#include <stdbool.h>

#include <jansson.h>

#include "domain/module.h"
#include "util/validate.h"

/* The schemas the validators below read (util/schema.h), per screen type and per flow; also
 * written into /openapi.json. */
extern const struct schema content_schema_content, content_schema_question,
    content_schema_reflection, content_schema_checklist, content_schema_branch;
extern const struct schema content_settings_linear, content_settings_branching,
    content_settings_assessment;

/*
 * Validates `content` (must be a JSON object; the caller checked dict_type) for a screen of
 * `type`. Also enforces the serialised size limit of 65536 bytes (compact JSON as stored):
 * value_error "Value error, content too large" at the content's own location.
 * Returns 0 with *out a new reference to the normalised content (caller decrefs), or -1 when
 * errors were recorded (*out NULL).
 */
int content_validate(struct valid *v, enum screen_type type, json_t *content, json_t **out);

/*
 * Validates module `settings` for `flow` (NULL or absent = {}): unknown keys and keys of
 * another flow are extra_forbidden; branching start_screen_id is a UUID or null (any UUID
 * while draft; lowercase canonical on output); assessment pass_score int 0..100 (default 70),
 * max_attempts int 1..100 or null (default null). Returns 0 with *out the complete settings
 * (new reference), or -1.
 */
int content_settings_validate(struct valid *v, enum flow_type flow, json_t *settings, json_t **out);

/* Default settings of a flow (new reference). */
json_t *content_settings_default(enum flow_type flow);

/* What the viewer may see of a question's answer key (§6.4). */
struct redact_ctx {
    bool full_view;        /* the module's author, or an admin */
    bool answered;         /* linear/branching: the viewer's progress has an answer here */
    bool submitted;        /* assessment: the viewer's current attempt is submitted */
    bool no_more_attempts; /* assessment: passed, or failed with attempt = max_attempts */
};

/*
 * The content to show for a screen: `content` itself (new reference) for the full view and for
 * non-question screens, else a copy without `correct_option_ids` and/or `explanation` as §6.4
 * rules: linear/branching show both once answered; assessment shows `explanation` once
 * submitted and `correct_option_ids` once submitted with no further attempt possible.
 */
json_t *content_redact(enum flow_type flow, enum screen_type type, json_t *content,
                       const struct redact_ctx *ctx);

/* How much of a question's answer key a viewer may not see. */
enum redact_level {
    REDACT_NONE = 0,            /* the full content */
    REDACT_KEY,                 /* without correct_option_ids (explanation shown) */
    REDACT_KEY_AND_EXPLANATION, /* without both */
};
#define REDACT_LEVELS 3

/* The level the rules of §6.4 give `ctx` for a screen (content_redact's decision). */
enum redact_level content_redact_level(enum flow_type flow, enum screen_type type,
                                       const struct redact_ctx *ctx);

/* `content` at `level`: itself (new reference) when nothing is removed, else a copy. */
json_t *content_redact_to(json_t *content, enum redact_level level);

#endif
