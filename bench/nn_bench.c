/* nn_bench.c - trains the library's network on the demo's Frankfurt rows (bench_nn.sh).
 *
 *   nn_bench PIPELINE DATA_ROOT DIR [RULE[@SEED] ...]
 *
 * Loads PIPELINE (its [ann] settings and its frankfurt region), ingests the first model's
 * tasmax, and builds the first cell's training and validation rows exactly as the train
 * stage does (predictors and rank-paired targets). It writes them to DIR as plain float64
 * files (xt.f64, yt.f64, xv.f64, yv.f64, row-major) with DIR/settings.txt, so that
 * nn_torch.py trains on the same numbers, then trains one network per RULE (default
 * backprop) with the pipeline's settings (seed SEED if given) for all its epochs (early
 * stopping off, so both sides do the same work) and prints one line per network:
 *   c rule=<rule> seed=<seed> seconds=<training time> epochs=<n> valid_final=<mse>
 *     valid_best=<mse> best_epoch=<e> target_sd=<degC>
 * Losses are mean squared errors of the standardised target; target_sd converts them to
 * degC^2. Only dsc_nn_train is timed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dsc/nn.h"
#include "dsc/pipeline.h"
#include "pipeline/internal.h"
#include "pipeline/trainset.h"

typedef struct {
    double *xt, *yt, *xv, *yv;
    size_t nt, nv, np;
} rows_t;

static int fail(dsc_ctx_t *ctx, const char *what)
{
    fprintf(stderr, "nn_bench: %s: %s\n", what, dsc_ctx_message(ctx));
    return 1;
}

static int write_array(const char *dir, const char *name, const double *v, size_t n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "wb");
    if (!fp || fwrite(v, sizeof *v, n, fp) != n || fclose(fp) != 0) {
        fprintf(stderr, "nn_bench: cannot write %s\n", path);
        return -1;
    }
    return 0;
}

/* The first cell's rows of member (var 0 = tasmax, model 0) of the frankfurt region. */
static int build_rows(dsc_ctx_t *ctx, const dsc_pipeline_t *p, rows_t *r)
{
    const dsc_job_t *job = NULL;
    dsc_member_t *m = NULL;
    int rc;

    for (size_t j = 0; j < p->njob; j++)
        if (strcmp(p->jobs[j].region.name, "frankfurt") == 0)
            job = &p->jobs[j];
    if (!job)
        return dsc_error(ctx, DSC_ERR_CONFIG, "%s: no frankfurt region", p->path);
    rc = dsc_stage_ingest(ctx, p, job, 0, 0, &m);
    if (rc)
        return rc;

    dsc_trainset_columns_t k = dsc_trainset_columns(m, 0, m->gcm, m->hsrc);
    double *obs = malloc(m->nh * sizeof *obs), *gcm = malloc(m->nh * sizeof *gcm);
    r->np = dsc_features_count(k.ncols);
    r->xt = malloc(m->nh * r->np * sizeof *r->xt);
    r->xv = malloc(m->nh * r->np * sizeof *r->xv);
    r->yt = malloc(m->nh * sizeof *r->yt);
    r->yv = malloc(m->nh * sizeof *r->yv);
    rc = obs && gcm && r->xt && r->xv && r->yt && r->yv ? DSC_OK : DSC_ERR_NOMEM;
    if (!rc) {
        dsc_trainset_obs_column(job, m, 0, obs);
        for (size_t t = 0; t < m->nh; t++)
            gcm[t] = m->gcm[t * m->ncell];
        rc = dsc_trainset_targets(ctx, job, m, obs, gcm, job->train.y0, job->train.y1, r->yt);
    }
    if (!rc)
        rc = dsc_trainset_targets(ctx, job, m, obs, gcm, job->valid.y0, job->valid.y1, r->yv);
    if (!rc) {
        dsc_features_fill(k.cols, k.ncols, m->hdates, m->cal, 0, m->nh, r->xt);
        memcpy(r->xv, r->xt, m->nh * r->np * sizeof *r->xv);
        r->nt = dsc_trainset_compact(r->xt, r->yt, m->nh, r->np);
        r->nv = dsc_trainset_compact(r->xv, r->yv, m->nh, r->np);
    }
    free(obs);
    free(gcm);
    dsc_member_destroy(m);
    free(m);
    return rc;
}

