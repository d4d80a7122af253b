/* User rules; see user.h. */
#include "domain/user.h"

#include <ctype.h>
#include <string.h>

#include "util/str.h"

const char *const user_role_names[] = {"learner", "author", "admin", NULL};

int user_role_parse(const char *name)
{
    for (int i = 0; user_role_names[i] != NULL; i++)
        if (strcmp(name, user_role_names[i]) == 0)
            return i;
    return -1;
}

char *user_normalize_email(struct arena *a, const char *email)
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

bool user_email_is_valid(const char *email)
{
    size_t len = utf8_length(email);
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

char *user_default_display_name(struct arena *a, const char *email)
{
    const char *at = strchr(email, '@');
    return arena_strndup(a, email, at ? (size_t)(at - email) : strlen(email));
}
