/* nearest.c - nearest-neighbour weights: the source centre nearest the target on the sphere.
 *
 * CDO's remapnn picks the centre at the smallest great-circle distance, and so do we, so
 * that the two agree cell by cell. Near the corner where four cells meet that centre can
 * differ from the one of the cell holding the target (the nearest centre in latitude and,
 * separately, in longitude), because meridians converge; the search therefore ranks the 5 x 5
 * centres around the holding cell, which contain the nearest on any grid whose spacing
 * changes slowly. On a tie the holding cell wins, then the centre seen first. A target
 * beyond the outer cell edges gets no entry (CDO's remapnn would fill it; we do not).
 */
#include "regrid_internal.h"

#include <math.h>

#define NEAREST_REACH 2 /* cells searched on each side of the holding cell */

/* Another centre must be closer by more than rounding to displace the holding cell. */
#define NEAREST_TIE 1e-12

static size_t nearest_centre(const dsc_regrid_source_t *src, double lat, double lon, size_t r,
                             size_t c)
{
    const dsc_grid_t *g = src->grid;
    size_t best = r * g->nlon + c;
    double limit = dsc_regrid_central_angle(lat, lon, g->lat[r], g->lon[c]) * (1.0 - NEAREST_TIE);
    size_t r0 = r > NEAREST_REACH ? r - NEAREST_REACH : 0;
    size_t r1 = r + NEAREST_REACH < g->nlat - 1 ? r + NEAREST_REACH : g->nlat - 1;
    size_t c0, nc;

    dsc_regrid_column_window(&src->lon, c, NEAREST_REACH, &c0, &nc);
    for (size_t i = r0; i <= r1; i++) {
        for (size_t k = 0; k < nc; k++) {
            size_t j = (c0 + k) % g->nlon;
            double a = dsc_regrid_central_angle(lat, lon, g->lat[i], g->lon[j]);
            if (a < limit) {
                best = i * g->nlon + j;
                limit = a;
            }
        }
    }
    return best;
}

int dsc_regrid_build_nearest(dsc_ctx_t *ctx, const dsc_regrid_source_t *src, const dsc_grid_t *dst,
                             const dsc_regrid_edges_t *dst_edges, dsc_regrid_builder_t *b)
{
    size_t ncell = dsc_grid_ncells(dst);

    for (size_t j = 0; j < ncell; j++) {
        double lat, lon;

        dsc_grid_cell_coords(dst, j, &lat, &lon);
        size_t r = dsc_regrid_axis_find_cell(&src->lat, lat);
        size_t c = dsc_regrid_axis_find_cell(&src->lon, dsc_regrid_axis_wrap(&src->lon, lon));
        if (r != DSC_REGRID_NONE && c != DSC_REGRID_NONE) {
            int rc = dsc_regrid_builder_add(b, nearest_centre(src, lat, lon, r, c), 1.0);
            if (rc)
                return rc;
        }
        dsc_regrid_builder_next(b);
    }
    return DSC_OK;
}
