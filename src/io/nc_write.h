/* nc_write.h - private helpers shared by the NetCDF writers (write_field.c, write_steps.c,
 * write_series.c, write_map.c, scrip.c, nn_model.c). */
#ifndef DSC_IO_NC_WRITE_H
#define DSC_IO_NC_WRITE_H

#include <netcdf.h>
#include <stddef.h>

#include "dsc/io.h"

/* The creation mode of our CF outputs: netCDF-4 in the classic model, which every CF tool
 * reads. */
#define DSC_NC_CLASSIC (NC_NETCDF4 | NC_CLASSIC_MODEL | NC_CLOBBER)

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

/* Starts writing path: *tmp receives its temporary name (the caller frees it) and *ncid the
 * netCDF file created there with nc_create's cmode (DSC_NC_CLASSIC for CF outputs). A file
 * system error is reported with strerror (netCDF would blur e.g. a missing directory into
 * "Permission denied"). Returns a dsc_status; *ncid is -1 unless the file is open. */
int dsc_io_nc_begin(dsc_ctx_t *ctx, const char *path, int cmode, char **tmp, int *ncid);

/* Closes the complete file *ncid (which becomes -1) and renames tmp onto path. Returns a
 * dsc_status; after a failure the caller discards the output (dsc_io_nc_discard). */
int dsc_io_nc_commit(dsc_ctx_t *ctx, const char *path, const char *tmp, int *ncid);

/* After a failure: aborts the file ncid when still open (>= 0) and removes tmp (may be
 * NULL), so nothing of the output is left. */
void dsc_io_nc_discard(int ncid, const char *tmp);

/* DSC_OK when the n dates are valid in cal and strictly increase, as CF wants of a time
 * coordinate; otherwise DSC_ERR_USAGE naming path and the first bad step. */
int dsc_io_nc_check_dates(dsc_ctx_t *ctx, const char *path, dsc_calendar_t cal,
                          const dsc_date_t *dates, size_t n);

/* The time units of our whole-series files, days since 1 January of first's year: as text
 * into text (size bytes; 48 is enough) and, when units is not NULL, parsed. Counting from
 * the first year keeps the offsets small, so a reader can check the first value at a
 * glance. */
void dsc_io_nc_days_since(dsc_date_t first, char *text, size_t size, dsc_time_units_t *units);

/* Defines dimension and coordinate time of ntime steps in cal with the units of
 * dsc_io_nc_days_since(first). Returns a dsc_status (netCDF errors naming path). */
int dsc_io_nc_def_time(dsc_ctx_t *ctx, const char *path, int ncid, dsc_calendar_t cal,
                       dsc_date_t first, size_t ntime, int *dim, int *var);

/* Writes the n dates (the first fixes the units, as in dsc_io_nc_def_time) into the time
 * variable var. Returns a dsc_status. */
int dsc_io_nc_put_time(dsc_ctx_t *ctx, const char *path, int ncid, int var, dsc_calendar_t cal,
                       const dsc_date_t *dates, size_t n);

/* Defines a 1-D double coordinate name(dim) with standard_name and units (NULL skipped).
 * With an axis ("X", "Y", "T") it is a CF coordinate variable and also gets long_name (the
 * standard name) and axis, which lets tools such as CDO and Panoply pick the axes without
 * guessing from the names; without (NULL) an auxiliary coordinate, which CF keeps free of
 * axis. Returns a netCDF status; *varid is set on success. */
int dsc_io_nc_def_coord(int ncid, const char *name, int dim, const char *standard_name,
                        const char *units, const char *axis, int *varid);

/* The ids of a grid's part of a file. */
typedef struct {
    int dim_a, dim_b;     /* lat and lon, or site and -1 for points */
    int var_lat, var_lon;
    int var_names;        /* site_name(site, nchar), -1 when the points have no names */
    size_t nchar;         /* length of the longest site name, 0 without names */
} dsc_nc_grid_t;

/* Defines the dimensions and coordinates of g: lat(lat) and lon(lon) for a rectilinear grid;
 * for points a CF timeSeries (featureType) over site with auxiliary lat(site), lon(site)
 * and, when the points have names, site_name(site, nchar) with cf_role timeseries_id, the
 * layout the reader recognises. Returns a dsc_status (netCDF errors naming path). */
int dsc_io_nc_def_grid(dsc_ctx_t *ctx, const char *path, int ncid, const dsc_grid_t *g,
                       dsc_nc_grid_t *id);

/* The "coordinates" attribute of a variable over the points of id: "lat lon site_name", or
 * "lat lon" without names. Returns a netCDF status. */
int dsc_io_nc_put_point_coords(int ncid, int varid, const dsc_nc_grid_t *id);

/* Writes the site names of g into id's site_name (nothing when it has none), shorter names
 * padded with NULs, which readers take as the end. Returns a dsc_status. */
int dsc_io_nc_put_names(dsc_ctx_t *ctx, const char *path, int ncid, const dsc_grid_t *g,
                        const dsc_nc_grid_t *id);

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
