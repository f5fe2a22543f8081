/* test_pipeline.c - the demo pipeline end to end on the real sample data, and the program's
 * behaviour on bad input. The demo is run once (under a file lock, since Criterion runs
 * tests in parallel processes) into $DOWNSCALE_TEST_OUT or build/test-demo and its outputs
 * are checked against numbers recomputed here from the written series. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support/csv.h"
#include "support/demo.h"
#include "support/support.h"

static int file_exists(const char *rel)
{
    char path[1024];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", test_demo_dir(), rel);
    return stat(path, &st) == 0 && st.st_size > 0;
}

Test(pipeline, demo_writes_every_output, .timeout = 900)
{
    test_demo_ensure();
    const char *must[] = {
        "series/frankfurt_tasmax.csv", "series/frankfurt_tasmin.nc",
        "series/frankfurt_tasmax_HadGEM2-ES.csv", "series/vancouver_tasmax.nc",
        "series/arctic-tiny_tasmax.csv", "taylor/frankfurt_tasmin.csv",
        "taylor/vancouver_tasmax_annual_cycle.csv", "hist/arctic-tiny_tasmax.csv",
        "maps/arctic-tiny_tasmax_historical_mean_ann_bc.nc",
        "maps/arctic-tiny_tasmax_historical_bias_gcm.tif",
        "figures/frankfurt_tasmax_series_future.png", "figures/vancouver_tasmax_taylor.png",
        "figures/frankfurt_tasmin_histogram.png",
        "figures/arctic-tiny_tasmax_map_historical_mean_obs.png", "manifest.json", "run.log"};
    for (size_t i = 0; i < sizeof must / sizeof must[0]; i++)
        cr_expect(file_exists(must[i]), "missing %s", must[i]);
    char path[1024];
    snprintf(path, sizeof path, "%s/manifest.json", test_demo_dir());
    char *m = test_read_file(path);
    cr_assert_not_null(m);
    cr_expect(strstr(m, "\"outcome\": \"success\""));
    cr_expect(strstr(m, "frankfurt_main_dwd01420_tmax_tmin.nc\", \"bytes\""));
    cr_expect(strstr(m, "\"sha256\": \""));
    cr_expect(strstr(m, "\"seed\": 42"));
    free(m);
    /* No temporary file survives a successful run. */
    snprintf(path, sizeof path, "find %s -name '*.tmp.*' | grep -q .", test_demo_dir());
    cr_expect_neq(test_system(path), 0, "temporary files left in %s", test_demo_dir());
}

