/* test_beijing.c - pipelines/beijing.ini end to end on a synthetic CCSM4 + GMFD archive in
 * the published layouts (tests/support/fixture_beijing.c), a second city from its region
 * file alone, broken archives, and the real Beijing Capital GHCN-Daily record as the
 * observations of a point region.
 *
 * The fixture and the runs are made once per session (under a file lock, since Criterion
 * runs tests in parallel processes) in $DOWNSCALE_TEST_BEIJING or build/test-beijing and
 * reused while the program, the pipeline and the fixture's version are unchanged. The run
 * is made faster than the pipeline's defaults with --set: the 1.0 degree GMFD files, one
 * ANN of 10 epochs (about 1 min on 2 cores); nothing else differs.
 *
 * Expected values come from what the fixture imposes (its warming per RCP and its model
 * bias) and from the GHCN-Daily text parsed here, never from the program's own outputs. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <gdal.h>
#include <math.h>
#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support/csv.h"
#include "support/fixture_beijing.h"
#include "support/support.h"

static const char *const RCPS[] = {"rcp26", "rcp45", "rcp60", "rcp85"};
static const char *const VARS[] = {"tasmax", "tasmin"};
static const char *const METHODS[] = {"gcm", "ann", "ann_bc", "linear"};
#define NRCP 4

/* The overrides that make the test run fast (see the top of this file). */
#define FAST_SETTINGS                                                                      \
    "--set 'inputs.obs=gmfd/{var}_1p0_daily_*.nc' --set ann.epochs=10 "                    \
    "--set ann.ensemble=1"

static const char *base_dir(void)
{
    const char *d = getenv("DOWNSCALE_TEST_BEIJING");
    return d && *d ? d : "build/test-beijing";
}

/* base_dir()/rel in one of a few rotating static buffers. */
static const char *at(const char *rel)
{
    static char buf[8][1024];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", base_dir(), rel);
    return buf[k];
}

static double mtime(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (double)st.st_mtime : -1;
}

static int file_ok(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && st.st_size > 0;
}

/* Takes one of the session's locks (base_dir/.<name>.lock); returns its descriptor. The
 * fixture and each run have their own, so a test that needs only the fixture does not wait
 * for a pipeline run. */
static int lock_session(const char *name)
{
    char cmd[1200], rel[128];
    snprintf(cmd, sizeof cmd, "mkdir -p %s", base_dir());
    cr_assert_eq(test_system(cmd), 0);
    snprintf(rel, sizeof rel, ".%s.lock", name);
    int fd = open(at(rel), O_RDWR | O_CREAT, 0644);
    cr_assert(fd >= 0);
    flock(fd, LOCK_EX);
    return fd;
}

static void unlock_session(int fd)
{
    flock(fd, LOCK_UN);
    close(fd);
}

/* Writes the fixture unless a complete one of this version is there. */
static void ensure_fixture(void)
{
    int fd = lock_session("fixture");
    char stamp[64];
    snprintf(stamp, sizeof stamp, "fixture_beijing version %d\n", FIXTURE_BEIJING_VERSION);
    char *have = test_read_file(at("fixture/COMPLETE"));
    int fresh = have && strcmp(have, stamp) == 0;
    free(have);
    if (!fresh) {
        cr_assert_eq(test_remove_tree(at("fixture")), 0);
        cr_assert_eq(fixture_beijing_write(at("fixture"), NULL), 0, "the fixture failed");
        test_write_file(at("fixture/COMPLETE"), stamp);
    }
    unlock_session(fd);
}

/* Runs a pipeline into out (relative to base_dir) unless the same command already
 * succeeded there with the current program, pipeline files and fixture. A failed run is
 * remembered (<out>.failed) so that the other tests of the session fail at once instead of
 * running it again. Takes the run's own lock. */
static void run_once(const char *out, const char *pipeline, const char *args,
                            const char *const *inputs, size_t ninputs)
{
    char cmd[4096], cmd_file[1100], failed_file[1100], manifest[1100];
    snprintf(cmd, sizeof cmd, "%s run %s --quiet --data-root %s --out %s %s", test_bin(), pipeline,
             at("fixture"), at(out), args);
    snprintf(cmd_file, sizeof cmd_file, "%s.cmd", at(out));
    snprintf(failed_file, sizeof failed_file, "%s.failed", at(out));
    snprintf(manifest, sizeof manifest, "%s/manifest.json", at(out));
    ensure_fixture();
    int fd = lock_session(out);
    char *m = test_read_file(manifest), *last = test_read_file(cmd_file);
    char *failed = test_read_file(failed_file);
    double t = mtime(manifest), tf = mtime(failed_file);
    int fresh = m && strstr(m, "\"outcome\": \"success\"") && last && !strcmp(last, cmd) &&
                t >= mtime(test_bin()) && t >= mtime(at("fixture/COMPLETE"));
    int failed_before = failed && !strcmp(failed, cmd) && tf >= mtime(test_bin()) &&
                        tf >= mtime(at("fixture/COMPLETE"));
    for (size_t i = 0; i < ninputs; i++) {
        fresh = fresh && t >= mtime(inputs[i]);
        failed_before = failed_before && tf >= mtime(inputs[i]);
    }
    free(m);
    free(last);
    free(failed);
    if (fresh) {
        unlock_session(fd);
        return;
    }
    cr_assert(!failed_before, "the pipeline failed earlier in this session: %s (see %s/run.log)",
              cmd, at(out));
    char full[5000];
    snprintf(full, sizeof full, "rm -rf %s %s && %s", at(out), failed_file, cmd);
    int rc = test_system(full);
    test_write_file(rc ? failed_file : cmd_file, cmd);
    cr_assert_eq(rc, 0, "the pipeline failed (exit %d): %s", rc, cmd);
    /* The results cache (about 1 GB per Beijing member) is of no use to a test, which
     * reruns from scratch whenever anything changed. */
    snprintf(full, sizeof full, "rm -rf %s/.cache", at(out));
    test_system(full);
    unlock_session(fd);
}

