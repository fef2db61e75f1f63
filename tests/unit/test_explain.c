/*
** test_explain.c -- 'mrv explain' (explain.c), the trail it prints from
** (trail.c) and the equations' central values behind both (lower.c's
** central program, run.c, report.c).
**
** A hand-checkable project: two vehicle classes, KM = sum(i: N[i] *
** DD[i]) = 20 * 1000 + 2 * 50000 = 120,000 km in 2026, BE = KM * EF with
** EF from a project factor table (200 g/km), PE = BE * SH, a stock ST
** with a lag, an 'initial' and a held series.  Its explanation is
** checked line by line: values, units, sources, uncertainty, sums and
** their terms, each equation explained once, depth, errors.  A second
** project pins what explain shows of the run's own evaluation where a
** walk of the formula in the central case would differ: an 'and' whose
** left side is uncertain, an 'if' whose condition is, a factor lowering
** moves out of a sum.  Then every equation value explain prints, at
** every vintage of every demo project, must be the run's (vintages.csv,
** report.json's "equations") bit for bit, and every parameter element
** the run read must be the one explain shows for the parameter alone.
*/
#include "testutil.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "explain.h"
#include "fixture.h"
#include "json.h"
#include "program.h"
#include "lower.h"
#include "report.h"
#include "run.h"
#include "trail.h"

static const char meth[] =
    "methodology: tiny\n"
    "title: A hand-checkable methodology\n"
    "dimensions:\n"
    "  fleet: {description: vehicle classes}\n"
    "parameters:\n"
    "  N:  {unit: vehicle, over: [vintage, fleet], description: vehicles in "
    "use}\n"
    "  DD: {unit: km/yr, over: [fleet]}\n"
    "  EF: {unit: kg/km, default: tbl/ef, description: emission factor}\n"
    "  SH: {unit: 1, default: 0.5}\n"
    "  K:  {unit: t, over: [vintage], fill: hold}\n"
    "equations:\n"
    "  KM: {unit: km/yr, formula: \"sum(i in fleet: N[i] * DD[i])\", "
    "description: distance driven}\n"
    "  BE: {unit: t, formula: \"KM * EF\"}\n"
    "  PE: {unit: t, formula: \"BE * SH\"}\n"
    "  ST: {unit: t, formula: \"ST[y - 1] + K\", initial: 0}\n"
    "  LE: {unit: t, formula: \"0\"}\n"
    "  ER: {unit: t, formula: \"BE - PE - LE\", description: reductions}\n"
    "results: {baseline: BE, project: PE, leakage: LE, reductions: ER}\n";

static const char table[] =
    "table: tbl\n"
    "source: Test source\n"
    "entries:\n"
    "  ef: {value: 200, unit: g/km, uncertainty: {dist: triangular, min: "
    "150, max: 250}}\n";

/* Columns below are those of this text: N[2026, car] at 7:29, N[2026,
** bus] at 7:55, DD[car] at 8:13, DD[bus] at 8:32, K at 9:13. */
static const char project[] =
    "project: tiny\n"
    "methodology: ./m.yaml\n"
    "factors: [t.yaml]\n"
    "crediting_period: %s\n"
    "dimensions: {fleet: [car, bus]}\n"
    "parameters:\n"
    "  N: {car: {2025: 10, 2026: 20}, bus: {2025: 1, 2026: 2}}\n"
    "  DD: {car: 1000, bus: {value: 50000, uncertainty: {dist: normal, sd: "
    "5000}}}\n"
    "  K: {2025: 3}\n";

typedef struct fixture {
    char *dir;
    char *project;
    mrv_diag *diag;
    mrv_run *run;
    char *out; /* the last explanation */
} fixture;

static void write_project(fixture *fx, const char *period)
{
    char text[1024];
    snprintf(text, sizeof text, project, period);
    free(fx->project);
    fx->project = fx_write(fx->dir, "p.yaml", text);
}

static mrv_status run_project(fixture *fx)
{
    mrv_run_free(fx->run);
    fx->run = NULL;
    mrv_diag_reset(fx->diag);
    mrv_options opt;
    memset(&opt, 0, sizeof opt);
    opt.search = fx_search();
    opt.central_only = true;
    opt.trail = true;
    return mrv_run_new(fx->project, &opt, &fx->run, fx->diag);
}

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    if (!fx) return -1;
    fx->dir = fx_mkdtemp();
    free(fx_write(fx->dir, "m.yaml", meth));
    free(fx_write(fx->dir, "t.yaml", table));
    write_project(fx, "{first: 2025, last: 2026}");
    fx->diag = mrv_diag_new();
    *state = fx;
    return fx->diag && run_project(fx) == MRV_OK ? 0 : -1;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    mrv_run_free(fx->run);
    mrv_diag_free(fx->diag);
    fx_rmtree(fx->dir);
    free(fx->dir);
    free(fx->project);
    free(fx->out);
    free(fx);
    return 0;
}

static mrv_status explain(fixture *fx, const char *name, int year,
                          unsigned depth)
{
    free(fx->out);
    fx->out = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&fx->out, &n);
    assert_non_null(f);
    mrv_explain_opts o = {name, year, depth, NULL, false};
    mrv_diag_reset(fx->diag);
    mrv_status st = mrv_explain(fx->run, &o, f, fx->diag);
    fclose(f);
    return st;
}

/* Fails unless the explanation holds 'pattern', where each "%s" stands
** for the scratch folder. */
static void has(const fixture *fx, const char *pattern)
{
    char want[1024];
    size_t o = 0;
    for (const char *p = pattern; *p && o + 1 < sizeof want; p++) {
        if (p[0] == '%' && p[1] == 's') {
            size_t k = strlen(fx->dir);
            if (o + k + 1 > sizeof want) break;
            memcpy(want + o, fx->dir, k);
            o += k;
            p++;
            continue;
        }
        want[o++] = *p;
    }
    want[o] = '\0';
    if (!strstr(fx->out, want))
        fail_msg("no '%s' in the explanation:\n%s", want, fx->out);
}

static size_t count(const char *text, const char *sub)
{
    size_t n = 0;
    for (const char *p = text; (p = strstr(p, sub)); p++) n++;
    return n;
}

/* The number printed after 'label' ("ER[2026] = "), commas dropped. */
static double number_after(const fixture *fx, const char *label)
{
    const char *p = strstr(fx->out, label);
    if (!p) fail_msg("no '%s' in the explanation:\n%s", label, fx->out);
    p += strlen(label);
    char buf[64];
    size_t o = 0;
    for (; *p && *p != ' ' && *p != '\n' && o + 1 < sizeof buf; p++)
        if (*p != ',') buf[o++] = *p;
    buf[o] = '\0';
    return strtod(buf, NULL);
}

