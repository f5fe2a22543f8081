/* plot_internal.h - pieces shared by the figures of the plot module: the canvas (surface,
 * fonts, atomic write), axes and plot frames, legends, and colour scales. Not public.
 *
 * Device units are pixels for PNG and points for SVG and PDF (one unit either way). Every
 * size below (fonts, gaps, line widths) is given at the 1200 x 700 reference figure and
 * multiplied by the canvas scale, so a figure looks alike at any size.
 */
#ifndef DSC_PLOT_INTERNAL_H
#define DSC_PLOT_INTERNAL_H

#include <cairo.h>

#include "dsc/plot.h"

/* ---- canvas.c ------------------------------------------------------------------------ */

/* Font roles, from largest to smallest. */
typedef enum {
    PLOT_FONT_TITLE = 0,
    PLOT_FONT_LABEL = 1, /* axis titles, legend */
    PLOT_FONT_TICK = 2,  /* tick labels */
    PLOT_FONT_SMALL = 3  /* annotations inside the data area */
} plot_font_role;

typedef struct {
    cairo_surface_t *surface;
    cairo_t *cr;
    const char *path; /* final file name, borrowed from the caller */
    char *tmp_path;   /* "<path>.tmp.<pid>", owned; the surface is written here first */
    int format;       /* one of the formats in canvas.c */
    double width;     /* device units */
    double height;
    double scale;     /* size factor relative to the 1200 x 700 reference */
    double font_size; /* size of the font selected last, device units */
} plot_canvas_t;

/* Checks the extension (.png/.svg/.pdf, DSC_ERR_USAGE naming the path otherwise) and the
 * size, creates the surface (DSC_ERR_IO naming the path when cairo cannot) and paints it
 * white. On failure *cv holds nothing that needs freeing. */
int plot_canvas_open(dsc_ctx_t *ctx, plot_canvas_t *cv, const char *path, int width, int height);
/* Finishes the drawing, writes the temporary file and renames it onto path. The canvas is
 * released whatever the outcome; a failure is DSC_ERR_IO naming the path and leaves no
 * temporary file behind. */
int plot_canvas_close(dsc_ctx_t *ctx, plot_canvas_t *cv);
/* Releases a canvas that will not be written and removes its temporary file. Safe on a
 * zeroed, closed or already discarded canvas. */
void plot_canvas_discard(plot_canvas_t *cv);

/* A length at the reference size, in device units of this canvas. */
double plot_px(const plot_canvas_t *cv, double reference_units);
/* Selects the font of a role; returns its size in device units. */
double plot_font(plot_canvas_t *cv, plot_font_role role, int bold);
/* Advance width of text in the current font. */
double plot_text_width(plot_canvas_t *cv, const char *text);
/* Draws text in the current font and colour. (ax, ay) is the anchor inside the text box:
 * ax 0 left, 0.5 centre, 1 right; ay 0 top of the capitals, 0.5 their middle, 1 bottom of
 * the descenders. angle (radians, clockwise on the page) turns the text about the anchor. */
void plot_text(plot_canvas_t *cv, double x, double y, const char *text, double ax, double ay,
               double angle);
/* As plot_text, in colour rgb with a white outline so it stays readable over data. */
void plot_text_halo(plot_canvas_t *cv, double x, double y, const char *text, double ax, double ay,
                    uint32_t rgb);
/* Draws the figure title centred at the top; returns the y below it. NULL or "" draws
 * nothing and returns a small top margin. */
double plot_title(plot_canvas_t *cv, const char *title);
/* Sets the source colour from 0xRRGGBB and an opacity 0..1. */
void plot_set_color(cairo_t *cr, uint32_t rgb, double alpha);
/* Number of marker shapes plot_marker knows; shape indices wrap. */
#define PLOT_MARKER_SHAPES 6
/* A filled marker of radius r (device units) centred on (x, y) with a dark outline. */
void plot_marker(plot_canvas_t *cv, double x, double y, double r, int shape, uint32_t rgb);
/* A string with typographic signs: leading '-' becomes U+2212 and "degC" style units
 * become the degree sign. out has size bytes. */
void plot_format_units(const char *units, char *out, size_t size);

/* ---- axis.c -------------------------------------------------------------------------- */

