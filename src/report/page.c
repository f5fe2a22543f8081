/* page.c - report/index.html: the run, its settings and inputs, then per region and
 * variable the tables, the figures and the data files. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dsc/io.h"
#include "report_internal.h"

#define MAX_CHANGE 64
#define PIPELINE_TEXT_MAX (256 * 1024)

/* Colours: the Okabe-Ito blue for links and vermillion for failures, on white and greys;
 * both keep their contrast for the common colour-vision deficiencies. */
static const char CSS[] =
    "*{box-sizing:border-box}"
    "body{margin:0;font:16px/1.5 'DejaVu Sans',system-ui,-apple-system,'Segoe UI',Roboto,"
    "Helvetica,Arial,sans-serif;color:#1a1a1a;background:#fff}"
    "header{background:#f2f2f2;border-bottom:1px solid #d0d0d0;padding:1.2rem 2rem}"
    "header h1{margin:0 0 .3rem;font-size:1.7rem}header p{margin:.2rem 0}"
    "main{max-width:1280px;margin:0 auto;padding:1rem 2rem 3rem}"
    "nav{margin:1rem 0;padding:.6rem 1rem;border:1px solid #d0d0d0;border-radius:4px}"
    "nav ul{margin:.3rem 0;padding-left:1.2rem;columns:2 18rem}"
    "h2{margin:2.2rem 0 .6rem;padding-bottom:.2rem;border-bottom:2px solid #0072b2;"
    "font-size:1.45rem}"
    "h3{margin:1.8rem 0 .5rem;font-size:1.2rem}h4{margin:1.2rem 0 .4rem;font-size:1.05rem}"
    "a{color:#005a8c}a:visited{color:#6b3d8f}"
    "code,pre{font-family:'DejaVu Sans Mono',ui-monospace,Menlo,Consolas,monospace;"
    "font-size:.85em}"
    "pre{background:#f7f7f7;border:1px solid #e0e0e0;padding:.8rem;overflow:auto;"
    "max-height:32rem}"
    "table{border-collapse:collapse;margin:.4rem 0 1rem;font-size:.93rem}"
    "caption{caption-side:top;text-align:left;font-weight:bold;padding:.3rem 0}"
    "th,td{border:1px solid #d0d0d0;padding:.3rem .6rem;text-align:left;vertical-align:top}"
    "thead th{background:#ececec}tbody tr:nth-child(even){background:#fafafa}"
    "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
    "td.hash{word-break:break-all;font-size:.8rem}td.path{word-break:break-all}"
    "dl.run{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}"
    "dl.run dt{font-weight:bold}dl.run dd{margin:0;word-break:break-word}"
    ".ok{color:#006b4f;font-weight:bold}.fail{color:#b13f00;font-weight:bold}"
    ".note{color:#555;font-style:italic}"
    ".figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(540px,1fr));"
    "gap:1.4rem;margin:.8rem 0}"
    "figure{margin:0;padding:.6rem;border:1px solid #e0e0e0;border-radius:4px;"
    "break-inside:avoid}"
    "figure.wide{grid-column:1/-1}"
    "figure img{display:block;width:100%;height:auto;max-width:max-content;margin:0 auto}"
    "figcaption{font-size:.9rem;margin-top:.4rem}figcaption .links{display:block;"
    "margin-top:.2rem}"
    "details{margin:.5rem 0}summary{cursor:pointer;font-weight:bold}"
    "ul.files{columns:2 24rem;margin:.3rem 0 .8rem}"
    "@media print{nav,details:not([open]){display:none}"
    "main{max-width:none;padding:0}.figures{display:block}figure{margin:0 0 1rem}"
    "a{color:inherit;text-decoration:none}}";

/* ---- small pieces ---------------------------------------------------------------------- */

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* Is the file there to link to? A failed run lists files it never finished. */
static int exists(const char *path)
{
    return access(path, R_OK) == 0;
}

