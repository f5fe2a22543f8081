/* crossval.c - k-fold cross-validation by blocks of years, so that every method is judged
 * on years it was not fitted on.
 *
 * The member's training and validation years are cut into k contiguous blocks. For each
 * block the linear baseline, the ANN and the historical bias correction are refitted on the
 * other blocks and predict the held-out one; the raw model needs no fit. Contiguous blocks
 * rather than random days, because neighbouring days share weather and a random split
 * would let a method be tested on days it has as good as seen.
 *
 * The ANN is one network per fold (not the run's ensemble) trained for at most
 * CV_MAX_EPOCHS epochs without early stopping, since the held-out block must not steer the
 * training and no other block is left over to watch: this keeps the stage's cost near half
 * the train stage's, and makes its scores, if anything, slightly pessimistic for the ANN.
 */
#include "dsc/bc.h"
#include "dsc/interrupt.h"
#include "dsc/io.h"
#include "dsc/linear.h"
#include "dsc/stats.h"
#include "pipeline/internal.h"
#include "pipeline/trainset.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CV_MAX_EPOCHS 30
#define CV_MAX_FOLDS 20

/* The cross-validated methods, in output order. */
enum { M_GCM, M_GCM_BC, M_LINEAR, M_ANN, M_ANN_BC, M_COUNT };

/* The folds: years[] (ascending) cut into nfold blocks; block f holds years
 * years[first[f]] .. years[first[f + 1] - 1]. */
typedef struct {
    int *years;
    size_t nyears;
    size_t nfold;
    size_t first[CV_MAX_FOLDS + 1];
} folds_t;

/* Out-of-sample predictions of every method, nh x ncell each (NaN where none). */
typedef struct {
    double *pred[M_COUNT];
} predictions_t;

/* ---- folds --------------------------------------------------------------------------- */

static int in_fit_years(const dsc_job_t *job, int y)
{
    return (y >= job->train.y0 && y <= job->train.y1) || (y >= job->valid.y0 && y <= job->valid.y1);
}

static int folds_build(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                       const dsc_member_t *m, folds_t *f)
{
    memset(f, 0, sizeof *f);
    size_t most = m->nh ? (size_t)(m->hdates[m->nh - 1].year - m->hdates[0].year + 1) : 0;
    f->years = dsc_malloc(ctx, (most ? most : 1) * sizeof *f->years, "cross-validation years");
    if (!f->years)
        return DSC_ERR_NOMEM;
    for (size_t t = 0; t < m->nh; t++) {
        int y = m->hdates[t].year;
        if (in_fit_years(job, y) && (f->nyears == 0 || f->years[f->nyears - 1] != y))
            f->years[f->nyears++] = y;
    }
    f->nfold = p->cv_folds < f->nyears ? p->cv_folds : f->nyears;
    if (f->nfold > CV_MAX_FOLDS)
        f->nfold = CV_MAX_FOLDS;
    /* Block sizes differ by one at most, the longer blocks first. */
    for (size_t k = 0; k <= f->nfold; k++)
        f->first[k] = f->nfold ? k * f->nyears / f->nfold : 0;
    return DSC_OK;
}

/* The fold whose block holds year y, or -1 when y is not cross-validated. Membership is
 * looked up in the list rather than in a block's first..last range, since the training and
 * validation periods may leave a gap of years inside a block. */
static int fold_of(const folds_t *f, int y)
{
    size_t lo = 0, hi = f->nyears;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (f->years[mid] < y)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == f->nyears || f->years[lo] != y)
        return -1;
    for (size_t k = 0; k < f->nfold; k++)
        if (lo < f->first[k + 1])
            return (int)k;
    return -1;
}

/* ---- one cell ------------------------------------------------------------------------ */

/* One thread's workspace, sized for the member's historical days. */
typedef struct {
    double *obs_col, *obs_raw, *gcm_col, *obs_fit, *gcm_fit, *target;
    double *x, *xt, *yt, *xc, *pred, *ann_all, *tmp;
    size_t *idx_c; /* rows of xc: the day each complete predictor row belongs to */
    int *fold;     /* fold of each day, -1 outside the cross-validated years */
} work_t;

