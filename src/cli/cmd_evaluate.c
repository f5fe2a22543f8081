/* cmd_evaluate.c - `downscale evaluate`: how well simulated series match a reference.
 *
 * Each SIM is paired with REF by date (over --period when given); every statistic of a SIM
 * is taken on those pairs, with the library's stats functions the pipeline also uses. The
 * results go to CSV files in the output folder, each written to a temporary name and renamed.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "dsc/io.h"
#include "dsc/stats.h"

/* A year or season enters a mean or a trend with at least this share of its days. */
#define MIN_COVERAGE 0.9
#define TREND_LEVEL 0.95
#define MAX_SIMS 64

typedef struct {
    const char *ref;
    const char *sims[MAX_SIMS];
    size_t nsim;
    const char *var, *ref_var, *out_dir;
    int y0, y1; /* period; y0 > y1 when unset */
    double bin_width;
    dsc_log_level level;
} evaluate_args_t;

/* One SIM paired with the reference: n dates both have, in the reference's calendar. */
typedef struct {
    char name[128]; /* column label: the file name without folder and extension */
    size_t n, ncell;
    dsc_date_t *dates;         /* n */
    double *ref, *sim;         /* n x ncell, time-major */
    double *ref_day, *sim_day; /* n spatial means per day */
    dsc_taylor_t daily, cycle;
    int has_daily, has_cycle;
    double ks;
    dsc_trend_t trend_ref, trend_sim;
    int has_trend;
    double cycle_sim[366];
    double seasons_sim[4];
    size_t *counts; /* histogram on the shared bins */
} pair_t;

static void usage(FILE *fp)
{
    fputs("usage: downscale evaluate --ref OBS.nc SIM.nc... [options]\n"
          "\n"
          "Compares each SIM with OBS on the dates both have (same grid or sites) and writes\n"
          "CSV files to the output folder: taylor.csv (daily values and mean annual cycle),\n"
          "scores.csv (bias, RMSE, Kolmogorov-Smirnov distance, trend per decade with its 95%\n"
          "interval), histogram.csv (counts on shared bins), annual_cycle.csv and seasons.csv.\n"
          "\n"
          "  --var V          the simulated variable (default: the reference's, else the\n"
          "                   file's first temperature)\n"
          "  --ref-var V      the observed variable (default: --var, else guessed)\n"
          "  --out DIR        output folder (default: the current folder)\n"
          "  --period Y0-Y1   only these years\n"
          "  --bin-width W    histogram bin width in degC, at least 0.001 (default 1)\n"
          "  --quiet, --verbose\n",
          fp);
}

static int take_option(evaluate_args_t *a, const char *opt, const char *val)
{
    if (strcmp(opt, "--ref") == 0) {
        a->ref = val;
    } else if (strcmp(opt, "--var") == 0) {
        a->var = val;
    } else if (strcmp(opt, "--ref-var") == 0) {
        a->ref_var = val;
    } else if (strcmp(opt, "--out") == 0 || strcmp(opt, "-o") == 0) {
        a->out_dir = val;
    } else if (strcmp(opt, "--period") == 0) {
        if (dsc_cli_parse_years(val, &a->y0, &a->y1))
            return -1;
    } else if (strcmp(opt, "--bin-width") == 0) {
        char *end;
        a->bin_width = strtod(val, &end);
        /* Under 0.001 degC a histogram of temperatures has more bins than values. */
        if (end == val || *end || !(a->bin_width >= 1e-3) || !isfinite(a->bin_width))
            return -1;
    } else {
        return -2;
    }
    return 0;
}

