/*
 * Background jobs of `serve`: the due-soon reminder of API.md §11. Every
 * SCHEDULER_INTERVAL_SECONDS a thread finds the assignments due within DUE_SOON_WINDOW_SECONDS
 * whose assignee has not finished the module and creates one assignment_due_soon notification
 * per assignment and due_at, exactly once across any number of instances. After each scan it
 * returns the allocator's free memory to the system (xtrim(), util/arena.h).
 *
 * Like the commands, the job owns its transactions; the rules and statements it uses are the
 * handlers' (domain/notification.h, db/assignments.h, db/notifications.h).
 */
#ifndef TS_SCHEDULER_H
#define TS_SCHEDULER_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "db/db.h"

struct scheduler;

/* Starts the thread; its first scan comes one interval after the start. NULL (logged) when
 * the thread cannot be created. `cfg` and `db` must outlive scheduler_stop(). Start it after
 * the signals are blocked, so the thread inherits the mask. */
struct scheduler *scheduler_start(const struct config *cfg, struct db *db);

/* Asks the thread to stop without waiting: it ends after the statement it is running (each is
 * bounded by DB_TIMEOUT_MS), before starting another. NULL is ignored. */
void scheduler_request_stop(struct scheduler *s);

/* Asks it to stop and waits until `deadline` (monotonic ms; 0: without a bound) for the
 * statement it runs to end, then joins the thread, frees `s` and returns true. Returns false,
 * joining and freeing nothing, when the thread is still waiting on the database at the
 * deadline: the caller must then end the process at once (_exit). Call before the pool
 * closes. NULL is ignored (true). */
bool scheduler_stop(struct scheduler *s, int64_t deadline);

#endif
