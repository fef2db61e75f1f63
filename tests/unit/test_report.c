/*
** test_report.c -- the writers of vintages.csv and report.json and the
** atomic output set (report.c, docs/outputs.md).
**
** vintages.csv is compared with golden text twice: written from
** statistics set by hand (so the expected digits do not depend on the
** engine's arithmetic), and from a tiny run through the whole pipeline
** (number formatting itself is tested in test_output.c).  An output set
** that fails half-way must leave the old files as they were and no
** temporary behind.
*/
#include "testutil.h"

#include <dirent.h>
#include <float.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "report.h"
#include "run.h"

/* Everything 'write' puts on a stream, as a malloc'd string. */
static char *capture(bool (*write)(const mrv_run *, FILE *), const mrv_run *r)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    assert_non_null(f);
    assert_true(write(r, f));
    assert_int_equal(fclose(f), 0);
    return buf;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = calloc(1, 1 << 20);
    assert_non_null(buf);
    size_t n = fread(buf, 1, (1 << 20) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void set_stat(mrv_stat *s, double central)
{
    s->central = s->mean = s->median = s->lower = s->upper = central;
    s->sd = 0;
}

static void test_report_csv_golden(void **state)
{
    (void)state;
    /* Results declared per year: the total row drops the "/yr". */
    mrv_equation eqs[MRV_NRESULTS];
    memset(eqs, 0, sizeof eqs);
    eqs[0].unit_text = "tCO2e/yr";
    eqs[1].unit_text = "t";
    mrv_methodology m;
    memset(&m, 0, sizeof m);
    m.eqs = eqs;
    for (int r = 0; r < MRV_NRESULTS; r++) m.results[r] = r < 2 ? r : 0;
    double frac[2] = {92.0 / 183, 1};
    mrv_bound b;
    memset(&b, 0, sizeof b);
    b.first = 2025;
    b.meth = &m;
    b.frac = frac;
    mrv_stat stats[3 * MRV_NRESULTS];
    memset(stats, 0, sizeof stats);
    mrv_run run;
    memset(&run, 0, sizeof run);
    run.bound = &b;
    run.nvint = 2;
    run.stats = stats;
    static const double c[3][MRV_NRESULTS] = {
        {0.1, 1.0 / 3, -0.0, 1e-300},
        {-2.5e10, 5e-324, DBL_MAX, 123456789012345678.0},
        {0.75, -0.275, 0, -0.55},
    };
    for (size_t v = 0; v < 3; v++)
        for (int r = 0; r < MRV_NRESULTS; r++)
            set_stat(&stats[v * MRV_NRESULTS + r], c[v][r]);
    /* With draws the columns differ: the writer must not mix them up. */
    stats[0].mean = 1;
    stats[0].sd = 2;
    stats[0].lower = 3;
    stats[0].median = 4;
    stats[0].upper = 5;
    char *csv = capture(mrv_report_vintages_csv, &run);
    assert_string_equal(
        csv, "vintage,result,central,mean,sd,lower,median,upper,unit,frac\n"
             "2025,baseline,0.10000000000000001,1,2,3,4,5,tCO2e/yr,"
             "0.50273224043715847\n"
             "2025,project,0.33333333333333331,0.33333333333333331,0,"
             "0.33333333333333331,0.33333333333333331,0.33333333333333331,t,"
             "0.50273224043715847\n"
             "2025,leakage,0,0,0,0,0,0,tCO2e/yr,0.50273224043715847\n"
             "2025,reductions,1e-300,1e-300,0,1e-300,1e-300,1e-300,tCO2e/yr,"
             "0.50273224043715847\n"
             "2026,baseline,-25000000000,-25000000000,0,-25000000000,"
             "-25000000000,-25000000000,tCO2e/yr,1\n"
             "2026,project,4.9406564584124654e-324,4.9406564584124654e-324,0,"
             "4.9406564584124654e-324,4.9406564584124654e-324,"
             "4.9406564584124654e-324,t,1\n"
             "2026,leakage,1.7976931348623157e+308,1.7976931348623157e+308,0,"
             "1.7976931348623157e+308,1.7976931348623157e+308,"
             "1.7976931348623157e+308,tCO2e/yr,1\n"
             "2026,reductions,1.2345678901234568e+17,1.2345678901234568e+17,0,"
             "1.2345678901234568e+17,1.2345678901234568e+17,"
             "1.2345678901234568e+17,tCO2e/yr,1\n"
             "total,baseline,0.75,0.75,0,0.75,0.75,0.75,tCO2e,\n"
             "total,project,-0.27500000000000002,-0.27500000000000002,0,"
             "-0.27500000000000002,-0.27500000000000002,-0.27500000000000002,t,"
             "\n"
             "total,leakage,0,0,0,0,0,0,tCO2e,\n"
             "total,reductions,-0.55000000000000004,-0.55000000000000004,0,"
             "-0.55000000000000004,-0.55000000000000004,-0.55000000000000004,"
             "tCO2e,\n");
    free(csv);
}

/* ---- a tiny run through the pipeline ----------------------------------- */

static const char tiny_meth[] =
    "methodology: tiny\n"
    "parameters:\n"
    "  C: {unit: t}\n"
    "  OPT: {choice: [capped, programme], default: capped}\n"
    "rules:\n"
    "  limit: {text: \"at most 60 kt a year\", source: \"17/CP.7\", "
    "choice: OPT}\n"
    "  plain: {text: \"no choice to make\"}\n"
    "equations:\n"
    "  BE: {unit: t, formula: \"C * 0.25\"}\n"
    "  PE: {unit: t, formula: \"C / 8\"}\n"
    "  LE: {unit: t, formula: \"-C * 0\"}\n"
    "  ER: {unit: t, formula: \"BE - PE - LE\"}\n"
    "results: {baseline: BE, project: PE, leakage: LE, reductions: ER}\n";

static const char tiny_project[] =
    "project: tiny\n"
    "methodology: ./m.yaml\n"
    "crediting_period: {first: 2025, last: 2026}\n"
    "year_length: 365.25 d\n"
    "parameters:\n"
    "  C: {value: 3000 kg, assumption: a guess}\n"
    "  OPT: {value: programme, source: \"the PDD, section B.3\"}\n";

static const char tiny_golden[] =
    "vintage,result,central,mean,sd,lower,median,upper,unit,frac\n"
    "2025,baseline,0.75,0.75,0,0.75,0.75,0.75,t,1\n"
    "2025,project,0.375,0.375,0,0.375,0.375,0.375,t,1\n"
    "2025,leakage,0,0,0,0,0,0,t,1\n"
    "2025,reductions,0.375,0.375,0,0.375,0.375,0.375,t,1\n"
    "2026,baseline,0.75,0.75,0,0.75,0.75,0.75,t,1\n"
    "2026,project,0.375,0.375,0,0.375,0.375,0.375,t,1\n"
    "2026,leakage,0,0,0,0,0,0,t,1\n"
    "2026,reductions,0.375,0.375,0,0.375,0.375,0.375,t,1\n"
    "total,baseline,1.5,1.5,0,1.5,1.5,1.5,t,\n"
    "total,project,0.75,0.75,0,0.75,0.75,0.75,t,\n"
    "total,leakage,0,0,0,0,0,0,t,\n"
    "total,reductions,0.75,0.75,0,0.75,0.75,0.75,t,\n";

typedef struct fixture {
    char *dir;
    char *project;
    mrv_run *run;
    mrv_diag *diag;
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    if (!fx) return -1;
    fx->dir = fx_mkdtemp();
    free(fx_write(fx->dir, "m.yaml", tiny_meth));
    fx->project = fx_write(fx->dir, "p.yaml", tiny_project);
    fx->diag = mrv_diag_new();
    mrv_options opt;
    memset(&opt, 0, sizeof opt);
    opt.search = fx_search();
    if (mrv_run_new(fx->project, &opt, &fx->run, fx->diag) != MRV_OK) return -1;
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    mrv_run_free(fx->run);
    mrv_diag_free(fx->diag);
    char *out = fx_path(fx->dir, "out");
    fx_rmtree(out);
    free(out);
    fx_rmtree(fx->dir);
    free(fx->dir);
    free(fx->project);
    free(fx);
    return 0;
}

static void test_report_tiny_run(void **state)
{
    fixture *fx = *state;
    /* LE is -C * 0, a negative zero: printed as 0. */
    assert_true(signbit(fx->run->stats[MRV_RES_LEAKAGE].central));
    char *csv = capture(mrv_report_vintages_csv, fx->run);
    assert_string_equal(csv, tiny_golden);
    free(csv);

    char *json = capture(mrv_report_json, fx->run);
    assert_null(strstr(json, "nan"));
    assert_null(strstr(json, "inf"));
    assert_non_null(strstr(json, "\"methodology\": {\"id\": \"tiny\""));
    assert_non_null(strstr(json, "\"crediting_period\": {\"first\": 2025, "
                                 "\"last\": 2026}"));
    assert_non_null(strstr(json, "\"total\": {\"baseline\": {\"central\": "
                                 "1.5, \"mean\": 1.5, \"sd\": 0"));
    /* the year stated, and every input as written and as used */
    assert_non_null(strstr(json, "\"year_length\": {\"days\": 365.25, "
                                 "\"hours\": 8766, \"given\": \"365.25 d\"}"));
    assert_non_null(strstr(json,
                           "{\"name\": \"C\", \"unit\": \"t\", "
                           "\"from\": \"project\", \"status\": "
                           "\"assumption\", \"assumption\": \"a guess\", "
                           "\"source\": \"\", \"uncertainty\": \"\", "
                           "\"values\": [\n"
                           "       {\"at\": [], \"written\": \"3000 kg\", "
                           "\"used\": 3, \"line\": 6, \"column\": 14}]}"));
    /* provenance: both files with their SHA-256 */
    assert_non_null(strstr(json, "\"role\": \"project\""));
    assert_non_null(strstr(json, "\"role\": \"methodology\""));
    assert_non_null(strstr(json, fx->run->bound->files[0].doc->sha256_hex));
    assert_non_null(strstr(json, fx->run->bound->files[1].doc->sha256_hex));
    /* The rules with the project's answer; every input's status. */
    assert_non_null(strstr(json, "\"rules\": [\n    {\"name\": \"limit\", "
                                 "\"text\": \"at most 60 kt a year\", "
                                 "\"source\": \"17/CP.7\", \"choice\": "
                                 "\"OPT\", \"answer\": \"programme\"},\n"
                                 "    {\"name\": \"plain\", \"text\": \"no "
                                 "choice to make\", \"source\": \"\", "
                                 "\"choice\": \"\", \"answer\": \"\"}\n  ]"));
    assert_non_null(strstr(json, "\"status\": \"sourced\", \"assumption\": "
                                 "\"\", \"source\": \"the PDD, section "
                                 "B.3\""));
    /* Identical runs give identical reports. */
    char *again = capture(mrv_report_json, fx->run);
    assert_string_equal(json, again);
    free(again);
    free(json);

    char *table = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&table, &n);
    mrv_report_table(fx->run, f);
    fclose(f);
    assert_non_null(strstr(table, "central case (no Monte Carlo); t\n"
                                  "rules of the methodology:\n"
                                  "  limit: at most 60 kt a year\n"
                                  "    this project: OPT = programme (the "
                                  "PDD, section B.3)\n"
                                  "  plain: no choice to make\n"
                                  "inputs: 1 sourced, 1 assumption\n"
                                  "  assumption  C    a guess\n"
                                  "  sourced     OPT  the PDD, section B.3\n"
                                  "\n"));
    assert_non_null(strstr(table, "   total "));
    free(table);
}

