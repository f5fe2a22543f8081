/* write_field.c - a whole field (every time step, every cell) as a CF NetCDF file.
 *
 * Rectilinear grids become (time, lat, lon) with 1-D coordinates; point sets become a CF
 * timeSeries (time, site) with lat(site), lon(site) and, when the points have names, a
 * site_name(site, nchar) char array with cf_role = timeseries_id, which is the layout the
 * reader recognises, so a written field reads back as the same field.
 */
#include "dsc/io.h"
#include "nc_write.h"

#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The ids of the file being written. */
typedef struct {
    int ncid;
    int dim_time, dim_a, dim_b, dim_nchar; /* a: lat or site; b: lon (-1 for points) */
    int var_time, var_lat, var_lon, var_names, var;
} field_file_t;

static int check_field(dsc_ctx_t *ctx, const char *path, const dsc_field_t *f)
{
    if (!path || !*path)
        return dsc_error(ctx, DSC_ERR_USAGE, "(empty path): no output file name given");
    if (!f || f->ntime == 0 || !f->dates || !f->values || !f->name[0])
        return dsc_error(ctx, DSC_ERR_USAGE, "%s: the field has no name, dates or values",
                         path);
    const dsc_grid_t *g = &f->grid;
    if (dsc_grid_ncells(g) == 0 || !g->lat || !g->lon)
        return dsc_error(ctx, DSC_ERR_USAGE, "%s: the field's grid is empty", path);
    for (size_t t = 0; t < f->ntime; t++) {
        char buf[32];
        dsc_date_format(f->dates[t], buf, sizeof buf);
        if (!dsc_date_valid(f->calendar, f->dates[t]))
            return dsc_error(ctx, DSC_ERR_USAGE, "%s: time step %zu (%s) is not a %s date",
                             path, t, buf, dsc_calendar_name(f->calendar));
        if (t > 0 && dsc_date_compare(f->dates[t - 1], f->dates[t]) >= 0)
            return dsc_error(ctx, DSC_ERR_USAGE,
                             "%s: time step %zu (%s) is not after the one before", path, t, buf);
    }
    return DSC_OK;
}

static size_t longest_site_name(const dsc_grid_t *g)
{
    size_t n = 0;
    for (size_t i = 0; g->names && i < g->nlat; i++)
        if (g->names[i] && strlen(g->names[i]) > n)
            n = strlen(g->names[i]);
    return n;
}

