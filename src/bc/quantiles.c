/* quantiles.c - quantile nodes of each group, the position of a value among them, and the
 * mapping shared by the quantile methods.
 *
 * Node i of n sits at probability p_i = (i + 0.5) / n and is the type-7 quantile (linear
 * between order statistics) of the group's values. A value is placed among the nodes by
 * binary search and linear interpolation, giving a fractional node index u in [0, n-1];
 * values beyond the first or last node get u = 0 or n-1, which is the constant
 * extrapolation of the correction.
 */
#include "bc_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

static void insertion_sort(double *x, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        double v = x[i];
        size_t j = i;
        while (j > 0 && x[j - 1] > v) {
            x[j] = x[j - 1];
            j--;
        }
        x[j] = v;
    }
}

static double median_of_three(double a, double b, double c)
{
    if (a < b)
        return b < c ? b : (a < c ? c : a);
    return a < c ? a : (b < c ? c : b);
}

/* A quicksort with the comparison inlined: qsort's callback costs more than the rest of a
 * fit. Scans stop on values equal to the pivot so that ties split evenly, and the recursion
 * takes the smaller side, which bounds the stack depth by log2(n). No NaN may be present. */
void bc_sort(double *x, size_t n)
{
    while (n > 16) {
        double pivot = median_of_three(x[0], x[n / 2], x[n - 1]);
        size_t i = 0, j = n - 1;
        for (;;) {
            while (x[i] < pivot)
                i++;
            while (pivot < x[j])
                j--;
            if (i >= j)
                break;
            double t = x[i];
            x[i] = x[j];
            x[j] = t;
            i++;
            j--;
        }
        /* [0, i) holds values <= pivot and [i, n) values >= pivot, both non-empty because
         * the pivot is the median of three of the values. */
        if (i < n - i) {
            bc_sort(x, i);
            x += i;
            n -= i;
        } else {
            bc_sort(x + i, n - i);
            n = i;
        }
    }
    insertion_sort(x, n);
}

void bc_quantile_nodes(const double *sorted, size_t m, size_t nq, double *q)
{
    for (size_t i = 0; i < nq; i++) {
        double h = (double)(m - 1) * ((double)i + 0.5) / (double)nq;
        size_t j = (size_t)h;
        double f = h - (double)j;
        q[i] = j + 1 < m ? sorted[j] + f * (sorted[j + 1] - sorted[j]) : sorted[m - 1];
        /* Rounding in the interpolation may step back by an ulp; the search needs order. */
        if (i > 0 && q[i] < q[i - 1])
            q[i] = q[i - 1];
    }
}

int bc_group_quantiles(dsc_ctx_t *ctx, const bc_buckets_t *b, size_t half, size_t nq, double *q)
{
    bc_window_t w;
    int rc = bc_window_init(ctx, &w, b, half);
    if (rc != DSC_OK)
        return rc;
    for (size_t g = 0; g < b->npos; g++) {
        if (g > 0)
            bc_window_advance(&w);
        double *row = q + g * nq;
        if (w.size == 0) {
            for (size_t i = 0; i < nq; i++)
                row[i] = NAN;
        } else {
            bc_quantile_nodes(w.cur, w.size, nq, row);
        }
    }
    bc_window_free(&w);
    return DSC_OK;
}

int bc_fit_quantiles(dsc_ctx_t *ctx, dsc_bc_t *bc, const bc_buckets_t *ref,
                     const bc_buckets_t *hist)
{
    size_t nq = bc->cfg.nquantiles;
    if (nq > SIZE_MAX / sizeof(double) / bc->ngroups)
        return dsc_error(ctx, DSC_ERR_CONFIG, "bias correction nquantiles %zu: too many", nq);
    bc->nq = nq;
    bc->ref_q = dsc_malloc(ctx, bc->ngroups * nq * sizeof *bc->ref_q, "bias correction");
    bc->hist_q = dsc_malloc(ctx, bc->ngroups * nq * sizeof *bc->hist_q, "bias correction");
    if (!bc->ref_q || !bc->hist_q)
        return DSC_ERR_NOMEM;

    int rc = bc_group_quantiles(ctx, ref, bc->half, nq, bc->ref_q);
    if (rc == DSC_OK)
        rc = bc_group_quantiles(ctx, hist, bc->half, nq, bc->hist_q);
    return rc;
}

/* First index whose node is >= x (after_equal = 0) or > x (after_equal = 1). */
static size_t node_search(const double *q, size_t nq, double x, int after_equal)
{
    size_t lo = 0, hi = nq;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (q[mid] < x || (after_equal && q[mid] == x))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

double bc_node_position(const double *q, size_t nq, double x)
{
    size_t lo = node_search(q, nq, x, 0);
    if (lo == nq)
        return (double)(nq - 1);
    if (q[lo] == x) {
        /* Tied nodes (a discrete or rounded variable): take the middle of the run, so the
         * correction there is the average over the tie rather than its first member. */
        size_t hi = node_search(q, nq, x, 1);
        return 0.5 * (double)(lo + hi - 1);
    }
    if (lo == 0)
        return 0.0;
    return (double)(lo - 1) + (x - q[lo - 1]) / (q[lo] - q[lo - 1]);
}

double bc_node_interp(const double *v, size_t nq, double u)
{
    size_t j = (size_t)u;
    if (j + 1 >= nq)
        return v[nq - 1];
    double f = u - (double)j;
    return v[j] + f * (v[j + 1] - v[j]);
}

/* x moved by the ref - hist difference at the position x has among sim's nodes: with
 * sim_q = hist_q this is EQM, with the simulated period's own nodes it is QDM (the additive
 * form of Cannon et al. 2015, x - F_hist^-1(tau) being the model's change at tau). */
double bc_quantile_map(const double *ref_q, const double *hist_q, const double *sim_q, size_t nq,
                       double x)
{
    double u = bc_node_position(sim_q, nq, x);
    return bc_node_interp(ref_q, nq, u) + (x - bc_node_interp(hist_q, nq, u));
}
