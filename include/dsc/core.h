/* core.h - context, error codes, logging, random numbers and checked allocation.
 *
 * Every library call takes a dsc_ctx_t. On failure a call returns a non-zero dsc_status
 * and leaves a one-line message on the context that names the file (or object) and the
 * cause; the caller reads it with dsc_ctx_message(). The library never prints or exits:
 * log lines go to the callback the program installs.
 */
#ifndef DSC_CORE_H
#define DSC_CORE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define DSC_VERSION "0.1.0"

/* Status codes, grouped by kind. DSC_OK is 0; every other value is a failure. */
typedef enum {
    DSC_OK = 0,
    DSC_ERR_NOMEM = 1,    /* an allocation failed */
    DSC_ERR_IO = 2,       /* a file could not be opened, read or written */
    DSC_ERR_FORMAT = 3,   /* a file is not what it claims: corrupt, non-CF metadata */
    DSC_ERR_UNITS = 4,    /* a unit that is unknown or does not fit the quantity */
    DSC_ERR_RANGE = 5,    /* empty overlap, region outside the grid, no valid data */
    DSC_ERR_CONFIG = 6,   /* an impossible or incomplete setting */
    DSC_ERR_NUMERIC = 7,  /* a numerical failure: singular matrix, divergence */
    DSC_ERR_USAGE = 8,    /* a caller passed arguments that break the contract */
    DSC_ERR_INTERNAL = 9, /* a failure inside a library we call (netCDF, GDAL, BLAS) */
    DSC_ERR_LOCKED = 10,  /* another run holds the output directory */
    DSC_ERR_INTERRUPTED = 11 /* SIGINT or SIGTERM arrived (dsc/interrupt.h) */
} dsc_status;

/* Log levels, most severe first. */
typedef enum {
    DSC_LOG_ERROR = 0,
    DSC_LOG_WARN = 1,
    DSC_LOG_INFO = 2,
    DSC_LOG_DEBUG = 3
} dsc_log_level;

/* Receives one finished log line (no trailing newline). module is a short name such as
 * "io" or "nn". The strings are borrowed for the duration of the call. */
typedef void (*dsc_log_fn)(void *user, dsc_log_level level, const char *module,
                           const char *message);

typedef struct dsc_ctx dsc_ctx_t;

/* Receives progress of long work: what (e.g. "train frankfurt tasmax"), done of total
 * units. Called from the thread that runs the work; keep it cheap. */
typedef void (*dsc_progress_fn)(void *user, const char *what, size_t done, size_t total);

/* Creates a context with no log sink, level INFO, and the random generator seeded with 1.
 * Returns NULL only when memory is exhausted. The caller owns it: dsc_ctx_destroy(). */
dsc_ctx_t *dsc_ctx_create(void);
/* Frees the context; NULL is accepted. */
void dsc_ctx_destroy(dsc_ctx_t *ctx);

/* Installs the log sink and the most verbose level that is still delivered. */
void dsc_ctx_set_log(dsc_ctx_t *ctx, dsc_log_fn fn, void *user, dsc_log_level level);
/* The installed log sink, so a caller can wrap it (e.g. to copy lines to a run log). */
void dsc_ctx_get_log(const dsc_ctx_t *ctx, dsc_log_fn *fn, void **user, dsc_log_level *level);
/* Installs the progress sink (NULL: none). */
void dsc_ctx_set_progress(dsc_ctx_t *ctx, dsc_progress_fn fn, void *user);
/* Reports progress when a sink is installed. */
void dsc_progress(dsc_ctx_t *ctx, const char *what, size_t done, size_t total);
/* True when a message at this level would be delivered (check before costly formatting). */
int dsc_log_enabled(const dsc_ctx_t *ctx, dsc_log_level level);
/* Formats and delivers a log line when the level is enabled. */
void dsc_log(dsc_ctx_t *ctx, dsc_log_level level, const char *module, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Records the message for code on the context and returns code, so that a failing
 * function can end with `return dsc_error(ctx, DSC_ERR_IO, "%s: cannot open", path);`.
 * The message should name the file or object first, then the problem. */
int dsc_error(dsc_ctx_t *ctx, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The last error message; "" when none. Borrowed: valid until the next dsc_error(). */
const char *dsc_ctx_message(const dsc_ctx_t *ctx);
/* The last error code; DSC_OK when none. */
int dsc_ctx_status(const dsc_ctx_t *ctx);
/* Clears the recorded error. */
void dsc_ctx_clear(dsc_ctx_t *ctx);
/* A short text for a status code, e.g. "input/output error". Static storage. */
const char *dsc_strerror(int code);

/* Checked allocation: on failure records DSC_ERR_NOMEM with what on the context and
 * returns NULL. Memory is released with free(). dsc_calloc zero-fills. */
void *dsc_malloc(dsc_ctx_t *ctx, size_t size, const char *what);
void *dsc_calloc(dsc_ctx_t *ctx, size_t count, size_t size, const char *what);
/* An array of n doubles, all NaN. */
double *dsc_nan_array(dsc_ctx_t *ctx, size_t n, const char *what);
/* An array of n floats, all NaN (single precision, for large daily arrays). */
float *dsc_nan_floats(dsc_ctx_t *ctx, size_t n, const char *what);
/* A copy of s (free() it), or NULL with DSC_ERR_NOMEM. */
char *dsc_strdup(dsc_ctx_t *ctx, const char *s);

/* ---- random numbers -------------------------------------------------------------------
 * A small, fast generator (xoshiro256**) whose whole state is this struct, so that every
 * model owns its own stream and results do not depend on thread scheduling. */
typedef struct {
    uint64_t s[4];
} dsc_rng_t;

/* Seeds the generator deterministically from one 64-bit value (splitmix64 expansion). */
void dsc_rng_seed(dsc_rng_t *rng, uint64_t seed);
/* Next raw 64-bit value. */
uint64_t dsc_rng_next(dsc_rng_t *rng);
/* Uniform double in [0, 1). */
double dsc_rng_uniform(dsc_rng_t *rng);
/* Standard normal deviate (Box-Muller, no cached second value so the stream is stateless). */
double dsc_rng_normal(dsc_rng_t *rng);
/* Uniform integer in [0, n), n > 0. */
size_t dsc_rng_index(dsc_rng_t *rng, size_t n);
/* Fisher-Yates shuffle of idx[0..n). */
void dsc_rng_shuffle(dsc_rng_t *rng, size_t *idx, size_t n);

/* The context's own generator, for callers that need one stream (borrowed). */
dsc_rng_t *dsc_ctx_rng(dsc_ctx_t *ctx);

#endif
