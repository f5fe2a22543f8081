/* nn_model.c - a trained network as a NetCDF file (layout in include/dsc/nn_io.h).
 *
 * The file is netCDF-4 rather than the classic model of our data outputs because the seed
 * is a 64-bit unsigned integer, which only the enhanced model stores exactly. Everything is
 * read back through the public accessors of nn.h, so the reader rebuilds the network the
 * way any caller could, and every shape in the file is checked against the layer sizes
 * before a value is read.
 */
#include "dsc/io.h"
#include "dsc/nn_io.h"
#include "nc_write.h"
#include "read_internal.h"

#include <limits.h>
#include <math.h>
#include <netcdf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MODEL_FORMAT "downscale mlp 1"
#define MAX_LEVELS (DSC_NN_MAX_LAYERS + 2) /* inputs, hidden layers, outputs */

/* The name of the units between dense layers: level 0 is the inputs, level n_layers the
 * outputs, the others the hidden layers counted from 1. */
static void level_name(size_t level, size_t n_layers, char *buf, size_t size)
{
    if (level == 0)
        snprintf(buf, size, "input");
    else if (level == n_layers)
        snprintf(buf, size, "output");
    else
        snprintf(buf, size, "hidden_%zu", level);
}

/* ---- writing ------------------------------------------------------------------------- */

/* Everything the writer copies out of the network before the file is opened. */
typedef struct {
    size_t n_layers, n_in, n_out;
    size_t units[MAX_LEVELS];
    double *params, *x_mean, *x_sd, *y_mean, *y_sd;
} snapshot_t;

static void snapshot_free(snapshot_t *s)
{
    free(s->params);
    free(s->x_mean);
    free(s->x_sd);
    free(s->y_mean);
    free(s->y_sd);
}

static int snapshot_take(dsc_ctx_t *ctx, const dsc_nn_t *nn, snapshot_t *s)
{
    size_t np = dsc_nn_n_params(nn);

    memset(s, 0, sizeof *s);
    s->n_layers = dsc_nn_n_layers(nn);
    s->n_in = dsc_nn_n_inputs(nn);
    s->n_out = dsc_nn_n_outputs(nn);
    for (size_t l = 0; l < s->n_layers; l++)
        dsc_nn_layer_shape(ctx, nn, l, &s->units[l], &s->units[l + 1]);
    s->params = dsc_malloc(ctx, np * sizeof(double), "nn model parameters");
    s->x_mean = dsc_malloc(ctx, s->n_in * sizeof(double), "nn model scaling");
    s->x_sd = dsc_malloc(ctx, s->n_in * sizeof(double), "nn model scaling");
    s->y_mean = dsc_malloc(ctx, s->n_out * sizeof(double), "nn model scaling");
    s->y_sd = dsc_malloc(ctx, s->n_out * sizeof(double), "nn model scaling");
    if (!s->params || !s->x_mean || !s->x_sd || !s->y_mean || !s->y_sd)
        return DSC_ERR_NOMEM;
    int rc = dsc_nn_params_get(ctx, nn, s->params, np);
    if (!rc)
        rc = dsc_nn_scaling_get(ctx, nn, s->x_mean, s->x_sd, s->y_mean, s->y_sd);
    return rc;
}

