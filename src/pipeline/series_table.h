/* series_table.h - a member's daily series as rows (spatial means for gridded regions). */
#ifndef DSC_PIPELINE_SERIES_TABLE_H
#define DSC_PIPELINE_SERIES_TABLE_H

#include "pipeline/internal.h"

/* Column order of every series output. */
enum { COL_OBS, COL_GCM, COL_ANN, COL_ANN_BC, COL_LINEAR, COL_SPREAD, COL_OBS2,
       DSC_TABLE_NCOL };

typedef struct {
    size_t n;           /* rows: historical days, then each scenario's days */
    dsc_date_t *dates;
    int *scen;          /* -1 for historical rows, else the scenario index */
    double *col[DSC_TABLE_NCOL]; /* n values each, NaN where undefined */
} dsc_table_t;

/* Builds the table; the caller frees it with dsc_table_free(). */
int dsc_table_build(dsc_ctx_t *ctx, const dsc_member_t *m, dsc_table_t *tb);
void dsc_table_free(dsc_table_t *tb);

#endif
