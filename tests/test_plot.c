/* test_plot.c - every figure kind: the file has the requested size and format, is not blank,
 * uses the colours it promises, leaves no temporary file; bad names and paths are refused
 * with the right code; tick steps and labels are round. */
#include <cairo.h>
#include <criterion/criterion.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dsc/plot.h"
#include "support/support.h"

#include "../src/plot/plot_internal.h"

#define W 1200
#define H 700

static char figure_dir[4096];

/* The folder the figures of this run go to; DSC_PLOT_KEEP names one to keep them for
 * looking at, otherwise a fresh temporary folder. */
static const char *out_dir(void)
{
    const char *keep = getenv("DSC_PLOT_KEEP");
    if (keep && *keep) {
        mkdir(keep, 0755);
        return keep;
    }
    if (!figure_dir[0]) {
        const char *t = test_tmpdir();
        cr_assert_not_null(t);
        snprintf(figure_dir, sizeof figure_dir, "%s", t);
    }
    return figure_dir;
}

/* Each test runs in its own process with its own temporary folder; remove it afterwards. */
static void remove_figures(void)
{
    if (figure_dir[0])
        test_remove_tree(figure_dir);
}

TestSuite(plot, .fini = remove_figures);

static const char *out_path(const char *name)
{
    static char buf[4200];
    snprintf(buf, sizeof buf, "%s/%s", out_dir(), name);
    return buf;
}

/* True when dir holds no temporary figure of this process (tests running in parallel may
 * share a folder, so only our own "<name>.tmp.<pid>" files count). */
static int no_temporary_left(const char *dir)
{
    char mark[32];
    DIR *d = opendir(dir);
    struct dirent *e;
    int clean = 1;
    cr_assert_not_null(d);
    snprintf(mark, sizeof mark, ".tmp.%ld", (long)getpid());
    while ((e = readdir(d)))
        if (strstr(e->d_name, mark))
            clean = 0;
    closedir(d);
    return clean;
}

/* Loads a PNG, checks its size and returns the number of pixels that are not white. */
static size_t check_png(const char *path, int width, int height)
{
    cairo_surface_t *s = cairo_image_surface_create_from_png(path);
    cr_assert_eq(cairo_surface_status(s), CAIRO_STATUS_SUCCESS, "%s does not load", path);
    cr_assert_eq(cairo_image_surface_get_width(s), width);
    cr_assert_eq(cairo_image_surface_get_height(s), height);
    cairo_surface_flush(s);
    const unsigned char *data = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    size_t inked = 0;
    for (int y = 0; y < height; y++) {
        const uint32_t *row = (const uint32_t *)(data + (size_t)y * stride);
        for (int x = 0; x < width; x++)
            if ((row[x] & 0xffffff) != 0xffffff)
                inked++;
    }
    cairo_surface_destroy(s);
    return inked;
}

/* True when some pixel lies within tol (per channel, 0..255) of rgb. */
static int png_has_colour(const char *path, uint32_t rgb, int tol)
{
    cairo_surface_t *s = cairo_image_surface_create_from_png(path);
    cr_assert_eq(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    cairo_surface_flush(s);
    const unsigned char *data = cairo_image_surface_get_data(s);
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s), found = 0;
    for (int y = 0; y < h && !found; y++) {
        const uint32_t *row = (const uint32_t *)(data + (size_t)y * stride);
        for (int x = 0; x < w && !found; x++) {
            uint32_t p = row[x];
            int dr = abs((int)((p >> 16) & 0xff) - (int)((rgb >> 16) & 0xff));
            int dg = abs((int)((p >> 8) & 0xff) - (int)((rgb >> 8) & 0xff));
            int db = abs((int)(p & 0xff) - (int)(rgb & 0xff));
            found = dr <= tol && dg <= tol && db <= tol;
        }
    }
    cairo_surface_destroy(s);
    return found;
}

static void file_starts_with(const char *path, const char *const *magics, size_t nmagic)
{
    char head[64] = {0};
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s was not written", path);
    size_t got = fread(head, 1, sizeof head - 1, f);
    fclose(f);
    cr_assert_gt(got, 4);
    int ok = 0;
    for (size_t i = 0; i < nmagic; i++)
        ok |= strncmp(head, magics[i], strlen(magics[i])) == 0;
    cr_assert(ok, "%s starts with \"%.8s\"", path, head);
}

/* ---- data shared by the tests --------------------------------------------------------- */

#define NDAYS (30 * 365)
#define NYEARS 30

typedef struct {
    double x[NDAYS], obs[NDAYS], sim[NDAYS];
    double ax[NYEARS], aobs[NYEARS], asim[NYEARS], lo[NYEARS], hi[NYEARS];
} series_data_t;

/* Thirty noleap years from 1981 of a seasonal cycle with noise, and their annual means. */
static void make_series(series_data_t *d)
{
    dsc_rng_t rng;
    dsc_rng_seed(&rng, 7);
    for (int t = 0; t < NDAYS; t++) {
        double doy = t % 365;
        d->x[t] = 1981 + t / 365 + (doy + 0.5) / 365;
        double cycle = 14 + 9 * sin(2 * M_PI * (doy - 105) / 365) + 0.03 * (t / 365);
        d->obs[t] = cycle + 3 * dsc_rng_normal(&rng);
        d->sim[t] = cycle + 0.8 + 2.5 * dsc_rng_normal(&rng);
    }
    d->obs[400] = NAN; /* a gap must not break the figure */
    for (int y = 0; y < NYEARS; y++) {
        double so = 0, ss = 0;
        for (int k = 0; k < 365; k++) {
            so += isfinite(d->obs[y * 365 + k]) ? d->obs[y * 365 + k] : 14;
            ss += d->sim[y * 365 + k];
        }
        d->ax[y] = 1981 + y + 0.5;
        d->aobs[y] = so / 365;
        d->asim[y] = ss / 365;
        d->lo[y] = d->asim[y] - 0.6;
        d->hi[y] = d->asim[y] + 0.6;
    }
}

