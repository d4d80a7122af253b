/* Small string helpers shared by every layer. Pure functions, thread safe. */
#ifndef TS_UTIL_STR_H
#define TS_UTIL_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bytes of a UUID as text: 36 characters ("xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx") and the NUL.
 * Every id buffer in the server has this size. */
#define STR_UUID_SIZE 37

/* Number of code points of a valid UTF-8 string (continuation bytes are not counted). */
size_t str_utf8_length(const char *s);

/* Parses a hyphenated UUID in any hex case into canonical lowercase; false if malformed. */
bool str_uuid_parse(const char *s, char out[STR_UUID_SIZE]);

/*
 * Whether two of the `n` strings are equal. Sorts a copy of the pointer array, so a list of a
 * million ids (a 1 MiB body) stays affordable where comparing pairs would not.
 */
bool str_has_duplicate(const char *const *s, size_t n);

/* A decimal integer that fits int64: an optional '-', then digits only (no spaces, no '+'). */
bool str_parse_int64(const char *s, int64_t *out);

#endif
