/*
 * Idempotency-Key handling for routes flagged ROUTE_IDEMPOTENT (API.md §1.8).
 *
 * The pipeline validates the header's pattern (step 5) before the handler runs. The handler
 * calls http_idem_begin_or_reply() once its own validation passed (the key is looked up after
 * step 5 and before step 6); the pipeline calls http_idem_finish() after the handler, which
 * stores a 2xx reply for replay or releases the key after an error.
 */
#ifndef TS_HTTP_IDEMPOTENCY_H
#define TS_HTTP_IDEMPOTENCY_H

#include "http/http.h"

/* 422 at ["header","idempotency-key"] when the header is present but malformed; 0 or -1. */
int http_idem_check_header_or_reply(struct http_req *r);

/*
 * Without the header: 0. With it: claims the key and returns 0, or replies and returns -1: the
 * stored reply with Idempotent-Replayed: true (same body), 422 idempotency_key_reused (other
 * body), 409 while the first request runs, 503 when the database is unavailable.
 */
int http_idem_begin_or_reply(struct http_req *r);

/* Stores or releases a claimed key according to the reply queued. */
void http_idem_finish(struct http_req *r);

#endif
