/* internal.h - what the pipeline stages share: the data of one model for one region and
 * variable ("a member"), and the helpers to find inputs. Not a public header. */
#ifndef DSC_PIPELINE_INTERNAL_H
#define DSC_PIPELINE_INTERNAL_H

#include <stdio.h>

#include "dsc/field.h"
#include "dsc/nn.h"
#include "dsc/pipeline.h"
#include "dsc/regrid.h"

/* One future scenario of a member, on the target grid. Arrays are n x ncell, time-major.
 *
 * The daily arrays of members are single precision: they hold temperatures to a few
 * hundredths of a kelvin at best, every result was rounded to float for the cache anyway
 * (dsc_member_round), and a 0.25 degree box of 2,000 cells over 1950-2100 and four
 * scenarios needs half the memory (about 6 GB instead of 12 GB per model and variable).
 * Arithmetic on them (training, bias correction, statistics) is done in double. */
typedef struct {
    char name[32];
    size_t n;
    dsc_date_t *dates;
    float *gcm;    /* model regridded to the target */
    float *ann;    /* ANN (ensemble mean) */
    float *ann_sd; /* spread of the ANN ensemble (population sd), 0 for one member */
    float *ann_bc; /* ANN after bias correction (QDM by default) */
    float *lin;    /* linear baseline */
    dsc_field_t *src; /* the model on its own grid (for predictors), owned */
    int year0;        /* ensemble only: first year of year_sd */
    size_t nyears;    /* ensemble only: entries of year_sd */
    double *year_sd;  /* ensemble only: spread across models (population sd) of the annual
                         mean of ann_bc (spatial mean), the band a report draws */
} dsc_scenario_data_t;

/* Everything one model contributes to a region and variable. */
typedef struct {
    char model[64];
    char var[32];
    dsc_calendar_t cal;   /* the model's calendar; observations are aligned to it */
    dsc_grid_t grid;      /* the target: observation grid (box) or the city (point) */
    size_t ncell;
    size_t nh;            /* historical days */
    dsc_date_t *hdates;
    float *obs;           /* observations on hdates (NaN where absent), nh x ncell */
    float *obs2;          /* second observation source or NULL */
    float *gcm, *ann, *ann_sd, *ann_bc, *lin; /* nh x ncell */
    dsc_field_t *hsrc;    /* historical model on its own grid (for predictors), owned */
    dsc_field_t *obs_full; /* the whole observed record on the target grid (its own
                              calendar and dates), owned; for the observation summary */
    dsc_regrid_weights_t *weights; /* model grid -> target, NULL for a model point */
    size_t nscen;
    dsc_scenario_data_t scen[DSC_MAX_LIST];
    dsc_nn_history_t curve; /* learning curve of the first cell's first ANN */
    size_t n_train_rows;    /* rows used for training, summed over cells */
    size_t n_valid_rows;
    size_t n_poor_fits;     /* networks no better than the mean on the validation days */
    size_t obs_dropped;     /* observed days with no date in the model calendar */
    size_t tmin_fixed;      /* days where tasmin > tasmax was repaired (tasmin members) */
    size_t cell_stride;     /* MPI: this process trains and corrects the cells c with
                               c % cell_stride == cell_offset; 0 means every cell */
    size_t cell_offset;
} dsc_member_t;

/* True when this process works on cell c of m. */
static inline int dsc_member_owns(const dsc_member_t *m, size_t c)
{
    return m->cell_stride <= 1 || c % m->cell_stride == m->cell_offset;
}

void dsc_member_destroy(dsc_member_t *m);

/* Expands a path template ({var}, {model}, {scenario}) below the data root and globs it.
 * The caller owns *paths: dsc_io_paths_free(). */
int dsc_input_paths(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const char *tmpl,
                    const char *var, const char *model, const char *scenario, char ***paths,
                    size_t *n);

/* Split label of a historical date: "train", "valid" or "hist". */
const char *dsc_split_label(const dsc_job_t *job, int year);

