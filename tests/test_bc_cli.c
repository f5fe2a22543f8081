/* test_bc_cli.c - `downscale correct` and `downscale evaluate` on small files the test writes
 * itself (through dsc_io_write_field_nc, whose round trip is checked first) and on the real
 * Vancouver files, with the answers worked out by hand or by independent tools (ncdump and
 * awk, Python's arithmetic), and the refusals. Temperatures in degC, tolerances in K. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsc/bc.h"
#include "dsc/io.h"
#include "support/csv.h"
#include "support/support.h"

/* Runs the program with the arguments formatted from fmt, stderr kept in dir/err.txt;
 * returns the exit status. */
static int run(const char *dir, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int run(const char *dir, const char *fmt, ...)
{
    char args[4096], cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof cmd, "%s %s >/dev/null 2>%s/err.txt", test_bin(), args, dir);
    return test_system(cmd);
}

/* The stderr of the last run in dir (static buffer). */
static const char *last_error(const char *dir)
{
    static char buf[8192];
    char path[4096];
    snprintf(path, sizeof path, "%s/err.txt", dir);
    FILE *fp = fopen(path, "r");
    size_t n = fp ? fread(buf, 1, sizeof buf - 1, fp) : 0;
    buf[n] = '\0';
    if (fp)
        fclose(fp);
    return buf;
}

static int exists(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "r");
    if (fp)
        fclose(fp);
    return fp != NULL;
}

/* ---- small fields ---------------------------------------------------------------------- */

/* A 2 x 3 grid (lat 50, 51; lon 8, 9, 10) or, when points, three named sites. */
static void small_grid(dsc_ctx_t *ctx, dsc_grid_t *g, int points)
{
    memset(g, 0, sizeof *g);
    if (points) {
        cr_assert_eq(dsc_grid_init_points(ctx, g, 3), DSC_OK);
        const char *names[3] = {"Alpha", "Beta", "Gamma station"};
        g->names = calloc(3, sizeof *g->names);
        for (int i = 0; i < 3; i++) {
            g->lat[i] = 45.0 + i;
            g->lon[i] = -120.0 + 2.5 * i;
            g->names[i] = strdup(names[i]);
        }
        return;
    }
    cr_assert_eq(dsc_grid_init_rectilinear(ctx, g, 2, 3), DSC_OK);
    g->lat[0] = 50.0;
    g->lat[1] = 51.0;
    for (int i = 0; i < 3; i++)
        g->lon[i] = 8.0 + i;
}

/* Every day of years y0 .. y0 + nyears - 1 in cal, values NaN for the caller to fill. */
static dsc_field_t *make_field(dsc_ctx_t *ctx, const dsc_grid_t *g, dsc_calendar_t cal, int y0,
                               int nyears)
{
    dsc_date_t first = {y0, 1, 1, 0}, end = {y0 + nyears, 1, 1, 0};
    int64_t d0 = dsc_date_to_days(cal, first), d1 = dsc_date_to_days(cal, end);
    dsc_field_t *f = dsc_field_create(ctx, "tas", cal, (size_t)(d1 - d0), g);
    cr_assert_not_null(f);
    for (size_t t = 0; t < f->ntime; t++)
        f->dates[t] = dsc_date_from_days(cal, d0 + (int64_t)t);
    snprintf(f->units, sizeof f->units, "degC");
    return f;
}

/* Seasonal cycle plus Gaussian weather, in degC, different in every cell. */
static void fill_weather(dsc_field_t *f, double mean, double amp, double sd, uint64_t seed)
{
    dsc_rng_t rng;
    dsc_rng_seed(&rng, seed);
    size_t nc = dsc_field_ncells(f);
    for (size_t t = 0; t < f->ntime; t++) {
        double doy = dsc_date_doy(f->calendar, f->dates[t]);
        for (size_t c = 0; c < nc; c++)
            f->values[t * nc + c] = mean + 0.3 * (double)c -
                                    amp * cos(2.0 * M_PI * (doy - 15.0) / 365.0) +
                                    sd * dsc_rng_normal(&rng);
    }
}

static void write_field(dsc_ctx_t *ctx, const char *dir, const char *name, dsc_field_t *f)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    cr_assert_eq(dsc_io_write_field_nc(ctx, path, f, NULL), DSC_OK, "%s", dsc_ctx_message(ctx));
}

