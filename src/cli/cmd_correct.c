/* cmd_correct.c - `downscale correct`: bias-correct a model field against observations.
 *
 * Reads the three inputs, fits the correction per cell on the dates ref and hist share,
 * applies it to sim and writes the result on sim's grid and time axis. The numbers come
 * from dsc_bc_correct_cells, the same code the pipeline's correct stage runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "dsc/bc.h"
#include "dsc/io.h"

/* Blocks of the simulated period, as in the pipeline: QDM takes a value's rank within a
 * 30-year climate, not within a whole transient century. */
#define DEFAULT_BLOCK_YEARS 30

typedef struct {
    const char *ref, *hist, *sim, *out;
    const char *var, *ref_var;
    dsc_bc_config_t cfg;
    long block_years;
    dsc_log_level level;
} correct_args_t;

static void usage(FILE *fp)
{
    fputs("usage: downscale correct --method M --ref OBS.nc --hist MODEL_HIST.nc\n"
          "           --sim MODEL_SIM.nc OUT.nc [options]\n"
          "\n"
          "Fits a bias correction per grid cell or site on the dates OBS and MODEL_HIST share\n"
          "and applies it to MODEL_SIM; writes OUT.nc (CF NetCDF, degC) on MODEL_SIM's grid and\n"
          "time axis. The three files must hold the same grid or sites (regrid first with\n"
          "`downscale regrid`); MODEL_HIST and MODEL_SIM must share a calendar.\n"
          "\n"
          "  --method M       eqm, qdm, dqm, linear_scaling, variance_scaling or delta\n"
          "  --var V          the model variable (default: the file's first temperature)\n"
          "  --ref-var V      the observed variable (default: --var, else guessed)\n"
          "  --grouping G     doy (a moving window around each day of year) or month\n"
          "  --window N       days in the doy window, odd (default 31)\n"
          "  --quantiles N    quantile nodes (default 100)\n"
          "  --kind K         additive (the only kind for temperature)\n"
          "  --block-years N  correct MODEL_SIM in blocks of N years (default 30; 0 = at once)\n"
          "  --quiet, --verbose\n",
          fp);
}

/* Copies an option's text into a fixed-size setting; -1 when it does not fit. */
static int set_text(char *field, size_t size, const char *value)
{
    if (strlen(value) >= size)
        return -1;
    memcpy(field, value, strlen(value) + 1);
    return 0;
}

/* One option with a value; returns 0 when handled, -1 on a bad value. */
static int take_option(correct_args_t *a, const char *opt, const char *val)
{
    long n;
    if (strcmp(opt, "--method") == 0)
        return set_text(a->cfg.method, sizeof a->cfg.method, val);
    if (strcmp(opt, "--kind") == 0)
        return set_text(a->cfg.kind, sizeof a->cfg.kind, val);
    if (strcmp(opt, "--ref") == 0)
        a->ref = val;
    else if (strcmp(opt, "--hist") == 0)
        a->hist = val;
    else if (strcmp(opt, "--sim") == 0)
        a->sim = val;
    else if (strcmp(opt, "--var") == 0)
        a->var = val;
    else if (strcmp(opt, "--ref-var") == 0)
        a->ref_var = val;
    else if (strcmp(opt, "--grouping") == 0) {
        if (strcmp(val, "doy") == 0)
            a->cfg.grouping = DSC_BC_GROUP_DOY;
        else if (strcmp(val, "month") == 0)
            a->cfg.grouping = DSC_BC_GROUP_MONTH;
        else
            return -1;
    } else if (strcmp(opt, "--window") == 0) {
        if (dsc_cli_parse_int(val, 1, 366, &n))
            return -1;
        a->cfg.window = (int)n;
    } else if (strcmp(opt, "--quantiles") == 0) {
        if (dsc_cli_parse_int(val, 1, 100000, &n))
            return -1;
        a->cfg.nquantiles = (size_t)n;
    } else if (strcmp(opt, "--block-years") == 0) {
        if (dsc_cli_parse_int(val, 0, 100000, &a->block_years))
            return -1;
    } else {
        return -2;
    }
    return 0;
}

