/* regrid.h - remapping weights between grids, built once and applied to every time step.
 *
 * A weight set maps each target cell to a short list of (source cell, weight), weights >= 0
 * summing to 1. Methods are chosen by name from a table:
 *   "bilinear"     four centres around the target, weights from its fractional position
 *                  between them in latitude and longitude (degrees), like CDO's remapbil
 *                  on rectilinear grids; a field linear in lat and lon is reproduced.
 *   "nearest"      the source centre nearest the target by great-circle distance, like
 *                  CDO's remapnn (sought among the 5 x 5 centres around the cell that holds
 *                  the target; on a tie that cell wins); one entry of weight 1.
 *   "conservative" first order, area-weighted on the sphere; cell edges lie halfway
 *                  between centres (outer ones half a spacing out, clamped to +-90) unless
 *                  given (dsc_regrid_weights_build_edges, e.g. a Gaussian grid's bounds). Weights
 *                  are normalised by the covered part of the target cell, so the area
 *                  integral is kept wherever the source covers the target. A point, or a
 *                  target axis of one centre, takes the cell that holds it.
 *   "idw"          inverse geodesic distance (WGS84, 1/d) over the 4 nearest centres.
 *
 * Grids: the source must be rectilinear (lat ascending, lon ascending modulo 360; a regional
 * grid may cross the antimeridian, and lon_wraps marks a global periodic grid whose seam is
 * bridged; a grid whose cells would span more than 360 degrees is closed as if it had the
 * flag). The target may be rectilinear or points, longitudes in any turn.
 *
 * Domain: a target outside the source domain gets no entries and is NaN after apply, for
 * every method: beyond the outermost centres for bilinear, beyond the outer cell edges for
 * the others (unlike CDO's remapnn, which fills such targets). A longitude axis with
 * lon_wraps has no edge.
 *
 * Weights read from a file (dsc_regrid_weights_from_arrays) are kept as given: they may
 * reach outside the domain rules above or not sum to 1; apply renormalises them all the same.
 *
 * One-centre axes: an axis with a single centre gives no spacing, so its cell spans the
 * whole axis (all latitudes or all longitudes) and bilinear takes the field as constant
 * along it. A 1 x 1 source therefore covers the globe; bilinear refuses it (use nearest).
 */
#ifndef DSC_REGRID_H
#define DSC_REGRID_H

#include "dsc/field.h"

typedef struct dsc_regrid_weights dsc_regrid_weights_t;

/* "No cell": an index that maps nowhere in dsc_regrid_weights_reorder(). */
#define DSC_REGRID_NO_CELL ((size_t)-1)

/* Cell edges of a rectilinear grid whose cells are not bounded halfway between centres
 * (a Gaussian grid's lat_bnds, say). Cell i lies between edge i and edge i + 1. Either
 * pointer may be NULL, which means halfway edges along that axis. */
typedef struct {
    const double *lat; /* nlat + 1 edges, degrees north, ascending like the centres */
    const double *lon; /* nlon + 1 edges, degrees east, in the order of the centres; any turn
                          (each is taken within half a turn of the centre of its cell) */
} dsc_regrid_edges_t;

/* Builds the weights from src to dst with the named method. Unknown method is
 * DSC_ERR_CONFIG naming it, as is bilinear on a 1 x 1 source. A dst that lies wholly outside
 * src is DSC_ERR_RANGE. A point source, coordinates that are not finite or latitudes
 * outside [-90, 90], source latitudes not strictly ascending or longitudes not ascending
 * modulo 360 (also a conservative target's) are DSC_ERR_USAGE. On failure *out is NULL.
 * The grids are only read. The caller owns *out: dsc_regrid_weights_destroy(). */
int dsc_regrid_weights_build(dsc_ctx_t *ctx, const char *method, const dsc_grid_t *src,
                             const dsc_grid_t *dst, dsc_regrid_weights_t **out);
/* As dsc_regrid_weights_build, with cell edges for the source and the target (either may
 * be NULL: halfway edges). Edges set the domain of nearest, conservative and idw (a target
 * beyond the outer edges gets nothing) and the overlaps of conservative; bilinear does not
 * use them. Edges that are not finite, not ascending, that do not hold their centre, or
 * longitudes spanning more than a turn (or less than one on a lon_wraps grid) are
 * DSC_ERR_USAGE naming the grid and the cell. Target edges are ignored for points. */
int dsc_regrid_weights_build_edges(dsc_ctx_t *ctx, const char *method, const dsc_grid_t *src,
                                   const dsc_regrid_edges_t *src_edges, const dsc_grid_t *dst,
                                   const dsc_regrid_edges_t *dst_edges,
                                   dsc_regrid_weights_t **out);

