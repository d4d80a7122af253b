/*
 * TCP relay for fault tests; see tcp_peer.h.
 *
 * Sections: URLs; the relay's thread (one poll() loop over every connection); start, control
 * and stop, called from the test's thread.
 *
 * The thread owns the connections. The test's thread talks to it only through the fields under
 * `mu` and a wake-up pipe, and waits until the thread has seen each change, so a switch takes
 * effect at a known moment instead of "soon".
 */
#define _GNU_SOURCE /* accept4() and pipe2(): close-on-exec with no window for a spawn */
#include "support/tcp_peer.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define CHUNK 16384

/* Bytes read from one side, waiting to be written to the other. */
struct chunk {
    char data[CHUNK];
    size_t len; /* 0: empty */
    size_t off; /* written so far */
};

/* One client connection and its upstream connection. */
struct link {
    int fd[2];          /* [0] the client, [1] the upstream host or -1 */
    struct chunk in[2]; /* in[i]: read from fd[i], to be written to fd[1 - i] */
    bool tainted;       /* bytes were discarded: the two streams are out of step */
    bool dead;          /* closed; freed at the top of the next loop */
    struct link *next;
};

struct ts_peer {
    int listen_fd;
    int port;
    int wake[2]; /* pipe; a byte wakes the thread from poll() */
    struct sockaddr_storage target;
    socklen_t target_len;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    enum ts_peer_mode mode; /* under mu */
    bool stopping;          /* under mu */
    unsigned gen;           /* changes made, under mu */
    unsigned seen;          /* changes the thread has picked up, under mu */
    struct link *links;     /* the thread's */
};

/* --- URLs -------------------------------------------------------------------------------- */

/* Where the host of "scheme://[user@]host[:port][/db][?params]" starts and ends (brackets of
 * an IPv6 literal included), its port (5432 when absent), and where the rest starts. */
static void split_url(const char *url, const char **host, const char **host_end, int *port,
                      const char **rest)
{
    const char *scheme = strstr(url, "://");

    cr_assert_not_null(scheme, "not a URL: %s", url);
    const char *auth = scheme + 3;
    const char *end = auth + strcspn(auth, "/?");
    *host = auth;
    for (const char *c = auth; c < end; c++)
        if (*c == '@')
            *host = c + 1;
    const char *colon = NULL;
    if (**host == '[') {
        const char *close = memchr(*host, ']', (size_t)(end - *host));
        cr_assert_not_null(close, "bad IPv6 host in %s", url);
        colon = close + 1 < end && close[1] == ':' ? close + 1 : NULL;
    } else {
        colon = memchr(*host, ':', (size_t)(end - *host));
    }
    *host_end = colon != NULL ? colon : end;
    *port = colon != NULL ? atoi(colon + 1) : 5432;
    *rest = end;
}

void ts_peer_url(const struct ts_peer *p, const char *url, char *out, size_t size)
{
    const char *host, *host_end, *rest;
    char tmp[1024];
    int port;

    split_url(url, &host, &host_end, &port, &rest);
    int n = snprintf(tmp, sizeof(tmp), "%.*s127.0.0.1:%d%s", (int)(host - url), url, p->port, rest);
    cr_assert(n > 0 && (size_t)n < sizeof(tmp) && (size_t)n < size, "URL too long: %s", url);
    memcpy(out, tmp, (size_t)n + 1); /* through tmp: out may be url */
}

/* --- the relay's thread ------------------------------------------------------------------- */

static void close_link(struct link *l)
{
    for (int i = 0; i < 2; i++)
        if (l->fd[i] >= 0) {
            close(l->fd[i]);
            l->fd[i] = -1;
        }
    l->dead = true;
}

/* Frees the links closed during the last loop; their poll entries are gone by now. */
static void reap(struct ts_peer *p)
{
    struct link **pp = &p->links;

    while (*pp != NULL) {
        struct link *l = *pp;
        if (l->dead) {
            *pp = l->next;
            free(l);
        } else {
            pp = &l->next;
        }
    }
}

