/*
** exactsum.c -- exact sums of doubles (exactsum.h).
**
** A term x * 2^e is split into its 53-bit integer significand M and its
** binary exponent; M, shifted to its place, touches at most three 32-bit
** limbs, each of which gets a piece below 2^32.  Limbs are int64_t, so
** they absorb 2^31 such pieces before they could overflow; a carry pass
** every 2^30 terms keeps them below 2^32 in magnitude.  Rounding
** normalises a copy (every limb in [0, 2^32), the sign in the top one),
** takes the absolute value, and adds the top three nonzero-led limbs as
** doubles, most significant first: a fixed sequence of operations on the
** exact value, so its result depends on nothing else.
**
** Nothing here allocates; a sum is 848 bytes.
*/
#include <math.h>
#include <string.h>

#include "exactsum.h"

#define BASE 1088 /* limb 0 weighs 2^-BASE */

void mrv__exactsum_init(mrv_exactsum *s)
{
    memset(s, 0, sizeof *s);
}

/* Makes every limb but the top one lie in [0, 2^32), moving the rest up:
** the value is unchanged and the top limb carries the sign. */
static void carry(int64_t *l)
{
    for (size_t j = 0; j + 1 < MRV_EXACTSUM_LIMBS; j++) {
        int64_t low = (int64_t)((uint64_t)l[j] & 0xffffffffu);
        l[j + 1] += (l[j] - low) / 4294967296; /* exact */
        l[j] = low;
    }
}

void mrv__exactsum_add(mrv_exactsum *s, double x, int e)
{
    if (x == 0) return;
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    int neg = (int)(bits >> 63);
    int bexp = (int)((bits >> 52) & 0x7ff);
    uint64_t m = bits & ((UINT64_C(1) << 52) - 1);
    /* x = m * 2^(bexp - 1075) with the hidden bit, or m * 2^-1074 when
    ** subnormal. */
    if (bexp)
        m |= UINT64_C(1) << 52;
    else
        bexp = 1;
    int q = bexp - 1075 + e + BASE; /* bit position of m's lowest bit */
    int j = q / 32, off = q % 32;
    uint64_t v0 = (m << off) & 0xffffffffu;
    uint64_t rest = off ? m >> (32 - off) : m >> 32;
    uint64_t v1 = rest & 0xffffffffu, v2 = rest >> 32;
    if (neg) {
        s->limb[j] -= (int64_t)v0;
        s->limb[j + 1] -= (int64_t)v1;
        s->limb[j + 2] -= (int64_t)v2;
    } else {
        s->limb[j] += (int64_t)v0;
        s->limb[j + 1] += (int64_t)v1;
        s->limb[j + 2] += (int64_t)v2;
    }
    if (++s->nadd >= (UINT32_C(1) << 30)) {
        carry(s->limb);
        s->nadd = 0;
    }
}

void mrv__exactsum_merge(mrv_exactsum *s, const mrv_exactsum *t)
{
    mrv_exactsum u = *t;
    carry(u.limb);
    carry(s->limb);
    for (size_t j = 0; j < MRV_EXACTSUM_LIMBS; j++) s->limb[j] += u.limb[j];
    s->nadd = 1;
}

double mrv__exactsum_value(const mrv_exactsum *s, int *e)
{
    int64_t l[MRV_EXACTSUM_LIMBS];
    memcpy(l, s->limb, sizeof l);
    carry(l);
    double sign = 1;
    if (l[MRV_EXACTSUM_LIMBS - 1] < 0) {
        for (size_t j = 0; j < MRV_EXACTSUM_LIMBS; j++) l[j] = -l[j];
        carry(l);
        sign = -1;
    }
    int t = MRV_EXACTSUM_LIMBS - 1;
    while (t >= 0 && l[t] == 0) t--;
    *e = 0;
    if (t < 0) return 0;
    /* The top limb and the next two, scaled so that the top one is an
    ** integer below 2^32: a double in [1, 2^96), then into [0.5, 1). */
    double v = (double)l[t];
    v = v * 4294967296.0 + (double)(t >= 1 ? l[t - 1] : 0);
    v = v * 4294967296.0 + (double)(t >= 2 ? l[t - 2] : 0);
    int ex;
    double m = frexp(v, &ex);
    *e = ex + 32 * (t - 2) - BASE;
    return sign * m;
}
