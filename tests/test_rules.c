/* test_rules.c - the learning-rule comparison stage ([ann] compare_rules) end to end on the
 * real Frankfurt data, cut down to one model, one variable and four epochs so that it runs
 * in seconds. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "support/csv.h"
#include "support/support.h"

/* Runs the demo pipeline on Frankfurt only with the given rules into a fresh folder. */
static const char *run_rules(const char *rules)
{
    static char out[1024];
    char cmd[4096];

    snprintf(out, sizeof out, "%s", test_tmpdir());
    snprintf(cmd, sizeof cmd, "%s run pipelines/demo.ini --quiet --out %s --data-root %s "
             "--set pipeline.regions=frankfurt --set frankfurt.variables=tasmax "
             "--set frankfurt.models=GFDL-ESM2M --set frankfurt.scenarios=rcp85 "
             "--set ann.epochs=4 --set ann.ensemble=1 --set 'ann.compare_rules=%s'",
             test_bin(), out, test_data_root(), rules);
    int rc = test_system(cmd);
    cr_assert_eq(rc, 0, "the pipeline failed (exit %d): %s", rc, cmd);
    return out;
}

/* The CSV has one row per rule and epoch, steps counting mini-batches: Frankfurt's first
 * model has 14610 training days in 1951-1990 (the train stage logs the same count), so an
 * epoch of batches of 128 is ceil(14610 / 128) = 115 steps. The backprop line is the
 * network the train stage fits first (same seed, rows and settings), so its losses equal
 * the learning curve the pipeline writes for it, digit for digit. */
Test(rules, curves_per_rule_and_backprop_matches_train_stage, .timeout = 300)
{
    const char *out = run_rules("backprop, dtp, weight_perturbation");
    const char *names[3] = {"backprop", "dtp", "weight_perturbation"};
    test_csv_t *rules = test_csv_read_in(out, "learning/frankfurt_tasmax_rules.csv");
    test_csv_t *curve = test_csv_read_in(out, "figures/frankfurt_tasmax_learning_curve.csv");
    struct stat st;
    char path[2048];

    cr_assert_eq(rules->ncols, 5);
    const char *header[5] = {"rule", "epoch", "step", "train_loss", "valid_loss"};
    for (size_t c = 0; c < 5; c++)
        cr_assert_str_eq(rules->header[c], header[c]);
    cr_assert_eq(rules->nrows, 12);
    for (size_t r = 0; r < 12; r++) {
        cr_assert_str_eq(rules->cells[r][0], names[r / 4]);
        cr_assert_eq(test_csv_num(rules, r, 1), (double)(r % 4 + 1));
        cr_assert_eq(test_csv_num(rules, r, 2), 115.0 * (double)(r % 4 + 1));
        double v = test_csv_num(rules, r, 4);
        cr_assert(v > 0.0 && v < 1.0, "row %zu: validation loss %g (standardised)", r, v);
    }
    cr_assert_eq(curve->nrows, 4);
    /* The same network and data in both stages. OpenBLAS may pick kernels by the alignment
     * of the buffers, so the last bits can differ between the two runs: 1e-7 relative. */
    for (size_t e = 0; e < 4; e++) {
        double a = test_csv_num(rules, e, 3), b = test_csv_num(curve, e, 1);
        cr_assert_float_eq(a, b, 1e-7 * fabs(b), "epoch %zu: %.12g vs %.12g", e + 1, a, b);
        a = test_csv_num(rules, e, 4);
        b = test_csv_num(curve, e, 2);
        cr_assert_float_eq(a, b, 1e-7 * fabs(b), "epoch %zu: %.12g vs %.12g", e + 1, a, b);
    }
    /* Four epochs are enough to see the speeds differ: weight perturbation, one scalar per
     * batch for 209 parameters, is still far above backprop (0.033 against 0.018 here). */
    cr_assert_gt(test_csv_num(rules, 11, 4), 1.3 * test_csv_num(rules, 3, 4));

    snprintf(path, sizeof path, "%s/figures/frankfurt_tasmax_learning_rules.png", out);
    cr_assert(stat(path, &st) == 0 && st.st_size > 10000, "missing figure %s", path);
    test_csv_free(rules);
    test_csv_free(curve);
}

Test(rules, unknown_rule_is_refused_with_its_name, .timeout = 300)
{
    char cmd[4096], dir[1024], path[1100], text[4096] = "";
    snprintf(dir, sizeof dir, "%s", test_tmpdir());
    snprintf(cmd, sizeof cmd, "%s run pipelines/demo.ini --quiet --out %s/out --data-root %s "
             "--set pipeline.regions=frankfurt --set frankfurt.variables=tasmax "
             "--set frankfurt.models=GFDL-ESM2M --set frankfurt.scenarios=rcp85 "
             "--set ann.epochs=2 --set ann.ensemble=1 "
             "--set 'ann.compare_rules=backprop, hebbian' 2> %s/err.txt",
             test_bin(), dir, test_data_root(), dir);
    cr_assert_neq(test_system(cmd), 0);
    snprintf(path, sizeof path, "%s/err.txt", dir);
    FILE *fp = fopen(path, "r");
    cr_assert_not_null(fp);
    text[fread(text, 1, sizeof text - 1, fp)] = '\0';
    fclose(fp);
    cr_assert(strstr(text, "hebbian") != NULL, "%s", text);
}
