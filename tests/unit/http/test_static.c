/* Embedded files: content types by name, If-None-Match matching, the lookup by URL path. */
#include <criterion/criterion.h>
#include <string.h>

#include "http/static.h"

Test(static_files, content_type_by_extension_with_charset_for_text)
{
    cr_assert_str_eq(http_content_type("index.html"), "text/html; charset=utf-8");
    cr_assert_str_eq(http_content_type("swagger-ui.css"), "text/css; charset=utf-8");
    cr_assert_str_eq(http_content_type("swagger-ui-bundle.js"), "text/javascript; charset=utf-8");
    cr_assert_str_eq(http_content_type("a.LICENSE.txt"), "text/plain; charset=utf-8");
    cr_assert_str_eq(http_content_type("favicon-32x32.png"), "image/png");
    cr_assert_str_eq(http_content_type("icon.SVG"), "image/svg+xml");
    cr_assert_str_eq(http_content_type("LICENSE"), "text/plain; charset=utf-8");
    cr_assert_str_eq(http_content_type("NOTICE"), "text/plain; charset=utf-8");
    cr_assert_str_eq(http_content_type("README"), "application/octet-stream");
    cr_assert_str_eq(http_content_type("archive.tar"), "application/octet-stream");
}

Test(static_files, if_none_match_uses_the_weak_comparison)
{
    const char *tag = "\"abc\"";

    cr_assert(http_etag_matches("\"abc\"", tag));
    cr_assert(http_etag_matches("W/\"abc\"", tag));
    cr_assert(http_etag_matches("\"x\", W/\"abc\"", tag));
    cr_assert(http_etag_matches("\"x\",\"abc\"", tag));
    cr_assert(http_etag_matches("*", tag));
    cr_assert_not(http_etag_matches(NULL, tag));
    cr_assert_not(http_etag_matches("", tag));
    cr_assert_not(http_etag_matches("\"abcd\"", tag));
    cr_assert_not(http_etag_matches("\"ab\"", tag));
    cr_assert_not(http_etag_matches("abc", tag), "unquoted is not the tag");
    cr_assert_not(http_etag_matches("\"abc", tag), "unterminated");
    cr_assert_not(http_etag_matches("\"x, \"abc\"", tag), "inside another tag's quotes");
}

Test(static_files, lookup_by_exact_url_path)
{
    const struct http_asset *a = http_static_find("/docs/swagger-ui.css");

    cr_assert_not_null(a);
    cr_assert_str_eq(a->name, "swagger-ui.css");
    cr_assert_gt(a->len, 1000);
    cr_assert_eq(a->data[a->len], '\0', "followed by a NUL");
    cr_assert_eq(strlen(a->etag), 34);
    cr_assert_not_null(http_static_find("/docs"));
    cr_assert_null(http_static_find("/docs/"));
    cr_assert_null(http_static_find("/docs/swagger-ui.css/"));
    cr_assert_null(http_static_find("/Docs/swagger-ui.css"));
    cr_assert_null(http_static_find(""));
}

Test(static_files, accept_encoding_prefers_br_then_gzip_and_honours_q_zero)
{
    cr_assert_eq(http_static_coding(NULL, true, true), HTTP_CODING_IDENTITY);
    cr_assert_eq(http_static_coding("", true, true), HTTP_CODING_IDENTITY);
    cr_assert_eq(http_static_coding("gzip, deflate, br", true, true), HTTP_CODING_BR);
    cr_assert_eq(http_static_coding("gzip, deflate, br", false, true), HTTP_CODING_GZIP);
    cr_assert_eq(http_static_coding("br", false, true), HTTP_CODING_IDENTITY);
    cr_assert_eq(http_static_coding("gzip", true, false), HTTP_CODING_IDENTITY);
    cr_assert_eq(http_static_coding("gzip;q=0", true, true), HTTP_CODING_IDENTITY);
    cr_assert_eq(http_static_coding("br;q=0, gzip;q=0.1", true, true), HTTP_CODING_GZIP);
    cr_assert_eq(http_static_coding("br ; q=0.000 , gzip", true, true), HTTP_CODING_GZIP);
    cr_assert_eq(http_static_coding("br;q=0.001", true, true), HTTP_CODING_BR);
    cr_assert_eq(http_static_coding("br;q=0.", true, true), HTTP_CODING_IDENTITY);
    cr_assert_eq(http_static_coding("BR;Q=1", true, true), HTTP_CODING_BR);
    cr_assert_eq(http_static_coding("*", true, true), HTTP_CODING_BR);
    cr_assert_eq(http_static_coding("*;q=0", true, true), HTTP_CODING_IDENTITY);
    cr_assert_eq(http_static_coding("br;q=0, *", true, true), HTTP_CODING_GZIP);
    cr_assert_eq(http_static_coding("*, br;q=0, gzip;q=0", true, true), HTTP_CODING_IDENTITY);
    cr_assert_eq(http_static_coding("x-gzip", true, true), HTTP_CODING_GZIP);
    cr_assert_eq(http_static_coding("brotli, gzipx, identity", true, true), HTTP_CODING_IDENTITY);
    cr_assert_eq(http_static_coding(",,, br", true, true), HTTP_CODING_BR);
    cr_assert_eq(http_static_coding("gzip;level=1;q=0", true, true), HTTP_CODING_IDENTITY);
    cr_assert_eq(http_static_coding("gzip, br", false, false), HTTP_CODING_IDENTITY);
}

Test(static_files, the_web_app_paths_are_not_embedded)
{
    struct http_static_hit hit;

    cr_assert_not(http_static_lookup(NULL, "/", &hit), "no web app loaded: unknown");
    cr_assert_not(http_static_lookup(NULL, "/app/index.html", &hit));
    cr_assert(http_static_lookup(NULL, "/docs/LICENSE", &hit));
    cr_assert_str_eq(hit.label, "/docs/{file}");
    cr_assert_eq(hit.label, http_static_labels[HTTP_LABEL_DOCS]);
}
