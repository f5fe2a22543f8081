/* regrid_internal.h - what the regrid files share and nobody else sees: the weight storage,
 * the builder the methods append to, and the prepared source axes (centres and cell edges).
 */
#ifndef DSC_REGRID_INTERNAL_H
#define DSC_REGRID_INTERNAL_H

#include "dsc/regrid.h"

/* Compressed-row weights: target j owns entries [start[j], start[j + 1]). */
struct dsc_regrid_weights {
    char method[32]; /* the method name the weights were built with */
    size_t nsrc;     /* source cells */
    size_t ndst;     /* target cells */
    size_t *start;   /* ndst + 1 offsets into cell[] and weight[] */
    size_t *cell;    /* source cell index of each entry */
    double *weight;  /* weight of each entry, >= 0, summing to 1 per target */
    size_t cap;      /* allocated length of cell[] and weight[] */
};

/* One axis of a rectilinear grid, ready for searching. Longitudes are unwrapped so that the
 * centres ascend strictly even when the stored values cross the antimeridian. */
typedef struct {
    size_t n;       /* number of centres */
    double *centre; /* n centres, degrees, strictly ascending */
    double *edge;   /* n + 1 cell edges halfway between centres, degrees; the outer ones lie
                       half a spacing out (latitudes clamped to +-90) */
    int is_lon;     /* 1 for longitude */
    int periodic;   /* longitude only: the edges cover exactly 360 degrees */
} dsc_regrid_axis_t;

/* Marks "no cell" in the search functions below. */
#define DSC_REGRID_NONE ((size_t)-1)

/* Prepares an axis from n stored centres (lat ascending; lon ascending modulo 360). One
 * centre gives a cell that covers the whole axis: there is no spacing to derive an edge
 * from. what names the grid in messages. DSC_ERR_USAGE on bad coordinates. */
int dsc_regrid_axis_init(dsc_ctx_t *ctx, dsc_regrid_axis_t *ax, const double *centre, size_t n,
                         int is_lon, int periodic, const char *what);
void dsc_regrid_axis_clear(dsc_regrid_axis_t *ax);
/* For a longitude axis, x moved by a multiple of 360 into [edge[0], edge[0] + 360);
 * for a latitude axis, x itself. */
double dsc_regrid_axis_wrap(const dsc_regrid_axis_t *ax, double x);
/* The cell whose edges hold x (already wrapped), the lower cell on a shared edge, or
 * DSC_REGRID_NONE beyond the outer edges. */
size_t dsc_regrid_axis_find_cell(const dsc_regrid_axis_t *ax, double x);
/* The one or two centres around x (already wrapped) and their linear weights; returns the
 * count, 0 when x lies beyond the outer centres of a non-periodic axis. An axis of one
 * centre gives that centre with weight 1 (the field is taken constant along it). */
int dsc_regrid_axis_bracket(const dsc_regrid_axis_t *ax, double x, size_t idx[2], double wt[2]);

/* The source grid as the methods see it. */
typedef struct {
    const dsc_grid_t *grid;
    dsc_regrid_axis_t lat;
    dsc_regrid_axis_t lon;
} dsc_regrid_source_t;

/* Methods append the entries of target 0, 1, ... in order: add() for each entry, then
 * next() to close the target. A target closed without entries stays empty (NaN). */
typedef struct {
    dsc_ctx_t *ctx;
    dsc_regrid_weights_t *w;
    size_t target; /* the target being filled */
} dsc_regrid_builder_t;

int dsc_regrid_builder_add(dsc_regrid_builder_t *b, size_t cell, double weight);
void dsc_regrid_builder_next(dsc_regrid_builder_t *b);

/* One function per method: fills b for every cell of dst. */
typedef int (*dsc_regrid_build_fn)(dsc_ctx_t *ctx, const dsc_regrid_source_t *src,
                                   const dsc_grid_t *dst, dsc_regrid_builder_t *b);

int dsc_regrid_build_bilinear(dsc_ctx_t *ctx, const dsc_regrid_source_t *src, const dsc_grid_t *dst,
                              dsc_regrid_builder_t *b);
int dsc_regrid_build_nearest(dsc_ctx_t *ctx, const dsc_regrid_source_t *src, const dsc_grid_t *dst,
                             dsc_regrid_builder_t *b);
int dsc_regrid_build_conservative(dsc_ctx_t *ctx, const dsc_regrid_source_t *src,
                                  const dsc_grid_t *dst, dsc_regrid_builder_t *b);
int dsc_regrid_build_idw(dsc_ctx_t *ctx, const dsc_regrid_source_t *src, const dsc_grid_t *dst,
                         dsc_regrid_builder_t *b);

#endif
