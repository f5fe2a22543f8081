/* taylor.c - the Taylor diagram (Taylor 2001, JGR 106(D7)): standard deviation as the
 * radius and correlation as the angle, so that by the law of cosines the distance from the
 * reference point is the centred RMS difference. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot_internal.h"

#define CONTOUR_RGB 0x3F8F5F
#define GRID_GREY 0.8
#define LABEL_LEN 128

/* Correlations with a labelled tick, the customary set. */
static const double major_corr[] = {0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1};
static const double minor_corr[] = {0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75,
                                    0.85, 0.91, 0.92, 0.93, 0.94, 0.96, 0.97, 0.98};
#define NMAJOR (sizeof major_corr / sizeof major_corr[0])
#define NMINOR (sizeof minor_corr / sizeof minor_corr[0])

typedef struct {
    double r, corr; /* radius (sd, maybe normalised) and correlation; NaN = no marker */
} taylor_point_t;

typedef struct {
    int half;                         /* half circle: some correlation is negative */
    double ref;                       /* reference standard deviation, data units */
    plot_axis_t ra;                   /* radial axis, 0..rmax */
    double ox, oy;                    /* origin, device units */
    double k;                         /* device units per data unit */
    double tick, label, gap, ticklen; /* font sizes and spacings */
    double wcorr;                     /* widest correlation label */
    int legend_below;          /* legend in rows under the diagram, else in a column beside it */
    double legend_x, legend_y; /* top-left corner of the legend */
} taylor_geom_t;

static double rmax_of(const taylor_geom_t *g)
{
    return g->ra.hi;
}

/* Device position of a (radius, correlation) pair. */
static void to_device(const taylor_geom_t *g, double r, double corr, double *x, double *y)
{
    double theta = acos(corr);
    *x = g->ox + r * g->k * cos(theta);
    *y = g->oy - r * g->k * sin(theta);
}

static void sector_path(cairo_t *cr, const taylor_geom_t *g, double r)
{
    cairo_new_path(cr);
    cairo_move_to(cr, g->ox, g->oy);
    /* cairo angles turn clockwise on the page, so the upper half is [-pi, 0]. */
    cairo_arc(cr, g->ox, g->oy, r * g->k, g->half ? -M_PI : -M_PI / 2, 0);
    cairo_close_path(cr);
}

static void arc_path(cairo_t *cr, const taylor_geom_t *g, double r)
{
    cairo_new_sub_path(cr);
    cairo_arc(cr, g->ox, g->oy, r * g->k, g->half ? -M_PI : -M_PI / 2, 0);
}

static int check_input(dsc_ctx_t *ctx, const char *path, const dsc_taylor_t *stats, size_t n,
                       int normalised)
{
    const char *name = path ? path : "plot";

    if (!stats || n == 0)
        return dsc_error(ctx, DSC_ERR_USAGE, "%s: no Taylor statistics to draw", name);
    if (!normalised && !(stats[0].sd_ref > 0 && isfinite(stats[0].sd_ref)))
        return dsc_error(ctx, DSC_ERR_RANGE, "%s: reference standard deviation %g is not positive",
                         name, stats[0].sd_ref);
    return DSC_OK;
}

static taylor_point_t point_of(const dsc_taylor_t *s, int normalised)
{
    taylor_point_t p = {NAN, NAN};
    double r = s->sd;

    if (normalised)
        r = isfinite(s->sd_ratio) ? s->sd_ratio : s->sd / s->sd_ref;
    if (isfinite(r) && r >= 0 && isfinite(s->corr)) {
        p.r = r;
        p.corr = fmax(-1, fmin(1, s->corr));
    }
    return p;
}

/* Sizes and places the diagram and its legend: beside the diagram (one column, w1 x h1) or
 * under it (in rows, w2 x h2), whichever leaves the larger diagram. */