static int draw_series(dsc_ctx_t *ctx, const char *path, series_data_t *d)
{
    dsc_plot_line_t lines[4] = {
        {NULL, d->x, d->obs, NDAYS, dsc_plot_color(0), 0.6, 0.18, NULL, NULL},
        {NULL, d->x, d->sim, NDAYS, dsc_plot_color(3), 0.6, 0.18, NULL, NULL},
        {"Observed", d->ax, d->aobs, NYEARS, dsc_plot_color(0), 2.5, 1, NULL, NULL},
        {"ANN bias-corrected", d->ax, d->asim, NYEARS, dsc_plot_color(3), 1.8, 1, d->lo, d->hi},
    };
    return dsc_plot_series(ctx, path, "Lyon tasmax, CNRM-CM6-1: daily (faint) and annual means",
                           "Daily maximum temperature (\302\260C)", lines, 4, W, H);
}

/* ---- time series ---------------------------------------------------------------------- */

Test(plot, series_png_has_size_and_ink)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    series_data_t *d = malloc(sizeof *d);
    make_series(d);
    const char *path = out_path("series.png");
    int rc = draw_series(ctx, path, d);
    cr_assert_eq(rc, DSC_OK, "%s", dsc_ctx_message(ctx));
    size_t inked = check_png(path, W, H);
    /* Axes, labels and thirty years of daily lines cover far more than 5 % of the page. */
    cr_assert_gt(inked, (size_t)(0.05 * W * H));
    cr_assert(no_temporary_left(out_dir()));
    free(d);
    dsc_ctx_destroy(ctx);
}

Test(plot, series_svg_and_pdf_magic)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    series_data_t *d = malloc(sizeof *d);
    make_series(d);
    static const char *const svg_magic[] = {"<?xml", "<svg"};
    static const char *const pdf_magic[] = {"%PDF"};
    char svg[4200], pdf[4200];
    snprintf(svg, sizeof svg, "%s", out_path("series.svg"));
    snprintf(pdf, sizeof pdf, "%s", out_path("series.PDF"));
    cr_assert_eq(draw_series(ctx, svg, d), DSC_OK, "%s", dsc_ctx_message(ctx));
    cr_assert_eq(draw_series(ctx, pdf, d), DSC_OK, "%s", dsc_ctx_message(ctx));
    file_starts_with(svg, svg_magic, 2);
    file_starts_with(pdf, pdf_magic, 1);
    cr_assert(no_temporary_left(out_dir()));
    free(d);
    dsc_ctx_destroy(ctx);
}

Test(plot, series_short_span_and_all_missing)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    double x[120], y[120], gap[3] = {NAN, NAN, NAN};
    for (int i = 0; i < 120; i++) {
        x[i] = 2050 + (i + 0.5) / 365.0;
        y[i] = 5 + 0.1 * i;
    }
    dsc_plot_line_t one = {"Four months", x, y, 120, dsc_plot_color(2), 1.5, 1, NULL, NULL};
    const char *path = out_path("series_months.png");
    cr_assert_eq(
        dsc_plot_series(ctx, path, "Spring 2050", "Temperature (\302\260C)", &one, 1, 800, 450),
        DSC_OK, "%s", dsc_ctx_message(ctx));
    cr_assert_gt(check_png(path, 800, 450), 2000);

    dsc_plot_line_t none = {"Nothing", x, gap, 3, dsc_plot_color(1), 1.5, 1, NULL, NULL};
    path = out_path("series_empty.png");
    cr_assert_eq(
        dsc_plot_series(ctx, path, "No data", "Temperature (\302\260C)", &none, 1, 640, 400),
        DSC_OK, "%s", dsc_ctx_message(ctx));
    cr_assert_gt(check_png(path, 640, 400), 500);
    dsc_ctx_destroy(ctx);
}

/* ---- learning curves ------------------------------------------------------------------ */

Test(plot, learning_curves_png)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    double x[200], tr[200], va[200];
    for (int i = 0; i < 200; i++) {
        x[i] = i + 1;
        tr[i] = 0.08 + 1.5 * exp(-i / 25.0);
        va[i] = 0.11 + 1.4 * exp(-i / 30.0) + 0.0002 * i;
    }
    tr[10] = 0; /* not drawable on a log axis: left out, not an error */
    dsc_plot_line_t lines[2] = {
        {"Training", x, tr, 200, dsc_plot_color(2), 2, 1, NULL, NULL},
        {"Validation", x, va, 200, dsc_plot_color(1), 2, 1, NULL, NULL},
    };
    const char *path = out_path("learning.png");
    int rc = dsc_plot_learning_curves(ctx, path, "ANN learning curve", "Epoch",
                                      "Mean squared error (standardised)", lines, 2, W, H);
    cr_assert_eq(rc, DSC_OK, "%s", dsc_ctx_message(ctx));
    cr_assert_gt(check_png(path, W, H), 10000);
    /* The curves are drawn in their palette colours. */
    cr_assert(png_has_colour(path, dsc_plot_color(2), 8));
    cr_assert(png_has_colour(path, dsc_plot_color(1), 8));
    dsc_ctx_destroy(ctx);
}

