/* pairing.c - targets for training: observations paired with model days by date or by
 * rank within calendar months. Rank pairing is what a free-running model allows: its
 * weather on a given date is not the observed weather, but its distribution in a month of
 * a climate period is comparable to the observed one. */
#include "dsc/features.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void dsc_features_pair_by_date(const dsc_date_t *mdates, size_t nm, const dsc_date_t *odates,
                               const double *obs, size_t ostride, size_t no, double *target)
{
    size_t j = 0;
    for (size_t t = 0; t < nm; t++) {
        while (j < no && dsc_date_compare(odates[j], mdates[t]) < 0)
            j++;
        target[t] =
            (j < no && dsc_date_compare(odates[j], mdates[t]) == 0) ? obs[j * ostride] : NAN;
    }
}

/* Index of date d in sorted dates, or n when absent. */
static size_t find_date(const dsc_date_t *dates, size_t n, dsc_date_t d)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (dsc_date_compare(dates[mid], d) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && dsc_date_compare(dates[lo], d) == 0 ? lo : n;
}

void dsc_features_pair_by_year_fraction(const dsc_date_t *mdates, dsc_calendar_t mcal, size_t nm,
                                        const dsc_date_t *odates, dsc_calendar_t ocal,
                                        const double *obs, size_t ostride, size_t no,
                                        double *target)
{
    for (size_t t = 0; t < nm; t++) {
        int y = mdates[t].year;
        double lm = dsc_calendar_days_in_year(mcal, y);
        double lo = dsc_calendar_days_in_year(ocal, y);
        int k = dsc_date_doy(mcal, mdates[t]);
        int64_t j = (int64_t)floor((k - 0.5) * lo / lm); /* 0-based day of the obs year */
        dsc_date_t jan1 = {y, 1, 1, 0};
        dsc_date_t d = dsc_date_from_days(ocal, dsc_date_to_days(ocal, jan1) + j);
        size_t i = find_date(odates, no, d);
        target[t] = i < no ? obs[i * ostride] : NAN;
    }
}

typedef struct {
    double value;
    size_t index;
} ranked_t;

static int cmp_ranked(const void *a, const void *b)
{
    const ranked_t *x = a, *y = b;
    if (x->value < y->value)
        return -1;
    if (x->value > y->value)
        return 1;
    /* Ties keep time order so the pairing is deterministic. */
    return (x->index > y->index) - (x->index < y->index);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Quantile of sorted values at probability q, linear between order statistics. */
static double sorted_quantile(const double *v, size_t n, double q)
{
    double h = q * (double)(n - 1);
    size_t lo = (size_t)floor(h);
    if (lo + 1 >= n)
        return v[n - 1];
    return v[lo] + (h - (double)lo) * (v[lo + 1] - v[lo]);
}

int dsc_features_pair_by_rank(dsc_ctx_t *ctx, const dsc_date_t *mdates, const double *model,
                              size_t mstride, size_t nm, const dsc_date_t *odates,
                              const double *obs, size_t ostride, size_t no, int y0, int y1,
                              double *target)
{
    ranked_t *mv = dsc_malloc(ctx, (nm ? nm : 1) * sizeof *mv, "rank pairing");
    double *ov = dsc_malloc(ctx, (no ? no : 1) * sizeof *ov, "rank pairing");
    if (!mv || !ov) {
        free(mv);
        free(ov);
        return DSC_ERR_NOMEM;
    }
    for (size_t t = 0; t < nm; t++)
        target[t] = NAN;
    for (int month = 1; month <= 12; month++) {
        size_t km = 0, ko = 0;
        for (size_t t = 0; t < nm; t++) {
            double v = model[t * mstride];
            if (mdates[t].month == month && mdates[t].year >= y0 && mdates[t].year <= y1 &&
                isfinite(v))
                mv[km++] = (ranked_t){v, t};
        }
        for (size_t t = 0; t < no; t++) {
            double v = obs[t * ostride];
            if (odates[t].month == month && odates[t].year >= y0 && odates[t].year <= y1 &&
                isfinite(v))
                ov[ko++] = v;
        }
        if (km == 0 || ko == 0)
            continue;
        qsort(mv, km, sizeof *mv, cmp_ranked);
        qsort(ov, ko, sizeof *ov, cmp_double);
        for (size_t r = 0; r < km; r++)
            target[mv[r].index] = sorted_quantile(ov, ko, ((double)r + 0.5) / (double)km);
    }
    free(mv);
    free(ov);
    return DSC_OK;
}