/* Weights from a list of nlinks links (as a SCRIP file holds them): link k adds
 * weight[k] x source cell src_cell[k] to target dst_cell[k], cells 0-based. Links may come
 * in any order; those of one target keep their order. method is recorded as given (at most
 * 31 characters are kept). A cell out of range or a weight that is not finite is
 * DSC_ERR_FORMAT naming the link; nsrc or ndst of 0 is DSC_ERR_USAGE. On failure *out is
 * NULL. The arrays are only read. The caller owns *out: dsc_regrid_weights_destroy(). */
int dsc_regrid_weights_from_arrays(dsc_ctx_t *ctx, const char *method, size_t nsrc,
                                   size_t ndst, size_t nlinks, const size_t *src_cell,
                                   const size_t *dst_cell, const double *weight,
                                   dsc_regrid_weights_t **out);

/* New weights with the cells renumbered, e.g. between the order a grid has in memory (lat
 * ascending, lon from -180) and the order of a file (lat descending, lon from 0):
 *   src_map  w's nsrc entries: the new index (< nsrc) of each source cell, or
 *            DSC_REGRID_NO_CELL to drop the entries that use it; NULL keeps the indices
 *            (then nsrc must be at least w's).
 *   dst_from ndst entries: for each new target, the target of w whose entries it takes, or
 *            DSC_REGRID_NO_CELL for a target without entries; several new targets may take
 *            the same one. NULL keeps the targets (then ndst must equal w's).
 * An index out of range is DSC_ERR_USAGE. On failure *out is NULL. The caller owns *out. */
int dsc_regrid_weights_reorder(dsc_ctx_t *ctx, const dsc_regrid_weights_t *w, size_t nsrc,
                               const size_t *src_map, size_t ndst, const size_t *dst_from,
                               dsc_regrid_weights_t **out);

/* Frees the weights; NULL is accepted. */
void dsc_regrid_weights_destroy(dsc_regrid_weights_t *w);

/* Number of source and target cells the weights were built for. */
size_t dsc_regrid_weights_nsrc(const dsc_regrid_weights_t *w);
size_t dsc_regrid_weights_ndst(const dsc_regrid_weights_t *w);
/* Total number of (source cell, weight) entries over all targets. */
size_t dsc_regrid_weights_nlinks(const dsc_regrid_weights_t *w);
/* The method name the weights were built with (borrowed from w). */
const char *dsc_regrid_weights_method(const dsc_regrid_weights_t *w);
/* The entries of target cell j (cell index = ilat * nlon + ilon, or the point index):
 * *count pairs, arrays borrowed from w until it is destroyed. A j out of range, or a
 * target outside the source, gives *count = 0. */
void dsc_regrid_weights_entries(const dsc_regrid_weights_t *w, size_t j, size_t *count,
                                const size_t **src_cells, const double **weights);

/* Applies the weights to one time step: src has nsrc values, dst receives ndst values (any
 * unit; the result has the unit of src). Allocates nothing.
 * Missing values: a NaN source value is left out and the remaining weights renormalised;
 * a target whose every source is NaN (or that has no entries) is NaN. This is a deliberate
 * difference from CDO's remapbil, which returns missing as soon as one corner is missing:
 * near a coastline or a data gap we keep the value the valid corners give. */
void dsc_regrid_apply(const dsc_regrid_weights_t *w, const double *src, double *dst);

/* Applies the weights to nt steps at once: src holds nt x nsrc values and dst receives
 * nt x ndst, both time-major (src[t * nsrc + cell]); step t gets exactly what
 * dsc_regrid_apply gives it. Allocates nothing; runs in the calling thread. */
void dsc_regrid_apply_steps(const dsc_regrid_weights_t *w, size_t nt, const double *src,
                            double *dst);

/* Applies the weights to every step of a field; the new field lies on a copy of dst's grid
 * with the same name, units, calendar, dates and source. dst must be the grid the weights
 * were built for; a field or grid whose cell count does not match the weights is
 * DSC_ERR_USAGE naming the field's source. On failure *out is NULL. The caller owns *out:
 * dsc_field_destroy(). */
int dsc_regrid_field(dsc_ctx_t *ctx, const dsc_regrid_weights_t *w, const dsc_field_t *src,
                     const dsc_grid_t *dst, dsc_field_t **out);

/* Names of the methods in the table, NULL-terminated (static storage). */
const char *const *dsc_regrid_methods(void);

#endif
