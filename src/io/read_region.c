/* read_region.c - from a region to the output grid and the file indices to read.
 *
 * Latitudes are put in ascending order. Longitudes are put in west-to-east order: a global
 * grid starts at the column nearest -180 and is treated as periodic, so a box or point near
 * the file's seam (0 for a 0..360 file) takes columns from both ends; a regional grid keeps
 * its own order. Coordinates are compared on the file's own unwrapped values, so a
 * 0..360 file and a -180..180 file select the same cells for the same region.
 */
#include "read_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Tolerance for coordinates that should be equal (degrees). */
#define COORD_EPS 1e-6

/* One axis of a grid in ascending order of its (unwrapped) coordinate. */
typedef struct {
    size_t n;
    size_t *file;  /* file index of each ascending position */
    double *x;     /* coordinate at each position, ascending */
    int cyclic;    /* longitude of a global grid */
    double half;   /* half a cell for single-cell axes (INFINITY when unknown) */
} sorted_axis;

static void sorted_axis_free(sorted_axis *s)
{
    free(s->file);
    free(s->x);
}

void io_axis_free(io_axis_t *axis)
{
    if (axis) {
        free(axis->file);
        axis->file = NULL;
        axis->n = 0;
    }
}

static int axis_alloc(dsc_ctx_t *ctx, io_axis_t *axis, size_t n)
{
    axis->n = n;
    axis->file = dsc_calloc(ctx, n ? n : 1, sizeof *axis->file, "axis indices");
    return axis->file ? DSC_OK : DSC_ERR_NOMEM;
}

/* Half the width of a single cell from the coordinate's bounds, INFINITY when unknown. */
static double single_cell_half_width(const io_layout_t *lay, int varid)
{
    char bname[NC_MAX_NAME + 1];
    int bid, nd;
    size_t len;
    double b[2];
    if (io_att_text(lay->ncid, varid, "bounds", bname, sizeof bname) != 0 ||
        nc_inq_varid(lay->ncid, bname, &bid) != NC_NOERR ||
        nc_inq_varndims(lay->ncid, bid, &nd) != NC_NOERR || nd != 2)
        return INFINITY;
    int dimids[2];
    nc_inq_vardimid(lay->ncid, bid, dimids);
    if (nc_inq_dimlen(lay->ncid, dimids[1], &len) != NC_NOERR || len != 2 ||
        nc_get_var_double(lay->ncid, bid, b) != NC_NOERR || !isfinite(b[0]) || !isfinite(b[1]))
        return INFINITY;
    return fabs(b[1] - b[0]) / 2;
}

/* Checks strict monotony of v[0..n) and fills the ascending order. */
static int sort_axis(dsc_ctx_t *ctx, const io_layout_t *lay, const char *what, const double *v,
                     size_t n, sorted_axis *s)
{
    int asc = n < 2 || v[1] > v[0];
    for (size_t i = 1; i < n; i++) {
        if (asc ? !(v[i] > v[i - 1]) : !(v[i] < v[i - 1]))
            return dsc_error(ctx, DSC_ERR_FORMAT,
                             "%s: %s: %s coordinate is not strictly monotonic (index %zu)",
                             lay->path, lay->var, what, i);
    }
    s->n = n;
    s->file = dsc_malloc(ctx, (n ? n : 1) * sizeof *s->file, "axis order");
    s->x = dsc_malloc(ctx, (n ? n : 1) * sizeof *s->x, "axis values");
    if (!s->file || !s->x)
        return DSC_ERR_NOMEM;
    for (size_t k = 0; k < n; k++) {
        s->file[k] = asc ? k : n - 1 - k;
        s->x[k] = v[s->file[k]];
    }
    return DSC_OK;
}

/* Longitudes: drop a closing column that repeats the first one 360 degrees on, detect a
 * global grid, and for it rotate the order to start at the westernmost normalised value. */
