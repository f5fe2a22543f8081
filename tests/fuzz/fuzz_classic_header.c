/* fuzz_classic_header.c - libFuzzer target for the reader's own parser of classic netCDF
 * headers (io_check_classic_size in src/io/read_nc.c), which runs on every classic file
 * before netCDF-C opens it, to catch files shorter than their header declares.
 *
 * The input is written to a file and checked: no crash, no undefined behaviour, no huge
 * allocation (the counts in a header are bounded by the file's size), and a refusal is one
 * line naming the file. Inputs that do not start with "CDF" are left to nc_open and so are
 * of no interest here; the seeds are small classic, 64-bit-offset and CDF-5 files.
 * Build and run: `make fuzz`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/read_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static dsc_ctx_t *ctx;
    static char path[64];
    if (!ctx) {
        if (!(ctx = dsc_ctx_create()))
            return 0;
        snprintf(path, sizeof path, "/tmp/fuzz-classic-%ld.nc", (long)getpid());
    }
    FILE *fp = fopen(path, "wb");
    if (!fp)
        return 0;
    size_t written = fwrite(data, 1, size, fp);
    fclose(fp);
    if (written != size)
        return 0;
    if (io_check_classic_size(ctx, path) != DSC_OK) {
        const char *msg = dsc_ctx_message(ctx);
        if (strncmp(msg, path, strlen(path)) != 0 || strchr(msg, '\n'))
            abort();
    }
    dsc_ctx_clear(ctx);
    return 0;
}
