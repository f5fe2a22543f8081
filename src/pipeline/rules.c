/* rules.c - the learning-rule comparison ([ann] compare_rules): on one target cell of a
 * member, one network per rule, all with the architecture, seed and training rows of that
 * cell's first ANN in train.c, and their validation loss against training steps written to
 * learning/<region>_<var>_rules.csv and drawn in figures/<region>_<var>_learning_rules.png
 * (one line per rule).
 *
 * Early stopping is off: every rule runs all [ann] epochs, so that the curves cover the same
 * steps and a slow rule is not cut off while it still improves. No rule needs a smaller
 * budget: a step of the dearest, dtp, costs about four of backprop (docs/nn.md), a few
 * seconds for the demo's Frankfurt cell. The networks are independent, so they train in
 * parallel, each with its own context; the numbers do not depend on the thread count.
 */
#include "dsc/io.h"
#include "dsc/plot.h"
#include "pipeline/trainset.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define FIG_W 1200
#define FIG_H 700

/* The training and validation rows of one cell, built exactly as train.c builds them. */
typedef struct {
    double *xt, *yt, *xv, *yv, *obs_col, *gcm_col;
    size_t nt, nv, np;
} rows_t;

static void rows_free(rows_t *r)
{
    free(r->xt);
    free(r->yt);
    free(r->xv);
    free(r->yv);
    free(r->obs_col);
    free(r->gcm_col);
}

static int rows_build(dsc_ctx_t *ctx, const dsc_job_t *job, const dsc_member_t *m, size_t c,
                      rows_t *r)
{
    size_t nh = m->nh;
    dsc_trainset_model_column(m, c, m->gcm, nh, r->gcm_col);
    dsc_trainset_columns_t k = dsc_trainset_columns(m, c, r->gcm_col, m->hsrc);
    int rc;

    r->np = dsc_features_count(k.ncols);
    dsc_trainset_obs_column(job, m, c, r->obs_col);
    rc = dsc_trainset_targets(ctx, job, m, r->obs_col, r->gcm_col, job->train.y0, job->train.y1,
                              r->yt);
    if (!rc)
        rc = dsc_trainset_targets(ctx, job, m, r->obs_col, r->gcm_col, job->valid.y0, job->valid.y1,
                                  r->yv);
    if (rc)
        return rc;
    dsc_features_fill(k.cols, k.ncols, m->hdates, m->cal, 0, nh, r->xt);
    memcpy(r->xv, r->xt, nh * r->np * sizeof(double));
    r->nt = dsc_trainset_compact(r->xt, r->yt, nh, r->np);
    r->nv = dsc_trainset_compact(r->xv, r->yv, nh, r->np);
    return DSC_OK;
}

/* The first cell with enough rows to learn from (train.c skips cells with fewer than
 * predictors + 2 training rows) and at least one validation row; *cell = ncell if none. */
static int rows_first_cell(dsc_ctx_t *ctx, const dsc_job_t *job, const dsc_member_t *m, rows_t *r,
                           size_t *cell)
{
    size_t nh = m->nh, pmax = dsc_features_count(1 + DSC_TRAINSET_MAX_NEIGHBOURS);

    memset(r, 0, sizeof *r);
    r->xt = dsc_malloc(ctx, nh * pmax * sizeof(double), "rule comparison predictors");
    r->xv = dsc_malloc(ctx, nh * pmax * sizeof(double), "rule comparison predictors");
    r->yt = dsc_malloc(ctx, nh * sizeof(double), "rule comparison targets");
    r->yv = dsc_malloc(ctx, nh * sizeof(double), "rule comparison targets");
    r->obs_col = dsc_malloc(ctx, nh * sizeof(double), "rule comparison observations");
    r->gcm_col = dsc_malloc(ctx, nh * sizeof(double), "rule comparison model column");
    if (!r->xt || !r->xv || !r->yt || !r->yv || !r->obs_col || !r->gcm_col)
        return DSC_ERR_NOMEM;
    for (*cell = 0; *cell < m->ncell; (*cell)++) {
        int rc = rows_build(ctx, job, m, *cell, r);
        if (rc)
            return rc;
        if (r->nt >= r->np + 2 && r->nv > 0)
            return DSC_OK;
    }
    return DSC_OK;
}

/* One trained rule: its curve and the steps at the end of each epoch. */
typedef struct {
    dsc_nn_history_t hist;
    double *steps;
} curve_t;

