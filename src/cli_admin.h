/* The create-admin command (API.md §15). */
#ifndef TS_CLI_ADMIN_H
#define TS_CLI_ADMIN_H

#include "db/db.h"
#include "util/arena.h"

enum { CLI_OK = 0, CLI_FAILED = 1, CLI_USAGE = 2 };

/* Runs create-admin with the arguments after the command name; returns the exit code. */
int cli_create_admin(struct db *db, struct arena *a, int argc, char **argv);

#endif
