/* io_stream.h - a variable read and written a block of time steps at a time, so that work on
 * a long series (regridding decades of daily data) needs memory for one block, not for the
 * whole series.
 *
 * The reader decodes exactly as dsc_io_read does (same grid order, dates, missing values and
 * units; see io.h) and also tells where its grid lies in the file and what cell bounds the
 * file gives, which is what a weights file for CDO and conservative remapping need.
 */
#ifndef DSC_IO_STREAM_H
#define DSC_IO_STREAM_H

#include "dsc/io.h"

typedef struct dsc_io_stream dsc_io_stream_t;

/* What an open stream holds. Every pointer is borrowed from the stream and valid until
 * dsc_io_stream_close(). */
typedef struct {
    const char *path, *var;
    const dsc_grid_t *grid;    /* the grid or points read, as dsc_io_read gives them */
    size_t ntime;              /* time steps in the file; 0 for a variable on (lat, lon)
                                  without a time axis, whose grid can still be used */
    const dsc_date_t *dates;   /* ntime dates, strictly increasing */
    dsc_calendar_t calendar;
    const char *units;         /* of the values read: "degC", or the file's with raw_units */
    const char *time_units;    /* the time coordinate's units (or the override), e.g.
                                  "days since 1950-01-01 00:00:00" */
    const char *long_name;     /* the variable's attributes, "" when absent */
    const char *standard_name;
    /* Rectilinear grids only (0 and NULL for points): where the grid lies in the file. */
    size_t file_nlat, file_nlon;   /* lengths of the file's latitude and longitude dimensions */
    const size_t *lat_index;       /* grid->nlat file indices of the grid's latitudes */
    const size_t *lon_index;       /* grid->nlon file indices of the grid's longitudes */
    const double *file_lat;        /* the file's coordinates as stored, file_nlat values */
    const double *file_lon;        /* file_nlon values */
    /* Cell edges from the coordinates' `bounds` variables, in the grid's order, or NULL when
     * the file has none or they are not contiguous (then edges lie halfway). */
    const double *lat_edges;       /* grid->nlat + 1, degrees north, ascending */
    const double *lon_edges;       /* grid->nlon + 1, degrees east, in the turn of the
                                      neighbouring centre (a regrid edges array) */
} dsc_io_stream_info_t;

/* Opens var of path for reading by blocks: reads the metadata, the coordinates and the time
 * axis, not the values. region and opts as for dsc_io_read (both may be NULL); the grid is
 * the one dsc_io_read would give. Unlike dsc_io_read it also opens a variable that has
 * latitude and longitude but no time axis (a land mask, a topography), with no steps.
 * Errors as dsc_io_read, naming path and var. On failure *out is NULL. The caller owns
 * *out: dsc_io_stream_close(). */
int dsc_io_stream_open(dsc_ctx_t *ctx, const char *path, const char *var,
                       const dsc_region_t *region, const dsc_read_opts_t *opts,
                       dsc_io_stream_t **out);
/* The stream's description (borrowed). */
const dsc_io_stream_info_t *dsc_io_stream_info(const dsc_io_stream_t *s);
/* Reads steps [t0, t0 + nt) into values: nt x ncells doubles, time-major
 * (values[t * ncells + cell]), NaN where missing, in info->units. Steps past ntime are
 * DSC_ERR_USAGE; a failed read is DSC_ERR_IO or DSC_ERR_FORMAT naming path and var. Uses a
 * buffer of the stream's, grown to the largest block asked for. */
int dsc_io_stream_read(dsc_ctx_t *ctx, dsc_io_stream_t *s, size_t t0, size_t nt,
                       double *values);
/* Closes the file and frees the stream; NULL is accepted. */
void dsc_io_stream_close(dsc_io_stream_t *s);

/* The name of the first variable of path (in file order) that is data: numeric, with two or
 * more dimensions, not a coordinate variable and not named by another variable's bounds,
 * climatology or coordinates attribute. DSC_ERR_FORMAT naming path when there is none,
 * DSC_ERR_IO when the file cannot be opened. */
int dsc_io_data_variable(dsc_ctx_t *ctx, const char *path, char *name, size_t size);

/* ---- writing ------------------------------------------------------------------------ */

typedef struct dsc_io_writer dsc_io_writer_t;

/* How dsc_io_writer_create lays out the file. Pointers are only read during the call. */
typedef struct {
    const char *name;          /* the variable, e.g. "tasmax" */
    const char *units;         /* of the values (may be NULL) */
    const char *long_name;     /* may be NULL */
    const char *standard_name; /* may be NULL */
    const char *time_units;    /* CF units of the time coordinate, e.g. the input's; NULL:
                                  "days since <first year>-01-01" */
    dsc_calendar_t calendar;
    int deflate;               /* deflate level 0..9 with shuffle; 0 writes uncompressed */
    const dsc_nc_meta_t *meta; /* global attributes (may be NULL); history goes here */
} dsc_io_writer_opts_t;

/* Creates path's temporary file ("<path>.tmp.<pid>") and writes the grid: (time, lat, lon)
 * with 1-D coordinates for a rectilinear grid, longitudes written eastward without a jump
 * (a grid crossing 180 goes on past it), or a CF timeSeries (time, site) with lat(site),
 * lon(site) and site_name for named points. The variable is float with _FillValue 1e20
 * where a value is NaN; time is unlimited. Nothing appears at path before
 * dsc_io_writer_commit(). A bad grid or options are DSC_ERR_USAGE, a file that cannot be
 * created DSC_ERR_IO naming path, unparsable time units DSC_ERR_FORMAT. On failure *out is
 * NULL and no temporary file is left. The caller owns *out: commit or abort it. */
int dsc_io_writer_create(dsc_ctx_t *ctx, const char *path, const dsc_grid_t *grid,
                         const dsc_io_writer_opts_t *opts, dsc_io_writer_t **out);
/* Appends nt steps: dates[nt] (valid in the calendar and later than every date before) and
 * values nt x ncells, time-major, NaN missing. DSC_ERR_USAGE for bad dates, DSC_ERR_IO
 * naming path when writing fails (the writer is then only fit for abort). */
int dsc_io_writer_append(dsc_ctx_t *ctx, dsc_io_writer_t *w, const dsc_date_t *dates,
                         const double *values, size_t nt);
/* Closes the file and renames it onto its path; frees w, also on failure (DSC_ERR_IO naming
 * the path, the temporary file removed). */
int dsc_io_writer_commit(dsc_ctx_t *ctx, dsc_io_writer_t *w);
/* Closes and removes the temporary file and frees w; NULL is accepted. */
void dsc_io_writer_abort(dsc_io_writer_t *w);

#endif
