/* io.h - reading CF NetCDF (and GHCN-Daily) into fields; writing NetCDF, CSV and GeoTIFF.
 *
 * Reading decodes everything once: CF time to calendar dates, packing and fill values to
 * doubles with NaN for missing, units to degrees Celsius, longitudes to [-180, 180) with
 * latitude ascending. Only the region's hyperslab is read from disk.
 *
 * Every output is written to a temporary file beside its final path and renamed into place
 * when complete, so a failed run never leaves a half-written or clobbered output.
 */
#ifndef DSC_IO_H
#define DSC_IO_H

#include <stdio.h>

#include "dsc/field.h"

typedef enum {
    DSC_REGION_ALL = 0, /* the whole file */
    DSC_REGION_BOX,     /* cells whose centres lie in the lat/lon box, plus halo cells */
    DSC_REGION_POINT    /* one point: on a grid the cells around it (plus halo), in a
                           station layout the site nearest to it (or named `location`) */
} dsc_region_kind;

typedef struct {
    dsc_region_kind kind;
    double lat_min, lat_max; /* box, degrees north */
    double lon_min, lon_max; /* box, degrees east in any convention; lon_min > lon_max
                                (after normalisation) means the box crosses 180 degrees */
    double lat, lon;         /* point */
    size_t halo;             /* extra grid cells read around a box or point on each side,
                                so that interpolation near the edge has neighbours */
    const char *location;    /* station layouts: pick the site of this name (may be NULL) */
} dsc_region_t;

/* Overrides for files whose metadata is not CF; NULL/0 fields mean "use the file's", so a
 * zero-initialised struct changes nothing. */
typedef struct {
    const char *calendar;   /* e.g. "noleap" when the file says "365_days" */
    const char *time_units; /* e.g. "days since 1950-01-01" */
    const char *units;      /* the variable's units when missing or wrong in the file */
    int raw_units;          /* 1: keep the values in the file's units (or `units`) and put
                               that string in field->units, with no conversion to Celsius;
                               for variables that are not temperatures (wind, geopotential) */
    const char *time_name;  /* the variable to use as the time axis when no dimension is
                               recognised as time (e.g. "month"); give time_units with it
                               when that variable has none */
    const char *select_dim; /* an extra dimension longer than one (e.g. "level") ... */
    size_t select_index;    /* ... and the index read along it */
} dsc_read_opts_t;

/* Reads variable var of one file, subset to region (NULL = whole file), into a new field.
 * Handles (time, lat, lon), (time, location), (location, time), (time) with scalar lat/lon,
 * and extra length-one dimensions. Errors (DSC_ERR_IO, _FORMAT, _UNITS, _RANGE) carry a
 * message naming path, var and the problem. The caller owns *out.
 *
 * Grids: latitudes ascend; longitudes are normalised to [-180, 180) and run west to east.
 * A global grid starts at the column nearest -180 and has lon_wraps = 1 when read whole; a
 * 0..360 file with a closing column at 360 loses that duplicate. A box or point selection
 * that crosses 180 degrees keeps west-to-east order, so there (only) the longitudes jump
 * once from near 180 to near -180. Region BOX: cells whose centres are inside, plus halo;
 * POINT: the two cells bracketing the point on each axis (one at an edge), plus halo.
 * Station layouts: one point per selected site, with the site names when the file has
 * them (a string variable over the site dimension); halo is ignored. (time) files give one
 * point with the scalar lat/lon, NaN when the file has none.
 * Missing values (NaN): _FillValue (or netCDF's default fill when absent), missing_value,
 * outside valid_min/valid_max/valid_range, all tested on the packed value. Rotated-pole and
 * projected grids are refused (DSC_ERR_FORMAT). */
int dsc_io_read(dsc_ctx_t *ctx, const char *path, const char *var, const dsc_region_t *region,
                const dsc_read_opts_t *opts, dsc_field_t **out);
/* Everything dsc_io_read checks (the variable, its dimensions and coordinates, the time
 * axis and calendar, units, packing, the region's overlap with the grid) without reading the
 * values: cheap, for a dry run. Same errors and messages as dsc_io_read. */
