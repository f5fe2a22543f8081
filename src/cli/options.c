/* options.c - what the correct and evaluate commands share: the variable guessed from a
 * file and the reading of an input, numbers and year ranges from the command line and the
 * report of a refused option, the check that two grids are the same, the command line for
 * history attributes. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/commands.h"
#include "dsc/io.h"

int dsc_cli_guess_variable(dsc_ctx_t *ctx, const char *path, const char *prefer, char *name,
                           size_t size)
{
    char **vars = NULL;
    size_t n = 0;
    int rc = dsc_io_temperature_vars(ctx, path, &vars, &n);
    if (rc)
        return rc;
    size_t pick = 0;
    for (size_t i = 0; prefer && i < n; i++)
        if (strcmp(vars[i], prefer) == 0)
            pick = i;
    if (n > 0)
        snprintf(name, size, "%s", vars[pick]);
    else
        rc = dsc_error(ctx, DSC_ERR_USAGE,
                       "%s: no temperature variable found; name one with "
                       "--var (or --ref-var)",
                       path);
    dsc_io_paths_free(vars, n);
    return rc;
}

int dsc_cli_read_input(dsc_ctx_t *ctx, const char *path, const char *var, const char *prefer,
                       dsc_field_t **out)
{
    char guessed[128];
    if (!var) {
        int rc = dsc_cli_guess_variable(ctx, path, prefer, guessed, sizeof guessed);
        if (rc)
            return rc;
        var = guessed;
    }
    return dsc_io_read(ctx, path, var, NULL, NULL, out);
}

void dsc_cli_option_error(const char *command, const char *opt, const char *val, int rc)
{
    if (rc == -1)
        fprintf(stderr, "downscale: %s: bad value '%s' for %s\n", command, val, opt);
    else
        fprintf(stderr, "downscale: %s: unknown or incomplete option '%s'\n", command, opt);
}

int dsc_cli_parse_int(const char *text, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || end == text || *end != '\0' || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

int dsc_cli_parse_years(const char *text, int *y0, int *y1)
{
    char *end;
    errno = 0;
    long a = strtol(text, &end, 10);
    if (errno || end == text || *end != '-' || a < 0 || a > 99999)
        return -1;
    const char *rest = end + 1;
    long b = strtol(rest, &end, 10);
    if (errno || end == rest || *end != '\0' || b < a || b > 99999)
        return -1;
    *y0 = (int)a;
    *y1 = (int)b;
    return 0;
}

void dsc_cli_join_args(int argc, char **argv, char *buf, size_t size)
{
    size_t o = (size_t)snprintf(buf, size, "downscale");
    for (int i = 0; i < argc && o < size; i++)
        o += (size_t)snprintf(buf + o, size - o, " %s", argv[i]);
}

/* Coordinates written as float by one tool and double by another differ by about 1e-6
 * degrees; 1e-4 (about 10 m) still tells neighbouring cells of any real grid apart. */
#define COORD_TOLERANCE 1e-4

static int coords_match(const double *a, const double *b, size_t n, const char *axis, char *why,
                        size_t size)
{
    for (size_t i = 0; i < n; i++) {
        double d = fabs(a[i] - b[i]);
        if (d > 180.0)
            d = 360.0 - d; /* -180 and 180 are the same meridian */
        if (!(d <= COORD_TOLERANCE) && !(isnan(a[i]) && isnan(b[i]))) {
            snprintf(why, size, "%s %zu is %.5f in one and %.5f in the other", axis, i, a[i], b[i]);
            return -1;
        }
    }
    return 0;
}

int dsc_cli_grids_match(const dsc_grid_t *a, const dsc_grid_t *b, char *why, size_t size)
{
    const char *kind[2] = {"a grid", "a set of points"};
    if (a->kind != b->kind) {
        snprintf(why, size, "%s against %s", kind[a->kind == DSC_GRID_POINTS],
                 kind[b->kind == DSC_GRID_POINTS]);
        return -1;
    }
    if (a->nlat != b->nlat || a->nlon != b->nlon) {
        if (a->kind == DSC_GRID_POINTS)
            snprintf(why, size, "%zu points against %zu", a->nlat, b->nlat);
        else
            snprintf(why, size, "%zu x %zu cells against %zu x %zu", a->nlat, a->nlon, b->nlat,
                     b->nlon);
        return -1;
    }
    size_t nlon = a->kind == DSC_GRID_POINTS ? a->nlat : a->nlon;
    if (coords_match(a->lat, b->lat, a->nlat, "latitude", why, size) ||
        coords_match(a->lon, b->lon, nlon, "longitude", why, size))
        return -1;
    return 0;
}

int dsc_cli_require_grid(dsc_ctx_t *ctx, const char *path, const dsc_grid_t *grid,
                         const char *ref_path, const dsc_grid_t *ref_grid)
{
    char why[256];
    if (dsc_cli_grids_match(grid, ref_grid, why, sizeof why) == 0)
        return DSC_OK;
    return dsc_error(ctx, DSC_ERR_USAGE,
                     "%s: not on the grid of %s (%s); put both on one "
                     "grid first, e.g. with downscale regrid",
                     path, ref_path, why);
}

int dsc_cli_same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    return strcmp(a, b) == 0;
}
