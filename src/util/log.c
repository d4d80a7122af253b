/* JSON-lines logger; see log.h. */
#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/time.h"

static volatile int min_level = LOG_INFO;
static volatile int log_fd = STDOUT_FILENO;
static _Thread_local const char *thread_request_id;

static const char *const level_names[] = {"debug", "info", "warning", "error"};

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

void log_set_request_id(const char *request_id)
{
    thread_request_id = request_id;
}

void log_write_line(const char *json, unsigned long len)
{
    char nl = '\n';
    /* One write of line + newline: copy into a stack buffer when small, else two writes. */
    char small[2048];

    if (len < sizeof(small)) {
        memcpy(small, json, len);
        small[len] = nl;
        ssize_t w = write(log_fd, small, len + 1);
        (void)w;
        return;
    }
    ssize_t w = write(log_fd, json, len);
    w = write(log_fd, &nl, 1);
    (void)w;
}

void log_msg(enum log_level level, const char *module, const char *fmt, ...)
{
    char msg[1024];
    char ts[TIME_RFC3339_LEN];
    struct buf b;
    va_list ap;

    if (!log_enabled(level))
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    time_format_ms(time_now_ms(), ts);

    buf_init(&b, 8192);
    buf_printf(&b, "{\"ts\":\"%s\",\"level\":\"%s\",\"module\":\"", ts, level_names[level]);
    buf_json_escape(&b, module);
    buf_puts(&b, "\",\"msg\":\"");
    buf_json_escape(&b, msg);
    buf_puts(&b, "\"");
    if (thread_request_id != NULL) {
        buf_puts(&b, ",\"request_id\":\"");
        buf_json_escape(&b, thread_request_id);
        buf_puts(&b, "\"");
    }
    buf_puts(&b, "}");
    log_write_line(b.data, b.len);
    buf_free(&b);
}
