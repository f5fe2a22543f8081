/* test_ingest.c - every file of the sample data read or refused precisely, and bad input:
 * broken files, wrong dimensions, disordered time axes, empty series, regions off the grid.
 *
 * The outcome for each sample file is written out below (and in docs/ingest.md). Bad input
 * is made here with netCDF-C, or by cutting and overwriting bytes of real files, and must
 * always end in a code and a one-line message that names the file: never a crash, never
 * quietly wrong numbers. The last tests run the program on a small pipeline to check that a
 * refused input stops the run with one line and leaves earlier outputs untouched.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <fnmatch.h>
#include <math.h>
#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dsc/io.h"
#include "support/support.h"

/* netCDF-C 4.9 and HDF5 1.10 lose the half-built file objects of a failed nc_open of a
 * corrupt netCDF-4 file. Leak checking is paused around those reads only, so that a leak of
 * ours anywhere else is still reported (a suppression by library would hide a forgotten
 * nc_close of our own too). */
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define FOREIGN_LEAKS_BEGIN() __lsan_disable()
#define FOREIGN_LEAKS_END() __lsan_enable()
#else
#define FOREIGN_LEAKS_BEGIN() ((void)0)
#define FOREIGN_LEAKS_END() ((void)0)
#endif

static dsc_ctx_t *ctx;

static void setup(void)
{
    ctx = dsc_ctx_create();
}

static void teardown(void)
{
    dsc_ctx_destroy(ctx);
}

TestSuite(ingest, .init = setup, .fini = teardown);

#define NC(call)                                                                           \
    do {                                                                                   \
        int nc_status_ = (call);                                                           \
        cr_assert_eq(nc_status_, NC_NOERR, "%s: %s", #call, nc_strerror(nc_status_));     \
    } while (0)

/* A refusal must be one line that starts with the file's path and holds each fragment. */
static void assert_message(const char *path, const char *frag1, const char *frag2)
{
    const char *msg = dsc_ctx_message(ctx);
    cr_assert(strchr(msg, '\n') == NULL, "message on several lines: %s", msg);
    cr_assert(strncmp(msg, path, strlen(path)) == 0 && msg[strlen(path)] == ':',
              "message does not start with '%s:': %s", path, msg);
    cr_assert(!frag1 || strstr(msg, frag1), "message '%s' lacks '%s'", msg, frag1);
    cr_assert(!frag2 || strstr(msg, frag2), "message '%s' lacks '%s'", msg, frag2);
}

static void read_refused(const char *path, const char *var, const dsc_region_t *region,
                         const dsc_read_opts_t *opts, int code, const char *frag1,
                         const char *frag2)
{
    dsc_field_t *f = NULL;
    int rc = dsc_io_read(ctx, path, var, region, opts, &f);
    cr_assert_eq(rc, code, "%s %s: rc %d, expected %d (%s)", path, var, rc, code,
                 dsc_ctx_message(ctx));
    cr_assert_null(f);
    assert_message(path, frag1, frag2);
}

/* ---- the sample data, file by file ---------------------------------------------------------- */

typedef struct {
    const char *pattern; /* path under the data root (fnmatch) */
    const char *vars;    /* its temperature-like variables, comma-separated ("" none) */
    int code;            /* what reading each of them gives */
    const char *frag;    /* in the message when refused */
} expected_t;

static const expected_t expected[] = {
    {"beijing/obs/CHM00054511_tmax_tmin_1951-2024.nc", "tasmax,tasmin", DSC_OK, NULL},
    {"gcm/A1B_north_america.nc", "air_temperature", DSC_OK, NULL},
    {"gcm/E1_north_america.nc", "air_temperature", DSC_OK, NULL},
    {"gcm/BNU-ESM_tasmax_day_tiny_gcm.nc", "tasmax", DSC_OK, NULL},
    {"gcm/CORDEX-AFR44_fldmean/tas_mod?_*_rectilin_grid_2D.nc", "tas", DSC_OK, NULL},
    {"gcm/CanESM2_1950-2100.nc", "tasmax", DSC_OK, NULL},
    {"gcm/fermont_CanESM2_1950-2100.nc", "tasmax", DSC_OK, NULL},
    {"gcm/HadGEM2-ES_rcp85_multifile/tas_Amon_HadGEM2-ES_rcp85_r1i1p1_*.nc", "tas", DSC_OK,
     NULL},
    {"gcm/MPI-ESM-LR_tas_Amon_historical_2005_global.nc", "tas", DSC_OK, NULL},
    {"gcm/TREFHT.B06.57.atm.1890-1999ANN.nc", "TREFHT", DSC_OK, NULL},
    {"gcm/bias_adjusted_2095/tasmax_day_*_2095.nc", "tasmax", DSC_OK, NULL},
    {"gcm/bias_adjusted_2095/tasmin_day_*_2095.nc", "tasmin", DSC_OK, NULL},
    {"gcm/tas.sresb1.giss_model_e_r.run1.atm.da.nc", "tas", DSC_OK, NULL},
    {"gcm/tas_Amon_CanESM2_rcp85_r1i1p1_200701-200712.nc", "tas", DSC_OK, NULL},
    {"isimip-point/nc/tasmax_tasmin_day_*_19500101-20991231.nc", "tasmax,tasmin", DSC_OK, NULL},
    {"isimip-point/obs/frankfurt_main_dwd01420_tmax_tmin.nc", "tasmax,tasmin", DSC_OK, NULL},
    {"obs/ANUSPLIN_tasmax_day_tiny_obs.nc", "tasmax", DSC_OK, NULL},
    {"obs/ahccd_1950-2013.nc", "tasmax", DSC_OK, NULL},
    {"obs/bcsd_obs_1999.nc", "tas", DSC_OK, NULL},
    {"obs/daily_surface_cancities_1990-1993.nc", "tas,tasmax,tasmin,tdps", DSC_OK, NULL},
    {"obs/fermont_nrcan_1950-2013.nc", "tasmax", DSC_OK, NULL},
    {"obs/nrcan_1950-2013.nc", "tasmax", DSC_OK, NULL},
    {"quirks/T2m.nc", "T", DSC_ERR_FORMAT, "time units 'yyyymm': not CF time units"},
    {"quirks/b003_TS_200-299.nc", "TS", DSC_ERR_FORMAT,
     "time units 'days since 0000-00-00 00:00:00': reference date is not a date"},
    {"quirks/coads_climatology.cdf", "SST,AIRT", DSC_OK, NULL},
    {"quirks/eraint_uvz.nc", "", DSC_OK, NULL},
    {"quirks/oisst_reduced.nc", "sst,anom,err", DSC_OK, NULL},
    {"quirks/tas_rotated_grid_EUR11.nc", "tas", DSC_ERR_FORMAT,
     "rotated-pole grids are not supported"},
};

typedef struct {
    char **paths;
    size_t n;
} file_list;

static void walk(const char *dir, file_list *out)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "cannot list %s", dir);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            walk(path, out);
            continue;
        }
        size_t len = strlen(path);
        if (!(len > 3 && strcmp(path + len - 3, ".nc") == 0) &&
            !(len > 4 && strcmp(path + len - 4, ".cdf") == 0))
            continue;
        out->paths = realloc(out->paths, (out->n + 1) * sizeof *out->paths);
        cr_assert_not_null(out->paths);
        out->paths[out->n++] = strdup(path);
    }
    closedir(d);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static const expected_t *expected_for(const char *rel)
{
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
        if (fnmatch(expected[i].pattern, rel, 0) == 0)
            return &expected[i];
    return NULL;
}

