/* csv.c - a small reader for the CSV files the pipeline writes (tests only). */
#include "support/csv.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char **split(char *line, size_t *n)
{
    size_t cap = 16, k = 0;
    char **f = malloc(cap * sizeof *f);
    char *p = line;
    for (;;) {
        if (k == cap)
            f = realloc(f, (cap *= 2) * sizeof *f);
        char *c = strchr(p, ',');
        if (c)
            *c = '\0';
        f[k++] = strdup(p);
        if (!c)
            break;
        p = c + 1;
    }
    *n = k;
    return f;
}

test_csv_t *test_csv_read(const char *path)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return NULL;
    test_csv_t *csv = calloc(1, sizeof *csv);
    char *line = NULL;
    size_t len = 0, cap = 0;
    ssize_t got;
    while ((got = getline(&line, &len, fp)) > 0) {
        while (got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r'))
            line[--got] = '\0';
        size_t n;
        char **f = split(line, &n);
        if (!csv->header) {
            csv->header = f;
            csv->ncols = n;
            continue;
        }
        if (csv->nrows == cap)
            csv->cells = realloc(csv->cells, (cap = cap ? 2 * cap : 1024) * sizeof *csv->cells);
        csv->cells[csv->nrows++] = f;
    }
    free(line);
    fclose(fp);
    return csv;
}

test_csv_t *test_csv_read_in(const char *dir, const char *rel)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    test_csv_t *csv = test_csv_read(path);
    cr_assert_not_null(csv, "missing output %s", path);
    return csv;
}

void test_csv_free(test_csv_t *csv)
{
    if (!csv)
        return;
    for (size_t r = 0; r < csv->nrows; r++) {
        for (size_t c = 0; c < csv->ncols; c++)
            free(csv->cells[r][c]);
        free(csv->cells[r]);
    }
    for (size_t c = 0; c < csv->ncols; c++)
        free(csv->header[c]);
    free(csv->header);
    free(csv->cells);
    free(csv);
}

int test_csv_col(const test_csv_t *csv, const char *name)
{
    for (size_t c = 0; c < csv->ncols; c++)
        if (strcmp(csv->header[c], name) == 0)
            return (int)c;
    return -1;
}

double test_csv_num(const test_csv_t *csv, size_t row, int col)
{
    const char *s = csv->cells[row][col];
    return *s ? strtod(s, NULL) : NAN;
}
