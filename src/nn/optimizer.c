/* optimizer.c - the optimisers by name; adding one is a file and a row here. */
#include <string.h>

#include "internal.h"

static const dsc_nn_optimizer_t *const optimizers[] = {
    &dsc_nn_optimizer_adam,
    &dsc_nn_optimizer_sgd,
};

const dsc_nn_optimizer_t *dsc_nn_optimizer_find(const char *name)
{
    for (size_t i = 0; i < sizeof optimizers / sizeof optimizers[0]; i++)
        if (strcmp(optimizers[i]->name, name) == 0)
            return optimizers[i];
    return NULL;
}
