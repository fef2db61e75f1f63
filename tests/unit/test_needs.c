/*
** test_needs.c -- what the options a project's choices take need of it
** (needs.c), through the whole binding: a needed parameter the project
** gives (in YAML, as a factor reference, from a data file) passes; one
** left to the methodology's default is an error at the choice's value,
** or at the project's parameters when the choice itself is the default;
** one given although only options not taken need it is a warning.
*/
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "resolve.h"

static const char meth[] =
    "methodology: n\n"
    "dimensions:\n"
    "  site: {}\n"
    "parameters:\n"
    "  EF_BASIS: {choice: [margin, published],\n"
    "             needs: {margin: [EF_OM, EF_BM], published: [EF_PUB]}}\n"
    "  EF_OM: {unit: t/MWh, over: [vintage], default: 0}\n"
    "  EF_BM: {unit: t/MWh, default: 0}\n"
    "  EF_PUB: {unit: t/MWh, default: 0}\n"
    "  LK: {choice: [none, measured], default: measured,\n"
    "       needs: {measured: [LK_M, LK_S]}}\n"
    "  LK_M: {unit: t, default: 0}\n"
    "  LK_S: {unit: 1, default: 0.5}\n"
    "  MODE: {choice: [computed, fixed], over: [site], needs: {fixed: [R]}}\n"
    "  R: {unit: t, over: [site], default: 0}\n"
    "equations:\n"
    "  E: {unit: t, formula: \"0\"}\n"
    "results: {baseline: E, project: E, leakage: E, reductions: E}\n";

typedef struct fixture {
    FX_BASE;
    char *dir;
    mrv_bound *b;
} fixture;

static int setup(void **state)
{
    if (fx_base_new(state, sizeof(fixture)) != 0) return -1;
    fixture *fx = *state;
    fx->dir = fx_mkdtemp();
    free(fx_write(fx->dir, "m.yaml", meth));
    free(fx_write(fx->dir, "t.yaml",
                  "table: tbl\nsource: test table\n"
                  "entries:\n  bm: {value: 0.9, unit: t/MWh}\n"));
    free(fx_write(fx->dir, "d.csv", "year,ef\n2025,1.1\n2026,1.2\n"));
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    mrv_bound_free(fx->b);
    fx_rmtree(fx->dir);
    free(fx->dir);
    return fx_base_teardown(state);
}

/* Binds a project whose parameters, from line 7 on, are 'params'. */
static mrv_status bind(fixture *fx, const char *params)
{
    char text[4096];
    snprintf(text, sizeof text,
             "project: p\n"                                  /* 1 */
             "methodology: ./m.yaml\n"                       /* 2 */
             "crediting_period: {first: 2025, last: 2026}\n" /* 3 */
             "factors: [./t.yaml]\n"                         /* 4 */
             "dimensions: {site: [a, b]}\n"                  /* 5 */
             "parameters:\n"                                 /* 6 */
             "%s",
             params);
    char *p = fx_write(fx->dir, "p.yaml", text);
    mrv_bound_free(fx->b);
    fx->b = NULL;
    mrv_diag_reset(fx->diag);
    mrv_search s = fx_search();
    mrv_status st = mrv_resolve(p, &s, &fx->b, fx->diag);
    free(p);
    return st;
}

/* Fails unless entry i of the sink has severity 'sev', position
** line:col and message 'msg'. */
static void expect(const fixture *fx, size_t i, mrv_severity sev, unsigned line,
                   unsigned col, const char *msg)
{
    assert_true(i < mrv_diag_count(fx->diag));
    const mrv_diag_entry *e = mrv_diag_get(fx->diag, i);
    assert_int_equal(e->sev, sev);
    assert_string_equal(e->msg, msg);
    assert_int_equal(e->pos.line, line);
    assert_int_equal(e->pos.col, col);
}

