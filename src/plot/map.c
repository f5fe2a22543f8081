/* map.c - maps of a field on a rectilinear grid (or at points) in a Lambert azimuthal
 * equal-area projection centred on the data: filled cells, country and province borders,
 * a graticule, a colour bar with units and the city marked. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot_internal.h"

#define NAN_FILL 0xE4E4E4
#define NAN_HATCH 0x8C8C8C
#define DEGREE "\xc2\xb0"

/* Points along each side of a box when it is projected: enough for the curvature of a
 * parallel over a regional extent to stay well under a pixel. */
#define EDGE_SAMPLES 48

/* The frame is never flatter or taller than these width / height ratios: a thin strip of
 * data (a narrow box at high latitude) gets room to show the land around it. */
#define MIN_ASPECT 0.75
#define MAX_ASPECT 1.6

/* Coordinates ready to draw: unwrapped longitudes and cell edges halfway between centres. */
typedef struct {
    int points;        /* a point grid */
    size_t nlat, nlon; /* rectilinear sizes; points: nlat points, nlon 1 */
    double *lon;       /* nlon (points: nlat) unwrapped longitudes */
    const double *lat; /* borrowed */
    double *lat_edges; /* nlat + 1 (rectilinear) */
    double *lon_edges; /* nlon + 1 (rectilinear) */
} map_coords_t;

static int check_input(dsc_ctx_t *ctx, const char *name, const dsc_grid_t *grid,
                       const double *values)
{
    if (!grid || !values)
        return dsc_error(ctx, DSC_ERR_USAGE, "%s: no grid or no values to map", name);
    if (grid->kind != DSC_GRID_RECTILINEAR && grid->kind != DSC_GRID_POINTS)
        return dsc_error(ctx, DSC_ERR_USAGE, "%s: unknown grid kind %d", name, (int)grid->kind);
    size_t nlon = grid->kind == DSC_GRID_POINTS ? grid->nlat : grid->nlon;
    if (grid->nlat == 0 || nlon == 0 || !grid->lat || !grid->lon)
        return dsc_error(ctx, DSC_ERR_USAGE, "%s: the map's grid is empty", name);
    for (size_t i = 0; i < grid->nlat; i++)
        if (!isfinite(grid->lat[i]))
            return dsc_error(ctx, DSC_ERR_USAGE, "%s: grid latitude %zu is not finite", name, i);
    for (size_t i = 0; i < nlon; i++)
        if (!isfinite(grid->lon[i]))
            return dsc_error(ctx, DSC_ERR_USAGE, "%s: grid longitude %zu is not finite", name, i);
    return DSC_OK;
}

/* n + 1 edges halfway between the n centres; the outer ones half a spacing out. */
static void fill_edges(const double *c, size_t n, double fallback, double *e)
{
    if (n == 1) {
        e[0] = c[0] - fallback / 2;
        e[1] = c[0] + fallback / 2;
        return;
    }
    for (size_t i = 1; i < n; i++)
        e[i] = (c[i - 1] + c[i]) / 2;
    e[0] = c[0] - (c[1] - c[0]) / 2;
    e[n] = c[n - 1] + (c[n - 1] - c[n - 2]) / 2;
}

static void coords_clear(map_coords_t *mc)
{
    free(mc->lon);
    free(mc->lat_edges);
    free(mc->lon_edges);
    memset(mc, 0, sizeof *mc);
}

