/* read_steps.c - a variable read a block of time steps at a time (dsc_io_stream_*).
 *
 * Opening runs the reader's first three steps (layout, time axis, packing and region, see
 * read_internal.h) once and keeps the file open; each block is then one hyperslab per run
 * of file columns (two when a selection crosses the file's longitude seam), unpacked into
 * the caller's array. The same decoding as dsc_io_read, so a series read in blocks equals
 * the series read whole.
 */
#include "dsc/io_stream.h"
#include "read_internal.h"

#include <math.h>
#include <netcdf_filter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Bounds that meet within this are one edge (degrees). */
#define BOUNDS_EPS 1e-6

/* A run of consecutive file columns [lo, hi] read as one hyperslab. */
typedef struct {
    size_t lo, hi;
} col_run_t;

struct dsc_io_stream {
    dsc_io_stream_info_t info;
    char *path;
    char var[NC_MAX_NAME + 1];
    int ncid;
    io_layout_t lay;
    io_packing_t pk;
    io_axis_t a, b;      /* file indices of the output rows (lat or site) and columns */
    dsc_grid_t grid;
    dsc_date_t *dates;
    char units[32];
    char time_units[256];
    char long_name[256];
    char standard_name[128];
    double *file_lat, *file_lon;
    double *lat_edges, *lon_edges;
    size_t alo, ahi;     /* file rows spanned by a */
    col_run_t runs[2];
    size_t nruns;
    double *buf;         /* raw values of one hyperslab */
    size_t buf_len;
};

static int cmp_size(const void *x, const void *y)
{
    size_t a = *(const size_t *)x, b = *(const size_t *)y;
    return a < b ? -1 : a > b;
}

/* The hull of the rows and the runs of columns; more than two runs cannot come out of a
 * region selection, and are refused rather than read slowly. */
static int plan_hyperslabs(dsc_ctx_t *ctx, dsc_io_stream_t *s)
{
    size_t *cols = dsc_malloc(ctx, s->b.n * sizeof *cols, "column list");
    if (!cols)
        return DSC_ERR_NOMEM;
    s->alo = s->ahi = s->a.file[0];
    for (size_t i = 1; i < s->a.n; i++) {
        s->alo = s->a.file[i] < s->alo ? s->a.file[i] : s->alo;
        s->ahi = s->a.file[i] > s->ahi ? s->a.file[i] : s->ahi;
    }
    memcpy(cols, s->b.file, s->b.n * sizeof *cols);
    qsort(cols, s->b.n, sizeof *cols, cmp_size);
    s->nruns = 0;
    for (size_t r = 0; r < s->b.n;) {
        size_t e = r;
        while (e + 1 < s->b.n && cols[e + 1] <= cols[e] + 1)
            e++;
        if (s->nruns == 2) {
            free(cols);
            return dsc_error(ctx, DSC_ERR_INTERNAL, "%s: %s: the selection has more than two "
                             "runs of columns", s->path, s->var);
        }
        s->runs[s->nruns].lo = cols[r];
        s->runs[s->nruns].hi = cols[e];
        s->nruns++;
        r = e + 1;
    }
    free(cols);
    return DSC_OK;
}

/* The bounds variable (n x 2) named by a coordinate's `bounds` attribute into *out, NULL
 * when there is none, it is not shaped so or holds a value that is not finite. Only
 * running out of memory is an error. */
static int read_bounds(dsc_ctx_t *ctx, const io_layout_t *lay, int coord, size_t n,
                       double **out)
{
    char name[NC_MAX_NAME + 1];
    int id, nd, dims[2];
    size_t len0, len1;
    *out = NULL;
    if (coord < 0 || io_att_text(lay->ncid, coord, "bounds", name, sizeof name) != 0 ||
        nc_inq_varid(lay->ncid, name, &id) != NC_NOERR ||
        nc_inq_varndims(lay->ncid, id, &nd) != NC_NOERR || nd != 2 ||
        nc_inq_vardimid(lay->ncid, id, dims) != NC_NOERR ||
        nc_inq_dimlen(lay->ncid, dims[0], &len0) != NC_NOERR ||
        nc_inq_dimlen(lay->ncid, dims[1], &len1) != NC_NOERR || len0 != n || len1 != 2)
        return DSC_OK;
    double *b = dsc_malloc(ctx, 2 * n * sizeof *b, "coordinate bounds");
    if (!b)
        return DSC_ERR_NOMEM;
    if (nc_get_var_double(lay->ncid, id, b) != NC_NOERR) {
        free(b);
        return DSC_OK;
    }
    for (size_t i = 0; i < 2 * n; i++)
        if (!isfinite(b[i])) {
            free(b);
            return DSC_OK;
        }
    *out = b;
    return DSC_OK;
}

