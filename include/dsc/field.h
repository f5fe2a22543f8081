/* field.h - what the data is: a grid or a set of points, and a field of daily values on it.
 *
 * Inside the library every field is in one unit (degrees Celsius for temperature), missing
 * values are NaN, and longitudes are in [-180, 180).
 */
#ifndef DSC_FIELD_H
#define DSC_FIELD_H

#include "dsc/core.h"
#include "dsc/time.h"

typedef enum {
    DSC_GRID_RECTILINEAR = 0, /* lat[nlat] x lon[nlon], cell index = ilat * nlon + ilon */
    DSC_GRID_POINTS = 1       /* npoints stations or sites, lat[i], lon[i], name[i] */
} dsc_grid_kind;

typedef struct {
    dsc_grid_kind kind;
    size_t nlat;    /* rectilinear: latitudes; points: the number of points */
    size_t nlon;    /* rectilinear: longitudes; points: 1 */
    double *lat;    /* degrees north; rectilinear: strictly ascending after ingest */
    double *lon;    /* degrees east in [-180, 180); rectilinear: strictly ascending, may
                       cross the antimeridian only when lon_wraps is set */
    char **names;   /* points only: site names (may be NULL); each owned */
    int lon_wraps;  /* rectilinear: 1 when the grid is global and periodic in longitude */
} dsc_grid_t;

/* Number of cells (nlat * nlon). */
size_t dsc_grid_ncells(const dsc_grid_t *grid);
/* Latitude and longitude of one cell. */
void dsc_grid_cell_coords(const dsc_grid_t *grid, size_t cell, double *lat, double *lon);
/* Deep copy into *dst (dst's old contents are not freed). */
int dsc_grid_copy(dsc_ctx_t *ctx, dsc_grid_t *dst, const dsc_grid_t *src);
/* Frees the arrays of a grid (not the struct itself) and zeroes it. */
void dsc_grid_clear(dsc_grid_t *grid);
/* Allocates a rectilinear grid's coordinate arrays (values left for the caller). */
int dsc_grid_init_rectilinear(dsc_ctx_t *ctx, dsc_grid_t *grid, size_t nlat, size_t nlon);
/* Allocates a point grid of n points (names NULL). */
int dsc_grid_init_points(dsc_ctx_t *ctx, dsc_grid_t *grid, size_t n);
/* Normalises a longitude into [-180, 180). */
double dsc_lon_normalize(double lon);

/* A daily field: ntime steps on a grid. */
typedef struct {
    char name[64];           /* variable name, e.g. "tasmax" */
    char units[32];          /* always "degC" for temperature after ingest */
    dsc_calendar_t calendar; /* calendar of dates[] */
    size_t ntime;            /* number of time steps */
    dsc_date_t *dates;       /* ntime dates, strictly increasing */
    dsc_grid_t grid;         /* where the values are */
    double *values;          /* ntime x ncells, time-major (values[t * ncells + cell]);
                                NaN = missing */
    char source[512];        /* the file (or files, first one) it came from, for messages */
} dsc_field_t;

/* Allocates an empty field with ntime dates and ntime x ncells NaN values on a copy of grid.
 * The caller owns it: dsc_field_destroy(). */
dsc_field_t *dsc_field_create(dsc_ctx_t *ctx, const char *name, dsc_calendar_t cal,
                              size_t ntime, const dsc_grid_t *grid);
/* Frees a field; NULL is accepted. */
void dsc_field_destroy(dsc_field_t *field);
/* Number of cells of the field's grid. */
size_t dsc_field_ncells(const dsc_field_t *field);
/* Index of the first date >= d, or ntime when none. */
size_t dsc_field_find_date(const dsc_field_t *field, dsc_date_t d);
/* A new field holding steps whose year lies in [year0, year1]. The caller owns it.
 * DSC_ERR_RANGE (message names the field's source) when no step is in range. */
int dsc_field_subset_years(dsc_ctx_t *ctx, const dsc_field_t *field, int year0, int year1,
                           dsc_field_t **out);

#endif
