/* rule.c - the learning rules by name. A rule is a file rule_<name>.c defining one
 * dsc_nn_rule_t (how a batch becomes a descent direction) and a row in this table. */
#include <string.h>

#include "internal.h"

static const dsc_nn_rule_t *const rules[] = {
    &dsc_nn_rule_backprop,
    &dsc_nn_rule_feedback_alignment,
};

const dsc_nn_rule_t *dsc_nn_rule_find(const char *name)
{
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
        if (strcmp(rules[i]->name, name) == 0)
            return rules[i];
    return NULL;
}
