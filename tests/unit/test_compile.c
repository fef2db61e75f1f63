/*
** test_compile.c -- name resolution, dimension checks and equation order
** (compile.c, docs/formulas.md).
**
** Table-driven over one equation X of a fixed methodology: good formulas
** must compile (and give X's declared dimension), bad ones must fail with
** a message substring at the column of a given token of the formula.
** Then the dependency order and the cycle messages.
*/
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "fixture.h"

typedef struct fixture {
    FX_BASE;
    const mrv_methodology *m;
    const mrv_compiled *cp;
} fixture;

static int setup(void **state)
{
    return fx_base_new(state, sizeof(fixture));
}

static int teardown(void **state)
{
    return fx_base_teardown(state);
}

static mrv_status compile_text(fixture *fx, const char *text)
{
    const mrv_ydoc *doc = NULL;
    mrv_diag_reset(fx->diag);
    fx->m = NULL;
    fx->cp = NULL;
    mrv_status st = mrv_yaml_load_string("c.yaml", text, strlen(text),
                                         fx->arena, &doc, fx->diag);
    if (st == MRV_OK)
        st = mrv_methodology_load(doc, fx->arena, &fx->m, fx->diag);
    if (st == MRV_OK) st = mrv_compile(fx->m, fx->arena, &fx->cp, fx->diag);
    return st;
}

/* Line 14 is X's; the column of formula byte k is prefix + k + 1. */
#define LINE_X 14
static const char meth_fmt[] =
    "methodology: c\n"                                        /* 1 */
    "dimensions: {fleet: {}, waste: {}}\n"                    /* 2 */
    "parameters:\n"                                           /* 3 */
    "  N: {unit: vehicle, over: [vintage, fleet]}\n"          /* 4 */
    "  D: {unit: km, over: [fleet]}\n"                        /* 5 */
    "  A: {unit: t, over: [vintage]}\n"                       /* 6 */
    "  W: {unit: t, over: [waste, vintage]}\n"                /* 7 */
    "  K: {unit: 1}\n"                                        /* 8 */
    "  L: {unit: km}\n"                                       /* 9 */
    "  T: {unit: t}\n"                                        /* 10 */
    "  LK: {choice: [none, measured]}\n"                      /* 11 */
    "  CM: {choice: [a, b], over: [fleet]}\n"                 /* 12 */
    "equations:\n"                                            /* 13 */
    "  X: {unit: %s, formula: \"%s\"}\n"                      /* 14 */
    "  S: {unit: t, formula: \"S[y - 1] + A\", initial: 0}\n" /* 15 */
    "results: {baseline: S, project: S, leakage: S, reductions: S}\n";

static mrv_status compile_x(fixture *fx, const char *unit, const char *formula)
{
    char text[2048];
    snprintf(text, sizeof text, meth_fmt, unit, formula);
    return compile_text(fx, text);
}

static const struct {
    const char *unit, *formula;
} good[] = {
    {"t", "T + 0"},
    {"t", "0"},
    {"t", "0 - T"},
    {"t", "T * 2 - 0 * L"}, /* 0 * L is zero of any dimension */
    {"t", "T / 0"},         /* a run-time error, not a unit one */
    {"km", "sum(i in fleet: D[i])"},
    {"km2", "L^2"},
    {"1/km", "L^-1"},
    {"km^3", "L^3"},
    {"km", "sqrt(L^2)"},
    {"km", "sqrt(L * L) + abs(-L)"},
    {"1", "exp(K) + ln(2) + log10(K) + log(K) + K^K + 2^K"},
    {"1", "floor(K) + ceil(K)"},
    {"1", "round(K) + round(K, 2) + round(K, -1) + round(K, K)"},
    {"t", "round(T) + round(T * K, 3) + round(0)"}, /* in the equation's t */
    {"t", "if(K > 0, T, 0)"},
    {"t", "if(K > 0, 0, T)"},
    {"t", "min(T, 0, A) + max(A, T)"},
    {"t", "clamp(T, 0, A)"},
    {"t", "A + A[y - 1] + A[first]"},
    {"t", "sum(x in first - 3 .. y: A[x])"},
    {"t", "sum(j in waste, x in first .. y: W[j, x])"},
    {"t", "sum(j in waste: W[j])"}, /* the vintage left out: read at y */
    {"t", "S[y - 1] + S"},
    {"vehicle", "sum(i in fleet: N[i] + N[y, i])"},
    {"1", "y - first + last * frac"},
    {"1", "K < 1 and not (K > 2) or K == 0"},
    {"t", "T * (K != 0)"},
    {"tCO2e", "T * 1"}, /* substance tags: still a mass */
    {"t/yr", "T"},      /* the per-vintage bridge: t/yr meets t */
    {"t", "T * 0.001"}, /* a share of 0.1 %, not a hidden factor */
    {"t", "T * 44/12"}, /* stoichiometry is no unit factor */
    {"t", "if(LK == 'measured', T, 0) + T * ('none' != LK)"},
    {"t", "sum(i in fleet: T * (CM[i] == 'b'))"},
    {"t", "sum(i in fleet: T * (LK == 'none' and CM[i] != 'a' or K > 1))"},
};

