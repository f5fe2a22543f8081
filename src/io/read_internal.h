/* read_internal.h - pieces shared by the files of the NetCDF reader (not installed).
 *
 * The reader works in four steps, one file each: find what each dimension of the variable
 * means (read_coords.c), decode the time axis (read_time.c), turn the region into index
 * lists per axis (read_region.c), and read the hyperslabs, unpacking as it goes
 * (read_values.c). read.c strings them together.
 */
#ifndef DSC_IO_READ_INTERNAL_H
#define DSC_IO_READ_INTERNAL_H

#include <netcdf.h>

#include "dsc/io.h"

/* More dimensions than any CF variable has; a variable beyond it is refused. */
#define IO_MAX_DIMS 16

typedef enum {
    IO_LAYOUT_GRID = 0, /* (time, lat, lon) in any order: a rectilinear grid */
    IO_LAYOUT_SITES,    /* (time, site) or (site, time): a station layout */
    IO_LAYOUT_SINGLE    /* (time) only: one point, lat/lon scalar (or unknown) */
} io_layout_kind;

/* What the variable's dimensions mean. Positions are indices into the variable's own
 * dimension list; -1 when absent. */
typedef struct {
    const char *path;
    const char *var;
    int ncid, varid;
    int ndims;
    size_t dimlen[IO_MAX_DIMS];
    size_t fixed[IO_MAX_DIMS]; /* index read along dimensions that are not time or space */
    io_layout_kind kind;
    int time_pos;
    int time_varid;            /* the time coordinate variable */
    int a_pos;                 /* grid: latitude; sites: the site dimension */
    int b_pos;                 /* grid: longitude */
    int lat_varid, lon_varid;  /* coordinates (grid: 1-D over a/b; sites: 1-D over the site
                                  dimension; single: scalars, or -1 when unknown) */
    int name_varid;            /* sites: site names, -1 when none */
} io_layout_t;

/* The output positions of one axis, each naming the file index it comes from. */
typedef struct {
    size_t n;
    size_t *file;
} io_axis_t;

/* How raw values become degrees Celsius (or stay in the file's units). */
typedef struct {
    double unsigned_span;          /* _Unsigned = "true" on a signed integer type: 2^bits, added
                                      to negative raw values (and to the fill, missing and valid
                                      values in that type); 0 otherwise */
    double scale, offset;          /* unpacked = raw * scale + offset */
    int has_fill;
    double fill;                   /* compared with the raw (packed) value */
    size_t nmissing;
    double missing[8];             /* raw missing_value entries */
    int has_min, has_max;
    double vmin, vmax;             /* valid range */
    int valid_unpacked;            /* 1: the valid range is in unpacked units */
    double unit_scale, unit_offset; /* celsius = unpacked * unit_scale + unit_offset */
} io_packing_t;

/* Wraps a netCDF status into a dsc status with "path: what: netCDF message". */
int io_nc_error(dsc_ctx_t *ctx, int status, const char *path, const char *what);

/* nc_open for reading, with the failure as DSC_ERR_IO (the system refused) or
 * DSC_ERR_FORMAT (the content is not netCDF) naming path. Call io_check_classic_size first. */
int io_nc_open(dsc_ctx_t *ctx, const char *path, int *ncid);

/* Refuses a classic (CDF-1/2/5) file shorter than its header says, since netCDF would
 * return zeros for the missing part. Other formats pass (HDF5 checks itself). */
int io_check_classic_size(dsc_ctx_t *ctx, const char *path);

/* Text of attribute name (NC_CHAR or NC_STRING) into buf; 0 when found, -1 otherwise. */
int io_att_text(int ncid, int varid, const char *name, char *buf, size_t size);

/* Finds the layout of var. */
int io_layout_find(dsc_ctx_t *ctx, int ncid, const char *path, const char *var,
                   const dsc_read_opts_t *opts, io_layout_t *lay);

/* Reads a whole 1-D (or scalar) coordinate variable as doubles into a new array. */
int io_read_coord(dsc_ctx_t *ctx, const io_layout_t *lay, int varid, size_t n,
                  double **out);

/* Site names of a station layout (n strings, each owned; the array owned), or NULL names
 * when the file has none. */
int io_read_site_names(dsc_ctx_t *ctx, const io_layout_t *lay, size_t n, char ***names);
void io_free_names(char **names, size_t n);

/* Reads and decodes the time axis: *cal and *dates (ntime, owned by the caller). */
int io_read_time(dsc_ctx_t *ctx, const io_layout_t *lay, const dsc_read_opts_t *opts,
                 dsc_calendar_t *cal, dsc_date_t **dates, size_t *ntime);

/* Turns region into the output grid and the file indices along a and b. */
int io_region_select(dsc_ctx_t *ctx, const io_layout_t *lay, const dsc_region_t *region,
                     dsc_grid_t *grid, io_axis_t *a, io_axis_t *b);
void io_axis_free(io_axis_t *axis);

/* Reads packing, fill and valid-range attributes and the unit conversion. */
int io_packing_read(dsc_ctx_t *ctx, const io_layout_t *lay, const dsc_read_opts_t *opts,
                    io_packing_t *pk, char *units, size_t units_size);
/* One raw value to the output value (NaN when missing). */
double io_unpack(const io_packing_t *pk, double raw);

/* As dsc_io_read without reading the values: the field has its grid, dates, calendar and
 * source, and values must not be used (for checking how files join). */
int io_read_header(dsc_ctx_t *ctx, const char *path, const char *var, const dsc_region_t *region,
                   const dsc_read_opts_t *opts, dsc_field_t **out);

/* Reads the selected hyperslabs into values (ntime x (a->n * b->n), time-major). */
int io_read_values(dsc_ctx_t *ctx, const io_layout_t *lay, const io_packing_t *pk,
                   size_t ntime, const io_axis_t *a, const io_axis_t *b, double *values);

#endif
