/* test_io_read.c - reading CF NetCDF and GHCN-Daily into fields.
 *
 * Expected values come from `ncdump` (and `ncdump -t` for dates) run on the same files, or
 * from small files this test writes itself with netCDF-C, whose every value is known.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsc/io.h"
#include "support/support.h"

static dsc_ctx_t *ctx;

static void setup(void)
{
    ctx = dsc_ctx_create();
}

static void teardown(void)
{
    dsc_ctx_destroy(ctx);
}

TestSuite(io_read, .init = setup, .fini = teardown);

/* Tolerance for values stored as float in the file, in degC. */
#define FLOAT_TOL 1e-4

static char *data_path(const char *rel)
{
    return strdup(test_data_path(rel));
}

static dsc_field_t *read_ok(const char *rel, const char *var, const dsc_region_t *region,
                            const dsc_read_opts_t *opts)
{
    char *path = data_path(rel);
    dsc_field_t *f = NULL;
    int rc = dsc_io_read(ctx, path, var, region, opts, &f);
    cr_assert_eq(rc, DSC_OK, "%s: %s", rel, dsc_ctx_message(ctx));
    cr_assert_str_eq(f->source, path);
    cr_assert_str_eq(f->name, var);
    free(path);
    return f;
}

/* Reads a file that must be refused with code; the message must contain each of the
 * given fragments (NULL-terminated). */
static void read_refused(const char *path, const char *var, const dsc_region_t *region,
                         const dsc_read_opts_t *opts, int code, ...)
{
    dsc_field_t *f = (dsc_field_t *)1;
    int rc = dsc_io_read(ctx, path, var, region, opts, &f);
    cr_assert_eq(rc, code, "%s %s: rc %d, expected %d (%s)", path, var, rc, code,
                 dsc_ctx_message(ctx));
    cr_assert_null(f);
    va_list ap;
    va_start(ap, code);
    for (const char *frag = va_arg(ap, const char *); frag; frag = va_arg(ap, const char *))
        cr_assert(strstr(dsc_ctx_message(ctx), frag) != NULL, "message '%s' lacks '%s'",
                  dsc_ctx_message(ctx), frag);
    va_end(ap);
}

static void assert_date(dsc_date_t d, int y, int m, int day)
{
    cr_assert(d.year == y && d.month == m && d.day == day, "date %d-%02d-%02d, expected "
              "%d-%02d-%02d", d.year, d.month, d.day, y, m, day);
}

static size_t count_nan(const dsc_field_t *f)
{
    size_t n = 0, total = f->ntime * dsc_field_ncells(f);
    for (size_t i = 0; i < total; i++)
        n += isnan(f->values[i]);
    return n;
}

/* ---- real files ------------------------------------------------------------------------ */

Test(io_read, canesm2_station_layout)
{
    dsc_field_t *f = read_ok("gcm/CanESM2_1950-2100.nc", "tasmax", NULL, NULL);
    cr_assert_eq(f->grid.kind, DSC_GRID_POINTS);
    cr_assert_eq(f->grid.nlat, 3);
    cr_assert_eq(f->ntime, 55115);
    cr_assert_eq(f->calendar, DSC_CAL_NOLEAP);
    cr_assert_str_eq(f->units, "degC");
    assert_date(f->dates[0], 1950, 1, 1);
    assert_date(f->dates[f->ntime - 1], 2100, 12, 31);
    cr_assert_str_eq(f->grid.names[0], "Vancouver");
    cr_assert_str_eq(f->grid.names[1], "Kugluktuk");
    cr_assert_str_eq(f->grid.names[2], "Amos");
    cr_assert_float_eq(f->grid.lat[0], 49.1, 1e-9);
    cr_assert_float_eq(f->grid.lon[2], -78.2, 1e-9);
    /* ncdump: tasmax = 278.1502, 277.549, 278.1502, ... last 284.0447, 281.6016, ... (K) */
    cr_assert_float_eq(f->values[0], 278.1502 - 273.15, FLOAT_TOL);
    cr_assert_float_eq(f->values[1], 277.549 - 273.15, FLOAT_TOL);
    cr_assert_float_eq(f->values[(f->ntime - 1) * 3 + 1], 281.6016 - 273.15, FLOAT_TOL);
    dsc_field_destroy(f);
}

Test(io_read, station_by_name_and_nearest)
{
    dsc_region_t r = {.kind = DSC_REGION_POINT, .location = "Kugluktuk"};
    dsc_field_t *f = read_ok("gcm/CanESM2_1950-2100.nc", "tasmax", &r, NULL);
    cr_assert_eq(f->grid.kind, DSC_GRID_POINTS);
    cr_assert_eq(f->grid.nlat, 1);
    cr_assert_str_eq(f->grid.names[0], "Kugluktuk");
    cr_assert_float_eq(f->values[0], 277.549 - 273.15, FLOAT_TOL);
    dsc_field_destroy(f);

    /* Nearest to downtown Vancouver (49.28N, 123.12W) is the Vancouver site. */
    dsc_region_t near = {.kind = DSC_REGION_POINT, .lat = 49.28, .lon = -123.12};
    f = read_ok("obs/ahccd_1950-2013.nc", "tasmax", &near, NULL);
    cr_assert_str_eq(f->grid.names[0], "Vancouver");
    cr_assert_float_eq(f->values[0], -1.1, FLOAT_TOL);
    dsc_field_destroy(f);

    dsc_region_t none = {.kind = DSC_REGION_POINT, .location = "Beijing"};
    char *path = data_path("gcm/CanESM2_1950-2100.nc");
    read_refused(path, "tasmax", &none, NULL, DSC_ERR_RANGE, "CanESM2_1950-2100.nc", "Beijing",
                 NULL);
    free(path);
}

Test(io_read, ahccd_transposed_layout)
{
    /* tasmax(location, time): site-major in the file, time-major in the field. */
    dsc_field_t *f = read_ok("obs/ahccd_1950-2013.nc", "tasmax", NULL, NULL);
    cr_assert_eq(f->grid.nlat, 3);
    cr_assert_eq(f->ntime, 23360);
    cr_assert_str_eq(f->grid.names[0], "Vancouver");
    cr_assert_str_eq(f->grid.names[2], "Amos");
    /* ncdump: site 0: -1.1, -8.3, -5.6 ...; site 1 first -34.4; site 2 first -0.1, last
     * -20.5 (degC). */
    cr_assert_float_eq(f->values[0 * 3 + 0], -1.1, FLOAT_TOL);
    cr_assert_float_eq(f->values[1 * 3 + 0], -8.3, FLOAT_TOL);
    cr_assert_float_eq(f->values[2 * 3 + 0], -5.6, FLOAT_TOL);
    cr_assert_float_eq(f->values[0 * 3 + 1], -34.4, FLOAT_TOL);
    cr_assert_float_eq(f->values[0 * 3 + 2], -0.1, FLOAT_TOL);
    cr_assert_float_eq(f->values[(f->ntime - 1) * 3 + 2], -20.5, FLOAT_TOL);
    assert_date(f->dates[f->ntime - 1], 2013, 12, 31);
    dsc_field_destroy(f);
}

