/* nearest.c - nearest-neighbour weights: the source cell that holds the target.
 *
 * Cell edges lie halfway between centres, so the holding cell is the nearest centre in
 * latitude and, separately, in longitude. This is the usual "grid box" reading of a coarse
 * model and needs no distance on the sphere; it can differ from the nearest centre by
 * great-circle distance near the corners of a cell, where four cells meet. A target beyond the
 * outer cell edges gets no entry (CDO's remapnn would fill it; we do not).
 */
#include "regrid_internal.h"

int dsc_regrid_build_nearest(dsc_ctx_t *ctx, const dsc_regrid_source_t *src, const dsc_grid_t *dst,
                             dsc_regrid_builder_t *b)
{
    size_t nlon = src->grid->nlon;
    size_t ncell = dsc_grid_ncells(dst);

    for (size_t j = 0; j < ncell; j++) {
        double lat, lon;

        dsc_grid_cell_coords(dst, j, &lat, &lon);
        size_t ilat = dsc_regrid_axis_find_cell(&src->lat, lat);
        size_t ilon = dsc_regrid_axis_find_cell(&src->lon, dsc_regrid_axis_wrap(&src->lon, lon));
        if (ilat != DSC_REGRID_NONE && ilon != DSC_REGRID_NONE) {
            int rc = dsc_regrid_builder_add(b, ilat * nlon + ilon, 1.0);
            if (rc)
                return rc;
        }
        dsc_regrid_builder_next(b);
    }
    return DSC_OK;
}
