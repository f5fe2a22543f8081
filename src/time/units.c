/* units.c - CF time units ("days since 1950-01-01"): parsing, decoding and encoding.
 *
 * Offsets are turned into a whole number of days plus seconds of the day, and the days are
 * added in the calendar's own day count, so no date ever passes through a 64-bit seconds
 * epoch: years past 2262 and before 1582 decode like any other.
 */
#include "dsc/time.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Largest offset magnitude accepted, in days: about 27 million years, far past any model
 * run, yet small enough that the day count and the int year cannot overflow. */
#define MAX_OFFSET_DAYS 1e10

static const struct {
    const char *name;
    double seconds;
} unit_names[] = {
    {"days", 86400.0},   {"day", 86400.0},    {"d", 86400.0},       {"hours", 3600.0},
    {"hour", 3600.0},    {"hrs", 3600.0},     {"hr", 3600.0},       {"h", 3600.0},
    {"minutes", 60.0},   {"minute", 60.0},    {"mins", 60.0},       {"min", 60.0},
    {"seconds", 1.0},    {"second", 1.0},     {"secs", 1.0},        {"sec", 1.0},
    {"s", 1.0},
};

static const char *skip_space(const char *p)
{
    while (isspace((unsigned char)*p))
        p++;
    return p;
}

/* Reads 1..maxdigits decimal digits; returns the count used (0 when none). */
static size_t read_number(const char *p, size_t maxdigits, long *value)
{
    size_t n = 0;
    long v = 0;
    while (n < maxdigits && isdigit((unsigned char)p[n])) {
        v = v * 10 + (p[n] - '0');
        n++;
    }
    *value = v;
    return n;
}

/* "Y-M-D" with or without zero padding (and an optional sign), or compact "YYYYMMDD". */
static const char *parse_ref_date(const char *p, dsc_date_t *d)
{
    long y, m, dd;
    int sign = 1;
    size_t ndig = 0;
    while (isdigit((unsigned char)p[ndig]))
        ndig++;
    if (ndig == 8 && p[8] != '-') {
        read_number(p, 4, &y);
        read_number(p + 4, 2, &m);
        read_number(p + 6, 2, &dd);
        p += 8;
    } else {
        if (*p == '-' || *p == '+') {
            sign = *p == '-' ? -1 : 1;
            p++;
        }
        size_t n = read_number(p, 9, &y);
        if (n == 0 || p[n] != '-')
            return NULL;
        p += n + 1;
        n = read_number(p, 2, &m);
        if (n == 0 || p[n] != '-')
            return NULL;
        p += n + 1;
        n = read_number(p, 2, &dd);
        if (n == 0)
            return NULL;
        p += n;
    }
    if (m < 1 || m > 12 || dd < 1 || dd > 31)
        return NULL;
    d->year = (int)(sign * y);
    d->month = (int)m;
    d->day = (int)dd;
    d->seconds = 0.0;
    return p;
}

/* "h[:m[:s[.frac]]]"; adds the seconds to d. */
static const char *parse_ref_time(const char *p, dsc_date_t *d)
{
    long h, m = 0;
    double s = 0.0;
    size_t n = read_number(p, 2, &h);
    if (n == 0)
        return NULL;
    p += n;
    if (*p == ':') {
        n = read_number(p + 1, 2, &m);
        if (n == 0)
            return NULL;
        p += n + 1;
        if (*p == ':') {
            long whole;
            n = read_number(p + 1, 2, &whole);
            if (n == 0)
                return NULL;
            p += n + 1;
            s = (double)whole;
            if (*p == '.') {
                double scale = 0.1;
                p++;
                while (isdigit((unsigned char)*p)) {
                    s += (*p - '0') * scale;
                    scale *= 0.1;
                    p++;
                }
            }
        }
    }
    if (h > 23 || m > 59 || s >= 61.0)
        return NULL;
    d->seconds = h * 3600.0 + m * 60.0 + s;
    if (d->seconds >= 86400.0)
        d->seconds = 86399.999999;
    return p;
}

/* A zone after the time: "Z", "UTC", "GMT" or a signed offset "+hh[:mm]" / "+hhmm".
 * Sets *nonzero when the offset is not zero. Returns NULL when it is not a zone. */
static const char *parse_zone(const char *p, int *nonzero)
{
    *nonzero = 0;
    if (*p == 'Z' || *p == 'z')
        return p + 1;
    if (strncasecmp(p, "UTC", 3) == 0 || strncasecmp(p, "GMT", 3) == 0)
        return p + 3;
    if (*p != '+' && *p != '-')
        return NULL;
    p++;
    long h, m = 0;
    size_t n = read_number(p, 4, &h);
    if (n == 0)
        return NULL;
    if (n > 2) {
        m = h % 100;
        h /= 100;
    }
    p += n;
    if (*p == ':') {
        n = read_number(p + 1, 2, &m);
        if (n == 0)
            return NULL;
        p += n + 1;
    }
    *nonzero = h != 0 || m != 0;
    return p;
}