Test(io_read, frankfurt_scalar_lat_lon)
{
    dsc_field_t *f =
        read_ok("isimip-point/obs/frankfurt_main_dwd01420_tmax_tmin.nc", "tasmax", NULL, NULL);
    cr_assert_eq(f->grid.kind, DSC_GRID_POINTS);
    cr_assert_eq(f->grid.nlat, 1);
    cr_assert_float_eq(f->grid.lat[0], 50.0259, 1e-9);
    cr_assert_float_eq(f->grid.lon[0], 8.5213, 1e-9);
    cr_assert_eq(f->ntime, 33290);
    cr_assert_eq(f->calendar, DSC_CAL_STANDARD);
    assert_date(f->dates[0], 1935, 7, 1);
    assert_date(f->dates[f->ntime - 1], 2026, 8, 21);
    /* ncdump: 30.7, 25.9, 22.9 ...; 1352 values are the -9999 fill. */
    cr_assert_float_eq(f->values[0], 30.7, FLOAT_TOL);
    cr_assert_float_eq(f->values[2], 22.9, FLOAT_TOL);
    cr_assert_eq(count_nan(f), 1352);
    dsc_field_destroy(f);

    /* The ISIMIP model point (lon 9.30, lat 49.42) in K. */
    f = read_ok("isimip-point/nc/tasmax_tasmin_day_HadGEM2-ES_historical+rcp85_r1i1p1_"
                "isimip-ft_lon9.30_lat49.42_19500101-20991231.nc", "tasmin", NULL, NULL);
    cr_assert_eq(f->ntime, 54787);
    cr_assert_float_eq(f->grid.lat[0], 49.42, 1e-6);
    cr_assert_float_eq(f->grid.lon[0], 9.30, 1e-6);
    assert_date(f->dates[f->ntime - 1], 2099, 12, 31);
    dsc_field_destroy(f);
}

Test(io_read, bnu_grid_0_360_and_365_day)
{
    dsc_field_t *f = read_ok("gcm/BNU-ESM_tasmax_day_tiny_gcm.nc", "tasmax", NULL, NULL);
    cr_assert_eq(f->grid.kind, DSC_GRID_RECTILINEAR);
    cr_assert_eq(f->grid.nlat, 4);
    cr_assert_eq(f->grid.nlon, 4);
    cr_assert_eq(f->grid.lon_wraps, 0);
    cr_assert_eq(f->calendar, DSC_CAL_NOLEAP); /* "365_day" */
    cr_assert_eq(f->ntime, 3651);
    assert_date(f->dates[0], 1965, 1, 1);
    assert_date(f->dates[f->ntime - 1], 1975, 1, 1);
    /* lon 264.375 .. 272.8125 -> -95.625 .. -87.1875 */
    cr_assert_float_eq(f->grid.lon[0], -95.625, 1e-9);
    cr_assert_float_eq(f->grid.lon[3], -87.1875, 1e-9);
    cr_assert_float_eq(f->grid.lat[0], 65.5776062011719, 1e-9);
    /* ncdump, first step: row lat 65.58 = 226.3128, 226.0727, 228.5812, 230.8667 K; row
     * lat 73.95 = 252.8149, 251.8664, 251.1467, 251.0577 K. */
    cr_assert_float_eq(f->values[0], 226.3128 - 273.15, FLOAT_TOL);
    cr_assert_float_eq(f->values[3], 230.8667 - 273.15, FLOAT_TOL);
    cr_assert_float_eq(f->values[12], 252.8149 - 273.15, FLOAT_TOL);
    cr_assert_float_eq(f->values[15], 251.0577 - 273.15, FLOAT_TOL);
    dsc_field_destroy(f);
}

Test(io_read, grid_point_and_box_regions)
{
    /* A point between the 2nd and 3rd latitude and longitude: the 2 x 2 cells around it. */
    dsc_region_t p = {.kind = DSC_REGION_POINT, .lat = 70.0, .lon = -92.0};
    dsc_field_t *f = read_ok("gcm/BNU-ESM_tasmax_day_tiny_gcm.nc", "tasmax", &p, NULL);
    cr_assert_eq(f->grid.nlat, 2);
    cr_assert_eq(f->grid.nlon, 2);
    cr_assert_float_eq(f->grid.lat[0], 68.3677597045898, 1e-9);
    cr_assert_float_eq(f->grid.lon[0], -92.8125, 1e-9);
    cr_assert_float_eq(f->grid.lon[1], -90.0, 1e-9);
    /* ncdump row lat 68.37, first step: 231.1092, 229.7842, 230.3012, 232.8959 K. */
    cr_assert_float_eq(f->values[0], 229.7842 - 273.15, FLOAT_TOL);
    cr_assert_float_eq(f->values[1], 230.3012 - 273.15, FLOAT_TOL);
    dsc_field_destroy(f);

    /* The same point in 0..360 longitude and a halo of one cell: 4 x 4 clipped to 4 x 4. */
    p.lon = 268.0;
    p.halo = 1;
    f = read_ok("gcm/BNU-ESM_tasmax_day_tiny_gcm.nc", "tasmax", &p, NULL);
    cr_assert_eq(f->grid.nlat, 4);
    cr_assert_eq(f->grid.nlon, 4);
    dsc_field_destroy(f);

    /* A box holding two cell centres in each direction. */
    dsc_region_t b = {.kind = DSC_REGION_BOX, .lat_min = 68, .lat_max = 72,
                      .lon_min = -94, .lon_max = -89};
    f = read_ok("gcm/BNU-ESM_tasmax_day_tiny_gcm.nc", "tasmax", &b, NULL);
    cr_assert_eq(f->grid.nlat, 2);
    cr_assert_eq(f->grid.nlon, 2);
    cr_assert_float_eq(f->values[0], 229.7842 - 273.15, FLOAT_TOL);
    dsc_field_destroy(f);

    /* Beijing is far outside this Arctic grid. */
    dsc_region_t bj = {.kind = DSC_REGION_POINT, .lat = 39.9, .lon = 116.4};
    char *path = data_path("gcm/BNU-ESM_tasmax_day_tiny_gcm.nc");
    read_refused(path, "tasmax", &bj, NULL, DSC_ERR_RANGE, "BNU-ESM_tasmax_day_tiny_gcm.nc",
                 "outside the grid", NULL);
    dsc_region_t box = {.kind = DSC_REGION_BOX, .lat_min = 35, .lat_max = 45,
                        .lon_min = 110, .lon_max = 122};
    read_refused(path, "tasmax", &box, NULL, DSC_ERR_RANGE, "BNU-ESM_tasmax_day_tiny_gcm.nc",
                 "box lat 35..45", NULL);
    free(path);
}

