/* figures.c - the figures of one member: time series (historical and future), Taylor
 * diagrams, histogram, learning curve and, for gridded regions, maps. The numbers drawn come
 * from the same functions as the numeric outputs.
 *
 * Every figure is written in each format the pipeline asks for ([output] formats) as
 * figures/<region>_<var>[_<model>]_<what>.<png|svg|pdf>, and the numbers it shows beside
 * it as figures/<same stem>.csv, so a figure can be checked against the run's outputs or
 * redrawn in another tool. */
#include "dsc/io.h"
#include "dsc/plot.h"
#include "pipeline/evaluate.h"
#include "pipeline/series_table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define FIG_W 1200
#define FIG_H 700
#define MAP_W 1000
#define MAP_H 850

static const struct {
    unsigned bit;
    const char *ext;
} FORMATS[] = {{DSC_FIGURE_PNG, "png"}, {DSC_FIGURE_SVG, "svg"}, {DSC_FIGURE_PDF, "pdf"}};

/* The methods of the series figures, in drawing order (observations first). */
static const int METHOD_COLS[] = {COL_OBS, COL_GCM, COL_ANN, COL_ANN_BC, COL_LINEAR};
static const char *const METHOD_NAMES[] = {"obs", "gcm", "ann", "ann_bc", "linear"};
#define NMETHOD 5

/* Colours by method, fixed across every figure of a run. */
static uint32_t method_color(const char *name)
{
    for (size_t i = 0; i < NMETHOD; i++)
        if (strcmp(name, METHOD_NAMES[i]) == 0)
            return dsc_plot_color(i);
    return dsc_plot_color(6);
}

/* A scenario keeps its colour in every figure of every region: the RCPs by name (2.6
 * orange, 4.5 blue, 6.0 green, 8.5 vermillion), others by their place in the list. */
static uint32_t scenario_color(const char *name, size_t index)
{
    static const char *const rcps[] = {"rcp26", "rcp45", "rcp60", "rcp85"};
    for (size_t i = 0; i < 4; i++)
        if (strcmp(name, rcps[i]) == 0)
            return dsc_plot_color(i + 1);
    return dsc_plot_color(index + 1);
}

static const char *method_label(const char *name)
{
    static const char *const labels[] = {"Observed", "Raw GCM", "ANN", "ANN bias-corrected",
                                         "Linear regression"};
    for (size_t i = 0; i < NMETHOD; i++)
        if (strcmp(name, METHOD_NAMES[i]) == 0)
            return labels[i];
    return name;
}

/* "daily maximum temperature" rather than the CF short name, for titles; cap != 0 gives
 * it a capital for axis labels. */
static const char *quantity_text(const char *var, int cap)
{
    static const char *const vars[] = {"tasmax", "tasmin", "tas"};
    static const char *const lower[] = {"daily maximum temperature", "daily minimum temperature",
                                        "daily mean temperature"};
    static const char *const upper[] = {"Daily maximum temperature", "Daily minimum temperature",
                                        "Daily mean temperature"};
    for (size_t i = 0; i < 3; i++)
        if (strcmp(var, vars[i]) == 0)
            return cap ? upper[i] : lower[i];
    return var;
}

static const char *quantity(const char *var)
{
    return quantity_text(var, 1);
}

/* What produced the member's numbers, as a title says it. */
static const char *source_text(const dsc_member_t *m)
{
    return strcmp(m->model, "ensemble") == 0 ? "multi-model mean" : m->model;
}

/* "1990–1999", or "1971" for a single year. */
static void period_text(dsc_period_t per, char *buf, size_t size)
{
    if (per.y0 == per.y1)
        snprintf(buf, size, "%d", per.y0);
    else
        snprintf(buf, size, "%d\xe2\x80\x93%d", per.y0, per.y1);
}

/* ---- files ----------------------------------------------------------------------------- */

/* Draws one figure into path (its extension says the format). */
typedef int (*draw_fn)(dsc_ctx_t *ctx, const char *path, const void *args);