static dsc_field_t *read_field(dsc_ctx_t *ctx, const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    dsc_field_t *f = NULL;
    cr_assert_eq(dsc_io_read(ctx, path, "tas", NULL, NULL, &f), DSC_OK, "%s",
                 dsc_ctx_message(ctx));
    return f;
}

/* Writes ref, hist and sim into dir as ref.nc, hist.nc and sim.nc, runs `correct` with the
 * given options on them into dir/out.nc and returns what it wrote (the caller destroys it). */
static dsc_field_t *correct_files(dsc_ctx_t *ctx, const char *dir, dsc_field_t *ref,
                                  dsc_field_t *hist, dsc_field_t *sim, const char *options)
{
    write_field(ctx, dir, "ref.nc", ref);
    write_field(ctx, dir, "hist.nc", hist);
    write_field(ctx, dir, "sim.nc", sim);
    cr_assert_eq(run(dir, "correct %s --ref %s/ref.nc --hist %s/hist.nc --sim %s/sim.nc "
                          "%s/out.nc --quiet", options, dir, dir, dir, dir), 0, "%s",
                 last_error(dir));
    return read_field(ctx, dir, "out.nc");
}

/* Values are stored as float: a value of order 10 degC comes back within 1e-6 K. */
#define FLOAT_TOL 2e-5

/* ---- the field writer ------------------------------------------------------------------ */

/* A grid and a set of named points written and read back: the same grid, calendar, dates
 * and values (NaN kept), and ncdump, an independent reader, sees the CF attributes. */
Test(bc_cli, field_writer_round_trip)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    const char *dir = test_tmpdir();
    cr_assert_not_null(dir);
    for (int points = 0; points < 2; points++) {
        dsc_grid_t g;
        small_grid(ctx, &g, points);
        dsc_calendar_t cal = points ? DSC_CAL_360_DAY : DSC_CAL_NOLEAP;
        dsc_field_t *f = make_field(ctx, &g, cal, 1999, 2);
        fill_weather(f, 10.0, 8.0, 3.0, 5);
        f->values[7] = NAN;
        const char *name = points ? "points.nc" : "grid.nc";
        write_field(ctx, dir, name, f);
        dsc_field_t *back = read_field(ctx, dir, name);
        cr_assert_eq(back->grid.kind, g.kind);
        cr_assert_eq(back->grid.nlat, g.nlat);
        cr_assert_eq(back->grid.nlon, g.nlon);
        cr_assert_eq(back->calendar, cal);
        cr_assert_eq(back->ntime, f->ntime);
        cr_assert_eq(back->ntime, points ? 720u : 730u);
        cr_assert_eq(dsc_date_compare(back->dates[back->ntime - 1], f->dates[f->ntime - 1]), 0);
        size_t nc = dsc_field_ncells(f);
        for (size_t i = 0; i < nc; i++) {
            double lat, lon, lat2, lon2;
            dsc_grid_cell_coords(&g, i, &lat, &lon);
            dsc_grid_cell_coords(&back->grid, i, &lat2, &lon2);
            cr_assert_float_eq(lat, lat2, 1e-9);
            cr_assert_float_eq(lon, lon2, 1e-9);
        }
        if (points)
            cr_assert_str_eq(back->grid.names[2], "Gamma station");
        for (size_t i = 0; i < f->ntime * nc; i++) {
            if (isnan(f->values[i]))
                cr_assert(isnan(back->values[i]), "value %zu should be missing", i);
            else
                cr_assert_float_eq(back->values[i], f->values[i], FLOAT_TOL, "value %zu", i);
        }
        dsc_field_destroy(back);
        dsc_field_destroy(f);
        dsc_grid_clear(&g);
    }
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "ncdump -h %s/grid.nc | grep -q 'time:calendar = \"noleap\"' && "
             "ncdump -h %s/grid.nc | grep -q 'float tas(time, lat, lon)' && "
             "ncdump -h %s/points.nc | grep -q 'site_name:cf_role = \"timeseries_id\"' && "
             "ncdump -h %s/points.nc | grep -q 'tas:units = \"degC\"'", dir, dir, dir, dir);
    cr_assert_eq(test_system(cmd), 0, "ncdump does not see the CF attributes");
    dsc_ctx_destroy(ctx);
}

/* ---- correct --------------------------------------------------------------------------- */

/* ref = hist + 2 K exactly over the common period 1981-2000 (hist also covers 1971-1980,
 * with other values), so EQM moves every simulated value by exactly +2 K: the correction at
 * every node is 2 only if the fit used the common period alone. Cell 1 has no observation
 * at all and must come out missing; a missing simulated value stays missing. */