int dsc_io_check(dsc_ctx_t *ctx, const char *path, const char *var, const dsc_region_t *region,
                 const dsc_read_opts_t *opts);

/* Reads the same variable from n files and joins them in time order (the files may be given
 * in any order). Grids must match. A gap or an overlap between consecutive files is
 * DSC_ERR_FORMAT naming both files. The caller owns *out. */
int dsc_io_read_many(dsc_ctx_t *ctx, const char *const *paths, size_t n, const char *var,
                     const dsc_region_t *region, const dsc_read_opts_t *opts,
                     dsc_field_t **out);

/* Everything dsc_io_read_many checks (each file as dsc_io_check, and that they join with
 * no gap or overlap) without reading the values: for checking inputs before long work. */
int dsc_io_check_many(dsc_ctx_t *ctx, const char *const *paths, size_t n, const char *var,
                      const dsc_region_t *region, const dsc_read_opts_t *opts);

/* Refuses a field with a series that holds no value at all: on a point layout (a city, a
 * station) any point whose every step is NaN; on a grid only a field whose every cell is NaN
 * at every step (an all-missing cell, such as ocean, is normal data). DSC_ERR_RANGE with
 * "<source>: <name>: every value ... is missing" naming the point (its name, else its
 * lat/lon). Call it on a field read for one city or region before using it. */
int dsc_io_check_not_empty(dsc_ctx_t *ctx, const dsc_field_t *field);

/* ---- inspection ------------------------------------------------------------------------ */

#define DSC_IO_MAX_DIMS 16

/* One dimension of a variable, as stored. */
typedef struct {
    char name[64];
    size_t length;
    int unlimited;
    const char *role; /* static text: "time", "latitude", "longitude", "site", "length one"
                         or "selected" (read at `index`), "?" when the layout is unknown */
    size_t index;
} dsc_io_dim_t;

/* A coordinate axis as stored: first and last value in file order. */
typedef struct {
    char name[64]; /* the coordinate variable, "" when there is none */
    size_t n;      /* values along the axis (sites for a station layout) */
    double first, last; /* degrees; NaN when unknown */
} dsc_io_axis_t;

/* What a file holds for one variable and what dsc_io_read makes of it; filled by
 * dsc_io_describe. Sections the file did not reach (e.g. the time axis of a file refused for
 * its dimensions) stay empty: "" strings, zero counts, NaN numbers. */
typedef struct {
    char var[64];
    char format[32];        /* "classic", "64-bit offset", "64-bit data (CDF-5)", "netCDF-4",
                               "netCDF-4 classic model" */
    char type[16];          /* stored type of the variable: "short", "float", ... */
    int ndims;
    dsc_io_dim_t dims[DSC_IO_MAX_DIMS]; /* in file order */
    const char *layout;     /* static: "grid", "sites", "single point"; NULL when unknown */
    dsc_io_axis_t lat, lon; /* grid axes; for sites lat.n is the number of sites */
    char time_name[64];     /* the time coordinate variable */
    char time_units[128];   /* its units attribute (or the override) */
    char calendar[64];      /* its calendar attribute (or the override); "" when absent */
    char units[128];        /* the variable's units attribute (or the override) */
    char units_to[32];      /* what the values become: "degC", or the raw units */
    double unit_scale, unit_offset; /* converted = unpacked * unit_scale + unit_offset */
    int packed;             /* scale_factor or add_offset present */
    double scale_factor, add_offset;
    int fill_kind;          /* 0 none, 1 _FillValue attribute, 2 netCDF's default fill,
                               3 an attribute no stored value can equal (NaN on a short) */
    double fill;            /* in the stored (packed) type */
    size_t nmissing_value;
    double missing_value[8];
    int has_valid_min, has_valid_max;
    double valid_min, valid_max;
    int valid_unpacked;     /* 1: the valid range is in unpacked units */
    dsc_field_t *field;     /* the decoded field, owned; NULL when the file is refused */
    size_t nvalues, nmissing; /* in field */
    double vmin, vmax;      /* smallest and largest decoded value, NaN when none */
    int status;             /* DSC_OK, or the code dsc_io_read gives */
    char problem[1024];     /* why it would be refused; "" when read */
    char candidates[512];   /* the file's temperature-like variables, comma-separated */
} dsc_io_info_t;

