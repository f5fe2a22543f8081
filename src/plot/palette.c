/* palette.c - the colours of every figure: the Okabe-Ito categorical palette (safe for the
 * common forms of colour blindness), a sequential scale for means and a diverging one for
 * changes and biases. */
#include <math.h>

#include "plot_internal.h"

/* Okabe & Ito (2008), "Color Universal Design". Black first, as observations are usually
 * series 0; yellow last, as it is the faintest on white. */
static const uint32_t categorical[] = {
    0x000000, /* black */
    0xE69F00, /* orange */
    0x0072B2, /* blue */
    0x009E73, /* bluish green */
    0xD55E00, /* vermillion */
    0x56B4E9, /* sky blue */
    0xCC79A7, /* reddish purple */
    0xF0E442, /* yellow */
};

#define NCATEGORICAL (sizeof categorical / sizeof categorical[0])

uint32_t dsc_plot_color(size_t index)
{
    return categorical[index % NCATEGORICAL];
}

/* Sequential: dark blue-purple through teal to yellow, close to matplotlib's viridis,
 * which rises monotonically in lightness and so reads correctly in grey too. */
static const double sequential[][3] = {
    {0.267, 0.005, 0.329}, {0.283, 0.141, 0.458}, {0.254, 0.265, 0.530}, {0.207, 0.372, 0.553},
    {0.164, 0.471, 0.558}, {0.128, 0.567, 0.551}, {0.135, 0.659, 0.518}, {0.267, 0.749, 0.441},
    {0.478, 0.821, 0.318}, {0.741, 0.873, 0.150}, {0.993, 0.906, 0.144},
};

/* Diverging: blue for negative, near-white at zero, red for positive, with both arms equal
 * in lightness so that neither sign looks stronger. */
static const double diverging_stops[][3] = {
    {0.020, 0.188, 0.380}, {0.129, 0.400, 0.675}, {0.263, 0.576, 0.765}, {0.573, 0.773, 0.871},
    {0.820, 0.898, 0.941}, {0.969, 0.969, 0.969}, {0.992, 0.859, 0.780}, {0.957, 0.647, 0.510},
    {0.839, 0.376, 0.302}, {0.698, 0.094, 0.169}, {0.404, 0.000, 0.122},
};

#define NSTOPS 11

static const double (*stops_of(int diverging))[3]
{
    return diverging ? diverging_stops : sequential;
}

void plot_scale_rgb(int diverging, double t, double rgb[3])
{
    const double(*stops)[3] = stops_of(diverging);

    if (!(t > 0))
        t = 0;
    if (t > 1)
        t = 1;
    double pos = t * (NSTOPS - 1);
    int i = (int)floor(pos);
    if (i >= NSTOPS - 1)
        i = NSTOPS - 2;
    double f = pos - i;
    for (int c = 0; c < 3; c++)
        rgb[c] = stops[i][c] + f * (stops[i + 1][c] - stops[i][c]);
}

cairo_pattern_t *plot_scale_gradient(int diverging, double x0, double y0, double x1, double y1)
{
    const double(*stops)[3] = stops_of(diverging);
    cairo_pattern_t *p = cairo_pattern_create_linear(x0, y0, x1, y1);

    /* The same stops, linearly interpolated, so the colour bar matches the cells. */
    for (int i = 0; i < NSTOPS; i++)
        cairo_pattern_add_color_stop_rgb(p, (double)i / (NSTOPS - 1), stops[i][0], stops[i][1],
                                         stops[i][2]);
    return p;
}
