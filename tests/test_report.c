/* test_report.c - the report page and the data behind the figures.
 *
 * First on a small run folder made here (figures, Taylor and series files with numbers
 * worked out by hand): what the page shows, links and leaves out, and its errors. Then on
 * the demo pipeline's output (run once per test session under a lock, shared with
 * test_pipeline, in $DOWNSCALE_TEST_OUT or build/test-demo): every image of the page exists
 * and is a valid image of the size the page says, every figure has the expected size, the
 * CSV beside each figure agrees with the run's numeric outputs, the change table agrees
 * with the series file, and headless Chromium (Debian's chromium; skipped when absent)
 * loads every image. DSC_REPORT_SHOTS names a folder to keep Chromium's screenshots in. */
#include <cairo.h>
#include <criterion/criterion.h>
#include <dirent.h>
#include <math.h>
#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dsc/plot.h"
#include "dsc/report.h"
#include "support/csv.h"
#include "support/demo.h"
#include "support/support.h"

#include "../src/report/report_internal.h"

/* ---- helpers --------------------------------------------------------------------------- */

static void make_dir(const char *base, const char *sub)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/%s", base, sub);
    cr_assert(mkdir(p, 0755) == 0 || access(p, F_OK) == 0, "mkdir %s", p);
}

/* The next value of attribute attr (e.g. "src") after *pos, copied into buf; NULL at the
 * end. */
static const char *next_attr(const char **pos, const char *attr, char *buf, size_t size)
{
    char key[32];
    snprintf(key, sizeof key, " %s=\"", attr);
    const char *p = strstr(*pos, key);
    if (!p)
        return NULL;
    p += strlen(key);
    const char *q = strchr(p, '"');
    cr_assert_not_null(q);
    snprintf(buf, size, "%.*s", (int)(q - p), p);
    *pos = q;
    return buf;
}

/* Percent-decoding of the page's URLs (the report encodes what is not plain). */
static void url_decode(const char *in, char *out, size_t size)
{
    size_t k = 0;
    for (; *in && k + 1 < size; in++) {
        if (*in == '%' && in[1] && in[2]) {
            char hex[3] = {in[1], in[2], 0};
            out[k++] = (char)strtol(hex, NULL, 16);
            in += 2;
        } else {
            out[k++] = *in;
        }
    }
    out[k] = '\0';
}

/* Width and height of a PNG, checked by cairo loading the whole image. */
static int png_size(const char *path, int *w, int *h)
{
    cairo_surface_t *s = cairo_image_surface_create_from_png(path);
    int ok = cairo_surface_status(s) == CAIRO_STATUS_SUCCESS;
    *w = ok ? cairo_image_surface_get_width(s) : 0;
    *h = ok ? cairo_image_surface_get_height(s) : 0;
    cairo_surface_destroy(s);
    return ok;
}

static int starts_with_file(const char *path, const char *magic)
{
    char head[16] = {0};
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return 0;
    size_t got = fread(head, 1, sizeof head - 1, fp);
    fclose(fp);
    return got >= strlen(magic) && strncmp(head, magic, strlen(magic)) == 0;
}

/* Checks every image of a page: its file exists below the page's folder and is a PNG of
 * the size given in the img tag, or an SVG. Returns the number of images. */
static size_t check_images(const char *page_dir, const char *html)
{
    size_t n = 0;
    const char *p = html;
    while ((p = strstr(p, "<img "))) {
        const char *end = strchr(p, '>');
        cr_assert_not_null(end);
        char tag[4096], src[2048], dec[2048], path[8192], wbuf[32], hbuf[32];
        snprintf(tag, sizeof tag, "%.*s", (int)(end - p), p);
        const char *t = tag;
        cr_assert_not_null(next_attr(&t, "src", src, sizeof src), "img without src: %s", tag);
        cr_assert(src[0] != '/' && !strstr(src, "://"), "src is not relative: %s", src);
        url_decode(src, dec, sizeof dec);
        snprintf(path, sizeof path, "%s/%s", page_dir, dec);
        cr_assert_eq(access(path, R_OK), 0, "the image %s is missing", path);
        const char *ext = strrchr(dec, '.');
        if (ext && strcmp(ext, ".png") == 0) {
            int w, h;
            cr_assert(png_size(path, &w, &h), "%s is not a valid PNG", path);
            t = tag;
            cr_assert_not_null(next_attr(&t, "width", wbuf, sizeof wbuf));
            t = tag;
            cr_assert_not_null(next_attr(&t, "height", hbuf, sizeof hbuf));
            cr_assert_eq(atoi(wbuf), w, "%s: width %s in the page, %d in the file", path,
                         wbuf, w);
            cr_assert_eq(atoi(hbuf), h);
        } else {
            cr_assert(ext && strcmp(ext, ".svg") == 0, "%s: neither PNG nor SVG", path);
            cr_assert(starts_with_file(path, "<?xml") || starts_with_file(path, "<svg"),
                      "%s is not an SVG", path);
        }
        t = tag;
        cr_assert_not_null(next_attr(&t, "alt", wbuf, sizeof wbuf), "img without alt text");
        n++;
        p = end;
    }
    return n;
}

