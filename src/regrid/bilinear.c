/* bilinear.c - bilinear weights in latitude/longitude index space.
 *
 * As CDO's remapbil does on rectilinear grids, the four weights come from the fractional
 * position of the target between the bracketing centres, separately in latitude and in
 * longitude (degrees, not distances on the sphere), so a field linear in lat and lon is
 * reproduced exactly. Targets beyond the outermost centres get no entries.
 */
#include "regrid_internal.h"

int dsc_regrid_build_bilinear(dsc_ctx_t *ctx, const dsc_regrid_source_t *src, const dsc_grid_t *dst,
                              const dsc_regrid_edges_t *dst_edges, dsc_regrid_builder_t *b)
{
    size_t nlon = src->grid->nlon;
    size_t ncell = dsc_grid_ncells(dst);

    if (src->lat.n == 1 && src->lon.n == 1)
        return dsc_error(ctx, DSC_ERR_CONFIG,
                         "bilinear weights: the source grid has a single cell; "
                         "use nearest instead");
    for (size_t j = 0; j < ncell; j++) {
        double lat, lon;
        size_t ilat[2], ilon[2];
        double wlat[2], wlon[2];

        dsc_grid_cell_coords(dst, j, &lat, &lon);
        int nla = dsc_regrid_axis_bracket(&src->lat, lat, ilat, wlat);
        int nlo =
            dsc_regrid_axis_bracket(&src->lon, dsc_regrid_axis_wrap(&src->lon, lon), ilon, wlon);
        /* An empty product (one axis out of range) leaves the target without entries. */
        for (int a = 0; a < nla && nlo > 0; a++) {
            for (int o = 0; o < nlo; o++) {
                int rc = dsc_regrid_builder_add(b, ilat[a] * nlon + ilon[o], wlat[a] * wlon[o]);
                if (rc)
                    return rc;
            }
        }
        dsc_regrid_builder_next(b);
    }
    return DSC_OK;
}
