/* learning.c - learning curves of network training: loss against step or epoch on a
 * logarithmic loss axis, where the early fall and the late flattening both stay visible. */
#include "plot_internal.h"

int dsc_plot_learning_curves(dsc_ctx_t *ctx, const char *path, const char *title,
                             const char *xlabel, const char *ylabel, const dsc_plot_line_t *lines,
                             size_t nlines, int width, int height)
{
    return plot_xy_draw(ctx, path, title, xlabel, ylabel, lines, nlines, PLOT_AXIS_LINEAR, 1, width,
                        height);
}
