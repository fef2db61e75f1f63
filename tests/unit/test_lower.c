/*
** test_lower.c -- lowering a bound model to a flat program (lower.c), and
** the central case run on it (run.c).
**
** Each case writes a one-file methodology and its project into a scratch
** folder, runs the pipeline and looks at the program: what is folded (and
** only when finite), what is shared (CSE), the simplifications, the slot
** discipline the VM relies on, which inputs are shared between vintages;
** then the input errors only lowering can find, and non-finite values
** traced back to the formula position that made them.
*/
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "expr.h"
#include "lower.h"
#include "run.h"

typedef struct fixture {
    char *dir;
    mrv_diag *diag;
    mrv_run *run;
    char *meth_path;
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    if (!fx) return -1;
    fx->dir = fx_mkdtemp();
    fx->diag = mrv_diag_new();
    *state = fx;
    return fx->diag ? 0 : -1;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    mrv_run_free(fx->run);
    mrv_diag_free(fx->diag);
    free(fx->meth_path);
    fx_rmtree(fx->dir);
    free(fx->dir);
    free(fx);
    return 0;
}

/* The equations start on line 9 of m.yaml (10 with one more parameter
** line); results are BE, PE, LE, ER,
** with defaults PE: 0, LE: 0, ER: BE - PE - LE unless given. */
static mrv_status run_with(fixture *fx, const char *params, const char *eqs,
                           const char *values, const char *period)
{
    size_t cap = strlen(params) + strlen(eqs) + 1024;
    char *text = malloc(cap);
    assert_non_null(text);
    snprintf(text, cap,
             "methodology: l\n"          /* 1 */
             "dimensions: {fleet: {}}\n" /* 2 */
             "parameters:\n"             /* 3 */
             "  X: {unit: t, default: {value: 2, uncertainty: 10%%}}\n"
             "  C: {unit: t, default: 3}\n" /* 5 */
             "  Z: {unit: 1, default: 0}\n" /* 6 */
             "  U: {unit: 1, default: {value: 2, uncertainty: 1%%}}\n"
             "%s"           /* 8 */
             "equations:\n" /* 8, 9 */
             "%s"           /* 9, 10 */
             "results: {baseline: BE, project: PE, leakage: LE, "
             "reductions: ER}\n",
             params, eqs);
    free(fx->meth_path);
    fx->meth_path = fx_write(fx->dir, "m.yaml", text);
    snprintf(text, cap,
             "project: l\n"
             "methodology: ./m.yaml\n"
             "crediting_period: %s\n"
             "dimensions: {fleet: [a, b, c]}\n"
             "parameters: {%s}\n",
             period ? period : "{first: 2025, last: 2027}",
             values ? values : "");
    char *path = fx_write(fx->dir, "p.yaml", text);
    free(text);
    mrv_run_free(fx->run);
    fx->run = NULL;
    mrv_diag_reset(fx->diag);
    mrv_options opt;
    memset(&opt, 0, sizeof opt);
    opt.search = fx_search();
    opt.draws_set = true;
    mrv_status st = mrv_run_new(path, &opt, &fx->run, fx->diag);
    free(path);
    return st;
}

#define STD_TAIL                                                               \
    "  PE: {unit: t, formula: \"0\"}\n"                                        \
    "  LE: {unit: t, formula: \"0\"}\n"                                        \
    "  ER: {unit: t, formula: \"BE - PE - LE\"}\n"

static size_t count_op(const mrv_program *p, mrv_opcode op)
{
    size_t n = 0;
    for (size_t i = 0; i < p->ncode; i++) n += p->code[i].op == op;
    return n;
}

static double central(const fixture *fx, size_t v, int r)
{
    return fx->run->stats[v * MRV_NRESULTS + r].central;
}

/* The VM's preconditions: operands are slots, and no instruction writes
** a slot it reads. */
static void check_slots(const mrv_program *p)
{
    for (size_t i = 0; i < p->ncode; i++) {
        const mrv_insn *in = &p->code[i];
        assert_true(in->op < MRV_I_COUNT);
        assert_true(in->b < p->nslots);
        bool reads_c = in->op != MRV_I_POWI && in->op != MRV_I_ROUND &&
                       in->op != MRV_I_CHECK;
        if (reads_c) assert_true(in->c < p->nslots);
        assert_true(in->d < p->nslots);
        assert_true(in->site < p->nsites);
        if (in->op == MRV_I_CHECK) {
            assert_true(in->c < p->nchecks);
            continue;
        }
        assert_true(in->a < p->nslots);
        assert_true(in->a >= p->ninputs); /* inputs are never written */
        assert_true(in->a != in->b);
        if (reads_c && in->op <= MRV_I_POW) assert_true(in->a != in->c);
        if (in->op == MRV_I_SEL) {
            assert_true(in->a != in->c);
            assert_true(in->a != in->d);
        }
    }
    for (size_t k = 0; k < p->nvint * MRV_NRESULTS; k++)
        assert_true(p->result_slot[k] < p->nslots);
}