/* Draws a figure once per requested format and lists each file as an output. */
static int render(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const char *stem, const char *what,
                  draw_fn draw, const void *args, dsc_outputs_t *out)
{
    char dir[DSC_PATH_MAX + 16], path[2 * DSC_PATH_MAX];
    unsigned want = p->figure_formats ? p->figure_formats : DSC_FIGURE_PNG;
    snprintf(dir, sizeof dir, "%s/figures", p->out_dir);
    int rc = dsc_io_mkdirs(ctx, dir);
    for (size_t f = 0; f < sizeof FORMATS / sizeof FORMATS[0] && !rc; f++) {
        if (!(want & FORMATS[f].bit))
            continue;
        snprintf(path, sizeof path, "%s/%s_%s.%s", dir, stem, what, FORMATS[f].ext);
        rc = draw(ctx, path, args);
        if (!rc)
            rc = dsc_outputs_add(ctx, out, path);
    }
    return rc;
}

/* The data file of a figure, written atomically: figures/<stem>_<what>.csv. */
typedef struct {
    FILE *fp;
    char *tmp;
    char path[2 * DSC_PATH_MAX];
} figure_csv_t;

static int csv_open(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const char *stem, const char *what,
                    figure_csv_t *c)
{
    char dir[DSC_PATH_MAX + 16];
    c->fp = NULL;
    c->tmp = NULL;
    snprintf(dir, sizeof dir, "%s/figures", p->out_dir);
    snprintf(c->path, sizeof c->path, "%s/%s_%s.csv", dir, stem, what);
    int rc = dsc_io_mkdirs(ctx, dir);
    return rc ? rc : dsc_io_open_atomic(ctx, c->path, &c->fp, &c->tmp);
}

static int csv_close(dsc_ctx_t *ctx, figure_csv_t *c, dsc_outputs_t *out)
{
    int rc = dsc_io_commit(ctx, c->fp, c->tmp, c->path);
    free(c->tmp);
    c->tmp = NULL;
    return rc ? rc : dsc_outputs_add(ctx, out, c->path);
}

/* One cell after a comma: four decimals (0.1 mK, below any measurement), empty for NaN. */
static void csv_value(FILE *fp, double v)
{
    if (isfinite(v))
        fprintf(fp, ",%.4f", v);
    else
        fputc(',', fp);
}

/* ---- annual means ---------------------------------------------------------------------- */

static double decimal_year(dsc_calendar_t cal, dsc_date_t d)
{
    return d.year + (dsc_date_doy(cal, d) - 0.5) / dsc_calendar_days_in_year(cal, d.year);
}

/* Annual means of rows [r0, r1) of a column, x at mid-year; a year with fewer than 90% of
 * its calendar's days is NaN, as a mean of part of a year would be biased by the season. */
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

/* ---- drawing callbacks ------------------------------------------------------------------ */

typedef struct {
    const char *title, *xlabel, *ylabel;
    const dsc_plot_line_t *lines;
    size_t n;
} lines_args_t;

static int draw_series(dsc_ctx_t *ctx, const char *path, const void *args)
{
    const lines_args_t *a = args;
    return dsc_plot_series(ctx, path, a->title, a->ylabel, a->lines, a->n, FIG_W, FIG_H);
}

static int draw_learning(dsc_ctx_t *ctx, const char *path, const void *args)
{
    const lines_args_t *a = args;
    return dsc_plot_learning_curves(ctx, path, a->title, a->xlabel, a->ylabel, a->lines, a->n,
                                    FIG_W, FIG_H);
}

typedef struct {
    const char *title;
    const dsc_taylor_t *stats;
    const char *const *labels;
    size_t n;
} taylor_args_t;

static int draw_taylor(dsc_ctx_t *ctx, const char *path, const void *args)
{
    const taylor_args_t *a = args;
    return dsc_plot_taylor(ctx, path, a->title, a->stats, a->labels, a->n, 1, 900, 800);
}

typedef struct {
    const char *title, *xlabel;
    const dsc_eval_hist_t *h;
    const char *const *labels;
} hist_args_t;

static int draw_histogram(dsc_ctx_t *ctx, const char *path, const void *args)
{
    const hist_args_t *a = args;
    return dsc_plot_histogram(ctx, path, a->title, a->xlabel, &a->h->bins,
                              (const size_t *const *)a->h->counts, a->labels, a->h->n, FIG_W,
                              FIG_H);
}

typedef struct {
    const char *title;
    const dsc_grid_t *grid;
    const double *values;
    int diverging;
    const dsc_plot_map_options_t *options;
} map_args_t;

static int draw_map(dsc_ctx_t *ctx, const char *path, const void *args)
{
    const map_args_t *a = args;
    return dsc_plot_map_with_options(ctx, path, a->title, "degC", a->grid, a->values, a->diverging,
                                     a->options, MAP_W, MAP_H);
}

