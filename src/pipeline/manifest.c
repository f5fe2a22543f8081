/* manifest.c - manifest.json: what a run read (with checksums), how it was set up, which
 * versions did the work, how long each stage took, what it wrote and how it ended. */
#include "dsc/io.h"
#include "dsc/sha256.h"
#include "pipeline/cache.h"
#include "pipeline/internal.h"

#include <cairo.h>
#include <gdal.h>
#include <netcdf.h>
#include <proj.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

/* OpenBLAS declares this in its own cblas.h; declared here to keep that header out. */
char *openblas_get_config(void);

static void json_string(FILE *fp, const char *s)
{
    fputc('"', fp);
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(fp, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", fp);
        else if (c < 0x20)
            fprintf(fp, "\\u%04x", c);
        else
            fputc(c, fp);
    }
    fputc('"', fp);
}

static void kv(FILE *fp, const char *indent, const char *key, const char *value, int comma)
{
    fprintf(fp, "%s\"%s\": ", indent, key);
    json_string(fp, value);
    fputs(comma ? ",\n" : "\n", fp);
}

/* Every input file the run read: templates expanded for each variable, model, scenario. */
static int list_inputs(dsc_ctx_t *ctx, const dsc_pipeline_t *p, dsc_outputs_t *in)
{
    for (size_t j = 0; j < p->njob; j++) {
        const dsc_job_t *job = &p->jobs[j];
        for (size_t v = 0; v < job->nvar; v++) {
            for (size_t m = 0; m < job->nmodel; m++) {
                const char *tmpls[5] = {job->gcm, job->gcm_historical, job->obs, job->obs2,
                                        job->gcm_future};
                const char *vars[5] = {job->gcm_var[v], job->gcm_var[v], job->obs_var[v],
                                       job->obs2_var[v], job->gcm_var[v]};
                size_t ns = job->nscen ? job->nscen : 1;
                for (size_t s = 0; s < ns; s++) {
                    for (size_t k = 0; k < 5; k++) {
                        if (!tmpls[k][0])
                            continue;
                        char **paths;
                        size_t n;
                        const char *scen = job->nscen ? job->scenarios[s] : "historical";
                        int rc = dsc_input_paths(ctx, p, tmpls[k], vars[k], job->models[m],
                                                 k == 1 ? "historical" : scen, &paths, &n);
                        if (rc)
                            return rc;
                        for (size_t i = 0; i < n && !rc; i++) {
                            int seen = 0;
                            for (size_t q = 0; q < in->n && !seen; q++)
                                seen = strcmp(in->paths[q], paths[i]) == 0;
                            if (!seen)
                                rc = dsc_outputs_add(ctx, in, paths[i]);
                        }
                        dsc_io_paths_free(paths, n);
                        if (rc)
                            return rc;
                    }
                }
            }
        }
    }
    return DSC_OK;
}

int dsc_manifest_inputs(dsc_ctx_t *ctx, const dsc_pipeline_t *p, dsc_outputs_t *in)
{
    return list_inputs(ctx, p, in);
}

static void write_inputs(FILE *fp, dsc_ctx_t *ctx, const dsc_outputs_t *in, dsc_checksums_t *cs)
{
    fputs("  \"inputs\": [\n", fp);
    for (size_t i = 0; i < in->n; i++) {
        char hex[65] = "";
        struct stat st;
        if (dsc_checksums_get(ctx, cs, in->paths[i], hex))
            snprintf(hex, sizeof hex, "unreadable");
        long long size = stat(in->paths[i], &st) == 0 ? (long long)st.st_size : -1;
        fputs("    {\"path\": ", fp);
        json_string(fp, in->paths[i]);
        fprintf(fp, ", \"bytes\": %lld, \"sha256\": \"%s\"}%s\n", size, hex,
                i + 1 < in->n ? "," : "");
    }
    fputs("  ],\n", fp);
}

