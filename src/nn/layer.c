/* layer.c - one dense layer, forward and backward, a whole batch per BLAS call.
 *
 * With the batch as a rows x units matrix, the forward pass is Z = H W + 1 b^T and the
 * gradients are dW = H^T D, db = D^T 1 and dH = D W^T (D = dLoss/dZ), so each costs one
 * dgemm or dgemv whatever the batch size.
 */
#include <string.h>

#include "dsc/blas.h"
#include "internal.h"

int dsc_nn_layer_forward(dsc_ctx_t *ctx, const dsc_nn_layer_t *layer, const double *params,
                         const double *in, size_t rows, double *out)
{
    const double *weight = params + layer->offset;
    const double *bias = weight + layer->n_in * layer->n_out;
    int rc;

    /* Seeding the output with the bias lets dgemm add H W on top (beta = 1). */
    for (size_t r = 0; r < rows; r++)
        memcpy(out + r * layer->n_out, bias, layer->n_out * sizeof *out);
    rc = dsc_blas_dgemm(ctx, "nn layer forward", DSC_BLAS_PLAIN, DSC_BLAS_PLAIN, rows,
                        layer->n_out, layer->n_in, 1.0, in, layer->n_in, weight, layer->n_out,
                        1.0, out, layer->n_out);
    if (rc)
        return rc;
    layer->act->forward(out, rows * layer->n_out);
    return DSC_OK;
}

int dsc_nn_layer_backward(dsc_ctx_t *ctx, const dsc_nn_layer_t *layer, const double *in,
                          const double *delta, size_t rows, const double *back, double *grad,
                          const double *ones, double *delta_in)
{
    double *grad_weight = grad + layer->offset;
    double *grad_bias = grad_weight + layer->n_in * layer->n_out;
    int rc;

    rc = dsc_blas_dgemm(ctx, "nn layer weight gradient", DSC_BLAS_TRANSPOSED, DSC_BLAS_PLAIN,
                        layer->n_in, layer->n_out, rows, 1.0, in, layer->n_in, delta,
                        layer->n_out, 0.0, grad_weight, layer->n_out);
    if (rc)
        return rc;
    rc = dsc_blas_dgemv(ctx, "nn layer bias gradient", DSC_BLAS_TRANSPOSED, rows, layer->n_out,
                        1.0, delta, layer->n_out, ones, 0.0, grad_bias);
    if (rc)
        return rc;
    if (!delta_in)
        return DSC_OK;
    return dsc_blas_dgemm(ctx, "nn layer backward", DSC_BLAS_PLAIN, DSC_BLAS_TRANSPOSED, rows,
                          layer->n_in, layer->n_out, 1.0, delta, layer->n_out, back,
                          layer->n_out, 0.0, delta_in, layer->n_in);
}