/* A decoded temperature is in degrees Celsius: a value left in kelvin (or doubled by a
 * wrong unpacking) falls outside. */
static void check_celsius(const char *path, const dsc_field_t *f)
{
    size_t n = f->ntime * dsc_field_ncells(f), finite = 0;
    cr_assert_gt(f->ntime, 0, "%s", path);
    for (size_t i = 0; i < n; i++) {
        if (isnan(f->values[i]))
            continue;
        finite++;
        cr_assert(f->values[i] > -100.0 && f->values[i] < 70.0, "%s %s: value %g degC", path,
                  f->name, f->values[i]);
    }
    cr_assert_gt(finite, 0, "%s %s: nothing but missing values", path, f->name);
    cr_assert_str_eq(f->units, "degC");
}

static void check_temperature_vars(const char *path, const expected_t *want)
{
    char **names = NULL, list[512] = "";
    size_t n = 0;
    cr_assert_eq(dsc_io_temperature_vars(ctx, path, &names, &n), DSC_OK, "%s",
                 dsc_ctx_message(ctx));
    for (size_t i = 0; i < n; i++) {
        strcat(list, i ? "," : "");
        strncat(list, names[i], sizeof list - strlen(list) - 2);
    }
    cr_assert_str_eq(list, want->vars, "%s", path);
    for (size_t i = 0; i < n; i++) {
        dsc_field_t *f = NULL;
        int rc = dsc_io_read(ctx, path, names[i], NULL, NULL, &f);
        cr_assert_eq(rc, want->code, "%s %s: %s", path, names[i], dsc_ctx_message(ctx));
        if (rc == DSC_OK) {
            check_celsius(path, f);
            cr_assert_eq(dsc_io_check_not_empty(ctx, f), DSC_OK, "%s", dsc_ctx_message(ctx));
        } else {
            assert_message(path, names[i], want->frag);
        }
        dsc_field_destroy(f);
    }
    dsc_io_paths_free(names, n);
}

/* Every other data variable (precipitation, bounds, wind ...): read, or refused in one line
 * naming the file and the variable. */
static void check_other_vars(const char *path)
{
    int ncid, nvars;
    NC(nc_open(path, NC_NOWRITE, &ncid));
    NC(nc_inq_nvars(ncid, &nvars));
    char (*names)[NC_MAX_NAME + 1] = calloc((size_t)nvars, sizeof *names);
    cr_assert_not_null(names);
    int count = 0;
    for (int v = 0; v < nvars; v++) {
        int nd, dimid;
        char dimname[NC_MAX_NAME + 1];
        NC(nc_inq_varname(ncid, v, names[count]));
        NC(nc_inq_varndims(ncid, v, &nd));
        if (nd == 0)
            continue;
        if (nd == 1) {
            NC(nc_inq_vardimid(ncid, v, &dimid));
            NC(nc_inq_dimname(ncid, dimid, dimname));
            if (strcmp(dimname, names[count]) == 0)
                continue; /* a coordinate */
        }
        count++;
    }
    /* Closed before reading: see describe.c on two handles of one netCDF-4 file. */
    nc_close(ncid);
    for (int i = 0; i < count; i++) {
        dsc_field_t *f = NULL;
        int rc = dsc_io_read(ctx, path, names[i], NULL, NULL, &f);
        if (rc != DSC_OK)
            assert_message(path, names[i], NULL);
        dsc_field_destroy(f);
    }
    free(names);
}