static void test_lower_folds_certain_models(void **state)
{
    fixture *fx = *state;
    /* Everything certain: nothing is left for the VM. */
    assert_status(run_with(fx, "",
                           "  BE: {unit: t, formula: \"C * (2 + sum(x in 1 .. "
                           "4: x) * y / y + ln(exp(1)))\"}\n" STD_TAIL,
                           NULL, NULL),
                  MRV_OK);
    const mrv_program *p = fx->run->program;
    check_slots(p);
    assert_int_equal(p->ninputs, 0); /* X and U are never read */
    assert_int_equal(p->ncode, 0);
    /* 3 t * (2 + 10 + 1) */
    for (size_t v = 0; v < 3; v++) {
        assert_close(central(fx, v, MRV_RES_BASELINE), 39, 1e-15);
        assert_close(central(fx, v, MRV_RES_REDUCTIONS), 39, 1e-15);
    }
    assert_close(central(fx, 3, MRV_RES_BASELINE), 117, 1e-15);
}

static void test_lower_folds_only_finite(void **state)
{
    fixture *fx = *state;
    /* C / Z is C / 0: not folded (it is not finite), so the VM computes it
    ** and the check reports it at the '/'. */
    assert_status(
        run_with(fx, "",
                 "  BE: {unit: t, formula: \"C / Z + 1 * 0\"}\n" STD_TAIL, NULL,
                 NULL),
        MRV_EDOMAIN);
    fx_expect_error(fx->diag, 9, 29,
                    "'BE' is not finite in vintage 2025 in the central case: "
                    "division by zero");
    assert_int_equal(mrv_diag_error_count(fx->diag), 1);
    /* The same with literals: a huge power. */
    assert_status(
        run_with(fx, "", "  BE: {unit: t, formula: \"C * 10^400\"}\n" STD_TAIL,
                 NULL, NULL),
        MRV_EDOMAIN);
    fx_expect_error(fx->diag, 9, 33, "overflow in a power");
    assert_status(run_with(fx, "",
                           "  BE: {unit: t, formula: \"C * if(y < 2027, 1, "
                           "ln(Z))\"}\n" STD_TAIL,
                           NULL, NULL),
                  MRV_EDOMAIN);
    fx_expect_error(fx->diag, 9, 47,
                    "'BE' is not finite in vintage 2027 in the central case: "
                    "logarithm of zero");
}

static void test_lower_shares_work(void **state)
{
    fixture *fx = *state;
    /* X * 2 appears in BE and PE, in every vintage: made once.  X * 1 + 0
    ** is X itself; 2 * (3 * X) is one multiplication by 6 (which the ADD
    ** that reads it alone fuses into a MADDK: b + X * 6). */
    assert_status(run_with(fx, "",
                           "  BE: {unit: t, formula: \"X * 2 + X * 1 + 0\"}\n"
                           "  PE: {unit: t, formula: \"(X * 2) * 0.5 + 2 * (3 "
                           "* X)\"}\n"
                           "  LE: {unit: t, formula: \"0\"}\n"
                           "  ER: {unit: t, formula: \"BE - PE - LE\"}\n",
                           NULL, NULL),
                  MRV_OK);
    const mrv_program *p = fx->run->program;
    check_slots(p);
    assert_int_equal(p->ninputs, 1);
    size_t ncode = p->ncode;
    assert_int_equal(count_op(p, MRV_I_MUL), 0);
    size_t mulk = count_op(p, MRV_I_MULK);
    bool six = false;
    for (size_t i = 0; i < p->ncode; i++)
        six |= (p->code[i].op == MRV_I_MULK || p->code[i].op == MRV_I_MADDK) &&
               p->code[i].k == 6;
    assert_true(six);
    assert_close(central(fx, 0, MRV_RES_BASELINE), 6, 1e-15);
    assert_close(central(fx, 0, MRV_RES_PROJECT), 14, 1e-15);
    assert_close(central(fx, 2, MRV_RES_REDUCTIONS), -8, 1e-15);
    assert_close(central(fx, 3, MRV_RES_REDUCTIONS), -24, 1e-15);
    /* Nothing depends on y: ten vintages need no more code than three. */
    assert_status(run_with(fx, "",
                           "  BE: {unit: t, formula: \"X * 2 + X * 1 + 0\"}\n"
                           "  PE: {unit: t, formula: \"(X * 2) * 0.5 + 2 * (3 "
                           "* X)\"}\n"
                           "  LE: {unit: t, formula: \"0\"}\n"
                           "  ER: {unit: t, formula: \"BE - PE - LE\"}\n",
                           NULL, "{first: 2021, last: 2030}"),
                  MRV_OK);
    assert_int_equal(fx->run->program->ncode, ncode);
    assert_int_equal(count_op(fx->run->program, MRV_I_MULK), mulk);
}

