/*
** test_mcblock.c -- one project's draws a block at a time (mcblock.h).
**
** With the program's own stream ids and the run's seed, every block is
** bit for bit the draws 'mrv run' keeps (random method; blocks in any
** order, a partial last block, one workspace serving two projects).
** Other stream ids give other draws, and the same stream id gives the
** same draws in another project that reads the same input.  A
** non-finite equation is reported at its formula with the count of
** failing draws over every block.
*/
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "fixture.h"
#include "mc.h"
#include "mcblock.h"
#include "run.h"

static const char *meth =
    "methodology: mbtest\n"
    "parameters:\n"
    "  A: {unit: t}\n"
    "  B: {unit: 1, over: [vintage]}\n"
    "  R: {unit: t, default: 1}\n"
    "  Z: {unit: t}\n"
    "equations:\n"
    "  BE: {unit: tCO2e, formula: \"A * B[y]\"}\n"
    "  PE: {unit: tCO2e, formula: \"Z * sqrt(Z / R)\"}\n"
    "  LE: {unit: tCO2e, formula: \"0\"}\n"
    "  ER: {unit: tCO2e, formula: \"BE - PE - LE\"}\n"
    "results: {baseline: BE, project: PE, leakage: LE, reductions: ER}\n";

static char *write_project(const char *dir, const char *name, const char *z)
{
    char text[2048];
    snprintf(text, sizeof text,
             "project: %s\n"
             "methodology: ./m.yaml\n"
             "crediting_period: {first: 2025, last: 2031}\n"
             "parameters:\n"
             "  A: {value: 100, uncertainty: {dist: triangular, min: 80, "
             "max: 130}}\n"
             "  B: {value: {2025: 1, 2026: 2, 2027: 3, 2028: 4, 2029: 5, "
             "2030: 6, 2031: 7}, uncertainty: {dist: normal, sd: 0.1, "
             "relative: true}, vary: vintage}\n"
             "  Z: %s\n"
             "monte_carlo: {draws: 1300, seed: 77}\n",
             name, z);
    char file[64];
    snprintf(file, sizeof file, "%s.yaml", name);
    return fx_write(dir, file, text);
}

static mrv_run *run_it(const char *path)
{
    mrv_options o;
    memset(&o, 0, sizeof o);
    o.search = fx_search();
    o.threads = 2;
    o.keep_draws = true;
    mrv_diag *d = mrv_diag_new();
    mrv_run *run = NULL;
    if (mrv_run_new(path, &o, &run, d) != MRV_OK)
        fail_msg("run failed: %s", fx_first_msg(d));
    mrv_diag_free(d);
    return run;
}

static uint64_t *own_streams(const mrv_run *run)
{
    const mrv_program *p = run->program;
    uint64_t *s = calloc(p->ninputs + 1, sizeof *s);
    assert_non_null(s);
    for (size_t k = 0; k < p->ninputs; k++) s[k] = p->inputs[k].stream;
    return s;
}

static mrv_mcblock *setup(const mrv_run *run, const uint64_t *streams)
{
    mrv_diag *d = mrv_diag_new();
    mrv_mcblock *b = NULL;
    assert_int_equal(
        mrv_mcblock_new(run, run->seed, run->draws, streams, &b, d), MRV_OK);
    mrv_diag_free(d);
    return b;
}

/* Every block, last first, equals the run's own reductions draws. */
static void test_mcblock_reproduces_run(void **state)
{
    (void)state;
    char *dir = fx_mkdtemp();
    free(fx_write(dir, "m.yaml", meth));
    char *path = write_project(dir, "p1", "{value: 9, uncertainty: 10%}");
    mrv_run *run = run_it(path);
    uint64_t *st = own_streams(run);
    mrv_mcblock *b = setup(run, st);
    assert_int_equal(mrv_mcblock_count(b), 3); /* 512 + 512 + 276 */
    mrv_mcblock_ws *w =
        mrv_mcblock_ws_new(mrv_mcblock_nslots(b), mrv_mcblock_nchecks(b));
    assert_non_null(w);
    double red[7 * MRV_MC_BLOCK];
    for (uint64_t blk = 3; blk-- > 0;) {
        size_t n;
        assert_true(mrv_mcblock_eval(b, w, blk, red, &n));
        assert_int_equal(n, blk == 2 ? 276 : 512);
        for (size_t v = 0; v < 7; v++) {
            const double *col =
                run->all_draws +
                (v * MRV_NRESULTS + MRV_RES_REDUCTIONS) * run->draws +
                blk * MRV_MC_BLOCK;
            assert_memory_equal(red + v * MRV_MC_BLOCK, col,
                                n * sizeof(double));
        }
    }
    mrv_mcblock_ws_free(w);
    mrv_mcblock_free(b);
    free(st);
    mrv_run_free(run);
    free(path);
    fx_rmtree(dir);
    free(dir);
}

