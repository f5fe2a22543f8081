/* write_steps.c - a CF NetCDF file written a block of time steps at a time
 * (dsc_io_writer_*), for outputs too long to hold in memory at once.
 *
 * The layout is the one write_field.c gives a whole field, so the reader takes either back
 * the same way; time is unlimited because the writer does not know how many steps will
 * come. The file is built under a temporary name and renamed into place on commit.
 */
#include "dsc/io_stream.h"
#include "nc_write.h"

#include <float.h>
#include <math.h>
#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Values per chunk of the output variable: at most 1 Mi floats (4 MiB) and 64 steps, large
 * enough that a chunk of a regional grid holds many days and compresses well. */
#define CHUNK_VALUES ((size_t)1 << 20)
#define CHUNK_STEPS 64

/* Chunks the output's cache holds. HDF5 keeps written chunks in the cache until it is
 * full, so a cache larger than the chunks being filled only makes memory grow with the
 * length of the series; a few chunks suffice for blocks that end inside a chunk. */
#define CACHE_CHUNKS 4

struct dsc_io_writer {
    char *path, *tmp;
    int ncid;
    int var, var_time;
    size_t nlat, nlon; /* output shape after time: nlat x nlon, or nsite x 1 */
    int rect;
    size_t nwritten;
    dsc_calendar_t calendar;
    dsc_time_units_t time_units;
    int have_units;    /* 0 until the first step fixes "days since <year>-01-01" */
    dsc_date_t last;
    float *buf;
    size_t buf_len;
};

static int def_variable(dsc_ctx_t *ctx, const char *path, dsc_io_writer_t *w, int dim_time,
                        const dsc_nc_grid_t *id, const dsc_io_writer_opts_t *o)
{
    int rc = DSC_OK, ncid = w->ncid;
    int dims[3] = {dim_time, id->dim_a, id->dim_b};
    const float fill = DSC_NC_FILL;
    char what[160];
    snprintf(what, sizeof what, "defining variable %s", o->name);

    /* Whole rows in a chunk, as many rows as fit, then as many days as fit. */
    size_t rows = CHUNK_VALUES / w->nlon;
    rows = rows < 1 ? 1 : rows > w->nlat ? w->nlat : rows;
    size_t days = CHUNK_VALUES / (rows * w->nlon);
    days = days < 1 ? 1 : days > CHUNK_STEPS ? CHUNK_STEPS : days;
    size_t chunk[3] = {days, rows, w->nlon};
    size_t chunk_bytes = days * rows * w->nlon * sizeof(float);

    DSC_NC_TRY(nc_def_var(ncid, o->name, NC_FLOAT, w->rect ? 3 : 2, dims, &w->var), what);
    DSC_NC_TRY(nc_def_var_chunking(ncid, w->var, NC_CHUNKED, chunk), what);
    DSC_NC_TRY(nc_set_var_chunk_cache(ncid, w->var, CACHE_CHUNKS * chunk_bytes, 31, 1.0f),
               what);
    if (o->deflate > 0)
        DSC_NC_TRY(nc_def_var_deflate(ncid, w->var, 1, 1, o->deflate > 9 ? 9 : o->deflate),
                   what);
    DSC_NC_TRY(nc_put_att_float(ncid, w->var, "_FillValue", NC_FLOAT, 1, &fill), what);
    DSC_NC_TRY(nc_put_att_float(ncid, w->var, "missing_value", NC_FLOAT, 1, &fill), what);
    if (o->standard_name && *o->standard_name)
        DSC_NC_TRY(dsc_io_nc_put_text(ncid, w->var, "standard_name", o->standard_name), what);
    if (o->long_name && *o->long_name)
        DSC_NC_TRY(dsc_io_nc_put_text(ncid, w->var, "long_name", o->long_name), what);
    if (o->units && *o->units)
        DSC_NC_TRY(dsc_io_nc_put_text(ncid, w->var, "units", o->units), what);
    if (!w->rect)
        DSC_NC_TRY(dsc_io_nc_put_point_coords(ncid, w->var, id), what);
fail:
    return rc;
}

/* Longitudes written eastward without a jump: each one follows the one before by less
 * than a turn, so a grid crossing 180 (or a 0..360 grid held as -180..180) stays monotonic,
 * as CF coordinate variables must be. */