/* ---- time series ------------------------------------------------------------------------ */

/* Annual means of every method over the historical rows: x[k], y[method][k]. */
typedef struct {
    size_t n;
    double *x;
    double *y[NMETHOD];
} annual_t;

static int annual_build(dsc_ctx_t *ctx, const dsc_member_t *m, const dsc_table_t *tb, annual_t *a)
{
    memset(a, 0, sizeof *a);
    a->x = dsc_malloc(ctx, (NMETHOD + 1) * (m->nh + 1) * sizeof *a->x, "annual means");
    if (!a->x)
        return DSC_ERR_NOMEM;
    for (size_t k = 0; k < NMETHOD; k++) {
        a->y[k] = a->x + (k + 1) * (m->nh + 1);
        a->n = annual_means(tb, m->cal, 0, m->nh, tb->col[METHOD_COLS[k]], a->x, a->y[k]);
    }
    return DSC_OK;
}

static int annual_csv(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const char *stem, const char *what,
                      const annual_t *a, dsc_outputs_t *out)
{
    figure_csv_t c;
    int rc = csv_open(ctx, p, stem, what, &c);
    if (rc)
        return rc;
    fprintf(c.fp, "year");
    for (size_t k = 0; k < NMETHOD; k++)
        fprintf(c.fp, ",%s", METHOD_NAMES[k]);
    fputc('\n', c.fp);
    for (size_t i = 0; i < a->n; i++) {
        fprintf(c.fp, "%d", (int)floor(a->x[i]));
        for (size_t k = 0; k < NMETHOD; k++)
            csv_value(c.fp, a->y[k][i]);
        fputc('\n', c.fp);
    }
    return csv_close(ctx, &c, out);
}

/* Two figures of the historical period: daily values faint under the annual means, and the
 * annual means alone on an axis that shows their differences. */
static int figure_history(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                          const dsc_member_t *m, const dsc_table_t *tb, const char *stem,
                          dsc_outputs_t *out)
{
    size_t nh = m->nh;
    double *x = dsc_malloc(ctx, (nh + 1) * sizeof *x, "figure x");
    annual_t a;
    int rc = x ? annual_build(ctx, m, tb, &a) : DSC_ERR_NOMEM;
    if (rc) {
        free(x);
        return rc;
    }
    for (size_t t = 0; t < nh; t++)
        x[t] = decimal_year(m->cal, tb->dates[t]);

    dsc_plot_line_t lines[NMETHOD + 2];
    size_t nl = 0;
    lines[nl++] = (dsc_plot_line_t){NULL, x,   tb->col[COL_OBS], nh, method_color("obs"), 0.6, 0.18,
                                    NULL, NULL};
    lines[nl++] = (dsc_plot_line_t){
        NULL, x, tb->col[COL_ANN_BC], nh, method_color("ann_bc"), 0.6, 0.18, NULL, NULL};
    for (size_t k = 0; k < NMETHOD; k++)
        lines[nl++] = (dsc_plot_line_t){method_label(METHOD_NAMES[k]),
                                        a.x,
                                        a.y[k],
                                        a.n,
                                        method_color(METHOD_NAMES[k]),
                                        k == 0 ? 2.6 : 1.8,
                                        1.0,
                                        NULL,
                                        NULL};
    char title[256], ylabel[128];
    snprintf(ylabel, sizeof ylabel, "%s (°C)", quantity(m->var));
    snprintf(title, sizeof title, "%s, %s: daily values (faint) and annual means",
             job->region.title, source_text(m));
    lines_args_t la = {title, NULL, ylabel, lines, nl};
    rc = render(ctx, p, stem, "series_historical", draw_series, &la, out);
    if (!rc)
        rc = annual_csv(ctx, p, stem, "series_historical", &a, out);

    dsc_period_t span = {a.n ? (int)floor(a.x[0]) : 0, a.n ? (int)floor(a.x[a.n - 1]) : 0};
    char years[32];
    period_text(span, years, sizeof years);
    snprintf(title, sizeof title, "%s, %s: annual means %s", job->region.title, source_text(m),
             years);
    snprintf(ylabel, sizeof ylabel, "%s, annual mean (°C)", quantity(m->var));
    la = (lines_args_t){title, NULL, ylabel, lines + 2, NMETHOD};
    if (!rc)
        rc = render(ctx, p, stem, "series_annual", draw_series, &la, out);
    if (!rc)
        rc = annual_csv(ctx, p, stem, "series_annual", &a, out);
    free(x);
    free(a.x);
    return rc;
}

