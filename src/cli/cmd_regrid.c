/* cmd_regrid.c - `downscale regrid`: remap a variable onto another grid or onto points.
 *
 * The steps: read the source's metadata, parse the target, narrow the source to the part
 * the target needs, get the weights (built, or read from a SCRIP file), then stream the
 * time axis: read a block of steps, apply the weights to each, write the block. Memory is
 * that of one block whatever the length of the series. The weights come from
 * dsc_regrid_weights_build_edges, the code the pipeline's regrid stage runs.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/commands.h"
#include "cli/regrid_target.h"
#include "dsc/scrip.h"

/* A block holds at most BLOCK_STEPS steps and at most BLOCK_VALUES values (source and
 * target steps together: 2 Mi doubles, 16 MiB), but at least one step, so memory stays the
 * same for a year or a century; 64 steps make the per-call costs of netCDF negligible. */
#define BLOCK_STEPS 64
#define BLOCK_VALUES ((size_t)2 << 20)

/* Source cells kept around the target's extent, beyond its own margin. */
#define SOURCE_HALO 2

typedef struct {
    const char *method, *to, *in, *out, *var, *weights_in, *weights_out;
    long deflate;
    dsc_log_level level;
    char history[4096];
} regrid_args_t;

static void usage(FILE *fp)
{
    fputs("usage: downscale regrid --to TARGET IN.nc OUT.nc [options]\n"
          "\n"
          "Remaps a variable of IN.nc onto TARGET and writes OUT.nc (CF NetCDF, the input's\n"
          "units, calendar and time units), streaming the time axis.\n"
          "\n"
          "  --to TARGET          a NetCDF file (its first data variable's grid), rNLONxNLAT\n"
          "                       (global, like CDO's r360x180), lonlat:LON0,LON1,DLON:LAT0,\n"
          "                       LAT1,DLAT (cell centres, degrees) or points:[NAME=]LAT,LON;...\n"
          "  --method M           bilinear (default), nearest, conservative or idw\n"
          "  --var V              the variable (default: the file's first data variable)\n"
          "  --weights W.nc       apply SCRIP weights (ours or CDO's gen*) instead of building\n"
          "  --write-weights W.nc also write the weights as SCRIP, for `cdo remap,TARGET,W.nc`\n"
          "  --deflate N          deflate level of OUT.nc, 0-9 (default 0: none, like CDO)\n"
          "  --quiet, --verbose\n",
          fp);
}

static int known_method(const char *m)
{
    for (const char *const *n = dsc_regrid_methods(); *n; n++)
        if (strcmp(*n, m) == 0)
            return 1;
    return 0;
}

/* 0 when the arguments make a run; otherwise the exit code, the problem printed. */
static int parse_args(int argc, char **argv, regrid_args_t *a)
{
    const char *pos[2] = {NULL, NULL};
    int npos = 0;
    memset(a, 0, sizeof *a);
    a->method = "bilinear";
    a->deflate = 0;
    a->level = DSC_LOG_INFO;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        const char **slot = strcmp(o, "--method") == 0          ? &a->method
                            : strcmp(o, "--to") == 0            ? &a->to
                            : strcmp(o, "--var") == 0           ? &a->var
                            : strcmp(o, "--weights") == 0       ? &a->weights_in
                            : strcmp(o, "--write-weights") == 0 ? &a->weights_out
                                                                : NULL;
        if (strcmp(o, "--help") == 0 || strcmp(o, "-h") == 0) {
            usage(stdout);
            return -1;
        } else if (slot && v) {
            *slot = v;
            i++;
        } else if (strcmp(o, "--deflate") == 0 && v) {
            if (dsc_cli_parse_int(v, 0, 9, &a->deflate)) {
                fprintf(stderr, "downscale: regrid: --deflate takes 0..9, not '%s'\n", v);
                return DSC_EXIT_USAGE;
            }
            i++;
        } else if (dsc_cli_log_option(o, &a->level)) {
            continue;
        } else if (o[0] == '-' && o[1]) {
            fprintf(stderr,
                    "downscale: regrid: unknown or incomplete option '%s' (see "
                    "downscale regrid --help)\n",
                    o);
            return DSC_EXIT_USAGE;
        } else if (npos < 2) {
            pos[npos++] = o;
        } else {
            fprintf(stderr, "downscale: regrid: one input and one output ('%s' is a third)\n", o);
            return DSC_EXIT_USAGE;
        }
    }
    a->in = pos[0];
    a->out = pos[1];
    if (!a->to || !a->in || !a->out) {
        fprintf(stderr, "downscale: regrid: need --to TARGET, IN.nc and OUT.nc, e.g. "
                        "downscale regrid --to r360x180 in.nc out.nc\n");
        return DSC_EXIT_USAGE;
    }
    if (!known_method(a->method)) {
        fprintf(stderr,
                "downscale: regrid: unknown method '%s' (bilinear, nearest, "
                "conservative, idw)\n",
                a->method);
        return DSC_EXIT_USAGE;
    }
    if (dsc_cli_same_file(a->in, a->out)) {
        fprintf(stderr, "downscale: regrid: %s: the output would overwrite the input\n", a->out);
        return DSC_EXIT_USAGE;
    }
    /* CF's history: a time stamp, then the command. */
    time_t now = time(NULL);
    struct tm utc;
    size_t n =
        strftime(a->history, sizeof a->history, "%Y-%m-%dT%H:%M:%SZ: ", gmtime_r(&now, &utc));
    dsc_cli_join_args(argc, argv, a->history + n, sizeof a->history - n);
    return 0;
}

