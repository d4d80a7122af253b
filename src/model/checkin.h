/*
 * The check-in entity (API.md §10): a user's mood and confidence for one local calendar day,
 * at most one per (user, day). Plain data shared by every layer above util/; the streak and
 * range rules are in domain/checkin.h, the storage in db/checkins.h.
 */
#ifndef TS_MODEL_CHECKIN_H
#define TS_MODEL_CHECKIN_H

#include <stdbool.h>
#include <stdint.h>

#include "util/str.h"

struct checkin {
    char id[STR_UUID_SIZE];
    char user_id[STR_UUID_SIZE];
    int64_t day;                   /* the local date at creation, as days since 1970-01-01 */
    const char *timezone;          /* the user's time zone at creation, which made `day` */
    int mood;                      /* 1..5 */
    int confidence;                /* 1..5 */
    const char *note;              /* NULL = null */
    char module_id[STR_UUID_SIZE]; /* "" = null */
    int64_t created_at, updated_at;
};

/* A run: consecutive check-in days, first to last inclusive (domain/checkin.h). */
struct checkin_run {
    int64_t first_day, last_day;
};

/* What storage keeps of a user's check-ins for the streak (db_checkins_streak_get(),
 * domain/checkin.h). */
struct checkin_streak_state {
    bool any;               /* the user has check-ins; nothing below is set otherwise */
    int64_t longest;        /* the longest run ever */
    int64_t last_day;       /* the latest check-in day */
    bool has_run;           /* `run` is set */
    struct checkin_run run; /* the run with the latest first day on or before today */
};

#endif
