/* test_inspect.c - `downscale inspect` and dsc_io_describe.
 *
 * The dates the command lists are compared, line by line, with `ncdump -t` (netCDF-C's own
 * decoding, through its cdtime code) and, when cdo is installed, with `cdo showdate` (CDO's
 * calendar code): two independent decoders, on real files of every calendar the data
 * holds. The metadata dsc_io_describe reports is checked against values read off
 * `ncdump -h` of the same files, written out below.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

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

TestSuite(inspect, .init = setup, .fini = teardown);

static const char *bin(void)
{
    const char *b = getenv("DOWNSCALE_BIN");
    return b && *b ? b : "build/downscale";
}

/* ---- running commands --------------------------------------------------------------------- */

typedef struct {
    char **lines;
    size_t n;
} lines_t;

static void lines_free(lines_t *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->lines[i]);
    free(l->lines);
    l->lines = NULL;
    l->n = 0;
}

static void lines_add(lines_t *l, const char *s, size_t len)
{
    l->lines = realloc(l->lines, (l->n + 1) * sizeof *l->lines);
    cr_assert_not_null(l->lines);
    l->lines[l->n] = strndup(s, len);
    cr_assert_not_null(l->lines[l->n]);
    l->n++;
}

/* Everything a command writes on stdout (stderr discarded); *status gets its exit code. */
static char *run_output(const char *cmd, int *status)
{
    char full[4096];
    snprintf(full, sizeof full, "%s 2>/dev/null", cmd);
    FILE *p = popen(full, "r");
    cr_assert_not_null(p, "%s", cmd);
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    cr_assert_not_null(buf);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n - 1, p)) > 0) {
        n += got;
        if (cap - n < 4096) {
            cap *= 2;
            buf = realloc(buf, cap);
            cr_assert_not_null(buf);
        }
    }
    buf[n] = '\0';
    int st = pclose(p);
    if (status)
        *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return buf;
}

/* Our dates: `downscale inspect --dates`, one per line. */
static lines_t our_dates(const char *path, const char *var)
{
    char cmd[2048];
    int status;
    snprintf(cmd, sizeof cmd, "'%s' inspect --dates '%s' %s", bin(), path, var ? var : "");
    char *out = run_output(cmd, &status);
    cr_assert_eq(status, 0, "%s: exit %d", cmd, status);
    lines_t l = {NULL, 0};
    for (char *p = out, *nl; *p; p = nl + 1) {
        nl = strchr(p, '\n');
        cr_assert_not_null(nl, "unterminated line in the output of %s", cmd);
        lines_add(&l, p, (size_t)(nl - p));
    }
    free(out);
    return l;
}

/* The same dates through the library (for the many-file loops, which would otherwise start
 * the program a dozen times). */
static lines_t library_dates(const char *path, const char *var)
{
    dsc_io_info_t in;
    char buf[64];
    cr_assert_eq(dsc_io_describe(ctx, path, var, NULL, &in), DSC_OK, "%s", in.problem);
    lines_t l = {NULL, 0};
    for (size_t t = 0; t < in.field->ntime; t++) {
        dsc_datetime_format(in.field->dates[t], buf, sizeof buf);
        lines_add(&l, buf, strlen(buf));
    }
    dsc_io_info_clear(&in);
    return l;
}

/* ncdump's: every quoted string in the data section of `ncdump -t -v TIMEVAR`. */
static lines_t ncdump_dates(const char *path, const char *timevar)
{
    char cmd[2048];
    int status;
    snprintf(cmd, sizeof cmd, "ncdump -t -v %s '%s'", timevar, path);
    char *out = run_output(cmd, &status);
    cr_assert_eq(status, 0, "%s: exit %d", cmd, status);
    char *data = strstr(out, "\ndata:");
    cr_assert_not_null(data, "%s: no data section", cmd);
    lines_t l = {NULL, 0};
    for (char *p = strchr(data, '"'), *q; p; p = strchr(q + 1, '"')) {
        q = strchr(p + 1, '"');
        cr_assert_not_null(q);
        lines_add(&l, p + 1, (size_t)(q - p - 1));
    }
    free(out);
    return l;
}

