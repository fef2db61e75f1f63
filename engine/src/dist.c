/*
** dist.c -- the uncertainty distributions: parameters, CDFs, samplers.
**
** Owns mrv_sampler (dist.h): one per uncertain input, set up from its
** mrv_uncert, immutable afterwards and safe to share between threads (the
** generator passed to mrv_sampler_fill is the caller's).  The loader has
** already validated every parameter (GSL's samplers check nothing: STYLE
** §3.1.2); what is left here is the truncation to the parameter's bounds.
**
** Truncation: a draw outside [lo, hi] is drawn again, never clamped.  When
** less than half the distribution lies inside, redrawing would cost more
** than 2 draws on average (up to a million at MRV_DIST_MIN_ACCEPT), so the
** truncated distribution is then drawn directly by inverse CDF over
** [F(lo), F(hi)]: the same distribution that redrawing until inside
** gives, in one step.  The redraw loop is capped all the same, and falls
** back to that inverse CDF, so no input can make it spin.
**
** Every sampler below starts with its density and parameterisation.
*/
#include <math.h>
#include <stdint.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "cdf.h"
#include "dist_int.h"
#include "pmath.h"

/* Rejection is used while at least this share of draws is accepted. */
#define REJECT_MIN_ACCEPT 0.5
/* Redraws before falling back to the inverse CDF; at an acceptance of 0.5
** reaching it has probability 2^-1000. */
#define MAX_REDRAWS 1000
/* Simpson intervals for the moments of truncated bounded distributions. */
#define SIMPSON_N 2048

/* ---- parameter conversions -------------------------------------------- */

void mrv_dist_lognormal_params(double median, double gsd, double *zeta,
                               double *sigma)
{
    *zeta = mrv__log(median);
    *sigma = mrv__log(gsd);
}

void mrv_dist_pert_shape(double a, double c, double b, double *alpha,
                         double *beta)
{
    double w = b - a;
    *alpha = 1 + 4 * (c - a) / w;
    *beta = 1 + 4 * (b - c) / w;
}

double mrv_dist_triangular_split(double a, double c, double b)
{
    return (c - a) / (b - a);
}

/* E X = m e^(s^2/2), Var X = m^2 e^(s^2) (e^(s^2) - 1), m the median,
** s = ln gsd. */
void mrv_dist_lognormal_moments(double median, double gsd, double *mean,
                                double *sd)
{
    double s = mrv__log(gsd);
    *mean = median * mrv__exp(s * s / 2);
    *sd = *mean * sqrt(mrv__expm1(s * s));
}

/* E X = (a + b + c) / 3, Var X = (a^2 + b^2 + c^2 - ab - ac - bc) / 18. */
void mrv_dist_triangular_moments(double a, double c, double b, double *mean,
                                 double *sd)
{
    *mean = (a + b + c) / 3;
    double v = (a * a + b * b + c * c - a * b - a * c - b * c) / 18;
    *sd = sqrt(fmax(v, 0));
}

/* E X = (a + b) / 2, Var X = (b - a)^2 / 12. */
void mrv_dist_uniform_moments(double a, double b, double *mean, double *sd)
{
    *mean = (a + b) / 2;
    *sd = (b - a) / sqrt(12.0);
}

/* E X = (a + 4c + b) / 6; with alpha + beta = 6 always,
** Var X = alpha beta (b - a)^2 / ((alpha + beta)^2 (alpha + beta + 1))
**       = alpha beta (b - a)^2 / 252. */
void mrv_dist_pert_moments(double a, double c, double b, double *mean,
                           double *sd)
{
    double al, be;
    mrv_dist_pert_shape(a, c, b, &al, &be);
    double s = al + be;
    *mean = a + (b - a) * al / s;
    *sd = (b - a) * sqrt(al * be / (s * s * (s + 1)));
}

/* ---- CDFs and their inverses (untruncated) ---------------------------- */

