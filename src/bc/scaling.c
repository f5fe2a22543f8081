/* scaling.c - the corrections that use only group means and standard deviations.
 *
 * linear_scaling: out = x + (mean_ref - mean_hist), the mean bias removed.
 * variance_scaling (Teutschbein and Seibert 2012, J. Hydrol. 456): the mean bias removed as
 *   above, then the anomaly about the simulated period's own group mean is stretched by
 *   sd_ref / sd_hist: out = mean_sim + (mean_ref - mean_hist)
 *   + (x - mean_sim) sd_ref / sd_hist. The model's mean change is kept; a group where hist
 *   does not vary keeps the ratio 1, since no stretch can make a constant vary.
 * delta (change factor): the observed group mean plus the model's mean change,
 *   out = mean_ref + (mean_sim - mean_hist), the same for every day of the group; x only
 *   decides which days exist (missing stays missing). It gives ref's climatology moved by
 *   the model's change, not a series with the model's day-to-day weather.
 * The simulated group means are taken over every value passed to apply.
 */
#include "bc_internal.h"

#include <math.h>
#include <stdlib.h>

static int no_extra_fit(dsc_ctx_t *ctx, dsc_bc_t *bc, const bc_buckets_t *ref,
                        const bc_buckets_t *hist)
{
    (void)ctx;
    (void)bc;
    (void)ref;
    (void)hist;
    return DSC_OK;
}

static int has_fit(const dsc_bc_t *bc, size_t g)
{
    return !isnan(bc->ref_mean[g]) && !isnan(bc->hist_mean[g]);
}

static int linear_apply(dsc_ctx_t *ctx, const dsc_bc_t *bc, const double *sim, const int *pos,
                        size_t n, double *out)
{
    (void)ctx;
    for (size_t i = 0; i < n; i++) {
        size_t g = (size_t)pos[i];
        if (!isfinite(sim[i]) || !has_fit(bc, g))
            out[i] = NAN;
        else
            out[i] = sim[i] + (bc->ref_mean[g] - bc->hist_mean[g]);
    }
    return DSC_OK;
}

static int delta_apply(dsc_ctx_t *ctx, const dsc_bc_t *bc, const double *sim, const int *pos,
                       size_t n, double *out)
{
    double *sim_mean = NULL;
    int rc = bc_sim_groups(ctx, bc, sim, pos, n, NULL, &sim_mean);
    if (rc != DSC_OK)
        return rc;
    for (size_t i = 0; i < n; i++) {
        size_t g = (size_t)pos[i];
        if (!isfinite(sim[i]) || !has_fit(bc, g))
            out[i] = NAN;
        else
            out[i] = bc->ref_mean[g] + (sim_mean[g] - bc->hist_mean[g]);
    }
    free(sim_mean);
    return DSC_OK;
}

static int variance_fit(dsc_ctx_t *ctx, dsc_bc_t *bc, const bc_buckets_t *ref,
                        const bc_buckets_t *hist)
{
    bc->ref_sd = dsc_malloc(ctx, bc->ngroups * sizeof *bc->ref_sd, "bias correction");
    bc->hist_sd = dsc_malloc(ctx, bc->ngroups * sizeof *bc->hist_sd, "bias correction");
    if (!bc->ref_sd || !bc->hist_sd)
        return DSC_ERR_NOMEM;
    bc_group_sds(ref, bc->half, bc->ref_mean, bc->ref_sd);
    bc_group_sds(hist, bc->half, bc->hist_mean, bc->hist_sd);
    return DSC_OK;
}

static int variance_apply(dsc_ctx_t *ctx, const dsc_bc_t *bc, const double *sim, const int *pos,
                          size_t n, double *out)
{
    double *sim_mean = NULL;
    int rc = bc_sim_groups(ctx, bc, sim, pos, n, NULL, &sim_mean);
    if (rc != DSC_OK)
        return rc;
    for (size_t i = 0; i < n; i++) {
        size_t g = (size_t)pos[i];
        if (!isfinite(sim[i]) || !has_fit(bc, g)) {
            out[i] = NAN;
            continue;
        }
        double ratio = bc->hist_sd[g] > 0.0 ? bc->ref_sd[g] / bc->hist_sd[g] : 1.0;
        out[i] =
            sim_mean[g] + (bc->ref_mean[g] - bc->hist_mean[g]) + (sim[i] - sim_mean[g]) * ratio;
    }
    free(sim_mean);
    return DSC_OK;
}

const bc_method_t bc_method_linear_scaling = {"linear_scaling", no_extra_fit, linear_apply};
const bc_method_t bc_method_delta = {"delta", no_extra_fit, delta_apply};
const bc_method_t bc_method_variance_scaling = {"variance_scaling", variance_fit, variance_apply};
