/*
** cdf.c -- normal and Beta distribution functions (cdf.h).
**
** Normal.  Q(x) for x >= 0 (P by symmetry): below 0.66291, 1/2 minus
** x R(x^2); up to sqrt(32), exp(-x^2/2) R(x); beyond, exp(-x^2/2) / x
** (1/sqrt(2 pi) - R(1/x^2) / x^2), with the rational functions R of
** W. J. Cody, "Rational Chebyshev approximations for the error
** function", Math. Comp. 23 (1969).  exp(-x^2/2) is taken as
** exp(-s^2/2) exp(-(x - s)(x + s)/2) with s = x rounded down to 1/16, so
** that the rounding of x^2 (up to 700 in size) does not spoil it.  The
** inverse is M. J. Wichura's AS 241 (Applied Statistics 37, 1988):
** rational functions of p - 1/2 near the centre and of sqrt(-ln p) in
** the tails, good to about 1e-16.
**
** Beta(a, b), a, b >= 1.  I_x(a, b) = x^a (1 - x)^b / (a B(a, b)) times
** the continued fraction 1 / (1 + d1 / (1 + d2 / (1 + ...))), with
** d(2m+1) = -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)) and d(2m) =
** m (b - m) x / ((a + 2m - 1)(a + 2m)), evaluated by Lentz's method; it
** converges fast for x below (a + 1) / (a + b + 2), and above it
** I_x(a, b) = 1 - I_(1-x)(b, a).  ln B from ln Gamma by Stirling's series
** after shifting the argument past 15.  The inverse brackets the root and
** takes Newton steps, bisecting whenever one would leave the bracket.
**
** Every loop runs a fixed sequence of operations for given arguments:
** the results are deterministic.  Nothing here allocates.
*/
#include <math.h>
#include <stdbool.h>

#include "cdf.h"
#include "pmath.h"

#define ONE_SQRT2PI 0.39894228040143267794 /* 1 / sqrt(2 pi) */

/* ---- the normal -------------------------------------------------------- */

/* exp(-x^2 / 2), x >= 0, without the rounding of x^2 (see above). */
static double half_gauss(double x)
{
    double s = floor(x * 16) / 16, del = (x - s) * (x + s) * 0.5;
    return mrv__exp(-0.5 * s * s) * mrv__exp(-del);
}

/* Q(x) for x >= 0. */
static double upper(double x)
{
    if (x < 0.66291) {
        /* Cody's first range, as P - 1/2 = x R(x^2). */
        static const double a[5] = {
            2.2352520354606839287, 161.02823106855587881, 1067.6894854603709582,
            18154.981253343561249, 0.065682337918207449113};
        static const double b[4] = {47.20258190468824187, 976.09855173777669322,
                                    10260.932208618978205,
                                    45507.789335026729956};
        double z = x * x, num = a[4] * z, den = z;
        for (int i = 0; i < 3; i++) {
            num = (num + a[i]) * z;
            den = (den + b[i]) * z;
        }
        return 0.5 - x * (num + a[3]) / (den + b[3]);
    }
    if (x < 5.656854249492380195) { /* sqrt(32) */
        static const double c[9] = {
            0.39894151208813466764,  8.8831497943883759412,
            93.506656132177855979,   597.27027639480026226,
            2494.5375852903726711,   6848.1904505362823326,
            11602.651437647350124,   9842.7148383839780218,
            1.0765576773720192317e-8};
        static const double d[8] = {
            22.266688044328115691, 235.38790178262499861, 1519.377599407554805,
            6485.558298266760755,  18615.571640885098091, 34900.952721145977266,
            38912.003286093271411, 19685.429676859990727};
        double num = c[8] * x, den = x;
        for (int i = 0; i < 7; i++) {
            num = (num + c[i]) * x;
            den = (den + d[i]) * x;
        }
        return half_gauss(x) * ((num + c[7]) / (den + d[7]));
    }
    if (x > 38.5) return 0;
    static const double p[6] = {0.21589853405795699,   0.1274011611602473639,
                                0.022235277870649807,  0.001421619193227893466,
                                2.9112874951168792e-5, 0.02307344176494017303};
    static const double q[5] = {1.28426009614491121, 0.468238212480865118,
                                0.0659881378689285515, 0.00378239633202758244,
                                7.29751555083966205e-5};
    double z = 1 / (x * x), num = p[5] * z, den = z;
    for (int i = 0; i < 4; i++) {
        num = (num + p[i]) * z;
        den = (den + q[i]) * z;
    }
    double r = z * (num + p[4]) / (den + q[4]);
    return half_gauss(x) * ((ONE_SQRT2PI - r) / x);
}