static int coords_build(dsc_ctx_t *ctx, const dsc_grid_t *grid, map_coords_t *mc)
{
    memset(mc, 0, sizeof *mc);
    mc->points = grid->kind == DSC_GRID_POINTS;
    mc->nlat = grid->nlat;
    mc->nlon = mc->points ? 1 : grid->nlon;
    mc->lat = grid->lat;
    size_t nlon = mc->points ? grid->nlat : grid->nlon;

    mc->lon = dsc_malloc(ctx, nlon * sizeof *mc->lon, "map longitudes");
    if (!mc->lon)
        return DSC_ERR_NOMEM;
    /* A regional grid across the antimeridian jumps from ~180 back to ~-180; carry on
     * eastward instead so the domain stays in one piece. Points are brought next to the
     * first one for the same reason. */
    mc->lon[0] = grid->lon[0];
    for (size_t i = 1; i < nlon; i++) {
        double l = grid->lon[i];
        if (mc->points)
            l = mc->lon[0] + remainder(l - mc->lon[0], 360.0);
        while (!mc->points && l < mc->lon[i - 1] - 180)
            l += 360;
        mc->lon[i] = l;
    }
    if (mc->points)
        return DSC_OK;

    mc->lat_edges = dsc_malloc(ctx, (mc->nlat + 1) * sizeof *mc->lat_edges, "map edges");
    mc->lon_edges = dsc_malloc(ctx, (mc->nlon + 1) * sizeof *mc->lon_edges, "map edges");
    if (!mc->lat_edges || !mc->lon_edges) {
        coords_clear(mc);
        return DSC_ERR_NOMEM;
    }
    /* A single row or column borrows the other direction's spacing. */
    double dlat = mc->nlat > 1 ? fabs(mc->lat[1] - mc->lat[0]) : 0;
    double dlon = mc->nlon > 1 ? fabs(mc->lon[1] - mc->lon[0]) : 0;
    double fallback_lat = dlat > 0 ? dlat : (dlon > 0 ? dlon : 1);
    double fallback_lon = dlon > 0 ? dlon : (dlat > 0 ? dlat : 1);
    fill_edges(mc->lat, mc->nlat, fallback_lat, mc->lat_edges);
    fill_edges(mc->lon, mc->nlon, fallback_lon, mc->lon_edges);
    for (size_t i = 0; i <= mc->nlat; i++)
        mc->lat_edges[i] = fmax(-90, fmin(90, mc->lat_edges[i]));
    return DSC_OK;
}

static void extent_of(const map_coords_t *mc, plot_map_view_t *v)
{
    const double *la = mc->points ? mc->lat : mc->lat_edges;
    const double *lo = mc->points ? mc->lon : mc->lon_edges;
    size_t nla = mc->points ? mc->nlat : mc->nlat + 1;
    size_t nlo = mc->points ? mc->nlat : mc->nlon + 1;

    v->lat0 = v->lon0 = INFINITY;
    v->lat1 = v->lon1 = -INFINITY;
    for (size_t i = 0; i < nla; i++) {
        v->lat0 = fmin(v->lat0, la[i]);
        v->lat1 = fmax(v->lat1, la[i]);
    }
    for (size_t i = 0; i < nlo; i++) {
        v->lon0 = fmin(v->lon0, lo[i]);
        v->lon1 = fmax(v->lon1, lo[i]);
    }
    if (mc->points) {
        /* Points need a margin so the outer dots are not cut in half. */
        double pad = fmax(0.5, 0.08 * fmax(v->lat1 - v->lat0, v->lon1 - v->lon0));
        v->lat0 = fmax(-89.9, v->lat0 - pad);
        v->lat1 = fmin(89.9, v->lat1 + pad);
        v->lon0 -= pad;
        v->lon1 += pad;
    }
}

/* The sides of a lon/lat box as 4 * EDGE_SAMPLES points (x longitudes, y latitudes). */
static void box_outline(double lon0, double lon1, double lat0, double lat1, double *x,
                        double *y)
{
    for (int i = 0; i < EDGE_SAMPLES; i++) {
        double t = (double)i / (EDGE_SAMPLES - 1);
        double lon = lon0 + t * (lon1 - lon0), lat = lat0 + t * (lat1 - lat0);
        x[i] = lon;
        y[i] = lat0;
        x[EDGE_SAMPLES + i] = lon;
        y[EDGE_SAMPLES + i] = lat1;
        x[2 * EDGE_SAMPLES + i] = lon0;
        y[2 * EDGE_SAMPLES + i] = lat;
        x[3 * EDGE_SAMPLES + i] = lon1;
        y[3 * EDGE_SAMPLES + i] = lat;
    }
}

/* The frame in projected metres: the data's projected extent, a margin, and the aspect
 * kept between MIN_ASPECT and MAX_ASPECT. Returns -1 when nothing could be projected. */