/* Stage: reads observations and model data and puts both on the target grid. *out is owned
 * by the caller (dsc_member_destroy + free). */
int dsc_stage_ingest(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                     size_t var, size_t model, dsc_member_t **out);
/* For --dry-run: checks every input file of one model and variable as the ingest stage
 * would read it (variable, dimensions, time axis, units, the region inside the grid)
 * without reading the values. */
int dsc_stage_check_inputs(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                           size_t var, size_t model);
/* Stage: trains the ANN ensemble and the linear baseline per target cell and predicts the
 * historical and future days. */
int dsc_stage_train(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                    dsc_member_t *m);
/* Stage: bias-corrects the ANN (historical method on the historical days, future method on
 * each scenario). */
int dsc_stage_correct(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                      dsc_member_t *m);
/* Repairs tasmin > tasmax between two members of the same model. */
void dsc_stage_tmin_tmax(dsc_ctx_t *ctx, dsc_member_t *tmax, dsc_member_t *tmin);
/* Builds the multi-model mean and spread as a member named "ensemble" (gcm, ann, ann_bc and
 * lin averaged over members on shared dates; *_sd arrays hold the spread of ann_bc). */
int dsc_stage_ensemble(dsc_ctx_t *ctx, dsc_member_t *const *members, size_t n,
                       dsc_member_t **out);

/* Output list for the manifest. */
typedef struct {
    char **paths;
    size_t n, cap;
} dsc_outputs_t;
int dsc_outputs_add(dsc_ctx_t *ctx, dsc_outputs_t *o, const char *path);
void dsc_outputs_clear(dsc_outputs_t *o);

/* Stage: writes the numbers of one member (series, Taylor, histogram, maps) and its figures
 * under out_dir. tag is "" for the main files or "_<model>" for per-model files. */
int dsc_stage_write(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                    const dsc_member_t *m, const char *tag, const char *argv_line,
                    dsc_outputs_t *outputs);
int dsc_stage_figures(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                      const dsc_member_t *m, const char *tag, dsc_outputs_t *outputs);

/* Stage (optional, [ann] compare_rules): trains one network per learning rule on the
 * member's first cell and writes learning curves (CSV and figure). Implemented in
 * rules.c. */
int dsc_stage_rules(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                    const dsc_member_t *m, dsc_outputs_t *outputs);
/* Stage (optional, [evaluation] folds): k-fold cross-validation by blocks of years of
 * every method; writes evaluation/<region>_<var>_<model>_cv.csv. Implemented in
 * crossval.c. */
int dsc_stage_crossval(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                       const dsc_member_t *m, dsc_outputs_t *outputs);

/* Stage: a summary of the whole observed record of a member: completeness of each year
 * (and whether it is used for training), the mean annual cycle and a histogram, under
 * <out>/observations/. */
int dsc_stage_observations(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                           const dsc_member_t *m, dsc_outputs_t *outputs);

/* Lists every input file of the pipeline (templates expanded, globs resolved); a missing
 * input is an error naming it, found before any work starts. */
int dsc_manifest_inputs(dsc_ctx_t *ctx, const dsc_pipeline_t *p, dsc_outputs_t *in);

struct dsc_checksums; /* cache.h */

/* Writes manifest.json; input checksums come from cs (remembered across runs). */
typedef struct {
    const char *stage;
    double seconds;
} dsc_timing_t;
int dsc_manifest_write(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const char *argv_line,
                       const dsc_timing_t *timings, size_t ntimings,
                       const dsc_outputs_t *outputs, const char *outcome,
                       struct dsc_checksums *cs);

/* Stage ([output] report, on by default): writes report/index.html for the run, after the
 * manifest: settings, inputs with checksums (from cs), tables and every figure of outputs.
 * outcome is "success" or the failure message. Implemented in report.c. */
int dsc_stage_report(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const char *argv_line,
                     const dsc_outputs_t *outputs, struct dsc_checksums *cs,
                     const char *outcome);

#endif
