/*
 * Unit tests for domain/publish.c: every publishing check of API.md §7 with its exact loc, type
 * and msg, the rule that the * graph checks run only on a sound graph, cycles that may and may
 * not be published, and the distance to a terminal screen used by the §8.3 percent.
 */
#include <criterion/criterion.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "domain/publish.h"
#include "util/validate.h"
#include "util/arena.h"

#define MAX_IDS 256
#define NOWHERE "9f9f9f9f-0000-4000-8000-000000000000" /* a UUID naming no screen */

#define M_EMPTY "Module has no screens"
#define M_NO_QUESTION "Assessment has no question screen"
#define M_START "Start screen is not a screen of this module"
#define M_TARGET "Target is not a screen of this module"
#define M_NO_TERMINAL "Module has no terminal screen"
#define M_UNREACHABLE "Screen is not reachable from the start screen"
#define M_NO_PATH "No terminal screen can be reached from this screen"

static char ids[MAX_IDS][STR_UUID_SIZE];

/* Ids in reverse order of their index, so the id map cannot work by position by accident. */
static void setup(void)
{
    for (int i = 0; i < MAX_IDS; i++)
        snprintf(ids[i], sizeof(ids[i]), "00000000-0000-4000-8000-%012d", MAX_IDS - i);
}

TestSuite(publish, .init = setup);

#define ID(i) ids[i]

/* --- helpers ---------------------------------------------------------------------------- */

static struct publish_screen plain(enum screen_type type, int id, const char *next)
{
    return (struct publish_screen){
        .id = ID(id), .type = type, .next_screen_id = next, .content = json_object()};
}

/* A branch screen with `count` choices; each target a string, or NULL for a choice that lacks
 * the next_screen_id key. */
static struct publish_screen branch(int id, int count, ...)
{
    json_t *choices = json_array();
    va_list ap;

    va_start(ap, count);
    for (int j = 0; j < count; j++) {
        const char *target = va_arg(ap, const char *);
        json_t *choice = json_pack("{s:s, s:s}", "id", "c", "text", "t");
        if (target != NULL)
            json_object_set_new(choice, "next_screen_id", json_string(target));
        json_array_append_new(choices, choice);
    }
    va_end(ap);
    return (struct publish_screen){.id = ID(id),
                                   .type = SCREEN_BRANCH,
                                   .content =
                                       json_pack("{s:s, s:o}", "prompt", "p", "choices", choices)};
}

static void free_screens(struct publish_screen *s, int n)
{
    for (int i = 0; i < n; i++)
        json_decref(s[i].content);
}

/* Runs publish_check; caller decrefs the returned error array. Frees the screens' content. */
static json_t *run(enum flow_type flow, const char *start, struct publish_screen *s, int n)
{
    struct arena a;
    struct valid v;

    arena_init(&a);
    valid_init(&v, &a, "module");
    publish_check(&v, flow, start, s, n);
    json_t *errors = valid_take_errors(&v);
    valid_free(&v);
    arena_free(&a);
    free_screens(s, n);
    return errors;
}

struct want {
    const char *loc; /* compact JSON text of the loc array */
    const char *type;
    const char *msg;
};

/* Finds an unused item with this loc and type, marks it used; its index or -1. */
static int find(json_t *errors, const struct want *w, bool *used)
{
    json_t *loc = json_loads(w->loc, 0, NULL);
    int hit = -1;

    cr_assert_not_null(loc, "bad loc text %s", w->loc);
    for (size_t i = 0; i < json_array_size(errors) && hit < 0; i++) {
        json_t *item = json_array_get(errors, i);
        const char *type = json_string_value(json_object_get(item, "type"));
        if (!used[i] && type != NULL && strcmp(type, w->type) == 0 &&
            json_equal(json_object_get(item, "loc"), loc))
            hit = (int)i;
    }
    json_decref(loc);
    if (hit >= 0)
        used[hit] = true;
    return hit;
}