/* CDO's: the blank-separated words of `cdo -s showdate`. */
static lines_t cdo_dates(const char *path)
{
    char cmd[2048];
    int status;
    snprintf(cmd, sizeof cmd, "cdo -s showdate '%s'", path);
    char *out = run_output(cmd, &status);
    cr_assert_eq(status, 0, "%s: exit %d", cmd, status);
    lines_t l = {NULL, 0};
    for (char *tok = strtok(out, " \t\n"); tok; tok = strtok(NULL, " \t\n"))
        lines_add(&l, tok, strlen(tok));
    free(out);
    return l;
}

/* ---- the files and the dates we expect (from ncdump -t, written out) ----------------------- */

typedef struct {
    const char *rel;
    const char *var;     /* NULL: the first temperature-like variable */
    size_t ntime;
    const char *first, *last;
} date_case;

static const date_case cases[] = {
    /* noleap daily, 55115 steps */
    {"gcm/CanESM2_1950-2100.nc", "tasmax", 55115, "1950-01-01", "2100-12-31"},
    /* 360_day monthly; the last chunk lies past 2262 */
    {"gcm/HadGEM2-ES_rcp85_multifile/tas_Amon_HadGEM2-ES_rcp85_r1i1p1_200512-203011.nc", NULL,
     300, "2005-12-16", "2030-11-16"},
    {"gcm/HadGEM2-ES_rcp85_multifile/tas_Amon_HadGEM2-ES_rcp85_r1i1p1_227412-229911.nc", NULL,
     300, "2274-12-16", "2299-11-16"},
    {"gcm/HadGEM2-ES_rcp85_multifile/tas_Amon_HadGEM2-ES_rcp85_r1i1p1_229912-229912.nc", NULL,
     1, "2299-12-16", "2299-12-16"},
    /* 360_day, "hours since 1970-01-01", negative before 1970 */
    {"gcm/A1B_north_america.nc", "air_temperature", 240, "1860-06-01", "2099-06-01"},
    /* 365_day mid-month points at noon (the file name says 2007-01..12) */
    {"gcm/tas_Amon_CanESM2_rcp85_r1i1p1_200701-200712.nc", "tas", 12, "2006-12-16 12",
     "2007-11-16"},
    /* no calendar attribute: standard; 22:00 from a day fraction .916666666667 */
    {"gcm/TREFHT.B06.57.atm.1890-1999ANN.nc", "TREFHT", 110, "1890-07-11 22", "1999-06-15 22"},
    /* standard daily */
    {"obs/ANUSPLIN_tasmax_day_tiny_obs.nc", "tasmax", 751, "1969-12-27", "1972-01-16"},
    /* proleptic_gregorian monthly */
    {"gcm/MPI-ESM-LR_tas_Amon_historical_2005_global.nc", "tas", 12, "2005-01-16 12",
     "2005-12-16 12"},
};

static void check_against_ncdump(const date_case *c)
{
    char *path = strdup(test_data_path(c->rel));
    lines_t ours = our_dates(path, c->var);
    lines_t ref = ncdump_dates(path, "time");
    cr_assert_eq(ours.n, c->ntime, "%s: %zu dates, expected %zu", c->rel, ours.n, c->ntime);
    cr_assert_eq(ref.n, c->ntime, "%s: ncdump gives %zu dates", c->rel, ref.n);
    cr_assert_str_eq(ours.lines[0], c->first, "%s", c->rel);
    cr_assert_str_eq(ours.lines[ours.n - 1], c->last, "%s", c->rel);
    for (size_t i = 0; i < ours.n; i++)
        cr_assert_str_eq(ours.lines[i], ref.lines[i], "%s: step %zu: ours '%s', ncdump '%s'",
                         c->rel, i, ours.lines[i], ref.lines[i]);
    lines_free(&ours);
    lines_free(&ref);
    free(path);
}

