/* cmd_inspect.c - `downscale inspect [OPTIONS] FILE [VAR]`: how a file is decoded, or why it
 * would be refused.
 *
 * Each line sets what the file stores next to what the reader makes of it, so a user can
 * see at once why a value or a date is what it is. The dates are printed as `ncdump -t`
 * prints them (with the time of day when there is one), so the two can be compared line by
 * line; `cdo showdate` prints the same dates without the time of day.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "dsc/io.h"

static void usage(FILE *fp)
{
    fputs("usage: downscale inspect [--dates] [--calendar NAME] [--time-units UNITS]\n"
          "                         [--units UNITS] [--raw-units] [--time-name VAR]\n"
          "                         [--select DIM=INDEX] FILE [VAR]\n"
          "  shows how VAR (default: the first temperature-like variable) of a NetCDF file is\n"
          "  decoded, or why it would be refused (exit status 2)\n"
          "  --dates        list every decoded date, one per line, as `ncdump -t` writes them\n"
          "  --calendar, --time-units, --units, --time-name\n"
          "                 overrides for files whose metadata is not CF, as in a pipeline\n"
          "  --raw-units    keep the values in the file's units (not a temperature)\n"
          "  --select       read index INDEX (from 0) of an extra dimension DIM\n",
          fp);
}

static const char *or_none(const char *s)
{
    return s && *s ? s : "(none)";
}

static void print_dims(const dsc_io_info_t *in)
{
    printf("dimensions: ");
    for (int i = 0; i < in->ndims; i++) {
        const dsc_io_dim_t *d = &in->dims[i];
        printf("%s%s = %zu%s (%s", i ? ", " : "", d->name, d->length,
               d->unlimited ? " unlimited" : "", d->role);
        if (strcmp(d->role, "length one") == 0 || strcmp(d->role, "selected") == 0)
            printf(", index %zu", d->index);
        printf(")");
    }
    printf("%s\n", in->ndims ? "" : "(none)");
}

static const char *direction(double first, double last, size_t n)
{
    return n < 2 ? "single value" : first < last ? "ascending" : "descending";
}

static const char *lon_convention(double first, double last)
{
    double lo = first < last ? first : last, hi = first < last ? last : first;
    if (hi > 360.0)
        return "past 360";
    if (lo < -180.0)
        return "below -180";
    return hi > 180.0 ? "0..360" : "-180..180";
}

static void print_grid(const dsc_io_info_t *in)
{
    const dsc_field_t *f = in->field;
    if (in->lat.n && !isnan(in->lat.first) && in->layout && strcmp(in->layout, "grid") == 0) {
        printf("latitude:   file %s: %g .. %g (%zu, %s)", in->lat.name, in->lat.first, in->lat.last,
               in->lat.n, direction(in->lat.first, in->lat.last, in->lat.n));
        if (f)
            printf("; decoded %g .. %g (%zu, ascending)", f->grid.lat[0],
                   f->grid.lat[f->grid.nlat - 1], f->grid.nlat);
        printf("\n");
        printf("longitude:  file %s: %g .. %g (%zu, %s, %s)", in->lon.name, in->lon.first,
               in->lon.last, in->lon.n, direction(in->lon.first, in->lon.last, in->lon.n),
               lon_convention(in->lon.first, in->lon.last));
        if (f)
            printf("; decoded %g .. %g (%zu, west to east%s)", f->grid.lon[0],
                   f->grid.lon[f->grid.nlon - 1], f->grid.nlon,
                   f->grid.lon_wraps ? ", global, periodic" : "");
        printf("\n");
        return;
    }
    if (!f || f->grid.kind != DSC_GRID_POINTS)
        return;
    printf("points:     %zu\n", f->grid.nlat);
    for (size_t i = 0; i < f->grid.nlat && i < 10; i++)
        printf("  point %zu:  %s lat %g lon %g\n", i,
               f->grid.names && f->grid.names[i] ? f->grid.names[i] : "-", f->grid.lat[i],
               f->grid.lon[i]);
    if (f->grid.nlat > 10)
        printf("  ... %zu more\n", f->grid.nlat - 10);
}

static void print_time(const dsc_io_info_t *in)
{
    const dsc_field_t *f = in->field;
    if (!in->time_name[0])
        return;
    printf("time:       %s, units \"%s\", calendar %s%s%s", in->time_name, in->time_units,
           in->calendar[0] ? "\"" : "", in->calendar[0] ? in->calendar : "(none)",
           in->calendar[0] ? "\"" : "");
    if (f)
        printf(" -> %s", dsc_calendar_name(f->calendar));
    printf("\n");
    if (!f || f->ntime == 0)
        return;
    char d0[48], d1[48];
    dsc_datetime_format(f->dates[0], d0, sizeof d0);
    dsc_datetime_format(f->dates[f->ntime - 1], d1, sizeof d1);
    printf("dates:      %zu step%s, %s .. %s\n", f->ntime, f->ntime == 1 ? "" : "s", d0, d1);
}

static void print_values(const dsc_io_info_t *in)
{
    if (!in->layout)
        return;
    printf("units:      \"%s\"", or_none(in->units));
    if (in->units_to[0] && in->unit_scale == 1.0 && in->unit_offset == 0.0)
        printf(" -> %s (unchanged)", in->units_to);
    else if (in->units_to[0] && in->unit_scale == 1.0)
        printf(" -> %s = value %c %g", in->units_to, in->unit_offset < 0 ? '-' : '+',
               fabs(in->unit_offset));
    else if (in->units_to[0])
        printf(" -> %s = value * %.6g %c %.6g", in->units_to, in->unit_scale,
               in->unit_offset < 0 ? '-' : '+', fabs(in->unit_offset));
    printf("\n");
    printf("packing:    stored as %s", in->type);
    if (in->packed)
        printf(", value = stored * %.9g %c %.9g", in->scale_factor, in->add_offset < 0 ? '-' : '+',
               fabs(in->add_offset));
    printf("\n");
    printf("fill:       _FillValue ");
    if (in->fill_kind == 0)
        printf("(none)");
    else
        printf("%g%s", in->fill,
               in->fill_kind == 2   ? " (netCDF default)"
               : in->fill_kind == 3 ? " (matches no stored value)"
                                    : "");
    printf(", missing_value ");
    for (size_t i = 0; i < in->nmissing_value; i++)
        printf("%s%g", i ? " " : "", in->missing_value[i]);
    printf("%s, valid range ", in->nmissing_value ? "" : "(none)");
    if (!in->has_valid_min && !in->has_valid_max)
        printf("(none)");
    else
        printf("%g .. %g (%s)", in->has_valid_min ? in->valid_min : -INFINITY,
               in->has_valid_max ? in->valid_max : INFINITY,
               in->valid_unpacked ? "unpacked" : "stored");
    printf("\n");
    if (!in->field)
        return;
    printf("values:     %zu, missing %zu (%.1f %%)", in->nvalues, in->nmissing,
           in->nvalues ? 100.0 * (double)in->nmissing / (double)in->nvalues : 0.0);
    if (!isnan(in->vmin))
        printf(", range %.4g .. %.4g %s", in->vmin, in->vmax, in->field->units);
    printf("\n");
}

/* "level=1" into the dimension's name and the index; -1 when it is not that. */
static int parse_select(const char *text, char *dim, size_t size, size_t *index)
{
    const char *eq = strchr(text, '=');
    char *end;
    if (!eq || eq == text || (size_t)(eq - text) >= size || eq[1] < '0' || eq[1] > '9')
        return -1;
    unsigned long long v = strtoull(eq + 1, &end, 10);
    if (*end != '\0')
        return -1;
    memcpy(dim, text, (size_t)(eq - text));
    dim[eq - text] = '\0';
    *index = (size_t)v;
    return 0;
}

