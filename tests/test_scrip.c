/* test_scrip.c - weights in SCRIP files: ours written and read back unchanged, in the layout
 * CDO reads; CDO's gen* weights read and applied give CDO's answer; CDO's remap with our
 * weights gives ours (the CDO checks skip when cdo is not installed). */
#include <criterion/criterion.h>
#include <math.h>
#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dsc/scrip.h"
#include "support/support.h"

#define DEG2RAD (3.14159265358979323846 / 180.0)
#define BNU "gcm/BNU-ESM_tasmax_day_tiny_gcm.nc"
#define ANUSPLIN "obs/ANUSPLIN_tasmax_day_tiny_obs.nc"

static dsc_ctx_t *ctx;
static char dir[4096];

static void setup(void)
{
    ctx = dsc_ctx_create();
    cr_assert_not_null(ctx);
    const char *d = test_tmpdir();
    cr_assert_not_null(d);
    snprintf(dir, sizeof dir, "%s", d);
}

static void teardown(void)
{
    test_remove_tree(dir);
    dsc_ctx_destroy(ctx);
}

TestSuite(scrip, .init = setup, .fini = teardown);

static const char *in_dir(const char *name)
{
    static char buf[4200];
    snprintf(buf, sizeof buf, "%s/%s", dir, name);
    return buf;
}

/* The grid of a file as stored (both test files ascend in latitude and longitude, so the
 * order of the file is the order regridding needs). */
static void read_grid(const char *rel, dsc_grid_t *g)
{
    int nc, dim, var;
    size_t n[2];
    const char *names[2] = {"lat", "lon"};
    cr_assert_eq(nc_open(test_data_path(rel), NC_NOWRITE, &nc), NC_NOERR, "%s", rel);
    for (int a = 0; a < 2; a++) {
        cr_assert_eq(nc_inq_dimid(nc, names[a], &dim), NC_NOERR);
        cr_assert_eq(nc_inq_dimlen(nc, dim, &n[a]), NC_NOERR);
    }
    cr_assert_eq(dsc_grid_init_rectilinear(ctx, g, n[0], n[1]), DSC_OK);
    cr_assert_eq(nc_inq_varid(nc, "lat", &var), NC_NOERR);
    cr_assert_eq(nc_get_var_double(nc, var, g->lat), NC_NOERR);
    cr_assert_eq(nc_inq_varid(nc, "lon", &var), NC_NOERR);
    cr_assert_eq(nc_get_var_double(nc, var, g->lon), NC_NOERR);
    nc_close(nc);
    for (size_t j = 0; j < n[1]; j++)
        g->lon[j] = dsc_lon_normalize(g->lon[j]);
}

/* Day 0 of a variable as stored, n values. */
static void read_day0(const char *path, const char *var, double *v, size_t nlat, size_t nlon)
{
    int nc, id;
    size_t start[3] = {0, 0, 0}, count[3] = {1, nlat, nlon};
    cr_assert_eq(nc_open(path, NC_NOWRITE, &nc), NC_NOERR, "%s", path);
    cr_assert_eq(nc_inq_varid(nc, var, &id), NC_NOERR);
    cr_assert_eq(nc_get_vara_double(nc, id, start, count, v), NC_NOERR);
    nc_close(nc);
}

/* Day 0 of BNU's tasmax remapped by CDO onto ANUSPLIN's 26 x 26 grid, in K: op is the
 * operator ("remapbil", ...), or "remap" with weights (a SCRIP file; NULL otherwise). */
static void cdo_day0(const char *op, const char *weights, double *out)
{
    char gcm[4100], obs[4100], wpart[4400] = "", opath[4300], cmd[16384];
    snprintf(gcm, sizeof gcm, "%s", test_data_path(BNU));
    snprintf(obs, sizeof obs, "%s", test_data_path(ANUSPLIN));
    if (weights)
        snprintf(wpart, sizeof wpart, ",'%s'", weights);
    snprintf(opath, sizeof opath, "%s", in_dir("cdo_out.nc"));
    snprintf(cmd, sizeof cmd, "cdo -s -O %s,'%s'%s -seltimestep,1 '%s' '%s' >/dev/null 2>&1",
             op, obs, wpart, gcm, opath);
    cr_assert_eq(test_system(cmd), 0, "%s", cmd);
    read_day0(opath, "tasmax", out, 26, 26);
}

