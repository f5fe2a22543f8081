/* test_time.c - CF calendars, dates and time units.
 *
 * Expected dates were worked out by hand (month lengths) or checked against cftime-style
 * known values, e.g. the CanESM2 monthly file whose "days since 1850-01-01" noleap offsets
 * 57289.5 .. 57624 are mid-month points from 2006-12-16 12:00.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "dsc/time.h"

static dsc_ctx_t *ctx;

static void setup(void)
{
    ctx = dsc_ctx_create();
}

static void teardown(void)
{
    dsc_ctx_destroy(ctx);
}

TestSuite(time, .init = setup, .fini = teardown);

static dsc_date_t D(int y, int m, int d)
{
    return (dsc_date_t){y, m, d, 0.0};
}

static void assert_date(dsc_date_t got, int y, int m, int d, double secs)
{
    cr_assert(got.year == y && got.month == m && got.day == d,
              "got %d-%02d-%02d, expected %d-%02d-%02d", got.year, got.month, got.day, y, m, d);
    cr_assert_float_eq(got.seconds, secs, 1e-6, "seconds %.9f, expected %.9f", got.seconds,
                       secs);
}

static dsc_date_t decode(dsc_calendar_t cal, const char *units, double offset)
{
    dsc_time_units_t u;
    dsc_date_t d = {0, 0, 0, 0};
    cr_assert_eq(dsc_time_units_parse(ctx, units, &u), DSC_OK, "%s", dsc_ctx_message(ctx));
    cr_assert_eq(dsc_time_decode(ctx, cal, &u, offset, &d), DSC_OK, "%s",
                 dsc_ctx_message(ctx));
    return d;
}

Test(time, calendar_names)
{
    dsc_calendar_t c;
    cr_assert_eq(dsc_calendar_parse(ctx, "gregorian", &c), DSC_OK);
    cr_assert_eq(c, DSC_CAL_STANDARD);
    cr_assert_eq(dsc_calendar_parse(ctx, "365_day", &c), DSC_OK);
    cr_assert_eq(c, DSC_CAL_NOLEAP);
    cr_assert_eq(dsc_calendar_parse(ctx, "NOLEAP", &c), DSC_OK);
    cr_assert_eq(c, DSC_CAL_NOLEAP);
    cr_assert_eq(dsc_calendar_parse(ctx, "366_day", &c), DSC_OK);
    cr_assert_eq(c, DSC_CAL_ALL_LEAP);
    cr_assert_eq(dsc_calendar_parse(ctx, "360_day", &c), DSC_OK);
    cr_assert_eq(c, DSC_CAL_360_DAY);
    cr_assert_eq(dsc_calendar_parse(ctx, "proleptic_gregorian", &c), DSC_OK);
    cr_assert_eq(c, DSC_CAL_PROLEPTIC_GREGORIAN);
    cr_assert_eq(dsc_calendar_parse(ctx, "julian ", &c), DSC_OK);
    cr_assert_eq(c, DSC_CAL_JULIAN);
    cr_assert_eq(dsc_calendar_parse(ctx, NULL, &c), DSC_OK);
    cr_assert_eq(c, DSC_CAL_STANDARD);
    cr_assert_eq(dsc_calendar_parse(ctx, "", &c), DSC_OK);
    cr_assert_eq(c, DSC_CAL_STANDARD);

    cr_assert_eq(dsc_calendar_parse(ctx, "365_days", &c), DSC_ERR_FORMAT);
    cr_assert(strstr(dsc_ctx_message(ctx), "365_days") != NULL, "%s", dsc_ctx_message(ctx));

    cr_assert_str_eq(dsc_calendar_name(DSC_CAL_NOLEAP), "noleap");
    cr_assert_str_eq(dsc_calendar_name(DSC_CAL_360_DAY), "360_day");
    cr_assert_str_eq(dsc_calendar_name(DSC_CAL_STANDARD), "standard");
}

Test(time, leap_rules)
{
    cr_assert(dsc_calendar_is_leap(DSC_CAL_STANDARD, 2000));
    cr_assert(!dsc_calendar_is_leap(DSC_CAL_STANDARD, 1900));
    cr_assert(dsc_calendar_is_leap(DSC_CAL_STANDARD, 1500)); /* Julian rule before 1582 */
    cr_assert(!dsc_calendar_is_leap(DSC_CAL_PROLEPTIC_GREGORIAN, 1500));
    cr_assert(dsc_calendar_is_leap(DSC_CAL_JULIAN, 1900));
    cr_assert(dsc_calendar_is_leap(DSC_CAL_JULIAN, -4)); /* 5 BC */
    cr_assert(!dsc_calendar_is_leap(DSC_CAL_NOLEAP, 2000));
    cr_assert(dsc_calendar_is_leap(DSC_CAL_ALL_LEAP, 2001));
    cr_assert(!dsc_calendar_is_leap(DSC_CAL_360_DAY, 2000));

    cr_assert_eq(dsc_calendar_days_in_month(DSC_CAL_STANDARD, 2000, 2), 29);
    cr_assert_eq(dsc_calendar_days_in_month(DSC_CAL_STANDARD, 2100, 2), 28);
    cr_assert_eq(dsc_calendar_days_in_month(DSC_CAL_JULIAN, 2100, 2), 29);
    cr_assert_eq(dsc_calendar_days_in_month(DSC_CAL_NOLEAP, 2000, 2), 28);
    cr_assert_eq(dsc_calendar_days_in_month(DSC_CAL_ALL_LEAP, 2001, 2), 29);
    cr_assert_eq(dsc_calendar_days_in_month(DSC_CAL_360_DAY, 2001, 2), 30);
    cr_assert_eq(dsc_calendar_days_in_month(DSC_CAL_360_DAY, 2001, 12), 30);
    cr_assert_eq(dsc_calendar_days_in_month(DSC_CAL_STANDARD, 2001, 13), 0);

    cr_assert_eq(dsc_calendar_days_in_year(DSC_CAL_STANDARD, 2000), 366);
    cr_assert_eq(dsc_calendar_days_in_year(DSC_CAL_STANDARD, 1582), 355);
    cr_assert_eq(dsc_calendar_days_in_year(DSC_CAL_PROLEPTIC_GREGORIAN, 1582), 365);
    cr_assert_eq(dsc_calendar_days_in_year(DSC_CAL_360_DAY, 2000), 360);
    cr_assert_eq(dsc_calendar_days_in_year(DSC_CAL_ALL_LEAP, 2001), 366);
    cr_assert_eq(dsc_calendar_days_in_year(DSC_CAL_NOLEAP, 2000), 365);
}