/* The Beijing pipeline with Shanghai as a second region: nothing but its region file. */
static void ensure_run(void)
{
    static const char *const inputs[] = {"pipelines/beijing.ini", "regions/beijing.ini",
                                         "regions/shanghai.ini"};
    run_once("out", "pipelines/beijing.ini",
             FAST_SETTINGS " --set pipeline.regions=beijing,shanghai", inputs, 3);
}

static int out_exists(const char *fmt, const char *a, const char *b, const char *c)
{
    char rel[512];
    snprintf(rel, sizeof rel, fmt, a, b, c);
    return file_ok(at(rel));
}

/* ---- reading outputs ---------------------------------------------------------------------- */

/* A map written by the pipeline: ny x nx values (NaN for fill) and its coordinates. */
typedef struct {
    size_t ny, nx;
    double *v, *lat, *lon;
} map_t;

static map_t read_map(const char *region, const char *var, const char *scen, const char *what)
{
    char rel[512];
    snprintf(rel, sizeof rel, "out/maps/%s_%s_%s_%s.nc", region, var, scen, what);
    const char *path = at(rel);
    map_t m = {0};
    int nc, vid, dims[2];
    cr_assert_eq(nc_open(path, NC_NOWRITE, &nc), NC_NOERR, "cannot open %s", path);
    cr_assert_eq(nc_inq_varid(nc, var, &vid), NC_NOERR, "%s: no %s", path, var);
    cr_assert_eq(nc_inq_vardimid(nc, vid, dims), NC_NOERR);
    nc_inq_dimlen(nc, dims[0], &m.ny);
    nc_inq_dimlen(nc, dims[1], &m.nx);
    m.v = malloc(m.ny * m.nx * sizeof *m.v);
    m.lat = malloc(m.ny * sizeof *m.lat);
    m.lon = malloc(m.nx * sizeof *m.lon);
    float fill = 0;
    nc_get_att_float(nc, vid, "_FillValue", &fill);
    float *f = malloc(m.ny * m.nx * sizeof *f);
    cr_assert_eq(nc_get_var_float(nc, vid, f), NC_NOERR);
    for (size_t i = 0; i < m.ny * m.nx; i++)
        m.v[i] = f[i] == fill ? NAN : f[i];
    free(f);
    int id;
    cr_assert_eq(nc_inq_varid(nc, "lat", &id), NC_NOERR);
    nc_get_var_double(nc, id, m.lat);
    cr_assert_eq(nc_inq_varid(nc, "lon", &id), NC_NOERR);
    nc_get_var_double(nc, id, m.lon);
    nc_close(nc);
    return m;
}

static void map_free(map_t *m)
{
    free(m->v);
    free(m->lat);
    free(m->lon);
}

static double map_mean(const map_t *m)
{
    double s = 0;
    size_t n = 0;
    for (size_t i = 0; i < m->ny * m->nx; i++)
        if (isfinite(m->v[i])) {
            s += m->v[i];
            n++;
        }
    cr_assert_gt(n, 0, "an empty map");
    return s / (double)n;
}

static test_csv_t *out_csv(const char *rel)
{
    test_csv_t *csv = test_csv_read(at(rel));
    cr_assert_not_null(csv, "missing output %s", at(rel));
    return csv;
}

/* ---- outputs ------------------------------------------------------------------------------ */

