/* change.c - the change of the annual mean per scenario, late period minus base period,
 * from the daily series the run wrote (so the table agrees with the file it links to). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"

const char *const REPORT_METHOD_NAMES[REPORT_METHODS] = {"obs", "gcm", "ann", "ann_bc",
                                                         "linear"};
const char *const REPORT_METHOD_LABELS[REPORT_METHODS] = {
    "Observed", "Raw GCM", "ANN", "ANN bias-corrected", "Linear regression"};

/* The rows of one scenario in one year. */
typedef struct {
    int scen; /* index into the scenario names; 0 is "historical" */
    int year;
    size_t rows;
    size_t n[REPORT_METHODS];
    double sum[REPORT_METHODS];
} year_group_t;

typedef struct {
    year_group_t *g;
    size_t n, cap;
    char names[1 + 64][64]; /* scenario names, [0] = "historical" */
    size_t nnames;
} groups_t;

static int scen_index(groups_t *gs, const char *name)
{
    for (size_t i = 0; i < gs->nnames; i++)
        if (strcmp(gs->names[i], name) == 0)
            return (int)i;
    if (gs->nnames == sizeof gs->names / sizeof gs->names[0])
        return -1;
    snprintf(gs->names[gs->nnames], sizeof gs->names[0], "%s", name);
    return (int)gs->nnames++;
}

static year_group_t *group_for(dsc_ctx_t *ctx, groups_t *gs, int scen, int year)
{
    /* Rows come sorted by scenario and date, so the group is nearly always the last one. */
    for (size_t i = gs->n; i-- > 0;)
        if (gs->g[i].scen == scen && gs->g[i].year == year)
            return &gs->g[i];
    if (gs->n == gs->cap) {
        size_t cap = gs->cap ? 2 * gs->cap : 256;
        year_group_t *g = realloc(gs->g, cap * sizeof *g);
        if (!g) {
            dsc_error(ctx, DSC_ERR_NOMEM, "change table: out of memory");
            return NULL;
        }
        gs->g = g;
        gs->cap = cap;
    }
    year_group_t *g = &gs->g[gs->n++];
    memset(g, 0, sizeof *g);
    g->scen = scen;
    g->year = year;
    return g;
}

static double annual_mean(const groups_t *gs, int scen, int year, int k)
{
    for (size_t i = 0; i < gs->n; i++) {
        const year_group_t *g = &gs->g[i];
        if (g->scen != scen || g->year != year)
            continue;
        /* Most of a year must be there: a mean of the summer alone is no annual mean. */
        return g->n[k] > 0 && (double)g->n[k] >= 0.9 * (double)g->rows
                   ? g->sum[k] / (double)g->n[k]
                   : NAN;
    }
    return NAN;
}

/* Mean over a period of the annual means, each year from the first scenario that has it. */
static double period_mean(const groups_t *gs, int first, int second, dsc_report_period_t p,
                          int k)
{
    double s = 0;
    size_t n = 0;
    for (int y = p.y0; p.y0 && y <= p.y1; y++) {
        double v = annual_mean(gs, first, y, k);
        if (isnan(v) && second >= 0)
            v = annual_mean(gs, second, y, k);
        if (isfinite(v)) {
            s += v;
            n++;
        }
    }
    return n ? s / (double)n : NAN;
}

static int collect(dsc_ctx_t *ctx, const char *path, const report_csv_t *csv, groups_t *gs)
{
    int cdate = report_csv_col(csv, "date"), cscen = report_csv_col(csv, "scenario");
    int cols[REPORT_METHODS];
    if (cdate < 0 || cscen < 0)
        return dsc_error(ctx, DSC_ERR_FORMAT, "%s: no 'date' or 'scenario' column", path);
    for (int k = 0; k < REPORT_METHODS; k++)
        cols[k] = report_csv_col(csv, REPORT_METHOD_NAMES[k]);
    scen_index(gs, "historical");
    for (size_t r = 0; r < csv->nrows; r++) {
        int year = atoi(report_csv_cell(csv, r, cdate));
        int scen = scen_index(gs, report_csv_cell(csv, r, cscen));
        if (scen < 0)
            return dsc_error(ctx, DSC_ERR_FORMAT, "%s: more than 64 scenarios", path);
        year_group_t *g = group_for(ctx, gs, scen, year);
        if (!g)
            return DSC_ERR_NOMEM;
        g->rows++;
        for (int k = 0; k < REPORT_METHODS; k++) {
            double v = report_csv_num(csv, r, cols[k]);
            if (isfinite(v)) {
                g->sum[k] += v;
                g->n[k]++;
            }
        }
    }
    return DSC_OK;
}

int report_change_read(dsc_ctx_t *ctx, const char *path, dsc_report_period_t base,
                       dsc_report_period_t late, report_change_t *out, size_t max)
{
    report_csv_t csv;
    groups_t *gs = dsc_calloc(ctx, 1, sizeof *gs, "change table");
    if (!gs)
        return -1;
    int rc = report_csv_read(ctx, path, &csv);
    if (!rc)
        rc = collect(ctx, path, &csv, gs);
    report_csv_free(&csv);

    size_t n = 0;
    for (size_t s = 1; s < gs->nnames && n < max && !rc; s++) {
        report_change_t *c = &out[n++];
        snprintf(c->scenario, sizeof c->scenario, "%s", gs->names[s]);
        for (int k = 0; k < REPORT_METHODS; k++) {
            c->base[k] = period_mean(gs, 0, (int)s, base, k);
            c->late[k] = period_mean(gs, (int)s, 0, late, k);
            c->change[k] = c->late[k] - c->base[k];
        }
    }
    free(gs->g);
    free(gs);
    return rc ? -1 : (int)n;
}
