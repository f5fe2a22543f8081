/* series.c - line charts: time series on a date axis (faint daily lines under bold ones,
 * optional shaded bands) and, through the same code, learning curves on a log axis. */
#include <math.h>
#include <stdlib.h>

#include "plot_internal.h"

/* Defaults for fields a caller left zero. */
#define DEFAULT_LINE_WIDTH 1.5
#define BAND_ALPHA 0.2

static int usable(double x, double y, int ylog)
{
    return isfinite(x) && isfinite(y) && (!ylog || y > 0);
}

static double line_alpha(const dsc_plot_line_t *l)
{
    return l->alpha > 0 && l->alpha <= 1 ? l->alpha : 1;
}

static double line_width(const plot_canvas_t *cv, const dsc_plot_line_t *l)
{
    return plot_px(cv, l->line_width > 0 ? l->line_width : DEFAULT_LINE_WIDTH);
}

static int check_lines(dsc_ctx_t *ctx, const char *path, const dsc_plot_line_t *lines,
                       size_t nlines)
{
    const char *name = path ? path : "plot";

    if (!lines || nlines == 0)
        return dsc_error(ctx, DSC_ERR_USAGE, "%s: no lines to draw", name);
    for (size_t i = 0; i < nlines; i++) {
        const dsc_plot_line_t *l = &lines[i];
        if (l->n > 0 && (!l->x || !l->y))
            return dsc_error(ctx, DSC_ERR_USAGE, "%s: line %zu has no x or y values", name, i);
        if ((l->band_lo == NULL) != (l->band_hi == NULL))
            return dsc_error(ctx, DSC_ERR_USAGE,
                             "%s: line %zu has only one edge of its band (give both or none)", name,
                             i);
    }
    return DSC_OK;
}

/* Range of every usable point, bands included; returns how many points were usable. */
static size_t data_range(const dsc_plot_line_t *lines, size_t nlines, int ylog, double r[4])
{
    size_t count = 0;

    r[0] = r[2] = INFINITY;
    r[1] = r[3] = -INFINITY;
    for (size_t i = 0; i < nlines; i++) {
        const dsc_plot_line_t *l = &lines[i];
        for (size_t j = 0; j < l->n; j++) {
            double ys[3] = {l->y[j], l->band_lo ? l->band_lo[j] : NAN,
                            l->band_hi ? l->band_hi[j] : NAN};
            for (int k = 0; k < 3; k++) {
                if (!usable(l->x[j], ys[k], ylog))
                    continue;
                r[0] = fmin(r[0], l->x[j]);
                r[1] = fmax(r[1], l->x[j]);
                r[2] = fmin(r[2], ys[k]);
                r[3] = fmax(r[3], ys[k]);
                count++;
            }
        }
    }
    /* With no value at all the period is still known: show it. */
    for (size_t i = 0; i < nlines && count == 0; i++) {
        for (size_t j = 0; j < lines[i].n; j++) {
            if (isfinite(lines[i].x[j])) {
                r[0] = fmin(r[0], lines[i].x[j]);
                r[1] = fmax(r[1], lines[i].x[j]);
            }
        }
    }
    return count;
}

/* The line as one path, broken wherever a point is missing. One path per line means a
 * faint line does not darken where its own segments overlap. */
static void line_path(cairo_t *cr, const plot_frame_t *f, const dsc_plot_line_t *l, int ylog)
{
    int down = 0;

    cairo_new_path(cr);
    for (size_t j = 0; j < l->n; j++) {
        if (!usable(l->x[j], l->y[j], ylog)) {
            down = 0;
            continue;
        }
        double x = plot_frame_x(f, l->x[j]), y = plot_frame_y(f, l->y[j]);
        if (down)
            cairo_line_to(cr, x, y);
        else
            cairo_move_to(cr, x, y);
        down = 1;
    }
}

static int band_ok(const dsc_plot_line_t *l, size_t j, int ylog)
{
    return usable(l->x[j], l->band_lo[j], ylog) && usable(l->x[j], l->band_hi[j], ylog);
}

/* The band as one polygon per unbroken run: along the upper edge, back along the lower. */
static void band_path(cairo_t *cr, const plot_frame_t *f, const dsc_plot_line_t *l, int ylog)
{
    cairo_new_path(cr);
    size_t j = 0;
    while (j < l->n) {
        if (!band_ok(l, j, ylog)) {
            j++;
            continue;
        }
        size_t end = j;
        while (end < l->n && band_ok(l, end, ylog))
            end++;
        for (size_t k = j; k < end; k++) {
            double x = plot_frame_x(f, l->x[k]), y = plot_frame_y(f, l->band_hi[k]);
            if (k == j)
                cairo_move_to(cr, x, y);
            else
                cairo_line_to(cr, x, y);
        }
        for (size_t k = end; k-- > j;)
            cairo_line_to(cr, plot_frame_x(f, l->x[k]), plot_frame_y(f, l->band_lo[k]));
        cairo_close_path(cr);
        j = end;
    }
}

