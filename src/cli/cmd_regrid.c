/* cmd_regrid.c - placeholder until `downscale regrid` lands. */
#include <stdio.h>

#include "cli/commands.h"

int dsc_cmd_regrid(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "downscale: regrid: not available in this build\n");
    return DSC_EXIT_USAGE;
}
