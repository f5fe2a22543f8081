/* test_io_stream.c - reading and writing a variable a block of time steps at a time: blocks
 * give what a whole read gives, the file order and bounds of the grid, the streamed writer's
 * layout read back, and the errors. */
#include <criterion/criterion.h>
#include <math.h>
#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dsc/io_stream.h"
#include "support/support.h"

static dsc_ctx_t *ctx;

static void setup(void)
{
    ctx = dsc_ctx_create();
    cr_assert_not_null(ctx);
}

static void teardown(void)
{
    dsc_ctx_destroy(ctx);
}

TestSuite(stream, .init = setup, .fini = teardown);

#define BNU "gcm/BNU-ESM_tasmax_day_tiny_gcm.nc"
#define MPI "gcm/MPI-ESM-LR_tas_Amon_historical_2005_global.nc"
#define ANUSPLIN "obs/ANUSPLIN_tasmax_day_tiny_obs.nc"

static dsc_io_stream_t *open_stream(const char *rel, const char *var, const dsc_region_t *r)
{
    dsc_io_stream_t *s = NULL;
    int rc = dsc_io_stream_open(ctx, test_data_path(rel), var, r, NULL, &s);
    cr_assert_eq(rc, DSC_OK, "%s", dsc_ctx_message(ctx));
    return s;
}

/* Reads the stream in blocks of `block` steps and compares with dsc_io_read. */
static void compare_blocks(const char *rel, const char *var, const dsc_region_t *r,
                           size_t block)
{
    dsc_field_t *f = NULL;
    cr_assert_eq(dsc_io_read(ctx, test_data_path(rel), var, r, NULL, &f), DSC_OK, "%s",
                 dsc_ctx_message(ctx));
    dsc_io_stream_t *s = open_stream(rel, var, r);
    const dsc_io_stream_info_t *in = dsc_io_stream_info(s);
    size_t nc = dsc_field_ncells(f);

    cr_assert_eq(in->ntime, f->ntime);
    cr_assert_eq(in->calendar, f->calendar);
    cr_assert_str_eq(in->units, f->units);
    cr_assert_eq(in->grid->nlat, f->grid.nlat);
    cr_assert_eq(in->grid->nlon, f->grid.nlon);
    cr_assert_eq(memcmp(in->grid->lat, f->grid.lat, f->grid.nlat * sizeof(double)), 0);
    cr_assert_eq(memcmp(in->grid->lon, f->grid.lon, f->grid.nlon * sizeof(double)), 0);
    cr_assert_eq(in->grid->lon_wraps, f->grid.lon_wraps);
    double *v = malloc(block * nc * sizeof *v);
    cr_assert_not_null(v);
    for (size_t t0 = 0; t0 < in->ntime; t0 += block) {
        size_t nt = in->ntime - t0 < block ? in->ntime - t0 : block;
        cr_assert_eq(dsc_io_stream_read(ctx, s, t0, nt, v), DSC_OK, "%s", dsc_ctx_message(ctx));
        for (size_t k = 0; k < nt * nc; k++) {
            double a = v[k], b = f->values[t0 * nc + k];
            cr_assert((isnan(a) && isnan(b)) || a == b, "step %zu value %zu: %g vs %g",
                      t0 + k / nc, k % nc, a, b);
        }
        cr_assert_eq(dsc_date_compare(in->dates[t0], f->dates[t0]), 0);
    }
    free(v);
    dsc_io_stream_close(s);
    dsc_field_destroy(f);
}

Test(stream, blocks_equal_a_whole_read)
{
    compare_blocks(BNU, "tasmax", NULL, 100);  /* 3651 steps: the last block is short */
    compare_blocks(ANUSPLIN, "tasmax", NULL, 751);
    /* A box across the MPI file's seam at 0 E (0..358.125): two runs of columns. */
    dsc_region_t box = {.kind = DSC_REGION_BOX, .lat_min = 40, .lat_max = 55,
                        .lon_min = -10, .lon_max = 12, .halo = 1};
    compare_blocks(MPI, "tas", &box, 5);
    compare_blocks(MPI, "tas", NULL, 12);
}

