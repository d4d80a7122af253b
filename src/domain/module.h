/*
 * Modules and screens: the enums of API.md §3 and the rules that need neither HTTP nor SQL.
 */
#ifndef TS_DOMAIN_MODULE_H
#define TS_DOMAIN_MODULE_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

enum flow_type { FLOW_LINEAR = 0, FLOW_BRANCHING, FLOW_ASSESSMENT };
enum module_status { MODULE_DRAFT = 0, MODULE_PUBLISHED, MODULE_ARCHIVED };
enum screen_type {
    SCREEN_CONTENT = 0,
    SCREEN_QUESTION,
    SCREEN_REFLECTION,
    SCREEN_CHECKLIST,
    SCREEN_BRANCH
};

/* Spec spellings in spec order, NULL terminated (for enum validation and rendering). */
extern const char *const flow_type_names[];
extern const char *const module_status_names[];
extern const char *const screen_type_names[];

/* -1 when not a name of the enum. */
int module_enum_parse(const char *const *names, const char *s);

/* The screen types a flow allows (§6.2). */
bool screen_type_allowed(enum flow_type flow, enum screen_type type);

/* What a user may do with a module (§1.5). */
enum module_access {
    MODULE_HIDDEN = 0, /* answered 404, indistinguishable from a missing module */
    MODULE_VISIBLE,    /* may read it (and take it) */
    MODULE_OWNED,      /* its author, or an admin: may edit it */
};

/*
 * The visibility table of §1.5. `is_admin`/`is_author_of` describe the caller; `engaged` is
 * true when the caller has a progress record or an assignment for the module, which keeps an
 * archived module visible to them.
 */
enum module_access module_access_for(bool is_admin, bool is_author_of, enum module_status status,
                                     bool engaged);

#define MODULE_MAX_SCREENS 200
#define SCREEN_CONTENT_MAX_BYTES 65536

#endif
