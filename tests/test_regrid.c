/* test_regrid.c - regridding weights: hand-worked cases, analytic invariants (linear and
 * constant fields, area integral), seams, missing values, errors, and the real
 * BNU-ESM -> ANUSPLIN grid pair. */
#include <criterion/criterion.h>
#include <math.h>
#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dsc/regrid.h"
#include "support/support.h"

#define DEG2RAD (3.14159265358979323846 / 180.0)

static dsc_ctx_t *ctx;

static void setup(void)
{
    ctx = dsc_ctx_create();
    cr_assert_not_null(ctx);
}

static void teardown(void)
{
    dsc_ctx_destroy(ctx);
}

TestSuite(regrid, .init = setup, .fini = teardown);

/* A rectilinear grid with regular steps; longitudes are normalised as after ingest. */
static void make_rect(dsc_grid_t *g, double lat0, double dlat, size_t nlat, double lon0,
                      double dlon, size_t nlon, int wraps)
{
    cr_assert_eq(dsc_grid_init_rectilinear(ctx, g, nlat, nlon), DSC_OK);
    for (size_t i = 0; i < nlat; i++)
        g->lat[i] = lat0 + dlat * (double)i;
    for (size_t j = 0; j < nlon; j++)
        g->lon[j] = dsc_lon_normalize(lon0 + dlon * (double)j);
    g->lon_wraps = wraps;
}

static void make_points(dsc_grid_t *g, const double *lat, const double *lon, size_t n)
{
    cr_assert_eq(dsc_grid_init_points(ctx, g, n), DSC_OK);
    memcpy(g->lat, lat, n * sizeof(double));
    memcpy(g->lon, lon, n * sizeof(double));
}

static dsc_regrid_weights_t *build(const char *method, const dsc_grid_t *src, const dsc_grid_t *dst)
{
    dsc_regrid_weights_t *w = NULL;
    int rc = dsc_regrid_weights_build(ctx, method, src, dst, &w);
    cr_assert_eq(rc, DSC_OK, "%s: %s", method, dsc_ctx_message(ctx));
    cr_assert_not_null(w);
    return w;
}

/* Fills v[cell] = f(lat, lon) over a grid. */
static double *sample(const dsc_grid_t *g, double (*f)(double, double))
{
    size_t n = dsc_grid_ncells(g);
    double *v = malloc(n * sizeof *v);
    cr_assert_not_null(v);
    for (size_t c = 0; c < n; c++) {
        double lat, lon;
        dsc_grid_cell_coords(g, c, &lat, &lon);
        v[c] = f(lat, lon);
    }
    return v;
}

static double *apply_new(const dsc_regrid_weights_t *w, const double *src)
{
    double *out = malloc(dsc_regrid_weights_ndst(w) * sizeof *out);
    cr_assert_not_null(out);
    dsc_regrid_apply(w, src, out);
    return out;
}

/* Longitude made continuous across the antimeridian (discontinuous at 0 instead). */
static double lon_east(double lon)
{
    return lon < 0.0 ? lon + 360.0 : lon;
}

static double linear_field(double lat, double lon)
{
    return 7.0 + 0.35 * lat - 0.02 * lon;
}

static double linear_east(double lat, double lon)
{
    return 7.0 + 0.35 * lat - 0.02 * lon_east(lon);
}

static double constant_field(double lat, double lon)
{
    (void)lat;
    (void)lon;
    return 12.75;
}

/* ---- the table ------------------------------------------------------------------------ */

Test(regrid, method_table_and_unknown_method)
{
    const char *const *names = dsc_regrid_methods();
    const char *expect[] = {"bilinear", "nearest", "conservative", "idw"};
    dsc_grid_t src, dst;
    make_rect(&src, 0, 10, 3, 0, 10, 3, 0);
    make_rect(&dst, 5, 5, 2, 5, 5, 2, 0);

    for (size_t i = 0; i < 4; i++) {
        cr_assert_str_eq(names[i], expect[i]);
        dsc_regrid_weights_t *w = build(names[i], &src, &dst);
        cr_assert_str_eq(dsc_regrid_weights_method(w), expect[i]);
        cr_assert_eq(dsc_regrid_weights_nsrc(w), 9);
        cr_assert_eq(dsc_regrid_weights_ndst(w), 4);
        dsc_regrid_weights_destroy(w);
    }
    cr_assert_null(names[4]);

    dsc_regrid_weights_t *w = (dsc_regrid_weights_t *)&src; /* must be reset to NULL */
    cr_assert_eq(dsc_regrid_weights_build(ctx, "bicubic", &src, &dst, &w), DSC_ERR_CONFIG);
    cr_assert_null(w);
    cr_assert(strstr(dsc_ctx_message(ctx), "bicubic"), "%s", dsc_ctx_message(ctx));
    dsc_regrid_weights_destroy(NULL);
    dsc_grid_clear(&src);
    dsc_grid_clear(&dst);
}

/* ---- bilinear ------------------------------------------------------------------------- */

Test(regrid, bilinear_hand_worked)
{
    /* Corners (lat 0|10) x (lon 0|10) hold 1 2 / 3 4. Target (2.5, 7.5): fraction 0.25 in
     * lat and 0.75 in lon, weights 0.75*0.25, 0.75*0.75, 0.25*0.25, 0.25*0.75. */
    dsc_grid_t src, dst;
    double v[4] = {1, 2, 3, 4};
    double plat[4] = {2.5, -1.0, 5.0, 10.0}, plon[4] = {7.5, 5.0, 10.5, 10.0};
    make_rect(&src, 0, 10, 2, 0, 10, 2, 0);
    make_points(&dst, plat, plon, 4);
    dsc_regrid_weights_t *w = build("bilinear", &src, &dst);

    size_t n;
    const size_t *cells;
    const double *wt;
    dsc_regrid_weights_entries(w, 0, &n, &cells, &wt);
    cr_assert_eq(n, 4);
    const size_t ecell[4] = {0, 1, 2, 3};
    const double ewt[4] = {0.1875, 0.5625, 0.0625, 0.1875};
    for (size_t k = 0; k < 4; k++) {
        cr_assert_eq(cells[k], ecell[k]);
        cr_assert_float_eq(wt[k], ewt[k], 1e-15);
    }

    double *out = apply_new(w, v);
    cr_assert_float_eq(out[0], 2.25, 1e-12);
    cr_assert(isnan(out[1]), "south of the southern centre must be NaN");
    cr_assert(isnan(out[2]), "east of the eastern centre must be NaN");
    cr_assert_float_eq(out[3], 4.0, 1e-12, "the outer centre itself is inside");
    dsc_regrid_weights_entries(w, 1, &n, &cells, &wt);
    cr_assert_eq(n, 0);
    dsc_regrid_weights_entries(w, 99, &n, &cells, &wt);
    cr_assert_eq(n, 0);

    free(out);
    dsc_regrid_weights_destroy(w);
    dsc_grid_clear(&src);
    dsc_grid_clear(&dst);
}

