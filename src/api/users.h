/* User endpoints of API.md §4: the caller's profile and user administration. */
#ifndef TS_API_USERS_H
#define TS_API_USERS_H

#include "http/http.h"

/* The User object of API.md §3. */
json_t *api_user_to_json(const struct user *u);

/* In the request's write transaction, after it deleted tokens of `user_id` (logout,
 * deactivation): tells every instance (NOTIFY on PostgreSQL) and, after the commit, this one's
 * stream hub, so the streams of those tokens end at once. 0 or a TS_E* code. */
int api_users_tokens_revoked(struct http_req *r, const char *user_id);

int api_users_me_get(struct http_req *r);   /* GET /api/v1/users/me */
int api_users_me_patch(struct http_req *r); /* PATCH /api/v1/users/me */
int api_users_list(struct http_req *r);     /* GET /api/v1/users */
int api_users_get(struct http_req *r);      /* GET /api/v1/users/{user_id} */
int api_users_patch(struct http_req *r);    /* PATCH /api/v1/users/{user_id} */

#endif
