/* test_bc.c - bias correction: settings, groups for every calendar, windows, the invariants
 * of each method, missing values. Temperatures are in K; tolerances are in K. */
#include <criterion/criterion.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "dsc/bc.h"
#include "support/support.h"

static double *alloc_values(size_t n)
{
    double *x = malloc(n * sizeof *x);
    cr_assert_not_null(x);
    return x;
}

/* A seasonal cycle plus Gaussian noise: mean + amp cos(day) + sd N(0,1), in K. */
static double *seasonal_series(const dsc_date_t *dates, size_t n, dsc_calendar_t cal, double mean,
                               double amp, double sd, uint64_t seed)
{
    dsc_rng_t rng;
    dsc_rng_seed(&rng, seed);
    double *x = alloc_values(n);
    for (size_t i = 0; i < n; i++) {
        double doy = dsc_date_doy(cal, dates[i]);
        x[i] = mean - amp * cos(2.0 * M_PI * (doy - 15.0) / 365.0) + sd * dsc_rng_normal(&rng);
    }
    return x;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static dsc_bc_config_t config(const char *method, dsc_bc_grouping grouping, int window, size_t nq)
{
    dsc_bc_config_t cfg;
    dsc_bc_config_default(&cfg);
    strcpy(cfg.method, method);
    cfg.grouping = grouping;
    cfg.window = window;
    cfg.nquantiles = nq;
    return cfg;
}

/* Fits on (ref, hist) at shared dates and applies to sim; returns the corrected series. */
static double *fit_apply(dsc_ctx_t *ctx, const dsc_bc_config_t *cfg, dsc_calendar_t cal,
                         const double *ref, const double *hist, const double *sim,
                         const dsc_date_t *dates, size_t n)
{
    dsc_bc_t *bc = NULL;
    int rc = dsc_bc_fit(ctx, cfg, cal, ref, dates, n, hist, dates, n, &bc);
    cr_assert_eq(rc, DSC_OK, "%s fit: %s", cfg->method, dsc_ctx_message(ctx));
    double *out = alloc_values(n);
    rc = dsc_bc_apply(ctx, bc, sim, dates, n, out);
    cr_assert_eq(rc, DSC_OK, "%s apply: %s", cfg->method, dsc_ctx_message(ctx));
    dsc_bc_destroy(bc);
    return out;
}

static const char *const all_methods[] = {
    "eqm", "qdm", "dqm", "linear_scaling", "variance_scaling", "delta"};

/* Linear scaling with day windows of 31 fitted on a hist of 0 K against a ref of 0 K but
 * `spike` K on every (month, day) of the years y0 .. y0 + nyears - 1, applied to a sim of
 * 0 K on the same days: the correction of each day. *n receives the number of days; the
 * caller frees the result. */
static double *spike_correction(dsc_calendar_t cal, int y0, int nyears, int month, int day,
                                double spike, size_t *n)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    dsc_date_t *dates = test_daily_dates(cal, y0, nyears, n);
    double *ref = calloc(*n, sizeof *ref), *zero = calloc(*n, sizeof *zero);
    cr_assert(ref && zero);
    for (size_t i = 0; i < *n; i++)
        if (dates[i].month == month && dates[i].day == day)
            ref[i] = spike;
    dsc_bc_config_t cfg = config("linear_scaling", DSC_BC_GROUP_DOY, 31, 10);
    double *out = fit_apply(ctx, &cfg, cal, ref, zero, zero, dates, *n);
    free(ref);
    free(zero);
    free(dates);
    dsc_ctx_destroy(ctx);
    return out;
}

/* One January of 31 values with 15 nodes: node i sits at (31-1)(i+0.5)/15 = 2i+1, an order
 * statistic. Sorts the first 31 values of ref and out and checks out's node i equals ref's
 * plus shift (K) at every node. */
static void assert_january_nodes(double *ref, double *out, double shift)
{
    qsort(ref, 31, sizeof *ref, compare_doubles);
    qsort(out, 31, sizeof *out, compare_doubles);
    for (int i = 0; i < 15; i++)
        cr_assert_float_eq(out[2 * i + 1], ref[2 * i + 1] + shift, 1e-9, "node %d", i);
}

Test(bc, config_defaults)
{
    dsc_bc_config_t cfg;
    dsc_bc_config_default(&cfg);
    cr_assert_str_eq(cfg.method, "eqm");
    cr_assert_str_eq(cfg.kind, "additive");
    cr_assert_eq(cfg.grouping, DSC_BC_GROUP_DOY);
    cr_assert_eq(cfg.window, 31);
    cr_assert_eq(cfg.nquantiles, 100);
    cr_assert_str_eq(cfg.extrapolation, "constant");
}

/* Each bad setting, tried on otherwise valid data, must be refused as a config error. */
Test(bc, bad_settings_are_refused)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    size_t n;
    dsc_date_t *dates = test_daily_dates(DSC_CAL_360_DAY, 2000, 2, &n);
    double *x = seasonal_series(dates, n, DSC_CAL_360_DAY, 280, 10, 2, 1);
    dsc_bc_t *bc = NULL;

    dsc_bc_config_t bad[7];
    for (int i = 0; i < 7; i++)
        bad[i] = config("eqm", DSC_BC_GROUP_DOY, 31, 50);
    strcpy(bad[0].kind, "multiplicative");
    bad[1].window = 30;
    bad[2].window = 0;
    bad[3].window = -5;
    strcpy(bad[4].method, "quantile_magic");
    bad[5].window = 361; /* longer than a 360_day year */
    bad[6].nquantiles = 0;
    for (int i = 0; i < 7; i++) {
        int rc = dsc_bc_fit(ctx, &bad[i], DSC_CAL_360_DAY, x, dates, n, x, dates, n, &bc);
        cr_assert_eq(rc, DSC_ERR_CONFIG, "case %d gave %d", i, rc);
        cr_assert_null(bc);
        cr_assert(strlen(dsc_ctx_message(ctx)) > 0);
    }
    cr_assert(strstr(dsc_ctx_message(ctx), "nquantiles") != NULL);

    /* Months ignore the window; a whole-year odd window is allowed. */
    dsc_bc_config_t ok = config("eqm", DSC_BC_GROUP_MONTH, 0, 50);
    cr_assert_eq(dsc_bc_fit(ctx, &ok, DSC_CAL_360_DAY, x, dates, n, x, dates, n, &bc), DSC_OK);
    dsc_bc_destroy(bc);
    ok = config("eqm", DSC_BC_GROUP_DOY, 359, 50);
    cr_assert_eq(dsc_bc_fit(ctx, &ok, DSC_CAL_360_DAY, x, dates, n, x, dates, n, &bc), DSC_OK);
    dsc_bc_destroy(bc);
    dsc_bc_destroy(NULL);
    free(x);
    free(dates);
    dsc_ctx_destroy(ctx);
}