/* No script, nothing fetched from elsewhere, every link relative. */
static void check_self_contained(const char *html)
{
    cr_assert_null(strstr(html, "<script"), "the page has a script");
    cr_assert_null(strstr(html, "http://"));
    cr_assert_null(strstr(html, "https://"));
    cr_assert_null(strstr(html, "file:"));
    cr_assert_null(strstr(html, "<link"), "no external style sheet");
    const char *p = html;
    char href[4096];
    while (next_attr(&p, "href", href, sizeof href))
        cr_assert(href[0] == '#' || (href[0] != '/' && !strstr(href, "://")),
                  "link is not relative: %s", href);
}

/* The cells of the table row whose header cell is name, in the table with this id, parsed
 * as numbers (true minus sign and en dash understood); returns how many. */
static size_t row_numbers(const char *html, const char *table_id, const char *name, double *out,
                          size_t max)
{
    char key[256];
    snprintf(key, sizeof key, "id=\"%s\"", table_id);
    const char *t = strstr(html, key);
    cr_assert_not_null(t, "no table %s", table_id);
    const char *tend = strstr(t, "</table>");
    snprintf(key, sizeof key, "<th scope=\"row\">%s</th>", name);
    const char *r = strstr(t, key);
    cr_assert(r && r < tend, "no row %s in %s", name, table_id);
    const char *rend = strstr(r, "</tr>");
    size_t n = 0;
    for (const char *c = r; n < max && (c = strstr(c, "<td")) && c < rend; c++) {
        c = strchr(c, '>') + 1;
        double sign = 1;
        if (strncmp(c, "\xe2\x88\x92", 3) == 0) {
            sign = -1;
            c += 3;
        } else if (*c == '+') {
            c++;
        }
        out[n++] = strncmp(c, "\xe2\x80\x93", 3) == 0 ? NAN : sign * strtod(c, NULL);
    }
    return n;
}

/* ---- a small run folder ---------------------------------------------------------------- */

/* One noleap year of rows into a series CSV: scenario, ann_bc and gcm constant, except
 * that the first `missing` days have no values. */
static void series_year(FILE *fp, const char *split, const char *scen, int year, double obs,
                        double gcm, double ann_bc, int missing)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int day = 0;
    for (int m = 0; m < 12; m++)
        for (int d = 1; d <= mdays[m]; d++, day++) {
            fprintf(fp, "%d-%02d-%02d,%s,%s,", year, m + 1, d, split, scen);
            if (day < missing)
                fprintf(fp, ",,,,,0.1\n");
            else if (isnan(obs))
                fprintf(fp, ",%.4f,%.4f,%.4f,%.4f,0.1\n", gcm, ann_bc, ann_bc, ann_bc);
            else
                fprintf(fp, "%.4f,%.4f,%.4f,%.4f,%.4f,0.1\n", obs, gcm, ann_bc, ann_bc,
                        ann_bc);
        }
}

/* Base 1990-1999: obs 9, gcm 11, ann_bc 10. Late 2090-2099: rcp45 gcm 13, ann_bc 12.5;
 * rcp85 gcm 15, ann_bc 14, except 2095, which has values on only 300 of its 365 days (under
 * the 90% a year needs) and would pull the mean up by 8.6 degrees if it counted.
 * Changes: rcp45 gcm +2, ann_bc +2.5; rcp85 gcm +4, ann_bc +4. A model's file shifts the
 * late ann_bc by offset. */
static void write_series(const char *path, double offset)
{
    FILE *fp = fopen(path, "w");
    cr_assert_not_null(fp);
    fprintf(fp, "date,split,scenario,obs,gcm,ann,ann_bc,linear,spread\n");
    for (int y = 1990; y <= 1999; y++)
        series_year(fp, "train", "historical", y, 9, 11, 10, 0);
    for (int y = 2090; y <= 2099; y++)
        series_year(fp, "future", "rcp45", y, NAN, 13, 12.5 + offset, 0);
    for (int y = 2090; y <= 2099; y++)
        series_year(fp, "future", "rcp85", y, NAN, 15, y == 2095 ? 100 : 14 + offset,
                    y == 2095 ? 65 : 0);
    fclose(fp);
}

typedef struct {
    char dir[4096];
    char *paths[16];
    size_t n;
} run_dir_t;

static void add_output(run_dir_t *r, const char *rel)
{
    char p[8192];
    snprintf(p, sizeof p, "%s/%s", r->dir, rel);
    r->paths[r->n++] = strdup(p);
}

static void draw_series_png(dsc_ctx_t *ctx, const char *path)
{
    double x[3] = {1990.5, 1991.5, 1992.5}, y[3] = {10, 11, 10.5};
    dsc_plot_line_t l = {"Observed", x, y, 3, dsc_plot_color(0), 2, 1, NULL, NULL};
    cr_assert_eq(dsc_plot_series(ctx, path, "t", "T (\302\260C)", &l, 1, 1200, 700), DSC_OK,
                 "%s", dsc_ctx_message(ctx));
}

