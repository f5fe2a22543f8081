/* map.c - maps of a field on a rectilinear grid (or at points): filled cells, a graticule
 * with degree labels, a colour bar with units and the city marked. The projection is plate
 * carree with longitudes shrunk by cos(mean latitude), which keeps shapes right over the
 * regional domains the project works on without needing PROJ. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot_internal.h"

#define NAN_FILL 0xE4E4E4
#define NAN_HATCH 0x8C8C8C
#define DEGREE "\xc2\xb0"

typedef struct {
    double lon0, lon1, lat0, lat1; /* extent, degrees; longitudes unwrapped */
    double x, y, w, h;             /* map rectangle, device units */
} map_view_t;

/* Coordinates ready to draw: unwrapped longitudes and cell edges halfway between centres. */
typedef struct {
    int points;        /* a point grid */
    size_t nlat, nlon; /* rectilinear sizes; points: nlat points, nlon 1 */
    double *lon;       /* nlon (points: nlat) unwrapped longitudes */
    const double *lat; /* borrowed */
    double *lat_edges; /* nlat + 1 (rectilinear) */
    double *lon_edges; /* nlon + 1 (rectilinear) */
} map_coords_t;

static double view_x(const map_view_t *v, double lon)
{
    return v->x + (lon - v->lon0) / (v->lon1 - v->lon0) * v->w;
}

