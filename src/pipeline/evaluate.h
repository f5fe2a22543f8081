/* evaluate.h - statistics of a member on its validation years. */
#ifndef DSC_PIPELINE_EVALUATE_H
#define DSC_PIPELINE_EVALUATE_H

#include "dsc/stats.h"
#include "pipeline/internal.h"

#define DSC_EVAL_MAX 6 /* obs, gcm, ann, ann_bc, linear, second observations */

/* Values of every cell on the validation days, flattened (out has room for ncell values
 * per validation day);
 * returns how many. v NULL gives NaN. */
size_t dsc_eval_valid_values(const dsc_job_t *job, const dsc_member_t *m, const float *v,
                             double *out);
/* The compared series in output order (obs first when with_obs), and their names
 * (borrowed). Returns the count. */
size_t dsc_eval_methods(const dsc_job_t *job, const dsc_member_t *m, int with_obs,
                        const float **cols, const char **names);
/* Taylor statistics of each method against the observations on the validation years:
 * daily values of every cell (cycle 0) or the mean annual cycle of the spatial mean
 * (cycle 1). A method whose statistics cannot be computed is logged and left out. */
int dsc_eval_taylor(dsc_ctx_t *ctx, const dsc_job_t *job, const dsc_member_t *m, int cycle,
                    dsc_taylor_t *stats, const char **names, size_t *n);

typedef struct {
    dsc_bins_t bins;
    size_t n;
    const char *names[DSC_EVAL_MAX];
    size_t *counts[DSC_EVAL_MAX]; /* owned */
} dsc_eval_hist_t;
/* Histograms of obs and each method on shared bins over the validation years. */
int dsc_eval_histogram(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                       const dsc_member_t *m, dsc_eval_hist_t *h);
void dsc_eval_histogram_free(dsc_eval_hist_t *h);
/* Mean of each cell over the years of per. */
void dsc_eval_period_mean(const dsc_date_t *dates, size_t n, const float *v, size_t ncell,
                          dsc_period_t per, double *out);

#endif
