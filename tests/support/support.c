/* support.c - helpers shared by the test programs. */
#include "support/support.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

const char *test_data_root(void)
{
    const char *env = getenv("DOWNSCALE_DATA");
    return env && *env ? env : "../shared/data";
}

const char *test_data_path(const char *rel)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, "%s/%s", test_data_root(), rel);
    return buf;
}

const char *test_tmpdir(void)
{
    static char buf[4096];
    const char *base = getenv("TMPDIR");
    snprintf(buf, sizeof buf, "%s/dsc-test-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(buf))
        return NULL;
    return buf;
}

int test_system(const char *cmd)
{
    int st = system(cmd);
    if (st == -1 || !WIFEXITED(st))
        return -1;
    return WEXITSTATUS(st);
}

int test_remove_tree(const char *path)
{
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    return test_system(cmd);
}

const char *test_bin(void)
{
    const char *b = getenv("DOWNSCALE_BIN");
    return b && *b ? b : "build/downscale";
}

int test_run_capture(const char *args, char *err, size_t size)
{
    char cmd[4096], path[] = "/tmp/dsc-stderr-XXXXXX";
    /* Not test_tmpdir(): its static buffer may hold the caller's folder name. */
    int fd = mkstemp(path);
    cr_assert(fd >= 0, "cannot make a file for the stderr of %s", args);
    close(fd);
    snprintf(cmd, sizeof cmd, "%s %s 2>%s >/dev/null", test_bin(), args, path);
    int rc = test_system(cmd);
    char *e = test_read_file(path);
    snprintf(err, size, "%s", e ? e : "");
    free(e);
    unlink(path);
    return rc;
}

char *test_read_file(const char *path)
{
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

void test_write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    cr_assert_not_null(fp, "cannot write %s", path);
    fputs(text, fp);
    fclose(fp);
}

dsc_date_t *test_daily_dates(dsc_calendar_t cal, int y0, int nyears, size_t *n)
{
    dsc_date_t first = {y0, 1, 1, 0.0}, end = {y0 + nyears, 1, 1, 0.0};
    int64_t d0 = dsc_date_to_days(cal, first), d1 = dsc_date_to_days(cal, end);
    *n = (size_t)(d1 - d0);
    dsc_date_t *dates = malloc((*n ? *n : 1) * sizeof *dates);
    cr_assert_not_null(dates);
    for (size_t i = 0; i < *n; i++)
        dates[i] = dsc_date_from_days(cal, d0 + (int64_t)i);
    return dates;
}
