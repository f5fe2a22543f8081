/* html.c - writing text, links and numbers into the report page safely. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "report_internal.h"

#define MINUS_SIGN "\xe2\x88\x92"
#define EN_DASH "\xe2\x80\x93"

void report_text(FILE *fp, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&':
            fputs("&amp;", fp);
            break;
        case '<':
            fputs("&lt;", fp);
            break;
        case '>':
            fputs("&gt;", fp);
            break;
        case '"':
            fputs("&quot;", fp);
            break;
        case '\'':
            fputs("&#39;", fp);
            break;
        default:
            fputc(*s, fp);
        }
    }
}

void report_url(FILE *fp, const char *s)
{
    static const char safe[] = "._~/+-";
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            strchr(safe, c))
            fputc(c, fp);
        else
            fprintf(fp, "%%%02X", c);
    }
}

void report_number(FILE *fp, double v, int decimals, int sign)
{
    if (!isfinite(v)) {
        fputs(EN_DASH, fp);
        return;
    }
    /* A value that rounds to zero is written without a sign: "-0.00" says nothing. */
    if (fabs(v) < 0.5 * pow(10, -decimals))
        v = 0;
    if (v < 0)
        fputs(MINUS_SIGN, fp);
    else if (sign && v > 0)
        fputc('+', fp);
    fprintf(fp, "%.*f", decimals, fabs(v));
}

void report_bytes(FILE *fp, long long bytes)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    if (bytes < 0) {
        fputs(EN_DASH, fp);
        return;
    }
    double v = (double)bytes;
    size_t u = 0;
    while (v >= 1024 && u + 1 < sizeof units / sizeof units[0]) {
        v /= 1024;
        u++;
    }
    if (u == 0)
        fprintf(fp, "%lld B", bytes);
    else
        fprintf(fp, "%.1f %s", v, units[u]);
}

const char *report_relative(const char *out_dir, const char *path, char *buf, size_t size)
{
    size_t n = strlen(out_dir);
    while (n > 1 && out_dir[n - 1] == '/')
        n--;
    if (strncmp(path, out_dir, n) != 0 || path[n] != '/')
        return NULL;
    const char *rest = path + n;
    while (*rest == '/')
        rest++;
    if (!*rest)
        return NULL;
    snprintf(buf, size, "../%s", rest);
    return buf;
}

static uint32_t be32(const unsigned char *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

int report_png_size(const char *path, int *width, int *height)
{
    static const unsigned char magic[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    unsigned char b[24];
    FILE *fp = fopen(path, "rb");
    *width = *height = 0;
    if (!fp)
        return 0;
    size_t got = fread(b, 1, sizeof b, fp);
    fclose(fp);
    /* The first chunk of a PNG is IHDR: width and height, big-endian, at bytes 16..23. */
    if (got < sizeof b || memcmp(b, magic, 8) != 0 || memcmp(b + 12, "IHDR", 4) != 0)
        return 0;
    *width = (int)be32(b + 16);
    *height = (int)be32(b + 20);
    return *width > 0 && *height > 0;
}