static int parse_reference(const char *p, dsc_date_t *ref, int *zone_nonzero)
{
    *zone_nonzero = 0;
    p = parse_ref_date(p, ref);
    if (!p)
        return -1;
    if (*p == 'T' || *p == 't')
        p++;
    p = skip_space(p);
    if (isdigit((unsigned char)*p)) {
        p = parse_ref_time(p, ref);
        if (!p)
            return -1;
        p = skip_space(p);
    }
    if (*p) {
        p = parse_zone(p, zone_nonzero);
        if (!p)
            return -1;
        p = skip_space(p);
    }
    return *p == '\0' ? 0 : -1;
}

int dsc_time_units_parse(dsc_ctx_t *ctx, const char *text, dsc_time_units_t *out)
{
    const char *s = text ? text : "";
    const char *p = skip_space(s);

    /* The unit word. */
    const char *word = p;
    while (*p && !isspace((unsigned char)*p))
        p++;
    size_t wlen = (size_t)(p - word);
    double unit_seconds = 0.0;
    for (size_t i = 0; i < sizeof unit_names / sizeof unit_names[0]; i++) {
        if (strlen(unit_names[i].name) == wlen && strncasecmp(unit_names[i].name, word, wlen) == 0)
            unit_seconds = unit_names[i].seconds;
    }
    if (unit_seconds == 0.0) {
        if (wlen > 0 && (strncasecmp(word, "month", 5) == 0 || strncasecmp(word, "year", 4) == 0))
            return dsc_error(ctx, DSC_ERR_FORMAT,
                             "time units '%s': months and years have no fixed length; "
                             "give days, hours, minutes or seconds since a date", s);
        return dsc_error(ctx, DSC_ERR_FORMAT,
                         "time units '%s': not CF time units (expected '<days|hours|minutes|"
                         "seconds> since <date>')", s);
    }

    p = skip_space(p);
    if (strncasecmp(p, "since", 5) != 0 || !isspace((unsigned char)p[5]))
        return dsc_error(ctx, DSC_ERR_FORMAT,
                         "time units '%s': not CF time units (no 'since <date>')", s);
    p = skip_space(p + 5);

    dsc_date_t ref;
    int zone_nonzero;
    if (parse_reference(p, &ref, &zone_nonzero) != 0)
        return dsc_error(ctx, DSC_ERR_FORMAT, "time units '%s': reference date is not a date",
                         s);
    if (zone_nonzero)
        return dsc_error(ctx, DSC_ERR_FORMAT,
                         "time units '%s': time zones other than UTC are not supported", s);

    out->unit_seconds = unit_seconds;
    out->reference = ref;
    return DSC_OK;
}

int dsc_time_decode(dsc_ctx_t *ctx, dsc_calendar_t cal, const dsc_time_units_t *units,
                    double offset, dsc_date_t *out)
{
    char ref_text[32];
    if (!dsc_date_valid(cal, units->reference)) {
        dsc_date_format(units->reference, ref_text, sizeof ref_text);
        return dsc_error(ctx, DSC_ERR_FORMAT, "time reference %s: not a date in the %s calendar",
                         ref_text, dsc_calendar_name(cal));
    }
    if (!isfinite(offset) || fabs(offset) * units->unit_seconds / 86400.0 > MAX_OFFSET_DAYS)
        return dsc_error(ctx, DSC_ERR_FORMAT, "time offset %g: not a usable time value",
                         offset);

    /* Split the offset into whole days and seconds. An integer offset in days or seconds is
     * exact in double up to 2^53, so whole-day values stay whole. */
    double total = offset * units->unit_seconds + units->reference.seconds;
    double days = floor(total / 86400.0);
    double secs = total - days * 86400.0;

    /* Undo round-off such as 0.1 day = 8640.000000000002 s: keep microseconds. */
    secs = round(secs * 1e6) / 1e6;
    if (secs >= 86400.0) {
        secs -= 86400.0;
        days += 1.0;
    } else if (secs < 0.0) {
        secs += 86400.0;
        days -= 1.0;
    }

    int64_t day0 = dsc_date_to_days(cal, units->reference);
    *out = dsc_date_from_days(cal, day0 + (int64_t)days);
    out->seconds = secs;
    return DSC_OK;
}

double dsc_time_encode(dsc_calendar_t cal, const dsc_time_units_t *units, dsc_date_t d)
{
    int64_t ddays = dsc_date_to_days(cal, d) - dsc_date_to_days(cal, units->reference);
    double secs = (double)ddays * 86400.0 + (d.seconds - units->reference.seconds);
    return secs / units->unit_seconds;
}
