/*
** test_portfolio.c -- the portfolio file, its keys, the NDC methods and
** shard files (portfolio.h, portfolio_run.h, ndc.h, drawfile.h).
**
** The NDC methods on a hand-made series; a portfolio file read into its
** values; the keys: a factor entry two projects read has one stream id
** in both, a project's own input another in each, a declared shared
** input one for its group, and an entry of the same id with other
** numbers (a project's own table) an id of its own; a shard file read
** back bit for bit, and its header checked; mrv_pf_check finds what
** the run finds first and evaluates nothing.  Whole runs (threads,
** shards, the AEF) are compared by tests/run-portfolio.
*/
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "drawfile.h"
#include "fixture.h"
#include "ndc.h"
#include "portfolio_out.h"
#include "portfolio_run.h"
#include "run.h"

/* ---- NDC methods -------------------------------------------------------- */

static void test_portfolio_ndc_methods(void **state)
{
    (void)state;
    const int64_t a[] = {10, 20, 30, 40}; /* 2021 .. 2024 */
    static const struct {
        mrv_ca_method m;
        int first, year;
        double want;
    } rows[] = {
        {MRV_CA_TRAJECTORY, 2021, 2023, 30},
        {MRV_CA_BUDGET, 2021, 2023, 60},
        {MRV_CA_AVERAGING, 2021, 2023, 20},
        {MRV_CA_TRAJECTORY, 2022, 2022, 20},
        {MRV_CA_BUDGET, 2022, 2024, 90},
        {MRV_CA_AVERAGING, 2022, 2024, 30},
        /* years outside the series count 0 */
        {MRV_CA_BUDGET, 2019, 2021, 10},
        {MRV_CA_AVERAGING, 2019, 2021, 10.0 / 3},
        {MRV_CA_TRAJECTORY, 2021, 2030, 0},
        {MRV_CA_AVERAGING, 2021, 2030, 10},
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
        assert_close(mrv_ndc_adjustment(rows[i].m, a, 2021, 4, rows[i].first,
                                        rows[i].year),
                     rows[i].want, 1e-15);
}

/* ---- a small portfolio on disk ----------------------------------------- */

static const char *meth = "methodology: pft\n"
                          "parameters:\n"
                          "  A: {unit: t}\n"
                          "  F: {unit: t}\n"
                          "  G: {unit: t}\n"
                          "equations:\n"
                          "  BE: {unit: tCO2e, formula: \"A + F + G\"}\n"
                          "  PE: {unit: tCO2e, formula: \"0\"}\n"
                          "  LE: {unit: tCO2e, formula: \"0\"}\n"
                          "  ER: {unit: tCO2e, formula: \"BE - PE - LE\"}\n"
                          "results: {baseline: BE, project: PE, leakage: LE, "
                          "reductions: ER}\n";

static const char *table = "table: pft\n"
                           "source: test\n"
                           "entries:\n"
                           "  f: {value: 50, unit: t, uncertainty: {dist: "
                           "normal, sd: 5}}\n";

/* The same id with other numbers: a project's own copy of the table. */
static const char *table_other =
    "table: pft\n"
    "source: test, another edition\n"
    "entries:\n"
    "  f: {value: 50, unit: t, uncertainty: {dist: "
    "normal, sd: 6}}\n";

static char *project(const char *dir, const char *id, const char *host,
                     const char *tables)
{
    char text[2048];
    snprintf(text, sizeof text,
             "project: %s\n"
             "methodology: ./m.yaml\n"
             "host: %s\n"
             "crediting_period: {first: 2025, last: 2026}\n"
             "factors: [%s]\n"
             "parameters:\n"
             "  A: {value: 100, uncertainty: {dist: normal, sd: 10}}\n"
             "  F: pft/f\n"
             "  G: {value: 7, uncertainty: {dist: uniform, min: 6, max: 8}}\n"
             "allocation:\n"
             "  buyer: KOR\n"
             "  split: {buyer_share: 0.5}\n"
             "  first_transfer: transfer\n"
             "  years: {issuance: {lag: 1}, transfer: {lag: 1}, use: {lag: "
             "1}}\n",
             id, host, tables);
    char name[64];
    snprintf(name, sizeof name, "%s.yaml", id);
    return fx_write(dir, name, text);
}

typedef struct pf_fx {
    char *dir, *path;
} pf_fx;

static void pf_make(pf_fx *fx)
{
    fx->dir = fx_mkdtemp();
    free(fx_write(fx->dir, "m.yaml", meth));
    free(fx_write(fx->dir, "t.yaml", table));
    free(fx_write(fx->dir, "t2.yaml", table_other));
    free(project(fx->dir, "pa", "KHM", "t.yaml"));
    free(project(fx->dir, "pb", "MNG", "t.yaml"));
    free(project(fx->dir, "pc", "MNG", "t2.yaml"));
    fx->path = fx_write(
        fx->dir, "pf.yaml",
        "portfolio: test-pf\n"
        "title: a test\n"
        "monte_carlo: {draws: 0, seed: 42, confidence: 0.9}\n"
        "projects: [pa.yaml, pb.yaml, pc.yaml]\n"
        "parties:\n"
        "  KOR:\n"
        "    target: {volume: 1_000, period: [2026, 2027], count: transfer}\n"
        "    ndc: {year: 2030, first: 2021, method: budget}\n"
        "  MNG: {keep: 10/17}\n"
        "shared:\n"
        "  g: {parameter: G, projects: [pb, pc]}\n");
}

static void pf_free(pf_fx *fx)
{
    fx_rmtree(fx->dir);
    free(fx->dir);
    free(fx->path);
}

static mrv_pf_options options(void)
{
    mrv_pf_options o;
    memset(&o, 0, sizeof o);
    o.search = fx_search();
    o.threads = 1;
    return o;
}

static void test_portfolio_file(void **state)
{
    (void)state;
    pf_fx fx;
    pf_make(&fx);
    mrv_arena *a = mrv_arena_new(NULL, NULL);
    mrv_diag *d = mrv_diag_new();
    const mrv_portfolio *pf = NULL;
    assert_int_equal(mrv_portfolio_load(fx.path, NULL, 0, a, &pf, d), MRV_OK);
    assert_string_equal(pf->id, "test-pf");
    assert_int_equal(pf->seed, 42);
    assert_close(pf->confidence, 0.9, 0);
    assert_int_equal(pf->nentries, 3);
    assert_non_null(strstr(pf->entries[2].path, "pc.yaml"));
    const mrv_pf_party *k = mrv_portfolio_party(pf, "KOR");
    assert_non_null(k);
    assert_true(k->target.set);
    assert_int_equal(k->target.volume, 1000);
    assert_false(k->target.by);
    assert_int_equal(k->target.from, 2026);
    assert_int_equal(k->target.to, 2027);
    assert_int_equal(k->target.count, MRV_COUNT_TRANSFER);
    assert_int_equal(k->ndc.method, MRV_CA_BUDGET);
    const mrv_pf_party *m = mrv_portfolio_party(pf, "MNG");
    assert_true(m->has_keep);
    assert_int_equal(m->keep.num, 10);
    assert_int_equal(m->keep.den, 17);
    assert_null(mrv_portfolio_party(pf, "JPN"));
    assert_int_equal(pf->ngroups, 1);
    assert_string_equal(pf->groups[0].param, "G");
    assert_int_equal(pf->groups[0].nprojects, 2);
    assert_false(pf->has_aef);
    mrv_diag_free(d);
    mrv_arena_free(a);
    pf_free(&fx);
}

/* The stream id of project P's input whose uncertainty has program stream
** 'stream' (the same place in every project of one methodology). */
static uint64_t key_of(const mrv_pf_project *P, uint64_t stream)
{
    const mrv_program *p = P->run->program;
    for (size_t k = 0; k < p->ninputs; k++)
        if (p->inputs[k].stream == stream) return P->streams[k];
    fail_msg("no input with that stream in %s", P->id);
    return 0;
}

static void test_portfolio_keys(void **state)
{
    (void)state;
    pf_fx fx;
    pf_make(&fx);
    mrv_diag *d = mrv_diag_new();
    mrv_pf_options o = options();
    mrv_pf_run *r = NULL;
    mrv_status st = mrv_pf_run_new(fx.path, &o, &r, d);
    if (st != MRV_OK) fail_msg("portfolio failed: %s", fx_first_msg(d));
    const mrv_pf_project *pa = &r->projects[0], *pb = &r->projects[1],
                         *pc = &r->projects[2];
    const mrv_program *p = pa->run->program;
    assert_int_equal(p->ninputs, 3);
    for (size_t k = 0; k < p->ninputs; k++) {
        uint64_t s = p->inputs[k].stream;
        const mrv_uncert *u = p->inputs[k].unc;
        uint64_t ka = key_of(pa, s), kb = key_of(pb, s), kc = key_of(pc, s);
        if (u->dist == MRV_DIST_NORMAL && u->sd == 5000) {
            /* F (5 t, in kg): pa and pb read one entry; pc its own copy,
            ** with other numbers. */
            assert_true(ka == kb);
            assert_true(kc != ka);
        } else if (u->dist == MRV_DIST_UNIFORM) {
            /* G: declared shared by pb and pc, pa's own. */
            assert_true(kb == kc);
            assert_true(ka != kb);
        } else {
            /* A: every project's own. */
            assert_true(ka != kb && kb != kc && ka != kc);
        }
    }
    assert_int_equal(pa->nshared, 1);
    assert_int_equal(pb->nshared, 2);
    assert_int_equal(pc->nshared, 1);
    /* The shared table: the entry (pa, pb) and the group (pb, pc). */
    assert_int_equal(r->nshares, 2);
    bool entry = false, group = false;
    for (size_t i = 0; i < r->nshares; i++) {
        const mrv_pf_share *s = &r->shares[i];
        assert_int_equal(s->nprojects, 2);
        if (!s->declared) {
            entry = true;
            assert_string_equal(s->name, "pft/f");
            assert_int_equal(s->projects[0], 0);
            assert_int_equal(s->projects[1], 1);
        } else {
            group = true;
            assert_string_equal(s->name, "g");
        }
    }
    assert_true(entry && group);
    /* One id, two estimates: a warning, never an error. */
    assert_int_equal(mrv_diag_error_count(d), 0);
    bool warned = false;
    for (size_t i = 0; i < mrv_diag_count(d); i++) {
        const mrv_diag_entry *e = mrv_diag_get(d, i);
        warned |= e->sev == MRV_SEV_WARNING &&
                  strstr(e->msg, "the two are drawn independently") != NULL;
    }
    assert_true(warned);
    mrv_pf_run_free(r);
    mrv_diag_free(d);
    pf_free(&fx);
}

/* ---- mrv check of a portfolio ------------------------------------------ */

/* mrv_pf_check finds what the run finds before its first draw and
** evaluates nothing: a project whose central case divides by zero passes
** the check and fails the run.  mrv_pf_check_file sends other files to
** mrv_check_file, which refuses a portfolio it cannot search for. */
static void test_portfolio_check(void **state)
{
    (void)state;
    pf_fx fx;
    pf_make(&fx);
    free(fx_write(fx.dir, "m0.yaml",
                  "methodology: pft0\n"
                  "parameters:\n"
                  "  A: {unit: t}\n"
                  "  Z: {unit: t}\n"
                  "  K: {unit: tCO2e}\n"
                  "equations:\n"
                  "  BE: {unit: tCO2e, formula: \"K * A / (A - Z)\"}\n"
                  "  PE: {unit: tCO2e, formula: \"0\"}\n"
                  "  LE: {unit: tCO2e, formula: \"0\"}\n"
                  "  ER: {unit: tCO2e, formula: \"BE - PE - LE\"}\n"
                  "results: {baseline: BE, project: PE, leakage: LE, "
                  "reductions: ER}\n"));
    free(fx_write(fx.dir, "p0.yaml",
                  "project: p0\nmethodology: ./m0.yaml\nhost: KHM\n"
                  "crediting_period: {first: 2025, last: 2026}\n"
                  "parameters:\n"
                  "  A: {value: 100, uncertainty: {dist: normal, sd: 10}}\n"
                  "  Z: 100\n"
                  "  K: 1\n"
                  "allocation: {buyer: KOR, split: {buyer_share: 0.5}}\n"));
    char *zero =
        fx_write(fx.dir, "pf0.yaml", "portfolio: zero\nprojects: [p0.yaml]\n");
    mrv_pf_options o = options();
    mrv_diag *d = mrv_diag_new();
    assert_int_equal(mrv_pf_check(fx.path, &o, d), MRV_OK);
    assert_int_equal(mrv_diag_error_count(d), 0);
    assert_int_equal(mrv_pf_check(zero, &o, d), MRV_OK);
    assert_int_equal(mrv_diag_error_count(d), 0);
    mrv_pf_run *r = NULL;
    assert_int_not_equal(mrv_pf_run_new(zero, &o, &r, d), MRV_OK);
    assert_null(r);
    assert_true(mrv_diag_error_count(d) > 0);
    /* An earlier file's errors do not fail the next one. */
    assert_int_equal(mrv_pf_check_file(fx.path, &o, d), MRV_OK);
    char *m = fx_path(fx.dir, "m.yaml");
    assert_int_equal(mrv_pf_check_file(m, &o, d), MRV_OK);
    mrv_diag_free(d);
    d = mrv_diag_new();
    assert_int_equal(mrv_check_file(fx.path, &o.search, d), MRV_ESCHEMA);
    fx_expect_error(d, 1, 1, "a portfolio file");
    mrv_diag_free(d);
    free(m);
    free(zero);
    pf_free(&fx);
}

/* A draw past what a ledger holds (10^15 t in a vintage) fails the run:
** the ledger would issue it as 10^15 t and the portfolio would count
** another number than the draw's.  A's draws: 9 x 10^14 t give or take
** 1.5 x 10^14 (a uniform), so about a sixth of them pass 10^15 t. */
static void test_portfolio_draw_past_ledger(void **state)
{
    (void)state;
    pf_fx fx;
    pf_make(&fx);
    free(fx_write(fx.dir, "big.yaml",
                  "project: big\nmethodology: ./m.yaml\nhost: KHM\n"
                  "crediting_period: {first: 2025, last: 2025}\n"
                  "factors: [t.yaml]\n"
                  "parameters:\n"
                  "  A: {value: 9e14, uncertainty: {dist: uniform, min: "
                  "7.5e14, max: 10.5e14}}\n"
                  "  F: 0\n"
                  "  G: 0\n"
                  "allocation: {buyer: KOR, split: {buyer_share: 0.5}}\n"));
    char *path = fx_write(fx.dir, "pfbig.yaml",
                          "portfolio: big\nprojects: [big.yaml]\n"
                          "monte_carlo: {draws: 200, seed: 1}\n");
    mrv_pf_options o = options();
    mrv_diag *d = mrv_diag_new();
    mrv_pf_run *r = NULL;
    assert_int_equal(mrv_pf_run_new(path, &o, &r, d), MRV_EDOMAIN);
    assert_null(r);
    fx_expect_error(d, 3, 14, "a draw passes 10^15 t");
    mrv_diag_free(d);
    free(path);
    pf_free(&fx);
}

/* ---- the buyer's answer in words --------------------------------------- */

/* The share of a target covered, and whether the draws reach it: a share
** that rounds to 0.0 % but is not 0 says so; every verdict from the
** hits and draws. */
static void test_portfolio_reach(void **state)
{
    (void)state;
    char b[48];
    assert_string_equal(mrv_pf_share_text(0, " %", b, sizeof b), "0.0 %");
    assert_string_equal(mrv_pf_share_text(0.0004, " %", b, sizeof b),
                        "less than 0.1 %");
    assert_string_equal(
        mrv_pf_share_text(315916.0 / 37500000, " %", b, sizeof b), "0.8 %");
    assert_string_equal(mrv_pf_share_text(1.053, "", b, sizeof b), "105.3");
    assert_string_equal(mrv_pf_share_text((double)NAN, " %", b, sizeof b),
                        "n/a");
    mrv_pf_party spec;
    memset(&spec, 0, sizeof spec);
    spec.target.volume = 1000;
    mrv_pf_party_out o;
    memset(&o, 0, sizeof o);
    o.spec = &spec;
    o.counted = (mrv_pf_stat){250, 240, 100, 240, 500};
    mrv_pf_run r;
    memset(&r, 0, sizeof r);
    r.draws = 10;
    mrv_pf_reach h = mrv_pf_reach_of(&r, &o);
    assert_close(h.cover, 0.25, 0);
    assert_close(h.cover_lower, 0.1, 0);
    assert_close(h.cover_upper, 0.5, 0);
    assert_int_equal(h.verdict, MRV_PF_NEVER);
    o.hits = 3;
    assert_int_equal(mrv_pf_reach_of(&r, &o).verdict, MRV_PF_SOMETIMES);
    o.hits = 10;
    assert_int_equal(mrv_pf_reach_of(&r, &o).verdict, MRV_PF_ALWAYS);
    r.draws = 0;
    assert_int_equal(mrv_pf_reach_of(&r, &o).verdict, MRV_PF_NO_DRAWS);
}

/* ---- shard files ------------------------------------------------------- */

static void test_portfolio_drawfile_roundtrip(void **state)
{
    (void)state;
    char *dir = fx_mkdtemp();
    char *path = fx_path(dir, "x.mrvd");
    mrv_drawfile_head h;
    memset(&h, 0, sizeof h);
    h.seed = 0xfedcba9876543210u;
    h.draws = 1100; /* 512 + 512 + 76 */
    h.first = 2025;
    h.nvint = 3;
    h.block = 512;
    h.keying = 77;
    for (int i = 0; i < 32; i++) h.inputs_sha[i] = (unsigned char)i;
    snprintf(h.project, sizeof h.project, "p-1");
    snprintf(h.engine, sizeof h.engine, "9.9.9");
    mrv_diag *d = mrv_diag_new();
    mrv_drawfile *f = NULL;
    assert_int_equal(mrv_drawfile_create(path, &h, &f, d), MRV_OK);
    double *x = malloc(3 * 512 * sizeof *x);
    /* Blocks in reverse order, as threads may finish them. */
    for (uint64_t b = 3; b-- > 0;) {
        size_t n = b == 2 ? 76 : 512;
        for (size_t v = 0; v < 3; v++)
            for (size_t i = 0; i < n; i++)
                x[v * 512 + i] = (double)(b * 1000 + v) + (double)i / 7 -
                                 (i == 3 ? 1e300 : 0);
        assert_true(mrv_drawfile_put(f, b, x, 512, n));
    }
    assert_int_equal(mrv_drawfile_commit(f, d), MRV_OK);
    mrv_drawfile_head g;
    assert_int_equal(mrv_drawfile_open(path, false, &g, &f, d), MRV_OK);
    assert_true(g.seed == h.seed);
    assert_int_equal(g.draws, 1100);
    assert_int_equal(g.first, 2025);
    assert_int_equal(g.nvint, 3);
    assert_int_equal(g.keying, 77);
    assert_memory_equal(g.inputs_sha, h.inputs_sha, 32);
    assert_string_equal(g.project, "p-1");
    assert_string_equal(g.engine, "9.9.9");
    for (uint64_t b = 0; b < 3; b++) {
        size_t n;
        char why[200];
        assert_int_equal(mrv_drawfile_get(f, b, x, 512, &n, why, sizeof why),
                         MRV_OK);
        assert_int_equal(n, b == 2 ? 76 : 512);
        for (size_t v = 0; v < 3; v++)
            for (size_t i = 0; i < n; i++) {
                double want = (double)(b * 1000 + v) + (double)i / 7 -
                              (i == 3 ? 1e300 : 0);
                assert_memory_equal(&x[v * 512 + i], &want, sizeof want);
            }
    }
    mrv_drawfile_close(f);
    /* Nothing but the file is left beside it. */
    char *tmp = fx_path(dir, "x.mrvd.tmp.0");
    assert_null(fopen(tmp, "r"));
    free(tmp);
    free(x);
    mrv_diag_free(d);
    free(path);
    fx_rmtree(dir);
    free(dir);
}

/* A file that is not a shard is refused at its name. */
static void test_portfolio_drawfile_refuses(void **state)
{
    (void)state;
    char *dir = fx_mkdtemp();
    char *path = fx_write(dir, "x.mrvd", "MRVDRAWS but far too short\n");
    mrv_diag *d = mrv_diag_new();
    mrv_drawfile_head h;
    mrv_drawfile *f = NULL;
    assert_int_equal(mrv_drawfile_open(path, true, &h, &f, d), MRV_ESCHEMA);
    assert_null(f);
    fx_expect_error(d, 0, 0, "shorter than its header");
    mrv_diag_free(d);
    free(path);
    fx_rmtree(dir);
    free(dir);
}

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_portfolio_ndc_methods),
        cmocka_unit_test(test_portfolio_file),
        cmocka_unit_test(test_portfolio_keys),
        cmocka_unit_test(test_portfolio_check),
        cmocka_unit_test(test_portfolio_draw_past_ledger),
        cmocka_unit_test(test_portfolio_reach),
        cmocka_unit_test(test_portfolio_drawfile_roundtrip),
        cmocka_unit_test(test_portfolio_drawfile_refuses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
