/* cache_prune.c - removing cached results that the latest run of their region no longer
 * uses (see cache.h).
 *
 * Every change of settings or inputs gives a member a new key, and a 0.25 degree box
 * caches several GB per model and variable: without pruning, a few nights of changes
 * would fill the disk. A region's last successful run defines what its cache holds.
 */
#include "pipeline/cache.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The region named on the "region = NAME ..." line of a cached description, into name. */
static int described_region(const char *txt_path, char *name, size_t size)
{
    FILE *fp = fopen(txt_path, "r");
    if (!fp)
        return -1;
    char line[1024];
    int found = -1;
    while (found && fgets(line, sizeof line, fp)) {
        if (strncmp(line, "region = ", 9) != 0)
            continue;
        size_t n = strcspn(line + 9, " \n");
        if (n > 0 && n < size) {
            memcpy(name, line + 9, n);
            name[n] = '\0';
            found = 0;
        }
    }
    fclose(fp);
    return found;
}

static int in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, list[i]) == 0)
            return 1;
    return 0;
}

/* Removes path, adding its size to *bytes when this frees its data (its last link). */
static void remove_entry(const char *path, unsigned long long *bytes)
{
    struct stat st;
    if (stat(path, &st) == 0 && unlink(path) == 0 && st.st_nlink == 1)
        *bytes += (unsigned long long)st.st_size;
}

int dsc_cache_prune(dsc_ctx_t *ctx, const char *out_dir, const char *const *keep, size_t nkeep,
                    const char *const *regions, size_t nregions)
{
    char dir[DSC_PATH_MAX + 16], path[DSC_PATH_MAX + 112], name[256];
    snprintf(dir, sizeof dir, "%s/.cache", out_dir);
    DIR *d = opendir(dir);
    if (!d)
        return DSC_OK; /* no cache yet */
    size_t removed = 0;
    unsigned long long bytes = 0;
    struct dirent *e;
    /* Members first: those of this run's regions that this run did not use. */
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len != 64 + 7 || strcmp(e->d_name + 64, ".member") != 0)
            continue;
        char key[65];
        memcpy(key, e->d_name, 64);
        key[64] = '\0';
        snprintf(path, sizeof path, "%s/%s.txt", dir, key);
        if (in_list(key, keep, nkeep) || described_region(path, name, sizeof name) ||
            !in_list(name, regions, nregions))
            continue;
        remove_entry(path, &bytes);
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        remove_entry(path, &bytes);
        removed++;
    }
    /* Then the second names of trained results whose member is gone: the last link. */
    rewinddir(d);
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (len == 64 + 8 && strcmp(e->d_name + 64, ".trained") == 0 && stat(path, &st) == 0 &&
            st.st_nlink == 1) {
            remove_entry(path, &bytes);
            removed++;
        }
    }
    closedir(d);
    if (removed)
        dsc_log(ctx, DSC_LOG_INFO, "cache",
                "removed %zu cached result(s) that the latest run no longer uses (%.1f MB)",
                removed, (double)bytes / 1048576.0);
    return DSC_OK;
}