/* Edges of the output axis from the file's bounds: cell k of the output is file cell
 * index[k]; its bounds are brought into the turn of its centre (longitudes) and must meet
 * the next cell's. *out is NULL when they do not. */
static int edges_from_bounds(dsc_ctx_t *ctx, const double *bnds, const size_t *index,
                             const double *centre, size_t n, int is_lon, double **out)
{
    double prev_hi = 0.0;
    *out = NULL;
    if (!bnds)
        return DSC_OK;
    double *e = dsc_malloc(ctx, (n + 1) * sizeof *e, "cell edges");
    if (!e)
        return DSC_ERR_NOMEM;
    for (size_t k = 0; k < n; k++) {
        double b0 = bnds[2 * index[k]], b1 = bnds[2 * index[k] + 1], lo, hi;
        if (is_lon) {
            double d0 = remainder(b0 - centre[k], 360.0), d1 = remainder(b1 - centre[k], 360.0);
            lo = centre[k] + fmin(d0, d1);
            hi = centre[k] + fmax(d0, d1);
        } else {
            lo = fmin(b0, b1);
            hi = fmax(b0, b1);
        }
        double gap = is_lon ? remainder(prev_hi - lo, 360.0) : prev_hi - lo;
        if (k > 0 && fabs(gap) > BOUNDS_EPS) {
            free(e);
            return DSC_OK;
        }
        e[k] = lo;
        prev_hi = hi;
    }
    e[n] = prev_hi;
    *out = e;
    return DSC_OK;
}

/* Everything a rectilinear grid adds to the description: file coordinates and edges.
 * Bounds are a refinement: a file without usable ones is read all the same. */
static int describe_grid(dsc_ctx_t *ctx, dsc_io_stream_t *s)
{
    const io_layout_t *lay = &s->lay;
    size_t nlat = lay->dimlen[lay->a_pos], nlon = lay->dimlen[lay->b_pos];
    double *lat_b = NULL, *lon_b = NULL;
    int rc;

    if ((rc = io_read_coord(ctx, lay, lay->lat_varid, nlat, &s->file_lat)) ||
        (rc = io_read_coord(ctx, lay, lay->lon_varid, nlon, &s->file_lon)) ||
        (rc = read_bounds(ctx, lay, lay->lat_varid, nlat, &lat_b)) ||
        (rc = read_bounds(ctx, lay, lay->lon_varid, nlon, &lon_b)) ||
        (rc = edges_from_bounds(ctx, lat_b, s->a.file, s->grid.lat, s->grid.nlat, 0,
                                &s->lat_edges)) ||
        (rc = edges_from_bounds(ctx, lon_b, s->b.file, s->grid.lon, s->grid.nlon, 1,
                                &s->lon_edges)))
        goto done;

    dsc_io_stream_info_t *in = &s->info;
    in->file_nlat = nlat;
    in->file_nlon = nlon;
    in->lat_index = s->a.file;
    in->lon_index = s->b.file;
    in->file_lat = s->file_lat;
    in->file_lon = s->file_lon;
    in->lat_edges = s->lat_edges;
    in->lon_edges = s->lon_edges;
done:
    free(lat_b);
    free(lon_b);
    return rc;
}

static void describe_text(dsc_io_stream_t *s, const dsc_read_opts_t *opts)
{
    const io_layout_t *lay = &s->lay;
    if (opts && opts->time_units)
        snprintf(s->time_units, sizeof s->time_units, "%s", opts->time_units);
    else if (lay->time_varid >= 0)
        io_att_text(lay->ncid, lay->time_varid, "units", s->time_units, sizeof s->time_units);
    io_att_text(lay->ncid, lay->varid, "long_name", s->long_name, sizeof s->long_name);
    io_att_text(lay->ncid, lay->varid, "standard_name", s->standard_name,
                sizeof s->standard_name);

    dsc_io_stream_info_t *in = &s->info;
    in->path = s->path;
    in->var = s->var;
    in->grid = &s->grid;
    in->dates = s->dates;
    in->units = s->units;
    in->time_units = s->time_units;
    in->long_name = s->long_name;
    in->standard_name = s->standard_name;
}

