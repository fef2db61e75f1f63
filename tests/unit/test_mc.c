/*
** test_mc.c -- Monte Carlo runs through the library (mc.h,
** docs/uncertainty.md).
**
** Small projects are written to a scratch folder and run with
** mrv_run_new.  Determinism: the same seed gives a byte-identical
** vintages.csv (and identical draws) on 1, 2 and 3 threads, for random
** and Latin hypercube sampling; another seed gives other draws.  Stream
** independence: making an unrelated parameter uncertain leaves every
** draw of the results that do not use it unchanged.  Correlation: the sd
** of a crediting-period total grows linearly with the vintages for a
** shared draw and as the square root for a draw per vintage (derived in
** the comments).  Also truncation to bounds, IPCC Approach 1 beside the
** Monte Carlo, and the refusals (bounds that leave nothing, memory).
*/
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "fixture.h"
#include "mc.h"
#include "propagate.h"
#include "report.h"
#include "run.h"

/* BE reads A (and T), PE reads Z: each result sees only its own inputs. */
static const char *meth =
    "methodology: mctest\n"
    "dimensions:\n"
    "  fleet: {description: classes}\n"
    "parameters:\n"
    "  A: {unit: t}\n"
    "  G: {unit: t, over: [fleet], default: {a: 0, b: 0}}\n"
    "  T: {unit: t, bounds: [0, 1], default: 0}\n"
    "  Z: {unit: t}\n"
    "equations:\n"
    "  BE: {unit: tCO2e, formula: \"A + sum(i in fleet: G[i]) + T\"}\n"
    "  PE: {unit: tCO2e, formula: \"Z\"}\n"
    "  LE: {unit: tCO2e, formula: \"0\"}\n"
    "  ER: {unit: tCO2e, formula: \"BE - PE - LE\"}\n"
    "results: {baseline: BE, project: PE, leakage: LE, reductions: ER}\n";

typedef struct proj {
    char *dir;
} proj;

/* Writes the methodology and a project whose parameters are 'params'
** (YAML lines, indented two spaces) and whose monte_carlo is 'mc'. */
static char *write_project(proj *pj, const char *name, const char *params,
                           const char *mc)
{
    if (!pj->dir) {
        pj->dir = fx_mkdtemp();
        free(fx_write(pj->dir, "m.yaml", meth));
    }
    char text[4096];
    snprintf(text, sizeof text,
             "project: %s\n"
             "methodology: ./m.yaml\n"
             "crediting_period: {first: 2025, last: 2034}\n"
             "dimensions:\n"
             "  fleet: [a, b]\n"
             "parameters:\n"
             "%s"
             "monte_carlo: %s\n",
             name, params, mc);
    char file[64];
    snprintf(file, sizeof file, "%s.yaml", name);
    return fx_write(pj->dir, file, text);
}

/* Runs with every draw kept (keep_draws), so that tests can look at them;
** 'sds' narrows the statistics' brackets (0: the defaults). */
static mrv_run *run_tuned(const char *path, unsigned threads, double sds)
{
    mrv_options o;
    memset(&o, 0, sizeof o);
    o.search = fx_search();
    o.threads = threads;
    o.keep_draws = true;
    o.bracket_sds = sds;
    o.bracket_slack = sds;
    mrv_diag *d = mrv_diag_new();
    mrv_run *run = NULL;
    mrv_status st = mrv_run_new(path, &o, &run, d);
    if (st != MRV_OK) fail_msg("run failed: %s", fx_first_msg(d));
    mrv_diag_free(d);
    return run;
}

static mrv_run *run_it(const char *path, unsigned threads)
{
    return run_tuned(path, threads, 0);
}

/* vintages.csv of 'run' as a string (malloc'd). */
static char *csv(const mrv_run *run)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_true(mrv_report_vintages_csv(run, f));
    fclose(f);
    return buf;
}

static const double *column(const mrv_run *run, size_t v, int r)
{
    return run->all_draws + (v * MRV_NRESULTS + (size_t)r) * run->draws;
}

