/* train.c - the training loop: mini-batches, early stopping, the learning curve.
 *
 * The loop knows nothing of how a rule turns a batch into a descent direction, nor of how
 * an optimiser turns that into a step: both come from const tables (rule.c, optimizer.c).
 * Every buffer is allocated once per run, before the first epoch.
 *
 * Reproducibility: batch order comes from the network's own generator (seeded with
 * cfg->seed at creation), and nothing global is touched. The program may choose the
 * OpenBLAS thread count; in some OpenBLAS builds dgemm splits the sums differently with
 * another thread count, so results can then differ in the last bits. One seed and one
 * thread count always give bit-identical weights.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void dsc_nn_history_clear(dsc_nn_history_t *h)
{
    if (!h)
        return;
    free(h->train_loss);
    free(h->valid_loss);
    memset(h, 0, sizeof *h);
}

/* The buffers of one training run. */
typedef struct {
    dsc_nn_work_t work;
    size_t *order;       /* n_train row indices, shuffled every epoch */
    double *grad;        /* n_params */
    double *opt_state;   /* n_slots x n_params */
    double *best;        /* n_params: the weights of the best validation epoch */
    double *train_loss;  /* epochs */
    double *valid_loss;  /* epochs */
    size_t step;         /* optimiser steps taken, from 1 */
} run_t;

static void run_free(run_t *run)
{
    dsc_nn_work_free(&run->work);
    free(run->order);
    free(run->grad);
    free(run->opt_state);
    free(run->best);
    free(run->train_loss);
    free(run->valid_loss);
}

static int run_alloc(dsc_ctx_t *ctx, const dsc_nn_t *nn, size_t n_train, size_t n_valid,
                     run_t *run)
{
    size_t batch = nn->cfg.batch_size < n_train ? nn->cfg.batch_size : n_train;
    size_t eval = n_valid < NN_EVAL_ROWS ? n_valid : NN_EVAL_ROWS;
    size_t epochs = nn->cfg.epochs;
    int rc;

    rc = dsc_nn_work_create(ctx, nn, batch > eval ? batch : eval, &run->work);
    if (rc)
        return rc;
    run->order = dsc_malloc(ctx, n_train * sizeof *run->order, "nn batch order");
    run->grad = dsc_calloc(ctx, nn->n_params, sizeof(double), "nn gradient");
    run->opt_state = dsc_calloc(ctx, nn->optimizer->n_slots * nn->n_params, sizeof(double),
                                "nn optimizer state");
    run->best = dsc_malloc(ctx, nn->n_params * sizeof(double), "nn best weights");
    run->train_loss = dsc_nan_array(ctx, epochs, "nn training losses");
    run->valid_loss = dsc_nan_array(ctx, epochs, "nn validation losses");
    if (!run->order || !run->grad || !run->opt_state || !run->best || !run->train_loss ||
        !run->valid_loss)
        return DSC_ERR_NOMEM;
    for (size_t i = 0; i < n_train; i++)
        run->order[i] = i;
    return DSC_OK;
}

static int check_data(dsc_ctx_t *ctx, const dsc_nn_t *nn, const double *x_train,
                      const double *y_train, size_t n_train, const double *x_valid,
                      const double *y_valid, size_t n_valid)
{
    size_t p = nn->n_inputs, q = nn->n_outputs;
    int rc;

    if (n_train == 0)
        return dsc_error(ctx, DSC_ERR_USAGE, "nn training: no training rows");
    if (!x_train || !y_train || (n_valid > 0 && (!x_valid || !y_valid)))
        return dsc_error(ctx, DSC_ERR_USAGE, "nn training: NULL data array");
    rc = dsc_nn_check_finite(ctx, "nn training inputs", x_train, n_train, p);
    if (!rc)
        rc = dsc_nn_check_finite(ctx, "nn training targets", y_train, n_train, q);
    if (!rc)
        rc = dsc_nn_check_finite(ctx, "nn validation inputs", x_valid, n_valid, p);
    if (!rc)
        rc = dsc_nn_check_finite(ctx, "nn validation targets", y_valid, n_valid, q);
    return rc;
}

/* L2 penalty (weight_decay / 2) |W|^2 on the weights; the biases stay free so that the
 * penalty does not pull the outputs towards zero. */
static void add_weight_decay(const dsc_nn_t *nn, double *grad)
{
    double decay = nn->cfg.weight_decay;

    if (decay == 0.0)
        return;
    for (size_t l = 0; l < nn->n_layers; l++) {
        const dsc_nn_layer_t *layer = &nn->layer[l];
        for (size_t i = 0; i < layer->n_in * layer->n_out; i++)
            grad[layer->offset + i] += decay * nn->params[layer->offset + i];
    }
}

/* One pass over the shuffled training rows; *loss is the mean batch loss (weighted by
 * rows) seen before each update. */