/* Returns -1 when the command line is unusable (message printed), 1 for --help, else 0. */
static int parse_args(int argc, char **argv, correct_args_t *a)
{
    memset(a, 0, sizeof *a);
    dsc_bc_config_default(&a->cfg);
    a->cfg.method[0] = '\0';
    a->block_years = DEFAULT_BLOCK_YEARS;
    a->level = DSC_LOG_INFO;
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        if (strcmp(opt, "--help") == 0 || strcmp(opt, "-h") == 0)
            return 1;
        if (dsc_cli_log_option(opt, &a->level))
            continue;
        if (opt[0] == '-' && opt[1] == '-') {
            int rc = i + 1 < argc ? take_option(a, opt, argv[i + 1]) : -2;
            if (rc) {
                dsc_cli_option_error("correct", opt, argv[i + 1], rc);
                return -1;
            }
            i++;
        } else if (!a->out) {
            a->out = opt;
        } else {
            fprintf(stderr, "downscale: correct: one output file only ('%s')\n", opt);
            return -1;
        }
    }
    const char *missing = !a->cfg.method[0] ? "--method M"
                          : !a->ref         ? "--ref OBS.nc"
                          : !a->hist        ? "--hist MODEL_HIST.nc"
                          : !a->sim         ? "--sim MODEL_SIM.nc"
                          : !a->out         ? "the output file OUT.nc"
                                            : NULL;
    if (missing) {
        fprintf(stderr, "downscale: correct: %s is missing (see downscale correct --help)\n",
                missing);
        return -1;
    }
    const char *inputs[] = {a->ref, a->hist, a->sim};
    for (size_t k = 0; k < 3; k++)
        if (dsc_cli_same_file(a->out, inputs[k])) {
            fprintf(stderr, "downscale: correct: %s: the output would overwrite an input\n",
                    a->out);
            return -1;
        }
    return 0;
}

/* The dates of f within [d0, d1] that exist in cal, as a borrowed block when they are one
 * run of f, else copied into *values and *dates (owned by the caller). */
static int calibration_block(dsc_ctx_t *ctx, const dsc_field_t *f, dsc_date_t d0, dsc_date_t d1,
                             dsc_calendar_t cal, dsc_bc_cells_t *block, double **values,
                             dsc_date_t **dates, size_t *dropped)
{
    size_t ncell = dsc_field_ncells(f), first = f->ntime, count = 0;
    *values = NULL;
    *dates = NULL;
    *dropped = 0;
    for (size_t t = 0; t < f->ntime; t++) {
        if (dsc_date_compare(f->dates[t], d0) < 0 || dsc_date_compare(f->dates[t], d1) > 0)
            continue;
        if (!dsc_date_valid(cal, f->dates[t])) {
            (*dropped)++;
            continue;
        }
        first = first < t ? first : t;
        count++;
    }
    if (*dropped == 0) {
        *block = (dsc_bc_cells_t){f->values + first * ncell, f->dates + first, count, NULL};
        return DSC_OK;
    }

    /* Another calendar (observations in the standard calendar against a noleap model):
     * the dates the model's calendar lacks, such as 29 February, are left out. */
    *values = dsc_malloc(ctx, (count ? count : 1) * ncell * sizeof **values, f->source);
    *dates = dsc_malloc(ctx, (count ? count : 1) * sizeof **dates, f->source);
    if (!*values || !*dates)
        return DSC_ERR_NOMEM;
    size_t k = 0;
    for (size_t t = first; t < f->ntime && k < count; t++) {
        if (dsc_date_compare(f->dates[t], d1) > 0)
            break;
        if (!dsc_date_valid(cal, f->dates[t]))
            continue;
        memcpy(*values + k * ncell, f->values + t * ncell, ncell * sizeof **values);
        (*dates)[k++] = f->dates[t];
    }
    *block = (dsc_bc_cells_t){*values, *dates, k, NULL};
    return DSC_OK;
}

static int check_inputs(dsc_ctx_t *ctx, const correct_args_t *a, const dsc_field_t *ref,
                        const dsc_field_t *hist, const dsc_field_t *sim)
{
    char why[256];
    int rc = dsc_cli_require_grid(ctx, a->hist, &hist->grid, a->ref, &ref->grid);
    if (rc)
        return rc;
    if (dsc_cli_grids_match(&sim->grid, &hist->grid, why, sizeof why))
        return dsc_error(ctx, DSC_ERR_USAGE, "%s: not on the grid of %s (%s)", a->sim, a->hist,
                         why);
    if (sim->calendar != hist->calendar)
        return dsc_error(ctx, DSC_ERR_USAGE,
                         "%s: calendar %s differs from %s's %s; the "
                         "correction is fitted on the model's calendar",
                         a->sim, dsc_calendar_name(sim->calendar), a->hist,
                         dsc_calendar_name(hist->calendar));
    return DSC_OK;
}

/* The shared period of ref and hist: from the later start to the earlier end. */
static int common_period(dsc_ctx_t *ctx, const correct_args_t *a, const dsc_field_t *ref,
                         const dsc_field_t *hist, dsc_date_t *d0, dsc_date_t *d1)
{
    dsc_date_t r0 = ref->dates[0], r1 = ref->dates[ref->ntime - 1];
    dsc_date_t h0 = hist->dates[0], h1 = hist->dates[hist->ntime - 1];
    *d0 = dsc_date_compare(r0, h0) > 0 ? r0 : h0;
    *d1 = dsc_date_compare(r1, h1) < 0 ? r1 : h1;
    if (dsc_date_compare(*d0, *d1) > 0) {
        char a0[32], a1[32], b0[32], b1[32];
        dsc_date_format(r0, a0, sizeof a0);
        dsc_date_format(r1, a1, sizeof a1);
        dsc_date_format(h0, b0, sizeof b0);
        dsc_date_format(h1, b1, sizeof b1);
        return dsc_error(ctx, DSC_ERR_RANGE,
                         "%s (%s..%s) and %s (%s..%s): no common period "
                         "to fit on",
                         a->ref, a0, a1, a->hist, b0, b1);
    }
    return DSC_OK;
}

