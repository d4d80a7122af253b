/*
 * Unit tests for util/tz.c: offsets and local days in real zones of the system's tz database
 * (exact transition instants taken from zdump), zone names, synthetic TZif files (valid and
 * damaged) in a private TZDIR, many threads at once, and a cross-check of every zone against
 * glibc's localtime_r() from 1800 to 2500.
 *
 * TZDIR is read once per process. Criterion runs each test in its own process, so the tests
 * that set it (suite tz_file) get their own directory; tz_file.tzdir_is_this_tests_own checks
 * that this still holds.
 */
#include <criterion/criterion.h>

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/time.h"
#include "util/tz.h"

/* --- helpers ------------------------------------------------------------------------------ */

#define H 3600
#define TZ_NAME_LEN 64 /* longer than any name in the tz database */

/* Seconds since the epoch of a UTC date and time. */
static int64_t utc(int y, int mo, int d, int h, int mi, int s)
{
    return time_date_to_days((struct ts_date){y, mo, d}) * 86400 + h * 3600 + mi * 60 + s;
}

static const struct tz_zone *zone(const char *name)
{
    const struct tz_zone *z = tz_get(name);

    cr_assert_not_null(z, "zone %s does not load", name);
    return z;
}

static int32_t offset(const char *name, int64_t t)
{
    return tz_offset_at(zone(name), t);
}

/* Expects the offset to be `before` one second ahead of `t` and `after` from `t` on. */
static void expect_change(const char *name, int64_t t, int32_t before, int32_t after)
{
    cr_assert_eq(offset(name, t - 1), before, "%s at %lld - 1: %d", name, (long long)t,
                 offset(name, t - 1));
    cr_assert_eq(offset(name, t), after, "%s at %lld: %d", name, (long long)t, offset(name, t));
}

/* The local date at `ms` in `name`, as "YYYY-MM-DD". */
static const char *local_date(const char *name, int64_t ms)
{
    static char out[TIME_DATE_LEN];

    time_format_date(time_days_to_date(tz_local_day(zone(name), ms)), out);
    return out;
}

/* --- transitions in real zones ------------------------------------------------------------ */

Test(tz, berlin_changes_at_0100_utc)
{
    expect_change("Europe/Berlin", utc(2026, 3, 29, 1, 0, 0), 1 * H, 2 * H);
    expect_change("Europe/Berlin", utc(2026, 10, 25, 1, 0, 0), 2 * H, 1 * H);
}

Test(tz, new_york_changes_at_2am_local)
{
    expect_change("America/New_York", utc(2026, 3, 8, 7, 0, 0), -5 * H, -4 * H);
    expect_change("America/New_York", utc(2026, 11, 1, 6, 0, 0), -4 * H, -5 * H);
}

Test(tz, sydney_has_summer_time_across_new_year)
{
    expect_change("Australia/Sydney", utc(2026, 4, 4, 16, 0, 0), 11 * H, 10 * H);
    expect_change("Australia/Sydney", utc(2026, 10, 3, 16, 0, 0), 10 * H, 11 * H);
    cr_assert_eq(offset("Australia/Sydney", utc(2027, 1, 1, 0, 0, 0)), 11 * H);
}

Test(tz, lord_howe_moves_by_half_an_hour)
{
    expect_change("Australia/Lord_Howe", utc(2026, 4, 4, 15, 0, 0), 11 * H, 10 * H + 1800);
    expect_change("Australia/Lord_Howe", utc(2026, 10, 3, 15, 30, 0), 10 * H + 1800, 11 * H);
}

Test(tz, fractional_hour_zones)
{
    cr_assert_eq(offset("Asia/Kolkata", utc(2026, 6, 1, 0, 0, 0)), 5 * H + 1800);
    cr_assert_eq(offset("Asia/Kathmandu", utc(2026, 6, 1, 0, 0, 0)), 5 * H + 2700);
    expect_change("Asia/Kathmandu", utc(1985, 12, 31, 18, 30, 0), 5 * H + 1800, 5 * H + 2700);
}

Test(tz, kiritimati_jumps_across_the_date_line)
{
    expect_change("Pacific/Kiritimati", utc(1994, 12, 31, 10, 0, 0), -10 * H, 14 * H);
    cr_assert_eq(offset("Pacific/Kiritimati", utc(2026, 6, 1, 0, 0, 0)), 14 * H);
    cr_assert_str_eq(local_date("Pacific/Kiritimati", utc(1994, 12, 31, 9, 59, 59) * 1000),
                     "1994-12-30");
    cr_assert_str_eq(local_date("Pacific/Kiritimati", utc(1994, 12, 31, 10, 0, 0) * 1000),
                     "1995-01-01");
}

Test(tz, apia_skips_2011_12_30)
{
    expect_change("Pacific/Apia", utc(2011, 12, 30, 10, 0, 0), -10 * H, 14 * H);
    cr_assert_str_eq(local_date("Pacific/Apia", utc(2011, 12, 30, 9, 59, 59) * 1000), "2011-12-29");
    cr_assert_str_eq(local_date("Pacific/Apia", utc(2011, 12, 30, 10, 0, 0) * 1000), "2011-12-31");
}

Test(tz, pago_pago_is_eleven_hours_behind)
{
    cr_assert_eq(offset("Pacific/Pago_Pago", utc(2026, 1, 1, 0, 0, 0)), -11 * H);
    cr_assert_eq(offset("Pacific/Pago_Pago", utc(2026, 7, 1, 0, 0, 0)), -11 * H);
}

/* Dublin's file calls winter the daylight-saving time (negative DST, footer
 * "IST-1GMT0,M10.5.0,M3.5.0/1"); the offsets are those of London. */
Test(tz, dublin_negative_dst_gives_plain_offsets)
{
    expect_change("Europe/Dublin", utc(2026, 3, 29, 1, 0, 0), 0, 1 * H);
    expect_change("Europe/Dublin", utc(2026, 10, 25, 1, 0, 0), 1 * H, 0);
    expect_change("Europe/Dublin", utc(2040, 3, 25, 1, 0, 0), 0, 1 * H); /* footer */
    expect_change("Europe/Dublin", utc(2040, 10, 28, 1, 0, 0), 1 * H, 0);
}

