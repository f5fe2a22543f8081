/* ini.c - INI files parsed with inih into an in-memory list of entries. The Debian build of
 * inih does not pass line numbers to the handler, so we count lines ourselves in a second,
 * cheap pass that follows inih's rules for sections and comments. */
#include "dsc/ini.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static char *lower_dup(const char *s)
{
    size_t n = strlen(s);
    char *p = malloc(n + 1);
    if (!p)
        return NULL;
    for (size_t i = 0; i <= n; i++)
        p[i] = (char)tolower((unsigned char)s[i]);
    return p;
}

static int add_entry(void *user, const char *section, const char *key, const char *value)
{
    dsc_ini_t *ini = user;
    if (ini->n == ini->cap) {
        size_t cap = ini->cap ? 2 * ini->cap : 32;
        dsc_ini_entry_t *e = realloc(ini->entries, cap * sizeof *e);
        if (!e)
            return 0;
        ini->entries = e;
        ini->cap = cap;
    }
    dsc_ini_entry_t *e = &ini->entries[ini->n];
    memset(e, 0, sizeof *e);
    e->section = lower_dup(section);
    e->key = lower_dup(key);
    e->value = strdup(value ? value : "");
    if (!e->section || !e->key || !e->value) {
        free(e->section);
        free(e->key);
        free(e->value);
        return 0;
    }
    ini->n++;
    return 1;
}

/* Trims s in place and returns its first non-blank character. */
static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* Second pass: gives each entry the line it came from, matching entries in file order. */
static void number_lines(dsc_ini_t *ini, FILE *fp)
{
    char buf[4096], section[256] = "";
    size_t next = 0;
    int line = 0;
    while (fgets(buf, sizeof buf, fp) && next < ini->n) {
        line++;
        char *s = trim(buf);
        if (*s == ';' || *s == '#' || *s == '\0')
            continue;
        if (*s == '[') {
            char *end = strchr(s, ']');
            if (end) {
                *end = '\0';
                snprintf(section, sizeof section, "%s", trim(s + 1));
                for (char *c = section; *c; c++)
                    *c = (char)tolower((unsigned char)*c);
            }
            continue;
        }
        char *eq = strpbrk(s, "=:");
        if (!eq)
            continue;
        *eq = '\0';
        char *key = trim(s);
        for (char *c = key; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        dsc_ini_entry_t *e = &ini->entries[next];
        if (strcmp(e->section, section) == 0 && strcmp(e->key, key) == 0) {
            e->line = line;
            next++;
        }
    }
}

int dsc_ini_read(dsc_ctx_t *ctx, const char *path, dsc_ini_t **out)
{
    *out = NULL;
    FILE *fp = fopen(path, "r");
    if (!fp)
        return dsc_error(ctx, DSC_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    dsc_ini_t *ini = dsc_calloc(ctx, 1, sizeof *ini, "ini");
    if (!ini || !(ini->path = dsc_strdup(ctx, path))) {
        fclose(fp);
        dsc_ini_destroy(ini);
        return DSC_ERR_NOMEM;
    }
    int rc = ini_parse_file(fp, add_entry, ini);
    if (rc != 0) {
        fclose(fp);
        dsc_ini_destroy(ini);
        if (rc > 0)
            return dsc_error(ctx, DSC_ERR_CONFIG, "%s:%d: not a valid INI line", path, rc);
        return dsc_error(ctx, DSC_ERR_NOMEM, "%s: out of memory while parsing", path);
    }
    rewind(fp);
    number_lines(ini, fp);
    fclose(fp);
    *out = ini;
    return DSC_OK;
}

void dsc_ini_destroy(dsc_ini_t *ini)
{
    if (!ini)
        return;
    for (size_t i = 0; i < ini->n; i++) {
        free(ini->entries[i].section);
        free(ini->entries[i].key);
        free(ini->entries[i].value);
    }
    free(ini->entries);
    free(ini->path);
    free(ini);
}

int dsc_ini_set(dsc_ctx_t *ctx, dsc_ini_t *ini, const char *section, const char *key,
                const char *value)
{
    if (!add_entry(ini, section, key, value))
        return dsc_error(ctx, DSC_ERR_NOMEM, "%s: out of memory", ini->path);
    return DSC_OK;
}

const dsc_ini_entry_t *dsc_ini_find(dsc_ini_t *ini, const char *section, const char *key)
{
    dsc_ini_entry_t *found = NULL;
    for (size_t i = 0; i < ini->n; i++) {
        dsc_ini_entry_t *e = &ini->entries[i];
        if (strcasecmp(e->section, section) == 0 && strcasecmp(e->key, key) == 0) {
            found = e;
            e->used = 1; /* an overridden entry was read too, not unknown */
        }
    }
    return found;
}

const char *dsc_ini_get(dsc_ini_t *ini, const char *section, const char *key)
{
    const dsc_ini_entry_t *e = dsc_ini_find(ini, section, key);
    return e ? e->value : NULL;
}

int dsc_ini_has_section(const dsc_ini_t *ini, const char *section)
{
    for (size_t i = 0; i < ini->n; i++)
        if (strcasecmp(ini->entries[i].section, section) == 0)
            return 1;
    return 0;
}