Test(ingest, every_sample_file_read_or_refused, .timeout = 120)
{
    file_list files = {NULL, 0};
    const char *root = test_data_root();
    walk(root, &files);
    qsort(files.paths, files.n, sizeof *files.paths, cmp_str);
    cr_assert_geq(files.n, 72, "only %zu NetCDF files under %s", files.n, root);
    size_t refused = 0;
    for (size_t i = 0; i < files.n; i++) {
        const char *rel = files.paths[i] + strlen(root) + 1;
        const expected_t *want = expected_for(rel);
        cr_assert_not_null(want, "%s is not in the table of test_ingest.c (nor, likely, in "
                           "docs/ingest.md): add its outcome to both", rel);
        check_temperature_vars(files.paths[i], want);
        check_other_vars(files.paths[i]);
        refused += want->code != DSC_OK;
        free(files.paths[i]);
    }
    cr_assert_eq(refused, 3); /* T2m, b003, the rotated grid */
    free(files.paths);
}

/* The refused files become readable with the overrides a pipeline file can give, or stay
 * refused with a message that says what to do. */
Test(ingest, refused_samples_with_overrides)
{
    char *path = strdup(test_data_path("quirks/T2m.nc"));
    dsc_read_opts_t t2m = {.time_units = "days since 1979-01-01"};
    dsc_field_t *f = NULL;
    cr_assert_eq(dsc_io_read(ctx, path, "T", NULL, &t2m, &f), DSC_OK, "%s",
                 dsc_ctx_message(ctx));
    check_celsius(path, f);
    dsc_field_destroy(f);
    free(path);

    path = strdup(test_data_path("quirks/b003_TS_200-299.nc"));
    read_refused(path, "TS", NULL, NULL, DSC_ERR_FORMAT, "; give time_units", NULL);
    dsc_read_opts_t b003 = {.time_units = "days since 0000-01-01", .calendar = "noleap"};
    cr_assert_eq(dsc_io_read(ctx, path, "TS", NULL, &b003, &f), DSC_OK, "%s",
                 dsc_ctx_message(ctx));
    check_celsius(path, f);
    dsc_field_destroy(f);
    free(path);
}

/* ---- small files written here ------------------------------------------------------------ */

typedef struct {
    const char *var;        /* the data variable */
    const char *dims;       /* its dimensions, e.g. "time lat lon" */
    size_t nt;
    const double *time;
    const char *time_units; /* NULL: no units attribute */
    const char *calendar;   /* NULL: none */
    int time_fill_at;       /* a time step holding the time's _FillValue, -1 none */
    size_t nlat, nlon, nlevel;
    const double *lat;      /* NULL: 10, 20, 30, ... */
    const char *units;      /* of the data; NULL: none */
    int all_fill;           /* every value is _FillValue */
    int fill_cell;          /* a cell missing at every step, -1 none */
    int cmode;              /* nc_create mode */
} synth_t;

static const double days5[] = {0, 1, 2, 3, 4};

static synth_t synth_default(void)
{
    synth_t s = {"tas", "time lat lon", 5, days5, "days since 2000-01-01", "standard", -1,
                 2, 3, 3, NULL, "degC", 0, -1, NC_CLOBBER};
    return s;
}

static int dim_of(int ncid, const char *name)
{
    int id;
    NC(nc_inq_dimid(ncid, name, &id));
    return id;
}

/* Writes s->var on a small grid: value 10 + 0.1 t + cell (degC), float, _FillValue -999. */
static void write_synth(const char *path, const synth_t *s)
{
    int ncid, tv, lav, lov, var, dimids[8], nd = 0;
    NC(nc_create(path, s->cmode, &ncid));
    int td, lad, lod, lvd;
    NC(nc_def_dim(ncid, "time", NC_UNLIMITED, &td));
    NC(nc_def_dim(ncid, "lat", s->nlat, &lad));
    NC(nc_def_dim(ncid, "lon", s->nlon, &lod));
    NC(nc_def_dim(ncid, "level", s->nlevel, &lvd));
    NC(nc_def_var(ncid, "time", NC_DOUBLE, 1, &td, &tv));
    NC(nc_def_var(ncid, "lat", NC_DOUBLE, 1, &lad, &lav));
    NC(nc_def_var(ncid, "lon", NC_DOUBLE, 1, &lod, &lov));
    if (s->time_units)
        NC(nc_put_att_text(ncid, tv, "units", strlen(s->time_units), s->time_units));
    if (s->calendar)
        NC(nc_put_att_text(ncid, tv, "calendar", strlen(s->calendar), s->calendar));
    double tfill = -1e30;
    if (s->time_fill_at >= 0)
        NC(nc_put_att_double(ncid, tv, "_FillValue", NC_DOUBLE, 1, &tfill));
    NC(nc_put_att_text(ncid, lav, "units", 13, "degrees_north"));
    NC(nc_put_att_text(ncid, lov, "units", 12, "degrees_east"));

    char dims[64];
    snprintf(dims, sizeof dims, "%s", s->dims);
    for (char *save = NULL, *tok = strtok_r(dims, " ", &save); tok;
         tok = strtok_r(NULL, " ", &save))
        dimids[nd++] = dim_of(ncid, tok);
    NC(nc_def_var(ncid, s->var, NC_FLOAT, nd, dimids, &var));
    float fill = -999.0f;
    NC(nc_put_att_float(ncid, var, "_FillValue", NC_FLOAT, 1, &fill));
    if (s->units)
        NC(nc_put_att_text(ncid, var, "units", strlen(s->units), s->units));
    NC(nc_enddef(ncid));

    double *t = malloc(s->nt * sizeof *t);
    for (size_t i = 0; i < s->nt; i++)
        t[i] = (int)i == s->time_fill_at ? tfill : s->time[i];
    size_t start = 0, count = s->nt;
    NC(nc_put_vara_double(ncid, tv, &start, &count, t));
    free(t);
    double lat[16], lon[16];
    for (size_t i = 0; i < s->nlat; i++)
        lat[i] = s->lat ? s->lat[i] : 10.0 * (double)(i + 1);
    for (size_t i = 0; i < s->nlon; i++)
        lon[i] = 100.0 + 10.0 * (double)i;
    NC(nc_put_var_double(ncid, lav, lat));
    NC(nc_put_var_double(ncid, lov, lon));

    size_t shape[8], total = 1;
    for (int d = 0; d < nd; d++) {
        size_t len;
        NC(nc_inq_dimlen(ncid, dimids[d], &len));
        shape[d] = dimids[d] == td ? s->nt : len;
        total *= shape[d];
    }
    float *v = malloc(total * sizeof *v);
    size_t ncell = s->nlat * s->nlon;
    for (size_t i = 0; i < total; i++) {
        size_t cell = i % ncell, step = i / ncell;
        int missing = s->all_fill || (int)cell == s->fill_cell;
        v[i] = missing ? fill : 10.0f + 0.1f * (float)step + (float)cell;
    }
    size_t st[8] = {0};
    NC(nc_put_vara_float(ncid, var, st, shape, v));
    free(v);
    NC(nc_close(ncid));
}