/* ---- Taylor diagram ------------------------------------------------------------------- */

static dsc_taylor_t taylor_entry(double sd_ratio, double corr)
{
    dsc_taylor_t t = {0};
    t.n = 1000;
    t.sd_ref = 4;
    t.sd = 4 * sd_ratio;
    t.sd_ratio = sd_ratio;
    t.corr = corr;
    t.crmsd_norm = sqrt(sd_ratio * sd_ratio + 1 - 2 * sd_ratio * corr);
    t.crmsd = 4 * t.crmsd_norm;
    return t;
}

Test(plot, taylor_quarter_and_half)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    dsc_taylor_t st[5] = {taylor_entry(1.25, 0.62), taylor_entry(0.92, 0.91),
                          taylor_entry(0.97, 0.93), taylor_entry(0.81, 0.88),
                          taylor_entry(NAN, NAN)};
    const char *labels[5] = {"Raw GCM", "ANN", "ANN bias-corrected", "Linear regression", "Broken"};
    const char *path = out_path("taylor.png");
    int rc = dsc_plot_taylor(ctx, path, "Taylor diagram, validation 2001-2010", st, labels, 5, 1,
                             900, 800);
    cr_assert_eq(rc, DSC_OK, "%s", dsc_ctx_message(ctx));
    cr_assert_gt(check_png(path, 900, 800), 20000);
    /* Entry i is drawn in dsc_plot_color(i + 1). */
    cr_assert(png_has_colour(path, dsc_plot_color(1), 4));
    cr_assert(png_has_colour(path, dsc_plot_color(4), 4));

    dsc_taylor_t neg[2] = {taylor_entry(0.7, -0.35), taylor_entry(1.1, 0.8)};
    path = out_path("taylor_half.png");
    rc = dsc_plot_taylor(ctx, path, "Half circle (data units)", neg, NULL, 2, 0, W, H);
    cr_assert_eq(rc, DSC_OK, "%s", dsc_ctx_message(ctx));
    cr_assert_gt(check_png(path, W, H), 20000);
    dsc_ctx_destroy(ctx);
}

Test(plot, taylor_refuses_empty_and_bad_reference)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    const char *path = out_path("taylor_bad.png");
    cr_assert_eq(dsc_plot_taylor(ctx, path, "t", NULL, NULL, 0, 1, W, H), DSC_ERR_USAGE);
    dsc_taylor_t t = taylor_entry(1, 0.5);
    t.sd_ref = 0;
    cr_assert_eq(dsc_plot_taylor(ctx, path, "t", &t, NULL, 1, 0, W, H), DSC_ERR_RANGE);
    cr_assert(strncmp(dsc_ctx_message(ctx), path, strlen(path)) == 0);
    struct stat sb;
    cr_assert_neq(stat(path, &sb), 0, "a refused figure must not be written");
    dsc_ctx_destroy(ctx);
}

/* ---- histogram ------------------------------------------------------------------------ */

Test(plot, histogram_png)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    dsc_bins_t bins = {-10, 1, 50};
    size_t c0[50], c1[50], c2[50];
    for (int b = 0; b < 50; b++) {
        double x = -10 + b + 0.5;
        c0[b] = (size_t)(3000 * exp(-0.5 * pow((x - 14) / 7, 2)));
        c1[b] = (size_t)(1500 * exp(-0.5 * pow((x - 15) / 6, 2)));
        c2[b] = (size_t)(3000 * exp(-0.5 * pow((x - 13.5) / 7.5, 2)));
    }
    const size_t *counts[3] = {c0, c1, c2};
    const char *labels[3] = {"Observed", "Raw GCM", "ANN bias-corrected"};
    const char *path = out_path("histogram.png");
    int rc =
        dsc_plot_histogram(ctx, path, "Daily maximum temperature, validation 2001-2010",
                           "Daily maximum temperature (\302\260C)", &bins, counts, labels, 3, W, H);
    cr_assert_eq(rc, DSC_OK, "%s", dsc_ctx_message(ctx));
    cr_assert_gt(check_png(path, W, H), 30000);
    cr_assert(png_has_colour(path, 0xBBBBBB, 2), "observation bars are grey");
    cr_assert(png_has_colour(path, dsc_plot_color(1), 8));

    cr_assert_eq(dsc_plot_histogram(ctx, path, "t", "x", &bins, counts, labels, 0, W, H),
                 DSC_ERR_USAGE);
    dsc_bins_t empty = {0, 1, 0};
    cr_assert_eq(dsc_plot_histogram(ctx, path, "t", "x", &empty, counts, labels, 3, W, H),
                 DSC_ERR_USAGE);
    dsc_ctx_destroy(ctx);
}

/* ---- maps ----------------------------------------------------------------------------- */

#define NLAT 12
#define NLON 16

static void make_grid(dsc_grid_t *g, double *lat, double *lon)
{
    for (int i = 0; i < NLAT; i++)
        lat[i] = 43.125 + 0.25 * i;
    for (int j = 0; j < NLON; j++)
        lon[j] = 2.875 + 0.25 * j;
    memset(g, 0, sizeof *g);
    g->kind = DSC_GRID_RECTILINEAR;
    g->nlat = NLAT;
    g->nlon = NLON;
    g->lat = lat;
    g->lon = lon;
}

