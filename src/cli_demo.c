/*
 * `trainsmart seed-demo` (API.md §15): an inactive demo author, who cannot log in, and three
 * published modules (domain/demo_content.c). Idempotent: the first run records "demo_seeded"
 * in app_meta in the same transaction as the content, so a second run, or a concurrent one on
 * another instance, changes nothing and says "demo content already present".
 *
 * The demo documents name screens by symbolic keys; the seeder gives every screen a fresh
 * UUID, rewrites the references, and validates settings and content with the same rules as
 * the API, so the demo can never hold what an author could not have written.
 */
#include "cli_demo.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cli_admin.h"
#include "db/meta.h"
#include "db/migrate.h"
#include "db/modules.h"
#include "db/users.h"
#include "domain/content.h"
#include "domain/demo_content.h"
#include "domain/screen_refs.h"
#include "util/crypto.h"
#include "util/err.h"
#include "util/log.h"
#include "util/time.h"

#define DEMO_AUTHOR_EMAIL "demo-author@trainsmart.invalid"

struct keymap {
    const char *keys[256];
    char ids[256][STR_UUID_SIZE];
    int n;
};

/* The UUID for screen key `k`, or NULL when the demo names no such screen. */
static const char *resolve(const struct keymap *map, const char *k)
{
    for (int i = 0; k != NULL && i < map->n; i++)
        if (strcmp(map->keys[i], k) == 0)
            return map->ids[i];
    return NULL;
}

/* resolve() as a screen_refs_map_fn: keys the demo does not name stay as they are. */
static const char *resolve_ref(void *map, const char *k)
{
    return resolve(map, k);
}

/* Validates `doc` with the API's rules; returns its normalised JSON text (arena) or NULL. */
static const char *normalised(struct arena *a, json_t *doc, bool is_settings, int kind)
{
    struct valid v;
    json_t *out = NULL;
    const char *text = NULL;

    valid_init(&v, a, "demo");
    int rc = is_settings ? content_settings_validate(&v, (enum flow_type)kind, doc, &out)
                         : content_validate(&v, (enum screen_type)kind, doc, &out);
    if (rc == 0) {
        char *dump = json_dumps(out, JSON_COMPACT);
        text = arena_strdup(a, dump);
        free(dump);
    } else {
        char *errs = json_dumps(v.errors, JSON_COMPACT);
        log_msg(LOG_ERROR, "seed-demo", "demo document rejected: %s", errs ? errs : "?");
        free(errs);
    }
    json_decref(out);
    valid_free(&v);
    return text;
}

static int insert_screens(struct db_conn *c, struct arena *a, const struct module *m,
                          json_t *screens, const struct keymap *map)
{
    json_t *doc;
    size_t i;
    int rc = 0;

    json_array_foreach(screens, i, doc)
    {
        struct screen s = {.position = (int)i + 1, .created_at = m->created_at};
        json_t *content = json_object_get(doc, "content");
        s.updated_at = m->created_at;
        snprintf(s.id, sizeof(s.id), "%s", map->ids[i]);
        snprintf(s.module_id, sizeof(s.module_id), "%s", m->id);
        s.type = (enum screen_type)model_enum_parse(
            screen_type_names, json_string_value(json_object_get(doc, "type")));
        s.title = json_string_value(json_object_get(doc, "title"));
        const char *next = resolve(map, json_string_value(json_object_get(doc, "next")));
        snprintf(s.next_screen_id, sizeof(s.next_screen_id), "%s", next ? next : "");
        screen_refs_rewrite(content, resolve_ref, (void *)map);
        s.content = normalised(a, content, false, (int)s.type);
        if ((int)s.type < 0 || s.title == NULL || s.content == NULL)
            return TS_EINVAL;
        rc = db_screens_insert(c, &s);
        if (rc < 0)
            break;
    }
    return rc;
}