Test(bc_cli, correct_eqm_uses_the_common_period)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    const char *dir = test_tmpdir();
    dsc_grid_t g;
    small_grid(ctx, &g, 0);
    dsc_field_t *hist = make_field(ctx, &g, DSC_CAL_NOLEAP, 1971, 30);
    dsc_field_t *ref = make_field(ctx, &g, DSC_CAL_NOLEAP, 1981, 20);
    dsc_field_t *sim = make_field(ctx, &g, DSC_CAL_NOLEAP, 2031, 30);
    fill_weather(hist, 12.0, 10.0, 4.0, 11);
    fill_weather(sim, 15.0, 10.0, 4.5, 12);
    size_t nc = dsc_field_ncells(hist), off = 10 * 365;
    for (size_t t = 0; t < off; t++)
        for (size_t c = 0; c < nc; c++)
            hist->values[t * nc + c] += 7.0; /* 1971-1980 must not enter the fit */
    for (size_t t = 0; t < ref->ntime; t++)
        for (size_t c = 0; c < nc; c++)
            ref->values[t * nc + c] = c == 1 ? NAN : hist->values[(t + off) * nc + c] + 2.0;
    sim->values[100 * nc + 4] = NAN;

    dsc_field_t *out = correct_files(ctx, dir, ref, hist, sim, "--method eqm");
    cr_assert_eq(out->ntime, sim->ntime);
    cr_assert_eq(dsc_date_compare(out->dates[0], sim->dates[0]), 0);
    cr_assert_eq(out->calendar, DSC_CAL_NOLEAP);
    for (size_t t = 0; t < out->ntime; t++) {
        for (size_t c = 0; c < nc; c++) {
            double v = out->values[t * nc + c], s = sim->values[t * nc + c];
            if (c == 1 || isnan(s))
                cr_assert(isnan(v), "day %zu cell %zu should be missing", t, c);
            else
                cr_assert_float_eq(v, s + 2.0, 1e-4, "day %zu cell %zu: %g for %g", t, c, v, s);
        }
    }
    dsc_field_destroy(out);
    dsc_field_destroy(ref);
    dsc_field_destroy(hist);
    dsc_field_destroy(sim);
    dsc_grid_clear(&g);
    dsc_ctx_destroy(ctx);
}

/* QDM keeps the model's change: with sim = hist + 3 K on the same days of the year (twenty
 * years later), QDM(sim) = EQM(hist) + 3 value by value, and EQM(hist) is the library's own
 * fit on the files' values (so observed quantiles + 3 K at every node). Station layout,
 * monthly groups, 30 nodes, one block. */
Test(bc_cli, correct_qdm_keeps_the_change)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    const char *dir = test_tmpdir();
    dsc_grid_t g;
    small_grid(ctx, &g, 1);
    dsc_field_t *ref = make_field(ctx, &g, DSC_CAL_NOLEAP, 1981, 20);
    dsc_field_t *hist = make_field(ctx, &g, DSC_CAL_NOLEAP, 1981, 20);
    dsc_field_t *sim = make_field(ctx, &g, DSC_CAL_NOLEAP, 2001, 20);
    fill_weather(ref, 9.0, 9.0, 2.5, 21);
    fill_weather(hist, 12.0, 11.0, 4.0, 22);
    size_t nc = dsc_field_ncells(ref), n = ref->ntime;
    for (size_t i = 0; i < n * nc; i++)
        sim->values[i] = hist->values[i] + 3.0;
    dsc_field_t *out = correct_files(ctx, dir, ref, hist, sim,
                                     "--method qdm --grouping month --quantiles 30 "
                                     "--block-years 0");
    cr_assert_str_eq(out->grid.names[0], "Alpha");

    /* EQM of hist, computed here from the values as the files hold them (float). */
    dsc_field_t *r = read_field(ctx, dir, "ref.nc"), *h = read_field(ctx, dir, "hist.nc");
    dsc_bc_config_t cfg;
    dsc_bc_config_default(&cfg);
    cfg.grouping = DSC_BC_GROUP_MONTH;
    cfg.nquantiles = 30;
    double *rc = malloc(n * sizeof *rc), *hc = malloc(n * sizeof *hc), *e = malloc(n * sizeof *e);
    for (size_t c = 0; c < nc; c++) {
        for (size_t t = 0; t < n; t++) {
            rc[t] = r->values[t * nc + c];
            hc[t] = h->values[t * nc + c];
        }
        dsc_bc_t *bc = NULL;
        cr_assert_eq(dsc_bc_fit(ctx, &cfg, DSC_CAL_NOLEAP, rc, r->dates, n, hc, h->dates, n,
                                &bc), DSC_OK);
        cr_assert_eq(dsc_bc_apply(ctx, bc, hc, h->dates, n, e), DSC_OK);
        dsc_bc_destroy(bc);
        for (size_t t = 0; t < n; t++)
            cr_assert_float_eq(out->values[t * nc + c], e[t] + 3.0, 1e-4, "site %zu day %zu",
                               c, t);
    }
    free(rc);
    free(hc);
    free(e);
    dsc_field_destroy(r);
    dsc_field_destroy(h);
    dsc_field_destroy(out);
    dsc_field_destroy(ref);
    dsc_field_destroy(hist);
    dsc_field_destroy(sim);
    dsc_grid_clear(&g);
    dsc_ctx_destroy(ctx);
}

