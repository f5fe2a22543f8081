/* legend.c - legends: entries flowing in rows (one column when placed beside a figure, a
 * few rows when placed above it), and the search for a corner of the data area that no data
 * crosses, so that a legend inside a frame never hides anything. */
#include <math.h>
#include <string.h>

#include "plot_internal.h"

/* Legend geometry in units of the label font size. */
#define PAD 0.6
#define SWATCH_W 2.2
#define SWATCH_H 0.9
#define TEXT_GAP 0.5
#define ENTRY_GAP 1.5
#define ROW_H 1.5

static void draw_swatch(plot_canvas_t *cv, const plot_key_t *k, double x, double yc, double f)
{
    cairo_t *cr = cv->cr;
    double w = SWATCH_W * f, h = SWATCH_H * f;

    cairo_save(cr);
    switch (k->kind) {
    case PLOT_KEY_BAR:
        cairo_rectangle(cr, x + 0.2 * w, yc - h / 2, 0.6 * w, h);
        plot_set_color(cr, k->rgb, k->alpha);
        cairo_fill_preserve(cr);
        cairo_set_source_rgba(cr, 0.3, 0.3, 0.3, 0.8);
        cairo_set_line_width(cr, plot_px(cv, 0.8));
        cairo_stroke(cr);
        break;
    case PLOT_KEY_MARKER:
        plot_marker(cv, x + w / 2, yc, 0.38 * f, k->marker, k->rgb);
        break;
    default:
        if (k->band) {
            cairo_rectangle(cr, x, yc - h / 2, w, h);
            plot_set_color(cr, k->rgb, 0.2);
            cairo_fill(cr);
        }
        /* Faint lines are shown stronger than drawn, or the key would be invisible. */
        plot_set_color(cr, k->rgb, fmax(k->alpha, 0.6));
        cairo_set_line_width(cr, fmax(k->line_width, plot_px(cv, 2.0)));
        if (k->dashed) {
            double dash[2] = {0.45 * f, 0.3 * f};
            cairo_set_dash(cr, dash, 2, 0);
        }
        cairo_move_to(cr, x, yc);
        cairo_line_to(cr, x + w, yc);
        cairo_stroke(cr);
        break;
    }
    cairo_restore(cr);
}

/* Walks the entries in reading order; with draw set, draws them from (x, y). Returns the
 * number of rows and the widest row in *width. */
static int flow(plot_canvas_t *cv, const plot_key_t *keys, size_t n, double max_width, double x,
                double y, int draw, double *width)
{
    double f = plot_font(cv, PLOT_FONT_LABEL, 0);
    double pad = PAD * f, cx = 0, widest = 0;
    int row = 0, any = 0;

    for (size_t i = 0; i < n; i++) {
        if (!keys[i].label)
            continue;
        double kw = (SWATCH_W + TEXT_GAP) * f + plot_text_width(cv, keys[i].label);
        if (any && cx + kw > max_width - 2 * pad) {
            row++;
            cx = 0;
        }
        if (draw) {
            double ex = x + pad + cx, yc = y + pad + row * ROW_H * f + 0.5 * f;
            draw_swatch(cv, &keys[i], ex, yc, f);
            cairo_set_source_rgb(cv->cr, 0.1, 0.1, 0.1);
            plot_text(cv, ex + (SWATCH_W + TEXT_GAP) * f, yc, keys[i].label, 0, 0.5, 0);
        }
        widest = fmax(widest, cx + kw);
        cx += kw + ENTRY_GAP * f;
        any = 1;
    }
    *width = widest;
    return any ? row + 1 : 0;
}

void plot_legend_measure(plot_canvas_t *cv, const plot_key_t *keys, size_t n, double max_width,
                         double *w, double *h)
{
    double widest;
    int rows = flow(cv, keys, n, max_width, 0, 0, 0, &widest);
    double f = cv->font_size;

    if (rows == 0) {
        *w = *h = 0;
        return;
    }
    *w = widest + 2 * PAD * f;
    *h = 2 * PAD * f + (rows - 1) * ROW_H * f + f;
}

void plot_legend_draw(plot_canvas_t *cv, const plot_key_t *keys, size_t n, double x, double y,
                      double max_width, int boxed)
{
    double w, h, widest;
    cairo_t *cr = cv->cr;

    plot_legend_measure(cv, keys, n, max_width, &w, &h);
    if (w <= 0)
        return;
    cairo_save(cr);
    if (boxed) {
        cairo_rectangle(cr, x, y, w, h);
        cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 0.75, 0.75, 0.75);
        cairo_set_line_width(cr, plot_px(cv, 0.8));
        cairo_stroke(cr);
    }
    flow(cv, keys, n, max_width, x, y, 1, &widest);
    cairo_restore(cr);
}

void plot_mask_init(plot_mask_t *m, const plot_frame_t *f)
{
    memset(m, 0, sizeof *m);
    m->x = f->x;
    m->y = f->y;
    m->w = f->w;
    m->h = f->h;
}

