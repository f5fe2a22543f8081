/* read_values.c - reading the selected hyperslabs and turning raw values into numbers.
 *
 * Missing-value tests (_FillValue, missing_value) are made on the raw, still packed value,
 * as CF defines them in the packed type: after unpacking, a fill of -32767 times a scale
 * would no longer compare equal. Unpacking and the unit conversion are done in double.
 */
#include "read_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Raw values held in memory at once while reading: 4 Mi doubles = 32 MiB. (Overridable at
 * build time so that tests can force many small blocks.) */
#ifndef READ_BLOCK_VALUES
#define READ_BLOCK_VALUES ((size_t)4 << 20)
#endif

/* Casts an attribute value to what the variable's type can hold, so that the comparison
 * with raw values read as double is exact (a double 1e20 fill on a float variable is
 * stored as the float nearest 1e20). Returns 0 when no value of the type can equal it. */
static int as_var_type(nc_type type, double v, double *out)
{
    if (type == NC_FLOAT) {
        *out = (double)(float)v;
        return 1;
    }
    if (type == NC_DOUBLE) {
        *out = v;
        return 1;
    }
    if (!isfinite(v))
        return 0; /* e.g. a NaN _FillValue on a short variable */
    *out = nearbyint(v);
    return 1;
}

static int default_fill(nc_type type, double *fill)
{
    switch (type) {
    case NC_SHORT: *fill = NC_FILL_SHORT; return 1;
    case NC_INT: *fill = NC_FILL_INT; return 1;
    case NC_FLOAT: *fill = (double)NC_FILL_FLOAT; return 1;
    case NC_DOUBLE: *fill = NC_FILL_DOUBLE; return 1;
    case NC_USHORT: *fill = NC_FILL_USHORT; return 1;
    case NC_UINT: *fill = NC_FILL_UINT; return 1;
    case NC_INT64: *fill = (double)NC_FILL_INT64; return 1;
    case NC_UINT64: *fill = (double)NC_FILL_UINT64; return 1;
    default: return 0; /* bytes have no default fill by netCDF convention */
    }
}

/* netCDF-3 has no unsigned types: writers store them in the signed type of the same width
 * and say _Unsigned = "true" (NetCDF User Guide); a raw -1 in a byte is then 255. */
static double unsigned_span(int ncid, int varid, nc_type type)
{
    char flag[16] = "";
    if (io_att_text(ncid, varid, "_Unsigned", flag, sizeof flag) != 0 ||
        (strcmp(flag, "true") != 0 && strcmp(flag, "TRUE") != 0 && strcmp(flag, "True") != 0))
        return 0;
    switch (type) {
    case NC_BYTE: return 256.0;
    case NC_SHORT: return 65536.0;
    case NC_INT: return 4294967296.0;
    default: return 0; /* already unsigned, or not an integer */
    }
}

/* A raw value (or an attribute in the variable's type) as the unsigned number it stands for. */
static double as_unsigned(const io_packing_t *pk, double raw)
{
    return pk->unsigned_span > 0 && raw < 0 ? raw + pk->unsigned_span : raw;
}

static int att_doubles(int ncid, int varid, const char *name, double *v, size_t max,
                       size_t *n, nc_type *type)
{
    size_t len;
    if (nc_inq_att(ncid, varid, name, type, &len) != NC_NOERR || len == 0 || len > max ||
        *type == NC_CHAR || *type == NC_STRING)
        return -1;
    if (nc_get_att_double(ncid, varid, name, v) != NC_NOERR)
        return -1;
    *n = len;
    return 0;
}

static int read_units(dsc_ctx_t *ctx, const io_layout_t *lay, const dsc_read_opts_t *opts,
                      io_packing_t *pk, char *units, size_t units_size)
{
    char file_units[128] = "";
    int has = io_att_text(lay->ncid, lay->varid, "units", file_units, sizeof file_units) == 0;
    if (opts && opts->units) {
        snprintf(file_units, sizeof file_units, "%s", opts->units);
        has = 1;
    }
    pk->unit_scale = 1.0;
    pk->unit_offset = 0.0;
    if (opts && opts->raw_units) {
        snprintf(units, units_size, "%s", file_units);
        return DSC_OK;
    }
    if (!has)
        return dsc_error(ctx, DSC_ERR_UNITS, "%s: %s has no units attribute; give units",
                         lay->path, lay->var);
    if (dsc_units_to_celsius(ctx, file_units, &pk->unit_scale, &pk->unit_offset))
        return dsc_error(ctx, DSC_ERR_UNITS,
                         "%s: %s: units '%s' are not a temperature (expected K, degC or degF); "
                         "set raw_units to keep them", lay->path, lay->var, file_units);
    snprintf(units, units_size, "degC");
    return DSC_OK;
}

