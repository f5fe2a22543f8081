/* test_io_write.c - atomic output, NetCDF series and map files, GeoTIFF maps.
 *
 * Files are read back with netCDF-C and GDAL directly (not with our reader), and checked
 * with ncdump and gdalinfo, so a mistake in our writer cannot hide behind the same mistake
 * in our reader.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <math.h>
#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* GDAL's C headers trip -Wpedantic (enumerators beyond int); not our code. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#include <gdal.h>
#include <ogr_srs_api.h>
#pragma GCC diagnostic pop

#include "dsc/io.h"
#include "support/support.h"

#define NC_OK(call) cr_assert_eq((call), NC_NOERR, "%s", #call)

/* ---- helpers ------------------------------------------------------------------------- */

static char dir[4096];
static dsc_ctx_t *ctx;

static void setup(void)
{
    const char *d = test_tmpdir();
    cr_assert_not_null(d);
    snprintf(dir, sizeof dir, "%s", d);
    ctx = dsc_ctx_create();
    cr_assert_not_null(ctx);
}

static void teardown(void)
{
    dsc_ctx_destroy(ctx);
    test_remove_tree(dir);
}

/* dir/name in a static buffer (one of two, so two paths can be live at once). */
static const char *in_dir(const char *name)
{
    static char bufs[2][4200];
    static int which;
    which ^= 1;
    snprintf(bufs[which], sizeof bufs[which], "%s/%s", dir, name);
    return bufs[which];
}

/* Number of entries of dir whose name contains ".tmp." - leftovers of an atomic write. */
static int count_temp_files(void)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    int n = 0;
    for (struct dirent *e = readdir(d); e; e = readdir(d))
        if (strstr(e->d_name, ".tmp."))
            n++;
    closedir(d);
    return n;
}