static void make_run(dsc_ctx_t *ctx, run_dir_t *r)
{
    memset(r, 0, sizeof *r);
    snprintf(r->dir, sizeof r->dir, "%s/out", test_tmpdir());
    cr_assert_eq(mkdir(r->dir, 0755), 0);
    make_dir(r->dir, "figures");
    make_dir(r->dir, "taylor");
    make_dir(r->dir, "series");
    char p[8192];

    snprintf(p, sizeof p, "%s/figures/r_tasmax_series_historical.png", r->dir);
    draw_series_png(ctx, p);
    add_output(r, "figures/r_tasmax_series_historical.png");
    snprintf(p, sizeof p, "%s/figures/r_tasmax_series_historical.csv", r->dir);
    test_write_file(p, "year,obs\n1990,9.0\n");
    add_output(r, "figures/r_tasmax_series_historical.csv");
    dsc_taylor_t st = {.n = 365, .sd = 3.1, .sd_ref = 3.0, .sd_ratio = 3.1 / 3.0, .corr = 0.9,
                       .crmsd = 1.4, .crmsd_norm = 1.4 / 3.0, .bias = 0.1, .rmse = 1.41};
    const char *label = "ANN";
    snprintf(p, sizeof p, "%s/figures/r_tasmax_taylor.svg", r->dir);
    cr_assert_eq(dsc_plot_taylor(ctx, p, "t", &st, &label, 1, 1, 900, 800), DSC_OK, "%s",
                 dsc_ctx_message(ctx));
    add_output(r, "figures/r_tasmax_taylor.svg");
    snprintf(p, sizeof p, "%s/figures/r_tasmax_histogram.pdf", r->dir);
    test_write_file(p, "%PDF-1.5\n");
    add_output(r, "figures/r_tasmax_histogram.pdf");
    add_output(r, "figures/r_tasmax_map_never_written.png");

    snprintf(p, sizeof p, "%s/taylor/r_tasmax.csv", r->dir);
    test_write_file(p, "method,n,corr,sd,sd_ratio,crmsd,crmsd_norm,bias,rmse\n"
                       "gcm,5479,0.855383,8.094907,0.919449,4.595233,0.521943,-0.533564,4.626106\n"
                       "ann_bc,5479,0.912345,8.080065,1.017763,4.604633,0.523011,0.004,4.623753\n");
    add_output(r, "taylor/r_tasmax.csv");
    snprintf(p, sizeof p, "%s/series/r_tasmax.csv", r->dir);
    write_series(p, 0);
    add_output(r, "series/r_tasmax.csv");
    snprintf(p, sizeof p, "%s/series/r_tasmax_M1.csv", r->dir);
    write_series(p, 0.25);
    add_output(r, "series/r_tasmax_M1.csv");
    snprintf(p, sizeof p, "%s/series/r_tasmax_M2.csv", r->dir);
    write_series(p, -0.25);
    add_output(r, "series/r_tasmax_M2.csv");
    r->paths[r->n++] = strdup("/etc/hostname"); /* outside the folder: not linked */
}

static void free_run(run_dir_t *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->paths[i]);
}

static const char *const VARS[] = {"tasmax"};
static const char *const MODELS[] = {"M1", "M2"};
static const char *const SCENS[] = {"rcp45", "rcp85"};

static dsc_report_region_t test_region(void)
{
    dsc_report_region_t reg = {"r",    "Test <Region>", VARS,         1,
                               MODELS, 2,               SCENS,        2,
                               {1951, 1980},            {1981, 1999}, {1990, 1999},
                               {2090, 2099}};
    return reg;
}