Test(plot, map_sequential_with_missing_cells)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    double lat[NLAT], lon[NLON], v[NLAT * NLON];
    dsc_grid_t g;
    make_grid(&g, lat, lon);
    /* A ramp from 0 to 1 exactly, so both ends of the scale appear in the cells. */
    for (int i = 0; i < NLAT; i++)
        for (int j = 0; j < NLON; j++)
            v[i * NLON + j] = (double)(i + j) / (NLAT + NLON - 2);
    v[0 * NLON + 5] = NAN;
    v[1 * NLON + 5] = NAN;
    const char *path = out_path("map_mean.png");
    int rc = dsc_plot_map_marked(ctx, path, "Mean daily maximum temperature 1981-2010", "degC", &g,
                                 v, 0, "Lyon", 45.76, 4.84, 1000, 850);
    cr_assert_eq(rc, DSC_OK, "%s", dsc_ctx_message(ctx));
    cr_assert_gt(check_png(path, 1000, 850), 100000);
    /* Ends of the sequential scale (0x440154, 0xFDE725) and the no-data grey. */
    cr_assert(png_has_colour(path, 0x440154, 3));
    cr_assert(png_has_colour(path, 0xFDE725, 3));
    cr_assert(png_has_colour(path, 0xE4E4E4, 1));
    cr_assert(no_temporary_left(out_dir()));
    dsc_ctx_destroy(ctx);
}

Test(plot, map_diverging_and_points)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    double lat[NLAT], lon[NLON], v[NLAT * NLON];
    dsc_grid_t g;
    make_grid(&g, lat, lon);
    /* Changes from -1.5 to +3: the scale runs symmetric, so zero is near-white. */
    for (int i = 0; i < NLAT * NLON; i++)
        v[i] = -1.5 + 4.5 * i / (NLAT * NLON - 1.0);
    const char *path = out_path("map_change.png");
    int rc = dsc_plot_map(ctx, path, "Change 2071-2100 minus 1981-2010", "degC", &g, v, 1, 45.76,
                          4.84, W, H);
    cr_assert_eq(rc, DSC_OK, "%s", dsc_ctx_message(ctx));
    cr_assert_gt(check_png(path, W, H), 100000);
    cr_assert(png_has_colour(path, 0xF7F7F7, 3), "zero is drawn white");
    cr_assert(png_has_colour(path, 0x67001F, 3), "the top of the bar is dark red");

    double plat[3] = {45.0, 45.5, 46.2}, plon[3] = {4.1, 5.0, 4.6}, pv[3] = {10, 12, NAN};
    dsc_grid_t pg = {DSC_GRID_POINTS, 3, 1, plat, plon, NULL, 0};
    path = out_path("map_points.svg");
    rc = dsc_plot_map(ctx, path, "Stations", "degC", &pg, pv, 0, NAN, NAN, 800, 600);
    cr_assert_eq(rc, DSC_OK, "%s", dsc_ctx_message(ctx));
    static const char *const svg_magic[] = {"<?xml", "<svg"};
    file_starts_with(path, svg_magic, 2);
    dsc_ctx_destroy(ctx);
}

Test(plot, map_without_finite_values_is_range)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    double lat[NLAT], lon[NLON], v[NLAT * NLON];
    dsc_grid_t g;
    make_grid(&g, lat, lon);
    for (int i = 0; i < NLAT * NLON; i++)
        v[i] = NAN;
    const char *path = out_path("map_nan.png");
    cr_assert_eq(dsc_plot_map(ctx, path, "t", "degC", &g, v, 0, NAN, NAN, W, H), DSC_ERR_RANGE);
    cr_assert(strstr(dsc_ctx_message(ctx), path) == dsc_ctx_message(ctx));
    dsc_ctx_destroy(ctx);
}

/* ---- errors and the atomic write ------------------------------------------------------ */

Test(plot, unknown_extension_is_usage_naming_the_path)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    double x[2] = {2000, 2001}, y[2] = {1, 2};
    dsc_plot_line_t l = {"a", x, y, 2, 0, 1, 1, NULL, NULL};
    const char *path = out_path("figure.jpg");
    cr_assert_eq(dsc_plot_series(ctx, path, "t", "y", &l, 1, W, H), DSC_ERR_USAGE);
    cr_assert(strncmp(dsc_ctx_message(ctx), path, strlen(path)) == 0, "%s", dsc_ctx_message(ctx));
    cr_assert_eq(dsc_plot_series(ctx, out_path("noext"), "t", "y", &l, 1, W, H), DSC_ERR_USAGE);
    struct stat sb;
    cr_assert_neq(stat(path, &sb), 0);
    cr_assert(no_temporary_left(out_dir()));
    dsc_ctx_destroy(ctx);
}

Test(plot, refusals_of_empty_input_and_bad_size)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    double x[2] = {2000, 2001}, y[2] = {1, 2};
    dsc_plot_line_t l = {"a", x, y, 2, 0, 1, 1, y, NULL};
    const char *path = out_path("refused.png");
    cr_assert_eq(dsc_plot_series(ctx, path, "t", "y", NULL, 0, W, H), DSC_ERR_USAGE);
    cr_assert_eq(dsc_plot_series(ctx, path, "t", "y", &l, 1, W, H), DSC_ERR_USAGE,
                 "a band needs both edges");
    l.band_lo = NULL;
    cr_assert_eq(dsc_plot_series(ctx, path, "t", "y", &l, 1, 10, H), DSC_ERR_USAGE);
    cr_assert_eq(dsc_plot_series(ctx, path, "t", "y", &l, 1, W, 100000), DSC_ERR_USAGE);
    dsc_ctx_destroy(ctx);
}

