/*
 * sse_load: holds many notification streams (API.md §12) open against one or two TrainSmart
 * instances and measures delivery: every event's Notification `created_at` (set when the
 * notification is written, to the millisecond) against the time the event arrives here, on the
 * same clock.
 *
 *   sse_load HOST PORT[,PORT2] STREAMS USERS SECONDS
 *
 * Stream i authenticates as bench learner (i % USERS) + 1 (token "tsk_bench_<n>",
 * bench/generate.sql) and connects to the ports in turn, so with two ports half the streams
 * are held by each instance. Requests are HTTP/1.0, so the stream arrives unchunked. One
 * thread, one epoll set; a stream costs this program a socket and a small line buffer.
 *
 * SIGINT or SIGTERM ends the run before SECONDS (the streams are counted as they are then).
 * Prints one line of key=value pairs: streams open after the ramp, events, heartbeats, latency
 * p50/p99/max in ms, events out of order or repeated on a stream (must be 0), streams that were
 * refused or closed early. Exits 1 when any stream failed (in writer mode also when a request
 * was not answered 201, or an event was lost, duplicated or unexpected).
 *
 * Writer mode (SQLite, where a notification reaches the streams only when the server itself
 * creates it):
 *
 *   sse_load -w ASSIGN_IDS -r RATE -d DURATION [-s DELAY] [-c CONNS] \
 *            HOST PORT STREAMS USERS SECONDS
 *
 * DELAY seconds after the start (default 4: the streams are open by then), CONNS threads
 * (default 8), each with a keep-alive HTTP/1.1 connection to the first port, send
 * POST /api/v1/assignments as the bench author ("tsk_bench_author") on a fixed schedule,
 * request k at DELAY + k / RATE s, RATE * DURATION requests in all (each at its time as long as
 * fewer than CONNS are unanswered; send_lag_max_ms tells when that failed). Request k assigns
 * module k / L + 1 to learner k % L + 1, where L = min(STREAMS, USERS) are the learners holding a
 * stream, so consecutive requests go to different learners, every pair is new, and each one makes
 * the server create one module_assigned notification for a learner with a stream. ASSIGN_IDS
 * (bench/generate_sqlite.py) maps the numbers to ids: lines "learner N UUID", "module N UUID".
 * Each event is matched to its request by (stream's learner, data.module_id), and the line
 * gains: requests sent and answered 201, other answers (and the first such status), the
 * answer time p50/p99, the largest lag of a send behind its schedule, the time from sending
 * the request to the event's arrival (p50/p99/max, microseconds of the same clock, in ms),
 * and events lost (an answered 201 whose event never came, per stream of the learner),
 * duplicated (the same assignment's event twice on the learner's streams) or unexpected
 * (matching no request).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define LINE_BYTES 8192

struct stream {
    int fd;
    int user; /* the bench learner it authenticates as, 1-based */
    bool headers_done;
    bool ok;      /* answered 200 */
    bool closed;  /* ended (refused, closed by the server, or failed) */
    long last_id; /* the last event id seen, -1 before the first */
    size_t len;
    char line[LINE_BYTES];
};

static struct stream *streams;
static int nstreams;
static double *lat; /* latencies in ms */
static size_t nlat, cap_lat;
static void match_event(const struct stream *st, const char *line, int64_t arrived_us);
static long events, heartbeats, disorder, failed;
static int nusers;

/* Writer mode. */
#define UUID_LEN 36
static bool writing;
static const char *w_host;
static int w_port, w_rate, w_duration, w_delay = 4, w_conns = 8;
static int w_learners, w_modules; /* L, and the modules in ASSIGN_IDS */
static char (*learner_ids)[UUID_LEN + 1], (*module_ids)[UUID_LEN + 1];
static long w_total;             /* requests to send */
static atomic_long w_next;       /* the next request to take */
static _Atomic int64_t *sent_us; /* per request: when it was sent, 0 before */
static _Atomic int *status;      /* per request: the answer's status, 0 none */
static int *got;                 /* per request: events received (main thread) */
static int *streams_of;          /* per learner (1-based): streams holding it */
static double *post_ms, *e2e;    /* answer times; send -> event times */
static size_t npost, ne2e, cap_e2e;
static pthread_mutex_t post_mu = PTHREAD_MUTEX_INITIALIZER;
static int64_t w_start_mono_us, lag_max_us;
static long unexpected;

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t clock_us(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* "2026-12-04T23:19:00.123Z" -> ms since the epoch, or -1. */
static int64_t parse_ts(const char *s)
{
    struct tm tm = {0};
    int ms = 0;

    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
               &tm.tm_min, &tm.tm_sec, &ms) != 7)
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return (int64_t)timegm(&tm) * 1000 + ms;
}

