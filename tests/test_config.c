/* test_config.c - pipeline and region files: what loads, and how problems are reported. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "dsc/pipeline.h"
#include "support/support.h"

static char messages[8192];
static void keep_log(void *user, dsc_log_level level, const char *module, const char *msg)
{
    (void)user;
    (void)module;
    if (level == DSC_LOG_ERROR) {
        strncat(messages, msg, sizeof messages - strlen(messages) - 2);
        strcat(messages, "\n");
    }
}

Test(config, demo_pipeline_loads)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    dsc_pipeline_t *p = NULL;
    int rc = dsc_pipeline_load(ctx, "pipelines/demo.ini", NULL, "/data", "/tmp/x", &p);
    cr_assert_eq(rc, DSC_OK, "%s", dsc_ctx_message(ctx));
    cr_assert_eq(p->njob, 3);
    cr_assert_str_eq(p->jobs[0].region.name, "frankfurt");
    cr_assert_eq(p->jobs[0].nmodel, 5);
    cr_assert_eq(p->jobs[0].nscen, 4);
    cr_assert_eq(p->jobs[0].nvar, 2);
    cr_assert_eq(p->jobs[0].train.y0, 1951);
    cr_assert_eq(p->jobs[0].valid.y1, 2005);
    cr_assert_eq(p->jobs[0].base.y0, 1990);
    cr_assert_eq(p->jobs[2].region.kind, DSC_REGION_KIND_BOX);
    cr_assert_eq(p->jobs[2].nscen, 0);
    cr_assert_str_eq(p->jobs[1].region.location, "Vancouver");
    cr_assert_str_eq(p->data_root, "/data");
    cr_assert_eq(p->nn.n_hidden, 2);
    cr_assert_eq(p->nn.hidden[1], 8);
    cr_assert_str_eq(p->bc_future.method, "qdm");
    dsc_pipeline_destroy(p);
    dsc_ctx_destroy(ctx);
}

/* One variable of a two-variable pipeline: the other's names (obs_var_tasmin) are not
 * unknown keys, as a region left out of the run is not. */
Test(config, a_variable_left_out_is_not_a_mistake)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    dsc_pipeline_t *p = NULL;
    const char *set[] = {"pipeline.variables=tasmax"};
    int rc = dsc_pipeline_load_overrides(ctx, "pipelines/beijing.ini", NULL, "/data", "/tmp/x",
                                         set, 1, &p);
    cr_assert_eq(rc, DSC_OK, "%s", dsc_ctx_message(ctx));
    cr_assert_eq(p->jobs[0].nvar, 1);
    cr_assert_str_eq(p->jobs[0].obs_var[0], "tmax");
    dsc_pipeline_destroy(p);
    dsc_ctx_destroy(ctx);
}

