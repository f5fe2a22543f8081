/* correct.c - the correct stage (bias correction of the ANN), the tasmin <= tasmax repair
 * and the multi-model ensemble. */
#include "dsc/bc.h"
#include "pipeline/internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The future is corrected in blocks of this many years: QDM takes the simulated quantiles
 * from the block itself, so a 30-year climate, not the whole century with its trend, sets
 * each value's rank (Cannon et al. 2015 use moving projection windows for the same reason). */
#define FUTURE_BLOCK_YEARS 30

/* A copy of v (n x ncell) with NaN outside the training years: the corrections are fitted
 * there only, so the validation years judge them out of sample. */
static float *training_only(dsc_ctx_t *ctx, const dsc_job_t *job, const dsc_member_t *m,
                            const float *v)
{
    float *out = dsc_nan_floats(ctx, m->nh * m->ncell, "training values");
    if (!out)
        return NULL;
    for (size_t t = 0; t < m->nh; t++) {
        int y = m->hdates[t].year;
        if (y >= job->train.y0 && y <= job->train.y1)
            memcpy(out + t * m->ncell, v + t * m->ncell, m->ncell * sizeof *out);
    }
    return out;
}

int dsc_stage_correct(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                      dsc_member_t *m)
{
    float *ref = training_only(ctx, job, m, m->obs);
    float *hist = training_only(ctx, job, m, m->ann);
    int rc = ref && hist ? DSC_OK : DSC_ERR_NOMEM;
    if (!rc && !(m->ann_bc = dsc_nan_floats(ctx, m->nh * m->ncell, "corrected ANN")))
        rc = DSC_ERR_NOMEM;
    for (size_t s = 0; s < m->nscen && !rc; s++)
        if (!(m->scen[s].ann_bc = dsc_nan_floats(ctx, m->scen[s].n * m->ncell, "corrected")))
            rc = DSC_ERR_NOMEM;

    dsc_bc_cells_t r = {NULL, m->hdates, m->nh, ref}, h = {NULL, m->hdates, m->nh, hist};
    dsc_bc_cells_t sim = {NULL, m->hdates, m->nh, m->ann};
    size_t skipped = 0;
    if (!rc)
        rc = dsc_bc_correct_cells32(ctx, &p->bc_hist, m->cal, m->ncell, &r, &h, &sim, 0, m->ann_bc,
                                    &skipped);
    for (size_t s = 0; s < m->nscen && !rc; s++) {
        dsc_scenario_data_t *sc = &m->scen[s];
        dsc_bc_cells_t fut = {NULL, sc->dates, sc->n, sc->ann};
        rc = dsc_bc_correct_cells32(ctx, &p->bc_future, m->cal, m->ncell, &r, &h, &fut,
                                    FUTURE_BLOCK_YEARS, sc->ann_bc, NULL);
    }
    free(ref);
    free(hist);
    if (rc && rc != DSC_ERR_NOMEM) {
        char msg[1024]; /* the message is rewritten from itself: copy it first */
        snprintf(msg, sizeof msg, "%s", dsc_ctx_message(ctx));
        return dsc_error(ctx, rc, "correct %s %s %s: %s", job->region.name, m->var, m->model, msg);
    }
    if (!rc)
        dsc_log(ctx, DSC_LOG_INFO, "correct",
                "%s %s %s: %s on the historical days, %s on %zu "
                "scenario(s); %zu cell(s) without data left missing",
                job->region.name, m->var, m->model, p->bc_hist.method, p->bc_future.method,
                m->nscen, skipped);
    return rc;
}

/* Where tasmin > tasmax both are set to their mean: the smallest change that restores the
 * order, and it keeps the daily mean temperature (tasmax + tasmin) / 2 unchanged. */
static size_t repair(float *tmax, float *tmin, size_t n)
{
    size_t fixed = 0;
    if (!tmax || !tmin)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (tmin[i] > tmax[i]) {
            float mid = (float)(0.5 * ((double)tmin[i] + (double)tmax[i]));
            tmin[i] = tmax[i] = mid;
            fixed++;
        }
    }
    return fixed;
}

