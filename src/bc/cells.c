/* cells.c - a bias correction fitted and applied cell by cell over a whole field.
 *
 * Cells are independent, so they are shared among OpenMP threads. Each thread owns its
 * context and its column buffers (a block of a few cells of each input), and each cell's
 * result depends only on that cell's values, so the output is the same for any number of
 * threads. The positions in the year are computed once per input, not once per cell.
 */
#include "bc_internal.h"
#include "dsc/interrupt.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Cells are gathered from the time-major arrays CELL_BLOCK at a time: neighbouring cells
 * share cache lines, so one pass over the rows fills many columns for the price of one.
 * On 150 years x 400 cells 16 was about 6 % faster than 8, but it doubles each thread's
 * columns (28 MB instead of 14 MB), and memory per thread is what bounds a big run. */
#define CELL_BLOCK 8

/* One thread's columns: CELL_BLOCK cells of ref, hist and sim and the corrected sim, each
 * column of the block after the other (column j of ref at ref + j * nref). */
typedef struct {
    double *ref, *hist, *sim, *out;
} columns_t;

static void columns_free(columns_t *k)
{
    free(k->ref);
    free(k->hist);
    free(k->sim);
    free(k->out);
    memset(k, 0, sizeof *k);
}

static int columns_alloc(dsc_ctx_t *ctx, columns_t *k, size_t nr, size_t nh, size_t ns)
{
    size_t b = CELL_BLOCK;
    k->ref = dsc_malloc(ctx, (nr ? nr : 1) * b * sizeof *k->ref, "bias correction columns");
    k->hist = dsc_malloc(ctx, (nh ? nh : 1) * b * sizeof *k->hist, "bias correction columns");
    k->sim = dsc_malloc(ctx, (ns ? ns : 1) * b * sizeof *k->sim, "bias correction columns");
    k->out = dsc_malloc(ctx, (ns ? ns : 1) * b * sizeof *k->out, "bias correction columns");
    if (!k->ref || !k->hist || !k->sim || !k->out) {
        columns_free(k);
        return DSC_ERR_NOMEM;
    }
    return DSC_OK;
}

/* Copies cells c0 .. c0 + nb - 1 of a time-major block into nb columns of length s->n. */
static void gather(const dsc_bc_cells_t *s, size_t ncell, size_t c0, size_t nb, double *cols)
{
    for (size_t t = 0; t < s->n; t++) {
        if (s->values) {
            const double *row = s->values + t * ncell + c0;
            for (size_t j = 0; j < nb; j++)
                cols[j * s->n + t] = row[j];
        } else {
            const float *row = s->values32 + t * ncell + c0;
            for (size_t j = 0; j < nb; j++)
                cols[j * s->n + t] = row[j];
        }
    }
}

/* The output: one of the two is set. */
typedef struct {
    double *values;
    float *values32;
} output_t;

static void scatter(const double *cols, size_t n, size_t ncell, size_t c0, size_t nb,
                    const output_t *out)
{
    for (size_t t = 0; t < n; t++) {
        if (out->values) {
            double *row = out->values + t * ncell + c0;
            for (size_t j = 0; j < nb; j++)
                row[j] = cols[j * n + t];
        } else {
            float *row = out->values32 + t * ncell + c0;
            for (size_t j = 0; j < nb; j++)
                row[j] = (float)cols[j * n + t];
        }
    }
}

static size_t count_finite(const double *x, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += isfinite(x[i]) != 0;
    return k;
}

/* The dates and positions in the year of one input, shared by every cell. */
typedef struct {
    const dsc_date_t *dates;
    const int *pos;
    size_t n;
} timeline_t;

/* Applies bc to sim in blocks of block_years calendar years from sim's first year (0: one
 * block), so the methods that read the simulated period's own statistics see one climate. */
static int apply_blocks(dsc_ctx_t *ctx, const dsc_bc_t *bc, const double *sim, const timeline_t *tl,
                        int block_years, double *out)
{
    size_t t = 0;
    while (t < tl->n) {
        size_t start = t;
        if (block_years <= 0) {
            t = tl->n;
        } else {
            int end_year = tl->dates[start].year + block_years;
            while (t < tl->n && tl->dates[t].year < end_year)
                t++;
        }
        int rc = bc_apply_positions(ctx, bc, sim + start, tl->pos + start, t - start, out + start);
        if (rc != DSC_OK)
            return rc;
    }
    return DSC_OK;
}

