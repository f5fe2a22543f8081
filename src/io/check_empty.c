/* check_empty.c - dsc_io_check_not_empty: refuse a series with no value at all.
 *
 * A file can be perfectly readable and still hold nothing for the place asked for: a
 * station whose every day is the fill value, or a model grid masked over the city. Without
 * this check such a series travels on as NaN and fails much later, in training or in the
 * statistics, with a message about numbers rather than about the file.
 */
#include "dsc/io.h"

#include <math.h>
#include <stdio.h>

static int point_has_value(const dsc_field_t *f, size_t cell, size_t ncell)
{
    for (size_t t = 0; t < f->ntime; t++)
        if (!isnan(f->values[t * ncell + cell]))
            return 1;
    return 0;
}

int dsc_io_check_not_empty(dsc_ctx_t *ctx, const dsc_field_t *f)
{
    if (!f)
        return dsc_error(ctx, DSC_ERR_USAGE, "dsc_io_check_not_empty: no field");
    size_t ncell = dsc_field_ncells(f);
    if (f->grid.kind == DSC_GRID_POINTS) {
        for (size_t c = 0; c < ncell; c++) {
            if (point_has_value(f, c, ncell))
                continue;
            const char *name = f->grid.names ? f->grid.names[c] : NULL;
            if (name && *name)
                return dsc_error(ctx, DSC_ERR_RANGE, "%s: %s: every value at site '%s' is "
                                 "missing (%zu steps)", f->source, f->name, name, f->ntime);
            return dsc_error(ctx, DSC_ERR_RANGE, "%s: %s: every value at lat %g, lon %g is "
                             "missing (%zu steps)", f->source, f->name, f->grid.lat[c],
                             f->grid.lon[c], f->ntime);
        }
        return DSC_OK;
    }
    for (size_t c = 0; c < ncell; c++)
        if (point_has_value(f, c, ncell))
            return DSC_OK;
    return dsc_error(ctx, DSC_ERR_RANGE, "%s: %s: every value of the %zu x %zu cells read is "
                     "missing (%zu steps)", f->source, f->name, f->grid.nlat, f->grid.nlon,
                     f->ntime);
}
