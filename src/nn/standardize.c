/* standardize.c - the centring and scaling of inputs and targets, and the NaN guard.
 *
 * Population standard deviations (divide by n) are used so that a single training row is
 * still valid. A column whose spread is zero, or only rounding noise next to its mean, is
 * constant: it gets sd 1, so it standardises to zeros instead of dividing by zero.
 */
#include <math.h>

#include "internal.h"

#define CONSTANT_REL 1e-12

void dsc_nn_moments(const double *x, size_t n, size_t p, double *mean, double *sd)
{
    for (size_t k = 0; k < p; k++) {
        double sum = 0.0, ss = 0.0;
        for (size_t i = 0; i < n; i++)
            sum += x[i * p + k];
        mean[k] = sum / (double)n;
        /* Two passes: the one-pass formula loses every digit on large, nearly constant
         * values such as surface pressure in pascals. */
        for (size_t i = 0; i < n; i++) {
            double d = x[i * p + k] - mean[k];
            ss += d * d;
        }
        sd[k] = sqrt(ss / (double)n);
        if (sd[k] == 0.0 || sd[k] <= CONSTANT_REL * fabs(mean[k]))
            sd[k] = 1.0;
    }
}

void dsc_nn_standardize(const double *in, size_t n, size_t p, const double *mean,
                        const double *sd, double *out)
{
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < p; k++)
            out[i * p + k] = (in[i * p + k] - mean[k]) / sd[k];
}

int dsc_nn_check_finite(dsc_ctx_t *ctx, const char *what, const double *x, size_t n, size_t p)
{
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < p; k++)
            if (!isfinite(x[i * p + k]))
                return dsc_error(ctx, DSC_ERR_USAGE, "%s: row %zu, column %zu is %s (drop "
                                 "incomplete rows first)", what, i, k,
                                 isnan(x[i * p + k]) ? "NaN" : "infinite");
    return DSC_OK;
}
