/* scrip.c - regridding weights to and from SCRIP files (the layout of CDO's gen* and remap).
 *
 * What CDO needs to reuse our weights was found by reading its reader: the attributes title,
 * normalization, map_method, conventions, source_grid and dest_grid; the grid dimensions,
 * centres, imask and frac (areas too for conservative maps); the links. Corners are
 * optional to it and written when a grid has them. dst_grid_frac = 0 marks targets without
 * links, which CDO then leaves missing, as we do.
 */
#include "dsc/scrip.h"
#include "dsc/io.h"
#include "nc_write.h"

#include <limits.h>
#include <math.h>
#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEG2RAD (3.14159265358979323846 / 180.0)
#define RAD2DEG (180.0 / 3.14159265358979323846)

/* Our method names and CDO's map_method for them; CDO's reader looks at the first word. */
static const struct {
    const char *ours, *cdo;
} method_names[] = {
    {"bilinear", "Bilinear remapping"},
    {"nearest", "Nearest neighbor"},
    {"conservative", "Conservative remapping"},
    {"idw", "Distance weighted avg of nearest neighbors"},
};

#define NMETHOD_NAMES (sizeof method_names / sizeof method_names[0])

/* One grid as the file holds it, cells in the weights' order. */
typedef struct {
    size_t size;    /* cells */
    int rank;       /* 2: rectilinear, 1: points */
    int dims[2];    /* SCRIP order: longitudes (fastest) then latitudes */
    size_t ncorner; /* 4, or 0 when the grid has no corners */
    double *lat, *lon;               /* size centres, degrees */
    double *corner_lat, *corner_lon; /* size x ncorner, degrees */
    double *area;                    /* size, square radians */
} scrip_grid_t;

static void scrip_grid_free(scrip_grid_t *g)
{
    free(g->lat);
    free(g->lon);
    free(g->corner_lat);
    free(g->corner_lon);
    free(g->area);
    memset(g, 0, sizeof *g);
}

/* Edges of one axis in the order of its centres c[0..n): given, or halfway between centres,
 * the outer ones half a spacing out. Longitudes are unwrapped first (each step taken the
 * short way round), so a grid crossing 180 keeps its spacing and every cell lies between
 * two consecutive edges. n >= 2 unless given. */
static void axis_edges(const double *c, size_t n, const double *given, int is_lat, double *e)
{
    if (given) {
        memcpy(e, given, (n + 1) * sizeof *e);
        return;
    }
    double prev = c[0], step = 0.0;
    e[0] = c[0];
    for (size_t i = 1; i < n; i++) {
        step = is_lat ? c[i] - c[i - 1] : remainder(c[i] - c[i - 1], 360.0);
        e[i] = prev + 0.5 * step;
        if (i == 1)
            e[0] = prev - 0.5 * step;
        prev += step;
    }
    e[n] = prev + 0.5 * step;
    if (is_lat) {
        e[0] = fmax(-90.0, fmin(90.0, e[0]));
        e[n] = fmax(-90.0, fmin(90.0, e[n]));
    }
}

/* Corners counterclockwise from the south-west, whichever way the axes run. */
static void rect_corners(scrip_grid_t *s, size_t nlat, size_t nlon, const double *elat,
                         const double *elon)
{
    for (size_t i = 0; i < nlat; i++) {
        double s_lat = fmin(elat[i], elat[i + 1]), n_lat = fmax(elat[i], elat[i + 1]);
        for (size_t j = 0; j < nlon; j++) {
            size_t c = i * nlon + j;
            double w_lon = fmin(elon[j], elon[j + 1]), e_lon = fmax(elon[j], elon[j + 1]);
            double *la = s->corner_lat + 4 * c, *lo = s->corner_lon + 4 * c;
            la[0] = la[1] = s_lat;
            la[2] = la[3] = n_lat;
            lo[0] = lo[3] = w_lon;
            lo[1] = lo[2] = e_lon;
            s->area[c] = fmin(e_lon - w_lon, 360.0) * DEG2RAD *
                         (sin(n_lat * DEG2RAD) - sin(s_lat * DEG2RAD));
        }
    }
}

