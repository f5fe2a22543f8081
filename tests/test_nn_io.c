/* test_nn_io.c - saving a trained network to NetCDF and loading it back: identical
 * predictions, the settings and names kept, the file readable with ncdump, damaged or
 * foreign files refused with a one-line message. */
#include <criterion/criterion.h>
#include <math.h>
#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dsc/nn_io.h"
#include "support/support.h"

enum { N = 240, NV = 60, P = 3 };

static double y[N + NV];

/* A smooth 3-input problem and a network of two tanh layers trained on it for a few epochs
 * with early stopping, so that every part of the file (weights, scaling, history) is
 * non-trivial. */
static dsc_nn_t *trained_network(dsc_ctx_t *ctx, uint64_t seed, const char *rule,
                                 double *x, dsc_nn_history_t *hist)
{
    dsc_nn_config_t cfg;
    dsc_nn_t *nn = NULL;

    for (size_t i = 0; i < N + NV; i++) {
        x[P * i] = 280.0 + 10.0 * sin(0.05 * (double)i);
        x[P * i + 1] = sin(0.0172 * (double)i);
        x[P * i + 2] = cos(0.0172 * (double)i);
        y[i] = 0.8 * (x[P * i] - 273.15) + 3.0 * x[P * i + 1] * x[P * i + 2];
    }
    dsc_nn_config_default(&cfg);
    cfg.n_hidden = 2;
    cfg.hidden[0] = 8;
    cfg.hidden[1] = 5;
    cfg.epochs = 30;
    cfg.patience = 5;
    cfg.batch_size = 32;
    cfg.learning_rate = 0.01;
    cfg.weight_decay = 1e-4;
    cfg.seed = seed;
    strcpy(cfg.rule, rule);
    cr_assert_eq(dsc_nn_create(ctx, P, 1, &cfg, &nn), DSC_OK, "%s", dsc_ctx_message(ctx));
    cr_assert_eq(dsc_nn_train(ctx, nn, x, y, N, x + P * N, y + N, NV, hist), DSC_OK, "%s",
                 dsc_ctx_message(ctx));
    return nn;
}

static dsc_nn_meta_t example_meta(const dsc_nn_history_t *hist)
{
    dsc_nn_meta_t meta;
    memset(&meta, 0, sizeof meta);
    meta.n_input_names = P;
    strcpy(meta.input_names[0], "tasmax_model");
    strcpy(meta.input_names[1], "doy_sin");
    strcpy(meta.input_names[2], "doy_cos");
    strcpy(meta.target, "tasmax");
    strcpy(meta.target_units, "degC");
    strcpy(meta.title, "test network");
    meta.epochs_trained = hist->n_epochs;
    meta.best_epoch = hist->best_epoch;
    meta.valid_loss = hist->valid_loss[hist->best_epoch];
    return meta;
}

static char *path_in(const char *dir, const char *name)
{
    static char buf[4][1024];
    static int next;
    char *p = buf[next++ % 4];
    snprintf(p, sizeof buf[0], "%s/%s", dir, name);
    return p;
}

Test(nn_io, save_and_load_predict_bit_for_bit)
{
    static double x[(N + NV) * P], a[N + NV], b[N + NV];
    dsc_ctx_t *ctx = dsc_ctx_create();
    dsc_nn_history_t hist = {0};
    dsc_nn_t *nn = trained_network(ctx, 7, "backprop", x, &hist);
    dsc_nn_meta_t meta = example_meta(&hist), back;
    dsc_nn_t *loaded = NULL;
    const char *path = path_in(test_tmpdir(), "model.nc");

    cr_assert_eq(dsc_io_nn_write(ctx, path, nn, &meta), DSC_OK, "%s", dsc_ctx_message(ctx));
    cr_assert_eq(dsc_io_nn_read(ctx, path, &loaded, &back), DSC_OK, "%s",
                 dsc_ctx_message(ctx));
    cr_assert_eq(dsc_nn_predict(ctx, nn, x, N + NV, a), DSC_OK);
    cr_assert_eq(dsc_nn_predict(ctx, loaded, x, N + NV, b), DSC_OK);
    cr_assert(memcmp(a, b, sizeof a) == 0, "loaded network predicts differently");

    /* Settings and description come back as written. */
    const dsc_nn_config_t *c0 = dsc_nn_config(nn), *c1 = dsc_nn_config(loaded);
    cr_assert_eq(c1->n_hidden, 2);
    cr_assert(c1->hidden[0] == 8 && c1->hidden[1] == 5);
    cr_assert_eq(c1->activation, DSC_ACT_TANH);
    cr_assert_str_eq(c1->optimizer, "adam");
    cr_assert_str_eq(c1->rule, "backprop");
    cr_assert(c1->learning_rate == c0->learning_rate && c1->momentum == c0->momentum &&
              c1->weight_decay == c0->weight_decay);
    cr_assert(c1->batch_size == 32 && c1->epochs == 30 && c1->patience == 5 && c1->seed == 7);
    cr_assert_eq(back.n_input_names, 3);
    cr_assert_str_eq(back.input_names[0], "tasmax_model");
    cr_assert_str_eq(back.input_names[2], "doy_cos");
    cr_assert_str_eq(back.target, "tasmax");
    cr_assert_str_eq(back.target_units, "degC");
    cr_assert_str_eq(back.title, "test network");
    cr_assert_eq(back.epochs_trained, hist.n_epochs);
    cr_assert_eq(back.best_epoch, hist.best_epoch);
    cr_assert(back.valid_loss == meta.valid_loss);

    /* The loaded network reproduces the best epoch's validation loss to the bit. */
    double mse;
    cr_assert_eq(dsc_nn_evaluate(ctx, loaded, x + P * N, y + N, NV, &mse), DSC_OK);
    cr_assert(mse == hist.valid_loss[hist.best_epoch], "%.17g against %.17g", mse,
              hist.valid_loss[hist.best_epoch]);

    dsc_nn_history_clear(&hist);
    dsc_nn_destroy(loaded);
    dsc_nn_destroy(nn);
    dsc_ctx_destroy(ctx);
}