/* Triangular(a, c, b):
**   f(x) = 2 (x - a) / ((b - a)(c - a))   for a <= x < c
**        = 2 (b - x) / ((b - a)(b - c))   for c <= x <= b
**   F(x) = (x - a)^2 / ((b - a)(c - a))   for a <= x < c
**        = 1 - (b - x)^2 / ((b - a)(b - c)) for c <= x <= b
** and F^-1(p) = a + sqrt(p (b - a)(c - a)) for p < F(c) = (c - a)/(b - a),
** else b - sqrt((1 - p)(b - a)(b - c)). */
static double tri_cdf(const mrv_sampler *s, double x)
{
    if (x <= s->a) return 0;
    if (x >= s->b) return 1;
    if (x < s->c)
        return (x - s->a) * (x - s->a) / ((s->b - s->a) * (s->c - s->a));
    return 1 - (s->b - x) * (s->b - x) / ((s->b - s->a) * (s->b - s->c));
}

/* c ? x : y without a branch (GCC turns a ?: of doubles into one): for a
** symmetric triangle the side of the mode is a coin toss per draw, and
** mispredicting it cost more than the square root. */
static double pick(bool c, double x, double y)
{
    uint64_t ux, uy, m = (uint64_t)0 - (uint64_t)c;
    memcpy(&ux, &x, sizeof ux);
    memcpy(&uy, &y, sizeof uy);
    ux = (ux & m) | (uy & ~m);
    memcpy(&x, &ux, sizeof x);
    return x;
}

static double tri_quantile(const mrv_sampler *s, double p)
{
    bool left = p < s->fc;
    double r = sqrt(pick(left, p, 1 - p) * pick(left, s->wl, s->wr));
    return pick(left, s->a + r, s->b - r);
}

static double tri_pdf(const mrv_sampler *s, double x)
{
    if (x < s->a || x > s->b) return 0;
    if (x < s->c) return 2 * (x - s->a) / ((s->b - s->a) * (s->c - s->a));
    if (x > s->c) return 2 * (s->b - x) / ((s->b - s->a) * (s->b - s->c));
    return 2 / (s->b - s->a);
}

double mrv_sampler_cdf(const mrv_sampler *s, double x)
{
    if (s->degenerate) return x < s->center ? 0 : 1;
    switch (s->dist) {
    case MRV_DIST_NORMAL:
        return mrv__cdf_normal_P((x - s->mu) / s->sigma);
    case MRV_DIST_LOGNORMAL:
        return x <= 0 ? 0 : mrv__cdf_normal_P((mrv__log(x) - s->mu) / s->sigma);
    case MRV_DIST_TRIANGULAR:
        return tri_cdf(s, x);
    case MRV_DIST_UNIFORM:
        return x <= s->a ? 0 : x >= s->b ? 1 : (x - s->a) / (s->b - s->a);
    case MRV_DIST_PERT:
        return x <= s->a   ? 0
               : x >= s->b ? 1
                           : mrv__cdf_beta_P((x - s->a) / (s->b - s->a),
                                             s->alpha, s->beta);
    case MRV_DIST_NONE:
        break;
    }
    return x < s->center ? 0 : 1;
}

/* The survival function 1 - F(x), computed directly where the upper tail
** needs the precision. */
static double survival(const mrv_sampler *s, double x)
{
    if (s->degenerate) return x < s->center ? 1 : 0;
    switch (s->dist) {
    case MRV_DIST_NORMAL:
        return mrv__cdf_normal_Q((x - s->mu) / s->sigma);
    case MRV_DIST_LOGNORMAL:
        return x <= 0 ? 1 : mrv__cdf_normal_Q((mrv__log(x) - s->mu) / s->sigma);
    case MRV_DIST_PERT:
        return x <= s->a   ? 1
               : x >= s->b ? 0
                           : mrv__cdf_beta_Q((x - s->a) / (s->b - s->a),
                                             s->alpha, s->beta);
    default:
        return 1 - mrv_sampler_cdf(s, x);
    }
}