void dsc_stage_tmin_tmax(dsc_ctx_t *ctx, dsc_member_t *tmax, dsc_member_t *tmin)
{
    if (tmax->nh != tmin->nh || tmax->ncell != tmin->ncell || tmax->nscen != tmin->nscen)
        return;
    size_t n = tmax->nh * tmax->ncell, fixed = 0;
    fixed += repair(tmax->ann, tmin->ann, n);
    fixed += repair(tmax->ann_bc, tmin->ann_bc, n);
    fixed += repair(tmax->lin, tmin->lin, n);
    for (size_t s = 0; s < tmax->nscen; s++) {
        size_t k = tmax->scen[s].n * tmax->ncell;
        if (tmax->scen[s].n != tmin->scen[s].n)
            continue;
        fixed += repair(tmax->scen[s].ann, tmin->scen[s].ann, k);
        fixed += repair(tmax->scen[s].ann_bc, tmin->scen[s].ann_bc, k);
        fixed += repair(tmax->scen[s].lin, tmin->scen[s].lin, k);
    }
    tmin->tmin_fixed = fixed;
    dsc_log(ctx, DSC_LOG_INFO, "correct",
            "%s: %zu downscaled values had tasmin > tasmax and "
            "were set to their mean",
            tmin->model, fixed);
}

/* ---- ensemble ------------------------------------------------------------------------ */

/* Mean and population sd over members at each (date, cell) of the first member; members
 * lacking a date (another calendar) or a value are left out there. */
static void combine(const float *const *vals, const dsc_date_t *const *dates, const size_t *ns,
                    size_t nmem, const dsc_date_t *ref_dates, size_t n, size_t ncell, float *mean,
                    float *sd)
{
    size_t *pos = calloc(nmem, sizeof *pos);
    if (!pos)
        return;
    for (size_t t = 0; t < n; t++) {
        for (size_t k = 0; k < nmem; k++)
            while (pos[k] < ns[k] && dsc_date_compare(dates[k][pos[k]], ref_dates[t]) < 0)
                pos[k]++;
        for (size_t c = 0; c < ncell; c++) {
            double s = 0, ss = 0;
            size_t cnt = 0;
            for (size_t k = 0; k < nmem; k++) {
                if (!vals[k] || pos[k] >= ns[k] ||
                    dsc_date_compare(dates[k][pos[k]], ref_dates[t]) != 0)
                    continue;
                double v = vals[k][pos[k] * ncell + c];
                if (isfinite(v)) {
                    s += v;
                    ss += v * v;
                    cnt++;
                }
            }
            double mu = cnt ? s / (double)cnt : NAN;
            mean[t * ncell + c] = (float)mu;
            if (sd) {
                double var = cnt ? ss / (double)cnt - mu * mu : NAN;
                sd[t * ncell + c] = (float)(cnt ? (var > 0 ? sqrt(var) : 0.0) : NAN);
            }
        }
    }
    free(pos);
}

#define MAXM 64

/* The four method arrays of a member's historical period (scen < 0) or of a scenario. */
static void method_arrays(dsc_member_t *m, int scen, float ***slots)
{
    if (scen < 0) {
        slots[0] = &m->gcm;
        slots[1] = &m->ann;
        slots[2] = &m->ann_bc;
        slots[3] = &m->lin;
    } else {
        dsc_scenario_data_t *sc = &m->scen[scen];
        slots[0] = &sc->gcm;
        slots[1] = &sc->ann;
        slots[2] = &sc->ann_bc;
        slots[3] = &sc->lin;
    }
}

static int ensemble_arrays(dsc_ctx_t *ctx, dsc_member_t *const *members, size_t n, int scen,
                           dsc_member_t *e)
{
    const dsc_member_t *m0 = members[0];
    size_t nt = scen < 0 ? m0->nh : m0->scen[scen].n;
    const dsc_date_t *ref = scen < 0 ? m0->hdates : m0->scen[scen].dates;
    const float *v[MAXM];
    const dsc_date_t *d[MAXM];
    size_t ns[MAXM];
    float **targets[4];
    method_arrays(e, scen, targets);
    for (int which = 0; which < 4; which++) {
        for (size_t k = 0; k < n; k++) {
            float **src[4];
            method_arrays(members[k], scen, src);
            v[k] = *src[which];
            d[k] = scen < 0 ? members[k]->hdates : members[k]->scen[scen].dates;
            ns[k] = scen < 0 ? members[k]->nh : members[k]->scen[scen].n;
        }
        *targets[which] = dsc_nan_floats(ctx, nt * m0->ncell, "ensemble mean");
        /* The spread reported for the ensemble is that of the corrected ANN (which == 2),
         * the series a report shows with its uncertainty band. */
        float *spread = NULL;
        if (which == 2) {
            spread = dsc_nan_floats(ctx, nt * m0->ncell, "ensemble spread");
            if (scen < 0)
                e->ann_sd = spread;
            else
                e->scen[scen].ann_sd = spread;
        }
        if (!*targets[which] || (which == 2 && !spread))
            return DSC_ERR_NOMEM;
        combine(v, d, ns, n, ref, nt, m0->ncell, *targets[which], spread);
    }
    return DSC_OK;
}