Test(bc, group_counts_per_calendar)
{
    cr_assert_eq(dsc_bc_group_count(DSC_BC_GROUP_DOY, DSC_CAL_NOLEAP), 365);
    cr_assert_eq(dsc_bc_group_count(DSC_BC_GROUP_DOY, DSC_CAL_360_DAY), 360);
    cr_assert_eq(dsc_bc_group_count(DSC_BC_GROUP_DOY, DSC_CAL_STANDARD), 366);
    cr_assert_eq(dsc_bc_group_count(DSC_BC_GROUP_DOY, DSC_CAL_PROLEPTIC_GREGORIAN), 366);
    cr_assert_eq(dsc_bc_group_count(DSC_BC_GROUP_DOY, DSC_CAL_JULIAN), 366);
    cr_assert_eq(dsc_bc_group_count(DSC_BC_GROUP_DOY, DSC_CAL_ALL_LEAP), 366);
    cr_assert_eq(dsc_bc_group_count(DSC_BC_GROUP_MONTH, DSC_CAL_360_DAY), 12);
    cr_assert_eq(dsc_bc_group_count(DSC_BC_GROUP_MONTH, DSC_CAL_STANDARD), 12);
}

/* Every day of four years (one leap year in the real calendars) must fill each group index
 * 0 .. count-1 and nothing else, and a fit reports the same count. */
Test(bc, every_group_is_used_once_per_calendar)
{
    const dsc_calendar_t cals[] = {DSC_CAL_STANDARD, DSC_CAL_PROLEPTIC_GREGORIAN,
                                   DSC_CAL_JULIAN,   DSC_CAL_NOLEAP,
                                   DSC_CAL_ALL_LEAP, DSC_CAL_360_DAY};
    dsc_ctx_t *ctx = dsc_ctx_create();
    for (size_t c = 0; c < sizeof cals / sizeof cals[0]; c++) {
        size_t n, count = dsc_bc_group_count(DSC_BC_GROUP_DOY, cals[c]);
        dsc_date_t *dates = test_daily_dates(cals[c], 2000, 4, &n);
        int seen[366] = {0};
        for (size_t i = 0; i < n; i++) {
            int g = dsc_bc_group_index(DSC_BC_GROUP_DOY, cals[c], dates[i]);
            cr_assert(g >= 0 && (size_t)g < count, "%s: group %d", dsc_calendar_name(cals[c]), g);
            seen[g] = 1;
        }
        for (size_t g = 0; g < count; g++)
            cr_assert(seen[g], "%s: group %zu unused", dsc_calendar_name(cals[c]), g);

        double *x = seasonal_series(dates, n, cals[c], 280, 10, 2, 5);
        dsc_bc_config_t cfg = config("eqm", DSC_BC_GROUP_DOY, 31, 20);
        dsc_bc_t *bc = NULL;
        cr_assert_eq(dsc_bc_fit(ctx, &cfg, cals[c], x, dates, n, x, dates, n, &bc), DSC_OK);
        cr_assert_eq(dsc_bc_groups(bc), count);
        dsc_bc_destroy(bc);
        free(x);
        free(dates);
    }
    dsc_ctx_destroy(ctx);
}

Test(bc, positions_follow_month_and_day)
{
    dsc_bc_grouping doy = DSC_BC_GROUP_DOY;
    /* Standard: 29 Feb has group 59 of its own; 1 March is 60 in leap and common years. */
    cr_assert_eq(dsc_bc_group_index(doy, DSC_CAL_STANDARD, (dsc_date_t){2001, 2, 28, 0}), 58);
    cr_assert_eq(dsc_bc_group_index(doy, DSC_CAL_STANDARD, (dsc_date_t){2000, 2, 29, 0}), 59);
    cr_assert_eq(dsc_bc_group_index(doy, DSC_CAL_STANDARD, (dsc_date_t){2000, 3, 1, 0}), 60);
    cr_assert_eq(dsc_bc_group_index(doy, DSC_CAL_STANDARD, (dsc_date_t){2001, 3, 1, 0}), 60);
    cr_assert_eq(dsc_bc_group_index(doy, DSC_CAL_STANDARD, (dsc_date_t){2001, 12, 31, 0}), 365);
    cr_assert_eq(dsc_bc_group_index(doy, DSC_CAL_STANDARD, (dsc_date_t){2001, 2, 29, 0}), -1);
    cr_assert_eq(dsc_bc_group_index(doy, DSC_CAL_NOLEAP, (dsc_date_t){2000, 3, 1, 0}), 59);
    cr_assert_eq(dsc_bc_group_index(doy, DSC_CAL_NOLEAP, (dsc_date_t){2000, 12, 31, 0}), 364);
    cr_assert_eq(dsc_bc_group_index(doy, DSC_CAL_NOLEAP, (dsc_date_t){2000, 2, 29, 0}), -1);
    cr_assert_eq(dsc_bc_group_index(doy, DSC_CAL_360_DAY, (dsc_date_t){2000, 2, 30, 0}), 59);
    cr_assert_eq(dsc_bc_group_index(doy, DSC_CAL_360_DAY, (dsc_date_t){2000, 12, 30, 0}), 359);
    cr_assert_eq(dsc_bc_group_index(doy, DSC_CAL_360_DAY, (dsc_date_t){2000, 1, 31, 0}), -1);
    cr_assert_eq(
        dsc_bc_group_index(DSC_BC_GROUP_MONTH, DSC_CAL_STANDARD, (dsc_date_t){1999, 12, 31, 0}),
        11);
}

/* Window width and wrap, worked by hand with linear scaling: hist is 0 everywhere, ref is 0
 * except 31 K on 31 December (group 364 of noleap). A 31-day window reaches 15 groups
 * either side, so groups 349..364 and 0..14 hold one 31 among 31 values per year: their
 * mean correction is 31/31 = 1 K; every other group's is 0. */