/* Each needed parameter given by the project itself: as a number, a
** series from a data file, a factor reference; nothing to say. */
static void test_needs_given(void **state)
{
    fixture *fx = *state;
    assert_status(bind(fx, "  EF_BASIS: margin\n"
                           "  EF_OM: {csv: d.csv, value: ef, unit: t/MWh, "
                           "year: year}\n"
                           "  EF_BM: tbl/bm\n"
                           "  LK: none\n"
                           "  MODE: computed\n"),
                  MRV_OK);
    assert_int_equal(mrv_diag_count(fx->diag), 0);
    assert_status(bind(fx, "  EF_BASIS: {value: published, source: s}\n"
                           "  EF_PUB: 0.8\n"
                           "  LK_M: 3\n"
                           "  LK_S: 0.5\n" /* the default's value, given */
                           "  MODE: {a: fixed, b: computed}\n"
                           "  R: {a: 1, b: 0}\n"),
                  MRV_OK);
    assert_int_equal(mrv_diag_count(fx->diag), 0);
}

/* Every option taken without what it needs, in one pass: at the choice's
** value (the first member taking it), or at the project's parameters
** for a choice left to its default. */
static void test_needs_missing(void **state)
{
    fixture *fx = *state;
    assert_status(bind(fx, "  EF_BASIS: margin\n"
                           "  EF_BM: 0.9\n"
                           "  MODE: {a: computed, b: fixed}\n"),
                  MRV_EREF);
    assert_int_equal(mrv_diag_count(fx->diag), 3);
    assert_null(fx->b);
    expect(fx, 0, MRV_SEV_ERROR, 7, 13,
           "EF_BASIS is 'margin', which needs EF_OM: give it in the project "
           "(the methodology's default, 0, would be used)");
    expect(fx, 1, MRV_SEV_ERROR, 7, 3,
           "LK is 'measured' (the methodology's default), which needs LK_M "
           "and LK_S: give them in the project (the methodology's defaults "
           "would be used: LK_M 0 and LK_S 0.5)");
    expect(fx, 2, MRV_SEV_ERROR, 9, 26,
           "MODE is 'fixed' here, which needs R: give it in the project (the "
           "methodology's default, 0, would be used)");
}

/* Errors elsewhere in the values do not hide these, nor these them. */
static void test_needs_with_other_errors(void **state)
{
    fixture *fx = *state;
    assert_status(bind(fx, "  EF_BASIS: published\n"
                           "  EF_BM: 0.9 kg\n"
                           "  LK: none\n"
                           "  MODE: computed\n"),
                  MRV_ESCHEMA);
    assert_int_equal(mrv_diag_error_count(fx->diag), 2);
    assert_true(fx_has_error(fx->diag, 8, 10, "EF_BM"));
    assert_true(fx_has_error(fx->diag, 7, 13,
                             "EF_BASIS is 'published', which needs EF_PUB"));
}

/* A parameter only options not taken need: read by nothing the choice
** selects, so a warning at its key; the run goes on. */
static void test_needs_unread_warns(void **state)
{
    fixture *fx = *state;
    assert_status(bind(fx, "  EF_BASIS: published\n"
                           "  EF_PUB: 0.8\n"
                           "  EF_OM: 1.1\n"
                           "  LK: none\n"
                           "  MODE: {a: computed, b: computed}\n"
                           "  R: 2\n"),
                  MRV_OK);
    assert_int_equal(mrv_diag_count(fx->diag), 2);
    assert_int_equal(mrv_diag_error_count(fx->diag), 0);
    expect(fx, 0, MRV_SEV_WARNING, 9, 3,
           "EF_OM is given, but EF_BASIS is 'published', which does not need "
           "it ('margin' does)");
    expect(fx, 1, MRV_SEV_WARNING, 12, 3,
           "R is given, but MODE is 'computed', which does not need it "
           "('fixed' does)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_needs_given, setup, teardown),
        cmocka_unit_test_setup_teardown(test_needs_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_needs_with_other_errors, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_needs_unread_warns, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