static void write_settings(FILE *fp, const dsc_pipeline_t *p)
{
    fputs("  \"settings\": {\n", fp);
    fputs("    \"ann\": {\"hidden\": [", fp);
    for (size_t i = 0; i < p->nn.n_hidden; i++)
        fprintf(fp, "%s%zu", i ? ", " : "", p->nn.hidden[i]);
    fprintf(fp,
            "], \"activation\": \"%s\", \"optimizer\": \"%s\", \"learning_rate\": %g, "
            "\"batch_size\": %zu, \"epochs\": %zu, \"patience\": %zu, \"weight_decay\": %g, "
            "\"rule\": \"%s\", \"seed\": %llu, \"ensemble\": %zu},\n",
            dsc_nn_activation_name(p->nn.activation), p->nn.optimizer, p->nn.learning_rate,
            p->nn.batch_size, p->nn.epochs, p->nn.patience, p->nn.weight_decay, p->nn.rule,
            (unsigned long long)p->nn.seed, p->ensemble);
    fprintf(fp, "    \"linear\": {\"ridge\": %g},\n", p->ridge);
    fprintf(fp,
            "    \"bias_correction\": {\"historical\": \"%s\", \"future\": \"%s\", "
            "\"grouping\": \"%s\", \"window\": %d, \"quantiles\": %zu},\n",
            p->bc_hist.method, p->bc_future.method,
            p->bc_hist.grouping == DSC_BC_GROUP_DOY ? "doy" : "month", p->bc_hist.window,
            p->bc_hist.nquantiles);
    fprintf(fp, "    \"regrid\": \"%s\",\n    \"regions\": [\n", p->regrid_method);
    for (size_t j = 0; j < p->njob; j++) {
        const dsc_job_t *job = &p->jobs[j];
        fputs("      {\"name\": ", fp);
        json_string(fp, job->region.name);
        fprintf(fp,
                ", \"train\": \"%d-%d\", \"valid\": \"%d-%d\", \"future\": \"%d-%d\", "
                "\"pairing\": \"%s\", \"models\": %zu, \"scenarios\": %zu}%s\n",
                job->train.y0, job->train.y1, job->valid.y0, job->valid.y1, job->future.y0,
                job->future.y1, job->pairing == DSC_PAIR_RANK ? "rank" : "date", job->nmodel,
                job->nscen, j + 1 < p->njob ? "," : "");
    }
    fputs("    ]\n  },\n", fp);
}

static void write_versions(FILE *fp)
{
    char proj_version[64];
    snprintf(proj_version, sizeof proj_version, "%s", proj_info().version);
    const char *blas = openblas_get_config();
    fputs("  \"versions\": {\n", fp);
    kv(fp, "    ", "downscale", DSC_VERSION, 1);
    kv(fp, "    ", "netcdf", nc_inq_libvers(), 1);
    kv(fp, "    ", "gdal", GDALVersionInfo("RELEASE_NAME"), 1);
    kv(fp, "    ", "proj", proj_version, 1);
    kv(fp, "    ", "cairo", cairo_version_string(), 1);
    kv(fp, "    ", "openblas", blas ? blas : "", 0);
    fputs("  },\n", fp);
}

int dsc_manifest_write(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const char *argv_line,
                       const dsc_timing_t *timings, size_t ntimings, const dsc_outputs_t *outputs,
                       const char *outcome, dsc_checksums_t *cs)
{
    dsc_outputs_t in = {0};
    int rc = list_inputs(ctx, p, &in);
    if (rc)
        return rc;
    char path[DSC_PATH_MAX + 32], *tmp = NULL, when[64];
    FILE *fp;
    snprintf(path, sizeof path, "%s/manifest.json", p->out_dir);
    if ((rc = dsc_io_open_atomic(ctx, path, &fp, &tmp))) {
        dsc_outputs_clear(&in);
        return rc;
    }
    time_t now = time(NULL);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    fputs("{\n", fp);
    kv(fp, "  ", "pipeline", p->name, 1);
    kv(fp, "  ", "pipeline_file", p->path, 1);
    kv(fp, "  ", "command", argv_line, 1);
    kv(fp, "  ", "finished", when, 1);
    kv(fp, "  ", "outcome", outcome, 1);
    kv(fp, "  ", "data_root", p->data_root, 1);
    fprintf(fp, "  \"peak_memory_kib\": %ld,\n", ru.ru_maxrss);
    write_versions(fp);
    write_settings(fp, p);
    write_inputs(fp, ctx, &in, cs);
    fputs("  \"timings_seconds\": {", fp);
    for (size_t i = 0; i < ntimings; i++)
        fprintf(fp, "%s\"%s\": %.3f", i ? ", " : "", timings[i].stage, timings[i].seconds);
    fputs("},\n  \"outputs\": [\n", fp);
    for (size_t i = 0; i < outputs->n; i++) {
        fputs("    ", fp);
        json_string(fp, outputs->paths[i]);
        fputs(i + 1 < outputs->n ? ",\n" : "\n", fp);
    }
    fputs("  ]\n}\n", fp);
    dsc_outputs_clear(&in);
    rc = dsc_io_commit(ctx, fp, tmp, path);
    free(tmp);
    return rc;
}