static int frame_extent(plot_map_view_t *v)
{
    double x[4 * EDGE_SAMPLES], y[4 * EDGE_SAMPLES];
    box_outline(v->lon0, v->lon1, v->lat0, v->lat1, x, y);
    plot_proj_forward(&v->proj, x, y, 4 * EDGE_SAMPLES);

    v->bx0 = v->by0 = INFINITY;
    v->bx1 = v->by1 = -INFINITY;
    for (int i = 0; i < 4 * EDGE_SAMPLES; i++) {
        if (isnan(x[i]))
            continue;
        v->bx0 = fmin(v->bx0, x[i]);
        v->bx1 = fmax(v->bx1, x[i]);
        v->by0 = fmin(v->by0, y[i]);
        v->by1 = fmax(v->by1, y[i]);
    }
    if (!(v->bx1 > v->bx0) || !(v->by1 > v->by0))
        return -1;
    double pad = 0.03 * fmax(v->bx1 - v->bx0, v->by1 - v->by0);
    double w = v->bx1 - v->bx0 + 2 * pad, h = v->by1 - v->by0 + 2 * pad;
    double cx = (v->bx0 + v->bx1) / 2, cy = (v->by0 + v->by1) / 2;
    if (w < MIN_ASPECT * h)
        w = MIN_ASPECT * h;
    if (w > MAX_ASPECT * h)
        h = w / MAX_ASPECT;
    v->bx0 = cx - w / 2;
    v->bx1 = cx + w / 2;
    v->by0 = cy - h / 2;
    v->by1 = cy + h / 2;
    return 0;
}

/* The frame's extent in degrees, for the graticule and the borders to load. A pole inside
 * the frame takes in every longitude. */
static void frame_degrees(plot_map_view_t *v)
{
    double x[4 * EDGE_SAMPLES + 1], y[4 * EDGE_SAMPLES + 1];
    double cx = (v->bx0 + v->bx1) / 2, cy = (v->by0 + v->by1) / 2;
    box_outline(v->bx0, v->bx1, v->by0, v->by1, x, y);
    x[4 * EDGE_SAMPLES] = cx;
    y[4 * EDGE_SAMPLES] = cy;
    plot_proj_inverse(&v->proj, x, y, 4 * EDGE_SAMPLES + 1);

    double lonc = v->proj.lon0;
    v->glon0 = v->glat0 = INFINITY;
    v->glon1 = v->glat1 = -INFINITY;
    for (int i = 0; i <= 4 * EDGE_SAMPLES; i++) {
        if (isnan(x[i]))
            continue;
        double lon = lonc + remainder(x[i] - lonc, 360.0);
        v->glon0 = fmin(v->glon0, lon);
        v->glon1 = fmax(v->glon1, lon);
        v->glat0 = fmin(v->glat0, y[i]);
        v->glat1 = fmax(v->glat1, y[i]);
    }
    for (int pole = -1; pole <= 1; pole += 2) {
        double px = lonc, py = 90.0 * pole;
        plot_proj_forward(&v->proj, &px, &py, 1);
        if (px >= v->bx0 && px <= v->bx1 && py >= v->by0 && py <= v->by1) {
            v->glon0 = lonc - 180;
            v->glon1 = lonc + 180;
            if (pole > 0)
                v->glat1 = 90;
            else
                v->glat0 = -90;
        }
    }
    /* Parallels bulge past the corners' latitudes between them; a little slack keeps
     * every line that crosses the frame. */
    double slack = 0.05 * (v->glat1 - v->glat0);
    v->glat0 = fmax(-90, v->glat0 - slack);
    v->glat1 = fmin(90, v->glat1 + slack);
}

void plot_map_project(plot_map_view_t *v, double *x, double *y, size_t n)
{
    plot_proj_forward(&v->proj, x, y, n);
    for (size_t i = 0; i < n; i++) {
        if (isnan(x[i]))
            continue;
        x[i] = v->x + (x[i] - v->bx0) * v->k;
        y[i] = v->y + (v->by1 - y[i]) * v->k;
    }
}

