/*
 * The due-soon scheduler; see scheduler.h.
 *
 * Exactly once. A scan reads candidates without locks, then gives each its own write
 * transaction: db_assignments_claim_due_soon() sets due_soon_for = due_at only while the row
 * still has that due_at, no reminder recorded for it and unfinished progress, and only when
 * that UPDATE changed the row is the notification inserted, in the same transaction. Two
 * instances that pick the same assignment both run the UPDATE; on PostgreSQL the second waits
 * for the first's commit and then finds the condition false (READ COMMITTED re-checks the
 * committed row), on SQLite writers take turns. Either way one transaction creates the
 * notification, and a reminder is never created without its claim or the claim without it.
 * PATCH sets due_soon_for back to null when due_at changes, which re-arms the reminder.
 *
 * Outages: a scan that fails logs one warning and stops; the next interval tries again. The
 * pool's bounds (DB_TIMEOUT_MS per acquire and statement) keep a scan from hanging.
 *
 * Sections: one reminder; one scan; the thread.
 */
#include "scheduler.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "db/assignments.h"
#include "db/migrate.h"
#include "db/notifications.h"
#include "domain/notification.h"
#include "http/http.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/log.h"
#include "util/time.h"

/* Candidates read per statement, and statements per scan: a scan that finds more leaves the
 * rest to the next one rather than holding a connection for long. */
#define BATCH 100
#define MAX_BATCHES 50

struct scheduler {
    const struct config *cfg;
    struct db *db;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t wake;  /* on CLOCK_MONOTONIC */
    pthread_cond_t ended; /* on CLOCK_MONOTONIC; `done` was set */
    bool done;            /* under mu: the thread has returned from its last scan */
    atomic_bool stop;
};

static bool stopping(struct scheduler *s)
{
    return atomic_load(&s->stop);
}

/* --- one reminder ----------------------------------------------------------------------- */

/*
 * Claims assignment `d` for its current due_at and, when this call won the claim, creates its
 * notification; one transaction, announced to the streams after the commit. *created counts
 * the notifications created. 0 or a TS_E* code (the transaction is rolled back).
 */
static int remind(struct db_conn *c, struct arena *a, const struct db_assignment_due *d,
                  int *created)
{
    struct notification_about about = {.module_id = d->a.module_id,
                                       .module_title = d->title,
                                       .assignment_id = d->a.id,
                                       .due_at = d->a.due_at};
    struct notification n = {0};
    bool claimed = false;
    int rc = db_begin_write(c);

    if (rc == 0)
        rc = db_assignments_claim_due_soon(c, d->a.id, d->a.due_at, &claimed);
    if (rc == 0 && claimed) {
        notification_new(a, d->a.user_id, NOTIFICATION_ASSIGNMENT_DUE_SOON, &about, time_now_ms(),
                         &n);
        rc = db_notifications_insert(c, &n);
    }
    if (rc < 0) {
        db_rollback(c);
        return rc;
    }
    rc = db_commit(c);
    if (rc == 0 && claimed) {
        http_notification_committed(n.user_id, n.seq, (int)n.type);
        (*created)++;
    }
    return rc;
}

/* --- one scan --------------------------------------------------------------------------- */

/* Creates the reminders due now; *created counts them (also when the scan fails midway). */
static int scan(struct scheduler *s, int *created)
{
    struct db_conn *c = NULL;
    struct arena a;
    int pending = 0;
    int rc = db_migrate_pending(s->db, &pending);

    /* With AUTO_MIGRATE=false the tables may not exist yet: nothing to scan until someone
     * migrates (readiness says so meanwhile). */
    if (rc == 0 && pending > 0) {
        log_msg(LOG_DEBUG, "scheduler", "%d migration(s) pending; no scan", pending);
        return 0;
    }
    if (rc == 0)
        rc = db_acquire(s->db, &c);
    arena_init(&a);
    for (int batch = 0; rc == 0 && batch < MAX_BATCHES && !stopping(s); batch++) {
        struct db_assignment_due *due = NULL;
        int n = 0;
        int64_t now = time_now_ms();
        rc = db_assignments_due_soon(
            c, &a, now, now + (int64_t)s->cfg->due_soon_window_seconds * 1000, BATCH, &due, &n);
        for (int i = 0; rc == 0 && i < n && !stopping(s); i++)
            rc = remind(c, &a, &due[i], created);
        /* Claimed rows leave the candidates, so the next batch holds new ones. */
        if (n < BATCH)
            break;
    }
    if (c != NULL)
        db_release(c);
    arena_free(&a);
    return rc;
}

