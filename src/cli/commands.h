/* commands.h - the program's subcommands and what they share. */
#ifndef DSC_CLI_COMMANDS_H
#define DSC_CLI_COMMANDS_H

#include "dsc/core.h"
#include "dsc/field.h"

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
/* The terminal progress sink (a bar on stderr), and whether to use it: stderr is a
 * terminal and the user did not ask for --quiet. */
void dsc_cli_progress(void *user, const char *what, size_t done, size_t total);
int dsc_cli_wants_progress(dsc_log_level level);
/* Prints the context's error as one line, with a hint when one helps. */
void dsc_cli_report(dsc_ctx_t *ctx, int status);

/* options.c: small helpers of the correct and evaluate commands. */
/* The variable of path to read when none is named: prefer (may be NULL) when it is one of
 * the file's temperature-like variables (dsc_io_temperature_vars), else the first of them,
 * into name. A file with none is DSC_ERR_USAGE; one that cannot be read, its read error. */
int dsc_cli_guess_variable(dsc_ctx_t *ctx, const char *path, const char *prefer, char *name,
                           size_t size);
/* A whole decimal number in [lo, hi]; 0 on success, -1 otherwise. */
int dsc_cli_parse_int(const char *text, long lo, long hi, long *out);
/* "Y0-Y1" (Y0 <= Y1, negative years not accepted); 0 on success, -1 otherwise. */
int dsc_cli_parse_years(const char *text, int *y0, int *y1);
/* 0 when grids a and b are the same cells (kind, sizes, coordinates within 1e-4 degrees);
 * otherwise -1 with the first difference described in why. */
int dsc_cli_grids_match(const dsc_grid_t *a, const dsc_grid_t *b, char *why, size_t size);
/* The command line as one string ("downscale correct ..."), for history attributes. */
void dsc_cli_join_args(int argc, char **argv, char *buf, size_t size);

int dsc_cmd_run(int argc, char **argv);
int dsc_cmd_inspect(int argc, char **argv);
int dsc_cmd_regrid(int argc, char **argv);   /* cmd_regrid.c */
int dsc_cmd_correct(int argc, char **argv);  /* cmd_correct.c */
int dsc_cmd_evaluate(int argc, char **argv); /* cmd_evaluate.c */

#endif