static void layout(plot_canvas_t *cv, taylor_geom_t *g, double x0, double y0, double x1, double y1,
                   const double legend_beside[2], const double legend_below[2])
{
    char buf[64];

    g->label = plot_font(cv, PLOT_FONT_LABEL, 0);
    g->tick = plot_font(cv, PLOT_FONT_TICK, 0);
    g->gap = 0.5 * g->tick;
    g->ticklen = 0.4 * g->tick;
    g->wcorr = plot_text_width(cv, g->half ? "\342\210\2220.99" : "0.99");
    plot_axis_format(&g->ra, rmax_of(g), buf, sizeof buf);
    double wrad = plot_text_width(cv, buf);

    double side = g->ticklen + g->gap + g->wcorr + 2 * g->gap;
    double top = g->ticklen + g->gap + g->tick + g->gap + (g->half ? 1.6 * g->label : 0);
    double bottom = g->ticklen + g->gap + g->tick + g->gap + 1.3 * g->label;
    double left = g->half ? side : wrad + g->ticklen + 2 * g->gap + 1.3 * g->label;
    double across = g->half ? 2 : 1;
    double w = x1 - x0, h = y1 - y0;

    double beside_w = left + side + 1.5 * g->label + legend_beside[0];
    double r_beside = fmin((w - beside_w) / across, h - top - bottom);
    double below_h = top + bottom + 0.8 * g->label + legend_below[1];
    double r_below = fmin((w - left - side) / across, h - below_h);
    g->legend_below = legend_below[0] > 0 && r_below > 1.05 * r_beside;

    double radius = fmax(10, g->legend_below ? r_below : r_beside);
    double used_w = (g->legend_below ? left + side : beside_w) + across * radius;
    double used_h = (g->legend_below ? below_h : top + bottom) + radius;
    double gx = x0 + fmax(0, (w - used_w) / 2);
    double gy = y0 + fmax(0, (h - used_h) / 2);
    g->k = radius / rmax_of(g);
    g->ox = gx + left + (g->half ? radius : 0);
    g->oy = gy + top + radius;
    if (g->legend_below) {
        double centre = g->half ? g->ox : g->ox + radius / 2;
        g->legend_x = fmax(x0, fmin(x1 - legend_below[0], centre - legend_below[0] / 2));
        g->legend_y = g->oy + bottom + 0.8 * g->label;
    } else {
        g->legend_x = g->ox + radius + side + 1.5 * g->label;
        g->legend_y = fmax(y0, g->oy - radius);
    }
}

static void draw_grid(plot_canvas_t *cv, const taylor_geom_t *g, const plot_axis_t *ca)
{
    cairo_t *cr = cv->cr;
    plot_tick_t ticks[PLOT_MAX_TICKS];
    size_t n = plot_axis_ticks(&g->ra, ticks, PLOT_MAX_TICKS);
    double dots[2] = {plot_px(cv, 1.5), plot_px(cv, 3)};

    cairo_save(cr);
    sector_path(cr, g, rmax_of(g));
    cairo_clip(cr);
    cairo_set_line_width(cr, plot_px(cv, 0.9));

    /* Arcs of equal standard deviation. */
    cairo_set_source_rgb(cr, GRID_GREY, GRID_GREY, GRID_GREY);
    cairo_set_dash(cr, dots, 2, 0);
    for (size_t i = 0; i < n; i++)
        if (ticks[i].value > 0 && ticks[i].value < rmax_of(g))
            arc_path(cr, g, ticks[i].value);
    cairo_stroke(cr);

    /* Spokes of equal correlation. */
    cairo_set_dash(cr, NULL, 0, 0);
    for (size_t i = 1; i + 1 < NMAJOR; i++) {
        for (int sign = 1; sign >= (g->half ? -1 : 1); sign -= 2) {
            double x, y;
            to_device(g, rmax_of(g), sign * major_corr[i], &x, &y);
            cairo_move_to(cr, g->ox, g->oy);
            cairo_line_to(cr, x, y);
        }
    }
    cairo_stroke(cr);

    /* Centred RMS difference: circles about the reference point. */
    double contour_dash[2] = {plot_px(cv, 6), plot_px(cv, 4)};
    plot_tick_t ct[PLOT_MAX_TICKS];
    size_t nc = plot_axis_ticks(ca, ct, PLOT_MAX_TICKS);
    plot_set_color(cr, CONTOUR_RGB, 0.75);
    cairo_set_dash(cr, contour_dash, 2, 0);
    cairo_set_line_width(cr, plot_px(cv, 1.1));
    for (size_t i = 0; i < nc; i++) {
        if (ct[i].value <= 0)
            continue;
        cairo_new_sub_path(cr);
        cairo_arc(cr, g->ox + g->ref * g->k, g->oy, ct[i].value * g->k, 0, 2 * M_PI);
    }
    cairo_stroke(cr);

    /* The arc through the reference: models on it have the observed variability. */
    cairo_set_source_rgba(cr, 0, 0, 0, 0.55);
    cairo_set_dash(cr, contour_dash, 2, 0);
    arc_path(cr, g, g->ref);
    cairo_stroke(cr);
    cairo_restore(cr);
}

