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

/* An empty weight set (every target without entries) for nsrc sources and ndst targets,
 * NULL with DSC_ERR_NOMEM. */
dsc_regrid_weights_t *dsc_regrid_weights_alloc(dsc_ctx_t *ctx, const char *method, size_t nsrc,
                                               size_t ndst);

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
#define DSC_REGRID_NONE DSC_REGRID_NO_CELL

/* Prepares an axis from n stored centres (lat ascending; lon ascending modulo 360). Without
 * edges (NULL), one centre gives a cell that covers the whole axis: there is no spacing to
 * derive an edge from. With edges (n + 1 values, cell i between edge[i] and edge[i + 1], a
 * longitude edge in any turn), they are used as given once checked: ascending, each centre
 * inside its cell, latitudes within +-90, longitudes spanning at most one turn (a full turn
 * makes the axis periodic). what names the grid in messages. DSC_ERR_USAGE on bad
 * coordinates or edges. */
int dsc_regrid_axis_init(dsc_ctx_t *ctx, dsc_regrid_axis_t *ax, const double *centre, size_t n,
                         const double *edges, int is_lon, int periodic, const char *what);
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

/* Great-circle angle between two points on the unit sphere (haversine), radians. */
double dsc_regrid_central_angle(double lat1, double lon1, double lat2, double lon2);

/* The columns within reach cells of column c: *count columns from *first, to be taken
 * modulo n (a periodic axis narrower than the window gives every column once). */
void dsc_regrid_column_window(const dsc_regrid_axis_t *lon, size_t c, size_t reach,
                              size_t *first, size_t *count);

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

/* One function per method: fills b for every cell of dst. dst_edges (may be NULL, and is
 * ignored for points) are the target's cell edges; only conservative uses them. */
typedef int (*dsc_regrid_build_fn)(dsc_ctx_t *ctx, const dsc_regrid_source_t *src,
                                   const dsc_grid_t *dst, const dsc_regrid_edges_t *dst_edges,
                                   dsc_regrid_builder_t *b);

int dsc_regrid_build_bilinear(dsc_ctx_t *ctx, const dsc_regrid_source_t *src,
                              const dsc_grid_t *dst, const dsc_regrid_edges_t *dst_edges,
                              dsc_regrid_builder_t *b);
int dsc_regrid_build_nearest(dsc_ctx_t *ctx, const dsc_regrid_source_t *src,
                             const dsc_grid_t *dst, const dsc_regrid_edges_t *dst_edges,
                             dsc_regrid_builder_t *b);
int dsc_regrid_build_conservative(dsc_ctx_t *ctx, const dsc_regrid_source_t *src,
                                  const dsc_grid_t *dst, const dsc_regrid_edges_t *dst_edges,
                                  dsc_regrid_builder_t *b);
int dsc_regrid_build_idw(dsc_ctx_t *ctx, const dsc_regrid_source_t *src,
                         const dsc_grid_t *dst, const dsc_regrid_edges_t *dst_edges,
                         dsc_regrid_builder_t *b);

#endif