static int prepare_lon(dsc_ctx_t *ctx, const io_layout_t *lay, double *lon, size_t n,
                       sorted_axis *s)
{
    if (n >= 2 && fabs(fabs(lon[n - 1] - lon[0]) - 360.0) < 1e-3)
        n--;
    if (sort_axis(ctx, lay, "longitude", lon, n, s))
        return dsc_ctx_status(ctx);
    if (n < 2)
        return DSC_OK;

    double span = s->x[n - 1] - s->x[0], maxstep = 0;
    if (span >= 360.0 - COORD_EPS)
        return dsc_error(ctx, DSC_ERR_FORMAT, "%s: %s: longitudes span %g degrees, more "
                         "than once around the globe", lay->path, lay->var, span);
    for (size_t k = 1; k < n; k++)
        if (s->x[k] - s->x[k - 1] > maxstep)
            maxstep = s->x[k] - s->x[k - 1];
    s->cyclic = 360.0 - span <= 1.5 * maxstep + COORD_EPS;
    if (!s->cyclic)
        return DSC_OK;

    size_t r = 0;
    for (size_t k = 1; k < n; k++)
        if (dsc_lon_normalize(s->x[k]) < dsc_lon_normalize(s->x[r]))
            r = k;
    size_t *file = dsc_malloc(ctx, n * sizeof *file, "axis order");
    double *x = dsc_malloc(ctx, n * sizeof *x, "axis values");
    if (!file || !x) {
        free(file);
        free(x);
        return DSC_ERR_NOMEM;
    }
    for (size_t j = 0; j < n; j++) {
        file[j] = s->file[(r + j) % n];
        x[j] = dsc_lon_normalize(s->x[(r + j) % n]);
    }
    free(s->file);
    free(s->x);
    s->file = file;
    s->x = x;
    return DSC_OK;
}

/* Moves p by whole turns so it lies nearest the middle of the axis. */
static double unwrap_lon(const sorted_axis *s, double p)
{
    double mid = 0.5 * (s->x[0] + s->x[s->n - 1]);
    return p + 360.0 * round((mid - p) / 360.0);
}

/* A run of positions [start, start + count) (modulo n on a cyclic axis). */
typedef struct {
    size_t start, count;
} run_t;

/* Positions around point p: the two bracketing cells, or the edge cell when p is within
 * half a cell outside. Returns -1 when p is outside the axis. */
static int bracket(const sorted_axis *s, double p, run_t *run)
{
    size_t n = s->n;
    if (s->cyclic) {
        double q = s->x[0] + fmod(fmod(p - s->x[0], 360.0) + 360.0, 360.0);
        size_t k = 0;
        while (k + 1 < n && s->x[k + 1] <= q)
            k++;
        run->start = k;
        run->count = 2;
        return 0;
    }
    if (n == 1) {
        if (fabs(p - s->x[0]) > s->half + COORD_EPS)
            return -1;
        run->start = 0;
        run->count = 1;
        return 0;
    }
    double lo = s->x[0] - 0.5 * (s->x[1] - s->x[0]);
    double hi = s->x[n - 1] + 0.5 * (s->x[n - 1] - s->x[n - 2]);
    if (p < lo - COORD_EPS || p > hi + COORD_EPS)
        return -1;
    if (p <= s->x[0] || p >= s->x[n - 1]) {
        run->start = p <= s->x[0] ? 0 : n - 1;
        run->count = 1;
        return 0;
    }
    size_t k = 0;
    while (k + 2 < n && s->x[k + 1] <= p)
        k++;
    run->start = k;
    run->count = 2;
    return 0;
}

/* Whether longitude x lies on the arc from lon_min eastward to lon_max. */
static int lon_in_box(double x, double lon_min, double lon_max)
{
    if (lon_max - lon_min >= 360.0)
        return 1;
    double width = fmod(fmod(lon_max - lon_min, 360.0) + 360.0, 360.0);
    double d = fmod(fmod(x - lon_min, 360.0) + 360.0, 360.0);
    return d <= width + COORD_EPS || d >= 360.0 - COORD_EPS;
}

/* Positions whose coordinate is in the box; -1 when none. On a cyclic axis the run may
 * wrap; elsewhere it is the hull of the selected positions. */