static void print_dates(const dsc_field_t *f)
{
    char buf[48];
    for (size_t t = 0; t < f->ntime; t++) {
        dsc_datetime_format(f->dates[t], buf, sizeof buf);
        puts(buf);
    }
}

int dsc_cmd_inspect(int argc, char **argv)
{
    dsc_read_opts_t opts = {0};
    char select_dim[64];
    const char *args[2] = {NULL, NULL};
    int nargs = 0, dates = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = strcmp(a, "--calendar") == 0     ? &opts.calendar
                            : strcmp(a, "--time-units") == 0 ? &opts.time_units
                            : strcmp(a, "--units") == 0      ? &opts.units
                            : strcmp(a, "--time-name") == 0  ? &opts.time_name
                                                             : NULL;
        if (slot && i + 1 < argc) {
            *slot = argv[++i];
        } else if (strcmp(a, "--dates") == 0) {
            dates = 1;
        } else if (strcmp(a, "--raw-units") == 0) {
            opts.raw_units = 1;
        } else if (strcmp(a, "--select") == 0 && i + 1 < argc) {
            if (parse_select(argv[++i], select_dim, sizeof select_dim, &opts.select_index)) {
                fprintf(stderr, "downscale: error: inspect: --select '%s' is not DIM=INDEX\n",
                        argv[i]);
                return DSC_EXIT_USAGE;
            }
            opts.select_dim = select_dim;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return DSC_EXIT_OK;
        } else if (a[0] == '-' && a[1] == '-') {
            fprintf(stderr, "downscale: error: inspect: unknown or incomplete option '%s'\n", a);
            usage(stderr);
            return DSC_EXIT_USAGE;
        } else if (nargs < 2) {
            args[nargs++] = a;
        } else {
            usage(stderr);
            return DSC_EXIT_USAGE;
        }
    }
    if (nargs < 1) {
        usage(stderr);
        return DSC_EXIT_USAGE;
    }

    dsc_ctx_t *ctx = dsc_ctx_create();
    if (!ctx)
        return DSC_EXIT_INTERNAL;
    dsc_io_info_t in;
    int rc = dsc_io_describe(ctx, args[0], args[1], &opts, &in);
    if (dates && rc == DSC_OK) {
        print_dates(in.field);
    } else if (!dates) {
        printf("file:       %s (%s)\n", args[0], or_none(in.format));
        printf("variable:   %s", or_none(in.var));
        if (in.layout)
            printf(", %s layout", in.layout);
        printf("\ncandidates: %s\n", or_none(in.candidates));
        print_dims(&in);
        print_grid(&in);
        print_time(&in);
        print_values(&in);
    }
    if (rc) {
        if (!dates)
            printf("refused:    %s\n", in.problem);
        fprintf(stderr, "downscale: error: %s\n", in.problem);
    }
    dsc_io_info_clear(&in);
    dsc_ctx_destroy(ctx);
    return dsc_cli_exit_code(rc);
}