Test(io_read, global_monthly_grid_wraps)
{
    dsc_field_t *f = read_ok("gcm/tas_Amon_CanESM2_rcp85_r1i1p1_200701-200712.nc", "tas",
                             NULL, NULL);
    cr_assert_eq(f->grid.nlat, 64);
    cr_assert_eq(f->grid.nlon, 128);
    cr_assert_eq(f->grid.lon_wraps, 1);
    cr_assert_float_eq(f->grid.lon[0], -180.0, 1e-9);
    for (size_t j = 1; j < f->grid.nlon; j++)
        cr_assert(f->grid.lon[j] > f->grid.lon[j - 1]);
    for (size_t i = 1; i < f->grid.nlat; i++)
        cr_assert(f->grid.lat[i] > f->grid.lat[i - 1]);
    /* The file name says 2007-01..12, the noleap offsets 57289.5 .. 57624 say otherwise. */
    assert_date(f->dates[0], 2006, 12, 16);
    cr_assert_float_eq(f->dates[0].seconds, 43200.0, 1e-6);
    assert_date(f->dates[11], 2007, 11, 16);

    /* Beijing (39.9N, 116.4E) with one halo cell: 4 x 4 cells. */
    dsc_region_t p = {.kind = DSC_REGION_POINT, .lat = 39.9, .lon = 116.4, .halo = 1};
    dsc_field_t *g = read_ok("gcm/tas_Amon_CanESM2_rcp85_r1i1p1_200701-200712.nc", "tas", &p,
                             NULL);
    cr_assert_eq(g->grid.nlat, 4);
    cr_assert_eq(g->grid.nlon, 4);
    cr_assert_eq(g->grid.lon_wraps, 0);
    cr_assert(g->grid.lat[1] <= 39.9 && g->grid.lat[2] >= 39.9);
    cr_assert(g->grid.lon[1] <= 116.4 && g->grid.lon[2] >= 116.4);
    /* Same values as the whole-grid read at the same cell. */
    size_t i0 = 0, j0 = 0;
    while (f->grid.lat[i0] != g->grid.lat[0])
        i0++;
    while (f->grid.lon[j0] != g->grid.lon[0])
        j0++;
    for (size_t t = 0; t < 12; t += 11)
        cr_assert_float_eq(g->values[t * 16 + 5], f->values[t * 64 * 128 + (i0 + 1) * 128 +
                                                             j0 + 1], 1e-12);
    dsc_field_destroy(g);
    dsc_field_destroy(f);
}

Test(io_read, anusplin_short_fill)
{
    dsc_field_t *f = read_ok("obs/ANUSPLIN_tasmax_day_tiny_obs.nc", "tasmax", NULL, NULL);
    cr_assert_eq(f->ntime, 751);
    cr_assert_eq(f->grid.nlat, 26);
    /* ncdump prints 50317 of the 507676 values as fill (-32768). */
    cr_assert_eq(count_nan(f), 50317);
    assert_date(f->dates[0], 1969, 12, 27);
    assert_date(f->dates[750], 1972, 1, 16);
    dsc_field_destroy(f);
}

Test(io_read, eraint_packed_negative_scale_descending_lat)
{
    /* z(month, level, latitude, longitude) short, scale -1.7250274674968, offset 66825.5;
     * latitude 90 .. -90. No CF time axis: "month" (1, 7) is given as one. */
    dsc_read_opts_t o = {.raw_units = 1, .time_name = "month",
                         .time_units = "days since 2000-01-01", .select_dim = "level",
                         .select_index = 1};
    dsc_field_t *f = read_ok("quirks/eraint_uvz.nc", "z", NULL, &o);
    const double s = -1.7250274674968, off = 66825.5;
    cr_assert_str_eq(f->units, "m**2 s**-2");
    cr_assert_eq(f->ntime, 2);
    cr_assert_eq(f->grid.nlat, 241);
    cr_assert_eq(f->grid.nlon, 480);
    cr_assert_eq(f->grid.lon_wraps, 1);
    cr_assert_float_eq(f->grid.lat[0], -90.0, 1e-9);
    cr_assert_float_eq(f->grid.lat[240], 90.0, 1e-9);
    /* Raw values from ncdump at level 500 hPa: month 1 lat -90 lon -180: 9540; lat 90:
     * 9914; month 7 lat -90: 10928; month 1 lat 60 lon -30: 8946. */
    size_t nc = 241 * 480;
    cr_assert_float_eq(f->values[0], 9540 * s + off, 1e-6);
    cr_assert_float_eq(f->values[240 * 480], 9914 * s + off, 1e-6);
    cr_assert_float_eq(f->values[nc], 10928 * s + off, 1e-6);
    cr_assert_float_eq(f->values[200 * 480 + 200], 8946 * s + off, 1e-6);
    cr_assert_eq(count_nan(f), 0); /* _FillValue NaN on a short variable matches nothing */
    dsc_field_destroy(f);

    /* Without the overrides the file is refused, precisely. */
    char *path = data_path("quirks/eraint_uvz.nc");
    read_refused(path, "z", NULL, NULL, DSC_ERR_FORMAT, "eraint_uvz.nc", "z",
                 "no time dimension", NULL);
    dsc_read_opts_t no_level = {.raw_units = 1, .time_name = "month",
                                .time_units = "days since 2000-01-01"};
    read_refused(path, "u", NULL, &no_level, DSC_ERR_FORMAT, "'level'", "select_dim", NULL);
    dsc_read_opts_t temp = {.time_name = "month", .time_units = "days since 2000-01-01",
                            .select_dim = "level"};
    read_refused(path, "u", NULL, &temp, DSC_ERR_UNITS, "eraint_uvz.nc", "m s**-1",
                 "raw_units", NULL);
    free(path);
}

