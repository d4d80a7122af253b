/*
 * Registration, login and logout.
 *
 * Login order (§4, §1.4): body validation (422), then the rate limit (429), then credentials
 * (401). Failed logins count against the client IP and the normalised email alike; while
 * either has LOGIN_RATE_LIMIT failures inside the window, every login for it is refused, even
 * with the right password. An unknown email costs one argon2id verification too, so response
 * time does not reveal which emails exist.
 */
#include "api/auth.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "api/users.h"
#include "api/schemas.h"
#include "db/users.h"
#include "domain/accounts.h"
#include "domain/ratelimit.h"
#include "util/crypto.h"
#include "util/err.h"
#include "util/time.h"

/* Keys remembered by the login limiter per instance; beyond that the stalest are dropped. */
#define LOGIN_LIMITER_KEYS 100000

static struct ratelimit *limiter;
static pthread_once_t limiter_once = PTHREAD_ONCE_INIT;
/* Handed to make_limiter(), which pthread_once() calls without arguments. Every login stores
 * the same pointer, possibly at once on several threads: atomically, so that is no data race. */
static const struct config *limiter_cfg;

static void make_limiter(void)
{
    const struct config *cfg = __atomic_load_n(&limiter_cfg, __ATOMIC_ACQUIRE);

    limiter = ratelimit_new(cfg->login_rate_limit, (int64_t)cfg->login_rate_window_seconds * 1000,
                            LOGIN_LIMITER_KEYS);
}

static struct ratelimit *login_limiter(const struct config *cfg)
{
    __atomic_store_n(&limiter_cfg, cfg, __ATOMIC_RELEASE);
    pthread_once(&limiter_once, make_limiter);
    return limiter;
}

void api_auth_login_limits_reset(const struct config *cfg)
{
    ratelimit_clear(login_limiter(cfg));
}

int api_auth_register_gate(struct http_req *r)
{
    if (r->cfg->allow_registration)
        return 0;
    http_reply_detail(r, 403, "Registration is disabled");
    return -1;
}

int api_auth_register(struct http_req *r)
{
    struct account_new in = {.timezone = "UTC"};
    const char *email = NULL;
    struct valid v;

    valid_init(&v, &r->arena, "body");
    if (valid_field(&v, r->json, &schema_register_body, "email", &email) == V_OK) {
        in.email = accounts_normalize_email(&r->arena, email);
        if (!accounts_email_is_valid(in.email))
            valid_value_error(&v, "email", "invalid email address");
    }
    valid_field(&v, r->json, &schema_register_body, "password", &in.password);
    valid_field(&v, r->json, &schema_register_body, "display_name", &in.display_name);
    valid_field(&v, r->json, &schema_register_body, "timezone", &in.timezone);
    if (http_valid_or_reply(r, &v) < 0)
        return 0;

    /* The ~70 ms of argon2id run before any connection is taken. */
    char hash[CRYPTO_PWHASH_LEN];
    struct db_conn *c;
    struct user u;
    int rc = crypto_password_hash(in.password, hash);
    accounts_new_user(&in, ROLE_LEARNER, time_now_ms(), &u);
    if (rc == 0)
        rc = http_conn(r, &c);
    /* One statement, its own transaction: the unique index on email decides between
     * concurrent registrations. */
    if (rc == 0)
        rc = db_users_insert(c, &u, hash);
    if (rc == TS_ECONFLICT)
        return http_reply_detail(r, 409, "Email already registered");
    if (rc < 0)
        return http_reply_err(r, rc);
    return http_reply_json_new(r, 201, api_user_to_json(&u));
}

/* The client address used for rate limiting: the socket peer, or the first X-Forwarded-For
 * entry when TRUST_PROXY_HEADERS is set. */
static const char *client_address(struct http_req *r)
{
    const char *xff = http_header(r, "X-Forwarded-For");

    if (!r->cfg->trust_proxy_headers || xff == NULL)
        return r->client_ip;
    while (*xff == ' ')
        xff++;
    size_t n = strcspn(xff, ", ");
    return n > 0 ? arena_strndup(&r->arena, xff, n) : r->client_ip;
}