/* Each refusal exits with 2, says why, and leaves no output file. */
Test(bc_cli, correct_refusals)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    const char *dir = test_tmpdir();
    dsc_grid_t g, other;
    small_grid(ctx, &g, 0);
    small_grid(ctx, &other, 0);
    other.lon[2] = 10.5;
    dsc_field_t *a = make_field(ctx, &g, DSC_CAL_NOLEAP, 1981, 3);
    dsc_field_t *b = make_field(ctx, &other, DSC_CAL_NOLEAP, 1981, 3);
    dsc_field_t *c360 = make_field(ctx, &g, DSC_CAL_360_DAY, 1981, 3);
    dsc_field_t *late = make_field(ctx, &g, DSC_CAL_NOLEAP, 2031, 3);
    fill_weather(a, 10, 8, 3, 1);
    fill_weather(b, 10, 8, 3, 2);
    fill_weather(c360, 10, 8, 3, 3);
    fill_weather(late, 10, 8, 3, 4);
    write_field(ctx, dir, "a.nc", a);
    write_field(ctx, dir, "other_grid.nc", b);
    write_field(ctx, dir, "c360.nc", c360);
    write_field(ctx, dir, "late.nc", late);

    const struct {
        const char *args, *says;
    } cases[] = {
        {"--method eqm --ref D/a.nc --hist D/other_grid.nc --sim D/other_grid.nc",
         "not on the grid"},
        {"--method eqm --ref D/a.nc --hist D/a.nc --sim D/c360.nc", "calendar"},
        {"--method eqm --ref D/late.nc --hist D/a.nc --sim D/a.nc", "no common period"},
        {"--method eqm --kind multiplicative --ref D/a.nc --hist D/a.nc --sim D/a.nc",
         "multiplicative"},
        {"--method quantile_magic --ref D/a.nc --hist D/a.nc --sim D/a.nc", "unknown"},
        {"--method eqm --window 30 --ref D/a.nc --hist D/a.nc --sim D/a.nc", "odd"},
        {"--method eqm --hist D/a.nc --sim D/a.nc", "--ref"},
        {"--method eqm --grouping season --ref D/a.nc --hist D/a.nc --sim D/a.nc", "season"},
        {"--method eqm --ref D/missing.nc --hist D/a.nc --sim D/a.nc", "missing.nc"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char args[2048] = "";
        for (const char *s = cases[i].args; *s; s++) {
            if (*s == 'D' && s[1] == '/')
                strcat(args, dir);
            else
                strncat(args, s, 1);
        }
        cr_assert_eq(run(dir, "correct %s %s/out.nc", args, dir), 2, "case %zu", i);
        cr_assert(strstr(last_error(dir), cases[i].says) != NULL, "case %zu: %s", i,
                  last_error(dir));
        cr_assert(!exists(dir, "out.nc"), "case %zu left an output", i);
    }
    dsc_field_destroy(a);
    dsc_field_destroy(b);
    dsc_field_destroy(c360);
    dsc_field_destroy(late);
    dsc_grid_clear(&g);
    dsc_grid_clear(&other);
    dsc_ctx_destroy(ctx);
}

/* ---- evaluate -------------------------------------------------------------------------- */