static void work_free(work_t *w)
{
    double *arrays[] = {w->obs_col, w->obs_raw, w->gcm_col, w->obs_fit, w->gcm_fit, w->target, w->x,
                        w->xt,      w->yt,      w->xc,      w->pred,    w->ann_all, w->tmp};
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++)
        free(arrays[i]);
    free(w->idx_c);
    free(w->fold);
    memset(w, 0, sizeof *w);
}

static int work_alloc(dsc_ctx_t *ctx, work_t *w, size_t nh, size_t p)
{
    memset(w, 0, sizeof *w);
    size_t n = nh ? nh : 1;
    double **cols[] = {&w->obs_col, &w->obs_raw, &w->gcm_col, &w->obs_fit, &w->gcm_fit,
                       &w->target,  &w->yt,      &w->pred,    &w->ann_all, &w->tmp};
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
        if (!(*cols[i] = dsc_malloc(ctx, n * sizeof(double), "cross-validation column")))
            goto fail;
    w->x = dsc_malloc(ctx, n * p * sizeof *w->x, "cross-validation predictors");
    w->xt = dsc_malloc(ctx, n * p * sizeof *w->xt, "cross-validation predictors");
    w->xc = dsc_malloc(ctx, n * p * sizeof *w->xc, "cross-validation predictors");
    w->idx_c = dsc_malloc(ctx, n * sizeof *w->idx_c, "cross-validation rows");
    w->fold = dsc_malloc(ctx, n * sizeof *w->fold, "cross-validation folds");
    if (w->x && w->xt && w->xc && w->idx_c && w->fold)
        return DSC_OK;
fail:
    work_free(w);
    return DSC_ERR_NOMEM;
}

/* Rows of x (n x p) with every predictor finite, copied to xc; idx gets their days. */
static size_t complete_rows(const double *x, size_t n, size_t p, double *xc, size_t *idx)
{
    size_t k = 0;
    for (size_t t = 0; t < n; t++) {
        int ok = 1;
        for (size_t j = 0; ok && j < p; j++)
            ok = isfinite(x[t * p + j]);
        if (!ok)
            continue;
        memcpy(xc + k * p, x + t * p, p * sizeof *xc);
        idx[k++] = t;
    }
    return k;
}

/* Predicts every complete row with the linear model or the network; out[day] gets the
 * prediction of the days selected by fold (all cross-validated days when fold < 0). */
static int predict_days(dsc_ctx_t *ctx, const dsc_linear_t *lin, const dsc_nn_t *nn, work_t *w,
                        size_t nc, int fold, double *out, size_t stride)
{
    if (nc == 0)
        return DSC_OK;
    int rc = lin ? dsc_linear_predict(ctx, lin, w->xc, nc, w->pred)
                 : dsc_nn_predict(ctx, nn, w->xc, nc, w->pred);
    for (size_t k = 0; k < nc && !rc; k++) {
        size_t t = w->idx_c[k];
        if (w->fold[t] >= 0 && (fold < 0 || w->fold[t] == fold))
            out[t * stride] = w->pred[k];
    }
    return rc;
}

/* Fits the historical correction on the other blocks (obs against fit_src on those days)
 * and corrects src on the held-out block into out (column of stride ncell). */
static int correct_block(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_member_t *m, work_t *w,
                         int fold, const double *src, double *out)
{
    size_t have = 0;
    for (size_t t = 0; t < m->nh; t++) {
        int fit = w->fold[t] >= 0 && w->fold[t] != fold;
        w->obs_fit[t] = fit ? w->obs_raw[t] : NAN;
        w->gcm_fit[t] = fit ? src[t] : NAN;
        w->tmp[t] = w->fold[t] == fold ? src[t] : NAN;
        have += isfinite(w->obs_fit[t]) && isfinite(w->gcm_fit[t]);
    }
    if (have == 0)
        return DSC_OK;
    dsc_bc_t *bc = NULL;
    int rc = dsc_bc_fit(ctx, &p->bc_hist, m->cal, w->obs_fit, m->hdates, m->nh, w->gcm_fit,
                        m->hdates, m->nh, &bc);
    if (rc == DSC_ERR_RANGE)
        return DSC_OK; /* nothing shared to fit on: the block stays missing */
    if (!rc)
        rc = dsc_bc_apply(ctx, bc, w->tmp, m->hdates, m->nh, w->tmp);
    for (size_t t = 0; t < m->nh && !rc; t++)
        if (w->fold[t] == fold)
            out[t * m->ncell] = w->tmp[t];
    dsc_bc_destroy(bc);
    return rc;
}

