/* geotiff.c - a map as a single-band Float32 GeoTIFF in EPSG:4326, north-up.
 *
 * Our grids store latitude ascending (row 0 = southernmost), while a GeoTIFF with a plain
 * north-up geotransform starts at the northern edge, so rows are written in reverse. The
 * geotransform is derived from cell centres, which requires regular spacing.
 */
#include "dsc/io.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

/* GDAL's public C headers declare enumerators beyond the range of int (the 2.5-D geometry
 * types), which -Wpedantic reports in every file that includes them; the warning is about
 * GDAL, not us, so it is silenced for these headers only. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#include <cpl_error.h>
#include <gdal.h>
#include <ogr_srs_api.h>
#pragma GCC diagnostic pop

/* GDALAllRegister() guards its driver table with its own mutex, so calling it from several
 * threads is safe; pthread_once only spares the repeated work. */
static pthread_once_t drivers_once = PTHREAD_ONCE_INIT;

static void register_drivers(void)
{
    GDALAllRegister();
}

/* Step from a to b along an axis; on a longitude axis a drop means the axis crossed the
 * antimeridian, so a full turn is added back. */
static double axis_diff(double a, double b, int is_lon)
{
    double d = b - a;
    return is_lon && d < 0.0 ? d + 360.0 : d;
}

/* Mean step of a coordinate axis, or 0 when the axis is shorter than 2, not increasing, or
 * irregular beyond 1e-6 of the step. */
static double regular_step(const double *x, size_t n, int is_lon)
{
    if (n < 2)
        return 0.0;
    double span = 0.0;
    for (size_t i = 1; i < n; i++)
        span += axis_diff(x[i - 1], x[i], is_lon);
    double step = span / (double)(n - 1);
    if (!(step > 0.0))
        return 0.0;
    for (size_t i = 1; i < n; i++)
        if (!(fabs(axis_diff(x[i - 1], x[i], is_lon) - step) <= 1e-6 * step))
            return 0.0;
    return step;
}

/* Values in north-up row order as float, NaN where missing or beyond the float range. */
static float *north_up(dsc_ctx_t *ctx, const double *values, size_t nlat, size_t nlon,
                       const char *path)
{
    float *buf = dsc_malloc(ctx, nlat * nlon * sizeof *buf, path);
    if (!buf)
        return NULL;
    for (size_t r = 0; r < nlat; r++) {
        const double *row = values + (nlat - 1 - r) * nlon;
        for (size_t c = 0; c < nlon; c++)
            buf[r * nlon + c] = isfinite(row[c]) && fabs(row[c]) <= FLT_MAX ? (float)row[c] : NAN;
    }
    return buf;
}

static int gdal_fail(dsc_ctx_t *ctx, int code, const char *path, const char *what)
{
    const char *msg = CPLGetLastErrorMsg();
    return dsc_error(ctx, code, "%s: %s: %s", path, what,
                     msg && *msg ? msg : "GDAL gave no reason");
}

static int check_geotiff(dsc_ctx_t *ctx, const char *path, const dsc_grid_t *grid,
                         const double *values, double geotransform[6])
{
    if (!path || !*path)
        return dsc_error(ctx, DSC_ERR_USAGE, "(empty path): no output file name given");
    if (!grid || grid->kind != DSC_GRID_RECTILINEAR || !grid->lat || !grid->lon || !values)
        return dsc_error(ctx, DSC_ERR_USAGE, "%s: GeoTIFF needs a rectilinear grid", path);
    if (grid->nlat > INT_MAX || grid->nlon > INT_MAX)
        return dsc_error(ctx, DSC_ERR_USAGE, "%s: %zu x %zu cells are too many for GDAL", path,
                         grid->nlat, grid->nlon);

    double dy = regular_step(grid->lat, grid->nlat, 0);
    double dx = regular_step(grid->lon, grid->nlon, 1);
    if (dy == 0.0 || dx == 0.0)
        return dsc_error(ctx, DSC_ERR_USAGE, "%s: %s is not regular, ascending, 2+ values", path,
                         dy == 0.0 ? "latitude" : "longitude");

    /* The geotransform names the outer corner of the top-left cell: half a cell west of the
     * first centre and half a cell north of the last (northernmost) one. */
    geotransform[0] = grid->lon[0] - 0.5 * dx;
    geotransform[1] = dx;
    geotransform[2] = 0.0;
    geotransform[3] = grid->lat[grid->nlat - 1] + 0.5 * dy;
    geotransform[4] = 0.0;
    geotransform[5] = -dy;
    return DSC_OK;
}