static int check_write(dsc_ctx_t *ctx, const char *path, const dsc_nn_t *nn,
                       const dsc_nn_meta_t *meta)
{
    const dsc_nn_config_t *cfg;

    if (!path || !*path)
        return dsc_error(ctx, DSC_ERR_USAGE, "(empty path): no model file name given");
    if (!nn)
        return dsc_error(ctx, DSC_ERR_USAGE, "%s: no network to write", path);
    cfg = dsc_nn_config(nn);
    if (cfg->batch_size > INT_MAX || cfg->epochs > INT_MAX || cfg->patience > INT_MAX)
        return dsc_error(ctx, DSC_ERR_USAGE, "%s: batch size, epochs or patience beyond %d",
                         path, INT_MAX);
    if (!meta)
        return DSC_OK;
    if (meta->n_input_names != 0 && meta->n_input_names != dsc_nn_n_inputs(nn))
        return dsc_error(ctx, DSC_ERR_USAGE, "%s: %zu input names for a network of %zu "
                         "inputs", path, meta->n_input_names, dsc_nn_n_inputs(nn));
    for (size_t i = 0; i < meta->n_input_names; i++)
        if (!memchr(meta->input_names[i], '\0', DSC_NN_META_NAME) || !meta->input_names[i][0])
            return dsc_error(ctx, DSC_ERR_USAGE, "%s: input name %zu is empty or not "
                             "terminated", path, i);
    if (!memchr(meta->target, '\0', sizeof meta->target) ||
        !memchr(meta->target_units, '\0', sizeof meta->target_units) ||
        !memchr(meta->title, '\0', sizeof meta->title))
        return dsc_error(ctx, DSC_ERR_USAGE, "%s: a meta string is not terminated", path);
    if (meta->best_epoch > INT_MAX || meta->epochs_trained > INT_MAX)
        return dsc_error(ctx, DSC_ERR_USAGE, "%s: epoch counts beyond %d", path, INT_MAX);
    return DSC_OK;
}

static int put_int(int ncid, const char *name, size_t value)
{
    int v = (int)value;
    return nc_put_att_int(ncid, NC_GLOBAL, name, NC_INT, 1, &v);
}

static int put_double(int ncid, const char *name, double value)
{
    return nc_put_att_double(ncid, NC_GLOBAL, name, NC_DOUBLE, 1, &value);
}

static int put_settings(int ncid, const dsc_nn_config_t *cfg, const snapshot_t *s)
{
    int layers[MAX_LEVELS];
    unsigned long long seed = cfg->seed;
    int st;

    for (size_t i = 0; i <= s->n_layers; i++)
        layers[i] = (int)s->units[i];
    st = dsc_io_nc_put_text(ncid, NC_GLOBAL, "model_format", MODEL_FORMAT);
    if (!st)
        st = nc_put_att_int(ncid, NC_GLOBAL, "layers", NC_INT, s->n_layers + 1, layers);
    if (!st)
        st = dsc_io_nc_put_text(ncid, NC_GLOBAL, "activation",
                                dsc_nn_activation_name(cfg->activation));
    if (!st)
        st = dsc_io_nc_put_text(ncid, NC_GLOBAL, "output_activation", "linear");
    if (!st)
        st = dsc_io_nc_put_text(ncid, NC_GLOBAL, "optimizer", cfg->optimizer);
    if (!st)
        st = put_double(ncid, "learning_rate", cfg->learning_rate);
    if (!st)
        st = put_double(ncid, "momentum", cfg->momentum);
    if (!st)
        st = put_double(ncid, "weight_decay", cfg->weight_decay);
    if (!st)
        st = put_int(ncid, "batch_size", cfg->batch_size);
    if (!st)
        st = put_int(ncid, "epochs", cfg->epochs);
    if (!st)
        st = put_int(ncid, "patience", cfg->patience);
    if (!st)
        st = nc_put_att_ulonglong(ncid, NC_GLOBAL, "seed", NC_UINT64, 1, &seed);
    if (!st)
        st = dsc_io_nc_put_text(ncid, NC_GLOBAL, "rule", cfg->rule);
    return st;
}

static int put_meta(int ncid, const dsc_nn_meta_t *meta)
{
    int st = NC_NOERR;

    if (!meta)
        return st;
    if (meta->epochs_trained > 0) {
        st = put_int(ncid, "epochs_trained", meta->epochs_trained);
        if (!st)
            st = put_int(ncid, "best_epoch", meta->best_epoch);
        if (!st && isfinite(meta->valid_loss))
            st = put_double(ncid, "valid_loss", meta->valid_loss);
    }
    if (!st && meta->target[0])
        st = dsc_io_nc_put_text(ncid, NC_GLOBAL, "target", meta->target);
    if (!st && meta->target_units[0])
        st = dsc_io_nc_put_text(ncid, NC_GLOBAL, "target_units", meta->target_units);
    if (!st && meta->title[0])
        st = dsc_io_nc_put_text(ncid, NC_GLOBAL, "title", meta->title);
    return st;
}