static int describe_rect(dsc_ctx_t *ctx, const dsc_grid_t *g, const dsc_regrid_edges_t *edges,
                         scrip_grid_t *s)
{
    size_t nlat = g->nlat, nlon = g->nlon;
    const double *glat = edges ? edges->lat : NULL, *glon = edges ? edges->lon : NULL;
    double *elat = NULL, *elon = NULL;

    s->rank = 2;
    s->dims[0] = (int)nlon;
    s->dims[1] = (int)nlat;
    for (size_t i = 0; i < nlat; i++)
        for (size_t j = 0; j < nlon; j++) {
            s->lat[i * nlon + j] = g->lat[i];
            s->lon[i * nlon + j] = g->lon[j];
        }
    if ((nlat < 2 && !glat) || (nlon < 2 && !glon))
        return DSC_OK;
    s->ncorner = 4;
    elat = dsc_malloc(ctx, (nlat + 1) * sizeof *elat, "SCRIP latitude edges");
    elon = dsc_malloc(ctx, (nlon + 1) * sizeof *elon, "SCRIP longitude edges");
    s->corner_lat = dsc_malloc(ctx, 4 * s->size * sizeof(double), "SCRIP corners");
    s->corner_lon = dsc_malloc(ctx, 4 * s->size * sizeof(double), "SCRIP corners");
    if (!elat || !elon || !s->corner_lat || !s->corner_lon) {
        free(elat);
        free(elon);
        return DSC_ERR_NOMEM;
    }
    axis_edges(g->lat, nlat, glat, 1, elat);
    axis_edges(g->lon, nlon, glon, 0, elon);
    rect_corners(s, nlat, nlon, elat, elon);
    free(elat);
    free(elon);
    return DSC_OK;
}

/* Fills s from a grid; ncells is the count the weights expect. */
static int describe(dsc_ctx_t *ctx, const char *path, const char *what, const dsc_grid_t *g,
                    const dsc_regrid_edges_t *edges, size_t ncells, scrip_grid_t *s)
{
    memset(s, 0, sizeof *s);
    if (!g || !g->lat || !g->lon || dsc_grid_ncells(g) != ncells || ncells > INT_MAX)
        return dsc_error(ctx, DSC_ERR_USAGE, "%s: the %s grid has %zu cells, the weights %zu",
                         path, what, g ? dsc_grid_ncells(g) : 0, ncells);
    s->size = ncells;
    s->lat = dsc_malloc(ctx, ncells * sizeof(double), "SCRIP centres");
    s->lon = dsc_malloc(ctx, ncells * sizeof(double), "SCRIP centres");
    s->area = dsc_calloc(ctx, ncells, sizeof(double), "SCRIP areas");
    if (!s->lat || !s->lon || !s->area)
        return DSC_ERR_NOMEM;
    if (g->kind == DSC_GRID_RECTILINEAR)
        return describe_rect(ctx, g, edges, s);
    s->rank = 1;
    s->dims[0] = (int)ncells;
    s->dims[1] = 1;
    memcpy(s->lat, g->lat, ncells * sizeof(double));
    memcpy(s->lon, g->lon, ncells * sizeof(double));
    return DSC_OK;
}

static const char *cdo_method(const char *ours)
{
    for (size_t i = 0; i < NMETHOD_NAMES; i++)
        if (strcmp(ours, method_names[i].ours) == 0)
            return method_names[i].cdo;
    return ours;
}

/* Ids of one grid's variables in the file being written. */
typedef struct {
    int dims, lat, lon, corner_lat, corner_lon, imask, area, frac;
} grid_vars_t;

static int def_double(int ncid, const char *prefix, const char *name, int ndims,
                      const int *dims, const char *units, int *varid)
{
    char full[64];
    snprintf(full, sizeof full, "%s_%s", prefix, name);
    int st = nc_def_var(ncid, full, NC_DOUBLE, ndims, dims, varid);
    if (st == NC_NOERR)
        st = dsc_io_nc_put_text(ncid, *varid, "units", units);
    return st;
}

