/*
** eval.c -- the block VM.
**
** mrv_eval_run executes a program (program.h) over 'n' lanes: for each
** instruction one loop over the lanes, with restrict-qualified columns
** (lowering never lets an instruction write a slot it reads), so the
** compiler vectorises the arithmetic.  Semantics are those of
** mrv_eval_op, the scalar definition used for constant folding: IEEE
** arithmetic, and NaN propagating through comparisons, and/or/not, min,
** max and the condition of a select, so that a broken value can never be
** hidden by a test on it.  Only a select's unchosen branch is dropped:
** 'if(x > 0, ln(x), 0)' is fine for x <= 0.
**
** mrv_eval_trace replays one lane instruction by instruction, remembering
** which instruction last wrote each slot, then walks back from a failed
** check along non-finite operands (the chosen branch of a select) to the
** first instruction that made a non-finite value from finite ones.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eval.h"

/* NAN is a float; every use here is a double. */
#define DNAN ((double)NAN)

static const char *const op_names[MRV_I_COUNT] = {
    /* ORDER OPS */
    "add", "sub", "mul", "div", "pow", "addk", "subk", "rsubk", "mulk", "divk",
    "rdivk", "powk", "rpowk", "powi", "neg", "abs", "exp", "ln", "log10",
    "sqrt", "floor", "ceil", "lt", "le", "gt", "ge", "eq", "ne", "and", "or",
    "not", "min", "max", "sel", "check"};