/* The future figure's data: one row per year, observed annual means over the historical
 * years, then each scenario's corrected ANN and its band (±1 sd across models). */
static int future_csv(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_member_t *m,
                      const char *stem, const dsc_plot_line_t *lines, size_t nl, dsc_outputs_t *out)
{
    int y0 = 100000, y1 = -100000;
    for (size_t l = 0; l < nl; l++)
        for (size_t i = 0; i < lines[l].n; i++) {
            y0 = (int)fmin(y0, floor(lines[l].x[i]));
            y1 = (int)fmax(y1, floor(lines[l].x[i]));
        }
    figure_csv_t c;
    int rc = csv_open(ctx, p, stem, "series_future", &c);
    if (rc)
        return rc;
    fprintf(c.fp, "year,obs");
    for (size_t l = 1; l < nl; l++) {
        fprintf(c.fp, ",%s", m->scen[l - 1].name);
        if (lines[l].band_lo)
            fprintf(c.fp, ",%s_band_lo,%s_band_hi", m->scen[l - 1].name, m->scen[l - 1].name);
    }
    fputc('\n', c.fp);
    for (int year = y0; year <= y1; year++) {
        fprintf(c.fp, "%d", year);
        for (size_t l = 0; l < nl; l++) {
            const dsc_plot_line_t *ln = &lines[l];
            double v = NAN, lo = NAN, hi = NAN;
            for (size_t i = 0; i < ln->n; i++)
                if ((int)floor(ln->x[i]) == year) {
                    v = ln->y[i];
                    lo = ln->band_lo ? ln->band_lo[i] : NAN;
                    hi = ln->band_hi ? ln->band_hi[i] : NAN;
                }
            csv_value(c.fp, v);
            if (ln->band_lo) {
                csv_value(c.fp, lo);
                csv_value(c.fp, hi);
            }
        }
        fputc('\n', c.fp);
    }
    return csv_close(ctx, &c, out);
}

static int figure_future(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                         const dsc_member_t *m, const dsc_table_t *tb, const char *stem,
                         dsc_outputs_t *out)
{
    size_t ns = m->nscen, cap = tb->n + 1;
    double *buf = dsc_malloc(ctx, (4 * ns + 2) * cap * sizeof *buf, "figure buffers");
    if (!buf)
        return DSC_ERR_NOMEM;
    dsc_plot_line_t lines[1 + DSC_MAX_LIST];
    size_t nl = 0;
    double *hx = buf, *hy = buf + cap;
    size_t na = annual_means(tb, m->cal, 0, m->nh, tb->col[COL_OBS], hx, hy);
    lines[nl++] =
        (dsc_plot_line_t){"Observed", hx, hy, na, method_color("obs"), 2.0, 1.0, NULL, NULL};
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
        lines[nl++] = (dsc_plot_line_t){
            sc->name,        x, y, k, scenario_color(sc->name, s), 2.0, 1.0, band ? lo : NULL,
            band ? hi : NULL};
        r = r1;
    }
    char title[256], ylabel[128];
    snprintf(ylabel, sizeof ylabel, "%s, annual mean (°C)", quantity(m->var));
    snprintf(title, sizeof title, "%s, %s: ANN bias-corrected, by scenario%s", job->region.title,
             source_text(m), m->nscen && m->scen[0].year_sd ? " (band: ±1 sd across models)" : "");
    lines_args_t la = {title, NULL, ylabel, lines, nl};
    int rc = render(ctx, p, stem, "series_future", draw_series, &la, out);
    if (!rc)
        rc = future_csv(ctx, p, m, stem, lines, nl, out);
    free(buf);
    return rc;
}

/* ---- Taylor diagrams, histogram, learning curve ----------------------------------------- */

