/* Small string helpers shared by every layer. Pure functions, thread safe. */
#ifndef TS_UTIL_STR_H
#define TS_UTIL_STR_H

#include <stdbool.h>
#include <stddef.h>

/* Number of code points of a valid UTF-8 string (continuation bytes are not counted). */
size_t utf8_length(const char *s);

/* Parses a hyphenated UUID in any hex case into canonical lowercase; false if malformed. */
bool uuid_parse(const char *s, char out[37]);

#endif
