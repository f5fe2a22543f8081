/* internal.h - the network's inside, shared by the files of src/nn/ and by nothing else.
 *
 * Parameters live in one contiguous array so that optimisers, the best-weights copy and the
 * public get/set functions treat them as one vector. Layer l (0 = first) occupies
 *     W_l: n_in x n_out, row-major (row i holds the weights leaving input unit i),
 *     b_l: n_out,
 * one after the other, layers in order. A batch is a row-major rows x units matrix, so a
 * dense layer is Z = H W + 1 b^T: one dgemm per layer per batch.
 */
#ifndef DSC_NN_INTERNAL_H
#define DSC_NN_INTERNAL_H

#include "dsc/nn.h"

/* Dense layers: the hidden ones plus the output layer. */
#define NN_MAX_DENSE (DSC_NN_MAX_LAYERS + 1)

/* Rows per forward pass when predicting or evaluating: bounds the workspace whatever n is.
 * Training and dsc_nn_evaluate() use the same chunks so their losses agree to the bit. */
#define NN_EVAL_ROWS 256

/* ---- activations (activation.c) --------------------------------------------------------
 * forward turns pre-activations into activations in place; derivative multiplies delta by
 * f'(z) written in terms of the activation a = f(z), so z never has to be stored. */
typedef struct {
    const char *name;
    dsc_activation id;
    void (*forward)(double *v, size_t n);
    void (*derivative)(const double *a, double *delta, size_t n);
} dsc_nn_activation_t;

const dsc_nn_activation_t *dsc_nn_activation_find(dsc_activation id);

/* ---- one dense layer (layer.c) ---------------------------------------------------------- */
typedef struct {
    size_t n_in, n_out;
    size_t offset;                   /* of W_l in the parameter vector; b_l follows W_l */
    const dsc_nn_activation_t *act;  /* linear for the output layer */
} dsc_nn_layer_t;

/* ---- optimisers (adam.c, sgd.c, optimizer.c) -------------------------------------------
 * step updates params[0..n) from the gradient; state holds n_slots * n doubles, zero before
 * the first step; t counts steps from 1. */
typedef struct {
    const char *name;
    size_t n_slots;
    void (*step)(const dsc_nn_config_t *cfg, size_t t, double *params, const double *grad,
                 double *state, size_t n);
} dsc_nn_optimizer_t;

extern const dsc_nn_optimizer_t dsc_nn_optimizer_adam;
extern const dsc_nn_optimizer_t dsc_nn_optimizer_sgd;
const dsc_nn_optimizer_t *dsc_nn_optimizer_find(const char *name);

/* ---- the network ------------------------------------------------------------------------ */
struct dsc_nn_rule;

struct dsc_nn {
    dsc_nn_config_t cfg;
    size_t n_inputs, n_outputs;
    size_t n_layers;                    /* dense layers: cfg.n_hidden + 1 */
    dsc_nn_layer_t layer[NN_MAX_DENSE];
    size_t max_units;                   /* widest layer, inputs and outputs included */
    size_t n_params;
    double *params;                     /* n_params, layout above */
    double *x_mean, *x_sd;              /* n_inputs: standardisation of the inputs */
    double *y_mean, *y_sd;              /* n_outputs: standardisation of the targets */
    const dsc_nn_optimizer_t *optimizer;
    const struct dsc_nn_rule *rule;
    double *rule_state;                 /* per-network data of the rule, or NULL: fixed
                                           (feedback matrices) or learned (the inverse
                                           mappings of dtp) */
    size_t n_rule_state;
    dsc_rng_t rng;                      /* the network's own stream: init, then batches */
};

/* Half-width of the uniform initial weights of layer l (network.c): Glorot,
 * sqrt(6 / (n_in + n_out)), or He, sqrt(6 / n_in), for layers with relu activation. */
double dsc_nn_init_limit(const dsc_nn_t *nn, size_t l);

/* ---- workspace for a batch (workspace.c) -----------------------------------------------
 * Allocated once per training run or prediction call for at most `rows` rows. */
