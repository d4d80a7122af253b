/* The web app's index (http/webapp.c): what is loaded, how siblings attach, what a path names. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/webapp.h"

static char root[64];

static void put(const char *rel, const char *text)
{
    char path[256];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", root, rel);
    f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    fclose(f);
}

static void setup(void)
{
    char sub[128];

    snprintf(root, sizeof(root), "/tmp/ts-webapp.XXXXXX");
    cr_assert_not_null(mkdtemp(root));
    snprintf(sub, sizeof(sub), "%s/assets", root);
    cr_assert_eq(mkdir(sub, 0755), 0);
}

static void teardown(void)
{
    char rm[128];

    snprintf(rm, sizeof(rm), "rm -rf '%s'", root);
    cr_assert_eq(system(rm), 0);
}

TestSuite(webapp, .init = setup, .fini = teardown);

static const struct http_asset *find(const struct http_webapp *w, const char *path)
{
    struct http_static_hit hit;

    cr_assert(http_webapp_find(w, path, &hit), "%s is the app's", path);
    cr_assert_str_eq(hit.csp, http_webapp_csp);
    return hit.asset;
}

Test(webapp, siblings_attach_to_their_file_and_are_not_files)
{
    put("index.html", "<!doctype html>");
    put("assets/a.js", "A");
    put("assets/a.js.gz", "A-GZ");
    put("assets/a.js.br", "A-BR");
    put("assets/a.js.gz.br", "A-GZ-BR"); /* its base is a sibling: a file of its own */
    put("b.gz", "B-GZ");                 /* no base: a file */
    struct http_webapp *w = http_webapp_load(root);
    cr_assert_not_null(w);
    cr_assert_eq(http_webapp_count(w), 6);
    cr_assert_eq(http_webapp_bytes(w), strlen("<!doctype html>AA-GZA-BRA-GZ-BRB-GZ"));

    const struct http_asset *a = find(w, "/app/assets/a.js");
    cr_assert_not_null(a);
    cr_assert_not_null(a->gz);
    cr_assert_not_null(a->br);
    cr_assert_eq(a->gz->len, 4);
    cr_assert(memcmp(a->br->data, "A-BR", 4) == 0);
    cr_assert_str_neq(a->etag, a->gz->etag);
    cr_assert_str_neq(a->etag, a->br->etag);
    cr_assert_str_eq(a->cache_control, "public, max-age=31536000, immutable");
    cr_assert_null(find(w, "/app/assets/a.js.gz"), "a sibling is not a file: 404");
    cr_assert_null(find(w, "/app/assets/a.js.br"));
    const struct http_asset *gzbr = find(w, "/app/assets/a.js.gz.br");
    cr_assert_not_null(gzbr);
    cr_assert_null(gzbr->br);
    const struct http_asset *b = find(w, "/app/b.gz");
    cr_assert_not_null(b);
    cr_assert_str_eq(b->cache_control, "no-cache");
    cr_assert_null(b->gz);
    http_webapp_free(w);
}

Test(webapp, paths_outside_assets_fall_back_to_index_html)
{
    put("index.html", "<!doctype html>");
    struct http_webapp *w = http_webapp_load(root);
    struct http_static_hit hit;
    cr_assert_not_null(w);
    const struct http_asset *index = find(w, "/");
    cr_assert_not_null(index);
    cr_assert_str_eq(index->path, "/app/index.html");
    cr_assert_str_eq(index->cache_control, "no-cache");
    cr_assert_eq(find(w, "/app"), index);
    cr_assert_eq(find(w, "/app/"), index);
    cr_assert_eq(find(w, "/app/learn/modules/42"), index);
    cr_assert_eq(find(w, "/app/learn/"), index);
    cr_assert_null(find(w, "/app/assets/x.js"));
    cr_assert_null(find(w, "/app/assets"));
    cr_assert_null(find(w, "/favicon.ico"), "no favicon in this build");
    cr_assert_null(find(w, "/app/../index.html"));
    cr_assert_null(find(w, "/app/./index.html"));
    cr_assert_null(find(w, "/app//x"));
    cr_assert_null(find(w, "/app/a\\b"));
    cr_assert_null(find(w, "/app/a\tb"));
    cr_assert_not(http_webapp_find(w, "/apps", &hit));
    cr_assert_not(http_webapp_find(w, "/index.html", &hit));
    cr_assert_not(http_webapp_find(w, "", &hit));
    http_webapp_free(w);
}

Test(webapp, a_folder_without_index_html_or_missing_is_not_loaded)
{
    char missing[128];

    put("assets/a.js", "A");
    cr_assert_null(http_webapp_load(root));
    snprintf(missing, sizeof(missing), "%s/nope", root);
    cr_assert_null(http_webapp_load(missing));
    cr_assert_null(http_webapp_load(""));
}

Test(webapp, links_leaving_the_folder_are_skipped_and_404)
{
    char link[128];

    put("index.html", "<!doctype html>");
    snprintf(link, sizeof(link), "%s/out.txt", root);
    cr_assert_eq(symlink("/etc/hostname", link), 0);
    snprintf(link, sizeof(link), "%s/in.html", root);
    cr_assert_eq(symlink("index.html", link), 0);
    struct http_webapp *w = http_webapp_load(root);
    cr_assert_not_null(w);
    cr_assert_eq(http_webapp_count(w), 2);
    cr_assert_null(find(w, "/app/out.txt"), "skipped: 404, not the page");
    cr_assert_not_null(find(w, "/app/in.html"));
    http_webapp_free(w);
}
