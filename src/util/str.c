/* String helpers; see str.h. */
#include "util/str.h"

#include <string.h>

size_t utf8_length(const char *s)
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

bool uuid_parse(const char *s, char out[37])
{
    if (strnlen(s, 37) != 36)
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
