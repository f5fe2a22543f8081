/* nn_io.h - saving a trained network to NetCDF and loading it back.
 *
 * One network per file (netCDF-4), laid out so that `ncdump` reads like a description:
 *   dimensions   input, hidden_1 .. hidden_n, output (the layer sizes), name_length
 *   variables    weight_<l>(<layer l-1>, <layer l>) and bias_<l>(<layer l>) for dense
 *                layers l = 1 .. n + 1 (row i of weight_<l> holds the weights leaving unit
 *                i), doubles; input_mean, input_sd (input) and output_mean, output_sd
 *                (output), the standardisation in the caller's units; input_name(input,
 *                name_length), the predictor columns in input order
 *   attributes   model_format = "downscale mlp 1", layers (sizes, inputs first), the
 *                activation, optimizer, learning_rate, momentum, weight_decay, batch_size,
 *                epochs, patience, seed and rule of dsc_nn_config_t, then best_epoch,
 *                epochs_trained, valid_loss, target, target_units and title from the meta
 * Values are written as doubles, so a loaded network predicts bit for bit like the saved
 * one. What a rule learns besides the weights (the inverse mappings of dtp, the optimiser
 * moments) is not saved: a loaded network predicts exactly, and training it further starts
 * those afresh (feedback-alignment matrices are redrawn identically from the seed).
 */
#ifndef DSC_NN_IO_H
#define DSC_NN_IO_H

#include "dsc/nn.h"

#define DSC_NN_META_MAX_INPUTS 64 /* most input names a meta can carry */
#define DSC_NN_META_NAME 64       /* bytes of one name, terminator included */

/* What a model file says besides the network itself. Zero-initialise, then fill what is
 * known; empty strings and n_input_names == 0 are left out of the file. */
typedef struct {
    size_t n_input_names;  /* 0 (names unknown) or the network's number of inputs */
    char input_names[DSC_NN_META_MAX_INPUTS][DSC_NN_META_NAME]; /* predictor columns, in
                                                                   input order */
    char target[DSC_NN_META_NAME]; /* what the output is, e.g. "tasmax" */
    char target_units[32];         /* units of the output and of output_mean/sd, "degC" */
    char title[256];               /* free text, e.g. "frankfurt tasmax GFDL-ESM2M cell 0" */
    size_t epochs_trained;         /* history.n_epochs; 0 = no history: then neither
                                      best_epoch nor valid_loss is written */
    size_t best_epoch;             /* history.best_epoch, 0-based */
    double valid_loss;             /* validation MSE of the kept weights in standardised
                                      units (history.valid_loss[best_epoch]); NaN = none */
} dsc_nn_meta_t;

/* Writes nn with meta (may be NULL) to path, atomically: a temporary file beside path is
 * renamed onto it when complete, so a failure leaves an existing file untouched.
 * Errors: DSC_ERR_USAGE (NULL nn or path, meta->n_input_names neither 0 nor the network's
 * inputs, a name that does not fit), DSC_ERR_IO naming path (cannot create, write or
 * rename), DSC_ERR_NOMEM. */
int dsc_io_nn_write(dsc_ctx_t *ctx, const char *path, const dsc_nn_t *nn,
                    const dsc_nn_meta_t *meta);

/* Reads a network written by dsc_io_nn_write into a new network (caller owns *out:
 * dsc_nn_destroy) and, when meta is not NULL, its meta (names missing from the file come
 * back empty, valid_loss NaN when absent). The network is rebuilt with dsc_nn_create from
 * the saved settings and given the saved parameters and standardisation.
 * Errors, each a one-line message naming path: DSC_ERR_IO (cannot open), DSC_ERR_FORMAT
 * (not NetCDF, truncated, not a downscale network file, an inconsistent shape or setting,
 * a non-finite value), DSC_ERR_NOMEM. *out is NULL on failure. */
int dsc_io_nn_read(dsc_ctx_t *ctx, const char *path, dsc_nn_t **out, dsc_nn_meta_t *meta);

#endif
