/* canvas.c - the surface of one figure: the format follows the file extension, the figure
 * is drawn into "<path>.tmp.<pid>" and renamed onto path only once complete, so a reader
 * (or a crash) never sees half a figure. Also fonts, text and marker helpers. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <cairo-svg.h>

#include "plot_internal.h"

enum { FORMAT_PNG = 0, FORMAT_SVG = 1, FORMAT_PDF = 2 };

static const struct {
    const char *ext;
    int format;
} formats[] = {
    {".png", FORMAT_PNG},
    {".svg", FORMAT_SVG},
    {".pdf", FORMAT_PDF},
};

/* Sides beyond this would need gigabytes for a PNG; nobody puts that in a report. */
#define MAX_SIDE 20000
#define MIN_SIDE 64

/* Reference figure: 1200 x 700 device units. */
#define REF_AREA (1200.0 * 700.0)

/* Font sizes at the reference size: title, label, tick, small. */
static const double font_sizes[] = {19.0, 16.0, 14.0, 13.0};

/* DejaVu Sans metrics as fractions of the font size, for anchoring text on its capitals
 * rather than on the font's ascent (which leaves room for accents and looks off-centre). */
#define CAP_HEIGHT 0.73
#define DESCENT 0.24

static int format_of(const char *path)
{
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');

    if (!dot || (slash && dot < slash))
        return -1;
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (strcasecmp(dot, formats[i].ext) == 0)
            return formats[i].format;
    return -1;
}

static cairo_surface_t *surface_create(int format, const char *tmp, int width, int height)
{
    switch (format) {
    case FORMAT_SVG:
        return cairo_svg_surface_create(tmp, width, height);
    case FORMAT_PDF:
        return cairo_pdf_surface_create(tmp, width, height);
    default:
        /* RGB24: report figures sit on white, and an opaque PNG is smaller. */
        return cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
    }
}

static void canvas_setup(plot_canvas_t *cv)
{
    cairo_t *cr = cv->cr;
    cairo_font_options_t *fo = cairo_font_options_create();

    /* Unhinted metrics keep text widths proportional to the size, so a layout measured
     * at one size holds at another and in every format. */
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    cairo_set_font_options(cr, fo);
    cairo_font_options_destroy(fo);

    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);

    double s = sqrt(cv->width * cv->height / REF_AREA);
    cv->scale = s < 0.75 ? 0.75 : (s > 2.5 ? 2.5 : s);
    plot_font(cv, PLOT_FONT_LABEL, 0);
}

int plot_canvas_open(dsc_ctx_t *ctx, plot_canvas_t *cv, const char *path, int width, int height)
{
    memset(cv, 0, sizeof *cv);
    if (!path || !*path)
        return dsc_error(ctx, DSC_ERR_USAGE, "plot: no output file name");
    int format = format_of(path);
    if (format < 0)
        return dsc_error(ctx, DSC_ERR_USAGE,
                         "%s: unknown figure format (the name must end in .png, .svg or .pdf)",
                         path);
    if (width < MIN_SIDE || height < MIN_SIDE || width > MAX_SIDE || height > MAX_SIDE)
        return dsc_error(ctx, DSC_ERR_USAGE, "%s: figure size %d x %d is outside %d..%d", path,
                         width, height, MIN_SIDE, MAX_SIDE);

    size_t len = strlen(path) + 32;
    cv->tmp_path = dsc_malloc(ctx, len, "figure file name");
    if (!cv->tmp_path)
        return DSC_ERR_NOMEM;
    snprintf(cv->tmp_path, len, "%s.tmp.%ld", path, (long)getpid());
    cv->path = path;
    cv->format = format;
    cv->width = width;
    cv->height = height;

    cv->surface = surface_create(format, cv->tmp_path, width, height);
    cairo_status_t st = cairo_surface_status(cv->surface);
    if (st == CAIRO_STATUS_SUCCESS) {
        cv->cr = cairo_create(cv->surface);
        st = cairo_status(cv->cr);
    }
    if (st != CAIRO_STATUS_SUCCESS) {
        plot_canvas_discard(cv);
        return dsc_error(ctx, DSC_ERR_IO, "%s: cannot create the figure: %s", path,
                         cairo_status_to_string(st));
    }
    canvas_setup(cv);
    return DSC_OK;
}