int io_packing_read(dsc_ctx_t *ctx, const io_layout_t *lay, const dsc_read_opts_t *opts,
                    io_packing_t *pk, char *units, size_t units_size)
{
    int ncid = lay->ncid, varid = lay->varid;
    nc_type type, atype;
    double v[8];
    size_t n;

    memset(pk, 0, sizeof *pk);
    nc_inq_vartype(ncid, varid, &type);
    pk->unsigned_span = unsigned_span(ncid, varid, type);
    pk->scale = 1.0;
    int packed = 0;
    if (att_doubles(ncid, varid, "scale_factor", v, 1, &n, &atype) == 0) {
        pk->scale = v[0];
        packed = 1;
    }
    if (att_doubles(ncid, varid, "add_offset", v, 1, &n, &atype) == 0) {
        pk->offset = v[0];
        packed = 1;
    }
    if (!isfinite(pk->scale) || !isfinite(pk->offset))
        return dsc_error(ctx, DSC_ERR_FORMAT, "%s: %s: scale_factor or add_offset is not "
                         "finite", lay->path, lay->var);

    if (att_doubles(ncid, varid, "_FillValue", v, 1, &n, &atype) == 0)
        pk->has_fill = as_var_type(type, v[0], &pk->fill);
    else
        pk->has_fill = default_fill(type, &pk->fill);
    pk->fill = as_unsigned(pk, pk->fill);

    if (att_doubles(ncid, varid, "missing_value", v, 8, &n, &atype) == 0)
        for (size_t i = 0; i < n; i++)
            if (as_var_type(type, v[i], &pk->missing[pk->nmissing])) {
                pk->missing[pk->nmissing] = as_unsigned(pk, pk->missing[pk->nmissing]);
                pk->nmissing++;
            }

    /* A valid range given in the type of scale_factor rather than the packed type is in
     * unpacked units (NetCDF User Guide, "Attribute Conventions"). */
    if (att_doubles(ncid, varid, "valid_range", v, 2, &n, &atype) == 0 && n == 2) {
        pk->has_min = pk->has_max = 1;
        pk->vmin = v[0];
        pk->vmax = v[1];
        pk->valid_unpacked = packed && atype != type;
        if (!pk->valid_unpacked) {
            pk->vmin = as_unsigned(pk, pk->vmin);
            pk->vmax = as_unsigned(pk, pk->vmax);
        }
    } else {
        if (att_doubles(ncid, varid, "valid_min", v, 1, &n, &atype) == 0) {
            pk->has_min = 1;
            pk->vmin = v[0];
            pk->valid_unpacked = packed && atype != type;
            if (!pk->valid_unpacked)
                pk->vmin = as_unsigned(pk, pk->vmin);
        }
        if (att_doubles(ncid, varid, "valid_max", v, 1, &n, &atype) == 0) {
            pk->has_max = 1;
            pk->vmax = v[0];
            pk->valid_unpacked = packed && atype != type;
            if (!pk->valid_unpacked)
                pk->vmax = as_unsigned(pk, pk->vmax);
        }
    }
    return read_units(ctx, lay, opts, pk, units, units_size);
}

double io_unpack(const io_packing_t *pk, double raw)
{
    raw = as_unsigned(pk, raw);
    if (isnan(raw) || (pk->has_fill && raw == pk->fill))
        return NAN;
    for (size_t i = 0; i < pk->nmissing; i++)
        if (raw == pk->missing[i])
            return NAN;
    double v = raw * pk->scale + pk->offset;
    double test = pk->valid_unpacked ? v : raw;
    if ((pk->has_min && test < pk->vmin) || (pk->has_max && test > pk->vmax))
        return NAN;
    return v * pk->unit_scale + pk->unit_offset;
}

