/* Account rules; see accounts.h. */
#include "domain/accounts.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "util/crypto.h"
#include "util/err.h"
#include "util/str.h"

char *accounts_normalize_email(struct arena *a, const char *email)
{
    while (*email && isspace((unsigned char)*email))
        email++;
    size_t n = strlen(email);
    while (n > 0 && isspace((unsigned char)email[n - 1]))
        n--;
    char *out = arena_strndup(a, email, n);
    for (char *p = out; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    return out;
}

bool accounts_email_is_valid(const char *email)
{
    size_t len = str_utf8_length(email);
    const char *at = strchr(email, '@');

    if (len < 3 || len > 254 || at == NULL || at == email || strchr(at + 1, '@') != NULL)
        return false;
    const char *domain = at + 1;
    if (*domain == '\0' || strchr(domain, '.') == NULL)
        return false;
    for (const char *p = email; *p; p++)
        if (isspace((unsigned char)*p))
            return false;
    return true;
}

char *accounts_default_display_name(struct arena *a, const char *email)
{
    const char *at = strchr(email, '@');
    return arena_strndup(a, email, at ? (size_t)(at - email) : strlen(email));
}

void accounts_new_user(const struct account_new *in, enum user_role role, int64_t now_ms,
                       struct user *out)
{
    memset(out, 0, sizeof(*out));
    crypto_uuid_v4(out->id);
    out->email = in->email;
    out->display_name = in->display_name;
    out->timezone = in->timezone;
    out->role = role;
    out->active = true;
    out->created_at = out->updated_at = now_ms;
}

int accounts_apply_change(const struct user *actor, const struct account_change *ch, int64_t now_ms,
                          struct user *target, bool *changed, bool *deactivated)
{
    /* An admin must not lock themselves out, nor leave the platform without an admin. */
    if (strcmp(actor->id, target->id) == 0 && (ch->has_role || ch->has_active))
        return TS_ECONFLICT;
    *deactivated = ch->has_active && !ch->active && target->active;
    *changed = ch->has_display_name || ch->has_timezone || ch->has_role || ch->has_active;
    if (ch->has_display_name)
        target->display_name = ch->display_name;
    if (ch->has_timezone)
        target->timezone = ch->timezone;
    if (ch->has_role)
        target->role = ch->role;
    if (ch->has_active)
        target->active = ch->active;
    if (*changed)
        target->updated_at = now_ms;
    return 0;
}