static void free_proj(proj *pj)
{
    if (pj->dir) fx_rmtree(pj->dir);
    free(pj->dir);
}

/* Several distributions, a per-vintage and a per-member draw, a truncated
** one, and 5000 draws: nine full blocks and a partial one. */
static const char *rich =
    "  A: {value: 100, uncertainty: {dist: triangular, min: 80, max: 130}}\n"
    "  G: {value: {a: 5, b: 7}, uncertainty: {dist: normal, sd: 0.1, "
    "relative: true, vary: member}}\n"
    "  T: {value: 0.9, uncertainty: {dist: normal, sd: 0.2}, vary: vintage}\n"
    "  Z: {value: 40, uncertainty: {dist: pert, min: 30, max: 45}}\n";

static void check_threads(const char *mc)
{
    proj pj = {0};
    char *path = write_project(&pj, "rich", rich, mc);
    mrv_run *r1 = run_it(path, 1), *r2 = run_it(path, 2), *r3 = run_it(path, 3);
    char *c1 = csv(r1), *c2 = csv(r2), *c3 = csv(r3);
    assert_string_equal(c1, c2);
    assert_string_equal(c1, c3);
    size_t n = (r1->nvint + 1) * MRV_NRESULTS * r1->draws;
    assert_memory_equal(r1->all_draws, r2->all_draws, n * sizeof(double));
    assert_memory_equal(r1->all_draws, r3->all_draws, n * sizeof(double));
    /* And the draws are draws: not all equal. */
    const double *be = column(r1, 0, MRV_RES_BASELINE);
    assert_true(be[0] != be[1]);
    free(c1);
    free(c2);
    free(c3);
    mrv_run_free(r1);
    mrv_run_free(r2);
    mrv_run_free(r3);
    free(path);
    free_proj(&pj);
}

static void test_mc_same_seed_any_threads(void **state)
{
    (void)state;
    check_threads("{draws: 5000, seed: 11}");
    check_threads("{draws: 5000, seed: 11, method: lhs}");
}

static void test_mc_other_seed_other_draws(void **state)
{
    (void)state;
    proj pj = {0};
    char *p1 = write_project(&pj, "s1", rich, "{draws: 2000, seed: 1}");
    char *p2 = write_project(&pj, "s2", rich, "{draws: 2000, seed: 2}");
    mrv_run *r1 = run_it(p1, 0), *r2 = run_it(p2, 0);
    char *c1 = csv(r1), *c2 = csv(r2);
    assert_true(strcmp(c1, c2) != 0);
    const double *a = column(r1, 0, MRV_RES_BASELINE);
    const double *b = column(r2, 0, MRV_RES_BASELINE);
    size_t same = 0;
    for (size_t i = 0; i < r1->draws; i++) same += a[i] == b[i];
    assert_true(same == 0);
    free(c1);
    free(c2);
    mrv_run_free(r1);
    mrv_run_free(r2);
    free(p1);
    free(p2);
    free_proj(&pj);
}

static void test_mc_stream_independence(void **state)
{
    (void)state;
    /* Z feeds only PE (and so ER); making it uncertain must leave every
    ** draw of BE alone, in every vintage and the total. */
    proj pj = {0};
    const char *base =
        "  A: {value: 100, uncertainty: {dist: normal, sd: 3}}\n"
        "  T: {value: 0.5, uncertainty: {dist: uniform, min: 0.2, max: 0.8}}\n";
    char params[1024];
    snprintf(params, sizeof params, "%s  Z: 40\n", base);
    char *p1 = write_project(&pj, "without", params, "{draws: 3000, seed: 5}");
    snprintf(params, sizeof params,
             "%s  Z: {value: 40, uncertainty: {dist: normal, sd: 2}}\n", base);
    char *p2 = write_project(&pj, "with", params, "{draws: 3000, seed: 5}");
    mrv_run *r1 = run_it(p1, 2), *r2 = run_it(p2, 2);
    for (size_t v = 0; v <= r1->nvint; v++)
        assert_memory_equal(column(r1, v, MRV_RES_BASELINE),
                            column(r2, v, MRV_RES_BASELINE),
                            r1->draws * sizeof(double));
    /* ... while the results that read Z did change. */
    assert_true(memcmp(column(r1, 0, MRV_RES_PROJECT),
                       column(r2, 0, MRV_RES_PROJECT),
                       r1->draws * sizeof(double)) != 0);
    mrv_run_free(r1);
    mrv_run_free(r2);
    free(p1);
    free(p2);
    free_proj(&pj);
}