Test(time, day_of_year_and_validity)
{
    cr_assert_eq(dsc_date_doy(DSC_CAL_STANDARD, D(2000, 12, 31)), 366);
    cr_assert_eq(dsc_date_doy(DSC_CAL_NOLEAP, D(2000, 12, 31)), 365);
    cr_assert_eq(dsc_date_doy(DSC_CAL_360_DAY, D(2000, 12, 30)), 360);
    cr_assert_eq(dsc_date_doy(DSC_CAL_360_DAY, D(2000, 3, 1)), 61);
    cr_assert_eq(dsc_date_doy(DSC_CAL_STANDARD, D(2001, 3, 1)), 60);
    /* 1582: Oct 4 is day 277, the next day (Oct 15) is day 278. */
    cr_assert_eq(dsc_date_doy(DSC_CAL_STANDARD, D(1582, 10, 4)), 277);
    cr_assert_eq(dsc_date_doy(DSC_CAL_STANDARD, D(1582, 10, 15)), 278);
    cr_assert_eq(dsc_date_doy(DSC_CAL_STANDARD, D(1582, 12, 31)), 355);

    cr_assert(dsc_date_valid(DSC_CAL_360_DAY, D(2001, 2, 30)));
    cr_assert(!dsc_date_valid(DSC_CAL_360_DAY, D(2001, 1, 31)));
    cr_assert(!dsc_date_valid(DSC_CAL_NOLEAP, D(2000, 2, 29)));
    cr_assert(dsc_date_valid(DSC_CAL_ALL_LEAP, D(2001, 2, 29)));
    cr_assert(!dsc_date_valid(DSC_CAL_STANDARD, D(1582, 10, 10)));
    cr_assert(dsc_date_valid(DSC_CAL_PROLEPTIC_GREGORIAN, D(1582, 10, 10)));
    cr_assert(dsc_date_valid(DSC_CAL_JULIAN, D(1582, 10, 10)));
    cr_assert(!dsc_date_valid(DSC_CAL_STANDARD, D(2001, 13, 1)));
    cr_assert(!dsc_date_valid(DSC_CAL_STANDARD, (dsc_date_t){2001, 1, 1, 86400.0}));
}