double mrv__cdf_normal_Q(double x)
{
    if (x != x) return x;
    return x >= 0 ? upper(x) : 1 - upper(-x);
}

double mrv__cdf_normal_P(double x)
{
    if (x != x) return x;
    return x <= 0 ? upper(-x) : 1 - upper(x);
}

double mrv__cdf_normal_pdf(double x)
{
    return ONE_SQRT2PI * half_gauss(fabs(x));
}

/* sum a[i] t^i / sum b[i] t^i over i = 0..7 (Horner). */
static double ratio8(const double *a, const double *b, double t)
{
    double n = a[7], d = b[7];
    for (int i = 6; i >= 0; i--) {
        n = n * t + a[i];
        d = d * t + b[i];
    }
    return n / d;
}

/* Wichura's AS 241: x with P(x) = 1/2 + h for |h| <= 0.425, and for the
** tails the x above the median whose upper tail is pp (pp <= 0.075). */
static double centre(double h)
{
    static const double a[8] = {3.387132872796366608,  133.14166789178437745,
                                1971.5909503065514427, 13731.693765509461125,
                                45921.953931549871457, 67265.770927008700853,
                                33430.575583588128105, 2509.0809287301226727};
    static const double b[8] = {1.0,
                                42.313330701600911252,
                                687.1870074920579083,
                                5394.1960214247511077,
                                21213.794301586595867,
                                39307.89580009271061,
                                28729.085735721942674,
                                5226.495278852854561};
    return h * ratio8(a, b, 0.180625 - h * h);
}

static double tail_x(double pp)
{
    static const double a1[8] = {
        1.42343711074968357734,   4.6303378461565452959,
        5.7694972214606914055,    3.64784832476320460504,
        1.27045825245236838258,   0.24178072517745061177,
        0.0227238449892691845833, 7.7454501427834140764e-4};
    static const double b1[8] = {1.0,
                                 2.05319162663775882187,
                                 1.6763848301838038494,
                                 0.68976733498510000455,
                                 0.14810397642748007459,
                                 0.0151986665636164571966,
                                 5.475938084995344946e-4,
                                 1.05075007164441684324e-9};
    static const double a2[8] = {
        6.6579046435011037772,     5.4637849111641143699,
        1.7848265399172913358,     0.29656057182850489123,
        0.026532189526576123093,   0.0012426609473880784386,
        2.71155556874348757815e-5, 2.01033439929228813265e-7};
    static const double b2[8] = {1.0,
                                 0.59983220655588793769,
                                 0.13692988092273580531,
                                 0.0148753612908506148525,
                                 7.868691311456132591e-4,
                                 1.8463183175100546818e-5,
                                 1.4215117583164458887e-7,
                                 2.04426310338993978564e-15};
    double r = sqrt(-mrv__log(pp));
    return r <= 5 ? ratio8(a1, b1, r - 1.6) : ratio8(a2, b2, r - 5);
}

double mrv__cdf_normal_Pinv(double p)
{
    if (!(p > 0)) return p == 0 ? -(double)HUGE_VAL : (double)NAN;
    if (!(p < 1)) return p == 1 ? (double)HUGE_VAL : (double)NAN;
    double h = p - 0.5;
    if (fabs(h) <= 0.425) return centre(h);
    return p < 0.5 ? -tail_x(p) : tail_x(1 - p);
}

double mrv__cdf_normal_Qinv(double q)
{
    if (!(q > 0)) return q == 0 ? (double)HUGE_VAL : (double)NAN;
    if (!(q < 1)) return q == 1 ? -(double)HUGE_VAL : (double)NAN;
    double h = q - 0.5;
    if (fabs(h) <= 0.425) return -centre(h);
    return q < 0.5 ? tail_x(q) : -tail_x(1 - q);
}

/* ---- Beta -------------------------------------------------------------- */

