/* network.c - creating, inspecting and destroying a network; its parameters and scaling. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void dsc_nn_config_default(dsc_nn_config_t *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->n_hidden = 1;
    cfg->hidden[0] = 16;
    cfg->activation = DSC_ACT_TANH;
    strcpy(cfg->optimizer, "adam");
    cfg->learning_rate = 1e-3;
    cfg->momentum = 0.9;
    cfg->weight_decay = 0.0;
    cfg->batch_size = 64;
    cfg->epochs = 200;
    cfg->patience = 20;
    cfg->seed = 42;
    strcpy(cfg->rule, "backprop");
}

/* Names of the fixed-size strings must be terminated inside their arrays. */
static int string_ok(const char *s, size_t size)
{
    return memchr(s, '\0', size) != NULL;
}

static int check_config(dsc_ctx_t *ctx, const dsc_nn_config_t *cfg)
{
    if (cfg->n_hidden > DSC_NN_MAX_LAYERS)
        return dsc_error(ctx, DSC_ERR_CONFIG, "nn config: %zu hidden layers (at most %d)",
                         cfg->n_hidden, DSC_NN_MAX_LAYERS);
    for (size_t l = 0; l < cfg->n_hidden; l++)
        if (cfg->hidden[l] == 0)
            return dsc_error(ctx, DSC_ERR_CONFIG, "nn config: hidden layer %zu has no units",
                             l);
    if (!dsc_nn_activation_find(cfg->activation))
        return dsc_error(ctx, DSC_ERR_CONFIG, "nn config: activation %d is unknown",
                         (int)cfg->activation);
    if (!string_ok(cfg->optimizer, sizeof cfg->optimizer) ||
        !dsc_nn_optimizer_find(cfg->optimizer))
        return dsc_error(ctx, DSC_ERR_CONFIG, "nn config: optimizer \"%.*s\" is unknown (use "
                         "adam or sgd)", (int)sizeof cfg->optimizer, cfg->optimizer);
    if (!string_ok(cfg->rule, sizeof cfg->rule) || !dsc_nn_rule_find(cfg->rule)) {
        char names[256];
        dsc_nn_rule_names(names, sizeof names);
        return dsc_error(ctx, DSC_ERR_CONFIG, "nn config: learning rule \"%.*s\" is unknown "
                         "(use %s)", (int)sizeof cfg->rule, cfg->rule, names);
    }
    if (!(cfg->learning_rate > 0.0) || !isfinite(cfg->learning_rate))
        return dsc_error(ctx, DSC_ERR_CONFIG, "nn config: learning rate %g must be > 0",
                         cfg->learning_rate);
    if (!(cfg->momentum >= 0.0 && cfg->momentum < 1.0))
        return dsc_error(ctx, DSC_ERR_CONFIG, "nn config: momentum %g must be in [0, 1)",
                         cfg->momentum);
    if (!(cfg->weight_decay >= 0.0) || !isfinite(cfg->weight_decay))
        return dsc_error(ctx, DSC_ERR_CONFIG, "nn config: weight decay %g must be >= 0",
                         cfg->weight_decay);
    if (cfg->batch_size == 0 || cfg->epochs == 0)
        return dsc_error(ctx, DSC_ERR_CONFIG, "nn config: batch size %zu and epochs %zu must "
                         "be > 0", cfg->batch_size, cfg->epochs);
    return DSC_OK;
}

double dsc_nn_init_limit(const dsc_nn_t *nn, size_t l)
{
    const dsc_nn_layer_t *layer = &nn->layer[l];
    /* He et al. (2015) keep the variance through relu, which zeroes half the signal;
     * Glorot and Bengio (2010) balance forward and backward variance for the others. */
    if (layer->act->id == DSC_ACT_RELU)
        return sqrt(6.0 / (double)layer->n_in);
    return sqrt(6.0 / (double)(layer->n_in + layer->n_out));
}

