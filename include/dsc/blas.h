/* blas.h - checked wrappers around the few OpenBLAS and LAPACKE calls the library makes.
 *
 * CBLAS reports nothing when it is handed a wrong dimension or leading dimension (it may
 * print to stderr and carry on, or read past an array), so every call in the library goes
 * through these functions. They check that the sizes fit the BLAS integer type, that the
 * leading dimensions are large enough for the stored shape and that non-empty operands are
 * not NULL; on a violation they return DSC_ERR_USAGE with a message that starts with `what`
 * (the caller's name for the object, e.g. "nn layer 2 forward").
 *
 * All matrices are row-major. A leading dimension is the distance, in doubles, between the
 * starts of two consecutive stored rows. Nothing here changes global state (the OpenBLAS
 * thread count is left to the program).
 */
#ifndef DSC_BLAS_H
#define DSC_BLAS_H

#include "dsc/core.h"

/* Whether an operand is used as stored or transposed. */
typedef enum {
    DSC_BLAS_PLAIN = 0,
    DSC_BLAS_TRANSPOSED = 1
} dsc_blas_op;

/* C = alpha * op(A) * op(B) + beta * C.
 * op(A) is m x k and op(B) is k x n; C is m x n with leading dimension ldc >= n.
 * A is stored m x k (lda >= k) when op_a is PLAIN, k x m (lda >= m) when TRANSPOSED;
 * likewise B is stored k x n (ldb >= n) or n x k (ldb >= k). C is written in place and must
 * not overlap A or B. With beta == 0 the old contents of C are ignored (may be NaN).
 * Errors: DSC_ERR_USAGE (dimensions, leading dimensions, NULL operands). */
int dsc_blas_dgemm(dsc_ctx_t *ctx, const char *what, dsc_blas_op op_a, dsc_blas_op op_b,
                   size_t m, size_t n, size_t k, double alpha, const double *a, size_t lda,
                   const double *b, size_t ldb, double beta, double *c, size_t ldc);

/* y = alpha * op(A) * x + beta * y, with A stored m x n (lda >= n).
 * PLAIN: x has n entries and y has m; TRANSPOSED: x has m entries and y has n. Unit strides.
 * Errors: DSC_ERR_USAGE. */
int dsc_blas_dgemv(dsc_ctx_t *ctx, const char *what, dsc_blas_op op_a, size_t m, size_t n,
                   double alpha, const double *a, size_t lda, const double *x, double beta,
                   double *y);

/* Minimum-norm least squares min |A b - Y| by the SVD (LAPACKE_dgelsd).
 * A is m x n (lda >= n) and is destroyed. Y is max(m, n) x nrhs (ldy >= nrhs): on entry its
 * first m rows hold the right-hand sides, on return its first n rows hold the solutions.
 * Singular values below rcond * (largest singular value) count as zero; *rank receives the
 * resulting numerical rank (may be NULL). s, if not NULL, receives min(m, n) singular values
 * in decreasing order.
 * Errors: DSC_ERR_USAGE (shapes), DSC_ERR_NUMERIC (the SVD did not converge),
 * DSC_ERR_NOMEM / DSC_ERR_INTERNAL (LAPACKE could not allocate or rejected an argument,
 * e.g. a NaN in A or Y). */
int dsc_lapack_lstsq(dsc_ctx_t *ctx, const char *what, size_t m, size_t n, size_t nrhs,
                     double *a, size_t lda, double *y, size_t ldy, double rcond, size_t *rank,
                     double *s);

#endif