/* With N draws, an sd estimate has standard error about sd / sqrt(2 N)
** for normal data: 0.5 % at N = 20000; 4 of those is 2 % (assert_close's
** tolerance is relative for values above 1). */
#define SD_RTOL 0.02

static void test_mc_total_sd_shared_vs_per_vintage(void **state)
{
    (void)state;
    proj pj = {0};
    /* BE_v = A_v (G and T are 0) with A ~ N(100, 1).  Shared: A_v = A in
    ** every one of the 10 vintages, so the total is 10 A and
    ** sd(total) = 10 sd(A) = 10: linear in the vintages.  Per vintage:
    ** the A_v are independent, Var(total) = 10 Var(A), sd = sqrt(10). */
    char *p1 =
        write_project(&pj, "shared",
                      "  A: {value: 100, uncertainty: {dist: normal, sd: 1}}\n"
                      "  Z: 0\n",
                      "{draws: 20000, seed: 3}");
    char *p2 = write_project(
        &pj, "pervintage",
        "  A: {value: 100, uncertainty: {dist: normal, sd: 1}, vary: vintage}\n"
        "  Z: 0\n",
        "{draws: 20000, seed: 3}");
    mrv_run *r1 = run_it(p1, 0), *r2 = run_it(p2, 0);
    const mrv_stat *v1 = &r1->stats[0 * MRV_NRESULTS + MRV_RES_BASELINE];
    const mrv_stat *t1 = &r1->stats[10 * MRV_NRESULTS + MRV_RES_BASELINE];
    const mrv_stat *v2 = &r2->stats[0 * MRV_NRESULTS + MRV_RES_BASELINE];
    const mrv_stat *t2 = &r2->stats[10 * MRV_NRESULTS + MRV_RES_BASELINE];
    assert_close(v1->sd, 1, SD_RTOL);
    assert_close(t1->sd, 10, SD_RTOL);
    /* Shared: the total of each draw is that draw summed 10 times, so the
    ** ratio is 10 up to rounding, not just statistically. */
    assert_close(t1->sd / v1->sd, 10, 1e-9);
    assert_close(v2->sd, 1, SD_RTOL);
    assert_close(t2->sd, sqrt(10.0), SD_RTOL);
    /* The totals' centrals and means: 10 x 100. */
    assert_close(t1->central, 1000, 1e-12);
    assert_close(t2->mean, 1000, 4 * sqrt(10.0) / sqrt(20000.0) / 1000);
    /* IPCC Approach 1 knows the correlation through the program: exactly
    ** 10 and sqrt(10) (linear model), and agrees with the Monte Carlo. */
    assert_close(t1->ipcc_sd, 10, 1e-6);
    assert_close(t2->ipcc_sd, sqrt(10.0), 1e-6);
    assert_false(t1->ipcc_disagrees);
    assert_false(t2->ipcc_disagrees);
    mrv_run_free(r1);
    mrv_run_free(r2);
    free(p1);
    free(p2);
    free_proj(&pj);
}

