/* rule_node_perturbation.c - node perturbation, a scalar-feedback rule (Williams 1992; Fiete
 * and Seung 2006; reviewed by Lillicrap et al. 2020, Nat. Rev. Neurosci. 21:335).
 *
 * A second forward pass adds an independent nudge xi = +-sigma (a fair coin per unit and row)
 * to the pre-activation of every unit of every layer, the output layer included. Each row
 * (day) of the batch is one trial: the only error signal its units receive is the change of
 * that row's share of the batch loss, dL_r = L_r(nudged) - L_r(clean), a scalar broadcast to
 * all of them. A unit correlates it with its own nudge, D_rj = dL_r xi_rj / sigma^2, which to
 * first order in sigma has expectation dLoss/dz_rj; the weights then move as in backprop, dW =
 * H^T D, with the clean presynaptic activities H. The estimate is unbiased but its variance
 * grows with the number of units nudged at once, which is why the rule learns slowly.
 *
 * sigma = 1e-3 (standardised units): the loss change is then linear in the nudges (the bias,
 * of order sigma, is far below the noise of the estimate) while the difference of the two
 * losses, computed as (o' - o)(o' + o - 2y), keeps about ten significant digits. Signs rather
 * than Gaussian nudges: any zero-mean noise with variance sigma^2 makes the estimate unbiased,
 * signs give it the smallest variance (as in Spall's SPSA, 1992) and cost one random bit each
 * instead of a logarithm and a cosine, which made Gaussian nudges the larger part of the
 * training time. They come from the network's generator.
 */
#include "internal.h"

#define NODE_SIGMA 1e-3

/* scratch: nudges (rows x all units), two activation buffers (rows x widest layer), the
 * per-row loss changes (rows). */
static size_t node_work_size(const dsc_nn_t *nn, size_t rows)
{
    return rows * (dsc_nn_total_units(nn) + 2 * nn->max_units + 1);
}

/* The nudged forward pass; *out receives the nudged output (rows x n_outputs), which lives
 * in one of buf[0..1]. */
static int nudged_forward(dsc_ctx_t *ctx, const dsc_nn_t *nn, const dsc_nn_work_t *w,
                          size_t rows, const double *noise, double *const buf[2],
                          const double **out)
{
    const dsc_nn_activation_t *linear = dsc_nn_activation_find(DSC_ACT_LINEAR);
    const double *in = w->act[0];

    for (size_t l = 0; l < nn->n_layers; l++) {
        /* The layer with its activation removed gives the pre-activation to nudge. */
        dsc_nn_layer_t layer = nn->layer[l];
        double *z = buf[l % 2];
        size_t n = rows * layer.n_out;
        int rc;

        layer.act = linear;
        rc = dsc_nn_layer_forward(ctx, &layer, nn->params, in, rows, z);
        if (rc)
            return rc;
        for (size_t i = 0; i < n; i++)
            z[i] += noise[i];
        nn->layer[l].act->forward(z, n);
        noise += n;
        in = z;
    }
    *out = in;
    return DSC_OK;
}

int dsc_nn_node_perturbation_estimate(dsc_ctx_t *ctx, const dsc_nn_t *nn, dsc_nn_work_t *w,
                                      size_t rows, const double *noise, double sigma,
                                      double *grad, double *loss)
{
    size_t q = nn->n_outputs, count = rows * q, units = dsc_nn_total_units(nn);
    double *const buf[2] = {w->scratch + rows * units,
                            w->scratch + rows * (units + nn->max_units)};
    double *change = w->scratch + rows * (units + 2 * nn->max_units);
    const double *clean, *nudged;
    int rc;

    rc = dsc_nn_forward(ctx, nn, nn->params, w, NULL, rows);
    if (rc)
        return rc;
    *loss = dsc_nn_squared_error(nn, w, w->target, rows, NULL) / (double)count;
    rc = nudged_forward(ctx, nn, w, rows, noise, buf, &nudged);
    if (rc)
        return rc;

    /* change[r] = dL_r / sigma^2, with L_r = sum_k (o_rk - y_rk)^2 / count. */
    clean = w->act[nn->n_layers];
    for (size_t r = 0; r < rows; r++) {
        double sum = 0.0;
        for (size_t k = 0; k < q; k++) {
            size_t i = r * q + k;
            sum += (nudged[i] - clean[i]) * (nudged[i] + clean[i] - 2.0 * w->target[i]);
        }
        change[r] = sum / (double)count / (sigma * sigma);
    }

    for (size_t l = 0; l < nn->n_layers; l++) {
        const dsc_nn_layer_t *layer = &nn->layer[l];
        double *delta = w->delta[0];
        for (size_t r = 0; r < rows; r++)
            for (size_t j = 0; j < layer->n_out; j++)
                delta[r * layer->n_out + j] = change[r] * noise[r * layer->n_out + j];
        rc = dsc_nn_layer_backward(ctx, layer, w->act[l], delta, rows, NULL, grad, w->ones,
                                   NULL);
        if (rc)
            return rc;
        noise += rows * layer->n_out;
    }
    return DSC_OK;
}

static int node_gradient(dsc_ctx_t *ctx, dsc_nn_t *nn, dsc_nn_work_t *w, size_t rows,
                         double *grad, double *loss)
{
    dsc_nn_random_signs(&nn->rng, w->scratch, rows * dsc_nn_total_units(nn), NODE_SIGMA);
    return dsc_nn_node_perturbation_estimate(ctx, nn, w, rows, w->scratch, NODE_SIGMA, grad,
                                             loss);
}

const dsc_nn_rule_t dsc_nn_rule_node_perturbation = {"node_perturbation", NULL, NULL,
                                                     node_work_size, node_gradient};