Test(report, page_of_a_small_run)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    run_dir_t run;
    make_run(ctx, &run);
    dsc_report_region_t reg = test_region();
    dsc_report_setting_t set[2] = {{"ann", "hidden", "16, 8"}, {"x", "y", "<b>bold</b>"}};
    const char *sha = "71e7261393cda1a31a259b4cfe1f27395a17bf32ab038d683925115484e64571";
    dsc_report_input_t in[1] = {{"data/obs & more.nc", 1536, sha}};
    dsc_report_info_t info = {"test<&>", "A description", "pipelines/none.ini",
                              "[ann]\nhidden = 16, 8\n", "downscale run x", "/data",
                              "success", "0.1.0", set, 2, in, 1, &reg, 1};
    int rc = dsc_report_write(ctx, run.dir, &info, (const char *const *)run.paths, run.n);
    cr_assert_eq(rc, DSC_OK, "%s", dsc_ctx_message(ctx));

    char page[8192], page_dir[8192];
    snprintf(page_dir, sizeof page_dir, "%s/report", run.dir);
    snprintf(page, sizeof page, "%s/index.html", page_dir);
    char *html = test_read_file(page);
    cr_assert_not_null(html);
    cr_assert(strncmp(html, "<!DOCTYPE html>", 15) == 0);
    cr_assert_not_null(strstr(html, "</html>"));
    check_self_contained(html);
    /* The PNG and the SVG are shown; the PDF-only figure is only linked. */
    cr_assert_eq(check_images(page_dir, html), 2);
    cr_assert_not_null(strstr(html, "href=\"../figures/r_tasmax_histogram.pdf\""));
    cr_assert_null(strstr(html, "src=\"../figures/r_tasmax_histogram.pdf\""));
    cr_assert_not_null(strstr(html, "href=\"../figures/r_tasmax_series_historical.csv\""));
    cr_assert_null(strstr(html, "never_written"), "a file that does not exist is linked");
    cr_assert_null(strstr(html, "/etc/hostname"), "a file outside the run is linked");
    /* Wide series figure across the page, the Taylor diagram not. */
    cr_assert_not_null(strstr(html, "<figure class=\"wide\" id=\"fig-r-tasmax-series_hist"));
    cr_assert_not_null(strstr(html, "<figure id=\"fig-r-tasmax-taylor\""));
    /* Text from the caller is escaped; settings and inputs are there. */
    cr_assert_not_null(strstr(html, "test&lt;&amp;&gt;"));
    cr_assert_null(strstr(html, "<b>bold</b>"));
    cr_assert_not_null(strstr(html, "&lt;b&gt;bold&lt;/b&gt;"));
    cr_assert_not_null(strstr(html, "Test &lt;Region&gt;"));
    cr_assert_not_null(strstr(html, "data/obs &amp; more.nc"));
    cr_assert_not_null(strstr(html, in[0].sha256));
    cr_assert_not_null(strstr(html, "1.5 KiB"));
    cr_assert_not_null(strstr(html, "hidden = 16, 8"), "the pipeline file's text");

    /* Validation table: numbers from the Taylor CSV, rounded for reading. */
    cr_assert_not_null(strstr(html, "<td class=\"num\">0.912</td>"));
    cr_assert_null(strstr(html, "+0.00</td>"), "a bias of 0.004 is written without a sign");
    cr_assert_not_null(strstr(html, "<td class=\"num\">0.00</td>"));
    cr_assert_not_null(strstr(html, "<td class=\"num\">\xe2\x88\x92" "0.53</td>"));

    /* Change table: the changes worked out above, the short year 2095 left out. */
    double v[8];
    cr_assert_eq(row_numbers(html, "change-r_tasmax", "rcp45", v, 8), 4);
    cr_assert_float_eq(v[0], 2.0, 1e-9);  /* raw GCM */
    cr_assert_float_eq(v[2], 2.5, 1e-9);  /* ANN bias-corrected */
    cr_assert_eq(row_numbers(html, "change-r_tasmax", "rcp85", v, 8), 4);
    cr_assert_float_eq(v[0], 4.0, 1e-9);
    cr_assert_float_eq(v[2], 4.0, 1e-9);
    /* Per model: M1 is 0.25 warmer in the late period, M2 0.25 cooler. */
    const char *models = strstr(html, "class=\"change-models\"");
    cr_assert_not_null(models);
    cr_assert_not_null(strstr(models, "M1</a></th><td class=\"num\">+2.75</td><td "
                                      "class=\"num\">+4.25</td>"));
    cr_assert_not_null(strstr(models, "M2</a></th><td class=\"num\">+2.25</td><td "
                                      "class=\"num\">+3.75</td>"));

    /* Written atomically: nothing but the page in the folder. */
    DIR *d = opendir(page_dir);
    struct dirent *e;
    int files = 0;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.')
            files++;
    closedir(d);
    cr_assert_eq(files, 1);
    free(html);
    free_run(&run);
    dsc_ctx_destroy(ctx);
}

Test(report, missing_tables_are_noted_not_errors)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    char dir[4096], page[4200];
    snprintf(dir, sizeof dir, "%s", test_tmpdir());
    dsc_report_region_t reg = test_region();
    dsc_report_info_t info = {.name = "empty", .outcome = "r: cannot read the input",
                              .regions = &reg, .nregions = 1};
    cr_assert_eq(dsc_report_write(ctx, dir, &info, NULL, 0), DSC_OK, "%s",
                 dsc_ctx_message(ctx));
    snprintf(page, sizeof page, "%s/report/index.html", dir);
    char *html = test_read_file(page);
    cr_assert_not_null(html);
    cr_assert_not_null(strstr(html, "No validation statistics"));
    cr_assert_not_null(strstr(html, "No change table"));
    cr_assert_not_null(strstr(html, "No figures were written"));
    cr_assert_not_null(strstr(html, "class=\"fail\""), "a failed run says so");
    cr_assert_not_null(strstr(html, "r: cannot read the input"));
    cr_assert_eq(check_images(dir, html), 0);
    free(html);
    dsc_ctx_destroy(ctx);
}

Test(report, errors_name_the_place)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    dsc_report_info_t info = {.name = "x", .outcome = "success"};
    cr_assert_eq(dsc_report_write(ctx, NULL, &info, NULL, 0), DSC_ERR_USAGE);
    cr_assert_eq(dsc_report_write(ctx, "/tmp", NULL, NULL, 0), DSC_ERR_USAGE);
    /* The output "folder" is a file: the report folder cannot be made. */
    char file[4200];
    snprintf(file, sizeof file, "%s/plain", test_tmpdir());
    test_write_file(file, "x");
    cr_assert_eq(dsc_report_write(ctx, file, &info, NULL, 0), DSC_ERR_IO);
    cr_assert_not_null(strstr(dsc_ctx_message(ctx), file), "%s", dsc_ctx_message(ctx));
    dsc_ctx_destroy(ctx);
}

