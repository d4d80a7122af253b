/* Ops endpoints; see ops.h. */
#include "api/ops.h"

#include "db/migrate.h"
#include "http/openapi.h"
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

    return http_reply_raw(r, 200, "application/json", doc, len);
}