Test(time, day_counts)
{
    /* Julian Day Numbers, the count used for the real-world calendars. */
    cr_assert_eq(dsc_date_to_days(DSC_CAL_PROLEPTIC_GREGORIAN, D(2000, 1, 1)), 2451545);
    cr_assert_eq(dsc_date_to_days(DSC_CAL_STANDARD, D(1970, 1, 1)), 2440588);
    cr_assert_eq(dsc_date_to_days(DSC_CAL_JULIAN, D(-4712, 1, 1)), 0);
    cr_assert_eq(dsc_date_to_days(DSC_CAL_STANDARD, D(1582, 10, 4)), 2299160);
    cr_assert_eq(dsc_date_to_days(DSC_CAL_STANDARD, D(1582, 10, 15)), 2299161);
    /* The Julian calendar is 13 days behind the Gregorian in 1900..2099. */
    cr_assert_eq(dsc_date_to_days(DSC_CAL_JULIAN, D(2000, 1, 1)) -
                     dsc_date_to_days(DSC_CAL_PROLEPTIC_GREGORIAN, D(2000, 1, 1)),
                 13);

    /* from_days inverts to_days for every calendar over a long range, years < 0 too. */
    for (int cal = DSC_CAL_STANDARD; cal <= DSC_CAL_360_DAY; cal++) {
        dsc_date_t start = D(-10, 1, 1);
        int64_t d0 = dsc_date_to_days((dsc_calendar_t)cal, start);
        dsc_date_t prev = start;
        for (int64_t k = 1; k < 800000; k += 1) {
            dsc_date_t d = dsc_date_from_days((dsc_calendar_t)cal, d0 + k);
            cr_assert(dsc_date_valid((dsc_calendar_t)cal, d));
            cr_assert_eq(dsc_date_compare(prev, d), -1);
            cr_assert_eq(dsc_date_to_days((dsc_calendar_t)cal, d), d0 + k);
            prev = d;
        }
    }
    assert_date(dsc_date_from_days(DSC_CAL_STANDARD, 2299161), 1582, 10, 15, 0);
    assert_date(dsc_date_from_days(DSC_CAL_STANDARD, 2299160), 1582, 10, 4, 0);
}

Test(time, compare_format_parse)
{
    cr_assert_eq(dsc_date_compare(D(2000, 1, 2), D(2000, 1, 1)), 1);
    cr_assert_eq(dsc_date_compare(D(1999, 12, 31), D(2000, 1, 1)), -1);
    cr_assert_eq(dsc_date_compare((dsc_date_t){2000, 1, 1, 1.0}, D(2000, 1, 1)), 1);
    cr_assert_eq(dsc_date_compare(D(2000, 1, 1), D(2000, 1, 1)), 0);

    char buf[32];
    dsc_date_format(D(2006, 12, 16), buf, sizeof buf);
    cr_assert_str_eq(buf, "2006-12-16");
    dsc_date_format(D(12345, 1, 2), buf, sizeof buf);
    cr_assert_str_eq(buf, "12345-01-02");
    dsc_date_format(D(-44, 3, 15), buf, sizeof buf);
    cr_assert_str_eq(buf, "-0044-03-15");
    dsc_date_format(D(5, 3, 15), buf, sizeof buf);
    cr_assert_str_eq(buf, "0005-03-15");

    dsc_date_t d;
    cr_assert_eq(dsc_date_parse(ctx, "1951-01-01", &d), DSC_OK);
    assert_date(d, 1951, 1, 1, 0);
    cr_assert_eq(dsc_date_parse(ctx, "20991231", &d), DSC_OK);
    assert_date(d, 2099, 12, 31, 0);
    cr_assert_eq(dsc_date_parse(ctx, "2046-1-1", &d), DSC_OK);
    assert_date(d, 2046, 1, 1, 0);
    cr_assert_eq(dsc_date_parse(ctx, "-0044-03-15", &d), DSC_OK);
    assert_date(d, -44, 3, 15, 0);
    cr_assert_eq(dsc_date_parse(ctx, "2001-13-01", &d), DSC_ERR_FORMAT);
    cr_assert_eq(dsc_date_parse(ctx, "yesterday", &d), DSC_ERR_FORMAT);
    cr_assert(strstr(dsc_ctx_message(ctx), "yesterday") != NULL);
    cr_assert_eq(dsc_date_parse(ctx, "2001-01-01x", &d), DSC_ERR_FORMAT);
    cr_assert_eq(dsc_date_parse(ctx, "", &d), DSC_ERR_FORMAT);
}