static int put_grid(dsc_ctx_t *ctx, const char *path, int ncid, const dsc_grid_t *g,
                    const dsc_nc_grid_t *id)
{
    int rc = DSC_OK;
    double *lon = dsc_malloc(ctx, g->nlon * sizeof *lon, "output longitudes");
    if (!lon)
        return DSC_ERR_NOMEM;
    if (g->kind == DSC_GRID_RECTILINEAR) {
        lon[0] = g->lon[0];
        for (size_t j = 1; j < g->nlon; j++) {
            double step = fmod(g->lon[j] - g->lon[j - 1], 360.0);
            lon[j] = lon[j - 1] + (step <= 0.0 ? step + 360.0 : step);
        }
        DSC_NC_TRY(nc_put_var_double(ncid, id->var_lon, lon), "writing lon");
    } else {
        DSC_NC_TRY(nc_put_var_double(ncid, id->var_lon, g->lon), "writing lon");
    }
    DSC_NC_TRY(nc_put_var_double(ncid, id->var_lat, g->lat), "writing lat");
    rc = dsc_io_nc_put_names(ctx, path, ncid, g, id);
fail:
    free(lon);
    return rc;
}

static int check_create(dsc_ctx_t *ctx, const char *path, const dsc_grid_t *g,
                        const dsc_io_writer_opts_t *o)
{
    if (!path || !*path)
        return dsc_error(ctx, DSC_ERR_USAGE, "(empty path): no output file name given");
    if (!o || !o->name || !*o->name)
        return dsc_error(ctx, DSC_ERR_USAGE, "%s: no variable name given", path);
    if (!g || dsc_grid_ncells(g) == 0 || !g->lat || !g->lon)
        return dsc_error(ctx, DSC_ERR_USAGE, "%s: the grid is empty", path);
    return DSC_OK;
}

static int define_file(dsc_ctx_t *ctx, dsc_io_writer_t *w, const dsc_grid_t *g,
                       const dsc_io_writer_opts_t *o)
{
    const char *path = w->path;
    dsc_nc_grid_t id;
    int rc = DSC_OK, dim_time;

    DSC_NC_TRY(nc_def_dim(w->ncid, "time", NC_UNLIMITED, &dim_time), "defining time");
    DSC_NC_TRY(dsc_io_nc_def_coord(w->ncid, "time", dim_time, "time", NULL, "T", &w->var_time),
               "defining variable time");
    DSC_NC_TRY(dsc_io_nc_put_text(w->ncid, w->var_time, "calendar",
                                  dsc_calendar_name(w->calendar)), "defining time");
    if (o->time_units)
        DSC_NC_TRY(dsc_io_nc_put_text(w->ncid, w->var_time, "units", o->time_units),
                   "defining time");
    if ((rc = dsc_io_nc_def_grid(ctx, path, w->ncid, g, &id)) ||
        (rc = def_variable(ctx, path, w, dim_time, &id, o)))
        return rc;
    DSC_NC_TRY(dsc_io_nc_put_meta(w->ncid, o->meta), "writing global attributes");
    DSC_NC_TRY(nc_enddef(w->ncid), "ending define mode");
    return put_grid(ctx, path, w->ncid, g, &id);
fail:
    return rc;
}

int dsc_io_writer_create(dsc_ctx_t *ctx, const char *path, const dsc_grid_t *grid,
                         const dsc_io_writer_opts_t *opts, dsc_io_writer_t **out)
{
    dsc_io_writer_t *w = NULL;
    int rc;

    *out = NULL;
    if ((rc = check_create(ctx, path, grid, opts)))
        return rc;
    w = dsc_calloc(ctx, 1, sizeof *w, "writer");
    if (!w)
        return DSC_ERR_NOMEM;
    w->ncid = -1;
    w->rect = grid->kind == DSC_GRID_RECTILINEAR;
    w->nlat = grid->nlat;
    w->nlon = w->rect ? grid->nlon : 1;
    w->calendar = opts->calendar;
    if (opts->time_units) {
        if ((rc = dsc_time_units_parse(ctx, opts->time_units, &w->time_units))) {
            char msg[512];
            snprintf(msg, sizeof msg, "%s", dsc_ctx_message(ctx));
            rc = dsc_error(ctx, rc, "%s: %s", path, msg);
            goto fail;
        }
        w->have_units = 1;
    }
    if (!(w->path = dsc_strdup(ctx, path))) {
        rc = dsc_ctx_status(ctx);
        goto fail;
    }
    if ((rc = dsc_io_nc_begin(ctx, path, DSC_NC_CLASSIC, &w->tmp, &w->ncid)) ||
        (rc = define_file(ctx, w, grid, opts)))
        goto fail;
    *out = w;
    return DSC_OK;
fail:
    dsc_io_writer_abort(w);
    return rc;
}

