/* Registration, login and logout (API.md §4, §1.11). */
#ifndef TS_API_AUTH_H
#define TS_API_AUTH_H

#include "http/http.h"

int api_auth_register(struct http_req *r);      /* POST /api/v1/auth/register */
int api_auth_register_gate(struct http_req *r); /* 403 when ALLOW_REGISTRATION=false */
int api_auth_login(struct http_req *r);         /* POST /api/v1/auth/login */
int api_auth_logout(struct http_req *r);        /* POST /api/v1/auth/logout */

/* Forgets the failed logins counted so far (§1.11), as a restart would: for the request fuzz
 * harness, whose every input must start from the same state. Never called by the server. */
void api_auth_login_limits_reset(const struct config *cfg);

#endif