Test(stream, where_the_grid_lies_in_the_file)
{
    /* The MPI file holds lon 0 .. 358.125 every 1.875; read whole, the grid starts at the
     * column nearest -180, file column 96 (180 E). */
    dsc_io_stream_t *s = open_stream(MPI, "tas", NULL);
    const dsc_io_stream_info_t *in = dsc_io_stream_info(s);
    const dsc_grid_t *g = in->grid;
    cr_assert_eq(in->file_nlat, 96);
    cr_assert_eq(in->file_nlon, 192);
    cr_assert_eq(in->lon_index[0], 96);
    cr_assert_float_eq(in->file_lon[96], 180.0, 1e-12);
    cr_assert_float_eq(g->lon[0], -180.0, 1e-12);
    for (size_t i = 0; i < g->nlat; i++)
        cr_assert_eq(in->file_lat[in->lat_index[i]], g->lat[i]);
    for (size_t j = 0; j < g->nlon; j++)
        cr_assert_float_eq(dsc_lon_normalize(in->file_lon[in->lon_index[j]]), g->lon[j], 1e-12);
    cr_assert_str_eq(in->time_units, "days since 1850-01-01 00:00:00");
    cr_assert_str_eq(in->long_name, "Near-Surface Air Temperature");
    cr_assert_str_eq(in->standard_name, "air_temperature");

    /* Edges from lat_bnds and lon_bnds: -90 and 90 outside, -87.6473503112793 between the
     * first two rows (ncdump), and 1.875-degree columns starting half a column west of
     * -180. */
    cr_assert_not_null(in->lat_edges);
    cr_assert_not_null(in->lon_edges);
    cr_assert_float_eq(in->lat_edges[0], -90.0, 1e-12);
    cr_assert_float_eq(in->lat_edges[1], -87.6473503112793, 1e-9);
    cr_assert_float_eq(in->lat_edges[96], 90.0, 1e-12);
    cr_assert_float_eq(in->lon_edges[0], -180.9375, 1e-9);
    for (size_t j = 0; j < 192; j++)
        cr_assert_float_eq(in->lon_edges[j + 1] - g->lon[j], 0.9375, 1e-9, "column %zu", j);
    dsc_io_stream_close(s);

    /* ANUSPLIN has no bounds. */
    s = open_stream(ANUSPLIN, "tasmax", NULL);
    cr_assert_null(dsc_io_stream_info(s)->lat_edges);
    cr_assert_null(dsc_io_stream_info(s)->lon_edges);
    dsc_io_stream_close(s);
}

Test(stream, bad_reads_and_variables)
{
    dsc_io_stream_t *s = open_stream(BNU, "tasmax", NULL);
    double v[16];
    cr_assert_eq(dsc_io_stream_read(ctx, s, 3651, 1, v), DSC_ERR_USAGE);
    cr_assert(strstr(dsc_ctx_message(ctx), "BNU-ESM"), "%s", dsc_ctx_message(ctx));
    cr_assert_eq(dsc_io_stream_read(ctx, s, 3650, 1, v), DSC_OK);
    dsc_io_stream_close(s);
    dsc_io_stream_close(NULL);

    s = (dsc_io_stream_t *)v;
    cr_assert_eq(dsc_io_stream_open(ctx, test_data_path(BNU), "pr", NULL, NULL, &s),
                 DSC_ERR_FORMAT);
    cr_assert_null(s);
    cr_assert_neq(dsc_io_stream_open(ctx, "/nonexistent/x.nc", "tas", NULL, NULL, &s), DSC_OK);
    cr_assert(strstr(dsc_ctx_message(ctx), "/nonexistent/x.nc"), "%s", dsc_ctx_message(ctx));

    char name[64];
    cr_assert_eq(dsc_io_data_variable(ctx, test_data_path(BNU), name, sizeof name), DSC_OK);
    cr_assert_str_eq(name, "tasmax"); /* lat_bnds comes first but is a bounds variable */
    cr_assert_eq(dsc_io_data_variable(ctx, test_data_path(MPI), name, sizeof name), DSC_OK);
    cr_assert_str_eq(name, "tas");
}

