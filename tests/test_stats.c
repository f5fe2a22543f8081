/* test_stats.c - Taylor statistics, histogram bins, mean, quantile, KS distance and the
 * annual cycle, with expected values worked out by hand. Values in K unless stated. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "dsc/stats.h"

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
