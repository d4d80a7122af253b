/*
 * Publishing validation (API.md §7) over the branching graph of §6.2.
 *
 * Sections:
 *   1. The graph: an id -> index map and the edges in both directions.
 *   2. Breadth-first search, shared by reachability and distance to an end.
 *   3. The checks of §7.
 *
 * Screen content was validated when it was written, but this file still reads it defensively:
 * a missing or malformed "choices" list simply gives a branch screen no edges, so a bad
 * document can make publishing fail but never crash it.
 */
#include "domain/publish.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "domain/screen_refs.h"
#include "util/arena.h"

#define TARGET_MSG "Target is not a screen of this module"

/* --- 1. The graph ------------------------------------------------------------------------ */

struct id_slot {
    const char *id;
    int index;
};

/*
 * Edges in compressed rows: screen i's outgoing edges are out[out_start[i] .. out_start[i+1]),
 * in the order of its choices, and its incoming ones (from known targets only) are
 * in[in_start[i] .. in_start[i+1]). The reverse rows let "can reach an end" be one search
 * from all terminal screens instead of one search per screen.
 */
struct graph {
    int n;
    struct id_slot *ids; /* sorted by id for bsearch() */
    int *out_start;      /* n + 1 offsets into out */
    int *out;            /* target index of each edge, -1 when it names no screen */
    int *in_start;       /* n + 1 offsets into in */
    int *in;             /* source index of each known edge, grouped by target */
};

static int cmp_slot(const void *a, const void *b)
{
    return strcmp(((const struct id_slot *)a)->id, ((const struct id_slot *)b)->id);
}

/* Index of the screen with this id, -1 when there is none (or id is NULL). */
static int lookup(const struct graph *g, const char *id)
{
    struct id_slot key = {.id = id};

    if (id == NULL)
        return -1;
    const struct id_slot *hit = bsearch(&key, g->ids, (size_t)g->n, sizeof(*g->ids), cmp_slot);
    return hit != NULL ? hit->index : -1;
}

/* A branch screen's next_screen_id is ignored: writes keep it null, and §6.2 gives branch
 * screens their choices as edges and nothing else. */
static int edge_count(const struct publish_screen *s)
{
    if (s->type == SCREEN_BRANCH)
        return (int)screen_refs_choice_count(s->content);
    return s->next_screen_id != NULL;
}

/* Target of edge k of screen s; NULL when that choice has no string next_screen_id. */
static const char *edge_target(const struct publish_screen *s, int k)
{
    if (s->type != SCREEN_BRANCH)
        return s->next_screen_id;
    return screen_refs_choice_target(s->content, (size_t)k);
}

/* A branch screen always asks for a choice, so it is never an end, even without choices. */
static bool is_terminal(const struct publish_screen *s)
{
    return s->type != SCREEN_BRANCH && s->next_screen_id == NULL;
}

/* Fills in_start/in from out (a counting sort of the known edges by target). */
static void link_reverse(struct graph *g)
{
    int n = g->n;
    int edges = g->out_start[n];

    g->in_start = xcalloc((size_t)n + 1, sizeof(int));
    for (int e = 0; e < edges; e++) {
        if (g->out[e] >= 0)
            g->in_start[g->out[e] + 1]++;
    }
    for (int i = 0; i < n; i++)
        g->in_start[i + 1] += g->in_start[i];

    int *fill = xmalloc(sizeof(int) * ((size_t)n + 1));
    memcpy(fill, g->in_start, sizeof(int) * ((size_t)n + 1));
    g->in = xmalloc(sizeof(int) * ((size_t)g->in_start[n] + 1));
    for (int i = 0; i < n; i++) {
        for (int e = g->out_start[i]; e < g->out_start[i + 1]; e++) {
            if (g->out[e] >= 0)
                g->in[fill[g->out[e]]++] = i;
        }
    }
    free(fill);
}

/* Builds the graph of `screens`; release it with graph_free(). Out of memory aborts. */
static void graph_init(struct graph *g, const struct publish_screen *screens, int n)
{
    g->n = n;
    g->ids = xmalloc(sizeof(*g->ids) * ((size_t)n + 1));
    for (int i = 0; i < n; i++)
        g->ids[i] = (struct id_slot){.id = screens[i].id, .index = i};
    qsort(g->ids, (size_t)n, sizeof(*g->ids), cmp_slot);

    g->out_start = xcalloc((size_t)n + 1, sizeof(int));
    for (int i = 0; i < n; i++)
        g->out_start[i + 1] = g->out_start[i] + edge_count(&screens[i]);
    g->out = xmalloc(sizeof(int) * ((size_t)g->out_start[n] + 1));
    for (int i = 0; i < n; i++) {
        for (int e = g->out_start[i]; e < g->out_start[i + 1]; e++)
            g->out[e] = lookup(g, edge_target(&screens[i], e - g->out_start[i]));
    }
    link_reverse(g);
}

static void graph_free(struct graph *g)
{
    free(g->ids);
    free(g->out_start);
    free(g->out);
    free(g->in_start);
    free(g->in);
}

/* --- 2. Breadth-first search ------------------------------------------------------------- */

/*
 * Searches from every screen whose dist is already 0, along the rows (start, adj), and sets
 * dist of each screen reached to its fewest edges from the nearest seed. Screens left at -1
 * are not reached. Edges to -1 (unknown targets) are skipped.
 */
