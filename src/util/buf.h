/*
 * Growable byte buffer with a hard cap, like curl's dynbuf: appending past `cap` fails with
 * TS_ETOOBIG and leaves the content as it was. The data is always NUL terminated.
 * Owner: whoever called buf_init(); buf_free() releases it, buf_steal() hands it over.
 */
#ifndef TS_UTIL_BUF_H
#define TS_UTIL_BUF_H

#include <stddef.h>

struct buf {
    char *data; /* NULL until the first append */
    size_t len;
    size_t alloc;
    size_t cap; /* the most bytes the buffer may ever hold */
};

void buf_init(struct buf *b, size_t cap);
void buf_free(struct buf *b);

/* 0, or TS_ETOOBIG when the result would exceed the cap (nothing appended). */
int buf_append(struct buf *b, const void *p, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends `s` escaped as the inside of a JSON string (no quotes). */
int buf_json_escape(struct buf *b, const char *s);

/* Appends ,"key":"<s escaped>" (s NULL: ""), for objects written as text. */
int buf_json_string_member(struct buf *b, const char *key, const char *s);

/* The same, with ,"key":null for a NULL or empty `s`: for nullable ids, whose "" means null
 * (not for texts, where "" is a value). */
int buf_json_nullable_member(struct buf *b, const char *key, const char *s);

/* Drops what follows the first `len` bytes (nothing when it holds no more). */
void buf_truncate(struct buf *b, size_t len);

/* Returns the data (caller frees with free()) and resets the buffer; "" when empty. */
char *buf_steal(struct buf *b, size_t *len);

#endif
