/* student_t.c - Student's t distribution: CDF and quantile, for confidence intervals.
 *
 * The CDF is written through the regularised incomplete beta function,
 *   P(|T| > t) = I_x(df/2, 1/2) with x = df / (df + t^2),
 * evaluated by its continued fraction (modified Lentz). The quantile inverts that relation
 * for x by bisection: slower than a closed-form approximation, but exact to rounding for
 * every number of degrees of freedom, including the small ones (3 to 10 years of a trend)
 * where the common approximations are weakest.
 */
#include "dsc/stats.h"

#include <math.h>

#define FRACTION_TINY 1e-300
#define FRACTION_STEPS 500

/* Keeps a Lentz denominator away from zero. */
static double not_zero(double v)
{
    return fabs(v) < FRACTION_TINY ? FRACTION_TINY : v;
}

/* The continued fraction of I_x(a, b); it converges fast for x < (a + 1) / (a + b + 2). */
static double beta_fraction(double a, double b, double x)
{
    double c = 1.0;
    double d = 1.0 / not_zero(1.0 - (a + b) * x / (a + 1.0));
    double f = d;
    for (int m = 1; m <= FRACTION_STEPS; m++) {
        double twom = 2.0 * m;
        double even = m * (b - m) * x / ((a + twom - 1.0) * (a + twom));
        d = 1.0 / not_zero(1.0 + even * d);
        c = not_zero(1.0 + even / c);
        f *= d * c;
        double odd = -(a + m) * (a + b + m) * x / ((a + twom) * (a + twom + 1.0));
        d = 1.0 / not_zero(1.0 + odd * d);
        c = not_zero(1.0 + odd / c);
        double step = d * c;
        f *= step;
        if (fabs(step - 1.0) < 1e-16)
            break;
    }
    return f;
}

/* Regularised incomplete beta I_x(a, b) for a, b > 0, using the symmetry
 * I_x(a, b) = 1 - I_{1-x}(b, a) on the side where the fraction converges slowly. */
static double incomplete_beta(double a, double b, double x)
{
    if (x <= 0.0)
        return 0.0;
    if (x >= 1.0)
        return 1.0;
    double log_front = a * log(x) + b * log1p(-x) - (lgamma(a) + lgamma(b) - lgamma(a + b));
    double front = exp(log_front);
    if (x < (a + 1.0) / (a + b + 2.0))
        return front * beta_fraction(a, b, x) / a;
    return 1.0 - front * beta_fraction(b, a, 1.0 - x) / b;
}

double dsc_stats_t_cdf(double t, double df)
{
    if (isnan(t) || !(df > 0.0))
        return NAN;
    if (isinf(t))
        return t > 0 ? 1.0 : 0.0;
    double tail = 0.5 * incomplete_beta(0.5 * df, 0.5, df / (df + t * t));
    return t > 0.0 ? 1.0 - tail : tail;
}

double dsc_stats_t_quantile(double p, double df)
{
    if (!(p > 0.0 && p < 1.0) || !(df > 0.0) || isinf(df))
        return NAN;
    if (p == 0.5)
        return 0.0;

    /* One tail q = P(T > |t|) = I_x(df/2, 1/2) / 2 grows with x, so bisect on x in (0, 1].
     * The stop is relative to x, which keeps t = sqrt(df (1 - x) / x) accurate to rounding
     * even far in the tail, where x is tiny. */
    double q = p < 0.5 ? p : 1.0 - p;
    double lo = 0.0, hi = 1.0;
    for (int i = 0; i < 2000 && hi - lo > 1e-16 * hi; i++) {
        double mid = 0.5 * (lo + hi);
        if (0.5 * incomplete_beta(0.5 * df, 0.5, mid) < q)
            lo = mid;
        else
            hi = mid;
    }
    double x = 0.5 * (lo + hi);
    double t = sqrt(df * (1.0 - x) / x);
    return p < 0.5 ? -t : t;
}