Test(plot, unwritable_place_is_io_and_leaves_nothing)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    double x[2] = {2000, 2001}, y[2] = {1, 2};
    dsc_plot_line_t l = {"a", x, y, 2, 0, 1, 1, NULL, NULL};
    const char *formats[3] = {"png", "svg", "pdf"};
    for (int i = 0; i < 3; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/missing/dir/fig.%s", out_dir(), formats[i]);
        cr_assert_eq(dsc_plot_series(ctx, path, "t", "y", &l, 1, W, H), DSC_ERR_IO, "%s",
                     formats[i]);
        cr_assert(strncmp(dsc_ctx_message(ctx), path, strlen(path)) == 0);
    }

    /* The rename fails when a folder holds the name: the temporary file must go too. */
    char dir[4200], path[4300];
    snprintf(dir, sizeof dir, "%s/taken", out_dir());
    mkdir(dir, 0755);
    snprintf(path, sizeof path, "%s/fig.png", dir);
    mkdir(path, 0755);
    cr_assert_eq(dsc_plot_series(ctx, path, "t", "y", &l, 1, W, H), DSC_ERR_IO);
    cr_assert(strncmp(dsc_ctx_message(ctx), path, strlen(path)) == 0);
    cr_assert(no_temporary_left(dir));
    dsc_ctx_destroy(ctx);
}

Test(plot, overwrites_an_existing_figure)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    double x[2] = {2000, 2001}, y[2] = {1, 2};
    dsc_plot_line_t l = {"a", x, y, 2, 0, 1, 1, NULL, NULL};
    const char *path = out_path("again.png");
    cr_assert_eq(dsc_plot_series(ctx, path, "t", "y", &l, 1, 400, 300), DSC_OK);
    cr_assert_eq(dsc_plot_series(ctx, path, "t", "y", &l, 1, 500, 320), DSC_OK);
    check_png(path, 500, 320);
    dsc_ctx_destroy(ctx);
}

/* ---- palette, ticks and labels --------------------------------------------------------- */

Test(plot, palette_is_okabe_ito_and_wraps)
{
    cr_assert_eq(dsc_plot_color(0), 0x000000u);
    cr_assert_eq(dsc_plot_color(1), 0xE69F00u);
    cr_assert_eq(dsc_plot_color(2), 0x0072B2u);
    cr_assert_eq(dsc_plot_color(8), dsc_plot_color(0));
    for (size_t i = 0; i < 8; i++)
        for (size_t j = i + 1; j < 8; j++)
            cr_assert_neq(dsc_plot_color(i), dsc_plot_color(j));

    double rgb[3];
    plot_scale_rgb(1, 0.5, rgb); /* the middle of the diverging scale is neutral */
    cr_assert_float_eq(rgb[0], rgb[2], 1e-9);
    cr_assert_gt(rgb[1], 0.95);
    plot_scale_rgb(0, 0, rgb);
    cr_assert_float_eq(rgb[0], 0x44 / 255.0, 0.003);
}

Test(plot, nice_steps_are_round)
{
    cr_assert_float_eq(plot_nice_step(10, 5), 2, 1e-12);
    cr_assert_float_eq(plot_nice_step(7, 5), 2, 1e-12); /* 1.4 rounds up to 2 */
    cr_assert_float_eq(plot_nice_step(1, 5), 0.2, 1e-12);
    cr_assert_float_eq(plot_nice_step(0.9, 4), 0.5, 1e-12); /* no 0.25 */
    cr_assert_float_eq(plot_nice_step(90, 4), 25, 1e-12);   /* 25 is fine */
    cr_assert_float_eq(plot_nice_step(31, 6), 10, 1e-12);

    plot_axis_t a;
    plot_tick_t t[PLOT_MAX_TICKS];
    plot_axis_set(&a, PLOT_AXIS_LINEAR, -3.2, 11.7, 6, 1);
    cr_assert_float_eq(a.step, 5, 1e-12);
    cr_assert_float_eq(a.lo, -5, 1e-12);
    cr_assert_float_eq(a.hi, 15, 1e-12);
    cr_assert_eq(plot_axis_ticks(&a, t, PLOT_MAX_TICKS), 5);

    /* Thirty years: ticks on whole lustra, labelled as years. */
    plot_axis_set(&a, PLOT_AXIS_YEARS, 1981.0, 2011.0, 6, 0);
    size_t n = plot_axis_ticks(&a, t, PLOT_MAX_TICKS);
    cr_assert_eq(n, 6);
    cr_assert_float_eq(t[0].value, 1985, 1e-9);
    cr_assert_float_eq(t[5].value, 2010, 1e-9);
    char buf[64];
    plot_axis_format(&a, t[0].value, buf, sizeof buf);
    cr_assert_str_eq(buf, "1985");

    /* Four months: monthly ticks, the year on January. */
    plot_axis_set(&a, PLOT_AXIS_YEARS, 2050.0, 2050.33, 6, 0);
    n = plot_axis_ticks(&a, t, PLOT_MAX_TICKS);
    cr_assert_eq(a.months, 1);
    cr_assert_eq(n, 4);
    plot_axis_format(&a, t[0].value, buf, sizeof buf);
    cr_assert_str_eq(buf, "Jan 2050");
    plot_axis_format(&a, t[2].value, buf, sizeof buf);
    cr_assert_str_eq(buf, "Mar");

    /* Log axis over under two decades: ends on 1, 2 or 5, labels at 1, 2 and 5 too. */
    plot_axis_set(&a, PLOT_AXIS_LOG, 0.06, 1.6, 6, 1);
    cr_assert_float_eq(a.lo, 0.05, 1e-12);
    cr_assert_float_eq(a.hi, 2, 1e-12);
    n = plot_axis_ticks(&a, t, PLOT_MAX_TICKS);
    size_t nmajor = 0;
    for (size_t i = 0; i < n; i++)
        nmajor += t[i].major;
    cr_assert_eq(nmajor, 6); /* 0.05 0.1 0.2 0.5 1 2 */
    plot_axis_format(&a, 0.05, buf, sizeof buf);
    cr_assert_str_eq(buf, "0.05");
    /* Over four decades: whole decades, powers of ten only. */
    plot_axis_set(&a, PLOT_AXIS_LOG, 0.003, 12, 6, 1);
    cr_assert_float_eq(a.lo, 0.001, 1e-15);
    cr_assert_float_eq(a.hi, 100, 1e-12);
    plot_axis_format(&a, 1e-5, buf, sizeof buf);
    cr_assert_str_eq(buf, "1e-5");
}