Test(regrid, bilinear_reproduces_linear_field_regional)
{
    dsc_grid_t src, dst, pts;
    double plat[5] = {30.0, 49.99, 41.3, 33.333, 50.0};
    double plon[5] = {-10.0, 19.99, 3.7, -8.25, 20.0};
    make_rect(&src, 30, 2.5, 9, -10, 3, 11, 0);
    make_rect(&dst, 30.4, 0.7, 28, -9.9, 0.45, 66, 0);
    make_points(&pts, plat, plon, 5);
    double *v = sample(&src, linear_field);

    const dsc_grid_t *targets[2] = {&dst, &pts};
    for (int t = 0; t < 2; t++) {
        dsc_regrid_weights_t *w = build("bilinear", &src, targets[t]);
        double *out = apply_new(w, v);
        for (size_t c = 0; c < dsc_grid_ncells(targets[t]); c++) {
            double lat, lon;
            dsc_grid_cell_coords(targets[t], c, &lat, &lon);
            cr_assert_float_eq(out[c], linear_field(lat, lon), 1e-10, "cell %zu", c);
        }
        free(out);
        dsc_regrid_weights_destroy(w);
    }
    free(v);
    dsc_grid_clear(&src);
    dsc_grid_clear(&dst);
    dsc_grid_clear(&pts);
}

Test(regrid, bilinear_linear_across_periodic_seam)
{
    /* Global 2.5 x 1.25 grid, lon -180 .. 178.75. The field is linear in a longitude
     * measured eastward from 0 (continuous at the antimeridian), so targets between
     * 178.75 and 180 and just east of -180 must come out exact. */
    dsc_grid_t src, pts;
    double plat[6] = {10.0, -33.3, 61.0, 0.0, 88.75, 45.0};
    double plon[6] = {179.5, -179.5, 180.0, 179.99, 179.0, 540.0 - 0.3};
    make_rect(&src, -88.75, 2.5, 72, -180, 1.25, 288, 1);
    make_points(&pts, plat, plon, 6);
    double *v = sample(&src, linear_east);
    dsc_regrid_weights_t *w = build("bilinear", &src, &pts);
    double *out = apply_new(w, v);

    for (size_t c = 0; c < 6; c++) {
        double expect = linear_east(plat[c], dsc_lon_normalize(plon[c]));
        cr_assert_float_eq(out[c], expect, 1e-10, "point %zu: %g vs %g", c, out[c], expect);
    }
    /* 179.5 lies 0.6 of the way from 178.75 (column 287) to -180 (column 0). */
    size_t n;
    const size_t *cells;
    const double *wt;
    dsc_regrid_weights_entries(w, 0, &n, &cells, &wt);
    cr_assert_eq(n, 4);
    cr_assert_eq(cells[0] % 288, 287);
    cr_assert_eq(cells[1] % 288, 0);
    cr_assert_float_eq(wt[1] / (wt[0] + wt[1]), 0.6, 1e-12);

    free(out);
    free(v);
    dsc_regrid_weights_destroy(w);
    dsc_grid_clear(&src);
    dsc_grid_clear(&pts);
}

Test(regrid, regional_grid_across_antimeridian)
{
    /* Nine columns 170 .. 180 .. -170 every 2.5, not periodic: bilinear covers 170..-170,
     * the cells (nearest) reach 168.75..-168.75. */
    dsc_grid_t src, pts;
    double plat[6] = {5, 5, 5, 5, 5, 5};
    double plon[6] = {179.5, -171.0, 171.0, -169.0, 165.0, -165.0};
    make_rect(&src, 0, 5, 3, 170, 2.5, 9, 0);
    make_points(&pts, plat, plon, 6);
    double *v = sample(&src, linear_east);

    dsc_regrid_weights_t *w = build("bilinear", &src, &pts);
    double *out = apply_new(w, v);
    for (size_t c = 0; c < 3; c++)
        cr_assert_float_eq(out[c], linear_east(plat[c], plon[c]), 1e-10, "point %zu", c);
    for (size_t c = 3; c < 6; c++)
        cr_assert(isnan(out[c]), "point %zu (lon %g) is outside for bilinear", c, plon[c]);
    free(out);
    dsc_regrid_weights_destroy(w);

    w = build("nearest", &src, &pts);
    out = apply_new(w, v);
    /* -169 is in the last cell (centre -170, lon_east 190). */
    cr_assert_float_eq(out[3], linear_east(5, -170.0), 1e-12);
    cr_assert(isnan(out[4]) && isnan(out[5]));
    free(out);
    dsc_regrid_weights_destroy(w);

    free(v);
    dsc_grid_clear(&src);
    dsc_grid_clear(&pts);
}

/* ---- nearest -------------------------------------------------------------------------- */

Test(regrid, nearest_hand_worked)
{
    /* Centres 0, 10, 20 in lat and lon; cell edges -5, 5, 15, 25. */
    dsc_grid_t src, pts;
    double plat[6] = {4.9, 5.1, 5.0, -5.0, -5.1, 12.0};
    double plon[6] = {14.9, 15.1, 0.0, 0.0, 0.0, 25.1};
    make_rect(&src, 0, 10, 3, 0, 10, 3, 0);
    make_points(&pts, plat, plon, 6);
    double v[9];
    for (size_t c = 0; c < 9; c++)
        v[c] = 100.0 + (double)c;
    dsc_regrid_weights_t *w = build("nearest", &src, &pts);
    double *out = apply_new(w, v);

    cr_assert_float_eq(out[0], 101.0, 0, "cell (0,1)");
    cr_assert_float_eq(out[1], 105.0, 0, "cell (1,2)");
    cr_assert_float_eq(out[2], 100.0, 0, "a shared edge goes to the lower cell");
    cr_assert_float_eq(out[3], 100.0, 0, "the outer edge is inside");
    cr_assert(isnan(out[4]), "beyond the southern edge");
    cr_assert(isnan(out[5]), "beyond the eastern edge");

    free(out);
    dsc_regrid_weights_destroy(w);
    dsc_grid_clear(&src);
    dsc_grid_clear(&pts);
}

