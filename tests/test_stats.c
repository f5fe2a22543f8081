/* test_stats.c - Taylor statistics, histogram bins, mean, quantile, KS distance and the
 * annual cycle, with expected values worked out by hand. Values in K unless stated. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "dsc/stats.h"
#include "support/support.h"

/* ref = 1 2 3 4 5 (mean 3, deviations -2 -1 0 1 2, sum of squares 10, sd = sqrt 2)
 * sim = 1 3 5 4 7 (mean 4, deviations -3 -1 1 0 3, sum of squares 20, sd = 2)
 * cross products 6 1 0 0 6 = 13: corr = 13 / sqrt(10 * 20) = 0.9192388
 * centred differences -1 0 1 -1 1, squares sum 4: crmsd = sqrt(4/5) = 0.8944272
 *   (law of cosines: 4 + 2 - 2 * 2 * sqrt 2 * 0.9192388 = 6 - 5.2 = 0.8)
 * differences 0 1 2 0 2, squares sum 9: rmse = sqrt(9/5) = 1.3416408 (= sqrt(1 + 0.8))
 * bias 1, sd_ratio sqrt 2, crmsd_norm sqrt(0.8 / 2) = 0.6324555.
 * Two more pairs with a NaN on either side must be left out. */
Test(stats, taylor_by_hand)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    double ref[7] = {1, 2, 3, 4, 5, NAN, 9};
    double sim[7] = {1, 3, 5, 4, 7, 100, NAN};
    dsc_taylor_t t;
    cr_assert_eq(dsc_stats_taylor(ctx, ref, sim, 7, &t), DSC_OK);
    cr_assert_eq(t.n, 5);
    cr_assert_float_eq(t.mean, 4.0, 1e-12);
    cr_assert_float_eq(t.mean_ref, 3.0, 1e-12);
    cr_assert_float_eq(t.sd, 2.0, 1e-12);
    cr_assert_float_eq(t.sd_ref, 1.4142136, 1e-7);
    cr_assert_float_eq(t.sd_ratio, 1.4142136, 1e-7);
    cr_assert_float_eq(t.corr, 0.9192388, 1e-7);
    cr_assert_float_eq(t.crmsd, 0.8944272, 1e-7);
    cr_assert_float_eq(t.crmsd_norm, 0.6324555, 1e-7);
    cr_assert_float_eq(t.bias, 1.0, 1e-12);
    cr_assert_float_eq(t.rmse, 1.3416408, 1e-7);
    dsc_ctx_destroy(ctx);
}

/* On 10 000 noisy pairs in kelvin, the directly summed crmsd obeys the law of cosines and
 * rmse^2 = bias^2 + crmsd^2, both to rounding. */
Test(stats, taylor_law_of_cosines_on_random_data)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    dsc_rng_t rng;
    dsc_rng_seed(&rng, 2024);
    size_t n = 10000;
    double *ref = malloc(n * sizeof *ref), *sim = malloc(n * sizeof *sim);
    for (size_t i = 0; i < n; i++) {
        ref[i] = 285.0 + 6.0 * dsc_rng_normal(&rng);
        sim[i] = 0.7 * ref[i] + 87.0 + 2.5 * dsc_rng_normal(&rng);
    }
    dsc_taylor_t t;
    cr_assert_eq(dsc_stats_taylor(ctx, ref, sim, n, &t), DSC_OK);
    double cosines = t.sd * t.sd + t.sd_ref * t.sd_ref - 2.0 * t.sd * t.sd_ref * t.corr;
    cr_assert_float_eq(t.crmsd * t.crmsd, cosines, 1e-9);
    cr_assert_float_eq(t.rmse * t.rmse, t.bias * t.bias + t.crmsd * t.crmsd, 1e-9);
    cr_assert(t.corr > 0.8 && t.corr < 0.9, "corr %g", t.corr);
    free(ref);
    free(sim);
    dsc_ctx_destroy(ctx);
}

Test(stats, taylor_refuses_too_few_or_constant)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    dsc_taylor_t t;
    double a[3] = {1, NAN, 3}, b[3] = {2, 5, NAN};
    cr_assert_eq(dsc_stats_taylor(ctx, a, b, 3, &t), DSC_ERR_RANGE);
    double c[3] = {4, 4, 4}, d[3] = {1, 2, 3};
    cr_assert_eq(dsc_stats_taylor(ctx, c, d, 3, &t), DSC_ERR_RANGE);
    cr_assert_eq(dsc_stats_taylor(ctx, d, c, 3, &t), DSC_ERR_RANGE);
    dsc_ctx_destroy(ctx);
}

