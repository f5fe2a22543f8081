/* time.h - CF calendars, dates and time axes.
 *
 * Dates are held as broken-down calendar dates, never as seconds since an epoch of our own,
 * so a noleap or 360_day date is exactly the date the model wrote and years past 2262 or
 * before 1582 need no special care.
 */
#ifndef DSC_TIME_H
#define DSC_TIME_H

#include "dsc/core.h"

/* CF calendars. DSC_CAL_STANDARD is the mixed Julian/Gregorian calendar (switch after
 * 1582-10-04); proleptic_gregorian applies Gregorian rules to every year. */
typedef enum {
    DSC_CAL_STANDARD = 0,
    DSC_CAL_PROLEPTIC_GREGORIAN,
    DSC_CAL_JULIAN,
    DSC_CAL_NOLEAP,   /* also "365_day" */
    DSC_CAL_ALL_LEAP, /* also "366_day" */
    DSC_CAL_360_DAY
} dsc_calendar_t;

/* A calendar date and time of day. */
typedef struct {
    int year;       /* astronomical year (year 0 exists; -1 is 2 BC) */
    int month;      /* 1..12 */
    int day;        /* 1..31 (1..30 in 360_day) */
    double seconds; /* seconds since midnight, [0, 86400) */
} dsc_date_t;

/* Parses a CF calendar name (case-insensitive; "gregorian" = standard, "365_day" = noleap,
 * "366_day" = all_leap). NULL or "" means standard, as CF says. An unknown name such as
 * "365_days" is DSC_ERR_FORMAT naming the value. */
int dsc_calendar_parse(dsc_ctx_t *ctx, const char *name, dsc_calendar_t *out);
/* Canonical CF name ("standard", "noleap", "360_day", ...). Static storage. */
const char *dsc_calendar_name(dsc_calendar_t cal);

/* Calendar arithmetic. In the standard calendar October 1582 has days numbered up to 31
 * (days_in_month gives 31) though 5..14 do not exist; days_in_year(1582) is 355. */
int dsc_calendar_is_leap(dsc_calendar_t cal, int year);
int dsc_calendar_days_in_month(dsc_calendar_t cal, int year, int month);
int dsc_calendar_days_in_year(dsc_calendar_t cal, int year);
/* Day of year, 1-based (1..360/365/366). */
int dsc_date_doy(dsc_calendar_t cal, dsc_date_t d);
/* True when d is a valid date in cal. */
int dsc_date_valid(dsc_calendar_t cal, dsc_date_t d);
/* Days from the calendar's own origin (a fixed day count, consistent within one calendar),
 * for differences and sorting; integer part only (seconds ignored). For standard,
 * proleptic_gregorian and julian it is the Julian Day Number (2000-01-01 = 2451545). */
int64_t dsc_date_to_days(dsc_calendar_t cal, dsc_date_t d);
dsc_date_t dsc_date_from_days(dsc_calendar_t cal, int64_t days);
/* -1, 0, 1 ordering by (year, month, day, seconds). */
int dsc_date_compare(dsc_date_t a, dsc_date_t b);
/* Writes "YYYY-MM-DD" (years outside 0..9999 get a sign or more digits) into buf. */
void dsc_date_format(dsc_date_t d, char *buf, size_t size);
/* Writes the date and time of day the way `ncdump -t` prints it: "YYYY-MM-DD", then
 * " HH", " HH:MM", " HH:MM:SS" or " HH:MM:S.ffffff" as far as the time of day needs (nothing
 * at midnight), e.g. "2006-12-16 12". The time is rounded to the microsecond. */
void dsc_datetime_format(dsc_date_t d, char *buf, size_t size);
/* Parses "YYYY-MM-DD" or "YYYYMMDD" (no time). DSC_ERR_FORMAT when it is not a date. */
int dsc_date_parse(dsc_ctx_t *ctx, const char *text, dsc_date_t *out);

/* CF time units "<unit> since <reference>" where unit is days, hours, minutes or seconds
 * (and their singular and abbreviated forms: d, h, hr, min, s, sec). */
typedef struct {
    double unit_seconds;  /* seconds in one unit: 86400 for days */
    dsc_date_t reference; /* the reference date and time */
} dsc_time_units_t;

/* Parses CF time units. Reference dates may lack zero padding ("2046-1-1"), carry a time
 * ("00:00:00.000000"), a "T" separator or a zone "Z"/"+00:00" (a non-zero zone is refused).
 * Non-CF units ("yyyymm", "months since" for a daily axis, an invalid reference date) are
 * DSC_ERR_FORMAT naming the value. */
int dsc_time_units_parse(dsc_ctx_t *ctx, const char *text, dsc_time_units_t *out);

/* Converts one offset (in units, may be negative or fractional) to a date in cal. */
int dsc_time_decode(dsc_ctx_t *ctx, dsc_calendar_t cal, const dsc_time_units_t *units,
                    double offset, dsc_date_t *out);
/* The inverse: the offset of date d in units. */
double dsc_time_encode(dsc_calendar_t cal, const dsc_time_units_t *units, dsc_date_t d);

#endif
