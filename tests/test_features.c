/* test_features.c - predictor rows and the pairing of model days with observations. */
#include <criterion/criterion.h>
#include <math.h>

#include "dsc/features.h"
#include "dsc/sha256.h"

Test(features, predictors_hold_columns_then_season)
{
    double a[3] = {1, 2, 3}, b[6] = {10, -1, 20, -1, 30, -1};
    dsc_features_column_t cols[2] = {{a, 1}, {b, 2}};
    dsc_date_t d[3] = {{2001, 1, 1, 0}, {2001, 4, 2, 0}, {2001, 12, 31, 0}};
    double x[3 * 4];
    cr_assert_eq(dsc_features_count(2), 4);
    dsc_features_fill(cols, 2, d, DSC_CAL_NOLEAP, 0, 3, x);
    cr_assert_eq(x[0], 1);
    cr_assert_eq(x[1], 10);
    cr_assert_eq(x[4 + 1], 20);
    /* 1 January: phase 2 pi 0.5 / 365. */
    cr_assert_float_eq(x[2], sin(2 * M_PI * 0.5 / 365), 1e-12);
    cr_assert_float_eq(x[3], cos(2 * M_PI * 0.5 / 365), 1e-12);
    /* 2 April is day 92 in a noleap year: phase 2 pi 91.5 / 365, about a quarter turn. */
    cr_assert_float_eq(x[4 + 2], sin(2 * M_PI * 91.5 / 365), 1e-12);
    cr_assert_float_eq(x[8 + 3], cos(2 * M_PI * 364.5 / 365), 1e-12);
}

Test(features, pairing_by_date_matches_dates_and_leaves_gaps)
{
    dsc_date_t md[4] = {{2000, 2, 28, 0}, {2000, 3, 1, 0}, {2000, 3, 2, 0}, {2000, 3, 3, 0}};
    /* The observations have 29 February (dropped against this noleap model) and lack 2 March. */
    dsc_date_t od[4] = {{2000, 2, 28, 0}, {2000, 2, 29, 0}, {2000, 3, 1, 0}, {2000, 3, 3, 0}};
    double obs[4] = {5, 6, 7, 8}, target[4];
    dsc_features_pair_by_date(md, 4, od, obs, 1, 4, target);
    cr_assert_eq(target[0], 5);
    cr_assert_eq(target[1], 7);
    cr_assert(isnan(target[2]));
    cr_assert_eq(target[3], 8);
}

Test(features, pairing_by_rank_maps_quantiles_within_months)
{
    /* Five January model days, values in scrambled order; five observed January days. The
     * model day of rank r gets the observed quantile at (r + 0.5) / 5 (type 7 interpolation
     * over the sorted observations 0, 10, 20, 30, 40: h = q * 4). */
    dsc_date_t d[6] = {{1990, 1, 1, 0}, {1990, 1, 2, 0}, {1990, 1, 3, 0},
                       {1990, 1, 4, 0}, {1990, 1, 5, 0}, {1991, 1, 1, 0}};
    double model[6] = {3.0, 1.0, 5.0, 2.0, 4.0, 9.0};
    double obs[6] = {40, 0, 20, 10, 30, 99};
    double target[6];
    dsc_ctx_t *ctx = dsc_ctx_create();
    cr_assert_eq(dsc_features_pair_by_rank(ctx, d, model, 1, 6, d, obs, 1, 6, 1990, 1990,
                                           target), DSC_OK);
    /* ranks: 1.0 -> 0, 2.0 -> 1, 3.0 -> 2, 4.0 -> 3, 5.0 -> 4; q = 0.1, 0.3, ..., 0.9;
     * h = 0.4, 1.2, 2.0, 2.8, 3.6 -> 4, 12, 20, 28, 36. */
    cr_assert_float_eq(target[1], 4.0, 1e-12);
    cr_assert_float_eq(target[3], 12.0, 1e-12);
    cr_assert_float_eq(target[0], 20.0, 1e-12);
    cr_assert_float_eq(target[4], 28.0, 1e-12);
    cr_assert_float_eq(target[2], 36.0, 1e-12);
    cr_assert(isnan(target[5]), "1991 lies outside the pairing years");
    dsc_ctx_destroy(ctx);
}

Test(sha256, known_vectors)
{
    dsc_sha256_t s;
    char hex[65];
    dsc_sha256_init(&s);
    dsc_sha256_update(&s, "abc", 3);
    dsc_sha256_final(&s, hex);
    cr_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    dsc_sha256_init(&s);
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    dsc_sha256_update(&s, two, 56);
    dsc_sha256_final(&s, hex);
    cr_assert_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

Test(features, pairing_by_year_fraction_spreads_the_spare_days)
{
    /* A 360_day model year against a standard common year (365 days): model day k takes
     * observed day floor((k - 0.5) * 365 / 360) + 1. Day 1 -> 1 Jan, day 36 -> day
     * floor(35.5 * 1.01389) + 1 = 36 (5 Feb), day 37 -> floor(36.5 * 1.01389) + 1 = 38
     * (7 Feb: 6 Feb is the first spare day), day 360 -> floor(359.5 * 1.01389) + 1 = 365. */
    dsc_date_t md[4] = {{2001, 1, 1, 0}, {2001, 2, 6, 0}, {2001, 2, 7, 0}, {2001, 12, 30, 0}};
    dsc_date_t od[365];
    double obs[365], target[4];
    for (int i = 0; i < 365; i++) {
        od[i] = dsc_date_from_days(DSC_CAL_STANDARD,
                                   dsc_date_to_days(DSC_CAL_STANDARD,
                                                    (dsc_date_t){2001, 1, 1, 0}) + i);
        obs[i] = i + 1; /* the observed day of year */
    }
    dsc_features_pair_by_year_fraction(md, DSC_CAL_360_DAY, 4, od, DSC_CAL_STANDARD, obs, 1,
                                       365, target);
    cr_assert_float_eq(target[0], 1, 1e-12);
    cr_assert_float_eq(target[1], 36, 1e-12);
    cr_assert_float_eq(target[2], 38, 1e-12);
    cr_assert_float_eq(target[3], 365, 1e-12);
}
