/* Ops endpoints of API.md §14: liveness, readiness, metrics and the OpenAPI document. */
#ifndef TS_API_OPS_H
#define TS_API_OPS_H

#include "http/http.h"

/* GET /healthz: 200 {"status":"ok","version":...}; never touches the database. */
int api_ops_healthz(struct http_req *r);

/* GET /readyz: 200 when the database answers within DB_TIMEOUT_MS, migrations are current and
 * the server is not shutting down; else 503 saying which. */
int api_ops_readyz(struct http_req *r);

/* GET /metrics: when METRICS_TOKEN is set, 401 without `Authorization: Bearer <it>` (Not
 * authenticated, or Could not validate credentials for another token); then the Prometheus
 * text of http/metrics.h, Content-Type text/plain; version=0.0.4; charset=utf-8. Never touches
 * the database (the pool's gauges are read from the pool). */
int api_ops_metrics(struct http_req *r);

/* GET /openapi.json: the OpenAPI 3.1.0 document (http/openapi.c), built once. */
int api_ops_openapi(struct http_req *r);

#endif
