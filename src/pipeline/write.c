/* write.c - the write stage: series (CSV and NetCDF), Taylor statistics, histograms and,
 * for gridded regions, period-mean and change maps (NetCDF and GeoTIFF). */
#include "dsc/io.h"
#include "dsc/stats.h"
#include "pipeline/evaluate.h"
#include "pipeline/series_table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const COL_NAMES[DSC_TABLE_NCOL] = {"obs",    "gcm",    "ann", "ann_bc",
                                                      "linear", "spread", "obs2"};

int dsc_outputs_add(dsc_ctx_t *ctx, dsc_outputs_t *o, const char *path)
{
    if (o->n == o->cap) {
        size_t cap = o->cap ? 2 * o->cap : 64;
        char **p = realloc(o->paths, cap * sizeof *p);
        if (!p)
            return dsc_error(ctx, DSC_ERR_NOMEM, "output list: out of memory");
        o->paths = p;
        o->cap = cap;
    }
    if (!(o->paths[o->n] = dsc_strdup(ctx, path)))
        return DSC_ERR_NOMEM;
    o->n++;
    return DSC_OK;
}

void dsc_outputs_clear(dsc_outputs_t *o)
{
    for (size_t i = 0; i < o->n; i++)
        free(o->paths[i]);
    free(o->paths);
    memset(o, 0, sizeof *o);
}

static void put_value(FILE *fp, double v)
{
    if (isfinite(v))
        fprintf(fp, ",%.4f", v);
    else
        fputc(',', fp);
}

static int open_out(dsc_ctx_t *ctx, const char *dir, const char *name, char *path, size_t size,
                    FILE **fp, char **tmp)
{
    int rc = dsc_io_mkdirs(ctx, dir);
    if (rc)
        return rc;
    snprintf(path, size, "%s/%s", dir, name);
    return dsc_io_open_atomic(ctx, path, fp, tmp);
}

static int finish(dsc_ctx_t *ctx, FILE *fp, char *tmp, const char *path, dsc_outputs_t *out)
{
    int rc = dsc_io_commit(ctx, fp, tmp, path);
    free(tmp);
    return rc ? rc : dsc_outputs_add(ctx, out, path);
}

static int write_series_csv(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                            const dsc_member_t *m, const dsc_table_t *tb, const char *stem,
                            dsc_outputs_t *out)
{
    char dir[DSC_PATH_MAX + 16], name[256], path[2 * DSC_PATH_MAX];
    snprintf(dir, sizeof dir, "%s/series", p->out_dir);
    snprintf(name, sizeof name, "%s.csv", stem);
    FILE *fp;
    char *tmp;
    int rc = open_out(ctx, dir, name, path, sizeof path, &fp, &tmp);
    if (rc)
        return rc;
    fprintf(fp, "date,split,scenario,obs,gcm,ann,ann_bc,linear,spread");
    if (m->obs2)
        fprintf(fp, ",%s", job->obs2_label);
    fputc('\n', fp);
    for (size_t i = 0; i < tb->n; i++) {
        char d[32];
        dsc_date_format(tb->dates[i], d, sizeof d);
        int s = tb->scen[i];
        fprintf(fp, "%s,%s,%s", d, s < 0 ? dsc_split_label(job, tb->dates[i].year) : "future",
                s < 0 ? "historical" : m->scen[s].name);
        for (size_t k = 0; k < COL_OBS2; k++)
            put_value(fp, tb->col[k][i]);
        if (m->obs2)
            put_value(fp, tb->col[COL_OBS2][i]);
        fputc('\n', fp);
    }
    return finish(ctx, fp, tmp, path, out);
}

/* The NetCDF series: a shared time axis (historical days, then the first scenario's days)
 * and one row per scenario; obs is one row since it has no scenario. */