Test(bc, window_wraps_across_new_year)
{
    size_t n;
    double *out = spike_correction(DSC_CAL_NOLEAP, 2001, 3, 12, 31, 31.0, &n);
    for (size_t i = 0; i < 365; i++) {
        double expected = (i <= 14 || i >= 349) ? 1.0 : 0.0;
        cr_assert_float_eq(out[i], expected, 1e-12, "group %zu: %g", i, out[i]);
    }
    free(out);
}

/* The same with 29 February in the standard calendar over 2000-2003: the window of groups
 * 44..74 holds 31 values in 2000 and 30 in each common year, 121 in all, one of which is
 * 29 Feb 2000 = 121 K, so groups within 15 of 59 get a mean of exactly 1 K. */
Test(bc, leap_day_group_in_standard_calendar)
{
    size_t n;
    double *out = spike_correction(DSC_CAL_STANDARD, 2000, 4, 2, 29, 121.0, &n);
    /* In 2000 the index of a date equals its group. */
    for (size_t g = 40; g < 80; g++) {
        double expected = (g >= 44 && g <= 74) ? 1.0 : 0.0;
        cr_assert_float_eq(out[g], expected, 1e-12, "group %zu: %g", g, out[g]);
    }
    free(out);
}

/* Type-7 quantile nodes at (i + 0.5) / nq of v[m] (sorted here), written out directly. */
static void brute_nodes(double *v, size_t m, size_t nq, double *q)
{
    qsort(v, m, sizeof *v, compare_doubles);
    for (size_t i = 0; i < nq; i++) {
        double h = (double)(m - 1) * ((double)i + 0.5) / (double)nq;
        size_t j = (size_t)floor(h);
        q[i] = j + 1 < m ? v[j] + (h - (double)j) * (v[j + 1] - v[j]) : v[j];
    }
}

/* The sliding windows checked against windows gathered from scratch: for each date, the
 * window's ref and hist values are collected by circular distance of group indices, sorted,
 * their nodes taken, and the additive correction interpolated by a linear search. Random
 * continuous data, so no ties. Standard calendar, so 29 Feb takes part. */
Test(bc, eqm_windows_match_brute_force)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    dsc_calendar_t cal = DSC_CAL_STANDARD;
    size_t n, nq = 7, ng = 366;
    int window = 9, half = 4;
    dsc_date_t *dates = test_daily_dates(cal, 2003, 3, &n);
    double *ref = seasonal_series(dates, n, cal, 283, 9, 2.5, 101);
    double *hist = seasonal_series(dates, n, cal, 286, 11, 4, 102);
    double *sim = seasonal_series(dates, n, cal, 287, 11, 5, 103);
    for (size_t i = 0; i < n; i += 13)
        ref[i] = NAN;
    dsc_bc_config_t cfg = config("eqm", DSC_BC_GROUP_DOY, window, nq);
    double *out = fit_apply(ctx, &cfg, cal, ref, hist, sim, dates, n);

    double *wr = alloc_values(n), *wh = alloc_values(n), rq[7], hq[7];
    for (size_t t = 0; t < n; t++) {
        int g = dsc_bc_group_index(DSC_BC_GROUP_DOY, cal, dates[t]);
        size_t mr = 0, mh = 0;
        for (size_t i = 0; i < n; i++) {
            int d = abs(dsc_bc_group_index(DSC_BC_GROUP_DOY, cal, dates[i]) - g);
            if (d > (int)ng / 2)
                d = (int)ng - d;
            if (d > half)
                continue;
            if (!isnan(ref[i]))
                wr[mr++] = ref[i];
            wh[mh++] = hist[i];
        }
        brute_nodes(wr, mr, nq, rq);
        brute_nodes(wh, mh, nq, hq);
        double x = sim[t], delta;
        if (x <= hq[0]) {
            delta = rq[0] - hq[0];
        } else if (x >= hq[nq - 1]) {
            delta = rq[nq - 1] - hq[nq - 1];
        } else {
            size_t k = 0;
            while (hq[k + 1] <= x)
                k++;
            double f = (x - hq[k]) / (hq[k + 1] - hq[k]);
            delta = (1 - f) * (rq[k] - hq[k]) + f * (rq[k + 1] - hq[k + 1]);
        }
        cr_assert_float_eq(out[t], x + delta, 1e-9, "date %zu group %d", t, g);
    }
    free(wr);
    free(wh);
    free(out);
    free(sim);
    free(ref);
    free(hist);
    free(dates);
    dsc_ctx_destroy(ctx);
}

/* ref = hist: EQM is the identity, also far outside the fitted range (the correction there
 * is the end node's, 0). */
Test(bc, eqm_identical_distributions_is_identity)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    size_t n;
    dsc_date_t *dates = test_daily_dates(DSC_CAL_NOLEAP, 1981, 30, &n);
    double *x = seasonal_series(dates, n, DSC_CAL_NOLEAP, 285, 8, 3, 7);
    double *sim = seasonal_series(dates, n, DSC_CAL_NOLEAP, 285, 8, 6, 8);
    sim[0] = 400.0;
    sim[1] = 150.0;
    dsc_bc_config_t cfg = config("eqm", DSC_BC_GROUP_DOY, 31, 100);
    double *out = fit_apply(ctx, &cfg, DSC_CAL_NOLEAP, x, x, sim, dates, n);
    for (size_t i = 0; i < n; i++)
        cr_assert_float_eq(out[i], sim[i], 1e-9, "value %zu: %g -> %g", i, sim[i], out[i]);
    free(out);
    free(sim);
    free(x);
    free(dates);
    dsc_ctx_destroy(ctx);
}

/* One January with 15 nodes, at order statistics 2i+1: EQM applied to hist must turn its
 * (2i+1)-th smallest value into ref's. */
Test(bc, eqm_hist_gets_ref_quantiles_at_nodes)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    size_t n;
    dsc_date_t *dates = test_daily_dates(DSC_CAL_NOLEAP, 2001, 1, &n);
    double *ref = seasonal_series(dates, n, DSC_CAL_NOLEAP, 275, 10, 3, 11);
    double *hist = seasonal_series(dates, n, DSC_CAL_NOLEAP, 279, 12, 5, 12);
    dsc_bc_config_t cfg = config("eqm", DSC_BC_GROUP_MONTH, 0, 15);
    double *out = fit_apply(ctx, &cfg, DSC_CAL_NOLEAP, ref, hist, hist, dates, n);
    assert_january_nodes(ref, out, 0.0);
    free(out);
    free(ref);
    free(hist);
    free(dates);
    dsc_ctx_destroy(ctx);
}

