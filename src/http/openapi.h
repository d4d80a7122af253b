/*
 * The OpenAPI 3.1.0 document of GET /openapi.json (API.md §14), generated from the route table
 * (http/routes.c) and the schemas the request validators use (api/schemas.c). What a route's
 * properties imply is written out here: path parameters from the template, bearerAuth on every
 * authenticated operation, and the error responses of docs/DECISIONS.md ("OpenAPI").
 */
#ifndef TS_HTTP_OPENAPI_H
#define TS_HTTP_OPENAPI_H

#include <stddef.h>

#include <jansson.h>

#include "http/http.h"

/* The document for `n` routes of `routes`; caller owns it. */
json_t *openapi_build(const struct route *routes, size_t n);

/* The document of routes_table as compact JSON text, built on first use (thread safe) and kept
 * for the life of the process. Borrowed. */
const char *openapi_text(size_t *len);

#endif
