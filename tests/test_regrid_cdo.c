/* test_regrid_cdo.c - `downscale regrid` on the real files beside CDO: remapbil, remapnn and
 * remapcon agree with ours to 1e-4 K in every cell inside the source domain; weights go
 * both ways between the tools; targets outside the source are missing; bad input is one
 * line and exit status 2. Runs $DOWNSCALE_BIN (default build/downscale); the comparisons
 * skip when cdo is not installed. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dsc/io.h"
#include "support/support.h"

#define BNU "gcm/BNU-ESM_tasmax_day_tiny_gcm.nc"
#define ANUSPLIN "obs/ANUSPLIN_tasmax_day_tiny_obs.nc"
#define MPI "gcm/MPI-ESM-LR_tas_Amon_historical_2005_global.nc"
/* 0.25-degree cells over 35-45 N, 110-122 E, in our syntax and as a CDO grid file. */
#define BOX "lonlat:110.125,121.875,0.25:35.125,44.875,0.25"

static dsc_ctx_t *ctx;
static char dir[4096];
static char box_grid[4200];

static void setup(void)
{
    ctx = dsc_ctx_create();
    cr_assert_not_null(ctx);
    const char *d = test_tmpdir();
    cr_assert_not_null(d);
    snprintf(dir, sizeof dir, "%s", d);
    snprintf(box_grid, sizeof box_grid, "%s/box.grid", dir);
    FILE *fp = fopen(box_grid, "w");
    cr_assert_not_null(fp);
    fputs("gridtype = lonlat\nxsize = 48\nysize = 40\nxfirst = 110.125\nxinc = 0.25\n"
          "yfirst = 35.125\nyinc = 0.25\n", fp);
    fclose(fp);
}

static void teardown(void)
{
    test_remove_tree(dir);
    dsc_ctx_destroy(ctx);
}

TestSuite(regrid_cdo, .init = setup, .fini = teardown);

static void need_tools(int cdo)
{
    if (access(test_bin(), X_OK) != 0)
        cr_skip("%s is not built", test_bin());
    if (cdo && test_system("command -v cdo >/dev/null 2>&1") != 0)
        cr_skip("cdo is not installed");
}