/* Defines the dimensions and variables of the grid named prefix ("src_grid"/"dst_grid"). */
static int def_grid(int ncid, const char *prefix, const scrip_grid_t *s, grid_vars_t *v)
{
    char name[64];
    int d_size, d_rank, d_corner = -1, st;

    snprintf(name, sizeof name, "%s_size", prefix);
    if ((st = nc_def_dim(ncid, name, s->size, &d_size)))
        return st;
    snprintf(name, sizeof name, "%s_rank", prefix);
    if ((st = nc_def_dim(ncid, name, (size_t)s->rank, &d_rank)))
        return st;
    if (s->ncorner) {
        snprintf(name, sizeof name, "%s_corners", prefix);
        if ((st = nc_def_dim(ncid, name, s->ncorner, &d_corner)))
            return st;
    }
    snprintf(name, sizeof name, "%s_dims", prefix);
    if ((st = nc_def_var(ncid, name, NC_INT, 1, &d_rank, &v->dims)))
        return st;
    int cdims[2] = {d_size, d_corner};
    if ((st = def_double(ncid, prefix, "center_lat", 1, &d_size, "degrees", &v->lat)) ||
        (st = def_double(ncid, prefix, "center_lon", 1, &d_size, "degrees", &v->lon)))
        return st;
    if (s->ncorner &&
        ((st = def_double(ncid, prefix, "corner_lat", 2, cdims, "degrees", &v->corner_lat)) ||
         (st = def_double(ncid, prefix, "corner_lon", 2, cdims, "degrees", &v->corner_lon))))
        return st;
    snprintf(name, sizeof name, "%s_imask", prefix);
    if ((st = nc_def_var(ncid, name, NC_INT, 1, &d_size, &v->imask)) ||
        (st = dsc_io_nc_put_text(ncid, v->imask, "units", "unitless")))
        return st;
    if ((st = def_double(ncid, prefix, "area", 1, &d_size, "square radians", &v->area)) ||
        (st = def_double(ncid, prefix, "frac", 1, &d_size, "unitless", &v->frac)))
        return st;
    return NC_NOERR;
}

/* imask is all ones: the weights already leave out what is missing. */
static int put_grid(int ncid, const scrip_grid_t *s, const grid_vars_t *v, int *ones,
                    const double *frac)
{
    int st;
    if ((st = nc_put_var_int(ncid, v->dims, s->dims)) ||
        (st = nc_put_var_double(ncid, v->lat, s->lat)) ||
        (st = nc_put_var_double(ncid, v->lon, s->lon)) ||
        (st = nc_put_var_int(ncid, v->imask, ones)) ||
        (st = nc_put_var_double(ncid, v->area, s->area)) ||
        (st = nc_put_var_double(ncid, v->frac, frac)))
        return st;
    if (s->ncorner && ((st = nc_put_var_double(ncid, v->corner_lat, s->corner_lat)) ||
                       (st = nc_put_var_double(ncid, v->corner_lon, s->corner_lon))))
        return st;
    return NC_NOERR;
}

static int put_global(int ncid, const dsc_regrid_weights_t *w, const scrip_grid_t *src,
                      const scrip_grid_t *dst, const char *history)
{
    const char *method = dsc_regrid_weights_method(w);
    int st;
    if ((st = dsc_io_nc_put_text(ncid, NC_GLOBAL, "title", "downscale remapping")) ||
        (st = dsc_io_nc_put_text(ncid, NC_GLOBAL, "normalization",
                                 strcmp(method, "conservative") == 0 ? "fracarea" : "none")) ||
        (st = dsc_io_nc_put_text(ncid, NC_GLOBAL, "map_method", cdo_method(method))) ||
        (st = dsc_io_nc_put_text(ncid, NC_GLOBAL, "conventions", "SCRIP")) ||
        (st = dsc_io_nc_put_text(ncid, NC_GLOBAL, "source_grid",
                                 src->rank == 2 ? "lonlat" : "unstructured")) ||
        (st = dsc_io_nc_put_text(ncid, NC_GLOBAL, "dest_grid",
                                 dst->rank == 2 ? "lonlat" : "unstructured")) ||
        (st = dsc_io_nc_put_text(ncid, NC_GLOBAL, "history", history)) ||
        (st = dsc_io_nc_put_text(ncid, NC_GLOBAL, "software", "downscale " DSC_VERSION)))
        return st;
    return NC_NOERR;
}

