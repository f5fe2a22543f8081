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
    int dim_time, var_time, var;
    dsc_nc_grid_t grid;
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
    return dsc_io_nc_check_dates(ctx, path, f->calendar, f->dates, f->ntime);
}

static int def_variable(dsc_ctx_t *ctx, const char *path, field_file_t *w, const dsc_field_t *f)
{
    int rc = DSC_OK;
    int rect = f->grid.kind == DSC_GRID_RECTILINEAR;
    int dims[3] = {w->dim_time, w->grid.dim_a, w->grid.dim_b};
    char what[160];
    snprintf(what, sizeof what, "defining variable %s", f->name);
    DSC_NC_TRY(dsc_io_nc_def_float(w->ncid, f->name, rect ? 3 : 2, dims,
                                   f->units[0] ? f->units : NULL, NULL, &w->var),
               what);
    if (!rect)
        DSC_NC_TRY(dsc_io_nc_put_point_coords(w->ncid, w->var, &w->grid), what);
fail:
    return rc;
}

static int put_coords(dsc_ctx_t *ctx, const char *path, const field_file_t *w,
                      const dsc_field_t *f)
{
    int rc = DSC_OK;
    const dsc_grid_t *g = &f->grid;
    if ((rc = dsc_io_nc_put_time(ctx, path, w->ncid, w->var_time, f->calendar, f->dates,
                                 f->ntime)))
        return rc;
    DSC_NC_TRY(nc_put_var_double(w->ncid, w->grid.var_lat, g->lat), "writing lat");
    DSC_NC_TRY(nc_put_var_double(w->ncid, w->grid.var_lon, g->lon), "writing lon");
    rc = dsc_io_nc_put_names(ctx, path, w->ncid, g, &w->grid);
fail:
    return rc;
}

int dsc_io_write_field_nc(dsc_ctx_t *ctx, const char *path, const dsc_field_t *field,
                          const dsc_nc_meta_t *meta)
{
    field_file_t w = {.ncid = -1};
    char *tmp = NULL;
    float *buf = NULL;
    int rc = check_field(ctx, path, field);
    if (rc != DSC_OK)
        return rc;

    size_t n = field->ntime * dsc_field_ncells(field);
    buf = dsc_io_nc_to_float(ctx, field->values, n, path);
    if (!buf)
        return DSC_ERR_NOMEM;
    if ((rc = dsc_io_nc_begin(ctx, path, DSC_NC_CLASSIC, &tmp, &w.ncid)) != DSC_OK ||
        (rc = dsc_io_nc_def_time(ctx, path, w.ncid, field->calendar, field->dates[0],
                                 field->ntime, &w.dim_time, &w.var_time)) != DSC_OK ||
        (rc = dsc_io_nc_def_grid(ctx, path, w.ncid, &field->grid, &w.grid)) != DSC_OK ||
        (rc = def_variable(ctx, path, &w, field)) != DSC_OK)
        goto fail;
    DSC_NC_TRY(dsc_io_nc_put_meta(w.ncid, meta), "writing global attributes");
    DSC_NC_TRY(nc_enddef(w.ncid), "ending define mode");

    if ((rc = put_coords(ctx, path, &w, field)) != DSC_OK)
        goto fail;
    char what[160];
    snprintf(what, sizeof what, "writing variable %s", field->name);
    DSC_NC_TRY(nc_put_var_float(w.ncid, w.var, buf), what);
    rc = dsc_io_nc_commit(ctx, path, tmp, &w.ncid);

fail:
    if (rc != DSC_OK)
        dsc_io_nc_discard(w.ncid, tmp);
    free(tmp);
    free(buf);
    return rc;
}
