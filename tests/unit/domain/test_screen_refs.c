/* Screen references inside module documents (domain/screen_refs.c). */
#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>

#include "domain/screen_refs.h"

static json_t *doc(const char *text)
{
    json_t *d = json_loads(text, 0, NULL);
    cr_assert_not_null(d, "%s", text);
    return d;
}

Test(screen_refs, reads_start_and_choices)
{
    json_t *settings = doc("{\"start_screen_id\":\"s1\"}");
    json_t *content = doc("{\"prompt\":\"p\",\"choices\":[{\"id\":\"a\",\"next_screen_id\":\"s2\"},"
                          "{\"id\":\"b\",\"next_screen_id\":null},{\"id\":\"c\"}]}");

    cr_assert_str_eq(screen_refs_start(settings), "s1");
    cr_assert_eq(screen_refs_choice_count(content), 3);
    cr_assert_str_eq(screen_refs_choice_target(content, 0), "s2");
    cr_assert_null(screen_refs_choice_target(content, 1));
    cr_assert_null(screen_refs_choice_target(content, 2));
    cr_assert_null(screen_refs_choice_target(content, 3));
    cr_assert_eq(screen_refs_find_choice(content, "b"),
                 json_array_get(json_object_get(content, "choices"), 1));
    cr_assert_null(screen_refs_find_choice(content, "z"));
    cr_assert_null(screen_refs_find_choice(content, NULL));
    json_decref(settings);
    json_decref(content);
}

Test(screen_refs, wrong_shapes_have_no_references)
{
    json_t *odd = doc("{\"start_screen_id\":5,\"choices\":{\"id\":\"a\"}}");

    cr_assert_null(screen_refs_start(odd));
    cr_assert_null(screen_refs_start(NULL));
    cr_assert_eq(screen_refs_choice_count(odd), 0);
    cr_assert_eq(screen_refs_choice_count(NULL), 0);
    cr_assert_null(screen_refs_find_choice(odd, "a"));
    json_decref(odd);
}

/* Maps "old-N" to "new-N" and leaves everything else. */
static const char *rename_ref(void *arg, const char *id)
{
    static char buf[2][16];
    int *calls = arg;

    if (strncmp(id, "old-", 4) != 0)
        return NULL;
    char *out = buf[(*calls)++ % 2];
    snprintf(out, sizeof(buf[0]), "new-%s", id + 4);
    return out;
}

Test(screen_refs, rewrite_maps_every_reference_and_nothing_else)
{
    json_t *settings = doc("{\"start_screen_id\":\"old-1\",\"pass_score\":70}");
    json_t *content =
        doc("{\"prompt\":\"old-9\",\"choices\":[{\"id\":\"old-2\","
            "\"next_screen_id\":\"old-3\"},{\"id\":\"x\",\"next_screen_id\":\"keep\"}]}");
    json_t *want_s = doc("{\"start_screen_id\":\"new-1\",\"pass_score\":70}");
    json_t *want_c =
        doc("{\"prompt\":\"old-9\",\"choices\":[{\"id\":\"old-2\","
            "\"next_screen_id\":\"new-3\"},{\"id\":\"x\",\"next_screen_id\":\"keep\"}]}");
    int calls = 0;

    screen_refs_rewrite(settings, rename_ref, &calls);
    screen_refs_rewrite(content, rename_ref, &calls);
    cr_assert(json_equal(settings, want_s));
    cr_assert(json_equal(content, want_c), "choice ids and other strings are not references");
    cr_assert_eq(calls, 2);
    screen_refs_rewrite(NULL, rename_ref, &calls);
    json_decref(settings);
    json_decref(content);
    json_decref(want_s);
    json_decref(want_c);
}
