/*
** eval.c -- the block VM.
**
** mrv_eval_run executes a program (program.h) over 'n' lanes: for each
** instruction one loop over the lanes, with restrict-qualified columns
** (lowering never lets an instruction write a slot it reads), so the
** compiler vectorises the arithmetic.  Semantics are those of
** mrv_eval_op, the scalar definition used for constant folding: IEEE
** arithmetic, except that a division by zero makes NaN, not +-Inf,
** which later arithmetic could turn back into a finite number
** (1 / (x / 0) is not 0), and a non-finite operand (NaN, or the +-Inf of
** an overflow) of a comparison, and/or/not, min, max or the condition
** of a select makes NaN, so that a broken value can never be hidden by a
** test on it (min(1, x / 0) is not 1).  Only a select's
** unchosen branch is dropped: 'if(x > 0, ln(x), 0)' is fine for x <= 0.
**
** mrv_eval_trace replays one lane instruction by instruction, remembering
** which instruction last wrote each slot, then walks back from a failed
** check along non-finite operands (the chosen branch of a select) to the
** first instruction that made a non-finite value from finite ones.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval.h"
#include "pmath.h"

/* (double)NAN is a float; every use here is a double. */
#define DNAN ((double)(double)NAN)

static const char *const op_names[MRV_I_COUNT] = {
    /* ORDER OPS */
    "add",  "sub",   "mul",  "div",   "pow",  "addk",  "subk", "rsubk",
    "mulk", "maddk", "divk", "rdivk", "powk", "rpowk", "powi", "neg",
    "abs",  "exp",   "ln",   "log10", "sqrt", "floor", "ceil", "round",
    "lt",   "le",    "gt",   "ge",    "eq",   "ne",    "and",  "or",
    "not",  "min",   "max",  "sel",   "check"};

const char *mrv_opcode_name(mrv_opcode op)
{
    return op < MRV_I_COUNT ? op_names[op] : "?";
}

/* The slots each opcode reads: b (1), c (2), d (4); POWI's and ROUND's c
** is a number, CHECK reads b and writes nothing. */
static const unsigned char op_reads[MRV_I_COUNT] = {
    /* ORDER OPS */
    3, 3, 3, 3, 3, 1, 1, 1, 1, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 3, 3, 3, 3, 3, 3, 3, 3, 1, 3, 3, 7, 1};

unsigned mrv_opcode_reads(mrv_opcode op)
{
    return op < MRV_I_COUNT ? op_reads[op] : 7;
}

/* Digits of a double as %.14e writes them: 15 significant ones. */
#define ROUND_DIGITS 15

double mrv_eval_round(double x, int n)
{
    if (!isfinite(x) || x == 0) return x == 0 ? 0.0 : x;
    /* A whole number of at most 15 digits is its own 15 digits, and has
    ** nothing to round at n >= 0: the common case, without text. */
    if (n >= 0 && fabs(x) < 1e15 && x == floor(x)) return x;
    /* Beyond these the answer is the 15 digits, or 0: every finite
    ** double lies between 1e-324 and 1e309. */
    if (n > 400) n = 400;
    if (n < -400) n = -400;
    char buf[48];
    snprintf(buf, sizeof buf, "%.*e", ROUND_DIGITS - 1, fabs(x));
    /* buf is "D.DDDDDDDDDDDDDDe+XX": 15 digits and the exponent of the
    ** first, E; digit k stands for 10^(E - k). */
    char dig[ROUND_DIGITS + 1];
    dig[0] = buf[0];
    memcpy(dig + 1, buf + 2, ROUND_DIGITS - 1);
    int e = atoi(buf + ROUND_DIGITS + 2);
    int keep = e + n + 1; /* digits left of the rounding position */
    double sign = x < 0 ? -1.0 : 1.0;
    char out[64];
    if (keep >= ROUND_DIGITS) {
        snprintf(out, sizeof out, "%.*se%d", ROUND_DIGITS, dig,
                 e - ROUND_DIGITS + 1);
    } else if (keep < 0 || (keep == 0 && dig[0] < '5')) {
        return 0.0;
    } else {
        /* Half away from zero on the magnitude: a 5 or more in the first
        ** digit dropped rounds up, a tie included. */
        bool up = dig[keep] >= '5';
        int k = keep;
        while (up && k > 0) {
            if (dig[k - 1] < '9') {
                dig[k - 1]++;
                up = false;
            } else {
                dig[--k] = '0';
            }
        }
        if (keep == 0 || up) { /* 0.6 -> 1, 9.96 -> 10.0: the next power */
            snprintf(out, sizeof out, "1e%d", e + 1);
        } else {
            snprintf(out, sizeof out, "%.*se%d", keep, dig, e - keep + 1);
        }
    }
    double r = strtod(out, NULL);
    return r == 0 ? 0.0 : sign * r;
}