static void test_mc_ipcc_flags_skew(void **state)
{
    (void)state;
    /* A lognormal with gsd 2 is far from symmetric: its 95 % interval
    ** [100/2^1.96, 100 * 2^1.96] = [25.7, 389] is nothing like
    ** central -+ 1.96 sd.  Approach 1 must be flagged; its sd is the
    ** lognormal's, 100 e^(s^2/2) sqrt(e^(s^2) - 1) with s = ln 2. */
    proj pj = {0};
    char *p = write_project(
        &pj, "skew",
        "  A: {value: 100, uncertainty: {dist: lognormal, gsd: 2}}\n"
        "  Z: 0\n",
        "{draws: 20000, seed: 9}");
    mrv_run *r = run_it(p, 0);
    const mrv_stat *s = &r->stats[0 * MRV_NRESULTS + MRV_RES_BASELINE];
    double sg = log(2.0);
    assert_close(s->ipcc_sd, 100 * exp(sg * sg / 2) * sqrt(expm1(sg * sg)),
                 1e-5);
    assert_true(s->ipcc_disagrees);
    /* The bounds within about 4.5 standard errors of a quantile,
    ** sqrt(p (1 - p) / N) / f(q): 0.34 at the lower, 5.1 at the upper. */
    assert_close(s->lower, 100 / pow(2, 1.959963984540054), 0.06);
    assert_close(s->upper, 100 * pow(2, 1.959963984540054), 0.06);
    /* Leakage is 0 in every draw: nothing to disagree about. */
    assert_false(r->stats[MRV_RES_LEAKAGE].ipcc_disagrees);
    mrv_run_free(r);
    free(p);
    free_proj(&pj);
}

static void test_mc_truncation_by_bounds(void **state)
{
    (void)state;
    /* T in [0, 1] with value 0.9 and sd 0.2: draws above 1 (31 %) are
    ** drawn again.  The truncated normal's mean is
    ** 0.9 + 0.2 (phi(al) - phi(be)) / (Phi(be) - Phi(al)) with
    ** al = -4.5, be = 0.5: 0.79817. */
    proj pj = {0};
    char *p = write_project(
        &pj, "trunc",
        "  A: 0\n  T: {value: 0.9, uncertainty: {dist: normal, sd: 0.2}}\n"
        "  Z: 0\n",
        "{draws: 20000, seed: 4}");
    mrv_run *r = run_it(p, 0);
    const double *be = column(r, 0, MRV_RES_BASELINE);
    for (size_t i = 0; i < r->draws; i++) assert_true(be[i] >= 0 && be[i] <= 1);
    double al = -4.5, bt = 0.5;
    double pa = exp(-al * al / 2) / sqrt(2 * 3.14159265358979323846);
    double pb = exp(-bt * bt / 2) / sqrt(2 * 3.14159265358979323846);
    double z = (erfc(-bt / sqrt(2.0)) - erfc(-al / sqrt(2.0))) / 2;
    double want = 0.9 + 0.2 * (pa - pb) / z;
    const mrv_stat *s = &r->stats[MRV_RES_BASELINE];
    assert_true(fabs(s->mean - want) < 4 * s->se_mean);
    /* The central case is the value, not the truncated mean. */
    assert_close(s->central, 0.9, 1e-15);
    mrv_run_free(r);
    free(p);
    free_proj(&pj);
}

static void test_mc_lhs_stratifies(void **state)
{
    (void)state;
    /* Latin hypercube: one draw per stratum of probability, so the mean
    ** of a linear result is its expectation far more closely than random
    ** draws' standard error sd / sqrt(N) = 3 / sqrt(1000) = 0.095. */
    proj pj = {0};
    char *p =
        write_project(&pj, "lhs",
                      "  A: {value: 100, uncertainty: {dist: normal, sd: 3}}\n"
                      "  Z: 0\n",
                      "{draws: 1000, seed: 8, method: lhs}");
    mrv_run *r = run_it(p, 0);
    const mrv_stat *s = &r->stats[MRV_RES_BASELINE];
    assert_true(fabs(s->mean - 100) < 0.05 * 3 / sqrt(1000.0));
    /* Every stratum once: exactly 25 draws below the 2.5 % quantile of
    ** N(100, 3) (100 - 1.96 * 3), 975 below the 97.5 % one. */
    const double *be = column(r, 0, MRV_RES_BASELINE);
    size_t lo = 0, hi = 0;
    for (size_t i = 0; i < r->draws; i++) {
        lo += be[i] < 100 - 1.959963984540054 * 3;
        hi += be[i] < 100 + 1.959963984540054 * 3;
    }
    assert_int_equal(lo, 25);
    assert_int_equal(hi, 975);
    mrv_run_free(r);
    free(p);
    free_proj(&pj);
}

