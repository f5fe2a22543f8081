/* test_core.c - context errors, logging and the random generator. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "dsc/core.h"
#include "dsc/field.h"

Test(core, error_message_and_code)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    cr_assert_not_null(ctx);
    int rc = dsc_error(ctx, DSC_ERR_IO, "%s: cannot open", "x.nc");
    cr_assert_eq(rc, DSC_ERR_IO);
    cr_assert_str_eq(dsc_ctx_message(ctx), "x.nc: cannot open");
    cr_assert_eq(dsc_ctx_status(ctx), DSC_ERR_IO);
    dsc_ctx_clear(ctx);
    cr_assert_str_eq(dsc_ctx_message(ctx), "");
    dsc_ctx_destroy(ctx);
}

static int log_calls;
static void count_log(void *user, dsc_log_level level, const char *module, const char *msg)
{
    (void)user;
    (void)level;
    cr_assert_str_eq(module, "core");
    cr_assert_str_eq(msg, "value 7");
    log_calls++;
}

Test(core, log_level_filters)
{
    dsc_ctx_t *ctx = dsc_ctx_create();
    dsc_ctx_set_log(ctx, count_log, NULL, DSC_LOG_INFO);
    dsc_log(ctx, DSC_LOG_INFO, "core", "value %d", 7);
    dsc_log(ctx, DSC_LOG_DEBUG, "core", "hidden %d", 8);
    cr_assert_eq(log_calls, 1);
    dsc_ctx_destroy(ctx);
}

Test(core, rng_is_reproducible_and_uniform)
{
    dsc_rng_t a, b;
    dsc_rng_seed(&a, 42);
    dsc_rng_seed(&b, 42);
    double sum = 0;
    for (int i = 0; i < 100000; i++) {
        double u = dsc_rng_uniform(&a);
        cr_assert_eq(u, dsc_rng_uniform(&b));
        cr_assert(u >= 0 && u < 1);
        sum += u;
    }
    cr_assert_float_eq(sum / 100000, 0.5, 0.005);
    dsc_rng_seed(&b, 43);
    cr_assert_neq(dsc_rng_next(&a), dsc_rng_next(&b));
}

Test(core, lon_normalize)
{
    cr_assert_float_eq(dsc_lon_normalize(358.75), -1.25, 1e-12);
    cr_assert_float_eq(dsc_lon_normalize(180.0), -180.0, 1e-12);
    cr_assert_float_eq(dsc_lon_normalize(-190.0), 170.0, 1e-12);
    cr_assert_float_eq(dsc_lon_normalize(725.0), 5.0, 1e-12);
}