static void test_compile_good(void **state)
{
    fixture *fx = *state;
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        mrv_status st = compile_x(fx, good[i].unit, good[i].formula);
        if (st != MRV_OK)
            fail_msg("'%s' in %s: %s", good[i].formula, good[i].unit,
                     fx_first_msg(fx->diag));
        const mrv_equation *x = &fx->m->eqs[0];
        assert_true(x->ast->any_dim ||
                    mrv_unit_same_dim(x->ast->unit, x->unit) ||
                    mrv_unit_bridged(x->ast->unit, x->unit));
    }
}

static const struct {
    const char *unit, *formula;
    const char *needle; /* the formula token the error points at */
    mrv_status st;
    const char *msg;
} bad[] = {
    {"t", "T + L", "+", MRV_ESCHEMA, "cannot add mass and length"},
    {"t", "T - K", "-", MRV_ESCHEMA, "cannot subtract mass and dimensionless"},
    {"1", "T < L", "<", MRV_ESCHEMA, "cannot compare mass and length"},
    {"1", "T == 1", "==", MRV_ESCHEMA, "cannot compare mass and dimensionless"},
    {"t", "if(K, T, L)", "if", MRV_ESCHEMA,
     "the branches of 'if' differ: mass and length"},
    {"t", "if(T, T, T)", "T,", MRV_ESCHEMA,
     "the condition of 'if' must be dimensionless, not mass"},
    {"t", "min(T, A, L)", "min", MRV_ESCHEMA,
     "the arguments of 'min' differ: mass and length"},
    {"t", "clamp(T, 0, K)", "clamp", MRV_ESCHEMA,
     "the arguments of 'clamp' differ: mass and dimensionless"},
    {"1", "exp(T)", "T)", MRV_ESCHEMA,
     "the argument of 'exp' must be dimensionless, not mass"},
    {"1", "K + ln(L)", "L)", MRV_ESCHEMA,
     "the argument of 'ln' must be dimensionless, not length"},
    {"1", "floor(L)", "L)", MRV_ESCHEMA,
     "the argument of 'floor' must be dimensionless, not length"},
    {"t", "T + round(L) * T / L", "round", MRV_ESCHEMA,
     "'round' of length: it rounds a dimensionless value, or one of its "
     "equation's dimension (mass) in the unit the equation declares ('t'); "
     "divide by a parameter to round in another unit"},
    {"1", "round(K, T)", "T)", MRV_ESCHEMA,
     "the number of decimals of 'round' must be dimensionless, not mass"},
    {"t", "T^K", "^", MRV_ESCHEMA,
     "raising mass to a power needs a whole-number literal exponent"},
    {"t", "T^2.5", "^", MRV_ESCHEMA,
     "raising mass to a power needs a whole-number literal exponent"},
    {"1", "2^T", "T", MRV_ESCHEMA,
     "an exponent must be dimensionless, not mass"},
    {"km", "sqrt(L)", "sqrt", MRV_ESCHEMA,
     "'sqrt' of length has no dimension (odd exponents)"},
    {"1", "not L", "L", MRV_ESCHEMA,
     "the operand of 'not' must be dimensionless, not length"},
    {"1", "K and L", "L", MRV_ESCHEMA,
     "an operand of 'and'/'or' must be dimensionless, not length"},
    {"t", "L", "L", MRV_ESCHEMA,
     "equation 'X' is declared in 't' (mass) but its formula gives length"},
    {"t", "2 * (T + T) * L", "2", MRV_ESCHEMA,
     "equation 'X' is declared in 't' (mass) but its formula gives "
     "mass*length"},
    {"t", "TT", "TT", MRV_EREF, "unknown name 'TT' (did you mean 'T'?)"},
    /* choices: compared with a quoted name of theirs, and only so */
    {"t", "T * (LK == 'mesured')", "'mes", MRV_EREF,
     "'mesured' is not a choice of 'LK' (did you mean 'measured'?); its "
     "choices are none, measured"},
    {"t", "T * LK", "LK", MRV_ESCHEMA,
     "'LK' is a choice (none, measured): compare it with a quoted name, as "
     "in LK == 'none'"},
    {"t", "if(LK, T, 0)", "LK", MRV_ESCHEMA, "'LK' is a choice"},
    {"t", "T * (LK + 0 == 'none')", "LK", MRV_ESCHEMA, "'LK' is a choice"},
    {"t", "T + 'none'", "'none'", MRV_ESCHEMA,
     "a quoted name ('none') is compared only with a choice parameter, by "
     "== or !="},
    {"t", "T * round('none')", "'none'", MRV_ESCHEMA,
     "a quoted name ('none') is compared only with a choice parameter, as "
     "in P == 'none'"},
    {"t", "T * (LK < 'none')", "'none'", MRV_ESCHEMA,
     "a quoted name ('none') is compared only with a choice parameter, by "
     "== or !="},
    {"t", "T * (K + 1 == 'none')", "'none'", MRV_ESCHEMA,
     "a quoted name ('none') is compared only with a choice parameter, as "
     "in P == 'none'"},
    {"t", "T * (K == 'none')", "'none'", MRV_ESCHEMA,
     "a quoted name ('none') is compared only with a choice parameter, and "
     "'K' is not one"},
    {"t", "T * ('a' == 'b')", "==", MRV_ESCHEMA,
     "two quoted names are compared"},
    {"t", "sum(i in fleet: T * (CM[i] == 'c'))", "'c'", MRV_EREF,
     "'c' is not a choice of 'CM'; its choices are a, b"},
    {"t", "Q", "Q", MRV_EREF, "unknown name 'Q'"},
    {"t", "Q[1]", "Q", MRV_EREF, "unknown name 'Q'"},
    {"t", "sum(idx in fleet: T * idy)", "idy", MRV_EREF,
     "unknown name 'idy' (did you mean 'idx'?)"},
    {"km", "D", "D", MRV_ESCHEMA,
     "'D' is over 'fleet': give a subscript, e.g. D[i] inside sum(i in "
     "fleet: ...)"},
    {"t", "W[y]", "y]", MRV_ESCHEMA,
     "subscript 1 of 'W' must be an index over 'waste'"},
    {"t", "fleet", "fleet", MRV_ESCHEMA,
     "'fleet' is a dimension; iterate over it with sum(i in fleet: ...)"},
    {"t", "sum(i in fleet: i * T)", "i *", MRV_ESCHEMA,
     "'i' ranges over the members of 'fleet' and has no numeric value"},
    {"t", "sum(i in flet: T)", "flet", MRV_EREF,
     "unknown dimension 'flet' (declare it under 'dimensions')"},
    {"t", "sum(T in fleet: T)", "T in", MRV_ESCHEMA,
     "the index 'T' hides a name of the methodology; choose another"},
    {"t", "sum(y in 1 .. 2: T)", "y in", MRV_ESCHEMA,
     "the index 'y' hides a name of the methodology"},
    {"t", "sum(i in fleet: sum(i in waste: T))", "i in waste", MRV_ESCHEMA,
     "the index 'i' is already bound by an enclosing sum"},
    {"km", "sum(i in waste: D[i])", "i]", MRV_ESCHEMA,
     "subscript 1 of 'D' must be an index over 'fleet', bound by sum(i in "
     "fleet: ...)"},
    {"t", "T * K[1]", "K[", MRV_ESCHEMA,
     "'K' has no axes and takes no "
     "subscript"},
    {"vehicle", "sum(i in fleet: N[y, i, i])", "N[", MRV_ESCHEMA,
     "'N' is over [vintage, fleet]: it takes 2 subscripts (or one fewer, "
     "reading the vintage y), not 3"},
    {"t", "S[y - 1, 2]", "S", MRV_ESCHEMA,
     "equation 'S' takes one subscript, the year, as in S[y - 1]"},
    {"t", "A[L]", "L]", MRV_ESCHEMA,
     "a year subscript must be dimensionless, not length"},
    {"t", "sum(x in 1 .. L: T)", "L:", MRV_ESCHEMA,
     "a range bound must be dimensionless, not length"},
    {"t", "T * y[1]", "y[", MRV_ESCHEMA, "'y' cannot be subscripted"},
    {"t", "T * frac[0]", "frac", MRV_ESCHEMA, "'frac' cannot be subscripted"},
    {"t", "sum(i in fleet: T * i[1])", "i[", MRV_ESCHEMA,
     "'i' cannot be subscripted"},
    {"t", "fleet[1]", "fleet", MRV_ESCHEMA, "'fleet' cannot be subscripted"},
    {"t", "X", "X", MRV_ESCHEMA,
     "'X' reads itself in the same vintage (a stock reads its previous "
     "year, X[y - 1], and declares 'initial')"},
    {"t", "X[y - 1 + 1]", "X", MRV_ESCHEMA, "'X' reads itself"},
    {"t", "sum(x in first .. y: X[x])", "X", MRV_ESCHEMA, "'X' reads itself"},
};

