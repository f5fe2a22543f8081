/* axis.c - tick steps that are round numbers, a date axis in decimal years labelled by year,
 * a log axis, and the frame (data rectangle with two axes) the line charts draw into. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plot_internal.h"

#define MINUS_SIGN "\xe2\x88\x92"

static const char *const month_names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

double plot_nice_step(double span, int target)
{
    static const double mantissas[] = {1, 2, 2.5, 5, 10};

    if (!(span > 0) || !isfinite(span))
        return 1;
    if (target < 1)
        target = 1;
    double raw = span / target;
    double mag = pow(10, floor(log10(raw)));
    for (size_t i = 0; i < sizeof mantissas / sizeof mantissas[0]; i++) {
        double step = mantissas[i] * mag;
        /* 2.5 and 0.25 would add a decimal to every label; 25, 250 do not. */
        if (mantissas[i] == 2.5 && mag < 10)
            continue;
        if (step >= raw * (1 - 1e-9))
            return step;
    }
    return 10 * mag;
}

/* Decimals needed to write every multiple of step exactly. */
static int decimals_of(double step)
{
    for (int d = 0; d < 8; d++) {
        double scaled = step * pow(10, d);
        if (fabs(scaled - round(scaled)) < 1e-6 * scaled)
            return d;
    }
    return 8;
}

static void widen_degenerate(plot_axis_kind kind, double *lo, double *hi)
{
    if (!isfinite(*lo) || !isfinite(*hi) || (kind == PLOT_AXIS_LOG && !(*lo > 0))) {
        *lo = kind == PLOT_AXIS_LOG ? 1 : 0;
        *hi = kind == PLOT_AXIS_LOG ? 10 : 1;
    }
    if (*lo > *hi) {
        double t = *lo;
        *lo = *hi;
        *hi = t;
    }
    if (*hi - *lo <= 1e-12 * fmax(fabs(*lo), fabs(*hi))) {
        if (kind == PLOT_AXIS_LOG) {
            *lo /= 2;
            *hi *= 2;
        } else if (kind == PLOT_AXIS_YEARS) {
            *lo -= 0.5;
            *hi += 0.5;
        } else {
            double pad = *lo != 0 ? 0.1 * fabs(*lo) : 1;
            *lo -= pad;
            *hi += pad;
        }
    }
}

/* The largest 1, 2 or 5 times a power of ten not above v, and the smallest not below. */
static double floor_125(double v)
{
    double base = pow(10, floor(log10(v) + 1e-9));
    double m = v / base * (1 + 1e-9);
    return (m >= 5 ? 5 : m >= 2 ? 2 : 1) * base;
}

static double ceil_125(double v)
{
    double base = pow(10, floor(log10(v) + 1e-9));
    double m = v / base * (1 - 1e-9);
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * base;
}

static void axis_years(plot_axis_t *a, int target)
{
    static const int month_steps[] = {1, 2, 3, 6};
    double span = a->hi - a->lo;

    for (size_t i = 0; i < sizeof month_steps / sizeof month_steps[0]; i++) {
        if (span * 12 / month_steps[i] <= target) {
            a->months = month_steps[i];
            a->step = month_steps[i] / 12.0;
            return;
        }
    }
    a->step = fmax(1, plot_nice_step(span, target));
}

void plot_axis_set(plot_axis_t *a, plot_axis_kind kind, double lo, double hi, int target,
                   int expand)
{
    memset(a, 0, sizeof *a);
    widen_degenerate(kind, &lo, &hi);
    a->kind = kind;
    a->lo = lo;
    a->hi = hi;
    if (target < 1)
        target = 1;

    if (kind == PLOT_AXIS_YEARS) {
        axis_years(a, target);
    } else if (kind == PLOT_AXIS_LOG) {
        a->step = 1; /* one decade */
        if (expand) {
            /* Whole decades waste most of the height when the data span one or two, so
             * short ranges end on 1, 2 or 5 instead. */
            a->lo = floor_125(lo);
            a->hi = ceil_125(hi);
            if (log10(a->hi / a->lo) > 2.5) {
                a->lo = pow(10, floor(log10(lo) + 1e-9));
                a->hi = pow(10, ceil(log10(hi) - 1e-9));
            }
            if (a->hi <= a->lo)
                a->hi = a->lo * 10;
        }
    } else {
        a->step = plot_nice_step(hi - lo, target);
        if (expand) {
            a->lo = floor(lo / a->step + 1e-9) * a->step;
            a->hi = ceil(hi / a->step - 1e-9) * a->step;
        }
        a->decimals = decimals_of(a->step);
    }
}

