/*
 * The progress record entity (API.md §8): one per (user, module), with its status enum. Plain
 * data shared by every layer above util/; the rules per flow are in domain/progress.h, the
 * storage in db/progress.h.
 */
#ifndef TS_MODEL_PROGRESS_H
#define TS_MODEL_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

#include "model/model.h"
#include "util/str.h"

enum progress_status {
    PROGRESS_NOT_STARTED = 0,
    PROGRESS_IN_PROGRESS,
    PROGRESS_COMPLETED,
    PROGRESS_PASSED,
    PROGRESS_FAILED
};

/* Spec spellings in spec order, NULL terminated. */
extern const char *const progress_status_names[];

/* A progress record as stored; strings live in the arena of whoever loaded or built it. */
struct progress_rec {
    char user_id[STR_UUID_SIZE];
    char module_id[STR_UUID_SIZE];
    enum progress_status status;
    int percent;
    bool has_score;
    int score;
    int version;                                  /* 0 = no record */
    const char *data;                             /* progress_data, JSON text */
    int64_t started_at, completed_at, updated_at; /* 0 = null */
};

#endif
