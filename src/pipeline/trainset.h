/* trainset.h - the training rows of one target cell: its predictor columns, its observed
 * column with sparse years left out, targets paired with the model, and rows without gaps.
 * Shared by the stages that fit downscalers (train, crossval). Not a public header. */
#ifndef DSC_PIPELINE_TRAINSET_H
#define DSC_PIPELINE_TRAINSET_H

#include "dsc/features.h"
#include "pipeline/internal.h"

/* Model cells around a target cell that serve as extra predictors, at most. */
#define DSC_TRAINSET_MAX_NEIGHBOURS 4

/* Predictor columns of one cell: the model on the target, then the model cells the
 * interpolation to it used (none for a model point). Columns borrow the arrays given. */
typedef struct {
    dsc_features_column_t cols[1 + DSC_TRAINSET_MAX_NEIGHBOURS];
    size_t ncols;
} dsc_trainset_columns_t;

/* Copies cell c of a period's model on the target grid (n x m->ncell, single precision)
 * into col[n], the first predictor column. */
void dsc_trainset_model_column(const dsc_member_t *m, size_t c, const float *on_target, size_t n,
                               double *col);

/* The columns of cell c for one period: model_col is that period's model at the cell
 * (dsc_trainset_model_column), src the same model on its own grid. */
dsc_trainset_columns_t dsc_trainset_columns(const dsc_member_t *m, size_t c,
                                            const double *model_col, const dsc_field_t *src);

/* Copies cell c of m->obs into obs_col[m->nh], with NaN over every year whose observations
 * cover less than job->min_coverage of its days (a year with half its winter missing would
 * bias a rank pairing). Returns the number of such years. */
size_t dsc_trainset_obs_column(const dsc_job_t *job, const dsc_member_t *m, size_t c,
                               double *obs_col);

/* Targets of the historical days (target[m->nh]) as job->pairing says: by date, the
 * observation of years [y0, y1]; by rank, within each calendar month of [y0, y1] among the
 * finite values of obs_col and gcm_col (so NaN in both removes days from the pairing).
 * Days outside [y0, y1] get NaN. DSC_ERR_NOMEM only. */
int dsc_trainset_targets(dsc_ctx_t *ctx, const dsc_job_t *job, const dsc_member_t *m,
                         const double *obs_col, const double *gcm_col, int y0, int y1,
                         double *target);

/* Keeps the rows of x (n x p, row-major) and y whose predictors and target are all finite,
 * moved to the front in order; returns how many. */
size_t dsc_trainset_compact(double *x, double *y, size_t n, size_t p);

#endif
