/* plot.h - report figures drawn with cairo. The output format follows the file name's
 * extension: .png, .svg or .pdf (any case). Figures are written atomically: drawn into
 * "<path>.tmp.<pid>" and renamed onto path once complete, so path never holds half a figure
 * and no temporary file is left behind on failure.
 *
 * Sizes are in device units: pixels for PNG, points for SVG and PDF. Text, gaps and line
 * widths are set for a 1200 x 700 figure (16 px axis labels) and scale with the square root
 * of the area, so smaller figures keep readable text.
 *
 * Errors common to every figure: an unknown extension, a side outside 64..20000 or missing
 * data arrays is DSC_ERR_USAGE naming the path; a file cairo cannot create or write (missing
 * directory, full disk, rename failure) is DSC_ERR_IO naming the path. Every array argument
 * is borrowed for the duration of the call only.
 */
#ifndef DSC_PLOT_H
#define DSC_PLOT_H

#include "dsc/field.h"
#include "dsc/stats.h"

/* One line of a time-series figure. x is in decimal years (e.g. 1990.5). */
typedef struct {
    const char *label;   /* legend text; NULL = not in the legend */
    const double *x;     /* n decimal years, borrowed */
    const double *y;     /* n values, NaN breaks the line, borrowed */
    size_t n;
    uint32_t rgb;        /* 0xRRGGBB */
    double line_width;   /* points at the 1200 x 700 reference size; 0 = 1.5 */
    double alpha;        /* 0..1; daily values are drawn faint (e.g. 0.25); 0 = opaque */
    const double *band_lo; /* optional shaded band (e.g. ensemble spread), NULL = none; */
    const double *band_hi; /* both or neither, n values each, NaN breaks the band */
} dsc_plot_line_t;

/* A time-series figure with a date axis labelled in years, titled "Year" (in months for
 * spans under a few years, titled "Date"), a y label (give the units, e.g. "Daily maximum
 * temperature (°C)") and a legend in a free corner of the data area, or above it when no
 * corner is free. Bands are drawn under every line, lines in the order given. nlines == 0
 * is DSC_ERR_USAGE; lines without a single finite point still give a figure (axes and "no
 * valid data"). */
int dsc_plot_series(dsc_ctx_t *ctx, const char *path, const char *title, const char *ylabel,
                    const dsc_plot_line_t *lines, size_t nlines, int width, int height);

/* Learning curves: lines[i].x holds training steps or epochs, lines[i].y losses, drawn on a
 * logarithmic y axis (values <= 0 are left out like NaN). xlabel e.g. "Epoch", ylabel e.g.
 * "Mean squared error (°C²)". Same conventions and errors as dsc_plot_series. */
int dsc_plot_learning_curves(dsc_ctx_t *ctx, const char *path, const char *title,
                             const char *xlabel, const char *ylabel,
                             const dsc_plot_line_t *lines, size_t nlines, int width,
                             int height);

/* A Taylor diagram: standard deviation as the radius, correlation as the angle (ticks 0.1 to
 * 0.9, 0.95, 0.99), dashed contours of the centred RMS difference around the reference point
 * on the x axis, one marker per entry (colour dsc_plot_color(i + 1), shapes cycling) and a
 * legend beside the diagram or under it, whichever leaves the diagram larger. A quarter
 * circle, or a half circle when any correlation is negative. normalised != 0 plots sd_ratio
 * and crmsd_norm (reference at 1); otherwise sd in data units with the reference at
 * stats[0].sd_ref. labels may be NULL (entries are then numbered) and labels[i] NULL.
 * Entries with a non-finite sd or correlation are listed in the legend as "(no data)"
 * without a marker. n == 0 is DSC_ERR_USAGE; a reference standard deviation that is not
 * positive and finite (non-normalised) is DSC_ERR_RANGE. */
int dsc_plot_taylor(dsc_ctx_t *ctx, const char *path, const char *title,
                    const dsc_taylor_t *stats, const char *const *labels, size_t n,
                    int normalised, int width, int height);

/* A histogram: series 0 drawn as grey bars (the observations), the rest as lines through the
 * bin centres in dsc_plot_color(i), on shared bins. counts[i] has bins->nbins entries. Each
 * series is shown as a probability density (count / (total * bin width)), so series of
 * different lengths compare; the y axis says so, with the unit taken from the "(...)" at the
 * end of xlabel when there is one. The legend takes a free corner, else a row above the
 * bars. labels may be NULL. nseries == 0, bins with nbins == 0 or
 * a width that is not positive is DSC_ERR_USAGE. */
int dsc_plot_histogram(dsc_ctx_t *ctx, const char *path, const char *title, const char *xlabel,
                       const dsc_bins_t *bins, const size_t *const *counts,
                       const char *const *labels, size_t nseries, int width, int height);

