/*
 * Demo content loaded by `trainsmart seed-demo` (API.md §15).
 *
 * demo_modules_json is a NUL-terminated UTF-8 string holding a JSON array of exactly three
 * module objects, in this order: one linear, one branching and one assessment module:
 *
 *   {"title": string (1..200), "description": string (0..5000),
 *    "flow_type": "linear" | "branching" | "assessment",
 *    "settings": object per §3, except that branching "start_screen_id" holds a screen key,
 *    "screens": [screen, ...]}                                  (in position order)
 *
 *   screen = {"key": string, "type": screen type allowed in the flow (§6.2),
 *             "title": string (1..200), "content": object exactly per §6.3,
 *             "next": screen key or null}
 *
 * "key" is a short symbolic name (e.g. "intro"), unique within its module; it is not stored.
 * The seeder generates a UUID per screen and, in the branching module, rewrites keys to those
 * UUIDs in settings.start_screen_id, in each non-branch screen's "next" (stored as
 * next_screen_id) and in every branch choice's "next_screen_id". "next" is null on branch
 * screens, on terminal screens and in linear and assessment modules. Every module passes the
 * publishing checks of §7 once its keys are rewritten.
 */
#ifndef TS_DOMAIN_DEMO_CONTENT_H
#define TS_DOMAIN_DEMO_CONTENT_H

extern const char *const demo_modules_json;

#endif