static int write_series_nc(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                           const dsc_member_t *m, const char *stem, const char *argv_line,
                           dsc_outputs_t *out)
{
    size_t nf = m->nscen ? m->scen[0].n : 0, nt = m->nh + nf;
    size_t nsc = m->nscen ? m->nscen : 1;
    dsc_table_t tb;
    int rc = dsc_table_build(ctx, m, &tb);
    if (rc)
        return rc;
    dsc_date_t *dates = dsc_malloc(ctx, nt * sizeof *dates, "series dates");
    double *vals[DSC_TABLE_NCOL] = {0};
    for (size_t k = 0; k < DSC_TABLE_NCOL && dates; k++)
        if (!(vals[k] = dsc_nan_array(ctx, nsc * nt, "series values")))
            rc = DSC_ERR_NOMEM;
    if (!dates)
        rc = DSC_ERR_NOMEM;
    if (!rc) {
        memcpy(dates, m->hdates, m->nh * sizeof *dates);
        if (nf)
            memcpy(dates + m->nh, m->scen[0].dates, nf * sizeof *dates);
        /* Historical values appear in every scenario row, as in the joined CMIP files;
         * a scenario's days go on the shared axis where their date matches it. */
        size_t start = m->nh;
        for (size_t i = 0; i < tb.n; i++) {
            int s = tb.scen[i];
            if (i > 0 && s != tb.scen[i - 1])
                start = i;
            size_t t = s < 0 ? i : m->nh + (i - start);
            if (t >= nt || dsc_date_compare(dates[t], tb.dates[i]) != 0)
                continue;
            for (size_t sc = 0; sc < nsc; sc++) {
                if (s >= 0 && (size_t)s != sc)
                    continue;
                for (size_t k = 0; k < DSC_TABLE_NCOL; k++)
                    vals[k][sc * nt + t] = tb.col[k][i];
            }
        }
        const char *scen_names[DSC_MAX_LIST];
        for (size_t s = 0; s < nsc; s++)
            scen_names[s] = m->nscen ? m->scen[s].name : "historical";
        char ln[DSC_TABLE_NCOL][160];
        const char *what[DSC_TABLE_NCOL] = {"observed",
                                            "raw GCM regridded",
                                            "ANN downscaled",
                                            "ANN downscaled and bias-corrected",
                                            "linear-regression downscaled",
                                            "ensemble spread (sd) of",
                                            "second observed source"};
        dsc_nc_var_t vars[DSC_TABLE_NCOL];
        size_t nv = 0;
        for (size_t k = 0; k < DSC_TABLE_NCOL; k++) {
            if (k == COL_OBS2 && !m->obs2)
                continue;
            snprintf(ln[k], sizeof ln[k], "%s daily %s (%s)", what[k], m->var,
                     m->ncell > 1 ? "mean over the region's cells" : job->region.title);
            vars[nv++] = (dsc_nc_var_t){k == COL_OBS2 ? job->obs2_label : COL_NAMES[k], ln[k],
                                        "degC", vals[k], k != COL_OBS && k != COL_OBS2};
        }
        char dir[DSC_PATH_MAX + 16], path[2 * DSC_PATH_MAX], title[256];
        snprintf(dir, sizeof dir, "%s/series", p->out_dir);
        snprintf(path, sizeof path, "%s/%s.nc", dir, stem);
        snprintf(title, sizeof title, "downscale %s: %s %s, model %s", p->name, job->region.title,
                 m->var, m->model);
        dsc_nc_meta_t meta = {title, p->data_root, argv_line,
                              "Temperatures in degC; missing values are _FillValue"};
        double lat = m->grid.kind == DSC_GRID_POINTS ? m->grid.lat[0] : job->region.lat;
        double lon = m->grid.kind == DSC_GRID_POINTS ? m->grid.lon[0] : job->region.lon;
        rc = dsc_io_mkdirs(ctx, dir);
        if (!rc)
            rc = dsc_io_write_series_nc(ctx, path, m->cal, dates, nt, scen_names, nsc, lat, lon,
                                        vars, nv, &meta);
        if (!rc)
            rc = dsc_outputs_add(ctx, out, path);
    }
    free(dates);
    for (size_t k = 0; k < DSC_TABLE_NCOL; k++)
        free(vals[k]);
    dsc_table_free(&tb);
    return rc;
}

static void put_taylor(FILE *fp, const char *name, const dsc_taylor_t *s)
{
    fprintf(fp, "%s,%zu,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f\n", name, s->n, s->corr, s->sd,
            s->sd_ratio, s->crmsd, s->crmsd_norm, s->bias, s->rmse);
}