/* A link to a file below out_dir, with text; nothing when it is not below out_dir. */
static void link_to(FILE *fp, const char *out_dir, const char *path, const char *text)
{
    char rel[2048];
    if (!report_relative(out_dir, path, rel, sizeof rel))
        return;
    fputs("<a href=\"", fp);
    report_url(fp, rel);
    fputs("\">", fp);
    report_text(fp, text);
    fputs("</a>", fp);
}

/* An id usable in a URL fragment: letters, digits, '-' and '_' kept, the rest '-'. */
static void anchor(FILE *fp, const char *a, const char *b)
{
    for (int k = 0; k < 2; k++) {
        const char *s = k ? b : a;
        if (k && !s)
            break;
        if (k)
            fputc('-', fp);
        for (; *s; s++) {
            char c = *s;
            int keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                       (c >= '0' && c <= '9') || c == '-' || c == '_';
            fputc(keep ? c : '-', fp);
        }
    }
}

/* What a CF variable name stands for, in words. */
static const char *quantity(const char *var)
{
    if (strcmp(var, "tasmax") == 0)
        return "daily maximum temperature";
    if (strcmp(var, "tasmin") == 0)
        return "daily minimum temperature";
    if (strcmp(var, "tas") == 0)
        return "daily mean temperature";
    return var;
}

/* The stem of a region's main files for one variable: "<region>_<var>". */
static void stem_of(const dsc_report_region_t *r, size_t v, char *buf, size_t size)
{
    snprintf(buf, size, "%s_%s", r->name, r->variables[v]);
}

/* ---- head, run, settings, inputs ------------------------------------------------------- */

static void page_head(FILE *fp, const dsc_report_info_t *info)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta name=\"generator\" content=\"downscale ", fp);
    report_text(fp, info->version);
    fputs("\">\n<title>", fp);
    report_text(fp, info->name);
    fputs(" \xe2\x80\x94 downscale report</title>\n<style>", fp);
    fputs(CSS, fp);
    fputs("</style>\n</head>\n<body>\n<header>\n<h1>Downscaling report: ", fp);
    report_text(fp, info->name);
    fputs("</h1>\n", fp);
    if (info->description && *info->description) {
        fputs("<p>", fp);
        report_text(fp, info->description);
        fputs("</p>\n", fp);
    }
    int ok = info->outcome && strcmp(info->outcome, "success") == 0;
    fprintf(fp, "<p>Outcome: <span class=\"%s\">", ok ? "ok" : "fail");
    report_text(fp, ok ? "success" : "failed");
    fputs("</span></p>\n</header>\n<main>\n", fp);
}

static void page_nav(FILE *fp, const dsc_report_info_t *info)
{
    fputs("<nav aria-label=\"Contents\"><strong>Contents</strong>\n<ul>\n"
          "<li><a href=\"#run\">Run</a></li>\n<li><a href=\"#settings\">Settings</a></li>\n"
          "<li><a href=\"#inputs\">Inputs</a></li>\n", fp);
    for (size_t i = 0; i < info->nregions; i++) {
        const dsc_report_region_t *r = &info->regions[i];
        for (size_t v = 0; v < r->nvar; v++) {
            fputs("<li><a href=\"#", fp);
            anchor(fp, r->name, r->variables[v]);
            fputs("\">", fp);
            report_text(fp, r->title && *r->title ? r->title : r->name);
            fputs(", ", fp);
            report_text(fp, quantity(r->variables[v]));
            fputs("</a></li>\n", fp);
        }
    }
    fputs("</ul>\n</nav>\n", fp);
}

static void dl_item(FILE *fp, const char *term, const char *value, int code)
{
    fputs("<dt>", fp);
    report_text(fp, term);
    fputs(code ? "</dt><dd><code>" : "</dt><dd>", fp);
    report_text(fp, value && *value ? value : "\xe2\x80\x93");
    fputs(code ? "</code></dd>\n" : "</dd>\n", fp);
}