/* 100 years: after EQM with day windows, July of the corrected hist has ref's July
 * distribution. Before correction the median is 4 K off and the spread twice ref's; after,
 * quantiles agree within 0.2 K (the windows mix in 15 days of the seasonal cycle). */
Test(bc, eqm_large_sample_matches_ref)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    size_t n;
    dsc_date_t *dates = test_daily_dates(DSC_CAL_NOLEAP, 1901, 100, &n);
    double *ref = seasonal_series(dates, n, DSC_CAL_NOLEAP, 283, 9, 2.5, 21);
    double *hist = seasonal_series(dates, n, DSC_CAL_NOLEAP, 287, 9, 5.0, 22);
    dsc_bc_config_t cfg = config("eqm", DSC_BC_GROUP_DOY, 31, 100);
    double *out = fit_apply(ctx, &cfg, DSC_CAL_NOLEAP, ref, hist, hist, dates, n);

    double *r = alloc_values(n), *o = alloc_values(n);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (dates[i].month == 7) {
            r[m] = ref[i];
            o[m] = out[i];
            m++;
        }
    }
    qsort(r, m, sizeof *r, compare_doubles);
    qsort(o, m, sizeof *o, compare_doubles);
    const double probs[] = {0.05, 0.25, 0.5, 0.75, 0.95};
    for (int k = 0; k < 5; k++) {
        size_t j = (size_t)(probs[k] * (double)(m - 1));
        cr_assert_float_eq(o[j], r[j], 0.2, "p=%g: %g vs %g", probs[k], o[j], r[j]);
    }
    free(r);
    free(o);
    free(out);
    free(ref);
    free(hist);
    free(dates);
    dsc_ctx_destroy(ctx);
}

/* Constant extrapolation: ref = hist + 2 K, so every node's correction is +2 K and values
 * far beyond the fitted range get exactly +2 K too, never NaN. */
Test(bc, eqm_extrapolates_the_end_correction)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    size_t n;
    dsc_date_t *dates = test_daily_dates(DSC_CAL_360_DAY, 2001, 10, &n);
    double *hist = seasonal_series(dates, n, DSC_CAL_360_DAY, 280, 10, 3, 31);
    double *ref = alloc_values(n), *sim = alloc_values(n);
    for (size_t i = 0; i < n; i++) {
        ref[i] = hist[i] + 2.0;
        sim[i] = i % 2 ? 1000.0 : -1000.0;
    }
    dsc_bc_config_t cfg = config("eqm", DSC_BC_GROUP_DOY, 31, 50);
    double *out = fit_apply(ctx, &cfg, DSC_CAL_360_DAY, ref, hist, sim, dates, n);
    for (size_t i = 0; i < n; i++)
        cr_assert_float_eq(out[i], sim[i] + 2.0, 1e-9, "value %zu: %g", i, out[i]);
    free(out);
    free(sim);
    free(ref);
    free(hist);
    free(dates);
    dsc_ctx_destroy(ctx);
}

/* The end nodes of one January with 15 nodes are the order statistics 1 and 29 (0-based);
 * beyond them, including hist's own extremes 0 and 30, the correction is that node's
 * ref - hist difference, which differs at the two ends because ref's spread is smaller. */
Test(bc, eqm_constant_extrapolation_beyond_end_nodes)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    size_t n;
    dsc_date_t *dates = test_daily_dates(DSC_CAL_NOLEAP, 2001, 1, &n);
    double *ref = seasonal_series(dates, n, DSC_CAL_NOLEAP, 275, 0, 2, 13);
    double *hist = seasonal_series(dates, n, DSC_CAL_NOLEAP, 279, 0, 6, 14);
    dsc_bc_config_t cfg = config("eqm", DSC_BC_GROUP_MONTH, 0, 15);
    dsc_bc_t *bc = NULL;
    cr_assert_eq(dsc_bc_fit(ctx, &cfg, DSC_CAL_NOLEAP, ref, dates, n, hist, dates, n, &bc), DSC_OK);
    qsort(ref, 31, sizeof *ref, compare_doubles);
    qsort(hist, 31, sizeof *hist, compare_doubles);
    double low = ref[1] - hist[1], high = ref[29] - hist[29];
    cr_assert(fabs(high - low) > 1.0, "the two ends should differ: %g %g", low, high);

    double sim[4] = {hist[0], -1000.0, hist[30], 1000.0}, out[4];
    dsc_date_t jan[4] = {{2001, 1, 1, 0}, {2001, 1, 2, 0}, {2001, 1, 3, 0}, {2001, 1, 4, 0}};
    cr_assert_eq(dsc_bc_apply(ctx, bc, sim, jan, 4, out), DSC_OK);
    cr_assert_float_eq(out[0], hist[0] + low, 1e-9);
    cr_assert_float_eq(out[1], -1000.0 + low, 1e-9);
    cr_assert_float_eq(out[2], hist[30] + high, 1e-9);
    cr_assert_float_eq(out[3], 1000.0 + high, 1e-9);
    dsc_bc_destroy(bc);
    free(ref);
    free(hist);
    free(dates);
    dsc_ctx_destroy(ctx);
}

/* Rounded data ties nodes. One January: hist has 10 x 280, 11 x 281 and 10 x 282 K, ref is
 * 270 .. 300 K. With 15 nodes at order statistics 2i+1, hist's nodes 0-4 are 280, 5-9 are
 * 281, 10-14 are 282, and ref's node i is 271 + 2i. A value on a tie takes the middle
 * node of the run: 280 -> node 2 (275), 281 -> node 7 (285), 282 -> node 12 (295); 280.5
 * lies halfway between nodes 4 and 5: 270 + (9 + 11) / 2 = 280. */