static void mark_data(plot_mask_t *m, const plot_frame_t *f, const dsc_plot_line_t *lines,
                      size_t nlines, int ylog)
{
    for (size_t i = 0; i < nlines; i++) {
        const dsc_plot_line_t *l = &lines[i];
        double px = NAN, py = NAN;
        for (size_t j = 0; j < l->n; j++) {
            if (l->band_lo && band_ok(l, j, ylog)) {
                double x = plot_frame_x(f, l->x[j]);
                plot_mask_segment(m, x, plot_frame_y(f, l->band_lo[j]), x,
                                  plot_frame_y(f, l->band_hi[j]));
            }
            if (!usable(l->x[j], l->y[j], ylog)) {
                px = py = NAN;
                continue;
            }
            double x = plot_frame_x(f, l->x[j]), y = plot_frame_y(f, l->y[j]);
            if (isfinite(px))
                plot_mask_segment(m, px, py, x, y);
            else
                plot_mask_segment(m, x, y, x, y);
            px = x;
            py = y;
        }
    }
}

static void draw_data(plot_canvas_t *cv, const plot_frame_t *f, const dsc_plot_line_t *lines,
                      size_t nlines, int ylog)
{
    cairo_t *cr = cv->cr;

    cairo_save(cr);
    plot_frame_clip(cv, f);
    /* Every band first, so no band veils another series' line. */
    for (size_t i = 0; i < nlines; i++) {
        if (!lines[i].band_lo)
            continue;
        band_path(cr, f, &lines[i], ylog);
        plot_set_color(cr, lines[i].rgb, BAND_ALPHA);
        cairo_fill(cr);
    }
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    for (size_t i = 0; i < nlines; i++) {
        line_path(cr, f, &lines[i], ylog);
        plot_set_color(cr, lines[i].rgb, line_alpha(&lines[i]));
        cairo_set_line_width(cr, line_width(cv, &lines[i]));
        cairo_stroke(cr);
    }
    cairo_restore(cr);
}

static int build_keys(dsc_ctx_t *ctx, plot_canvas_t *cv, const dsc_plot_line_t *lines,
                      size_t nlines, plot_key_t **out)
{
    plot_key_t *keys = dsc_calloc(ctx, nlines, sizeof *keys, "legend entries");

    if (!keys)
        return DSC_ERR_NOMEM;
    for (size_t i = 0; i < nlines; i++) {
        keys[i].label = lines[i].label;
        keys[i].kind = PLOT_KEY_LINE;
        keys[i].rgb = lines[i].rgb;
        keys[i].alpha = line_alpha(&lines[i]);
        keys[i].line_width = line_width(cv, &lines[i]);
        keys[i].band = lines[i].band_lo != NULL;
    }
    *out = keys;
    return DSC_OK;
}

int plot_xy_draw(dsc_ctx_t *ctx, const char *path, const char *title, const char *xlabel,
                 const char *ylabel, const dsc_plot_line_t *lines, size_t nlines,
                 plot_axis_kind xkind, int ylog, int width, int height)
{
    plot_canvas_t cv = {0};
    plot_key_t *keys = NULL;
    plot_mask_t *mask = NULL;
    plot_frame_t f;
    double r[4];
    int rc = check_lines(ctx, path, lines, nlines);
    if (rc)
        return rc;

    size_t npoints = data_range(lines, nlines, ylog, r);
    /* A little air above and below, so extremes do not sit on the frame. */
    if (!ylog && npoints > 0) {
        double pad = 0.01 * (r[3] - r[2]);
        r[2] -= pad;
        r[3] += pad;
    }
    const char *xl = xlabel || xkind != PLOT_AXIS_YEARS ? xlabel : "Year";
    plot_axes_spec_t spec = {
        xkind, ylog ? PLOT_AXIS_LOG : PLOT_AXIS_LINEAR, r[0], r[1], r[2], r[3], 0, 1, xl, ylabel};

    rc = plot_canvas_open(ctx, &cv, path, width, height);
    if (rc)
        goto fail;
    rc = build_keys(ctx, &cv, lines, nlines, &keys);
    if (rc)
        goto fail;
    mask = dsc_malloc(ctx, sizeof *mask, "legend placement mask");
    if (!mask) {
        rc = DSC_ERR_NOMEM;
        goto fail;
    }

    plot_legend_spot_t spot;
    plot_box_t box = plot_chart_layout(&cv, title, &f, &spec, mask);
    mark_data(mask, &f, lines, nlines, ylog);
    plot_legend_place(&cv, &f, &spec, keys, nlines, mask, &box, &spot);
    /* A date axis ticked in months reads as dates, not years (same height either way). */
    if (xkind == PLOT_AXIS_YEARS && !xlabel)
        spec.xlabel = f.xa.months > 0 ? "Date" : "Year";

    plot_frame_grid(&cv, &f);
    draw_data(&cv, &f, lines, nlines, ylog);
    plot_frame_axes(&cv, &f, &spec);
    plot_legend_draw(&cv, keys, nlines, spot.x, spot.y, spot.max_width, spot.boxed);
    if (npoints == 0) {
        plot_font(&cv, PLOT_FONT_LABEL, 0);
        cairo_set_source_rgb(cv.cr, 0.4, 0.4, 0.4);
        plot_text(&cv, f.x + f.w / 2, f.y + f.h / 2, "no valid data", 0.5, 0.5, 0);
    }
    rc = plot_canvas_close(ctx, &cv);

fail:
    plot_canvas_discard(&cv);
    free(mask);
    free(keys);
    return rc;
}

int dsc_plot_series(dsc_ctx_t *ctx, const char *path, const char *title, const char *ylabel,
                    const dsc_plot_line_t *lines, size_t nlines, int width, int height)
{
    return plot_xy_draw(ctx, path, title, NULL, ylabel, lines, nlines, PLOT_AXIS_YEARS, 0, width,
                        height);
}