/* Returns -1 when the command line is unusable (message printed), 1 for --help, else 0. */
static int parse_args(int argc, char **argv, evaluate_args_t *a)
{
    memset(a, 0, sizeof *a);
    a->out_dir = ".";
    a->y0 = 1;
    a->y1 = 0;
    a->bin_width = 1.0;
    a->level = DSC_LOG_INFO;
    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        if (strcmp(opt, "--help") == 0 || strcmp(opt, "-h") == 0)
            return 1;
        if (dsc_cli_log_option(opt, &a->level))
            continue;
        if (opt[0] == '-' && opt[1] != '\0') {
            int rc = i + 1 < argc ? take_option(a, opt, argv[i + 1]) : -2;
            if (rc) {
                dsc_cli_option_error("evaluate", opt, argv[i + 1], rc);
                return -1;
            }
            i++;
        } else if (a->nsim == MAX_SIMS) {
            fprintf(stderr, "downscale: evaluate: at most %d simulations at once\n", MAX_SIMS);
            return -1;
        } else {
            a->sims[a->nsim++] = opt;
        }
    }
    if (!a->ref || a->nsim == 0) {
        fprintf(stderr, "downscale: evaluate: %s is missing (see downscale evaluate --help)\n",
                !a->ref ? "--ref OBS.nc" : "a simulation SIM.nc");
        return -1;
    }
    return 0;
}

/* The column label of a file: its name without folder and extension, made unique among the
 * labels before it and free of the CSV separator. */
static void label_of(const char *path, const pair_t *pairs, size_t k, char *out, size_t size)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    snprintf(out, size, "%s", base);
    char *dot = strrchr(out, '.');
    if (dot && dot != out)
        *dot = '\0';
    for (char *c = out; *c; c++)
        if (*c == ',' || *c == '"' || *c == '\n')
            *c = '_';
    for (size_t j = 0; j < k; j++) {
        if (strcmp(pairs[j].name, out) == 0) {
            size_t len = strlen(out);
            snprintf(out + len, size - len, "_%zu", k + 1);
            break;
        }
    }
}

static int in_period(const evaluate_args_t *a, dsc_date_t d)
{
    return a->y0 > a->y1 || (d.year >= a->y0 && d.year <= a->y1);
}

/* Spatial mean of each time step over the finite cells (NaN when none). */
static void day_means(const double *v, size_t n, size_t ncell, double *out)
{
    for (size_t t = 0; t < n; t++) {
        double s = 0.0;
        size_t k = 0;
        for (size_t c = 0; c < ncell; c++) {
            double x = v[t * ncell + c];
            if (isfinite(x)) {
                s += x;
                k++;
            }
        }
        out[t] = k ? s / (double)k : NAN;
    }
}

static void pair_free(pair_t *p)
{
    free(p->dates);
    free(p->ref);
    free(p->sim);
    free(p->ref_day);
    free(p->sim_day);
    free(p->counts);
    memset(p, 0, sizeof *p);
}

/* Pairs sim with ref by date (both sorted) within the period. */
static int pair_build(dsc_ctx_t *ctx, const evaluate_args_t *a, const dsc_field_t *ref,
                      const dsc_field_t *sim, pair_t *p)
{
    size_t ncell = dsc_field_ncells(ref), most = ref->ntime < sim->ntime ? ref->ntime : sim->ntime;
    p->ncell = ncell;
    p->dates = dsc_malloc(ctx, (most ? most : 1) * sizeof *p->dates, "evaluation dates");
    p->ref = dsc_malloc(ctx, (most ? most : 1) * ncell * sizeof *p->ref, "evaluation values");
    p->sim = dsc_malloc(ctx, (most ? most : 1) * ncell * sizeof *p->sim, "evaluation values");
    if (!p->dates || !p->ref || !p->sim)
        return DSC_ERR_NOMEM;
    size_t i = 0, j = 0;
    while (i < ref->ntime && j < sim->ntime) {
        int cmp = dsc_date_compare(ref->dates[i], sim->dates[j]);
        /* Times of day may differ (noon against midnight): compare the calendar day. */
        dsc_date_t r = ref->dates[i], s = sim->dates[j];
        if (r.year == s.year && r.month == s.month && r.day == s.day)
            cmp = 0;
        if (cmp < 0) {
            i++;
            continue;
        }
        if (cmp > 0) {
            j++;
            continue;
        }
        if (in_period(a, r)) {
            p->dates[p->n] = r;
            memcpy(p->ref + p->n * ncell, ref->values + i * ncell, ncell * sizeof *p->ref);
            memcpy(p->sim + p->n * ncell, sim->values + j * ncell, ncell * sizeof *p->sim);
            p->n++;
        }
        i++;
        j++;
    }
    if (p->n == 0)
        return dsc_error(ctx, DSC_ERR_RANGE, "%s: no date in common with %s%s", sim->source,
                         ref->source, a->y0 <= a->y1 ? " in the period" : "");

    /* Each statistic sees a pair only when both values are there. */
    for (size_t k = 0; k < p->n * ncell; k++)
        if (!isfinite(p->ref[k]) || !isfinite(p->sim[k]))
            p->ref[k] = p->sim[k] = NAN;
    p->ref_day = dsc_malloc(ctx, p->n * sizeof *p->ref_day, "evaluation means");
    p->sim_day = dsc_malloc(ctx, p->n * sizeof *p->sim_day, "evaluation means");
    if (!p->ref_day || !p->sim_day)
        return DSC_ERR_NOMEM;
    day_means(p->ref, p->n, ncell, p->ref_day);
    day_means(p->sim, p->n, ncell, p->sim_day);
    return DSC_OK;
}