Test(io_read, hadgem_multifile_join)
{
    char **paths;
    size_t n;
    char *pattern = data_path("gcm/HadGEM2-ES_rcp85_multifile/*.nc");
    cr_assert_eq(dsc_io_glob(ctx, pattern, &paths, &n), DSC_OK, "%s", dsc_ctx_message(ctx));
    cr_assert_eq(n, 13);
    cr_assert(strstr(paths[0], "200512-203011") != NULL);

    /* The real files overlap: 208012-209912 ends with 2099-12, which 209912-212411 (the
     * extension run, other values) repeats. Both halves join cleanly. */
    dsc_field_t *f = (dsc_field_t *)1;
    cr_assert_eq(dsc_io_read_many(ctx, (const char *const *)paths, n, "tas", NULL, NULL, &f),
                 DSC_ERR_FORMAT);
    cr_assert_null(f);
    cr_assert(strstr(dsc_ctx_message(ctx), "208012-209912.nc") &&
                  strstr(dsc_ctx_message(ctx), "209912-212411.nc") &&
                  strstr(dsc_ctx_message(ctx), "overlap"),
              "%s", dsc_ctx_message(ctx));

    /* Given out of order on purpose: the join sorts by first date. */
    const char *late[9];
    for (size_t i = 0; i < 9; i++)
        late[i] = paths[12 - i];
    cr_assert_eq(dsc_io_read_many(ctx, late, 9, "tas", NULL, NULL, &f), DSC_OK, "%s",
                 dsc_ctx_message(ctx));
    cr_assert_eq(f->calendar, DSC_CAL_360_DAY);
    cr_assert_eq(f->ntime, 8 * 300 + 1);
    assert_date(f->dates[0], 2099, 12, 16);
    assert_date(f->dates[f->ntime - 1], 2299, 12, 16);
    cr_assert_eq(f->grid.nlat, 2);
    cr_assert_eq(f->grid.nlon, 2);
    cr_assert(strstr(f->source, "209912-212411.nc") != NULL);
    /* ncdump of 209912-212411.nc: the first step is 260.707, 260.707, 285.4395, 291.8776 K
     * at lat -90 (lon 0, 187.5) and lat 35; lon 187.5 becomes -172.5 and comes first. */
    cr_assert_float_eq(f->grid.lon[0], -172.5, 1e-9);
    cr_assert_float_eq(f->values[2], 291.8776 - 273.15, FLOAT_TOL);
    cr_assert_float_eq(f->values[3], 285.4395 - 273.15, FLOAT_TOL);
    dsc_field_destroy(f);

    const char *early[4] = {paths[0], paths[1], paths[2], paths[3]};
    cr_assert_eq(dsc_io_read_many(ctx, early, 4, "tas", NULL, NULL, &f), DSC_OK, "%s",
                 dsc_ctx_message(ctx));
    cr_assert_eq(f->ntime, 3 * 300 + 229);
    assert_date(f->dates[0], 2005, 12, 16);
    assert_date(f->dates[f->ntime - 1], 2099, 12, 16);
    dsc_field_destroy(f);

    /* A gap (one file left out) and an overlap (one file twice) name both files. */
    const char *gap[3] = {paths[0], paths[2], paths[3]};
    cr_assert_eq(dsc_io_read_many(ctx, gap, 3, "tas", NULL, NULL, &f), DSC_ERR_FORMAT);
    cr_assert(strstr(dsc_ctx_message(ctx), "200512-203011.nc") &&
                  strstr(dsc_ctx_message(ctx), "205512-208011.nc") &&
                  strstr(dsc_ctx_message(ctx), "gap"),
              "%s", dsc_ctx_message(ctx));
    const char *twice[3] = {paths[0], paths[1], paths[1]};
    cr_assert_eq(dsc_io_read_many(ctx, twice, 3, "tas", NULL, NULL, &f), DSC_ERR_FORMAT);
    cr_assert(strstr(dsc_ctx_message(ctx), "overlap") &&
                  strstr(dsc_ctx_message(ctx), "203012-205511.nc"),
              "%s", dsc_ctx_message(ctx));

    dsc_io_paths_free(paths, n);
    free(pattern);

    char **none;
    cr_assert_eq(dsc_io_glob(ctx, "/nonexistent-dir/*.nc", &none, &n), DSC_ERR_IO);
    cr_assert(strstr(dsc_ctx_message(ctx), "/nonexistent-dir/*.nc") != NULL);
}

Test(io_read, ghcn_beijing_tmax)
{
    char *path = data_path("beijing/obs/CHM00054511.dly");
    dsc_field_t *f = NULL;
    size_t flagged = 99;
    cr_assert_eq(dsc_io_read_ghcn(ctx, path, "TMAX", &f, &flagged), DSC_OK, "%s",
                 dsc_ctx_message(ctx));
    cr_assert_eq(flagged, 0);
    cr_assert_eq(f->calendar, DSC_CAL_STANDARD);
    cr_assert_eq(f->grid.kind, DSC_GRID_POINTS);
    cr_assert_str_eq(f->grid.names[0], "CHM00054511");
    cr_assert(isnan(f->grid.lat[0]) && isnan(f->grid.lon[0]));
    cr_assert_str_eq(f->units, "degC");
    /* First TMAX line 195101: -38, -12, -41 tenths; last line 202505. */
    assert_date(f->dates[0], 1951, 1, 1);
    cr_assert_float_eq(f->values[0], -3.8, 1e-12);
    cr_assert_float_eq(f->values[1], -1.2, 1e-12);
    cr_assert_float_eq(f->values[2], -4.1, 1e-12);
    assert_date(f->dates[f->ntime - 1], 2025, 5, 31);
    /* 1951-01-01 .. 2012-12-31 is 22646 days, none missing. */
    size_t t2013 = dsc_field_find_date(f, (dsc_date_t){2013, 1, 1, 0});
    cr_assert_eq(t2013, 22646);
    for (size_t t = 0; t < t2013; t++)
        cr_assert(!isnan(f->values[t]), "missing at step %zu", t);
    dsc_field_destroy(f);
    free(path);
}

Test(io_read, ghcn_flags_missing_and_short_months)
{
    const char *dir = test_tmpdir();
    char path[4096];
    snprintf(path, sizeof path, "%s/TEST0000001.dly", dir);
    FILE *fp = fopen(path, "w");
    cr_assert_not_null(fp);
    /* February 2001 (28 days) then January 2001, out of order, plus a TMIN line. */
    const char *ids[2] = {"TEST0000001200102TMAX", "TEST0000001200101TMAX"};
    for (int l = 0; l < 2; l++) {
        fputs(ids[l], fp);
        for (int d = 1; d <= 31; d++) {
            int v = l == 0 ? d * 10 : -d;
            char q = ' ';
            if (l == 0 && d > 28)
                v = -9999;
            if (l == 1 && d == 5)
                v = -9999;
            if (l == 1 && d == 6)
                q = 'I';
            fprintf(fp, "%5d %c ", v, q);
        }
        fputc('\n', fp);
    }
    fputs("TEST0000001200101TMIN", fp);
    for (int d = 1; d <= 31; d++)
        fprintf(fp, "%5d   ", 1);
    fputc('\n', fp);
    fclose(fp);

    dsc_field_t *f = NULL;
    size_t flagged = 0;
    cr_assert_eq(dsc_io_read_ghcn(ctx, path, "TMAX", &f, &flagged), DSC_OK, "%s",
                 dsc_ctx_message(ctx));
    cr_assert_eq(f->ntime, 31 + 28);
    cr_assert_eq(flagged, 1);
    cr_assert_float_eq(f->values[0], -0.1, 1e-12);
    cr_assert(isnan(f->values[4]));  /* -9999 */
    cr_assert(isnan(f->values[5]));  /* quality flag I */
    cr_assert_float_eq(f->values[31], 1.0, 1e-12);      /* 2001-02-01 */
    cr_assert_float_eq(f->values[31 + 27], 28.0, 1e-12); /* 2001-02-28 */
    assert_date(f->dates[31 + 27], 2001, 2, 28);
    dsc_field_destroy(f);

    f = (dsc_field_t *)1;
    cr_assert_eq(dsc_io_read_ghcn(ctx, path, "PRCP", &f, NULL), DSC_ERR_RANGE);
    cr_assert_null(f);
    cr_assert(strstr(dsc_ctx_message(ctx), "PRCP") != NULL);

    /* A line of another station and a damaged line are refused with their line number. */
    fp = fopen(path, "a");
    fputs("OTHER000001200103TMAX    1   \n", fp);
    fclose(fp);
    cr_assert_eq(dsc_io_read_ghcn(ctx, path, "TMAX", &f, NULL), DSC_ERR_FORMAT);
    cr_assert(strstr(dsc_ctx_message(ctx), "line 4") != NULL, "%s", dsc_ctx_message(ctx));
    cr_assert_eq(dsc_io_read_ghcn(ctx, "/nonexistent.dly", "TMAX", &f, NULL), DSC_ERR_IO);
}

