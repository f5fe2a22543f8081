/* borders.c - country and province outlines for maps, from the Digital Chart of the World
 * as packaged for GMT (Debian package gmt-dcw, file dcw-gmt.nc).
 *
 * The file holds one pair of variables per country ("DE_lon", "DE_lat") and per province
 * of the eight largest countries ("CNBJ_lon" for Beijing, country code then province
 * code). Coordinates are unsigned 16-bit steps above the variable's "min" attribute, in
 * units of 1/"scale" degrees; the value 65535 in the longitude starts a new polygon. A
 * country's longitudes run continuously (0..360 for some), so each polygon is shifted by
 * whole turns to the side of the globe the map shows. Country polygons follow the coast
 * as well as the land borders, so drawing their outlines gives both. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <netcdf.h>

#include "plot_internal.h"

#define PEN_UP 65535u

/* Where Debian (gmt-dcw), GMT's own installer and a local build put the file. */
static const char *const default_files[] = {
    "/usr/share/gmt-dcw/dcw-gmt.nc",
    "/usr/share/gmt/dcw/dcw-gmt.nc",
    "/usr/local/share/gmt-dcw/dcw-gmt.nc",
    "/usr/local/share/gmt/dcw/dcw-gmt.nc",
};

const char *plot_borders_default_file(void)
{
    for (size_t i = 0; i < sizeof default_files / sizeof default_files[0]; i++)
        if (access(default_files[i], R_OK) == 0)
            return default_files[i];
    return NULL;
}

void plot_borders_free(plot_borders_t *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->n; i++) {
        free(b->rings[i].lon);
        free(b->rings[i].lat);
    }
    free(b->rings);
    memset(b, 0, sizeof *b);
}

/* One country or province of the file: where its coordinates are and how they scale. The
 * coordinates are read on first use and kept, so many maps cost one read. */
typedef struct {
    char code[16];   /* "DE", "CNBJ" */
    int lon_id, lat_id;
    double lon_min, lon_max, lon_scale;
    double lat_min, lat_max, lat_scale;
    size_t n;
    unsigned short *u, *v; /* n each once read, else NULL */
} dcw_unit_t;

struct dsc_plot_borders {
    char *path;
    int nc;
    dcw_unit_t *units;
    size_t nunits;
};

static int axis_info(int nc, const char *name, int *id, double *min, double *max,
                     double *scale, size_t *n)
{
    int dim;
    if (nc_inq_varid(nc, name, id) != NC_NOERR)
        return -1;
    if (nc_get_att_double(nc, *id, "min", min) != NC_NOERR ||
        nc_get_att_double(nc, *id, "max", max) != NC_NOERR ||
        nc_get_att_double(nc, *id, "scale", scale) != NC_NOERR || !(*scale > 0))
        return -1;
    if (nc_inq_vardimid(nc, *id, &dim) != NC_NOERR || nc_inq_dimlen(nc, dim, n) != NC_NOERR)
        return -1;
    return 0;
}

/* The unit whose variables are <code>_lon and <code>_lat, or -1 when they do not fit. */
static int unit_info(int nc, const char *code, dcw_unit_t *u)
{
    char name[64];
    size_t nlat = 0;
    memset(u, 0, sizeof *u);
    snprintf(u->code, sizeof u->code, "%s", code);
    snprintf(name, sizeof name, "%s_lon", code);
    if (axis_info(nc, name, &u->lon_id, &u->lon_min, &u->lon_max, &u->lon_scale, &u->n))
        return -1;
    snprintf(name, sizeof name, "%s_lat", code);
    if (axis_info(nc, name, &u->lat_id, &u->lat_min, &u->lat_max, &u->lat_scale, &nlat))
        return -1;
    return nlat == u->n && u->n > 0 ? 0 : -1;
}

void dsc_plot_borders_close(dsc_plot_borders_t *b)
{
    if (!b)
        return;
    if (b->nc >= 0)
        nc_close(b->nc);
    for (size_t i = 0; i < b->nunits; i++) {
        free(b->units[i].u);
        free(b->units[i].v);
    }
    free(b->units);
    free(b->path);
    free(b);
}