static int insert_module(struct db_conn *c, struct arena *a, json_t *doc, const char *author_id,
                         int64_t now)
{
    struct module m = {
        .status = MODULE_PUBLISHED, .created_at = now, .updated_at = now, .published_at = now};
    struct keymap map = {.n = 0};
    json_t *screens = json_object_get(doc, "screens");
    json_t *screen;
    size_t i;

    json_array_foreach(screens, i, screen)
    {
        if (map.n == 256)
            return TS_EINVAL;
        map.keys[map.n] = json_string_value(json_object_get(screen, "key"));
        crypto_uuid_v4(map.ids[map.n++]);
    }
    crypto_uuid_v4(m.id);
    snprintf(m.author_id, sizeof(m.author_id), "%s", author_id);
    m.title = json_string_value(json_object_get(doc, "title"));
    m.description = json_string_value(json_object_get(doc, "description"));
    int flow =
        model_enum_parse(flow_type_names, json_string_value(json_object_get(doc, "flow_type")));
    json_t *settings = json_object_get(doc, "settings");
    screen_refs_rewrite(settings, resolve_ref, &map);
    m.flow = (enum flow_type)flow;
    m.settings = flow >= 0 ? normalised(a, settings, true, flow) : NULL;
    m.screen_count = map.n;
    if (m.title == NULL || m.description == NULL || m.settings == NULL)
        return TS_EINVAL;
    int rc = db_modules_insert(c, &m);
    return rc < 0 ? rc : insert_screens(c, a, &m, screens, &map);
}

/* The demo author: inactive, with a password nobody knows. */
static int insert_author(struct db_conn *c, struct user *u)
{
    unsigned char secret[32];
    char password[65], hash[CRYPTO_PWHASH_LEN];

    randombytes_buf(secret, sizeof(secret));
    sodium_bin2hex(password, sizeof(password), secret, sizeof(secret));
    int rc = crypto_password_hash(password, hash);
    if (rc < 0)
        return rc;
    crypto_uuid_v4(u->id);
    u->email = DEMO_AUTHOR_EMAIL;
    u->display_name = "TrainSmart Team";
    u->role = ROLE_AUTHOR;
    u->timezone = "UTC";
    u->active = false;
    u->created_at = u->updated_at = time_now_ms();
    return db_users_insert(c, u, hash);
}

/* Seeds inside the caller's transaction; *fresh is false when the demo was already there. */
static int seed(struct db_conn *c, struct arena *a, bool *fresh)
{
    struct user author = {0};
    char now_text[TIME_RFC3339_LEN];
    int64_t now = time_now_ms();

    time_format_ms(now, now_text);
    int rc = db_meta_insert_once(c, "demo_seeded", now_text, fresh);
    if (rc < 0 || !*fresh)
        return rc;
    json_t *modules = json_loads(demo_modules_json, 0, NULL);
    json_t *doc;
    size_t i;
    rc = modules != NULL ? insert_author(c, &author) : TS_EINVAL;
    json_array_foreach(modules, i, doc)
    {
        if (rc < 0)
            break;
        /* Distinct creation times keep the catalogue order the order of the demo file. */
        rc = insert_module(c, a, doc, author.id, now + (int64_t)(json_array_size(modules) - i));
    }
    json_decref(modules);
    return rc;
}

int cli_seed_demo(struct db *db, struct arena *a)
{
    struct db_conn *c = NULL;
    bool fresh = false;
    int rc = db_migrate_up(db, NULL);

    if (rc == 0)
        rc = db_acquire(db, &c);
    if (rc == 0)
        rc = db_begin_write(c);
    if (rc == 0)
        rc = seed(c, a, &fresh);
    if (rc == 0)
        rc = db_commit(c);
    db_release(c); /* rolls back a transaction left open by a failure */
    if (rc < 0) {
        fprintf(stderr, "trainsmart: seed-demo failed: %s\n",
                rc == TS_EUNAVAIL ? "database unavailable"
                : rc == TS_EINVAL ? "demo content is invalid (see log)"
                                  : "database error");
        return CLI_FAILED;
    }
    if (fresh)
        printf("seeded 3 modules\n");
    else
        printf("demo content already present\n");
    return CLI_OK;
}
