/* idw.c - inverse-distance weights over the four nearest source centres.
 *
 * Distances are geodesics on the WGS84 ellipsoid (PROJ's geod_inverse), and the weights
 * are 1/d normalised to sum to 1, as in CDO's remapdis. A target that sits on a centre
 * takes that centre alone. The four nearest are sought among the 5 x 5 centres around the
 * cell that holds the target, which contains them on any grid whose spacing in distance
 * changes slowly from cell to cell. A target beyond the outer cell edges gets no entries.
 */
#include "regrid_internal.h"

#include <geodesic.h>
#include <math.h>

#define IDW_K 4
#define IDW_REACH 2 /* cells searched on each side of the holding cell */
#define IDW_WINDOW (2 * IDW_REACH + 1)
/* Geodesics on WGS84 are 0.9933 to 1.0034 times the great circle on a sphere of the
 * equatorial radius (the range of the ellipsoid's radii of curvature), so a centre more
 * than 1.0102 times farther on the sphere than the fourth nearest cannot be among the
 * four nearest on the ellipsoid; 1.02 leaves room. */
#define IDW_SPHERE_SLACK 1.02

typedef struct {
    size_t cell[IDW_K];
    double dist[IDW_K]; /* metres, ascending */
    int n;
} nearest_set_t;

/* Keeps the IDW_K smallest; on equal distances the centre seen first stays. */
static void keep_if_near(nearest_set_t *s, size_t cell, double d)
{
    int i;

    if (s->n == IDW_K) {
        if (d >= s->dist[IDW_K - 1])
            return;
        i = IDW_K - 1;
    } else {
        i = s->n++;
    }
    while (i > 0 && s->dist[i - 1] > d) {
        s->dist[i] = s->dist[i - 1];
        s->cell[i] = s->cell[i - 1];
        i--;
    }
    s->dist[i] = d;
    s->cell[i] = cell;
}

/* The window is ranked on the sphere first, which is cheap, and only the centres that can
 * still be among the four nearest on the ellipsoid get a geodesic. */
static void find_nearest(const struct geod_geodesic *g, const dsc_regrid_source_t *src, double lat,
                         double lon, size_t r, size_t c, nearest_set_t *s)
{
    const dsc_grid_t *grid = src->grid;
    size_t r0 = r > IDW_REACH ? r - IDW_REACH : 0;
    size_t r1 = r + IDW_REACH < grid->nlat - 1 ? r + IDW_REACH : grid->nlat - 1;
    size_t c0, nc, m = 0;
    size_t cell[IDW_WINDOW * IDW_WINDOW];
    double angle[IDW_WINDOW * IDW_WINDOW];
    nearest_set_t sphere = {.n = 0};

    dsc_regrid_column_window(&src->lon, c, IDW_REACH, &c0, &nc);
    for (size_t i = r0; i <= r1; i++) {
        for (size_t k = 0; k < nc; k++) {
            size_t j = (c0 + k) % grid->nlon;
            cell[m] = i * grid->nlon + j;
            angle[m] = dsc_regrid_central_angle(lat, lon, grid->lat[i], grid->lon[j]);
            keep_if_near(&sphere, m, angle[m]);
            m++;
        }
    }
    double limit = sphere.dist[sphere.n - 1] * IDW_SPHERE_SLACK;
    s->n = 0;
    for (size_t q = 0; q < m; q++) {
        if (angle[q] > limit)
            continue;
        double d, ilat = grid->lat[cell[q] / grid->nlon], ilon = grid->lon[cell[q] % grid->nlon];
        geod_inverse(g, lat, lon, ilat, ilon, &d, NULL, NULL);
        keep_if_near(s, cell[q], d);
    }
}

static int add_inverse_distance(dsc_regrid_builder_t *b, const nearest_set_t *s)
{
    double sum = 0.0;
    int rc;

    if (s->n == 0)
        return DSC_OK;
    if (s->dist[0] <= 0.0)
        return dsc_regrid_builder_add(b, s->cell[0], 1.0);
    for (int i = 0; i < s->n; i++)
        sum += 1.0 / s->dist[i];
    for (int i = 0; i < s->n; i++)
        if ((rc = dsc_regrid_builder_add(b, s->cell[i], 1.0 / s->dist[i] / sum)))
            return rc;
    return DSC_OK;
}

int dsc_regrid_build_idw(dsc_ctx_t *ctx, const dsc_regrid_source_t *src, const dsc_grid_t *dst,
                         const dsc_regrid_edges_t *dst_edges, dsc_regrid_builder_t *b)
{
    struct geod_geodesic g;
    size_t ncell = dsc_grid_ncells(dst);

    geod_init(&g, 6378137.0, 1.0 / 298.257223563);
    for (size_t j = 0; j < ncell; j++) {
        double lat, lon;
        nearest_set_t s = {.n = 0};

        dsc_grid_cell_coords(dst, j, &lat, &lon);
        size_t r = dsc_regrid_axis_find_cell(&src->lat, lat);
        size_t c = dsc_regrid_axis_find_cell(&src->lon, dsc_regrid_axis_wrap(&src->lon, lon));
        if (r != DSC_REGRID_NONE && c != DSC_REGRID_NONE) {
            find_nearest(&g, src, lat, lon, r, c, &s);
            int rc = add_inverse_distance(b, &s);
            if (rc)
                return rc;
        }
        dsc_regrid_builder_next(b);
    }
    return DSC_OK;
}
