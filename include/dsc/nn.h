/* nn.h - a multilayer perceptron trained on OpenBLAS.
 *
 * Arrays are row-major: x is n x n_inputs, y is n x n_outputs, one row per sample (day).
 * Inputs and targets are standardised inside the network with means and standard deviations
 * fitted on the training rows only. Rows must be free of NaN (DSC_ERR_USAGE otherwise):
 * callers drop incomplete rows first. One seed gives the same weights on every run.
 */
#ifndef DSC_NN_H
#define DSC_NN_H

#include "dsc/core.h"

#define DSC_NN_MAX_LAYERS 8

typedef enum {
    DSC_ACT_LINEAR = 0,
    DSC_ACT_TANH,
    DSC_ACT_RELU,
    DSC_ACT_SIGMOID
} dsc_activation;

typedef struct {
    size_t n_hidden;                 /* number of hidden layers (0 = linear model) */
    size_t hidden[DSC_NN_MAX_LAYERS]; /* units in each hidden layer */
    dsc_activation activation;       /* of hidden layers; the output layer is linear */
    char optimizer[16];              /* "adam" or "sgd" (with momentum) */
    double learning_rate;            /* step size */
    double momentum;                 /* sgd only, in [0, 1) */
    double weight_decay;             /* L2 penalty on weights (not biases): adds
                                        (weight_decay / 2) * sum W^2 to the loss */
    size_t batch_size;               /* rows per mini-batch */
    size_t epochs;                   /* maximum passes over the training rows */
    size_t patience;                 /* epochs without validation improvement before
                                        stopping; the best weights are restored */
    uint64_t seed;                   /* initial weights and batch order */
    char rule[32];                   /* learning rule (Lillicrap et al. 2020 review them):
                                        "backprop"; "feedback_alignment" (fixed random
                                        matrices replace W^T going backwards);
                                        "node_perturbation" (units nudged by +-1e-3, each
                                        row's loss change correlated with its nudges);
                                        "weight_perturbation" (all parameters nudged by
                                        +-1e-3, one loss change per batch); "dtp"
                                        (difference target propagation with learned
                                        inverses). Details in src/nn/rule_<name>.c */
} dsc_nn_config_t;

/* Fills cfg with defaults: one hidden layer of 16 tanh units, adam, rate 1e-3, batch 64,
 * 200 epochs, patience 20, weight decay 0, seed 42, rule backprop (momentum 0.9, used only
 * if the optimizer is switched to sgd). */
void dsc_nn_config_default(dsc_nn_config_t *cfg);
/* Parses "tanh", "relu", "sigmoid", "linear". DSC_ERR_CONFIG on anything else. */
int dsc_nn_activation_parse(dsc_ctx_t *ctx, const char *name, dsc_activation *out);
/* DSC_OK when name is a learning rule (see dsc_nn_config_t.rule); DSC_ERR_CONFIG with a
 * message naming it and listing the rules otherwise, so a configuration can be checked
 * before any training starts. */
int dsc_nn_rule_check(dsc_ctx_t *ctx, const char *name);

typedef struct dsc_nn dsc_nn_t;

/* Learning curve of one training run; arrays have n_epochs entries, owned by the struct:
 * dsc_nn_history_clear(). Losses are mean squared error in standardised target units. */
typedef struct {
    size_t n_epochs;
    double *train_loss;
    double *valid_loss;
    size_t best_epoch; /* 0-based epoch whose weights were kept */
} dsc_nn_history_t;
void dsc_nn_history_clear(dsc_nn_history_t *h);

/* Creates an untrained network: weights uniform in +-sqrt(6 / (n_in + n_out)) (Glorot;
 * +-sqrt(6 / n_in) for relu layers, He), biases 0, scaling mean 0 sd 1, all
 * drawn from the network's own generator seeded with cfg->seed (cfg is copied).
 * Errors: DSC_ERR_USAGE (NULL, n_inputs or n_outputs 0), DSC_ERR_CONFIG (an impossible
 * setting, or an unknown optimizer or rule, named in the message). Caller owns *out. */
int dsc_nn_create(dsc_ctx_t *ctx, size_t n_inputs, size_t n_outputs,
                  const dsc_nn_config_t *cfg, dsc_nn_t **out);
/* Frees the network; NULL is accepted. */
void dsc_nn_destroy(dsc_nn_t *nn);

