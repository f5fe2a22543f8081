/* ghcn.c - GHCN-Daily ".dly" station files.
 *
 * One line holds one month of one element: station ID (columns 1-11), year (12-15),
 * month (16-17), element (18-21), then 31 groups of value (5 columns, tenths of a degree
 * for temperatures, -9999 missing), measurement, quality and source flags (1 column each).
 * The format is described in the readme of the GHCN-Daily archive (Menne et al. 2012).
 */
#include "dsc/io.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GHCN_ID_LEN 11
#define GHCN_DAYS 31
#define GHCN_MISSING -9999

typedef struct {
    long month;             /* year * 12 + month - 1 */
    int value[GHCN_DAYS];   /* tenths, GHCN_MISSING when missing */
    char qflag[GHCN_DAYS];
} ghcn_month;

/* Character i of the line, blank past its end (trailing blanks are sometimes trimmed). */
static char at(const char *line, size_t len, size_t i)
{
    return i < len ? line[i] : ' ';
}

/* Parses columns [from, from + width) as an integer; -1 when they are not one. */
static int field_int(const char *line, size_t len, size_t from, size_t width, int *out)
{
    char buf[16];
    for (size_t i = 0; i < width; i++)
        buf[i] = at(line, len, from + i);
    buf[width] = '\0';
    char *end;
    errno = 0;
    long v = strtol(buf, &end, 10);
    while (*end == ' ')
        end++;
    if (end == buf || *end != '\0' || errno)
        return -1;
    *out = (int)v;
    return 0;
}

static int parse_line(dsc_ctx_t *ctx, const char *path, size_t lineno, const char *line,
                      size_t len, ghcn_month *m)
{
    int year, month;
    if (len < 21 || field_int(line, len, 11, 4, &year) || field_int(line, len, 15, 2, &month) ||
        year < 1 || month < 1 || month > 12)
        return dsc_error(ctx, DSC_ERR_FORMAT, "%s: line %zu is not a GHCN-Daily record", path,
                         lineno);
    m->month = (long)year * 12 + month - 1;
    for (int d = 0; d < GHCN_DAYS; d++) {
        size_t col = 21 + 8 * (size_t)d;
        if (field_int(line, len, col, 5, &m->value[d]))
            return dsc_error(ctx, DSC_ERR_FORMAT, "%s: line %zu: day %d has no value", path,
                             lineno, d + 1);
        m->qflag[d] = at(line, len, col + 6);
    }
    return DSC_OK;
}

/* Reads every line of element into a growing array of months. */
static int read_months(dsc_ctx_t *ctx, const char *path, const char *element, FILE *fp,
                       ghcn_month **months, size_t *n, char *station)
{
    char *line = NULL;
    size_t cap = 0, lineno = 0, have = 0;
    ssize_t got;
    int rc = DSC_OK;
    size_t elen = strlen(element);

    while ((got = getline(&line, &cap, fp)) != -1) {
        size_t len = (size_t)got;
        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            len--;
        if (len == 0)
            continue;
        if (len < 21) {
            rc = dsc_error(ctx, DSC_ERR_FORMAT, "%s: line %zu is too short for a GHCN-Daily "
                           "record", path, lineno);
            break;
        }
        if (station[0] == '\0')
            memcpy(station, line, GHCN_ID_LEN);
        else if (memcmp(station, line, GHCN_ID_LEN) != 0) {
            rc = dsc_error(ctx, DSC_ERR_FORMAT, "%s: line %zu is for station %.11s, not %s",
                           path, lineno, line, station);
            break;
        }
        if (elen != 4 || memcmp(line + 17, element, 4) != 0)
            continue;
        if (*n == have) {
            have = have ? 2 * have : 64;
            ghcn_month *grown = realloc(*months, have * sizeof *grown);
            if (!grown) {
                rc = dsc_error(ctx, DSC_ERR_NOMEM, "%s: out of memory", path);
                break;
            }
            *months = grown;
        }
        if ((rc = parse_line(ctx, path, lineno, line, len, &(*months)[*n])))
            break;
        (*n)++;
    }
    if (rc == DSC_OK && ferror(fp))
        rc = dsc_error(ctx, DSC_ERR_IO, "%s: read error: %s", path, strerror(errno));
    free(line);
    return rc;
}

static int cmp_month(const void *x, const void *y)
{
    long a = ((const ghcn_month *)x)->month, b = ((const ghcn_month *)y)->month;
    return a < b ? -1 : a > b;
}