/* One cell's columns: NaN where the cell has nothing to fit on, else fit and apply. */
static int correct_column(dsc_ctx_t *ctx, const dsc_bc_config_t *cfg, dsc_calendar_t cal,
                          const double *ref, const timeline_t *rt, const double *hist,
                          const timeline_t *ht, const double *sim, const timeline_t *st,
                          int block_years, double *out, int *skipped)
{
    for (size_t t = 0; t < st->n; t++)
        out[t] = NAN;
    *skipped = count_finite(ref, rt->n) == 0 || count_finite(hist, ht->n) == 0;
    if (*skipped)
        return DSC_OK;
    dsc_bc_t *bc = NULL;
    int rc = bc_fit_positions(ctx, cfg, cal, ref, rt->pos, rt->n, hist, ht->pos, ht->n, &bc);
    if (rc == DSC_ERR_RANGE) {
        /* Values exist but never in the same group of ref and hist: nothing to learn. */
        *skipped = 1;
        return DSC_OK;
    }
    if (rc == DSC_OK)
        rc = apply_blocks(ctx, bc, sim, st, block_years, out);
    dsc_bc_destroy(bc);
    return rc;
}

static int check_block(dsc_ctx_t *ctx, const dsc_bc_cells_t *s, size_t ncell, const char *what)
{
    if (!s || (s->n && ((!s->values && !s->values32) || !s->dates)))
        return dsc_error(ctx, DSC_ERR_USAGE, "bias correction of cells: %s is missing", what);
    if (ncell && s->n > SIZE_MAX / ncell)
        return dsc_error(ctx, DSC_ERR_USAGE, "bias correction of cells: %s is too large", what);
    return DSC_OK;
}

/* Positions in the year of one input's dates; what names it in messages. */
static int timeline_build(dsc_ctx_t *ctx, const dsc_bc_config_t *cfg, dsc_calendar_t cal,
                          const dsc_bc_cells_t *s, const char *what, timeline_t *tl, int **pos)
{
    *pos = bc_positions_alloc(ctx, s->n);
    if (!*pos)
        return DSC_ERR_NOMEM;
    *tl = (timeline_t){s->dates, *pos, s->n};
    return bc_positions(ctx, cfg->grouping, cal, s->dates, s->n, what, *pos);
}

/* What every thread reads: the settings, the inputs with their shared positions, and the
 * output, whose cells the threads fill in disjoint blocks. */
typedef struct {
    const dsc_bc_config_t *cfg;
    dsc_calendar_t cal;
    size_t ncell;
    const dsc_bc_cells_t *ref, *hist, *sim;
    timeline_t rt, ht, st;
    int block_years;
    output_t out;
} job_t;

static int correct_block(dsc_ctx_t *ctx, const job_t *j, size_t c0, size_t nb, columns_t *k,
                         size_t *nskipped, size_t *fail_cell)
{
    gather(j->ref, j->ncell, c0, nb, k->ref);
    gather(j->hist, j->ncell, c0, nb, k->hist);
    gather(j->sim, j->ncell, c0, nb, k->sim);
    int rc = DSC_OK;
    for (size_t b = 0; b < nb && rc == DSC_OK; b++) {
        int skip = 0;
        rc = correct_column(ctx, j->cfg, j->cal, k->ref + b * j->rt.n, &j->rt,
                            k->hist + b * j->ht.n, &j->ht, k->sim + b * j->st.n, &j->st,
                            j->block_years, k->out + b * j->st.n, &skip);
        *nskipped += (size_t)skip;
        if (rc != DSC_OK)
            *fail_cell = c0 + b;
    }
    if (rc == DSC_OK)
        scatter(k->out, j->st.n, j->ncell, c0, nb, &j->out);
    return rc;
}