/* Dates must be valid and increase; the first one fixes the time units when none were
 * given. */
static int check_dates(dsc_ctx_t *ctx, dsc_io_writer_t *w, const dsc_date_t *dates, size_t nt)
{
    for (size_t t = 0; t < nt; t++) {
        char buf[32];
        dsc_date_format(dates[t], buf, sizeof buf);
        if (!dsc_date_valid(w->calendar, dates[t]))
            return dsc_error(ctx, DSC_ERR_USAGE, "%s: step %zu (%s) is not a %s date", w->path,
                             w->nwritten + t, buf, dsc_calendar_name(w->calendar));
        dsc_date_t prev = t > 0 ? dates[t - 1] : w->last;
        if ((t > 0 || w->nwritten > 0) && dsc_date_compare(prev, dates[t]) >= 0)
            return dsc_error(ctx, DSC_ERR_USAGE, "%s: step %zu (%s) is not after the one "
                             "before", w->path, w->nwritten + t, buf);
    }
    return DSC_OK;
}

static int fix_units(dsc_ctx_t *ctx, dsc_io_writer_t *w, dsc_date_t first)
{
    const char *path = w->path;
    char text[64];
    int rc = DSC_OK;
    dsc_io_nc_days_since(first, text, sizeof text, &w->time_units);
    w->have_units = 1;
    DSC_NC_TRY(nc_redef(w->ncid), "writing time units");
    DSC_NC_TRY(dsc_io_nc_put_text(w->ncid, w->var_time, "units", text), "writing time units");
    DSC_NC_TRY(nc_enddef(w->ncid), "writing time units");
fail:
    return rc;
}

static int grow_buffer(dsc_ctx_t *ctx, dsc_io_writer_t *w, size_t n)
{
    if (n <= w->buf_len)
        return DSC_OK;
    float *b = realloc(w->buf, n * sizeof *b);
    if (!b)
        return dsc_error(ctx, DSC_ERR_NOMEM, "%s: no memory for a block of %zu values",
                         w->path, n);
    w->buf = b;
    w->buf_len = n;
    return DSC_OK;
}

int dsc_io_writer_append(dsc_ctx_t *ctx, dsc_io_writer_t *w, const dsc_date_t *dates,
                         const double *values, size_t nt)
{
    const char *path = w->path;
    size_t ncell = w->nlat * w->nlon, n = nt * ncell;
    int rc;

    if (nt == 0)
        return DSC_OK;
    if ((rc = check_dates(ctx, w, dates, nt)) ||
        (!w->have_units && (rc = fix_units(ctx, w, dates[0]))) ||
        (rc = grow_buffer(ctx, w, n)))
        return rc;

    double *time = dsc_malloc(ctx, nt * sizeof *time, "time values");
    if (!time)
        return DSC_ERR_NOMEM;
    for (size_t t = 0; t < nt; t++)
        time[t] = dsc_time_encode(w->calendar, &w->time_units, dates[t]);
    size_t tstart = w->nwritten, tcount = nt;
    rc = DSC_OK;
    DSC_NC_TRY(nc_put_vara_double(w->ncid, w->var_time, &tstart, &tcount, time),
               "writing time");

    /* A double beyond the float range cannot be cast (undefined behaviour); it is missing
     * like NaN. */
    for (size_t i = 0; i < n; i++) {
        double v = fabs(values[i]) <= FLT_MAX ? values[i] : (double)DSC_NC_FILL;
        w->buf[i] = (float)v;
    }
    size_t start[3] = {w->nwritten, 0, 0}, count[3] = {nt, w->nlat, w->nlon};
    DSC_NC_TRY(nc_put_vara_float(w->ncid, w->var, start, count, w->buf), "writing values");
    w->nwritten += nt;
    w->last = dates[nt - 1];
fail:
    free(time);
    return rc;
}

int dsc_io_writer_commit(dsc_ctx_t *ctx, dsc_io_writer_t *w)
{
    int rc = dsc_io_nc_commit(ctx, w->path, w->tmp, &w->ncid);
    if (rc == DSC_OK) {
        free(w->tmp);
        w->tmp = NULL;
    }
    dsc_io_writer_abort(w);
    return rc;
}

void dsc_io_writer_abort(dsc_io_writer_t *w)
{
    if (!w)
        return;
    dsc_io_nc_discard(w->ncid, w->tmp);
    free(w->tmp);
    free(w->path);
    free(w->buf);
    free(w);
}
