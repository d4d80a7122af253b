/*
 * Storage of assignments (migration 0005). Functions run on a connection the caller holds,
 * inside the caller's transaction for writes; loaded strings live in the caller's arena.
 * Timestamps that are null in the database are 0 here.
 * Errors: TS_ENOTFOUND, TS_ECONFLICT (the module is already assigned to the user),
 * TS_EUNAVAIL, TS_EDB.
 */
#ifndef TS_DB_ASSIGNMENTS_H
#define TS_DB_ASSIGNMENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "model/assignment.h"
#include "model/module.h"
#include "model/progress.h"
#include "util/arena.h"

/* The columns db_assignments_read_row() reads, of table alias `a` (a string literal), in its
 * order. */
#define DB_ASSIGNMENTS_COLUMNS(a)                                                                  \
    a ".id, " a ".module_id, " a ".user_id, " a ".assigned_by, " a ".due_at, " a                   \
      ".due_soon_for, " a ".created_at, " a ".updated_at"

/* Offsets of DB_ASSIGNMENTS_COLUMNS, in the same order: rows are read by these names. */
enum db_assignments_column {
    DB_ASSIGNMENTS_ID,
    DB_ASSIGNMENTS_MODULE_ID,
    DB_ASSIGNMENTS_USER_ID,
    DB_ASSIGNMENTS_ASSIGNED_BY,
    DB_ASSIGNMENTS_DUE_AT,
    DB_ASSIGNMENTS_DUE_SOON_FOR,
    DB_ASSIGNMENTS_CREATED_AT,
    DB_ASSIGNMENTS_UPDATED_AT,
    DB_ASSIGNMENTS_NCOLUMNS
};

/* Reads DB_ASSIGNMENTS_COLUMNS starting at column `col` of `row`; returns the column after. */
int db_assignments_read_row(const struct db_res *r, int row, int col, struct assignment *a);

/* An assignment with what its object shows besides its own columns (§11): its module's
 * summary and the assignee's progress on the module. */
struct db_assignment_item {
    struct assignment a;
    const char *title; /* the module's */
    enum flow_type flow;
    enum module_status module_status;
    enum progress_status progress_status; /* not_started without a record */
    int progress_percent;                 /* 0 without a record */
};

/* Inserts `a`; TS_ECONFLICT when the module is already assigned to the user (the unique key
 * decides between concurrent creators; on PostgreSQL the transaction is then aborted). */
int db_assignments_insert(struct db_conn *c, const struct assignment *a);

/* Loads assignment `id` as an item; `lock` holds its row until the transaction ends
 * (PostgreSQL; SQLite's write transaction already excludes other writers). */
int db_assignments_get(struct db_conn *c, struct arena *a, const char *id, bool lock,
                       struct db_assignment_item *out);

/* The id of the assignment of (module, user). */
int db_assignments_find(struct db_conn *c, const char *module_id, const char *user_id,
                        char id[STR_UUID_SIZE]);

/* Sets due_at (0 = null) and updated_at of `id` and re-arms its due-soon reminder. */
int db_assignments_set_due(struct db_conn *c, const char *id, int64_t due_at, int64_t updated_at);

int db_assignments_delete(struct db_conn *c, const char *id);

/* Whether the user holds an assignment for the module (it keeps an archived module visible and
 * writable for them, §1.5, §8). */
int db_assignments_exists(struct db_conn *c, const char *user_id, const char *module_id, bool *out);

struct db_assignments_filter {
    const char *assigned_by; /* NULL: any creator */
    const char *user_id;     /* NULL: any assignee */
    const char *module_id;   /* NULL: any module */
    int progress_status;     /* enum progress_status (not_started included) or -1 */
    struct db_keyset page;   /* order: the list function's */
};

/* Assignments in order created_at desc, id desc; *items is an arena array of *n. */
int db_assignments_list(struct db_conn *c, struct arena *a, const struct db_assignments_filter *f,
                        struct db_assignment_item **items, int *n);

/* The distinct users holding an assignment for module `module_id` or for `other_id` (NULL:
 * none), in id order (the order notification inserts lock users in, so two transactions never
 * wait for each other in a cycle). *ids is an arena array of *n ids. */
int db_assignments_assignees(struct db_conn *c, struct arena *a, const char *module_id,
                             const char *other_id, char (**ids)[STR_UUID_SIZE], int *n);

/* An assignment the due-soon scan found, with its module's title. */
struct db_assignment_due {
    struct assignment a;
    const char *title;
};

/*
 * Assignments whose due_at is in (now_ms, until_ms], whose reminder was not created for that
 * due_at (due_soon_for differs) and whose assignee has not completed or passed the module;
 * soonest first, at most `limit`. Read without locks: db_assignments_claim_due_soon() decides.
 */
int db_assignments_due_soon(struct db_conn *c, struct arena *a, int64_t now_ms, int64_t until_ms,
                            int limit, struct db_assignment_due **items, int *n);

/*
 * The exactly-once step of the due-soon reminder: records that the reminder of assignment `id`
 * is created for `due_at`, if its due_at is still that, no reminder was recorded for it, and
 * its progress is not done. *claimed says whether this call changed the row; only then may
 * the caller create the notification, in the same transaction. Of several instances claiming
 * the same row, one changes it: on PostgreSQL the others wait for its commit and re-check the
 * condition against the committed row (READ COMMITTED), on SQLite writers are serialised.
 */
int db_assignments_claim_due_soon(struct db_conn *c, const char *id, int64_t due_at, bool *claimed);

#endif