/* ours and cdo: the 676 cells of day 0 on ANUSPLIN's grid (K). */
static void assert_matches_cdo(const char *method, const double *ours, const double *cdo)
{
    for (size_t j = 0; j < 676; j++)
        cr_assert_float_eq(ours[j], cdo[j], 1e-4, "%s cell %zu: %.6f K vs cdo %.6f K", method,
                           j, ours[j], cdo[j]);
}

static dsc_regrid_weights_t *build(const char *method, const dsc_grid_t *s, const dsc_grid_t *d)
{
    dsc_regrid_weights_t *w = NULL;
    cr_assert_eq(dsc_regrid_weights_build(ctx, method, s, d, &w), DSC_OK, "%s",
                 dsc_ctx_message(ctx));
    return w;
}

static void assert_same_weights(const dsc_regrid_weights_t *a, const dsc_regrid_weights_t *b)
{
    cr_assert_eq(dsc_regrid_weights_nsrc(a), dsc_regrid_weights_nsrc(b));
    cr_assert_eq(dsc_regrid_weights_ndst(a), dsc_regrid_weights_ndst(b));
    cr_assert_eq(dsc_regrid_weights_nlinks(a), dsc_regrid_weights_nlinks(b));
    cr_assert_str_eq(dsc_regrid_weights_method(a), dsc_regrid_weights_method(b));
    for (size_t j = 0; j < dsc_regrid_weights_ndst(a); j++) {
        size_t na, nb;
        const size_t *ca, *cb;
        const double *wa, *wb;
        dsc_regrid_weights_entries(a, j, &na, &ca, &wa);
        dsc_regrid_weights_entries(b, j, &nb, &cb, &wb);
        cr_assert_eq(na, nb, "target %zu", j);
        for (size_t k = 0; k < na; k++)
            cr_assert(ca[k] == cb[k] && wa[k] == wb[k], "target %zu entry %zu", j, k);
    }
}

static void text_att(int nc, const char *name, char *buf, size_t size)
{
    size_t len = 0;
    cr_assert_eq(nc_inq_attlen(nc, NC_GLOBAL, name, &len), NC_NOERR, "%s", name);
    cr_assert(len < size);
    cr_assert_eq(nc_get_att_text(nc, NC_GLOBAL, name, buf), NC_NOERR);
    buf[len] = '\0';
}

