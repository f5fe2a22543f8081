/* demo.c - the demo pipeline run once per test session, shared by the test programs. */
#include "support/demo.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support/support.h"

const char *test_demo_dir(void)
{
    const char *d = getenv("DOWNSCALE_TEST_OUT");
    return d && *d ? d : "build/test-demo";
}

void test_demo_ensure(void)
{
    char lock[512], manifest[512], cmd[2048];
    snprintf(lock, sizeof lock, "%s.lock", test_demo_dir());
    snprintf(manifest, sizeof manifest, "%s/manifest.json", test_demo_dir());
    int fd = open(lock, O_RDWR | O_CREAT, 0644);
    cr_assert(fd >= 0, "cannot open the lock %s", lock);
    flock(fd, LOCK_EX);

    /* A run older than the program may not match what the program writes now. */
    char *m = test_read_file(manifest);
    struct stat sm, sb;
    int fresh = m && strstr(m, "\"outcome\": \"success\"") && stat(manifest, &sm) == 0 &&
                stat(test_bin(), &sb) == 0 && sm.st_mtime >= sb.st_mtime;
    free(m);
    if (!fresh) {
        const char *extra = getenv("DOWNSCALE_TEST_DEMO_ARGS");
        snprintf(cmd, sizeof cmd, "rm -rf %s && %s run pipelines/demo.ini --quiet --out %s "
                 "--data-root %s %s", test_demo_dir(), test_bin(), test_demo_dir(),
                 test_data_root(), extra ? extra : "");
        int rc = test_system(cmd);
        cr_assert_eq(rc, 0, "the demo pipeline failed (exit %d): %s", rc, cmd);
    }
    flock(fd, LOCK_UN);
    close(fd);
}

test_csv_t *test_demo_csv(const char *rel)
{
    return test_csv_read_in(test_demo_dir(), rel);
}
