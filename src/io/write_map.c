/* write_map.c - one 2-D map (a period mean or change) on a rectilinear grid as CF NetCDF. */
#include "dsc/io.h"
#include "nc_write.h"

#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>

static int check_map(dsc_ctx_t *ctx, const char *path, const dsc_grid_t *grid, const double *values,
                     const char *name)
{
    if (!path || !*path)
        return dsc_error(ctx, DSC_ERR_USAGE, "(empty path): no output file name given");
    if (!grid || grid->kind != DSC_GRID_RECTILINEAR || grid->nlat == 0 || grid->nlon == 0 ||
        !grid->lat || !grid->lon)
        return dsc_error(ctx, DSC_ERR_USAGE, "%s: a map needs a non-empty rectilinear grid", path);
    if (!values || !name || !*name)
        return dsc_error(ctx, DSC_ERR_USAGE, "%s: map has no values or no variable name", path);
    return DSC_OK;
}

int dsc_io_write_map_nc(dsc_ctx_t *ctx, const char *path, const dsc_grid_t *grid,
                        const double *values, const char *name, const char *long_name,
                        const char *units, const char *period, const dsc_nc_meta_t *meta)
{
    int ncid = -1, var;
    dsc_nc_grid_t id;
    char *tmp = NULL;
    float *buf = NULL;
    int rc = check_map(ctx, path, grid, values, name);
    if (rc != DSC_OK)
        return rc;
    char what[160];
    snprintf(what, sizeof what, "defining variable %s", name);

    buf = dsc_io_nc_to_float(ctx, values, grid->nlat * grid->nlon, path);
    if (!buf)
        return DSC_ERR_NOMEM;
    if ((rc = dsc_io_nc_begin(ctx, path, DSC_NC_CLASSIC, &tmp, &ncid)) != DSC_OK ||
        (rc = dsc_io_nc_def_grid(ctx, path, ncid, grid, &id)) != DSC_OK)
        goto fail;

    int dims[2] = {id.dim_a, id.dim_b};
    DSC_NC_TRY(dsc_io_nc_def_float(ncid, name, 2, dims, units, long_name, &var), what);
    /* cell_methods says in CF's grammar that the value is a time mean; the period is a free
     * label such as "2041-2070" and goes into an attribute of its own, because the CF way
     * (a scalar time with bounds) needs dates and a calendar that this call is not given. */
    DSC_NC_TRY(dsc_io_nc_put_text(ncid, var, "cell_methods", "time: mean"), what);
    DSC_NC_TRY(dsc_io_nc_put_text(ncid, var, "period", period), what);
    DSC_NC_TRY(dsc_io_nc_put_meta(ncid, meta), "writing global attributes");
    DSC_NC_TRY(nc_enddef(ncid), "ending define mode");

    DSC_NC_TRY(nc_put_var_double(ncid, id.var_lat, grid->lat), "writing lat");
    DSC_NC_TRY(nc_put_var_double(ncid, id.var_lon, grid->lon), "writing lon");
    snprintf(what, sizeof what, "writing variable %s", name);
    DSC_NC_TRY(nc_put_var_float(ncid, var, buf), what);
    rc = dsc_io_nc_commit(ctx, path, tmp, &ncid);

fail:
    if (rc != DSC_OK)
        dsc_io_nc_discard(ncid, tmp);
    free(tmp);
    free(buf);
    return rc;
}
