/*
 * Where a module's stored documents name other screens (API.md §3, §6.2): the branching
 * settings' `start_screen_id`, and each `choices[k].next_screen_id` of a branch screen's
 * content. (A screen's own `next_screen_id` is a column, not part of a document.) Every reader
 * and rewriter of these references goes through here: publish's graph, branching progress,
 * the copy of a module and the demo loader.
 *
 * Documents are borrowed; returned strings and objects are borrowed from them. A document of
 * the wrong shape simply has no references. Pure functions, thread safe.
 */
#ifndef TS_DOMAIN_SCREEN_REFS_H
#define TS_DOMAIN_SCREEN_REFS_H

#include <stddef.h>

#include <jansson.h>

/* settings.start_screen_id, or NULL when it is absent, null or not a string. */
const char *screen_refs_start(json_t *settings);

/* The number of entries of content.choices (0 when there is no list). */
size_t screen_refs_choice_count(json_t *content);

/* choices[k].next_screen_id, or NULL when that choice has no string target. */
const char *screen_refs_choice_target(json_t *content, size_t k);

/* The choice whose "id" is `choice_id`, or NULL (also for a NULL id). */
json_t *screen_refs_find_choice(json_t *content, const char *choice_id);

/* Maps a reference to its new value; NULL leaves the reference as it is. */
typedef const char *(*screen_refs_map_fn)(void *arg, const char *id);

/* Rewrites, in place, start_screen_id and every choice's next_screen_id of `doc` (settings or
 * content) through map(arg, id). */
void screen_refs_rewrite(json_t *doc, screen_refs_map_fn map, void *arg);

#endif
