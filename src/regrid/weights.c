/* weights.c - the weight set: compressed-row storage, the method table, grid checks. */
#include "regrid_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    dsc_regrid_build_fn build;
} methods[] = {
    {"bilinear", dsc_regrid_build_bilinear},
    {"nearest", dsc_regrid_build_nearest},
    {"conservative", dsc_regrid_build_conservative},
    {"idw", dsc_regrid_build_idw},
};

#define NMETHODS (sizeof methods / sizeof methods[0])

const char *const *dsc_regrid_methods(void)
{
    /* Kept in the order of the table above. */
    static const char *const names[NMETHODS + 1] = {"bilinear", "nearest", "conservative", "idw",
                                                    NULL};
    return names;
}

int dsc_regrid_builder_add(dsc_regrid_builder_t *b, size_t cell, double weight)
{
    dsc_regrid_weights_t *w = b->w;
    size_t n = w->start[b->target + 1];

    if (n == w->cap) {
        size_t cap = w->cap ? 2 * w->cap : 1024;
        size_t *cell_arr = realloc(w->cell, cap * sizeof *cell_arr);
        if (cell_arr)
            w->cell = cell_arr;
        double *weight_arr = cell_arr ? realloc(w->weight, cap * sizeof *weight_arr) : NULL;
        if (!weight_arr)
            return dsc_error(b->ctx, DSC_ERR_NOMEM, "%s weights: out of memory at %zu entries",
                             w->method, n);
        w->weight = weight_arr;
        w->cap = cap;
    }
    w->cell[n] = cell;
    w->weight[n] = weight;
    w->start[b->target + 1] = n + 1;
    return DSC_OK;
}

void dsc_regrid_builder_next(dsc_regrid_builder_t *b)
{
    b->target++;
    if (b->target < b->w->ndst)
        b->w->start[b->target + 1] = b->w->start[b->target];
}

static int check_points(dsc_ctx_t *ctx, const dsc_grid_t *g, const char *what)
{
    for (size_t i = 0; i < g->nlat; i++)
        if (!isfinite(g->lat[i]) || fabs(g->lat[i]) > 90.0 || !isfinite(g->lon[i]))
            return dsc_error(ctx, DSC_ERR_USAGE, "%s: point %zu has bad coordinates (%g, %g)", what,
                             i, g->lat[i], g->lon[i]);
    return DSC_OK;
}

/* Target coordinates are only checked here; the source is checked while its axes are
 * prepared, and conservative prepares the target axes itself. */
static int check_grids(dsc_ctx_t *ctx, const dsc_grid_t *src, const dsc_grid_t *dst)
{
    if (src->kind != DSC_GRID_RECTILINEAR)
        return dsc_error(ctx, DSC_ERR_USAGE,
                         "source grid: regridding needs a rectilinear source, not points");
    if (!src->nlat || !src->nlon || src->nlat > SIZE_MAX / src->nlon)
        return dsc_error(ctx, DSC_ERR_USAGE, "source grid: bad size %zu x %zu", src->nlat,
                         src->nlon);
    if (!dst->nlat || !dst->nlon || dst->nlat > SIZE_MAX / dst->nlon)
        return dsc_error(ctx, DSC_ERR_USAGE, "target grid: bad size %zu x %zu", dst->nlat,
                         dst->nlon);
    if (dst->kind == DSC_GRID_POINTS)
        return check_points(ctx, dst, "target points");
    for (size_t i = 0; i < dst->nlat; i++)
        if (!isfinite(dst->lat[i]) || fabs(dst->lat[i]) > 90.0)
            return dsc_error(ctx, DSC_ERR_USAGE, "target grid: latitude %zu (%g) is bad", i,
                             dst->lat[i]);
    for (size_t i = 0; i < dst->nlon; i++)
        if (!isfinite(dst->lon[i]))
            return dsc_error(ctx, DSC_ERR_USAGE, "target grid: longitude %zu is not finite", i);
    return DSC_OK;
}

dsc_regrid_weights_t *dsc_regrid_weights_alloc(dsc_ctx_t *ctx, const char *method, size_t nsrc,
                                               size_t ndst)
{
    dsc_regrid_weights_t *w = dsc_calloc(ctx, 1, sizeof *w, "regrid weights");
    if (!w)
        return NULL;
    snprintf(w->method, sizeof w->method, "%s", method);
    w->nsrc = nsrc;
    w->ndst = ndst;
    w->start = dsc_calloc(ctx, ndst + 1, sizeof(size_t), "regrid weight offsets");
    if (!w->start) {
        dsc_regrid_weights_destroy(w);
        return NULL;
    }
    return w;
}

