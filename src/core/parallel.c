/* parallel.c - MPI when built with DSC_MPI (make MPI=1), else one process. */
#include "dsc/parallel.h"

#include <math.h>

#ifdef DSC_MPI
#include <mpi.h>

/* "The finite one wins": the reduction behind dsc_par_merge_finite. Each entry is finite on
 * at most one process, so the order of the reduction does not matter. */
static void first_finite(void *in, void *inout, int *len, MPI_Datatype *type)
{
    (void)type;
    float *a = in, *b = inout;
    for (int i = 0; i < *len; i++)
        if (!isfinite(b[i]) && isfinite(a[i]))
            b[i] = a[i];
}

int dsc_par_init(int *argc, char ***argv)
{
    return MPI_Init(argc, argv) == MPI_SUCCESS ? 0 : -1;
}

void dsc_par_finalize(void)
{
    MPI_Finalize();
}

int dsc_par_rank(void)
{
    int r = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}

int dsc_par_size(void)
{
    int n = 1;
    MPI_Comm_size(MPI_COMM_WORLD, &n);
    return n;
}

void dsc_par_barrier(void)
{
    MPI_Barrier(MPI_COMM_WORLD);
}

int dsc_par_agree(int status)
{
    int worst = status;
    MPI_Allreduce(&status, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return worst;
}

void dsc_par_merge_finite(float *v, size_t n)
{
    MPI_Op op;
    MPI_Op_create(first_finite, 1, &op);
    /* MPI counts are ints: large arrays go in slices. */
    const size_t slice = (size_t)1 << 28;
    for (size_t i = 0; i < n; i += slice) {
        int k = (int)(n - i < slice ? n - i : slice);
        MPI_Allreduce(MPI_IN_PLACE, v + i, k, MPI_FLOAT, op, MPI_COMM_WORLD);
    }
    MPI_Op_free(&op);
}

void dsc_par_sum(size_t *v, size_t n)
{
    MPI_Allreduce(MPI_IN_PLACE, v, (int)n, MPI_UNSIGNED_LONG, MPI_SUM, MPI_COMM_WORLD);
}

#else

int dsc_par_init(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

void dsc_par_finalize(void)
{
}

int dsc_par_rank(void)
{
    return 0;
}

int dsc_par_size(void)
{
    return 1;
}

void dsc_par_barrier(void)
{
}

int dsc_par_agree(int status)
{
    return status;
}

void dsc_par_merge_finite(float *v, size_t n)
{
    (void)v;
    (void)n;
}

void dsc_par_sum(size_t *v, size_t n)
{
    (void)v;
    (void)n;
}

#endif
