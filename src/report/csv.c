/* csv.c - reads the CSV files the pipeline writes (plain cells, no quoting), so the page
 * shows exactly the numbers a reader downloads from its links. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"

/* Files larger than this are not tables for a page (a series CSV is a few MB). */
#define MAX_CSV_BYTES (512L * 1024 * 1024)

/* The whole file, NUL-terminated; NULL with the context's error set. */
static char *slurp(dsc_ctx_t *ctx, const char *path, int *rc)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        *rc = dsc_error(ctx, DSC_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    char *text = NULL;
    long n = -1;
    if (fseek(fp, 0, SEEK_END) == 0)
        n = ftell(fp);
    if (n < 0 || n > MAX_CSV_BYTES || fseek(fp, 0, SEEK_SET) != 0) {
        *rc = dsc_error(ctx, DSC_ERR_IO, "%s: cannot read (or larger than %ld bytes)", path,
                        MAX_CSV_BYTES);
    } else if (!(text = dsc_malloc(ctx, (size_t)n + 1, path))) {
        *rc = DSC_ERR_NOMEM;
    } else {
        text[fread(text, 1, (size_t)n, fp)] = '\0';
    }
    fclose(fp);
    return text;
}

/* Splits a line in place at commas into at most max cells; returns the count. The last
 * cell keeps any commas left over. */
static size_t split(char *line, char **cells, size_t max)
{
    size_t n = 0;
    char *p = line;
    while (n < max) {
        cells[n++] = p;
        char *comma = n < max ? strchr(p, ',') : NULL;
        if (!comma)
            break;
        *comma = '\0';
        p = comma + 1;
    }
    return n;
}

static size_t count_lines(const char *text)
{
    size_t n = 0;
    for (const char *p = text; *p; p++)
        n += *p == '\n';
    return n + 1;
}

int report_csv_read(dsc_ctx_t *ctx, const char *path, report_csv_t *csv)
{
    int rc = DSC_OK;
    memset(csv, 0, sizeof *csv);
    if (!(csv->text = slurp(ctx, path, &rc)))
        return rc;

    size_t maxrows = count_lines(csv->text);
    char *save = NULL, *line = strtok_r(csv->text, "\r\n", &save);
    if (!line) {
        report_csv_free(csv);
        return dsc_error(ctx, DSC_ERR_FORMAT, "%s: empty file, no header", path);
    }
    size_t ncols = 1;
    for (const char *p = line; *p; p++)
        ncols += *p == ',';
    csv->header = dsc_malloc(ctx, ncols * sizeof *csv->header, "CSV header");
    csv->cells = dsc_malloc(ctx, maxrows * ncols * sizeof *csv->cells, "CSV cells");
    if (!csv->header || !csv->cells) {
        report_csv_free(csv);
        return DSC_ERR_NOMEM;
    }
    csv->ncols = split(line, csv->header, ncols);

    while ((line = strtok_r(NULL, "\r\n", &save))) {
        char **row = csv->cells + csv->nrows * ncols;
        size_t n = split(line, row, ncols);
        /* A cell past the header's last column has nowhere to go: the file is not ours. */
        if (n == ncols && strchr(row[ncols - 1], ',')) {
            report_csv_free(csv);
            return dsc_error(ctx, DSC_ERR_FORMAT, "%s: a row has more cells than the header",
                             path);
        }
        for (size_t k = n; k < ncols; k++)
            row[k] = "";
        csv->nrows++;
    }
    return DSC_OK;
}

void report_csv_free(report_csv_t *csv)
{
    if (!csv)
        return;
    free(csv->header);
    free(csv->cells);
    free(csv->text);
    memset(csv, 0, sizeof *csv);
}

int report_csv_col(const report_csv_t *csv, const char *name)
{
    for (size_t k = 0; k < csv->ncols; k++)
        if (strcmp(csv->header[k], name) == 0)
            return (int)k;
    return -1;
}

const char *report_csv_cell(const report_csv_t *csv, size_t row, int col)
{
    if (col < 0 || (size_t)col >= csv->ncols || row >= csv->nrows)
        return "";
    return csv->cells[row * csv->ncols + (size_t)col];
}

double report_csv_num(const report_csv_t *csv, size_t row, int col)
{
    const char *s = report_csv_cell(csv, row, col);
    char *end;
    if (!*s)
        return NAN;
    double v = strtod(s, &end);
    return end == s || *end ? NAN : v;
}