int dsc_plot_borders_open(dsc_ctx_t *ctx, const char *path, dsc_plot_borders_t **out)
{
    *out = NULL;
    const char *file = path && *path ? path : plot_borders_default_file();
    if (!file)
        return dsc_error(ctx, DSC_ERR_IO, "%s: no border data installed (Debian package "
                         "gmt-dcw)", default_files[0]);
    dsc_plot_borders_t *b = dsc_calloc(ctx, 1, sizeof *b, "border data");
    if (!b)
        return DSC_ERR_NOMEM;
    b->nc = -1;
    int st, nvars = 0, rc = DSC_OK;
    if (!(b->path = dsc_strdup(ctx, file)))
        rc = DSC_ERR_NOMEM;
    else if ((st = nc_open(file, NC_NOWRITE, &b->nc)) != NC_NOERR)
        rc = dsc_error(ctx, DSC_ERR_IO, "%s: cannot open the border data: %s", file,
                       nc_strerror(st));
    else if ((st = nc_inq_nvars(b->nc, &nvars)) != NC_NOERR)
        rc = dsc_error(ctx, DSC_ERR_FORMAT, "%s: %s", file, nc_strerror(st));
    if (!rc && !(b->units = dsc_calloc(ctx, nvars ? (size_t)nvars : 1, sizeof *b->units,
                                       "border data")))
        rc = DSC_ERR_NOMEM;
    for (int id = 0; id < nvars && !rc; id++) {
        char name[NC_MAX_NAME + 1];
        if (nc_inq_varname(b->nc, id, name) != NC_NOERR)
            continue;
        size_t len = strlen(name);
        if (len < 6 || len > 12 || strcmp(name + len - 4, "_lon") != 0)
            continue;
        name[len - 4] = '\0';
        if (unit_info(b->nc, name, &b->units[b->nunits]) == 0)
            b->nunits++;
    }
    if (!rc && b->nunits == 0)
        rc = dsc_error(ctx, DSC_ERR_FORMAT, "%s: no country outlines in the file (not a "
                       "DCW file for GMT?)", file);
    if (rc) {
        dsc_plot_borders_close(b);
        return rc;
    }
    *out = b;
    return DSC_OK;
}

/* The whole-turn shift that puts [lo, hi] over the box's longitudes, or NaN for none. */
static double lon_shift(double lo, double hi, const double box[4])
{
    static const double shifts[] = {0, -360, 360, -720, 720};
    for (size_t i = 0; i < sizeof shifts / sizeof shifts[0]; i++)
        if (lo + shifts[i] <= box[1] && hi + shifts[i] >= box[0])
            return shifts[i];
    return NAN;
}

/* Even-odd rule: does the ring enclose (lon, lat)? */
static int ring_contains(const plot_ring_t *r, double lon, double lat)
{
    int in = 0;
    for (size_t i = 0, j = r->n - 1; i < r->n; j = i++) {
        double yi = r->lat[i], yj = r->lat[j];
        if ((yi > lat) == (yj > lat))
            continue;
        double x = r->lon[i] + (lat - yi) / (yj - yi) * (r->lon[j] - r->lon[i]);
        if (lon < x)
            in = !in;
    }
    return in;
}

