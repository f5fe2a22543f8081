/* figures.c - the figures of one member: time series (historical and future), Taylor
 * diagram, histogram, learning curve and, for gridded regions, maps. The numbers drawn come
 * from the same functions as the numeric outputs. */
#include "dsc/io.h"
#include "dsc/plot.h"
#include "pipeline/evaluate.h"
#include "pipeline/series_table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define FIG_W 1200
#define FIG_H 700

/* Colours by method, fixed across every figure of a run. */
static uint32_t method_color(const char *name)
{
    static const char *const order[] = {"obs", "gcm", "ann", "ann_bc", "linear"};
    for (size_t i = 0; i < 5; i++)
        if (strcmp(name, order[i]) == 0)
            return dsc_plot_color(i);
    return dsc_plot_color(6);
}

static const char *method_label(const char *name)
{
    if (strcmp(name, "obs") == 0)
        return "Observed";
    if (strcmp(name, "gcm") == 0)
        return "Raw GCM";
    if (strcmp(name, "ann") == 0)
        return "ANN";
    if (strcmp(name, "ann_bc") == 0)
        return "ANN bias-corrected";
    if (strcmp(name, "linear") == 0)
        return "Linear regression";
    return name;
}

static int fig_path(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const char *stem,
                    const char *what, char *path, size_t size)
{
    char dir[DSC_PATH_MAX + 16];
    snprintf(dir, sizeof dir, "%s/figures", p->out_dir);
    snprintf(path, size, "%s/%s_%s.png", dir, stem, what);
    return dsc_io_mkdirs(ctx, dir);
}

static double decimal_year(dsc_calendar_t cal, dsc_date_t d)
{
    return d.year + (dsc_date_doy(cal, d) - 0.5) / dsc_calendar_days_in_year(cal, d.year);
}

/* Annual means of rows [r0, r1) of a column; years with under 90% of days are NaN. */
static size_t annual_means(const dsc_table_t *tb, dsc_calendar_t cal, size_t r0, size_t r1,
                           const double *v, double *x, double *y)
{
    size_t k = 0, r = r0;
    while (r < r1) {
        int year = tb->dates[r].year;
        double s = 0;
        size_t n = 0;
        for (; r < r1 && tb->dates[r].year == year; r++)
            if (v && isfinite(v[r])) {
                s += v[r];
                n++;
            }
        x[k] = year + 0.5;
        y[k++] = n >= 0.9 * dsc_calendar_days_in_year(cal, year) ? s / (double)n : NAN;
    }
    return k;
}

static int figure_history(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                          const dsc_member_t *m, const dsc_table_t *tb, const char *stem,
                          dsc_outputs_t *out)
{
    static const int cols[] = {COL_OBS, COL_GCM, COL_ANN, COL_ANN_BC, COL_LINEAR};
    static const char *const names[] = {"obs", "gcm", "ann", "ann_bc", "linear"};
    size_t nh = m->nh;
    double *x = dsc_malloc(ctx, nh * sizeof *x, "figure x");
    double *ax = dsc_malloc(ctx, 5 * nh * sizeof *ax, "figure annual x");
    double *ay = dsc_malloc(ctx, 5 * nh * sizeof *ay, "figure annual y");
    int rc = x && ax && ay ? DSC_OK : DSC_ERR_NOMEM;
    dsc_plot_line_t lines[7];
    size_t nl = 0;
    char path[2 * DSC_PATH_MAX], title[256], ylabel[64];
    if (!rc) {
        for (size_t t = 0; t < nh; t++)
            x[t] = decimal_year(m->cal, tb->dates[t]);
        /* Daily values faint underneath: observed and the corrected ANN. */
        lines[nl++] = (dsc_plot_line_t){NULL, x, tb->col[COL_OBS], nh, method_color("obs"),
                                        0.6, 0.18, NULL, NULL};
        lines[nl++] = (dsc_plot_line_t){NULL, x, tb->col[COL_ANN_BC], nh,
                                        method_color("ann_bc"), 0.6, 0.18, NULL, NULL};
        for (size_t k = 0; k < 5; k++) {
            size_t na = annual_means(tb, m->cal, 0, nh, tb->col[cols[k]], ax + k * nh,
                                     ay + k * nh);
            lines[nl++] = (dsc_plot_line_t){method_label(names[k]), ax + k * nh, ay + k * nh,
                                            na, method_color(names[k]), k == 0 ? 2.5 : 1.8,
                                            1.0, NULL, NULL};
        }
        snprintf(title, sizeof title, "%s %s, %s: historical daily (faint) and annual means",
                 job->region.title, m->var, m->model);
        snprintf(ylabel, sizeof ylabel, "%s (°C)", m->var);
        rc = fig_path(ctx, p, stem, "series_historical", path, sizeof path);
    }
    if (!rc)
        rc = dsc_plot_series(ctx, path, title, ylabel, lines, nl, FIG_W, FIG_H);
    if (!rc)
        rc = dsc_outputs_add(ctx, out, path);
    free(x);
    free(ax);
    free(ay);
    return rc;
}