/* Two cells, noleap 2000-2004, ref = (day index mod 10) + 0.1 (year - 2000) (the day index
 * counted from 1 January 2000). Worked out with Python's arithmetic on these numbers:
 *   annual means 4.465753, 4.634247, 4.665753, 4.834247, 4.865753: trend 1.000000 K/decade,
 *   95 % interval 0.564048 .. 1.435952 (t(0.975, 3) = 3.182446);
 *   sim1 = ref + 1.5: bias = rmse = 1.5, corr 1, sd ratio 1, crmsd 0, the same trend, and a
 *   Kolmogorov-Smirnov distance of 0.200548 (the values k + 0.1 j against k + 0.1 j + 1.5);
 *   sim2 = ref - 0.5 for 2002-2004 only: 3 x 365 x 2 = 2190 pairs, bias -0.5.
 * With --period 2001-2004: 2920 pairs for sim1, KS 0.2 and a trend of 0.863014 K/decade
 * (interval 0.029470 .. 1.696558, t(0.975, 2) = 4.302653). */
Test(bc_cli, evaluate_small_files)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    const char *dir = test_tmpdir();
    dsc_grid_t g;
    cr_assert_eq(dsc_grid_init_points(ctx, &g, 2), DSC_OK);
    g.lat[0] = g.lat[1] = 50.0;
    g.lon[0] = 8.0;
    g.lon[1] = 9.0;
    dsc_field_t *ref = make_field(ctx, &g, DSC_CAL_NOLEAP, 2000, 5);
    dsc_field_t *s1 = make_field(ctx, &g, DSC_CAL_NOLEAP, 2000, 5);
    dsc_field_t *s2 = make_field(ctx, &g, DSC_CAL_NOLEAP, 2002, 3);
    for (size_t t = 0; t < ref->ntime; t++) {
        for (size_t c = 0; c < 2; c++) {
            double v = (double)(t % 10) + 0.1 * (ref->dates[t].year - 2000);
            ref->values[t * 2 + c] = v;
            s1->values[t * 2 + c] = v + 1.5;
            if (t >= 2 * 365)
                s2->values[(t - 2 * 365) * 2 + c] = v - 0.5;
        }
    }
    write_field(ctx, dir, "ref.nc", ref);
    write_field(ctx, dir, "sim1.nc", s1);
    write_field(ctx, dir, "sim2.nc", s2);
    cr_assert_eq(run(dir, "evaluate --ref %s/ref.nc %s/sim1.nc %s/sim2.nc --out %s/e --quiet",
                     dir, dir, dir, dir), 0, "%s", last_error(dir));

    test_csv_t *sc = test_csv_read_in(dir, "e/scores.csv");
    cr_assert_eq(sc->nrows, 2);
    cr_assert_str_eq(sc->cells[0][0], "sim1");
    cr_assert_str_eq(sc->cells[1][0], "sim2");
    cr_assert_float_eq(test_csv_num(sc, 0, test_csv_col(sc, "n")), 3650, 0);
    cr_assert_float_eq(test_csv_num(sc, 0, test_csv_col(sc, "bias")), 1.5, 1e-5);
    cr_assert_float_eq(test_csv_num(sc, 0, test_csv_col(sc, "rmse")), 1.5, 1e-5);
    cr_assert_float_eq(test_csv_num(sc, 0, test_csv_col(sc, "ks")), 0.200548, 1e-6);
    cr_assert_float_eq(test_csv_num(sc, 0, test_csv_col(sc, "trend_years")), 5, 0);
    cr_assert_float_eq(test_csv_num(sc, 0, test_csv_col(sc, "trend_ref")), 1.0, 1e-4);
    cr_assert_float_eq(test_csv_num(sc, 0, test_csv_col(sc, "trend_ref_low")), 0.564048, 1e-4);
    cr_assert_float_eq(test_csv_num(sc, 0, test_csv_col(sc, "trend_ref_high")), 1.435952, 1e-4);
    cr_assert_float_eq(test_csv_num(sc, 0, test_csv_col(sc, "trend")), 1.0, 1e-4);
    cr_assert_float_eq(test_csv_num(sc, 1, test_csv_col(sc, "n")), 2190, 0);
    cr_assert_float_eq(test_csv_num(sc, 1, test_csv_col(sc, "bias")), -0.5, 1e-5);
    test_csv_free(sc);

    test_csv_t *ta = test_csv_read_in(dir, "e/taylor.csv");
    cr_assert_eq(ta->nrows, 4, "daily and annual_cycle rows for both");
    cr_assert_str_eq(ta->cells[0][1], "daily");
    cr_assert_str_eq(ta->cells[1][1], "annual_cycle");
    cr_assert_float_eq(test_csv_num(ta, 0, test_csv_col(ta, "corr")), 1.0, 1e-6);
    cr_assert_float_eq(test_csv_num(ta, 0, test_csv_col(ta, "sd_ratio")), 1.0, 1e-6);
    cr_assert_float_eq(test_csv_num(ta, 0, test_csv_col(ta, "crmsd_norm")), 0.0, 1e-5);
    cr_assert_float_eq(test_csv_num(ta, 1, test_csv_col(ta, "bias")), 1.5, 1e-5);
    test_csv_free(ta);

    /* Shared bins: every column counts its own values, ref all 3650 of them. */
    test_csv_t *hi = test_csv_read_in(dir, "e/histogram.csv");
    double sums[3] = {0, 0, 0};
    for (size_t r = 0; r < hi->nrows; r++)
        for (int k = 0; k < 3; k++)
            sums[k] += test_csv_num(hi, r, 2 + k);
    cr_assert_float_eq(sums[0], 3650, 0);
    cr_assert_float_eq(sums[1], 3650, 0);
    cr_assert_float_eq(sums[2], 2190, 0);
    test_csv_free(hi);

    /* Seasons and the annual cycle keep sim1 1.5 K above ref. */
    test_csv_t *se = test_csv_read_in(dir, "e/seasons.csv");
    cr_assert_eq(se->nrows, 4);
    cr_assert_str_eq(se->cells[0][0], "DJF");
    for (size_t r = 0; r < 4; r++)
        cr_assert_float_eq(test_csv_num(se, r, 2) - test_csv_num(se, r, 1), 1.5, 1e-5);
    test_csv_free(se);
    test_csv_t *cy = test_csv_read_in(dir, "e/annual_cycle.csv");
    cr_assert_eq(cy->nrows, 365);
    test_csv_free(cy);

    /* A period keeps the years in it. */
    cr_assert_eq(run(dir, "evaluate --ref %s/ref.nc %s/sim1.nc --period 2001-2004 --out %s/p "
                          "--quiet", dir, dir, dir), 0, "%s", last_error(dir));
    sc = test_csv_read_in(dir, "p/scores.csv");
    cr_assert_float_eq(test_csv_num(sc, 0, test_csv_col(sc, "n")), 2920, 0);
    cr_assert_float_eq(test_csv_num(sc, 0, test_csv_col(sc, "ks")), 0.2, 1e-6);
    cr_assert_float_eq(test_csv_num(sc, 0, test_csv_col(sc, "trend_ref")), 0.863014, 1e-4);
    cr_assert_float_eq(test_csv_num(sc, 0, test_csv_col(sc, "trend_ref_low")), 0.029470, 1e-4);
    cr_assert_float_eq(test_csv_num(sc, 0, test_csv_col(sc, "trend_ref_high")), 1.696558,
                       1e-4);
    test_csv_free(sc);

    /* Refusals: another grid, no common date, no simulation. */
    dsc_grid_t other;
    cr_assert_eq(dsc_grid_copy(ctx, &other, &g), DSC_OK);
    other.lon[1] = 9.5;
    dsc_field_t *moved = make_field(ctx, &other, DSC_CAL_NOLEAP, 2000, 1);
    dsc_field_t *later = make_field(ctx, &g, DSC_CAL_NOLEAP, 2010, 1);
    write_field(ctx, dir, "moved.nc", moved);
    write_field(ctx, dir, "later.nc", later);
    cr_assert_eq(run(dir, "evaluate --ref %s/ref.nc %s/moved.nc --out %s/x", dir, dir, dir), 2);
    cr_assert(strstr(last_error(dir), "not on the grid") != NULL, "%s", last_error(dir));
    cr_assert_eq(run(dir, "evaluate --ref %s/ref.nc %s/later.nc --out %s/x", dir, dir, dir), 2);
    cr_assert(strstr(last_error(dir), "no date in common") != NULL, "%s", last_error(dir));
    cr_assert_eq(run(dir, "evaluate --ref %s/ref.nc --out %s/x", dir, dir), 2);
    cr_assert_eq(run(dir, "evaluate --ref %s/ref.nc %s/sim1.nc --period 2005-2001", dir, dir),
                 2);
    cr_assert(!exists(dir, "x/scores.csv"));

    /* A failure after the first CSVs are written (here the histogram: an absurd value
     * asks for too many bins) leaves the previous evaluation whole, not half replaced. */
    char before[512];
    snprintf(before, sizeof before, "%s/e/taylor.csv", dir);
    char *old_taylor = test_read_file(before);
    cr_assert_not_null(old_taylor);
    s1->values[0] = 5e4;
    write_field(ctx, dir, "wild.nc", s1);
    cr_assert_eq(run(dir, "evaluate --ref %s/ref.nc %s/wild.nc --bin-width 0.001 --out %s/e",
                     dir, dir, dir), 2, "%s", last_error(dir));
    cr_assert(strstr(last_error(dir), "bins") != NULL, "%s", last_error(dir));
    char *new_taylor = test_read_file(before);
    cr_assert_not_null(new_taylor);
    cr_expect_str_eq(new_taylor, old_taylor, "taylor.csv was replaced by a failed run");
    free(old_taylor);
    free(new_taylor);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "ls %s/e | grep -q tmp", dir);
    cr_expect_neq(test_system(cmd), 0, "temporary files left behind");
    dsc_field_destroy(moved);
    dsc_field_destroy(later);
    dsc_grid_clear(&other);
    dsc_field_destroy(ref);
    dsc_field_destroy(s1);
    dsc_field_destroy(s2);
    dsc_grid_clear(&g);
    dsc_ctx_destroy(ctx);
}

