/* summary.c - one-number summaries of a series (mean, quantile), the Kolmogorov-Smirnov
 * distance between two samples, and the mean annual cycle.
 *
 * These functions take no context, so a failed allocation of the sorted copy (quantile and
 * KS) shows as a NaN result, like an empty sample.
 */
#include "dsc/stats.h"

#include <math.h>
#include <stdlib.h>

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The finite values of x, sorted, in a new array (free() it); *m gets their count. NULL when
 * there are none or memory is short. */
static double *sorted_finite(const double *x, size_t n, size_t *m)
{
    *m = 0;
    for (size_t i = 0; i < n; i++)
        *m += isfinite(x[i]) != 0;
    if (*m == 0)
        return NULL;
    double *v = malloc(*m * sizeof *v);
    if (!v)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(x[i]))
            v[k++] = x[i];
    qsort(v, *m, sizeof *v, compare_doubles);
    return v;
}

double dsc_stats_mean(const double *x, size_t n)
{
    double sum = 0.0;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (isfinite(x[i])) {
            sum += x[i];
            m++;
        }
    }
    return m ? sum / (double)m : NAN;
}

double dsc_stats_quantile(const double *x, size_t n, double p)
{
    if (!(p >= 0.0 && p <= 1.0))
        return NAN;
    size_t m;
    double *v = sorted_finite(x, n, &m);
    if (!v)
        return NAN;
    double h = (double)(m - 1) * p;
    size_t j = (size_t)h;
    double q = j + 1 < m ? v[j] + (h - (double)j) * (v[j + 1] - v[j]) : v[m - 1];
    free(v);
    return q;
}

/* The empirical CDFs only change at sample values, so the walk visits each distinct value
 * once, stepping past all its copies in both samples before comparing. */
double dsc_stats_ks(const double *a, size_t na, const double *b, size_t nb)
{
    size_t ma, mb;
    double *x = sorted_finite(a, na, &ma);
    double *y = sorted_finite(b, nb, &mb);
    double d = NAN;
    if (!x || !y)
        goto done;

    d = 0.0;
    size_t i = 0, j = 0;
    while (i < ma && j < mb) {
        double v = x[i] < y[j] ? x[i] : y[j];
        while (i < ma && x[i] == v)
            i++;
        while (j < mb && y[j] == v)
            j++;
        double diff = fabs((double)i / (double)ma - (double)j / (double)mb);
        d = diff > d ? diff : d;
    }
done:
    free(x);
    free(y);
    return d;
}

/* Same positions as the bias correction's day groups: leap-year day of year in the
 * real-world calendars, so a date keeps its slot in every year. */
static int year_slot(dsc_calendar_t cal, dsc_date_t d)
{
    static const int cum_noleap[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    static const int cum_leap[12] = {0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335};
    if (d.month < 1 || d.month > 12 || d.day < 1 ||
        d.day > dsc_calendar_days_in_month(cal, d.year, d.month))
        return -1;
    switch (cal) {
    case DSC_CAL_NOLEAP:
        return cum_noleap[d.month - 1] + d.day - 1;
    case DSC_CAL_360_DAY:
        return (d.month - 1) * 30 + d.day - 1;
    default:
        return cum_leap[d.month - 1] + d.day - 1;
    }
}

void dsc_stats_annual_cycle(dsc_calendar_t cal, const dsc_date_t *dates, const double *x, size_t n,
                            double out[366])
{
    size_t count[366] = {0};
    for (int k = 0; k < 366; k++)
        out[k] = 0.0;
    for (size_t i = 0; i < n; i++) {
        int k = year_slot(cal, dates[i]);
        if (k < 0 || !isfinite(x[i]))
            continue;
        out[k] += x[i];
        count[k]++;
    }
    for (int k = 0; k < 366; k++)
        out[k] = count[k] ? out[k] / (double)count[k] : NAN;
}