Test(stream, a_grid_without_time)
{
    /* A mask on lat (10, 0, -10) x lon (0, 90, 180, 270), no time: opened with no steps, the
     * grid in the reader's order (lat ascending, lon from -180) and where it lies in the
     * file. */
    const char *dir = test_tmpdir();
    cr_assert_not_null(dir);
    char path[4200];
    snprintf(path, sizeof path, "%s/mask.nc", dir);
    int nc, dlat, dlon, vlat, vlon, vm;
    cr_assert_eq(nc_create(path, NC_CLOBBER, &nc), NC_NOERR);
    nc_def_dim(nc, "lat", 3, &dlat);
    nc_def_dim(nc, "lon", 4, &dlon);
    nc_def_var(nc, "lat", NC_DOUBLE, 1, &dlat, &vlat);
    nc_put_att_text(nc, vlat, "units", 13, "degrees_north");
    nc_def_var(nc, "lon", NC_DOUBLE, 1, &dlon, &vlon);
    nc_put_att_text(nc, vlon, "units", 12, "degrees_east");
    int dims[2] = {dlat, dlon};
    nc_def_var(nc, "mask", NC_FLOAT, 2, dims, &vm);
    nc_enddef(nc);
    double lat[3] = {10, 0, -10}, lon[4] = {0, 90, 180, 270};
    float mask[12] = {0};
    nc_put_var_double(nc, vlat, lat);
    nc_put_var_double(nc, vlon, lon);
    nc_put_var_float(nc, vm, mask);
    nc_close(nc);

    char name[64];
    cr_assert_eq(dsc_io_data_variable(ctx, path, name, sizeof name), DSC_OK);
    cr_assert_str_eq(name, "mask");
    dsc_read_opts_t raw = {.raw_units = 1};
    dsc_io_stream_t *s = NULL;
    cr_assert_eq(dsc_io_stream_open(ctx, path, "mask", NULL, &raw, &s), DSC_OK, "%s",
                 dsc_ctx_message(ctx));
    const dsc_io_stream_info_t *in = dsc_io_stream_info(s);
    cr_assert_eq(in->ntime, 0);
    cr_assert(in->grid->lat[0] == -10 && in->grid->lat[2] == 10);
    cr_assert(in->grid->lon[0] == -180 && in->grid->lon[3] == 90);
    cr_assert(in->grid->lon_wraps);
    size_t lat_index[3] = {2, 1, 0}, lon_index[4] = {2, 3, 0, 1};
    cr_assert_eq(memcmp(in->lat_index, lat_index, sizeof lat_index), 0);
    cr_assert_eq(memcmp(in->lon_index, lon_index, sizeof lon_index), 0);
    double v[12];
    cr_assert_eq(dsc_io_stream_read(ctx, s, 0, 1, v), DSC_ERR_USAGE);
    dsc_io_stream_close(s);
    remove(path);
    rmdir(dir);
}

/* ---- writing -------------------------------------------------------------------------- */

static char out_path[4200];

static void make_out_path(const char *name)
{
    const char *dir = test_tmpdir();
    cr_assert_not_null(dir);
    snprintf(out_path, sizeof out_path, "%s/%s", dir, name);
}

static int exists(const char *path)
{
    return access(path, F_OK) == 0;
}

/* Removes the output and the folder test_tmpdir made for it. */
static void remove_out(void)
{
    remove(out_path);
    char *slash = strrchr(out_path, '/');
    *slash = '\0';
    rmdir(out_path);
}

