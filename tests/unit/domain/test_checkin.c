/* Check-in rules (domain/checkin.c): joining runs, the streak on a day, the edit window and
 * the summary's range. */
#include <criterion/criterion.h>

#include "domain/checkin.h"
#include "util/time.h"
#include "util/tz.h"

static int64_t day(int y, int m, int d)
{
    return time_date_to_days((struct ts_date){y, m, d});
}

Test(checkin, a_day_joins_the_runs_next_to_it)
{
    struct checkin_run none = checkin_run_join(100, NULL, 0);
    cr_assert_eq(none.first_day, 100);
    cr_assert_eq(none.last_day, 100);

    struct checkin_run before[] = {{90, 99}};
    struct checkin_run r = checkin_run_join(100, before, 1);
    cr_assert_eq(r.first_day, 90);
    cr_assert_eq(r.last_day, 100);

    /* The gap between two runs closes (either order from storage). */
    struct checkin_run both[] = {{101, 105}, {95, 99}};
    r = checkin_run_join(100, both, 2);
    cr_assert_eq(r.first_day, 95);
    cr_assert_eq(r.last_day, 105);
    cr_assert_eq(checkin_run_length(r), 11);
}

Test(checkin, no_checkins_no_streak)
{
    struct checkin_streak_state st = {0};
    struct checkin_streak s = checkin_streak_on(day(2026, 12, 5), &st);
    cr_assert_eq(s.current, 0);
    cr_assert_eq(s.longest, 0);
    cr_assert_not(s.has_last);
    cr_assert_not(s.today_done);
}

Test(checkin, current_streak_ends_today_or_yesterday)
{
    int64_t today = day(2026, 12, 5);
    struct checkin_streak_state st = {
        .any = true, .longest = 7, .last_day = today, .has_run = true, .run = {today - 2, today}};

    struct checkin_streak s = checkin_streak_on(today, &st);
    cr_assert_eq(s.current, 3);
    cr_assert(s.today_done);
    cr_assert_eq(s.longest, 7);
    cr_assert_eq(s.last_day, today);

    /* The next day, nothing yet: yesterday's run still counts. */
    s = checkin_streak_on(today + 1, &st);
    cr_assert_eq(s.current, 3);
    cr_assert_not(s.today_done);
    /* Two days later the run is broken. */
    s = checkin_streak_on(today + 2, &st);
    cr_assert_eq(s.current, 0);
    cr_assert_eq(s.longest, 7);
}

Test(checkin, days_after_today_do_not_count)
{
    /* A run of 3..7 seen on day 5 (the user moved to a zone behind): 3, 4, 5 count. */
    struct checkin_streak_state st = {
        .any = true, .longest = 5, .last_day = 7, .has_run = true, .run = {3, 7}};
    struct checkin_streak s = checkin_streak_on(5, &st);
    cr_assert_eq(s.current, 3);
    cr_assert(s.today_done);
    cr_assert_eq(s.last_day, 7);

    /* Only a run that starts tomorrow: nothing today. */
    st.run = (struct checkin_run){6, 7};
    s = checkin_streak_on(5, &st);
    cr_assert_eq(s.current, 0);
    cr_assert_not(s.today_done);
}

Test(checkin, edit_only_on_its_day)
{
    cr_assert(checkin_editable(10, 10));
    cr_assert_not(checkin_editable(10, 11));
    cr_assert_not(checkin_editable(11, 10));
}