static void record_latency(double ms)
{
    if (nlat == cap_lat) {
        cap_lat = cap_lat ? cap_lat * 2 : 4096;
        lat = realloc(lat, cap_lat * sizeof(*lat));
        if (lat == NULL)
            abort();
    }
    lat[nlat++] = ms;
}

/* One complete line of the stream (without its newline). */
static void on_line(struct stream *st, const char *line)
{
    if (!st->headers_done) {
        if (strncmp(line, "HTTP/", 5) == 0)
            st->ok = strstr(line, " 200 ") != NULL;
        else if (line[0] == '\0')
            st->headers_done = true;
        return;
    }
    if (strncmp(line, ": heartbeat", 11) == 0) {
        heartbeats++;
    } else if (strncmp(line, "id: ", 4) == 0) {
        long id = strtol(line + 4, NULL, 10);
        if (id <= st->last_id)
            disorder++;
        st->last_id = id;
    } else if (strncmp(line, "data: ", 6) == 0) {
        int64_t arrived_us = clock_us(CLOCK_REALTIME), arrived = arrived_us / 1000;
        const char *at = strstr(line, "\"created_at\":\"");
        int64_t created = at != NULL ? parse_ts(at + 14) : -1;
        events++;
        if (created > 0)
            record_latency((double)(arrived - created));
        if (writing)
            match_event(st, line, arrived_us);
    }
}

static void on_readable(struct stream *st)
{
    for (;;) {
        char buf[16384];
        ssize_t n = read(st->fd, buf, sizeof(buf));
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            return;
        if (n <= 0) {
            st->closed = true;
            close(st->fd);
            return;
        }
        for (ssize_t i = 0; i < n; i++) {
            char c = buf[i];
            if (c == '\n') {
                if (st->len > 0 && st->line[st->len - 1] == '\r')
                    st->len--;
                st->line[st->len] = '\0';
                on_line(st, st->line);
                st->len = 0;
            } else if (st->len + 1 < sizeof(st->line)) {
                st->line[st->len++] = c;
            }
        }
    }
}

static int open_stream(struct stream *st, const char *host, int port, int user, int ep)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    char req[512];
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    if (fd < 0 || inet_pton(AF_INET, host, &sa.sin_addr) != 1 ||
        connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    int len = snprintf(req, sizeof(req),
                       "GET /api/v1/notifications/stream HTTP/1.0\r\nHost: %s\r\n"
                       "Authorization: Bearer tsk_bench_%d\r\nAccept: text/event-stream\r\n\r\n",
                       host, user);
    if (write(fd, req, (size_t)len) != len) {
        close(fd);
        return -1;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    st->fd = fd;
    st->user = user;
    st->last_id = -1;
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = st};
    return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

/* --- writer mode ------------------------------------------------------------------------ */

static void push(double **arr, size_t *n, size_t *cap, double v)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 4096;
        *arr = realloc(*arr, *cap * sizeof(**arr));
        if (*arr == NULL)
            abort();
    }
    (*arr)[(*n)++] = v;
}

