/* train.c - the train and project stages: per target cell, an ensemble of ANNs and the
 * linear baseline fitted on the training years, early-stopped on the validation years, then
 * applied to every historical and future day. */
#include "dsc/features.h"
#include "dsc/interrupt.h"
#include "dsc/io.h"
#include "dsc/linear.h"
#include "dsc/nn_io.h"
#include "pipeline/internal.h"
#include "pipeline/trainset.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NEIGHBOURS DSC_TRAINSET_MAX_NEIGHBOURS

typedef dsc_trainset_columns_t columns_t;

/* Predicts rows whose predictors are complete; the others stay NaN. */
static int predict_rows(dsc_ctx_t *ctx, const dsc_nn_t *nn, const dsc_linear_t *lin,
                        const double *x, size_t n, size_t p, double *out, double *scratch)
{
    int rc =
        nn ? dsc_nn_predict(ctx, nn, x, n, scratch) : dsc_linear_predict(ctx, lin, x, n, scratch);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++) {
        int ok = 1;
        for (size_t j = 0; ok && j < p; j++)
            ok = isfinite(x[i * p + j]);
        out[i] = ok ? scratch[i] : NAN;
    }
    return DSC_OK;
}

/* Workspace of one cell, sized for the longest period; sum and sumsq hold the ANN
 * ensemble's running sums over every period (in double: the members' arrays are single
 * precision, too coarse for a sum of squares). */
typedef struct {
    double *x, *xt, *xv, *yt, *yv, *obs_col, *gcm_col, *tcol, *pred, *sum, *sumsq;
} work_t;

static void work_free(work_t *w)
{
    free(w->x);
    free(w->xt);
    free(w->xv);
    free(w->yt);
    free(w->yv);
    free(w->obs_col);
    free(w->gcm_col);
    free(w->tcol);
    free(w->pred);
    free(w->sum);
    free(w->sumsq);
}

static int work_alloc(dsc_ctx_t *ctx, work_t *w, size_t nmax, size_t ntotal, size_t p)
{
    memset(w, 0, sizeof *w);
    w->x = dsc_malloc(ctx, nmax * p * sizeof(double), "predictors");
    w->xt = dsc_malloc(ctx, nmax * p * sizeof(double), "training predictors");
    w->xv = dsc_malloc(ctx, nmax * p * sizeof(double), "validation predictors");
    w->yt = dsc_malloc(ctx, nmax * sizeof(double), "training targets");
    w->yv = dsc_malloc(ctx, nmax * sizeof(double), "validation targets");
    w->obs_col = dsc_malloc(ctx, nmax * sizeof(double), "observations");
    w->gcm_col = dsc_malloc(ctx, nmax * sizeof(double), "model column");
    w->tcol = dsc_malloc(ctx, nmax * sizeof(double), "model column");
    w->pred = dsc_malloc(ctx, nmax * sizeof(double), "predictions");
    w->sum = dsc_malloc(ctx, ntotal * sizeof(double), "ensemble sum");
    w->sumsq = dsc_malloc(ctx, ntotal * sizeof(double), "ensemble sum of squares");
    if (!w->x || !w->xt || !w->xv || !w->yt || !w->yv || !w->obs_col || !w->gcm_col || !w->tcol ||
        !w->pred || !w->sum || !w->sumsq) {
        work_free(w);
        return DSC_ERR_NOMEM;
    }
    return DSC_OK;
}

/* One period (historical or a scenario) to predict for a cell. */
typedef struct {
    const float *on_target;
    const dsc_field_t *src;
    const dsc_date_t *dates;
    size_t n;
    size_t offset; /* of its days in the cell's ensemble sums */
    float *ann, *ann_sd, *lin;
} period_t;