static int run(dsc_ctx_t *ctx, const correct_args_t *a, const char *line)
{
    dsc_field_t *ref = NULL, *hist = NULL, *sim = NULL, *out = NULL;
    double *ref_values = NULL, *hist_values = NULL;
    dsc_date_t *ref_dates = NULL, *hist_dates = NULL;
    const char *model_var = a->var, *obs_var = a->ref_var ? a->ref_var : a->var;
    int rc;
    if ((rc = dsc_bc_config_validate(ctx, &a->cfg)) ||
        (rc = dsc_cli_read_input(ctx, a->ref, obs_var, NULL, &ref)) ||
        (rc = dsc_cli_read_input(ctx, a->hist, model_var, NULL, &hist)) ||
        (rc = dsc_cli_read_input(ctx, a->sim, model_var ? model_var : hist->name, NULL, &sim)) ||
        (rc = check_inputs(ctx, a, ref, hist, sim)))
        goto fail;

    dsc_date_t d0, d1;
    dsc_bc_cells_t rb, hb, sb = {sim->values, sim->dates, sim->ntime, NULL};
    size_t ref_dropped, hist_dropped;
    if ((rc = common_period(ctx, a, ref, hist, &d0, &d1)) ||
        (rc = calibration_block(ctx, ref, d0, d1, hist->calendar, &rb, &ref_values, &ref_dates,
                                &ref_dropped)) ||
        (rc = calibration_block(ctx, hist, d0, d1, hist->calendar, &hb, &hist_values, &hist_dates,
                                &hist_dropped)))
        goto fail;
    if (ref_dropped)
        dsc_log(ctx, DSC_LOG_WARN, "correct",
                "%s: %zu dates of the %s calendar do not exist "
                "in the model's %s calendar and are left out of the fit",
                a->ref, ref_dropped, dsc_calendar_name(ref->calendar),
                dsc_calendar_name(hist->calendar));

    out = dsc_field_create(ctx, sim->name, sim->calendar, sim->ntime, &sim->grid);
    if (!out) {
        rc = dsc_ctx_status(ctx);
        goto fail;
    }
    memcpy(out->dates, sim->dates, sim->ntime * sizeof *out->dates);
    snprintf(out->units, sizeof out->units, "%s", sim->units);
    size_t ncell = dsc_field_ncells(sim), skipped = 0;
    rc = dsc_bc_correct_cells(ctx, &a->cfg, hist->calendar, ncell, &rb, &hb, &sb,
                              (int)a->block_years, out->values, &skipped);
    if (rc)
        goto fail;
    if (skipped)
        dsc_log(ctx, DSC_LOG_WARN, "correct",
                "%zu of %zu cells have no observed or no "
                "historical model value and stay missing",
                skipped, ncell);

    char p0[32], p1[32], title[256], source[3 * 1024], comment[256];
    dsc_date_format(d0, p0, sizeof p0);
    dsc_date_format(d1, p1, sizeof p1);
    snprintf(title, sizeof title, "%s bias-corrected with %s", sim->name, a->cfg.method);
    snprintf(source, sizeof source, "ref %s; hist %s; sim %s", a->ref, a->hist, a->sim);
    char grouping[64] = "monthly groups";
    if (a->cfg.grouping == DSC_BC_GROUP_DOY)
        snprintf(grouping, sizeof grouping, "%d-day windows", a->cfg.window);
    snprintf(comment, sizeof comment,
             "%s, %s, %zu quantile nodes, blocks of %ld years, "
             "fitted on %s..%s; temperatures in degC",
             a->cfg.method, grouping, a->cfg.nquantiles, a->block_years, p0, p1);
    dsc_nc_meta_t meta = {title, source, line, comment};
    if ((rc = dsc_io_write_field_nc(ctx, a->out, out, &meta)))
        goto fail;
    dsc_log(ctx, DSC_LOG_INFO, "correct",
            "%s: %s fitted on %s..%s (%zu ref, %zu hist days), "
            "%zu days x %zu cells corrected",
            a->out, a->cfg.method, p0, p1, rb.n, hb.n, sim->ntime, ncell);
fail:
    free(ref_values);
    free(ref_dates);
    free(hist_values);
    free(hist_dates);
    dsc_field_destroy(ref);
    dsc_field_destroy(hist);
    dsc_field_destroy(sim);
    dsc_field_destroy(out);
    return rc;
}

int dsc_cmd_correct(int argc, char **argv)
{
    correct_args_t a;
    int parsed = parse_args(argc, argv, &a), code;
    dsc_ctx_t *ctx = dsc_cli_begin(parsed, usage, a.level, &code);
    if (!ctx)
        return code;
    char line[4096];
    dsc_cli_join_args(argc, argv, line, sizeof line);
    return dsc_cli_finish(ctx, run(ctx, &a, line), "see downscale correct --help");
}