/* The source's extent for the message when nothing of the target falls inside it. */
static int wholly_outside(dsc_ctx_t *ctx, const char *method, const dsc_regrid_source_t *s)
{
    const dsc_regrid_axis_t *la = &s->lat, *lo = &s->lon;
    return dsc_error(ctx, DSC_ERR_RANGE,
                     "%s weights: the target lies wholly outside the source grid "
                     "(lat %g..%g, lon %g..%g)",
                     method, la->edge[0], la->edge[la->n], dsc_lon_normalize(lo->edge[0]),
                     dsc_lon_normalize(lo->edge[lo->n]));
}

int dsc_regrid_weights_build(dsc_ctx_t *ctx, const char *method, const dsc_grid_t *src,
                             const dsc_grid_t *dst, dsc_regrid_weights_t **out)
{
    return dsc_regrid_weights_build_edges(ctx, method, src, NULL, dst, NULL, out);
}

int dsc_regrid_weights_build_edges(dsc_ctx_t *ctx, const char *method, const dsc_grid_t *src,
                                   const dsc_regrid_edges_t *src_edges, const dsc_grid_t *dst,
                                   const dsc_regrid_edges_t *dst_edges,
                                   dsc_regrid_weights_t **out)
{
    dsc_regrid_source_t s = {.grid = src};
    dsc_regrid_weights_t *w = NULL;
    dsc_regrid_builder_t b = {.ctx = ctx};
    size_t m = 0;
    int rc;

    *out = NULL;
    while (m < NMETHODS && (!method || strcmp(methods[m].name, method) != 0))
        m++;
    if (m == NMETHODS)
        return dsc_error(ctx, DSC_ERR_CONFIG,
                         "regrid method '%s': unknown (bilinear, nearest, conservative, idw)",
                         method ? method : "(null)");
    if ((rc = check_grids(ctx, src, dst)))
        return rc;
    if ((rc = dsc_regrid_axis_init(ctx, &s.lat, src->lat, src->nlat,
                                   src_edges ? src_edges->lat : NULL, 0, 0, "source grid")) ||
        (rc = dsc_regrid_axis_init(ctx, &s.lon, src->lon, src->nlon,
                                   src_edges ? src_edges->lon : NULL, 1, src->lon_wraps,
                                   "source grid")))
        goto fail;

    w = dsc_regrid_weights_alloc(ctx, method, dsc_grid_ncells(src), dsc_grid_ncells(dst));
    if (!w) {
        rc = DSC_ERR_NOMEM;
        goto fail;
    }
    b.w = w;
    if ((rc = methods[m].build(ctx, &s, dst, dst_edges, &b)))
        goto fail;
    if (b.target != w->ndst) {
        rc = dsc_error(ctx, DSC_ERR_INTERNAL, "%s weights: %zu of %zu targets filled", method,
                       b.target, w->ndst);
        goto fail;
    }
    if (w->start[w->ndst] == 0) {
        rc = wholly_outside(ctx, method, &s);
        goto fail;
    }
    dsc_regrid_axis_clear(&s.lat);
    dsc_regrid_axis_clear(&s.lon);
    *out = w;
    return DSC_OK;
fail:
    dsc_regrid_axis_clear(&s.lat);
    dsc_regrid_axis_clear(&s.lon);
    dsc_regrid_weights_destroy(w);
    return rc;
}

void dsc_regrid_weights_destroy(dsc_regrid_weights_t *w)
{
    if (!w)
        return;
    free(w->start);
    free(w->cell);
    free(w->weight);
    free(w);
}

size_t dsc_regrid_weights_nsrc(const dsc_regrid_weights_t *w)
{
    return w->nsrc;
}

size_t dsc_regrid_weights_ndst(const dsc_regrid_weights_t *w)
{
    return w->ndst;
}

size_t dsc_regrid_weights_nlinks(const dsc_regrid_weights_t *w)
{
    return w->start[w->ndst];
}

const char *dsc_regrid_weights_method(const dsc_regrid_weights_t *w)
{
    return w->method;
}

void dsc_regrid_weights_entries(const dsc_regrid_weights_t *w, size_t j, size_t *count,
                                const size_t **src_cells, const double **weights)
{
    if (j >= w->ndst) {
        *count = 0;
        *src_cells = NULL;
        *weights = NULL;
        return;
    }
    size_t s = w->start[j];
    *count = w->start[j + 1] - s;
    *src_cells = w->cell ? w->cell + s : NULL;
    *weights = w->weight ? w->weight + s : NULL;
}