/* Taylor statistics on the validation days, daily and for the mean annual cycle. */
static int write_taylor(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                        const dsc_member_t *m, const char *stem, dsc_outputs_t *out)
{
    char dir[DSC_PATH_MAX + 16], name[256], path[2 * DSC_PATH_MAX];
    snprintf(dir, sizeof dir, "%s/taylor", p->out_dir);
    int rc = DSC_OK;
    for (int cycle = 0; cycle < 2 && !rc; cycle++) {
        dsc_taylor_t st[DSC_EVAL_MAX];
        const char *names[DSC_EVAL_MAX];
        size_t n = 0;
        if ((rc = dsc_eval_taylor(ctx, job, m, cycle, st, names, &n)))
            break;
        snprintf(name, sizeof name, "%s%s.csv", stem, cycle ? "_annual_cycle" : "");
        FILE *fp;
        char *tmp;
        if ((rc = open_out(ctx, dir, name, path, sizeof path, &fp, &tmp)))
            break;
        fprintf(fp, "method,n,corr,sd,sd_ratio,crmsd,crmsd_norm,bias,rmse\n");
        for (size_t k = 0; k < n; k++)
            put_taylor(fp, names[k], &st[k]);
        rc = finish(ctx, fp, tmp, path, out);
    }
    return rc;
}

static int write_histogram(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                           const dsc_member_t *m, const char *stem, dsc_outputs_t *out)
{
    dsc_eval_hist_t h;
    int rc = dsc_eval_histogram(ctx, p, job, m, &h);
    if (rc)
        return rc;
    char dir[DSC_PATH_MAX + 16], name[256], path[2 * DSC_PATH_MAX];
    FILE *fp = NULL;
    char *tmp = NULL;
    snprintf(dir, sizeof dir, "%s/hist", p->out_dir);
    snprintf(name, sizeof name, "%s.csv", stem);
    rc = open_out(ctx, dir, name, path, sizeof path, &fp, &tmp);
    if (!rc) {
        fprintf(fp, "bin_lo,bin_hi");
        for (size_t k = 0; k < h.n; k++)
            fprintf(fp, ",%s", h.names[k]);
        fputc('\n', fp);
        for (size_t b = 0; b < h.bins.nbins; b++) {
            fprintf(fp, "%.4f,%.4f", h.bins.lo + (double)b * h.bins.width,
                    h.bins.lo + (double)(b + 1) * h.bins.width);
            for (size_t k = 0; k < h.n; k++)
                fprintf(fp, ",%zu", h.counts[k][b]);
            fputc('\n', fp);
        }
        rc = finish(ctx, fp, tmp, path, out);
    }
    dsc_eval_histogram_free(&h);
    return rc;
}

/* ---- maps ---------------------------------------------------------------------------- */

static int write_map(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_member_t *m,
                     const char *stem, const char *scenario, const char *what,
                     const char *long_name, const dsc_map_period_t *period, const double *values,
                     const char *argv_line, dsc_outputs_t *out)
{
    char dir[DSC_PATH_MAX + 16], path[2 * DSC_PATH_MAX];
    snprintf(dir, sizeof dir, "%s/maps", p->out_dir);
    int rc = dsc_io_mkdirs(ctx, dir);
    dsc_nc_meta_t meta = {long_name, p->data_root, argv_line, NULL};
    snprintf(path, sizeof path, "%s/%s_%s_%s.nc", dir, stem, scenario, what);
    if (!rc)
        rc = dsc_io_write_map_nc(ctx, path, &m->grid, values, m->var, long_name, "degC", period,
                                 &meta);
    if (!rc)
        rc = dsc_outputs_add(ctx, out, path);
    snprintf(path, sizeof path, "%s/%s_%s_%s.tif", dir, stem, scenario, what);
    if (!rc)
        rc = dsc_io_write_geotiff(ctx, path, &m->grid, values, long_name);
    if (!rc)
        rc = dsc_outputs_add(ctx, out, path);
    return rc;
}

