/* histogram.c - distributions on shared bins: the observations as bars, every other series
 * as a line over them, all as probability densities so series of different lengths compare. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot_internal.h"

#define BAR_RGB 0xBBBBBB
#define LINE_WIDTH 2.2

static int check_input(dsc_ctx_t *ctx, const char *path, const dsc_bins_t *bins,
                       const size_t *const *counts, size_t nseries)
{
    const char *name = path ? path : "plot";

    if (!counts || nseries == 0)
        return dsc_error(ctx, DSC_ERR_USAGE, "%s: no histogram series to draw", name);
    if (!bins || bins->nbins == 0 || !(bins->width > 0) || !isfinite(bins->lo) ||
        !isfinite(bins->width))
        return dsc_error(ctx, DSC_ERR_USAGE, "%s: histogram bins are empty or invalid", name);
    for (size_t s = 0; s < nseries; s++)
        if (!counts[s])
            return dsc_error(ctx, DSC_ERR_USAGE, "%s: histogram series %zu has no counts", name, s);
    return DSC_OK;
}

/* density[s * nbins + b]; returns the largest value. */
static double to_density(const dsc_bins_t *bins, const size_t *const *counts, size_t nseries,
                         double *density)
{
    double top = 0;

    for (size_t s = 0; s < nseries; s++) {
        double total = 0;
        for (size_t b = 0; b < bins->nbins; b++)
            total += (double)counts[s][b];
        for (size_t b = 0; b < bins->nbins; b++) {
            double d = total > 0 ? counts[s][b] / (total * bins->width) : 0;
            density[s * bins->nbins + b] = d;
            top = fmax(top, d);
        }
    }
    return top;
}

/* "Probability density (per °C)" when xlabel ends in a unit in brackets. */
static void density_label(const char *xlabel, char *out, size_t size)
{
    const char *open = xlabel ? strrchr(xlabel, '(') : NULL;
    size_t len = xlabel ? strlen(xlabel) : 0;

    if (open && len > 0 && xlabel[len - 1] == ')' && xlabel + len - 1 > open + 1)
        snprintf(out, size, "Probability density (per %.*s)", (int)(xlabel + len - open - 2),
                 open + 1);
    else
        snprintf(out, size, "Probability density");
}

static double bin_left(const dsc_bins_t *bins, size_t b)
{
    return bins->lo + (double)b * bins->width;
}

/* Where bars and lines will be drawn, for the legend placement. */
static void mark_data(plot_mask_t *mask, const plot_frame_t *f, const dsc_bins_t *bins,
                      const double *density, size_t nseries)
{
    for (size_t b = 0; b < bins->nbins; b++)
        if (density[b] > 0)
            plot_mask_rect(mask, plot_frame_x(f, bin_left(bins, b)), plot_frame_y(f, density[b]),
                           plot_frame_x(f, bin_left(bins, b + 1)), plot_frame_y(f, 0));
    for (size_t s = 1; s < nseries; s++) {
        const double *d = density + s * bins->nbins;
        for (size_t b = 0; b + 1 < bins->nbins; b++)
            plot_mask_segment(mask, plot_frame_x(f, bin_left(bins, b) + 0.5 * bins->width),
                              plot_frame_y(f, d[b]),
                              plot_frame_x(f, bin_left(bins, b + 1) + 0.5 * bins->width),
                              plot_frame_y(f, d[b + 1]));
    }
}

static void draw_bars(plot_canvas_t *cv, const plot_frame_t *f, const dsc_bins_t *bins,
                      const double *d)
{
    cairo_t *cr = cv->cr;
    double y0 = plot_frame_y(f, 0);

    for (size_t b = 0; b < bins->nbins; b++) {
        double x0 = plot_frame_x(f, bin_left(bins, b));
        double x1 = plot_frame_x(f, bin_left(bins, b + 1));
        double y = plot_frame_y(f, d[b]);
        if (d[b] <= 0)
            continue;
        cairo_rectangle(cr, x0, y, x1 - x0, y0 - y);
    }
    plot_set_color(cr, BAR_RGB, 1);
    cairo_fill_preserve(cr);
    /* Thin white edges keep neighbouring bars apart without adding ink. */
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_set_line_width(cr, plot_px(cv, 0.6));
    cairo_stroke(cr);
}

