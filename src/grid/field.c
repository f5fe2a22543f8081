/* field.c - grids, points and daily fields: allocation, copies, subsets. */
#include "dsc/field.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t dsc_grid_ncells(const dsc_grid_t *grid)
{
    return grid->nlat * grid->nlon;
}

void dsc_grid_cell_coords(const dsc_grid_t *grid, size_t cell, double *lat, double *lon)
{
    if (grid->kind == DSC_GRID_POINTS) {
        *lat = grid->lat[cell];
        *lon = grid->lon[cell];
    } else {
        *lat = grid->lat[cell / grid->nlon];
        *lon = grid->lon[cell % grid->nlon];
    }
}

double dsc_lon_normalize(double lon)
{
    double x = fmod(lon + 180.0, 360.0);
    if (x < 0)
        x += 360.0;
    return x - 180.0;
}

void dsc_grid_clear(dsc_grid_t *grid)
{
    if (!grid)
        return;
    if (grid->names) {
        for (size_t i = 0; i < grid->nlat; i++)
            free(grid->names[i]);
        free(grid->names);
    }
    free(grid->lat);
    free(grid->lon);
    memset(grid, 0, sizeof *grid);
}

int dsc_grid_init_rectilinear(dsc_ctx_t *ctx, dsc_grid_t *grid, size_t nlat, size_t nlon)
{
    memset(grid, 0, sizeof *grid);
    grid->kind = DSC_GRID_RECTILINEAR;
    grid->nlat = nlat;
    grid->nlon = nlon;
    grid->lat = dsc_calloc(ctx, nlat, sizeof(double), "grid latitudes");
    grid->lon = dsc_calloc(ctx, nlon, sizeof(double), "grid longitudes");
    if (!grid->lat || !grid->lon) {
        dsc_grid_clear(grid);
        return DSC_ERR_NOMEM;
    }
    return DSC_OK;
}

int dsc_grid_init_points(dsc_ctx_t *ctx, dsc_grid_t *grid, size_t n)
{
    memset(grid, 0, sizeof *grid);
    grid->kind = DSC_GRID_POINTS;
    grid->nlat = n;
    grid->nlon = 1;
    grid->lat = dsc_calloc(ctx, n, sizeof(double), "point latitudes");
    grid->lon = dsc_calloc(ctx, n, sizeof(double), "point longitudes");
    if (!grid->lat || !grid->lon) {
        dsc_grid_clear(grid);
        return DSC_ERR_NOMEM;
    }
    return DSC_OK;
}

int dsc_grid_copy(dsc_ctx_t *ctx, dsc_grid_t *dst, const dsc_grid_t *src)
{
    int rc = src->kind == DSC_GRID_POINTS
                 ? dsc_grid_init_points(ctx, dst, src->nlat)
                 : dsc_grid_init_rectilinear(ctx, dst, src->nlat, src->nlon);
    if (rc)
        return rc;
    size_t nlon = src->kind == DSC_GRID_POINTS ? src->nlat : src->nlon;
    memcpy(dst->lat, src->lat, src->nlat * sizeof(double));
    memcpy(dst->lon, src->lon, nlon * sizeof(double));
    dst->lon_wraps = src->lon_wraps;
    if (src->names) {
        dst->names = dsc_calloc(ctx, src->nlat, sizeof(char *), "point names");
        if (!dst->names)
            goto fail;
        for (size_t i = 0; i < src->nlat; i++)
            if (src->names[i] && !(dst->names[i] = dsc_strdup(ctx, src->names[i])))
                goto fail;
    }
    return DSC_OK;
fail:
    dsc_grid_clear(dst);
    return DSC_ERR_NOMEM;
}

dsc_field_t *dsc_field_create(dsc_ctx_t *ctx, const char *name, dsc_calendar_t cal, size_t ntime,
                              const dsc_grid_t *grid)
{
    dsc_field_t *f = dsc_calloc(ctx, 1, sizeof *f, "field");
    if (!f)
        return NULL;
    snprintf(f->name, sizeof f->name, "%s", name ? name : "");
    snprintf(f->units, sizeof f->units, "degC");
    f->calendar = cal;
    f->ntime = ntime;
    if (dsc_grid_copy(ctx, &f->grid, grid))
        goto fail;
    f->dates = dsc_calloc(ctx, ntime, sizeof(dsc_date_t), "field dates");
    if (!f->dates)
        goto fail;
    size_t ncell = dsc_grid_ncells(grid);
    if (ncell && ntime > SIZE_MAX / ncell) {
        dsc_error(ctx, DSC_ERR_NOMEM, "field %s: %zu x %zu values is too many", f->name, ntime,
                  ncell);
        goto fail;
    }
    f->values = dsc_nan_array(ctx, ntime * ncell, "field values");
    if (!f->values)
        goto fail;
    return f;
fail:
    dsc_field_destroy(f);
    return NULL;
}

void dsc_field_destroy(dsc_field_t *field)
{
    if (!field)
        return;
    dsc_grid_clear(&field->grid);
    free(field->dates);
    free(field->values);
    free(field);
}

size_t dsc_field_ncells(const dsc_field_t *field)
{
    return dsc_grid_ncells(&field->grid);
}

size_t dsc_field_find_date(const dsc_field_t *field, dsc_date_t d)
{
    size_t lo = 0, hi = field->ntime;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (dsc_date_compare(field->dates[mid], d) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int dsc_field_subset_years(dsc_ctx_t *ctx, const dsc_field_t *field, int year0, int year1,
                           dsc_field_t **out)
{
    *out = NULL;
    size_t t0 = dsc_field_find_date(field, (dsc_date_t){year0, 1, 1, 0});
    size_t t1 = dsc_field_find_date(field, (dsc_date_t){year1 + 1, 1, 1, 0});
    if (t1 <= t0)
        return dsc_error(ctx, DSC_ERR_RANGE, "%s: %s has no time step in %d-%d", field->source,
                         field->name, year0, year1);
    dsc_field_t *f = dsc_field_create(ctx, field->name, field->calendar, t1 - t0, &field->grid);
    if (!f)
        return dsc_ctx_status(ctx);
    size_t ncell = dsc_field_ncells(field);
    memcpy(f->dates, field->dates + t0, (t1 - t0) * sizeof(dsc_date_t));
    memcpy(f->values, field->values + t0 * ncell, (t1 - t0) * ncell * sizeof(double));
    snprintf(f->units, sizeof f->units, "%s", field->units);
    snprintf(f->source, sizeof f->source, "%s", field->source);
    *out = f;
    return DSC_OK;
}