static void test_compile_bad(void **state)
{
    fixture *fx = *state;
    size_t nbad = 0;
    const size_t prefix = strlen("  X: {unit: ") + strlen(", formula: \"");
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        mrv_status st = compile_x(fx, bad[i].unit, bad[i].formula);
        const char *at = strstr(bad[i].formula, bad[i].needle);
        assert_non_null(at);
        unsigned col = (unsigned)(prefix + strlen(bad[i].unit) +
                                  (size_t)(at - bad[i].formula) + 1);
        bool ok = fx_has_error(fx->diag, LINE_X, col, bad[i].msg);
        if (ok && st != bad[i].st) {
            print_message("%s, want %s\n", mrv_status_name(st),
                          mrv_status_name(bad[i].st));
            ok = false;
        }
        if (ok && mrv_diag_error_count(fx->diag) != 1) {
            print_message("%zu errors, want one\n",
                          mrv_diag_error_count(fx->diag));
            ok = false;
        }
        if (!ok) {
            print_message("  ^ '%s' in %s\n", bad[i].formula, bad[i].unit);
            nbad++;
        }
    }
    if (nbad) fail_msg("%zu of the bad formulas failed", nbad);
}

/* Time is a dimension: power is not energy, and a yr bridges a
** vintage's amount and its rate per year; numbers that are unit factors
** are refused in products with a unit.  Line 10 is X's. */
#define LINE_T 10
static const char time_fmt[] =
    "methodology: c\n"                   /* 1 */
    "parameters:\n"                      /* 2 */
    "  CAP: {unit: MW}\n"                /* 3 */
    "  H:   {unit: h/yr}\n"              /* 4 */
    "  PLF: {unit: 1}\n"                 /* 5 */
    "  E:   {unit: MWh}\n"               /* 6 */
    "  k:   {unit: 1/yr}\n"              /* 7 */
    "  T:   {unit: t}\n"                 /* 8 */
    "equations:\n"                       /* 9 */
    "  X: {unit: %s, formula: \"%s\"}\n" /* 10 */
    "  S: {unit: t, formula: \"T\"}\n"   /* 11 */
    "results: {baseline: S, project: S, leakage: S, reductions: S}\n";

