/* taylor.c - the statistics a Taylor diagram draws (Taylor 2001, JGR 106).
 *
 * Two passes (means first, then centred sums) rather than running sums of squares, which
 * lose most digits for temperatures in kelvin. The centred RMS difference is summed directly
 * from the centred differences, so that the law of cosines holds as a check on the numbers
 * rather than by construction.
 */
#include "dsc/stats.h"

#include <math.h>

static int both_finite(double a, double b)
{
    return isfinite(a) && isfinite(b);
}

int dsc_stats_taylor(dsc_ctx_t *ctx, const double *ref, const double *sim, size_t n,
                     dsc_taylor_t *out)
{
    size_t m = 0;
    double sum_r = 0.0, sum_s = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (both_finite(ref[i], sim[i])) {
            sum_r += ref[i];
            sum_s += sim[i];
            m++;
        }
    }
    if (m < 2)
        return dsc_error(ctx, DSC_ERR_RANGE, "taylor statistics: %zu valid pairs (need 2)", m);
    double mean_r = sum_r / (double)m, mean_s = sum_s / (double)m;

    double ss_r = 0.0, ss_s = 0.0, cross = 0.0, ss_centred = 0.0, ss_diff = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (!both_finite(ref[i], sim[i]))
            continue;
        double dr = ref[i] - mean_r, ds = sim[i] - mean_s;
        ss_r += dr * dr;
        ss_s += ds * ds;
        cross += dr * ds;
        ss_centred += (ds - dr) * (ds - dr);
        ss_diff += (sim[i] - ref[i]) * (sim[i] - ref[i]);
    }
    if (ss_r == 0.0 || ss_s == 0.0)
        return dsc_error(ctx, DSC_ERR_RANGE, "taylor statistics: %s series is constant",
                         ss_r == 0.0 ? "the reference" : "the simulated");

    out->n = m;
    out->mean = mean_s;
    out->mean_ref = mean_r;
    out->sd = sqrt(ss_s / (double)m);
    out->sd_ref = sqrt(ss_r / (double)m);
    out->sd_ratio = out->sd / out->sd_ref;
    out->corr = cross / sqrt(ss_r * ss_s);
    out->crmsd = sqrt(ss_centred / (double)m);
    out->crmsd_norm = out->crmsd / out->sd_ref;
    out->bias = mean_s - mean_r;
    out->rmse = sqrt(ss_diff / (double)m);
    return DSC_OK;
}