static double view_y(const map_view_t *v, double lat)
{
    return v->y + (v->lat1 - lat) / (v->lat1 - v->lat0) * v->h;
}

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
     * eastward instead so the domain stays in one piece. */
    mc->lon[0] = grid->lon[0];
    for (size_t i = 1; i < nlon; i++) {
        double l = grid->lon[i];
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

static void extent_of(const map_coords_t *mc, map_view_t *v)
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
        v->lat0 = fmax(-90, v->lat0 - pad);
        v->lat1 = fmin(90, v->lat1 + pad);
        v->lon0 -= pad;
        v->lon1 += pad;
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

static void draw_cells(plot_canvas_t *cv, const map_view_t *v, const map_coords_t *mc,
                       const double *values, const plot_axis_t *scale, int diverging)
{
    cairo_t *cr = cv->cr;
    /* Neighbouring cells overlap by a hair: anti-aliased edges would otherwise let the
     * background show through as faint seams. */
    double o = 0.5;

    cairo_save(cr);
    cairo_rectangle(cr, v->x, v->y, v->w, v->h);
    cairo_clip(cr);
    for (size_t i = 0; i < mc->nlat; i++) {
        double ya = view_y(v, mc->lat_edges[i]), yb = view_y(v, mc->lat_edges[i + 1]);
        for (size_t j = 0; j < mc->nlon; j++) {
            double val = values[i * mc->nlon + j];
            if (!isfinite(val))
                continue;
            double xa = view_x(v, mc->lon_edges[j]), xb = view_x(v, mc->lon_edges[j + 1]);
            cairo_rectangle(cr, fmin(xa, xb) - o, fmin(ya, yb) - o, fabs(xb - xa) + 2 * o,
                            fabs(yb - ya) + 2 * o);
            set_value_colour(cr, scale, diverging, val);
            cairo_fill(cr);
        }
    }

    cairo_new_path(cr);
    int any = 0;
    for (size_t i = 0; i < mc->nlat; i++) {
        double ya = view_y(v, mc->lat_edges[i]), yb = view_y(v, mc->lat_edges[i + 1]);
        for (size_t j = 0; j < mc->nlon; j++) {
            if (isfinite(values[i * mc->nlon + j]))
                continue;
            double xa = view_x(v, mc->lon_edges[j]), xb = view_x(v, mc->lon_edges[j + 1]);
            cairo_rectangle(cr, fmin(xa, xb), fmin(ya, yb), fabs(xb - xa), fabs(yb - ya));
            any = 1;
        }
    }
    if (any) {
        cairo_clip(cr);
        hatch(cv, v->x, v->y, v->w, v->h);
    }
    cairo_restore(cr);
}

static void draw_points(plot_canvas_t *cv, const map_view_t *v, const map_coords_t *mc,
                        const double *values, const plot_axis_t *scale, int diverging)
{
    cairo_t *cr = cv->cr;
    double r = plot_px(cv, 7);

    cairo_save(cr);
    cairo_set_line_width(cr, plot_px(cv, 1));
    for (size_t i = 0; i < mc->nlat; i++) {
        cairo_new_path(cr);
        cairo_arc(cr, view_x(v, mc->lon[i]), view_y(v, mc->lat[i]), r, 0, 2 * M_PI);
        if (isfinite(values[i]))
            set_value_colour(cr, scale, diverging, values[i]);
        else
            plot_set_color(cr, NAN_FILL, 1);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
        cairo_stroke(cr);
    }
    cairo_restore(cr);
}

static void format_degrees(double v, int decimals, int is_lon, char *buf, size_t size)
{
    char num[32];

    if (is_lon) {
        /* Back from the unwrapped longitude to the one people write. */
        while (v > 180)
            v -= 360;
        while (v < -180)
            v += 360;
    }
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

static double widest_degrees(plot_canvas_t *cv, const plot_axis_t *a, int is_lon)
{
    plot_tick_t t[PLOT_MAX_TICKS];
    size_t n = plot_axis_ticks(a, t, PLOT_MAX_TICKS);
    double w = 0;
    char buf[48];

    for (size_t i = 0; i < n; i++) {
        format_degrees(t[i].value, a->decimals, is_lon, buf, sizeof buf);
        w = fmax(w, plot_text_width(cv, buf));
    }
    return w;
}

static void draw_graticule(plot_canvas_t *cv, const map_view_t *v, const plot_axis_t *lon_axis,
                           const plot_axis_t *lat_axis)
{
    cairo_t *cr = cv->cr;
    plot_tick_t t[PLOT_MAX_TICKS];
    double tick = plot_font(cv, PLOT_FONT_TICK, 0);
    double len = 0.4 * tick, gap = 0.5 * tick;
    char buf[48];

    cairo_save(cr);
    cairo_set_line_width(cr, plot_px(cv, 0.8));
    for (int k = 0; k < 2; k++) {
        const plot_axis_t *a = k == 0 ? lon_axis : lat_axis;
        size_t n = plot_axis_ticks(a, t, PLOT_MAX_TICKS);
        for (size_t i = 0; i < n; i++) {
            double p = k == 0 ? view_x(v, t[i].value) : view_y(v, t[i].value);
            cairo_set_source_rgba(cr, 0, 0, 0, 0.3);
            if (k == 0) {
                cairo_move_to(cr, p, v->y);
                cairo_line_to(cr, p, v->y + v->h);
            } else {
                cairo_move_to(cr, v->x, p);
                cairo_line_to(cr, v->x + v->w, p);
            }
            cairo_stroke(cr);
            cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
            if (k == 0) {
                cairo_move_to(cr, p, v->y + v->h);
                cairo_line_to(cr, p, v->y + v->h + len);
            } else {
                cairo_move_to(cr, v->x, p);
                cairo_line_to(cr, v->x - len, p);
            }
            cairo_stroke(cr);
            format_degrees(t[i].value, a->decimals, k == 0, buf, sizeof buf);
            if (k == 0)
                plot_text(cv, p, v->y + v->h + len + gap, buf, 0.5, 0, 0);
            else
                plot_text(cv, v->x - len - gap, p, buf, 1, 0.5, 0);
        }
    }
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_set_line_width(cr, plot_px(cv, 1));
    cairo_rectangle(cr, v->x, v->y, v->w, v->h);
    cairo_stroke(cr);
    cairo_restore(cr);
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
    double len = 0.4 * tick, gap = 0.5 * tick, widest = 0;
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
        widest = fmax(widest, plot_text_width(cv, buf));
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

/* Where to put the marker label: right of the dot, or left when it would leave the map. */
static void draw_marker(plot_canvas_t *cv, const map_view_t *v, const char *label, double lat,
                        double lon)
{
    cairo_t *cr = cv->cr;
    char text[128];

    if (!isfinite(lat) || !isfinite(lon))
        return;
    double mid = (v->lon0 + v->lon1) / 2;
    while (lon < mid - 180)
        lon += 360;
    while (lon >= mid + 180)
        lon -= 360;
    if (lon < v->lon0 || lon > v->lon1 || lat < v->lat0 || lat > v->lat1)
        return;

    double x = view_x(v, lon), y = view_y(v, lat);
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
        format_degrees(lat, 2, 0, a, sizeof a);
        format_degrees(lon, 2, 1, b, sizeof b);
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

/* Lays the map and the colour bar out side by side, centred, map aspect kept. */
static void layout(plot_canvas_t *cv, map_view_t *v, colour_bar_t *bar, const plot_axis_t *scale,
                   const char *units, double top, double lat_label_w)
{
    double margin = plot_px(cv, 12);
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

    double coslat = cos((v->lat0 + v->lat1) / 2 * M_PI / 180);
    coslat = fmax(coslat, 0.1);
    double k = fmin(avail_w / ((v->lon1 - v->lon0) * coslat), avail_h / (v->lat1 - v->lat0));
    k = fmax(k, 1e-6);
    v->w = k * (v->lon1 - v->lon0) * coslat;
    v->h = k * (v->lat1 - v->lat0);
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

int dsc_plot_map_marked(dsc_ctx_t *ctx, const char *path, const char *title, const char *units,
                        const dsc_grid_t *grid, const double *values, int diverging,
                        const char *mark_label, double mark_lat, double mark_lon, int width,
                        int height)
{
    const char *name = path ? path : "plot";
    plot_canvas_t cv = {0};
    map_coords_t mc = {0};
    map_view_t v;
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

    rc = coords_build(ctx, grid, &mc);
    if (rc)
        return rc;
    extent_of(&mc, &v);
    rc = plot_canvas_open(ctx, &cv, path, width, height);
    if (rc)
        goto fail;

    double top = plot_title(&cv, title);
    double tick = plot_font(&cv, PLOT_FONT_TICK, 0);
    plot_axis_set(&lat_axis, PLOT_AXIS_LINEAR, v.lat0, v.lat1, 6, 0);
    layout(&cv, &v, &bar, &scale, units, top, widest_degrees(&cv, &lat_axis, 0));

    /* Now the map's size is known, choose graticule steps whose labels do not crowd. */
    plot_font(&cv, PLOT_FONT_TICK, 0);
    double lon_label_w = plot_text_width(&cv, "000" DEGREE "W");
    int lon_target = (int)fmax(1, fmin(8, v.w / (lon_label_w + 2 * tick)));
    int lat_target = (int)fmax(1, fmin(6, v.h / (3 * tick)));
    plot_axis_set(&lon_axis, PLOT_AXIS_LINEAR, v.lon0, v.lon1, lon_target, 0);
    plot_axis_set(&lat_axis, PLOT_AXIS_LINEAR, v.lat0, v.lat1, lat_target, 0);

    if (mc.points)
        draw_points(&cv, &v, &mc, values, &scale, diverging);
    else
        draw_cells(&cv, &v, &mc, values, &scale, diverging);
    draw_graticule(&cv, &v, &lon_axis, &lat_axis);
    draw_colour_bar(&cv, &bar, &scale, diverging, units);
    draw_marker(&cv, &v, mark_label, mark_lat, mark_lon);
    rc = plot_canvas_close(ctx, &cv);

fail:
    plot_canvas_discard(&cv);
    coords_clear(&mc);
    return rc;
}

int dsc_plot_map(dsc_ctx_t *ctx, const char *path, const char *title, const char *units,
                 const dsc_grid_t *grid, const double *values, int diverging, double mark_lat,
                 double mark_lon, int width, int height)
{
    return dsc_plot_map_marked(ctx, path, title, units, grid, values, diverging, NULL, mark_lat,
                               mark_lon, width, height);
}