double mrv_sampler_quantile(const mrv_sampler *s, double p)
{
    if (s->degenerate) return s->center;
    switch (s->dist) {
    case MRV_DIST_NORMAL:
        return s->mu + s->sigma * mrv__cdf_normal_Pinv(p);
    case MRV_DIST_LOGNORMAL:
        return mrv__exp(s->mu + s->sigma * mrv__cdf_normal_Pinv(p));
    case MRV_DIST_TRIANGULAR:
        return tri_quantile(s, p);
    case MRV_DIST_UNIFORM:
        return s->a + (s->b - s->a) * p;
    case MRV_DIST_PERT:
        return s->a + (s->b - s->a) * mrv__cdf_beta_Pinv(p, s->alpha, s->beta);
    case MRV_DIST_NONE:
        break;
    }
    return s->center;
}

/* The inverse of the survival function: x with 1 - F(x) = q. */
static double survival_inv(const mrv_sampler *s, double q)
{
    if (s->degenerate) return s->center;
    switch (s->dist) {
    case MRV_DIST_NORMAL:
        return s->mu + s->sigma * mrv__cdf_normal_Qinv(q);
    case MRV_DIST_LOGNORMAL:
        return mrv__exp(s->mu + s->sigma * mrv__cdf_normal_Qinv(q));
    case MRV_DIST_PERT:
        return s->a + (s->b - s->a) * mrv__cdf_beta_Qinv(q, s->alpha, s->beta);
    default:
        return mrv_sampler_quantile(s, 1 - q);
    }
}

/* ---- set-up ------------------------------------------------------------ */

void mrv_sampler_init(mrv_sampler *s, const mrv_uncert *u)
{
    memset(s, 0, sizeof *s);
    s->dist = u->dist;
    s->center = u->center;
    s->lo = u->lo;
    s->hi = u->hi;
    double smin = -(double)HUGE_VAL, smax = (double)HUGE_VAL; /* support */
    switch (u->dist) {
    case MRV_DIST_NORMAL:
        s->mu = u->center;
        s->sigma = u->sd;
        s->degenerate = !(u->sd > 0);
        break;
    case MRV_DIST_LOGNORMAL:
        mrv_dist_lognormal_params(u->center, u->gsd, &s->mu, &s->sigma);
        s->degenerate = !(s->sigma > 0);
        smin = 0;
        break;
    case MRV_DIST_TRIANGULAR:
    case MRV_DIST_UNIFORM:
    case MRV_DIST_PERT:
        s->a = u->min;
        s->c = u->center;
        s->b = u->max;
        smin = s->a;
        smax = s->b;
        if (u->dist == MRV_DIST_TRIANGULAR) {
            s->fc = mrv_dist_triangular_split(s->a, s->c, s->b);
            s->wl = (s->b - s->a) * (s->c - s->a);
            s->wr = (s->b - s->a) * (s->b - s->c);
        }
        if (u->dist == MRV_DIST_PERT)
            mrv_dist_pert_shape(s->a, s->c, s->b, &s->alpha, &s->beta);
        s->degenerate = !(s->a < s->b);
        break;
    case MRV_DIST_NONE:
        s->degenerate = true;
        break;
    }
    s->accept = 1;
    s->plo = 0;
    s->phi = 1;
    if (s->degenerate) {
        /* Every draw is the center; the bounds either hold it or not. */
        if (!(s->center >= s->lo && s->center <= s->hi)) s->accept = 0;
        return;
    }
    s->truncated = s->lo > smin || s->hi < smax;
    if (!s->truncated) return;
    double flo = mrv_sampler_cdf(s, s->lo);
    if (flo > 0.5) {
        /* Bounds in the upper tail: F is close to 1 there, so work with
        ** Q = 1 - F, which keeps its relative precision. */
        s->upper_tail = true;
        s->plo = survival(s, s->lo);
        s->phi = survival(s, s->hi);
        s->accept = s->plo - s->phi;
    } else {
        s->plo = flo;
        s->phi = mrv_sampler_cdf(s, s->hi);
        s->accept = s->phi - s->plo;
    }
    if (!(s->accept > 0)) s->accept = 0;
}