static char *tmp_file(const char *name)
{
    static const char *dir;
    if (!dir)
        dir = strdup(test_tmpdir());
    char *p = malloc(strlen(dir) + strlen(name) + 2);
    sprintf(p, "%s/%s", dir, name);
    return p;
}

Test(ingest, synthetic_file_reads)
{
    /* The writer itself is right: a well-formed file reads back exactly. */
    char *path = tmp_file("good.nc");
    synth_t s = synth_default();
    write_synth(path, &s);
    dsc_field_t *f = NULL;
    cr_assert_eq(dsc_io_read(ctx, path, "tas", NULL, NULL, &f), DSC_OK, "%s",
                 dsc_ctx_message(ctx));
    cr_assert_eq(f->ntime, 5);
    cr_assert_eq(dsc_field_ncells(f), 6);
    cr_assert_float_eq(f->values[4 * 6 + 5], 10.0f + 0.4f + 5.0f, 1e-5);
    dsc_field_destroy(f);
    free(path);
}

Test(ingest, time_axis_out_of_order)
{
    char *path = tmp_file("time.nc");
    synth_t s = synth_default();
    const double swapped[] = {0, 1, 3, 2, 4}, repeated[] = {0, 1, 1, 2, 3};
    s.time = swapped;
    write_synth(path, &s);
    read_refused(path, "tas", NULL, NULL, DSC_ERR_FORMAT, "tas: time axis is not strictly "
                 "increasing", "step 2: 3, step 3: 2");
    s.time = repeated;
    write_synth(path, &s);
    read_refused(path, "tas", NULL, NULL, DSC_ERR_FORMAT, "not strictly increasing",
                 "step 1: 1, step 2: 1");
    s.time = days5;
    s.time_fill_at = 2;
    write_synth(path, &s);
    read_refused(path, "tas", NULL, NULL, DSC_ERR_FORMAT, "time value 2 is missing", NULL);
    free(path);
}

Test(ingest, time_metadata_not_cf)
{
    char *path = tmp_file("meta.nc");
    synth_t s = synth_default();
    s.time_units = NULL;
    write_synth(path, &s);
    read_refused(path, "tas", NULL, NULL, DSC_ERR_FORMAT, "the time coordinate has no units",
                 "give time_units");
    s.time_units = "months since 2000-01-01";
    write_synth(path, &s);
    read_refused(path, "tas", NULL, NULL, DSC_ERR_FORMAT, "'months since 2000-01-01'",
                 "no fixed length");
    s.time_units = "days since 2000-02-30";
    write_synth(path, &s);
    read_refused(path, "tas", NULL, NULL, DSC_ERR_FORMAT, "2000-02-30", "not a date");
    s.time_units = "days since 2000-01-01";
    s.calendar = "365_days";
    write_synth(path, &s);
    read_refused(path, "tas", NULL, NULL, DSC_ERR_FORMAT, "calendar '365_days'",
                 "give calendar");
    dsc_read_opts_t fix = {.calendar = "noleap"};
    dsc_field_t *f = NULL;
    cr_assert_eq(dsc_io_read(ctx, path, "tas", NULL, &fix, &f), DSC_OK);
    cr_assert_eq(f->calendar, DSC_CAL_NOLEAP);
    dsc_field_destroy(f);
    free(path);
}

