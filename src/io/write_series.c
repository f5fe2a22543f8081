/* write_series.c - the daily series of one site, for several scenarios, as a CF NetCDF file.
 *
 * Layout: dimensions scenario, time and nchar; scenario_name(scenario, nchar) is a char array
 * rather than an NC_STRING variable because char arrays are what the classic data model
 * allows, ncdump prints them as plain quoted strings, CDO reads them (it rejects NC_STRING
 * variables), and xarray turns them into a str coordinate on `scenario` when the variables
 * list it in `coordinates` and it carries _Encoding. The site's lat and lon are scalar
 * coordinates, which CF tools attach to every variable that names them.
 */
#include "dsc/io.h"
#include "nc_write.h"

#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The ids of one file being written. */
typedef struct {
    int ncid;         /* -1 when not open */
    int dim_scenario; /* -1 when there are no scenarios */
    int dim_time;
    int dim_nchar;
    int var_scenario;
    int var_time;
    int var_lat;
    int var_lon;
    int *var_ids; /* one per dsc_nc_var_t */
} series_file_t;

static int check_series(dsc_ctx_t *ctx, const char *path, dsc_calendar_t cal,
                        const dsc_date_t *dates, size_t ntime, const char *const *scenarios,
                        size_t nscenario, const dsc_nc_var_t *vars, size_t nvars)
{
    if (!path || !*path)
        return dsc_error(ctx, DSC_ERR_USAGE, "(empty path): no output file name given");
    if (ntime == 0 || !dates)
        return dsc_error(ctx, DSC_ERR_USAGE, "%s: a series file needs at least one date", path);
    int rc = dsc_io_nc_check_dates(ctx, path, cal, dates, ntime);
    if (rc != DSC_OK)
        return rc;
    for (size_t s = 0; s < nscenario; s++)
        if (!scenarios || !scenarios[s] || !*scenarios[s])
            return dsc_error(ctx, DSC_ERR_USAGE, "%s: scenario %zu has no name", path, s);
    for (size_t v = 0; v < nvars; v++) {
        if (!vars[v].name || !vars[v].values)
            return dsc_error(ctx, DSC_ERR_USAGE, "%s: variable %zu has no name or values", path, v);
        if (vars[v].per_scenario && nscenario == 0)
            return dsc_error(ctx, DSC_ERR_USAGE, "%s: variable %s is per scenario, none given",
                             path, vars[v].name);
    }
    return DSC_OK;
}

static size_t longest_name(const char *const *scenarios, size_t nscenario)
{
    size_t n = 1;
    for (size_t s = 0; s < nscenario; s++)
        if (strlen(scenarios[s]) > n)
            n = strlen(scenarios[s]);
    return n;
}

static int def_double_scalar(int ncid, const char *name, const char *standard_name,
                             const char *units, int *varid)
{
    int st = nc_def_var(ncid, name, NC_DOUBLE, 0, NULL, varid);
    if (st == NC_NOERR)
        st = dsc_io_nc_put_text(ncid, *varid, "standard_name", standard_name);
    if (st == NC_NOERR)
        st = dsc_io_nc_put_text(ncid, *varid, "long_name", standard_name);
    if (st == NC_NOERR)
        st = dsc_io_nc_put_text(ncid, *varid, "units", units);
    return st;
}

static int def_coords(dsc_ctx_t *ctx, const char *path, series_file_t *f, dsc_calendar_t cal,
                      dsc_date_t first, size_t ntime, size_t nscenario, size_t nchar)
{
    int ncid = f->ncid;
    int rc = dsc_io_nc_def_time(ctx, path, ncid, cal, first, ntime, &f->dim_time, &f->var_time);
    if (rc != DSC_OK)
        return rc;

    if (nscenario > 0) {
        DSC_NC_TRY(nc_def_dim(ncid, "scenario", nscenario, &f->dim_scenario),
                   "defining dimension scenario");
        DSC_NC_TRY(nc_def_dim(ncid, "nchar", nchar, &f->dim_nchar), "defining dimension nchar");
        int dims[2] = {f->dim_scenario, f->dim_nchar};
        DSC_NC_TRY(nc_def_var(ncid, "scenario_name", NC_CHAR, 2, dims, &f->var_scenario),
                   "defining variable scenario_name");
        DSC_NC_TRY(dsc_io_nc_put_text(ncid, f->var_scenario, "long_name", "scenario"),
                   "scenario_name");
        DSC_NC_TRY(dsc_io_nc_put_text(ncid, f->var_scenario, "_Encoding", "utf-8"),
                   "scenario_name");
    }

    DSC_NC_TRY(def_double_scalar(ncid, "lat", "latitude", "degrees_north", &f->var_lat),
               "defining variable lat");
    DSC_NC_TRY(def_double_scalar(ncid, "lon", "longitude", "degrees_east", &f->var_lon),
               "defining variable lon");
fail:
    return rc;
}

