/* commands.h - the program's subcommands and what they share. */
#ifndef DSC_CLI_COMMANDS_H
#define DSC_CLI_COMMANDS_H

#include <stdio.h>

#include "dsc/core.h"
#include "dsc/field.h"

enum {
    DSC_EXIT_OK = 0,
    DSC_EXIT_INTERNAL = 1, /* out of memory, a library failure, a numerical breakdown */
    DSC_EXIT_USAGE = 2,    /* bad input, configuration or arguments */
    DSC_EXIT_LOCKED = 3,   /* another run holds the output folder */
    DSC_EXIT_INTERRUPTED = 4 /* SIGINT or SIGTERM stopped the run; a rerun continues */
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
/* A context logging to the terminal (dsc_cli_log) at level; NULL, with "out of memory"
 * printed, when it cannot be made. The caller destroys it (dsc_cli_finish). */
dsc_ctx_t *dsc_cli_context(dsc_log_level level);
/* Starts a command after its parse_args, whose result parsed is > 0 for --help (usage is
 * then printed on stdout), < 0 for a refused command line (already reported), else 0: the
 * context to run with (dsc_cli_context at level), or NULL with *exit_code the code to
 * return at once. */
dsc_ctx_t *dsc_cli_begin(int parsed, void (*usage)(FILE *fp), dsc_log_level level,
                         int *exit_code);
/* Ends a command that ran with ctx: reports a failure status as dsc_cli_report does, but
 * with config_hint (when not NULL) as the hint for a configuration error, destroys ctx and
 * returns the program's exit code for status. */
int dsc_cli_finish(dsc_ctx_t *ctx, int status, const char *config_hint);
/* 1 when arg is --quiet, -q, --verbose or -v, which set *level (warnings only, or debug
 * messages too); 0 for any other argument. */
int dsc_cli_log_option(const char *arg, dsc_log_level *level);

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
/* DSC_OK when grid (of the file path) is ref_grid (of ref_path), else DSC_ERR_USAGE with the
 * difference and a hint to regrid. */
int dsc_cli_require_grid(dsc_ctx_t *ctx, const char *path, const dsc_grid_t *grid,
                         const char *ref_path, const dsc_grid_t *ref_grid);
/* Reads var of path into *out (the caller destroys it); without var, the variable named
 * prefer (may be NULL) when the file has it, else the guess of dsc_cli_guess_variable. */
int dsc_cli_read_input(dsc_ctx_t *ctx, const char *path, const char *var, const char *prefer,
                       dsc_field_t **out);
/* Prints why command refused the option opt: rc -1 is a bad value val, -2 an unknown option
 * or one without its value. */
void dsc_cli_option_error(const char *command, const char *opt, const char *val, int rc);
/* The command line as one string ("downscale correct ..."), for history attributes. */
void dsc_cli_join_args(int argc, char **argv, char *buf, size_t size);

int dsc_cmd_run(int argc, char **argv);
int dsc_cmd_inspect(int argc, char **argv);
int dsc_cmd_regrid(int argc, char **argv);   /* cmd_regrid.c */
int dsc_cmd_correct(int argc, char **argv);  /* cmd_correct.c */
int dsc_cmd_evaluate(int argc, char **argv); /* cmd_evaluate.c */

/* True when two paths name the same file (same device and inode when both exist, else the
 * same text): an output must never overwrite one of its inputs. */
int dsc_cli_same_file(const char *a, const char *b);

#endif