/* Nuuk's rule times are "-1" and "0" (<-02>2<-01>,M3.5.0/-1,M10.5.0/0); 2040 is past the
 * file's table, so the footer answers. */
Test(tz, nuuk_negative_rule_times)
{
    expect_change("America/Nuuk", utc(2026, 3, 29, 1, 0, 0), -2 * H, -1 * H);
    expect_change("America/Nuuk", utc(2026, 10, 25, 1, 0, 0), -1 * H, -2 * H);
    expect_change("America/Nuuk", utc(2040, 3, 25, 1, 0, 0), -2 * H, -1 * H);
    expect_change("America/Nuuk", utc(2040, 10, 28, 1, 0, 0), -1 * H, -2 * H);
}

Test(tz, far_past_is_local_mean_time)
{
    cr_assert_eq(offset("Europe/Berlin", utc(1800, 6, 1, 0, 0, 0)), 3208); /* +0:53:28 */
    cr_assert_eq(offset("America/New_York", utc(1800, 6, 1, 0, 0, 0)), -17762);
    cr_assert_eq(offset("Asia/Kolkata", utc(1800, 6, 1, 0, 0, 0)), 21208);
}

Test(tz, far_future_follows_the_footer)
{
    cr_assert_eq(offset("Europe/Berlin", utc(2200, 7, 1, 12, 0, 0)), 2 * H);
    cr_assert_eq(offset("Europe/Berlin", utc(2200, 1, 15, 12, 0, 0)), 1 * H);
    cr_assert_eq(offset("Europe/Berlin", utc(2400, 7, 1, 12, 0, 0)), 2 * H);
    cr_assert_eq(offset("Europe/Berlin", utc(2400, 12, 1, 12, 0, 0)), 1 * H);
    cr_assert_eq(offset("Australia/Sydney", utc(2200, 1, 15, 12, 0, 0)), 11 * H);
    cr_assert_eq(offset("Australia/Sydney", utc(2400, 1, 15, 12, 0, 0)), 11 * H);
    cr_assert_eq(offset("Australia/Sydney", utc(2400, 7, 15, 12, 0, 0)), 10 * H);
    /* 2400-03-26 is the last Sunday of March: the change is at 01:00 UTC. */
    expect_change("Europe/Berlin", utc(2400, 3, 26, 1, 0, 0), 1 * H, 2 * H);
}

Test(tz, any_int64_instant_has_an_offset)
{
    const int64_t extremes[] = {INT64_MIN, INT64_MIN + 1, -(INT64_C(1) << 59), INT64_MAX - 1,
                                INT64_MAX};

    for (size_t i = 0; i < sizeof(extremes) / sizeof(extremes[0]); i++) {
        int32_t berlin = offset("Europe/Berlin", extremes[i]);
        int32_t sydney = offset("Australia/Sydney", extremes[i]);

        cr_assert(berlin == 3208 || berlin == 1 * H || berlin == 2 * H, "%d", berlin);
        cr_assert(sydney > 9 * H && sydney <= 11 * H, "%d", sydney);
        (void)tz_local_day(zone("Europe/Berlin"), extremes[i]);
    }
}

/* --- local days --------------------------------------------------------------------------- */

/* The last millisecond of a local day and the first of the next, per zone. */
Test(tz, local_day_turns_at_local_midnight)
{
    const struct {
        const char *zone;
        int64_t midnight; /* UTC seconds of the local midnight that starts `after` */
        const char *before, *after;
    } cases[] = {
        {"Asia/Kolkata", utc(2026, 12, 5, 18, 30, 0), "2026-12-05", "2026-12-06"},
        {"America/New_York", utc(2026, 12, 6, 5, 0, 0), "2026-12-05", "2026-12-06"},
        {"Pacific/Pago_Pago", utc(2026, 1, 1, 11, 0, 0), "2025-12-31", "2026-01-01"},
        {"Pacific/Kiritimati", utc(2025, 12, 31, 10, 0, 0), "2025-12-31", "2026-01-01"},
        {"Australia/Sydney", utc(2026, 1, 4, 13, 0, 0), "2026-01-04", "2026-01-05"},
        {"Europe/Berlin", utc(2026, 6, 30, 22, 0, 0), "2026-06-30", "2026-07-01"},
        {"UTC", utc(2026, 1, 5, 0, 0, 0), "2026-01-04", "2026-01-05"},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t ms = cases[i].midnight * 1000;

        cr_assert_str_eq(local_date(cases[i].zone, ms - 1), cases[i].before, "%s", cases[i].zone);
        cr_assert_str_eq(local_date(cases[i].zone, ms), cases[i].after, "%s", cases[i].zone);
    }
}

Test(tz, local_day_before_1970_rounds_down)
{
    cr_assert_eq(tz_local_day(zone("UTC"), -1), -1);
    cr_assert_eq(tz_local_day(zone("UTC"), -86400000), -1);
    cr_assert_eq(tz_local_day(zone("UTC"), -86400001), -2);
    /* 1969-12-31T23:30Z: already 1970 in Berlin, still 1969 in New York. */
    cr_assert_eq(tz_local_day(zone("Europe/Berlin"), -1800 * 1000), 0);
    cr_assert_eq(tz_local_day(zone("America/New_York"), -1800 * 1000), -1);
    cr_assert_str_eq(local_date("Europe/Berlin", utc(1950, 6, 30, 23, 0, 0) * 1000), "1950-07-01");
    cr_assert_str_eq(local_date("Europe/Berlin", utc(1950, 6, 30, 22, 59, 59) * 1000 + 500),
                     "1950-06-30");
}

/* --- names -------------------------------------------------------------------------------- */