static mrv_status compile_t(fixture *fx, const char *unit, const char *formula)
{
    char text[2048];
    snprintf(text, sizeof text, time_fmt, unit, formula);
    return compile_text(fx, text);
}

static void test_compile_time(void **state)
{
    static const struct {
        const char *unit, *formula;
    } tok[] = {
        {"MWh/yr", "CAP * H * PLF"}, /* MW * h/yr is MWh/yr */
        {"MWh", "CAP * H * PLF"},    /* ... and per vintage, MWh */
        {"MWh/yr", "CAP"},           /* the same dimension as MW */
        {"GWh/yr", "CAP + E * k"},   /* MW meets MWh * 1/yr */
        {"1", "exp(-k * 3) * (1 - exp(-k))"},
        {"1", "k * (y - first)"},
        {"t/yr", "T"},
        {"t", "T * k"},
        {"1", "(1 - k)^(y - first)"},
        {"MWh", "E * 0.5"},
    };
    static const struct {
        const char *unit, *formula, *needle, *msg;
    } tbad[] = {
        {"MWh", "CAP * 8760 * PLF", "CAP",
         "equation 'X' is declared in 'MWh' (energy) but its formula gives "
         "energy/time: a power is not an energy: it becomes one over a "
         "duration, times a parameter in h or h/yr"},
        {"MWh/yr", "CAP * 8760 * PLF", "8760",
         "'8760' looks like a unit factor hidden in the formula (hours in "
         "a year): declare a parameter with unit h/yr and let the engine "
         "convert"},
        {"MWh/yr", "PLF * 8766 * CAP", "8766", "(hours in a year)"},
        {"MWh/yr", "CAP * (365 * 24) * PLF", "365", "(days in a year)"},
        {"MWh/yr", "CAP * (365 * 24) * PLF", "24", "(hours in a day)"},
        {"MWh", "E / 3.6", "3.6",
         "(MJ in a kWh): declare a parameter with "
         "unit MJ/kWh"},
        {"MWh", "E * 0.2778", "0.2778", "(the reciprocal of MJ in a kWh)"},
        {"MWh", "-1000 * E", "1000",
         "(a metric prefix, as kg in a t or kWh in a MWh): give each "
         "quantity its own unit, which the engine converts"},
        {"t", "T / 1e6", "1e6", "(a metric prefix, as g in a t"},
        {"MW", "E", "E",
         "equation 'X' is declared in 'MW' (energy/time) but its formula "
         "gives energy: an energy is not a power"},
        {"MWh", "E + CAP", "+",
         "cannot add energy and energy/time: a power is not an energy"},
        {"1", "exp(H * CAP / CAP * 1)", "H", /* h/yr is a number, so fine */
         NULL},
        {"1", "exp(E / CAP)", "/",
         "the argument of 'exp' must be dimensionless, not time: they "
         "differ by a time in d, h, min or s"},
    };
    fixture *fx = *state;
    for (size_t i = 0; i < sizeof tok / sizeof *tok; i++) {
        if (compile_t(fx, tok[i].unit, tok[i].formula) != MRV_OK)
            fail_msg("'%s' in %s: %s", tok[i].formula, tok[i].unit,
                     fx_first_msg(fx->diag));
    }
    const size_t prefix = strlen("  X: {unit: ") + strlen(", formula: \"");
    size_t nbad = 0;
    for (size_t i = 0; i < sizeof tbad / sizeof *tbad; i++) {
        mrv_status st = compile_t(fx, tbad[i].unit, tbad[i].formula);
        if (!tbad[i].msg) {
            if (st != MRV_OK)
                fail_msg("'%s': %s", tbad[i].formula, fx_first_msg(fx->diag));
            continue;
        }
        const char *at = strstr(tbad[i].formula, tbad[i].needle);
        assert_non_null(at);
        unsigned col = (unsigned)(prefix + strlen(tbad[i].unit) +
                                  (size_t)(at - tbad[i].formula) + 1);
        /* Every error is reported: CAP * 8760 in MWh has two. */
        if (st != MRV_ESCHEMA ||
            !fx_has_error(fx->diag, LINE_T, col, tbad[i].msg)) {
            print_message("  ^ '%s' in %s: %s\n", tbad[i].formula, tbad[i].unit,
                          fx_first_msg(fx->diag));
            nbad++;
        }
    }
    if (nbad) fail_msg("%zu of the bad formulas failed", nbad);
}

