/* Account operations; see accounts.h. */
#include "domain/accounts.h"

#include <string.h>

#include "db/users.h"
#include "util/crypto.h"
#include "util/err.h"
#include "util/time.h"

int accounts_register(struct db_conn *c, struct arena *a, const struct account_new *in,
                      struct user *out)
{
    char hash[CRYPTO_PWHASH_LEN];
    int rc = crypto_password_hash(in->password, hash);

    if (rc < 0)
        return rc;
    memset(out, 0, sizeof(*out));
    crypto_uuid_v4(out->id);
    out->email = arena_strdup(a, in->email);
    out->display_name = arena_strdup(a, in->display_name);
    out->timezone = arena_strdup(a, in->timezone);
    out->role = ROLE_LEARNER;
    out->active = true;
    out->created_at = out->updated_at = time_now_ms();
    /* One statement: the unique index on email decides between concurrent registrations. */
    return users_insert(c, out, hash);
}

int accounts_create_admin(struct db_conn *c, struct arena *a, const struct account_new *in,
                          struct user *out, bool *created)
{
    char hash[CRYPTO_PWHASH_LEN];
    int rc = crypto_password_hash(in->password, hash);

    if (rc < 0)
        return rc;
    rc = db_begin_write(c);
    if (rc < 0)
        return rc;
    rc = users_get_by_email(c, a, in->email, out, NULL);
    *created = rc == TS_ENOTFOUND;
    if (rc == TS_ENOTFOUND) {
        crypto_uuid_v4(out->id);
        out->email = in->email;
        out->display_name = in->display_name;
        out->timezone = in->timezone;
        out->role = ROLE_ADMIN;
        out->active = true;
        out->created_at = out->updated_at = time_now_ms();
        rc = users_insert(c, out, hash);
    } else if (rc == 0) {
        out->role = ROLE_ADMIN;
        out->active = true;
        out->updated_at = time_now_ms();
        rc = users_update(c, out);
        if (rc == 0)
            rc = users_set_password(c, out->id, hash, out->updated_at);
    }
    if (rc < 0) {
        db_rollback(c);
        return rc;
    }
    return db_commit(c);
}

int accounts_issue_token(struct db_conn *c, const struct user *u, int ttl_seconds, char token[48],
                         int64_t *expires_at)
{
    char hash[CRYPTO_TOKEN_HASH_LEN];
    int64_t now = time_now_ms();
    int rc;

    crypto_token_new(token, hash);
    *expires_at = now + (int64_t)ttl_seconds * 1000;
    rc = db_begin_write(c);
    if (rc < 0)
        return rc;
    rc = db_query(c, "DELETE FROM tokens WHERE user_id = $1 AND expires_at <= $2",
                  DB_PARAMS(DB_P_TEXT(u->id), DB_P_INT(now)), NULL);
    if (rc == 0)
        rc = tokens_insert(c, hash, u->id, now, *expires_at);
    if (rc < 0) {
        db_rollback(c);
        return rc;
    }
    return db_commit(c);
}

static bool names_own_status(const struct user *actor, const char *target_id,
                             const struct account_change *ch)
{
    return strcmp(actor->id, target_id) == 0 && (ch->has_role || ch->has_active);
}

int accounts_update(struct db_conn *c, struct arena *a, const struct user *actor,
                    const char *target_id, const struct account_change *ch, struct user *out)
{
    int rc = db_begin_write(c);

    if (rc < 0)
        return rc;
    rc = users_get(c, a, target_id, out);
    if (rc == 0 && names_own_status(actor, target_id, ch))
        rc = TS_ECONFLICT;
    if (rc < 0)
        goto fail;
    bool deactivating = ch->has_active && !ch->active && out->active;
    if (ch->has_display_name)
        out->display_name = ch->display_name;
    if (ch->has_timezone)
        out->timezone = ch->timezone;
    if (ch->has_role)
        out->role = ch->role;
    if (ch->has_active)
        out->active = ch->active;
    /* An empty change is valid and leaves the record, updated_at included, as it was. */
    bool changes = ch->has_display_name || ch->has_timezone || ch->has_role || ch->has_active;
    if (changes) {
        out->updated_at = time_now_ms();
        rc = users_update(c, out);
    }
    if (rc == 0 && deactivating)
        rc = tokens_delete_for_user(c, out->id);
    if (rc < 0)
        goto fail;
    return db_commit(c);
fail:
    db_rollback(c);
    return rc;
}