static int cmp_size(const void *x, const void *y)
{
    size_t a = *(const size_t *)x, b = *(const size_t *)y;
    return a < b ? -1 : a > b;
}

/* Reads time steps [t0, t0 + nt) of file columns [blo, bhi] and places them. */
static int read_block(dsc_ctx_t *ctx, const io_layout_t *lay, const io_packing_t *pk,
                      size_t t0, size_t nt, size_t alo, size_t ahi, size_t blo, size_t bhi,
                      const io_axis_t *a, const io_axis_t *b, double *buf, double *values)
{
    size_t start[IO_MAX_DIMS], count[IO_MAX_DIMS], stride[IO_MAX_DIMS];
    for (int d = 0; d < lay->ndims; d++) {
        start[d] = lay->fixed[d];
        count[d] = 1;
    }
    start[lay->time_pos] = t0;
    count[lay->time_pos] = nt;
    if (lay->a_pos >= 0) {
        start[lay->a_pos] = alo;
        count[lay->a_pos] = ahi - alo + 1;
    }
    if (lay->b_pos >= 0) {
        start[lay->b_pos] = blo;
        count[lay->b_pos] = bhi - blo + 1;
    }
    size_t s = 1;
    for (int d = lay->ndims - 1; d >= 0; d--) {
        stride[d] = s;
        s *= count[d];
    }
    int status = nc_get_vara_double(lay->ncid, lay->varid, start, count, buf);
    if (status != NC_NOERR)
        return io_nc_error(ctx, status, lay->path, lay->var);

    size_t st_t = stride[lay->time_pos];
    size_t st_a = lay->a_pos >= 0 ? stride[lay->a_pos] : 0;
    size_t st_b = lay->b_pos >= 0 ? stride[lay->b_pos] : 0;
    size_t ncell = a->n * b->n;
    for (size_t j = 0; j < b->n; j++) {
        if (b->file[j] < blo || b->file[j] > bhi)
            continue;
        size_t fb = (b->file[j] - blo) * st_b;
        for (size_t i = 0; i < a->n; i++) {
            size_t fa = (a->file[i] - alo) * st_a;
            double *out = values + t0 * ncell + i * b->n + j;
            for (size_t t = 0; t < nt; t++)
                out[t * ncell] = io_unpack(pk, buf[t * st_t + fa + fb]);
        }
    }
    return DSC_OK;
}

int io_read_values(dsc_ctx_t *ctx, const io_layout_t *lay, const io_packing_t *pk,
                   size_t ntime, const io_axis_t *a, const io_axis_t *b, double *values)
{
    size_t alo = a->file[0], ahi = a->file[0];
    for (size_t i = 1; i < a->n; i++) {
        alo = a->file[i] < alo ? a->file[i] : alo;
        ahi = a->file[i] > ahi ? a->file[i] : ahi;
    }

    /* Columns are read in runs of consecutive file indices: one run normally, two when
     * the selection crosses the file's longitude seam. */
    size_t *cols = dsc_malloc(ctx, b->n * sizeof *cols, "column list");
    double *buf = NULL;
    int rc = DSC_OK;
    if (!cols)
        return DSC_ERR_NOMEM;
    memcpy(cols, b->file, b->n * sizeof *cols);
    qsort(cols, b->n, sizeof *cols, cmp_size);

    size_t per_step_max = (ahi - alo + 1) * (cols[b->n - 1] - cols[0] + 1);
    size_t block = READ_BLOCK_VALUES / per_step_max;
    block = block < 1 ? 1 : block > ntime ? ntime : block;
    buf = dsc_malloc(ctx, block * per_step_max * sizeof *buf, "read buffer");
    if (!buf) {
        rc = DSC_ERR_NOMEM;
        goto done;
    }

    for (size_t r = 0; r < b->n && !rc;) {
        size_t e = r;
        while (e + 1 < b->n && cols[e + 1] <= cols[e] + 1)
            e++;
        for (size_t t0 = 0; t0 < ntime && !rc; t0 += block) {
            size_t nt = ntime - t0 < block ? ntime - t0 : block;
            rc = read_block(ctx, lay, pk, t0, nt, alo, ahi, cols[r], cols[e], a, b, buf,
                            values);
        }
        r = e + 1;
    }
done:
    free(cols);
    free(buf);
    return rc;
}