/* ---- drawing ----------------------------------------------------------- */

double mrv_sampler_from_unit(const mrv_sampler *s, double u)
{
    if (s->degenerate) return s->center;
    if (!s->truncated) return mrv_sampler_quantile(s, u);
    double x;
    if (s->upper_tail)
        x = survival_inv(s, s->plo - u * (s->plo - s->phi));
    else
        x = mrv_sampler_quantile(s, s->plo + u * (s->phi - s->plo));
    /* The inverse CDFs are accurate to a few ulps, so F^-1(F(lo)) may miss
    ** lo by that much; keep such round-off inside the bounds.  This is not
    ** clamping a draw: the probability mass being mapped lies inside. */
    if (x < s->lo) x = s->lo;
    if (x > s->hi) x = s->hi;
    return x;
}

/* The ziggurat's rare cases (dist_int.h): the bottom layer's tail beyond
** r, by Marsaglia's (1964) exponential rejection, or a wedge, where a
** uniform height is tested against the curve; a rejected point starts the
** draw again with a new output. */
double mrv__zig_rare(const mrv_zig *z, uint32_t s[3], uint32_t u)
{
    for (;;) {
        uint32_t i = u & 0x7f, j = u >> 8;
        double sign = (u & 0x80) ? -1.0 : 1.0;
        double x = j * z->w[i];
        if (j < z->k[i]) return sign * x;
        if (i == 0) {
            double a, b;
            do {
                a = -mrv__log(mrv__taus2_uniform_pos(s)) / MRV_ZIG_R;
                b = -mrv__log(mrv__taus2_uniform_pos(s));
            } while (b + b < a * a);
            return sign * (MRV_ZIG_R + a);
        }
        double h =
            z->f[i] + mrv__taus2_uniform_pos(s) * (z->f[i - 1] - z->f[i]);
        if (h < mrv__exp(-0.5 * x * x)) return sign * x;
        u = mrv__taus2_next(s);
    }
}

/* Gamma(a, 1) for a >= 1 by Marsaglia and Tsang (2000): with d = a - 1/3
** and c = 1 / sqrt(9 d), v = (1 + c Z)^3 for a standard normal Z, accept
** d v when ln U < Z^2/2 + d (1 - v + ln v), after a squeeze that decides
** almost every draw without a logarithm. */
static double gamma_mt(const mrv_zig *z, uint32_t s[3], double a)
{
    double d = a - 1.0 / 3, c = (1.0 / 3) / sqrt(d);
    for (;;) {
        double x, v;
        do {
            x = mrv__zig_normal(z, s);
            v = 1 + c * x;
        } while (v <= 0);
        v = v * v * v;
        double u = mrv__taus2_uniform_pos(s), x2 = x * x;
        if (u < 1 - 0.0331 * x2 * x2) return d * v;
        if (mrv__log(u) < 0.5 * x2 + d * (1 - v + mrv__log(v))) return d * v;
    }
}