static double powi(double x, int n)
{
    unsigned m = n < 0 ? (unsigned)(-(long)n) : (unsigned)n;
    double r = 1, b = x;
    while (m) {
        if (m & 1) r *= b;
        b *= b;
        m >>= 1;
    }
    return n < 0 ? 1 / r : r;
}

#if defined(__GNUC__)
/* GCC's and Clang's vector extensions, two lanes (one SSE2 register on
** x86-64): element-wise IEEE arithmetic, so each lane computes exactly
** what the scalar code computes. */
typedef double vd2 __attribute__((vector_size(16)));
typedef long long vi2 __attribute__((vector_size(16)));
#endif

/* powi over a column: in every lane the same multiplications in the same
** order as powi, eight lanes at a time, so that the loop over the
** exponent's bits (the same for all lanes) is paid once per eight lanes
** rather than per lane. */
static void powi_col(double *restrict a, const double *restrict x, int n,
                     size_t nl)
{
    size_t i0 = 0;
#if defined(__GNUC__)
    unsigned m0 = n < 0 ? (unsigned)(-(long)n) : (unsigned)n;
    const vd2 one = {1, 1};
    for (; i0 + 8 <= nl; i0 += 8) {
        vd2 r0 = one, r1 = one, r2 = one, r3 = one, b0, b1, b2, b3;
        memcpy(&b0, x + i0, sizeof b0);
        memcpy(&b1, x + i0 + 2, sizeof b1);
        memcpy(&b2, x + i0 + 4, sizeof b2);
        memcpy(&b3, x + i0 + 6, sizeof b3);
        for (unsigned m = m0; m; m >>= 1) {
            if (m & 1) {
                r0 *= b0;
                r1 *= b1;
                r2 *= b2;
                r3 *= b3;
            }
            b0 *= b0;
            b1 *= b1;
            b2 *= b2;
            b3 *= b3;
        }
        if (n < 0) {
            r0 = one / r0;
            r1 = one / r1;
            r2 = one / r2;
            r3 = one / r3;
        }
        memcpy(a + i0, &r0, sizeof r0);
        memcpy(a + i0 + 2, &r1, sizeof r1);
        memcpy(a + i0 + 4, &r2, sizeof r2);
        memcpy(a + i0 + 6, &r3, sizeof r3);
    }
#endif
    for (; i0 < nl; i0++) a[i0] = powi(x[i0], n);
}

/* How many of b[0..n) are not finite (x - x is 0 for finite x, NaN for
** NaN and +-Inf), two lanes at a time where the vector extensions exist:
** a check runs after every equation of every vintage, and the scalar
** loop was a tenth of the VM's time. */
static uint64_t count_nonfinite(const double *b, size_t n)
{
    uint64_t nb = 0;
    size_t i = 0;
#if defined(__GNUC__)
    const vd2 zero = {0, 0};
    vi2 acc = {0, 0};
    for (; i + 2 <= n; i += 2) {
        vd2 v;
        memcpy(&v, b + i, sizeof v);
        acc -= (vi2)((v - v) != zero);
    }
    nb = (uint64_t)(acc[0] + acc[1]);
#endif
    for (; i < n; i++) nb += (b[i] - b[i]) != 0;
    return nb;
}

#define TRUTH(x) ((x) != 0)
/* NaN or +-Inf: x - x is 0 for finite x only (as count_nonfinite). */
#define BAD(x)         ((x) - (x) != 0)
#define NANOR(b, c, e) ((BAD(b) || BAD(c)) ? DNAN : (e))

