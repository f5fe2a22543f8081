/* csv.h - a small reader for the CSV files the pipeline writes (tests only). */
#ifndef DSC_TEST_CSV_H
#define DSC_TEST_CSV_H

#include <stddef.h>

typedef struct {
    size_t nrows, ncols;
    char **header;  /* ncols names */
    char ***cells;  /* nrows x ncols strings ("" when empty) */
} test_csv_t;

/* Reads path; NULL when it cannot be read. */
test_csv_t *test_csv_read(const char *path);
/* Reads dir/rel; the calling test fails when it cannot be read. */
test_csv_t *test_csv_read_in(const char *dir, const char *rel);
void test_csv_free(test_csv_t *csv);
/* Index of a column, or -1. */
int test_csv_col(const test_csv_t *csv, const char *name);
/* A cell as a number; NaN when empty. */
double test_csv_num(const test_csv_t *csv, size_t row, int col);

#endif
