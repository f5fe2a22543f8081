/* cmd_evaluate.c - placeholder until `downscale evaluate` lands. */
#include <stdio.h>

#include "cli/commands.h"

int dsc_cmd_evaluate(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "downscale: evaluate: not available in this build\n");
    return DSC_EXIT_USAGE;
}