static int box_run(const sorted_axis *s, double lo, double hi, int is_lon, run_t *run)
{
    size_t n = s->n, first = n, last = 0, count = 0;
    for (size_t k = 0; k < n; k++) {
        int in = is_lon ? lon_in_box(s->x[k], lo, hi)
                        : (s->x[k] >= lo - COORD_EPS && s->x[k] <= hi + COORD_EPS);
        if (!in)
            continue;
        count++;
        if (first == n)
            first = k;
        last = k;
    }
    if (count == 0)
        return -1;
    if (!s->cyclic || count == n) {
        run->start = s->cyclic ? 0 : first;
        run->count = s->cyclic ? n : last - first + 1;
        return 0;
    }
    /* Cyclic: start where a selected position follows an unselected one. */
    size_t start = 0;
    for (size_t k = 0; k < n; k++) {
        size_t prev = (k + n - 1) % n;
        if (lon_in_box(s->x[k], lo, hi) && !lon_in_box(s->x[prev], lo, hi)) {
            start = k;
            break;
        }
    }
    size_t end = 0;
    for (size_t j = 0; j < n; j++)
        if (lon_in_box(s->x[(start + j) % n], lo, hi))
            end = j;
    run->start = start;
    run->count = end + 1;
    return 0;
}

static void add_halo(const sorted_axis *s, size_t halo, run_t *run)
{
    if (s->cyclic) {
        if (run->count + 2 * halo >= s->n) {
            run->start = 0;
            run->count = s->n;
        } else {
            run->start = (run->start + s->n - halo % s->n) % s->n;
            run->count += 2 * halo;
        }
        return;
    }
    size_t lo = run->start > halo ? run->start - halo : 0;
    size_t hi = run->start + run->count - 1 + halo;
    if (hi > s->n - 1)
        hi = s->n - 1;
    run->start = lo;
    run->count = hi - lo + 1;
}

static int outside(dsc_ctx_t *ctx, const io_layout_t *lay, const dsc_region_t *r,
                   const sorted_axis *la, const sorted_axis *lo)
{
    double w = dsc_lon_normalize(lo->x[0]), e = dsc_lon_normalize(lo->x[lo->n - 1]);
    if (r->kind == DSC_REGION_POINT)
        return dsc_error(ctx, DSC_ERR_RANGE,
                         "%s: %s: point lat %g, lon %g lies outside the grid (lat %g..%g, "
                         "lon %g..%g)", lay->path, lay->var, r->lat, r->lon, la->x[0],
                         la->x[la->n - 1], w, e);
    return dsc_error(ctx, DSC_ERR_RANGE,
                     "%s: %s: box lat %g..%g, lon %g..%g holds no cell of the grid (lat "
                     "%g..%g, lon %g..%g)", lay->path, lay->var, r->lat_min, r->lat_max,
                     r->lon_min, r->lon_max, la->x[0], la->x[la->n - 1], w, e);
}

