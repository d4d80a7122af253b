/*
 * Structured logs: one JSON object per line on stdout (API.md §1.9).
 *
 * Every line has "ts", "level" and "severity" (the same level in the upper-case words log
 * platforms read without configuration: Cloud Logging, Datadog, Loki's detected_level), then
 * the line's own fields, then the request context of the calling thread when it is serving a
 * request: "request_id" and, for a valid W3C traceparent, "trace_id" — plus, when a Google
 * Cloud project is set (GOOGLE_CLOUD_PROJECT), Cloud Logging's own trace fields
 * "logging.googleapis.com/trace" ("projects/<project>/traces/<trace id>"),
 * "logging.googleapis.com/spanId" and "logging.googleapis.com/trace_sampled".
 *
 * Lines are written with one write(2) so concurrent threads do not interleave. Never pass
 * tokens, passwords or Authorization headers to a log call. Thread safe.
 */
#ifndef TS_UTIL_LOG_H
#define TS_UTIL_LOG_H

#include <stdbool.h>

#include "util/buf.h"

enum log_level { LOG_DEBUG = 0, LOG_INFO, LOG_WARNING, LOG_ERROR };

/* What a line says about the request it belongs to. Strings borrowed; trace_id and span_id
 * are "" (or NULL) without a valid traceparent. */
struct log_context {
    const char *request_id;
    const char *trace_id; /* 32 lower-case hex digits */
    const char *span_id;  /* 16 lower-case hex digits: the caller's span (traceparent parent-id) */
    bool sampled;         /* traceparent flags bit 0 */
};

/* Sets the minimum level written (default LOG_INFO). */
void log_set_level(enum log_level level);
bool log_enabled(enum log_level level);

/* Parses "debug"/"info"/"warning"/"error"; -1 if unknown. */
int log_level_parse(const char *s);

/* Sends log lines to `fd` instead of stdout: the CLI commands keep stdout for their output. */
void log_set_fd(int fd);

/* The Google Cloud project for the Cloud Logging trace field (copied; "" or NULL: none).
 * Call once at start, before other threads log. */
void log_set_cloud_project(const char *project);

/* Attaches `ctx` (borrowed until cleared; NULL clears) to this thread's following lines. */
void log_set_context(const struct log_context *ctx);

void log_msg(enum log_level level, const char *module, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Lines with fields of their own (access logs): log_line_begin() starts the object with ts,
 * level and severity; the caller appends its fields, each starting with ','; log_line_end()
 * adds the request context (`ctx`, or this thread's when NULL), closes the object, writes the
 * line and frees `b`.
 */
void log_line_begin(struct buf *b, enum log_level level);
void log_line_end(struct buf *b, const struct log_context *ctx);

#endif
