/* nc_write.c - what our NetCDF outputs share: the temporary file renamed into place, the
 * time axis, grid and site coordinates, and the attribute, variable and value conventions. */
#include "nc_write.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int dsc_io_nc_fail(dsc_ctx_t *ctx, const char *path, const char *what, int nc_status)
{
    return dsc_error(ctx, DSC_ERR_IO, "%s: %s: %s", path, what, nc_strerror(nc_status));
}

int dsc_io_nc_begin(dsc_ctx_t *ctx, const char *path, int cmode, char **tmp, int *ncid)
{
    *ncid = -1;
    *tmp = dsc_io_temp_name(ctx, path);
    if (!*tmp)
        return dsc_ctx_status(ctx);
    /* HDF5 hides the cause of a failed create, so the file is made with stdio first to get
     * an honest errno, then clobbered by netCDF. */
    FILE *probe = fopen(*tmp, "wb");
    if (!probe)
        return dsc_error(ctx, DSC_ERR_IO, "%s: cannot create temporary file %s: %s", path, *tmp,
                         strerror(errno));
    fclose(probe);
    int st = nc_create(*tmp, cmode, ncid);
    if (st != NC_NOERR) {
        *ncid = -1;
        return dsc_error(ctx, DSC_ERR_IO, "%s: cannot create temporary file %s: %s", path, *tmp,
                         nc_strerror(st));
    }
    return DSC_OK;
}

int dsc_io_nc_commit(dsc_ctx_t *ctx, const char *path, const char *tmp, int *ncid)
{
    int st = nc_close(*ncid);
    *ncid = -1;
    if (st != NC_NOERR)
        return dsc_io_nc_fail(ctx, path, "closing", st);
    return dsc_io_rename(ctx, tmp, path);
}

void dsc_io_nc_discard(int ncid, const char *tmp)
{
    if (ncid >= 0)
        nc_abort(ncid);
    if (tmp)
        remove(tmp);
}

int dsc_io_nc_check_dates(dsc_ctx_t *ctx, const char *path, dsc_calendar_t cal,
                          const dsc_date_t *dates, size_t n)
{
    /* A repeated or misplaced date is a bug upstream that would otherwise surface much
     * later in some reader. */
    for (size_t t = 0; t < n; t++) {
        char buf[32];
        dsc_date_format(dates[t], buf, sizeof buf);
        if (!dsc_date_valid(cal, dates[t]))
            return dsc_error(ctx, DSC_ERR_USAGE, "%s: time step %zu (%s) is not a %s date",
                             path, t, buf, dsc_calendar_name(cal));
        if (t > 0 && dsc_date_compare(dates[t - 1], dates[t]) >= 0)
            return dsc_error(ctx, DSC_ERR_USAGE,
                             "%s: time step %zu (%s) is not after the one before", path, t, buf);
    }
    return DSC_OK;
}

void dsc_io_nc_days_since(dsc_date_t first, char *text, size_t size, dsc_time_units_t *units)
{
    dsc_date_t origin = {first.year, 1, 1, 0.0};
    char reference[32];
    dsc_date_format(origin, reference, sizeof reference);
    snprintf(text, size, "days since %s", reference);
    if (units)
        *units = (dsc_time_units_t){86400.0, origin};
}

int dsc_io_nc_def_time(dsc_ctx_t *ctx, const char *path, int ncid, dsc_calendar_t cal,
                       dsc_date_t first, size_t ntime, int *dim, int *var)
{
    int rc = DSC_OK;
    char units[48];
    dsc_io_nc_days_since(first, units, sizeof units, NULL);
    DSC_NC_TRY(nc_def_dim(ncid, "time", ntime, dim), "defining dimension time");
    DSC_NC_TRY(nc_def_var(ncid, "time", NC_DOUBLE, 1, dim, var), "defining variable time");
    DSC_NC_TRY(dsc_io_nc_put_text(ncid, *var, "standard_name", "time"), "time");
    DSC_NC_TRY(dsc_io_nc_put_text(ncid, *var, "long_name", "time"), "time");
    DSC_NC_TRY(dsc_io_nc_put_text(ncid, *var, "units", units), "time");
    DSC_NC_TRY(dsc_io_nc_put_text(ncid, *var, "calendar", dsc_calendar_name(cal)), "time");
    DSC_NC_TRY(dsc_io_nc_put_text(ncid, *var, "axis", "T"), "time");
fail:
    return rc;
}

