/* evaluate.c - the statistics a member is judged by (Taylor, histograms, period means),
 * computed once here for both the numeric outputs and the figures. */
#include "pipeline/evaluate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

size_t dsc_eval_valid_values(const dsc_job_t *job, const dsc_member_t *m, const float *v,
                             double *out)
{
    size_t k = 0;
    for (size_t t = 0; t < m->nh; t++) {
        int y = m->hdates[t].year;
        if (y < job->valid.y0 || y > job->valid.y1)
            continue;
        for (size_t c = 0; c < m->ncell; c++)
            out[k++] = v ? v[t * m->ncell + c] : NAN;
    }
    return k;
}

/* How many historical days are validation days: the buffers of the statistics hold only
 * those (a 0.25 degree box has millions of values per method on the whole period). */
static size_t valid_days(const dsc_job_t *job, const dsc_member_t *m)
{
    size_t k = 0;
    for (size_t t = 0; t < m->nh; t++)
        k += m->hdates[t].year >= job->valid.y0 && m->hdates[t].year <= job->valid.y1;
    return k;
}

/* Spatial mean of each validation day (NaN on other days), for the annual cycle. */
static void valid_day_means(const dsc_job_t *job, const dsc_member_t *m, const float *v,
                            double *out)
{
    for (size_t t = 0; t < m->nh; t++) {
        int y = m->hdates[t].year;
        out[t] = NAN;
        if (y < job->valid.y0 || y > job->valid.y1)
            continue;
        double s = 0;
        size_t k = 0;
        for (size_t c = 0; c < m->ncell; c++) {
            double x = v[t * m->ncell + c];
            if (isfinite(x)) {
                s += x;
                k++;
            }
        }
        out[t] = k ? s / (double)k : NAN;
    }
}

size_t dsc_eval_methods(const dsc_job_t *job, const dsc_member_t *m, int with_obs,
                        const float **cols, const char **names)
{
    size_t k = 0;
    if (with_obs) {
        cols[k] = m->obs;
        names[k++] = "obs";
    }
    const float *c[] = {m->gcm, m->ann, m->ann_bc, m->lin};
    const char *n[] = {"gcm", "ann", "ann_bc", "linear"};
    for (size_t i = 0; i < 4; i++) {
        cols[k] = c[i];
        names[k++] = n[i];
    }
    if (m->obs2) {
        cols[k] = m->obs2;
        names[k++] = job->obs2_label;
    }
    return k;
}

int dsc_eval_taylor(dsc_ctx_t *ctx, const dsc_job_t *job, const dsc_member_t *m, int cycle,
                    dsc_taylor_t *stats, const char **names, size_t *n)
{
    const float *cols[DSC_EVAL_MAX];
    const char *labels[DSC_EVAL_MAX];
    size_t ncol = dsc_eval_methods(job, m, 0, cols, labels);
    size_t len = cycle ? m->nh : valid_days(job, m) * m->ncell;
    double *ref = dsc_malloc(ctx, (len ? len : 1) * sizeof *ref, "taylor reference");
    double *sim = dsc_malloc(ctx, (len ? len : 1) * sizeof *sim, "taylor series");
    if (!ref || !sim) {
        free(ref);
        free(sim);
        return DSC_ERR_NOMEM;
    }
    double ref_cycle[366], sim_cycle[366];
    size_t nr = 0;
    if (cycle) {
        valid_day_means(job, m, m->obs, ref);
        dsc_stats_annual_cycle(m->cal, m->hdates, ref, m->nh, ref_cycle);
    } else {
        nr = dsc_eval_valid_values(job, m, m->obs, ref);
    }
    *n = 0;
    for (size_t k = 0; k < ncol; k++) {
        int rc;
        if (cycle) {
            valid_day_means(job, m, cols[k], sim);
            dsc_stats_annual_cycle(m->cal, m->hdates, sim, m->nh, sim_cycle);
            rc = dsc_stats_taylor(ctx, ref_cycle, sim_cycle, 366, &stats[*n]);
        } else {
            dsc_eval_valid_values(job, m, cols[k], sim);
            rc = dsc_stats_taylor(ctx, ref, sim, nr, &stats[*n]);
        }
        if (rc == DSC_OK)
            names[(*n)++] = labels[k];
        else
            dsc_log(ctx, DSC_LOG_WARN, "evaluate", "Taylor statistics of %s for %s %s %s: %s",
                    labels[k], job->region.name, m->var, m->model, dsc_ctx_message(ctx));
    }
    free(ref);
    free(sim);
    return DSC_OK;
}

void dsc_eval_histogram_free(dsc_eval_hist_t *h)
{
    for (size_t k = 0; k < DSC_EVAL_MAX; k++)
        free(h->counts[k]);
    memset(h, 0, sizeof *h);
}

int dsc_eval_histogram(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                       const dsc_member_t *m, dsc_eval_hist_t *h)
{
    memset(h, 0, sizeof *h);
    const float *cols[DSC_EVAL_MAX];
    h->n = dsc_eval_methods(job, m, 1, cols, h->names);
    size_t len = valid_days(job, m) * m->ncell;
    double *vals[DSC_EVAL_MAX] = {0};
    size_t lens[DSC_EVAL_MAX];
    int rc = DSC_OK;
    for (size_t k = 0; k < h->n && !rc; k++) {
        if (!(vals[k] = dsc_malloc(ctx, (len ? len : 1) * sizeof(double), "histogram values")))
            rc = DSC_ERR_NOMEM;
        else
            lens[k] = dsc_eval_valid_values(job, m, cols[k], vals[k]);
    }
    if (!rc)
        rc = dsc_stats_bins(ctx, (const double *const *)vals, lens, h->n, p->hist_bin_width,
                            &h->bins);
    for (size_t k = 0; k < h->n && !rc; k++) {
        if (!(h->counts[k] = dsc_calloc(ctx, h->bins.nbins, sizeof(size_t), "counts")))
            rc = DSC_ERR_NOMEM;
        else
            dsc_stats_histogram(&h->bins, vals[k], lens[k], h->counts[k]);
    }
    for (size_t k = 0; k < DSC_EVAL_MAX; k++)
        free(vals[k]);
    if (rc)
        dsc_eval_histogram_free(h);
    return rc;
}

void dsc_eval_period_mean(const dsc_date_t *dates, size_t n, const float *v, size_t ncell,
                          dsc_period_t per, double *out)
{
    for (size_t c = 0; c < ncell; c++) {
        double s = 0;
        size_t k = 0;
        for (size_t t = 0; t < n; t++) {
            double x = v ? v[t * ncell + c] : NAN;
            if (dates[t].year >= per.y0 && dates[t].year <= per.y1 && isfinite(x)) {
                s += x;
                k++;
            }
        }
        out[c] = k ? s / (double)k : NAN;
    }
}