/* Values -0.3 0.2 1.7 and 2.5 with width 0.5: floor(-0.3/0.5) = -1 and floor(2.5/0.5) = 5,
 * so lo = -0.5 and 7 bins up to 3.0; 2.5 on an edge opens the last bin. */
Test(stats, bins_and_counts_by_hand)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    double a[3] = {0.2, 1.7, -0.3}, b[2] = {2.5, NAN};
    const double *series[2] = {a, b};
    size_t lengths[2] = {3, 2};
    dsc_bins_t bins;
    cr_assert_eq(dsc_stats_bins(ctx, series, lengths, 2, 0.5, &bins), DSC_OK);
    cr_assert_float_eq(bins.lo, -0.5, 1e-12);
    cr_assert_float_eq(bins.width, 0.5, 0.0);
    cr_assert_eq(bins.nbins, 7);

    size_t counts[7];
    size_t expected_a[7] = {1, 1, 0, 0, 1, 0, 0}, expected_b[7] = {0, 0, 0, 0, 0, 0, 1};
    dsc_stats_histogram(&bins, a, 3, counts);
    for (int k = 0; k < 7; k++)
        cr_assert_eq(counts[k], expected_a[k], "a bin %d", k);
    dsc_stats_histogram(&bins, b, 2, counts);
    for (int k = 0; k < 7; k++)
        cr_assert_eq(counts[k], expected_b[k], "b bin %d", k);

    /* Values outside the bins go to the end bins. */
    double c[2] = {-40.0, 40.0};
    dsc_stats_histogram(&bins, c, 2, counts);
    cr_assert_eq(counts[0], 1);
    cr_assert_eq(counts[6], 1);
    dsc_ctx_destroy(ctx);
}

Test(stats, histogram_counts_sum_to_n)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    dsc_rng_t rng;
    dsc_rng_seed(&rng, 7);
    size_t n = 5000, nan_count = 0;
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    for (size_t i = 0; i < n; i++) {
        x[i] = 280.0 + 5.0 * dsc_rng_normal(&rng);
        y[i] = i % 17 == 0 ? NAN : 283.0 + 7.0 * dsc_rng_normal(&rng);
        nan_count += i % 17 == 0;
    }
    const double *series[2] = {x, y};
    size_t lengths[2] = {n, n};
    dsc_bins_t bins;
    cr_assert_eq(dsc_stats_bins(ctx, series, lengths, 2, 0.25, &bins), DSC_OK);
    size_t *counts = malloc(bins.nbins * sizeof *counts);
    size_t total = 0;
    dsc_stats_histogram(&bins, x, n, counts);
    for (size_t k = 0; k < bins.nbins; k++)
        total += counts[k];
    cr_assert_eq(total, n);
    total = 0;
    dsc_stats_histogram(&bins, y, n, counts);
    for (size_t k = 0; k < bins.nbins; k++)
        total += counts[k];
    cr_assert_eq(total, n - nan_count);
    /* Both ends hold a value: the bins are no wider than they must be. */
    dsc_stats_histogram(&bins, x, n, counts);
    size_t first = counts[0], last = counts[bins.nbins - 1];
    dsc_stats_histogram(&bins, y, n, counts);
    cr_assert(first + counts[0] > 0 && last + counts[bins.nbins - 1] > 0);
    free(counts);
    free(x);
    free(y);
    dsc_ctx_destroy(ctx);
}

Test(stats, bins_errors)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    double a[2] = {NAN, NAN}, b[1] = {1.0};
    const double *s1[1] = {a}, *s2[1] = {b};
    size_t l1[1] = {2}, l2[1] = {1};
    dsc_bins_t bins;
    cr_assert_eq(dsc_stats_bins(ctx, s1, l1, 1, 1.0, &bins), DSC_ERR_RANGE);
    cr_assert_eq(dsc_stats_bins(ctx, s2, l2, 1, 0.0, &bins), DSC_ERR_USAGE);
    cr_assert_eq(dsc_stats_bins(ctx, s2, l2, 1, -1.0, &bins), DSC_ERR_USAGE);
    dsc_ctx_destroy(ctx);
}