/* A map of values (nlat x nlon, row-major) on a rectilinear grid with a colour bar.
 * diverging != 0 selects a diverging scale centred on zero (changes, biases); otherwise a
 * sequential one. mark_lat/mark_lon mark the city (NaN = no marker), labelled with its
 * coordinates. Drawn as dsc_plot_map_with_options with the defaults described there
 * (borders from the installed gmt-dcw data when there is any). */
int dsc_plot_map(dsc_ctx_t *ctx, const char *path, const char *title, const char *units,
                 const dsc_grid_t *grid, const double *values, int diverging,
                 double mark_lat, double mark_lon, int width, int height);

/* As dsc_plot_map, with the marker labelled mark_label (e.g. the city's name; NULL = its
 * coordinates). */
int dsc_plot_map_marked(dsc_ctx_t *ctx, const char *path, const char *title,
                        const char *units, const dsc_grid_t *grid, const double *values,
                        int diverging, const char *mark_label, double mark_lat,
                        double mark_lon, int width, int height);

/* Country and province outlines from the Digital Chart of the World for GMT (dcw-gmt.nc,
 * Debian package gmt-dcw), opened once and shared by the maps of a run: each country's
 * coordinates are read on first use and kept. Not for use by two threads at once. */
typedef struct dsc_plot_borders dsc_plot_borders_t;

/* Opens the border data at path (NULL or "" = the installed file). No installed file, or
 * one that cannot be opened, is DSC_ERR_IO naming it; a file without outlines is
 * DSC_ERR_FORMAT. The caller owns *out: dsc_plot_borders_close(). */
int dsc_plot_borders_open(dsc_ctx_t *ctx, const char *path, dsc_plot_borders_t **out);
/* Closes it; NULL is accepted. */
void dsc_plot_borders_close(dsc_plot_borders_t *b);

/* What a map shows besides the values. Zero-initialise, then set what you need; the
 * marker must be set (NaN for none) since 0, 0 is a place. */
typedef struct {
    const char *mark_label; /* the marker's label; NULL = its coordinates */
    double mark_lat;        /* the city, degrees north; NaN = no marker */
    double mark_lon;        /* degrees east, any turn (-180..180 or 0..360) */
    const char *borders;    /* Digital Chart of the World file for GMT (dcw-gmt.nc, Debian
                               package gmt-dcw); NULL = the installed one; "" = no borders */
    dsc_plot_borders_t *border_data; /* opened border data to use instead of opening
                               `borders` for this map (faster for many maps); borrowed */
    const char *highlight;  /* comma-separated DCW codes outlined thick (e.g. "CN.BJ" for
                               Beijing municipality, "DE" for a country); NULL = none.
                               The province holding the marker is always outlined thick. */
} dsc_plot_map_options_t;

/* A map of values (nlat x nlon, row-major) on a rectilinear grid, or at points
 * (DSC_GRID_POINTS, drawn as coloured dots), with a colour bar.
 *
 * Projection: Lambert azimuthal equal-area centred on the grid's extent, through PROJ. The
 * frame is the grid's projected extent with a small margin, widened where needed so it is
 * never much taller than wide or wider than tall; the land around the grid shows there.
 * Each cell is the quadrilateral between its projected corners (edges halfway between
 * centres). NaN cells are grey and hatched ("no data" under the colour bar). A graticule of
 * meridians and parallels at round steps is labelled in degrees along the left and bottom
 * edges. Country outlines (with coasts), provinces of the largest countries, and
 * highlighted units come from the DCW file; when it is missing or unreadable the map is
 * drawn without them and a DSC_LOG_WARN message naming the file is logged.
 *
 * Colours: diverging != 0 selects a blue-white-red scale symmetric about zero (changes,
 * biases); otherwise a viridis-like sequential one. The colour bar runs over round limits
 * covering every finite value and is labelled with units (e.g. "degC", shown as °C).
 *
 * options may be NULL (no marker, installed borders, nothing highlighted). No finite value
 * at all is DSC_ERR_RANGE; an empty grid, NULL coordinates or non-finite coordinates are
 * DSC_ERR_USAGE; a projection PROJ cannot set up is DSC_ERR_INTERNAL. Meant for regional
 * maps: a grid reaching the far side of the globe from its centre loses the cells PROJ
 * cannot place. Not thread-safe when netCDF-C is built without thread safety (the border
 * file is read through it). */
int dsc_plot_map_with_options(dsc_ctx_t *ctx, const char *path, const char *title,
                              const char *units, const dsc_grid_t *grid,
                              const double *values, int diverging,
                              const dsc_plot_map_options_t *options, int width, int height);

/* The palette shared by every figure (colour-blind safe, Okabe-Ito: black, orange, blue,
 * bluish green, vermillion, sky blue, reddish purple, yellow); index wraps after 8. */
uint32_t dsc_plot_color(size_t index);

#endif
