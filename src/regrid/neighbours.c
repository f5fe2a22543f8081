/* neighbours.c - what nearest and idw share: the window of centres searched around the cell
 * that holds a target, and great-circle angles to rank them. */
#include "regrid_internal.h"

#include <math.h>

#define DEG2RAD (3.14159265358979323846 / 180.0)

double dsc_regrid_central_angle(double lat1, double lon1, double lat2, double lon2)
{
    /* Haversine: accurate for the small angles between neighbours, where the cosine
     * formula loses digits. */
    double p1 = lat1 * DEG2RAD, p2 = lat2 * DEG2RAD;
    double sp = sin(0.5 * (p2 - p1)), sl = sin(0.5 * (lon2 - lon1) * DEG2RAD);
    double h = sp * sp + cos(p1) * cos(p2) * sl * sl;
    return 2.0 * asin(sqrt(fmin(1.0, h)));
}

void dsc_regrid_column_window(const dsc_regrid_axis_t *lon, size_t c, size_t reach,
                              size_t *first, size_t *count)
{
    size_t n = lon->n;
    if (lon->periodic && n <= 2 * reach + 1) {
        *first = 0;
        *count = n;
    } else if (lon->periodic) {
        *first = (c + n - reach) % n;
        *count = 2 * reach + 1;
    } else {
        *first = c > reach ? c - reach : 0;
        size_t last = c + reach < n - 1 ? c + reach : n - 1;
        *count = last - *first + 1;
    }
}