double mrv_eval_op(const mrv_insn *ip, double b, double c, double d)
{
    double k = ip->k;
    switch ((mrv_opcode)ip->op) {
    case MRV_I_ADD:
        return b + c;
    case MRV_I_SUB:
        return b - c;
    case MRV_I_MUL:
        return b * c;
    case MRV_I_DIV:
        return c == 0 ? DNAN : b / c;
    case MRV_I_POW:
        return mrv__pow(b, c);
    case MRV_I_ADDK:
        return b + k;
    case MRV_I_SUBK:
        return b - k;
    case MRV_I_RSUBK:
        return k - b;
    case MRV_I_MULK:
        return b * k;
    case MRV_I_MADDK:
        return b + c * k;
    case MRV_I_DIVK:
        return b / k;
    case MRV_I_RDIVK:
        return b == 0 ? DNAN : k / b;
    case MRV_I_POWK:
        return mrv__pow(b, k);
    case MRV_I_RPOWK:
        return mrv__pow(k, b);
    case MRV_I_POWI:
        return powi(b, (int32_t)ip->c);
    case MRV_I_NEG:
        return -b;
    case MRV_I_ABS:
        return fabs(b);
    case MRV_I_EXP:
        return mrv__exp(b);
    case MRV_I_LN:
        return mrv__log(b);
    case MRV_I_LOG10:
        return mrv__log10(b);
    case MRV_I_SQRT:
        return sqrt(b);
    case MRV_I_FLOOR:
        return floor(b);
    case MRV_I_CEIL:
        return ceil(b);
    case MRV_I_ROUND:
        return mrv_eval_round(b, (int32_t)ip->c);
    case MRV_I_LT:
        return NANOR(b, c, b < c ? 1.0 : 0.0);
    case MRV_I_LE:
        return NANOR(b, c, b <= c ? 1.0 : 0.0);
    case MRV_I_GT:
        return NANOR(b, c, b > c ? 1.0 : 0.0);
    case MRV_I_GE:
        return NANOR(b, c, b >= c ? 1.0 : 0.0);
    case MRV_I_EQ:
        return NANOR(b, c, b == c ? 1.0 : 0.0);
    case MRV_I_NE:
        return NANOR(b, c, b != c ? 1.0 : 0.0);
    case MRV_I_AND:
        return NANOR(b, c, TRUTH(b) && TRUTH(c) ? 1.0 : 0.0);
    case MRV_I_OR:
        return NANOR(b, c, TRUTH(b) || TRUTH(c) ? 1.0 : 0.0);
    case MRV_I_NOT:
        return BAD(b) ? DNAN : (TRUTH(b) ? 0.0 : 1.0);
    case MRV_I_MIN:
        return NANOR(b, c, b < c ? b : c);
    case MRV_I_MAX:
        return NANOR(b, c, b > c ? b : c);
    case MRV_I_SEL:
        return BAD(b) ? DNAN : (TRUTH(b) ? c : d);
    case MRV_I_CHECK:
    case MRV_I_COUNT:
        break;
    }
    return DNAN;
}

void mrv_eval_fill_consts(const mrv_program *p, double *slots, size_t stride,
                          size_t n)
{
    for (size_t i = 0; i < p->nconsts; i++) {
        double *col = slots + (size_t)p->const_slot[i] * stride;
        double v = p->const_value[i];
        for (size_t j = 0; j < n; j++) col[j] = v;
    }
}

/* The loops below are the hot path.  Each is written so that the element
** expression is the scalar semantics above; keep them in step.  GCC
** vectorises a loop at -O2 only if it needs neither a remainder loop nor
** a run-time check that the columns do not overlap.  They never overlap
** (columns are whole and lowering gives an instruction no slot it reads),
** which ivdep tells GCC; the full-block instance of eval_run.h gives the
** trip count. */
#if defined(__GNUC__) && !defined(__clang__)
#define IVDEP _Pragma("GCC ivdep")
#else
#define IVDEP
#endif
#define LOOP(expr)                                                             \
    IVDEP for (size_t i = 0; i < n; i++) a[i] = (expr);                        \
    break

/* The block loop, from the template eval_run.h: once for any stride and
** lane count, and once for a full block of MRV_EVAL_BLOCK lanes, where
** both are constants.  GCC's -O2 cost model vectorises only loops whose
** trip count it knows, and the arithmetic runs about 1.6 times as fast
** vectorised (measured on the bench program); the statements, and so the
** results, are the same. */
#define EVAL_RUN_NAME   run_any
#define EVAL_RUN_STRIDE stride_
#define EVAL_RUN_N      n_
#include "eval_run.h"

#define EVAL_RUN_NAME   run_full
#define EVAL_RUN_STRIDE ((size_t)MRV_EVAL_BLOCK)
#define EVAL_RUN_N      ((size_t)MRV_EVAL_BLOCK)
#include "eval_run.h"

void mrv_eval_run(const mrv_program *p, double *slots, size_t stride, size_t n,
                  uint64_t lane0, uint64_t *bad, uint64_t *first_bad)
{
    /* A model folded to constants has no code, and its NULL array may not
    ** even take 'p->code + 0' (undefined; clang's UBSan says so). */
    if (p->ncode == 0) return;
    if (n == MRV_EVAL_BLOCK && stride == MRV_EVAL_BLOCK)
        run_full(p, slots, stride, n, lane0, bad, first_bad);
    else
        run_any(p, slots, stride, n, lane0, bad, first_bad);
}

/* ---- tracing ----------------------------------------------------------- */

static bool reads_c(uint32_t op)
{
    switch (op) {
    case MRV_I_MADDK:
    case MRV_I_ADD:
    case MRV_I_SUB:
    case MRV_I_MUL:
    case MRV_I_DIV:
    case MRV_I_POW:
    case MRV_I_LT:
    case MRV_I_LE:
    case MRV_I_GT:
    case MRV_I_GE:
    case MRV_I_EQ:
    case MRV_I_NE:
    case MRV_I_AND:
    case MRV_I_OR:
    case MRV_I_MIN:
    case MRV_I_MAX:
    case MRV_I_SEL:
        return true;
    default:
        return false;
    }
}

