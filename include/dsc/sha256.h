/* sha256.h - SHA-256 (FIPS 180-4) for the checksums of inputs in run manifests and cache
 * keys. A few dozen lines of our own beat a crypto dependency for this one use. */
#ifndef DSC_SHA256_H
#define DSC_SHA256_H

#include "dsc/core.h"

typedef struct {
    uint32_t h[8];        /* running hash */
    uint64_t length;      /* bytes hashed so far */
    unsigned char block[64];
    size_t fill;          /* bytes waiting in block */
} dsc_sha256_t;

void dsc_sha256_init(dsc_sha256_t *s);
void dsc_sha256_update(dsc_sha256_t *s, const void *data, size_t n);
/* Writes the digest as 64 lowercase hex digits and a NUL into hex[65]. */
void dsc_sha256_final(dsc_sha256_t *s, char hex[65]);
/* Hashes a whole file. DSC_ERR_IO naming the path when it cannot be read. */
int dsc_sha256_file(dsc_ctx_t *ctx, const char *path, char hex[65]);

#endif
