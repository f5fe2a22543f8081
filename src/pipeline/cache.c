/* cache.c - checksums, result keys and cached member results for incremental reruns.
 *
 * A member's key is the SHA-256 of a plain-text description of everything its result
 * depends on; the text is kept beside the result so that a rerun can say which setting or
 * input changed. Cached results are native binary files (this machine's byte order), a
 * cache and not an exchange format: a damaged or foreign file is recomputed, never trusted.
 */
#include "pipeline/cache.h"

#include "dsc/io.h"
#include "dsc/sha256.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CACHE_MAGIC "DSCMEMB3"

static void cache_path(char *buf, size_t size, const char *out_dir, const char *name)
{
    snprintf(buf, size, "%s/.cache/%s", out_dir, name);
}

static int cache_dir(dsc_ctx_t *ctx, const char *out_dir)
{
    char dir[DSC_PATH_MAX + 16];
    snprintf(dir, sizeof dir, "%s/.cache", out_dir);
    return dsc_io_mkdirs(ctx, dir);
}

/* ---- checksums ----------------------------------------------------------------------- */

static int cs_add(dsc_checksums_t *cs, const char *path, const char *sha, long long size,
                  long long mtime)
{
    if (cs->n == cs->cap) {
        size_t cap = cs->cap ? 2 * cs->cap : 64;
        char **p = realloc(cs->paths, cap * sizeof *p);
        if (p)
            cs->paths = p;
        char(*h)[65] = realloc(cs->sha, cap * sizeof *h);
        if (h)
            cs->sha = h;
        long long *s = realloc(cs->size, cap * sizeof *s);
        if (s)
            cs->size = s;
        long long *m = realloc(cs->mtime_ns, cap * sizeof *m);
        if (m)
            cs->mtime_ns = m;
        if (!p || !h || !s || !m)
            return DSC_ERR_NOMEM;
        cs->cap = cap;
    }
    if (!(cs->paths[cs->n] = strdup(path)))
        return DSC_ERR_NOMEM;
    snprintf(cs->sha[cs->n], 65, "%s", sha);
    cs->size[cs->n] = size;
    cs->mtime_ns[cs->n] = mtime;
    cs->n++;
    return DSC_OK;
}

int dsc_checksums_load(dsc_ctx_t *ctx, const char *out_dir, dsc_checksums_t *cs)
{
    memset(cs, 0, sizeof *cs);
    char path[DSC_PATH_MAX + 64], line[4096 + 256];
    cache_path(path, sizeof path, out_dir, "checksums.tsv");
    FILE *fp = fopen(path, "r");
    if (!fp)
        return DSC_OK;
    while (fgets(line, sizeof line, fp)) {
        char sha[65], file[4096];
        long long size, mtime;
        if (sscanf(line, "%64s %lld %lld %4095[^\n]", sha, &size, &mtime, file) == 4 &&
            cs_add(cs, file, sha, size, mtime)) {
            fclose(fp);
            return dsc_error(ctx, DSC_ERR_NOMEM, "%s: out of memory", path);
        }
    }
    fclose(fp);
    return DSC_OK;
}

int dsc_checksums_get(dsc_ctx_t *ctx, dsc_checksums_t *cs, const char *path, char hex[65])
{
    struct stat st;
    if (stat(path, &st) != 0)
        return dsc_error(ctx, DSC_ERR_IO, "%s: %s", path, strerror(errno));
    long long size = (long long)st.st_size;
    long long mtime = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
    for (size_t i = 0; i < cs->n; i++)
        if (strcmp(cs->paths[i], path) == 0 && cs->size[i] == size && cs->mtime_ns[i] == mtime) {
            memcpy(hex, cs->sha[i], 65);
            return DSC_OK;
        }
    int rc = dsc_sha256_file(ctx, path, hex);
    if (rc)
        return rc;
    cs->dirty = 1;
    if (cs_add(cs, path, hex, size, mtime))
        return dsc_error(ctx, DSC_ERR_NOMEM, "checksums: out of memory");
    return DSC_OK;
}