/* Refits the learners of one fold on the other blocks and predicts the held-out one. */
static int cell_fold(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                     const dsc_member_t *m, size_t c, const folds_t *f, int fold, work_t *w,
                     size_t np, size_t nc, predictions_t *pr)
{
    for (size_t t = 0; t < m->nh; t++) {
        int fit = w->fold[t] >= 0 && w->fold[t] != fold;
        w->obs_fit[t] = fit ? w->obs_col[t] : NAN;
        w->gcm_fit[t] = fit ? w->gcm_col[t] : NAN;
    }
    int y0 = f->years[0], y1 = f->years[f->nyears - 1];
    int rc = dsc_trainset_targets(ctx, job, m, w->obs_fit, w->gcm_fit, y0, y1, w->target);
    if (rc)
        return rc;
    memcpy(w->xt, w->x, m->nh * np * sizeof *w->xt);
    memcpy(w->yt, w->target, m->nh * sizeof *w->yt);
    size_t nt = dsc_trainset_compact(w->xt, w->yt, m->nh, np);

    if ((rc = correct_block(ctx, p, m, w, fold, w->gcm_col, pr->pred[M_GCM_BC] + c)))
        return rc;
    if (nt < np + 2)
        return DSC_OK; /* too few rows to learn from: the block stays missing */

    dsc_linear_t *lin = NULL;
    if ((rc = dsc_linear_fit(ctx, w->xt, w->yt, nt, np, p->ridge, &lin)))
        return rc;
    rc = predict_days(ctx, lin, NULL, w, nc, fold, pr->pred[M_LINEAR] + c, m->ncell);
    dsc_linear_destroy(lin);
    if (rc)
        return rc;

    dsc_nn_config_t cfg = p->nn;
    cfg.epochs = cfg.epochs < CV_MAX_EPOCHS ? cfg.epochs : CV_MAX_EPOCHS;
    /* Seeds of their own per fold and cell, apart from the train stage's, so the result
     * does not depend on which thread takes the cell. */
    cfg.seed = p->nn.seed + 7777777ULL * (uint64_t)(fold + 1) + c;
    dsc_nn_t *nn = NULL;
    rc = dsc_nn_create(ctx, np, 1, &cfg, &nn);
    if (!rc)
        rc = dsc_nn_train(ctx, nn, w->xt, w->yt, nt, NULL, NULL, 0, NULL);
    for (size_t t = 0; t < m->nh; t++)
        w->ann_all[t] = NAN;
    if (!rc)
        rc = predict_days(ctx, NULL, nn, w, nc, -1, w->ann_all, 1);
    dsc_nn_destroy(nn);
    for (size_t t = 0; t < m->nh && !rc; t++)
        if (w->fold[t] == fold)
            pr->pred[M_ANN][t * m->ncell + c] = w->ann_all[t];
    if (!rc)
        rc = correct_block(ctx, p, m, w, fold, w->ann_all, pr->pred[M_ANN_BC] + c);
    return rc;
}

static int cross_validate_cell(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                               const dsc_member_t *m, size_t c, const folds_t *f, work_t *w,
                               predictions_t *pr)
{
    dsc_trainset_model_column(m, c, m->gcm, m->nh, w->gcm_col);
    dsc_trainset_columns_t k = dsc_trainset_columns(m, c, w->gcm_col, m->hsrc);
    size_t np = dsc_features_count(k.ncols);
    dsc_trainset_obs_column(job, m, c, w->obs_col);
    for (size_t t = 0; t < m->nh; t++) {
        w->obs_raw[t] = m->obs[t * m->ncell + c];
        w->fold[t] = fold_of(f, m->hdates[t].year);
        if (w->fold[t] >= 0)
            pr->pred[M_GCM][t * m->ncell + c] = w->gcm_col[t];
    }
    dsc_features_fill(k.cols, k.ncols, m->hdates, m->cal, 0, m->nh, w->x);
    size_t nc = complete_rows(w->x, m->nh, np, w->xc, w->idx_c);
    int rc = DSC_OK;
    for (size_t fold = 0; fold < f->nfold && !rc; fold++)
        rc = cell_fold(ctx, p, job, m, c, f, (int)fold, w, np, nc, pr);
    return rc;
}

