/*
 * The feedback entity (API.md §9): a rating with an optional comment on a module, optionally
 * about one of its screens. A user may leave any number. Plain data shared by every layer
 * above util/; the storage is in db/feedback.h.
 */
#ifndef TS_MODEL_FEEDBACK_H
#define TS_MODEL_FEEDBACK_H

#include <stdint.h>

#include "util/str.h"

struct feedback {
    char id[STR_UUID_SIZE];
    char module_id[STR_UUID_SIZE];
    char screen_id[STR_UUID_SIZE]; /* "" = null */
    char user_id[STR_UUID_SIZE];
    int rating;          /* 1..5 */
    const char *comment; /* NULL = null */
    int64_t created_at;
};

#endif