Test(inspect, dates_agree_with_ncdump)
{
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
        check_against_ncdump(&cases[k]);
}

/* Every chunk of the 360_day series, 2005-12 to 2299-12. */
Test(inspect, hadgem_chunks_agree_with_ncdump)
{
    char **paths = NULL;
    size_t n = 0;
    char pattern[2048];
    snprintf(pattern, sizeof pattern, "%s",
             test_data_path("gcm/HadGEM2-ES_rcp85_multifile/tas_Amon_*.nc"));
    cr_assert_eq(dsc_io_glob(ctx, pattern, &paths, &n), DSC_OK, "%s", dsc_ctx_message(ctx));
    cr_assert_eq(n, 13);
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        lines_t ours = library_dates(paths[i], "tas");
        lines_t ref = ncdump_dates(paths[i], "time");
        cr_assert_eq(ours.n, ref.n, "%s", paths[i]);
        for (size_t t = 0; t < ours.n; t++)
            cr_assert_str_eq(ours.lines[t], ref.lines[t], "%s step %zu", paths[i], t);
        total += ours.n;
        lines_free(&ours);
        lines_free(&ref);
    }
    /* 2005-12 .. 2299-12 is 294 years and one month, less the month both 2099-12 files
     * hold (the join test refuses that overlap). */
    cr_assert_eq(total, 294 * 12 + 1 + 1);
    dsc_io_paths_free(paths, n);
}

Test(inspect, dates_agree_with_cdo_showdate)
{
    if (test_system("command -v cdo >/dev/null 2>&1") != 0)
        cr_skip_test("cdo is not installed");
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char *path = strdup(test_data_path(cases[k].rel));
        lines_t ours = library_dates(path, cases[k].var);
        lines_t ref = cdo_dates(path);
        cr_assert_eq(ours.n, ref.n, "%s: ours %zu dates, cdo %zu", cases[k].rel, ours.n,
                     ref.n);
        /* cdo prints the date without the time of day. */
        for (size_t i = 0; i < ours.n; i++)
            cr_assert(strncmp(ours.lines[i], ref.lines[i], 10) == 0 &&
                          strlen(ref.lines[i]) == 10,
                      "%s: step %zu: ours '%s', cdo '%s'", cases[k].rel, i, ours.lines[i],
                      ref.lines[i]);
        lines_free(&ours);
        lines_free(&ref);
        free(path);
    }
}

/* ---- the report ------------------------------------------------------------------------- */

