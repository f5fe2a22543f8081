/* eqm.c - empirical quantile mapping: each value is moved by the difference between the
 * ref and hist quantiles at the position the value has among the hist quantiles of its
 * group. Fitted and applied to hist itself it returns ref's quantiles at the nodes.
 */
#include "bc_internal.h"

#include <math.h>

static int eqm_apply(dsc_ctx_t *ctx, const dsc_bc_t *bc, const double *sim, const int *pos,
                     size_t n, double *out)
{
    (void)ctx;
    size_t nq = bc->nq;
    for (size_t i = 0; i < n; i++) {
        const double *rq = bc->ref_q + (size_t)pos[i] * nq;
        const double *hq = bc->hist_q + (size_t)pos[i] * nq;
        double x = sim[i];
        if (!isfinite(x) || isnan(rq[0]) || isnan(hq[0]))
            out[i] = NAN;
        else
            out[i] = bc_quantile_map(rq, hq, hq, nq, x);
    }
    return DSC_OK;
}

const bc_method_t bc_method_eqm = {"eqm", bc_fit_quantiles, eqm_apply};
