/* report.c - the report stage: describes the run (settings in effect, inputs with their
 * checksums, regions and periods) for the report module, which writes report/index.html. */
#include "dsc/report.h"
#include "pipeline/cache.h"
#include "pipeline/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_SETTINGS 40

/* The settings as text, kept alive for the report call. */
typedef struct {
    dsc_report_setting_t s[MAX_SETTINGS];
    char values[MAX_SETTINGS][160];
    size_t n;
} settings_t;

static void add(settings_t *st, const char *section, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void add(settings_t *st, const char *section, const char *key, const char *fmt, ...)
{
    if (st->n == MAX_SETTINGS)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st->values[st->n], sizeof st->values[0], fmt, ap);
    va_end(ap);
    st->s[st->n] = (dsc_report_setting_t){section, key, st->values[st->n]};
    st->n++;
}

static void list_text(char *buf, size_t size, const char (*items)[32], size_t n)
{
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++)
        snprintf(buf + strlen(buf), size - strlen(buf), "%s%s", i ? ", " : "", items[i]);
}

static void settings_build(const dsc_pipeline_t *p, settings_t *st)
{
    char hidden[128] = "", buf[160];
    for (size_t i = 0; i < p->nn.n_hidden; i++)
        snprintf(hidden + strlen(hidden), sizeof hidden - strlen(hidden), "%s%zu", i ? ", " : "",
                 p->nn.hidden[i]);
    add(st, "ann", "hidden", "%s", hidden);
    add(st, "ann", "activation", "%s", dsc_nn_activation_name(p->nn.activation));
    add(st, "ann", "optimizer", "%s", p->nn.optimizer);
    add(st, "ann", "learning_rate", "%g", p->nn.learning_rate);
    add(st, "ann", "batch_size", "%zu", p->nn.batch_size);
    add(st, "ann", "epochs", "%zu", p->nn.epochs);
    add(st, "ann", "patience", "%zu", p->nn.patience);
    add(st, "ann", "weight_decay", "%g", p->nn.weight_decay);
    add(st, "ann", "rule", "%s", p->nn.rule);
    add(st, "ann", "seed", "%llu", (unsigned long long)p->nn.seed);
    add(st, "ann", "ensemble", "%zu", p->ensemble);
    if (p->nrules) {
        list_text(buf, sizeof buf, p->rules, p->nrules);
        add(st, "ann", "compare_rules", "%s", buf);
    }
    add(st, "linear", "ridge", "%g", p->ridge);
    add(st, "bias_correction", "historical", "%s", p->bc_hist.method);
    add(st, "bias_correction", "future", "%s", p->bc_future.method);
    add(st, "bias_correction", "grouping", "%s",
        p->bc_hist.grouping == DSC_BC_GROUP_DOY ? "doy" : "month");
    add(st, "bias_correction", "window", "%d days", p->bc_hist.window);
    add(st, "bias_correction", "quantiles", "%zu", p->bc_hist.nquantiles);
    add(st, "regrid", "method", "%s", p->regrid_method);
    add(st, "evaluation", "folds", "%zu%s", p->cv_folds, p->cv_folds ? "" : " (off)");
    add(st, "output", "hist_bin_width",
        "%g \xc2\xb0"
        "C",
        p->hist_bin_width);
    unsigned f = p->figure_formats ? p->figure_formats : DSC_FIGURE_PNG;
    add(st, "output", "formats", "%s%s%s", f & DSC_FIGURE_PNG ? "png " : "",
        f & DSC_FIGURE_SVG ? "svg " : "", f & DSC_FIGURE_PDF ? "pdf" : "");
}

/* Regions with their name lists as pointer arrays, as the report takes them. */
typedef struct {
    dsc_report_region_t *r;
    const char **names; /* every list of every region, one block */
} regions_t;

static int regions_build(dsc_ctx_t *ctx, const dsc_pipeline_t *p, regions_t *rs)
{
    size_t total = 0;
    for (size_t j = 0; j < p->njob; j++)
        total += p->jobs[j].nvar + p->jobs[j].nmodel + p->jobs[j].nscen;
    rs->r = dsc_calloc(ctx, p->njob ? p->njob : 1, sizeof *rs->r, "report regions");
    rs->names = dsc_calloc(ctx, total ? total : 1, sizeof *rs->names, "report regions");
    if (!rs->r || !rs->names)
        return DSC_ERR_NOMEM;
    const char **next = rs->names;
    for (size_t j = 0; j < p->njob; j++) {
        const dsc_job_t *job = &p->jobs[j];
        dsc_report_region_t *r = &rs->r[j];
        r->name = job->region.name;
        r->title = job->region.title;
        r->variables = next;
        for (size_t v = 0; v < job->nvar; v++)
            *next++ = job->variables[v];
        r->models = next;
        for (size_t m = 0; m < job->nmodel; m++)
            *next++ = job->models[m];
        r->scenarios = next;
        for (size_t s = 0; s < job->nscen; s++)
            *next++ = job->scenarios[s];
        r->nvar = job->nvar;
        r->nmodel = job->nmodel;
        r->nscen = job->nscen;
        r->train = (dsc_report_period_t){job->train.y0, job->train.y1};
        r->valid = (dsc_report_period_t){job->valid.y0, job->valid.y1};
        r->base = (dsc_report_period_t){job->base.y0, job->base.y1};
        r->late = (dsc_report_period_t){job->late.y0, job->late.y1};
    }
    return DSC_OK;
}

int dsc_stage_report(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const char *argv_line,
                     const dsc_outputs_t *outputs, struct dsc_checksums *cs, const char *outcome)
{
    settings_t *st = dsc_calloc(ctx, 1, sizeof *st, "report settings");
    dsc_outputs_t in = {0};
    regions_t rs = {0};
    dsc_report_input_t *inputs = NULL;
    char(*hex)[65] = NULL;
    int rc = st ? dsc_manifest_inputs(ctx, p, &in) : DSC_ERR_NOMEM;
    if (!rc) {
        inputs = dsc_calloc(ctx, in.n ? in.n : 1, sizeof *inputs, "report inputs");
        hex = dsc_calloc(ctx, in.n ? in.n : 1, sizeof *hex, "report inputs");
        rc = inputs && hex ? DSC_OK : DSC_ERR_NOMEM;
    }
    for (size_t i = 0; i < in.n && !rc; i++) {
        struct stat sb;
        int known = dsc_checksums_get(ctx, cs, in.paths[i], hex[i]) == DSC_OK;
        inputs[i] = (dsc_report_input_t){in.paths[i],
                                         stat(in.paths[i], &sb) == 0 ? (long long)sb.st_size : -1,
                                         known ? hex[i] : NULL};
    }
    if (!rc)
        rc = regions_build(ctx, p, &rs);
    if (!rc) {
        settings_build(p, st);
        /* No description: the pipeline file, comments and all, is shown whole instead. */
        dsc_report_info_t info = {p->name,      NULL,    p->path,     NULL,   argv_line,
                                  p->data_root, outcome, DSC_VERSION, st->s,  st->n,
                                  inputs,       in.n,    rs.r,        p->njob};
        rc = dsc_report_write(ctx, p->out_dir, &info, (const char *const *)outputs->paths,
                              outputs->n);
    }
    if (!rc) {
        char path[DSC_PATH_MAX + 32];
        snprintf(path, sizeof path, "%s/report/index.html", p->out_dir);
        dsc_log(ctx, DSC_LOG_INFO, "report", "%s written", path);
    }
    free(rs.r);
    free(rs.names);
    free(inputs);
    free(hex);
    free(st);
    dsc_outputs_clear(&in);
    return rc;
}
