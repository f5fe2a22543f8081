/* links.c - weights in other cell orders: built from a list of links (a SCRIP file) and
 * renumbered between the order of a grid in memory and the order of a file. */
#include "regrid_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Sizes the entry arrays of a fresh weight set for n entries. */
static int reserve(dsc_ctx_t *ctx, dsc_regrid_weights_t *w, size_t n)
{
    size_t cap = n ? n : 1;
    w->cell = dsc_malloc(ctx, cap * sizeof *w->cell, "regrid weight cells");
    w->weight = w->cell ? dsc_malloc(ctx, cap * sizeof *w->weight, "regrid weights") : NULL;
    if (!w->weight)
        return DSC_ERR_NOMEM;
    w->cap = cap;
    return DSC_OK;
}

static int check_links(dsc_ctx_t *ctx, const char *method, size_t nsrc, size_t ndst,
                       size_t nlinks, const size_t *src_cell, const size_t *dst_cell,
                       const double *weight)
{
    for (size_t k = 0; k < nlinks; k++) {
        if (src_cell[k] >= nsrc || dst_cell[k] >= ndst)
            return dsc_error(ctx, DSC_ERR_FORMAT,
                             "%s weights: link %zu joins source cell %zu to target cell %zu, "
                             "outside the %zu source and %zu target cells",
                             method, k, src_cell[k], dst_cell[k], nsrc, ndst);
        if (!isfinite(weight[k]))
            return dsc_error(ctx, DSC_ERR_FORMAT, "%s weights: link %zu has weight %g", method,
                             k, weight[k]);
    }
    return DSC_OK;
}

int dsc_regrid_weights_from_arrays(dsc_ctx_t *ctx, const char *method, size_t nsrc,
                                   size_t ndst, size_t nlinks, const size_t *src_cell,
                                   const size_t *dst_cell, const double *weight,
                                   dsc_regrid_weights_t **out)
{
    dsc_regrid_weights_t *w = NULL;
    size_t *next = NULL;
    int rc;

    *out = NULL;
    if (!method)
        method = "file";
    if (!nsrc || !ndst)
        return dsc_error(ctx, DSC_ERR_USAGE, "%s weights: %zu source and %zu target cells",
                         method, nsrc, ndst);
    if ((rc = check_links(ctx, method, nsrc, ndst, nlinks, src_cell, dst_cell, weight)))
        return rc;
    w = dsc_regrid_weights_alloc(ctx, method, nsrc, ndst);
    next = dsc_malloc(ctx, ndst * sizeof *next, "regrid link cursor");
    if (!w || !next || reserve(ctx, w, nlinks)) {
        rc = DSC_ERR_NOMEM;
        goto fail;
    }

    /* A counting sort by target keeps the links of one target in file order. */
    for (size_t k = 0; k < nlinks; k++)
        w->start[dst_cell[k] + 1]++;
    for (size_t j = 0; j < ndst; j++) {
        w->start[j + 1] += w->start[j];
        next[j] = w->start[j];
    }
    for (size_t k = 0; k < nlinks; k++) {
        size_t e = next[dst_cell[k]]++;
        w->cell[e] = src_cell[k];
        w->weight[e] = weight[k];
    }
    free(next);
    *out = w;
    return DSC_OK;
fail:
    free(next);
    dsc_regrid_weights_destroy(w);
    return rc;
}

static int check_maps(dsc_ctx_t *ctx, const dsc_regrid_weights_t *w, size_t nsrc,
                      const size_t *src_map, size_t ndst, const size_t *dst_from)
{
    if (!nsrc || !ndst || (!src_map && nsrc < w->nsrc) || (!dst_from && ndst != w->ndst))
        return dsc_error(ctx, DSC_ERR_USAGE,
                         "%s weights: cannot renumber %zu x %zu cells into %zu x %zu",
                         w->method, w->nsrc, w->ndst, nsrc, ndst);
    for (size_t i = 0; src_map && i < w->nsrc; i++)
        if (src_map[i] != DSC_REGRID_NO_CELL && src_map[i] >= nsrc)
            return dsc_error(ctx, DSC_ERR_USAGE,
                             "%s weights: source cell %zu is mapped to %zu, past %zu cells",
                             w->method, i, src_map[i], nsrc);
    for (size_t k = 0; dst_from && k < ndst; k++)
        if (dst_from[k] != DSC_REGRID_NO_CELL && dst_from[k] >= w->ndst)
            return dsc_error(ctx, DSC_ERR_USAGE,
                             "%s weights: target %zu takes target %zu, past %zu targets",
                             w->method, k, dst_from[k], w->ndst);
    return DSC_OK;
}

int dsc_regrid_weights_reorder(dsc_ctx_t *ctx, const dsc_regrid_weights_t *w, size_t nsrc,
                               const size_t *src_map, size_t ndst, const size_t *dst_from,
                               dsc_regrid_weights_t **out)
{
    dsc_regrid_weights_t *r = NULL;
    size_t total = 0;
    int rc;

    *out = NULL;
    if ((rc = check_maps(ctx, w, nsrc, src_map, ndst, dst_from)))
        return rc;
    r = dsc_regrid_weights_alloc(ctx, w->method, nsrc, ndst);
    if (!r)
        return DSC_ERR_NOMEM;

    /* Two passes: count the entries each new target keeps, then copy them. */
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1 && reserve(ctx, r, total)) {
            rc = DSC_ERR_NOMEM;
            goto fail;
        }
        size_t n = 0;
        for (size_t k = 0; k < ndst; k++) {
            size_t j = dst_from ? dst_from[k] : k, e0 = 0, e1 = 0;
            if (j != DSC_REGRID_NO_CELL) {
                e0 = w->start[j];
                e1 = w->start[j + 1];
            }
            for (size_t e = e0; e < e1; e++) {
                size_t c = src_map ? src_map[w->cell[e]] : w->cell[e];
                if (c == DSC_REGRID_NO_CELL)
                    continue;
                if (pass == 1) {
                    r->cell[n] = c;
                    r->weight[n] = w->weight[e];
                }
                n++;
            }
            r->start[k + 1] = n;
        }
        total = n;
    }
    *out = r;
    return DSC_OK;
fail:
    dsc_regrid_weights_destroy(r);
    return rc;
}
