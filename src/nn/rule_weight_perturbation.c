/* rule_weight_perturbation.c - weight perturbation, the simplest scalar-feedback rule (Jabri
 * and Flower 1992; reviewed by Lillicrap et al. 2020, Nat. Rev. Neurosci. 21:335).
 *
 * Every parameter (weights and biases) gets an independent nudge psi = +-sigma (a fair coin
 * each) and the batch is run once more through the nudged network. The whole network receives
 * one number per batch, the change of the batch loss dL = L(params + psi) - L(params), and
 * each parameter correlates it with its own nudge: g_i = dL psi_i / sigma^2. To first order in
 * sigma, dL = g . psi, so E[g] is the true gradient; but a single draw only measures the
 * gradient along one random direction, so the variance grows with the number of parameters and
 * learning is far slower than with any rule that sends a vector back.
 *
 * sigma = 1e-3 (standardised units, weights are O(1)): the loss change is linear in the nudge
 * while the difference of two batch losses keeps about ten significant digits. Random signs
 * make this Spall's simultaneous perturbation (SPSA, 1992): unbiased like Gaussian nudges,
 * with less variance, one random bit per parameter from the network's generator.
 */
#include "internal.h"

#define WEIGHT_SIGMA 1e-3

/* scratch: the nudges, then the nudged parameters (n_params each). */
static size_t weight_work_size(const dsc_nn_t *nn, size_t rows)
{
    (void)rows;
    return 2 * nn->n_params;
}

int dsc_nn_weight_perturbation_estimate(dsc_ctx_t *ctx, const dsc_nn_t *nn, dsc_nn_work_t *w,
                                        size_t rows, const double *noise, double sigma,
                                        double *grad, double *loss)
{
    size_t count = rows * nn->n_outputs;
    double *nudged = w->scratch + nn->n_params;
    double clean_sse, nudged_sse, change;
    int rc;

    rc = dsc_nn_forward(ctx, nn, nn->params, w, NULL, rows);
    if (rc)
        return rc;
    clean_sse = dsc_nn_squared_error(nn, w, w->target, rows, NULL);
    for (size_t i = 0; i < nn->n_params; i++)
        nudged[i] = nn->params[i] + noise[i];
    rc = dsc_nn_forward(ctx, nn, nudged, w, NULL, rows);
    if (rc)
        return rc;
    nudged_sse = dsc_nn_squared_error(nn, w, w->target, rows, NULL);

    *loss = clean_sse / (double)count;
    change = (nudged_sse - clean_sse) / (double)count / (sigma * sigma);
    for (size_t i = 0; i < nn->n_params; i++)
        grad[i] = change * noise[i];
    return DSC_OK;
}

static int weight_gradient(dsc_ctx_t *ctx, dsc_nn_t *nn, dsc_nn_work_t *w, size_t rows,
                           double *grad, double *loss)
{
    dsc_nn_random_signs(&nn->rng, w->scratch, nn->n_params, WEIGHT_SIGMA);
    return dsc_nn_weight_perturbation_estimate(ctx, nn, w, rows, w->scratch, WEIGHT_SIGMA,
                                               grad, loss);
}

const dsc_nn_rule_t dsc_nn_rule_weight_perturbation = {"weight_perturbation", NULL, NULL,
                                                       weight_work_size, weight_gradient};
