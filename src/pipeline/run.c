/* run.c - the pipeline driver: lock the output folder, check every input exists, then take
 * each region, model and variable through ingest, train, correct, write and figures, and
 * leave a manifest and a log whatever the outcome. */
/* nftw needs the X/Open interfaces. */
#define _XOPEN_SOURCE 700

#include "dsc/interrupt.h"
#include "dsc/io.h"
#include "dsc/parallel.h"
#include "dsc/sha256.h"
#include "pipeline/cache.h"
#include "pipeline/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

enum { T_INGEST, T_TRAIN, T_CORRECT, T_WRITE, T_FIGURES, T_OBS, T_RULES, T_CV, T_COUNT };
static const char *const STAGE_NAMES[T_COUNT] = {"ingest",  "train",        "correct", "write",
                                                 "figures", "observations", "rules",   "crossval"};

/* OpenBLAS declares this in its own cblas.h; declared here to keep that header out. */
void openblas_set_num_threads(int n);

/* The run log: every line the program logs is also written to run.log in the output. */
typedef struct {
    FILE *fp;
    dsc_log_fn next;
    void *next_user;
    dsc_log_level next_level; /* what the program asked to see; the file gets INFO too */
} run_log_t;

static void tee_log(void *user, dsc_log_level level, const char *module, const char *msg)
{
    static const char *const names[] = {"ERROR", "WARN", "INFO", "DEBUG"};
    run_log_t *rl = user;
    if (rl->fp) {
        char when[32];
        time_t now = time(NULL);
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
        fprintf(rl->fp, "%s %s %s: %s\n", when, names[level], module, msg);
        fflush(rl->fp);
    }
    if (rl->next && level <= rl->next_level)
        rl->next(rl->next_user, level, module, msg);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Takes an exclusive lock on <out>/.lock; a second run on the same folder is refused. The
 * lock goes with the process, so a killed run never leaves a stale lock behind. */
static int lock_output(dsc_ctx_t *ctx, const char *out_dir, int *fd)
{
    char path[DSC_PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/.lock", out_dir);
    *fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (*fd < 0)
        return dsc_error(ctx, DSC_ERR_IO, "%s: cannot create lock file: %s", path, strerror(errno));
    if (flock(*fd, LOCK_EX | LOCK_NB) != 0) {
        close(*fd);
        *fd = -1;
        return dsc_error(ctx, DSC_ERR_LOCKED,
                         "%s: another run is writing this output "
                         "folder; wait for it or choose another --out",
                         out_dir);
    }
    return DSC_OK;
}

/* Temporary files left by a run that was killed: removed once we hold the lock, since no
 * other run can be writing them then. */
static int remove_stale(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (type == FTW_F && strstr(base, ".tmp."))
        unlink(path);
    return 0;
}

typedef struct {
    dsc_ctx_t *ctx;
    const dsc_pipeline_t *p;
    const char *argv_line;
    double t[T_COUNT];
    dsc_outputs_t outputs;
    dsc_checksums_t cs;  /* input checksums, remembered across runs */
    size_t computed;     /* members computed in this run */
    size_t reused;       /* members taken from the cache */
    size_t regions_kept; /* regions whose outputs were already up to date */
    int split_cells;     /* MPI: the processes share the cells of each member */
    char **used;         /* keys of the members this run used, for pruning the cache */
    size_t nused, capused;
} run_t;

/* A successful run keeps in the cache only what its regions used (see dsc_cache_prune). */
static void prune_cache(run_t *r)
{
    const char **regions = malloc((r->p->njob ? r->p->njob : 1) * sizeof *regions);
    if (!regions)
        return; /* pruning is housekeeping: without memory for it, the cache stays */
    for (size_t j = 0; j < r->p->njob; j++)
        regions[j] = r->p->jobs[j].region.name;
    dsc_cache_prune(r->ctx, r->p->out_dir, (const char *const *)r->used, r->nused, regions,
                    r->p->njob);
    free(regions);
}

static void run_clear(run_t *r)
{
    for (size_t i = 0; i < r->nused; i++)
        free(r->used[i]);
    free(r->used);
    dsc_checksums_clear(&r->cs);
    dsc_outputs_clear(&r->outputs);
}

static int process_member(run_t *r, const dsc_job_t *job, size_t v, size_t m, dsc_member_t **out)
{
    double t0 = now_seconds();
    int rc = dsc_stage_ingest(r->ctx, r->p, job, v, m, out);
    if (!rc && dsc_par_size() > 1 && r->split_cells) {
        (*out)->cell_stride = (size_t)dsc_par_size();
        (*out)->cell_offset = (size_t)dsc_par_rank();
    }
    double t1 = now_seconds();
    r->t[T_INGEST] += t1 - t0;
    if (!rc)
        rc = dsc_stage_train(r->ctx, r->p, job, *out);
    double t2 = now_seconds();
    r->t[T_TRAIN] += t2 - t1;
    if (!rc)
        rc = dsc_stage_correct(r->ctx, r->p, job, *out);
    r->t[T_CORRECT] += now_seconds() - t2;
    if (!rc)
        dsc_member_round(*out);
    return rc;
}

static int emit(run_t *r, const dsc_job_t *job, const dsc_member_t *m, const char *tag, int figures)
{
    double t0 = now_seconds();
    int rc = dsc_stage_write(r->ctx, r->p, job, m, tag, r->argv_line, &r->outputs);
    double t1 = now_seconds();
    r->t[T_WRITE] += t1 - t0;
    if (!rc && figures)
        rc = dsc_stage_figures(r->ctx, r->p, job, m, tag, &r->outputs);
    r->t[T_FIGURES] += now_seconds() - t1;
    return rc;
}

static int var_index(const dsc_job_t *job, const char *name)
{
    for (size_t v = 0; v < job->nvar; v++)
        if (strcmp(job->variables[v], name) == 0)
            return (int)v;
    return -1;
}

static void free_members(dsc_member_t **mem, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        dsc_member_destroy(mem[i]);
        free(mem[i]);
        mem[i] = NULL;
    }
}

/* The keys of a region's members, and of the region's outputs as a whole. */
typedef struct {
    char (*keys)[65];
    char (*train_keys)[65]; /* the same without the bias-correction settings */
    char **texts;
    char region_key[65];
} region_keys_t;

static void region_keys_free(region_keys_t *k, size_t n)
{
    for (size_t i = 0; k->texts && i < n; i++)
        free(k->texts[i]);
    free(k->texts);
    free(k->keys);
    free(k->train_keys);
}

/* Remembers the keys of a region's members as used by this run. */
static int note_used(run_t *r, const dsc_job_t *job, const region_keys_t *k)
{
    size_t n = job->nvar * job->nmodel;
    if (r->nused + n > r->capused) {
        size_t cap = 2 * (r->nused + n);
        char **grown = realloc(r->used, cap * sizeof *grown);
        if (!grown)
            return dsc_error(r->ctx, DSC_ERR_NOMEM, "region %s: out of memory", job->region.name);
        r->used = grown;
        r->capused = cap;
    }
    for (size_t i = 0; i < n; i++) {
        if (!(r->used[r->nused] = dsc_strdup(r->ctx, k->keys[i])))
            return DSC_ERR_NOMEM;
        r->nused++;
    }
    return DSC_OK;
}

static int region_keys(run_t *r, const dsc_job_t *job, region_keys_t *k)
{
    size_t n = job->nvar * job->nmodel;
    k->keys = calloc(n, sizeof *k->keys);
    k->train_keys = calloc(n, sizeof *k->train_keys);
    k->texts = calloc(n, sizeof *k->texts);
    if (!k->keys || !k->train_keys || !k->texts)
        return dsc_error(r->ctx, DSC_ERR_NOMEM, "region %s: out of memory", job->region.name);
    dsc_sha256_t s;
    dsc_sha256_init(&s);
    for (size_t v = 0; v < job->nvar; v++)
        for (size_t m = 0; m < job->nmodel; m++) {
            size_t i = v * job->nmodel + m;
            int rc = dsc_member_describe(r->ctx, r->p, job, v, m, &r->cs, &k->texts[i], k->keys[i]);
            if (rc)
                return rc;
            dsc_member_train_key(k->texts[i], k->train_keys[i]);
            dsc_sha256_update(&s, k->keys[i], 64);
        }
    /* Settings that change the written outputs but not the members' results. */
    char extra[512];
    snprintf(extra, sizeof extra,
             "bins=%.17g rules=%zu folds=%zu report=%d formats=%u "
             "out=%s",
             r->p->hist_bin_width, r->p->nrules, r->p->cv_folds, r->p->report, r->p->figure_formats,
             r->p->out_dir);
    for (size_t i = 0; i < r->p->nrules; i++)
        dsc_sha256_update(&s, r->p->rules[i], strlen(r->p->rules[i]));
    dsc_sha256_update(&s, extra, strlen(extra));
    dsc_sha256_final(&s, k->region_key);
    return DSC_OK;
}

static int outputs_exist(const dsc_outputs_t *o)
{
    for (size_t i = 0; i < o->n; i++)
        if (access(o->paths[i], R_OK) != 0)
            return 0;
    return o->n > 0;
}

/* A region whose key matches its stamp and whose outputs are all there needs no work. */
static int region_up_to_date(run_t *r, const dsc_job_t *job, const region_keys_t *k,
                             dsc_outputs_t *kept)
{
    char key[65];
    if (r->p->force || dsc_stamp_read(r->p->out_dir, job->region.name, key, kept) ||
        strcmp(key, k->region_key) != 0 || !outputs_exist(kept)) {
        dsc_outputs_clear(kept);
        return 0;
    }
    return 1;
}

/* How a run will obtain member i of a region: what obtain_member does, decided from the
 * cache alone (for the plan of a dry run and the input checks before a run). */
typedef enum { PLAN_REUSE, PLAN_RECORRECT, PLAN_COMPUTE } plan_t;

static plan_t member_plan(const run_t *r, const region_keys_t *k, size_t i)
{
    char path[DSC_PATH_MAX + 128];
    if (r->p->force)
        return PLAN_COMPUTE;
    snprintf(path, sizeof path, "%s/.cache/%s.member", r->p->out_dir, k->keys[i]);
    if (access(path, R_OK) == 0)
        return PLAN_REUSE;
    snprintf(path, sizeof path, "%s/.cache/%s.trained", r->p->out_dir, k->train_keys[i]);
    if (!r->split_cells && access(path, R_OK) == 0)
        return PLAN_RECORRECT;
    return PLAN_COMPUTE;
}

/* Prints what a run would do for this region, and why, without doing it. The inputs of
 * what it would compute are checked (variables, axes, units, the region), not read. */
static int dry_run_region(run_t *r, const dsc_job_t *job, const region_keys_t *k, int up)
{
    if (up) {
        dsc_log(r->ctx, DSC_LOG_INFO, "plan", "region %s: up to date, nothing to run",
                job->region.name);
        return DSC_OK;
    }
    for (size_t v = 0; v < job->nvar; v++)
        for (size_t m = 0; m < job->nmodel; m++) {
            size_t i = v * job->nmodel + m;
            char why[512];
            plan_t plan = member_plan(r, k, i);
            if (plan == PLAN_REUSE) {
                dsc_log(r->ctx, DSC_LOG_INFO, "plan",
                        "%s %s %s: reuse the cached result, "
                        "then write",
                        job->region.name, job->variables[v], job->models[m]);
                continue;
            }
            if (plan == PLAN_RECORRECT) {
                dsc_log(r->ctx, DSC_LOG_INFO, "plan",
                        "%s %s %s: only the bias correction changed: correct the cached "
                        "predictions again, then write",
                        job->region.name, job->variables[v], job->models[m]);
                continue;
            }
            char *old = dsc_cache_last_text(r->p->out_dir, job->region.name, job->variables[v],
                                            job->models[m]);
            if (r->p->force)
                snprintf(why, sizeof why, "--force");
            else
                dsc_cache_explain(old, k->texts[i], why, sizeof why);
            free(old);
            dsc_log(r->ctx, DSC_LOG_INFO, "plan",
                    "%s %s %s: run ingest, regrid, train, "
                    "correct, write (%s)",
                    job->region.name, job->variables[v], job->models[m], why);
            int rc = dsc_stage_check_inputs(r->ctx, r->p, job, v, m);
            if (rc)
                return rc;
        }
    return DSC_OK;
}

/* MPI, cells shared: every process computed its own cells; afterwards each holds all. */
static void merge_cells(dsc_member_t *m)
{
    size_t n = m->nh * m->ncell;
    float *hist[] = {m->ann, m->ann_sd, m->ann_bc, m->lin};
    for (size_t k = 0; k < 4; k++)
        dsc_par_merge_finite(hist[k], n);
    for (size_t s = 0; s < m->nscen; s++) {
        dsc_scenario_data_t *sc = &m->scen[s];
        float *fut[] = {sc->ann, sc->ann_sd, sc->ann_bc, sc->lin};
        for (size_t k = 0; k < 4; k++)
            dsc_par_merge_finite(fut[k], sc->n * m->ncell);
    }
    size_t counts[2] = {m->n_train_rows, m->n_valid_rows};
    dsc_par_sum(counts, 2);
    m->n_train_rows = counts[0];
    m->n_valid_rows = counts[1];
    m->cell_stride = 0;
    m->cell_offset = 0;
}

/* Stages that retrain (learning rules, cross-validation) need the model on its own grid,
 * which is not cached: a cached member then gets it from a fresh ingest. */
static int attach_sources(run_t *r, const dsc_job_t *job, size_t v, size_t m, dsc_member_t *mem)
{
    if (!r->p->nrules && !r->p->cv_folds)
        return DSC_OK;
    dsc_member_t *fresh = NULL;
    int rc = dsc_stage_ingest(r->ctx, r->p, job, v, m, &fresh);
    if (rc)
        return rc;
    mem->hsrc = fresh->hsrc;
    mem->weights = fresh->weights;
    fresh->hsrc = NULL;
    fresh->weights = NULL;
    for (size_t s = 0; s < mem->nscen && s < fresh->nscen; s++) {
        mem->scen[s].src = fresh->scen[s].src;
        fresh->scen[s].src = NULL;
    }
    dsc_member_destroy(fresh);
    free(fresh);
    return DSC_OK;
}

/* Caches a computed member under its key and, for a later change of bias correction
 * alone, under its training key. */
static int save_member(run_t *r, const dsc_job_t *job, size_t v, size_t m, const region_keys_t *k,
                       const dsc_member_t *mem)
{
    size_t i = v * job->nmodel + m;
    int rc = dsc_cache_save(r->ctx, r->p->out_dir, k->keys[i], k->texts[i], mem);
    if (!rc)
        rc = dsc_cache_link_trained(r->ctx, r->p->out_dir, k->keys[i], k->train_keys[i]);
    if (!rc)
        rc = dsc_cache_set_last_text(r->ctx, r->p->out_dir, job->region.name, job->variables[v],
                                     job->models[m], k->texts[i]);
    return rc;
}

/* Only the bias correction changed: the trained networks' predictions are reused and the
 * correct stage alone runs again. */
static int recorrect_member(run_t *r, const dsc_job_t *job, size_t v, size_t m,
                            const region_keys_t *k, dsc_member_t *mem)
{
    dsc_log(r->ctx, DSC_LOG_INFO, "run",
            "%s %s %s: only the bias correction changed: "
            "correcting the cached predictions again",
            job->region.name, job->variables[v], job->models[m]);
    free(mem->ann_bc);
    mem->ann_bc = NULL;
    for (size_t s = 0; s < mem->nscen; s++) {
        free(mem->scen[s].ann_bc);
        mem->scen[s].ann_bc = NULL;
    }
    double t0 = now_seconds();
    int rc = dsc_stage_correct(r->ctx, r->p, job, mem);
    r->t[T_CORRECT] += now_seconds() - t0;
    if (rc)
        return rc;
    dsc_member_round(mem);
    r->computed++;
    if (dsc_par_rank() == 0 && (rc = save_member(r, job, v, m, k, mem)))
        return rc;
    return attach_sources(r, job, v, m, mem);
}

/* DSC_ERR_INTERRUPTED, with a message, once SIGINT or SIGTERM has arrived. */
static int check_interrupt(run_t *r, const dsc_job_t *job, const char *before)
{
    int sig = dsc_interrupted();
    if (!sig)
        return DSC_OK;
    return dsc_error(r->ctx, DSC_ERR_INTERRUPTED, "region %s: interrupted by %s before %s",
                     job->region.name, dsc_interrupt_name(sig), before);
}

/* A member from the cache, or corrected again from its cached predictions, or computed
 * (and then cached). */
static int obtain_member(run_t *r, const dsc_job_t *job, size_t v, size_t m, const region_keys_t *k,
                         dsc_member_t **out)
{
    size_t i = v * job->nmodel + m;
    int irc = check_interrupt(r, job, "the next model and variable");
    if (irc)
        return irc;
    if (!r->p->force && dsc_cache_load(r->ctx, r->p->out_dir, k->keys[i], out) == DSC_OK) {
        r->reused++;
        dsc_log(r->ctx, DSC_LOG_INFO, "run", "%s %s %s: unchanged, cached result reused",
                job->region.name, job->variables[v], job->models[m]);
        return attach_sources(r, job, v, m, *out);
    }
    dsc_ctx_clear(r->ctx); /* no cached result is not an error */
    if (!r->p->force && !r->split_cells &&
        dsc_cache_load_trained(r->ctx, r->p->out_dir, k->train_keys[i], out) == DSC_OK)
        return recorrect_member(r, job, v, m, k, *out);
    dsc_ctx_clear(r->ctx);
    char *old =
        dsc_cache_last_text(r->p->out_dir, job->region.name, job->variables[v], job->models[m]);
    char why[512];
    if (r->p->force)
        snprintf(why, sizeof why, "--force");
    else
        dsc_cache_explain(old, k->texts[i], why, sizeof why);
    free(old);
    dsc_log(r->ctx, DSC_LOG_INFO, "run", "%s %s %s: computing (%s)", job->region.name,
            job->variables[v], job->models[m], why);
    int rc = process_member(r, job, v, m, out);
    if (r->split_cells) {
        rc = dsc_par_agree(rc);
        if (rc && !dsc_ctx_status(r->ctx))
            dsc_error(r->ctx, rc, "another process failed (see its messages)");
        if (!rc)
            merge_cells(*out);
        if (!rc && (*out)->n_valid_rows == 0)
            rc = dsc_error(r->ctx, DSC_ERR_RANGE,
                           "%s: no validation day with both model and "
                           "observed %s in %d-%d",
                           job->region.name, job->variables[v], job->valid.y0, job->valid.y1);
        if (!rc && (*out)->n_train_rows == 0)
            rc = dsc_error(r->ctx, DSC_ERR_RANGE,
                           "%s: no training day with both model and "
                           "observed %s in %d-%d",
                           job->region.name, job->variables[v], job->train.y0, job->train.y1);
    }
    if (rc)
        return rc;
    r->computed++;
    if (dsc_par_rank() != 0)
        return DSC_OK; /* the first process keeps the cache */
    return save_member(r, job, v, m, k, *out);
}

static int write_region(run_t *r, const dsc_job_t *job, dsc_member_t **mem)
{
    size_t nv = job->nvar, nm = job->nmodel;
    int rc = DSC_OK;
    double t0 = now_seconds();
    for (size_t v = 0; v < nv && !rc; v++)
        rc = dsc_stage_observations(r->ctx, r->p, job, mem[v * nm], &r->outputs);
    double t1 = now_seconds();
    if (!rc && r->p->nrules)
        rc = dsc_stage_rules(r->ctx, r->p, job, mem[0], &r->outputs);
    double t2 = now_seconds();
    for (size_t i = 0; i < nv * nm && !rc && r->p->cv_folds; i++)
        rc = dsc_stage_crossval(r->ctx, r->p, job, mem[i], &r->outputs);
    r->t[T_OBS] += t1 - t0;
    r->t[T_RULES] += t2 - t1;
    r->t[T_CV] += now_seconds() - t2;
    for (size_t v = 0; v < nv && !rc; v++) {
        dsc_member_t **row = mem + v * nm;
        if (nm == 1) {
            rc = emit(r, job, row[0], "", 1);
            continue;
        }
        for (size_t m = 0; m < nm && !rc; m++) {
            char tag[80];
            snprintf(tag, sizeof tag, "_%s", row[m]->model);
            rc = emit(r, job, row[m], tag, 0);
        }
        dsc_member_t *ens = NULL;
        if (!rc)
            rc = dsc_stage_ensemble(r->ctx, row, nm, &ens);
        if (!rc)
            rc = emit(r, job, ens, "", 1);
        if (ens) {
            dsc_member_destroy(ens);
            free(ens);
        }
    }
    return rc;
}

static int run_job(run_t *r, const dsc_job_t *job)
{
    size_t nv = job->nvar, nm = job->nmodel;
    region_keys_t k = {0};
    int rc = region_keys(r, job, &k);
    if (!rc)
        rc = note_used(r, job, &k);
    dsc_outputs_t kept = {0};
    int up = !rc && region_up_to_date(r, job, &k, &kept);
    if (!rc && r->p->dry_run) {
        rc = dry_run_region(r, job, &k, up);
        dsc_outputs_clear(&kept);
        region_keys_free(&k, nv * nm);
        return rc;
    }
    if (!rc && up) {
        dsc_log(r->ctx, DSC_LOG_INFO, "run",
                "region %s: inputs and settings unchanged, its "
                "%zu outputs are up to date: no work",
                job->region.name, kept.n);
        for (size_t i = 0; i < kept.n && !rc; i++)
            rc = dsc_outputs_add(r->ctx, &r->outputs, kept.paths[i]);
        r->regions_kept++;
        dsc_outputs_clear(&kept);
        region_keys_free(&k, nv * nm);
        return rc;
    }

    dsc_member_t **mem = calloc(nv * nm, sizeof *mem);
    if (!rc && !mem)
        rc = dsc_error(r->ctx, DSC_ERR_NOMEM, "region %s: out of memory", job->region.name);
    /* With MPI, a region of at least as many members as processes is shared out member by
     * member (each computes its own and leaves it in the cache); a smaller one shares the
     * cells of each member. Either way the first process writes the outputs. */
    int rank = dsc_par_rank(), size = dsc_par_size();
    int by_member = size > 1 && nv * nm >= (size_t)size;
    r->split_cells = size > 1 && !by_member;
    /* Every input of what will be computed is checked (metadata only) before any training:
     * a missing year of tasmin must not surface after an hour of tasmax. */
    for (size_t i = 0; i < nv * nm && !rc; i++)
        if (member_plan(r, &k, i) == PLAN_COMPUTE)
            rc = dsc_stage_check_inputs(r->ctx, r->p, job, i / nm, i % nm);
    for (size_t i = 0; i < nv * nm && !rc && by_member; i++)
        if ((int)(i % (size_t)size) == rank)
            rc = obtain_member(r, job, i / nm, i % nm, &k, &mem[i]);
    if (by_member) {
        rc = dsc_par_agree(rc);
        if (rc && !dsc_ctx_status(r->ctx))
            dsc_error(r->ctx, rc, "another process failed (see its messages)");
    }
    int writer = rank == 0;
    int ix = var_index(job, "tasmax"), in = var_index(job, "tasmin");
    for (size_t m = 0; m < nm && !rc && (writer || r->split_cells); m++) {
        for (size_t v = 0; v < nv && !rc; v++)
            if (!mem[v * nm + m])
                rc = obtain_member(r, job, v, m, &k, &mem[v * nm + m]);
        if (!rc && writer && ix >= 0 && in >= 0)
            dsc_stage_tmin_tmax(r->ctx, mem[(size_t)ix * nm + m], mem[(size_t)in * nm + m]);
    }
    size_t first = r->outputs.n;
    if (!rc && writer)
        rc = check_interrupt(r, job, "writing the outputs");
    if (!rc && writer)
        rc = write_region(r, job, mem);
    if (!rc && writer)
        rc = dsc_stamp_write(r->ctx, r->p->out_dir, job->region.name, k.region_key,
                             (const char *const *)r->outputs.paths + first, r->outputs.n - first);
    int all = dsc_par_agree(rc);
    if (all && !rc)
        rc = dsc_error(r->ctx, all, "another process failed (see its messages)");
    if (mem)
        free_members(mem, nv * nm);
    free(mem);
    region_keys_free(&k, nv * nm);
    return rc;
}

/* --dry-run: reads inputs (for their checksums) and the cache, writes nothing, and logs
 * what a run would do for each region and model, and why. */
static int dry_run(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const char *argv_line)
{
    run_t r = {.ctx = ctx, .p = p, .argv_line = argv_line};
    dsc_outputs_t inputs = {0};
    int rc = dsc_manifest_inputs(ctx, p, &inputs);
    dsc_outputs_clear(&inputs);
    if (!rc)
        rc = dsc_checksums_load(ctx, p->out_dir, &r.cs);
    for (size_t j = 0; j < p->njob && !rc; j++)
        rc = run_job(&r, &p->jobs[j]);
    run_clear(&r);
    return rc;
}

/* The processes other than the first compute their share and write nothing of their own:
 * no lock, log file or manifest. */
static int run_helper_process(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const char *argv_line)
{
    run_t r = {.ctx = ctx, .p = p, .argv_line = argv_line};
    int rc = dsc_par_agree(DSC_OK); /* the first process has locked and cleaned the folder */
    if (rc)
        return dsc_error(ctx, rc, "%s: the first process could not start the run", p->out_dir);
    rc = dsc_checksums_load(ctx, p->out_dir, &r.cs);
    for (size_t j = 0; j < p->njob && !rc; j++)
        rc = run_job(&r, &p->jobs[j]);
    run_clear(&r);
    return rc;
}

/* What a run holds from start to finish: the lock and the run log. */
typedef struct {
    int lock_fd;
    run_log_t log;
    dsc_log_level level; /* the program's own log level, restored at the end */
    char log_path[DSC_PATH_MAX + 16];
    char *log_tmp;
} session_t;

/* Locks the output folder, removes what a killed run left, and starts the run log. Helper
 * processes (MPI) wait for this and stop with it when it fails. */
static int start_session(dsc_ctx_t *ctx, const dsc_pipeline_t *p, session_t *ss)
{
    memset(ss, 0, sizeof *ss);
    ss->lock_fd = -1;
    int rc = dsc_io_mkdirs(ctx, p->out_dir);
    if (!rc)
        rc = lock_output(ctx, p->out_dir, &ss->lock_fd);
    if (!rc)
        nftw(p->out_dir, remove_stale, 16, FTW_PHYS);
    dsc_ctx_get_log(ctx, &ss->log.next, &ss->log.next_user, &ss->level);
    ss->log.next_level = ss->level;
    snprintf(ss->log_path, sizeof ss->log_path, "%s/run.log", p->out_dir);
    if (!rc)
        rc = dsc_io_open_atomic(ctx, ss->log_path, &ss->log.fp, &ss->log_tmp);
    dsc_par_agree(rc);
    if (rc) {
        if (ss->lock_fd >= 0)
            close(ss->lock_fd);
        return rc;
    }
    dsc_ctx_set_log(ctx, tee_log, &ss->log, ss->level < DSC_LOG_INFO ? DSC_LOG_INFO : ss->level);
    return DSC_OK;
}

/* Every region in turn, then one line on how much work that was. */
static int run_jobs(run_t *r)
{
    const dsc_pipeline_t *p = r->p;
    dsc_outputs_t inputs = {0};
    int rc = dsc_manifest_inputs(r->ctx, p, &inputs);
    dsc_outputs_clear(&inputs);
    if (!rc)
        rc = dsc_checksums_load(r->ctx, p->out_dir, &r->cs);
    for (size_t j = 0; j < p->njob && !rc; j++) {
        dsc_log(r->ctx, DSC_LOG_INFO, "run",
                "region %s: %zu variable(s), %zu model(s), %zu "
                "scenario(s)",
                p->jobs[j].region.name, p->jobs[j].nvar, p->jobs[j].nmodel, p->jobs[j].nscen);
        rc = run_job(r, &p->jobs[j]);
    }
    if (rc)
        return rc;
    if (r->computed == 0 && r->reused == 0)
        dsc_log(r->ctx, DSC_LOG_INFO, "run",
                "nothing changed since the last run: no work "
                "done, outputs kept");
    else
        dsc_log(r->ctx, DSC_LOG_INFO, "run",
                "%zu result(s) computed, %zu reused from the "
                "cache, %zu region(s) already up to date",
                r->computed, r->reused, r->regions_kept);
    return DSC_OK;
}

/* Whatever the outcome: manifest, remembered checksums, report page, run log, unlock. */
static int finish_session(run_t *r, session_t *ss, int rc)
{
    dsc_ctx_t *ctx = r->ctx;
    const dsc_pipeline_t *p = r->p;
    char failure[1200] = "";
    if (rc) {
        /* A signal stops a run between cells; say that nothing finished is lost. */
        snprintf(failure, sizeof failure, "%s%s", dsc_ctx_message(ctx),
                 rc == DSC_ERR_INTERRUPTED ? "; the models and variables finished before it are "
                                             "cached and the next run continues from there"
                                           : "");
        /* Into the run log only: the program prints the error itself, on one line. */
        dsc_log_fn next = ss->log.next;
        ss->log.next = NULL;
        dsc_log(ctx, DSC_LOG_ERROR, "run", "%s", failure);
        ss->log.next = next;
    }
    dsc_timing_t timings[T_COUNT];
    for (int i = 0; i < T_COUNT; i++)
        timings[i] = (dsc_timing_t){STAGE_NAMES[i], r->t[i]};
    const char *outcome = rc ? failure : "success";
    int mrc =
        dsc_manifest_write(ctx, p, r->argv_line, timings, T_COUNT, &r->outputs, outcome, &r->cs);
    if (!mrc)
        mrc = dsc_checksums_save(ctx, p->out_dir, &r->cs);
    if (!mrc && p->report)
        mrc = dsc_stage_report(ctx, p, r->argv_line, &r->outputs, &r->cs, outcome);
    if (!rc && !mrc)
        dsc_log(ctx, DSC_LOG_INFO, "run", "finished: %zu outputs under %s", r->outputs.n,
                p->out_dir);
    dsc_ctx_set_log(ctx, ss->log.next, ss->log.next_user, ss->level);
    dsc_io_commit(ctx, ss->log.fp, ss->log_tmp, ss->log_path);
    free(ss->log_tmp);
    close(ss->lock_fd);
    if (rc) /* the stage's message is the one the user needs, not the manifest's */
        return dsc_error(ctx, rc, "%s", failure);
    return mrc;
}

int dsc_pipeline_run(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const char *argv_line)
{
    if (p->dry_run)
        return dsc_par_rank() == 0 ? dry_run(ctx, p, argv_line) : DSC_OK;
    if (dsc_par_rank() != 0)
        return run_helper_process(ctx, p, argv_line);
    session_t ss;
    int rc = start_session(ctx, p, &ss);
    if (rc)
        return rc;
    dsc_log(ctx, DSC_LOG_INFO, "run", "pipeline %s (%s), data root %s, output %s", p->name, p->path,
            p->data_root, p->out_dir);
    /* Threads go to grid cells (OpenMP); BLAS inside each cell's small products runs on
     * one thread so the two never oversubscribe the cores. */
    if (omp_get_max_threads() > 1)
        openblas_set_num_threads(1);
    dsc_log(ctx, DSC_LOG_INFO, "run", "%d thread(s) over grid cells", omp_get_max_threads());

    run_t r = {.ctx = ctx, .p = p, .argv_line = argv_line};
    rc = run_jobs(&r);
    if (!rc)
        prune_cache(&r);
    rc = finish_session(&r, &ss, rc);
    run_clear(&r);
    return rc;
}