const char *mrv_opcode_name(mrv_opcode op)
{
    return op < MRV_I_COUNT ? op_names[op] : "?";
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

#define TRUTH(x) ((x) != 0)
#define NANOR(b, c, e) (((b) != (b) || (c) != (c)) ? DNAN : (e))

double mrv_eval_op(const mrv_insn *ip, double b, double c, double d)
{
    double k = ip->k;
    switch ((mrv_opcode)ip->op) {
    case MRV_I_ADD: return b + c;
    case MRV_I_SUB: return b - c;
    case MRV_I_MUL: return b * c;
    case MRV_I_DIV: return b / c;
    case MRV_I_POW: return pow(b, c);
    case MRV_I_ADDK: return b + k;
    case MRV_I_SUBK: return b - k;
    case MRV_I_RSUBK: return k - b;
    case MRV_I_MULK: return b * k;
    case MRV_I_DIVK: return b / k;
    case MRV_I_RDIVK: return k / b;
    case MRV_I_POWK: return pow(b, k);
    case MRV_I_RPOWK: return pow(k, b);
    case MRV_I_POWI: return powi(b, (int32_t)ip->c);
    case MRV_I_NEG: return -b;
    case MRV_I_ABS: return fabs(b);
    case MRV_I_EXP: return exp(b);
    case MRV_I_LN: return log(b);
    case MRV_I_LOG10: return log10(b);
    case MRV_I_SQRT: return sqrt(b);
    case MRV_I_FLOOR: return floor(b);
    case MRV_I_CEIL: return ceil(b);
    case MRV_I_LT: return NANOR(b, c, b < c ? 1.0 : 0.0);
    case MRV_I_LE: return NANOR(b, c, b <= c ? 1.0 : 0.0);
    case MRV_I_GT: return NANOR(b, c, b > c ? 1.0 : 0.0);
    case MRV_I_GE: return NANOR(b, c, b >= c ? 1.0 : 0.0);
    case MRV_I_EQ: return NANOR(b, c, b == c ? 1.0 : 0.0);
    case MRV_I_NE: return NANOR(b, c, b != c ? 1.0 : 0.0);
    case MRV_I_AND: return NANOR(b, c, TRUTH(b) && TRUTH(c) ? 1.0 : 0.0);
    case MRV_I_OR: return NANOR(b, c, TRUTH(b) || TRUTH(c) ? 1.0 : 0.0);
    case MRV_I_NOT: return b != b ? DNAN : (TRUTH(b) ? 0.0 : 1.0);
    case MRV_I_MIN: return NANOR(b, c, b < c ? b : c);
    case MRV_I_MAX: return NANOR(b, c, b > c ? b : c);
    case MRV_I_SEL: return b != b ? DNAN : (TRUTH(b) ? c : d);
    case MRV_I_CHECK:
    case MRV_I_COUNT: break;
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
** expression is the scalar semantics above; keep them in step. */
#define LOOP(expr)                                                         \
    for (size_t i = 0; i < n; i++) a[i] = (expr);                          \
    break

void mrv_eval_run(const mrv_program *p, double *slots, size_t stride,
                  size_t n, uint64_t lane0, uint64_t *bad, uint64_t *first_bad)
{
    const mrv_insn *ip = p->code, *end = p->code + p->ncode;
    for (; ip < end; ip++) {
        double *restrict a = slots + (size_t)ip->a * stride;
        const double *restrict b = slots + (size_t)ip->b * stride;
        const double *restrict c = slots + (size_t)ip->c * stride;
        const double *restrict d = slots + (size_t)ip->d * stride;
        const double k = ip->k;
        switch ((mrv_opcode)ip->op) { /* ORDER OPS */
        case MRV_I_ADD: LOOP(b[i] + c[i]);
        case MRV_I_SUB: LOOP(b[i] - c[i]);
        case MRV_I_MUL: LOOP(b[i] * c[i]);
        case MRV_I_DIV: LOOP(b[i] / c[i]);
        case MRV_I_POW: LOOP(pow(b[i], c[i]));
        case MRV_I_ADDK: LOOP(b[i] + k);
        case MRV_I_SUBK: LOOP(b[i] - k);
        case MRV_I_RSUBK: LOOP(k - b[i]);
        case MRV_I_MULK: LOOP(b[i] * k);
        case MRV_I_DIVK: LOOP(b[i] / k);
        case MRV_I_RDIVK: LOOP(k / b[i]);
        case MRV_I_POWK: LOOP(pow(b[i], k));
        case MRV_I_RPOWK: LOOP(pow(k, b[i]));
        case MRV_I_POWI: {
            int e = (int32_t)ip->c;
            if (e == 2) {
                LOOP(b[i] * b[i]);
            } else if (e == 3) {
                LOOP(b[i] * b[i] * b[i]);
            } else {
                LOOP(powi(b[i], e));
            }
        }
        case MRV_I_NEG: LOOP(-b[i]);
        case MRV_I_ABS: LOOP(fabs(b[i]));
        case MRV_I_EXP: LOOP(exp(b[i]));
        case MRV_I_LN: LOOP(log(b[i]));
        case MRV_I_LOG10: LOOP(log10(b[i]));
        case MRV_I_SQRT: LOOP(sqrt(b[i]));
        case MRV_I_FLOOR: LOOP(floor(b[i]));
        case MRV_I_CEIL: LOOP(ceil(b[i]));
        case MRV_I_LT: LOOP(NANOR(b[i], c[i], b[i] < c[i] ? 1.0 : 0.0));
        case MRV_I_LE: LOOP(NANOR(b[i], c[i], b[i] <= c[i] ? 1.0 : 0.0));
        case MRV_I_GT: LOOP(NANOR(b[i], c[i], b[i] > c[i] ? 1.0 : 0.0));
        case MRV_I_GE: LOOP(NANOR(b[i], c[i], b[i] >= c[i] ? 1.0 : 0.0));
        case MRV_I_EQ: LOOP(NANOR(b[i], c[i], b[i] == c[i] ? 1.0 : 0.0));
        case MRV_I_NE: LOOP(NANOR(b[i], c[i], b[i] != c[i] ? 1.0 : 0.0));
        case MRV_I_AND:
            LOOP(NANOR(b[i], c[i], TRUTH(b[i]) && TRUTH(c[i]) ? 1.0 : 0.0));
        case MRV_I_OR:
            LOOP(NANOR(b[i], c[i], TRUTH(b[i]) || TRUTH(c[i]) ? 1.0 : 0.0));
        case MRV_I_NOT: LOOP(b[i] != b[i] ? DNAN : (TRUTH(b[i]) ? 0.0 : 1.0));
        case MRV_I_MIN: LOOP(NANOR(b[i], c[i], b[i] < c[i] ? b[i] : c[i]));
        case MRV_I_MAX: LOOP(NANOR(b[i], c[i], b[i] > c[i] ? b[i] : c[i]));
        case MRV_I_SEL:
            LOOP(b[i] != b[i] ? DNAN : (TRUTH(b[i]) ? c[i] : d[i]));
        case MRV_I_CHECK: {
            /* x - x is 0 for finite x and NaN for NaN and +-Inf. */
            uint64_t nb = 0;
            for (size_t i = 0; i < n; i++) nb += (b[i] - b[i]) != 0;
            if (nb) {
                bad[ip->c] += nb;
                if (first_bad[ip->c] == UINT64_MAX) {
                    size_t i = 0;
                    while (i < n && (b[i] - b[i]) == 0) i++;
                    first_bad[ip->c] = lane0 + i;
                }
            }
            break;
        }
        case MRV_I_COUNT:
            break;
        }
    }
}

/* ---- tracing ----------------------------------------------------------- */

static bool reads_c(uint32_t op)
{
    switch (op) {
    case MRV_I_ADD: case MRV_I_SUB: case MRV_I_MUL: case MRV_I_DIV:
    case MRV_I_POW: case MRV_I_LT: case MRV_I_LE: case MRV_I_GT:
    case MRV_I_GE: case MRV_I_EQ: case MRV_I_NE: case MRV_I_AND:
    case MRV_I_OR: case MRV_I_MIN: case MRV_I_MAX: case MRV_I_SEL:
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
    case MRV_I_DIV: return c == 0 ? "division by zero" : "overflow in a division";
    case MRV_I_DIVK: return "division by zero";
    case MRV_I_RDIVK: return b == 0 ? "division by zero" : "overflow in a division";
    case MRV_I_LN:
    case MRV_I_LOG10:
        return b == 0 ? "logarithm of zero" : "logarithm of a negative number";
    case MRV_I_SQRT: return "square root of a negative number";
    case MRV_I_EXP: return "exp overflows";
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
    case MRV_I_POWI: return b == 0 ? "zero raised to a negative power"
                                    : "overflow in a power";
    default: return "overflow";
    }
}

int mrv_eval_trace(const mrv_program *p, const double *slots, size_t stride,
                   size_t lane, size_t check, mrv_trace *out)
{
    size_t ns = p->nslots, nc = p->ncode;
    double *reg = malloc((ns + 1) * sizeof *reg);
    double *val = malloc((nc + 1) * sizeof *val);
    int64_t *writer = malloc((ns + 1) * sizeof *writer);
    int64_t (*opw)[3] = malloc((nc + 1) * sizeof *opw);
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
        double r = mrv_eval_op(ip, reg[ip->b], reg[ip->c], reg[ip->d]);
        val[i] = r;
        reg[ip->a] = r;
        writer[ip->a] = (int64_t)i;
    }
    /* Walk back along non-finite operands. */
    while (target >= 0) {
        const mrv_insn *ip = &p->code[target];
        int64_t next = -1;
        double ob[3];
        for (int k = 0; k < 3; k++) ob[k] = opw[target][k] >= 0 ? val[opw[target][k]] : 0;
        if (ip->op == MRV_I_SEL) {
            int pick = ob[0] != ob[0] ? 0 : (ob[0] != 0 ? 1 : 2);
            if (opw[target][pick] >= 0 && !isfinite(ob[pick]))
                next = opw[target][pick];
        } else {
            for (int k = 0; k < 3 && next < 0; k++)
                if (opw[target][k] >= 0 && !isfinite(ob[k])) next = opw[target][k];
        }
        if (next < 0) {
            double bv = opw[target][0] >= 0 ? ob[0] : reg[ip->b];
            double cv = opw[target][1] >= 0 ? ob[1] : (reads_c(ip->op) ? reg[ip->c] : 0);
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