static int def_double(int ncid, const char *name, int ndims, const int *dims,
                      const char *long_name, int *varid)
{
    int st = nc_def_var(ncid, name, NC_DOUBLE, ndims, dims, varid);
    if (!st)
        st = dsc_io_nc_put_text(ncid, *varid, "long_name", long_name);
    return st;
}

/* Variable ids of one file: weight and bias per dense layer, scaling, names. */
typedef struct {
    int weight[DSC_NN_MAX_LAYERS + 1], bias[DSC_NN_MAX_LAYERS + 1];
    int x_mean, x_sd, y_mean, y_sd, names;
} vars_t;

static int define_vars(int ncid, const snapshot_t *s, const dsc_nn_meta_t *meta, vars_t *v)
{
    int dim[MAX_LEVELS], name_dim, st = NC_NOERR;
    char name[32], text[160];

    for (size_t i = 0; i <= s->n_layers && !st; i++) {
        level_name(i, s->n_layers, name, sizeof name);
        st = nc_def_dim(ncid, name, s->units[i], &dim[i]);
    }
    for (size_t l = 0; l < s->n_layers && !st; l++) {
        char from[32], to[32];
        level_name(l, s->n_layers, from, sizeof from);
        level_name(l + 1, s->n_layers, to, sizeof to);
        snprintf(name, sizeof name, "weight_%zu", l + 1);
        snprintf(text, sizeof text, "weights from %s (rows) to %s (columns)", from, to);
        st = def_double(ncid, name, 2, &dim[l], text, &v->weight[l]);
        snprintf(name, sizeof name, "bias_%zu", l + 1);
        snprintf(text, sizeof text, "biases of %s", to);
        if (!st)
            st = def_double(ncid, name, 1, &dim[l + 1], text, &v->bias[l]);
    }
    if (!st)
        st = def_double(ncid, "input_mean", 1, &dim[0], "training mean of each input "
                        "(subtracted before the first layer)", &v->x_mean);
    if (!st)
        st = def_double(ncid, "input_sd", 1, &dim[0], "training standard deviation of each "
                        "input (divides it before the first layer)", &v->x_sd);
    if (!st)
        st = def_double(ncid, "output_mean", 1, &dim[s->n_layers], "training mean of the "
                        "target (added to the scaled output)", &v->y_mean);
    if (!st)
        st = def_double(ncid, "output_sd", 1, &dim[s->n_layers], "training standard "
                        "deviation of the target (scales the output)", &v->y_sd);
    if (!st && meta && meta->target_units[0])
        st = dsc_io_nc_put_text(ncid, v->y_mean, "units", meta->target_units);
    if (!st && meta && meta->target_units[0])
        st = dsc_io_nc_put_text(ncid, v->y_sd, "units", meta->target_units);

    v->names = -1;
    if (st || !meta || meta->n_input_names == 0)
        return st;
    size_t longest = 1;
    for (size_t i = 0; i < meta->n_input_names; i++)
        if (strlen(meta->input_names[i]) + 1 > longest)
            longest = strlen(meta->input_names[i]) + 1;
    st = nc_def_dim(ncid, "name_length", longest, &name_dim);
    if (!st) {
        int dims[2] = {dim[0], name_dim};
        st = nc_def_var(ncid, "input_name", NC_CHAR, 2, dims, &v->names);
    }
    if (!st)
        st = dsc_io_nc_put_text(ncid, v->names, "long_name", "predictor of each input");
    return st;
}

static int put_names(int ncid, int varid, const dsc_nn_meta_t *meta)
{
    int dimids[2];
    size_t longest;
    int st = nc_inq_vardimid(ncid, varid, dimids);

    if (!st)
        st = nc_inq_dimlen(ncid, dimids[1], &longest);
    for (size_t i = 0; i < meta->n_input_names && !st; i++) {
        char buf[DSC_NN_META_NAME] = {0};
        size_t start[2] = {i, 0}, count[2] = {1, longest};
        memcpy(buf, meta->input_names[i], strlen(meta->input_names[i]));
        st = nc_put_vara_text(ncid, varid, start, count, buf);
    }
    return st;
}