Test(checkin, summary_range_defaults_and_limits)
{
    int64_t today = day(2026, 12, 5), from = 0, to = 0;

    cr_assert_eq(checkin_summary_range(false, false, today, &from, &to), CHECKIN_RANGE_OK);
    cr_assert_eq(to, today);
    cr_assert_eq(from, day(2026, 11, 6), "30 days including today");

    to = day(2026, 1, 10);
    cr_assert_eq(checkin_summary_range(false, true, today, &from, &to), CHECKIN_RANGE_OK);
    cr_assert_eq(from, day(2025, 12, 12));

    from = day(2026, 12, 6);
    cr_assert_eq(checkin_summary_range(true, false, today, &from, &to), CHECKIN_RANGE_REVERSED);

    from = day(2025, 12, 5);
    to = day(2026, 12, 5);
    cr_assert_eq(checkin_summary_range(true, true, today, &from, &to), CHECKIN_RANGE_OK, "366");
    from--;
    cr_assert_eq(checkin_summary_range(true, true, today, &from, &to), CHECKIN_RANGE_TOO_LONG);

    /* Never before year 1. */
    to = day(1, 1, 5);
    cr_assert_eq(checkin_summary_range(false, true, today, &from, &to), CHECKIN_RANGE_OK);
    cr_assert_eq(from, day(1, 1, 1));
}

/* Milliseconds of an RFC 3339 instant. */
static int64_t at(const char *instant)
{
    int64_t ms = 0;
    cr_assert_eq(time_parse_rfc3339(instant, &ms, NULL), TIME_OK, "%s", instant);
    return ms;
}

Test(checkin, dst_days_are_one_day_each)
{
    /* Berlin's 23-hour day (29 March 2026) and 25-hour day (25 October 2026): check-ins at the
     * first and last local minutes of each day land on that day, and the next minute starts the
     * next day, so a streak across them counts one per calendar day. */
    const struct tz_zone *z = tz_get("Europe/Berlin");
    cr_assert_not_null(z);
    int64_t d29 = day(2026, 3, 29), d25 = day(2026, 10, 25);
    cr_assert_eq(tz_local_day(z, at("2026-03-28T23:00:00Z")), d29);     /* 00:00 CET */
    cr_assert_eq(tz_local_day(z, at("2026-03-29T21:59:59.999Z")), d29); /* 23:59 CEST */
    cr_assert_eq(tz_local_day(z, at("2026-03-29T22:00:00Z")), d29 + 1);
    cr_assert_eq(tz_local_day(z, at("2026-10-24T22:00:00Z")), d25);     /* 00:00 CEST */
    cr_assert_eq(tz_local_day(z, at("2026-10-25T22:59:59.999Z")), d25); /* 23:59 CET */
    cr_assert_eq(tz_local_day(z, at("2026-10-25T23:00:00Z")), d25 + 1);

    struct checkin_run run = {d29 - 1, d29 - 1};
    run = checkin_run_join(d29, &run, 1);
    run = checkin_run_join(d29 + 1, &run, 1);
    struct checkin_streak_state st = {
        .any = true, .longest = 3, .last_day = d29 + 1, .has_run = true, .run = run};
    cr_assert_eq(checkin_streak_on(d29 + 1, &st).current, 3);
}

Test(checkin, a_zone_change_can_fill_a_gap_behind_the_latest_day)
{
    /* 10:30Z on 5 December: 6 December in Kiritimati (+14), 4 December in Pago Pago (-11). */
    const struct tz_zone *ahead = tz_get("Pacific/Kiritimati"),
                         *behind = tz_get("Pacific/Pago_Pago");
    cr_assert_not_null(ahead);
    cr_assert_not_null(behind);
    int64_t t = at("2026-12-05T10:30:00Z");
    int64_t d6 = tz_local_day(ahead, t), d4 = tz_local_day(behind, t);
    cr_assert_eq(d6, day(2026, 12, 6));
    cr_assert_eq(d4, day(2026, 12, 4));

    /* Runs {6} and {4}; then 5 (a day later in Pago Pago) joins both. */
    struct checkin_run runs[] = {{d6, d6}, {d4, d4}};
    struct checkin_run joined = checkin_run_join(d4 + 1, runs, 2);
    cr_assert_eq(joined.first_day, d4);
    cr_assert_eq(joined.last_day, d6);
    struct checkin_streak_state st = {
        .any = true, .longest = 3, .last_day = d6, .has_run = true, .run = joined};
    struct checkin_streak s = checkin_streak_on(d4 + 1, &st);
    cr_assert_eq(s.current, 2, "4 and 5; the 6th is still ahead");
    cr_assert_eq(s.longest, 3);
}
