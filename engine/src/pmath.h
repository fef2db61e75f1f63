/*
** pmath.h -- exp, log, log10, pow and expm1 that give the same bits on
** every machine (docs/performance.md, "Portable results").
**
** glibc picks its exp, log and pow at run time by the CPU (variants with
** and without fused multiply-add), and the variants round differently in
** a few cases out of thousands: the same seed gave other results on a
** machine without FMA.  These are computed from IEEE additions,
** multiplications and divisions only (the build turns contraction into
** FMA off), so they are the same wherever IEEE doubles are.  They are
** accurate to within about 0.51 units in the last place, like glibc's,
** and handle infinities, NaN, zeros and subnormals as C99 Annex F says.
*/
#ifndef MRV_PMATH_H
#define MRV_PMATH_H

double mrv__exp(double x);
double mrv__expm1(double x);
double mrv__log(double x);
double mrv__log10(double x);
double mrv__pow(double x, double y);

#endif /* MRV_PMATH_H */