/* Taylor statistics recomputed from the series file agree with the Taylor file. */
Test(pipeline, taylor_agrees_with_series, .timeout = 900)
{
    test_demo_ensure();
    test_csv_t *s = test_demo_csv("series/vancouver_tasmax.csv");
    test_csv_t *t = test_demo_csv("taylor/vancouver_tasmax.csv");
    int split = test_csv_col(s, "split"), obs = test_csv_col(s, "obs");
    const char *methods[] = {"gcm", "ann", "ann_bc", "linear"};
    for (size_t k = 0; k < 4; k++) {
        int col = test_csv_col(s, methods[k]);
        double n = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
        for (size_t r = 0; r < s->nrows; r++) {
            if (strcmp(s->cells[r][split], "valid"))
                continue;
            double x = test_csv_num(s, r, obs), y = test_csv_num(s, r, col);
            if (!isfinite(x) || !isfinite(y))
                continue;
            n++;
            sx += x;
            sy += y;
            sxx += x * x;
            syy += y * y;
            sxy += x * y;
        }
        double mx = sx / n, my = sy / n;
        double vx = sxx / n - mx * mx, vy = syy / n - my * my, cxy = sxy / n - mx * my;
        double corr = cxy / sqrt(vx * vy), sd = sqrt(vy), bias = my - mx;
        size_t row = 0;
        while (row < t->nrows && strcmp(t->cells[row][0], methods[k]))
            row++;
        cr_assert(row < t->nrows, "no Taylor row for %s", methods[k]);
        /* The series file rounds to 1e-4 degC, hence the tolerances. */
        cr_expect_float_eq(test_csv_num(t, row, test_csv_col(t, "n")), n, 0.5);
        cr_expect_float_eq(test_csv_num(t, row, test_csv_col(t, "corr")), corr, 1e-4);
        cr_expect_float_eq(test_csv_num(t, row, test_csv_col(t, "sd")), sd, 1e-3);
        cr_expect_float_eq(test_csv_num(t, row, test_csv_col(t, "bias")), bias, 1e-3);
        /* Law of cosines, as the Taylor diagram draws it. */
        double sdr = test_csv_num(t, row, test_csv_col(t, "sd_ratio"));
        double r_ = test_csv_num(t, row, test_csv_col(t, "corr"));
        double e = test_csv_num(t, row, test_csv_col(t, "crmsd_norm"));
        cr_expect_float_eq(e * e, 1 + sdr * sdr - 2 * sdr * r_, 1e-4);
    }
    test_csv_free(s);
    test_csv_free(t);
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double quantile(double *v, size_t n, double p)
{
    qsort(v, n, sizeof *v, cmp);
    double h = p * (double)(n - 1);
    size_t lo = (size_t)h;
    return lo + 1 < n ? v[lo] + (h - (double)lo) * (v[lo + 1] - v[lo]) : v[n - 1];
}

/* EQM fitted on the training years gives back the observed distribution there. */
Test(pipeline, eqm_reproduces_observed_quantiles_on_training_years, .timeout = 900)
{
    test_demo_ensure();
    test_csv_t *s = test_demo_csv("series/frankfurt_tasmax_GFDL-ESM2M.csv");
    int split = test_csv_col(s, "split"), obs = test_csv_col(s, "obs");
    int bc = test_csv_col(s, "ann_bc"), ann = test_csv_col(s, "ann");
    double *o = malloc(s->nrows * sizeof *o), *b = malloc(s->nrows * sizeof *b);
    double *a = malloc(s->nrows * sizeof *a);
    size_t n = 0;
    for (size_t r = 0; r < s->nrows; r++) {
        if (strcmp(s->cells[r][split], "train"))
            continue;
        o[n] = test_csv_num(s, r, obs);
        b[n] = test_csv_num(s, r, bc);
        a[n++] = test_csv_num(s, r, ann);
    }
    cr_assert_gt(n, 10000);
    const double ps[] = {0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99};
    double worst_bc = 0, worst_ann = 0;
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++) {
        double qo = quantile(o, n, ps[i]), qb = quantile(b, n, ps[i]);
        double qa = quantile(a, n, ps[i]);
        worst_bc = fmax(worst_bc, fabs(qb - qo));
        worst_ann = fmax(worst_ann, fabs(qa - qo));
        /* Windows overlap across the year, so pooled quantiles match to a few tenths of a
         * degree, not exactly. */
        cr_expect_lt(fabs(qb - qo), 0.3, "quantile %.2f: corrected %.3f observed %.3f",
                     ps[i], qb, qo);
    }
    cr_expect_leq(worst_bc, worst_ann + 1e-9, "correction made the distribution worse");
    free(o);
    free(b);
    free(a);
    test_csv_free(s);
}

/* The downscaled tasmin never exceeds tasmax (same model, same day). */
Test(pipeline, tasmin_never_above_tasmax, .timeout = 900)
{
    test_demo_ensure();
    test_csv_t *x = test_demo_csv("series/frankfurt_tasmax_NorESM1-M.csv");
    test_csv_t *n = test_demo_csv("series/frankfurt_tasmin_NorESM1-M.csv");
    cr_assert_eq(x->nrows, n->nrows);
    const char *cols[] = {"ann", "ann_bc", "linear"};
    for (size_t k = 0; k < 3; k++) {
        int cx = test_csv_col(x, cols[k]), cn = test_csv_col(n, cols[k]);
        for (size_t r = 0; r < x->nrows; r++)
            cr_assert_leq(test_csv_num(n, r, cn), test_csv_num(x, r, cx) + 1e-4,
                          "%s on %s", cols[k], x->cells[r][0]);
    }
    test_csv_free(x);
    test_csv_free(n);
}

