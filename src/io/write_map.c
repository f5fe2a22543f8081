/* write_map.c - one 2-D map (a period mean or change) on a rectilinear grid as CF NetCDF. */
#include "dsc/io.h"
#include "nc_write.h"

#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>

/* A 1-D coordinate variable with CF attributes; axis lets tools such as CDO and Panoply pick
 * the axes without guessing from the names. */
static int def_axis(int ncid, const char *name, int dim, const char *standard_name,
                    const char *units, const char *axis, int *varid)
{
    int st = nc_def_var(ncid, name, NC_DOUBLE, 1, &dim, varid);
    if (st == NC_NOERR)
        st = dsc_io_nc_put_text(ncid, *varid, "standard_name", standard_name);
    if (st == NC_NOERR)
        st = dsc_io_nc_put_text(ncid, *varid, "long_name", standard_name);
    if (st == NC_NOERR)
        st = dsc_io_nc_put_text(ncid, *varid, "units", units);
    if (st == NC_NOERR)
        st = dsc_io_nc_put_text(ncid, *varid, "axis", axis);
    return st;
}

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
    int ncid = -1, dim_lat, dim_lon, var_lat, var_lon, var;
    char *tmp = NULL;
    float *buf = NULL;
    int rc = check_map(ctx, path, grid, values, name);
    if (rc != DSC_OK)
        return rc;
    char what[160];
    snprintf(what, sizeof what, "defining variable %s", name);

    tmp = dsc_io_temp_name(ctx, path);
    buf = tmp ? dsc_io_nc_to_float(ctx, values, grid->nlat * grid->nlon, path) : NULL;
    if (!buf) {
        rc = dsc_ctx_status(ctx);
        goto fail;
    }

    rc = dsc_io_nc_create(ctx, path, tmp, &ncid);
    if (rc != DSC_OK)
        goto fail;
    DSC_NC_TRY(nc_def_dim(ncid, "lat", grid->nlat, &dim_lat), "defining dimension lat");
    DSC_NC_TRY(nc_def_dim(ncid, "lon", grid->nlon, &dim_lon), "defining dimension lon");
    DSC_NC_TRY(def_axis(ncid, "lat", dim_lat, "latitude", "degrees_north", "Y", &var_lat),
               "defining variable lat");
    DSC_NC_TRY(def_axis(ncid, "lon", dim_lon, "longitude", "degrees_east", "X", &var_lon),
               "defining variable lon");

    int dims[2] = {dim_lat, dim_lon};
    DSC_NC_TRY(dsc_io_nc_def_float(ncid, name, 2, dims, units, long_name, &var), what);
    /* cell_methods says in CF's grammar that the value is a time mean; the period is a free
     * label such as "2041-2070" and goes into an attribute of its own, because the CF way
     * (a scalar time with bounds) needs dates and a calendar that this call is not given. */
    DSC_NC_TRY(dsc_io_nc_put_text(ncid, var, "cell_methods", "time: mean"), what);
    DSC_NC_TRY(dsc_io_nc_put_text(ncid, var, "period", period), what);
    DSC_NC_TRY(dsc_io_nc_put_meta(ncid, meta), "writing global attributes");
    DSC_NC_TRY(nc_enddef(ncid), "ending define mode");

    DSC_NC_TRY(nc_put_var_double(ncid, var_lat, grid->lat), "writing lat");
    DSC_NC_TRY(nc_put_var_double(ncid, var_lon, grid->lon), "writing lon");
    snprintf(what, sizeof what, "writing variable %s", name);
    DSC_NC_TRY(nc_put_var_float(ncid, var, buf), what);

    int closing = ncid;
    ncid = -1;
    DSC_NC_TRY(nc_close(closing), "closing");
    rc = dsc_io_rename(ctx, tmp, path);

fail:
    if (ncid >= 0)
        nc_abort(ncid);
    if (rc != DSC_OK && tmp)
        remove(tmp);
    free(tmp);
    free(buf);
    return rc;
}
