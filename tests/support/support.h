/* support.h - helpers shared by the test programs. */
#ifndef DSC_TEST_SUPPORT_H
#define DSC_TEST_SUPPORT_H

#include <stddef.h>

/* The sample-data root: $DOWNSCALE_DATA, else ../shared/data relative to the repository
 * (tests run from the repository's top folder). */
const char *test_data_root(void);
/* data_root/rel in a static buffer (one at a time). */
const char *test_data_path(const char *rel);
/* A fresh empty temporary directory (mkdtemp) under $TMPDIR or /tmp; static buffer. */
const char *test_tmpdir(void);
/* Runs a shell command, returns its exit status (0..255, or -1). */
int test_system(const char *cmd);

#endif
