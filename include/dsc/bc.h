/* bc.h - bias correction of temperature (additive forms), fitted per day-of-year window or
 * per month.
 *
 * One cell at a time: ref (observations) and hist (model, same historical period) fit the
 * correction; apply corrects a series sim (historical or future). Missing values (NaN, and
 * any non-finite value) stay missing and are ignored when fitting. Dates carry the series'
 * calendar. Values are in one unit (K or degC, the same for ref, hist and sim).
 *
 * Groups. Each date has a position in the year taken from its month and day:
 *   - months: 12 groups, position = month - 1;
 *   - days: noleap 365 positions, 360_day 360, and 366 for standard, proleptic_gregorian,
 *     julian and all_leap, where the position is the day of year of a leap year: 29 Feb is
 *     position 59 (0-based) of its own, filled in leap years only, and 1 Mar is always 60.
 * The day group of position g holds every value whose position lies within window/2 of g,
 * wrapping across the new year (the window counts positions, so in a non-leap year of the
 * standard calendar a window that spans 29 Feb holds one real day fewer). A date is
 * corrected with the group of its own position.
 *
 * Methods (kind "additive"; nq quantile nodes at p_i = (i + 0.5) / nq, type-7 quantiles):
 *   eqm    out = x + (F_ref^-1 - F_hist^-1) at the position of x among hist's nodes, linear
 *          between nodes; beyond the first/last node the correction of that node (constant
 *          extrapolation). Fitted and applied to hist it gives ref's quantiles at the nodes.
 *   qdm    (Cannon et al. 2015) tau is the position of x among the nodes of sim itself in
 *          the group; out = F_ref^-1(tau) + (x - F_hist^-1(tau)). sim = hist + c gives
 *          ref + c at every node.
 *   dqm    s = mean_sim - mean_hist of the group; out = eqm(x - s) + s.
 *   linear_scaling    out = x + mean_ref - mean_hist.
 *   variance_scaling  out = mean_sim + (mean_ref - mean_hist)
 *                           + (x - mean_sim) sd_ref / sd_hist (population sd; ratio 1 where
 *                           hist is constant).
 *   delta  out = mean_ref + (mean_sim - mean_hist): ref's group climatology moved by the
 *          model's mean change, the same value for every date of a group (no day-to-day
 *          weather); sim only decides where values are missing.
 * "sim" statistics (qdm, dqm, variance_scaling, delta) are taken over every value passed to
 * one apply call: pass one period (e.g. 30 years of a scenario) at a time, not a whole
 * transient run, or the trend inside the run is taken for spread.
 */
#ifndef DSC_BC_H
#define DSC_BC_H

#include "dsc/time.h"

typedef enum {
    DSC_BC_GROUP_DOY = 0, /* a moving window of `window` days centred on each day of year,
                             wrapping across the new year */
    DSC_BC_GROUP_MONTH    /* calendar months */
} dsc_bc_grouping;

typedef struct {
    char method[24];         /* "eqm", "qdm", "dqm", "linear_scaling", "variance_scaling",
                                "delta" */
    char kind[16];           /* "additive" (temperature); "multiplicative" is refused */
    dsc_bc_grouping grouping;
    int window;              /* days, odd, for DSC_BC_GROUP_DOY; default 31 */
    size_t nquantiles;       /* quantile nodes, equally spaced probabilities strictly
                                inside (0, 1); default 100 */
    char extrapolation[16];  /* beyond the fitted range: "constant" (default); "" means
                                the default, as does "" for kind */
} dsc_bc_config_t;

/* Defaults: eqm, additive, doy window 31, 100 quantiles, constant extrapolation. */
void dsc_bc_config_default(dsc_bc_config_t *cfg);
/* Checks settings before any data is read: DSC_ERR_CONFIG, with the message dsc_bc_fit would
 * give, for a multiplicative or unknown kind, an unknown method or extrapolation, an even or
 * non-positive day window, or nquantiles 0. (A window longer than the calendar's year can
 * only be refused by the fit, which knows the calendar.) */
int dsc_bc_config_validate(dsc_ctx_t *ctx, const dsc_bc_config_t *cfg);

typedef struct dsc_bc dsc_bc_t;

