/* ingest.c - the ingest and regrid stages: observations and model data for one model,
 * region and variable, put on the target grid (the observation grid of a box region, or the
 * city itself for a point region). */
#include "dsc/features.h"
#include "dsc/io.h"
#include "pipeline/internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void dsc_member_destroy(dsc_member_t *m)
{
    if (!m)
        return;
    dsc_grid_clear(&m->grid);
    free(m->hdates);
    free(m->obs);
    free(m->obs2);
    free(m->gcm);
    free(m->ann);
    free(m->ann_sd);
    free(m->ann_bc);
    free(m->lin);
    dsc_field_destroy(m->hsrc);
    dsc_field_destroy(m->obs_full);
    dsc_regrid_weights_destroy(m->weights);
    for (size_t s = 0; s < m->nscen; s++) {
        dsc_scenario_data_t *sc = &m->scen[s];
        free(sc->dates);
        free(sc->gcm);
        free(sc->ann);
        free(sc->ann_sd);
        free(sc->ann_bc);
        free(sc->lin);
        free(sc->year_sd);
        dsc_field_destroy(sc->src);
    }
    dsc_nn_history_clear(&m->curve);
    memset(m, 0, sizeof *m);
}

/* The region as the reader wants it; halo cells give interpolation its neighbours. */
static dsc_region_t read_region(const dsc_job_t *job, size_t halo)
{
    const dsc_region_def_t *r = &job->region;
    dsc_region_t out = {0};
    if (r->kind == DSC_REGION_KIND_BOX) {
        out.kind = DSC_REGION_BOX;
        out.lat_min = r->lat_min;
        out.lat_max = r->lat_max;
        out.lon_min = r->lon_min;
        out.lon_max = r->lon_max;
    } else {
        out.kind = DSC_REGION_POINT;
        out.lat = r->lat;
        out.lon = r->lon;
        out.location = r->location[0] ? r->location : NULL;
    }
    out.halo = halo;
    return out;
}

/* Near-surface air temperature on Earth stays within these bounds (records: -89.2 and
 * 56.7 degC). A value outside means the units attribute is wrong (kelvin labelled degC),
 * which would otherwise pass silently: the network standardises its inputs and hides it. */
#define PLAUSIBLE_MIN_C (-100.0)
#define PLAUSIBLE_MAX_C 70.0

static int check_plausible(dsc_ctx_t *ctx, const dsc_field_t *f, const char *prefix)
{
    double lo = INFINITY, hi = -INFINITY;
    size_t n = f->ntime * dsc_field_ncells(f);
    for (size_t i = 0; i < n; i++)
        if (isfinite(f->values[i])) {
            lo = f->values[i] < lo ? f->values[i] : lo;
            hi = f->values[i] > hi ? f->values[i] : hi;
        }
    if (lo >= PLAUSIBLE_MIN_C && hi <= PLAUSIBLE_MAX_C)
        return DSC_OK;
    return dsc_error(ctx, DSC_ERR_UNITS,
                     "%s: %s ranges from %.1f to %.1f degC once converted "
                     "from its units: not a plausible air temperature (is the units attribute "
                     "wrong? override it with %s_units)",
                     f->source, f->name, lo, hi, prefix);
}

/* Great-circle distance in km on a sphere of the Earth's mean radius. */
static double distance_km(double lat1, double lon1, double lat2, double lon2)
{
    double r = M_PI / 180, dlat = (lat2 - lat1) * r, dlon = (lon2 - lon1) * r;
    double a = sin(dlat / 2) * sin(dlat / 2) +
               cos(lat1 * r) * cos(lat2 * r) * sin(dlon / 2) * sin(dlon / 2);
    return 6371.0 * 2 * atan2(sqrt(a), sqrt(1 - a));
}

/* A point region reads the nearest site of a station file: say which and how far, and
 * refuse a site so far away that it is another place. */