Test(ingest, wrong_dimensions_and_values)
{
    char *path = tmp_file("dims.nc");
    synth_t s = synth_default();
    s.dims = "time lat";
    write_synth(path, &s);
    read_refused(path, "tas", NULL, NULL, DSC_ERR_FORMAT,
                 "tas has a latitude dimension but no longitude dimension", NULL);
    s.dims = "time level lat lon";
    write_synth(path, &s);
    read_refused(path, "tas", NULL, NULL, DSC_ERR_FORMAT, "dimension 'level' (length 3)",
                 "select_dim");
    s.dims = "lat lon";
    write_synth(path, &s);
    read_refused(path, "tas", NULL, NULL, DSC_ERR_FORMAT, "tas has no time dimension", NULL);
    s.dims = "time lat lon";
    const double zigzag[] = {10, 30, 20};
    s.nlat = 3;
    s.lat = zigzag;
    write_synth(path, &s);
    read_refused(path, "tas", NULL, NULL, DSC_ERR_FORMAT,
                 "latitude coordinate is not strictly monotonic", NULL);
    s = synth_default();
    s.units = NULL;
    write_synth(path, &s);
    read_refused(path, "tas", NULL, NULL, DSC_ERR_UNITS, "tas has no units attribute", NULL);
    s.units = "furlongs";
    write_synth(path, &s);
    read_refused(path, "tas", NULL, NULL, DSC_ERR_UNITS, "'furlongs'", NULL);
    read_refused(path, "tasmax", NULL, NULL, DSC_ERR_FORMAT, "no variable 'tasmax'", NULL);
    read_refused(path, "lat", NULL, NULL, DSC_ERR_FORMAT, "lat has no time dimension", NULL);
    free(path);
}

/* ---- broken files ------------------------------------------------------------------------- */

static void copy_prefix(const char *src, const char *dst, long bytes)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "head -c %ld '%s' > '%s'", bytes, src, dst);
    cr_assert_eq(test_system(cmd), 0, "%s", cmd);
}

static long file_size(const char *path)
{
    struct stat st;
    cr_assert_eq(stat(path, &st), 0, "%s", path);
    return (long)st.st_size;
}

/* A classic file with record (unlimited) variables, cut inside its last record: the netCDF
 * library would hand back the missing part as fill values. */
Test(ingest, truncated_classic_and_64bit_files)
{
    char *path = tmp_file("records.nc"), *cut = tmp_file("records_cut.nc");
    synth_t s = synth_default();
    s.cmode = NC_CLOBBER; /* classic */
    write_synth(path, &s);
    long size = file_size(path);
    /* 5 records of time (8 bytes) + tas (2 x 3 floats = 24 bytes): the last record is the
     * final 32 bytes. */
    for (long drop = 1; drop <= 32; drop += 7) {
        copy_prefix(path, cut, size - drop);
        read_refused(cut, "tas", NULL, NULL, DSC_ERR_FORMAT, "file is truncated", NULL);
    }
    copy_prefix(path, cut, size);
    dsc_field_t *f = NULL;
    cr_assert_eq(dsc_io_read(ctx, cut, "tas", NULL, NULL, &f), DSC_OK);
    dsc_field_destroy(f);

    /* A 64-bit-offset file (CDF-2) cut by one byte, then cut in its header. */
    char *era = strdup(test_data_path("quirks/eraint_uvz.nc"));
    dsc_read_opts_t o = {.time_name = "month", .time_units = "days since 2000-01-01",
                         .raw_units = 1, .select_dim = "level"};
    copy_prefix(era, cut, file_size(era) - 1);
    read_refused(cut, "z", NULL, &o, DSC_ERR_FORMAT, "file is truncated", NULL);
    copy_prefix(era, cut, 100);
    read_refused(cut, "z", NULL, &o, DSC_ERR_FORMAT, NULL, NULL);
    /* Nothing but the magic number, and an empty file. */
    copy_prefix(era, cut, 4);
    read_refused(cut, "z", NULL, &o, DSC_ERR_FORMAT, NULL, NULL);
    copy_prefix(era, cut, 0);
    read_refused(cut, "z", NULL, &o, DSC_ERR_FORMAT, NULL, NULL);
    free(era);
    free(path);
    free(cut);
}

/* Every byte of a classic header overwritten in turn (with 0xFF and with 0x00): each read
 * must succeed or be refused in one line naming the file; none may crash. */
Test(ingest, corrupt_classic_header_bytes, .timeout = 120)
{
    char *path = tmp_file("hdr.nc"), *bad = tmp_file("hdr_bad.nc");
    synth_t s = synth_default();
    write_synth(path, &s);
    FILE *fp = fopen(path, "rb");
    cr_assert_not_null(fp);
    unsigned char buf[4096];
    size_t n = fread(buf, 1, sizeof buf, fp);
    fclose(fp);
    /* The header ends where the data begins: lat and lon (5 doubles), then 5 records of
     * time (a double) and tas (6 floats). */
    size_t header = n - 5 * 8 - 5 * (8 + 6 * 4);
    cr_assert_lt(header, n);
    size_t refused = 0, read = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < header; i++) {
            unsigned char saved = buf[i];
            buf[i] = pass ? 0x00 : 0xFF;
            if (buf[i] == saved)
                continue;
            fp = fopen(bad, "wb");
            cr_assert_not_null(fp);
            cr_assert_eq(fwrite(buf, 1, n, fp), n);
            fclose(fp);
            buf[i] = saved;
            dsc_field_t *f = NULL;
            int rc = dsc_io_read(ctx, bad, "tas", NULL, NULL, &f);
            if (rc == DSC_OK) {
                read++;
            } else {
                refused++;
                const char *msg = dsc_ctx_message(ctx);
                cr_assert(strchr(msg, '\n') == NULL && strstr(msg, bad) == msg,
                          "byte %zu = %d: %s", i, pass ? 0 : 255, msg);
            }
            dsc_field_destroy(f);
        }
    }
    cr_assert_gt(refused, header / 2, "%zu refused, %zu read", refused, read);
    free(path);
    free(bad);
}