static int add_ring(dsc_ctx_t *ctx, plot_borders_t *b, const dcw_unit_t *du, size_t first,
                    size_t n, const double box[4], int level)
{
    const unsigned short *u = du->u + first, *v = du->v + first;
    double lo = INFINITY, hi = -INFINITY, la = INFINITY, lb = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        double lon = du->lon_min + u[i] / du->lon_scale;
        double lat = du->lat_min + v[i] / du->lat_scale;
        lo = fmin(lo, lon);
        hi = fmax(hi, lon);
        la = fmin(la, lat);
        lb = fmax(lb, lat);
    }
    double shift = lon_shift(lo, hi, box);
    if (n < 2 || isnan(shift) || la > box[3] || lb < box[2])
        return DSC_OK;
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 64;
        plot_ring_t *r = realloc(b->rings, cap * sizeof *r);
        if (!r)
            return dsc_error(ctx, DSC_ERR_NOMEM, "map borders: out of memory");
        b->rings = r;
        b->cap = cap;
    }
    plot_ring_t *r = &b->rings[b->n];
    r->lon = dsc_malloc(ctx, n * sizeof *r->lon, "border polygon");
    r->lat = dsc_malloc(ctx, n * sizeof *r->lat, "border polygon");
    if (!r->lon || !r->lat) {
        free(r->lon);
        free(r->lat);
        return DSC_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        r->lon[i] = du->lon_min + u[i] / du->lon_scale + shift;
        r->lat[i] = du->lat_min + v[i] / du->lat_scale;
    }
    r->n = n;
    r->level = level;
    b->n++;
    return DSC_OK;
}

/* Is code (e.g. "CNBJ") in the comma-separated list (e.g. "CN.BJ, DE")? */
static int listed(const char *list, const char *code)
{
    char want[16];
    size_t k = 0;
    for (const char *p = list; p && k < sizeof want; p++) {
        if (*p == ',' || *p == '\0') {
            want[k] = '\0';
            if (k > 0 && strcasecmp(want, code) == 0)
                return 1;
            k = 0;
            if (*p == '\0')
                break;
        } else if (*p != '.' && *p != ' ' && *p != '\t') {
            want[k++] = *p;
        }
    }
    return 0;
}

static int unit_read(dsc_ctx_t *ctx, const dsc_plot_borders_t *f, dcw_unit_t *du)
{
    if (du->u)
        return DSC_OK;
    du->u = dsc_malloc(ctx, du->n * sizeof *du->u, "border coordinates");
    du->v = dsc_malloc(ctx, du->n * sizeof *du->v, "border coordinates");
    if (!du->u || !du->v) {
        free(du->u);
        free(du->v);
        du->u = du->v = NULL;
        return DSC_ERR_NOMEM;
    }
    if (nc_get_var_ushort(f->nc, du->lon_id, du->u) != NC_NOERR ||
        nc_get_var_ushort(f->nc, du->lat_id, du->v) != NC_NOERR) {
        free(du->u);
        free(du->v);
        du->u = du->v = NULL;
        return dsc_error(ctx, DSC_ERR_FORMAT, "%s: cannot read the outline of %s", f->path,
                         du->code);
    }
    return DSC_OK;
}

/* Every polygon of one country or province reaching into the box. A province holding
 * (mark_lat, mark_lon) is raised to the highlighted level. */
static int load_unit(dsc_ctx_t *ctx, const dsc_plot_borders_t *f, dcw_unit_t *du,
                     const double box[4], const plot_borders_opts_t *o, plot_borders_t *b)
{
    if (isnan(lon_shift(du->lon_min, du->lon_max, box)) || du->lat_min > box[3] ||
        du->lat_max < box[2])
        return DSC_OK;
    int rc = unit_read(ctx, f, du);
    if (rc)
        return rc;
    int level = strlen(du->code) == 2 ? PLOT_BORDER_COUNTRY : PLOT_BORDER_PROVINCE;
    if (listed(o->highlight, du->code))
        level = PLOT_BORDER_HIGHLIGHT;
    size_t first = b->n, start = 0;
    for (size_t i = 0; i <= du->n && !rc; i++) {
        if (i < du->n && du->u[i] != PEN_UP)
            continue;
        if (i > start)
            rc = add_ring(ctx, b, du, start, i - start, box, level);
        start = i + 1;
    }

    int hit = 0;
    for (size_t i = first; i < b->n && !rc && level == PLOT_BORDER_PROVINCE && !hit; i++) {
        double lon = o->mark_lon, ref = b->rings[i].lon[0];
        if (!isfinite(lon) || !isfinite(o->mark_lat))
            break;
        lon = ref + remainder(lon - ref, 360.0);
        hit = ring_contains(&b->rings[i], lon, o->mark_lat);
    }
    for (size_t i = first; i < b->n && hit; i++)
        b->rings[i].level = PLOT_BORDER_HIGHLIGHT;
    return rc;
}