/* Every cell, in parallel; the first failure in cell order is reported. */
static int cross_validate_cells(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                                const dsc_member_t *m, const folds_t *f, predictions_t *pr)
{
    size_t fail_cell = m->ncell, stopped = 0;
    int fail_rc = DSC_OK;
    char fail_msg[1024] = "";
#pragma omp parallel reduction(+ : stopped)
    {
        dsc_ctx_t *tctx = dsc_ctx_create();
        work_t w;
        size_t pmax = dsc_features_count(1 + DSC_TRAINSET_MAX_NEIGHBOURS);
        int trc = tctx ? work_alloc(tctx, &w, m->nh, pmax) : DSC_ERR_NOMEM;
#pragma omp for schedule(dynamic, 1)
        for (size_t c = 0; c < m->ncell; c++) {
            if (!dsc_member_owns(m, c))
                continue;
            if (dsc_interrupted()) {
                stopped++;
                continue;
            }
            int crc = trc ? trc : cross_validate_cell(tctx, p, job, m, c, f, &w, pr);
            if (crc) {
#pragma omp critical(dsc_crossval_fail)
                if (c < fail_cell) {
                    fail_cell = c;
                    fail_rc = crc;
                    snprintf(fail_msg, sizeof fail_msg, "%s",
                             tctx ? dsc_ctx_message(tctx) : "out of memory");
                }
            }
        }
        if (!trc)
            work_free(&w);
        dsc_ctx_destroy(tctx);
    }
    if (stopped)
        return dsc_error(ctx, DSC_ERR_INTERRUPTED,
                         "cross-validation of %s %s %s: interrupted by %s", job->region.name,
                         m->var, m->model, dsc_interrupt_name(dsc_interrupted()));
    if (fail_rc)
        return dsc_error(ctx, fail_rc, "cross-validation of %s %s, cell %zu: %s", m->var, m->model,
                         fail_cell, fail_msg);
    return DSC_OK;
}

/* ---- scores -------------------------------------------------------------------------- */

/* Observed and predicted values of one fold (fold < 0: all folds), pooled over cells. */
static size_t gather_fold(const dsc_member_t *m, const folds_t *f, int fold, const double *pred,
                          double *ref, double *sim)
{
    size_t k = 0;
    for (size_t t = 0; t < m->nh; t++) {
        int ft = fold_of(f, m->hdates[t].year);
        if (ft < 0 || (fold >= 0 && ft != fold))
            continue;
        for (size_t c = 0; c < m->ncell; c++) {
            ref[k] = m->obs[t * m->ncell + c];
            sim[k] = pred[t * m->ncell + c];
            if (!isfinite(ref[k]) || !isfinite(sim[k]))
                ref[k] = sim[k] = NAN;
            k++;
        }
    }
    return k;
}

static void put_row(FILE *fp, const char *fold, const char *years, const char *method,
                    const dsc_taylor_t *t, int ok, double ks)
{
    fprintf(fp, "%s,%s,%s,%zu", fold, years, method, ok ? t->n : 0);
    double v[] = {t->corr, t->sd_ratio, t->crmsd_norm, t->bias, t->rmse, ks};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        if (ok && isfinite(v[i]))
            fprintf(fp, ",%.6f", v[i]);
        else
            fputc(',', fp);
    }
    fputc('\n', fp);
}

