/* test_linear.c - the least-squares baseline and the checked BLAS/LAPACKE wrappers. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "dsc/blas.h"
#include "dsc/linear.h"

/* Noiseless data from known coefficients, with predictors on very different scales (a
 * pressure-like column near 1e5, a humidity-like column near 1e-3): the fit must give the
 * coefficients back to 1e-10 relative (absolute for the intercept, in y units). */
Test(linear, recovers_exact_coefficients)
{
    enum { N = 60, P = 3 };
    static double x[N * P], y[N], pred[N];
    const double truth[P + 1] = {1.5, 2.0, -0.003, 400.0};
    dsc_ctx_t *ctx = dsc_ctx_create();
    dsc_linear_t *model = NULL;
    dsc_rng_t rng;

    dsc_rng_seed(&rng, 21);
    for (size_t i = 0; i < N; i++) {
        double *r = x + i * P;
        r[0] = dsc_rng_uniform(&rng);
        r[1] = 1e5 + 1000.0 * dsc_rng_normal(&rng);
        r[2] = 1e-3 * dsc_rng_uniform(&rng);
        y[i] = truth[0] + truth[1] * r[0] + truth[2] * r[1] + truth[3] * r[2];
    }
    cr_assert_eq(dsc_linear_fit(ctx, x, y, N, P, 0.0, &model), DSC_OK, "%s",
                 dsc_ctx_message(ctx));
    cr_assert_eq(model->p, P);
    for (size_t k = 0; k <= P; k++)
        cr_assert(fabs(model->coef[k] - truth[k]) <= 1e-10 * fmax(1.0, fabs(truth[k])),
                  "coefficient %zu: %.17g, expected %.17g", k, model->coef[k], truth[k]);
    cr_assert_eq(dsc_linear_predict(ctx, model, x, N, pred), DSC_OK);
    for (size_t i = 0; i < N; i++)
        cr_assert_float_eq(pred[i], y[i], 1e-9);
    dsc_linear_destroy(model);
    dsc_ctx_destroy(ctx);
}

/* One predictor, x = {0, 1, 2, 3}, y = 1 + 2x: mean x 1.5, Sxx = 2.25 + 0.25 + 0.25 + 2.25 =
 * 5, Sxy = 2 Sxx = 10. Ridge gives slope Sxy / (Sxx + ridge) and the intercept through the
 * means (4 - 1.5 slope): ridge 0 -> (1, 2); ridge 5 -> slope 1, intercept 2.5;
 * ridge 15 -> slope 0.5, intercept 3.25. */
Test(linear, ridge_shrinks_by_hand)
{
    const double x[4] = {0, 1, 2, 3}, y[4] = {1, 3, 5, 7};
    const double ridge[3] = {0.0, 5.0, 15.0};
    const double slope[3] = {2.0, 1.0, 0.5}, intercept[3] = {1.0, 2.5, 3.25};
    dsc_ctx_t *ctx = dsc_ctx_create();

    for (size_t c = 0; c < 3; c++) {
        dsc_linear_t *model = NULL;
        cr_assert_eq(dsc_linear_fit(ctx, x, y, 4, 1, ridge[c], &model), DSC_OK);
        cr_assert_float_eq(model->coef[1], slope[c], 1e-12, "ridge %g", ridge[c]);
        cr_assert_float_eq(model->coef[0], intercept[c], 1e-12, "ridge %g", ridge[c]);
        dsc_linear_destroy(model);
    }
    dsc_ctx_destroy(ctx);
}

/* With several predictors the norm of the slopes falls as ridge grows. */
Test(linear, ridge_norm_decreases)
{
    enum { N = 40, P = 4 };
    static double x[N * P], y[N];
    const double ridge[4] = {0.0, 1.0, 10.0, 100.0};
    double last = INFINITY;
    dsc_ctx_t *ctx = dsc_ctx_create();
    dsc_rng_t rng;

    dsc_rng_seed(&rng, 8);
    for (size_t i = 0; i < N; i++) {
        y[i] = 0.0;
        for (size_t k = 0; k < P; k++) {
            x[i * P + k] = dsc_rng_normal(&rng);
            y[i] += (double)(k + 1) * x[i * P + k];
        }
        y[i] += 0.1 * dsc_rng_normal(&rng);
    }
    for (size_t c = 0; c < 4; c++) {
        dsc_linear_t *model = NULL;
        double norm = 0.0;
        cr_assert_eq(dsc_linear_fit(ctx, x, y, N, P, ridge[c], &model), DSC_OK);
        for (size_t k = 1; k <= P; k++)
            norm += model->coef[k] * model->coef[k];
        cr_assert_lt(norm, last, "ridge %g did not shrink", ridge[c]);
        last = norm;
        dsc_linear_destroy(model);
    }
    dsc_ctx_destroy(ctx);
}

