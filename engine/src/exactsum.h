/*
** exactsum.h -- sums of doubles without rounding, in any order.
**
** The Monte Carlo adds each block's partial sums of a column (mean and
** squared deviations) from whichever thread computed the block, in
** whatever order blocks finish.  Floating-point addition is not
** associative, so a plain running sum would depend on the thread count;
** an exact sum does not: it holds the sum of its terms as one wide
** fixed-point integer, adding is exact, and the result is rounded once,
** by a function of the exact value alone.  Hence the same bits for every
** order of the same terms (docs/performance.md).
**
** The fixed point spans 2^-1088 .. 2^2240, so it holds any double and the
** square of any double times 2^64 terms: a term is x * 2^e with x finite
** and e in [0, 1100].
*/
#ifndef MRV_EXACTSUM_H
#define MRV_EXACTSUM_H

#include <stddef.h>
#include <stdint.h>

/* 32 bits per limb from 2^-1088 up; int64_t limbs take 2^30 terms
** before carries must be propagated (done as they are added). */
#define MRV_EXACTSUM_LIMBS 105

typedef struct mrv_exactsum {
    int64_t limb[MRV_EXACTSUM_LIMBS]; /* limb j weighs 2^(32 j - 1088) */
    uint32_t nadd;                    /* terms since the last carry pass */
} mrv_exactsum;

/* The empty sum (0). */
void mrv__exactsum_init(mrv_exactsum *s);

/* Adds x * 2^e exactly: x finite, 0 <= e <= 1100. */
void mrv__exactsum_add(mrv_exactsum *s, double x, int e);

/* Adds the sum t into s. */
void mrv__exactsum_merge(mrv_exactsum *s, const mrv_exactsum *t);

/* The sum as m * 2^*e with |m| in [0.5, 1) (m = 0, e = 0 for 0), m within
** one unit in its last place of the exact value; the same for the same
** exact value whatever the order its terms were added in.  Returns m. */
double mrv__exactsum_value(const mrv_exactsum *s, int *e);

#endif /* MRV_EXACTSUM_H */