/* Equations listed in an order their reads contradict. */
static const char order_meth[] =
    "methodology: o\n"
    "parameters: {A: {unit: t, over: [vintage]}}\n"
    "equations:\n"
    "  ER: {unit: t, formula: \"BE - PE - LE\"}\n"
    "  PE: {unit: t, formula: \"BE * 0.1 + ST[y - 1]\"}\n"
    "  ST: {unit: t, formula: \"ST[y - 1] + PE + sum(x in first .. y - 1: "
    "ER[x]) + ER[min(y - 2, last)]\", initial: 0}\n"
    "  LE: {unit: t, formula: \"0\"}\n"
    "  BE: {unit: t, formula: \"A\"}\n"
    "results: {baseline: BE, project: PE, leakage: LE, reductions: ER}\n";

static size_t position(const fixture *fx, const char *name)
{
    int e = mrv_methodology_equation(fx->m, name);
    for (size_t i = 0; i < fx->cp->neqs; i++)
        if (fx->cp->order[i] == e) return i;
    fail_msg("'%s' is not in the order", name);
    return 0;
}

static void test_compile_order(void **state)
{
    fixture *fx = *state;
    assert_status(compile_text(fx, order_meth), MRV_OK);
    assert_int_equal(fx->cp->neqs, 5);
    /* Each equation comes after those it reads in the same vintage; reads
    ** of earlier years (ST[y - 1], ER[x] for x <= y - 1) are no edges, so
    ** ST may read PE and ER although they read its past. */
    assert_true(position(fx, "BE") < position(fx, "PE"));
    assert_true(position(fx, "PE") < position(fx, "ER"));
    assert_true(position(fx, "LE") < position(fx, "ER"));
    assert_true(position(fx, "PE") < position(fx, "ST"));
    /* every equation exactly once */
    for (size_t i = 0; i < 5; i++)
        for (size_t j = i + 1; j < 5; j++)
            assert_int_not_equal(fx->cp->order[i], fx->cp->order[j]);
}