Test(tz, known_zones)
{
    cr_assert(tz_is_known("UTC")); /* a symlink on Debian */
    cr_assert(tz_is_known("Europe/Berlin"));
    cr_assert(tz_is_known("America/Argentina/Buenos_Aires"));
    cr_assert(tz_is_known("Etc/GMT+5"));
    cr_assert(tz_is_known("Etc/GMT-14"));
    cr_assert_eq(offset("Etc/GMT+5", 0), -5 * H); /* POSIX signs: "GMT+5" is west */
}

Test(tz, a_name_maps_to_one_zone)
{
    const struct tz_zone *z = zone("Europe/Berlin");

    cr_assert_eq(tz_get("Europe/Berlin"), z);
    cr_assert_eq(tz_get("Europe/Berlin"), z);
}

Test(tz, zone_names_are_case_sensitive)
{
    cr_assert_not(tz_is_known("europe/berlin"));
    cr_assert_not(tz_is_known("utc"));
}

Test(tz, zone_names_cannot_leave_the_database)
{
    cr_assert_not(tz_is_known("../etc/passwd"));
    cr_assert_not(tz_is_known("../../etc/passwd"));
    cr_assert_not(tz_is_known("Europe/../../etc/passwd"));
    cr_assert_not(tz_is_known("Europe/../Europe/Berlin"));
    cr_assert_not(tz_is_known("./UTC"));
    cr_assert_not(tz_is_known("/usr/share/zoneinfo/UTC"));
    cr_assert_not(tz_is_known("/etc/passwd"));
}

/* A C string ends at its first NUL; names with an embedded NUL do not reach this far (jansson
 * refuses "\u0000" in request bodies). */
Test(tz, zone_name_syntax_is_strict)
{
    char long_name[300];

    cr_assert_null(tz_get(NULL));
    cr_assert_not(tz_is_known(NULL));
    cr_assert_not(tz_is_known(""));
    cr_assert_not(tz_is_known("Europe//Berlin"));
    cr_assert_not(tz_is_known("Europe/Berlin/"));
    cr_assert_not(tz_is_known("Europe/Berlin "));
    cr_assert_not(tz_is_known(" Europe/Berlin"));
    cr_assert_not(tz_is_known("Europe/Berlin\n"));
    cr_assert_not(tz_is_known("Europe/Ber lin"));
    cr_assert_not(tz_is_known("Europe\\Berlin"));
    cr_assert_not(tz_is_known("Europe/Berlin\xc3\xa4"));
    memset(long_name, 'A', sizeof(long_name) - 1);
    long_name[sizeof(long_name) - 1] = '\0';
    cr_assert_not(tz_is_known(long_name));
}

Test(tz, non_zone_files_are_unknown)
{
    cr_assert_not(tz_is_known("localtime"));
    cr_assert_not(tz_is_known("posixrules"));
    cr_assert_not(tz_is_known("Europe"));      /* a directory */
    cr_assert_not(tz_is_known("leapseconds")); /* text files */
    cr_assert_not(tz_is_known("zone.tab"));
    cr_assert_not(tz_is_known("tzdata.zi"));
    cr_assert_not(tz_is_known("Mars/Olympus_Mons"));
}

/* Their instants count leap seconds; see util/tz.h. */
Test(tz, leap_second_zones_are_unknown)
{
    struct stat st;

    if (stat("/usr/share/zoneinfo/right/Europe/Berlin", &st) != 0)
        cr_skip_test("no right/ tree in this tz database");
    cr_assert_not(tz_is_known("right/Europe/Berlin"));
}

/* --- synthetic TZif files in a private TZDIR ---------------------------------------------- */

/* A zone to write: type i has the abbreviation "AAA", "BBB", ... at index 4 * i. */
struct fake {
    char version; /* 0 for a version 1 file, else '2', '3' or '4' */
    int ntimes;
    int64_t times[4];
    uint8_t idx[4];
    int ntypes;
    int32_t offs[4];
    int nleaps;
    bool indicators;    /* standard/wall and UT/local indicators, all 0 */
    const char *footer; /* version 2+ */
};

/* The bytes of a file; `v2` is where the version 2+ header starts. */
struct image {
    uint8_t b[4096];
    size_t n;
    size_t v2;
};

/* Header size and field offsets (RFC 8536 section 3.1). */
#define HEADER_BYTES 44
enum { F_ISUT = 20, F_ISSTD = 24, F_LEAP = 28, F_TIME = 32, F_TYPE = 36, F_CHAR = 40 };

static const struct fake good = {
    .version = '2',
    .ntimes = 3,
    .times = {0, 1000000, 2000000},
    .idx = {1, 2, 1},
    .ntypes = 3,
    .offs = {1000, 1 * H, 2 * H},
    .indicators = true,
    .footer = "BBB-1CCC,M3.5.0,M10.5.0/3",
};

static void put(struct image *im, uint64_t v, int bytes)
{
    for (int i = bytes - 1; i >= 0; i--)
        im->b[im->n++] = (uint8_t)(v >> (8 * i));
}

static void put_block(struct image *im, const struct fake *f, int time_len)
{
    int ind = f->indicators ? f->ntypes : 0;

    memcpy(im->b + im->n, "TZif", 4);
    im->n += 4;
    put(im, (uint8_t)f->version, 1);
    for (int i = 0; i < 15; i++)
        put(im, 0, 1);
    put(im, ind, 4);
    put(im, ind, 4);
    put(im, f->nleaps, 4);
    put(im, f->ntimes, 4);
    put(im, f->ntypes, 4);
    put(im, 4 * f->ntypes, 4);
    for (int i = 0; i < f->ntimes; i++)
        put(im, (uint64_t)f->times[i], time_len);
    for (int i = 0; i < f->ntimes; i++)
        put(im, f->idx[i], 1);
    for (int i = 0; i < f->ntypes; i++) {
        put(im, (uint32_t)f->offs[i], 4);
        put(im, 0, 1);
        put(im, 4 * i, 1);
    }
    for (int i = 0; i < f->ntypes; i++) {
        memset(im->b + im->n, 'A' + i, 3);
        im->b[im->n + 3] = '\0';
        im->n += 4;
    }
    for (int i = 0; i < f->nleaps; i++) {
        put(im, 78796800 + i * 15724800, time_len); /* 1972-07-01, then half-yearly */
        put(im, i + 1, 4);
    }
    for (int i = 0; i < 2 * ind; i++)
        put(im, 0, 1);
}