/* Mean over the years of each season's mean (seasons below MIN_COVERAGE left out). */
static int season_climate(dsc_ctx_t *ctx, dsc_calendar_t cal, const dsc_date_t *dates,
                          const double *x, size_t n, double out[4])
{
    for (int s = 0; s < 4; s++)
        out[s] = NAN;
    if (n == 0)
        return DSC_OK;
    int year0 = dates[0].year;
    size_t nyears = (size_t)(dates[n - 1].year - year0 + 2); /* + the winter after */
    double *table = dsc_malloc(ctx, nyears * 4 * sizeof *table, "seasonal means");
    if (!table)
        return DSC_ERR_NOMEM;
    dsc_stats_seasonal_means(cal, dates, x, n, MIN_COVERAGE, year0, nyears, table);
    for (int s = 0; s < 4; s++) {
        double sum = 0.0;
        size_t k = 0;
        for (size_t y = 0; y < nyears; y++) {
            double v = table[y * 4 + (size_t)s];
            if (isfinite(v)) {
                sum += v;
                k++;
            }
        }
        out[s] = k ? sum / (double)k : NAN;
    }
    free(table);
    return DSC_OK;
}

/* Trends of the reference and the simulation on the same years; missing when fewer than
 * three years are covered (a short period is no error, the other scores still stand). */
static int pair_trends(dsc_ctx_t *ctx, dsc_calendar_t cal, pair_t *p)
{
    int year0 = p->dates[0].year;
    size_t nyears = (size_t)(p->dates[p->n - 1].year - year0 + 1);
    double *mr = dsc_malloc(ctx, nyears * sizeof *mr, "annual means");
    double *ms = dsc_malloc(ctx, nyears * sizeof *ms, "annual means");
    int rc = mr && ms ? DSC_OK : DSC_ERR_NOMEM;
    if (!rc) {
        dsc_stats_annual_means(cal, p->dates, p->ref_day, p->n, MIN_COVERAGE, year0, nyears, mr);
        dsc_stats_annual_means(cal, p->dates, p->sim_day, p->n, MIN_COVERAGE, year0, nyears, ms);
        p->has_trend =
            dsc_stats_trend(ctx, mr, year0, nyears, TREND_LEVEL, &p->trend_ref) == DSC_OK &&
            dsc_stats_trend(ctx, ms, year0, nyears, TREND_LEVEL, &p->trend_sim) == DSC_OK;
        if (!p->has_trend)
            dsc_log(ctx, DSC_LOG_WARN, "evaluate", "%s: no trend: %s", p->name,
                    dsc_ctx_message(ctx));
    }
    free(mr);
    free(ms);
    return rc;
}