/* Colour limits: round numbers covering every finite value; symmetric when diverging.
 * Returns 0 when there is no finite value. */
static int colour_limits(const double *values, size_t n, int diverging, plot_axis_t *scale,
                         int *any_nan)
{
    double lo = INFINITY, hi = -INFINITY;

    *any_nan = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(values[i])) {
            *any_nan = 1;
            continue;
        }
        lo = fmin(lo, values[i]);
        hi = fmax(hi, values[i]);
    }
    if (lo > hi)
        return 0;
    if (diverging) {
        double m = fmax(fabs(lo), fabs(hi));
        if (m == 0)
            m = 1;
        plot_axis_set(scale, PLOT_AXIS_LINEAR, -m, m, 6, 1);
    } else {
        plot_axis_set(scale, PLOT_AXIS_LINEAR, lo, hi, 6, 1);
    }
    return 1;
}

static void set_value_colour(cairo_t *cr, const plot_axis_t *scale, int diverging, double v)
{
    double rgb[3];

    plot_scale_rgb(diverging, plot_axis_fraction(scale, v), rgb);
    cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
}

/* Diagonal hatching over the current clip, aligned to the map so hatches of adjacent
 * missing cells join up. */
static void hatch(plot_canvas_t *cv, double x, double y, double w, double h)
{
    cairo_t *cr = cv->cr;
    double step = plot_px(cv, 6);

    plot_set_color(cr, NAN_FILL, 1);
    cairo_paint(cr);
    for (double d = -h; d < w; d += step) {
        cairo_move_to(cr, x + d, y + h);
        cairo_line_to(cr, x + d + h, y);
    }
    plot_set_color(cr, NAN_HATCH, 1);
    cairo_set_line_width(cr, plot_px(cv, 0.8));
    cairo_stroke(cr);
}

/* The quadrilateral of cell (i, j) from the projected edge nodes; 0 when a corner has no
 * place on the map. */
static int cell_path(cairo_t *cr, const double *nx, const double *ny, size_t nlon, size_t i,
                     size_t j)
{
    size_t w = nlon + 1;
    size_t c[4] = {i * w + j, i * w + j + 1, (i + 1) * w + j + 1, (i + 1) * w + j};
    for (int k = 0; k < 4; k++)
        if (isnan(nx[c[k]]))
            return 0;
    cairo_move_to(cr, nx[c[0]], ny[c[0]]);
    for (int k = 1; k < 4; k++)
        cairo_line_to(cr, nx[c[k]], ny[c[k]]);
    cairo_close_path(cr);
    return 1;
}

static int draw_cells(dsc_ctx_t *ctx, plot_canvas_t *cv, plot_map_view_t *v,
                      const map_coords_t *mc, const double *values, const plot_axis_t *scale,
                      int diverging)
{
    cairo_t *cr = cv->cr;
    size_t nn = (mc->nlat + 1) * (mc->nlon + 1);
    double *nx = dsc_malloc(ctx, nn * sizeof *nx, "map cell corners");
    double *ny = dsc_malloc(ctx, nn * sizeof *ny, "map cell corners");
    if (!nx || !ny) {
        free(nx);
        free(ny);
        return DSC_ERR_NOMEM;
    }
    for (size_t i = 0; i <= mc->nlat; i++) {
        for (size_t j = 0; j <= mc->nlon; j++) {
            nx[i * (mc->nlon + 1) + j] = mc->lon_edges[j];
            ny[i * (mc->nlon + 1) + j] = mc->lat_edges[i];
        }
    }
    plot_map_project(v, nx, ny, nn);

    cairo_save(cr);
    cairo_rectangle(cr, v->x, v->y, v->w, v->h);
    cairo_clip(cr);
    /* Each cell is also stroked in its own colour by a hair: anti-aliased edges would
     * otherwise let the background show through as faint seams between cells. */
    cairo_set_line_width(cr, 0.6);
    for (size_t i = 0; i < mc->nlat; i++) {
        for (size_t j = 0; j < mc->nlon; j++) {
            double val = values[i * mc->nlon + j];
            if (!isfinite(val) || !cell_path(cr, nx, ny, mc->nlon, i, j))
                continue;
            set_value_colour(cr, scale, diverging, val);
            cairo_fill_preserve(cr);
            cairo_stroke(cr);
        }
    }

    cairo_new_path(cr);
    int any = 0;
    for (size_t i = 0; i < mc->nlat; i++)
        for (size_t j = 0; j < mc->nlon; j++)
            if (!isfinite(values[i * mc->nlon + j]))
                any |= cell_path(cr, nx, ny, mc->nlon, i, j);
    if (any) {
        cairo_clip(cr);
        hatch(cv, v->x, v->y, v->w, v->h);
    }
    cairo_restore(cr);
    free(nx);
    free(ny);
    return DSC_OK;
}

