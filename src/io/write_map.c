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

/* The scalar time coordinate of a period map and its bounds (defined, not yet written):
 * days since 1 January of the first year, in the period's calendar. */
static int def_period(int ncid, const dsc_map_period_t *per, int var, double bounds[2],
                      int *var_time, int *var_bnds)
{
    char units[64], text[160];
    snprintf(units, sizeof units, "days since %04d-01-01 00:00:00", per->y0);
    dsc_date_t first = {per->y0, 1, 1, 0}, after = {per->y1 + 1, 1, 1, 0};
    bounds[0] = 0;
    bounds[1] = (double)(dsc_date_to_days(per->cal, after) - dsc_date_to_days(per->cal, first));
    int dim_nv;
    int st = nc_def_dim(ncid, "nv", 2, &dim_nv);
    if (st == NC_NOERR)
        st = nc_def_var(ncid, "time", NC_DOUBLE, 0, NULL, var_time);
    if (st == NC_NOERR)
        st = dsc_io_nc_put_text(ncid, *var_time, "standard_name", "time");
    if (st == NC_NOERR)
        st = dsc_io_nc_put_text(ncid, *var_time, "units", units);
    if (st == NC_NOERR)
        st = dsc_io_nc_put_text(ncid, *var_time, "calendar", dsc_calendar_name(per->cal));
    if (st == NC_NOERR)
        st = dsc_io_nc_put_text(ncid, *var_time, "axis", "T");
    if (st == NC_NOERR)
        st = dsc_io_nc_put_text(ncid, *var_time, "bounds", "time_bnds");
    if (st == NC_NOERR)
        st = nc_def_var(ncid, "time_bnds", NC_DOUBLE, 1, &dim_nv, var_bnds);
    if (st == NC_NOERR)
        st = dsc_io_nc_put_text(ncid, var, "coordinates", "time");
    if (st == NC_NOERR && per->base_y0 > 0) {
        snprintf(text, sizeof text, "time: mean (comment: minus the mean over %d-%d)",
                 per->base_y0, per->base_y1);
        st = dsc_io_nc_put_text(ncid, var, "cell_methods", text);
    } else if (st == NC_NOERR) {
        st = dsc_io_nc_put_text(ncid, var, "cell_methods", "time: mean");
    }
    snprintf(text, sizeof text, "%d-%d", per->y0, per->y1);
    if (st == NC_NOERR)
        st = dsc_io_nc_put_text(ncid, var, "period", text);
    snprintf(text, sizeof text, "%d-%d", per->base_y0, per->base_y1);
    if (st == NC_NOERR && per->base_y0 > 0)
        st = dsc_io_nc_put_text(ncid, var, "base_period", text);
    return st;
}

int dsc_io_write_map_nc(dsc_ctx_t *ctx, const char *path, const dsc_grid_t *grid,
                        const double *values, const char *name, const char *long_name,
                        const char *units, const dsc_map_period_t *period,
                        const dsc_nc_meta_t *meta)
{
    int ncid = -1, var, var_time = -1, var_bnds = -1;
    double bounds[2];
    dsc_nc_grid_t id;
    char *tmp = NULL;
    float *buf = NULL;
    int rc = check_map(ctx, path, grid, values, name);
    if (rc == DSC_OK && period &&
        (period->y1 < period->y0 || (period->base_y0 > 0 && period->base_y1 < period->base_y0)))
        rc = dsc_error(ctx, DSC_ERR_USAGE, "%s: map period %d-%d (base %d-%d) is not a period",
                       path, period->y0, period->y1, period->base_y0, period->base_y1);
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
    if (period)
        DSC_NC_TRY(def_period(ncid, period, var, bounds, &var_time, &var_bnds),
                   "defining the time of the map");
    DSC_NC_TRY(dsc_io_nc_put_meta(ncid, meta), "writing global attributes");
    DSC_NC_TRY(nc_enddef(ncid), "ending define mode");

    DSC_NC_TRY(nc_put_var_double(ncid, id.var_lat, grid->lat), "writing lat");
    DSC_NC_TRY(nc_put_var_double(ncid, id.var_lon, grid->lon), "writing lon");
    if (period) {
        double mid = 0.5 * (bounds[0] + bounds[1]);
        DSC_NC_TRY(nc_put_var_double(ncid, var_time, &mid), "writing time");
        DSC_NC_TRY(nc_put_var_double(ncid, var_bnds, bounds), "writing time_bnds");
    }
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