/* The links as the file numbers them: 1-based addresses, weights in one column. */
typedef struct {
    size_t n;
    int *src, *dst;
    double *weight;
    double *dst_frac; /* 1 where a target has links */
    double *src_frac; /* all ones */
    int *ones;        /* imask, as long as the larger grid */
} links_t;

static void links_free(links_t *l)
{
    free(l->src);
    free(l->dst);
    free(l->weight);
    free(l->dst_frac);
    free(l->src_frac);
    free(l->ones);
}

static int links_make(dsc_ctx_t *ctx, const char *path, const dsc_regrid_weights_t *w,
                      links_t *l)
{
    size_t nsrc = dsc_regrid_weights_nsrc(w), ndst = dsc_regrid_weights_ndst(w);
    size_t big = nsrc > ndst ? nsrc : ndst, e = 0;

    memset(l, 0, sizeof *l);
    l->n = dsc_regrid_weights_nlinks(w);
    if (l->n > INT_MAX)
        return dsc_error(ctx, DSC_ERR_USAGE, "%s: %zu links are more than a SCRIP file can "
                         "number", path, l->n);
    l->src = dsc_malloc(ctx, (l->n ? l->n : 1) * sizeof *l->src, "SCRIP links");
    l->dst = dsc_malloc(ctx, (l->n ? l->n : 1) * sizeof *l->dst, "SCRIP links");
    l->weight = dsc_malloc(ctx, (l->n ? l->n : 1) * sizeof *l->weight, "SCRIP weights");
    l->dst_frac = dsc_calloc(ctx, ndst, sizeof *l->dst_frac, "SCRIP fractions");
    l->src_frac = dsc_malloc(ctx, nsrc * sizeof *l->src_frac, "SCRIP fractions");
    l->ones = dsc_malloc(ctx, big * sizeof *l->ones, "SCRIP masks");
    if (!l->src || !l->dst || !l->weight || !l->dst_frac || !l->src_frac || !l->ones)
        return DSC_ERR_NOMEM;
    for (size_t i = 0; i < big; i++)
        l->ones[i] = 1;
    for (size_t i = 0; i < nsrc; i++)
        l->src_frac[i] = 1.0;
    for (size_t j = 0; j < ndst; j++) {
        size_t count;
        const size_t *cells;
        const double *wt;
        dsc_regrid_weights_entries(w, j, &count, &cells, &wt);
        for (size_t k = 0; k < count; k++, e++) {
            l->src[e] = (int)cells[k] + 1;
            l->dst[e] = (int)j + 1;
            l->weight[e] = wt[k];
        }
        l->dst_frac[j] = count ? 1.0 : 0.0;
    }
    return DSC_OK;
}

