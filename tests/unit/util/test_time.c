/*
 * Unit tests for util/time.c: clocks, RFC 3339 and date parsing/formatting (API.md §1.6) and
 * calendar arithmetic. Time zones are tested in test_tz.c.
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "util/time.h"

/* --- helpers ---------------------------------------------------------------------------- */

/* Parses `s`, expects TIME_OK and returns the result formatted back. */
static const char *parse_ok(const char *s)
{
    static char out[TIME_RFC3339_LEN];
    const char *reason = "unset";
    int64_t ms = 0;
    int rc = time_parse_rfc3339(s, &ms, &reason);

    cr_assert_eq(rc, TIME_OK, "%s: rc %d, reason %s", s, rc, reason ? reason : "(null)");
    time_format_ms(ms, out);
    return out;
}

/* Parses `s`, expects TIME_INVALID with exactly `want` as the reason. */
static void parse_invalid(const char *s, const char *want)
{
    const char *reason = NULL;
    int64_t ms = 0;
    int rc = time_parse_rfc3339(s, &ms, &reason);

    cr_assert_eq(rc, TIME_INVALID, "%s: rc %d", s, rc);
    cr_assert_not_null(reason, "%s: no reason", s);
    cr_assert_str_eq(reason, want, "%s", s);
}

static void date_invalid(const char *s, const char *want)
{
    const char *reason = NULL;
    struct ts_date d = {0, 0, 0};

    cr_assert_eq(time_parse_date(s, &d, &reason), -1, "%s", s);
    cr_assert_not_null(reason, "%s: no reason", s);
    cr_assert_str_eq(reason, want, "%s", s);
}

static struct ts_date date(int y, int m, int d)
{
    return (struct ts_date){y, m, d};
}

/* --- clocks ----------------------------------------------------------------------------- */

Test(time, now_ms_matches_system_clock)
{
    int64_t before = (int64_t)time(NULL) * 1000;
    int64_t now = time_now_ms();
    int64_t after = (int64_t)time(NULL) * 1000 + 1000;

    cr_assert(now >= before && now <= after, "now %lld not in [%lld, %lld]", (long long)now,
              (long long)before, (long long)after);
}

Test(time, mono_ms_never_goes_back)
{
    int64_t a = time_mono_ms();
    struct timespec pause = {0, 5 * 1000 * 1000};

    nanosleep(&pause, NULL);
    int64_t b = time_mono_ms();
    cr_assert(b >= a + 4, "monotonic clock moved from %lld to %lld", (long long)a, (long long)b);
}

/* The condition a waiter below waits for, set by signal_later() after 20 ms. */
struct cond_case {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool set;
};

