/* stats.h - evaluation: Taylor statistics, histograms on shared bins, and simple measures.
 *
 * Conventions: population standard deviations (divide by n), the centred RMS difference
 * crmsd^2 = sd^2 + sd_ref^2 - 2 sd sd_ref corr (the law of cosines the Taylor diagram draws),
 * normalised values divided by the reference's standard deviation. Pairs where either value
 * is NaN (or infinite) are left out of every statistic; single-series functions likewise use
 * only the finite values. Results are in the unit of the input (K), correlations unitless.
 */
#ifndef DSC_STATS_H
#define DSC_STATS_H

#include "dsc/time.h"

typedef struct {
    size_t n;          /* pairs used */
    double mean;       /* of the simulation */
    double mean_ref;   /* of the reference */
    double sd;         /* population standard deviation of the simulation */
    double sd_ref;     /* of the reference */
    double sd_ratio;   /* sd / sd_ref */
    double corr;       /* Pearson correlation */
    double crmsd;      /* centred RMS difference */
    double crmsd_norm; /* crmsd / sd_ref */
    double bias;       /* mean - mean_ref */
    double rmse;       /* RMS difference */
} dsc_taylor_t;

/* Taylor statistics of sim[n] against ref[n] (paired by index). Fewer than 2 valid pairs, or
 * a constant series, is DSC_ERR_RANGE and leaves *out unchanged. */
int dsc_stats_taylor(dsc_ctx_t *ctx, const double *ref, const double *sim, size_t n,
                     dsc_taylor_t *out);

/* Shared histogram bins: nbins of equal width from lo. */
typedef struct {
    double lo;
    double width;
    size_t nbins;
} dsc_bins_t;

/* Bins of the given width that cover every finite value of every series (edges at whole
 * multiples of width; bin k is [lo + k width, lo + (k+1) width)). series[s] has lengths[s]
 * values; both arrays are borrowed. No finite value at all, or more than 10^7 bins, is
 * DSC_ERR_RANGE; a width that is not positive and finite is DSC_ERR_USAGE. */
int dsc_stats_bins(dsc_ctx_t *ctx, const double *const *series, const size_t *lengths,
                   size_t nseries, double width, dsc_bins_t *out);
/* Counts the finite values of x into counts[nbins] (values outside go to the end bins), so
 * the counts sum to the number of finite values. counts is overwritten. */
void dsc_stats_histogram(const dsc_bins_t *bins, const double *x, size_t n, size_t *counts);

/* Mean of the finite values; NaN when there are none. */
double dsc_stats_mean(const double *x, size_t n);
/* Two-sample Kolmogorov-Smirnov distance (largest gap between the empirical CDFs, 0..1)
 * between the finite values of a and b. NaN when either has none (or memory is short). */
double dsc_stats_ks(const double *a, size_t na, const double *b, size_t nb);
/* p-quantile (0..1) of the finite values, linear interpolation between order statistics
 * (type 7). NaN when there are none, when p is outside [0, 1], or when memory is short. */
double dsc_stats_quantile(const double *x, size_t n, double p);

/* Mean annual cycle: out[doy-1] for every day of year of cal (366 slots; unused slots NaN).
 * The slot is taken from month and day as in the bias correction's day groups: in standard,
 * proleptic_gregorian, julian and all_leap it is the day of year of a leap year (29 Feb is
 * slot 59, 1 Mar always slot 60, 31 Dec slot 365); noleap fills slots 0..364 and 360_day
 * 0..359. Dates that do not exist in cal are skipped. */
void dsc_stats_annual_cycle(dsc_calendar_t cal, const dsc_date_t *dates, const double *x,
                            size_t n, double out[366]);

/* ---- years, seasons and trends ------------------------------------------------------- */

/* Annual means: out[y] (y < nyears) is the mean of the finite values dated in year
 * year0 + y, or NaN when fewer than min_coverage (a fraction 0..1, clamped) of that year's
 * calendar days have one, so a year cut short at either end of a series drops out instead
 * of leaning towards the season it holds. Dates not valid in cal are skipped; any order. */
void dsc_stats_annual_means(dsc_calendar_t cal, const dsc_date_t *dates, const double *x,
                            size_t n, double min_coverage, int year0, size_t nyears,
                            double *out);

/* Seasons: DSC_SEASON_DJF (December of the year before, January, February), MAM, JJA, SON. */
enum { DSC_SEASON_DJF = 0, DSC_SEASON_MAM = 1, DSC_SEASON_JJA = 2, DSC_SEASON_SON = 3 };
/* "DJF", "MAM", "JJA", "SON" (static storage; "?" for another number). */
const char *dsc_stats_season_name(int season);
/* Seasonal means year by year: out[y * 4 + s] (nyears x 4, row-major) is the mean of season s
 * of season year year0 + y, where the season year of DJF is that of its January and
 * February, so DJF of Y takes December of Y - 1. NaN when fewer than min_coverage (0..1,
 * clamped) of the season's calendar days (90, 91 or 92; 90 in 360_day) have a finite value,
 * so the first winter of a series starting in January is NaN, not a January-February mean.
 * Dates not valid in cal are skipped; any order. */
void dsc_stats_seasonal_means(dsc_calendar_t cal, const dsc_date_t *dates, const double *x,
                              size_t n, double min_coverage, int year0, size_t nyears,
                              double *out);

/* A linear trend with its confidence interval. Slopes are per decade, in the unit of the
 * input per 10 years (K/decade). */
typedef struct {
    size_t nyears;  /* annual means used */
    double level;   /* confidence level of the interval, e.g. 0.95 */
    double slope;   /* OLS slope, per decade */
    double se;      /* its standard error, per decade */
    double ci_low;  /* slope - t se, with t the (1 + level)/2 quantile of Student's t with
                       nyears - 2 degrees of freedom */
    double ci_high; /* slope + t se */
} dsc_trend_t;

/* Trend of annual means: means[y] belongs to year year0 + y (NaN years are left out, so
 * gaps are fine). Fewer than 3 finite years is DSC_ERR_RANGE, a level outside (0, 1)
 * DSC_ERR_USAGE; *out is unchanged then. */
int dsc_stats_trend(dsc_ctx_t *ctx, const double *means, int year0, size_t nyears,
                    double level, dsc_trend_t *out);

/* Student's t distribution with df > 0 degrees of freedom (df need not be whole): the CDF
 * at t, and the p-quantile for p in (0, 1), both accurate to about 1e-12 relative. NaN for
 * arguments outside those ranges. */
double dsc_stats_t_cdf(double t, double df);
double dsc_stats_t_quantile(double p, double df);

#endif
