/* regrid_target.c - the targets `downscale regrid` understands (grid descriptions, point
 * lists, the grid of a file) and the cell order of files, which weights shared with CDO
 * must follow. */
#include "cli/regrid_target.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Coordinates of the same meridian or parallel in two files differ by less (degrees). */
#define SAME_COORD 1e-6

/* A description larger than this many cells is surely a typing mistake. */
#define MAX_DESCRIBED_CELLS ((size_t)1 << 31)

/* Parses a number ending at one of the characters in stop (or the end); advances *p. */
static int take_number(const char **p, const char *stop, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(*p, &end);
    if (errno || end == *p || !isfinite(v) || (*end && !strchr(stop, *end)))
        return -1;
    *out = v;
    *p = *end ? end + 1 : end;
    return 0;
}

static int bad_target(dsc_ctx_t *ctx, const char *spec, const char *why)
{
    return dsc_error(ctx, DSC_ERR_USAGE, "%s: %s", spec, why);
}

/* rNLONxNLAT: CDO's global grid, longitudes from 0, latitudes from -90 + half a cell. */
static int parse_global(dsc_ctx_t *ctx, const char *spec, dsc_grid_t *g)
{
    char *end;
    errno = 0;
    unsigned long nlon = strtoul(spec + 1, &end, 10);
    if (errno || *end != 'x')
        return bad_target(ctx, spec, "expected rNLONxNLAT, e.g. r1440x720");
    const char *rest = end + 1;
    unsigned long nlat = strtoul(rest, &end, 10);
    if (errno || end == rest || *end || nlon == 0 || nlat == 0 || nlon > MAX_DESCRIBED_CELLS / nlat)
        return bad_target(ctx, spec, "expected rNLONxNLAT with sizes of at least 1");
    if (dsc_grid_init_rectilinear(ctx, g, nlat, nlon))
        return DSC_ERR_NOMEM;
    for (size_t i = 0; i < nlat; i++)
        g->lat[i] = -90.0 + (180.0 / (double)nlat) * ((double)i + 0.5);
    for (size_t j = 0; j < nlon; j++)
        g->lon[j] = dsc_lon_normalize((360.0 / (double)nlon) * (double)j);
    g->lon_wraps = 1;
    return DSC_OK;
}

/* Centres x0, x0 + dx, ... up to x1; *n of them. */
static int axis_count(double x0, double x1, double dx, size_t *n)
{
    if (!(dx > 0.0) || x1 < x0)
        return -1;
    double k = floor((x1 - x0) / dx + 1e-9);
    if (k >= (double)MAX_DESCRIBED_CELLS)
        return -1;
    *n = (size_t)k + 1;
    return 0;
}

static int parse_lonlat(dsc_ctx_t *ctx, const char *spec, dsc_grid_t *g)
{
    const char *p = spec + strlen("lonlat:");
    double v[6];
    size_t nlon, nlat;
    for (int k = 0; k < 6; k++)
        if (take_number(&p, k == 2 ? ":" : ",", &v[k]) || (k < 5 && !*p))
            return bad_target(ctx, spec, "expected lonlat:LON0,LON1,DLON:LAT0,LAT1,DLAT");
    if (*p || axis_count(v[0], v[1], v[2], &nlon) || axis_count(v[3], v[4], v[5], &nlat) ||
        nlon > MAX_DESCRIBED_CELLS / nlat)
        return bad_target(ctx, spec, "each axis needs FIRST <= LAST and a step above 0");
    if (v[3] < -90.0 || v[3] + v[5] * (double)(nlat - 1) > 90.0 + 1e-9)
        return bad_target(ctx, spec, "latitudes must lie within -90..90");
    if (v[2] * (double)nlon > 360.0 + 1e-9)
        return bad_target(ctx, spec, "the longitudes go more than once around the globe");
    if (dsc_grid_init_rectilinear(ctx, g, nlat, nlon))
        return DSC_ERR_NOMEM;
    for (size_t i = 0; i < nlat; i++)
        g->lat[i] = fmin(90.0, v[3] + v[5] * (double)i);
    for (size_t j = 0; j < nlon; j++)
        g->lon[j] = dsc_lon_normalize(v[0] + v[2] * (double)j);
    g->lon_wraps = fabs(v[2] * (double)nlon - 360.0) < 1e-9;
    return DSC_OK;
}