static void test_mc_refusals(void **state)
{
    (void)state;
    proj pj = {0};
    mrv_options o;
    memset(&o, 0, sizeof o);
    o.search = fx_search();
    /* Bounds [0, 1] keep 4e-8 of a normal with sd 1e7. */
    char *p = write_project(
        &pj, "none",
        "  A: 0\n  T: {value: 0.5, uncertainty: {dist: normal, sd: 1e7}}\n"
        "  Z: 0\n",
        "{draws: 100, seed: 1}");
    mrv_diag *d = mrv_diag_new();
    mrv_run *r = NULL;
    assert_status(mrv_run_new(p, &o, &r, d), MRV_EDOMAIN);
    assert_null(r);
    fx_expect_error(d, 0, 0, "bounds [0, 1] t of 'T' leave almost none");
    mrv_diag_free(d);
    free(p);
    /* 10^8 Latin hypercube draws of 10 inputs need 4 bytes each for
    ** their strata, 4 GB, and the statistics' working memory on top. */
    p = write_project(&pj, "huge",
                      "  A: {value: 100, uncertainty: {dist: normal, sd: 1}, "
                      "vary: vintage}\n  Z: 0\n",
                      "{draws: 100000000, seed: 1, method: lhs}");
    d = mrv_diag_new();
    assert_status(mrv_run_new(p, &o, &r, d), MRV_EDOMAIN);
    fx_expect_error(d, 0, 0, "GiB limit");
    mrv_diag_free(d);
    free(p);
    /* One draw set by a library caller (the YAML and --draws refuse it
    ** where written): no sd, no interval, so no run. */
    p = write_project(&pj, "one",
                      "  A: {value: 100, uncertainty: {dist: normal, sd: 1}}\n"
                      "  Z: 0\n",
                      "{draws: 100, seed: 1}");
    o.draws_set = true;
    o.draws = 1;
    d = mrv_diag_new();
    assert_status(mrv_run_new(p, &o, &r, d), MRV_EDOMAIN);
    assert_null(r);
    fx_expect_error(d, 0, 0, "1 draw: one draw has no spread");
    mrv_diag_free(d);
    free(p);
    free_proj(&pj);
}

static void test_mc_nonfinite_draws(void **state)
{
    (void)state;
    /* ln(A) with A ~ N(1, 1): about 16 % of draws are negative.  The run
    ** fails at the formula, naming how many draws broke, and the message
    ** is the same on any thread count. */
    proj pj = {0};
    pj.dir = fx_mkdtemp();
    free(fx_write(pj.dir, "ln.yaml",
                  "methodology: lntest\n"
                  "parameters:\n"
                  "  A: {unit: 1}\n"
                  "equations:\n"
                  "  BE: {unit: tCO2e, formula: \"0\"}\n"
                  "  PE: {unit: tCO2e, formula: \"0\"}\n"
                  "  LE: {unit: tCO2e, formula: \"0\"}\n"
                  "  ER: {unit: tCO2e, formula: \"ln(A) * 0 + 0\"}\n"
                  "results: {baseline: BE, project: PE, leakage: LE, "
                  "reductions: ER}\n"));
    char *p = fx_write(pj.dir, "p.yaml",
                       "project: lnp\n"
                       "methodology: ./ln.yaml\n"
                       "crediting_period: {first: 2025, last: 2026}\n"
                       "parameters:\n"
                       "  A: {value: 1, uncertainty: {dist: normal, sd: 1}}\n"
                       "monte_carlo: {draws: 2000, seed: 1}\n");
    char msg[2][512];
    for (unsigned t = 1; t <= 2; t++) {
        mrv_options o;
        memset(&o, 0, sizeof o);
        o.search = fx_search();
        o.threads = t;
        mrv_diag *d = mrv_diag_new();
        mrv_run *r = NULL;
        assert_status(mrv_run_new(p, &o, &r, d), MRV_EDOMAIN);
        fx_expect_error(d, 0, 0, "of 2000 draws (the first is draw ");
        fx_expect_error(d, 0, 0, "logarithm of a negative number");
        snprintf(msg[t - 1], sizeof msg[0], "%s", fx_first_msg(d));
        mrv_diag_free(d);
    }
    assert_string_equal(msg[0], msg[1]);
    free(p);
    free_proj(&pj);
}