int dsc_io_nc_put_time(dsc_ctx_t *ctx, const char *path, int ncid, int var, dsc_calendar_t cal,
                       const dsc_date_t *dates, size_t n)
{
    int rc = DSC_OK;
    char text[48];
    dsc_time_units_t units;
    double *time = dsc_malloc(ctx, (n ? n : 1) * sizeof *time, path);
    if (!time)
        return DSC_ERR_NOMEM;
    dsc_io_nc_days_since(dates[0], text, sizeof text, &units);
    for (size_t t = 0; t < n; t++)
        time[t] = dsc_time_encode(cal, &units, dates[t]);
    DSC_NC_TRY(nc_put_var_double(ncid, var, time), "writing time");
fail:
    free(time);
    return rc;
}

int dsc_io_nc_def_coord(int ncid, const char *name, int dim, const char *standard_name,
                        const char *units, const char *axis, int *varid)
{
    int st = nc_def_var(ncid, name, NC_DOUBLE, 1, &dim, varid);
    if (st == NC_NOERR)
        st = dsc_io_nc_put_text(ncid, *varid, "standard_name", standard_name);
    if (st == NC_NOERR && axis)
        st = dsc_io_nc_put_text(ncid, *varid, "long_name", standard_name);
    if (st == NC_NOERR)
        st = dsc_io_nc_put_text(ncid, *varid, "units", units);
    if (st == NC_NOERR)
        st = dsc_io_nc_put_text(ncid, *varid, "axis", axis);
    return st;
}

static size_t longest_site_name(const dsc_grid_t *g)
{
    size_t n = 0;
    for (size_t i = 0; g->names && i < g->nlat; i++)
        if (g->names[i] && strlen(g->names[i]) > n)
            n = strlen(g->names[i]);
    return n;
}

int dsc_io_nc_def_grid(dsc_ctx_t *ctx, const char *path, int ncid, const dsc_grid_t *g,
                       dsc_nc_grid_t *id)
{
    int rc = DSC_OK;
    *id = (dsc_nc_grid_t){.dim_b = -1, .var_names = -1};
    if (g->kind == DSC_GRID_RECTILINEAR) {
        DSC_NC_TRY(nc_def_dim(ncid, "lat", g->nlat, &id->dim_a), "defining dimension lat");
        DSC_NC_TRY(nc_def_dim(ncid, "lon", g->nlon, &id->dim_b), "defining dimension lon");
        DSC_NC_TRY(dsc_io_nc_def_coord(ncid, "lat", id->dim_a, "latitude", "degrees_north", "Y",
                                       &id->var_lat), "defining variable lat");
        DSC_NC_TRY(dsc_io_nc_def_coord(ncid, "lon", id->dim_b, "longitude", "degrees_east", "X",
                                       &id->var_lon), "defining variable lon");
        return DSC_OK;
    }

    DSC_NC_TRY(nc_def_dim(ncid, "site", g->nlat, &id->dim_a), "defining dimension site");
    DSC_NC_TRY(dsc_io_nc_def_coord(ncid, "lat", id->dim_a, "latitude", "degrees_north", NULL,
                                   &id->var_lat), "defining variable lat");
    DSC_NC_TRY(dsc_io_nc_def_coord(ncid, "lon", id->dim_a, "longitude", "degrees_east", NULL,
                                   &id->var_lon), "defining variable lon");
    id->nchar = longest_site_name(g);
    if (id->nchar > 0) {
        int dim_nchar;
        DSC_NC_TRY(nc_def_dim(ncid, "nchar", id->nchar, &dim_nchar),
                   "defining dimension nchar");
        int dims[2] = {id->dim_a, dim_nchar};
        DSC_NC_TRY(nc_def_var(ncid, "site_name", NC_CHAR, 2, dims, &id->var_names),
                   "defining variable site_name");
        DSC_NC_TRY(dsc_io_nc_put_text(ncid, id->var_names, "cf_role", "timeseries_id"),
                   "site_name");
        DSC_NC_TRY(dsc_io_nc_put_text(ncid, id->var_names, "long_name", "site name"),
                   "site_name");
    }
    DSC_NC_TRY(dsc_io_nc_put_text(ncid, NC_GLOBAL, "featureType", "timeSeries"),
               "writing global attributes");
fail:
    return rc;
}