/* Brings every connection in line with the mode the test just set. */
static void apply_mode(struct ts_peer *p, enum ts_peer_mode mode)
{
    for (struct link *l = p->links; l != NULL; l = l->next) {
        if (mode == TS_PEER_SILENT) {
            /* Bytes already read but not yet written would be an answer after the switch. */
            for (int i = 0; i < 2; i++)
                if (l->in[i].len > 0) {
                    l->in[i].len = l->in[i].off = 0;
                    l->tainted = true;
                }
        } else if (l->tainted || l->fd[1] < 0) {
            close_link(l);
        }
    }
}

static void accept_one(struct ts_peer *p, enum ts_peer_mode mode)
{
    int fd = accept4(p->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    int up = -1;

    if (fd < 0)
        return;
    if (mode == TS_PEER_FORWARD) {
        /* A blocking connect is fine: the target is the test cluster, normally on loopback. */
        up = socket(p->target.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (up < 0 || connect(up, (struct sockaddr *)&p->target, p->target_len) != 0 ||
            fcntl(up, F_SETFL, O_NONBLOCK) != 0) {
            if (up >= 0)
                close(up);
            close(fd); /* the client sees the refusal a dead host would give */
            return;
        }
    }
    struct link *l = calloc(1, sizeof(*l));
    if (l == NULL)
        abort();
    l->fd[0] = fd;
    l->fd[1] = up;
    l->next = p->links;
    p->links = l;
}

/* Handles poll()'s verdict on side i of l. */
static void serve(struct link *l, int i, short revents, enum ts_peer_mode mode)
{
    if (l->dead)
        return;
    if (revents & (POLLERR | POLLNVAL)) {
        close_link(l);
        return;
    }
    struct chunk *out = &l->in[1 - i]; /* waiting to be written to this side */
    if ((revents & POLLOUT) && out->len > 0) {
        ssize_t put = send(l->fd[i], out->data + out->off, out->len - out->off, MSG_NOSIGNAL);
        if (put < 0 && errno != EAGAIN && errno != EINTR) {
            close_link(l);
            return;
        }
        if (put > 0 && (out->off += (size_t)put) == out->len)
            out->len = out->off = 0;
    }
    struct chunk *in = &l->in[i];
    if (!(revents & (POLLIN | POLLHUP)) || in->len > 0)
        return;
    ssize_t got = recv(l->fd[i], in->data, sizeof(in->data), 0);
    if (got < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (got <= 0 && i == 1 && mode == TS_PEER_SILENT) {
        /* A black hole hides the upstream's close as well: the client keeps waiting. */
        close(l->fd[1]);
        l->fd[1] = -1;
        l->tainted = true;
        return;
    }
    if (got <= 0) {
        close_link(l);
        return;
    }
    if (mode == TS_PEER_SILENT)
        l->tainted = true; /* read and dropped */
    else
        in->len = (size_t)got;
}

/* Picks up the test's latest change and acknowledges it; returns false when told to stop. */
static bool sync_control(struct ts_peer *p, enum ts_peer_mode *mode)
{
    pthread_mutex_lock(&p->mu);
    bool go_on = !p->stopping;
    *mode = p->mode;
    p->seen = p->gen;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    return go_on;
}

static void *relay(void *arg)
{
    struct ts_peer *p = arg;
    struct pollfd *pfd = NULL;
    struct link **owner = NULL;
    int *side = NULL;
    size_t cap = 0;
    enum ts_peer_mode mode;

    while (sync_control(p, &mode)) {
        apply_mode(p, mode);
        reap(p);
        size_t n = 2;
        for (struct link *l = p->links; l != NULL; l = l->next)
            n += 2;
        if (n > cap) {
            cap = n * 2;
            pfd = realloc(pfd, cap * sizeof(*pfd));
            owner = realloc(owner, cap * sizeof(*owner));
            side = realloc(side, cap * sizeof(*side));
            if (pfd == NULL || owner == NULL || side == NULL)
                abort();
        }
        pfd[0] = (struct pollfd){.fd = p->wake[0], .events = POLLIN};
        pfd[1] = (struct pollfd){.fd = p->listen_fd, .events = POLLIN};
        n = 2;
        for (struct link *l = p->links; l != NULL; l = l->next)
            for (int i = 0; i < 2; i++) {
                if (l->fd[i] < 0)
                    continue;
                short ev = (l->in[i].len == 0 ? POLLIN : 0) | (l->in[1 - i].len > 0 ? POLLOUT : 0);
                pfd[n] = (struct pollfd){.fd = l->fd[i], .events = ev};
                owner[n] = l;
                side[n++] = i;
            }
        if (poll(pfd, (nfds_t)n, -1) < 0) {
            if (errno == EINTR)
                continue;
            abort(); /* a bug in this loop; a test hanging on it would say less */
        }
        if (pfd[0].revents) {
            char drain[64];
            while (read(p->wake[0], drain, sizeof(drain)) > 0)
                ;
        }
        for (size_t k = 2; k < n; k++)
            if (pfd[k].revents)
                serve(owner[k], side[k], pfd[k].revents, mode);
        if (pfd[1].revents & POLLIN)
            accept_one(p, mode);
    }
    free(pfd);
    free(owner);
    free(side);
    return NULL;
}

/* --- start, control, stop (the test's thread) ---------------------------------------------- */

static void wake(struct ts_peer *p)
{
    char b = 1;
    ssize_t w = write(p->wake[1], &b, 1);
    (void)w; /* a full pipe already holds a wake-up */
}

struct ts_peer *ts_peer_start(const char *host, int port, enum ts_peer_mode mode)
{
    struct ts_peer *p = calloc(1, sizeof(*p));
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *ai = NULL;
    char service[16];

    cr_assert_not_null(p);
    p->mode = mode;
    snprintf(service, sizeof(service), "%d", port);
    int rc = getaddrinfo(host, service, &hints, &ai);
    cr_assert_eq(rc, 0, "cannot resolve %s: %s", host, gai_strerror(rc));
    memcpy(&p->target, ai->ai_addr, ai->ai_addrlen);
    p->target_len = ai->ai_addrlen;
    freeaddrinfo(ai);

    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(a);
    p->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    cr_assert(p->listen_fd >= 0);
    cr_assert_eq(bind(p->listen_fd, (struct sockaddr *)&a, sizeof(a)), 0, "%s", strerror(errno));
    cr_assert_eq(listen(p->listen_fd, 64), 0);
    cr_assert_eq(getsockname(p->listen_fd, (struct sockaddr *)&a, &len), 0);
    p->port = ntohs(a.sin_port);
    cr_assert_eq(pipe2(p->wake, O_CLOEXEC | O_NONBLOCK), 0);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    cr_assert_eq(pthread_create(&p->thread, NULL, relay, p), 0);
    return p;
}

struct ts_peer *ts_peer_start_pg(enum ts_peer_mode mode)
{
    const char *url = getenv("TS_TEST_PG_URL");
    const char *host, *host_end, *rest;
    char name[256];
    int port;

    cr_assert_not_null(url, "TS_TEST_PG_URL is not set: run the suite with scripts/test.sh");
    split_url(url, &host, &host_end, &port, &rest);
    if (*host == '[') { /* getaddrinfo() wants an IPv6 literal without its brackets */
        host++;
        host_end--;
    }
    cr_assert(host_end > host && (size_t)(host_end - host) < sizeof(name),
              "TS_TEST_PG_URL needs a TCP host: %s", url);
    snprintf(name, sizeof(name), "%.*s", (int)(host_end - host), host);
    return ts_peer_start(name, port, mode);
}

int ts_peer_port(const struct ts_peer *p)
{
    return p->port;
}

void ts_peer_set_mode(struct ts_peer *p, enum ts_peer_mode mode)
{
    pthread_mutex_lock(&p->mu);
    p->mode = mode;
    unsigned want = ++p->gen;
    wake(p);
    while ((int)(p->seen - want) < 0)
        pthread_cond_wait(&p->cv, &p->mu);
    pthread_mutex_unlock(&p->mu);
}

void ts_peer_stop(struct ts_peer *p)
{
    if (p == NULL)
        return;
    pthread_mutex_lock(&p->mu);
    p->stopping = true;
    wake(p);
    pthread_mutex_unlock(&p->mu);
    pthread_join(p->thread, NULL);
    for (struct link *l = p->links; l != NULL; l = l->next)
        close_link(l);
    reap(p);
    close(p->listen_fd);
    close(p->wake[0]);
    close(p->wake[1]);
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
    free(p);
}