Test(stats, mean_skips_missing)
{
    double x[4] = {1, 2, NAN, 6}, none[2] = {NAN, NAN};
    cr_assert_float_eq(dsc_stats_mean(x, 4), 3.0, 1e-12);
    cr_assert(isnan(dsc_stats_mean(none, 2)));
    cr_assert(isnan(dsc_stats_mean(x, 0)));
}

/* Sorted 1 1 3 4 5: type 7 puts p at h = 4p: p = 0.3 -> 1 + 0.2 (3 - 1) = 1.4,
 * p = 0.5 -> 3, p = 0.9 -> 4 + 0.6 (5 - 4) = 4.6, p = 0 -> 1, p = 1 -> 5. */
Test(stats, quantile_type7_by_hand)
{
    double x[6] = {3, 1, NAN, 4, 1, 5};
    cr_assert_float_eq(dsc_stats_quantile(x, 6, 0.3), 1.4, 1e-12);
    cr_assert_float_eq(dsc_stats_quantile(x, 6, 0.5), 3.0, 1e-12);
    cr_assert_float_eq(dsc_stats_quantile(x, 6, 0.9), 4.6, 1e-12);
    cr_assert_float_eq(dsc_stats_quantile(x, 6, 0.0), 1.0, 1e-12);
    cr_assert_float_eq(dsc_stats_quantile(x, 6, 1.0), 5.0, 1e-12);
    cr_assert(isnan(dsc_stats_quantile(x, 6, 1.5)));
    double none[1] = {NAN};
    cr_assert(isnan(dsc_stats_quantile(none, 1, 0.5)));
    double one[1] = {7.0};
    cr_assert_float_eq(dsc_stats_quantile(one, 1, 0.25), 7.0, 0.0);
}

/* Identical samples: 0; disjoint: 1.
 * a = 1 2 3 4, b = 3 4 5 6 7 8: after 2 the CDFs are 2/4 and 0; after 3, 3/4 and 1/6; after
 * 4, 1 and 2/6 = the largest gap 2/3.
 * Ties: a = 1 2 2 3, b = 2 2 2 4: after 1: 1/4 - 0; after 2 (all copies on both sides):
 * 3/4 - 3/4 = 0; after 3: 1 - 3/4; so 1/4, where stepping through a's copies of 2 alone
 * would see 3/4. */
Test(stats, ks_by_hand)
{
    double x[5] = {280.1, 281.5, 279.0, NAN, 283.2};
    cr_assert_float_eq(dsc_stats_ks(x, 5, x, 5), 0.0, 0.0);
    double lo[3] = {1, 2, 3}, hi[2] = {10, 11};
    cr_assert_float_eq(dsc_stats_ks(lo, 3, hi, 2), 1.0, 0.0);
    cr_assert_float_eq(dsc_stats_ks(hi, 2, lo, 3), 1.0, 0.0);
    double a[4] = {4, 2, 3, 1}, b[6] = {8, 3, 4, 5, 6, 7};
    cr_assert_float_eq(dsc_stats_ks(a, 4, b, 6), 2.0 / 3.0, 1e-12);
    double c[4] = {1, 2, 2, 3}, d[4] = {2, 2, 2, 4};
    cr_assert_float_eq(dsc_stats_ks(c, 4, d, 4), 0.25, 1e-12);
    double none[1] = {NAN};
    cr_assert(isnan(dsc_stats_ks(none, 1, a, 4)));
}

/* Two years of x = slot + 10 (year - 2000): each slot's mean is slot + 5. In the standard
 * calendar 2000 is leap: 29 Feb (slot 59) has 2000 only (mean 59), 1 Mar is slot 60 in both
 * years. noleap fills slots 0..364 and 360_day 0..359; the rest stay NaN. */
