/* blas.c - the checked boundary between the library and OpenBLAS / LAPACKE.
 *
 * CBLAS has no way to return an error: a bad leading dimension makes the reference
 * implementation print to stderr and OpenBLAS silently read the wrong elements. The checks
 * below are cheap next to any product worth calling BLAS for, so they run on every call.
 */
#include "dsc/blas.h"

#include <cblas.h>
#include <lapacke.h>
#include <stdlib.h>

/* Largest value a BLAS or LAPACK integer can hold; both are 32 or 64 bits by build. */
#define INT_LIMIT(type)                                                                            \
    (sizeof(type) >= sizeof(size_t) ? SIZE_MAX / 2 : ((size_t)1 << (8 * sizeof(type) - 1)) - 1)

static size_t max1(size_t v)
{
    return v ? v : 1;
}

/* Checks one stored matrix of rows x cols with leading dimension ld. */
static int check_matrix(dsc_ctx_t *ctx, const char *what, const char *name, const double *p,
                        size_t rows, size_t cols, size_t ld, size_t limit)
{
    if (rows > limit || cols > limit || ld > limit)
        return dsc_error(ctx, DSC_ERR_USAGE,
                         "%s: %s of %zu x %zu (ld %zu) exceeds the BLAS "
                         "integer range",
                         what, name, rows, cols, ld);
    if (ld < max1(cols))
        return dsc_error(ctx, DSC_ERR_USAGE,
                         "%s: %s is %zu x %zu but its leading dimension "
                         "is %zu (needs >= %zu)",
                         what, name, rows, cols, ld, max1(cols));
    if (!p && rows > 0 && cols > 0)
        return dsc_error(ctx, DSC_ERR_USAGE, "%s: %s is NULL", what, name);
    return DSC_OK;
}

static CBLAS_TRANSPOSE cblas_op(dsc_blas_op op)
{
    return op == DSC_BLAS_TRANSPOSED ? CblasTrans : CblasNoTrans;
}

int dsc_blas_dgemm(dsc_ctx_t *ctx, const char *what, dsc_blas_op op_a, dsc_blas_op op_b, size_t m,
                   size_t n, size_t k, double alpha, const double *a, size_t lda, const double *b,
                   size_t ldb, double beta, double *c, size_t ldc)
{
    const size_t limit = INT_LIMIT(blasint);
    int transposed_a = op_a == DSC_BLAS_TRANSPOSED;
    int transposed_b = op_b == DSC_BLAS_TRANSPOSED;
    int rc;

    /* Shapes as stored, which is what the leading dimensions refer to. */
    rc = check_matrix(ctx, what, "A", a, transposed_a ? k : m, transposed_a ? m : k, lda, limit);
    if (rc)
        return rc;
    rc = check_matrix(ctx, what, "B", b, transposed_b ? n : k, transposed_b ? k : n, ldb, limit);
    if (rc)
        return rc;
    rc = check_matrix(ctx, what, "C", c, m, n, ldc, limit);
    if (rc)
        return rc;
    if (m == 0 || n == 0)
        return DSC_OK;

    cblas_dgemm(CblasRowMajor, cblas_op(op_a), cblas_op(op_b), (blasint)m, (blasint)n, (blasint)k,
                alpha, a, (blasint)lda, b, (blasint)ldb, beta, c, (blasint)ldc);
    return DSC_OK;
}

int dsc_blas_dgemv(dsc_ctx_t *ctx, const char *what, dsc_blas_op op_a, size_t m, size_t n,
                   double alpha, const double *a, size_t lda, const double *x, double beta,
                   double *y)
{
    const size_t limit = INT_LIMIT(blasint);
    size_t nx = op_a == DSC_BLAS_TRANSPOSED ? m : n;
    size_t ny = op_a == DSC_BLAS_TRANSPOSED ? n : m;
    int rc;

    rc = check_matrix(ctx, what, "A", a, m, n, lda, limit);
    if (rc)
        return rc;
    rc = check_matrix(ctx, what, "x", x, nx, 1, 1, limit);
    if (rc)
        return rc;
    rc = check_matrix(ctx, what, "y", y, ny, 1, 1, limit);
    if (rc)
        return rc;
    if (ny == 0)
        return DSC_OK;
    if (nx == 0) {
        /* BLAS returns early here and leaves y untouched; the definition says y = beta y. */
        for (size_t i = 0; i < ny; i++)
            y[i] = beta == 0.0 ? 0.0 : beta * y[i];
        return DSC_OK;
    }

    cblas_dgemv(CblasRowMajor, cblas_op(op_a), (blasint)m, (blasint)n, alpha, a, (blasint)lda, x, 1,
                beta, y, 1);
    return DSC_OK;
}

int dsc_lapack_lstsq(dsc_ctx_t *ctx, const char *what, size_t m, size_t n, size_t nrhs, double *a,
                     size_t lda, double *y, size_t ldy, double rcond, size_t *rank, double *s)
{
    const size_t limit = INT_LIMIT(lapack_int);
    size_t rows_y = m > n ? m : n;
    double *s_own = NULL;
    lapack_int info, rank_out = 0;
    int rc;

    rc = check_matrix(ctx, what, "A", a, m, n, lda, limit);
    if (rc)
        return rc;
    rc = check_matrix(ctx, what, "Y", y, rows_y, nrhs, ldy, limit);
    if (rc)
        return rc;
    if (m == 0 || n == 0 || nrhs == 0)
        return dsc_error(ctx, DSC_ERR_USAGE,
                         "%s: empty least-squares problem (%zu x %zu, "
                         "%zu right-hand sides)",
                         what, m, n, nrhs);

    if (!s) {
        s_own = dsc_malloc(ctx, (m < n ? m : n) * sizeof *s_own, what);
        if (!s_own)
            return DSC_ERR_NOMEM;
        s = s_own;
    }
    info = LAPACKE_dgelsd(LAPACK_ROW_MAJOR, (lapack_int)m, (lapack_int)n, (lapack_int)nrhs, a,
                          (lapack_int)lda, y, (lapack_int)ldy, s, rcond, &rank_out);
    free(s_own);

    if (info == LAPACK_WORK_MEMORY_ERROR || info == LAPACK_TRANSPOSE_MEMORY_ERROR)
        return dsc_error(ctx, DSC_ERR_NOMEM,
                         "%s: LAPACKE_dgelsd could not allocate its "
                         "workspace",
                         what);
    if (info < 0)
        return dsc_error(ctx, DSC_ERR_INTERNAL,
                         "%s: LAPACKE_dgelsd rejected argument %d "
                         "(a NaN in the data, or a shape error)",
                         what, (int)-info);
    if (info > 0)
        return dsc_error(ctx, DSC_ERR_NUMERIC,
                         "%s: the SVD did not converge (%d "
                         "off-diagonal elements left)",
                         what, (int)info);
    if (rank)
        *rank = (size_t)rank_out;
    return DSC_OK;
}