static int sh(const char *fmt, ...)
{
    char cmd[16384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    return test_system(cmd);
}

static const char *path_in(const char *name)
{
    static char buf[2][4300];
    static int k;
    k ^= 1;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static char *data(const char *rel)
{
    static char buf[2][4200];
    static int k;
    k ^= 1;
    snprintf(buf[k], sizeof buf[k], "%s", test_data_path(rel));
    return buf[k];
}

static dsc_field_t *read_raw(const char *path, const char *var)
{
    dsc_read_opts_t raw = {.raw_units = 1};
    dsc_field_t *f = NULL;
    cr_assert_eq(dsc_io_read(ctx, path, var, NULL, &raw, &f), DSC_OK, "%s",
                 dsc_ctx_message(ctx));
    return f;
}

/* Every cell where ours has a value agrees with CDO's to 1e-4 K; ours has a value in
 * `inside` cells of every step (the target cells inside the source domain). Both files are
 * read through our reader, so that they are compared cell by cell in the same order. */
static void compare_files(const char *ours_path, const char *cdo_path, const char *var,
                          size_t inside, const char *what)
{
    dsc_field_t *o = read_raw(ours_path, var), *c = read_raw(cdo_path, var);
    size_t n = dsc_field_ncells(o);
    cr_assert_eq(o->ntime, c->ntime, "%s", what);
    cr_assert_eq(n, dsc_field_ncells(c), "%s", what);
    for (size_t i = 0; i < o->grid.nlat; i++)
        cr_assert_float_eq(o->grid.lat[i], c->grid.lat[i], 1e-9, "%s", what);
    size_t ncol = o->grid.kind == DSC_GRID_POINTS ? o->grid.nlat : o->grid.nlon;
    for (size_t j = 0; j < ncol; j++)
        cr_assert_float_eq(o->grid.lon[j], c->grid.lon[j], 1e-9, "%s", what);
    cr_assert_str_eq(o->units, c->units, "%s", what);
    for (size_t t = 0; t < o->ntime; t++) {
        size_t have = 0;
        cr_assert_eq(dsc_date_compare(o->dates[t], c->dates[t]), 0, "%s step %zu", what, t);
        for (size_t k = 0; k < n; k++) {
            double a = o->values[t * n + k], b = c->values[t * n + k];
            if (isnan(a))
                continue;
            have++;
            cr_assert(fabs(a - b) <= 1e-4, "%s step %zu cell %zu: %.6f K, cdo %.6f K", what,
                      t, k, a, b);
        }
        cr_assert_eq(have, inside, "%s step %zu: %zu cells with values", what, t, have);
    }
    dsc_field_destroy(o);
    dsc_field_destroy(c);
}

static void compare_methods(const char *src, const char *var, const char *ours_target,
                            const char *cdo_target, size_t inside)
{
    const char *ours[3] = {"bilinear", "nearest", "conservative"};
    const char *cdo[3] = {"remapbil", "remapnn", "remapcon"};
    for (int m = 0; m < 3; m++) {
        const char *o = path_in("ours.nc"), *c = path_in("cdo.nc");
        cr_assert_eq(sh("'%s' regrid -q --method %s --to '%s' '%s' '%s'", test_bin(), ours[m],
                        ours_target, src, o), 0, "%s", ours[m]);
        cr_assert_eq(sh("cdo -s -O %s,'%s' '%s' '%s' >/dev/null 2>&1", cdo[m], cdo_target, src,
                        c), 0, "%s", cdo[m]);
        compare_files(o, c, var, inside, cdo[m]);
    }
}

Test(regrid_cdo, bnu_onto_the_anusplin_grid)
{
    need_tools(1);
    char *obs = data(ANUSPLIN);
    compare_methods(data(BNU), "tasmax", obs, obs, 676);
}

Test(regrid_cdo, mpi_onto_a_box_around_beijing)
{
    /* A global Gaussian grid stored 0..360 onto 0.25-degree cells; the MPI file's lat_bnds
     * and lon_bnds are what both tools take as cell edges for remapcon. */
    need_tools(1);
    compare_methods(data(MPI), "tas", BOX, box_grid, 1920);
}

Test(regrid_cdo, cells_outside_the_source_are_missing)
{
    /* 1-degree cells over 60..80 N, 100..84 W; the BNU cells (from its bounds) span
     * 64.18..75.34 N and 97.03..85.78 W, so 11 rows x 12 columns lie inside. remapnn fills
     * the others from the nearest cell; we leave them missing. */
    need_tools(1);
    const char *grid = path_in("outside.grid");
    FILE *fp = fopen(grid, "w");
    cr_assert_not_null(fp);
    fputs("gridtype = lonlat\nxsize = 17\nysize = 21\nxfirst = -100\nxinc = 1\n"
          "yfirst = 60\nyinc = 1\n", fp);
    fclose(fp);
    char grid_copy[4300];
    snprintf(grid_copy, sizeof grid_copy, "%s", grid);
    const char *o = path_in("ours.nc"), *c = path_in("cdo.nc");
    cr_assert_eq(sh("'%s' regrid -q --method nearest --to lonlat:-100,-84,1:60,80,1 '%s' '%s'",
                    test_bin(), data(BNU), o), 0);
    cr_assert_eq(sh("cdo -s -O remapnn,'%s' '%s' '%s' >/dev/null 2>&1", grid_copy, data(BNU),
                    c), 0);
    compare_files(o, c, "tasmax", 132, "remapnn, partly outside");
}

Test(regrid_cdo, cities_as_points)
{
    /* Beijing from the MPI grid, against CDO's remapbil onto that single point; a point at
     * 89.9 N lies north of the northernmost centre (88.57 N) and is missing. */
    need_tools(1);
    const char *o = path_in("ours.nc"), *c = path_in("cdo.nc");
    cr_assert_eq(sh("'%s' regrid -q --to 'points:Beijing=39.9,116.4;North=89.9,0' '%s' '%s'",
                    test_bin(), data(MPI), o), 0);
    cr_assert_eq(sh("cdo -s -O remapbil,lon=116.4/lat=39.9 '%s' '%s' >/dev/null 2>&1",
                    data(MPI), c), 0);
    dsc_field_t *f = read_raw(o, "tas"), *g = read_raw(c, "tas");
    cr_assert_eq(f->grid.kind, DSC_GRID_POINTS);
    cr_assert_str_eq(f->grid.names[0], "Beijing");
    cr_assert_eq(f->ntime, 12);
    for (size_t t = 0; t < 12; t++) {
        double cdo = g->values[t * dsc_field_ncells(g)];
        cr_assert(fabs(f->values[2 * t] - cdo) <= 1e-4, "month %zu: %.6f vs %.6f", t,
                  f->values[2 * t], cdo);
        cr_assert(isnan(f->values[2 * t + 1]), "the point north of the grid is missing");
    }
    dsc_field_destroy(f);
    dsc_field_destroy(g);
}

Test(regrid_cdo, weights_go_both_ways)
{
    need_tools(1);
    const char *methods[2] = {"bilinear", "conservative"}, *gen[2] = {"genbil", "gencon"};
    const char *rem[2] = {"remapbil", "remapcon"};
    for (int m = 0; m < 2; m++) {
        /* Ours written for CDO: cdo remap with them gives our output. The MPI file is held
         * from -180 in memory and from 0 in the file, so the cells must be renumbered. */
        char w[4300], o[4300];
        snprintf(w, sizeof w, "%s", path_in("ours_w.nc"));
        snprintf(o, sizeof o, "%s", path_in("ours.nc"));
        const char *c = path_in("cdo.nc");
        cr_assert_eq(sh("'%s' regrid -q --method %s --write-weights '%s' --to '%s' '%s' '%s'",
                        test_bin(), methods[m], w, BOX, data(MPI), o), 0);
        cr_assert_eq(sh("cdo -s -O remap,'%s','%s' '%s' '%s' >/dev/null 2>&1", box_grid, w,
                        data(MPI), c), 0);
        compare_files(o, c, "tas", 1920, "cdo remap with our weights");

        /* CDO's weights read by us: our output equals CDO's remap. */
        cr_assert_eq(sh("cdo -s -O %s,'%s' '%s' '%s' >/dev/null 2>&1", gen[m], box_grid,
                        data(MPI), w), 0);
        cr_assert_eq(sh("cdo -s -O %s,'%s' '%s' '%s' >/dev/null 2>&1", rem[m], box_grid,
                        data(MPI), c), 0);
        cr_assert_eq(sh("'%s' regrid -q --weights '%s' --to '%s' '%s' '%s'", test_bin(), w, BOX,
                        data(MPI), o), 0);
        compare_files(o, c, "tas", 1920, "our regrid with CDO's weights");
    }
}

Test(regrid_cdo, a_target_file_without_time_stored_north_to_south)
{
    /* A topography on CDO's 5-degree grid, latitudes inverted (north first) and no time
     * axis: our output runs south to north, CDO's as the target; weights written by us
     * and read by CDO (and the other way) must follow the target file's order. */
    need_tools(1);
    char target[4300], w[4300], o[4300];
    snprintf(target, sizeof target, "%s", path_in("topo.nc"));
    snprintf(w, sizeof w, "%s", path_in("w.nc"));
    snprintf(o, sizeof o, "%s", path_in("ours.nc"));
    const char *c = path_in("cdo.nc");
    cr_assert_eq(sh("cdo -s -O -f nc -invertlat -topo,r72x36 '%s' >/dev/null 2>&1", target),
                 0);
    cr_assert_eq(sh("'%s' regrid -q --method conservative --write-weights '%s' --to '%s' "
                    "'%s' '%s'", test_bin(), w, target, data(MPI), o), 0);
    cr_assert_eq(sh("cdo -s -O remapcon,'%s' '%s' '%s' >/dev/null 2>&1", target, data(MPI), c),
                 0);
    compare_files(o, c, "tas", 72 * 36, "remapcon onto a north-first grid");
    cr_assert_eq(sh("cdo -s -O remap,'%s','%s' '%s' '%s' >/dev/null 2>&1", target, w,
                    data(MPI), c), 0);
    compare_files(o, c, "tas", 72 * 36, "cdo remap with our weights, north-first target");
    cr_assert_eq(sh("cdo -s -O genbil,'%s' '%s' '%s' >/dev/null 2>&1", target, data(MPI), w),
                 0);
    cr_assert_eq(sh("cdo -s -O remapbil,'%s' '%s' '%s' >/dev/null 2>&1", target, data(MPI), c),
                 0);
    cr_assert_eq(sh("'%s' regrid -q --weights '%s' --to '%s' '%s' '%s'", test_bin(), w, target,
                    data(MPI), o), 0);
    compare_files(o, c, "tas", 72 * 36, "our regrid with CDO's weights, north-first target");
}

/* Runs a command expected to fail: exit status 2, one line on stderr that contains
 * `expect`, and no output file. */
static void expect_refusal(const char *args, const char *expect)
{
    const char *out = path_in("refused.nc"), *err = path_in("stderr.txt");
    char out_copy[4300], err_copy[4300];
    snprintf(out_copy, sizeof out_copy, "%s", out);
    snprintf(err_copy, sizeof err_copy, "%s", err);
    int rc = sh("'%s' regrid %s '%s' 2>'%s'", test_bin(), args, out_copy, err_copy);
    cr_assert_eq(rc, 2, "%s: exit %d", args, rc);
    cr_assert_eq(access(out_copy, F_OK), -1, "%s: no output", args);
    FILE *fp = fopen(err_copy, "r");
    cr_assert_not_null(fp);
    char line[4096] = "", extra[16];
    cr_assert_not_null(fgets(line, sizeof line, fp));
    cr_assert_null(fgets(extra, sizeof extra, fp), "%s: one line only", args);
    fclose(fp);
    cr_assert(strstr(line, expect), "%s: '%s' lacks '%s'", args, line, expect);
}

Test(regrid_cdo, bad_input_is_one_line)
{
    need_tools(0);
    char args[8192], weights[4300];
    snprintf(args, sizeof args, "--to r10x10 /nonexistent/in.nc");
    expect_refusal(args, "/nonexistent/in.nc");
    snprintf(args, sizeof args, "--to lonlat:1,2 '%s'", data(BNU));
    expect_refusal(args, "lonlat:1,2");
    snprintf(args, sizeof args, "--method bicubic --to r10x10 '%s'", data(BNU));
    expect_refusal(args, "bicubic");
    snprintf(args, sizeof args, "--var nosuch --to r10x10 '%s'", data(BNU));
    expect_refusal(args, "nosuch");
    /* A target wholly outside the source. */
    snprintf(args, sizeof args, "--to lonlat:0,10,1:0,10,1 '%s'", data(BNU));
    expect_refusal(args, "outside");
    /* Weights made for another grid. */
    snprintf(weights, sizeof weights, "%s", path_in("bnu_w.nc"));
    cr_assert_eq(sh("'%s' regrid -q --write-weights '%s' --to '%s' '%s' '%s'", test_bin(), weights,
                    data(ANUSPLIN), data(BNU), path_in("ok.nc")), 0);
    snprintf(args, sizeof args, "--weights '%s' --to '%s' '%s'", weights, BOX, data(MPI));
    expect_refusal(args, "bnu_w.nc");
}