static void draw_radial_axes(plot_canvas_t *cv, const taylor_geom_t *g, int normalised)
{
    cairo_t *cr = cv->cr;
    plot_tick_t ticks[PLOT_MAX_TICKS];
    size_t n = plot_axis_ticks(&g->ra, ticks, PLOT_MAX_TICKS);
    double R = rmax_of(g) * g->k;
    char buf[64];

    cairo_save(cr);
    cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
    cairo_set_line_width(cr, plot_px(cv, 1.2));
    arc_path(cr, g, rmax_of(g));
    cairo_move_to(cr, g->ox - (g->half ? R : 0), g->oy);
    cairo_line_to(cr, g->ox + R, g->oy);
    if (!g->half) {
        cairo_move_to(cr, g->ox, g->oy);
        cairo_line_to(cr, g->ox, g->oy - R);
    }
    cairo_stroke(cr);

    plot_font(cv, PLOT_FONT_TICK, 0);
    cairo_set_line_width(cr, plot_px(cv, 1.0));
    for (size_t i = 0; i < n; i++) {
        double v = ticks[i].value, d = v * g->k;
        plot_axis_format(&g->ra, v, buf, sizeof buf);
        for (int sign = 1; sign >= (g->half ? -1 : 1); sign -= 2) {
            if (sign < 0 && v == 0)
                break;
            cairo_move_to(cr, g->ox + sign * d, g->oy);
            cairo_line_to(cr, g->ox + sign * d, g->oy + g->ticklen);
            cairo_stroke(cr);
            plot_text(cv, g->ox + sign * d, g->oy + g->ticklen + g->gap, buf, 0.5, 0, 0);
        }
        /* The y axis of the quarter circle; 0 is already written under the origin. */
        if (!g->half && v > 0) {
            cairo_move_to(cr, g->ox, g->oy - d);
            cairo_line_to(cr, g->ox - g->ticklen, g->oy - d);
            cairo_stroke(cr);
            plot_text(cv, g->ox - g->ticklen - g->gap, g->oy - d, buf, 1, 0.5, 0);
        }
    }

    const char *title = normalised ? "Normalised standard deviation" : "Standard deviation";
    double ylab = g->oy + g->ticklen + g->gap + g->tick + g->gap;
    plot_font(cv, PLOT_FONT_LABEL, 0);
    plot_text(cv, g->half ? g->ox : g->ox + R / 2, ylab, title, 0.5, 0, 0);
    if (!g->half) {
        plot_font(cv, PLOT_FONT_TICK, 0);
        plot_axis_format(&g->ra, rmax_of(g), buf, sizeof buf);
        double w = plot_text_width(cv, buf);
        plot_font(cv, PLOT_FONT_LABEL, 0);
        plot_text(cv, g->ox - g->ticklen - 2 * g->gap - w, g->oy - R / 2, title, 0.5, 1, -M_PI / 2);
    }
    cairo_restore(cr);
}

static void corr_tick(plot_canvas_t *cv, const taylor_geom_t *g, double corr, double len,
                      const char *label)
{
    double R = rmax_of(g) * g->k, theta = acos(corr);
    double c = cos(theta), s = sin(theta);

    cairo_move_to(cv->cr, g->ox + R * c, g->oy - R * s);
    cairo_line_to(cv->cr, g->ox + (R + len) * c, g->oy - (R + len) * s);
    cairo_stroke(cv->cr);
    if (!label)
        return;
    /* Anchor each label on the side that faces the arc, so it sits just outside. */
    double d = R + g->ticklen + g->gap;
    plot_text(cv, g->ox + d * c, g->oy - d * s, label, (1 - c) / 2, (1 + s) / 2, 0);
}

