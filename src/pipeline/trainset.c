/* trainset.c - the training rows of one target cell (see trainset.h). */
#include "pipeline/trainset.h"

#include <math.h>
#include <string.h>

void dsc_trainset_model_column(const dsc_member_t *m, size_t c, const float *on_target, size_t n,
                               double *col)
{
    for (size_t t = 0; t < n; t++)
        col[t] = on_target[t * m->ncell + c];
}

dsc_trainset_columns_t dsc_trainset_columns(const dsc_member_t *m, size_t c,
                                            const double *model_col, const dsc_field_t *src)
{
    dsc_trainset_columns_t k = {.ncols = 1};
    k.cols[0] = (dsc_features_column_t){model_col, 1};
    if (m->weights) {
        size_t count;
        const size_t *cells;
        const double *w;
        dsc_regrid_weights_entries(m->weights, c, &count, &cells, &w);
        size_t nsrc = dsc_field_ncells(src);
        for (size_t i = 0; i < count && i < DSC_TRAINSET_MAX_NEIGHBOURS; i++)
            k.cols[k.ncols++] = (dsc_features_column_t){src->values + cells[i], nsrc};
    }
    return k;
}

size_t dsc_trainset_obs_column(const dsc_job_t *job, const dsc_member_t *m, size_t c,
                               double *obs_col)
{
    size_t dropped = 0, t = 0;
    while (t < m->nh) {
        int year = m->hdates[t].year;
        size_t start = t, have = 0;
        for (; t < m->nh && m->hdates[t].year == year; t++) {
            obs_col[t] = m->obs[t * m->ncell + c];
            have += isfinite(obs_col[t]) != 0;
        }
        double need = job->min_coverage * dsc_calendar_days_in_year(m->cal, year);
        if ((double)have < need && have > 0) {
            for (size_t i = start; i < t; i++)
                obs_col[i] = NAN;
            dropped++;
        }
    }
    return dropped;
}

int dsc_trainset_targets(dsc_ctx_t *ctx, const dsc_job_t *job, const dsc_member_t *m,
                         const double *obs_col, const double *gcm_col, int y0, int y1,
                         double *target)
{
    if (job->pairing == DSC_PAIR_DATE) {
        for (size_t t = 0; t < m->nh; t++) {
            int y = m->hdates[t].year;
            target[t] = y >= y0 && y <= y1 ? obs_col[t] : NAN;
        }
        return DSC_OK;
    }
    return dsc_features_pair_by_rank(ctx, m->hdates, gcm_col, 1, m->nh, m->hdates, obs_col, 1,
                                     m->nh, y0, y1, target);
}

size_t dsc_trainset_compact(double *x, double *y, size_t n, size_t p)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        int ok = isfinite(y[i]);
        for (size_t j = 0; ok && j < p; j++)
            ok = isfinite(x[i * p + j]);
        if (!ok)
            continue;
        if (k != i) {
            memmove(x + k * p, x + i * p, p * sizeof *x);
            y[k] = y[i];
        }
        k++;
    }
    return k;
}