Test(scrip, bilinear_weights_round_trip)
{
    dsc_grid_t gcm, obs, rs, rd;
    read_grid(BNU, &gcm);
    read_grid(ANUSPLIN, &obs);
    dsc_regrid_weights_t *w = build("bilinear", &gcm, &obs), *r = NULL;
    const char *path = in_dir("bil.nc");
    cr_assert_eq(dsc_io_weights_write(ctx, path, w, &gcm, NULL, &obs, NULL, "test"), DSC_OK,
                 "%s", dsc_ctx_message(ctx));
    cr_assert_eq(dsc_io_weights_read(ctx, path, &r, &rs, &rd), DSC_OK, "%s",
                 dsc_ctx_message(ctx));
    assert_same_weights(w, r);
    cr_assert_eq(rs.kind, DSC_GRID_RECTILINEAR);
    cr_assert(rs.nlat == 4 && rs.nlon == 4 && rd.nlat == 26 && rd.nlon == 26);
    cr_assert_eq(memcmp(rs.lat, gcm.lat, 4 * sizeof(double)), 0);
    cr_assert_eq(memcmp(rs.lon, gcm.lon, 4 * sizeof(double)), 0);
    cr_assert_eq(memcmp(rd.lat, obs.lat, 26 * sizeof(double)), 0);
    cr_assert_eq(memcmp(rd.lon, obs.lon, 26 * sizeof(double)), 0);

    /* The layout CDO reads. */
    int nc, id, dims[2], addr;
    char text[128];
    cr_assert_eq(nc_open(path, NC_NOWRITE, &nc), NC_NOERR);
    text_att(nc, "map_method", text, sizeof text);
    cr_assert_str_eq(text, "Bilinear remapping");
    text_att(nc, "conventions", text, sizeof text);
    cr_assert_str_eq(text, "SCRIP");
    text_att(nc, "normalization", text, sizeof text);
    cr_assert_str_eq(text, "none");
    cr_assert_eq(nc_inq_varid(nc, "src_grid_dims", &id), NC_NOERR);
    cr_assert_eq(nc_get_var_int(nc, id, dims), NC_NOERR);
    cr_assert(dims[0] == 4 && dims[1] == 4);
    size_t first = 0;
    cr_assert_eq(nc_inq_varid(nc, "dst_address", &id), NC_NOERR);
    cr_assert_eq(nc_get_var1_int(nc, id, &first, &addr), NC_NOERR);
    cr_assert_eq(addr, 1, "addresses are 1-based");
    cr_assert_eq(nc_inq_dimid(nc, "src_grid_corners", &id), NC_NOERR);

    /* The target's areas add up to its box: edges half a step outside the outer centres. */
    double area[676], total = 0.0, step = obs.lat[1] - obs.lat[0];
    cr_assert_eq(nc_inq_varid(nc, "dst_grid_area", &id), NC_NOERR);
    cr_assert_eq(nc_get_var_double(nc, id, area), NC_NOERR);
    nc_close(nc);
    for (size_t c = 0; c < 676; c++)
        total += area[c];
    double width = (obs.lon[25] - obs.lon[0] + (obs.lon[1] - obs.lon[0])) * DEG2RAD;
    double band = sin((obs.lat[25] + step / 2) * DEG2RAD) - sin((obs.lat[0] - step / 2) * DEG2RAD);
    cr_assert_float_eq(total, width * band, 1e-12);

    dsc_regrid_weights_destroy(w);
    dsc_regrid_weights_destroy(r);
    dsc_grid_clear(&gcm);
    dsc_grid_clear(&obs);
    dsc_grid_clear(&rs);
    dsc_grid_clear(&rd);
}

Test(scrip, points_and_conservative_round_trip)
{
    dsc_grid_t gcm, pts, rd;
    read_grid(BNU, &gcm);
    cr_assert_eq(dsc_grid_init_points(ctx, &pts, 3), DSC_OK);
    double plat[3] = {66.0, 70.5, 80.0}, plon[3] = {-94.0, -90.0, -90.0};
    memcpy(pts.lat, plat, sizeof plat);
    memcpy(pts.lon, plon, sizeof plon);
    dsc_regrid_weights_t *w = build("conservative", &gcm, &pts), *r = NULL;
    const char *path = in_dir("con.nc");
    cr_assert_eq(dsc_io_weights_write(ctx, path, w, &gcm, NULL, &pts, NULL, NULL), DSC_OK,
                 "%s", dsc_ctx_message(ctx));
    cr_assert_eq(dsc_io_weights_read(ctx, path, &r, NULL, &rd), DSC_OK, "%s",
                 dsc_ctx_message(ctx));
    assert_same_weights(w, r);
    cr_assert_eq(rd.kind, DSC_GRID_POINTS);
    cr_assert_eq(memcmp(rd.lat, plat, sizeof plat), 0);

    int nc, id;
    char text[128];
    double frac[3];
    cr_assert_eq(nc_open(path, NC_NOWRITE, &nc), NC_NOERR);
    text_att(nc, "normalization", text, sizeof text);
    cr_assert_str_eq(text, "fracarea");
    text_att(nc, "map_method", text, sizeof text);
    cr_assert_str_eq(text, "Conservative remapping");
    cr_assert_neq(nc_inq_dimid(nc, "dst_grid_corners", &id), NC_NOERR, "points: no corners");
    cr_assert_eq(nc_inq_varid(nc, "dst_grid_frac", &id), NC_NOERR);
    cr_assert_eq(nc_get_var_double(nc, id, frac), NC_NOERR);
    nc_close(nc);
    /* 80 N is north of the GCM box: no links, frac 0, so CDO leaves it missing too. */
    cr_assert(frac[0] == 1.0 && frac[1] == 1.0 && frac[2] == 0.0);

    dsc_regrid_weights_destroy(w);
    dsc_regrid_weights_destroy(r);
    dsc_grid_clear(&gcm);
    dsc_grid_clear(&pts);
    dsc_grid_clear(&rd);
}

