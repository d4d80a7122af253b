/*
 * The rounded numbers of the summaries and analytics (API.md §9, §10, §13): means and rates
 * "rounded to 2 (or 4) decimals". Storage returns exact integer sums and counts; the division
 * and the rounding happen here, once, the way Python's round(sum / count, places) does it (the
 * quotient as a double, rounded correctly to the nearest decimal, ties to even), so a client
 * that recomputes a figure from the same journeys gets the same number.
 */
#ifndef TS_DOMAIN_STATS_H
#define TS_DOMAIN_STATS_H

#include <stdint.h>

#include "util/buf.h"

/* Appends `num / den` rounded to `places` decimals (0..6) as a JSON number without trailing
 * zeros ("4.25", "0.5", "1.0"), or `if_zero` ("null" or "0") when den is 0. */
void stats_json_ratio(struct buf *b, int64_t num, int64_t den, int places, const char *if_zero);

/* Appends ,"key":<ratio> (stats_json_ratio) to `b`, for objects written as text. */
void stats_json_member(struct buf *b, const char *key, int64_t num, int64_t den, int places,
                       const char *if_zero);

#endif
