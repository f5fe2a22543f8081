/* describe.c - dsc_io_describe: one variable's stored metadata next to what the reader
 * makes of it (for `downscale inspect`), and the list of temperature-like variables.
 *
 * The metadata pass runs the reader's own steps (layout, packing), so what is shown is what
 * the reader sees; the values come from dsc_io_read itself, so "refused" here is exactly
 * what a pipeline run would refuse. The file is closed before dsc_io_read opens it again:
 * with netCDF-C 4.9 / HDF5 1.10, reading a string variable through a second handle of the
 * same netCDF-4 file and closing it makes the first handle crash inside HDF5 on its next
 * metadata query.
 */
#include "read_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- temperature-like variables --------------------------------------------------------- */

/* Whether varid is named by another variable's "bounds" (or "climatology") attribute. */
static int is_bounds_var(int ncid, int varid, int nvars)
{
    char name[NC_MAX_NAME + 1], ref[NC_MAX_NAME + 1];
    if (nc_inq_varname(ncid, varid, name) != NC_NOERR)
        return 0;
    for (int v = 0; v < nvars; v++) {
        if (v == varid)
            continue;
        if ((io_att_text(ncid, v, "bounds", ref, sizeof ref) == 0 && strcmp(ref, name) == 0) ||
            (io_att_text(ncid, v, "climatology", ref, sizeof ref) == 0 &&
             strcmp(ref, name) == 0))
            return 1;
    }
    return 0;
}

/* A 1-D variable named like its own dimension is a coordinate, not data. */
static int is_coordinate_var(int ncid, int varid)
{
    char name[NC_MAX_NAME + 1], dimname[NC_MAX_NAME + 1];
    int nd, dimid;
    if (nc_inq_varndims(ncid, varid, &nd) != NC_NOERR || nd != 1 ||
        nc_inq_vardimid(ncid, varid, &dimid) != NC_NOERR ||
        nc_inq_varname(ncid, varid, name) != NC_NOERR ||
        nc_inq_dimname(ncid, dimid, dimname) != NC_NOERR)
        return 0;
    return strcmp(name, dimname) == 0;
}

static int looks_like_temperature(dsc_ctx_t *ctx, int ncid, int varid, int nvars)
{
    nc_type type;
    int nd;
    char units[128] = "", sn[128] = "";
    if (nc_inq_vartype(ncid, varid, &type) != NC_NOERR ||
        nc_inq_varndims(ncid, varid, &nd) != NC_NOERR || nd < 1 || type == NC_CHAR ||
        type == NC_STRING || type >= NC_FIRSTUSERTYPEID)
        return 0;
    if (is_coordinate_var(ncid, varid) || is_bounds_var(ncid, varid, nvars))
        return 0;
    io_att_text(ncid, varid, "standard_name", sn, sizeof sn);
    if (strstr(sn, "temperature"))
        return 1;
    double scale, offset;
    if (io_att_text(ncid, varid, "units", units, sizeof units) != 0)
        return 0;
    int ok = dsc_units_to_celsius(ctx, units, &scale, &offset) == DSC_OK;
    dsc_ctx_clear(ctx); /* a unit that is not a temperature is an answer here, not an error */
    return ok;
}

int dsc_io_temperature_vars(dsc_ctx_t *ctx, const char *path, char ***names, size_t *n)
{
    int ncid = -1, nvars = 0, rc;
    char **out = NULL;
    size_t count = 0;

    *names = NULL;
    *n = 0;
    if ((rc = io_check_classic_size(ctx, path)) || (rc = io_nc_open(ctx, path, &ncid)))
        return rc;
    if ((rc = nc_inq_nvars(ncid, &nvars)) != NC_NOERR) {
        rc = io_nc_error(ctx, rc, path, "variables");
        goto fail;
    }
    out = dsc_calloc(ctx, nvars > 0 ? (size_t)nvars : 1, sizeof *out, "variable names");
    if (!out) {
        rc = DSC_ERR_NOMEM;
        goto fail;
    }
    for (int v = 0; v < nvars; v++) {
        char name[NC_MAX_NAME + 1];
        if (!looks_like_temperature(ctx, ncid, v, nvars) ||
            nc_inq_varname(ncid, v, name) != NC_NOERR)
            continue;
        if (!(out[count] = dsc_strdup(ctx, name))) {
            rc = DSC_ERR_NOMEM;
            goto fail;
        }
        count++;
    }
    nc_close(ncid);
    *names = out;
    *n = count;
    return DSC_OK;
fail:
    if (ncid >= 0)
        nc_close(ncid);
    dsc_io_paths_free(out, count);
    return rc;
}