int dsc_checksums_save(dsc_ctx_t *ctx, const char *out_dir, dsc_checksums_t *cs)
{
    if (!cs->dirty)
        return DSC_OK;
    char path[DSC_PATH_MAX + 64], *tmp = NULL;
    FILE *fp;
    int rc = cache_dir(ctx, out_dir);
    cache_path(path, sizeof path, out_dir, "checksums.tsv");
    if (!rc)
        rc = dsc_io_open_atomic(ctx, path, &fp, &tmp);
    if (rc)
        return rc;
    /* Later entries for a path supersede earlier ones: write only the last of each. */
    for (size_t i = 0; i < cs->n; i++) {
        int later = 0;
        for (size_t j = i + 1; j < cs->n && !later; j++)
            later = strcmp(cs->paths[i], cs->paths[j]) == 0;
        if (!later)
            fprintf(fp, "%s %lld %lld %s\n", cs->sha[i], cs->size[i], cs->mtime_ns[i],
                    cs->paths[i]);
    }
    rc = dsc_io_commit(ctx, fp, tmp, path);
    free(tmp);
    return rc;
}

void dsc_checksums_clear(dsc_checksums_t *cs)
{
    for (size_t i = 0; i < cs->n; i++)
        free(cs->paths[i]);
    free(cs->paths);
    free(cs->sha);
    free(cs->size);
    free(cs->mtime_ns);
    memset(cs, 0, sizeof *cs);
}

/* ---- descriptions and keys ----------------------------------------------------------- */

typedef struct {
    char *buf;
    size_t len, cap;
    int failed;
} text_t;

static void put(text_t *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(text_t *t, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintf(t->buf ? t->buf + t->len : NULL, t->buf ? t->cap - t->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            t->failed = 1;
            return;
        }
        if (t->buf && t->len + (size_t)n < t->cap) {
            t->len += (size_t)n;
            return;
        }
        size_t cap = t->cap ? 2 * t->cap : 4096;
        while (cap < t->len + (size_t)n + 1)
            cap *= 2;
        char *b = realloc(t->buf, cap);
        if (!b) {
            t->failed = 1;
            return;
        }
        t->buf = b;
        t->cap = cap;
    }
}

static void put_period(text_t *t, const char *name, dsc_period_t p)
{
    put(t, "%s = %d-%d\n", name, p.y0, p.y1);
}

static void put_bc(text_t *t, const char *name, const dsc_bc_config_t *b)
{
    put(t, "%s = %s %s grouping=%d window=%d quantiles=%zu extrapolation=%s\n", name, b->method,
        b->kind, (int)b->grouping, b->window, b->nquantiles, b->extrapolation);
}

static int put_inputs(dsc_ctx_t *ctx, text_t *t, const dsc_pipeline_t *p, const dsc_job_t *job,
                      size_t v, size_t m, dsc_checksums_t *cs)
{
    const char *tmpls[5] = {job->gcm, job->gcm_historical, job->gcm_future, job->obs, job->obs2};
    const char *vars[5] = {job->gcm_var[v], job->gcm_var[v], job->gcm_var[v], job->obs_var[v],
                           job->obs2_var[v]};
    size_t ns = job->nscen ? job->nscen : 1;
    for (size_t k = 0; k < 5; k++) {
        if (!tmpls[k][0])
            continue;
        for (size_t s = 0; s < ns; s++) {
            const char *scen = k == 1       ? "historical"
                               : job->nscen ? job->scenarios[s]
                                            : "historical";
            char **paths = NULL;
            size_t n = 0;
            int rc = dsc_input_paths(ctx, p, tmpls[k], vars[k], job->models[m], scen, &paths, &n);
            for (size_t i = 0; i < n && !rc; i++) {
                char hex[65];
                rc = dsc_checksums_get(ctx, cs, paths[i], hex);
                /* Below the data root the path is keyed relative to it: an archive moved
                 * or mounted elsewhere, with the same files, keeps its cached results. */
                size_t nr = strlen(p->data_root);
                const char *name = paths[i];
                if (nr && strncmp(name, p->data_root, nr) == 0 && name[nr] == '/')
                    name += nr + 1;
                if (!rc)
                    put(t, "input = %s %s\n", name, hex);
            }
            dsc_io_paths_free(paths, n);
            if (rc)
                return rc;
            if (k == 1 || k >= 3)
                break; /* these do not depend on the scenario */
        }
    }
    return DSC_OK;
}

