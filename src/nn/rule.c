/* rule.c - the learning rules by name. A rule is a file rule_<name>.c defining one
 * dsc_nn_rule_t (how a batch becomes a descent direction) and a row in this table. */
#include <stdio.h>
#include <string.h>

#include "internal.h"

static const dsc_nn_rule_t *const rules[] = {
    &dsc_nn_rule_backprop,
    &dsc_nn_rule_feedback_alignment,
    &dsc_nn_rule_node_perturbation,
    &dsc_nn_rule_weight_perturbation,
    &dsc_nn_rule_dtp,
};

#define N_RULES (sizeof rules / sizeof rules[0])

const dsc_nn_rule_t *dsc_nn_rule_find(const char *name)
{
    for (size_t i = 0; i < N_RULES; i++)
        if (strcmp(rules[i]->name, name) == 0)
            return rules[i];
    return NULL;
}

void dsc_nn_rule_names(char *buf, size_t size)
{
    size_t used = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < N_RULES && used < size; i++) {
        int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", rules[i]->name);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

int dsc_nn_rule_check(dsc_ctx_t *ctx, const char *name)
{
    char names[256];

    if (name && dsc_nn_rule_find(name))
        return DSC_OK;
    dsc_nn_rule_names(names, sizeof names);
    return dsc_error(ctx, DSC_ERR_CONFIG, "nn learning rule \"%s\": unknown (use %s)",
                     name ? name : "(null)", names);
}

size_t dsc_nn_total_units(const dsc_nn_t *nn)
{
    size_t n = 0;
    for (size_t l = 0; l < nn->n_layers; l++)
        n += nn->layer[l].n_out;
    return n;
}

void dsc_nn_random_signs(dsc_rng_t *rng, double *v, size_t n, double scale)
{
    uint64_t bits = 0;

    for (size_t i = 0; i < n; i++) {
        if (i % 64 == 0)
            bits = dsc_rng_next(rng);
        /* Arithmetic, not a branch: a coin flip is what a branch predictor cannot learn. */
        v[i] = ((double)(bits & 1) * 2.0 - 1.0) * scale;
        bits >>= 1;
    }
}
