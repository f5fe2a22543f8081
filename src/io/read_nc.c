/* read_nc.c - small netCDF helpers for the reader: error wrapping, text attributes, and the
 * size check of classic files.
 *
 * netCDF-C opens a classic file whose data part was cut off and returns zeros (or fill
 * values) for the missing bytes, so a truncated download would be read as plausible data.
 * The check parses the classic header (the format is documented in the netCDF user guide)
 * far enough to know where the last variable's data must end, and compares that with the
 * file size.
 */
#include "read_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int io_nc_error(dsc_ctx_t *ctx, int status, const char *path, const char *what)
{
    int code = DSC_ERR_FORMAT;
    if (status > 0)
        code = DSC_ERR_IO; /* a system errno such as ENOENT */
    else if (status == NC_ENOMEM)
        code = DSC_ERR_NOMEM;
    return dsc_error(ctx, code, "%s: %s: %s", path, what, nc_strerror(status));
}

/* Line breaks in an attribute would split the one-line error messages that quote it. */
static void flatten(char *s)
{
    for (; *s; s++)
        if (*s == '\n' || *s == '\r')
            *s = ' ';
}

int io_att_text(int ncid, int varid, const char *name, char *buf, size_t size)
{
    nc_type type;
    size_t len;
    if (size == 0 || nc_inq_att(ncid, varid, name, &type, &len) != NC_NOERR)
        return -1;
    buf[0] = '\0';
    if (type == NC_CHAR) {
        char *tmp = malloc(len + 1);
        if (!tmp || nc_get_att_text(ncid, varid, name, tmp) != NC_NOERR) {
            free(tmp);
            return -1;
        }
        tmp[len] = '\0';
        snprintf(buf, size, "%s", tmp);
        free(tmp);
        flatten(buf);
        return 0;
    }
    if (type == NC_STRING && len >= 1) {
        char **strs = calloc(len, sizeof *strs);
        if (!strs || nc_get_att_string(ncid, varid, name, strs) != NC_NOERR) {
            free(strs);
            return -1;
        }
        snprintf(buf, size, "%s", strs[0] ? strs[0] : "");
        nc_free_string(len, strs);
        free(strs);
        flatten(buf);
        return 0;
    }
    return -1;
}

/* ---- classic header ------------------------------------------------------------------ */

typedef struct {
    FILE *fp;
    int version; /* 1 classic, 2 64-bit offset, 5 64-bit data */
    int bad;     /* set when the header ends early or makes no sense */
    uint64_t size; /* of the file, bytes: no count in the header can exceed it */
} header_reader;

/* Marks the header corrupt when n entries of at least min_bytes each cannot fit in the file.
 * netCDF allocates by these counts before it reads the entries, so a flipped byte would
 * otherwise ask for gigabytes. */
static int too_many(header_reader *r, uint64_t n, uint64_t min_bytes)
{
    if (n > r->size / min_bytes)
        r->bad = 1;
    return r->bad;
}

static uint64_t read_be(header_reader *r, int nbytes)
{
    unsigned char b[8];
    if (r->bad || fread(b, 1, (size_t)nbytes, r->fp) != (size_t)nbytes) {
        r->bad = 1;
        return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < nbytes; i++)
        v = (v << 8) | b[i];
    return v;
}

/* Counts and lengths are 32-bit in CDF-1/2 and 64-bit in CDF-5. */
static uint64_t read_count(header_reader *r)
{
    return read_be(r, r->version == 5 ? 8 : 4);
}

static void skip_bytes(header_reader *r, uint64_t n)
{
    if (r->bad)
        return;
    if (n > r->size || fseeko(r->fp, (off_t)n, SEEK_CUR) != 0)
        r->bad = 1;
}

/* a * b, or UINT64_MAX when that overflows: a variable larger than any file. */
static uint64_t mul_saturate(uint64_t a, uint64_t b)
{
    return b != 0 && a > UINT64_MAX / b ? UINT64_MAX : a * b;
}