static void draw_corr_axis(plot_canvas_t *cv, const taylor_geom_t *g)
{
    cairo_t *cr = cv->cr;
    char buf[32];
    double R = rmax_of(g) * g->k;

    cairo_save(cr);
    cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
    cairo_set_line_width(cr, plot_px(cv, 1.0));
    plot_font(cv, PLOT_FONT_TICK, 0);
    for (int sign = 1; sign >= (g->half ? -1 : 1); sign -= 2) {
        for (size_t i = 0; i < NMAJOR; i++) {
            double c = sign * major_corr[i];
            if (sign < 0 && c == 0)
                continue;
            int decimals =
                major_corr[i] == 0 || major_corr[i] == 1
                    ? 0
                    : (fabs(major_corr[i] * 10 - round(major_corr[i] * 10)) > 1e-9 ? 2 : 1);
            plot_format_number(c, decimals, buf, sizeof buf);
            corr_tick(cv, g, c, g->ticklen, buf);
        }
        for (size_t i = 0; i < NMINOR; i++)
            corr_tick(cv, g, sign * minor_corr[i], 0.6 * g->ticklen, NULL);
    }

    plot_font(cv, PLOT_FONT_LABEL, 0);
    if (g->half) {
        double y = g->oy - R - g->ticklen - g->gap - g->tick - 2 * g->gap;
        plot_text(cv, g->ox, y, "Correlation", 0.5, 1, 0);
    } else {
        /* Along the arc at 45 degrees, outside the tick labels there. */
        double d = R + g->ticklen + g->gap + 0.8 * (g->wcorr + g->tick);
        plot_text(cv, g->ox + d * M_SQRT1_2, g->oy - d * M_SQRT1_2, "Correlation", 0.5, 1,
                  M_PI / 4);
    }
    cairo_restore(cr);
}

/* True when a text box of w x h centred on (x, y) would touch a marker or the reference. */
static int hides_marker(const taylor_geom_t *g, const taylor_point_t *pts, size_t n, double x,
                        double y, double w, double h)
{
    double r = 0.5 * g->tick, mx, my;

    for (size_t i = 0; i <= n; i++) {
        if (i == n) {
            mx = g->ox + g->ref * g->k;
            my = g->oy;
        } else if (isfinite(pts[i].r)) {
            to_device(g, pts[i].r, pts[i].corr, &mx, &my);
        } else {
            continue;
        }
        if (fabs(mx - x) < w / 2 + 1.5 * r && fabs(my - y) < h / 2 + 1.5 * r)
            return 1;
    }
    return 0;
}

/* Writes each RMS contour's value where the contour is inside the diagram and no marker is,
 * upper left of the reference point first as that region is usually free. */
static void label_contours(plot_canvas_t *cv, const taylor_geom_t *g, const plot_axis_t *ca,
                           const taylor_point_t *pts, size_t npts)
{
    static const double angles[] = {135, 120, 150, 105, 165, 90, 60, 45, 30};
    plot_tick_t ct[PLOT_MAX_TICKS];
    size_t nc = plot_axis_ticks(ca, ct, PLOT_MAX_TICKS);
    double rmax = rmax_of(g);
    char buf[64];

    plot_font(cv, PLOT_FONT_SMALL, 0);
    for (size_t i = 0; i < nc; i++) {
        double rho = ct[i].value;
        if (rho <= 0)
            continue;
        for (size_t a = 0; a < sizeof angles / sizeof angles[0]; a++) {
            double phi = angles[a] * M_PI / 180;
            double px = g->ref + rho * cos(phi), py = rho * sin(phi);
            if (hypot(px, py) > 0.92 * rmax || py < 0.06 * rmax || (!g->half && px < 0.06 * rmax))
                continue;
            plot_axis_format(ca, rho, buf, sizeof buf);
            double x = g->ox + px * g->k, y = g->oy - py * g->k;
            if (hides_marker(g, pts, npts, x, y, plot_text_width(cv, buf), cv->font_size))
                continue;
            plot_text_halo(cv, x, y, buf, 0.5, 0.5, CONTOUR_RGB);
            break;
        }
    }
}