Test(io_read, truncated_and_corrupt_files)
{
    const char *dir = test_tmpdir();
    char cmd[8192], cut[4096];
    char *classic = data_path("gcm/BNU-ESM_tasmax_day_tiny_gcm.nc");
    char *nc4 = data_path("gcm/CanESM2_1950-2100.nc");

    /* A classic file cut in its data: netCDF would return zeros; the header says 329184. */
    snprintf(cut, sizeof cut, "%s/cut_classic.nc", dir);
    snprintf(cmd, sizeof cmd, "head -c 200000 '%s' > '%s'", classic, cut);
    cr_assert_eq(test_system(cmd), 0);
    read_refused(cut, "tasmax", NULL, NULL, DSC_ERR_FORMAT, cut, "truncated", NULL);
    /* ... cut by only 4 bytes, and cut inside its header. */
    snprintf(cmd, sizeof cmd, "head -c 329180 '%s' > '%s'", classic, cut);
    cr_assert_eq(test_system(cmd), 0);
    read_refused(cut, "tasmax", NULL, NULL, DSC_ERR_FORMAT, cut, "truncated", NULL);
    snprintf(cmd, sizeof cmd, "head -c 300 '%s' > '%s'", classic, cut);
    cr_assert_eq(test_system(cmd), 0);
    read_refused(cut, "tasmax", NULL, NULL, DSC_ERR_FORMAT, cut, NULL);

    /* A netCDF-4 (HDF5) file cut after 3000 bytes and after 1 MB. */
    snprintf(cut, sizeof cut, "%s/cut_nc4.nc", dir);
    snprintf(cmd, sizeof cmd, "head -c 3000 '%s' > '%s'", nc4, cut);
    cr_assert_eq(test_system(cmd), 0);
    read_refused(cut, "tasmax", NULL, NULL, DSC_ERR_FORMAT, cut, NULL);
    snprintf(cmd, sizeof cmd, "head -c 1000000 '%s' > '%s'", nc4, cut);
    cr_assert_eq(test_system(cmd), 0);
    read_refused(cut, "tasmax", NULL, NULL, DSC_ERR_FORMAT, cut, NULL);

    /* Not netCDF at all, missing file, missing variable, wrong dimensions. */
    char *text = data_path("PROVENANCE.md");
    read_refused(text, "tasmax", NULL, NULL, DSC_ERR_FORMAT, "PROVENANCE.md", NULL);
    read_refused("/nonexistent/x.nc", "tasmax", NULL, NULL, DSC_ERR_IO, "/nonexistent/x.nc",
                 NULL);
    read_refused(classic, "tasmin", NULL, NULL, DSC_ERR_FORMAT, classic, "no variable 'tasmin'",
                 NULL);
    read_refused(classic, "lat_bnds", NULL, NULL, DSC_ERR_FORMAT, "lat_bnds",
                 "no time dimension", NULL);
    read_refused(nc4, "pr", NULL, NULL, DSC_ERR_UNITS, "pr", "kg m-2 s-1", NULL);
    free(text);
    free(classic);
    free(nc4);
}

Test(io_read, every_quirk_file_read_or_refused)
{
    char *path;

    path = data_path("quirks/tas_rotated_grid_EUR11.nc");
    read_refused(path, "tas", NULL, NULL, DSC_ERR_FORMAT, "tas_rotated_grid_EUR11.nc",
                 "rotated-pole grids are not supported", NULL);
    free(path);

    path = data_path("quirks/T2m.nc");
    read_refused(path, "T", NULL, NULL, DSC_ERR_FORMAT, "T2m.nc", "yyyymm", NULL);
    free(path);

    /* b003: calendar "365_days" and reference "0000-00-00" are not CF; both can be given. */
    path = data_path("quirks/b003_TS_200-299.nc");
    read_refused(path, "TS", NULL, NULL, DSC_ERR_FORMAT, "b003_TS_200-299.nc", "0000-00-00",
                 NULL);
    dsc_read_opts_t units_only = {.time_units = "days since 0000-01-01"};
    read_refused(path, "TS", NULL, &units_only, DSC_ERR_FORMAT, "365_days", NULL);
    free(path);
    dsc_read_opts_t fix = {.calendar = "noleap", .time_units = "days since 0000-01-01"};
    dsc_field_t *f = read_ok("quirks/b003_TS_200-299.nc", "TS", NULL, &fix);
    cr_assert_eq(f->ntime, 100);
    assert_date(f->dates[0], 16, 10, 1); /* 6113 noleap days after 0000-01-01 */
    cr_assert_eq(f->grid.lon_wraps, 1);
    dsc_field_destroy(f);

    /* coads: longitudes 21 .. 379, "hour since 0000-01-01", units "DEG C". */
    f = read_ok("quirks/coads_climatology.cdf", "AIRT", NULL, NULL);
    cr_assert_eq(f->grid.nlon, 180);
    cr_assert_eq(f->grid.lon_wraps, 1);
    cr_assert_float_eq(f->grid.lon[0], -179.0, 1e-9);
    cr_assert_float_eq(f->grid.lon[179], 179.0, 1e-9);
    assert_date(f->dates[0], 0, 1, 16);
    cr_assert(count_nan(f) > 0);
    dsc_field_destroy(f);
    path = data_path("quirks/coads_climatology.cdf");
    read_refused(path, "SPEH", NULL, NULL, DSC_ERR_UNITS, "G/KG", NULL);
    free(path);

    /* oisst: (time, zlev, lat, lon) with zlev of length one, packed short, "degree_C". */
    f = read_ok("quirks/oisst_reduced.nc", "sst", NULL, NULL);
    cr_assert_eq(f->grid.nlat, 90);
    cr_assert_eq(f->grid.nlon, 180);
    cr_assert_eq(f->ntime, 1);
    cr_assert(count_nan(f) > 0 && count_nan(f) < 90 * 180);
    for (size_t i = 0; i < 90 * 180; i++)
        cr_assert(isnan(f->values[i]) || (f->values[i] > -3 && f->values[i] < 35));
    dsc_field_destroy(f);

    /* eraint_uvz is read in its own test above. */
}