static int run_epoch(dsc_ctx_t *ctx, dsc_nn_t *nn, run_t *run, const double *x,
                     const double *y, size_t n, double *loss)
{
    size_t batch = nn->cfg.batch_size;
    double sum = 0.0;

    dsc_rng_shuffle(&nn->rng, run->order, n);
    for (size_t first = 0; first < n; first += batch) {
        size_t rows = n - first < batch ? n - first : batch;
        double batch_loss = 0.0;
        int rc;

        dsc_nn_load_batch(nn, &run->work, x, y, run->order, first, rows);
        rc = nn->rule->gradient(ctx, nn, &run->work, rows, run->grad, &batch_loss);
        if (rc)
            return rc;
        add_weight_decay(nn, run->grad);
        run->step++;
        nn->optimizer->step(&nn->cfg, run->step, nn->params, run->grad, run->opt_state,
                            nn->n_params);
        sum += batch_loss * (double)rows;
    }
    *loss = sum / (double)n;
    return DSC_OK;
}

/* The loss of the weights after an epoch on the validation rows; a loss that is no longer
 * finite means the run diverged. */
static int validate_epoch(dsc_ctx_t *ctx, const dsc_nn_t *nn, run_t *run, const double *x,
                          const double *y, size_t n, size_t epoch)
{
    double sse;
    int rc = dsc_nn_total_error(ctx, nn, &run->work, x, y, n, &sse);

    if (rc)
        return rc;
    run->valid_loss[epoch] = sse / (double)(n * nn->n_outputs);
    if (!isfinite(run->valid_loss[epoch]))
        return dsc_error(ctx, DSC_ERR_NUMERIC, "nn training: the validation loss diverged at "
                         "epoch %zu (try a smaller learning rate)", epoch);
    dsc_log(ctx, DSC_LOG_DEBUG, "nn", "epoch %zu: training loss %.6g, validation loss %.6g",
            epoch, run->train_loss[epoch], run->valid_loss[epoch]);
    return DSC_OK;
}

int dsc_nn_train(dsc_ctx_t *ctx, dsc_nn_t *nn, const double *x_train, const double *y_train,
                 size_t n_train, const double *x_valid, const double *y_valid, size_t n_valid,
                 dsc_nn_history_t *history)
{
    run_t run = {0};
    size_t patience, waiting = 0, best_epoch = 0, epoch;
    double best_loss = INFINITY;
    int rc;

    if (history)
        memset(history, 0, sizeof *history);
    if (!nn)
        return dsc_error(ctx, DSC_ERR_USAGE, "nn training: NULL network");
    rc = check_data(ctx, nn, x_train, y_train, n_train, x_valid, y_valid, n_valid);
    if (rc)
        return rc;
    rc = run_alloc(ctx, nn, n_train, n_valid, &run);
    if (rc)
        goto fail;

    dsc_nn_moments(x_train, n_train, nn->n_inputs, nn->x_mean, nn->x_sd);
    dsc_nn_moments(y_train, n_train, nn->n_outputs, nn->y_mean, nn->y_sd);
    patience = nn->cfg.patience > 0 ? nn->cfg.patience : 1;

    for (epoch = 0; epoch < nn->cfg.epochs; epoch++) {
        rc = run_epoch(ctx, nn, &run, x_train, y_train, n_train, &run.train_loss[epoch]);
        if (!rc && !isfinite(run.train_loss[epoch]))
            rc = dsc_error(ctx, DSC_ERR_NUMERIC, "nn training: the loss diverged at epoch %zu "
                           "(try a smaller learning rate)", epoch);
        if (!rc && n_valid > 0)
            rc = validate_epoch(ctx, nn, &run, x_valid, y_valid, n_valid, epoch);
        if (rc)
            goto fail;

        /* Early stopping: keep a copy of the best weights, stop after `patience` epochs
         * without a strictly lower validation loss. */
        if (n_valid == 0) {
            best_epoch = epoch;
        } else if (run.valid_loss[epoch] < best_loss) {
            best_loss = run.valid_loss[epoch];
            best_epoch = epoch;
            memcpy(run.best, nn->params, nn->n_params * sizeof *run.best);
            waiting = 0;
        } else if (++waiting >= patience) {
            epoch++;
            break;
        }
    }

    if (n_valid > 0)
        memcpy(nn->params, run.best, nn->n_params * sizeof *nn->params);
    dsc_log(ctx, DSC_LOG_DEBUG, "nn", "trained %zu epochs, kept epoch %zu", epoch, best_epoch);
    if (history) {
        history->n_epochs = epoch;
        history->train_loss = run.train_loss;
        history->valid_loss = run.valid_loss;
        history->best_epoch = best_epoch;
        run.train_loss = NULL;
        run.valid_loss = NULL;
    }
    rc = DSC_OK;

fail:
    run_free(&run);
    return rc;
}
