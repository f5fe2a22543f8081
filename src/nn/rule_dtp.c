/* rule_dtp.c - difference target propagation (Lee, Zhang, Fischer and Bengio 2015, ECML
 * PKDD; reviewed by Lillicrap et al. 2020, Nat. Rev. Neurosci. 21:335).
 *
 * Instead of an error, each layer receives a target for its activity and learns locally to
 * move towards it. Write h_k for the activity entering dense layer k (h_0 the inputs, h_L
 * the output of the L dense layers) and f_k for dense layer k, so h_{k+1} = f_k(h_k).
 *
 * Targets. The output target is a small step down the loss, t_L = h_L - beta (h_L - y).
 * Below it, every hidden layer k >= 1 has a learned inverse g_k of the layer above it,
 * mapping h_{k+1} back to h_k: g_k(h) = a(h V_k + c_k), with a the hidden activation.
 * The target is corrected by the inverse's own error on the actual activity:
 *     t_k = h_k + g_k(t_{k+1}) - g_k(h_{k+1}),
 * so that t_k = h_k whenever t_{k+1} = h_{k+1}, even with an imperfect inverse.
 *
 * Forward learning. Dense layer k-1 (the one producing h_k) descends its local loss
 * |h_k - t_k|^2 through its own activation only: D = (h_k - t_k) f'(z), dW = h_{k-1}^T D.
 * The difference is divided by beta and carries the 2 / (rows * n_outputs) of the mean
 * squared error, so that the output layer receives exactly the backprop update and every
 * layer's step is set by the optimiser's learning rate, not by beta.
 *
 * Inverse learning. After the forward direction has been formed, every inverse takes one
 * optimiser step (the network's optimiser and settings, its state in the rule state) on
 * the reconstruction loss of corrupted activity,
 *     mean over rows and units of |g_k(f_k(h_k + e)) - (h_k + e)|^2,  e ~ N(0, s^2),
 * the forward weights held fixed. The noise makes the inverse fit a neighbourhood of the
 * visited activities, not only the points themselves (Lee et al. 2015, section 2.3).
 *
 * beta = 0.1: the output target moves a tenth of the error, where the inverses act
 * nearly linearly on the difference. s = 0.1 on activities of order 1 (tanh).
 * The inverses start uniform in the Glorot (He for relu) range, drawn right after the
 * forward weights, so one seed gives the same forward weights with every rule. A network
 * with no hidden layer has no inverse and learns exactly as with backprop.
 *
 * The rule state holds the inverse parameters (for k = 1 .. L-1: V_k, n_out x n_in of
 * dense layer k, row-major, then c_k, n_in of dense layer k), then the optimiser state of
 * the inverses (n_slots x that many), then the count of inverse steps taken.
 */
#include <math.h>

#include "internal.h"

#define DTP_TARGET_STEP 0.1
#define DTP_NOISE_SD 0.1

/* The inverse of dense layer k (1 <= k < n_layers) as a dense layer from its outputs to its
 * inputs, placed in the inverse parameter vector after those of layers 1 .. k-1. */
static dsc_nn_layer_t inverse_layer(const dsc_nn_t *nn, size_t k)
{
    dsc_nn_layer_t inv = {0};

    for (size_t j = 1; j < k; j++)
        inv.offset += nn->layer[j].n_in * nn->layer[j].n_out + nn->layer[j].n_in;
    inv.n_in = nn->layer[k].n_out;
    inv.n_out = nn->layer[k].n_in;
    inv.act = nn->layer[k - 1].act;
    return inv;
}

size_t dsc_nn_dtp_n_inverse(const dsc_nn_t *nn)
{
    size_t n = 0;
    for (size_t k = 1; k < nn->n_layers; k++)
        n += nn->layer[k].n_in * nn->layer[k].n_out + nn->layer[k].n_in;
    return n;
}

static size_t dtp_state_size(const dsc_nn_t *nn)
{
    return dsc_nn_dtp_n_inverse(nn) * (1 + nn->optimizer->n_slots) + 1;
}

