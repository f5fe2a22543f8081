/* rule_backprop.c - backpropagation: the exact gradient of the batch loss, the error
 * signal travelling back through the transposed forward weights. */
#include "internal.h"

static int backprop_gradient(dsc_ctx_t *ctx, dsc_nn_t *nn, dsc_nn_work_t *w, size_t rows,
                             double *grad, double *loss)
{
    const double *back[NN_MAX_DENSE];
    int rc;

    rc = dsc_nn_forward(ctx, nn, nn->params, w, NULL, rows);
    if (rc)
        return rc;
    *loss = dsc_nn_squared_error(nn, w, w->target, rows, w->delta[0]) /
            (double)(rows * nn->n_outputs);

    for (size_t l = 0; l < nn->n_layers; l++)
        back[l] = nn->params + nn->layer[l].offset;
    return dsc_nn_backward(ctx, nn, w, rows, back, grad);
}

const dsc_nn_rule_t dsc_nn_rule_backprop = {"backprop", NULL, NULL, NULL, backprop_gradient};
