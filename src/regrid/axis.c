/* axis.c - one axis of a rectilinear grid: unwrapped centres, cell edges, searches. */
#include "regrid_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int check_lat(dsc_ctx_t *ctx, const double *c, size_t n, const char *what)
{
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(c[i]) || c[i] < -90.0 || c[i] > 90.0)
            return dsc_error(ctx, DSC_ERR_USAGE, "%s: latitude %zu (%g) is not in [-90, 90]", what,
                             i, c[i]);
        if (i > 0 && c[i] <= c[i - 1])
            return dsc_error(ctx, DSC_ERR_USAGE,
                             "%s: latitudes are not strictly ascending at index %zu", what, i);
    }
    return DSC_OK;
}

/* Each centre is moved up by whole turns until it lies above the previous one; a grid
 * whose centres then span a full turn or more was not ascending (or repeats a value). */
static int unwrap_lon(dsc_ctx_t *ctx, const double *c, size_t n, double *u, const char *what)
{
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(c[i]))
            return dsc_error(ctx, DSC_ERR_USAGE, "%s: longitude %zu is not finite", what, i);
        if (i == 0)
            u[0] = c[0] >= -180.0 && c[0] < 180.0 ? c[0] : dsc_lon_normalize(c[0]);
        else
            u[i] = c[i] + (u[i - 1] - c[i - 1]);
        while (i > 0 && u[i] <= u[i - 1])
            u[i] += 360.0;
        if (u[i] - u[0] >= 360.0)
            return dsc_error(ctx, DSC_ERR_USAGE,
                             "%s: longitudes are not ascending (modulo 360) at index %zu", what, i);
    }
    return DSC_OK;
}

static void set_edges(dsc_regrid_axis_t *ax)
{
    size_t n = ax->n;
    const double *c = ax->centre;
    double *e = ax->edge;

    if (n == 1) {
        e[0] = ax->is_lon ? c[0] - 180.0 : -90.0;
        e[1] = ax->is_lon ? c[0] + 180.0 : 90.0;
        ax->periodic = ax->is_lon;
        return;
    }
    for (size_t i = 1; i < n; i++)
        e[i] = 0.5 * (c[i - 1] + c[i]);
    e[0] = c[0] - 0.5 * (c[1] - c[0]);
    e[n] = c[n - 1] + 0.5 * (c[n - 1] - c[n - 2]);
    if (!ax->is_lon) {
        e[0] = fmax(e[0], -90.0);
        e[n] = fmin(e[n], 90.0);
        return;
    }
    /* A global grid without the flag would overlap itself; closing the gap halfway
     * between the last and first centre makes it periodic, as the flag would. */
    if (ax->periodic || e[n] - e[0] > 360.0) {
        e[0] = 0.5 * (c[0] + c[n - 1] - 360.0);
        e[n] = e[0] + 360.0;
        ax->periodic = 1;
    }
}

/* Slack for centres that sit exactly on a given edge after a turn was added (degrees). */
#define EDGE_EPS 1e-9

/* Given edges, brought into the turn of the unwrapped centres: a longitude edge keeps its
 * offset from the centre of the cell it bounds (lower edge of cell i, upper edge of the last
 * cell), so edges stored as 0..360 beside centres stored as -180..180 still fit. */
static int take_edges(dsc_ctx_t *ctx, dsc_regrid_axis_t *ax, const double *stored,
                      const double *edges, const char *what)
{
    size_t n = ax->n;
    const char *name = ax->is_lon ? "longitude" : "latitude";

    for (size_t i = 0; i <= n; i++) {
        size_t c = i < n ? i : n - 1;
        if (!isfinite(edges[i]))
            return dsc_error(ctx, DSC_ERR_USAGE, "%s: %s edge %zu is not finite", what, name, i);
        ax->edge[i] = edges[i];
        if (ax->is_lon)
            ax->edge[i] = ax->centre[c] + remainder(edges[i] - stored[c], 360.0);
        else if (fabs(edges[i]) > 90.0 + EDGE_EPS)
            return dsc_error(ctx, DSC_ERR_USAGE, "%s: latitude edge %zu (%g) is not in "
                             "[-90, 90]", what, i, edges[i]);
        else
            ax->edge[i] = fmax(-90.0, fmin(90.0, edges[i]));
    }
    for (size_t i = 0; i < n; i++)
        if (!(ax->edge[i] < ax->edge[i + 1]) || ax->centre[i] < ax->edge[i] - EDGE_EPS ||
            ax->centre[i] > ax->edge[i + 1] + EDGE_EPS)
            return dsc_error(ctx, DSC_ERR_USAGE, "%s: %s cell %zu (centre %g) does not lie "
                             "between its edges %g and %g", what, name, i, stored[i],
                             edges[i], edges[i + 1]);
    if (!ax->is_lon)
        return DSC_OK;

    double span = ax->edge[n] - ax->edge[0];
    if (span > 360.0 + 1e-6 || (ax->periodic && span < 360.0 - 1e-6))
        return dsc_error(ctx, DSC_ERR_USAGE, "%s: longitude edges span %g degrees; a %s grid "
                         "needs %s", what, span, ax->periodic ? "periodic" : "regional",
                         ax->periodic ? "exactly 360" : "at most 360");
    if (span >= 360.0 - 1e-6) {
        ax->edge[n] = ax->edge[0] + 360.0;
        ax->periodic = 1;
    }
    return DSC_OK;
}