/* HDF5 reads a whole chunk into its cache to return part of it. A block of a regional
 * subset wants a few rows of each chunk, so for chunks stored uncompressed the cache is
 * turned off and only the selected rows come off the disk. Compressed chunks must be
 * decompressed whole anyway and keep the cache, which spares decompressing a chunk twice
 * when it spans two blocks. */
static void skip_chunk_cache(const io_layout_t *lay)
{
    int format, storage;
    size_t nfilters = 1;
    if (nc_inq_format(lay->ncid, &format) != NC_NOERR ||
        (format != NC_FORMAT_NETCDF4 && format != NC_FORMAT_NETCDF4_CLASSIC) ||
        nc_inq_var_chunking(lay->ncid, lay->varid, &storage, NULL) != NC_NOERR ||
        storage != NC_CHUNKED ||
        nc_inq_var_filter_ids(lay->ncid, lay->varid, &nfilters, NULL) != NC_NOERR || nfilters)
        return;
    nc_set_var_chunk_cache(lay->ncid, lay->varid, 0, 0, 0.75f);
}

/* ---- variables without a time axis ------------------------------------------------ */

/* 1 latitude, 2 longitude, 3 time, 0 anything else: the usual CF clues on a coordinate
 * variable (standard_name, units, axis), then its name. */
static int axis_role(int ncid, int varid, const char *dimname)
{
    char sn[64] = "", units[64] = "", axis[8] = "";
    if (varid >= 0) {
        io_att_text(ncid, varid, "standard_name", sn, sizeof sn);
        io_att_text(ncid, varid, "units", units, sizeof units);
        io_att_text(ncid, varid, "axis", axis, sizeof axis);
    }
    if (strcmp(sn, "time") == 0 || strstr(units, " since ") || strcmp(axis, "T") == 0 ||
        strcasecmp(dimname, "time") == 0)
        return 3;
    if (strcmp(sn, "latitude") == 0 || strncmp(units, "degree_n", 8) == 0 ||
        strncmp(units, "degrees_n", 9) == 0 || strcmp(axis, "Y") == 0 ||
        strcasecmp(dimname, "lat") == 0 || strcasecmp(dimname, "latitude") == 0)
        return 1;
    if (strcmp(sn, "longitude") == 0 || strncmp(units, "degree_e", 8) == 0 ||
        strncmp(units, "degrees_e", 9) == 0 || strcmp(axis, "X") == 0 ||
        strcasecmp(dimname, "lon") == 0 || strcasecmp(dimname, "longitude") == 0)
        return 2;
    return 0;
}

/* The layout of a variable on (lat, lon) without time, such as a land mask or a
 * topography given as a target grid; -1 (no error set) when the variable has a time-like
 * dimension, so that the reader's own rules apply to it. Other dimensions must be of
 * length one. */
static int layout_without_time(dsc_ctx_t *ctx, int ncid, const char *path, const char *var,
                               io_layout_t *lay)
{
    int dimids[NC_MAX_VAR_DIMS];
    memset(lay, 0, sizeof *lay);
    lay->path = path;
    lay->var = var;
    lay->ncid = ncid;
    lay->kind = IO_LAYOUT_GRID;
    lay->time_pos = lay->a_pos = lay->b_pos = -1;
    lay->time_varid = lay->lat_varid = lay->lon_varid = lay->name_varid = -1;
    if (nc_inq_varid(ncid, var, &lay->varid) != NC_NOERR ||
        nc_inq_varndims(ncid, lay->varid, &lay->ndims) != NC_NOERR ||
        lay->ndims > IO_MAX_DIMS || nc_inq_vardimid(ncid, lay->varid, dimids) != NC_NOERR)
        return -1;
    for (int i = 0; i < lay->ndims; i++) {
        char name[NC_MAX_NAME + 1];
        int cv = -1, nd = 0, did = -1;
        nc_inq_dimname(ncid, dimids[i], name);
        nc_inq_dimlen(ncid, dimids[i], &lay->dimlen[i]);
        if (nc_inq_varid(ncid, name, &cv) != NC_NOERR || nc_inq_varndims(ncid, cv, &nd) ||
            nd != 1 || nc_inq_vardimid(ncid, cv, &did) || did != dimids[i])
            cv = -1;
        int role = axis_role(ncid, cv, name);
        if (role == 3)
            return -1;
        if (role == 1 && lay->a_pos < 0 && cv >= 0) {
            lay->a_pos = i;
            lay->lat_varid = cv;
        } else if (role == 2 && lay->b_pos < 0 && cv >= 0) {
            lay->b_pos = i;
            lay->lon_varid = cv;
        } else if (lay->dimlen[i] != 1) {
            return dsc_error(ctx, DSC_ERR_FORMAT, "%s: %s: dimension '%s' is neither latitude "
                             "nor longitude", path, var, name);
        }
    }
    if (lay->a_pos < 0 || lay->b_pos < 0)
        return dsc_error(ctx, DSC_ERR_FORMAT, "%s: %s has no time axis and no latitude and "
                         "longitude axes", path, var);
    return DSC_OK;
}

