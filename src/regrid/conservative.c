/* conservative.c - first-order conservative weights on the sphere.
 *
 * Every cell is a latitude-longitude rectangle (edges halfway between centres unless the
 * caller gives them, as the bounds of a Gaussian grid), so its
 * area is R^2 * dlon * (sin(lat_top) - sin(lat_bottom)) and the overlap of two cells is the
 * product of a longitude overlap and a sin(latitude) overlap. The weights therefore split
 * into one list per target row and one per target column, and a target cell's entries are
 * their products. Each list is normalised by the part of the target that the source
 * covers, so a constant is kept at the ragged edge of the domain, and where the source
 * covers the target fully the area integral is kept exactly.
 *
 * A target axis with one centre (and every point of a point set) has no width to average
 * over: along it the target is a point and takes the source cell that holds it.
 */
#include "regrid_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DEG2RAD (3.14159265358979323846 / 180.0)

/* For each target index along one axis, the source cells it overlaps and their shares. */
typedef struct {
    size_t *start; /* n + 1 offsets */
    size_t *idx;   /* source index along the axis */
    double *frac;  /* share of the covered part of the target, summing to 1 */
    size_t len, cap;
} overlap_list_t;

/* Target intervals along one axis, in degrees; lo == hi marks a point. */
typedef struct {
    size_t n;
    double *centre, *lo, *hi;
} target_axis_t;

static void list_clear(overlap_list_t *l)
{
    free(l->start);
    free(l->idx);
    free(l->frac);
    memset(l, 0, sizeof *l);
}

static int list_push(dsc_ctx_t *ctx, overlap_list_t *l, size_t idx, double frac)
{
    if (l->len == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 256;
        size_t *i = realloc(l->idx, cap * sizeof *i);
        if (i)
            l->idx = i;
        double *f = i ? realloc(l->frac, cap * sizeof *f) : NULL;
        if (!f)
            return dsc_error(ctx, DSC_ERR_NOMEM, "conservative weights: out of memory");
        l->frac = f;
        l->cap = cap;
    }
    l->idx[l->len] = idx;
    l->frac[l->len] = frac;
    l->len++;
    return DSC_OK;
}

/* Longitude overlap in degrees, trying the source cell one turn down and up as well so
 * that a target interval hanging over the seam is counted on both sides. */
static double lon_overlap(double a, double b, double e0, double e1)
{
    double sum = 0.0;
    for (int k = -1; k <= 1; k++) {
        double d = fmin(b, e1 + 360.0 * k) - fmax(a, e0 + 360.0 * k);
        if (d > 0.0)
            sum += d;
    }
    return sum;
}

static double lat_overlap(double a, double b, double e0, double e1)
{
    double top = fmin(b, e1), bottom = fmax(a, e0);
    return top > bottom ? sin(top * DEG2RAD) - sin(bottom * DEG2RAD) : 0.0;
}

static int overlaps_of(dsc_ctx_t *ctx, const dsc_regrid_axis_t *src, double centre, double lo,
                       double hi, overlap_list_t *l)
{
    double x = dsc_regrid_axis_wrap(src, centre);
    size_t cell = dsc_regrid_axis_find_cell(src, x);
    size_t first = l->len;
    double total = 0.0;
    int rc;

    if (cell == DSC_REGRID_NONE)
        return DSC_OK;
    if (lo == hi)
        return list_push(ctx, l, cell, 1.0);
    lo += x - centre;
    hi += x - centre;
    for (size_t i = 0; i < src->n; i++) {
        double e0 = src->edge[i], e1 = src->edge[i + 1];
        double ov = src->is_lon ? lon_overlap(lo, hi, e0, e1) : lat_overlap(lo, hi, e0, e1);
        if (ov > 0.0) {
            if ((rc = list_push(ctx, l, i, ov)))
                return rc;
            total += ov;
        }
    }
    for (size_t e = first; e < l->len; e++)
        l->frac[e] /= total;
    return DSC_OK;
}

static int build_lists(dsc_ctx_t *ctx, const dsc_regrid_axis_t *src, const target_axis_t *t,
                       overlap_list_t *l)
{
    memset(l, 0, sizeof *l);
    l->start = dsc_calloc(ctx, t->n + 1, sizeof(size_t), "conservative overlap offsets");
    if (!l->start)
        return DSC_ERR_NOMEM;
    for (size_t k = 0; k < t->n; k++) {
        int rc = overlaps_of(ctx, src, t->centre[k], t->lo[k], t->hi[k], l);
        if (rc)
            return rc;
        l->start[k + 1] = l->len;
    }
    return DSC_OK;
}

