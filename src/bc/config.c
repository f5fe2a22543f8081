/* config.c - bias-correction settings: defaults and the checks every fit starts with. */
#include "bc_internal.h"

#include <string.h>

void dsc_bc_config_default(dsc_bc_config_t *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    strcpy(cfg->method, "eqm");
    strcpy(cfg->kind, "additive");
    cfg->grouping = DSC_BC_GROUP_DOY;
    cfg->window = 31;
    cfg->nquantiles = 100;
    strcpy(cfg->extrapolation, "constant");
}

/* The fixed-size text fields may come from a parser that filled them to the brim, so every
 * comparison stays inside the array. */
int bc_config_string_is(const char *field, size_t size, const char *name)
{
    size_t len = strlen(name);
    return len < size && strncmp(field, name, size) == 0;
}

static int is_terminated(const char *field, size_t size)
{
    return memchr(field, '\0', size) != NULL;
}

int bc_config_check(dsc_ctx_t *ctx, const dsc_bc_config_t *cfg)
{
    if (!is_terminated(cfg->method, sizeof cfg->method) ||
        !is_terminated(cfg->kind, sizeof cfg->kind) ||
        !is_terminated(cfg->extrapolation, sizeof cfg->extrapolation))
        return dsc_error(ctx, DSC_ERR_CONFIG, "bias correction: a setting is not terminated");

    /* An empty kind or extrapolation means the default, as an INI file may leave it out. */
    if (bc_config_string_is(cfg->kind, sizeof cfg->kind, "multiplicative"))
        return dsc_error(ctx, DSC_ERR_CONFIG,
                         "bias correction kind 'multiplicative': refused, temperature is "
                         "corrected additively");
    if (cfg->kind[0] != '\0' && !bc_config_string_is(cfg->kind, sizeof cfg->kind, "additive"))
        return dsc_error(ctx, DSC_ERR_CONFIG,
                         "bias correction kind '%s': unknown (expected additive)", cfg->kind);
    if (cfg->extrapolation[0] != '\0' &&
        !bc_config_string_is(cfg->extrapolation, sizeof cfg->extrapolation, "constant"))
        return dsc_error(ctx, DSC_ERR_CONFIG,
                         "bias correction extrapolation '%s': unknown (expected constant)",
                         cfg->extrapolation);

    if (cfg->grouping != DSC_BC_GROUP_DOY && cfg->grouping != DSC_BC_GROUP_MONTH)
        return dsc_error(ctx, DSC_ERR_CONFIG, "bias correction grouping %d: unknown",
                         (int)cfg->grouping);
    /* A centred window needs a middle day; months ignore the window. */
    if (cfg->grouping == DSC_BC_GROUP_DOY && (cfg->window <= 0 || cfg->window % 2 == 0))
        return dsc_error(ctx, DSC_ERR_CONFIG,
                         "bias correction window %d: must be a positive odd number of days",
                         cfg->window);
    if (cfg->nquantiles == 0)
        return dsc_error(ctx, DSC_ERR_CONFIG, "bias correction nquantiles: must be at least 1");
    return DSC_OK;
}

int dsc_bc_config_validate(dsc_ctx_t *ctx, const dsc_bc_config_t *cfg)
{
    if (!cfg)
        return dsc_error(ctx, DSC_ERR_USAGE, "bias correction: no settings given");
    int rc = bc_config_check(ctx, cfg);
    if (rc == DSC_OK && !bc_method_find(cfg))
        rc = bc_method_unknown(ctx, cfg);
    return rc;
}