/* ---- real files ------------------------------------------------------------------------ */

/* CanESM2 (historical + RCP8.5, 1950-2100) corrected against NRCan at its three sites
 * (Vancouver, Kugluktuk, Amos), then both evaluated against NRCan over 1960-2005.
 * The raw model's bias and RMSE there, 7.819014 K and 13.880546 K over 50370 pairs, were
 * computed independently with ncdump and awk (rows 3650..20439 of both files). After EQM,
 * fitted on 1950-2013, the bias is within 0.1 K of zero and the distance between the
 * distributions a tenth of the raw one; the Taylor rows obey the law of cosines. */
Test(bc_cli, real_files_vancouver, .timeout = 60)
{
    const char *dir = test_tmpdir();
    char obs[4096], gcm[4096];
    snprintf(obs, sizeof obs, "%s", test_data_path("obs/nrcan_1950-2013.nc"));
    snprintf(gcm, sizeof gcm, "%s", test_data_path("gcm/CanESM2_1950-2100.nc"));
    cr_assert_eq(run(dir, "correct --method eqm --ref %s --hist %s --sim %s %s/eqm.nc --quiet",
                     obs, gcm, gcm, dir), 0, "%s", last_error(dir));
    cr_assert_eq(run(dir, "correct --method qdm --var tasmax --ref-var tasmax --ref %s --hist %s "
                          "--sim %s %s/qdm.nc --quiet", obs, gcm, gcm, dir), 0, "%s",
                 last_error(dir));
    cr_assert_eq(run(dir, "evaluate --ref %s %s %s/eqm.nc %s/qdm.nc --period 1960-2005 --out %s "
                          "--quiet", obs, gcm, dir, dir, dir), 0, "%s", last_error(dir));

    test_csv_t *sc = test_csv_read_in(dir, "scores.csv");
    cr_assert_eq(sc->nrows, 3);
    int n = test_csv_col(sc, "n"), bias = test_csv_col(sc, "bias"), ks = test_csv_col(sc, "ks");
    cr_assert_float_eq(test_csv_num(sc, 0, n), 50370, 0);
    cr_assert_float_eq(test_csv_num(sc, 0, bias), 7.819014, 1e-5);
    cr_assert_float_eq(test_csv_num(sc, 0, test_csv_col(sc, "rmse")), 13.880546, 1e-5);
    for (size_t r = 1; r < 3; r++) {
        cr_assert_float_eq(test_csv_num(sc, r, n), 50370, 0);
        cr_assert(fabs(test_csv_num(sc, r, bias)) < 0.1, "%s bias %g", sc->cells[r][0],
                  test_csv_num(sc, r, bias));
        cr_assert(test_csv_num(sc, r, ks) < 0.1 * test_csv_num(sc, 0, ks), "%s ks %g",
                  sc->cells[r][0], test_csv_num(sc, r, ks));
    }
    test_csv_free(sc);

    test_csv_t *ta = test_csv_read_in(dir, "taylor.csv");
    cr_assert_eq(ta->nrows, 6);
    int sd = test_csv_col(ta, "sd"), sdr = test_csv_col(ta, "sd_ref");
    int corr = test_csv_col(ta, "corr"), crmsd = test_csv_col(ta, "crmsd");
    for (size_t r = 0; r < ta->nrows; r++) {
        double s = test_csv_num(ta, r, sd), s0 = test_csv_num(ta, r, sdr);
        double cosines = s * s + s0 * s0 - 2 * s * s0 * test_csv_num(ta, r, corr);
        double e = test_csv_num(ta, r, crmsd);
        /* The CSV keeps six decimals: the law holds to that rounding. */
        cr_assert_float_eq(e * e, cosines, 1e-3, "row %zu", r);
    }
    test_csv_free(ta);
}