static int reply_limited(struct http_req *r, int retry_after)
{
    http_reply_err(r, TS_ERATE);
    http_add_header(r, "Retry-After", arena_printf(&r->arena, "%d", retry_after));
    return 0;
}

static int reply_bad_login(struct http_req *r)
{
    http_reply_detail(r, 401, "Incorrect email or password");
    http_add_header(r, "WWW-Authenticate", "Bearer");
    return 0;
}

/* Looks the user up, verifies the password; TS_EUNAUTH for any mismatch. The connection is
 * returned before the ~70 ms verification. */
static int check_credentials(struct http_req *r, const char *email, const char *password,
                             struct user *u)
{
    const char *stored = NULL;
    struct db_conn *c;
    int rc = http_conn(r, &c);

    if (rc == 0)
        rc = db_users_get_by_email(c, &r->arena, email, u, &stored);
    db_release(r->conn);
    r->conn = NULL;
    if (rc == TS_ENOTFOUND) {
        crypto_password_burn(password);
        return TS_EUNAUTH;
    }
    if (rc < 0)
        return rc;
    if (!crypto_password_verify(password, stored) || !u->active)
        return TS_EUNAUTH;
    return 0;
}

int api_auth_login(struct http_req *r)
{
    const char *email = NULL, *password = NULL;
    struct valid v;

    valid_init(&v, &r->arena, "body");
    valid_field(&v, r->json, &schema_login_body, "email", &email);
    valid_field(&v, r->json, &schema_login_body, "password", &password);
    if (http_valid_or_reply(r, &v) < 0)
        return 0;

    struct ratelimit *rl = login_limiter(r->cfg);
    const char *ip_key = arena_printf(&r->arena, "ip:%s", client_address(r));
    const char *norm = accounts_normalize_email(&r->arena, email);
    const char *email_key = arena_printf(&r->arena, "email:%s", norm);
    int64_t now = time_now_ms();
    int retry_ip = 0, retry_email = 0;
    bool ip_limited = ratelimit_is_limited(rl, ip_key, now, &retry_ip);
    bool email_limited = ratelimit_is_limited(rl, email_key, now, &retry_email);
    if (ip_limited || email_limited)
        return reply_limited(r, retry_ip > retry_email ? retry_ip : retry_email);

    struct user u;
    int rc = check_credentials(r, norm, password, &u);
    if (rc == TS_EUNAUTH) {
        now = time_now_ms();
        ratelimit_record_failure(rl, ip_key, now);
        ratelimit_record_failure(rl, email_key, now);
        return reply_bad_login(r);
    }
    if (rc < 0)
        return http_reply_err(r, rc);
    char token[CRYPTO_TOKEN_LEN], hash[CRYPTO_TOKEN_HASH_LEN];
    crypto_token_new(token, hash);
    now = time_now_ms();
    int64_t expires_at = now + (int64_t)r->cfg->token_ttl_seconds * 1000;
    /* The user's expired tokens go in the same transaction that issues the new one. */
    if (http_begin_write_or_reply(r) < 0)
        return 0;
    rc = db_tokens_delete_expired(r->conn, u.id, now);
    if (rc == 0)
        rc = db_tokens_insert(r->conn, hash, u.id, now, expires_at);
    if (rc < 0)
        return http_reply_err(r, rc);
    char expires[TIME_RFC3339_LEN];
    time_format_ms(expires_at, expires);
    r->user_id = arena_strdup(&r->arena, u.id);
    return http_commit_and_reply(r, 200,
                                 json_pack("{s:s,s:s,s:s,s:i,s:o}", "access_token", token,
                                           "token_type", "bearer", "expires_at", expires,
                                           "expires_in", r->cfg->token_ttl_seconds, "user",
                                           api_user_to_json(&u)));
}

int api_auth_logout(struct http_req *r)
{
    if (http_begin_write_or_reply(r) < 0)
        return 0;
    int rc = db_tokens_delete(r->conn, r->token_hash);
    if (rc == 0)
        rc = api_users_tokens_revoked(r, r->user->id);
    if (rc < 0)
        return http_reply_err(r, rc);
    return http_commit_and_reply(r, 204, NULL);
}