static int def_vars(dsc_ctx_t *ctx, const char *path, series_file_t *f, const dsc_nc_var_t *vars,
                    size_t nvars)
{
    int rc = DSC_OK;
    char what[160];

    for (size_t v = 0; v < nvars; v++) {
        int scenario_dims[2] = {f->dim_scenario, f->dim_time};
        int per = vars[v].per_scenario != 0;
        snprintf(what, sizeof what, "defining variable %s", vars[v].name);
        DSC_NC_TRY(dsc_io_nc_def_float(f->ncid, vars[v].name, per ? 2 : 1,
                                       per ? scenario_dims : &f->dim_time, vars[v].units,
                                       vars[v].long_name, &f->var_ids[v]),
                   what);
        /* A variable without the scenario dimension must not list scenario_name, or
         * readers would try to broadcast it onto a dimension it lacks. */
        DSC_NC_TRY(dsc_io_nc_put_text(f->ncid, f->var_ids[v], "coordinates",
                                      per ? "scenario_name lat lon" : "lat lon"),
                   what);
    }
fail:
    return rc;
}

static int put_coords(dsc_ctx_t *ctx, const char *path, const series_file_t *f, dsc_calendar_t cal,
                      const dsc_date_t *dates, size_t ntime, const char *const *scenarios,
                      size_t nscenario, size_t nchar, double lat, double lon)
{
    int rc = dsc_io_nc_put_time(ctx, path, f->ncid, f->var_time, cal, dates, ntime);
    if (rc != DSC_OK)
        return rc;
    char *names = dsc_calloc(ctx, nscenario * nchar + 1, 1, path);
    if (!names)
        return DSC_ERR_NOMEM;

    /* Names shorter than nchar are padded with NULs, which every reader takes as the end. */
    if (nscenario > 0) {
        for (size_t s = 0; s < nscenario; s++)
            memcpy(names + s * nchar, scenarios[s], strlen(scenarios[s]));
        DSC_NC_TRY(nc_put_var_text(f->ncid, f->var_scenario, names), "writing scenario_name");
    }
    DSC_NC_TRY(nc_put_var_double(f->ncid, f->var_lat, &lat), "writing lat");
    DSC_NC_TRY(nc_put_var_double(f->ncid, f->var_lon, &lon), "writing lon");
fail:
    free(names);
    return rc;
}

static int put_vars(dsc_ctx_t *ctx, const char *path, const series_file_t *f, size_t ntime,
                    size_t nscenario, const dsc_nc_var_t *vars, size_t nvars)
{
    int rc = DSC_OK;
    float *buf = NULL;
    char what[160];

    for (size_t v = 0; v < nvars; v++) {
        size_t n = (vars[v].per_scenario ? nscenario : 1) * ntime;
        buf = dsc_io_nc_to_float(ctx, vars[v].values, n, path);
        if (!buf) {
            rc = DSC_ERR_NOMEM;
            goto fail;
        }
        snprintf(what, sizeof what, "writing variable %s", vars[v].name);
        DSC_NC_TRY(nc_put_var_float(f->ncid, f->var_ids[v], buf), what);
        free(buf);
        buf = NULL;
    }
fail:
    free(buf);
    return rc;
}

int dsc_io_write_series_nc(dsc_ctx_t *ctx, const char *path, dsc_calendar_t cal,
                           const dsc_date_t *dates, size_t ntime, const char *const *scenarios,
                           size_t nscenario, double lat, double lon, const dsc_nc_var_t *vars,
                           size_t nvars, const dsc_nc_meta_t *meta)
{
    series_file_t f = {.ncid = -1, .dim_scenario = -1};
    char *tmp = NULL;
    int rc = check_series(ctx, path, cal, dates, ntime, scenarios, nscenario, vars, nvars);
    if (rc != DSC_OK)
        return rc;
    size_t nchar = longest_name(scenarios, nscenario);

    f.var_ids = dsc_calloc(ctx, nvars ? nvars : 1, sizeof *f.var_ids, path);
    if (!f.var_ids)
        return DSC_ERR_NOMEM;
    rc = dsc_io_nc_begin(ctx, path, DSC_NC_CLASSIC, &tmp, &f.ncid);
    if (rc == DSC_OK)
        rc = def_coords(ctx, path, &f, cal, dates[0], ntime, nscenario, nchar);
    if (rc == DSC_OK)
        rc = def_vars(ctx, path, &f, vars, nvars);
    if (rc != DSC_OK)
        goto fail;
    DSC_NC_TRY(dsc_io_nc_put_meta(f.ncid, meta), "writing global attributes");
    DSC_NC_TRY(nc_enddef(f.ncid), "ending define mode");

    rc = put_coords(ctx, path, &f, cal, dates, ntime, scenarios, nscenario, nchar, lat, lon);
    if (rc == DSC_OK)
        rc = put_vars(ctx, path, &f, ntime, nscenario, vars, nvars);
    if (rc == DSC_OK)
        rc = dsc_io_nc_commit(ctx, path, tmp, &f.ncid);

fail:
    if (rc != DSC_OK)
        dsc_io_nc_discard(f.ncid, tmp);
    free(tmp);
    free(f.var_ids);
    return rc;
}
