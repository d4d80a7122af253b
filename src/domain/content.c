/*
 * Stored JSON documents: screen content (API.md §6.3), module settings (§3) and the learner
 * view of question screens (§6.4); see content.h.
 *
 * Sections, in order:
 *   0. The schemas (content.h): every key's type, flags and limits, which the validators below
 *      read and /openapi.json documents (api/schemas.c, http/openapi.c).
 *   1. Shared helpers: lists, ids, duplicates, the serialised size.
 *   2. One validator per screen type. Each reads every key of the input, recording every error
 *      of the pass, and sets the keys of the normalised copy in the order of the §6.3 table;
 *      content_validate() keeps that copy only when the pass recorded nothing.
 *   3. Settings and redaction.
 */
#include "domain/content.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- 0. The schemas ---------------------------------------------------------------------- */

#define ID_PATTERN "^[A-Za-z0-9_-]{1,36}$"
#define OPTIONS_MAX 10
#define ITEMS_MAX 50 /* the longest list of ids: checklist items */

static const char *const kind_names[] = {"single", "multiple", NULL};
static const char *const media_type_names[] = {"image", "video", NULL};

enum { KIND_SINGLE = 0, KIND_MULTIPLE };

#define REQ SCHEMA_REQUIRED
#define NUL SCHEMA_NULLABLE
#define OMIT SCHEMA_NULL_ABSENT /* null = omitted: the default applies */
#define ID_FIELD SF_STR("id", REQ, 1, 36, .pattern = ID_PATTERN)
#define TEXT_FIELD SF_STR("text", REQ, 1, 500)
#define PROMPT_FIELD SF_STR("prompt", REQ, 1, 2000)
#define CLOSED(var, nm, desc, list) const struct schema var = SCHEMA_OF(nm, desc, true, list)
#define ITEM(var, list)                                                                            \
    static const struct schema var##_schema = SCHEMA_OF(NULL, NULL, true, list);                   \
    static const struct schema_field var = {.type = SCHEMA_OBJECT, .object = &var##_schema}

static const struct schema_field media_fields[] = {
    {.name = "type", .type = SCHEMA_ENUM, .flags = REQ, .values = media_type_names},
    SF_STR("url", REQ, 1, 2048, .description = "Starts with https:// or http://"),
    SF_STR("alt", OMIT, 0, 300, .description = "Default \"\""),
};
ITEM(media_entry, media_fields);
static const struct schema_field content_fields[] = {
    SF_STR("body", REQ, 1, 20000, .description = "Markdown"),
    {.name = "media",
     .type = SCHEMA_ARRAY,
     .flags = OMIT,
     .max = 10,
     .items = &media_entry,
     .description = "Default []"},
};
CLOSED(content_schema_content, "ContentScreenContent", "Content of a `content` screen",
       content_fields);

static const struct schema_field option_fields[] = {ID_FIELD, TEXT_FIELD};
ITEM(option_item, option_fields);
static const struct schema_field question_fields[] = {
    {.name = "kind", .type = SCHEMA_ENUM, .flags = REQ, .values = kind_names},
    PROMPT_FIELD,
    {.name = "options",
     .type = SCHEMA_ARRAY,
     .flags = REQ,
     .min = 2,
     .max = OPTIONS_MAX,
     .items = &option_item},
    {.name = "correct_option_ids",
     .type = SCHEMA_ARRAY,
     .flags = REQ | SCHEMA_WRITE_ONLY_REQUIRED | SCHEMA_UNIQUE,
     .min = 1,
     .max = OPTIONS_MAX,
     .items = &schema_any_string,
     .description = "Option ids; single: exactly 1, multiple: 1..the number of options. "
                    "Required on write; absent from the learner view until allowed (§6.4)"},
    SF_STR("explanation", NUL, 0, 2000,
           .description = "Default null; absent from the learner view until allowed (§6.4)"),
};
CLOSED(content_schema_question, "QuestionScreenContent", "Content of a `question` screen",
       question_fields);

static const struct schema_field reflection_fields[] = {
    PROMPT_FIELD,
    SF_INT("min_length", OMIT, 0, 10000, .description = "Default 0"),
    SF_INT("max_length", OMIT, 1, 10000, .description = "Default 2000; at least min_length"),
    SF_STR("placeholder", OMIT, 0, 200, .description = "Default \"\""),
};
CLOSED(content_schema_reflection, "ReflectionScreenContent", "Content of a `reflection` screen",
       reflection_fields);

static const struct schema_field checklist_item_fields[] = {
    ID_FIELD,
    TEXT_FIELD,
    {.name = "required", .type = SCHEMA_BOOL, .flags = OMIT, .description = "Default true"}};
ITEM(checklist_item, checklist_item_fields);
static const struct schema_field checklist_fields[] = {
    PROMPT_FIELD,
    {.name = "items",
     .type = SCHEMA_ARRAY,
     .flags = REQ,
     .min = 1,
     .max = ITEMS_MAX,
     .items = &checklist_item},
};
CLOSED(content_schema_checklist, "ChecklistScreenContent", "Content of a `checklist` screen",
       checklist_fields);

static const struct schema_field choice_fields[] = {
    ID_FIELD, TEXT_FIELD, {.name = "next_screen_id", .type = SCHEMA_UUID, .flags = REQ}};
ITEM(choice_item, choice_fields);
static const struct schema_field branch_fields[] = {
    PROMPT_FIELD,
    {.name = "choices",
     .type = SCHEMA_ARRAY,
     .flags = REQ,
     .min = 2,
     .max = 10,
     .items = &choice_item},
};
CLOSED(content_schema_branch, "BranchScreenContent",
       "Content of a `branch` screen (branching modules only)", branch_fields);

const struct schema content_settings_linear = {.name = "LinearSettings",
                                               .description =
                                                   "Settings of a linear module: no keys",
                                               .closed = true};
static const struct schema_field branching_fields[] = {
    {.name = "start_screen_id",
     .type = SCHEMA_UUID,
     .flags = NUL,
     .description = "Default null; any UUID while draft, checked at publish"}};
CLOSED(content_settings_branching, "BranchingSettings", "Settings of a branching module",
       branching_fields);
static const struct schema_field assessment_fields[] = {
    SF_INT("pass_score", OMIT, 0, 100, .description = "Default 70"),
    SF_INT("max_attempts", NUL, 1, 100, .description = "Default null (unlimited)"),
};
CLOSED(content_settings_assessment, "AssessmentSettings", "Settings of an assessment module",
       assessment_fields);

/* --- 1. Shared helpers ------------------------------------------------------------------- */

/*
 * jansson returns NULL only when malloc fails; like xmalloc() this is fatal rather than an
 * error no client could cause threaded through every validator.
 */
static void set_string(json_t *obj, const char *key, const char *s)
{
    json_object_set_new(obj, key, xneed(json_string(s)));
}

/*
 * Reads list `key` of schema `s` (missing, list_type, too_short, too_long) and returns the
 * array whose items should still be validated, else NULL. A list longer than the schema's
 * maximum has its items skipped: a 1 MiB body of tiny items then costs one too_long instead of
 * a million item errors, while a list a little too short or too long still gets all its errors.
 */
static json_t *read_list(struct valid *v, json_t *obj, const struct schema *s, const char *key)
{
    json_t *arr = NULL;

    if (valid_field(v, obj, s, key, &arr) == V_OK)
        return arr;
    arr = json_object_get(obj, key);
    return json_is_array(arr) && json_array_size(arr) <= (size_t)schema_find(s, key)->max ? arr
                                                                                          : NULL;
}

static int count_bytes(const char *buffer, size_t size, void *data)
{
    size_t *n = data;

    (void)buffer;
    *n += size;
    /* Stop the dump once over the limit: the exact size of a too large document is moot. */
    return *n > SCREEN_CONTENT_MAX_BYTES ? -1 : 0;
}

/* The size of `doc` serialised as stored (compact), counted without building the text. */
static bool is_too_large(json_t *doc)
{
    size_t n = 0;

    return json_dump_callback(doc, count_bytes, &n, JSON_COMPACT) != 0 ||
           n > SCREEN_CONTENT_MAX_BYTES;
}

/*
 * Options, checklist items and choices: lists `key` of `parent`, of objects {"id","text",...}.
 * `extra` reads the keys after id and text into the normalised item.
 */
struct id_list {
    const char *key;
    const struct schema *parent;
    void (*extra)(struct valid *v, const struct schema *item_schema, json_t *item, json_t *out);
};

/* The ids of a list; is_known when every item had a valid id. */
struct id_set {
    const char *ids[ITEMS_MAX];
    size_t n;
    bool is_known;
};

static bool is_member(const char *id, const struct id_set *set)
{
    for (size_t i = 0; i < set->n; i++) {
        if (strcmp(id, set->ids[i]) == 0)
            return true;
    }
    return false;
}

static void id_item(struct valid *v, const struct id_list *spec, json_t *item, json_t *out,
                    struct id_set *set)
{
    const struct schema *s = schema_find(spec->parent, spec->key)->items->object;
    const char *id, *text;

    if (valid_check_object(v, NULL, item, NULL) != V_OK) {
        set->is_known = false;
        return;
    }
    valid_no_extra_fields(v, item, s);
    if (valid_field(v, item, s, "id", &id) == V_OK) {
        set_string(out, "id", id);
        if (set->n < ITEMS_MAX) /* the schemas' limits are ITEMS_MAX at most */
            set->ids[set->n++] = id;
    } else {
        set->is_known = false;
    }
    if (valid_field(v, item, s, "text", &text) == V_OK)
        set_string(out, "text", text);
    if (spec->extra != NULL)
        spec->extra(v, s, item, out);
}

/* Validates the list; returns its normalised copy (new reference) or NULL when unreadable. */
static json_t *id_items(struct valid *v, json_t *content, const struct id_list *spec,
                        struct id_set *set)
{
    json_t *arr = read_list(v, content, spec->parent, spec->key);
    json_t *out;
    json_t *item;
    size_t i;

    set->n = 0;
    set->is_known = arr != NULL;
    if (arr == NULL)
        return NULL;
    out = xneed(json_array());
    valid_push_key(v, spec->key);
    json_array_foreach(arr, i, item)
    {
        json_t *o = xneed(json_object());

        valid_push_index(v, i);
        id_item(v, spec, item, o, set);
        valid_pop(v);
        json_array_append_new(out, o);
    }
    valid_pop(v);
    valid_check_unique(v, spec->key, set->ids, set->n);
    return out;
}

/* --- 2. Screen types --------------------------------------------------------------------- */

static bool is_http_url(const char *url)
{
    return strncmp(url, "https://", 8) == 0 || strncmp(url, "http://", 7) == 0;
}

static json_t *media_item(struct valid *v, json_t *item)
{
    const struct schema *s = &media_entry_schema;
    json_t *out = xneed(json_object());
    const char *url, *alt = "";
    int type;

    if (valid_check_object(v, NULL, item, NULL) != V_OK)
        return out;
    valid_no_extra_fields(v, item, s);
    if (valid_field(v, item, s, "type", &type) == V_OK)
        set_string(out, "type", media_type_names[type]);
    if (valid_field(v, item, s, "url", &url) == V_OK) {
        if (is_http_url(url))
            set_string(out, "url", url);
        else
            valid_value_error(v, "url", "url must be http(s)");
    }
    valid_field(v, item, s, "alt", &alt);
    set_string(out, "alt", alt);
    return out;
}

static json_t *media_list(struct valid *v, json_t *content)
{
    json_t *media = xneed(json_array());
    json_t *item;
    size_t i;

    /* null media is "omitted" (§1.2): read_list() returns NULL and the default [] stays. */
    json_t *arr = read_list(v, content, &content_schema_content, "media");
    if (arr == NULL)
        return media;
    valid_push_key(v, "media");
    json_array_foreach(arr, i, item)
    {
        valid_push_index(v, i);
        json_array_append_new(media, media_item(v, item));
        valid_pop(v);
    }
    valid_pop(v);
    return media;
}

static void content_screen(struct valid *v, json_t *content, json_t *doc)
{
    const char *body;

    valid_no_extra_fields(v, content, &content_schema_content);
    if (valid_field(v, content, &content_schema_content, "body", &body) == V_OK)
        set_string(doc, "body", body);
    json_object_set_new(doc, "media", media_list(v, content));
}

static const struct id_list options_list = {"options", &content_schema_question, NULL};

/*
 * correct_option_ids: single needs exactly 1, multiple 1..number of options. That number bounds
 * the list only when it is itself valid (2..10); otherwise the bound is the most any question
 * allows (10), so a bad options list is not reported a second time here. Membership is checked
 * only when every option had a valid id: an option whose id failed its pattern would make each
 * correct id naming it a second, misleading "unknown option id".
 */
static json_t *correct_ids(struct valid *v, json_t *content, int kind, const struct id_set *opts)
{
    const struct schema_field *f = schema_find(&content_schema_question, "correct_option_ids");
    const struct schema_field *opts_field = schema_find(&content_schema_question, "options");
    json_t *options = json_object_get(content, "options");
    size_t n_opts = json_is_array(options) ? json_array_size(options) : 0;
    size_t max = n_opts >= (size_t)opts_field->min && n_opts <= OPTIONS_MAX ? n_opts : OPTIONS_MAX;
    const char *seen[OPTIONS_MAX];
    size_t n_seen = 0;
    json_t *item;
    size_t i;

    if (kind == KIND_SINGLE)
        max = 1;
    /* The bound depends on the kind and the options, so this list is read with its own. */
    json_t *arr = NULL;
    if (valid_array(v, content, f->name, f->flags & V_REQUIRED, (size_t)f->min, max, &arr) !=
        V_OK) {
        arr = json_object_get(content, f->name);
        if (!json_is_array(arr) || json_array_size(arr) > (size_t)f->max)
            return NULL;
    }
    json_t *out = xneed(json_array());
    valid_push_key(v, "correct_option_ids");
    json_array_foreach(arr, i, item)
    {
        const char *id;

        valid_push_index(v, i);
        if (valid_check_field(v, NULL, f->items, item, &id) == V_OK) {
            if (opts->is_known && !is_member(id, opts))
                valid_value_error(v, NULL, "unknown option id");
            if (n_seen < OPTIONS_MAX) /* the schema's limit is OPTIONS_MAX */
                seen[n_seen++] = id;
            json_array_append_new(out, xneed(json_string(id)));
        }
        valid_pop(v);
    }
    valid_pop(v);
    valid_check_unique(v, "correct_option_ids", seen, n_seen);
    return out;
}

static void question_screen(struct valid *v, json_t *content, json_t *doc)
{
    const struct schema *s = &content_schema_question;
    struct id_set opts;
    const char *prompt, *explanation;
    int kind = -1;

    valid_no_extra_fields(v, content, s);
    if (valid_field(v, content, s, "kind", &kind) == V_OK)
        set_string(doc, "kind", kind_names[kind]);
    if (valid_field(v, content, s, "prompt", &prompt) == V_OK)
        set_string(doc, "prompt", prompt);
    json_t *options = id_items(v, content, &options_list, &opts);
    if (options != NULL)
        json_object_set_new(doc, "options", options);
    json_t *correct = correct_ids(v, content, kind, &opts);
    if (correct != NULL)
        json_object_set_new(doc, "correct_option_ids", correct);
    /* explanation is "string | null": null is a value here, not "omitted". */
    if (valid_field(v, content, s, "explanation", &explanation) == V_OK)
        set_string(doc, "explanation", explanation);
    else
        json_object_set_new(doc, "explanation", json_null());
}

static void reflection_screen(struct valid *v, json_t *content, json_t *doc)
{
    const struct schema *s = &content_schema_reflection;
    const char *prompt, *placeholder = "";
    int64_t min = 0, max = 2000;

    valid_no_extra_fields(v, content, s);
    if (valid_field(v, content, s, "prompt", &prompt) == V_OK)
        set_string(doc, "prompt", prompt);
    int min_rc = valid_field(v, content, s, "min_length", &min);
    int max_rc = valid_field(v, content, s, "max_length", &max);
    /* The comparison needs both values; a default stands in for an omitted one, so
     * {"min_length":3000} alone fails against the default max_length of 2000. */
    if (min_rc != V_ERR && max_rc != V_ERR && max < min)
        valid_value_error(v, "max_length", "max_length must be >= min_length");
    json_object_set_new(doc, "min_length", xneed(json_integer(min)));
    json_object_set_new(doc, "max_length", xneed(json_integer(max)));
    valid_field(v, content, s, "placeholder", &placeholder);
    set_string(doc, "placeholder", placeholder);
}

static void checklist_extra(struct valid *v, const struct schema *s, json_t *item, json_t *out)
{
    bool required = true;

    valid_field(v, item, s, "required", &required);
    json_object_set_new(out, "required", json_boolean(required));
}

static void branch_extra(struct valid *v, const struct schema *s, json_t *item, json_t *out)
{
    char id[STR_UUID_SIZE];

    if (valid_field(v, item, s, "next_screen_id", id) == V_OK)
        set_string(out, "next_screen_id", id);
}

/* checklist and branch: a prompt and one list of id items. */
static void prompt_list_screen(struct valid *v, json_t *content, json_t *doc,
                               const struct id_list *spec)
{
    struct id_set set;
    const char *prompt;

    valid_no_extra_fields(v, content, spec->parent);
    if (valid_field(v, content, spec->parent, "prompt", &prompt) == V_OK)
        set_string(doc, "prompt", prompt);
    json_t *list = id_items(v, content, spec, &set);
    if (list != NULL)
        json_object_set_new(doc, spec->key, list);
}

static const struct id_list checklist_list = {"items", &content_schema_checklist, checklist_extra};
static const struct id_list branch_list = {"choices", &content_schema_branch, branch_extra};

int content_validate(struct valid *v, enum screen_type type, json_t *content, json_t **out)
{
    size_t before = valid_error_count(v);
    json_t *doc = NULL;
    int rc = -1;

    *out = NULL;
    if (valid_check_object(v, NULL, content, NULL) != V_OK)
        goto out;
    doc = xneed(json_object());
    switch (type) {
    case SCREEN_CONTENT:
        content_screen(v, content, doc);
        break;
    case SCREEN_QUESTION:
        question_screen(v, content, doc);
        break;
    case SCREEN_REFLECTION:
        reflection_screen(v, content, doc);
        break;
    case SCREEN_CHECKLIST:
        prompt_list_screen(v, content, doc, &checklist_list);
        break;
    case SCREEN_BRANCH:
        prompt_list_screen(v, content, doc, &branch_list);
        break;
    default:
        assert(!"unknown screen type");
        goto out;
    }
    /* The caller's own errors (title, ...) may precede ours; only this pass's count matters. */
    if (valid_error_count(v) != before)
        goto out;
    /* Measured on the normalised document because that is what gets stored; defaults add a
     * few bytes, and 20000 four-byte characters already exceed the limit on their own. */
    if (is_too_large(doc)) {
        valid_value_error(v, NULL, "content too large");
        goto out;
    }
    *out = doc;
    doc = NULL;
    rc = 0;
out:
    json_decref(doc);
    return rc;
}

/* --- 3. Settings and redaction ----------------------------------------------------------- */

json_t *content_settings_default(enum flow_type flow)
{
    switch (flow) {
    case FLOW_BRANCHING:
        return xneed(json_pack("{s:n}", "start_screen_id"));
    case FLOW_ASSESSMENT:
        return xneed(json_pack("{s:i, s:n}", "pass_score", 70, "max_attempts"));
    case FLOW_LINEAR:
        break;
    }
    return xneed(json_object());
}

static void branching_settings(struct valid *v, json_t *settings, json_t *doc)
{
    const struct schema *s = &content_settings_branching;
    char id[STR_UUID_SIZE];

    valid_no_extra_fields(v, settings, s);
    if (valid_field(v, settings, s, "start_screen_id", id) == V_OK)
        set_string(doc, "start_screen_id", id);
}

static void assessment_settings(struct valid *v, json_t *settings, json_t *doc)
{
    const struct schema *s = &content_settings_assessment;
    int64_t pass_score = 70, max_attempts;

    valid_no_extra_fields(v, settings, s);
    /* pass_score has a non-null default, so null means "omitted" (§1.2); max_attempts is
     * "int | null" and null is its unlimited value. */
    if (valid_field(v, settings, s, "pass_score", &pass_score) == V_OK)
        json_object_set_new(doc, "pass_score", xneed(json_integer(pass_score)));
    if (valid_field(v, settings, s, "max_attempts", &max_attempts) == V_OK)
        json_object_set_new(doc, "max_attempts", xneed(json_integer(max_attempts)));
}

int content_settings_validate(struct valid *v, enum flow_type flow, json_t *settings, json_t **out)
{
    size_t before = valid_error_count(v);
    json_t *doc = content_settings_default(flow); /* readers overwrite the defaults they find */
    int rc = -1;

    *out = NULL;
    if (settings == NULL || json_is_null(settings))
        settings = NULL;
    else if (valid_check_object(v, NULL, settings, NULL) != V_OK)
        goto out;
    if (settings != NULL) {
        switch (flow) {
        case FLOW_LINEAR:
            valid_no_extra_fields(v, settings, &content_settings_linear);
            break;
        case FLOW_BRANCHING:
            branching_settings(v, settings, doc);
            break;
        case FLOW_ASSESSMENT:
            assessment_settings(v, settings, doc);
            break;
        }
    }
    if (valid_error_count(v) != before)
        goto out;
    *out = doc;
    doc = NULL;
    rc = 0;
out:
    json_decref(doc);
    return rc;
}

enum redact_level content_redact_level(enum flow_type flow, enum screen_type type,
                                       const struct redact_ctx *ctx)
{
    if (ctx->full_view || type != SCREEN_QUESTION)
        return REDACT_NONE;
    if (flow == FLOW_ASSESSMENT) {
        /* The key would give away the answers of a retry, so it waits for the last attempt. */
        if (!ctx->submitted)
            return REDACT_KEY_AND_EXPLANATION;
        return ctx->no_more_attempts ? REDACT_NONE : REDACT_KEY;
    }
    return ctx->answered ? REDACT_NONE : REDACT_KEY_AND_EXPLANATION;
}

json_t *content_redact_to(json_t *content, enum redact_level level)
{
    bool drop_explanation =
        level == REDACT_KEY_AND_EXPLANATION && json_object_get(content, "explanation") != NULL;
    bool drop_correct =
        level != REDACT_NONE && json_object_get(content, "correct_option_ids") != NULL;

    if (!json_is_object(content) || (!drop_explanation && !drop_correct))
        return json_incref(content);
    /* A copy, because the stored document may be shared (a cache, another viewer's render). */
    json_t *copy = xneed(json_deep_copy(content));
    if (drop_correct)
        json_object_del(copy, "correct_option_ids");
    if (drop_explanation)
        json_object_del(copy, "explanation");
    return copy;
}

json_t *content_redact(enum flow_type flow, enum screen_type type, json_t *content,
                       const struct redact_ctx *ctx)
{
    return content_redact_to(content, content_redact_level(flow, type, ctx));
}
#include "util/arena.h"