Test(regrid, nearest_is_nearest_on_the_sphere)
{
    /* Centres at 60 and 70 N, 0 and 20 E. (64.8, 9.0) is south of the 65 N edge, so the
     * cell that holds it is (60, 0), but meridians converge: by great circle it is 6.2315
     * degrees from (70, 0) and 6.3464 from (60, 0) (worked out with the haversine), and
     * CDO's remapnn takes (70, 0). (62, 3) is plainly nearest (60, 0). */
    dsc_grid_t src, pts;
    double plat[2] = {64.8, 62.0}, plon[2] = {9.0, 3.0};
    make_rect(&src, 60, 10, 2, 0, 20, 2, 0);
    make_points(&pts, plat, plon, 2);
    double v[4] = {1, 2, 3, 4}; /* (60,0) (60,20) (70,0) (70,20) */
    dsc_regrid_weights_t *w = build("nearest", &src, &pts);
    double *out = apply_new(w, v);

    cr_assert_float_eq(out[0], 3.0, 0, "(64.8, 9.0) is nearest (70, 0)");
    cr_assert_float_eq(out[1], 1.0, 0);

    free(out);
    dsc_regrid_weights_destroy(w);
    dsc_grid_clear(&src);
    dsc_grid_clear(&pts);
}

/* ---- conservative --------------------------------------------------------------------- */

/* Area integral of values on a regular rectilinear grid whose edges lie halfway between
 * centres (outer ones half a step out), in steradian-weighted units. */
static double area_integral(const dsc_grid_t *g, double dlat, double dlon, const double *v)
{
    double sum = 0.0;
    for (size_t i = 0; i < g->nlat; i++) {
        double band = sin((g->lat[i] + dlat / 2) * DEG2RAD) - sin((g->lat[i] - dlat / 2) * DEG2RAD);
        for (size_t j = 0; j < g->nlon; j++)
            sum += dlon * DEG2RAD * band * v[i * g->nlon + j];
    }
    return sum;
}

static double wavy(double lat, double lon)
{
    /* Not symmetric about the equator, so wrong latitude weights would show. */
    return 280.0 + 15.0 * cos(lat * DEG2RAD) * sin(3.0 * lon * DEG2RAD) + 0.1 * lat +
           0.004 * (lat + 20.0) * (lat + 20.0);
}

Test(regrid, conservative_keeps_area_integral_regional_coarsening)
{
    /* Source 5-degree cells 7.5..47.5 N, 97.5..177.5 E; target 10-degree cells on the
     * same outer edges (a 2x coarsening). */
    dsc_grid_t src, dst;
    make_rect(&src, 10, 5, 8, 100, 5, 16, 0);
    make_rect(&dst, 12.5, 10, 4, 102.5, 10, 8, 0);
    double *v = sample(&src, wavy);
    dsc_regrid_weights_t *w = build("conservative", &src, &dst);
    double *out = apply_new(w, v);

    double isrc = area_integral(&src, 5, 5, v), idst = area_integral(&dst, 10, 10, out);
    cr_assert_float_eq(idst, isrc, 1e-10 * fabs(isrc), "%.15g vs %.15g", idst, isrc);
    for (size_t j = 0; j < dsc_grid_ncells(&dst); j++) {
        size_t n;
        const size_t *cells;
        const double *wt;
        dsc_regrid_weights_entries(w, j, &n, &cells, &wt);
        cr_assert_eq(n, 4, "each target covers 2 x 2 source cells");
    }

    free(out);
    free(v);
    dsc_regrid_weights_destroy(w);
    dsc_grid_clear(&src);
    dsc_grid_clear(&dst);
}

Test(regrid, conservative_keeps_area_integral_global)
{
    /* Global 2.5-degree source (edges reach the poles and close the seam at -181.25) and a
     * 5-degree target on the same edges. */
    dsc_grid_t src, dst;
    make_rect(&src, -88.75, 2.5, 72, -180, 2.5, 144, 1);
    make_rect(&dst, -87.5, 5, 36, -178.75, 5, 72, 1);
    double *v = sample(&src, wavy);
    dsc_regrid_weights_t *w = build("conservative", &src, &dst);
    double *out = apply_new(w, v);

    double isrc = area_integral(&src, 2.5, 2.5, v), idst = area_integral(&dst, 5, 5, out);
    cr_assert_float_eq(idst, isrc, 1e-10 * fabs(isrc), "%.15g vs %.15g", idst, isrc);
    /* The whole sphere is 4 pi: the constant 1 integrates to it. */
    double *ones = malloc(dsc_grid_ncells(&src) * sizeof *ones);
    for (size_t c = 0; c < dsc_grid_ncells(&src); c++)
        ones[c] = 1.0;
    cr_assert_float_eq(area_integral(&src, 2.5, 2.5, ones), 4.0 * M_PI, 1e-12);

    free(ones);
    free(out);
    free(v);
    dsc_regrid_weights_destroy(w);
    dsc_grid_clear(&src);
    dsc_grid_clear(&dst);
}

Test(regrid, conservative_hand_worked_area_weights)
{
    /* Source lat centres 0, 10, 20 (edges -5, 5, 15, 25); target lat centres 5, 15 (edges
     * 0, 10, 20). Target row 0 takes sin 5 - sin 0 from source row 0 and sin 10 - sin 5
     * from row 1, shares 0.0871557427 / 0.1736481777 and the rest: area, not distance. */
    dsc_grid_t src, dst;
    make_rect(&src, 0, 10, 3, 0, 10, 2, 0);
    make_rect(&dst, 5, 10, 2, 0, 10, 2, 0);
    dsc_regrid_weights_t *w = build("conservative", &src, &dst);
    size_t n;
    const size_t *cells;
    const double *wt;
    dsc_regrid_weights_entries(w, 0, &n, &cells, &wt);
    cr_assert_eq(n, 2);
    cr_assert_eq(cells[0], 0);
    cr_assert_eq(cells[1], 2);
    cr_assert_float_eq(wt[0], 0.5019099187, 1e-9);
    cr_assert_float_eq(wt[1], 1.0 - 0.5019099187, 1e-9);
    dsc_regrid_weights_destroy(w);
    dsc_grid_clear(&dst);

    /* A target column straddling the seam of a global 2.5-degree grid: centre 178.75,
     * edges 177.5 .. 180, half in the cell of 177.5 and half in the cell of -180. */
    dsc_grid_clear(&src);
    make_rect(&src, -88.75, 2.5, 72, -180, 2.5, 144, 1);
    make_rect(&dst, 1.25, 2.5, 2, 176.25, 2.5, 3, 0);
    w = build("conservative", &src, &dst);
    dsc_regrid_weights_entries(w, 1, &n, &cells, &wt);
    cr_assert_eq(n, 2);
    cr_assert_eq(cells[0], 36 * 144 + 0);
    cr_assert_eq(cells[1], 36 * 144 + 143);
    cr_assert_float_eq(wt[0], 0.5, 1e-12);
    cr_assert_float_eq(wt[1], 0.5, 1e-12);

    dsc_regrid_weights_destroy(w);
    dsc_grid_clear(&src);
    dsc_grid_clear(&dst);
}

