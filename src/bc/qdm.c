/* qdm.c - quantile delta mapping, additive (Cannon, Sobie and Murdock 2015, J. Climate 28):
 * a simulated value x at non-exceedance probability tau within the simulated period gets
 * out = F_ref^-1(tau) + (x - F_hist^-1(tau)), so the model's change at every quantile is
 * kept and only the historical bias is removed.
 *
 * tau comes from the simulated series' own quantile nodes in the value's group, computed
 * over every value passed to apply: pass one scenario period (say 30 years) at a time, not a
 * whole transient run, or the trend within the run is taken for spread.
 */
#include "bc_internal.h"

#include <math.h>
#include <stdlib.h>

static int qdm_apply(dsc_ctx_t *ctx, const dsc_bc_t *bc, const double *sim, const int *pos,
                     size_t n, double *out)
{
    double *sim_q = NULL;
    int rc = bc_sim_groups(ctx, bc, sim, pos, n, &sim_q, NULL);
    if (rc != DSC_OK)
        return rc;

    size_t nq = bc->nq;
    for (size_t i = 0; i < n; i++) {
        size_t row = (size_t)pos[i] * nq;
        const double *rq = bc->ref_q + row, *hq = bc->hist_q + row;
        double x = sim[i];
        /* A finite x lies in its own group, so sim_q's row is filled whenever x is. */
        if (!isfinite(x) || isnan(rq[0]) || isnan(hq[0]))
            out[i] = NAN;
        else
            out[i] = bc_quantile_map(rq, hq, sim_q + row, nq, x);
    }
    free(sim_q);
    return DSC_OK;
}

const bc_method_t bc_method_qdm = {"qdm", bc_fit_quantiles, qdm_apply};