/* The layout and the time axis; a variable without a time axis gets no steps. */
static int find_layout(dsc_ctx_t *ctx, dsc_io_stream_t *s, const dsc_read_opts_t *opts)
{
    int rc = layout_without_time(ctx, s->ncid, s->path, s->var, &s->lay);
    if (rc > 0)
        return rc;
    if (rc == DSC_OK) {
        s->info.calendar = DSC_CAL_STANDARD;
        return DSC_OK;
    }
    if ((rc = io_layout_find(ctx, s->ncid, s->path, s->var, opts, &s->lay)))
        return rc;
    return io_read_time(ctx, &s->lay, opts, &s->info.calendar, &s->dates, &s->info.ntime);
}

int dsc_io_stream_open(dsc_ctx_t *ctx, const char *path, const char *var,
                       const dsc_region_t *region, const dsc_read_opts_t *opts,
                       dsc_io_stream_t **out)
{
    dsc_io_stream_t *s = NULL;
    int rc;

    *out = NULL;
    if (!path || !var)
        return dsc_error(ctx, DSC_ERR_USAGE, "dsc_io_stream_open: path and variable are "
                         "required");
    s = dsc_calloc(ctx, 1, sizeof *s, "stream");
    if (!s)
        return DSC_ERR_NOMEM;
    s->ncid = -1;
    snprintf(s->var, sizeof s->var, "%s", var);
    if (!(s->path = dsc_strdup(ctx, path))) {
        rc = DSC_ERR_NOMEM;
        goto fail;
    }
    if ((rc = io_check_classic_size(ctx, path)) || (rc = io_nc_open(ctx, path, &s->ncid)))
        goto fail;
    if ((rc = find_layout(ctx, s, opts)) ||
        (rc = io_packing_read(ctx, &s->lay, opts, &s->pk, s->units, sizeof s->units)) ||
        (rc = io_region_select(ctx, &s->lay, region, &s->grid, &s->a, &s->b)) ||
        (rc = plan_hyperslabs(ctx, s)))
        goto fail;
    skip_chunk_cache(&s->lay);
    describe_text(s, opts);
    if (s->lay.kind == IO_LAYOUT_GRID && (rc = describe_grid(ctx, s)))
        goto fail;
    *out = s;
    return DSC_OK;
fail:
    dsc_io_stream_close(s);
    return rc ? rc : DSC_ERR_INTERNAL;
}

const dsc_io_stream_info_t *dsc_io_stream_info(const dsc_io_stream_t *s)
{
    return &s->info;
}