static int figure_future(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                         const dsc_member_t *m, const dsc_table_t *tb, const char *stem,
                         dsc_outputs_t *out)
{
    size_t ns = m->nscen, cap = tb->n;
    double *buf = dsc_malloc(ctx, (4 * ns + 2) * cap * sizeof *buf, "figure buffers");
    if (!buf)
        return DSC_ERR_NOMEM;
    dsc_plot_line_t lines[2 + DSC_MAX_LIST];
    size_t nl = 0;
    double *hx = buf, *hy = buf + cap;
    size_t na = annual_means(tb, m->cal, 0, m->nh, tb->col[COL_OBS], hx, hy);
    lines[nl++] = (dsc_plot_line_t){"Observed", hx, hy, na, method_color("obs"), 2.0, 1.0,
                                    NULL, NULL};
    size_t r = m->nh;
    for (size_t s = 0; s < ns; s++) {
        double *x = buf + (2 + 4 * s) * cap, *y = x + cap, *lo = y + cap, *hi = lo + cap;
        size_t r1 = r + m->scen[s].n;
        size_t k = annual_means(tb, m->cal, r, r1, tb->col[COL_ANN_BC], x, y);
        const dsc_scenario_data_t *sc = &m->scen[s];
        int band = sc->year_sd != NULL;
        for (size_t i = 0; i < k && band; i++) {
            long yi = (long)floor(x[i]) - sc->year0;
            double sd = yi >= 0 && (size_t)yi < sc->nyears && isfinite(sc->year_sd[yi])
                            ? sc->year_sd[yi]
                            : 0;
            hi[i] = y[i] + sd;
            lo[i] = y[i] - sd;
        }
        lines[nl++] = (dsc_plot_line_t){m->scen[s].name, x, y, k, dsc_plot_color(s + 1), 2.0,
                                        1.0, band ? lo : NULL, band ? hi : NULL};
        r = r1;
    }
    char path[2 * DSC_PATH_MAX], title[256], ylabel[64];
    snprintf(title, sizeof title, "%s %s, %s: annual mean, ANN bias-corrected%s",
             job->region.title, m->var, m->model,
             m->nscen && m->scen[0].year_sd ? " (band: ±1 sd across models)" : "");
    snprintf(ylabel, sizeof ylabel, "%s (°C)", m->var);
    int rc = fig_path(ctx, p, stem, "series_future", path, sizeof path);
    if (!rc)
        rc = dsc_plot_series(ctx, path, title, ylabel, lines, nl, FIG_W, FIG_H);
    if (!rc)
        rc = dsc_outputs_add(ctx, out, path);
    free(buf);
    return rc;
}