int dsc_io_weights_write(dsc_ctx_t *ctx, const char *path, const dsc_regrid_weights_t *w,
                         const dsc_grid_t *src, const dsc_regrid_edges_t *src_edges,
                         const dsc_grid_t *dst, const dsc_regrid_edges_t *dst_edges,
                         const char *history)
{
    scrip_grid_t s = {0}, d = {0};
    links_t l = {0};
    grid_vars_t vs, vd;
    int ncid = -1, d_links, d_wgts, v_src, v_dst, v_matrix;
    char *tmp = NULL;
    int rc;

    if (!path || !*path || !w)
        return dsc_error(ctx, DSC_ERR_USAGE, "(no path): weights and a file name are needed");
    if ((rc = describe(ctx, path, "source", src, src_edges, dsc_regrid_weights_nsrc(w), &s)) ||
        (rc = describe(ctx, path, "target", dst, dst_edges, dsc_regrid_weights_ndst(w), &d)) ||
        (rc = links_make(ctx, path, w, &l)))
        goto fail;
    if ((rc = dsc_io_nc_begin(ctx, path, DSC_NC_CLASSIC, &tmp, &ncid)))
        goto fail;

    DSC_NC_TRY(def_grid(ncid, "src_grid", &s, &vs), "defining the source grid");
    DSC_NC_TRY(def_grid(ncid, "dst_grid", &d, &vd), "defining the target grid");
    /* A zero length would make num_links the unlimited dimension, which reads back the
     * same (no links), so it is allowed. */
    DSC_NC_TRY(nc_def_dim(ncid, "num_links", l.n, &d_links), "defining num_links");
    DSC_NC_TRY(nc_def_dim(ncid, "num_wgts", 1, &d_wgts), "defining num_wgts");
    int mdims[2] = {d_links, d_wgts};
    DSC_NC_TRY(nc_def_var(ncid, "src_address", NC_INT, 1, &d_links, &v_src), "src_address");
    DSC_NC_TRY(nc_def_var(ncid, "dst_address", NC_INT, 1, &d_links, &v_dst), "dst_address");
    DSC_NC_TRY(nc_def_var(ncid, "remap_matrix", NC_DOUBLE, 2, mdims, &v_matrix),
               "remap_matrix");
    DSC_NC_TRY(put_global(ncid, w, &s, &d, history), "writing global attributes");
    DSC_NC_TRY(nc_enddef(ncid), "ending define mode");

    DSC_NC_TRY(put_grid(ncid, &s, &vs, l.ones, l.src_frac), "writing the source grid");
    DSC_NC_TRY(put_grid(ncid, &d, &vd, l.ones, l.dst_frac), "writing the target grid");
    if (l.n) {
        DSC_NC_TRY(nc_put_var_int(ncid, v_src, l.src), "writing src_address");
        DSC_NC_TRY(nc_put_var_int(ncid, v_dst, l.dst), "writing dst_address");
        size_t start[2] = {0, 0}, count[2] = {l.n, 1};
        DSC_NC_TRY(nc_put_vara_double(ncid, v_matrix, start, count, l.weight),
                   "writing remap_matrix");
    }
    rc = dsc_io_nc_commit(ctx, path, tmp, &ncid);
fail:
    if (rc != DSC_OK)
        dsc_io_nc_discard(ncid, tmp);
    free(tmp);
    scrip_grid_free(&s);
    scrip_grid_free(&d);
    links_free(&l);
    return rc;
}

/* ---- reading ---------------------------------------------------------------------------- */

static int dim_len(dsc_ctx_t *ctx, int ncid, const char *path, const char *name, size_t *len)
{
    int id;
    if (nc_inq_dimid(ncid, name, &id) != NC_NOERR || nc_inq_dimlen(ncid, id, len) != NC_NOERR)
        return dsc_error(ctx, DSC_ERR_FORMAT, "%s: not a SCRIP weights file: no dimension %s",
                         path, name);
    return DSC_OK;
}

/* A whole variable of n values as doubles into a new array; it must hold exactly n. */
static int get_doubles(dsc_ctx_t *ctx, int ncid, const char *path, const char *name, size_t n,
                       double **out)
{
    int id, nd, dimids[NC_MAX_VAR_DIMS];
    size_t total = 1;
    *out = NULL;
    if (nc_inq_varid(ncid, name, &id) != NC_NOERR ||
        nc_inq_var(ncid, id, NULL, NULL, &nd, dimids, NULL) != NC_NOERR)
        return dsc_error(ctx, DSC_ERR_FORMAT, "%s: not a SCRIP weights file: no variable %s",
                         path, name);
    for (int i = 0; i < nd; i++) {
        size_t len;
        nc_inq_dimlen(ncid, dimids[i], &len);
        total *= len;
    }
    if (total != n)
        return dsc_error(ctx, DSC_ERR_FORMAT, "%s: %s holds %zu values, expected %zu", path,
                         name, total, n);
    double *v = dsc_malloc(ctx, (n ? n : 1) * sizeof *v, name);
    if (!v)
        return DSC_ERR_NOMEM;
    int st = n ? nc_get_var_double(ncid, id, v) : NC_NOERR;
    if (st != NC_NOERR) {
        free(v);
        return dsc_error(ctx, DSC_ERR_FORMAT, "%s: %s: %s", path, name, nc_strerror(st));
    }
    *out = v;
    return DSC_OK;
}