Test(beijing, every_output_for_both_variables_and_every_rcp, .timeout = 900)
{
    ensure_run();
    for (size_t v = 0; v < 2; v++) {
        const char *var = VARS[v];
        const char *flat[] = {"series/%s_%s.csv", "series/%s_%s.nc", "taylor/%s_%s.csv",
                              "taylor/%s_%s_annual_cycle.csv", "hist/%s_%s.csv",
                              "figures/%s_%s_taylor.png", "figures/%s_%s_histogram.png",
                              "figures/%s_%s_series_historical.png",
                              "figures/%s_%s_series_future.png",
                              "figures/%s_%s_series_annual.png",
                              "observations/%s_%s_years.csv",
                              "observations/%s_%s_annual_cycle.csv",
                              "observations/%s_%s_hist.csv"};
        for (size_t k = 0; k < sizeof flat / sizeof flat[0]; k++) {
            char fmt[128];
            snprintf(fmt, sizeof fmt, "out/%s", flat[k]);
            cr_expect(out_exists(fmt, "beijing", var, ""), "missing %s for %s", flat[k], var);
        }
        const char *hist[] = {"mean_obs", "mean_gcm", "mean_ann", "mean_ann_bc", "mean_linear",
                              "bias_gcm", "bias_ann", "bias_ann_bc", "bias_linear"};
        for (size_t k = 0; k < sizeof hist / sizeof hist[0]; k++)
            for (int tif = 0; tif < 2; tif++) {
                char fmt[128];
                snprintf(fmt, sizeof fmt, "out/maps/%%s_%%s_historical_%%s.%s",
                         tif ? "tif" : "nc");
                cr_expect(out_exists(fmt, "beijing", var, hist[k]), "missing %s %s map",
                          var, hist[k]);
            }
        for (size_t s = 0; s < NRCP; s++)
            for (size_t k = 0; k < 4; k++) {
                char what[64];
                for (int chg = 0; chg < 2; chg++) {
                    snprintf(what, sizeof what, "%s_%s.nc", chg ? "change" : "mean",
                             METHODS[k]);
                    cr_expect(out_exists("out/maps/beijing_%s_%s_%s", var, RCPS[s], what),
                              "missing %s %s %s", var, RCPS[s], what);
                    snprintf(what, sizeof what, "%s_%s.tif", chg ? "change" : "mean",
                             METHODS[k]);
                    cr_expect(out_exists("out/maps/beijing_%s_%s_%s", var, RCPS[s], what),
                              "missing %s %s %s", var, RCPS[s], what);
                }
            }
    }
    char *m = test_read_file(at("out/manifest.json"));
    cr_assert_not_null(m);
    cr_expect(strstr(m, "tasmax_day_CCSM4_rcp60_r1i1p1_20560101-21001231.nc"));
    cr_expect(strstr(m, "tmin_1p0_daily_1961-1961.nc"));
    free(m);
}

/* The series hold every historical day of the periods and every future day of each RCP in
 * the model's noleap calendar, with observations only on historical days. */
Test(beijing, series_cover_the_periods_in_the_model_calendar, .timeout = 900)
{
    ensure_run();
    test_csv_t *s = out_csv("out/series/beijing_tasmax.csv");
    int scen = test_csv_col(s, "scenario"), obs = test_csv_col(s, "obs");
    size_t hist = 0, fut[NRCP] = {0}, feb29 = 0, obs_future = 0;
    for (size_t r = 0; r < s->nrows; r++) {
        const char *sc = s->cells[r][scen];
        feb29 += strstr(s->cells[r][0], "-02-29") != NULL;
        if (!strcmp(sc, "historical")) {
            hist++;
            continue;
        }
        for (size_t k = 0; k < NRCP; k++)
            fut[k] += !strcmp(sc, RCPS[k]);
        obs_future += isfinite(test_csv_num(s, r, obs));
    }
    cr_expect_eq(hist, (size_t)(2005 - 1961 + 1) * 365);
    for (size_t k = 0; k < NRCP; k++)
        cr_expect_eq(fut[k], (size_t)(2100 - 2006 + 1) * 365, "%s", RCPS[k]);
    cr_expect_eq(feb29, 0);
    cr_expect_eq(obs_future, 0);
    test_csv_free(s);
}

/* Expected change of the 2090s over the 1990s (K): what the fixture imposes on the model. */
static double imposed_change(const char *rcp)
{
    return fixture_beijing_mean_warming(rcp, 2090, 2099) -
           fixture_beijing_mean_warming("historical", 1990, 1999);
}

/* Each RCP's 2090s change per cell, for the raw model and after downscaling and bias
 * correction. Tolerances: a decade's mean of the fixture's weather varies by about 0.1 K
 * (large-scale AR(1) anomaly of sd ~2.5 K with lag-one correlation 0.7: about 640
 * independent days), so a difference of two decades by ~0.15 K; 0.5 K is over 3 sd. The ANN
 * maps the model onto the observed distribution month by month; the model's day-to-day
 * variability is FIXTURE_MODEL_SD_RATIO times the observed, so that mapping may shrink the
 * change down to change / ratio, and no method should amplify it. */
Test(beijing, rcp_changes_ordered_and_close_to_the_imposed_warming, .timeout = 900)
{
    ensure_run();
    for (size_t v = 0; v < 2; v++) {
        double prev = -INFINITY;
        for (size_t s = 0; s < NRCP; s++) {
            double want = imposed_change(RCPS[s]);
            map_t gcm = read_map("beijing", VARS[v], RCPS[s], "change_gcm");
            map_t bc = read_map("beijing", VARS[v], RCPS[s], "change_ann_bc");
            cr_assert_eq(gcm.ny * gcm.nx, bc.ny * bc.nx);
            cr_expect_eq(bc.ny, 12, "1.0 degree cells of 35-45N plus a halo row each side");
            cr_expect_eq(bc.nx, 14);
            for (size_t i = 0; i < bc.ny * bc.nx; i++) {
                cr_expect(fabs(gcm.v[i] - want) < 0.5, "%s %s gcm cell %zu: %.3f, imposed %.3f",
                          VARS[v], RCPS[s], i, gcm.v[i], want);
                cr_expect(bc.v[i] > want / FIXTURE_MODEL_SD_RATIO - 0.5 && bc.v[i] < want + 0.5,
                          "%s %s ann_bc cell %zu: %.3f, imposed %.3f", VARS[v], RCPS[s], i,
                          bc.v[i], want);
            }
            double mean = map_mean(&bc);
            /* Imposed steps between RCPs are 0.66 K or more; noise 0.15 K. */
            cr_expect_gt(mean, prev + 0.3, "%s: %s change %.3f not above the previous %.3f",
                         VARS[v], RCPS[s], mean, prev);
            prev = mean;
            map_free(&gcm);
            map_free(&bc);
        }
    }
}