Test(stream, writer_blocks_read_back)
{
    /* Three columns 170, 180, -170 (a grid crossing the antimeridian), two rows; 7 noleap
     * days written in blocks of 3, 3 and 1, one value missing. */
    dsc_grid_t g;
    cr_assert_eq(dsc_grid_init_rectilinear(ctx, &g, 2, 3), DSC_OK);
    g.lat[0] = 40.0;
    g.lat[1] = 41.0;
    g.lon[0] = 170.0;
    g.lon[1] = -180.0;
    g.lon[2] = -170.0;
    dsc_date_t dates[7];
    double values[7 * 6];
    for (int t = 0; t < 7; t++) {
        dates[t] = (dsc_date_t){2001, 2, 25 + t, 43200.0};
        if (dates[t].day > 28) {
            dates[t].month = 3;
            dates[t].day -= 28;
        }
        for (int c = 0; c < 6; c++)
            values[t * 6 + c] = 270.0 + 0.5 * t + 0.125 * c;
    }
    values[9] = NAN;
    make_out_path("steps.nc");
    dsc_io_writer_opts_t o = {.name = "tas", .units = "K", .long_name = "air temperature",
                              .time_units = "hours since 2001-01-01 00:00:00",
                              .calendar = DSC_CAL_NOLEAP};
    dsc_io_writer_t *w = NULL;
    cr_assert_eq(dsc_io_writer_create(ctx, out_path, &g, &o, &w), DSC_OK, "%s",
                 dsc_ctx_message(ctx));
    cr_assert_eq(dsc_io_writer_append(ctx, w, dates, values, 3), DSC_OK, "%s",
                 dsc_ctx_message(ctx));
    cr_assert_eq(dsc_io_writer_append(ctx, w, dates + 3, values + 18, 3), DSC_OK);
    cr_assert_eq(dsc_io_writer_append(ctx, w, dates + 6, values + 36, 1), DSC_OK);
    cr_assert(!exists(out_path), "nothing at the path before commit");
    cr_assert_eq(dsc_io_writer_commit(ctx, w), DSC_OK, "%s", dsc_ctx_message(ctx));

    /* The longitudes go on eastward past 180 in the file. */
    int nc, id;
    double lon[3], time[7];
    cr_assert_eq(nc_open(out_path, NC_NOWRITE, &nc), NC_NOERR);
    cr_assert_eq(nc_inq_varid(nc, "lon", &id), NC_NOERR);
    cr_assert_eq(nc_get_var_double(nc, id, lon), NC_NOERR);
    cr_assert(lon[0] == 170.0 && lon[1] == 180.0 && lon[2] == 190.0, "%g %g %g", lon[0],
              lon[1], lon[2]);
    cr_assert_eq(nc_inq_varid(nc, "time", &id), NC_NOERR);
    cr_assert_eq(nc_get_var_double(nc, id, time), NC_NOERR);
    /* 2001-02-25 12:00 is day 55 of a noleap year: 55 * 24 + 12 hours. */
    cr_assert_float_eq(time[0], 55 * 24 + 12, 1e-9);
    cr_assert_float_eq(time[6], 61 * 24 + 12, 1e-9);
    nc_close(nc);

    dsc_read_opts_t raw = {.raw_units = 1};
    dsc_field_t *f = NULL;
    cr_assert_eq(dsc_io_read(ctx, out_path, "tas", NULL, &raw, &f), DSC_OK, "%s",
                 dsc_ctx_message(ctx));
    cr_assert_eq(f->ntime, 7);
    cr_assert_eq(f->calendar, DSC_CAL_NOLEAP);
    cr_assert_str_eq(f->units, "K");
    cr_assert_eq(dsc_date_compare(f->dates[4], dates[4]), 0);
    for (size_t i = 0; i < 42; i++) {
        if (i == 9)
            cr_assert(isnan(f->values[i]));
        else
            cr_assert_float_eq(f->values[i], values[i], 1e-4, "value %zu", i);
    }
    dsc_field_destroy(f);
    dsc_grid_clear(&g);
    remove_out();
}