/* QDM keeps the model's projected change: the corrected change of the late-century mean
 * equals the ANN's own change to within a few tenths of a degree. */
Test(pipeline, qdm_keeps_the_projected_change, .timeout = 900)
{
    test_demo_ensure();
    test_csv_t *s = test_demo_csv("series/vancouver_tasmax.csv");
    int date = 0, scen = test_csv_col(s, "scenario"), split = test_csv_col(s, "split");
    int ann = test_csv_col(s, "ann"), bc = test_csv_col(s, "ann_bc");
    double sums[2][2] = {{0}}, counts[2] = {0};
    for (size_t r = 0; r < s->nrows; r++) {
        int year = atoi(s->cells[r][date]);
        int k = -1;
        if (!strcmp(s->cells[r][split], "train") && year >= 1971 && year <= 1990)
            k = 0;
        else if (!strcmp(s->cells[r][scen], "rcp85") && year >= 2071 && year <= 2090)
            k = 1;
        if (k < 0)
            continue;
        sums[k][0] += test_csv_num(s, r, ann);
        sums[k][1] += test_csv_num(s, r, bc);
        counts[k]++;
    }
    double d_ann = sums[1][0] / counts[1] - sums[0][0] / counts[0];
    double d_bc = sums[1][1] / counts[1] - sums[0][1] / counts[0];
    cr_expect_gt(d_ann, 1.0, "RCP8.5 should warm Vancouver by 2071-2090");
    cr_expect_float_eq(d_bc, d_ann, 0.3, "change ann %.3f corrected %.3f", d_ann, d_bc);
    test_csv_free(s);
}

/* ---- bad input ------------------------------------------------------------------------ */

/* A pipeline for one region of the real data, with a changeable part. */
static const char *small_pipeline(const char *dir, const char *extra)
{
    static char path[512];
    char text[4096], cmd[1024];
    snprintf(cmd, sizeof cmd, "mkdir -p %s/pipelines %s/regions && cp regions/vancouver.ini "
             "%s/regions/", dir, dir, dir);
    cr_assert_eq(test_system(cmd), 0);
    snprintf(text, sizeof text,
             "[pipeline]\nname = small\nregions = vancouver\n[vancouver]\nmodels = CanESM2\n"
             "%s\n[ann]\nepochs = 3\nensemble = 1\n", extra);
    snprintf(path, sizeof path, "%s/pipelines/small.ini", dir);
    test_write_file(path, text);
    return path;
}

/* Runs small_pipeline(extra) in a fresh folder on the sample data; returns the exit status
 * and leaves the program's stderr in err. */
static int run_small(const char *extra, char *err, size_t size)
{
    char args[2048];
    const char *dir = test_tmpdir();
    cr_assert_not_null(dir);
    const char *p = small_pipeline(dir, extra);
    snprintf(args, sizeof args, "run %s --out %s/out --data-root %s", p, dir, test_data_root());
    return test_run_capture(args, err, size);
}

Test(pipeline, missing_input_file_named)
{
    char err[4096];
    int rc = run_small("gcm = gcm/no_such_file.nc\nobs = obs/nrcan_1950-2013.nc\n"
                       "train = 1961-1990\nvalid = 1991-2000", err, sizeof err);
    cr_assert_eq(rc, 2, "%s", err);
    cr_expect(strstr(err, "no_such_file.nc"), "%s", err);
}

Test(pipeline, missing_variable_named)
{
    char err[4096];
    int rc = run_small("gcm = gcm/CanESM2_1950-2100.nc\ngcm_var_tasmax = tmx\n"
                       "obs = obs/nrcan_1950-2013.nc\ntrain = 1961-1990\nvalid = 1991-2000",
                       err, sizeof err);
    cr_assert_eq(rc, 2, "%s", err);
    cr_expect(strstr(err, "CanESM2_1950-2100.nc"), "%s", err);
    cr_expect(strstr(err, "tmx"), "%s", err);
}

Test(pipeline, periods_outside_the_data_refused)
{
    char err[4096];
    int rc = run_small("gcm = gcm/CanESM2_1950-2100.nc\nobs = obs/nrcan_1950-2013.nc\n"
                       "train = 1901-1920\nvalid = 1921-1930", err, sizeof err);
    cr_assert_eq(rc, 2, "%s", err);
    cr_expect(strstr(err, "1901"), "%s", err);
}