/* ---- the hand-checked tree --------------------------------------------- */

static void test_explain_tree_by_hand(void **state)
{
    fixture *fx = *state;
    assert_status(explain(fx, "ER", 2026, 0), MRV_OK);
    /* ER = BE - PE - LE = 24 - 12 - 0 */
    assert_close(number_after(fx, "ER[2026] = "), 12, 1e-14);
    has(fx, "\nER[2026] = ");
    has(fx, "  reductions\n");
    has(fx, "  result    reductions\n");
    has(fx, "  formula   BE - PE - LE\n            at %s/m.yaml:17:27\n");
    has(fx, "  values    24 [t] - 12 [t] - 0 [t]\n");
    has(fx, "  reads     BE[2026] = ");
    /* BE = KM * EF, EF from the project's table in its declared unit */
    assert_close(number_after(fx, "  BE[2026] = "), 24, 1e-14);
    has(fx, "    values    120000 [km/yr] * 0.2 [kg/km]\n");
    has(fx, "    reads     KM[2026] = 120,000 km/yr\n");
    /* The entry is in g/km: its own value and unit show the conversion. */
    has(fx, "              EF = 0.2 kg/km  (default tbl/ef, 200 g/km: Test "
            "source; uncertainty triangular 0.15 .. 0.25)\n");
    /* KM: the sum, its members, terms and the elements it read */
    has(fx, "    KM[2026] = 120,000 km/yr\n      distance driven\n");
    has(fx, "      values    (sum = 120000 [km/yr])\n");
    has(fx, "      sum       i in fleet (car, bus): 2 terms = 120,000 km/yr\n"
            "                  i = car: 20,000 km/yr\n"
            "                  i = bus: 100,000 km/yr\n");
    has(fx, "      reads     N[2026, car] = 20 vehicle  (%s/p.yaml:7:29)\n");
    has(fx, "                N[2026, bus] = 2 vehicle  (%s/p.yaml:7:55)\n");
    has(fx, "                DD[car] = 1,000 km/yr  (%s/p.yaml:8:13)\n");
    has(fx, "                DD[bus] = 50,000 km/yr  (%s/p.yaml:8:32; "
            "uncertainty normal sd 5,000)\n");
    /* PE reads BE again: explained once, above */
    has(fx, "    values    24 [t] * 0.5\n");
    has(fx, "              SH = 0.5  (methodology default, %s/m.yaml:9:26)\n");
    assert_int_equal(count(fx->out, "BE[2026] = "), 3);
    assert_int_equal(count(fx->out, "(explained above)"), 1);
    assert_int_equal(count(fx->out, "\n  BE[2026] = "), 1);
    /* LE is "0": nothing to substitute, nothing read */
    has(fx, "  LE[2026] = 0 t\n    result    leakage\n    formula   0\n");
    /* Only what ER reads: ST is not part of it. */
    assert_null(strstr(fx->out, "ST["));
}

static void test_explain_lags_initial_and_fill(void **state)
{
    fixture *fx = *state;
    assert_status(explain(fx, "ST", 2026, 0), MRV_OK);
    /* ST[2026] = ST[2025] + K[2026] = (0 + 3) + 3, K held from 2025 */
    has(fx, "\nST[2026] = 6 t\n");
    has(fx, "  values    3 [t] + 3 [t]\n");
    has(fx, "  reads     ST[2025] = 3 t\n");
    has(fx, "            K[2026] = 3 t  (%s/p.yaml:9:13; fill: hold from "
            "2025)\n");
    has(fx, "\n  ST[2025] = 3 t\n");
    has(fx, "    values    0 [t] + 3 [t]\n");
    has(fx, "    reads     ST[2024] = 0 t  (initial, %s/m.yaml:15:52)\n");
    has(fx, "              K[2025] = 3 t  (%s/p.yaml:9:13)\n");
}

static void test_explain_depth(void **state)
{
    fixture *fx = *state;
    assert_status(explain(fx, "ER", 2026, 1), MRV_OK);
    has(fx, "  reads     BE[2026] = ");
    assert_int_equal(count(fx->out, "(not expanded: --depth 1)"), 3);
    assert_null(strstr(fx->out, "KM["));
    assert_status(explain(fx, "ER", 2026, 2), MRV_OK);
    has(fx, "    reads     KM[2026] = 120,000 km/yr  (not expanded: --depth "
            "2)\n");
    assert_null(strstr(fx->out, "distance driven"));
    /* a result's name stands for its equation */
    assert_status(explain(fx, "baseline", 2025, 1), MRV_OK);
    has(fx, "\nBE[2025] = ");
    /* 10 * 1000 + 1 * 50000 = 60000 km at 0.2 kg/km */
    assert_close(number_after(fx, "BE[2025] = "), 12, 1e-14);
}

static void test_explain_parameter(void **state)
{
    fixture *fx = *state;
    assert_status(explain(fx, "N", 2025, 0), MRV_OK);
    has(fx, "N [vehicle] over vintage, fleet, parameter of methodology tiny "
            "(%s/m.yaml:6:3)\n  vehicles in use\n  given by  the project\n");
    has(fx, "  N[2025, car] = 10 vehicle  (%s/p.yaml:7:19)\n");
    has(fx, "  N[2025, bus] = 1 vehicle  (%s/p.yaml:7:46)\n");
    /* no vintage axis: no --vintage needed */
    assert_status(explain(fx, "EF", MRV_NO_YEAR, 0), MRV_OK);
    has(fx, "  given by  the methodology's default\n");
    has(fx, "  EF = 0.2 kg/km  (default tbl/ef, 200 g/km: Test source; "
            "uncertainty triangular 0.15 .. 0.25)\n");
    assert_status(explain(fx, "SH", MRV_NO_YEAR, 0), MRV_OK);
    has(fx, "  SH = 0.5  (methodology default, %s/m.yaml:9:26)\n");
}

static void test_explain_errors(void **state)
{
    fixture *fx = *state;
    char *mpath = fx_path(fx->dir, "m.yaml");
    assert_status(explain(fx, "BF", 2026, 0), MRV_EREF);
    fx_expect_error(fx->diag, 0, 0,
                    "has no equation or parameter 'BF' (did "
                    "you mean 'BE'?)");
    assert_string_equal(mrv_diag_first(fx->diag)->pos.file, mpath);
    assert_status(explain(fx, "ER", 2027, 0), MRV_EREF);
    fx_expect_error(fx->diag, 4, 19,
                    "vintage 2027 is outside the crediting "
                    "period 2025-2026");
    assert_status(explain(fx, "ER", 2024, 0), MRV_EREF);
    assert_status(explain(fx, "ER", MRV_NO_YEAR, 0), MRV_EREF);
    fx_expect_error(fx->diag, 4, 19, "--vintage YEAR");
    assert_status(explain(fx, "N", MRV_NO_YEAR, 0), MRV_EREF);
    /* nothing half-printed */
    assert_string_equal(fx->out, "");
    free(mpath);
}