int dsc_io_nn_write(dsc_ctx_t *ctx, const char *path, const dsc_nn_t *nn,
                    const dsc_nn_meta_t *meta)
{
    snapshot_t s = {0};
    vars_t v;
    char *tmp = NULL;
    int ncid = -1;
    int rc = check_write(ctx, path, nn, meta);

    if (rc)
        return rc;
    rc = snapshot_take(ctx, nn, &s);
    if (rc)
        goto fail;
    /* Not DSC_NC_CLASSIC: the seed needs the enhanced model (see the top of this file). */
    rc = dsc_io_nc_begin(ctx, path, NC_NETCDF4 | NC_CLOBBER, &tmp, &ncid);
    if (rc)
        goto fail;

    DSC_NC_TRY(define_vars(ncid, &s, meta, &v), "defining variables");
    DSC_NC_TRY(put_settings(ncid, dsc_nn_config(nn), &s), "writing the training settings");
    DSC_NC_TRY(put_meta(ncid, meta), "writing the model description");
    DSC_NC_TRY(dsc_io_nc_put_text(ncid, NC_GLOBAL, "comment", "each layer computes f(a W + "
                                  "b) of the layer below; the inputs enter as (x - input_mean)"
                                  " / input_sd, the prediction is the last layer times "
                                  "output_sd plus output_mean"), "writing global attributes");
    DSC_NC_TRY(dsc_io_nc_put_text(ncid, NC_GLOBAL, "software", "downscale " DSC_VERSION),
               "writing global attributes");
    DSC_NC_TRY(nc_enddef(ncid), "ending define mode");

    const double *p = s.params;
    for (size_t l = 0; l < s.n_layers; l++) {
        DSC_NC_TRY(nc_put_var_double(ncid, v.weight[l], p), "writing weights");
        p += s.units[l] * s.units[l + 1];
        DSC_NC_TRY(nc_put_var_double(ncid, v.bias[l], p), "writing biases");
        p += s.units[l + 1];
    }
    DSC_NC_TRY(nc_put_var_double(ncid, v.x_mean, s.x_mean), "writing input_mean");
    DSC_NC_TRY(nc_put_var_double(ncid, v.x_sd, s.x_sd), "writing input_sd");
    DSC_NC_TRY(nc_put_var_double(ncid, v.y_mean, s.y_mean), "writing output_mean");
    DSC_NC_TRY(nc_put_var_double(ncid, v.y_sd, s.y_sd), "writing output_sd");
    if (v.names >= 0)
        DSC_NC_TRY(put_names(ncid, v.names, meta), "writing input_name");

    rc = dsc_io_nc_commit(ctx, path, tmp, &ncid);

fail:
    if (rc)
        dsc_io_nc_discard(ncid, tmp);
    free(tmp);
    snapshot_free(&s);
    return rc;
}

/* ---- reading ------------------------------------------------------------------------- */