static int draw_points(dsc_ctx_t *ctx, plot_canvas_t *cv, plot_map_view_t *v,
                       const map_coords_t *mc, const double *values, const plot_axis_t *scale,
                       int diverging)
{
    cairo_t *cr = cv->cr;
    double r = plot_px(cv, 7);
    double *px = dsc_malloc(ctx, mc->nlat * sizeof *px, "map points");
    double *py = dsc_malloc(ctx, mc->nlat * sizeof *py, "map points");
    if (!px || !py) {
        free(px);
        free(py);
        return DSC_ERR_NOMEM;
    }
    memcpy(px, mc->lon, mc->nlat * sizeof *px);
    memcpy(py, mc->lat, mc->nlat * sizeof *py);
    plot_map_project(v, px, py, mc->nlat);

    cairo_save(cr);
    cairo_set_line_width(cr, plot_px(cv, 1));
    for (size_t i = 0; i < mc->nlat; i++) {
        if (isnan(px[i]))
            continue;
        cairo_new_path(cr);
        cairo_arc(cr, px[i], py[i], r, 0, 2 * M_PI);
        if (isfinite(values[i]))
            set_value_colour(cr, scale, diverging, values[i]);
        else
            plot_set_color(cr, NAN_FILL, 1);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
        cairo_stroke(cr);
    }
    cairo_restore(cr);
    free(px);
    free(py);
    return DSC_OK;
}

void plot_format_degrees(double v, int decimals, int is_lon, char *buf, size_t size)
{
    char num[32];

    if (is_lon)
        v = remainder(v, 360.0); /* back to the longitude people write */
    plot_format_number(fabs(v), decimals, num, sizeof num);
    /* "46°N" beside "45.5°N" reads better than "46.0°N". */
    if (strchr(num, '.')) {
        size_t len = strlen(num);
        while (len > 0 && num[len - 1] == '0')
            num[--len] = '\0';
        if (len > 0 && num[len - 1] == '.')
            num[--len] = '\0';
    }
    double tiny = 0.5 * pow(10, -decimals);
    const char *hemi = "";
    if (fabs(v) >= tiny && !(is_lon && fabs(fabs(v) - 180) < tiny))
        hemi = is_lon ? (v > 0 ? "E" : "W") : (v > 0 ? "N" : "S");
    snprintf(buf, size, "%s" DEGREE "%s", num, hemi);
}

static void frame_outline(plot_canvas_t *cv, const plot_map_view_t *v)
{
    cairo_set_source_rgb(cv->cr, 0.2, 0.2, 0.2);
    cairo_set_line_width(cv->cr, plot_px(cv, 1));
    cairo_rectangle(cv->cr, v->x, v->y, v->w, v->h);
    cairo_stroke(cv->cr);
}

/* Colour bar geometry: the bar's rectangle and whether a "no data" key goes under it. */
typedef struct {
    double x, y, w, h;
    int nan_key;
} colour_bar_t;

