/*
** test_eval.c -- the block VM (eval.c).
**
** Table-driven over every opcode: the scalar meaning (mrv_eval_op, which
** constant folding uses) and the vectorised loop must agree lane by lane,
** NaN must propagate through comparisons, and/or/not, min, max and a
** select's condition, while a select's unchosen branch is dropped.  Then
** the non-finite checks and the trace that finds where a non-finite value
** was made, on hand-built programs.
*/
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "eval.h"
#include "program.h"

#define DNAN ((double)(double)NAN)
#define DINF ((double)HUGE_VAL)

/* Equal as values, with NaN equal to NaN (and -0 equal to 0). */
static bool same(double a, double b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

static const struct {
    mrv_opcode op;
    double b, c, d, k;
    int e; /* POWI's exponent, ROUND's decimals */
    double want;
} ops[] = {
    {MRV_I_ADD, 1.5, 2, 0, 0, 0, 3.5},
    {MRV_I_ADD, DINF, -DINF, 0, 0, 0, DNAN},
    {MRV_I_SUB, 1, 3, 0, 0, 0, -2},
    {MRV_I_MUL, -2, 4, 0, 0, 0, -8},
    {MRV_I_MUL, 0, DINF, 0, 0, 0, DNAN},
    {MRV_I_DIV, 1, 4, 0, 0, 0, 0.25},
    {MRV_I_DIV, 1, 0, 0, 0, 0, DNAN}, /* not Inf: 1 / (1 / 0) is not 0 */
    {MRV_I_DIV, 0, 0, 0, 0, 0, DNAN},
    {MRV_I_POW, 2, 10, 0, 0, 0, 1024},
    {MRV_I_POW, -8, 1.0 / 3, 0, 0, 0, DNAN},
    {MRV_I_ADDK, 1, 0, 0, 2, 0, 3},
    {MRV_I_SUBK, 1, 0, 0, 2, 0, -1},
    {MRV_I_RSUBK, 1, 0, 0, 2, 0, 1},
    {MRV_I_MULK, 3, 0, 0, 2, 0, 6},
    /* b + c k with two roundings, never one fused multiply-add: c k =
    ** (1 + 2^-27)(1 - 2^-27) = 1 - 2^-54 rounds to 1, so -1 + 1 = 0
    ** (an FMA would give -2^-54). */
    {MRV_I_MADDK, 1, 3, 0, 2, 0, 7},
    {MRV_I_MADDK, -1, 1 + 0x1p-27, 0, 1 - 0x1p-27, 0, 0},
    {MRV_I_DIVK, 3, 0, 0, 2, 0, 1.5},
    {MRV_I_DIVK, 3, 0, 0, 0, 0, DINF},
    {MRV_I_RDIVK, 4, 0, 0, 2, 0, 0.5},
    {MRV_I_RDIVK, 0, 0, 0, 2, 0, DNAN},
    {MRV_I_POWK, 9, 0, 0, 0.5, 0, 3},
    {MRV_I_RPOWK, 3, 0, 0, 2, 0, 8},
    {MRV_I_POWI, 2, 0, 0, 0, 10, 1024},
    {MRV_I_POWI, 2, 0, 0, 0, -2, 0.25},
    {MRV_I_POWI, -3, 0, 0, 0, 3, -27},
    {MRV_I_POWI, 1.5, 0, 0, 0, 2, 2.25},
    {MRV_I_POWI, 0, 0, 0, 0, -1, DINF},
    {MRV_I_POWI, 7, 0, 0, 0, 0, 1},
    {MRV_I_NEG, 2, 0, 0, 0, 0, -2},
    {MRV_I_ABS, -2, 0, 0, 0, 0, 2},
    {MRV_I_EXP, 0, 0, 0, 0, 0, 1},
    {MRV_I_EXP, 1000, 0, 0, 0, 0, DINF},
    {MRV_I_LN, 1, 0, 0, 0, 0, 0},
    {MRV_I_LN, -1, 0, 0, 0, 0, DNAN},
    {MRV_I_LN, 0, 0, 0, 0, 0, -DINF},
    {MRV_I_LOG10, 1000, 0, 0, 0, 0, 3},
    {MRV_I_SQRT, 16, 0, 0, 0, 0, 4},
    {MRV_I_SQRT, -1, 0, 0, 0, 0, DNAN},
    {MRV_I_FLOOR, -1.5, 0, 0, 0, 0, -2},
    {MRV_I_CEIL, -1.5, 0, 0, 0, 0, -1},
    {MRV_I_ROUND, 2.675, 0, 0, 0, 2, 2.68},
    {MRV_I_ROUND, -2.5, 0, 0, 0, 0, -3},
    {MRV_I_ROUND, DNAN, 0, 0, 0, 2, DNAN},
    {MRV_I_ROUND, -DINF, 0, 0, 0, 0, -DINF},
    {MRV_I_LT, 1, 2, 0, 0, 0, 1},
    {MRV_I_LT, 2, 2, 0, 0, 0, 0},
    {MRV_I_LT, DNAN, 2, 0, 0, 0, DNAN},
    {MRV_I_LT, DINF, 2, 0, 0, 0, DNAN}, /* x / 0 > 1 must not be 1 */
    {MRV_I_GE, 1, -DINF, 0, 0, 0, DNAN},
    {MRV_I_LE, 2, 2, 0, 0, 0, 1},
    {MRV_I_LE, 2, DNAN, 0, 0, 0, DNAN},
    {MRV_I_GT, 3, 2, 0, 0, 0, 1},
    {MRV_I_GT, DNAN, DNAN, 0, 0, 0, DNAN},
    {MRV_I_GE, 1, 2, 0, 0, 0, 0},
    {MRV_I_EQ, 2, 2, 0, 0, 0, 1},
    {MRV_I_EQ, DNAN, DNAN, 0, 0, 0, DNAN},
    {MRV_I_NE, 2, 3, 0, 0, 0, 1},
    {MRV_I_NE, DNAN, 3, 0, 0, 0, DNAN},
    {MRV_I_AND, 2, 3, 0, 0, 0, 1},
    {MRV_I_AND, 0, 3, 0, 0, 0, 0},
    {MRV_I_AND, 0, DNAN, 0, 0, 0, DNAN}, /* no short cut past a NaN */
    {MRV_I_AND, DINF, 1, 0, 0, 0, DNAN},
    {MRV_I_OR, 0, 0, 0, 0, 0, 0},
    {MRV_I_OR, 0, -1, 0, 0, 0, 1},
    {MRV_I_OR, 1, DNAN, 0, 0, 0, DNAN},
    {MRV_I_NOT, 0, 0, 0, 0, 0, 1},
    {MRV_I_NOT, 5, 0, 0, 0, 0, 0},
    {MRV_I_NOT, DNAN, 0, 0, 0, 0, DNAN},
    {MRV_I_NOT, DINF, 0, 0, 0, 0, DNAN},
    {MRV_I_MIN, 1, 2, 0, 0, 0, 1},
    {MRV_I_MIN, DNAN, 2, 0, 0, 0, DNAN}, /* unlike fmin */
    {MRV_I_MIN, 2, DNAN, 0, 0, 0, DNAN},
    {MRV_I_MIN, -DINF, 2, 0, 0, 0, DNAN},
    {MRV_I_MIN, 1, DINF, 0, 0, 0, DNAN}, /* min(1, x / 0) must not be 1 */
    {MRV_I_MAX, -DINF, 1, 0, 0, 0, DNAN},
    {MRV_I_MAX, 1, 2, 0, 0, 0, 2},
    {MRV_I_MAX, 1, DNAN, 0, 0, 0, DNAN},
    {MRV_I_MAX, DNAN, 1, 0, 0, 0, DNAN},
    {MRV_I_SEL, 1, 5, 7, 0, 0, 5},
    {MRV_I_SEL, 0, 5, 7, 0, 0, 7},
    {MRV_I_SEL, -2, 5, 7, 0, 0, 5},
    {MRV_I_SEL, DNAN, 5, 7, 0, 0, DNAN},
    {MRV_I_SEL, DINF, 5, 7, 0, 0, DNAN},
    {MRV_I_SEL, 1, 5, DNAN, 0, 0, 5}, /* the unchosen branch drops */
    {MRV_I_SEL, 0, DINF, 7, 0, 0, 7},
    {MRV_I_SEL, 0, 5, DNAN, 0, 0, DNAN},
};

static mrv_insn insn(mrv_opcode op, uint32_t a, uint32_t b, uint32_t c,
                     uint32_t d, double k)
{
    mrv_insn in = {(uint32_t)op, a, b, c, d, k, 0};
    return in;
}

static void test_eval_op_table(void **state)
{
    (void)state;
    enum { LANES = 5 };
    double slots[4 * LANES];
    uint64_t bad[1] = {0}, first[1] = {UINT64_MAX};
    for (size_t i = 0; i < sizeof ops / sizeof *ops; i++) {
        /* slots 0, 1, 2: b, c, d; slot 3: the result */
        bool in_c = ops[i].op == MRV_I_POWI || ops[i].op == MRV_I_ROUND;
        uint32_t c = in_c ? (uint32_t)(int32_t)ops[i].e : 1;
        mrv_insn in = insn(ops[i].op, 3, 0, c, 2, ops[i].k);
        double got = mrv_eval_op(&in, ops[i].b, ops[i].c, ops[i].d);
        if (!same(got, ops[i].want))
            fail_msg("row %zu (%s): mrv_eval_op gives %g, want %g", i,
                     mrv_opcode_name(ops[i].op), got, ops[i].want);
        for (size_t l = 0; l < LANES; l++) {
            slots[0 * LANES + l] = ops[i].b;
            slots[1 * LANES + l] = ops[i].c;
            slots[2 * LANES + l] = ops[i].d;
            slots[3 * LANES + l] = 12345;
        }
        mrv_program p;
        memset(&p, 0, sizeof p);
        p.nslots = 4;
        p.ncode = 1;
        p.code = &in;
        mrv_eval_run(&p, slots, LANES, LANES, 0, bad, first);
        for (size_t l = 0; l < LANES; l++)
            if (!same(slots[3 * LANES + l], ops[i].want))
                fail_msg("row %zu (%s): lane %zu gives %g, want %g", i,
                         mrv_opcode_name(ops[i].op), l, slots[3 * LANES + l],
                         ops[i].want);
    }
}

/* Every lane of a block computes what the scalar definition says for its
** own values, whatever its neighbours hold. */
static void test_eval_lanes_independent(void **state)
{
    (void)state;
    static const double vals[] = {-2, -0.5, 0,    0.5,   1,
                                  3,  DNAN, DINF, -DINF, 1e308};
    enum { N = sizeof vals / sizeof *vals };
    double slots[5 * N];
    uint64_t bad[1] = {0}, first[1] = {UINT64_MAX};
    for (int op = 0; op < MRV_I_CHECK; op++) {
        for (size_t l = 0; l < N; l++) {
            slots[0 * N + l] = vals[l];
            slots[1 * N + l] = vals[(l + 3) % N];
            slots[2 * N + l] = vals[(l + 7) % N];
        }
        uint32_t c = op == MRV_I_POWI ? (uint32_t)-3 : 1;
        mrv_insn in = insn((mrv_opcode)op, 3, 0, c, 2, 1.5);
        mrv_program p;
        memset(&p, 0, sizeof p);
        p.nslots = 5;
        p.ncode = 1;
        p.code = &in;
        mrv_eval_run(&p, slots, N, N, 0, bad, first);
        for (size_t l = 0; l < N; l++) {
            double want =
                mrv_eval_op(&in, slots[l], slots[N + l], slots[2 * N + l]);
            if (!same(slots[3 * N + l], want))
                fail_msg("%s lane %zu: %g, want %g",
                         mrv_opcode_name((mrv_opcode)op), l, slots[3 * N + l],
                         want);
        }
    }
}

/* round(x, n): the spreadsheet's ROUND, half away from zero on the 15
** significant digits a spreadsheet keeps.  Each 'want' is the double
** nearest the decimal answer, written as that decimal. */
static const struct {
    double x;
    int n;
    double want;
} rounds[] = {
    /* The classic cases: stored just below the tie, rounded up anyway,
    ** because their 15 digits are the tie. */
    {2.675, 2, 2.68},
    {1.005, 2, 1.01},
    {1.015, 2, 1.02},
    {0.285, 2, 0.29},
    {-2.675, 2, -2.68},
    /* Half away from zero, not to even. */
    {0.5, 0, 1},
    {1.5, 0, 2},
    {2.5, 0, 3},
    {-0.5, 0, -1},
    {-2.5, 0, -3},
    {2.4999, 0, 2},
    {2.45, 1, 2.5},
    /* Negative n: tens, hundreds. */
    {1234.5, -2, 1200},
    {1250, -2, 1300},
    {-1250, -2, -1300},
    {1249.99, -2, 1200},
    {5, -1, 10},
    {4.9, -1, 0},
    {499, -3, 0},
    {500, -3, 1000},
    {0.0004, -5, 0},
    /* Carries through nines into the next power of ten. */
    {9.995, 2, 10},
    {99.96, 1, 100},
    {-0.96, 0, -1},
    /* Nothing to round; whole numbers; zero stays +0. */
    {3, 2, 3},
    {1e300, 0, 1e300},
    {1e300, 2, 1e300},
    {-1e300, -2, -1e300},
    {0.125, 10, 0.125},
    {-0.4, 0, 0},
    {0, 3, 0},
    /* 15 significant digits first, as a spreadsheet holds them. */
    {0.1 + 0.2, 20, 0.3},
    {123456789012345.67, 2, 123456789012346},
    {1e-320, 400, 1e-320},
    /* Beyond the largest double: infinite, which the checks report. */
    {1.7976931348623157e308, -308, DINF},
};

static void test_eval_round(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof rounds / sizeof *rounds; i++) {
        double got = mrv_eval_round(rounds[i].x, rounds[i].n);
        if (!same(got, rounds[i].want) ||
            signbit(got) != signbit(rounds[i].want))
            fail_msg("round(%.17g, %d) = %.17g, want %.17g", rounds[i].x,
                     rounds[i].n, got, rounds[i].want);
        /* The opcode computes the same, in the VM as when folding. */
        mrv_insn in =
            insn(MRV_I_ROUND, 1, 0, (uint32_t)(int32_t)rounds[i].n, 0, 0);
        assert_true(same(mrv_eval_op(&in, rounds[i].x, 0, 0), got));
    }
    /* n far out of range saturates: every double is 0 or its own 15
    ** digits long before. */
    assert_true(same(mrv_eval_round(2.675, 1000000), 2.675));
    assert_true(same(mrv_eval_round(2.675, -1000000), 0));
}

