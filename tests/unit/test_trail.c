/*
** test_trail.c -- the trail lowering leaves (trail.c, lower.c), filled by
** the run's central pass (run.c).
**
** One small project, two vintages (2025, 2026), fleet {car, bus}, every
** number checked by hand in the internal scale (t = 1000 kg):
**   S  = sum(i in fleet: U * D[i])       U = 2, D = {10, 20} t: 60 t,
**        terms 20 t and 40 t; lowering multiplies U once, after the loop,
**        but the trail lists it first, as written;
**   R  = sum(v in first .. y, w in v .. y - 1: K[w])   K = {3, 4} t:
**        in 2026 one term, K[2025] = 3 t, the inner range (2025 .. 2025,
**        then 2026 .. 2025) varies; in 2025 no term at all;
**   ST = ST[y - 1] + K, initial K[first]: the initial formula is an
**        instance of its own (3 t at 2024), ST[2025] = 6 t;
**   N  = 0 > 1 and U > 0: decided while lowering, so its right side was
**        never lowered and has no value, and U is not read.
*/
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "fixture.h"
#include "run.h"
#include "trail.h"

static const char meth[] =
    "methodology: tr\n"
    "title: The trail, by hand\n"
    "dimensions:\n"
    "  fleet: {description: vehicle classes}\n"
    "parameters:\n"
    "  U: {unit: 1}\n"
    "  D: {unit: t, over: [fleet]}\n"
    "  K: {unit: t, over: [vintage]}\n"
    "equations:\n"
    "  S: {unit: t, formula: \"sum(i in fleet: U * D[i])\"}\n"
    "  R: {unit: t, formula: \"sum(v in first .. y, w in v .. y - 1: "
    "K[w])\"}\n"
    "  ST: {unit: t, formula: \"ST[y - 1] + K\", initial: \"K[first]\"}\n"
    "  N: {unit: 1, formula: \"0 > 1 and U > 0\"}\n"
    "  LE: {unit: t, formula: \"0\"}\n"
    "  ER: {unit: t, formula: \"S - R - LE\"}\n"
    "results: {baseline: S, project: R, leakage: LE, reductions: ER}\n";

static const char project[] =
    "project: tr\n"
    "methodology: ./m.yaml\n"
    "crediting_period: {first: 2025, last: 2026}\n"
    "dimensions: {fleet: [car, bus]}\n"
    "parameters:\n"
    "  U: {value: 2, uncertainty: {dist: normal, sd: 0.1}}\n"
    "  D: {car: 10, bus: 20}\n"
    "  K: {2025: 3, 2026: 4}\n";

typedef struct fixture {
    char *dir;
    mrv_diag *diag;
    mrv_run *run;
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    if (!fx) return -1;
    fx->dir = fx_mkdtemp();
    free(fx_write(fx->dir, "m.yaml", meth));
    char *path = fx_write(fx->dir, "p.yaml", project);
    fx->diag = mrv_diag_new();
    mrv_options opt;
    memset(&opt, 0, sizeof opt);
    opt.search = fx_search();
    opt.central_only = true;
    opt.trail = true;
    mrv_status st = mrv_run_new(path, &opt, &fx->run, fx->diag);
    free(path);
    *state = fx;
    return st == MRV_OK ? 0 : -1;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    mrv_run_free(fx->run);
    mrv_diag_free(fx->diag);
    fx_rmtree(fx->dir);
    free(fx->dir);
    free(fx);
    return 0;
}

static const mrv_trail_inst *inst(const fixture *fx, const char *eq,
                                  bool initial, int year)
{
    int e = mrv_methodology_equation(fx->run->bound->meth, eq);
    assert_true(e >= 0);
    const mrv_trail_inst *in =
        mrv_trail_find(fx->run->trail, e, initial, year, 0);
    assert_non_null(in);
    assert_int_equal(in->eq, e);
    assert_int_equal(in->year, year);
    return in;
}

static int param(const fixture *fx, const char *name)
{
    int p = mrv_methodology_param(fx->run->bound->meth, name);
    assert_true(p >= 0);
    return p;
}

/* Every instance's value is the run's equation value, bit for bit. */
static void test_trail_values_are_the_runs(void **state)
{
    fixture *fx = *state;
    const mrv_run *run = fx->run;
    size_t n = 0;
    for (size_t e = 0; e < run->bound->meth->neqs; e++) {
        for (size_t v = 0; v < run->nvint; v++) {
            const mrv_trail_inst *in = mrv_trail_find(
                run->trail, (int)e, false, run->bound->first + (int)v, 0);
            assert_non_null(in);
            assert_memory_equal(
                &in->v.value,
                &run->eq_central[mrv_bound_eq_at(run->bound, e, v, 0)],
                sizeof(double));
            n++;
        }
    }
    assert_int_equal(n, 6 * 2);
    /* none for a year outside the period */
    assert_null(mrv_trail_find(run->trail, 0, false, 2027, 0));
}