int dsc_regrid_axis_init(dsc_ctx_t *ctx, dsc_regrid_axis_t *ax, const double *centre, size_t n,
                         const double *edges, int is_lon, int periodic, const char *what)
{
    int rc;

    memset(ax, 0, sizeof *ax);
    if (n == 0)
        return dsc_error(ctx, DSC_ERR_USAGE, "%s: the %s axis is empty", what,
                         is_lon ? "longitude" : "latitude");
    ax->n = n;
    ax->is_lon = is_lon;
    ax->periodic = is_lon && periodic;
    ax->centre = dsc_malloc(ctx, n * sizeof(double), "regrid axis centres");
    ax->edge = dsc_malloc(ctx, (n + 1) * sizeof(double), "regrid axis edges");
    if (!ax->centre || !ax->edge) {
        rc = DSC_ERR_NOMEM;
        goto fail;
    }
    if (is_lon) {
        rc = unwrap_lon(ctx, centre, n, ax->centre, what);
    } else {
        rc = check_lat(ctx, centre, n, what);
        memcpy(ax->centre, centre, n * sizeof(double));
    }
    if (rc)
        goto fail;
    if (edges)
        rc = take_edges(ctx, ax, centre, edges, what);
    else
        set_edges(ax);
    if (rc)
        goto fail;
    return DSC_OK;
fail:
    dsc_regrid_axis_clear(ax);
    return rc;
}

void dsc_regrid_axis_clear(dsc_regrid_axis_t *ax)
{
    if (!ax)
        return;
    free(ax->centre);
    free(ax->edge);
    memset(ax, 0, sizeof *ax);
}

double dsc_regrid_axis_wrap(const dsc_regrid_axis_t *ax, double x)
{
    if (!ax->is_lon || !isfinite(x))
        return x;
    /* Whole turns only, so a value already in range comes back bit for bit. */
    double lo = ax->edge[0];
    double r = x - 360.0 * floor((x - lo) / 360.0);
    if (r < lo)
        r += 360.0;
    else if (r >= lo + 360.0)
        r -= 360.0;
    return r;
}

/* Largest i in [0, n - 1) with v[i] <= x, for ascending v and x >= v[0]. */
static size_t search(const double *v, size_t n, double x)
{
    size_t lo = 0, hi = n - 1;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid] <= x)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

size_t dsc_regrid_axis_find_cell(const dsc_regrid_axis_t *ax, double x)
{
    if (!(x >= ax->edge[0] && x <= ax->edge[ax->n]))
        return DSC_REGRID_NONE;
    size_t i = search(ax->edge, ax->n + 1, x);
    /* A point on an inner edge belongs to the lower cell, as documented. */
    if (i > 0 && x == ax->edge[i])
        i--;
    return i;
}

int dsc_regrid_axis_bracket(const dsc_regrid_axis_t *ax, double x, size_t idx[2], double wt[2])
{
    size_t n = ax->n;
    const double *c = ax->centre;
    double left, right;

    if (n == 1) {
        idx[0] = 0;
        wt[0] = 1.0;
        return 1;
    }
    if (ax->periodic && (x < c[0] || x > c[n - 1])) {
        /* Across the seam: the last centre and the first, one turn apart. */
        idx[0] = n - 1;
        idx[1] = 0;
        left = x < c[0] ? c[n - 1] - 360.0 : c[n - 1];
        right = x < c[0] ? c[0] : c[0] + 360.0;
    } else {
        if (!(x >= c[0] && x <= c[n - 1]))
            return 0;
        idx[0] = search(c, n, x);
        idx[1] = idx[0] + 1;
        left = c[idx[0]];
        right = c[idx[1]];
    }
    double t = (x - left) / (right - left);
    wt[0] = 1.0 - t;
    wt[1] = t;
    return 2;
}