/* Nothing but 'want' (NULL-terminated) in folder 'dir'. */
static void holds_only(const char *dir, const char *const *want)
{
    DIR *dp = opendir(dir);
    assert_non_null(dp);
    struct dirent *de;
    size_t n = 0, nwant = 0;
    while (want[nwant]) nwant++;
    while ((de = readdir(dp))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        bool ok = false;
        for (size_t i = 0; i < nwant; i++)
            ok |= strcmp(de->d_name, want[i]) == 0;
        if (!ok) fail_msg("'%s' in %s", de->d_name, dir);
        n++;
    }
    closedir(dp);
    assert_int_equal(n, nwant);
}

static const char *const report_set[] = {"vintages.csv", "sensitivity.csv",
                                         "report.json",  "report.html",
                                         "report.xlsx",  NULL};

/* Links planted where mrv once put its temporaries (.NAME.tmp.PID, the
** PID being ours here) and in place of a file of the set point outside
** the folder: writing the set must follow none of them. */
/* report.xlsx on a full disk (/dev/full takes every open and fails every
** write with ENOSPC): the error says why, not only libxlsxwriter's
** "ZIP_ERRNO". */
static void test_report_xlsx_full_disk(void **state)
{
    fixture *fx = *state;
    mrv_diag *d = mrv_diag_new();
    assert_int_equal(mrv_report_xlsx(fx->run, "/dev/full", d), MRV_EIO);
    fx_expect_error(d, 0, 0,
                    "cannot write report.xlsx: No space left on device (");
    mrv_diag_free(d);
}