/* A partial vintage: the equation's value is the formula's, the result
** is it times frac. */
static void test_explain_partial_vintage(void **state)
{
    fixture *fx = *state;
    write_project(fx, "{start: 2025-07-02, end: 2026-12-31}");
    assert_status(run_project(fx), MRV_OK);
    assert_status(explain(fx, "ER", 2025, 1), MRV_OK);
    /* 2025-07-02 .. 2025-12-31 is 183 of 365 days */
    has(fx, "  result    reductions: times frac 0.5013698630136987 (the "
            "vintage's share of days) = ");
    double shown = number_after(fx, "(the vintage's share of days) = ");
    double csv = fx->run->stats[MRV_RES_REDUCTIONS].central;
    assert_memory_equal(&shown, &csv, sizeof shown);
    /* the equation itself is the whole year's: 12 - 6 - 0 */
    assert_close(number_after(fx, "ER[2025] = "), 6, 1e-14);
    assert_close(shown, 6 * 183.0 / 365, 1e-14);
}

/* ---- the program behind the equations' values -------------------------- */

/* The Monte Carlo program keeps only the results; the second one keeps
** every equation, and computes the results with the same instructions. */
static void test_explain_keep_equations_program(void **state)
{
    fixture *fx = *state;
    const mrv_program *mc = fx->run->program, *eq = fx->run->eq_program;
    const mrv_methodology *m = fx->run->bound->meth;
    size_t nv = fx->run->nvint;
    assert_null(mc->eq_slot);
    assert_non_null(eq);
    assert_non_null(eq->eq_slot);
    assert_true(eq->ncode >= mc->ncode);
    assert_int_equal(eq->ninputs, mc->ninputs);
    /* KM is no result: only the second program holds it.  120,000 km a
    ** year in 2026 is 1.2e8 m in the internal scale. */
    int km = mrv_methodology_equation(m, "KM");
    assert_true(km >= 0);
    assert_close(fx->run->eq_central[(size_t)km * nv + 1], 1.2e8, 1e-15);
    assert_close(mrv_run_equation_value(fx->run, (size_t)km, 1, 0), 120000,
                 1e-15);
    /* ST is a stock: 3 t, then 6 t (internal kg). */
    int st = mrv_methodology_equation(m, "ST");
    assert_close(fx->run->eq_central[(size_t)st * nv], 3000, 1e-15);
    assert_close(fx->run->eq_central[(size_t)st * nv + 1], 6000, 1e-15);
    for (size_t i = 0; i < m->neqs * nv; i++)
        assert_true(eq->eq_slot[i] < eq->nslots);
    /* One lowering gave both programs, and neither keeping the equations
    ** nor recording the trail cost the Monte Carlo's anything: it is the
    ** very program a plain lowering gives, instruction for instruction. */
    const mrv_program *plain = NULL;
    mrv_diag_reset(fx->diag);
    assert_status(
        mrv_lower(fx->run->bound, fx->run->compiled, &plain, fx->diag), MRV_OK);
    assert_int_equal(plain->nslots, mc->nslots);
    assert_int_equal(plain->ninputs, mc->ninputs);
    assert_int_equal(plain->nconsts, mc->nconsts);
    assert_int_equal(plain->ncode, mc->ncode);
    for (size_t i = 0; i < mc->ncode; i++) {
        const mrv_insn *x = &plain->code[i], *y = &mc->code[i];
        assert_true(x->op == y->op && x->a == y->a && x->b == y->b &&
                    x->c == y->c && x->d == y->d && x->site == y->site);
        assert_memory_equal(&x->k, &y->k, sizeof x->k);
    }
    assert_memory_equal(plain->const_slot, mc->const_slot,
                        mc->nconsts * sizeof *mc->const_slot);
    assert_memory_equal(plain->const_value, mc->const_value,
                        mc->nconsts * sizeof *mc->const_value);
    assert_memory_equal(plain->result_slot, mc->result_slot,
                        nv * MRV_NRESULTS * sizeof *mc->result_slot);
    assert_null(plain->eq_slot);
}

/* ---- the run's evaluation, not a walk of the central case -------------- */

/* G is uncertain with centre 0, so 'G and H' is not decided while
** lowering: the run computes H in every draw.  Likewise C > 0 depends on
** a draw, so both branches of the 'if' are computed and one is selected
** per draw.  U does not depend on the sum's index: lowering multiplies it
** once, after the loop, yet a reader meets it first, in the first term. */
static const char shown_meth[] =
    "methodology: shown\n"
    "title: What explain shows of the run's own evaluation\n"
    "dimensions:\n"
    "  fleet: {description: vehicle classes}\n"
    "parameters:\n"
    "  G: {unit: 1}\n"
    "  H: {unit: 1}\n"
    "  C: {unit: 1}\n"
    "  A: {unit: t}\n"
    "  B: {unit: t}\n"
    "  U: {unit: 1}\n"
    "  D: {unit: t, over: [fleet]}\n"
    "equations:\n"
    "  BOTH: {unit: 1, formula: \"G and H\"}\n"
    "  PICK: {unit: t, formula: \"if(C > 0, A, B)\"}\n"
    "  TOT: {unit: t, formula: \"sum(i in fleet: U * D[i])\"}\n"
    "  LE: {unit: t, formula: \"0\"}\n"
    "  ER: {unit: t, formula: \"PICK + TOT + BOTH * A\"}\n"
    "results: {baseline: PICK, project: TOT, leakage: LE, reductions: ER}\n";

static const char shown_project[] =
    "project: shown\n"
    "methodology: ./m.yaml\n"
    "crediting_period: {first: 2025, last: 2025}\n"
    "dimensions: {fleet: [car, bus]}\n"
    "parameters:\n"
    "  G: {value: 0, uncertainty: {dist: normal, sd: 1}}\n"
    "  H: 3\n"
    "  C: {value: 1, uncertainty: {dist: normal, sd: 1}}\n"
    "  A: 5\n"
    "  B: 7\n"
    "  U: {value: 2, uncertainty: {dist: normal, sd: 0.1}}\n"
    "  D: {car: 10, bus: 20}\n";

