/* cmd_run.c - `downscale run PIPELINE.ini`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "dsc/interrupt.h"
#include "dsc/parallel.h"
#include "dsc/pipeline.h"

/* The command line as one string, for the outputs' history attributes. */
static void join_args(int argc, char **argv, char *buf, size_t size)
{
    size_t o = (size_t)snprintf(buf, size, "downscale");
    for (int i = 0; i < argc && o < size; i++)
        o += (size_t)snprintf(buf + o, size - o, " %s", argv[i]);
}

int dsc_cmd_run(int argc, char **argv)
{
    const char *pipeline = NULL, *out = NULL, *root = NULL;
    const char *overrides[64];
    size_t nover = 0;
    dsc_log_level level = DSC_LOG_INFO;
    int force = 0, dry = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if ((strcmp(a, "--out") == 0 || strcmp(a, "-o") == 0) && i + 1 < argc) {
            out = argv[++i];
        } else if (strcmp(a, "--data-root") == 0 && i + 1 < argc) {
            root = argv[++i];
        } else if (strcmp(a, "--set") == 0 && i + 1 < argc) {
            if (nover == sizeof overrides / sizeof overrides[0]) {
                fprintf(stderr, "downscale: run: at most 64 --set options\n");
                return DSC_EXIT_USAGE;
            }
            overrides[nover++] = argv[++i];
        } else if (strcmp(a, "--force") == 0) {
            force = 1;
        } else if (strcmp(a, "--dry-run") == 0 || strcmp(a, "-n") == 0) {
            dry = 1;
        } else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
            level = DSC_LOG_WARN;
        } else if (strcmp(a, "--verbose") == 0 || strcmp(a, "-v") == 0) {
            level = DSC_LOG_DEBUG;
        } else if (a[0] == '-') {
            fprintf(stderr, "downscale: run: unknown or incomplete option '%s'\n", a);
            return DSC_EXIT_USAGE;
        } else if (!pipeline) {
            pipeline = a;
        } else {
            fprintf(stderr, "downscale: run: one pipeline file at a time ('%s')\n", a);
            return DSC_EXIT_USAGE;
        }
    }
    if (!pipeline) {
        fprintf(stderr, "downscale: run: which pipeline? e.g. downscale run "
                        "pipelines/demo.ini\n");
        return DSC_EXIT_USAGE;
    }
    dsc_ctx_t *ctx = dsc_ctx_create();
    if (!ctx) {
        fprintf(stderr, "downscale: out of memory\n");
        return DSC_EXIT_INTERNAL;
    }
    /* Under MPI only the first process talks; the others report problems only. */
    if (dsc_par_rank() != 0 && level > DSC_LOG_WARN)
        level = DSC_LOG_WARN;
    dsc_ctx_set_log(ctx, dsc_cli_log, NULL, level);
    if (dsc_par_rank() == 0 && dsc_cli_wants_progress(level))
        dsc_ctx_set_progress(ctx, dsc_cli_progress, NULL);
    char line[4096];
    join_args(argc, argv, line, sizeof line);

    /* SIGINT and SIGTERM stop the run between cells, through its failure path. */
    dsc_interrupt_install();
    dsc_pipeline_t *p = NULL;
    int rc = dsc_pipeline_load_overrides(ctx, pipeline, NULL, root, out, overrides, nover, &p);
    if (rc == DSC_OK) {
        p->force = force;
        p->dry_run = dry;
        rc = dsc_pipeline_run(ctx, p, line);
    }
    if (rc)
        dsc_cli_report(ctx, rc);
    dsc_pipeline_destroy(p);
    dsc_ctx_destroy(ctx);
    return dsc_cli_exit_code(rc);
}
