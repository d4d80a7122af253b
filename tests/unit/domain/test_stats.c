/* Rounded means and rates (domain/stats.c): Python's round() results, JSON without trailing
 * zeros, the value for an empty denominator. */
#include <criterion/criterion.h>
#include <stdint.h>

#include "domain/stats.h"

static void expect(int64_t num, int64_t den, int places, const char *if_zero, const char *want)
{
    struct buf b;
    buf_init(&b, SIZE_MAX);
    stats_json_ratio(&b, num, den, places, if_zero);
    buf_append(&b, "", 1);
    cr_assert_str_eq(b.data, want, "%lld/%lld at %d", (long long)num, (long long)den, places);
    buf_free(&b);
}

Test(stats, rounds_like_python)
{
    expect(13, 3, 2, "null", "4.33"); /* round(4.333…, 2) */
    expect(17, 4, 2, "null", "4.25"); /* exact */
    expect(7, 2, 2, "null", "3.5");   /* no trailing zero */
    expect(3, 1, 2, "null", "3.0");   /* a whole number keeps ".0" */
    expect(2, 3, 4, "0", "0.6667");
    expect(1, 8, 2, "null", "0.12");   /* 0.125 is exact: ties go to even */
    expect(3, 8, 2, "null", "0.38");   /* 0.375: to even */
    expect(23, 40, 2, "null", "0.57"); /* 0.575 is 0.57499… as a double, as in Python */
    expect(0, 5, 4, "0", "0.0");
    expect(10, 10, 4, "0", "1.0");
}

Test(stats, empty_denominator)
{
    expect(0, 0, 2, "null", "null");
    expect(0, 0, 4, "0", "0");
}

Test(stats, member)
{
    struct buf b;
    buf_init(&b, SIZE_MAX);
    stats_json_member(&b, "average_rating", 9, 2, 2, "null");
    buf_append(&b, "", 1);
    cr_assert_str_eq(b.data, ",\"average_rating\":4.5");
    buf_free(&b);
}