static int check_site(dsc_ctx_t *ctx, const dsc_job_t *job, const dsc_field_t *f)
{
    if (job->region.kind != DSC_REGION_KIND_POINT || f->grid.kind != DSC_GRID_POINTS)
        return DSC_OK;
    double d = distance_km(job->region.lat, job->region.lon, f->grid.lat[0], f->grid.lon[0]);
    const char *name = f->grid.names && f->grid.names[0] ? f->grid.names[0] : "-";
    dsc_log(ctx, DSC_LOG_INFO, "ingest", "%s: site '%s' (%.2fN %.2fE) is %.0f km from %s",
            f->source, name, f->grid.lat[0], f->grid.lon[0], d, job->region.name);
    if (!isfinite(d) || d <= job->max_site_km)
        return DSC_OK;
    return dsc_error(ctx, DSC_ERR_RANGE,
                     "%s: the nearest site to region %s (%.2fN %.2fE) is "
                     "'%s' (%.2fN %.2fE), %.0f km away, beyond max_site_distance_km = %.0f; "
                     "name the site with location = ... or raise the limit",
                     f->source, job->region.name, job->region.lat, job->region.lon, name,
                     f->grid.lat[0], f->grid.lon[0], d, job->max_site_km);
}

/* The reader's overrides of one input source. */
static dsc_read_opts_t read_opts(const dsc_input_overrides_t *ov)
{
    return (dsc_read_opts_t){.calendar = ov->calendar[0] ? ov->calendar : NULL,
                             .time_units = ov->time_units[0] ? ov->time_units : NULL,
                             .units = ov->units[0] ? ov->units : NULL};
}

/* Checks every file of one input as read_series would read it, without the values. */
static int check_series(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                        const char *tmpl, const char *var, const char *model, const char *scenario,
                        const dsc_input_overrides_t *ov)
{
    char **paths = NULL;
    size_t n = 0;
    int rc = dsc_input_paths(ctx, p, tmpl, var, model, scenario, &paths, &n);
    dsc_region_t region = read_region(job, 1);
    dsc_read_opts_t opts = read_opts(ov);
    if (!rc)
        rc = dsc_io_check_many(ctx, (const char *const *)paths, n, var, &region, &opts);
    dsc_io_paths_free(paths, n);
    return rc;
}

int dsc_stage_check_inputs(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                           size_t var, size_t model)
{
    const char *m = job->models[model], *gvar = job->gcm_var[var];
    int rc;
    if (job->gcm_historical[0])
        rc = check_series(ctx, p, job, job->gcm_historical, gvar, m, "historical", &job->gcm_over);
    else
        rc = check_series(ctx, p, job, job->gcm, gvar, m,
                          job->nscen ? job->scenarios[0] : "historical", &job->gcm_over);
    const char *future = job->gcm_future[0] ? job->gcm_future : job->gcm;
    /* Without gcm_historical, the first scenario's files were checked just above. */
    size_t s0 = !job->gcm_historical[0] && !job->gcm_future[0];
    for (size_t s = s0; s < job->nscen && !rc; s++)
        rc = check_series(ctx, p, job, future, gvar, m, job->scenarios[s], &job->gcm_over);
    /* GHCN-Daily records are text, read whole; their element is checked when read. */
    if (!rc && strcmp(job->obs_format, "ghcn") != 0)
        rc = check_series(ctx, p, job, job->obs, job->obs_var[var], m, NULL, &job->obs_over);
    if (!rc && job->obs2[0])
        rc = check_series(ctx, p, job, job->obs2, job->obs2_var[var], m, NULL, &job->obs2_over);
    return rc;
}

