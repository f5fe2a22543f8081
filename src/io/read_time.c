/* read_time.c - the time axis of a variable, decoded into calendar dates. */
#include "read_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Prefixes the message a time.h call left on the context with the file and variable, so
 * that "calendar '365_days': not a CF calendar" says where it came from. */
static int wrap_time_error(dsc_ctx_t *ctx, const io_layout_t *lay, const char *hint)
{
    char msg[512];
    snprintf(msg, sizeof msg, "%s", dsc_ctx_message(ctx));
    return dsc_error(ctx, dsc_ctx_status(ctx), "%s: %s: %s%s", lay->path, lay->var, msg, hint);
}

static int check_raw_times(dsc_ctx_t *ctx, const io_layout_t *lay, const double *raw, size_t n)
{
    double fill = NAN;
    int has_fill = nc_get_att_double(lay->ncid, lay->time_varid, "_FillValue", &fill) ==
                   NC_NOERR;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(raw[i]) || (has_fill && raw[i] == fill))
            return dsc_error(ctx, DSC_ERR_FORMAT, "%s: %s: time value %zu is missing",
                             lay->path, lay->var, i);
        if (i > 0 && !(raw[i] > raw[i - 1]))
            return dsc_error(ctx, DSC_ERR_FORMAT,
                             "%s: %s: time axis is not strictly increasing (step %zu: %g, "
                             "step %zu: %g)", lay->path, lay->var, i - 1, raw[i - 1], i,
                             raw[i]);
    }
    return DSC_OK;
}

int io_read_time(dsc_ctx_t *ctx, const io_layout_t *lay, const dsc_read_opts_t *opts,
                 dsc_calendar_t *cal, dsc_date_t **dates, size_t *ntime)
{
    size_t n = lay->dimlen[lay->time_pos];
    double *raw = NULL;
    dsc_date_t *out = NULL;
    char units[256] = "", calname[64] = "";
    dsc_time_units_t tu;

    *dates = NULL;
    *ntime = 0;
    if (n == 0)
        return dsc_error(ctx, DSC_ERR_RANGE, "%s: %s has no time steps", lay->path, lay->var);

    if (opts && opts->time_units)
        snprintf(units, sizeof units, "%s", opts->time_units);
    else if (io_att_text(lay->ncid, lay->time_varid, "units", units, sizeof units) != 0)
        return dsc_error(ctx, DSC_ERR_FORMAT,
                         "%s: %s: the time coordinate has no units; give time_units", lay->path,
                         lay->var);
    if (dsc_time_units_parse(ctx, units, &tu))
        return wrap_time_error(ctx, lay, opts && opts->time_units ? "" : "; give time_units");

    if (opts && opts->calendar)
        snprintf(calname, sizeof calname, "%s", opts->calendar);
    else
        io_att_text(lay->ncid, lay->time_varid, "calendar", calname, sizeof calname);
    if (dsc_calendar_parse(ctx, calname, cal))
        return wrap_time_error(ctx, lay, opts && opts->calendar ? "" : "; give calendar");

    raw = dsc_malloc(ctx, n * sizeof *raw, "time values");
    out = dsc_malloc(ctx, n * sizeof *out, "dates");
    if (!raw || !out)
        goto fail;
    int status = nc_get_var_double(lay->ncid, lay->time_varid, raw);
    if (status != NC_NOERR) {
        io_nc_error(ctx, status, lay->path, "time");
        goto fail;
    }
    if (check_raw_times(ctx, lay, raw, n))
        goto fail;
    for (size_t i = 0; i < n; i++) {
        if (dsc_time_decode(ctx, *cal, &tu, raw[i], &out[i])) {
            wrap_time_error(ctx, lay, "");
            goto fail;
        }
    }
    free(raw);
    *dates = out;
    *ntime = n;
    return DSC_OK;
fail:
    free(raw);
    free(out);
    return dsc_ctx_status(ctx);
}
