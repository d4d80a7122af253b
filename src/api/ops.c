/* Ops endpoints; see ops.h. */
#include "api/ops.h"

#include "db/db.h"
#include "db/migrate.h"
#include "http/auth.h"
#include "http/metrics.h"
#include "http/openapi.h"
#include "http/server.h"
#include "http/sse.h"
#include "util/crypto.h"
#include "util/err.h"

int api_ops_healthz(struct http_req *r)
{
    return http_reply_json_new(r, 200,
                               json_pack("{s:s,s:s}", "status", "ok", "version", TS_VERSION));
}

int api_ops_readyz(struct http_req *r)
{
    bool shutting_down = http_server_shutting_down(r->server);
    int pending = 0;
    int rc = db_migrate_pending(r->db, &pending);
    const char *database = rc == 0 ? "ok" : "unreachable";
    const char *migrations = rc < 0 ? "unknown" : pending > 0 ? "pending" : "current";
    bool ready = rc == 0 && pending == 0 && !shutting_down;

    return http_reply_json_new(r, ready ? 200 : 503,
                               json_pack("{s:s,s:s,s:s,s:b}", "status",
                                         ready ? "ready" : "not_ready", "database", database,
                                         "migrations", migrations, "shutting_down", shutting_down));
}

int api_ops_openapi(struct http_req *r)
{
    size_t len;
    const char *doc = openapi_text(&len);

    return http_reply_borrowed(r, 200, "application/json", doc, len);
}

int api_ops_metrics(struct http_req *r)
{
    const char *want = r->cfg->metrics_token;

    if (want[0] != '\0') {
        const char *token = http_bearer_token(r);
        if (token == NULL)
            return http_reply_err(r, TS_EUNAUTH);
        if (!crypto_secret_equals(token, want))
            return http_reply_err(r, TS_EBADTOKEN);
    }
    struct http_metrics_gauges g = {0};
    struct db_stats st;
    db_get_stats(r->db, &st);
    g.pool_max = st.size;
    g.pool_idle = st.idle;
    g.pool_in_use = st.in_use;
    g.pool_waiting = st.waiting;
    g.db_up = st.up;
    g.sse_streams = r->server != NULL ? sse_hub_count(http_server_hub(r->server)) : 0;

    struct buf b;
    buf_init(&b, SIZE_MAX);
    http_metrics_render(&b, &g);
    http_reply_raw(r, 200, "text/plain; version=0.0.4; charset=utf-8", b.data, b.len);
    buf_free(&b);
    return 0;
}