/* Cell index range of a device interval along one side of the mask, clamped; returns 0 when
 * the interval misses the mask. */
static int cell_range(double a, double b, double origin, double size, int *i0, int *i1)
{
    if (!isfinite(a) || !isfinite(b) || size <= 0)
        return 0;
    if (a > b) {
        double t = a;
        a = b;
        b = t;
    }
    double u0 = (a - origin) / size * PLOT_MASK_N, u1 = (b - origin) / size * PLOT_MASK_N;
    if (u1 < 0 || u0 >= PLOT_MASK_N)
        return 0;
    *i0 = u0 < 0 ? 0 : (int)u0;
    *i1 = u1 >= PLOT_MASK_N ? PLOT_MASK_N - 1 : (int)u1;
    return 1;
}

void plot_mask_rect(plot_mask_t *m, double x0, double y0, double x1, double y1)
{
    int i0, i1, j0, j1;

    if (!cell_range(x0, x1, m->x, m->w, &i0, &i1) || !cell_range(y0, y1, m->y, m->h, &j0, &j1))
        return;
    for (int j = j0; j <= j1; j++)
        memset(&m->cell[j * PLOT_MASK_N + i0], 1, (size_t)(i1 - i0 + 1));
}

void plot_mask_segment(plot_mask_t *m, double x0, double y0, double x1, double y1)
{
    if (!isfinite(x0) || !isfinite(y0) || !isfinite(x1) || !isfinite(y1))
        return;
    /* Sample at half a cell so that no crossed cell is skipped. */
    double cw = m->w / PLOT_MASK_N, ch = m->h / PLOT_MASK_N;
    double steps = fmax(fabs(x1 - x0) / (0.5 * cw), fabs(y1 - y0) / (0.5 * ch));
    int k = (int)fmin(4 * PLOT_MASK_N, ceil(steps));
    for (int i = 0; i <= k; i++) {
        double t = k ? (double)i / k : 0;
        double x = x0 + t * (x1 - x0), y = y0 + t * (y1 - y0);
        plot_mask_rect(m, x, y, x, y);
    }
}

static int mask_count(const plot_mask_t *m, double x0, double y0, double x1, double y1)
{
    int i0, i1, j0, j1, count = 0;

    if (!cell_range(x0, x1, m->x, m->w, &i0, &i1) || !cell_range(y0, y1, m->y, m->h, &j0, &j1))
        return 0;
    for (int j = j0; j <= j1; j++)
        for (int i = i0; i <= i1; i++)
            count += m->cell[j * PLOT_MASK_N + i];
    return count;
}

int plot_legend_corner(const plot_mask_t *m, double w, double h, double pad, double *x, double *y)
{
    if (w + 2 * pad > m->w || h + 2 * pad > m->h || w <= 0)
        return -1;
    double left = m->x + pad, right = m->x + m->w - pad - w;
    double top = m->y + pad, bottom = m->y + m->h - pad - h;
    const double corners[4][2] = {{right, top}, {left, top}, {right, bottom}, {left, bottom}};

    for (int c = 0; c < 4; c++) {
        double cx = corners[c][0], cy = corners[c][1];
        if (mask_count(m, cx, cy, cx + w, cy + h) == 0) {
            *x = cx;
            *y = cy;
            return 0;
        }
    }
    return -1;
}

plot_box_t plot_chart_layout(plot_canvas_t *cv, const char *title, plot_frame_t *f,
                             const plot_axes_spec_t *spec, plot_mask_t *mask)
{
    double top = plot_title(cv, title), margin = plot_px(cv, 12);
    plot_box_t box = {margin, top, cv->width - margin, cv->height - margin};
    plot_frame_layout(cv, f, spec, box.x0, box.y0, box.x1, box.y1);
    plot_mask_init(mask, f);
    return box;
}

int plot_legend_place(plot_canvas_t *cv, plot_frame_t *f, const plot_axes_spec_t *spec,
                      const plot_key_t *keys, size_t n, const plot_mask_t *mask,
                      const plot_box_t *box, plot_legend_spot_t *spot)
{
    double w, h;

    spot->x = spot->y = spot->max_width = 0;
    spot->boxed = 1;
    plot_legend_measure(cv, keys, n, 0, &w, &h);
    if (w <= 0)
        return 1;
    if (plot_legend_corner(mask, w, h, plot_px(cv, 8), &spot->x, &spot->y) == 0)
        return 1;

    /* No free corner: the legend goes in rows above the frame, which shrinks to make room. */
    spot->boxed = 0;
    spot->max_width = f->w;
    plot_legend_measure(cv, keys, n, spot->max_width, &w, &h);
    plot_frame_layout(cv, f, spec, box->x0, box->y0 + h, box->x1, box->y1);
    spot->x = f->x + (f->w - w) / 2;
    spot->y = box->y0 - plot_px(cv, 4);
    return 0;
}