/* The GDAL part proper: creates tmp and fills it. GDAL errors reach the caller's message. */
static int write_tiff(dsc_ctx_t *ctx, const char *path, const char *tmp, int nlat, int nlon,
                      const double geotransform[6], float *buf, const char *description)
{
    int rc = DSC_OK;
    GDALDatasetH ds = NULL;
    OGRSpatialReferenceH srs = NULL;

    GDALDriverH driver = GDALGetDriverByName("GTiff");
    if (!driver) {
        rc = gdal_fail(ctx, DSC_ERR_INTERNAL, path, "GDAL has no GTiff driver");
        goto fail;
    }
    /* PREDICTOR=3 is the floating-point predictor, which makes smooth fields compress well. */
    const char *options[] = {"COMPRESS=DEFLATE", "PREDICTOR=3", NULL};
    ds = GDALCreate(driver, tmp, nlon, nlat, 1, GDT_Float32, (CSLConstList)options);
    if (!ds) {
        rc = gdal_fail(ctx, DSC_ERR_IO, path, "cannot create temporary file");
        goto fail;
    }
    if (GDALSetGeoTransform(ds, (double *)geotransform) != CE_None) {
        rc = gdal_fail(ctx, DSC_ERR_INTERNAL, path, "cannot set the geotransform");
        goto fail;
    }

    /* The built-in WGS84 definition needs no lookup in PROJ's database and still carries
     * the EPSG:4326 authority; GIS axis order keeps longitude first, as the geotransform. */
    srs = OSRNewSpatialReference(NULL);
    if (!srs || OSRSetWellKnownGeogCS(srs, "WGS84") != OGRERR_NONE) {
        rc = gdal_fail(ctx, DSC_ERR_INTERNAL, path, "cannot build the WGS84 reference system");
        goto fail;
    }
    OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    if (GDALSetSpatialRef(ds, srs) != CE_None) {
        rc = gdal_fail(ctx, DSC_ERR_INTERNAL, path, "cannot set the reference system");
        goto fail;
    }

    GDALRasterBandH band = GDALGetRasterBand(ds, 1);
    if (GDALSetRasterNoDataValue(band, NAN) != CE_None) {
        rc = gdal_fail(ctx, DSC_ERR_INTERNAL, path, "cannot set the nodata value");
        goto fail;
    }
    if (description)
        GDALSetDescription(band, description);
    if (GDALRasterIO(band, GF_Write, 0, 0, nlon, nlat, buf, nlon, nlat, GDT_Float32, 0, 0) !=
        CE_None) {
        rc = gdal_fail(ctx, DSC_ERR_IO, path, "cannot write the band");
        goto fail;
    }

    /* GDALClose returns nothing in GDAL 3.6, yet a full disk shows up only when the last
     * blocks are flushed there, so the error state is read after it. */
    CPLErrorReset();
    GDALClose(ds);
    ds = NULL;
    if (CPLGetLastErrorType() >= CE_Failure)
        rc = gdal_fail(ctx, DSC_ERR_IO, path, "cannot finish the file");

fail:
    if (ds)
        GDALClose(ds);
    OSRDestroySpatialReference(srs);
    return rc;
}

int dsc_io_write_geotiff(dsc_ctx_t *ctx, const char *path, const dsc_grid_t *grid,
                         const double *values, const char *description)
{
    double geotransform[6];
    int rc = check_geotiff(ctx, path, grid, values, geotransform);
    if (rc != DSC_OK)
        return rc;

    float *buf = north_up(ctx, values, grid->nlat, grid->nlon, path);
    char *tmp = buf ? dsc_io_temp_name(ctx, path) : NULL;
    if (!tmp) {
        rc = dsc_ctx_status(ctx);
        goto fail;
    }

    pthread_once(&drivers_once, register_drivers);
    /* GDAL would print its errors on stderr, which a library must not; the quiet handler
     * (per thread) keeps them in CPLGetLastErrorMsg() for our message instead. */
    CPLPushErrorHandler(CPLQuietErrorHandler);
    CPLErrorReset();
    rc = write_tiff(ctx, path, tmp, (int)grid->nlat, (int)grid->nlon, geotransform, buf,
                    description);
    CPLPopErrorHandler();
    if (rc == DSC_OK)
        rc = dsc_io_rename(ctx, tmp, path);

fail:
    if (rc != DSC_OK && tmp)
        remove(tmp);
    free(tmp);
    free(buf);
    return rc;
}