static int train_rule(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const char *rule, size_t cell,
                      const rows_t *r, curve_t *out)
{
    dsc_nn_config_t cfg = p->nn;
    dsc_nn_t *nn = NULL;
    size_t per_epoch;
    int rc;

    snprintf(cfg.rule, sizeof cfg.rule, "%s", rule);
    cfg.seed = p->nn.seed + cell; /* train.c's seed for member 0 of this cell */
    cfg.patience = cfg.epochs;
    rc = dsc_nn_create(ctx, r->np, 1, &cfg, &nn);
    if (!rc)
        rc = dsc_nn_train(ctx, nn, r->xt, r->yt, r->nt, r->xv, r->yv, r->nv, &out->hist);
    dsc_nn_destroy(nn);
    if (rc)
        return rc;
    out->steps = dsc_malloc(ctx, out->hist.n_epochs * sizeof(double), "rule comparison steps");
    if (!out->steps)
        return DSC_ERR_NOMEM;
    per_epoch = (r->nt + cfg.batch_size - 1) / cfg.batch_size;
    for (size_t e = 0; e < out->hist.n_epochs; e++)
        out->steps[e] = (double)((e + 1) * per_epoch);
    return DSC_OK;
}

/* Trains every rule, in parallel; the first failure in rule order is reported. */
static int train_all(dsc_ctx_t *ctx, const dsc_pipeline_t *p, size_t cell, const rows_t *r,
                     curve_t *curves)
{
    size_t fail_rule = p->nrules;
    int fail_rc = DSC_OK;
    char fail_msg[1024] = "";

#pragma omp parallel for schedule(dynamic, 1)
    for (size_t i = 0; i < p->nrules; i++) {
        dsc_ctx_t *tctx = dsc_ctx_create();
        int rc = tctx ? train_rule(tctx, p, p->rules[i], cell, r, &curves[i]) : DSC_ERR_NOMEM;
        if (rc) {
#pragma omp critical(dsc_rules_fail)
            if (i < fail_rule) {
                fail_rule = i;
                fail_rc = rc;
                snprintf(fail_msg, sizeof fail_msg, "%s",
                         tctx ? dsc_ctx_message(tctx) : "out of memory");
            }
        }
        dsc_ctx_destroy(tctx);
    }
    if (fail_rc)
        return dsc_error(ctx, fail_rc, "learning rule %s: %s", p->rules[fail_rule], fail_msg);
    return DSC_OK;
}

static int write_csv(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const char *stem,
                     const curve_t *curves, dsc_outputs_t *outputs)
{
    char dir[DSC_PATH_MAX + 16], path[2 * DSC_PATH_MAX], *tmp = NULL;
    FILE *fp = NULL;
    int rc;

    snprintf(dir, sizeof dir, "%s/learning", p->out_dir);
    snprintf(path, sizeof path, "%s/%s_rules.csv", dir, stem);
    rc = dsc_io_mkdirs(ctx, dir);
    if (!rc)
        rc = dsc_io_open_atomic(ctx, path, &fp, &tmp);
    if (rc)
        return rc;
    fprintf(fp, "rule,epoch,step,train_loss,valid_loss\n");
    for (size_t i = 0; i < p->nrules; i++)
        for (size_t e = 0; e < curves[i].hist.n_epochs; e++)
            fprintf(fp, "%s,%zu,%.0f,%.8g,%.8g\n", p->rules[i], e + 1, curves[i].steps[e],
                    curves[i].hist.train_loss[e], curves[i].hist.valid_loss[e]);
    rc = dsc_io_commit(ctx, fp, tmp, path);
    free(tmp);
    return rc ? rc : dsc_outputs_add(ctx, outputs, path);
}

