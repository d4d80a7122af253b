/*
 * API test harness; see server.h. Sections: scratch space and databases; child processes (how
 * a server is kept from outliving its test); servers and CLI runs; HTTP; raw sockets.
 */
#include "support/server.h"

#include <criterion/criterion.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

void ts_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

int64_t ts_mono_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

bool ts_backend_is_pg(void)
{
    const char *b = getenv("TS_TEST_BACKEND");
    return b != NULL && strcmp(b, "postgres") == 0;
}

int ts_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(a);

    cr_assert(fd >= 0);
    cr_assert(bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0);
    cr_assert(getsockname(fd, (struct sockaddr *)&a, &len) == 0);
    close(fd);
    return ntohs(a.sin_port);
}

/* --- scratch space and databases ---------------------------------------------------------- */

void ts_scratch_dir(char *dir, size_t size, const char *name)
{
    const char *root = getenv("TS_TEST_RUN_DIR");

    if (root == NULL || root[0] == '\0')
        root = "/tmp";
    int n = snprintf(dir, size, "%s/%s.XXXXXX", root, name);
    cr_assert(n > 0 && (size_t)n < size, "scratch path under %s is too long", root);
    cr_assert_not_null(mkdtemp(dir), "cannot create %s: %s", dir, strerror(errno));
}

/* One statement in the test cluster's maintenance database: 0, or -1 with the reason in `err`.
 * Asserts nothing, so the at-exit clean-up can use it outside any test. */
static int pg_admin_try(const char *sql, char *err, size_t size)
{
    const char *url = getenv("TS_TEST_PG_URL");
    PGconn *c = NULL;
    PGresult *r = NULL;
    int rc = -1;

    if (url == NULL) {
        snprintf(err, size, "TS_TEST_PG_URL is not set: run the suite with scripts/test.sh");
        goto out;
    }
    c = PQconnectdb(url);
    if (PQstatus(c) != CONNECTION_OK) {
        snprintf(err, size, "cannot reach the test cluster: %s", PQerrorMessage(c));
        goto out;
    }
    r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        snprintf(err, size, "%s: %s", sql, PQerrorMessage(c));
        goto out;
    }
    rc = 0;
out:
    PQclear(r);
    PQfinish(c);
    return rc;
}

static void pg_admin(const char *sql)
{
    char err[512];
    cr_assert(pg_admin_try(sql, err, sizeof(err)) == 0, "%s", err);
}

void ts_db_create(struct ts_server *s)
{
    memset(s, 0, sizeof(*s));
    ts_scratch_dir(s->dir, sizeof(s->dir), "ts-test");
    snprintf(s->log_path, sizeof(s->log_path), "%s/server.log", s->dir);
    if (!ts_backend_is_pg()) {
        snprintf(s->database_url, sizeof(s->database_url), "sqlite:%s/trainsmart.db", s->dir);
        return;
    }
    unsigned char rnd[8];
    int fd = open("/dev/urandom", O_RDONLY);
    cr_assert(fd >= 0 && read(fd, rnd, sizeof(rnd)) == (ssize_t)sizeof(rnd));
    close(fd);
    snprintf(s->pg_db, sizeof(s->pg_db), "ts_%02x%02x%02x%02x%02x%02x%02x%02x", rnd[0], rnd[1],
             rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);
    char sql[128];
    snprintf(sql, sizeof(sql), "CREATE DATABASE %s", s->pg_db);
    pg_admin(sql);
    const char *url = getenv("TS_TEST_PG_URL");
    const char *slash = strrchr(url, '/');
    snprintf(s->database_url, sizeof(s->database_url), "%.*s/%s", (int)(slash - url), url,
             s->pg_db);
}

/* Drops the database and removes the scratch directory: 0, or -1 with the reason in `err`. */
static int db_drop_try(struct ts_server *s, char *err, size_t size)
{
    if (s->pg_db[0] != '\0') {
        char sql[128];
        snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", s->pg_db);
        if (pg_admin_try(sql, err, size) < 0)
            return -1;
        s->pg_db[0] = '\0';
    }
    if (s->dir[0] != '\0') {
        char cmd[256];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s->dir);
        if (system(cmd) != 0) {
            snprintf(err, size, "%s failed", cmd);
            return -1;
        }
        s->dir[0] = '\0';
    }
    return 0;
}

