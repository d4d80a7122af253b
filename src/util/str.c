/* String helpers; see str.h. */
#include "util/str.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"

size_t str_utf8_length(const char *s)
{
    size_t n = 0;

    /* Every code point has exactly one byte that is not a continuation byte (10xxxxxx). */
    for (; *s != '\0'; s++) {
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    }
    return n;
}

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool is_hyphen_at(size_t i)
{
    return i == 8 || i == 13 || i == 18 || i == 23;
}

bool str_uuid_parse(const char *s, char out[STR_UUID_SIZE])
{
    if (strnlen(s, STR_UUID_SIZE) != 36)
        return false;
    for (size_t i = 0; i < 36; i++) {
        if (is_hyphen_at(i) ? s[i] != '-' : !is_hex(s[i]))
            return false;
    }
    for (size_t i = 0; i < 36; i++) {
        char c = s[i];
        out[i] = (c >= 'A' && c <= 'F') ? (char)(c - 'A' + 'a') : c;
    }
    out[36] = '\0';
    return true;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

bool str_has_duplicate(const char *const *s, size_t n)
{
    if (n < 2)
        return false;
    const char **sorted = xmalloc(n * sizeof(*sorted));
    bool dup = false;

    memcpy(sorted, s, n * sizeof(*sorted));
    qsort(sorted, n, sizeof(*sorted), cmp_str);
    for (size_t i = 1; i < n && !dup; i++)
        dup = strcmp(sorted[i - 1], sorted[i]) == 0;
    free(sorted);
    return dup;
}

/* strtoll() alone would also take leading spaces, '+' and trailing junk; those are rejected
 * before it runs. */
bool str_parse_int64(const char *s, int64_t *out)
{
    const char *p = s + (*s == '-');
    char *end;

    if (*p == '\0')
        return false;
    for (const char *q = p; *q != '\0'; q++) {
        if (*q < '0' || *q > '9')
            return false;
    }
    errno = 0;
    long long n = strtoll(s, &end, 10);
    if (errno == ERANGE || *end != '\0')
        return false;
    *out = (int64_t)n;
    return true;
}