typedef struct {
    size_t rows;
    double *act[NN_MAX_DENSE + 1]; /* act[0]: standardised inputs; act[l + 1]: output of
                                      layer l; each rows x units */
    double *target;                /* rows x n_outputs, standardised */
    double *delta[2];              /* rows x max_units, alternated going backwards */
    double *ones;                  /* rows ones, for bias sums by dgemv */
    double *scratch;               /* the rule's work_size(nn, rows) doubles, or NULL */
} dsc_nn_work_t;

int dsc_nn_work_create(dsc_ctx_t *ctx, const dsc_nn_t *nn, size_t rows, dsc_nn_work_t *w);
void dsc_nn_work_free(dsc_nn_work_t *w);

/* Forward pass of `rows` rows from w->act[0] (or from `input` when not NULL, a rows x
 * n_inputs standardised matrix) into w->act[1..n_layers]. */
int dsc_nn_forward(dsc_ctx_t *ctx, const dsc_nn_t *nn, const double *params,
                   dsc_nn_work_t *w, const double *input, size_t rows);

/* Dense layer pieces (layer.c). */
int dsc_nn_layer_forward(dsc_ctx_t *ctx, const dsc_nn_layer_t *layer, const double *params,
                         const double *in, size_t rows, double *out);
/* Given delta = dL/dZ of this layer (rows x n_out), writes the weight and bias gradients
 * into this layer's part of grad (same layout as params) and, when delta_in is not NULL,
 * delta_in = delta * back^T (rows x n_in), where back is an n_in x n_out matrix: the layer's
 * own weights for backprop, a fixed random matrix for feedback alignment. */
int dsc_nn_layer_backward(dsc_ctx_t *ctx, const dsc_nn_layer_t *layer, const double *in,
                          const double *delta, size_t rows, const double *back, double *grad,
                          const double *ones, double *delta_in);

/* Sum of squared errors of act[n_layers] against target (rows x n_outputs, standardised).
 * The loss of a batch is this sum over rows * n_outputs; when delta is not NULL it receives
 * dLoss/dOutput of that mean (rows x n_outputs). */
double dsc_nn_squared_error(const dsc_nn_t *nn, const dsc_nn_work_t *w, const double *target,
                            size_t rows, double *delta);

/* Backward pass shared by rules that propagate an error signal layer by layer. On entry
 * w->act holds a forward pass and w->delta[0] dLoss/dOutput; back[l] is the n_in x n_out
 * matrix standing in for W_l going backwards (back[0] is never read). grad is
 * overwritten. */
int dsc_nn_backward(dsc_ctx_t *ctx, const dsc_nn_t *nn, dsc_nn_work_t *w, size_t rows,
                    const double *const *back, double *grad);

/* Standardises rows [first, first + rows) of x (and of y when not NULL) into w->act[0]
 * (and w->target) with the network's scaling; order, when not NULL, picks the rows. */
void dsc_nn_load_batch(const dsc_nn_t *nn, dsc_nn_work_t *w, const double *x, const double *y,
                       const size_t *order, size_t first, size_t rows);
/* Sum of squared errors, in standardised units, of the network on n raw rows, in chunks of
 * NN_EVAL_ROWS (w must hold at least min(n, NN_EVAL_ROWS) rows). */
int dsc_nn_total_error(dsc_ctx_t *ctx, const dsc_nn_t *nn, dsc_nn_work_t *w, const double *x,
                       const double *y, size_t n, double *sse);

/* ---- learning rules (rule.c, rule_*.c) --------------------------------------------------
 * A rule turns one batch (w->act[0], w->target, `rows` rows) into a descent direction for
 * the parameters (grad, overwritten, same layout as params) and the batch loss before the
 * update. state_size/state_init (either may be NULL) give the rule per-network data set up
 * once when the network is created, e.g. feedback matrices; work_size (may be NULL) the
 * doubles of w->scratch it needs for a batch of `rows` rows. Rules that draw random
 * numbers draw them from nn->rng, after the batch order, so a seed fixes them too. */
typedef struct dsc_nn_rule {
    const char *name;
    size_t (*state_size)(const dsc_nn_t *nn);
    void (*state_init)(const dsc_nn_t *nn, double *state, dsc_rng_t *rng);
    size_t (*work_size)(const dsc_nn_t *nn, size_t rows);
    int (*gradient)(dsc_ctx_t *ctx, dsc_nn_t *nn, dsc_nn_work_t *w, size_t rows,
                    double *grad, double *loss);
} dsc_nn_rule_t;