/* Records a DSC_ERR_FORMAT naming path, then the problem. */
static int bad_file(dsc_ctx_t *ctx, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int bad_file(dsc_ctx_t *ctx, const char *path, const char *fmt, ...)
{
    char what[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return dsc_error(ctx, DSC_ERR_FORMAT, "%s: %s", path, what);
}

/* A global text attribute into buf (size bytes); "" when absent and optional. */
static int get_text(dsc_ctx_t *ctx, const char *path, int ncid, const char *name, char *buf,
                    size_t size, int required)
{
    nc_type type;
    size_t len;

    buf[0] = '\0';
    if (nc_inq_att(ncid, NC_GLOBAL, name, &type, &len) != NC_NOERR)
        return required ? bad_file(ctx, path, "attribute %s is missing (not a downscale "
                                   "network file?)", name)
                        : DSC_OK;
    if (type != NC_CHAR || len >= size)
        return bad_file(ctx, path, "attribute %s is not text of at most %zu characters", name,
                        size - 1);
    if (nc_get_att_text(ncid, NC_GLOBAL, name, buf) != NC_NOERR)
        return bad_file(ctx, path, "attribute %s cannot be read", name);
    buf[len] = '\0';
    return DSC_OK;
}

/* A global numeric attribute with one value, converted to double (netCDF converts). */
static int get_number(dsc_ctx_t *ctx, const char *path, int ncid, const char *name,
                      double *value, int required)
{
    size_t len;

    if (nc_inq_attlen(ncid, NC_GLOBAL, name, &len) != NC_NOERR) {
        if (!required)
            return DSC_OK;
        return bad_file(ctx, path, "attribute %s is missing", name);
    }
    if (len != 1 || nc_get_att_double(ncid, NC_GLOBAL, name, value) != NC_NOERR ||
        !isfinite(*value))
        return bad_file(ctx, path, "attribute %s is not one finite number", name);
    return DSC_OK;
}

/* A count (batch size, epochs ...): a whole number in [0, INT_MAX]. */
static int get_count(dsc_ctx_t *ctx, const char *path, int ncid, const char *name,
                     size_t *value, int required)
{
    double d = (double)*value;
    int rc = get_number(ctx, path, ncid, name, &d, required);

    if (rc)
        return rc;
    if (d < 0 || d > INT_MAX || d != floor(d))
        return bad_file(ctx, path, "attribute %s = %g is not a count", name, d);
    *value = (size_t)d;
    return DSC_OK;
}

static int get_layers(dsc_ctx_t *ctx, const char *path, int ncid, size_t *units,
                      size_t *n_levels)
{
    int layers[MAX_LEVELS];
    nc_type type;
    size_t len;

    if (nc_inq_att(ncid, NC_GLOBAL, "layers", &type, &len) != NC_NOERR)
        return bad_file(ctx, path, "attribute layers is missing");
    if (type != NC_INT || len < 2 || len > MAX_LEVELS)
        return bad_file(ctx, path, "attribute layers must hold 2 to %d integers", MAX_LEVELS);
    if (nc_get_att_int(ncid, NC_GLOBAL, "layers", layers) != NC_NOERR)
        return bad_file(ctx, path, "attribute layers cannot be read");
    for (size_t i = 0; i < len; i++) {
        if (layers[i] <= 0)
            return bad_file(ctx, path, "attribute layers: size %d is not positive", layers[i]);
        units[i] = (size_t)layers[i];
    }
    *n_levels = len;
    return DSC_OK;
}

static int get_config(dsc_ctx_t *ctx, const char *path, int ncid, const size_t *units,
                      size_t n_levels, dsc_nn_config_t *cfg)
{
    char text[64];
    unsigned long long seed;
    size_t len;
    int rc;

    dsc_nn_config_default(cfg);
    cfg->n_hidden = n_levels - 2;
    for (size_t l = 0; l < cfg->n_hidden; l++)
        cfg->hidden[l] = units[l + 1];
    if ((rc = get_text(ctx, path, ncid, "activation", text, sizeof text, 1)))
        return rc;
    if (dsc_nn_activation_parse(ctx, text, &cfg->activation))
        return bad_file(ctx, path, "activation \"%s\" is unknown", text);
    if ((rc = get_text(ctx, path, ncid, "optimizer", cfg->optimizer, sizeof cfg->optimizer, 1)) ||
        (rc = get_text(ctx, path, ncid, "rule", cfg->rule, sizeof cfg->rule, 1)) ||
        (rc = get_number(ctx, path, ncid, "learning_rate", &cfg->learning_rate, 1)) ||
        (rc = get_number(ctx, path, ncid, "momentum", &cfg->momentum, 0)) ||
        (rc = get_number(ctx, path, ncid, "weight_decay", &cfg->weight_decay, 0)) ||
        (rc = get_count(ctx, path, ncid, "batch_size", &cfg->batch_size, 1)) ||
        (rc = get_count(ctx, path, ncid, "epochs", &cfg->epochs, 1)) ||
        (rc = get_count(ctx, path, ncid, "patience", &cfg->patience, 1)))
        return rc;
    /* Read as an integer: through a double, seeds above 2^53 would be rounded. */
    if (nc_inq_attlen(ncid, NC_GLOBAL, "seed", &len) != NC_NOERR || len != 1 ||
        nc_get_att_ulonglong(ncid, NC_GLOBAL, "seed", &seed) != NC_NOERR)
        return bad_file(ctx, path, "attribute seed is missing or not one unsigned integer");
    cfg->seed = seed;
    return DSC_OK;
}

/* Reads a double variable after checking that its dimensions are exactly `dims`. */
static int get_values(dsc_ctx_t *ctx, const char *path, int ncid, const char *name,
                      int ndims, const size_t *dims, double *out)
{
    int varid, nd, dimids[NC_MAX_VAR_DIMS];
    size_t len;

    if (nc_inq_varid(ncid, name, &varid) != NC_NOERR)
        return bad_file(ctx, path, "variable %s is missing", name);
    if (nc_inq_varndims(ncid, varid, &nd) != NC_NOERR || nd != ndims ||
        nc_inq_vardimid(ncid, varid, dimids) != NC_NOERR)
        return bad_file(ctx, path, "variable %s does not have %d dimension(s)", name, ndims);
    for (int d = 0; d < ndims; d++)
        if (nc_inq_dimlen(ncid, dimids[d], &len) != NC_NOERR || len != dims[d])
            return bad_file(ctx, path, "variable %s: dimension %d has %zu entries, the layer "
                            "sizes say %zu", name, d, len, dims[d]);
    int st = nc_get_var_double(ncid, varid, out);
    if (st != NC_NOERR)
        return bad_file(ctx, path, "reading %s: %s", name, nc_strerror(st));
    return DSC_OK;
}

static int get_params(dsc_ctx_t *ctx, const char *path, int ncid, const size_t *units,
                      size_t n_layers, double *params)
{
    char name[32];
    int rc;

    for (size_t l = 0; l < n_layers; l++) {
        snprintf(name, sizeof name, "weight_%zu", l + 1);
        if ((rc = get_values(ctx, path, ncid, name, 2, &units[l], params)))
            return rc;
        params += units[l] * units[l + 1];
        snprintf(name, sizeof name, "bias_%zu", l + 1);
        if ((rc = get_values(ctx, path, ncid, name, 1, &units[l + 1], params)))
            return rc;
        params += units[l + 1];
    }
    return DSC_OK;
}

static int get_names(dsc_ctx_t *ctx, const char *path, int ncid, size_t n_in,
                     dsc_nn_meta_t *meta)
{
    int varid, nd, dimids[2];
    size_t len, longest;

    if (nc_inq_varid(ncid, "input_name", &varid) != NC_NOERR)
        return DSC_OK;
    if (n_in > DSC_NN_META_MAX_INPUTS)
        return DSC_OK; /* more names than a meta carries: the network is still usable */
    if (nc_inq_varndims(ncid, varid, &nd) != NC_NOERR || nd != 2 ||
        nc_inq_vardimid(ncid, varid, dimids) != NC_NOERR ||
        nc_inq_dimlen(ncid, dimids[0], &len) != NC_NOERR || len != n_in ||
        nc_inq_dimlen(ncid, dimids[1], &longest) != NC_NOERR || longest >= DSC_NN_META_NAME)
        return bad_file(ctx, path, "variable input_name is not (input, name_length) with "
                        "names under %d characters", DSC_NN_META_NAME);
    for (size_t i = 0; i < n_in; i++) {
        size_t start[2] = {i, 0}, count[2] = {1, longest};
        int st = nc_get_vara_text(ncid, varid, start, count, meta->input_names[i]);
        if (st != NC_NOERR)
            return bad_file(ctx, path, "reading input_name: %s", nc_strerror(st));
        meta->input_names[i][longest] = '\0';
    }
    meta->n_input_names = n_in;
    return DSC_OK;
}

static int get_meta(dsc_ctx_t *ctx, const char *path, int ncid, size_t n_in,
                    dsc_nn_meta_t *meta)
{
    int rc;

    memset(meta, 0, sizeof *meta);
    meta->valid_loss = NAN;
    if ((rc = get_count(ctx, path, ncid, "epochs_trained", &meta->epochs_trained, 0)) ||
        (rc = get_count(ctx, path, ncid, "best_epoch", &meta->best_epoch, 0)) ||
        (rc = get_number(ctx, path, ncid, "valid_loss", &meta->valid_loss, 0)) ||
        (rc = get_text(ctx, path, ncid, "target", meta->target, sizeof meta->target, 0)) ||
        (rc = get_text(ctx, path, ncid, "target_units", meta->target_units,
                       sizeof meta->target_units, 0)) ||
        (rc = get_text(ctx, path, ncid, "title", meta->title, sizeof meta->title, 0)))
        return rc;
    return get_names(ctx, path, ncid, n_in, meta);
}

/* Builds the network from the file's settings and shapes, then fills it. */
static int build_network(dsc_ctx_t *ctx, const char *path, int ncid, dsc_nn_t **out)
{
    size_t units[MAX_LEVELS], n_levels = 0, n_in, n_out;
    dsc_nn_config_t cfg;
    double *params = NULL, *scale = NULL;
    dsc_nn_t *nn = NULL;
    int rc;

    if ((rc = get_layers(ctx, path, ncid, units, &n_levels)) ||
        (rc = get_config(ctx, path, ncid, units, n_levels, &cfg)))
        return rc;
    n_in = units[0];
    n_out = units[n_levels - 1];
    if (dsc_nn_create(ctx, n_in, n_out, &cfg, &nn))
        return bad_file(ctx, path, "%s", dsc_ctx_message(ctx));

    rc = DSC_ERR_NOMEM;
    params = dsc_malloc(ctx, dsc_nn_n_params(nn) * sizeof(double), "nn model parameters");
    scale = dsc_malloc(ctx, 2 * (n_in + n_out) * sizeof(double), "nn model scaling");
    if (!params || !scale)
        goto fail;
    if ((rc = get_params(ctx, path, ncid, units, n_levels - 1, params)) ||
        (rc = get_values(ctx, path, ncid, "input_mean", 1, &units[0], scale)) ||
        (rc = get_values(ctx, path, ncid, "input_sd", 1, &units[0], scale + n_in)) ||
        (rc = get_values(ctx, path, ncid, "output_mean", 1, &n_out, scale + 2 * n_in)) ||
        (rc = get_values(ctx, path, ncid, "output_sd", 1, &n_out, scale + 2 * n_in + n_out)))
        goto fail;
    if (dsc_nn_params_set(ctx, nn, params, dsc_nn_n_params(nn)) ||
        dsc_nn_scaling_set(ctx, nn, scale, scale + n_in, scale + 2 * n_in,
                           scale + 2 * n_in + n_out)) {
        rc = bad_file(ctx, path, "%s", dsc_ctx_message(ctx));
        goto fail;
    }
    *out = nn;
    nn = NULL;

fail:
    free(params);
    free(scale);
    dsc_nn_destroy(nn);
    return rc;
}

int dsc_io_nn_read(dsc_ctx_t *ctx, const char *path, dsc_nn_t **out, dsc_nn_meta_t *meta)
{
    char format[64];
    dsc_nn_t *nn = NULL;
    int ncid = -1, rc;

    if (!out)
        return dsc_error(ctx, DSC_ERR_USAGE, "%s: nowhere to put the network",
                         path ? path : "(null)");
    *out = NULL;
    if (!path || !*path)
        return dsc_error(ctx, DSC_ERR_USAGE, "(empty path): no model file name given");
    rc = io_nc_open(ctx, path, &ncid);
    if (rc)
        return rc;

    rc = get_text(ctx, path, ncid, "model_format", format, sizeof format, 1);
    if (!rc && strcmp(format, MODEL_FORMAT) != 0)
        rc = bad_file(ctx, path, "model_format \"%s\" is not \"%s\"", format, MODEL_FORMAT);
    if (!rc)
        rc = build_network(ctx, path, ncid, &nn);
    if (!rc && meta)
        rc = get_meta(ctx, path, ncid, dsc_nn_n_inputs(nn), meta);
    if (rc)
        goto fail;
    int st = nc_close(ncid);
    ncid = -1;
    if (st != NC_NOERR) {
        rc = bad_file(ctx, path, "closing: %s", nc_strerror(st));
        goto fail;
    }
    *out = nn;
    return DSC_OK;

fail:
    if (ncid >= 0)
        nc_close(ncid);
    dsc_nn_destroy(nn);
    return rc;
}
