/* common.c - logging to the terminal, the commands' context and exit codes. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/commands.h"

int dsc_cli_exit_code(int status)
{
    switch (status) {
    case DSC_OK:
        return DSC_EXIT_OK;
    case DSC_ERR_IO:
    case DSC_ERR_FORMAT:
    case DSC_ERR_UNITS:
    case DSC_ERR_RANGE:
    case DSC_ERR_CONFIG:
    case DSC_ERR_USAGE:
        return DSC_EXIT_USAGE;
    case DSC_ERR_LOCKED:
        return DSC_EXIT_LOCKED;
    case DSC_ERR_INTERRUPTED:
        return DSC_EXIT_INTERRUPTED;
    default:
        return DSC_EXIT_INTERNAL;
    }
}

/* A one-line bar redrawn in place, at most ten times a second. */
void dsc_cli_progress(void *user, const char *what, size_t done, size_t total)
{
    static struct timespec last;
    (void)user;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double dt = (double)(now.tv_sec - last.tv_sec) + 1e-9 * (double)(now.tv_nsec - last.tv_nsec);
    if (done < total && dt < 0.1)
        return;
    last = now;
    int width = 30, fill = total ? (int)((double)width * (double)done / (double)total) : width;
    char bar[64];
    memset(bar, '#', (size_t)fill);
    memset(bar + fill, ' ', (size_t)(width - fill));
    bar[width] = '\0';
    fprintf(stderr, "\r%-48.48s [%s] %3d%%", what, bar,
            total ? (int)(100.0 * (double)done / (double)total) : 100);
    if (done >= total)
        fputs("\r\033[K", stderr); /* clear the line: the log line that follows says it */
    fflush(stderr);
}

int dsc_cli_wants_progress(dsc_log_level level)
{
    return isatty(STDERR_FILENO) && level >= DSC_LOG_INFO;
}

void dsc_cli_log(void *user, dsc_log_level level, const char *module, const char *message)
{
    static const char *const names[] = {"error", "warning", "info", "debug"};
    (void)user;
    fprintf(stderr, "downscale: %s %s: %s\n", names[level], module, message);
}

/* The error line, then for a configuration error a hint on where the settings are told. */
static void report(dsc_ctx_t *ctx, int status, const char *config_hint)
{
    const char *msg = dsc_ctx_message(ctx);
    fprintf(stderr, "downscale: error: %s\n", *msg ? msg : dsc_strerror(status));
    if (status == DSC_ERR_CONFIG)
        fprintf(stderr, "downscale: hint: %s\n", config_hint);
}

void dsc_cli_report(dsc_ctx_t *ctx, int status)
{
    report(ctx, status, "see pipelines/demo.ini for every setting");
}

int dsc_cli_finish(dsc_ctx_t *ctx, int status, const char *config_hint)
{
    if (status != DSC_OK && config_hint)
        report(ctx, status, config_hint);
    else if (status != DSC_OK)
        dsc_cli_report(ctx, status);
    dsc_ctx_destroy(ctx);
    return dsc_cli_exit_code(status);
}

dsc_ctx_t *dsc_cli_context(dsc_log_level level)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    if (!ctx) {
        fprintf(stderr, "downscale: out of memory\n");
        return NULL;
    }
    dsc_ctx_set_log(ctx, dsc_cli_log, NULL, level);
    return ctx;
}

dsc_ctx_t *dsc_cli_begin(int parsed, void (*usage)(FILE *fp), dsc_log_level level, int *exit_code)
{
    *exit_code = parsed > 0 ? DSC_EXIT_OK : parsed < 0 ? DSC_EXIT_USAGE : DSC_EXIT_INTERNAL;
    if (parsed > 0)
        usage(stdout);
    return parsed == 0 ? dsc_cli_context(level) : NULL;
}

int dsc_cli_log_option(const char *arg, dsc_log_level *level)
{
    if (strcmp(arg, "--quiet") == 0 || strcmp(arg, "-q") == 0)
        *level = DSC_LOG_WARN;
    else if (strcmp(arg, "--verbose") == 0 || strcmp(arg, "-v") == 0)
        *level = DSC_LOG_DEBUG;
    else
        return 0;
    return 1;
}