static void build(struct image *im, const struct fake *f)
{
    im->n = 0;
    put_block(im, f, 4);
    im->v2 = im->n;
    if (f->version == 0)
        return;
    put_block(im, f, 8);
    put(im, '\n', 1);
    memcpy(im->b + im->n, f->footer, strlen(f->footer));
    im->n += strlen(f->footer);
    put(im, '\n', 1);
}

/* Overwrites `bytes` bytes at `at` with `v`, big-endian. */
static void patch(struct image *im, size_t at, uint64_t v, int bytes)
{
    size_t n = im->n;

    im->n = at;
    put(im, v, bytes);
    im->n = n;
}

static char fake_dir[] = "/tmp/ts_tzdir_XXXXXX";

static void write_bytes(const char *name, const void *data, size_t len)
{
    char path[256];

    snprintf(path, sizeof(path), "%s/%s", fake_dir, name);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "%s", path);
    cr_assert_eq(fwrite(data, 1, len, f), len);
    cr_assert_eq(fclose(f), 0);
}

static void write_zone(const char *name, const struct image *im)
{
    write_bytes(name, im->b, im->n);
}

static void write_fake(const char *name, const struct fake *f)
{
    struct image im;

    build(&im, f);
    write_zone(name, &im);
}

static void fake_tzdir_setup(void)
{
    cr_assert_not_null(mkdtemp(fake_dir));
    /* Read once per process, at the first load: Criterion runs each test in its own. */
    setenv("TZDIR", fake_dir, 1);
}

static void remove_tree(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *e;
    char sub[512];

    while (d != NULL && (e = readdir(d)) != NULL) {
        struct stat st;
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
        if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
            remove_tree(sub);
        else
            unlink(sub);
    }
    if (d != NULL)
        closedir(d);
    rmdir(path);
}

static void fake_tzdir_teardown(void)
{
    remove_tree(fake_dir);
}

TestSuite(tz_file, .init = fake_tzdir_setup, .fini = fake_tzdir_teardown);

Test(tz_file, tzdir_is_this_tests_own)
{
    write_fake("Zone", &good);
    cr_assert(tz_is_known("Zone"));
    cr_assert_not(tz_is_known("Europe/Berlin"));
}

Test(tz_file, version_2_uses_table_then_footer)
{
    write_fake("Good", &good);
    const struct tz_zone *z = zone("Good");

    cr_assert_eq(tz_offset_at(z, INT64_MIN), 1000); /* time type 0 before the first */
    cr_assert_eq(tz_offset_at(z, -1), 1000);
    cr_assert_eq(tz_offset_at(z, 0), 1 * H);
    cr_assert_eq(tz_offset_at(z, 999999), 1 * H);
    cr_assert_eq(tz_offset_at(z, 1000000), 2 * H);
    cr_assert_eq(tz_offset_at(z, 1999999), 2 * H);
    cr_assert_eq(tz_offset_at(z, 2000000), 1 * H); /* the footer, in January 1970 */
    cr_assert_eq(tz_offset_at(z, utc(2026, 7, 1, 0, 0, 0)), 2 * H);
    cr_assert_eq(tz_offset_at(z, utc(2026, 12, 1, 0, 0, 0)), 1 * H);
}

Test(tz_file, versions_3_and_4_read_the_same)
{
    struct fake f = good;

    f.version = '3';
    write_fake("V3", &f);
    f.version = '4';
    write_fake("V4", &f);
    cr_assert_eq(tz_offset_at(zone("V3"), utc(2026, 7, 1, 0, 0, 0)), 2 * H);
    cr_assert_eq(tz_offset_at(zone("V4"), 1000000), 2 * H);
}

Test(tz_file, version_1_keeps_the_last_type)
{
    struct fake f = good;

    f.version = 0;
    write_fake("V1", &f);
    cr_assert_eq(tz_offset_at(zone("V1"), -1), 1000);
    cr_assert_eq(tz_offset_at(zone("V1"), 1000000), 2 * H);
    cr_assert_eq(tz_offset_at(zone("V1"), utc(2026, 7, 1, 0, 0, 0)), 1 * H);
}

/* The version 1 block of a version 2+ file is skipped, whatever its 32-bit data says. */
Test(tz_file, version_2_ignores_the_version_1_data)
{
    struct image im;

    build(&im, &good);
    patch(&im, HEADER_BYTES + 3 * 4 + 1, 7, 1); /* v1: the second transition's type index */
    write_zone("Skip", &im);
    cr_assert_eq(tz_offset_at(zone("Skip"), 1000000), 2 * H);
}

Test(tz_file, empty_footer_keeps_the_last_type)
{
    struct fake f = good;

    f.idx[2] = 2;
    f.footer = "";
    write_fake("Empty", &f);
    cr_assert_eq(tz_offset_at(zone("Empty"), utc(2026, 12, 1, 0, 0, 0)), 2 * H);
    cr_assert_eq(tz_offset_at(zone("Empty"), INT64_MAX), 2 * H);
}

/* A zone without transitions, all of it in the footer. */
static const struct tz_zone *footer_zone(const char *name, const char *footer)
{
    struct fake f = {.version = '2', .ntypes = 1, .offs = {0}, .footer = footer};

    write_fake(name, &f);
    return zone(name);
}

static void expect_footer_change(const struct tz_zone *z, int64_t t, int32_t before, int32_t after)
{
    cr_assert_eq(tz_offset_at(z, t - 1), before, "at %lld - 1", (long long)t);
    cr_assert_eq(tz_offset_at(z, t), after, "at %lld", (long long)t);
}