static int taylor_csv(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const char *stem, const char *what,
                      const dsc_taylor_t *st, const char *const *names, size_t n,
                      dsc_outputs_t *out)
{
    figure_csv_t c;
    int rc = csv_open(ctx, p, stem, what, &c);
    if (rc)
        return rc;
    fprintf(c.fp, "method,label,n,corr,sd,sd_ratio,crmsd,crmsd_norm,bias,rmse\n");
    for (size_t k = 0; k < n; k++)
        fprintf(c.fp, "%s,%s,%zu,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f\n", names[k],
                method_label(names[k]), st[k].n, st[k].corr, st[k].sd, st[k].sd_ratio, st[k].crmsd,
                st[k].crmsd_norm, st[k].bias, st[k].rmse);
    return csv_close(ctx, &c, out);
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
        char title[256];
        const char *what = cycle ? "taylor_annual_cycle" : "taylor";
        char years[32];
        period_text(job->valid, years, sizeof years);
        snprintf(title, sizeof title, "%s, %s, %s: %s, validation %s", job->region.title,
                 quantity_text(m->var, 0), source_text(m),
                 cycle ? "mean annual cycle" : "daily values", years);
        taylor_args_t ta = {title, st, labels, n};
        rc = render(ctx, p, stem, what, draw_taylor, &ta, out);
        if (!rc)
            rc = taylor_csv(ctx, p, stem, what, st, names, n, out);
    }
    return rc;
}

/* The histogram's data as drawn: probability density per °C of each series in each bin. */
static int histogram_csv(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const char *stem,
                         const dsc_eval_hist_t *h, dsc_outputs_t *out)
{
    figure_csv_t c;
    int rc = csv_open(ctx, p, stem, "histogram", &c);
    if (rc)
        return rc;
    double total[DSC_EVAL_MAX] = {0};
    fprintf(c.fp, "bin_lo,bin_hi");
    for (size_t k = 0; k < h->n; k++) {
        fprintf(c.fp, ",%s", h->names[k]);
        for (size_t b = 0; b < h->bins.nbins; b++)
            total[k] += (double)h->counts[k][b];
    }
    fputc('\n', c.fp);
    for (size_t b = 0; b < h->bins.nbins; b++) {
        fprintf(c.fp, "%.4f,%.4f", h->bins.lo + (double)b * h->bins.width,
                h->bins.lo + (double)(b + 1) * h->bins.width);
        for (size_t k = 0; k < h->n; k++)
            fprintf(c.fp, ",%.8f",
                    total[k] > 0 ? (double)h->counts[k][b] / (total[k] * h->bins.width) : 0.0);
        fputc('\n', c.fp);
    }
    return csv_close(ctx, &c, out);
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
    char title[256], xlabel[128];
    snprintf(xlabel, sizeof xlabel, "%s (°C)", quantity(m->var));
    char years[32];
    period_text(job->valid, years, sizeof years);
    snprintf(title, sizeof title, "%s, %s: distribution of daily values, validation %s",
             job->region.title, source_text(m), years);
    hist_args_t ha = {title, xlabel, &h, labels};
    rc = render(ctx, p, stem, "histogram", draw_histogram, &ha, out);
    if (!rc)
        rc = histogram_csv(ctx, p, stem, &h, out);
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
    char title[256];
    snprintf(title, sizeof title, "%s, %s, %s: ANN learning curve (first cell, %s)",
             job->region.title, quantity_text(m->var, 0), source_text(m),
             p->nn.rule[0] ? p->nn.rule : "backprop");
    lines_args_t la = {title, "Epoch", "Mean squared error (standardised)", lines, 2};
    int rc = render(ctx, p, stem, "learning_curve", draw_learning, &la, out);

    figure_csv_t c;
    if (!rc)
        rc = csv_open(ctx, p, stem, "learning_curve", &c);
    if (!rc) {
        fprintf(c.fp, "epoch,train_loss,valid_loss\n");
        for (size_t i = 0; i < n; i++)
            fprintf(c.fp, "%zu,%.8g,%.8g\n", i + 1, m->curve.train_loss[i],
                    m->curve.valid_loss ? m->curve.valid_loss[i] : NAN);
        rc = csv_close(ctx, &c, out);
    }
    free(x);
    return rc;
}

/* ---- maps ------------------------------------------------------------------------------- */

static int map_csv(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_member_t *m, const char *stem,
                   const char *what, const double *v, dsc_outputs_t *out)
{
    figure_csv_t c;
    int rc = csv_open(ctx, p, stem, what, &c);
    if (rc)
        return rc;
    fprintf(c.fp, "lat,lon,value\n");
    for (size_t i = 0; i < m->grid.nlat; i++)
        for (size_t j = 0; j < m->grid.nlon; j++) {
            fprintf(c.fp, "%.6f,%.6f", m->grid.lat[i], m->grid.lon[j]);
            csv_value(c.fp, v[i * m->grid.nlon + j]);
            fputc('\n', c.fp);
        }
    return csv_close(ctx, &c, out);
}