static void dtp_state_init(const dsc_nn_t *nn, double *state, dsc_rng_t *rng)
{
    for (size_t k = 1; k < nn->n_layers; k++) {
        dsc_nn_layer_t inv = inverse_layer(nn, k);
        double fan = inv.act->id == DSC_ACT_RELU ? (double)inv.n_in
                                                 : (double)(inv.n_in + inv.n_out);
        double limit = sqrt(6.0 / fan);
        for (size_t i = 0; i < inv.n_in * inv.n_out; i++)
            state[inv.offset + i] = limit * (2.0 * dsc_rng_uniform(rng) - 1.0);
    }
}

/* Below the length of the noise, scratch holds seven rows x widest-layer blocks: two
 * targets (alternating going down), the two inverse images, and the corrupted activity,
 * its image through the layer and its reconstruction; then the noise (rows x the inputs of
 * dense layers 1 .. L-1) and the inverse gradient. */
enum { T0, T1, G_TARGET, G_ACTIVITY, CORRUPT, IMAGE, RECON, N_BLOCKS };

static size_t noise_units(const dsc_nn_t *nn)
{
    size_t n = 0;
    for (size_t k = 1; k < nn->n_layers; k++)
        n += nn->layer[k].n_in;
    return n;
}

static size_t dtp_work_size(const dsc_nn_t *nn, size_t rows)
{
    return rows * (N_BLOCKS * nn->max_units + noise_units(nn)) + dsc_nn_dtp_n_inverse(nn);
}

static double *block(const dsc_nn_t *nn, const dsc_nn_work_t *w, size_t rows, int which)
{
    return w->scratch + (size_t)which * rows * nn->max_units;
}

int dsc_nn_dtp_direction(dsc_ctx_t *ctx, const dsc_nn_t *nn, dsc_nn_work_t *w, size_t rows,
                         double *grad, double *loss)
{
    size_t count = rows * nn->n_outputs, top = nn->n_layers;
    const double *inverse = nn->rule_state;
    double scale = 2.0 / (double)count / DTP_TARGET_STEP;
    int cur = T0, rc;

    rc = dsc_nn_forward(ctx, nn, nn->params, w, NULL, rows);
    if (rc)
        return rc;
    *loss = dsc_nn_squared_error(nn, w, w->target, rows, w->delta[0]) / (double)count;
    /* With h_L - t_L = beta (h_L - y), the output layer's local step is backprop's. */
    rc = dsc_nn_layer_backward(ctx, &nn->layer[top - 1], w->act[top - 1], w->delta[0], rows,
                               NULL, grad, w->ones, NULL);
    if (rc || top == 1)
        return rc;

    double *target = block(nn, w, rows, cur);
    for (size_t i = 0; i < count; i++)
        target[i] = w->act[top][i] - DTP_TARGET_STEP * (w->act[top][i] - w->target[i]);

    for (size_t k = top - 1; k >= 1; k--) {
        dsc_nn_layer_t inv = inverse_layer(nn, k);
        double *g_target = block(nn, w, rows, G_TARGET);
        double *g_activity = block(nn, w, rows, G_ACTIVITY);
        double *below = block(nn, w, rows, cur == T0 ? T1 : T0);
        double *delta = w->delta[1];
        size_t n = rows * inv.n_out;

        rc = dsc_nn_layer_forward(ctx, &inv, inverse, block(nn, w, rows, cur), rows, g_target);
        if (!rc)
            rc = dsc_nn_layer_forward(ctx, &inv, inverse, w->act[k + 1], rows, g_activity);
        if (rc)
            return rc;
        /* h_k - t_k = g(h_{k+1}) - g(t_{k+1}), taken directly to keep its digits. */
        for (size_t i = 0; i < n; i++) {
            below[i] = w->act[k][i] + g_target[i] - g_activity[i];
            delta[i] = scale * (g_activity[i] - g_target[i]);
        }
        nn->layer[k - 1].act->derivative(w->act[k], delta, n);
        rc = dsc_nn_layer_backward(ctx, &nn->layer[k - 1], w->act[k - 1], delta, rows, NULL,
                                   grad, w->ones, NULL);
        if (rc)
            return rc;
        cur = cur == T0 ? T1 : T0;
    }
    return DSC_OK;
}