/* A sum's terms that differ only by a constant factor become one term:
** 40 years of decay weights times each member's draws cost a few
** operations, not 120 products and additions. */
static void test_lower_collects_sum_terms(void **state)
{
    fixture *fx = *state;
    const char *params = "  V: {unit: t, over: [fleet]}\n";
    const char *eqs = "  BE: {unit: t, formula: \"sum(x in 1 .. 40, i in "
                      "fleet: V[i] * U * 0.9 ^ x)\"}\n"
                      "  PE: {unit: t, formula: \"sum(x in 1 .. 2: X * (-1) "
                      "^ x)\"}\n"
                      "  LE: {unit: t, formula: \"0\"}\n"
                      "  ER: {unit: t, formula: \"BE - PE - LE\"}\n";
    assert_status(run_with(fx, params, eqs,
                           "V: {value: {a: 1, b: 2, c: 3}, uncertainty: 5%, "
                           "vary: member}",
                           NULL),
                  MRV_OK);
    const mrv_program *p = fx->run->program;
    check_slots(p);
    assert_int_equal(p->ninputs, 5); /* V per member, U, X */
    /* U leaves the sum; the weighted sum of the three members' draws is
    ** made once (every vintage is the same), then multiplied by U. */
    assert_int_equal(count_op(p, MRV_I_MUL), 1);
    assert_true(count_op(p, MRV_I_MULK) + count_op(p, MRV_I_MADDK) <= 4);
    assert_int_equal(count_op(p, MRV_I_ADD), 0);
    /* sum of 0.9^x for x = 1 .. 40 is 9 (1 - 0.9^40); times 2 (U) and
    ** 1 + 2 + 3 (V). */
    double w = 9 * (1 - pow(0.9, 40));
    assert_close(central(fx, 0, MRV_RES_BASELINE), 12 * w, 1e-14);
    /* -X + X: the coefficients cancel, and X is finite. */
    assert_close(central(fx, 0, MRV_RES_PROJECT), 0, 0);
}

static void test_lower_inputs_per_vintage(void **state)
{
    fixture *fx = *state;
    /* A shared draw (the default) is one input for all vintages and
    ** members; 'vary: vintage' one per vintage; 'vary: member' one per
    ** member. */
    const char *params = "  V: {unit: t, over: [fleet]}\n";
    const char *eqs =
        "  BE: {unit: t, formula: \"sum(i in fleet: V[i])\"}\n" STD_TAIL;
    assert_status(
        run_with(fx, params, eqs, "V: {value: 1, uncertainty: 5%}", NULL),
        MRV_OK);
    assert_int_equal(fx->run->program->ninputs, 1);
    assert_close(central(fx, 0, MRV_RES_BASELINE), 3, 1e-15);
    assert_status(run_with(fx, params, eqs,
                           "V: {value: 1, uncertainty: 5%, vary: vintage}",
                           NULL),
                  MRV_OK);
    assert_int_equal(fx->run->program->ninputs, 3);
    assert_status(run_with(fx, params, eqs,
                           "V: {value: 1, uncertainty: 5%, vary: member}",
                           NULL),
                  MRV_OK);
    assert_int_equal(fx->run->program->ninputs, 3);
    assert_status(run_with(fx, params, eqs,
                           "V: {value: 1, uncertainty: 5%, vary: [vintage, "
                           "member]}",
                           NULL),
                  MRV_OK);
    assert_int_equal(fx->run->program->ninputs, 9);
    const mrv_program *p = fx->run->program;
    check_slots(p);
    for (size_t i = 0; i < p->ninputs; i++) {
        assert_close(p->inputs[i].center, 1, 0); /* relative: around 1 */
        for (size_t j = 0; j < i; j++)
            assert_true(p->inputs[i].stream != p->inputs[j].stream);
    }
}

static void test_lower_short_cuts(void **state)
{
    fixture *fx = *state;
    /* 'or' and 'if' with a known left side or condition do not touch what
    ** they do not need: S[y - 1] at the first vintage, which has no
    ** initial. */
    mrv_status st = run_with(fx, "",
                             "  S: {unit: t, formula: \"if(y == first, C, "
                             "S[y - 1] * 2)\"}\n"
                             "  BE: {unit: t, formula: \"S * (y == first or "
                             "S[y - 1] > 0)\"}\n"
                             "  PE: {unit: t, formula: \"S * (y > first and "
                             "S[y - 1] > 100 * C)\"}\n"
                             "  LE: {unit: t, formula: \"sum(x in y + 1 .. y: "
                             "S[x])\"}\n"
                             "  ER: {unit: t, formula: \"BE - PE - LE\"}\n",
                             NULL, NULL);
    if (st != MRV_OK) fail_msg("%s", fx_first_msg(fx->diag));
    /* S = 3, 6, 12; PE is S only once S[y - 1] > 300 t (never); LE sums an
    ** empty range (y + 1 > y), so reads nothing. */
    assert_close(central(fx, 0, MRV_RES_BASELINE), 3, 1e-15);
    assert_close(central(fx, 1, MRV_RES_BASELINE), 6, 1e-15);
    assert_close(central(fx, 2, MRV_RES_BASELINE), 12, 1e-15);
    assert_close(central(fx, 2, MRV_RES_PROJECT), 0, 0);
    assert_close(central(fx, 3, MRV_RES_LEAKAGE), 0, 0);
    /* A masked branch is not an error: ln of a negative X is never
    ** chosen. */
    assert_status(run_with(fx, "",
                           "  BE: {unit: t, formula: \"if(X > C, C * ln((X - "
                           "C) / C), X)\"}\n" STD_TAIL,
                           NULL, NULL),
                  MRV_OK);
    assert_close(central(fx, 0, MRV_RES_BASELINE), 2, 1e-15);
    check_slots(fx->run->program);
}

