/* report.h - the HTML page of a run: <out_dir>/report/index.html, one self-contained file
 * (inline CSS, no script, nothing fetched from the network) that links to the run's files by
 * relative paths, so the output folder can be moved, zipped or served as it is.
 *
 * The page holds: the run (pipeline, command, data root, outcome, versions); the settings
 * (the resolved values, and the pipeline file as written); the inputs with size and
 * SHA-256; then for each region and variable the validation tables (Taylor statistics,
 * bias and RMSE per method, read from taylor/<region>_<var>[_annual_cycle].csv), the change
 * of the annual mean per scenario and per model (late period minus base period, computed
 * from series/<region>_<var>[_<model>].csv), every figure with a caption and links to its
 * other formats and to the CSV of the numbers it shows, and links to every data file.
 *
 * The report only reads files below out_dir (and the pipeline file when its text is not
 * given); it knows nothing of the pipeline's types, so the caller describes the run in a
 * dsc_report_info_t. All pointers in it are borrowed for the duration of the call.
 */
#ifndef DSC_REPORT_H
#define DSC_REPORT_H

#include <stddef.h>

#include "dsc/core.h"

/* One input file of the run. */
typedef struct {
    const char *path;   /* as the run opened it */
    long long bytes;    /* size, -1 when unknown */
    const char *sha256; /* 64 lowercase hex digits, or NULL when unknown */
} dsc_report_input_t;

/* One resolved setting, shown in a table grouped by section. */
typedef struct {
    const char *section; /* e.g. "ann" */
    const char *key;     /* e.g. "hidden" */
    const char *value;   /* e.g. "16, 8" */
} dsc_report_setting_t;

/* Inclusive years; y0 == 0 when unset. */
typedef struct {
    int y0, y1;
} dsc_report_period_t;

/* One region of the run, and how its files are named: <name>_<variable>[_<model>]. */
typedef struct {
    const char *name;  /* file stem, e.g. "frankfurt" */
    const char *title; /* e.g. "Frankfurt am Main" */
    const char *const *variables;
    size_t nvar;
    const char *const *models;
    size_t nmodel;
    const char *const *scenarios; /* in the order the figures colour them */
    size_t nscen;
    dsc_report_period_t train, valid, base, late; /* base, late: the change table's periods */
} dsc_report_region_t;

typedef struct {
    const char *name;          /* pipeline name */
    const char *description;   /* one line, or NULL */
    const char *pipeline_file; /* path of the pipeline file, or NULL */
    const char *settings_text; /* the pipeline file's text; NULL = read pipeline_file */
    const char *command;       /* the command line of the run */
    const char *data_root;
    const char *outcome;       /* "success", or the failure message */
    const char *version;       /* program version */
    const dsc_report_setting_t *settings;
    size_t nsettings;
    const dsc_report_input_t *inputs;
    size_t ninputs;
    const dsc_report_region_t *regions;
    size_t nregions;
} dsc_report_info_t;

/* Writes <out_dir>/report/index.html atomically (a temporary file renamed into place, so
 * the folder never holds half a page). outputs (noutputs paths, as the run wrote them,
 * i.e. starting with out_dir) are the files the page shows and links; those outside
 * out_dir are left out, and a listed file that does not exist (a failed run) is left out
 * too. Figures are shown from their PNG, else their SVG; a figure only in PDF is linked.
 * A table whose CSV is missing or unreadable is left out with a note on the page, never an
 * error: the page is the place a reader finds out what is missing.
 *
 * Errors: NULL out_dir or info is DSC_ERR_USAGE; a report folder or file that cannot be
 * created or written is DSC_ERR_IO naming it; DSC_ERR_NOMEM. On error no index.html (nor
 * temporary file) is left from this call; a previous page stays. */
int dsc_report_write(dsc_ctx_t *ctx, const char *out_dir, const dsc_report_info_t *info,
                     const char *const *outputs, size_t noutputs);

#endif