/* ncdump, an independent reader, sees the layout the header promises. */
Test(nn_io, ncdump_shows_the_model)
{
    static double x[(N + NV) * P];
    dsc_ctx_t *ctx = dsc_ctx_create();
    dsc_nn_history_t hist = {0};
    dsc_nn_t *nn = trained_network(ctx, 0xfffffffffffffff1ULL, "dtp", x, &hist);
    dsc_nn_meta_t meta = example_meta(&hist);
    const char *dir = test_tmpdir();
    const char *path = path_in(dir, "model.nc"), *dump = path_in(dir, "model.cdl");
    char cmd[4096], text[16384];

    if (test_system("command -v ncdump > /dev/null") != 0)
        cr_skip_test("ncdump is not installed");
    cr_assert_eq(dsc_io_nn_write(ctx, path, nn, &meta), DSC_OK, "%s", dsc_ctx_message(ctx));
    snprintf(cmd, sizeof cmd, "ncdump -v input_name,output_sd '%s' > '%s'", path, dump);
    cr_assert_eq(test_system(cmd), 0);
    FILE *f = fopen(dump, "r");
    cr_assert_not_null(f);
    size_t len = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[len] = '\0';
    const char *expect[] = {
        "input = 3 ;", "hidden_1 = 8 ;", "hidden_2 = 5 ;", "output = 1 ;",
        "double weight_1(input, hidden_1) ;", "double weight_2(hidden_1, hidden_2) ;",
        "double weight_3(hidden_2, output) ;", "double bias_3(output) ;",
        "double input_mean(input) ;", "char input_name(input, name_length) ;",
        ":model_format = \"downscale mlp 1\" ;", ":layers = 3, 8, 5, 1 ;",
        ":activation = \"tanh\" ;", ":optimizer = \"adam\" ;", ":rule = \"dtp\" ;",
        ":batch_size = 32 ;", ":seed = 18446744073709551601ULL ;", ":target = \"tasmax\" ;",
        "\"tasmax_model\",", "\"doy_sin\",", "\"doy_cos\" ;",
    };
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++)
        cr_assert(strstr(text, expect[i]) != NULL, "ncdump lacks '%s':\n%s", expect[i], text);

    /* The seed above 2^53 survives the round trip exactly. */
    dsc_nn_t *loaded = NULL;
    cr_assert_eq(dsc_io_nn_read(ctx, path, &loaded, NULL), DSC_OK, "%s", dsc_ctx_message(ctx));
    cr_assert(dsc_nn_config(loaded)->seed == 0xfffffffffffffff1ULL);
    dsc_nn_destroy(loaded);
    dsc_nn_history_clear(&hist);
    dsc_nn_destroy(nn);
    dsc_ctx_destroy(ctx);
}

static void assert_one_line_naming(const dsc_ctx_t *ctx, const char *path)
{
    const char *msg = dsc_ctx_message(ctx);
    cr_assert(strncmp(msg, path, strlen(path)) == 0, "message does not name the file: %s",
              msg);
    cr_assert(strchr(msg, '\n') == NULL, "message spans lines: %s", msg);
}