static const struct {
    const char *params, *formula, *values;
    const char *needle; /* where in the formula the error points */
    const char *msg;
} bad[] = {
    {"  A: {unit: t, over: [vintage]}\n", "A[y - 5]",
     "A: {2025: 1, 2026: 1, 2027: 1}", "y -",
     "'A' has no value for 2020 (years given: 2025-2027)"},
    {"", "C[y - 1]", NULL, "C[", "'C' has no axes and takes no subscript"},
    {"  A: {unit: t, over: [vintage]}\n", "A[y - X / X]",
     "A: {2025: 1, 2026: 1, 2027: 1}", "y -",
     "the year subscript depends on an uncertain input; subscripts and "
     "ranges must be known before sampling"},
    {"  A: {unit: t, over: [vintage]}\n", "A[y - 0.5]",
     "A: {2025: 1, 2026: 1, 2027: 1}", "y -",
     "the year subscript is 2024.5, not a whole number"},
    {"", "sum(x in 1 .. (Z + 3) / 2: C)", NULL, "(Z",
     "a range bound is 1.5, not a whole number"},
    {"", "sum(x in 1 .. U: C)", NULL,
     "U:", "a range bound depends on an uncertain input"},
    /* Known but not finite: the cause, not an uncertain input. */
    {"", "sum(x in 1 .. 1 / Z: C)", NULL, "1 /",
     "a range bound is NaN, not a finite number (a division by zero or an "
     "overflow among constants)"},
    {"  A: {unit: t, over: [vintage]}\n", "A[y - Z / Z]",
     "A: {2025: 1, 2026: 1, 2027: 1}", "y -",
     "the year subscript is NaN, not a finite number"},
    {"  A: {unit: t, over: [vintage]}\n", "A[y - 1 / (1 / Z)]",
     "A: {2025: 1, 2026: 1, 2027: 1}", "y -",
     "the year subscript is NaN, not a finite number (a division by zero"},
    {"", "sum(x in 0 .. 100000: C)", NULL, "x in",
     "the range 0 .. 100000 has 100001 values; at most 100000 are allowed"},
    {"", "sum(a in 1 .. 100000, b in 1 .. 1000: C)", NULL, "sum",
     "the sums expand to more than 20000000 terms"},
    /* Under the term cap, but each term's body is big: 5,000,000 terms of
    ** 11 nodes each pass 50,000,000 steps (it took 44 s to check a 16 KB
    ** methodology built like this). */
    {"", "C * sum(a in 1 .. 5000, b in 1 .. 1000: a * b + a - b + a / b)", NULL,
     "a / b", "the formulas take more than 50000000 steps to lower"},
    {"", "C + BE[y - 1]", NULL, "y -",
     "'BE' is read at 2024, before the first vintage 2025, but declares no "
     "'initial'"},
    {"", "C + PE[y + 1] * 0", NULL, "y +",
     "'PE' is read at 2026, after the vintage 2025 being computed"},
    /* Itself a year later: the same error, not a cycle "in the same
    ** vintage". */
    {"", "C + BE[y + 1]", NULL, "y +",
     "'BE' is read at 2026, after the vintage 2025 being computed"},
    {"", "C * 2^(1 + 2000 * (Z + 1))", NULL, "^", "overflow in a power"},
    {"", "C * sqrt(Z - 1)", NULL, "sqrt", "square root of a negative number"},
    /* An infinity from a division by zero, turned back into a number by
    ** the next step (1 / inf is 0): NaN instead, so it is reported. */
    {"", "C * (1 / (1 / Z))", NULL, "/ Z", "division by zero"},
    {"", "C * exp(-1 / Z)", NULL, "/ Z", "division by zero"},
    /* 0 * X is folded to 0 only for an X surely finite; an if whose
    ** condition divides by zero is not (the condition makes it NaN). */
    {"", "C + 0 * if(Z / Z > 1, C, C)", NULL, "/ Z", "division by zero"},
    /* round's decimals are a whole number known before sampling; a
    ** non-finite argument is reported where it was made, an overflowing
    ** rounding at the 'round'. */
    {"", "C * round(U, U)", NULL, "U)",
     "the number of decimals of 'round' depends on an uncertain input; it "
     "must be known before sampling"},
    {"", "C * round(U, 5 / 2)", NULL, "5 /",
     "the number of decimals of 'round' is 2.5, not a whole number"},
    {"", "round(C / Z, 2)", NULL, "/ Z", "division by zero"},
    /* A test on an infinite value does not hide it: min(1, inf) is not
    ** 1, nor inf > 1 true. */
    {"", "C * min(1, U / Z)", NULL, "/ Z", "division by zero"},
    {"", "C * if(1 / Z > 1, 1, 2)", NULL, "/ Z", "division by zero"},
    {"", "C * round(Z + 1.7976931348623157e308, -308)", NULL, "round",
     "overflow in a rounding"},
};

