/* test_incremental.c - nightly behaviour: a rerun with nothing changed does no work, a
 * changed setting reruns only its region, a killed run leaves the previous outputs whole
 * and the next run finishes, a second run on the same folder is refused, and the thread
 * count does not change the numbers. Runs a small pipeline of real data (Vancouver and one
 * Frankfurt model, few epochs) through the built program. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/csv.h"
#include "support/support.h"

/* A pipeline of two regions in a fresh folder (with copies of the region files), whose name
 * goes into dir (size bytes). */
static void make_pipeline(char *dir, size_t size, const char *extra)
{
    char cmd[2048], path[1024];
    const char *tmp = test_tmpdir();
    cr_assert_not_null(tmp);
    snprintf(dir, size, "%s", tmp);
    snprintf(cmd, sizeof cmd, "mkdir -p %s/pipelines %s/regions && cp regions/vancouver.ini "
             "regions/frankfurt.ini %s/regions/", dir, dir, dir);
    cr_assert_eq(test_system(cmd), 0);
    snprintf(path, sizeof path, "%s/pipelines/night.ini", dir);
    FILE *fp = fopen(path, "w");
    cr_assert_not_null(fp);
    fprintf(fp, "[pipeline]\nname = night\nregions = vancouver, frankfurt\n"
                "[vancouver]\nmodels = CanESM2\nscenarios = rcp85\n"
                "gcm = gcm/CanESM2_1950-2100.nc\nobs = obs/nrcan_1950-2013.nc\n"
                "train = 1961-1990\nvalid = 1991-2005\nfuture = 2006-2100\n"
                "[frankfurt]\nmodels = GFDL-ESM2M\nscenarios = rcp45\n"
                "gcm = isimip-point/nc/tasmax_tasmin_day_{model}_historical+{scenario}_r1i1p1_"
                "isimip-ft_lon9.30_lat49.42_19500101-20991231.nc\n"
                "obs = isimip-point/obs/frankfurt_main_dwd01420_tmax_tmin.nc\n"
                "train = 1961-1990\nvalid = 1991-2005\nfuture = 2006-2099\n"
                "[ann]\nepochs = %s\nensemble = 1\nhidden = 8\n%s",
            getenv("DSC_TEST_EPOCHS") ? getenv("DSC_TEST_EPOCHS") : "15", extra);
    fclose(fp);
}

/* Adds the arctic-tiny grid region (one BNU-ESM year to train on) to the pipeline of
 * make_pipeline in dir, then edits its night.ini with the sed script (e.g. its regions). */
static void add_grid_region(const char *dir, const char *sed_script)
{
    static const char grid[] = "[arctic-tiny]\nmodels = BNU-ESM\n"
                               "gcm = gcm/BNU-ESM_tasmax_day_tiny_gcm.nc\n"
                               "obs = obs/ANUSPLIN_tasmax_day_tiny_obs.nc\n"
                               "train = 1970-1970\nvalid = 1971-1971\n";
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "cp regions/arctic-tiny.ini %s/regions/ && printf '%s' >> "
             "%s/pipelines/night.ini && sed -i '%s' %s/pipelines/night.ini", dir, grid, dir,
             sed_script, dir);
    cr_assert_eq(test_system(cmd), 0, "%s", cmd);
}

/* Runs the pipeline; returns the exit status and leaves stderr in <dir>/err. */
static int run(const char *dir, const char *args)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s run %s/pipelines/night.ini --out %s/out --data-root %s %s "
             "2>%s/err >/dev/null", test_bin(), dir, dir, test_data_root(), args, dir);
    return test_system(cmd);
}

static char *err_text(const char *dir)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/err", dir);
    return test_read_file(path);
}