/* ---- narrowing the source ------------------------------------------------------------ */

/* Largest step between neighbours of v[0..n) (longitudes the short way round). */
static double largest_step(const double *v, size_t n, int is_lon)
{
    double m = 0.0;
    for (size_t i = 1; i < n; i++) {
        double d = is_lon ? fabs(remainder(v[i] - v[i - 1], 360.0)) : fabs(v[i] - v[i - 1]);
        m = d > m ? d : m;
    }
    return m;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

/* The shortest arc holding every longitude of v: [*west, *west + *width]. */
static int lon_arc(const double *v, size_t n, double *west, double *width)
{
    double *s = malloc(n * sizeof *s);
    if (!s)
        return -1;
    for (size_t i = 0; i < n; i++)
        s[i] = dsc_lon_normalize(v[i]);
    qsort(s, n, sizeof *s, cmp_double);
    size_t gap_after = n - 1;
    double gap = s[0] + 360.0 - s[n - 1];
    for (size_t i = 0; i + 1 < n; i++)
        if (s[i + 1] - s[i] > gap) {
            gap = s[i + 1] - s[i];
            gap_after = i;
        }
    *west = s[(gap_after + 1) % n];
    *width = 360.0 - gap;
    free(s);
    return 0;
}

/* The box of source cells the target needs: its extent, widened by a target cell (so a
 * conservative cell is covered to its edges) and two source cells; 0 when the whole
 * source is needed anyway. */
static int target_box(const dsc_grid_t *t, const dsc_grid_t *src, dsc_region_t *box)
{
    int points = t->kind == DSC_GRID_POINTS;
    size_t ncol = points ? t->nlat : t->nlon;
    double lat_lo = INFINITY, lat_hi = -INFINITY, west, width;
    for (size_t i = 0; i < t->nlat; i++) {
        lat_lo = fmin(lat_lo, t->lat[i]);
        lat_hi = fmax(lat_hi, t->lat[i]);
    }
    if (lon_arc(t->lon, ncol, &west, &width))
        return 0;
    double mlat = 2.0 * largest_step(src->lat, src->nlat, 0);
    double mlon = 2.0 * largest_step(src->lon, src->nlon, 1);
    if (!points) {
        mlat += largest_step(t->lat, t->nlat, 0);
        mlon += largest_step(t->lon, t->nlon, 1);
    }
    if (t->lon_wraps || width + 2.0 * mlon >= 360.0)
        return 0;
    memset(box, 0, sizeof *box);
    box->kind = DSC_REGION_BOX;
    box->lat_min = fmax(-90.0, lat_lo - mlat);
    box->lat_max = fmin(90.0, lat_hi + mlat);
    box->lon_min = dsc_lon_normalize(west - mlon);
    box->lon_max = dsc_lon_normalize(west + width + mlon);
    box->halo = SOURCE_HALO;
    return 1;
}

/* Opens the source, then reopens it on the box the target needs when that reads less.
 * Weights shared with files (CDO's or for CDO) number the whole source, so then it is read
 * whole. A box that holds no source cell keeps the whole source: the weights then say the
 * target lies outside it. */
static int open_source(dsc_ctx_t *ctx, const regrid_args_t *a, const char *var,
                       const dsc_cli_target_t *t, dsc_io_stream_t **src)
{
    dsc_read_opts_t opts = {.raw_units = 1};
    dsc_region_t box;
    dsc_io_stream_t *part = NULL;
    int rc = dsc_io_stream_open(ctx, a->in, var, NULL, &opts, src);
    if (rc || a->weights_in || a->weights_out)
        return rc;
    const dsc_grid_t *g = dsc_io_stream_info(*src)->grid;
    if (g->kind != DSC_GRID_RECTILINEAR || !target_box(&t->grid, g, &box))
        return DSC_OK;
    rc = dsc_io_stream_open(ctx, a->in, var, &box, &opts, &part);
    if (rc == DSC_ERR_RANGE) {
        dsc_ctx_clear(ctx);
        return DSC_OK;
    }
    if (rc)
        return rc;
    const dsc_grid_t *pg = dsc_io_stream_info(part)->grid;
    dsc_log(ctx, DSC_LOG_DEBUG, "regrid", "%s: reading %zu x %zu of %zu x %zu source cells", a->in,
            pg->nlat, pg->nlon, g->nlat, g->nlon);
    dsc_io_stream_close(*src);
    *src = part;
    return DSC_OK;
}

/* ---- weights ------------------------------------------------------------------------- */

/* Whether cell c of g lies at (lat, lon), longitudes modulo a turn. */
static int same_place(const dsc_grid_t *g, size_t c, double lat, double lon)
{
    double glat, glon;
    dsc_grid_cell_coords(g, c, &glat, &glon);
    return fabs(glat - lat) <= 1e-4 && fabs(remainder(glon - lon, 360.0)) <= 1e-4;
}

/* The weights' grid must be the file's (or the target's), cell by cell. */
static int check_weights_grid(dsc_ctx_t *ctx, const char *wpath, const char *what,
                              const dsc_grid_t *wg, const dsc_grid_t *expect,
                              const char *expect_name)
{
    size_t n = dsc_grid_ncells(expect);
    if (dsc_grid_ncells(wg) != n)
        return dsc_error(ctx, DSC_ERR_USAGE,
                         "%s: the weights' %s grid has %zu cells, %s has "
                         "%zu: they were made for another grid",
                         wpath, what, dsc_grid_ncells(wg), expect_name, n);
    for (size_t c = 0; c < n; c++) {
        double lat, lon;
        dsc_grid_cell_coords(expect, c, &lat, &lon);
        if (!same_place(wg, c, lat, lon)) {
            double wlat, wlon;
            dsc_grid_cell_coords(wg, c, &wlat, &wlon);
            return dsc_error(ctx, DSC_ERR_USAGE,
                             "%s: %s cell %zu of the weights lies at "
                             "(%.4f, %.4f), in %s at (%.4f, %.4f): they were made for "
                             "another grid",
                             wpath, what, c, wlat, wlon, expect_name, lat, lon);
        }
    }
    return DSC_OK;
}

/* Reads SCRIP weights, which number cells in file order, checks that they were made for
 * these grids and renumbers them into the order of the grids read. so and to are the
 * file orders of the source and (for a rectilinear target file) the target. */
static int read_weights(dsc_ctx_t *ctx, const regrid_args_t *a, const dsc_grid_t *src,
                        const dsc_cli_file_order_t *so, const dsc_cli_target_t *t,
                        const dsc_cli_file_order_t *to, dsc_regrid_weights_t **w)
{
    dsc_regrid_weights_t *raw = NULL;
    dsc_grid_t wsrc, wdst;
    const dsc_grid_t *tfile = to->nfile ? &to->grid : &t->grid;
    int rc = dsc_io_weights_read(ctx, a->weights_in, &raw, &wsrc, &wdst);
    if (rc)
        return rc;
    if (!(rc = check_weights_grid(ctx, a->weights_in, "source", &wsrc, &so->grid, a->in)) &&
        !(rc = check_weights_grid(ctx, a->weights_in, "target", &wdst, tfile, a->to)))
        rc = dsc_regrid_weights_reorder(ctx, raw, dsc_grid_ncells(src), so->from_file,
                                        dsc_grid_ncells(&t->grid), to->nfile ? to->to_file : NULL,
                                        w);
    dsc_regrid_weights_destroy(raw);
    dsc_grid_clear(&wsrc);
    dsc_grid_clear(&wdst);
    return rc;
}

/* Writes the weights in the files' cell order, so that `cdo remap,TARGET,W.nc IN.nc` reads
 * them the way CDO numbers the cells of IN.nc and TARGET. */
static int write_weights(dsc_ctx_t *ctx, const regrid_args_t *a, const dsc_regrid_weights_t *w,
                         const dsc_cli_file_order_t *so, const dsc_cli_target_t *t,
                         const dsc_cli_file_order_t *to)
{
    dsc_regrid_weights_t *filed = NULL;
    dsc_regrid_edges_t se = {so->lat_edges, so->lon_edges};
    dsc_regrid_edges_t te = {to->lat_edges, to->lon_edges};
    int rc = dsc_regrid_weights_reorder(ctx, w, so->nfile, so->to_file,
                                        to->nfile ? to->nfile : dsc_grid_ncells(&t->grid),
                                        to->nfile ? to->from_file : NULL, &filed);
    if (rc == DSC_OK)
        rc = dsc_io_weights_write(ctx, a->weights_out, filed, &so->grid, &se,
                                  to->nfile ? &to->grid : &t->grid, to->nfile ? &te : NULL,
                                  a->history);
    dsc_regrid_weights_destroy(filed);
    return rc;
}

static int get_weights(dsc_ctx_t *ctx, const regrid_args_t *a, const dsc_io_stream_info_t *in,
                       const dsc_cli_target_t *t, dsc_regrid_weights_t **w)
{
    dsc_cli_file_order_t so = {0}, to = {0};
    dsc_regrid_edges_t src_edges = {in->lat_edges, in->lon_edges};
    int rc = DSC_OK;

    *w = NULL;
    if (a->weights_in || a->weights_out) {
        if ((rc = dsc_cli_file_order(ctx, in, &so)))
            goto done;
        const dsc_io_stream_info_t *tin = t->file ? dsc_io_stream_info(t->file) : NULL;
        if (tin && tin->grid->kind == DSC_GRID_RECTILINEAR &&
            (rc = dsc_cli_file_order(ctx, tin, &to)))
            goto done;
    }
    if (a->weights_in) {
        rc = read_weights(ctx, a, in->grid, &so, t, &to, w);
    } else if ((rc = dsc_regrid_weights_build_edges(ctx, a->method, in->grid, &src_edges, &t->grid,
                                                    &t->edges, w))) {
        /* The weights know no file names; the user wants to know which files. */
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", dsc_ctx_message(ctx));
        rc = dsc_error(ctx, rc, "%s onto %s: %s", a->in, a->to, msg);
    }
    if (rc == DSC_OK && a->weights_out)
        rc = write_weights(ctx, a, *w, &so, t, &to);
done:
    dsc_cli_file_order_clear(&so);
    dsc_cli_file_order_clear(&to);
    if (rc) {
        dsc_regrid_weights_destroy(*w);
        *w = NULL;
    }
    return rc;
}

/* ---- streaming ----------------------------------------------------------------------- */

static int open_output(dsc_ctx_t *ctx, const regrid_args_t *a, const dsc_io_stream_info_t *in,
                       const dsc_regrid_weights_t *w, const dsc_grid_t *target,
                       dsc_io_writer_t **out)
{
    char comment[1024];
    snprintf(comment, sizeof comment, "%s regridded from %s onto %s (%s weights%s%s)", in->var,
             in->path, a->to, dsc_regrid_weights_method(w), a->weights_in ? " from " : "",
             a->weights_in ? a->weights_in : "");
    dsc_nc_meta_t meta = {.source = in->path, .history = a->history, .comment = comment};
    dsc_io_writer_opts_t o = {
        .name = in->var,
        .units = in->units,
        .long_name = in->long_name,
        .standard_name = in->standard_name,
        .time_units = *in->time_units ? in->time_units : NULL,
        .calendar = in->calendar,
        .deflate = (int)a->deflate,
        .meta = &meta,
    };
    return dsc_io_writer_create(ctx, a->out, target, &o, out);
}

/* Read a block, remap its steps, write it. */
static int stream(dsc_ctx_t *ctx, const regrid_args_t *a, dsc_io_stream_t *src,
                  const dsc_regrid_weights_t *w, const dsc_grid_t *target)
{
    const dsc_io_stream_info_t *in = dsc_io_stream_info(src);
    size_t nsrc = dsc_grid_ncells(in->grid), ndst = dsc_grid_ncells(target);
    size_t block = BLOCK_VALUES / (nsrc + ndst);
    block = block < 1 ? 1 : block > BLOCK_STEPS ? BLOCK_STEPS : block;
    block = block > in->ntime ? in->ntime : block;
    double *vin = dsc_malloc(ctx, block * nsrc * sizeof *vin, "source block");
    double *vout = dsc_malloc(ctx, block * ndst * sizeof *vout, "target block");
    dsc_io_writer_t *out = NULL;
    int progress = dsc_cli_wants_progress(a->level), rc;

    if (!vin || !vout) {
        rc = DSC_ERR_NOMEM;
        goto fail;
    }
    if ((rc = open_output(ctx, a, in, w, target, &out)))
        goto fail;
    for (size_t t0 = 0; t0 < in->ntime; t0 += block) {
        size_t nt = in->ntime - t0 < block ? in->ntime - t0 : block;
        if ((rc = dsc_io_stream_read(ctx, src, t0, nt, vin)))
            goto fail;
        dsc_regrid_apply_steps(w, nt, vin, vout);
        if ((rc = dsc_io_writer_append(ctx, out, in->dates + t0, vout, nt)))
            goto fail;
        if (progress)
            dsc_cli_progress(NULL, "regrid", t0 + nt, in->ntime);
    }
    rc = dsc_io_writer_commit(ctx, out);
    out = NULL;
fail:
    dsc_io_writer_abort(out);
    free(vin);
    free(vout);
    return rc;
}

static int run(dsc_ctx_t *ctx, const regrid_args_t *a)
{
    char var[256];
    dsc_cli_target_t target;
    dsc_io_stream_t *src = NULL;
    dsc_regrid_weights_t *w = NULL;
    int rc;

    memset(&target, 0, sizeof target);
    snprintf(var, sizeof var, "%s", a->var ? a->var : "");
    if ((!a->var && (rc = dsc_io_data_variable(ctx, a->in, var, sizeof var))) ||
        (rc = dsc_cli_target_parse(ctx, a->to, &target)) ||
        (rc = open_source(ctx, a, var, &target, &src)))
        goto done;
    const dsc_io_stream_info_t *in = dsc_io_stream_info(src);
    if (in->grid->kind != DSC_GRID_RECTILINEAR) {
        rc = dsc_error(ctx, DSC_ERR_USAGE,
                       "%s: %s is on points, not a grid; only a grid can "
                       "be regridded",
                       a->in, var);
        goto done;
    }
    if ((rc = get_weights(ctx, a, in, &target, &w)) || (rc = stream(ctx, a, src, w, &target.grid)))
        goto done;
    dsc_log(ctx, DSC_LOG_INFO, "regrid", "%s: %zu steps of %s on %zu cells (%s)", a->out, in->ntime,
            var, dsc_grid_ncells(&target.grid), dsc_regrid_weights_method(w));
done:
    dsc_regrid_weights_destroy(w);
    dsc_io_stream_close(src);
    dsc_cli_target_clear(&target);
    return rc;
}

int dsc_cmd_regrid(int argc, char **argv)
{
    regrid_args_t a;
    int rc = parse_args(argc, argv, &a);
    if (rc)
        return rc < 0 ? DSC_EXIT_OK : rc;
    dsc_ctx_t *ctx = dsc_cli_context(a.level);
    if (!ctx)
        return DSC_EXIT_INTERNAL;
    return dsc_cli_finish(ctx, run(ctx, &a), NULL);
}