static int read_series(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                       const char *tmpl, const char *var, const char *model, const char *scenario,
                       size_t halo, const dsc_input_overrides_t *ov, dsc_field_t **out)
{
    char **paths = NULL;
    size_t n = 0;
    int rc = dsc_input_paths(ctx, p, tmpl, var, model, scenario, &paths, &n);
    if (rc)
        return rc;
    dsc_region_t region = read_region(job, halo);
    dsc_read_opts_t opts = read_opts(ov);
    rc = dsc_io_read_many(ctx, (const char *const *)paths, n, var, &region, &opts, out);
    /* A series that is all missing at the region (a city in the sea) stops the run here,
     * with the file named, rather than as an empty fit later. */
    if (rc == DSC_OK &&
        ((rc = dsc_io_check_not_empty(ctx, *out)) || (rc = check_site(ctx, job, *out)) ||
         (rc = check_plausible(ctx, *out,
                               ov == &job->gcm_over   ? "gcm"
                               : ov == &job->obs_over ? "obs"
                                                      : "obs2")))) {
        dsc_field_destroy(*out);
        *out = NULL;
    }
    /* Daily data are matched by calendar day: model files stamp days at noon (or at the
     * interval's midpoint), observation files at midnight. */
    for (size_t t = 0; rc == DSC_OK && t < (*out)->ntime; t++)
        (*out)->dates[t].seconds = 0;
    if (rc == DSC_OK)
        dsc_log(ctx, DSC_LOG_INFO, "ingest", "%s: %s%s%s, %zu days on %zu cells (%s)", paths[0],
                var, scenario ? " " : "", scenario ? scenario : "", (*out)->ntime,
                dsc_field_ncells(*out), dsc_calendar_name((*out)->calendar));
    dsc_io_paths_free(paths, n);
    return rc;
}

/* Index of the point nearest to (lat, lon) in a point grid. */
static size_t nearest_point(const dsc_grid_t *g, double lat, double lon)
{
    size_t best = 0;
    double best_d = INFINITY;
    for (size_t i = 0; i < g->nlat; i++) {
        double dlon = fabs(dsc_lon_normalize(g->lon[i] - lon)) * cos(lat * M_PI / 180);
        double d = (g->lat[i] - lat) * (g->lat[i] - lat) + dlon * dlon;
        if (isfinite(d) && d < best_d) {
            best_d = d;
            best = i;
        }
    }
    return best;
}

/* Puts a field's values on the target grid: the nearest site of a point layout, or
 * interpolation with weights (built here when *w is NULL and w given). Exactly one of out64
 * and out32 is given; it receives ntime x ncell(target) values, in double or in single
 * precision (a member's daily arrays), which the caller frees. */
static int to_target_as(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_field_t *src,
                        const dsc_grid_t *target, dsc_regrid_weights_t **w, double **out64,
                        float **out32)
{
    size_t nt = src->ntime, ncell = dsc_grid_ncells(target), nsrc = dsc_field_ncells(src);
    double *v64 = out64 ? dsc_nan_array(ctx, nt * ncell, "target values") : NULL;
    float *v32 = out32 ? dsc_nan_floats(ctx, nt * ncell, "target values") : NULL;
    double *row = dsc_malloc(ctx, (ncell ? ncell : 1) * sizeof *row, "target row");
    size_t *site = NULL;
    dsc_regrid_weights_t *own = NULL;
    dsc_regrid_weights_t *use = w ? *w : NULL;
    int rc = (v64 || v32) && row ? DSC_OK : DSC_ERR_NOMEM;
    /* A station, a model site or a one-cell grid (nothing to interpolate between): every
     * target takes its nearest site. */
    int nearest = src->grid.kind == DSC_GRID_POINTS || nsrc == 1;
    if (!rc && nearest) {
        if (!(site = dsc_malloc(ctx, (ncell ? ncell : 1) * sizeof *site, "nearest sites")))
            rc = DSC_ERR_NOMEM;
        for (size_t c = 0; !rc && c < ncell; c++) {
            double lat, lon;
            dsc_grid_cell_coords(target, c, &lat, &lon);
            site[c] = nearest_point(&src->grid, lat, lon);
        }
    } else if (!rc && !use) {
        rc = dsc_regrid_weights_build(ctx, p->regrid_method, &src->grid, target, &own);
        use = own;
    }
    for (size_t t = 0; !rc && t < nt; t++) {
        const double *in = src->values + t * nsrc;
        if (nearest)
            for (size_t c = 0; c < ncell; c++)
                row[c] = in[site[c]];
        else
            dsc_regrid_apply(use, in, row);
        if (v64)
            memcpy(v64 + t * ncell, row, ncell * sizeof *row);
        else
            for (size_t c = 0; c < ncell; c++)
                v32[t * ncell + c] = (float)row[c];
    }
    free(row);
    free(site);
    if (!rc && w && !*w && own) {
        *w = own;
        own = NULL;
    }
    dsc_regrid_weights_destroy(own);
    if (rc) {
        free(v64);
        free(v32);
        return rc;
    }
    if (out64)
        *out64 = v64;
    if (out32)
        *out32 = v32;
    return DSC_OK;
}