/* Where 'sub' starts in the explanation; fails when absent. */
static size_t at_of(const fixture *fx, const char *sub)
{
    const char *p = strstr(fx->out, sub);
    if (!p) fail_msg("no '%s' in the explanation:\n%s", sub, fx->out);
    return (size_t)(p - fx->out);
}

static void test_explain_shows_what_the_run_computes(void **state)
{
    (void)state;
    fixture fx;
    memset(&fx, 0, sizeof fx);
    fx.dir = fx_mkdtemp();
    free(fx_write(fx.dir, "m.yaml", shown_meth));
    fx.project = fx_write(fx.dir, "p.yaml", shown_project);
    fx.diag = mrv_diag_new();
    assert_status(run_project(&fx), MRV_OK);

    /* 0 and 3 = 0; the right side is computed all the same. */
    assert_status(explain(&fx, "BOTH", 2025, 1), MRV_OK);
    has(&fx, "\nBOTH[2025] = 0\n");
    has(&fx, "  values    0 and 3\n");
    has(&fx, "  reads     G = 0  (");
    has(&fx, "\n            H = 3  (");
    /* C = 1 > 0 selects A = 5 t; B = 7 t is computed too. */
    assert_status(explain(&fx, "PICK", 2025, 1), MRV_OK);
    has(&fx, "\nPICK[2025] = 5 t\n");
    has(&fx, "  values    if(1 > 0, 5 [t], 7 [t])\n");
    has(&fx, "\n            B = 7 t  (");
    /* 2 * 10 + 2 * 20 = 60 t; U is listed first, as written. */
    assert_status(explain(&fx, "TOT", 2025, 1), MRV_OK);
    has(&fx, "\nTOT[2025] = 60 t\n");
    has(&fx, "  values    (sum = 60 [t])\n");
    has(&fx, "  sum       i in fleet (car, bus): 2 terms = 60 t\n"
             "              i = car: 20 t\n"
             "              i = bus: 40 t\n");
    size_t u = at_of(&fx, "  reads     U = 2  (");
    size_t car = at_of(&fx, "\n            D[car] = 10 t  (");
    size_t bus = at_of(&fx, "\n            D[bus] = 20 t  (");
    assert_true(u < car && car < bus);

    mrv_run_free(fx.run);
    mrv_diag_free(fx.diag);
    fx_rmtree(fx.dir);
    free(fx.dir);
    free(fx.project);
    free(fx.out);
}

/* ---- explain, vintages.csv and report.json agree ------------------------ */

/* The central column of vintages.csv for vintage 'v' (a year) and
** 'result', as the text written. */
static double csv_central(const char *csv, int year, const char *result)
{
    char key[64];
    snprintf(key, sizeof key, "\n%d,%s,", year, result);
    const char *p = strstr(csv, key);
    if (!p) fail_msg("no row %d,%s", year, result);
    return strtod(p + strlen(key), NULL);
}

static void check_agreement(const mrv_run *run)
{
    const mrv_bound *b = run->bound;
    const mrv_methodology *m = b->meth;
    char *csv = NULL, *json = NULL;
    size_t ncsv = 0, njson = 0;
    FILE *f = open_memstream(&csv, &ncsv);
    assert_true(mrv_report_vintages_csv(run, f));
    fclose(f);
    f = open_memstream(&json, &njson);
    assert_true(mrv_report_json(run, f));
    fclose(f);
    mrv_arena *a = mrv_arena_new(NULL, NULL);
    mrv_diag *d = mrv_diag_new();
    const mrv_json *root = NULL;
    assert_status(mrv_json_parse("report.json", json, njson, a, &root, d),
                  MRV_OK);
    const mrv_json *eqs = mrv_json_get(root, "equations");
    assert_non_null(eqs);
    assert_int_equal(eqs->n, m->neqs);
    for (size_t e = 0; e < m->neqs; e++) {
        const mrv_json *ej = eqs->items[e];
        assert_string_equal(mrv_json_get(ej, "name")->text, m->eqs[e].name);
        assert_string_equal(mrv_json_get(ej, "unit")->text,
                            m->eqs[e].unit_text);
        const mrv_json *c = mrv_json_get(ej, "central");
        assert_int_equal(c->n, b->nvint);
        for (size_t v = 0; v < b->nvint; v++) {
            /* Over dimensions, a vintage is an object of members, nested
            ** in the order of 'over' (docs/outputs.md). */
            for (size_t mc = 0; mc < b->eq_nmem[e]; mc++) {
                size_t pos[MRV_MAX_AXES] = {0};
                mrv_bound_eq_members(b, e, mc, pos);
                const mrv_json *at = c->items[v];
                for (size_t ax = 0; ax < m->eqs[e].nover; ax++)
                    at = at->items[pos[ax]];
                double x = mrv_run_equation_value(run, e, v, mc);
                assert_memory_equal(&at->num, &x, sizeof x);
            }
        }
    }
    /* For results (whole vintages here) the equation's value is the very
    ** number vintages.csv reports, and explain prints it. */
    for (int r = 0; r < MRV_NRESULTS; r++) {
        const mrv_json *ej = eqs->items[m->results[r]];
        assert_string_equal(mrv_json_get(ej, "result")->text,
                            mrv_result_names[r]);
        const mrv_json *c = mrv_json_get(ej, "central");
        for (size_t v = 0; v < b->nvint; v++) {
            if (b->frac[v] != 1) continue;
            double want =
                csv_central(csv, b->first + (int)v, mrv_result_names[r]);
            assert_memory_equal(&c->items[v]->num, &want, sizeof want);
            char *text = NULL;
            size_t n = 0;
            f = open_memstream(&text, &n);
            mrv_explain_opts o = {m->eqs[m->results[r]].name, b->first + (int)v,
                                  1, NULL, false};
            assert_status(mrv_explain(run, &o, f, d), MRV_OK);
            fclose(f);
            char label[128];
            snprintf(label, sizeof label, "%s[%d] = ", o.name, o.year);
            const char *p = strstr(text, label);
            assert_non_null(p);
            char num[64];
            size_t k = 0;
            for (p += strlen(label); *p != ' ' && k + 1 < sizeof num; p++)
                if (*p != ',') num[k++] = *p;
            num[k] = '\0';
            double shown = strtod(num, NULL);
            assert_memory_equal(&shown, &want, sizeof want);
            free(text);
        }
    }
    mrv_diag_free(d);
    mrv_arena_free(a);
    free(csv);
    free(json);
}

static void test_explain_agrees_with_reports(void **state)
{
    fixture *fx = *state;
    check_agreement(fx->run);
}

