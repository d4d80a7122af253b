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
 * Prints one line of key=value pairs: streams open after the ramp, events, heartbeats, latency
 * p50/p99/max in ms, events out of order or repeated on a stream (must be 0), streams that were
 * refused or closed early. Exits 1 when any stream failed.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define LINE_BYTES 8192

struct stream {
    int fd;
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
static long events, heartbeats, disorder, failed;

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
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
        int64_t arrived = now_ms();
        const char *at = strstr(line, "\"created_at\":\"");
        int64_t created = at != NULL ? parse_ts(at + 14) : -1;
        events++;
        if (created > 0)
            record_latency((double)(arrived - created));
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
    st->last_id = -1;
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = st};
    return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: %s HOST PORT[,PORT2] STREAMS USERS SECONDS\n", argv[0]);
        return 2;
    }
    const char *host = argv[1];
    int ports[2] = {atoi(argv[2]), 0}, nports = 1;
    const char *comma = strchr(argv[2], ',');
    if (comma != NULL)
        ports[nports++] = atoi(comma + 1);
    nstreams = atoi(argv[3]);
    int users = atoi(argv[4]), seconds = atoi(argv[5]);
    int ep = epoll_create1(0);

    streams = calloc((size_t)nstreams, sizeof(*streams));
    if (streams == NULL || ep < 0 || users < 1)
        return 2;
    for (int i = 0; i < nstreams; i++)
        if (open_stream(&streams[i], host, ports[i % nports], i % users + 1, ep) < 0) {
            streams[i].closed = true;
            failed++;
        }
    int64_t end = now_ms() + (int64_t)seconds * 1000;
    struct epoll_event evs[256];
    while (now_ms() < end) {
        int left = (int)(end - now_ms());
        int n = epoll_wait(ep, evs, 256, left < 200 ? left : 200);
        for (int i = 0; i < n; i++)
            on_readable(evs[i].data.ptr);
    }
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
           "latency_max_ms=%.0f disorder=%ld refused=%ld closed=%ld failed=%ld\n",
           nstreams, open_ok, events, heartbeats, p50, p99, max, disorder, refused, closed, failed);
    free(lat);
    free(streams);
    close(ep);
    return refused + closed + failed > 0 ? 1 : 0;
}
