/*
 * The harness itself: a server started by a test never outlives the test process, however that
 * process ends. Each test forks a stand-in for a Criterion worker, which starts a server with
 * ts_server_start() and then ends the way a failing test does, without ts_server_stop(): killed
 * with SIGKILL (a Criterion or ctest timeout), aborted (a failed cr_assert in .init), or exited
 * (cr_skip_test(), or a failed cr_assert in the body followed by the worker's normal exit).
 * This process makes itself the child subreaper, so an orphaned server becomes its child and
 * can be waited for here: the wait is bounded, and a server still running when it ends is
 * killed before the test fails, so that a regression does not leave one behind either.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "support/server.h"

enum ending { KILLED, ABORTED, EXITED };

static pid_t worker; /* this test process, as opposed to the children it forks */

/*
 * LeakSanitizer calls this, when defined, before its at-exit check. A forked child's copy of
 * the sanitizer's thread list names the parent's threads, so the check would run blind there
 * ("Running thread ... was not suspended") and could report false leaks: skip it in children.
 */
int __lsan_is_turned_off(void);
int __lsan_is_turned_off(void)
{
    return worker != 0 && getpid() != worker;
}

static void end(enum ending how)
{
    switch (how) {
    case KILLED:
        for (;;) /* the parent sends SIGKILL */
            pause();
    case ABORTED: {
        struct rlimit no_core = {0, 0};
        setrlimit(RLIMIT_CORE, &no_core);
        signal(SIGABRT, SIG_DFL);
        abort();
    }
    case EXITED:
        exit(0);
    }
}

/* Forks a child that starts a server, reports it on a pipe and ends `how`; returns the server
 * the child started once the child is gone. */
static void start_in_child(enum ending how, struct ts_server *got)
{
    int fds[2];

    worker = getpid();
    cr_assert_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
    cr_assert_eq(pipe(fds), 0);
    pid_t child = fork();
    cr_assert_neq(child, -1);
    if (child == 0) {
        struct ts_server s;
        close(fds[0]);
        ts_server_start(&s, NULL);
        if (write(fds[1], &s, sizeof(s)) != (ssize_t)sizeof(s))
            _exit(1);
        close(fds[1]);
        end(how);
    }
    close(fds[1]);
    struct pollfd p = {.fd = fds[0], .events = POLLIN};
    ssize_t n = -1;
    if (poll(&p, 1, 40 * 1000) == 1)
        n = read(fds[0], got, sizeof(*got));
    close(fds[0]);
    if (how == KILLED)
        kill(child, SIGKILL);
    int status;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR)
        ;
    cr_assert_eq(n, (ssize_t)sizeof(*got), "the child did not start a server");
    cr_assert_gt(got->pid, 0);
}

/*
 * Waits up to `ms` for `pid` to end. Returns true when it has: reaped here (status filled), or
 * already reaped by the child (*status = -1). A server still running at the deadline is killed
 * and reaped, and false returned.
 */
static bool ended_within(pid_t pid, int ms, int *status)
{
    struct timespec tick = {0, 10 * 1000 * 1000};

    *status = -1;
    for (int waited = 0; waited < ms; waited += 10) {
        pid_t r = waitpid(pid, status, WNOHANG);
        if (r == pid)
            return true;
        if (r < 0 && errno == ECHILD && kill(pid, 0) < 0 && errno == ESRCH)
            return true;
        nanosleep(&tick, NULL);
    }
    if (waitpid(pid, status, WNOHANG) == 0) { /* still our child: safe to signal */
        kill(pid, SIGKILL);
        waitpid(pid, status, 0);
    }
    return false;
}

static void assert_killed_with_its_test_process(enum ending how)
{
    struct ts_server s;
    int status;

    start_in_child(how, &s);
    bool ended = ended_within(s.pid, 10 * 1000, &status);
    s.pid = 0;
    ts_db_drop(&s);
    cr_assert(ended, "the server outlived the test process that started it");
    cr_assert(status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
              "the server was not killed by the kernel (status %d)", status);
}

Test(harness, server_dies_when_its_test_process_is_killed, .timeout = 60)
{
    assert_killed_with_its_test_process(KILLED);
}

Test(harness, server_dies_when_its_test_process_aborts, .timeout = 60)
{
    assert_killed_with_its_test_process(ABORTED);
}

/* A normal exit runs the harness's at-exit stop, which also removes the scratch directory. */
Test(harness, server_is_stopped_when_its_test_process_exits_without_stopping_it, .timeout = 60)
{
    struct ts_server s;
    struct stat st;
    int status;

    start_in_child(EXITED, &s);
    bool ended = ended_within(s.pid, 30 * 1000, &status);
    bool dir_left = stat(s.dir, &st) == 0;
    s.pid = 0;
    if (dir_left)
        ts_db_drop(&s);
    cr_assert(ended, "the server outlived the test process that started it");
    cr_assert_not(dir_left, "the scratch directory %s was left behind", s.dir);
}
