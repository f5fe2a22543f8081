/* apply.c - applying built weights to one time step or to a whole field. */
#include "regrid_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void dsc_regrid_apply(const dsc_regrid_weights_t *w, const double *src, double *dst)
{
    for (size_t j = 0; j < w->ndst; j++) {
        double sum = 0.0, wsum = 0.0;

        for (size_t e = w->start[j]; e < w->start[j + 1]; e++) {
            double v = src[w->cell[e]];
            if (isnan(v))
                continue;
            sum += w->weight[e] * v;
            wsum += w->weight[e];
        }
        /* Dividing also when nothing is missing costs little and keeps one rule: the
         * result is the weighted mean of the sources that have a value. */
        dst[j] = wsum > 0.0 ? sum / wsum : NAN;
    }
}

void dsc_regrid_apply_steps(const dsc_regrid_weights_t *w, size_t nt, const double *src,
                            double *dst)
{
    /* One thread: tiling the steps to reuse each weight measured no faster (a step's
     * source stays in the cache while its weights stream by), and threads for the steps
     * of a block cost more than they gave beside the reading and writing around them. */
    for (size_t t = 0; t < nt; t++)
        dsc_regrid_apply(w, src + t * w->nsrc, dst + t * w->ndst);
}

int dsc_regrid_field(dsc_ctx_t *ctx, const dsc_regrid_weights_t *w, const dsc_field_t *src,
                     const dsc_grid_t *dst, dsc_field_t **out)
{
    *out = NULL;
    if (dsc_field_ncells(src) != w->nsrc)
        return dsc_error(ctx, DSC_ERR_USAGE,
                         "%s: field %s has %zu cells but the %s weights expect %zu", src->source,
                         src->name, dsc_field_ncells(src), w->method, w->nsrc);
    if (dsc_grid_ncells(dst) != w->ndst)
        return dsc_error(ctx, DSC_ERR_USAGE,
                         "%s: target grid has %zu cells but the %s weights expect %zu", src->source,
                         dsc_grid_ncells(dst), w->method, w->ndst);

    dsc_field_t *f = dsc_field_create(ctx, src->name, src->calendar, src->ntime, dst);
    if (!f)
        return dsc_ctx_status(ctx);
    if (src->ntime)
        memcpy(f->dates, src->dates, src->ntime * sizeof *f->dates);
    snprintf(f->units, sizeof f->units, "%s", src->units);
    snprintf(f->source, sizeof f->source, "%s", src->source);

    dsc_regrid_apply_steps(w, src->ntime, src->values, f->values);
    *out = f;
    return DSC_OK;
}