/* Normal(mu, sigma):
**   f(x) = exp(-(x - mu)^2 / (2 sigma^2)) / (sigma sqrt(2 pi)),
** drawn as mu + sigma Z with Z from the ziggurat of Marsaglia and Tsang
** (2000): one generator output and a table look-up in about 99 % of
** draws (dist_int.h), against the polar Box-Muller's three times as much.
**
** Lognormal(zeta, sigma): f(x) = exp(-(ln x - zeta)^2 / (2 sigma^2))
** / (x sigma sqrt(2 pi)) for x > 0, with zeta = ln median and sigma =
** ln gsd: exp(zeta + sigma Z).
**
** Triangular(a, c, b): f and F above; the inverse CDF of a uniform on
** (0, 1) (as gsl_rng_uniform_pos: never exactly 0, so never a + 0 when
** c > a).
**
** Uniform(a, b): f(x) = 1 / (b - a) on [a, b]; a + (b - a) U, U as above.
**
** PERT(a, c, b): f(x) = (x - a)^(alpha - 1) (b - x)^(beta - 1)
** / (B(alpha, beta) (b - a)^(alpha + beta - 1)) on [a, b], i.e.
** a + (b - a) Beta(alpha, beta) with alpha = 1 + 4 (c - a) / (b - a),
** beta = 1 + 4 (b - c) / (b - a) (mean (a + 4c + b) / 6); the Beta as
** X / (X + Y) from Gamma(alpha) and Gamma(beta) draws, alpha, beta >= 1.
** A variable number of outputs per draw: why every input has its own
** stream. */
static double draw_raw(const mrv_sampler *s, const mrv_zig *z, uint32_t st[3])
{
    switch (s->dist) {
    case MRV_DIST_NORMAL:
        return s->mu + s->sigma * mrv__zig_normal(z, st);
    case MRV_DIST_LOGNORMAL:
        return mrv__exp(s->mu + s->sigma * mrv__zig_normal(z, st));
    case MRV_DIST_TRIANGULAR:
        return tri_quantile(s, mrv__taus2_uniform_pos(st));
    case MRV_DIST_UNIFORM:
        return s->a + (s->b - s->a) * mrv__taus2_uniform_pos(st);
    case MRV_DIST_PERT: {
        double x = gamma_mt(z, st, s->alpha), y = gamma_mt(z, st, s->beta);
        return s->a + (s->b - s->a) * (x / (x + y));
    }
    case MRV_DIST_NONE:
        break;
    }
    return s->center;
}

/* One draw of the truncated distribution by drawing again: as fast as an
** untruncated draw when the bounds are far out in the tails. */
static double draw_redraw(const mrv_sampler *s, const mrv_zig *z,
                          uint32_t st[3])
{
    for (int k = 0; k < MAX_REDRAWS; k++) {
        double x = draw_raw(s, z, st);
        if (x >= s->lo && x <= s->hi) return x;
    }
    return mrv_sampler_from_unit(s, mrv__taus2_uniform_pos(st));
}

/* tri_quantile on u[0..n), two lanes at a time where SSE2 is there: the
** same IEEE operations per lane (a comparison, a subtraction, a
** multiplication, a square root, an addition or subtraction, and the
** picks as bit masks), so the same bits, about twice as fast. */
static void tri_quantiles(const mrv_sampler *s, double *u, size_t n)
{
    size_t i = 0;
#if defined(__SSE2__)
    const __m128d fc = _mm_set1_pd(s->fc), one = _mm_set1_pd(1.0),
                  wl = _mm_set1_pd(s->wl), wr = _mm_set1_pd(s->wr),
                  a = _mm_set1_pd(s->a), b = _mm_set1_pd(s->b);
    for (; i + 2 <= n; i += 2) {
        __m128d p = _mm_loadu_pd(u + i);
        __m128d left = _mm_cmplt_pd(p, fc);
        __m128d q = _mm_or_pd(_mm_and_pd(left, p),
                              _mm_andnot_pd(left, _mm_sub_pd(one, p)));
        __m128d w = _mm_or_pd(_mm_and_pd(left, wl), _mm_andnot_pd(left, wr));
        __m128d r = _mm_sqrt_pd(_mm_mul_pd(q, w));
        __m128d x = _mm_or_pd(_mm_and_pd(left, _mm_add_pd(a, r)),
                              _mm_andnot_pd(left, _mm_sub_pd(b, r)));
        _mm_storeu_pd(u + i, x);
    }
#endif
    for (; i < n; i++) u[i] = tri_quantile(s, u[i]);
}

void mrv_sampler_from_uniforms(const mrv_sampler *s, double *u, size_t n)
{
    if (s->dist == MRV_DIST_TRIANGULAR) {
        tri_quantiles(s, u, n);
    } else {
        double a = s->a, w = s->b - s->a;
        for (size_t i = 0; i < n; i++) u[i] = a + w * u[i];
    }
}