static void *signal_later(void *arg)
{
    struct cond_case *c = arg;
    struct timespec pause = {0, 20 * 1000 * 1000};

    nanosleep(&pause, NULL);
    pthread_mutex_lock(&c->mu);
    c->set = true;
    pthread_cond_signal(&c->cv);
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

Test(time, cond_wait_until_times_out_or_without_deadline_waits_for_the_signal)
{
    struct cond_case c = {.mu = PTHREAD_MUTEX_INITIALIZER};
    pthread_t t;

    time_cond_init(&c.cv);
    pthread_mutex_lock(&c.mu);
    cr_assert_eq(time_cond_wait_until(&c.cv, &c.mu, time_mono_ms() - 1), ETIMEDOUT);
    int64_t t0 = time_mono_ms();
    while (time_cond_wait_until(&c.cv, &c.mu, t0 + 5) != ETIMEDOUT)
        ;
    cr_assert_geq(time_mono_ms(), t0 + 5);

    cr_assert_eq(pthread_create(&t, NULL, signal_later, &c), 0);
    while (!c.set) /* deadline 0: no timeout, only the signal ends the wait */
        cr_assert_eq(time_cond_wait_until(&c.cv, &c.mu, 0), 0);
    pthread_mutex_unlock(&c.mu);
    pthread_join(t, NULL);
    pthread_cond_destroy(&c.cv);
}

/* --- formatting ------------------------------------------------------------------------- */

Test(time, format_epoch_is_1970_with_millis_and_z)
{
    char out[TIME_RFC3339_LEN];

    time_format_ms(0, out);
    cr_assert_str_eq(out, "1970-01-01T00:00:00.000Z");
}

Test(time, format_spec_example)
{
    char out[TIME_RFC3339_LEN];

    time_format_ms(INT64_C(1795771800000), out);
    cr_assert_str_eq(out, "2026-11-27T09:30:00.000Z");
    time_format_ms(INT64_C(1795771800123), out);
    cr_assert_str_eq(out, "2026-11-27T09:30:00.123Z");
}

Test(time, format_negative_ms_floors_to_previous_second)
{
    char out[TIME_RFC3339_LEN];

    time_format_ms(-1, out);
    cr_assert_str_eq(out, "1969-12-31T23:59:59.999Z");
    time_format_ms(-1000, out);
    cr_assert_str_eq(out, "1969-12-31T23:59:59.000Z");
    time_format_ms(-1001, out);
    cr_assert_str_eq(out, "1969-12-31T23:59:58.999Z");
    time_format_ms(-86400001, out);
    cr_assert_str_eq(out, "1969-12-30T23:59:59.999Z");
}

Test(time, format_year_one_and_year_9999)
{
    char out[TIME_RFC3339_LEN];

    time_format_ms(INT64_C(-62135596800000), out);
    cr_assert_str_eq(out, "0001-01-01T00:00:00.000Z");
    time_format_ms(INT64_C(2932897) * 86400000 - 1, out);
    cr_assert_str_eq(out, "9999-12-31T23:59:59.999Z");
}

Test(time, format_clamps_values_outside_years_1_to_9999)
{
    char out[TIME_RFC3339_LEN];

    time_format_ms(INT64_MIN, out);
    cr_assert_str_eq(out, "0001-01-01T00:00:00.000Z");
    time_format_ms(INT64_MAX, out);
    cr_assert_str_eq(out, "9999-12-31T23:59:59.999Z");
}

Test(time, format_date_pads_with_zeros)
{
    char out[TIME_DATE_LEN];

    time_format_date(date(5, 1, 2), out);
    cr_assert_str_eq(out, "0005-01-02");
    time_format_date(date(2024, 12, 31), out);
    cr_assert_str_eq(out, "2024-12-31");
}

/* --- calendar arithmetic ---------------------------------------------------------------- */

Test(time, date_to_days_known_values)
{
    cr_assert_eq(time_date_to_days(date(1970, 1, 1)), 0);
    cr_assert_eq(time_date_to_days(date(1969, 12, 31)), -1);
    cr_assert_eq(time_date_to_days(date(2000, 3, 1)), 11017);
    cr_assert_eq(time_date_to_days(date(2024, 2, 29)), 19782);
    cr_assert_eq(time_date_to_days(date(1, 1, 1)), -719162);
    cr_assert_eq(time_date_to_days(date(9999, 12, 31)), 2932896);
}

Test(time, days_to_date_known_values)
{
    struct ts_date d = time_days_to_date(-1);

    cr_assert(d.year == 1969 && d.month == 12 && d.day == 31);
    d = time_days_to_date(19782);
    cr_assert(d.year == 2024 && d.month == 2 && d.day == 29);
    d = time_days_to_date(-719162);
    cr_assert(d.year == 1 && d.month == 1 && d.day == 1);
}

/* Every day of years 1..9999 round-trips and follows its predecessor. */
Test(time, days_round_trip_over_whole_range)
{
    struct ts_date prev = time_days_to_date(-719163);

    cr_assert(prev.year == 0 && prev.month == 12 && prev.day == 31);
    for (int64_t n = -719162; n <= 2932896; n++) {
        struct ts_date d = time_days_to_date(n);
        bool next_day = d.year == prev.year && d.month == prev.month && d.day == prev.day + 1;
        bool next_month = d.year == prev.year && d.month == prev.month + 1 && d.day == 1;
        bool next_year = d.year == prev.year + 1 && d.month == 1 && d.day == 1 &&
                         prev.month == 12 && prev.day == 31;

        cr_assert(next_day || next_month || next_year, "day %lld: %d-%d-%d after %d-%d-%d",
                  (long long)n, d.year, d.month, d.day, prev.year, prev.month, prev.day);
        cr_assert_eq(time_date_to_days(d), n, "day %lld", (long long)n);
        prev = d;
    }
}

Test(time, days_to_date_agrees_with_gmtime)
{
    for (int64_t n = -800000; n <= 3000000; n += 997) {
        time_t t = (time_t)(n * 86400);
        struct tm tm;
        struct ts_date d = time_days_to_date(n);

        cr_assert_not_null(gmtime_r(&t, &tm));
        cr_assert(d.year == tm.tm_year + 1900 && d.month == tm.tm_mon + 1 && d.day == tm.tm_mday,
                  "day %lld", (long long)n);
    }
}

/* --- RFC 3339 parsing ------------------------------------------------------------------- */

Test(time, parse_utc_z)
{
    cr_assert_str_eq(parse_ok("2026-11-27T09:30:00Z"), "2026-11-27T09:30:00.000Z");
    cr_assert_str_eq(parse_ok("2026-11-27T09:30:00.000Z"), "2026-11-27T09:30:00.000Z");
}

Test(time, parse_accepts_lowercase_t_and_z_and_space)
{
    cr_assert_str_eq(parse_ok("2026-11-27t09:30:00z"), "2026-11-27T09:30:00.000Z");
    cr_assert_str_eq(parse_ok("2026-11-27 09:30:00Z"), "2026-11-27T09:30:00.000Z");
}

Test(time, parse_returns_epoch_ms)
{
    int64_t ms = 0;
    const char *reason = NULL;

    cr_assert_eq(time_parse_rfc3339("2026-11-27T09:30:00.123Z", &ms, &reason), TIME_OK);
    cr_assert_eq(ms, INT64_C(1795771800123));
    cr_assert_null(reason);
    cr_assert_eq(time_parse_rfc3339("1969-12-31T23:59:59.999Z", &ms, NULL), TIME_OK);
    cr_assert_eq(ms, -1);
}

Test(time, parse_fraction_of_one_to_six_digits)
{
    cr_assert_str_eq(parse_ok("2024-01-01T00:00:00.1Z"), "2024-01-01T00:00:00.100Z");
    cr_assert_str_eq(parse_ok("2024-01-01T00:00:00.12Z"), "2024-01-01T00:00:00.120Z");
    cr_assert_str_eq(parse_ok("2024-01-01T00:00:00.123Z"), "2024-01-01T00:00:00.123Z");
    cr_assert_str_eq(parse_ok("2024-01-01T00:00:00.1234Z"), "2024-01-01T00:00:00.123Z");
    cr_assert_str_eq(parse_ok("2024-01-01T00:00:00.12345Z"), "2024-01-01T00:00:00.123Z");
    cr_assert_str_eq(parse_ok("2024-01-01T00:00:00.123456Z"), "2024-01-01T00:00:00.123Z");
}

Test(time, parse_truncates_fraction_not_rounds)
{
    cr_assert_str_eq(parse_ok("2024-01-01T00:00:00.999999Z"), "2024-01-01T00:00:00.999Z");
    cr_assert_str_eq(parse_ok("1969-12-31T23:59:59.999999Z"), "1969-12-31T23:59:59.999Z");
}

Test(time, parse_seven_fraction_digits_is_invalid)
{
    parse_invalid("2024-01-01T00:00:00.1234567Z",
                  "second fraction value is more than 6 digits long");
}

Test(time, parse_dot_without_digits_is_invalid)
{
    parse_invalid("2024-01-01T00:00:00.Z", "second fraction digits missing after `.`");
}

Test(time, parse_positive_offset_converts_back_across_midnight_into_leap_day)
{
    cr_assert_str_eq(parse_ok("2024-03-01T00:30:00+01:00"), "2024-02-29T23:30:00.000Z");
}

Test(time, parse_negative_offset_converts_forward_across_new_year)
{
    cr_assert_str_eq(parse_ok("2023-12-31T23:30:00.5-01:00"), "2024-01-01T00:30:00.500Z");
}

Test(time, parse_offset_with_minutes)
{
    cr_assert_str_eq(parse_ok("2024-06-01T12:00:00+05:45"), "2024-06-01T06:15:00.000Z");
    cr_assert_str_eq(parse_ok("2024-06-01T12:00:00-09:30"), "2024-06-01T21:30:00.000Z");
    cr_assert_str_eq(parse_ok("2024-06-01T12:00:00+00:00"), "2024-06-01T12:00:00.000Z");
    cr_assert_str_eq(parse_ok("2024-06-01T12:00:00-00:00"), "2024-06-01T12:00:00.000Z");
    cr_assert_str_eq(parse_ok("2024-06-01T12:00:00+23:59"), "2024-05-31T12:01:00.000Z");
}

Test(time, parse_without_offset_is_naive)
{
    int64_t ms = -5;
    const char *reason = "unset";

    cr_assert_eq(time_parse_rfc3339("2024-06-01T12:00:00", &ms, &reason), TIME_NAIVE);
    cr_assert_null(reason);
    cr_assert_eq(time_parse_rfc3339("2024-06-01T12:00:00.123456", &ms, &reason), TIME_NAIVE);
}

Test(time, parse_naive_but_otherwise_broken_is_invalid_not_naive)
{
    parse_invalid("2024-13-01T12:00:00", "month value is outside expected range of 1-12");
}

Test(time, parse_leap_days)
{
    cr_assert_str_eq(parse_ok("2024-02-29T00:00:00Z"), "2024-02-29T00:00:00.000Z");
    cr_assert_str_eq(parse_ok("2000-02-29T00:00:00Z"), "2000-02-29T00:00:00.000Z");
    parse_invalid("2023-02-29T00:00:00Z", "day value is outside expected range");
    parse_invalid("1900-02-29T00:00:00Z", "day value is outside expected range");
}

Test(time, parse_day_out_of_range_for_month)
{
    parse_invalid("2024-04-31T00:00:00Z", "day value is outside expected range");
    parse_invalid("2024-01-32T00:00:00Z", "day value is outside expected range");
    parse_invalid("2024-01-00T00:00:00Z", "day value is outside expected range");
    cr_assert_str_eq(parse_ok("2024-12-31T23:59:59.999Z"), "2024-12-31T23:59:59.999Z");
}

Test(time, parse_month_out_of_range)
{
    parse_invalid("2024-00-10T00:00:00Z", "month value is outside expected range of 1-12");
    parse_invalid("2024-13-10T00:00:00Z", "month value is outside expected range of 1-12");
}

Test(time, parse_time_fields_out_of_range)
{
    parse_invalid("2024-01-01T24:00:00Z", "hour value is outside expected range of 0-23");
    parse_invalid("2024-01-01T23:60:00Z", "minute value is outside expected range of 0-59");
    parse_invalid("2024-01-01T23:59:60Z", "second value is outside expected range of 0-59");
}

Test(time, parse_too_short)
{
    parse_invalid("", "input is too short");
    parse_invalid("2024", "input is too short");
    parse_invalid("2024-01-0", "input is too short");
    parse_invalid("2024-01-01", "input is too short");
    parse_invalid("2024-01-01T10:00", "input is too short");
    parse_invalid("2024-01-01T10:00:0", "input is too short");
}

Test(time, parse_invalid_characters_name_the_field)
{
    parse_invalid("20x4-01-01T00:00:00Z", "invalid character in year");
    parse_invalid("2024-0x-01T00:00:00Z", "invalid character in month");
    parse_invalid("2024-01-x1T00:00:00Z", "invalid character in day");
    parse_invalid("2024-01-01Tx0:00:00Z", "invalid character in hour");
    parse_invalid("2024-01-01T00:x0:00Z", "invalid character in minute");
    parse_invalid("2024-01-01T00:00:x0Z", "invalid character in second");
}

Test(time, parse_bad_separators)
{
    parse_invalid("2024/01/01T00:00:00Z", "invalid date separator, expected `-`");
    parse_invalid("2024-01-01X00:00:00Z", "invalid datetime separator, expected `T`, `t` or space");
    parse_invalid("2024-01-01T00-00-00Z", "invalid time separator, expected `:`");
}

Test(time, parse_bad_offsets)
{
    parse_invalid("2024-01-01T00:00:00X", "invalid timezone sign");
    parse_invalid("2024-01-01T00:00:00 Z", "invalid timezone sign");
    parse_invalid("2024-01-01T00:00:00+x1:00", "invalid timezone hour");
    parse_invalid("2024-01-01T00:00:00+01:x0", "invalid timezone minute");
    parse_invalid("2024-01-01T00:00:00+01", "input is too short");
    parse_invalid("2024-01-01T00:00:00+0100", "invalid time separator, expected `:`");
    parse_invalid("2024-01-01T00:00:00+24:00", "timezone offset must be less than 24 hours");
    parse_invalid("2024-01-01T00:00:00+01:60",
                  "timezone minute value is outside expected range of 0-59");
}

Test(time, parse_extra_characters)
{
    parse_invalid("2024-01-01T00:00:00Zx", "unexpected extra characters at the end of the input");
    parse_invalid("2024-01-01T00:00:00+01:00:00",
                  "unexpected extra characters at the end of the input");
    parse_invalid("2024-01-01T00:00:00Z ", "unexpected extra characters at the end of the input");
}

Test(time, parse_year_zero_is_invalid)
{
    parse_invalid("0000-01-01T00:00:00Z", "year value is outside expected range of 1-9999");
}

Test(time, parse_invalid_leaves_ms_untouched)
{
    int64_t ms = 42;

    cr_assert_eq(time_parse_rfc3339("nope", &ms, NULL), TIME_INVALID);
    cr_assert_eq(ms, 42);
}

/* --- date parsing ----------------------------------------------------------------------- */

Test(time, parse_date_ok)
{
    struct ts_date d;
    const char *reason = "unset";

    cr_assert_eq(time_parse_date("2024-02-29", &d, &reason), 0);
    cr_assert(d.year == 2024 && d.month == 2 && d.day == 29);
    cr_assert_null(reason);
    cr_assert_eq(time_parse_date("0001-01-01", &d, NULL), 0);
    cr_assert_eq(time_parse_date("9999-12-31", &d, NULL), 0);
    cr_assert(d.year == 9999 && d.month == 12 && d.day == 31);
}

Test(time, parse_date_errors)
{
    date_invalid("", "input is too short");
    date_invalid("2024-1-1", "input is too short");
    date_invalid("2O24-01-01", "invalid character in year");
    date_invalid("2024-0a-01", "invalid character in month");
    date_invalid("2024-01-0a", "invalid character in day");
    date_invalid("2024.01.01", "invalid date separator, expected `-`");
    date_invalid("2024-13-01", "month value is outside expected range of 1-12");
    date_invalid("2023-02-29", "day value is outside expected range");
    date_invalid("2024-06-31", "day value is outside expected range");
    date_invalid("0000-06-01", "year value is outside expected range of 1-9999");
    date_invalid("2024-01-01T00:00:00Z", "unexpected extra characters at the end of the input");
    date_invalid("2024-01-01 ", "unexpected extra characters at the end of the input");
}

Test(time, parse_date_failure_leaves_output_untouched)
{
    struct ts_date d = {7, 7, 7};

    cr_assert_eq(time_parse_date("2024-02-30", &d, NULL), -1);
    cr_assert(d.year == 7 && d.month == 7 && d.day == 7);
}

/* --- the fault clock (FAULT_CLOCK_FILE) ----------------------------------------------------- */

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    cr_assert_eq(fclose(f), 0);
}