/* points:[NAME=]LAT,LON;... */
static int parse_points(dsc_ctx_t *ctx, const char *spec, dsc_grid_t *g)
{
    const char *list = spec + strlen("points:");
    size_t n = 1;
    for (const char *c = list; *c; c++)
        n += *c == ';';
    if (!*list || dsc_grid_init_points(ctx, g, n))
        return *list ? DSC_ERR_NOMEM : bad_target(ctx, spec, "no points given");
    const char *p = list;
    for (size_t i = 0; i < n; i++) {
        const char *item_end = strchr(p, ';'), *eq = strchr(p, '=');
        if (!item_end)
            item_end = p + strlen(p);
        if (eq && eq < item_end) {
            if (!g->names && !(g->names = dsc_calloc(ctx, n, sizeof *g->names, "point names")))
                return DSC_ERR_NOMEM;
            size_t len = (size_t)(eq - p);
            if (!(g->names[i] = dsc_malloc(ctx, len + 1, "point name")))
                return DSC_ERR_NOMEM;
            memcpy(g->names[i], p, len);
            g->names[i][len] = '\0';
            p = eq + 1;
        }
        if (take_number(&p, ",", &g->lat[i]) || !*p || take_number(&p, ";", &g->lon[i]) ||
            (p != item_end + 1 && p != item_end) || fabs(g->lat[i]) > 90.0)
            return bad_target(ctx, spec,
                              "expected points:[NAME=]LAT,LON;... with latitudes "
                              "in -90..90");
        g->lon[i] = dsc_lon_normalize(g->lon[i]);
        p = *item_end ? item_end + 1 : item_end;
    }
    return DSC_OK;
}

/* The grid of a NetCDF file's first data variable, read in its own units (a target need
 * not be a temperature). */
static int parse_file(dsc_ctx_t *ctx, const char *path, dsc_cli_target_t *t)
{
    char var[256];
    dsc_read_opts_t opts = {.raw_units = 1};
    int rc;
    if ((rc = dsc_io_data_variable(ctx, path, var, sizeof var)) ||
        (rc = dsc_io_stream_open(ctx, path, var, NULL, &opts, &t->file)))
        return rc;
    const dsc_io_stream_info_t *in = dsc_io_stream_info(t->file);
    if ((rc = dsc_grid_copy(ctx, &t->grid, in->grid)))
        return rc;
    t->edges.lat = in->lat_edges;
    t->edges.lon = in->lon_edges;
    return DSC_OK;
}

int dsc_cli_target_parse(dsc_ctx_t *ctx, const char *spec, dsc_cli_target_t *t)
{
    memset(t, 0, sizeof *t);
    if (spec[0] == 'r' && spec[1] >= '0' && spec[1] <= '9')
        return parse_global(ctx, spec, &t->grid);
    if (strncmp(spec, "lonlat:", 7) == 0)
        return parse_lonlat(ctx, spec, &t->grid);
    if (strncmp(spec, "points:", 7) == 0)
        return parse_points(ctx, spec, &t->grid);
    return parse_file(ctx, spec, t);
}

void dsc_cli_target_clear(dsc_cli_target_t *t)
{
    if (!t)
        return;
    dsc_grid_clear(&t->grid);
    dsc_io_stream_close(t->file);
    memset(t, 0, sizeof *t);
}

/* ---- file order --------------------------------------------------------------------- */

/* Grid row or column of each file index; a longitude column the reader dropped as a repeat
 * (a closing 360 beside 0) maps to the column on the same meridian. */
static void index_inverse(const size_t *index, size_t n, size_t nfile, const double *file_c,
                          const double *grid_c, int is_lon, size_t *inv)
{
    for (size_t f = 0; f < nfile; f++)
        inv[f] = DSC_REGRID_NO_CELL;
    for (size_t k = 0; k < n; k++)
        inv[index[k]] = k;
    for (size_t f = 0; is_lon && f < nfile; f++)
        for (size_t k = 0; k < n && inv[f] == DSC_REGRID_NO_CELL; k++)
            if (fabs(remainder(file_c[f] - grid_c[k], 360.0)) < SAME_COORD)
                inv[f] = k;
}