static void test_eval_opcode_names(void **state)
{
    (void)state;
    assert_string_equal(mrv_opcode_name(MRV_I_ADD), "add");
    assert_string_equal(mrv_opcode_name(MRV_I_SEL), "sel");
    assert_string_equal(mrv_opcode_name(MRV_I_CHECK), "check");
    assert_string_equal(mrv_opcode_name(MRV_I_COUNT), "?");
    for (int op = 0; op < MRV_I_COUNT; op++)
        assert_string_not_equal(mrv_opcode_name((mrv_opcode)op), "?");
}

static void test_eval_checks_count(void **state)
{
    (void)state;
    /* slot 0: x (input), slot 1: constant 0, slot 2: x / 0 */
    mrv_insn code[] = {
        insn(MRV_I_DIV, 2, 0, 1, 0, 0),
        insn(MRV_I_CHECK, 0, 2, 0, 0, 0),
    };
    uint32_t kslot[] = {1};
    double kval[] = {0};
    mrv_program p;
    memset(&p, 0, sizeof p);
    p.nslots = 3;
    p.ninputs = 1;
    p.nconsts = 1;
    p.const_slot = kslot;
    p.const_value = kval;
    p.ncode = 2;
    p.code = code;
    p.nchecks = 1;
    enum { N = 6 };
    double slots[3 * N];
    static const double x[N] = {1, 2, 0, 0, -1, 3};
    memcpy(slots, x, sizeof x);
    mrv_eval_fill_consts(&p, slots, N, N);
    for (size_t l = 0; l < N; l++) assert_true(slots[N + l] == 0);
    uint64_t bad[1] = {0}, first[1] = {UINT64_MAX};
    /* Every lane divides by zero; all six count, the first is lane 0 of
    ** this block, which starts at draw 100. */
    mrv_eval_run(&p, slots, N, N, 100, bad, first);
    assert_int_equal(bad[0], 6);
    assert_int_equal(first[0], 100);
    /* A second block adds to the count and keeps the first lane. */
    mrv_eval_run(&p, slots, N, 2, 200, bad, first);
    assert_int_equal(bad[0], 8);
    assert_int_equal(first[0], 100);

    /* x * 0 + ... : only lanes where x is not finite fail. */
    code[0] = insn(MRV_I_MUL, 2, 0, 1, 0, 0);
    static const double y[N] = {1, DNAN, 0, DINF, -1, 3};
    memcpy(slots, y, sizeof y);
    bad[0] = 0;
    first[0] = UINT64_MAX;
    mrv_eval_run(&p, slots, N, N, 0, bad, first);
    assert_int_equal(bad[0], 2);
    assert_int_equal(first[0], 1);
}