Test(time, units_parse_forms)
{
    dsc_time_units_t u;
    cr_assert_eq(dsc_time_units_parse(ctx, "days since 1950-01-01 00:00:00.000000", &u), DSC_OK);
    cr_assert_eq(u.unit_seconds, 86400.0);
    assert_date(u.reference, 1950, 1, 1, 0);

    cr_assert_eq(dsc_time_units_parse(ctx, "days since 2046-1-1", &u), DSC_OK);
    assert_date(u.reference, 2046, 1, 1, 0);

    cr_assert_eq(dsc_time_units_parse(ctx, "hours since 1970-01-01T06:30:00Z", &u), DSC_OK);
    cr_assert_eq(u.unit_seconds, 3600.0);
    assert_date(u.reference, 1970, 1, 1, 6.5 * 3600);

    cr_assert_eq(dsc_time_units_parse(ctx, "Hours Since 1900-1-1 0:0:0", &u), DSC_OK);
    assert_date(u.reference, 1900, 1, 1, 0);

    cr_assert_eq(dsc_time_units_parse(ctx, "minutes since 2000-01-01 00:00 +00:00", &u),
                 DSC_OK);
    cr_assert_eq(u.unit_seconds, 60.0);

    cr_assert_eq(dsc_time_units_parse(ctx, "s since 1979-01-01 12:00:00.5", &u), DSC_OK);
    cr_assert_eq(u.unit_seconds, 1.0);
    assert_date(u.reference, 1979, 1, 1, 43200.5);

    cr_assert_eq(dsc_time_units_parse(ctx, "d since 0001-01-01", &u), DSC_OK);
    assert_date(u.reference, 1, 1, 1, 0);
}

Test(time, units_refused)
{
    dsc_time_units_t u;
    const char *bad[] = {"yyyymm",
                         "months since 1950-01-01",
                         "years since 1950-01-01",
                         "days",
                         "days since",
                         "days since yesterday",
                         "fortnights since 1950-01-01",
                         "days since 1950-13-01",
                         "days since 1950-01-01 25:00:00",
                         "hours since 1990-1-1 0:0:0 -6:00",
                         "days since 1950-01-01 junk"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_assert_eq(dsc_time_units_parse(ctx, bad[i], &u), DSC_ERR_FORMAT, "accepted '%s'",
                     bad[i]);
        cr_assert(strstr(dsc_ctx_message(ctx), bad[i]) != NULL, "%s", dsc_ctx_message(ctx));
    }
}

Test(time, decode_noleap_monthly)
{
    /* gcm/tas_Amon_CanESM2_rcp85_r1i1p1_200701-200712.nc, time[0] and time[11]. */
    const char *u = "days since 1850-01-01 00:00:00";
    assert_date(decode(DSC_CAL_NOLEAP, u, 57289.5), 2006, 12, 16, 43200);
    assert_date(decode(DSC_CAL_NOLEAP, u, 57624.0), 2007, 11, 16, 0);
    /* The same offset in the standard calendar lands 38 leap days later. */
    assert_date(decode(DSC_CAL_STANDARD, u, 57289.5), 2006, 11, 8, 43200);
}

