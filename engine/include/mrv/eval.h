/*
** eval.h -- the vectorised VM over blocks of draws.
**
** A block is 'n' lanes (draws) of every slot, each slot a column of
** 'stride' doubles in one buffer.  mrv_eval_run executes the program once
** per block; each instruction is one tight loop over the lanes.  The VM
** never traps: x/0 or ln(-1) make Inf or NaN, which propagate (comparisons,
** min, max and if included) and are counted at each equation's check.
** When a check fails, mrv_eval_trace re-runs one lane and follows the
** non-finite value back to the instruction that produced it from finite
** operands, so the error can point at the formula position.
*/
#ifndef MRV_EVAL_H
#define MRV_EVAL_H

#include <stddef.h>
#include <stdint.h>

#include "program.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The lane count the VM is specialised for: mrv_eval_run with n and
** stride both equal to it runs vectorised loops of a known trip count
** (any other n works, more slowly).  Monte Carlo blocks have this size
** (mc.h). */
#define MRV_EVAL_BLOCK 512

/* Fills the constant slots of lanes [0, n). */
void mrv_eval_fill_consts(const mrv_program *p, double *slots, size_t stride,
                          size_t n);

/* Runs 'p' over lanes [0, n) of 'slots'; inputs and constants must be
** filled.  Adds the count of non-finite values of check i to bad[i], and
** records in first_bad[i] (when not already set, i.e. UINT64_MAX) the
** first lane that failed, plus 'lane0'. */
void mrv_eval_run(const mrv_program *p, double *slots, size_t stride, size_t n,
                  uint64_t lane0, uint64_t *bad, uint64_t *first_bad);

/* round(x, n) as spreadsheets' ROUND gives it: 'x' taken to 15
** significant decimal digits (the digits a spreadsheet keeps, which
** absorbs the binary representation error: 2.675 is stored as
** 2.67499999999999982..., and its 15 digits are 2.67500000000000), then
** rounded to 'n' decimals (n < 0: to tens, hundreds, ...) half away from
** zero, exactly in decimal, and read back as the nearest double.  So
** round(2.675, 2) is 2.68, round(1.005, 2) 1.01, round(-2.5, 0) -3 and
** round(1234.5, -2) 1200.  A result of zero is +0; NaN and infinities
** pass through; a result beyond the largest double is infinite. */
double mrv_eval_round(double x, int n);

/* The scalar meaning of one instruction, for constant folding and
** tracing: the VM computes exactly this in every lane. */
double mrv_eval_op(const mrv_insn *ip, double b, double c, double d);

typedef struct mrv_trace {
    uint32_t site;   /* where the non-finite value was made */
    const char *why; /* "division by zero", ... */
    double value;    /* what it made */
} mrv_trace;

/* Re-runs lane 'lane' of the block in 'slots' (inputs filled) up to check
** 'check' and finds the origin of its non-finite value.  Returns 0 on
** success, -1 when out of memory or nothing was found. */
int mrv_eval_trace(const mrv_program *p, const double *slots, size_t stride,
                   size_t lane, size_t check, mrv_trace *out);

#ifdef __cplusplus
}
#endif

#endif /* MRV_EVAL_H */