static int correct_cells(dsc_ctx_t *ctx, const dsc_bc_config_t *cfg, dsc_calendar_t cal,
                         size_t ncell, const dsc_bc_cells_t *ref, const dsc_bc_cells_t *hist,
                         const dsc_bc_cells_t *sim, int block_years, output_t out, size_t *skipped)
{
    int *pos[3] = {NULL, NULL, NULL};
    job_t j = {cfg, cal, ncell, ref, hist, sim, {0}, {0}, {0}, block_years, out};
    int rc;
    if (skipped)
        *skipped = 0;
    if (!cfg || (!out.values && !out.values32))
        return dsc_error(ctx, DSC_ERR_USAGE, "bias correction of cells: missing argument");
    if ((rc = check_block(ctx, ref, ncell, "ref")) != DSC_OK ||
        (rc = check_block(ctx, hist, ncell, "hist")) != DSC_OK ||
        (rc = check_block(ctx, sim, ncell, "sim")) != DSC_OK)
        return rc;
    if ((rc = bc_config_check(ctx, cfg)) != DSC_OK)
        return rc;
    if (!bc_method_find(cfg))
        return bc_method_unknown(ctx, cfg);
    if (dsc_bc_group_count(cfg->grouping, cal) == 0)
        return dsc_error(ctx, DSC_ERR_USAGE, "bias correction calendar %d: unknown", (int)cal);
    if ((rc = timeline_build(ctx, cfg, cal, ref, "ref", &j.rt, &pos[0])) != DSC_OK ||
        (rc = timeline_build(ctx, cfg, cal, hist, "hist", &j.ht, &pos[1])) != DSC_OK ||
        (rc = timeline_build(ctx, cfg, cal, sim, "sim", &j.st, &pos[2])) != DSC_OK)
        goto done;

    /* The first failure in cell order is reported, whatever thread met it first. */
    size_t fail_cell = ncell, nskipped = 0, stopped = 0,
           nblocks = (ncell + CELL_BLOCK - 1) / CELL_BLOCK;
    int fail_rc = DSC_OK;
    char fail_msg[512] = "";
#pragma omp parallel reduction(+ : nskipped, stopped)
    {
        dsc_ctx_t *tctx = dsc_ctx_create();
        columns_t k = {0};
        int trc = tctx ? columns_alloc(tctx, &k, ref->n, hist->n, sim->n) : DSC_ERR_NOMEM;
#pragma omp for schedule(dynamic, 1)
        for (size_t blk = 0; blk < nblocks; blk++) {
            size_t c0 = blk * CELL_BLOCK;
            size_t nb = ncell - c0 < CELL_BLOCK ? ncell - c0 : CELL_BLOCK;
            size_t bad = c0;
            if (dsc_interrupted()) {
                stopped++;
                continue;
            }
            int crc = trc ? trc : correct_block(tctx, &j, c0, nb, &k, &nskipped, &bad);
            if (crc != DSC_OK) {
#pragma omp critical(dsc_bc_cells_fail)
                if (bad < fail_cell) {
                    fail_cell = bad;
                    fail_rc = crc;
                    snprintf(fail_msg, sizeof fail_msg, "%s",
                             tctx ? dsc_ctx_message(tctx) : "out of memory");
                }
            }
        }
        columns_free(&k);
        dsc_ctx_destroy(tctx);
    }
    if (skipped)
        *skipped = nskipped;
    if (stopped)
        rc = dsc_error(ctx, DSC_ERR_INTERRUPTED, "bias correction of cells: interrupted by %s",
                       dsc_interrupt_name(dsc_interrupted()));
    else if (fail_rc != DSC_OK)
        rc = dsc_error(ctx, fail_rc, "cell %zu: %s", fail_cell, fail_msg);
done:
    for (int i = 0; i < 3; i++)
        free(pos[i]);
    return rc;
}

int dsc_bc_correct_cells(dsc_ctx_t *ctx, const dsc_bc_config_t *cfg, dsc_calendar_t cal,
                         size_t ncell, const dsc_bc_cells_t *ref, const dsc_bc_cells_t *hist,
                         const dsc_bc_cells_t *sim, int block_years, double *out, size_t *skipped)
{
    output_t o = {out, NULL};
    return correct_cells(ctx, cfg, cal, ncell, ref, hist, sim, block_years, o, skipped);
}

int dsc_bc_correct_cells32(dsc_ctx_t *ctx, const dsc_bc_config_t *cfg, dsc_calendar_t cal,
                           size_t ncell, const dsc_bc_cells_t *ref, const dsc_bc_cells_t *hist,
                           const dsc_bc_cells_t *sim, int block_years, float *out, size_t *skipped)
{
    output_t o = {NULL, out};
    return correct_cells(ctx, cfg, cal, ncell, ref, hist, sim, block_years, o, skipped);
}
