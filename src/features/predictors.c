/* predictors.c - predictor rows: model columns plus the seasonal cycle. */
#include "dsc/features.h"

#include <math.h>

size_t dsc_features_count(size_t ncols)
{
    return ncols + 2;
}

void dsc_features_fill(const dsc_features_column_t *cols, size_t ncols, const dsc_date_t *dates,
                       dsc_calendar_t cal, size_t t0, size_t n, double *x)
{
    size_t p = dsc_features_count(ncols);
    for (size_t i = 0; i < n; i++) {
        size_t t = t0 + i;
        double *row = x + i * p;
        for (size_t c = 0; c < ncols; c++)
            row[c] = cols[c].values[t * cols[c].stride];
        /* The phase runs over the calendar's own year length, so 360_day and noleap years
         * both make one full turn per year. */
        double len = dsc_calendar_days_in_year(cal, dates[t].year);
        double phase = 2.0 * M_PI * (dsc_date_doy(cal, dates[t]) - 0.5) / len;
        row[ncols] = sin(phase);
        row[ncols + 1] = cos(phase);
    }
}
