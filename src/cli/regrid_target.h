/* regrid_target.h - what `downscale regrid` remaps onto, and the cell orders of files.
 *
 * Private to the regrid command (cmd_regrid.c, regrid_target.c).
 */
#ifndef DSC_CLI_REGRID_TARGET_H
#define DSC_CLI_REGRID_TARGET_H

#include "dsc/io_stream.h"
#include "dsc/regrid.h"

/* The target of a regrid: a grid description or the grid of a file. */
typedef struct {
    dsc_grid_t grid;          /* the grid the weights are built for and the output lies on */
    dsc_io_stream_t *file;    /* TARGET was a NetCDF file: its stream (coordinates, bounds,
                                 file order); NULL for a description */
    dsc_regrid_edges_t edges; /* the file's cell bounds (either axis may be NULL) */
} dsc_cli_target_t;

/* Parses TARGET:
 *   rNLONxNLAT                     global, NLON x NLAT cells like CDO's rNxM: longitudes
 *                                  0, 360/NLON, ...; latitudes from -90 + half a cell
 *   lonlat:LON0,LON1,DLON:LAT0,LAT1,DLAT
 *                                  cell centres LON0, LON0 + DLON, ... up to LON1 (and the
 *                                  same in latitude), degrees
 *   points:[NAME=]LAT,LON;...      a list of sites
 *   anything else                  a NetCDF file: the grid of its first data variable
 * Errors: DSC_ERR_USAGE naming TARGET for a malformed description, the reader's errors for
 * a file. The caller clears t with dsc_cli_target_clear() (also after a failure). */
int dsc_cli_target_parse(dsc_ctx_t *ctx, const char *spec, dsc_cli_target_t *t);
void dsc_cli_target_clear(dsc_cli_target_t *t);

/* A stream's grid (lat ascending, lon from -180, maybe a subset) against its file's cell
 * order (cell = file_lat_index * file_nlon + file_lon_index). */
typedef struct {
    size_t nfile;      /* cells in the file: file_nlat x file_nlon */
    size_t *to_file;   /* ncells of the grid: each cell's file cell */
    size_t *from_file; /* nfile: each file cell's grid cell, DSC_REGRID_NO_CELL for a
                          cell that was not read; a longitude column the reader
                          dropped as a repeat of another (0 and 360) maps to it */
    dsc_grid_t grid;   /* the file's grid in file order, coordinates as stored */
    double *lat_edges; /* file-order edges from the stream's bounds, or NULL */
    double *lon_edges;
} dsc_cli_file_order_t;

/* Fills o for a stream on a rectilinear grid. DSC_ERR_NOMEM only. Clear with
 * dsc_cli_file_order_clear() (also after a failure). */
int dsc_cli_file_order(dsc_ctx_t *ctx, const dsc_io_stream_info_t *in, dsc_cli_file_order_t *o);
void dsc_cli_file_order_clear(dsc_cli_file_order_t *o);

#endif