void ts_db_drop(struct ts_server *s)
{
    char err[512];
    cr_assert(db_drop_try(s, err, sizeof(err)) == 0, "%s", err);
}

/* --- child processes ---------------------------------------------------------------------- */

/*
 * A server must not outlive the test that started it, however the test ends. Criterion runs
 * each test in a worker process: a failed cr_assert skips the rest of the body (in .init it
 * aborts the worker), cr_skip_test() exits the worker at once without running .fini, and a
 * timeout, Criterion's or ctest's, kills it. Three layers, each covering what the one before
 * cannot:
 *
 *  1. ts_server_stop() sends SIGTERM, waits at most STOP_GRACE_MS, then sends SIGKILL, and
 *     reaps the process in every case.
 *  2. This file lists the servers and clusters that the test process started and has not
 *     stopped. An atexit() handler stops them, then drops their databases and scratch
 *     directories, when the process exits normally: after cr_skip_test(), or after a failed
 *     cr_assert skipped a ts_server_stop().
 *  3. Every child asks the kernel for SIGKILL when its parent dies (PR_SET_PDEATHSIG). That
 *     covers abort(), crashes and SIGKILL, where no code of ours runs. The kernel sends it
 *     when the thread that forked exits, not the process: start servers from the test's own
 *     thread, never from one that ends before the server should.
 *
 * PostgreSQL clusters cannot get layer 3 (pg_ctl detaches the postmaster), and scratch
 * directories none: scripts/test.sh gives the tests a run directory for both (TS_TEST_RUN_DIR),
 * stops any cluster still running in it, and finally checks that no process the run started
 * from build-test/ is still running.
 */

#define STOP_GRACE_MS 20000
#define MAX_LIVE 8

/*
 * TS_SERVER_WRAPPER (scripts/valgrind.sh): a command prefix, words separated by spaces (no
 * quoting), put before the binary of every server and CLI run started here, e.g. "valgrind
 * --tool=memcheck ...". A wrapped program starts, runs and exits many times slower, so the
 * bounds on its start and on its exit after SIGTERM are SLOW_FACTOR times longer.
 */
#define SLOW_FACTOR 10
#define WRAPPER_WORDS 32

static const char *wrapper(void)
{
    const char *w = getenv("TS_SERVER_WRAPPER");
    return w != NULL && *w != '\0' ? w : NULL;
}

static int slow_factor(void)
{
    return wrapper() != NULL ? SLOW_FACTOR : 1;
}

struct wrapped {
    char words[1024];
    const char *argv[WRAPPER_WORDS + 16];
};

/* argv with the wrapper's words before it, in `w` (which owns the words); asserts that it
 * fits. argv itself when there is no wrapper. */
static const char *const *wrap_argv(struct wrapped *w, const char *const *argv)
{
    const char *prefix = wrapper();
    int n = 0;

    if (prefix == NULL)
        return argv;
    cr_assert_lt(strlen(prefix), sizeof(w->words), "TS_SERVER_WRAPPER is too long");
    snprintf(w->words, sizeof(w->words), "%s", prefix);
    for (char *save = NULL, *t = strtok_r(w->words, " ", &save); t != NULL;
         t = strtok_r(NULL, " ", &save)) {
        cr_assert_lt(n, WRAPPER_WORDS, "TS_SERVER_WRAPPER has too many words");
        w->argv[n++] = t;
    }
    for (int i = 0; argv[i] != NULL; i++) {
        cr_assert_lt(n, WRAPPER_WORDS + 15, "too many arguments");
        w->argv[n++] = argv[i];
    }
    w->argv[n] = NULL;
    return w->argv;
}

struct live_server {
    pid_t owner; /* the process that started it; 0 marks a free slot */
    struct ts_server s;
};

struct live_cluster {
    pid_t owner;
    char dir[256];
};

static struct live_server live_servers[MAX_LIVE];
static struct live_cluster live_clusters[MAX_LIVE];

