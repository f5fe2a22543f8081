/* fixture_beijing.c - synthetic CCSM4 and GMFD files in the published layouts (tests only).
 *
 * Every cell's series comes from its own random stream, seeded from the cell's index on
 * its grid, the experiment and the source, so values do not depend on which boxes are
 * written or in which order. The large-scale part of the weather is one stream per
 * experiment and source (shared by the 1.0 and 0.25 degree GMFD grids), which makes
 * neighbouring cells move together as real weather does.
 *
 * Values are rounded to 1/8 K (about the 0.1 degC of station records): exact in float,
 * below anything a test checks, and the zero low mantissa bits help zlib. Even so the
 * files keep about 40 % of their raw size: the seasonal cycle and the weather leave some
 * 8 bits of entropy per value, and zlib cannot use the day-to-day correlation.
 */
#include "support/fixture_beijing.h"

#include <errno.h>
#include <math.h>
#include <netcdf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DEFAULT_SEED 20240601UL
#define TWO_PI 6.283185307179586

/* ---- random numbers ------------------------------------------------------------------- */

/* SplitMix64: tiny, fast and good enough for synthetic weather. */
static uint64_t next_u64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static uint64_t mix_seed(uint64_t a, uint64_t b)
{
    uint64_t s = a ^ (b * 0xD1B54A32D192ED03ULL);
    return next_u64(&s);
}

typedef struct {
    uint64_t s;
    int has_spare;
    double spare;
} rng_t;

