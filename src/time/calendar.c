/* calendar.c - the CF calendars: leap rules, day counts, date validity, text forms.
 *
 * Day counts for the real-world calendars (standard, proleptic_gregorian, julian) are Julian
 * Day Numbers, so that the mixed standard calendar can switch from Julian to Gregorian
 * arithmetic at 1582-10-15 without a jump: Julian 1582-10-04 is JDN 2299160 and Gregorian
 * 1582-10-15 is JDN 2299161. The model calendars (noleap, all_leap, 360_day) count days from
 * their own year 0, January 1.
 */
#include "dsc/time.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* First day of the Gregorian calendar in the mixed calendar, and its JDN. */
#define GREGORIAN_START_JDN 2299161
/* JDN of 1970-01-01 (Gregorian), the origin of the civil day count below. */
#define JDN_1970 2440588
/* Offset between the March-based Julian day count below and the JDN. */
#define JULIAN_JDN_OFFSET 1721118

static const int cum_noleap[13] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365};
static const int cum_leap[13] = {0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366};

static const struct {
    const char *name;
    dsc_calendar_t cal;
} calendar_names[] = {
    {"standard", DSC_CAL_STANDARD},
    {"gregorian", DSC_CAL_STANDARD},
    {"proleptic_gregorian", DSC_CAL_PROLEPTIC_GREGORIAN},
    {"julian", DSC_CAL_JULIAN},
    {"noleap", DSC_CAL_NOLEAP},
    {"365_day", DSC_CAL_NOLEAP},
    {"all_leap", DSC_CAL_ALL_LEAP},
    {"366_day", DSC_CAL_ALL_LEAP},
    {"360_day", DSC_CAL_360_DAY},
};

/* Floor division and the matching non-negative remainder, since C rounds toward zero and
 * years before 0 must land in the right cycle. */
static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int64_t floor_mod(int64_t a, int64_t b)
{
    return a - floor_div(a, b) * b;
}

int dsc_calendar_parse(dsc_ctx_t *ctx, const char *name, dsc_calendar_t *out)
{
    *out = DSC_CAL_STANDARD;
    if (!name)
        return DSC_OK;

    /* Attributes written by Fortran often carry trailing blanks or a NUL pad. */
    size_t len = strlen(name);
    while (len > 0 && isspace((unsigned char)name[len - 1]))
        len--;
    while (len > 0 && isspace((unsigned char)*name)) {
        name++;
        len--;
    }
    if (len == 0)
        return DSC_OK;

    for (size_t i = 0; i < sizeof calendar_names / sizeof calendar_names[0]; i++) {
        if (strlen(calendar_names[i].name) == len &&
            strncasecmp(calendar_names[i].name, name, len) == 0) {
            *out = calendar_names[i].cal;
            return DSC_OK;
        }
    }
    return dsc_error(ctx, DSC_ERR_FORMAT, "calendar '%.*s': not a CF calendar", (int)len, name);
}

const char *dsc_calendar_name(dsc_calendar_t cal)
{
    switch (cal) {
    case DSC_CAL_STANDARD: return "standard";
    case DSC_CAL_PROLEPTIC_GREGORIAN: return "proleptic_gregorian";
    case DSC_CAL_JULIAN: return "julian";
    case DSC_CAL_NOLEAP: return "noleap";
    case DSC_CAL_ALL_LEAP: return "all_leap";
    case DSC_CAL_360_DAY: return "360_day";
    }
    return "unknown";
}

static int gregorian_leap(int year)
{
    return floor_mod(year, 4) == 0 && (floor_mod(year, 100) != 0 || floor_mod(year, 400) == 0);
}

static int julian_leap(int year)
{
    return floor_mod(year, 4) == 0;
}

int dsc_calendar_is_leap(dsc_calendar_t cal, int year)
{
    switch (cal) {
    case DSC_CAL_STANDARD: return year < 1582 ? julian_leap(year) : gregorian_leap(year);
    case DSC_CAL_PROLEPTIC_GREGORIAN: return gregorian_leap(year);
    case DSC_CAL_JULIAN: return julian_leap(year);
    case DSC_CAL_ALL_LEAP: return 1;
    case DSC_CAL_NOLEAP:
    case DSC_CAL_360_DAY: return 0;
    }
    return 0;
}

int dsc_calendar_days_in_month(dsc_calendar_t cal, int year, int month)
{
    if (month < 1 || month > 12)
        return 0;
    if (cal == DSC_CAL_360_DAY)
        return 30;
    const int *cum = dsc_calendar_is_leap(cal, year) ? cum_leap : cum_noleap;
    return cum[month] - cum[month - 1];
}

