/*
** test_sens.c -- which inputs drive which results (sens.h; the
** mrv_sensitivity of result.h and sensitivity.csv).
**
** An analytic case: Y = 3 X1 + 2 X2 with independent X1 ~ N(10, 1) and
** X2 ~ N(20, 2).  Var Y = 9 + 16 = 25, so the first-order shares are
** 9/25 = 0.36 and 16/25 = 0.64; Y is normal with Pearson correlations
** rho = 3/5 and 4/5 with X1 and X2, and for a bivariate normal Spearman's
** rho is (6/pi) asin(rho/2): 0.58193 and 0.78594.
**
** Tolerances, for the N = 65,536 draws the estimates use here:
**   - Spearman: sd about (1 - rho_s^2) sqrt(1.06 / (N - 3)) (Fieller,
**     Hartley and Pearson, 1957): 0.0027 and 0.0015; five sds, 0.014;
**   - variance share: for Y linear in a normal X the share estimates
**     rho^2, with sd about 2 rho (1 - rho^2) / sqrt(N): 0.0030 and
**     0.0023; the 256 bins of equal count lose the variation of E[Y|X]
**     inside each, about 0.001 of the share (mostly in the two tail bins:
**     Var(X | X > 2.66) = 0.122, times 2/256); five sds plus that, 0.017.
** A wrong estimator (Pearson for Spearman, an uncorrected correlation
** ratio, shares of the sd instead of the variance) misses these by far
** more.
**
** Also: the same sensitivity.csv on 1 and 3 threads; rows only for inputs
** the program lets reach a result; inputs named by parameter, year and
** member (never by the free text of a value's 'source').
*/
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "fixture.h"
#include "report.h"
#include "run.h"

static const char *meth =
    "methodology: senstest\n"
    "dimensions:\n"
    "  fleet: {description: classes}\n"
    "parameters:\n"
    "  X1: {unit: t}\n"
    "  X2: {unit: t}\n"
    "  G: {unit: t, over: [vintage, fleet], default: {a: 0, b: 0}}\n"
    "  Z: {unit: t, default: 0}\n"
    "equations:\n"
    "  BE: {unit: tCO2e, formula: \"3 * X1 + 2 * X2 + sum(i in fleet: "
    "G[i])\"}\n"
    "  PE: {unit: tCO2e, formula: \"Z\"}\n"
    "  LE: {unit: tCO2e, formula: \"0\"}\n"
    "  ER: {unit: tCO2e, formula: \"BE - PE - LE\"}\n"
    "results: {baseline: BE, project: PE, leakage: LE, reductions: ER}\n";

static mrv_run *run_project(const char *dir, const char *params,
                            const char *period, const char *mc,
                            unsigned threads)
{
    char text[2048];
    snprintf(text, sizeof text,
             "project: p\n"
             "methodology: ./m.yaml\n"
             "crediting_period: %s\n"
             "dimensions:\n"
             "  fleet: [a, b]\n"
             "parameters:\n"
             "%s"
             "monte_carlo: %s\n",
             period, params, mc);
    free(fx_write(dir, "m.yaml", meth));
    char *path = fx_write(dir, "p.yaml", text);
    mrv_options o;
    memset(&o, 0, sizeof o);
    o.search = fx_search();
    o.threads = threads;
    mrv_diag *d = mrv_diag_new();
    mrv_run *run = NULL;
    if (mrv_run_new(path, &o, &run, d) != MRV_OK)
        fail_msg("run failed: %s", fx_first_msg(d));
    mrv_diag_free(d);
    free(path);
    return run;
}

/* The row of 'input' in column c, or NULL. */
static const mrv_sens_row *row(const mrv_sensitivity *s, size_t c,
                               const char *input)
{
    for (size_t j = 0; j < s->count[c]; j++) {
        const mrv_sens_row *r = &s->rows[s->first[c] + j];
        if (strcmp(s->inputs[r->input], input) == 0) return r;
    }
    return NULL;
}

