/* projection.c - the map projection of the plot module, through PROJ: a Lambert azimuthal
 * equal-area projection centred on the mapped region. Equal-area, so cell sizes and the
 * share of a region in one colour read true; azimuthal about the centre, so a region of a
 * few thousand kilometres keeps its shapes (distortion grows slowly with distance from the
 * centre, far below what a report reader could see over a regional domain).
 *
 * Each map opens its own PROJ context, so maps may be drawn from several threads. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <proj.h>

#include "plot_internal.h"

/* PROJ writes its own messages to stderr by default; a library must stay quiet, and every
 * failure that matters reaches the caller through a return value anyway. */
static void quiet(void *user, int level, const char *msg)
{
    (void)user;
    (void)level;
    (void)msg;
}

int plot_proj_open(dsc_ctx_t *ctx, plot_proj_t *pr, const char *name, double lat0,
                   double lon0)
{
    char target[256];

    memset(pr, 0, sizeof *pr);
    pr->lat0 = lat0;
    pr->lon0 = lon0;
    PJ_CONTEXT *pc = proj_context_create();
    if (!pc)
        return dsc_error(ctx, DSC_ERR_NOMEM, "%s: cannot create a PROJ context", name);
    proj_log_func(pc, NULL, quiet);
    snprintf(target, sizeof target,
             "+proj=laea +lat_0=%.6f +lon_0=%.6f +ellps=WGS84 +units=m +no_defs +type=crs",
             lat0, lon0);
    /* Both ends as PROJ strings: the transformation needs no lookup in proj.db, and the
     * geographic source keeps the longitude-first order the map code uses. */
    PJ *pj = proj_create_crs_to_crs(pc, "+proj=longlat +ellps=WGS84 +no_defs +type=crs",
                                    target, NULL);
    if (!pj) {
        int err = proj_context_errno(pc);
        proj_context_destroy(pc);
        return dsc_error(ctx, DSC_ERR_INTERNAL, "%s: PROJ cannot set up the map projection "
                         "(%s): %s", name, target, proj_context_errno_string(NULL, err));
    }
    pr->ctx = pc;
    pr->pj = pj;
    return DSC_OK;
}

void plot_proj_close(plot_proj_t *pr)
{
    if (!pr)
        return;
    if (pr->pj)
        proj_destroy((PJ *)pr->pj);
    if (pr->ctx)
        proj_context_destroy((PJ_CONTEXT *)pr->ctx);
    pr->pj = NULL;
    pr->ctx = NULL;
}

/* Points PROJ cannot transform come back as HUGE_VAL; the map code breaks lines at NaN. */
static void mark_failures(double *x, double *y, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i]) || !isfinite(y[i]) || fabs(x[i]) > 1e15 || fabs(y[i]) > 1e15) {
            x[i] = NAN;
            y[i] = NAN;
        }
    }
}

void plot_proj_forward(plot_proj_t *pr, double *x, double *y, size_t n)
{
    if (n == 0)
        return;
    /* A longitude far from the centre meridian is the same place; bring it near so
     * PROJ never sees a value it would have to wrap. NaN passes through as NaN. */
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i]) || !isfinite(y[i]) || fabs(y[i]) > 90) {
            x[i] = y[i] = HUGE_VAL;
            continue;
        }
        x[i] = pr->lon0 + remainder(x[i] - pr->lon0, 360.0);
    }
    proj_errno_reset((PJ *)pr->pj);
    proj_trans_generic((PJ *)pr->pj, PJ_FWD, x, sizeof *x, n, y, sizeof *y, n, NULL, 0, 0, NULL, 0,
                       0);
    mark_failures(x, y, n);
}

void plot_proj_inverse(plot_proj_t *pr, double *x, double *y, size_t n)
{
    if (n == 0)
        return;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]) || !isfinite(y[i]))
            x[i] = y[i] = HUGE_VAL;
    proj_errno_reset((PJ *)pr->pj);
    proj_trans_generic((PJ *)pr->pj, PJ_INV, x, sizeof *x, n, y, sizeof *y, n, NULL, 0, 0, NULL, 0,
                       0);
    mark_failures(x, y, n);
}