static void test_trail_sum_terms_and_order(void **state)
{
    fixture *fx = *state;
    const mrv_trail_inst *in = inst(fx, "S", false, 2025);
    assert_close(in->v.value, 60000, 1e-15);
    assert_int_equal(in->nsums, 1);
    const mrv_trail_sum *s = &in->sums[0];
    assert_int_equal(s->nterms, 2);
    assert_int_equal(s->nlisted, 2);
    assert_close(s->v.value, 60000, 1e-15);
    assert_int_equal(s->iv[0], 0); /* car */
    assert_int_equal(s->iv[1], 1); /* bus */
    assert_close(s->term[0], 20000, 1e-15);
    assert_close(s->term[1], 40000, 1e-15);
    /* the root is a node outside sums; what is inside is not */
    double v;
    const mrv_equation *e = &fx->run->bound->meth->eqs[in->eq];
    assert_true(mrv_trail_value(in, e->ast, &v));
    assert_close(v, 60000, 1e-15);
    assert_false(mrv_trail_value(in, e->ast->args[0], &v));
    /* U as written first, then D member by member */
    assert_int_equal(in->nreads, 3);
    assert_int_equal(in->reads[0].kind, MRV_TRAIL_PARAM);
    assert_int_equal(in->reads[0].idx, param(fx, "U"));
    assert_int_equal(in->reads[0].year, MRV_NO_YEAR);
    assert_close(in->reads[0].v.value, 2, 1e-15);
    assert_int_equal(in->reads[1].idx, param(fx, "D"));
    assert_int_equal(in->reads[1].mem[0], 0);
    assert_close(in->reads[1].v.value, 10000, 1e-15);
    assert_int_equal(in->reads[2].mem[0], 1);
    assert_close(in->reads[2].v.value, 20000, 1e-15);
    assert_int_equal(in->reads[0].group, 1);
    assert_int_equal(in->reads[1].group, 2);
    assert_int_equal(in->reads[2].group, 2);
}

static void test_trail_ranges(void **state)
{
    fixture *fx = *state;
    const mrv_trail_inst *in = inst(fx, "R", false, 2026);
    assert_int_equal(in->nsums, 1);
    const mrv_trail_sum *s = &in->sums[0];
    assert_int_equal(s->nterms, 1);
    assert_close(s->v.value, 3000, 1e-15);
    assert_close(s->term[0], 3000, 1e-15);
    assert_int_equal(s->iv[0], 2025); /* v */
    assert_int_equal(s->iv[1], 2025); /* w */
    assert_int_equal(s->lo[0], 2025);
    assert_int_equal(s->hi[0], 2026);
    assert_false(s->varies[0]);
    /* w in 2025 .. 2025, then 2026 .. 2025 */
    assert_true(s->varies[1]);
    assert_int_equal(s->minlo[1], 2025);
    assert_int_equal(s->maxhi[1], 2025);
    assert_int_equal(in->nreads, 1);
    assert_int_equal(in->reads[0].idx, param(fx, "K"));
    assert_int_equal(in->reads[0].year, 2025);
    /* 2025: v = 2025, then w in 2025 .. 2024: nothing summed */
    in = inst(fx, "R", false, 2025);
    s = &in->sums[0];
    assert_int_equal(s->nterms, 0);
    assert_int_equal(s->nlisted, 0);
    assert_int_equal(s->lo[1], 2025);
    assert_int_equal(s->hi[1], 2024);
    assert_int_equal(in->nreads, 0);
    assert_close(in->v.value, 0, 0);
}

static void test_trail_initial_formula(void **state)
{
    fixture *fx = *state;
    const mrv_trail_inst *init = inst(fx, "ST", true, 2024);
    assert_true(init->initial);
    assert_close(init->v.value, 3000, 1e-15);
    assert_int_equal(init->nreads, 1);
    assert_int_equal(init->reads[0].idx, param(fx, "K"));
    assert_int_equal(init->reads[0].year, 2025);
    const mrv_trail_inst *in = inst(fx, "ST", false, 2025);
    assert_close(in->v.value, 6000, 1e-15);
    assert_int_equal(in->nreads, 2);
    assert_int_equal(in->reads[0].kind, MRV_TRAIL_INIT);
    assert_int_equal(in->reads[0].year, 2024);
    assert_close(in->reads[0].v.value, 3000, 1e-15);
    assert_int_equal(in->reads[1].kind, MRV_TRAIL_PARAM);
    in = inst(fx, "ST", false, 2026);
    assert_int_equal(in->reads[0].kind, MRV_TRAIL_EQ);
    assert_int_equal(in->reads[0].year, 2025);
    assert_close(in->reads[0].v.value, 6000, 1e-15);
}

/* An 'and' its left side decides while lowering: the right side is never
** lowered, so it has no value and reads nothing. */
static void test_trail_decided_and(void **state)
{
    fixture *fx = *state;
    const mrv_trail_inst *in = inst(fx, "N", false, 2025);
    const mrv_equation *e = &fx->run->bound->meth->eqs[in->eq];
    double v;
    assert_true(mrv_trail_value(in, e->ast->args[0], &v));
    assert_close(v, 0, 0);
    assert_false(mrv_trail_value(in, e->ast->args[1], &v));
    assert_int_equal(in->nreads, 0);
}

/* Without the option a run records nothing. */
static void test_trail_only_when_asked(void **state)
{
    fixture *fx = *state;
    char *path = fx_path(fx->dir, "p.yaml");
    mrv_options opt;
    memset(&opt, 0, sizeof opt);
    opt.search = fx_search();
    opt.central_only = true;
    mrv_run *run = NULL;
    assert_status(mrv_run_new(path, &opt, &run, fx->diag), MRV_OK);
    assert_null(run->trail);
    assert_non_null(run->eq_program);
    mrv_run_free(run);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_trail_values_are_the_runs, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_trail_sum_terms_and_order, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_trail_ranges, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trail_initial_formula, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_trail_decided_and, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_trail_only_when_asked, setup,
                                        teardown),
    };
    gsl_set_error_handler_off(); /* process-wide; never in the library */
    return cmocka_run_group_tests_name("trail", tests, NULL, NULL);
}