/* Fits standardisation on the training rows, then trains. When n_valid > 0 early stopping
 * watches the validation loss and restores the best weights; with n_valid == 0 it runs all
 * epochs. history may be NULL.
 * x_train: n_train x n_inputs, y_train: n_train x n_outputs (likewise the validation rows),
 * row-major, borrowed for the call. The loss minimised is the mean squared error over rows
 * and outputs in standardised units plus (weight_decay / 2) * sum of squared weights
 * (biases excluded). Training stops after `patience` consecutive epochs (0 counts as 1)
 * without a strictly lower validation loss. A second call refits the scaling and continues
 * from the current weights and generator state.
 * *history is overwritten without being freed: pass a zeroed or cleared struct; it is
 * filled only on success (train_loss: mean batch loss during the epoch; valid_loss: loss
 * after the epoch, NaN when n_valid == 0; best_epoch: the last epoch when n_valid == 0).
 * Errors: DSC_ERR_USAGE (n_train == 0, NULL data, a NaN or infinity, naming the row),
 * DSC_ERR_NUMERIC (the loss diverged; the weights are then unspecified), DSC_ERR_NOMEM. */
int dsc_nn_train(dsc_ctx_t *ctx, dsc_nn_t *nn, const double *x_train, const double *y_train,
                 size_t n_train, const double *x_valid, const double *y_valid, size_t n_valid,
                 dsc_nn_history_t *history);

/* Predicts n rows into y (n x n_outputs, original target units). x is n x n_inputs in the
 * training units. Errors: DSC_ERR_USAGE (NULL, a NaN or infinity in x, naming the row). */
int dsc_nn_predict(dsc_ctx_t *ctx, const dsc_nn_t *nn, const double *x, size_t n, double *y);

/* Mean squared error of the network on n rows (x: n x n_inputs, y: n x n_outputs, original
 * units), computed in standardised target units exactly as the history's validation loss,
 * so that after early stopping it reproduces history.valid_loss[best_epoch] bit for bit.
 * Errors: DSC_ERR_USAGE (NULL, n == 0, NaN or infinity, naming the row). */
int dsc_nn_evaluate(dsc_ctx_t *ctx, const dsc_nn_t *nn, const double *x, const double *y,
                    size_t n, double *mse);

/* ---- shape and parameters, for saving and restoring a trained network ------------------
 * The network has dsc_nn_n_layers() dense layers (the hidden ones plus the linear output
 * layer). Layer l maps n_in units to n_out units; layer 0 has n_in = n_inputs and the last
 * layer n_out = n_outputs. The parameter vector holds, layer after layer,
 *     W_l: n_in x n_out doubles, row-major (row i = the weights leaving input unit i),
 *     b_l: n_out doubles (biases),
 * and the layer computes a_out = f(a_in W_l + b_l) on standardised values. A network
 * rebuilt with dsc_nn_create() from the same sizes and config, then given the same
 * parameters and scaling, predicts identically (a feedback-alignment network also redraws
 * the same feedback matrices from cfg->seed, so it can even continue training; a dtp
 * network starts its learned inverses afresh). Saving to a file: dsc/nn_io.h. */
size_t dsc_nn_n_inputs(const dsc_nn_t *nn);
size_t dsc_nn_n_outputs(const dsc_nn_t *nn);
size_t dsc_nn_n_layers(const dsc_nn_t *nn);
/* Units entering and leaving dense layer l (0-based). DSC_ERR_USAGE when l is too large. */
int dsc_nn_layer_shape(dsc_ctx_t *ctx, const dsc_nn_t *nn, size_t l, size_t *n_in,
                       size_t *n_out);
/* The configuration the network was created with (borrowed, lives as long as nn). */
const dsc_nn_config_t *dsc_nn_config(const dsc_nn_t *nn);
/* Length of the parameter vector (weights and biases of all layers). */
size_t dsc_nn_n_params(const dsc_nn_t *nn);
/* Copies the parameters out to / in from params[0..n), n == dsc_nn_n_params() (layout
 * above). set refuses non-finite values. Errors: DSC_ERR_USAGE (NULL, wrong n, NaN). */
int dsc_nn_params_get(dsc_ctx_t *ctx, const dsc_nn_t *nn, double *params, size_t n);
int dsc_nn_params_set(dsc_ctx_t *ctx, dsc_nn_t *nn, const double *params, size_t n);
/* The standardisation: x_mean, x_sd have n_inputs entries, y_mean, y_sd n_outputs, in the
 * caller's units; a standardised value is (v - mean) / sd. An untrained network has mean 0,
 * sd 1. get copies into caller arrays; set copies from them (sd must be finite and > 0).
 * Errors: DSC_ERR_USAGE. */
int dsc_nn_scaling_get(dsc_ctx_t *ctx, const dsc_nn_t *nn, double *x_mean, double *x_sd,
                       double *y_mean, double *y_sd);
int dsc_nn_scaling_set(dsc_ctx_t *ctx, dsc_nn_t *nn, const double *x_mean, const double *x_sd,
                       const double *y_mean, const double *y_sd);
/* Name of an activation ("tanh" ...), or NULL for a value outside the enum. Static. */
const char *dsc_nn_activation_name(dsc_activation id);

#endif
