/* API test harness; see server.h. */
#include "support/server.h"

#include <criterion/criterion.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
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

static void pg_admin(const char *sql)
{
    const char *url = getenv("TS_TEST_PG_URL");
    cr_assert(url != NULL, "TS_TEST_PG_URL is not set: run the suite with scripts/test.sh");
    PGconn *c = PQconnectdb(url);
    cr_assert(PQstatus(c) == CONNECTION_OK, "cannot reach the test cluster: %s", PQerrorMessage(c));
    PGresult *r = PQexec(c, sql);
    cr_assert(PQresultStatus(r) == PGRES_COMMAND_OK, "%s: %s", sql, PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
}

void ts_db_create(struct ts_server *s)
{
    memset(s, 0, sizeof(*s));
    snprintf(s->dir, sizeof(s->dir), "/tmp/ts-test.XXXXXX");
    cr_assert(mkdtemp(s->dir) != NULL);
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

void ts_db_drop(struct ts_server *s)
{
    if (s->pg_db[0] != '\0') {
        char sql[128];
        snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", s->pg_db);
        pg_admin(sql);
        s->pg_db[0] = '\0';
    }
    if (s->dir[0] != '\0') {
        char cmd[256];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s->dir);
        cr_assert(system(cmd) == 0);
        s->dir[0] = '\0';
    }
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

static pid_t spawn(const char *const *argv, const char *const *extra, const char *out_path,
                   const char *err_path)
{
    posix_spawn_file_actions_t fa;
    pid_t pid = -1;
    char **env = build_env(extra);

    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, out_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, err_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, (char *const *)argv, env);
    posix_spawn_file_actions_destroy(&fa);
    free(env);
    cr_assert(rc == 0, "cannot start %s: %s", argv[0], strerror(rc));
    return pid;
}

void ts_server_start_on(struct ts_server *s, const char *const *env)
{
    char url[600], port[32];
    const char *args[] = {TS_BINARY, "serve", NULL};
    const char *base[48];
    int n = 0;

    s->port = ts_free_port();
    snprintf(url, sizeof(url), "DATABASE_URL=%s", s->database_url);
    snprintf(port, sizeof(port), "PORT=%d", s->port);
    base[n++] = url;
    base[n++] = port;
    base[n++] = "HOST=127.0.0.1";
    base[n++] = "WORKER_THREADS=4";
    base[n++] = "DB_POOL_SIZE=4";
    for (int i = 0; env && env[i] && n < 46; i++)
        base[n++] = env[i];
    base[n] = NULL;
    s->pid = spawn(args, base, s->log_path, s->log_path);
    for (int i = 0; i < 400; i++) {
        int status;
        cr_assert(waitpid(s->pid, &status, WNOHANG) == 0, "the server exited at start: %s",
                  ts_server_log(s));
        static const char probe[] = "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
        char *got = ts_raw(s, probe, sizeof(probe) - 1, 1000);
        bool up = got != NULL && strncmp(got, "HTTP/1.1 200", 12) == 0;
        free(got);
        if (up)
            return;
        sleep_ms(25);
    }
    cr_assert_fail("the server did not answer /healthz: %s", ts_server_log(s));
}

void ts_server_start(struct ts_server *s, const char *const *env)
{
    ts_db_create(s);
    ts_server_start_on(s, env);
}

int ts_server_stop(struct ts_server *s)
{
    int status = 0, code = -1;

    if (s->pid > 0) {
        kill(s->pid, SIGTERM);
        for (int i = 0; i < 2000; i++) {
            if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
                code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
                break;
            }
            sleep_ms(10);
        }
        if (code == -1 && kill(s->pid, 0) == 0) {
            kill(s->pid, SIGKILL);
            waitpid(s->pid, &status, 0);
        }
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

int ts_run_cli(const char *const *args, const char *const *env, char **out, char **err)
{
    char dir[] = "/tmp/ts-cli.XXXXXX";
    char out_path[64], err_path[64];
    const char *argv[16];
    int n = 0, status = 0;

    cr_assert(mkdtemp(dir) != NULL);
    snprintf(out_path, sizeof(out_path), "%s/out", dir);
    snprintf(err_path, sizeof(err_path), "%s/err", dir);
    argv[n++] = TS_BINARY;
    for (int i = 0; args[i] && n < 15; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    pid_t pid = spawn(argv, env, out_path, err_path);
    cr_assert(waitpid(pid, &status, 0) == pid);
    if (out)
        *out = read_file(out_path);
    if (err)
        *err = read_file(err_path);
    unlink(out_path);
    unlink(err_path);
    rmdir(dir);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* --- HTTP --------------------------------------------------------------------------------- */

struct sink {
    char *p;
    size_t n;
};

static size_t collect(char *data, size_t size, size_t nmemb, void *userp)
{
    struct sink *s = userp;
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
    struct sink b = {0}, h = {0};
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
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collect);
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
    struct sink got = {0};
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
        collect(buf, 1, (size_t)n, &got);
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