static size_t push_tick(plot_tick_t *ticks, size_t n, size_t max, double v, int major)
{
    if (n < max) {
        ticks[n].value = v;
        ticks[n].major = major;
        n++;
    }
    return n;
}

static size_t log_ticks(const plot_axis_t *a, plot_tick_t *ticks, size_t max)
{
    int k0 = (int)floor(log10(a->lo) + 1e-9);
    int k1 = (int)ceil(log10(a->hi) - 1e-9);
    /* Over a decade or two the powers of ten alone are too few to read values from. */
    int label_25 = log10(a->hi / a->lo) <= 2.5;
    size_t n = 0;

    for (int k = k0; k <= k1; k++) {
        for (int m = 1; m <= 9; m++) {
            double v = m * pow(10, k);
            if (v < a->lo * (1 - 1e-9) || v > a->hi * (1 + 1e-9))
                continue;
            int major = m == 1 || (label_25 && (m == 2 || m == 5));
            n = push_tick(ticks, n, max, v, major);
        }
    }
    return n;
}

size_t plot_axis_ticks(const plot_axis_t *a, plot_tick_t *ticks, size_t max)
{
    size_t n = 0;

    if (a->kind == PLOT_AXIS_LOG)
        return log_ticks(a, ticks, max);
    if (a->kind == PLOT_AXIS_YEARS && a->months > 0) {
        /* Month index counted from January of year 0, so multiples of the step start in
         * January. Months are drawn at year + (month - 1) / 12, close enough to the
         * calendar's first day for a tick mark. */
        double first = ceil(a->lo * 12 / a->months - 1e-9) * a->months;
        for (double m = first; m / 12 <= a->hi + 1e-9; m += a->months)
            n = push_tick(ticks, n, max, m / 12, 1);
        return n;
    }
    double eps = 1e-9 * a->step;
    double first = ceil((a->lo - eps) / a->step);
    for (double i = first;; i++) {
        double v = i * a->step;
        if (v > a->hi + eps)
            break;
        if (fabs(v) < eps)
            v = 0;
        n = push_tick(ticks, n, max, v, 1);
        if (n == max)
            break;
    }
    return n;
}

void plot_format_number(double value, int decimals, char *buf, size_t size)
{
    char tmp[64];

    if (fabs(value) < 0.5 * pow(10, -decimals))
        value = 0;
    snprintf(tmp, sizeof tmp, "%.*f", decimals, value);
    if (tmp[0] == '-')
        snprintf(buf, size, "%s%s", MINUS_SIGN, tmp + 1);
    else
        snprintf(buf, size, "%s", tmp);
}

static void format_log(double value, char *buf, size_t size)
{
    int k = (int)floor(log10(value) + 1e-9);

    if (k >= -3 && k <= 4) {
        snprintf(buf, size, "%g", value);
        return;
    }
    double m = value / pow(10, k);
    if (fabs(m - 1) < 1e-6)
        snprintf(buf, size, "1e%d", k);
    else
        snprintf(buf, size, "%.0fe%d", m, k);
}

void plot_axis_format(const plot_axis_t *a, double value, char *buf, size_t size)
{
    if (a->kind == PLOT_AXIS_LOG) {
        format_log(value, buf, size);
    } else if (a->kind == PLOT_AXIS_YEARS && a->months > 0) {
        long m = lround(value * 12);
        long year = (long)floor(m / 12.0);
        int month = (int)(m - 12 * year);
        /* The year is written on January and on the first tick, so every label can be
         * placed in time without crowding the axis. */
        if (month == 0 || value - a->months / 12.0 < a->lo - 1e-9)
            snprintf(buf, size, "%s %ld", month_names[month], year);
        else
            snprintf(buf, size, "%s", month_names[month]);
    } else if (a->kind == PLOT_AXIS_YEARS) {
        snprintf(buf, size, "%ld", lround(value));
    } else {
        plot_format_number(value, a->decimals, buf, size);
    }
}