int dsc_member_describe(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job, size_t v,
                        size_t m, dsc_checksums_t *cs, char **text, char key[65])
{
    text_t t = {0};
    const dsc_region_def_t *r = &job->region;
    const dsc_nn_config_t *nn = &p->nn;
    put(&t, "version = %s\n", DSC_VERSION);
    put(&t, "region = %s kind=%d lat=%.6f lon=%.6f box=%.6f,%.6f,%.6f,%.6f location=%s\n", r->name,
        (int)r->kind, r->lat, r->lon, r->lat_min, r->lat_max, r->lon_min, r->lon_max, r->location);
    put(&t, "variable = %s (model %s, obs %s, obs2 %s)\n", job->variables[v], job->gcm_var[v],
        job->obs_var[v], job->obs2_var[v]);
    put(&t, "model = %s\n", job->models[m]);
    put(&t, "scenarios =");
    for (size_t s = 0; s < job->nscen; s++)
        put(&t, " %s", job->scenarios[s]);
    put(&t, "\ninputs = gcm=%s gcm_historical=%s gcm_future=%s obs=%s (%s) obs2=%s\n", job->gcm,
        job->gcm_historical, job->gcm_future, job->obs, job->obs_format, job->obs2);
    const dsc_input_overrides_t *ovs[] = {&job->gcm_over, &job->obs_over, &job->obs2_over};
    for (size_t k = 0; k < 3; k++)
        put(&t, "overrides %zu = calendar=%s time_units=%s units=%s\n", k, ovs[k]->calendar,
            ovs[k]->time_units, ovs[k]->units);
    put(&t, "calendar_alignment = %d\n", (int)job->alignment);
    int rc = put_inputs(ctx, &t, p, job, v, m, cs);
    put_period(&t, "train", job->train);
    put_period(&t, "valid", job->valid);
    put_period(&t, "future", job->future);
    put_period(&t, "map_base", job->base);
    put(&t, "pairing = %d\nmin_coverage = %g\nmax_site_distance_km = %g\n", (int)job->pairing,
        job->min_coverage, job->max_site_km);
    put(&t, "ann.layers =");
    for (size_t i = 0; i < nn->n_hidden; i++)
        put(&t, " %zu", nn->hidden[i]);
    put(&t,
        "\nann.activation = %d\nann.optimizer = %s\nann.learning_rate = %.17g\n"
        "ann.momentum = %.17g\nann.weight_decay = %.17g\nann.batch_size = %zu\n"
        "ann.epochs = %zu\nann.patience = %zu\nann.seed = %llu\nann.rule = %s\n"
        "ann.ensemble = %zu\n",
        (int)nn->activation, nn->optimizer, nn->learning_rate, nn->momentum, nn->weight_decay,
        nn->batch_size, nn->epochs, nn->patience, (unsigned long long)nn->seed, nn->rule,
        p->ensemble);
    put(&t, "linear.ridge = %.17g\nregrid.method = %s\n", p->ridge, p->regrid_method);
    put_bc(&t, "bias_correction.historical", &p->bc_hist);
    put_bc(&t, "bias_correction.future", &p->bc_future);
    if (t.failed && !rc)
        rc = dsc_error(ctx, DSC_ERR_NOMEM, "cache key: out of memory");
    if (rc) {
        free(t.buf);
        return rc;
    }
    dsc_sha256_t s;
    dsc_sha256_init(&s);
    dsc_sha256_update(&s, t.buf, t.len);
    dsc_sha256_final(&s, key);
    *text = t.buf;
    return DSC_OK;
}