/* A netCDF-4 (HDF5) file with bytes overwritten at spread-out places. */
Test(ingest, corrupt_netcdf4_bytes)
{
    char *path = tmp_file("nc4.nc"), *bad = tmp_file("nc4_bad.nc");
    synth_t s = synth_default();
    s.cmode = NC_CLOBBER | NC_NETCDF4;
    /* HDF5 recycles freed blocks through its own free lists, so blocks first allocated
     * while writing end up in the objects a failed open loses: paused here too. */
    FOREIGN_LEAKS_BEGIN();
    write_synth(path, &s);
    FOREIGN_LEAKS_END();
    long size = file_size(path);
    FILE *fp = fopen(path, "rb");
    unsigned char *buf = malloc((size_t)size);
    cr_assert_eq(fread(buf, 1, (size_t)size, fp), (size_t)size);
    fclose(fp);
    for (long at = 0; at < size; at += 97) {
        unsigned char saved[16];
        long len = size - at < 16 ? size - at : 16;
        memcpy(saved, buf + at, (size_t)len);
        memset(buf + at, 0xA5, (size_t)len);
        fp = fopen(bad, "wb");
        cr_assert_eq(fwrite(buf, 1, (size_t)size, fp), (size_t)size);
        fclose(fp);
        memcpy(buf + at, saved, (size_t)len);
        dsc_field_t *f = NULL;
        FOREIGN_LEAKS_BEGIN();
        int rc = dsc_io_read(ctx, bad, "tas", NULL, NULL, &f);
        FOREIGN_LEAKS_END();
        if (rc != DSC_OK)
            assert_message(bad, NULL, NULL);
        dsc_field_destroy(f);
    }
    free(buf);
    free(path);
    free(bad);
}

/* ---- empty series ------------------------------------------------------------------------- */

/* Two sites, (time, site), with names; site `empty` holds only the fill value. */
static void write_sites(const char *path, size_t nt, size_t empty)
{
    int ncid, td, sd, nd, tv, lav, lov, nv, var;
    NC(nc_create(path, NC_CLOBBER, &ncid));
    NC(nc_def_dim(ncid, "time", nt, &td));
    NC(nc_def_dim(ncid, "site", 2, &sd));
    NC(nc_def_dim(ncid, "name_len", 16, &nd));
    NC(nc_def_var(ncid, "time", NC_DOUBLE, 1, &td, &tv));
    NC(nc_put_att_text(ncid, tv, "units", 21, "days since 1950-01-01"));
    NC(nc_put_att_text(ncid, tv, "calendar", 8, "standard"));
    NC(nc_def_var(ncid, "lat", NC_DOUBLE, 1, &sd, &lav));
    NC(nc_put_att_text(ncid, lav, "units", 13, "degrees_north"));
    NC(nc_def_var(ncid, "lon", NC_DOUBLE, 1, &sd, &lov));
    NC(nc_put_att_text(ncid, lov, "units", 12, "degrees_east"));
    int ndims[2] = {sd, nd};
    NC(nc_def_var(ncid, "site_name", NC_CHAR, 2, ndims, &nv));
    NC(nc_put_att_text(ncid, nv, "cf_role", 13, "timeseries_id"));
    int vdims[2] = {td, sd};
    NC(nc_def_var(ncid, "tasmax", NC_FLOAT, 2, vdims, &var));
    NC(nc_put_att_text(ncid, var, "units", 1, "K"));
    NC(nc_put_att_text(ncid, var, "coordinates", 7, "lat lon"));
    float fill = 1e20f;
    NC(nc_put_att_float(ncid, var, "_FillValue", NC_FLOAT, 1, &fill));
    NC(nc_enddef(ncid));
    double *t = malloc(nt * sizeof *t);
    float *v = malloc(2 * nt * sizeof *v);
    for (size_t i = 0; i < nt; i++) {
        t[i] = (double)i;
        for (size_t k = 0; k < 2; k++)
            v[i * 2 + k] = k == empty ? fill : 280.0f + (float)(i % 365) / 20.0f;
    }
    const double lat[] = {49.1, 48.8}, lon[] = {-123.1, -78.2};
    char names[2][16] = {"Vancouver", "Amos"};
    NC(nc_put_var_double(ncid, tv, t));
    NC(nc_put_var_double(ncid, lav, lat));
    NC(nc_put_var_double(ncid, lov, lon));
    NC(nc_put_var_text(ncid, nv, &names[0][0]));
    NC(nc_put_var_float(ncid, var, v));
    NC(nc_close(ncid));
    free(t);
    free(v);
}