/* ---- the stored metadata ------------------------------------------------------------------ */

static const char *format_name(int ncid)
{
    int fmt = 0;
    if (nc_inq_format(ncid, &fmt) != NC_NOERR)
        return "unknown";
    switch (fmt) {
    case NC_FORMAT_CLASSIC: return "classic";
    case NC_FORMAT_64BIT_OFFSET: return "64-bit offset";
    case NC_FORMAT_CDF5: return "64-bit data (CDF-5)";
    case NC_FORMAT_NETCDF4: return "netCDF-4";
    case NC_FORMAT_NETCDF4_CLASSIC: return "netCDF-4 classic model";
    default: return "unknown";
    }
}

static const char *type_name(nc_type type)
{
    switch (type) {
    case NC_BYTE: return "byte";
    case NC_UBYTE: return "ubyte";
    case NC_SHORT: return "short";
    case NC_USHORT: return "ushort";
    case NC_INT: return "int";
    case NC_UINT: return "uint";
    case NC_INT64: return "int64";
    case NC_UINT64: return "uint64";
    case NC_FLOAT: return "float";
    case NC_DOUBLE: return "double";
    default: return "other";
    }
}

/* Names, lengths and the unlimited flag of the variable's dimensions, roles still unknown. */
static void describe_dims(int ncid, int varid, dsc_io_info_t *info)
{
    int dimids[NC_MAX_VAR_DIMS], nd = 0, nunlim = 0, unlim[NC_MAX_DIMS];
    if (nc_inq_varndims(ncid, varid, &nd) != NC_NOERR || nd > NC_MAX_VAR_DIMS ||
        nc_inq_vardimid(ncid, varid, dimids) != NC_NOERR)
        return;
    if (nc_inq_unlimdims(ncid, &nunlim, NULL) != NC_NOERR || nunlim > NC_MAX_DIMS ||
        nc_inq_unlimdims(ncid, &nunlim, unlim) != NC_NOERR)
        nunlim = 0;
    info->ndims = nd < DSC_IO_MAX_DIMS ? nd : DSC_IO_MAX_DIMS;
    for (int i = 0; i < info->ndims; i++) {
        char name[NC_MAX_NAME + 1] = "";
        dsc_io_dim_t *d = &info->dims[i];
        nc_inq_dim(ncid, dimids[i], name, &d->length);
        snprintf(d->name, sizeof d->name, "%s", name);
        for (int k = 0; k < nunlim; k++)
            d->unlimited |= unlim[k] == dimids[i];
        d->role = "?";
    }
}

static void describe_roles(const io_layout_t *lay, const dsc_read_opts_t *opts,
                           dsc_io_info_t *info)
{
    static const char *const layouts[] = {"grid", "sites", "single point"};
    info->layout = layouts[lay->kind];
    for (int i = 0; i < info->ndims; i++) {
        dsc_io_dim_t *d = &info->dims[i];
        d->index = lay->fixed[i];
        if (i == lay->time_pos)
            d->role = "time";
        else if (i == lay->a_pos)
            d->role = lay->kind == IO_LAYOUT_SITES ? "site" : "latitude";
        else if (i == lay->b_pos)
            d->role = "longitude";
        else if (opts && opts->select_dim && strcmp(opts->select_dim, d->name) == 0)
            d->role = "selected";
        else
            d->role = "length one";
    }
}

/* First and last value of a coordinate, in file order. */
static void describe_axis(dsc_ctx_t *ctx, const io_layout_t *lay, int varid, size_t n,
                          dsc_io_axis_t *axis)
{
    char name[NC_MAX_NAME + 1] = "";
    double *v = NULL;
    axis->n = n;
    if (varid < 0)
        return;
    nc_inq_varname(lay->ncid, varid, name);
    snprintf(axis->name, sizeof axis->name, "%s", name);
    if (n == 0 || io_read_coord(ctx, lay, varid, n, &v) != DSC_OK) {
        dsc_ctx_clear(ctx); /* the read itself reports a bad coordinate */
        return;
    }
    axis->first = v[0];
    axis->last = v[n - 1];
    free(v);
}