static int predict_period(dsc_ctx_t *ctx, const dsc_member_t *m, size_t c, const period_t *pd,
                          const dsc_nn_t *nn, const dsc_linear_t *lin, work_t *w, int first,
                          int last, size_t members)
{
    dsc_trainset_model_column(m, c, pd->on_target, pd->n, w->tcol);
    columns_t k = dsc_trainset_columns(m, c, w->tcol, pd->src);
    size_t p = dsc_features_count(k.ncols);
    dsc_features_fill(k.cols, k.ncols, pd->dates, m->cal, 0, pd->n, w->x);
    double *col = w->gcm_col;
    int rc;
    if ((rc = predict_rows(ctx, nn, lin, w->x, pd->n, p, w->pred, col)))
        return rc;
    if (lin) {
        for (size_t t = 0; t < pd->n; t++)
            pd->lin[t * m->ncell + c] = (float)w->pred[t];
        return DSC_OK;
    }
    double *sum = w->sum + pd->offset, *sumsq = w->sumsq + pd->offset;
    for (size_t t = 0; t < pd->n; t++) {
        double v = w->pred[t];
        sum[t] = first ? v : sum[t] + v;
        sumsq[t] = first ? v * v : sumsq[t] + v * v;
        if (last) {
            double mean = sum[t] / (double)members;
            double var = sumsq[t] / (double)members - mean * mean;
            pd->ann[t * m->ncell + c] = (float)mean;
            pd->ann_sd[t * m->ncell + c] = (float)(var > 0 ? sqrt(var) : 0.0);
        }
    }
    return DSC_OK;
}

/* Saves one trained network of a cell ([ann] save_models) so a later run or a user can
 * reuse or inspect it (ncdump shows weights, standardisation and settings). */
static int save_model(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                      const dsc_member_t *m, size_t c, size_t e, const columns_t *k,
                      const dsc_nn_t *nn, const dsc_nn_history_t *hist)
{
    dsc_nn_meta_t meta = {0};
    size_t np = dsc_features_count(k->ncols);
    meta.n_input_names = np;
    snprintf(meta.input_names[0], DSC_NN_META_NAME, "%s_model", m->var);
    for (size_t i = 1; i < k->ncols; i++)
        snprintf(meta.input_names[i], DSC_NN_META_NAME, "%s_cell%zu", m->var, i);
    snprintf(meta.input_names[k->ncols], DSC_NN_META_NAME, "doy_sin");
    snprintf(meta.input_names[k->ncols + 1], DSC_NN_META_NAME, "doy_cos");
    snprintf(meta.target, sizeof meta.target, "%s", m->var);
    snprintf(meta.target_units, sizeof meta.target_units, "degC");
    snprintf(meta.title, sizeof meta.title, "%s %s %s cell %zu member %zu", job->region.name,
             m->var, m->model, c, e);
    meta.epochs_trained = hist->n_epochs;
    meta.best_epoch = hist->best_epoch;
    meta.valid_loss = hist->n_epochs ? hist->valid_loss[hist->best_epoch] : NAN;
    char path[2 * DSC_PATH_MAX];
    snprintf(path, sizeof path, "%s/models/%s_%s_%s_cell%zu_member%zu.nc", p->out_dir,
             job->region.name, m->var, m->model, c, e);
    int rc;
    /* netCDF and HDF5 are not thread-safe. */
#pragma omp critical(dsc_netcdf)
    rc = dsc_io_nn_write(ctx, path, nn, &meta);
    return rc;
}