/* ---- idw ------------------------------------------------------------------------------ */

Test(regrid, idw_hand_worked_on_equator)
{
    /* One row on the equator, lon 0..5: along the equator geodesic distance is a * dlon,
     * so the target at lon 1.25 lies 0.25, 0.75, 1.25, 1.75 degrees from lon 1, 2, 0, 3
     * and the weights are 1/d over their sum. */
    dsc_grid_t src, pts;
    double plat[3] = {0.0, 0.0, 0.0}, plon[3] = {1.25, 4.0, 5.6};
    make_rect(&src, 0, 1, 1, 0, 1, 6, 0);
    make_points(&pts, plat, plon, 3);
    dsc_regrid_weights_t *w = build("idw", &src, &pts);

    size_t n;
    const size_t *cells;
    const double *wt;
    dsc_regrid_weights_entries(w, 0, &n, &cells, &wt);
    cr_assert_eq(n, 4);
    double inv = 1 / 0.25 + 1 / 0.75 + 1 / 1.25 + 1 / 1.75;
    const size_t ecell[4] = {1, 2, 0, 3};
    const double ewt[4] = {(1 / 0.25) / inv, (1 / 0.75) / inv, (1 / 1.25) / inv, (1 / 1.75) / inv};
    for (size_t k = 0; k < 4; k++) {
        cr_assert_eq(cells[k], ecell[k]);
        cr_assert_float_eq(wt[k], ewt[k], 1e-9, "%zu: %.12g vs %.12g", k, wt[k], ewt[k]);
    }
    dsc_regrid_weights_entries(w, 1, &n, &cells, &wt);
    cr_assert_eq(n, 1, "a target on a centre takes it alone");
    cr_assert_eq(cells[0], 4);
    dsc_regrid_weights_entries(w, 2, &n, &cells, &wt);
    cr_assert_eq(n, 0, "lon 5.6 is beyond the last edge 5.5");

    dsc_regrid_weights_destroy(w);
    dsc_grid_clear(&src);
    dsc_grid_clear(&pts);
}

Test(regrid, idw_symmetric_square)
{
    /* Centres at lat +-1, lon 0 and 1; the target (0, 0.5) is equally far from all four. */
    dsc_grid_t src, pts;
    double plat[1] = {0.0}, plon[1] = {0.5};
    make_rect(&src, -1, 2, 2, 0, 1, 2, 0);
    make_points(&pts, plat, plon, 1);
    dsc_regrid_weights_t *w = build("idw", &src, &pts);
    size_t n;
    const size_t *cells;
    const double *wt;
    dsc_regrid_weights_entries(w, 0, &n, &cells, &wt);
    cr_assert_eq(n, 4);
    for (size_t k = 0; k < 4; k++)
        cr_assert_float_eq(wt[k], 0.25, 1e-12);
    dsc_regrid_weights_destroy(w);
    dsc_grid_clear(&src);
    dsc_grid_clear(&pts);
}

Test(regrid, conservative_with_given_edges)
{
    /* Source rows centred at 10 and 50 N with edges 0 | 20 | 90 (not halfway: 30 would be),
     * columns at 2.5 and 7.5 E with edges 0 | 5 | 10. One target cell 0..40 N x 0..10 E
     * (centre 20, 5). Its latitude weights are the sin(lat) overlaps: sin 20 - sin 0 and
     * sin 40 - sin 20, over sin 40; each column takes half. */
    dsc_grid_t src, dst;
    make_rect(&src, 10, 40, 2, 2.5, 5, 2, 0);
    make_rect(&dst, 20, 1, 1, 5, 1, 1, 0);
    double slat[3] = {0, 20, 90}, slon[3] = {0, 5, 10}, dlat[2] = {0, 40}, dlon[2] = {0, 10};
    dsc_regrid_edges_t se = {slat, slon}, de = {dlat, dlon};
    dsc_regrid_weights_t *w = NULL;
    cr_assert_eq(dsc_regrid_weights_build_edges(ctx, "conservative", &src, &se, &dst, &de, &w),
                 DSC_OK, "%s", dsc_ctx_message(ctx));

    double s20 = sin(20 * DEG2RAD), s40 = sin(40 * DEG2RAD);
    double expect[4] = {0.5 * s20 / s40, 0.5 * s20 / s40, 0.5 * (s40 - s20) / s40,
                        0.5 * (s40 - s20) / s40};
    size_t n;
    const size_t *cells;
    const double *wt;
    dsc_regrid_weights_entries(w, 0, &n, &cells, &wt);
    cr_assert_eq(n, 4);
    for (size_t k = 0; k < 4; k++) {
        cr_assert_eq(cells[k], k);
        cr_assert_float_eq(wt[k], expect[k], 1e-14, "entry %zu", k);
    }
    dsc_regrid_weights_destroy(w);

    /* Halfway edges (30 between the rows) give other weights: the edges were used. */
    w = build("conservative", &src, &dst);
    dsc_regrid_weights_entries(w, 0, &n, &cells, &wt);
    cr_assert(fabs(wt[0] - expect[0]) > 0.01, "%g vs %g", wt[0], expect[0]);
    dsc_regrid_weights_destroy(w);

    /* Longitude edges in another turn (360..370 for centres 2.5, 7.5) are the same edges. */
    double turned[3] = {360, 365, 370};
    dsc_regrid_edges_t te = {slat, turned};
    cr_assert_eq(dsc_regrid_weights_build_edges(ctx, "conservative", &src, &te, &dst, &de, &w),
                 DSC_OK, "%s", dsc_ctx_message(ctx));
    dsc_regrid_weights_entries(w, 0, &n, &cells, &wt);
    cr_assert_float_eq(wt[0], expect[0], 1e-14);
    dsc_regrid_weights_destroy(w);

    /* Edges that do not hold their centre, or more than a turn of longitude, are refused. */
    double bad_lat[3] = {0, 5, 90};
    dsc_regrid_edges_t be = {bad_lat, slon};
    w = (dsc_regrid_weights_t *)&src;
    cr_assert_eq(dsc_regrid_weights_build_edges(ctx, "conservative", &src, &be, &dst, NULL, &w),
                 DSC_ERR_USAGE);
    cr_assert_null(w);
    cr_assert(strstr(dsc_ctx_message(ctx), "source grid"), "%s", dsc_ctx_message(ctx));
    double wide[3] = {-200, 5, 170};
    dsc_regrid_edges_t we = {slat, wide};
    cr_assert_eq(dsc_regrid_weights_build_edges(ctx, "nearest", &src, &we, &dst, NULL, &w),
                 DSC_ERR_USAGE);
    dsc_grid_clear(&src);
    dsc_grid_clear(&dst);
}