static void describe_time(const io_layout_t *lay, const dsc_read_opts_t *opts,
                          dsc_io_info_t *info)
{
    char name[NC_MAX_NAME + 1] = "";
    if (lay->time_varid < 0)
        return;
    nc_inq_varname(lay->ncid, lay->time_varid, name);
    snprintf(info->time_name, sizeof info->time_name, "%s", name);
    if (opts && opts->time_units)
        snprintf(info->time_units, sizeof info->time_units, "%s", opts->time_units);
    else
        io_att_text(lay->ncid, lay->time_varid, "units", info->time_units,
                    sizeof info->time_units);
    if (opts && opts->calendar)
        snprintf(info->calendar, sizeof info->calendar, "%s", opts->calendar);
    else
        io_att_text(lay->ncid, lay->time_varid, "calendar", info->calendar,
                    sizeof info->calendar);
}

static void describe_packing(dsc_ctx_t *ctx, const io_layout_t *lay,
                             const dsc_read_opts_t *opts, dsc_io_info_t *info)
{
    io_packing_t pk;
    char to[32] = "";
    nc_type atype;
    int rc = io_packing_read(ctx, lay, opts, &pk, to, sizeof to);

    /* io_packing_read fills the packing before it looks at the units, so these hold even
     * when the units are refused; the read below reports that refusal. */
    info->packed = pk.scale != 1.0 || pk.offset != 0.0 ||
                   nc_inq_atttype(lay->ncid, lay->varid, "scale_factor", &atype) == NC_NOERR ||
                   nc_inq_atttype(lay->ncid, lay->varid, "add_offset", &atype) == NC_NOERR;
    info->scale_factor = pk.scale;
    info->add_offset = pk.offset;
    if (pk.unsigned_span > 0) { /* stored signed, read unsigned (_Unsigned = "true") */
        char t[sizeof info->type];
        snprintf(t, sizeof t, "u%s", info->type);
        snprintf(info->type, sizeof info->type, "%s", t);
    }
    int has_att = nc_inq_atttype(lay->ncid, lay->varid, "_FillValue", &atype) == NC_NOERR;
    info->fill = pk.fill;
    if (pk.has_fill)
        info->fill_kind = has_att ? 1 : 2;
    else if (has_att && nc_get_att_double(lay->ncid, lay->varid, "_FillValue", &info->fill) ==
                            NC_NOERR)
        info->fill_kind = 3;
    info->nmissing_value = pk.nmissing;
    memcpy(info->missing_value, pk.missing, sizeof pk.missing);
    info->has_valid_min = pk.has_min;
    info->has_valid_max = pk.has_max;
    info->valid_min = pk.vmin;
    info->valid_max = pk.vmax;
    info->valid_unpacked = pk.valid_unpacked;
    if (opts && opts->units)
        snprintf(info->units, sizeof info->units, "%s", opts->units);
    else
        io_att_text(lay->ncid, lay->varid, "units", info->units, sizeof info->units);
    if (rc == DSC_OK) {
        snprintf(info->units_to, sizeof info->units_to, "%s", to);
        info->unit_scale = pk.unit_scale;
        info->unit_offset = pk.unit_offset;
    }
    dsc_ctx_clear(ctx);
}

/* Everything the file says about var, up to the first step the reader would refuse. */
static int describe_stored(dsc_ctx_t *ctx, const char *path, const char *var,
                           const dsc_read_opts_t *opts, dsc_io_info_t *info)
{
    int ncid, varid, rc;
    io_layout_t lay;
    nc_type type;

    if ((rc = io_check_classic_size(ctx, path)) || (rc = io_nc_open(ctx, path, &ncid)))
        return rc;
    snprintf(info->format, sizeof info->format, "%s", format_name(ncid));
    if (nc_inq_varid(ncid, var, &varid) == NC_NOERR) {
        if (nc_inq_vartype(ncid, varid, &type) == NC_NOERR)
            snprintf(info->type, sizeof info->type, "%s", type_name(type));
        describe_dims(ncid, varid, info);
    }
    rc = io_layout_find(ctx, ncid, path, var, opts, &lay);
    if (rc == DSC_OK) {
        describe_roles(&lay, opts, info);
        if (lay.kind == IO_LAYOUT_GRID) {
            describe_axis(ctx, &lay, lay.lat_varid, lay.dimlen[lay.a_pos], &info->lat);
            describe_axis(ctx, &lay, lay.lon_varid, lay.dimlen[lay.b_pos], &info->lon);
        } else if (lay.kind == IO_LAYOUT_SITES) {
            info->lat.n = lay.dimlen[lay.a_pos];
        }
        describe_time(&lay, opts, info);
        describe_packing(ctx, &lay, opts, info);
    }
    nc_close(ncid);
    return rc;
}