Test(ingest, city_with_every_value_missing)
{
    char *path = tmp_file("sites.nc");
    write_sites(path, 100, 0);
    dsc_region_t van = {.kind = DSC_REGION_POINT, .lat = 49.1, .lon = -123.1,
                        .location = "Vancouver"};
    dsc_field_t *f = NULL;
    /* The reader reads it (an empty station is data), the check refuses it. */
    cr_assert_eq(dsc_io_read(ctx, path, "tasmax", &van, NULL, &f), DSC_OK);
    cr_assert_eq(dsc_io_check_not_empty(ctx, f), DSC_ERR_RANGE);
    assert_message(path, "tasmax: every value at site 'Vancouver' is missing", "100 steps");
    dsc_field_destroy(f);
    /* The other site is fine; the whole file names the empty one. */
    dsc_region_t amos = {.kind = DSC_REGION_POINT, .location = "Amos", .lat = NAN,
                         .lon = NAN};
    cr_assert_eq(dsc_io_read(ctx, path, "tasmax", &amos, NULL, &f), DSC_OK);
    cr_assert_eq(dsc_io_check_not_empty(ctx, f), DSC_OK);
    dsc_field_destroy(f);
    cr_assert_eq(dsc_io_read(ctx, path, "tasmax", NULL, NULL, &f), DSC_OK);
    cr_assert_eq(dsc_io_check_not_empty(ctx, f), DSC_ERR_RANGE);
    assert_message(path, "'Vancouver'", NULL);
    /* Without names the position is given. */
    free(f->grid.names[0]);
    free(f->grid.names[1]);
    free(f->grid.names);
    f->grid.names = NULL;
    cr_assert_eq(dsc_io_check_not_empty(ctx, f), DSC_ERR_RANGE);
    assert_message(path, "every value at lat 49.1, lon -123.1 is missing", NULL);
    dsc_field_destroy(f);
    free(path);
}

Test(ingest, grid_cells_missing)
{
    char *path = tmp_file("ocean.nc");
    synth_t s = synth_default();
    s.fill_cell = 4; /* one cell is ocean: normal data */
    write_synth(path, &s);
    dsc_field_t *f = NULL;
    cr_assert_eq(dsc_io_read(ctx, path, "tas", NULL, NULL, &f), DSC_OK);
    cr_assert(isnan(f->values[4]) && isnan(f->values[4 * 6 + 4]));
    cr_assert_eq(dsc_io_check_not_empty(ctx, f), DSC_OK);
    dsc_field_destroy(f);
    s.all_fill = 1;
    write_synth(path, &s);
    cr_assert_eq(dsc_io_read(ctx, path, "tas", NULL, NULL, &f), DSC_OK);
    cr_assert_eq(dsc_io_check_not_empty(ctx, f), DSC_ERR_RANGE);
    assert_message(path, "tas: every value of the 2 x 3 cells read is missing", "5 steps");
    dsc_field_destroy(f);
    cr_assert_eq(dsc_io_check_not_empty(ctx, NULL), DSC_ERR_USAGE);
    free(path);
}

/* ---- regions off the data ------------------------------------------------------------------ */

Test(ingest, region_outside_the_data)
{
    char *grid = tmp_file("grid.nc"), *sites = tmp_file("sites2.nc");
    synth_t s = synth_default(); /* lat 10, 20; lon 100, 110, 120 */
    write_synth(grid, &s);
    dsc_region_t box = {.kind = DSC_REGION_BOX, .lat_min = 40, .lat_max = 50,
                        .lon_min = 100, .lon_max = 120};
    read_refused(grid, "tas", &box, NULL, DSC_ERR_RANGE, "box lat 40..50, lon 100..120 holds "
                 "no cell of the grid", "(lat 10..20, lon 100..120)");
    dsc_region_t west = {.kind = DSC_REGION_BOX, .lat_min = 0, .lat_max = 30,
                         .lon_min = -10, .lon_max = 10};
    read_refused(grid, "tas", &west, NULL, DSC_ERR_RANGE, "holds no cell", NULL);
    /* A point a cell and a half beyond the last latitude is outside; half a cell is not. */
    dsc_region_t pt = {.kind = DSC_REGION_POINT, .lat = 35, .lon = 110};
    read_refused(grid, "tas", &pt, NULL, DSC_ERR_RANGE, "point lat 35, lon 110 lies outside "
                 "the grid", NULL);
    pt.lat = 24.9;
    dsc_field_t *f = NULL;
    cr_assert_eq(dsc_io_read(ctx, grid, "tas", &pt, NULL, &f), DSC_OK, "%s",
                 dsc_ctx_message(ctx));
    dsc_field_destroy(f);

    write_sites(sites, 10, 9);
    dsc_region_t none = {.kind = DSC_REGION_BOX, .lat_min = 0, .lat_max = 10,
                         .lon_min = 0, .lon_max = 10};
    read_refused(sites, "tasmax", &none, NULL, DSC_ERR_RANGE, "no site in box", NULL);
    dsc_region_t name = {.kind = DSC_REGION_POINT, .location = "Beijing", .lat = NAN,
                         .lon = NAN};
    read_refused(sites, "tasmax", &name, NULL, DSC_ERR_RANGE, "no site named 'Beijing'", NULL);
    free(grid);
    free(sites);
}

/* ---- the program on a small pipeline --------------------------------------------------------- */

/* Runs the Vancouver pipeline of dir with obs = obs/<obs> and gcm = <gcm>; returns the exit
 * status and stderr. An output of an earlier run is planted first and must survive. */
