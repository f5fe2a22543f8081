/* main.c - the downscale program: argument parsing, logging to the terminal, exit codes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "dsc/core.h"
#include "dsc/parallel.h"

static void usage(FILE *fp)
{
    fputs("usage: downscale COMMAND [OPTIONS]\n"
          "\n"
          "Statistical downscaling of daily temperature from climate models to cities and\n"
          "observation grids.\n"
          "\n"
          "commands:\n"
          "  run PIPELINE.ini [--out DIR] [--data-root DIR] [--set SECTION.KEY=VALUE]...\n"
          "      [--force] [--dry-run] [--quiet] [--verbose]\n"
          "        run a pipeline (see pipelines/demo.ini); outputs go to out/<name>/;\n"
          "        --set overrides a setting of the file, e.g. --set ann.epochs=20;\n"
          "        reruns redo only what changed (--force redoes everything; --dry-run\n"
          "        says what would run and why, and writes nothing)\n"
          "  inspect [--dates] FILE [VAR]\n"
          "        show how a NetCDF file is decoded: grid, calendar, dates, units, fill,\n"
          "        or why it is refused; --dates lists the dates as `ncdump -t` does\n"
          "        (see `downscale inspect --help` for overrides)\n"
          "  regrid --method M --to TARGET IN.nc OUT.nc\n"
          "        remap a field onto another grid (bilinear, nearest, conservative, idw)\n"
          "  correct --method M --ref OBS.nc --hist MODEL_HIST.nc --sim MODEL_SIM.nc OUT.nc\n"
          "        bias-correct a model series against observations\n"
          "  evaluate --ref OBS.nc SIM.nc... [--out DIR]\n"
          "        Taylor statistics, histograms and scores of series against a reference\n"
          "  --help     this text\n"
          "  --version  the program's version\n"
          "\n"
          "The data root (where input paths in a pipeline are looked up) is, in order:\n"
          "--data-root, $DOWNSCALE_DATA, ../shared/data.\n"
          "\n"
          "exit status: 0 success, 2 bad input or configuration, 3 output folder locked by\n"
          "another run, 4 interrupted by SIGTERM or SIGINT (rerun to continue), 1 internal\n"
          "failure.\n",
          fp);
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return DSC_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("downscale %s\n", DSC_VERSION);
        return 0;
    }
    if (strcmp(cmd, "run") == 0)
        return dsc_cmd_run(argc - 1, argv + 1);
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } commands[] = {{"inspect", dsc_cmd_inspect},
                    {"regrid", dsc_cmd_regrid},
                    {"correct", dsc_cmd_correct},
                    {"evaluate", dsc_cmd_evaluate}};
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(cmd, commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "downscale: unknown command '%s' (try 'downscale --help')\n", cmd);
    return DSC_EXIT_USAGE;
}

int main(int argc, char **argv)
{
    if (dsc_par_init(&argc, &argv)) {
        fprintf(stderr, "downscale: cannot start MPI\n");
        return DSC_EXIT_INTERNAL;
    }
    int rc = dispatch(argc, argv);
    dsc_par_finalize();
    return rc;
}