int plot_borders_load(dsc_ctx_t *ctx, dsc_plot_borders_t *f, const plot_borders_opts_t *o,
                      const double box[4], plot_borders_t *b)
{
    int rc = DSC_OK;
    memset(b, 0, sizeof *b);
    for (size_t i = 0; i < f->nunits && !rc; i++)
        rc = load_unit(ctx, f, &f->units[i], box, o, b);
    if (rc)
        plot_borders_free(b);
    return rc;
}

/* Where a point lies around the rectangle: one bit per side it is beyond. */
static int outcode(double x, double y, const double r[4])
{
    return (x < r[0]) | (x > r[1]) << 1 | (y < r[2]) << 2 | (y > r[3]) << 3;
}

/* One ring as a path in device units. A segment with both ends beyond the same side of
 * the (slightly enlarged) frame cannot cross it and is left out, and so is a vertex closer
 * than half a unit to the last one kept: a country's coast has far more detail than a
 * figure shows, and a vector file would carry all of it. */
static void ring_path(cairo_t *cr, const plot_ring_t *r, const double rect[4])
{
    int have = 0, down = 0, lcode = 0;
    double lx = 0, ly = 0;
    for (size_t i = 0; i < r->n; i++) {
        double x = r->lon[i], y = r->lat[i];
        if (isnan(x)) {
            have = down = 0;
            continue;
        }
        int code = outcode(x, y, rect);
        if (have && !(code & lcode)) {
            if (fabs(x - lx) < 0.5 && fabs(y - ly) < 0.5 && i + 1 < r->n)
                continue;
            if (!down)
                cairo_move_to(cr, lx, ly);
            cairo_line_to(cr, x, y);
            down = 1;
        } else {
            down = 0; /* the pen waits at this point until a segment shows */
        }
        have = 1;
        lx = x;
        ly = y;
        lcode = code;
    }
}

static void stroke_level(plot_canvas_t *cv, const plot_borders_t *b, const double rect[4],
                         int level, double width, uint32_t rgb, double alpha)
{
    cairo_t *cr = cv->cr;
    cairo_new_path(cr);
    for (size_t i = 0; i < b->n; i++)
        if (b->rings[i].level == level)
            ring_path(cr, &b->rings[i], rect);
    plot_set_color(cr, rgb, alpha);
    cairo_set_line_width(cr, plot_px(cv, width));
    cairo_stroke(cr);
}

void plot_borders_draw(plot_canvas_t *cv, plot_map_view_t *v, plot_borders_t *b)
{
    cairo_t *cr = cv->cr;
    if (!b || b->n == 0)
        return;
    for (size_t i = 0; i < b->n; i++)
        plot_map_project(v, b->rings[i].lon, b->rings[i].lat, b->rings[i].n);

    cairo_save(cr);
    cairo_rectangle(cr, v->x, v->y, v->w, v->h);
    cairo_clip(cr);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    double m = plot_px(cv, 8);
    double rect[4] = {v->x - m, v->x + v->w + m, v->y - m, v->y + v->h + m};
    /* Thin to thick, each level on a white halo so it reads over dark and light cells. */
    stroke_level(cv, b, rect, PLOT_BORDER_PROVINCE, 2.2, 0xFFFFFF, 0.6);
    stroke_level(cv, b, rect, PLOT_BORDER_PROVINCE, 0.8, 0x505050, 1);
    stroke_level(cv, b, rect, PLOT_BORDER_COUNTRY, 3.0, 0xFFFFFF, 0.7);
    stroke_level(cv, b, rect, PLOT_BORDER_COUNTRY, 1.3, 0x1A1A1A, 1);
    stroke_level(cv, b, rect, PLOT_BORDER_HIGHLIGHT, 5.0, 0xFFFFFF, 0.85);
    stroke_level(cv, b, rect, PLOT_BORDER_HIGHLIGHT, 2.6, 0x000000, 1);
    cairo_restore(cr);
}