static void bfs(int n, const int *start, const int *adj, int *dist)
{
    int *queue = xmalloc(sizeof(int) * ((size_t)n + 1));
    int head = 0;
    int tail = 0;

    for (int i = 0; i < n; i++) {
        if (dist[i] == 0)
            queue[tail++] = i;
    }
    while (head < tail) {
        int u = queue[head++];
        for (int e = start[u]; e < start[u + 1]; e++) {
            int w = adj[e];
            if (w >= 0 && dist[w] < 0) {
                dist[w] = dist[u] + 1;
                queue[tail++] = w;
            }
        }
    }
    free(queue);
}

/* Distance to the nearest terminal screen: one search backwards from all of them. */
static void distance_to_end(const struct graph *g, const struct publish_screen *screens, int *dist)
{
    for (int i = 0; i < g->n; i++)
        dist[i] = is_terminal(&screens[i]) ? 0 : -1;
    bfs(g->n, g->in_start, g->in, dist);
}

void publish_distance_to_terminal(const struct publish_screen *screens, int n, int *dist)
{
    struct graph g;

    graph_init(&g, screens, n);
    distance_to_end(&g, screens, dist);
    graph_free(&g);
}

/* --- 3. The checks of §7 ----------------------------------------------------------------- */

/* unknown_target for every edge naming no screen; returns true when there was none. */
static bool check_targets(struct valid *v, const struct graph *g,
                          const struct publish_screen *screens)
{
    bool ok = true;

    valid_push_key(v, "screens");
    for (int i = 0; i < g->n; i++) {
        valid_push_index(v, (size_t)i);
        for (int e = g->out_start[i]; e < g->out_start[i + 1]; e++) {
            if (g->out[e] >= 0)
                continue;
            ok = false;
            if (screens[i].type != SCREEN_BRANCH) {
                valid_error(v, "next_screen_id", "unknown_target", TARGET_MSG);
                continue;
            }
            valid_push_key(v, "content");
            valid_push_key(v, "choices");
            valid_push_index(v, (size_t)(e - g->out_start[i]));
            valid_error(v, "next_screen_id", "unknown_target", TARGET_MSG);
            valid_pop(v);
            valid_pop(v);
            valid_pop(v);
        }
        valid_pop(v);
    }
    valid_pop(v);
    return ok;
}

/*
 * The * checks. They need a sound graph: with an unknown start or a dangling edge, "not
 * reachable" would mostly restate that error, so §7 runs them only on a graph without either.
 * An unreachable screen gets only unreachable_screen; whether it can reach an end is moot.
 */
static void check_paths(struct valid *v, const struct graph *g,
                        const struct publish_screen *screens, int start)
{
    int *from_start = xmalloc(sizeof(int) * ((size_t)g->n + 1));
    int *to_end = xmalloc(sizeof(int) * ((size_t)g->n + 1));

    for (int i = 0; i < g->n; i++)
        from_start[i] = i == start ? 0 : -1;
    bfs(g->n, g->out_start, g->out, from_start);
    distance_to_end(g, screens, to_end);

    valid_push_key(v, "screens");
    for (int i = 0; i < g->n; i++) {
        if (from_start[i] < 0) {
            valid_push_index(v, (size_t)i);
            valid_error(v, NULL, "unreachable_screen",
                        "Screen is not reachable from the start screen");
            valid_pop(v);
        }
    }
    for (int i = 0; i < g->n; i++) {
        if (from_start[i] >= 0 && to_end[i] < 0) {
            valid_push_index(v, (size_t)i);
            valid_error(v, NULL, "no_path_to_end",
                        "No terminal screen can be reached from this screen");
            valid_pop(v);
        }
    }
    valid_pop(v);
    free(from_start);
    free(to_end);
}

static void check_branching(struct valid *v, const char *start_screen_id,
                            const struct publish_screen *screens, int n)
{
    struct graph g;
    bool has_terminal = false;

    graph_init(&g, screens, n);
    int start = lookup(&g, start_screen_id);
    if (start < 0) {
        valid_push_key(v, "settings");
        valid_error(v, "start_screen_id", "missing_start_screen",
                    "Start screen is not a screen of this module");
        valid_pop(v);
    }
    bool targets_ok = check_targets(v, &g, screens);
    for (int i = 0; i < n; i++)
        has_terminal = has_terminal || is_terminal(&screens[i]);
    if (!has_terminal)
        valid_error(v, "screens", "no_terminal_screen", "Module has no terminal screen");
    if (start >= 0 && targets_ok)
        check_paths(v, &g, screens, start);
    graph_free(&g);
}

/*
 * Every check runs for its flows and reports whenever it literally fails, so an empty module
 * gets module_empty plus, for assessment, no_question_screen and, for branching,
 * missing_start_screen (no screen can be the start) and no_terminal_screen. The author sees
 * everything that still stands in the way of publishing, not one error at a time.
 */
void publish_check(struct valid *v, enum flow_type flow, const char *start_screen_id,
                   const struct publish_screen *screens, int n)
{
    if (n == 0)
        valid_error(v, "screens", "module_empty", "Module has no screens");
    if (flow == FLOW_ASSESSMENT) {
        bool has_question = false;
        for (int i = 0; i < n; i++)
            has_question = has_question || screens[i].type == SCREEN_QUESTION;
        if (!has_question)
            valid_error(v, "screens", "no_question_screen", "Assessment has no question screen");
    }
    if (flow == FLOW_BRANCHING)
        check_branching(v, start_screen_id, screens, n);
}