typedef enum {
    PLOT_AXIS_LINEAR = 0,
    PLOT_AXIS_YEARS = 1, /* decimal years, labelled by year (or by month on short spans) */
    PLOT_AXIS_LOG = 2    /* base 10; values <= 0 have no position */
} plot_axis_kind;

typedef struct {
    plot_axis_kind kind;
    double lo, hi; /* drawn range, data units */
    double step;   /* linear: tick spacing; years: spacing in years */
    int months;    /* years axis on a short span: spacing in months (0 = whole years) */
    int decimals;  /* linear: decimals of tick labels */
} plot_axis_t;

typedef struct {
    double value;
    int major; /* major ticks carry a label and a grid line */
} plot_tick_t;

#define PLOT_MAX_TICKS 128

/* The round step (1, 2 or 5 times a power of ten, or 2.5 times one from 25 up) that cuts
 * span into at most target intervals. */
double plot_nice_step(double span, int target);
/* Sets an axis over [lo, hi] with about target intervals. expand rounds the ends outward
 * to whole ticks (linear, log). A degenerate or non-finite range is widened sensibly. */
void plot_axis_set(plot_axis_t *a, plot_axis_kind kind, double lo, double hi, int target,
                   int expand);
/* Ticks inside [lo, hi], at most max; returns how many. */
size_t plot_axis_ticks(const plot_axis_t *a, plot_tick_t *ticks, size_t max);
/* Label of a tick. */
void plot_axis_format(const plot_axis_t *a, double value, char *buf, size_t size);
/* value with a fixed number of decimals, a true minus sign and no "-0". */
void plot_format_number(double value, int decimals, char *buf, size_t size);
/* Position of value along the axis, 0 at lo and 1 at hi (NaN when it has none). */
double plot_axis_fraction(const plot_axis_t *a, double value);

/* A rectangular data area with an x and a y axis. */
typedef struct {
    double x, y, w, h; /* data rectangle, device units, y downward */
    plot_axis_t xa, ya;
} plot_frame_t;

typedef struct {
    plot_axis_kind xkind, ykind;
    double xmin, xmax, ymin, ymax; /* data range to show */
    int xexpand, yexpand;          /* round the ends outward to whole ticks */
    const char *xlabel, *ylabel;   /* axis titles with units; NULL = none */
} plot_axes_spec_t;

/* Lays out a frame inside the box (x0, y0)-(x1, y1): margins for tick labels and axis
 * titles, tick steps chosen so that labels do not touch. */
void plot_frame_layout(plot_canvas_t *cv, plot_frame_t *f, const plot_axes_spec_t *spec, double x0,
                       double y0, double x1, double y1);
/* Device coordinates of data values. */
double plot_frame_x(const plot_frame_t *f, double v);
double plot_frame_y(const plot_frame_t *f, double v);
/* Light grid lines at the ticks (drawn before the data). */
void plot_frame_grid(plot_canvas_t *cv, const plot_frame_t *f);
/* Box, tick marks, tick labels and axis titles (drawn after the data). */
void plot_frame_axes(plot_canvas_t *cv, const plot_frame_t *f, const plot_axes_spec_t *spec);
/* Restricts drawing to the data rectangle (undo with cairo_reset_clip). */
void plot_frame_clip(plot_canvas_t *cv, const plot_frame_t *f);

/* ---- legend.c ------------------------------------------------------------------------ */

typedef enum {
    PLOT_KEY_LINE = 0,  /* a line, with an optional shaded band behind it */
    PLOT_KEY_BAR = 1,   /* a filled box */
    PLOT_KEY_MARKER = 2 /* a marker shape */
} plot_key_kind;

typedef struct {
    const char *label; /* NULL = not shown */
    plot_key_kind kind;
    uint32_t rgb;
    double alpha;      /* opacity of the drawn element */
    double line_width; /* device units (LINE) */
    int marker;        /* shape (MARKER) */
    int dashed;        /* LINE drawn dashed */
    int band;          /* LINE with a shaded band */
} plot_key_t;

/* Size of a legend whose entries flow in rows no wider than max_width (0 = one entry per
 * row). */
void plot_legend_measure(plot_canvas_t *cv, const plot_key_t *keys, size_t n, double max_width,
                         double *w, double *h);