static void test_compile_cycle_names_it(void **state)
{
    fixture *fx = *state;
    static const char text[] =
        "methodology: o\n"
        "parameters: {A: {unit: t}}\n"
        "equations:\n"
        "  BE: {unit: t, formula: \"A + C1\"}\n"
        "  C1: {unit: t, formula: \"C2 * 2\"}\n"
        "  C2: {unit: t, formula: \"0.5 * C3[y]\"}\n"
        "  C3: {unit: t, formula: \"C1 - A\"}\n"
        "  ER: {unit: t, formula: \"BE\"}\n"
        "results: {baseline: BE, project: BE, leakage: BE, reductions: ER}\n";
    assert_status(compile_text(fx, text), MRV_ESCHEMA);
    assert_int_equal(mrv_diag_error_count(fx->diag), 1);
    /* At the read that closes the cycle's first edge: C2 in C1. */
    fx_expect_error(fx->diag, 5, 27,
                    "equations form a cycle: C1 -> C2 -> C3 -> C1 (each "
                    "reads the next in the same vintage; a stock reads its "
                    "previous year, C1[y - 1], and declares 'initial')");
}

static void test_compile_initial_and_results(void **state)
{
    fixture *fx = *state;
    static const char base[] =
        "methodology: o\n"
        "parameters: {A: {unit: t}, L: {unit: km}}\n"
        "equations:\n"
        "  S: {unit: t, formula: \"S[y - 1] + A\", initial: %s}\n"
        "  E: {unit: %s, formula: \"%s\"}\n"
        "results: {baseline: S, project: E, leakage: S, reductions: S}\n";
    char text[1024];
    /* an initial formula reads parameters, not equations */
    snprintf(text, sizeof text, base, "\"A * 2\"", "t", "0");
    assert_status(compile_text(fx, text), MRV_OK);
    snprintf(text, sizeof text, base, "\"E + 1\"", "t", "0");
    assert_status(compile_text(fx, text), MRV_ESCHEMA);
    fx_expect_error(fx->diag, 4, 51,
                    "an 'initial' formula cannot read equations");
    snprintf(text, sizeof text, base, "\"L\"", "t", "0");
    assert_status(compile_text(fx, text), MRV_ESCHEMA);
    fx_expect_error(fx->diag, 4, 51,
                    "the initial value of 'S' gives length, but the "
                    "equation is declared in 't' (mass)");
    /* results are masses */
    snprintf(text, sizeof text, base, "0", "km", "L");
    assert_status(compile_text(fx, text), MRV_ESCHEMA);
    fx_expect_error(fx->diag, 6, 33,
                    "result 'project' names 'E', declared in 'km' (length); "
                    "results must be masses such as tCO2e or tCO2e/yr");
}