static void test_lower_errors(void **state)
{
    fixture *fx = *state;
    size_t nbad = 0;
    const size_t prefix = strlen("  BE: {unit: t, formula: \"");
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char eqs[1024];
        snprintf(eqs, sizeof eqs, "  BE: {unit: t, formula: \"%s\"}\n" STD_TAIL,
                 bad[i].formula);
        mrv_status st = run_with(fx, bad[i].params, eqs, bad[i].values, NULL);
        const char *at = strstr(bad[i].formula, bad[i].needle);
        assert_non_null(at);
        unsigned col = (unsigned)(prefix + (size_t)(at - bad[i].formula) + 1);
        /* Line 9 when no parameter lines are added, else 10. */
        unsigned line = bad[i].params[0] ? 10 : 9;
        bool ok = st != MRV_OK && fx->run == NULL &&
                  fx_has_error(fx->diag, line, col, bad[i].msg) &&
                  mrv_diag_error_count(fx->diag) == 1;
        if (!ok) {
            print_message("  ^ '%s': %s, %zu errors\n", bad[i].formula,
                          mrv_status_name(st), mrv_diag_error_count(fx->diag));
            nbad++;
        }
    }
    if (nbad) fail_msg("%zu of the bad formulas failed", nbad);
}

static void test_lower_round(void **state)
{
    fixture *fx = *state;
    /* 2.675 t is 2675 kg inside, 2.67499999999999982 t as a double: the
    ** equation's declared unit (t) is what round's decimals count in, and
    ** 2.675 to 2 decimals is 2.68 as a spreadsheet gives it.  Certain,
    ** so folded: no instruction. */
    const char *params = "  R: {unit: t, default: 2.675}\n";
    assert_status(run_with(fx, params,
                           "  BE: {unit: t, formula: \"round(R, 2)\"}\n"
                           "  PE: {unit: kg, formula: \"round(R, -1)\"}\n"
                           "  LE: {unit: t, formula: \"R - round(R)\"}\n"
                           "  ER: {unit: t, formula: \"BE - PE - LE\"}\n",
                           NULL, NULL),
                  MRV_OK);
    assert_int_equal(fx->run->program->ncode, 0);
    assert_close(central(fx, 0, MRV_RES_BASELINE), 2.68, 1e-15);
    assert_close(central(fx, 0, MRV_RES_PROJECT), 2680, 1e-15); /* kg */
    assert_close(central(fx, 0, MRV_RES_LEAKAGE), -0.325, 1e-15);
    /* Dimensionless: rounded as it is.  U is uncertain (2), so the VM
    ** rounds, draw by draw: 2 * 1.3375 = 2.675 -> 2.68, times C = 3 t. */
    assert_status(run_with(fx, "",
                           "  BE: {unit: t, formula: \"C * round(U * 1.3375, "
                           "2)\"}\n" STD_TAIL,
                           NULL, NULL),
                  MRV_OK);
    assert_true(count_op(fx->run->program, MRV_I_ROUND) >= 1);
    check_slots(fx->run->program);
    assert_close(central(fx, 0, MRV_RES_BASELINE), 8.04, 1e-15);
    /* Negative decimals and half away from zero: -1250 to hundreds. */
    assert_status(run_with(fx, "",
                           "  BE: {unit: t, formula: \"C * round(-625 * U, "
                           "-2)\"}\n" STD_TAIL,
                           NULL, NULL),
                  MRV_OK);
    assert_close(central(fx, 0, MRV_RES_BASELINE), -3900, 1e-15);
    /* A dimensionless value in an equation declared in a unit of numbers
    ** that is not 1 is rounded in that unit too: 22.5 % is 23 % (not
    ** 0.225 to 0, 0 %), 4,380.6 h/yr is 4,381 h/yr (not half a year to
    ** 1, 8,760 h/yr), 2.345 t/t is 2,345 kg/t (not 2). */
    assert_status(run_with(fx,
                           "  R: {unit: '%', default: 22.5}\n"
                           "  HY: {unit: h/yr, default: 4380.6}\n"
                           "  A: {unit: kg, default: 2345}\n",
                           "  PCT: {unit: '%', formula: \"round(R)\"}\n"
                           "  HRS: {unit: h/yr, formula: \"round(HY)\"}\n"
                           "  KGT: {unit: kg/t, formula: \"round(A / C * "
                           "3)\"}\n"
                           "  BE: {unit: t, formula: \"C * PCT\"}\n"
                           "  PE: {unit: t, formula: \"C * HRS / HY\"}\n"
                           "  LE: {unit: t, formula: \"KGT * C / 3\"}\n"
                           "  ER: {unit: t, formula: \"BE - PE - LE\"}\n",
                           NULL, NULL),
                  MRV_OK);
    assert_close(central(fx, 0, MRV_RES_BASELINE), 3 * 0.23, 1e-15);
    assert_close(central(fx, 0, MRV_RES_PROJECT), 3 * 4381 / 4380.6, 1e-15);
    assert_close(central(fx, 0, MRV_RES_LEAKAGE), 2.345, 1e-15);
}