static void section_run(FILE *fp, const char *out_dir, const dsc_report_info_t *info)
{
    char when[64], path[4096];
    time_t now = time(NULL);
    strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", gmtime(&now));
    int ok = info->outcome && strcmp(info->outcome, "success") == 0;

    fputs("<h2 id=\"run\">Run</h2>\n<dl class=\"run\">\n", fp);
    dl_item(fp, "Pipeline", info->name, 0);
    dl_item(fp, "Pipeline file", info->pipeline_file, 1);
    dl_item(fp, "Command", info->command, 1);
    dl_item(fp, "Data root", info->data_root, 1);
    fprintf(fp, "<dt>Outcome</dt><dd class=\"%s\">", ok ? "ok" : "fail");
    report_text(fp, info->outcome ? info->outcome : "unknown");
    fputs("</dd>\n", fp);
    dl_item(fp, "Page written", when, 0);
    dl_item(fp, "Program", info->version ? info->version : "", 0);
    fputs("<dt>Records</dt><dd>", fp);
    snprintf(path, sizeof path, "%s/manifest.json", out_dir);
    link_to(fp, out_dir, path, "manifest.json");
    fputs(" (inputs, settings, versions, timings, outputs) \xc2\xb7 ", fp);
    snprintf(path, sizeof path, "%s/run.log", out_dir);
    link_to(fp, out_dir, path, "run.log");
    fputs("</dd>\n</dl>\n", fp);
}

static char *read_text(const char *path)
{
    FILE *fp = path ? fopen(path, "rb") : NULL;
    if (!fp)
        return NULL;
    char *s = malloc(PIPELINE_TEXT_MAX + 1);
    if (s)
        s[fread(s, 1, PIPELINE_TEXT_MAX, fp)] = '\0';
    fclose(fp);
    return s;
}

static void section_settings(FILE *fp, const dsc_report_info_t *info)
{
    fputs("<h2 id=\"settings\">Settings</h2>\n", fp);
    if (info->nsettings) {
        fputs("<table>\n<caption>Settings in effect (after command-line overrides)</caption>\n"
              "<thead><tr><th scope=\"col\">Section</th><th scope=\"col\">Setting</th>"
              "<th scope=\"col\">Value</th></tr></thead>\n<tbody>\n", fp);
        for (size_t i = 0; i < info->nsettings; i++) {
            const dsc_report_setting_t *s = &info->settings[i];
            fputs("<tr><td>", fp);
            report_text(fp, s->section);
            fputs("</td><td>", fp);
            report_text(fp, s->key);
            fputs("</td><td>", fp);
            report_text(fp, s->value);
            fputs("</td></tr>\n", fp);
        }
        fputs("</tbody>\n</table>\n", fp);
    }
    char *own = info->settings_text ? NULL : read_text(info->pipeline_file);
    const char *text = info->settings_text ? info->settings_text : own;
    if (text) {
        fputs("<details><summary>The pipeline file as written", fp);
        if (info->pipeline_file) {
            fputs(" (<code>", fp);
            report_text(fp, info->pipeline_file);
            fputs("</code>)", fp);
        }
        fputs("</summary>\n<pre>", fp);
        report_text(fp, text);
        fputs("</pre>\n</details>\n", fp);
    }
    free(own);
}

static void section_inputs(FILE *fp, const dsc_report_info_t *info)
{
    fputs("<h2 id=\"inputs\">Inputs</h2>\n", fp);
    if (!info->ninputs) {
        fputs("<p class=\"note\">No input files were listed.</p>\n", fp);
        return;
    }
    fprintf(fp, "<table>\n<caption>%zu input file%s, as read (data root ", info->ninputs,
            info->ninputs == 1 ? "" : "s");
    report_text(fp, info->data_root ? info->data_root : "");
    fputs(")</caption>\n<thead><tr><th scope=\"col\">File</th><th scope=\"col\" "
          "class=\"num\">Size</th><th scope=\"col\">SHA-256</th></tr></thead>\n<tbody>\n", fp);
    for (size_t i = 0; i < info->ninputs; i++) {
        const dsc_report_input_t *in = &info->inputs[i];
        fputs("<tr><td class=\"path\"><code>", fp);
        report_text(fp, in->path);
        fprintf(fp, "</code></td><td class=\"num\" title=\"%lld bytes\">", in->bytes);
        report_bytes(fp, in->bytes);
        fputs("</td><td class=\"hash\"><code>", fp);
        report_text(fp, in->sha256 ? in->sha256 : "\xe2\x80\x93");
        fputs("</code></td></tr>\n", fp);
    }
    fputs("</tbody>\n</table>\n", fp);
}