Test(io_read, units_to_celsius)
{
    const struct {
        const char *units;
        double value, celsius;
    } cases[] = {
        {"K", 273.15, 0.0},          {"kelvin", 300.0, 26.85},    {"degK", 0.0, -273.15},
        {"degrees_K", 273.15, 0.0},  {"degC", 12.5, 12.5},        {"\xc2\xb0""C", -3, -3},
        {"Celsius", 1, 1},           {"deg C", 2, 2},             {"degrees C", 3, 3},
        {"C", 4, 4},                 {"DEG C", 5, 5},             {"degree_C", 6, 6},
        {"degF", 212.0, 100.0},      {"\xc2\xb0""F", 32.0, 0.0},  {"Fahrenheit", -40, -40},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double s = 0, o = 0;
        cr_assert_eq(dsc_units_to_celsius(ctx, cases[i].units, &s, &o), DSC_OK, "%s",
                     cases[i].units);
        cr_assert_float_eq(cases[i].value * s + o, cases[i].celsius, 1e-9, "%s",
                           cases[i].units);
    }
    const char *bad[] = {"m s-1", "kg m-2 s-1", "", "degrees", "1", "Kelvins per day"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double s, o;
        cr_assert_eq(dsc_units_to_celsius(ctx, bad[i], &s, &o), DSC_ERR_UNITS, "%s", bad[i]);
        char want[64];
        snprintf(want, sizeof want, "'%s'", bad[i]);
        cr_assert(strstr(dsc_ctx_message(ctx), want) != NULL, "%s", dsc_ctx_message(ctx));
    }
}

/* ---- files written here ------------------------------------------------------------------ */

#define NC(call)                                                                           \
    do {                                                                                   \
        int nc_status_ = (call);                                                           \
        cr_assert_eq(nc_status_, NC_NOERR, "%s", nc_strerror(nc_status_));                \
    } while (0)

static int put_text(int ncid, int varid, const char *name, const char *text)
{
    return nc_put_att_text(ncid, varid, name, strlen(text), text);
}

/* A global 3 x 4 grid: lat 30, 20, 10 (descending), lon 0, 90, 180, 270 (plus 360 when
 * closed), noleap days 0, 1, 2. Variable "tas" is short, K, scale 0.01, offset 273.15,
 * _FillValue -32767, valid_max 30000; "tneg" the same raw values with scale -0.5, offset
 * 280. raw[t][i][j] = 1000 t + 100 i + 10 j, except raw[1][0][0] = fill and
 * raw[2][2][3] = 31000 (above valid_max). */
static short synth_raw(int t, int i, int j)
{
    if (t == 1 && i == 0 && j == 0)
        return -32767;
    if (t == 2 && i == 2 && j == 3)
        return 31000;
    return (short)(1000 * t + 100 * i + 10 * (j % 4));
}

static void write_synthetic(const char *path, int closed)
{
    int ncid, dt, dla, dlo, vt, vla, vlo, va, vb;
    int nlon = closed ? 5 : 4;
    NC(nc_create(path, NC_CLOBBER, &ncid));
    NC(nc_def_dim(ncid, "time", 3, &dt));
    NC(nc_def_dim(ncid, "lat", 3, &dla));
    NC(nc_def_dim(ncid, "lon", (size_t)nlon, &dlo));
    NC(nc_def_var(ncid, "time", NC_DOUBLE, 1, &dt, &vt));
    NC(put_text(ncid, vt, "units", "days since 2000-01-01 "));
    NC(put_text(ncid, vt, "calendar", "noleap"));
    NC(nc_def_var(ncid, "lat", NC_FLOAT, 1, &dla, &vla));
    NC(put_text(ncid, vla, "units", "degrees_north"));
    NC(nc_def_var(ncid, "lon", NC_FLOAT, 1, &dlo, &vlo));
    NC(put_text(ncid, vlo, "units", "degrees_east"));
    int dims[3] = {dt, dla, dlo};
    short fill = -32767, vmax = 30000;
    double scale = 0.01, offset = 273.15, nscale = -0.5, noffset = 280.0;
    NC(nc_def_var(ncid, "tas", NC_SHORT, 3, dims, &va));
    NC(nc_put_att_short(ncid, va, "_FillValue", NC_SHORT, 1, &fill));
    NC(nc_put_att_short(ncid, va, "valid_max", NC_SHORT, 1, &vmax));
    NC(nc_put_att_double(ncid, va, "scale_factor", NC_DOUBLE, 1, &scale));
    NC(nc_put_att_double(ncid, va, "add_offset", NC_DOUBLE, 1, &offset));
    NC(put_text(ncid, va, "units", "K"));
    NC(nc_def_var(ncid, "tneg", NC_SHORT, 3, dims, &vb));
    NC(nc_put_att_short(ncid, vb, "_FillValue", NC_SHORT, 1, &fill));
    NC(nc_put_att_double(ncid, vb, "scale_factor", NC_DOUBLE, 1, &nscale));
    NC(nc_put_att_double(ncid, vb, "add_offset", NC_DOUBLE, 1, &noffset));
    NC(put_text(ncid, vb, "units", "K"));
    NC(nc_enddef(ncid));
    double tv[3] = {0, 1, 2};
    float lat[3] = {30, 20, 10}, lon[5] = {0, 90, 180, 270, 360};
    short raw[3 * 3 * 5];
    for (int t = 0; t < 3; t++)
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < nlon; j++)
                raw[(t * 3 + i) * nlon + j] = synth_raw(t, i, j);
    NC(nc_put_var_double(ncid, vt, tv));
    NC(nc_put_var_float(ncid, vla, lat));
    NC(nc_put_var_float(ncid, vlo, lon));
    NC(nc_put_var_short(ncid, va, raw));
    NC(nc_put_var_short(ncid, vb, raw));
    NC(nc_close(ncid));
}

/* Expected degC of "tas" at output row i_out (lat ascending) and file column j. */
static double synth_tas(int t, int i_out, int j)
{
    short r = synth_raw(t, 2 - i_out, j);
    if (r == -32767 || r > 30000)
        return NAN;
    return r * 0.01 + 273.15 - 273.15;
}

static void assert_value(double got, double want)
{
    if (isnan(want))
        cr_assert(isnan(got), "got %g, expected NaN", got);
    else
        cr_assert_float_eq(got, want, 1e-9, "got %.12g, expected %.12g", got, want);
}