static int write_maps(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                      const dsc_member_t *m, const char *stem, const char *argv_line,
                      dsc_outputs_t *out)
{
    size_t nc = m->ncell;
    double *base = dsc_malloc(ctx, 5 * nc * sizeof *base, "map base");
    double *late = dsc_malloc(ctx, nc * sizeof *late, "map late");
    double *diff = dsc_malloc(ctx, nc * sizeof *diff, "map difference");
    int rc = base && late && diff ? DSC_OK : DSC_ERR_NOMEM;
    const float *hist[] = {m->obs, m->gcm, m->ann, m->ann_bc, m->lin};
    const char *names[] = {"obs", "gcm", "ann", "ann_bc", "linear"};
    char period[64], ln[256], what[64];
    snprintf(period, sizeof period, "%d-%d", job->base.y0, job->base.y1);
    dsc_map_period_t base_per = {m->cal, job->base.y0, job->base.y1, 0, 0};
    dsc_map_period_t late_per = {m->cal, job->late.y0, job->late.y1, 0, 0};
    dsc_map_period_t change_per = {m->cal, job->late.y0, job->late.y1, job->base.y0,
                                   job->base.y1};
    for (size_t k = 0; k < 5 && !rc; k++) {
        dsc_eval_period_mean(m->hdates, m->nh, hist[k], nc, job->base, base + k * nc);
        snprintf(what, sizeof what, "mean_%s", names[k]);
        snprintf(ln, sizeof ln, "%s %s mean %s", names[k], m->var, period);
        rc = write_map(ctx, p, m, stem, "historical", what, ln, &base_per, base + k * nc,
                       argv_line, out);
        if (k == 0 || rc)
            continue;
        for (size_t c = 0; c < nc; c++)
            diff[c] = base[k * nc + c] - base[c];
        snprintf(what, sizeof what, "bias_%s", names[k]);
        snprintf(ln, sizeof ln, "%s minus observed %s mean %s", names[k], m->var, period);
        rc = write_map(ctx, p, m, stem, "historical", what, ln, &base_per, diff, argv_line, out);
    }
    for (size_t s = 0; s < m->nscen && !rc; s++) {
        const dsc_scenario_data_t *sc = &m->scen[s];
        const float *fut[] = {NULL, sc->gcm, sc->ann, sc->ann_bc, sc->lin};
        for (size_t k = 1; k < 5 && !rc; k++) {
            dsc_eval_period_mean(sc->dates, sc->n, fut[k], nc, job->late, late);
            snprintf(period, sizeof period, "%d-%d", job->late.y0, job->late.y1);
            snprintf(what, sizeof what, "mean_%s", names[k]);
            snprintf(ln, sizeof ln, "%s %s %s mean %s", names[k], sc->name, m->var, period);
            rc = write_map(ctx, p, m, stem, sc->name, what, ln, &late_per, late, argv_line, out);
            for (size_t c = 0; c < nc; c++)
                diff[c] = late[c] - base[k * nc + c];
            snprintf(what, sizeof what, "change_%s", names[k]);
            snprintf(ln, sizeof ln, "%s %s %s change %d-%d minus %d-%d", names[k], sc->name, m->var,
                     job->late.y0, job->late.y1, job->base.y0, job->base.y1);
            if (!rc)
                rc = write_map(ctx, p, m, stem, sc->name, what, ln, &change_per, diff, argv_line,
                               out);
        }
    }
    free(base);
    free(late);
    free(diff);
    return rc;
}

int dsc_stage_write(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                    const dsc_member_t *m, const char *tag, const char *argv_line,
                    dsc_outputs_t *outputs)
{
    char stem[256];
    snprintf(stem, sizeof stem, "%s_%s%s", job->region.name, m->var, tag);
    dsc_table_t tb;
    int rc = dsc_table_build(ctx, m, &tb);
    if (rc)
        return rc;
    rc = write_series_csv(ctx, p, job, m, &tb, stem, outputs);
    dsc_table_free(&tb);
    if (!rc)
        rc = write_series_nc(ctx, p, job, m, stem, argv_line, outputs);
    if (!rc)
        rc = write_taylor(ctx, p, job, m, stem, outputs);
    if (!rc)
        rc = write_histogram(ctx, p, job, m, stem, outputs);
    if (!rc && m->grid.kind == DSC_GRID_RECTILINEAR)
        rc = write_maps(ctx, p, job, m, stem, argv_line, outputs);
    return rc;
}