/* ---- tables of a region and variable --------------------------------------------------- */

static const char *method_label(const char *name)
{
    for (int k = 0; k < REPORT_METHODS; k++)
        if (strcmp(name, REPORT_METHOD_NAMES[k]) == 0)
            return REPORT_METHOD_LABELS[k];
    return name;
}

/* The Taylor statistics of one CSV as a table; a note when the file cannot be read. */
static void taylor_table(dsc_ctx_t *ctx, FILE *fp, const char *out_dir, const char *stem,
                         int cycle, const dsc_report_region_t *r)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/taylor/%s%s.csv", out_dir, stem,
             cycle ? "_annual_cycle" : "");
    report_csv_t csv;
    if (report_csv_read(ctx, path, &csv) != DSC_OK) {
        fputs("<p class=\"note\">No validation statistics: ", fp);
        report_text(fp, dsc_ctx_message(ctx));
        fputs("</p>\n", fp);
        return;
    }
    static const char *const cols[] = {"n", "corr", "sd_ratio", "crmsd_norm", "bias", "rmse"};
    static const char *const heads[] = {"Values", "Correlation", "SD ratio",
                                        "Centred RMSD (rel.)", "Bias (\xc2\xb0" "C)",
                                        "RMSE (\xc2\xb0" "C)"};
    static const int decimals[] = {0, 3, 3, 3, 2, 2};
    int idx[6], cm = report_csv_col(&csv, "method");
    for (int k = 0; k < 6; k++)
        idx[k] = report_csv_col(&csv, cols[k]);

    fputs("<table class=\"stats\">\n<caption>", fp);
    fputs(cycle ? "Mean annual cycle" : "Daily values", fp);
    fprintf(fp, ", validation %d\xe2\x80\x93%d, against the observations (", r->valid.y0,
            r->valid.y1);
    link_to(fp, out_dir, path, "CSV");
    fputs(")</caption>\n<thead><tr><th scope=\"col\">Method</th>", fp);
    for (int k = 0; k < 6; k++)
        fprintf(fp, "<th scope=\"col\" class=\"num\">%s</th>", heads[k]);
    fputs("</tr></thead>\n<tbody>\n", fp);
    for (size_t i = 0; i < csv.nrows; i++) {
        fputs("<tr><th scope=\"row\">", fp);
        report_text(fp, method_label(report_csv_cell(&csv, i, cm)));
        fputs("</th>", fp);
        for (int k = 0; k < 6; k++) {
            fputs("<td class=\"num\">", fp);
            report_number(fp, report_csv_num(&csv, i, idx[k]), decimals[k], k == 4);
            fputs("</td>", fp);
        }
        fputs("</tr>\n", fp);
    }
    fputs("</tbody>\n</table>\n", fp);
    report_csv_free(&csv);
}

static void change_caption(FILE *fp, const dsc_report_region_t *r)
{
    fprintf(fp, "Change of the annual mean (\xc2\xb0" "C), %d\xe2\x80\x93%d minus "
            "%d\xe2\x80\x93%d", r->late.y0, r->late.y1, r->base.y0, r->base.y1);
}