/* Reads steps [t0, t0 + nt) of file columns [run.lo, run.hi] and places them. */
static int read_run(dsc_ctx_t *ctx, dsc_io_stream_t *s, size_t t0, size_t nt, col_run_t run,
                    double *values)
{
    const io_layout_t *lay = &s->lay;
    size_t start[IO_MAX_DIMS], count[IO_MAX_DIMS], stride[IO_MAX_DIMS];

    for (int d = 0; d < lay->ndims; d++) {
        start[d] = lay->fixed[d];
        count[d] = 1;
    }
    start[lay->time_pos] = t0;
    count[lay->time_pos] = nt;
    if (lay->a_pos >= 0) {
        start[lay->a_pos] = s->alo;
        count[lay->a_pos] = s->ahi - s->alo + 1;
    }
    if (lay->b_pos >= 0) {
        start[lay->b_pos] = run.lo;
        count[lay->b_pos] = run.hi - run.lo + 1;
    }
    size_t len = 1;
    for (int d = lay->ndims - 1; d >= 0; d--) {
        stride[d] = len;
        len *= count[d];
    }
    if (len > s->buf_len) {
        double *grown = realloc(s->buf, len * sizeof *grown);
        if (!grown)
            return dsc_error(ctx, DSC_ERR_NOMEM, "%s: %s: no memory for a block of %zu "
                             "values", s->path, s->var, len);
        s->buf = grown;
        s->buf_len = len;
    }
    int status = nc_get_vara_double(lay->ncid, lay->varid, start, count, s->buf);
    if (status != NC_NOERR)
        return io_nc_error(ctx, status, s->path, s->var);

    size_t st_t = stride[lay->time_pos];
    size_t st_a = lay->a_pos >= 0 ? stride[lay->a_pos] : 0;
    size_t st_b = lay->b_pos >= 0 ? stride[lay->b_pos] : 0;
    size_t na = s->a.n, nb = s->b.n, ncell = na * nb;
    for (size_t t = 0; t < nt; t++) {
        const double *raw = s->buf + t * st_t;
        double *out = values + t * ncell;
        for (size_t i = 0; i < na; i++) {
            const double *row = raw + (s->a.file[i] - s->alo) * st_a;
            for (size_t j = 0; j < nb; j++) {
                size_t f = s->b.file[j];
                if (f >= run.lo && f <= run.hi)
                    out[i * nb + j] = io_unpack(&s->pk, row[(f - run.lo) * st_b]);
            }
        }
    }
    return DSC_OK;
}

int dsc_io_stream_read(dsc_ctx_t *ctx, dsc_io_stream_t *s, size_t t0, size_t nt,
                       double *values)
{
    if (t0 > s->info.ntime || nt > s->info.ntime - t0)
        return dsc_error(ctx, DSC_ERR_USAGE, "%s: %s: steps %zu..%zu asked, the file has %zu",
                         s->path, s->var, t0, t0 + nt, s->info.ntime);
    for (size_t r = 0; r < s->nruns && nt > 0; r++) {
        int rc = read_run(ctx, s, t0, nt, s->runs[r], values);
        if (rc)
            return rc;
    }
    return DSC_OK;
}

void dsc_io_stream_close(dsc_io_stream_t *s)
{
    if (!s)
        return;
    if (s->ncid >= 0)
        nc_close(s->ncid);
    io_axis_free(&s->a);
    io_axis_free(&s->b);
    dsc_grid_clear(&s->grid);
    free(s->dates);
    free(s->file_lat);
    free(s->file_lon);
    free(s->lat_edges);
    free(s->lon_edges);
    free(s->buf);
    free(s->path);
    free(s);
}

/* ---- which variable is data --------------------------------------------------------- */

/* Whether any variable names `name` in its bounds, climatology or coordinates attribute. */
static int is_auxiliary(int ncid, int nvars, const char *name)
{
    static const char *const atts[] = {"bounds", "climatology", "coordinates"};
    for (int v = 0; v < nvars; v++) {
        for (size_t a = 0; a < sizeof atts / sizeof atts[0]; a++) {
            char text[1024], *save = NULL;
            if (io_att_text(ncid, v, atts[a], text, sizeof text) != 0)
                continue;
            for (char *tok = strtok_r(text, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save))
                if (strcmp(tok, name) == 0)
                    return 1;
        }
    }
    return 0;
}

int dsc_io_data_variable(dsc_ctx_t *ctx, const char *path, char *name, size_t size)
{
    int ncid, nvars, rc;
    if ((rc = io_check_classic_size(ctx, path)) || (rc = io_nc_open(ctx, path, &ncid)))
        return rc;
    if (nc_inq_nvars(ncid, &nvars) != NC_NOERR)
        nvars = 0;
    for (int v = 0; v < nvars; v++) {
        char vname[NC_MAX_NAME + 1];
        nc_type type;
        int nd;
        if (nc_inq_var(ncid, v, vname, &type, &nd, NULL, NULL) != NC_NOERR || nd < 2 ||
            type == NC_CHAR || type == NC_STRING || type >= NC_FIRSTUSERTYPEID ||
            is_auxiliary(ncid, nvars, vname))
            continue;
        snprintf(name, size, "%s", vname);
        nc_close(ncid);
        return DSC_OK;
    }
    nc_close(ncid);
    return dsc_error(ctx, DSC_ERR_FORMAT, "%s: no data variable (numeric, two or more "
                     "dimensions, not bounds or coordinates); name the variable", path);
}
