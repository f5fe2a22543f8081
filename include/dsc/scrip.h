/* scrip.h - remapping weights in a SCRIP file, the layout CDO's gen* operators write and its
 * remap operator reads, so weights can go from one tool to the other.
 *
 * The file holds the links (src_address and dst_address, 1-based cell numbers, and the
 * remap_matrix of weights, one column), the two grids (src_/dst_grid_dims, centres, corners,
 * imask, area, frac) and the global attributes title, map_method, normalization,
 * conventions = "SCRIP", source_grid, dest_grid and history.
 *
 * Cell order: a cell number counts cells the way a file stores them, longitude fastest
 * (cell = ilat * nlon + ilon over the grid's own rows and columns). That is the order of the
 * grid passed in or returned here, which need not be the order a grid has after reading
 * (latitude ascending, longitude from -180): to pass weights to CDO for a file, renumber them
 * into the file's order first (dsc_regrid_weights_reorder).
 */
#ifndef DSC_SCRIP_H
#define DSC_SCRIP_H

#include "dsc/regrid.h"

/* Writes w to path as a SCRIP file (netCDF-4 classic model, written to a temporary file and
 * renamed into place). src and dst describe the cells of w in its cell order: a rectilinear
 * grid's latitudes and longitudes may run in either direction and any longitude convention
 * (they are written as given, in degrees); a point set is written as a rank-1 grid without
 * corners. Corners come from src_edges / dst_edges (in the order of the grid's centres,
 * NULL or a NULL axis: halfway between centres, the outer ones half a spacing out, clamped
 * to +-90); a rectilinear grid with a single centre on an axis and no edges for it gets no
 * corners. Areas are in square radians (0 for points); dst_grid_frac is 1 for targets with
 * links and 0 for the others, so CDO leaves those missing as we do. map_method is CDO's name
 * for our method ("Bilinear remapping", "Nearest neighbor", "Conservative remapping",
 * "Distance weighted avg of nearest neighbors"), normalization "fracarea" for conservative
 * and "none" otherwise. history may be NULL. Grids whose cell count differs from w's, or
 * more links than a netCDF int can number, are DSC_ERR_USAGE; a file that cannot be
 * written is DSC_ERR_IO naming path. */
int dsc_io_weights_write(dsc_ctx_t *ctx, const char *path, const dsc_regrid_weights_t *w,
                         const dsc_grid_t *src, const dsc_regrid_edges_t *src_edges,
                         const dsc_grid_t *dst, const dsc_regrid_edges_t *dst_edges,
                         const char *history);

/* Reads a SCRIP weights file (ours or CDO's) into *w, in the file's cell order. The method
 * is ours for CDO's map_method names ("Bilinear..." -> "bilinear", "Nearest..." ->
 * "nearest", "Conservative..." -> "conservative", "Distance..." -> "idw"), otherwise the
 * attribute itself (first 31 characters). Only the first column of remap_matrix is used, so
 * files with more than one weight per link (second-order conservative, bicubic) are
 * refused. The normalization does not matter to us: dsc_regrid_apply divides by the sum of
 * the weights it uses. src and dst (each may be NULL) receive the grids the file describes,
 * in its cell order, with longitudes normalised to [-180, 180): a rank-2 grid whose centres
 * form a latitude x longitude product is rectilinear (latitudes in file order, which may
 * descend), anything else a point set of all its cells. The caller owns *w and the grids'
 * arrays (dsc_grid_clear). Errors: DSC_ERR_IO when the file cannot be opened,
 * DSC_ERR_FORMAT (naming path and the variable, attribute or link) when it is not a SCRIP
 * weights file we can use; on failure *w is NULL and the grids are empty. */
int dsc_io_weights_read(dsc_ctx_t *ctx, const char *path, dsc_regrid_weights_t **w,
                        dsc_grid_t *src, dsc_grid_t *dst);

#endif
