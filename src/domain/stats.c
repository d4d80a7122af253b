/* Rounded means and rates; see stats.h. */
#include "domain/stats.h"

#include <stdio.h>
#include <string.h>

void stats_json_ratio(struct buf *b, int64_t num, int64_t den, int places, const char *if_zero)
{
    char text[64];

    if (den == 0) {
        buf_append(b, if_zero, strlen(if_zero));
        return;
    }
    /* printf rounds the double's exact binary value to `places` decimals, ties to even: the
     * same result as Python's round(). */
    int n = snprintf(text, sizeof(text), "%.*f", places, (double)num / (double)den);
    if (strchr(text, '.') != NULL) {
        while (n > 0 && text[n - 1] == '0')
            n--;
        if (text[n - 1] == '.')
            n++; /* keep one zero: "1.0" */
    }
    buf_append(b, text, (size_t)n);
}

void stats_json_member(struct buf *b, const char *key, int64_t num, int64_t den, int places,
                       const char *if_zero)
{
    buf_printf(b, ",\"%s\":", key);
    stats_json_ratio(b, num, den, places, if_zero);
}