Test(io_read, synthetic_packed_descending_0_360)
{
    const char *dir = test_tmpdir();
    char path[4096];
    snprintf(path, sizeof path, "%s/synth.nc", dir);
    write_synthetic(path, 0);

    dsc_field_t *f = NULL;
    cr_assert_eq(dsc_io_read(ctx, path, "tas", NULL, NULL, &f), DSC_OK, "%s",
                 dsc_ctx_message(ctx));
    /* lat ascending 10, 20, 30; lon -180 (file 180), -90 (270), 0, 90. */
    const double lat[3] = {10, 20, 30}, lon[4] = {-180, -90, 0, 90};
    const int file_col[4] = {2, 3, 0, 1};
    cr_assert_eq(f->grid.lon_wraps, 1);
    for (int i = 0; i < 3; i++)
        cr_assert_float_eq(f->grid.lat[i], lat[i], 1e-9);
    for (int j = 0; j < 4; j++)
        cr_assert_float_eq(f->grid.lon[j], lon[j], 1e-9);
    for (int t = 0; t < 3; t++)
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 4; j++)
                assert_value(f->values[t * 12 + i * 4 + j], synth_tas(t, i, file_col[j]));
    cr_assert(isnan(f->values[1 * 12 + 2 * 4 + 2])); /* fill at t 1, lat 30, lon 0 */
    cr_assert(isnan(f->values[2 * 12 + 0 * 4 + 1])); /* valid_max at t 2, lat 10, lon 270 */
    dsc_field_destroy(f);

    /* Negative scale: K = raw * -0.5 + 280. raw at t 0, lat 10 (file row 2), lon 0 is 200. */
    cr_assert_eq(dsc_io_read(ctx, path, "tneg", NULL, NULL, &f), DSC_OK);
    cr_assert_float_eq(f->values[0 * 4 + 2], 200 * -0.5 + 280 - 273.15, 1e-9);
    dsc_field_destroy(f);

    /* A box across 0 degrees takes file columns 270 and 0: two slabs. */
    dsc_region_t box = {.kind = DSC_REGION_BOX, .lat_min = 15, .lat_max = 35,
                        .lon_min = -100, .lon_max = 10};
    cr_assert_eq(dsc_io_read(ctx, path, "tas", &box, NULL, &f), DSC_OK);
    cr_assert_eq(f->grid.nlat, 2);
    cr_assert_eq(f->grid.nlon, 2);
    cr_assert_eq(f->grid.lon_wraps, 0);
    cr_assert_float_eq(f->grid.lon[0], -90, 1e-9);
    cr_assert_float_eq(f->grid.lon[1], 0, 1e-9);
    for (int t = 0; t < 3; t++)
        for (int i = 0; i < 2; i++) {
            assert_value(f->values[t * 4 + i * 2 + 0], synth_tas(t, i + 1, 3));
            assert_value(f->values[t * 4 + i * 2 + 1], synth_tas(t, i + 1, 0));
        }
    dsc_field_destroy(f);

    /* The same box given in 0..360 terms, with a halo of one column: -180 .. 90. */
    box.lon_min = 260;
    box.lon_max = 370;
    box.halo = 1;
    cr_assert_eq(dsc_io_read(ctx, path, "tas", &box, NULL, &f), DSC_OK);
    cr_assert_eq(f->grid.nlat, 3);
    cr_assert_eq(f->grid.nlon, 4);
    cr_assert_eq(f->grid.lon_wraps, 1);
    dsc_field_destroy(f);

    /* A point between 90 and 180 east: the two columns keep west-to-east order. */
    dsc_region_t p = {.kind = DSC_REGION_POINT, .lat = 25, .lon = 135};
    cr_assert_eq(dsc_io_read(ctx, path, "tas", &p, NULL, &f), DSC_OK);
    cr_assert_eq(f->grid.nlon, 2);
    cr_assert_float_eq(f->grid.lon[0], 90, 1e-9);
    cr_assert_float_eq(f->grid.lon[1], -180, 1e-9);
    assert_value(f->values[0], synth_tas(0, 1, 1));
    assert_value(f->values[1], synth_tas(0, 1, 2));
    dsc_field_destroy(f);

    /* A closed 0..360 grid (lon 360 repeats lon 0) reads the same four columns. */
    snprintf(path, sizeof path, "%s/synth_closed.nc", dir);
    write_synthetic(path, 1);
    cr_assert_eq(dsc_io_read(ctx, path, "tas", NULL, NULL, &f), DSC_OK);
    cr_assert_eq(f->grid.nlon, 4);
    cr_assert_eq(f->grid.lon_wraps, 1);
    for (int j = 0; j < 4; j++)
        assert_value(f->values[0 * 12 + 1 * 4 + j], synth_tas(0, 1, file_col[j]));
    dsc_field_destroy(f);
}

/* A station file with fixed-width char names, time second, and no calendar. */
static void write_stations(const char *path, int shuffle_time)
{
    int ncid, ds, dn, dt, vs, vla, vlo, vt, vv;
    NC(nc_create(path, NC_CLOBBER, &ncid));
    NC(nc_def_dim(ncid, "station", 2, &ds));
    NC(nc_def_dim(ncid, "name_strlen", 8, &dn));
    NC(nc_def_dim(ncid, "time", 3, &dt));
    int sdims[2] = {ds, dn};
    NC(nc_def_var(ncid, "station_name", NC_CHAR, 2, sdims, &vs));
    NC(put_text(ncid, vs, "cf_role", "timeseries_id"));
    NC(nc_def_var(ncid, "latitude", NC_DOUBLE, 1, &ds, &vla));
    NC(put_text(ncid, vla, "standard_name", "latitude"));
    NC(nc_def_var(ncid, "longitude", NC_DOUBLE, 1, &ds, &vlo));
    NC(put_text(ncid, vlo, "standard_name", "longitude"));
    NC(nc_def_var(ncid, "time", NC_INT, 1, &dt, &vt));
    NC(put_text(ncid, vt, "units", "hours since 1970-01-01"));
    int vdims[2] = {ds, dt};
    NC(nc_def_var(ncid, "tx", NC_FLOAT, 2, vdims, &vv));
    NC(put_text(ncid, vv, "units", "degF"));
    NC(nc_enddef(ncid));
    char names[16];
    memcpy(names, "alpha   beta\0\0\0\0", 16);
    double lat[2] = {10, 40}, lon[2] = {350, 116};
    int t[3] = {-48, -24, shuffle_time ? -36 : 0};
    float v[6] = {32, 50, 68, 212, 14, -40};
    NC(nc_put_var_text(ncid, vs, names));
    NC(nc_put_var_double(ncid, vla, lat));
    NC(nc_put_var_double(ncid, vlo, lon));
    NC(nc_put_var_int(ncid, vt, t));
    NC(nc_put_var_float(ncid, vv, v));
    NC(nc_close(ncid));
}