static void test_lower_choices(void **state)
{
    fixture *fx = *state;
    /* A choice is certain, so its comparisons fold and an 'if' on one
    ** takes its branch while lowering: no comparison or select is left,
    ** and the branches not taken read nothing (X is uncertain). */
    const char *params =
        "  LK: {choice: [none, default_factor, measured], default: "
        "default_factor}\n";
    const char *eqs = "  BE: {unit: t, formula: \"C\"}\n"
                      "  PE: {unit: t, formula: \"0\"}\n"
                      "  LE: {unit: t, formula: \"if(LK == 'none', 0, if(LK "
                      "== 'measured', C * 0.5, X * 0.1))\"}\n"
                      "  ER: {unit: t, formula: \"BE - PE - LE * (LK != "
                      "'none')\"}\n";
    assert_status(run_with(fx, params, eqs, NULL, NULL), MRV_OK);
    const mrv_program *p = fx->run->program;
    check_slots(p);
    assert_int_equal(count_op(p, MRV_I_EQ) + count_op(p, MRV_I_NE), 0);
    assert_int_equal(count_op(p, MRV_I_SEL), 0);
    assert_int_equal(p->ninputs, 1); /* X's */
    assert_close(central(fx, 0, MRV_RES_LEAKAGE), 0.2, 1e-15);
    assert_close(central(fx, 0, MRV_RES_REDUCTIONS), 2.8, 1e-15);
    assert_status(run_with(fx, params, eqs, "LK: measured", NULL), MRV_OK);
    assert_int_equal(fx->run->program->ninputs, 0);
    assert_int_equal(fx->run->program->ncode, 0);
    assert_close(central(fx, 0, MRV_RES_LEAKAGE), 1.5, 1e-15);
    assert_status(run_with(fx, params, eqs, "LK: none", NULL), MRV_OK);
    assert_close(central(fx, 2, MRV_RES_LEAKAGE), 0, 0);
    assert_close(central(fx, 2, MRV_RES_REDUCTIONS), 3, 1e-15);
}

/* The value of equation 'name' at vintage index v, member m. */
static double eq_value(const fixture *fx, const char *name, size_t v, size_t m)
{
    int e = mrv_methodology_equation(fx->run->bound->meth, name);
    assert_true(e >= 0);
    return mrv_run_equation_value(fx->run, (size_t)e, v, m);
}

static void test_lower_over_dimensions(void **state)
{
    fixture *fx = *state;
    /* S over [fleet] doubles its own last year and adds V per member:
    ** a: 10 -> 21 -> 43 -> 87, b: 20 -> 42 -> 86 -> 174, c: 30 -> 63 ->
    ** 129 -> 261; BE sums them: 126, 258, 522. */
    const char *params = "  V: {unit: t, over: [fleet]}\n";
    const char *values = "V: {a: 1, b: 2, c: 3}";
    assert_status(run_with(fx, params,
                           "  S: {unit: t, over: [fleet], initial: {a: 10, b: "
                           "20, c: 30}, formula: \"S[y - 1, fleet] * 2 + "
                           "V[fleet]\"}\n"
                           "  BE: {unit: t, formula: \"sum(i in fleet: "
                           "S[i])\"}\n" STD_TAIL,
                           values, NULL),
                  MRV_OK);
    assert_close(central(fx, 0, MRV_RES_BASELINE), 126, 1e-15);
    assert_close(central(fx, 1, MRV_RES_BASELINE), 258, 1e-15);
    assert_close(central(fx, 2, MRV_RES_BASELINE), 522, 1e-15);
    assert_close(eq_value(fx, "S", 0, 0), 21, 1e-15);
    assert_close(eq_value(fx, "S", 1, 1), 86, 1e-15);
    assert_close(eq_value(fx, "S", 2, 2), 261, 1e-15);
    assert_int_equal(fx->run->bound->eq_nmem[0], 3);
    assert_int_equal(fx->run->bound->neqvals, 3 * 3 + 4 * 3);
    /* An initial formula sees the member being read: 5 V per member, so
    ** 2025 is 11 + 22 + 33. */
    assert_status(run_with(fx, params,
                           "  S: {unit: t, over: [fleet], initial: \"V[fleet] "
                           "* 5\", formula: \"S[y - 1, fleet] * 2 + "
                           "V[fleet]\"}\n"
                           "  BE: {unit: t, formula: \"sum(i in fleet: "
                           "S[i])\"}\n" STD_TAIL,
                           values, NULL),
                  MRV_OK);
    assert_close(central(fx, 0, MRV_RES_BASELINE), 66, 1e-15);
    assert_close(eq_value(fx, "S", 0, 1), 22, 1e-15);
    /* Uncertain inputs flow per member: U (2, 1 %) times each V. */
    assert_status(run_with(fx, params,
                           "  S: {unit: t, over: [fleet], formula: \"U * "
                           "V[fleet] * 1\"}\n"
                           "  BE: {unit: t, formula: \"sum(i in fleet: S[i]) "
                           "* C / C\"}\n" STD_TAIL,
                           values, NULL),
                  MRV_OK);
    check_slots(fx->run->program);
    assert_int_equal(fx->run->program->ninputs, 1);
    assert_close(central(fx, 1, MRV_RES_BASELINE), 12, 1e-15);
    assert_close(eq_value(fx, "S", 1, 2), 6, 1e-15);
}