/* Lays the layers out in the parameter vector and sizes it. */
static void build_layers(dsc_nn_t *nn)
{
    size_t offset = 0, n_in = nn->n_inputs;

    nn->n_layers = nn->cfg.n_hidden + 1;
    nn->max_units = nn->n_inputs;
    for (size_t l = 0; l < nn->n_layers; l++) {
        int output = l == nn->n_layers - 1;
        dsc_nn_layer_t *layer = &nn->layer[l];
        layer->n_in = n_in;
        layer->n_out = output ? nn->n_outputs : nn->cfg.hidden[l];
        layer->offset = offset;
        layer->act = dsc_nn_activation_find(output ? DSC_ACT_LINEAR : nn->cfg.activation);
        offset += layer->n_in * layer->n_out + layer->n_out;
        if (layer->n_out > nn->max_units)
            nn->max_units = layer->n_out;
        n_in = layer->n_out;
    }
    nn->n_params = offset;
}

/* Uniform initial weights, zero biases, all from the network's own generator. */
static void init_params(dsc_nn_t *nn)
{
    for (size_t l = 0; l < nn->n_layers; l++) {
        const dsc_nn_layer_t *layer = &nn->layer[l];
        double limit = dsc_nn_init_limit(nn, l);
        double *weight = nn->params + layer->offset;
        for (size_t i = 0; i < layer->n_in * layer->n_out; i++)
            weight[i] = limit * (2.0 * dsc_rng_uniform(&nn->rng) - 1.0);
    }
}

int dsc_nn_create(dsc_ctx_t *ctx, size_t n_inputs, size_t n_outputs,
                  const dsc_nn_config_t *cfg, dsc_nn_t **out)
{
    dsc_nn_t *nn = NULL;
    int rc;

    if (!cfg || !out)
        return dsc_error(ctx, DSC_ERR_USAGE, "nn create: NULL argument");
    *out = NULL;
    if (n_inputs == 0 || n_outputs == 0)
        return dsc_error(ctx, DSC_ERR_USAGE, "nn create: %zu inputs and %zu outputs (both "
                         "must be > 0)", n_inputs, n_outputs);
    rc = check_config(ctx, cfg);
    if (rc)
        return rc;

    nn = dsc_calloc(ctx, 1, sizeof *nn, "nn");
    if (!nn)
        return DSC_ERR_NOMEM;
    nn->cfg = *cfg;
    nn->n_inputs = n_inputs;
    nn->n_outputs = n_outputs;
    nn->optimizer = dsc_nn_optimizer_find(cfg->optimizer);
    nn->rule = dsc_nn_rule_find(cfg->rule);
    build_layers(nn);

    rc = DSC_ERR_NOMEM;
    nn->params = dsc_calloc(ctx, nn->n_params, sizeof(double), "nn parameters");
    nn->x_mean = dsc_calloc(ctx, n_inputs, sizeof(double), "nn input means");
    nn->x_sd = dsc_malloc(ctx, n_inputs * sizeof(double), "nn input deviations");
    nn->y_mean = dsc_calloc(ctx, n_outputs, sizeof(double), "nn target means");
    nn->y_sd = dsc_malloc(ctx, n_outputs * sizeof(double), "nn target deviations");
    if (!nn->params || !nn->x_mean || !nn->x_sd || !nn->y_mean || !nn->y_sd)
        goto fail;
    for (size_t k = 0; k < n_inputs; k++)
        nn->x_sd[k] = 1.0;
    for (size_t k = 0; k < n_outputs; k++)
        nn->y_sd[k] = 1.0;

    dsc_rng_seed(&nn->rng, cfg->seed);
    init_params(nn);
    if (nn->rule->state_size) {
        nn->n_rule_state = nn->rule->state_size(nn);
        nn->rule_state = dsc_calloc(ctx, nn->n_rule_state, sizeof(double), "nn rule state");
        if (!nn->rule_state)
            goto fail;
        if (nn->rule->state_init)
            nn->rule->state_init(nn, nn->rule_state, &nn->rng);
    }

    *out = nn;
    return DSC_OK;

fail:
    dsc_nn_destroy(nn);
    return rc;
}

void dsc_nn_destroy(dsc_nn_t *nn)
{
    if (!nn)
        return;
    free(nn->params);
    free(nn->x_mean);
    free(nn->x_sd);
    free(nn->y_mean);
    free(nn->y_sd);
    free(nn->rule_state);
    free(nn);
}

size_t dsc_nn_n_inputs(const dsc_nn_t *nn)
{
    return nn->n_inputs;
}