Test(bc, eqm_tied_nodes_take_the_middle)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    size_t n;
    dsc_date_t *dates = test_daily_dates(DSC_CAL_NOLEAP, 2001, 1, &n);
    double *ref = alloc_values(n), *hist = alloc_values(n);
    for (size_t i = 0; i < n; i++) {
        ref[i] = i < 31 ? 300.0 - (double)i : NAN;
        hist[i] = i < 31 ? (i < 10 ? 280.0 : i < 21 ? 281.0 : 282.0) : NAN;
    }
    dsc_bc_config_t cfg = config("eqm", DSC_BC_GROUP_MONTH, 0, 15);
    dsc_bc_t *bc = NULL;
    cr_assert_eq(dsc_bc_fit(ctx, &cfg, DSC_CAL_NOLEAP, ref, dates, n, hist, dates, n, &bc), DSC_OK);
    double sim[4] = {280.0, 281.0, 282.0, 280.5}, expected[4] = {275.0, 285.0, 295.0, 280.0};
    double out[4];
    cr_assert_eq(dsc_bc_apply(ctx, bc, sim, dates, 4, out), DSC_OK);
    for (int i = 0; i < 4; i++)
        cr_assert_float_eq(out[i], expected[i], 1e-9, "%g -> %g", sim[i], out[i]);
    dsc_bc_destroy(bc);
    free(ref);
    free(hist);
    free(dates);
    dsc_ctx_destroy(ctx);
}

/* QDM with a future = hist + 3 K: its nodes are hist's + 3, so at each node (order
 * statistic 2i+1 of one January, as above) the output is ref's value + 3 K. */
Test(bc, qdm_keeps_a_uniform_change_at_every_quantile)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    size_t n;
    dsc_date_t *dates = test_daily_dates(DSC_CAL_NOLEAP, 2001, 1, &n);
    double *ref = seasonal_series(dates, n, DSC_CAL_NOLEAP, 275, 10, 3, 41);
    double *hist = seasonal_series(dates, n, DSC_CAL_NOLEAP, 279, 12, 5, 42);
    double *fut = alloc_values(n);
    for (size_t i = 0; i < n; i++)
        fut[i] = hist[i] + 3.0;
    dsc_bc_config_t cfg = config("qdm", DSC_BC_GROUP_MONTH, 0, 15);
    double *out = fit_apply(ctx, &cfg, DSC_CAL_NOLEAP, ref, hist, fut, dates, n);
    assert_january_nodes(ref, out, 3.0);
    free(out);
    free(fut);
    free(ref);
    free(hist);
    free(dates);
    dsc_ctx_destroy(ctx);
}

/* With day windows the same holds value by value: QDM(hist + c) = EQM(hist) + c, and
 * DQM(hist + c) = EQM(hist) + c, while DQM(hist) = EQM(hist). */
Test(bc, qdm_and_dqm_against_eqm_with_windows)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    size_t n;
    dsc_date_t *dates = test_daily_dates(DSC_CAL_STANDARD, 1981, 30, &n);
    double *ref = seasonal_series(dates, n, DSC_CAL_STANDARD, 283, 9, 2.5, 51);
    double *hist = seasonal_series(dates, n, DSC_CAL_STANDARD, 286, 11, 4.0, 52);
    double *fut = alloc_values(n);
    for (size_t i = 0; i < n; i++)
        fut[i] = hist[i] + 4.5;

    dsc_bc_config_t cfg = config("eqm", DSC_BC_GROUP_DOY, 31, 100);
    double *eqm = fit_apply(ctx, &cfg, DSC_CAL_STANDARD, ref, hist, hist, dates, n);
    strcpy(cfg.method, "qdm");
    double *qdm = fit_apply(ctx, &cfg, DSC_CAL_STANDARD, ref, hist, fut, dates, n);
    strcpy(cfg.method, "dqm");
    double *dqm = fit_apply(ctx, &cfg, DSC_CAL_STANDARD, ref, hist, fut, dates, n);
    double *dqm0 = fit_apply(ctx, &cfg, DSC_CAL_STANDARD, ref, hist, hist, dates, n);
    for (size_t i = 0; i < n; i++) {
        cr_assert_float_eq(qdm[i], eqm[i] + 4.5, 1e-6, "qdm %zu", i);
        cr_assert_float_eq(dqm[i], eqm[i] + 4.5, 1e-6, "dqm %zu", i);
        cr_assert_float_eq(dqm0[i], eqm[i], 1e-6, "dqm0 %zu", i);
    }
    free(eqm);
    free(qdm);
    free(dqm);
    free(dqm0);
    free(fut);
    free(ref);
    free(hist);
    free(dates);
    dsc_ctx_destroy(ctx);
}

/* Scaling methods worked by hand on one January (noleap, monthly groups, other months
 * missing): ref_d = 270 + d (mean 286), hist_d = 272 + 2d (mean 304, sd twice ref's),
 * sim_d = hist_d + 10 (mean 314).
 *   linear_scaling: sim_d - 18 = 264 + 2d
 *   variance_scaling: 314 - 18 + (2d - 32) / 2 = 280 + d = ref_d + 10
 *   delta: 286 + (314 - 304) = 296 on every day
 * February has sim values but no fit, so it stays missing. */
Test(bc, scaling_methods_by_hand)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    size_t n;
    dsc_date_t *dates = test_daily_dates(DSC_CAL_NOLEAP, 2001, 1, &n);
    double *ref = alloc_values(n), *hist = alloc_values(n), *sim = alloc_values(n);
    for (size_t i = 0; i < n; i++) {
        double d = dates[i].day;
        int jan = dates[i].month == 1;
        ref[i] = jan ? 270.0 + d : NAN;
        hist[i] = jan ? 272.0 + 2.0 * d : NAN;
        sim[i] = 272.0 + 2.0 * d + 10.0;
    }
    dsc_bc_config_t cfg = config("linear_scaling", DSC_BC_GROUP_MONTH, 0, 10);
    double *lin = fit_apply(ctx, &cfg, DSC_CAL_NOLEAP, ref, hist, sim, dates, n);
    strcpy(cfg.method, "variance_scaling");
    double *var = fit_apply(ctx, &cfg, DSC_CAL_NOLEAP, ref, hist, sim, dates, n);
    strcpy(cfg.method, "delta");
    double *del = fit_apply(ctx, &cfg, DSC_CAL_NOLEAP, ref, hist, sim, dates, n);
    for (size_t i = 0; i < 31; i++) {
        double d = (double)(i + 1);
        cr_assert_float_eq(lin[i], 264.0 + 2.0 * d, 1e-9);
        cr_assert_float_eq(var[i], 280.0 + d, 1e-9);
        cr_assert_float_eq(del[i], 296.0, 1e-9);
    }
    for (size_t i = 31; i < 59; i++)
        cr_assert(isnan(lin[i]) && isnan(var[i]) && isnan(del[i]), "February %zu", i);
    free(lin);
    free(var);
    free(del);
    free(sim);
    free(ref);
    free(hist);
    free(dates);
    dsc_ctx_destroy(ctx);
}