/* Annual mean of the spatial mean of v for year y (NaN when under 90% of days are there). */
static double annual_mean(const dsc_scenario_data_t *sc, const float *v, size_t ncell,
                          dsc_calendar_t cal, int y)
{
    double s = 0;
    size_t k = 0;
    for (size_t t = 0; t < sc->n; t++) {
        if (sc->dates[t].year != y)
            continue;
        for (size_t c = 0; c < ncell; c++)
            if (isfinite(v[t * ncell + c])) {
                s += v[t * ncell + c];
                k++;
            }
    }
    return k >= 0.9 * ncell * dsc_calendar_days_in_year(cal, y) ? s / (double)k : NAN;
}

/* The spread of the models' annual means: the uncertainty a projection's reader needs, far
 * smaller than the day-to-day spread between free-running models. */
static int annual_spread(dsc_ctx_t *ctx, dsc_member_t *const *members, size_t n, size_t s,
                         dsc_scenario_data_t *out)
{
    const dsc_scenario_data_t *s0 = &members[0]->scen[s];
    if (s0->n == 0)
        return DSC_OK;
    out->year0 = s0->dates[0].year;
    out->nyears = (size_t)(s0->dates[s0->n - 1].year - out->year0 + 1);
    out->year_sd = dsc_nan_array(ctx, out->nyears, "annual spread");
    if (!out->year_sd)
        return DSC_ERR_NOMEM;
    for (size_t y = 0; y < out->nyears; y++) {
        double sum = 0, sq = 0;
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            const dsc_member_t *m = members[i];
            double a =
                annual_mean(&m->scen[s], m->scen[s].ann_bc, m->ncell, m->cal, out->year0 + (int)y);
            if (isfinite(a)) {
                sum += a;
                sq += a * a;
                k++;
            }
        }
        if (k) {
            double mu = sum / (double)k, var = sq / (double)k - mu * mu;
            out->year_sd[y] = var > 0 ? sqrt(var) : 0.0;
        }
    }
    return DSC_OK;
}

int dsc_stage_ensemble(dsc_ctx_t *ctx, dsc_member_t *const *members, size_t n, dsc_member_t **out)
{
    *out = NULL;
    if (n == 0 || n > MAXM)
        return dsc_error(ctx, DSC_ERR_USAGE, "ensemble: %zu members (1 to %d)", n, MAXM);
    const dsc_member_t *m0 = members[0];
    dsc_member_t *e = dsc_calloc(ctx, 1, sizeof *e, "ensemble");
    if (!e)
        return DSC_ERR_NOMEM;
    snprintf(e->model, sizeof e->model, "ensemble");
    snprintf(e->var, sizeof e->var, "%s", m0->var);
    e->cal = m0->cal;
    e->ncell = m0->ncell;
    e->nh = m0->nh;
    e->nscen = m0->nscen;
    int rc = dsc_grid_copy(ctx, &e->grid, &m0->grid);
    if (!rc && !(e->hdates = dsc_malloc(ctx, e->nh * sizeof *e->hdates, "dates")))
        rc = DSC_ERR_NOMEM;
    if (!rc) {
        memcpy(e->hdates, m0->hdates, e->nh * sizeof *e->hdates);
        e->obs = dsc_malloc(ctx, e->nh * e->ncell * sizeof *e->obs, "observations");
        rc = e->obs ? DSC_OK : DSC_ERR_NOMEM;
    }
    if (!rc) {
        memcpy(e->obs, m0->obs, e->nh * e->ncell * sizeof *e->obs);
        if (m0->obs2) {
            e->obs2 = dsc_malloc(ctx, e->nh * e->ncell * sizeof *e->obs2, "observations");
            if (e->obs2)
                memcpy(e->obs2, m0->obs2, e->nh * e->ncell * sizeof *e->obs2);
            else
                rc = DSC_ERR_NOMEM;
        }
    }
    if (!rc)
        rc = ensemble_arrays(ctx, members, n, -1, e);
    for (size_t s = 0; s < e->nscen && !rc; s++) {
        dsc_scenario_data_t *sc = &e->scen[s];
        snprintf(sc->name, sizeof sc->name, "%s", m0->scen[s].name);
        sc->n = m0->scen[s].n;
        sc->dates = dsc_malloc(ctx, sc->n * sizeof *sc->dates, "dates");
        if (!sc->dates) {
            rc = DSC_ERR_NOMEM;
            break;
        }
        memcpy(sc->dates, m0->scen[s].dates, sc->n * sizeof *sc->dates);
        rc = ensemble_arrays(ctx, members, n, (int)s, e);
        if (!rc)
            rc = annual_spread(ctx, members, n, s, sc);
    }
    if (rc) {
        dsc_member_destroy(e);
        free(e);
        return rc;
    }
    *out = e;
    return DSC_OK;
}