/* How a sampler makes a draw from one generator step: 1 a uniform
** transformed (triangular, uniform), 2 a standard normal transformed
** (normal, lognormal), 0 otherwise (PERT, truncated, degenerate). */
static int simple_kind(const mrv_sampler *s)
{
    if (s->degenerate || s->truncated) return 0;
    switch (s->dist) {
    case MRV_DIST_TRIANGULAR:
    case MRV_DIST_UNIFORM:
        return 1;
    case MRV_DIST_NORMAL:
    case MRV_DIST_LOGNORMAL:
        return 2;
    default:
        return 0;
    }
}

bool mrv_sampler_pairable(const mrv_sampler *s)
{
    return simple_kind(s) != 0;
}

/* The draws of a simple sampler from its generator values x[0..n). */
static void simple_finish(const mrv_sampler *s, double *x, size_t n)
{
    double mu = s->mu, sigma = s->sigma;
    if (simple_kind(s) == 1)
        mrv_sampler_from_uniforms(s, x, n);
    else if (s->dist == MRV_DIST_NORMAL)
        for (size_t i = 0; i < n; i++) x[i] = mu + sigma * x[i];
    else
        for (size_t i = 0; i < n; i++) x[i] = mrv__exp(mu + sigma * x[i]);
}

#define GEN1(st) mrv__taus2_uniform_pos(st)
#define GEN2(st) mrv__zig_normal(z, st)

void mrv_sampler_fill2(const mrv_sampler *a, const mrv_sampler *b,
                       const mrv_zig *z, uint32_t sa[3], uint32_t sb[3],
                       double *oa, double *ob, size_t n)
{
    int ka = simple_kind(a), kb = simple_kind(b);
    /* Two independent chains of generator steps in one loop: each step
    ** waits on its own stream's last, and the other's fills the wait. */
    if (ka == 1 && kb == 1)
        for (size_t i = 0; i < n; i++) {
            oa[i] = GEN1(sa);
            ob[i] = GEN1(sb);
        }
    else if (ka == 2 && kb == 2)
        for (size_t i = 0; i < n; i++) {
            oa[i] = GEN2(sa);
            ob[i] = GEN2(sb);
        }
    else if (ka == 1)
        for (size_t i = 0; i < n; i++) {
            oa[i] = GEN1(sa);
            ob[i] = GEN2(sb);
        }
    else
        for (size_t i = 0; i < n; i++) {
            oa[i] = GEN2(sa);
            ob[i] = GEN1(sb);
        }
    simple_finish(a, oa, n);
    simple_finish(b, ob, n);
}

void mrv_sampler_fill(const mrv_sampler *s, const mrv_zig *z, uint32_t st[3],
                      double *out, size_t n)
{
    if (s->degenerate) {
        for (size_t i = 0; i < n; i++) out[i] = s->center;
        return;
    }
    if (s->truncated) {
        if (s->accept >= REJECT_MIN_ACCEPT) {
            for (size_t i = 0; i < n; i++) out[i] = draw_redraw(s, z, st);
        } else {
            for (size_t i = 0; i < n; i++)
                out[i] = mrv_sampler_from_unit(s, mrv__taus2_uniform_pos(st));
        }
        return;
    }
    /* Where a draw is a transformation of one generator output (or of one
    ** normal), the outputs are drawn first and transformed in a second
    ** loop: the same values in the same order as draw_raw, but the
    ** transformations (a square root, an exp) no longer wait on the
    ** generator between them. */
    switch (simple_kind(s)) {
    case 1:
        for (size_t i = 0; i < n; i++) out[i] = GEN1(st);
        break;
    case 2:
        for (size_t i = 0; i < n; i++) out[i] = GEN2(st);
        break;
    default:
        for (size_t i = 0; i < n; i++) out[i] = draw_raw(s, z, st);
        return;
    }
    simple_finish(s, out, n);
}

/* ---- moments of the distribution as drawn ----------------------------- */

/* Phi(x2) - Phi(x1) for x1 <= x2, through Q in the upper tail so that a
** difference of two numbers close to 1 keeps its precision. */
static double phi_diff(double x1, double x2)
{
    if (x1 > 0) return mrv__cdf_normal_Q(x1) - mrv__cdf_normal_Q(x2);
    return mrv__cdf_normal_P(x2) - mrv__cdf_normal_P(x1);
}