static double uniform01(rng_t *r)
{
    return ((double)(next_u64(&r->s) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

/* Marsaglia's polar method (no trigonometry), keeping the second value for the next call. */
static double normal(rng_t *r)
{
    if (r->has_spare) {
        r->has_spare = 0;
        return r->spare;
    }
    double u, v, q;
    do {
        u = 2.0 * uniform01(r) - 1.0;
        v = 2.0 * uniform01(r) - 1.0;
        q = u * u + v * v;
    } while (q >= 1.0 || q == 0.0);
    double f = sqrt(-2.0 * log(q) / q);
    r->spare = v * f;
    r->has_spare = 1;
    return u * f;
}

/* ---- the synthetic climate ------------------------------------------------------------ */

#define PHI_MEAN 0.7   /* lag-one autocorrelation of the daily mean anomaly */
#define PHI_DTR 0.5    /* ... and of the diurnal range */
#define SHARED 0.7     /* variance fraction of the anomaly that is large-scale */
#define SD_DTR 1.5     /* K */

/* The seasonal shapes of a day: cos of its phase in the year against mid-January (the
 * coldest day) and against late April (the largest diurnal range). */
typedef struct {
    double winter, spring;
} season_t;

static void season_table(season_t *tab, int ndays)
{
    for (int d = 0; d < ndays; d++) {
        double phase = ((double)d + 0.5) / (double)ndays;
        tab[d].winter = cos(TWO_PI * (phase - 20.0 / 365.0));
        tab[d].spring = cos(TWO_PI * (phase - 110.0 / 365.0));
    }
}

/* Observed daily-mean climatology (K): about Beijing's (-3.5 degC in January, 26.5 in
 * July), cooler and more continental to the north. Linear in lat and lon on any day, so
 * bilinear interpolation between grids reproduces it. */
static double clim_mean(double lat, double lon, season_t s)
{
    double annual = 12.5 - 0.8 * (lat - 40.0) + 0.05 * (lon - 116.0);
    double amp = 15.0 + 0.4 * (lat - 40.0);
    return 273.15 + annual - amp * s.winter;
}

/* Observed mean diurnal range (K), largest in spring. */
static double clim_dtr(double lat, season_t s)
{
    return 10.0 + 1.5 * s.spring - 0.1 * (lat - 40.0);
}

/* Standard deviation of the daily-mean anomaly (K), larger in winter. */
static double anomaly_sd(season_t s)
{
    return 2.5 + 1.0 * s.winter;
}

static double bias_tasmax(double lat, double lon)
{
    return FIXTURE_BIAS_TASMAX + 0.05 * (lat - 40.0) + 0.03 * (lon - 116.0);
}

static double bias_tasmin(double lat, double lon)
{
    return FIXTURE_BIAS_TASMIN - 0.04 * (lon - 116.0);
}

double fixture_beijing_bias(const char *var, double lat, double lon)
{
    if (!strcmp(var, "tasmax"))
        return bias_tasmax(lat, lon);
    if (!strcmp(var, "tasmin"))
        return bias_tasmin(lat, lon);
    return NAN;
}

double fixture_beijing_warming(const char *experiment, int year)
{
    /* Observed and historical: 0.015 K per year from 1970; scenarios continue from 2005. */
    double hist = 0.015 * (year > 2005 ? 35 : year > 1970 ? year - 1970 : 0);
    static const struct {
        const char *name;
        double delta;
    } rcps[] = {{"rcp26", FIXTURE_WARMING_RCP26},
                {"rcp45", FIXTURE_WARMING_RCP45},
                {"rcp60", FIXTURE_WARMING_RCP60},
                {"rcp85", FIXTURE_WARMING_RCP85}};
    if (!strcmp(experiment, "historical") || !strcmp(experiment, "obs"))
        return 0.015 * (year > 1970 ? year - 1970 : 0); /* not capped: obs may pass 2005 */
    for (size_t i = 0; i < sizeof rcps / sizeof rcps[0]; i++)
        if (!strcmp(experiment, rcps[i].name))
            return hist + rcps[i].delta * (year > 2005 ? year - 2005 : 0) / 95.0;
    return NAN;
}

double fixture_beijing_mean_warming(const char *experiment, int y0, int y1)
{
    double s = 0;
    for (int y = y0; y <= y1; y++)
        s += fixture_beijing_warming(experiment, y);
    return s / (double)(y1 - y0 + 1);
}

/* ---- grids, boxes and files ----------------------------------------------------------- */

typedef struct {
    const char *tag;        /* "ccsm4", "1p0", "0p25" */
    size_t nlat, nlon;
    double lat0, dlat, lon0, dlon;
    size_t chunk_lat, chunk_lon;
    size_t margin;          /* cells added around each box */
    uint64_t source;        /* part of every cell seed */
} grid_def_t;

static double grid_lat(const grid_def_t *g, size_t j)
{
    double lat = g->lat0 + g->dlat * (double)j;
    return lat > 90.0 ? 90.0 : lat; /* CCSM4's last row is the pole, not a rounding past it */
}

static double grid_lon(const grid_def_t *g, size_t i)
{
    return g->lon0 + g->dlon * (double)i;
}

/* Index ranges (inclusive) of the cells of a box plus the grid's margin. */
typedef struct {
    size_t j0, j1, i0, i1;
} rect_t;

static rect_t box_rect(const grid_def_t *g, const fixture_box_t *b)
{
    double lon_min = fmod(b->lon_min + 360.0, 360.0), lon_max = fmod(b->lon_max + 360.0, 360.0);
    rect_t r = {g->nlat, 0, g->nlon, 0};
    for (size_t j = 0; j < g->nlat; j++) {
        double lat = grid_lat(g, j);
        if (lat >= b->lat_min && lat <= b->lat_max) {
            r.j0 = j < r.j0 ? j : r.j0;
            r.j1 = j;
        }
    }
    for (size_t i = 0; i < g->nlon; i++) {
        double lon = grid_lon(g, i);
        if (lon >= lon_min && lon <= lon_max) {
            r.i0 = i < r.i0 ? i : r.i0;
            r.i1 = i;
        }
    }
    r.j0 = r.j0 > g->margin ? r.j0 - g->margin : 0;
    r.i0 = r.i0 > g->margin ? r.i0 - g->margin : 0;
    r.j1 = r.j1 + g->margin < g->nlat ? r.j1 + g->margin : g->nlat - 1;
    r.i1 = r.i1 + g->margin < g->nlon ? r.i1 + g->margin : g->nlon - 1;
    return r;
}

/* The generator state of one cell. */
typedef struct {
    rng_t rng;
    double local, dtr; /* AR(1) states, unit variance */
} cell_t;

/* What one series of files is: a source on a grid, one experiment. */
typedef struct {
    const grid_def_t *grid;
    const char *experiment; /* "historical", "rcp45", ... or "obs" */
    int model;              /* 1: bias, variance and the model's weather */
    int noleap;
    int y0, y1;             /* all years of the experiment */
    double *shared;         /* large-scale anomaly per day of y0..y1 */
    size_t nshared;
} product_t;

static uint64_t experiment_id(const char *experiment)
{
    uint64_t h = 1469598103934665603ULL;
    for (const char *c = experiment; *c; c++)
        h = (h ^ (unsigned char)*c) * 1099511628211ULL;
    return h;
}

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_year(const product_t *p, int y)
{
    return p->noleap ? 365 : 365 + is_leap(y);
}

static void cell_init(cell_t *c, uint64_t seed, const product_t *p, size_t j, size_t i)
{
    uint64_t s = mix_seed(seed, p->grid->source);
    s = mix_seed(s, experiment_id(p->experiment));
    s = mix_seed(s, (uint64_t)j * 100003ULL + i);
    c->rng = (rng_t){s, 0, 0};
    c->local = normal(&c->rng);
    c->dtr = normal(&c->rng);
}

static int make_shared(product_t *p, uint64_t seed)
{
    size_t n = 0;
    for (int y = p->y0; y <= p->y1; y++)
        n += (size_t)days_in_year(p, y);
    p->shared = malloc(n * sizeof *p->shared);
    if (!p->shared)
        return -1;
    p->nshared = n;
    /* GMFD grids share one large-scale stream: the same observed weather at any
     * resolution. */
    rng_t r = {mix_seed(mix_seed(seed, p->model ? 7 : 11), experiment_id(p->experiment)), 0,
               0};
    double x = normal(&r);
    for (size_t t = 0; t < n; t++) {
        p->shared[t] = x;
        x = PHI_MEAN * x + sqrt(1 - PHI_MEAN * PHI_MEAN) * normal(&r);
    }
    return 0;
}

/* Quantisation step of the written values (K): a power of two, so exact in float. */
#define STEP (1.0 / 8.0)

/* One day of one cell: both variables (K), then the cell's weather moves on a day. The
 * diurnal range is kept above 1 K, so Tmin < Tmax always. */
static void cell_day(const product_t *p, cell_t *c, double lat, double lon, season_t ss,
                     double shared, double warm, float *tmax, float *tmin)
{
    double bx = p->model ? bias_tasmax(lat, lon) : 0, bn = p->model ? bias_tasmin(lat, lon) : 0;
    double ratio = p->model ? FIXTURE_MODEL_SD_RATIO : 1.0;
    double a = sqrt(SHARED) * shared + sqrt(1 - SHARED) * c->local;
    double mean = clim_mean(lat, lon, ss) + 0.5 * (bx + bn) + ratio * anomaly_sd(ss) * a + warm;
    double dtr = clim_dtr(lat, ss) + bx - bn + SD_DTR * c->dtr;
    if (dtr < 1.0)
        dtr = 1.0;
    *tmax = (float)(nearbyint((mean + 0.5 * dtr) / STEP) * STEP);
    *tmin = (float)(nearbyint((mean - 0.5 * dtr) / STEP) * STEP);
    c->local = PHI_MEAN * c->local + sqrt(1 - PHI_MEAN * PHI_MEAN) * normal(&c->rng);
    c->dtr = PHI_DTR * c->dtr + sqrt(1 - PHI_DTR * PHI_DTR) * normal(&c->rng);
}

/* Fills nt days from 1 January of year (day t0 of the product's shared series) for the
 * cells of rect, both variables, time-major (nt x ny x nx). */
static void generate(const product_t *p, cell_t *cells, rect_t r, size_t t0, int year,
                     size_t nt, float *tmax, float *tmin)
{
    size_t ny = r.j1 - r.j0 + 1, nx = r.i1 - r.i0 + 1;
    season_t tab[2][366];
    season_table(tab[0], 365);
    season_table(tab[1], 366);
    for (size_t j = 0; j < ny; j++) {
        double lat = grid_lat(p->grid, r.j0 + j);
        for (size_t i = 0; i < nx; i++) {
            double lon = grid_lon(p->grid, r.i0 + i);
            int y = year, doy = 0, ndays = days_in_year(p, y);
            double warm = fixture_beijing_warming(p->experiment, y);
            for (size_t t = 0; t < nt; t++, doy++) {
                if (doy == ndays) {
                    doy = 0;
                    ndays = days_in_year(p, ++y);
                    warm = fixture_beijing_warming(p->experiment, y);
                }
                size_t k = t * ny * nx + j * nx + i;
                cell_day(p, &cells[j * nx + i], lat, lon, tab[ndays == 366][doy],
                         p->shared[t0 + t], warm, &tmax[k], &tmin[k]);
            }
        }
    }
}

/* ---- NetCDF writing -------------------------------------------------------------------- */

#define CHECK(call)                                                                        \
    do {                                                                                   \
        int st_ = (call);                                                                  \
        if (st_ != NC_NOERR) {                                                             \
            fprintf(stderr, "fixture: %s: %s (%s)\n", path, nc_strerror(st_), #call);       \
            goto fail;                                                                     \
        }                                                                                  \
    } while (0)

static int put_text(int ncid, int varid, const char *name, const char *value)
{
    return nc_put_att_text(ncid, varid, name, strlen(value), value);
}

/* One output file of one variable; the caller writes the data and closes it. */
typedef struct {
    int ncid, varid;
} ncfile_t;

static const char *const CCSM4_LONG[2] = {"Daily Maximum Near-Surface Air Temperature",
                                         "Daily Minimum Near-Surface Air Temperature"};

static int ccsm4_globals(int ncid, const char *experiment)
{
    char title[128];
    int hist = !strcmp(experiment, "historical");
    snprintf(title, sizeof title, "CCSM4 model output prepared for CMIP5 %s", experiment);
    int rc = put_text(ncid, NC_GLOBAL, "institution",
                      "NCAR (National Center for Atmospheric Research) Boulder, CO, USA");
    rc |= put_text(ncid, NC_GLOBAL, "institute_id", "NCAR");
    rc |= put_text(ncid, NC_GLOBAL, "experiment_id", experiment);
    rc |= put_text(ncid, NC_GLOBAL, "source", "CCSM4");
    rc |= put_text(ncid, NC_GLOBAL, "model_id", "CCSM4");
    rc |= put_text(ncid, NC_GLOBAL, "parent_experiment_id", hist ? "piControl" : "historical");
    rc |= put_text(ncid, NC_GLOBAL, "parent_experiment_rip", "r1i1p1");
    int one = 1;
    rc |= nc_put_att_int(ncid, NC_GLOBAL, "realization", NC_INT, 1, &one);
    rc |= nc_put_att_int(ncid, NC_GLOBAL, "initialization_method", NC_INT, 1, &one);
    rc |= nc_put_att_int(ncid, NC_GLOBAL, "physics_version", NC_INT, 1, &one);
    rc |= put_text(ncid, NC_GLOBAL, "product", "output");
    rc |= put_text(ncid, NC_GLOBAL, "experiment", experiment);
    rc |= put_text(ncid, NC_GLOBAL, "frequency", "day");
    rc |= put_text(ncid, NC_GLOBAL, "Conventions", "CF-1.4");
    rc |= put_text(ncid, NC_GLOBAL, "project_id", "CMIP5");
    rc |= put_text(ncid, NC_GLOBAL, "table_id", "Table day");
    rc |= put_text(ncid, NC_GLOBAL, "modeling_realm", "atmos");
    rc |= put_text(ncid, NC_GLOBAL, "resolution", "f09_g16 (0.9x1.25_gx1v6)");
    rc |= put_text(ncid, NC_GLOBAL, "title", title);
    rc |= put_text(ncid, NC_GLOBAL, "comment", FIXTURE_COMMENT);
    return rc;
}

static int def_axis(int ncid, const char *name, int dim, int bnds_dim, const char *units,
                    const char *axis, const char *long_name, int with_bounds)
{
    int varid, bid, dims[2] = {dim, bnds_dim};
    char bname[32];
    int rc = nc_def_var(ncid, name, NC_DOUBLE, 1, &dim, &varid);
    if (rc)
        return rc;
    rc |= put_text(ncid, varid, "units", units);
    rc |= put_text(ncid, varid, "axis", axis);
    rc |= put_text(ncid, varid, "long_name", long_name);
    rc |= put_text(ncid, varid, "standard_name", long_name);
    if (with_bounds) {
        snprintf(bname, sizeof bname, "%s_bnds", name);
        rc |= put_text(ncid, varid, "bounds", bname);
        rc |= nc_def_var(ncid, bname, NC_DOUBLE, 2, dims, &bid);
    }
    return rc;
}

/* Writes lat, lon (and their bounds when the file has them) of the whole grid. */
static int put_grid(int ncid, const grid_def_t *g, int with_bounds)
{
    double *v = malloc(2 * (g->nlat > g->nlon ? g->nlat : g->nlon) * sizeof *v);
    int rc = v ? NC_NOERR : NC_ENOMEM, id;
    for (size_t j = 0; j < g->nlat && !rc; j++) {
        double lat = grid_lat(g, j);
        v[j] = lat;
    }
    if (!rc && !(rc = nc_inq_varid(ncid, "lat", &id)))
        rc = nc_put_var_double(ncid, id, v);
    if (!rc && with_bounds) {
        for (size_t j = 0; j < g->nlat; j++) {
            double lo = j ? 0.5 * (grid_lat(g, j - 1) + grid_lat(g, j)) : -90.0;
            double hi = j + 1 < g->nlat ? 0.5 * (grid_lat(g, j) + grid_lat(g, j + 1)) : 90.0;
            v[2 * j] = lo;
            v[2 * j + 1] = hi;
        }
        if (!(rc = nc_inq_varid(ncid, "lat_bnds", &id)))
            rc = nc_put_var_double(ncid, id, v);
    }
    for (size_t i = 0; i < g->nlon && !rc; i++)
        v[i] = grid_lon(g, i);
    if (!rc && !(rc = nc_inq_varid(ncid, "lon", &id)))
        rc = nc_put_var_double(ncid, id, v);
    if (!rc && with_bounds) {
        for (size_t i = 0; i < g->nlon; i++) {
            v[2 * i] = grid_lon(g, i) - 0.5 * g->dlon;
            v[2 * i + 1] = grid_lon(g, i) + 0.5 * g->dlon;
        }
        if (!(rc = nc_inq_varid(ncid, "lon_bnds", &id)))
            rc = nc_put_var_double(ncid, id, v);
    }
    free(v);
    return rc;
}

/* Creates a CCSM4 file for years y0..y1 of p and writes everything but the data. */
static int ccsm4_create(const char *path, const product_t *p, int var, int y0, int y1,
                        ncfile_t *f)
{
    static const char *const names[2] = {"tasmax", "tasmin"};
    const grid_def_t *g = p->grid;
    int ncid = -1, dt, dlat, dlon, db, vid, hid;
    size_t nt = (size_t)(y1 - y0 + 1) * 365;
    double *tv = NULL, *tb = NULL;
    CHECK(nc_create(path, NC_CLOBBER | NC_NETCDF4 | NC_CLASSIC_MODEL, &ncid));
    CHECK(nc_def_dim(ncid, "time", NC_UNLIMITED, &dt));
    CHECK(nc_def_dim(ncid, "lat", g->nlat, &dlat));
    CHECK(nc_def_dim(ncid, "lon", g->nlon, &dlon));
    CHECK(nc_def_dim(ncid, "bnds", 2, &db));
    CHECK(def_axis(ncid, "time", dt, db, "days since 1850-01-01 00:00:00", "T", "time", 1));
    CHECK(nc_inq_varid(ncid, "time", &vid));
    CHECK(put_text(ncid, vid, "calendar", "noleap"));
    CHECK(def_axis(ncid, "lat", dlat, db, "degrees_north", "Y", "latitude", 1));
    CHECK(def_axis(ncid, "lon", dlon, db, "degrees_east", "X", "longitude", 1));
    CHECK(nc_def_var(ncid, "height", NC_DOUBLE, 0, NULL, &hid));
    CHECK(put_text(ncid, hid, "units", "m"));
    CHECK(put_text(ncid, hid, "axis", "Z"));
    CHECK(put_text(ncid, hid, "positive", "up"));
    CHECK(put_text(ncid, hid, "standard_name", "height"));

    int dims[3] = {dt, dlat, dlon};
    size_t chunks[3] = {5 * 365, g->chunk_lat, g->chunk_lon};
    float fill = 1e20f;
    CHECK(nc_def_var(ncid, names[var], NC_FLOAT, 3, dims, &f->varid));
    CHECK(nc_def_var_chunking(ncid, f->varid, NC_CHUNKED, chunks));
    CHECK(nc_def_var_deflate(ncid, f->varid, 1, 1, 1));
    CHECK(nc_def_var_fill(ncid, f->varid, 0, &fill));
    CHECK(nc_put_att_float(ncid, f->varid, "missing_value", NC_FLOAT, 1, &fill));
    CHECK(put_text(ncid, f->varid, "standard_name", "air_temperature"));
    CHECK(put_text(ncid, f->varid, "long_name", CCSM4_LONG[var]));
    CHECK(put_text(ncid, f->varid, "units", "K"));
    CHECK(put_text(ncid, f->varid, "original_name", var ? "TREFHTMN" : "TREFHTMX"));
    CHECK(put_text(ncid, f->varid, "cell_methods",
                   var ? "time: minimum (interval: 30 minutes)"
                       : "time: maximum (interval: 30 minutes)"));
    CHECK(put_text(ncid, f->varid, "cell_measures", "area: areacella"));
    CHECK(put_text(ncid, f->varid, "associated_files",
                   "gridspecFile: gridspec_atmos_fx_CCSM4_historical_r0i0p0.nc"));
    CHECK(put_text(ncid, f->varid, "coordinates", "height"));
    CHECK(ccsm4_globals(ncid, p->experiment));
    CHECK(nc_enddef(ncid));

    double two = 2.0;
    CHECK(nc_put_var_double(ncid, hid, &two));
    CHECK(put_grid(ncid, g, 1));
    tv = malloc(nt * sizeof *tv);
    tb = malloc(2 * nt * sizeof *tb);
    if (!tv || !tb) {
        fprintf(stderr, "fixture: %s: out of memory\n", path);
        goto fail;
    }
    for (size_t t = 0; t < nt; t++) {
        double day = (double)(y0 - 1850) * 365.0 + (double)t;
        tv[t] = day + 0.5; /* CMIP5 daily means are stamped at noon */
        tb[2 * t] = day;
        tb[2 * t + 1] = day + 1.0;
    }
    size_t start[2] = {0, 0}, count[2] = {nt, 2};
    CHECK(nc_put_vara_double(ncid, vid, start, count, tv));
    CHECK(nc_inq_varid(ncid, "time_bnds", &vid));
    CHECK(nc_put_vara_double(ncid, vid, start, count, tb));
    free(tv);
    free(tb);
    f->ncid = ncid;
    return 0;
fail:
    free(tv);
    free(tb);
    if (ncid >= 0)
        nc_close(ncid);
    return -1;
}

/* Days from 1 January of year a to 1 January of year b in the standard calendar. */
static long days_between(int a, int b)
{
    long d = 0;
    for (int y = a; y < b; y++)
        d += 365 + is_leap(y);
    return d;
}

/* Creates a GMFD yearly file and writes everything but the data. */
static int gmfd_create(const char *path, const product_t *p, int var, int year, ncfile_t *f)
{
    static const char *const names[2] = {"tmax", "tmin"};
    static const char *const long_names[2] = {"daily maximum 2m air temperature",
                                              "daily minimum 2m air temperature"};
    const grid_def_t *g = p->grid;
    int ncid = -1, dt, dlat, dlon, vid;
    size_t nt = (size_t)days_in_year(p, year);
    double *tv = NULL;
    CHECK(nc_create(path, NC_CLOBBER | NC_NETCDF4 | NC_CLASSIC_MODEL, &ncid));
    CHECK(nc_def_dim(ncid, "time", nt, &dt));
    CHECK(nc_def_dim(ncid, "lat", g->nlat, &dlat));
    CHECK(nc_def_dim(ncid, "lon", g->nlon, &dlon));
    CHECK(def_axis(ncid, "time", dt, -1, "days since 1948-01-01 00:00:00", "T", "time", 0));
    CHECK(nc_inq_varid(ncid, "time", &vid));
    CHECK(put_text(ncid, vid, "calendar", "standard"));
    CHECK(def_axis(ncid, "lat", dlat, -1, "degrees_north", "Y", "latitude", 0));
    CHECK(def_axis(ncid, "lon", dlon, -1, "degrees_east", "X", "longitude", 0));

    int dims[3] = {dt, dlat, dlon};
    size_t chunks[3] = {nt, g->chunk_lat, g->chunk_lon};
    float fill = -9.99e8f;
    CHECK(nc_def_var(ncid, names[var], NC_FLOAT, 3, dims, &f->varid));
    CHECK(nc_def_var_chunking(ncid, f->varid, NC_CHUNKED, chunks));
    CHECK(nc_def_var_deflate(ncid, f->varid, 1, 1, 1));
    CHECK(nc_def_var_fill(ncid, f->varid, 0, &fill));
    CHECK(nc_put_att_float(ncid, f->varid, "missing_value", NC_FLOAT, 1, &fill));
    CHECK(put_text(ncid, f->varid, "standard_name", "air_temperature"));
    CHECK(put_text(ncid, f->varid, "long_name", long_names[var]));
    CHECK(put_text(ncid, f->varid, "units", "K"));
    CHECK(put_text(ncid, NC_GLOBAL, "title",
                   "Global Meteorological Forcing Dataset for land surface modeling"));
    CHECK(put_text(ncid, NC_GLOBAL, "institution",
                   "Terrestrial Hydrology Research Group, Princeton University"));
    CHECK(put_text(ncid, NC_GLOBAL, "source", "GMFD v3 (Sheffield et al. 2006)"));
    CHECK(put_text(ncid, NC_GLOBAL, "frequency", "day"));
    CHECK(put_text(ncid, NC_GLOBAL, "resolution", !strcmp(g->tag, "1p0") ? "1.0 degree"
                                                                           : "0.25 degree"));
    CHECK(put_text(ncid, NC_GLOBAL, "Conventions", "CF-1.6"));
    CHECK(put_text(ncid, NC_GLOBAL, "comment", FIXTURE_COMMENT));
    CHECK(nc_enddef(ncid));

    CHECK(put_grid(ncid, g, 0));
    tv = malloc(nt * sizeof *tv);
    if (!tv) {
        fprintf(stderr, "fixture: %s: out of memory\n", path);
        goto fail;
    }
    long first = days_between(1948, year);
    for (size_t t = 0; t < nt; t++)
        tv[t] = (double)first + (double)t;
    CHECK(nc_put_var_double(ncid, vid, tv));
    free(tv);
    f->ncid = ncid;
    return 0;
fail:
    free(tv);
    if (ncid >= 0)
        nc_close(ncid);
    return -1;
}

/* ---- products ------------------------------------------------------------------------- */

typedef struct {
    int y0, y1;
} span_t;

/* Writes the files of one product: spans are the files' years in order. */
static int write_product(const char *dir, product_t *p, const span_t *spans, size_t nspans,
                         const fixture_box_t *boxes, size_t nboxes, uint64_t seed)
{
    static const char *const ccsm4_names[2] = {"tasmax", "tasmin"};
    static const char *const gmfd_names[2] = {"tmax", "tmin"};
    cell_t *cells[16] = {0};
    rect_t rects[16];
    float *buf[2] = {0};
    ncfile_t files[2] = {{-1, -1}, {-1, -1}};
    char path[4096];
    int rc = -1;
    snprintf(path, sizeof path, "%s", dir);
    if (nboxes > 16 || make_shared(p, seed)) {
        fprintf(stderr, "fixture: too many boxes or out of memory\n");
        return -1;
    }
    size_t maxcells = 0;
    for (size_t b = 0; b < nboxes; b++) {
        rects[b] = box_rect(p->grid, &boxes[b]);
        if (rects[b].j0 > rects[b].j1 || rects[b].i0 > rects[b].i1) {
            fprintf(stderr, "fixture: box %zu has no cell on the %s grid\n", b, p->grid->tag);
            goto fail;
        }
        size_t n = (rects[b].j1 - rects[b].j0 + 1) * (rects[b].i1 - rects[b].i0 + 1);
        maxcells = n > maxcells ? n : maxcells;
        if (!(cells[b] = malloc(n * sizeof *cells[b])))
            goto fail;
        for (size_t k = 0; k < n; k++) {
            size_t nx = rects[b].i1 - rects[b].i0 + 1;
            cell_init(&cells[b][k], seed, p, rects[b].j0 + k / nx, rects[b].i0 + k % nx);
        }
    }
    size_t maxdays = 0;
    for (size_t s = 0; s < nspans; s++) {
        size_t d = (size_t)(spans[s].y1 - spans[s].y0 + 1) * 366;
        maxdays = d > maxdays ? d : maxdays;
    }
    for (int v = 0; v < 2; v++)
        if (!(buf[v] = malloc(maxdays * maxcells * sizeof *buf[v])))
            goto fail;

    size_t t0 = 0;
    for (size_t s = 0; s < nspans; s++) {
        size_t nt = 0;
        for (int y = spans[s].y0; y <= spans[s].y1; y++)
            nt += (size_t)days_in_year(p, y);
        for (int v = 0; v < 2; v++) {
            if (p->model)
                snprintf(path, sizeof path, "%s/ccsm4/%s_day_CCSM4_%s_r1i1p1_%04d0101-%04d1231.nc",
                         dir, ccsm4_names[v], p->experiment, spans[s].y0, spans[s].y1);
            else
                snprintf(path, sizeof path, "%s/gmfd/%s_%s_daily_%04d-%04d.nc", dir,
                         gmfd_names[v], p->grid->tag, spans[s].y0, spans[s].y1);
            int bad = p->model ? ccsm4_create(path, p, v, spans[s].y0, spans[s].y1, &files[v])
                               : gmfd_create(path, p, v, spans[s].y0, &files[v]);
            if (bad)
                goto fail;
        }
        for (size_t b = 0; b < nboxes; b++) {
            rect_t r = rects[b];
            generate(p, cells[b], r, t0, spans[s].y0, nt, buf[0], buf[1]);
            size_t start[3] = {0, r.j0, r.i0};
            size_t count[3] = {nt, r.j1 - r.j0 + 1, r.i1 - r.i0 + 1};
            for (int v = 0; v < 2; v++)
                CHECK(nc_put_vara_float(files[v].ncid, files[v].varid, start, count, buf[v]));
        }
        for (int v = 0; v < 2; v++) {
            int st = nc_close(files[v].ncid);
            files[v].ncid = -1;
            if (st != NC_NOERR) {
                fprintf(stderr, "fixture: %s: %s\n", path, nc_strerror(st));
                goto fail;
            }
        }
        t0 += nt;
    }
    rc = 0;
fail:
    for (int v = 0; v < 2; v++) {
        if (files[v].ncid >= 0)
            nc_close(files[v].ncid);
        free(buf[v]);
    }
    for (size_t b = 0; b < nboxes && b < 16; b++)
        free(cells[b]);
    free(p->shared);
    p->shared = NULL;
    return rc;
}

/* Small spatial chunks compress best here: a chunk's values then share one climate, so
 * their bytes vary less (2 x 2 cells: 98 MB of CCSM4 files; 16 x 16: 149 MB). */
static const grid_def_t GRID_CCSM4 = {"ccsm4", 192, 288, -90.0, 180.0 / 191.0, 0.0, 1.25,
                                      2,       2,   1,   1};
static const grid_def_t GRID_1P0 = {"1p0", 180, 360, -89.5, 1.0, 0.5, 1.0, 2, 2, 2, 2};
static const grid_def_t GRID_0P25 = {"0p25", 720, 1440, -89.875, 0.25, 0.125, 0.25,
                                     4,      4,   4,    3};

static int make_dirs(const char *dir)
{
    char path[4096];
    const char *subs[] = {"", "/ccsm4", "/gmfd"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s%s", dir, subs[i]);
        if (mkdir(path, 0777) != 0 && errno != EEXIST) {
            fprintf(stderr, "fixture: %s: %s\n", path, strerror(errno));
            return -1;
        }
    }
    return 0;
}

static fixture_opts_t with_defaults(const fixture_opts_t *opts)
{
    static const fixture_box_t default_boxes[] = {{35.0, 45.0, 110.0, 122.0},
                                                  {29.0, 34.0, 118.0, 124.0}};
    fixture_opts_t o = opts ? *opts : (fixture_opts_t){0};
    if (!o.boxes) {
        o.boxes = default_boxes;
        o.nboxes = sizeof default_boxes / sizeof default_boxes[0];
    }
    if (!o.obs_y0) {
        o.obs_y0 = 1950;
        o.obs_y1 = 2005;
    }
    if (!o.seed)
        o.seed = DEFAULT_SEED;
    return o;
}

int fixture_beijing_write_ccsm4(const char *dir, const char *experiment, int y0, int y1,
                                const fixture_opts_t *opts)
{
    fixture_opts_t o = with_defaults(opts);
    if (make_dirs(dir) || y0 > y1 || isnan(fixture_beijing_warming(experiment, y0))) {
        fprintf(stderr, "fixture: cannot write %s %d-%d under %s\n", experiment, y0, y1, dir);
        return -1;
    }
    span_t span = {y0, y1};
    product_t p = {&GRID_CCSM4, experiment, 1, 1, y0, y1, NULL, 0};
    return write_product(dir, &p, &span, 1, o.boxes, o.nboxes, o.seed);
}

int fixture_beijing_write(const char *dir, const fixture_opts_t *opts)
{
    fixture_opts_t o = with_defaults(opts);
    uint64_t seed = o.seed;
    if (make_dirs(dir))
        return -1;

    if (!o.skip_ccsm4) {
        static const struct {
            const char *name;
            span_t spans[3];
            size_t n;
        } runs[] = {{"historical", {{1950, 1969}, {1970, 1989}, {1990, 2005}}, 3},
                    {"rcp26", {{2006, 2055}, {2056, 2100}}, 2},
                    {"rcp45", {{2006, 2040}, {2041, 2070}, {2071, 2100}}, 3},
                    {"rcp60", {{2006, 2055}, {2056, 2100}}, 2},
                    {"rcp85", {{2006, 2040}, {2041, 2070}, {2071, 2100}}, 3}};
        for (size_t r = 0; r < sizeof runs / sizeof runs[0]; r++) {
            product_t p = {&GRID_CCSM4, runs[r].name, 1, 1, runs[r].spans[0].y0,
                           runs[r].spans[runs[r].n - 1].y1, NULL, 0};
            if (write_product(dir, &p, runs[r].spans, runs[r].n, o.boxes, o.nboxes, seed))
                return -1;
        }
    }
    const grid_def_t *obs_grids[2] = {o.skip_1p0 ? NULL : &GRID_1P0,
                                      o.with_0p25 ? &GRID_0P25 : NULL};
    for (size_t g = 0; g < 2; g++) {
        if (!obs_grids[g])
            continue;
        size_t n = (size_t)(o.obs_y1 - o.obs_y0 + 1);
        span_t *spans = malloc(n * sizeof *spans);
        if (!spans)
            return -1;
        for (size_t k = 0; k < n; k++)
            spans[k] = (span_t){o.obs_y0 + (int)k, o.obs_y0 + (int)k};
        product_t p = {obs_grids[g], "obs", 0, 0, o.obs_y0, o.obs_y1, NULL, 0};
        int rc = write_product(dir, &p, spans, n, o.boxes, o.nboxes, seed);
        free(spans);
        if (rc)
            return -1;
    }
    return 0;
}