Test(linear, too_few_rows)
{
    const double x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 10}, y[3] = {1, 2, 3};
    dsc_ctx_t *ctx = dsc_ctx_create();
    dsc_linear_t *model = NULL;

    cr_assert_eq(dsc_linear_fit(ctx, x, y, 3, 3, 0.0, &model), DSC_ERR_NUMERIC);
    cr_assert_null(model);
    cr_assert_str_eq(dsc_ctx_message(ctx), "linear fit: 3 rows for 4 coefficients (needs at "
                     "least p + 1 = 4)");
    cr_assert_eq(dsc_linear_fit(ctx, x, y, 3, 3, 1.0, &model), DSC_ERR_NUMERIC);
    dsc_ctx_destroy(ctx);
}

/* Column 2 is exactly 2 x column 1; column 3 of the second design is constant. Both are
 * refused without ridge and accepted with it. */
Test(linear, rank_deficient_design)
{
    const double collinear[12] = {1, 2, 0.5, 2, 4, -1, 3, 6, 2, 4, 8, 0};
    const double constant[12] = {1, 0.3, 7, 2, -1, 7, 3, 0.8, 7, 4, 2, 7};
    const double y[4] = {1, 0, 2, 1};
    dsc_ctx_t *ctx = dsc_ctx_create();
    dsc_linear_t *model = NULL;

    cr_assert_eq(dsc_linear_fit(ctx, collinear, y, 4, 3, 0.0, &model), DSC_ERR_NUMERIC);
    cr_assert_null(model);
    cr_assert(strstr(dsc_ctx_message(ctx), "rank 2 for 3 predictors") != NULL, "%s",
              dsc_ctx_message(ctx));
    cr_assert_eq(dsc_linear_fit(ctx, constant, y, 4, 3, 0.0, &model), DSC_ERR_NUMERIC);
    cr_assert(strstr(dsc_ctx_message(ctx), "rank 2 for 3 predictors") != NULL);

    cr_assert_eq(dsc_linear_fit(ctx, constant, y, 4, 3, 0.1, &model), DSC_OK);
    cr_assert_float_eq(model->coef[3], 0.0, 1e-12); /* the penalty alone fixes it */
    dsc_linear_destroy(model);
    dsc_ctx_destroy(ctx);
}

/* With no predictor the model is the mean: (1 + 2 + 6) / 3 = 3. */
Test(linear, intercept_only)
{
    const double y[3] = {1, 2, 6};
    double pred[2];
    dsc_ctx_t *ctx = dsc_ctx_create();
    dsc_linear_t *model = NULL;

    cr_assert_eq(dsc_linear_fit(ctx, NULL, y, 3, 0, 0.0, &model), DSC_OK);
    cr_assert_float_eq(model->coef[0], 3.0, 1e-15);
    pred[0] = pred[1] = NAN;
    cr_assert_eq(dsc_linear_predict(ctx, model, NULL, 2, pred), DSC_OK);
    cr_assert(pred[0] == 3.0 && pred[1] == 3.0);
    dsc_linear_destroy(model);
    dsc_ctx_destroy(ctx);
}

Test(linear, nan_rows_refused)
{
    double x[6] = {1, 2, 3, 4, 5, 7}, y[6] = {1, 2, 3, 4, 5, 6}, pred[6];
    dsc_ctx_t *ctx = dsc_ctx_create();
    dsc_linear_t *model = NULL;

    y[4] = NAN;
    cr_assert_eq(dsc_linear_fit(ctx, x, y, 6, 1, 0.0, &model), DSC_ERR_USAGE);
    cr_assert_str_eq(dsc_ctx_message(ctx), "linear fit: row 4, target is NaN");
    y[4] = 5.0;
    cr_assert_eq(dsc_linear_fit(ctx, x, y, 6, 1, -1.0, &model), DSC_ERR_USAGE);
    cr_assert_eq(dsc_linear_fit(ctx, x, y, 6, 1, 0.0, &model), DSC_OK);
    x[2] = NAN;
    cr_assert_eq(dsc_linear_predict(ctx, model, x, 6, pred), DSC_ERR_USAGE);
    cr_assert_str_eq(dsc_ctx_message(ctx), "linear predict: row 2, predictor 0 is NaN");
    dsc_linear_destroy(model);
    dsc_linear_destroy(NULL);
    dsc_ctx_destroy(ctx);
}