/* Hand-built: x and y are inputs (slots 0, 1); constants 0 and 1000 in
** slots 2, 3; temporaries from 4.  Sites number the instructions. */
typedef struct built {
    mrv_program p;
    mrv_insn code[16];
    mrv_site sites[16];
    uint32_t kslot[2];
    double kval[2];
    mrv_check checks[1];
} built;

static void build(built *b, const mrv_insn *code, size_t n)
{
    memset(b, 0, sizeof *b);
    for (size_t i = 0; i < n; i++) {
        b->code[i] = code[i];
        b->code[i].site = (uint32_t)i;
        b->sites[i].off = 10 * i;
    }
    b->kslot[0] = 2;
    b->kslot[1] = 3;
    b->kval[0] = 0;
    b->kval[1] = 1000;
    b->p.nslots = 12;
    b->p.ninputs = 2;
    b->p.nconsts = 2;
    b->p.const_slot = b->kslot;
    b->p.const_value = b->kval;
    b->p.ncode = n;
    b->p.code = b->code;
    b->p.nsites = n;
    b->p.sites = b->sites;
    b->p.nchecks = 1;
    b->p.checks = b->checks;
}

/* Runs one lane with inputs x, y; returns the check's count and, when it
** failed, the trace. */
static uint64_t run1(built *b, double x, double y, mrv_trace *tr, int *rc)
{
    double slots[12] = {x, y};
    uint64_t bad[1] = {0}, first[1] = {UINT64_MAX};
    mrv_eval_fill_consts(&b->p, slots, 1, 1);
    mrv_eval_run(&b->p, slots, 1, 1, 0, bad, first);
    if (bad[0]) {
        double in[12] = {x, y};
        *rc = mrv_eval_trace(&b->p, in, 1, 0, 0, tr);
    }
    return bad[0];
}