size_t dsc_nn_n_outputs(const dsc_nn_t *nn)
{
    return nn->n_outputs;
}

size_t dsc_nn_n_layers(const dsc_nn_t *nn)
{
    return nn->n_layers;
}

int dsc_nn_layer_shape(dsc_ctx_t *ctx, const dsc_nn_t *nn, size_t l, size_t *n_in,
                       size_t *n_out)
{
    if (l >= nn->n_layers)
        return dsc_error(ctx, DSC_ERR_USAGE, "nn: layer %zu asked of a network with %zu "
                         "layers", l, nn->n_layers);
    if (n_in)
        *n_in = nn->layer[l].n_in;
    if (n_out)
        *n_out = nn->layer[l].n_out;
    return DSC_OK;
}

const dsc_nn_config_t *dsc_nn_config(const dsc_nn_t *nn)
{
    return &nn->cfg;
}

size_t dsc_nn_n_params(const dsc_nn_t *nn)
{
    return nn->n_params;
}

int dsc_nn_params_get(dsc_ctx_t *ctx, const dsc_nn_t *nn, double *params, size_t n)
{
    if (!nn || !params || n != nn->n_params)
        return dsc_error(ctx, DSC_ERR_USAGE, "nn parameters: %zu values asked, the network "
                         "has %zu", n, nn ? nn->n_params : 0);
    memcpy(params, nn->params, n * sizeof *params);
    return DSC_OK;
}

int dsc_nn_params_set(dsc_ctx_t *ctx, dsc_nn_t *nn, const double *params, size_t n)
{
    int rc;

    if (!nn || !params || n != nn->n_params)
        return dsc_error(ctx, DSC_ERR_USAGE, "nn parameters: %zu values given, the network "
                         "has %zu", n, nn ? nn->n_params : 0);
    rc = dsc_nn_check_finite(ctx, "nn parameters", params, n, 1);
    if (rc)
        return rc;
    memcpy(nn->params, params, n * sizeof *params);
    return DSC_OK;
}

int dsc_nn_scaling_get(dsc_ctx_t *ctx, const dsc_nn_t *nn, double *x_mean, double *x_sd,
                       double *y_mean, double *y_sd)
{
    if (!nn || !x_mean || !x_sd || !y_mean || !y_sd)
        return dsc_error(ctx, DSC_ERR_USAGE, "nn scaling: NULL argument");
    memcpy(x_mean, nn->x_mean, nn->n_inputs * sizeof *x_mean);
    memcpy(x_sd, nn->x_sd, nn->n_inputs * sizeof *x_sd);
    memcpy(y_mean, nn->y_mean, nn->n_outputs * sizeof *y_mean);
    memcpy(y_sd, nn->y_sd, nn->n_outputs * sizeof *y_sd);
    return DSC_OK;
}

static int check_scale(dsc_ctx_t *ctx, const char *what, const double *mean, const double *sd,
                       size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (!isfinite(mean[k]) || !isfinite(sd[k]) || !(sd[k] > 0.0))
            return dsc_error(ctx, DSC_ERR_USAGE, "nn scaling: %s %zu has mean %g and sd %g "
                             "(need finite, sd > 0)", what, k, mean[k], sd[k]);
    return DSC_OK;
}

int dsc_nn_scaling_set(dsc_ctx_t *ctx, dsc_nn_t *nn, const double *x_mean, const double *x_sd,
                       const double *y_mean, const double *y_sd)
{
    int rc;

    if (!nn || !x_mean || !x_sd || !y_mean || !y_sd)
        return dsc_error(ctx, DSC_ERR_USAGE, "nn scaling: NULL argument");
    rc = check_scale(ctx, "input", x_mean, x_sd, nn->n_inputs);
    if (!rc)
        rc = check_scale(ctx, "output", y_mean, y_sd, nn->n_outputs);
    if (rc)
        return rc;
    memcpy(nn->x_mean, x_mean, nn->n_inputs * sizeof *x_mean);
    memcpy(nn->x_sd, x_sd, nn->n_inputs * sizeof *x_sd);
    memcpy(nn->y_mean, y_mean, nn->n_outputs * sizeof *y_mean);
    memcpy(nn->y_sd, y_sd, nn->n_outputs * sizeof *y_sd);
    return DSC_OK;
}