static long long mtime_ns(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return -1;
    return (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
}

Test(incremental, second_run_does_no_work, .timeout = 600)
{
    char dir[512], path[1024];
    make_pipeline(dir, sizeof dir, "");
    cr_assert_eq(run(dir, ""), 0);
    snprintf(path, sizeof path, "%s/out/series/vancouver_tasmax.csv", dir);
    long long before = mtime_ns(path);
    cr_assert_gt(before, 0);
    cr_assert_eq(run(dir, ""), 0);
    char *e = err_text(dir);
    cr_expect(strstr(e, "nothing changed since the last run: no work done"), "%s", e);
    cr_expect_null(strstr(e, "computing"), "%s", e);
    free(e);
    cr_expect_eq(mtime_ns(path), before, "an up-to-date output was rewritten");
    /* An output edited by hand is not up to date: the next run writes it again (from the
     * cached results, without training). */
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "echo edited >> %s", path);
    cr_assert_eq(test_system(cmd), 0);
    cr_assert_eq(run(dir, ""), 0);
    e = err_text(dir);
    cr_expect(strstr(e, "cached result reused"), "%s", e);
    free(e);
    snprintf(cmd, sizeof cmd, "grep -q edited %s", path);
    cr_expect_neq(test_system(cmd), 0, "the edited output was not written again");
    /* --dry-run says so too and writes nothing. */
    cr_assert_eq(run(dir, "--dry-run"), 0);
    e = err_text(dir);
    cr_expect(strstr(e, "region vancouver: up to date"), "%s", e);
    free(e);
    /* --force redoes everything. */
    cr_assert_eq(run(dir, "--force"), 0);
    e = err_text(dir);
    cr_expect(strstr(e, "vancouver tasmax CanESM2: computing (--force)"), "%s", e);
    free(e);
}

/* How many files of the cache end in suffix (".member", ".trained"). */
static int cache_count(const char *dir, const char *suffix)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "exit $(ls %s/out/.cache | grep -c '\\%s$')", dir, suffix);
    return test_system(cmd);
}

/* The same archive under another data root (moved, or mounted elsewhere) is the same
 * input: nothing is computed again. */
Test(incremental, a_moved_archive_is_not_recomputed, .timeout = 600)
{
    char dir[512], cmd[4096], root[1100], abs_root[1024];
    make_pipeline(dir, sizeof dir, "");
    cr_assert_eq(run(dir, ""), 0);
    cr_assert_not_null(realpath(test_data_root(), abs_root));
    snprintf(root, sizeof root, "%s/moved", dir);
    snprintf(cmd, sizeof cmd, "mkdir -p %s && for d in gcm obs isimip-point; do ln -s %s/$d %s/; "
             "done", root, abs_root, root);
    cr_assert_eq(test_system(cmd), 0, "%s", cmd);
    snprintf(cmd, sizeof cmd, "--data-root %s", root);
    cr_assert_eq(run(dir, cmd), 0);
    char *e = err_text(dir);
    cr_expect_null(strstr(e, "computing"), "%s", e);
    cr_expect(strstr(e, "region vancouver: inputs and settings unchanged"), "%s", e);
    free(e);
}