static uint64_t add_saturate(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t padded(uint64_t n)
{
    return n > UINT64_MAX - 3 ? UINT64_MAX : (n + 3) & ~(uint64_t)3;
}

static void skip_name(header_reader *r)
{
    skip_bytes(r, padded(read_count(r)));
}

static int type_size(uint64_t type)
{
    switch (type) {
    case NC_BYTE: case NC_CHAR: case NC_UBYTE: return 1;
    case NC_SHORT: case NC_USHORT: return 2;
    case NC_INT: case NC_FLOAT: case NC_UINT: return 4;
    case NC_DOUBLE: case NC_INT64: case NC_UINT64: return 8;
    default: return 0;
    }
}

static void skip_atts(header_reader *r)
{
    uint64_t tag = read_be(r, 4);
    uint64_t n = read_count(r);
    if (tag == 0 && n == 0)
        return;
    /* An attribute takes at least a name length, a type and a count. */
    if (tag != 0x0C || too_many(r, n, 12)) {
        r->bad = 1;
        return;
    }
    for (uint64_t i = 0; i < n && !r->bad; i++) {
        skip_name(r);
        int ts = type_size(read_be(r, 4));
        uint64_t nelems = read_count(r);
        if (ts == 0) {
            r->bad = 1;
            return;
        }
        skip_bytes(r, padded(nelems * (uint64_t)ts));
    }
}

/* Where the last byte of data must be, or 0 when the header cannot tell. */
static uint64_t classic_data_end(header_reader *r)
{
    uint64_t numrecs = read_count(r);
    /* A file being streamed says "unknown" instead of a record count. */
    int streaming = numrecs == (r->version == 5 ? UINT64_MAX : 0xFFFFFFFFu);

    uint64_t tag = read_be(r, 4);
    uint64_t ndims = read_count(r);
    /* A dimension takes at least a name length and a length. */
    if ((tag != 0x0A && !(tag == 0 && ndims == 0)) || too_many(r, ndims, 8)) {
        r->bad = 1;
        return 0;
    }
    uint64_t *dimlen = calloc(ndims ? ndims : 1, sizeof *dimlen);
    if (!dimlen)
        return 0;
    for (uint64_t i = 0; i < ndims && !r->bad; i++) {
        skip_name(r);
        dimlen[i] = read_count(r);
    }
    skip_atts(r);

    tag = read_be(r, 4);
    uint64_t nvars = read_count(r);
    uint64_t end = 0;
    /* A variable: name length, rank, attribute tag and count, type, size, offset. */
    if ((tag != 0x0B && !(tag == 0 && nvars == 0)) || too_many(r, nvars, 28)) {
        r->bad = 1;
        free(dimlen);
        return 0;
    }

    /* One pass collects each variable's begin and unpadded size; record variables share
     * the record stride, which is the sum of their padded sizes (a lone record variable
     * is not padded). */
    uint64_t recsize = 0, nrecvars = 0;
    uint64_t *begin = calloc(nvars ? nvars : 1, sizeof *begin);
    uint64_t *size = calloc(nvars ? nvars : 1, sizeof *size);
    int *isrec = calloc(nvars ? nvars : 1, sizeof *isrec);
    if (!begin || !size || !isrec)
        r->bad = 1;
    for (uint64_t v = 0; v < nvars && !r->bad; v++) {
        skip_name(r);
        uint64_t nd = read_count(r);
        if (too_many(r, nd, 4)) {
            r->bad = 1;
            break;
        }
        uint64_t n = 1;
        for (uint64_t d = 0; d < nd && !r->bad; d++) {
            uint64_t id = read_count(r);
            if (id >= ndims) {
                r->bad = 1;
                break;
            }
            if (dimlen[id] == 0 && d == 0)
                isrec[v] = 1;
            else
                n = mul_saturate(n, dimlen[id]);
        }
        skip_atts(r);
        int ts = type_size(read_be(r, 4));
        if (ts == 0)
            r->bad = 1;
        read_count(r); /* vsize: may be clamped for huge variables, so recomputed */
        begin[v] = read_be(r, r->version == 1 ? 4 : 8);
        size[v] = mul_saturate(n, (uint64_t)ts);
        if (isrec[v]) {
            recsize = add_saturate(recsize, padded(size[v]));
            nrecvars++;
        }
    }
    if (nrecvars == 1)
        for (uint64_t v = 0; v < nvars; v++)
            if (isrec[v])
                recsize = size[v];

    for (uint64_t v = 0; v < nvars && !r->bad; v++) {
        uint64_t e = add_saturate(begin[v], size[v]);
        if (isrec[v] && (numrecs == 0 || streaming))
            e = 0;
        else if (isrec[v])
            e = add_saturate(add_saturate(begin[v], mul_saturate(numrecs - 1, recsize)),
                             size[v]);
        if (e > end)
            end = e;
    }
    free(dimlen);
    free(begin);
    free(size);
    free(isrec);
    return r->bad ? 0 : end;
}

int io_check_classic_size(dsc_ctx_t *ctx, const char *path)
{
    header_reader r = {NULL, 0, 0, 0};
    struct stat st;
    r.fp = fopen(path, "rb");
    if (!r.fp)
        return dsc_error(ctx, DSC_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    if (fstat(fileno(r.fp), &st) == 0 && st.st_size > 0)
        r.size = (uint64_t)st.st_size;

    unsigned char magic[4];
    int rc = DSC_OK;
    if (fread(magic, 1, 4, r.fp) != 4 || memcmp(magic, "CDF", 3) != 0)
        goto done; /* not classic: netCDF-4/HDF5 or not netCDF at all, left to nc_open */
    r.version = magic[3];
    if (r.version != 1 && r.version != 2 && r.version != 5)
        goto done;

    uint64_t end = r.size ? classic_data_end(&r) : 0;
    if (r.bad || r.size == 0) {
        rc = dsc_error(ctx, DSC_ERR_FORMAT, "%s: the netCDF header is cut short or corrupt",
                       path);
    } else if (r.size < end) {
        rc = dsc_error(ctx, DSC_ERR_FORMAT,
                       "%s: file is truncated: %lld bytes, its header describes %llu",
                       path, (long long)st.st_size, (unsigned long long)end);
    }
done:
    fclose(r.fp);
    return rc;
}