static void draw_colour_bar(plot_canvas_t *cv, const colour_bar_t *b, const plot_axis_t *scale,
                            int diverging, const char *units)
{
    cairo_t *cr = cv->cr;
    plot_tick_t t[PLOT_MAX_TICKS];
    size_t n = plot_axis_ticks(scale, t, PLOT_MAX_TICKS);
    double tick = plot_font(cv, PLOT_FONT_TICK, 0);
    double len = 0.4 * tick, gap = 0.5 * tick;
    char buf[64];

    cairo_save(cr);
    cairo_pattern_t *p = plot_scale_gradient(diverging, 0, b->y + b->h, 0, b->y);
    cairo_rectangle(cr, b->x, b->y, b->w, b->h);
    cairo_set_source(cr, p);
    cairo_fill_preserve(cr);
    cairo_pattern_destroy(p);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_set_line_width(cr, plot_px(cv, 1));
    cairo_stroke(cr);

    for (size_t i = 0; i < n; i++) {
        double y = b->y + b->h * (1 - plot_axis_fraction(scale, t[i].value));
        cairo_move_to(cr, b->x + b->w, y);
        cairo_line_to(cr, b->x + b->w + len, y);
        cairo_stroke(cr);
        plot_axis_format(scale, t[i].value, buf, sizeof buf);
        plot_text(cv, b->x + b->w + len + gap, y, buf, 0, 0.5, 0);
    }

    if (b->nan_key) {
        double y = b->y + b->h + 1.2 * tick;
        cairo_save(cr);
        cairo_rectangle(cr, b->x, y, b->w, b->w);
        cairo_clip(cr);
        hatch(cv, b->x, y, b->w, b->w);
        cairo_restore(cr);
        cairo_rectangle(cr, b->x, y, b->w, b->w);
        cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
        cairo_stroke(cr);
        plot_text(cv, b->x + b->w + len + gap, y + b->w / 2, "no data", 0, 0.5, 0);
    }

    char pretty[96];
    plot_format_units(units, pretty, sizeof pretty);
    plot_font(cv, PLOT_FONT_LABEL, 0);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    plot_text(cv, b->x, b->y - 0.5 * cv->font_size, pretty, 0, 1, 0);
    cairo_restore(cr);
}

/* The city: a black dot on a white disc, its label right of it, or left when it would
 * leave the frame. */
static void draw_marker(plot_canvas_t *cv, plot_map_view_t *v, const char *label, double lat,
                        double lon)
{
    cairo_t *cr = cv->cr;
    char text[128];

    if (!isfinite(lat) || !isfinite(lon))
        return;
    double x = lon, y = lat;
    plot_map_project(v, &x, &y, 1);
    if (isnan(x) || x < v->x || x > v->x + v->w || y < v->y || y > v->y + v->h)
        return;

    double f = plot_font(cv, PLOT_FONT_LABEL, 1);
    cairo_new_path(cr);
    cairo_arc(cr, x, y, 0.42 * f, 0, 2 * M_PI);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_fill(cr);
    cairo_arc(cr, x, y, 0.26 * f, 0, 2 * M_PI);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_fill(cr);

    if (label && *label) {
        snprintf(text, sizeof text, "%s", label);
    } else {
        char a[48], b[48];
        plot_format_degrees(lat, 2, 0, a, sizeof a);
        plot_format_degrees(lon, 2, 1, b, sizeof b);
        snprintf(text, sizeof text, "%s, %s", a, b);
    }
    double w = plot_text_width(cv, text), off = 0.7 * f, pad = 0.3 * f;
    int left = x + off + w + pad > v->x + v->w && x - off - w - pad >= v->x;
    double tx = left ? x - off - w : x + off;
    /* A light box rather than a halo: it stays clean over any colour of the scale. */
    cairo_rectangle(cr, tx - pad, y - 0.5 * f - pad, w + 2 * pad, f + 2 * pad);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.8);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    plot_text(cv, tx, y, text, 0, 0.5, 0);
}

/* Widest latitude label the graticule may write, for the left margin. */
static double widest_latitude(plot_canvas_t *cv, const plot_map_view_t *v)
{
    plot_axis_t a;
    plot_tick_t t[PLOT_MAX_TICKS];
    char buf[48];
    double w = 0;

    plot_font(cv, PLOT_FONT_TICK, 0);
    /* Finer than the graticule will be, so its labels are never wider than these. */
    plot_axis_set(&a, PLOT_AXIS_LINEAR, v->glat0, v->glat1, 12, 0);
    size_t n = plot_axis_ticks(&a, t, PLOT_MAX_TICKS);
    for (size_t i = 0; i < n; i++) {
        plot_format_degrees(t[i].value, a.decimals, 0, buf, sizeof buf);
        w = fmax(w, plot_text_width(cv, buf));
    }
    return fmax(w, plot_text_width(cv, "00" DEGREE "N"));
}

