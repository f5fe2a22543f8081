/* nc_write.h - private helpers shared by the NetCDF writers (write_series.c, write_map.c). */
#ifndef DSC_IO_NC_WRITE_H
#define DSC_IO_NC_WRITE_H

#include <stddef.h>

#include "dsc/io.h"

/* The _FillValue of every float variable we write: the customary 1e20 of CMIP files, far
 * outside any physical value. Data and attribute hold the same float, so readers that
 * compare them bit for bit find every missing value. */
#define DSC_NC_FILL 1e20f

/* Jumps to the calling function's fail: label after recording the netCDF message of a failed
 * call; the caller has ctx, path and an int rc in scope. */
#define DSC_NC_TRY(call, what)                                                                     \
    do {                                                                                           \
        int nc_status_ = (call);                                                                   \
        if (nc_status_ != 0) {                                                                     \
            rc = dsc_io_nc_fail(ctx, path, (what), nc_status_);                                    \
            goto fail;                                                                             \
        }                                                                                          \
    } while (0)

/* Records DSC_ERR_IO "path: what: <netCDF message>" and returns the code. */
int dsc_io_nc_fail(dsc_ctx_t *ctx, const char *path, const char *what, int nc_status);

/* Creates the netCDF-4 (classic model) file tmp, the temporary of path. A file system error
 * is reported with strerror (netCDF would blur e.g. a missing directory into "Permission
 * denied"). Returns a dsc_status; *ncid is set on success. */
int dsc_io_nc_create(dsc_ctx_t *ctx, const char *path, const char *tmp, int *ncid);

/* Puts a text attribute; a NULL value writes nothing. Returns a netCDF status. */
int dsc_io_nc_put_text(int ncid, int varid, const char *name, const char *value);

/* Puts the global attributes: Conventions, the non-NULL fields of meta (may be NULL) and
 * software = "downscale <version>". Returns a netCDF status. */
int dsc_io_nc_put_meta(int ncid, const dsc_nc_meta_t *meta);

/* Defines a float variable with _FillValue, units, long_name (NULLs skipped) and deflate
 * level 4 with shuffle. Returns a netCDF status; *varid is set on success. */
int dsc_io_nc_def_float(int ncid, const char *name, int ndims, const int *dims, const char *units,
                        const char *long_name, int *varid);

/* A new array of n floats from values, with DSC_NC_FILL where a value is NaN, infinite or
 * beyond the float range. NULL with DSC_ERR_NOMEM (naming what). The caller frees it. */
float *dsc_io_nc_to_float(dsc_ctx_t *ctx, const double *values, size_t n, const char *what);

#endif