/* A change map is the scenario's 2090s mean map minus the historical 1990s mean map, and
 * the GeoTIFF holds the same numbers as the NetCDF map. */
Test(beijing, change_maps_agree_with_mean_maps_and_geotiff, .timeout = 900)
{
    ensure_run();
    map_t late = read_map("beijing", "tasmin", "rcp45", "mean_ann_bc");
    map_t base = read_map("beijing", "tasmin", "historical", "mean_ann_bc");
    map_t chg = read_map("beijing", "tasmin", "rcp45", "change_ann_bc");
    for (size_t i = 0; i < chg.ny * chg.nx; i++)
        cr_expect_float_eq(chg.v[i], late.v[i] - base.v[i], 1e-4, "cell %zu", i);
    /* The maps cover the box on the 1.0 degree GMFD grid, west to east, south to north. */
    cr_expect_float_eq(chg.lat[0], 34.5, 1e-9);
    cr_expect_float_eq(chg.lat[chg.ny - 1], 45.5, 1e-9);
    cr_expect_float_eq(chg.lon[0], 109.5, 1e-9);
    cr_expect_float_eq(chg.lon[chg.nx - 1], 122.5, 1e-9);

    GDALAllRegister();
    GDALDatasetH ds = GDALOpen(at("out/maps/beijing_tasmin_rcp45_change_ann_bc.tif"),
                               GA_ReadOnly);
    cr_assert_not_null(ds);
    cr_expect_eq((size_t)GDALGetRasterXSize(ds), chg.nx);
    cr_expect_eq((size_t)GDALGetRasterYSize(ds), chg.ny);
    float *row = malloc(chg.nx * sizeof *row);
    GDALRasterBandH band = GDALGetRasterBand(ds, 1);
    for (size_t y = 0; y < chg.ny; y++) {
        cr_assert_eq(GDALRasterIO(band, GF_Read, 0, (int)y, (int)chg.nx, 1, row, (int)chg.nx, 1,
                                  GDT_Float32, 0, 0), CE_None);
        /* North-up: the first row is the northernmost latitude. */
        for (size_t x = 0; x < chg.nx; x++)
            cr_expect_float_eq(row[x], chg.v[(chg.ny - 1 - y) * chg.nx + x], 1e-5);
    }
    free(row);
    GDALClose(ds);
    map_free(&late);
    map_free(&base);
    map_free(&chg);

    /* CF time of the change map: 2090-2099 in CCSM4's noleap calendar (3650 days), the
     * base period named in cell_methods. */
    int nc, vid, tid;
    char text[128] = "";
    double tb[2] = {0, 0};
    cr_assert_eq(nc_open(at("out/maps/beijing_tasmin_rcp45_change_ann_bc.nc"), NC_NOWRITE, &nc),
                 NC_NOERR);
    cr_assert_eq(nc_inq_varid(nc, "tasmin", &vid), NC_NOERR);
    cr_assert_eq(nc_get_att_text(nc, vid, "cell_methods", text), NC_NOERR);
    cr_expect_str_eq(text, "time: mean (comment: minus the mean over 1990-1999)");
    cr_assert_eq(nc_inq_varid(nc, "time_bnds", &tid), NC_NOERR);
    cr_assert_eq(nc_get_var_double(nc, tid, tb), NC_NOERR);
    cr_expect_eq(tb[1] - tb[0], 3650.0);
    memset(text, 0, sizeof text);
    cr_assert_eq(nc_inq_varid(nc, "time", &tid), NC_NOERR);
    cr_assert_eq(nc_get_att_text(nc, tid, "units", text), NC_NOERR);
    cr_expect_str_eq(text, "days since 2090-01-01 00:00:00");
    nc_close(nc);
}

/* The raw model's historical difference map shows the fixture's bias; after downscaling
 * and bias correction it is gone. Tolerance of the raw bias: two independent decades of
 * weather (model and observed), about 0.15 K sd. */
Test(beijing, bias_correction_removes_the_known_model_bias, .timeout = 900)
{
    ensure_run();
    for (size_t v = 0; v < 2; v++) {
        map_t gcm = read_map("beijing", VARS[v], "historical", "bias_gcm");
        map_t bc = read_map("beijing", VARS[v], "historical", "bias_ann_bc");
        double sum_gcm = 0, sum_bc = 0;
        for (size_t y = 0; y < gcm.ny; y++)
            for (size_t x = 0; x < gcm.nx; x++) {
                size_t i = y * gcm.nx + x;
                double want = fixture_beijing_bias(VARS[v], gcm.lat[y], gcm.lon[x]);
                cr_expect(fabs(gcm.v[i] - want) < 0.5, "%s raw bias at %g N %g E: %.3f, "
                          "imposed %.3f", VARS[v], gcm.lat[y], gcm.lon[x], gcm.v[i], want);
                cr_expect_lt(fabs(bc.v[i]), 0.5, "%s corrected bias at %g N %g E: %.3f",
                             VARS[v], gcm.lat[y], gcm.lon[x], bc.v[i]);
                sum_gcm += fabs(gcm.v[i]);
                sum_bc += fabs(bc.v[i]);
            }
        cr_expect_lt(sum_bc, 0.1 * sum_gcm, "%s: mean |bias| %.3f after, %.3f before",
                     VARS[v], sum_bc / (double)(gcm.ny * gcm.nx),
                     sum_gcm / (double)(gcm.ny * gcm.nx));
        map_free(&gcm);
        map_free(&bc);
    }
}

