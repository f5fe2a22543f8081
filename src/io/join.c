/* join.c - dsc_io_read_many: one series from several files, in time order.
 *
 * Model output is often split into chunks (one file per 25 years, say). The chunks are
 * read one by one, sorted by their first date, and must follow each other exactly: the
 * first step of a file is the step after the last step of the previous one. The step is
 * learnt from the data (a day, a month, a year, or a fixed number of seconds), since a
 * monthly series in a real calendar has no fixed length in days.
 */
#include "dsc/io.h"
#include "read_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef enum { STEP_UNKNOWN, STEP_DAY, STEP_MONTH, STEP_YEAR, STEP_FIXED } step_kind;

static double seconds_of(dsc_calendar_t cal, dsc_date_t d)
{
    return (double)dsc_date_to_days(cal, d) * 86400.0 + d.seconds;
}

static long month_index(dsc_date_t d)
{
    return (long)d.year * 12 + d.month - 1;
}

/* Whether b is one step of kind after a. */
static int is_next(step_kind kind, double fixed, dsc_calendar_t cal, dsc_date_t a,
                   dsc_date_t b)
{
    switch (kind) {
    case STEP_DAY: return dsc_date_to_days(cal, b) - dsc_date_to_days(cal, a) == 1;
    case STEP_MONTH: return month_index(b) - month_index(a) == 1;
    case STEP_YEAR: return b.year - a.year == 1 && b.month == a.month;
    case STEP_FIXED: return fabs(seconds_of(cal, b) - seconds_of(cal, a) - fixed) < 1.0;
    case STEP_UNKNOWN: return dsc_date_compare(a, b) < 0;
    }
    return 0;
}

/* The step of a field with at least two dates: the first kind all its steps agree with. */
static step_kind detect_step(const dsc_field_t *f, double *fixed)
{
    static const step_kind kinds[] = {STEP_DAY, STEP_MONTH, STEP_YEAR, STEP_FIXED};
    if (f->ntime < 2)
        return STEP_UNKNOWN;
    *fixed = seconds_of(f->calendar, f->dates[1]) - seconds_of(f->calendar, f->dates[0]);
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        size_t t = 1;
        while (t < f->ntime && is_next(kinds[k], *fixed, f->calendar, f->dates[t - 1],
                                       f->dates[t]))
            t++;
        if (t == f->ntime)
            return kinds[k];
    }
    return STEP_UNKNOWN;
}

static int same_grid(const dsc_grid_t *a, const dsc_grid_t *b)
{
    if (a->kind != b->kind || a->nlat != b->nlat || a->nlon != b->nlon)
        return 0;
    size_t nlon = a->kind == DSC_GRID_POINTS ? a->nlat : a->nlon;
    for (size_t i = 0; i < a->nlat; i++)
        if (!(fabs(a->lat[i] - b->lat[i]) < 1e-6) && !(isnan(a->lat[i]) && isnan(b->lat[i])))
            return 0;
    for (size_t i = 0; i < nlon; i++)
        if (!(fabs(a->lon[i] - b->lon[i]) < 1e-6) && !(isnan(a->lon[i]) && isnan(b->lon[i])))
            return 0;
    return 1;
}

typedef struct {
    dsc_date_t first;
    size_t index;
} file_order;

static int cmp_order(const void *x, const void *y)
{
    const file_order *a = x, *b = y;
    int c = dsc_date_compare(a->first, b->first);
    if (c)
        return c;
    return a->index < b->index ? -1 : a->index > b->index;
}

/* Checks that each file continues the previous one. */
static int check_sequence(dsc_ctx_t *ctx, dsc_field_t **fields, const file_order *order,
                          size_t n)
{
    step_kind kind = STEP_UNKNOWN;
    double fixed = 0;
    for (size_t k = 0; k < n && kind == STEP_UNKNOWN; k++)
        kind = detect_step(fields[order[k].index], &fixed);

    for (size_t k = 1; k < n; k++) {
        const dsc_field_t *p = fields[order[k - 1].index], *f = fields[order[k].index];
        if (f->calendar != p->calendar)
            return dsc_error(ctx, DSC_ERR_FORMAT, "%s and %s: calendars differ (%s, %s)",
                             p->source, f->source, dsc_calendar_name(p->calendar),
                             dsc_calendar_name(f->calendar));
        if (!same_grid(&p->grid, &f->grid))
            return dsc_error(ctx, DSC_ERR_FORMAT, "%s and %s: the grids differ", p->source,
                             f->source);
        dsc_date_t last = p->dates[p->ntime - 1], next = f->dates[0];
        if (is_next(kind, fixed, f->calendar, last, next))
            continue;
        char a[32], b[32];
        dsc_date_format(last, a, sizeof a);
        dsc_date_format(next, b, sizeof b);
        const char *what = dsc_date_compare(next, last) <= 0 ? "overlap" : "gap";
        return dsc_error(ctx, DSC_ERR_FORMAT, "%s and %s: %s between the files (the first "
                         "ends %s, the second starts %s)", p->source, f->source, what, a, b);
    }
    return DSC_OK;
}