static int write_scores(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                        const dsc_member_t *m, const folds_t *f, const predictions_t *pr,
                        dsc_outputs_t *outputs)
{
    char dir[DSC_PATH_MAX + 16], path[2 * DSC_PATH_MAX + 256], *tmp = NULL;
    FILE *fp = NULL;
    snprintf(dir, sizeof dir, "%s/evaluation", p->out_dir);
    snprintf(path, sizeof path, "%s/%s_%s_%s_cv.csv", dir, job->region.name, m->var, m->model);
    size_t len = m->nh * m->ncell > 0 ? m->nh * m->ncell : 1;
    double *ref = dsc_malloc(ctx, len * sizeof *ref, "cross-validation scores");
    double *sim = dsc_malloc(ctx, len * sizeof *sim, "cross-validation scores");
    int rc = ref && sim ? DSC_OK : DSC_ERR_NOMEM;
    if (!rc)
        rc = dsc_io_mkdirs(ctx, dir);
    if (!rc)
        rc = dsc_io_open_atomic(ctx, path, &fp, &tmp);
    if (rc)
        goto fail;

    char names[M_COUNT][48];
    snprintf(names[M_GCM], sizeof names[M_GCM], "gcm");
    snprintf(names[M_GCM_BC], sizeof names[M_GCM_BC], "gcm_%s", p->bc_hist.method);
    snprintf(names[M_LINEAR], sizeof names[M_LINEAR], "linear");
    snprintf(names[M_ANN], sizeof names[M_ANN], "ann");
    snprintf(names[M_ANN_BC], sizeof names[M_ANN_BC], "ann_%s", p->bc_hist.method);
    fprintf(fp, "fold,years,method,n,corr,sd_ratio,crmsd_norm,bias,rmse,ks\n");
    for (int fold = 0; fold <= (int)f->nfold; fold++) {
        /* The last row block pools every fold: the whole record predicted out of sample. */
        int which = fold < (int)f->nfold ? fold : -1;
        char label[16], years[32];
        size_t a = which < 0 ? 0 : f->first[which];
        size_t b = which < 0 ? f->nyears : f->first[which + 1];
        if (which < 0)
            snprintf(label, sizeof label, "all");
        else
            snprintf(label, sizeof label, "%d", fold + 1);
        snprintf(years, sizeof years, "%d-%d", f->years[a], f->years[b - 1]);
        for (int k = 0; k < M_COUNT; k++) {
            size_t n = gather_fold(m, f, which, pr->pred[k], ref, sim);
            dsc_taylor_t t = {0};
            int ok = dsc_stats_taylor(ctx, ref, sim, n, &t) == DSC_OK;
            double ks = ok ? dsc_stats_ks(sim, n, ref, n) : NAN;
            put_row(fp, label, years, names[k], &t, ok, ks);
        }
    }
    rc = dsc_io_commit(ctx, fp, tmp, path);
    fp = NULL;
    if (!rc)
        rc = dsc_outputs_add(ctx, outputs, path);
fail:
    if (fp)
        dsc_io_abort(fp, tmp);
    free(tmp);
    free(ref);
    free(sim);
    return rc;
}

/* ---- the stage ----------------------------------------------------------------------- */

int dsc_stage_crossval(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                       const dsc_member_t *m, dsc_outputs_t *outputs)
{
    folds_t f;
    predictions_t pr = {{0}};
    int rc = folds_build(ctx, p, job, m, &f);
    if (rc)
        return rc;
    if (f.nfold < 2) {
        dsc_log(ctx, DSC_LOG_WARN, "crossval",
                "%s %s %s: %zu training and validation "
                "year(s), too few to cross-validate",
                job->region.name, m->var, m->model, f.nyears);
        free(f.years);
        return DSC_OK;
    }
    /* Fewer years than folds is expected of a short record, not a fault: said at INFO. */
    if (f.nfold < p->cv_folds)
        dsc_log(ctx, DSC_LOG_INFO, "crossval",
                "%s %s %s: %zu folds of one year each (only "
                "%zu years to split)",
                job->region.name, m->var, m->model, f.nfold, f.nyears);

    for (int k = 0; k < M_COUNT && !rc; k++)
        if (!(pr.pred[k] = dsc_nan_array(ctx, m->nh * m->ncell, "cross-validated series")))
            rc = DSC_ERR_NOMEM;
    if (!rc)
        rc = cross_validate_cells(ctx, p, job, m, &f, &pr);
    if (!rc)
        rc = write_scores(ctx, p, job, m, &f, &pr, outputs);
    if (!rc)
        dsc_log(ctx, DSC_LOG_INFO, "crossval",
                "%s %s %s: %zu folds over %d-%d (ANN: one "
                "network per fold, %zu epochs at most)",
                job->region.name, m->var, m->model, f.nfold, f.years[0], f.years[f.nyears - 1],
                p->nn.epochs < CV_MAX_EPOCHS ? p->nn.epochs : (size_t)CV_MAX_EPOCHS);
    for (int k = 0; k < M_COUNT; k++)
        free(pr.pred[k]);
    free(f.years);
    return rc;
}