static void test_mc_partial_block_prefix(void **state)
{
    (void)state;
    /* A draw depends on its block and place, not on how many draws there
    ** are: the first 700 draws of a 700-draw run are those of a 1500-draw
    ** run (random method). */
    proj pj = {0};
    char *p1 = write_project(&pj, "d700", rich, "{draws: 700, seed: 21}");
    char *p2 = write_project(&pj, "d1500", rich, "{draws: 1500, seed: 21}");
    mrv_run *r1 = run_it(p1, 2), *r2 = run_it(p2, 2);
    assert_memory_equal(column(r1, 3, MRV_RES_REDUCTIONS),
                        column(r2, 3, MRV_RES_REDUCTIONS),
                        700 * sizeof(double));
    mrv_run_free(r1);
    mrv_run_free(r2);
    free(p1);
    free(p2);
    free_proj(&pj);
}

/* Type 7 by its definition on a sorted copy: h = (n - 1) p, k = floor h,
** x(k) + (h - k) (x(k+1) - x(k)) in GSL's and numpy's form
** (1 - t) x(k) + t x(k+1), equal neighbours giving x(k). */
static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double type7(const double *sorted, size_t n, double p)
{
    double h = (double)(n - 1) * p, fk = floor(h);
    size_t k = (size_t)fk;
    if (k >= n - 1) return sorted[n - 1];
    double t = h - fk, a = sorted[k], b = sorted[k + 1];
    if (t == 0 || a == b) return a;
    return (1 - t) * a + t * b;
}

/* The statistics of every column of 'r' against its kept draws: the
** quantiles bit for bit a type-7 percentile of them, the mean and sd
** within rounding. */
static void check_column_stats(const mrv_run *r)
{
    size_t n = (size_t)r->draws, nh = n / 2;
    double *y = malloc(n * sizeof *y);
    assert_non_null(y);
    double plo = (1 - r->confidence) / 2, phi = (1 + r->confidence) / 2;
    for (size_t c = 0; c < (r->nvint + 1) * MRV_NRESULTS; c++) {
        const double *x = r->all_draws + c * n;
        const mrv_stat *s = &r->stats[c];
        memcpy(y, x, n * sizeof *y);
        qsort(y, n, sizeof *y, cmp_double);
        assert_true(s->lower == type7(y, n, plo));
        assert_true(s->median == type7(y, n, 0.5));
        assert_true(s->upper == type7(y, n, phi));
        long double m = 0, q = 0;
        for (size_t i = 0; i < n; i++) m += (long double)x[i];
        m /= n;
        for (size_t i = 0; i < n; i++)
            q += ((long double)x[i] - m) * ((long double)x[i] - m);
        assert_close(s->mean, (double)m, 1e-13);
        assert_close(s->sd, (double)sqrtl(q / (n - 1)), 1e-12);
        memcpy(y, x, nh * sizeof *y);
        qsort(y, nh, sizeof *y, cmp_double);
        assert_true(s->lower_half == type7(y, nh, plo));
        assert_true(s->upper_half == type7(y, nh, phi));
    }
    free(y);
}

/* The draws are not stored, yet the statistics are exact: with the
** draws kept for the test, every quantile is a type-7 percentile of
** them, with the default brackets and with brackets so narrow that
** every quantile is found by replaying the blocks; and the two runs give
** the same bits, random or Latin hypercube, on 1 and 3 threads. */
static void test_mc_quantiles_exact(void **state)
{
    (void)state;
    proj pj = {0};
    const char *mcs[] = {"{draws: 5000, seed: 13}",
                         "{draws: 20001, seed: 14, confidence: 0.9}",
                         "{draws: 9000, seed: 15, method: lhs}"};
    for (size_t k = 0; k < 3; k++) {
        char name[16];
        snprintf(name, sizeof name, "q%zu", k);
        char *p = write_project(&pj, name, rich, mcs[k]);
        mrv_run *r1 = run_tuned(p, 1, 0), *r2 = run_tuned(p, 3, 1e-9);
        check_column_stats(r1);
        char *c1 = csv(r1), *c2 = csv(r2);
        assert_string_equal(c1, c2);
        free(c1);
        free(c2);
        mrv_run_free(r1);
        mrv_run_free(r2);
        free(p);
    }
    free_proj(&pj);
}

