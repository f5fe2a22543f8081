/* features.h - predictors and targets for the downscalers.
 *
 * A predictor row for one day is the model's values in a few columns (the model regridded
 * to the target cell and the model cells around it) followed by sin and cos of the day of
 * year. Targets are the observations, paired with model days either by date or by rank.
 */
#ifndef DSC_FEATURES_H
#define DSC_FEATURES_H

#include "dsc/time.h"

/* One predictor column: a time series read with a stride (e.g. one cell of a time-major
 * field: values + cell, stride = ncells). */
typedef struct {
    const double *values; /* borrowed */
    size_t stride;
} dsc_features_column_t;

/* Number of predictors for ncols model columns (+2 for the seasonal terms). */
size_t dsc_features_count(size_t ncols);

/* Fills x (n x dsc_features_count(ncols), row-major) for days [t0, t0 + n) of the columns.
 * A row with a missing model value holds NaN in that column. */
void dsc_features_fill(const dsc_features_column_t *cols, size_t ncols,
                       const dsc_date_t *dates, dsc_calendar_t cal, size_t t0, size_t n,
                       double *x);

/* Targets paired by date: target[t] = obs value on model date mdates[t] (NaN when the
 * observations lack that date). odates are sorted; obs has stride ostride. */
void dsc_features_pair_by_date(const dsc_date_t *mdates, size_t nm, const dsc_date_t *odates,
                               const double *obs, size_t ostride, size_t no, double *target);

/* Targets paired by position in the year (the calendar alignment "year_fraction"): model
 * day k of a year of L_m days (calendar mcal) takes the observed day
 * floor((k - 0.5) L_o / L_m) + 1 of the same year of L_o days (calendar ocal), NaN when the
 * observations lack it. For a 360_day model against standard observations every model day
 * gets an observation and the 5 or 6 unused observed days are spread over the year. */
void dsc_features_pair_by_year_fraction(const dsc_date_t *mdates, dsc_calendar_t mcal,
                                        size_t nm, const dsc_date_t *odates,
                                        dsc_calendar_t ocal, const double *obs,
                                        size_t ostride, size_t no, double *target);

/* Targets paired by rank: within each calendar month of the years [y0, y1], the model day
 * whose value has rank r among that month's n_m model values gets the observed quantile at
 * probability (r + 0.5) / n_m of that month's observed values (linear interpolation between
 * order statistics). Days outside [y0, y1], days with a missing model value and months with
 * no observation get NaN. model has stride mstride; obs has stride ostride.
 * Returns DSC_ERR_NOMEM only. */
int dsc_features_pair_by_rank(dsc_ctx_t *ctx, const dsc_date_t *mdates, const double *model,
                              size_t mstride, size_t nm, const dsc_date_t *odates,
                              const double *obs, size_t ostride, size_t no, int y0, int y1,
                              double *target);

#endif
