/*
 * Per-request bump allocator.
 *
 * An arena hands out memory that lives until arena_free(); nothing in it is freed one by one.
 * Every request owns one (http_req.arena). Out of memory aborts (xmalloc), so allocation
 * functions never return NULL. Not thread safe: one arena belongs to one request at a time.
 */
#ifndef TS_UTIL_ARENA_H
#define TS_UTIL_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
    struct arena_chunk *head;
    char *cur; /* next free byte in head */
    char *end; /* one past head's last byte */
};

/* Prepares an empty arena; the first allocation takes a chunk. */
void arena_init(struct arena *a);

/* Frees every chunk; the arena can be reused afterwards. */
void arena_free(struct arena *a);

/* `n` bytes aligned for any type, valid until arena_free(). */
void *arena_alloc(struct arena *a, size_t n);

/* Zeroed `n` bytes. */
void *arena_zalloc(struct arena *a, size_t n);

/* Copies of `s` (NUL terminated) / of `n` bytes of `s` plus a NUL. */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);

/* printf into the arena. */
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* malloc/calloc/realloc/strdup that log and abort on out of memory; caller frees. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

/* `p` from a constructor that returns NULL only when memory ran out (jansson's): logs and
 * aborts on NULL like the above, else returns `p`. */
void *xneed(void *p);

/* Returns the allocator's free memory to the system: with glibc, malloc_trim(), which releases
 * the free pages inside every thread's arena, not only at the top of the heap (a no-op with
 * other C libraries). The scheduler calls it once per interval, so that a long-running server's
 * RSS follows the memory it uses rather than the fragmented free space its handler threads'
 * arenas keep (docs/RELIABILITY.md, "Soak"). */
void xtrim(void);

#endif
