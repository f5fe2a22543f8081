/* glob.c - expanding a shell pattern into a sorted list of input files. */
#include "dsc/io.h"

#include <glob.h>
#include <stdlib.h>

int dsc_io_glob(dsc_ctx_t *ctx, const char *pattern, char ***paths, size_t *n)
{
    glob_t g;
    char **out = NULL;
    size_t i = 0;

    *paths = NULL;
    *n = 0;
    /* glob() sorts its matches, which gives a stable order for the same directory. */
    int r = glob(pattern, GLOB_ERR, NULL, &g);
    if (r == GLOB_NOMATCH)
        return dsc_error(ctx, DSC_ERR_IO, "%s: no file matches", pattern);
    if (r == GLOB_NOSPACE)
        return dsc_error(ctx, DSC_ERR_NOMEM, "%s: out of memory while matching", pattern);
    if (r != 0)
        return dsc_error(ctx, DSC_ERR_IO, "%s: a directory could not be read", pattern);

    out = dsc_calloc(ctx, g.gl_pathc, sizeof *out, "path list");
    if (!out)
        goto fail;
    for (i = 0; i < g.gl_pathc; i++)
        if (!(out[i] = dsc_strdup(ctx, g.gl_pathv[i])))
            goto fail;
    *paths = out;
    *n = g.gl_pathc;
    globfree(&g);
    return DSC_OK;
fail:
    dsc_io_paths_free(out, i);
    globfree(&g);
    return DSC_ERR_NOMEM;
}

void dsc_io_paths_free(char **paths, size_t n)
{
    if (!paths)
        return;
    for (size_t i = 0; i < n; i++)
        free(paths[i]);
    free(paths);
}