/* A removals methodology's running totals (the carbon stock of
** report.html, run->cum_stats): vintage v's is the removals of vintages
** 0..v added draw by draw in vintage order, each added to the total
** before it.  Checked against the kept draws of every vintage, summed
** here in that order: the quantiles are type-7 percentiles of those
** sums, on one thread with the default brackets and on three with
** brackets so narrow that every quantile is hunted by replaying the
** blocks, and the last running total is the crediting-period total. */
static void test_mc_running_totals(void **state)
{
    (void)state;
    proj pj = {0};
    pj.dir = fx_mkdtemp();
    char mt[2048];
    snprintf(mt, sizeof mt, "%s", meth);
    char *at = strstr(mt, "dimensions:");
    assert_non_null(at);
    memmove(at + strlen("kind: removals\n"), at, strlen(at) + 1);
    memcpy(at, "kind: removals\n", strlen("kind: removals\n"));
    free(fx_write(pj.dir, "m.yaml", mt));
    char *p = write_project(&pj, "rt", rich, "{draws: 6000, seed: 21}");
    mrv_run *r1 = run_tuned(p, 1, 0), *r3 = run_tuned(p, 3, 1e-9);
    size_t n = (size_t)r1->draws, nv = r1->nvint;
    assert_non_null(r1->cum_stats);
    double *sum = calloc(n, sizeof *sum), *y = malloc(n * sizeof *y);
    assert_non_null(sum);
    assert_non_null(y);
    double plo = (1 - r1->confidence) / 2, phi = (1 + r1->confidence) / 2;
    for (size_t v = 0; v < nv; v++) {
        const double *x = column(r1, v, MRV_RES_REDUCTIONS);
        for (size_t i = 0; i < n; i++) sum[i] = v ? sum[i] + x[i] : x[i];
        memcpy(y, sum, n * sizeof *y);
        qsort(y, n, sizeof *y, cmp_double);
        const mrv_stat *s = &r1->cum_stats[v];
        assert_true(s->lower == type7(y, n, plo));
        assert_true(s->median == type7(y, n, 0.5));
        assert_true(s->upper == type7(y, n, phi));
        assert_memory_equal(s, &r3->cum_stats[v], sizeof *s);
    }
    /* The whole period's running total is the total's column. */
    const mrv_stat *t = &r1->stats[nv * MRV_NRESULTS + MRV_RES_REDUCTIONS];
    assert_true(r1->cum_stats[nv - 1].median == t->median);
    assert_true(r1->cum_stats[nv - 1].mean == t->mean);
    free(sum);
    free(y);
    mrv_run_free(r1);
    mrv_run_free(r3);
    free(p);
    free_proj(&pj);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mc_same_seed_any_threads),
        cmocka_unit_test(test_mc_other_seed_other_draws),
        cmocka_unit_test(test_mc_stream_independence),
        cmocka_unit_test(test_mc_total_sd_shared_vs_per_vintage),
        cmocka_unit_test(test_mc_ipcc_flags_skew),
        cmocka_unit_test(test_mc_truncation_by_bounds),
        cmocka_unit_test(test_mc_lhs_stratifies),
        cmocka_unit_test(test_mc_refusals),
        cmocka_unit_test(test_mc_nonfinite_draws),
        cmocka_unit_test(test_mc_partial_block_prefix),
        cmocka_unit_test(test_mc_quantiles_exact),
        cmocka_unit_test(test_mc_running_totals),
    };
    gsl_set_error_handler_off();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
