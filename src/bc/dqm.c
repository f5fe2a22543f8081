/* dqm.c - detrended quantile mapping, additive (Cannon et al. 2015): the difference between
 * the simulated period's group mean and hist's is taken out, the rest is quantile mapped as
 * in EQM, and the difference is put back, so the model's mean change is kept while its
 * spread is corrected. The simulated group mean is taken over every value passed to apply.
 */
#include "bc_internal.h"

#include <math.h>
#include <stdlib.h>

static int dqm_apply(dsc_ctx_t *ctx, const dsc_bc_t *bc, const double *sim, const int *pos,
                     size_t n, double *out)
{
    double *sim_mean = NULL;
    int rc = bc_sim_groups(ctx, bc, sim, pos, n, NULL, &sim_mean);
    if (rc != DSC_OK)
        return rc;

    size_t nq = bc->nq;
    for (size_t i = 0; i < n; i++) {
        size_t g = (size_t)pos[i];
        const double *rq = bc->ref_q + g * nq, *hq = bc->hist_q + g * nq;
        double x = sim[i];
        if (!isfinite(x) || isnan(rq[0]) || isnan(hq[0])) {
            out[i] = NAN;
            continue;
        }
        double shift = sim_mean[g] - bc->hist_mean[g];
        out[i] = bc_quantile_map(rq, hq, hq, nq, x - shift) + shift;
    }
    free(sim_mean);
    return DSC_OK;
}

const bc_method_t bc_method_dqm = {"dqm", bc_fit_quantiles, dqm_apply};