Test(pipeline, unknown_units_refused_and_old_outputs_kept, .timeout = 300)
{
    char err[4096], args[2048], cmd[4096], path[1024], root[1024];
    const char *dir = test_tmpdir();
    cr_assert_not_null(realpath(test_data_root(), root));
    /* A copy of the NRCan file whose tasmax units are nonsense. */
    snprintf(cmd, sizeof cmd, "mkdir -p %s/data/obs %s/data/gcm && ln -s %s/gcm/CanESM2_1950-"
             "2100.nc %s/data/gcm/ && ncdump %s/obs/nrcan_1950-2013.nc | grep -v _ChunkSizes | sed "
             "'s/tasmax:units = \"K\"/tasmax:units = \"furlongs\"/' | ncgen -k nc4 -o "
             "%s/data/obs/bad.nc",
             dir, dir, root, dir, root, dir);
    cr_assert_eq(test_system(cmd), 0, "%s", cmd);
    const char *p = small_pipeline(dir, "gcm = gcm/CanESM2_1950-2100.nc\nobs = obs/bad.nc\n"
                                        "train = 1961-1990\nvalid = 1991-2000");
    /* An earlier night's output must survive the failed run unchanged. */
    snprintf(path, sizeof path, "%s/out/series", dir);
    snprintf(cmd, sizeof cmd, "mkdir -p %s && echo yesterday > %s/vancouver_tasmax.csv", path,
             path);
    cr_assert_eq(test_system(cmd), 0);
    snprintf(args, sizeof args, "run %s --out %s/out --data-root %s/data", p, dir, dir);
    cr_assert_eq(test_run_capture(args, err, sizeof err), 2, "%s", err);
    cr_expect(strstr(err, "furlongs"), "%s", err);
    cr_expect(strstr(err, "bad.nc"), "%s", err);
    snprintf(path, sizeof path, "%s/out/series/vancouver_tasmax.csv", dir);
    char *old = test_read_file(path);
    cr_expect_str_eq(old, "yesterday\n");
    free(old);
    snprintf(cmd, sizeof cmd, "find %s/out -name '*.tmp.*' | grep -q .", dir);
    cr_expect_neq(test_system(cmd), 0, "a temporary file was left behind");
}

Test(pipeline, second_run_on_a_locked_folder_refused)
{
    char err[4096], args[2048], cmd[2048];
    const char *dir = test_tmpdir();
    const char *p = small_pipeline(dir, "gcm = gcm/CanESM2_1950-2100.nc\n"
                                        "obs = obs/nrcan_1950-2013.nc\ntrain = 1961-1990\n"
                                        "valid = 1991-2000");
    snprintf(cmd, sizeof cmd, "mkdir -p %s/out", dir);
    cr_assert_eq(test_system(cmd), 0);
    char lock[1024];
    snprintf(lock, sizeof lock, "%s/out/.lock", dir);
    int fd = open(lock, O_RDWR | O_CREAT, 0644);
    cr_assert(fd >= 0);
    cr_assert_eq(flock(fd, LOCK_EX | LOCK_NB), 0);
    snprintf(args, sizeof args, "run %s --out %s/out --data-root %s", p, dir,
             test_data_root());
    cr_assert_eq(test_run_capture(args, err, sizeof err), 3, "%s", err);
    cr_expect(strstr(err, "another run"), "%s", err);
    close(fd);
}

Test(pipeline, help_and_version)
{
    char err[1024], cmd[1024];
    snprintf(cmd, sizeof cmd, "%s --version | grep -q '^downscale [0-9]'", test_bin());
    cr_expect_eq(test_system(cmd), 0);
    snprintf(cmd, sizeof cmd, "%s --help | grep -q 'run PIPELINE.ini'", test_bin());
    cr_expect_eq(test_system(cmd), 0);
    cr_expect_eq(test_run_capture("frobnicate", err, sizeof err), 2);
    cr_expect(strstr(err, "unknown command"), "%s", err);
}