Test(plot, number_labels_use_a_true_minus_and_no_negative_zero)
{
    char buf[32];
    plot_format_number(-2.5, 1, buf, sizeof buf);
    cr_assert_str_eq(buf, "\342\210\2222.5");
    plot_format_number(-1e-12, 1, buf, sizeof buf);
    cr_assert_str_eq(buf, "0.0");
    plot_format_number(12, 0, buf, sizeof buf);
    cr_assert_str_eq(buf, "12");
    plot_format_units("degC", buf, sizeof buf);
    cr_assert_str_eq(buf, "\302\260C");
    plot_format_units("mm/day", buf, sizeof buf);
    cr_assert_str_eq(buf, "mm/day");
}

/* ---- map projection, graticule and borders -------------------------------------------- */

/* The map projection is Lambert azimuthal equal-area about the region's centre: the centre
 * goes to the origin, a meridian runs straight up from it, and a cell keeps its area. */
Test(plot, projection_centred_and_equal_area)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    plot_proj_t pr;
    cr_assert_eq(plot_proj_open(ctx, &pr, "test", 40.0, 116.0), DSC_OK, "%s",
                 dsc_ctx_message(ctx));
    double x[5] = {116.0, 116.0, 117.0, 117.0, 116.0};
    double y[5] = {40.0, 41.0, 40.0, 41.0, 41.0};
    plot_proj_forward(&pr, x, y, 5);
    cr_assert_float_eq(x[0], 0, 1e-6);
    cr_assert_float_eq(y[0], 0, 1e-6);
    /* One degree of latitude at 40.5N on WGS84 is 111.04 km (meridian arc); near the
     * centre the projection keeps it to well within 0.1 %. */
    cr_assert_float_eq(x[1], 0, 1e-6, "the central meridian is the y axis");
    cr_assert(fabs(y[1] - 111040) < 111, "1 degree north: %.1f m", y[1]);
    /* Area of the 1 x 1 degree cell (quadrilateral of its projected corners) against the
     * authalic-sphere area R^2 dlon (sin lat1 - sin lat0), R = 6371.007 km: 0.3 %. */
    double area = 0.5 * fabs((x[2] - x[0]) * (y[3] - y[0]) - (x[3] - x[0]) * (y[2] - y[0])) +
                  0.5 * fabs((x[3] - x[0]) * (y[4] - y[0]) - (x[4] - x[0]) * (y[3] - y[0]));
    double R = 6371007.0;
    double expect = R * R * (M_PI / 180) * (sin(41 * M_PI / 180) - sin(40 * M_PI / 180));
    cr_assert(fabs(area / expect - 1) < 3e-3, "cell area %.4g m2, sphere %.4g m2", area,
              expect);
    /* Back again, to a centimetre (1e-7 degree). */
    plot_proj_inverse(&pr, x, y, 5);
    cr_assert_float_eq(x[3], 117.0, 1e-7);
    cr_assert_float_eq(y[3], 41.0, 1e-7);
    /* Points with no place: NaN in, NaN out; latitude beyond the pole. */
    double bx[2] = {NAN, 10}, by[2] = {10, 95};
    plot_proj_forward(&pr, bx, by, 2);
    cr_assert(isnan(bx[0]) && isnan(by[0]) && isnan(bx[1]) && isnan(by[1]));
    plot_proj_close(&pr);
    plot_proj_close(&pr); /* twice is harmless */
    dsc_ctx_destroy(ctx);
}

Test(plot, graticule_labels_in_degrees)
{
    char buf[32];
    plot_format_degrees(-93, 0, 1, buf, sizeof buf);
    cr_assert_str_eq(buf, "93\302\260W");
    plot_format_degrees(267, 0, 1, buf, sizeof buf); /* 0..360 longitudes written -180..180 */
    cr_assert_str_eq(buf, "93\302\260W");
    plot_format_degrees(116.5, 1, 1, buf, sizeof buf);
    cr_assert_str_eq(buf, "116.5\302\260E");
    plot_format_degrees(40.0, 1, 0, buf, sizeof buf);
    cr_assert_str_eq(buf, "40\302\260N");
    plot_format_degrees(-33.5, 1, 0, buf, sizeof buf);
    cr_assert_str_eq(buf, "33.5\302\260S");
    plot_format_degrees(0, 0, 0, buf, sizeof buf);
    cr_assert_str_eq(buf, "0\302\260");
}