/* Tmin never exceeds Tmax: in every daily series row (historical and each RCP) and in
 * every cell of every period-mean map, for both cities. */
Test(beijing, tasmin_never_above_tasmax, .timeout = 900)
{
    ensure_run();
    const char *regions[] = {"beijing", "shanghai"};
    for (size_t g = 0; g < 2; g++) {
        char rel[256];
        snprintf(rel, sizeof rel, "out/series/%s_tasmax.csv", regions[g]);
        test_csv_t *x = out_csv(rel);
        snprintf(rel, sizeof rel, "out/series/%s_tasmin.csv", regions[g]);
        test_csv_t *n = out_csv(rel);
        cr_assert_eq(x->nrows, n->nrows);
        size_t bad = 0;
        for (size_t k = 0; k < 4; k++) {
            const char *col = k == 3 ? "linear" : METHODS[k];
            int cx = test_csv_col(x, col), cn = test_csv_col(n, col);
            for (size_t r = 0; r < x->nrows; r++) {
                cr_assert_str_eq(x->cells[r][0], n->cells[r][0]);
                bad += test_csv_num(n, r, cn) > test_csv_num(x, r, cx) + 1e-4;
            }
        }
        cr_expect_eq(bad, 0, "%s: %zu daily values with tasmin > tasmax", regions[g], bad);
        test_csv_free(x);
        test_csv_free(n);
    }
    const char *scen[] = {"historical", "rcp26", "rcp45", "rcp60", "rcp85"};
    for (size_t s = 0; s < 5; s++)
        for (size_t k = 0; k < 4; k++) {
            char what[32];
            snprintf(what, sizeof what, "mean_%s", METHODS[k]);
            map_t mx = read_map("beijing", "tasmax", scen[s], what);
            map_t mn = read_map("beijing", "tasmin", scen[s], what);
            for (size_t i = 0; i < mx.ny * mx.nx; i++)
                cr_expect_leq(mn.v[i], mx.v[i], "%s %s cell %zu", scen[s], what, i);
            map_free(&mx);
            map_free(&mn);
        }
}

/* Shanghai comes from regions/shanghai.ini and --set pipeline.regions alone. */
Test(beijing, second_city_from_its_region_file, .timeout = 900)
{
    ensure_run();
    for (size_t v = 0; v < 2; v++) {
        cr_expect(out_exists("out/series/%s_%s.csv%s", "shanghai", VARS[v], ""));
        cr_expect(out_exists("out/taylor/%s_%s.csv%s", "shanghai", VARS[v], ""));
        cr_expect(out_exists("out/figures/%s_%s_taylor.png%s", "shanghai", VARS[v], ""));
        for (size_t s = 0; s < NRCP; s++) {
            cr_expect(out_exists("out/maps/shanghai_%s_%s_change_ann_bc.nc%s", VARS[v],
                                 RCPS[s], ""));
            cr_expect(out_exists("out/maps/shanghai_%s_%s_mean_ann_bc.tif%s", VARS[v],
                                 RCPS[s], ""));
        }
        /* Its maps cover 29-34N, 118-124E (plus a halo cell) and are warmer than
         * Beijing's: the fixture's climate cools by 0.8 K per degree north. */
        map_t sh = read_map("shanghai", VARS[v], "historical", "mean_obs");
        map_t bj = read_map("beijing", VARS[v], "historical", "mean_obs");
        cr_expect_float_eq(sh.lat[0], 28.5, 1e-9);
        cr_expect_float_eq(sh.lat[sh.ny - 1], 34.5, 1e-9);
        cr_expect_float_eq(sh.lon[0], 117.5, 1e-9);
        cr_expect_float_eq(sh.lon[sh.nx - 1], 124.5, 1e-9);
        double warmer = map_mean(&sh) - map_mean(&bj);
        cr_expect(warmer > 6.0 && warmer < 10.0, "Shanghai minus Beijing %.2f K", warmer);
        map_free(&sh);
        map_free(&bj);
        map_t chg = read_map("shanghai", VARS[v], "rcp85", "change_gcm");
        cr_expect_float_eq(map_mean(&chg), imposed_change("rcp85"), 0.5);
        map_free(&chg);
    }
}

/* ---- broken archives ---------------------------------------------------------------------- */

