/* rule_feedback_alignment.c - feedback alignment (Lillicrap, Cownden, Tweed and Akerman,
 * 2016, Nature Communications 7:13276).
 *
 * The error goes backwards through fixed random matrices B_l in place of the transposed
 * forward weights: delta_{l-1} = (delta_l B_l^T) * f'(a_{l-1}). Weight updates keep the
 * local form dW_l = a_{l-1}^T delta_l. The forward weights come to align with B, which is
 * what makes the signal useful. B_l has W_l's shape and is drawn once, when the network is
 * created, from the network's generator right after the initial weights, uniform with
 * W_l's initial range (so the same seed gives the same W with either rule). The first
 * layer needs no B: nothing is propagated below it.
 */
#include "internal.h"

static size_t feedback_size(const dsc_nn_t *nn)
{
    size_t n = 0;
    for (size_t l = 1; l < nn->n_layers; l++)
        n += nn->layer[l].n_in * nn->layer[l].n_out;
    return n;
}

static void feedback_init(const dsc_nn_t *nn, double *state, dsc_rng_t *rng)
{
    for (size_t l = 1; l < nn->n_layers; l++) {
        const dsc_nn_layer_t *layer = &nn->layer[l];
        double limit = dsc_nn_init_limit(nn, l);
        for (size_t i = 0; i < layer->n_in * layer->n_out; i++)
            *state++ = limit * (2.0 * dsc_rng_uniform(rng) - 1.0);
    }
}

static int feedback_gradient(dsc_ctx_t *ctx, dsc_nn_t *nn, dsc_nn_work_t *w, size_t rows,
                             double *grad, double *loss)
{
    const double *back[NN_MAX_DENSE] = {NULL};
    const double *b = nn->rule_state;
    int rc;

    rc = dsc_nn_forward(ctx, nn, nn->params, w, NULL, rows);
    if (rc)
        return rc;
    *loss = dsc_nn_squared_error(nn, w, w->target, rows, w->delta[0]) /
            (double)(rows * nn->n_outputs);

    for (size_t l = 1; l < nn->n_layers; l++) {
        back[l] = b;
        b += nn->layer[l].n_in * nn->layer[l].n_out;
    }
    return dsc_nn_backward(ctx, nn, w, rows, back, grad);
}

const dsc_nn_rule_t dsc_nn_rule_feedback_alignment = {"feedback_alignment", feedback_size,
                                                      feedback_init, NULL,
                                                      feedback_gradient};