extern const dsc_nn_rule_t dsc_nn_rule_backprop;
extern const dsc_nn_rule_t dsc_nn_rule_feedback_alignment;
extern const dsc_nn_rule_t dsc_nn_rule_node_perturbation;
extern const dsc_nn_rule_t dsc_nn_rule_weight_perturbation;
extern const dsc_nn_rule_t dsc_nn_rule_dtp;
const dsc_nn_rule_t *dsc_nn_rule_find(const char *name);
/* Writes the rule names in table order, separated by ", ", into buf (truncated to size,
 * size > 0), for messages. */
void dsc_nn_rule_names(char *buf, size_t size);

/* Units summed over the dense layers' outputs (hidden layers and the output layer). */
size_t dsc_nn_total_units(const dsc_nn_t *nn);
/* Fills v[0..n) with +-scale, signs fair and independent, 64 per draw of rng. */
void dsc_nn_random_signs(dsc_rng_t *rng, double *v, size_t n, double scale);

/* The deterministic cores of the rules that draw random numbers, for the tests to check
 * against hand-worked values with chosen noise. The rules themselves draw the noise and
 * call these.
 *
 * Node perturbation: noise holds the pre-activation perturbations, layer after layer, each
 * rows x n_out (dsc_nn_total_units(nn) * rows values); sigma is their standard deviation
 * (the rule draws +-sigma; any zero-mean noise of that variance gives the same estimator).
 * Needs w->scratch (work_size). */
int dsc_nn_node_perturbation_estimate(dsc_ctx_t *ctx, const dsc_nn_t *nn, dsc_nn_work_t *w,
                                      size_t rows, const double *noise, double sigma,
                                      double *grad, double *loss);
/* Weight perturbation: noise holds one perturbation per parameter (n_params, params
 * layout); sigma is its standard deviation. Needs w->scratch. */
int dsc_nn_weight_perturbation_estimate(dsc_ctx_t *ctx, const dsc_nn_t *nn, dsc_nn_work_t *w,
                                        size_t rows, const double *noise, double sigma,
                                        double *grad, double *loss);
/* Difference target propagation, forward half: the descent direction of the forward
 * parameters from the layer targets made with the current inverse mappings (nothing is
 * drawn, nothing learned). Needs w->scratch. */
int dsc_nn_dtp_direction(dsc_ctx_t *ctx, const dsc_nn_t *nn, dsc_nn_work_t *w, size_t rows,
                         double *grad, double *loss);
/* Difference target propagation, inverse half: the gradient of the reconstruction loss of
 * every inverse mapping (grad_inv: dsc_nn_dtp_n_inverse() values, the inverse layout) for
 * the corrupted activations act[k] + noise[k] (noise: for k = 1 .. n_layers - 1, rows x
 * n_in of dense layer k, one after the other), given a forward pass in w->act. *loss_inv is
 * the reconstruction loss. Needs w->scratch. */
int dsc_nn_dtp_inverse_gradient(dsc_ctx_t *ctx, const dsc_nn_t *nn, dsc_nn_work_t *w,
                                size_t rows, const double *noise, double *grad_inv,
                                double *loss_inv);
/* Number of inverse-mapping parameters at the start of a dtp network's rule_state. */
size_t dsc_nn_dtp_n_inverse(const dsc_nn_t *nn);

/* ---- standardisation (standardize.c) ---------------------------------------------------- */
/* Column means and population standard deviations of an n x p matrix; sd 1 for constant
 * columns. */
void dsc_nn_moments(const double *x, size_t n, size_t p, double *mean, double *sd);
/* out = (in - mean) / sd, row by row (n x p). */
void dsc_nn_standardize(const double *in, size_t n, size_t p, const double *mean,
                        const double *sd, double *out);
/* DSC_ERR_USAGE naming the first row with a NaN or infinity. */
int dsc_nn_check_finite(dsc_ctx_t *ctx, const char *what, const double *x, size_t n,
                        size_t p);

#endif