int dsc_nn_dtp_inverse_gradient(dsc_ctx_t *ctx, const dsc_nn_t *nn, dsc_nn_work_t *w,
                                size_t rows, const double *noise, double *grad_inv,
                                double *loss_inv)
{
    const double *inverse = nn->rule_state;
    double *corrupt = block(nn, w, rows, CORRUPT);
    double *image = block(nn, w, rows, IMAGE);
    double *recon = block(nn, w, rows, RECON);
    int rc;

    *loss_inv = 0.0;
    for (size_t k = 1; k < nn->n_layers; k++) {
        dsc_nn_layer_t inv = inverse_layer(nn, k);
        size_t n = rows * inv.n_out;
        double scale = 2.0 / (double)n, sum = 0.0;

        for (size_t i = 0; i < n; i++)
            corrupt[i] = w->act[k][i] + noise[i];
        rc = dsc_nn_layer_forward(ctx, &nn->layer[k], nn->params, corrupt, rows, image);
        if (!rc)
            rc = dsc_nn_layer_forward(ctx, &inv, inverse, image, rows, recon);
        if (rc)
            return rc;
        for (size_t i = 0; i < n; i++) {
            double e = recon[i] - corrupt[i];
            sum += e * e;
            corrupt[i] = scale * e; /* the corrupted activity is no longer needed */
        }
        inv.act->derivative(recon, corrupt, n);
        rc = dsc_nn_layer_backward(ctx, &inv, image, corrupt, rows, NULL, grad_inv, w->ones,
                                   NULL);
        if (rc)
            return rc;
        *loss_inv += sum / (double)n;
        noise += n;
    }
    return DSC_OK;
}

/* Normal deviates of standard deviation sd by Marsaglia's polar method, both of each pair
 * kept: a logarithm per two values and no cosine (dsc_rng_normal spends a logarithm and a
 * cosine on each, which was a third of the rule's time). */
static void fill_normal(dsc_rng_t *rng, double *v, size_t n, double sd)
{
    for (size_t i = 0; i < n; i += 2) {
        double a, b, s;
        do {
            a = 2.0 * dsc_rng_uniform(rng) - 1.0;
            b = 2.0 * dsc_rng_uniform(rng) - 1.0;
            s = a * a + b * b;
        } while (s >= 1.0 || s == 0.0);
        double f = sd * sqrt(-2.0 * log(s) / s);
        v[i] = a * f;
        if (i + 1 < n)
            v[i + 1] = b * f;
    }
}

static int dtp_gradient(dsc_ctx_t *ctx, dsc_nn_t *nn, dsc_nn_work_t *w, size_t rows,
                        double *grad, double *loss)
{
    size_t n_inv = dsc_nn_dtp_n_inverse(nn), n_noise = rows * noise_units(nn);
    double *noise = w->scratch + (size_t)N_BLOCKS * rows * nn->max_units;
    double *grad_inv = noise + n_noise;
    double *opt_state = nn->rule_state + n_inv;
    double *steps = opt_state + nn->optimizer->n_slots * n_inv;
    double loss_inv;
    int rc;

    rc = dsc_nn_dtp_direction(ctx, nn, w, rows, grad, loss);
    if (rc || n_inv == 0)
        return rc;
    fill_normal(&nn->rng, noise, n_noise, DTP_NOISE_SD);
    rc = dsc_nn_dtp_inverse_gradient(ctx, nn, w, rows, noise, grad_inv, &loss_inv);
    if (rc)
        return rc;
    *steps += 1.0;
    nn->optimizer->step(&nn->cfg, (size_t)*steps, nn->rule_state, grad_inv, opt_state, n_inv);
    return DSC_OK;
}

const dsc_nn_rule_t dsc_nn_rule_dtp = {"dtp", dtp_state_size, dtp_state_init, dtp_work_size,
                                       dtp_gradient};