/* Asserts `errors` holds exactly the `count` wanted items, in any order; decrefs errors. */
static void expect(json_t *errors, const struct want *wants, size_t count)
{
    char *dump = json_dumps(errors, JSON_COMPACT);
    bool used[64] = {false};

    cr_assert_eq(json_array_size(errors), count, "want %zu errors, got %s", count, dump);
    for (size_t k = 0; k < count; k++) {
        int i = find(errors, &wants[k], used);
        cr_assert_geq(i, 0, "no %s at %s in %s", wants[k].type, wants[k].loc, dump);
        json_t *item = json_array_get(errors, (size_t)i);
        cr_assert_str_eq(json_string_value(json_object_get(item, "msg")), wants[k].msg);
        cr_assert_eq(json_object_size(item), 3, "extra keys in %s", dump);
    }
    free(dump);
    json_decref(errors);
}

#define EXPECT(errors, ...)                                                                        \
    do {                                                                                           \
        const struct want wants_[] = {__VA_ARGS__};                                                \
        expect(errors, wants_, sizeof(wants_) / sizeof(wants_[0]));                                \
    } while (0)

static void expect_none(json_t *errors)
{
    expect(errors, NULL, 0);
}

/* --- empty modules, assessment, linear --------------------------------------------------- */

Test(publish, empty_linear_is_module_empty_only)
{
    EXPECT(run(FLOW_LINEAR, NULL, NULL, 0), {"[\"module\",\"screens\"]", "module_empty", M_EMPTY});
}

Test(publish, empty_assessment_also_has_no_question_screen)
{
    EXPECT(run(FLOW_ASSESSMENT, NULL, NULL, 0),
           {"[\"module\",\"screens\"]", "module_empty", M_EMPTY},
           {"[\"module\",\"screens\"]", "no_question_screen", M_NO_QUESTION});
}

/* Every failing check is reported: with no screens there is no start and no terminal screen;
 * the * checks are skipped because missing_start_screen was found. */
Test(publish, empty_branching_reports_start_and_terminal)
{
    const struct want w[] = {
        {"[\"module\",\"screens\"]", "module_empty", M_EMPTY},
        {"[\"module\",\"settings\",\"start_screen_id\"]", "missing_start_screen", M_START},
        {"[\"module\",\"screens\"]", "no_terminal_screen", M_NO_TERMINAL},
    };

    expect(run(FLOW_BRANCHING, NULL, NULL, 0), w, 3);
    expect(run(FLOW_BRANCHING, NOWHERE, NULL, 0), w, 3);
}

Test(publish, assessment_without_question_screen)
{
    struct publish_screen s[] = {plain(SCREEN_CONTENT, 0, NULL), plain(SCREEN_CONTENT, 1, NULL)};

    EXPECT(run(FLOW_ASSESSMENT, NULL, s, 2),
           {"[\"module\",\"screens\"]", "no_question_screen", M_NO_QUESTION});
}

Test(publish, assessment_with_question_screen_passes)
{
    struct publish_screen s[] = {plain(SCREEN_CONTENT, 0, NULL), plain(SCREEN_QUESTION, 1, NULL)};

    expect_none(run(FLOW_ASSESSMENT, NULL, s, 2));
}

Test(publish, linear_valid_passes)
{
    struct publish_screen s[] = {plain(SCREEN_CONTENT, 0, NULL), plain(SCREEN_REFLECTION, 1, NULL),
                                 plain(SCREEN_CHECKLIST, 2, NULL)};

    expect_none(run(FLOW_LINEAR, NULL, s, 3));
}

/* Linear modules are navigated by position; no graph check applies to them. */
Test(publish, linear_ignores_graph_fields)
{
    struct publish_screen s[] = {plain(SCREEN_CONTENT, 0, NOWHERE),
                                 plain(SCREEN_CONTENT, 1, ID(0))};

    expect_none(run(FLOW_LINEAR, NOWHERE, s, 2));
}

/* --- branching: start, targets, terminal ------------------------------------------------- */