int plot_canvas_close(dsc_ctx_t *ctx, plot_canvas_t *cv)
{
    int rc = DSC_OK;
    cairo_status_t st = cairo_status(cv->cr);

    /* cairo errors are sticky, so one check here covers every drawing call. */
    if (st == CAIRO_STATUS_SUCCESS) {
        cairo_destroy(cv->cr);
        cv->cr = NULL;
        if (cv->format == FORMAT_PNG) {
            st = cairo_surface_write_to_png(cv->surface, cv->tmp_path);
        } else {
            cairo_surface_finish(cv->surface);
            st = cairo_surface_status(cv->surface);
        }
    }
    if (st != CAIRO_STATUS_SUCCESS) {
        rc = dsc_error(ctx, DSC_ERR_IO, "%s: cannot draw or write the figure: %s", cv->path,
                       cairo_status_to_string(st));
        goto fail;
    }
    cairo_surface_destroy(cv->surface);
    cv->surface = NULL;

    if (rename(cv->tmp_path, cv->path) != 0) {
        const char *why = strerror(errno);
        rc = dsc_error(ctx, DSC_ERR_IO, "%s: cannot move the finished figure into place: %s",
                       cv->path, why);
        goto fail;
    }
    free(cv->tmp_path);
    cv->tmp_path = NULL;
    return DSC_OK;

fail:
    plot_canvas_discard(cv);
    return rc;
}

void plot_canvas_discard(plot_canvas_t *cv)
{
    if (!cv)
        return;
    if (cv->cr)
        cairo_destroy(cv->cr);
    if (cv->surface)
        cairo_surface_destroy(cv->surface);
    /* Destroying an SVG or PDF surface flushes it to the temporary file, so remove the
     * file only after that. */
    if (cv->tmp_path) {
        unlink(cv->tmp_path);
        free(cv->tmp_path);
    }
    cv->cr = NULL;
    cv->surface = NULL;
    cv->tmp_path = NULL;
}

double plot_px(const plot_canvas_t *cv, double reference_units)
{
    return reference_units * cv->scale;
}

double plot_font(plot_canvas_t *cv, plot_font_role role, int bold)
{
    double size = font_sizes[role] * cv->scale;

    cairo_select_font_face(cv->cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cv->cr, size);
    cv->font_size = size;
    return size;
}

double plot_text_width(plot_canvas_t *cv, const char *text)
{
    cairo_text_extents_t te;

    if (!text || !*text)
        return 0;
    cairo_text_extents(cv->cr, text, &te);
    return te.x_advance;
}

/* Offset from the anchor to the baseline for a vertical anchor ay (see plot_text). */
static double baseline_offset(const plot_canvas_t *cv, double ay)
{
    double cap = CAP_HEIGHT * cv->font_size;
    double desc = DESCENT * cv->font_size;

    if (ay <= 0.5)
        return cap * (1 - ay);
    return cap / 2 - (ay - 0.5) * 2 * (cap / 2 + desc);
}

static void text_path_at(plot_canvas_t *cv, double x, double y, const char *text, double ax,
                         double ay, double angle)
{
    cairo_t *cr = cv->cr;
    double w = plot_text_width(cv, text);

    cairo_translate(cr, x, y);
    cairo_rotate(cr, angle);
    cairo_move_to(cr, -ax * w, baseline_offset(cv, ay));
}

void plot_text(plot_canvas_t *cv, double x, double y, const char *text, double ax, double ay,
               double angle)
{
    if (!text || !*text)
        return;
    cairo_save(cv->cr);
    text_path_at(cv, x, y, text, ax, ay, angle);
    cairo_show_text(cv->cr, text);
    cairo_restore(cv->cr);
}

