/* ols.c - ordinary least squares and ridge regression through LAPACKE_dgelsd.
 *
 * Why dgelsd and not dgels: dgels (QR) assumes full column rank and only fails on an exactly
 * zero pivot, so a design with two nearly collinear predictors would return huge, meaningless
 * coefficients without complaint. dgelsd (SVD) reports the numerical rank for a relative
 * threshold, which lets us refuse such a design with a clear message. The cost (an SVD of an
 * n x p matrix with p in the tens) is negligible next to reading the data.
 *
 * The design is centred and each column scaled to unit standard deviation before the solve:
 * the intercept then separates from the slopes (it is not penalised by ridge), and the rank
 * threshold compares predictors in comparable units instead of, say, pascals against kg/kg.
 * Ridge is added as p extra rows sqrt(ridge)/sd_k on the diagonal, which penalises the
 * slopes in the caller's original units, exactly as the header promises.
 */
#include "dsc/linear.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dsc/blas.h"

/* Singular values below this fraction of the largest count as zero. With unit-variance
 * columns a ratio of 1e-10 amplifies rounding errors to about 1e-6 relative in the
 * coefficients, the most we accept from a baseline model. */
#define RANK_RCOND 1e-10

/* Spread below this fraction of a column's mean is rounding noise: the column is constant. */
#define CONSTANT_REL 1e-12

static int check_rows(dsc_ctx_t *ctx, const char *what, const double *x, const double *y,
                      size_t n, size_t p)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < p; k++)
            if (!isfinite(x[i * p + k]))
                return dsc_error(ctx, DSC_ERR_USAGE, "%s: row %zu, predictor %zu is %s", what,
                                 i, k, isnan(x[i * p + k]) ? "NaN" : "infinite");
        if (y && !isfinite(y[i]))
            return dsc_error(ctx, DSC_ERR_USAGE, "%s: row %zu, target is %s", what, i,
                             isnan(y[i]) ? "NaN" : "infinite");
    }
    return DSC_OK;
}

/* Column means and standard deviations (population); constant columns get sd 1. */
static void column_moments(const double *x, size_t n, size_t p, double *mean, double *sd)
{
    for (size_t k = 0; k < p; k++) {
        double sum = 0.0, ss = 0.0;
        for (size_t i = 0; i < n; i++)
            sum += x[i * p + k];
        mean[k] = sum / (double)n;
        for (size_t i = 0; i < n; i++) {
            double d = x[i * p + k] - mean[k];
            ss += d * d;
        }
        sd[k] = sqrt(ss / (double)n);
        if (sd[k] == 0.0 || sd[k] <= CONSTANT_REL * fabs(mean[k]))
            sd[k] = 1.0;
    }
}

/* Solves the scaled, centred problem; coef[1..p] receives the slopes in original units. */
static int solve_slopes(dsc_ctx_t *ctx, const double *x, const double *y, size_t n, size_t p,
                        double ridge, const double *mean, const double *sd, double y_mean,
                        double *coef)
{
    size_t m = ridge > 0.0 ? n + p : n;
    size_t rows_rhs = m > p ? m : p;
    double *a = NULL, *rhs = NULL;
    size_t rank = 0;
    int rc;

    a = dsc_calloc(ctx, m * p, sizeof *a, "linear fit design");
    rhs = dsc_calloc(ctx, rows_rhs, sizeof *rhs, "linear fit targets");
    if (!a || !rhs) {
        rc = DSC_ERR_NOMEM;
        goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < p; k++)
            a[i * p + k] = (x[i * p + k] - mean[k]) / sd[k];
        rhs[i] = y[i] - y_mean;
    }
    for (size_t k = 0; ridge > 0.0 && k < p; k++)
        a[(n + k) * p + k] = sqrt(ridge) / sd[k];

    rc = dsc_lapack_lstsq(ctx, "linear fit", m, p, 1, a, p, rhs, 1, RANK_RCOND, &rank, NULL);
    if (rc)
        goto fail;
    if (rank < p) {
        rc = dsc_error(ctx, DSC_ERR_NUMERIC, "linear fit: the design has numerical rank %zu "
                       "for %zu predictors (constant or collinear predictors); drop some or "
                       "set ridge > 0", rank, p);
        goto fail;
    }
    for (size_t k = 0; k < p; k++)
        coef[1 + k] = rhs[k] / sd[k];

fail:
    free(a);
    free(rhs);
    return rc;
}

int dsc_linear_fit(dsc_ctx_t *ctx, const double *x, const double *y, size_t n, size_t p,
                   double ridge, dsc_linear_t **out)
{
    dsc_linear_t *model = NULL;
    double *mean = NULL, *sd = NULL;
    double y_mean = 0.0;
    int rc;

    if (!out || !y || (!x && p > 0))
        return dsc_error(ctx, DSC_ERR_USAGE, "linear fit: NULL argument");
    *out = NULL;
    if (!(ridge >= 0.0) || !isfinite(ridge))
        return dsc_error(ctx, DSC_ERR_USAGE, "linear fit: ridge %g must be finite and >= 0",
                         ridge);
    if (n < p + 1)
        return dsc_error(ctx, DSC_ERR_NUMERIC, "linear fit: %zu rows for %zu coefficients "
                         "(needs at least p + 1 = %zu)", n, p + 1, p + 1);
    rc = check_rows(ctx, "linear fit", x, y, n, p);
    if (rc)
        return rc;

    model = dsc_calloc(ctx, 1, sizeof *model, "linear model");
    mean = dsc_calloc(ctx, p, sizeof *mean, "linear fit means");
    sd = dsc_calloc(ctx, p, sizeof *sd, "linear fit deviations");
    if (!model || !mean || !sd) {
        rc = DSC_ERR_NOMEM;
        goto fail;
    }
    model->p = p;
    model->coef = dsc_calloc(ctx, p + 1, sizeof *model->coef, "linear coefficients");
    if (!model->coef) {
        rc = DSC_ERR_NOMEM;
        goto fail;
    }

    column_moments(x, n, p, mean, sd);
    for (size_t i = 0; i < n; i++)
        y_mean += y[i];
    y_mean /= (double)n;

    if (p > 0) {
        rc = solve_slopes(ctx, x, y, n, p, ridge, mean, sd, y_mean, model->coef);
        if (rc)
            goto fail;
    }
    /* The fitted plane passes through the means, which fixes the intercept. */
    model->coef[0] = y_mean;
    for (size_t k = 0; k < p; k++)
        model->coef[0] -= mean[k] * model->coef[1 + k];

    *out = model;
    model = NULL;
    rc = DSC_OK;

fail:
    dsc_linear_destroy(model);
    free(mean);
    free(sd);
    return rc;
}

int dsc_linear_predict(dsc_ctx_t *ctx, const dsc_linear_t *model, const double *x, size_t n,
                       double *y)
{
    int rc;

    if (!model || !y || (!x && model->p > 0 && n > 0))
        return dsc_error(ctx, DSC_ERR_USAGE, "linear predict: NULL argument");
    rc = check_rows(ctx, "linear predict", x, NULL, n, model->p);
    if (rc)
        return rc;

    rc = dsc_blas_dgemv(ctx, "linear predict", DSC_BLAS_PLAIN, n, model->p, 1.0, x,
                        model->p ? model->p : 1, model->coef + 1, 0.0, y);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++)
        y[i] += model->coef[0];
    return DSC_OK;
}

void dsc_linear_destroy(dsc_linear_t *model)
{
    if (!model)
        return;
    free(model->coef);
    free(model);
}