/* |time_now_ms() - want| in ms. */
static int64_t off_by(int64_t want)
{
    int64_t d = time_now_ms() - want;
    return d < 0 ? -d : d;
}

Test(time, fault_clock_file_sets_stops_or_shifts_the_clock)
{
    char dir[] = "/tmp/ts-clock.XXXXXX", path[64];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/now", dir);
    int64_t real = time_now_ms();

    time_use_fault_clock(path);
    cr_assert_lt(off_by(real), 5000, "no file yet: the system clock");
    write_file(path, "2030-01-02T03:04:05.678Z\n");
    cr_assert_eq(time_now_ms(), INT64_C(1893553445678), "an instant stops the clock there");
    write_file(path, "2030-01-02T05:04:05+02:00");
    cr_assert_eq(time_now_ms(), INT64_C(1893553445000), "offsets are converted");
    write_file(path, "+86400");
    cr_assert_lt(off_by(real + 86400000), 5000, "+N shifts the running clock");
    write_file(path, "-3600\n");
    cr_assert_lt(off_by(real - 3600000), 5000, "-N shifts it back");

    const char *ignored[] = {
        "", "tomorrow", "+", "+-5", "++5", "+5s", "2030-01-02T03:04:05", "+99999999999", "\n"};
    for (size_t i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++) {
        write_file(path, ignored[i]);
        cr_assert_lt(off_by(real), 5000, "'%s' leaves the system clock", ignored[i]);
    }
    unlink(path);
    cr_assert_lt(off_by(real), 5000, "a removed file: the system clock again");
    time_use_fault_clock(NULL);
    cr_assert_lt(off_by(real), 5000);
    rmdir(dir);
}
