/* config.c - loading and validating a pipeline file and its region files.
 *
 * Validation collects every problem before giving up, each with file:line, so a nightly
 * user fixes a broken file in one go rather than one error per run.
 */
#include "dsc/ini.h"
#include "dsc/pipeline.h"
#include "dsc/regrid.h"
#include "dsc/time.h"

#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* Collects problems, so that one run reports every one of them; each is kept once (some
 * settings are read for two purposes). */
#define MAX_PROBLEMS 64
typedef struct {
    dsc_ctx_t *ctx;
    int count;
    char msgs[MAX_PROBLEMS][512];
} problems_t;

static void problem(problems_t *pr, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(problems_t *pr, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* Settings given with --set have no line: say where they came from instead of ":0". */
    char *zero = strstr(msg, ":0: ");
    if (zero) {
        char tail[512];
        snprintf(tail, sizeof tail, "%s", zero + 4);
        snprintf(zero, sizeof msg - (size_t)(zero - msg), " (--set): %s", tail);
    }
    for (int i = 0; i < pr->count && i < MAX_PROBLEMS; i++)
        if (strcmp(pr->msgs[i], msg) == 0)
            return;
    if (pr->count < MAX_PROBLEMS)
        snprintf(pr->msgs[pr->count], sizeof pr->msgs[0], "%s", msg);
    pr->count++;
}

/* One problem is the error itself; several are logged one per line and summed up. */
static int report_problems(problems_t *pr, const char *path)
{
    if (pr->count == 1)
        return dsc_error(pr->ctx, DSC_ERR_CONFIG, "%s", pr->msgs[0]);
    for (int i = 0; i < pr->count && i < MAX_PROBLEMS; i++)
        dsc_log(pr->ctx, DSC_LOG_ERROR, "config", "%s", pr->msgs[i]);
    return dsc_error(pr->ctx, DSC_ERR_CONFIG, "%s: %d problems, listed above", path, pr->count);
}

static int copy_value(char *dst, size_t size, const char *src)
{
    if (strlen(src) >= size)
        return -1;
    memcpy(dst, src, strlen(src) + 1);
    return 0;
}

/* Splits a comma-separated list into fixed slots; returns the count or -1 when too long. */
static int split_list(const char *value, char *slots, size_t slot_size, size_t max)
{
    size_t n = 0;
    const char *p = value;
    while (*p) {
        while (*p == ' ' || *p == ',' || *p == '\t')
            p++;
        if (!*p)
            break;
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        while (len > 0 && isspace((unsigned char)p[len - 1]))
            len--;
        if (n == max || len >= slot_size)
            return -1;
        memcpy(slots + n * slot_size, p, len);
        slots[n * slot_size + len] = '\0';
        n++;
        p += end ? (size_t)(end - p) : strlen(p);
    }
    return (int)n;
}

static int parse_period(const char *value, dsc_period_t *out)
{
    int a, b;
    char extra;
    if (sscanf(value, "%d - %d %c", &a, &b, &extra) == 2 ||
        sscanf(value, "%d-%d %c", &a, &b, &extra) == 2) {
        if (a > b)
            return -1;
        out->y0 = a;
        out->y1 = b;
        return 0;
    }
    return -1;
}

static int parse_double(const char *value, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(value, &end);
    while (isspace((unsigned char)*end))
        end++;
    if (end == value || *end || errno || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

static int parse_size(const char *value, size_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(value, &end, 10);
    while (isspace((unsigned char)*end))
        end++;
    if (end == value || *end || errno || v < 0)
        return -1;
    *out = (size_t)v;
    return 0;
}

static int parse_bool(const char *value, int *out)
{
    if (!strcasecmp(value, "yes") || !strcasecmp(value, "true") || !strcmp(value, "1")) {
        *out = 1;
        return 0;
    }
    if (!strcasecmp(value, "no") || !strcasecmp(value, "false") || !strcmp(value, "0")) {
        *out = 0;
        return 0;
    }
    return -1;
}

/* ---- region files ----------------------------------------------------------------- */

static void region_number(problems_t *pr, dsc_ini_t *ini, const char *key, double *out, double lo,
                          double hi, int required)
{
    const dsc_ini_entry_t *e = dsc_ini_find(ini, "region", key);
    if (!e) {
        if (required)
            problem(pr, "%s: [region] needs '%s'", ini->path, key);
        return;
    }
    if (parse_double(e->value, out) || *out < lo || *out > hi)
        problem(pr, "%s:%d: '%s = %s' is not a number in [%g, %g]", ini->path, e->line, key,
                e->value, lo, hi);
}

static void region_from_ini(problems_t *pr, dsc_ini_t *ini, const char *path, dsc_region_def_t *r)
{
    memset(r, 0, sizeof *r);
    snprintf(r->path, sizeof r->path, "%s", path);
    char tmp[DSC_PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s", path);
    char *stem = basename(tmp);
    char *dot = strrchr(stem, '.');
    if (dot)
        *dot = '\0';
    snprintf(r->name, sizeof r->name, "%s", stem);
    const char *v = dsc_ini_get(ini, "region", "name");
    if (v)
        snprintf(r->name, sizeof r->name, "%s", v);
    v = dsc_ini_get(ini, "region", "title");
    snprintf(r->title, sizeof r->title, "%s", v ? v : r->name);
    v = dsc_ini_get(ini, "region", "location");
    if (v)
        snprintf(r->location, sizeof r->location, "%s", v);

    const dsc_ini_entry_t *kind = dsc_ini_find(ini, "region", "kind");
    if (!kind || strcasecmp(kind->value, "point") == 0) {
        r->kind = DSC_REGION_KIND_POINT;
    } else if (strcasecmp(kind->value, "box") == 0) {
        r->kind = DSC_REGION_KIND_BOX;
    } else {
        problem(pr, "%s:%d: kind '%s' is not 'point' or 'box'", path, kind->line, kind->value);
        return;
    }
    r->lat = r->lon = NAN;
    region_number(pr, ini, "lat", &r->lat, -90, 90, r->kind == DSC_REGION_KIND_POINT);
    region_number(pr, ini, "lon", &r->lon, -360, 360, r->kind == DSC_REGION_KIND_POINT);
    if (r->kind == DSC_REGION_KIND_BOX) {
        region_number(pr, ini, "lat_min", &r->lat_min, -90, 90, 1);
        region_number(pr, ini, "lat_max", &r->lat_max, -90, 90, 1);
        region_number(pr, ini, "lon_min", &r->lon_min, -360, 360, 1);
        region_number(pr, ini, "lon_max", &r->lon_max, -360, 360, 1);
        if (r->lat_min >= r->lat_max)
            problem(pr, "%s: lat_min %g must be below lat_max %g", path, r->lat_min, r->lat_max);
    }
    for (size_t i = 0; i < ini->n; i++)
        if (!ini->entries[i].used)
            problem(pr, "%s:%d: unknown key '%s' in [%s]", path, ini->entries[i].line,
                    ini->entries[i].key, ini->entries[i].section);
}

int dsc_region_load(dsc_ctx_t *ctx, const char *path, dsc_region_def_t *out)
{
    dsc_ini_t *ini = NULL;
    int rc = dsc_ini_read(ctx, path, &ini);
    if (rc)
        return rc;
    problems_t pr = {.ctx = ctx};
    region_from_ini(&pr, ini, path, out);
    dsc_ini_destroy(ini);
    return pr.count ? report_problems(&pr, path) : DSC_OK;
}

/* ---- job (one region of a pipeline) ------------------------------------------------ */

/* Looks a key up in the region's own section of the pipeline, then in [inputs]. Both are
 * marked read: a default that one region overrides still serves the others. */
static const dsc_ini_entry_t *job_find(dsc_ini_t *ini, const char *region, const char *key)
{
    const dsc_ini_entry_t *e = dsc_ini_find(ini, region, key);
    const dsc_ini_entry_t *d = dsc_ini_find(ini, "inputs", key);
    return e ? e : d;
}

static void job_string(problems_t *pr, dsc_ini_t *ini, const char *region, const char *key,
                       char *dst, size_t size, const char *fallback)
{
    const dsc_ini_entry_t *e = job_find(ini, region, key);
    const char *v = e ? e->value : fallback;
    if (v && copy_value(dst, size, v))
        problem(pr, "%s:%d: '%s' is too long", ini->path, e ? e->line : 0, key);
}

static void job_list(problems_t *pr, dsc_ini_t *ini, const char *region, const char *key,
                     char *slots, size_t slot_size, size_t *n, const char *fallback)
{
    const dsc_ini_entry_t *e = job_find(ini, region, key);
    const char *v = e ? e->value : fallback;
    *n = 0;
    if (!v)
        return;
    int k = split_list(v, slots, slot_size, DSC_MAX_LIST);
    if (k < 0)
        problem(pr, "%s:%d: list '%s' has too many or too long entries", ini->path, e ? e->line : 0,
                key);
    else
        *n = (size_t)k;
}

static void job_period(problems_t *pr, dsc_ini_t *ini, const char *region, const char *key,
                       dsc_period_t *out, int required)
{
    const dsc_ini_entry_t *e = job_find(ini, region, key);
    if (!e) {
        if (required)
            problem(pr, "%s: region %s needs a '%s' period (e.g. %s = 1961-1990)", ini->path,
                    region, key, key);
        return;
    }
    if (parse_period(e->value, out))
        problem(pr, "%s:%d: '%s = %s' is not a period YYYY-YYYY with start <= end", ini->path,
                e->line, key, e->value);
}

static int periods_overlap(dsc_period_t a, dsc_period_t b)
{
    return a.y0 && b.y0 && a.y0 <= b.y1 && b.y0 <= a.y1;
}

static void job_variable_names(problems_t *pr, dsc_ini_t *ini, const char *region,
                               const char *prefix, dsc_job_t *job, char (*names)[64])
{
    for (size_t v = 0; v < job->nvar; v++) {
        char key[96];
        snprintf(key, sizeof key, "%s_%s", prefix, job->variables[v]);
        job_string(pr, ini, region, key, names[v], 64, job->variables[v]);
    }
}

static void load_job(problems_t *pr, dsc_ini_t *ini, const char *region, const char *default_vars,
                     dsc_job_t *job)
{
    job_list(pr, ini, region, "variables", &job->variables[0][0], 32, &job->nvar, default_vars);
    if (job->nvar == 0)
        problem(pr, "%s: region %s has no variables", ini->path, region);
    job_list(pr, ini, region, "models", &job->models[0][0], 64, &job->nmodel, "model");
    job_list(pr, ini, region, "scenarios", &job->scenarios[0][0], 32, &job->nscen, NULL);
    job_string(pr, ini, region, "gcm", job->gcm, sizeof job->gcm, NULL);
    job_string(pr, ini, region, "gcm_historical", job->gcm_historical, sizeof job->gcm_historical,
               NULL);
    job_string(pr, ini, region, "gcm_future", job->gcm_future, sizeof job->gcm_future, NULL);
    struct {
        const char *prefix;
        dsc_input_overrides_t *ov;
    } sources[] = {{"gcm", &job->gcm_over}, {"obs", &job->obs_over}, {"obs2", &job->obs2_over}};
    for (size_t k = 0; k < 3; k++) {
        char key[64];
        dsc_input_overrides_t *ov = sources[k].ov;
        snprintf(key, sizeof key, "%s_calendar", sources[k].prefix);
        job_string(pr, ini, region, key, ov->calendar, sizeof ov->calendar, NULL);
        snprintf(key, sizeof key, "%s_time_units", sources[k].prefix);
        job_string(pr, ini, region, key, ov->time_units, sizeof ov->time_units, NULL);
        snprintf(key, sizeof key, "%s_units", sources[k].prefix);
        job_string(pr, ini, region, key, ov->units, sizeof ov->units, NULL);
        if (ov->calendar[0] && dsc_calendar_parse(pr->ctx, ov->calendar, &(dsc_calendar_t){0}))
            problem(pr, "%s: region %s: %s_calendar: %s", ini->path, region, sources[k].prefix,
                    dsc_ctx_message(pr->ctx));
    }
    job_string(pr, ini, region, "obs", job->obs, sizeof job->obs, NULL);
    job_string(pr, ini, region, "obs_format", job->obs_format, sizeof job->obs_format, "netcdf");
    job_string(pr, ini, region, "obs2", job->obs2, sizeof job->obs2, NULL);
    job_string(pr, ini, region, "obs2_label", job->obs2_label, sizeof job->obs2_label, "obs2");
    job_variable_names(pr, ini, region, "gcm_var", job, job->gcm_var);
    job_variable_names(pr, ini, region, "obs_var", job, job->obs_var);
    job_variable_names(pr, ini, region, "obs2_var", job, job->obs2_var);

    if (!job->gcm[0] && !job->gcm_historical[0])
        problem(pr,
                "%s: region %s needs 'gcm' (historical joined to a scenario) or "
                "'gcm_historical'",
                ini->path, region);
    if (job->gcm_historical[0] && job->nscen && !job->gcm_future[0])
        problem(pr, "%s: region %s names scenarios and 'gcm_historical' but no 'gcm_future'",
                ini->path, region);
    if (!job->obs[0])
        problem(pr, "%s: region %s needs 'obs'", ini->path, region);
    if (strcmp(job->obs_format, "netcdf") && strcmp(job->obs_format, "ghcn"))
        problem(pr, "%s: region %s: obs_format '%s' is not 'netcdf' or 'ghcn'", ini->path, region,
                job->obs_format);

    job_period(pr, ini, region, "train", &job->train, 1);
    job_period(pr, ini, region, "valid", &job->valid, 1);
    job_period(pr, ini, region, "future", &job->future, job->nscen > 0);
    job_period(pr, ini, region, "map_base", &job->base, 0);
    job_period(pr, ini, region, "map_late", &job->late, 0);
    struct {
        const char *a, *b;
        dsc_period_t pa, pb;
    } pairs[] = {{"train", "valid", job->train, job->valid},
                 {"train", "future", job->train, job->future},
                 {"valid", "future", job->valid, job->future}};
    for (size_t k = 0; k < 3; k++)
        if (periods_overlap(pairs[k].pa, pairs[k].pb))
            problem(pr, "%s: region %s: %s %d-%d and %s %d-%d overlap", ini->path, region,
                    pairs[k].a, pairs[k].pa.y0, pairs[k].pa.y1, pairs[k].b, pairs[k].pb.y0,
                    pairs[k].pb.y1);
    /* The late map averages the projection: it must lie inside the future period, or the
     * map's label would promise years that were never computed. */
    if (job->late.y0 && job->future.y0 &&
        (job->late.y0 < job->future.y0 || job->late.y1 > job->future.y1))
        problem(pr, "%s: region %s: map_late %d-%d is not inside future %d-%d", ini->path,
                region, job->late.y0, job->late.y1, job->future.y0, job->future.y1);
    if (!job->base.y0)
        job->base = job->valid;
    if (!job->late.y0 && job->future.y0)
        job->late = (dsc_period_t){job->future.y1 - 9 > job->future.y0 ? job->future.y1 - 9
                                                                       : job->future.y0,
                                   job->future.y1};

    const dsc_ini_entry_t *e = job_find(ini, region, "pairing");
    job->pairing = DSC_PAIR_RANK;
    if (e && strcasecmp(e->value, "date") == 0)
        job->pairing = DSC_PAIR_DATE;
    else if (e && strcasecmp(e->value, "rank") != 0)
        problem(pr, "%s:%d: pairing '%s' is not 'rank' or 'date'", ini->path, e->line, e->value);
    e = job_find(ini, region, "calendar_alignment");
    job->alignment = DSC_ALIGN_MONTH_DAY;
    if (e && strcasecmp(e->value, "year_fraction") == 0)
        job->alignment = DSC_ALIGN_YEAR_FRACTION;
    else if (e && strcasecmp(e->value, "month_day") != 0)
        problem(pr, "%s:%d: calendar_alignment '%s' is not 'month_day' or 'year_fraction'",
                ini->path, e->line, e->value);
    job->max_site_km = 150;
    e = job_find(ini, region, "max_site_distance_km");
    if (e && (parse_double(e->value, &job->max_site_km) || job->max_site_km <= 0))
        problem(pr, "%s:%d: max_site_distance_km '%s' is not a positive number", ini->path, e->line,
                e->value);
    job->min_coverage = 0.9;
    e = job_find(ini, region, "min_coverage");
    if (e && (parse_double(e->value, &job->min_coverage) || job->min_coverage < 0 ||
              job->min_coverage > 1))
        problem(pr, "%s:%d: min_coverage '%s' is not a fraction in [0, 1]", ini->path, e->line,
                e->value);
}

/* ---- global sections ---------------------------------------------------------------- */

static void load_ann(problems_t *pr, dsc_ini_t *ini, dsc_pipeline_t *p)
{
    dsc_nn_config_default(&p->nn);
    p->ensemble = 1;
    const dsc_ini_entry_t *e;
    if ((e = dsc_ini_find(ini, "ann", "hidden"))) {
        char slots[DSC_NN_MAX_LAYERS][16];
        int n = split_list(e->value, &slots[0][0], 16, DSC_NN_MAX_LAYERS);
        p->nn.n_hidden = n < 0 ? 0 : (size_t)n;
        for (int i = 0; i < n; i++)
            if (parse_size(slots[i], &p->nn.hidden[i]) || p->nn.hidden[i] == 0)
                n = -1;
        if (n < 0)
            problem(pr, "%s:%d: hidden '%s' is not a list of layer sizes (e.g. 16, 8)", ini->path,
                    e->line, e->value);
    }
    if ((e = dsc_ini_find(ini, "ann", "activation")) &&
        dsc_nn_activation_parse(pr->ctx, e->value, &p->nn.activation))
        problem(pr, "%s:%d: activation '%s' is not tanh, relu, sigmoid or linear", ini->path,
                e->line, e->value);
    if ((e = dsc_ini_find(ini, "ann", "optimizer"))) {
        if (strcmp(e->value, "adam") && strcmp(e->value, "sgd"))
            problem(pr, "%s:%d: optimizer '%s' is not adam or sgd", ini->path, e->line, e->value);
        snprintf(p->nn.optimizer, sizeof p->nn.optimizer, "%s", e->value);
    }
    if ((e = dsc_ini_find(ini, "ann", "rule"))) {
        snprintf(p->nn.rule, sizeof p->nn.rule, "%s", e->value);
        if (dsc_nn_rule_check(pr->ctx, e->value))
            problem(pr, "%s:%d: rule '%s': %s", ini->path, e->line, e->value,
                    dsc_ctx_message(pr->ctx));
    }
    struct {
        const char *key;
        double *dst;
        double lo, hi;
    } reals[] = {{"learning_rate", &p->nn.learning_rate, 1e-9, 10},
                 {"momentum", &p->nn.momentum, 0, 0.9999},
                 {"weight_decay", &p->nn.weight_decay, 0, 10}};
    for (size_t i = 0; i < sizeof reals / sizeof reals[0]; i++)
        if ((e = dsc_ini_find(ini, "ann", reals[i].key)) &&
            (parse_double(e->value, reals[i].dst) || *reals[i].dst < reals[i].lo ||
             *reals[i].dst > reals[i].hi))
            problem(pr, "%s:%d: %s '%s' is not a number in [%g, %g]", ini->path, e->line,
                    reals[i].key, e->value, reals[i].lo, reals[i].hi);
    size_t seed = p->nn.seed;
    struct {
        const char *key;
        size_t *dst;
        size_t lo;
    } ints[] = {{"batch_size", &p->nn.batch_size, 1},
                {"epochs", &p->nn.epochs, 1},
                {"patience", &p->nn.patience, 0},
                {"seed", &seed, 0},
                {"ensemble", &p->ensemble, 1}};
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
        if ((e = dsc_ini_find(ini, "ann", ints[i].key)) &&
            (parse_size(e->value, ints[i].dst) || *ints[i].dst < ints[i].lo))
            problem(pr, "%s:%d: %s '%s' is not a whole number >= %zu", ini->path, e->line,
                    ints[i].key, e->value, ints[i].lo);
    p->nn.seed = seed;
    if ((e = dsc_ini_find(ini, "ann", "compare_rules"))) {
        int n = split_list(e->value, &p->rules[0][0], 32, 8);
        if (n < 0)
            problem(pr, "%s:%d: compare_rules '%s' is not a list of up to 8 rule names", ini->path,
                    e->line, e->value);
        p->nrules = n < 0 ? 0 : (size_t)n;
        for (size_t i = 0; i < p->nrules; i++)
            if (dsc_nn_rule_check(pr->ctx, p->rules[i]))
                problem(pr, "%s:%d: compare_rules: %s", ini->path, e->line,
                        dsc_ctx_message(pr->ctx));
    }
    if ((e = dsc_ini_find(ini, "ann", "save_models")) && parse_bool(e->value, &p->save_models))
        problem(pr, "%s:%d: save_models '%s' is not yes or no", ini->path, e->line, e->value);
}

static void load_bc_method(problems_t *pr, dsc_ini_t *ini, const char *key, const char *fallback,
                           dsc_bc_config_t *cfg)
{
    static const char *const methods[] = {
        "eqm", "qdm", "dqm", "linear_scaling", "variance_scaling", "delta"};
    dsc_bc_config_default(cfg);
    const dsc_ini_entry_t *e = dsc_ini_find(ini, "bias_correction", key);
    const char *m = e ? e->value : fallback;
    int known = 0;
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
        known |= strcmp(m, methods[i]) == 0;
    if (!known)
        problem(pr,
                "%s:%d: bias-correction method '%s' is not one of eqm, qdm, dqm, "
                "linear_scaling, variance_scaling, delta",
                ini->path, e ? e->line : 0, m);
    snprintf(cfg->method, sizeof cfg->method, "%s", m);
    if ((e = dsc_ini_find(ini, "bias_correction", "kind"))) {
        if (strcmp(e->value, "additive"))
            problem(pr, "%s:%d: kind '%s': temperature is corrected additively only", ini->path,
                    e->line, e->value);
    }
    if ((e = dsc_ini_find(ini, "bias_correction", "grouping"))) {
        if (strcmp(e->value, "doy") == 0)
            cfg->grouping = DSC_BC_GROUP_DOY;
        else if (strcmp(e->value, "month") == 0)
            cfg->grouping = DSC_BC_GROUP_MONTH;
        else
            problem(pr, "%s:%d: grouping '%s' is not 'doy' or 'month'", ini->path, e->line,
                    e->value);
    }
    size_t v;
    if ((e = dsc_ini_find(ini, "bias_correction", "window"))) {
        if (parse_size(e->value, &v) || v % 2 == 0 || v > 181)
            problem(pr, "%s:%d: window '%s' must be an odd number of days up to 181", ini->path,
                    e->line, e->value);
        else
            cfg->window = (int)v;
    }
    if ((e = dsc_ini_find(ini, "bias_correction", "quantiles"))) {
        if (parse_size(e->value, &v) || v < 2 || v > 10000)
            problem(pr, "%s:%d: quantiles '%s' must be between 2 and 10000", ini->path, e->line,
                    e->value);
        else
            cfg->nquantiles = v;
    }
}

/* [output] formats: a list of png, svg and pdf. */
static void load_formats(problems_t *pr, dsc_ini_t *ini, dsc_pipeline_t *p)
{
    static const char *const names[] = {"png", "svg", "pdf"};
    static const unsigned bits[] = {DSC_FIGURE_PNG, DSC_FIGURE_SVG, DSC_FIGURE_PDF};
    const dsc_ini_entry_t *e = dsc_ini_find(ini, "output", "formats");
    char list[8][16];
    p->figure_formats = DSC_FIGURE_PNG;
    if (!e)
        return;
    int n = split_list(e->value, &list[0][0], sizeof list[0], 8);
    unsigned set = 0;
    for (int i = 0; i < n; i++) {
        unsigned bit = 0;
        for (size_t k = 0; k < 3; k++)
            if (strcasecmp(list[i], names[k]) == 0)
                bit = bits[k];
        if (!bit)
            problem(pr, "%s:%d: figure format '%s' is not png, svg or pdf", ini->path, e->line,
                    list[i]);
        set |= bit;
    }
    if (n <= 0)
        problem(pr, "%s:%d: formats '%s' is not a list of png, svg and pdf", ini->path, e->line,
                e->value);
    else if (set)
        p->figure_formats = set;
}

static void load_globals(problems_t *pr, dsc_ini_t *ini, dsc_pipeline_t *p)
{
    load_ann(pr, ini, p);
    load_bc_method(pr, ini, "historical", "eqm", &p->bc_hist);
    load_bc_method(pr, ini, "future", "qdm", &p->bc_future);
    const dsc_ini_entry_t *e;
    p->ridge = 1e-6; /* collinear predictors on grids: see pipelines/demo.ini */
    if ((e = dsc_ini_find(ini, "linear", "ridge")) &&
        (parse_double(e->value, &p->ridge) || p->ridge < 0))
        problem(pr, "%s:%d: ridge '%s' is not a number >= 0", ini->path, e->line, e->value);
    snprintf(p->regrid_method, sizeof p->regrid_method, "bilinear");
    if ((e = dsc_ini_find(ini, "regrid", "method"))) {
        snprintf(p->regrid_method, sizeof p->regrid_method, "%s", e->value);
        int known = 0;
        for (const char *const *m = dsc_regrid_methods(); *m; m++)
            known |= strcmp(*m, e->value) == 0;
        if (!known)
            problem(pr, "%s:%d: regrid method '%s' is unknown (bilinear, nearest, conservative, "
                        "idw)",
                    ini->path, e->line, e->value);
    }
    p->report = 1;
    if ((e = dsc_ini_find(ini, "output", "report")) && parse_bool(e->value, &p->report))
        problem(pr, "%s:%d: report '%s' is not yes or no", ini->path, e->line, e->value);
    load_formats(pr, ini, p);
    size_t folds = 0;
    if ((e = dsc_ini_find(ini, "evaluation", "folds")) &&
        (parse_size(e->value, &folds) || folds == 1 || folds > 20))
        problem(pr, "%s:%d: folds '%s' must be 0 (off) or 2 to 20", ini->path, e->line, e->value);
    p->cv_folds = folds;
    p->hist_bin_width = 1.0;
    if ((e = dsc_ini_find(ini, "output", "hist_bin_width")) &&
        (parse_double(e->value, &p->hist_bin_width) || p->hist_bin_width <= 0))
        problem(pr, "%s:%d: hist_bin_width '%s' is not a positive number", ini->path, e->line,
                e->value);
}

/* Reports keys nothing read. A section for a region that has a region file but is not in
 * this run's list (e.g. left out with --set pipeline.regions=...) is not a mistake. */
static void report_unknown(problems_t *pr, dsc_ini_t *ini, const char *region_root,
                           char (*regions)[64], int nreg)
{
    for (size_t i = 0; i < ini->n; i++) {
        dsc_ini_entry_t *e = &ini->entries[i];
        if (e->used)
            continue;
        int in_run = 0;
        for (int r = 0; r < nreg && !in_run; r++)
            in_run = strcasecmp(regions[r], e->section) == 0;
        char rpath[2 * DSC_PATH_MAX + 128];
        snprintf(rpath, sizeof rpath, "%s/%s.ini", region_root, e->section);
        if (!in_run && access(rpath, R_OK) == 0)
            continue;
        /* Names of a variable this run leaves out (--set pipeline.variables=tasmax) are not
         * a mistake either; a misspelt one shows when the variable it meant is read. */
        if (strncmp(e->key, "gcm_var_", 8) == 0 || strncmp(e->key, "obs_var_", 8) == 0 ||
            strncmp(e->key, "obs2_var_", 9) == 0)
            continue;
        problem(pr, "%s:%d: unknown key '%s' in [%s]", ini->path, e->line, e->key, e->section);
    }
}

/* A key given twice in a file is a mistake whose outcome nobody should have to guess. */
static void report_duplicates(problems_t *pr, const dsc_ini_t *ini)
{
    for (size_t i = 0; i < ini->n; i++)
        for (size_t j = 0; j < i; j++) {
            const dsc_ini_entry_t *a = &ini->entries[j], *b = &ini->entries[i];
            if (a->line > 0 && b->line > 0 && !strcmp(a->section, b->section) &&
                !strcmp(a->key, b->key)) {
                problem(pr, "%s:%d: '%s' in [%s] is given again (first at line %d)", ini->path,
                        b->line, b->key, b->section, a->line);
                break;
            }
        }
}

static void default_root(char *dst, size_t size, const char *given)
{
    const char *env = getenv("DOWNSCALE_DATA");
    snprintf(dst, size, "%s", given && *given ? given : env && *env ? env : "../shared/data");
}

/* Applies "section.key=value" overrides; a malformed one is a problem, not a crash. */
static int apply_overrides(dsc_ctx_t *ctx, dsc_ini_t *ini, const char *const *ov, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char buf[2048];
        snprintf(buf, sizeof buf, "%s", ov[i]);
        char *eq = strchr(buf, '='), *dot = strchr(buf, '.');
        if (!eq || !dot || dot > eq || dot == buf || dot + 1 == eq)
            return dsc_error(ctx, DSC_ERR_USAGE, "--set '%s': expected section.key=value", ov[i]);
        *eq = '\0';
        *dot = '\0';
        int rc = dsc_ini_set(ctx, ini, buf, dot + 1, eq + 1);
        if (rc)
            return rc;
    }
    return DSC_OK;
}

int dsc_pipeline_load(dsc_ctx_t *ctx, const char *path, const char *region_dir,
                      const char *data_root, const char *out_dir, dsc_pipeline_t **out)
{
    return dsc_pipeline_load_overrides(ctx, path, region_dir, data_root, out_dir, NULL, 0, out);
}

int dsc_pipeline_load_overrides(dsc_ctx_t *ctx, const char *path, const char *region_dir,
                                const char *data_root, const char *out_dir,
                                const char *const *overrides, size_t noverrides,
                                dsc_pipeline_t **out)
{
    *out = NULL;
    dsc_ini_t *ini = NULL;
    int rc = dsc_ini_read(ctx, path, &ini);
    if (!rc)
        rc = apply_overrides(ctx, ini, overrides, noverrides);
    if (rc) {
        dsc_ini_destroy(ini);
        return rc;
    }
    problems_t pr = {.ctx = ctx};
    dsc_pipeline_t *p = dsc_calloc(ctx, 1, sizeof *p, "pipeline");
    if (!p) {
        dsc_ini_destroy(ini);
        return DSC_ERR_NOMEM;
    }
    snprintf(p->path, sizeof p->path, "%s", path);
    const char *name = dsc_ini_get(ini, "pipeline", "name");
    if (!name)
        problem(&pr, "%s: [pipeline] needs 'name'", path);
    snprintf(p->name, sizeof p->name, "%s", name ? name : "pipeline");
    /* The name becomes a folder under out/: a plain word, never a path. */
    int plain = p->name[0] != '\0' && p->name[0] != '.';
    for (const char *c = p->name; *c && plain; c++)
        plain = isalnum((unsigned char)*c) || *c == '-' || *c == '_' || *c == '.';
    if (name && !plain)
        problem(&pr,
                "%s: [pipeline] name '%s' must be letters, digits, '-', '_' or '.' "
                "(it names the output folder)",
                path, name);
    default_root(p->data_root, sizeof p->data_root, data_root);
    if (out_dir && *out_dir)
        snprintf(p->out_dir, sizeof p->out_dir, "%s", out_dir);
    else
        snprintf(p->out_dir, sizeof p->out_dir, "out/%s", p->name);

    char regions[DSC_MAX_LIST][64];
    const dsc_ini_entry_t *re = dsc_ini_find(ini, "pipeline", "regions");
    int nreg = re ? split_list(re->value, &regions[0][0], 64, DSC_MAX_LIST) : 0;
    if (nreg <= 0)
        problem(&pr, "%s: [pipeline] needs 'regions', a list of region names", path);
    const char *vars = dsc_ini_get(ini, "pipeline", "variables");
    dsc_ini_get(ini, "pipeline", "description");

    char dir_buf[DSC_PATH_MAX], region_root[DSC_PATH_MAX];
    snprintf(dir_buf, sizeof dir_buf, "%s", path);
    if (region_dir)
        snprintf(region_root, sizeof region_root, "%s", region_dir);
    else
        snprintf(region_root, sizeof region_root, "%s/../regions", dirname(dir_buf));

    p->jobs = dsc_calloc(ctx, nreg > 0 ? (size_t)nreg : 1, sizeof *p->jobs, "jobs");
    if (!p->jobs) {
        dsc_ini_destroy(ini);
        dsc_pipeline_destroy(p);
        return DSC_ERR_NOMEM;
    }
    int regions_missing = 0;
    for (int r = 0; r < nreg; r++) {
        dsc_job_t *job = &p->jobs[p->njob++];
        char rpath[2 * DSC_PATH_MAX + 128];
        snprintf(rpath, sizeof rpath, "%s/%s.ini", region_root, regions[r]);
        dsc_ini_t *rini = NULL;
        if (dsc_ini_read(ctx, rpath, &rini)) {
            problem(&pr, "%s: region '%s': %s", path, regions[r], dsc_ctx_message(ctx));
            regions_missing = 1;
            continue;
        }
        region_from_ini(&pr, rini, rpath, &job->region);
        dsc_ini_destroy(rini);
        load_job(&pr, ini, regions[r], vars ? vars : "tasmax", job);
    }
    load_globals(&pr, ini, p);
    report_duplicates(&pr, ini);
    /* Without every region loaded, keys they would have read look unknown: say nothing. */
    if (!regions_missing && nreg > 0)
        report_unknown(&pr, ini, region_root, regions, nreg);
    dsc_ini_destroy(ini);
    if (pr.count) {
        dsc_pipeline_destroy(p);
        return report_problems(&pr, path);
    }
    *out = p;
    return DSC_OK;
}

void dsc_pipeline_destroy(dsc_pipeline_t *p)
{
    if (!p)
        return;
    free(p->jobs);
    free(p);
}