static void test_lower_over_errors(void **state)
{
    fixture *fx = *state;
    const char *params = "  V: {unit: t, over: [fleet]}\n";
    const char *values = "V: {a: 1, b: 2, c: 3}";
    /* A member's past without 'initial': the element is named. */
    assert_status(run_with(fx, params,
                           "  S: {unit: t, over: [fleet], formula: \"S[y - 1, "
                           "fleet] + V[fleet]\"}\n"
                           "  BE: {unit: t, formula: \"sum(i in fleet: "
                           "S[i])\"}\n" STD_TAIL,
                           values, NULL),
                  MRV_EREF);
    fx_expect_error(fx->diag, 10, 43,
                    "'S[a]' is read at 2024, before the first vintage 2025, "
                    "but declares no 'initial'");
    /* A non-finite value in one member: the element is named. */
    assert_status(run_with(fx, params,
                           "  S: {unit: t, over: [fleet], formula: \"C * "
                           "V[fleet] / (V[fleet] - C + C / 3)\"}\n"
                           "  BE: {unit: t, formula: \"sum(i in fleet: "
                           "S[i])\"}\n" STD_TAIL,
                           values, NULL),
                  MRV_EDOMAIN);
    fx_expect_error(fx->diag, 10, 54,
                    "'S[b]' is not finite in vintage 2025 in the central "
                    "case: division by zero");
    /* A per-member 'initial' names every member, and is certain. */
    const char *eqs = "  BE: {unit: t, formula: \"sum(i in fleet: "
                      "S[i])\"}\n" STD_TAIL;
    char text[1024];
    snprintf(text, sizeof text,
             "  S: {unit: t, over: [fleet], initial: {a: 1, b: 2}, formula: "
             "\"S[y - 1, fleet]\"}\n%s",
             eqs);
    assert_status(run_with(fx, params, text, values, NULL), MRV_EREF);
    fx_expect_error(fx->diag, 10, 40,
                    "'S' has no value for member 'c' of "
                    "'fleet'");
    snprintf(text, sizeof text,
             "  S: {unit: t, over: [fleet], initial: {value: 1, uncertainty: "
             "5%%}, formula: \"S[y - 1, fleet]\"}\n%s",
             eqs);
    assert_status(run_with(fx, params, text, values, NULL), MRV_ESCHEMA);
    fx_expect_error(fx->diag, 10, 51,
                    "the initial value of 'S' is certain; an uncertain value "
                    "belongs in a parameter, read in an 'initial' formula");
    snprintf(text, sizeof text,
             "  S: {unit: t, over: [fleet], initial: {a: 1, b: 2, c: 3 kg}, "
             "formula: \"S[y - 1, fleet]\"}\n%s",
             eqs);
    assert_status(run_with(fx, params, text, values, NULL), MRV_OK);
    assert_close(central(fx, 0, MRV_RES_BASELINE), 3.003, 1e-15);
    snprintf(text, sizeof text,
             "  S: {unit: t, over: [fleet], initial: {a: 1, b: 2, c: 3 km}, "
             "formula: \"S[y - 1, fleet]\"}\n%s",
             eqs);
    assert_status(run_with(fx, params, text, values, NULL), MRV_ESCHEMA);
    fx_expect_error(fx->diag, 10, 56,
                    "the value is in 'km' (length) but the initial of "
                    "equation 'S' is in 't' (mass)");
}

/* The equations' values over the crediting period are capped at 250,000:
** 10,000 members over 200 vintages are 2,000,000 values of one
** equation. */
static void test_lower_over_cap(void **state)
{
    fixture *fx = *state;
    size_t cap = 16 * 10000 + 4096;
    char *text = malloc(cap);
    assert_non_null(text);
    size_t o = (size_t)snprintf(text, cap,
                                "methodology: big\n"
                                "dimensions: {site: {}}\n"
                                "parameters: {T: {unit: t, default: 1}}\n"
                                "equations:\n"
                                "  A: {unit: t, over: [site], formula: "
                                "\"T\"}\n"
                                "  B: {unit: t, formula: \"sum(s in site: "
                                "A[s])\"}\n"
                                "results: {baseline: B, project: B, leakage: "
                                "B, reductions: B}\n");
    free(fx_write(fx->dir, "big.yaml", text));
    o = (size_t)snprintf(text, cap,
                         "project: big\n"
                         "methodology: ./big.yaml\n"
                         "crediting_period: {first: 2001, last: 2200}\n"
                         "dimensions:\n  site: [");
    for (int i = 0; i < 10000; i++)
        o += (size_t)snprintf(text + o, cap - o, "%ss%d", i ? ", " : "", i);
    snprintf(text + o, cap - o, "]\n");
    char *path = fx_write(fx->dir, "big-p.yaml", text);
    free(text);
    mrv_diag_reset(fx->diag);
    mrv_options opt;
    memset(&opt, 0, sizeof opt);
    opt.search = fx_search();
    mrv_run_free(fx->run);
    fx->run = NULL;
    assert_status(mrv_run_new(path, &opt, &fx->run, fx->diag), MRV_EDOMAIN);
    free(path);
    fx_expect_error(fx->diag, 5, 22,
                    "equation 'A' has 10000 values per vintage (a value per "
                    "combination of site (10000)), and the equations would "
                    "hold more than 250000 values over the 200 vintages");
}