/* Draws it with its top-left corner at (x, y); boxed adds a white, mostly opaque box. */
void plot_legend_draw(plot_canvas_t *cv, const plot_key_t *keys, size_t n, double x, double y,
                      double max_width, int boxed);

/* A coarse record of where data was drawn in a frame, to find a free corner for a legend. */
#define PLOT_MASK_N 64
typedef struct {
    double x, y, w, h;
    unsigned char cell[PLOT_MASK_N * PLOT_MASK_N];
} plot_mask_t;

void plot_mask_init(plot_mask_t *m, const plot_frame_t *f);
void plot_mask_segment(plot_mask_t *m, double x0, double y0, double x1, double y1);
void plot_mask_rect(plot_mask_t *m, double x0, double y0, double x1, double y1);
/* Finds a corner of the frame (upper right, upper left, lower right, lower left) where a
 * w x h box, pad away from the edges, covers no data. Returns 0 and its top-left corner,
 * or -1 when every corner is taken. */
int plot_legend_corner(const plot_mask_t *m, double w, double h, double pad, double *x, double *y);

/* Where a legend goes and how it is drawn (arguments of plot_legend_draw). */
typedef struct {
    double x, y;      /* top-left corner */
    double max_width; /* row width, 0 = one entry per row */
    int boxed;        /* inside the frame, on a box */
} plot_legend_spot_t;

/* The box (x0, y0)-(x1, y1) a chart's frame is laid out in, device units. */
typedef struct {
    double x0, y0, x1, y1;
} plot_box_t;

/* Starts a chart with a legend: draws the title, lays out f for spec in the box below it
 * (a margin of 12 units from the canvas edges), which it returns, and starts mask empty
 * over the frame, for the caller to mark its data before plot_legend_place. */
plot_box_t plot_chart_layout(plot_canvas_t *cv, const char *title, plot_frame_t *f,
                             const plot_axes_spec_t *spec, plot_mask_t *mask);

/* Places a legend for a frame laid out in box, with mask recording the data drawn in it:
 * in a free corner (returns 1), or else in rows above the frame, which is laid out again
 * lower down (returns 0). */
int plot_legend_place(plot_canvas_t *cv, plot_frame_t *f, const plot_axes_spec_t *spec,
                      const plot_key_t *keys, size_t n, const plot_mask_t *mask,
                      const plot_box_t *box, plot_legend_spot_t *spot);

/* ---- palette.c ----------------------------------------------------------------------- */

/* Colour of t in [0, 1] (clamped) on the sequential (viridis-like) or the diverging
 * (blue-white-red) scale, components 0..1. */
void plot_scale_rgb(int diverging, double t, double rgb[3]);
/* A linear gradient carrying the same scale from (x0, y0) at t = 0 to (x1, y1) at t = 1.
 * The caller destroys it. */
cairo_pattern_t *plot_scale_gradient(int diverging, double x0, double y0, double x1, double y1);

/* ---- projection.c -------------------------------------------------------------------- */

/* A Lambert azimuthal equal-area projection centred on (lat0, lon0), through PROJ.
 * Projected coordinates are metres, x east and y north of the centre. */
typedef struct {
    void *ctx; /* PJ_CONTEXT, owned */
    void *pj;  /* PJ, owned */
    double lat0, lon0;
} plot_proj_t;

/* Sets up the projection; name (the figure's path) is for messages. A failure is
 * DSC_ERR_INTERNAL with PROJ's reason, and leaves nothing to close. */
int plot_proj_open(dsc_ctx_t *ctx, plot_proj_t *pr, const char *name, double lat0,
                   double lon0);
void plot_proj_close(plot_proj_t *pr);
/* Longitudes x and latitudes y (degrees, n each) to metres, in place. A point that cannot
 * be projected (NaN, |latitude| > 90, the antipode) becomes NaN in both. */
void plot_proj_forward(plot_proj_t *pr, double *x, double *y, size_t n);
/* Metres back to longitude and latitude (degrees), in place; failures become NaN. */
void plot_proj_inverse(plot_proj_t *pr, double *x, double *y, size_t n);

/* ---- map.c (shared with graticule.c and borders.c) ------------------------------------ */