/* Addresses (1-based in the file, int or int64) to 0-based cells, checked against size. */
static int get_addresses(dsc_ctx_t *ctx, int ncid, const char *path, const char *name,
                         size_t n, size_t size, size_t **out)
{
    double *raw = NULL;
    int rc = get_doubles(ctx, ncid, path, name, n, &raw);
    *out = NULL;
    if (rc)
        return rc;
    size_t *cells = dsc_malloc(ctx, (n ? n : 1) * sizeof *cells, name);
    if (!cells) {
        free(raw);
        return DSC_ERR_NOMEM;
    }
    for (size_t k = 0; k < n; k++) {
        if (!(raw[k] >= 1.0 && raw[k] <= (double)size && raw[k] == floor(raw[k]))) {
            rc = dsc_error(ctx, DSC_ERR_FORMAT, "%s: %s of link %zu is %g, not a cell "
                           "number in 1..%zu", path, name, k, raw[k], size);
            free(raw);
            free(cells);
            return rc;
        }
        cells[k] = (size_t)raw[k] - 1;
    }
    free(raw);
    *out = cells;
    return DSC_OK;
}

static void method_of(int ncid, char *method, size_t size)
{
    char text[256] = "";
    size_t len = 0;
    if (nc_inq_attlen(ncid, NC_GLOBAL, "map_method", &len) == NC_NOERR && len < sizeof text)
        nc_get_att_text(ncid, NC_GLOBAL, "map_method", text);
    text[len < sizeof text ? len : sizeof text - 1] = '\0';
    for (size_t i = 0; i < NMETHOD_NAMES; i++) {
        const char *cdo = method_names[i].cdo;
        size_t word = strcspn(cdo, " ");
        if (strncasecmp(text, cdo, word) == 0) {
            snprintf(method, size, "%s", method_names[i].ours);
            return;
        }
    }
    snprintf(method, size, "%s", *text ? text : "file");
}

/* Degrees per unit of the centre coordinates from their units attribute. */
static int angle_scale(dsc_ctx_t *ctx, int ncid, const char *path, const char *var,
                       double *scale)
{
    char units[64] = "";
    size_t len = 0;
    int id;
    *scale = 1.0;
    if (nc_inq_varid(ncid, var, &id) != NC_NOERR ||
        nc_inq_attlen(ncid, id, "units", &len) != NC_NOERR)
        return DSC_OK; /* SCRIP's own files say; without units, degrees is the safer guess */
    if (len >= sizeof units)
        len = sizeof units - 1;
    nc_get_att_text(ncid, id, "units", units);
    units[len] = '\0';
    if (strncasecmp(units, "radian", 6) == 0)
        *scale = RAD2DEG;
    else if (strncasecmp(units, "degree", 6) != 0)
        return dsc_error(ctx, DSC_ERR_FORMAT, "%s: %s has units '%s', not degrees or radians",
                         path, var, units);
    return DSC_OK;
}

/* Whether cells laid out nlon-fastest form a latitude x longitude product. */
static int is_product(const double *lat, const double *lon, size_t nlat, size_t nlon)
{
    for (size_t i = 0; i < nlat; i++)
        for (size_t j = 0; j < nlon; j++) {
            size_t c = i * nlon + j;
            if (fabs(lat[c] - lat[i * nlon]) > 1e-9 ||
                fabs(remainder(lon[c] - lon[j], 360.0)) > 1e-9)
                return 0;
        }
    return 1;
}