static void test_lower_trace_through_initial(void **state)
{
    fixture *fx = *state;
    /* The broken value is made in S's initial formula and read by S's
    ** formula: the error points at the initial's 'ln', with a note at the
    ** formula that read it. */
    assert_status(run_with(fx, "",
                           "  S: {unit: t, formula: \"S[y - 1] + C\", "
                           "initial: \"C * ln(Z)\"}\n"
                           "  BE: {unit: t, formula: \"S\"}\n" STD_TAIL,
                           NULL, NULL),
                  MRV_EDOMAIN);
    fx_expect_error(fx->diag, 9, 55,
                    "'S' is not finite in vintage 2025 in the central case: "
                    "logarithm of zero");
    assert_int_equal(mrv_diag_error_count(fx->diag), 1);
    const mrv_diag_entry *note = mrv_diag_get(fx->diag, 1);
    assert_non_null(note);
    assert_int_equal(note->sev, MRV_SEV_NOTE);
    assert_int_equal(note->pos.line, 9);
    assert_int_equal(note->pos.col, 26);
}

static void test_lower_frac_and_units(void **state)
{
    fixture *fx = *state;
    /* Results in kg, scaled by frac; formulas see frac unscaled. */
    assert_status(run_with(fx, "",
                           "  BE: {unit: kg, formula: \"C * frac\"}\n"
                           "  PE: {unit: t, formula: \"C\"}\n"
                           "  LE: {unit: t, formula: \"0\"}\n"
                           "  ER: {unit: kg, formula: \"BE - PE - LE\"}\n",
                           NULL, "{start: 2024-10-01, end: 2025-12-31}"),
                  MRV_OK);
    const mrv_program *p = fx->run->program;
    assert_int_equal(p->nvint, 2);
    double f = 92.0 / 366; /* 1 Oct to 31 Dec of a leap year */
    assert_close(fx->run->bound->frac[0], f, 1e-15);
    assert_close(fx->run->bound->frac[1], 1, 0);
    assert_close(central(fx, 0, MRV_RES_BASELINE), 3000 * f * f, 1e-12);
    assert_close(central(fx, 0, MRV_RES_PROJECT), 3 * f, 1e-12);
    assert_close(central(fx, 0, MRV_RES_REDUCTIONS), (3000 * f - 3000) * f,
                 1e-12);
    assert_close(central(fx, 1, MRV_RES_BASELINE), 3000, 1e-12);
    assert_close(central(fx, 2, MRV_RES_PROJECT), 3 * f + 3, 1e-12);
}

/* 'C+X+X+...+X' as long as a formula may be: a left-leaning tree 8191
** deep, which lowering must walk without overflowing the stack
** (under ASan's big frames too). */
static void test_lower_deep_chain(void **state)
{
    fixture *fx = *state;
    size_t n = (MRV_EXPR_MAX_LEN - 1) / 2;
    char *eqs = malloc(2 * n + 256);
    assert_non_null(eqs);
    size_t o = (size_t)sprintf(eqs, "  BE: {unit: t, formula: \"C");
    for (size_t i = 0; i < n; i++) {
        memcpy(eqs + o, "+X", 2);
        o += 2;
    }
    sprintf(eqs + o, "\"}\n" STD_TAIL);
    if (run_with(fx, "", eqs, NULL, NULL) != MRV_OK)
        fail_msg("%s", fx_first_msg(fx->diag));
    assert_close(central(fx, 0, MRV_RES_BASELINE), 3 + 2.0 * (double)n, 1e-12);
    check_slots(fx->run->program);
    /* and the same chain of certain values folds to one number */
    for (char *p = strstr(eqs, "+X"); p; p = strstr(p, "+X")) p[1] = 'C';
    assert_status(run_with(fx, "", eqs, NULL, NULL), MRV_OK);
    assert_close(central(fx, 0, MRV_RES_BASELINE), 3 * (1 + (double)n), 1e-12);
    assert_int_equal(fx->run->program->ncode, 0);
    free(eqs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lower_folds_certain_models),
        cmocka_unit_test(test_lower_folds_only_finite),
        cmocka_unit_test(test_lower_shares_work),
        cmocka_unit_test(test_lower_collects_sum_terms),
        cmocka_unit_test(test_lower_inputs_per_vintage),
        cmocka_unit_test(test_lower_short_cuts),
        cmocka_unit_test(test_lower_errors),
        cmocka_unit_test(test_lower_round),
        cmocka_unit_test(test_lower_choices),
        cmocka_unit_test(test_lower_over_dimensions),
        cmocka_unit_test(test_lower_over_errors),
        cmocka_unit_test(test_lower_over_cap),
        cmocka_unit_test(test_lower_trace_through_initial),
        cmocka_unit_test(test_lower_frac_and_units),
        cmocka_unit_test(test_lower_deep_chain),
    };
    return cmocka_run_group_tests_name("lower", tests, setup, teardown);
}
