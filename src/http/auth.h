/*
 * Steps 3 and 4 of the request pipeline (API.md §1.4, §1.5): the bearer token and the route's
 * access label. One indexed lookup (token hash joined to its user) per authenticated request.
 */
#ifndef TS_HTTP_AUTH_H
#define TS_HTTP_AUTH_H

#include "http/http.h"

/*
 * Authenticates r for its route: 401 "Not authenticated" without a bearer token (nor, on
 * ROUTE_QUERY_TOKEN routes, an ?access_token= when the header is absent), 401 "Could
 * not validate credentials" for an unknown, expired or revoked token or an inactive user (both
 * with WWW-Authenticate: Bearer), 403 when the role may never use the endpoint, 503 when the
 * database is unavailable. Returns 0 with r->user set, or -1 after replying.
 */
int http_auth_or_reply(struct http_req *r);

/* The token of an "Authorization: Bearer <token>" header (scheme case-insensitive), or NULL. */
const char *http_bearer_token(const struct http_req *r);

#endif
