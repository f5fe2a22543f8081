/* groups.c - where a date falls in the year, values bucketed by that position, and moving
 * windows over the buckets.
 *
 * Positions are taken from the month and day, not from a day count, so that a date keeps its
 * position in every year: in the real-world calendars (standard, proleptic_gregorian,
 * julian) and all_leap the position is the day of year of a leap year, so 1 March is always
 * position 60 (0-based) and 29 February has position 59 of its own, filled in leap years
 * only. noleap has 365 positions and 360_day 360. A window slides over positions, wrapping
 * from the last to the first, so a window centred on 1 January takes late December too.
 */
#include "bc_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const int cum_noleap[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
static const int cum_leap[12] = {0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335};

size_t dsc_bc_group_count(dsc_bc_grouping grouping, dsc_calendar_t cal)
{
    if (grouping == DSC_BC_GROUP_MONTH)
        return 12;
    switch (cal) {
    case DSC_CAL_NOLEAP:
        return 365;
    case DSC_CAL_360_DAY:
        return 360;
    case DSC_CAL_STANDARD:
    case DSC_CAL_PROLEPTIC_GREGORIAN:
    case DSC_CAL_JULIAN:
    case DSC_CAL_ALL_LEAP:
        return 366;
    }
    return 0;
}

int dsc_bc_group_index(dsc_bc_grouping grouping, dsc_calendar_t cal, dsc_date_t d)
{
    if (dsc_bc_group_count(grouping, cal) == 0 || d.month < 1 || d.month > 12 || d.day < 1 ||
        d.day > dsc_calendar_days_in_month(cal, d.year, d.month))
        return -1;
    if (grouping == DSC_BC_GROUP_MONTH)
        return d.month - 1;
    switch (cal) {
    case DSC_CAL_NOLEAP:
        return cum_noleap[d.month - 1] + d.day - 1;
    case DSC_CAL_360_DAY:
        return (d.month - 1) * 30 + d.day - 1;
    default:
        return cum_leap[d.month - 1] + d.day - 1;
    }
}

int bc_positions(dsc_ctx_t *ctx, dsc_bc_grouping grouping, dsc_calendar_t cal,
                 const dsc_date_t *dates, size_t n, const char *what, int *pos)
{
    for (size_t i = 0; i < n; i++) {
        pos[i] = dsc_bc_group_index(grouping, cal, dates[i]);
        if (pos[i] < 0) {
            char text[32];
            dsc_date_format(dates[i], text, sizeof text);
            return dsc_error(ctx, DSC_ERR_USAGE, "%s: date %zu (%s) is not a %s date", what, i,
                             text, dsc_calendar_name(cal));
        }
    }
    return DSC_OK;
}

/* A counting sort by position keeps the fill at two passes over the series. */
int bc_buckets_build(dsc_ctx_t *ctx, size_t npos, const double *x, const int *pos, size_t n,
                     bc_buckets_t *b)
{
    memset(b, 0, sizeof *b);
    b->npos = npos;
    b->start = dsc_calloc(ctx, npos + 1, sizeof *b->start, "bias correction buckets");
    b->sum = dsc_calloc(ctx, npos, sizeof *b->sum, "bias correction buckets");
    if (!b->start || !b->sum)
        goto fail;

    for (size_t i = 0; i < n; i++)
        if (isfinite(x[i]))
            b->start[pos[i] + 1]++;
    for (size_t p = 0; p < npos; p++)
        b->start[p + 1] += b->start[p];

    b->values = dsc_malloc(ctx, (b->start[npos] ? b->start[npos] : 1) * sizeof *b->values,
                           "bias correction buckets");
    if (!b->values)
        goto fail;
    /* start[p] serves as the fill cursor of bucket p and ends at the next bucket's start. */
    for (size_t i = 0; i < n; i++)
        if (isfinite(x[i]))
            b->values[b->start[pos[i]]++] = x[i];
    memmove(b->start + 1, b->start, npos * sizeof *b->start);
    b->start[0] = 0;

    for (size_t p = 0; p < npos; p++) {
        double *v = b->values + b->start[p];
        size_t m = b->start[p + 1] - b->start[p];
        bc_sort(v, m);
        for (size_t k = 0; k < m; k++)
            b->sum[p] += v[k];
    }
    return DSC_OK;
fail:
    bc_buckets_free(b);
    return DSC_ERR_NOMEM;
}

void bc_buckets_free(bc_buckets_t *b)
{
    if (!b)
        return;
    free(b->start);
    free(b->values);
    free(b->sum);
    memset(b, 0, sizeof *b);
}

/* Bucket k of the window centred on group g, k = 0 .. 2 half. */
static size_t window_bucket(const bc_buckets_t *b, size_t half, size_t g, size_t k)
{
    return (g + b->npos - half + k) % b->npos;
}

void bc_group_means(const bc_buckets_t *b, size_t half, double *mean)
{
    for (size_t g = 0; g < b->npos; g++) {
        double sum = 0.0;
        size_t count = 0;
        for (size_t k = 0; k <= 2 * half; k++) {
            size_t p = window_bucket(b, half, g, k);
            sum += b->sum[p];
            count += b->start[p + 1] - b->start[p];
        }
        mean[g] = count ? sum / (double)count : NAN;
    }
}

/* Population sd about the window mean, summed as squared deviations rather than from sums
 * of squares, which lose every digit when temperatures are in kelvin. */
