/*
 * Clocks, RFC 3339 timestamps and calendar dates (API.md §1.6). Time zones are util/tz.c's.
 *
 * Sections, in order:
 *   1. Clocks.
 *   2. Calendar arithmetic: days since the epoch <-> civil dates, done in integers so no
 *      function here depends on the C library's time zone state (gmtime, mktime, tzset).
 *   3. Formatting.
 *   4. Parsing: dates and RFC 3339 timestamps. Error reasons are the texts pydantic v2 (through
 *      the speedate crate) reports, so 422 messages read like FastAPI's.
 */
#include "util/time.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/str.h"

/* --- 1. Clocks -------------------------------------------------------------------------- */

static int64_t clock_ms(clockid_t id)
{
    struct timespec ts;

    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* FAULT_CLOCK_FILE (time.h): set once at start, before any other thread runs. */
static char fault_clock_path[1024];

void time_use_fault_clock(const char *path)
{
    snprintf(fault_clock_path, sizeof(fault_clock_path), "%s", path != NULL ? path : "");
}

/*
 * The fault clock's reading of the real time `real_ms`: the file is read on every call (a test
 * changes it between two requests and expects the next one to see it; modification times are
 * too coarse to tell two quick writes apart). Anything the file does not say clearly leaves
 * the real clock.
 */
static int64_t fault_clock_ms(int64_t real_ms)
{
    char text[64];
    int fd = open(fault_clock_path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

    if (fd < 0)
        return real_ms;
    ssize_t n = read(fd, text, sizeof(text) - 1);
    close(fd);
    if (n <= 0)
        return real_ms;
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r' || text[n - 1] == ' '))
        n--;
    text[n] = '\0';

    int64_t v;
    if ((text[0] == '+' || text[0] == '-') && str_parse_int64(text + 1, &v) && v >= 0 &&
        v <= INT64_C(3153600000)) /* a shift of at most about a century */
        return real_ms + (text[0] == '-' ? -v : v) * 1000;
    if (time_parse_rfc3339(text, &v, NULL) == TIME_OK)
        return v;
    return real_ms;
}

int64_t time_now_ms(void)
{
    int64_t now = clock_ms(CLOCK_REALTIME);

    return fault_clock_path[0] != '\0' ? fault_clock_ms(now) : now;
}

int64_t time_mono_ms(void)
{
    return clock_ms(CLOCK_MONOTONIC);
}

int64_t time_mono_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void time_cond_init(pthread_cond_t *cv)
{
    pthread_condattr_t attr;

    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(cv, &attr);
    pthread_condattr_destroy(&attr);
}

int time_cond_wait_until(pthread_cond_t *cv, pthread_mutex_t *mu, int64_t deadline_ms)
{
    struct timespec ts = {.tv_sec = (time_t)(deadline_ms / 1000),
                          .tv_nsec = (long)(deadline_ms % 1000) * 1000000L};

    if (deadline_ms == 0) {
        pthread_cond_wait(cv, mu);
        return 0;
    }
    if (time_mono_ms() >= deadline_ms)
        return ETIMEDOUT;
    return pthread_cond_timedwait(cv, mu, &ts) == ETIMEDOUT ? ETIMEDOUT : 0;
}

/* --- 2. Calendar arithmetic ------------------------------------------------------------- */

#define MS_PER_DAY INT64_C(86400000)
#define DAYS_PER_ERA 146097 /* 400 Gregorian years repeat exactly */

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;

    /* C division truncates toward zero; a negative remainder means we rounded up. */
    if (a % b != 0 && (a < 0) != (b < 0))
        q--;
    return q;
}

static bool is_leap(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    if (month == 2 && is_leap(year))
        return 29;
    return days[month - 1];
}

/*
 * Both conversions count years from March: the leap day then ends a year instead of sitting in
 * its middle, so the day of the year follows from the month by one linear formula
 * (153 days per 5 months from March on) and only the era (400 years) needs floor division.
 */
int64_t time_date_to_days(struct ts_date d)
{
    int64_t y = (int64_t)d.year - (d.month <= 2);
    int64_t era = floor_div(y, 400);
    int64_t year_of_era = y - era * 400;      /* 0..399 */
    int64_t march_month = (d.month + 9) % 12; /* March = 0 .. February = 11 */
    int64_t day_of_year = (153 * march_month + 2) / 5 + d.day - 1;
    int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;

    /* 719468 days lie between 0000-03-01 (the start of era 0) and 1970-01-01. */
    return era * DAYS_PER_ERA + day_of_era - 719468;
}

struct ts_date time_days_to_date(int64_t days)
{
    int64_t z = days + 719468;
    int64_t era = floor_div(z, DAYS_PER_ERA);
    int64_t day_of_era = z - era * DAYS_PER_ERA; /* 0..146096 */
    /* Removes the leap days (one per 4 years, none per 100, one per 400) to find the year. */
    int64_t year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    int64_t march_month = (5 * day_of_year + 2) / 153;
    struct ts_date d;

    d.day = (int)(day_of_year - (153 * march_month + 2) / 5 + 1);
    d.month = (int)(march_month < 10 ? march_month + 3 : march_month - 9);
    d.year = (int)(year_of_era + era * 400 + (d.month <= 2));
    return d;
}

/* --- 3. Formatting ---------------------------------------------------------------------- */

/* Writes `value` as exactly `n` decimal digits, zero padded. */
static char *put_digits(char *p, int64_t value, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        p[i] = (char)('0' + value % 10);
        value /= 10;
    }
    return p + n;
}

