/* fixture_beijing_main.c - writes the tests' synthetic CCSM4 + GMFD archive (see
 * tests/support/fixture_beijing.h) to a folder, so a benchmark can run pipelines/beijing.ini
 * on the default 0.25 degree GMFD box without the real archives.
 *
 *   fixture_beijing DIR [0p25|1p0]
 *
 * 0p25 (the default) writes the 0.25 degree GMFD files beside the 1.0 degree ones, for the
 * Beijing box only. */
#include "support/fixture_beijing.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: %s DIR [0p25|1p0]\n", argv[0]);
        return 2;
    }
    int fine = argc < 3 || strcmp(argv[2], "0p25") == 0;
    if (argc == 3 && !fine && strcmp(argv[2], "1p0") != 0) {
        fprintf(stderr, "%s: unknown resolution '%s' (0p25 or 1p0)\n", argv[0], argv[2]);
        return 2;
    }
    const fixture_box_t beijing = {35, 45, 110, 122};
    fixture_opts_t o = {0};
    o.boxes = &beijing;
    o.nboxes = 1;
    o.with_0p25 = fine;
    if (fixture_beijing_write(argv[1], &o) != 0)
        return 1;
    printf("%s: synthetic CCSM4 and GMFD (%s) archive written\n", argv[1],
           fine ? "0.25 and 1.0 degree" : "1.0 degree");
    return 0;
}
