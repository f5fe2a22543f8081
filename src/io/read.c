/* read.c - dsc_io_read: one variable of one CF NetCDF file into a field.
 *
 * The steps live in their own files (see read_internal.h); this one opens the file, runs
 * them in order and assembles the field.
 */
#include "read_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_region(dsc_ctx_t *ctx, const char *path, const dsc_region_t *r)
{
    if (!r || r->kind == DSC_REGION_ALL)
        return DSC_OK;
    if (r->kind == DSC_REGION_BOX) {
        if (!isfinite(r->lat_min) || !isfinite(r->lat_max) || !isfinite(r->lon_min) ||
            !isfinite(r->lon_max) || r->lat_min > r->lat_max)
            return dsc_error(ctx, DSC_ERR_USAGE, "%s: box lat %g..%g, lon %g..%g is not a "
                             "box", path, r->lat_min, r->lat_max, r->lon_min, r->lon_max);
        return DSC_OK;
    }
    if (r->kind == DSC_REGION_POINT) {
        if (!r->location && (!isfinite(r->lat) || !isfinite(r->lon)))
            return dsc_error(ctx, DSC_ERR_USAGE, "%s: point lat %g, lon %g is not a point",
                             path, r->lat, r->lon);
        return DSC_OK;
    }
    return dsc_error(ctx, DSC_ERR_USAGE, "%s: unknown region kind %d", path, (int)r->kind);
}

int io_nc_open(dsc_ctx_t *ctx, const char *path, int *ncid)
{
    int status = nc_open(path, NC_NOWRITE, ncid);
    if (status == NC_NOERR)
        return DSC_OK;
    /* netCDF passes system errors through; the file was readable a moment ago (the size
     * check opened it), so anything but these means its content is bad. */
    if (status == ENOENT || status == EACCES || status == EPERM || status == EISDIR ||
        status == EMFILE || status == ENFILE || status == EIO)
        return dsc_error(ctx, DSC_ERR_IO, "%s: cannot open: %s", path, strerror(status));
    if (status > 0)
        return dsc_error(ctx, DSC_ERR_FORMAT, "%s: not a readable netCDF file: %s", path,
                         strerror(status));
    return dsc_error(ctx, DSC_ERR_FORMAT, "%s: not a readable netCDF file: %s", path,
                     nc_strerror(status));
}

/* dsc_io_read; with out NULL dsc_io_check, every step but reading the values; with
 * with_values 0, io_read_header, the field without its values. */
static int read_var(dsc_ctx_t *ctx, const char *path, const char *var, const dsc_region_t *region,
                    const dsc_read_opts_t *opts, int with_values, dsc_field_t **out)
{
    int ncid = -1, rc;
    io_layout_t lay;
    io_packing_t pk;
    io_axis_t a = {0, NULL}, b = {0, NULL};
    dsc_grid_t grid;
    dsc_date_t *dates = NULL;
    dsc_calendar_t cal;
    size_t ntime = 0;
    char units[32];
    dsc_field_t *f = NULL;

    memset(&grid, 0, sizeof grid);
    if (out)
        *out = NULL;
    if (!path || !var)
        return dsc_error(ctx, DSC_ERR_USAGE, "dsc_io_read: path and variable are required");
    if ((rc = check_region(ctx, path, region)) || (rc = io_check_classic_size(ctx, path)) ||
        (rc = io_nc_open(ctx, path, &ncid)))
        return rc;

    if ((rc = io_layout_find(ctx, ncid, path, var, opts, &lay)) ||
        (rc = io_read_time(ctx, &lay, opts, &cal, &dates, &ntime)) ||
        (rc = io_packing_read(ctx, &lay, opts, &pk, units, sizeof units)) ||
        (rc = io_region_select(ctx, &lay, region, &grid, &a, &b)) || !out)
        goto done;

    f = dsc_field_create(ctx, var, cal, with_values ? ntime : 0, &grid);
    if (!f) {
        rc = dsc_ctx_status(ctx);
        rc = rc ? rc : DSC_ERR_INTERNAL;
        goto done;
    }
    if (with_values) {
        memcpy(f->dates, dates, ntime * sizeof *dates);
        if ((rc = io_read_values(ctx, &lay, &pk, ntime, &a, &b, f->values)))
            goto done;
    } else {
        free(f->dates);
        f->dates = dates;
        f->ntime = ntime;
        dates = NULL;
    }
    snprintf(f->units, sizeof f->units, "%s", units);
    snprintf(f->source, sizeof f->source, "%s", path);
    *out = f;
    f = NULL;
done:
    if (ncid >= 0)
        nc_close(ncid);
    free(dates);
    io_axis_free(&a);
    io_axis_free(&b);
    dsc_grid_clear(&grid);
    dsc_field_destroy(f);
    return rc;
}

int dsc_io_read(dsc_ctx_t *ctx, const char *path, const char *var, const dsc_region_t *region,
                const dsc_read_opts_t *opts, dsc_field_t **out)
{
    if (!out)
        return dsc_error(ctx, DSC_ERR_USAGE, "dsc_io_read: out is required");
    return read_var(ctx, path, var, region, opts, 1, out);
}

int io_read_header(dsc_ctx_t *ctx, const char *path, const char *var, const dsc_region_t *region,
                   const dsc_read_opts_t *opts, dsc_field_t **out)
{
    return read_var(ctx, path, var, region, opts, 0, out);
}

int dsc_io_check(dsc_ctx_t *ctx, const char *path, const char *var, const dsc_region_t *region,
                 const dsc_read_opts_t *opts)
{
    return read_var(ctx, path, var, region, opts, 1, NULL);
}