static int figure_taylor(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                         const dsc_member_t *m, const char *stem, dsc_outputs_t *out)
{
    int rc = DSC_OK;
    for (int cycle = 0; cycle < 2 && !rc; cycle++) {
        dsc_taylor_t st[DSC_EVAL_MAX];
        const char *names[DSC_EVAL_MAX], *labels[DSC_EVAL_MAX];
        size_t n = 0;
        if ((rc = dsc_eval_taylor(ctx, job, m, cycle, st, names, &n)) || n == 0)
            break;
        for (size_t k = 0; k < n; k++)
            labels[k] = method_label(names[k]);
        char path[2 * DSC_PATH_MAX], title[256];
        snprintf(title, sizeof title, "%s %s, %s: Taylor diagram, validation %d-%d%s",
                 job->region.title, m->var, m->model, job->valid.y0, job->valid.y1,
                 cycle ? " (mean annual cycle)" : " (daily)");
        rc = fig_path(ctx, p, stem, cycle ? "taylor_annual_cycle" : "taylor", path,
                      sizeof path);
        if (!rc)
            rc = dsc_plot_taylor(ctx, path, title, st, labels, n, 1, 900, 800);
        if (!rc)
            rc = dsc_outputs_add(ctx, out, path);
    }
    return rc;
}

static int figure_histogram(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                            const dsc_member_t *m, const char *stem, dsc_outputs_t *out)
{
    dsc_eval_hist_t h;
    int rc = dsc_eval_histogram(ctx, p, job, m, &h);
    if (rc)
        return rc;
    const char *labels[DSC_EVAL_MAX];
    for (size_t k = 0; k < h.n; k++)
        labels[k] = method_label(h.names[k]);
    char path[2 * DSC_PATH_MAX], title[256], xlabel[64];
    snprintf(title, sizeof title, "%s %s, %s: daily values, validation %d-%d",
             job->region.title, m->var, m->model, job->valid.y0, job->valid.y1);
    snprintf(xlabel, sizeof xlabel, "%s (°C)", m->var);
    rc = fig_path(ctx, p, stem, "histogram", path, sizeof path);
    if (!rc)
        rc = dsc_plot_histogram(ctx, path, title, xlabel, &h.bins,
                                (const size_t *const *)h.counts, labels, h.n, FIG_W, FIG_H);
    if (!rc)
        rc = dsc_outputs_add(ctx, out, path);
    dsc_eval_histogram_free(&h);
    return rc;
}

static int figure_learning(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                           const dsc_member_t *m, const char *stem, dsc_outputs_t *out)
{
    size_t n = m->curve.n_epochs;
    if (n == 0)
        return DSC_OK;
    double *x = dsc_malloc(ctx, n * sizeof *x, "epochs");
    if (!x)
        return DSC_ERR_NOMEM;
    for (size_t i = 0; i < n; i++)
        x[i] = (double)(i + 1);
    dsc_plot_line_t lines[2] = {
        {"Training", x, m->curve.train_loss, n, dsc_plot_color(2), 2.0, 1.0, NULL, NULL},
        {"Validation", x, m->curve.valid_loss, n, dsc_plot_color(1), 2.0, 1.0, NULL, NULL}};
    char path[2 * DSC_PATH_MAX], title[256];
    snprintf(title, sizeof title, "%s %s, %s: ANN learning curve (first cell, backprop)",
             job->region.title, m->var, m->model);
    int rc = fig_path(ctx, p, stem, "learning_curve", path, sizeof path);
    if (!rc)
        rc = dsc_plot_learning_curves(ctx, path, title, "Epoch",
                                      "Mean squared error (standardised)", lines, 2, FIG_W,
                                      FIG_H);
    if (!rc)
        rc = dsc_outputs_add(ctx, out, path);
    free(x);
    return rc;
}

static int figure_map(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                      const dsc_member_t *m, const char *stem, const char *what,
                      const char *title, const double *v, int diverging, dsc_outputs_t *out)
{
    char path[2 * DSC_PATH_MAX];
    int rc = fig_path(ctx, p, stem, what, path, sizeof path);
    if (!rc)
        rc = dsc_plot_map_marked(ctx, path, title, "degC", &m->grid, v, diverging,
                                 job->region.title, job->region.lat, job->region.lon, 1000,
                                 850);
    if (rc == DSC_ERR_RANGE) {
        dsc_log(ctx, DSC_LOG_WARN, "figures", "%s: %s", path, dsc_ctx_message(ctx));
        return DSC_OK;
    }
    return rc ? rc : dsc_outputs_add(ctx, out, path);
}

