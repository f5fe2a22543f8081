/* sgd.c - stochastic gradient descent with heavy-ball momentum.
 *
 * The velocity accumulates gradients, u <- momentum u + g, and the step is -lr u; with a
 * constant rate this is the classical form v <- momentum v - lr g in other units. The state
 * is the velocity (n values). momentum 0 gives plain SGD.
 */
#include "internal.h"

static void sgd_step(const dsc_nn_config_t *cfg, size_t t, double *params, const double *grad,
                     double *state, size_t n)
{
    (void)t;
    for (size_t i = 0; i < n; i++) {
        state[i] = cfg->momentum * state[i] + grad[i];
        params[i] -= cfg->learning_rate * state[i];
    }
}

const dsc_nn_optimizer_t dsc_nn_optimizer_sgd = {"sgd", 1, sgd_step};