static int pair_stats(dsc_ctx_t *ctx, dsc_calendar_t cal, pair_t *p)
{
    size_t len = p->n * p->ncell;
    p->has_daily = dsc_stats_taylor(ctx, p->ref, p->sim, len, &p->daily) == DSC_OK;
    if (!p->has_daily)
        dsc_log(ctx, DSC_LOG_WARN, "evaluate", "%s: no daily Taylor statistics: %s", p->name,
                dsc_ctx_message(ctx));
    double cycle_ref[366];
    dsc_stats_annual_cycle(cal, p->dates, p->ref_day, p->n, cycle_ref);
    dsc_stats_annual_cycle(cal, p->dates, p->sim_day, p->n, p->cycle_sim);
    p->has_cycle = dsc_stats_taylor(ctx, cycle_ref, p->cycle_sim, 366, &p->cycle) == DSC_OK;
    if (!p->has_cycle)
        dsc_log(ctx, DSC_LOG_WARN, "evaluate", "%s: no annual-cycle Taylor statistics: %s", p->name,
                dsc_ctx_message(ctx));
    p->ks = dsc_stats_ks(p->sim, len, p->ref, len);
    int rc = pair_trends(ctx, cal, p);
    if (!rc)
        rc = season_climate(ctx, cal, p->dates, p->sim_day, p->n, p->seasons_sim);
    /* Only the simulated values are needed further on (for the histogram). */
    free(p->ref);
    p->ref = NULL;
    return rc;
}

/* ---- output -------------------------------------------------------------------------- */

/* The CSVs are renamed into place together once all are written: a failure half-way
 * leaves the previous evaluation whole, never a mix of old and new files. */
#define MAX_OUTPUTS 8
typedef struct {
    dsc_ctx_t *ctx;
    char path[MAX_OUTPUTS][4096];
    char *tmp[MAX_OUTPUTS]; /* written and closed, not yet renamed */
    size_t n;
} batch_t;

typedef struct {
    batch_t *batch;
    char path[4096];
    char *tmp;
    FILE *fp;
} csv_t;

static int csv_open(batch_t *b, const char *dir, const char *name, csv_t *c)
{
    c->batch = b;
    snprintf(c->path, sizeof c->path, "%s/%s", dir, name);
    if (b->n == MAX_OUTPUTS)
        return dsc_error(b->ctx, DSC_ERR_INTERNAL, "%s: too many outputs", c->path);
    return dsc_io_open_atomic(b->ctx, c->path, &c->fp, &c->tmp);
}

/* Closes the temporary file and leaves it to batch_commit. */
static int csv_close(csv_t *c)
{
    batch_t *b = c->batch;
    int bad = ferror(c->fp) != 0;
    bad |= fclose(c->fp) != 0;
    c->fp = NULL;
    if (bad) {
        dsc_io_abort(NULL, c->tmp);
        free(c->tmp);
        c->tmp = NULL;
        return dsc_error(b->ctx, DSC_ERR_IO, "%s: cannot write", c->path);
    }
    snprintf(b->path[b->n], sizeof b->path[b->n], "%s", c->path);
    b->tmp[b->n++] = c->tmp;
    c->tmp = NULL;
    return DSC_OK;
}

/* Renames every written file into place (ok), or removes them all. */
static int batch_finish(batch_t *b, int ok)
{
    int rc = DSC_OK;
    for (size_t i = 0; i < b->n; i++) {
        if (ok && rc == DSC_OK) {
            rc = dsc_io_rename(b->ctx, b->tmp[i], b->path[i]);
            if (rc == DSC_OK)
                dsc_log(b->ctx, DSC_LOG_INFO, "evaluate", "wrote %s", b->path[i]);
        } else {
            dsc_io_abort(NULL, b->tmp[i]);
        }
        free(b->tmp[i]);
    }
    b->n = 0;
    return rc;
}