static int grid_select(dsc_ctx_t *ctx, const io_layout_t *lay, const dsc_region_t *region,
                       dsc_grid_t *grid, io_axis_t *a, io_axis_t *b)
{
    sorted_axis la = {0}, lo = {0};
    double *lat = NULL, *lon = NULL;
    size_t nlat = lay->dimlen[lay->a_pos], nlon = lay->dimlen[lay->b_pos];
    int rc;

    if ((rc = io_read_coord(ctx, lay, lay->lat_varid, nlat, &lat)) ||
        (rc = io_read_coord(ctx, lay, lay->lon_varid, nlon, &lon)))
        goto done;
    if ((rc = sort_axis(ctx, lay, "latitude", lat, nlat, &la)) ||
        (rc = prepare_lon(ctx, lay, lon, nlon, &lo)))
        goto done;
    if (nlat == 0 || lo.n == 0) {
        rc = dsc_error(ctx, DSC_ERR_FORMAT, "%s: %s: the grid is empty", lay->path, lay->var);
        goto done;
    }
    la.half = nlat == 1 ? single_cell_half_width(lay, lay->lat_varid) : INFINITY;
    lo.half = lo.n == 1 ? single_cell_half_width(lay, lay->lon_varid) : INFINITY;

    run_t ra = {0, la.n}, rb = {0, lo.n};
    if (region && region->kind == DSC_REGION_BOX) {
        if (box_run(&la, region->lat_min, region->lat_max, 0, &ra) ||
            box_run(&lo, region->lon_min, region->lon_max, 1, &rb)) {
            rc = outside(ctx, lay, region, &la, &lo);
            goto done;
        }
    } else if (region && region->kind == DSC_REGION_POINT) {
        double p = lo.cyclic ? region->lon : unwrap_lon(&lo, region->lon);
        if (bracket(&la, region->lat, &ra) || bracket(&lo, p, &rb)) {
            rc = outside(ctx, lay, region, &la, &lo);
            goto done;
        }
    }
    if (region && region->kind != DSC_REGION_ALL) {
        add_halo(&la, region->halo, &ra);
        add_halo(&lo, region->halo, &rb);
    }

    if ((rc = dsc_grid_init_rectilinear(ctx, grid, ra.count, rb.count)) ||
        (rc = axis_alloc(ctx, a, ra.count)) || (rc = axis_alloc(ctx, b, rb.count)))
        goto done;
    for (size_t k = 0; k < ra.count; k++) {
        a->file[k] = la.file[ra.start + k];
        grid->lat[k] = la.x[ra.start + k];
    }
    for (size_t j = 0; j < rb.count; j++) {
        size_t pos = (rb.start + j) % lo.n;
        b->file[j] = lo.file[pos];
        grid->lon[j] = dsc_lon_normalize(lo.x[pos]);
    }
    grid->lon_wraps = lo.cyclic && rb.count == lo.n;
done:
    free(lat);
    free(lon);
    sorted_axis_free(&la);
    sorted_axis_free(&lo);
    return rc;
}

/* Great-circle angle between two points (radians); only compared, so no Earth radius. */
static double angle_between(double lat1, double lon1, double lat2, double lon2)
{
    const double d2r = M_PI / 180.0;
    double s1 = sin((lat2 - lat1) * d2r / 2), s2 = sin((lon2 - lon1) * d2r / 2);
    double h = s1 * s1 + cos(lat1 * d2r) * cos(lat2 * d2r) * s2 * s2;
    return 2 * asin(sqrt(h < 1 ? h : 1));
}

/* Picks the sites of a station layout; *sel gets the file indices. */
static int pick_sites(dsc_ctx_t *ctx, const io_layout_t *lay, const dsc_region_t *region,
                      const double *lat, const double *lon, char **names, size_t n,
                      io_axis_t *sel)
{
    size_t count = 0;
    if (axis_alloc(ctx, sel, n))
        return DSC_ERR_NOMEM;
    if (!region || region->kind == DSC_REGION_ALL) {
        for (size_t i = 0; i < n; i++)
            sel->file[count++] = i;
    } else if (region->kind == DSC_REGION_BOX) {
        for (size_t i = 0; i < n; i++)
            if (lat[i] >= region->lat_min && lat[i] <= region->lat_max &&
                lon_in_box(lon[i], region->lon_min, region->lon_max))
                sel->file[count++] = i;
    } else if (region->location) {
        for (size_t i = 0; i < n && count == 0; i++)
            if (names && names[i] && strcasecmp(names[i], region->location) == 0)
                sel->file[count++] = i;
        if (count == 0)
            return dsc_error(ctx, DSC_ERR_RANGE, "%s: %s: no site named '%s'", lay->path,
                             lay->var, region->location);
    } else {
        double best = INFINITY;
        for (size_t i = 0; i < n; i++) {
            double d = angle_between(region->lat, region->lon, lat[i], lon[i]);
            if (d < best) {
                best = d;
                sel->file[0] = i;
                count = 1;
            }
        }
    }
    sel->n = count;
    if (count == 0 && n == 0)
        return dsc_error(ctx, DSC_ERR_RANGE, "%s: %s has no sites", lay->path, lay->var);
    if (count == 0)
        return dsc_error(ctx, DSC_ERR_RANGE,
                         "%s: %s: no site in box lat %g..%g, lon %g..%g", lay->path, lay->var,
                         region->lat_min, region->lat_max, region->lon_min, region->lon_max);
    return DSC_OK;
}

