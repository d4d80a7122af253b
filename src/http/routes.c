/*
 * The route table (API.md §2). To add an endpoint: write its handler in src/api/<resource>.c,
 * declare it in src/api/<resource>.h, and add one line here.
 */
#include "http/routes.h"

#include "api/ops.h"

const struct route routes_table[] = {
    /* §14 ops */
    {"GET", "/healthz", api_ops_healthz, ACCESS_PUBLIC, 0, "Liveness"},
    {"GET", "/readyz", api_ops_readyz, ACCESS_PUBLIC, 0, "Readiness"},
};

const size_t routes_count = sizeof(routes_table) / sizeof(routes_table[0]);