/* A number, or nothing for a missing one (an empty CSV cell). */
static void put_num(FILE *fp, double v)
{
    if (isfinite(v))
        fprintf(fp, ",%.6f", v);
    else
        fputc(',', fp);
}

/* A header row: the first columns, then one column per simulation. */
static void put_header(FILE *fp, const char *first, const pair_t *pairs, size_t n)
{
    fputs(first, fp);
    for (size_t k = 0; k < n; k++)
        fprintf(fp, ",%s", pairs[k].name);
    fputc('\n', fp);
}

static void put_taylor(FILE *fp, const char *name, const char *scale, const dsc_taylor_t *t)
{
    fprintf(fp, "%s,%s,%zu", name, scale, t->n);
    const double v[] = {t->corr,       t->sd,   t->sd_ref, t->sd_ratio, t->crmsd,
                        t->crmsd_norm, t->bias, t->rmse,   t->mean,     t->mean_ref};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        put_num(fp, v[i]);
    fputc('\n', fp);
}

static int write_taylor(batch_t *b, const char *dir, const pair_t *pairs, size_t n)
{
    csv_t c;
    int rc = csv_open(b, dir, "taylor.csv", &c);
    if (rc)
        return rc;
    fprintf(c.fp, "series,scale,n,corr,sd,sd_ref,sd_ratio,crmsd,crmsd_norm,bias,rmse,mean,"
                  "mean_ref\n");
    for (size_t k = 0; k < n; k++) {
        if (pairs[k].has_daily)
            put_taylor(c.fp, pairs[k].name, "daily", &pairs[k].daily);
        if (pairs[k].has_cycle)
            put_taylor(c.fp, pairs[k].name, "annual_cycle", &pairs[k].cycle);
    }
    return csv_close(&c);
}

static int write_scores(batch_t *b, const char *dir, const pair_t *pairs, size_t n)
{
    csv_t c;
    int rc = csv_open(b, dir, "scores.csv", &c);
    if (rc)
        return rc;
    fprintf(c.fp, "series,n,bias,rmse,ks,trend_years,trend_ref,trend_ref_low,trend_ref_high,"
                  "trend,trend_low,trend_high\n");
    for (size_t k = 0; k < n; k++) {
        const pair_t *p = &pairs[k];
        fprintf(c.fp, "%s,%zu", p->name, p->has_daily ? p->daily.n : 0);
        put_num(c.fp, p->has_daily ? p->daily.bias : NAN);
        put_num(c.fp, p->has_daily ? p->daily.rmse : NAN);
        put_num(c.fp, p->ks);
        fprintf(c.fp, ",%zu", p->has_trend ? p->trend_ref.nyears : 0);
        const dsc_trend_t *t[2] = {&p->trend_ref, &p->trend_sim};
        for (int i = 0; i < 2; i++) {
            put_num(c.fp, p->has_trend ? t[i]->slope : NAN);
            put_num(c.fp, p->has_trend ? t[i]->ci_low : NAN);
            put_num(c.fp, p->has_trend ? t[i]->ci_high : NAN);
        }
        fputc('\n', c.fp);
    }
    return csv_close(&c);
}

/* Histograms of the reference (its finite values in the period) and of each simulation
 * (its paired values) on one set of bins. */