Test(incremental, a_changed_setting_reruns_only_its_region, .timeout = 600)
{
    char dir[512];
    make_pipeline(dir, sizeof dir, "");
    cr_assert_eq(run(dir, ""), 0);
    cr_assert_eq(run(dir, "--set vancouver.train=1962-1990 --dry-run"), 0);
    char *e = err_text(dir);
    cr_expect(strstr(e, "changed: 'train = 1961-1990' -> 'train = 1962-1990'"), "%s", e);
    cr_expect(strstr(e, "region frankfurt: up to date"), "%s", e);
    free(e);
    /* A dry run opens the inputs of what it would compute: a misspelled variable is found
     * before the night's run, naming the file, and nothing is written. */
    cr_assert_eq(run(dir, "--set vancouver.train=1962-1990 --set vancouver.obs_var_tasmax=tmx "
                          "--dry-run"), 2);
    e = err_text(dir);
    cr_expect(strstr(e, "obs/nrcan_1950-2013.nc: no variable 'tmx'"), "%s", e);
    free(e);
    char probe[1024];
    snprintf(probe, sizeof probe, "find %s/out -newer %s/err -type f | grep -q .", dir, dir);
    cr_expect_neq(test_system(probe), 0, "the dry run wrote into the output folder");
    cr_assert_eq(run(dir, "--set vancouver.train=1962-1990"), 0);
    e = err_text(dir);
    cr_expect(strstr(e, "vancouver tasmax CanESM2: computing"), "%s", e);
    cr_expect(strstr(e, "region frankfurt: inputs and settings unchanged"), "%s", e);
    cr_expect_null(strstr(e, "frankfurt tasmax GFDL-ESM2M: computing"), "%s", e);
    free(e);
    /* A change of bias correction alone reruns only the correct stage (and a dry run
     * says so). */
    cr_assert_eq(run(dir, "--set vancouver.train=1962-1990 --set "
                          "bias_correction.historical=dqm --dry-run"), 0);
    e = err_text(dir);
    cr_expect(strstr(e, "vancouver tasmax CanESM2: only the bias correction changed: correct"),
              "%s", e);
    free(e);
    cr_assert_eq(run(dir, "--set vancouver.train=1962-1990 --set "
                          "bias_correction.historical=dqm"), 0);
    e = err_text(dir);
    cr_expect(strstr(e, "vancouver tasmax CanESM2: only the bias correction changed"), "%s",
              e);
    cr_expect_null(strstr(e, "info train:"), "%s", e);
    /* Each change superseded Vancouver's cached result: the cache keeps one result per
     * region, variable and model (and one trained result for each), not one per night. */
    cr_expect(strstr(e, "removed 1 cached result(s)") || strstr(e, "removed 2 cached result(s)"),
              "%s", e);
    free(e);
    cr_expect_eq(cache_count(dir, ".member"), 2);
    cr_expect_eq(cache_count(dir, ".trained"), 2);
}

/* Every output listed in the manifest is whole: CSVs parse to the end with full rows,
 * NetCDF files open. */
static void check_outputs_whole(const char *dir)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cd %s/out && for f in series/*.nc maps/*.nc; do [ -e \"$f\" ] "
             "|| continue; ncdump -h \"$f\" >/dev/null || exit 1; done", dir);
    cr_expect_eq(test_system(cmd), 0, "a NetCDF output is damaged");
    test_csv_t *csv = test_csv_read_in(dir, "out/series/vancouver_tasmax.csv");
    cr_expect_gt(csv->nrows, 20000);
    cr_expect_str_eq(csv->cells[csv->nrows - 1][0], "2100-12-31");
    test_csv_free(csv);
}

Test(incremental, killed_run_keeps_outputs_and_the_next_run_finishes, .timeout = 900)
{
    char dir[512], cmd[4096];
    make_pipeline(dir, sizeof dir, "");
    cr_assert_eq(run(dir, ""), 0);
    /* Tonight's run has new settings, so everything is recomputed and rewritten; kill it
     * with SIGKILL at several moments. */
    for (int k = 0; k < 3; k++) {
        pid_t pid = fork();
        cr_assert(pid >= 0);
        if (pid == 0) {
            snprintf(cmd, sizeof cmd, "%s/pipelines/night.ini", dir);
            char out[600];
            snprintf(out, sizeof out, "%s/out", dir);
            freopen("/dev/null", "w", stderr);
            execl(test_bin(), test_bin(), "run", cmd, "--out", out, "--data-root", test_data_root(),
                  "--set", "ann.seed=7", (char *)NULL);
            _exit(127);
        }
        usleep(300000 + 700000 * (useconds_t)k);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        check_outputs_whole(dir);
    }
    cr_assert_eq(run(dir, "--set ann.seed=7"), 0);
    check_outputs_whole(dir);
    snprintf(cmd, sizeof cmd, "find %s/out -name '*.tmp.*' | grep -q .", dir);
    cr_expect_neq(test_system(cmd), 0, "temporary files of the killed runs remain");
}

/* SIGTERM (a scheduler's time limit) or Ctrl-C: the run stops between cells with exit code
 * 4, one line saying so, a manifest recording it, no temporary file, and the models finished
 * before the signal are reused by the next run. */