/* A copy of the fixture (symbolic links) without the CCSM4 files that match `drop`. */
static const char *broken_copy(const char *drop)
{
    static char dir[1100];
    char fixture[1024], cmd[4096];
    ensure_fixture();
    cr_assert_not_null(realpath(at("fixture"), fixture));
    const char *tmp = test_tmpdir();
    cr_assert_not_null(tmp);
    snprintf(dir, sizeof dir, "%s", tmp);
    snprintf(cmd, sizeof cmd, "mkdir -p %s/ccsm4 && ln -s %s/gmfd %s/gmfd && for f in %s/ccsm4/*; "
             "do case $f in *%s*) ;; *) ln -s $f %s/ccsm4/ ;; esac; done", dir, fixture, dir,
             fixture, drop, dir);
    cr_assert_eq(test_system(cmd), 0, "%s", cmd);
    return dir;
}

/* Runs the Beijing pipeline (FAST_SETTINGS) on the archive copy dir, then removes the copy;
 * returns the exit status and leaves the program's stderr in err. */
static int run_on_copy(const char *dir, char *err, size_t size)
{
    char args[2048];
    snprintf(args, sizeof args, "run pipelines/beijing.ini --data-root %s --out %s/out "
             FAST_SETTINGS, dir, dir);
    int rc = test_run_capture(args, err, size);
    test_remove_tree(dir);
    return rc;
}

Test(beijing, gap_between_model_files_refused_naming_both, .timeout = 600)
{
    char err[8192];
    const char *dir = broken_copy("_historical_r1i1p1_19700101-19891231");
    cr_assert_eq(run_on_copy(dir, err, sizeof err), 2, "%s", err);
    cr_expect(strstr(err, "tasmax_day_CCSM4_historical_r1i1p1_19500101-19691231.nc"), "%s", err);
    cr_expect(strstr(err, "tasmax_day_CCSM4_historical_r1i1p1_19900101-20051231.nc"), "%s", err);
    cr_expect(strstr(err, "gap"), "%s", err);
}

/* A gap in the second variable's files is found before the first variable is trained:
 * every input is checked (metadata only) before any long work. */
Test(beijing, every_input_checked_before_training, .timeout = 600)
{
    char err[8192];
    const char *dir = broken_copy("tasmin_day_CCSM4_rcp45_r1i1p1_20410101");
    cr_assert_eq(run_on_copy(dir, err, sizeof err), 2, "%s", err);
    cr_expect(strstr(err, "tasmin_day_CCSM4_rcp45_r1i1p1_20060101-20401231.nc and"), "%s", err);
    cr_expect(strstr(err, "gap"), "%s", err);
    cr_expect_null(strstr(err, "info train:"), "training ran before the gap was found: %s", err);
}

/* Xi'an's box reaches past the fixture's observed cells: those cells are named in a warning,
 * and the yearly coverage counts only cells with observations, so the fully observed
 * training years are not reported as sparse. */
Test(beijing, coverage_counts_only_observed_cells, .timeout = 600)
{
    char err[8192], args[2048], path[1200];
    const char *dir = broken_copy("no-such-file");
    snprintf(args, sizeof args, "run pipelines/beijing.ini --data-root %s --out %s/out "
             FAST_SETTINGS " --set pipeline.regions=xian", dir, dir);
    cr_assert_eq(test_run_capture(args, err, sizeof err), 0, "%s", err);
    cr_expect(strstr(err, "cells have no observation at all"), "%s", err);
    cr_expect_null(strstr(err, "below 90% coverage"), "%s", err);
    snprintf(path, sizeof path, "%s/out/observations/xian_tasmax_years.csv", dir);
    test_csv_t *csv = test_csv_read(path);
    cr_assert_not_null(csv);
    size_t used = 0;
    for (size_t r = 0; r < csv->nrows; r++) {
        cr_expect_float_eq(test_csv_num(csv, r, test_csv_col(csv, "coverage")), 1.0, 1e-9);
        used += test_csv_num(csv, r, test_csv_col(csv, "used_for_training")) == 1;
    }
    cr_expect_eq(used, 30, "1961-1990 train");
    test_csv_free(csv);
    test_remove_tree(dir);
}

Test(beijing, overlap_between_model_files_refused_naming_both, .timeout = 600)
{
    char err[8192];
    const char *dir = broken_copy("_historical_r1i1p1_19900101-20051231");
    /* A last file that starts five years early: 1985-1989 twice. */
    cr_assert_eq(fixture_beijing_write_ccsm4(dir, "historical", 1985, 2005, NULL), 0);
    cr_assert_eq(run_on_copy(dir, err, sizeof err), 2, "%s", err);
    cr_expect(strstr(err, "tasmax_day_CCSM4_historical_r1i1p1_19700101-19891231.nc"), "%s", err);
    cr_expect(strstr(err, "tasmax_day_CCSM4_historical_r1i1p1_19850101-20051231.nc"), "%s", err);
    cr_expect(strstr(err, "overlap"), "%s", err);
}

/* ---- the real station record as observations ---------------------------------------------- */

/* What the test reads from the .dly text itself: per year the valid days and their sum, per
 * day-of-year slot (leap-year numbering) the sum and count, and every value in tenths. */
typedef struct {
    int y0, y1;
    long valid[200];
    double sum[200];
    double slot_sum[366];
    long slot_n[366];
    int *tenths;
    size_t n, cap;
    double sum_noleap_51_05; /* 1951-2005 without 29 February, as the model calendar */
    long n_noleap_51_05;
} station_t;