static int figure_map(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                      const dsc_member_t *m, const char *stem, const char *what, const char *title,
                      const double *v, int diverging, dsc_plot_borders_t *borders,
                      dsc_outputs_t *out)
{
    /* The city is marked (and its province outlined) when the region file places it. */
    dsc_plot_map_options_t o = {.mark_label = job->region.title,
                                .mark_lat = job->region.lat,
                                .mark_lon = job->region.lon,
                                .borders = borders ? NULL : "",
                                .border_data = borders};
    map_args_t ma = {title, &m->grid, v, diverging, &o};
    int rc = render(ctx, p, stem, what, draw_map, &ma, out);
    if (rc == DSC_ERR_RANGE) {
        dsc_log(ctx, DSC_LOG_WARN, "figures", "%s", dsc_ctx_message(ctx));
        return DSC_OK;
    }
    return rc ? rc : map_csv(ctx, p, m, stem, what, v, out);
}

static int figure_maps(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                       const dsc_member_t *m, const char *stem, dsc_outputs_t *out)
{
    size_t nc = m->ncell;
    double *obs = dsc_malloc(ctx, nc * sizeof *obs, "map");
    double *base = dsc_malloc(ctx, nc * sizeof *base, "map");
    double *v = dsc_malloc(ctx, nc * sizeof *v, "map");
    int rc = obs && base && v ? DSC_OK : DSC_ERR_NOMEM;
    char title[256], what[128], base_years[32], late_years[32];
    /* Opened once for every map of the member; without it the maps still come, bare. */
    dsc_plot_borders_t *borders = NULL;
    if (!rc && dsc_plot_borders_open(ctx, NULL, &borders) != DSC_OK)
        dsc_log(ctx, DSC_LOG_WARN, "figures", "maps drawn without country borders: %s",
                dsc_ctx_message(ctx));
    const char *vlabel = quantity_text(m->var, 0);
    period_text(job->base, base_years, sizeof base_years);
    period_text(job->late, late_years, sizeof late_years);
    if (!rc) {
        dsc_eval_period_mean(m->hdates, m->nh, m->obs, nc, job->base, obs);
        dsc_eval_period_mean(m->hdates, m->nh, m->ann_bc, nc, job->base, base);
        snprintf(title, sizeof title, "%s, %s: observed mean %s", job->region.title, vlabel,
                 base_years);
        rc = figure_map(ctx, p, job, m, stem, "map_historical_mean_obs", title, obs, 0, borders,
                        out);
    }
    if (!rc) {
        for (size_t c = 0; c < nc; c++)
            v[c] = base[c] - obs[c];
        snprintf(title, sizeof title, "%s, %s, %s: ANN bias-corrected minus observed, %s",
                 job->region.title, vlabel, source_text(m), base_years);
        rc = figure_map(ctx, p, job, m, stem, "map_historical_bias_ann_bc", title, v, 1, borders,
                        out);
    }
    for (size_t s = 0; s < m->nscen && !rc; s++) {
        const dsc_scenario_data_t *sc = &m->scen[s];
        dsc_eval_period_mean(sc->dates, sc->n, sc->ann_bc, nc, job->late, v);
        snprintf(title, sizeof title, "%s, %s, %s %s: ANN bias-corrected mean %s",
                 job->region.title, vlabel, source_text(m), sc->name, late_years);
        snprintf(what, sizeof what, "map_%s_mean_ann_bc", sc->name);
        rc = figure_map(ctx, p, job, m, stem, what, title, v, 0, borders, out);
        for (size_t c = 0; c < nc && !rc; c++)
            v[c] -= base[c];
        snprintf(title, sizeof title, "%s, %s, %s %s: change %s minus %s", job->region.title,
                 vlabel, source_text(m), sc->name, late_years, base_years);
        snprintf(what, sizeof what, "map_%s_change_ann_bc", sc->name);
        if (!rc)
            rc = figure_map(ctx, p, job, m, stem, what, title, v, 1, borders, out);
    }
    dsc_plot_borders_close(borders);
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