/* The whole of a small file as a string in a static buffer; "" when it cannot be read. */
static const char *read_text(const char *path)
{
    static char buf[65536];
    buf[0] = '\0';
    FILE *f = fopen(path, "rb");
    if (!f)
        return buf;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static void assert_att_text(int ncid, int varid, const char *name, const char *expected)
{
    char buf[512] = {0};
    size_t len = 0;
    NC_OK(nc_inq_attlen(ncid, varid, name, &len));
    cr_assert_lt(len, sizeof buf);
    NC_OK(nc_get_att_text(ncid, varid, name, buf));
    cr_assert_str_eq(buf, expected, "attribute %s", name);
}

static int var_id(int ncid, const char *name)
{
    int id = -1;
    NC_OK(nc_inq_varid(ncid, name, &id));
    return id;
}

static size_t dim_len(int ncid, const char *name)
{
    int id;
    size_t len;
    NC_OK(nc_inq_dimid(ncid, name, &id));
    NC_OK(nc_inq_dimlen(ncid, id, &len));
    return len;
}

/* ---- atomic output ------------------------------------------------------------------- */

TestSuite(atomic, .init = setup, .fini = teardown);

Test(atomic, commit_replaces_only_at_the_end)
{
    const char *path = in_dir("out.txt");
    test_write_file(path, "old contents\n");

    FILE *fp = NULL;
    char *tmp = NULL;
    cr_assert_eq(dsc_io_open_atomic(ctx, path, &fp, &tmp), DSC_OK, "%s", dsc_ctx_message(ctx));
    cr_assert_not_null(strstr(tmp, "out.txt.tmp."));
    fputs("new contents\n", fp);
    fflush(fp);
    cr_assert_str_eq(read_text(path), "old contents\n");

    cr_assert_eq(dsc_io_commit(ctx, fp, tmp, path), DSC_OK, "%s", dsc_ctx_message(ctx));
    cr_assert_str_eq(read_text(path), "new contents\n");
    cr_assert_eq(count_temp_files(), 0);
    free(tmp);
}

Test(atomic, abort_keeps_existing_file)
{
    const char *path = in_dir("out.txt");
    test_write_file(path, "old contents\n");

    FILE *fp = NULL;
    char *tmp = NULL;
    cr_assert_eq(dsc_io_open_atomic(ctx, path, &fp, &tmp), DSC_OK);
    fputs("half a new fi", fp);
    dsc_io_abort(fp, tmp);
    cr_assert_str_eq(read_text(path), "old contents\n");
    cr_assert_eq(count_temp_files(), 0);
    free(tmp);
    dsc_io_abort(NULL, NULL);
}

Test(atomic, missing_directory_names_path)
{
    const char *path = in_dir("no/such/dir/out.txt");
    FILE *fp = NULL;
    char *tmp = NULL;
    cr_assert_eq(dsc_io_open_atomic(ctx, path, &fp, &tmp), DSC_ERR_IO);
    cr_assert_null(fp);
    cr_assert_null(tmp);
    const char *msg = dsc_ctx_message(ctx);
    cr_assert_eq(strncmp(msg, path, strlen(path)), 0, "message: %s", msg);
    cr_assert_not_null(strstr(msg, "No such file or directory"), "message: %s", msg);
}

Test(atomic, rename_moves_written_file)
{
    const char *path = in_dir("target.bin");
    char *tmp = dsc_io_temp_name(ctx, path);
    cr_assert_not_null(tmp);
    test_write_file(tmp, "payload");
    cr_assert_eq(dsc_io_rename(ctx, tmp, path), DSC_OK, "%s", dsc_ctx_message(ctx));
    cr_assert_str_eq(read_text(path), "payload");
    cr_assert_eq(count_temp_files(), 0);

    /* A temporary file that was never written cannot be renamed; the error names path. */
    cr_assert_eq(dsc_io_rename(ctx, tmp, path), DSC_ERR_IO);
    cr_assert_not_null(strstr(dsc_ctx_message(ctx), path));
    free(tmp);
}

Test(atomic, mkdirs_creates_parents)
{
    const char *path = in_dir("a/b//c/");
    struct stat st;
    cr_assert_eq(dsc_io_mkdirs(ctx, path), DSC_OK, "%s", dsc_ctx_message(ctx));
    cr_assert_eq(stat(in_dir("a/b/c"), &st), 0);
    cr_assert(S_ISDIR(st.st_mode));
    cr_assert_eq(dsc_io_mkdirs(ctx, path), DSC_OK, "existing directories are fine");

    test_write_file(in_dir("plain"), "x");
    const char *blocked = in_dir("plain/sub");
    cr_assert_eq(dsc_io_mkdirs(ctx, blocked), DSC_ERR_IO);
    cr_assert_eq(strncmp(dsc_ctx_message(ctx), blocked, strlen(blocked)), 0, "message: %s",
                 dsc_ctx_message(ctx));
}

/* ---- NetCDF series ------------------------------------------------------------------- */

TestSuite(series, .init = setup, .fini = teardown);

static const char *const scenarios[] = {"ssp126", "ssp585"};

/* Noleap dates around a year end and 1 March; offsets from 2046-01-01 by hand:
 * 2046-12-31 is day 364, 2047-01-01 is 365, 2047-03-01 is 365 + 31 + 28 = 424. */
static const dsc_date_t noleap_dates[] = {
    {2046, 12, 31, 0.0}, {2047, 1, 1, 0.0}, {2047, 3, 1, 0.0}};
static const double obs[] = {10.5, NAN, 12.25};
static const double ann[] = {1.0, 2.0, 3.0, 4.0, NAN, -6.5}; /* 2 scenarios x 3 days */

static int write_noleap(const char *path, const char *obs_name)
{
    dsc_nc_var_t vars[] = {
        {obs_name, "observed daily maximum temperature", "degC", obs, 0},
        {"ann_bc", "ANN downscaled, bias-corrected", "degC", ann, 1},
    };
    dsc_nc_meta_t meta = {"test series", "unit test", NULL, "no comment"};
    return dsc_io_write_series_nc(ctx, path, DSC_CAL_NOLEAP, noleap_dates, 3, scenarios, 2, 39.9,
                                  116.4, vars, 2, &meta);
}

Test(series, noleap_round_trip)
{
    const char *path = in_dir("series.nc");
    cr_assert_eq(write_noleap(path, "obs"), DSC_OK, "%s", dsc_ctx_message(ctx));
    cr_assert_eq(count_temp_files(), 0);

    int ncid;
    NC_OK(nc_open(path, NC_NOWRITE, &ncid));
    cr_assert_eq(dim_len(ncid, "scenario"), 2);
    cr_assert_eq(dim_len(ncid, "time"), 3);
    cr_assert_eq(dim_len(ncid, "nchar"), 6);

    int time = var_id(ncid, "time");
    double t[3];
    NC_OK(nc_get_var_double(ncid, time, t));
    cr_assert_eq(t[0], 364.0);
    cr_assert_eq(t[1], 365.0);
    cr_assert_eq(t[2], 424.0);
    assert_att_text(ncid, time, "units", "days since 2046-01-01");
    assert_att_text(ncid, time, "calendar", "noleap");
    assert_att_text(ncid, time, "standard_name", "time");

    char names[2][6];
    NC_OK(nc_get_var_text(ncid, var_id(ncid, "scenario_name"), &names[0][0]));
    cr_assert_eq(memcmp(names[0], "ssp126", 6), 0);
    cr_assert_eq(memcmp(names[1], "ssp585", 6), 0);

    double lat, lon;
    int ndims;
    NC_OK(nc_inq_varndims(ncid, var_id(ncid, "lat"), &ndims));
    cr_assert_eq(ndims, 0);
    NC_OK(nc_get_var_double(ncid, var_id(ncid, "lat"), &lat));
    NC_OK(nc_get_var_double(ncid, var_id(ncid, "lon"), &lon));
    cr_assert_eq(lat, 39.9);
    cr_assert_eq(lon, 116.4);
    assert_att_text(ncid, var_id(ncid, "lat"), "units", "degrees_north");

    /* obs: one row, NaN stored as the fill value, which is exactly 1e20f. */
    int vobs = var_id(ncid, "obs");
    float fill, o[3];
    NC_OK(nc_get_att_float(ncid, vobs, "_FillValue", &fill));
    cr_assert_eq(fill, 1e20f);
    NC_OK(nc_inq_varndims(ncid, vobs, &ndims));
    cr_assert_eq(ndims, 1);
    NC_OK(nc_get_var_float(ncid, vobs, o));
    cr_assert_eq(o[0], 10.5f);
    cr_assert_eq(o[1], 1e20f);
    cr_assert_eq(o[2], 12.25f);
    assert_att_text(ncid, vobs, "coordinates", "lat lon");
    assert_att_text(ncid, vobs, "units", "degC");

    /* ann_bc: (scenario, time) in that order. */
    int vann = var_id(ncid, "ann_bc"), dims[2], scen_dim, time_dim;
    float a[6];
    NC_OK(nc_inq_vardimid(ncid, vann, dims));
    NC_OK(nc_inq_dimid(ncid, "scenario", &scen_dim));
    NC_OK(nc_inq_dimid(ncid, "time", &time_dim));
    cr_assert_eq(dims[0], scen_dim);
    cr_assert_eq(dims[1], time_dim);
    NC_OK(nc_get_var_float(ncid, vann, a));
    const float expect[6] = {1.0f, 2.0f, 3.0f, 4.0f, 1e20f, -6.5f};
    for (int i = 0; i < 6; i++)
        cr_assert_eq(a[i], expect[i], "ann_bc[%d] = %g", i, a[i]);
    assert_att_text(ncid, vann, "coordinates", "scenario_name lat lon");
    assert_att_text(ncid, vann, "long_name", "ANN downscaled, bias-corrected");

    int shuffle, deflate, level;
    NC_OK(nc_inq_var_deflate(ncid, vann, &shuffle, &deflate, &level));
    cr_assert(shuffle && deflate && level == 4);

    assert_att_text(ncid, NC_GLOBAL, "Conventions", "CF-1.8");
    assert_att_text(ncid, NC_GLOBAL, "title", "test series");
    assert_att_text(ncid, NC_GLOBAL, "comment", "no comment");
    assert_att_text(ncid, NC_GLOBAL, "software", "downscale " DSC_VERSION);
    size_t len;
    cr_assert_eq(nc_inq_attlen(ncid, NC_GLOBAL, "history", &len), NC_ENOTATT);
    NC_OK(nc_close(ncid));
}

Test(series, ncdump_reads_it)
{
    const char *path = in_dir("series.nc");
    cr_assert_eq(write_noleap(path, "obs"), DSC_OK, "%s", dsc_ctx_message(ctx));
    char cmd[4400];
    snprintf(cmd, sizeof cmd, "ncdump -h '%s' > /dev/null", path);
    cr_assert_eq(test_system(cmd), 0);
    snprintf(cmd, sizeof cmd, "ncdump -h '%s' | grep -q 'time:calendar = \"noleap\"'", path);
    cr_assert_eq(test_system(cmd), 0);
    snprintf(cmd, sizeof cmd, "ncdump -v scenario_name '%s' | grep -q '\"ssp585\"'", path);
    cr_assert_eq(test_system(cmd), 0);
    /* ncdump shows the fill value as _ in the data section: the NaN of obs. */
    snprintf(cmd, sizeof cmd, "ncdump -v obs '%s' | grep -q 'obs = 10.5, _, 12.25'", path);
    cr_assert_eq(test_system(cmd), 0);
}

Test(series, standard_calendar_leap_day_and_no_scenarios)
{
    /* 2048 is a leap year: Feb 28 is day 58, Feb 29 day 59, Mar 1 day 60; 2049-01-01 is
     * day 366. */
    const dsc_date_t dates[] = {
        {2048, 2, 28, 0.0}, {2048, 2, 29, 0.0}, {2048, 3, 1, 0.0}, {2049, 1, 1, 0.0}};
    const double v[] = {1, 2, 3, 4};
    dsc_nc_var_t var = {"obs", NULL, "degC", v, 0};
    const char *path = in_dir("standard.nc");
    cr_assert_eq(dsc_io_write_series_nc(ctx, path, DSC_CAL_STANDARD, dates, 4, NULL, 0, 0.0, 0.0,
                                        &var, 1, NULL),
                 DSC_OK, "%s", dsc_ctx_message(ctx));

    int ncid, dimid;
    double t[4];
    NC_OK(nc_open(path, NC_NOWRITE, &ncid));
    NC_OK(nc_get_var_double(ncid, var_id(ncid, "time"), t));
    cr_assert_eq(t[0], 58.0);
    cr_assert_eq(t[1], 59.0);
    cr_assert_eq(t[2], 60.0);
    cr_assert_eq(t[3], 366.0);
    assert_att_text(ncid, var_id(ncid, "time"), "calendar", "standard");
    assert_att_text(ncid, var_id(ncid, "time"), "units", "days since 2048-01-01");
    cr_assert_eq(nc_inq_dimid(ncid, "scenario", &dimid), NC_EBADDIM);
    assert_att_text(ncid, NC_GLOBAL, "Conventions", "CF-1.8");
    NC_OK(nc_close(ncid));
}

Test(series, bad_arguments_are_usage_errors)
{
    const dsc_date_t bad[] = {{2046, 2, 28, 0.0}, {2046, 2, 29, 0.0}}; /* no Feb 29 */
    const dsc_date_t backwards[] = {{2046, 3, 2, 0.0}, {2046, 3, 1, 0.0}};
    const double v[] = {1, 2};
    dsc_nc_var_t var = {"obs", NULL, "degC", v, 0};
    dsc_nc_var_t per = {"ann", NULL, "degC", v, 1};
    const char *path = in_dir("bad.nc");

    cr_assert_eq(
        dsc_io_write_series_nc(ctx, path, DSC_CAL_NOLEAP, bad, 2, NULL, 0, 0, 0, &var, 1, NULL),
        DSC_ERR_USAGE);
    cr_assert_not_null(strstr(dsc_ctx_message(ctx), "2046-02-29"), "%s", dsc_ctx_message(ctx));
    cr_assert_eq(dsc_io_write_series_nc(ctx, path, DSC_CAL_NOLEAP, backwards, 2, NULL, 0, 0, 0,
                                        &var, 1, NULL),
                 DSC_ERR_USAGE);
    cr_assert_eq(
        dsc_io_write_series_nc(ctx, path, DSC_CAL_NOLEAP, bad, 1, NULL, 0, 0, 0, &per, 1, NULL),
        DSC_ERR_USAGE);
    cr_assert_eq(strncmp(dsc_ctx_message(ctx), path, strlen(path)), 0);
    cr_assert(!file_exists(path));
    cr_assert_eq(count_temp_files(), 0);
}

Test(series, failure_keeps_existing_file)
{
    const char *path = in_dir("series.nc");
    test_write_file(path, "an older output\n");
    /* netCDF refuses the name only after the file has been created, so this exercises the
     * clean-up of a half-written temporary file. */
    cr_assert_eq(write_noleap(path, "bad/name"), DSC_ERR_IO);
    const char *msg = dsc_ctx_message(ctx);
    cr_assert_eq(strncmp(msg, path, strlen(path)), 0, "message: %s", msg);
    cr_assert_not_null(strstr(msg, "bad/name"), "message: %s", msg);
    cr_assert_str_eq(read_text(path), "an older output\n");
    cr_assert_eq(count_temp_files(), 0);
}

Test(series, missing_directory_names_path)
{
    const char *path = in_dir("missing/series.nc");
    cr_assert_eq(write_noleap(path, "obs"), DSC_ERR_IO);
    const char *msg = dsc_ctx_message(ctx);
    cr_assert_eq(strncmp(msg, path, strlen(path)), 0, "message: %s", msg);
    cr_assert_not_null(strstr(msg, "No such file or directory"), "message: %s", msg);
}

/* ---- maps: NetCDF and GeoTIFF -------------------------------------------------------- */

TestSuite(map, .init = setup, .fini = teardown);

/* 3 x 4 cells of 0.5 degrees, values 1.5 * cell index, cell 5 (lat 30.5, lon 100.5)
 * missing. */
static double map_lat[] = {30.0, 30.5, 31.0};
static double map_lon[] = {100.0, 100.5, 101.0, 101.5};

static dsc_grid_t map_grid(void)
{
    dsc_grid_t g = {DSC_GRID_RECTILINEAR, 3, 4, map_lat, map_lon, NULL, 0};
    return g;
}

static void map_values(double *v)
{
    for (int i = 0; i < 12; i++)
        v[i] = 1.5 * i;
    v[5] = NAN;
}

Test(map, netcdf_round_trip)
{
    dsc_grid_t g = map_grid();
    double v[12];
    map_values(v);
    dsc_nc_meta_t meta = {"change map", NULL, "downscale run", NULL};
    const char *path = in_dir("map.nc");
    dsc_map_period_t per = {DSC_CAL_NOLEAP, 2041, 2070, 1971, 2000};
    cr_assert_eq(dsc_io_write_map_nc(ctx, path, &g, v, "dtasmax", "change of tasmax", "K", &per,
                                     &meta),
                 DSC_OK, "%s", dsc_ctx_message(ctx));
    cr_assert_eq(count_temp_files(), 0);

    int ncid;
    NC_OK(nc_open(path, NC_NOWRITE, &ncid));
    cr_assert_eq(dim_len(ncid, "lat"), 3);
    cr_assert_eq(dim_len(ncid, "lon"), 4);
    double lat[3], lon[4];
    NC_OK(nc_get_var_double(ncid, var_id(ncid, "lat"), lat));
    NC_OK(nc_get_var_double(ncid, var_id(ncid, "lon"), lon));
    cr_assert_eq(lat[2], 31.0);
    cr_assert_eq(lon[3], 101.5);
    assert_att_text(ncid, var_id(ncid, "lat"), "standard_name", "latitude");
    assert_att_text(ncid, var_id(ncid, "lon"), "units", "degrees_east");

    int var = var_id(ncid, "dtasmax");
    float f[12];
    NC_OK(nc_get_var_float(ncid, var, f));
    for (int i = 0; i < 12; i++)
        cr_assert_eq(f[i], i == 5 ? 1e20f : 1.5f * i, "cell %d = %g", i, f[i]);
    assert_att_text(ncid, var, "units", "K");
    assert_att_text(ncid, var, "long_name", "change of tasmax");
    /* CF: a scalar time in the middle of 2041-2070 (30 noleap years = 10950 days) with
     * bounds spanning it; the change is said in the cell_methods comment. */
    assert_att_text(ncid, var, "cell_methods", "time: mean (comment: minus the mean over "
                                               "1971-2000)");
    assert_att_text(ncid, var, "coordinates", "time");
    assert_att_text(ncid, var, "period", "2041-2070");
    assert_att_text(ncid, var, "base_period", "1971-2000");
    int vt = var_id(ncid, "time");
    assert_att_text(ncid, vt, "units", "days since 2041-01-01 00:00:00");
    assert_att_text(ncid, vt, "calendar", "noleap");
    assert_att_text(ncid, vt, "bounds", "time_bnds");
    double tmid, tb[2];
    NC_OK(nc_get_var_double(ncid, vt, &tmid));
    NC_OK(nc_get_var_double(ncid, var_id(ncid, "time_bnds"), tb));
    cr_assert_eq(tb[0], 0.0);
    cr_assert_eq(tb[1], 10950.0);
    cr_assert_eq(tmid, 5475.0);
    assert_att_text(ncid, NC_GLOBAL, "title", "change map");
    assert_att_text(ncid, NC_GLOBAL, "history", "downscale run");
    NC_OK(nc_close(ncid));

    dsc_grid_t points = g;
    points.kind = DSC_GRID_POINTS;
    cr_assert_eq(dsc_io_write_map_nc(ctx, path, &points, v, "x", NULL, NULL, NULL, NULL),
                 DSC_ERR_USAGE);
    dsc_map_period_t backwards = {DSC_CAL_STANDARD, 2070, 2041, 0, 0};
    cr_assert_eq(dsc_io_write_map_nc(ctx, path, &g, v, "x", NULL, NULL, &backwards, NULL),
                 DSC_ERR_USAGE);
}

static GDALDatasetH open_tiff(const char *path)
{
    GDALAllRegister();
    GDALDatasetH ds = GDALOpen(path, GA_ReadOnly);
    cr_assert_not_null(ds, "GDAL cannot open %s", path);
    return ds;
}

static float read_pixel(GDALDatasetH ds, int row, int col)
{
    float value;
    cr_assert_eq(GDALRasterIO(GDALGetRasterBand(ds, 1), GF_Read, col, row, 1, 1, &value, 1, 1,
                              GDT_Float32, 0, 0),
                 CE_None);
    return value;
}

Test(map, geotiff_north_up_wgs84)
{
    dsc_grid_t g = map_grid();
    double v[12];
    map_values(v);
    const char *path = in_dir("map.tif");
    cr_assert_eq(dsc_io_write_geotiff(ctx, path, &g, v, "change of tasmax (K)"), DSC_OK, "%s",
                 dsc_ctx_message(ctx));
    cr_assert_eq(count_temp_files(), 0, "no temporary or .aux.xml file left");

    GDALDatasetH ds = open_tiff(path);
    cr_assert_eq(GDALGetRasterXSize(ds), 4);
    cr_assert_eq(GDALGetRasterYSize(ds), 3);
    cr_assert_eq(GDALGetRasterCount(ds), 1);

    /* Outer corner: half a cell west of 100.0 and half a cell north of 31.0. */
    double gt[6];
    cr_assert_eq(GDALGetGeoTransform(ds, gt), CE_None);
    const double expect[6] = {99.75, 0.5, 0.0, 31.25, 0.0, -0.5};
    for (int i = 0; i < 6; i++)
        cr_assert_float_eq(gt[i], expect[i], 1e-12, "geotransform[%d] = %.15g", i, gt[i]);

    /* Row 0 is the northernmost latitude (31.0, ilat 2): cells 8..11. */
    GDALRasterBandH band = GDALGetRasterBand(ds, 1);
    cr_assert_eq(GDALGetRasterDataType(band), GDT_Float32);
    cr_assert_eq(read_pixel(ds, 0, 0), 12.0f);
    cr_assert_eq(read_pixel(ds, 0, 3), 16.5f);
    cr_assert_eq(read_pixel(ds, 2, 3), 4.5f);
    cr_assert(isnan(read_pixel(ds, 1, 1)), "cell 5 is at row 1, column 1");

    int has_nodata = 0;
    double nodata = GDALGetRasterNoDataValue(band, &has_nodata);
    cr_assert(has_nodata);
    cr_assert(isnan(nodata));
    cr_assert_str_eq(GDALGetDescription(band), "change of tasmax (K)");

    OGRSpatialReferenceH srs = GDALGetSpatialRef(ds);
    cr_assert_not_null(srs);
    cr_assert(OSRIsGeographic(srs));
    const char *code = OSRGetAuthorityCode(srs, NULL);
    cr_assert_not_null(code);
    cr_assert_str_eq(code, "4326");
    cr_assert_float_eq(OSRGetSemiMajor(srs, NULL), 6378137.0, 1e-6);
    cr_assert_float_eq(OSRGetInvFlattening(srs, NULL), 298.257223563, 1e-9);
    GDALClose(ds);

    /* gdalinfo, an independent reader, sees the same origin and CRS. */
    char cmd[4400];
    snprintf(cmd, sizeof cmd,
             "gdalinfo '%s' | grep -q 'Origin = (99.750000000000000,31.250000000000000)'", path);
    cr_assert_eq(test_system(cmd), 0);
    snprintf(cmd, sizeof cmd, "gdalinfo '%s' | grep -q 'ID\\[\"EPSG\",4326\\]'", path);
    cr_assert_eq(test_system(cmd), 0);
}

Test(map, geotiff_across_antimeridian)
{
    double lat[] = {-1.0, 1.0};
    double lon[] = {170.0, 175.0, -180.0, -175.0};
    dsc_grid_t g = {DSC_GRID_RECTILINEAR, 2, 4, lat, lon, NULL, 1};
    double v[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    const char *path = in_dir("wrap.tif");
    cr_assert_eq(dsc_io_write_geotiff(ctx, path, &g, v, NULL), DSC_OK, "%s", dsc_ctx_message(ctx));

    GDALDatasetH ds = open_tiff(path);
    double gt[6];
    cr_assert_eq(GDALGetGeoTransform(ds, gt), CE_None);
    cr_assert_float_eq(gt[0], 167.5, 1e-12);
    cr_assert_float_eq(gt[1], 5.0, 1e-12);
    cr_assert_float_eq(gt[3], 2.0, 1e-12);
    cr_assert_float_eq(gt[5], -2.0, 1e-12);
    cr_assert_eq(read_pixel(ds, 0, 2), 6.0f, "lat 1, lon -180");
    GDALClose(ds);
}

Test(map, geotiff_irregular_spacing_is_refused)
{
    double lat[] = {0.0, 1.0};
    double lon[] = {0.0, 1.0, 2.5};
    dsc_grid_t g = {DSC_GRID_RECTILINEAR, 2, 3, lat, lon, NULL, 0};
    double v[6] = {0};
    const char *path = in_dir("irregular.tif");
    cr_assert_eq(dsc_io_write_geotiff(ctx, path, &g, v, NULL), DSC_ERR_USAGE);
    cr_assert_eq(strncmp(dsc_ctx_message(ctx), path, strlen(path)), 0, "%s", dsc_ctx_message(ctx));
    cr_assert_not_null(strstr(dsc_ctx_message(ctx), "longitude"));
    cr_assert(!file_exists(path));
    cr_assert_eq(count_temp_files(), 0);

    /* Spacing within 1e-6 of the step is still regular. */
    lon[2] = 2.0 + 1e-9;
    cr_assert_eq(dsc_io_write_geotiff(ctx, path, &g, v, NULL), DSC_OK, "%s", dsc_ctx_message(ctx));
}

Test(map, geotiff_missing_directory_names_path)
{
    dsc_grid_t g = map_grid();
    double v[12];
    map_values(v);
    const char *path = in_dir("missing/map.tif");
    cr_assert_eq(dsc_io_write_geotiff(ctx, path, &g, v, NULL), DSC_ERR_IO);
    cr_assert_eq(strncmp(dsc_ctx_message(ctx), path, strlen(path)), 0, "%s", dsc_ctx_message(ctx));
}
