/* cmd_inspect.c - `downscale inspect FILE [VAR]`: how a file is decoded, or why it would be
 * refused. */
#include <math.h>
#include <netcdf.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "dsc/io.h"

/* The first variable that looks like a temperature when none is named. */
static int guess_variable(const char *path, char *name, size_t size)
{
    static const char *const known[] = {"tasmax", "tasmin", "tas", "tmax", "tmin", "TREFHT",
                                        "air_temperature", "T2m", "t2m"};
    int nc, id;
    if (nc_open(path, NC_NOWRITE, &nc) != NC_NOERR)
        return -1;
    int found = -1;
    for (size_t i = 0; i < sizeof known / sizeof known[0] && found < 0; i++)
        if (nc_inq_varid(nc, known[i], &id) == NC_NOERR) {
            snprintf(name, size, "%s", known[i]);
            found = 0;
        }
    nc_close(nc);
    return found;
}

static void print_grid(const dsc_field_t *f)
{
    const dsc_grid_t *g = &f->grid;
    if (g->kind == DSC_GRID_POINTS) {
        printf("layout:     %zu point(s)\n", g->nlat);
        for (size_t i = 0; i < g->nlat && i < 10; i++)
            printf("  point %zu:  %s lat %.4f lon %.4f\n", i,
                   g->names && g->names[i] ? g->names[i] : "-", g->lat[i], g->lon[i]);
        return;
    }
    printf("layout:     grid %zu lat x %zu lon%s\n", g->nlat, g->nlon,
           g->lon_wraps ? " (global, periodic in longitude)" : "");
    printf("latitude:   %.4f .. %.4f (ascending after decoding)\n", g->lat[0],
           g->lat[g->nlat - 1]);
    printf("longitude:  %.4f .. %.4f (normalised to -180..180)\n", g->lon[0],
           g->lon[g->nlon - 1]);
}

int dsc_cmd_inspect(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: downscale inspect FILE [VAR]\n");
        return DSC_EXIT_USAGE;
    }
    const char *path = argv[1];
    char var[128];
    if (argc == 3)
        snprintf(var, sizeof var, "%s", argv[2]);
    else if (guess_variable(path, var, sizeof var)) {
        fprintf(stderr, "downscale: error: %s: no temperature variable found; name one: "
                        "downscale inspect FILE VAR\n", path);
        return DSC_EXIT_USAGE;
    }
    dsc_ctx_t *ctx = dsc_ctx_create();
    if (!ctx)
        return DSC_EXIT_INTERNAL;
    dsc_field_t *f = NULL;
    int rc = dsc_io_read(ctx, path, var, NULL, NULL, &f);
    if (rc) {
        printf("file:       %s\nvariable:   %s\nrefused:    %s\n", path, var,
               dsc_ctx_message(ctx));
        dsc_ctx_destroy(ctx);
        return dsc_cli_exit_code(rc);
    }
    size_t n = f->ntime * dsc_field_ncells(f), missing = 0;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        double v = f->values[i];
        if (!isfinite(v)) {
            missing++;
            continue;
        }
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
    }
    char d0[32] = "-", d1[32] = "-";
    if (f->ntime) {
        dsc_date_format(f->dates[0], d0, sizeof d0);
        dsc_date_format(f->dates[f->ntime - 1], d1, sizeof d1);
    }
    printf("file:       %s\nvariable:   %s\n", path, var);
    print_grid(f);
    printf("calendar:   %s\n", dsc_calendar_name(f->calendar));
    printf("time:       %zu steps, %s .. %s\n", f->ntime, d0, d1);
    printf("units:      converted to %s\n", f->units);
    printf("values:     %zu, missing %zu, range %.2f .. %.2f %s\n", n, missing, lo, hi,
           f->units);
    dsc_field_destroy(f);
    dsc_ctx_destroy(ctx);
    return 0;
}