Test(regrid, edges_set_the_domain_of_nearest)
{
    /* Rows at 10 and 50 N; halfway the outer edges are -10 and 70, given they are 0 and 90:
     * a target at 80 N is outside in the one case and inside in the other. */
    dsc_grid_t src, pts;
    double plat[2] = {80.0, -5.0}, plon[2] = {5.0, 5.0};
    make_rect(&src, 10, 40, 2, 2.5, 5, 2, 0);
    make_points(&pts, plat, plon, 2);
    double slat[3] = {0, 20, 90}, v[4] = {1, 2, 3, 4}, out[2];
    dsc_regrid_edges_t se = {slat, NULL};
    dsc_regrid_weights_t *w = build("nearest", &src, &pts);
    dsc_regrid_apply(w, v, out);
    cr_assert(isnan(out[0]) && !isnan(out[1]));
    dsc_regrid_weights_destroy(w);
    cr_assert_eq(dsc_regrid_weights_build_edges(ctx, "nearest", &src, &se, &pts, NULL, &w),
                 DSC_OK, "%s", dsc_ctx_message(ctx));
    dsc_regrid_apply(w, v, out);
    cr_assert(!isnan(out[0]) && isnan(out[1]), "%g %g", out[0], out[1]);
    dsc_regrid_weights_destroy(w);
    dsc_grid_clear(&src);
    dsc_grid_clear(&pts);
}

/* ---- every method ----------------------------------------------------------------------- */

Test(regrid, constant_field_kept_by_every_method)
{
    /* Targets include partial cells at the domain edge and one cell across the seam. */
    dsc_grid_t srcs[2], dst, pts;
    double plat[4] = {60.0, -10.0, 0.0, 33.0}, plon[4] = {179.7, -179.9, 0.0, 17.0};
    make_rect(&srcs[0], -88.75, 2.5, 72, -180, 2.5, 144, 1);
    make_rect(&srcs[1], 10, 3, 9, 5, 4, 12, 0);
    make_rect(&dst, 8.2, 1.9, 15, 2.0, 2.3, 22, 0);
    make_points(&pts, plat, plon, 4);
    const char *const *names = dsc_regrid_methods();

    for (int s = 0; s < 2; s++) {
        double *v = sample(&srcs[s], constant_field);
        const dsc_grid_t *targets[2] = {&dst, &pts};
        for (int t = 0; t < 2; t++) {
            for (size_t m = 0; names[m]; m++) {
                dsc_regrid_weights_t *w = build(names[m], &srcs[s], targets[t]);
                double *out = apply_new(w, v);
                size_t inside = 0;
                for (size_t c = 0; c < dsc_grid_ncells(targets[t]); c++) {
                    if (isnan(out[c]))
                        continue;
                    inside++;
                    cr_assert_float_eq(out[c], 12.75, 1e-12, "%s src %d cell %zu", names[m], s, c);
                }
                if (s == 0)
                    cr_assert_eq(inside, dsc_grid_ncells(targets[t]), "%s: global", names[m]);
                else
                    cr_assert(inside > 0 && inside < dsc_grid_ncells(targets[t]));
                free(out);
                dsc_regrid_weights_destroy(w);
            }
        }
        free(v);
        dsc_grid_clear(&srcs[s]);
    }
    dsc_grid_clear(&dst);
    dsc_grid_clear(&pts);
}

Test(regrid, missing_sources_renormalised)
{
    /* The bilinear case above with corner (1,1) missing: the others keep weights 0.1875,
     * 0.5625, 0.0625, so the value is (0.1875 + 1.125 + 0.1875) / 0.8125. */
    dsc_grid_t src, pts;
    double plat[1] = {2.5}, plon[1] = {7.5};
    make_rect(&src, 0, 10, 2, 0, 10, 2, 0);
    make_points(&pts, plat, plon, 1);
    dsc_regrid_weights_t *w = build("bilinear", &src, &pts);

    double v[4] = {1, 2, 3, NAN}, out;
    dsc_regrid_apply(w, v, &out);
    cr_assert_float_eq(out, 1.5 / 0.8125, 1e-12);
    double all_nan[4] = {NAN, NAN, NAN, NAN};
    dsc_regrid_apply(w, all_nan, &out);
    cr_assert(isnan(out));

    dsc_regrid_weights_destroy(w);
    dsc_grid_clear(&src);
    dsc_grid_clear(&pts);
}

/* ---- one-centre axes and errors --------------------------------------------------------- */