/* Per scenario, the change of every method, from the main series file. */
static void change_table(dsc_ctx_t *ctx, FILE *fp, const char *out_dir, const char *stem,
                         const dsc_report_region_t *r)
{
    char path[4096];
    report_change_t ch[MAX_CHANGE];
    snprintf(path, sizeof path, "%s/series/%s.csv", out_dir, stem);
    int n = report_change_read(ctx, path, r->base, r->late, ch, MAX_CHANGE);
    if (n < 0) {
        fputs("<p class=\"note\">No change table: ", fp);
        report_text(fp, dsc_ctx_message(ctx));
        fputs("</p>\n", fp);
        return;
    }
    if (n == 0)
        return;
    fprintf(fp, "<table class=\"change\" id=\"change-");
    anchor(fp, stem, NULL);
    fputs("\">\n<caption>", fp);
    change_caption(fp, r);
    fputs(", per scenario (", fp);
    link_to(fp, out_dir, path, "series CSV");
    fputs(")</caption>\n<thead><tr><th scope=\"col\">Scenario</th>", fp);
    for (int k = 1; k < REPORT_METHODS; k++)
        fprintf(fp, "<th scope=\"col\" class=\"num\">%s</th>", REPORT_METHOD_LABELS[k]);
    fputs("</tr></thead>\n<tbody>\n", fp);
    for (int i = 0; i < n; i++) {
        fputs("<tr><th scope=\"row\">", fp);
        report_text(fp, ch[i].scenario);
        fputs("</th>", fp);
        for (int k = 1; k < REPORT_METHODS; k++) {
            fputs("<td class=\"num\">", fp);
            report_number(fp, ch[i].change[k], 2, 1);
            fputs("</td>", fp);
        }
        fputs("</tr>\n", fp);
    }
    fputs("</tbody>\n</table>\n<p>Observed mean ", fp);
    fprintf(fp, "%d\xe2\x80\x93%d: ", r->base.y0, r->base.y1);
    report_number(fp, ch[0].base[0], 2, 0);
    fputs("\xc2\xa0\xc2\xb0" "C; bias-corrected ANN over the same years: ", fp);
    report_number(fp, ch[0].base[3], 2, 0);
    fputs("\xc2\xa0\xc2\xb0" "C.</p>\n", fp);
}

/* With several models: the bias-corrected ANN's change of each model under each scenario. */
static void change_by_model(dsc_ctx_t *ctx, FILE *fp, const char *out_dir, const char *stem,
                            const dsc_report_region_t *r)
{
    char path[4096];
    fputs("<table class=\"change-models\">\n<caption>", fp);
    change_caption(fp, r);
    fputs(", ANN bias-corrected, per model</caption>\n<thead><tr><th scope=\"col\">Model"
          "</th>", fp);
    for (size_t s = 0; s < r->nscen; s++) {
        fputs("<th scope=\"col\" class=\"num\">", fp);
        report_text(fp, r->scenarios[s]);
        fputs("</th>", fp);
    }
    fputs("</tr></thead>\n<tbody>\n", fp);
    for (size_t m = 0; m <= r->nmodel; m++) {
        report_change_t ch[MAX_CHANGE];
        if (m < r->nmodel)
            snprintf(path, sizeof path, "%s/series/%s_%s.csv", out_dir, stem, r->models[m]);
        else
            snprintf(path, sizeof path, "%s/series/%s.csv", out_dir, stem);
        int n = report_change_read(ctx, path, r->base, r->late, ch, MAX_CHANGE);
        fputs("<tr><th scope=\"row\">", fp);
        if (m < r->nmodel)
            link_to(fp, out_dir, path, r->models[m]);
        else
            fputs("Multi-model mean", fp);
        fputs("</th>", fp);
        for (size_t s = 0; s < r->nscen; s++) {
            double v = NAN;
            for (int i = 0; i < n; i++)
                if (strcmp(ch[i].scenario, r->scenarios[s]) == 0)
                    v = ch[i].change[3];
            fputs("<td class=\"num\">", fp);
            report_number(fp, v, 2, 1);
            fputs("</td>", fp);
        }
        fputs("</tr>\n", fp);
    }
    fputs("</tbody>\n</table>\n", fp);
}

/* ---- figures --------------------------------------------------------------------------- */

/* The files of one figure kind (what) of one stem, in each format. */
typedef struct {
    char what[160];
    const char *png, *svg, *pdf, *csv; /* borrowed from the outputs, or NULL */
    int rank;
} figure_t;

static int figure_cmp(const void *a, const void *b)
{
    const figure_t *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return strcmp(x->what, y->what);
}

/* Is what a per-model figure ("<model>_...")? Those belong to the model's own files. */
static int per_model(const dsc_report_region_t *r, const char *what)
{
    for (size_t m = 0; m < r->nmodel; m++) {
        size_t n = strlen(r->models[m]);
        if (strncmp(what, r->models[m], n) == 0 && what[n] == '_')
            return 1;
    }
    return 0;
}

