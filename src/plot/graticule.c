/* graticule.c - meridians and parallels of a projected map, drawn as the curves they are
 * in the projection, with degree labels where they leave the frame. */
#include <math.h>
#include <stdio.h>

#include "plot_internal.h"

#define DEGREE "\xc2\xb0"

/* Points along one graticule line: smooth at any regional extent. */
#define LINE_SAMPLES 97

void plot_graticule_axes(plot_canvas_t *cv, const plot_map_view_t *v, plot_axis_t *lon_axis,
                         plot_axis_t *lat_axis)
{
    double tick = plot_font(cv, PLOT_FONT_TICK, 0);
    double lon_label_w = plot_text_width(cv, "000.5" DEGREE "W");
    /* Round steps jump (2 to 5 to 10), so aim at the most lines that would fit: a label
     * that would crowd its neighbour is left out when drawn anyway. */
    int lon_target = (int)fmax(1, fmin(10, v->w / (lon_label_w + 1.5 * tick)));
    int lat_target = (int)fmax(1, fmin(8, v->h / (2.5 * tick)));
    plot_axis_set(lon_axis, PLOT_AXIS_LINEAR, v->glon0, v->glon1, lon_target, 0);
    plot_axis_set(lat_axis, PLOT_AXIS_LINEAR, v->glat0, v->glat1, lat_target, 0);
}

/* One meridian (lon fixed) or parallel (lat fixed), in device coordinates. */
static void line_points(plot_map_view_t *v, int meridian, double value, double *x, double *y)
{
    for (int i = 0; i < LINE_SAMPLES; i++) {
        double t = (double)i / (LINE_SAMPLES - 1);
        x[i] = meridian ? value : v->glon0 + t * (v->glon1 - v->glon0);
        y[i] = meridian ? v->glat0 + t * (v->glat1 - v->glat0) : value;
    }
    plot_map_project(v, x, y, LINE_SAMPLES);
}

static void polyline(cairo_t *cr, const double *x, const double *y, size_t n)
{
    int down = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(x[i])) {
            down = 0;
            continue;
        }
        if (down)
            cairo_line_to(cr, x[i], y[i]);
        else
            cairo_move_to(cr, x[i], y[i]);
        down = 1;
    }
}

/* Where the line crosses the frame's bottom edge (meridians) or left edge (parallels):
 * the position along that edge, or NaN when it does not cross it inside the frame. */
static double edge_crossing(const plot_map_view_t *v, int meridian, const double *x,
                            const double *y)
{
    double c = meridian ? v->y + v->h : v->x;
    const double *a = meridian ? y : x, *b = meridian ? x : y;
    double lo = meridian ? v->x : v->y, hi = meridian ? v->x + v->w : v->y + v->h;
    for (int i = 1; i < LINE_SAMPLES; i++) {
        if (isnan(a[i - 1]) || isnan(a[i]) || a[i] == a[i - 1])
            continue;
        if ((a[i - 1] - c) * (a[i] - c) > 0)
            continue;
        double p = b[i - 1] + (c - a[i - 1]) / (a[i] - a[i - 1]) * (b[i] - b[i - 1]);
        if (p >= lo - 0.5 && p <= hi + 0.5)
            return p;
    }
    return NAN;
}

static void draw_lines(plot_canvas_t *cv, plot_map_view_t *v, const plot_axis_t *axis,
                       int meridian)
{
    cairo_t *cr = cv->cr;
    plot_tick_t t[PLOT_MAX_TICKS];
    double x[LINE_SAMPLES], y[LINE_SAMPLES];
    size_t n = plot_axis_ticks(axis, t, PLOT_MAX_TICKS);

    cairo_save(cr);
    cairo_rectangle(cr, v->x, v->y, v->w, v->h);
    cairo_clip(cr);
    cairo_new_path(cr);
    for (size_t i = 0; i < n; i++) {
        line_points(v, meridian, t[i].value, x, y);
        polyline(cr, x, y, LINE_SAMPLES);
    }
    cairo_set_source_rgba(cr, 0, 0, 0, 0.35);
    cairo_set_line_width(cr, plot_px(cv, 0.8));
    cairo_stroke(cr);
    cairo_restore(cr);
}

/* Tick marks and labels along one edge; a label that would touch the one before it is
 * left out, so crowded lines never give overlapping text. */
static void draw_labels(plot_canvas_t *cv, plot_map_view_t *v, const plot_axis_t *axis,
                        int meridian)
{
    cairo_t *cr = cv->cr;
    plot_tick_t t[PLOT_MAX_TICKS];
    double x[LINE_SAMPLES], y[LINE_SAMPLES];
    double tick = plot_font(cv, PLOT_FONT_TICK, 0);
    double len = 0.4 * tick, gap = 0.5 * tick, last = NAN;
    size_t n = plot_axis_ticks(axis, t, PLOT_MAX_TICKS);
    char buf[48];

    cairo_save(cr);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_set_line_width(cr, plot_px(cv, 0.8));
    for (size_t i = 0; i < n; i++) {
        line_points(v, meridian, t[i].value, x, y);
        double p = edge_crossing(v, meridian, x, y);
        if (isnan(p))
            continue;
        plot_format_degrees(t[i].value, axis->decimals, meridian, buf, sizeof buf);
        double w = plot_text_width(cv, buf);
        double half = meridian ? w / 2 : 0.6 * tick, lo = p - half, hi = p + half;
        if (!isnan(last) && (meridian ? lo < last + gap : hi > last - gap))
            continue;
        last = meridian ? hi : lo;
        if (meridian) {
            cairo_move_to(cr, p, v->y + v->h);
            cairo_line_to(cr, p, v->y + v->h + len);
            cairo_stroke(cr);
            plot_text(cv, p, v->y + v->h + len + gap, buf, 0.5, 0, 0);
        } else {
            cairo_move_to(cr, v->x, p);
            cairo_line_to(cr, v->x - len, p);
            cairo_stroke(cr);
            plot_text(cv, v->x - len - gap, p, buf, 1, 0.5, 0);
        }
    }
    cairo_restore(cr);
}

void plot_graticule_draw(plot_canvas_t *cv, plot_map_view_t *v, const plot_axis_t *lon_axis,
                         const plot_axis_t *lat_axis)
{
    draw_lines(cv, v, lon_axis, 1);
    draw_lines(cv, v, lat_axis, 0);
    draw_labels(cv, v, lon_axis, 1);
    draw_labels(cv, v, lat_axis, 0);
}