Test(stats, annual_cycle_slots)
{
    const dsc_calendar_t cals[3] = {DSC_CAL_STANDARD, DSC_CAL_NOLEAP, DSC_CAL_360_DAY};
    const int filled[3] = {366, 365, 360};
    for (int c = 0; c < 3; c++) {
        dsc_date_t first = {2000, 1, 1, 0}, end = {2002, 1, 1, 0};
        int64_t d0 = dsc_date_to_days(cals[c], first), d1 = dsc_date_to_days(cals[c], end);
        size_t n = (size_t)(d1 - d0);
        dsc_date_t *dates = malloc(n * sizeof *dates);
        double *x = malloc(n * sizeof *x);
        for (size_t i = 0; i < n; i++) {
            dates[i] = dsc_date_from_days(cals[c], d0 + (int64_t)i);
            /* Slot worked out independently: days since 1 Jan, +1 after Feb in a common
             * standard year so that 1 Mar is always slot 60. */
            dsc_date_t jan1 = {dates[i].year, 1, 1, 0};
            int64_t k = dsc_date_to_days(cals[c], dates[i]) - dsc_date_to_days(cals[c], jan1);
            if (cals[c] == DSC_CAL_STANDARD && dates[i].year == 2001 && dates[i].month > 2)
                k++;
            x[i] = (double)k + 10.0 * (dates[i].year - 2000);
        }
        double out[366];
        dsc_stats_annual_cycle(cals[c], dates, x, n, out);
        for (int k = 0; k < 366; k++) {
            if (k >= filled[c])
                cr_assert(isnan(out[k]), "%s slot %d", dsc_calendar_name(cals[c]), k);
            else if (cals[c] == DSC_CAL_STANDARD && k == 59)
                cr_assert_float_eq(out[k], 59.0, 1e-12);
            else
                cr_assert_float_eq(out[k], k + 5.0, 1e-12, "%s slot %d: %g",
                                   dsc_calendar_name(cals[c]), k, out[k]);
        }
        free(dates);
        free(x);
    }
}

/* ---- Student's t, trends, annual and seasonal means ----------------------------------- */

/* Quantiles from printed t tables (e.g. Abramowitz and Stegun, table 26.10), and the CDF
 * where it has a closed form: df 1 is Cauchy, 1/2 + atan(t)/pi, so P(T <= 1) = 3/4; df 2 is
 * 1/2 + t / (2 sqrt(2 + t^2)), so P(T <= 2) = 1/2 + 1/sqrt(6) = 0.9082483. */
Test(stats, student_t_against_tables)
{
    const struct {
        double p, df, t;
    } table[] = {{0.975, 1, 12.706205}, {0.975, 2, 4.302653},  {0.975, 3, 3.182446},
                 {0.975, 10, 2.228139}, {0.975, 30, 2.042272}, {0.995, 5, 4.032143},
                 {0.95, 20, 1.724718},  {0.9995, 1, 636.619249}};
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        double t = dsc_stats_t_quantile(table[i].p, table[i].df);
        cr_assert_float_eq(t, table[i].t, 1e-6 * table[i].t, "p %g df %g: %.7f", table[i].p,
                           table[i].df, t);
        cr_assert_float_eq(dsc_stats_t_quantile(1.0 - table[i].p, table[i].df), -t, 1e-9);
        cr_assert_float_eq(dsc_stats_t_cdf(t, table[i].df), table[i].p, 1e-12);
    }
    cr_assert_float_eq(dsc_stats_t_cdf(1.0, 1.0), 0.75, 1e-12);
    cr_assert_float_eq(dsc_stats_t_cdf(2.0, 2.0), 0.9082483, 1e-7);
    cr_assert_float_eq(dsc_stats_t_cdf(0.0, 7.0), 0.5, 1e-15);
    cr_assert_eq(dsc_stats_t_quantile(0.5, 4.0), 0.0);
    cr_assert(isnan(dsc_stats_t_quantile(1.0, 4.0)) && isnan(dsc_stats_t_quantile(0.3, 0.0)));
}

/* Five annual means 1 3 2 5 4 in 2000..2004, worked by hand: years centred -2..2 (sum of
 * squares 10), means centred -2 0 -1 2 1, cross products 4 0 0 2 2 = 8, slope 0.8 K/yr =
 * 8 K/decade. Fitted 1.4 2.2 3.0 3.8 4.6, residuals -0.4 0.8 -1 1.2 -0.6, sum of squares 3.6,
 * s^2 = 3.6 / 3 = 1.2, se = sqrt(1.2 / 10) = 0.34641 K/yr; t(0.975, 3) = 3.182446, so the
 * interval is 8 +- 11.024317 K/decade. With 2002 missing (the later years shifted by one):
 * years 2000 2001 2003 2004 2005 (centred -2.6 -1.6 0.4 1.4 2.4, sum of squares 17.2, cross
 * products 10), slope 10/17.2 = 0.5813953 K/yr; by the same steps se = 0.2848244 K/yr. */