/* Every "NAME[YEAR] = NUMBER" the explanation prints for an equation at
** a vintage (a node's first line, a line of its reads): the number read
** back must be the run's value bit for bit.  Returns how many there
** were. */
static size_t check_printed_values(const mrv_run *run, const char *text,
                                   const char *what)
{
    const mrv_bound *b = run->bound;
    size_t n = 0;
    for (const char *line = text; *line;) {
        const char *end = strchr(line, '\n');
        if (!end) end = line + strlen(line);
        const char *p = line;
        while (*p == ' ') p++;
        if (strncmp(p, "reads ", 6) == 0) p += 6;
        while (*p == ' ') p++;
        char name[128];
        size_t k = 0;
        while (p < end && k + 1 < sizeof name &&
               (isalnum((unsigned char)*p) || *p == '_'))
            name[k++] = *p++;
        name[k] = '\0';
        char *q;
        long year = p < end && *p == '[' ? strtol(p + 1, &q, 10) : 0;
        int e = mrv_methodology_equation(b->meth, name);
        /* An equation over dimensions prints its members after the year:
        ** "FUEL[2025, tranche_2025] = ...". */
        size_t combo = 0;
        if (k && year && e >= 0 && b->meth->eqs[e].nover && *q == ',') {
            const mrv_equation *eq = &b->meth->eqs[e];
            size_t pos[MRV_MAX_AXES] = {0};
            bool found = true;
            for (size_t a = 0; a < eq->nover && *q == ','; a++) {
                const char *m0 = q + 2, *m1 = m0;
                while (m1 < end && *m1 != ',' && *m1 != ']') m1++;
                int dim = eq->over[a];
                size_t j = 0;
                while (j < b->nmembers[dim] &&
                       (strlen(b->members[dim][j]) != (size_t)(m1 - m0) ||
                        strncmp(b->members[dim][j], m0, (size_t)(m1 - m0))))
                    j++;
                found &= j < b->nmembers[dim];
                pos[a] = j;
                q = (char *)m1;
            }
            if (found) combo = mrv_bound_eq_combo(b, (size_t)e, pos);
        }
        if (k && year && strncmp(q, "] = ", 4) == 0 && e >= 0 &&
            year >= b->first && year <= b->last) {
            char num[64];
            size_t j = 0;
            for (p = q + 4; p < end && *p != ' ' && j + 1 < sizeof num; p++)
                if (*p != ',') num[j++] = *p;
            num[j] = '\0';
            double shown = strtod(num, NULL);
            double want = mrv_run_equation_value(
                run, (size_t)e, (size_t)(year - b->first), combo);
            if (memcmp(&shown, &want, sizeof shown) != 0)
                fail_msg("%s: %s[%ld] is printed %s, the run has %.17g", what,
                         name, year, num, want);
            n++;
        }
        line = *end ? end + 1 : end;
    }
    return n;
}

/* Every parameter element the run read has the central value explain
** shows for the parameter on its own (mrv_vpick_central), bit for bit. */
static void check_read_elements(const mrv_run *run)
{
    const mrv_bound *b = run->bound;
    size_t *mem = calloc(b->ndims + 1, sizeof *mem);
    assert_non_null(mem);
    for (size_t i = 0; i < run->trail->ninst; i++) {
        const mrv_trail_inst *in = &run->trail->inst[i];
        for (size_t j = 0; j < in->nreads; j++) {
            const mrv_trail_read *r = &in->reads[j];
            if (r->kind != MRV_TRAIL_PARAM) continue;
            const mrv_param *p = &b->meth->params[r->idx];
            for (size_t a = 0; a < p->nover; a++)
                if (p->over[a] != MRV_AXIS_VINTAGE) mem[p->over[a]] = r->mem[a];
            mrv_vpick pk;
            char why[200];
            assert_status(mrv_bound_pick(b, (size_t)r->idx, r->year, mem, &pk,
                                         why, sizeof why),
                          MRV_OK);
            double x = mrv_vpick_central(&pk);
            assert_memory_equal(&x, &r->v.value, sizeof x);
        }
    }
    free(mem);
}

/* Every equation at every vintage of every demo project explains, down
** to the inputs, and every equation value it prints is the run's, bit for
** bit; so are the results in vintages.csv and report.json's equations. */
static void test_explain_every_demo_equation(void **state)
{
    (void)state;
    static const char *const projects[] = {
        "data/projects/cambodia-emotorcycles.yaml",
        "data/projects/mongolia-reforestation.yaml",
        "data/projects/moron-coal-conversion.yaml",
        "data/projects/ulaanbaatar-ger-heating.yaml",
        "data/projects/ulaanbaatar-landfill.yaml",
    };
    static const char *const meths[] = {"methodologies"};
    mrv_diag *d = mrv_diag_new();
    for (size_t i = 0; i < sizeof projects / sizeof *projects; i++) {
        mrv_options opt;
        memset(&opt, 0, sizeof opt);
        opt.search = fx_search();
        opt.search.meth_dirs = meths;
        opt.search.nmeth = 1;
        opt.central_only = true;
        opt.trail = true;
        mrv_run *run = NULL;
        mrv_diag_reset(d);
        if (mrv_run_new(projects[i], &opt, &run, d) != MRV_OK)
            fail_msg("%s: %s", projects[i], fx_first_msg(d));
        const mrv_methodology *m = run->bound->meth;
        for (size_t e = 0; e < m->neqs; e++) {
            for (size_t v = 0; v < run->nvint; v++) {
                char *text = NULL;
                size_t n = 0;
                FILE *f = open_memstream(&text, &n);
                mrv_explain_opts o = {
                    m->eqs[e].name, run->bound->first + (int)v, 0, NULL, false};
                mrv_status st = mrv_explain(run, &o, f, d);
                fclose(f);
                if (st != MRV_OK)
                    fail_msg("%s %s %d: %s", projects[i], o.name, o.year,
                             fx_first_msg(d));
                char what[256];
                snprintf(what, sizeof what, "%s, %s at %d", projects[i], o.name,
                         o.year);
                /* at least the node's own line */
                assert_true(check_printed_values(run, text, what) >= 1);
                free(text);
            }
        }
        check_read_elements(run);
        check_agreement(run);
        mrv_run_free(run);
    }
    mrv_diag_free(d);
}