static int write_histogram(batch_t *b, const evaluate_args_t *a, const dsc_field_t *ref,
                           pair_t *pairs, size_t n)
{
    dsc_ctx_t *ctx = b->ctx;
    size_t ncell = dsc_field_ncells(ref), nref = 0;
    double *refv =
        dsc_malloc(ctx, (ref->ntime ? ref->ntime : 1) * ncell * sizeof *refv, "histogram values");
    size_t *ref_counts = NULL;
    const double *series[MAX_SIMS + 1];
    size_t lens[MAX_SIMS + 1];
    dsc_bins_t bins;
    csv_t c = {0};
    if (!refv)
        return DSC_ERR_NOMEM;
    for (size_t t = 0; t < ref->ntime; t++) {
        if (!in_period(a, ref->dates[t]))
            continue;
        memcpy(refv + nref, ref->values + t * ncell, ncell * sizeof *refv);
        nref += ncell;
    }
    series[0] = refv;
    lens[0] = nref;
    for (size_t k = 0; k < n; k++) {
        series[k + 1] = pairs[k].sim;
        lens[k + 1] = pairs[k].n * pairs[k].ncell;
    }
    int rc = dsc_stats_bins(ctx, series, lens, n + 1, a->bin_width, &bins);
    if (!rc && !(ref_counts = dsc_calloc(ctx, bins.nbins, sizeof *ref_counts, "counts")))
        rc = DSC_ERR_NOMEM;
    for (size_t k = 0; k < n && !rc; k++)
        if (!(pairs[k].counts = dsc_calloc(ctx, bins.nbins, sizeof(size_t), "counts")))
            rc = DSC_ERR_NOMEM;
    if (!rc)
        rc = csv_open(b, a->out_dir, "histogram.csv", &c);
    if (!rc) {
        dsc_stats_histogram(&bins, refv, nref, ref_counts);
        for (size_t k = 0; k < n; k++)
            dsc_stats_histogram(&bins, series[k + 1], lens[k + 1], pairs[k].counts);
        put_header(c.fp, "bin_lo,bin_hi,ref", pairs, n);
        for (size_t i = 0; i < bins.nbins; i++) {
            fprintf(c.fp, "%.4f,%.4f,%zu", bins.lo + (double)i * bins.width,
                    bins.lo + (double)(i + 1) * bins.width, ref_counts[i]);
            for (size_t k = 0; k < n; k++)
                fprintf(c.fp, ",%zu", pairs[k].counts[i]);
            fputc('\n', c.fp);
        }
        rc = csv_close(&c);
    }
    free(refv);
    free(ref_counts);
    return rc;
}

/* The reference's spatial-mean series over the period, for its own annual cycle and
 * seasons (each simulation's are taken on its paired dates). */
static int ref_period_means(dsc_ctx_t *ctx, const evaluate_args_t *a, const dsc_field_t *ref,
                            dsc_date_t **dates, double **means, size_t *n)
{
    size_t ncell = dsc_field_ncells(ref);
    *n = 0;
    *dates = dsc_malloc(ctx, (ref->ntime ? ref->ntime : 1) * sizeof **dates, "dates");
    *means = dsc_malloc(ctx, (ref->ntime ? ref->ntime : 1) * sizeof **means, "means");
    if (!*dates || !*means)
        return DSC_ERR_NOMEM;
    for (size_t t = 0; t < ref->ntime; t++) {
        if (!in_period(a, ref->dates[t]))
            continue;
        (*dates)[*n] = ref->dates[t];
        day_means(ref->values + t * ncell, 1, ncell, *means + *n);
        (*n)++;
    }
    return DSC_OK;
}

static int write_cycle_and_seasons(batch_t *b, const evaluate_args_t *a, const dsc_field_t *ref,
                                   const pair_t *pairs, size_t n)
{
    dsc_ctx_t *ctx = b->ctx;
    dsc_date_t *dates = NULL;
    double *means = NULL, cycle[366], seasons[4];
    size_t nd;
    csv_t c;
    int rc = ref_period_means(ctx, a, ref, &dates, &means, &nd);
    if (!rc)
        rc = season_climate(ctx, ref->calendar, dates, means, nd, seasons);
    if (!rc) {
        dsc_stats_annual_cycle(ref->calendar, dates, means, nd, cycle);
        rc = csv_open(b, a->out_dir, "annual_cycle.csv", &c);
    }
    if (!rc) {
        /* Slots follow the bias correction's day groups: 1-based day of a leap year in the
         * real-world calendars, so 29 February is slot 60 and 1 March always 61. */
        size_t slots = ref->calendar == DSC_CAL_NOLEAP    ? 365
                       : ref->calendar == DSC_CAL_360_DAY ? 360
                                                          : 366;
        put_header(c.fp, "slot,ref", pairs, n);
        for (size_t s = 0; s < slots; s++) {
            fprintf(c.fp, "%zu", s + 1);
            put_num(c.fp, cycle[s]);
            for (size_t k = 0; k < n; k++)
                put_num(c.fp, pairs[k].cycle_sim[s]);
            fputc('\n', c.fp);
        }
        rc = csv_close(&c);
    }
    if (!rc)
        rc = csv_open(b, a->out_dir, "seasons.csv", &c);
    if (!rc) {
        put_header(c.fp, "season,ref", pairs, n);
        for (int s = 0; s < 4; s++) {
            fprintf(c.fp, "%s", dsc_stats_season_name(s));
            put_num(c.fp, seasons[s]);
            for (size_t k = 0; k < n; k++)
                put_num(c.fp, pairs[k].seasons_sim[s]);
            fputc('\n', c.fp);
        }
        rc = csv_close(&c);
    }
    free(dates);
    free(means);
    return rc;
}