/* Reads an observation source and pairs it by date with the model's historical days. */
static int ingest_obs(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                      dsc_member_t *m, const char *tmpl, const char *var, int set_grid, float **out)
{
    dsc_field_t *obs = NULL;
    double *on_target = NULL;
    int rc;
    if (strcmp(job->obs_format, "ghcn") == 0 && tmpl == job->obs) {
        char **paths = NULL;
        size_t n = 0, flagged = 0;
        if ((rc = dsc_input_paths(ctx, p, tmpl, var, m->model, NULL, &paths, &n)))
            return rc;
        rc = dsc_io_read_ghcn(ctx, paths[0], var, &obs, &flagged);
        if (rc == DSC_OK)
            dsc_log(ctx, DSC_LOG_INFO, "ingest",
                    "%s: %s, %zu days, %zu flagged values "
                    "treated as missing",
                    paths[0], var, obs->ntime, flagged);
        dsc_io_paths_free(paths, n);
        if (!rc && (rc = check_plausible(ctx, obs, "obs")))
            dsc_field_destroy(obs);
        if (rc)
            return rc;
        obs->grid.lat[0] = job->region.lat;
        obs->grid.lon[0] = job->region.lon;
    } else if ((rc = read_series(ctx, p, job, tmpl, var, m->model, NULL, 1,
                                 tmpl == job->obs ? &job->obs_over : &job->obs2_over, &obs))) {
        return rc;
    }

    if (set_grid) {
        if (job->region.kind == DSC_REGION_KIND_BOX && obs->grid.kind == DSC_GRID_RECTILINEAR)
            rc = dsc_grid_copy(ctx, &m->grid, &obs->grid);
        else if (!(rc = dsc_grid_init_points(ctx, &m->grid, 1))) {
            m->grid.lat[0] = job->region.lat;
            m->grid.lon[0] = dsc_lon_normalize(job->region.lon);
        }
        if (rc)
            goto done;
        m->ncell = dsc_grid_ncells(&m->grid);
    }
    int same_grid = job->region.kind == DSC_REGION_KIND_BOX &&
                    obs->grid.kind == DSC_GRID_RECTILINEAR && dsc_field_ncells(obs) == m->ncell;
    if (same_grid) {
        on_target = obs->values;
        obs->values = NULL;
    } else if ((rc = to_target_as(ctx, p, obs, &m->grid, NULL, &on_target, NULL))) {
        goto done;
    }
    if (set_grid) {
        /* The primary source's whole record, on the target, for the observation summary. */
        m->obs_full = dsc_field_create(ctx, var, obs->calendar, obs->ntime, &m->grid);
        if (!m->obs_full) {
            rc = DSC_ERR_NOMEM;
            goto done;
        }
        memcpy(m->obs_full->dates, obs->dates, obs->ntime * sizeof *obs->dates);
        memcpy(m->obs_full->values, on_target, obs->ntime * m->ncell * sizeof *on_target);
        snprintf(m->obs_full->source, sizeof m->obs_full->source, "%s", obs->source);
    }

    *out = dsc_nan_floats(ctx, m->nh * m->ncell, "observations on model days");
    if (!*out) {
        rc = DSC_ERR_NOMEM;
        goto done;
    }
    for (size_t c = 0; c < m->ncell; c++) {
        double *col = dsc_nan_array(ctx, m->nh, "observation column");
        if (!col) {
            rc = DSC_ERR_NOMEM;
            goto done;
        }
        if (job->alignment == DSC_ALIGN_YEAR_FRACTION)
            dsc_features_pair_by_year_fraction(m->hdates, m->cal, m->nh, obs->dates, obs->calendar,
                                               on_target + c, m->ncell, obs->ntime, col);
        else
            dsc_features_pair_by_date(m->hdates, m->nh, obs->dates, on_target + c, m->ncell,
                                      obs->ntime, col);
        for (size_t t = 0; t < m->nh; t++)
            (*out)[t * m->ncell + c] = (float)col[t];
        free(col);
    }
    /* Observed days no model day uses: with month_day, those the model calendar lacks
     * (29 February against noleap, the 31st against 360_day); with year_fraction, the
     * days left over, spread over the year. The log says how many. */
    size_t in_span = 0, used = 0;
    for (size_t t = 0; t < obs->ntime; t++)
        if (dsc_date_compare(obs->dates[t], m->hdates[0]) >= 0 &&
            dsc_date_compare(obs->dates[t], m->hdates[m->nh - 1]) <= 0)
            in_span++;
    for (size_t t = 0; t < m->nh; t++)
        used += job->alignment == DSC_ALIGN_YEAR_FRACTION ||
                dsc_date_valid(obs->calendar, m->hdates[t]);
    m->obs_dropped = in_span > used ? in_span - used : 0;
    if (m->obs_dropped)
        dsc_log(ctx, DSC_LOG_INFO, "ingest",
                "%s: %zu observed days are not used against the model's %s calendar "
                "(calendar alignment %s)",
                obs->source, m->obs_dropped, dsc_calendar_name(m->cal),
                job->alignment == DSC_ALIGN_YEAR_FRACTION ? "year_fraction" : "month_day");
    size_t valid = 0;
    for (size_t i = 0; i < m->nh * m->ncell; i++)
        valid += isfinite((*out)[i]);
    if (valid == 0) {
        rc = dsc_error(ctx, DSC_ERR_RANGE,
                       "%s: no observed %s value in %d-%d at region %s (periods do not "
                       "overlap the file, or the series is all missing)",
                       obs->source, var, m->hdates[0].year, m->hdates[m->nh - 1].year,
                       job->region.name);
    }
done:
    free(on_target);
    dsc_field_destroy(obs);
    return rc;
}