static int def_coord(int ncid, const char *name, int dim, const char *standard_name,
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

static int def_time(dsc_ctx_t *ctx, const char *path, field_file_t *w, const dsc_field_t *f)
{
    int rc = DSC_OK;
    char reference[32], units[48];
    dsc_date_t first = {f->dates[0].year, 1, 1, 0.0};
    dsc_date_format(first, reference, sizeof reference);
    snprintf(units, sizeof units, "days since %s", reference);

    DSC_NC_TRY(nc_def_dim(w->ncid, "time", f->ntime, &w->dim_time), "defining dimension time");
    DSC_NC_TRY(nc_def_var(w->ncid, "time", NC_DOUBLE, 1, &w->dim_time, &w->var_time),
               "defining variable time");
    DSC_NC_TRY(dsc_io_nc_put_text(w->ncid, w->var_time, "standard_name", "time"), "time");
    DSC_NC_TRY(dsc_io_nc_put_text(w->ncid, w->var_time, "long_name", "time"), "time");
    DSC_NC_TRY(dsc_io_nc_put_text(w->ncid, w->var_time, "units", units), "time");
    DSC_NC_TRY(dsc_io_nc_put_text(w->ncid, w->var_time, "calendar",
                                  dsc_calendar_name(f->calendar)), "time");
    DSC_NC_TRY(dsc_io_nc_put_text(w->ncid, w->var_time, "axis", "T"), "time");
fail:
    return rc;
}

static int def_grid(dsc_ctx_t *ctx, const char *path, field_file_t *w, const dsc_grid_t *g)
{
    int rc = DSC_OK, ncid = w->ncid;
    if (g->kind == DSC_GRID_RECTILINEAR) {
        DSC_NC_TRY(nc_def_dim(ncid, "lat", g->nlat, &w->dim_a), "defining dimension lat");
        DSC_NC_TRY(nc_def_dim(ncid, "lon", g->nlon, &w->dim_b), "defining dimension lon");
        DSC_NC_TRY(def_coord(ncid, "lat", w->dim_a, "latitude", "degrees_north", "Y",
                             &w->var_lat), "defining variable lat");
        DSC_NC_TRY(def_coord(ncid, "lon", w->dim_b, "longitude", "degrees_east", "X",
                             &w->var_lon), "defining variable lon");
        return DSC_OK;
    }

    /* Point sets: lat and lon are auxiliary coordinates over the site dimension, without
     * axis attributes, which CF reserves for coordinate variables. */
    DSC_NC_TRY(nc_def_dim(ncid, "site", g->nlat, &w->dim_a), "defining dimension site");
    DSC_NC_TRY(nc_def_var(ncid, "lat", NC_DOUBLE, 1, &w->dim_a, &w->var_lat), "defining lat");
    DSC_NC_TRY(dsc_io_nc_put_text(ncid, w->var_lat, "standard_name", "latitude"), "lat");
    DSC_NC_TRY(dsc_io_nc_put_text(ncid, w->var_lat, "units", "degrees_north"), "lat");
    DSC_NC_TRY(nc_def_var(ncid, "lon", NC_DOUBLE, 1, &w->dim_a, &w->var_lon), "defining lon");
    DSC_NC_TRY(dsc_io_nc_put_text(ncid, w->var_lon, "standard_name", "longitude"), "lon");
    DSC_NC_TRY(dsc_io_nc_put_text(ncid, w->var_lon, "units", "degrees_east"), "lon");
    size_t nchar = longest_site_name(g);
    if (nchar > 0) {
        DSC_NC_TRY(nc_def_dim(ncid, "nchar", nchar, &w->dim_nchar), "defining dimension nchar");
        int dims[2] = {w->dim_a, w->dim_nchar};
        DSC_NC_TRY(nc_def_var(ncid, "site_name", NC_CHAR, 2, dims, &w->var_names),
                   "defining variable site_name");
        DSC_NC_TRY(dsc_io_nc_put_text(ncid, w->var_names, "cf_role", "timeseries_id"),
                   "site_name");
        DSC_NC_TRY(dsc_io_nc_put_text(ncid, w->var_names, "long_name", "site name"),
                   "site_name");
    }
    DSC_NC_TRY(dsc_io_nc_put_text(ncid, NC_GLOBAL, "featureType", "timeSeries"),
               "writing global attributes");
fail:
    return rc;
}

static int def_variable(dsc_ctx_t *ctx, const char *path, field_file_t *w, const dsc_field_t *f)
{
    int rc = DSC_OK;
    int rect = f->grid.kind == DSC_GRID_RECTILINEAR;
    int dims[3] = {w->dim_time, w->dim_a, w->dim_b};
    char what[160];
    snprintf(what, sizeof what, "defining variable %s", f->name);
    DSC_NC_TRY(dsc_io_nc_def_float(w->ncid, f->name, rect ? 3 : 2, dims,
                                   f->units[0] ? f->units : NULL, NULL, &w->var),
               what);
    if (!rect)
        DSC_NC_TRY(dsc_io_nc_put_text(w->ncid, w->var, "coordinates",
                                      w->var_names >= 0 ? "lat lon site_name" : "lat lon"),
                   what);
fail:
    return rc;
}

static int put_coords(dsc_ctx_t *ctx, const char *path, const field_file_t *w,
                      const dsc_field_t *f)
{
    int rc = DSC_OK;
    const dsc_grid_t *g = &f->grid;
    double *time = dsc_malloc(ctx, f->ntime * sizeof *time, path);
    char *names = NULL;
    if (!time)
        return DSC_ERR_NOMEM;
    dsc_time_units_t units = {86400.0, {f->dates[0].year, 1, 1, 0.0}};
    for (size_t t = 0; t < f->ntime; t++)
        time[t] = dsc_time_encode(f->calendar, &units, f->dates[t]);
    DSC_NC_TRY(nc_put_var_double(w->ncid, w->var_time, time), "writing time");
    DSC_NC_TRY(nc_put_var_double(w->ncid, w->var_lat, g->lat), "writing lat");
    DSC_NC_TRY(nc_put_var_double(w->ncid, w->var_lon, g->lon), "writing lon");

    if (w->var_names >= 0) {
        size_t nchar = longest_site_name(g);
        names = dsc_calloc(ctx, g->nlat * nchar + 1, 1, path);
        if (!names) {
            rc = DSC_ERR_NOMEM;
            goto fail;
        }
        /* Shorter names are padded with NULs, which readers take as the end. */
        for (size_t i = 0; i < g->nlat; i++)
            if (g->names[i])
                memcpy(names + i * nchar, g->names[i], strlen(g->names[i]));
        DSC_NC_TRY(nc_put_var_text(w->ncid, w->var_names, names), "writing site_name");
    }
fail:
    free(time);
    free(names);
    return rc;
}

int dsc_io_write_field_nc(dsc_ctx_t *ctx, const char *path, const dsc_field_t *field,
                          const dsc_nc_meta_t *meta)
{
    field_file_t w = {.ncid = -1, .dim_b = -1, .var_names = -1};
    char *tmp = NULL;
    float *buf = NULL;
    int rc = check_field(ctx, path, field);
    if (rc != DSC_OK)
        return rc;

    size_t n = field->ntime * dsc_field_ncells(field);
    tmp = dsc_io_temp_name(ctx, path);
    buf = tmp ? dsc_io_nc_to_float(ctx, field->values, n, path) : NULL;
    if (!buf) {
        rc = dsc_ctx_status(ctx);
        goto fail;
    }
    if ((rc = dsc_io_nc_create(ctx, path, tmp, &w.ncid)) != DSC_OK)
        goto fail;
    if ((rc = def_time(ctx, path, &w, field)) != DSC_OK ||
        (rc = def_grid(ctx, path, &w, &field->grid)) != DSC_OK ||
        (rc = def_variable(ctx, path, &w, field)) != DSC_OK)
        goto fail;
    DSC_NC_TRY(dsc_io_nc_put_meta(w.ncid, meta), "writing global attributes");
    DSC_NC_TRY(nc_enddef(w.ncid), "ending define mode");

    if ((rc = put_coords(ctx, path, &w, field)) != DSC_OK)
        goto fail;
    char what[160];
    snprintf(what, sizeof what, "writing variable %s", field->name);
    DSC_NC_TRY(nc_put_var_float(w.ncid, w.var, buf), what);

    int closing = w.ncid;
    w.ncid = -1;
    DSC_NC_TRY(nc_close(closing), "closing");
    rc = dsc_io_rename(ctx, tmp, path);

fail:
    if (w.ncid >= 0)
        nc_abort(w.ncid);
    if (rc != DSC_OK && tmp)
        remove(tmp);
    free(tmp);
    free(buf);
    return rc;
}