/* The border data comes from Debian's gmt-dcw; the tests that need it skip without it. */
static const char *dcw_file(void)
{
    const char *f = plot_borders_default_file();
    if (!f)
        cr_skip_test("no gmt-dcw data installed (apt-get install gmt-dcw)");
    return f;
}

/* Beijing municipality (CN.BJ) is read from the file and outlined thick when the marked
 * city lies in it. Its extent is the one the file's attributes give (ncdump -h:
 * CNBJ_lon min 115.413811 max 117.499199, CNBJ_lat min 39.441978 max 41.059284). */
Test(plot, borders_of_beijing_from_dcw)
{
    dcw_file();
    dsc_ctx_t *ctx = dsc_ctx_create();
    dsc_plot_borders_t *f = NULL;
    cr_assert_eq(dsc_plot_borders_open(ctx, NULL, &f), DSC_OK, "%s", dsc_ctx_message(ctx));
    plot_borders_opts_t o = {NULL, 39.9042, 116.4074};
    double box[4] = {110, 122, 35, 45};
    plot_borders_t b;
    cr_assert_eq(plot_borders_load(ctx, f, &o, box, &b), DSC_OK, "%s", dsc_ctx_message(ctx));
    double lo = INFINITY, hi = -INFINITY, la = INFINITY, lb = -INFINITY;
    size_t count[3] = {0};
    for (size_t i = 0; i < b.n; i++) {
        count[b.rings[i].level]++;
        if (b.rings[i].level != PLOT_BORDER_HIGHLIGHT)
            continue;
        for (size_t k = 0; k < b.rings[i].n; k++) {
            lo = fmin(lo, b.rings[i].lon[k]);
            hi = fmax(hi, b.rings[i].lon[k]);
            la = fmin(la, b.rings[i].lat[k]);
            lb = fmax(lb, b.rings[i].lat[k]);
        }
    }
    cr_assert_gt(count[PLOT_BORDER_COUNTRY], 0, "China's outline");
    cr_assert_gt(count[PLOT_BORDER_PROVINCE], 5, "Hebei, Tianjin, Shanxi, ...");
    cr_assert_gt(count[PLOT_BORDER_HIGHLIGHT], 0, "Beijing, holding the marker");
    /* Within one coordinate step of the file (1/31426 degree) plus rounding. */
    cr_assert(fabs(lo - 115.413811) < 1e-3 && fabs(hi - 117.499199) < 1e-3, "%f %f", lo, hi);
    cr_assert(fabs(la - 39.441978) < 1e-3 && fabs(lb - 41.059284) < 1e-3, "%f %f", la, lb);
    plot_borders_free(&b);

    /* Asked for by code, without a marker; a box across the antimeridian still finds
     * the 0..360-encoded Russia and the -180..180-encoded USA (Alaska). */
    plot_borders_opts_t o2 = {"CN.BJ", NAN, NAN};
    cr_assert_eq(plot_borders_load(ctx, f, &o2, box, &b), DSC_OK);
    size_t hl = 0;
    for (size_t i = 0; i < b.n; i++)
        hl += b.rings[i].level == PLOT_BORDER_HIGHLIGHT;
    cr_assert_gt(hl, 0);
    plot_borders_free(&b);
    double bering[4] = {170, 195, 60, 70};
    plot_borders_opts_t o3 = {NULL, NAN, NAN};
    cr_assert_eq(plot_borders_load(ctx, f, &o3, bering, &b), DSC_OK);
    int west = 0, east = 0;
    for (size_t i = 0; i < b.n; i++)
        for (size_t k = 0; k < b.rings[i].n; k++) {
            west |= b.rings[i].lon[k] >= 170 && b.rings[i].lon[k] < 180;
            east |= b.rings[i].lon[k] > 181 && b.rings[i].lon[k] <= 195;
        }
    cr_assert(west && east, "coasts on both sides of 180 degrees");
    plot_borders_free(&b);
    dsc_plot_borders_close(f);
    dsc_plot_borders_close(NULL);

    cr_assert_eq(dsc_plot_borders_open(ctx, "/nonexistent/dcw-gmt.nc", &f), DSC_ERR_IO);
    cr_assert(strstr(dsc_ctx_message(ctx), "/nonexistent/dcw-gmt.nc") == dsc_ctx_message(ctx));
    cr_assert_null(f);
    dsc_ctx_destroy(ctx);
}

/* Near-black pixels: border lines and the marker dot. */
static size_t dark_pixels(const char *path)
{
    cairo_surface_t *s = cairo_image_surface_create_from_png(path);
    cr_assert_eq(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    cairo_surface_flush(s);
    const unsigned char *data = cairo_image_surface_get_data(s);
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s);
    size_t n = 0;
    for (int y = 0; y < h; y++) {
        const uint32_t *row = (const uint32_t *)(data + (size_t)y * stride);
        for (int x = 0; x < w; x++)
            n += ((row[x] >> 16) & 0xff) < 0x30 && ((row[x] >> 8) & 0xff) < 0x30 &&
                 (row[x] & 0xff) < 0x30;
    }
    cairo_surface_destroy(s);
    return n;
}