static int export_rows(const char *dir, const dsc_pipeline_t *p, const rows_t *r)
{
    char path[4096];
    FILE *fp;

    if (write_array(dir, "xt.f64", r->xt, r->nt * r->np) ||
        write_array(dir, "yt.f64", r->yt, r->nt) ||
        write_array(dir, "xv.f64", r->xv, r->nv * r->np) ||
        write_array(dir, "yv.f64", r->yv, r->nv))
        return -1;
    snprintf(path, sizeof path, "%s/settings.txt", dir);
    if (!(fp = fopen(path, "w")))
        return -1;
    fprintf(fp, "n_train %zu\nn_valid %zu\nn_inputs %zu\nhidden", r->nt, r->nv, r->np);
    for (size_t l = 0; l < p->nn.n_hidden; l++)
        fprintf(fp, "%s%zu", l ? "," : " ", p->nn.hidden[l]);
    fprintf(fp, "\nactivation %s\noptimizer %s\nlearning_rate %.17g\nbatch_size %zu\n"
            "epochs %zu\nseed %llu\n", dsc_nn_activation_name(p->nn.activation),
            p->nn.optimizer, p->nn.learning_rate, p->nn.batch_size, p->nn.epochs,
            (unsigned long long)p->nn.seed);
    return fclose(fp) == 0 ? 0 : -1;
}

static int train_rule(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const rows_t *r,
                      const char *arg)
{
    dsc_nn_config_t cfg = p->nn;
    char rule[64];
    const char *at = strchr(arg, '@');
    snprintf(rule, sizeof rule, "%.*s", at ? (int)(at - arg) : (int)strlen(arg), arg);
    if (at)
        cfg.seed = strtoull(at + 1, NULL, 10);
    dsc_nn_history_t h = {0};
    dsc_nn_t *nn = NULL;
    struct timespec t0, t1;
    double *xm = malloc(2 * r->np * sizeof *xm), ym = 0.0, ys = 0.0;

    snprintf(cfg.rule, sizeof cfg.rule, "%s", rule);
    cfg.patience = cfg.epochs;
    if (!xm || dsc_nn_create(ctx, r->np, 1, &cfg, &nn)) {
        free(xm);
        return fail(ctx, rule);
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = dsc_nn_train(ctx, nn, r->xt, r->yt, r->nt, r->xv, r->yv, r->nv, &h);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (rc) {
        free(xm);
        dsc_nn_destroy(nn);
        return fail(ctx, rule);
    }
    dsc_nn_scaling_get(ctx, nn, xm, xm + r->np, &ym, &ys);
    printf("c rule=%s seed=%llu seconds=%.3f epochs=%zu valid_final=%.6f valid_best=%.6f "
           "best_epoch=%zu target_sd=%.4f\n", rule, (unsigned long long)cfg.seed,
           (double)(t1.tv_sec - t0.tv_sec) +
           1e-9 * (double)(t1.tv_nsec - t0.tv_nsec), h.n_epochs, h.valid_loss[h.n_epochs - 1],
           h.valid_loss[h.best_epoch], h.best_epoch, ys);
    free(xm);
    dsc_nn_history_clear(&h);
    dsc_nn_destroy(nn);
    return 0;
}

int main(int argc, char **argv)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    dsc_pipeline_t *p = NULL;
    rows_t r = {0};
    int status = 0;

    if (argc < 4) {
        fprintf(stderr, "usage: nn_bench PIPELINE DATA_ROOT DIR [RULE ...]\n");
        return 2;
    }
    if (dsc_pipeline_load(ctx, argv[1], NULL, argv[2], argv[3], &p))
        return fail(ctx, argv[1]);
    if (build_rows(ctx, p, &r))
        status = fail(ctx, "frankfurt rows");
    if (!status && export_rows(argv[3], p, &r))
        status = 1;
    for (int i = 4; !status && i < argc; i++)
        status = train_rule(ctx, p, &r, argv[i]);
    if (!status && argc == 4)
        status = train_rule(ctx, p, &r, "backprop");
    free(r.xt);
    free(r.yt);
    free(r.xv);
    free(r.yv);
    dsc_pipeline_destroy(p);
    dsc_ctx_destroy(ctx);
    return status;
}