Test(regrid, single_cell_and_single_column_sources)
{
    dsc_grid_t one, column, pts;
    double plat[2] = {2.5, -60.0}, plon[2] = {100.0, -120.0};
    make_rect(&one, 51.6, 1, 1, -67.5, 1, 1, 0);
    make_rect(&column, 0, 10, 2, 5, 1, 1, 0);
    make_points(&pts, plat, plon, 2);

    /* A 1 x 1 source covers everything for nearest; bilinear refuses it. */
    dsc_regrid_weights_t *w = build("nearest", &one, &pts);
    double v1 = 3.5, out[2];
    dsc_regrid_apply(w, &v1, out);
    cr_assert_float_eq(out[0], 3.5, 0);
    cr_assert_float_eq(out[1], 3.5, 0);
    dsc_regrid_weights_destroy(w);
    w = NULL;
    cr_assert_eq(dsc_regrid_weights_build(ctx, "bilinear", &one, &pts, &w), DSC_ERR_CONFIG);
    cr_assert(strstr(dsc_ctx_message(ctx), "nearest"), "%s", dsc_ctx_message(ctx));

    /* One column: bilinear in latitude, constant along longitude. */
    w = build("bilinear", &column, &pts);
    double v2[2] = {10.0, 30.0};
    dsc_regrid_apply(w, v2, out);
    cr_assert_float_eq(out[0], 15.0, 1e-12);
    cr_assert(isnan(out[1]), "-60 is south of the southern centre");
    dsc_regrid_weights_destroy(w);

    dsc_grid_clear(&one);
    dsc_grid_clear(&column);
    dsc_grid_clear(&pts);
}

Test(regrid, bad_grids_are_refused)
{
    dsc_grid_t src, far, pts;
    dsc_regrid_weights_t *w = NULL;
    double plat[1] = {0.0}, plon[1] = {0.0};
    make_rect(&src, 10, 1, 5, 10, 1, 5, 0);
    make_rect(&far, -40, 1, 3, -100, 1, 3, 0);
    make_points(&pts, plat, plon, 1);

    cr_assert_eq(dsc_regrid_weights_build(ctx, "conservative", &src, &far, &w), DSC_ERR_RANGE);
    cr_assert_null(w);
    cr_assert(strstr(dsc_ctx_message(ctx), "outside"), "%s", dsc_ctx_message(ctx));
    cr_assert_eq(dsc_regrid_weights_build(ctx, "nearest", &pts, &src, &w), DSC_ERR_USAGE);

    src.lat[3] = src.lat[1];
    cr_assert_eq(dsc_regrid_weights_build(ctx, "bilinear", &src, &far, &w), DSC_ERR_USAGE);
    cr_assert(strstr(dsc_ctx_message(ctx), "source grid"), "%s", dsc_ctx_message(ctx));
    src.lat[3] = 13;
    src.lon[3] = 10.5; /* 10 11 12 10.5 14: not ascending modulo 360 */
    cr_assert_eq(dsc_regrid_weights_build(ctx, "nearest", &src, &pts, &w), DSC_ERR_USAGE);
    src.lon[3] = 13;
    far.lat[1] = -45; /* a conservative target must ascend too */
    cr_assert_eq(dsc_regrid_weights_build(ctx, "conservative", &src, &far, &w), DSC_ERR_USAGE);
    cr_assert(strstr(dsc_ctx_message(ctx), "target grid"), "%s", dsc_ctx_message(ctx));
    cr_assert_null(w);

    dsc_grid_clear(&src);
    dsc_grid_clear(&far);
    dsc_grid_clear(&pts);
}

/* ---- fields ------------------------------------------------------------------------------ */

Test(regrid, field_every_step_with_dates)
{
    dsc_grid_t src, pts;
    double plat[2] = {2.5, 50.0}, plon[2] = {7.5, 7.5};
    make_rect(&src, 0, 10, 2, 0, 10, 2, 0);
    make_points(&pts, plat, plon, 2);
    dsc_field_t *f = dsc_field_create(ctx, "tasmax", DSC_CAL_NOLEAP, 3, &src);
    cr_assert_not_null(f);
    snprintf(f->source, sizeof f->source, "gcm.nc");
    for (size_t t = 0; t < 3; t++) {
        f->dates[t] = (dsc_date_t){2000, 1, (int)t + 1, 0};
        double base[4] = {1, 2, 3, 4};
        for (size_t c = 0; c < 4; c++)
            f->values[t * 4 + c] = base[c] + 10.0 * (double)t;
    }
    dsc_regrid_weights_t *w = build("bilinear", &src, &pts);
    dsc_field_t *g = NULL;
    cr_assert_eq(dsc_regrid_field(ctx, w, f, &pts, &g), DSC_OK, "%s", dsc_ctx_message(ctx));

    cr_assert_eq(g->ntime, 3);
    cr_assert_eq(g->grid.kind, DSC_GRID_POINTS);
    cr_assert_eq(g->calendar, DSC_CAL_NOLEAP);
    cr_assert_str_eq(g->name, "tasmax");
    cr_assert_str_eq(g->source, "gcm.nc");
    for (size_t t = 0; t < 3; t++) {
        cr_assert_eq(g->dates[t].day, (int)t + 1);
        cr_assert_float_eq(g->values[t * 2], 2.25 + 10.0 * (double)t, 1e-12);
        cr_assert(isnan(g->values[t * 2 + 1]));
    }
    dsc_field_destroy(g);

    g = (dsc_field_t *)f;
    cr_assert_eq(dsc_regrid_field(ctx, w, f, &src, &g), DSC_ERR_USAGE);
    cr_assert_null(g);
    cr_assert(strstr(dsc_ctx_message(ctx), "gcm.nc"), "%s", dsc_ctx_message(ctx));

    dsc_regrid_weights_destroy(w);
    dsc_field_destroy(f);
    dsc_grid_clear(&src);
    dsc_grid_clear(&pts);
}

/* ---- weights from links, renumbered ------------------------------------------------------ */

