/* fixture_beijing.h - a synthetic stand-in for the CCSM4 (CMIP5) and GMFD archives the
 * Beijing pipeline reads, written in the published layouts (tests only).
 *
 * No real CCSM4 or GMFD file is in the shared data, so the tests make their own: NetCDF-4
 * files with the published names, dimensions, attributes, calendars and bounds, one
 * experiment split over several files, but filled with synthetic values (every file says
 * so in its `comment` attribute). Only the chunks around the requested boxes are written;
 * the rest of each global grid is unwritten (fill, no disk space), so a reader that touches
 * it sees missing values.
 *
 * Layout under dir:
 *   ccsm4/{tasmax,tasmin}_day_CCSM4_historical_r1i1p1_19500101-19691231.nc (+ 1970-1989,
 *         1990-2005), ccsm4/..._rcp26_r1i1p1_20060101-20551231.nc (+ 2056-2100),
 *         rcp45 and rcp85 in three files (2006-2040, 2041-2070, 2071-2100), rcp60 in two:
 *         0.9 x 1.25 degree global grid (192 x 288), noleap, days since 1850-01-01 at noon,
 *         K, _FillValue = missing_value = 1e20.
 *   gmfd/{tmax,tmin}_1p0_daily_YYYY-YYYY.nc and (optionally) ..._0p25_daily_...: one file
 *         per year, standard calendar, days since 1948-01-01 at midnight, longitudes
 *         0..360 (cell centres 0.5.. or 0.125..), latitudes -89.5.. or -89.875.., K,
 *         _FillValue = missing_value = -9.99e8.
 * Values are floats rounded to 1/8 K.
 *
 * The values: an observed climate (seasonal cycle depending on latitude, a diurnal range,
 * AR(1) day-to-day weather shared at large scale plus a local part), a historical warming,
 * and a model that is the observed climate plus a bias (FIXTURE_BIAS_*), a larger
 * day-to-day variance (FIXTURE_MODEL_SD_RATIO), its own weather and, after 2005, a
 * warming per RCP (fixture_beijing_warming()). Tmin < Tmax on every day and cell.
 * Deterministic: the same options give the same values, and a cell's values do not depend
 * on which boxes are written.
 */
#ifndef DSC_TEST_FIXTURE_BEIJING_H
#define DSC_TEST_FIXTURE_BEIJING_H

#include <stddef.h>

/* A box whose grid cells get values, degrees north and east (0..360 or -180..180). */
typedef struct {
    double lat_min, lat_max, lon_min, lon_max;
} fixture_box_t;

/* Options; a zero-initialised struct (or NULL) gives the defaults. */
typedef struct {
    const fixture_box_t *boxes; /* NULL: Beijing 35-45N 110-122E and Shanghai 29-34N
                                   118-124E; each is widened by 2 CCSM4 cells, 2 cells of
                                   GMFD 1.0 and 4 cells of GMFD 0.25 */
    size_t nboxes;
    int obs_y0, obs_y1;   /* GMFD years written; 0: 1950-2005 */
    int skip_1p0;         /* 1: no 1.0 degree GMFD files (written by default) */
    int with_0p25;        /* 1: also the 0.25 degree GMFD files (16x the cells of 1.0) */
    int skip_ccsm4;       /* 1: no CCSM4 files */
    unsigned long seed;   /* 0: a fixed default */
} fixture_opts_t;

/* Imposed model biases against the observed climate at 40N 116E (K); they vary by a few
 * tenths of a kelvin across the region: fixture_beijing_bias(). */
#define FIXTURE_BIAS_TASMAX (-2.0)
#define FIXTURE_BIAS_TASMIN (1.5)
/* Model day-to-day variability (sd of the daily mean anomaly) over the observed one. */
#define FIXTURE_MODEL_SD_RATIO 1.2
/* Warming of each RCP in 2100 over 2005 (K), reached linearly. */
#define FIXTURE_WARMING_RCP26 0.5
#define FIXTURE_WARMING_RCP45 1.5
#define FIXTURE_WARMING_RCP60 2.2
#define FIXTURE_WARMING_RCP85 3.5
/* Text of the global `comment` attribute of every file. */
#define FIXTURE_COMMENT "SYNTHETIC test fixture made by downscale's tests; not real model " \
                        "output or observations"

/* The imposed warming (K) of a year in an experiment ("historical", "obs" or an RCP name)
 * relative to the years before 1970: the same for every cell, day and variable. Unknown
 * experiments give NaN. */
double fixture_beijing_warming(const char *experiment, int year);

/* The model's imposed bias (K) of "tasmax" or "tasmin" at a place; NaN for other names. */
double fixture_beijing_bias(const char *var, double lat, double lon);

/* Mean imposed warming over years y0..y1 of an experiment (K). */
double fixture_beijing_mean_warming(const char *experiment, int y0, int y1);

/* Writes the fixture under dir (created if needed, with ccsm4/ and gmfd/). Returns 0, or -1
 * with a message on stderr (this is test support). Takes about 7 s (1.0 degree GMFD) and
 * 120 MB of disk. */
int fixture_beijing_write(const char *dir, const fixture_opts_t *opts);

/* Writes one more pair of CCSM4 files (tasmax and tasmin) of an experiment for years
 * y0..y1, named as published, under dir/ccsm4/: for archives with an overlap or a gap.
 * Only opts->boxes and opts->seed are used (NULL: defaults). Returns 0 or -1. */
int fixture_beijing_write_ccsm4(const char *dir, const char *experiment, int y0, int y1,
                                const fixture_opts_t *opts);

/* Version of the generator's values and layout, for reusing a fixture written earlier. */
#define FIXTURE_BEIJING_VERSION 1

#endif