Test(time, decode_daily_calendars)
{
    /* CanESM2_1950-2100.nc: 55115 noleap days, last offset 55114 = 2100-12-31. */
    assert_date(decode(DSC_CAL_NOLEAP, "days since 1950-01-01 00:00:00.000000", 55114),
                2100, 12, 31, 0);
    /* 360_day: 12 months of 30 days. 2095-01-01 is (2095-1950)*360 = 52200 days after. */
    assert_date(decode(DSC_CAL_360_DAY, "days since 1950-01-01", 52200), 2095, 1, 1, 0);
    assert_date(decode(DSC_CAL_360_DAY, "days since 1950-01-01", 52559), 2095, 12, 30, 0);
    assert_date(decode(DSC_CAL_360_DAY, "days since 1950-01-01", 59), 1950, 2, 30, 0);
    /* all_leap: 366 days every year. */
    assert_date(decode(DSC_CAL_ALL_LEAP, "days since 2001-01-01", 59), 2001, 2, 29, 0);
    assert_date(decode(DSC_CAL_ALL_LEAP, "days since 2001-01-01", 366), 2002, 1, 1, 0);
    /* julian: 1900 is leap. */
    assert_date(decode(DSC_CAL_JULIAN, "days since 1900-02-28", 1), 1900, 2, 29, 0);
    assert_date(decode(DSC_CAL_PROLEPTIC_GREGORIAN, "days since 1900-02-28", 1), 1900, 3, 1, 0);
    /* Days not zero padded, as in the GISS CMIP3 file: 7299 noleap days = 20 years - 1. */
    assert_date(decode(DSC_CAL_NOLEAP, "days since 2046-1-1", 7299), 2065, 12, 31, 0);
}

Test(time, decode_standard_across_1582)
{
    const char *u = "days since 1582-10-04";
    assert_date(decode(DSC_CAL_STANDARD, u, 1), 1582, 10, 15, 0);
    assert_date(decode(DSC_CAL_STANDARD, u, -1), 1582, 10, 3, 0);
    assert_date(decode(DSC_CAL_PROLEPTIC_GREGORIAN, "days since 1582-10-04", 1), 1582, 10, 5,
                0);
    /* 1500-03-01 to 1600-03-01 in the mixed calendar: 100 Julian-rule years (25 leap days:
     * 1504..1600, 1600 is Gregorian leap too) minus the 10 dropped days. */
    dsc_time_units_t tu;
    cr_assert_eq(dsc_time_units_parse(ctx, "days since 1500-03-01", &tu), DSC_OK);
    double off = dsc_time_encode(DSC_CAL_STANDARD, &tu, D(1600, 3, 1));
    cr_assert_float_eq(off, 36500.0 + 25.0 - 10.0, 1e-9);
    assert_date(decode(DSC_CAL_STANDARD, "days since 1500-03-01", off), 1600, 3, 1, 0);
    /* A reference inside the dropped days is not a date in this calendar. */
    cr_assert_eq(dsc_time_units_parse(ctx, "days since 1582-10-10", &tu), DSC_OK);
    dsc_date_t d;
    cr_assert_eq(dsc_time_decode(ctx, DSC_CAL_STANDARD, &tu, 0, &d), DSC_ERR_FORMAT);
}

Test(time, decode_hours_negative_and_fractional)
{
    const char *u = "hours since 1970-01-01 00:00:00";
    assert_date(decode(DSC_CAL_STANDARD, u, -1), 1969, 12, 31, 23 * 3600.0);
    assert_date(decode(DSC_CAL_STANDARD, u, -24), 1969, 12, 31, 0);
    assert_date(decode(DSC_CAL_STANDARD, u, -25.5), 1969, 12, 30, 22.5 * 3600.0);
    /* 2000-01-01 is 10957 days after 1970-01-01. */
    assert_date(decode(DSC_CAL_STANDARD, u, 10957 * 24.0 + 18), 2000, 1, 1, 18 * 3600.0);
    assert_date(decode(DSC_CAL_STANDARD, "days since 2000-01-01", 0.1), 2000, 1, 1, 8640.0);
    assert_date(decode(DSC_CAL_STANDARD, "days since 2000-01-01 12:00", -0.75), 1999, 12, 31,
                64800.0);
    assert_date(decode(DSC_CAL_STANDARD, "seconds since 2000-01-01", -1), 1999, 12, 31,
                86399.0);
    assert_date(decode(DSC_CAL_STANDARD, "minutes since 2000-01-01", 90), 2000, 1, 1, 5400.0);

    dsc_time_units_t tu;
    dsc_date_t d;
    cr_assert_eq(dsc_time_units_parse(ctx, u, &tu), DSC_OK);
    cr_assert_eq(dsc_time_decode(ctx, DSC_CAL_STANDARD, &tu, NAN, &d), DSC_ERR_FORMAT);
    cr_assert_eq(dsc_time_decode(ctx, DSC_CAL_STANDARD, &tu, 1e300, &d), DSC_ERR_FORMAT);
}