/* Fits the correction from ref[n_ref] at ref_dates and hist[n_hist] at hist_dates (both in
 * calendar cal; the periods need not have the same length). A multiplicative kind, an
 * unknown method, an even or non-positive window (day grouping only), a window longer than
 * the calendar's year or nquantiles 0 is DSC_ERR_CONFIG. A date that does not exist in cal
 * is DSC_ERR_USAGE naming the series and index. A group with no valid ref or hist value
 * gives missing values on apply; only when every group is empty is it DSC_ERR_RANGE. The
 * inputs are borrowed for the call only. The caller owns *out: dsc_bc_destroy(); *out is
 * NULL on failure. The fitted object holds groups x nquantiles doubles for ref and hist. */
int dsc_bc_fit(dsc_ctx_t *ctx, const dsc_bc_config_t *cfg, dsc_calendar_t cal,
               const double *ref, const dsc_date_t *ref_dates, size_t n_ref,
               const double *hist, const dsc_date_t *hist_dates, size_t n_hist,
               dsc_bc_t **out);

/* Corrects sim (n values at dates, in the calendar of the fit) into out[n] (may alias sim).
 * For "qdm" the simulated period's own quantiles are taken from sim itself in each group,
 * so the model's change between hist and sim is kept at every quantile. A missing sim value
 * or a group the fit had no data for gives NaN; a finite value in a fitted group never
 * does. A date not in the calendar is DSC_ERR_USAGE (checked before anything is written).
 * bc is only read, so several threads may apply one fit at once. */
int dsc_bc_apply(dsc_ctx_t *ctx, const dsc_bc_t *bc, const double *sim,
                 const dsc_date_t *dates, size_t n, double *out);
/* Frees the correction; NULL is accepted. */
void dsc_bc_destroy(dsc_bc_t *bc);

/* Number of groups a fit uses: 12 for months; 365 (noleap), 360 (360_day) or 366 (the other
 * calendars) for day windows. 0 for an unknown calendar. */
size_t dsc_bc_group_count(dsc_bc_grouping grouping, dsc_calendar_t cal);
/* The 0-based group (position in the year, see above) of date d, or -1 when d is not a date
 * of cal. */
int dsc_bc_group_index(dsc_bc_grouping grouping, dsc_calendar_t cal, dsc_date_t d);
/* Number of groups of a fitted correction (0 for NULL). */
size_t dsc_bc_groups(const dsc_bc_t *bc);

/* ---- whole fields --------------------------------------------------------------------- */

/* A time-major block of cells: values[t * ncell + c] for t < n, at dates[t] (increasing).
 * The values are double, or single precision in values32 when values is NULL (large
 * fields kept as float); the columns are corrected in double either way. Both arrays are
 * borrowed. */
typedef struct {
    const double *values;
    const dsc_date_t *dates;
    size_t n;
    const float *values32;
} dsc_bc_cells_t;

/* Fits cfg per cell on ref and hist (the same ncell cells, dates in cal; their periods may
 * differ) and corrects sim into out (sim->n x ncell, time-major; must not alias sim). sim is
 * corrected in blocks of block_years calendar years counted from its first date, one
 * dsc_bc_apply per block, so that qdm, dqm, delta and variance_scaling take the simulated
 * statistics from one climate rather than from a whole transient run (the pipeline uses
 * 30); block_years <= 0 corrects all of sim at once.
 * A cell with no finite ref or no finite hist value, or none in a shared group, is not an
 * error: its output is NaN and it is counted in *skipped (may be NULL). Cells run in
 * parallel (OpenMP); each thread holds the columns of 8 cells of each input and one
 * cell's fit (its groups and one moving window), and the result is the same for any
 * number of threads. Settings (DSC_ERR_CONFIG) and dates (DSC_ERR_USAGE naming
 * "ref", "hist" or "sim" and the index, as dsc_bc_fit does) are checked before any cell is
 * touched; a later failure is that of the first failing cell in cell order, its message
 * starting "cell N: ". On failure out is partly written. */
int dsc_bc_correct_cells(dsc_ctx_t *ctx, const dsc_bc_config_t *cfg, dsc_calendar_t cal,
                         size_t ncell, const dsc_bc_cells_t *ref, const dsc_bc_cells_t *hist,
                         const dsc_bc_cells_t *sim, int block_years, double *out,
                         size_t *skipped);
/* The same, writing the corrected values in single precision. */
int dsc_bc_correct_cells32(dsc_ctx_t *ctx, const dsc_bc_config_t *cfg, dsc_calendar_t cal,
                           size_t ncell, const dsc_bc_cells_t *ref, const dsc_bc_cells_t *hist,
                           const dsc_bc_cells_t *sim, int block_years, float *out,
                           size_t *skipped);

#endif