Test(regrid, weights_from_links_in_any_order)
{
    /* Three sources, two targets; the links of target 1 come first and keep their order. */
    size_t src[4] = {2, 0, 1, 0}, dst[4] = {1, 1, 0, 1};
    double wt[4] = {0.25, 0.5, 1.0, 0.25};
    dsc_regrid_weights_t *w = NULL;
    cr_assert_eq(dsc_regrid_weights_from_arrays(ctx, "bilinear", 3, 2, 4, src, dst, wt, &w),
                 DSC_OK, "%s", dsc_ctx_message(ctx));
    cr_assert_str_eq(dsc_regrid_weights_method(w), "bilinear");
    cr_assert_eq(dsc_regrid_weights_nsrc(w), 3);
    cr_assert_eq(dsc_regrid_weights_ndst(w), 2);
    cr_assert_eq(dsc_regrid_weights_nlinks(w), 4);
    size_t n;
    const size_t *cells;
    const double *ws;
    dsc_regrid_weights_entries(w, 0, &n, &cells, &ws);
    cr_assert(n == 1 && cells[0] == 1 && ws[0] == 1.0);
    dsc_regrid_weights_entries(w, 1, &n, &cells, &ws);
    cr_assert_eq(n, 3);
    cr_assert(cells[0] == 2 && cells[1] == 0 && cells[2] == 0);
    cr_assert(ws[0] == 0.25 && ws[1] == 0.5 && ws[2] == 0.25);
    double v[3] = {10, 20, 40}, out[2];
    dsc_regrid_apply(w, v, out);
    cr_assert_float_eq(out[0], 20.0, 1e-12);
    cr_assert_float_eq(out[1], 0.25 * 40 + 0.75 * 10, 1e-12);
    dsc_regrid_weights_destroy(w);

    /* A cell past the grid or a weight that is not finite is a format error. */
    size_t far[1] = {3}, zero[1] = {0};
    double one[1] = {1.0}, nan_w[1] = {NAN};
    w = (dsc_regrid_weights_t *)v;
    cr_assert_eq(dsc_regrid_weights_from_arrays(ctx, "x", 3, 2, 1, far, zero, one, &w),
                 DSC_ERR_FORMAT);
    cr_assert_null(w);
    cr_assert(strstr(dsc_ctx_message(ctx), "link 0"), "%s", dsc_ctx_message(ctx));
    cr_assert_eq(dsc_regrid_weights_from_arrays(ctx, "x", 3, 2, 1, zero, zero, nan_w, &w),
                 DSC_ERR_FORMAT);
    cr_assert_eq(dsc_regrid_weights_from_arrays(ctx, "x", 0, 2, 0, zero, zero, one, &w),
                 DSC_ERR_USAGE);
}

Test(regrid, weights_renumbered_between_orders)
{
    /* A 2 x 2 source held lat ascending; the file stores it lat descending with a third,
     * repeated column. Bilinear onto two points, then renumbered into the file's order and
     * back: the same values come out. */
    dsc_grid_t src, pts;
    double plat[2] = {2.5, 7.5}, plon[2] = {7.5, 2.5};
    make_rect(&src, 0, 10, 2, 0, 10, 2, 0);
    make_points(&pts, plat, plon, 2);
    dsc_regrid_weights_t *w = build("bilinear", &src, &pts), *filed = NULL, *back = NULL;
    double v[4] = {1, 2, 3, 4}, out[2], again[2];
    dsc_regrid_apply(w, v, out);

    /* Our cell (i, j) is file cell (1 - i, j) of a 2 x 3 file; the file lists the targets
     * the other way round and has a third target that takes none. */
    size_t to_file[4] = {3, 4, 0, 1};
    size_t dst_from[3] = {1, 0, DSC_REGRID_NO_CELL};
    cr_assert_eq(dsc_regrid_weights_reorder(ctx, w, 6, to_file, 3, dst_from, &filed), DSC_OK,
                 "%s", dsc_ctx_message(ctx));
    cr_assert_eq(dsc_regrid_weights_nsrc(filed), 6);
    cr_assert_eq(dsc_regrid_weights_ndst(filed), 3);
    double vfile[6] = {3, 4, 99, 1, 2, 99}, outfile[3];
    dsc_regrid_apply(filed, vfile, outfile);
    cr_assert_float_eq(outfile[0], out[1], 1e-12);
    cr_assert_float_eq(outfile[1], out[0], 1e-12);
    cr_assert(isnan(outfile[2]));

    /* Back: file cells to ours (the repeated column maps nowhere), targets from the file's. */
    size_t from_file[6] = {2, 3, DSC_REGRID_NO_CELL, 0, 1, DSC_REGRID_NO_CELL};
    size_t ours_from[2] = {1, 0};
    cr_assert_eq(dsc_regrid_weights_reorder(ctx, filed, 4, from_file, 2, ours_from, &back),
                 DSC_OK, "%s", dsc_ctx_message(ctx));
    dsc_regrid_apply(back, v, again);
    cr_assert_float_eq(again[0], out[0], 1e-12);
    cr_assert_float_eq(again[1], out[1], 1e-12);
    cr_assert_eq(dsc_regrid_weights_nlinks(back), dsc_regrid_weights_nlinks(w));

    /* Indices past the new sizes are refused. */
    dsc_regrid_weights_t *bad = (dsc_regrid_weights_t *)v;
    cr_assert_eq(dsc_regrid_weights_reorder(ctx, w, 3, to_file, 3, dst_from, &bad),
                 DSC_ERR_USAGE);
    cr_assert_null(bad);
    size_t far_from[1] = {5};
    cr_assert_eq(dsc_regrid_weights_reorder(ctx, w, 4, NULL, 1, far_from, &bad), DSC_ERR_USAGE);

    dsc_regrid_weights_destroy(w);
    dsc_regrid_weights_destroy(filed);
    dsc_regrid_weights_destroy(back);
    dsc_grid_clear(&src);
    dsc_grid_clear(&pts);
}

Test(regrid, apply_steps_equals_apply_per_step)
{
    dsc_grid_t src, dst;
    make_rect(&src, 30, 2.5, 9, -10, 3, 11, 0);
    make_rect(&dst, 30.4, 0.7, 28, -9.9, 0.45, 66, 0);
    dsc_regrid_weights_t *w = build("conservative", &src, &dst);
    size_t ns = dsc_grid_ncells(&src), nd = dsc_grid_ncells(&dst), nt = 11;
    double *in = malloc(nt * ns * sizeof *in), *a = malloc(nt * nd * sizeof *a);
    double *b = malloc(nt * nd * sizeof *b);
    cr_assert(in && a && b);
    for (size_t i = 0; i < nt * ns; i++)
        in[i] = i % 17 == 3 ? NAN : 270.0 + 0.01 * (double)i;
    dsc_regrid_apply_steps(w, nt, in, a);
    for (size_t t = 0; t < nt; t++)
        dsc_regrid_apply(w, in + t * ns, b + t * nd);
    cr_assert_eq(memcmp(a, b, nt * nd * sizeof *a), 0);
    free(in);
    free(a);
    free(b);
    dsc_regrid_weights_destroy(w);
    dsc_grid_clear(&src);
    dsc_grid_clear(&dst);
}

/* ---- the real BNU-ESM -> ANUSPLIN pair ----------------------------------------------------- */

static void read_axis(int nc, const char *name, double **out, size_t *n)
{
    int dim, var;
    cr_assert_eq(nc_inq_dimid(nc, name, &dim), NC_NOERR);
    cr_assert_eq(nc_inq_dimlen(nc, dim, n), NC_NOERR);
    cr_assert_eq(nc_inq_varid(nc, name, &var), NC_NOERR);
    *out = malloc(*n * sizeof **out);
    cr_assert_not_null(*out);
    cr_assert_eq(nc_get_var_double(nc, var, *out), NC_NOERR);
}