double plot_axis_fraction(const plot_axis_t *a, double value)
{
    if (a->kind == PLOT_AXIS_LOG) {
        if (!(value > 0))
            return NAN;
        return (log10(value) - log10(a->lo)) / (log10(a->hi) - log10(a->lo));
    }
    return (value - a->lo) / (a->hi - a->lo);
}

double plot_frame_x(const plot_frame_t *f, double v)
{
    return f->x + plot_axis_fraction(&f->xa, v) * f->w;
}

double plot_frame_y(const plot_frame_t *f, double v)
{
    return f->y + f->h - plot_axis_fraction(&f->ya, v) * f->h;
}

/* Widest label of the major ticks of an axis, in the current font. */
static double widest_label(plot_canvas_t *cv, const plot_axis_t *a)
{
    plot_tick_t ticks[PLOT_MAX_TICKS];
    size_t n = plot_axis_ticks(a, ticks, PLOT_MAX_TICKS);
    double w = 0;
    char buf[64];

    for (size_t i = 0; i < n; i++) {
        if (!ticks[i].major)
            continue;
        plot_axis_format(a, ticks[i].value, buf, sizeof buf);
        w = fmax(w, plot_text_width(cv, buf));
    }
    return w;
}

/* True when neighbouring major labels of the x axis keep at least gap apart, and the last
 * one's overhang past the right end of the axis. */
static int x_labels_fit(plot_canvas_t *cv, const plot_frame_t *f, double gap, double *overhang)
{
    plot_tick_t ticks[PLOT_MAX_TICKS];
    size_t n = plot_axis_ticks(&f->xa, ticks, PLOT_MAX_TICKS);
    double prev_right = -INFINITY;
    char buf[64];

    *overhang = 0;
    for (size_t i = 0; i < n; i++) {
        if (!ticks[i].major)
            continue;
        plot_axis_format(&f->xa, ticks[i].value, buf, sizeof buf);
        double w = plot_text_width(cv, buf);
        double x = plot_frame_x(f, ticks[i].value);
        if (x - w / 2 < prev_right + gap)
            return 0;
        prev_right = x + w / 2;
        *overhang = fmax(0, prev_right - (f->x + f->w));
    }
    return 1;
}

static void choose_x_axis(plot_canvas_t *cv, plot_frame_t *f, const plot_axes_spec_t *s)
{
    double tick = plot_font(cv, PLOT_FONT_TICK, 0);
    double full_w = f->w;
    int start = (int)fmin(14, fmax(2, f->w / (4 * tick)));

    for (int target = start; target >= 1; target--) {
        double overhang;
        f->w = full_w;
        plot_axis_set(&f->xa, s->xkind, s->xmin, s->xmax, target, s->xexpand);
        if (x_labels_fit(cv, f, 1.5 * tick, &overhang) || target == 1) {
            /* Keep the last label inside the figure by narrowing the frame a little. */
            if (overhang > 0 && overhang < f->w / 4) {
                f->w -= overhang;
                if (!x_labels_fit(cv, f, 1.5 * tick, &overhang) && target > 1)
                    continue;
            }
            return;
        }
    }
}

void plot_frame_layout(plot_canvas_t *cv, plot_frame_t *f, const plot_axes_spec_t *s, double x0,
                       double y0, double x1, double y1)
{
    double label = plot_font(cv, PLOT_FONT_LABEL, 0);
    double tick = plot_font(cv, PLOT_FONT_TICK, 0);
    double gap = 0.5 * tick;
    double ticklen = 0.4 * tick;
    double bottom = ticklen + gap + tick + (s->xlabel ? gap + 1.1 * label : 0) + 1.5 * gap;

    memset(f, 0, sizeof *f);
    /* Half a tick label above the frame, so the top y label is never cut. */
    f->y = y0 + 0.6 * tick;
    f->h = y1 - bottom - f->y;
    int ytarget = (int)fmin(10, fmax(2, f->h / (3.5 * tick)));
    plot_axis_set(&f->ya, s->ykind, s->ymin, s->ymax, ytarget, s->yexpand);

    double left = widest_label(cv, &f->ya) + gap + ticklen + (s->ylabel ? 1.1 * label + gap : 0);
    f->x = x0 + left + gap;
    f->w = x1 - gap - f->x;
    choose_x_axis(cv, f, s);
}

