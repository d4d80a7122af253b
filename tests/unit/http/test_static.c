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