Test(report, numbers_paths_and_the_ninety_percent_rule)
{
    char buf[256];
    FILE *fp = fmemopen(buf, sizeof buf, "w");
    report_number(fp, -0.004, 2, 1);
    fputc('|', fp);
    report_number(fp, 2.345, 2, 1);
    fputc('|', fp);
    report_number(fp, -1.5, 1, 0);
    fputc('|', fp);
    report_number(fp, NAN, 1, 0);
    fputc('|', fp);
    report_url(fp, "../figures/a b&c.png");
    fputc('|', fp);
    report_bytes(fp, 3 * 1024 * 1024);
    fclose(fp);
    cr_assert_str_eq(buf, "0.00|+2.35|\xe2\x88\x92" "1.5|\xe2\x80\x93|"
                          "../figures/a%20b%26c.png|3.0 MiB");
    cr_assert_str_eq(report_relative("/o/run/", "/o/run/series/a.csv", buf, sizeof buf),
                     "../series/a.csv");
    cr_assert_null(report_relative("/o/run", "/o/runner/a.csv", buf, sizeof buf));
    cr_assert_null(report_relative("/o/run", "/elsewhere/a.csv", buf, sizeof buf));

    dsc_ctx_t *ctx = dsc_ctx_create();
    char path[4200];
    snprintf(path, sizeof path, "%s/s.csv", test_tmpdir());
    write_series(path, 0);
    report_change_t ch[4];
    dsc_report_period_t base = {1990, 1999}, late = {2090, 2099};
    cr_assert_eq(report_change_read(ctx, path, base, late, ch, 4), 2);
    cr_assert_str_eq(ch[1].scenario, "rcp85");
    cr_assert_float_eq(ch[1].late[3], 14.0, 1e-9, "2095 (300 of 365 days) is left out");
    cr_assert_float_eq(ch[1].base[0], 9.0, 1e-9);
    cr_assert(isnan(ch[1].late[0]), "no observations in the future");
    cr_assert_eq(report_change_read(ctx, "/nonexistent.csv", base, late, ch, 4), -1);
    cr_assert_eq(dsc_ctx_status(ctx), DSC_ERR_IO);
    dsc_ctx_destroy(ctx);
}

/* ---- the demo run ---------------------------------------------------------------------- */

static char *demo_page(void)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/report/index.html", test_demo_dir());
    char *html = test_read_file(path);
    cr_assert_not_null(html, "the demo wrote no report: %s", path);
    return html;
}

Test(report, demo_page_shows_every_figure, .timeout = 900)
{
    test_demo_ensure();
    char *html = demo_page();
    char page_dir[1024], fig_dir[1024];
    snprintf(page_dir, sizeof page_dir, "%s/report", test_demo_dir());
    snprintf(fig_dir, sizeof fig_dir, "%s/figures", test_demo_dir());
    check_self_contained(html);
    size_t shown = check_images(page_dir, html);
    /* Every PNG the run drew is on the page (the demo draws PNG only). */
    size_t pngs = 0;
    DIR *d = opendir(fig_dir);
    cr_assert_not_null(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *ext = strrchr(e->d_name, '.');
        if (!ext || strcmp(ext, ".png") != 0)
            continue;
        pngs++;
        char needle[600];
        snprintf(needle, sizeof needle, "src=\"../figures/%s\"", e->d_name);
        cr_expect_not_null(strstr(html, needle), "%s is not on the page", e->d_name);
    }
    closedir(d);
    cr_assert_gt(pngs, 20);
    cr_assert_eq(shown, pngs);
    /* Tables of every region and variable. */
    const char *ids[] = {"frankfurt-tasmax", "frankfurt-tasmin", "vancouver-tasmax",
                         "arctic-tiny-tasmax", "change-frankfurt_tasmax",
                         "change-vancouver_tasmax"};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        char key[128];
        snprintf(key, sizeof key, "id=\"%s\"", ids[i]);
        cr_expect_not_null(strstr(html, key), "no %s on the page", ids[i]);
    }
    cr_assert_not_null(strstr(html, "href=\"../manifest.json\""));
    free(html);
}

Test(report, demo_figures_have_their_sizes, .timeout = 900)
{
    test_demo_ensure();
    char fig_dir[1024];
    snprintf(fig_dir, sizeof fig_dir, "%s/figures", test_demo_dir());
    DIR *d = opendir(fig_dir);
    cr_assert_not_null(d);
    struct dirent *e;
    size_t n = 0;
    while ((e = readdir(d))) {
        const char *ext = strrchr(e->d_name, '.');
        if (!ext || strcmp(ext, ".png") != 0)
            continue;
        char path[2048], csv[2048];
        snprintf(path, sizeof path, "%s/%s", fig_dir, e->d_name);
        int w, h;
        cr_assert(png_size(path, &w, &h), "%s is not a valid PNG", path);
        int ew = 1200, eh = 700;
        if (strstr(e->d_name, "_taylor")) {
            ew = 900;
            eh = 800;
        } else if (strstr(e->d_name, "_map_")) {
            ew = 1000;
            eh = 850;
        }
        cr_expect(w == ew && h == eh, "%s is %d x %d, expected %d x %d", e->d_name, w, h, ew,
                  eh);
        /* Beside every figure, the data it shows; the learning-rule comparison keeps its
         * curves in learning/<region>_<var>_rules.csv. */
        const char *rules = strstr(e->d_name, "_learning_rules.png");
        if (rules)
            snprintf(csv, sizeof csv, "%s/learning/%.*s_rules.csv", test_demo_dir(),
                     (int)(rules - e->d_name), e->d_name);
        else
            snprintf(csv, sizeof csv, "%.*s.csv", (int)(strlen(path) - 4), path);
        cr_expect_eq(access(csv, R_OK), 0, "no data for %s (%s)", e->d_name, csv);
        n++;
    }
    closedir(d);
    cr_assert_gt(n, 20);
}