Test(incremental, sigterm_stops_cleanly_and_the_next_run_continues, .timeout = 900)
{
    char dir[512], cmd[8192];
    make_pipeline(dir, sizeof dir, "");
    cr_assert_eq(run(dir, ""), 0);
    /* New settings recompute every member; the signal goes once the first new member is in
     * the cache (more .member files than the first run left). */
    snprintf(cmd, sizeof cmd,
             "d=%s; before=$(ls $d/out/.cache/*.member | wc -l); "
             "%s run $d/pipelines/night.ini --out $d/out --data-root %s --set ann.seed=11 "
             "--quiet 2>$d/err >/dev/null & pid=$!; "
             "for i in $(seq 1 3000); do "
             "[ $(ls $d/out/.cache/*.member | wc -l) -gt $before ] && break; sleep 0.1; done; "
             "kill -TERM $pid; wait $pid; echo $? > $d/rc",
             dir, test_bin(), test_data_root());
    cr_assert_eq(test_system(cmd), 0, "%s", cmd);
    char path[1024];
    snprintf(path, sizeof path, "%s/rc", dir);
    char *rc = test_read_file(path);
    cr_assert_not_null(rc);
    char *e = err_text(dir);
    cr_expect_eq(atoi(rc), 4, "exit code %s, stderr: %s", rc, e);
    cr_expect(strstr(e, "interrupted by SIGTERM") && strstr(e, "next run continues"), "%s", e);
    cr_expect(strchr(e, '\n') == strrchr(e, '\n'), "one line expected: %s", e);
    free(rc);
    free(e);
    snprintf(path, sizeof path, "%s/out/manifest.json", dir);
    char *manifest = test_read_file(path);
    cr_assert_not_null(manifest);
    cr_expect(strstr(manifest, "interrupted by SIGTERM"), "the manifest does not say so");
    free(manifest);
    snprintf(cmd, sizeof cmd, "find %s/out -name '*.tmp.*' | grep -q .", dir);
    cr_expect_neq(test_system(cmd), 0, "temporary files remain after SIGTERM");
    check_outputs_whole(dir);

    cr_assert_eq(run(dir, "--set ann.seed=11"), 0);
    snprintf(path, sizeof path, "%s/out/run.log", dir);
    char *log = test_read_file(path);
    cr_assert_not_null(log);
    /* Vancouver, the first region, was finished when the signal came. */
    cr_expect(!strstr(log, "vancouver tasmax CanESM2: computing"),
              "the member finished before the signal was computed again:\n%s", log);
    free(log);
}

Test(incremental, two_runs_at_once_one_refused, .timeout = 600)
{
    char dir[512], cmd[4096];
    make_pipeline(dir, sizeof dir, "");
    snprintf(cmd, sizeof cmd, "%s run %s/pipelines/night.ini --out %s/out --data-root %s "
             "--quiet 2>/dev/null & sleep 0.5; %s run %s/pipelines/night.ini --out %s/out "
             "--data-root %s 2>%s/err >/dev/null; echo $? > %s/rc; wait", test_bin(), dir, dir,
             test_data_root(), test_bin(), dir, dir, test_data_root(), dir, dir);
    test_system(cmd);
    char path[1024];
    snprintf(path, sizeof path, "%s/rc", dir);
    char *rc = test_read_file(path);
    cr_assert_not_null(rc);
    cr_expect_eq(atoi(rc), 3, "the second run should exit 3 (locked), got %s", rc);
    free(rc);
    char *e = err_text(dir);
    cr_expect(strstr(e, "another run is writing this output folder"), "%s", e);
    free(e);
}

Test(incremental, thread_count_does_not_change_the_numbers, .timeout = 900)
{
    char d1[512], d2[512], cmd[4096];
    for (int i = 0; i < 2; i++) {
        char *d = i ? d2 : d1;
        make_pipeline(d, sizeof d1, "");
        add_grid_region(d, "s/^regions = .*/regions = arctic-tiny, vancouver/");
        snprintf(cmd, sizeof cmd, "OMP_NUM_THREADS=%d %s run %s/pipelines/night.ini --out "
                 "%s/out --data-root %s --quiet --set ann.epochs=5", i ? 2 : 1, test_bin(), d,
                 d, test_data_root());
        cr_assert_eq(test_system(cmd), 0, "%s", cmd);
    }
    const char *files[] = {"series/arctic-tiny_tasmax.csv", "taylor/arctic-tiny_tasmax.csv",
                           "series/vancouver_tasmax.csv"};
    for (size_t k = 0; k < 3; k++) {
        snprintf(cmd, sizeof cmd, "cmp -s %s/out/%s %s/out/%s", d1, files[k], d2, files[k]);
        cr_expect_eq(test_system(cmd), 0, "%s differs between 1 and 2 threads", files[k]);
    }
}