Test(publish, branching_start_null_is_missing_start_screen)
{
    struct publish_screen s[] = {plain(SCREEN_CONTENT, 0, NULL)};

    EXPECT(run(FLOW_BRANCHING, NULL, s, 1),
           {"[\"module\",\"settings\",\"start_screen_id\"]", "missing_start_screen", M_START});
}

Test(publish, branching_start_not_a_screen_is_missing_start_screen)
{
    struct publish_screen s[] = {plain(SCREEN_CONTENT, 0, NULL), plain(SCREEN_CONTENT, 1, NULL)};

    /* Screen 1 would be unreachable, but the * checks do not run without a start. */
    EXPECT(run(FLOW_BRANCHING, NOWHERE, s, 2),
           {"[\"module\",\"settings\",\"start_screen_id\"]", "missing_start_screen", M_START});
}

Test(publish, branching_unknown_choice_targets)
{
    struct publish_screen s[] = {
        plain(SCREEN_CONTENT, 0, ID(1)),
        branch(1, 3, ID(2), NOWHERE, NULL),
        plain(SCREEN_CONTENT, 2, NULL),
    };

    EXPECT(run(FLOW_BRANCHING, ID(0), s, 3),
           {"[\"module\",\"screens\",1,\"content\",\"choices\",1,\"next_screen_id\"]",
            "unknown_target", M_TARGET},
           {"[\"module\",\"screens\",1,\"content\",\"choices\",2,\"next_screen_id\"]",
            "unknown_target", M_TARGET});
}

Test(publish, branching_unknown_next_screen_id)
{
    struct publish_screen s[] = {
        plain(SCREEN_CONTENT, 0, ID(1)),
        plain(SCREEN_QUESTION, 1, NOWHERE),
        plain(SCREEN_CONTENT, 2, NULL),
    };

    /* Screen 2 is unreachable, yet only unknown_target is reported (the * rule). */
    EXPECT(run(FLOW_BRANCHING, ID(0), s, 3),
           {"[\"module\",\"screens\",1,\"next_screen_id\"]", "unknown_target", M_TARGET});
}

Test(publish, branching_no_terminal_screen)
{
    struct publish_screen s[] = {plain(SCREEN_CONTENT, 0, ID(1)), plain(SCREEN_CONTENT, 1, ID(0))};

    /* The graph is sound, so the * checks run: neither screen can reach an end. */
    EXPECT(run(FLOW_BRANCHING, ID(0), s, 2),
           {"[\"module\",\"screens\"]", "no_terminal_screen", M_NO_TERMINAL},
           {"[\"module\",\"screens\",0]", "no_path_to_end", M_NO_PATH},
           {"[\"module\",\"screens\",1]", "no_path_to_end", M_NO_PATH});
}

/* A branch screen waits for a choice, so even one without choices is not terminal. */
Test(publish, branch_screen_is_never_terminal)
{
    struct publish_screen s[] = {branch(0, 0)};

    EXPECT(run(FLOW_BRANCHING, ID(0), s, 1),
           {"[\"module\",\"screens\"]", "no_terminal_screen", M_NO_TERMINAL},
           {"[\"module\",\"screens\",0]", "no_path_to_end", M_NO_PATH});
}

/* Stored content is validated on write; if it is malformed anyway, publishing must not crash.
 * No choices list means no edges; a choice that is not an object has no target. */
Test(publish, malformed_branch_content_is_handled)
{
    struct publish_screen s[] = {
        plain(SCREEN_CONTENT, 0, ID(1)),
        {.id = ID(1), .type = SCREEN_BRANCH, .content = json_pack("{s:s}", "choices", "x")},
        {.id = ID(2), .type = SCREEN_BRANCH, .content = NULL},
        {.id = ID(3), .type = SCREEN_BRANCH, .content = json_pack("{s:[i]}", "choices", 7)},
        plain(SCREEN_CONTENT, 4, NULL),
    };

    EXPECT(run(FLOW_BRANCHING, ID(0), s, 5),
           {"[\"module\",\"screens\",3,\"content\",\"choices\",0,\"next_screen_id\"]",
            "unknown_target", M_TARGET});
}

