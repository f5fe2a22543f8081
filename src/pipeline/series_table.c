/* series_table.c - the columns of a member laid out for output: the spatial mean of each
 * method on each day, historical days first, then each scenario's future days. Shared by
 * the CSV and NetCDF writers and the figures so that all three show the same numbers. */
#include "pipeline/series_table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Mean over cells of one day, ignoring missing cells. */
static double cell_mean(const float *v, size_t t, size_t ncell)
{
    if (!v)
        return NAN;
    double s = 0;
    size_t k = 0;
    for (size_t c = 0; c < ncell; c++) {
        double x = v[t * ncell + c];
        if (isfinite(x)) {
            s += x;
            k++;
        }
    }
    return k ? s / (double)k : NAN;
}

void dsc_table_free(dsc_table_t *tb)
{
    free(tb->dates);
    free(tb->scen);
    for (size_t k = 0; k < DSC_TABLE_NCOL; k++)
        free(tb->col[k]);
    memset(tb, 0, sizeof *tb);
}

int dsc_table_build(dsc_ctx_t *ctx, const dsc_member_t *m, dsc_table_t *tb)
{
    memset(tb, 0, sizeof *tb);
    size_t n = m->nh;
    for (size_t s = 0; s < m->nscen; s++)
        n += m->scen[s].n;
    tb->n = n;
    tb->dates = dsc_malloc(ctx, n * sizeof *tb->dates, "table dates");
    tb->scen = dsc_malloc(ctx, n * sizeof *tb->scen, "table scenarios");
    int ok = tb->dates && tb->scen;
    for (size_t k = 0; k < DSC_TABLE_NCOL && ok; k++)
        ok = (tb->col[k] = dsc_nan_array(ctx, n, "table column")) != NULL;
    if (!ok) {
        dsc_table_free(tb);
        return DSC_ERR_NOMEM;
    }
    for (size_t t = 0; t < m->nh; t++) {
        tb->dates[t] = m->hdates[t];
        tb->scen[t] = -1;
        const float *src[DSC_TABLE_NCOL] = {m->obs, m->gcm,    m->ann, m->ann_bc,
                                            m->lin, m->ann_sd, m->obs2};
        for (size_t k = 0; k < DSC_TABLE_NCOL; k++)
            tb->col[k][t] = cell_mean(src[k], t, m->ncell);
    }
    size_t row = m->nh;
    for (size_t s = 0; s < m->nscen; s++) {
        const dsc_scenario_data_t *sc = &m->scen[s];
        for (size_t t = 0; t < sc->n; t++, row++) {
            tb->dates[row] = sc->dates[t];
            tb->scen[row] = (int)s;
            const float *src[DSC_TABLE_NCOL] = {NULL,    sc->gcm,    sc->ann, sc->ann_bc,
                                                sc->lin, sc->ann_sd, NULL};
            for (size_t k = 0; k < DSC_TABLE_NCOL; k++)
                tb->col[k][row] = cell_mean(src[k], t, m->ncell);
        }
    }
    return DSC_OK;
}