/* ln Gamma(x) for x > 0: Stirling's series at x + n >= 15, less
** ln(x (x + 1) ... (x + n - 1)). */
static double lgam(double x)
{
    double shift = 1;
    while (x < 15) {
        shift *= x;
        x += 1;
    }
    double z = 1 / (x * x);
    double series =
        (1.0 / 12 +
         z * (-1.0 / 360 +
              z * (1.0 / 1260 +
                   z * (-1.0 / 1680 +
                        z * (1.0 / 1188 + z * (-691.0 / 360360)))))) /
        x;
    return (x - 0.5) * mrv__log(x) - x + 0.91893853320467274178 /* ln 2pi / 2 */
           + series - mrv__log(shift);
}

static double lbeta(double a, double b)
{
    return lgam(a) + lgam(b) - lgam(a + b);
}

/* The continued fraction of I_x(a, b) by Lentz's method. */
static double beta_cf(double x, double a, double b)
{
    const double tiny = 1e-300;
    double c = 1, d = 1 - (a + b) * x / (a + 1);
    if (fabs(d) < tiny) d = tiny;
    d = 1 / d;
    double h = d;
    for (int m = 1; m <= 400; m++) {
        double m2 = 2.0 * m;
        double aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
        d = 1 + aa * d;
        if (fabs(d) < tiny) d = tiny;
        c = 1 + aa / c;
        if (fabs(c) < tiny) c = tiny;
        d = 1 / d;
        h *= d * c;
        aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
        d = 1 + aa * d;
        if (fabs(d) < tiny) d = tiny;
        c = 1 + aa / c;
        if (fabs(c) < tiny) c = tiny;
        d = 1 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1) < 1e-16) break;
    }
    return h;
}

/* x^a (1 - x)^b / B(a, b). */
static double beta_front(double x, double a, double b)
{
    return mrv__exp(a * mrv__log(x) + b * mrv__log(1 - x) - lbeta(a, b));
}

/* I_x(a, b) directly, for x below the switch point. */
static double beta_low(double x, double a, double b)
{
    return beta_front(x, a, b) * beta_cf(x, a, b) / a;
}

double mrv__cdf_beta_P(double x, double a, double b)
{
    if (!(x > 0)) return 0;
    if (!(x < 1)) return 1;
    if (x < (a + 1) / (a + b + 2)) return beta_low(x, a, b);
    return 1 - beta_low(1 - x, b, a);
}

double mrv__cdf_beta_Q(double x, double a, double b)
{
    if (!(x > 0)) return 1;
    if (!(x < 1)) return 0;
    if (x < (a + 1) / (a + b + 2)) return 1 - beta_low(x, a, b);
    return beta_low(1 - x, b, a);
}

double mrv__cdf_beta_pdf(double x, double a, double b)
{
    if (x < 0 || x > 1) return 0;
    if (x == 0) return a == 1 ? mrv__exp(-lbeta(a, b)) : 0;
    if (x == 1) return b == 1 ? mrv__exp(-lbeta(a, b)) : 0;
    return mrv__exp((a - 1) * mrv__log(x) + (b - 1) * mrv__log(1 - x) -
                    lbeta(a, b));
}

/* x in [0, 1] with F(x) = t, F the CDF (upper = false) or the complement
** (true): Newton's steps kept inside a shrinking bracket. */
static double beta_inv(double t, double a, double b, bool upper_tail)
{
    if (!(t > 0)) return upper_tail ? 1 : 0;
    if (!(t < 1)) return upper_tail ? 0 : 1;
    double lo = 0, hi = 1, x = a / (a + b);
    for (int i = 0; i < 200; i++) {
        double f = upper_tail ? t - mrv__cdf_beta_Q(x, a, b)
                              : mrv__cdf_beta_P(x, a, b) - t;
        if (f == 0) return x;
        if (f < 0)
            lo = x;
        else
            hi = x;
        double dens = mrv__cdf_beta_pdf(x, a, b), nx = x - f / dens;
        if (!(nx > lo && nx < hi)) nx = 0.5 * (lo + hi);
        if (fabs(nx - x) <= 1e-15 * x || hi - lo <= 1e-15 * hi) return nx;
        x = nx;
    }
    return x;
}

double mrv__cdf_beta_Pinv(double p, double a, double b)
{
    return beta_inv(p, a, b, false);
}

double mrv__cdf_beta_Qinv(double q, double a, double b)
{
    return beta_inv(q, a, b, true);
}