Test(tz_file, footer_without_transitions_rules_everywhere)
{
    const struct tz_zone *z = footer_zone("Fixed", "<+0530>-5:30");

    cr_assert_eq(tz_offset_at(z, INT64_MIN), 5 * H + 1800);
    cr_assert_eq(tz_offset_at(z, INT64_MAX), 5 * H + 1800);
    cr_assert_eq(tz_offset_at(footer_zone("West", "<-0930>9:30"), 0), -9 * H - 1800);
    cr_assert_eq(tz_offset_at(footer_zone("Secs", "LMT-0:53:28"), 0), 3208);
    cr_assert_eq(tz_offset_at(footer_zone("Plus", "ABC+3"), 0), -3 * H);
}

Test(tz_file, footer_rules_north_south_and_negative)
{
    const struct tz_zone *cet = footer_zone("Cet", "CET-1CEST,M3.5.0,M10.5.0/3");
    const struct tz_zone *syd = footer_zone("Syd", "AEST-10AEDT,M10.1.0,M4.1.0/3");
    const struct tz_zone *dub = footer_zone("Dub", "IST-1GMT0,M10.5.0,M3.5.0/1");
    const struct tz_zone *nuuk = footer_zone("Nuuk", "<-02>2<-01>,M3.5.0/-1,M10.5.0/0");
    const struct tz_zone *lhi = footer_zone("Lhi", "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0");

    expect_footer_change(cet, utc(2026, 3, 29, 1, 0, 0), 1 * H, 2 * H);
    expect_footer_change(cet, utc(2026, 10, 25, 1, 0, 0), 2 * H, 1 * H);
    expect_footer_change(syd, utc(2026, 4, 4, 16, 0, 0), 11 * H, 10 * H);
    expect_footer_change(syd, utc(2026, 10, 3, 16, 0, 0), 10 * H, 11 * H);
    cr_assert_eq(tz_offset_at(syd, utc(2027, 1, 1, 0, 0, 0)), 11 * H);
    expect_footer_change(dub, utc(2026, 3, 29, 1, 0, 0), 0, 1 * H);
    expect_footer_change(dub, utc(2026, 10, 25, 1, 0, 0), 1 * H, 0);
    expect_footer_change(nuuk, utc(2040, 3, 25, 1, 0, 0), -2 * H, -1 * H);
    expect_footer_change(nuuk, utc(2040, 10, 28, 1, 0, 0), -1 * H, -2 * H);
    expect_footer_change(lhi, utc(2026, 4, 4, 15, 0, 0), 11 * H, 10 * H + 1800);
    expect_footer_change(lhi, utc(2026, 10, 3, 15, 30, 0), 10 * H + 1800, 11 * H);
}

/* Israel changes at "26" hours: 02:00 on the Friday after the fourth Thursday of March. */
Test(tz_file, footer_rule_times_past_24_hours)
{
    const struct tz_zone *z = footer_zone("Isr", "IST-2IDT,M3.4.4/26,M10.5.0");

    expect_footer_change(z, utc(2040, 3, 23, 0, 0, 0), 2 * H, 3 * H);
    expect_footer_change(z, utc(2040, 10, 27, 23, 0, 0), 3 * H, 2 * H);
    /* 167 hours after 2026-03-01 00:00, 167 before 2026-11-01 00:00 daylight time. */
    z = footer_zone("Far", "AAA0BBB,M3.1.0/167,M11.1.0/-167");
    expect_footer_change(z, utc(2026, 3, 7, 23, 0, 0), 0, 1 * H);
    expect_footer_change(z, utc(2026, 10, 25, 0, 0, 0), 1 * H, 0);
}

/* "EST5EDT,0/0,J365/25": daylight time from January 1 00:00 to December 31 25:00, which is
 * the next January 1 00:00 of standard time: no standard time at all, year boundaries too. */
Test(tz_file, footer_daylight_time_all_year)
{
    const struct tz_zone *z = footer_zone("AllYear", "EST5EDT,0/0,J365/25");
    const int64_t instants[] = {utc(2026, 1, 1, 0, 0, 0),    utc(2026, 1, 1, 4, 59, 59),
                                utc(2026, 1, 1, 5, 0, 0),    utc(2026, 7, 1, 0, 0, 0),
                                utc(2024, 12, 31, 23, 0, 0), utc(2025, 1, 1, 4, 59, 59),
                                utc(2025, 1, 1, 5, 0, 0),    utc(2400, 1, 1, 5, 0, 0),
                                utc(1900, 1, 1, 5, 0, 0),    utc(2024, 12, 31, 5, 0, 0)};

    for (size_t i = 0; i < sizeof(instants) / sizeof(instants[0]); i++)
        cr_assert_eq(tz_offset_at(z, instants[i]), -4 * H, "at %lld", (long long)instants[i]);
}

/* "Jn" never counts February 29, "n" does. */
Test(tz_file, footer_julian_and_zero_based_days)
{
    const struct tz_zone *j = footer_zone("Jul", "AAA0BBB,J60/0,J61/0");
    const struct tz_zone *n = footer_zone("Zero", "AAA0BBB,59/0,60/0");

    cr_assert_eq(tz_offset_at(j, utc(2024, 2, 29, 12, 0, 0)), 0);
    cr_assert_eq(tz_offset_at(j, utc(2024, 3, 1, 12, 0, 0)), 1 * H);
    cr_assert_eq(tz_offset_at(j, utc(2023, 3, 1, 12, 0, 0)), 1 * H);
    cr_assert_eq(tz_offset_at(j, utc(2023, 3, 2, 12, 0, 0)), 0);
    cr_assert_eq(tz_offset_at(n, utc(2024, 2, 29, 12, 0, 0)), 1 * H);
    cr_assert_eq(tz_offset_at(n, utc(2024, 3, 1, 12, 0, 0)), 0);
    cr_assert_eq(tz_offset_at(n, utc(2023, 3, 1, 12, 0, 0)), 1 * H);
}

