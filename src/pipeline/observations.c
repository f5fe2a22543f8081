/* observations.c - the observation summary: how complete each year of the record is and
 * whether training uses it, the mean annual cycle (day-of-year slots of the calendar, as
 * dsc_stats_annual_cycle lays them out) and the histogram of the whole record.
 * Station records are often complete for decades and sparse afterwards (Beijing Capital
 * from 2013); a user needs to see that before trusting a fit. */
#include "dsc/io.h"
#include "dsc/stats.h"
#include "pipeline/internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Spatial mean of each day (NaN where no cell has a value). */
static double *day_means(dsc_ctx_t *ctx, const dsc_field_t *f)
{
    size_t nc = dsc_field_ncells(f);
    double *out = dsc_malloc(ctx, (f->ntime ? f->ntime : 1) * sizeof *out, "daily means");
    if (!out)
        return NULL;
    for (size_t t = 0; t < f->ntime; t++) {
        double s = 0;
        size_t k = 0;
        for (size_t c = 0; c < nc; c++) {
            double v = f->values[t * nc + c];
            if (isfinite(v)) {
                s += v;
                k++;
            }
        }
        out[t] = k ? s / (double)k : NAN;
    }
    return out;
}

static int open_csv(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const char *name, char *path,
                    size_t size, FILE **fp, char **tmp)
{
    char dir[DSC_PATH_MAX + 16];
    snprintf(dir, sizeof dir, "%s/observations", p->out_dir);
    int rc = dsc_io_mkdirs(ctx, dir);
    snprintf(path, size, "%s/%s", dir, name);
    return rc ? rc : dsc_io_open_atomic(ctx, path, fp, tmp);
}

static int close_csv(dsc_ctx_t *ctx, FILE *fp, char *tmp, const char *path, dsc_outputs_t *out)
{
    int rc = dsc_io_commit(ctx, fp, tmp, path);
    free(tmp);
    return rc ? rc : dsc_outputs_add(ctx, out, path);
}

/* Per year: days in the calendar, days with a value (cell-days / cells with any
 * observation), coverage, mean of the observed days, and whether the year trains the
 * models. Years with low coverage are logged, since they are left out of training. */
static int write_years(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                       const dsc_member_t *m, const dsc_field_t *f, const char *stem,
                       dsc_outputs_t *out)
{
    char name[300], path[2 * DSC_PATH_MAX], *tmp;
    FILE *fp;
    snprintf(name, sizeof name, "%s_years.csv", stem);
    int rc = open_csv(ctx, p, name, path, sizeof path, &fp, &tmp);
    if (rc)
        return rc;
    fprintf(fp, "year,days,valid_days,coverage,mean,used_for_training\n");
    /* Coverage counts the cells that have observations at all: a box reaching over the sea
     * or past the data's edge has cells that never do, and training skips them anyway. */
    size_t ncell = dsc_field_ncells(f), nc = 0, t = 0, sparse = 0;
    for (size_t c = 0; c < ncell; c++) {
        size_t i = 0;
        while (i < f->ntime && !isfinite(f->values[i * ncell + c]))
            i++;
        nc += i < f->ntime;
    }
    if (nc < ncell)
        dsc_log(ctx, DSC_LOG_WARN, "observations",
                "%s %s: %zu of %zu cells have no observation at all (sea, or outside the "
                "observed data); their downscaled values are missing",
                job->region.name, m->var, ncell - nc, ncell);
    if (nc == 0)
        nc = 1; /* nothing observed: every year shows coverage 0 */
    char sparse_list[512] = "";
    while (t < f->ntime) {
        int y = f->dates[t].year;
        double s = 0, valid = 0;
        for (; t < f->ntime && f->dates[t].year == y; t++)
            for (size_t c = 0; c < ncell; c++) {
                double v = f->values[t * ncell + c];
                if (isfinite(v)) {
                    s += v;
                    valid++;
                }
            }
        int days = dsc_calendar_days_in_year(f->calendar, y);
        double cover = valid / (double)nc / days;
        int in_train = y >= job->train.y0 && y <= job->train.y1;
        int used = in_train && cover >= job->min_coverage;
        fprintf(fp, "%d,%d,%.1f,%.4f,", y, days, valid / (double)nc, cover);
        if (valid > 0)
            fprintf(fp, "%.4f", s / valid);
        fprintf(fp, ",%d\n", used);
        if (cover < job->min_coverage) {
            sparse++;
            size_t len = strlen(sparse_list);
            if (len < sizeof sparse_list - 32)
                snprintf(sparse_list + len, sizeof sparse_list - len, "%s%d (%.0f%%)",
                         len ? ", " : "", y, 100 * cover);
        }
    }
    if (sparse)
        dsc_log(ctx, DSC_LOG_INFO, "observations",
                "%s %s: %zu year(s) below %.0f%% coverage "
                "(not used for training): %s",
                job->region.name, m->var, sparse, 100 * job->min_coverage, sparse_list);
    return close_csv(ctx, fp, tmp, path, out);
}