static double pdf(const mrv_sampler *s, double x)
{
    double w = s->b - s->a;
    switch (s->dist) {
    case MRV_DIST_TRIANGULAR:
        return tri_pdf(s, x);
    case MRV_DIST_UNIFORM:
        return x < s->a || x > s->b ? 0 : 1 / w;
    case MRV_DIST_PERT:
        return mrv__cdf_beta_pdf((x - s->a) / w, s->alpha, s->beta) / w;
    default:
        return 0;
    }
}

/* Adds the integrals of f, x f and x^2 f over [l, r] by Simpson's rule.
** Exact for the triangular density on either side of its mode (the
** integrands are polynomials of degree 3 at most). */
static void simpson(const mrv_sampler *s, double l, double r, double m[3])
{
    if (!(r > l)) return;
    double h = (r - l) / SIMPSON_N;
    for (int i = 0; i <= SIMPSON_N; i++) {
        double x = i == SIMPSON_N ? r : l + i * h;
        double w = (i == 0 || i == SIMPSON_N) ? 1 : (i % 2 ? 4 : 2);
        double f = pdf(s, x) * w * h / 3;
        m[0] += f;
        m[1] += f * x;
        m[2] += f * x * x;
    }
}

void mrv_sampler_moments(const mrv_sampler *s, double *mean, double *sd)
{
    *mean = s->center;
    *sd = 0;
    if (s->degenerate) return;
    if (!s->truncated) {
        switch (s->dist) {
        case MRV_DIST_NORMAL:
            *mean = s->mu;
            *sd = s->sigma;
            break;
        case MRV_DIST_LOGNORMAL:
            mrv_dist_lognormal_moments(s->center, mrv__exp(s->sigma), mean, sd);
            break;
        case MRV_DIST_TRIANGULAR:
            mrv_dist_triangular_moments(s->a, s->c, s->b, mean, sd);
            break;
        case MRV_DIST_UNIFORM:
            mrv_dist_uniform_moments(s->a, s->b, mean, sd);
            break;
        case MRV_DIST_PERT:
            mrv_dist_pert_moments(s->a, s->c, s->b, mean, sd);
            break;
        case MRV_DIST_NONE:
            break;
        }
        return;
    }
    double var = 0;
    if (s->dist == MRV_DIST_NORMAL) {
        /* Truncated normal, with al = (lo - mu)/sigma, be = (hi - mu)/sigma
        ** and Z = Phi(be) - Phi(al):
        **   E X = mu + sigma (phi(al) - phi(be)) / Z
        **   Var X = sigma^2 (1 + (al phi(al) - be phi(be)) / Z
        **                    - ((phi(al) - phi(be)) / Z)^2) */
        double al = (s->lo - s->mu) / s->sigma;
        double be = (s->hi - s->mu) / s->sigma;
        double z = phi_diff(al, be);
        if (!(z > 0)) return;
        double pa = isfinite(al) ? mrv__cdf_normal_pdf(al) : 0;
        double pb = isfinite(be) ? mrv__cdf_normal_pdf(be) : 0;
        double apa = isfinite(al) ? al * pa : 0;
        double bpb = isfinite(be) ? be * pb : 0;
        double d = (pa - pb) / z;
        *mean = s->mu + s->sigma * d;
        var = s->sigma * s->sigma * (1 + (apa - bpb) / z - d * d);
    } else if (s->dist == MRV_DIST_LOGNORMAL) {
        /* Partial moments: E[X^k; l < X < h] = exp(k zeta + k^2 sigma^2 / 2)
        ** (Phi((ln h - zeta - k sigma^2) / sigma)
        **  - Phi((ln l - zeta - k sigma^2) / sigma)). */
        double ll = s->lo > 0 ? mrv__log(s->lo) : -(double)HUGE_VAL,
               lh = mrv__log(s->hi);
        double m[3];
        for (int k = 0; k < 3; k++) {
            double sh = k * s->sigma * s->sigma;
            m[k] = mrv__exp(k * s->mu + k * k * s->sigma * s->sigma / 2) *
                   phi_diff((ll - s->mu - sh) / s->sigma,
                            (lh - s->mu - sh) / s->sigma);
        }
        if (!(m[0] > 0)) return;
        *mean = m[1] / m[0];
        var = m[2] / m[0] - *mean * *mean;
    } else {
        double l = fmax(s->a, s->lo), r = fmin(s->b, s->hi);
        double m[3] = {0, 0, 0};
        if (s->dist == MRV_DIST_TRIANGULAR && s->c > l && s->c < r) {
            simpson(s, l, s->c, m);
            simpson(s, s->c, r, m);
        } else {
            simpson(s, l, r, m);
        }
        if (!(m[0] > 0)) return;
        *mean = m[1] / m[0];
        var = m[2] / m[0] - *mean * *mean;
    }
    *sd = sqrt(fmax(var, 0));
}