/* Annual means of one column over the rows of one scenario, by year, with the 90% rule
 * (written here from the series file, independently of the pipeline's code). */
static size_t annual_from_series(const test_csv_t *s, const char *scenario, const char *col,
                                 int *years, double *means, size_t max)
{
    int cd = test_csv_col(s, "date"), cs = test_csv_col(s, "scenario"), cv = test_csv_col(s, col);
    cr_assert(cd >= 0 && cs >= 0 && cv >= 0);
    size_t k = 0;
    int year = -1;
    double sum = 0;
    size_t rows = 0, n = 0;
    for (size_t r = 0; r <= s->nrows; r++) {
        int y = r < s->nrows ? atoi(s->cells[r][cd]) : -2;
        int mine = r < s->nrows && strcmp(s->cells[r][cs], scenario) == 0;
        if ((y != year || !mine) && rows > 0) {
            cr_assert_lt(k, max);
            years[k] = year;
            means[k++] = n >= 0.9 * rows ? sum / (double)n : NAN;
            rows = n = 0;
            sum = 0;
        }
        if (!mine)
            continue;
        year = y;
        rows++;
        double v = test_csv_num(s, r, cv);
        if (isfinite(v)) {
            sum += v;
            n++;
        }
    }
    return k;
}

/* Rounding: the series file carries 4 decimals, the figure's mean was taken before that
 * rounding and written with 4 decimals itself: 1e-4 covers both. */
#define CSV_TOL 1.01e-4

Test(report, demo_series_figure_data_matches_the_series, .timeout = 900)
{
    test_demo_ensure();
    test_csv_t *s = test_demo_csv("series/frankfurt_tasmax.csv");
    test_csv_t *h = test_demo_csv("figures/frankfurt_tasmax_series_historical.csv");
    test_csv_t *f = test_demo_csv("figures/frankfurt_tasmax_series_future.csv");
    int years[400];
    double means[400];
    const char *methods[] = {"obs", "gcm", "ann", "ann_bc", "linear"};
    for (size_t k = 0; k < 5; k++) {
        size_t n = annual_from_series(s, "historical", methods[k], years, means, 400);
        cr_assert_eq(n, h->nrows, "one row per historical year");
        int cm = test_csv_col(h, methods[k]), cy = test_csv_col(h, "year");
        for (size_t i = 0; i < n; i++) {
            cr_assert_eq(atoi(h->cells[i][cy]), years[i]);
            double v = test_csv_num(h, i, cm);
            cr_expect(isnan(v) == isnan(means[i]) && (isnan(v) || fabs(v - means[i]) < CSV_TOL),
                      "%s %d: figure %.4f, series %.4f", methods[k], years[i], v, means[i]);
        }
    }
    /* Future: each scenario's corrected ANN, and a band symmetric about it. */
    const char *scen[] = {"rcp26", "rcp45", "rcp60", "rcp85"};
    int cy = test_csv_col(f, "year");
    for (size_t k = 0; k < 4; k++) {
        size_t n = annual_from_series(s, scen[k], "ann_bc", years, means, 400);
        cr_assert_gt(n, 90);
        char lo_name[32], hi_name[32];
        snprintf(lo_name, sizeof lo_name, "%s_band_lo", scen[k]);
        snprintf(hi_name, sizeof hi_name, "%s_band_hi", scen[k]);
        int cv = test_csv_col(f, scen[k]), cl = test_csv_col(f, lo_name),
            ch = test_csv_col(f, hi_name);
        cr_assert(cv >= 0 && cl >= 0 && ch >= 0);
        size_t matched = 0;
        for (size_t r = 0; r < f->nrows; r++) {
            int y = atoi(f->cells[r][cy]);
            for (size_t i = 0; i < n; i++) {
                if (years[i] != y)
                    continue;
                double v = test_csv_num(f, r, cv);
                cr_expect(fabs(v - means[i]) < CSV_TOL, "%s %d: %.4f vs %.4f", scen[k], y, v,
                          means[i]);
                double lo = test_csv_num(f, r, cl), hi = test_csv_num(f, r, ch);
                cr_expect(fabs((hi - v) - (v - lo)) < 2.1e-4 && hi >= lo, "band %d", y);
                matched++;
            }
        }
        cr_assert_eq(matched, n);
    }
    test_csv_free(s);
    test_csv_free(h);
    test_csv_free(f);
}