/* --- the thread ------------------------------------------------------------------------- */

/* Waits until `deadline` (monotonic ms) or a stop request; true when asked to stop. */
static bool wait_until(struct scheduler *s, int64_t deadline)
{
    pthread_mutex_lock(&s->mu);
    while (!stopping(s)) {
        if (time_cond_wait_until(&s->wake, &s->mu, deadline) == ETIMEDOUT)
            break;
    }
    pthread_mutex_unlock(&s->mu);
    return stopping(s);
}

static void *run(void *arg)
{
    struct scheduler *s = arg;
    int64_t next = time_mono_ms();

    for (;;) {
        next += (int64_t)s->cfg->scheduler_interval_seconds * 1000;
        if (wait_until(s, next))
            break;
        int created = 0;
        int rc = scan(s, &created);
        if (created > 0)
            log_msg(LOG_INFO, "scheduler", "created %d due-soon reminder(s)", created);
        if (rc < 0)
            log_msg(LOG_WARNING, "scheduler", "due-soon scan failed (%s); next try in %d s",
                    ts_err_name(rc), s->cfg->scheduler_interval_seconds);
        else
            log_msg(LOG_DEBUG, "scheduler", "due-soon scan done");
        xtrim(); /* housekeeping on the same beat: free memory back to the system */
        /* A scan longer than the interval is not followed by a burst of catch-up scans. */
        if (time_mono_ms() > next)
            next = time_mono_ms();
    }
    pthread_mutex_lock(&s->mu);
    s->done = true;
    pthread_cond_signal(&s->ended);
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

struct scheduler *scheduler_start(const struct config *cfg, struct db *db)
{
    struct scheduler *s = xcalloc(1, sizeof(*s));

    s->cfg = cfg;
    s->db = db;
    atomic_init(&s->stop, false);
    pthread_mutex_init(&s->mu, NULL);
    time_cond_init(&s->wake);
    time_cond_init(&s->ended);
    if (pthread_create(&s->thread, NULL, run, s) != 0) {
        log_msg(LOG_ERROR, "scheduler", "cannot start the scheduler thread");
        pthread_cond_destroy(&s->ended);
        pthread_cond_destroy(&s->wake);
        pthread_mutex_destroy(&s->mu);
        free(s);
        return NULL;
    }
    log_msg(LOG_INFO, "scheduler", "due-soon reminders every %d s for assignments due within %d s",
            cfg->scheduler_interval_seconds, cfg->due_soon_window_seconds);
    return s;
}

void scheduler_request_stop(struct scheduler *s)
{
    if (s == NULL)
        return;
    pthread_mutex_lock(&s->mu);
    atomic_store(&s->stop, true);
    pthread_cond_signal(&s->wake);
    pthread_mutex_unlock(&s->mu);
}

bool scheduler_stop(struct scheduler *s, int64_t deadline)
{
    if (s == NULL)
        return true;
    scheduler_request_stop(s);
    pthread_mutex_lock(&s->mu);
    while (!s->done && time_cond_wait_until(&s->ended, &s->mu, deadline) != ETIMEDOUT)
        ;
    bool done = s->done;
    pthread_mutex_unlock(&s->mu);
    if (!done)
        return false;
    pthread_join(s->thread, NULL);
    pthread_cond_destroy(&s->ended);
    pthread_cond_destroy(&s->wake);
    pthread_mutex_destroy(&s->mu);
    free(s);
    log_msg(LOG_INFO, "scheduler", "stopped");
    return true;
}