/* Where a map sits: the data's extent, the frame around it in projected metres and in
 * degrees, and the frame's rectangle on the canvas. */
typedef struct {
    double lon0, lon1, lat0, lat1;     /* the data's extent, degrees; longitudes unwrapped */
    double glon0, glon1, glat0, glat1; /* the frame's extent, degrees; longitudes unwrapped */
    double bx0, bx1, by0, by1;         /* the frame, projected metres */
    double x, y, w, h;                 /* the frame on the canvas, device units, y down */
    double k;                          /* device units per projected metre */
    plot_proj_t proj;
} plot_map_view_t;

/* Longitudes x and latitudes y (degrees, n each) to device coordinates, in place; points
 * that cannot be projected become NaN. */
void plot_map_project(plot_map_view_t *v, double *x, double *y, size_t n);
/* "46°N", "120.5°E", longitudes written in -180..180. */
void plot_format_degrees(double v, int decimals, int is_lon, char *buf, size_t size);

/* ---- graticule.c --------------------------------------------------------------------- */

/* Meridians at lon_axis's ticks and parallels at lat_axis's, curved as projected and
 * clipped to the frame, labelled where they leave it at the bottom and on the left
 * (labels that would touch a neighbour are left out). */
void plot_graticule_draw(plot_canvas_t *cv, plot_map_view_t *v, const plot_axis_t *lon_axis,
                         const plot_axis_t *lat_axis);
/* The graticule's steps: about as many lines as fit labels without crowding. */
void plot_graticule_axes(plot_canvas_t *cv, const plot_map_view_t *v, plot_axis_t *lon_axis,
                         plot_axis_t *lat_axis);

/* ---- borders.c ----------------------------------------------------------------------- */

typedef enum {
    PLOT_BORDER_COUNTRY = 0,  /* a country's outline: coast and land borders */
    PLOT_BORDER_PROVINCE = 1, /* a province or state of one of the largest countries */
    PLOT_BORDER_HIGHLIGHT = 2 /* asked for, or the province holding the marked city */
} plot_border_level;

/* One closed polygon, longitudes shifted by whole turns to the map's side. */
typedef struct {
    double *lon, *lat; /* n vertices each, degrees, owned */
    size_t n;
    int level;         /* plot_border_level */
} plot_ring_t;

typedef struct {
    plot_ring_t *rings; /* owned */
    size_t n, cap;
} plot_borders_t;

typedef struct {
    const char *highlight; /* comma-separated codes ("CN.BJ, DE") outlined thick, or NULL */
    double mark_lat, mark_lon; /* the city: its province is outlined thick; NaN = none */
} plot_borders_opts_t;

/* The installed DCW file (Debian gmt-dcw and GMT's usual places), or NULL. */
const char *plot_borders_default_file(void);
/* The outlines of every country and province of f reaching into box (lon0, lon1, lat0,
 * lat1 in degrees, longitudes unwrapped). A unit's coordinates are read from the file on
 * first use (DSC_ERR_FORMAT naming the file when they cannot be) and kept in f. The caller
 * frees *b with plot_borders_free (which accepts an empty or zeroed set); on error *b is
 * empty. */
int plot_borders_load(dsc_ctx_t *ctx, dsc_plot_borders_t *f, const plot_borders_opts_t *o,
                      const double box[4], plot_borders_t *b);
void plot_borders_free(plot_borders_t *b);
/* Draws the outlines clipped to the frame: provinces thin, countries darker, highlighted
 * units thick, each on a white halo so it reads over any colour. Projects the rings in
 * place (their coordinates are device units afterwards). */
void plot_borders_draw(plot_canvas_t *cv, plot_map_view_t *v, plot_borders_t *b);

/* ---- series.c ------------------------------------------------------------------------ */

/* The line chart behind dsc_plot_series and dsc_plot_learning_curves. xlabel NULL on a
 * date axis is "Year", or "Date" when the span is short enough to be ticked in months. */
int plot_xy_draw(dsc_ctx_t *ctx, const char *path, const char *title, const char *xlabel,
                 const char *ylabel, const dsc_plot_line_t *lines, size_t nlines,
                 plot_axis_kind xkind, int ylog, int width, int height);

#endif