/* 10 % of the values missing everywhere: every method keeps exactly sim's missing values
 * and gives a finite value everywhere else. */
Test(bc, missing_values_stay_missing)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    size_t n;
    dsc_date_t *dates = test_daily_dates(DSC_CAL_PROLEPTIC_GREGORIAN, 1991, 10, &n);
    double *ref = seasonal_series(dates, n, DSC_CAL_PROLEPTIC_GREGORIAN, 283, 9, 2.5, 61);
    double *hist = seasonal_series(dates, n, DSC_CAL_PROLEPTIC_GREGORIAN, 286, 9, 4, 62);
    double *sim = seasonal_series(dates, n, DSC_CAL_PROLEPTIC_GREGORIAN, 289, 9, 4, 63);
    for (size_t i = 0; i < n; i++) {
        if (i % 10 == 3)
            ref[i] = NAN;
        if (i % 10 == 5)
            hist[i] = NAN;
        if (i % 10 == 7)
            sim[i] = NAN;
    }
    for (size_t k = 0; k < sizeof all_methods / sizeof all_methods[0]; k++) {
        dsc_bc_config_t cfg = config(all_methods[k], DSC_BC_GROUP_DOY, 31, 50);
        double *out = fit_apply(ctx, &cfg, DSC_CAL_PROLEPTIC_GREGORIAN, ref, hist, sim, dates, n);
        for (size_t i = 0; i < n; i++)
            cr_assert_eq(isnan(out[i]), isnan(sim[i]), "%s value %zu", all_methods[k], i);
        free(out);
    }
    free(sim);
    free(ref);
    free(hist);
    free(dates);
    dsc_ctx_destroy(ctx);
}

/* ref missing on groups 100..130 of every noleap year: the 31-day window of group 115 is
 * exactly that gap, so only group 115 is empty; 114 and 116 reach one day with data. */
Test(bc, empty_window_gives_missing_output)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    size_t n;
    dsc_date_t *dates = test_daily_dates(DSC_CAL_NOLEAP, 1991, 5, &n);
    double *ref = seasonal_series(dates, n, DSC_CAL_NOLEAP, 283, 9, 2.5, 71);
    double *hist = seasonal_series(dates, n, DSC_CAL_NOLEAP, 286, 9, 4, 72);
    for (size_t i = 0; i < n; i++) {
        int g = dsc_bc_group_index(DSC_BC_GROUP_DOY, DSC_CAL_NOLEAP, dates[i]);
        if (g >= 100 && g <= 130)
            ref[i] = NAN;
    }
    for (size_t k = 0; k < sizeof all_methods / sizeof all_methods[0]; k++) {
        dsc_bc_config_t cfg = config(all_methods[k], DSC_BC_GROUP_DOY, 31, 50);
        double *out = fit_apply(ctx, &cfg, DSC_CAL_NOLEAP, ref, hist, hist, dates, n);
        for (size_t i = 0; i < n; i++) {
            int g = dsc_bc_group_index(DSC_BC_GROUP_DOY, DSC_CAL_NOLEAP, dates[i]);
            cr_assert_eq(isnan(out[i]), g == 115, "%s group %d", all_methods[k], g);
        }
        free(out);
    }

    /* Nothing valid at all is a range error. */
    for (size_t i = 0; i < n; i++)
        ref[i] = NAN;
    dsc_bc_config_t cfg = config("eqm", DSC_BC_GROUP_DOY, 31, 50);
    dsc_bc_t *bc = NULL;
    cr_assert_eq(dsc_bc_fit(ctx, &cfg, DSC_CAL_NOLEAP, ref, dates, n, hist, dates, n, &bc),
                 DSC_ERR_RANGE);
    cr_assert_null(bc);
    free(ref);
    free(hist);
    free(dates);
    dsc_ctx_destroy(ctx);
}

/* ref and hist may cover different periods; out may alias sim. */
Test(bc, different_periods_and_in_place_apply)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    size_t nr, nh;
    dsc_date_t *rd = test_daily_dates(DSC_CAL_NOLEAP, 1981, 20, &nr);
    dsc_date_t *hd = test_daily_dates(DSC_CAL_NOLEAP, 1971, 30, &nh);
    double *ref = seasonal_series(rd, nr, DSC_CAL_NOLEAP, 283, 9, 2.5, 81);
    double *hist = seasonal_series(hd, nh, DSC_CAL_NOLEAP, 286, 9, 4, 82);
    double *copy = alloc_values(nh);
    memcpy(copy, hist, nh * sizeof *copy);

    dsc_bc_config_t cfg = config("qdm", DSC_BC_GROUP_DOY, 31, 50);
    dsc_bc_t *bc = NULL;
    cr_assert_eq(dsc_bc_fit(ctx, &cfg, DSC_CAL_NOLEAP, ref, rd, nr, hist, hd, nh, &bc), DSC_OK);
    double *out = alloc_values(nh);
    cr_assert_eq(dsc_bc_apply(ctx, bc, hist, hd, nh, out), DSC_OK);
    cr_assert_eq(dsc_bc_apply(ctx, bc, copy, hd, nh, copy), DSC_OK);
    for (size_t i = 0; i < nh; i++)
        cr_assert_eq(copy[i], out[i], "value %zu", i);
    dsc_bc_destroy(bc);
    free(out);
    free(copy);
    free(ref);
    free(hist);
    free(rd);
    free(hd);
    dsc_ctx_destroy(ctx);
}

/* A date that does not exist in the calendar is refused before anything is written. */
Test(bc, invalid_date_is_refused)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    size_t n;
    dsc_date_t *dates = test_daily_dates(DSC_CAL_STANDARD, 2001, 2, &n);
    double *x = seasonal_series(dates, n, DSC_CAL_STANDARD, 283, 9, 2.5, 91);
    dsc_bc_config_t cfg = config("eqm", DSC_BC_GROUP_DOY, 31, 20);
    dsc_bc_t *bc = NULL;
    cr_assert_eq(dsc_bc_fit(ctx, &cfg, DSC_CAL_STANDARD, x, dates, n, x, dates, n, &bc), DSC_OK);

    double sim[3] = {280.0, 281.0, 282.0}, out[3] = {-1.0, -1.0, -1.0};
    dsc_date_t bad[3] = {{2001, 2, 27, 0}, {2001, 2, 28, 0}, {2001, 2, 29, 0}};
    cr_assert_eq(dsc_bc_apply(ctx, bc, sim, bad, 3, out), DSC_ERR_USAGE);
    cr_assert(strstr(dsc_ctx_message(ctx), "2001-02-29") != NULL, "%s", dsc_ctx_message(ctx));
    for (int i = 0; i < 3; i++)
        cr_assert_eq(out[i], -1.0);
    dsc_bc_destroy(bc);

    dates[10].day = 31;
    dates[10].month = 4;
    cr_assert_eq(dsc_bc_fit(ctx, &cfg, DSC_CAL_STANDARD, x, dates, n, x, dates, n, &bc),
                 DSC_ERR_USAGE);
    cr_assert(strstr(dsc_ctx_message(ctx), "ref") != NULL, "%s", dsc_ctx_message(ctx));
    free(x);
    free(dates);
    dsc_ctx_destroy(ctx);
}

