/* alloc.c - checked allocation that reports through the context. */
#include "dsc/core.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void *dsc_malloc(dsc_ctx_t *ctx, size_t size, const char *what)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        dsc_error(ctx, DSC_ERR_NOMEM, "%s: out of memory (%zu bytes)", what, size);
    return p;
}

void *dsc_calloc(dsc_ctx_t *ctx, size_t count, size_t size, const char *what)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        dsc_error(ctx, DSC_ERR_NOMEM, "%s: out of memory (%zu x %zu bytes)", what, count, size);
    return p;
}

/* n elements of size bytes, refusing a count whose byte size would overflow. */
static void *alloc_array(dsc_ctx_t *ctx, size_t n, size_t size, const char *what)
{
    if (n > SIZE_MAX / size) {
        dsc_error(ctx, DSC_ERR_NOMEM, "%s: %zu values is too many", what, n);
        return NULL;
    }
    return dsc_malloc(ctx, n * size, what);
}

double *dsc_nan_array(dsc_ctx_t *ctx, size_t n, const char *what)
{
    double *p = alloc_array(ctx, n, sizeof *p, what);
    for (size_t i = 0; p && i < n; i++)
        p[i] = NAN;
    return p;
}

float *dsc_nan_floats(dsc_ctx_t *ctx, size_t n, const char *what)
{
    float *p = alloc_array(ctx, n, sizeof *p, what);
    for (size_t i = 0; p && i < n; i++)
        p[i] = NAN;
    return p;
}

char *dsc_strdup(dsc_ctx_t *ctx, const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = dsc_malloc(ctx, n, "string copy");
    if (p)
        memcpy(p, s, n);
    return p;
}
