/* The capped buffer (util/buf.c): the cap is a hard limit and a refused append changes nothing. */
#include <criterion/criterion.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/err.h"

Test(buf, appends_up_to_the_cap_exactly)
{
    struct buf b;
    buf_init(&b, 8);
    cr_assert_eq(buf_puts(&b, "abcd"), 0);
    cr_assert_eq(buf_append(&b, "efgh", 4), 0, "8 bytes fit a cap of 8");
    cr_assert_eq(b.len, 8);
    cr_assert_str_eq(b.data, "abcdefgh");
    cr_assert_leq(b.alloc, 9, "never more than the cap and the NUL");
    buf_free(&b);
}

Test(buf, append_past_the_cap_is_refused_and_changes_nothing)
{
    struct buf b;
    buf_init(&b, 8);
    cr_assert_eq(buf_puts(&b, "abcdef"), 0);
    cr_assert_eq(buf_puts(&b, "xyz"), TS_ETOOBIG);
    cr_assert_eq(b.len, 6);
    cr_assert_str_eq(b.data, "abcdef");
    cr_assert_eq(buf_printf(&b, "%s", "123"), TS_ETOOBIG);
    cr_assert_str_eq(b.data, "abcdef");
    cr_assert_eq(buf_puts(&b, "gh"), 0, "what still fits is taken");
    cr_assert_str_eq(b.data, "abcdefgh");
    buf_free(&b);
}

Test(buf, a_huge_length_does_not_overflow)
{
    struct buf b;
    buf_init(&b, 16);
    cr_assert_eq(buf_puts(&b, "a"), 0);
    cr_assert_eq(buf_append(&b, "x", SIZE_MAX), TS_ETOOBIG);
    cr_assert_eq(buf_append(&b, "x", SIZE_MAX - 1), TS_ETOOBIG);
    cr_assert_eq(b.len, 1);
    buf_free(&b);
}

Test(buf, an_unlimited_buffer_grows_and_escapes_json)
{
    struct buf b;
    buf_init(&b, SIZE_MAX);
    for (int i = 0; i < 1000; i++)
        cr_assert_eq(buf_puts(&b, "0123456789"), 0);
    cr_assert_eq(b.len, 10000);
    buf_free(&b);
    cr_assert_eq(buf_json_escape(&b, "a\"b\\c\n\x01"), 0);
    cr_assert_str_eq(b.data, "a\\\"b\\\\c\\n\\u0001");
    size_t len = 0;
    char *out = buf_steal(&b, &len);
    cr_assert_eq(len, strlen("a\\\"b\\\\c\\n\\u0001"));
    free(out);
    cr_assert_null(b.data);
    buf_free(&b);
}

Test(buf, truncate_keeps_the_first_bytes_and_never_grows)
{
    struct buf b;
    buf_init(&b, 64);
    buf_puts(&b, "abcdef");
    buf_truncate(&b, 10);
    cr_assert_str_eq(b.data, "abcdef");
    buf_truncate(&b, 2);
    cr_assert_str_eq(b.data, "ab");
    cr_assert_eq(b.len, 2);
    buf_puts(&b, "z");
    cr_assert_str_eq(b.data, "abz");
    buf_free(&b);
}