static int write_cycle(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_field_t *f,
                       const double *means, const char *stem, dsc_outputs_t *out)
{
    double cycle[366];
    dsc_stats_annual_cycle(f->calendar, f->dates, means, f->ntime, cycle);
    char name[300], path[2 * DSC_PATH_MAX], *tmp;
    FILE *fp;
    snprintf(name, sizeof name, "%s_annual_cycle.csv", stem);
    int rc = open_csv(ctx, p, name, path, sizeof path, &fp, &tmp);
    if (rc)
        return rc;
    fprintf(fp, "day_of_year,mean\n");
    for (int d = 0; d < 366; d++)
        if (isfinite(cycle[d]))
            fprintf(fp, "%d,%.4f\n", d + 1, cycle[d]);
    return close_csv(ctx, fp, tmp, path, out);
}

static int write_histogram(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_field_t *f,
                           const char *stem, dsc_outputs_t *out)
{
    size_t n = f->ntime * dsc_field_ncells(f);
    const double *series[1] = {f->values};
    dsc_bins_t bins;
    int rc = dsc_stats_bins(ctx, series, &n, 1, p->hist_bin_width, &bins);
    if (rc)
        return rc;
    size_t *counts = dsc_calloc(ctx, bins.nbins, sizeof *counts, "histogram");
    if (!counts)
        return DSC_ERR_NOMEM;
    dsc_stats_histogram(&bins, f->values, n, counts);
    char name[300], path[2 * DSC_PATH_MAX], *tmp;
    FILE *fp;
    snprintf(name, sizeof name, "%s_hist.csv", stem);
    rc = open_csv(ctx, p, name, path, sizeof path, &fp, &tmp);
    if (!rc) {
        fprintf(fp, "bin_lo,bin_hi,count\n");
        for (size_t b = 0; b < bins.nbins; b++)
            fprintf(fp, "%.4f,%.4f,%zu\n", bins.lo + (double)b * bins.width,
                    bins.lo + (double)(b + 1) * bins.width, counts[b]);
        rc = close_csv(ctx, fp, tmp, path, out);
    }
    free(counts);
    return rc;
}

int dsc_stage_observations(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                           const dsc_member_t *m, dsc_outputs_t *outputs)
{
    const dsc_field_t *f = m->obs_full;
    if (!f || f->ntime == 0)
        return DSC_OK;
    char stem[256];
    snprintf(stem, sizeof stem, "%s_%s", job->region.name, m->var);
    double *means = day_means(ctx, f);
    if (!means)
        return DSC_ERR_NOMEM;
    int rc = write_years(ctx, p, job, m, f, stem, outputs);
    if (!rc)
        rc = write_cycle(ctx, p, f, means, stem, outputs);
    if (!rc)
        rc = write_histogram(ctx, p, f, stem, outputs);
    free(means);
    return rc;
}
