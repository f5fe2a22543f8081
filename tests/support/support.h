/* support.h - helpers shared by the test programs. */
#ifndef DSC_TEST_SUPPORT_H
#define DSC_TEST_SUPPORT_H

#include <stddef.h>

#include "dsc/time.h"

/* The sample-data root: $DOWNSCALE_DATA, else ../shared/data relative to the repository
 * (tests run from the repository's top folder). */
const char *test_data_root(void);
/* data_root/rel in a static buffer (one at a time). */
const char *test_data_path(const char *rel);
/* A fresh empty temporary directory (mkdtemp) under $TMPDIR or /tmp; static buffer. */
const char *test_tmpdir(void);
/* Runs a shell command, returns its exit status (0..255, or -1). */
int test_system(const char *cmd);
/* Removes path and everything below it (rm -rf); returns the exit status as test_system. */
int test_remove_tree(const char *path);

/* The program under test: $DOWNSCALE_BIN, else build/downscale. */
const char *test_bin(void);
/* Runs "test_bin() args" with stdout discarded; its stderr is copied into err (size bytes,
 * cut to fit, "" when there was none). Returns the exit status as test_system does. */
int test_run_capture(const char *args, char *err, size_t size);

/* The whole of a file as a NUL-terminated string the caller frees; NULL when it cannot be
 * read. */
char *test_read_file(const char *path);
/* Writes text to path, replacing what was there; the calling test fails when it cannot. */
void test_write_file(const char *path, const char *text);

/* Every day of the years y0 .. y0 + nyears - 1 in cal, in order; *n receives the count.
 * The caller frees it. */
dsc_date_t *test_daily_dates(dsc_calendar_t cal, int y0, int nyears, size_t *n);

#endif