/* The landfill's methane, needed for the plausibility flag, is seen per
** waste type (TOOL04 Eq. 1 as an equation over 'waste'): CH4_gen sums six
** types, and food's term runs over 2009 .. y and both seasons. */
static void test_explain_landfill_methane(void **state)
{
    (void)state;
    static const char *const meths[] = {"methodologies"};
    mrv_options opt;
    memset(&opt, 0, sizeof opt);
    opt.search = fx_search();
    opt.search.meth_dirs = meths;
    opt.search.nmeth = 1;
    opt.central_only = true;
    opt.trail = true;
    mrv_diag *d = mrv_diag_new();
    mrv_run *run = NULL;
    assert_status(
        mrv_run_new("data/projects/ulaanbaatar-landfill.yaml", &opt, &run, d),
        MRV_OK);
    char *text = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&text, &n);
    mrv_explain_opts o = {"CH4_gen", 2027, 0, NULL, false};
    assert_status(mrv_explain(run, &o, f, d), MRV_OK);
    fclose(f);
    assert_non_null(strstr(text,
                           "  sum       j in waste (food, paper, textiles, "
                           "garden, wood, inert): 6 terms = "));
    free(text);
    /* Food's own term: 19 years x 2 seasons of W, listed (under the cut
    ** of 40), and DOC from the member-keyed default. */
    text = NULL;
    f = open_memstream(&text, &n);
    mrv_explain_opts of = {"CH4_GEN_J", 2027, 0, "food", false};
    assert_status(mrv_explain(run, &of, f, d), MRV_OK);
    fclose(f);
    assert_non_null(strstr(text, "  sum       x in x0 .. y (2009 .. 2027), "
                                 "s in season (winter, summer): 38 terms = "));
    assert_non_null(strstr(text, "W[2009, winter] = 95,000 t  "
                                 "(data/projects/ulaanbaatar-landfill.yaml:"));
    assert_non_null(strstr(text, "W[2027, summer] = 0 t"));
    assert_non_null(strstr(text, "DOC[food] = 0.15 tC/t  (default "
                                 "cdm.tool04/doc.food: "));
    free(text);
    mrv_run_free(run);
    mrv_diag_free(d);
}

/* ---- equations over dimensions ------------------------------------- */

/* A first-order decay per waste type (the end-to-end case
** tests/cases/fod-per-waste, made smaller): paper halves each year
** (k = ln 2), food keeps a quarter (k = ln 4).  By hand, per member:
** DDOCm = DDOCm[y - 1] e^-k + W DOC DOCf, DECOMP = DDOCm[y - 1] (1 - e^-k):
**   paper  40 -> 2025: 40 (20 decays), 2026: 80 (20), 2027: 50 (40)
**   food   10 -> 2025: 32.5 (7.5),     2026: 8.125 (24.375)          */
static const char fod_meth[] =
    "methodology: fod\n"
    "dimensions: {waste: {}}\n"
    "parameters:\n"
    "  W:    {unit: t, over: [vintage, waste], fill: zero}\n"
    "  DOC:  {unit: tC/t, over: [waste]}\n"
    "  k:    {unit: 1/yr, over: [waste], default: \"fod/k.{waste}\"}\n"
    "  DOCf: {unit: 1, default: 0.5}\n"
    "equations:\n"
    "  DDOCm:\n"
    "    unit: t\n"
    "    over: [waste]\n"
    "    initial: {paper: 40, food: 10}\n"
    "    formula: \"DDOCm[y - 1, waste] * exp(-k[waste]) + W[waste] * "
    "DOC[waste] * DOCf\"\n"
    "  DECOMP: {unit: t, over: [waste], formula: \"DDOCm[y - 1, waste] * (1 "
    "- exp(-k[waste]))\"}\n"
    "  BE: {unit: t, formula: \"sum(j in waste: DECOMP[j])\"}\n"
    "  PE: {unit: t, formula: \"0\"}\n"
    "results: {baseline: BE, project: PE, leakage: PE, reductions: BE}\n";

static const char fod_table[] =
    "table: fod\n"
    "source: half-lives of 1 and 0.5 years\n"
    "entries:\n"
    "  k.paper: {value: 0.69314718055994531, unit: 1/yr}\n"
    "  k.food:  {value: 1.3862943611198906, unit: 1/yr}\n";

static const char fod_project[] =
    "project: fod\n"
    "methodology: ./m.yaml\n"
    "factors: [t.yaml]\n"
    "crediting_period: {first: 2025, last: 2027}\n"
    "dimensions: {waste: [paper, food]}\n"
    "parameters:\n"
    "  W: {paper: {2025: 100, 2026: 300, 2027: 50}, food: {2025: 400}}\n"
    "  DOC: {paper: 0.4, food: 0.15}\n";

static char *explain_text(const mrv_run *run, const char *name, int year,
                          const char *member, mrv_diag *d, mrv_status want)
{
    char *text = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&text, &n);
    mrv_explain_opts o = {name, year, 0, member, false};
    mrv_diag_reset(d);
    assert_status(mrv_explain(run, &o, f, d), want);
    fclose(f);
    return text;
}

/* The central run of project 'path' with its trail, as explain needs. */
static mrv_run *trail_run(const char *path, mrv_diag *d)
{
    mrv_options opt;
    memset(&opt, 0, sizeof opt);
    opt.search = fx_search();
    opt.central_only = true;
    opt.trail = true;
    mrv_run *run = NULL;
    assert_status(mrv_run_new(path, &opt, &run, d), MRV_OK);
    return run;
}

/* The fod project written into 'dir' (its path into '*path'), run. */
static mrv_run *fod_run(const char *dir, char **path, mrv_diag *d)
{
    free(fx_write(dir, "m.yaml", fod_meth));
    free(fx_write(dir, "t.yaml", fod_table));
    *path = fx_write(dir, "p.yaml", fod_project);
    return trail_run(*path, d);
}

