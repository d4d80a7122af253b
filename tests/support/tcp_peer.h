/*
 * A TCP relay on 127.0.0.1 for fault tests: the server under test is pointed at the relay
 * instead of the database, and the test decides what the "database" does.
 *
 * TS_PEER_FORWARD relays bytes both ways to the real host. TS_PEER_SILENT accepts connections,
 * reads and discards what either side sends and never answers: a hung host or a network black
 * hole, as seen from the client. A switch applies to established connections too, so a
 * session can go silent in the middle of a statement. When the relay goes back to forwarding,
 * it closes the connections that lost bytes while silent (or never had an upstream connection),
 * since their byte streams can no longer be relayed faithfully; the others carry on.
 *
 * One thread per relay serves every connection with poll(); its sockets are close-on-exec, so
 * a server spawned by the test holds no copy of them.
 */
#ifndef TS_TEST_TCP_PEER_H
#define TS_TEST_TCP_PEER_H

#include <stddef.h>

enum ts_peer_mode { TS_PEER_SILENT, TS_PEER_FORWARD };

struct ts_peer;

/*
 * Starts a relay on a free port of 127.0.0.1 towards host:port (resolved once, here).
 * Aborts the test (cr_assert) when it cannot. Stop it with ts_peer_stop().
 */
struct ts_peer *ts_peer_start(const char *host, int port, enum ts_peer_mode mode);

/* A relay in front of the PostgreSQL cluster at TS_TEST_PG_URL. */
struct ts_peer *ts_peer_start_pg(enum ts_peer_mode mode);

/* The port the relay listens on. */
int ts_peer_port(const struct ts_peer *p);

/* Switches the mode. On return the relay thread has seen the switch: no byte is forwarded
 * after ts_peer_set_mode(p, TS_PEER_SILENT) returns. */
void ts_peer_set_mode(struct ts_peer *p, enum ts_peer_mode mode);

/*
 * Writes to `out` the PostgreSQL URL `url` with its host and port replaced by the relay's
 * (user, database and parameters kept). `url` and `out` may be the same buffer.
 */
void ts_peer_url(const struct ts_peer *p, const char *url, char *out, size_t size);

/* Stops the thread, closes every socket and frees p. NULL is ignored. */
void ts_peer_stop(struct ts_peer *p);

#endif
