/* nc_write.c - attribute, variable and value conventions common to our NetCDF outputs. */
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

int dsc_io_nc_create(dsc_ctx_t *ctx, const char *path, const char *tmp, int *ncid)
{
    /* HDF5 hides the cause of a failed create, so the file is made with stdio first to get
     * an honest errno, then clobbered by netCDF. */
    FILE *probe = fopen(tmp, "wb");
    if (!probe)
        return dsc_error(ctx, DSC_ERR_IO, "%s: cannot create temporary file %s: %s", path, tmp,
                         strerror(errno));
    fclose(probe);
    int st = nc_create(tmp, NC_NETCDF4 | NC_CLASSIC_MODEL | NC_CLOBBER, ncid);
    if (st != NC_NOERR) {
        *ncid = -1;
        return dsc_error(ctx, DSC_ERR_IO, "%s: cannot create temporary file %s: %s", path, tmp,
                         nc_strerror(st));
    }
    return DSC_OK;
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