static void beijing_grid(dsc_grid_t *g, double *lat, double *lon, double *v)
{
    for (int i = 0; i < 40; i++)
        lat[i] = 35.125 + 0.25 * i;
    for (int j = 0; j < 48; j++)
        lon[j] = 110.125 + 0.25 * j;
    for (int i = 0; i < 40; i++)
        for (int j = 0; j < 48; j++)
            v[i * 48 + j] = 2.0 - 0.15 * (lat[i] - 35) + 0.05 * (lon[j] - 110);
    memset(g, 0, sizeof *g);
    g->kind = DSC_GRID_RECTILINEAR;
    g->nlat = 40;
    g->nlon = 48;
    g->lat = lat;
    g->lon = lon;
}

Test(plot, map_beijing_with_borders_in_every_format)
{
    dcw_file();
    dsc_ctx_t *ctx = dsc_ctx_create();
    double lat[40], lon[48], v[40 * 48];
    dsc_grid_t g;
    beijing_grid(&g, lat, lon, v);
    dsc_plot_borders_t *f = NULL;
    cr_assert_eq(dsc_plot_borders_open(ctx, NULL, &f), DSC_OK);
    dsc_plot_map_options_t with = {.mark_label = "Beijing", .mark_lat = 39.9042,
                                   .mark_lon = 116.4074, .border_data = f};
    dsc_plot_map_options_t bare = {.mark_label = "Beijing", .mark_lat = 39.9042,
                                   .mark_lon = 116.4074, .borders = ""};
    /* out_path's buffer is shared: keep copies. */
    char p1[4200], p0[4200], ps[4200], pp[4200];
    snprintf(p1, sizeof p1, "%s", out_path("beijing_change.png"));
    snprintf(p0, sizeof p0, "%s", out_path("beijing_bare.png"));
    snprintf(ps, sizeof ps, "%s", out_path("beijing_change.svg"));
    snprintf(pp, sizeof pp, "%s", out_path("beijing_change.pdf"));
    cr_assert_eq(dsc_plot_map_with_options(ctx, p1, "Beijing, change 2090-2099 minus "
                                           "1990-1999", "degC", &g, v, 1, &with, 1000, 850),
                 DSC_OK, "%s", dsc_ctx_message(ctx));
    cr_assert_eq(dsc_plot_map_with_options(ctx, p0, "Beijing, no borders", "degC", &g, v, 1,
                                           &bare, 1000, 850),
                 DSC_OK);
    cr_assert_gt(check_png(p1, 1000, 850), 200000);
    /* The thick outline of the municipality alone is some 600 px long and 2.6 px wide. */
    size_t d1 = dark_pixels(p1), d0 = dark_pixels(p0);
    cr_assert_gt(d1, d0 + 1500, "borders add dark pixels: %zu vs %zu", d1, d0);

    /* Vector formats carry only what shows inside the frame: a country's whole coast would
     * make files of many megabytes. */
    static const char *const svg_magic[] = {"<?xml", "<svg"};
    static const char *const pdf_magic[] = {"%PDF-"};
    cr_assert_eq(dsc_plot_map_with_options(ctx, ps, "t", "degC", &g, v, 1, &with, 1000, 850),
                 DSC_OK);
    file_starts_with(ps, svg_magic, 2);
    struct stat st;
    cr_assert_eq(stat(ps, &st), 0);
    cr_assert_lt(st.st_size, 2 * 1024 * 1024, "SVG of %lld bytes", (long long)st.st_size);
    cr_assert_eq(dsc_plot_map_with_options(ctx, pp, "t", "degC", &g, v, 1, &with, 1000, 850),
                 DSC_OK);
    file_starts_with(pp, pdf_magic, 1);
    cr_assert_eq(stat(pp, &st), 0);
    cr_assert_lt(st.st_size, 1024 * 1024, "PDF of %lld bytes", (long long)st.st_size);
    cr_assert(no_temporary_left(out_dir()));
    dsc_plot_borders_close(f);
    dsc_ctx_destroy(ctx);
}

typedef struct {
    int warnings;
    char last[1024];
} log_capture_t;

static void capture(void *user, dsc_log_level level, const char *module, const char *msg)
{
    log_capture_t *c = user;
    if (level == DSC_LOG_WARN) {
        c->warnings++;
        snprintf(c->last, sizeof c->last, "%s: %s", module, msg);
    }
}

/* Without border data the map is still drawn, and the log says why it is bare. */
Test(plot, map_without_border_data_warns_and_draws)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    log_capture_t c = {0};
    dsc_ctx_set_log(ctx, capture, &c, DSC_LOG_INFO);
    double lat[40], lon[48], v[40 * 48];
    dsc_grid_t g;
    beijing_grid(&g, lat, lon, v);
    dsc_plot_map_options_t o = {.mark_lat = NAN, .mark_lon = NAN,
                                .borders = "/nonexistent/dcw-gmt.nc"};
    const char *path = out_path("bare.png");
    cr_assert_eq(dsc_plot_map_with_options(ctx, path, "t", "degC", &g, v, 0, &o, 800, 700),
                 DSC_OK, "%s", dsc_ctx_message(ctx));
    cr_assert_gt(check_png(path, 800, 700), 100000);
    cr_assert_eq(c.warnings, 1);
    cr_assert(strstr(c.last, "without borders") && strstr(c.last, "/nonexistent/dcw-gmt.nc"),
              "%s", c.last);
    /* NULL options: no marker, installed borders, and no complaint when they exist. */
    c.warnings = 0;
    cr_assert_eq(dsc_plot_map_with_options(ctx, path, "t", "degC", &g, v, 0, NULL, 800, 700),
                 DSC_OK);
    cr_assert_eq(c.warnings, plot_borders_default_file() ? 0 : 1);
    dsc_ctx_destroy(ctx);
}