int dsc_io_nc_put_point_coords(int ncid, int varid, const dsc_nc_grid_t *id)
{
    return dsc_io_nc_put_text(ncid, varid, "coordinates",
                              id->nchar > 0 ? "lat lon site_name" : "lat lon");
}

int dsc_io_nc_put_names(dsc_ctx_t *ctx, const char *path, int ncid, const dsc_grid_t *g,
                        const dsc_nc_grid_t *id)
{
    int rc = DSC_OK;
    if (id->nchar == 0)
        return DSC_OK;
    char *names = dsc_calloc(ctx, g->nlat * id->nchar + 1, 1, "site names");
    if (!names)
        return DSC_ERR_NOMEM;
    for (size_t i = 0; i < g->nlat; i++)
        if (g->names[i])
            memcpy(names + i * id->nchar, g->names[i], strlen(g->names[i]));
    DSC_NC_TRY(nc_put_var_text(ncid, id->var_names, names), "writing site_name");
fail:
    free(names);
    return rc;
}

int dsc_io_nc_put_text(int ncid, int varid, const char *name, const char *value)
{
    if (!value)
        return NC_NOERR;
    return nc_put_att_text(ncid, varid, name, strlen(value), value);
}

int dsc_io_nc_put_meta(int ncid, const dsc_nc_meta_t *meta)
{
    int st = dsc_io_nc_put_text(ncid, NC_GLOBAL, "Conventions", "CF-1.8");
    if (st == NC_NOERR && meta) {
        const char *names[] = {"title", "source", "history", "comment"};
        const char *values[] = {meta->title, meta->source, meta->history, meta->comment};
        for (size_t i = 0; i < 4 && st == NC_NOERR; i++)
            st = dsc_io_nc_put_text(ncid, NC_GLOBAL, names[i], values[i]);
    }
    /* CF's `institution` names an organisation, which a toolkit cannot know, so the
     * producing software goes into an attribute of its own. */
    if (st == NC_NOERR)
        st = dsc_io_nc_put_text(ncid, NC_GLOBAL, "software", "downscale " DSC_VERSION);
    return st;
}

int dsc_io_nc_def_float(int ncid, const char *name, int ndims, const int *dims, const char *units,
                        const char *long_name, int *varid)
{
    const float fill = DSC_NC_FILL;
    int st = nc_def_var(ncid, name, NC_FLOAT, ndims, dims, varid);
    /* Shuffle groups the float bytes by significance, which roughly halves the size that
     * deflate alone reaches on smooth temperature series; level 4 is near the size of 9 at a
     * fraction of the time. */
    if (st == NC_NOERR)
        st = nc_def_var_deflate(ncid, *varid, 1, 1, 4);
    if (st == NC_NOERR)
        st = nc_put_att_float(ncid, *varid, "_FillValue", NC_FLOAT, 1, &fill);
    if (st == NC_NOERR)
        st = dsc_io_nc_put_text(ncid, *varid, "units", units);
    if (st == NC_NOERR)
        st = dsc_io_nc_put_text(ncid, *varid, "long_name", long_name);
    return st;
}

float *dsc_io_nc_to_float(dsc_ctx_t *ctx, const double *values, size_t n, const char *what)
{
    float *out = dsc_malloc(ctx, (n ? n : 1) * sizeof *out, what);
    if (!out)
        return NULL;
    /* Converting a double beyond FLT_MAX to float is undefined behaviour in C, so such
     * values are treated like NaN rather than cast. */
    for (size_t i = 0; i < n; i++)
        out[i] = isfinite(values[i]) && fabs(values[i]) <= FLT_MAX ? (float)values[i] : DSC_NC_FILL;
    return out;
}
