/* workspace.c - the per-run buffers of a batch, allocated once and reused for every batch. */
#include <stdlib.h>

#include "internal.h"

int dsc_nn_work_create(dsc_ctx_t *ctx, const dsc_nn_t *nn, size_t rows, dsc_nn_work_t *w)
{
    *w = (dsc_nn_work_t){0};
    w->rows = rows;

    w->act[0] = dsc_calloc(ctx, rows * nn->n_inputs, sizeof(double), "nn batch inputs");
    if (!w->act[0])
        goto fail;
    for (size_t l = 0; l < nn->n_layers; l++) {
        w->act[l + 1] = dsc_calloc(ctx, rows * nn->layer[l].n_out, sizeof(double),
                                   "nn batch activations");
        if (!w->act[l + 1])
            goto fail;
    }
    w->target = dsc_calloc(ctx, rows * nn->n_outputs, sizeof(double), "nn batch targets");
    w->delta[0] = dsc_calloc(ctx, rows * nn->max_units, sizeof(double), "nn batch deltas");
    w->delta[1] = dsc_calloc(ctx, rows * nn->max_units, sizeof(double), "nn batch deltas");
    w->ones = dsc_malloc(ctx, rows * sizeof(double), "nn batch ones");
    if (!w->target || !w->delta[0] || !w->delta[1] || !w->ones)
        goto fail;
    for (size_t r = 0; r < rows; r++)
        w->ones[r] = 1.0;
    if (nn->rule->work_size) {
        w->scratch = dsc_calloc(ctx, nn->rule->work_size(nn, rows), sizeof(double),
                                "nn rule workspace");
        if (!w->scratch)
            goto fail;
    }
    return DSC_OK;

fail:
    dsc_nn_work_free(w);
    return DSC_ERR_NOMEM;
}

void dsc_nn_work_free(dsc_nn_work_t *w)
{
    if (!w)
        return;
    for (size_t l = 0; l < NN_MAX_DENSE + 1; l++)
        free(w->act[l]);
    free(w->target);
    free(w->delta[0]);
    free(w->delta[1]);
    free(w->ones);
    free(w->scratch);
    *w = (dsc_nn_work_t){0};
}