int dsc_calendar_days_in_year(dsc_calendar_t cal, int year)
{
    if (cal == DSC_CAL_360_DAY)
        return 360;
    /* The year of the switch lost ten days (1582-10-05 .. 1582-10-14). */
    if (cal == DSC_CAL_STANDARD && year == 1582)
        return 355;
    return dsc_calendar_is_leap(cal, year) ? 366 : 365;
}

/* Days since 1970-01-01 of a proleptic Gregorian date, counting years from March so that
 * the leap day is the last day of its year. */
static int64_t gregorian_to_days(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void gregorian_from_days(int64_t z, dsc_date_t *out)
{
    z += 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    out->day = (int)(doy - (153 * mp + 2) / 5 + 1);
    out->month = m;
    out->year = (int)(yoe + era * 400 + (m <= 2));
}

/* The same March-based count for the Julian calendar: a plain four-year cycle. */
static int64_t julian_to_days(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = floor_div(y, 4);
    int64_t yoe = y - era * 4;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    return era * 1461 + yoe * 365 + doy;
}

static void julian_from_days(int64_t z, dsc_date_t *out)
{
    int64_t era = floor_div(z, 1461);
    int64_t doe = z - era * 1461;
    int64_t yoe = doe == 1460 ? 3 : doe / 365; /* day 1460 is the leap day of year 3 */
    int64_t doy = doe - 365 * yoe;
    int64_t mp = (5 * doy + 2) / 153;
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    out->day = (int)(doy - (153 * mp + 2) / 5 + 1);
    out->month = m;
    out->year = (int)(yoe + era * 4 + (m <= 2));
}

/* Model calendars with the same length every year (or none but their own leap rule). */
static int64_t fixed_to_days(int64_t y, int m, int d, int year_len, const int *cum)
{
    return y * year_len + cum[m - 1] + d - 1;
}

static void fixed_from_days(int64_t z, int year_len, const int *cum, dsc_date_t *out)
{
    int64_t y = floor_div(z, year_len);
    int doy = (int)(z - y * year_len);
    int m = 1;
    while (m < 12 && doy >= cum[m])
        m++;
    out->year = (int)y;
    out->month = m;
    out->day = doy - cum[m - 1] + 1;
}

static int is_before_switch(dsc_date_t d)
{
    if (d.year != 1582)
        return d.year < 1582;
    if (d.month != 10)
        return d.month < 10;
    return d.day < 15;
}

int64_t dsc_date_to_days(dsc_calendar_t cal, dsc_date_t d)
{
    static const int cum_360[13] = {0,   30,  60,  90,  120, 150, 180,
                                    210, 240, 270, 300, 330, 360};
    int m = d.month < 1 ? 1 : d.month > 12 ? 12 : d.month;
    switch (cal) {
    case DSC_CAL_STANDARD:
        if (is_before_switch(d))
            return julian_to_days(d.year, m, d.day) + JULIAN_JDN_OFFSET;
        return gregorian_to_days(d.year, m, d.day) + JDN_1970;
    case DSC_CAL_PROLEPTIC_GREGORIAN: return gregorian_to_days(d.year, m, d.day) + JDN_1970;
    case DSC_CAL_JULIAN: return julian_to_days(d.year, m, d.day) + JULIAN_JDN_OFFSET;
    case DSC_CAL_NOLEAP: return fixed_to_days(d.year, m, d.day, 365, cum_noleap);
    case DSC_CAL_ALL_LEAP: return fixed_to_days(d.year, m, d.day, 366, cum_leap);
    case DSC_CAL_360_DAY: return fixed_to_days(d.year, m, d.day, 360, cum_360);
    }
    return 0;
}

dsc_date_t dsc_date_from_days(dsc_calendar_t cal, int64_t days)
{
    static const int cum_360[13] = {0,   30,  60,  90,  120, 150, 180,
                                    210, 240, 270, 300, 330, 360};
    dsc_date_t d = {0, 1, 1, 0.0};
    switch (cal) {
    case DSC_CAL_STANDARD:
        if (days < GREGORIAN_START_JDN)
            julian_from_days(days - JULIAN_JDN_OFFSET, &d);
        else
            gregorian_from_days(days - JDN_1970, &d);
        break;
    case DSC_CAL_PROLEPTIC_GREGORIAN: gregorian_from_days(days - JDN_1970, &d); break;
    case DSC_CAL_JULIAN: julian_from_days(days - JULIAN_JDN_OFFSET, &d); break;
    case DSC_CAL_NOLEAP: fixed_from_days(days, 365, cum_noleap, &d); break;
    case DSC_CAL_ALL_LEAP: fixed_from_days(days, 366, cum_leap, &d); break;
    case DSC_CAL_360_DAY: fixed_from_days(days, 360, cum_360, &d); break;
    }
    return d;
}

int dsc_date_doy(dsc_calendar_t cal, dsc_date_t d)
{
    dsc_date_t jan1 = {d.year, 1, 1, 0.0};
    return (int)(dsc_date_to_days(cal, d) - dsc_date_to_days(cal, jan1)) + 1;
}

int dsc_date_valid(dsc_calendar_t cal, dsc_date_t d)
{
    if (d.month < 1 || d.month > 12 || d.day < 1)
        return 0;
    if (d.day > dsc_calendar_days_in_month(cal, d.year, d.month))
        return 0;
    if (!(d.seconds >= 0.0 && d.seconds < 86400.0))
        return 0;
    if (cal == DSC_CAL_STANDARD && d.year == 1582 && d.month == 10 && d.day > 4 && d.day < 15)
        return 0;
    return 1;
}

int dsc_date_compare(dsc_date_t a, dsc_date_t b)
{
    if (a.year != b.year)
        return a.year < b.year ? -1 : 1;
    if (a.month != b.month)
        return a.month < b.month ? -1 : 1;
    if (a.day != b.day)
        return a.day < b.day ? -1 : 1;
    if (a.seconds != b.seconds)
        return a.seconds < b.seconds ? -1 : 1;
    return 0;
}

void dsc_date_format(dsc_date_t d, char *buf, size_t size)
{
    if (!buf || size == 0)
        return;
    if (d.year < 0)
        snprintf(buf, size, "-%04d-%02d-%02d", -d.year, d.month, d.day);
    else
        snprintf(buf, size, "%04d-%02d-%02d", d.year, d.month, d.day);
}

void dsc_datetime_format(dsc_date_t d, char *buf, size_t size)
{
    char date[32];
    if (!buf || size == 0)
        return;
    dsc_date_format(d, date, sizeof date);
    /* Whole microseconds, so that 79200.0000003 s (a day fraction stored in decimal) is
     * 22:00 and not 21:59:59.999999. */
    double us = isfinite(d.seconds) ? round(d.seconds * 1e6) : 0.0;
    if (us <= 0.0 || us >= 86400e6) {
        snprintf(buf, size, "%s", date);
        return;
    }
    long long whole = (long long)(us / 1e6);
    long long frac = (long long)us - whole * 1000000LL;
    int h = (int)(whole / 3600), m = (int)(whole / 60 % 60), s = (int)(whole % 60);
    if (frac != 0)
        snprintf(buf, size, "%s %02d:%02d:%f", date, h, m, (double)s + (double)frac / 1e6);
    else if (s != 0)
        snprintf(buf, size, "%s %02d:%02d:%02d", date, h, m, s);
    else if (m != 0)
        snprintf(buf, size, "%s %02d:%02d", date, h, m);
    else
        snprintf(buf, size, "%s %02d", date, h);
}

/* Reads an unsigned decimal of 1..maxdigits digits; returns the characters used, 0 if none. */
static size_t read_digits(const char *s, size_t maxdigits, long *value)
{
    size_t n = 0;
    long v = 0;
    while (n < maxdigits && isdigit((unsigned char)s[n])) {
        v = v * 10 + (s[n] - '0');
        n++;
    }
    *value = v;
    return n;
}

int dsc_date_parse(dsc_ctx_t *ctx, const char *text, dsc_date_t *out)
{
    long y = 0, m = 0, d = 0;
    int sign = 1;
    const char *s = text ? text : "";
    const char *p = s;

    while (isspace((unsigned char)*p))
        p++;
    size_t ndig = 0;
    while (isdigit((unsigned char)p[ndig]))
        ndig++;

    if (ndig == 8 && (p[8] == '\0' || isspace((unsigned char)p[8]))) {
        /* Compact YYYYMMDD. */
        read_digits(p, 4, &y);
        read_digits(p + 4, 2, &m);
        read_digits(p + 6, 2, &d);
        p += 8;
    } else {
        if (*p == '-' || *p == '+') {
            sign = *p == '-' ? -1 : 1;
            p++;
        }
        size_t n = read_digits(p, 9, &y);
        if (n == 0 || p[n] != '-')
            goto bad;
        p += n + 1;
        n = read_digits(p, 2, &m);
        if (n == 0 || p[n] != '-')
            goto bad;
        p += n + 1;
        n = read_digits(p, 2, &d);
        if (n == 0)
            goto bad;
        p += n;
    }
    while (isspace((unsigned char)*p))
        p++;
    if (*p != '\0' || m < 1 || m > 12 || d < 1 || d > 31)
        goto bad;

    out->year = (int)(sign * y);
    out->month = (int)m;
    out->day = (int)d;
    out->seconds = 0.0;
    return DSC_OK;
bad:
    return dsc_error(ctx, DSC_ERR_FORMAT, "date '%s': not a date (expected YYYY-MM-DD)", s);
}