/* File-order edges from the grid's: each file cell keeps the offsets of its grid cell's
 * edges from the centre, around its own stored centre, so the edges run with the file's
 * coordinates (ascending or descending, in the file's longitude turn). *out is NULL when a
 * file cell has no grid cell or the grid has no edges. */
static int file_edges(dsc_ctx_t *ctx, const double *edges, const double *grid_c, const size_t *inv,
                      const double *file_c, size_t nfile, int is_lon, double **out)
{
    *out = NULL;
    if (!edges || nfile == 0)
        return DSC_OK;
    for (size_t f = 0; f < nfile; f++)
        if (inv[f] == DSC_REGRID_NO_CELL)
            return DSC_OK;
    double *e = dsc_malloc(ctx, (nfile + 1) * sizeof *e, "file cell edges");
    if (!e)
        return DSC_ERR_NOMEM;
    int descending = nfile > 1 && file_c[1] < file_c[0];
    for (size_t f = 0; f < nfile; f++) {
        size_t k = inv[f];
        double lo = edges[k] - grid_c[k], hi = edges[k + 1] - grid_c[k];
        if (is_lon) {
            lo = remainder(lo, 360.0);
            hi = remainder(hi, 360.0);
        }
        e[f] = file_c[f] + (descending ? hi : lo);
        if (f == nfile - 1)
            e[nfile] = file_c[f] + (descending ? lo : hi);
    }
    *out = e;
    return DSC_OK;
}

int dsc_cli_file_order(dsc_ctx_t *ctx, const dsc_io_stream_info_t *in, dsc_cli_file_order_t *o)
{
    const dsc_grid_t *g = in->grid;
    size_t fnlat = in->file_nlat, fnlon = in->file_nlon;
    size_t *row_of = NULL, *col_of = NULL;
    int rc = DSC_ERR_NOMEM;

    memset(o, 0, sizeof *o);
    o->nfile = fnlat * fnlon;
    row_of = dsc_malloc(ctx, fnlat * sizeof *row_of, "file rows");
    col_of = dsc_malloc(ctx, fnlon * sizeof *col_of, "file columns");
    o->to_file = dsc_malloc(ctx, dsc_grid_ncells(g) * sizeof *o->to_file, "file cells");
    o->from_file = dsc_malloc(ctx, o->nfile * sizeof *o->from_file, "grid cells");
    if (!row_of || !col_of || !o->to_file || !o->from_file ||
        dsc_grid_init_rectilinear(ctx, &o->grid, fnlat, fnlon))
        goto done;
    index_inverse(in->lat_index, g->nlat, fnlat, in->file_lat, g->lat, 0, row_of);
    index_inverse(in->lon_index, g->nlon, fnlon, in->file_lon, g->lon, 1, col_of);
    for (size_t i = 0; i < g->nlat; i++)
        for (size_t j = 0; j < g->nlon; j++)
            o->to_file[i * g->nlon + j] = in->lat_index[i] * fnlon + in->lon_index[j];
    for (size_t fi = 0; fi < fnlat; fi++)
        for (size_t fj = 0; fj < fnlon; fj++)
            o->from_file[fi * fnlon + fj] =
                row_of[fi] == DSC_REGRID_NO_CELL || col_of[fj] == DSC_REGRID_NO_CELL
                    ? DSC_REGRID_NO_CELL
                    : row_of[fi] * g->nlon + col_of[fj];
    memcpy(o->grid.lat, in->file_lat, fnlat * sizeof(double));
    memcpy(o->grid.lon, in->file_lon, fnlon * sizeof(double));
    rc = file_edges(ctx, in->lat_edges, g->lat, row_of, in->file_lat, fnlat, 0, &o->lat_edges);
    if (rc == DSC_OK)
        rc = file_edges(ctx, in->lon_edges, g->lon, col_of, in->file_lon, fnlon, 1, &o->lon_edges);
done:
    free(row_of);
    free(col_of);
    return rc;
}

void dsc_cli_file_order_clear(dsc_cli_file_order_t *o)
{
    if (!o)
        return;
    free(o->to_file);
    free(o->from_file);
    free(o->lat_edges);
    free(o->lon_edges);
    dsc_grid_clear(&o->grid);
    memset(o, 0, sizeof *o);
}
