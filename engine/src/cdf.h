/*
** cdf.h -- the distribution functions the samplers need, computed with
** pmath.h so that they give the same bits on every machine.
**
** The standard normal's CDF P, its complement Q = 1 - P (kept precise in
** the upper tail) and their inverses, and its density; the Beta(a, b)
** distribution's, for a, b >= 1 (PERT).  Accuracy: the normal's to about
** 1e-15 relative (W. J. Cody's rational approximations of erfc, 1969, and
** M. J. Wichura's AS 241 for the inverse, 1988); the Beta's to about
** 1e-14 (a continued fraction, and a safeguarded Newton search for the
** inverse).
*/
#ifndef MRV_CDF_H
#define MRV_CDF_H

double mrv__cdf_normal_P(double x);
double mrv__cdf_normal_Q(double x);
/* x with P(x) = p, for p in [0, 1] (-inf at 0, +inf at 1). */
double mrv__cdf_normal_Pinv(double p);
/* x with Q(x) = q. */
double mrv__cdf_normal_Qinv(double q);
double mrv__cdf_normal_pdf(double x);

/* Beta(a, b) with a, b >= 1: CDF, complement, inverses and density on
** [0, 1]. */
double mrv__cdf_beta_P(double x, double a, double b);
double mrv__cdf_beta_Q(double x, double a, double b);
double mrv__cdf_beta_Pinv(double p, double a, double b);
double mrv__cdf_beta_Qinv(double q, double a, double b);
double mrv__cdf_beta_pdf(double x, double a, double b);

#endif /* MRV_CDF_H */