Test(stats, trend_by_hand)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    double means[5] = {1, 3, 2, 5, 4};
    dsc_trend_t t;
    cr_assert_eq(dsc_stats_trend(ctx, means, 2000, 5, 0.95, &t), DSC_OK);
    cr_assert_eq(t.nyears, 5);
    cr_assert_float_eq(t.slope, 8.0, 1e-12);
    cr_assert_float_eq(t.se, 3.4641016, 1e-7);
    cr_assert_float_eq(t.ci_low, -3.0243174, 1e-6);
    cr_assert_float_eq(t.ci_high, 19.0243174, 1e-6);
    cr_assert_float_eq(t.level, 0.95, 0.0);

    double gap[6] = {1, 3, NAN, 2, 5, 4};
    cr_assert_eq(dsc_stats_trend(ctx, gap, 2000, 6, 0.95, &t), DSC_OK);
    cr_assert_eq(t.nyears, 5);
    cr_assert_float_eq(t.slope, 5.8139535, 1e-7);
    cr_assert_float_eq(t.se, 2.8482439, 1e-7);
    cr_assert_float_eq(t.ci_low, -3.2504297, 1e-6);
    cr_assert_float_eq(t.ci_high, 14.8783367, 1e-6);

    /* In kelvin, around 2000, an exact line: slope to rounding, a zero-width interval. */
    double line[30];
    for (int i = 0; i < 30; i++)
        line[i] = 285.0 + 0.023 * i;
    cr_assert_eq(dsc_stats_trend(ctx, line, 1971, 30, 0.95, &t), DSC_OK);
    cr_assert_float_eq(t.slope, 0.23, 1e-9);
    cr_assert_float_eq(t.ci_high - t.ci_low, 0.0, 1e-8);

    /* Two years cannot give an interval; a level of 1 is not a level. */
    double two[3] = {1, NAN, 2};
    t.slope = -99;
    cr_assert_eq(dsc_stats_trend(ctx, two, 2000, 3, 0.95, &t), DSC_ERR_RANGE);
    cr_assert_eq(t.slope, -99);
    cr_assert_eq(dsc_stats_trend(ctx, means, 2000, 5, 1.0, &t), DSC_ERR_USAGE);
    dsc_ctx_destroy(ctx);
}

/* noleap 2000-2002, x = 10 (year - 2000) + 1 on every day, except 36 missing days in 2001
 * (329 of 365 = 90.1 % >= 90 %: kept) and 37 in 2002 (328 = 89.9 %: dropped). 1999 and 2003
 * have no day. */
Test(stats, annual_means_need_coverage)
{
    size_t n;
    dsc_date_t *dates = test_daily_dates(DSC_CAL_NOLEAP, 2000, 3, &n);
    double *x = malloc(n * sizeof *x);
    size_t dropped[3] = {0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        int y = dates[i].year - 2000;
        x[i] = 10.0 * y + 1.0;
        if ((y == 1 && dropped[1] < 36) || (y == 2 && dropped[2] < 37)) {
            x[i] = NAN;
            dropped[y]++;
        }
    }
    double out[5];
    dsc_stats_annual_means(DSC_CAL_NOLEAP, dates, x, n, 0.9, 1999, 5, out);
    cr_assert(isnan(out[0]) && isnan(out[3]) && isnan(out[4]));
    cr_assert_float_eq(out[1], 1.0, 1e-12);
    cr_assert_float_eq(out[2], 11.0, 1e-12);
    dsc_stats_annual_means(DSC_CAL_NOLEAP, dates, x, n, 0.0, 1999, 5, out);
    cr_assert_float_eq(out[3], 21.0, 1e-12);
    free(dates);
    free(x);
}

