/* propagate.c - the whole network forward, the loss, and the error signal backward. */
#include "internal.h"

int dsc_nn_forward(dsc_ctx_t *ctx, const dsc_nn_t *nn, const double *params,
                   dsc_nn_work_t *w, const double *input, size_t rows)
{
    const double *in = input ? input : w->act[0];

    for (size_t l = 0; l < nn->n_layers; l++) {
        int rc = dsc_nn_layer_forward(ctx, &nn->layer[l], params, in, rows, w->act[l + 1]);
        if (rc)
            return rc;
        in = w->act[l + 1];
    }
    return DSC_OK;
}

double dsc_nn_squared_error(const dsc_nn_t *nn, const dsc_nn_work_t *w, const double *target,
                            size_t rows, double *delta)
{
    const double *out = w->act[nn->n_layers];
    size_t count = rows * nn->n_outputs;
    /* The loss is the mean over rows and outputs, so its gradient carries 2 / count. */
    double scale = 2.0 / (double)count;
    double sum = 0.0;

    for (size_t i = 0; i < count; i++) {
        double e = out[i] - target[i];
        sum += e * e;
        if (delta)
            delta[i] = scale * e;
    }
    return sum;
}

int dsc_nn_backward(dsc_ctx_t *ctx, const dsc_nn_t *nn, dsc_nn_work_t *w, size_t rows,
                    const double *const *back, double *grad)
{
    int cur = 0;

    /* The output layer is linear, so delta[0] is already dLoss/dZ of the last layer. */
    for (size_t l = nn->n_layers; l-- > 0;) {
        const dsc_nn_layer_t *layer = &nn->layer[l];
        double *delta_in = l > 0 ? w->delta[1 - cur] : NULL;
        int rc = dsc_nn_layer_backward(ctx, layer, w->act[l], w->delta[cur], rows, back[l],
                                       grad, w->ones, delta_in);
        if (rc)
            return rc;
        if (l > 0) {
            nn->layer[l - 1].act->derivative(w->act[l], delta_in, rows * layer->n_in);
            cur = 1 - cur;
        }
    }
    return DSC_OK;
}