static void target_clear(target_axis_t *t)
{
    free(t->centre);
    free(t->lo);
    free(t->hi);
    memset(t, 0, sizeof *t);
}

/* Points, or a rectilinear axis of one centre without given edges, are points:
 * lo == hi == centre. */
static int target_init(dsc_ctx_t *ctx, target_axis_t *t, const double *c, size_t n,
                       const double *edges, int is_lon, int periodic, int as_points)
{
    dsc_regrid_axis_t ax = {0};
    int rc = DSC_OK;

    memset(t, 0, sizeof *t);
    t->n = n;
    t->centre = dsc_malloc(ctx, n * sizeof(double), "conservative target centres");
    t->lo = dsc_malloc(ctx, n * sizeof(double), "conservative target edges");
    t->hi = dsc_malloc(ctx, n * sizeof(double), "conservative target edges");
    if (!t->centre || !t->lo || !t->hi) {
        rc = DSC_ERR_NOMEM;
        goto fail;
    }
    if (as_points || (n == 1 && !edges)) {
        memcpy(t->centre, c, n * sizeof(double));
        memcpy(t->lo, c, n * sizeof(double));
        memcpy(t->hi, c, n * sizeof(double));
        return DSC_OK;
    }
    if ((rc = dsc_regrid_axis_init(ctx, &ax, c, n, edges, is_lon, periodic, "target grid")))
        goto fail;
    memcpy(t->centre, ax.centre, n * sizeof(double));
    memcpy(t->lo, ax.edge, n * sizeof(double));
    memcpy(t->hi, ax.edge + 1, n * sizeof(double));
    dsc_regrid_axis_clear(&ax);
    return DSC_OK;
fail:
    target_clear(t);
    return rc;
}

/* Entries of one target cell: every pair of its row list and column list. */
static int add_products(dsc_regrid_builder_t *b, const overlap_list_t *rows, size_t r,
                        const overlap_list_t *cols, size_t c, size_t nlon)
{
    for (size_t i = rows->start[r]; i < rows->start[r + 1]; i++) {
        for (size_t k = cols->start[c]; k < cols->start[c + 1]; k++) {
            int rc = dsc_regrid_builder_add(b, rows->idx[i] * nlon + cols->idx[k],
                                            rows->frac[i] * cols->frac[k]);
            if (rc)
                return rc;
        }
    }
    dsc_regrid_builder_next(b);
    return DSC_OK;
}

int dsc_regrid_build_conservative(dsc_ctx_t *ctx, const dsc_regrid_source_t *src,
                                  const dsc_grid_t *dst, const dsc_regrid_edges_t *dst_edges,
                                  dsc_regrid_builder_t *b)
{
    int points = dst->kind == DSC_GRID_POINTS;
    size_t nlon_dst = points ? dst->nlat : dst->nlon;
    const double *lat_edges = dst_edges && !points ? dst_edges->lat : NULL;
    const double *lon_edges = dst_edges && !points ? dst_edges->lon : NULL;
    target_axis_t tlat = {0}, tlon = {0};
    overlap_list_t rows = {0}, cols = {0};
    int rc;

    if ((rc = target_init(ctx, &tlat, dst->lat, dst->nlat, lat_edges, 0, 0, points)) ||
        (rc = target_init(ctx, &tlon, dst->lon, nlon_dst, lon_edges, 1, dst->lon_wraps,
                          points)) ||
        (rc = build_lists(ctx, &src->lat, &tlat, &rows)) ||
        (rc = build_lists(ctx, &src->lon, &tlon, &cols)))
        goto fail;

    for (size_t r = 0; r < dst->nlat && !rc; r++) {
        if (points)
            rc = add_products(b, &rows, r, &cols, r, src->grid->nlon);
        for (size_t c = 0; c < dst->nlon && !points && !rc; c++)
            rc = add_products(b, &rows, r, &cols, c, src->grid->nlon);
    }
fail:
    target_clear(&tlat);
    target_clear(&tlon);
    list_clear(&rows);
    list_clear(&cols);
    return rc;
}