static void test_report_write_follows_no_link(void **state)
{
    fixture *fx = *state;
    char *out = fx_path(fx->dir, "out");
    assert_int_equal(mkdir(out, 0777), 0);
    char *victim = fx_write(fx->dir, "victim", "keep me\n");
    char name[256];
    for (size_t i = 0; report_set[i]; i++) {
        snprintf(name, sizeof name, "%s/.%s.tmp.%ld", out, report_set[i],
                 (long)getpid());
        assert_int_equal(symlink(victim, name), 0);
    }
    char *json = fx_path(out, "report.json");
    assert_int_equal(symlink(victim, json), 0);

    mrv_diag_reset(fx->diag);
    assert_status(mrv_report_write(fx->run, out, fx->diag), MRV_OK);
    char *s = slurp(victim);
    assert_string_equal(s, "keep me\n");
    free(s);
    struct stat st;
    assert_int_equal(lstat(json, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    /* The old temporaries went with the previous set. */
    holds_only(out, report_set);
    holds_only(fx->dir, (const char *const[]){"m.yaml", "p.yaml", "victim",
                                              "out", NULL});
    free(json);
    free(victim);
    free(out);
}

static void test_report_write_replaces_the_set(void **state)
{
    fixture *fx = *state;
    char *out = fx_path(fx->dir, "out");
    mkdir(out, 0777);
    char *old_csv = fx_write(out, "vintages.csv", "old results\n");
    free(fx_write(out, "report.json", "{}\n"));
    /* A ledger from an earlier run with an allocation: this run has none,
    ** so the new set has no ledger.csv. */
    free(fx_write(out, "ledger.csv", "vintage,estimate,issued\n"));
    mrv_diag_reset(fx->diag);
    assert_status(mrv_report_check_dir(out, fx->diag), MRV_OK);
    assert_status(mrv_report_write(fx->run, out, fx->diag), MRV_OK);
    char *s = slurp(old_csv);
    assert_string_equal(s, tiny_golden);
    free(s);
    holds_only(out, report_set);
    holds_only(fx->dir, (const char *const[]){"m.yaml", "p.yaml", "out", NULL});

    /* Folders are created with their parents.  'out' then holds a folder
    ** mrv did not write, so it is no longer an output folder itself. */
    char *deep = fx_path(out, "a/b/c");
    char *a = fx_path(out, "a");
    mrv_diag_reset(fx->diag);
    assert_status(mrv_report_write(fx->run, deep, fx->diag), MRV_OK);
    holds_only(deep, report_set);
    assert_status(mrv_report_check_dir(out, fx->diag), MRV_EREF);
    fx_rmtree(a);
    free(a);
    free(deep);
    free(old_csv);
    free(out);
}

/* --out that cannot take the set is the user's input error, found
** before any work and leaving everything as it was. */
static void test_report_check_dir(void **state)
{
    fixture *fx = *state;
    char *out = fx_path(fx->dir, "out");
    mkdir(out, 0777);
    char *file = fx_write(out, "vintages.csv", "old\n");
    char *notes = fx_write(out, "notes.txt", "mine\n");
    char *link = fx_path(fx->dir, "link");
    assert_int_equal(symlink(out, link), 0);
    char *below_file = fx_path(file, "x");
    char *dot = fx_path(out, ".");
    static const struct {
        int which;
        const char *msg;
    } cases[] = {
        {0, "the output folder is a file, not a folder"},
        {1, "the output folder holds 'notes.txt', which mrv did not write"},
        {2, "the output folder is a symbolic link"},
        {3, "cannot use the output folder: Not a directory"},
        {4, "must be named by its own name"},
    };
    const char *dirs[] = {file, out, link, below_file, dot};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        mrv_diag_reset(fx->diag);
        assert_status(mrv_report_check_dir(dirs[cases[i].which], fx->diag),
                      MRV_EREF);
        if (!strstr(fx_first_msg(fx->diag), cases[i].msg))
            fail_msg("case %zu: '%s'", i, fx_first_msg(fx->diag));
        mrv_diag_reset(fx->diag);
        assert_status(mrv_report_write(fx->run, dirs[cases[i].which], fx->diag),
                      MRV_EREF);
    }
    char *s = slurp(file);
    assert_string_equal(s, "old\n");
    free(s);
    holds_only(out, (const char *const[]){"vintages.csv", "notes.txt", NULL});
    free(dot);
    free(below_file);
    free(link);
    free(notes);
    free(file);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_csv_golden),
        cmocka_unit_test_setup_teardown(test_report_tiny_run, setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_xlsx_full_disk, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_report_write_follows_no_link,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_write_replaces_the_set,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_report_check_dir, setup, teardown),
    };
    return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