static int draw_figure(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                       const dsc_member_t *m, size_t cell, const char *stem, const curve_t *curves,
                       dsc_outputs_t *outputs)
{
    static const struct {
        unsigned bit;
        const char *ext;
    } formats[] = {{DSC_FIGURE_PNG, "png"}, {DSC_FIGURE_SVG, "svg"}, {DSC_FIGURE_PDF, "pdf"}};
    unsigned want = p->figure_formats ? p->figure_formats : DSC_FIGURE_PNG;
    dsc_plot_line_t lines[2 * (sizeof p->rules / sizeof p->rules[0])];
    char dir[DSC_PATH_MAX + 16], path[2 * DSC_PATH_MAX], title[256];
    size_t n = p->nrules;
    int rc;

    /* Validation loss in full colour; the training loss faint and unlabelled behind it, as
     * it shows the speed of learning where the validation loss meets its floor (the
     * validation years are another climate than the training years). */
    for (size_t i = 0; i < n; i++) {
        const curve_t *c = &curves[i];
        lines[i] = (dsc_plot_line_t){
            NULL, c->steps, c->hist.train_loss, c->hist.n_epochs, dsc_plot_color(i + 1), 1.0, 0.35,
            NULL, NULL};
        lines[n + i] = (dsc_plot_line_t){p->rules[i],
                                         c->steps,
                                         c->hist.valid_loss,
                                         c->hist.n_epochs,
                                         dsc_plot_color(i + 1),
                                         2.0,
                                         1.0,
                                         NULL,
                                         NULL};
    }
    snprintf(title, sizeof title,
             "%s %s, %s: learning rules, validation loss (faint: "
             "training loss), cell %zu",
             job->region.title, m->var, m->model, cell);
    snprintf(dir, sizeof dir, "%s/figures", p->out_dir);
    rc = dsc_io_mkdirs(ctx, dir);
    for (size_t f = 0; f < sizeof formats / sizeof formats[0] && !rc; f++) {
        if (!(want & formats[f].bit))
            continue;
        snprintf(path, sizeof path, "%s/%s_learning_rules.%s", dir, stem, formats[f].ext);
        rc = dsc_plot_learning_curves(ctx, path, title, "Training steps (mini-batches)",
                                      "Mean squared error (standardised)", lines, 2 * n, FIG_W,
                                      FIG_H);
        if (!rc)
            rc = dsc_outputs_add(ctx, outputs, path);
    }
    return rc;
}

/* One log line per rule: where its curve ends and its best point. */
static void log_summary(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const char *stem,
                        const curve_t *curves)
{
    for (size_t i = 0; i < p->nrules; i++) {
        const dsc_nn_history_t *h = &curves[i].hist;
        dsc_log(ctx, DSC_LOG_INFO, "rules",
                "%s %s: validation loss %.4f after %.0f steps, "
                "best %.4f at step %.0f",
                stem, p->rules[i], h->valid_loss[h->n_epochs - 1], curves[i].steps[h->n_epochs - 1],
                h->valid_loss[h->best_epoch], curves[i].steps[h->best_epoch]);
    }
}

int dsc_stage_rules(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                    const dsc_member_t *m, dsc_outputs_t *outputs)
{
    curve_t curves[sizeof p->rules / sizeof p->rules[0]];
    char stem[160];
    rows_t r;
    size_t cell;
    int rc;

    memset(curves, 0, sizeof curves);
    snprintf(stem, sizeof stem, "%s_%s", job->region.name, m->var);
    for (size_t i = 0; i < p->nrules; i++) {
        if (dsc_nn_rule_check(ctx, p->rules[i])) {
            char why[512]; /* the context's message cannot be an argument of its own update */
            snprintf(why, sizeof why, "%s", dsc_ctx_message(ctx));
            return dsc_error(ctx, DSC_ERR_CONFIG, "%s: [ann] compare_rules: %s", p->path, why);
        }
    }
    rc = rows_first_cell(ctx, job, m, &r, &cell);
    if (rc)
        goto fail;
    if (cell == m->ncell) {
        dsc_log(ctx, DSC_LOG_WARN, "rules",
                "%s: no cell has training and validation rows; "
                "learning rules not compared",
                stem);
        goto fail;
    }
    dsc_log(ctx, DSC_LOG_INFO, "rules",
            "%s %s: comparing %zu learning rules on cell %zu "
            "(%zu training, %zu validation rows)",
            stem, m->model, p->nrules, cell, r.nt, r.nv);

    rc = train_all(ctx, p, cell, &r, curves);
    if (!rc)
        rc = write_csv(ctx, p, stem, curves, outputs);
    if (!rc)
        rc = draw_figure(ctx, p, job, m, cell, stem, curves, outputs);
    if (!rc)
        log_summary(ctx, p, stem, curves);

fail:
    for (size_t i = 0; i < p->nrules; i++) {
        dsc_nn_history_clear(&curves[i].hist);
        free(curves[i].steps);
    }
    rows_free(&r);
    return rc;
}