/* A minimal SCRIP-like file: 2 sources, 1 target, links as given. */
static void write_fake(const char *path, int nwgts, int src_addr)
{
    int nc, d_s, d_d, d_l, d_w, d_r, v_s, v_d, v_m, v;
    cr_assert_eq(nc_create(path, NC_CLOBBER, &nc), NC_NOERR);
    nc_def_dim(nc, "src_grid_size", 2, &d_s);
    nc_def_dim(nc, "dst_grid_size", 1, &d_d);
    nc_def_dim(nc, "src_grid_rank", 1, &d_r);
    nc_def_dim(nc, "dst_grid_rank", 1, &d_r);
    nc_def_dim(nc, "num_links", 1, &d_l);
    nc_def_dim(nc, "num_wgts", (size_t)nwgts, &d_w);
    nc_def_var(nc, "src_address", NC_INT, 1, &d_l, &v_s);
    nc_def_var(nc, "dst_address", NC_INT, 1, &d_l, &v_d);
    int md[2] = {d_l, d_w};
    nc_def_var(nc, "remap_matrix", NC_DOUBLE, 2, md, &v_m);
    nc_def_var(nc, "src_grid_center_lat", NC_DOUBLE, 1, &d_s, &v);
    nc_enddef(nc);
    int one = 1;
    double wts[3] = {1, 0, 0};
    nc_put_var_int(nc, v_s, &src_addr);
    nc_put_var_int(nc, v_d, &one);
    nc_put_var_double(nc, v_m, wts);
    nc_close(nc);
}

Test(scrip, files_that_are_not_weights)
{
    dsc_regrid_weights_t *w = NULL;
    dsc_grid_t g;
    cr_assert_eq(dsc_io_weights_read(ctx, in_dir("missing.nc"), &w, &g, NULL), DSC_ERR_IO);
    cr_assert(strstr(dsc_ctx_message(ctx), "missing.nc"), "%s", dsc_ctx_message(ctx));
    cr_assert_eq(dsc_io_weights_read(ctx, test_data_path(BNU), &w, NULL, NULL),
                 DSC_ERR_FORMAT);
    cr_assert(strstr(dsc_ctx_message(ctx), "src_grid_size"), "%s", dsc_ctx_message(ctx));

    write_fake(in_dir("three.nc"), 3, 1);
    cr_assert_eq(dsc_io_weights_read(ctx, in_dir("three.nc"), &w, NULL, NULL), DSC_ERR_FORMAT);
    cr_assert(strstr(dsc_ctx_message(ctx), "num_wgts"), "%s", dsc_ctx_message(ctx));
    write_fake(in_dir("far.nc"), 1, 3);
    cr_assert_eq(dsc_io_weights_read(ctx, in_dir("far.nc"), &w, NULL, NULL), DSC_ERR_FORMAT);
    cr_assert(strstr(dsc_ctx_message(ctx), "src_address"), "%s", dsc_ctx_message(ctx));
    cr_assert_null(w);
    /* A good one reads; its centres have no units, which count as degrees. */
    write_fake(in_dir("good.nc"), 1, 2);
    cr_assert_eq(dsc_io_weights_read(ctx, in_dir("good.nc"), &w, NULL, NULL), DSC_OK, "%s",
                 dsc_ctx_message(ctx));
    cr_assert_str_eq(dsc_regrid_weights_method(w), "file");
    dsc_regrid_weights_destroy(w);

    /* Writing refuses grids that do not match the weights. */
    dsc_grid_t a, b;
    read_grid(BNU, &a);
    read_grid(ANUSPLIN, &b);
    w = build("nearest", &a, &b);
    cr_assert_eq(dsc_io_weights_write(ctx, in_dir("x.nc"), w, &b, NULL, &a, NULL, NULL),
                 DSC_ERR_USAGE);
    cr_assert_eq(access(in_dir("x.nc"), F_OK), -1);
    dsc_regrid_weights_destroy(w);
    dsc_grid_clear(&a);
    dsc_grid_clear(&b);
}