static station_t parse_dly(const char *element)
{
    static const int cum[12] = {0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335};
    station_t st = {.y0 = 9999, .y1 = 0};
    char *text = test_read_file(test_data_path("beijing/obs/CHM00054511.dly"));
    cr_assert_not_null(text, "cannot read %s", test_data_path("beijing/obs/CHM00054511.dly"));
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (strlen(line) < 269 || strncmp(line + 17, element, 4))
            continue;
        char buf[8];
        memcpy(buf, line + 11, 4);
        buf[4] = '\0';
        int year = atoi(buf);
        memcpy(buf, line + 15, 2);
        buf[2] = '\0';
        int month = atoi(buf);
        cr_assert(year >= 1900 && year < 2100 && month >= 1 && month <= 12);
        for (int d = 1; d <= 31; d++) {
            const char *f = line + 21 + 8 * (d - 1);
            memcpy(buf, f, 5);
            buf[5] = '\0';
            int v = atoi(buf);
            if (v == -9999 || f[6] != ' ')
                continue;
            double c = v / 10.0;
            st.valid[year - 1900]++;
            st.sum[year - 1900] += c;
            int slot = cum[month - 1] + d - 1;
            st.slot_sum[slot] += c;
            st.slot_n[slot]++;
            if (year >= 1951 && year <= 2005 && !(month == 2 && d == 29)) {
                st.sum_noleap_51_05 += c;
                st.n_noleap_51_05++;
            }
            if (st.n == st.cap) {
                st.cap = st.cap ? 2 * st.cap : 4096;
                st.tenths = realloc(st.tenths, st.cap * sizeof *st.tenths);
            }
            st.tenths[st.n++] = v;
            st.y0 = year < st.y0 ? year : st.y0;
            st.y1 = year > st.y1 ? year : st.y1;
        }
    }
    free(text);
    return st;
}

/* A point region at the station, GHCN-Daily observations given by an absolute path (they
 * live in the real data, the model in the fixture), RCP8.5 only to keep it short. */
static void ensure_station(void)
{
    char root[1024], text[4096], dly[1200];
    cr_assert_not_null(realpath(test_data_root(), root), "no data root %s", test_data_root());
    snprintf(dly, sizeof dly, "%s/beijing/obs/CHM00054511.dly", root);
    int fd = lock_session("station-cfg");
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "mkdir -p %s %s", at("station-cfg/pipelines"),
             at("station-cfg/regions"));
    cr_assert_eq(test_system(cmd), 0);
    test_write_file(at("station-cfg/regions/beijing-capital.ini"),
                    "; GHCN-Daily CHM00054511, Beijing Capital airport (WMO 54511)\n"
                    "[region]\ntitle = Beijing Capital (CHM00054511)\nkind = point\n"
                    "lat = 39.933\nlon = 116.283\n");
    snprintf(text, sizeof text,
             "[pipeline]\nname = beijing-station\nregions = beijing-capital\n"
             "variables = tasmax, tasmin\n[inputs]\nmodels = CCSM4\nscenarios = rcp85\n"
             "gcm_historical = ccsm4/{var}_day_CCSM4_historical_r1i1p1_*.nc\n"
             "gcm_future = ccsm4/{var}_day_CCSM4_{scenario}_r1i1p1_*.nc\n"
             "obs = %s\nobs_format = ghcn\nobs_var_tasmax = TMAX\nobs_var_tasmin = TMIN\n"
             "train = 1951-1990\nvalid = 1991-2005\nfuture = 2006-2100\n"
             "[ann]\nepochs = 10\nensemble = 1\n",
             dly);
    /* Rewritten only when it changes, so that its time stamp keeps a good run fresh. */
    char *old = test_read_file(at("station-cfg/pipelines/station.ini"));
    if (!old || strcmp(old, text))
        test_write_file(at("station-cfg/pipelines/station.ini"), text);
    free(old);
    unlock_session(fd);
    const char *inputs[] = {at("station-cfg/pipelines/station.ini")};
    run_once("station", at("station-cfg/pipelines/station.ini"), "", inputs, 1);
}

static const char *const ELEMENTS[] = {"TMAX", "TMIN"};