static int figure_maps(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                       const dsc_member_t *m, const char *stem, dsc_outputs_t *out)
{
    size_t nc = m->ncell;
    double *obs = dsc_malloc(ctx, nc * sizeof *obs, "map");
    double *base = dsc_malloc(ctx, nc * sizeof *base, "map");
    double *v = dsc_malloc(ctx, nc * sizeof *v, "map");
    int rc = obs && base && v ? DSC_OK : DSC_ERR_NOMEM;
    char title[256], what[128];
    if (!rc) {
        dsc_eval_period_mean(m->hdates, m->nh, m->obs, nc, job->base, obs);
        dsc_eval_period_mean(m->hdates, m->nh, m->ann_bc, nc, job->base, base);
        snprintf(title, sizeof title, "%s %s: observed mean %d-%d", job->region.title, m->var,
                 job->base.y0, job->base.y1);
        rc = figure_map(ctx, p, job, m, stem, "map_historical_mean_obs", title, obs, 0, out);
    }
    if (!rc) {
        for (size_t c = 0; c < nc; c++)
            v[c] = base[c] - obs[c];
        snprintf(title, sizeof title, "%s %s, %s: ANN bias-corrected minus observed, %d-%d",
                 job->region.title, m->var, m->model, job->base.y0, job->base.y1);
        rc = figure_map(ctx, p, job, m, stem, "map_historical_bias_ann_bc", title, v, 1, out);
    }
    for (size_t s = 0; s < m->nscen && !rc; s++) {
        const dsc_scenario_data_t *sc = &m->scen[s];
        dsc_eval_period_mean(sc->dates, sc->n, sc->ann_bc, nc, job->late, v);
        snprintf(title, sizeof title, "%s %s, %s %s: ANN bias-corrected mean %d-%d",
                 job->region.title, m->var, m->model, sc->name, job->late.y0, job->late.y1);
        snprintf(what, sizeof what, "map_%s_mean_ann_bc", sc->name);
        rc = figure_map(ctx, p, job, m, stem, what, title, v, 0, out);
        for (size_t c = 0; c < nc && !rc; c++)
            v[c] -= base[c];
        snprintf(title, sizeof title, "%s %s, %s %s: change %d-%d minus %d-%d",
                 job->region.title, m->var, m->model, sc->name, job->late.y0, job->late.y1,
                 job->base.y0, job->base.y1);
        snprintf(what, sizeof what, "map_%s_change_ann_bc", sc->name);
        if (!rc)
            rc = figure_map(ctx, p, job, m, stem, what, title, v, 1, out);
    }
    free(obs);
    free(base);
    free(v);
    return rc;
}

int dsc_stage_figures(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                      const dsc_member_t *m, const char *tag, dsc_outputs_t *outputs)
{
    char stem[256];
    snprintf(stem, sizeof stem, "%s_%s%s", job->region.name, m->var, tag);
    dsc_table_t tb;
    int rc = dsc_table_build(ctx, m, &tb);
    if (rc)
        return rc;
    rc = figure_history(ctx, p, job, m, &tb, stem, outputs);
    if (!rc && m->nscen)
        rc = figure_future(ctx, p, job, m, &tb, stem, outputs);
    dsc_table_free(&tb);
    if (!rc)
        rc = figure_taylor(ctx, p, job, m, stem, outputs);
    if (!rc)
        rc = figure_histogram(ctx, p, job, m, stem, outputs);
    if (!rc)
        rc = figure_learning(ctx, p, job, m, stem, outputs);
    if (!rc && m->grid.kind == DSC_GRID_RECTILINEAR)
        rc = figure_maps(ctx, p, job, m, stem, outputs);
    return rc;
}