/* Week 5 is the last such weekday of the month, whether the month has four or five. */
Test(tz_file, footer_week_5_is_the_last)
{
    const struct tz_zone *z = footer_zone("Last", "AAA0BBB,M2.5.0/0,M3.1.0/0");

    /* February 2026 has four Sundays (the last on the 22nd), February 2032 five (the 29th). */
    expect_footer_change(z, utc(2026, 2, 22, 0, 0, 0), 0, 1 * H);
    expect_footer_change(z, utc(2032, 2, 29, 0, 0, 0), 0, 1 * H);
}

Test(tz_file, valid_footers_load)
{
    const char *footers[] = {"UTC0",
                             "<-00>0",
                             "<+1245>-12:45<+1345>,M9.5.0/2:45,M4.1.0/3:45",
                             "EET-2EEST,M3.4.4/50,M10.4.4/50",
                             "AAA3:30:15BBB2,M3.2.0/-167,M11.1.0/167",
                             "AAA-24BBB+24:59:59,J1/0:1,365/-0:0:1",
                             "<A1+>-1<B-2>,M12.5.6,M1.1.0"};
    char name[32];

    for (size_t i = 0; i < sizeof(footers) / sizeof(footers[0]); i++) {
        snprintf(name, sizeof(name), "Ok%zu", i);
        footer_zone(name, footers[i]);
    }
}

Test(tz_file, bad_footers_make_the_zone_unknown)
{
    const char *footers[] = {
        "CET", /* no offset */
        "-1",
        "CE-1", /* names have three or more characters */
        "<+0>-1",
        "<>0",
        "<+05",
        "<+05>",
        "CET+-1",
        "CET-25", /* offsets up to 24 hours */
        "CET-1:60",
        "CET-1:5:5:5",
        "CET-1 ",
        "CET-1CEST", /* daylight time without rules */
        "CET-1CEST-",
        "CET-1CEST,M3.5.0", /* one rule */
        "CET-1CEST,M13.5.0,M10.5.0",
        "CET-1CEST,M3.6.0,M10.5.0",
        "CET-1CEST,M3.0.0,M10.5.0",
        "CET-1CEST,M3.5.7,M10.5.0",
        "CET-1CEST,M3.5,M10.5.0",
        "CET-1CEST,J0,J365", /* Jn starts at 1 */
        "CET-1CEST,J366,J1",
        "CET-1CEST,366,0",              /* n ends at 365 */
        "CET-1CEST,M3.5.0/168,M10.5.0", /* rule times up to 167 hours */
        "CET-1CEST,M3.5.0,M10.5.0/3x",
        "CET-1CEST,M3.5.0,M10.5.0,",
        "CET-1CEST,M3.5.0,M10.5.0/",
        "CET-1CEST,M3.5.0,,M10.5.0",
        "CET-1CEST,M3.5.0,M10.5.0\x01",
        "CET-1CEST,M3.5.0,M10.5.0\nmore", /* a third line */
    };

    for (size_t i = 0; i < sizeof(footers) / sizeof(footers[0]); i++) {
        struct fake f = good;

        f.footer = footers[i];
        write_fake("Bad", &f);
        cr_assert_null(tz_get("Bad"), "footer \"%s\" accepted", footers[i]);
    }
}

Test(tz_file, every_truncation_is_unknown)
{
    struct image im;

    build(&im, &good);
    for (size_t len = 0; len < im.n; len++) {
        write_bytes("Cut", im.b, len);
        cr_assert_null(tz_get("Cut"), "accepted the first %zu of %zu bytes", len, im.n);
    }
    write_zone("Cut", &im);
    cr_assert_not_null(tz_get("Cut"));
}

static void expect_patch_refused(size_t at, uint64_t value, int bytes, const char *what)
{
    struct image im;

    build(&im, &good);
    patch(&im, at, value, bytes);
    write_zone("Patched", &im);
    cr_assert_null(tz_get("Patched"), "accepted with %s", what);
}

static const struct {
    int field;
    uint32_t value;
    const char *what;
} bad_counts[] = {
    {F_ISUT, 2, "isutcnt neither 0 nor typecnt"},
    {F_ISSTD, 1, "isstdcnt neither 0 nor typecnt"},
    {F_LEAP, 1000, "leap records past the end"},
    {F_TIME, 4, "one transition too many"},
    {F_TIME, 0x7fffffff, "transitions past the end"},
    {F_TIME, 0xffffffff, "transition count 2**32 - 1"},
    {F_TYPE, 0, "no types"},
    {F_TYPE, 257, "more types than a byte indexes"},
    {F_TYPE, 0xffffffff, "types past the end"},
    {F_CHAR, 0, "no abbreviation bytes"},
    {F_CHAR, 0xffffffff, "abbreviations past the end"},
};

Test(tz_file, counts_that_do_not_fit_the_file_are_refused)
{
    struct image im;

    build(&im, &good);
    for (size_t i = 0; i < sizeof(bad_counts) / sizeof(bad_counts[0]); i++) {
        expect_patch_refused(bad_counts[i].field, bad_counts[i].value, 4, bad_counts[i].what);
        expect_patch_refused(im.v2 + bad_counts[i].field, bad_counts[i].value, 4,
                             bad_counts[i].what);
    }
}

Test(tz_file, bad_indexes_and_values_are_refused)
{
    struct image im;

    build(&im, &good);
    size_t times = im.v2 + HEADER_BYTES, idx = times + 3 * 8, types = idx + 3;
    size_t chars = types + 3 * 6;

    expect_patch_refused(idx + 1, 3, 1, "a type index = typecnt");
    expect_patch_refused(idx, 255, 1, "a type index of 255");
    expect_patch_refused(types + 6 + 5, 12, 1, "an abbreviation index = charcnt");
    expect_patch_refused(chars + 11, 'C', 1, "the last abbreviation without its NUL");
    expect_patch_refused(types + 4, 2, 1, "isdst 2");
    expect_patch_refused(types, 100000, 4, "an offset of 27 hours");
    expect_patch_refused(types, 0x80000000, 4, "an offset of -2**31");
    expect_patch_refused(times + 8, 0, 8, "two transitions at the same instant");
    expect_patch_refused(times, 5000000, 8, "transitions out of order");
    expect_patch_refused(times, (uint64_t)(-(INT64_C(1) << 59) - 1), 8, "a time before -2**59");
    expect_patch_refused(chars + 12 + 1, 2, 1, "an isstd indicator of 2");
    expect_patch_refused(chars + 12 + 3 + 1, 1, 1, "a UT indicator on a wall-clock type");
}