Test(inspect, report_of_a_readable_file)
{
    char cmd[2048];
    int status;
    snprintf(cmd, sizeof cmd, "'%s' inspect '%s'", bin(),
             test_data_path("gcm/BNU-ESM_tasmax_day_tiny_gcm.nc"));
    char *out = run_output(cmd, &status);
    cr_assert_eq(status, 0, "%s", out);
    const char *want[] = {
        "variable:   tasmax, grid layout",
        "dimensions: time = 3651 unlimited (time), lat = 4 (latitude), lon = 4 (longitude)",
        "longitude:  file lon: 264.375 .. 272.812 (4, ascending, 0..360); decoded -95.625 .. "
        "-87.1875 (4, west to east)",
        "time:       time, units \"days since 1950-01-01 00:00:00\", calendar \"365_day\" -> "
        "noleap",
        "dates:      3651 steps, 1965-01-01 12 .. 1975-01-01 12",
        "units:      \"K\" -> degC = value - 273.15",
        "values:     58416, missing 0 (0.0 %)",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        cr_expect(strstr(out, want[i]) != NULL, "missing '%s' in:\n%s", want[i], out);
    cr_expect(strstr(out, "refused") == NULL, "%s", out);
    free(out);
}

Test(inspect, report_of_a_refused_file)
{
    char cmd[2048];
    int status;
    const char *path = test_data_path("quirks/T2m.nc");
    snprintf(cmd, sizeof cmd, "'%s' inspect '%s'", bin(), path);
    char *out = run_output(cmd, &status);
    cr_assert_eq(status, 2, "exit %d:\n%s", status, out);
    /* Everything up to the refusal is still shown. */
    cr_expect(strstr(out, "latitude:   file lat: -88.5419 .. 88.5419 (94, ascending)"), "%s",
              out);
    cr_expect(strstr(out, "time:       time, units \"yyyymm\", calendar (none)"), "%s", out);
    char *r = strstr(out, "\nrefused:    ");
    cr_assert_not_null(r, "%s", out);
    cr_expect(strstr(r, "T2m.nc: T: time units 'yyyymm'"), "%s", r);
    cr_expect_eq(strchr(r + 1, '\n'), r + strlen(r) - 1, "more than one refusal line: %s", r);
    free(out);

    /* The override a pipeline would give makes it readable. */
    snprintf(cmd, sizeof cmd, "'%s' inspect --time-units 'days since 1979-01-01' '%s' T",
             bin(), path);
    out = run_output(cmd, &status);
    cr_assert_eq(status, 0, "%s", out);
    free(out);

    /* Unknown options and missing files. */
    snprintf(cmd, sizeof cmd, "'%s' inspect --frobnicate '%s'", bin(), path);
    free(run_output(cmd, &status));
    cr_expect_eq(status, 2);
    snprintf(cmd, sizeof cmd, "'%s' inspect /nonexistent/x.nc", bin());
    out = run_output(cmd, &status);
    cr_expect_eq(status, 2);
    cr_expect(strstr(out, "refused:    /nonexistent/x.nc: cannot open"), "%s", out);
    free(out);
}

/* ---- dsc_io_describe ---------------------------------------------------------------------- */

Test(inspect, describe_grid_0_360_float)
{
    dsc_io_info_t in;
    const char *path = test_data_path("gcm/BNU-ESM_tasmax_day_tiny_gcm.nc");
    cr_assert_eq(dsc_io_describe(ctx, path, NULL, NULL, &in), DSC_OK, "%s", in.problem);
    cr_assert_str_eq(in.var, "tasmax");
    cr_assert_str_eq(in.candidates, "tasmax");
    cr_assert_str_eq(in.format, "classic");
    cr_assert_str_eq(in.type, "float");
    cr_assert_str_eq(in.layout, "grid");
    cr_assert_eq(in.ndims, 3);
    const char *names[] = {"time", "lat", "lon"}, *roles[] = {"time", "latitude", "longitude"};
    const size_t lens[] = {3651, 4, 4};
    for (int i = 0; i < 3; i++) {
        cr_assert_str_eq(in.dims[i].name, names[i]);
        cr_assert_str_eq(in.dims[i].role, roles[i]);
        cr_assert_eq(in.dims[i].length, lens[i]);
        cr_assert_eq(in.dims[i].unlimited, i == 0);
    }
    /* ncdump: lon = 264.375, 267.1875, 270, 272.8125 */
    cr_assert_float_eq(in.lon.first, 264.375, 1e-9);
    cr_assert_float_eq(in.lon.last, 272.8125, 1e-9);
    cr_assert_float_eq(in.field->grid.lon[0], -95.625, 1e-9);
    cr_assert_str_eq(in.time_units, "days since 1950-01-01 00:00:00");
    cr_assert_str_eq(in.calendar, "365_day");
    cr_assert_eq(in.field->calendar, DSC_CAL_NOLEAP);
    cr_assert_str_eq(in.units, "K");
    cr_assert_str_eq(in.units_to, "degC");
    cr_assert_float_eq(in.unit_offset, -273.15, 1e-12);
    cr_assert_eq(in.packed, 0);
    cr_assert_eq(in.fill_kind, 1);
    cr_assert_float_eq(in.fill, (double)1e20f, 1e6);
    cr_assert_eq(in.nmissing_value, 1);
    cr_assert_eq(in.nvalues, 3651 * 16);
    cr_assert_eq(in.nmissing, 0);
    cr_assert(in.vmin > -60 && in.vmax < 40, "%g .. %g degC", in.vmin, in.vmax);
    dsc_io_info_clear(&in);
}

Test(inspect, describe_packed_short_descending_latitude)
{
    dsc_io_info_t in;
    dsc_read_opts_t opts = {.time_name = "month", .time_units = "days since 1900-01-01",
                            .raw_units = 1, .select_dim = "level", .select_index = 1};
    const char *path = test_data_path("quirks/eraint_uvz.nc");
    cr_assert_eq(dsc_io_describe(ctx, path, "z", &opts, &in), DSC_OK, "%s", in.problem);
    cr_assert_str_eq(in.format, "64-bit offset");
    cr_assert_str_eq(in.type, "short");
    cr_assert_str_eq(in.candidates, ""); /* u, v, z: no temperature */
    const char *roles[] = {"time", "selected", "latitude", "longitude"};
    for (int i = 0; i < 4; i++)
        cr_assert_str_eq(in.dims[i].role, roles[i]);
    cr_assert_eq(in.dims[1].index, 1);
    /* ncdump -h: latitude 90 .. -90 (241), scale_factor -1.7250274674968,
     * add_offset 66825.5, _FillValue NaN (a short never equals it). */
    cr_assert_float_eq(in.lat.first, 90.0, 1e-9);
    cr_assert_float_eq(in.lat.last, -90.0, 1e-9);
    cr_assert_eq(in.lat.n, 241);
    cr_assert_float_eq(in.field->grid.lat[0], -90.0, 1e-9);
    cr_assert_eq(in.packed, 1);
    cr_assert_float_eq(in.scale_factor, -1.7250274674968, 1e-12);
    cr_assert_float_eq(in.add_offset, 66825.5, 1e-9);
    cr_assert_eq(in.fill_kind, 3);
    cr_assert(isnan(in.fill));
    cr_assert_str_eq(in.units_to, "m**2 s**-2");
    cr_assert_eq(in.nmissing, 0);
    dsc_io_info_clear(&in);

    /* With no variable named, there is nothing to pick. */
    cr_assert_eq(dsc_io_describe(ctx, path, NULL, NULL, &in), DSC_ERR_USAGE);
    cr_assert(strstr(in.problem, "eraint_uvz.nc: no temperature-like variable"), "%s",
              in.problem);
    cr_assert_str_eq(in.format, "64-bit offset");
    dsc_io_info_clear(&in);
}

Test(inspect, describe_short_with_fill_and_length_one_axis)
{
    dsc_io_info_t in;
    const char *path = test_data_path("quirks/oisst_reduced.nc");
    cr_assert_eq(dsc_io_describe(ctx, path, NULL, NULL, &in), DSC_OK, "%s", in.problem);
    cr_assert_str_eq(in.var, "sst");
    cr_assert_str_eq(in.candidates, "sst, anom, err");
    cr_assert_str_eq(in.dims[1].name, "zlev");
    cr_assert_str_eq(in.dims[1].role, "length one");
    /* ncdump -h: short, scale_factor 0.01f, add_offset 0.f, _FillValue = missing_value =
     * -999s; 4448 of the 90 x 180 values are "_" in ncdump's data section. */
    cr_assert_str_eq(in.type, "short");
    cr_assert_float_eq(in.scale_factor, (double)0.01f, 1e-12);
    cr_assert_eq(in.fill_kind, 1);
    cr_assert_float_eq(in.fill, -999.0, 0);
    cr_assert_eq(in.nmissing_value, 1);
    cr_assert_float_eq(in.missing_value[0], -999.0, 0);
    cr_assert_str_eq(in.units, "degree_C");
    cr_assert_eq(in.nvalues, 90 * 180);
    cr_assert_eq(in.nmissing, 4448);
    dsc_io_info_clear(&in);
}

Test(inspect, describe_station_layout)
{
    dsc_io_info_t in;
    const char *path = test_data_path("obs/ahccd_1950-2013.nc");
    cr_assert_eq(dsc_io_describe(ctx, path, "tasmax", NULL, &in), DSC_OK, "%s", in.problem);
    cr_assert_str_eq(in.layout, "sites");
    cr_assert_eq(in.lat.n, 3);
    /* Stored (location, time): the transposed order. */
    cr_assert_str_eq(in.dims[0].role, "site");
    cr_assert_str_eq(in.dims[1].role, "time");
    cr_assert_str_eq(in.units, "degC");
    cr_assert_eq(in.unit_offset, 0.0);
    dsc_io_info_clear(&in);
}

Test(inspect, describe_refusals_keep_what_was_found)
{
    dsc_io_info_t in;
    const char *path = test_data_path("quirks/tas_rotated_grid_EUR11.nc");
    cr_assert_eq(dsc_io_describe(ctx, path, NULL, NULL, &in), DSC_ERR_FORMAT);
    cr_assert_str_eq(in.var, "tas");
    cr_assert(strstr(in.problem, "tas_rotated_grid_EUR11.nc: tas is on a rotated-pole grid"),
              "%s", in.problem);
    cr_assert_eq(in.ndims, 4); /* time, height, rlat, rlon */
    cr_assert_str_eq(in.dims[2].name, "rlat");
    cr_assert_str_eq(in.dims[2].role, "?");
    cr_assert_null(in.layout);
    cr_assert_null(in.field);
    dsc_io_info_clear(&in);

    path = test_data_path("gcm/CanESM2_1950-2100.nc");
    cr_assert_eq(dsc_io_describe(ctx, path, "tmx", NULL, &in), DSC_ERR_FORMAT);
    cr_assert(strstr(in.problem, "CanESM2_1950-2100.nc: no variable 'tmx'"), "%s", in.problem);
    cr_assert_str_eq(in.format, "netCDF-4");
    cr_assert_str_eq(in.candidates, "tasmax");
    cr_assert_eq(in.ndims, 0);
    dsc_io_info_clear(&in);

    cr_assert_eq(dsc_io_describe(ctx, "/nonexistent/x.nc", "tas", NULL, &in), DSC_ERR_IO);
    cr_assert(strstr(in.problem, "/nonexistent/x.nc: cannot open"), "%s", in.problem);
    dsc_io_info_clear(&in);
    dsc_io_info_clear(NULL);
}

Test(inspect, temperature_variables_of_a_file)
{
    char **names = NULL;
    size_t n = 0;
    /* ERA5 city file: of its 24 variables these have K units (ncdump -h). */
    const char *path = test_data_path("obs/daily_surface_cancities_1990-1993.nc");
    cr_assert_eq(dsc_io_temperature_vars(ctx, path, &names, &n), DSC_OK, "%s",
                 dsc_ctx_message(ctx));
    const char *want[] = {"tas", "tasmax", "tasmin", "tdps"};
    cr_assert_eq(n, 4);
    for (size_t i = 0; i < n; i++)
        cr_assert_str_eq(names[i], want[i]);
    dsc_io_paths_free(names, n);
    /* Bounds and coordinates are not data. */
    path = test_data_path("gcm/MPI-ESM-LR_tas_Amon_historical_2005_global.nc");
    cr_assert_eq(dsc_io_temperature_vars(ctx, path, &names, &n), DSC_OK);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(names[0], "tas");
    dsc_io_paths_free(names, n);
    cr_assert_eq(dsc_io_temperature_vars(ctx, "/nonexistent/x.nc", &names, &n), DSC_ERR_IO);
    cr_assert_null(names);
}