/* --- branching: reachability and paths to an end ---------------------------------------- */

/* Question -> branch; "wrong" leads to a hint that loops back to the question. */
Test(publish, try_again_cycle_passes)
{
    struct publish_screen s[] = {
        plain(SCREEN_QUESTION, 0, ID(1)),
        branch(1, 2, ID(3), ID(2)),
        plain(SCREEN_CONTENT, 2, ID(0)),
        plain(SCREEN_CONTENT, 3, NULL),
    };

    expect_none(run(FLOW_BRANCHING, ID(0), s, 4));
}

Test(publish, cycle_without_exit_is_no_path_to_end)
{
    struct publish_screen s[] = {
        branch(0, 2, ID(1), ID(3)),
        plain(SCREEN_CONTENT, 1, ID(2)),
        plain(SCREEN_CONTENT, 2, ID(1)),
        plain(SCREEN_CONTENT, 3, NULL),
    };

    EXPECT(run(FLOW_BRANCHING, ID(0), s, 4),
           {"[\"module\",\"screens\",1]", "no_path_to_end", M_NO_PATH},
           {"[\"module\",\"screens\",2]", "no_path_to_end", M_NO_PATH});
}

/* Screen 2 is unreachable; screens 3 and 4 are an unreachable dead loop and are reported as
 * unreachable only, since no_path_to_end is about reachable screens. */
Test(publish, unreachable_screens)
{
    struct publish_screen s[] = {
        plain(SCREEN_CONTENT, 0, ID(1)), plain(SCREEN_CONTENT, 1, NULL),
        plain(SCREEN_CONTENT, 2, ID(1)), plain(SCREEN_CONTENT, 3, ID(4)),
        plain(SCREEN_CONTENT, 4, ID(3)),
    };

    EXPECT(run(FLOW_BRANCHING, ID(0), s, 5),
           {"[\"module\",\"screens\",2]", "unreachable_screen", M_UNREACHABLE},
           {"[\"module\",\"screens\",3]", "unreachable_screen", M_UNREACHABLE},
           {"[\"module\",\"screens\",4]", "unreachable_screen", M_UNREACHABLE});
}

Test(publish, start_may_be_any_position)
{
    struct publish_screen s[] = {plain(SCREEN_CONTENT, 0, NULL), plain(SCREEN_CONTENT, 1, ID(0))};

    expect_none(run(FLOW_BRANCHING, ID(1), s, 2));
}

/* With an unknown target, neither the unreachable screen 4 nor the dead loop 2 <-> 3 is
 * reported; only the failures of the unstarred checks are. */
Test(publish, star_rule_unknown_target_hides_graph_checks)
{
    struct publish_screen s[] = {
        branch(0, 2, ID(2), NOWHERE),    plain(SCREEN_CONTENT, 1, NULL),
        plain(SCREEN_CONTENT, 2, ID(3)), plain(SCREEN_CONTENT, 3, ID(2)),
        plain(SCREEN_CONTENT, 4, ID(1)),
    };

    EXPECT(run(FLOW_BRANCHING, ID(0), s, 5),
           {"[\"module\",\"screens\",0,\"content\",\"choices\",1,\"next_screen_id\"]",
            "unknown_target", M_TARGET});
}

Test(publish, star_rule_missing_start_hides_graph_checks)
{
    struct publish_screen s[] = {
        branch(0, 2, ID(2), ID(1)),      plain(SCREEN_CONTENT, 1, NULL),
        plain(SCREEN_CONTENT, 2, ID(3)), plain(SCREEN_CONTENT, 3, ID(2)),
        plain(SCREEN_CONTENT, 4, ID(1)),
    };

    EXPECT(run(FLOW_BRANCHING, NULL, s, 5),
           {"[\"module\",\"settings\",\"start_screen_id\"]", "missing_start_screen", M_START});
}