/* ---- the decoded values ------------------------------------------------------------------- */

static void describe_values(dsc_io_info_t *info)
{
    const dsc_field_t *f = info->field;
    size_t n = f->ntime * dsc_field_ncells(f);
    info->nvalues = n;
    for (size_t i = 0; i < n; i++) {
        double v = f->values[i];
        if (isnan(v)) {
            info->nmissing++;
            continue;
        }
        if (isnan(info->vmin) || v < info->vmin)
            info->vmin = v;
        if (isnan(info->vmax) || v > info->vmax)
            info->vmax = v;
    }
}

static void list_candidates(dsc_ctx_t *ctx, const char *path, dsc_io_info_t *info)
{
    char **names = NULL;
    size_t n = 0, used = 0;
    if (dsc_io_temperature_vars(ctx, path, &names, &n) != DSC_OK) {
        dsc_ctx_clear(ctx);
        return;
    }
    for (size_t i = 0; i < n && used < sizeof info->candidates; i++) {
        int w = snprintf(info->candidates + used, sizeof info->candidates - used, "%s%s",
                         i ? ", " : "", names[i]);
        used += w > 0 ? (size_t)w : 0;
    }
    dsc_io_paths_free(names, n);
}

static void init_info(dsc_io_info_t *info)
{
    memset(info, 0, sizeof *info);
    info->lat.first = info->lat.last = info->lon.first = info->lon.last = NAN;
    info->scale_factor = 1.0;
    info->unit_scale = 1.0;
    info->fill = info->valid_min = info->valid_max = NAN;
    info->vmin = info->vmax = NAN;
}

static int refuse(dsc_ctx_t *ctx, dsc_io_info_t *info, int rc)
{
    info->status = rc ? rc : DSC_ERR_INTERNAL;
    snprintf(info->problem, sizeof info->problem, "%s", dsc_ctx_message(ctx));
    return info->status;
}

int dsc_io_describe(dsc_ctx_t *ctx, const char *path, const char *var,
                    const dsc_read_opts_t *opts, dsc_io_info_t *info)
{
    int rc;
    init_info(info);
    if (!path)
        return refuse(ctx, info, dsc_error(ctx, DSC_ERR_USAGE, "dsc_io_describe: no path"));

    list_candidates(ctx, path, info);
    if (!var) {
        size_t len = strcspn(info->candidates, ",");
        if (len == 0) {
            /* Run the usual checks first, so that a corrupt file says so. */
            if ((rc = io_check_classic_size(ctx, path)))
                return refuse(ctx, info, rc);
            int ncid;
            if ((rc = io_nc_open(ctx, path, &ncid)))
                return refuse(ctx, info, rc);
            snprintf(info->format, sizeof info->format, "%s", format_name(ncid));
            nc_close(ncid);
            return refuse(ctx, info, dsc_error(ctx, DSC_ERR_USAGE, "%s: no temperature-like "
                                               "variable (name one)", path));
        }
        snprintf(info->var, sizeof info->var, "%.*s", (int)len, info->candidates);
    } else {
        snprintf(info->var, sizeof info->var, "%s", var);
    }

    if ((rc = describe_stored(ctx, path, var ? var : info->var, opts, info)))
        return refuse(ctx, info, rc);
    if ((rc = dsc_io_read(ctx, path, var ? var : info->var, NULL, opts, &info->field)))
        return refuse(ctx, info, rc);
    describe_values(info);
    return DSC_OK;
}

void dsc_io_info_clear(dsc_io_info_t *info)
{
    if (!info)
        return;
    dsc_field_destroy(info->field);
    memset(info, 0, sizeof *info);
}