/* Groups the figure files of a stem by kind; returns how many kinds (at most max). */
static size_t collect_figures(const dsc_report_region_t *r, const char *stem,
                              const char *const *outputs, size_t n, figure_t *figs, size_t max)
{
    size_t nf = 0, ls = strlen(stem);
    for (size_t i = 0; i < n; i++) {
        const char *path = outputs[i], *b = base_name(path);
        const char *dir_end = b - 1;
        if (b == path || dir_end - path < 7 || strncmp(dir_end - 7, "figures", 7) != 0)
            continue;
        if (strncmp(b, stem, ls) != 0 || b[ls] != '_' || !exists(path))
            continue;
        const char *what = b + ls + 1, *dot = strrchr(what, '.');
        if (!dot || per_model(r, what) || (size_t)(dot - what) >= sizeof figs[0].what)
            continue;
        size_t k = 0;
        while (k < nf && (strncmp(figs[k].what, what, (size_t)(dot - what)) != 0 ||
                          figs[k].what[dot - what] != '\0'))
            k++;
        if (k == nf) {
            if (nf == max)
                continue;
            memset(&figs[nf], 0, sizeof figs[nf]);
            memcpy(figs[nf].what, what, (size_t)(dot - what));
            figs[nf].rank = report_figure_rank(r, figs[nf].what);
            nf++;
        }
        if (strcmp(dot, ".png") == 0)
            figs[k].png = path;
        else if (strcmp(dot, ".svg") == 0)
            figs[k].svg = path;
        else if (strcmp(dot, ".pdf") == 0)
            figs[k].pdf = path;
        else if (strcmp(dot, ".csv") == 0)
            figs[k].csv = path;
    }
    qsort(figs, nf, sizeof *figs, figure_cmp);
    return nf;
}

static void figure_html(FILE *fp, const char *out_dir, const dsc_report_region_t *r,
                        const char *var, const figure_t *f, int number)
{
    char rel[2048];
    const char *shown = f->png ? f->png : f->svg;
    int w = 0, h = 0;
    int sized = f->png && report_png_size(f->png, &w, &h);
    /* Wide figures (time series) get the page's whole width, so their text is read at
     * the size it was drawn; square ones (Taylor diagrams, maps) go two abreast. */
    fputs(sized && w > 3 * h / 2 ? "<figure class=\"wide\" id=\"fig-" : "<figure id=\"fig-",
          fp);
    anchor(fp, r->name, var);
    fputc('-', fp);
    anchor(fp, f->what, NULL);
    fputs("\">\n", fp);
    if (shown && report_relative(out_dir, shown, rel, sizeof rel)) {
        fputs("<a href=\"", fp);
        report_url(fp, rel);
        fputs("\"><img src=\"", fp);
        report_url(fp, rel);
        fputs("\"", fp);
        if (sized)
            fprintf(fp, " width=\"%d\" height=\"%d\"", w, h);
        fputs(" alt=\"", fp);
        report_text(fp, r->title && *r->title ? r->title : r->name);
        fputs(", ", fp);
        report_text(fp, var);
        fputs(": ", fp);
        for (const char *p = f->what; *p; p++)
            fputc(*p == '_' ? ' ' : *p, fp);
        fputs("\"></a>\n", fp);
    }
    fprintf(fp, "<figcaption><strong>Figure %d.</strong> ", number);
    report_caption(fp, r, f->what);
    fputs("\n<span class=\"links\">", fp);
    const char *files[4] = {f->png, f->svg, f->pdf, f->csv};
    const char *names[4] = {"PNG", "SVG", "PDF", "data (CSV)"};
    int first = 1;
    for (int k = 0; k < 4; k++) {
        if (!files[k])
            continue;
        if (!first)
            fputs(" \xc2\xb7 ", fp);
        link_to(fp, out_dir, files[k], names[k]);
        first = 0;
    }
    fputs("</span></figcaption>\n</figure>\n", fp);
}

/* ---- data files ------------------------------------------------------------------------ */