/* ---- cross-validation in the pipeline -------------------------------------------------- */

/* The demo's Vancouver region alone (1 site, training and validation years 1951-2005, a
 * tiny ANN) with [evaluation] folds = 4: 55 years cut into blocks of 13, 14, 14 and 14
 * years, each day of a block predicted by methods fitted on the other three. NRCan has no
 * gap there, so a block of y noleap years has 365 y pairs. The raw model is not refitted,
 * so its scores in a block are recomputed here from the obs and gcm columns of the series
 * CSV the same run writes (four decimals, hence the 1e-3 K tolerance); the EQM-corrected
 * model, judged on all held-out blocks together, has no bias left to speak of. */
Test(bc_cli, pipeline_cross_validation, .timeout = 120)
{
    const char *dir = test_tmpdir();
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s run pipelines/demo.ini --quiet --out %s --data-root %s "
             "--set pipeline.regions=vancouver --set ann.epochs=5 --set ann.ensemble=1 "
             "--set evaluation.folds=4 --set output.report=0 2>%s/err.txt", test_bin(), dir,
             test_data_root(), dir);
    cr_assert_eq(test_system(cmd), 0, "%s", last_error(dir));

    test_csv_t *cv = test_csv_read_in(dir, "evaluation/vancouver_tasmax_CanESM2_cv.csv");
    cr_assert_eq(cv->nrows, 5 * 5, "4 folds and 'all', 5 methods each");
    const char *folds[5] = {"1", "2", "3", "4", "all"};
    const char *years[5] = {"1951-1963", "1964-1977", "1978-1991", "1992-2005", "1951-2005"};
    const double n[5] = {13 * 365, 14 * 365, 14 * 365, 14 * 365, 55 * 365};
    const char *methods[5] = {"gcm", "gcm_eqm", "linear", "ann", "ann_eqm"};
    int cn = test_csv_col(cv, "n"), cb = test_csv_col(cv, "bias");
    for (size_t f = 0; f < 5; f++) {
        for (size_t k = 0; k < 5; k++) {
            size_t r = f * 5 + k;
            cr_assert_str_eq(cv->cells[r][0], folds[f]);
            cr_assert_str_eq(cv->cells[r][1], years[f]);
            cr_assert_str_eq(cv->cells[r][2], methods[k]);
            cr_assert_float_eq(test_csv_num(cv, r, cn), n[f], 0, "row %zu", r);
            cr_assert(isfinite(test_csv_num(cv, r, test_csv_col(cv, "ks"))), "row %zu", r);
        }
    }
    cr_assert(fabs(test_csv_num(cv, 21, cb)) < 0.05, "gcm_eqm bias %g",
              test_csv_num(cv, 21, cb));

    test_csv_t *se = test_csv_read_in(dir, "series/vancouver_tasmax.csv");
    int co = test_csv_col(se, "obs"), cg = test_csv_col(se, "gcm");
    const int first[5] = {1951, 1964, 1978, 1992, 1951}, last[5] = {1963, 1977, 1991, 2005, 2005};
    for (size_t f = 0; f < 5; f++) {
        double sum = 0, sq = 0;
        size_t m = 0;
        for (size_t r = 0; r < se->nrows; r++) {
            int y = atoi(se->cells[r][0]);
            double o = test_csv_num(se, r, co), g = test_csv_num(se, r, cg);
            if (strcmp(se->cells[r][2], "historical") != 0 || y < first[f] || y > last[f] ||
                !isfinite(o) || !isfinite(g))
                continue;
            sum += g - o;
            sq += (g - o) * (g - o);
            m++;
        }
        cr_assert_eq(m, (size_t)n[f]);
        cr_assert_float_eq(test_csv_num(cv, f * 5, cb), sum / (double)m, 1e-3, "fold %s",
                           folds[f]);
        cr_assert_float_eq(test_csv_num(cv, f * 5, test_csv_col(cv, "rmse")),
                           sqrt(sq / (double)m), 1e-3, "fold %s", folds[f]);
    }
    test_csv_free(se);
    test_csv_free(cv);
}