Test(nn_io, damaged_and_foreign_files_are_refused)
{
    static double x[(N + NV) * P];
    static char bytes[1 << 20];
    dsc_ctx_t *ctx = dsc_ctx_create();
    dsc_nn_history_t hist = {0};
    dsc_nn_t *nn = trained_network(ctx, 3, "backprop", x, &hist), *loaded = NULL;
    const char *dir = test_tmpdir();
    const char *path = path_in(dir, "model.nc"), *cut = path_in(dir, "truncated.nc");
    const char *text = path_in(dir, "notes.nc"), *other = path_in(dir, "other.nc");

    /* Truncated to half its length, as by a full disk or an interrupted copy. */
    cr_assert_eq(dsc_io_nn_write(ctx, path, nn, NULL), DSC_OK, "%s", dsc_ctx_message(ctx));
    FILE *f = fopen(path, "rb");
    size_t len = fread(bytes, 1, sizeof bytes, f);
    fclose(f);
    cr_assert(len > 1000 && len < sizeof bytes);
    f = fopen(cut, "wb");
    fwrite(bytes, 1, len / 2, f);
    fclose(f);
    loaded = (dsc_nn_t *)1;
    cr_assert_eq(dsc_io_nn_read(ctx, cut, &loaded, NULL), DSC_ERR_FORMAT);
    cr_assert_null(loaded);
    assert_one_line_naming(ctx, cut);

    /* Not NetCDF at all. */
    f = fopen(text, "w");
    fputs("weights: 1 2 3\n", f);
    fclose(f);
    cr_assert_eq(dsc_io_nn_read(ctx, text, &loaded, NULL), DSC_ERR_FORMAT);
    assert_one_line_naming(ctx, text);

    /* NetCDF, but some other data. */
    int ncid, dim, var;
    double v[2] = {1, 2};
    cr_assert_eq(nc_create(other, NC_NETCDF4 | NC_CLOBBER, &ncid), NC_NOERR);
    nc_def_dim(ncid, "time", 2, &dim);
    nc_def_var(ncid, "tasmax", NC_DOUBLE, 1, &dim, &var);
    nc_enddef(ncid);
    nc_put_var_double(ncid, var, v);
    cr_assert_eq(nc_close(ncid), NC_NOERR);
    cr_assert_eq(dsc_io_nn_read(ctx, other, &loaded, NULL), DSC_ERR_FORMAT);
    assert_one_line_naming(ctx, other);
    cr_assert(strstr(dsc_ctx_message(ctx), "model_format") != NULL, "%s",
              dsc_ctx_message(ctx));

    /* A model file whose weights do not match its layers attribute. */
    cr_assert_eq(nc_open(path, NC_WRITE, &ncid), NC_NOERR);
    int layers[4] = {3, 9, 5, 1};
    nc_redef(ncid);
    nc_put_att_int(ncid, NC_GLOBAL, "layers", NC_INT, 4, layers);
    cr_assert_eq(nc_close(ncid), NC_NOERR);
    cr_assert_eq(dsc_io_nn_read(ctx, path, &loaded, NULL), DSC_ERR_FORMAT);
    assert_one_line_naming(ctx, path);
    cr_assert(strstr(dsc_ctx_message(ctx), "weight_1") != NULL, "%s", dsc_ctx_message(ctx));

    cr_assert_eq(dsc_io_nn_read(ctx, path_in(dir, "missing.nc"), &loaded, NULL), DSC_ERR_IO);
    dsc_nn_history_clear(&hist);
    dsc_nn_destroy(nn);
    dsc_ctx_destroy(ctx);
}

Test(nn_io, writing_is_atomic_and_checked)
{
    static double x[(N + NV) * P];
    dsc_ctx_t *ctx = dsc_ctx_create();
    dsc_nn_history_t hist = {0};
    dsc_nn_t *nn = trained_network(ctx, 5, "backprop", x, &hist), *loaded = NULL;
    dsc_nn_meta_t meta = example_meta(&hist);
    const char *dir = test_tmpdir();
    const char *path = path_in(dir, "model.nc");
    char missing[1100];
    struct stat st;

    meta.n_input_names = 2;
    cr_assert_eq(dsc_io_nn_write(ctx, path, nn, &meta), DSC_ERR_USAGE);
    cr_assert(stat(path, &st) != 0, "a refused write left a file");

    snprintf(missing, sizeof missing, "%s/no/such/dir/model.nc", dir);
    cr_assert_eq(dsc_io_nn_write(ctx, missing, nn, NULL), DSC_ERR_IO);
    assert_one_line_naming(ctx, missing);

    /* Without meta: no names, no history, and still a complete, loadable network. */
    cr_assert_eq(dsc_io_nn_write(ctx, path, nn, NULL), DSC_OK, "%s", dsc_ctx_message(ctx));
    meta.title[0] = 'x';
    cr_assert_eq(dsc_io_nn_read(ctx, path, &loaded, &meta), DSC_OK, "%s",
                 dsc_ctx_message(ctx));
    cr_assert_eq(meta.n_input_names, 0);
    cr_assert_str_eq(meta.title, "");
    cr_assert(isnan(meta.valid_loss));
    cr_assert_eq(dsc_nn_n_params(loaded), dsc_nn_n_params(nn));

    /* Only the model file is left in the folder: no temporary beside it. */
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "test $(ls '%s' | wc -l) -eq 1", dir);
    cr_assert_eq(test_system(cmd), 0, "temporary files left in %s", dir);
    dsc_nn_destroy(loaded);
    dsc_nn_history_clear(&hist);
    dsc_nn_destroy(nn);
    dsc_ctx_destroy(ctx);
}