/* ---- with CDO -------------------------------------------------------------------------- */

Test(scrip, cdo_weights_give_cdo_answers)
{
    if (test_system("command -v cdo >/dev/null 2>&1") != 0)
        cr_skip("cdo is not installed");
    char gcm[4100], obs[4100];
    snprintf(gcm, sizeof gcm, "%s", test_data_path(BNU));
    snprintf(obs, sizeof obs, "%s", test_data_path(ANUSPLIN));
    double day0[16], ours[676], cdo[676];
    read_day0(gcm, "tasmax", day0, 4, 4);
    const char *gen[3] = {"genbil", "gennn", "gencon"}, *rem[3] = {"remapbil", "remapnn",
                                                                   "remapcon"};
    const char *method[3] = {"bilinear", "nearest", "conservative"};
    for (int m = 0; m < 3; m++) {
        char wpath[4300], cmd[16384];
        snprintf(wpath, sizeof wpath, "%s", in_dir("cdo_w.nc"));
        snprintf(cmd, sizeof cmd, "cdo -s -O %s,'%s' '%s' '%s' >/dev/null 2>&1", gen[m], obs,
                 gcm, wpath);
        cr_assert_eq(test_system(cmd), 0, "%s", cmd);
        cdo_day0(rem[m], NULL, cdo);

        dsc_regrid_weights_t *w = NULL;
        dsc_grid_t ws;
        cr_assert_eq(dsc_io_weights_read(ctx, wpath, &w, &ws, NULL), DSC_OK, "%s",
                     dsc_ctx_message(ctx));
        cr_assert_str_eq(dsc_regrid_weights_method(w), method[m]);
        cr_assert_eq(dsc_regrid_weights_nsrc(w), 16);
        cr_assert_eq(dsc_regrid_weights_ndst(w), 676);
        /* CDO writes centres in radians; back in degrees they are the file's. */
        dsc_grid_t gcm_grid;
        read_grid(BNU, &gcm_grid);
        cr_assert_eq(ws.kind, DSC_GRID_RECTILINEAR);
        for (size_t i = 0; i < 4; i++) {
            cr_assert_float_eq(ws.lat[i], gcm_grid.lat[i], 1e-9);
            cr_assert_float_eq(ws.lon[i], gcm_grid.lon[i], 1e-9);
        }
        dsc_regrid_apply(w, day0, ours);
        assert_matches_cdo(method[m], ours, cdo);
        dsc_regrid_weights_destroy(w);
        dsc_grid_clear(&ws);
        dsc_grid_clear(&gcm_grid);
    }
}

Test(scrip, cdo_remap_with_our_weights_gives_ours)
{
    if (test_system("command -v cdo >/dev/null 2>&1") != 0)
        cr_skip("cdo is not installed");
    dsc_grid_t sg, dg;
    read_grid(BNU, &sg);
    read_grid(ANUSPLIN, &dg);
    double day0[16], ours[676], cdo[676];
    read_day0(test_data_path(BNU), "tasmax", day0, 4, 4);
    const char *method[4] = {"bilinear", "nearest", "conservative", "idw"};
    for (int m = 0; m < 4; m++) {
        char wpath[4300];
        snprintf(wpath, sizeof wpath, "%s", in_dir("our_w.nc"));
        dsc_regrid_weights_t *w = build(method[m], &sg, &dg);
        cr_assert_eq(dsc_io_weights_write(ctx, wpath, w, &sg, NULL, &dg, NULL, NULL), DSC_OK,
                     "%s", dsc_ctx_message(ctx));
        cdo_day0("remap", wpath, cdo);
        dsc_regrid_apply(w, day0, ours);
        assert_matches_cdo(method[m], ours, cdo);
        dsc_regrid_weights_destroy(w);
    }
    dsc_grid_clear(&sg);
    dsc_grid_clear(&dg);
}
