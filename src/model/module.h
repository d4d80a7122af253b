/*
 * The module and screen entities (API.md §3, §5, §6): stored records, their enums and size
 * limits. Plain data shared by every layer above util/; the rules are in domain/module.h,
 * domain/content.h and domain/publish.h, the storage in db/modules.h.
 */
#ifndef TS_MODEL_MODULE_H
#define TS_MODEL_MODULE_H

#include <stdint.h>

#include "model/model.h"
#include "util/str.h"

enum flow_type { FLOW_LINEAR = 0, FLOW_BRANCHING, FLOW_ASSESSMENT };
enum module_status { MODULE_DRAFT = 0, MODULE_PUBLISHED, MODULE_ARCHIVED };
enum screen_type {
    SCREEN_CONTENT = 0,
    SCREEN_QUESTION,
    SCREEN_REFLECTION,
    SCREEN_CHECKLIST,
    SCREEN_BRANCH
};

/* Spec spellings in spec order, NULL terminated (validation, rendering, model_enum_parse()). */
extern const char *const flow_type_names[];
extern const char *const module_status_names[];
extern const char *const screen_type_names[];

#define MODULE_MAX_SCREENS 200
#define SCREEN_CONTENT_MAX_BYTES 65536

/* A module as stored; strings live in the arena of whoever loaded or built it. */
struct module {
    char id[STR_UUID_SIZE];
    const char *title;
    const char *description;
    enum flow_type flow;
    enum module_status status;
    const char *settings; /* JSON text */
    char author_id[STR_UUID_SIZE];
    const char *author_name;            /* the author's current display_name */
    char copied_from_id[STR_UUID_SIZE]; /* "" when null */
    int screen_count;
    int64_t created_at, updated_at, published_at, archived_at; /* 0 = null */
};

/* A screen as stored. */
struct screen {
    char id[STR_UUID_SIZE];
    char module_id[STR_UUID_SIZE];
    int position;
    enum screen_type type;
    const char *title;
    const char *content;                /* JSON text */
    char next_screen_id[STR_UUID_SIZE]; /* "" when null */
    int64_t created_at, updated_at;
};

#endif
