/* seasonal.c - means of the four meteorological seasons, year by year.
 *
 * A winter spans the new year: DJF of year Y is December of Y-1 with January and February
 * of Y, so it is one unbroken season. Taking the December of the same year instead would
 * glue a winter's end to the next winter's start and shift every winter mean.
 */
#include "dsc/stats.h"

#include <math.h>

/* The season of a month (DJF 0, MAM 1, JJA 2, SON 3) and the year the season is counted
 * in: December belongs to the next year's winter. */
static int season_of(dsc_date_t d, int *season_year)
{
    *season_year = d.month == 12 ? d.year + 1 : d.year;
    return (d.month % 12) / 3;
}

/* Days the calendar gives season s of season year y (DJF: December of y - 1). */
static int season_days(dsc_calendar_t cal, int season, int year)
{
    int days = 0;
    for (int k = 0; k < 3; k++) {
        int month = 3 * season + k; /* 0 = December of the year before */
        days += month == 0 ? dsc_calendar_days_in_month(cal, year - 1, 12)
                           : dsc_calendar_days_in_month(cal, year, month);
    }
    return days;
}

const char *dsc_stats_season_name(int season)
{
    static const char *const names[4] = {"DJF", "MAM", "JJA", "SON"};
    return season >= 0 && season < 4 ? names[season] : "?";
}

void dsc_stats_seasonal_means(dsc_calendar_t cal, const dsc_date_t *dates, const double *x,
                              size_t n, double min_coverage, int year0, size_t nyears,
                              double *out)
{
    if (!(min_coverage >= 0.0))
        min_coverage = 0.0;
    if (min_coverage > 1.0)
        min_coverage = 1.0;

    /* As for the annual means: one scan per season year, no workspace, any date order. */
    for (size_t y = 0; y < nyears; y++) {
        int year = year0 + (int)y;
        double sum[4] = {0.0, 0.0, 0.0, 0.0};
        size_t count[4] = {0, 0, 0, 0};
        for (size_t i = 0; i < n; i++) {
            if (dates[i].year != year && dates[i].year != year - 1)
                continue;
            int sy, s = season_of(dates[i], &sy);
            if (sy != year || !isfinite(x[i]) || !dsc_date_valid(cal, dates[i]))
                continue;
            sum[s] += x[i];
            count[s]++;
        }
        for (int s = 0; s < 4; s++) {
            double need = min_coverage * (double)season_days(cal, s, year);
            out[y * 4 + (size_t)s] =
                count[s] > 0 && (double)count[s] >= need ? sum[s] / (double)count[s] : NAN;
        }
    }
}