/* waitpid() that retries when a signal interrupts it. */
static pid_t reap(pid_t pid, int *status, int flags)
{
    pid_t r;
    while ((r = waitpid(pid, status, flags)) < 0 && errno == EINTR)
        ;
    return r;
}

/*
 * Stops the child `pid`: SIGTERM, at most STOP_GRACE_MS for it to exit, then SIGKILL; reaps it
 * in every case. Returns its exit code, or -1 when a signal ended it or when it was no longer
 * an unreaped child of this process, in which case nothing is sent: its pid may already name
 * another process.
 */
static int terminate(pid_t pid)
{
    int status = 0;
    pid_t r = reap(pid, &status, WNOHANG);

    int grace_ms = STOP_GRACE_MS * slow_factor();

    if (r == 0) {
        kill(pid, SIGTERM);
        for (int waited = 0; r == 0 && waited < grace_ms; waited += 10) {
            ts_sleep_ms(10);
            r = reap(pid, &status, WNOHANG);
        }
    }
    if (r == 0) {
        fprintf(stderr, "harness: pid %d still running %d s after SIGTERM; sending SIGKILL\n",
                (int)pid, grace_ms / 1000);
        kill(pid, SIGKILL);
        r = reap(pid, &status, 0);
    }
    if (r != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Runs scripts/pg-cluster.sh; returns system()'s status. */
static int cluster_script(const char *cmd, const char *dir, int port, bool quiet)
{
    char line[600];

    snprintf(line, sizeof(line), "%s/scripts/pg-cluster.sh %s '%s' %d%s", TS_SOURCE_DIR, cmd, dir,
             port, quiet ? " >/dev/null 2>&1" : "");
    return system(line);
}

/* The at-exit layer: runs in every process that started a server or a cluster. Entries copied
 * from a parent by fork() are the parent's, and left alone. */
static void stop_leftovers(void)
{
    pid_t self = getpid();
    char err[512];

    for (int i = 0; i < MAX_LIVE; i++) {
        struct live_server *l = &live_servers[i];
        int status;
        if (l->owner != self)
            continue;
        pid_t r = reap(l->s.pid, &status, WNOHANG);
        if (r < 0) { /* the test waited for it itself, and cleaned up after it */
            l->owner = 0;
            continue;
        }
        if (r == 0) {
            fprintf(stderr,
                    "harness: the test process is exiting with server pid %d still running "
                    "(a failure or cr_skip_test() came before ts_server_stop()); stopping it\n",
                    (int)l->s.pid);
            terminate(l->s.pid);
        }
    }
    for (int i = 0; i < MAX_LIVE; i++) {
        struct live_cluster *l = &live_clusters[i];
        if (l->owner != self)
            continue;
        fprintf(stderr, "harness: stopping the PostgreSQL cluster the test left in %s\n", l->dir);
        cluster_script("kill", l->dir, 0, true);
        l->owner = 0;
    }
    for (int i = 0; i < MAX_LIVE; i++) { /* after the clusters: their data may be in s.dir */
        struct live_server *l = &live_servers[i];
        if (l->owner != self)
            continue;
        if (db_drop_try(&l->s, err, sizeof(err)) < 0)
            fprintf(stderr, "harness: %s\n", err);
        l->owner = 0;
    }
}

static void at_exit_once(void)
{
    static bool registered;

    if (!registered)
        cr_assert_eq(atexit(stop_leftovers), 0);
    registered = true;
}

/* Free entries: unused, or copied from a parent by fork(). */
static struct live_server *server_slot(void)
{
    at_exit_once();
    for (int i = 0; i < MAX_LIVE; i++)
        if (live_servers[i].owner != getpid())
            return &live_servers[i];
    cr_assert_fail("more than %d servers running in one test", MAX_LIVE);
    return NULL;
}

static struct live_cluster *cluster_slot(void)
{
    at_exit_once();
    for (int i = 0; i < MAX_LIVE; i++)
        if (live_clusters[i].owner != getpid())
            return &live_clusters[i];
    cr_assert_fail("more than %d clusters running in one test", MAX_LIVE);
    return NULL;
}

static void forget_server(pid_t pid)
{
    for (int i = 0; i < MAX_LIVE; i++)
        if (live_servers[i].owner == getpid() && live_servers[i].s.pid == pid)
            live_servers[i].owner = 0;
}

int ts_pg_cluster(const char *cmd, const char *dir, int port)
{
    struct live_cluster *l = NULL;

    for (int i = 0; i < MAX_LIVE && l == NULL; i++)
        if (live_clusters[i].owner == getpid() && strcmp(live_clusters[i].dir, dir) == 0)
            l = &live_clusters[i];
    if (strcmp(cmd, "start") == 0 && l == NULL) {
        /* Listed before starting: a start that fails half-way may leave a postmaster. */
        l = cluster_slot();
        cr_assert_lt(strlen(dir), sizeof(l->dir), "cluster path too long: %s", dir);
        snprintf(l->dir, sizeof(l->dir), "%s", dir);
        l->owner = getpid();
    }
    int rc = cluster_script(cmd, dir, port, false);
    bool stopped = strcmp(cmd, "stop") == 0 || strcmp(cmd, "kill") == 0;
    if (stopped && rc == 0 && l != NULL)
        l->owner = 0;
    return rc;
}

/* environ plus overrides; entries in `extra` replace same-named ones. Caller frees the array. */
static char **build_env(const char *const *extra)
{
    size_t n = 0, m = 0;
    while (environ[n])
        n++;
    while (extra && extra[m])
        m++;
    char **env = calloc(n + m + 1, sizeof(char *));
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        size_t nl = strcspn(environ[i], "=");
        bool replaced = false;
        for (size_t j = 0; j < m; j++)
            if (strncmp(extra[j], environ[i], nl) == 0 && extra[j][nl] == '=')
                replaced = true;
        if (!replaced)
            env[k++] = environ[i];
    }
    for (size_t j = 0; j < m; j++) {
        size_t nl = strcspn(extra[j], "=");
        bool overridden = false; /* a later extra entry of the same name wins */
        for (size_t l = j + 1; l < m; l++)
            if (strncmp(extra[l], extra[j], nl + 1) == 0)
                overridden = true;
        if (!overridden)
            env[k++] = (char *)extra[j];
    }
    env[k] = NULL;
    return env;
}

/* dup2() that also works when `from` already is `to` (then it only clears close-on-exec). */
static int move_fd(int from, int to)
{
    return from == to ? fcntl(to, F_SETFD, 0) : dup2(from, to);
}

/*
 * Starts argv[0] with the environment additions `extra`, stdin from /dev/null, and stdout and
 * stderr appended to the given files; asserts that it started. Everything that allocates is
 * done before fork(), since the child of a multithreaded process may only make
 * async-signal-safe calls until execve(); an execve() error comes back on a close-on-exec pipe.
 */
static pid_t spawn(const char *const *argv, const char *const *extra, const char *out_path,
                   const char *err_path)
{
    char **env = build_env(extra);
    pid_t parent = getpid(), pid = -1;
    int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
    int out = open(out_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    int err = open(err_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    int report[2] = {-1, -1};
    int error = 0;

    if (in < 0 || out < 0 || err < 0 || pipe(report) != 0 ||
        fcntl(report[0], F_SETFD, FD_CLOEXEC) != 0 || fcntl(report[1], F_SETFD, FD_CLOEXEC) != 0) {
        error = errno;
        goto out;
    }
    pid = fork();
    if (pid == 0) {
        /* Layer 3 (see above). Had the parent died before prctl(), the signal would never
         * come: the parent is then no longer ours, so give up. */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) == 0 && getppid() == parent && move_fd(in, 0) == 0 &&
            move_fd(out, 1) == 1 && move_fd(err, 2) == 2)
            execve(argv[0], (char *const *)argv, env);
        int e = errno;
        ssize_t w = write(report[1], &e, sizeof(e));
        (void)w;
        _exit(127);
    }
    if (pid < 0) {
        error = errno;
        goto out;
    }
    close(report[1]);
    report[1] = -1;
    ssize_t n;
    while ((n = read(report[0], &error, sizeof(error))) < 0 && errno == EINTR)
        ;
    if (n > 0) { /* execve() failed; the child has exited */
        int status;
        reap(pid, &status, 0);
        pid = -1;
    }
out:
    for (int i = 0; i < 2; i++)
        if (report[i] >= 0)
            close(report[i]);
    if (in >= 0)
        close(in);
    if (out >= 0)
        close(out);
    if (err >= 0)
        close(err);
    free(env);
    cr_assert(pid > 0, "cannot start %s: %s", argv[0], strerror(error));
    return pid;
}

/* --- servers and CLI runs ----------------------------------------------------------------- */

const char *ts_binary(void)
{
    const char *b = getenv("TS_TEST_BINARY");
    return b != NULL && *b != '\0' ? b : TS_BINARY;
}

/* True when the server's log has `needle`. */
static bool log_has(const struct ts_server *s, const char *needle)
{
    char *log = ts_server_log(s);
    bool has = log != NULL && strstr(log, needle) != NULL;
    free(log);
    return has;
}

/* True when `env` raises LOG_LEVEL above info, so that the "listening" line is not logged. */
static bool quiet(const char *const *env)
{
    for (int i = 0; env && env[i]; i++)
        if (strcmp(env[i], "LOG_LEVEL=warning") == 0 || strcmp(env[i], "LOG_LEVEL=error") == 0)
            return true;
    return false;
}

/*
 * One start on s->port: 1 when the server is up, 0 when the port turned out to be taken (a
 * free port is only free until someone binds it: another test's server may get it first), and
 * the test fails on anything else. The server is up when /healthz answers and its own log says
 * it listens on that port: an answer alone may come from the other server on the port.
 */
static int start_once(struct ts_server *s, const char *const *env)
{
    char url[600], port[32], listening[64], taken[64];
    const char *args[] = {ts_binary(), "serve", NULL};
    const char *base[48];
    int n = 0;

    snprintf(url, sizeof(url), "DATABASE_URL=%s", s->database_url);
    snprintf(port, sizeof(port), "PORT=%d", s->port);
    snprintf(listening, sizeof(listening), "listening on 127.0.0.1:%d ", s->port);
    snprintf(taken, sizeof(taken), "cannot listen on 127.0.0.1:%d\"", s->port);
    base[n++] = url;
    base[n++] = port;
    base[n++] = "HOST=127.0.0.1";
    base[n++] = "WORKER_THREADS=4";
    base[n++] = "DB_POOL_SIZE=4";
    for (int i = 0; env && env[i] && n < 46; i++)
        base[n++] = env[i];
    base[n] = NULL;
    struct live_server *l = server_slot();
    struct wrapped w;
    s->pid = spawn(wrap_argv(&w, args), base, s->log_path, s->log_path);
    *l = (struct live_server){.owner = getpid(), .s = *s};
    for (int i = 0; i < 400 * slow_factor(); i++) {
        int status;
        if (reap(s->pid, &status, WNOHANG) != 0) {
            forget_server(s->pid);
            s->pid = 0;
            if (log_has(s, taken))
                return 0;
            cr_assert_fail("the server exited at start: %s", ts_server_log(s));
        }
        static const char probe[] = "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
        char *got = ts_raw(s, probe, sizeof(probe) - 1, 1000);
        bool up = got != NULL && strncmp(got, "HTTP/1.1 200", 12) == 0;
        free(got);
        if (up && (quiet(env) || log_has(s, listening)))
            return 1;
        ts_sleep_ms(25);
    }
    char *log = ts_server_log(s);
    terminate(s->pid);
    forget_server(s->pid);
    s->pid = 0;
    cr_assert_fail("the server did not answer /healthz: %s", log);
    return 0;
}

void ts_server_start_on(struct ts_server *s, const char *const *env)
{
    for (int attempt = 0; attempt < 5; attempt++) {
        s->port = ts_free_port();
        if (start_once(s, env))
            return;
    }
    cr_assert_fail("five free ports were taken before the server could listen: %s",
                   ts_server_log(s));
}

void ts_server_start(struct ts_server *s, const char *const *env)
{
    ts_db_create(s);
    ts_server_start_on(s, env);
}

int ts_server_stop(struct ts_server *s)
{
    int code = -1;

    if (s->pid > 0) {
        code = terminate(s->pid);
        forget_server(s->pid);
        s->pid = 0;
    }
    if (code != 0) {
        char *log = ts_server_log(s);
        fprintf(stderr, "server exit status %d; log:\n%s\n", code, log ? log : "");
        free(log);
    }
    ts_db_drop(s);
    return code;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return strdup("");
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc((size_t)n + 1);
    size_t got = fread(p, 1, (size_t)n, f);
    p[got] = '\0';
    fclose(f);
    return p;
}

char *ts_server_log(const struct ts_server *s)
{
    return read_file(s->log_path);
}

/* The access line in `log` for `rid_member` ("request_id":"…"), parsed, or NULL. */
static json_t *find_access_line(char *log, const char *rid_member)
{
    for (char *line = log; line != NULL && *line != '\0';) {
        char *end = strchr(line, '\n');
        if (end == NULL) /* a line still being written */
            return NULL;
        *end = '\0';
        if (strstr(line, "\"msg\":\"request\"") != NULL && strstr(line, rid_member) != NULL) {
            json_error_t e;
            json_t *j = json_loads(line, 0, &e);
            cr_assert_not_null(j, "a log line that is not JSON (%s): %s", e.text, line);
            return j;
        }
        line = end + 1;
    }
    return NULL;
}

json_t *ts_access_line(const struct ts_server *s, const char *request_id)
{
    char member[200];
    json_t *j = NULL;

    snprintf(member, sizeof(member), "\"request_id\":\"%s\"", request_id);
    for (int i = 0; i < 100 && j == NULL; i++) {
        char *log = ts_server_log(s);
        j = find_access_line(log, member);
        free(log);
        if (j == NULL)
            ts_sleep_ms(20);
    }
    cr_assert_not_null(j, "no access log line for request %s", request_id);
    return j;
}

int ts_run(const char *const *argv, const char *const *env, char **out, char **err)
{
    char dir[128], out_path[160], err_path[160];
    int status = 0;

    ts_scratch_dir(dir, sizeof(dir), "ts-cli");
    snprintf(out_path, sizeof(out_path), "%s/out", dir);
    snprintf(err_path, sizeof(err_path), "%s/err", dir);
    pid_t pid = spawn(argv, env, out_path, err_path);
    cr_assert(reap(pid, &status, 0) == pid);
    if (out)
        *out = read_file(out_path);
    if (err)
        *err = read_file(err_path);
    unlink(out_path);
    unlink(err_path);
    rmdir(dir);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int ts_run_cli(const char *const *args, const char *const *env, char **out, char **err)
{
    const char *argv[16];
    int n = 0;

    argv[n++] = ts_binary();
    for (int i = 0; args[i] && n < 15; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    struct wrapped w;
    return ts_run(wrap_argv(&w, argv), env, out, err);
}

/* --- HTTP --------------------------------------------------------------------------------- */

void ts_write_file_atomic(const char *path, const char *text)
{
    char tmp[1024];
    snprintf(tmp, sizeof(tmp), "%s.new", path);
    FILE *f = fopen(tmp, "w");
    cr_assert_not_null(f, "%s", tmp);
    fputs(text, f);
    cr_assert_eq(fclose(f), 0);
    cr_assert_eq(rename(tmp, path), 0);
}

size_t ts_sink_collect(char *data, size_t size, size_t nmemb, void *userp)
{
    struct ts_sink *s = userp;
    size_t n = size * nmemb;
    s->p = realloc(s->p, s->n + n + 1);
    memcpy(s->p + s->n, data, n);
    s->n += n;
    s->p[s->n] = '\0';
    return n;
}

void ts_http(const struct ts_server *s, const char *method, const char *path,
             const char *const *headers, const char *body, struct ts_resp *out)
{
    CURL *c = curl_easy_init();
    struct curl_slist *hl = NULL;
    struct ts_sink b = {0}, h = {0};
    char url[1024];

    memset(out, 0, sizeof(*out));
    snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", s->port, path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    for (int i = 0; headers && headers[i]; i++)
        hl = curl_slist_append(hl, headers[i]);
    hl = curl_slist_append(hl, "Expect:");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
    if (body != NULL) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    }
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, ts_sink_collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, ts_sink_collect);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &h);
    CURLcode rc = curl_easy_perform(c);
    cr_assert(rc == CURLE_OK, "%s %s: %s", method, path, curl_easy_strerror(rc));
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
    curl_slist_free_all(hl);
    curl_easy_cleanup(c);
    out->body = b.p ? b.p : strdup("");
    out->headers = h.p ? h.p : strdup("");
    out->json = json_loads(out->body, JSON_DECODE_ANY, NULL);
}

