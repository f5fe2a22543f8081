/* common.c - logging to the terminal and exit codes. */
#include <stdio.h>

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
    default:
        return DSC_EXIT_INTERNAL;
    }
}

void dsc_cli_log(void *user, dsc_log_level level, const char *module, const char *message)
{
    static const char *const names[] = {"error", "warning", "info", "debug"};
    (void)user;
    fprintf(stderr, "downscale: %s %s: %s\n", names[level], module, message);
}

void dsc_cli_report(dsc_ctx_t *ctx, int status)
{
    const char *msg = dsc_ctx_message(ctx);
    fprintf(stderr, "downscale: error: %s\n", *msg ? msg : dsc_strerror(status));
    if (status == DSC_ERR_CONFIG)
        fprintf(stderr, "downscale: hint: see pipelines/demo.ini for every setting\n");
}
