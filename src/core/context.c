/* context.c - the context object: last error, log sink, random generator. */
#include "dsc/core.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct dsc_ctx {
    int status;                  /* last error code, DSC_OK when none */
    char message[1024];          /* last error message */
    dsc_log_fn log_fn;           /* log sink; NULL drops every line */
    void *log_user;              /* passed back to log_fn */
    dsc_log_level log_level;     /* most verbose level delivered */
    dsc_rng_t rng;               /* the context's own random stream */
    dsc_progress_fn progress_fn; /* progress sink; NULL = none */
    void *progress_user;
};

dsc_ctx_t *dsc_ctx_create(void)
{
    dsc_ctx_t *ctx = calloc(1, sizeof *ctx);
    if (!ctx)
        return NULL;
    ctx->log_level = DSC_LOG_INFO;
    dsc_rng_seed(&ctx->rng, 1);
    return ctx;
}

void dsc_ctx_destroy(dsc_ctx_t *ctx)
{
    free(ctx);
}

void dsc_ctx_set_log(dsc_ctx_t *ctx, dsc_log_fn fn, void *user, dsc_log_level level)
{
    ctx->log_fn = fn;
    ctx->log_user = user;
    ctx->log_level = level;
}

void dsc_ctx_get_log(const dsc_ctx_t *ctx, dsc_log_fn *fn, void **user, dsc_log_level *level)
{
    *fn = ctx->log_fn;
    *user = ctx->log_user;
    *level = ctx->log_level;
}

void dsc_ctx_set_progress(dsc_ctx_t *ctx, dsc_progress_fn fn, void *user)
{
    ctx->progress_fn = fn;
    ctx->progress_user = user;
}

void dsc_progress(dsc_ctx_t *ctx, const char *what, size_t done, size_t total)
{
    if (ctx && ctx->progress_fn)
        ctx->progress_fn(ctx->progress_user, what, done, total);
}

int dsc_log_enabled(const dsc_ctx_t *ctx, dsc_log_level level)
{
    return ctx && ctx->log_fn && level <= ctx->log_level;
}

void dsc_log(dsc_ctx_t *ctx, dsc_log_level level, const char *module, const char *fmt, ...)
{
    if (!dsc_log_enabled(ctx, level))
        return;
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    ctx->log_fn(ctx->log_user, level, module, line);
}

int dsc_error(dsc_ctx_t *ctx, int code, const char *fmt, ...)
{
    if (!ctx)
        return code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->message, sizeof ctx->message, fmt, ap);
    va_end(ap);
    ctx->status = code;
    return code;
}

const char *dsc_ctx_message(const dsc_ctx_t *ctx)
{
    return ctx ? ctx->message : "";
}

int dsc_ctx_status(const dsc_ctx_t *ctx)
{
    return ctx ? ctx->status : DSC_OK;
}

void dsc_ctx_clear(dsc_ctx_t *ctx)
{
    ctx->status = DSC_OK;
    ctx->message[0] = '\0';
}

const char *dsc_strerror(int code)
{
    switch (code) {
    case DSC_OK:
        return "success";
    case DSC_ERR_NOMEM:
        return "out of memory";
    case DSC_ERR_IO:
        return "input/output error";
    case DSC_ERR_FORMAT:
        return "malformed or non-CF input";
    case DSC_ERR_UNITS:
        return "unknown or unsuitable units";
    case DSC_ERR_RANGE:
        return "no data in the requested range";
    case DSC_ERR_CONFIG:
        return "invalid configuration";
    case DSC_ERR_NUMERIC:
        return "numerical failure";
    case DSC_ERR_USAGE:
        return "invalid arguments";
    case DSC_ERR_INTERNAL:
        return "internal library failure";
    case DSC_ERR_LOCKED:
        return "output directory is locked by another run";
    case DSC_ERR_INTERRUPTED:
        return "interrupted by a signal";
    default:
        return "unknown error";
    }
}

dsc_rng_t *dsc_ctx_rng(dsc_ctx_t *ctx)
{
    return &ctx->rng;
}
