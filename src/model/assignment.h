/*
 * The assignment entity (API.md §11): a module assigned to a user, at most one per (module,
 * user). Plain data shared by every layer above util/; the storage is in db/assignments.h.
 */
#ifndef TS_MODEL_ASSIGNMENT_H
#define TS_MODEL_ASSIGNMENT_H

#include <stdint.h>

#include "model/model.h"
#include "util/str.h"

/* An assignment as stored. */
struct assignment {
    char id[STR_UUID_SIZE];
    char module_id[STR_UUID_SIZE];
    char user_id[STR_UUID_SIZE];
    char assigned_by[STR_UUID_SIZE];
    int64_t due_at;       /* 0 = null */
    int64_t due_soon_for; /* the due_at its due-soon reminder was created for; 0 = none yet */
    int64_t created_at, updated_at;
};

#endif