void dsc_member_train_key(const char *text, char key[65])
{
    dsc_sha256_t s;
    dsc_sha256_init(&s);
    for (const char *line = text; *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line + 1) : strlen(line);
        if (strncmp(line, "bias_correction.", 16) != 0)
            dsc_sha256_update(&s, line, len);
        line += len;
    }
    dsc_sha256_final(&s, key);
}

void dsc_cache_explain(const char *old_text, const char *new_text, char *buf, size_t size)
{
    if (!old_text) {
        snprintf(buf, size, "no earlier result");
        return;
    }
    const char *a = old_text, *b = new_text;
    while (*a && *b) {
        const char *ea = strchr(a, '\n'), *eb = strchr(b, '\n');
        size_t la = ea ? (size_t)(ea - a) : strlen(a), lb = eb ? (size_t)(eb - b) : strlen(b);
        if (la != lb || strncmp(a, b, la) != 0) {
            snprintf(buf, size, "changed: '%.*s' -> '%.*s'", (int)(la < 160 ? la : 160), a,
                     (int)(lb < 160 ? lb : 160), b);
            return;
        }
        a += la + (ea ? 1 : 0);
        b += lb + (eb ? 1 : 0);
    }
    snprintf(buf, size,
             *a || *b ? "the list of inputs changed"
                      : "nothing changed, but the "
                        "cached result is missing");
}

/* ---- member results ------------------------------------------------------------------- */

static int put_block(FILE *fp, const void *p, size_t n)
{
    uint64_t len = n;
    return fwrite(&len, sizeof len, 1, fp) == 1 && (n == 0 || fwrite(p, 1, n, fp) == n) ? 0 : -1;
}

/* Reads a block written by put_block into a new allocation (NULL for an empty block).
 * expect is the size the caller knows it must have, or (size_t)-1 to accept any. */
static int get_block(FILE *fp, void **p, size_t expect, size_t *got)
{
    uint64_t len;
    *p = NULL;
    if (fread(&len, sizeof len, 1, fp) != 1 || len > ((uint64_t)1 << 40))
        return -1;
    if (expect != (size_t)-1 && len != expect)
        return -1;
    if (got)
        *got = (size_t)len;
    if (len == 0)
        return 0;
    if (!(*p = malloc((size_t)len)))
        return -1;
    return fread(*p, 1, (size_t)len, fp) == len ? 0 : -1;
}

/* Values are cached in single precision, as members hold them (see internal.h); the whole
 * observed record (a double field) is rounded to it once computed (dsc_member_round), so
 * the cache loses nothing. */
static int put_floats(FILE *fp, const float *v, size_t n)
{
    return put_block(fp, v, v ? n * sizeof *v : 0);
}

static int put_doubles(FILE *fp, const double *v, size_t n)
{
    float *f = malloc((n ? n : 1) * sizeof *f);
    if (!f)
        return -1;
    for (size_t i = 0; i < n; i++)
        f[i] = (float)v[i];
    int rc = put_block(fp, f, n * sizeof *f);
    free(f);
    return rc;
}

/* Reads n floats written by put_floats (NULL for an empty block when n_expect is
 * (size_t)-1). */
static int get_floats(FILE *fp, float **v, size_t n_expect, size_t *n_got)
{
    size_t bytes;
    *v = NULL;
    if (get_block(fp, (void **)v, n_expect == (size_t)-1 ? n_expect : n_expect * sizeof **v,
                  &bytes) ||
        bytes % sizeof **v) {
        free(*v);
        *v = NULL;
        return -1;
    }
    if (n_got)
        *n_got = bytes / sizeof **v;
    return 0;
}