static void read_grid(const char *rel, dsc_grid_t *g)
{
    int nc;
    double *lat, *lon;
    size_t nlat, nlon;
    cr_assert_eq(nc_open(test_data_path(rel), NC_NOWRITE, &nc), NC_NOERR, "%s", rel);
    read_axis(nc, "lat", &lat, &nlat);
    read_axis(nc, "lon", &lon, &nlon);
    nc_close(nc);
    cr_assert_eq(dsc_grid_init_rectilinear(ctx, g, nlat, nlon), DSC_OK);
    memcpy(g->lat, lat, nlat * sizeof(double));
    for (size_t j = 0; j < nlon; j++)
        g->lon[j] = dsc_lon_normalize(lon[j]);
    free(lat);
    free(lon);
}

Test(regrid, real_gcm_to_anusplin_grid)
{
    dsc_grid_t gcm, obs;
    read_grid("gcm/BNU-ESM_tasmax_day_tiny_gcm.nc", &gcm);
    read_grid("obs/ANUSPLIN_tasmax_day_tiny_obs.nc", &obs);
    cr_assert_eq(dsc_grid_ncells(&gcm), 16);
    cr_assert_eq(dsc_grid_ncells(&obs), 676);
    cr_assert_float_eq(gcm.lon[0], 264.375 - 360.0, 1e-12);

    dsc_regrid_weights_t *w = build("bilinear", &gcm, &obs);
    for (size_t j = 0; j < 676; j++) {
        size_t n;
        const size_t *cells;
        const double *wt;
        dsc_regrid_weights_entries(w, j, &n, &cells, &wt);
        cr_assert_eq(n, 4, "ANUSPLIN cell %zu", j);
        double sum = 0.0;
        for (size_t k = 0; k < n; k++) {
            cr_assert(cells[k] < 16);
            cr_assert(wt[k] >= 0.0);
            sum += wt[k];
        }
        cr_assert_float_eq(sum, 1.0, 1e-12, "ANUSPLIN cell %zu", j);
    }
    double *v = sample(&gcm, linear_field);
    double *out = apply_new(w, v);
    for (size_t j = 0; j < 676; j++) {
        double lat, lon;
        dsc_grid_cell_coords(&obs, j, &lat, &lon);
        cr_assert_float_eq(out[j], linear_field(lat, lon), 1e-10, "ANUSPLIN cell %zu", j);
    }
    free(out);
    free(v);
    dsc_regrid_weights_destroy(w);

    /* The other methods cover every ANUSPLIN cell too (it lies inside the GCM box). */
    const char *others[3] = {"nearest", "conservative", "idw"};
    for (int m = 0; m < 3; m++) {
        w = build(others[m], &gcm, &obs);
        for (size_t j = 0; j < 676; j++) {
            size_t n;
            const size_t *cells;
            const double *wt;
            double sum = 0.0;
            dsc_regrid_weights_entries(w, j, &n, &cells, &wt);
            cr_assert(n >= 1, "%s: ANUSPLIN cell %zu", others[m], j);
            for (size_t k = 0; k < n; k++)
                sum += wt[k];
            cr_assert_float_eq(sum, 1.0, 1e-12, "%s: ANUSPLIN cell %zu", others[m], j);
        }
        dsc_regrid_weights_destroy(w);
    }
    dsc_grid_clear(&gcm);
    dsc_grid_clear(&obs);
}

/* Our bilinear of day 0 of the real GCM tasmax against `cdo remapbil` onto the ANUSPLIN grid,
 * when cdo is installed. */
Test(regrid, real_tasmax_matches_cdo_remapbil)
{
    if (test_system("command -v cdo >/dev/null 2>&1") != 0)
        cr_skip("cdo is not installed");
    const char *dir = test_tmpdir();
    cr_assert_not_null(dir);
    char out_path[4200], cmd[16000];
    snprintf(out_path, sizeof out_path, "%s/cdo_bil.nc", dir);
    char gcm_path[4100], obs_path[4100];
    snprintf(gcm_path, sizeof gcm_path, "%s", test_data_path("gcm/BNU-ESM_tasmax_day_tiny_gcm.nc"));
    snprintf(obs_path, sizeof obs_path, "%s",
             test_data_path("obs/ANUSPLIN_tasmax_day_tiny_obs.nc"));
    snprintf(cmd, sizeof cmd, "cdo -s -O remapbil,'%s' -seltimestep,1 '%s' '%s' >/dev/null 2>&1",
             obs_path, gcm_path, out_path);
    cr_assert_eq(test_system(cmd), 0, "%s", cmd);

    dsc_grid_t gcm, obs;
    read_grid("gcm/BNU-ESM_tasmax_day_tiny_gcm.nc", &gcm);
    read_grid("obs/ANUSPLIN_tasmax_day_tiny_obs.nc", &obs);
    int nc, var;
    double day0[16], expect[676];
    size_t start[3] = {0, 0, 0}, count_gcm[3] = {1, 4, 4}, count_obs[3] = {1, 26, 26};
    cr_assert_eq(nc_open(gcm_path, NC_NOWRITE, &nc), NC_NOERR);
    cr_assert_eq(nc_inq_varid(nc, "tasmax", &var), NC_NOERR);
    cr_assert_eq(nc_get_vara_double(nc, var, start, count_gcm, day0), NC_NOERR);
    nc_close(nc);
    cr_assert_eq(nc_open(out_path, NC_NOWRITE, &nc), NC_NOERR);
    cr_assert_eq(nc_inq_varid(nc, "tasmax", &var), NC_NOERR);
    cr_assert_eq(nc_get_vara_double(nc, var, start, count_obs, expect), NC_NOERR);
    nc_close(nc);

    dsc_regrid_weights_t *w = build("bilinear", &gcm, &obs);
    double *out = apply_new(w, day0);
    for (size_t j = 0; j < 676; j++)
        cr_assert_float_eq(out[j], expect[j], 1e-4, "cell %zu: %.6f K vs cdo %.6f K", j, out[j],
                           expect[j]);
    free(out);
    dsc_regrid_weights_destroy(w);
    dsc_grid_clear(&gcm);
    dsc_grid_clear(&obs);
    remove(out_path);
    rmdir(dir);
}
