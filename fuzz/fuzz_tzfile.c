/*
 * The time zone file reader (docs/RELIABILITY.md, "Fuzzing"): the input is a TZif file
 * (RFC 8536), read by tz_parse() as tz_get() reads the files of the tz database. It must never
 * crash, read out of bounds or loop, whatever the bytes. A file it accepts becomes a zone whose
 * offsets are then asked for at fixed instants, around each transition and at the ends of the
 * int64 range, and turned into local dates as check-ins and streaks do (tz_local_day() and
 * time_days_to_date()).
 */
#include <stdint.h>
#include <stdlib.h>

#include "fuzz.h"
#include "util/time.h"
#include "util/tz.h"

#define OFFSET_LIMIT 93599 /* 26 h: RFC 8536's range, and a footer's std + 1 h of daylight */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_init();
    return 0;
}

static void check_instant(const struct tz_zone *z, int64_t utc_s)
{
    int32_t off = tz_offset_at(z, utc_s);

    FUZZ_CHECK(off >= -OFFSET_LIMIT && off <= OFFSET_LIMIT);
    /* A local date within the calendar the API speaks (years 1..9999). */
    if (utc_s > -62135596800 + 2 * 86400 && utc_s < 253402300799 - 2 * 86400) {
        int64_t day = tz_local_day(z, utc_s * 1000);
        struct ts_date d = time_days_to_date(day);
        FUZZ_CHECK(d.year >= 1 && d.year <= 9999 && d.month >= 1 && d.month <= 12 && d.day >= 1 &&
                   d.day <= 31);
        FUZZ_CHECK(time_date_to_days(d) == day);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int64_t instants[] = {
        INT64_MIN,  INT64_MIN / 1000, -62135596800,     -1,       0, 1, 951782400, 1700000000,
        4102444800, 253402300799,     INT64_MAX / 1000, INT64_MAX};
    struct tz_zone *z = tz_parse(data, size, "Fuzz/Zone");

    if (z == NULL)
        return 0;
    const int64_t *times;
    size_t n = tz_transitions(z, &times);
    for (size_t i = 1; i < n; i++)
        FUZZ_CHECK(times[i - 1] < times[i]);
    for (size_t i = 0; i < sizeof(instants) / sizeof(instants[0]); i++)
        check_instant(z, instants[i]);
    for (size_t i = 0; i < n && i < 64; i++) {
        check_instant(z, times[i]);
        if (times[i] > INT64_MIN)
            check_instant(z, times[i] - 1);
    }
    /* Ten years of days after the last transition: the footer rule. */
    int64_t from = n > 0 && times[n - 1] < 253402300799 - 86400 * 3660 ? times[n - 1] : 1700000000;
    for (int d = 0; d < 3660; d += 7)
        check_instant(z, from + (int64_t)d * 86400 + 3600);
    free(z);
    return 0;
}