Test(report, demo_taylor_and_histogram_figure_data_match, .timeout = 900)
{
    test_demo_ensure();
    test_csv_t *t = test_demo_csv("taylor/vancouver_tasmax.csv");
    test_csv_t *ft = test_demo_csv("figures/vancouver_tasmax_taylor.csv");
    cr_assert_eq(ft->nrows, t->nrows);
    const char *cols[] = {"n", "corr", "sd_ratio", "crmsd_norm", "bias", "rmse"};
    for (size_t r = 0; r < t->nrows; r++) {
        cr_assert_str_eq(ft->cells[r][test_csv_col(ft, "method")],
                         t->cells[r][test_csv_col(t, "method")]);
        for (size_t k = 0; k < 6; k++) {
            double a = test_csv_num(t, r, test_csv_col(t, cols[k]));
            double b = test_csv_num(ft, r, test_csv_col(ft, cols[k]));
            cr_expect(fabs(a - b) <= 1e-6, "%s: %f vs %f", cols[k], a, b);
        }
    }
    /* The histogram figure shows densities: counts / (total * bin width). */
    test_csv_t *hc = test_demo_csv("hist/frankfurt_tasmin.csv");
    test_csv_t *hf = test_demo_csv("figures/frankfurt_tasmin_histogram.csv");
    cr_assert_eq(hf->nrows, hc->nrows);
    for (size_t c = 2; c < hc->ncols; c++) {
        int cf = test_csv_col(hf, hc->header[c]);
        cr_assert(cf >= 0, "no %s in the figure's data", hc->header[c]);
        double total = 0, integral = 0;
        for (size_t r = 0; r < hc->nrows; r++)
            total += test_csv_num(hc, r, (int)c);
        for (size_t r = 0; r < hc->nrows; r++) {
            double width = test_csv_num(hc, r, 1) - test_csv_num(hc, r, 0);
            double expect = test_csv_num(hc, r, (int)c) / (total * width);
            double got = test_csv_num(hf, r, cf);
            cr_expect(fabs(got - expect) < 1e-8, "%s bin %zu: %g vs %g", hc->header[c], r, got,
                      expect);
            integral += got * width;
        }
        cr_expect(fabs(integral - 1) < 1e-5, "%s integrates to %g", hc->header[c], integral);
    }
    test_csv_free(t);
    test_csv_free(ft);
    test_csv_free(hc);
    test_csv_free(hf);
}

Test(report, demo_map_figure_data_matches_the_netcdf_map, .timeout = 900)
{
    test_demo_ensure();
    test_csv_t *m = test_demo_csv("figures/arctic-tiny_tasmax_map_historical_mean_obs.csv");
    char path[1024];
    snprintf(path, sizeof path, "%s/maps/arctic-tiny_tasmax_historical_mean_obs.nc",
             test_demo_dir());
    int nc, var, lat_id, lon_id;
    cr_assert_eq(nc_open(path, NC_NOWRITE, &nc), NC_NOERR, "%s", path);
    cr_assert_eq(nc_inq_varid(nc, "tasmax", &var), NC_NOERR);
    cr_assert_eq(nc_inq_varid(nc, "lat", &lat_id), NC_NOERR);
    cr_assert_eq(nc_inq_varid(nc, "lon", &lon_id), NC_NOERR);
    static double v[26 * 26], lat[26], lon[26];
    cr_assert_eq(m->nrows, 26 * 26);
    cr_assert_eq(nc_get_var_double(nc, var, v), NC_NOERR);
    cr_assert_eq(nc_get_var_double(nc, lat_id, lat), NC_NOERR);
    cr_assert_eq(nc_get_var_double(nc, lon_id, lon), NC_NOERR);
    nc_close(nc);
    size_t finite = 0;
    for (size_t r = 0; r < m->nrows; r++) {
        size_t i = r / 26, j = r % 26;
        cr_assert_float_eq(test_csv_num(m, r, 0), lat[i], 1e-5);
        cr_assert_float_eq(test_csv_num(m, r, 1), lon[j], 1e-5);
        double a = test_csv_num(m, r, 2), b = v[r];
        if (b > 1e19) { /* _FillValue */
            cr_expect(isnan(a), "cell %zu: missing in the map, %f in the figure", r, a);
            continue;
        }
        /* The NetCDF map is single precision: 1e-5 relative, plus the CSV's rounding. */
        cr_expect(fabs(a - b) < 1e-4 + 1e-5 * fabs(b), "cell %zu: %f vs %f", r, a, b);
        finite++;
    }
    cr_assert_gt(finite, 500);
    test_csv_free(m);
}