static void hist_span(const dsc_job_t *job, int *y0, int *y1)
{
    *y0 = job->train.y0;
    *y1 = job->train.y1;
    const dsc_period_t *ps[] = {&job->valid, &job->base};
    for (size_t i = 0; i < 2; i++) {
        if (ps[i]->y0 && ps[i]->y0 < *y0)
            *y0 = ps[i]->y0;
        if (ps[i]->y1 > *y1)
            *y1 = ps[i]->y1;
    }
}

static int ingest_history(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                          dsc_member_t *m, const char *gvar, dsc_field_t **joined0)
{
    dsc_field_t *full = NULL;
    int rc;
    if (job->gcm_historical[0])
        rc = read_series(ctx, p, job, job->gcm_historical, gvar, m->model, "historical", 1,
                         &job->gcm_over, &full);
    else
        rc = read_series(ctx, p, job, job->gcm, gvar, m->model,
                         job->nscen ? job->scenarios[0] : "historical", 1, &job->gcm_over, &full);
    if (rc)
        return rc;
    int y0, y1;
    hist_span(job, &y0, &y1);
    if ((rc = dsc_field_subset_years(ctx, full, y0, y1, &m->hsrc))) {
        dsc_field_destroy(full);
        return rc;
    }
    m->cal = full->calendar;
    if (!job->gcm_historical[0] && job->nscen)
        *joined0 = full; /* the first scenario's file also holds its future: reuse it */
    else
        dsc_field_destroy(full);
    m->nh = m->hsrc->ntime;
    /* The maps' base period must have model days, or every map would be empty. */
    int base_days = 0;
    for (size_t t = 0; t < m->nh && !base_days; t++)
        base_days =
            m->hsrc->dates[t].year >= job->base.y0 && m->hsrc->dates[t].year <= job->base.y1;
    if (!base_days)
        return dsc_error(ctx, DSC_ERR_RANGE,
                         "%s: no model day in map_base %d-%d (the "
                         "historical days read cover %d-%d)",
                         m->hsrc->source, job->base.y0, job->base.y1, m->hsrc->dates[0].year,
                         m->hsrc->dates[m->nh - 1].year);
    m->hdates = dsc_malloc(ctx, m->nh * sizeof *m->hdates, "historical dates");
    if (!m->hdates)
        return DSC_ERR_NOMEM;
    memcpy(m->hdates, m->hsrc->dates, m->nh * sizeof *m->hdates);
    return DSC_OK;
}