/* ---- equations over dimensions -------------------------------------- */

/* A is over [waste] (line 9), B is not (line 10); each case gives their
** formulas.  A formula's byte k is at column prefix + k + 1. */
#define A_PREFIX                                                               \
    "  A: {unit: t, over: [waste], initial: \"W[first, waste] * 0\", "         \
    "formula: \""
#define B_PREFIX "  B: {unit: t, formula: \""
static const char over_fmt[] =
    "methodology: o\n"                         /* 1 */
    "dimensions: {fleet: {}, waste: {}}\n"     /* 2 */
    "parameters:\n"                            /* 3 */
    "  k: {unit: 1/yr, over: [waste]}\n"       /* 4 */
    "  W: {unit: t, over: [vintage, waste]}\n" /* 5 */
    "  D: {unit: km, over: [fleet]}\n"         /* 6 */
    "  T: {unit: t}\n"                         /* 7 */
    "equations:\n"                             /* 8 */
    A_PREFIX "%s\"}\n"                         /* 9 */
    B_PREFIX "%s\"}\n"                         /* 10 */
    "  ER: {unit: t, formula: \"B\"}\n"        /* 11 */
    "results: {baseline: %s, project: B, leakage: B, reductions: ER}\n";

static mrv_status compile_over(fixture *fx, const char *a, const char *b,
                               const char *baseline)
{
    char text[2048];
    snprintf(text, sizeof text, over_fmt, a, b, baseline ? baseline : "B");
    return compile_text(fx, text);
}

static const struct {
    const char *a, *b;
} over_good[] = {
    /* the FOD shape: own lag per member, summed by a scalar */
    {"A[y - 1, waste] * exp(-k[waste]) + W[waste]", "sum(j in waste: A[j])"},
    /* the member's own past through a range, and reads of earlier years */
    {"W[y, waste] + sum(x in first .. y - 1: W[x, waste] + A[x, waste])",
     "sum(j in waste: A[y - 1, j]) + T"},
    {"sum(j in waste: W[j]) * (k[waste] > 0)",
     "sum(j in waste: A[j] + A[first, j] * 0)"},
    /* a sum over the equation's own dimension, by another index */
    {"sum(i in fleet: D[i]) / sum(i in fleet: D[i]) * W[waste]",
     "sum(w in waste: A[w])"},
};

static void test_compile_over_good(void **state)
{
    fixture *fx = *state;
    for (size_t i = 0; i < sizeof over_good / sizeof *over_good; i++) {
        if (compile_over(fx, over_good[i].a, over_good[i].b, NULL) != MRV_OK)
            fail_msg("A: '%s', B: '%s': %s", over_good[i].a, over_good[i].b,
                     fx_first_msg(fx->diag));
        const mrv_equation *a = &fx->m->eqs[0];
        assert_int_equal(a->nover, 1);
        /* A before B: B sums it in the same vintage */
        assert_true(position(fx, "A") < position(fx, "B"));
    }
}