static int load_ids(const char *path)
{
    FILE *f = fopen(path, "r");
    char kind[16], id[64];
    int n;

    if (f == NULL) {
        perror(path);
        return -1;
    }
    learner_ids = calloc((size_t)nusers + 1, sizeof(*learner_ids));
    module_ids = calloc(100000, sizeof(*module_ids));
    while (fscanf(f, "%15s %d %63s", kind, &n, id) == 3) {
        if (strlen(id) != UUID_LEN)
            continue;
        if (strcmp(kind, "learner") == 0 && n >= 1 && n <= nusers)
            memcpy(learner_ids[n], id, UUID_LEN + 1);
        else if (strcmp(kind, "module") == 0 && n >= 1 && n < 100000) {
            memcpy(module_ids[n], id, UUID_LEN + 1);
            if (n > w_modules)
                w_modules = n;
        }
    }
    fclose(f);
    for (int i = 1; i <= w_learners; i++)
        if (learner_ids[i][0] == '\0') {
            fprintf(stderr, "%s: no id for learner %d\n", path, i);
            return -1;
        }
    for (int i = 1; i <= w_modules; i++)
        if (module_ids[i][0] == '\0') {
            fprintf(stderr, "%s: no id for module %d\n", path, i);
            return -1;
        }
    return 0;
}

/* The request whose event this data line is, for the stream's learner; -1 if none. */
static long request_of(const struct stream *st, const char *line)
{
    const char *m = strstr(line, "\"module_id\":\"");

    if (m == NULL || st->user > w_learners)
        return -1;
    m += 13;
    for (int i = 1; i <= w_modules; i++)
        if (strncmp(m, module_ids[i], UUID_LEN) == 0) {
            long k = (long)(i - 1) * w_learners + (st->user - 1);
            return k < w_total ? k : -1;
        }
    return -1;
}

static void match_event(const struct stream *st, const char *line, int64_t arrived_us)
{
    long k = request_of(st, line);
    int64_t sent = k >= 0 ? atomic_load(&sent_us[k]) : 0;

    if (sent == 0) {
        unexpected++;
        return;
    }
    got[k]++;
    push(&e2e, &ne2e, &cap_e2e, (double)(arrived_us - sent) / 1000.0);
}

static int connect_to(const char *host, int port)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

    if (fd < 0 || inet_pton(AF_INET, host, &sa.sin_addr) != 1 ||
        connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    struct timeval tv = {.tv_sec = 15}; /* an answer that never comes fails the request */
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    return fd;
}

/* Reads one answer on a keep-alive connection: its status, or -1 when the connection failed.
 * *keep is false when the server closes the connection after it. */
