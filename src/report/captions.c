/* captions.c - what each kind of figure shows, in the order the page shows them: the
 * series first (past, then future), then validation (Taylor, histogram), training, maps. */
#include <string.h>

#include "report_internal.h"

static void period(FILE *fp, dsc_report_period_t p)
{
    if (p.y0)
        fprintf(fp, "%d\xe2\x80\x93%d", p.y0, p.y1);
    else
        fputs("(not set)", fp);
}

/* A scenario map's kind: "map_<scenario>_<rest>"; the scenario index or -1. */
static int map_scenario(const dsc_report_region_t *r, const char *what, const char **rest)
{
    if (strncmp(what, "map_", 4) != 0)
        return -1;
    for (size_t s = 0; s < r->nscen; s++) {
        size_t n = strlen(r->scenarios[s]);
        if (strncmp(what + 4, r->scenarios[s], n) == 0 && what[4 + n] == '_') {
            *rest = what + 5 + n;
            return (int)s;
        }
    }
    return -1;
}

static const char *const ORDER[] = {"series_historical",
                                    "series_annual",
                                    "series_future",
                                    "taylor",
                                    "taylor_annual_cycle",
                                    "histogram",
                                    "learning_curve",
                                    "learning_rules",
                                    "map_historical_mean_obs",
                                    "map_historical_bias_ann_bc"};
#define NORDER (sizeof ORDER / sizeof ORDER[0])

int report_figure_rank(const dsc_report_region_t *r, const char *what)
{
    for (size_t i = 0; i < NORDER; i++)
        if (strcmp(what, ORDER[i]) == 0)
            return (int)i;
    const char *rest;
    int s = map_scenario(r, what, &rest);
    /* Per scenario: its mean map, then its change map. */
    if (s >= 0)
        return (int)NORDER + 2 * s + (strstr(rest, "change") ? 1 : 0);
    return 1000;
}

void report_caption(FILE *fp, const dsc_report_region_t *r, const char *what)
{
    const char *rest;
    int s = map_scenario(r, what, &rest);
    if (strcmp(what, "series_historical") == 0) {
        fputs("Daily values (faint: observed and ANN bias-corrected) and annual means (bold) "
              "of the observations and of every method over the historical period: training ",
              fp);
        period(fp, r->train);
        fputs(", validation ", fp);
        period(fp, r->valid);
        fputs(". A year counts when at least 90\xc2\xa0% of its days have values.", fp);
    } else if (strcmp(what, "series_annual") == 0) {
        fputs("Annual means alone, on an axis fitted to them, so the methods' offsets from the "
              "observations can be read.", fp);
    } else if (strcmp(what, "series_future") == 0) {
        fputs("Annual means of the bias-corrected ANN for each scenario after the observed "
              "record (black). With several models, the line is the multi-model mean and the "
              "band \xc2\xb1" "1 standard deviation across models.", fp);
    } else if (strcmp(what, "taylor") == 0 || strcmp(what, "taylor_annual_cycle") == 0) {
        fputs("Taylor diagram of ", fp);
        fputs(strcmp(what, "taylor") ? "the mean annual cycle" : "daily values", fp);
        fputs(" over the validation years ", fp);
        period(fp, r->valid);
        fputs(": standard deviation relative to the observed one (radius), correlation with "
              "the observations (angle) and centred RMS difference (dashed arcs, also "
              "relative). The observations sit at 1 on the horizontal axis.", fp);
    } else if (strcmp(what, "histogram") == 0) {
        fputs("Distribution of daily values over the validation years ", fp);
        period(fp, r->valid);
        fputs(": observed as grey bars, each method as a line, as probability density on "
              "shared bins.", fp);
    } else if (strcmp(what, "learning_curve") == 0) {
        fputs("Training and validation loss of the first ANN of the first cell per epoch "
              "(mean squared error of standardised values, logarithmic axis).", fp);
    } else if (strcmp(what, "learning_rules") == 0) {
        fputs("Learning rules compared on one cell: validation loss (bold) and training loss "
              "(faint) of one network per rule against training steps; the curves are in "
              "learning/.", fp);
    } else if (strcmp(what, "map_historical_mean_obs") == 0) {
        fputs("Observed mean over ", fp);
        period(fp, r->base);
        fputs(", in the region's Lambert azimuthal equal-area projection.", fp);
    } else if (strcmp(what, "map_historical_bias_ann_bc") == 0) {
        fputs("Bias of the bias-corrected ANN: its mean minus the observed mean, ", fp);
        period(fp, r->base);
        fputs(". Diverging scale centred on zero.", fp);
    } else if (s >= 0 && strstr(rest, "change")) {
        fputs("Change under ", fp);
        report_text(fp, r->scenarios[s]);
        fputs(": bias-corrected ANN mean ", fp);
        period(fp, r->late);
        fputs(" minus its mean ", fp);
        period(fp, r->base);
        fputs(". Diverging scale centred on zero.", fp);
    } else if (s >= 0) {
        fputs("Bias-corrected ANN mean ", fp);
        period(fp, r->late);
        fputs(" under ", fp);
        report_text(fp, r->scenarios[s]);
        fputs(".", fp);
    } else {
        for (const char *p = what; *p; p++)
            fputc(*p == '_' ? ' ' : *p, fp);
        fputs(".", fp);
    }
}