void time_format_date(struct ts_date d, char out[TIME_DATE_LEN])
{
    char *p = put_digits(out, d.year, 4);

    *p++ = '-';
    p = put_digits(p, d.month, 2);
    *p++ = '-';
    p = put_digits(p, d.day, 2);
    *p = '\0';
}

void time_format_ms(int64_t ms, char out[TIME_RFC3339_LEN])
{
    /* The format has room for years 0001..9999 only; nothing we parse or store lies outside,
     * so an out-of-range value is a bug elsewhere and is clamped rather than overflowing. */
    const int64_t min = time_date_to_days((struct ts_date){1, 1, 1}) * MS_PER_DAY;
    const int64_t max =
        time_date_to_days((struct ts_date){9999, 12, 31}) * MS_PER_DAY + MS_PER_DAY - 1;

    if (ms < min)
        ms = min;
    if (ms > max)
        ms = max;

    int64_t days = floor_div(ms, MS_PER_DAY);
    int64_t in_day = ms - days * MS_PER_DAY; /* 0..86399999 even before the epoch */

    time_format_date(time_days_to_date(days), out);
    char *p = out + 10;
    *p++ = 'T';
    p = put_digits(p, in_day / 3600000, 2);
    *p++ = ':';
    p = put_digits(p, in_day / 60000 % 60, 2);
    *p++ = ':';
    p = put_digits(p, in_day / 1000 % 60, 2);
    *p++ = '.';
    p = put_digits(p, in_day % 1000, 3);
    *p++ = 'Z';
    *p = '\0';
}

/* --- 4. Parsing ------------------------------------------------------------------------- */

#define R_TOO_SHORT "input is too short"
#define R_EXTRA "unexpected extra characters at the end of the input"
#define R_TIME_SEP "invalid time separator, expected `:`"

/* Reads exactly `n` ASCII digits. Stops at the first non-digit, so it never reads past a NUL. */
static bool read_digits(const char *s, int n, int *out)
{
    int value = 0;

    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        value = value * 10 + (s[i] - '0');
    }
    *out = value;
    return true;
}

/* "YYYY-MM-DD" at the start of `s`; returns NULL or the reason it is not a date. */
static const char *parse_date_part(const char *s, struct ts_date *d)
{
    /* Like speedate, a short input is reported as such before its characters are judged. */
    if (strnlen(s, 10) < 10)
        return R_TOO_SHORT;
    if (!read_digits(s, 4, &d->year))
        return "invalid character in year";
    if (s[4] != '-' || s[7] != '-')
        return "invalid date separator, expected `-`";
    if (!read_digits(s + 5, 2, &d->month))
        return "invalid character in month";
    if (!read_digits(s + 8, 2, &d->day))
        return "invalid character in day";
    if (d->year < 1)
        return "year value is outside expected range of 1-9999";
    if (d->month < 1 || d->month > 12)
        return "month value is outside expected range of 1-12";
    if (d->day < 1 || d->day > days_in_month(d->year, d->month))
        return "day value is outside expected range";
    return NULL;
}

int time_parse_date(const char *s, struct ts_date *d, const char **reason)
{
    struct ts_date tmp;
    const char *why = parse_date_part(s, &tmp);

    if (why == NULL && s[10] != '\0')
        why = R_EXTRA;
    if (reason != NULL)
        *reason = why;
    if (why != NULL)
        return -1;
    *d = tmp;
    return 0;
}