static int build_keys(dsc_ctx_t *ctx, const char *const *labels, const taylor_point_t *pts,
                      size_t n, plot_key_t **keys_out, char **text_out)
{
    plot_key_t *keys = dsc_calloc(ctx, n + 2, sizeof *keys, "legend entries");
    char *text = dsc_malloc(ctx, (n + 1) * LABEL_LEN, "legend labels");

    if (!keys || !text) {
        free(keys);
        free(text);
        return DSC_ERR_NOMEM;
    }
    keys[0] = (plot_key_t){"Reference", PLOT_KEY_MARKER, 0x000000, 1, 0, 0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        char *t = text + i * LABEL_LEN;
        const char *name = labels && labels[i] ? labels[i] : NULL;
        if (name)
            snprintf(t, LABEL_LEN, "%s%s", name, isfinite(pts[i].r) ? "" : " (no data)");
        else
            snprintf(t, LABEL_LEN, "Entry %zu%s", i + 1, isfinite(pts[i].r) ? "" : " (no data)");
        keys[i + 1] = (plot_key_t){
            t, PLOT_KEY_MARKER, dsc_plot_color(i + 1), 1, 0, (int)(i % PLOT_MARKER_SHAPES), 0, 0};
    }
    keys[n + 1] =
        (plot_key_t){"Centred RMS difference", PLOT_KEY_LINE, CONTOUR_RGB, 0.75, 0, 0, 1, 0};
    *keys_out = keys;
    *text_out = text;
    return DSC_OK;
}

int dsc_plot_taylor(dsc_ctx_t *ctx, const char *path, const char *title, const dsc_taylor_t *stats,
                    const char *const *labels, size_t n, int normalised, int width, int height)
{
    plot_canvas_t cv = {0};
    taylor_point_t *pts = NULL;
    plot_key_t *keys = NULL;
    char *text = NULL;
    taylor_geom_t g = {0};
    plot_axis_t ca;
    int rc = check_input(ctx, path, stats, n, normalised);
    if (rc)
        return rc;

    pts = dsc_malloc(ctx, n * sizeof *pts, "Taylor diagram points");
    if (!pts)
        return DSC_ERR_NOMEM;
    g.ref = normalised ? 1 : stats[0].sd_ref;
    double rmax = g.ref;
    for (size_t i = 0; i < n; i++) {
        pts[i] = point_of(&stats[i], normalised);
        if (isfinite(pts[i].r)) {
            rmax = fmax(rmax, pts[i].r);
            g.half |= pts[i].corr < 0;
        }
    }
    plot_axis_set(&g.ra, PLOT_AXIS_LINEAR, 0, 1.1 * rmax, 5, 1);
    plot_axis_set(&ca, PLOT_AXIS_LINEAR, 0, g.ra.hi, 9, 0);

    rc = plot_canvas_open(ctx, &cv, path, width, height);
    if (rc)
        goto fail;
    rc = build_keys(ctx, labels, pts, n, &keys, &text);
    if (rc)
        goto fail;

    double top = plot_title(&cv, title);
    double margin = plot_px(&cv, 12), beside[2], below[2];
    plot_legend_measure(&cv, keys, n + 2, 0, &beside[0], &beside[1]);
    plot_legend_measure(&cv, keys, n + 2, cv.width - 2 * margin, &below[0], &below[1]);
    layout(&cv, &g, margin, top, cv.width - margin, cv.height - margin, beside, below);

    draw_grid(&cv, &g, &ca);
    draw_radial_axes(&cv, &g, normalised);
    draw_corr_axis(&cv, &g);
    label_contours(&cv, &g, &ca, pts, n);
    double r = 0.5 * g.tick;
    plot_marker(&cv, g.ox + g.ref * g.k, g.oy, r, 0, 0x000000);
    for (size_t i = 0; i < n; i++) {
        double x, y;
        if (!isfinite(pts[i].r))
            continue;
        to_device(&g, pts[i].r, pts[i].corr, &x, &y);
        plot_marker(&cv, x, y, r, (int)(i % PLOT_MARKER_SHAPES), dsc_plot_color(i + 1));
    }

    plot_legend_draw(&cv, keys, n + 2, g.legend_x, g.legend_y,
                     g.legend_below ? cv.width - 2 * margin : 0, 0);
    rc = plot_canvas_close(ctx, &cv);

fail:
    plot_canvas_discard(&cv);
    free(keys);
    free(text);
    free(pts);
    return rc;
}