static int train_cell(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                      dsc_member_t *m, size_t c, period_t *periods, size_t nperiods, work_t *w,
                      size_t *sparse_years)
{
    dsc_trainset_model_column(m, c, m->gcm, m->nh, w->gcm_col);
    columns_t k = dsc_trainset_columns(m, c, w->gcm_col, m->hsrc);
    size_t np = dsc_features_count(k.ncols);
    *sparse_years += dsc_trainset_obs_column(job, m, c, w->obs_col);
    int rc = dsc_trainset_targets(ctx, job, m, w->obs_col, w->gcm_col, job->train.y0, job->train.y1,
                                  w->yt);
    if (!rc)
        rc = dsc_trainset_targets(ctx, job, m, w->obs_col, w->gcm_col, job->valid.y0, job->valid.y1,
                                  w->yv);
    if (rc)
        return rc;
    dsc_features_fill(k.cols, k.ncols, m->hdates, m->cal, 0, m->nh, w->xt);
    memcpy(w->xv, w->xt, m->nh * np * sizeof(double));
    size_t nt = dsc_trainset_compact(w->xt, w->yt, m->nh, np);
    size_t nv = dsc_trainset_compact(w->xv, w->yv, m->nh, np);
    m->n_train_rows += nt;
    m->n_valid_rows += nv;
    if (nt < np + 2)
        return DSC_OK; /* nothing to learn from (an ocean cell): predictions stay missing */

    dsc_linear_t *lin = NULL;
    if ((rc = dsc_linear_fit(ctx, w->xt, w->yt, nt, np, p->ridge, &lin)))
        return rc;
    for (size_t i = 0; i < nperiods && !rc; i++)
        rc = predict_period(ctx, m, c, &periods[i], NULL, lin, w, 0, 0, 1);
    dsc_linear_destroy(lin);

    for (size_t e = 0; e < p->ensemble && !rc; e++) {
        dsc_nn_config_t cfg = p->nn;
        /* Each cell and member has its own seed so results do not depend on the order in
         * which cells are visited. */
        cfg.seed = p->nn.seed + 1000003ULL * e + c;
        dsc_nn_t *nn = NULL;
        dsc_nn_history_t hist = {0};
        rc = dsc_nn_create(ctx, np, 1, &cfg, &nn);
        if (!rc)
            rc = dsc_nn_train(ctx, nn, w->xt, w->yt, nt, w->xv, w->yv, nv, &hist);
        /* A validation loss of 1 in standardised units is what predicting the mean gives:
         * a network at or above it did not learn (a learning rate far too large, say). */
        if (!rc && hist.n_epochs &&
            !(hist.valid_loss[hist.best_epoch] < 1.0 || (nv == 0 && hist.train_loss[0] < 1.0)))
            m->n_poor_fits++;
        if (!rc && p->save_models)
            rc = save_model(ctx, p, job, m, c, e, &k, nn, &hist);
        for (size_t i = 0; i < nperiods && !rc; i++)
            rc = predict_period(ctx, m, c, &periods[i], nn, NULL, w, e == 0, e + 1 == p->ensemble,
                                p->ensemble);
        if (!rc && e == 0 && c == 0 && m->curve.n_epochs == 0)
            m->curve = hist;
        else
            dsc_nn_history_clear(&hist);
        dsc_nn_destroy(nn);
    }
    return rc;
}

static int alloc_outputs(dsc_ctx_t *ctx, size_t n, float **ann, float **sd, float **lin)
{
    *ann = dsc_nan_floats(ctx, n, "ANN predictions");
    *sd = dsc_nan_floats(ctx, n, "ANN spread");
    *lin = dsc_nan_floats(ctx, n, "linear predictions");
    return *ann && *sd && *lin ? DSC_OK : DSC_ERR_NOMEM;
}