/* The same graph with a start: now the * checks report the loop and screen 4. */
Test(publish, star_checks_run_on_sound_graph)
{
    struct publish_screen s[] = {
        branch(0, 2, ID(2), ID(1)),      plain(SCREEN_CONTENT, 1, NULL),
        plain(SCREEN_CONTENT, 2, ID(3)), plain(SCREEN_CONTENT, 3, ID(2)),
        plain(SCREEN_CONTENT, 4, ID(1)),
    };

    EXPECT(run(FLOW_BRANCHING, ID(0), s, 5),
           {"[\"module\",\"screens\",4]", "unreachable_screen", M_UNREACHABLE},
           {"[\"module\",\"screens\",2]", "no_path_to_end", M_NO_PATH},
           {"[\"module\",\"screens\",3]", "no_path_to_end", M_NO_PATH});
}

/* The example of §7: no start and no terminal screen, both reported. */
Test(publish, spec_example_missing_start_and_no_terminal)
{
    struct publish_screen s[] = {plain(SCREEN_CONTENT, 0, ID(1)), plain(SCREEN_CONTENT, 1, ID(0))};

    EXPECT(run(FLOW_BRANCHING, NULL, s, 2),
           {"[\"module\",\"settings\",\"start_screen_id\"]", "missing_start_screen", M_START},
           {"[\"module\",\"screens\"]", "no_terminal_screen", M_NO_TERMINAL});
}

Test(publish, longest_module_chain_passes)
{
    struct publish_screen s[MODULE_MAX_SCREENS];

    for (int i = 0; i < MODULE_MAX_SCREENS; i++)
        s[i] = plain(SCREEN_CONTENT, i, i + 1 < MODULE_MAX_SCREENS ? ID(i + 1) : NULL);
    expect_none(run(FLOW_BRANCHING, ID(0), s, MODULE_MAX_SCREENS));
}

/* --- publish_distance_to_terminal -------------------------------------------------------- */

Test(publish, distance_to_terminal)
{
    struct publish_screen s[] = {
        branch(0, 2, ID(1), ID(2)),       /* 0 -> 2 -> 3: 2 edges */
        plain(SCREEN_CONTENT, 1, ID(0)),  /* loops back to 0: 3 */
        plain(SCREEN_CONTENT, 2, ID(3)),  /* 1 */
        plain(SCREEN_CONTENT, 3, NULL),   /* terminal: 0 */
        plain(SCREEN_CONTENT, 4, ID(5)),  /* 1, to a terminal no path from 0 reaches */
        plain(SCREEN_CONTENT, 5, NULL),   /* unreachable terminal: 0 */
        plain(SCREEN_CONTENT, 6, ID(7)),  /* dead loop: -1 */
        plain(SCREEN_CONTENT, 7, ID(6)),  /* -1 */
        plain(SCREEN_CONTENT, 8, NOWHERE) /* unknown target ignored, not terminal: -1 */
    };
    const int want[] = {2, 3, 1, 0, 1, 0, -1, -1, -1};
    int dist[9];

    memset(dist, 0x55, sizeof(dist));
    publish_distance_to_terminal(s, 9, dist);
    for (int i = 0; i < 9; i++)
        cr_assert_eq(dist[i], want[i], "screen %d: want %d, got %d", i, want[i], dist[i]);
    free_screens(s, 9);
}

Test(publish, distance_takes_shortest_choice)
{
    struct publish_screen s[] = {
        branch(0, 3, ID(1), ID(3), ID(2)),
        plain(SCREEN_CONTENT, 1, ID(2)),
        plain(SCREEN_CONTENT, 2, ID(3)),
        plain(SCREEN_CONTENT, 3, NULL),
        branch(4, 0),
    };
    const int want[] = {1, 2, 1, 0, -1};
    int dist[5];

    publish_distance_to_terminal(s, 5, dist);
    for (int i = 0; i < 5; i++)
        cr_assert_eq(dist[i], want[i], "screen %d: want %d, got %d", i, want[i], dist[i]);
    free_screens(s, 5);
}

Test(publish, distance_of_no_screens)
{
    int dist[1] = {42};

    publish_distance_to_terminal(NULL, 0, dist);
    cr_assert_eq(dist[0], 42);
}
