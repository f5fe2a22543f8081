/* fit.c - the bias-correction entry points: settings checked, values grouped by position in
 * the year, then the method chosen by name from the table below does its part.
 */
#include "bc_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const bc_method_t *const methods[] = {
    &bc_method_eqm,
    &bc_method_qdm,
    &bc_method_dqm,
    &bc_method_linear_scaling,
    &bc_method_variance_scaling,
    &bc_method_delta,
};

#define NMETHODS (sizeof methods / sizeof methods[0])

const bc_method_t *bc_method_find(const dsc_bc_config_t *cfg)
{
    for (size_t i = 0; i < NMETHODS; i++)
        if (bc_config_string_is(cfg->method, sizeof cfg->method, methods[i]->name))
            return methods[i];
    return NULL;
}

int bc_method_unknown(dsc_ctx_t *ctx, const dsc_bc_config_t *cfg)
{
    return dsc_error(ctx, DSC_ERR_CONFIG,
                     "bias correction method '%s': unknown (expected eqm, qdm, dqm, "
                     "linear_scaling, variance_scaling or delta)",
                     cfg->method);
}

int *bc_positions_alloc(dsc_ctx_t *ctx, size_t n)
{
    if (n > SIZE_MAX / sizeof(int)) {
        dsc_error(ctx, DSC_ERR_NOMEM, "bias correction: %zu values is too many", n);
        return NULL;
    }
    return dsc_malloc(ctx, (n ? n : 1) * sizeof(int), "bias correction positions");
}

/* The layout fields of a new correction, with the checks that need the calendar. */
static int layout_set(dsc_ctx_t *ctx, dsc_bc_t *bc, const dsc_bc_config_t *cfg, dsc_calendar_t cal)
{
    bc->cfg = *cfg;
    bc->cal = cal;
    bc->ngroups = dsc_bc_group_count(cfg->grouping, cal);
    if (bc->ngroups == 0)
        return dsc_error(ctx, DSC_ERR_USAGE, "bias correction calendar %d: unknown", (int)cal);
    if (cfg->grouping == DSC_BC_GROUP_MONTH)
        return DSC_OK;
    if ((size_t)cfg->window > bc->ngroups)
        return dsc_error(ctx, DSC_ERR_CONFIG,
                         "bias correction window %d: longer than the %zu days of a %s year",
                         cfg->window, bc->ngroups, dsc_calendar_name(cal));
    bc->half = (size_t)cfg->window / 2;
    return DSC_OK;
}

/* The checks every fit starts with; *method gets the method of cfg. */
static int fit_check(dsc_ctx_t *ctx, const dsc_bc_config_t *cfg, const bc_method_t **method)
{
    int rc = bc_config_check(ctx, cfg);
    if (rc != DSC_OK)
        return rc;
    *method = bc_method_find(cfg);
    return *method ? DSC_OK : bc_method_unknown(ctx, cfg);
}

int bc_fit_positions(dsc_ctx_t *ctx, const dsc_bc_config_t *cfg, dsc_calendar_t cal,
                     const double *ref, const int *ref_pos, size_t n_ref, const double *hist,
                     const int *hist_pos, size_t n_hist, dsc_bc_t **out)
{
    dsc_bc_t *bc = NULL;
    bc_buckets_t rb = {0}, hb = {0};
    const bc_method_t *method = NULL;
    int rc;

    *out = NULL;
    if ((rc = fit_check(ctx, cfg, &method)) != DSC_OK)
        return rc;
    bc = dsc_calloc(ctx, 1, sizeof *bc, "bias correction");
    if (!bc)
        return DSC_ERR_NOMEM;
    bc->method = method;
    if ((rc = layout_set(ctx, bc, cfg, cal)) != DSC_OK)
        goto fail;

    rc = DSC_ERR_NOMEM;
    bc->ref_mean = dsc_malloc(ctx, bc->ngroups * sizeof *bc->ref_mean, "bias correction");
    bc->hist_mean = dsc_malloc(ctx, bc->ngroups * sizeof *bc->hist_mean, "bias correction");
    if (!bc->ref_mean || !bc->hist_mean)
        goto fail;
    if ((rc = bc_buckets_build(ctx, bc->ngroups, ref, ref_pos, n_ref, &rb)) != DSC_OK ||
        (rc = bc_buckets_build(ctx, bc->ngroups, hist, hist_pos, n_hist, &hb)) != DSC_OK)
        goto fail;

    /* Every method needs to know which groups have data, and most need the means. */
    bc_group_means(&rb, bc->half, bc->ref_mean);
    bc_group_means(&hb, bc->half, bc->hist_mean);
    size_t filled = 0;
    for (size_t g = 0; g < bc->ngroups; g++)
        filled += !isnan(bc->ref_mean[g]) && !isnan(bc->hist_mean[g]);
    if (filled == 0) {
        rc = dsc_error(ctx, DSC_ERR_RANGE,
                       "bias correction: no group has valid values in both ref and hist");
        goto fail;
    }

    if ((rc = method->fit(ctx, bc, &rb, &hb)) != DSC_OK)
        goto fail;
    *out = bc;
    bc = NULL;
fail:
    bc_buckets_free(&rb);
    bc_buckets_free(&hb);
    dsc_bc_destroy(bc);
    return rc;
}

