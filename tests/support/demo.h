/* demo.h - the demo pipeline's outputs, shared by the test programs that check them. */
#ifndef DSC_TEST_DEMO_H
#define DSC_TEST_DEMO_H

#include "support/csv.h"

/* The demo's output folder: $DOWNSCALE_TEST_OUT, else build/test-demo. */
const char *test_demo_dir(void);
/* Runs pipelines/demo.ini into test_demo_dir() unless a successful run by the current
 * program is there. Criterion runs tests in parallel processes and several programs share
 * the folder, so the check and the run happen under a file lock (<dir>.lock): the first
 * caller of the session does the work, the others wait and reuse it.
 * $DOWNSCALE_TEST_DEMO_ARGS adds options to the run (e.g. a smaller ensemble under ASan).
 * The calling test fails when the run fails. */
void test_demo_ensure(void);
/* The demo's output test_demo_dir()/rel read as CSV; the calling test fails when missing. */
test_csv_t *test_demo_csv(const char *rel);

#endif