/*
 * "HH:MM:SS[.f{1,6}]" at the start of `s`: sets *ms_of_day and *end (the byte after the time)
 * and returns NULL, or returns the reason. Fraction digits past the third are read and dropped,
 * which truncates to milliseconds as §1.6 asks.
 */
static const char *parse_time_part(const char *s, int64_t *ms_of_day, const char **end)
{
    int h, m, sec, frac_ms = 0, n = 0;

    if (strnlen(s, 8) < 8)
        return R_TOO_SHORT;
    if (!read_digits(s, 2, &h))
        return "invalid character in hour";
    if (s[2] != ':' || s[5] != ':')
        return R_TIME_SEP;
    if (!read_digits(s + 3, 2, &m))
        return "invalid character in minute";
    if (!read_digits(s + 6, 2, &sec))
        return "invalid character in second";
    if (h > 23)
        return "hour value is outside expected range of 0-23";
    if (m > 59)
        return "minute value is outside expected range of 0-59";
    if (sec > 59)
        return "second value is outside expected range of 0-59";
    s += 8;
    if (*s == '.') {
        for (s++; *s >= '0' && *s <= '9'; s++, n++) {
            if (n < 3)
                frac_ms = frac_ms * 10 + (*s - '0');
        }
        if (n == 0)
            return "second fraction digits missing after `.`";
        if (n > 6)
            return "second fraction value is more than 6 digits long";
        for (; n < 3; n++)
            frac_ms *= 10;
    }
    *ms_of_day = ((int64_t)h * 3600 + m * 60 + sec) * 1000 + frac_ms;
    *end = s;
    return NULL;
}

/*
 * The offset at `s`: "Z", "z" or "±HH:MM", setting *offset_min (east of UTC is positive) and
 * *end; an empty `s` sets *has_offset false. Returns NULL or the reason.
 */
static const char *parse_offset(const char *s, int *offset_min, bool *has_offset, const char **end)
{
    int h, m;

    *has_offset = *s != '\0';
    *offset_min = 0;
    *end = s;
    if (*s == '\0')
        return NULL;
    if (*s == 'Z' || *s == 'z') {
        *end = s + 1;
        return NULL;
    }
    if (*s != '+' && *s != '-')
        return "invalid timezone sign";
    if (!read_digits(s + 1, 2, &h))
        return "invalid timezone hour";
    if (s[3] == '\0')
        return R_TOO_SHORT;
    if (s[3] != ':')
        return R_TIME_SEP;
    if (!read_digits(s + 4, 2, &m))
        return "invalid timezone minute";
    if (h > 23)
        return "timezone offset must be less than 24 hours";
    if (m > 59)
        return "timezone minute value is outside expected range of 0-59";
    *offset_min = (*s == '-' ? -1 : 1) * (h * 60 + m);
    *end = s + 6;
    return NULL;
}

/* A naive timestamp also gets *ms, read as UTC; callers reject it anyway (timezone_aware). */
int time_parse_rfc3339(const char *s, int64_t *ms, const char **reason)
{
    struct ts_date d;
    int64_t ms_of_day = 0;
    int offset_min = 0;
    bool has_offset = false;
    const char *p = s;
    const char *why = parse_date_part(s, &d);

    if (why == NULL && s[10] == '\0')
        why = R_TOO_SHORT;
    else if (why == NULL && s[10] != 'T' && s[10] != 't' && s[10] != ' ')
        why = "invalid datetime separator, expected `T`, `t` or space";
    if (why == NULL)
        why = parse_time_part(s + 11, &ms_of_day, &p);
    if (why == NULL)
        why = parse_offset(p, &offset_min, &has_offset, &p);
    if (why == NULL && *p != '\0')
        why = R_EXTRA;
    if (reason != NULL)
        *reason = why;
    if (why != NULL)
        return TIME_INVALID;
    *ms = time_date_to_days(d) * MS_PER_DAY + ms_of_day - (int64_t)offset_min * 60000;
    return has_offset ? TIME_OK : TIME_NAIVE;
}

json_t *time_to_json(int64_t ms)
{
    char text[TIME_RFC3339_LEN];

    if (ms == 0)
        return json_null();
    time_format_ms(ms, text);
    return json_string(text);
}

int time_json_member(struct buf *b, const char *key, int64_t ms)
{
    char text[TIME_RFC3339_LEN];

    if (ms == 0)
        return buf_printf(b, ",\"%s\":null", key);
    time_format_ms(ms, text);
    return buf_printf(b, ",\"%s\":\"%s\"", key, text);
}