static void draw_line(plot_canvas_t *cv, const plot_frame_t *f, const dsc_bins_t *bins,
                      const double *d, uint32_t rgb)
{
    cairo_t *cr = cv->cr;

    cairo_new_path(cr);
    for (size_t b = 0; b < bins->nbins; b++) {
        double x = plot_frame_x(f, bin_left(bins, b) + 0.5 * bins->width);
        double y = plot_frame_y(f, d[b]);
        if (b == 0)
            cairo_move_to(cr, x, y);
        else
            cairo_line_to(cr, x, y);
    }
    plot_set_color(cr, rgb, 1);
    cairo_set_line_width(cr, plot_px(cv, LINE_WIDTH));
    cairo_stroke(cr);
}

static int build_keys(dsc_ctx_t *ctx, plot_canvas_t *cv, const char *const *labels, size_t nseries,
                      plot_key_t **out)
{
    plot_key_t *keys = dsc_calloc(ctx, nseries, sizeof *keys, "legend entries");

    if (!keys)
        return DSC_ERR_NOMEM;
    for (size_t s = 0; s < nseries; s++) {
        keys[s].label = labels ? labels[s] : NULL;
        keys[s].kind = s == 0 ? PLOT_KEY_BAR : PLOT_KEY_LINE;
        keys[s].rgb = s == 0 ? BAR_RGB : dsc_plot_color(s);
        keys[s].alpha = 1;
        keys[s].line_width = plot_px(cv, LINE_WIDTH);
    }
    *out = keys;
    return DSC_OK;
}

int dsc_plot_histogram(dsc_ctx_t *ctx, const char *path, const char *title, const char *xlabel,
                       const dsc_bins_t *bins, const size_t *const *counts,
                       const char *const *labels, size_t nseries, int width, int height)
{
    plot_canvas_t cv = {0};
    plot_key_t *keys = NULL;
    plot_mask_t *mask = NULL;
    double *density = NULL;
    char ylabel[160];
    plot_frame_t f;
    int rc = check_input(ctx, path, bins, counts, nseries);
    if (rc)
        return rc;

    density = dsc_malloc(ctx, nseries * bins->nbins * sizeof *density, "histogram densities");
    mask = dsc_malloc(ctx, sizeof *mask, "legend placement mask");
    if (!density || !mask) {
        rc = DSC_ERR_NOMEM;
        goto fail;
    }
    double top_density = to_density(bins, counts, nseries, density);
    density_label(xlabel, ylabel, sizeof ylabel);
    plot_axes_spec_t spec = {PLOT_AXIS_LINEAR,
                             PLOT_AXIS_LINEAR,
                             bins->lo,
                             bin_left(bins, bins->nbins),
                             0,
                             top_density > 0 ? 1.05 * top_density : 1,
                             0,
                             1,
                             xlabel,
                             ylabel};

    rc = plot_canvas_open(ctx, &cv, path, width, height);
    if (rc)
        goto fail;
    rc = build_keys(ctx, &cv, labels, nseries, &keys);
    if (rc)
        goto fail;

    plot_legend_spot_t spot;
    plot_box_t box = plot_chart_layout(&cv, title, &f, &spec, mask);
    mark_data(mask, &f, bins, density, nseries);
    plot_legend_place(&cv, &f, &spec, keys, nseries, mask, &box, &spot);

    plot_frame_grid(&cv, &f);
    cairo_save(cv.cr);
    plot_frame_clip(&cv, &f);
    draw_bars(&cv, &f, bins, density);
    for (size_t s = 1; s < nseries; s++)
        draw_line(&cv, &f, bins, density + s * bins->nbins, dsc_plot_color(s));
    cairo_restore(cv.cr);
    plot_frame_axes(&cv, &f, &spec);
    plot_legend_draw(&cv, keys, nseries, spot.x, spot.y, spot.max_width, spot.boxed);
    rc = plot_canvas_close(ctx, &cv);

fail:
    plot_canvas_discard(&cv);
    free(keys);
    free(mask);
    free(density);
    return rc;
}
