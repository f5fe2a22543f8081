/* adam.c - Adam (Kingma and Ba, 2015) with the paper's constants and bias correction.
 *
 * The state holds the first moment m (n values) then the second moment v (n values).
 * The bias corrections divide by 1 - beta^t so that the first steps are not shrunk
 * towards the zero initial moments: at t = 1 the step is lr * g / (|g| + eps).
 */
#include <math.h>

#include "internal.h"

#define ADAM_BETA1 0.9
#define ADAM_BETA2 0.999
#define ADAM_EPS 1e-8

static void adam_step(const dsc_nn_config_t *cfg, size_t t, double *params,
                      const double *grad, double *state, size_t n)
{
    double *m = state;
    double *v = state + n;
    double c1 = 1.0 - pow(ADAM_BETA1, (double)t);
    double c2 = 1.0 - pow(ADAM_BETA2, (double)t);

    for (size_t i = 0; i < n; i++) {
        m[i] = ADAM_BETA1 * m[i] + (1.0 - ADAM_BETA1) * grad[i];
        v[i] = ADAM_BETA2 * v[i] + (1.0 - ADAM_BETA2) * grad[i] * grad[i];
        params[i] -= cfg->learning_rate * (m[i] / c1) / (sqrt(v[i] / c2) + ADAM_EPS);
    }
}

const dsc_nn_optimizer_t dsc_nn_optimizer_adam = {"adam", 2, adam_step};