int dsc_stage_train(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job, dsc_member_t *m)
{
    period_t periods[1 + DSC_MAX_LIST];
    size_t nperiods = 0, nmax = m->nh, ntotal = m->nh;
    int rc = alloc_outputs(ctx, m->nh * m->ncell, &m->ann, &m->ann_sd, &m->lin);
    periods[nperiods++] =
        (period_t){m->gcm, m->hsrc, m->hdates, m->nh, 0, m->ann, m->ann_sd, m->lin};
    for (size_t s = 0; s < m->nscen && !rc; s++) {
        dsc_scenario_data_t *sc = &m->scen[s];
        rc = alloc_outputs(ctx, sc->n * m->ncell, &sc->ann, &sc->ann_sd, &sc->lin);
        periods[nperiods++] =
            (period_t){sc->gcm, sc->src, sc->dates, sc->n, ntotal, sc->ann, sc->ann_sd, sc->lin};
        ntotal += sc->n;
        if (sc->n > nmax)
            nmax = sc->n;
    }
    if (rc)
        return rc;

    if (p->save_models) {
        char dir[DSC_PATH_MAX + 16];
        snprintf(dir, sizeof dir, "%s/models", p->out_dir);
        if ((rc = dsc_io_mkdirs(ctx, dir)))
            return rc;
    }

    /* Cells are independent: each has its own seeds, so any number of threads gives the
     * same numbers. Each thread has its own workspace and context; the first failure (in
     * cell order) is reported on the caller's context. */
    size_t sparse = 0, fail_cell = m->ncell, done = 0, stopped = 0;
    char what[160];
    snprintf(what, sizeof what, "train %s %s %s", job->region.name, m->var, m->model);
    int fail_rc = DSC_OK;
    char fail_msg[1024] = "";
#pragma omp parallel reduction(+ : sparse, stopped)
    {
        dsc_ctx_t *tctx = dsc_ctx_create();
        work_t w;
        int trc = tctx ? work_alloc(tctx, &w, nmax, ntotal, dsc_features_count(1 + MAX_NEIGHBOURS))
                       : DSC_ERR_NOMEM;
        dsc_member_t local = *m; /* counters summed below; arrays are shared, cells disjoint */
        local.n_train_rows = local.n_valid_rows = local.n_poor_fits = 0;
        local.curve = (dsc_nn_history_t){0};
#pragma omp for schedule(dynamic, 1)
        for (size_t c = 0; c < m->ncell; c++) {
            if (trc || !dsc_member_owns(m, c))
                continue;
            if (dsc_interrupted()) {
                stopped++;
                continue;
            }
            int crc = train_cell(tctx, p, job, &local, c, periods, nperiods, &w, &sparse);
            size_t now;
#pragma omp atomic capture
            now = ++done;
            /* Only the first thread talks to the terminal, so the sink needs no lock. */
            if (omp_get_thread_num() == 0)
                dsc_progress(ctx, what, now, m->ncell);
            if (crc) {
#pragma omp critical(dsc_train_fail)
                if (c < fail_cell) {
                    fail_cell = c;
                    fail_rc = crc;
                    snprintf(fail_msg, sizeof fail_msg, "%s", dsc_ctx_message(tctx));
                }
            }
        }
#pragma omp critical(dsc_train_sum)
        {
            m->n_train_rows += local.n_train_rows;
            m->n_valid_rows += local.n_valid_rows;
            m->n_poor_fits += local.n_poor_fits;
            if (local.curve.n_epochs && m->curve.n_epochs == 0)
                m->curve = local.curve;
            else
                dsc_nn_history_clear(&local.curve);
            if (trc && fail_rc == DSC_OK) {
                fail_rc = trc;
                snprintf(fail_msg, sizeof fail_msg, "%s",
                         tctx ? dsc_ctx_message(tctx) : "out of memory");
            }
        }
        if (!trc)
            work_free(&w);
        dsc_ctx_destroy(tctx);
    }
    if (stopped) /* cells were left untrained; a signal after the last cell changes nothing */
        return dsc_error(ctx, DSC_ERR_INTERRUPTED, "%s: interrupted by %s after %zu of %zu cells",
                         what, dsc_interrupt_name(dsc_interrupted()), done, m->ncell);
    dsc_progress(ctx, what, m->ncell, m->ncell);
    if (fail_rc)
        return dsc_error(ctx, fail_rc, "%s", fail_msg);
    if (sparse)
        dsc_log(ctx, DSC_LOG_INFO, "train",
                "%s %s %s: %zu cell-years below %.0f%% "
                "observed coverage left out of training",
                job->region.name, m->var, m->model, sparse, 100 * job->min_coverage);
    dsc_log(ctx, DSC_LOG_INFO, "train",
            "%s %s %s: %zu training and %zu validation rows over "
            "%zu cells, ANN ensemble of %zu",
            job->region.name, m->var, m->model, m->n_train_rows, m->n_valid_rows, m->ncell,
            p->ensemble);
    if (m->n_poor_fits)
        dsc_log(ctx, DSC_LOG_WARN, "train",
                "%s %s %s: %zu network(s) did not learn (validation "
                "loss no better than the mean; is the learning rate too large?)",
                job->region.name, m->var, m->model, m->n_poor_fits);
    if (m->n_valid_rows == 0 && m->cell_stride <= 1)
        return dsc_error(ctx, DSC_ERR_RANGE,
                         "%s: no validation day with both model and "
                         "observed %s in %d-%d (do the observations cover the validation "
                         "years?)",
                         job->region.name, m->var, job->valid.y0, job->valid.y1);
    if (m->n_train_rows == 0 && m->cell_stride <= 1) /* shared cells: checked after merging */
        return dsc_error(ctx, DSC_ERR_RANGE,
                         "%s: no training day with both model and "
                         "observed %s in %d-%d",
                         job->region.name, m->var, job->train.y0, job->train.y1);
    return DSC_OK;
}