static int read_grid(dsc_ctx_t *ctx, int ncid, const char *path, const char *prefix,
                     size_t size, dsc_grid_t *g)
{
    char name[64];
    double *lat = NULL, *lon = NULL, lat_scale, lon_scale;
    size_t rank = 0;
    int dims[2] = {0, 0}, id, rc;

    snprintf(name, sizeof name, "%s_rank", prefix);
    if ((rc = dim_len(ctx, ncid, path, name, &rank)))
        return rc;
    snprintf(name, sizeof name, "%s_dims", prefix);
    if (rank == 2 && nc_inq_varid(ncid, name, &id) == NC_NOERR)
        nc_get_var_int(ncid, id, dims);
    char vlat[64], vlon[64];
    snprintf(vlat, sizeof vlat, "%s_center_lat", prefix);
    snprintf(vlon, sizeof vlon, "%s_center_lon", prefix);
    if ((rc = angle_scale(ctx, ncid, path, vlat, &lat_scale)) ||
        (rc = angle_scale(ctx, ncid, path, vlon, &lon_scale)) ||
        (rc = get_doubles(ctx, ncid, path, vlat, size, &lat)) ||
        (rc = get_doubles(ctx, ncid, path, vlon, size, &lon)))
        goto done;
    for (size_t c = 0; c < size; c++) {
        lat[c] *= lat_scale;
        lon[c] *= lon_scale;
    }

    size_t nlon = dims[0] > 0 ? (size_t)dims[0] : 0, nlat = dims[1] > 0 ? (size_t)dims[1] : 0;
    if (rank == 2 && nlat * nlon == size && is_product(lat, lon, nlat, nlon)) {
        if ((rc = dsc_grid_init_rectilinear(ctx, g, nlat, nlon)))
            goto done;
        for (size_t i = 0; i < nlat; i++)
            g->lat[i] = lat[i * nlon];
        for (size_t j = 0; j < nlon; j++)
            g->lon[j] = dsc_lon_normalize(lon[j]);
    } else {
        if ((rc = dsc_grid_init_points(ctx, g, size)))
            goto done;
        for (size_t c = 0; c < size; c++) {
            g->lat[c] = lat[c];
            g->lon[c] = dsc_lon_normalize(lon[c]);
        }
    }
done:
    free(lat);
    free(lon);
    return rc;
}

int dsc_io_weights_read(dsc_ctx_t *ctx, const char *path, dsc_regrid_weights_t **w,
                        dsc_grid_t *src, dsc_grid_t *dst)
{
    size_t nsrc, ndst, nlinks, nwgts;
    size_t *src_cell = NULL, *dst_cell = NULL;
    double *weight = NULL;
    char method[32];
    int ncid = -1, rc;

    *w = NULL;
    if (src)
        memset(src, 0, sizeof *src);
    if (dst)
        memset(dst, 0, sizeof *dst);
    int st = nc_open(path, NC_NOWRITE, &ncid);
    if (st != NC_NOERR) {
        ncid = -1;
        return dsc_error(ctx, DSC_ERR_IO, "%s: cannot open weights: %s", path,
                         nc_strerror(st));
    }
    if ((rc = dim_len(ctx, ncid, path, "src_grid_size", &nsrc)) ||
        (rc = dim_len(ctx, ncid, path, "dst_grid_size", &ndst)) ||
        (rc = dim_len(ctx, ncid, path, "num_links", &nlinks)) ||
        (rc = dim_len(ctx, ncid, path, "num_wgts", &nwgts)))
        goto fail;
    if (nwgts != 1) {
        rc = dsc_error(ctx, DSC_ERR_FORMAT, "%s: num_wgts is %zu; only first-order weights "
                       "(one per link) are supported, not second-order conservative or "
                       "bicubic", path, nwgts);
        goto fail;
    }
    method_of(ncid, method, sizeof method);
    if ((rc = get_addresses(ctx, ncid, path, "src_address", nlinks, nsrc, &src_cell)) ||
        (rc = get_addresses(ctx, ncid, path, "dst_address", nlinks, ndst, &dst_cell)) ||
        (rc = get_doubles(ctx, ncid, path, "remap_matrix", nlinks, &weight)))
        goto fail;
    if ((rc = dsc_regrid_weights_from_arrays(ctx, method, nsrc, ndst, nlinks, src_cell,
                                             dst_cell, weight, w))) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s", dsc_ctx_message(ctx));
        rc = dsc_error(ctx, rc, "%s: %s", path, msg);
        goto fail;
    }
    if ((src && (rc = read_grid(ctx, ncid, path, "src_grid", nsrc, src))) ||
        (dst && (rc = read_grid(ctx, ncid, path, "dst_grid", ndst, dst))))
        goto fail;
    nc_close(ncid);
    free(src_cell);
    free(dst_cell);
    free(weight);
    return DSC_OK;
fail:
    if (ncid >= 0)
        nc_close(ncid);
    free(src_cell);
    free(dst_cell);
    free(weight);
    dsc_regrid_weights_destroy(*w);
    *w = NULL;
    dsc_grid_clear(src);
    dsc_grid_clear(dst);
    return rc;
}