int dsc_bc_fit(dsc_ctx_t *ctx, const dsc_bc_config_t *cfg, dsc_calendar_t cal, const double *ref,
               const dsc_date_t *ref_dates, size_t n_ref, const double *hist,
               const dsc_date_t *hist_dates, size_t n_hist, dsc_bc_t **out)
{
    const bc_method_t *method;
    int *ref_pos = NULL, *hist_pos = NULL;
    int rc;

    if (!out || !cfg || (n_ref && (!ref || !ref_dates)) || (n_hist && (!hist || !hist_dates)))
        return dsc_error(ctx, DSC_ERR_USAGE, "bias correction fit: missing argument");
    *out = NULL;
    /* Settings first: a bad setting is reported as such whatever the dates. */
    if ((rc = fit_check(ctx, cfg, &method)) != DSC_OK)
        return rc;
    if (dsc_bc_group_count(cfg->grouping, cal) == 0)
        return dsc_error(ctx, DSC_ERR_USAGE, "bias correction calendar %d: unknown", (int)cal);

    ref_pos = bc_positions_alloc(ctx, n_ref);
    hist_pos = bc_positions_alloc(ctx, n_hist);
    if (!ref_pos || !hist_pos)
        rc = DSC_ERR_NOMEM;
    if (!rc)
        rc = bc_positions(ctx, cfg->grouping, cal, ref_dates, n_ref, "ref", ref_pos);
    if (!rc)
        rc = bc_positions(ctx, cfg->grouping, cal, hist_dates, n_hist, "hist", hist_pos);
    if (!rc)
        rc = bc_fit_positions(ctx, cfg, cal, ref, ref_pos, n_ref, hist, hist_pos, n_hist, out);
    free(ref_pos);
    free(hist_pos);
    return rc;
}

int bc_apply_positions(dsc_ctx_t *ctx, const dsc_bc_t *bc, const double *sim, const int *pos,
                       size_t n, double *out)
{
    return n ? bc->method->apply(ctx, bc, sim, pos, n, out) : DSC_OK;
}

int dsc_bc_apply(dsc_ctx_t *ctx, const dsc_bc_t *bc, const double *sim, const dsc_date_t *dates,
                 size_t n, double *out)
{
    if (!bc || (n && (!sim || !dates || !out)))
        return dsc_error(ctx, DSC_ERR_USAGE, "bias correction apply: missing argument");
    if (n == 0)
        return DSC_OK;

    /* Every date is checked before the first value is written, since out may alias sim. */
    int *pos = bc_positions_alloc(ctx, n);
    if (!pos)
        return DSC_ERR_NOMEM;
    int rc = bc_positions(ctx, bc->cfg.grouping, bc->cal, dates, n, "sim", pos);
    if (rc == DSC_OK)
        rc = bc_apply_positions(ctx, bc, sim, pos, n, out);
    free(pos);
    return rc;
}

size_t dsc_bc_groups(const dsc_bc_t *bc)
{
    return bc ? bc->ngroups : 0;
}

void dsc_bc_destroy(dsc_bc_t *bc)
{
    if (!bc)
        return;
    free(bc->ref_q);
    free(bc->hist_q);
    free(bc->ref_mean);
    free(bc->hist_mean);
    free(bc->ref_sd);
    free(bc->hist_sd);
    free(bc);
}
