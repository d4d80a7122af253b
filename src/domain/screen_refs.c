/* Screen references inside module documents; see screen_refs.h. */
#include "domain/screen_refs.h"

#include <string.h>

static json_t *choices(json_t *content)
{
    json_t *list = json_object_get(content, "choices");
    return json_is_array(list) ? list : NULL;
}

const char *screen_refs_start(json_t *settings)
{
    return json_string_value(json_object_get(settings, "start_screen_id"));
}

size_t screen_refs_choice_count(json_t *content)
{
    return json_array_size(choices(content));
}

const char *screen_refs_choice_target(json_t *content, size_t k)
{
    return json_string_value(
        json_object_get(json_array_get(choices(content), k), "next_screen_id"));
}

json_t *screen_refs_find_choice(json_t *content, const char *choice_id)
{
    json_t *choice;
    size_t k;

    if (choice_id == NULL)
        return NULL;
    json_array_foreach(choices(content), k, choice)
    {
        const char *id = json_string_value(json_object_get(choice, "id"));
        if (id != NULL && strcmp(id, choice_id) == 0)
            return choice;
    }
    return NULL;
}

/* Replaces string member `key` of `obj` by its mapped value, when there is one. */
static void rewrite_member(json_t *obj, const char *key, screen_refs_map_fn map, void *arg)
{
    const char *old = json_string_value(json_object_get(obj, key));
    const char *neu = old != NULL ? map(arg, old) : NULL;

    if (neu != NULL)
        json_object_set_new(obj, key, json_string(neu));
}

void screen_refs_rewrite(json_t *doc, screen_refs_map_fn map, void *arg)
{
    json_t *choice;
    size_t k;

    rewrite_member(doc, "start_screen_id", map, arg);
    json_array_foreach(choices(doc), k, choice) rewrite_member(choice, "next_screen_id", map, arg);
}
