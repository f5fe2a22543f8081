/* pipeline.h - a downscaling pipeline: its configuration (a pipeline INI file naming region
 * files) and the run that takes the data through ingest, regrid, train, correct, project
 * and write.
 */
#ifndef DSC_PIPELINE_H
#define DSC_PIPELINE_H

#include "dsc/bc.h"
#include "dsc/nn.h"

#define DSC_MAX_LIST 16  /* most entries in a list setting (models, scenarios, ...) */
#define DSC_PATH_MAX 1024

typedef enum { DSC_REGION_KIND_POINT = 0, DSC_REGION_KIND_BOX = 1 } dsc_region_def_kind;

/* Figure formats ([output] formats = png, svg, pdf): PNG for the web and the report, SVG
 * and PDF (vector, fonts embedded) for print. */
#define DSC_FIGURE_PNG 1u
#define DSC_FIGURE_SVG 2u
#define DSC_FIGURE_PDF 4u

/* A region file (regions/<name>.ini): where, not what data. */
typedef struct {
    char name[64];       /* file stem, used in output names */
    char title[128];     /* for figures, e.g. "Frankfurt am Main" */
    dsc_region_def_kind kind;
    double lat, lon;     /* point, or the city marked on maps of a box */
    double lat_min, lat_max, lon_min, lon_max; /* box */
    char location[64];   /* site name in station-layout files (optional) */
    char path[DSC_PATH_MAX];
} dsc_region_def_t;

/* How training pairs of model predictors and observed targets are formed. */
typedef enum {
    DSC_PAIR_RANK = 0, /* by rank within each calendar month of the training years: right for
                          free-running models whose days are not the observed days */
    DSC_PAIR_DATE = 1  /* by date: only for predictors that follow observed weather */
} dsc_pairing;

typedef struct {
    int y0, y1; /* inclusive years; y0 == 0 when unset */
} dsc_period_t;

/* Overrides for an input whose metadata is not CF (e.g. calendar "365_days"); "" = the
 * file's own. Keys <source>_calendar, <source>_time_units, <source>_units for the sources
 * gcm, obs and obs2. */
typedef struct {
    char calendar[32];
    char time_units[64];
    char units[32];
} dsc_input_overrides_t;

/* How observed days are matched with the days of a model calendar. */
typedef enum {
    DSC_ALIGN_MONTH_DAY = 0,  /* same month and day; observed days the model calendar lacks
                                 (29 February against noleap, the 31st against 360_day) are
                                 dropped */
    DSC_ALIGN_YEAR_FRACTION   /* the model's day k of a year of L_m days takes the observed
                                 day floor((k - 0.5) L_obs / L_m) + 1 of the same year: every
                                 model day has an observation and the days left over are
                                 spread over the year (for 360_day models) */
} dsc_calendar_alignment;

/* One region of a pipeline with its inputs and periods. Paths are templates relative to the
 * data root, with {var}, {model}, {scenario} substituted and shell globs allowed. */
typedef struct {
    dsc_region_def_t region;
    char variables[DSC_MAX_LIST][32];
    size_t nvar;
    char models[DSC_MAX_LIST][64];
    size_t nmodel;
    char scenarios[DSC_MAX_LIST][32];
    size_t nscen;
    char gcm[DSC_PATH_MAX];         /* one series covering historical and one scenario */
    char gcm_historical[DSC_PATH_MAX];
    char gcm_future[DSC_PATH_MAX];
    char gcm_var[DSC_MAX_LIST][64];  /* per variable; default the variable's name */
    char obs[DSC_PATH_MAX];
    char obs_format[16];             /* "netcdf" or "ghcn" */
    char obs_var[DSC_MAX_LIST][64];  /* per variable */
    char obs2[DSC_PATH_MAX];         /* optional second observation source */
    char obs2_label[32];
    char obs2_var[DSC_MAX_LIST][64];
    dsc_input_overrides_t gcm_over;  /* metadata overrides of each source */
    dsc_input_overrides_t obs_over;
    dsc_input_overrides_t obs2_over;
    dsc_calendar_alignment alignment; /* calendar_alignment = month_day | year_fraction */
    dsc_period_t train, valid, future, base, late; /* base/late: map periods (1990s, 2090s) */
    dsc_pairing pairing;
    double min_coverage;             /* fraction of a year's days needed to train on it */
    double max_site_km;              /* a point region takes the nearest site of a station
                                        file only within this distance (default 150 km) */
} dsc_job_t;

typedef struct {
    char name[64];                   /* output folder name */
    char path[DSC_PATH_MAX];         /* the pipeline file */
    char data_root[DSC_PATH_MAX];
    char out_dir[DSC_PATH_MAX];
    dsc_job_t *jobs;                 /* one per region, owned */
    size_t njob;
    dsc_nn_config_t nn;
    size_t ensemble;                 /* ANN members with seeds seed, seed+1, ... */
    double ridge;                    /* linear baseline */
    dsc_bc_config_t bc_hist;         /* historical correction, default EQM */
    dsc_bc_config_t bc_future;       /* future correction, default QDM */
    char regrid_method[32];
    double hist_bin_width;           /* degC */
    char rules[8][32];               /* learning rules compared on the first member of each
                                        region ([ann] compare_rules); none when nrules == 0 */
    size_t nrules;
    int save_models;                 /* [ann] save_models: write trained networks to
                                        models/ as NetCDF */
    size_t cv_folds;                 /* [evaluation] folds: k-fold cross-validation by
                                        blocks of years; 0 = off */
    int report;                      /* [output] report: write report/index.html (default 1) */
    unsigned figure_formats;         /* [output] formats: figure files to write, a set of
                                        DSC_FIGURE_* bits; default DSC_FIGURE_PNG */
    int force;                       /* ignore cached results */
    int dry_run;
} dsc_pipeline_t;

/* Reads and validates a pipeline file and the region files it names (regions/<name>.ini
 * beside the pipeline's folder, or region_dir when non-NULL). data_root and out_dir may be
 * NULL (defaults: $DOWNSCALE_DATA, else ../shared/data; out/<name>). Every problem found is
 * logged at ERROR with file:line; the return is DSC_ERR_CONFIG with the first of them.
 * The caller owns *out: dsc_pipeline_destroy(). */
int dsc_pipeline_load(dsc_ctx_t *ctx, const char *path, const char *region_dir,
                      const char *data_root, const char *out_dir, dsc_pipeline_t **out);
/* As dsc_pipeline_load, with settings from the command line applied over the file's:
 * each override is "section.key=value" (e.g. "ann.epochs=20", "beijing.obs=gmfd/x_*.nc"). */
int dsc_pipeline_load_overrides(dsc_ctx_t *ctx, const char *path, const char *region_dir,
                                const char *data_root, const char *out_dir,
                                const char *const *overrides, size_t noverrides,
                                dsc_pipeline_t **out);
void dsc_pipeline_destroy(dsc_pipeline_t *p);

/* Reads a region file. */
int dsc_region_load(dsc_ctx_t *ctx, const char *path, dsc_region_def_t *out);

/* Runs the whole pipeline, writing under p->out_dir. argv_line is recorded in the outputs'
 * history. Outputs are written to temporary names and renamed, so a failure leaves the
 * previous outputs whole. */
int dsc_pipeline_run(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const char *argv_line);

#endif
