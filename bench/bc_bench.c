/* bc_bench.c - times the library's bias correction over a grid of cells (bench_bc.sh).
 *
 *   bc_bench gen DIR YEARS NCELL   writes ref.f64, hist.f64 and sim.f64 to DIR: YEARS noleap
 *                                  years x NCELL cells, time-major float64, seeded
 *   bc_bench run DIR METHOD YEARS NCELL
 *                                  reads them, corrects sim with METHOD (31-day windows,
 *                                  100 nodes, one block), writes DIR/c_METHOD.f64 and
 *                                  prints "wall_seconds cpu_seconds threads" of the
 *                                  correction alone (CPU time summed over threads)
 *
 * Plain files rather than NetCDF, so that the NumPy side reads exactly the same numbers
 * with np.fromfile and neither side's timing includes decoding.
 */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dsc/bc.h"

static dsc_date_t *noleap_dates(int years, size_t *n)
{
    *n = (size_t)years * 365;
    dsc_date_t *d = malloc(*n * sizeof *d);
    if (!d)
        return NULL;
    dsc_date_t first = {1951, 1, 1, 0.0};
    int64_t d0 = dsc_date_to_days(DSC_CAL_NOLEAP, first);
    for (size_t t = 0; t < *n; t++)
        d[t] = dsc_date_from_days(DSC_CAL_NOLEAP, d0 + (int64_t)t);
    return d;
}

static int write_array(const char *dir, const char *name, const double *v, size_t n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "wb");
    if (!fp || fwrite(v, sizeof *v, n, fp) != n || fclose(fp) != 0) {
        fprintf(stderr, "bc_bench: cannot write %s\n", path);
        return -1;
    }
    return 0;
}

static double *read_array(const char *dir, const char *name, size_t n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    double *v = malloc(n * sizeof *v);
    FILE *fp = fopen(path, "rb");
    if (!v || !fp || fread(v, sizeof *v, n, fp) != n) {
        fprintf(stderr, "bc_bench: cannot read %s\n", path);
        free(v);
        if (fp)
            fclose(fp);
        return NULL;
    }
    fclose(fp);
    return v;
}

/* A seasonal cycle whose amplitude and mean vary by cell, plus Gaussian weather; hist is
 * warmer and more variable than ref, sim is hist warmed by 3 K over the run. */
static int generate(const char *dir, int years, size_t ncell)
{
    size_t n;
    dsc_date_t *dates = noleap_dates(years, &n);
    double *ref = malloc(n * ncell * sizeof *ref), *hist = malloc(n * ncell * sizeof *hist);
    double *sim = malloc(n * ncell * sizeof *sim);
    int rc = -1;
    if (!dates || !ref || !hist || !sim)
        goto done;
    dsc_rng_t rng;
    dsc_rng_seed(&rng, 2015);
    for (size_t t = 0; t < n; t++) {
        double season = cos(2.0 * M_PI * (dsc_date_doy(DSC_CAL_NOLEAP, dates[t]) - 15) / 365.0);
        double warming = 3.0 * (double)t / (double)n;
        for (size_t c = 0; c < ncell; c++) {
            double amp = 8.0 + 0.01 * (double)c, mean = 10.0 - 0.02 * (double)c;
            size_t i = t * ncell + c;
            ref[i] = mean - amp * season + 3.0 * dsc_rng_normal(&rng);
            hist[i] = mean + 2.0 - 1.2 * amp * season + 4.0 * dsc_rng_normal(&rng);
            sim[i] = mean + 2.0 + warming - 1.2 * amp * season + 4.5 * dsc_rng_normal(&rng);
        }
    }
    if (!write_array(dir, "ref.f64", ref, n * ncell) &&
        !write_array(dir, "hist.f64", hist, n * ncell) &&
        !write_array(dir, "sim.f64", sim, n * ncell))
        rc = 0;
done:
    free(dates);
    free(ref);
    free(hist);
    free(sim);
    return rc;
}

static double clock_seconds(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int run(const char *dir, const char *method, int years, size_t ncell)
{
    size_t n;
    dsc_date_t *dates = noleap_dates(years, &n);
    double *ref = read_array(dir, "ref.f64", n * ncell);
    double *hist = read_array(dir, "hist.f64", n * ncell);
    double *sim = read_array(dir, "sim.f64", n * ncell);
    double *out = malloc(n * ncell * sizeof *out);
    dsc_ctx_t *ctx = dsc_ctx_create();
    int rc = -1;
    if (!dates || !ref || !hist || !sim || !out || !ctx)
        goto done;

    dsc_bc_config_t cfg;
    dsc_bc_config_default(&cfg);
    snprintf(cfg.method, sizeof cfg.method, "%s", method);
    cfg.window = 31;
    cfg.nquantiles = 100;
    dsc_bc_cells_t r = {ref, dates, n, NULL}, h = {hist, dates, n, NULL},
                   s = {sim, dates, n, NULL};
    /* CPU time beside wall time: on a shared machine the wall time of a single-threaded
     * run measures the neighbours as much as the code. */
    double t0 = clock_seconds(CLOCK_MONOTONIC), c0 = clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
    rc = dsc_bc_correct_cells(ctx, &cfg, DSC_CAL_NOLEAP, ncell, &r, &h, &s, 0, out, NULL);
    double t1 = clock_seconds(CLOCK_MONOTONIC), c1 = clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
    if (rc) {
        fprintf(stderr, "bc_bench: %s\n", dsc_ctx_message(ctx));
        goto done;
    }
    char name[64];
    snprintf(name, sizeof name, "c_%s.f64", method);
    rc = write_array(dir, name, out, n * ncell);
    printf("%.3f %.3f %d\n", t1 - t0, c1 - c0, omp_get_max_threads());
done:
    free(dates);
    free(ref);
    free(hist);
    free(sim);
    free(out);
    dsc_ctx_destroy(ctx);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "gen") == 0)
        return generate(argv[2], atoi(argv[3]), (size_t)atol(argv[4])) ? 1 : 0;
    if (argc == 6 && strcmp(argv[1], "run") == 0)
        return run(argv[2], argv[3], atoi(argv[4]), (size_t)atol(argv[5])) ? 1 : 0;
    fprintf(stderr, "usage: bc_bench gen DIR YEARS NCELL | run DIR METHOD YEARS NCELL\n");
    return 2;
}
