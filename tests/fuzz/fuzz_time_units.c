/* fuzz_time_units.c - libFuzzer target for the text the reader takes from file attributes:
 * CF time units, calendar names, temperature units and dates, and the decoding that follows
 * a successful parse.
 *
 * Beyond "no crash, no undefined behaviour" it checks what must hold for any input: a decoded
 * date is a valid date of its calendar, encoding it gives back the offset, and the day count
 * of a parsed date converts back to the same date. A violation aborts, which libFuzzer
 * reports with the input that caused it.
 *
 * Input: the first byte picks the calendar and an offset; the rest is the text.
 * Build and run: `make fuzz` (FUZZ_SECONDS=60 bounds the run; see docs/ingest.md).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsc/io.h"
#include "dsc/time.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const double offsets[] = {0.0, -1.0, 0.5, 1.25, 59.0, 31.0, 365.25, -146097.0,
                                 1e6, -7.3e7, 1e9, 2.5e-7};

static void check_decode(dsc_ctx_t *ctx, dsc_calendar_t cal, const dsc_time_units_t *tu,
                         double offset)
{
    dsc_date_t d;
    char buf[64];
    if (dsc_time_decode(ctx, cal, tu, offset, &d) != DSC_OK)
        return;
    if (!dsc_date_valid(cal, d)) {
        fprintf(stderr, "decoded %d-%d-%d %.6f is not a %s date\n", d.year, d.month, d.day,
                d.seconds, dsc_calendar_name(cal));
        abort();
    }
    dsc_datetime_format(d, buf, sizeof buf);
    /* Decoding keeps microseconds; beyond that, double rounding of the total seconds. */
    double back = dsc_time_encode(cal, tu, d);
    double err = fabs(back - offset) * tu->unit_seconds;
    double total = fabs(offset * tu->unit_seconds) + fabs(tu->reference.seconds);
    if (!(err <= 2e-6 + 1e-15 * total)) {
        fprintf(stderr, "offset %.17g decodes to %s, which encodes to %.17g\n", offset, buf,
                back);
        abort();
    }
}

static void check_days(dsc_calendar_t cal, dsc_date_t d)
{
    if (!dsc_date_valid(cal, d))
        return;
    dsc_date_t e = dsc_date_from_days(cal, dsc_date_to_days(cal, d));
    if (e.year != d.year || e.month != d.month || e.day != d.day) {
        fprintf(stderr, "%d-%d-%d comes back as %d-%d-%d in %s\n", d.year, d.month, d.day,
                e.year, e.month, e.day, dsc_calendar_name(cal));
        abort();
    }
    if (dsc_date_doy(cal, d) < 1 || dsc_date_doy(cal, d) > 366) {
        fprintf(stderr, "%d-%d-%d: day of year %d\n", d.year, d.month, d.day,
                dsc_date_doy(cal, d));
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static dsc_ctx_t *ctx;
    if (!ctx && !(ctx = dsc_ctx_create()))
        return 0;
    if (size < 1 || size > 4096)
        return 0;
    /* Attribute text arrives NUL-terminated from netCDF; an embedded NUL ends it early,
     * as it would there. */
    char *text = malloc(size);
    if (!text)
        return 0;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    dsc_calendar_t cal = (dsc_calendar_t)(data[0] % 6);
    double offset = offsets[(data[0] / 6) % (sizeof offsets / sizeof offsets[0])];

    dsc_calendar_t parsed;
    if (dsc_calendar_parse(ctx, text, &parsed) == DSC_OK)
        cal = parsed;
    double scale, add;
    if (dsc_units_to_celsius(ctx, text, &scale, &add) == DSC_OK &&
        !(isfinite(scale) && scale > 0 && isfinite(add)))
        abort();
    dsc_date_t d;
    if (dsc_date_parse(ctx, text, &d) == DSC_OK)
        for (int c = 0; c < 6; c++)
            check_days((dsc_calendar_t)c, d);
    dsc_time_units_t tu;
    if (dsc_time_units_parse(ctx, text, &tu) == DSC_OK) {
        check_days(cal, tu.reference);
        check_decode(ctx, cal, &tu, offset);
        check_decode(ctx, cal, &tu, -offset);
    }
    dsc_ctx_clear(ctx);
    free(text);
    return 0;
}
