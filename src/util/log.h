/*
 * Structured logs: one JSON object per line on stdout (API.md §1.9).
 *
 * log_msg() writes {"ts","level","module","msg"} plus, when the calling thread is serving a
 * request, "request_id". Lines are written with one write(2) so concurrent threads do not
 * interleave. Never pass tokens, passwords or Authorization headers to a log call.
 * Thread safe.
 */
#ifndef TS_UTIL_LOG_H
#define TS_UTIL_LOG_H

#include <stdbool.h>

enum log_level { LOG_DEBUG = 0, LOG_INFO, LOG_WARNING, LOG_ERROR };

/* Sets the minimum level written (default LOG_INFO). */
void log_set_level(enum log_level level);
bool log_enabled(enum log_level level);

/* Parses "debug"/"info"/"warning"/"error"; -1 if unknown. */
int log_level_parse(const char *s);

/* Sends log lines to `fd` instead of stdout: the CLI commands keep stdout for their output. */
void log_set_fd(int fd);

/* Attaches `request_id` (borrowed; NULL clears) to this thread's following log lines. */
void log_set_request_id(const char *request_id);

void log_msg(enum log_level level, const char *module, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Writes one complete JSON line prepared by the caller (access logs); `json` has no newline. */
void log_write_line(const char *json, unsigned long len);

#endif