/* ---- the command --------------------------------------------------------------------- */

static int evaluate_one(dsc_ctx_t *ctx, const evaluate_args_t *a, const dsc_field_t *ref, size_t k,
                        pair_t *pairs)
{
    dsc_field_t *sim = NULL;
    /* Without --var, each simulation's variable is the reference's when it has one. */
    int rc = dsc_cli_read_input(ctx, a->sims[k], a->var, ref->name, &sim);
    if (!rc)
        rc = dsc_cli_require_grid(ctx, a->sims[k], &sim->grid, a->ref, &ref->grid);
    if (!rc && sim->calendar != ref->calendar)
        dsc_log(ctx, DSC_LOG_WARN, "evaluate",
                "%s: calendar %s against the reference's %s; "
                "only dates both calendars have are compared",
                a->sims[k], dsc_calendar_name(sim->calendar), dsc_calendar_name(ref->calendar));
    label_of(a->sims[k], pairs, k, pairs[k].name, sizeof pairs[k].name);
    if (!rc)
        rc = pair_build(ctx, a, ref, sim, &pairs[k]);
    if (!rc)
        rc = pair_stats(ctx, ref->calendar, &pairs[k]);
    dsc_field_destroy(sim);
    return rc;
}

static int run(dsc_ctx_t *ctx, const evaluate_args_t *a)
{
    dsc_field_t *ref = NULL;
    pair_t *pairs = dsc_calloc(ctx, a->nsim, sizeof *pairs, "evaluation");
    if (!pairs)
        return DSC_ERR_NOMEM;
    int rc = dsc_cli_read_input(ctx, a->ref, a->ref_var ? a->ref_var : a->var, NULL, &ref);
    for (size_t k = 0; k < a->nsim && !rc; k++)
        rc = evaluate_one(ctx, a, ref, k, pairs);
    batch_t b = {.ctx = ctx};
    if (!rc)
        rc = dsc_io_mkdirs(ctx, a->out_dir);
    if (!rc)
        rc = write_taylor(&b, a->out_dir, pairs, a->nsim);
    if (!rc)
        rc = write_scores(&b, a->out_dir, pairs, a->nsim);
    if (!rc)
        rc = write_histogram(&b, a, ref, pairs, a->nsim);
    if (!rc)
        rc = write_cycle_and_seasons(&b, a, ref, pairs, a->nsim);
    int brc = batch_finish(&b, rc == DSC_OK);
    if (!rc)
        rc = brc;
    for (size_t k = 0; k < a->nsim; k++)
        pair_free(&pairs[k]);
    free(pairs);
    dsc_field_destroy(ref);
    return rc;
}

int dsc_cmd_evaluate(int argc, char **argv)
{
    evaluate_args_t a;
    int parsed = parse_args(argc, argv, &a), code;
    dsc_ctx_t *ctx = dsc_cli_begin(parsed, usage, a.level, &code);
    if (!ctx)
        return code;
    return dsc_cli_finish(ctx, run(ctx, &a), NULL);
}