static void test_explain_over_dimensions(void **state)
{
    (void)state;
    char *dir = fx_mkdtemp(), *path = NULL;
    mrv_diag *d = mrv_diag_new();
    mrv_run *run = fod_run(dir, &path, d);

    /* Every member in turn, in the project's order. */
    char *all = explain_text(run, "DDOCm", 2026, NULL, d, MRV_OK);
    const char *p = strstr(all, "\nDDOCm[2026, paper] = 80 t\n");
    const char *q = strstr(all, "\nDDOCm[2026, food] = 8.125 t\n");
    assert_true(p && q && p < q);
    assert_non_null(strstr(all, "  values    40 [t] * exp(-0.6931472 [1/yr]) "
                                "+ 300 [t] * 0.4 [tC/t] * 0.5\n"));
    assert_non_null(strstr(all, "W[2026, food] = 0 t  (fill: zero, no value "
                                "given for 2026)\n"));
    /* One member: NAME[M] and --member say the same. */
    char *one = explain_text(run, "DDOCm[food]", 2025, NULL, d, MRV_OK);
    char *same = explain_text(run, "DDOCm", 2025, "food", d, MRV_OK);
    assert_string_equal(one, same);
    assert_null(strstr(one, "paper"));
    assert_non_null(strstr(one, "DDOCm[2025, food] = 32.5 t\n"));
    char want[512];
    snprintf(want, sizeof want,
             "DDOCm[2024, food] = 10 t  (initial, %s/m.yaml:12:32)\n", dir);
    assert_non_null(strstr(one, want));
    snprintf(want, sizeof want,
             "k[food] = 1.38629436111989 1/yr  (default fod/k.food: "
             "half-lives of 1 and 0.5 years)\n");
    assert_non_null(strstr(one, want));
    /* A scalar reading members: each explained below it. */
    char *be = explain_text(run, "BE", 2026, NULL, d, MRV_OK);
    assert_non_null(strstr(be, "  sum       j in waste (paper, food): 2 "
                               "terms = 44.375 t\n"));
    assert_non_null(strstr(be, "  reads     DECOMP[2026, paper] = 20 t\n"
                               "            DECOMP[2026, food] = 24.375 t\n"));
    assert_non_null(strstr(be, "\n  DECOMP[2026, food] = 24.375 t\n"));
    assert_non_null(strstr(be, "\n    DDOCm[2025, food] = 32.5 t\n"));
    free(all);
    free(one);
    free(same);
    free(be);

    /* Members asked wrongly. */
    free(explain_text(run, "DDOCm", 2026, "fod", d, MRV_EREF));
    snprintf(want, sizeof want,
             "'fod' is not a member of 'waste' (did you "
             "mean 'food'?)");
    fx_expect_error(d, 5, 14, want);
    free(explain_text(run, "DDOCm[paper, food]", 2026, NULL, d, MRV_EREF));
    fx_expect_error(d, 0, 0,
                    "'DDOCm' is over [waste]: name one member of each, "
                    "separated by commas, not 'paper, food'");
    free(explain_text(run, "BE[paper]", 2026, NULL, d, MRV_EREF));
    fx_expect_error(d, 0, 0, "'BE' is over no dimension");
    free(explain_text(run, "W", 2026, "paper", d, MRV_EREF));
    fx_expect_error(d, 0, 0, "'W' is a parameter");
    free(explain_text(run, "DDOCm[food]", 2026, "food", d, MRV_EREF));
    fx_expect_error(d, 0, 0, "the member is given twice");

    /* report.json: "over", and each vintage's members; the same bits as
    ** the run's values and the trail's. */
    char *json = NULL;
    size_t njson = 0;
    FILE *f = open_memstream(&json, &njson);
    assert_true(mrv_report_json(run, f));
    fclose(f);
    mrv_arena *a = mrv_arena_new(NULL, NULL);
    const mrv_json *root = NULL;
    assert_status(mrv_json_parse("report.json", json, njson, a, &root, d),
                  MRV_OK);
    const mrv_json *eqs = mrv_json_get(root, "equations");
    const mrv_json *dd = eqs->items[0];
    assert_string_equal(mrv_json_get(dd, "name")->text, "DDOCm");
    const mrv_json *over = mrv_json_get(dd, "over");
    assert_int_equal(over->n, 1);
    assert_string_equal(over->items[0]->text, "waste");
    const mrv_json *c = mrv_json_get(dd, "central");
    assert_string_equal(c->keys[1], "2026");
    assert_string_equal(c->items[1]->keys[0], "paper");
    assert_close(c->items[1]->items[0]->num, 80, 0);
    assert_close(c->items[1]->items[1]->num, 8.125, 0);
    assert_close(mrv_json_get(c->items[2], "food")->num, 2.03125, 0);
    assert_null(mrv_json_get(eqs->items[2], "over")); /* BE */
    const mrv_bound *b = run->bound;
    for (size_t e = 0; e < b->meth->neqs; e++) {
        for (size_t v = 0; v < b->nvint; v++) {
            for (size_t m = 0; m < b->eq_nmem[e]; m++) {
                const mrv_trail_inst *in = mrv_trail_find(
                    run->trail, (int)e, false, b->first + (int)v, m);
                assert_non_null(in);
                double x = mrv_run_equation_value(run, e, v, m);
                double t =
                    in->v.value *
                    (1.0 / mrv_unit_scale(b->meth->eqs[e].unit, b->year_days));
                assert_memory_equal(&x, &t, sizeof x);
                const mrv_json *cv =
                    mrv_json_get(eqs->items[e], "central")->items[v];
                if (b->eq_nmem[e] > 1) cv = cv->items[m];
                assert_memory_equal(&cv->num, &x, sizeof x);
            }
        }
    }
    assert_null(mrv_trail_find(run->trail, 0, false, 2025, 2)); /* no such */
    mrv_arena_free(a);
    free(json);
    mrv_run_free(run);
    mrv_diag_free(d);
    free(path);
    fx_rmtree(dir);
    free(dir);
}

/* A parameter over four dimensions of 70,000 records each has 70,000^4
** = 2.401e19 elements, past 64 bits: the first 200 are listed (the last
** axis fastest) and the rest counted exactly, 70,000^4 - 200 =
** 24,009,999,999,999,999,800, in the text and in --json. */
static void test_explain_parameter_count_past_64_bits(void **state)
{
    (void)state;
    char *dir = fx_mkdtemp();
    free(fx_write(dir, "m.yaml",
                  "methodology: wide\n"
                  "dimensions: {a: {}, b: {}, c: {}, d: {}}\n"
                  "parameters:\n"
                  "  U: {unit: t, over: [a, b, c, d]}\n"
                  "  X: {unit: t}\n"
                  "equations:\n"
                  "  BE: {unit: t, formula: \"X\"}\n"
                  "  PE: {unit: t, formula: \"0\"}\n"
                  "  LE: {unit: t, formula: \"0\"}\n"
                  "  ER: {unit: t, formula: \"BE - PE - LE\"}\n"
                  "results: {baseline: BE, project: PE, leakage: LE, "
                  "reductions: ER}\n"));
    size_t nrec = 70000, o = 0, cap = 40 * nrec;
    char *csv = malloc(cap);
    assert_non_null(csv);
    o += (size_t)snprintf(csv, cap, "a,b,c,d\n");
    for (size_t i = 0; i < nrec; i++)
        o += (size_t)snprintf(csv + o, cap - o, "a%zu,b%zu,c%zu,d%zu\n", i, i,
                              i, i);
    free(fx_write(dir, "r.csv", csv));
    free(csv);
    char *path = fx_write(dir, "p.yaml",
                          "project: wide\n"
                          "methodology: ./m.yaml\n"
                          "crediting_period: {first: 2025, last: 2025}\n"
                          "dimensions:\n"
                          "  a: {csv: r.csv, column: a}\n"
                          "  b: {csv: r.csv, column: b}\n"
                          "  c: {csv: r.csv, column: c}\n"
                          "  d: {csv: r.csv, column: d}\n"
                          "parameters: {U: 1, X: 5}\n");
    mrv_diag *d = mrv_diag_new();
    mrv_run *run = trail_run(path, d);

    char *text = explain_text(run, "U", MRV_NO_YEAR, NULL, d, MRV_OK);
    assert_non_null(strstr(text, "\n  U[a0, b0, c0, d0] = 1 t  "));
    assert_non_null(strstr(text, "\n  U[a0, b0, c0, d199] = 1 t  "));
    assert_null(strstr(text, "d200]"));
    assert_non_null(
        strstr(text, "\n  ... and 24009999999999999800 more elements\n"));
    free(text);
    text = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&text, &n);
    mrv_explain_opts jo = {"U", MRV_NO_YEAR, 0, NULL, true};
    assert_status(mrv_explain(run, &jo, f, d), MRV_OK);
    fclose(f);
    assert_non_null(strstr(text, "], \"more\": 24009999999999999800}"));
    free(text);
    mrv_run_free(run);
    mrv_diag_free(d);
    free(path);
    fx_rmtree(dir);
    free(dir);
}