/* Reads n floats written by put_doubles into a new double array. */
static int get_doubles(FILE *fp, double **v, size_t n)
{
    float *f;
    *v = NULL;
    if (get_floats(fp, &f, n, NULL))
        return -1;
    *v = malloc((n ? n : 1) * sizeof **v);
    if (*v)
        for (size_t i = 0; i < n; i++)
            (*v)[i] = f[i];
    free(f);
    return *v ? 0 : -1;
}

void dsc_member_round(dsc_member_t *m)
{
    dsc_field_t *f = m->obs_full;
    for (size_t i = 0; f && i < f->ntime * m->ncell; i++)
        f->values[i] = (double)(float)f->values[i];
}

static int write_member(FILE *fp, const dsc_member_t *m)
{
    size_t nh = m->nh * m->ncell;
    int bad = fwrite(CACHE_MAGIC, 8, 1, fp) != 1;
    bad |= put_block(fp, m->model, sizeof m->model) | put_block(fp, m->var, sizeof m->var);
    int head[3] = {(int)m->cal, (int)m->grid.kind, m->grid.lon_wraps};
    size_t dims[3] = {m->grid.nlat, m->grid.nlon, m->nh};
    bad |= put_block(fp, head, sizeof head) | put_block(fp, dims, sizeof dims);
    size_t nlon = m->grid.kind == DSC_GRID_POINTS ? m->grid.nlat : m->grid.nlon;
    bad |= put_block(fp, m->grid.lat, m->grid.nlat * sizeof(double));
    bad |= put_block(fp, m->grid.lon, nlon * sizeof(double));
    bad |= put_block(fp, m->hdates, m->nh * sizeof(dsc_date_t));
    const float *arrays[] = {m->obs, m->gcm, m->ann, m->ann_sd, m->ann_bc, m->lin};
    for (size_t k = 0; k < 6; k++)
        bad |= put_floats(fp, arrays[k], nh);
    bad |= put_floats(fp, m->obs2, nh);
    const dsc_field_t *f = m->obs_full;
    size_t fdims[2] = {f ? f->ntime : 0, f ? (size_t)f->calendar : 0};
    bad |= put_block(fp, fdims, sizeof fdims);
    if (f) {
        bad |= put_block(fp, f->dates, f->ntime * sizeof(dsc_date_t));
        bad |= put_doubles(fp, f->values, f->ntime * m->ncell);
        bad |= put_block(fp, f->source, sizeof f->source);
    }
    size_t counts[6] = {m->nscen,        m->curve.n_epochs, m->curve.best_epoch,
                        m->n_train_rows, m->n_valid_rows,   m->obs_dropped};
    bad |= put_block(fp, counts, sizeof counts);
    bad |= put_block(fp, m->curve.train_loss, m->curve.n_epochs * sizeof(double));
    bad |= put_block(fp, m->curve.valid_loss, m->curve.n_epochs * sizeof(double));
    for (size_t s = 0; s < m->nscen; s++) {
        const dsc_scenario_data_t *sc = &m->scen[s];
        size_t ns = sc->n * m->ncell;
        bad |= put_block(fp, sc->name, sizeof sc->name);
        bad |= put_block(fp, sc->dates, sc->n * sizeof(dsc_date_t));
        const float *sa[] = {sc->gcm, sc->ann, sc->ann_sd, sc->ann_bc, sc->lin};
        for (size_t k = 0; k < 5; k++)
            bad |= put_floats(fp, sa[k], ns);
    }
    return bad ? -1 : 0;
}