/* The change table agrees with the change worked out here from the series file. */
Test(report, demo_change_table_matches_the_series, .timeout = 900)
{
    test_demo_ensure();
    test_csv_t *s = test_demo_csv("series/frankfurt_tasmax.csv");
    char *html = demo_page();
    int years[400];
    double means[400];
    size_t nh = annual_from_series(s, "historical", "ann_bc", years, means, 400);
    double base = 0;
    size_t nb = 0;
    for (size_t i = 0; i < nh; i++)
        if (years[i] >= 1990 && years[i] <= 1999 && isfinite(means[i])) {
            base += means[i];
            nb++;
        }
    cr_assert_eq(nb, 10);
    base /= 10;
    const char *scen[] = {"rcp26", "rcp45", "rcp60", "rcp85"};
    for (size_t k = 0; k < 4; k++) {
        size_t n = annual_from_series(s, scen[k], "ann_bc", years, means, 400);
        double late = 0;
        size_t nl = 0;
        for (size_t i = 0; i < n; i++)
            if (years[i] >= 2090 && years[i] <= 2099 && isfinite(means[i])) {
                late += means[i];
                nl++;
            }
        cr_assert_eq(nl, 10);
        double v[8];
        cr_assert_eq(row_numbers(html, "change-frankfurt_tasmax", scen[k], v, 8), 4);
        /* Two decimals on the page. */
        cr_expect(fabs(v[2] - (late / 10 - base)) <= 0.0051, "%s: page %+.2f, series %+.4f",
                  scen[k], v[2], late / 10 - base);
    }
    free(html);
    test_csv_free(s);
}

/* ---- headless Chromium ----------------------------------------------------------------- */

static const char *chromium(void)
{
    static const char *const names[] = {"/usr/bin/chromium", "/usr/bin/chromium-browser"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (access(names[i], X_OK) == 0)
            return names[i];
    return NULL;
}

/* Chromium without a network, a profile of its own and nothing it would fetch. */
static void chromium_cmd(char *cmd, size_t size, const char *profile, const char *args,
                         const char *url, const char *out)
{
    snprintf(cmd, size,
             "%s --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
             "--disable-background-networking --disable-component-update --disable-sync "
             "--disable-extensions --hide-scrollbars --user-data-dir='%s' %s '%s' > '%s' "
             "2>/dev/null",
             chromium(), profile, args, url, out);
}

/* The page is copied (with the figures) and given a test-only script that counts, once
 * everything has loaded, the images the browser could not decode; --dump-dom prints the
 * document with the counts. The page itself has no script. */
Test(report, chromium_loads_every_image, .timeout = 900)
{
    if (!chromium())
        cr_skip_test("no chromium (apt-get install chromium)");
    test_demo_ensure();
    char dir[4096], cmd[16384], path[4200], profile[4200], out[4200];
    snprintf(dir, sizeof dir, "%s", test_tmpdir());
    snprintf(cmd, sizeof cmd, "cp -r '%s/report' '%s/figures' '%s/'", test_demo_dir(),
             test_demo_dir(), dir);
    cr_assert_eq(test_system(cmd), 0);
    char *html = demo_page();
    snprintf(path, sizeof path, "%s/report/check.html", dir);
    FILE *fp = fopen(path, "w");
    cr_assert_not_null(fp);
    char *end = strstr(html, "</body>");
    cr_assert_not_null(end);
    fprintf(fp, "%.*s", (int)(end - html), html);
    fputs("<script>window.addEventListener('load',function(){var im=document.images,b=0,"
          "i;for(i=0;i<im.length;i++)if(!im[i].complete||im[i].naturalWidth===0)b++;"
          "document.body.setAttribute('data-images',im.length);"
          "document.body.setAttribute('data-broken',b);});</script>\n</body></html>\n",
          fp);
    fclose(fp);
    char copy_dir[4300];
    snprintf(copy_dir, sizeof copy_dir, "%s/report", dir);
    size_t expected = check_images(copy_dir, html); /* the same relative paths */
    free(html);

    snprintf(profile, sizeof profile, "%s/profile", dir);
    snprintf(out, sizeof out, "%s/dom.html", dir);
    char url[4300];
    snprintf(url, sizeof url, "file://%s", path);
    if (url[7] != '/')
        cr_skip_test("the test folder is not an absolute path");
    chromium_cmd(cmd, sizeof cmd, profile, "--virtual-time-budget=20000 --dump-dom", url, out);
    cr_assert_eq(test_system(cmd), 0, "%s", cmd);
    char *dom = test_read_file(out);
    cr_assert_not_null(dom);
    char want[64];
    snprintf(want, sizeof want, "data-images=\"%zu\"", expected);
    cr_assert_not_null(strstr(dom, want), "Chromium saw another number of images than %zu",
                       expected);
    cr_assert_not_null(strstr(dom, "data-broken=\"0\""), "Chromium could not load an image");
    free(dom);

    /* A screenshot of the page itself, kept for a look when DSC_REPORT_SHOTS is set. */
    const char *keep = getenv("DSC_REPORT_SHOTS");
    char shot[4200];
    if (keep && *keep) {
        mkdir(keep, 0755);
        snprintf(shot, sizeof shot, "%s/report.png", keep);
    } else {
        snprintf(shot, sizeof shot, "%s/report.png", dir);
    }
    snprintf(url, sizeof url, "file://%s/report/index.html", dir);
    char args[4400];
    snprintf(args, sizeof args, "--virtual-time-budget=20000 --window-size=1400,9000 "
             "--screenshot='%s'", shot);
    snprintf(out, sizeof out, "%s/shot.log", dir);
    chromium_cmd(cmd, sizeof cmd, profile, args, url, out);
    cr_assert_eq(test_system(cmd), 0, "%s", cmd);
    int w, h;
    cr_assert(png_size(shot, &w, &h), "no screenshot %s", shot);
    cr_assert_eq(w, 1400);
    cr_assert_eq(h, 9000);
}