/* ---- names for the report ---------------------------------------------- */

const char *mrv_dist_name(mrv_dist d)
{
    switch (d) {
    case MRV_DIST_NORMAL:
        return "normal";
    case MRV_DIST_LOGNORMAL:
        return "lognormal";
    case MRV_DIST_TRIANGULAR:
        return "triangular";
    case MRV_DIST_UNIFORM:
        return "uniform";
    case MRV_DIST_PERT:
        return "pert";
    case MRV_DIST_NONE:
        break;
    }
    return "none";
}

const char *mrv_dist_sampler_text(mrv_dist d)
{
    switch (d) {
    case MRV_DIST_NORMAL:
        return "value + sd * Z, Z from the Marsaglia-Tsang ziggurat on taus2";
    case MRV_DIST_LOGNORMAL:
        return "exp(ln value + ln gsd * Z), Z from the Marsaglia-Tsang "
               "ziggurat on taus2";
    case MRV_DIST_TRIANGULAR:
        return "inverse CDF of a uniform on (0, 1) from taus2";
    case MRV_DIST_UNIFORM:
        return "min + (max - min) * a uniform on (0, 1) from taus2";
    case MRV_DIST_PERT:
        return "min + (max - min) * X / (X + Y), X and Y Marsaglia-Tsang "
               "gammas of shapes alpha and beta on the ziggurat";
    case MRV_DIST_NONE:
        break;
    }
    return "none";
}

/* ---- the ziggurat tables ----------------------------------------------- */

/* Layer i (1..127) spans x in [0, x_i] and y in [f(x_i), f(x_(i-1))],
** x_127 = r and x_0 = 0; every layer, and the bottom strip with the tail
** beyond r, has area v.  Going up, x_(i-1) = f^-1(v / x_i + f(x_i)).  A
** point j w[i] of layer i with j < k[i] = x_(i-1) / x_i (in 24-bit units)
** lies under the curve whatever its height; the bottom strip is v / f(r)
** wide, so its k is r / (v / f(r)). */
void mrv_zig_init(mrv_zig *z)
{
    const double m = 16777216.0; /* 2^24: j has 24 bits */
    double x = MRV_ZIG_R, above = x;
    double q = MRV_ZIG_V / mrv__exp(-0.5 * x * x);
    z->k[0] = (uint32_t)(x / q * m);
    z->k[1] = 0;
    z->w[0] = q / m;
    z->w[MRV_ZIG_N - 1] = x / m;
    z->f[0] = 1.0;
    z->f[MRV_ZIG_N - 1] = mrv__exp(-0.5 * x * x);
    for (int i = MRV_ZIG_N - 2; i >= 1; i--) {
        x = sqrt(-2.0 * mrv__log(MRV_ZIG_V / x + mrv__exp(-0.5 * x * x)));
        z->k[i + 1] = (uint32_t)(x / above * m);
        above = x;
        z->f[i] = mrv__exp(-0.5 * x * x);
        z->w[i] = x / m;
    }
}