/* The first folder of a path below out_dir ("series"), or "" for the folder itself. */
static void folder_of(const char *out_dir, const char *path, char *buf, size_t size)
{
    char rel[2048];
    buf[0] = '\0';
    if (!report_relative(out_dir, path, rel, sizeof rel))
        return;
    const char *s = rel + 3, *slash = strchr(s, '/');
    if (slash)
        snprintf(buf, size, "%.*s", (int)(slash - s), s);
}

/* Does the file belong to the region ("<region>_<one of its variables>...")? */
static int region_file(const dsc_report_region_t *r, const char *path)
{
    const char *b = base_name(path);
    size_t ln = strlen(r->name);
    if (strncmp(b, r->name, ln) != 0 || b[ln] != '_')
        return 0;
    for (size_t v = 0; v < r->nvar; v++) {
        size_t lv = strlen(r->variables[v]);
        char c = b[ln + 1 + lv];
        if (strncmp(b + ln + 1, r->variables[v], lv) == 0 && (c == '_' || c == '.'))
            return 1;
    }
    return 0;
}

static void data_files(FILE *fp, const char *out_dir, const dsc_report_region_t *r,
                       const char *const *outputs, size_t n)
{
    static const char *const folders[] = {"series", "taylor", "hist", "maps", "observations",
                                          "evaluation", "models", "rules", "figures"};
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += region_file(r, outputs[i]) && exists(outputs[i]);
    if (!total)
        return;
    fprintf(fp, "<details><summary>All data files of this region (%zu)</summary>\n", total);
    for (size_t f = 0; f <= sizeof folders / sizeof folders[0]; f++) {
        size_t count = 0;
        for (size_t i = 0; i < n; i++) {
            char folder[256];
            if (!region_file(r, outputs[i]) || !exists(outputs[i]))
                continue;
            folder_of(out_dir, outputs[i], folder, sizeof folder);
            int known = 0;
            for (size_t k = 0; k < sizeof folders / sizeof folders[0]; k++)
                known |= strcmp(folder, folders[k]) == 0;
            int here = f < sizeof folders / sizeof folders[0] ? strcmp(folder, folders[f]) == 0
                                                              : !known;
            if (!here)
                continue;
            if (count++ == 0) {
                fputs("<h4>", fp);
                report_text(fp, f < sizeof folders / sizeof folders[0] ? folders[f] : "other");
                fputs("/</h4>\n<ul class=\"files\">\n", fp);
            }
            fputs("<li>", fp);
            link_to(fp, out_dir, outputs[i], base_name(outputs[i]));
            fputs("</li>\n", fp);
        }
        if (count)
            fputs("</ul>\n", fp);
    }
    fputs("</details>\n", fp);
}

/* ---- a region -------------------------------------------------------------------------- */