/* noleap 2000-2001 with x = 100 (year - 2000) + month. Worked by hand:
 *   DJF 2001 = Dec 2000 (12, 31 days), Jan 2001 (101, 31), Feb 2001 (102, 28):
 *              (372 + 3131 + 2856) / 90 = 70.655556 (December of the same year, 112,
 *              would give 105.1: the pitfall);
 *   DJF 2000 has no December 1999: 59 of 90 days, NaN at 90 % coverage, and
 *              (31 + 56) / 59 = 1.4745763 without a coverage rule;
 *   DJF 2002 has December 2001 only (31 of 90 days): NaN, or 112 without the rule;
 *   MAM 2000 = (3*31 + 4*30 + 5*31) / 92 = 4; JJA 2001 = 100 + (180 + 217 + 248) / 92 =
 *   107.0108696; SON 2000 = (270 + 310 + 330) / 91 = 10. */
Test(stats, seasonal_means_take_december_from_the_year_before)
{
    size_t n;
    dsc_date_t *dates = test_daily_dates(DSC_CAL_NOLEAP, 2000, 2, &n);
    double *x = malloc(n * sizeof *x);
    for (size_t i = 0; i < n; i++)
        x[i] = 100.0 * (dates[i].year - 2000) + dates[i].month;
    double out[3 * 4];
    dsc_stats_seasonal_means(DSC_CAL_NOLEAP, dates, x, n, 0.9, 2000, 3, out);
    cr_assert(isnan(out[0 * 4 + DSC_SEASON_DJF]));
    cr_assert_float_eq(out[1 * 4 + DSC_SEASON_DJF], 70.655556, 1e-6);
    cr_assert(isnan(out[2 * 4 + DSC_SEASON_DJF]));
    cr_assert_float_eq(out[0 * 4 + DSC_SEASON_MAM], 4.0, 1e-12);
    cr_assert_float_eq(out[1 * 4 + DSC_SEASON_JJA], 107.0108696, 1e-7);
    cr_assert_float_eq(out[0 * 4 + DSC_SEASON_SON], 10.0, 1e-12);
    cr_assert(isnan(out[2 * 4 + DSC_SEASON_MAM]), "no spring in 2002");
    dsc_stats_seasonal_means(DSC_CAL_NOLEAP, dates, x, n, 0.0, 2000, 3, out);
    cr_assert_float_eq(out[0 * 4 + DSC_SEASON_DJF], 1.4745763, 1e-7);
    cr_assert_float_eq(out[2 * 4 + DSC_SEASON_DJF], 112.0, 1e-12);
    cr_assert_str_eq(dsc_stats_season_name(DSC_SEASON_DJF), "DJF");
    cr_assert_str_eq(dsc_stats_season_name(DSC_SEASON_SON), "SON");
    free(dates);
    free(x);
}

/* The season's length follows the calendar: DJF 2001 has 90 days in noleap and 360_day and
 * 91 in the standard calendar (29 Feb 2000 in DJF 2000 is leap: Dec 1999 + Jan + Feb 2000 =
 * 91). With 82 valid days: 82/90 = 91.1 % passes; 82/91 = 90.1 % passes; 81/91 = 89.0 %
 * does not. x = 1 everywhere. */
Test(stats, seasonal_coverage_follows_the_calendar)
{
    const dsc_calendar_t cals[3] = {DSC_CAL_NOLEAP, DSC_CAL_360_DAY, DSC_CAL_STANDARD};
    const size_t keep[3] = {82, 82, 81};
    const int expect_nan[3] = {0, 0, 1};
    for (int c = 0; c < 3; c++) {
        size_t n;
        dsc_date_t *dates = test_daily_dates(cals[c], 1999, 2, &n);
        double *x = malloc(n * sizeof *x);
        size_t kept = 0;
        for (size_t i = 0; i < n; i++) {
            int djf2000 = (dates[i].year == 1999 && dates[i].month == 12) ||
                          (dates[i].year == 2000 && dates[i].month <= 2);
            x[i] = 1.0;
            if (djf2000 && kept++ >= keep[c])
                x[i] = NAN;
        }
        double out[2 * 4];
        dsc_stats_seasonal_means(cals[c], dates, x, n, 0.9, 1999, 2, out);
        cr_assert_eq(isnan(out[1 * 4 + DSC_SEASON_DJF]), expect_nan[c], "%s",
                     dsc_calendar_name(cals[c]));
        free(dates);
        free(x);
    }
}