/* Describes variable var of path (var NULL: the file's first temperature-like variable, see
 * dsc_io_temperature_vars) with the overrides opts (may be NULL): the stored metadata, then
 * the whole variable read with dsc_io_read. Returns info->status: DSC_OK when the variable
 * reads, else the code and message dsc_io_read gives (also in info->problem), with every
 * section the file reached still filled. Release with dsc_io_info_clear(). */
int dsc_io_describe(dsc_ctx_t *ctx, const char *path, const char *var,
                    const dsc_read_opts_t *opts, dsc_io_info_t *info);
/* Frees info->field and zeroes info; NULL is accepted. */
void dsc_io_info_clear(dsc_io_info_t *info);

/* Names of the variables of path that look like temperatures: numeric, with at least one
 * dimension, not a coordinate or bounds variable, and with units that
 * dsc_units_to_celsius knows or a standard_name that contains "temperature". In file
 * order; none is *n = 0 (not an error). The caller owns them: dsc_io_paths_free(). Errors
 * as dsc_io_read for a file that cannot be opened. */
int dsc_io_temperature_vars(dsc_ctx_t *ctx, const char *path, char ***names, size_t *n);

/* Expands a shell glob pattern into sorted paths. No match is DSC_ERR_IO naming the
 * pattern. The caller owns *paths and each string: dsc_io_paths_free(). */
int dsc_io_glob(dsc_ctx_t *ctx, const char *pattern, char ***paths, size_t *n);
void dsc_io_paths_free(char **paths, size_t n);

/* Converts a unit string of a temperature to Celsius: celsius = value * scale + offset.
 * Knows K/kelvin, degC/°C/Celsius/"deg C"/C, degF/°F/Fahrenheit. Anything else is
 * DSC_ERR_UNITS naming the unit. */
int dsc_units_to_celsius(dsc_ctx_t *ctx, const char *units, double *scale, double *offset);

/* Reads one element (e.g. "TMAX") of a GHCN-Daily .dly file into a one-point field in degC
 * (tenths of a degree converted), standard calendar, every day from the first to the last
 * month present. -9999 is missing; a value with a non-blank quality flag is missing and
 * counted in *flagged (may be NULL). The point's name is the station ID and its lat/lon are
 * NaN (a .dly file does not hold the position; it is in ghcnd-stations.txt); field->name is
 * the element. A malformed line or a line of another station is DSC_ERR_FORMAT naming the
 * line; no line of the element is DSC_ERR_RANGE. The caller owns *out. */
int dsc_io_read_ghcn(dsc_ctx_t *ctx, const char *path, const char *element,
                     dsc_field_t **out, size_t *flagged);

/* ---- atomic output --------------------------------------------------------------------
 * Opens "<path>.tmp.<pid>" for writing; on success *tmp_path (caller frees) names it.
 * dsc_io_commit() flushes, fsyncs, closes and renames it onto path; dsc_io_abort() closes and
 * removes it. Either call consumes fp (commit also on failure, when it removes the temporary
 * file too); an existing file at path is untouched until the final rename. Errors
 * (DSC_ERR_IO) name path, then the problem and strerror(errno); a missing directory is not
 * created (see dsc_io_mkdirs). */
int dsc_io_open_atomic(dsc_ctx_t *ctx, const char *path, FILE **fp, char **tmp_path);
int dsc_io_commit(dsc_ctx_t *ctx, FILE *fp, const char *tmp_path, const char *path);
/* fp and tmp_path may be NULL. */
void dsc_io_abort(FILE *fp, const char *tmp_path);
/* The temporary name "<path>.tmp.<pid>" for writers that create the file themselves (netCDF,
 * GDAL, cairo), to be finished with dsc_io_rename() or remove(). The caller frees it. NULL
 * with DSC_ERR_USAGE for an empty path, DSC_ERR_NOMEM when memory is exhausted. */