static int read_answer(int fd, bool *keep)
{
    char buf[8192];
    size_t len = 0;
    char *end = NULL;

    while (end == NULL) {
        if (len + 1 >= sizeof(buf))
            return -1;
        ssize_t n = read(fd, buf + len, sizeof(buf) - 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        len += (size_t)n;
        buf[len] = '\0';
        end = strstr(buf, "\r\n\r\n");
    }
    int code = 0;
    if (sscanf(buf, "HTTP/1.%*d %d", &code) != 1)
        return -1;
    size_t head = (size_t)(end + 4 - buf), body = 0;
    *end = '\0';
    for (char *h = strstr(buf, "\r\n"); h != NULL; h = strstr(h + 2, "\r\n")) {
        if (strncasecmp(h + 2, "Content-Length:", 15) == 0)
            body = strtoul(h + 17, NULL, 10);
        else if (strncasecmp(h + 2, "Connection:", 11) == 0 && strstr(h + 13, "close") != NULL)
            *keep = false;
    }
    size_t have = len - head;
    while (have < body) {
        ssize_t n = read(fd, buf, body - have < sizeof(buf) ? body - have : sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        have += (size_t)n;
    }
    return code;
}

static void *writer_main(void *arg)
{
    int fd = -1;

    (void)arg;
    for (;;) {
        long k = atomic_fetch_add(&w_next, 1);
        if (k >= w_total)
            break;
        int64_t due = w_start_mono_us + (int64_t)((double)k * 1e6 / w_rate);
        int64_t now = clock_us(CLOCK_MONOTONIC);
        if (due > now) {
            struct timespec ts = {.tv_sec = due / 1000000, .tv_nsec = (due % 1000000) * 1000};
            while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
                ;
        }
        char body[160], req[512];
        int blen = snprintf(body, sizeof(body), "{\"module_id\":\"%s\",\"user_id\":\"%s\"}",
                            module_ids[k / w_learners + 1], learner_ids[k % w_learners + 1]);
        int rlen = snprintf(req, sizeof(req),
                            "POST /api/v1/assignments HTTP/1.1\r\nHost: %s\r\n"
                            "Authorization: Bearer tsk_bench_author\r\n"
                            "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
                            w_host, blen, body);
        int code = -1;
        for (int attempt = 0; attempt < 2 && code < 0; attempt++) {
            if (fd < 0)
                fd = connect_to(w_host, w_port);
            if (fd < 0)
                break;
            int64_t sent = clock_us(CLOCK_REALTIME), lag = clock_us(CLOCK_MONOTONIC) - due;
            atomic_store(&sent_us[k], sent);
            bool keep = true;
            if (write(fd, req, (size_t)rlen) == rlen)
                code = read_answer(fd, &keep);
            if (code >= 0) {
                double took = (double)(clock_us(CLOCK_REALTIME) - sent) / 1000.0;
                pthread_mutex_lock(&post_mu);
                post_ms[npost++] = took;
                if (lag > lag_max_us)
                    lag_max_us = lag;
                pthread_mutex_unlock(&post_mu);
            }
            if (code < 0 || !keep) { /* a kept connection the server had closed: once more */
                close(fd);
                fd = -1;
            }
        }
        atomic_store(&status[k], code);
    }
    if (fd >= 0)
        close(fd);
    return NULL;
}

static double pct(double *v, size_t n, int p)
{
    return n ? v[(n * (size_t)p) / 100 < n ? (n * (size_t)p) / 100 : n - 1] : 0;
}

static int cmp_double(const void *a, const void *b);

/* The writer's part of the result line; whether every request made its events, once. */
static bool print_writer(void)
{
    long created = 0, other = 0, lost = 0, dups = 0;
    int first_other = 0;

    for (long k = 0; k < w_total; k++) {
        int code = atomic_load(&status[k]);
        int expect = streams_of[k % w_learners + 1];
        if (code == 201) {
            created++;
            if (got[k] < expect)
                lost += expect - got[k];
        } else if (code != 0) {
            other++;
            if (first_other == 0)
                first_other = code;
        }
        if (got[k] > expect)
            dups += got[k] - expect;
    }
    qsort(post_ms, npost, sizeof(*post_ms), cmp_double);
    qsort(e2e, ne2e, sizeof(*e2e), cmp_double);
    printf(" posted=%ld created=%ld post_other=%ld first_other_status=%d post_p50_ms=%.1f "
           "post_p99_ms=%.1f send_lag_max_ms=%.1f post_to_event_p50_ms=%.1f "
           "post_to_event_p99_ms=%.1f post_to_event_max_ms=%.1f lost=%ld duplicates=%ld "
           "unexpected=%ld",
           (long)npost, created, other, first_other, pct(post_ms, npost, 50),
           pct(post_ms, npost, 99), (double)lag_max_us / 1000.0, pct(e2e, ne2e, 50),
           pct(e2e, ne2e, 99), ne2e ? e2e[ne2e - 1] : 0, lost, dups, unexpected);
    return created == w_total && lost == 0 && dups == 0 && unexpected == 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* SIGINT or SIGTERM: stop holding the streams now and report (bench/soak.sh ends the run so). */
static volatile sig_atomic_t stop_now;

static void on_stop(int sig)
{
    (void)sig;
    stop_now = 1;
}

static int usage(const char *prog)
{
    fprintf(stderr,
            "usage: %s [-w ASSIGN_IDS -r RATE -d DURATION [-s DELAY] [-c CONNS]] "
            "HOST PORT[,PORT2] STREAMS USERS SECONDS\n",
            prog);
    return 2;
}

int main(int argc, char **argv)
{
    const char *ids_path = NULL;
    int opt;

    while ((opt = getopt(argc, argv, "w:r:d:s:c:")) != -1) {
        switch (opt) {
        case 'w':
            ids_path = optarg;
            break;
        case 'r':
            w_rate = atoi(optarg);
            break;
        case 'd':
            w_duration = atoi(optarg);
            break;
        case 's':
            w_delay = atoi(optarg);
            break;
        case 'c':
            w_conns = atoi(optarg);
            break;
        default:
            return usage(argv[0]);
        }
    }
    if (argc - optind != 5)
        return usage(argv[0]);
    argv += optind - 1;
    const char *host = argv[1];
    int ports[2] = {atoi(argv[2]), 0}, nports = 1;
    const char *comma = strchr(argv[2], ',');
    if (comma != NULL)
        ports[nports++] = atoi(comma + 1);
    nstreams = atoi(argv[3]);
    int users = atoi(argv[4]), seconds = atoi(argv[5]);
    int ep = epoll_create1(0);

    streams = calloc((size_t)nstreams, sizeof(*streams));
    if (streams == NULL || ep < 0 || users < 1 || nstreams < 1)
        return 2;
    nusers = users;
    pthread_t *writers = NULL;
    if (ids_path != NULL) {
        if (w_rate < 1 || w_duration < 1 || w_delay < 0 || w_conns < 1)
            return usage(argv[0]);
        writing = true;
        w_host = host;
        w_port = ports[0];
        w_learners = nstreams < users ? nstreams : users;
        if (load_ids(ids_path) < 0)
            return 2;
        w_total = (long)w_rate * w_duration;
        if (w_total > (long)w_learners * w_modules) {
            fprintf(stderr, "%ld requests need more than %d learners x %d modules\n", w_total,
                    w_learners, w_modules);
            return 2;
        }
        sent_us = calloc((size_t)w_total, sizeof(*sent_us));
        status = calloc((size_t)w_total, sizeof(*status));
        got = calloc((size_t)w_total, sizeof(*got));
        post_ms = calloc((size_t)w_total, sizeof(*post_ms));
        streams_of = calloc((size_t)users + 1, sizeof(*streams_of));
        writers = calloc((size_t)w_conns, sizeof(*writers));
        if (!sent_us || !status || !got || !post_ms || !streams_of || !writers)
            return 2;
        for (int i = 0; i < nstreams; i++)
            streams_of[i % users + 1]++;
    }
    for (int i = 0; i < nstreams; i++)
        if (open_stream(&streams[i], host, ports[i % nports], i % users + 1, ep) < 0) {
            streams[i].closed = true;
            failed++;
        }
    int64_t end = now_ms() + (int64_t)seconds * 1000;
    if (writing) {
        w_start_mono_us = clock_us(CLOCK_MONOTONIC) + (int64_t)w_delay * 1000000;
        for (int i = 0; i < w_conns; i++)
            if (pthread_create(&writers[i], NULL, writer_main, NULL) != 0)
                return 2;
    }
    struct epoll_event evs[256];
    struct sigaction sa = {.sa_handler = on_stop};
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    while (now_ms() < end && !stop_now) {
        int left = (int)(end - now_ms());
        int n = epoll_wait(ep, evs, 256, left < 200 ? left : 200);
        for (int i = 0; i < n; i++)
            on_readable(evs[i].data.ptr);
    }
    for (int i = 0; writing && i < w_conns; i++)
        pthread_join(writers[i], NULL);
    long open_ok = 0, refused = 0, closed = 0;
    for (int i = 0; i < nstreams; i++) {
        struct stream *st = &streams[i];
        if (!st->ok && st->headers_done)
            refused++;
        else if (st->closed)
            closed++;
        else if (st->ok)
            open_ok++;
        if (!st->closed)
            close(st->fd);
    }
    qsort(lat, nlat, sizeof(*lat), cmp_double);
    double p50 = nlat ? lat[nlat / 2] : 0, p99 = nlat ? lat[(nlat * 99) / 100] : 0;
    double max = nlat ? lat[nlat - 1] : 0;
    printf("streams=%d open=%ld events=%ld heartbeats=%ld latency_p50_ms=%.0f latency_p99_ms=%.0f "
           "latency_max_ms=%.0f disorder=%ld refused=%ld closed=%ld failed=%ld",
           nstreams, open_ok, events, heartbeats, p50, p99, max, disorder, refused, closed, failed);
    bool writes_ok = !writing || print_writer();
    printf("\n");
    free(lat);
    free(streams);
    close(ep);
    return refused + closed + failed > 0 || !writes_ok ? 1 : 0;
}