int dsc_cache_save(dsc_ctx_t *ctx, const char *out_dir, const char key[65], const char *text,
                   const dsc_member_t *m)
{
    char path[DSC_PATH_MAX + 96], name[96], *tmp = NULL;
    FILE *fp;
    int rc = cache_dir(ctx, out_dir);
    snprintf(name, sizeof name, "%s.member", key);
    cache_path(path, sizeof path, out_dir, name);
    if (!rc)
        rc = dsc_io_open_atomic(ctx, path, &fp, &tmp);
    if (rc)
        return rc;
    if (write_member(fp, m)) {
        dsc_io_abort(fp, tmp);
        free(tmp);
        return dsc_error(ctx, DSC_ERR_IO, "%s: cannot write the cached result", path);
    }
    rc = dsc_io_commit(ctx, fp, tmp, path);
    free(tmp);
    if (rc)
        return rc;
    snprintf(name, sizeof name, "%s.txt", key);
    cache_path(path, sizeof path, out_dir, name);
    if ((rc = dsc_io_open_atomic(ctx, path, &fp, &tmp)))
        return rc;
    fputs(text, fp);
    rc = dsc_io_commit(ctx, fp, tmp, path);
    free(tmp);
    return rc;
}

static int read_member(FILE *fp, dsc_member_t *m)
{
    char magic[8];
    void *p;
    if (fread(magic, 8, 1, fp) != 1 || memcmp(magic, CACHE_MAGIC, 8))
        return -1;
    if (get_block(fp, &p, sizeof m->model, NULL))
        return -1;
    memcpy(m->model, p, sizeof m->model);
    free(p);
    if (get_block(fp, &p, sizeof m->var, NULL))
        return -1;
    memcpy(m->var, p, sizeof m->var);
    free(p);
    int *head;
    size_t *dims;
    if (get_block(fp, (void **)&head, 3 * sizeof(int), NULL))
        return -1;
    m->cal = (dsc_calendar_t)head[0];
    m->grid.kind = (dsc_grid_kind)head[1];
    m->grid.lon_wraps = head[2];
    free(head);
    if (get_block(fp, (void **)&dims, 3 * sizeof(size_t), NULL))
        return -1;
    m->grid.nlat = dims[0];
    m->grid.nlon = dims[1];
    m->nh = dims[2];
    free(dims);
    m->ncell = m->grid.nlat * m->grid.nlon;
    size_t nlon = m->grid.kind == DSC_GRID_POINTS ? m->grid.nlat : m->grid.nlon;
    size_t nh = m->nh * m->ncell;
    if (get_block(fp, (void **)&m->grid.lat, m->grid.nlat * sizeof(double), NULL) ||
        get_block(fp, (void **)&m->grid.lon, nlon * sizeof(double), NULL) ||
        get_block(fp, (void **)&m->hdates, m->nh * sizeof(dsc_date_t), NULL))
        return -1;
    float **arrays[] = {&m->obs, &m->gcm, &m->ann, &m->ann_sd, &m->ann_bc, &m->lin};
    for (size_t k = 0; k < 6; k++)
        if (get_floats(fp, arrays[k], nh, NULL))
            return -1;
    size_t got;
    if (get_floats(fp, &m->obs2, (size_t)-1, &got) || (got && got != nh))
        return -1;
    size_t *fdims;
    if (get_block(fp, (void **)&fdims, 2 * sizeof(size_t), NULL))
        return -1;
    size_t fnt = fdims[0];
    dsc_calendar_t fcal = (dsc_calendar_t)fdims[1];
    free(fdims);
    if (fnt) {
        m->obs_full = dsc_field_create(NULL, m->var, fcal, fnt, &m->grid);
        if (!m->obs_full)
            return -1;
        free(m->obs_full->dates);
        free(m->obs_full->values);
        m->obs_full->dates = NULL;
        m->obs_full->values = NULL;
        char *src;
        if (get_block(fp, (void **)&m->obs_full->dates, fnt * sizeof(dsc_date_t), NULL) ||
            get_doubles(fp, &m->obs_full->values, fnt * m->ncell) ||
            get_block(fp, (void **)&src, sizeof m->obs_full->source, NULL))
            return -1;
        memcpy(m->obs_full->source, src, sizeof m->obs_full->source);
        free(src);
    }
    size_t *counts;
    if (get_block(fp, (void **)&counts, 6 * sizeof(size_t), NULL))
        return -1;
    m->nscen = counts[0];
    m->curve.n_epochs = counts[1];
    m->curve.best_epoch = counts[2];
    m->n_train_rows = counts[3];
    m->n_valid_rows = counts[4];
    m->obs_dropped = counts[5];
    free(counts);
    if (m->nscen > DSC_MAX_LIST ||
        get_block(fp, (void **)&m->curve.train_loss, m->curve.n_epochs * sizeof(double), NULL) ||
        get_block(fp, (void **)&m->curve.valid_loss, m->curve.n_epochs * sizeof(double), NULL))
        return -1;
    for (size_t s = 0; s < m->nscen; s++) {
        dsc_scenario_data_t *sc = &m->scen[s];
        char *name;
        if (get_block(fp, (void **)&name, sizeof sc->name, NULL))
            return -1;
        memcpy(sc->name, name, sizeof sc->name);
        free(name);
        if (get_block(fp, (void **)&sc->dates, (size_t)-1, &got) || got % sizeof(dsc_date_t))
            return -1;
        sc->n = got / sizeof(dsc_date_t);
        size_t ns = sc->n * m->ncell;
        float **sa[] = {&sc->gcm, &sc->ann, &sc->ann_sd, &sc->ann_bc, &sc->lin};
        for (size_t k = 0; k < 5; k++)
            if (get_floats(fp, sa[k], ns, NULL))
                return -1;
    }
    return 0;
}

