/* The JSON-lines logger: common fields, severity, the request context and the Cloud Logging
 * trace fields (API.md §1.9). Lines are read back through a pipe. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <jansson.h>
#include <string.h>
#include <unistd.h>

#include "util/log.h"

static int fds[2];

static void setup(void)
{
    cr_assert_eq(pipe(fds), 0);
    fcntl(fds[0], F_SETFL, O_NONBLOCK);
    log_set_fd(fds[1]);
    log_set_level(LOG_DEBUG);
    log_set_cloud_project(NULL);
    log_set_context(NULL);
}

static void teardown(void)
{
    log_set_fd(STDOUT_FILENO);
    log_set_context(NULL);
    close(fds[0]);
    close(fds[1]);
}

TestSuite(log, .init = setup, .fini = teardown);

/* The one line written since the last call, parsed; asserts it is exactly one line. */
static json_t *read_line(void)
{
    static char buf[8192];
    ssize_t n = read(fds[0], buf, sizeof(buf) - 1);
    cr_assert_gt(n, 0, "nothing was logged");
    buf[n] = '\0';
    cr_assert_eq(strchr(buf, '\n'), buf + n - 1, "not exactly one line: %s", buf);
    json_error_t e;
    json_t *j = json_loads(buf, 0, &e);
    cr_assert_not_null(j, "not JSON (%s): %s", e.text, buf);
    return j;
}

static const char *str(json_t *j, const char *key)
{
    return json_string_value(json_object_get(j, key));
}

Test(log, every_line_has_level_and_severity)
{
    static const struct {
        enum log_level level;
        const char *name, *severity;
    } cases[] = {{LOG_DEBUG, "debug", "DEBUG"},
                 {LOG_INFO, "info", "INFO"},
                 {LOG_WARNING, "warning", "WARNING"},
                 {LOG_ERROR, "error", "ERROR"}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        log_msg(cases[i].level, "test", "message %d with \"quotes\"", (int)i);
        json_t *j = read_line();
        cr_assert_str_eq(str(j, "level"), cases[i].name);
        cr_assert_str_eq(str(j, "severity"), cases[i].severity);
        cr_assert_str_eq(str(j, "module"), "test");
        cr_assert_not_null(str(j, "ts"));
        char want[64];
        snprintf(want, sizeof(want), "message %d with \"quotes\"", (int)i);
        cr_assert_str_eq(str(j, "msg"), want);
        cr_assert_null(json_object_get(j, "request_id"));
        cr_assert_null(json_object_get(j, "trace_id"));
        json_decref(j);
    }
}

Test(log, lines_below_the_level_are_not_written)
{
    log_set_level(LOG_WARNING);
    log_msg(LOG_INFO, "test", "quiet");
    log_msg(LOG_WARNING, "test", "loud");
    json_t *j = read_line();
    cr_assert_str_eq(str(j, "msg"), "loud");
    json_decref(j);
}

Test(log, request_context_is_on_every_line_of_the_thread_until_cleared)
{
    struct log_context ctx = {.request_id = "req-1",
                              .trace_id = "4bf92f3577b34da6a3ce929d0e0e4736",
                              .span_id = "00f067aa0ba902b7",
                              .sampled = true};
    log_set_context(&ctx);
    log_msg(LOG_ERROR, "test", "inside");
    json_t *j = read_line();
    cr_assert_str_eq(str(j, "request_id"), "req-1");
    cr_assert_str_eq(str(j, "trace_id"), "4bf92f3577b34da6a3ce929d0e0e4736");
    /* No project: no Cloud Logging fields. */
    cr_assert_null(json_object_get(j, "logging.googleapis.com/trace"));
    cr_assert_null(json_object_get(j, "logging.googleapis.com/spanId"));
    json_decref(j);
    log_set_context(NULL);
    log_msg(LOG_ERROR, "test", "outside");
    j = read_line();
    cr_assert_null(json_object_get(j, "request_id"));
    cr_assert_null(json_object_get(j, "trace_id"));
    json_decref(j);
}

Test(log, cloud_project_adds_the_cloud_logging_trace_fields)
{
    struct log_context ctx = {.request_id = "req-2",
                              .trace_id = "0af7651916cd43dd8448eb211c80319c",
                              .span_id = "b7ad6b7169203331",
                              .sampled = false};
    log_set_cloud_project("my-project-123");
    log_set_context(&ctx);
    log_msg(LOG_WARNING, "test", "traced");
    json_t *j = read_line();
    cr_assert_str_eq(str(j, "logging.googleapis.com/trace"),
                     "projects/my-project-123/traces/0af7651916cd43dd8448eb211c80319c");
    cr_assert_str_eq(str(j, "logging.googleapis.com/spanId"), "b7ad6b7169203331");
    cr_assert(json_is_false(json_object_get(j, "logging.googleapis.com/trace_sampled")));
    cr_assert_str_eq(str(j, "trace_id"), "0af7651916cd43dd8448eb211c80319c");
    json_decref(j);

    /* A request without a trace id: no trace fields even with a project. */
    struct log_context plain = {.request_id = "req-3", .trace_id = ""};
    log_set_context(&plain);
    log_msg(LOG_WARNING, "test", "untraced");
    j = read_line();
    cr_assert_str_eq(str(j, "request_id"), "req-3");
    cr_assert_null(json_object_get(j, "trace_id"));
    cr_assert_null(json_object_get(j, "logging.googleapis.com/trace"));
    json_decref(j);
}

Test(log, lines_with_own_fields_share_the_common_ones)
{
    struct log_context ctx = {.request_id = "req-4",
                              .trace_id = "4bf92f3577b34da6a3ce929d0e0e4736",
                              .span_id = "00f067aa0ba902b7",
                              .sampled = true};
    struct buf b;
    log_set_cloud_project("example.com:legacy-project");
    log_line_begin(&b, LOG_INFO);
    buf_puts(&b, ",\"msg\":\"request\",\"status\":200");
    log_line_end(&b, &ctx); /* explicit context, none set on the thread */
    json_t *j = read_line();
    cr_assert_str_eq(str(j, "severity"), "INFO");
    cr_assert_str_eq(str(j, "msg"), "request");
    cr_assert_eq(json_integer_value(json_object_get(j, "status")), 200);
    cr_assert_str_eq(str(j, "request_id"), "req-4");
    cr_assert_str_eq(str(j, "logging.googleapis.com/trace"),
                     "projects/example.com:legacy-project/traces/4bf92f3577b34da6a3ce929d0e0e4736");
    cr_assert(json_is_true(json_object_get(j, "logging.googleapis.com/trace_sampled")));
    json_decref(j);
}

Test(log, long_messages_stay_one_line)
{
    char big[3000];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    log_msg(LOG_INFO, "test", "%s", big);
    json_t *j = read_line();
    cr_assert_eq(strlen(str(j, "msg")), 1023); /* messages are cut at 1 KiB */
    json_decref(j);
}