static void test_sens_linear_normals(void **state)
{
    (void)state;
    char *dir = fx_mkdtemp();
    /* One vintage; 2^21 draws, so the estimates use their cap of 65,536
    ** (n / 32). */
    mrv_run *run = run_project(
        dir,
        "  X1: {value: 10, uncertainty: {dist: normal, sd: 1}}\n"
        "  X2: {value: 20, uncertainty: {dist: normal, sd: 2}}\n",
        "{first: 2025, last: 2025}", "{draws: 2097152, seed: 7}", 0);
    const mrv_sensitivity *s = run->sens;
    assert_non_null(s);
    assert_int_equal(s->draws, 65536);
    assert_int_equal(s->bins, 256);
    double rs1 = 6 / 3.14159265358979323846 * asin(0.3);
    double rs2 = 6 / 3.14159265358979323846 * asin(0.4);
    size_t cols[] = {MRV_RES_BASELINE, MRV_RES_REDUCTIONS,
                     MRV_NRESULTS + MRV_RES_BASELINE,
                     MRV_NRESULTS + MRV_RES_REDUCTIONS};
    for (size_t i = 0; i < 4; i++) {
        size_t c = cols[i];
        assert_int_equal(s->count[c], 2);
        const mrv_sens_row *a = row(s, c, "X1"), *b = row(s, c, "X2");
        assert_non_null(a);
        assert_non_null(b);
        assert_true(fabs(a->variance_share - 0.36) < 0.017);
        assert_true(fabs(b->variance_share - 0.64) < 0.017);
        assert_true(fabs(a->rank_correlation - rs1) < 0.014);
        assert_true(fabs(b->rank_correlation - rs2) < 0.014);
        /* The larger share first. */
        assert_ptr_equal(&s->rows[s->first[c]], b);
    }
    /* Project emissions and leakage are the same in every draw: no
    ** rows. */
    assert_int_equal(s->count[MRV_RES_PROJECT], 0);
    assert_int_equal(s->count[MRV_RES_LEAKAGE], 0);
    mrv_run_free(run);
    fx_rmtree(dir);
    free(dir);
}

static char *sens_csv(const mrv_run *run)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_true(mrv_report_sensitivity_csv(run, f));
    fclose(f);
    return buf;
}

/* Inputs that vary by vintage and member, named as users know them;
** rows only where the program lets an input reach a result; the same
** file on 1 and 3 threads. */
static void test_sens_names_reach_threads(void **state)
{
    (void)state;
    char *dir = fx_mkdtemp();
    const char *params =
        "  X1: {value: 10, uncertainty: {dist: triangular, min: 8, max: 13}}\n"
        "  X2: 20\n"
        "  G:\n"
        "    value: {a: {2025: 5, 2026: 6}, b: {2025: 7, 2026: 8}}\n"
        "    uncertainty: {dist: normal, sd: 0.2, relative: true, vary: "
        "[vintage, member]}\n"
        "  Z: {value: 3, uncertainty: {dist: uniform, min: 2, max: 4}, "
        "source: \"a figure cited, not a name\"}\n";
    mrv_run *r1 = run_project(dir, params, "{first: 2025, last: 2026}",
                              "{draws: 40000, seed: 3}", 1);
    mrv_run *r3 = run_project(dir, params, "{first: 2025, last: 2026}",
                              "{draws: 40000, seed: 3}", 3);
    char *c1 = sens_csv(r1), *c3 = sens_csv(r3);
    assert_string_equal(c1, c3);
    const mrv_sensitivity *s = r1->sens;
    /* 40,000 / 32 = 1,250 draws, in whole blocks 1,024. */
    assert_int_equal(s->draws, 1024);
    const size_t R = MRV_NRESULTS;
    /* Baseline 2025: X1 and the two G of 2025; never Z or a G of 2026. */
    assert_int_equal(s->count[0 * R + MRV_RES_BASELINE], 3);
    assert_non_null(row(s, MRV_RES_BASELINE, "X1"));
    assert_non_null(row(s, MRV_RES_BASELINE, "G[2025, a]"));
    assert_non_null(row(s, MRV_RES_BASELINE, "G[2025, b]"));
    assert_null(row(s, MRV_RES_BASELINE, "G[2026, a]"));
    assert_null(row(s, MRV_RES_BASELINE, "Z"));
    /* Project emissions: Z alone, wholly (share near 1, rho 1). */
    const mrv_sens_row *z = row(s, R + MRV_RES_PROJECT, "Z");
    assert_int_equal(s->count[R + MRV_RES_PROJECT], 1);
    assert_non_null(z);
    assert_true(z->rank_correlation == 1);
    assert_true(z->variance_share > 0.98);
    /* Reductions over the period: X1, four G and Z. */
    assert_int_equal(s->count[2 * R + MRV_RES_REDUCTIONS], 6);
    assert_true(row(s, 2 * R + MRV_RES_REDUCTIONS, "Z")->rank_correlation < 0);
    /* The csv: a header, then one line per row. */
    assert_true(strncmp(c1, MRV_SENSITIVITY_HEADER "\n",
                        strlen(MRV_SENSITIVITY_HEADER) + 1) == 0);
    size_t lines = 0, rows = 0;
    for (const char *p = c1; *p; p++) lines += *p == '\n';
    for (size_t c = 0; c < s->ncols; c++) rows += s->count[c];
    assert_int_equal(lines, rows + 1);
    free(c1);
    free(c3);
    mrv_run_free(r1);
    mrv_run_free(r3);
    fx_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sens_linear_normals),
        cmocka_unit_test(test_sens_names_reach_threads),
    };
    gsl_set_error_handler_off();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
