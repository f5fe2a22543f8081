/* trend.c - annual means and the linear trend through them, with a confidence interval.
 *
 * The trend is the ordinary least-squares slope of annual means against the year. Annual
 * rather than daily values: the days of one year are strongly autocorrelated and carry the
 * seasonal cycle, so a regression on them would claim far more independent information
 * than there is and give a much too narrow interval. The interval is
 * slope +- t_{(1+level)/2, n-2} * se, with se^2 = (residual sum of squares / (n - 2)) /
 * sum (year - mean year)^2.
 */
#include "dsc/stats.h"

#include <math.h>

static void clamp_coverage(double *c)
{
    if (!(*c >= 0.0))
        *c = 0.0;
    if (*c > 1.0)
        *c = 1.0;
}

void dsc_stats_annual_means(dsc_calendar_t cal, const dsc_date_t *dates, const double *x,
                            size_t n, double min_coverage, int year0, size_t nyears,
                            double *out)
{
    clamp_coverage(&min_coverage);
    /* One scan per year keeps the function free of workspace and of any assumption on
     * the order of the dates; a century of daily data is still well under a second. */
    for (size_t y = 0; y < nyears; y++) {
        int year = year0 + (int)y;
        double sum = 0.0;
        size_t count = 0;
        for (size_t i = 0; i < n; i++) {
            if (dates[i].year != year || !isfinite(x[i]) || !dsc_date_valid(cal, dates[i]))
                continue;
            sum += x[i];
            count++;
        }
        double need = min_coverage * (double)dsc_calendar_days_in_year(cal, year);
        out[y] = count > 0 && (double)count >= need ? sum / (double)count : NAN;
    }
}

int dsc_stats_trend(dsc_ctx_t *ctx, const double *means, int year0, size_t nyears,
                    double level, dsc_trend_t *out)
{
    if (!(level > 0.0 && level < 1.0))
        return dsc_error(ctx, DSC_ERR_USAGE, "trend: confidence level %g must lie in (0, 1)",
                         level);
    size_t m = 0;
    double sum_t = 0.0, sum_y = 0.0;
    for (size_t i = 0; i < nyears; i++) {
        if (!isfinite(means[i]))
            continue;
        sum_t += (double)year0 + (double)i;
        sum_y += means[i];
        m++;
    }
    if (m < 3)
        return dsc_error(ctx, DSC_ERR_RANGE,
                         "trend: %zu years with an annual mean (need 3 for an interval)", m);
    double mean_t = sum_t / (double)m, mean_y = sum_y / (double)m;

    /* Centred sums, so that years near 2000 and kelvin values lose no digits. */
    double stt = 0.0, sty = 0.0;
    for (size_t i = 0; i < nyears; i++) {
        if (!isfinite(means[i]))
            continue;
        double dt = (double)year0 + (double)i - mean_t;
        stt += dt * dt;
        sty += dt * (means[i] - mean_y);
    }
    double slope = sty / stt;
    double sse = 0.0;
    for (size_t i = 0; i < nyears; i++) {
        if (!isfinite(means[i]))
            continue;
        double r = means[i] - mean_y - slope * ((double)year0 + (double)i - mean_t);
        sse += r * r;
    }
    double se = sqrt(sse / (double)(m - 2) / stt);
    double t = dsc_stats_t_quantile(0.5 * (1.0 + level), (double)(m - 2));

    out->nyears = m;
    out->level = level;
    out->slope = 10.0 * slope;
    out->se = 10.0 * se;
    out->ci_low = 10.0 * (slope - t * se);
    out->ci_high = 10.0 * (slope + t * se);
    return DSC_OK;
}
