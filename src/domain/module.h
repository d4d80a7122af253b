/*
 * Module rules that need neither HTTP nor SQL: which screen types a flow allows, and who may
 * see or edit a module (§1.5). The entity itself is in model/module.h.
 */
#ifndef TS_DOMAIN_MODULE_H
#define TS_DOMAIN_MODULE_H

#include <stdbool.h>
#include <stdint.h>

#include "model/module.h"
#include "util/validate.h"

/* The screen types a flow allows (§6.2). */
bool module_screen_type_allowed(enum flow_type flow, enum screen_type type);

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

/* A change an author asks for (§5, §6). */
enum module_change {
    MODULE_EDIT,       /* module fields, or a screen's fields, order or removal */
    MODULE_ADD_SCREEN, /* one more screen */
    MODULE_DELETE,     /* the module itself */
    MODULE_PUBLISH,
    MODULE_ARCHIVE,
};

/* Why a change is refused, in the spec's words (rendered by the handlers as 409). */
enum module_refusal {
    MODULE_CHANGE_OK = 0,
    MODULE_REFUSE_EDIT_NOT_DRAFT,   /* "Only draft modules can be edited" */
    MODULE_REFUSE_FULL,             /* "A module can have at most 200 screens" */
    MODULE_REFUSE_DELETE_NOT_DRAFT, /* "Only draft modules can be deleted" */
    MODULE_REFUSE_PUBLISHED,        /* "Module is already published" */
    MODULE_REFUSE_NOT_PUBLISHED,    /* "Only published modules can be archived" */
};

/*
 * The status rules of §5 and §6: only drafts are edited or deleted and hold at most
 * MODULE_MAX_SCREENS screens; a draft or an archived module may be published (publish's
 * content checks are publish_check()'s); only a published module is archived.
 */
enum module_refusal module_check_change(const struct module *m, enum module_change what);

/* §6.2: next_screen_id only on non-branch screens of branching modules; value_error at
 * "next_screen_id" in `v` when `has_next` breaks it. */
void module_check_navigation(struct valid *v, enum flow_type flow, enum screen_type type,
                             bool has_next);

/*
 * The rules of §6 for a new screen of `m` that need the stored module (step 7 of §1.4): the
 * type allowed by the flow (value_error at "type"), navigation as above, and a `position`
 * (0 = append) of at most screen_count + 1 (less_than_equal at "position"). Errors go to `v`.
 */
void module_check_new_screen(struct valid *v, const struct module *m, enum screen_type type,
                             bool has_next, int64_t position);

#endif