static int load_file(dsc_ctx_t *ctx, const char *path, dsc_member_t **out);

int dsc_cache_load(dsc_ctx_t *ctx, const char *out_dir, const char key[65], dsc_member_t **out)
{
    char path[DSC_PATH_MAX + 96], name[96];
    snprintf(name, sizeof name, "%s.member", key);
    cache_path(path, sizeof path, out_dir, name);
    return load_file(ctx, path, out);
}

static int load_file(dsc_ctx_t *ctx, const char *path, dsc_member_t **out)
{
    *out = NULL;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return dsc_error(ctx, DSC_ERR_IO, "%s: no cached result", path);
    dsc_member_t *m = calloc(1, sizeof *m);
    int bad = !m || read_member(fp, m);
    fclose(fp);
    if (bad) {
        dsc_member_destroy(m);
        free(m);
        return dsc_error(ctx, DSC_ERR_FORMAT, "%s: damaged cached result", path);
    }
    *out = m;
    return DSC_OK;
}

int dsc_cache_link_trained(dsc_ctx_t *ctx, const char *out_dir, const char key[65],
                           const char train_key[65])
{
    char from[DSC_PATH_MAX + 96], to[DSC_PATH_MAX + 96], name[96];
    snprintf(name, sizeof name, "%s.member", key);
    cache_path(from, sizeof from, out_dir, name);
    snprintf(name, sizeof name, "%s.trained", train_key);
    cache_path(to, sizeof to, out_dir, name);
    unlink(to);
    if (link(from, to) != 0)
        return dsc_error(ctx, DSC_ERR_IO, "%s: cannot link the cached result: %s", to,
                         strerror(errno));
    return DSC_OK;
}

int dsc_cache_load_trained(dsc_ctx_t *ctx, const char *out_dir, const char train_key[65],
                           dsc_member_t **out)
{
    char name[96], key[80];
    snprintf(key, sizeof key, "%s", train_key);
    snprintf(name, sizeof name, "%s.trained", key);
    char path[DSC_PATH_MAX + 96];
    cache_path(path, sizeof path, out_dir, name);
    if (access(path, R_OK) != 0)
        return dsc_error(ctx, DSC_ERR_IO, "%s: no trained result", path);
    return load_file(ctx, path, out); /* the same file as a member, under a second name */
}

