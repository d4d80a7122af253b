/*
 * A write load for fault tests (tests/api/test_faults.c): N client threads, one learner each,
 * doing acknowledged writes over HTTP while the test breaks something, and recording per
 * request what the server answered: the status (or the transport error when there was no
 * answer), Retry-After, and the id and sequence number of what a 2xx acknowledged. Afterwards
 * ts_load_audit() reads everything back through the API and fails the test when a write that
 * was answered 2xx is missing (or older than acknowledged).
 *
 * The writes, in turn per thread: feedback (POST, 201, a new id each), a progress PUT with
 * the version (200, version + 1; a 409 version conflict after a write whose answer was lost
 * re-reads the version), a PATCH of the learner's check-in of the day (200, the note carries
 * the sequence number), and marking one of the learner's notifications read (200). Each
 * thread keeps one HTTP connection open between requests (keep-alive), as clients do.
 */
#ifndef TS_TEST_LOAD_H
#define TS_TEST_LOAD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "support/accounts.h"

#define TS_LOAD_MAX_THREADS 8
#define TS_LOAD_NOTIFICATIONS 12 /* per learner, to be marked read */

enum ts_write_kind { TS_W_FEEDBACK, TS_W_PROGRESS, TS_W_CHECKIN, TS_W_READ, TS_W_KINDS };

/* One request of the load. */
struct ts_load_rec {
    enum ts_write_kind kind;
    long status;         /* HTTP status; 0 when no reply came */
    int curl_rc;         /* CURLcode of the transfer (0: a reply came) */
    bool sent;           /* a connection was up: the request was (at least partly) sent */
    char retry_after[8]; /* Retry-After of the reply, "" when absent */
    char id[40];         /* feedback id or notification id acknowledged */
    long long seq;       /* the write's number: comment/note/text "t<thread>-<seq>" */
    long long version;   /* progress: the version a 200 returned */
    int64_t at_ms;       /* sent, in ms since ts_load_start() */
};

struct ts_load_thread {
    struct ts_load *load;
    int index;
    struct ts_user user;
    char checkin_id[40];
    char notification_ids[TS_LOAD_NOTIFICATIONS][40];
    int next_notification;
    long long version; /* progress version the next PUT sends */
    long long seq;
    struct ts_load_rec *recs;
    size_t nrecs, caprecs;
    pthread_t thread;
};

struct ts_load {
    const struct ts_server *srv;
    int nthreads;
    struct ts_user author;
    char module_id[40];
    char screen_id[40]; /* the module's reflection screen */
    struct ts_load_thread threads[TS_LOAD_MAX_THREADS];
    atomic_bool stop;
    int64_t t0_ms;
};

/*
 * Prepares a load on the running server `s` with `nthreads` learners (at most
 * TS_LOAD_MAX_THREADS): an author (promoted in the database) with a published linear module
 * (one reflection screen), a check-in of today for each learner and TS_LOAD_NOTIFICATIONS
 * notifications each. Asserts.
 */
void ts_load_setup(struct ts_load *l, const struct ts_server *s, int nthreads);

/* Points the load at the server `s` (after a restart on the same database) without setup. */
void ts_load_retarget(struct ts_load *l, const struct ts_server *s);

/* Starts the client threads; ts_load_stop() stops and joins them. */
void ts_load_start(struct ts_load *l);
void ts_load_stop(struct ts_load *l);

/* Requests recorded so far (stopped load only): with status `status` (-1: any), 2xx when
 * `status` is 2, and transport errors (no status) when `status` is 0. */
size_t ts_load_count(const struct ts_load *l, long status);

/* The same, of the requests sent `since_ms` or later after ts_load_start(). */
size_t ts_load_count_since(const struct ts_load *l, long status, int64_t since_ms);

/*
 * Asserts every reply of the load: a 2xx, a 409 version conflict (progress only), or the spec's
 * 503 (`{"detail":"Service Unavailable"}` body not checked here) with Retry-After: 5 — never 500
 * or anything else. Transport errors: when `refused_ok`, a request that found no connection
 * (nothing sent) is fine; one that had been sent and got no status fails the assertion unless
 * `reset_ok` (the server was killed).
 */
void ts_load_assert_replies(const struct ts_load *l, bool refused_ok, bool reset_ok);

/*
 * The audit, through the API of `s` (the load stopped): every acknowledged feedback exists,
 * every acknowledged notification is read, each learner's progress version is at least the
 * highest acknowledged one (and holds its text when equal), and each check-in's note is the
 * last acknowledged one or a later write. Returns how many writes the database holds beyond
 * the acknowledged ones (requests whose answer was lost but which committed).
 */
int ts_load_audit(const struct ts_load *l, const struct ts_server *s);

/* Prints a one-line summary (requests, 2xx, by status, transport errors) to stderr, prefixed
 * with `label`, for the numbers of docs/RELIABILITY.md. */
void ts_load_report(const struct ts_load *l, const char *label);

/* Frees the records (the learners and their state stay: the load may start again). */
void ts_load_free(struct ts_load *l);

#endif