/* Reads the n files (values only when with_values) and checks that they join. fields and
 * order have n entries; *total receives the joined length. */
static int read_in_order(dsc_ctx_t *ctx, const char *const *paths, size_t n, const char *var,
                         const dsc_region_t *region, const dsc_read_opts_t *opts,
                         int with_values, dsc_field_t **fields, file_order *order, size_t *total)
{
    int rc;
    *total = 0;
    for (size_t i = 0; i < n; i++) {
        rc = with_values ? dsc_io_read(ctx, paths[i], var, region, opts, &fields[i])
                         : io_read_header(ctx, paths[i], var, region, opts, &fields[i]);
        if (rc)
            return rc;
        order[i].first = fields[i]->dates[0];
        order[i].index = i;
        *total += fields[i]->ntime;
    }
    qsort(order, n, sizeof *order, cmp_order);
    return check_sequence(ctx, fields, order, n);
}

int dsc_io_check_many(dsc_ctx_t *ctx, const char *const *paths, size_t n, const char *var,
                      const dsc_region_t *region, const dsc_read_opts_t *opts)
{
    if (n == 0)
        return dsc_error(ctx, DSC_ERR_USAGE, "%s: no input files given", var ? var : "read");
    dsc_field_t **fields = dsc_calloc(ctx, n, sizeof *fields, "field list");
    file_order *order = dsc_calloc(ctx, n, sizeof *order, "file order");
    size_t total;
    int rc = fields && order ? read_in_order(ctx, paths, n, var, region, opts, 0, fields, order,
                                             &total)
                             : DSC_ERR_NOMEM;
    for (size_t i = 0; fields && i < n; i++)
        dsc_field_destroy(fields[i]);
    free(fields);
    free(order);
    return rc;
}

int dsc_io_read_many(dsc_ctx_t *ctx, const char *const *paths, size_t n, const char *var,
                     const dsc_region_t *region, const dsc_read_opts_t *opts,
                     dsc_field_t **out)
{
    dsc_field_t **fields = NULL, *joined = NULL;
    file_order *order = NULL;
    int rc = DSC_OK;

    *out = NULL;
    if (n == 0)
        return dsc_error(ctx, DSC_ERR_USAGE, "%s: no input files given", var ? var : "read");
    fields = dsc_calloc(ctx, n, sizeof *fields, "field list");
    order = dsc_calloc(ctx, n, sizeof *order, "file order");
    if (!fields || !order) {
        rc = DSC_ERR_NOMEM;
        goto done;
    }
    size_t total = 0;
    if ((rc = read_in_order(ctx, paths, n, var, region, opts, 1, fields, order, &total)))
        goto done;

    const dsc_field_t *f0 = fields[order[0].index];
    joined = dsc_field_create(ctx, f0->name, f0->calendar, total, &f0->grid);
    if (!joined) {
        rc = dsc_ctx_status(ctx);
        goto done;
    }
    size_t ncell = dsc_field_ncells(f0), t = 0;
    for (size_t k = 0; k < n; k++) {
        const dsc_field_t *f = fields[order[k].index];
        memcpy(joined->dates + t, f->dates, f->ntime * sizeof *f->dates);
        memcpy(joined->values + t * ncell, f->values, f->ntime * ncell * sizeof(double));
        t += f->ntime;
    }
    memcpy(joined->units, f0->units, sizeof joined->units);
    memcpy(joined->source, f0->source, sizeof joined->source);
    *out = joined;
done:
    if (fields)
        for (size_t i = 0; i < n; i++)
            dsc_field_destroy(fields[i]);
    free(fields);
    free(order);
    return rc;
}