/* [1 2; 3 4] [5 6; 7 8] = [19 22; 43 50]; with A transposed, [1 3; 2 4] B = [26 30; 38 44].
 * A leading dimension too small for the stored shape is refused with a message. */
Test(blas, dgemm_checks_and_computes)
{
    const double a[4] = {1, 2, 3, 4}, b[4] = {5, 6, 7, 8};
    double c[4];
    dsc_ctx_t *ctx = dsc_ctx_create();

    cr_assert_eq(dsc_blas_dgemm(ctx, "t", DSC_BLAS_PLAIN, DSC_BLAS_PLAIN, 2, 2, 2, 1.0, a, 2,
                                b, 2, 0.0, c, 2), DSC_OK);
    cr_assert(c[0] == 19 && c[1] == 22 && c[2] == 43 && c[3] == 50);
    cr_assert_eq(dsc_blas_dgemm(ctx, "t", DSC_BLAS_TRANSPOSED, DSC_BLAS_PLAIN, 2, 2, 2, 1.0, a,
                                2, b, 2, 0.0, c, 2), DSC_OK);
    cr_assert(c[0] == 26 && c[1] == 30 && c[2] == 38 && c[3] == 44);

    cr_assert_eq(dsc_blas_dgemm(ctx, "test product", DSC_BLAS_PLAIN, DSC_BLAS_PLAIN, 2, 2, 2,
                                1.0, a, 1, b, 2, 0.0, c, 2), DSC_ERR_USAGE);
    cr_assert_str_eq(dsc_ctx_message(ctx), "test product: A is 2 x 2 but its leading "
                     "dimension is 1 (needs >= 2)");
    cr_assert_eq(dsc_blas_dgemm(ctx, "t", DSC_BLAS_PLAIN, DSC_BLAS_PLAIN, 2, 2, 2, 1.0, a, 2,
                                NULL, 2, 0.0, c, 2), DSC_ERR_USAGE);
    /* A transposed 3 x 2 product: stored A is k x m = 2 x 3, so lda 2 is too small. */
    cr_assert_eq(dsc_blas_dgemm(ctx, "t", DSC_BLAS_TRANSPOSED, DSC_BLAS_PLAIN, 3, 2, 2, 1.0, a,
                                2, b, 2, 0.0, c, 2), DSC_ERR_USAGE);
    dsc_ctx_destroy(ctx);
}

/* [1 2; 3 4] (1, 1) = (3, 7); transposed: (4, 6). An empty inner dimension gives beta y. */
Test(blas, dgemv_checks_and_computes)
{
    const double a[4] = {1, 2, 3, 4}, x[2] = {1, 1};
    double y[2] = {10, 10};
    dsc_ctx_t *ctx = dsc_ctx_create();

    cr_assert_eq(dsc_blas_dgemv(ctx, "t", DSC_BLAS_PLAIN, 2, 2, 1.0, a, 2, x, 0.0, y), DSC_OK);
    cr_assert(y[0] == 3 && y[1] == 7);
    cr_assert_eq(dsc_blas_dgemv(ctx, "t", DSC_BLAS_TRANSPOSED, 2, 2, 1.0, a, 2, x, 0.0, y),
                 DSC_OK);
    cr_assert(y[0] == 4 && y[1] == 6);
    cr_assert_eq(dsc_blas_dgemv(ctx, "t", DSC_BLAS_PLAIN, 2, 0, 1.0, a, 1, x, 0.5, y), DSC_OK);
    cr_assert(y[0] == 2 && y[1] == 3);
    cr_assert_eq(dsc_blas_dgemv(ctx, "t", DSC_BLAS_PLAIN, 2, 2, 1.0, a, 1, x, 0.0, y),
                 DSC_ERR_USAGE);
    dsc_ctx_destroy(ctx);
}
