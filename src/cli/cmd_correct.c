/* cmd_correct.c - placeholder until `downscale correct` lands. */
#include <stdio.h>

#include "cli/commands.h"

int dsc_cmd_correct(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "downscale: correct: not available in this build\n");
    return DSC_EXIT_USAGE;
}