static const struct {
    const char *a, *b;
    char in;            /* 'A' or 'B': the formula the error is in */
    const char *needle; /* the token there the error points at */
    const char *msg;
} over_bad[] = {
    {"A[waste] + W[waste]", "sum(j in waste: A[j])", 'A', "A[",
     "'A' reads itself in the same vintage, for this or another member (a "
     "stock reads its previous year, A[y - 1, waste], and declares "
     "'initial')"},
    {"sum(j in waste: A[j]) * 0", "T", 'A', "A[",
     "'A' reads itself in the same vintage, for this or another member"},
    {"B + W[waste]", "sum(j in waste: A[j])", 'A', "B +",
     "equations form a cycle: A -> B -> A (each reads the next in the same "
     "vintage; a stock reads its previous year, A[y - 1, waste], and "
     "declares 'initial')"},
    {"W[waste]", "A + T", 'B', "A",
     "'A' is over 'waste': give a subscript, e.g. A[i] inside sum(i in "
     "waste: ...)"},
    {"A + W[waste]", "T", 'A', "A",
     "'A' is over 'waste': give a subscript, e.g. A[waste] for the member "
     "being computed"},
    {"W[waste]", "sum(j in waste: A[y, j, j])", 'B', "A[",
     "equation 'A' is over [waste]: it takes 1 subscript, or 2 with the year "
     "first as in A[y - 1, ...], not 3"},
    {"W[waste]", "sum(i in fleet: A[i])", 'B', "i]",
     "subscript 1 of 'A' must be an index over 'waste', bound by sum(i in "
     "waste: ...)"},
    {"W[fleet]", "T", 'A', "fleet",
     "subscript 1 of 'W' must be an index over 'waste': 'waste' itself (the "
     "member being computed), or one bound by sum(i in waste: ...)"},
    {"waste * W[waste]", "T", 'A', "waste *",
     "'waste' ranges over the members of 'waste' and has no numeric value"},
    {"sum(waste in waste: W[waste])", "T", 'A', "waste in",
     "the index 'waste' hides a name of the methodology"},
};

static void test_compile_over_bad(void **state)
{
    fixture *fx = *state;
    size_t nbad = 0;
    for (size_t i = 0; i < sizeof over_bad / sizeof *over_bad; i++) {
        mrv_status st = compile_over(fx, over_bad[i].a, over_bad[i].b, NULL);
        const char *f = over_bad[i].in == 'A' ? over_bad[i].a : over_bad[i].b;
        const char *at = strstr(f, over_bad[i].needle);
        assert_non_null(at);
        size_t prefix = strlen(over_bad[i].in == 'A' ? A_PREFIX : B_PREFIX);
        unsigned line = over_bad[i].in == 'A' ? 9 : 10;
        unsigned col = (unsigned)(prefix + (size_t)(at - f) + 1);
        bool ok = st != MRV_OK &&
                  fx_has_error(fx->diag, line, col, over_bad[i].msg) &&
                  mrv_diag_error_count(fx->diag) == 1;
        if (!ok) {
            print_message("  ^ A: '%s', B: '%s', %zu errors\n", over_bad[i].a,
                          over_bad[i].b, mrv_diag_error_count(fx->diag));
            nbad++;
        }
    }
    if (nbad) fail_msg("%zu of the bad formulas failed", nbad);
    /* A result is one number per vintage. */
    assert_status(compile_over(fx, "W[waste]", "T", "A"), MRV_ESCHEMA);
    fx_expect_error(fx->diag, 12, 21,
                    "result 'baseline' names 'A', which is over 'waste'; a "
                    "result is one number per vintage: sum it in an "
                    "equation of its own, e.g. sum(i in waste: A[i])");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compile_time),
        cmocka_unit_test(test_compile_good),
        cmocka_unit_test(test_compile_bad),
        cmocka_unit_test(test_compile_order),
        cmocka_unit_test(test_compile_cycle_names_it),
        cmocka_unit_test(test_compile_initial_and_results),
        cmocka_unit_test(test_compile_over_good),
        cmocka_unit_test(test_compile_over_bad),
    };
    return cmocka_run_group_tests_name("compile", tests, setup, teardown);
}
