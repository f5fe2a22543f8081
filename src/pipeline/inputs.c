/* inputs.c - finding input files from path templates, and the split of a year. */
#include "dsc/io.h"
#include "pipeline/internal.h"

#include <stdio.h>
#include <string.h>

/* Replaces every {name} in tmpl with its value; unknown names stay as they are. */
static int expand(const char *tmpl, const char *const *names, const char *const *values, size_t n,
                  char *out, size_t size)
{
    size_t o = 0;
    for (const char *s = tmpl; *s;) {
        size_t k = 0;
        for (; k < n; k++) {
            size_t len = strlen(names[k]);
            if (values[k] && s[0] == '{' && strncmp(s + 1, names[k], len) == 0 && s[len + 1] == '}')
                break;
        }
        const char *piece = k < n ? values[k] : s;
        size_t plen = k < n ? strlen(values[k]) : 1;
        if (o + plen >= size)
            return -1;
        memcpy(out + o, piece, plen);
        o += plen;
        s += k < n ? strlen(names[k]) + 2 : 1;
    }
    out[o] = '\0';
    return 0;
}

int dsc_input_paths(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const char *tmpl, const char *var,
                    const char *model, const char *scenario, char ***paths, size_t *n)
{
    static const char *const names[] = {"var", "model", "scenario"};
    const char *values[] = {var, model, scenario};
    char rel[DSC_PATH_MAX], full[2 * DSC_PATH_MAX + 2];
    if (expand(tmpl, names, values, 3, rel, sizeof rel))
        return dsc_error(ctx, DSC_ERR_CONFIG, "%s: input path '%s' is too long", p->path, tmpl);
    if (strchr(rel, '{'))
        return dsc_error(ctx, DSC_ERR_CONFIG,
                         "%s: input path '%s' has a placeholder that cannot be filled here "
                         "(known: {var}, {model}, {scenario})",
                         p->path, tmpl);
    if (rel[0] == '/')
        snprintf(full, sizeof full, "%s", rel);
    else
        snprintf(full, sizeof full, "%s/%s", p->data_root, rel);
    return dsc_io_glob(ctx, full, paths, n);
}

const char *dsc_split_label(const dsc_job_t *job, int year)
{
    if (year >= job->train.y0 && year <= job->train.y1)
        return "train";
    if (year >= job->valid.y0 && year <= job->valid.y1)
        return "valid";
    return "hist";
}