/* Per-year completeness and means of the whole record: complete 1951-2012, sparse after. */
Test(station, completeness_and_yearly_means_of_the_whole_record, .timeout = 900)
{
    ensure_station();
    for (size_t v = 0; v < 2; v++) {
        station_t st = parse_dly(ELEMENTS[v]);
        char rel[256];
        snprintf(rel, sizeof rel, "station/observations/beijing-capital_%s_years.csv", VARS[v]);
        test_csv_t *y = out_csv(rel);
        int cy = test_csv_col(y, "year"), cv = test_csv_col(y, "valid_days");
        int cm = test_csv_col(y, "mean"), cc = test_csv_col(y, "coverage");
        int cu = test_csv_col(y, "used_for_training");
        size_t checked = 0;
        double sum_51_12 = 0, sum_out = 0;
        long n_51_12 = 0;
        for (size_t r = 0; r < y->nrows; r++) {
            int year = atoi(y->cells[r][cy]);
            long valid = st.valid[year - 1900];
            cr_expect_float_eq(test_csv_num(y, r, cv), (double)valid, 1e-9, "%s %d",
                               ELEMENTS[v], year);
            if (valid)
                cr_expect_float_eq(test_csv_num(y, r, cm), st.sum[year - 1900] / valid, 1e-3,
                                   "%s %d", ELEMENTS[v], year);
            if (year >= 1951 && year <= 2012) {
                cr_expect_float_eq(test_csv_num(y, r, cc), 1.0, 1e-9, "%d complete", year);
                sum_51_12 += st.sum[year - 1900];
                n_51_12 += valid;
                sum_out += test_csv_num(y, r, cm) * (double)valid;
            }
            if (v == 0 && year >= 2016 && year <= 2017) /* TMAX only; TMIN has ~25 % */
                cr_expect_lt(test_csv_num(y, r, cc), 0.1, "%d is almost empty", year);
            cr_expect_eq(atoi(y->cells[r][cu]), year >= 1951 && year <= 1990, "%d", year);
            checked++;
        }
        cr_expect_eq(checked, (size_t)(st.y1 - st.y0 + 1));
        /* 62 complete years: 22,646 days (PROVENANCE.md). */
        cr_expect_eq(n_51_12, 22646);
        cr_expect_float_eq(sum_out / (double)n_51_12, sum_51_12 / (double)n_51_12, 1e-4);
        test_csv_free(y);
        free(st.tenths);
    }
}

/* The observed column of the series (1951-2005, on the model's noleap days) is the station
 * record itself. */
Test(station, observed_series_is_the_station_record, .timeout = 900)
{
    ensure_station();
    for (size_t v = 0; v < 2; v++) {
        station_t st = parse_dly(ELEMENTS[v]);
        char rel[256];
        snprintf(rel, sizeof rel, "station/series/beijing-capital_%s.csv", VARS[v]);
        test_csv_t *s = out_csv(rel);
        int obs = test_csv_col(s, "obs"), scen = test_csv_col(s, "scenario");
        double sum = 0;
        long n = 0;
        for (size_t r = 0; r < s->nrows; r++) {
            if (strcmp(s->cells[r][scen], "historical"))
                continue;
            double x = test_csv_num(s, r, obs);
            cr_assert(isfinite(x), "no observation on %s", s->cells[r][0]);
            sum += x;
            n++;
        }
        cr_expect_eq(n, st.n_noleap_51_05);
        cr_expect_float_eq(sum / (double)n, st.sum_noleap_51_05 / (double)st.n_noleap_51_05,
                           1e-4, "%s 1951-2005 mean", ELEMENTS[v]);
        test_csv_free(s);
        free(st.tenths);
    }
}

/* The annual cycle and the histogram of the whole record, recomputed from the text. */
Test(station, annual_cycle_and_histogram_of_the_record, .timeout = 900)
{
    ensure_station();
    for (size_t v = 0; v < 2; v++) {
        station_t st = parse_dly(ELEMENTS[v]);
        char rel[256];
        snprintf(rel, sizeof rel, "station/observations/beijing-capital_%s_annual_cycle.csv",
                 VARS[v]);
        test_csv_t *c = out_csv(rel);
        cr_expect_eq(c->nrows, 366);
        for (size_t r = 0; r < c->nrows; r++) {
            int slot = atoi(c->cells[r][0]) - 1;
            cr_assert(slot >= 0 && slot < 366);
            cr_expect_float_eq(test_csv_num(c, r, 1), st.slot_sum[slot] / st.slot_n[slot],
                               1e-3, "%s day %d", ELEMENTS[v], slot + 1);
        }
        /* Beijing: January near 0 degC for Tmax, July about 31. */
        if (v == 0) {
            cr_expect(st.slot_sum[14] / st.slot_n[14] < 3.0);
            cr_expect(st.slot_sum[195] / st.slot_n[195] > 29.0);
        }
        test_csv_free(c);

        snprintf(rel, sizeof rel, "station/observations/beijing-capital_%s_hist.csv", VARS[v]);
        test_csv_t *h = out_csv(rel);
        size_t total = 0;
        for (size_t r = 0; r < h->nrows; r++) {
            double lo = test_csv_num(h, r, 0);
            long want = 0;
            for (size_t i = 0; i < st.n; i++) {
                /* floor(tenths / 10) in whole degrees: the bin of a 1-degree histogram. */
                long b = st.tenths[i] >= 0 ? st.tenths[i] / 10 : -((-st.tenths[i] + 9) / 10);
                want += b == lround(lo);
            }
            cr_expect_eq(atol(h->cells[r][2]), want, "%s bin %g", ELEMENTS[v], lo);
            total += (size_t)atol(h->cells[r][2]);
        }
        cr_expect_eq(total, st.n);
        test_csv_free(h);
        snprintf(rel, sizeof rel, "station/figures/beijing-capital_%s_histogram.png",
                 VARS[v]);
        cr_expect(file_ok(at(rel)), "missing %s", rel);
        snprintf(rel, sizeof rel, "station/taylor/beijing-capital_%s_annual_cycle.csv",
                 VARS[v]);
        cr_expect(file_ok(at(rel)), "missing %s", rel);
        free(st.tenths);
    }
}
