/* commands.h - the program's subcommands and what they share. */
#ifndef DSC_CLI_COMMANDS_H
#define DSC_CLI_COMMANDS_H

#include "dsc/core.h"

enum {
    DSC_EXIT_OK = 0,
    DSC_EXIT_INTERNAL = 1, /* out of memory, a library failure, a numerical breakdown */
    DSC_EXIT_USAGE = 2,    /* bad input, configuration or arguments */
    DSC_EXIT_LOCKED = 3    /* another run holds the output folder */
};

/* Maps a library status to the program's exit code. */
int dsc_cli_exit_code(int status);
/* The terminal log sink: "downscale: LEVEL module: message" on stderr. user is unused. */
void dsc_cli_log(void *user, dsc_log_level level, const char *module, const char *message);
/* Prints the context's error as one line, with a hint when one helps. */
void dsc_cli_report(dsc_ctx_t *ctx, int status);

int dsc_cmd_run(int argc, char **argv);
int dsc_cmd_inspect(int argc, char **argv);
int dsc_cmd_regrid(int argc, char **argv);   /* cmd_regrid.c */
int dsc_cmd_correct(int argc, char **argv);  /* cmd_correct.c */
int dsc_cmd_evaluate(int argc, char **argv); /* cmd_evaluate.c */

#endif
