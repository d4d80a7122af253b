/*
 * The route table: every endpoint's method, path template, handler, access label and flags.
 * routes.c is the one place that names api/ handlers; /openapi.json will be built from it.
 */
#ifndef TS_HTTP_ROUTES_H
#define TS_HTTP_ROUTES_H

#include <stddef.h>

#include "http/http.h"

extern const struct route routes_table[];
extern const size_t routes_count;

#endif