const char *ts_header(const struct ts_resp *r, const char *name)
{
    static _Thread_local char value[1024];
    size_t n = strlen(name);

    for (const char *line = r->headers; line && *line;) {
        const char *end = strstr(line, "\r\n");
        size_t len = end ? (size_t)(end - line) : strlen(line);
        if (len > n && strncasecmp(line, name, n) == 0 && line[n] == ':') {
            const char *v = line + n + 1;
            while (*v == ' ')
                v++;
            snprintf(value, sizeof(value), "%.*s", (int)(len - (size_t)(v - line)), v);
            return value;
        }
        line = end ? end + 2 : NULL;
    }
    return NULL;
}

void ts_resp_free(struct ts_resp *r)
{
    free(r->body);
    free(r->headers);
    json_decref(r->json);
    memset(r, 0, sizeof(*r));
}

void ts_assert_json(const struct ts_resp *r, const char *expected)
{
    json_t *want = json_loads(expected, JSON_DECODE_ANY, NULL);
    cr_assert(want != NULL, "bad expected JSON in test: %s", expected);
    cr_assert(r->json != NULL && json_equal(r->json, want), "body %s, expected %s", r->body,
              expected);
    json_decref(want);
}

bool ts_has_error(const struct ts_resp *r, const char *loc, const char *type)
{
    json_t *want = json_loads(loc, 0, NULL);
    json_t *item;
    size_t i;
    bool found = false;

    cr_assert_not_null(want, "bad loc in test: %s", loc);
    json_array_foreach(json_object_get(r->json, "detail"), i, item)
    {
        const char *t = json_string_value(json_object_get(item, "type"));
        if (json_equal(json_object_get(item, "loc"), want) && t != NULL && strcmp(t, type) == 0)
            found = true;
    }
    json_decref(want);
    return found;
}

