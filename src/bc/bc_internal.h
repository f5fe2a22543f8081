/* bc_internal.h - what the bias-correction files share: the fitted object, the grouping of
 * values by position in the year, moving windows over those positions, and quantile nodes.
 *
 * Not installed; only src/bc/ includes it.
 */
#ifndef DSC_BC_INTERNAL_H
#define DSC_BC_INTERNAL_H

#include "dsc/bc.h"

typedef struct bc_method bc_method_t;

/* The fitted correction. Per-group arrays are NaN where the group had no valid ref or hist
 * value, which apply turns into missing output. */
struct dsc_bc {
    const bc_method_t *method;
    dsc_bc_config_t cfg;
    dsc_calendar_t cal;
    size_t ngroups;    /* positions in the year: 12 months, or 360/365/366 days */
    size_t half;       /* window half-width in positions (0 for months) */
    size_t nq;         /* quantile nodes per group; 0 when the method needs none */
    double *ref_q;     /* ngroups x nq, row-major, ascending within a row, K */
    double *hist_q;    /* ngroups x nq, same layout */
    double *ref_mean;  /* ngroups */
    double *hist_mean; /* ngroups */
    double *ref_sd;    /* ngroups, population sd; NULL unless the method needs it */
    double *hist_sd;   /* ngroups, same */
};

/* Finite values of one series sorted into buckets by position in the year; each bucket is
 * sorted ascending so windows can be merged rather than sorted again. */
typedef struct {
    size_t npos;
    size_t *start;  /* npos + 1 offsets into values */
    double *values; /* start[npos] finite values */
    double *sum;    /* npos bucket sums, for window means without touching every value */
} bc_buckets_t;

/* One method of the family: fit fills the method's own parts of bc (the generic fit has
 * already set the layout and the group means); apply corrects sim, whose positions in the
 * year are pos[n] (all valid), into out (may alias sim). */
struct bc_method {
    const char *name;
    int (*fit)(dsc_ctx_t *ctx, dsc_bc_t *bc, const bc_buckets_t *ref, const bc_buckets_t *hist);
    int (*apply)(dsc_ctx_t *ctx, const dsc_bc_t *bc, const double *sim, const int *pos, size_t n,
                 double *out);
};

/* fit.c: the method of cfg from the table, or NULL; the error for an unknown one. */
const bc_method_t *bc_method_find(const dsc_bc_config_t *cfg);
int bc_method_unknown(dsc_ctx_t *ctx, const dsc_bc_config_t *cfg);
/* n positions (at least one int), NULL with DSC_ERR_NOMEM. */
int *bc_positions_alloc(dsc_ctx_t *ctx, size_t n);
/* dsc_bc_fit and dsc_bc_apply with the positions in the year already computed (with
 * bc_positions, for cfg's grouping and cal), so that a field's cells share them. */
int bc_fit_positions(dsc_ctx_t *ctx, const dsc_bc_config_t *cfg, dsc_calendar_t cal,
                     const double *ref, const int *ref_pos, size_t n_ref, const double *hist,
                     const int *hist_pos, size_t n_hist, dsc_bc_t **out);
int bc_apply_positions(dsc_ctx_t *ctx, const dsc_bc_t *bc, const double *sim, const int *pos,
                       size_t n, double *out);

/* config.c */
int bc_config_check(dsc_ctx_t *ctx, const dsc_bc_config_t *cfg);
int bc_config_string_is(const char *field, size_t size, const char *name);

/* groups.c */
size_t bc_group_count(dsc_bc_grouping grouping, dsc_calendar_t cal);
int bc_positions(dsc_ctx_t *ctx, dsc_bc_grouping grouping, dsc_calendar_t cal,
                 const dsc_date_t *dates, size_t n, const char *what, int *pos);
int bc_buckets_build(dsc_ctx_t *ctx, size_t npos, const double *x, const int *pos, size_t n,
                     bc_buckets_t *b);
void bc_buckets_free(bc_buckets_t *b);
void bc_group_means(const bc_buckets_t *b, size_t half, double *mean);
void bc_group_sds(const bc_buckets_t *b, size_t half, const double *mean, double *sd);

/* A moving window over the positions: the sorted values of buckets group-half ..
 * group+half (wrapping), slid one position at a time by merging. */
typedef struct {
    const bc_buckets_t *b;
    size_t half;
    size_t group;
    size_t size;  /* values in the current window */
    double *cur;  /* size values, ascending */
    double *next; /* scratch of the same capacity */
} bc_window_t;

int bc_window_init(dsc_ctx_t *ctx, bc_window_t *w, const bc_buckets_t *b, size_t half);
void bc_window_advance(bc_window_t *w);
void bc_window_free(bc_window_t *w);

/* quantiles.c */
void bc_sort(double *x, size_t n);
void bc_quantile_nodes(const double *sorted, size_t m, size_t nq, double *q);
int bc_group_quantiles(dsc_ctx_t *ctx, const bc_buckets_t *b, size_t half, size_t nq, double *q);
double bc_node_position(const double *q, size_t nq, double x);
double bc_node_interp(const double *v, size_t nq, double u);
double bc_quantile_map(const double *ref_q, const double *hist_q, const double *sim_q, size_t nq,
                       double x);
int bc_sim_groups(dsc_ctx_t *ctx, const dsc_bc_t *bc, const double *sim, const int *pos, size_t n,
                  double **quantiles, double **mean);

/* The methods, one file each. */
extern const bc_method_t bc_method_eqm;
extern const bc_method_t bc_method_qdm;
extern const bc_method_t bc_method_dqm;
extern const bc_method_t bc_method_linear_scaling;
extern const bc_method_t bc_method_delta;
extern const bc_method_t bc_method_variance_scaling;

int bc_fit_quantiles(dsc_ctx_t *ctx, dsc_bc_t *bc, const bc_buckets_t *ref,
                     const bc_buckets_t *hist);

#endif