/* explain --json: the same tree as data, read back with the strict
** JSON reader: nodes in the text's order, values bit for bit the run's,
** reads with their members, a parameter's elements. */
static void test_explain_json(void **state)
{
    (void)state;
    char *dir = fx_mkdtemp(), *path = NULL;
    mrv_diag *d = mrv_diag_new();
    mrv_run *run = fod_run(dir, &path, d);
    mrv_arena *a = mrv_arena_new(NULL, NULL);

    char *text = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&text, &n);
    mrv_explain_opts o = {"BE", 2026, 0, NULL, true};
    assert_status(mrv_explain(run, &o, f, d), MRV_OK);
    fclose(f);
    const mrv_json *root = NULL;
    assert_status(mrv_json_parse("explain", text, n, a, &root, d), MRV_OK);
    assert_string_equal(mrv_json_get(root, "kind")->text, "equation");
    assert_close(mrv_json_get(root, "vintage")->num, 2026, 0);
    const mrv_json *nodes = mrv_json_get(root, "nodes");
    const mrv_json *be = nodes->items[0];
    assert_string_equal(mrv_json_get(be, "label")->text, "BE[2026]");
    assert_close(mrv_json_get(be, "value")->num, 44.375, 0);
    const char *sum = mrv_json_get(be, "sums")->items[0]->text;
    assert_non_null(strstr(sum, "sum       j in waste (paper, food): 2 terms "
                                "= 44.375 t\n"));
    /* Its reads: DECOMP per member, with the member named. */
    const mrv_json *reads = mrv_json_get(be, "reads");
    const mrv_json *r1 = reads->items[1];
    assert_string_equal(mrv_json_get(r1, "label")->text, "DECOMP[2026, food]");
    assert_string_equal(
        mrv_json_get(mrv_json_get(r1, "members"), "waste")->text, "food");
    assert_close(mrv_json_get(r1, "value")->num, 24.375, 0);
    assert_true(mrv_json_get(r1, "expanded")->b);
    /* Every node is an equation the text explains, in the same order. */
    char *plain = explain_text(run, "BE", 2026, NULL, d, MRV_OK);
    const char *at = plain;
    for (size_t i = 0; i < nodes->n; i++) {
        const mrv_json *nd = nodes->items[i];
        char head[256];
        snprintf(head, sizeof head, "%s = ", mrv_json_get(nd, "label")->text);
        const char *hit = strstr(at, head);
        if (!hit) fail_msg("node %s is not next in the text", head);
        at = hit + 1;
        /* The value: the run's, bit for bit. */
        const mrv_json *eqn = mrv_json_get(nd, "equation");
        int e = mrv_methodology_equation(run->bound->meth, eqn->text);
        /* One dimension, waste: paper, food. */
        size_t pos[MRV_MAX_AXES] = {0};
        const mrv_json *mem = mrv_json_get(nd, "members");
        if (mem->n) pos[0] = strcmp(mem->items[0]->text, "food") == 0;
        if (mrv_json_get(nd, "initial")->b) continue;
        size_t v = (size_t)(mrv_json_get(nd, "year")->num - 2025);
        double x = mrv_run_equation_value(
            run, (size_t)e, v, mrv_bound_eq_combo(run->bound, (size_t)e, pos));
        assert_memory_equal(&mrv_json_get(nd, "value")->num, &x, sizeof x);
    }
    free(plain);
    free(text);

    /* A parameter: its elements, with values and provenance. */
    text = NULL;
    f = open_memstream(&text, &n);
    mrv_explain_opts po = {"DOC", MRV_NO_YEAR, 0, NULL, true};
    assert_status(mrv_explain(run, &po, f, d), MRV_OK);
    fclose(f);
    assert_status(mrv_json_parse("explain", text, n, a, &root, d), MRV_OK);
    const mrv_json *par = mrv_json_get(root, "parameter");
    const mrv_json *els = mrv_json_get(par, "elements");
    assert_int_equal(els->n, 2);
    assert_string_equal(mrv_json_get(els->items[1], "label")->text,
                        "DOC[food]");
    assert_close(mrv_json_get(els->items[1], "value")->num, 0.15, 0);
    assert_string_equal(mrv_json_get(par, "origin")->text, "project");
    assert_close(mrv_json_get(par, "more")->num, 0, 0);
    free(text);

    mrv_arena_free(a);
    mrv_run_free(run);
    mrv_diag_free(d);
    free(path);
    fx_rmtree(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_explain_tree_by_hand, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_explain_lags_initial_and_fill,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_explain_depth, setup, teardown),
        cmocka_unit_test_setup_teardown(test_explain_parameter, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_explain_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_explain_partial_vintage, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_explain_keep_equations_program,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_explain_agrees_with_reports, setup,
                                        teardown),
        cmocka_unit_test(test_explain_shows_what_the_run_computes),
        cmocka_unit_test(test_explain_every_demo_equation),
        cmocka_unit_test(test_explain_landfill_methane),
        cmocka_unit_test(test_explain_over_dimensions),
        cmocka_unit_test(test_explain_json),
        cmocka_unit_test(test_explain_parameter_count_past_64_bits),
    };
    gsl_set_error_handler_off(); /* process-wide; never in the library */
    return cmocka_run_group_tests_name("explain", tests, NULL, NULL);
}
