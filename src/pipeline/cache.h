/* cache.h - what makes reruns incremental: checksums of inputs, keys of results, and the
 * results themselves, under <out>/.cache/. Not a public header. */
#ifndef DSC_PIPELINE_CACHE_H
#define DSC_PIPELINE_CACHE_H

#include "pipeline/internal.h"

/* Checksums of input files, remembered by path, size and modification time so that a
 * nightly run does not re-read an unchanged archive to hash it. */
typedef struct dsc_checksums {
    char **paths;
    char (*sha)[65];
    long long *size;
    long long *mtime_ns;
    size_t n, cap;
    int dirty;
} dsc_checksums_t;

/* Loads <out>/.cache/checksums.tsv (absent is fine). */
int dsc_checksums_load(dsc_ctx_t *ctx, const char *out_dir, dsc_checksums_t *cs);
/* The SHA-256 of path, from the table when size and mtime match, else computed. */
int dsc_checksums_get(dsc_ctx_t *ctx, dsc_checksums_t *cs, const char *path, char hex[65]);
/* Writes the table back when it changed. */
int dsc_checksums_save(dsc_ctx_t *ctx, const char *out_dir, dsc_checksums_t *cs);
void dsc_checksums_clear(dsc_checksums_t *cs);

/* The canonical description of everything a member's result depends on, one "key = value"
 * line each (program version, region, variable, model, input files with checksums, periods,
 * every method setting), and its SHA-256 key. text is malloc'ed (caller frees). */
int dsc_member_describe(dsc_ctx_t *ctx, const dsc_pipeline_t *p, const dsc_job_t *job,
                        size_t var, size_t model, dsc_checksums_t *cs, char **text,
                        char key[65]);

/* Rounds the member's whole observed record to single precision, the precision of its
 * daily arrays and of the NetCDF outputs, so that a result read back from the cache is
 * exactly the one computed. */
void dsc_member_round(dsc_member_t *m);

/* After a successful run: removes the cached results of the run's regions (regions,
 * nregions names) whose keys are not in keep (the keys the run used), and trained results
 * whose member is gone, so that the cache holds what each region's latest run used. Other
 * regions' results are left alone. Logs what it freed; never fails the run. */
int dsc_cache_prune(dsc_ctx_t *ctx, const char *out_dir, const char *const *keep, size_t nkeep,
                    const char *const *regions, size_t nregions);

/* The key of what the train stage's result depends on: the description without its bias
 * correction lines. A change of bias correction alone then reruns only the correct stage. */
void dsc_member_train_key(const char *text, char key[65]);
/* Makes the result saved under key also the result of train_key (a hard link, so it costs
 * no space). */
int dsc_cache_link_trained(dsc_ctx_t *ctx, const char *out_dir, const char key[65],
                           const char train_key[65]);
/* Loads the member saved for train_key, if any (DSC_ERR_IO otherwise); its corrected
 * values are stale and must be recomputed. */
int dsc_cache_load_trained(dsc_ctx_t *ctx, const char *out_dir, const char train_key[65],
                           dsc_member_t **out);

/* Saves a member's results (after the correct stage) to <out>/.cache/<key>.member,
 * atomically, and the description beside it. */
int dsc_cache_save(dsc_ctx_t *ctx, const char *out_dir, const char key[65],
                   const char *text, const dsc_member_t *m);
/* Loads a member saved with that key. DSC_ERR_IO when there is none (not an error for the
 * caller: it computes the member instead); DSC_ERR_FORMAT when the file is damaged. The
 * model-grid fields (hsrc, scenario sources, weights) are not cached. */
int dsc_cache_load(dsc_ctx_t *ctx, const char *out_dir, const char key[65], dsc_member_t **out);
/* The description stored with the last result of this region, variable and model, or NULL
 * (malloc'ed), for telling what changed. */
char *dsc_cache_last_text(const char *out_dir, const char *region, const char *var,
                          const char *model);
/* Remembers text as the last description of this region, variable and model. */
int dsc_cache_set_last_text(dsc_ctx_t *ctx, const char *out_dir, const char *region,
                            const char *var, const char *model, const char *text);
/* The first line that differs between two descriptions, as "what: old -> new", into buf. */
void dsc_cache_explain(const char *old_text, const char *new_text, char *buf, size_t size);

/* Region stamps: the key of a region's whole output and the files it wrote, with their
 * sizes and times. Reading fails (-1) when any of those files is missing or changed. */
int dsc_stamp_read(const char *out_dir, const char *region, char key[65],
                   dsc_outputs_t *outputs);
int dsc_stamp_write(dsc_ctx_t *ctx, const char *out_dir, const char *region,
                    const char key[65], const char *const *paths, size_t n);

#endif