/* ---- pitfalls of the issue not covered above ------------------------------------------ */

/* NaN inside windows: fitting and applying with NaN at some dates gives, at every other
 * date, exactly what the same series with those dates removed gives, for every method; the
 * NaN dates stay NaN and nothing else does. Standard calendar, day windows. */
Test(bc, missing_values_count_as_absent)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    size_t n;
    dsc_date_t *dates = test_daily_dates(DSC_CAL_STANDARD, 1991, 8, &n);
    double *ref = seasonal_series(dates, n, DSC_CAL_STANDARD, 283, 9, 2.5, 111);
    double *hist = seasonal_series(dates, n, DSC_CAL_STANDARD, 286, 9, 4, 112);
    double *sim = seasonal_series(dates, n, DSC_CAL_STANDARD, 288, 9, 4, 113);
    /* Missing: one ref value in 7, one hist value in 11, one sim value in 13. */
    double *rk = alloc_values(n), *hk = alloc_values(n), *sk = alloc_values(n);
    dsc_date_t *rd = malloc(n * sizeof *rd), *hd = malloc(n * sizeof *hd);
    dsc_date_t *sd = malloc(n * sizeof *sd);
    size_t nr = 0, nh = 0, ns = 0;
    for (size_t i = 0; i < n; i++) {
        if (i % 7 == 3)
            ref[i] = NAN;
        else
            rk[nr] = ref[i], rd[nr++] = dates[i];
        if (i % 11 == 5)
            hist[i] = NAN;
        else
            hk[nh] = hist[i], hd[nh++] = dates[i];
        if (i % 13 == 8)
            sim[i] = NAN;
        else
            sk[ns] = sim[i], sd[ns++] = dates[i];
    }
    double *a = alloc_values(n), *b = alloc_values(n);
    for (size_t k = 0; k < sizeof all_methods / sizeof all_methods[0]; k++) {
        dsc_bc_config_t cfg = config(all_methods[k], DSC_BC_GROUP_DOY, 31, 50);
        dsc_bc_t *with_nan = NULL, *without = NULL;
        cr_assert_eq(dsc_bc_fit(ctx, &cfg, DSC_CAL_STANDARD, ref, dates, n, hist, dates, n,
                                &with_nan), DSC_OK);
        cr_assert_eq(dsc_bc_fit(ctx, &cfg, DSC_CAL_STANDARD, rk, rd, nr, hk, hd, nh, &without),
                     DSC_OK);
        cr_assert_eq(dsc_bc_apply(ctx, with_nan, sim, dates, n, a), DSC_OK);
        cr_assert_eq(dsc_bc_apply(ctx, without, sk, sd, ns, b), DSC_OK);
        size_t j = 0;
        for (size_t i = 0; i < n; i++) {
            if (isnan(sim[i])) {
                cr_assert(isnan(a[i]), "%s: value %zu should stay missing", all_methods[k], i);
                continue;
            }
            cr_assert(isfinite(a[i]), "%s: value %zu became missing", all_methods[k], i);
            cr_assert_float_eq(a[i], b[j], 1e-9, "%s value %zu", all_methods[k], i);
            j++;
        }
        dsc_bc_destroy(with_nan);
        dsc_bc_destroy(without);
    }
    free(a);
    free(b);
    free(rk);
    free(hk);
    free(sk);
    free(rd);
    free(hd);
    free(sd);
    free(ref);
    free(hist);
    free(sim);
    free(dates);
    dsc_ctx_destroy(ctx);
}

/* The wrap test of window_wraps_across_new_year in the 360_day calendar: ref is 31 K on
 * 30 December (group 359) only, so groups 344..359 and 0..14 (within 15 of 359) hold one
 * 31 among 31 values a year and get a correction of exactly 1 K; 15..343 get 0. */
Test(bc, window_wraps_in_360_day_calendar)
{
    size_t n;
    double *out = spike_correction(DSC_CAL_360_DAY, 2001, 2, 12, 30, 31.0, &n);
    cr_assert_eq(n, 720);
    for (size_t i = 0; i < 360; i++) {
        double expected = (i <= 14 || i >= 344) ? 1.0 : 0.0;
        cr_assert_float_eq(out[i], expected, 1e-12, "group %zu: %g", i, out[i]);
        cr_assert_float_eq(out[i + 360], expected, 1e-12, "second year, group %zu", i);
    }
    free(out);
}

/* Monthly groups in the standard calendar: 12 groups whatever the year, and a correction
 * that depends on the month only. ref = hist + month (K), so linear scaling adds the month
 * number and EQM does too (every node's ref - hist difference is the month). */
Test(bc, month_groups_in_standard_calendar)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    size_t n;
    dsc_date_t *dates = test_daily_dates(DSC_CAL_STANDARD, 1999, 3, &n);
    cr_assert_eq(n, 365 + 366 + 365);
    double *hist = seasonal_series(dates, n, DSC_CAL_STANDARD, 280, 10, 3, 121);
    double *ref = alloc_values(n);
    for (size_t i = 0; i < n; i++)
        ref[i] = hist[i] + dates[i].month;
    const char *methods[2] = {"linear_scaling", "eqm"};
    for (int k = 0; k < 2; k++) {
        dsc_bc_config_t cfg = config(methods[k], DSC_BC_GROUP_MONTH, 0, 20);
        double *out = fit_apply(ctx, &cfg, DSC_CAL_STANDARD, ref, hist, hist, dates, n);
        for (size_t i = 0; i < n; i++)
            cr_assert_float_eq(out[i], ref[i], 1e-9, "%s value %zu", methods[k], i);
        free(out);
    }
    free(ref);
    free(hist);
    free(dates);
    dsc_ctx_destroy(ctx);
}