Test(config, every_problem_reported_with_its_line)
{
    const char *dir = test_tmpdir();
    char pdir[512], rdir[512], path[600], rpath[600];
    snprintf(pdir, sizeof pdir, "%s/pipelines", dir);
    snprintf(rdir, sizeof rdir, "%s/regions", dir);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "mkdir -p %s %s", pdir, rdir);
    cr_assert_eq(test_system(cmd), 0);
    snprintf(rpath, sizeof rpath, "%s/city.ini", rdir);
    test_write_file(rpath, "[region]\nkind = point\nlat = 95\nlon = 10\n");
    snprintf(path, sizeof path, "%s/bad.ini", pdir);
    test_write_file(path, "[pipeline]\n"
                          "name = bad\n"
                          "regions = city\n"
                          "[city]\n"
                          "gcm = x.nc\n"
                          "obs = y.nc\n"
                          "train = 1990-1980\n"
                          "valid = 1961-1990\n"
                          "future = 2006-2100\n"
                          "map_late = 2095-2110\n"
                          "colour = blue\n"
                          "[ann]\n"
                          "epochs = many\n"
                          "[bias_correction]\n"
                          "kind = multiplicative\n"
                          "[output]\n"
                          "hist_bin_width = 1\n"
                          "hist_bin_width = 2\n"
                          "[regrid]\n"
                          "method = cubic\n");
    messages[0] = '\0';
    dsc_ctx_t *ctx = dsc_ctx_create();
    dsc_ctx_set_log(ctx, keep_log, NULL, DSC_LOG_INFO);
    dsc_pipeline_t *p = NULL;
    int rc = dsc_pipeline_load(ctx, path, NULL, NULL, NULL, &p);
    cr_assert_eq(rc, DSC_ERR_CONFIG);
    cr_assert_null(p);
    cr_assert(strstr(messages, "city.ini:3: 'lat = 95'"), "%s", messages);
    cr_assert(strstr(messages, "bad.ini:7: 'train = 1990-1980'"), "%s", messages);
    cr_assert(strstr(messages, "bad.ini:11: unknown key 'colour' in [city]"), "%s", messages);
    cr_assert(strstr(messages, "bad.ini:13: epochs 'many'"), "%s", messages);
    cr_assert(strstr(messages, "bad.ini:15: kind 'multiplicative'"), "%s", messages);
    cr_assert(strstr(messages, "bad.ini:18: 'hist_bin_width' in [output] is given again "
                               "(first at line 17)"), "%s", messages);
    cr_assert(strstr(messages, "bad.ini:20: regrid method 'cubic' is unknown"), "%s", messages);
    cr_assert(strstr(messages, "region city: map_late 2095-2110 is not inside future 2006-2100"),
              "%s", messages);
    cr_assert(strstr(dsc_ctx_message(ctx), "problems, listed above"), "%s",
              dsc_ctx_message(ctx));
    dsc_ctx_destroy(ctx);
}

Test(config, missing_region_file_is_named)
{
    const char *dir = test_tmpdir();
    char path[600];
    snprintf(path, sizeof path, "%s/p.ini", dir);
    test_write_file(path, "[pipeline]\nname = x\nregions = atlantis\n[inputs]\ngcm = a.nc\n"
                          "obs = b.nc\ntrain = 1961-1990\nvalid = 1991-2000\n");
    dsc_ctx_t *ctx = dsc_ctx_create();
    dsc_pipeline_t *p = NULL;
    cr_assert_eq(dsc_pipeline_load(ctx, path, NULL, NULL, NULL, &p), DSC_ERR_CONFIG);
    cr_assert(strstr(dsc_ctx_message(ctx), "atlantis"), "%s", dsc_ctx_message(ctx));
    cr_assert(strstr(dsc_ctx_message(ctx), "cannot open"), "%s", dsc_ctx_message(ctx));
    dsc_ctx_destroy(ctx);
}

Test(config, overlapping_periods_refused)
{
    const char *dir = test_tmpdir();
    char path[600], cmd[1300];
    snprintf(cmd, sizeof cmd, "mkdir -p %s/regions && cp regions/frankfurt.ini %s/regions/",
             dir, dir);
    cr_assert_eq(test_system(cmd), 0);
    snprintf(path, sizeof path, "%s/p.ini", dir);
    test_write_file(path, "[pipeline]\nname = x\nregions = frankfurt\n[inputs]\ngcm = a.nc\n"
                          "obs = b.nc\ntrain = 1961-1990\nvalid = 1981-2000\n");
    char rdir[600];
    snprintf(rdir, sizeof rdir, "%s/regions", dir);
    dsc_ctx_t *ctx = dsc_ctx_create();
    dsc_pipeline_t *p = NULL;
    cr_assert_eq(dsc_pipeline_load(ctx, path, rdir, NULL, NULL, &p), DSC_ERR_CONFIG);
    cr_assert(strstr(dsc_ctx_message(ctx), "overlap"), "%s", dsc_ctx_message(ctx));
    dsc_ctx_destroy(ctx);
}