char *dsc_io_temp_name(dsc_ctx_t *ctx, const char *path);
/* Fsyncs an already-written, closed temporary file and renames it onto path (for writers that
 * need a path, like netCDF and GDAL). On failure (DSC_ERR_IO naming path) the temporary
 * file is removed. */
int dsc_io_rename(dsc_ctx_t *ctx, const char *tmp_path, const char *path);
/* Creates a directory and its parents (mkdir -p, mode 0777 less the umask); directories
 * already there are fine. DSC_ERR_IO names path and the component that failed. */
int dsc_io_mkdirs(dsc_ctx_t *ctx, const char *path);

/* ---- NetCDF output -------------------------------------------------------------------- */

/* One variable of a series file: values laid out nscenario x ntime (row-major), NaN where
 * undefined; written as float with _FillValue. */
typedef struct {
    const char *name;      /* e.g. "ann_bc" */
    const char *long_name; /* e.g. "ANN downscaled, bias-corrected daily maximum ..." */
    const char *units;     /* e.g. "degC" */
    const double *values;  /* borrowed */
    int per_scenario;      /* 0: one row (ntime) shared by all scenarios, e.g. obs */
} dsc_nc_var_t;

/* Global attributes written on every file. */
typedef struct {
    const char *title;
    const char *source;  /* inputs */
    const char *history; /* command line and date */
    const char *comment;
} dsc_nc_meta_t;

/* Writes a CF-1.8 series file: dimensions scenario (with a string-valued coordinate) and
 * time ("days since" the first date's year-01-01, calendar cal), site lat/lon as scalar
 * coordinates. Atomic. */
int dsc_io_write_series_nc(dsc_ctx_t *ctx, const char *path, dsc_calendar_t cal,
                           const dsc_date_t *dates, size_t ntime,
                           const char *const *scenarios, size_t nscenario, double lat,
                           double lon, const dsc_nc_var_t *vars, size_t nvars,
                           const dsc_nc_meta_t *meta);

/* The time a map stands for: the mean over calendar years y0..y1 in cal, or, with
 * base_y0 > 0, that mean minus the mean over base_y0..base_y1 (a change map). */
typedef struct {
    dsc_calendar_t cal;
    int y0, y1;
    int base_y0, base_y1;
} dsc_map_period_t;

/* Writes one 2-D map (values nlat x nlon row-major, NaN missing) on a rectilinear grid as a
 * CF NetCDF file with lat/lon coordinates. With a period (may be NULL), the CF way: a
 * scalar time coordinate at the middle of the period, with time_bnds spanning it in cal,
 * and cell_methods "time: mean" (a change map says in its comment what was subtracted);
 * also a plain `period` attribute ("2090-2099", and `base_period`) for people. Atomic. */
int dsc_io_write_map_nc(dsc_ctx_t *ctx, const char *path, const dsc_grid_t *grid,
                        const double *values, const char *name, const char *long_name,
                        const char *units, const dsc_map_period_t *period,
                        const dsc_nc_meta_t *meta);

/* Writes a whole field as CF NetCDF: the variable field->name in field->units (float, with
 * _FillValue where a value is NaN), time in "days since <first year>-01-01" with the
 * field's calendar, and the grid: (time, lat, lon) with 1-D coordinates for a rectilinear
 * grid; for points a CF timeSeries (time, site) with lat(site), lon(site) and site_name
 * (cf_role timeseries_id) when the points have names. dsc_io_read gives the field back.
 * Dates must be valid and strictly increasing (DSC_ERR_USAGE otherwise); meta may be NULL.
 * The field is borrowed. Atomic. */
int dsc_io_write_field_nc(dsc_ctx_t *ctx, const char *path, const dsc_field_t *field,
                          const dsc_nc_meta_t *meta);

/* Writes the same map as a single-band Float32 GeoTIFF in EPSG:4326 with NaN as nodata
 * (north-up: rows from the northernmost latitude). Atomic. */
int dsc_io_write_geotiff(dsc_ctx_t *ctx, const char *path, const dsc_grid_t *grid,
                         const double *values, const char *description);

#endif