static int sites_select(dsc_ctx_t *ctx, const io_layout_t *lay, const dsc_region_t *region,
                        dsc_grid_t *grid, io_axis_t *a, io_axis_t *b)
{
    size_t n = lay->dimlen[lay->a_pos];
    double *lat = NULL, *lon = NULL;
    char **names = NULL;
    int rc;
    if ((rc = io_read_coord(ctx, lay, lay->lat_varid, n, &lat)) ||
        (rc = io_read_coord(ctx, lay, lay->lon_varid, n, &lon)) ||
        (rc = io_read_site_names(ctx, lay, n, &names)))
        goto done;
    if ((rc = pick_sites(ctx, lay, region, lat, lon, names, n, a)) ||
        (rc = axis_alloc(ctx, b, 1)) || (rc = dsc_grid_init_points(ctx, grid, a->n)))
        goto done;
    if (names && !(grid->names = dsc_calloc(ctx, a->n, sizeof *grid->names, "site names"))) {
        rc = DSC_ERR_NOMEM;
        goto done;
    }
    for (size_t k = 0; k < a->n; k++) {
        size_t i = a->file[k];
        grid->lat[k] = lat[i];
        grid->lon[k] = dsc_lon_normalize(lon[i]);
        if (names && !(grid->names[k] = dsc_strdup(ctx, names[i]))) {
            rc = DSC_ERR_NOMEM;
            goto done;
        }
    }
done:
    free(lat);
    free(lon);
    io_free_names(names, n);
    return rc;
}

static int single_select(dsc_ctx_t *ctx, const io_layout_t *lay, const dsc_region_t *region,
                         dsc_grid_t *grid, io_axis_t *a, io_axis_t *b)
{
    double lat = NAN, lon = NAN, *v = NULL;
    if (lay->lat_varid >= 0 && io_read_coord(ctx, lay, lay->lat_varid, 1, &v) == DSC_OK) {
        lat = v[0];
        free(v);
    }
    if (lay->lon_varid >= 0 && io_read_coord(ctx, lay, lay->lon_varid, 1, &v) == DSC_OK) {
        lon = v[0];
        free(v);
    }
    dsc_ctx_clear(ctx);
    if (region && region->kind == DSC_REGION_BOX && isfinite(lat) && isfinite(lon) &&
        !(lat >= region->lat_min && lat <= region->lat_max &&
          lon_in_box(lon, region->lon_min, region->lon_max)))
        return dsc_error(ctx, DSC_ERR_RANGE, "%s: %s: the site (lat %g, lon %g) is outside "
                         "box lat %g..%g, lon %g..%g", lay->path, lay->var, lat, lon,
                         region->lat_min, region->lat_max, region->lon_min, region->lon_max);
    if (axis_alloc(ctx, a, 1) || axis_alloc(ctx, b, 1) || dsc_grid_init_points(ctx, grid, 1))
        return DSC_ERR_NOMEM;
    grid->lat[0] = lat;
    grid->lon[0] = isfinite(lon) ? dsc_lon_normalize(lon) : NAN;
    return DSC_OK;
}

int io_region_select(dsc_ctx_t *ctx, const io_layout_t *lay, const dsc_region_t *region,
                     dsc_grid_t *grid, io_axis_t *a, io_axis_t *b)
{
    int rc;
    memset(grid, 0, sizeof *grid);
    a->n = b->n = 0;
    a->file = b->file = NULL;
    switch (lay->kind) {
    case IO_LAYOUT_GRID: rc = grid_select(ctx, lay, region, grid, a, b); break;
    case IO_LAYOUT_SITES: rc = sites_select(ctx, lay, region, grid, a, b); break;
    default: rc = single_select(ctx, lay, region, grid, a, b); break;
    }
    if (rc) {
        dsc_grid_clear(grid);
        io_axis_free(a);
        io_axis_free(b);
    }
    return rc;
}