/* Lays the map and the colour bar out side by side, centred, the frame's aspect kept. */
static void layout(plot_canvas_t *cv, plot_map_view_t *v, colour_bar_t *bar,
                   const plot_axis_t *scale, const char *units, double top)
{
    double margin = plot_px(cv, 12);
    double lat_label_w = widest_latitude(cv, v);
    double tick = plot_font(cv, PLOT_FONT_TICK, 0);
    double label = plot_font(cv, PLOT_FONT_LABEL, 0);
    double len = 0.4 * tick, gap = 0.5 * tick;

    plot_font(cv, PLOT_FONT_TICK, 0);
    double cb_label_w = 0;
    plot_tick_t t[PLOT_MAX_TICKS];
    size_t n = plot_axis_ticks(scale, t, PLOT_MAX_TICKS);
    char buf[64];
    for (size_t i = 0; i < n; i++) {
        plot_axis_format(scale, t[i].value, buf, sizeof buf);
        cb_label_w = fmax(cb_label_w, plot_text_width(cv, buf));
    }
    if (bar->nan_key)
        cb_label_w = fmax(cb_label_w, plot_text_width(cv, "no data"));

    char pretty[96];
    plot_format_units(units, pretty, sizeof pretty);
    plot_font(cv, PLOT_FONT_LABEL, 0);
    double units_w = plot_text_width(cv, pretty);
    plot_font(cv, PLOT_FONT_TICK, 0);

    double left = len + 2 * gap + lat_label_w;
    double bottom = len + gap + tick + 2 * gap;
    double bar_w = 1.2 * label;
    double cb_total = 1.5 * label + fmax(bar_w + len + 2 * gap + cb_label_w, units_w + gap);
    double avail_w = cv->width - 2 * margin - left - cb_total;
    double avail_h = cv->height - margin - top - bottom;

    double bw = v->bx1 - v->bx0, bh = v->by1 - v->by0;
    v->k = fmax(fmin(avail_w / bw, avail_h / bh), 1e-12);
    v->w = v->k * bw;
    v->h = v->k * bh;
    double group = left + v->w + cb_total;
    v->x = (cv->width - group) / 2 + left;
    v->y = top + 0.5 * tick + (avail_h - 0.5 * tick - v->h) / 2;

    /* A very flat map still gets a colour bar long enough to read. The units sit above the
     * bar, the "no data" key below it. */
    double units_h = 1.6 * label;
    double nan_h = bar->nan_key ? bar_w + 1.2 * tick : 0;
    double column = fmax(v->h, fmin(avail_h, 10 * label));
    bar->w = bar_w;
    bar->h = column - units_h - nan_h;
    bar->x = v->x + v->w + 1.5 * label;
    bar->y = v->y + v->h / 2 - column / 2 + units_h;
}

/* Borders for the frame, or none (with a warning naming the file) when the data cannot be
 * had: a map without borders is still a map. */
static void load_borders(dsc_ctx_t *ctx, const char *name, const plot_map_view_t *v,
                         const dsc_plot_map_options_t *o, plot_borders_t *b)
{
    memset(b, 0, sizeof *b);
    if (!o->border_data && o->borders && !*o->borders)
        return;
    dsc_plot_borders_t *own = NULL, *f = o->border_data;
    if (!f && dsc_plot_borders_open(ctx, o->borders, &own) != DSC_OK) {
        dsc_log(ctx, DSC_LOG_WARN, "plot", "%s: drawn without borders: %s", name,
                dsc_ctx_message(ctx));
        return;
    }
    plot_borders_opts_t bo = {o->highlight, o->mark_lat, o->mark_lon};
    double box[4] = {v->glon0, v->glon1, v->glat0, v->glat1};
    if (plot_borders_load(ctx, f ? f : own, &bo, box, b) != DSC_OK)
        dsc_log(ctx, DSC_LOG_WARN, "plot", "%s: drawn without borders: %s", name,
                dsc_ctx_message(ctx));
    dsc_plot_borders_close(own);
}

