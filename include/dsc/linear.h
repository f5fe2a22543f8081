/* linear.h - the linear-regression baseline: ordinary least squares (optionally ridge)
 * solved with LAPACKE on the same predictors as the network.
 *
 * x is n x p row-major, y has n values; rows must be free of NaN.
 */
#ifndef DSC_LINEAR_H
#define DSC_LINEAR_H

#include "dsc/core.h"

typedef struct {
    size_t p;     /* number of predictors */
    double *coef; /* p + 1 values: intercept first, then one per predictor; owned */
} dsc_linear_t;

/* Fits y = b0 + sum_k b_k x_k. ridge >= 0 adds ridge * |b|^2 (intercept not penalised).
 * Fewer rows than p + 1, or a rank-deficient design without ridge, is DSC_ERR_NUMERIC.
 * The caller owns *out: dsc_linear_destroy(). */
int dsc_linear_fit(dsc_ctx_t *ctx, const double *x, const double *y, size_t n, size_t p,
                   double ridge, dsc_linear_t **out);
/* Predicts n rows into y. */
int dsc_linear_predict(dsc_ctx_t *ctx, const dsc_linear_t *model, const double *x, size_t n,
                       double *y);
void dsc_linear_destroy(dsc_linear_t *model);

#endif
