/* ini.h - an INI file held in memory (parsed with inih), with typed lookups that remember
 * which keys were used, so unknown keys can be reported with their line numbers. */
#ifndef DSC_INI_H
#define DSC_INI_H

#include "dsc/core.h"

typedef struct {
    char *section; /* lower-case section name, "" before the first header */
    char *key;     /* lower-case key */
    char *value;   /* trimmed value */
    int line;      /* 1-based line in the file */
    int used;      /* set by lookups */
} dsc_ini_entry_t;

typedef struct {
    char *path;               /* the file, for messages */
    dsc_ini_entry_t *entries; /* in file order */
    size_t n;
    size_t cap;
} dsc_ini_t;

/* Parses path. A missing file is DSC_ERR_IO, a syntax error DSC_ERR_CONFIG with the line.
 * The caller owns *out: dsc_ini_destroy(). */
int dsc_ini_read(dsc_ctx_t *ctx, const char *path, dsc_ini_t **out);
void dsc_ini_destroy(dsc_ini_t *ini);
/* Adds (or overrides: the last entry wins) section/key = value, e.g. from the command line;
 * its line is 0. */
int dsc_ini_set(dsc_ctx_t *ctx, dsc_ini_t *ini, const char *section, const char *key,
                const char *value);
/* The entry for section/key (last one wins), marked used; NULL when absent. Borrowed. */
const dsc_ini_entry_t *dsc_ini_find(dsc_ini_t *ini, const char *section, const char *key);
/* The value or NULL. */
const char *dsc_ini_get(dsc_ini_t *ini, const char *section, const char *key);
/* True when the section has at least one key. */
int dsc_ini_has_section(const dsc_ini_t *ini, const char *section);

#endif
