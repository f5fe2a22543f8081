/* report_internal.h - pieces of the report page: HTML writing, the small CSV reader, the
 * change table's arithmetic and the figure captions. Not a public header. */
#ifndef DSC_REPORT_INTERNAL_H
#define DSC_REPORT_INTERNAL_H

#include <stdio.h>

#include "dsc/report.h"

/* ---- html.c ---------------------------------------------------------------------------- */

/* Text with &, <, >, " and ' escaped (safe in element content and quoted attributes). */
void report_text(FILE *fp, const char *s);
/* A URL path with characters outside [A-Za-z0-9._~/+-] percent-encoded, then escaped. */
void report_url(FILE *fp, const char *s);
/* A number with decimals and a true minus sign; "+" in front when signed and positive;
 * an en dash for NaN. */
void report_number(FILE *fp, double v, int decimals, int sign);
/* A size in bytes as "1.5 MiB". */
void report_bytes(FILE *fp, long long bytes);
/* The path of a file below out_dir as seen from out_dir/report ("../figures/x.png"), in
 * buf; NULL when path is not below out_dir. */
const char *report_relative(const char *out_dir, const char *path, char *buf, size_t size);
/* Width and height of a PNG file from its header; 0 when it is not a readable PNG. */
int report_png_size(const char *path, int *width, int *height);

/* ---- csv.c ----------------------------------------------------------------------------- */

/* A CSV file as the pipeline writes it: a header line, then rows of plain cells (no quoting,
 * no embedded commas). */
typedef struct {
    size_t nrows, ncols;
    char **header; /* ncols */
    char **cells;  /* nrows x ncols, row-major, "" when empty; point into text */
    char *text;    /* the file, owned */
} report_csv_t;

/* Reads path; DSC_ERR_IO when it cannot be read, DSC_ERR_FORMAT (naming it) when a row
 * has more cells than the header. Free with report_csv_free (accepts a zeroed table). */
int report_csv_read(dsc_ctx_t *ctx, const char *path, report_csv_t *csv);
void report_csv_free(report_csv_t *csv);
/* Column index by name, or -1. */
int report_csv_col(const report_csv_t *csv, const char *name);
/* Cell text (never NULL). */
const char *report_csv_cell(const report_csv_t *csv, size_t row, int col);
/* Cell as a number; NaN when empty, not a number, or col < 0. */
double report_csv_num(const report_csv_t *csv, size_t row, int col);

/* ---- change.c -------------------------------------------------------------------------- */

#define REPORT_METHODS 5 /* obs, gcm, ann, ann_bc, linear: the columns of a series CSV */
extern const char *const REPORT_METHOD_NAMES[REPORT_METHODS];
extern const char *const REPORT_METHOD_LABELS[REPORT_METHODS];

/* Base and late period means and their difference for one scenario. */
typedef struct {
    char scenario[64];
    double base[REPORT_METHODS];   /* mean of the annual means over the base years */
    double late[REPORT_METHODS];   /* the same over the late years (NaN for obs) */
    double change[REPORT_METHODS]; /* late - base */
} report_change_t;

/* Reads a series CSV (date, split, scenario, obs, gcm, ann, ann_bc, linear, ...) and fills
 * one entry per scenario other than "historical", in order of first appearance (at most
 * max). A year's mean counts when at least 90% of its rows are finite; a period's mean is
 * the mean of its years' means (NaN when none counts). Base years come from the historical
 * rows, or from the scenario's own rows where the historical ones end. Returns the number
 * of scenarios, or -1 with the context's error set (DSC_ERR_IO, DSC_ERR_FORMAT). */
int report_change_read(dsc_ctx_t *ctx, const char *path, dsc_report_period_t base,
                       dsc_report_period_t late, report_change_t *out, size_t max);

/* ---- captions.c ------------------------------------------------------------------------ */

/* Writes the caption of a figure of kind what ("series_historical", "taylor",
 * "map_rcp85_change_ann_bc", ...) of region r as HTML text. */
void report_caption(FILE *fp, const dsc_report_region_t *r, const char *what);
/* Rank of a figure kind in the page's order (lower first, unknown kinds last). */
int report_figure_rank(const dsc_report_region_t *r, const char *what);

#endif