/* Fills the field's dates and values from the sorted months. */
static int fill_field(dsc_ctx_t *ctx, const char *path, const ghcn_month *months, size_t n,
                      dsc_field_t *f, size_t *flagged)
{
    const dsc_calendar_t cal = DSC_CAL_STANDARD;
    long first = months[0].month;
    dsc_date_t d0 = {(int)(first / 12), (int)(first % 12) + 1, 1, 0.0};
    int64_t day0 = dsc_date_to_days(cal, d0);
    for (size_t t = 0; t < f->ntime; t++)
        f->dates[t] = dsc_date_from_days(cal, day0 + (int64_t)t);

    for (size_t i = 0; i < n; i++) {
        if (i > 0 && months[i].month == months[i - 1].month) {
            char when[32];
            dsc_date_format((dsc_date_t){(int)(months[i].month / 12),
                                         (int)(months[i].month % 12) + 1, 1, 0},
                            when, sizeof when);
            return dsc_error(ctx, DSC_ERR_FORMAT, "%s: %s appears twice for the month of %s",
                             path, f->name, when);
        }
        int year = (int)(months[i].month / 12), month = (int)(months[i].month % 12) + 1;
        for (int d = 0; d < GHCN_DAYS; d++) {
            int v = months[i].value[d];
            dsc_date_t day = {year, month, d + 1, 0.0};
            if (!dsc_date_valid(cal, day))
                continue; /* February 30 and the like hold -9999 */
            size_t t = (size_t)(dsc_date_to_days(cal, day) - day0);
            if (v == GHCN_MISSING)
                continue;
            if (months[i].qflag[d] != ' ') {
                (*flagged)++;
                continue;
            }
            f->values[t] = v / 10.0;
        }
    }
    return DSC_OK;
}

int dsc_io_read_ghcn(dsc_ctx_t *ctx, const char *path, const char *element,
                     dsc_field_t **out, size_t *flagged)
{
    FILE *fp = NULL;
    ghcn_month *months = NULL;
    size_t n = 0, nflag = 0;
    char station[GHCN_ID_LEN + 1] = "";
    dsc_grid_t grid;
    dsc_field_t *f = NULL;
    int rc;

    memset(&grid, 0, sizeof grid);
    *out = NULL;
    if (flagged)
        *flagged = 0;
    fp = fopen(path, "r");
    if (!fp)
        return dsc_error(ctx, DSC_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    if ((rc = read_months(ctx, path, element, fp, &months, &n, station)))
        goto done;
    if (n == 0) {
        rc = dsc_error(ctx, DSC_ERR_RANGE, "%s: no %s values", path, element);
        goto done;
    }
    qsort(months, n, sizeof *months, cmp_month);

    long last = months[n - 1].month;
    dsc_date_t d0 = {(int)(months[0].month / 12), (int)(months[0].month % 12) + 1, 1, 0};
    dsc_date_t d1 = {(int)(last / 12), (int)(last % 12) + 1, 1, 0};
    d1.day = dsc_calendar_days_in_month(DSC_CAL_STANDARD, d1.year, d1.month);
    size_t ntime = (size_t)(dsc_date_to_days(DSC_CAL_STANDARD, d1) -
                            dsc_date_to_days(DSC_CAL_STANDARD, d0) + 1);

    if ((rc = dsc_grid_init_points(ctx, &grid, 1)))
        goto done;
    grid.lat[0] = NAN; /* the .dly file does not carry the station position */
    grid.lon[0] = NAN;
    if (!(grid.names = dsc_calloc(ctx, 1, sizeof *grid.names, "station name")) ||
        !(grid.names[0] = dsc_strdup(ctx, station))) {
        rc = DSC_ERR_NOMEM;
        goto done;
    }
    f = dsc_field_create(ctx, element, DSC_CAL_STANDARD, ntime, &grid);
    if (!f) {
        rc = dsc_ctx_status(ctx);
        goto done;
    }
    if ((rc = fill_field(ctx, path, months, n, f, &nflag)))
        goto done;
    snprintf(f->source, sizeof f->source, "%s", path);
    *out = f;
    f = NULL;
    if (flagged)
        *flagged = nflag;
done:
    fclose(fp);
    free(months);
    dsc_grid_clear(&grid);
    dsc_field_destroy(f);
    return rc;
}
