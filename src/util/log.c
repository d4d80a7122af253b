/* JSON-lines logger; see log.h. */
#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "util/time.h"

static volatile int min_level = LOG_INFO;
static volatile int log_fd = STDOUT_FILENO;
static char cloud_project[128];
static _Thread_local const struct log_context *thread_context;

static const char *const level_names[] = {"debug", "info", "warning", "error"};
static const char *const severity_names[] = {"DEBUG", "INFO", "WARNING", "ERROR"};

void log_set_level(enum log_level level)
{
    min_level = level;
}

bool log_enabled(enum log_level level)
{
    return (int)level >= min_level;
}

int log_level_parse(const char *s)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(s, level_names[i]) == 0)
            return i;
    return -1;
}

void log_set_fd(int fd)
{
    log_fd = fd;
}

void log_set_cloud_project(const char *project)
{
    snprintf(cloud_project, sizeof(cloud_project), "%s", project ? project : "");
}

void log_set_context(const struct log_context *ctx)
{
    thread_context = ctx;
}

/* Line and newline in one writev(2): one system call per line whatever its length, so lines
 * of concurrent threads do not interleave. */
static void write_line(const char *json, size_t len)
{
    struct iovec iov[2] = {{.iov_base = (void *)json, .iov_len = len},
                           {.iov_base = "\n", .iov_len = 1}};
    ssize_t w = writev(log_fd, iov, 2);
    (void)w;
}

void log_line_begin(struct buf *b, enum log_level level)
{
    char ts[TIME_RFC3339_LEN];

    time_format_ms(time_now_ms(), ts);
    buf_init(b, 16384); /* the cap: a 1 KiB message escaped, the access fields, the ids */
    buf_printf(b, "{\"ts\":\"%s\",\"level\":\"%s\",\"severity\":\"%s\"", ts, level_names[level],
               severity_names[level]);
}

void log_line_end(struct buf *b, const struct log_context *ctx)
{
    if (ctx == NULL)
        ctx = thread_context;
    if (ctx != NULL && ctx->request_id != NULL)
        buf_json_string_member(b, "request_id", ctx->request_id);
    if (ctx != NULL && ctx->trace_id != NULL && ctx->trace_id[0] != '\0') {
        /* Both ids are validated hex, and the project is checked at start: nothing to escape
         * but the project, which buf_json_escape handles all the same. */
        buf_json_string_member(b, "trace_id", ctx->trace_id);
        if (cloud_project[0] != '\0') {
            buf_puts(b, ",\"logging.googleapis.com/trace\":\"projects/");
            buf_json_escape(b, cloud_project);
            buf_printf(b, "/traces/%s\"", ctx->trace_id);
            if (ctx->span_id != NULL && ctx->span_id[0] != '\0')
                buf_json_string_member(b, "logging.googleapis.com/spanId", ctx->span_id);
            buf_printf(b, ",\"logging.googleapis.com/trace_sampled\":%s",
                       ctx->sampled ? "true" : "false");
        }
    }
    buf_puts(b, "}");
    write_line(b->data, b->len);
    buf_free(b);
}

void log_msg(enum log_level level, const char *module, const char *fmt, ...)
{
    char msg[1024];
    struct buf b;
    va_list ap;

    if (!log_enabled(level))
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);

    log_line_begin(&b, level);
    buf_json_string_member(&b, "module", module);
    buf_json_string_member(&b, "msg", msg);
    log_line_end(&b, NULL);
}