static int section_region(dsc_ctx_t *ctx, FILE *fp, const char *out_dir,
                          const dsc_report_region_t *r, const char *const *outputs, size_t n,
                          int *figure_number)
{
    enum { MAX_FIGURES = 256 };
    figure_t *figs = dsc_malloc(ctx, MAX_FIGURES * sizeof *figs, "report figures");
    if (!figs)
        return DSC_ERR_NOMEM;
    fputs("<h2>", fp);
    report_text(fp, r->title && *r->title ? r->title : r->name);
    fputs("</h2>\n<p>", fp);
    fprintf(fp, "Region <code>");
    report_text(fp, r->name);
    fprintf(fp, "</code>: %zu model%s", r->nmodel, r->nmodel == 1 ? "" : "s");
    for (size_t m = 0; m < r->nmodel; m++) {
        fputs(m ? ", " : " (", fp);
        report_text(fp, r->models[m]);
        fputs(m + 1 == r->nmodel ? ")" : "", fp);
    }
    fprintf(fp, "; %zu scenario%s", r->nscen, r->nscen == 1 ? "" : "s");
    for (size_t s = 0; s < r->nscen; s++) {
        fputs(s ? ", " : " (", fp);
        report_text(fp, r->scenarios[s]);
        fputs(s + 1 == r->nscen ? ")" : "", fp);
    }
    fprintf(fp, "; training %d\xe2\x80\x93%d, validation %d\xe2\x80\x93%d.</p>\n",
            r->train.y0, r->train.y1, r->valid.y0, r->valid.y1);

    for (size_t v = 0; v < r->nvar; v++) {
        char stem[512];
        stem_of(r, v, stem, sizeof stem);
        fputs("<h3 id=\"", fp);
        anchor(fp, r->name, r->variables[v]);
        fputs("\">", fp);
        report_text(fp, r->title && *r->title ? r->title : r->name);
        fputs(": ", fp);
        report_text(fp, quantity(r->variables[v]));
        fputs(" (", fp);
        report_text(fp, r->variables[v]);
        fputs(r->nmodel > 1 ? "), multi-model mean" : ")", fp);
        fputs("</h3>\n<h4>Validation</h4>\n", fp);
        taylor_table(ctx, fp, out_dir, stem, 0, r);
        taylor_table(ctx, fp, out_dir, stem, 1, r);
        if (r->nscen && r->late.y0 && r->base.y0) {
            fputs("<h4>Projected change</h4>\n", fp);
            change_table(ctx, fp, out_dir, stem, r);
            if (r->nmodel > 1)
                change_by_model(ctx, fp, out_dir, stem, r);
        }
        size_t nf = collect_figures(r, stem, outputs, n, figs, MAX_FIGURES);
        if (nf) {
            fputs("<h4>Figures</h4>\n<div class=\"figures\">\n", fp);
            for (size_t i = 0; i < nf; i++)
                figure_html(fp, out_dir, r, r->variables[v], &figs[i], ++*figure_number);
            fputs("</div>\n", fp);
        } else {
            fputs("<p class=\"note\">No figures were written for this variable.</p>\n", fp);
        }
    }
    data_files(fp, out_dir, r, outputs, n);
    free(figs);
    return DSC_OK;
}

/* Files of no region (e.g. run-wide summaries). */
static void other_files(FILE *fp, const char *out_dir, const dsc_report_info_t *info,
                        const char *const *outputs, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        int mine = 0;
        for (size_t r = 0; r < info->nregions && !mine; r++)
            mine = region_file(&info->regions[r], outputs[i]);
        char rel[2048];
        if (mine || !exists(outputs[i]) || !report_relative(out_dir, outputs[i], rel, sizeof rel))
            continue;
        if (count++ == 0)
            fputs("<h2 id=\"other\">Other files</h2>\n<ul class=\"files\">\n", fp);
        fputs("<li>", fp);
        link_to(fp, out_dir, outputs[i], rel + 3);
        fputs("</li>\n", fp);
    }
    if (count)
        fputs("</ul>\n", fp);
}

int dsc_report_write(dsc_ctx_t *ctx, const char *out_dir, const dsc_report_info_t *info,
                     const char *const *outputs, size_t noutputs)
{
    if (!out_dir || !*out_dir || !info || (noutputs && !outputs))
        return dsc_error(ctx, DSC_ERR_USAGE, "report: no output folder or no run description");
    char dir[4096], path[4200];
    snprintf(dir, sizeof dir, "%s/report", out_dir);
    snprintf(path, sizeof path, "%s/index.html", dir);
    FILE *fp = NULL;
    char *tmp = NULL;
    int rc = dsc_io_mkdirs(ctx, dir);
    if (!rc)
        rc = dsc_io_open_atomic(ctx, path, &fp, &tmp);
    if (rc)
        return rc;

    page_head(fp, info);
    page_nav(fp, info);
    section_run(fp, out_dir, info);
    section_settings(fp, info);
    section_inputs(fp, info);
    int number = 0;
    for (size_t i = 0; i < info->nregions && !rc; i++)
        rc = section_region(ctx, fp, out_dir, &info->regions[i], outputs, noutputs, &number);
    other_files(fp, out_dir, info, outputs, noutputs);
    fputs("</main>\n</body>\n</html>\n", fp);

    if (rc) {
        dsc_io_abort(fp, tmp);
        free(tmp);
        return rc;
    }
    rc = dsc_io_commit(ctx, fp, tmp, path);
    free(tmp);
    return rc;
}