Test(tz_file, bad_framing_is_refused)
{
    struct image im;

    build(&im, &good);
    expect_patch_refused(0, 'X', 1, "a bad first magic");
    expect_patch_refused(im.v2, 'X', 1, "a bad second magic");
    expect_patch_refused(4, '5', 1, "version 5");
    expect_patch_refused(im.v2 + 4, '3', 1, "versions 2 and 3 in one file");
    expect_patch_refused(4, 0, 1, "a version 1 header before version 2 data");
    expect_patch_refused(im.n - 1, 'x', 1, "no newline after the footer");
    expect_patch_refused(im.n - 27, 'x', 1, "no newline before the footer");

    im.b[im.n++] = '\n';
    write_zone("Trailing", &im);
    cr_assert_null(tz_get("Trailing"), "accepted bytes after the footer");

    struct fake v1 = good;
    v1.version = 0;
    build(&im, &v1);
    im.b[im.n++] = 0;
    write_zone("Trailing1", &im);
    cr_assert_null(tz_get("Trailing1"), "accepted bytes after a version 1 block");
}

Test(tz_file, leap_seconds_are_refused)
{
    struct fake f = good;

    f.nleaps = 2;
    write_fake("Leaps", &f);
    cr_assert_null(tz_get("Leaps"));
}

Test(tz_file, only_regular_files_of_bounded_size)
{
    static uint8_t big[300 * 1024];
    char path[256];
    struct image im;

    build(&im, &good);
    memcpy(big, im.b, im.n);
    write_bytes("Big", big, sizeof(big));
    cr_assert_not(tz_is_known("Big"));

    snprintf(path, sizeof(path), "%s/Fifo", fake_dir);
    cr_assert_eq(mkfifo(path, 0600), 0);
    cr_assert_not(tz_is_known("Fifo")); /* and does not hang */

    snprintf(path, sizeof(path), "%s/Dir", fake_dir);
    cr_assert_eq(mkdir(path, 0700), 0);
    cr_assert_not(tz_is_known("Dir"));

    write_fake("Target", &good);
    snprintf(path, sizeof(path), "%s/Link", fake_dir);
    cr_assert_eq(symlink("Target", path), 0);
    cr_assert(tz_is_known("Link")); /* links are followed: many zones are links */
    snprintf(path, sizeof(path), "%s/Dangling", fake_dir);
    cr_assert_eq(symlink("Nowhere", path), 0);
    cr_assert_not(tz_is_known("Dangling"));
}

/* A name accepted once must keep working: the zone is kept, not read again. */
Test(tz_file, a_loaded_zone_outlives_its_file)
{
    char path[256];

    write_fake("Kept", &good);
    const struct tz_zone *z = zone("Kept");

    write_bytes("Kept", "garbage", 7);
    cr_assert_eq(tz_get("Kept"), z);
    snprintf(path, sizeof(path), "%s/Kept", fake_dir);
    cr_assert_eq(unlink(path), 0);
    cr_assert_eq(tz_get("Kept"), z);
    cr_assert_eq(tz_offset_at(z, 1000000), 2 * H);
}

/* An unknown name is not remembered: once its file appears, it is known. */
Test(tz_file, unknown_names_are_not_cached)
{
    cr_assert_not(tz_is_known("Later"));
    write_fake("Later", &good);
    cr_assert(tz_is_known("Later"));
}

/* --- many threads ------------------------------------------------------------------------- */

static const char *thread_names[] = {
    "Europe/Berlin",
    "America/New_York",
    "Australia/Sydney",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Pacific/Kiritimati",
    "Pacific/Apia",
    "Pacific/Pago_Pago",
    "Europe/Dublin",
    "America/Nuuk",
    "UTC",
    "Etc/UTC",
    "Europe/London",
    "America/Los_Angeles",
    "Asia/Tokyo",
    "Africa/Casablanca",
    "America/Sao_Paulo",
    "Asia/Tehran",
    "Pacific/Chatham",
    "Australia/Lord_Howe",
    "America/St_Johns",
    "Asia/Jerusalem",
    "Europe/Moscow",
    "Antarctica/Troll",
    "Mars/Olympus_Mons",
    "../../etc/passwd",
    "Europe",
    "zone.tab",
};
#define N_NAMES (sizeof(thread_names) / sizeof(thread_names[0]))
#define N_THREADS 8
#define N_ROUNDS 20

struct thread_result {
    size_t index;
    const struct tz_zone *zones[N_NAMES];
    int64_t days[N_NAMES];
    bool ok;
};

static pthread_barrier_t start_line;

/* Every thread asks for every name in its own order from the same start, so first loads race. */
static void *use_zones(void *arg)
{
    struct thread_result *res = arg;
    size_t shift = res->index * 3;

    pthread_barrier_wait(&start_line);
    res->ok = true;
    for (int round = 0; round < N_ROUNDS; round++) {
        for (size_t k = 0; k < N_NAMES; k++) {
            size_t i = (k + shift + (size_t)round) % N_NAMES;
            const struct tz_zone *z = tz_get(thread_names[i]);
            int64_t day = z != NULL ? tz_local_day(z, utc(2026, 12, 5, 18, 30, 0) * 1000) : 0;

            if ((round > 0 && (z != res->zones[i] || day != res->days[i])) ||
                (z != NULL && tz_offset_at(z, 0) != tz_offset_at(z, 0)))
                res->ok = false;
            res->zones[i] = z;
            res->days[i] = day;
        }
    }
    return NULL;
}