/* --- raw sockets ----------------------------------------------------------------------- */

int ts_connect(const struct ts_server *s)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)s->port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};

    if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

static char *send_and_read(int fd, const char *data, size_t len, int timeout_ms)
{
    struct ts_sink got = {0};
    struct timespec t0;

    if (len > 0 && send(fd, data, len, MSG_NOSIGNAL) != (ssize_t)len)
        return strdup("");
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        long spent = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
        if (spent >= timeout_ms)
            break;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, (int)(timeout_ms - spent)) <= 0)
            break;
        char buf[4096];
        ssize_t n = recv(fd, buf, sizeof(buf), 0);
        if (n <= 0)
            break;
        ts_sink_collect(buf, 1, (size_t)n, &got);
    }
    return got.p ? got.p : strdup("");
}

char *ts_exchange(int fd, const char *data, int timeout_ms)
{
    return send_and_read(fd, data, strlen(data), timeout_ms);
}

char *ts_raw(const struct ts_server *s, const char *data, size_t len, int timeout_ms)
{
    int fd = ts_connect(s);

    if (fd < 0)
        return NULL;
    char *got = send_and_read(fd, data, len, timeout_ms);
    close(fd);
    return got;
}

int ts_count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

json_t *ts_openapi_paths(const struct ts_server *s)
{
    struct ts_resp r;
    ts_http(s, "GET", "/openapi.json", NULL, NULL, &r);
    cr_assert_eq(r.status, 200, "/openapi.json: %s", r.body);
    json_t *paths = json_incref(json_object_get(r.json, "paths"));
    ts_resp_free(&r);
    cr_assert(json_is_object(paths));
    return paths;
}
