/* histogram.c - histograms of several series on one set of bins, so they can be drawn and
 * compared bar by bar.
 *
 * Bin k covers [lo + k width, lo + (k+1) width). Both the bins and the counts locate a value
 * by floor(x / width) (a whole number of widths from zero) rather than by (x - lo) / width,
 * so a value on an edge lands in the same bin whichever way it is computed.
 */
#include "dsc/stats.h"

#include <math.h>

/* More bins than any figure can show means the width was given in the wrong unit. */
#define MAX_BINS 10000000.0

int dsc_stats_bins(dsc_ctx_t *ctx, const double *const *series, const size_t *lengths,
                   size_t nseries, double width, dsc_bins_t *out)
{
    if (!(width > 0.0) || !isfinite(width))
        return dsc_error(ctx, DSC_ERR_USAGE, "histogram bins: width %g must be positive", width);
    double lo = INFINITY, hi = -INFINITY;
    for (size_t s = 0; s < nseries; s++) {
        for (size_t i = 0; i < lengths[s]; i++) {
            double v = series[s][i];
            if (!isfinite(v))
                continue;
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
        }
    }
    if (lo > hi)
        return dsc_error(ctx, DSC_ERR_RANGE, "histogram bins: no finite value in %zu series",
                         nseries);

    double first = floor(lo / width), last = floor(hi / width);
    if (last - first + 1.0 > MAX_BINS)
        return dsc_error(ctx, DSC_ERR_RANGE,
                         "histogram bins: width %g gives more than %.0f bins over [%g, %g]", width,
                         MAX_BINS, lo, hi);
    out->lo = first * width;
    out->width = width;
    out->nbins = (size_t)(last - first) + 1;
    return DSC_OK;
}

void dsc_stats_histogram(const dsc_bins_t *bins, const double *x, size_t n, size_t *counts)
{
    for (size_t k = 0; k < bins->nbins; k++)
        counts[k] = 0;
    if (bins->nbins == 0)
        return;
    double first = round(bins->lo / bins->width);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i]))
            continue;
        double k = floor(x[i] / bins->width) - first;
        if (k < 0.0)
            k = 0.0;
        if (k > (double)(bins->nbins - 1))
            k = (double)(bins->nbins - 1);
        counts[(size_t)k]++;
    }
}