Test(stream, writer_points_and_errors)
{
    dsc_grid_t p;
    cr_assert_eq(dsc_grid_init_points(ctx, &p, 2), DSC_OK);
    p.lat[0] = 39.9;
    p.lon[0] = 116.4;
    p.lat[1] = 31.2;
    p.lon[1] = 121.5;
    p.names = calloc(2, sizeof *p.names);
    cr_assert_not_null(p.names);
    p.names[0] = strdup("Beijing");
    p.names[1] = strdup("Shanghai");
    make_out_path("points.nc");
    dsc_io_writer_opts_t o = {.name = "tasmax", .units = "degC", .calendar = DSC_CAL_STANDARD};
    dsc_io_writer_t *w = NULL;
    cr_assert_eq(dsc_io_writer_create(ctx, out_path, &p, &o, &w), DSC_OK, "%s",
                 dsc_ctx_message(ctx));
    dsc_date_t d[2] = {{1990, 1, 1, 0.0}, {1990, 1, 2, 0.0}};
    double v[4] = {1.5, 2.5, 3.5, 4.5};
    /* Dates must increase, also across blocks. */
    cr_assert_eq(dsc_io_writer_append(ctx, w, d, v, 2), DSC_OK, "%s", dsc_ctx_message(ctx));
    cr_assert_eq(dsc_io_writer_append(ctx, w, d + 1, v, 1), DSC_ERR_USAGE);
    cr_assert(strstr(dsc_ctx_message(ctx), "points.nc"), "%s", dsc_ctx_message(ctx));
    cr_assert_eq(dsc_io_writer_commit(ctx, w), DSC_OK, "%s", dsc_ctx_message(ctx));

    dsc_field_t *f = NULL;
    cr_assert_eq(dsc_io_read(ctx, out_path, "tasmax", NULL, NULL, &f), DSC_OK, "%s",
                 dsc_ctx_message(ctx));
    cr_assert_eq(f->grid.kind, DSC_GRID_POINTS);
    cr_assert_eq(f->grid.nlat, 2);
    cr_assert_str_eq(f->grid.names[1], "Shanghai");
    cr_assert_float_eq(f->values[3], 4.5, 1e-6);
    /* Without time units given, days since the first year's 1 January. */
    int nc, id;
    char units[64] = "";
    cr_assert_eq(nc_open(out_path, NC_NOWRITE, &nc), NC_NOERR);
    nc_inq_varid(nc, "time", &id);
    nc_get_att_text(nc, id, "units", units);
    nc_close(nc);
    cr_assert(strncmp(units, "days since 1990-01-01", 21) == 0, "%s", units);
    dsc_field_destroy(f);
    remove(out_path);

    /* An aborted writer leaves nothing; bad options are refused. */
    cr_assert_eq(dsc_io_writer_create(ctx, out_path, &p, &o, &w), DSC_OK);
    dsc_io_writer_abort(w);
    cr_assert(!exists(out_path));
    char dir[4300];
    snprintf(dir, sizeof dir, "%s", out_path);
    *strrchr(dir, '/') = '\0';
    char cmd[4400];
    snprintf(cmd, sizeof cmd, "ls -A '%s' | wc -l | grep -qx 0", dir);
    cr_assert_eq(test_system(cmd), 0, "the temporary file is gone");
    dsc_io_writer_opts_t bad = {.name = "", .calendar = DSC_CAL_STANDARD};
    w = (dsc_io_writer_t *)v;
    cr_assert_eq(dsc_io_writer_create(ctx, out_path, &p, &bad, &w), DSC_ERR_USAGE);
    cr_assert_null(w);
    dsc_io_writer_opts_t bad_units = {.name = "x", .time_units = "months since 1990-01",
                                      .calendar = DSC_CAL_STANDARD};
    cr_assert_neq(dsc_io_writer_create(ctx, out_path, &p, &bad_units, &w), DSC_OK);
    cr_assert(strstr(dsc_ctx_message(ctx), "points.nc"), "%s", dsc_ctx_message(ctx));
    cr_assert(!exists(out_path));
    snprintf(cmd, sizeof cmd, "/nonexistent-dir/x.nc");
    cr_assert_eq(dsc_io_writer_create(ctx, cmd, &p, &o, &w), DSC_ERR_IO);
    cr_assert(strstr(dsc_ctx_message(ctx), "/nonexistent-dir/x.nc"), "%s",
              dsc_ctx_message(ctx));
    rmdir(dir);
    dsc_grid_clear(&p);
}