void plot_frame_grid(plot_canvas_t *cv, const plot_frame_t *f)
{
    cairo_t *cr = cv->cr;
    plot_tick_t ticks[PLOT_MAX_TICKS];
    const plot_axis_t *axes[2] = {&f->xa, &f->ya};

    cairo_save(cr);
    for (int k = 0; k < 2; k++) {
        size_t n = plot_axis_ticks(axes[k], ticks, PLOT_MAX_TICKS);
        for (size_t i = 0; i < n; i++) {
            double grey = ticks[i].major ? 0.88 : 0.94;
            cairo_set_source_rgb(cr, grey, grey, grey);
            cairo_set_line_width(cr, plot_px(cv, ticks[i].major ? 1.0 : 0.8));
            if (k == 0) {
                double x = plot_frame_x(f, ticks[i].value);
                cairo_move_to(cr, x, f->y);
                cairo_line_to(cr, x, f->y + f->h);
            } else {
                double y = plot_frame_y(f, ticks[i].value);
                cairo_move_to(cr, f->x, y);
                cairo_line_to(cr, f->x + f->w, y);
            }
            cairo_stroke(cr);
        }
    }
    cairo_restore(cr);
}

static void draw_ticks(plot_canvas_t *cv, const plot_frame_t *f, int vertical)
{
    cairo_t *cr = cv->cr;
    const plot_axis_t *a = vertical ? &f->ya : &f->xa;
    plot_tick_t ticks[PLOT_MAX_TICKS];
    size_t n = plot_axis_ticks(a, ticks, PLOT_MAX_TICKS);
    double tick = plot_font(cv, PLOT_FONT_TICK, 0);
    double len = 0.4 * tick, gap = 0.5 * tick;
    char buf[64];

    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_set_line_width(cr, plot_px(cv, 1.0));
    for (size_t i = 0; i < n; i++) {
        double l = ticks[i].major ? len : 0.6 * len;
        if (vertical) {
            double y = plot_frame_y(f, ticks[i].value);
            cairo_move_to(cr, f->x, y);
            cairo_line_to(cr, f->x - l, y);
        } else {
            double x = plot_frame_x(f, ticks[i].value);
            cairo_move_to(cr, x, f->y + f->h);
            cairo_line_to(cr, x, f->y + f->h + l);
        }
        cairo_stroke(cr);
        if (!ticks[i].major)
            continue;
        plot_axis_format(a, ticks[i].value, buf, sizeof buf);
        if (vertical)
            plot_text(cv, f->x - len - gap, plot_frame_y(f, ticks[i].value), buf, 1, 0.5, 0);
        else
            plot_text(cv, plot_frame_x(f, ticks[i].value), f->y + f->h + len + gap, buf, 0.5, 0, 0);
    }
}

void plot_frame_axes(plot_canvas_t *cv, const plot_frame_t *f, const plot_axes_spec_t *s)
{
    cairo_t *cr = cv->cr;

    cairo_save(cr);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_set_line_width(cr, plot_px(cv, 1.0));
    cairo_rectangle(cr, f->x, f->y, f->w, f->h);
    cairo_stroke(cr);
    draw_ticks(cv, f, 0);
    draw_ticks(cv, f, 1);

    double tick = plot_font(cv, PLOT_FONT_TICK, 0);
    double ywidest = widest_label(cv, &f->ya);
    double gap = 0.5 * tick, len = 0.4 * tick;
    plot_font(cv, PLOT_FONT_LABEL, 0);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    if (s->xlabel)
        plot_text(cv, f->x + f->w / 2, f->y + f->h + len + gap + tick + gap, s->xlabel, 0.5, 0, 0);
    /* Turned a quarter anticlockwise, the label's bottom faces the tick labels. */
    if (s->ylabel)
        plot_text(cv, f->x - len - gap - ywidest - gap, f->y + f->h / 2, s->ylabel, 0.5, 1,
                  -M_PI / 2);
    cairo_restore(cr);
}

void plot_frame_clip(plot_canvas_t *cv, const plot_frame_t *f)
{
    cairo_rectangle(cv->cr, f->x, f->y, f->w, f->h);
    cairo_clip(cv->cr);
}