int dsc_plot_map_with_options(dsc_ctx_t *ctx, const char *path, const char *title,
                              const char *units, const dsc_grid_t *grid,
                              const double *values, int diverging,
                              const dsc_plot_map_options_t *options, int width, int height)
{
    const char *name = path ? path : "plot";
    dsc_plot_map_options_t none = {NULL, NAN, NAN, NULL, NULL, NULL};
    const dsc_plot_map_options_t *o = options ? options : &none;
    plot_canvas_t cv = {0};
    map_coords_t mc = {0};
    plot_map_view_t v;
    plot_borders_t borders = {0};
    colour_bar_t bar = {0};
    plot_axis_t scale, lon_axis, lat_axis;
    int rc = check_input(ctx, name, grid, values);
    if (rc)
        return rc;
    size_t n = grid->kind == DSC_GRID_POINTS ? grid->nlat : grid->nlat * grid->nlon;
    if (!colour_limits(values, n, diverging, &scale, &bar.nan_key))
        return dsc_error(ctx, DSC_ERR_RANGE, "%s: no finite value to map", name);
    if (grid->kind == DSC_GRID_POINTS)
        bar.nan_key = 0;

    memset(&v, 0, sizeof v);
    if ((rc = coords_build(ctx, grid, &mc)))
        return rc;
    extent_of(&mc, &v);
    rc = plot_proj_open(ctx, &v.proj, name, (v.lat0 + v.lat1) / 2, (v.lon0 + v.lon1) / 2);
    if (rc)
        goto fail;
    if (frame_extent(&v)) {
        rc = dsc_error(ctx, DSC_ERR_USAGE, "%s: the grid has no place in the projection",
                       name);
        goto fail;
    }
    frame_degrees(&v);
    load_borders(ctx, name, &v, o, &borders);
    if ((rc = plot_canvas_open(ctx, &cv, path, width, height)))
        goto fail;

    double top = plot_title(&cv, title);
    layout(&cv, &v, &bar, &scale, units, top);
    plot_graticule_axes(&cv, &v, &lon_axis, &lat_axis);
    if (mc.points)
        rc = draw_points(ctx, &cv, &v, &mc, values, &scale, diverging);
    else
        rc = draw_cells(ctx, &cv, &v, &mc, values, &scale, diverging);
    if (rc)
        goto fail;
    plot_graticule_draw(&cv, &v, &lon_axis, &lat_axis);
    plot_borders_draw(&cv, &v, &borders);
    frame_outline(&cv, &v);
    draw_colour_bar(&cv, &bar, &scale, diverging, units);
    draw_marker(&cv, &v, o->mark_label, o->mark_lat, o->mark_lon);
    rc = plot_canvas_close(ctx, &cv);

fail:
    plot_canvas_discard(&cv);
    plot_borders_free(&borders);
    plot_proj_close(&v.proj);
    coords_clear(&mc);
    return rc;
}

int dsc_plot_map_marked(dsc_ctx_t *ctx, const char *path, const char *title, const char *units,
                        const dsc_grid_t *grid, const double *values, int diverging,
                        const char *mark_label, double mark_lat, double mark_lon, int width,
                        int height)
{
    dsc_plot_map_options_t o = {mark_label, mark_lat, mark_lon, NULL, NULL, NULL};
    return dsc_plot_map_with_options(ctx, path, title, units, grid, values, diverging, &o,
                                     width, height);
}

int dsc_plot_map(dsc_ctx_t *ctx, const char *path, const char *title, const char *units,
                 const dsc_grid_t *grid, const double *values, int diverging, double mark_lat,
                 double mark_lon, int width, int height)
{
    return dsc_plot_map_marked(ctx, path, title, units, grid, values, diverging, NULL, mark_lat,
                               mark_lon, width, height);
}