static void test_eval_trace_finds_origin(void **state)
{
    (void)state;
    built b;
    mrv_trace tr;
    int rc = -1;

    /* ln(x - y) * 2: the logarithm made the NaN, not the product. */
    const mrv_insn ln[] = {
        insn(MRV_I_SUB, 4, 0, 1, 0, 0),   insn(MRV_I_LN, 5, 4, 0, 0, 0),
        insn(MRV_I_MULK, 6, 5, 0, 0, 2),  insn(MRV_I_ADD, 7, 6, 0, 0, 0),
        insn(MRV_I_CHECK, 0, 7, 0, 0, 0),
    };
    build(&b, ln, 5);
    assert_int_equal(run1(&b, 3, 1, &tr, &rc), 0);
    assert_int_equal(run1(&b, 1, 2, &tr, &rc), 1);
    assert_int_equal(rc, 0);
    assert_int_equal(tr.site, 1);
    assert_string_equal(tr.why, "logarithm of a negative number");
    assert_true(isnan(tr.value));
    assert_int_equal(run1(&b, 2, 2, &tr, &rc), 1);
    assert_string_equal(tr.why, "logarithm of zero");

    /* x / 0 (a constant slot), then carried along: division by zero. */
    const mrv_insn div[] = {
        insn(MRV_I_DIV, 4, 0, 2, 0, 0),
        insn(MRV_I_ADDK, 5, 4, 0, 0, 1),
        insn(MRV_I_MUL, 6, 5, 1, 0, 0),
        insn(MRV_I_CHECK, 0, 6, 0, 0, 0),
    };
    build(&b, div, 4);
    assert_int_equal(run1(&b, 1, 2, &tr, &rc), 1);
    assert_int_equal(rc, 0);
    assert_int_equal(tr.site, 0);
    assert_string_equal(tr.why, "division by zero");
    assert_true(isnan(tr.value));

    /* A masked branch is not an error: if(x > 0, ln(x), 0) for x = -1.
    ** The same select fails when its chosen branch is the broken one, and
    ** the trace goes through the select to the logarithm. */
    const mrv_insn sel[] = {
        insn(MRV_I_GT, 4, 0, 2, 0, 0),
        insn(MRV_I_LN, 5, 0, 0, 0, 0),
        insn(MRV_I_SEL, 6, 4, 5, 2, 0),
        insn(MRV_I_CHECK, 0, 6, 0, 0, 0),
    };
    build(&b, sel, 4);
    assert_int_equal(run1(&b, -1, 0, &tr, &rc), 0);
    assert_int_equal(run1(&b, 5, 0, &tr, &rc), 0);
    const mrv_insn sel2[] = {
        insn(MRV_I_LT, 4, 0, 2, 0, 0),
        insn(MRV_I_LN, 5, 0, 0, 0, 0),
        insn(MRV_I_SEL, 6, 4, 5, 2, 0),
        insn(MRV_I_CHECK, 0, 6, 0, 0, 0),
    };
    build(&b, sel2, 4);
    assert_int_equal(run1(&b, -1, 0, &tr, &rc), 1);
    assert_int_equal(tr.site, 1);
    assert_string_equal(tr.why, "logarithm of a negative number");

    /* A NaN condition poisons the select: the trace blames the NaN's own
    ** origin (sqrt), not the select. */
    const mrv_insn cond[] = {
        insn(MRV_I_SQRT, 4, 0, 0, 0, 0),
        insn(MRV_I_GT, 5, 4, 2, 0, 0),
        insn(MRV_I_SEL, 6, 5, 1, 2, 0),
        insn(MRV_I_CHECK, 0, 6, 0, 0, 0),
    };
    build(&b, cond, 4);
    assert_int_equal(run1(&b, -4, 1, &tr, &rc), 1);
    assert_int_equal(tr.site, 0);
    assert_string_equal(tr.why, "square root of a negative number");

    /* Overflows and powers. */
    const mrv_insn ex[] = {
        insn(MRV_I_MUL, 4, 0, 3, 0, 0),
        insn(MRV_I_EXP, 5, 4, 0, 0, 0),
        insn(MRV_I_CHECK, 0, 5, 0, 0, 0),
    };
    build(&b, ex, 3);
    assert_int_equal(run1(&b, 1, 0, &tr, &rc), 1);
    assert_int_equal(tr.site, 1);
    assert_string_equal(tr.why, "exp overflows");
    const mrv_insn pw[] = {
        insn(MRV_I_POWI, 4, 0, (uint32_t)-2, 0, 0),
        insn(MRV_I_CHECK, 0, 4, 0, 0, 0),
    };
    build(&b, pw, 2);
    assert_int_equal(run1(&b, 0, 0, &tr, &rc), 1);
    assert_string_equal(tr.why, "zero raised to a negative power");
    const mrv_insn pk[] = {
        insn(MRV_I_POWK, 4, 0, 0, 0, 0.5),
        insn(MRV_I_CHECK, 0, 4, 0, 0, 0),
    };
    build(&b, pk, 2);
    assert_int_equal(run1(&b, -2, 0, &tr, &rc), 1);
    assert_string_equal(tr.why,
                        "a negative number raised to a fractional power");
    /* A non-finite input is nobody's operation: the check's own value
    ** has no writer, so there is nothing to trace. */
    const mrv_insn in[] = {insn(MRV_I_CHECK, 0, 0, 0, 0, 0)};
    build(&b, in, 1);
    assert_int_equal(run1(&b, DNAN, 0, &tr, &rc), 1);
    assert_int_equal(rc, -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eval_op_table),
        cmocka_unit_test(test_eval_lanes_independent),
        cmocka_unit_test(test_eval_round),
        cmocka_unit_test(test_eval_opcode_names),
        cmocka_unit_test(test_eval_checks_count),
        cmocka_unit_test(test_eval_trace_finds_origin),
    };
    return cmocka_run_group_tests_name("eval", tests, NULL, NULL);
}
