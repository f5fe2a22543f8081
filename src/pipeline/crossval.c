/* crossval.c - placeholder until cross-validation lands: refuses clearly. */
#include "pipeline/internal.h"

int dsc_stage_crossval(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                       const dsc_member_t *m, dsc_outputs_t *outputs)
{
    (void)m;
    (void)outputs;
    return dsc_error(ctx, DSC_ERR_CONFIG, "%s: [evaluation] folds is not available in this "
                     "build (region %s)", p->path, job->region.name);
}