/* `make MPI=1` builds build-mpi/downscale; `mpirun -np 2` must give the serial numbers:
 * regions of several models are shared out model by model, a grid's cells cell by cell. */
Test(incremental, mpi_matches_serial, .timeout = 900)
{
    const char *mpi = getenv("DOWNSCALE_MPI_BIN");
    if (!mpi || !*mpi || access(mpi, X_OK) != 0 || test_system("command -v mpirun >/dev/null"))
        cr_skip_test("no MPI build (make MPI=1) or no mpirun");
    char d1[512], d2[512], cmd[4096];
    for (int i = 0; i < 2; i++) {
        char *d = i ? d2 : d1;
        make_pipeline(d, sizeof d1, "");
        add_grid_region(d, "s/^regions = .*/regions = arctic-tiny, vancouver, frankfurt/; "
                           "s/^models = GFDL-ESM2M/models = GFDL-ESM2M, NorESM1-M/");
    }
    snprintf(cmd, sizeof cmd, "%s run %s/pipelines/night.ini --out %s/out --data-root %s "
             "--quiet --set ann.epochs=5", test_bin(), d1, d1, test_data_root());
    cr_assert_eq(test_system(cmd), 0, "%s", cmd);
    snprintf(cmd, sizeof cmd, "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 "
             "mpirun -np 2 --oversubscribe %s run %s/pipelines/night.ini --out %s/out "
             "--data-root %s --quiet --set ann.epochs=5", mpi, d2, d2, test_data_root());
    cr_assert_eq(test_system(cmd), 0, "%s", cmd);
    const char *csv[] = {"series/arctic-tiny_tasmax.csv", "taylor/arctic-tiny_tasmax.csv",
                         "series/vancouver_tasmax.csv", "series/frankfurt_tasmax.csv",
                         "series/frankfurt_tasmax_NorESM1-M.csv", "hist/frankfurt_tasmax.csv"};
    for (size_t k = 0; k < sizeof csv / sizeof csv[0]; k++) {
        snprintf(cmd, sizeof cmd, "cmp -s %s/out/%s %s/out/%s", d1, csv[k], d2, csv[k]);
        cr_expect_eq(test_system(cmd), 0, "%s differs between serial and mpirun -np 2",
                     csv[k]);
    }
    /* NetCDF outputs differ only in their history (the command line). */
    snprintf(cmd, sizeof cmd, "diff <(ncdump %s/out/series/frankfurt_tasmax.nc | grep -v "
             ":history) <(ncdump %s/out/series/frankfurt_tasmax.nc | grep -v :history) "
             ">/dev/null", d1, d2);
    char bash[4400];
    snprintf(bash, sizeof bash, "bash -c '%s'", cmd);
    cr_expect_eq(test_system(bash), 0, "series NetCDF differs between serial and MPI");
}

/* [ann] save_models writes every trained network where ncdump and dsc_io_nn_read see it. */
Test(incremental, saved_models_load_back, .timeout = 600)
{
    char dir[512], cmd[2048];
    make_pipeline(dir, sizeof dir, "save_models = yes\n");
    cr_assert_eq(run(dir, "--set pipeline.regions=vancouver"), 0);
    snprintf(cmd, sizeof cmd, "ncdump -h %s/out/models/vancouver_tasmax_CanESM2_cell0_member0.nc"
             " | grep -q 'input = 3'", dir);
    cr_expect_eq(test_system(cmd), 0, "model file missing or not readable by ncdump");
}