void bc_group_sds(const bc_buckets_t *b, size_t half, const double *mean, double *sd)
{
    for (size_t g = 0; g < b->npos; g++) {
        double ss = 0.0;
        size_t count = 0;
        for (size_t k = 0; k <= 2 * half; k++) {
            size_t p = window_bucket(b, half, g, k);
            for (size_t i = b->start[p]; i < b->start[p + 1]; i++) {
                double d = b->values[i] - mean[g];
                ss += d * d;
            }
            count += b->start[p + 1] - b->start[p];
        }
        sd[g] = count ? sqrt(ss / (double)count) : NAN;
    }
}

/* The largest number of values any window holds, found by sliding the bucket counts, so a
 * window's buffers hold one window (about window/ngroups of the series), not the series. */
static size_t window_capacity(const bc_buckets_t *b, size_t half)
{
    size_t size = 0, most = 0;
    for (size_t k = 0; k <= 2 * half; k++) {
        size_t p = window_bucket(b, half, 0, k);
        size += b->start[p + 1] - b->start[p];
    }
    most = size;
    for (size_t g = 1; g < b->npos; g++) {
        size_t leave = window_bucket(b, half, g - 1, 0);
        size_t enter = window_bucket(b, half, g - 1, 2 * half + 1);
        if (leave == enter)
            continue;
        size = size - (b->start[leave + 1] - b->start[leave]) +
               (b->start[enter + 1] - b->start[enter]);
        most = size > most ? size : most;
    }
    return most ? most : 1;
}

int bc_window_init(dsc_ctx_t *ctx, bc_window_t *w, const bc_buckets_t *b, size_t half)
{
    size_t cap = window_capacity(b, half);
    memset(w, 0, sizeof *w);
    w->b = b;
    w->half = half;
    w->cur = dsc_malloc(ctx, cap * sizeof *w->cur, "bias correction window");
    w->next = dsc_malloc(ctx, cap * sizeof *w->next, "bias correction window");
    if (!w->cur || !w->next) {
        bc_window_free(w);
        return DSC_ERR_NOMEM;
    }

    /* Only the first window is sorted from scratch; every later one is a merge. */
    for (size_t k = 0; k <= 2 * half; k++) {
        size_t p = window_bucket(b, half, 0, k);
        size_t m = b->start[p + 1] - b->start[p];
        memcpy(w->cur + w->size, b->values + b->start[p], m * sizeof *w->cur);
        w->size += m;
    }
    bc_sort(w->cur, w->size);
    return DSC_OK;
}

void bc_window_advance(bc_window_t *w)
{
    const bc_buckets_t *b = w->b;
    size_t leave = window_bucket(b, w->half, w->group, 0);
    size_t enter = window_bucket(b, w->half, w->group, 2 * w->half + 1);
    w->group++;
    if (leave == enter)
        return;

    /* Both buckets are sorted and the leaving one is a sub-multiset of the window, so one
     * pass drops its values by equality and merges the entering ones in: O(window) per
     * step instead of a sort. */
    const double *out = b->values + b->start[leave], *out_end = b->values + b->start[leave + 1];
    const double *in = b->values + b->start[enter], *in_end = b->values + b->start[enter + 1];
    size_t k = 0;
    for (size_t i = 0; i < w->size; i++) {
        double v = w->cur[i];
        if (out < out_end && v == *out) {
            out++;
            continue;
        }
        while (in < in_end && *in < v)
            w->next[k++] = *in++;
        w->next[k++] = v;
    }
    while (in < in_end)
        w->next[k++] = *in++;

    double *t = w->cur;
    w->cur = w->next;
    w->next = t;
    w->size = k;
}

void bc_window_free(bc_window_t *w)
{
    if (!w)
        return;
    free(w->cur);
    free(w->next);
    w->cur = w->next = NULL;
    w->size = 0;
}

/* The simulated series' own group statistics, for the methods that keep the model's change:
 * taken over every value passed in, so the caller passes one scenario period at a time. */
int bc_sim_groups(dsc_ctx_t *ctx, const dsc_bc_t *bc, const double *sim, const int *pos, size_t n,
                  double **quantiles, double **mean)
{
    bc_buckets_t b;
    if (mean)
        *mean = NULL;
    if (quantiles)
        *quantiles = NULL;
    int rc = bc_buckets_build(ctx, bc->ngroups, sim, pos, n, &b);
    if (rc != DSC_OK)
        return rc;

    if (mean) {
        *mean = dsc_malloc(ctx, bc->ngroups * sizeof **mean, "bias correction sim means");
        if (!*mean) {
            rc = DSC_ERR_NOMEM;
            goto fail;
        }
        bc_group_means(&b, bc->half, *mean);
    }
    if (quantiles) {
        /* ngroups * nq was checked against overflow when the correction was fitted. */
        *quantiles = dsc_malloc(ctx, bc->ngroups * bc->nq * sizeof **quantiles,
                                "bias correction sim quantiles");
        if (!*quantiles) {
            rc = DSC_ERR_NOMEM;
            goto fail;
        }
        rc = bc_group_quantiles(ctx, &b, bc->half, bc->nq, *quantiles);
    }
fail:
    if (rc != DSC_OK) {
        if (mean) {
            free(*mean);
            *mean = NULL;
        }
        if (quantiles) {
            free(*quantiles);
            *quantiles = NULL;
        }
    }
    bc_buckets_free(&b);
    return rc;
}