static void last_name(char *buf, size_t size, const char *region, const char *var,
                      const char *model)
{
    snprintf(buf, size, "last-%s-%s-%s.txt", region, var, model);
}

char *dsc_cache_last_text(const char *out_dir, const char *region, const char *var,
                          const char *model)
{
    char name[256], path[DSC_PATH_MAX + 300];
    last_name(name, sizeof name, region, var, model);
    cache_path(path, sizeof path, out_dir, name);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (s)
        s[fread(s, 1, (size_t)n, fp)] = '\0';
    fclose(fp);
    return s;
}

int dsc_cache_set_last_text(dsc_ctx_t *ctx, const char *out_dir, const char *region,
                            const char *var, const char *model, const char *text)
{
    char name[256], path[DSC_PATH_MAX + 300], *tmp = NULL;
    FILE *fp;
    last_name(name, sizeof name, region, var, model);
    cache_path(path, sizeof path, out_dir, name);
    int rc = cache_dir(ctx, out_dir);
    if (!rc)
        rc = dsc_io_open_atomic(ctx, path, &fp, &tmp);
    if (rc)
        return rc;
    fputs(text, fp);
    rc = dsc_io_commit(ctx, fp, tmp, path);
    free(tmp);
    return rc;
}

/* ---- region stamps -------------------------------------------------------------------- */

/* Size and modification time of a file, or -1s when it is missing. */
static void file_state(const char *path, long long *size, long long *mtime)
{
    struct stat st;
    *size = *mtime = -1;
    if (stat(path, &st) == 0) {
        *size = (long long)st.st_size;
        *mtime = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
    }
}

int dsc_stamp_read(const char *out_dir, const char *region, char key[65], dsc_outputs_t *outputs)
{
    char name[128], path[DSC_PATH_MAX + 160], line[4096 + 64];
    snprintf(name, sizeof name, "region-%s.stamp", region);
    cache_path(path, sizeof path, out_dir, name);
    FILE *fp = fopen(path, "r");
    key[0] = '\0';
    if (!fp)
        return -1;
    int rc = 0;
    if (!fgets(line, sizeof line, fp) || sscanf(line, "%64s", key) != 1)
        rc = -1;
    /* Each output with the size and time it had when written: an output that is missing,
     * or was edited or replaced since, makes the region out of date. */
    while (!rc && fgets(line, sizeof line, fp)) {
        long long size, mtime, now_size, now_mtime;
        char file[4096];
        if (sscanf(line, "%lld %lld %4095[^\n]", &size, &mtime, file) != 3) {
            rc = -1;
            break;
        }
        file_state(file, &now_size, &now_mtime);
        if (now_size != size || now_mtime != mtime || dsc_outputs_add(NULL, outputs, file))
            rc = -1;
    }
    fclose(fp);
    return rc;
}

int dsc_stamp_write(dsc_ctx_t *ctx, const char *out_dir, const char *region, const char key[65],
                    const char *const *paths, size_t n)
{
    char name[128], path[DSC_PATH_MAX + 160], *tmp = NULL;
    FILE *fp;
    snprintf(name, sizeof name, "region-%s.stamp", region);
    cache_path(path, sizeof path, out_dir, name);
    int rc = cache_dir(ctx, out_dir);
    if (!rc)
        rc = dsc_io_open_atomic(ctx, path, &fp, &tmp);
    if (rc)
        return rc;
    fprintf(fp, "%s\n", key);
    for (size_t i = 0; i < n; i++) {
        long long size, mtime;
        file_state(paths[i], &size, &mtime);
        fprintf(fp, "%lld %lld %s\n", size, mtime, paths[i]);
    }
    rc = dsc_io_commit(ctx, fp, tmp, path);
    free(tmp);
    return rc;
}