/* ---- whole fields ---------------------------------------------------------------------- */

/* Five cells, noleap, 20 years: cell 2 has no ref at all, cell 4 no sim in 1995, the others
 * are complete. Every cell must equal a fit and apply of its own column (sim in blocks of
 * 7 years), cell 2 is NaN and counted as skipped, the missing sim year stays missing, and
 * the result does not change with the number of threads. */
Test(bc, correct_cells_matches_cell_by_cell)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    size_t n, ncell = 5;
    dsc_date_t *dates = test_daily_dates(DSC_CAL_NOLEAP, 1981, 20, &n);
    double *ref = alloc_values(n * ncell), *hist = alloc_values(n * ncell);
    double *sim = alloc_values(n * ncell);
    for (size_t c = 0; c < ncell; c++) {
        double *r = seasonal_series(dates, n, DSC_CAL_NOLEAP, 280 + c, 9, 2.5, 200 + c);
        double *h = seasonal_series(dates, n, DSC_CAL_NOLEAP, 283 + c, 11, 4, 300 + c);
        double *s = seasonal_series(dates, n, DSC_CAL_NOLEAP, 285 + c, 11, 4.5, 400 + c);
        for (size_t t = 0; t < n; t++) {
            ref[t * ncell + c] = c == 2 ? NAN : r[t];
            hist[t * ncell + c] = h[t];
            sim[t * ncell + c] = c == 4 && dates[t].year == 1995 ? NAN : s[t];
        }
        free(r);
        free(h);
        free(s);
    }
    dsc_bc_cells_t rb = {ref, dates, n, NULL}, hb = {hist, dates, n, NULL},
                   sb = {sim, dates, n, NULL};
    double *out1 = alloc_values(n * ncell), *out2 = alloc_values(n * ncell);
    double *col_r = alloc_values(n), *col_h = alloc_values(n), *col_s = alloc_values(n);
    double *col_o = alloc_values(n);
    const char *methods[2] = {"qdm", "eqm"};
    for (int k = 0; k < 2; k++) {
        dsc_bc_config_t cfg = config(methods[k], DSC_BC_GROUP_DOY, 31, 40);
        size_t skipped = 99;
        omp_set_num_threads(1);
        cr_assert_eq(dsc_bc_correct_cells(ctx, &cfg, DSC_CAL_NOLEAP, ncell, &rb, &hb, &sb, 7,
                                          out1, &skipped), DSC_OK, "%s", dsc_ctx_message(ctx));
        cr_assert_eq(skipped, 1);
        omp_set_num_threads(3);
        cr_assert_eq(dsc_bc_correct_cells(ctx, &cfg, DSC_CAL_NOLEAP, ncell, &rb, &hb, &sb, 7,
                                          out2, NULL), DSC_OK);
        cr_assert_eq(memcmp(out1, out2, n * ncell * sizeof *out1), 0, "threads differ");

        for (size_t c = 0; c < ncell; c++) {
            for (size_t t = 0; t < n; t++) {
                col_r[t] = ref[t * ncell + c];
                col_h[t] = hist[t * ncell + c];
                col_s[t] = sim[t * ncell + c];
            }
            if (c == 2) {
                for (size_t t = 0; t < n; t++)
                    cr_assert(isnan(out1[t * ncell + c]), "cell 2 should be missing");
                continue;
            }
            dsc_bc_t *bc = NULL;
            cr_assert_eq(dsc_bc_fit(ctx, &cfg, DSC_CAL_NOLEAP, col_r, dates, n, col_h, dates,
                                    n, &bc), DSC_OK);
            /* Blocks of 7 years from 1981: 1981-87, 1988-94, 1995-2000. */
            size_t b0 = 0;
            while (b0 < n) {
                size_t b1 = b0;
                while (b1 < n && dates[b1].year < dates[b0].year + 7)
                    b1++;
                cr_assert_eq(dsc_bc_apply(ctx, bc, col_s + b0, dates + b0, b1 - b0,
                                          col_o + b0), DSC_OK);
                b0 = b1;
            }
            dsc_bc_destroy(bc);
            for (size_t t = 0; t < n; t++) {
                double v = out1[t * ncell + c];
                cr_assert_eq(isnan(v), isnan(sim[t * ncell + c]), "%s cell %zu day %zu",
                             methods[k], c, t);
                if (!isnan(v))
                    cr_assert_float_eq(v, col_o[t], 1e-12, "%s cell %zu day %zu", methods[k],
                                       c, t);
            }
        }
    }
    omp_set_num_threads(omp_get_num_procs());

    /* Settings are refused before any cell is touched; the failing cell is named. */
    dsc_bc_config_t bad = config("eqm", DSC_BC_GROUP_DOY, 31, 40);
    strcpy(bad.kind, "multiplicative");
    cr_assert_eq(dsc_bc_correct_cells(ctx, &bad, DSC_CAL_NOLEAP, ncell, &rb, &hb, &sb, 0, out1,
                                      NULL), DSC_ERR_CONFIG);
    bad = config("quantile_magic", DSC_BC_GROUP_DOY, 31, 40);
    cr_assert_eq(dsc_bc_correct_cells(ctx, &bad, DSC_CAL_NOLEAP, ncell, &rb, &hb, &sb, 0, out1,
                                      NULL), DSC_ERR_CONFIG);
    dsc_date_t *bad_dates = malloc(n * sizeof *bad_dates);
    memcpy(bad_dates, dates, n * sizeof *bad_dates);
    bad_dates[40] = (dsc_date_t){1981, 2, 29, 0};
    dsc_bc_cells_t bad_sim = {sim, bad_dates, n, NULL};
    dsc_bc_config_t ok = config("eqm", DSC_BC_GROUP_DOY, 31, 40);
    cr_assert_eq(dsc_bc_correct_cells(ctx, &ok, DSC_CAL_NOLEAP, ncell, &rb, &hb, &bad_sim, 0,
                                      out1, NULL), DSC_ERR_USAGE);
    cr_assert(strstr(dsc_ctx_message(ctx), "1981-02-29") != NULL, "%s", dsc_ctx_message(ctx));
    free(bad_dates);
    free(col_r);
    free(col_h);
    free(col_s);
    free(col_o);
    free(out1);
    free(out2);
    free(ref);
    free(hist);
    free(sim);
    free(dates);
    dsc_ctx_destroy(ctx);
}