Test(tz, threads_share_zones_and_agree)
{
    static struct thread_result results[N_THREADS];
    pthread_t threads[N_THREADS];

    pthread_barrier_init(&start_line, NULL, N_THREADS);
    for (int i = 0; i < N_THREADS; i++) {
        results[i].index = (size_t)i;
        cr_assert_eq(pthread_create(&threads[i], NULL, use_zones, &results[i]), 0);
    }
    for (int i = 0; i < N_THREADS; i++)
        pthread_join(threads[i], NULL);
    pthread_barrier_destroy(&start_line);
    for (int t = 0; t < N_THREADS; t++) {
        cr_assert(results[t].ok, "thread %d saw a zone or a day change", t);
        for (size_t i = 0; i < N_NAMES; i++) {
            cr_assert_eq(results[t].zones[i], tz_get(thread_names[i]), "%s", thread_names[i]);
            cr_assert_eq(results[t].days[i], results[0].days[i], "%s", thread_names[i]);
        }
    }
    cr_assert_not_null(results[0].zones[0]);
    cr_assert_null(results[0].zones[N_NAMES - 1]);
}

/* --- cross-check with glibc --------------------------------------------------------------- */

/*
 * glibc reads the same files with its own reader, so for every zone the two must agree at
 * every instant. Each zone is set with setenv("TZ")/tzset(), which is fine in this one-thread
 * test process (it is exactly what the server must not do).
 */
struct xcheck {
    const char *name;
    const struct tz_zone *z;
    long compared;
};

static int32_t glibc_offset(int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;

    cr_assert_not_null(localtime_r(&tt, &tm), "localtime_r(%lld)", (long long)t);
    return (int32_t)tm.tm_gmtoff;
}

static void compare_at(struct xcheck *x, int64_t t)
{
    int32_t ours = tz_offset_at(x->z, t), theirs = glibc_offset(t);
    char when[TIME_RFC3339_LEN];

    if (ours != theirs) {
        time_format_ms(t * 1000, when);
        cr_assert_fail("%s at %s (%lld): tz %d, glibc %d", x->name, when, (long long)t, ours,
                       theirs);
    }
    x->compared++;
}

/* The first instant in (a, b] where `f` differs from f(a); f(a) != f(b). */
static int64_t find_change(struct xcheck *x, int32_t (*f)(struct xcheck *, int64_t), int64_t a,
                           int64_t b)
{
    int32_t from = f(x, a);

    while (b - a > 1) {
        int64_t mid = a + (b - a) / 2;
        if (f(x, mid) == from)
            a = mid;
        else
            b = mid;
    }
    return b;
}

static int32_t ours_at(struct xcheck *x, int64_t t)
{
    return tz_offset_at(x->z, t);
}

static int32_t glibc_at(struct xcheck *x, int64_t t)
{
    (void)x;
    return glibc_offset(t);
}

static void compare_around(struct xcheck *x, int64_t t)
{
    compare_at(x, t - 1);
    compare_at(x, t);
    compare_at(x, t + 1);
}

/* Samples every `step` seconds over [from, to); where either side changes between two samples
 * (footer transitions, or a glibc transition we lack), the change is found to the second. */
static void compare_range(struct xcheck *x, int64_t from, int64_t to, int64_t step)
{
    int64_t prev = from;

    compare_at(x, from);
    for (int64_t t = from + step; t < to; prev = t, t += step) {
        compare_at(x, t);
        if (ours_at(x, prev) != ours_at(x, t))
            compare_around(x, find_change(x, ours_at, prev, t));
        if (glibc_at(x, prev) != glibc_at(x, t))
            compare_around(x, find_change(x, glibc_at, prev, t));
    }
}

static void cross_check_zone(struct xcheck *x)
{
    const int64_t *times;
    size_t n = tz_transitions(x->z, &times);
    int64_t y1800 = utc(1800, 1, 1, 0, 0, 0), y1900 = utc(1900, 1, 1, 0, 0, 0);
    int64_t y2100 = utc(2100, 1, 1, 0, 0, 0), y2500 = utc(2500, 1, 1, 0, 0, 0);

    for (size_t i = 0; i < n; i++) {
        if (times[i] >= y1800 && times[i] < y2500)
            compare_around(x, times[i]);
    }
    compare_range(x, y1900 + 12345, y2100, 17 * 86400);
    compare_range(x, y1800 + 4321, y1900, 97 * 86400);
    compare_range(x, y2100 + 4321, y2500, 97 * 86400);
}

/* Every zone and link named in tzdata.zi ("Z name ..." and "L target name" lines). */
static size_t read_zone_names(char names[][TZ_NAME_LEN], size_t max)
{
    FILE *f = fopen("/usr/share/zoneinfo/tzdata.zi", "r");
    char line[512], a[TZ_NAME_LEN], b[TZ_NAME_LEN];
    size_t n = 0;

    if (f == NULL)
        return 0;
    while (n < max && fgets(line, sizeof(line), f) != NULL) {
        if (sscanf(line, "Z %63s", a) == 1)
            strcpy(names[n++], a);
        else if (sscanf(line, "L %63s %63s", a, b) == 2)
            strcpy(names[n++], b);
    }
    fclose(f);
    return n;
}

Test(tz_glibc, every_zone_agrees_with_localtime_r, .timeout = 600)
{
    static char names[2000][TZ_NAME_LEN];
    char tz[TZ_NAME_LEN + 1];
    long compared = 0;
    size_t n = read_zone_names(names, 2000);

    if (n == 0)
        cr_skip_test("no /usr/share/zoneinfo/tzdata.zi");
    cr_assert_gt(n, 500, "only %zu names in tzdata.zi", n);
    unsetenv("TZDIR"); /* both readers use /usr/share/zoneinfo */
    for (size_t i = 0; i < n; i++) {
        struct xcheck x = {names[i], zone(names[i]), 0};

        snprintf(tz, sizeof(tz), ":%s", names[i]);
        setenv("TZ", tz, 1);
        tzset();
        cross_check_zone(&x);
        compared += x.compared;
    }
    cr_log_info("tz and glibc agree: %zu zones, %ld instants", n, compared);
}