Test(time, far_past_and_future)
{
    /* 360_day past 2262 (the end of 64-bit nanosecond epochs): 2299-12-16 is
     * (2299-1859)*360 + 15 days after 1859-12-01. */
    double off = (2299 - 1859) * 360.0 + 15;
    assert_date(decode(DSC_CAL_360_DAY, "days since 1859-12-01", off), 2299, 12, 16, 0);
    /* Standard calendar far future and before year 0. */
    assert_date(decode(DSC_CAL_STANDARD, "days since 1970-01-01", 2932896), 9999, 12, 31, 0);
    /* Year 0 is a Julian leap year. */
    assert_date(decode(DSC_CAL_STANDARD, "days since 0001-01-01", -366), 0, 1, 1, 0);
    assert_date(decode(DSC_CAL_STANDARD, "days since 0001-01-01", -367), -1, 12, 31, 0);
    assert_date(decode(DSC_CAL_JULIAN, "days since 1000-01-01", 365 * 3 + 366), 1004, 1, 1, 0);
}

Test(time, encode_inverts_decode)
{
    const char *units[] = {"days since 1850-01-01", "hours since 1970-01-01 06:00",
                           "seconds since 2000-01-01", "days since 1500-01-01"};
    for (int cal = DSC_CAL_STANDARD; cal <= DSC_CAL_360_DAY; cal++) {
        for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
            dsc_time_units_t tu;
            cr_assert_eq(dsc_time_units_parse(ctx, units[i], &tu), DSC_OK);
            for (double off = -5000.25; off < 200000; off += 7919.5) {
                dsc_date_t d;
                cr_assert_eq(dsc_time_decode(ctx, (dsc_calendar_t)cal, &tu, off, &d), DSC_OK);
                cr_assert(dsc_date_valid((dsc_calendar_t)cal, d));
                cr_assert_float_eq(dsc_time_encode((dsc_calendar_t)cal, &tu, d), off, 1e-6);
            }
        }
    }
}

/* The ncdump -t form: components of the time of day only as far as they are needed. The
 * expected strings are those ncdump prints for the same instants (e.g. "2006-12-16 12" in
 * tas_Amon_CanESM2, "1890-07-11 22" in TREFHT). */
Test(time, datetime_format_like_ncdump)
{
    const struct {
        dsc_date_t d;
        const char *want;
    } cases[] = {
        {{2006, 12, 16, 0.0}, "2006-12-16"},
        {{2006, 12, 16, 43200.0}, "2006-12-16 12"},
        {{1890, 7, 11, 79200.0000003}, "1890-07-11 22"},
        {{2000, 1, 1, 3600.0 * 6 + 60.0 * 30}, "2000-01-01 06:30"},
        {{2000, 1, 1, 59.0}, "2000-01-01 00:00:59"},
        {{2000, 1, 1, 3600.0 + 5.5}, "2000-01-01 01:00:5.500000"},
        {{0, 1, 16, 21600.0}, "0000-01-16 06"},
        {{2299, 12, 16, 0.0}, "2299-12-16"},
        {{-1, 3, 1, 0.0}, "-0001-03-01"},
    };
    char buf[64];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dsc_datetime_format(cases[i].d, buf, sizeof buf);
        cr_assert_str_eq(buf, cases[i].want);
    }
    /* A short buffer is truncated, never overrun. */
    char small[8];
    dsc_datetime_format(cases[1].d, small, sizeof small);
    cr_assert_str_eq(small, "2006-12");
}
