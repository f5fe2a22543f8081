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

double *dsc_nan_array(dsc_ctx_t *ctx, size_t n, const char *what)
{
    if (n > SIZE_MAX / sizeof(double)) {
        dsc_error(ctx, DSC_ERR_NOMEM, "%s: %zu values is too many", what, n);
        return NULL;
    }
    double *p = dsc_malloc(ctx, n * sizeof *p, what);
    if (p)
        for (size_t i = 0; i < n; i++)
            p[i] = NAN;
    return p;
}

float *dsc_nan_floats(dsc_ctx_t *ctx, size_t n, const char *what)
{
    if (n > SIZE_MAX / sizeof(float)) {
        dsc_error(ctx, DSC_ERR_NOMEM, "%s: %zu values is too many", what, n);
        return NULL;
    }
    float *p = dsc_malloc(ctx, n * sizeof *p, what);
    if (p)
        for (size_t i = 0; i < n; i++)
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