/* Why 'ip' made a non-finite value from finite operands. */
static const char *why(const mrv_insn *ip, double b, double c)
{
    double k = ip->k;
    switch ((mrv_opcode)ip->op) {
    case MRV_I_DIV:
        return c == 0 ? "division by zero" : "overflow in a division";
    case MRV_I_DIVK:
        return "division by zero";
    case MRV_I_RDIVK:
        return b == 0 ? "division by zero" : "overflow in a division";
    case MRV_I_LN:
    case MRV_I_LOG10:
        return b == 0 ? "logarithm of zero" : "logarithm of a negative number";
    case MRV_I_SQRT:
        return "square root of a negative number";
    case MRV_I_EXP:
        return "exp overflows";
    case MRV_I_POW:
    case MRV_I_POWK:
    case MRV_I_RPOWK: {
        double x = ip->op == MRV_I_RPOWK ? k : b;
        double e = ip->op == MRV_I_POW ? c : ip->op == MRV_I_POWK ? k : b;
        if (x < 0 && e != floor(e))
            return "a negative number raised to a fractional power";
        if (x == 0 && e < 0) return "zero raised to a negative power";
        return "overflow in a power";
    }
    case MRV_I_POWI:
        return b == 0 ? "zero raised to a negative power"
                      : "overflow in a power";
    case MRV_I_ROUND:
        return "overflow in a rounding";
    default:
        return "overflow";
    }
}

int mrv_eval_trace(const mrv_program *p, const double *slots, size_t stride,
                   size_t lane, size_t check, mrv_trace *out)
{
    size_t ns = p->nslots, nc = p->ncode;
    double *reg = malloc((ns + 1) * sizeof *reg);
    double *val = malloc((nc + 1) * sizeof *val);
    int64_t *writer = malloc((ns + 1) * sizeof *writer);
    int64_t(*opw)[3] = malloc((nc + 1) * sizeof *opw);
    int rc = -1;
    if (!reg || !val || !writer || !opw) goto out;
    for (size_t s = 0; s < ns; s++) {
        reg[s] = s < p->ninputs ? slots[s * stride + lane] : 0;
        writer[s] = -1;
    }
    mrv_eval_fill_consts(p, reg, 1, 1);
    int64_t target = -1;
    for (size_t i = 0; i < nc; i++) {
        const mrv_insn *ip = &p->code[i];
        opw[i][0] = writer[ip->b];
        opw[i][1] = reads_c(ip->op) ? writer[ip->c] : -1;
        opw[i][2] = ip->op == MRV_I_SEL ? writer[ip->d] : -1;
        if (ip->op == MRV_I_CHECK) {
            if (ip->c == check) {
                target = opw[i][0];
                break;
            }
            continue;
        }
        /* Only the operands the opcode reads are slots: POWI keeps its
        ** exponent in c and unused fields may hold anything. */
        double cv = reads_c(ip->op) ? reg[ip->c] : 0;
        double dv = ip->op == MRV_I_SEL ? reg[ip->d] : 0;
        double r = mrv_eval_op(ip, reg[ip->b], cv, dv);
        val[i] = r;
        reg[ip->a] = r;
        writer[ip->a] = (int64_t)i;
    }
    /* Walk back along non-finite operands. */
    while (target >= 0) {
        const mrv_insn *ip = &p->code[target];
        int64_t next = -1;
        double ob[3];
        for (int k = 0; k < 3; k++)
            ob[k] = opw[target][k] >= 0 ? val[opw[target][k]] : 0;
        if (ip->op == MRV_I_SEL) {
            int pick = !isfinite(ob[0]) ? 0 : (ob[0] != 0 ? 1 : 2);
            if (opw[target][pick] >= 0 && !isfinite(ob[pick]))
                next = opw[target][pick];
        } else {
            for (int k = 0; k < 3 && next < 0; k++)
                if (opw[target][k] >= 0 && !isfinite(ob[k]))
                    next = opw[target][k];
        }
        if (next < 0) {
            double bv = opw[target][0] >= 0 ? ob[0] : reg[ip->b];
            double cv = opw[target][1] >= 0
                            ? ob[1]
                            : (reads_c(ip->op) ? reg[ip->c] : 0);
            out->site = ip->site;
            out->why = why(ip, bv, cv);
            out->value = val[target];
            rc = 0;
            break;
        }
        target = next;
    }
out:
    free(reg);
    free(val);
    free(writer);
    free(opw);
    return rc;
}