Test(io_read, synthetic_stations_char_names)
{
    const char *dir = test_tmpdir();
    char path[4096];
    snprintf(path, sizeof path, "%s/stations.nc", dir);
    write_stations(path, 0);

    dsc_field_t *f = NULL;
    cr_assert_eq(dsc_io_read(ctx, path, "tx", NULL, NULL, &f), DSC_OK, "%s",
                 dsc_ctx_message(ctx));
    cr_assert_eq(f->calendar, DSC_CAL_STANDARD); /* no calendar attribute */
    cr_assert_str_eq(f->grid.names[0], "alpha");
    cr_assert_str_eq(f->grid.names[1], "beta");
    cr_assert_float_eq(f->grid.lon[0], -10, 1e-9);
    /* hours since 1970-01-01: -48 is 1969-12-30. */
    assert_date(f->dates[0], 1969, 12, 30);
    assert_date(f->dates[2], 1970, 1, 1);
    /* degF: 32 -> 0, 212 -> 100 (beta's first value), -40 -> -40. */
    cr_assert_float_eq(f->values[0], 0.0, 1e-9);
    cr_assert_float_eq(f->values[1], 100.0, 1e-9);
    cr_assert_float_eq(f->values[2 * 2 + 1], -40.0, 1e-9);
    dsc_field_destroy(f);

    dsc_region_t named = {.kind = DSC_REGION_POINT, .location = "beta"};
    cr_assert_eq(dsc_io_read(ctx, path, "tx", &named, NULL, &f), DSC_OK);
    cr_assert_eq(f->grid.nlat, 1);
    cr_assert_str_eq(f->grid.names[0], "beta");
    cr_assert_float_eq(f->values[1], -10.0, 1e-9); /* 14 degF */
    dsc_field_destroy(f);

    /* Beijing is nearest to beta (40N, 116E); a box around alpha picks only it. */
    dsc_region_t bj = {.kind = DSC_REGION_POINT, .lat = 39.9, .lon = 116.4};
    cr_assert_eq(dsc_io_read(ctx, path, "tx", &bj, NULL, &f), DSC_OK);
    cr_assert_str_eq(f->grid.names[0], "beta");
    dsc_field_destroy(f);
    dsc_region_t box = {.kind = DSC_REGION_BOX, .lat_min = 0, .lat_max = 20,
                        .lon_min = -20, .lon_max = 0};
    cr_assert_eq(dsc_io_read(ctx, path, "tx", &box, NULL, &f), DSC_OK);
    cr_assert_eq(f->grid.nlat, 1);
    cr_assert_str_eq(f->grid.names[0], "alpha");
    dsc_field_destroy(f);

    /* Units given by the caller replace the file's. */
    dsc_read_opts_t kelvin = {.units = "K"};
    cr_assert_eq(dsc_io_read(ctx, path, "tx", NULL, &kelvin, &f), DSC_OK);
    cr_assert_float_eq(f->values[0], 32 - 273.15, 1e-9);
    dsc_field_destroy(f);

    /* A time axis that goes back is refused. */
    write_stations(path, 1);
    read_refused(path, "tx", NULL, NULL, DSC_ERR_FORMAT, path, "not strictly increasing",
                 NULL);
}

Test(io_read, synthetic_time_last_dimension_order)
{
    /* t3(lon, lat, time): the field must still be time-major, lat-major cells. */
    const char *dir = test_tmpdir();
    char path[4096];
    snprintf(path, sizeof path, "%s/order.nc", dir);
    int ncid, dlo, dla, dt, vlo, vla, vt, vv;
    NC(nc_create(path, NC_CLOBBER | NC_NETCDF4, &ncid));
    NC(nc_def_dim(ncid, "x", 2, &dlo));
    NC(nc_def_dim(ncid, "y", 3, &dla));
    NC(nc_def_dim(ncid, "t", 2, &dt));
    NC(nc_def_var(ncid, "x", NC_DOUBLE, 1, &dlo, &vlo));
    NC(put_text(ncid, vlo, "axis", "X"));
    NC(nc_def_var(ncid, "y", NC_DOUBLE, 1, &dla, &vla));
    NC(put_text(ncid, vla, "axis", "Y"));
    NC(nc_def_var(ncid, "t", NC_DOUBLE, 1, &dt, &vt));
    NC(put_text(ncid, vt, "axis", "T"));
    NC(put_text(ncid, vt, "units", "days since 2000-1-1 00:00:00.000000"));
    NC(put_text(ncid, vt, "calendar", "proleptic_gregorian"));
    int dims[3] = {dlo, dla, dt};
    NC(nc_def_var(ncid, "t3", NC_FLOAT, 3, dims, &vv));
    NC(put_text(ncid, vv, "units", "Celsius"));
    NC(nc_enddef(ncid));
    double x[2] = {10, 20}, y[3] = {0, 1, 2}, t[2] = {0.5, 1.5};
    float v[12];
    for (int j = 0; j < 2; j++)
        for (int i = 0; i < 3; i++)
            for (int k = 0; k < 2; k++)
                v[(j * 3 + i) * 2 + k] = (float)(100 * j + 10 * i + k);
    NC(nc_put_var_double(ncid, vlo, x));
    NC(nc_put_var_double(ncid, vla, y));
    NC(nc_put_var_double(ncid, vt, t));
    NC(nc_put_var_float(ncid, vv, v));
    NC(nc_close(ncid));

    dsc_field_t *f = NULL;
    cr_assert_eq(dsc_io_read(ctx, path, "t3", NULL, NULL, &f), DSC_OK, "%s",
                 dsc_ctx_message(ctx));
    cr_assert_eq(f->calendar, DSC_CAL_PROLEPTIC_GREGORIAN);
    assert_date(f->dates[1], 2000, 1, 2);
    cr_assert_float_eq(f->dates[1].seconds, 43200.0, 1e-6);
    cr_assert_eq(f->grid.nlat, 3);
    cr_assert_eq(f->grid.nlon, 2);
    for (int k = 0; k < 2; k++)
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 2; j++)
                cr_assert_float_eq(f->values[k * 6 + i * 2 + j], 100 * j + 10 * i + k, 1e-9);
    dsc_field_destroy(f);
}

/* netCDF-3 stores unsigned integers in the signed type with _Unsigned = "true": a raw -1
 * short is 65535. Fill, scale and offset apply to the unsigned number. */
Test(io_read, unsigned_short_packing)
{
    const char *dir = test_tmpdir();
    char path[4096];
    snprintf(path, sizeof path, "%s/unsigned.nc", dir);
    int ncid, dt, vt, va;
    NC(nc_create(path, NC_CLOBBER, &ncid));
    NC(nc_def_dim(ncid, "time", 3, &dt));
    NC(nc_def_var(ncid, "time", NC_DOUBLE, 1, &dt, &vt));
    NC(put_text(ncid, vt, "units", "days since 2000-01-01"));
    NC(nc_def_var(ncid, "tas", NC_SHORT, 1, &dt, &va));
    short fill = -1;
    double scale = 0.005, offset = 200.0;
    NC(nc_put_att_short(ncid, va, "_FillValue", NC_SHORT, 1, &fill));
    NC(nc_put_att_double(ncid, va, "scale_factor", NC_DOUBLE, 1, &scale));
    NC(nc_put_att_double(ncid, va, "add_offset", NC_DOUBLE, 1, &offset));
    NC(put_text(ncid, va, "_Unsigned", "true"));
    NC(put_text(ncid, va, "units", "K"));
    NC(nc_enddef(ncid));
    double tv[3] = {0, 1, 2};
    short raw[3] = {20000, -25536, -1}; /* unsigned: 20000, 40000, 65535 (the fill) */
    NC(nc_put_var_double(ncid, vt, tv));
    NC(nc_put_var_short(ncid, va, raw));
    NC(nc_close(ncid));

    dsc_field_t *f = NULL;
    cr_assert_eq(dsc_io_read(ctx, path, "tas", NULL, NULL, &f), DSC_OK, "%s",
                 dsc_ctx_message(ctx));
    assert_value(f->values[0], 20000 * 0.005 + 200 - 273.15);
    assert_value(f->values[1], 40000 * 0.005 + 200 - 273.15);
    assert_value(f->values[2], NAN);
    dsc_field_destroy(f);

    dsc_io_info_t in;
    cr_assert_eq(dsc_io_describe(ctx, path, "tas", NULL, &in), DSC_OK);
    cr_expect_str_eq(in.type, "ushort");
    cr_expect_float_eq(in.fill, 65535.0, 0);
    dsc_io_info_clear(&in);
}
