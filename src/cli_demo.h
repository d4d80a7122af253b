/* The seed-demo command (API.md §15). */
#ifndef TS_CLI_DEMO_H
#define TS_CLI_DEMO_H

#include "db/db.h"
#include "util/arena.h"

/* Applies pending migrations and loads the demo content once; returns the exit code. */
int cli_seed_demo(struct db *db, struct arena *a);

#endif