void plot_text_halo(plot_canvas_t *cv, double x, double y, const char *text, double ax, double ay,
                    uint32_t rgb)
{
    cairo_t *cr = cv->cr;

    if (!text || !*text)
        return;
    cairo_save(cr);
    text_path_at(cv, x, y, text, ax, ay, 0);
    cairo_text_path(cr, text);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.9);
    cairo_set_line_width(cr, 0.3 * cv->font_size);
    cairo_stroke_preserve(cr);
    plot_set_color(cr, rgb, 1);
    cairo_fill(cr);
    cairo_restore(cr);
}

double plot_title(plot_canvas_t *cv, const char *title)
{
    double size = font_sizes[PLOT_FONT_TITLE] * cv->scale;

    if (!title || !*title)
        return 0.8 * size;
    plot_font(cv, PLOT_FONT_TITLE, 1);
    /* A long title is set smaller until it fits the width (down to 60%), never clipped
     * at the edges of a figure that goes straight into a report. */
    double room = 0.96 * cv->width, w = plot_text_width(cv, title);
    if (w > room) {
        double shrink = room / w < 0.6 ? 0.6 : room / w;
        cairo_set_font_size(cv->cr, size * shrink);
        cv->font_size = size * shrink;
    }
    cairo_set_source_rgb(cv->cr, 0.1, 0.1, 0.1);
    plot_text(cv, cv->width / 2, 0.8 * size, title, 0.5, 0, 0);
    return 0.8 * size + size + 0.5 * size;
}

void plot_set_color(cairo_t *cr, uint32_t rgb, double alpha)
{
    cairo_set_source_rgba(cr, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0,
                          (rgb & 0xff) / 255.0, alpha);
}

/* A regular polygon of k corners, the first at angle a0 (radians, counter-clockwise from
 * east on the page). */
static void polygon(cairo_t *cr, double x, double y, double r, int k, double a0)
{
    for (int i = 0; i < k; i++) {
        double a = a0 + 2 * M_PI * i / k;
        double px = x + r * cos(a), py = y - r * sin(a);
        if (i == 0)
            cairo_move_to(cr, px, py);
        else
            cairo_line_to(cr, px, py);
    }
    cairo_close_path(cr);
}

void plot_marker(plot_canvas_t *cv, double x, double y, double r, int shape, uint32_t rgb)
{
    cairo_t *cr = cv->cr;

    cairo_new_path(cr);
    /* Sizes are matched by eye so that every shape carries about the same ink. */
    switch (shape % PLOT_MARKER_SHAPES) {
    case 0:
        cairo_arc(cr, x, y, r, 0, 2 * M_PI);
        break;
    case 1:
        cairo_rectangle(cr, x - 0.88 * r, y - 0.88 * r, 1.76 * r, 1.76 * r);
        break;
    case 2:
        polygon(cr, x, y + 0.2 * r, 1.3 * r, 3, M_PI / 2);
        break;
    case 3:
        polygon(cr, x, y, 1.2 * r, 4, 0);
        break;
    case 4:
        polygon(cr, x, y - 0.2 * r, 1.3 * r, 3, -M_PI / 2);
        break;
    default:
        polygon(cr, x, y, 1.1 * r, 6, 0);
        break;
    }
    plot_set_color(cr, rgb, 1);
    cairo_fill_preserve(cr);
    cairo_set_source_rgba(cr, 0.1, 0.1, 0.1, 0.9);
    cairo_set_line_width(cr, plot_px(cv, 1.0));
    cairo_stroke(cr);
}

/* Unit spellings CF and our files use for temperature, shown as the degree sign. */
static const char *const celsius_names[] = {"degC",     "deg_C",          "degrees_C",
                                            "degree_C", "degree_Celsius", "degrees_Celsius",
                                            "celsius",  "Celsius"};

void plot_format_units(const char *units, char *out, size_t size)
{
    if (size == 0)
        return;
    out[0] = '\0';
    if (!units)
        return;
    for (size_t i = 0; i < sizeof celsius_names / sizeof celsius_names[0]; i++) {
        if (strcmp(units, celsius_names[i]) == 0) {
            snprintf(out, size, "\302\260C");
            return;
        }
    }
    snprintf(out, size, "%s", units);
}
