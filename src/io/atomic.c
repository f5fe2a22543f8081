/* atomic.c - outputs that appear whole or not at all: temporary file, fsync, rename.
 *
 * The temporary file lives in the same directory as the final path so that rename(2) stays
 * on one file system and replaces the old file in a single step; readers see either the old
 * file or the complete new one.
 */
#include "dsc/io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *dsc_io_temp_name(dsc_ctx_t *ctx, const char *path)
{
    if (!path || !*path) {
        dsc_error(ctx, DSC_ERR_USAGE, "(empty path): no output file name given");
        return NULL;
    }
    int n = snprintf(NULL, 0, "%s.tmp.%ld", path, (long)getpid());
    char *tmp = dsc_malloc(ctx, (size_t)n + 1, path);
    if (tmp)
        snprintf(tmp, (size_t)n + 1, "%s.tmp.%ld", path, (long)getpid());
    return tmp;
}

int dsc_io_open_atomic(dsc_ctx_t *ctx, const char *path, FILE **fp, char **tmp_path)
{
    *fp = NULL;
    *tmp_path = NULL;
    char *tmp = dsc_io_temp_name(ctx, path);
    if (!tmp)
        return dsc_ctx_status(ctx);

    FILE *f = fopen(tmp, "wb");
    if (!f) {
        int rc = dsc_error(ctx, DSC_ERR_IO, "%s: cannot create temporary file %s: %s", path, tmp,
                           strerror(errno));
        free(tmp);
        return rc;
    }
    *fp = f;
    *tmp_path = tmp;
    return DSC_OK;
}

/* Forces the file's data to disk so that a crash just after the rename cannot leave an
 * empty or truncated file under the final name (the classic ext4 delayed-allocation trap). */
static int sync_path(dsc_ctx_t *ctx, const char *tmp_path, const char *path)
{
    int fd = open(tmp_path, O_RDONLY);
    if (fd < 0)
        return dsc_error(ctx, DSC_ERR_IO, "%s: cannot reopen temporary file %s: %s", path, tmp_path,
                         strerror(errno));
    int rc = DSC_OK;
    if (fsync(fd) != 0)
        rc = dsc_error(ctx, DSC_ERR_IO, "%s: cannot sync %s: %s", path, tmp_path, strerror(errno));
    close(fd);
    return rc;
}

int dsc_io_rename(dsc_ctx_t *ctx, const char *tmp_path, const char *path)
{
    int rc = sync_path(ctx, tmp_path, path);
    if (rc != DSC_OK)
        goto fail;
    if (rename(tmp_path, path) != 0) {
        rc = dsc_error(ctx, DSC_ERR_IO, "%s: cannot rename %s onto it: %s", path, tmp_path,
                       strerror(errno));
        goto fail;
    }
    return DSC_OK;

fail:
    remove(tmp_path);
    return rc;
}

int dsc_io_commit(dsc_ctx_t *ctx, FILE *fp, const char *tmp_path, const char *path)
{
    int rc = DSC_OK;
    if (!fp) {
        rc = dsc_error(ctx, DSC_ERR_USAGE, "%s: no open temporary file to commit", path);
        goto fail;
    }

    /* A full disk often shows up only at flush or close, so both are checked. */
    if (fflush(fp) != 0 || fsync(fileno(fp)) != 0) {
        rc = dsc_error(ctx, DSC_ERR_IO, "%s: cannot write %s: %s", path, tmp_path, strerror(errno));
        fclose(fp);
        goto fail;
    }
    if (fclose(fp) != 0) {
        rc = dsc_error(ctx, DSC_ERR_IO, "%s: cannot close %s: %s", path, tmp_path, strerror(errno));
        goto fail;
    }
    if (rename(tmp_path, path) != 0) {
        rc = dsc_error(ctx, DSC_ERR_IO, "%s: cannot rename %s onto it: %s", path, tmp_path,
                       strerror(errno));
        goto fail;
    }
    return DSC_OK;

fail:
    if (tmp_path)
        remove(tmp_path);
    return rc;
}

void dsc_io_abort(FILE *fp, const char *tmp_path)
{
    if (fp)
        fclose(fp);
    if (tmp_path)
        remove(tmp_path);
}

/* mkdir that accepts a directory already there, whoever made it (another run may race). */
static int make_one(dsc_ctx_t *ctx, const char *dir, const char *path)
{
    if (mkdir(dir, 0777) == 0)
        return DSC_OK;
    int err = errno;
    struct stat st;
    if (err == EEXIST && stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
        return DSC_OK;
    if (err == EEXIST)
        return dsc_error(ctx, DSC_ERR_IO, "%s: %s exists and is not a directory", path, dir);
    return dsc_error(ctx, DSC_ERR_IO, "%s: cannot create directory %s: %s", path, dir,
                     strerror(err));
}

int dsc_io_mkdirs(dsc_ctx_t *ctx, const char *path)
{
    if (!path || !*path)
        return dsc_error(ctx, DSC_ERR_USAGE, "(empty path): no directory name given");
    char *dir = dsc_strdup(ctx, path);
    if (!dir)
        return DSC_ERR_NOMEM;

    /* Walk the separators left to right, cutting the string at each to create the parent;
     * a leading '/' and repeated separators give empty components, which are skipped. */
    int rc = DSC_OK;
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/' || p[-1] == '/')
            continue;
        *p = '\0';
        rc = make_one(ctx, dir, path);
        *p = '/';
        if (rc != DSC_OK)
            goto fail;
    }
    rc = make_one(ctx, dir, path);

fail:
    free(dir);
    return rc;
}