static int ingest_scenario(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                           dsc_member_t *m, const char *gvar, size_t s, dsc_field_t **joined0)
{
    dsc_scenario_data_t *sc = &m->scen[s];
    snprintf(sc->name, sizeof sc->name, "%s", job->scenarios[s]);
    dsc_field_t *full = NULL;
    int rc = DSC_OK;
    if (s == 0 && *joined0) {
        full = *joined0;
        *joined0 = NULL;
    } else {
        const char *tmpl = job->gcm_future[0] ? job->gcm_future : job->gcm;
        rc = read_series(ctx, p, job, tmpl, gvar, m->model, sc->name, 1, &job->gcm_over, &full);
    }
    if (rc == DSC_OK)
        rc = dsc_field_subset_years(ctx, full, job->future.y0, job->future.y1, &sc->src);
    dsc_field_destroy(full);
    if (rc)
        return rc;
    if (sc->src->calendar != m->cal)
        return dsc_error(ctx, DSC_ERR_FORMAT,
                         "%s: calendar %s differs from the historical "
                         "run's %s",
                         sc->src->source, dsc_calendar_name(sc->src->calendar),
                         dsc_calendar_name(m->cal));
    sc->n = sc->src->ntime;
    sc->dates = dsc_malloc(ctx, sc->n * sizeof *sc->dates, "scenario dates");
    if (!sc->dates)
        return DSC_ERR_NOMEM;
    memcpy(sc->dates, sc->src->dates, sc->n * sizeof *sc->dates);
    return to_target_as(ctx, p, sc->src, &m->grid, &m->weights, NULL, &sc->gcm);
}

int dsc_stage_ingest(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job, size_t var,
                     size_t model, dsc_member_t **out)
{
    *out = NULL;
    dsc_member_t *m = dsc_calloc(ctx, 1, sizeof *m, "member");
    if (!m)
        return DSC_ERR_NOMEM;
    snprintf(m->model, sizeof m->model, "%s", job->models[model]);
    snprintf(m->var, sizeof m->var, "%s", job->variables[var]);
    const char *gvar = job->gcm_var[var];
    dsc_field_t *joined0 = NULL;

    int rc = ingest_history(ctx, p, job, m, gvar, &joined0);
    if (rc == DSC_OK)
        rc = ingest_obs(ctx, p, job, m, job->obs, job->obs_var[var], 1, &m->obs);
    if (rc == DSC_OK && job->obs2[0])
        rc = ingest_obs(ctx, p, job, m, job->obs2, job->obs2_var[var], 0, &m->obs2);
    if (rc == DSC_OK)
        rc = to_target_as(ctx, p, m->hsrc, &m->grid, &m->weights, NULL, &m->gcm);
    for (size_t s = 0; rc == DSC_OK && s < job->nscen; s++) {
        rc = ingest_scenario(ctx, p, job, m, gvar, s, &joined0);
        m->nscen = s + 1;
    }
    dsc_field_destroy(joined0);
    if (rc) {
        dsc_member_destroy(m);
        free(m);
        return rc;
    }
    *out = m;
    return DSC_OK;
}
