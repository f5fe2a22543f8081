/* predict.c - applying a network to raw rows: predictions and losses. */
#include <stdlib.h>

#include "internal.h"

void dsc_nn_load_batch(const dsc_nn_t *nn, dsc_nn_work_t *w, const double *x, const double *y,
                       const size_t *order, size_t first, size_t rows)
{
    size_t p = nn->n_inputs, q = nn->n_outputs;

    for (size_t r = 0; r < rows; r++) {
        size_t i = order ? order[first + r] : first + r;
        dsc_nn_standardize(x + i * p, 1, p, nn->x_mean, nn->x_sd, w->act[0] + r * p);
        if (y)
            dsc_nn_standardize(y + i * q, 1, q, nn->y_mean, nn->y_sd, w->target + r * q);
    }
}

int dsc_nn_total_error(dsc_ctx_t *ctx, const dsc_nn_t *nn, dsc_nn_work_t *w, const double *x,
                       const double *y, size_t n, double *sse)
{
    *sse = 0.0;
    for (size_t first = 0; first < n; first += NN_EVAL_ROWS) {
        size_t rows = n - first < NN_EVAL_ROWS ? n - first : NN_EVAL_ROWS;
        int rc;

        dsc_nn_load_batch(nn, w, x, y, NULL, first, rows);
        rc = dsc_nn_forward(ctx, nn, nn->params, w, NULL, rows);
        if (rc)
            return rc;
        *sse += dsc_nn_squared_error(nn, w, w->target, rows, NULL);
    }
    return DSC_OK;
}

static size_t eval_rows(size_t n)
{
    return n < NN_EVAL_ROWS ? n : NN_EVAL_ROWS;
}

int dsc_nn_predict(dsc_ctx_t *ctx, const dsc_nn_t *nn, const double *x, size_t n, double *y)
{
    dsc_nn_work_t w = {0};
    size_t q;
    int rc;

    if (!nn || !x || !y)
        return dsc_error(ctx, DSC_ERR_USAGE, "nn predict: NULL argument");
    if (n == 0)
        return DSC_OK;
    rc = dsc_nn_check_finite(ctx, "nn predict inputs", x, n, nn->n_inputs);
    if (rc)
        return rc;
    rc = dsc_nn_work_create(ctx, nn, eval_rows(n), &w);
    if (rc)
        return rc;

    q = nn->n_outputs;
    for (size_t first = 0; first < n; first += NN_EVAL_ROWS) {
        size_t rows = eval_rows(n - first);
        const double *out = w.act[nn->n_layers];

        dsc_nn_load_batch(nn, &w, x, NULL, NULL, first, rows);
        rc = dsc_nn_forward(ctx, nn, nn->params, &w, NULL, rows);
        if (rc)
            goto fail;
        for (size_t r = 0; r < rows; r++)
            for (size_t k = 0; k < q; k++)
                y[(first + r) * q + k] = out[r * q + k] * nn->y_sd[k] + nn->y_mean[k];
    }

fail:
    dsc_nn_work_free(&w);
    return rc;
}

int dsc_nn_evaluate(dsc_ctx_t *ctx, const dsc_nn_t *nn, const double *x, const double *y,
                    size_t n, double *mse)
{
    dsc_nn_work_t w = {0};
    double sse = 0.0;
    int rc;

    if (!nn || !x || !y || !mse)
        return dsc_error(ctx, DSC_ERR_USAGE, "nn evaluate: NULL argument");
    if (n == 0)
        return dsc_error(ctx, DSC_ERR_USAGE, "nn evaluate: no rows");
    rc = dsc_nn_check_finite(ctx, "nn evaluate inputs", x, n, nn->n_inputs);
    if (!rc)
        rc = dsc_nn_check_finite(ctx, "nn evaluate targets", y, n, nn->n_outputs);
    if (rc)
        return rc;
    rc = dsc_nn_work_create(ctx, nn, eval_rows(n), &w);
    if (rc)
        return rc;

    rc = dsc_nn_total_error(ctx, nn, &w, x, y, n, &sse);
    if (!rc)
        *mse = sse / (double)(n * nn->n_outputs);
    dsc_nn_work_free(&w);
    return rc;
}