/* Two projects of one methodology: a parameter's stream id is built
** from its name and the years on the way to its value, so two projects
** that write the same parameters have the same ids and, with the same
** seed, the same draws (which is why the portfolio keys project-specific
** inputs by project).  Other ids give other draws. */
static void test_mcblock_stream_ids_decide(void **state)
{
    (void)state;
    char *dir = fx_mkdtemp();
    free(fx_write(dir, "m.yaml", meth));
    char *p1 = write_project(dir, "p1", "4");
    char *p2 = write_project(dir, "p2", "4");
    mrv_run *r1 = run_it(p1), *r2 = run_it(p2);
    uint64_t *s1 = own_streams(r1), *s2 = own_streams(r2);
    mrv_mcblock *b1 = setup(r1, s1), *b2 = setup(r2, s2);
    size_t nsl = mrv_mcblock_nslots(b1);
    if (mrv_mcblock_nslots(b2) > nsl) nsl = mrv_mcblock_nslots(b2);
    mrv_mcblock_ws *w = mrv_mcblock_ws_new(nsl, 64);
    assert_non_null(w);
    double x1[7 * MRV_MC_BLOCK], x2[7 * MRV_MC_BLOCK];
    size_t n;
    /* The same ids: the same draws, one workspace serving both. */
    assert_true(mrv_mcblock_eval(b1, w, 1, x1, &n));
    assert_true(mrv_mcblock_eval(b2, w, 1, x2, &n));
    assert_memory_equal(x1, x2, sizeof x1);
    /* Another id for every input of the second: other draws. */
    mrv_mcblock_free(b2);
    for (size_t k = 0; k < r2->program->ninputs; k++) s2[k] ^= 0x5a5a;
    b2 = setup(r2, s2);
    assert_true(mrv_mcblock_eval(b2, w, 1, x2, &n));
    assert_true(memcmp(x1, x2, n * sizeof(double)) != 0);
    mrv_mcblock_ws_free(w);
    mrv_mcblock_free(b1);
    mrv_mcblock_free(b2);
    free(s1);
    free(s2);
    mrv_run_free(r1);
    mrv_run_free(r2);
    free(p1);
    free(p2);
    fx_rmtree(dir);
    free(dir);
}

/* sqrt of a normal around 1 with sd 2 is NaN in about 31 % of draws:
** reported at sqrt, with the count over all 1300 draws. */
static void test_mcblock_reports_nonfinite(void **state)
{
    (void)state;
    char *dir = fx_mkdtemp();
    free(fx_write(dir, "m.yaml", meth));
    char *path = write_project(
        dir, "p1", "{value: 1, uncertainty: {dist: normal, sd: 2}}");
    mrv_options o;
    memset(&o, 0, sizeof o);
    o.search = fx_search();
    o.central_only = true;
    mrv_diag *d = mrv_diag_new();
    mrv_run *run = NULL;
    assert_int_equal(mrv_run_new(path, &o, &run, d), MRV_OK);
    run->draws = 1300;
    run->seed = 77;
    uint64_t *st = own_streams(run);
    mrv_mcblock *b = setup(run, st);
    mrv_mcblock_ws *w =
        mrv_mcblock_ws_new(mrv_mcblock_nslots(b), mrv_mcblock_nchecks(b));
    double red[7 * MRV_MC_BLOCK];
    size_t n;
    assert_false(mrv_mcblock_eval(b, w, 0, red, &n));
    assert_int_equal(mrv_mcblock_report(b, w, d), MRV_EDOMAIN);
    fx_expect_error(d, 0, 0, "is not finite in vintage 2025 in ");
    fx_expect_error(d, 0, 0, "of 1300 draws");
    mrv_mcblock_ws_free(w);
    mrv_mcblock_free(b);
    free(st);
    mrv_run_free(run);
    mrv_diag_free(d);
    free(path);
    fx_rmtree(dir);
    free(dir);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mcblock_reproduces_run),
        cmocka_unit_test(test_mcblock_stream_ids_decide),
        cmocka_unit_test(test_mcblock_reports_nonfinite),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