static int run_pipeline(const char *dir, const char *gcm, const char *obs, char *err,
                        size_t size)
{
    char cmd[8192], path[4096], root[4096];
    cr_assert_not_null(realpath(test_data_root(), root));
    snprintf(cmd, sizeof cmd, "mkdir -p %s/pipelines %s/regions %s/data/gcm %s/out/series && "
             "cp regions/vancouver.ini %s/regions/ && ln -sf %s/gcm/CanESM2_1950-2100.nc "
             "%s/gcm/BNU-ESM_tasmax_day_tiny_gcm.nc %s/data/gcm/ && "
             "echo yesterday > %s/out/series/vancouver_tasmax.csv",
             dir, dir, dir, dir, dir, root, root, dir, dir);
    cr_assert_eq(test_system(cmd), 0, "%s", cmd);
    snprintf(path, sizeof path, "%s/pipelines/small.ini", dir);
    FILE *fp = fopen(path, "w");
    cr_assert_not_null(fp);
    fprintf(fp, "[pipeline]\nname = small\nregions = vancouver\n[vancouver]\nmodels = CanESM2\n"
            "gcm = gcm/%s\nobs = obs/%s\ntrain = 1961-1990\nvalid = 1991-2000\n"
            "[ann]\nepochs = 2\nensemble = 1\n", gcm, obs);
    fclose(fp);
    snprintf(path, sizeof path, "%s/stderr.txt", dir);
    snprintf(cmd, sizeof cmd, "%s run %s/pipelines/small.ini --quiet --out %s/out "
             "--data-root %s/data >/dev/null 2>%s", test_bin(), dir, dir, dir, path);
    int rc = test_system(cmd);
    char *e = test_read_file(path);
    snprintf(err, size, "%s", e ? e : "");
    free(e);

    /* Nothing written, nothing left half-written. */
    snprintf(path, sizeof path, "%s/out/series/vancouver_tasmax.csv", dir);
    char *old = test_read_file(path);
    cr_expect_str_eq(old ? old : "", "yesterday\n", "an earlier output was changed");
    free(old);
    snprintf(cmd, sizeof cmd, "find %s/out -name '*.tmp.*' | grep -q .", dir);
    cr_expect_neq(test_system(cmd), 0, "a temporary file was left in %s/out", dir);
    return rc;
}

/* Exactly one line on stderr: the error, with each fragment. */
static void assert_one_error_line(const char *err, const char *frag1, const char *frag2)
{
    const char *nl = strchr(err, '\n');
    cr_assert(nl && nl[1] == '\0', "not one line on stderr:\n%s", err);
    cr_assert(strncmp(err, "downscale: error: ", 18) == 0, "%s", err);
    cr_assert(strstr(err, frag1), "'%s' lacks '%s'", err, frag1);
    cr_assert(!frag2 || strstr(err, frag2), "'%s' lacks '%s'", err, frag2);
}

/* A fresh folder with data/obs/ for the files a case writes; the caller frees it. */
static char *pipeline_dir(void)
{
    const char *tmp = test_tmpdir();
    cr_assert_not_null(tmp);
    char *dir = strdup(tmp), cmd[4096];
    snprintf(cmd, sizeof cmd, "mkdir -p %s/data/obs", dir);
    cr_assert_eq(test_system(cmd), 0);
    return dir;
}

Test(ingest, program_stops_on_an_empty_city, .timeout = 300)
{
    char err[8192], path[4096];
    char *dir = pipeline_dir();
    snprintf(path, sizeof path, "%s/data/obs/empty_city.nc", dir);
    write_sites(path, 365 * 60, 0);
    int rc = run_pipeline(dir, "CanESM2_1950-2100.nc", "empty_city.nc", err, sizeof err);
    cr_assert_eq(rc, 2, "exit %d: %s", rc, err);
    assert_one_error_line(err, "empty_city.nc", "tasmax");
    free(dir);
}

Test(ingest, program_stops_on_a_backwards_time_axis, .timeout = 300)
{
    char err[8192], path[4096];
    char *dir = pipeline_dir();
    snprintf(path, sizeof path, "%s/data/obs/backwards.nc", dir);
    synth_t s = synth_default();
    const double back[] = {0, 1, 2, 4, 3};
    s.time = back;
    s.var = "tasmax";
    write_synth(path, &s);
    int rc = run_pipeline(dir, "CanESM2_1950-2100.nc", "backwards.nc", err, sizeof err);
    cr_assert_eq(rc, 2, "exit %d: %s", rc, err);
    assert_one_error_line(err, "backwards.nc", "not strictly increasing");
    free(dir);
}

Test(ingest, program_stops_on_a_region_off_the_grid, .timeout = 300)
{
    char err[8192], path[4096];
    char *dir = pipeline_dir();
    snprintf(path, sizeof path, "%s/data/obs/obs.nc", dir);
    write_sites(path, 365 * 60, 1);
    int rc = run_pipeline(dir, "BNU-ESM_tasmax_day_tiny_gcm.nc", "obs.nc", err, sizeof err);
    cr_assert_eq(rc, 2, "exit %d: %s", rc, err);
    assert_one_error_line(err, "BNU-ESM_tasmax_day_tiny_gcm.nc", "outside the grid");
    free(dir);
}

Test(ingest, program_stops_on_a_truncated_file, .timeout = 300)
{
    char err[8192], path[4096], cmd[8192];
    char *dir = pipeline_dir();
    snprintf(path, sizeof path, "%s/data/obs/cut.nc", dir);
    write_sites(path, 365 * 60, 1);
    snprintf(cmd, sizeof cmd, "truncate -s %ld '%s'", file_size(path) - 100, path);
    cr_assert_eq(test_system(cmd), 0);
    int rc = run_pipeline(dir, "CanESM2_1950-2100.nc", "cut.nc", err, sizeof err);
    cr_assert_eq(rc, 2, "exit %d: %s", rc, err);
    assert_one_error_line(err, "cut.nc", "truncated");
    free(dir);
}
